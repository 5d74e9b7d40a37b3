/*
 * mgmt/metrics_write.h — writing the Prometheus text exposition format.
 *
 * A struct mw is a buffer the renderer (mgmt/metrics_render.c) appends
 * HELP/TYPE lines and samples to; once it is full every later write is
 * dropped and `full` says so (the caller reports -ENOSPC).  A struct ml is
 * a label set being built (key="value",... with the value escaped as the
 * format asks: backslash, double quote, newline).
 */
#ifndef HVPTP_MGMT_METRICS_WRITE_H
#define HVPTP_MGMT_METRICS_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mw {
	char *buf;
	size_t cap, len;
	bool full;
};

struct ml {
	char s[384];
	size_t n;
};

void mw_put(struct mw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The HELP and TYPE lines of a family. */
void mw_family(struct mw *w, const char *name, const char *type,
	       const char *help);
/* One sample: name{labels} value (NaN and +-Inf as the format spells
 * them). */
void mw_double(struct mw *w, const char *name, const struct ml *l, double v);
void mw_uint(struct mw *w, const char *name, const struct ml *l, uint64_t v);
void mw_int(struct mw *w, const char *name, const struct ml *l, int64_t v);
void mw_name(struct mw *w, const char *name, const struct ml *l);

void ml_reset(struct ml *l);
void ml_char(struct ml *l, char c);
void ml_add(struct ml *l, const char *key, const char *val);

#endif
