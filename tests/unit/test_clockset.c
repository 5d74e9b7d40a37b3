/*
 * tests/unit/test_clockset.c — daemon/clockset.c and the executor's side
 * of it (daemon/exec_clocks.c) on fake clocks.
 *
 * Each fake clock reads "true time + its offset" (ns) and records every
 * op; its paired reading against the system clock is exact (PRECISE) or
 * has a window (EXTENDED), as configured.  The system clock keeps UTC:
 * with the PTP timescale it should read 37 s less than a PHC on TAI.
 * Checked: roles at start; paired readings PHC->PHC through the system
 * clock and on one timescale; a follower recorded but not steered; the
 * roles moving without a step and with the frequency kept; a reference's
 * step passed on to its followers and told to the core for their ports
 * only; followers waiting until the reference has time; what the
 * system clock's state says to the vmclock page (exec_sys_sync), and the
 * page the daemon and the simulator make of it (exec_vmclock_update).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "daemon/clockset.h"
#include "daemon/executor.h"
#include "daemon/vmclock_pub.h"

#define S 1000000000LL
#define UTC 37

struct fclk {
	struct hwclock hw;
	int64_t off; /* reading - true time */
	double freq;
	enum hwclock_read method;
	int64_t window; /* EXTENDED window */
	int steps, adjs;
	int64_t last_step;
	int err; /* returned by sys_offset */
	/* the kernel's view (the system clock) */
	int leap, leap_calls, leap_err;
	int tai;
	struct hwclock_sync sync;
	int sync_calls;
};

static int64_t true_now = 1700000000 * S;
static struct fclk *sysc; /* the system clock of the test */

static struct fclk *F(struct hwclock *c)
{
	return (struct fclk *)c;
}

static int f_gettime(struct hwclock *c, int64_t *ns, int64_t *pre,
		     int64_t *post)
{
	*ns = true_now + F(c)->off;
	if (pre)
		*pre = true_now + sysc->off;
	if (post)
		*post = true_now + sysc->off;
	return 0;
}

static int f_adjfreq(struct hwclock *c, double ppb)
{
	F(c)->freq = ppb;
	F(c)->adjs++;
	return 0;
}

static int f_getfreq(struct hwclock *c, double *ppb)
{
	*ppb = F(c)->freq;
	return 0;
}

static int f_step(struct hwclock *c, int64_t d)
{
	F(c)->off += d;
	F(c)->steps++;
	F(c)->last_step = d;
	return 0;
}

static int f_sys_offset(struct hwclock *c, int n, struct hwclock_sysoff *o)
{
	(void)n;
	if (F(c)->err)
		return F(c)->err;
	o->sys_ns = true_now + sysc->off;
	o->offset_ns = F(c)->off - sysc->off;
	o->method = F(c)->method;
	o->delay_ns = F(c)->method == HWCLOCK_READ_EXTENDED ? F(c)->window : 0;
	return 0;
}

static int f_set_leap(struct hwclock *c, int leap)
{
	if (!c->keeps_utc)
		return -EOPNOTSUPP;
	if (F(c)->leap_err)
		return F(c)->leap_err;
	F(c)->leap = leap;
	F(c)->leap_calls++;
	return 0;
}

static int f_set_tai(struct hwclock *c, int tai)
{
	if (!c->keeps_utc)
		return -EOPNOTSUPP;
	F(c)->tai = tai;
	return 0;
}

static int f_set_sync(struct hwclock *c, const struct hwclock_sync *y)
{
	if (!c->keeps_utc)
		return -EOPNOTSUPP;
	F(c)->sync = *y;
	F(c)->sync_calls++;
	return 0;
}

static const struct hwclock_ops f_ops = {
	.gettime = f_gettime,
	.adjfreq = f_adjfreq,
	.getfreq = f_getfreq,
	.step = f_step,
	.sys_offset = f_sys_offset,
	.set_leap = f_set_leap,
	.set_tai = f_set_tai,
	.set_sync = f_set_sync,
};

static void fclk_init(struct fclk *f, const char *name, int phc, int64_t off,
		      enum hwclock_read m)
{
	memset(f, 0, sizeof(*f));
	f->hw.ops = &f_ops;
	snprintf(f->hw.name, sizeof(f->hw.name), "%s", name);
	f->hw.max_adj_ppb = 1e8;
	f->hw.phc_index = phc;
	f->hw.keeps_utc = phc < 0;
	f->off = off;
	f->method = m;
	f->window = 400;
}

/* Two PHCs on TAI (A within 1 us, B 5 ms off) and the system clock on
 * UTC, 2 ms off; A is the reference at start. */
static struct fclk a, b, sys;
static struct clockset cs;

static int setup(void **state)
{
	struct cs_cfg cfg;

	(void)state;
	cm_log_set_level(CM_LOG_ERR);
	fclk_init(&sys, "CLOCK_REALTIME", -1, -UTC * S + 2000000,
		  HWCLOCK_READ_SELF);
	fclk_init(&a, "/dev/ptp0", 0, 700, HWCLOCK_READ_PRECISE);
	fclk_init(&b, "/dev/ptp1", 1, 5000000, HWCLOCK_READ_EXTENDED);
	sysc = &sys;
	memset(&cfg, 0, sizeof(cfg));
	disc_cfg_default(&cfg.ref);
	disc_cfg_default(&cfg.follow);
	cfg.follow_interval_ns = S / 8;
	cfg.follow_readings = 5;
	cfg.gm_clock = 0;
	cs_init(&cs, &cfg);
	assert_int_equal(cs_add(&cs, &a.hw, true), 0);
	assert_int_equal(cs_add(&cs, &b.hw, true), 1);
	assert_int_equal(cs_add(&cs, &sys.hw, true), 2);
	assert_int_equal(cs_bind_port(&cs, 0, 0), 0);
	assert_int_equal(cs_bind_port(&cs, 1, 1), 0);
	assert_int_equal(cs_bind_port(&cs, 2, 2), 0);
	assert_int_equal(cs_start(&cs), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_stop(&cs);
	return 0;
}

static void test_start_roles(void **state)
{
	(void)state;
	assert_int_equal(cs.ref, 0);
	assert_int_equal(cs.c[0].role, CS_ROLE_REFERENCE);
	assert_int_equal(cs.c[0].source, -1);
	assert_int_equal(cs.c[1].role, CS_ROLE_FOLLOWER);
	assert_int_equal(cs.c[1].source, 0);
	assert_int_equal(cs.c[2].source, 0);
	assert_int_equal(cs_clock_of_port(&cs, 1), 1);
	assert_int_equal(cs_clock_of_port(&cs, 7), -1);
	assert_ptr_equal(cs_ref_disc(&cs), cs.c[0].disc);
	assert_int_equal(cs_find(&cs, &b.hw), 1);
	assert_int_equal(cs_bind_port(&cs, 0, 9), -EINVAL);
	/* nothing was adjusted by starting */
	assert_int_equal(a.steps + a.adjs + b.steps + b.adjs + sys.steps, 0);
}

static void test_read_pairs(void **state)
{
	struct cs_reading rd;

	(void)state;
	/* PHC B against PHC A through the system clock: B - A, the worse
	 * method, both windows */
	assert_int_equal(cs_read(&cs, 1, &rd), 0);
	assert_int_equal(rd.raw_offset_ns, 5000000 - 700);
	assert_int_equal(rd.method, HWCLOCK_READ_EXTENDED);
	assert_int_equal(rd.delay_ns, 400);
	assert_int_equal(rd.ref_ns, true_now + 700);
	assert_int_equal(rd.local_ns, true_now + 5000000);
	/* the system clock against A: the reference's method describes it;
	 * the raw offset still has the UTC offset in it */
	assert_int_equal(cs_read(&cs, 2, &rd), 0);
	assert_int_equal(rd.method, HWCLOCK_READ_PRECISE);
	assert_int_equal(rd.raw_offset_ns, -UTC * S + 2000000 - 700);
	/* a failing reading is counted */
	b.err = -EIO;
	assert_int_equal(cs_read(&cs, 1, &rd), -EIO);
	assert_int_equal(cs.c[1].st.read_errors, 1);
}

static void test_steer_or_record(void **state)
{
	struct disc_result r;
	struct cs_reading rd;

	(void)state;
	assert_int_equal(cs_read(&cs, 1, &rd), 0);
	/* recorded only: no clock op */
	cs_steer(&cs, 1, &rd, rd.raw_offset_ns, false, S, &r);
	assert_true(cs.c[1].st.have_offset);
	assert_int_equal(cs.c[1].st.offset_ns, 5000000 - 700);
	assert_int_equal(cs.c[1].st.skipped, 1);
	assert_int_equal(b.steps + b.adjs, 0);
	/* steered: the PI servo's second reading, beyond
	 * first_step_threshold, steps B */
	cs_steer(&cs, 1, &rd, rd.raw_offset_ns, true, 2 * S, &r);
	assert_int_equal(b.steps + b.adjs, 0);
	true_now += S;
	assert_int_equal(cs_read(&cs, 1, &rd), 0);
	cs_steer(&cs, 1, &rd, rd.raw_offset_ns, true, 3 * S, &r);
	assert_int_equal(b.steps, 1);
	assert_int_equal(b.last_step, -(5000000 - 700));
	assert_true(r.stepped);
	assert_int_equal(cs.c[1].st.steps, 1);
	/* the reference is never steered by readings */
	cs_steer(&cs, 0, &rd, 12345, true, 3 * S, &r);
	assert_int_equal(a.steps + a.adjs, 0);
}

static void test_roles_move(void **state)
{
	(void)state;
	b.freq = 4321.0;
	disc_set_first_step_pending(cs.c[0].disc, false);
	assert_false(cs_set_reference(&cs, 0, S)); /* already */
	assert_true(cs_set_reference(&cs, 1, S));
	assert_int_equal(cs.ref, 1);
	assert_int_equal(cs.c[1].role, CS_ROLE_REFERENCE);
	assert_int_equal(cs.c[0].role, CS_ROLE_FOLLOWER);
	assert_int_equal(cs.c[0].source, 1);
	assert_int_equal(cs.c[2].source, 1);
	assert_int_equal(cs.c[1].source, -1);
	/* nothing stepped; the new reference starts at its frequency and
	 * does not take a first step (the old one had taken it) */
	assert_int_equal(a.steps + b.steps + sys.steps, 0);
	assert_true(fabs(disc_freq_ppb(cs.c[1].disc) - 4321.0) < 1e-9);
	assert_false(disc_first_step_pending(cs.c[1].disc));
	assert_false(disc_first_step_pending(cs.c[0].disc));
	/* a reference still waiting for its first step hands that on */
	disc_set_first_step_pending(cs.c[1].disc, true);
	assert_true(cs_set_reference(&cs, 2, 2 * S));
	assert_true(disc_first_step_pending(cs.c[2].disc));
}

/* ---- the executor's side ---- */

struct plat {
	int arms;
	int64_t follow_at;
};

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
	struct plat *p = ctx;

	p->arms++;
	if (port == -1 && t == EXEC_TMR_FOLLOW)
		p->follow_at = at;
}

static void p_stop(void *ctx, int port, int t)
{
	(void)ctx, (void)port, (void)t;
}

/* traceable: timePropertiesDS says so, clockAccuracy 100 ns (0x21). */
static struct bc *make_core_q(uint8_t cls, bool traceable)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[3];
	struct bc *bc;

	bc_clock_cfg_default(&cc);
	cc.clock_quality.clock_class = cls;
	if (traceable) {
		cc.time_traceable = true;
		cc.clock_quality.clock_accuracy = 0x21;
	}
	cc.clock_identity.id[0] = 2;
	cc.clock_identity.id[7] = 9;
	for (int i = 0; i < 3; i++) {
		bc_port_cfg_default(&pc[i], i == 0 ? "eth0" : i == 1 ? "eth1"
								   : "tap0");
		pc[i].clock = (uint8_t)i;
		pc[i].clock_is_utc = i == 2;
	}
	assert_int_equal(bc_create(&bc, &cc, pc, 3), 0);
	return bc;
}

static struct bc *make_core_class(uint8_t cls)
{
	return make_core_q(cls, false);
}

static struct bc *make_core(void)
{
	return make_core_class(248);
}

/* An executor over the clock set and bc, started at now; its timers are
 * recorded in pl. */
static void exec_open(struct exec *ex, struct bc *bc, struct plat *pl,
		      int64_t now)
{
	const struct exec_platform plat = {
		.ctx = pl, .send = p_send, .timer_arm = p_arm,
		.timer_stop = p_stop,
	};

	exec_init(ex, bc, &cs, &plat, 0);
	exec_start(ex, now);
}

/* The reference's servo took a sample (at sample_mono) and decided r:
 * the executor applies it at now. */
static void ref_apply(struct exec *ex, struct disc_result *r,
		      int64_t sample_mono, int64_t now)
{
	assert_int_equal(disc_sample_in(cs.c[0].disc,
					&(struct disc_input){
						.mono_ns = sample_mono },
					&(struct disc_result){ 0 }),
			 0);
	exec_clock_apply(ex, 0, r, now);
}

static void test_exec_follow_and_steps(void **state)
{
	struct disc_result r;
	struct plat pl = { 0 };
	struct exec ex;
	struct bc *bc = make_core();

	(void)state;
	exec_open(&ex, bc, &pl, 10 * S);
	assert_int_equal(pl.follow_at, 10 * S + S / 8);
	/* the reference has no time yet: followers are read, not steered */
	exec_follow(&ex, pl.follow_at);
	assert_int_equal(b.steps + b.adjs + sys.steps + sys.adjs, 0);
	assert_true(cs.c[2].st.have_offset);
	/* on one timescale: the system clock is 2 ms ahead of A in UTC */
	assert_int_equal(cs.c[2].st.offset_ns, 2000000 - 700);
	assert_int_equal(bc_clock_info(bc, 2)->offset_ns, 2000000 - 700);
	assert_false(bc_clock_info(bc, 2)->steered);
	/* re-armed from its deadline */
	assert_int_equal(pl.follow_at, 10 * S + 2 * (S / 8));
	/* a reference that locked: followers follow (their first readings
	 * step them onto it) */
	ex.ref_timed = true;
	exec_follow(&ex, pl.follow_at);
	true_now += S / 8;
	exec_follow(&ex, pl.follow_at);
	assert_int_equal(b.steps, 1);
	assert_int_equal(sys.steps, 1);
	assert_int_equal(b.off, a.off);
	assert_int_equal(sys.off, a.off - UTC * S);
	/* a step of the reference goes to its followers at once */
	memset(&r, 0, sizeof(r));
	r.act.step = true;
	r.act.step_ns = -300;
	ref_apply(&ex, &r, S, 11 * S);
	assert_int_equal(a.last_step, -300);
	assert_int_equal(b.last_step, -300);
	assert_int_equal(sys.last_step, -300);
	/* told to the core: the followers' first steps, then the reference's
	 * and the two it passed on */
	assert_int_equal(bc_clock_counters(bc)->clock_steps, 5);
	exec_close(&ex);
	bc_destroy(bc);
}

/* Drive the core's ports until they are MASTER (the clock is the
 * grandmaster): its announce receipt timers, carried out by ex. */
static void become_gm(struct exec *ex, struct bc *bc, int64_t *now)
{
	for (int i = 0; i < 3; i++)
		exec_timer(ex, i, BC_TMR_ANNOUNCE_RX, *now);
	exec_state_decision(ex, *now);
	*now += 10 * S;
	for (int i = 0; i < 3; i++)
		exec_timer(ex, i, BC_TMR_QUALIFICATION, *now);
	exec_state_decision(ex, *now);
	assert_int_equal(bc_port_ds(bc, 0)->port_state, PS_MASTER);
	assert_true(exec_is_gm(ex));
}

/* As grandmaster without time from a master: the other PHCs follow the
 * reference (one time on every port), the system clock only when the
 * clock has a clockClass below 248. */
static void test_gm_followers(void **state)
{
	struct plat pl = { 0 };
	int64_t now = 10 * S;
	struct exec ex;
	uint8_t cls[2] = { 248, 6 };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct bc *bc = make_core_class(cls[i]);

		exec_open(&ex, bc, &pl, now);
		assert_false(exec_may_steer(&ex, &cs.c[1]));
		assert_false(exec_may_steer(&ex, &cs.c[2]));
		become_gm(&ex, bc, &now);
		assert_true(exec_may_steer(&ex, &cs.c[1]));
		assert_int_equal(exec_may_steer(&ex, &cs.c[2]), cls[i] < 248);
		exec_close(&ex);
		bc_destroy(bc);
	}
}

/* A follower put on the reference's time goes with the reference's steps
 * even while followers may not be steered (a boundary clock that was
 * grandmaster until its port went UNCALIBRATED, or lost its links); one
 * never put there (the system clock behind a clockClass 248 grandmaster)
 * is left to its own first reading. */
static void test_step_passed_to_tied(void **state)
{
	struct plat pl = { 0 };
	struct disc_result r;
	int64_t now = 10 * S;
	struct exec ex;
	struct bc *bc = make_core_class(248);

	(void)state;
	exec_open(&ex, bc, &pl, now);
	become_gm(&ex, bc, &now);
	/* two readings: B steps onto A (the first step), sys is not
	 * steered */
	exec_follow(&ex, now);
	true_now += S / 8;
	exec_follow(&ex, now += S / 8);
	assert_int_equal(b.steps, 1);
	assert_int_equal(b.off, a.off);
	assert_int_equal(sys.steps + sys.adjs, 0);
	assert_true(cs.c[1].st.tied);
	assert_false(cs.c[2].st.tied);
	/* no port is MASTER any more: nothing may be steered now */
	for (int i = 0; i < 3; i++)
		assert_int_equal(exec_link(&ex, i, false, now), 0);
	assert_false(exec_is_gm(&ex));
	assert_false(exec_may_steer(&ex, &cs.c[1]));
	/* the reference steps by -1.12 ms: B goes with it, sys does not */
	memset(&r, 0, sizeof(r));
	r.act.step = true;
	r.act.step_ns = -1120000;
	ref_apply(&ex, &r, now, now);
	assert_int_equal(a.last_step, -1120000);
	assert_int_equal(b.steps, 2);
	assert_int_equal(b.last_step, -1120000);
	assert_int_equal(b.off, a.off);
	assert_int_equal(sys.steps, 0);
	/* the reference moves to B: A, the old one, goes with B's steps */
	disc_set_first_step_pending(cs.c[0].disc, false);
	assert_true(cs_set_reference(&cs, 1, now));
	assert_true(cs.c[0].st.tied);
	assert_false(cs.c[2].st.tied);
	exec_close(&ex);
	bc_destroy(bc);
}

/* A frequency move of the reference goes at once to every follower whose
 * servo steers it (feed-forward), scaled into the follower's terms; a
 * follower not steered yet is left alone. */
static void test_feed_forward(void **state)
{
	struct plat pl = { 0 };
	struct disc_result r;
	int64_t now = 10 * S;
	double fb, fa;
	struct exec ex;
	struct bc *bc = make_core_class(248);

	(void)state;
	exec_open(&ex, bc, &pl, now);
	become_gm(&ex, bc, &now);
	/* three readings: B's servo locks (PI: first, step, locked); the
	 * system clock (clockClass 248) is not steered */
	for (int i = 0; i < 3; i++) {
		exec_follow(&ex, now += S / 8);
		true_now += S / 8;
	}
	assert_int_equal(cs.c[1].st.state, SERVO_LOCKED);
	fb = b.freq;
	fa = disc_freq_ppb(cs.c[0].disc);
	/* the reference's servo sets 1000 ppb more */
	memset(&r, 0, sizeof(r));
	r.act.set_freq = true;
	r.act.freq_ppb = fa + 1000.0;
	ref_apply(&ex, &r, now, now);
	assert_true(fabs(a.freq - (fa + 1000.0)) < 1e-9);
	assert_true(fabs(b.freq - (fb + 1000.0 * (1.0 + fb / 1e9) /
				   (1.0 + fa / 1e9))) < 1e-6);
	assert_true(fabs(disc_freq_ppb(cs.c[1].disc) - b.freq) < 1e-9);
	assert_int_equal(cs.c[1].st.fed_forward, 1);
	assert_int_equal(sys.adjs, 0);
	assert_int_equal(cs.c[2].st.fed_forward, 0);
	exec_close(&ex);
	bc_destroy(bc);
}

/* The leap second end to end on the executor's side: latched from the
 * grandmaster's flags, STA_INS armed, cleared after a step of the system
 * clock and armed again two ticks later, and at the leap the kernel's step
 * told to the core (the UTC port's clock) and the flag cleared. */
#define M2017 1483228800LL
static void test_kernel_leap(void **state)
{
	struct plat pl = { 0 };
	int64_t now = 10 * S;
	uint64_t steps0;
	struct exec ex;
	struct bc *bc = make_core_class(6);

	(void)state;
	true_now = (M2017 + 36 - 30) * S - a.off; /* A (TAI): 30 s before */
	assert_int_equal(bc_set_gm_utc(bc, 36, 1), 0);
	exec_open(&ex, bc, &pl, now);
	exec_time_tick(&ex, now);
	assert_true(bc_leap(bc)->armed);
	assert_int_equal(bc_leap(bc)->tai_s, M2017 + 36);
	assert_int_equal(sys.leap, 1);
	assert_int_equal(sys.tai, 36);
	/* a step of the system clock: cleared, then armed again */
	cs.c[2].st.steps++;
	true_now += S;
	exec_time_tick(&ex, now += S);
	assert_int_equal(sys.leap, 0);
	exec_time_tick(&ex, now += S); /* across a second boundary */
	assert_int_equal(sys.leap, 0);
	exec_time_tick(&ex, now += S);
	assert_int_equal(sys.leap, 1);
	/* the leap: the kernel set the system clock back; the core moves
	 * the UTC port's times, the flag is cleared, the TAI offset moves */
	steps0 = bc_clock_counters(bc)->clock_steps;
	true_now += 40 * S;
	exec_time_tick(&ex, now += S);
	assert_int_equal(bc_clock_counters(bc)->clock_steps, steps0 + 1);
	assert_int_equal(sys.leap, 0);
	assert_int_equal(sys.tai, 37);
	/* the kernel did it: hvptpd did not step the clock */
	assert_int_equal(sys.steps, 0);
	/* as grandmaster with clockClass 6 but no traceability announced:
	 * the kernel is told the time is not synchronised */
	assert_true(sys.sync_calls > 0);
	assert_false(sys.sync.synced);
	exec_close(&ex);
	bc_destroy(bc);
}

/* The leap with the kernel not armed: with kernel_leap on (arming
 * failed), hvptpd steps the system clock by the second itself and tells
 * the core; with kernel_leap 0, as ptp4l, it leaves the second to the
 * servo: no step. */
static void test_leap_not_armed(void **state)
{
	struct exec_platform plat = {
		.send = p_send, .timer_arm = p_arm, .timer_stop = p_stop,
	};
	struct plat pl = { 0 };
	int64_t now = 10 * S, off0 = sys.off;
	int64_t true0 = (M2017 + 36 - 30) * S - a.off; /* A: 30 s before */

	(void)state;
	plat.ctx = &pl;
	sys.leap_err = -EPERM;
	for (int kl = 1; kl >= 0; kl--) {
		struct bc *bc = make_core_class(6);
		uint64_t steps0;
		struct exec ex;

		true_now = true0;
		sys.off = off0;
		sys.steps = 0;
		assert_int_equal(bc_set_gm_utc(bc, 36, 1), 0);
		exec_init(&ex, bc, &cs, &plat, 0);
		exec_set_time(&ex, kl, NULL);
		exec_start(&ex, now);
		exec_time_tick(&ex, now);
		assert_true(bc_leap(bc)->armed);
		assert_int_equal(sys.leap, 0);
		steps0 = bc_clock_counters(bc)->clock_steps;
		true_now += 40 * S;
		exec_time_tick(&ex, now += S);
		if (kl) {
			assert_int_equal(sys.steps, 1);
			assert_int_equal(sys.last_step, -S);
			assert_int_equal(sys.off, off0 - S);
			assert_int_equal(cs.c[2].st.steps, 1);
			assert_int_equal(bc_clock_counters(bc)->clock_steps,
					 steps0 + 1);
		} else {
			assert_int_equal(sys.steps, 0);
			assert_int_equal(bc_clock_counters(bc)->clock_steps,
					 steps0);
		}
		/* the UTC offset moves on either way */
		assert_int_equal(bc_utc_offset(bc), 37);
		exec_close(&ex);
		bc_destroy(bc);
	}
}

/* What the vmclock page is told of the system clock (exec_sys_sync):
 * adjusted but not synchronised at start; as a traceable grandmaster
 * (clockAccuracy 100 ns) with the system clock locked onto the
 * reference, synchronised with bounds of at least that accuracy; its
 * steps counted; not adjusted (free_running): never synchronised. */
static void test_sys_sync(void **state)
{
	struct bc *bc = make_core_q(6, true);
	struct exec_sys_sync ss;
	struct plat pl = { 0 };
	int64_t now = 10 * S;
	struct exec ex;

	(void)state;
	exec_open(&ex, bc, &pl, now);
	exec_sys_sync(&ex, now, &ss);
	assert_true(ss.present);
	assert_true(ss.adjusted);
	assert_false(ss.synced);
	assert_false(ss.holdover);
	assert_true(ss.esterror_ns < 0.0 && ss.maxerror_ns < 0.0);
	assert_int_equal(ss.steps, 0);
	become_gm(&ex, bc, &now);
	for (int i = 0; i < 200; i++) {
		true_now += S / 8;
		now += S / 8;
		exec_follow(&ex, now);
	}
	exec_sys_sync(&ex, now, &ss);
	assert_true(ss.synced);
	assert_true(ss.esterror_ns >= 100.0);
	assert_true(ss.maxerror_ns >= ss.esterror_ns);
	assert_true(ss.steps >= 1); /* the first reading stepped it on */
	assert_int_equal(ss.steps, cs.c[2].st.steps);
	/* measured only: the same clock is never called synchronised */
	cs.c[2].adjust = false;
	exec_sys_sync(&ex, now, &ss);
	assert_false(ss.adjusted);
	assert_false(ss.synced);
	assert_true(ss.esterror_ns < 0.0);
	cs.c[2].adjust = true;
	exec_close(&ex);
	bc_destroy(bc);
}

/* A TSC at 2.5 GHz from true time; paired readings around the system
 * clock, every window 20 counts but the third (a wide one, 2000). */
#define TSC_BASE (1600000000 * S)
static int pairs_err;

static uint64_t tsc_now(void)
{
	return (uint64_t)(true_now - TSC_BASE) * 5 / 2;
}

static int f_pairs(void *ctx, struct vm_vmclock_pair *p, int n)
{
	(void)ctx;
	for (int i = 0; i < n; i++) {
		int64_t w = i == 2 ? 1000 : 10;

		p[i].before = tsc_now() - (uint64_t)w;
		p[i].after = tsc_now() + (uint64_t)w;
		p[i].clock_ns = true_now + sys.off;
	}
	return pairs_err;
}

/* The page's time at the TSC now against the system clock plus TAI - UTC
 * (ns). */
static double page_err(const struct exec_vmclock *v)
{
	int64_t sec;
	uint64_t frac;

	assert_true(vm_vmclock_time_at(&v->content, tsc_now(), &sec, &frac));
	return (double)(sec * S - (true_now + sys.off + UTC * S)) +
	       (double)vm_vmclock_frac_to_ns(frac);
}

/* The page's content from the executor's state: INITIALIZING before the
 * system clock is synchronised (no time until the line has a period),
 * TAI = CLOCK_REALTIME + 37 s at the TSC's reading, the shortest window
 * kept; the system clock's steps move disruption_marker on; SYNCHRONIZED
 * with time bounds once it is locked as a traceable grandmaster's; a
 * failed reading leaves the content as it was. */
static void test_vmclock_pub(void **state)
{
	struct bc *bc = make_core_q(6, true);
	struct exec_vmclock v;
	struct vm_vmclock_abi before;
	struct plat pl = { 0 };
	int64_t now = 10 * S;
	struct exec ex;

	(void)state;
	pairs_err = 0;
	exec_open(&ex, bc, &pl, now);
	exec_vmclock_init(&v, "t", VM_VMCLOCK_COUNTER_X86_TSC, 7, true);
	assert_int_equal(exec_vmclock_update(&v, &ex, now, f_pairs, NULL), 0);
	assert_int_equal(v.content.clock_status, VM_VMCLOCK_STATUS_INITIALIZING);
	assert_int_equal(v.content.counter_period_frac_sec, 0); /* no line */
	true_now += S / 4;
	now += S / 4;
	assert_int_equal(exec_vmclock_update(&v, &ex, now, f_pairs, NULL), 0);
	assert_int_equal(v.content.clock_status, VM_VMCLOCK_STATUS_INITIALIZING);
	assert_int_equal(v.content.tai_offset_sec, UTC);
	assert_true(fabs(page_err(&v)) <= 1.0);
	assert_int_equal(v.est.s[(v.est.head + VM_VMCLOCK_EST_MAX - 1) %
				 VM_VMCLOCK_EST_MAX].window, 20);
	assert_int_equal(v.marker, 7);
	become_gm(&ex, bc, &now);
	for (int i = 0; i < 200; i++) {
		true_now += S / 8;
		now += S / 8;
		exec_follow(&ex, now);
	}
	assert_true(cs.c[2].st.steps >= 1);
	assert_int_equal(exec_vmclock_update(&v, &ex, now, f_pairs, NULL), 0);
	assert_int_equal(v.marker, 8);
	assert_int_equal(v.content.disruption_marker, 8);
	assert_int_equal(v.content.clock_status, VM_VMCLOCK_STATUS_SYNCHRONIZED);
	assert_true(v.content.flags & VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID);
	assert_true(v.content.time_esterror_nanosec >= 100);
	assert_true(fabs(page_err(&v)) <= 1.0); /* the period kept */
	before = v.content;
	pairs_err = -EIO;
	assert_int_equal(exec_vmclock_update(&v, &ex, now, f_pairs, NULL),
			 -EAGAIN);
	assert_int_equal(v.read_errors, 1);
	assert_memory_equal(&before, &v.content, sizeof(before));
	pairs_err = 0;
	exec_close(&ex);
	bc_destroy(bc);
}

/* The page's TAI at the TSC now against true TAI (ns). */
static double page_tai_err(const struct exec_vmclock *v)
{
	int64_t sec;
	uint64_t frac;

	assert_true(vm_vmclock_time_at(&v->content, tsc_now(), &sec, &frac));
	return (double)(sec * S - true_now) +
	       (double)vm_vmclock_frac_to_ns(frac);
}

/* Across a leap61 the page's TAI goes on: CLOCK_REALTIME repeats
 * 23:59:59 (here: reads TAI - 36 s before the leap, TAI - 37 s from it
 * on), the readings within a second of it are left out (a UTC reading
 * of the repeated second would put TAI a second early: a false step),
 * disruption_marker stays, TAI - UTC goes 36 -> 37 and the leap
 * indicator PRE_POS -> POST_POS at the leap, as at the update's reading.
 * Updates 4 a second from 20 s before the leap to 20 s after (1 ms off
 * the leap's instant: at it, the line's TAI may be a ns either side). */
static void test_vmclock_leap(void **state)
{
	struct bc *bc = make_core_q(6, true);
	const int64_t m = 1700006400; /* the UTC midnight after 1.7e9 s */
	const int64_t tl = (m + 36) * S; /* the leap, TAI */
	struct leap_latch l;
	struct exec_vmclock v;
	struct plat pl = { 0 };
	int64_t now = 10 * S;
	uint64_t left = 0;
	struct exec ex;

	(void)state;
	pairs_err = 0;
	exec_open(&ex, bc, &pl, now);
	assert_true(bc_time_properties_ds(bc)->ptp_timescale);
	true_now = tl - 20 * S + S / 1000;
	leap_latch_set(&l, 1, 36, true_now);
	bc_set_leap(bc, &l);
	exec_vmclock_init(&v, "t", VM_VMCLOCK_COUNTER_X86_TSC, 7, true);
	for (int i = 0; i < 160; i++, true_now += S / 4, now += S / 4) {
		bool after = true_now >= tl;

		sys.off = after ? -37 * S : -36 * S;
		assert_int_equal(exec_vmclock_update(&v, &ex, now, f_pairs,
						     NULL), 0);
		if (i < 2)
			continue; /* the line wants two readings */
		assert_true(fabs(page_tai_err(&v)) <= 1.0);
		assert_int_equal(v.content.tai_offset_sec, after ? 37 : 36);
		assert_int_equal(v.content.leap_indicator,
				 after ? VM_VMCLOCK_LEAP_POST_POS
				       : VM_VMCLOCK_LEAP_PRE_POS);
	}
	left = v.leap_skips;
	assert_int_equal(left, 12); /* 3 s: [leap - 1 s, leap + 2 s) */
	assert_int_equal(v.marker, 7);
	assert_int_equal(v.est.steps, 0);
	exec_close(&ex);
	bc_destroy(bc);
	true_now = 1700000000 * S;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_roles, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_pairs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_steer_or_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_roles_move, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exec_follow_and_steps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_gm_followers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_step_passed_to_tied,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_feed_forward, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_leap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_leap_not_armed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sys_sync, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vmclock_pub, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vmclock_leap, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
