/*
 * tests/unit/test_pi.c — the servo dispatch (servo/servo.c) and the PI servo
 * (servo/pi.c): gains against linuxptp's formula, the UNLOCKED -> JUMP /
 * LOCKED sequence, step thresholds, the frequency clamp, LOCKED_STABLE and
 * reset.  Sign convention: offset = local - master; freq_ppb is the
 * frequency to set (positive = faster); step_ns is added to the clock.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "servo/pi.h"
#include "servo/servo.h"

#define NS 1000000000LL

/* cmocka 1.1 compares only floats: a double check that shows the values. */
static void check_near(double a, double b, double eps, const char *file,
		       int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.12g != %.12g (tolerance %g)\n", a, b, eps);
	_fail(file, line);
}
#define assert_near(a, b, eps) \
	check_near((double)(a), (double)(b), (eps), __FILE__, __LINE__)

/* linuxptp's PI constants, written out. */
#define HW_KP_SCALE 0.7
#define HW_KI_SCALE 0.3
#define SW_KP_SCALE 0.1
#define SW_KI_SCALE 0.001
#define KP_EXPONENT (-0.3)
#define KI_EXPONENT 0.4
#define KP_NORM_MAX 0.7
#define KI_NORM_MAX 0.3

/* k = scale * T^exponent, at most norm_max / T. */
static double gain(double scale, double exponent, double norm_max, double t)
{
	double k = scale * pow(t, exponent);

	return k > norm_max / t ? norm_max / t : k;
}

static struct servo *make(const struct servo_params *p, double fadj,
			  double max_ppb)
{
	struct servo *s = NULL;

	assert_int_equal(servo_create(&s, SERVO_PI, p, fadj, max_ppb), 0);
	assert_non_null(s);
	return s;
}

static void check_gains(bool sw, double t, double lit_kp, double lit_ki)
{
	struct servo_params p;
	struct servo *s;
	double kp, ki;

	servo_params_default(&p);
	p.sw_timestamping = sw;
	s = make(&p, 0, 1e6);
	servo_sync_interval(s, t);
	assert_int_equal(pi_servo_gains(s, &kp, &ki), 0);
	assert_near(kp, gain(sw ? SW_KP_SCALE : HW_KP_SCALE,
				     KP_EXPONENT, KP_NORM_MAX, t), 1e-12);
	assert_near(ki, gain(sw ? SW_KI_SCALE : HW_KI_SCALE,
				     KI_EXPONENT, KI_NORM_MAX, t), 1e-12);
	/* And the numbers themselves, computed by hand. */
	assert_near(kp, lit_kp, 1e-5);
	assert_near(ki, lit_ki, 1e-7);
	servo_destroy(s);
}

static void test_gains_hw(void **state)
{
	(void)state;
	check_gains(false, 1.0, 0.7, 0.3);
	check_gains(false, 0.125, 1.306246, 0.1305826);
	/* 4 s: both capped by norm_max / T. */
	check_gains(false, 4.0, 0.175, 0.075);
}

static void test_gains_sw(void **state)
{
	(void)state;
	check_gains(true, 1.0, 0.1, 0.001);
	check_gains(true, 0.125, 0.186607, 0.0004353);
}

static void test_gains_explicit(void **state)
{
	struct servo_params p;
	struct servo *s;
	double kp, ki;

	(void)state;
	servo_params_default(&p);
	p.pi_proportional_const = 0.5;
	p.pi_integral_const = 0.05;
	s = make(&p, 0, 1e6);
	servo_sync_interval(s, 1.0);
	assert_int_equal(pi_servo_gains(s, &kp, &ki), 0);
	assert_near(kp, 0.5, 1e-12);
	assert_near(ki, 0.05, 1e-12);
	servo_sync_interval(s, 0.125); /* no interval dependence */
	assert_int_equal(pi_servo_gains(s, &kp, &ki), 0);
	assert_near(kp, 0.5, 1e-12);
	assert_near(ki, 0.05, 1e-12);
	servo_sync_interval(s, 4.0); /* but capped at 1.0/T and 2.0/T */
	assert_int_equal(pi_servo_gains(s, &kp, &ki), 0);
	assert_near(kp, 0.25, 1e-12);
	assert_near(ki, 0.05, 1e-12);
	servo_destroy(s);

	/* Only one of the two set: ignored, hardware defaults. */
	p.pi_integral_const = 0.0;
	s = make(&p, 0, 1e6);
	servo_sync_interval(s, 1.0);
	assert_int_equal(pi_servo_gains(s, &kp, &ki), 0);
	assert_near(kp, 0.7, 1e-12);
	assert_near(ki, 0.3, 1e-12);
	servo_destroy(s);

	/* Explicit scales with the default exponents. */
	servo_params_default(&p);
	p.pi_proportional_scale = 0.2;
	p.pi_integral_scale = 0.02;
	s = make(&p, 0, 1e6);
	servo_sync_interval(s, 0.125);
	assert_int_equal(pi_servo_gains(s, &kp, &ki), 0);
	assert_near(kp, 0.2 * pow(0.125, -0.3), 1e-12);
	assert_near(ki, 0.02 * pow(0.125, 0.4), 1e-12);
	servo_destroy(s);
}

static void test_first_sample_unlocked(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 1234.0, 1e6);
	servo_sample(s, 5000000, 100 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_UNLOCKED);
	assert_int_equal(o.step_ns, 0);
	assert_near(o.freq_ppb, 1234.0, 1e-9); /* unchanged */
	assert_true(s->first_update);
	servo_destroy(s);
}

static void test_second_sample_jump(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 0.0, 1e6);
	servo_sync_interval(s, 1.0);
	servo_sample(s, 1000000, 100 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_UNLOCKED);
	servo_sample(s, 1000000, 101 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_JUMP);
	assert_int_equal(o.step_ns, -1000000);
	assert_near(o.freq_ppb, 0.0, 1e-6); /* offset did not drift */
	assert_false(s->first_update);
	/* After the step the loop tracks. */
	servo_sample(s, 0, 102 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	servo_destroy(s);
}

static void test_second_sample_locked(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 1000.0, 1e6);
	servo_sync_interval(s, 1.0);
	servo_sample(s, -10000, 100 * NS, 1.0, &o);
	/* offset grew by 20 us in 1 s: 20 ppm fast */
	servo_sample(s, 10000, 101 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_int_equal(o.step_ns, 0);
	/* f = f0 - (1e9 + f0) * slope */
	assert_near(o.freq_ppb, 1000.0 - (1e9 + 1000.0) * 20000 / 1e9, 1e-6);
	assert_near(o.freq_ppb, -19000.02, 1e-6);
	servo_destroy(s);

	/* 10 us is under first_step_threshold (20 us): no step. */
	s = make(&p, 0.0, 1e6);
	servo_sample(s, 10000, 100 * NS, 1.0, &o);
	servo_sample(s, 10000, 101 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_int_equal(o.step_ns, 0);
	servo_destroy(s);
}

static void lock(struct servo *s, int64_t *t)
{
	struct servo_out o;

	servo_sample(s, 0, *t, 1.0, &o);
	*t += NS;
	servo_sample(s, 0, *t, 1.0, &o);
	*t += NS;
	assert_int_equal(o.state, SERVO_LOCKED);
}

static void test_step_threshold_zero(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;
	int i;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 0.0, 1e6);
	lock(s, &t);
	for (i = 0; i < 5; i++) {
		servo_sample(s, NS, t, 1.0, &o); /* 1 s */
		t += NS;
		assert_int_equal(o.state, SERVO_LOCKED);
		assert_int_equal(o.step_ns, 0);
	}
	/* ... and not after a reset either: first_update is over. */
	servo_reset(s);
	servo_sample(s, NS, t, 1.0, &o);
	t += NS;
	assert_int_equal(o.state, SERVO_UNLOCKED);
	servo_sample(s, NS, t, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_int_equal(o.step_ns, 0);
	servo_destroy(s);
}

static void test_step_threshold_after_lock(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;

	(void)state;
	servo_params_default(&p);
	p.step_threshold_s = 1e-3;
	s = make(&p, 0.0, 1e6);
	lock(s, &t);
	servo_sample(s, 900000, t, 1.0, &o); /* 0.9 ms: tracked */
	t += NS;
	assert_int_equal(o.state, SERVO_LOCKED);
	servo_sample(s, 2000000, t, 1.0, &o); /* 2 ms: start over */
	t += NS;
	assert_int_equal(o.state, SERVO_UNLOCKED);
	assert_int_equal(o.step_ns, 0);
	servo_sample(s, 2000000, t, 1.0, &o);
	t += NS;
	assert_int_equal(o.state, SERVO_UNLOCKED);
	servo_sample(s, 2000000, t, 1.0, &o);
	assert_int_equal(o.state, SERVO_JUMP);
	assert_int_equal(o.step_ns, -2000000);
	servo_destroy(s);
}

static void test_freq_clamp(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;
	double integ;
	int i;

	(void)state;
	servo_params_default(&p);
	p.max_frequency_ppb = 100000;
	s = make(&p, 0.0, 500000.0);
	assert_near(s->max_freq_ppb, 100000.0, 0);
	lock(s, &t);
	for (i = 0; i < 20; i++) {
		servo_sample(s, 10 * 1000000LL, t, 1.0, &o); /* +10 ms */
		t += NS;
		assert_near(o.freq_ppb, -100000.0, 0);
	}
	/* No wind-up while clamped. */
	assert_int_equal(pi_servo_integral(s, &integ), 0);
	assert_near(integ, 0.0, 1e-6);
	servo_sample(s, -10 * 1000000LL, t, 1.0, &o);
	assert_near(o.freq_ppb, 100000.0, 0);
	servo_destroy(s);

	/* The clock's limit is lower: it wins. */
	s = make(&p, 0.0, 50000.0);
	assert_near(s->max_freq_ppb, 50000.0, 0);
	servo_destroy(s);
	/* max_frequency 0: the clock's limit. */
	p.max_frequency_ppb = 0;
	s = make(&p, 0.0, 62500000.0);
	assert_near(s->max_freq_ppb, 62500000.0, 0);
	servo_destroy(s);
	/* Estimate clamped too. */
	p.max_frequency_ppb = 1000;
	s = make(&p, 0.0, 1e6);
	servo_sample(s, 0, t, 1.0, &o);
	servo_sample(s, 15000, t + NS, 1.0, &o); /* 15 ppm */
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_near(o.freq_ppb, -1000.0, 0);
	servo_destroy(s);
}

static void test_pi_tracks(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;
	double integ;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 0.0, 1e6);
	servo_sync_interval(s, 1.0);
	lock(s, &t);
	servo_sample(s, 100, t, 1.0, &o);
	/* f = I - kp*off - ki*off, I -= ki*off */
	assert_near(o.freq_ppb, -0.7 * 100 - 0.3 * 100, 1e-9);
	assert_int_equal(pi_servo_integral(s, &integ), 0);
	assert_near(integ, -30.0, 1e-9);
	/* weight scales the offset */
	servo_sample(s, 100, t + NS, 0.5, &o);
	assert_near(o.freq_ppb, -30.0 - 0.7 * 50 - 0.3 * 50, 1e-9);
	servo_destroy(s);
}

static void test_locked_stable(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;
	int i;

	(void)state;
	servo_params_default(&p);
	p.servo_offset_threshold_ns = 100;
	p.servo_num_offset_values = 10;
	s = make(&p, 0.0, 1e6);
	/* Lock on offsets outside the threshold: the count starts full. */
	servo_sample(s, 500, t, 1.0, &o);
	t += NS;
	servo_sample(s, 500, t, 1.0, &o);
	t += NS;
	assert_int_equal(o.state, SERVO_LOCKED);
	for (i = 0; i < 9; i++) {
		servo_sample(s, 50, t, 1.0, &o);
		t += NS;
		assert_int_equal(o.state, SERVO_LOCKED);
	}
	servo_sample(s, -50, t, 1.0, &o);
	t += NS;
	assert_int_equal(o.state, SERVO_LOCKED_STABLE);
	servo_sample(s, 10, t, 1.0, &o);
	t += NS;
	assert_int_equal(o.state, SERVO_LOCKED_STABLE);
	servo_sample(s, 500, t, 1.0, &o); /* out: count again */
	t += NS;
	assert_int_equal(o.state, SERVO_LOCKED);
	for (i = 0; i < 9; i++) {
		servo_sample(s, 0, t, 1.0, &o);
		t += NS;
		assert_int_equal(o.state, SERVO_LOCKED);
	}
	servo_sample(s, 0, t, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED_STABLE);
	servo_destroy(s);

	/* Threshold 0: never stable. */
	p.servo_offset_threshold_ns = 0;
	s = make(&p, 0.0, 1e6);
	t = 100 * NS;
	lock(s, &t);
	for (i = 0; i < 30; i++) {
		servo_sample(s, 0, t, 1.0, &o);
		t += NS;
		assert_int_equal(o.state, SERVO_LOCKED);
	}
	servo_destroy(s);
}

static void test_reset_keeps_freq(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;
	double before, after;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 0.0, 1e6);
	servo_sample(s, -15000, t, 1.0, &o);
	servo_sample(s, 15000, t + NS, 1.0, &o); /* 30 ppm */
	t += 2 * NS;
	assert_int_equal(o.state, SERVO_LOCKED);
	servo_sample(s, 0, t, 1.0, &o);
	t += NS;
	assert_int_equal(pi_servo_integral(s, &before), 0);
	assert_true(before < -29000.0);
	servo_reset(s);
	servo_sample(s, 0, t, 1.0, &o);
	t += NS;
	assert_int_equal(o.state, SERVO_UNLOCKED);
	assert_near(o.freq_ppb, before, 1e-9);
	/* No drift seen: the estimate keeps the learned frequency. */
	servo_sample(s, 0, t, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_int_equal(pi_servo_integral(s, &after), 0);
	assert_near(after, before, 1e-6);
	assert_near(o.freq_ppb, before, 1e-6);
	servo_destroy(s);
}

static void test_freq_est_interval(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;
	int64_t t = 100 * NS;
	int i;

	(void)state;
	/* Software defaults at 1 s: ki = 0.001, wait 0.016/ki = 16 s. */
	servo_params_default(&p);
	p.sw_timestamping = true;
	s = make(&p, 0.0, 1e6);
	servo_sync_interval(s, 1.0);
	for (i = 0; i <= 15; i++) {
		servo_sample(s, i * 1000, t + i * NS, 1.0, &o);
		assert_int_equal(o.state, SERVO_UNLOCKED);
	}
	servo_sample(s, 16 * 1000, t + 16 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_near(o.freq_ppb, -1000.0, 1e-6);
	servo_destroy(s);
}

static void test_time_goes_backwards(void **state)
{
	struct servo_params p;
	struct servo_out o;
	struct servo *s;

	(void)state;
	servo_params_default(&p);
	s = make(&p, 0.0, 1e6);
	servo_sample(s, 0, 100 * NS, 1.0, &o);
	servo_sample(s, 0, 100 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_UNLOCKED);
	servo_sample(s, 0, 99 * NS, 1.0, &o);
	assert_int_equal(o.state, SERVO_UNLOCKED);
	servo_sample(s, 1000, 100 * NS, NAN, &o); /* bad weight: 1 */
	assert_int_equal(o.state, SERVO_LOCKED);
	assert_near(o.freq_ppb, -1000.0, 1e-6);
	/* Extreme offsets do not crash. */
	servo_sample(s, INT64_MIN, 101 * NS, 1.0, &o);
	assert_near(o.freq_ppb, 1e6, 0);
	servo_sample(s, INT64_MAX, 102 * NS, 1.0, &o);
	assert_near(o.freq_ppb, -1e6, 0);
	servo_destroy(s);
}

static void test_names_and_create(void **state)
{
	struct servo_params p;
	struct servo *s = NULL;
	enum servo_type ty = SERVO_TYPE_COUNT;

	(void)state;
	assert_int_equal(servo_type_from_name("pi", &ty), 0);
	assert_int_equal(ty, SERVO_PI);
	assert_int_equal(servo_type_from_name("linreg", &ty), 0);
	assert_int_equal(ty, SERVO_LINREG);
	assert_int_equal(servo_type_from_name("kalman", &ty), 0);
	assert_int_equal(ty, SERVO_KALMAN);
	assert_string_equal(servo_type_name(SERVO_KALMAN), "kalman");
	assert_int_equal(servo_type_from_name("nullf", &ty), -EINVAL);
	assert_int_equal(servo_type_from_name("PI-ish", &ty), -EINVAL);
	assert_int_equal(servo_type_from_name(NULL, &ty), -EINVAL);
	assert_string_equal(servo_state_name(SERVO_UNLOCKED), "UNLOCKED");
	assert_string_equal(servo_state_name(SERVO_JUMP), "JUMP");
	assert_string_equal(servo_state_name(SERVO_LOCKED), "LOCKED");
	assert_string_equal(servo_state_name(SERVO_LOCKED_STABLE),
			    "LOCKED_STABLE");
	assert_string_equal(servo_state_name((enum servo_state)42), "UNKNOWN");

	servo_params_default(&p);
	assert_near(p.first_step_threshold_s, 0.00002, 0);
	assert_near(p.step_threshold_s, 0.0, 0);
	assert_int_equal(p.max_frequency_ppb, 900000000);
	assert_int_equal(p.servo_num_offset_values, 10);
	assert_int_equal(p.servo_offset_threshold_ns, 0);
	assert_near(p.pi_proportional_exponent, -0.3, 0);
	assert_near(p.pi_integral_exponent, 0.4, 0);
	assert_near(p.pi_proportional_norm_max, 0.7, 0);
	assert_near(p.pi_integral_norm_max, 0.3, 0);
	assert_false(p.sw_timestamping);

	assert_int_equal(servo_create(&s, SERVO_TYPE_COUNT, &p, 0, 1e6),
			 -EINVAL);
	assert_int_equal(servo_create(&s, SERVO_PI, NULL, 0, 1e6), -EINVAL);
	assert_int_equal(servo_create(&s, SERVO_PI, &p, NAN, 1e6), -EINVAL);
	p.pi_integral_norm_max = 0.0;
	assert_int_equal(servo_create(&s, SERVO_PI, &p, 0, 1e6), -EINVAL);
	servo_params_default(&p);
	p.step_threshold_s = -1.0;
	assert_int_equal(servo_create(&s, SERVO_PI, &p, 0, 1e6), -EINVAL);
	assert_null(s);
	/* Neither limit known: ptp4l's default. */
	servo_params_default(&p);
	p.max_frequency_ppb = 0;
	s = make(&p, 0, 0);
	assert_near(s->max_freq_ppb, 900000000.0, 0);
	assert_true(pi_servo_is(s));
	servo_destroy(s);
	servo_destroy(NULL);
	assert_int_equal(pi_servo_gains(NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gains_hw),
		cmocka_unit_test(test_gains_sw),
		cmocka_unit_test(test_gains_explicit),
		cmocka_unit_test(test_first_sample_unlocked),
		cmocka_unit_test(test_second_sample_jump),
		cmocka_unit_test(test_second_sample_locked),
		cmocka_unit_test(test_step_threshold_zero),
		cmocka_unit_test(test_step_threshold_after_lock),
		cmocka_unit_test(test_freq_clamp),
		cmocka_unit_test(test_pi_tracks),
		cmocka_unit_test(test_locked_stable),
		cmocka_unit_test(test_reset_keeps_freq),
		cmocka_unit_test(test_freq_est_interval),
		cmocka_unit_test(test_time_goes_backwards),
		cmocka_unit_test(test_names_and_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
