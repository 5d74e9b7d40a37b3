/*
 * tests/unit/test_linreg.c — the linear-regression servo (servo/linreg.c)
 * on a synthetic clock: no output before four points, the first-update
 * step judged on the fitted offset, convergence and the growth of the fit
 * to 64 points when the noise is white, step_threshold later on, the
 * estimate for holdover, rebase and reset.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "servo/linreg.h"
#include "servo_test.h"

static void test_start_and_step(void **state)
{
	struct servo *sv = st_make(SERVO_LINREG, false, 0.0);
	struct synth s;
	enum servo_state st;
	int pts = -1;

	(void)state;
	assert_true(linreg_servo_is(sv));
	synth_init(&s, 1000000.0, 20000.0, 1);
	for (int i = 0; i < 3; i++) {
		st = synth_sample(&s, sv, 20.0, 0.0);
		assert_int_equal(st, SERVO_UNLOCKED);
		synth_advance(&s, 1.0);
	}
	assert_int_equal(linreg_servo_fit(sv, &pts, NULL), 0);
	assert_int_equal(pts, 0);
	/* four points: a fit, 1 ms off: the first update steps */
	assert_int_equal(synth_sample(&s, sv, 20.0, 0.0), SERVO_JUMP);
	assert_true(fabs(s.x) < 1000.0);
	assert_near(s.u, -20000.0, 100.0);
	synth_advance(&s, 1.0);
	assert_int_equal(synth_sample(&s, sv, 20.0, 0.0), SERVO_LOCKED);
	assert_int_equal(linreg_servo_fit(NULL, NULL, NULL), -EINVAL);
	servo_destroy(sv);
}

static void test_converges_and_grows(void **state)
{
	struct servo *sv = st_make(SERVO_LINREG, false, 0.0);
	struct servo_estimate e;
	struct synth s;
	double sq = 0.0, err = 0.0;
	int pts = 0;

	(void)state;
	synth_init(&s, 5000.0, -7000.0, 2);
	for (int i = 0; i < 400; i++) {
		synth_sample(&s, sv, 50.0, 0.0);
		synth_advance(&s, 1.0);
		if (i >= 200)
			sq += s.x * s.x;
	}
	assert_true(sqrt(sq / 200) < 60.0);
	assert_int_equal(linreg_servo_fit(sv, &pts, &err), 0);
	assert_int_equal(pts, 64);
	assert_true(err > 0.0 && err < 200.0);
	assert_int_equal(servo_estimate(sv, &e), 0);
	assert_true(e.valid);
	assert_near(e.freq_ppb, 7000.0, 5.0);
	assert_true(e.freq_var > 0.0);
	assert_true(e.meas_var > 100.0 && e.meas_var < 10000.0);
	assert_true(e.wander < 0.0); /* linreg does not learn it */
	servo_destroy(sv);
}

/* With step_threshold set, a jump of the clock beyond it steps again (the
 * fit straddles the jump for a few samples, as in linuxptp's linreg, and
 * may step more than once); the clock is back within a few samples. */
static void test_step_threshold(void **state)
{
	struct servo_params p;
	struct servo *sv = NULL;
	struct synth s;
	bool jumped = false;

	(void)state;
	servo_params_default(&p);
	p.step_threshold_s = 0.0005;
	assert_int_equal(servo_create(&sv, SERVO_LINREG, &p, 0.0, 1e8), 0);
	synth_init(&s, 0.0, 100.0, 3);
	for (int i = 0; i < 60; i++) {
		synth_sample(&s, sv, 20.0, 0.0);
		synth_advance(&s, 1.0);
	}
	s.x += 2000000.0;
	for (int i = 0; i < 6 && !jumped; i++) {
		jumped = synth_sample(&s, sv, 20.0, 0.0) == SERVO_JUMP;
		synth_advance(&s, 1.0);
	}
	assert_true(jumped);
	for (int i = 0; i < 10; i++) {
		synth_sample(&s, sv, 20.0, 0.0);
		synth_advance(&s, 1.0);
	}
	assert_true(fabs(s.x) < 1000.0);
	servo_destroy(sv);
}

/* The estimate's uncertainties describe its errors: over many seeded
 * runs, the phase error ex = phase - x and the own-frequency error
 * ed = -freq - d have the variances and the covariance the servo reports
 * (within 0.7..1.4; 300 runs estimate them to about 10 %), once the fit
 * has grown to its 64 points.  The fit's intercept is at the newest
 * point, where the phase is about 4x less certain than at the points'
 * mean, and ex and ed are strongly correlated.  (A shorter fit, which
 * the servo picks now and then when its recent predictions happened to
 * be better, is less well calibrated: the choice favours fits whose
 * residuals came out small.) */
static void test_estimate_calibrated(void **state)
{
	const int runs = 300;
	double exx = 0.0, edd = 0.0, exd = 0.0, pv = 0.0, fv = 0.0, cv = 0.0;
	double ex, ed;

	(void)state;
	for (int r = 0; r < runs; r++) {
		struct servo *sv = st_make(SERVO_LINREG, false, 0.0);
		struct servo_estimate e;
		struct synth s;

		synth_init(&s, 0.0, 2000.0 + 10.0 * r, 1000 + (uint64_t)r);
		for (int i = 0; i < 400; i++) {
			if (i)
				synth_advance(&s, 1.0);
			assert_int_not_equal(synth_sample(&s, sv, 50.0, 0.0),
					     SERVO_JUMP);
		}
		assert_int_equal(servo_estimate(sv, &e), 0);
		ex = e.phase_ns - s.x;
		ed = -e.freq_ppb - s.d;
		exx += ex * ex;
		edd += ed * ed;
		exd += ex * ed;
		pv += e.phase_var;
		fv += e.freq_var;
		cv += e.cov;
		servo_destroy(sv);
	}
	print_message("linreg: phase var %.1f (reported %.1f), freq var %.4f "
		      "(%.4f), cov %.3f (%.3f)\n", exx / runs, pv / runs,
		      edd / runs, fv / runs, exd / runs, cv / runs);
	assert_true(exx / pv > 0.7 && exx / pv < 1.4);
	assert_true(edd / fv > 0.7 && edd / fv < 1.4);
	assert_true(cv > 0.0);
	assert_true(exd / cv > 0.7 && exd / cv < 1.4);
}

static void test_rebase_reset(void **state)
{
	struct servo *sv = st_make(SERVO_LINREG, false, 500.0);
	struct servo_estimate e, f;
	struct servo_out o;
	struct synth s;

	(void)state;
	assert_int_equal(servo_estimate(sv, &e), -ENODATA);
	synth_init(&s, 0.0, -500.0, 4);
	for (int i = 0; i < 40; i++) {
		synth_sample(&s, sv, 10.0, 0.0);
		synth_advance(&s, 1.0);
	}
	assert_int_equal(servo_estimate(sv, &e), 0);
	servo_rebase(sv, 300.0);
	assert_int_equal(servo_estimate(sv, &f), 0);
	assert_near(f.phase_ns - e.phase_ns, 300.0, 1.0);
	assert_near(f.freq_ppb, e.freq_ppb, 1e-6);
	servo_reset(sv);
	servo_sample(sv, 0, synth_local(&s), 1.0, &o);
	assert_int_equal(o.state, SERVO_UNLOCKED);
	assert_near(o.freq_ppb, s.u, 1e-9);
	servo_destroy(sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_and_step),
		cmocka_unit_test(test_converges_and_grows),
		cmocka_unit_test(test_step_threshold),
		cmocka_unit_test(test_estimate_calibrated),
		cmocka_unit_test(test_rebase_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
