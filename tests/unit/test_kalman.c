/*
 * tests/unit/test_kalman.c — the Kalman servo (servo/kalman.c) on a
 * synthetic clock: convergence of phase and frequency, the noise it
 * learns, outliers, lost samples, a step from outside, a 9 % frequency
 * error, the estimate it gives for holdover, rebase and reset.  Offsets
 * are local - master; the servo returns the frequency to set.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_converges),
		cmocka_unit_test(test_learns_noise),
		cmocka_unit_test(test_outliers),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_external_step),
		cmocka_unit_test(test_big_frequency),
		cmocka_unit_test(test_rebase_reset),
		cmocka_unit_test(test_weight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
