/*
 * tests/unit/test_roles.c — fixed roles honoured in every path: a port's
 * masterOnly (serverOnly; G.8275's notSlave) through the state decision,
 * Announce receipt, a management SET of MASTER_ONLY and a reload
 * (bc_port_reconfigure), and refused on a slave-only clock; and BMCA
 * noop, ptp4l's designated master and slave (the automotive profiles'
 * static roles), with inhibit_announce and ignore_source_id.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "bc/tlv.h"
#include "tests/unit/mgmt_test.h"

/* SET MASTER_ONLY on port 1 of bc, as a local client. */
static void set_master_only(struct bc *bc, bool on)
{
	uint8_t v[2] = { on ? 1 : 0, 0 };

	assert_int_equal(ask_to(bc, PTP_MGMT_SET, BC_MID_MASTER_ONLY, v, 2,
				port_target(1), false),
			 0);
}

static bool master_only_of(struct bc *bc)
{
	uint16_t len;
	const uint8_t *p = get_port(bc, BC_MID_MASTER_ONLY, 0, &len);

	assert_int_equal(len, 2);
	return p[0] & 1;
}

/* B (priority1 200) follows A (100); SET MASTER_ONLY on B's port: B gives
 * A up and is a master on the segment beside A; A's Announces are dropped
 * there (wrong_state) and B never goes back to a slave state; cleared, B
 * follows A again. */
static void test_set_master_only(void **state)
{
	int b, a = 0, n0;
	struct bc *bcb = slave_clock(&b);
	uint16_t len;

	(void)state;
	set_master_only(bcb, true);
	response(bcb, 0, PTP_MGMT_RESPONSE, BC_MID_MASTER_ONLY, &len);
	assert_true(master_only_of(bcb));
	assert_true(bc_port_ds(bcb, 0)->master_only);
	assert_true(bc_state_decision_due(bcb));
	net_decide(&net);
	n0 = net.n[b].nsamples;
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_MASTER);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(bc_slave_port(bcb), -1);
	assert_true(bc_is_own_parent(bcb));
	assert_int_equal(net.n[b].nsamples, n0);
	assert_true(net_drops(&net, b, 0, BC_DROP_WRONG_STATE) > 10);
	/* off again: A qualifies anew and is followed */
	set_master_only(bcb, false);
	assert_false(master_only_of(bcb));
	net_decide(&net);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
	assert_int_equal(bc_slave_port(bcb), 0);
	assert_true(net.n[b].nsamples > n0);
}

/* The same through a reload (serverOnly changed in the file). */
static void test_reload_master_only(void **state)
{
	int b;
	struct bc *bcb = slave_clock(&b);
	struct bc_port_cfg pc = *bc_port_config(bcb, 0);
	struct bc_actions act;

	(void)state;
	pc.master_only = true;
	bc_actions_init(&act);
	assert_int_equal(bc_port_reconfigure(bcb, 0, &pc, net.now, &act), 0);
	net_actions(&net, b, &act);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_MASTER);
	assert_true(master_only_of(bcb));
	pc.master_only = false;
	bc_actions_init(&act);
	assert_int_equal(bc_port_reconfigure(bcb, 0, &pc, net.now, &act), 0);
	net_actions(&net, b, &act);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
}

/* A masterOnly port from the start never records a foreign master, even
 * a better one; the clock's other port may still follow it. */
static void test_master_only_from_start(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	int segs[2] = { 0, 1 }, g, t;

	(void)state;
	g = net_add_simple(&net, 0x10, 50, 0, 0);
	net_clock_cfg(&cc, 0x30, 200);
	net_port_cfgs(pc, 2);
	pc[0].master_only = true;
	t = net_add(&net, &cc, pc, 2, segs, 0);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, t, 0), PS_MASTER);
	assert_int_equal(net_state(&net, t, 1), PS_MASTER);
	assert_int_equal(net_state(&net, g, 0), PS_MASTER);
	assert_true(net_drops(&net, t, 0, BC_DROP_WRONG_STATE) > 10);
	assert_true(bc_is_own_parent(net.n[t].bc));
}

/* A slave-only clock's ports cannot be masters: SET refused (the
 * configuration refuses serverOnly with clientOnly too). */
static void test_slave_only_refuses(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0, s;

	(void)state;
	net_clock_cfg(&cc, 0x30, 128);
	cc.slave_only = true;
	net_port_cfgs(&pc, 1);
	s = net_add(&net, &cc, &pc, 1, &seg, 0);
	set_master_only(net.n[s].bc, true);
	assert_error(net.n[s].bc, 0, BC_MID_MASTER_ONLY,
		     TLV_MGMT_ERR_WRONG_VALUE);
	assert_false(master_only_of(net.n[s].bc));
}

/* ---- the acceptable master table through management ---- */

static void set_amt_enabled(struct bc *bc, bool on)
{
	uint8_t v[2] = { on ? 1 : 0, 0 };

	assert_int_equal(ask_to(bc, PTP_MGMT_SET,
				BC_MID_ACCEPTABLE_MASTER_TABLE_ENABLED, v, 2,
				port_target(1), false),
			 0);
}

/* B follows A; SET ACCEPTABLE_MASTER_TABLE_ENABLED with a table that
 * holds another clock only: A is given up, its Announces dropped as
 * not_acceptable; off again, A is followed.  The table's size; on a
 * clock without a table, SET refused. */
static void test_set_amt_enabled(void **state)
{
	int b;
	struct bc *bcb = slave_clock(&b);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	p = get_port(bcb, BC_MID_ACCEPTABLE_MASTER_TABLE_ENABLED, 0, &len);
	assert_int_equal(len, 2);
	assert_int_equal(p[0], 0);
	p = get1(bcb, BC_MID_ACCEPTABLE_MASTER_MAX_TABLE_SIZE, &len);
	assert_int_equal(len, 2);
	assert_int_equal(be16(p), BC_MAX_ACCEPTABLE);
	/* no table: refused */
	set_amt_enabled(bcb, true);
	assert_error(bcb, 0, BC_MID_ACCEPTABLE_MASTER_TABLE_ENABLED,
		     TLV_MGMT_ERR_WRONG_VALUE);
	/* a table of another clock (a reload gives it) */
	{
		struct bc_clock_cfg cc;

		net_clock_cfg(&cc, 0xB, 200); /* as slave_clock made it */
		cc.acceptable[0].id = net_pid(0x77, 0xFFFF);
		cc.n_acceptable = 1;
		assert_int_equal(bc_reconfigure(bcb, &cc), 0);
	}
	set_amt_enabled(bcb, true);
	p = get_port(bcb, BC_MID_ACCEPTABLE_MASTER_TABLE_ENABLED, 0, &len);
	assert_int_equal(p[0], 1);
	net_decide(&net);
	net_run(&net, 20 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_MASTER);
	assert_true(net_drops(&net, b, 0, BC_DROP_NOT_ACCEPTABLE) > 5);
	set_amt_enabled(bcb, false);
	net_decide(&net);
	net_run(&net, 20 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
}

/* ---- BMCA noop ---- */

/* M: noop serverOnly with inhibit_announce; S: clientOnly noop. */
static void noop_pair(bool ignore_source_id, int *m, int *sl)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0;

	net_clock_cfg(&cc, 0xA, 128);
	net_port_cfgs(&pc, 1);
	pc.bmca_noop = true;
	pc.master_only = true;
	pc.inhibit_announce = true;
	*m = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_clock_cfg(&cc, 0xB, 128);
	cc.slave_only = true;
	net_port_cfgs(&pc, 1);
	pc.bmca_noop = true;
	pc.ignore_source_id = ignore_source_id;
	*sl = net_add(&net, &cc, &pc, 1, &seg, 5000);
	net_start(&net);
}

/* The roles from the start: M MASTER without LISTENING, S UNCALIBRATED
 * without an Announce (none is sent), S's Syncs measured and SLAVE once
 * its servo locks; receipt timeouts change nothing. */
static void test_noop_roles(void **state)
{
	int m, sl;

	(void)state;
	noop_pair(true, &m, &sl);
	assert_int_equal(net_state(&net, m, 0), PS_MASTER);
	assert_int_equal(net_state(&net, sl, 0), PS_UNCALIBRATED);
	assert_int_equal(net.n[m].states[0].from, PS_INITIALIZING);
	assert_int_equal(net.n[sl].states[0].from, PS_INITIALIZING);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, m, 0), PS_MASTER);
	assert_int_equal(net_state(&net, sl, 0), PS_UNCALIBRATED);
	assert_int_equal(bc_slave_port(net.n[sl].bc), 0);
	assert_true(net.n[sl].nsamples > 20);
	assert_true(bc_port_counters(net.n[sl].bc, 0)->announce_timeouts > 0);
	net_servo(&net, sl, BC_SERVO_LOCKED);
	assert_int_equal(net_state(&net, sl, 0), PS_SLAVE);
	net_run(&net, 10 * SEC);
	assert_int_equal(net_state(&net, sl, 0), PS_SLAVE);
	assert_int_equal(net.n[m].nstates, 1);
}

/* Without ignore_source_id a noop slave that hears no Announce has no
 * parent, and drops the Syncs as not from it (ptp4l does the same). */
static void test_noop_needs_source_id(void **state)
{
	int m, sl;

	(void)state;
	noop_pair(false, &m, &sl);
	net_run(&net, 10 * SEC);
	assert_int_equal(net_state(&net, sl, 0), PS_UNCALIBRATED);
	assert_int_equal(net.n[sl].nsamples, 0);
	assert_true(net_drops(&net, sl, 0, BC_DROP_NOT_PARENT) > 10);
}

/* A noop master that hears a better master stays MASTER. */
static void test_noop_master_stays(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0, m;

	(void)state;
	net_add_simple(&net, 0x1, 1, 0, 0);
	net_clock_cfg(&cc, 0xA, 255);
	net_port_cfgs(&pc, 1);
	pc.bmca_noop = true;
	pc.master_only = true;
	m = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, m, 0), PS_MASTER);
	assert_int_equal(net.n[m].nstates, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_master_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reload_master_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_master_only_from_start,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_slave_only_refuses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_amt_enabled, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_noop_roles, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_noop_needs_source_id,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_noop_master_stays, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
