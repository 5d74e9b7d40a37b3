/*
 * tests/unit/test_profiles.c — the profiles shipped in config/profiles/:
 * each one loads (parser and settings, with -i eth0 where it names no
 * port) without a warning; default.cfg is exactly hvptpd's defaults (the
 * settings equal those of an empty [global]); hypervisor-host.cfg has the
 * shape its comments promise (an uplink that may become a slave, a
 * serverOnly pattern of software-timestamped VM ports, the system clock
 * followed, holdover classes).
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/cfg.h"
#include "daemon/settings.h"

static struct hvd_settings set, ref;
static int nwarn;

static void count_warn(void *ctx, const char *file, int line,
		       const char *option, const char *msg)
{
	(void)ctx;
	print_message("warning %s:%d: %s: %s\n", file, line, option, msg);
	nwarn++;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

/* Load text as hvptpd -f FILE [-i eth0] would; 0 or the error. */
static int load(const char *file, const char *text, size_t len,
		struct hvd_settings *s)
{
	struct cfg *c = cfg_create();
	struct cfg_error err;
	int rc;

	assert_non_null(c);
	cfg_set_warn(c, count_warn, NULL);
	memset(&err, 0, sizeof(err));
	rc = cfg_parse_buffer(c, file, text, len, &err);
	if (rc == 0 && cfg_nports(c) == 0)
		cfg_add_port(c, "eth0");
	if (rc == 0)
		rc = settings_from_cfg(c, s, &err);
	if (rc)
		print_message("%s:%d: %s: %s\n", err.file, err.line,
			      err.option, err.reason);
	cfg_destroy(c);
	return rc;
}

static int load_file(const char *path, struct hvd_settings *s)
{
	size_t len = 0;
	char *buf = slurp(path, &len);
	int rc;

	assert_non_null(buf);
	rc = load(path, buf, len, s);
	free(buf);
	return rc;
}

static void test_every_profile_loads(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob("config/profiles/*.cfg", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 2);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		nwarn = 0;
		memset(&set, 0, sizeof(set));
		if (load_file(g.gl_pathv[i], &set))
			fail_msg("%s does not load", g.gl_pathv[i]);
		assert_int_equal(nwarn, 0);
		print_message("ok %s: %d port(s), %d pattern(s)\n",
			      g.gl_pathv[i], set.nports, set.ntemplates);
	}
	globfree(&g);
}

static void test_default_is_defaults(void **state)
{
	(void)state;
	memset(&set, 0, sizeof(set));
	memset(&ref, 0, sizeof(ref));
	assert_int_equal(load_file("config/profiles/default.cfg", &set), 0);
	assert_int_equal(load("t.cfg", "[global]\n", 9, &ref), 0);
	assert_memory_equal(&set.clock, &ref.clock, sizeof(set.clock));
	assert_memory_equal(&set.ports[0], &ref.ports[0],
			    sizeof(set.ports[0]));
	assert_memory_equal(&set.disc, &ref.disc, sizeof(set.disc));
}

static void test_hypervisor_host(void **state)
{
	(void)state;
	memset(&set, 0, sizeof(set));
	assert_int_equal(load_file("config/profiles/hypervisor-host.cfg", &set),
			 0);
	assert_int_equal(set.nports, 1);
	assert_string_equal(set.ports[0].name, "eth0");
	assert_false(set.ports[0].master_only);
	assert_true(set.hardware);
	assert_int_equal(set.ntemplates, 1);
	assert_string_equal(set.templates[0].pattern, "vnet*");
	assert_true(set.templates[0].port.master_only);
	assert_true(set.templates[0].port.delay_resp_unicast);
	assert_int_equal(set.clock.priority1, 250);
	assert_false(set.clock.slave_only);
	assert_int_equal(set.disc.hold.class_in_spec, 135);
	assert_true(set.disc.hold.budget_ns == 1000.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_profile_loads),
		cmocka_unit_test(test_default_is_defaults),
		cmocka_unit_test(test_hypervisor_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
