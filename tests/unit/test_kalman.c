/*
 * tests/unit/test_kalman.c — the Kalman servo (servo/kalman.c) on a
 * synthetic clock: convergence of phase and frequency, the noise it
 * learns, outliers (a lone one at the start widens nothing), lost
 * samples, a step from outside (also with light samples in between), a
 * 9 % frequency error, the estimate it gives for holdover, rebase and
 * reset, and the two-way input (Sync and Delay_Req offsets at irregular
 * times, with opposite path-delay biases; one measured just before the
 * last), and an outside step it is told of, removed by a plan that ends
 * with a measurement it asks for.
 * Offsets are local - master; the servo returns the frequency to set.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "servo/kalman.h"
#include "servo/pi.h"
#include "servo_test.h"

/* Run n samples 1 s apart; true RMS and max |x| over the last `last`. */
static void run(struct synth *s, struct servo *sv, int n, int last,
		double noise, double *rms, double *mx)
{
	double sq = 0.0, m = 0.0;

	for (int i = 0; i < n; i++) {
		synth_sample(s, sv, noise, 0.0);
		synth_advance(s, 1.0);
		if (i >= n - last) {
			sq += s->x * s->x;
			if (fabs(s->x) > m)
				m = fabs(s->x);
		}
	}
	if (rms)
		*rms = sqrt(sq / last);
	if (mx)
		*mx = m;
}

static void test_converges(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct servo_estimate e;
	struct synth s;
	enum servo_state st[3];
	double rms;

	(void)state;
	assert_non_null(sv);
	assert_true(kalman_servo_is(sv));
	assert_false(pi_servo_is(sv));
	synth_init(&s, 50000.0, 30000.0, 1);
	for (int i = 0; i < 3; i++) {
		st[i] = synth_sample(&s, sv, 100.0, 0.0);
		synth_advance(&s, 1.0);
	}
	/* phase from the first, frequency from the second: a step then */
	assert_int_equal(st[0], SERVO_UNLOCKED);
	assert_int_equal(st[1], SERVO_JUMP);
	assert_int_equal(st[2], SERVO_LOCKED);
	assert_true(fabs(s.x) < 2000.0);
	run(&s, sv, 300, 200, 100.0, &rms, NULL);
	assert_true(rms < 100.0);
	assert_int_equal(servo_estimate(sv, &e), 0);
	assert_true(e.valid);
	/* the frequency to hold cancels the clock's error */
	assert_near(e.freq_ppb, -30000.0, 5.0);
	assert_true(e.freq_var > 0.0 && e.freq_var < 100.0);
	assert_true(e.phase_var > 0.0);
	servo_destroy(sv);
}

static void test_learns_noise(void **state)
{
	const double sig[2] = { 50.0, 500.0 };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
		struct synth s;
		double r = 0.0, q = 0.0;
		uint64_t outl;

		synth_init(&s, 1000.0, 100.0, 7 + (uint64_t)k);
		run(&s, sv, 200, 1, sig[k], NULL, NULL);
		assert_int_equal(kalman_servo_noise(sv, &r, &q, &outl), 0);
		print_message("sigma %g: learned %g\n", sig[k], sqrt(r));
		/* the median-based estimate, within a factor of 1.5 */
		assert_true(sqrt(r) > sig[k] / 1.5 && sqrt(r) < sig[k] * 1.5);
		assert_true(q > 0.0);
		servo_destroy(sv);
	}
	assert_int_equal(kalman_servo_noise(NULL, NULL, NULL, NULL), -EINVAL);
}

/* 2 % of the offsets 50 us late (software timestamps): the gate keeps
 * them out; without it they pull the clock. */
static double outlier_run(double gate, uint64_t *outliers)
{
	struct servo_params p;
	struct servo *sv = NULL;
	struct synth s;
	double sq = 0.0;
	int n = 0;

	servo_params_default(&p);
	p.kalman_gate = gate;
	assert_int_equal(servo_create(&sv, SERVO_KALMAN, &p, 0.0, 1e8), 0);
	synth_init(&s, 0.0, 500.0, 3);
	for (int i = 0; i < 600; i++) {
		double extra = cm_rng_uniform(&s.rng) < 0.02 ? 50000.0 : 0.0;

		synth_sample(&s, sv, 200.0, extra);
		synth_advance(&s, 1.0);
		if (i >= 100) {
			sq += s.x * s.x;
			n++;
		}
	}
	kalman_servo_noise(sv, NULL, NULL, outliers);
	servo_destroy(sv);
	return sqrt(sq / n);
}

static void test_outliers(void **state)
{
	uint64_t with = 0, without = 0;
	double rms_gate = outlier_run(4.0, &with);
	double rms_none = outlier_run(0.0, &without);

	(void)state;
	assert_true(with >= 5);
	assert_int_equal(without, 0);
	assert_true(rms_gate < 200.0);
	assert_true(rms_none > 2.0 * rms_gate);
}

/* One sample 100 us late; the frequency variance before and after. */
static void late_one(struct synth *s, struct servo *sv, double *before,
		     double *after)
{
	struct servo_estimate e;

	servo_estimate(sv, &e);
	*before = e.freq_var;
	synth_advance(s, 1.0);
	synth_sample(s, sv, 50.0, 100000.0);
	servo_estimate(sv, &e);
	*after = e.freq_var;
}

/* A lone rejected sample while R is still learned from few samples (the
 * start) is a late packet: P only grows by the prediction.  A second in a
 * row, or a lone one once R is learned from a full window, is taken as a
 * model error: P is widened. */
static void test_lone_reject(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct synth s;
	uint64_t outl = 0;
	double a, b;

	(void)state;
	synth_init(&s, 0.0, 200.0, 16);
	run(&s, sv, 20, 1, 50.0, NULL, NULL);
	late_one(&s, sv, &a, &b);
	assert_true(b < 1.2 * a);
	late_one(&s, sv, &a, &b);
	assert_true(b > 3.0 * a);
	kalman_servo_noise(sv, NULL, NULL, &outl);
	assert_int_equal(outl, 2);
	run(&s, sv, 100, 1, 50.0, NULL, NULL);
	late_one(&s, sv, &a, &b);
	assert_true(b > 3.0 * a);
	servo_destroy(sv);
}

/* 40 % of the samples lost: the prediction covers the real gap and the
 * correction is spread over the average interval: no overshoot. */
static void test_gaps(void **state)
{
	struct servo *kf = st_make(SERVO_KALMAN, false, 0.0);
	struct servo *pi = st_make(SERVO_PI, false, 0.0);
	struct synth a, b;
	double mk = 0.0, mp = 0.0;

	(void)state;
	synth_init(&a, 500.0, 2000.0, 11);
	synth_init(&b, 500.0, 2000.0, 11);
	for (int i = 0; i < 800; i++) {
		bool lost = i > 20 && cm_rng_uniform(&a.rng) < 0.4;

		if (!lost) {
			synth_sample(&a, kf, 50.0, 0.0);
			synth_sample(&b, pi, 50.0, 0.0);
		}
		synth_advance(&a, 1.0);
		synth_advance(&b, 1.0);
		if (i > 100) {
			mk = fmax(mk, fabs(a.x));
			mp = fmax(mp, fabs(b.x));
		}
	}
	assert_true(mk < 400.0);
	assert_true(mk < mp);
	servo_destroy(kf);
	servo_destroy(pi);
}

/* The clock is stepped from outside by 50 us: three offsets beyond the
 * gate, then the phase restarts from the measurements (no servo step:
 * step_threshold is 0) and the clock is pulled back. */
static void test_external_step(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct synth s;
	enum servo_state st;
	bool jumped = false;

	(void)state;
	synth_init(&s, 0.0, 100.0, 5);
	run(&s, sv, 100, 1, 50.0, NULL, NULL);
	s.x += 50000.0;
	for (int i = 0; i < 8; i++) {
		st = synth_sample(&s, sv, 50.0, 0.0);
		jumped |= st == SERVO_JUMP;
		synth_advance(&s, 1.0);
	}
	assert_false(jumped);
	assert_true(fabs(s.x) < 1000.0);
	servo_destroy(sv);
}

/* The clock is stepped from outside by 50 us, and the samples alternate
 * between full weight (rejected: beyond the gate) and almost none (what
 * the measurement filter gives a Sync it takes for a late packet: it
 * passes the gate for its weight).  The light ones do not end the run of
 * rejects: after three full-weight ones the phase restarts and the clock
 * is pulled back (were each light one to end the run, the count would go
 * 1, 0, 1, 0 and the clock would stay 50 us off). */
static void test_step_light_samples(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct servo_out o;
	struct synth s;
	uint64_t outl = 0;

	(void)state;
	synth_init(&s, 0.0, 100.0, 5);
	run(&s, sv, 100, 1, 50.0, NULL, NULL);
	s.x += 50000.0;
	for (int i = 0; i < 16; i++) {
		int64_t z = llround(s.x + st_gauss(&s.rng, 50.0));

		servo_sample(sv, z, synth_local(&s), i % 2 ? 1e-6 : 1.0, &o);
		s.u = o.freq_ppb;
		synth_advance(&s, 0.5);
	}
	kalman_servo_noise(sv, NULL, NULL, &outl);
	assert_int_equal(outl, 3);
	assert_true(fabs(s.x) < 1000.0);
	servo_destroy(sv);
}

/* A clock 9 % fast: the two-point frequency is exact even though local
 * seconds are 9 % short; the step lands within microseconds. */
static void test_big_frequency(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct synth s;

	(void)state;
	synth_init(&s, 1e9, 9e7, 9);
	synth_sample(&s, sv, 10.0, 0.0);
	synth_advance(&s, 1.0);
	assert_int_equal(synth_sample(&s, sv, 10.0, 0.0), SERVO_JUMP);
	assert_near(s.u, -9e7, 1000.0);
	synth_advance(&s, 1.0);
	assert_true(fabs(s.x) < 5000.0);
	run(&s, sv, 30, 10, 10.0, NULL, NULL);
	assert_true(fabs(s.x) < 100.0);
	servo_destroy(sv);
}

static void test_rebase_reset(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 1234.0);
	struct servo_estimate e, f;
	struct servo_out o;
	struct synth s;

	(void)state;
	assert_int_equal(servo_estimate(sv, &e), -ENODATA);
	synth_init(&s, 0.0, -1234.0, 4);
	run(&s, sv, 50, 1, 20.0, NULL, NULL);
	assert_int_equal(servo_estimate(sv, &e), 0);
	/* offsets will read 1 us more: the phase learned moves with them */
	servo_rebase(sv, 1000.0);
	assert_int_equal(servo_estimate(sv, &f), 0);
	assert_near(f.phase_ns - e.phase_ns, 1000.0, 1e-6);
	assert_near(f.freq_ppb, e.freq_ppb, 1e-9);
	/* reset: the phase starts again, the frequency stays */
	servo_reset(sv);
	servo_sample(sv, 0, synth_local(&s), 1.0, &o);
	assert_int_equal(o.state, SERVO_UNLOCKED);
	assert_near(o.freq_ppb, s.u, 1e-9);
	assert_int_equal(servo_estimate(sv, &f), -ENODATA);
	servo_destroy(sv);
}

/* A light sample (weight: its delay beyond the least delayed ones)
 * moves the estimate less than a full one. */
static void test_weight(void **state)
{
	struct servo *a = st_make(SERVO_KALMAN, false, 0.0);
	struct servo *b = st_make(SERVO_KALMAN, false, 0.0);
	struct servo_estimate ea, eb;
	struct servo_out o;
	struct synth s, t;

	(void)state;
	synth_init(&s, 0.0, 0.0, 8);
	synth_init(&t, 0.0, 0.0, 8);
	run(&s, a, 40, 1, 50.0, NULL, NULL);
	run(&t, b, 40, 1, 50.0, NULL, NULL);
	servo_sample(a, llround(s.x) + 150, synth_local(&s), 1.0, &o);
	servo_sample(b, llround(t.x) + 150, synth_local(&t), 0.05, &o);
	servo_estimate(a, &ea);
	servo_estimate(b, &eb);
	assert_true(fabs(eb.phase_ns - t.x) < fabs(ea.phase_ns - s.x));
	servo_destroy(a);
	servo_destroy(b);
}

/* 400 s of a Sync offset each second, biased by +b (the path delay in
 * use is b short), and with both a Delay_Req offset 0.1-0.9 s after it,
 * biased by -b.  Returns the clock's mean true offset over the last 300
 * s. */
static double two_way_run(struct servo *sv, struct synth *s, bool both,
			  double b, double noise)
{
	double mean = 0.0;
	int n = 0;

	for (int i = 0; i < 400; i++) {
		double f = 0.1 + 0.8 * cm_rng_uniform(&s->rng);

		synth_sample(s, sv, noise, b);
		synth_advance(s, f);
		if (both)
			synth_sample(s, sv, noise, -b);
		synth_advance(s, 1.0 - f);
		if (i >= 100) {
			mean += s->x;
			n++;
		}
	}
	return mean / n;
}

/* Path-delay errors bias the two directions oppositely: fed both, the
 * estimate (and the clock) is unbiased; fed the Syncs alone, the clock
 * sits b off.  With unbiased samples at irregular times the noise is
 * learned right, and the phase correction is still planned over the sync
 * interval (1 s), not the average gap (0.5 s). */
static void test_two_way(void **state)
{
	struct servo_estimate e;
	struct servo_out o;
	struct synth s;
	struct servo *sv;
	double mean, r = 0.0, t;

	(void)state;
	for (int both = 0; both < 2; both++) {
		sv = st_make(SERVO_KALMAN, false, 0.0);
		synth_init(&s, 20000.0, 5000.0, 13);
		mean = two_way_run(sv, &s, both, 300.0, 100.0);
		print_message("both %d: mean offset %.1f ns\n", both, mean);
		if (both)
			assert_true(fabs(mean) < 40.0);
		else
			assert_near(mean, -300.0, 60.0);
		servo_destroy(sv);
	}
	sv = st_make(SERVO_KALMAN, false, 0.0);
	synth_init(&s, 20000.0, 5000.0, 14);
	two_way_run(sv, &s, true, 0.0, 100.0);
	assert_int_equal(kalman_servo_noise(sv, &r, NULL, NULL), 0);
	assert_true(sqrt(r) > 100.0 / 1.5 && sqrt(r) < 100.0 * 1.5);
	/* u = -d - x / T: T from the estimate after one more sample */
	servo_sample(sv, llround(s.x) + 200, synth_local(&s), 1.0, &o);
	assert_int_equal(servo_estimate(sv, &e), 0);
	assert_true(fabs(e.phase_ns) > 1.0);
	t = -e.phase_ns / (o.freq_ppb - e.freq_ppb);
	assert_near(t, 1.0, 0.01);
	servo_destroy(sv);
}

/* A Delay_Req sent just before the last Sync came finishes after it: its
 * offset, measured 10 ms before the servo's state, is still used
 * (carried forward, the state's time unchanged); one older than the
 * sync interval is not. */
static void test_earlier_sample(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct servo_estimate a, b, c;
	struct servo_out o;
	struct synth s;
	int64_t t;

	(void)state;
	synth_init(&s, 0.0, 3000.0, 15);
	run(&s, sv, 60, 1, 50.0, NULL, NULL);
	synth_sample(&s, sv, 0.0, 0.0);
	assert_int_equal(servo_estimate(sv, &a), 0);
	t = a.local_ts_ns;
	servo_sample(sv, llround(s.x) + 100, t - 10000000, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_int_equal(servo_estimate(sv, &b), 0);
	assert_true(b.local_ts_ns == t);
	assert_true(b.phase_ns > a.phase_ns + 1.0);
	assert_true(b.phase_var < a.phase_var);
	servo_sample(sv, llround(s.x) + 100, t - 2 * ST_NS, 1.0, &o);
	assert_int_equal(servo_estimate(sv, &c), 0);
	assert_true(c.phase_ns == b.phase_ns && c.phase_var == b.phase_var);
	servo_destroy(sv);
}

/* Samples every 0.5 s (Syncs and Delay_Req exchanges interleaved) until
 * locked; then the clock is stepped by step from outside and the servo
 * told so (servo_moved, or only servo_rebase as before), and one sample
 * comes: its verdict in *o, applied. */
static void moved_setup(struct servo *sv, struct synth *s, double step,
			bool moved, struct servo_out *o)
{
	synth_init(s, 0.0, 3000.0, 16);
	for (int i = 0; i < 120; i++) {
		synth_sample(s, sv, 20.0, 0.0);
		synth_advance(s, 0.5);
	}
	assert_true(fabs(s->x) < 200.0);
	s->x += step;
	if (moved)
		servo_moved(sv, step);
	else
		servo_rebase(sv, step);
	servo_sample(sv, llround(s->x), synth_local(s), 1.0, o);
	assert_int_equal(o->state, SERVO_LOCKED);
	s->u = o->freq_ppb;
}

/* An outside step of 10 ms, known (servo_moved): removed by the next
 * sample expected (0.5 s here), which the servo asks to be measured
 * then (measure_in_ns), a sample in between re-planning the rest over
 * the time left: gone at the end.  Told only as a rebase (a better
 * delay's), the servo plans over the sync interval and asks for
 * nothing: half of it is left.  A plan beyond the frequency limit is
 * none: the correction runs at the limit, no measurement asked for. */
static void test_moved_plan(void **state)
{
	struct servo *sv = st_make(SERVO_KALMAN, false, 0.0);
	struct servo_out o;
	struct synth s;
	double u;

	(void)state;
	moved_setup(sv, &s, 10e6, true, &o);
	assert_near((double)o.measure_in_ns, 0.5e9, 0.005e9);
	u = o.freq_ppb;
	assert_near(u, -3000.0 - 10e6 / 0.5, 0.01 * 10e6 / 0.5);
	synth_advance(&s, 0.2);
	synth_sample(&s, sv, 20.0, 0.0);
	assert_near(s.u, u, 0.002 * fabs(u));
	synth_advance(&s, (double)o.measure_in_ns / 1e9 - 0.2);
	assert_true(fabs(s.x) < 1000.0);
	servo_sample(sv, llround(s.x), synth_local(&s), 1.0, &o);
	assert_true(o.measure_in_ns == 0);
	assert_near(o.freq_ppb, -3000.0, 500.0); /* the plan ended */
	s.u = o.freq_ppb;
	for (int i = 0; i < 20; i++) {
		synth_advance(&s, 0.5);
		synth_sample(&s, sv, 20.0, 0.0);
		assert_true(fabs(s.x) < 1000.0);
	}
	servo_destroy(sv);

	sv = st_make(SERVO_KALMAN, false, 0.0);
	moved_setup(sv, &s, 10e6, false, &o);
	assert_true(o.measure_in_ns == 0);
	synth_advance(&s, 0.5);
	assert_near(s.x, 5e6, 0.1e6);
	servo_destroy(sv);

	sv = st_make(SERVO_KALMAN, false, 0.0); /* limit 1e8 ppb */
	moved_setup(sv, &s, 1e9, true, &o);
	assert_true(o.measure_in_ns == 0);
	assert_near(o.freq_ppb, -1e8, 1.0);
	servo_destroy(sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges),
		cmocka_unit_test(test_learns_noise),
		cmocka_unit_test(test_outliers),
		cmocka_unit_test(test_lone_reject),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_external_step),
		cmocka_unit_test(test_step_light_samples),
		cmocka_unit_test(test_big_frequency),
		cmocka_unit_test(test_rebase_reset),
		cmocka_unit_test(test_weight),
		cmocka_unit_test(test_two_way),
		cmocka_unit_test(test_earlier_sample),
		cmocka_unit_test(test_moved_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
