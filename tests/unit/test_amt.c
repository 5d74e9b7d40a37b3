/*
 * tests/unit/test_amt.c — the acceptable master table (IEEE 1588-2019
 * 17.5): the [acceptable_master_table] section line by line (forms,
 * errors at their line), the settings it becomes (and the refusal of an
 * enabled port without a table), and whole clocks: a port with
 * acceptable_master_only follows the acceptable master, not the better
 * one outside the table, whose Announces are dropped as not_acceptable;
 * an entry without a port number takes every port of that clock; and
 * alternatePriority1 stands for an Announce's priority1 in the BMCA.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config/cfg.h"
#include "daemon/settings.h"
#include "tests/unit/bc_net.h"

static struct net net;
static struct hvd_settings set;

static int setup(void **state)
{
	net_init(&net);
	*state = &net;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_free(&net);
	return 0;
}

static int parse(struct cfg *c, const char *text, struct cfg_error *err)
{
	memset(err, 0, sizeof(*err));
	return cfg_parse_buffer(c, "t.cfg", text, strlen(text), err);
}

/* ---- the section ---- */

static void test_section_forms(void **state)
{
	struct cfg *c = cfg_create();
	struct cfg_error err;
	const struct cfg_amt *t;
	struct clock_identity want;

	(void)state;
	assert_int_equal(parse(c, "[global]\n"
				  "[acceptable_master_table]\n"
				  "# the grandmasters we trust\n"
				  "001b21.fffe.0a0b0c\n"
				  "001b21.fffe.0a0b0d-2\n"
				  "  00:1b:21:ff:fe:0a:0b:0e-1   10\n"
				  "[eth0]\n"
				  "acceptable_master_table_enabled 1\n",
			       &err),
			 0);
	t = cfg_amt(c);
	assert_int_equal(t->n, 3);
	assert_int_equal(clock_identity_parse("001b21.fffe.0a0b0c", &want), 0);
	assert_memory_equal(&t->e[0].clock_identity, &want, sizeof(want));
	assert_int_equal(t->e[0].port_number, -1);
	assert_int_equal(t->e[0].alternate_priority1, 0);
	assert_int_equal(t->e[1].port_number, 2);
	assert_int_equal(t->e[2].port_number, 1);
	assert_int_equal(t->e[2].alternate_priority1, 10);
	assert_int_equal(cfg_nports(c), 1);
	assert_int_equal(cfg_get_int(c, "eth0", "acceptable_master_table_enabled"),
			 1);
	cfg_destroy(c);
}

static void test_section_errors(void **state)
{
	static const struct {
		const char *line;
		const char *reason;
	} bad[] = {
		{ "001b21.fffe.0a0b", "001b21.fffe.0a0b: not a clock identity "
				      "(as 001122.fffe.334455)" },
		{ "001b21.fffe.0a0b0c-0", "0: not a port number (1..65534)" },
		{ "001b21.fffe.0a0b0c-x", "x: not a port number (1..65534)" },
		{ "001b21.fffe.0a0b0c 0", "0: not an alternatePriority1 "
					  "(1..255)" },
		{ "001b21.fffe.0a0b0c 256", "256: not an alternatePriority1 "
					    "(1..255)" },
		{ "001b21.fffe.0a0b0c 1 2", "more than an identity and a "
					    "priority" },
		{ "001b21.fffe.000001", "001b21.fffe.000001 is already in the "
					"table" },
	};
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg *c = cfg_create();
		struct cfg_error err;

		snprintf(text, sizeof(text),
			 "[global]\n[acceptable_master_table]\n"
			 "001b21.fffe.000001\n%s\n", bad[i].line);
		assert_int_equal(parse(c, text, &err), -EINVAL);
		assert_int_equal(err.line, 4);
		assert_string_equal(err.option, "acceptable_master_table");
		assert_string_equal(err.reason, bad[i].reason);
		cfg_destroy(c);
	}
}

static void test_section_full(void **state)
{
	struct cfg *c = cfg_create();
	struct cfg_error err;
	char text[4096];
	int n = snprintf(text, sizeof(text),
			 "[global]\n[acceptable_master_table]\n");

	(void)state;
	for (int i = 0; i <= CFG_AMT_MAX; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "001b21.fffe.0000%02x\n", i);
	assert_int_equal(parse(c, text, &err), -EINVAL);
	assert_int_equal(err.line, 3 + CFG_AMT_MAX);
	assert_string_equal(err.reason, "more than 64 entries");
	cfg_destroy(c);
}

/* ---- settings ---- */

static int load(const char *text, struct cfg_error *err)
{
	struct cfg *c = cfg_create();
	int rc = parse(c, text, err);

	if (rc == 0)
		rc = settings_from_cfg(c, &set, err);
	cfg_destroy(c);
	return rc;
}

static void test_settings(void **state)
{
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\n"
			      "[acceptable_master_table]\n"
			      "001b21.fffe.0a0b0c\n"
			      "001b21.fffe.0a0b0d-2 7\n"
			      "[eth0]\n"
			      "acceptable_master_table_enabled 1\n"
			      "[eth1]\n",
			      &err),
			 0);
	assert_int_equal(set.clock.n_acceptable, 2);
	assert_int_equal(set.clock.acceptable[0].id.port_number, 0xFFFF);
	assert_int_equal(set.clock.acceptable[1].id.port_number, 2);
	assert_int_equal(set.clock.acceptable[1].alternate_priority1, 7);
	assert_true(set.ports[0].acceptable_master_only);
	assert_false(set.ports[1].acceptable_master_only);
	/* enabled without a table: refused at the option's line */
	assert_int_equal(load("[global]\n[eth0]\n"
			      "acceptable_master_table_enabled 1\n",
			      &err),
			 -EINVAL);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.option, "acceptable_master_table_enabled");
}

/* ---- whole clocks ---- */

/* A (priority1 50) and B (100), both serverOnly (so both announce), on
 * segment 0 with S (200): S's port takes only the table's masters. */
static int three(const struct bc_acceptable_master *tab, int n, int *a,
		 int *b)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0, s;

	net_port_cfgs(&pc, 1);
	pc.master_only = true;
	net_clock_cfg(&cc, 0xA, 50);
	*a = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_clock_cfg(&cc, 0xB, 100);
	*b = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_clock_cfg(&cc, 0x5, 200);
	for (int i = 0; i < n; i++)
		cc.acceptable[i] = tab[i];
	cc.n_acceptable = (uint16_t)n;
	net_port_cfgs(&pc, 1);
	pc.acceptable_master_only = true;
	s = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_start(&net);
	net_run(&net, 30 * SEC);
	return s;
}

static void test_clock_follows_acceptable(void **state)
{
	struct bc_acceptable_master tab[1] = {
		{ .id = net_pid(0xB, 1) },
	};
	int a, b, s;

	(void)state;
	s = three(tab, 1, &a, &b);
	/* B, not the better A */
	assert_int_equal(net_state(&net, s, 0), PS_UNCALIBRATED);
	net_assert_cid(&bc_parent_ds(net.n[s].bc)->grandmaster_identity,
		       0xB);
	assert_true(net_drops(&net, s, 0, BC_DROP_NOT_ACCEPTABLE) > 10);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
}

/* An entry for another port number of A does not admit A's port 1; one
 * without a port number (0xFFFF) does. */
static void test_clock_port_number(void **state)
{
	struct bc_acceptable_master tab[2] = {
		{ .id = net_pid(0xB, 1) },
		{ .id = net_pid(0xA, 2) },
	};
	int a, b, s;

	(void)state;
	s = three(tab, 2, &a, &b);
	net_assert_cid(&bc_parent_ds(net.n[s].bc)->grandmaster_identity,
		       0xB);
	net_free(&net);
	net_init(&net);
	tab[1].id.port_number = 0xFFFF;
	s = three(tab, 2, &a, &b);
	net_assert_cid(&bc_parent_ds(net.n[s].bc)->grandmaster_identity,
		       0xA);
	assert_int_equal(net_drops(&net, s, 0, BC_DROP_NOT_ACCEPTABLE), 0);
}

/* Both acceptable, A's Announces counted with alternatePriority1 250:
 * B (100) is better. */
static void test_clock_alternate_priority1(void **state)
{
	struct bc_acceptable_master tab[2] = {
		{ .id = net_pid(0xB, 1) },
		{ .id = net_pid(0xA, 1), .alternate_priority1 = 250 },
	};
	int a, b, s;

	(void)state;
	s = three(tab, 2, &a, &b);
	assert_int_equal(net_state(&net, s, 0), PS_UNCALIBRATED);
	net_assert_cid(&bc_parent_ds(net.n[s].bc)->grandmaster_identity,
		       0xB);
	assert_int_equal(net_drops(&net, s, 0, BC_DROP_NOT_ACCEPTABLE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_forms),
		cmocka_unit_test(test_section_errors),
		cmocka_unit_test(test_section_full),
		cmocka_unit_test(test_settings),
		cmocka_unit_test_setup_teardown(test_clock_follows_acceptable,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_port_number, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_clock_alternate_priority1,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
