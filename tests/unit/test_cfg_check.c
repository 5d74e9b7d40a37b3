/*
 * tests/unit/test_cfg_check.c — every error of a configuration, and
 * "did you mean": the parser going on to the end of a file
 * (cfg_parse_buffer_all), its bounded error list, the nearest option to an
 * unknown name, argv and the settings' refusals collected the same way,
 * and hvptpd --check's printing (daemon/check.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/cfg.h"
#include "daemon/check.h"
#include "daemon/cmdline.h"
#include "daemon/settings.h"

#define ARGV(...) ((char *[]){ "hvptpd", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "hvptpd", __VA_ARGS__ }) / \
			 sizeof(char *)))

static void no_warn(void *ctx, const char *file, int line,
		    const char *option, const char *msg)
{
	(void)file;
	(void)line;
	(void)option;
	(void)msg;
	(*(int *)ctx)++;
}

static struct cfg_errors *new_errs(void)
{
	struct cfg_errors *l = malloc(sizeof(*l));

	assert_non_null(l);
	cfg_errors_init(l);
	return l;
}

/* Parse text with every error into *l (fresh); returns the cfg. */
static struct cfg *parse_all(const char *text, struct cfg_errors *l,
			     int expect_rc)
{
	static int nwarn;
	struct cfg *c = cfg_create();

	assert_non_null(c);
	cfg_set_warn(c, no_warn, &nwarn);
	cfg_errors_init(l);
	assert_int_equal(cfg_parse_buffer_all(c, "t.cfg", text, strlen(text),
					      l),
			 expect_rc);
	return c;
}

static void assert_err(const struct cfg_error *e, int line,
		       const char *option, const char *reason)
{
	assert_string_equal(e->file, "t.cfg");
	assert_int_equal(e->line, line);
	assert_string_equal(e->option, option);
	assert_string_equal(e->reason, reason);
}

/* ---- the parser goes on ------------------------------------------------ */

/* Four bad lines among good ones: four errors, each with its line, in
 * order; the good lines before and after each bad one are stored. */
static void test_several_errors(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg *c;

	(void)state;
	c = parse_all("[global]\n"
		      "priority1 100\n"
		      "logSyncInterva -3\n"
		      "priority2 7\n"
		      "domainNumber 300\n"
		      "# a comment\n"
		      "clock_servo bogus\n"
		      "[eth0]\n"
		      "logSyncInterval x\n"
		      "logAnnounceInterval 2\n",
		      l, -EINVAL);
	assert_int_equal(l->n, 4);
	assert_int_equal(l->more, 0);
	assert_err(&l->e[0], 3, "logSyncInterva",
		   "unknown option; did you mean \"logSyncInterval\"?");
	assert_err(&l->e[1], 5, "domainNumber",
		   "value 300 out of range 0..255");
	assert_err(&l->e[2], 7, "clock_servo",
		   "bad value \"bogus\", expected one of: pi linreg ntpshm "
		   "nullf refclock_sock kalman");
	assert_err(&l->e[3], 9, "logSyncInterval", "\"x\" is not a number");
	assert_int_equal(cfg_get_int(c, NULL, "priority1"), 100);
	assert_int_equal(cfg_get_int(c, NULL, "priority2"), 7);
	assert_false(cfg_is_set(c, NULL, "domainNumber"));
	assert_int_equal(cfg_nports(c), 1);
	assert_int_equal(cfg_get_int(c, "eth0", "logAnnounceInterval"), 2);
	cfg_destroy(c);
	free(l);
}

/* cfg_parse_buffer keeps its contract: the first error, and nothing after
 * it is stored. */
static void test_first_error_stops(void **state)
{
	const char *text = "[global]\nbogus 1\npriority1 9\nfoo 2\n";
	struct cfg_error err;
	struct cfg *c = cfg_create();

	(void)state;
	assert_non_null(c);
	memset(&err, 0, sizeof(err));
	assert_int_equal(cfg_parse_buffer(c, "t.cfg", text, strlen(text),
					  &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.option, "bogus");
	assert_false(cfg_is_set(c, NULL, "priority1"));
	cfg_destroy(c);
}

/* After a malformed section header its lines are still checked (an
 * unknown option, a bad value) but stored nowhere: not in [global], not
 * in the section before, and no port is made. */
static void test_broken_section(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg *c;

	(void)state;
	c = parse_all("[global]\n"
		      "[eth0\n"
		      "priority1 7\n"
		      "logSyncInterval x\n"
		      "prority2 3\n"
		      "[eth1]\n"
		      "logSyncInterval -2\n",
		      l, -EINVAL);
	assert_int_equal(l->n, 3);
	assert_err(&l->e[0], 2, "[eth0", "malformed section header");
	assert_err(&l->e[1], 4, "logSyncInterval", "\"x\" is not a number");
	assert_err(&l->e[2], 5, "prority2",
		   "unknown option; did you mean \"priority2\"?");
	assert_false(cfg_is_set(c, NULL, "priority1"));
	assert_int_equal(cfg_nports(c), 1);
	assert_string_equal(cfg_port_name(c, 0), "eth1");
	assert_int_equal(cfg_get_int(c, "eth1", "logSyncInterval"), -2);
	cfg_destroy(c);
	free(l);
}

/* Lines before any section: one error for them all, the lines checked
 * (a typo still found) and not stored. */
static void test_before_section(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg *c;

	(void)state;
	c = parse_all("priority1 7\n"
		      "priority2 8\n"
		      "domainNumbr 3\n"
		      "[eth0]\n",
		      l, -EINVAL);
	assert_int_equal(l->n, 2);
	assert_err(&l->e[0], 1, "priority1", "line before any section");
	assert_err(&l->e[1], 3, "domainNumbr",
		   "unknown option; did you mean \"domainNumber\"?");
	assert_false(cfg_is_set(c, NULL, "priority1"));
	assert_false(cfg_is_set(c, NULL, "priority2"));
	assert_int_equal(cfg_nports(c), 1);
	cfg_destroy(c);
	free(l);
}

/* A valid file: 0 and no error. */
static void test_no_error(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg *c;

	(void)state;
	c = parse_all("[global]\npriority1 1\n[eth0]\n", l, 0);
	assert_int_equal(l->n, 0);
	assert_int_equal(cfg_errors_total(l), 0);
	cfg_destroy(c);
	free(l);
}

/* ---- limits ------------------------------------------------------------ */

/* 150 bad lines: the first CFG_ERRORS_MAX kept in order, the rest
 * counted; the last kept is line 101 (line 1 is [global]). */
static void test_error_limit(void **state)
{
	size_t cap = 150 * 32 + 16, used;
	char *text = malloc(cap);
	struct cfg_errors *l = new_errs();
	struct cfg *c;

	(void)state;
	assert_non_null(text);
	used = (size_t)snprintf(text, cap, "[global]\n");
	for (int i = 1; i <= 150; i++)
		used += (size_t)snprintf(text + used, cap - used,
					 "zzqq_%d 1\n", i);
	c = parse_all(text, l, -EINVAL);
	assert_int_equal(CFG_ERRORS_MAX, 100);
	assert_int_equal(l->n, CFG_ERRORS_MAX);
	assert_int_equal(l->more, 50);
	assert_int_equal(cfg_errors_total(l), 150);
	assert_int_equal(l->e[0].line, 2);
	assert_int_equal(l->e[99].line, 101);
	assert_string_equal(l->e[99].option, "zzqq_100");
	cfg_destroy(c);
	free(text);
	free(l);
}

/* The same error twice is kept once; has_option looks at a prefix. */
static void test_error_dedup(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg_error e = { .file = "f", .line = 3, .option = "a",
			       .reason = "r" };

	(void)state;
	cfg_errors_add(l, &e);
	cfg_errors_add(l, &e);
	assert_int_equal(l->n, 1);
	e.line = 4;
	cfg_errors_add(l, &e);
	snprintf(e.option, sizeof(e.option), "b");
	cfg_errors_add(l, &e);
	assert_int_equal(l->n, 3);
	assert_true(cfg_errors_has_option(l, 1, "a"));
	assert_false(cfg_errors_has_option(l, 2, "b"));
	assert_true(cfg_errors_has_option(l, 3, "b"));
	free(l);
}

/* ---- did you mean ------------------------------------------------------ */

static const char *suggest_one(const char *name)
{
	const char *out[2];

	return cfg_option_suggest(name, out, 2) == 1 ? out[0] : NULL;
}

static void test_suggest(void **state)
{
	const char *out[2];

	(void)state;
	/* a letter missing, one too many, one wrong, two swapped, case */
	assert_string_equal(suggest_one("logSyncInterva"), "logSyncInterval");
	assert_string_equal(suggest_one("logSyncIntervall"),
			    "logSyncInterval");
	assert_string_equal(suggest_one("step_treshold"), "step_threshold");
	assert_string_equal(suggest_one("logSyncIntevral"), "logSyncInterval");
	assert_string_equal(suggest_one("DOMAINNUMBER"), "domainNumber");
	assert_string_equal(suggest_one("BMAC"), "BMCA");
	/* two at the same distance: both, in table order */
	assert_int_equal(cfg_option_suggest("priority", out, 2), 2);
	assert_string_equal(out[0], "priority1");
	assert_string_equal(out[1], "priority2");
	/* max bounds what is written */
	assert_int_equal(cfg_option_suggest("priority", out, 1), 1);
	assert_string_equal(out[0], "priority1");
	/* nothing close: a short name must be exact but for case; a long
	 * one within 3 edits */
	assert_int_equal(cfg_option_suggest("foo", out, 2), 0);
	assert_int_equal(cfg_option_suggest("allow_mutable", out, 2), 0);
	assert_int_equal(cfg_option_suggest("logSyncIxxxxval", out, 2), 0);
	assert_int_equal(cfg_option_suggest("", out, 2), 0);
	assert_int_equal(cfg_option_suggest(NULL, out, 2), 0);
}

/* Every option of the table, with one letter dropped (names of 6 or more
 * letters), finds a suggestion, and its own name is among the nearest. */
static void test_suggest_every_option(void **state)
{
	const char *out[2];
	char typo[80];
	int n, tried = 0;

	(void)state;
	for (int i = 0; i < cfg_option_count(); i++) {
		const char *name = cfg_option_at(i)->name;
		size_t len = strlen(name);

		if (len < 6)
			continue;
		snprintf(typo, sizeof(typo), "%.*s%s", (int)(len / 2), name,
			 name + len / 2 + 1);
		if (cfg_option_find(typo))
			continue; /* the typo is another option */
		n = cfg_option_suggest(typo, out, 2);
		if (n < 1 || (strcmp(out[0], name) && (n < 2 ||
							strcmp(out[1], name))))
			fail_msg("%s -> %s: no suggestion of %s", typo,
				 n ? out[0] : "nothing", name);
		tried++;
	}
	assert_true(tried > 100);
}

/* ---- argv -------------------------------------------------------------- */

/* Every bad argument, each with its suggestion; the good ones stored. */
static void test_argv_all(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg *c = cfg_create();
	struct cmdline cl;

	(void)state;
	assert_non_null(c);
	assert_int_equal(cmdline_parse_all(ARGC("--logsyncinterval=3", "-Z",
						"--priority1", "9",
						"--domainNumber=999", "-n"),
					   ARGV("--logsyncinterval=3", "-Z",
						"--priority1", "9",
						"--domainNumber=999", "-n"),
					   c, &cl, l),
			 -EINVAL);
	assert_int_equal(l->n, 3);
	assert_string_equal(l->e[0].file, "command line");
	assert_string_equal(l->e[0].option, "--logsyncinterval");
	assert_string_equal(l->e[0].reason, "unknown option; did you mean "
			    "\"--logSyncInterval\"?");
	assert_string_equal(l->e[1].option, "-Z");
	assert_string_equal(l->e[1].reason, "unknown option");
	assert_string_equal(l->e[2].option, "domainNumber");
	assert_string_equal(l->e[2].reason, "value 999 out of range 0..255");
	assert_int_equal(cfg_get_int(c, NULL, "priority1"), 9);
	assert_true(cl.check);
	cfg_destroy(c);
	free(l);
}

/* ---- settings ---------------------------------------------------------- */

/* Refusals of several stages, each at the line that set the value; one
 * [global] value refused for two ports is one error; a default refused
 * names the file without a line. */
static void test_settings_all(void **state)
{
	static struct hvd_settings set;
	struct cfg_errors *l = new_errs();
	struct cfg *c;

	(void)state;
	c = parse_all("[global]\n"
		      "clock_type E2E_TC\n"
		      "ptp_dst_mac 01-1B-19-00-00-00\n"
		      "clockIdentity 12:34\n"
		      "[eth0]\n"
		      "delay_mechanism COMMON_P2P\n"
		      "[eth1]\n"
		      "[vnet*]\n",
		      l, 0);
	assert_int_equal(settings_from_cfg_all(c, &set, "t.cfg", l), -EINVAL);
	assert_int_equal(l->n, 5);
	/* in the order of the checks: the pattern's last */
	assert_err(&l->e[0], 2, "clock_type",
		   "P2P_TC/E2E_TC: transparent clocks are not implemented "
		   "yet");
	assert_string_equal(l->e[4].option, "time_stamping");
	assert_int_equal(l->e[4].line, 0);
	/* sorted by check_print_errors */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		check_print_errors(f, l);
		fclose(f);
		assert_string_equal(
			buf,
			"t.cfg: time_stamping: hardware: [vnet*] is a pattern; "
			"the interfaces it serves as they come (taps, veths) "
			"are stamped in software: set time_stamping software "
			"in it (or -S)\n"
			"t.cfg:2: clock_type: P2P_TC/E2E_TC: transparent "
			"clocks are not implemented yet\n"
			"t.cfg:3: ptp_dst_mac: 01-1B-19-00-00-00: not a MAC "
			"address (01:1B:19:00:00:00)\n"
			"t.cfg:4: clockIdentity: 12:34: not a clock "
			"identity\n"
			"t.cfg:6: delay_mechanism: COMMON_P2P: not "
			"implemented (E2E, P2P and Auto are)\n");
		free(buf);
	}
	cfg_destroy(c);
	free(l);
}

/* The first refusal is the one settings_from_cfg reports, as before. */
static void test_settings_first(void **state)
{
	static struct hvd_settings set;
	struct cfg_errors *l = new_errs();
	struct cfg_error err;
	struct cfg *c;

	(void)state;
	c = parse_all("[global]\ntwoStepFlag 0\nclock_type E2E_TC\n"
		      "time_stamping software\n[eth0]\n",
		      l, 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(settings_from_cfg(c, &set, &err), -EINVAL);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.option, "clock_type");
	assert_int_equal(settings_from_cfg_all(c, &set, "t.cfg", l), -EINVAL);
	assert_int_equal(l->n, 2);
	cfg_destroy(c);
	free(l);
}

/* ---- output ------------------------------------------------------------ */

static char *print_to_string(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void print_errs(FILE *f, void *arg)
{
	check_print_errors(f, arg);
}

/* Sorted: command line first, then each file in the order first met, by
 * line; past the limit, the count. */
static void test_print_errors(void **state)
{
	struct cfg_errors *l = new_errs();
	struct cfg_error e[] = {
		{ .file = "a.cfg", .line = 9, .option = "x", .reason = "r9" },
		{ .file = "leap", .line = 4, .option = "leapfile",
		  .reason = "bad" },
		{ .file = "a.cfg", .line = 2, .option = "y", .reason = "r2" },
		{ .file = "command line", .option = "--z", .reason = "rz" },
		{ .file = "a.cfg", .line = 0, .option = "w", .reason = "r0" },
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		cfg_errors_add(l, &e[i]);
	l->more = 7;
	out = print_to_string(print_errs, l);
	assert_string_equal(out, "command line: --z: rz\n"
				 "a.cfg: w: r0\n"
				 "a.cfg:2: y: r2\n"
				 "a.cfg:9: x: r9\n"
				 "leap:4: leapfile: bad\n"
				 "hvptpd: ... and 7 more errors\n");
	free(out);
	free(l);
}

struct summary_arg {
	const struct hvd_settings *s;
	int nwarn;
};

static void print_summary(FILE *f, void *arg)
{
	struct summary_arg *a = arg;

	check_print_summary(f, "x.conf", a->s, a->nwarn);
}

/* The --check line: ports, patterns, domain, servo, timestamps,
 * free_running, warnings. */
static void test_summary(void **state)
{
	static struct hvd_settings set;
	struct cfg_errors *l = new_errs();
	struct summary_arg a = { .s = &set };
	struct cfg *c;
	char *out;

	(void)state;
	c = parse_all("[global]\ndomainNumber 24\nfree_running 1\n"
		      "[eth0]\n[eth1]\ntime_stamping software\n"
		      "[vnet*]\ntime_stamping software\n",
		      l, 0);
	assert_int_equal(settings_from_cfg_all(c, &set, "x.conf", l), 0);
	a.nwarn = 2;
	out = print_to_string(print_summary, &a);
	assert_string_equal(out, "hvptpd: x.conf: OK: 2 ports (eth0, eth1), "
				 "1 pattern (vnet*), domain 24, clock_servo "
				 "kalman, hardware and software timestamps, "
				 "free_running (no clock adjusted), 2 "
				 "warnings\n");
	free(out);
	cfg_destroy(c);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_several_errors),
		cmocka_unit_test(test_first_error_stops),
		cmocka_unit_test(test_broken_section),
		cmocka_unit_test(test_before_section),
		cmocka_unit_test(test_no_error),
		cmocka_unit_test(test_error_limit),
		cmocka_unit_test(test_error_dedup),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_suggest_every_option),
		cmocka_unit_test(test_argv_all),
		cmocka_unit_test(test_settings_all),
		cmocka_unit_test(test_settings_first),
		cmocka_unit_test(test_print_errors),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
