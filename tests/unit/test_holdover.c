/*
 * tests/unit/test_holdover.c — holdover end to end below the simulator:
 * the time error formula and the clockClass steps (servo/holdover.c), the
 * wander estimator (servo/wander.c), the discipline holding the servo's
 * frequency estimate rather than its last output (servo/disc_hold.c), and
 * the executor turning a PARENT_CHANGED to the clock itself into holdover
 * and clockClass changes in the core (daemon/executor.c, bc_set_clock_
 * quality).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/bc.h"
#include "common/rng.h"
#include "daemon/executor.h"
#include "servo/discipline.h"
#include "servo/holdover.h"
#include "servo/pi.h"
#include "servo/wander.h"
#include "servo_test.h"

#define NS ST_NS

/* ---- the formula and the classes ---- */

static void test_te_formula(void **state)
{
	struct servo_estimate e;
	struct holdover h;
	double p00 = 400.0, p01 = 30.0, p11 = 9.0, q = 2.0, tau, want;
	int64_t t0 = 100 * NS, entry = t0 + 3 * NS;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.valid = true;
	e.freq_ppb = -20000.0;
	e.phase_ns = 50.0;
	e.phase_var = p00;
	e.cov = p01;
	e.freq_var = p11;
	/* from t0 to the entry the clock ran 10 ppb faster than held */
	assert_int_equal(holdover_start(&h, &e, t0, -19990.0, entry, q), 0);
	assert_true(h.active);
	assert_near(h.freq_ppb, -20000.0, 0.0);
	assert_near(h.x_entry, 50.0 + 10.0 * 3.0, 1e-9);
	for (tau = 3.0; tau < 5000.0; tau *= 7.0) {
		want = fabs(80.0) +
		       3.0 * sqrt(p00 + 2 * p01 * tau + p11 * tau * tau +
				  q * tau * tau * tau / 3.0);
		assert_near(holdover_te(&h, t0 + (int64_t)(tau * 1e9)), want,
			    1e-6 * want);
	}
	/* monotonic in time */
	assert_true(holdover_te(&h, t0 + 100 * NS) <
		    holdover_te(&h, t0 + 101 * NS));
	holdover_stop(&h);
	assert_true(holdover_te(&h, t0) < 0.0);
	e.valid = false;
	assert_int_equal(holdover_start(&h, &e, t0, 0.0, t0, q), -ENODATA);
	/* tracking: |x| + 3 sd */
	e.valid = true;
	assert_near(holdover_te_tracking(&e), 50.0 + 3.0 * 20.0, 1e-9);
}

static void test_classes(void **state)
{
	struct holdover_cfg c;

	(void)state;
	holdover_cfg_default(&c);
	assert_int_equal(holdover_class(&c, 10.0), 0); /* budget 0: off */
	c.budget_ns = 1000.0;
	c.limit_ns = 100000.0;
	assert_int_equal(holdover_cfg_check(&c), 0);
	assert_int_equal(holdover_class(&c, 999.0), 135);
	assert_int_equal(holdover_class(&c, 1000.0), 135);
	assert_int_equal(holdover_class(&c, 1001.0), 165);
	assert_int_equal(holdover_class(&c, 100000.0), 165);
	assert_int_equal(holdover_class(&c, 100001.0), 248);
	assert_int_equal(holdover_class(&c, -1.0), 0); /* unknown */
	c.limit_ns = 0.0; /* never expires */
	assert_int_equal(holdover_class(&c, 1e12), 165);
	c.limit_ns = 10.0; /* below the budget */
	assert_int_equal(holdover_cfg_check(&c), -EINVAL);
}

/* ---- the wander estimator ---- */

/* Free-running phase: random walk of frequency (q) plus white noise. */
static double wander_run(double q, double white, double prior, int secs,
			 uint64_t seed)
{
	struct wander_est w;
	struct cm_rng r;
	double y = 0.0, x = 0.0;

	cm_rng_seed(&r, seed);
	wander_init(&w, prior);
	for (int t = 0; t < secs; t++) {
		wander_add(&w, t, x + st_gauss(&r, white), white * white);
		y += st_gauss(&r, sqrt(q));
		x += y + 37.0; /* and a constant frequency error */
	}
	return wander_q(&w);
}

static void test_wander(void **state)
{
	struct wander_est w;
	double lo = 1e9, hi = 0.0, q;

	(void)state;
	for (uint64_t s = 1; s <= 6; s++) {
		q = wander_run(4.0, 50.0, 1.0, 4000, s);
		lo = fmin(lo, q);
		hi = fmax(hi, q);
	}
	/* learned from 4000 s, within a factor of two either way */
	assert_true(lo > 2.0);
	assert_true(hi < 8.0);
	/* white noise only: far below the prior */
	assert_true(wander_run(0.0, 50.0, 1.0, 4000, 9) < 0.3);
	/* nothing seen: the prior; the upper bound above the estimate */
	wander_init(&w, 2.5);
	assert_near(wander_q(&w), 2.5, 1e-12);
	assert_true(wander_q_upper(&w) > 2.5);
	assert_int_equal(wander_count(&w), 0);
}

/* ---- the discipline ---- */

struct fclock {
	struct hwclock hw;
	double freq;
	int adjfreq, steps;
};

static int f_gettime(struct hwclock *c, int64_t *ns, int64_t *a, int64_t *b)
{
	(void)c;
	(void)a;
	(void)b;
	*ns = 0;
	return 0;
}

static int f_adjfreq(struct hwclock *c, double ppb)
{
	((struct fclock *)c)->freq = ppb;
	((struct fclock *)c)->adjfreq++;
	return 0;
}

static int f_getfreq(struct hwclock *c, double *ppb)
{
	*ppb = ((struct fclock *)c)->freq;
	return 0;
}

static int f_step(struct hwclock *c, int64_t d)
{
	(void)d;
	((struct fclock *)c)->steps++;
	return 0;
}

static const struct hwclock_ops f_ops = {
	.gettime = f_gettime,
	.adjfreq = f_adjfreq,
	.getfreq = f_getfreq,
	.step = f_step,
};

static void fclock_init(struct fclock *f)
{
	memset(f, 0, sizeof(*f));
	f->hw.ops = &f_ops;
	f->hw.max_adj_ppb = 1e7;
}

/* Feed the discipline n samples of a synthetic clock (the fake hwclock
 * only records: the synth follows the discipline's frequency). */
static void disc_feed(struct disc *d, struct fclock *fc, struct synth *s,
		      int n, double noise)
{
	struct disc_result r;

	for (int i = 0; i < n; i++) {
		int64_t z = llround(s->x + st_gauss(&s->rng, noise));

		struct disc_input in = {
			.offset_ns = z,
			.path_delay_ns = 500,
			.ingress_ns = synth_local(s),
			.mono_ns = llround(s->t * 1e9),
		};

		cs_disc_sample(&fc->hw, d, &in, &r);
		if (r.stepped)
			s->x += (double)r.step_ns;
		s->u = fc->freq;
		synth_advance(s, 1.0);
	}
}

static void test_disc_holdover(void **state)
{
	struct disc_cfg cfg;
	struct fclock fc;
	struct disc *d = NULL;
	struct servo_estimate e;
	struct synth s;
	int64_t now;
	double te1, te2;

	(void)state;
	fclock_init(&fc);
	disc_cfg_default(&cfg);
	cfg.servo_type = SERVO_KALMAN;
	cfg.hold.budget_ns = 1000.0;
	cfg.hold.limit_ns = 50000.0;
	assert_int_equal(cs_disc_create(&d, &cfg, &fc.hw), 0);
	/* never locked: nothing to hold */
	assert_int_equal(cs_disc_holdover(&fc.hw, d, 5 * NS), -ENODATA);
	assert_false(disc_in_holdover(d));
	assert_true(disc_te_estimate(d, 5 * NS) < 0.0);
	synth_init(&s, 3000.0, 12000.0, 21);
	disc_feed(d, &fc, &s, 200, 30.0);
	assert_true(disc_te_estimate(d, llround(s.t * 1e9)) > 0.0);
	/* a phase correction under way: the last output differs from the
	 * frequency estimate */
	s.x += 110.0;
	disc_feed(d, &fc, &s, 1, 30.0);
	assert_int_equal(servo_estimate(disc_servo(d), &e), 0);
	assert_true(fabs(fc.freq - e.freq_ppb) > 20.0);
	now = llround(s.t * 1e9);
	assert_int_equal(cs_disc_holdover(&fc.hw, d, now), 0);
	assert_true(disc_in_holdover(d));
	/* held: the estimate, not the last output */
	assert_near(fc.freq, e.freq_ppb, 1e-6);
	assert_near(fc.freq, -12000.0, 10.0);
	te1 = disc_te_estimate(d, now + 10 * NS);
	te2 = disc_te_estimate(d, now + 1000 * NS);
	assert_true(te1 > 0.0 && te2 > te1);
	assert_int_equal(disc_clock_class(d, now), 135);
	assert_int_equal(disc_clock_class(d, now + 100000 * NS), 248);
	/* entering again changes nothing */
	assert_int_equal(cs_disc_holdover(&fc.hw, d, now + NS), 0);
	/* a sample ends it */
	disc_feed(d, &fc, &s, 1, 30.0);
	assert_false(disc_in_holdover(d));
	assert_int_equal(disc_clock_class(d, now), 0);
	disc_destroy(d);
}

/* Free-running clocks never hold over; the PI servo's holdover frequency
 * is its integral. */
static void test_disc_holdover_pi_and_free(void **state)
{
	struct disc_cfg cfg;
	struct fclock fc;
	struct disc *d = NULL;
	struct synth s;
	double integral;

	(void)state;
	fclock_init(&fc);
	disc_cfg_default(&cfg);
	assert_int_equal(cs_disc_create(&d, &cfg, &fc.hw), 0);
	synth_init(&s, 2000.0, -5000.0, 22);
	disc_feed(d, &fc, &s, 120, 20.0);
	assert_int_equal(pi_servo_integral(disc_servo(d), &integral),
			 0);
	assert_int_equal(cs_disc_holdover(&fc.hw, d, llround(s.t * 1e9)), 0);
	assert_near(fc.freq, integral, 1e-9);
	disc_holdover_exit(d);
	assert_false(disc_in_holdover(d));
	disc_destroy(d);

	fclock_init(&fc);
	cfg.free_running = true;
	assert_int_equal(cs_disc_create(&d, &cfg, &fc.hw), 0);
	synth_init(&s, 2000.0, -5000.0, 23);
	disc_feed(d, &fc, &s, 30, 20.0);
	assert_int_equal(cs_disc_holdover(&fc.hw, d, llround(s.t * 1e9)), -ENODATA);
	assert_int_equal(fc.adjfreq, 0);
	disc_destroy(d);
}

/* ---- the executor and the core ---- */

static int p_send(void *ctx, int port, bool event, enum bc_dest dest,
		  const struct bc_addr *addr, const uint8_t *buf, size_t len,
		  uint32_t token)
{
	(void)ctx;
	(void)port;
	(void)event;
	(void)dest;
	(void)addr;
	(void)buf;
	(void)len;
	(void)token;
	return 0;
}

static void p_arm(void *ctx, int port, int t, int64_t at)
{
	(void)ctx;
	(void)port;
	(void)t;
	(void)at;
}

static void p_stop(void *ctx, int port, int t)
{
	(void)ctx;
	(void)port;
	(void)t;
}

static void run_action(struct exec *ex, const struct bc_action *a,
		       int64_t now)
{
	struct bc_actions acts;

	bc_actions_init(&acts);
	acts.a[acts.n++] = *a;
	exec_run(ex, &acts, now);
}

/* A core, a Kalman discipline with holdover classes, an executor. */
struct xfix {
	struct bc *bc;
	struct clockset cs;
	struct disc *d;
	struct fclock fc;
	struct exec ex;
	struct bc_clock_cfg cc;
};

static void xfix_init(struct xfix *x)
{
	struct exec_platform plat = {
		.send = p_send, .timer_arm = p_arm, .timer_stop = p_stop,
	};
	struct bc_port_cfg pc;
	struct disc_cfg dc;

	memset(x, 0, sizeof(*x));
	bc_clock_cfg_default(&x->cc);
	x->cc.clock_identity.id[0] = 0x02;
	x->cc.clock_identity.id[7] = 0x07;
	bc_port_cfg_default(&pc, "eth0");
	assert_int_equal(bc_create(&x->bc, &x->cc, &pc, 1), 0);
	fclock_init(&x->fc);
	disc_cfg_default(&dc);
	dc.servo_type = SERVO_KALMAN;
	dc.hold.budget_ns = 1000.0;
	dc.hold.limit_ns = 100000.0;
	dc.hold.class_expired = 160; /* the T-GM style, to tell it from 248 */
	cs_init(&x->cs, &(struct cs_cfg){ .ref = dc, .follow = dc });
	assert_int_equal(cs_add(&x->cs, &x->fc.hw, true), 0);
	assert_int_equal(cs_bind_port(&x->cs, 0, 0), 0);
	assert_int_equal(cs_start(&x->cs), 0);
	x->d = x->cs.c[0].disc;
	exec_init(&x->ex, x->bc, &x->cs, &plat, 0);
	exec_start(&x->ex, 0);
}

/* n SAMPLE actions of a synthetic clock; returns the time of the last. */
static int64_t xfix_lock(struct xfix *x, struct synth *s, int n)
{
	struct bc_action a;
	int64_t now = 0;

	memset(&a, 0, sizeof(a));
	a.type = BC_ACT_SAMPLE;
	for (int i = 0; i < n; i++) {
		now = llround(s->t * 1e9);
		a.u.sample.offset_ns = llround(s->x + st_gauss(&s->rng, 20.0));
		a.u.sample.path_delay_ns = 500;
		a.u.sample.ingress = tmv_from_ns(synth_local(s));
		run_action(&x->ex, &a, now);
		s->u = x->fc.freq;
		synth_advance(s, 1.0);
	}
	return now;
}

static void test_executor_classes(void **state)
{
	struct xfix x;
	struct bc_action a;
	struct synth s;
	int64_t now;

	(void)state;
	xfix_init(&x);
	synth_init(&s, 0.0, 4000.0, 31);
	now = xfix_lock(&x, &s, 100);
	assert_true(bc_get_servo_status(x.bc)->te_estimate_ns > 0.0);
	assert_false(bc_get_servo_status(x.bc)->holdover);
	/* the master is gone: the clock is its own parent */
	memset(&a, 0, sizeof(a));
	a.type = BC_ACT_PARENT_CHANGED;
	a.port = -1;
	a.u.parent.own = true;
	run_action(&x.ex, &a, now);
	assert_true(x.ex.holdover);
	assert_true(bc_get_servo_status(x.bc)->holdover);
	assert_int_equal(bc_default_ds(x.bc)->clock_quality.clock_class, 135);
	assert_int_equal(
		bc_parent_ds(x.bc)->grandmaster_clock_quality.clock_class, 135);
	assert_true(bc_state_decision_due(x.bc));
	/* time passes: out of the budget, then beyond the limit */
	exec_holdover_tick(&x.ex, now + 200 * NS);
	assert_int_equal(bc_default_ds(x.bc)->clock_quality.clock_class, 165);
	exec_holdover_tick(&x.ex, now + 20000 * NS);
	assert_int_equal(bc_default_ds(x.bc)->clock_quality.clock_class, 160);
	assert_true(bc_get_servo_status(x.bc)->te_estimate_ns > 100000.0);
	/* a master again: holdover ends, the configured quality is back */
	a.u.parent.own = false;
	run_action(&x.ex, &a, now + 20001 * NS);
	assert_false(x.ex.holdover);
	assert_int_equal(bc_default_ds(x.bc)->clock_quality.clock_class, 248);
	assert_int_equal(bc_default_ds(x.bc)->clock_quality.clock_accuracy,
			 x.cc.clock_quality.clock_accuracy);
	cs_stop(&x.cs);
	bc_destroy(x.bc);
}

static void test_core_setter(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct clock_quality q = { 135, 0x21, 0x4e5d };
	struct bc *bc = NULL;

	(void)state;
	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 0x02;
	cc.clock_identity.id[7] = 0x08;
	bc_port_cfg_default(&pc, "eth0");
	assert_int_equal(bc_create(&bc, &cc, &pc, 1), 0);
	assert_int_equal(bc_set_clock_quality(NULL, &q, 0, NULL), -EINVAL);
	assert_int_equal(bc_set_clock_quality(bc, NULL, 0, NULL), -EINVAL);
	assert_int_equal(bc_set_clock_quality(bc, &q, 0, NULL), 0);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 135);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_accuracy, 0x21);
	bc_destroy(bc);
	/* a slave-only clock stays 255 */
	cc.slave_only = true;
	assert_int_equal(bc_create(&bc, &cc, &pc, 1), 0);
	assert_int_equal(bc_set_clock_quality(bc, &q, 0, NULL), -EPERM);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 255);
	bc_destroy(bc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_te_formula),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_wander),
		cmocka_unit_test(test_disc_holdover),
		cmocka_unit_test(test_disc_holdover_pi_and_free),
		cmocka_unit_test(test_executor_classes),
		cmocka_unit_test(test_core_setter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
