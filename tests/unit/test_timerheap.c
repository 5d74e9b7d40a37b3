/* tests/unit/test_timerheap.c — the poll loop's indexed timer heap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common/rng.h"
#include "daemon/timerheap.h"

static void test_empty(void **state)
{
	struct timerheap th;

	(void)state;
	assert_int_equal(timerheap_init(&th, 8), 0);
	assert_true(timerheap_next(&th) == INT64_MAX);
	assert_int_equal(timerheap_pop_due(&th, 1000), -1);
	assert_false(timerheap_armed(&th, 3));
	assert_int_equal(timerheap_arm(&th, 8, 1), -22);
	assert_int_equal(timerheap_arm(&th, -1, 1), -22);
	timerheap_free(&th);
}

static void test_order_and_rearm(void **state)
{
	struct timerheap th;

	(void)state;
	assert_int_equal(timerheap_init(&th, 8), 0);
	timerheap_arm(&th, 1, 300);
	timerheap_arm(&th, 2, 100);
	timerheap_arm(&th, 3, 200);
	assert_true(timerheap_next(&th) == 100);
	/* re-arming moves a timer, it does not duplicate it */
	timerheap_arm(&th, 2, 400);
	assert_true(timerheap_next(&th) == 200);
	assert_int_equal(th.n, 3);
	assert_int_equal(timerheap_pop_due(&th, 250), 3);
	assert_int_equal(timerheap_pop_due(&th, 250), -1);
	assert_int_equal(timerheap_pop_due(&th, 1000), 1);
	assert_int_equal(timerheap_pop_due(&th, 1000), 2);
	assert_int_equal(th.n, 0);
	timerheap_free(&th);
}

static void test_stop(void **state)
{
	struct timerheap th;

	(void)state;
	assert_int_equal(timerheap_init(&th, 8), 0);
	timerheap_arm(&th, 5, 50);
	timerheap_arm(&th, 6, 60);
	timerheap_stop(&th, 5);
	timerheap_stop(&th, 5); /* twice is harmless */
	assert_false(timerheap_armed(&th, 5));
	assert_true(timerheap_armed(&th, 6));
	assert_int_equal(timerheap_pop_due(&th, 100), 6);
	timerheap_free(&th);
}

/* Equal deadlines pop in id order: the loop is deterministic. */
static void test_ties(void **state)
{
	struct timerheap th;

	(void)state;
	assert_int_equal(timerheap_init(&th, 8), 0);
	for (int id = 7; id >= 0; id--)
		timerheap_arm(&th, id, 10);
	for (int id = 0; id < 8; id++)
		assert_int_equal(timerheap_pop_due(&th, 10), id);
	timerheap_free(&th);
}

/* Random arm/stop against a plain array model. */
static void test_random_model(void **state)
{
	enum { N = 64 };
	struct timerheap th;
	int64_t model[N];
	struct cm_rng rng;

	(void)state;
	cm_rng_seed(&rng, 42);
	assert_int_equal(timerheap_init(&th, N), 0);
	for (int i = 0; i < N; i++)
		model[i] = -1;
	for (int step = 0; step < 20000; step++) {
		int id = (int)cm_rng_below(&rng, N);
		int op = (int)cm_rng_below(&rng, 3);

		if (op < 2) {
			int64_t at = (int64_t)cm_rng_below(&rng, 1000);

			timerheap_arm(&th, id, at);
			model[id] = at;
		} else {
			timerheap_stop(&th, id);
			model[id] = -1;
		}
		/* the earliest matches the model's minimum */
		int64_t min = INT64_MAX;

		for (int i = 0; i < N; i++) {
			if (model[i] >= 0 && model[i] < min)
				min = model[i];
			assert_true(timerheap_armed(&th, i) == (model[i] >= 0));
		}
		assert_true(timerheap_next(&th) == min);
	}
	/* drain: non-decreasing deadlines */
	int64_t last = -1;
	int id;

	while ((id = timerheap_pop_due(&th, INT64_MAX - 1)) >= 0) {
		assert_true(model[id] >= last);
		last = model[id];
		model[id] = -1;
	}
	for (int i = 0; i < N; i++)
		assert_true(model[i] == -1);
	timerheap_free(&th);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_order_and_rearm),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_random_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
