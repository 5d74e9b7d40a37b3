/* sim/sim_scn.c — scenario file syntax and units (see sim_scn.h). */
#include "sim/sim_scn.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN_MAX_FILE (4 << 20)

static const struct {
	const char *word;
	enum scn_kind kind;
	bool named; /* a name is required (1), forbidden (0) */
	bool optional_name;
} scn_kinds[] = {
	{ "scenario", SCN_SCENARIO, false, false },
	{ "node", SCN_NODE, true, false },
	{ "link", SCN_LINK, true, false },
	{ "events", SCN_EVENTS, false, false },
	{ "event", SCN_EVENTS, false, false },
	{ "expect", SCN_EXPECT, false, true },
};

int scn_vfail(char *err, size_t errlen, const char *file, int line,
	      const char *fmt, va_list ap)
{
	char msg[400];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!err || !errlen)
		return -EINVAL;
	if (line == 0)
		snprintf(err, errlen, "command line: -o %s", msg);
	else
		snprintf(err, errlen, "%s:%d: %s", file, line, msg);
	return -EINVAL;
}

__attribute__((format(printf, 5, 6))) static int
scn_fail(char *err, size_t errlen, const char *file, int line,
	 const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = scn_vfail(err, errlen, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Cut a comment: '#' at the start or after white space. */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static bool name_ok(const char *n)
{
	if (!*n || strlen(n) >= 32)
		return false;
	if (strcmp(n, "*") == 0)
		return true;
	for (; *n; n++) {
		if (!isalnum((unsigned char)*n) && !strchr("_-.", *n))
			return false;
	}
	return true;
}

/* [expect NODE] or [expect NODE:CLOCK]. */
static bool expect_name_ok(const char *n)
{
	char buf[64];
	char *colon;

	if (strlen(n) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", n);
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = '\0';
	if (!colon)
		return name_ok(buf);
	return name_ok(buf) && strcmp(buf, "*") != 0 && name_ok(colon) &&
	       strcmp(colon, "*") != 0;
}

static int section_kind(const char *word, int *k)
{
	for (size_t i = 0; i < sizeof(scn_kinds) / sizeof(*scn_kinds); i++) {
		if (strcmp(word, scn_kinds[i].word) == 0) {
			*k = (int)i;
			return 0;
		}
	}
	return -EINVAL;
}

const struct scn_section *scn_find(const struct scn_file *f,
				   enum scn_kind kind, const char *name)
{
	for (int i = 0; i < f->n; i++) {
		if (f->s[i].kind == kind && strcmp(f->s[i].name, name) == 0)
			return &f->s[i];
	}
	return NULL;
}

static int new_section(struct scn_file *f, char *hdr, int line, char *err,
		       size_t errlen)
{
	char *word = hdr, *name, *sp;
	struct scn_section *s;
	int k;

	sp = strpbrk(word, " \t");
	name = sp ? trim(sp + 1) : (char *)"";
	if (sp)
		*sp = '\0';
	if (section_kind(word, &k) < 0)
		return scn_fail(err, errlen, f->path, line,
				"unknown section [%s] (scenario, node, link, "
				"events, expect)", word);
	if (scn_kinds[k].named && !*name)
		return scn_fail(err, errlen, f->path, line,
				"[%s] needs a name: [%s NAME]", word, word);
	if (!scn_kinds[k].named && !scn_kinds[k].optional_name && *name)
		return scn_fail(err, errlen, f->path, line,
				"[%s] takes no name", word);
	if (*name && !(scn_kinds[k].kind == SCN_EXPECT ? expect_name_ok(name)
						       : name_ok(name)))
		return scn_fail(err, errlen, f->path, line,
				"bad name '%s' (letters, digits, _ - . ; "
				"at most 31%s)", name,
				scn_kinds[k].kind == SCN_EXPECT
					? "; NODE or NODE:CLOCK"
					: "");
	if (scn_kinds[k].kind != SCN_EVENTS &&
	    scn_find(f, scn_kinds[k].kind, name))
		return scn_fail(err, errlen, f->path, line,
				"section [%s%s%s] given twice", word,
				*name ? " " : "", name);
	if (f->n == f->cap) {
		int cap = f->cap ? f->cap * 2 : 16;
		struct scn_section *v = realloc(f->s, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->s = v;
		f->cap = cap;
	}
	s = &f->s[f->n++];
	memset(s, 0, sizeof(*s));
	s->kind = scn_kinds[k].kind;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->line = line;
	return 0;
}

static int entry_put(struct scn_section *s, const char *key,
		     const char *value, int line)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		struct scn_entry *v = realloc(s->e, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->e = v;
		s->cap = cap;
	}
	s->e[s->n].key = strdup(key);
	s->e[s->n].value = strdup(value);
	s->e[s->n].line = line;
	if (!s->e[s->n].key || !s->e[s->n].value) {
		free(s->e[s->n].key);
		free(s->e[s->n].value);
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

static int add_entry(struct scn_file *f, char *key, char *value, int line,
		     char *err, size_t errlen)
{
	struct scn_section *s = &f->s[f->n - 1];

	if (s->kind != SCN_EVENTS) {
		for (int i = 0; i < s->n; i++) {
			if (strcmp(s->e[i].key, key) == 0)
				return scn_fail(err, errlen, f->path, line,
						"%s: given twice in this "
						"section (line %d)", key,
						s->e[i].line);
		}
	}
	return entry_put(s, key, value, line);
}

int scn_set(struct scn_file *f, enum scn_kind kind, const char *name,
	    const char *key, const char *value)
{
	struct scn_section *s = (struct scn_section *)scn_find(f, kind, name);

	if (!s) {
		if (f->n == f->cap) {
			int cap = f->cap ? f->cap * 2 : 16;
			struct scn_section *v =
				realloc(f->s, (size_t)cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			f->s = v;
			f->cap = cap;
		}
		s = &f->s[f->n++];
		memset(s, 0, sizeof(*s));
		s->kind = kind;
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->e[i].key, key) != 0)
			continue;
		free(s->e[i].value);
		s->e[i].value = strdup(value);
		s->e[i].line = 0;
		return s->e[i].value ? 0 : -ENOMEM;
	}
	return entry_put(s, key, value, 0);
}

static int parse_line(struct scn_file *f, char *text, int line, char *err,
		      size_t errlen)
{
	char *l, *eq, *key, *value;

	cut_comment(text);
	l = trim(text);
	if (!*l)
		return 0;
	if (*l == '[') {
		char *end = strchr(l, ']');

		if (!end || *trim(end + 1))
			return scn_fail(err, errlen, f->path, line,
					"bad section header (want [kind] or "
					"[kind NAME])");
		*end = '\0';
		return new_section(f, trim(l + 1), line, err, errlen);
	}
	if (f->n == 0)
		return scn_fail(err, errlen, f->path, line,
				"'%s' before the first section", l);
	eq = strchr(l, '=');
	if (!eq)
		return scn_fail(err, errlen, f->path, line,
				"expected 'key = value'");
	*eq = '\0';
	key = trim(l);
	value = trim(eq + 1);
	if (!*key || strpbrk(key, " \t"))
		return scn_fail(err, errlen, f->path, line,
				"bad key '%s' (one word before '=')", key);
	if (!*value)
		return scn_fail(err, errlen, f->path, line, "%s: no value",
				key);
	return add_entry(f, key, value, line, err, errlen);
}

int scn_parse(struct scn_file *f, const char *path, const char *buf,
	      size_t len, char *err, size_t errlen)
{
	size_t pos = 0;
	int line = 0, rc;
	char text[1024];

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	while (pos < len) {
		size_t end = pos;

		while (end < len && buf[end] != '\n')
			end++;
		line++;
		if (end - pos >= sizeof(text))
			return scn_fail(err, errlen, path, line,
					"line too long (over %zu characters)",
					sizeof(text) - 1);
		memcpy(text, buf + pos, end - pos);
		text[end - pos] = '\0';
		if (memchr(text, '\0', end - pos))
			return scn_fail(err, errlen, path, line,
					"NUL byte in the file");
		rc = parse_line(f, text, line, err, errlen);
		if (rc)
			return rc;
		pos = end + 1;
	}
	return 0;
}

int scn_load(struct scn_file *f, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!fp)
		return scn_fail(err, errlen, path, 0, "cannot open: %s",
				strerror(errno));
	buf = malloc(SCN_MAX_FILE);
	if (!buf) {
		fclose(fp);
		return -ENOMEM;
	}
	n = fread(buf, 1, SCN_MAX_FILE, fp);
	if (ferror(fp) || n == SCN_MAX_FILE) {
		rc = scn_fail(err, errlen, path, 0, "%s",
			      n == SCN_MAX_FILE ? "file too large"
						: "read error");
	} else {
		rc = scn_parse(f, path, buf, n, err, errlen);
	}
	free(buf);
	fclose(fp);
	return rc;
}

void scn_free(struct scn_file *f)
{
	for (int i = 0; i < f->n; i++) {
		for (int j = 0; j < f->s[i].n; j++) {
			free(f->s[i].e[j].key);
			free(f->s[i].e[j].value);
		}
		free(f->s[i].e);
	}
	free(f->s);
	memset(f, 0, sizeof(*f));
}

/* ---- values ---- */

__attribute__((format(printf, 3, 4))) static int
why_fail(char *why, size_t wl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, wl, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A number followed by an optional unit word; *unit points into v. */
static int number_unit(const char *v, double *x, const char **unit,
		       char *why, size_t wl)
{
	char *end;

	errno = 0;
	*x = strtod(v, &end);
	if (end == v || errno == ERANGE || !isfinite(*x))
		return why_fail(why, wl, "'%s': not a number", v);
	while (isspace((unsigned char)*end))
		end++;
	*unit = end;
	return 0;
}

static const struct {
	const char *name;
	double ns;
} time_units[] = {
	{ "ns", 1.0 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
	{ "s", 1e9 }, { "min", 60e9 }, { "h", 3600e9 },
};

int scn_time(const char *v, int64_t *ns, char *why, size_t wl)
{
	const char *unit;
	double x;

	if (number_unit(v, &x, &unit, why, wl))
		return -EINVAL;
	if (!*unit) {
		if (x == 0.0) {
			*ns = 0;
			return 0;
		}
		return why_fail(why, wl, "'%s': a time needs a unit (ns, us, "
			       "ms, s, min, h)", v);
	}
	for (size_t i = 0; i < sizeof(time_units) / sizeof(*time_units);
	     i++) {
		if (strcmp(unit, time_units[i].name) == 0) {
			x *= time_units[i].ns;
			if (fabs(x) > 9.0e18)
				return why_fail(why, wl, "'%s': too large",
						v);
			*ns = (int64_t)llround(x);
			return 0;
		}
	}
	return why_fail(why, wl, "'%s': unknown time unit '%s' (ns, us, ms, "
		       "s, min, h)", v, unit);
}

int scn_freq(const char *v, double *frac, char *why, size_t wl)
{
	const char *unit;
	double x;

	if (number_unit(v, &x, &unit, why, wl))
		return -EINVAL;
	if (!*unit)
		*frac = x;
	else if (strcmp(unit, "ppb") == 0)
		*frac = x * 1e-9;
	else if (strcmp(unit, "ppm") == 0)
		*frac = x * 1e-6;
	else if (strcmp(unit, "%") == 0)
		*frac = x * 1e-2;
	else
		return why_fail(why, wl, "'%s': unknown frequency unit '%s' "
			       "(ppb, ppm, %%, or a bare fraction)", v, unit);
	if (fabs(*frac) >= 0.5)
		return why_fail(why, wl, "'%s': frequency offset of 50 %% or "
			       "more", v);
	return 0;
}

int scn_ppb(const char *v, double *ppb, char *why, size_t wl)
{
	const char *unit;
	double x;

	if (number_unit(v, &x, &unit, why, wl))
		return -EINVAL;
	if (!*unit || strcmp(unit, "ppb") == 0)
		*ppb = x;
	else if (strcmp(unit, "ppm") == 0)
		*ppb = x * 1e3;
	else if (strcmp(unit, "%") == 0)
		*ppb = x * 1e7;
	else
		return why_fail(why, wl, "'%s': unknown unit '%s' (ppb, ppm, "
			       "%%)", v, unit);
	return 0;
}

int scn_prob(const char *v, double *p, char *why, size_t wl)
{
	const char *unit;
	double x;

	if (number_unit(v, &x, &unit, why, wl))
		return -EINVAL;
	if (strcmp(unit, "%") == 0)
		x /= 100.0;
	else if (*unit)
		return why_fail(why, wl, "'%s': a probability is a fraction "
			       "or a percentage", v);
	if (x < 0.0 || x > 1.0)
		return why_fail(why, wl, "'%s': not within 0..1", v);
	*p = x;
	return 0;
}

int scn_bool(const char *v, bool *b, char *why, size_t wl)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (int i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*b = true;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*b = false;
			return 0;
		}
	}
	return why_fail(why, wl, "'%s': want yes or no", v);
}

int scn_int(const char *v, long long lo, long long hi, long long *out,
	    char *why, size_t wl)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 0);
	if (end == v || *end || errno == ERANGE)
		return why_fail(why, wl, "'%s': not an integer", v);
	if (x < lo || x > hi)
		return why_fail(why, wl, "'%s': not within %lld..%lld", v, lo,
				hi);
	*out = x;
	return 0;
}

int scn_double(const char *v, double lo, double hi, double *out, char *why,
	       size_t wl)
{
	const char *unit;
	double x;

	if (number_unit(v, &x, &unit, why, wl))
		return -EINVAL;
	if (*unit)
		return why_fail(why, wl, "'%s': a plain number is wanted", v);
	if (x < lo || x > hi)
		return why_fail(why, wl, "'%s': not within %g..%g", v, lo, hi);
	*out = x;
	return 0;
}
