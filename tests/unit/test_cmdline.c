/* tests/unit/test_cmdline.c — hvptpd's ptp4l-style command line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/version.h"
#include "config/cfg.h"
#include "daemon/cmdline.h"

/* argv from string literals; getopt may permute the array itself. */
#define ARGV(...) ((char *[]){ "hvptpd", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "hvptpd", __VA_ARGS__ }) / \
			 sizeof(char *)))
#define PARSE(c, cl, err, ...) \
	cmdline_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), c, cl, err)

struct fixture {
	struct cfg *c;
	struct cmdline cl;
	struct cfg_error err;
	char path[64];
	int warnings;
	char warn_msg[256];
};

static void count_warn(void *ctx, const char *file, int line,
		       const char *option, const char *msg)
{
	struct fixture *f = ctx;

	(void)file;
	(void)line;
	(void)option;
	f->warnings++;
	snprintf(f->warn_msg, sizeof(f->warn_msg), "%s", msg);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->c = cfg_create();
	if (!f->c)
		return -1;
	cfg_set_warn(f->c, count_warn, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->path[0])
		unlink(f->path);
	cfg_destroy(f->c);
	free(f);
	return 0;
}

static void write_file(struct fixture *f, const char *text)
{
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/hvptp-cmdline-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* ---- ports and files --------------------------------------------------- */

static void test_iface_twice(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-i", "eth0", "-i",
			       "eth1", "-ieth0"),
			 0);
	assert_int_equal(cfg_nports(f->c), 2);
	assert_string_equal(cfg_port_name(f->c, 0), "eth0");
	assert_string_equal(cfg_port_name(f->c, 1), "eth1");
	assert_null(f->cl.config_file);
}

static void test_file_locked_and_port_order(void **state)
{
	struct fixture *f = *state;

	write_file(f, "[global]\n"
		      "priority1 10\n"
		      "priority2 20\n"
		      "time_stamping hardware\n"
		      "[eth2]\n"
		      "udp_ttl 5\n"
		      "[eth0]\n"
		      "udp_ttl 7\n");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-f", f->path, "-i",
			       "eth0", "--priority1", "5", "-S"),
			 0);
	assert_string_equal(f->cl.config_file, f->path);
	assert_int_equal(cmdline_load_file(f->c, f->cl.config_file, &f->err),
			 0);
	/* locked: the file's priority1 10 and time_stamping do not win */
	assert_int_equal(cfg_get_int(f->c, NULL, "priority1"), 5);
	assert_int_equal(cfg_get_enum(f->c, NULL, "time_stamping"), 1);
	assert_int_equal(cfg_get_int(f->c, NULL, "priority2"), 20);
	/* -i ports first; the file's [eth0] merges into it */
	assert_int_equal(cfg_nports(f->c), 2);
	assert_string_equal(cfg_port_name(f->c, 0), "eth0");
	assert_string_equal(cfg_port_name(f->c, 1), "eth2");
	assert_int_equal(cfg_get_int(f->c, "eth0", "udp_ttl"), 7);
	assert_int_equal(cfg_get_int(f->c, "eth2", "udp_ttl"), 5);
}

static void test_equals_form(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--priority1=5",
			       "--logSyncInterval=-3",
			       "--productDescription=acme;box 1;x",
			       "--ntpshm_segment", "7",
			       "--first_step_threshold=2e-5", "-i", "eth0"),
			 0);
	assert_int_equal(cfg_get_int(f->c, NULL, "priority1"), 5);
	assert_int_equal(cfg_get_int(f->c, NULL, "logSyncInterval"), -3);
	assert_string_equal(cfg_get_string(f->c, NULL, "productDescription"),
			    "acme;box 1;x");
	assert_int_equal(cfg_get_int(f->c, NULL, "ntpshm_segment"), 7);
	assert_true(cfg_get_double(f->c, NULL, "first_step_threshold") ==
		    2e-5);
	assert_int_equal(f->warnings, 1); /* ntpshm_segment: no effect */
}

static void test_deprecated_on_cmdline(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--slaveOnly", "1"), 0);
	assert_int_equal(cfg_get_int(f->c, NULL, "clientOnly"), 1);
	assert_int_equal(f->warnings, 1);
	assert_non_null(strstr(f->warn_msg, "clientOnly"));
}

/* Every option of the table is a long option and takes its default. */
static void test_every_option_is_a_long_option(void **state)
{
	struct fixture *f = *state;
	char arg[128];
	int i;

	for (i = 0; i < cfg_option_count(); i++) {
		const struct cfg_option_info *o = cfg_option_at(i);
		const char *def = o->def ? o->def : "x";

		if (!strcmp(o->name, "ts2phc.perout_phase") ||
		    !strcmp(o->name, "ts2phc.pulsewidth"))
			continue; /* ptp4l's out-of-range "unset" defaults */
		snprintf(arg, sizeof(arg), "--%s", o->name);
		if (!o->def && !o->implemented && !cfg_option_no_effect(o)) {
			/* no default to give: any value asks for what
			 * hvptpd does not do */
			assert_int_equal(PARSE(f->c, &f->cl, &f->err, arg,
					       (char *)def),
					 -EINVAL);
			assert_non_null(strstr(f->err.reason,
					       "not implemented by hvptpd"));
			continue;
		}
		if (PARSE(f->c, &f->cl, &f->err, arg, (char *)def))
			fail_msg("%s %s: %s", arg, def, f->err.reason);
		assert_true(cfg_is_set(f->c, NULL, o->name));
	}
}

/* ---- flags ------------------------------------------------------------- */

struct flag_case {
	const char *flag;
	const char *option;
	int value;
};

static const struct flag_case flag_cases[] = {
	{ "-S", "time_stamping", 1 },	 { "-H", "time_stamping", 0 },
	{ "-L", "time_stamping", 2 },	 { "-2", "network_transport", 3 },
	{ "-4", "network_transport", 1 }, { "-6", "network_transport", 2 },
	{ "-E", "delay_mechanism", 1 },	 { "-P", "delay_mechanism", 2 },
	{ "-A", "delay_mechanism", 0 },	 { "-s", "clientOnly", 1 },
	{ "-m", "verbose", 1 },		 { "-q", "use_syslog", 0 },
};

static void test_flags(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(flag_cases) / sizeof(flag_cases[0]); i++) {
		const struct flag_case *fc = &flag_cases[i];
		struct cfg *c = cfg_create();

		assert_non_null(c);
		assert_int_equal(PARSE(c, &f->cl, &f->err, (char *)fc->flag),
				 0);
		if (cfg_get_int(c, NULL, fc->option) != fc->value)
			fail_msg("%s: %s is %d", fc->flag, fc->option,
				 cfg_get_int(c, NULL, fc->option));
		assert_true(cfg_is_set(c, NULL, fc->option));
		cfg_destroy(c);
	}
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-l", "7", "-mq"), 0);
	assert_int_equal(cfg_get_int(f->c, NULL, "logging_level"), 7);
	assert_int_equal(cfg_get_int(f->c, NULL, "verbose"), 1);
	assert_int_equal(cfg_get_int(f->c, NULL, "use_syslog"), 0);
	/* locked against the file */
	assert_int_equal(cfg_parse_buffer(f->c, "t", "[global]\nverbose 0\n",
					  19, &f->err),
			 0);
	assert_int_equal(cfg_get_int(f->c, NULL, "verbose"), 1);
}

static void test_info_flags(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-h"), 0);
	assert_true(f->cl.help);
	assert_false(f->cl.version);
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-v"), 0);
	assert_true(f->cl.version);
	assert_false(f->cl.help); /* reset between parses */
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--print-conf-man"), 0);
	assert_true(f->cl.print_conf_man);
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-p", "/dev/ptp0"), 0);
	assert_string_equal(f->cl.phc_device, "/dev/ptp0");
}

/* ---- errors ------------------------------------------------------------ */

static void expect_cmdline_error(struct fixture *f, const char *option,
				 const char *reason)
{
	assert_string_equal(f->err.file, "command line");
	assert_int_equal(f->err.line, 0);
	assert_string_equal(f->err.option, option);
	if (!strstr(f->err.reason, reason))
		fail_msg("reason '%s', want '%s'", f->err.reason, reason);
}

static void test_unknown_options(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--nosuch", "1"),
			 -EINVAL);
	expect_cmdline_error(f, "--nosuch", "unknown");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--nosuch=1"), -EINVAL);
	expect_cmdline_error(f, "--nosuch", "unknown");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-x"), -EINVAL);
	expect_cmdline_error(f, "-x", "unknown");
	/* prefix of priority1 and priority2 */
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--priority", "1"),
			 -EINVAL);
	expect_cmdline_error(f, "--priority", "ambiguous");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-i", "eth0", "eth1"),
			 -EINVAL);
	expect_cmdline_error(f, "eth1", "unexpected argument");
}

static void test_bad_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--priority1", "300"),
			 -EINVAL);
	expect_cmdline_error(f, "priority1", "value 300 out of range 0..255");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--priority1=12abc"),
			 -EINVAL);
	expect_cmdline_error(f, "priority1", "not a number");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--delay_mechanism",
			       "X2X"),
			 -EINVAL);
	expect_cmdline_error(f, "delay_mechanism", "expected one of: E2E P2P");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-l", "9"), -EINVAL);
	expect_cmdline_error(f, "logging_level", "out of range 0..7");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-i", "eth0", "-i"),
			 -EINVAL);
	expect_cmdline_error(f, "-i", "missing value");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "--priority1"),
			 -EINVAL);
	expect_cmdline_error(f, "--priority1", "missing value");
	assert_int_equal(PARSE(f->c, &f->cl, &f->err, "-i", "bad name"),
			 -EINVAL);
	expect_cmdline_error(f, "-i", "bad interface name");
	/* nothing was changed by the failed values */
	assert_int_equal(cfg_get_int(f->c, NULL, "priority1"), 128);
}

static void test_file_errors(void **state)
{
	struct fixture *f = *state;
	char *out = NULL, want[160];
	size_t outlen = 0;
	FILE *mem;
	int rc;

	rc = cmdline_load_file(f->c, "/nonexistent/hvptp.cfg", &f->err);
	assert_int_equal(rc, -ENOENT);
	assert_string_equal(f->err.file, "/nonexistent/hvptp.cfg");
	assert_non_null(strstr(f->err.reason, "cannot open"));
	write_file(f, "[global]\n# two\nfoo_bar 1\n");
	assert_int_equal(cmdline_load_file(f->c, f->path, &f->err), -EINVAL);
	assert_int_equal(f->err.line, 3);
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	cmdline_print_error(mem, &f->err);
	fclose(mem);
	snprintf(want, sizeof(want), "%s:3: foo_bar: unknown option\n",
		 f->path);
	assert_string_equal(out, want);
	free(out);
}

static void test_print_error_formats(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem = open_memstream(&out, &outlen);

	(void)PARSE(f->c, &f->cl, &f->err, "--priority1", "300");
	cmdline_print_error(mem, &f->err);
	cmdline_warn_stderr(mem, "x.cfg", 4, "hybrid_e2e", "msg");
	cmdline_warn_stderr(mem, "command line", 0, "-p", "old");
	fclose(mem);
	assert_string_equal(out, "command line: priority1: value 300 out of "
				 "range 0..255\n"
				 "x.cfg:4: warning: msg\n"
				 "command line: warning: old\n");
	free(out);
}

/* ---- start-up, usage, man page ----------------------------------------- */

static void test_setup(void **state)
{
	struct fixture *f = *state;
	struct cfg *c;

	write_file(f, "[global]\npriority1 10\n[eth3]\n");
	assert_int_equal(cmdline_setup(ARGC("-f", f->path, "-p", "/dev/ptp1"),
				       ARGV("-f", f->path, "-p", "/dev/ptp1"),
				       f->c, &f->cl),
			 0);
	assert_int_equal(cfg_nports(f->c), 1);
	assert_int_equal(cfg_get_int(f->c, NULL, "priority1"), 10);
	c = cfg_create();
	assert_non_null(c);
	/* no port at all: refused */
	assert_int_equal(cmdline_setup(ARGC("-m"), ARGV("-m"), c, &f->cl),
			 -EINVAL);
	/* bad option: refused */
	assert_int_equal(cmdline_setup(ARGC("--bogus", "1"),
				       ARGV("--bogus", "1"), c, &f->cl),
			 -EINVAL);
	cfg_destroy(c);
}

static void test_usage(void **state)
{
	static const char *const want[] = {
		"-A", "-E", "-P", "-2", "-4", "-6", "-H", "-S", "-L", "-f",
		"-i", "-p", "-s", "-l", "-m", "-q", "-v", "-h",
		"--OPTION VALUE", "hvptpd(8)", "hvptpd.conf(5)", "usage: prog",
	};
	char *out = NULL;
	size_t outlen = 0, i;
	FILE *mem = open_memstream(&out, &outlen);

	(void)state;
	cmdline_usage(mem, "prog");
	fclose(mem);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(out, want[i]))
			fail_msg("usage lacks %s", want[i]);
	}
	free(out);
}

static void check_shipped_page(const char *out, size_t outlen)
{
	static char page[262144];
	FILE *f = fopen("docs/hvptpd.conf.5", "r");
	size_t n;

	if (!f)
		fail_msg("docs/hvptpd.conf.5: run from the repository root");
	n = fread(page, 1, sizeof(page), f);
	fclose(f);
	if (n != outlen || memcmp(page, out, n) != 0)
		fail_msg("docs/hvptpd.conf.5 differs from the option table: "
			 "build/hvptpd --print-conf-man > docs/hvptpd.conf.5");
}

static void test_conf_man(void **state)
{
	char *out = NULL, *notimpl, *old, key[128];
	size_t outlen = 0;
	FILE *mem = open_memstream(&out, &outlen);
	int i;

	(void)state;
	cmdline_print_conf_man(mem);
	fclose(mem);
	assert_non_null(strstr(out, ".TH HVPTPD.CONF 5"));
	assert_non_null(strstr(out, HVPTP_VERSION));
	notimpl = strstr(out, "NOT IMPLEMENTED YET");
	old = strstr(out, ".SH \"OLD NAMES\"");
	assert_non_null(notimpl);
	assert_non_null(old);
	for (i = 0; i < cfg_option_count(); i++) {
		const struct cfg_option_info *o = cfg_option_at(i);
		char *at;

		snprintf(key, sizeof(key), ".B %s\n", o->name);
		at = strstr(out, key);
		if (!at)
			fail_msg("man page lacks %s", o->name);
		if (o->deprecated_for)
			assert_true(at > old);
		else if (o->implemented)
			assert_true(at < notimpl);
		else
			assert_true(at > notimpl && at < old);
	}
	/* roff: minus signs escaped */
	assert_non_null(strstr(out, "default \\-20000000"));
	/* the page shipped is the one the table makes (run from the
	 * repository root, as the test runner does) */
	check_shipped_page(out, outlen);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_iface_twice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_locked_and_port_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_equals_form, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deprecated_on_cmdline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_every_option_is_a_long_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_flags, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_options, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_print_error_formats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_setup, setup, teardown),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_conf_man),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
