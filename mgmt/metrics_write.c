/*
 * mgmt/metrics_write.c — the Prometheus text exposition format, written
 * into a buffer (see metrics_write.h); the families are metrics_render.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "mgmt/metrics_write.h"

void mw_put(struct mw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->full = true;
		w->buf[w->len] = '\0';
		return;
	}
	w->len += (size_t)n;
}

void mw_family(struct mw *w, const char *name, const char *type,
	       const char *help)
{
	mw_put(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void ml_reset(struct ml *l)
{
	l->n = 0;
	l->s[0] = '\0';
}

void ml_char(struct ml *l, char c)
{
	if (l->n + 1 < sizeof(l->s)) {
		l->s[l->n++] = c;
		l->s[l->n] = '\0';
	}
}

void ml_add(struct ml *l, const char *key, const char *val)
{
	if (l->n)
		ml_char(l, ',');
	for (; *key; key++)
		ml_char(l, *key);
	ml_char(l, '=');
	ml_char(l, '"');
	for (; val && *val; val++) {
		if (*val == '\\' || *val == '"') {
			ml_char(l, '\\');
			ml_char(l, *val);
		} else if (*val == '\n') {
			ml_char(l, '\\');
			ml_char(l, 'n');
		} else {
			ml_char(l, *val);
		}
	}
	ml_char(l, '"');
}

void mw_name(struct mw *w, const char *name, const struct ml *l)
{
	if (l && l->n)
		mw_put(w, "%s{%s} ", name, l->s);
	else
		mw_put(w, "%s ", name);
}

void mw_double(struct mw *w, const char *name, const struct ml *l, double v)
{
	mw_name(w, name, l);
	if (isnan(v))
		mw_put(w, "NaN\n");
	else if (isinf(v))
		mw_put(w, "%sInf\n", v > 0 ? "+" : "-");
	else
		mw_put(w, "%.15g\n", v);
}

void mw_uint(struct mw *w, const char *name, const struct ml *l, uint64_t v)
{
	mw_name(w, name, l);
	mw_put(w, "%llu\n", (unsigned long long)v);
}

void mw_int(struct mw *w, const char *name, const struct ml *l, int64_t v)
{
	mw_name(w, name, l);
	mw_put(w, "%lld\n", (long long)v);
}

