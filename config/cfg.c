/*
 * config/cfg.c — the option store and the ptp4l-format parser (see cfg.h).
 *
 * The store has one row of slots for [global] (and the command line) and
 * one row per port for the options that may be set per port.  Numbers live
 * in the slots; strings are copied when set (allocation happens only while
 * parsing).  Unset global numbers hold the table default, parsed once at
 * create; unset strings read the table text.  A port lookup falls back to
 * [global] when the port has no value of its own.
 *
 * The format is ptp4l's: "[global]" (any case), "[ifname]" and
 * "[unicast_master_table]" sections (and hvptpd's own
 * "[acceptable_master_table]", config/cfg_amt.c), "option value" lines where the value
 * is the rest of the line, '#' comment lines, no trailing comments, and no
 * lines before the first section.  Numbers take C's base prefixes (0x hex,
 * leading 0 octal) as strtol with base 0 does; enums match without regard
 * to case.  Command-line values are locked: a later [global] line leaves
 * them alone, while a port section may still set its own value, as ptp4l.
 */
#include "config/cfg_priv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct cfg_error cfg_err_sink;

int cfg_fail(struct cfg_error *err, const struct cfg_where *w, const char *option,
	 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		err = &cfg_err_sink;
	snprintf(err->file, sizeof(err->file), "%s", w->file);
	err->line = w->line;
	snprintf(err->option, sizeof(err->option), "%s", option ? option : "");
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void cfg_warn(struct cfg *c, const struct cfg_where *w,
		     const char *option, const char *msg)
{
	if (c->warn)
		c->warn(c->warn_ctx, w->file, w->line, option, msg);
}

static int cfg_index(const struct cfg_option_info *o)
{
	return (int)(o - cfg_option_at(0));
}

/* The entry that holds the value: the new name for a deprecated one. */
static const struct cfg_option_info *
cfg_resolve(const struct cfg_option_info *o)
{
	if (o && o->deprecated_for)
		return cfg_option_find(o->deprecated_for);
	return o;
}

static struct cfg_slot *cfg_slot(const struct cfg *c, int port, int idx)
{
	return &c->slots[(size_t)(port + 1) * (size_t)c->nopts + (size_t)idx];
}

static int cfg_port_index(const struct cfg *c, const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < c->nports; i++) {
		if (!strcmp(c->ports[i], name))
			return i;
	}
	return -1;
}

/* ---- values ------------------------------------------------------------ */

static bool cfg_is_octal_option(const struct cfg_option_info *o)
{
	return o->def && o->def[0] == '0' && o->def[1] >= '0' &&
	       o->def[1] <= '7';
}

static void cfg_dbl_bound(char *buf, size_t n, double v)
{
	if (v >= DBL_MAX)
		snprintf(buf, n, "inf");
	else if (v <= -DBL_MAX)
		snprintf(buf, n, "-inf");
	else
		snprintf(buf, n, "%g", v);
}

/* The allowed range as people write it: "0..255", "0 (exclusive)..1". */
static void cfg_range_text(const struct cfg_option_info *o, char *buf,
			   size_t n)
{
	char lo[32], hi[32];

	if (o->type == CFG_INT) {
		if (cfg_is_octal_option(o))
			snprintf(buf, n, "%s%llo..%s%llo", o->imin ? "0" : "",
				 o->imin, o->imax ? "0" : "", o->imax);
		else
			snprintf(buf, n, "%lld..%lld", o->imin, o->imax);
		return;
	}
	cfg_dbl_bound(lo, sizeof(lo), o->dmin);
	cfg_dbl_bound(hi, sizeof(hi), o->dmax);
	if (o->dmin == DBL_MIN)
		snprintf(buf, n, "0 (exclusive)..%s", hi);
	else
		snprintf(buf, n, "%s..%s", lo, hi);
}

/* ptp4l's special word for the fault intervals. */
static bool cfg_parse_asap(const struct cfg_option_info *o, const char *text,
			   long long *out)
{
	if (strcasecmp(text, "ASAP"))
		return false;
	if (!strcmp(o->name, "fault_reset_interval")) {
		*out = -128; /* FRI_ASAP */
		return true;
	}
	if (!strcmp(o->name, "fault_badpeernet_interval")) {
		*out = 0;
		return true;
	}
	return false;
}

static int cfg_parse_int(const struct cfg_option_info *o, const char *text,
			 bool check, long long *out, char *reason, size_t n)
{
	char *end, range[96];
	long long v;

	if (cfg_parse_asap(o, text, out))
		return 0;
	errno = 0;
	v = strtoll(text, &end, 0);
	if (end == text || *end) {
		snprintf(reason, n, "\"%s\" is not a number", text);
		return -EINVAL;
	}
	if (check && (errno == ERANGE || v < o->imin || v > o->imax)) {
		cfg_range_text(o, range, sizeof(range));
		snprintf(reason, n, "value %s out of range %s", text, range);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static int cfg_parse_dbl(const struct cfg_option_info *o, const char *text,
			 bool check, double *out, char *reason, size_t n)
{
	char *end, range[96];
	double v;

	v = strtod(text, &end);
	if (end == text || *end || isnan(v)) {
		snprintf(reason, n, "\"%s\" is not a number", text);
		return -EINVAL;
	}
	if (check && (isinf(v) || v < o->dmin || v > o->dmax)) {
		cfg_range_text(o, range, sizeof(range));
		snprintf(reason, n, "value %s out of range %s", text, range);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static int cfg_parse_enum(const struct cfg_option_info *o, const char *text,
			  long long *out, char *reason, size_t n)
{
	const struct cfg_enum_val *e;
	size_t used;

	for (e = o->enums; e && e->name; e++) {
		if (!strcasecmp(e->name, text)) {
			*out = e->value;
			return 0;
		}
	}
	used = (size_t)snprintf(reason, n, "bad value \"%s\", expected one of:",
				text);
	for (e = o->enums; e && e->name && used < n; e++)
		used += (size_t)snprintf(reason + used, n - used, " %s",
					 e->name);
	return -EINVAL;
}

/* Text to value; strings are not copied here (v->s stays NULL). */
static int cfg_value_parse(const struct cfg_option_info *o, const char *text,
			   bool check, union cfg_val *v, char *reason,
			   size_t n)
{
	memset(v, 0, sizeof(*v));
	if (o->type != CFG_STRING && !text[0]) {
		snprintf(reason, n, "missing value");
		return -EINVAL;
	}
	switch (o->type) {
	case CFG_INT:
		return cfg_parse_int(o, text, check, &v->i, reason, n);
	case CFG_DOUBLE:
		return cfg_parse_dbl(o, text, check, &v->d, reason, n);
	case CFG_ENUM:
		return cfg_parse_enum(o, text, &v->i, reason, n);
	case CFG_STRING:
		return 0;
	}
	snprintf(reason, n, "bad option type");
	return -EINVAL;
}

/* Would this value change anything compared with the default? */
static bool cfg_value_is_default(const struct cfg_option_info *o,
				 const union cfg_val *v, const char *text)
{
	union cfg_val d;
	char reason[8];

	switch (o->type) {
	case CFG_STRING:
		return o->def && !strcmp(o->def, text);
	case CFG_DOUBLE:
		if (cfg_value_parse(o, o->def, false, &d, reason,
				    sizeof(reason)))
			return false;
		return d.d == v->d;
	default:
		if (cfg_value_parse(o, o->def, false, &d, reason,
				    sizeof(reason)))
			return false;
		return d.i == v->i;
	}
}

static char *cfg_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* ---- setting ----------------------------------------------------------- */

/*
 * An option hvptpd does not implement: at its default value it asks for
 * what hvptpd does anyway (accepted); at another value it asks for
 * something hvptpd would not do, so it is refused, unless the option has
 * no effect on what ptp4l does either (cfg_option_no_effect: a warning
 * that says why).  Never "ignored" while the daemon does something else.
 */
static int cfg_check_implemented(struct cfg *c, const struct cfg_where *w,
				 const struct cfg_option_info *o,
				 const union cfg_val *v, const char *text,
				 struct cfg_error *err)
{
	const char *why = cfg_option_no_effect(o);
	char msg[200];
	int idx = cfg_index(o);

	if (o->implemented || cfg_value_is_default(o, v, text))
		return 0;
	if (!why)
		return cfg_fail(err, w, o->name, "%s: not implemented by hvptpd "
				"yet: it can only do what the default (%s) asks "
				"for", text, o->def && *o->def ? o->def : "unset");
	if (c->warned[idx])
		return 0;
	c->warned[idx] = true;
	snprintf(msg, sizeof(msg), "option %s ignored: %s", o->name, why);
	cfg_warn(c, w, o->name, msg);
	return 0;
}

/* The files table entry (+1) of a file name, added on first use; 0 when
 * the table is full (the origin is then unknown). */
static uint8_t cfg_file_index(struct cfg *c, const char *file)
{
	for (int i = 0; i < c->nfiles; i++) {
		if (strcmp(c->files[i], file) == 0)
			return (uint8_t)(i + 1);
	}
	if (c->nfiles == CFG_MAX_FILES)
		return 0;
	c->files[c->nfiles] = cfg_strdup(file);
	if (!c->files[c->nfiles])
		return 0;
	return (uint8_t)(++c->nfiles);
}

const char *cfg_file_name(struct cfg *c, const char *file)
{
	uint8_t i = cfg_file_index(c, file);

	return i ? c->files[i - 1] : NULL;
}

static int cfg_store(struct cfg *c, int port, const struct cfg_option_info *o,
		     const union cfg_val *v, const char *text, bool cmdline,
		     const struct cfg_where *w, struct cfg_error *err)
{
	struct cfg_slot *s = cfg_slot(c, port, cfg_index(o));
	char *copy;

	if (port < 0 && s->locked && !cmdline)
		return 0; /* the command line wins over [global] */
	if (o->type == CFG_STRING) {
		copy = cfg_strdup(text);
		if (!copy) {
			cfg_fail(err, w, o->name, "out of memory");
			return -ENOMEM;
		}
		if (s->set)
			free(s->v.s);
		s->v.s = copy;
	} else {
		s->v = *v;
	}
	s->set = true;
	s->line = w->line;
	s->file = cmdline ? 0 : cfg_file_index(c, w->file);
	if (cmdline)
		s->locked = true;
	return 0;
}

/* "unknown option", with the nearest known names when they are close. */
static int cfg_fail_unknown(struct cfg_error *err, const struct cfg_where *w,
			    const char *name)
{
	const char *near[2];

	switch (cfg_option_suggest(name, near, 2)) {
	case 0:
		return cfg_fail(err, w, name, "unknown option");
	case 1:
		return cfg_fail(err, w, name,
				"unknown option; did you mean \"%s\"?",
				near[0]);
	default:
		return cfg_fail(err, w, name, "unknown option; did you mean "
				"\"%s\" or \"%s\"?", near[0], near[1]);
	}
}

/* One "option value" from a file section (port >= 0: a port section, -1:
 * [global], CFG_PORT_NONE: checked only, not stored) or from the command
 * line. */
static int cfg_set(struct cfg *c, int port, const char *name,
		   const char *text, const struct cfg_where *w,
		   struct cfg_error *err)
{
	const struct cfg_option_info *o, *t;
	char reason[sizeof(err->reason)], msg[160];
	union cfg_val v;

	o = cfg_option_find(name);
	t = cfg_resolve(o);
	if (!o || !t)
		return cfg_fail_unknown(err, w, name);
	if (o != t) {
		snprintf(msg, sizeof(msg),
			 "option %s is deprecated; using %s instead", o->name,
			 t->name);
		cfg_warn(c, w, o->name, msg);
	}
	if (port == CFG_PORT_NONE) {
		return cfg_value_parse(t, text, true, &v, reason,
				       sizeof(reason)) ?
			       cfg_fail(err, w, name, "%s", reason) :
			       0;
	}
	if (port >= 0 && !t->port_scope)
		return cfg_fail(err, w, name, "option %s is global-only",
				name);
	if (cfg_value_parse(t, text, true, &v, reason, sizeof(reason)))
		return cfg_fail(err, w, name, "%s", reason);
	if (cfg_check_implemented(c, w, t, &v, text, err) < 0)
		return -EINVAL;
	return cfg_store(c, port, t, &v, text, w->cmdline, w, err);
}

int cfg_set_cmdline(struct cfg *c, const char *option, const char *value,
		    struct cfg_error *err)
{
	struct cfg_where w = { .file = CFG_CMDLINE_FILE, .cmdline = true };

	if (!c || !option || !value)
		return cfg_fail(err, &w, option, "missing value");
	return cfg_set(c, -1, option, value, &w, err);
}

/* ---- life cycle -------------------------------------------------------- */

static int cfg_load_defaults(struct cfg *c)
{
	const struct cfg_option_info *o;
	char reason[sizeof(((struct cfg_error *)0)->reason)];
	int i;

	for (i = 0; i < c->nopts; i++) {
		o = cfg_option_at(i);
		if (o->type == CFG_STRING)
			continue;
		if (!o->def || cfg_value_parse(o, o->def, false,
					       &cfg_slot(c, -1, i)->v, reason,
					       sizeof(reason)))
			return -EINVAL;
	}
	return 0;
}

struct cfg *cfg_create(void)
{
	struct cfg *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->nopts = cfg_option_count();
	c->slots = calloc((size_t)(1 + CFG_MAX_PORTS) * (size_t)c->nopts,
			  sizeof(*c->slots));
	c->warned = calloc((size_t)c->nopts, sizeof(*c->warned));
	if (!c->slots || !c->warned || cfg_load_defaults(c)) {
		cfg_destroy(c);
		return NULL;
	}
	return c;
}

void cfg_destroy(struct cfg *c)
{
	const struct cfg_option_info *o;
	struct cfg_slot *s;
	int p, i;

	if (!c)
		return;
	for (p = -1; c->slots && p < CFG_MAX_PORTS; p++) {
		for (i = 0; i < c->nopts; i++) {
			o = cfg_option_at(i);
			s = cfg_slot(c, p, i);
			if (o->type == CFG_STRING && s->set)
				free(s->v.s);
		}
	}
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->slots);
	free(c->warned);
	free(c);
}

void cfg_set_warn(struct cfg *c, cfg_warn_fn fn, void *ctx)
{
	if (!c)
		return;
	c->warn = fn;
	c->warn_ctx = ctx;
}

/* ---- ports ------------------------------------------------------------- */

static bool cfg_ifname_ok(const char *name)
{
	size_t n;

	if (!name)
		return false;
	n = strnlen(name, CFG_IFNAME_MAX);
	if (n == 0 || n >= CFG_IFNAME_MAX)
		return false;
	return !strpbrk(name, " \t\r\n\v\f[]");
}

int cfg_add_port(struct cfg *c, const char *ifname)
{
	if (!c || !cfg_ifname_ok(ifname))
		return -EINVAL;
	if (cfg_port_index(c, ifname) >= 0)
		return 0;
	if (c->nports >= CFG_MAX_PORTS)
		return -ENOSPC;
	memcpy(c->ports[c->nports], ifname, strlen(ifname) + 1);
	c->nports++;
	return 0;
}

int cfg_nports(const struct cfg *c)
{
	return c ? c->nports : 0;
}

const struct cfg_amt *cfg_amt(const struct cfg *c)
{
	return &c->amt;
}

const char *cfg_port_name(const struct cfg *c, int i)
{
	if (!c || i < 0 || i >= c->nports)
		return NULL;
	return c->ports[i];
}

/* ---- the parser -------------------------------------------------------- */

static bool cfg_isspace(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	       ch == '\v' || ch == '\f';
}

/* Strip leading and trailing white space in place. */
static char *cfg_trim(char *s)
{
	size_t n;

	while (cfg_isspace(*s))
		s++;
	n = strlen(s);
	while (n > 0 && cfg_isspace(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int cfg_parse_section(struct cfg_parser *p, const char *line,
			     struct cfg_error *err)
{
	size_t n = strlen(line), s = 1, e;
	char name[CFG_IFNAME_MAX];
	int rc;

	if (n < 2 || line[n - 1] != ']')
		return cfg_fail(err, &p->w, line, "malformed section header");
	e = n - 1;
	while (s < e && cfg_isspace(line[s]))
		s++;
	while (e > s && cfg_isspace(line[e - 1]))
		e--;
	if (s == e || memchr(line + s, '[', e - s) ||
	    memchr(line + s, ']', e - s) || memchr(line + s, ' ', e - s) ||
	    memchr(line + s, '\t', e - s))
		return cfg_fail(err, &p->w, line, "malformed section header");
	if (e - s >= sizeof(name))
		return cfg_fail(err, &p->w, line, "interface name too long");
	memcpy(name, line + s, e - s);
	name[e - s] = '\0';
	if (!strcasecmp(name, "global")) {
		p->section = SEC_GLOBAL;
		return 0;
	}
	if (!strcasecmp(name, "unicast_master_table")) {
		p->section = SEC_UCTABLE;
		p->uc_table = -1; /* until its table_id */
		return 0;
	}
	if (!strcasecmp(name, "acceptable_master_table")) {
		p->section = SEC_AMTABLE;
		return 0;
	}
	rc = cfg_add_port(p->c, name);
	if (rc == -ENOSPC)
		return cfg_fail(err, &p->w, name,
				"too many ports (at most %d)", CFG_MAX_PORTS);
	if (rc)
		return cfg_fail(err, &p->w, name, "bad interface name");
	p->section = SEC_PORT;
	p->port = cfg_port_index(p->c, name);
	return 0;
}

static int cfg_parse_setting(struct cfg_parser *p, char *line,
			     struct cfg_error *err)
{
	char *value = line;
	int port;

	while (*value && !cfg_isspace(*value))
		value++;
	if (*value)
		*value++ = '\0';
	while (cfg_isspace(*value))
		value++;
	if (p->section == SEC_NONE) {
		/* said once; the lines up to a section are checked only */
		p->section = SEC_BROKEN;
		return cfg_fail(err, &p->w, line, "line before any section");
	}
	if (!*value && cfg_option_find(line))
		return cfg_fail(err, &p->w, line, "missing value");
	if (p->section == SEC_BROKEN)
		port = CFG_PORT_NONE;
	else
		port = p->section == SEC_PORT ? p->port : -1;
	return cfg_set(p->c, port, line, value, &p->w, err);
}

static int cfg_parse_line(struct cfg_parser *p, const char *text, size_t len,
			  struct cfg_error *err)
{
	char buf[CFG_LINE_MAX], *line;

	if (len >= sizeof(buf))
		return cfg_fail(err, &p->w, "", "line too long (at most %d "
				"characters)", CFG_LINE_MAX - 1);
	if (memchr(text, '\0', len))
		return cfg_fail(err, &p->w, "", "line contains a NUL byte");
	memcpy(buf, text, len);
	buf[len] = '\0';
	line = cfg_trim(buf);
	if (!line[0] || line[0] == '#')
		return 0;
	if (line[0] == '[') {
		if (cfg_parse_section(p, line, err) == 0)
			return 0;
		p->section = SEC_BROKEN;
		return -EINVAL;
	}
	if (p->section == SEC_UCTABLE)
		return cfg_uc_parse_line(p, line, err);
	if (p->section == SEC_AMTABLE) {
		char why[160];

		if (cfg_amt_add_line(&p->c->amt, line, why, sizeof(why)))
			return cfg_fail(err, &p->w, "acceptable_master_table",
					"%s", why);
		return 0;
	}
	return cfg_parse_setting(p, line, err);
}

/* The lines of buf; every error into errs, or stop at the first (into
 * err) when errs is NULL. */
static int cfg_parse(struct cfg *c, const char *file, const char *buf,
		     size_t len, struct cfg_error *err, struct cfg_errors *errs)
{
	struct cfg_parser p = {
		.c = c,
		.w = { .file = file ? file : "(config)" },
		.section = SEC_NONE,
		.port = -1,
		.uc_table = -1,
	};
	struct cfg_error e;
	size_t pos = 0, end;
	int rc = 0;

	if (!c || (!buf && len)) {
		rc = cfg_fail(err ? err : &e, &p.w, "", "no configuration");
		if (errs)
			cfg_errors_add(errs, &e);
		return rc;
	}
	while (pos < len) {
		end = pos;
		while (end < len && buf[end] != '\n')
			end++;
		p.w.line++;
		if (cfg_parse_line(&p, buf + pos, end - pos,
				   errs ? &e : err) < 0) {
			rc = -EINVAL;
			if (!errs)
				return rc;
			cfg_errors_add(errs, &e);
		}
		pos = end + 1;
	}
	return rc;
}

int cfg_parse_buffer(struct cfg *c, const char *file, const char *buf,
		     size_t len, struct cfg_error *err)
{
	return cfg_parse(c, file, buf, len, err, NULL);
}

int cfg_parse_buffer_all(struct cfg *c, const char *file, const char *buf,
			 size_t len, struct cfg_errors *errs)
{
	return cfg_parse(c, file, buf, len, NULL, errs);
}

/* ---- error lists ------------------------------------------------------- */

void cfg_errors_init(struct cfg_errors *l)
{
	l->n = 0;
	l->more = 0;
}

static bool cfg_error_same(const struct cfg_error *a,
			   const struct cfg_error *b)
{
	return a->line == b->line && !strcmp(a->file, b->file) &&
	       !strcmp(a->option, b->option) && !strcmp(a->reason, b->reason);
}

void cfg_errors_add(struct cfg_errors *l, const struct cfg_error *e)
{
	for (int i = 0; i < l->n; i++) {
		if (cfg_error_same(&l->e[i], e))
			return;
	}
	if (l->n < CFG_ERRORS_MAX)
		l->e[l->n++] = *e;
	else
		l->more++;
}

int cfg_errors_total(const struct cfg_errors *l)
{
	return l->n + l->more;
}

bool cfg_errors_has_option(const struct cfg_errors *l, int upto,
			   const char *option)
{
	for (int i = 0; i < upto && i < l->n; i++) {
		if (!strcmp(l->e[i].option, option))
			return true;
	}
	return false;
}

/* ---- lookups ----------------------------------------------------------- */

static bool cfg_type_ok(enum cfg_type have, enum cfg_type want)
{
	if (have == want)
		return true;
	/* enums are integers too, as in ptp4l */
	return (have == CFG_INT || have == CFG_ENUM) &&
	       (want == CFG_INT || want == CFG_ENUM);
}

static const struct cfg_slot *cfg_lookup(const struct cfg *c,
					 const char *port, const char *option,
					 enum cfg_type want,
					 const struct cfg_option_info **info)
{
	const struct cfg_option_info *o;
	const struct cfg_slot *s;
	int idx, p;

	if (!c)
		return NULL;
	o = cfg_resolve(cfg_option_find(option));
	if (!o || !cfg_type_ok(o->type, want))
		return NULL;
	idx = cfg_index(o);
	p = cfg_port_index(c, port);
	if (p >= 0 && o->port_scope) {
		s = cfg_slot(c, p, idx);
		if (s->set)
			goto found;
	}
	s = cfg_slot(c, -1, idx);
found:
	if (info)
		*info = o;
	return s;
}

int cfg_get_int(const struct cfg *c, const char *port, const char *option)
{
	const struct cfg_slot *s = cfg_lookup(c, port, option, CFG_INT, NULL);

	return s ? (int)s->v.i : 0;
}

int cfg_get_enum(const struct cfg *c, const char *port, const char *option)
{
	const struct cfg_slot *s = cfg_lookup(c, port, option, CFG_ENUM, NULL);

	return s ? (int)s->v.i : 0;
}

double cfg_get_double(const struct cfg *c, const char *port,
		      const char *option)
{
	const struct cfg_slot *s =
		cfg_lookup(c, port, option, CFG_DOUBLE, NULL);

	return s ? s->v.d : 0.0;
}

const char *cfg_get_string(const struct cfg *c, const char *port,
			   const char *option)
{
	const struct cfg_option_info *o;
	const struct cfg_slot *s =
		cfg_lookup(c, port, option, CFG_STRING, &o);

	if (!s)
		return NULL;
	return s->set ? s->v.s : o->def;
}

bool cfg_origin(const struct cfg *c, const char *port, const char *option,
		const char **file, int *line)
{
	const struct cfg_option_info *o = cfg_resolve(cfg_option_find(option));
	const struct cfg_slot *s;
	int p;

	if (!c || !o)
		return false;
	p = cfg_port_index(c, port);
	s = p >= 0 ? cfg_slot(c, p, cfg_index(o)) : NULL;
	if (!s || !s->set)
		s = cfg_slot(c, -1, cfg_index(o));
	if (!s->set)
		return false;
	if (s->locked || s->file == 0) {
		*file = CFG_CMDLINE_FILE;
		*line = 0;
	} else {
		*file = c->files[s->file - 1];
		*line = s->line;
	}
	return true;
}

bool cfg_is_set(const struct cfg *c, const char *port, const char *option)
{
	const struct cfg_option_info *o;
	int p;

	o = cfg_resolve(cfg_option_find(option));
	if (!c || !o)
		return false;
	p = cfg_port_index(c, port);
	if (p >= 0 && cfg_slot(c, p, cfg_index(o))->set)
		return true;
	return cfg_slot(c, -1, cfg_index(o))->set;
}

bool cfg_port_has(const struct cfg *c, const char *port, const char *option)
{
	const struct cfg_option_info *o = cfg_resolve(cfg_option_find(option));
	int p;

	if (!c || !o || !port)
		return false;
	p = cfg_port_index(c, port);
	return p >= 0 && cfg_slot(c, p, cfg_index(o))->set;
}
