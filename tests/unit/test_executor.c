/* tests/unit/test_executor.c — carrying out the core's actions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bc/bc.h"
#include "bc/msg.h"
#include "common/log.h"
#include "daemon/executor.h"

static int offset_lines; /* "master offset" lines logged */

static void count_sink(int level, const char *line, void *ctx)
{
	(void)level;
	(void)ctx;
	if (strstr(line, "master offset"))
		offset_lines++;
}

/* ---- a fake clock that records adjustments ---- */
struct fake_clock {
	struct hwclock hw;
	double freq;
	int64_t stepped;
	int adjfreq_calls, step_calls;
};

static int fc_gettime(struct hwclock *c, int64_t *ns, int64_t *pre,
		      int64_t *post)
{
	(void)c;
	*ns = 0;
	if (pre)
		*pre = 0;
	if (post)
		*post = 0;
	return 0;
}

static int fc_adjfreq(struct hwclock *c, double ppb)
{
	struct fake_clock *f = (struct fake_clock *)c;

	f->freq = ppb;
	f->adjfreq_calls++;
	return 0;
}

static int fc_getfreq(struct hwclock *c, double *ppb)
{
	*ppb = ((struct fake_clock *)c)->freq;
	return 0;
}

static int fc_step(struct hwclock *c, int64_t d)
{
	struct fake_clock *f = (struct fake_clock *)c;

	f->stepped += d;
	f->step_calls++;
	return 0;
}

static const struct hwclock_ops fc_ops = {
	.gettime = fc_gettime,
	.adjfreq = fc_adjfreq,
	.getfreq = fc_getfreq,
	.step = fc_step,
};

/* ---- a fake platform ---- */
struct fake_plat {
	int sends, events, timer_arms, timer_stops;
	int delay_reqs; /* Delay_Req messages sent */
	int delay_req_arms; /* DELAY_REQ_TX timers armed */
	int64_t delay_req_at; /* the last one's time */
	int send_result;
	uint32_t last_token;
	int samples, states;
};

static int fp_send(void *ctx, int port, bool event, enum bc_dest dest,
		   const struct bc_addr *addr, const uint8_t *buf, size_t len,
		   uint32_t token)
{
	struct fake_plat *p = ctx;

	(void)port;
	(void)dest;
	(void)addr;
	assert_non_null(buf);
	assert_true(len >= 34);
	p->sends++;
	if ((buf[0] & 0x0F) == PTP_MSG_DELAY_REQ)
		p->delay_reqs++;
	if (event) {
		p->events++;
		p->last_token = token;
	}
	return p->send_result;
}

static void fp_arm(void *ctx, int port, int t, int64_t at)
{
	struct fake_plat *p = ctx;

	(void)port;
	p->timer_arms++;
	if (t == BC_TMR_DELAY_REQ_TX) {
		p->delay_req_arms++;
		p->delay_req_at = at;
	}
}

static void fp_stop(void *ctx, int port, int t)
{
	(void)port;
	(void)t;
	((struct fake_plat *)ctx)->timer_stops++;
}

static void fp_sample(void *ctx, int port, const struct bc_sample *s,
		      const struct disc_result *r)
{
	(void)port;
	(void)s;
	(void)r;
	((struct fake_plat *)ctx)->samples++;
}

static void fp_state(void *ctx, int port, enum port_state from,
		     enum port_state to, enum bc_event ev)
{
	(void)port;
	(void)from;
	(void)to;
	(void)ev;
	((struct fake_plat *)ctx)->states++;
}

struct fixture {
	struct bc *bc;
	struct clockset cs;
	struct disc *disc;
	struct fake_clock clk;
	struct fake_plat plat;
	struct exec ex;
};

static struct fixture fx;

/* The fixture's one clock in a clock set, with a discipline of dc. */
static void fx_clocks(const struct disc_cfg *dc)
{
	cs_stop(&fx.cs);
	cs_init(&fx.cs, &(struct cs_cfg){ .ref = *dc, .follow = *dc });
	assert_int_equal(cs_add(&fx.cs, &fx.clk.hw, true), 0);
	assert_int_equal(cs_bind_port(&fx.cs, 0, 0), 0);
	assert_int_equal(cs_start(&fx.cs), 0);
	fx.disc = fx.cs.c[0].disc;
}

static int setup(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct disc_cfg dc;
	struct exec_platform plat = {
		.ctx = &fx.plat,
		.send = fp_send,
		.timer_arm = fp_arm,
		.timer_stop = fp_stop,
		.on_sample = fp_sample,
		.on_state = fp_state,
	};

	(void)state;
	memset(&fx, 0, sizeof(fx));
	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 0x02;
	cc.clock_identity.id[7] = 0x01;
	bc_port_cfg_default(&pc, "veth0");
	assert_int_equal(bc_create(&fx.bc, &cc, &pc, 1), 0);
	fx.clk.hw.ops = &fc_ops;
	fx.clk.hw.max_adj_ppb = 1e6;
	disc_cfg_default(&dc);
	fx_clocks(&dc);
	exec_init(&fx.ex, fx.bc, &fx.cs, &plat, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_stop(&fx.cs);
	bc_destroy(fx.bc);
	return 0;
}

/* start: INITIALIZING -> LISTENING, announce receipt timer armed */
static void test_start(void **state)
{
	(void)state;
	exec_start(&fx.ex, 1000);
	assert_int_equal(bc_port_ds(fx.bc, 0)->port_state, PS_LISTENING);
	assert_int_equal(fx.plat.states, 1);
	assert_true(fx.plat.timer_arms >= 1);
	assert_int_equal(fx.plat.sends, 0);
}

/* the announce timeout makes a lone clock master: announce and two-step
 * sync go out, the sync with a token */
static void test_master_sends(void **state)
{
	int64_t now = 1000;

	(void)state;
	exec_start(&fx.ex, now);
	now += 10 * NS_PER_SEC;
	exec_timer(&fx.ex, 0, BC_TMR_ANNOUNCE_RX, now);
	assert_int_equal(bc_port_ds(fx.bc, 0)->port_state, PS_MASTER);
	exec_state_decision(&fx.ex, now);
	exec_timer(&fx.ex, 0, BC_TMR_ANNOUNCE_TX, now);
	exec_timer(&fx.ex, 0, BC_TMR_SYNC_TX, now);
	assert_int_equal(fx.plat.events, 1);
	assert_true(fx.plat.sends >= 2);
	assert_true(fx.plat.last_token != 0);
	/* its TX timestamp yields a Follow_Up */
	int before = fx.plat.sends;

	assert_int_equal(exec_tx_ts(&fx.ex, 0, fx.plat.last_token,
				    tmv_from_ns(5 * NS_PER_SEC), now), 0);
	assert_int_equal(fx.plat.sends, before + 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->tx[PTP_MSG_FOLLOW_UP], 1);
}

/* a failing send is a port fault, a full socket buffer (EAGAIN) too:
 * nothing waits for the TX timestamp of a Sync that never left */
static void send_error_faults(int err)
{
	int64_t now = 1000;

	exec_start(&fx.ex, now);
	now += 10 * NS_PER_SEC;
	exec_timer(&fx.ex, 0, BC_TMR_ANNOUNCE_RX, now);
	fx.plat.send_result = err;
	exec_timer(&fx.ex, 0, BC_TMR_SYNC_TX, now);
	assert_int_equal(bc_port_ds(fx.bc, 0)->port_state, PS_FAULTY);
	assert_true(fx.ex.send_errors >= 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->faults, 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->tx_ts_timeouts, 0);
	/* why, for the status */
	assert_int_equal(bc_port_status(fx.bc, 0)->fault, BC_FAULT_SEND);
	assert_int_equal(bc_port_status(fx.bc, 0)->fault_errno, -err);
	assert_int_equal(bc_port_status(fx.bc, 0)->fault_at_ns, now);
}

static void test_send_error_faults(void **state)
{
	(void)state;
	send_error_faults(-100); /* ENETDOWN */
}

static void test_send_eagain_faults(void **state)
{
	(void)state;
	send_error_faults(-11); /* EAGAIN */
}

/* a SAMPLE action reaches the discipline: the second sample with a large
 * offset steps the clock, and the core counts the step */
static void test_sample_steps_clock(void **state)
{
	struct bc_actions acts;
	struct bc_action *a;

	(void)state;
	exec_start(&fx.ex, 0);
	for (int i = 0; i < 2; i++) {
		bc_actions_init(&acts);
		a = &acts.a[acts.n++];
		memset(a, 0, sizeof(*a));
		a->type = BC_ACT_SAMPLE;
		a->port = 0;
		a->u.sample.offset_ns = 5 * NS_PER_MS;
		a->u.sample.path_delay_ns = 1000;
		a->u.sample.ingress = tmv_from_ns((i + 1) * NS_PER_SEC);
		a->u.sample.log_sync_interval = 0;
		exec_run(&fx.ex, &acts, (i + 1) * NS_PER_SEC);
	}
	assert_int_equal(fx.plat.samples, 2);
	assert_int_equal(fx.clk.step_calls, 1);
	assert_true(fx.clk.stepped == -5 * NS_PER_MS);
	assert_int_equal(bc_clock_counters(fx.bc)->clock_steps, 1);
	assert_true(fx.ex.last.valid);
	assert_true(fx.ex.last.offset_ns == 5 * NS_PER_MS);
	assert_true(bc_get_servo_status(fx.bc)->valid);
	assert_int_equal(bc_get_servo_status(fx.bc)->steps, 1);
}

static void run_sample(enum bc_sample_kind kind, int64_t offset,
		       int64_t ingress, int64_t now)
{
	struct bc_actions acts;
	struct bc_action *a;

	bc_actions_init(&acts);
	a = &acts.a[acts.n++];
	memset(a, 0, sizeof(*a));
	a->type = BC_ACT_SAMPLE;
	a->port = 0;
	a->u.sample.kind = kind;
	a->u.sample.offset_ns = offset;
	a->u.sample.path_delay_ns = 1000;
	a->u.sample.raw_delay_ns = 1000;
	a->u.sample.one_way_ns = kind == BC_SAMPLE_SYNC ? 1000 + offset
							 : 1000 - offset;
	a->u.sample.ingress = tmv_from_ns(ingress);
	a->u.sample.log_sync_interval = 0;
	exec_run(&fx.ex, &acts, now);
}

/* The status's window of Sync samples and the servo's times: the first
 * window is shown while it fills, then the last whole one (60 s); the lock
 * and the last state change are the times the servo's state showed
 * them. */
static void test_status_window(void **state)
{
	const struct bc_servo_status *st = bc_get_servo_status(fx.bc);
	int64_t locked_at = 0, changed_at = 0;
	int prev = -1;

	(void)state;
	exec_start(&fx.ex, 0);
	for (int i = 1; i <= 70; i++) {
		int64_t now = i * NS_PER_SEC;

		run_sample(BC_SAMPLE_SYNC, i % 2 ? 100 : -100, now, now);
		if (st->state != prev)
			changed_at = now;
		if (st->state == SERVO_LOCKED && !locked_at)
			locked_at = now;
		prev = st->state;
		if (i == 10) { /* the first window, filling */
			assert_int_equal(st->win.n, 10);
			assert_false(st->win.complete);
			assert_int_equal(st->win.span_ns, 9 * NS_PER_SEC);
		}
	}
	assert_true(locked_at > 0);
	assert_int_equal(st->locked_since_ns, locked_at);
	assert_int_equal(st->state_since_ns, changed_at);
	/* samples 1..61 (61 - 1 >= 60 s): the whole window, until the next */
	assert_int_equal(st->win.n, 61);
	assert_true(st->win.complete);
	assert_int_equal(st->win.span_ns, 60 * NS_PER_SEC);
	assert_true(st->win.offset_rms_ns == 100.0);
	assert_true(st->win.offset_max_ns == 100.0);
	assert_true(st->win.delay_mean_ns == 1000.0);
	assert_true(st->win.delay_max_ns == 1000.0);
	assert_true(st->win.delay_stddev_ns == 0.0);
}

/* A DELAY sample (Delay_Req direction) with the linuxptp baseline (PI,
 * the fixture's discipline): dropped, nothing happens.  With the Kalman
 * servo and the measurement filter it reaches the servo: its verdict (a
 * step here) is applied and told to the core, but the observers, the
 * last Sync's record and the log line stay with the Sync samples. */
static void test_delay_sample(void **state)
{
	struct disc_cfg dc;

	(void)state;
	offset_lines = 0;
	cm_log_set_sink(count_sink, NULL);
	cm_log_set_level(CM_LOG_INFO);
	exec_start(&fx.ex, 0);
	run_sample(BC_SAMPLE_SYNC, 5 * NS_PER_MS, NS_PER_SEC, NS_PER_SEC);
	run_sample(BC_SAMPLE_DELAY, 5 * NS_PER_MS, 3 * NS_PER_SEC / 2,
		   3 * NS_PER_SEC / 2);
	assert_int_equal(fx.plat.samples, 1);
	assert_int_equal(fx.clk.step_calls, 0);
	assert_int_equal(fx.clk.adjfreq_calls, 0);
	assert_int_equal(bc_get_servo_status(fx.bc)->steps, 0);

	disc_cfg_default(&dc);
	dc.servo_type = SERVO_KALMAN;
	dc.psel.mode = PSEL_SELECT;
	fx_clocks(&dc);
	run_sample(BC_SAMPLE_SYNC, 5 * NS_PER_MS, 2 * NS_PER_SEC,
		   2 * NS_PER_SEC);
	run_sample(BC_SAMPLE_DELAY, 5 * NS_PER_MS, 5 * NS_PER_SEC / 2,
		   5 * NS_PER_SEC / 2);
	assert_int_equal(fx.plat.samples, 2);
	assert_int_equal(fx.clk.step_calls, 1);
	assert_true(fx.clk.stepped == -5 * NS_PER_MS);
	assert_int_equal(bc_clock_counters(fx.bc)->clock_steps, 1);
	assert_int_equal(bc_get_servo_status(fx.bc)->steps, 1);
	assert_int_equal(bc_get_servo_status(fx.bc)->state, SERVO_JUMP);
	assert_true(fx.ex.last.at_ns == 2 * NS_PER_SEC);
	assert_int_equal(offset_lines, 2); /* one per Sync */
	cm_log_set_sink(NULL, NULL);
}

/* ptp4l's rule: summary lines when summary_interval > logSyncInterval */
static void test_summary_mode(void **state)
{
	struct bc_actions acts;
	struct bc_action *a;

	(void)state;
	bc_actions_init(&acts);
	a = &acts.a[acts.n++];
	memset(a, 0, sizeof(*a));
	a->type = BC_ACT_SAMPLE;
	a->u.sample.log_sync_interval = -3;
	a->u.sample.ingress = tmv_from_ns(NS_PER_SEC);
	exec_run(&fx.ex, &acts, NS_PER_SEC);
	assert_true(fx.ex.summary_lines);
	assert_true(exec_summary_period_ns(&fx.ex) == NS_PER_SEC);
	a->u.sample.log_sync_interval = 0;
	exec_run(&fx.ex, &acts, 2 * NS_PER_SEC);
	assert_false(fx.ex.summary_lines);
	assert_true(exec_summary_period_ns(&fx.ex) == 0);
}

/* The fixture's port follows a foreign master: two Announces from it
 * qualify it, the state decision makes the port UNCALIBRATED. */
static void fx_slave(int64_t now)
{
	uint8_t buf[128];
	struct ptp_msg m;
	int len;

	exec_start(&fx.ex, now);
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_ANNOUNCE, 1);
	m.hdr.source_port_identity.clock_identity.id[0] = 0x0A;
	m.hdr.source_port_identity.port_number = 1;
	m.hdr.log_msg_interval = 1;
	m.body.announce.gm_identity.id[0] = 0x0A;
	m.body.announce.gm_priority1 = 1;
	m.body.announce.gm_priority2 = 128;
	m.body.announce.gm_clock_quality.clock_class = 6;
	m.body.announce.gm_clock_quality.clock_accuracy = 0xFE;
	m.body.announce.gm_clock_quality.offset_scaled_log_variance = 0xFFFF;
	for (uint16_t seq = 0; seq < 2; seq++) {
		m.hdr.sequence_id = seq;
		len = msg_pack(&m, buf, sizeof(buf));
		assert_true(len > 0);
		assert_int_equal(exec_rx(&fx.ex, 0, buf, (size_t)len,
					 tmv_from_ns(now), NULL, now),
				 0);
	}
	exec_state_decision(&fx.ex, now);
	assert_int_equal(bc_port_ds(fx.bc, 0)->port_state, PS_UNCALIBRATED);
}

/* A Sync far off (the clock stepped 10 ms from outside) after a settled
 * run of the Kalman servo with the measurement filter: the discipline
 * asks for a Delay_Req, and the executor has the core send it at once on
 * the sample's port (its timer drawn afresh); the Syncs before asked for
 * nothing, and a second far-off Sync before the exchange asks again for
 * nothing.  The exchange, 10 ms off the other way, confirms the step:
 * the servo plans its removal and asks for a Delay_Req at the end of the
 * plan (about half a second: a Sync and an exchange per second), for
 * which the executor has the core move the port's timer. */
static void test_far_sync_sends_delay_req(void **state)
{
	struct disc_cfg dc;
	int64_t t = 10 * NS_PER_SEC;
	int arms;

	(void)state;
	disc_cfg_default(&dc);
	dc.servo_type = SERVO_KALMAN;
	dc.psel.mode = PSEL_SELECT;
	fx.clk.hw.max_adj_ppb = 1e8; /* 10 ms in half a second */
	fx_clocks(&dc);
	fx_slave(t);
	for (int i = 0; i < 60; i++, t += NS_PER_SEC) {
		run_sample(BC_SAMPLE_SYNC, 0, t, t);
		run_sample(BC_SAMPLE_DELAY, 0, t + NS_PER_SEC / 2,
			   t + NS_PER_SEC / 2);
	}
	assert_int_equal(disc_state(fx.disc), SERVO_LOCKED);
	assert_int_equal(fx.plat.delay_reqs, 0);
	assert_int_equal(bc_port_counters(fx.bc, 0)->delay_req_asked, 0);
	arms = fx.plat.delay_req_arms;
	run_sample(BC_SAMPLE_SYNC, 10 * NS_PER_MS, t, t);
	assert_int_equal(fx.plat.delay_reqs, 1);
	assert_int_equal(fx.plat.delay_req_arms, arms + 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->delay_req_asked, 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->tx[PTP_MSG_DELAY_REQ], 1);
	t += NS_PER_SEC;
	run_sample(BC_SAMPLE_SYNC, 10 * NS_PER_MS, t, t);
	assert_int_equal(fx.plat.delay_reqs, 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->delay_req_asked, 1);
	t += 20000;
	arms = fx.plat.delay_req_arms;
	run_sample(BC_SAMPLE_DELAY, 10 * NS_PER_MS, t, t);
	assert_int_equal(fx.plat.delay_req_arms, arms + 1);
	assert_true(fx.plat.delay_req_at > t + NS_PER_SEC / 4 &&
		    fx.plat.delay_req_at < t + NS_PER_SEC);
	assert_int_equal(fx.plat.delay_reqs, 1);
	assert_int_equal(bc_port_counters(fx.bc, 0)->delay_req_asked, 2);
}

static void run_parent(const uint8_t gm_last_byte, bool own)
{
	struct bc_actions acts;
	struct bc_action *a;

	bc_actions_init(&acts);
	a = &acts.a[acts.n++];
	memset(a, 0, sizeof(*a));
	a->type = BC_ACT_PARENT_CHANGED;
	a->port = -1;
	a->u.parent.gm.id[0] = 0x0A;
	a->u.parent.gm.id[7] = gm_last_byte;
	a->u.parent.own = own;
	exec_run(&fx.ex, &acts, NS_PER_SEC);
}

/* Following a different grandmaster re-arms the first step rule (it may
 * keep another time base); the first one, going to holdover (own) and
 * coming back to the same one do not. */
static void test_new_grandmaster_rearms_first_step(void **state)
{
	struct servo *s = disc_servo(fx.disc);

	(void)state;
	s->first_update = false; /* as after a first step */
	run_parent(1, false);
	assert_false(s->first_update);
	run_parent(0, true); /* lost it: our own */
	run_parent(1, false); /* back to the same one */
	assert_false(s->first_update);
	run_parent(2, false); /* another grandmaster */
	assert_true(s->first_update);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_sends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_send_error_faults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_send_eagain_faults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_new_grandmaster_rearms_first_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sample_steps_clock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_status_window, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delay_sample, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_summary_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_far_sync_sends_delay_req,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
