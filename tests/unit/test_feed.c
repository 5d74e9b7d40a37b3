/*
 * tests/unit/test_feed.c — daemon/feed.c: what chronyd and ntpd are fed,
 * and when, on fake clocks with a real core and executor.
 *
 * Clocks: a PHC on TAI 700 ns ahead of true time, read against the
 * system clock exactly (PRECISE), and CLOCK_REALTIME on UTC, 2 ms ahead
 * (UTC offset 37 s).  The sample must say "reference UTC - system" to the
 * nanosecond: (700 - 37 s) - (2 ms - 37 s).  Checked: nothing without a
 * master's time (not grandmaster, an untraceable grandmaster, an unlocked
 * servo), the traceable grandmaster's PHC fed with the leap it
 * announces, holdover, the ARB timescale on a PHC, a failed reading, the
 * second around a leap, CLOCK_REALTIME's own time (circular); and a
 * free-running reference fed with its measured offset from the master
 * (a slave port reached through Announces), carried to the reading with
 * the frequency estimate, which goes stale; a free-running grandmaster's
 * traceable time fed as it reads.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bc/msg.h"
#include "common/log.h"
#include "daemon/clockset.h"
#include "daemon/executor.h"
#include "daemon/feed.h"

#define S 1000000000LL
#define UTC 37

struct fclk {
	struct hwclock hw;
	int64_t off; /* reading - true time */
	int err; /* returned by sys_offset */
};

static int64_t true_now = 1700000000 * S;
static struct fclk phc, sys;

static struct fclk *F(struct hwclock *c)
{
	return (struct fclk *)c;
}

static int f_gettime(struct hwclock *c, int64_t *ns, int64_t *pre,
		     int64_t *post)
{
	*ns = true_now + F(c)->off;
	if (pre)
		*pre = true_now + sys.off;
	if (post)
		*post = true_now + sys.off;
	return 0;
}

static int f_getfreq(struct hwclock *c, double *ppb)
{
	(void)c;
	*ppb = 0.0;
	return 0;
}

static int f_sys_offset(struct hwclock *c, int n, struct hwclock_sysoff *o)
{
	(void)n;
	if (F(c)->err)
		return F(c)->err;
	o->sys_ns = true_now + sys.off;
	o->offset_ns = F(c)->off - sys.off;
	o->method = c->keeps_utc ? HWCLOCK_READ_SELF : HWCLOCK_READ_PRECISE;
	o->delay_ns = 0;
	return 0;
}

static const struct hwclock_ops f_ops = {
	.gettime = f_gettime,
	.getfreq = f_getfreq,
	.sys_offset = f_sys_offset,
};

static void fclk_init(struct fclk *f, const char *name, int phc_index,
		      int64_t off)
{
	memset(f, 0, sizeof(*f));
	f->hw.ops = &f_ops;
	snprintf(f->hw.name, sizeof(f->hw.name), "%s", name);
	f->hw.max_adj_ppb = 1e8;
	f->hw.phc_index = phc_index;
	f->hw.keeps_utc = phc_index < 0;
	f->off = off;
}

/* ---- a core, a clock set and an executor ---- */

static struct clockset cs;
static struct bc *bc;
static struct exec ex;

static int p_send(void *ctx, int port, bool event, enum bc_dest dest,
		  const struct bc_addr *addr, const uint8_t *buf, size_t len,
		  uint32_t token)
{
	(void)ctx, (void)port, (void)event, (void)dest, (void)addr;
	(void)buf, (void)len, (void)token;
	return 0;
}

static void p_arm(void *ctx, int port, int t, int64_t at)
{
	(void)ctx, (void)port, (void)t, (void)at;
}

static void p_stop(void *ctx, int port, int t)
{
	(void)ctx, (void)port, (void)t;
}

struct world {
	int gm_clock; /* 0: the PHC, 1: the system clock */
	bool free_running; /* the PHC measured only */
	bool traceable, ptp_timescale;
};

/* Port 0 on the PHC, port 1 (software) on the system clock, which
 * hvptpd does not adjust (system_clock_sync 0). */
static void open_world(const struct world *wd)
{
	const struct exec_platform plat = {
		.send = p_send, .timer_arm = p_arm, .timer_stop = p_stop,
	};
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct cs_cfg cfg;

	cm_log_set_level(CM_LOG_ERR);
	fclk_init(&sys, "CLOCK_REALTIME", -1, -UTC * S + 2000000);
	fclk_init(&phc, "/dev/ptp0", 0, 700);
	memset(&cfg, 0, sizeof(cfg));
	disc_cfg_default(&cfg.ref);
	disc_cfg_default(&cfg.follow);
	cfg.ref.free_running = wd->free_running;
	cfg.follow.free_running = true;
	cfg.follow_interval_ns = S;
	cfg.follow_readings = 1;
	cfg.gm_clock = wd->gm_clock;
	cs_init(&cs, &cfg);
	assert_int_equal(cs_add(&cs, &phc.hw, !wd->free_running), 0);
	assert_int_equal(cs_add(&cs, &sys.hw, false), 1);
	assert_int_equal(cs_bind_port(&cs, 0, 0), 0);
	assert_int_equal(cs_bind_port(&cs, 1, 1), 0);
	assert_int_equal(cs_start(&cs), 0);

	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 2;
	cc.clock_identity.id[7] = 9;
	cc.utc_offset = UTC;
	cc.utc_offset_valid = true;
	cc.ptp_timescale = wd->ptp_timescale;
	cc.time_traceable = wd->traceable;
	cc.gm_clock_is_utc = wd->gm_clock == 1;
	for (int i = 0; i < 2; i++) {
		bc_port_cfg_default(&pc[i], i == 0 ? "eth0" : "tap0");
		pc[i].clock = (uint8_t)i;
		pc[i].clock_is_utc = i == 1;
	}
	assert_int_equal(bc_create(&bc, &cc, pc, 2), 0);
	exec_init(&ex, bc, &cs, &plat, 0);
	exec_start(&ex, 10 * S);
}

static int teardown(void **state)
{
	(void)state;
	exec_close(&ex);
	bc_destroy(bc);
	cs_stop(&cs);
	return 0;
}

/* The ports' announce receipt timeouts, then qualification: MASTER. */
static void become_gm(int64_t now)
{
	for (int i = 0; i < 2; i++)
		exec_timer(&ex, i, BC_TMR_ANNOUNCE_RX, now);
	exec_state_decision(&ex, now);
	now += 10 * S;
	for (int i = 0; i < 2; i++)
		exec_timer(&ex, i, BC_TMR_QUALIFICATION, now);
	exec_state_decision(&ex, now);
	assert_true(exec_is_gm(&ex));
}

static enum vm_feed_skip decide(const struct feed_meas *m,
				struct vm_feed_sample *s)
{
	memset(s, 0, sizeof(*s));
	return feed_decide(&ex, m, 1, s);
}

/* ---- tests ---- */

static void test_no_master_no_feed(void **state)
{
	struct world wd = { .ptp_timescale = true, .traceable = false };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;

	(void)state;
	open_world(&wd);
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_UNLOCKED);
	/* a free-running grandmaster's own time: not fed */
	become_gm(20 * S);
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_UNLOCKED);
}

static void test_traceable_gm_phc(void **state)
{
	struct world wd = { .ptp_timescale = true, .traceable = true };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;

	(void)state;
	open_world(&wd);
	become_gm(20 * S);
	assert_int_equal(decide(&m, &s), VM_FEED_OK);
	/* reference UTC - system, to the nanosecond */
	assert_int_equal(s.offset_ns, (700 - UTC * S) - (2000000 - UTC * S));
	assert_int_equal(s.sys_ns, true_now + sys.off);
	assert_int_equal(s.leap, 0);
	assert_int_equal(s.precision, -30); /* cross-timestamped */
	/* the leap second announced goes with it */
	assert_int_equal(bc_set_gm_utc(bc, UTC, 1), 0);
	assert_int_equal(decide(&m, &s), VM_FEED_OK);
	assert_int_equal(s.leap, 1);
	/* holdover: nothing */
	ex.holdover = true;
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_HOLDOVER);
	ex.holdover = false;
	/* a reading that fails: nothing, counted by the caller */
	phc.err = -EIO;
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_READ);
	phc.err = 0;
}

static void test_leap_window(void **state)
{
	struct world wd = { .ptp_timescale = true, .traceable = true };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;
	struct leap_latch l;
	int64_t saved = true_now;

	(void)state;
	open_world(&wd);
	become_gm(20 * S);
	leap_latch_set(&l, 1, UTC, true_now + phc.off);
	bc_set_leap(bc, &l);
	/* the PHC (TAI) half a second before the leap: UTC is ambiguous */
	true_now = l.tai_s * S - S / 2 - phc.off;
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_LEAP);
	/* an hour before: fed */
	true_now = l.tai_s * S - 3600 * S - phc.off;
	assert_int_equal(decide(&m, &s), VM_FEED_OK);
	true_now = saved;
}

/* A free-running grandmaster whose time is traceable: its own time, as
 * it reads (nothing measured to take off). */
static void test_traceable_gm_free_running(void **state)
{
	struct world wd = { .free_running = true, .ptp_timescale = true,
			    .traceable = true };
	struct feed_meas m = { .valid = true, .offset_ns = 999999 };
	struct vm_feed_sample s;

	(void)state;
	open_world(&wd);
	become_gm(20 * S);
	assert_int_equal(decide(&m, &s), VM_FEED_OK);
	assert_int_equal(s.offset_ns, (700 - UTC * S) - (2000000 - UTC * S));
}

static void test_arb_phc(void **state)
{
	struct world wd = { .ptp_timescale = false, .traceable = true };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;

	(void)state;
	open_world(&wd);
	become_gm(20 * S);
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_TIMESCALE);
}

static void test_circular(void **state)
{
	struct world wd = { .gm_clock = 1, .ptp_timescale = true,
			    .traceable = true };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;

	(void)state;
	open_world(&wd);
	become_gm(20 * S);
	assert_int_equal(cs.ref, 1);
	/* the system clock's own time, back to the system clock */
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_CIRCULAR);
}

/* Two Announces of a better master (PTP timescale, UTC offset 37 valid)
 * on port 0: it becomes UNCALIBRATED, the clock's slave port. */
static void hear_master(int64_t now)
{
	struct bc_addr src = { .len = 4, .data = { 10, 0, 0, 1 } };
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct ptp_msg msg;
	int len;

	for (uint16_t seq = 1; seq <= 3; seq++) {
		memset(&msg, 0, sizeof(msg));
		msg_header_init(&msg.hdr, PTP_MSG_ANNOUNCE, 1);
		msg.hdr.flags = PTP_FLAG_PTP_TIMESCALE |
				PTP_FLAG_UTC_OFFSET_VALID;
		msg.hdr.sequence_id = seq;
		msg.hdr.source_port_identity.clock_identity.id[0] = 1;
		msg.hdr.source_port_identity.port_number = 1;
		msg.hdr.log_msg_interval = 0;
		msg.body.announce.current_utc_offset = UTC;
		msg.body.announce.gm_identity =
			msg.hdr.source_port_identity.clock_identity;
		msg.body.announce.gm_priority1 = 1;
		msg.body.announce.gm_priority2 = 128;
		msg.body.announce.gm_clock_quality.clock_class = 6;
		msg.body.announce.gm_clock_quality.clock_accuracy = 0x21;
		msg.body.announce.gm_clock_quality.offset_scaled_log_variance =
			0x4e5d;
		len = msg_pack(&msg, buf, sizeof(buf));
		assert_true(len > 0);
		assert_int_equal(exec_rx(&ex, 0, buf, (size_t)len,
					 tmv_from_ns(true_now + phc.off), &src,
					 now + seq * S),
				 0);
		exec_state_decision(&ex, now + seq * S);
	}
	assert_int_equal(bc_slave_port(bc), 0);
}

static void test_free_running_measured(void **state)
{
	struct world wd = { .free_running = true, .ptp_timescale = false };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;
	struct bc_sample smp = {
		.kind = BC_SAMPLE_SYNC,
		.offset_ns = 1500, /* the PHC is 1.5 us ahead of the master */
		.log_sync_interval = -3,
	};

	(void)state;
	open_world(&wd);
	hear_master(20 * S);
	assert_true(bc_time_properties_ds(bc)->ptp_timescale);
	/* a slave port, but no Sync measured yet */
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_UNLOCKED);
	/* a Sync of another port is not the slave's */
	smp.ingress = tmv_from_ns(true_now + phc.off);
	feed_meas_update(&m, bc, 1, &smp);
	assert_false(m.valid);
	feed_meas_update(&m, bc, 0, &smp);
	assert_true(m.valid);
	/* the PHC's time less its offset from the master, on UTC, against
	 * the system clock (no frequency estimate yet: not carried) */
	assert_int_equal(decide(&m, &s), VM_FEED_OK);
	assert_int_equal(s.offset_ns,
			 (700 - 1500 - UTC * S) - (2000000 - UTC * S));
	/* 2 s later (more than 4 Sync intervals of 125 ms, and 2 s): stale */
	true_now += 2 * S + 1;
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_STALE);
	/* another master: its own time, nothing measured yet */
	m.valid = false;
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_UNLOCKED);
}

/* The measured offset is carried to the reading with the free-running
 * frequency estimate: a PHC 1000 ppb fast gains 500 ns on its master in
 * the half second since the last Sync. */
static void test_free_running_carried(void **state)
{
	struct world wd = { .free_running = true, .ptp_timescale = false };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;
	struct disc_result r;
	int64_t t0 = true_now + phc.off;
	struct bc_sample smp = {
		.kind = BC_SAMPLE_SYNC,
		.offset_ns = 1500,
		.log_sync_interval = -3,
	};

	(void)state;
	open_world(&wd);
	hear_master(20 * S);
	/* the estimate from two Syncs 2 s apart: +2000 ns, so 1000 ppb fast */
	for (int i = 0; i < 2; i++) {
		struct disc_input in = {
			.kind = DISC_SYNC,
			.offset_ns = i * 2000,
			.ingress_ns = t0 + i * 2 * S,
			.mono_ns = 30 * S + i * 2 * S,
		};

		assert_int_equal(disc_sample_in(cs.c[0].disc, &in, &r), 0);
		disc_applied(cs.c[0].disc, &r, 0, 0, in.mono_ns);
	}
	assert_true(disc_freq_known(cs.c[0].disc));
	assert_true(disc_freq_ppb(cs.c[0].disc) == -1000.0);
	smp.ingress = tmv_from_ns(true_now + phc.off - S / 2);
	feed_meas_update(&m, bc, 0, &smp);
	assert_int_equal(decide(&m, &s), VM_FEED_OK);
	assert_int_equal(s.offset_ns,
			 (700 - 2000 - UTC * S) - (2000000 - UTC * S));
}

/* An adjusted reference with a slave port: only once its servo locks. */
static void test_slave_unlocked(void **state)
{
	struct world wd = { .ptp_timescale = false };
	struct feed_meas m = { 0 };
	struct vm_feed_sample s;

	(void)state;
	open_world(&wd);
	hear_master(20 * S);
	assert_int_equal(decide(&m, &s), VM_FEED_SKIP_UNLOCKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_master_no_feed, teardown),
		cmocka_unit_test_teardown(test_traceable_gm_phc, teardown),
		cmocka_unit_test_teardown(test_leap_window, teardown),
		cmocka_unit_test_teardown(test_traceable_gm_free_running,
					  teardown),
		cmocka_unit_test_teardown(test_arb_phc, teardown),
		cmocka_unit_test_teardown(test_circular, teardown),
		cmocka_unit_test_teardown(test_free_running_measured, teardown),
		cmocka_unit_test_teardown(test_free_running_carried, teardown),
		cmocka_unit_test_teardown(test_slave_unlocked, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
