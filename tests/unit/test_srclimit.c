/* tests/unit/test_srclimit.c — per-source token buckets
 * (common/srclimit.h), against the arithmetic of the token bucket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/srclimit.h"

#define MS 1000000LL
#define SEC 1000000000LL

static struct srclimit l;

static bool take(uint32_t src, int64_t now)
{
	return srclimit_take(&l, &src, sizeof(src), now);
}

/* rate r, burst b: b at once, then one per 1/r; the count over a long
 * run is b + r * t. */
static void test_burst_then_rate(void **state)
{
	int n = 0;

	(void)state;
	srclimit_init(&l, 100, 20, 42);
	for (int i = 0; i < 50; i++)
		n += take(1, 0);
	assert_int_equal(n, 20);
	/* 20,000 per second for 2 s: 20 + 100 * 2 taken in all */
	for (int64_t t = 50000; t <= 2 * SEC; t += 50000)
		n += take(1, t);
	assert_int_equal(n, 20 + 200);
	assert_int_equal(l.passed, 220);
	assert_int_equal(l.limited, 30 + 40000 - 200);
}

/* A source at its own pace is never limited, whatever another does. */
static void test_sources_apart(void **state)
{
	(void)state;
	srclimit_init(&l, 10, 1, 7);
	for (int64_t t = 0; t < 10 * SEC; t += 100 * MS) {
		assert_true(take(2, t));
		for (int i = 0; i < 100; i++)
			take(1, t + i);
	}
}

/* Full of busy sources: newcomers share one bucket; an idle source's
 * slot is taken by a newcomer, which loses nothing. */
static void test_table_full(void **state)
{
	int n = 0;

	(void)state;
	srclimit_init(&l, 1, 1, 9);
	for (uint32_t s = 0; s < SRCLIMIT_SOURCES; s++)
		assert_true(take(s, 0));
	/* every one busy for a second: 100 newcomers share one bucket */
	for (uint32_t s = 1000; s < 1100; s++)
		n += take(s, 0);
	assert_int_equal(n, 1);
	assert_int_equal(l.overflowed, 100);
	/* a second later every bucket is full again: a newcomer gets a
	 * slot of its own */
	assert_true(take(5000, SEC));
	assert_int_equal(l.n, SRCLIMIT_SOURCES);
	assert_int_equal(l.overflowed, 100);
}

/* rate 0: no limit, and nothing kept. */
static void test_no_limit(void **state)
{
	(void)state;
	srclimit_init(&l, 0, 1, 1);
	for (int i = 0; i < 100000; i++)
		assert_true(take(1, 0));
	assert_int_equal(l.n, 0);
	/* a source without an address is one source */
	srclimit_init(&l, 1, 2, 1);
	assert_true(srclimit_take(&l, NULL, 0, 0));
	assert_true(srclimit_take(&l, NULL, 0, 0));
	assert_false(srclimit_take(&l, NULL, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_sources_apart),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_no_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
