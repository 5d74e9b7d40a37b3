/*
 * sim/sim_scn.h — the scenario file's syntax and its units.
 *
 * A scenario file is a list of sections, "[kind]" or "[kind NAME]", each
 * holding "key = value" lines; '#' starts a comment (at the start of a line
 * or after white space).  This part only splits the text into sections and
 * entries with their line numbers and converts values with units; what the
 * keys mean is sim_build.c's business.  Errors read "file:line: reason".
 */
#ifndef HVPTP_SIM_SIM_SCN_H
#define HVPTP_SIM_SIM_SCN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scn_kind {
	SCN_SCENARIO,
	SCN_NODE,
	SCN_LINK,
	SCN_EVENTS,
	SCN_EXPECT,
};

struct scn_entry {
	char *key;
	char *value;
	int line;
};

struct scn_section {
	enum scn_kind kind;
	char name[48]; /* "" without a name, "*" for defaults, NODE:CLOCK
			  ([expect]) */
	int line;
	struct scn_entry *e;
	int n, cap;
};

struct scn_file {
	char path[256];
	struct scn_section *s;
	int n, cap;
};

/* A refusal: err = "file:line: reason" (line 0: an entry from the command
 * line, "command line: -o reason").  Always -EINVAL. */
int scn_vfail(char *err, size_t errlen, const char *file, int line,
	      const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/* Parse a scenario text.  0, or -EINVAL with err = "file:line: reason". */
int scn_parse(struct scn_file *f, const char *path, const char *buf,
	      size_t len, char *err, size_t errlen);
/* Read and parse a file. */
int scn_load(struct scn_file *f, const char *path, char *err, size_t errlen);
void scn_free(struct scn_file *f);
/* Set key = value in section [kind name] (created if need be), replacing
 * a value the file gave; the entry's line is 0 ("command line").
 * 0 or -ENOMEM. */
int scn_set(struct scn_file *f, enum scn_kind kind, const char *name,
	    const char *key, const char *value);
/* The section of this kind and name, or NULL. */
const struct scn_section *scn_find(const struct scn_file *f,
				   enum scn_kind kind, const char *name);

/* Value converters: 0, or -EINVAL with a reason in why. */
/* A time: number and unit (ns, us, ms, s, min, h); "0" alone is fine. */
int scn_time(const char *v, int64_t *ns, char *why, size_t wl);
/* A frequency offset as a fraction: "1e-9", "5 ppb", "100 ppm", "9 %". */
int scn_freq(const char *v, double *frac, char *why, size_t wl);
/* A frequency in ppb: "5 ppb", "100 ppm", or a bare number of ppb. */
int scn_ppb(const char *v, double *ppb, char *why, size_t wl);
/* A probability: "0.01" or "1 %". */
int scn_prob(const char *v, double *p, char *why, size_t wl);
int scn_bool(const char *v, bool *b, char *why, size_t wl);
int scn_int(const char *v, long long lo, long long hi, long long *out,
	    char *why, size_t wl);
int scn_double(const char *v, double lo, double hi, double *out, char *why,
	       size_t wl);

#endif
