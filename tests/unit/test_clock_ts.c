/*
 * tests/unit/test_clock_ts.c — whole clocks: timestamps and stray input.
 *
 * Clocks joined by the wire of bc_net.h (see test_clock.c for the BMCA
 * and topology cases): messages that must not make samples and the drop
 * reason each one is counted under, TX timestamps that are late or never
 * come, Follow_Up and Delay_Resp overtaking what they complete, clock
 * steps, UTC/TAI conversion, timers fired when they are not armed, and
 * a Delay_Req sent at the discipline's request.
 * Offsets and delays are asserted to the nanosecond.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

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

/* ---- drops ---- */

/* A grandmaster A, a master-only clock C that keeps sending on the same
 * segment, and two slaves B and D. */
static void four_on_a_segment(int *a, int *b, int *c, int *d)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0;

	*a = net_add_simple(&net, 0xA, 100, 0, OFF_A);
	net_clock_cfg(&cc, 0xC, 150);
	net_port_cfgs(&pc, 1);
	pc.master_only = true;
	*c = net_add(&net, &cc, &pc, 1, &seg, 5 * MS);
	*b = net_add_simple(&net, 0xB, 200, 0, OFF_B);
	*d = net_add_simple(&net, 0xD, 210, 0, -9 * MS);
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, *a, 0), PS_MASTER);
	assert_int_equal(net_state(&net, *c, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, *b, 0)));
	assert_true(net_is_slave_state(net_state(&net, *d, 0)));
}

static void test_stray_messages(void **state)
{
	int a, b, c, d, nb, nd;

	(void)state;
	four_on_a_segment(&a, &b, &c, &d);
	/* B and D may have followed C until A qualified: from now on, C's
	 * Sync, Follow_Up and Delay_Resp never make samples at B or D */
	net_assert_pid(&bc_parent_ds(net.n[b].bc)->parent_port_identity,
		       0xA, 1);
	net_assert_pid(&bc_parent_ds(net.n[d].bc)->parent_port_identity,
		       0xA, 1);
	nb = net.n[b].nsamples;
	nd = net.n[d].nsamples;
	net_run(&net, 60 * SEC);
	assert_true(net_drops(&net, b, 0, BC_DROP_NOT_PARENT) > 100);
	assert_true(net.n[b].nsamples >= nb + 50);
	net_assert_samples(&net, b, nb, OFF_B - OFF_A);
	net_assert_samples(&net, d, nd, -9 * MS - OFF_A);
	/* A's answers to D are not for B */
	assert_true(net_drops(&net, b, 0, BC_DROP_NOT_FOR_US) > 10);
	/* the master-only port ignores Announce */
	assert_true(net_drops(&net, c, 0, BC_DROP_WRONG_STATE) > 10);
	assert_int_equal(net.n[c].nsamples, 0);
}

/* Inject a copy of a message with one byte changed; the drop counter
 * `why` of clock c port 0 must grow by exactly one. */
static void inject_expect(int c, const uint8_t *msg, size_t len, int at,
			  uint8_t val, enum bc_drop why)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	uint64_t before = net_drops(&net, c, 0, why);

	memcpy(buf, msg, len);
	if (at >= 0)
		buf[at] = val;
	assert_int_equal(net_inject(&net, c, 0, buf, len), -EBADMSG);
	assert_int_equal(net_drops(&net, c, 0, why), before + 1);
}

static void test_drop_reasons(void **state)
{
	const struct net_node *na, *nb;
	uint8_t buf[256];
	int a, b, len;

	(void)state;
	two_clocks(&a, &b);
	net_start(&net);
	net_run(&net, 30 * SEC);
	na = &net.n[a];
	nb = &net.n[b];
	/* wrong domain */
	inject_expect(b, na->last_tx[0][PTP_MSG_ANNOUNCE],
		      na->last_tx_len[0][PTP_MSG_ANNOUNCE], 4, 1,
		      BC_DROP_WRONG_DOMAIN);
	inject_expect(b, na->last_tx[0][PTP_MSG_SYNC],
		      na->last_tx_len[0][PTP_MSG_SYNC], 4, 127,
		      BC_DROP_WRONG_DOMAIN);
	/* our own messages looped back */
	inject_expect(b, nb->last_tx[0][PTP_MSG_DELAY_REQ],
		      nb->last_tx_len[0][PTP_MSG_DELAY_REQ], -1, 0,
		      BC_DROP_FROM_SELF);
	inject_expect(a, na->last_tx[0][PTP_MSG_FOLLOW_UP],
		      na->last_tx_len[0][PTP_MSG_FOLLOW_UP], -1, 0,
		      BC_DROP_FROM_SELF);
	/* stepsRemoved 255 >= maxStepsRemoved 255: not qualified */
	len = net_build_announce(buf, sizeof(buf), net_pid(0xEE, 1), 0xEE, 1,
				 255, 1, NULL, 0);
	inject_expect(b, buf, (size_t)len, -1, 0, BC_DROP_NOT_QUALIFIED);
	/* 254 is fine */
	len = net_build_announce(buf, sizeof(buf), net_pid(0xEE, 1), 0xEE, 1,
				 254, 2, NULL, 0);
	assert_int_equal(net_inject(&net, b, 0, buf, (size_t)len), 0);
	/* alternateMasterFlag set: not qualified (9.3.2.5) */
	buf[6] |= 0x01;
	inject_expect(b, buf, (size_t)len, -1, 0, BC_DROP_NOT_QUALIFIED);
	/* sdoId mismatch */
	inject_expect(b, na->last_tx[0][PTP_MSG_ANNOUNCE],
		      na->last_tx_len[0][PTP_MSG_ANNOUNCE], 0, 0x1B,
		      BC_DROP_WRONG_SDO);
	inject_expect(b, na->last_tx[0][PTP_MSG_ANNOUNCE],
		      na->last_tx_len[0][PTP_MSG_ANNOUNCE], 5, 3,
		      BC_DROP_WRONG_SDO);
	/* a Delay_Req reaching a slave port */
	inject_expect(b, nb->last_tx[0][PTP_MSG_DELAY_REQ],
		      nb->last_tx_len[0][PTP_MSG_DELAY_REQ], 27, 0x99,
		      BC_DROP_WRONG_STATE);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	net_assert_pid(&bc_parent_ds(net.n[b].bc)->parent_port_identity,
		       0xA, 1);
}

/* An Announce whose PATH_TRACE holds our identity is refused; the same
 * Announce without it would win. */
static void test_path_trace_loop(void **state)
{
	struct clock_identity path[2] = { net_cid(0x05), net_cid(0xB) };
	uint8_t buf[256];
	int a, b, len;

	(void)state;
	two_clocks(&a, &b);
	net_start(&net);
	net_run(&net, 30 * SEC);
	for (int i = 0; i < 3; i++) {
		len = net_build_announce(buf, sizeof(buf), net_pid(0x05, 1),
					 0x05, 1, 0, (uint16_t)i, path, 2);
		inject_expect(b, buf, (size_t)len, -1, 0,
			      BC_DROP_NOT_QUALIFIED);
		net_run(&net, SEC);
	}
	net_assert_pid(&bc_parent_ds(net.n[b].bc)->parent_port_identity,
		       0xA, 1);
	for (int i = 0; i < 2; i++) {
		len = net_build_announce(buf, sizeof(buf), net_pid(0x05, 1),
					 0x05, 1, 0, (uint16_t)(10 + i), path,
					 1);
		assert_int_equal(net_inject(&net, b, 0, buf, (size_t)len), 0);
		net_run(&net, SEC);
	}
	net_assert_pid(&bc_parent_ds(net.n[b].bc)->parent_port_identity,
		       0x05, 1);
	(void)a;
}

/* ---- TX timestamps ---- */

static void test_tx_ts_timeout(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	const struct bc_port_counters *cnt;
	const struct net_state_rec *last;
	int a, seg = 0;
	int64_t t_fault;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.fault_reset_interval = 2; /* 4 s */
	a = net_add(&net, &cc, &pc, 1, &seg, 0);
	net.n[a].no_tx_ts = true;
	net_start(&net);
	/* MASTER sends its first Sync at once; 10 ms later: FAULTY */
	t_fault = NET_RUN_UNTIL(&net, net_state(&net, a, 0) == PS_FAULTY,
				10 * SEC);
	last = &net.n[a].states[net.n[a].nstates - 1];
	assert_int_equal(last->from, PS_MASTER);
	assert_int_equal(last->ev, BC_EV_FAULT_DETECTED);
	assert_int_equal(last[-1].to, PS_MASTER);
	assert_int_equal(last->at - last[-1].at, 10 * MS);
	cnt = bc_port_counters(net.n[a].bc, 0);
	assert_int_equal(cnt->tx_ts_timeouts, 1);
	assert_int_equal(cnt->faults, 1);
	assert_true(net.n[a].timer[0][BC_TMR_FAULT_RESET] > t_fault - SEC);
	assert_true(net.n[a].timer[0][BC_TMR_FAULT_RESET] <= t_fault + 4 * SEC);
	/* the fault clears after fault_reset_interval */
	net.n[a].no_tx_ts = false;
	net_run(&net, 4 * SEC - 200 * MS);
	assert_int_equal(net_state(&net, a, 0), PS_FAULTY);
	NET_RUN_UNTIL(&net, net_state(&net, a, 0) == PS_LISTENING, 500 * MS);
	NET_RUN_UNTIL(&net, net_state(&net, a, 0) == PS_MASTER, 10 * SEC);
	net_run(&net, 20 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(cnt->tx_ts_timeouts, 1);
	assert_true(net.n[a].tx_count[0][PTP_MSG_FOLLOW_UP] >= 19);
}

/* A link flap while a TX timestamp is outstanding: that timestamp is lost
 * with the link and must not fault the port after it comes back. */
static void test_link_flap_pending_tx_ts(void **state)
{
	struct bc_actions act;
	int a;

	(void)state;
	a = net_add_simple(&net, 0xA, 100, 0, 0);
	net_start(&net);
	NET_RUN_UNTIL(&net, net_state(&net, a, 0) == PS_MASTER, 10 * SEC);
	net_run(&net, 2 * SEC);
	net.n[a].no_tx_ts = true;
	assert_true(net_run_until_tx(&net, a, 0, PTP_MSG_SYNC, 2 * SEC));
	bc_actions_init(&act);
	assert_int_equal(bc_port_link(net.n[a].bc, 0, false, net.now, &act),
			 0);
	net_actions(&net, a, &act);
	net_decide(&net);
	assert_int_equal(net_state(&net, a, 0), PS_FAULTY);
	net.n[a].no_tx_ts = false;
	net_run(&net, SEC);
	bc_actions_init(&act);
	assert_int_equal(bc_port_link(net.n[a].bc, 0, true, net.now, &act), 0);
	net_actions(&net, a, &act);
	net_decide(&net);
	assert_int_equal(net_state(&net, a, 0), PS_LISTENING);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->tx_ts_timeouts, 0);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->faults, 0);
}

/* A fault while a TX timestamp is outstanding (send error): same. */
static void test_fault_pending_tx_ts(void **state)
{
	struct bc_actions act;
	struct bc_port_cfg pc;
	struct bc_clock_cfg cc;
	int a, seg = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.fault_reset_interval = -128; /* at once */
	a = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_start(&net);
	NET_RUN_UNTIL(&net, net_state(&net, a, 0) == PS_MASTER, 10 * SEC);
	net.n[a].no_tx_ts = true;
	assert_true(net_run_until_tx(&net, a, 0, PTP_MSG_SYNC, 2 * SEC));
	bc_actions_init(&act);
	assert_int_equal(bc_port_fault(net.n[a].bc, 0, net.now, &act), 0);
	net_actions(&net, a, &act);
	net.n[a].no_tx_ts = false;
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->tx_ts_timeouts, 0);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->faults, 1);
}

/* ---- reordering ---- */

static void test_follow_up_before_sync(void **state)
{
	int a, b;

	(void)state;
	two_clocks(&a, &b);
	net.n[b].hold[PTP_MSG_SYNC] = 1 * MS; /* socket order: FUP first */
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(net.n[b].nsamples >= 10);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	assert_int_equal(net_drops(&net, b, 0, BC_DROP_SEQ_MISMATCH), 0);
}

/* check_fup_sync: a Follow_Up ahead of its Sync is refused. */
static void test_follow_up_before_sync_checked(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, seg = 0;

	(void)state;
	a = net_add_simple(&net, 0xA, 100, 0, OFF_A);
	net_clock_cfg(&cc, 0xB, 200);
	cc.check_fup_sync = true;
	net_port_cfgs(&pc, 1);
	b = net_add(&net, &cc, &pc, 1, &seg, OFF_B);
	net.n[b].hold[PTP_MSG_SYNC] = 1 * MS;
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_int_equal(net.n[b].nsamples, 0);
	assert_true(net_drops(&net, b, 0, BC_DROP_SEQ_MISMATCH) >= 10);
	(void)a;
}

static void test_delay_resp_before_tx_ts(void **state)
{
	int a, b;

	(void)state;
	two_clocks(&a, &b);
	net.n[b].tx_ts_delay = 5 * MS; /* > the 20 us round trip */
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(net.n[b].nsamples >= 10);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->tx_ts_timeouts, 0);
}

/* A path longer than the Delay_Req interval: 100 ms each way, a
 * Delay_Req every 62.5 ms on average (the master's
 * logMinDelayReqInterval -4), so that several are in flight at once.
 * Each Delay_Resp is matched to its own request by sequenceId: every
 * sample is exact and no answer is dropped.  (With one request in flight,
 * every answer but the last request's was a sequence mismatch and the
 * path delay froze at its first value.) */
static void test_delay_reqs_in_flight(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, seg = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.log_min_delay_req_interval = -4;
	a = net_add(&net, &cc, &pc, 1, &seg, OFF_A);
	b = net_add_simple(&net, 0xB, 200, 0, OFF_B);
	net.delay = 100 * MS;
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(net.n[b].nsamples >= 20);
	assert_true(net.n[b].ndelay_samples >= 400);
	for (int i = 0; i < net.n[b].nsamples; i++) {
		const struct bc_sample *s = &net.n[b].samples[i].s;

		assert_int_equal(s->offset_ns, OFF_B - OFF_A);
		assert_int_equal(s->path_delay_ns, 100 * MS);
	}
	assert_int_equal(net_drops(&net, b, 0, BC_DROP_SEQ_MISMATCH), 0);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->tx_ts_timeouts, 0);
	(void)a;
}

/* A slave 100 ppm fast: the path delay is still exact.  Pairing a
 * Delay_Req with the last Sync before it (0.5-1.5 s earlier) would bias it
 * by 100e-6 x that gap / 2, i.e. 25-75 us; interpolating the master->slave
 * delay to t3 between the Syncs around it removes the bias (up to the
 * rounding of the interpolation). */
static void test_delay_unbiased_by_frequency_error(void **state)
{
	int a, b, checked = 0;

	(void)state;
	two_clocks(&a, &b);
	net.n[b].ppb = 100000;
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(net.n[b].nsamples >= 20);
	for (int i = 0; i < net.n[b].nsamples; i++) {
		const struct bc_sample *s = &net.n[b].samples[i].s;

		assert_true(llabs(s->raw_delay_ns - NET_DELAY) <= 2);
		assert_true(llabs(s->path_delay_ns - NET_DELAY) <= 2);
		checked++;
	}
	assert_true(checked >= 20);
	(void)a;
}

/* Every finished Delay_Req exchange also measures the offset, at t3:
 * (meanPathDelay - delayAsymmetry) - (t4 - t3 - c2). */
static void test_delay_direction_samples(void **state)
{
	const struct bc_sample *s;
	int a, b;

	(void)state;
	two_clocks(&a, &b);
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net.n[b].ndelay_samples >= 10);
	s = &net.n[b].last_delay_sample.s;
	assert_int_equal(s->kind, BC_SAMPLE_DELAY);
	assert_int_equal(s->offset_ns, OFF_B - OFF_A);
	assert_int_equal(s->one_way_ns, NET_DELAY - (OFF_B - OFF_A));
	assert_int_equal(s->path_delay_ns, NET_DELAY);
	/* t3 on B's clock, t4 on A's */
	assert_int_equal(s->origin.ns - s->ingress.ns, s->one_way_ns);
	/* the Sync samples are unchanged */
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	assert_int_equal(net.n[b].samples[0].s.kind, BC_SAMPLE_SYNC);
	(void)a;
}

/* The discipline asks clock c's port 0 for a Delay_Req at at_ns. */
static int delay_req_at(int c, int64_t at_ns, struct bc_actions *act)
{
	bc_actions_init(act);
	return bc_port_delay_req_at(net.n[c].bc, 0, at_ns, net.now, act);
}

/* The Delay_Req sends and DELAY_REQ_TX arms in act; *at: the last arm. */
static void count_delay_req(const struct bc_actions *act, int *sends,
			    int *arms, int64_t *at)
{
	*sends = *arms = 0;
	for (int i = 0; i < act->n; i++) {
		const struct bc_action *x = &act->a[i];

		if (x->type == BC_ACT_SEND_EVENT &&
		    x->u.send.msg_type == PTP_MSG_DELAY_REQ)
			(*sends)++;
		if (x->type == BC_ACT_TIMER_ARM &&
		    x->u.timer.timer == BC_TMR_DELAY_REQ_TX) {
			(*arms)++;
			*at = x->u.timer.at_ns;
		}
	}
}

/* The discipline asks for a Delay_Req (bc_port_delay_req_at).  At once:
 * a slave port with none outstanding sends one and draws its timer
 * afresh (0 .. 2 intervals from now); with one outstanding it refuses.
 * Later: the timer moves there and nothing is sent now; the Delay_Req
 * goes when it fires; beyond 2 intervals is refused.  Each granted
 * request counts.  A master port, a port with Delay_Req inhibited and a
 * bad port refuse and send nothing.  The exchanges complete as any. */
static void test_delay_req_at(void **state)
{
	struct bc_actions act;
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, c, seg = 0, sends, arms, nd;
	int64_t at = 0, iv;
	uint64_t n;

	(void)state;
	two_clocks(&a, &b);
	net_clock_cfg(&cc, 0xC, 210);
	net_port_cfgs(&pc, 1);
	pc.inhibit_delay_req = true;
	c = net_add(&net, &cc, &pc, 1, &seg, 7 * MS);
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(net_is_slave_state(net_state(&net, c, 0)));
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	iv = tmv_log_interval_ns(
		bc_port_ds(net.n[b].bc, 0)->log_min_delay_req_interval);
	/* between two exchanges: none outstanding */
	assert_true(net_run_until_tx(&net, b, 0, PTP_MSG_DELAY_REQ, 10 * SEC));
	net_run(&net, 1 * MS);
	nd = net.n[b].ndelay_samples;
	assert_int_equal(delay_req_at(b, net.now, &act), 0);
	count_delay_req(&act, &sends, &arms, &at);
	assert_int_equal(sends, 1);
	assert_int_equal(arms, 1);
	assert_true(at >= net.now && at <= net.now + 2 * iv);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->delay_req_asked, 1);
	net_actions(&net, b, &act);
	assert_true(net.n[b].timer[0][BC_TMR_DELAY_REQ_TX] == at);
	/* outstanding: refused, nothing sent */
	assert_int_equal(delay_req_at(b, net.now - 1, &act), -EBUSY);
	assert_int_equal(act.n, 0);
	/* its answer makes a sample as any exchange's */
	net_run(&net, 1 * MS);
	assert_int_equal(net.n[b].ndelay_samples, nd + 1);
	assert_int_equal(net.n[b].last_delay_sample.s.offset_ns, OFF_B - OFF_A);
	/* later: the timer moves, the Delay_Req goes then */
	n = net.n[b].tx_count[0][PTP_MSG_DELAY_REQ];
	assert_int_equal(delay_req_at(b, net.now + 300 * MS, &act), 0);
	count_delay_req(&act, &sends, &arms, &at);
	assert_int_equal(sends, 0);
	assert_int_equal(arms, 1);
	assert_true(at == net.now + 300 * MS);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->delay_req_asked, 2);
	net_actions(&net, b, &act);
	assert_true(net_run_until_tx(&net, b, 0, PTP_MSG_DELAY_REQ, 1 * SEC));
	assert_true(net.now == at);
	assert_true(net.n[b].tx_count[0][PTP_MSG_DELAY_REQ] == n + 1);
	assert_int_equal(delay_req_at(b, net.now + 2 * iv + 1, &act), -ERANGE);
	assert_int_equal(act.n, 0);
	/* not a slave, inhibited, no such port */
	assert_int_equal(delay_req_at(a, net.now, &act), -ENOTCONN);
	assert_int_equal(act.n, 0);
	assert_int_equal(delay_req_at(c, net.now, &act), -EOPNOTSUPP);
	assert_int_equal(act.n, 0);
	assert_int_equal(delay_req_at(c, net.now + MS, &act), -EOPNOTSUPP);
	assert_int_equal(bc_port_delay_req_at(net.n[b].bc, 1, net.now, net.now,
					      &act),
			 -EINVAL);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->delay_req_asked, 2);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->delay_req_asked, 0);
	assert_int_equal(bc_port_counters(net.n[c].bc, 0)->delay_req_asked, 0);
	assert_int_equal(net.n[c].tx_count[0][PTP_MSG_DELAY_REQ], 0);
	net_run(&net, 10 * SEC);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
}

/* ptp4l's ranges allow logAnnounceInterval 127 with announceReceiptTimeout
 * 255: every deadline still lies ahead, none wraps around int64 (and so
 * fires at once). */
static void test_extreme_intervals(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct bc_actions a;
	struct bc *bc;
	const int64_t now = 1000 * SEC;
	int arms = 0;

	(void)state;
	net_clock_cfg(&cc, 0xE, 128);
	net_port_cfgs(&pc, 1);
	pc.log_announce_interval = 127;
	pc.log_sync_interval = 127;
	pc.log_min_delay_req_interval = 127;
	pc.announce_receipt_timeout = 255;
	pc.fault_reset_interval = 127;
	assert_int_equal(bc_create(&bc, &cc, &pc, 1), 0);
	bc_actions_init(&a);
	assert_int_equal(bc_start(bc, now, &a), 0);
	assert_int_equal(bc_port_fault(bc, 0, now, &a), 0);
	assert_int_equal(bc_port_timer(bc, 0, BC_TMR_FAULT_RESET, now, &a), 0);
	for (int i = 0; i < a.n; i++) {
		if (a.a[i].type != BC_ACT_TIMER_ARM)
			continue;
		assert_true(a.a[i].u.timer.at_ns > now);
		arms++;
	}
	assert_true(arms >= 3);
	bc_destroy(bc);
}

/* ---- clock steps ---- */

/* Step B's clock right after it receives (or sends) a message of `type`.
 * Timestamps the core already holds are moved by the step, not thrown
 * away: every later sample has the new offset and the unchanged path
 * delay at once, and when the step falls between a Sync and its
 * Follow_Up, that Sync still gives the first sample after the step (its
 * ingress time, moved into the new timescale, is not after the step). */
static void run_step_test(bool on_tx, uint8_t type, bool inflight_sync)
{
	const int64_t step = 400 * 1000 + 3;
	int a, b, n0, after = 0;

	two_clocks(&a, &b);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(net.n[b].nsamples > 5);
	net.step.c = b;
	net.step.tx = on_tx;
	net.step.type = type;
	net.step.step_ns = step;
	n0 = net.n[b].nsamples;
	net_run(&net, 20 * SEC);
	assert_true(net.step.done_at > 0);
	assert_int_equal(bc_clock_counters(net.n[b].bc)->clock_steps, 1);
	for (int i = n0; i < net.n[b].nsamples; i++) {
		const struct net_sample *s = &net.n[b].samples[i];

		if (s->at < net.step.done_at) {
			assert_int_equal(s->s.offset_ns, OFF_B - OFF_A);
			continue;
		}
		assert_int_equal(s->s.offset_ns, OFF_B + step - OFF_A);
		assert_int_equal(s->s.path_delay_ns, NET_DELAY);
		assert_int_equal(s->s.raw_delay_ns, NET_DELAY);
		if (after++ == 0 && inflight_sync)
			assert_true(s->s.ingress.ns <=
				    net.step.done_at + OFF_B + step);
	}
	assert_true(after >= 10); /* samples resumed */
	(void)a;
}

static void test_step_between_sync_and_follow_up(void **state)
{
	(void)state;
	run_step_test(false, PTP_MSG_SYNC, true);
}

static void test_step_during_delay_req(void **state)
{
	(void)state;
	run_step_test(true, PTP_MSG_DELAY_REQ, false);
}

/* ---- UTC and TAI ---- */

static void test_utc_slave_of_tai_master(void **state)
{
	const struct time_properties_ds *tp;
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, seg = 0;
	const int64_t off_a = 37 * SEC + 1 * MS, off_b = -2 * MS;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	cc.utc_offset_valid = true;
	net_port_cfgs(&pc, 1);
	a = net_add(&net, &cc, &pc, 1, &seg, off_a); /* PHC on TAI */
	net_clock_cfg(&cc, 0xB, 200);
	cc.gm_clock_is_utc = true;
	pc.clock_is_utc = true;
	b = net_add(&net, &cc, &pc, 1, &seg, off_b); /* system clock, UTC */
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	tp = bc_time_properties_ds(net.n[b].bc);
	assert_true(tp->ptp_timescale);
	assert_true(tp->current_utc_offset_valid);
	assert_int_equal(tp->current_utc_offset, 37);
	net_assert_samples(&net, b, 0, off_b - (off_a - 37 * SEC));
	(void)a;
}

static void test_utc_grandmaster(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct ptp_msg m;
	int a, b, seg = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	cc.gm_clock_is_utc = true;
	cc.utc_offset_valid = true;
	net_port_cfgs(&pc, 1);
	pc.clock_is_utc = true;
	a = net_add(&net, &cc, &pc, 1, &seg, OFF_A);
	net_clock_cfg(&cc, 0xB, 200);
	cc.gm_clock_is_utc = true;
	b = net_add(&net, &cc, &pc, 1, &seg, OFF_B);
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_false(bc_time_properties_ds(net.n[a].bc)->ptp_timescale);
	net_last_msg(&net, a, 0, PTP_MSG_ANNOUNCE, &m);
	assert_int_equal(m.hdr.flags & PTP_FLAG_PTP_TIMESCALE, 0);
	assert_int_equal(m.body.announce.current_utc_offset, 37);
	/* UTC to UTC: no conversion anywhere */
	assert_false(bc_time_properties_ds(net.n[b].bc)->ptp_timescale);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	/* and the Follow_Up carries the UTC clock's own time */
	net_last_msg(&net, a, 0, PTP_MSG_FOLLOW_UP, &m);
	assert_true(m.body.follow_up.precise_origin_timestamp.seconds <
		    (uint64_t)((net.now + OFF_A) / SEC + 1));
	assert_true(m.body.follow_up.precise_origin_timestamp.seconds >
		    (uint64_t)((net.now + OFF_A) / SEC - 3));
}

/*
 * A leap61 from the grandmaster: a PHC on TAI announces it; the slave's
 * port is stamped by a UTC clock with the leap latched (the executor's
 * job in the daemon).  The slave's clock here does not insert the second
 * (no kernel in this harness), so the conversion shows as a 1 s jump of
 * its offsets at the leap's instant, exactly; the Syncs within a second
 * of it are dropped (leap_second_window).  2016-12-31 ended with one (TAI
 * - UTC 36 -> 37); the run starts 60 s before it.
 */
#define M2017 1483228800LL /* 2017-01-01T00:00:00Z */
static void test_leap_second_slave(void **state)
{
	const int64_t off_a = (M2017 + 36 - 60) * SEC - T0, off_b = off_a - 36 * SEC + 5 * MS;
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct leap_latch l;
	int a, b, seg = 0, first_after = -1;
	int64_t tl;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	cc.utc_offset = 36;
	cc.utc_offset_valid = true;
	net_port_cfgs(&pc, 1);
	a = net_add(&net, &cc, &pc, 1, &seg, off_a);
	assert_int_equal(bc_set_gm_utc(net.n[a].bc, 36, 1), 0);
	net_clock_cfg(&cc, 0xB, 200);
	pc.clock_is_utc = true;
	b = net_add(&net, &cc, &pc, 1, &seg, off_b);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(bc_time_properties_ds(net.n[b].bc)->leap61);
	assert_int_equal(bc_utc_offset(net.n[b].bc), 36);
	leap_latch_set(&l, 1, 36, net_local(&net, a, net.now));
	bc_set_leap(net.n[b].bc, &l);
	tl = l.tai_s * SEC - off_a; /* the leap's true time */
	assert_int_equal(l.tai_s, M2017 + 36);
	net_run(&net, 40 * SEC);
	for (int i = 0; i < net.n[b].nsamples; i++) {
		const struct net_sample *x = &net.n[b].samples[i];
		int64_t want = off_b - (off_a - 36 * SEC);

		/* a sample from a Sync sent after the leap (one wire delay
		 * before it arrives): the new offset */
		if (x->at - NET_DELAY >= tl) {
			want += SEC; /* B did not insert it: 1 s ahead */
			if (first_after < 0)
				first_after = i;
		}
		assert_int_equal(x->s.offset_ns, want);
		assert_false(x->at - NET_DELAY > tl - SEC &&
			     x->at - NET_DELAY < tl + SEC);
	}
	assert_true(first_after > 0);
	assert_true(net_drops(&net, b, 0, BC_DROP_LEAP_WINDOW) >= 1);
	assert_int_equal(bc_utc_offset_at(net.n[b].bc, tl + off_a + SEC), 37);
	(void)a;
}

/* A master port on a UTC clock with a leap61 latched sends no Follow_Up
 * for the Sync it stamped in the second the kernel repeats. */
static void test_leap_second_utc_master(void **state)
{
	const int64_t off_a = (M2017 - 30) * SEC - T0; /* UTC, 30 s before */
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct leap_latch l;
	uint64_t syncs, fups;
	int a, b, seg = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	cc.utc_offset = 36;
	cc.utc_offset_valid = true;
	net_port_cfgs(&pc, 1);
	pc.clock_is_utc = true;
	a = net_add(&net, &cc, &pc, 1, &seg, off_a);
	net_clock_cfg(&cc, 0xB, 200);
	net_port_cfgs(&pc, 1);
	b = net_add(&net, &cc, &pc, 1, &seg, off_a + 36 * SEC);
	net_start(&net);
	net_run(&net, 20 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_true(bc_time_properties_ds(net.n[a].bc)->ptp_timescale);
	leap_latch_set(&l, 1, 36, (M2017 - 5 + 36) * SEC);
	assert_true(net_local(&net, a, net.now) < (M2017 - 5) * SEC);
	bc_set_leap(net.n[a].bc, &l);
	syncs = net.n[a].tx_count[0][PTP_MSG_SYNC];
	fups = net.n[a].tx_count[0][PTP_MSG_FOLLOW_UP];
	net_run(&net, 10 * SEC);
	/* one Sync a second (its Follow_Up may still be in flight at the
	 * end): exactly one lost its Follow_Up */
	assert_int_equal((net.n[a].tx_count[0][PTP_MSG_SYNC] - syncs) -
				 (net.n[a].tx_count[0][PTP_MSG_FOLLOW_UP] -
				  fups),
			 1);
	(void)b;
}

/* ---- corrections ---- */

/* Each sample exact: offset and path delay as given. */
static void assert_samples_are(int c, int from, int64_t offset, int64_t mpd)
{
	assert_true(net.n[c].nsamples > from);
	for (int i = from; i < net.n[c].nsamples; i++) {
		assert_int_equal(net.n[c].samples[i].s.offset_ns, offset);
		assert_int_equal(net.n[c].samples[i].s.path_delay_ns, mpd);
	}
}

/* Master to slave 2 us slower than back: delayAsymmetry (tms = mean +
 * asymmetry) takes it out of the offset, not out of the mean. */
static void test_delay_asymmetry(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, b2, seg = 0, n0;

	(void)state;
	a = net_add_simple(&net, 0xA, 100, 0, OFF_A);
	b = net_add_simple(&net, 0xB, 200, 0, OFF_B);
	net_clock_cfg(&cc, 0xC, 210);
	net_port_cfgs(&pc, 1);
	pc.delay_asymmetry_ns = 1000;
	b2 = net_add(&net, &cc, &pc, 1, &seg, OFF_B);
	net.n[b].rx_extra = 2000;
	net.n[b2].rx_extra = 2000;
	net_start(&net);
	net_run(&net, 40 * SEC);
	n0 = net.n[b].nsamples - 10;
	/* uncorrected: half the asymmetry shows as offset */
	assert_samples_are(b, n0, OFF_B - OFF_A + 1000, NET_DELAY + 1000);
	n0 = net.n[b2].nsamples - 10;
	assert_samples_are(b2, n0, OFF_B - OFF_A, NET_DELAY + 1000);
	(void)a;
}

/* Timestamps taken late on receive and early on transmit, on both
 * sides, with ingressLatency/egressLatency configured to match. */
static void test_latency_corrections(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int a, b, seg = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.ingress_latency_ns = 300;
	pc.egress_latency_ns = 200;
	a = net_add(&net, &cc, &pc, 1, &seg, OFF_A);
	net.n[a].rx_ts_err = 300;
	net.n[a].tx_ts_err = 200;
	net_clock_cfg(&cc, 0xB, 200);
	pc.ingress_latency_ns = 70;
	pc.egress_latency_ns = 50;
	b = net_add(&net, &cc, &pc, 1, &seg, OFF_B);
	net.n[b].rx_ts_err = 70;
	net.n[b].tx_ts_err = 50;
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_samples_are(b, 0, OFF_B - OFF_A, NET_DELAY);
	(void)a;
}

/* A timer that is not armed (stopped, or never) changes nothing: a slave
 * port must not send Announce or Sync because of a stray expiry. */
static void test_unarmed_timer(void **state)
{
	struct bc_actions act;
	int a, b;

	(void)state;
	two_clocks(&a, &b);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	for (int t = 0; t < BC_TMR_COUNT; t++) {
		if (net.n[b].timer[0][t] >= 0)
			continue;
		bc_actions_init(&act);
		assert_int_equal(bc_port_timer(net.n[b].bc, 0,
					       (enum bc_timer)t, net.now, &act),
				 0);
		assert_int_equal(act.n, 0);
	}
	assert_int_equal(bc_port_timer(net.n[b].bc, 0, BC_TMR_PER_PORT,
				       net.now, &act),
			 -EINVAL);
	assert_int_equal(bc_port_timer(net.n[b].bc, 0, -1, net.now, &act),
			 -EINVAL);
	/* a unicast peer's slot that holds nothing: a stray expiry */
	bc_actions_init(&act);
	assert_int_equal(bc_port_timer(net.n[b].bc, 0,
				       bc_timer_make(BC_MAX_PEERS,
						     BC_TMR_SYNC_TX),
				       net.now, &act),
			 0);
	assert_int_equal(act.n, 0);
	assert_int_equal(bc_port_timer(net.n[b].bc, 1, BC_TMR_SYNC_TX, net.now,
				       &act),
			 -EINVAL);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_int_equal(bc_port_tx_ts(net.n[b].bc, 0, 0xDEAD, tmv_from_ns(1),
				       net.now, &act),
			 -ENOENT);
	(void)a;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stray_messages),
		T(test_drop_reasons),
		T(test_path_trace_loop),
		T(test_tx_ts_timeout),
		T(test_link_flap_pending_tx_ts),
		T(test_fault_pending_tx_ts),
		T(test_follow_up_before_sync),
		T(test_follow_up_before_sync_checked),
		T(test_delay_resp_before_tx_ts),
		T(test_delay_reqs_in_flight),
		T(test_delay_unbiased_by_frequency_error),
		T(test_delay_direction_samples),
		T(test_delay_req_at),
		T(test_extreme_intervals),
		T(test_step_between_sync_and_follow_up),
		T(test_step_during_delay_req),
		T(test_utc_slave_of_tai_master),
		T(test_utc_grandmaster),
		T(test_leap_second_slave),
		T(test_leap_second_utc_master),
		T(test_delay_asymmetry),
		T(test_latency_corrections),
		T(test_unarmed_timer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
