/*
 * tests/unit/test_hwts_clockadj.c — the pure arithmetic of hwts/clockadj.c,
 * no system call: the tick's units and range for several USER_HZ, the
 * split of a frequency into tick + scaled ppm and back over the whole range
 * (the sum within half a unit of scaled ppm, the freq part within half a
 * tick unit while the tick is inside its range), error bounds in us.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "hwts/hwts_priv.h"

#define HALF_SCALED_PPB (0.5 * 1000.0 / 65536.0)

static void test_tick_init(void **state)
{
	static const struct {
		long hz, nominal, min, max;
		double max_ppb;
	} ok[] = {
		{ 100, 10000, 9000, 11000, 100500000.0 },
		{ 250, 4000, 3600, 4400, 100500000.0 },
		{ 1000, 1000, 900, 1100, 100500000.0 },
		/* 15625 us: 1562 units up, 1563 down; the narrower counts */
		{ 64, 15625, 14062, 17187, 1562.0 * 64000.0 + 500000.0 },
		{ 100000, 10, 9, 11, 100500000.0 },
	};
	static const long bad[] = { 0, -1, -100, 3, 1024, 200000, 1000000 };
	struct hwts_tick t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(hwts_tick_init(&t, ok[i].hz), 0);
		assert_int_equal(t.hz, ok[i].hz);
		assert_int_equal(t.nominal, ok[i].nominal);
		assert_int_equal(t.min, ok[i].min);
		assert_int_equal(t.max, ok[i].max);
		assert_true(t.unit_ppb == ok[i].hz * 1000.0);
		assert_true(hwts_tick_max_ppb(&t) == ok[i].max_ppb);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hwts_tick_init(&t, bad[i]), -EINVAL);
}

/* One split checked against the rules; returns the tick. */
static long check_split(const struct hwts_tick *t, double ppb)
{
	long tick, freq;
	double back;

	hwts_tick_split(t, ppb, &tick, &freq);
	assert_in_range(tick, t->min, t->max);
	assert_in_range(freq + HWTS_MAXFREQ_SCALED, 0,
			2 * HWTS_MAXFREQ_SCALED);
	/* inside the range the tick is the nearest: half a unit at most */
	if (tick > t->min && tick < t->max)
		assert_true(fabs(hwts_scaled_ppm_to_ppb(freq)) <=
			    t->unit_ppb / 2 + HALF_SCALED_PPB);
	back = hwts_tick_join(t, tick, freq);
	assert_true(fabs(back - ppb) <= HALF_SCALED_PPB * (1 + 1e-9));
	return tick;
}

static void test_split_sweep(void **state)
{
	static const long hzs[] = { 100, 250, 1000, 64 };
	struct hwts_tick t;
	double max, ppb;
	size_t h;
	int i;

	(void)state;
	srand(7);
	for (h = 0; h < sizeof(hzs) / sizeof(hzs[0]); h++) {
		assert_int_equal(hwts_tick_init(&t, hzs[h]), 0);
		max = hwts_tick_max_ppb(&t);
		for (i = -20000; i <= 20000; i++)
			check_split(&t, max * i / 20000.0);
		for (i = 0; i < 20000; i++) {
			ppb = ((double)rand() / RAND_MAX * 2.0 - 1.0) * max;
			check_split(&t, ppb);
		}
		/* around each half unit */
		for (i = -100; i <= 100; i++) {
			check_split(&t, (i + 0.5) * t.unit_ppb);
			check_split(&t, (i + 0.5) * t.unit_ppb - 1e-3);
		}
	}
}

static void test_split_ends(void **state)
{
	struct hwts_tick t;
	long tick, freq;

	(void)state;
	assert_int_equal(hwts_tick_init(&t, 100), 0);
	assert_int_equal(check_split(&t, 90000000.0), 10900);
	assert_int_equal(check_split(&t, -90000000.0), 9100);
	assert_int_equal(check_split(&t, 600000.0), 10006);
	assert_int_equal(check_split(&t, -600000.0), 9994);
	/* half a unit goes away from zero: the tick takes it */
	hwts_tick_split(&t, 50000.0, &tick, &freq);
	assert_int_equal(tick, 10001);
	assert_int_equal(freq, -3276800);
	hwts_tick_split(&t, -50000.0, &tick, &freq);
	assert_int_equal(tick, 9999);
	assert_int_equal(freq, 3276800);
	/* beyond the range (callers clamp first): both parts at their end */
	hwts_tick_split(&t, 1e12, &tick, &freq);
	assert_int_equal(tick, 11000);
	assert_int_equal(freq, HWTS_MAXFREQ_SCALED);
	hwts_tick_split(&t, -1e12, &tick, &freq);
	assert_int_equal(tick, 9000);
	assert_int_equal(freq, -HWTS_MAXFREQ_SCALED);
	hwts_tick_split(&t, NAN, &tick, &freq);
	assert_in_range(tick, 9000, 11000);
}

static void test_join(void **state)
{
	struct hwts_tick t;

	(void)state;
	assert_int_equal(hwts_tick_init(&t, 100), 0);
	assert_true(hwts_tick_join(&t, 10000, 0) == 0.0);
	assert_true(hwts_tick_join(&t, 10003, 65536) == 301000.0);
	assert_true(hwts_tick_join(&t, 9000, -32768000) == -100500000.0);
	assert_true(hwts_tick_join(&t, 11000, 32768000) == 100500000.0);
	/* outside the kernel's range: not a tick the kernel would have */
	assert_true(hwts_tick_join(&t, 0, 65536) == 1000.0);
	assert_true(hwts_tick_join(&t, 8999, 0) == 0.0);
	assert_true(hwts_tick_join(&t, 11001, 0) == 0.0);
}

static void test_err_ns_to_us(void **state)
{
	static const struct {
		int64_t ns;
		long us;
	} t[] = {
		{ INT64_MIN, 0 },
		{ -1, 0 },
		{ 0, 0 },
		{ 1, 1 },
		{ 1000, 1 },
		{ 1001, 2 },
		{ 15999999000LL, 15999999 },
		{ 15999999001LL, 16000000 },
		{ 16000000000LL, 16000000 },
		{ INT64_MAX, 16000000 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(hwts_err_ns_to_us(t[i].ns), t[i].us);
}

static void test_scaled_ppm(void **state)
{
	(void)state;
	assert_int_equal(hwts_ppb_to_scaled_ppm(500000.0), HWTS_MAXFREQ_SCALED);
	assert_true(hwts_scaled_ppm_to_ppb(HWTS_MAXFREQ_SCALED) ==
		    HWTS_MAXFREQ_PPB);
	assert_int_equal(hwts_ppb_to_scaled_ppm(-1.0), -66);
	assert_true(hwts_scaled_ppm_to_ppb(-65536) == -1000.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tick_init),
		cmocka_unit_test(test_split_sweep),
		cmocka_unit_test(test_split_ends),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_err_ns_to_us),
		cmocka_unit_test(test_scaled_ppm),
	};

	return cmocka_run_group_tests_name("hwts_clockadj", tests, NULL, NULL);
}
