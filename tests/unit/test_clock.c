/*
 * tests/unit/test_clock.c — whole clocks exchanging messages: the BMCA
 * at work.
 *
 * Two to four struct bc instances joined by the little wire of bc_net.h
 * (fixed delays, fixed clock offsets, timers fired in order): who becomes
 * master and slave, boundary clock chains and loops, failover, a better
 * grandmaster appearing, slave-only clocks, the random intervals, action
 * list capacity and what a boundary clock propagates in its Announce.
 * Timestamp handling and stray input are in test_clock_ts.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "tests/unit/bc_net.h"

static struct net net; /* large: static, reset by each test */

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

#define OFF_A (1 * MS + 123)
#define OFF_B (-2500 * 1000 - 77)

static void two_clocks(int *a, int *b)
{
	*a = net_add_simple(&net, 0xA, 100, 0, OFF_A);
	*b = net_add_simple(&net, 0xB, 200, 0, OFF_B);
}

/* ---- two clocks ---- */

static void test_two_clocks(void **state)
{
	const struct parent_ds *pd;
	int a, b, n0;
	int64_t t;

	(void)state;
	two_clocks(&a, &b);
	net_start(&net);
	t = NET_RUN_UNTIL(&net, net_state(&net, a, 0) == PS_MASTER &&
			      net_state(&net, b, 0) == PS_UNCALIBRATED,
		      30 * SEC);
	assert_true(t - T0 <= 6 * 2 * SEC); /* a few announce intervals */
	pd = bc_parent_ds(net.n[b].bc);
	net_assert_pid(&pd->parent_port_identity, 0xA, 1);
	net_assert_cid(&pd->grandmaster_identity, 0xA);
	assert_int_equal(pd->grandmaster_priority1, 100);
	assert_int_equal(bc_current_ds(net.n[b].bc)->steps_removed, 1);
	assert_int_equal(bc_slave_port(net.n[b].bc), 0);
	assert_int_equal(bc_slave_port(net.n[a].bc), -1);
	net_run(&net, 20 * SEC);
	assert_true(net.n[b].nsamples >= 10);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	assert_int_equal(net.n[a].nsamples, 0);
	assert_int_equal(bc_current_ds(net.n[b].bc)->offset_from_master_ns,
			 OFF_B - OFF_A);
	assert_int_equal(bc_current_ds(net.n[b].bc)->mean_path_delay_ns,
			 NET_DELAY);
	/* servo locked: SLAVE */
	n0 = net.n[b].nstates;
	net_servo(&net, b, BC_SERVO_LOCKED);
	assert_int_equal(net_state(&net, b, 0), PS_SLAVE);
	assert_int_equal(net.n[b].nstates, n0 + 1);
	assert_int_equal(net.n[b].states[n0].ev, BC_EV_MASTER_CLOCK_SELECTED);
	n0 = net.n[b].nsamples;
	net_run(&net, 10 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_SLAVE);
	net_assert_samples(&net, b, n0, OFF_B - OFF_A);
	/* unlocked: back to UNCALIBRATED */
	n0 = net.n[b].nstates;
	net_servo(&net, b, BC_SERVO_UNLOCKED);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
	assert_int_equal(net.n[b].states[n0].ev, BC_EV_SYNCHRONIZATION_FAULT);
	/* the master never left MASTER once there, B never sent Sync since */
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
}

/* ---- boundary clock chain ---- */

static void check_one_slave_port(struct net *n)
{
	for (int c = 0; c < n->nclocks; c++)
		assert_true(net_slave_ports(n, c) <= 1);
}

static int add_bc(uint8_t id, uint8_t prio1, int seg0, int seg1, int64_t off)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	int segs[2] = { seg0, seg1 };

	net_clock_cfg(&cc, id, prio1);
	net_port_cfgs(pc, 2);
	return net_add(&net, &cc, pc, 2, segs, off);
}

static void test_bc_chain(void **state)
{
	const struct parent_ds *pd;
	int gm, bc, s;

	(void)state;
	gm = net_add_simple(&net, 0x01, 100, 0, 3 * MS);
	bc = add_bc(0x02, 128, 0, 1, -7 * MS);
	s = net_add_simple(&net, 0x03, 200, 1, 11 * MS);
	net.check = check_one_slave_port;
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, gm, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, bc, 0)));
	assert_int_equal(net_state(&net, bc, 1), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, s, 0)));
	pd = bc_parent_ds(net.n[s].bc);
	net_assert_cid(&pd->grandmaster_identity, 0x01);
	net_assert_pid(&pd->parent_port_identity, 0x02, 2);
	assert_int_equal(bc_current_ds(net.n[s].bc)->steps_removed, 2);
	pd = bc_parent_ds(net.n[bc].bc);
	net_assert_pid(&pd->parent_port_identity, 0x01, 1);
	assert_int_equal(bc_current_ds(net.n[bc].bc)->steps_removed, 1);
	/* each slave measures against its own parent, exactly */
	net_assert_samples(&net, bc, net.n[bc].nsamples - 5, -7 * MS - 3 * MS);
	net_assert_samples(&net, s, net.n[s].nsamples - 5, 11 * MS + 7 * MS);
	for (int i = 0; i < net.n[bc].nsamples; i++)
		assert_int_equal(net.n[bc].samples[i].port, 0);
}

/* Both BC ports on the GM's segment: one slave, the other PASSIVE (P2),
 * and it stays that way. */
static void test_bc_loop(void **state)
{
	int gm, bc, n0;

	(void)state;
	gm = net_add_simple(&net, 0x01, 100, 0, 3 * MS);
	bc = add_bc(0x02, 128, 0, 0, -7 * MS);
	net.check = check_one_slave_port;
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, gm, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, bc, 0)));
	assert_int_equal(net_state(&net, bc, 1), PS_PASSIVE);
	n0 = net.n[bc].nstates;
	net_run(&net, 120 * SEC);
	assert_int_equal(net.n[bc].nstates, n0);
	net_assert_samples(&net, bc, net.n[bc].nsamples - 10, -7 * MS - 3 * MS);
}

/* Two ports of one clock on one segment and nobody else: the lower port
 * is master, the higher one passive (9.5.2.3), and that is stable. */
static void test_self_loop_alone(void **state)
{
	uint64_t sync1;
	int bc, n0;

	(void)state;
	bc = add_bc(0x02, 128, 0, 0, 0);
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, bc, 0), PS_MASTER);
	assert_int_equal(net_state(&net, bc, 1), PS_PASSIVE);
	n0 = net.n[bc].nstates;
	sync1 = net.n[bc].tx_count[1][PTP_MSG_SYNC];
	net_run(&net, 120 * SEC);
	assert_int_equal(net.n[bc].nstates, n0);
	/* only the master port keeps sending */
	assert_int_equal(net.n[bc].tx_count[1][PTP_MSG_SYNC], sync1);
	assert_true(net.n[bc].tx_count[0][PTP_MSG_SYNC] > 100);
}

/* ---- failover ---- */

static void test_failover(void **state)
{
	uint64_t nto;
	int a, b, na;
	int64_t last_ann, t;
	const struct parent_ds *pd;

	(void)state;
	two_clocks(&a, &b);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	na = net.n[a].nstates;
	nto = bc_port_counters(net.n[b].bc, 0)->announce_timeouts;
	net.n[a].silent = true;
	t = NET_RUN_UNTIL(&net, net_state(&net, b, 0) == PS_MASTER, 20 * SEC);
	last_ann = net.n[b].last_rx_at[0][PTP_MSG_ANNOUNCE];
	/* announceReceiptTimeout 3 .. 4 intervals of 2 s (100 ms steps) */
	assert_true(t - last_ann >= 6 * SEC);
	assert_true(t - last_ann <= 8 * SEC + 100 * MS);
	pd = bc_parent_ds(net.n[b].bc);
	net_assert_cid(&pd->grandmaster_identity, 0xB);
	assert_int_equal(bc_slave_port(net.n[b].bc), -1);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->announce_timeouts,
			 nto + 1);
	/* the grandmaster returns: B follows it again */
	net.n[a].silent = false;
	NET_RUN_UNTIL(&net, net_state(&net, b, 0) == PS_UNCALIBRATED, 20 * SEC);
	pd = bc_parent_ds(net.n[b].bc);
	net_assert_pid(&pd->parent_port_identity, 0xA, 1);
	net_run(&net, 10 * SEC);
	net_assert_samples(&net, b, net.n[b].nsamples - 3, OFF_B - OFF_A);
	/* A never noticed anything */
	assert_int_equal(net.n[a].nstates, na);
}

/* The grandmaster behind a BC goes away: the BC becomes grandmaster and
 * the clock behind it follows the BC (stepsRemoved 1); it comes back. */
static void test_chain_failover(void **state)
{
	const struct parent_ds *pd;
	int gm, bc, s;

	(void)state;
	gm = net_add_simple(&net, 0x01, 100, 0, 3 * MS);
	bc = add_bc(0x02, 128, 0, 1, -7 * MS);
	s = net_add_simple(&net, 0x03, 200, 1, 11 * MS);
	net.check = check_one_slave_port;
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(bc_current_ds(net.n[s].bc)->steps_removed, 2);
	net.n[gm].silent = true;
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, bc, 0), PS_MASTER);
	assert_int_equal(net_state(&net, bc, 1), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, s, 0)));
	pd = bc_parent_ds(net.n[s].bc);
	net_assert_cid(&pd->grandmaster_identity, 0x02);
	net_assert_pid(&pd->parent_port_identity, 0x02, 2);
	assert_int_equal(bc_current_ds(net.n[s].bc)->steps_removed, 1);
	net_assert_samples(&net, s, net.n[s].nsamples - 5, 11 * MS + 7 * MS);
	net.n[gm].silent = false;
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, bc, 0)));
	pd = bc_parent_ds(net.n[s].bc);
	net_assert_cid(&pd->grandmaster_identity, 0x01);
	assert_int_equal(bc_current_ds(net.n[s].bc)->steps_removed, 2);
}

/* How long port p of clock c was PRE_MASTER the last time, or -1. */
static int64_t pre_master_time(int c, int p)
{
	const struct net_node *nd = &net.n[c];

	for (int i = nd->nstates - 1; i > 0; i--) {
		const struct net_state_rec *r = &nd->states[i];

		if (r->port != p || r->from != PS_PRE_MASTER)
			continue;
		assert_int_equal(r->ev, BC_EV_QUALIFICATION_TIMEOUT_EXPIRES);
		for (int j = i - 1; j >= 0; j--) {
			if (nd->states[j].port == p &&
			    nd->states[j].to == PS_PRE_MASTER)
				return r->at - nd->states[j].at;
		}
	}
	return -1;
}

/* A better grandmaster appears behind the BC's master port: the BC's
 * slave port moves there, the old grandmaster follows the BC. */
static void test_better_gm_behind_master_port(void **state)
{
	const struct parent_ds *pd;
	int gm1, bc, gm2;

	(void)state;
	gm1 = net_add_simple(&net, 0x01, 100, 0, 3 * MS);
	bc = add_bc(0x02, 128, 0, 1, -7 * MS);
	gm2 = net_add_simple(&net, 0x05, 50, 1, 13 * MS);
	net.n[gm2].silent = true;
	net.check = check_one_slave_port;
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_true(net_is_slave_state(net_state(&net, bc, 0)));
	assert_int_equal(net_state(&net, bc, 1), PS_MASTER);
	net.n[gm2].silent = false;
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, gm2, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, bc, 1)));
	assert_int_equal(net_state(&net, bc, 0), PS_MASTER);
	assert_int_equal(bc_slave_port(net.n[bc].bc), 1);
	assert_true(net_is_slave_state(net_state(&net, gm1, 0)));
	pd = bc_parent_ds(net.n[gm1].bc);
	net_assert_cid(&pd->grandmaster_identity, 0x05);
	net_assert_pid(&pd->parent_port_identity, 0x02, 1);
	assert_int_equal(bc_current_ds(net.n[gm1].bc)->steps_removed, 2);
	net_assert_samples(&net, bc, net.n[bc].nsamples - 5, -7 * MS - 13 * MS);
	assert_int_equal(net.n[bc].samples[net.n[bc].nsamples - 1].port, 1);
	/* port 1 went through PRE_MASTER for stepsRemoved + 1 = 2
	 * announce intervals (9.2.6.11) */
	assert_int_equal(bc_current_ds(net.n[bc].bc)->steps_removed, 1);
	assert_int_equal(pre_master_time(bc, 0), 2 * 2 * SEC);
}

/* The BC's slave port loses its link: the BC is grandmaster until the
 * link returns, then follows the grandmaster again. */
static void test_bc_slave_link_flap(void **state)
{
	struct bc_actions act;
	int gm, bc, s;

	(void)state;
	gm = net_add_simple(&net, 0x01, 100, 0, 3 * MS);
	bc = add_bc(0x02, 128, 0, 1, -7 * MS);
	s = net_add_simple(&net, 0x03, 200, 1, 11 * MS);
	net.check = check_one_slave_port;
	net_start(&net);
	net_run(&net, 60 * SEC);
	bc_actions_init(&act);
	bc_port_link(net.n[bc].bc, 0, false, net.now, &act);
	net_actions(&net, bc, &act);
	net_decide(&net);
	assert_int_equal(net_state(&net, bc, 0), PS_FAULTY);
	assert_int_equal(bc_slave_port(net.n[bc].bc), -1);
	net_assert_cid(&bc_parent_ds(net.n[bc].bc)->grandmaster_identity, 0x02);
	net_run(&net, 20 * SEC);
	net_assert_cid(&bc_parent_ds(net.n[s].bc)->grandmaster_identity, 0x02);
	bc_actions_init(&act);
	bc_port_link(net.n[bc].bc, 0, true, net.now, &act);
	net_actions(&net, bc, &act);
	net_decide(&net);
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, bc, 0)));
	net_assert_cid(&bc_parent_ds(net.n[s].bc)->grandmaster_identity, 0x01);
	assert_int_equal(net_state(&net, gm, 0), PS_MASTER);
}

/* A slave-only clock never becomes master: it listens instead. */
static void test_slave_only(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, seg = 0;

	(void)state;
	a = net_add_simple(&net, 0xA, 200, 0, OFF_A);
	net_clock_cfg(&cc, 0xB, 100); /* better, but slave-only */
	cc.slave_only = true;
	net_port_cfgs(&pc, 1);
	b = net_add(&net, &cc, &pc, 1, &seg, OFF_B);
	assert_int_equal(bc_default_ds(net.n[b].bc)->clock_quality.clock_class,
			 255);
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	net_assert_samples(&net, b, net.n[b].nsamples - 5, OFF_B - OFF_A);
	net.n[a].silent = true;
	net_run(&net, 40 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_LISTENING);
	net.n[a].silent = false;
	net_run(&net, 20 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	for (int t = 0; t < PTP_MSG_TYPE_COUNT; t++) {
		if (t != PTP_MSG_DELAY_REQ)
			assert_int_equal(net.n[b].tx_count[0][t], 0);
	}
}

/* ---- random intervals ---- */

static void test_announce_timeout_random(void **state)
{
	int64_t iv = 2 * SEC, lo = INT64_MAX, hi = 0;

	(void)state;
	for (int seed = 1; seed <= 300; seed++) {
		struct bc_clock_cfg cc;
		struct bc_port_cfg pc;
		struct bc_actions act;
		struct bc *bc;
		int found = 0;

		net_clock_cfg(&cc, 0x10, 128);
		cc.rng_seed = (uint64_t)seed * 7919;
		net_port_cfgs(&pc, 1);
		assert_int_equal(bc_create(&bc, &cc, &pc, 1), 0);
		bc_actions_init(&act);
		bc_start(bc, T0, &act);
		for (int i = 0; i < act.n; i++) {
			const struct bc_action *x = &act.a[i];
			int64_t d = x->u.timer.at_ns - T0;

			if (x->type != BC_ACT_TIMER_ARM ||
			    x->u.timer.timer != BC_TMR_ANNOUNCE_RX)
				continue;
			found++;
			assert_true(d >= 3 * iv && d <= 4 * iv);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		assert_int_equal(found, 1);
		bc_destroy(bc);
	}
	/* spread over the whole interval, not a constant */
	assert_true(lo < 3 * iv + iv / 10);
	assert_true(hi > 4 * iv - iv / 10);
}

/* Re-arming on receipt draws again, within the same bounds: in
 * LISTENING, a first Announce (a sighting, not a record yet) re-arms too,
 * as any Announce did before sightings, but only the first
 * BMCA_MAX_FOREIGN inside a window (more are a flood of identities heard
 * once, which must not hold the port in LISTENING); a sender heard again
 * is recorded, qualifies and is followed; then its Announces re-arm. */
static void test_announce_timeout_rearm(void **state)
{
	uint8_t buf[256];
	int a, len, n0;

	(void)state;
	a = net_add_simple(&net, 0x10, 128, 0, 0);
	net_start(&net);
	for (int i = 0; i < 2 * BMCA_MAX_FOREIGN; i++) {
		net.now += 10 * MS;
		len = net_build_announce(buf, sizeof(buf),
					 net_pid(0x20, (uint16_t)(i + 1)), 0x20,
					 50, 0, 0, NULL, 0);
		n0 = net.n[a].narms;
		assert_int_equal(net_inject(&net, a, 0, buf, (size_t)len), 0);
		assert_int_equal(net_state(&net, a, 0), PS_LISTENING);
		if (i >= BMCA_MAX_FOREIGN) {
			assert_int_equal(net.n[a].narms, n0);
			continue;
		}
		assert_int_equal(net.n[a].narms, n0 + 1);
		assert_int_equal(net.n[a].arms[n0].t, BC_TMR_ANNOUNCE_RX);
		assert_true(net.n[a].arms[n0].at - net.now >= 6 * SEC);
		assert_true(net.n[a].arms[n0].at - net.now <= 8 * SEC);
	}
	assert_int_equal(net_drops(&net, a, 0, BC_DROP_NOT_QUALIFIED), 0);
	/* the first sender again: qualified, better, followed */
	len = net_build_announce(buf, sizeof(buf), net_pid(0x20, 1), 0x20, 50,
				 0, 1, NULL, 0);
	assert_int_equal(net_inject(&net, a, 0, buf, (size_t)len), 0);
	assert_int_equal(net_state(&net, a, 0), PS_UNCALIBRATED);
	/* its next Announces re-arm, each drawn in [3, 4] intervals of 2 s */
	for (uint16_t seq = 2; seq < 10; seq++) {
		net.now += 100 * MS;
		len = net_build_announce(buf, sizeof(buf), net_pid(0x20, 1),
					 0x20, 50, 0, seq, NULL, 0);
		n0 = net.n[a].narms;
		assert_int_equal(net_inject(&net, a, 0, buf, (size_t)len), 0);
		assert_int_equal(net.n[a].narms, n0 + 1);
		assert_int_equal(net.n[a].arms[n0].t, BC_TMR_ANNOUNCE_RX);
		assert_true(net.n[a].arms[n0].at - net.now >= 6 * SEC);
		assert_true(net.n[a].arms[n0].at - net.now <= 8 * SEC);
	}
	/* a copy of the last one is not distinct (9.3.2.5): refused */
	assert_int_equal(net_inject(&net, a, 0, buf, (size_t)len), -EBADMSG);
	assert_int_equal(net_drops(&net, a, 0, BC_DROP_NOT_QUALIFIED), 1);
}

/* A port with no master on its segment but a flood of identities each
 * heard once (100 a second, each better than the clock) still becomes
 * MASTER when its announce receipt timeout expires: the flood stops
 * restarting it after BMCA_MAX_FOREIGN sightings in a window. */
static void test_flood_once_no_master(void **state)
{
	uint8_t buf[256];
	int a, len;

	(void)state;
	a = net_add_simple(&net, 0x10, 128, 0, 0);
	net_start(&net);
	for (uint32_t i = 0; i < 2000 && net_state(&net, a, 0) != PS_MASTER;
	     i++) {
		len = net_build_announce(buf, sizeof(buf),
					 net_pid(0x20, (uint16_t)(i + 1)), 0x20,
					 50, 0, 0, NULL, 0);
		assert_int_equal(net_inject(&net, a, 0, buf, (size_t)len), 0);
		net_run(&net, 10 * MS);
	}
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_true(net.now < T0 + 20 * SEC);
}

static void test_delay_req_spacing(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, seg = 0, count = 0, wide = 0;
	int64_t lo = INT64_MAX, hi = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.log_min_delay_req_interval = 1; /* the master asks for 2 s */
	a = net_add(&net, &cc, &pc, 1, &seg, OFF_A);
	net_clock_cfg(&cc, 0xB, 200);
	net_port_cfgs(&pc, 1);
	pc.log_min_delay_req_interval = -1;
	b = net_add(&net, &cc, &pc, 1, &seg, OFF_B);
	net_start(&net);
	net_run(&net, 600 * SEC);
	for (int i = 0; i < net.n[b].narms; i++) {
		const struct net_arm *r = &net.n[b].arms[i];
		int64_t iv = tmv_log_interval_ns(r->log_delay_req);
		int64_t d = r->at - r->now;

		if (r->t != BC_TMR_DELAY_REQ_TX)
			continue;
		count++;
		assert_true(d >= 0 && d <= 2 * iv);
		if (r->log_delay_req == 1) {
			wide++;
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
	}
	assert_true(count > 100);
	/* the slave took the master's logMinDelayReqInterval */
	assert_int_equal(bc_port_ds(net.n[b].bc, 0)->log_min_delay_req_interval,
			 1);
	assert_true(wide > 100);
	assert_true(lo < 400 * MS);
	assert_true(hi > 3600 * MS);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	(void)a;
}

/* ---- capacity ---- */

static void test_32_ports(void **state)
{
	struct bc_port_cfg pc[32];
	struct bc_clock_cfg cc;
	struct bc_actions *act = malloc(sizeof(*act));
	struct bc *bc;
	int64_t now = T0;

	(void)state;
	assert_non_null(act);
	net_clock_cfg(&cc, 0x20, 128);
	net_port_cfgs(pc, 32);
	assert_int_equal(bc_create(&bc, &cc, pc, 32), 0);
	bc_actions_init(act);
	assert_int_equal(bc_start(bc, now, act), 0);
	assert_false(act->overflow);
	assert_int_equal(act->n, 2 * 32);
	assert_int_equal(bc_state_decision(bc, now, act), 0);
	assert_false(act->overflow);
	/* every port times out into MASTER, each on its own call */
	now += 8 * SEC;
	for (int p = 0; p < 32; p++) {
		bc_actions_init(act);
		bc_port_timer(bc, p, BC_TMR_ANNOUNCE_RX, now, act);
		assert_false(act->overflow);
	}
	bc_actions_init(act);
	bc_state_decision(bc, now, act);
	assert_false(act->overflow);
	for (int p = 0; p < 32; p++) {
		bc_actions_init(act);
		bc_port_timer(bc, p, BC_TMR_SYNC_TX, now, act);
		assert_int_equal(bc_port_ds(bc, p)->port_state, PS_MASTER);
	}
	/* a better master qualifies on every port at once: one decision
	 * moves all 32 ports */
	now = net_announce_every_port(bc, 32, now, act);
	bc_actions_init(act);
	assert_int_equal(bc_state_decision(bc, now, act), 0);
	assert_false(act->overflow);
	assert_true(act->n > 4 * 32);
	assert_int_equal(bc_port_ds(bc, 0)->port_state, PS_UNCALIBRATED);
	for (int p = 1; p < 32; p++)
		assert_int_equal(bc_port_ds(bc, p)->port_state, PS_PASSIVE);
	bc_destroy(bc);
	free(act);
}

static void test_create_bad_cfg(void **state)
{
	static struct bc_port_cfg pc[BC_MAX_PORTS + 1];
	struct bc_clock_cfg cc;
	struct bc *bc = NULL;

	(void)state;
	net_clock_cfg(&cc, 0x20, 128);
	net_port_cfgs(pc, BC_MAX_PORTS + 1);
	assert_int_equal(bc_create(&bc, &cc, pc, 0), -EINVAL);
	assert_int_equal(bc_create(&bc, &cc, pc, BC_MAX_PORTS + 1), -EINVAL);
	cc.ptp_minor_version = 2;
	assert_int_equal(bc_create(&bc, &cc, pc, 1), -EINVAL);
	bc_clock_cfg_default(&cc); /* zero identity */
	assert_int_equal(bc_create(&bc, &cc, pc, 1), -EINVAL);
	assert_null(bc);
}

/* ---- what a boundary clock propagates ---- */

static int add_fancy_gm(void)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0;

	net_clock_cfg(&cc, 0x01, 100);
	cc.priority2 = 77;
	cc.clock_quality.clock_class = 6;
	cc.clock_quality.clock_accuracy = 0x21;
	cc.clock_quality.offset_scaled_log_variance = 0x4E5D;
	cc.time_source = TS_GNSS;
	cc.utc_offset = 37;
	cc.utc_offset_valid = true;
	cc.time_traceable = true;
	cc.frequency_traceable = true;
	net_port_cfgs(&pc, 1);
	pc.path_trace_enabled = true;
	return net_add(&net, &cc, &pc, 1, &seg, 0);
}

static void test_bc_announce_content(void **state)
{
	const uint16_t want_flags = PTP_FLAG_UTC_OFFSET_VALID |
				    PTP_FLAG_PTP_TIMESCALE |
				    PTP_FLAG_TIME_TRACEABLE |
				    PTP_FLAG_FREQ_TRACEABLE;
	const struct ptp_announce *an;
	const struct parent_ds *pd;
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct ptp_msg m;
	int segs[2] = { 0, 1 };
	int bc, s;

	(void)state;
	add_fancy_gm();
	net_clock_cfg(&cc, 0x02, 128);
	net_port_cfgs(pc, 2);
	pc[1].path_trace_enabled = true;
	bc = net_add(&net, &cc, pc, 2, segs, 0);
	s = net_add_simple(&net, 0x03, 200, 1, 0);
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, bc, 1), PS_MASTER);
	net_last_msg(&net, bc, 1, PTP_MSG_ANNOUNCE, &m);
	an = &m.body.announce;
	net_assert_pid(&m.hdr.source_port_identity, 0x02, 2);
	net_assert_cid(&an->gm_identity, 0x01);
	assert_int_equal(an->gm_priority1, 100);
	assert_int_equal(an->gm_priority2, 77);
	assert_int_equal(an->gm_clock_quality.clock_class, 6);
	assert_int_equal(an->gm_clock_quality.clock_accuracy, 0x21);
	assert_int_equal(an->gm_clock_quality.offset_scaled_log_variance,
			 0x4E5D);
	assert_int_equal(an->steps_removed, 1);
	assert_int_equal(an->time_source, TS_GNSS);
	assert_int_equal(an->current_utc_offset, 37);
	assert_int_equal(m.hdr.flags & 0xFF, want_flags);
	assert_int_equal(m.hdr.log_msg_interval, 1);
	/* PATH_TRACE: the grandmaster, then the BC */
	assert_true(m.tlv_view.has_path_trace);
	assert_int_equal(m.tlv_view.path_trace_count, 2);
	net_assert_cid(&m.tlv_view.path_trace[0], 0x01);
	net_assert_cid(&m.tlv_view.path_trace[1], 0x02);
	/* and the slave behind the BC sees all of it */
	pd = bc_parent_ds(net.n[s].bc);
	assert_int_equal(pd->grandmaster_priority2, 77);
	assert_int_equal(pd->grandmaster_clock_quality.clock_class, 6);
	assert_int_equal(bc_current_ds(net.n[s].bc)->steps_removed, 2);
	assert_int_equal(ds_time_properties_flags(bc_time_properties_ds(
				 net.n[s].bc)),
			 want_flags);
	assert_int_equal(bc_time_properties_ds(net.n[s].bc)->time_source,
			 TS_GNSS);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_two_clocks),
		T(test_bc_chain),
		T(test_bc_loop),
		T(test_self_loop_alone),
		T(test_failover),
		T(test_chain_failover),
		T(test_better_gm_behind_master_port),
		T(test_bc_slave_link_flap),
		T(test_slave_only),
		T(test_announce_timeout_random),
		T(test_announce_timeout_rearm),
		T(test_flood_once_no_master),
		T(test_delay_req_spacing),
		T(test_32_ports),
		T(test_create_bad_cfg),
		T(test_bc_announce_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
