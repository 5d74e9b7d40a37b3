/*
 * tests/unit/test_auth_cfg.c — the sa_file as hvptpd reads it at start,
 * --check and reload (check_sa_file, daemon/auth_cfg.c): the ports' spp
 * and active_key_id checked against it, each error at the line that set
 * the option (or the other one of the pair), errors in the file at the
 * file's line, one-step and PTP v2.0 refused with spp, and a reload's
 * merge taking the file's new keys.  Writes its sa_files under /tmp.
 */
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

#include "config/cfg.h"
#include "daemon/check.h"
#include "daemon/reload.h"
#include "daemon/settings.h"

static char sa_path[64];

static void write_sa(const char *text)
{
	FILE *f = fopen(sa_path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(sa_path, sizeof(sa_path), "/tmp/hvptp-test-sa.XXXXXX");
	fd = mkstemp(sa_path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(sa_path);
	return 0;
}

/* The configuration text (%s: the sa_file's path) through the parser,
 * the settings and check_sa_file, every error into l; returns the number
 * of errors. */
static int load(const char *fmt, struct hvd_settings *set,
		struct cfg_errors *l)
{
	char text[1024];
	struct cfg *c = cfg_create();

	assert_non_null(c);
	const char *at = strstr(fmt, "%s");

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - fmt), fmt,
		 sa_path, at + 2);
	cfg_errors_init(l);
	cfg_parse_buffer_all(c, "t.cfg", text, strlen(text), l);
	settings_from_cfg_all(c, set, "t.cfg", l);
	if (!cfg_errors_has_option(l, l->n, "sa_file"))
		check_sa_file(c, set, "t.cfg", l);
	cfg_destroy(c);
	return cfg_errors_total(l);
}

static bool has(const struct cfg_errors *l, const char *file, int line,
		const char *option, const char *reason)
{
	for (int i = 0; i < l->n; i++) {
		const struct cfg_error *e = &l->e[i];

		if (!strcmp(e->file, file) && e->line == line &&
		    !strcmp(e->option, option) && strstr(e->reason, reason))
			return true;
	}
	return false;
}

static const char keys[] = "[security_association]\n"
			   "spp 1\n"
			   "1 SHA256 HEX:00112233\n"
			   "2 AES128 HEX:000102030405060708090a0b0c0d0e0f\n";

static void test_good(void **state)
{
	static struct hvd_settings set;
	static struct cfg_errors l;

	(void)state;
	write_sa(keys);
	assert_int_equal(load("[global]\nsa_file %s\n"
			      "[eth0]\nspp 1\nactive_key_id 2\n"
			      "[eth1]\n"
			      "[vnet*]\ntime_stamping software\nspp 1\n"
			      "active_key_id 1\n",
			      &set, &l),
			 0);
	assert_string_equal(set.sa_file, sa_path);
	assert_int_equal(set.sad.n, 1);
	assert_int_equal(set.sad.sa[0].nkeys, 2);
	assert_int_equal(set.ports[0].spp, 1);
	assert_int_equal(set.ports[0].active_key_id, 2);
	assert_int_equal(set.ports[1].spp, -1);
	assert_int_equal(set.ports[1].active_key_id, 0);
	assert_int_equal(set.templates[0].port.spp, 1);
	assert_int_equal(set.templates[0].port.active_key_id, 1);
}

static void test_ports_refused(void **state)
{
	static struct hvd_settings set;
	static struct cfg_errors l;

	(void)state;
	write_sa(keys);
	assert_int_equal(load("[global]\nsa_file %s\n" /* 2 */
			      "[eth0]\nspp 2\nactive_key_id 1\n" /* 4 */
			      "[eth1]\nactive_key_id 2\n" /* 7 */
			      "[eth2]\nspp 1\n" /* 9 */
			      "[eth3]\nspp 1\nactive_key_id 9\n", /* 12 */
			      &set, &l),
			 4);
	assert_true(has(&l, "t.cfg", 4, "spp", "no such security association"));
	assert_true(has(&l, "t.cfg", 7, "active_key_id", "needs spp"));
	assert_true(has(&l, "t.cfg", 9, "active_key_id", "needed with spp"));
	assert_true(has(&l, "t.cfg", 12, "active_key_id", "no such key"));
}

static void test_no_sa_file(void **state)
{
	static struct hvd_settings set;
	static struct cfg_errors l;

	(void)state;
	assert_int_equal(load("[global]\n#%s\n[eth0]\nspp 0\nactive_key_id 1\n",
			      &set, &l),
			 1);
	assert_true(has(&l, "t.cfg", 4, "spp", "needs sa_file"));
}

static void test_file_errors(void **state)
{
	static struct hvd_settings set;
	static struct cfg_errors l;

	(void)state;
	write_sa("spp 1\n1 AES256 HEX:00\n");
	assert_int_equal(load("[global]\nsa_file %s\n[eth0]\nspp 1\n"
			      "active_key_id 1\n",
			      &set, &l),
			 1);
	assert_true(has(&l, sa_path, 2, "key", "AES256 needs a key of 32"));
	unlink(sa_path);
	assert_int_equal(load("[global]\nsa_file %s\n[eth0]\n", &set, &l), 1);
	assert_true(has(&l, "t.cfg", 2, "sa_file", "cannot open"));
}

static void test_one_step_v20(void **state)
{
	static struct hvd_settings set;
	static struct cfg_errors l;

	(void)state;
	write_sa(keys);
	load("[global]\nsa_file %s\nptp_minor_version 0\n[eth0]\nspp 1\n"
	     "active_key_id 1\n",
	     &set, &l);
	assert_true(has(&l, "t.cfg", 5, "spp", "ptp_minor_version 1"));
	load("[global]\nsa_file %s\ntwoStepFlag 0\n[eth0]\nspp 1\n"
	     "active_key_id 1\n",
	     &set, &l);
	assert_true(has(&l, "t.cfg", 5, "spp", "one-step"));
}

/* A reload keeps the running ports' other settings but takes the new
 * keys and each port's spp and active_key_id. */
static void test_reload_merge(void **state)
{
	static struct hvd_settings old, cur, out;
	static struct cfg_errors l;

	(void)state;
	write_sa(keys);
	assert_int_equal(load("[global]\nsa_file %s\n[eth0]\nspp 1\n"
			      "active_key_id 1\n",
			      &old, &l),
			 0);
	write_sa("spp 1\n2 AES128 HEX:000102030405060708090a0b0c0d0e0f\n"
		 "3 SHA256-128 B64:YWJj\n");
	assert_int_equal(load("[global]\nsa_file %s\n[eth0]\nspp 1\n"
			      "active_key_id 3\n",
			      &cur, &l),
			 0);
	reload_merge(&old, &cur, &out);
	assert_int_equal(out.ports[0].active_key_id, 3);
	assert_int_equal(out.sad.sa[0].nkeys, 2);
	assert_int_equal(out.sad.sa[0].keys[1].id, 3);
	assert_int_equal(out.sad.sa[0].keys[1].len, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_ports_refused),
		cmocka_unit_test(test_no_sa_file),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_one_step_v20),
		cmocka_unit_test(test_reload_merge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
