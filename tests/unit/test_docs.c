/*
 * tests/unit/test_docs.c — the documentation agrees with the code (run
 * from the repository root, as make unit does):
 *
 * 1. docs/metrics.md's table of families is what hvptpd --print-metrics-md
 *    prints (mgmt/metrics_doc.h); scripts/gen-docs.sh regenerates it.
 *    Every family has a sample in the generator's snapshot (else its
 *    labels would be missing from the table).
 * 2. Every hvptp_* name in README.md, docs/ and systemd/ is a family the
 *    renderer writes (or, ending in "_", the prefix of some).
 * 3. Defaults stated in README.md, docs/ (markdown), hvptpd(8), hvptpctl(8)
 *    are the option table's.  A stated default is one of these forms, in
 *    the text with its markup removed (backticks, roff requests and
 *    escapes):
 *        OPTION VALUE, the default      OPTION VALUE; the default
 *        OPTION VALUE (the default      OPTION is off|on by default
 *        OPTION ..., default VALUE      OPTION (default VALUE
 *    ("..." up to 30 characters without ".", ";" or ")"); VALUE must look
 *    like a value of the option's type (a number, one of its enum names,
 *    a path; off/on/empty), or the phrase is not a default statement and
 *    is passed over.  At least MIN_STATED of them must be found, so that
 *    the check cannot become empty unnoticed; HVPTP_DOCS_LIST=1 lists
 *    the statements found.
 * 4. hvptpctl's default sockets are hvptpd's default uds_address and
 *    uds_ro_address.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "config/cfg.h"
#include "mgmt/client.h"
#include "mgmt/metrics_doc.h"

#define MIN_STATED 10

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* ---- 1. the metrics table ---- */

static void test_metrics_table(void **state)
{
	char *md = slurp("docs/metrics.md"), *want = NULL, *b, *e;
	int n;

	(void)state;
	if (!md)
		fail_msg("docs/metrics.md: run from the repository root");
	n = metrics_doc_string(&want);
	assert_true(n >= 40);
	if (strstr(want, METRICS_DOC_NO_SAMPLE))
		fail_msg("a family has no sample in mgmt/metrics_doc.c's "
			 "snapshot (its labels are unknown): give it one in "
			 "doc_snapshot()\n%s", want);
	b = strstr(md, METRICS_DOC_BEGIN);
	assert_non_null(b);
	b = strchr(b, '\n');
	assert_non_null(b);
	b++;
	e = strstr(b, "\n" METRICS_DOC_END);
	assert_non_null(e);
	e[1] = '\0';
	if (strcmp(b, want) != 0)
		fail_msg("docs/metrics.md: the table of families differs from "
			 "the renderer's %d families: make && "
			 "scripts/gen-docs.sh", n);
	print_message("FIGURE: docs/metrics.md lists the %d families\n", n);
	free(want);
	free(md);
}

/* ---- 2. every hvptp_* name is a family ---- */

static bool is_family(const char *table, const char *name, size_t len)
{
	char key[96];

	if (len + 3 >= sizeof(key))
		return false;
	/* "| `name` |" in the table; a prefix ending in '_' matches any */
	snprintf(key, sizeof(key), "| `%.*s%s", (int)len, name,
		 name[len - 1] == '_' ? "" : "` |");
	return strstr(table, key) != NULL;
}

static int check_names(const char *path, const char *table)
{
	char *text = slurp(path);
	int bad = 0;

	assert_non_null(text);
	for (char *p = text; (p = strstr(p, "hvptp_"));) {
		size_t len = 0;

		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
			p += 6;
			continue;
		}
		while (islower((unsigned char)p[len]) ||
		       isdigit((unsigned char)p[len]) || p[len] == '_')
			len++;
		if (!is_family(table, p, len)) {
			print_error("%s: %.*s is not a metric family\n", path,
				    (int)len, p);
			bad++;
		}
		p += len;
	}
	free(text);
	return bad;
}

static void test_metric_names(void **state)
{
	const char *pats[] = { "README.md", "docs/*.md", "docs/*.[58]",
			       "systemd/*" };
	char *table = NULL;
	int bad = 0, files = 0;

	(void)state;
	assert_true(metrics_doc_string(&table) > 0);
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;

		if (glob(pats[i], 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++, files++)
			bad += check_names(g.gl_pathv[k], table);
		globfree(&g);
	}
	assert_true(files >= 5);
	free(table);
	if (bad)
		fail_msg("%d hvptp_* names in the docs are not metric families",
			 bad);
}

/* ---- 3. stated defaults ---- */

/* The text without markup: roff requests (".B x" -> "x"), comments and
 * escapes (\-, \fB...), backticks and "**"; whitespace runs as one
 * space. */
static char *plain_text(const char *path)
{
	char *in = slurp(path), *out, *o;
	bool roff = strstr(path, ".8") || strstr(path, ".5");
	bool bol = true;

	assert_non_null(in);
	out = calloc(1, strlen(in) + 1);
	assert_non_null(out);
	o = out;
	for (const char *p = in; *p; p++) {
		if (roff && bol && p[0] == '.' && p[1] == '\\' && p[2] == '"') {
			p = strchrnul(p, '\n');
			if (!*p)
				break;
			continue;
		}
		if (roff && bol && *p == '.') {
			while (*p && *p != ' ' && *p != '\n')
				p++; /* the request's name */
			if (!*p)
				break;
		}
		bol = *p == '\n';
		if (roff && p[0] == '\\' && p[1] == 'f' && p[2]) {
			p += 2;
			continue;
		}
		if (roff && p[0] == '\\' && (p[1] == '-' || p[1] == '(')) {
			*o++ = '-';
			p++;
			continue;
		}
		if (*p == '`' || (p[0] == '*' && p[1] == '*'))
			continue;
		if (isspace((unsigned char)*p)) {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	free(in);
	return out;
}

static bool word_at(const char *text, const char *p, const char *w)
{
	size_t n = strlen(w);

	return strncmp(p, w, n) == 0 &&
	       (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
	       !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

/* The token at p (up to a space , ; ) or a closing quote), into v. */
static const char *token(const char *p, char *v, size_t len)
{
	size_t n = 0;

	while (p[n] && !strchr(" ,;)", p[n]) && n + 1 < len)
		n++;
	memcpy(v, p, n);
	v[n] = '\0';
	while (n > 0 && strchr(".:", v[n - 1]))
		v[--n] = '\0'; /* end of a sentence */
	return p + n;
}

/* Is v a value of o's type?  Then *same tells whether it is o's default. */
static bool value_of(const struct cfg_option_info *o, const char *v,
		     bool *same)
{
	const char *def = o->def ? o->def : "";
	char *end;

	if (!strcmp(v, "off") || !strcmp(v, "on") || !strcmp(v, "empty")) {
		*same = o->type == CFG_STRING ? !*def && strcmp(v, "on")
			: strtod(def, NULL) == (strcmp(v, "on") == 0);
		return true;
	}
	switch (o->type) {
	case CFG_INT:
	case CFG_DOUBLE: {
		double x = strtod(v, &end);

		if (end == v || *end)
			return false;
		if (o->type == CFG_INT)
			*same = strtoll(v, NULL, 0) == strtoll(def, NULL, 0);
		else
			*same = x == strtod(def, NULL);
		return true;
	}
	case CFG_ENUM:
		for (const struct cfg_enum_val *e = o->enums; e && e->name; e++) {
			if (!strcmp(e->name, v)) {
				*same = !strcmp(v, def);
				return true;
			}
		}
		return false;
	default:
		if (v[0] != '/')
			return false;
		*same = !strcmp(v, def);
		return true;
	}
}

/* A stated default after the option's name at q (the text right after
 * it): the value into v, or NULL when there is none. */
static const char *stated(const char *q, char *v, size_t len)
{
	static const char *const tails[] = { ", the default", "; the default",
					     " (the default" };
	const char *after;

	if (!strncmp(q, " is off by default", 18) ||
	    !strncmp(q, " is on by default", 17)) {
		snprintf(v, len, "%s", q[5] == 'f' ? "off" : "on");
		return v;
	}
	if (q[0] == ' ') {
		after = token(q + 1, v, len);
		for (size_t i = 0; i < 3; i++) {
			if (v[0] && !strncmp(after, tails[i], strlen(tails[i])))
				return v;
		}
	}
	for (int i = 0; i < 30 && q[i] && !strchr(".;)", q[i]); i++) {
		if (word_at(q - 1, q + i, "default")) {
			const char *p = q + i + 7;

			if (*p == ':')
				p++;
			while (*p == ' ')
				p++;
			token(p, v, len);
			return v[0] ? v : NULL;
		}
	}
	return NULL;
}

static int check_defaults(const char *path, int *found)
{
	char *text = plain_text(path), v[128];
	int bad = 0;

	for (int i = 0; i < cfg_option_count(); i++) {
		const struct cfg_option_info *o = cfg_option_at(i);
		size_t n = strlen(o->name);

		for (const char *p = text; (p = strstr(p, o->name)); p += n) {
			bool same;

			if (!word_at(text, p, o->name) ||
			    !stated(p + n, v, sizeof(v)) ||
			    !value_of(o, v, &same))
				continue;
			(*found)++;
			if (getenv("HVPTP_DOCS_LIST"))
				print_message("  %s: %s = %s\n", path, o->name, v);
			if (!same) {
				print_error("%s: \"%.60s\": %s's default is "
					    "%s, not %s\n", path, p, o->name,
					    o->def && *o->def ? o->def
							      : "empty",
					    v);
				bad++;
			}
		}
	}
	free(text);
	return bad;
}

static void test_stated_defaults(void **state)
{
	const char *pats[] = { "README.md", "docs/*.md", "docs/hvptpd.8",
			       "docs/hvptpctl.8" };
	int bad = 0, found = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;

		if (glob(pats[i], 0, NULL, &g) != 0)
			fail_msg("%s: run from the repository root", pats[i]);
		for (size_t k = 0; k < g.gl_pathc; k++)
			bad += check_defaults(g.gl_pathv[k], &found);
		globfree(&g);
	}
	print_message("FIGURE: %d stated defaults checked\n", found);
	if (bad)
		fail_msg("%d stated defaults differ from the option table",
			 bad);
	assert_true(found >= MIN_STATED);
}

/* The checker itself: it finds each form, and a wrong value fails. */
static void test_stated_forms(void **state)
{
	static const struct {
		const char *text;
		const char *value; /* NULL: no statement */
	} cases[] = {
		{ " 6, the default", "6" },
		{ " E2E; the default)", "E2E" },
		{ " 1 (the default, phc2sys", "1" },
		{ " is off by default because", "off" },
		{ ", default 6).", "6" },
		{ " read-write, default /var/run/x ,", "/var/run/x" },
		{ " (default /var/run/hvptp/hvptpd, mode", "/var/run/hvptp/hvptpd" },
		{ " names it (no default: off).", "off" },
		{ " 100 ns. The default is", NULL },
		{ " when it is not set", NULL },
	};
	const struct cfg_option_info *lvl = NULL;
	char v[64];
	bool same;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = stated(cases[i].text, v, sizeof(v));

		if (!cases[i].value)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].value);
	}
	for (int i = 0; i < cfg_option_count(); i++) {
		if (!strcmp(cfg_option_at(i)->name, "logging_level"))
			lvl = cfg_option_at(i);
	}
	assert_non_null(lvl);
	assert_true(value_of(lvl, "6", &same) && same);
	assert_true(value_of(lvl, "7", &same) && !same);
	assert_false(value_of(lvl, "because", &same));
}

/* ---- 4. hvptpctl's sockets ---- */

static void test_client_sockets(void **state)
{
	const char *rw = NULL, *ro = NULL;

	(void)state;
	for (int i = 0; i < cfg_option_count(); i++) {
		const struct cfg_option_info *o = cfg_option_at(i);

		if (!strcmp(o->name, "uds_address"))
			rw = o->def;
		if (!strcmp(o->name, "uds_ro_address"))
			ro = o->def;
	}
	assert_string_equal(rw, MGMT_CLIENT_DEFAULT_SOCKET);
	assert_string_equal(ro, MGMT_CLIENT_DEFAULT_RO_SOCKET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_table),
		cmocka_unit_test(test_metric_names),
		cmocka_unit_test(test_stated_forms),
		cmocka_unit_test(test_stated_defaults),
		cmocka_unit_test(test_client_sockets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
