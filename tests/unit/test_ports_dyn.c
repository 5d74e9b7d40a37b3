/*
 * tests/unit/test_ports_dyn.c — ports that come and go, and a clock with a
 * thousand ports: bc_port_add/bc_port_remove and the calls that go on
 * where they stopped when the action list filled (bc_start,
 * bc_state_decision).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mgmt/metrics.h"
#include "tests/unit/bc_net.h"

#define MANY 1024

static struct bc_port_cfg many_cfg[MANY];

static struct bc *many_bc(int nports, int max_ports)
{
	struct bc_clock_cfg cc;
	struct bc *bc = NULL;

	net_clock_cfg(&cc, 0x30, 128);
	cc.max_ports = max_ports;
	net_port_cfgs(many_cfg, MANY);
	assert_int_equal(bc_create(&bc, &cc, many_cfg, nports), 0);
	return bc;
}

/* Call f until it stops answering -ENOBUFS; the rounds it took.  No round
 * may overflow: a call stops before it would. */
static int resume_until_done(struct bc *bc, int64_t now, bool start,
			     struct bc_actions *act)
{
	int rounds = 0, err;

	do {
		bc_actions_init(act);
		err = start ? bc_start(bc, now, act)
			    : bc_state_decision(bc, now, act);
		assert_false(act->overflow);
		rounds++;
	} while (err == -ENOBUFS && rounds < 2 * MANY);
	assert_int_equal(err, 0);
	return rounds;
}

static int count_state(const struct bc *bc, enum port_state st)
{
	int n = 0;

	for (int p = 0; p < bc_nports(bc); p++)
		n += bc_port_present(bc, p) && bc_port_ds(bc, p)->port_state == st;
	return n;
}

static void test_thousand_ports(void **state)
{
	struct bc_actions *act = malloc(sizeof(*act));
	struct bc *bc = many_bc(MANY, 0);
	int64_t now = T0;
	int rounds;

	(void)state;
	assert_non_null(act);
	assert_int_equal(bc_default_ds(bc)->number_ports, MANY);
	rounds = resume_until_done(bc, now, true, act);
	assert_true(rounds > 1);
	assert_int_equal(count_state(bc, PS_LISTENING), MANY);
	resume_until_done(bc, now, false, act);
	/* every port times out into MASTER: one decision, many rounds */
	now += 8 * SEC;
	for (int p = 0; p < MANY; p++) {
		bc_actions_init(act);
		bc_port_timer(bc, p, BC_TMR_ANNOUNCE_RX, now, act);
		assert_false(act->overflow);
	}
	rounds = resume_until_done(bc, now, false, act);
	assert_int_equal(count_state(bc, PS_MASTER), MANY);
	/* a better master heard on every port: one decision moves them all
	 * (its lowest port identity, heard on port 0, is the best record:
	 * port 0 becomes the slave, every other port PASSIVE) */
	now = net_announce_every_port(bc, MANY, now, act);
	rounds = resume_until_done(bc, now, false, act);
	assert_true(rounds > 1);
	assert_int_equal(bc_slave_port(bc), 0);
	assert_int_equal(bc_port_ds(bc, 0)->port_state, PS_UNCALIBRATED);
	assert_int_equal(count_state(bc, PS_PASSIVE), MANY - 1);
	print_message("%d ports: the decision took %d rounds\n", MANY, rounds);
	bc_destroy(bc);
	free(act);
}

static void test_add_remove(void **state)
{
	struct bc_actions act;
	struct bc_port_cfg pc;
	struct bc *bc = many_bc(1, 4);
	int a, b, c;

	(void)state;
	bc_actions_init(&act);
	assert_int_equal(bc_start(bc, T0, &act), 0);
	bc_port_cfg_default(&pc, "vnet0");
	bc_actions_init(&act);
	a = bc_port_add(bc, &pc, T0, &act);
	assert_int_equal(a, 1);
	assert_int_equal(bc_port_ds(bc, a)->port_state, PS_LISTENING);
	assert_int_equal(bc_port_ds(bc, a)->port_identity.port_number, 2);
	assert_int_equal(bc_port_add(bc, &pc, T0, &act), -EEXIST);
	bc_port_cfg_default(&pc, "vnet1");
	b = bc_port_add(bc, &pc, T0, &act);
	bc_port_cfg_default(&pc, "vnet2");
	c = bc_port_add(bc, &pc, T0, &act);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_int_equal(bc_default_ds(bc)->number_ports, 4);
	bc_port_cfg_default(&pc, "vnet3");
	assert_int_equal(bc_port_add(bc, &pc, T0, &act), -ENOSPC);

	/* vnet0 goes: DISABLED reported, its timers stopped, then absent */
	bc_actions_init(&act);
	assert_int_equal(bc_port_remove(bc, a, T0, &act), 0);
	assert_false(bc_port_present(bc, a));
	assert_int_equal(bc_default_ds(bc)->number_ports, 3);
	assert_true(act.n >= 2);
	for (int i = 0, changed = 0; i < act.n; i++) {
		if (act.a[i].type == BC_ACT_STATE_CHANGED) {
			assert_int_equal(act.a[i].u.state.to, PS_DISABLED);
			assert_int_equal(++changed, 1);
		} else {
			assert_int_equal(act.a[i].type, BC_ACT_TIMER_STOP);
		}
	}
	assert_int_equal(bc_port_remove(bc, a, T0, &act), -EINVAL);
	bc_actions_init(&act);
	assert_int_equal(bc_port_timer(bc, a, BC_TMR_ANNOUNCE_RX, T0, &act),
			 -EINVAL);
	assert_int_equal(act.n, 0);

	/* a new name takes the free slot; vnet0 back finds none free... */
	assert_int_equal(bc_port_add(bc, &pc, T0, &act), a);
	bc_port_cfg_default(&pc, "vnet0");
	assert_int_equal(bc_port_add(bc, &pc, T0, &act), -ENOSPC);
	/* ...until vnet2 goes, and then vnet2 back gets its own number */
	bc_actions_init(&act);
	assert_int_equal(bc_port_remove(bc, c, T0, &act), 0);
	bc_port_cfg_default(&pc, "vnet2");
	assert_int_equal(bc_port_add(bc, &pc, T0, &act), c);
	assert_int_equal(bc_port_ds(bc, c)->port_identity.port_number, c + 1);
	bc_destroy(bc);
}

static void test_remove_slave(void **state)
{
	struct bc_actions act;
	struct bc *bc = many_bc(2, 2);
	uint8_t buf[256];
	int64_t now = T0;

	(void)state;
	bc_actions_init(&act);
	assert_int_equal(bc_start(bc, now, &act), 0);
	for (int k = 0; k < 2; k++) {
		int len = net_build_announce(buf, sizeof(buf),
					     net_pid(0x01, 1), 0x01, 1, 0,
					     (uint16_t)k, NULL, 0);

		now += SEC;
		bc_actions_init(&act);
		assert_int_equal(bc_port_rx(bc, 1, buf, (size_t)len,
					    tmv_from_ns(now), NULL, now, &act),
				 0);
	}
	bc_actions_init(&act);
	assert_int_equal(bc_state_decision(bc, now, &act), 0);
	assert_int_equal(bc_slave_port(bc), 1);
	bc_actions_init(&act);
	assert_int_equal(bc_port_remove(bc, 1, now, &act), 0);
	assert_int_equal(bc_slave_port(bc), -1);
	assert_true(bc_state_decision_due(bc));
	bc_actions_init(&act);
	assert_int_equal(bc_state_decision(bc, now, &act), 0);
	/* the clock is its own parent again: no foreign master is left */
	assert_memory_equal(&bc_parent_ds(bc)->grandmaster_identity,
			    &bc_default_ds(bc)->clock_identity,
			    sizeof(struct clock_identity));
	bc_destroy(bc);
}

/* A port that went leaves the metrics (its series end); management and
 * the systemd status line skip it too (they use bc_port_present). */
static void test_metrics_follow(void **state)
{
	struct mgmt_metrics_cfg cfg = {
		.textfile = "/nonexistent/x.prom", /* never written here */
		.textfile_interval_s = 10,
	};
	struct mgmt_metrics *m;
	struct bc_actions act;
	struct bc_port_cfg pc;
	struct bc *bc = many_bc(1, 8);
	const char *t;
	size_t len;
	int i;

	(void)state;
	bc_port_cfg_default(&pc, "vnet7");
	bc_actions_init(&act);
	i = bc_port_add(bc, &pc, T0, &act);
	assert_int_equal(i, 1);
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), 0);
	assert_int_equal(mgmt_metrics_text(m, 0, &t, &len), 0);
	assert_non_null(strstr(t, "hvptp_port_state{port=\"2\","
				  "interface=\"vnet7\"} "));
	bc_actions_init(&act);
	assert_int_equal(bc_port_remove(bc, i, T0, &act), 0);
	assert_int_equal(mgmt_metrics_text(m, SEC, &t, &len), 0);
	assert_null(strstr(t, "vnet7"));
	assert_non_null(strstr(t, "interface=\"eth0\""));
	mgmt_metrics_close(m);
	bc_destroy(bc);
}

static void test_create_limits(void **state)
{
	struct bc_clock_cfg cc;
	struct bc *bc = NULL;

	(void)state;
	net_clock_cfg(&cc, 0x30, 128);
	net_port_cfgs(many_cfg, MANY);
	/* no port at start is fine when there is room for some */
	cc.max_ports = 8;
	assert_int_equal(bc_create(&bc, &cc, many_cfg, 0), 0);
	assert_int_equal(bc_default_ds(bc)->number_ports, 0);
	bc_destroy(bc);
	cc.max_ports = BC_MAX_PORTS + 1;
	assert_int_equal(bc_create(&bc, &cc, many_cfg, 1), -EINVAL);
	cc.max_ports = 2;
	assert_int_equal(bc_create(&bc, &cc, many_cfg, 3), 0); /* 3 fit */
	assert_false(bc_port_present(bc, 3));
	bc_destroy(bc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thousand_ports),
		cmocka_unit_test(test_add_remove),
		cmocka_unit_test(test_remove_slave),
		cmocka_unit_test(test_metrics_follow),
		cmocka_unit_test(test_create_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
