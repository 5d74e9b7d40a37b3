/*
 * tests/unit/test_lockhist.c — common/lockhist.c: a clock's lock history
 * against a scripted timeline, to the nanosecond.
 *
 * The timeline: fed unlocked from 0 s; locks at 10 s, loses lock at
 * 100 s, locks again at 112 s, loses it at 300 s, locks at 330 s.  So:
 * first lock after 10 s; locked spans 90 s, 188 s and (at 400 s) 70 s:
 * 348 s in lock; 2 losses: MTBF 174 s; recoveries of 12 s and 30 s:
 * MTTR 21 s.  Then the ring of changes wraps and keeps the newest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/lockhist.h"

#define S 1000000000LL

static void script(struct cm_lockhist *h)
{
	cm_lockhist_init(h);
	assert_false(cm_lockhist_feed(h, false, 0));
	assert_false(cm_lockhist_feed(h, false, 5 * S)); /* no change */
	assert_true(cm_lockhist_feed(h, true, 10 * S));
	assert_false(cm_lockhist_feed(h, true, 50 * S));
	assert_true(cm_lockhist_feed(h, false, 100 * S));
	assert_true(cm_lockhist_feed(h, true, 112 * S));
	assert_true(cm_lockhist_feed(h, false, 300 * S));
	assert_true(cm_lockhist_feed(h, true, 330 * S));
}

static void test_timeline(void **state)
{
	struct cm_lockhist h;
	struct cm_lockhist_fig f;

	(void)state;
	script(&h);
	cm_lockhist_figures(&h, 400 * S, &f);
	assert_true(f.started);
	assert_true(f.locked);
	assert_int_equal(f.in_state_ns, 70 * S);
	assert_int_equal(f.locked_total_ns, 348 * S);
	assert_int_equal(f.observed_ns, 400 * S);
	assert_int_equal(f.losses, 2);
	assert_true(f.first_lock_known);
	assert_int_equal(f.first_lock_ns, 10 * S);
	assert_true(f.mtbf_known);
	assert_int_equal(f.mtbf_ns, 174 * S);
	assert_true(f.mttr_known);
	assert_int_equal(f.mttr_ns, 21 * S);
	/* the newest change first */
	assert_int_equal(cm_lockhist_count(&h), 5);
	assert_int_equal(cm_lockhist_at(&h, 0)->at_ns, 330 * S);
	assert_true(cm_lockhist_at(&h, 0)->locked);
	assert_int_equal(cm_lockhist_at(&h, 1)->at_ns, 300 * S);
	assert_false(cm_lockhist_at(&h, 1)->locked);
	assert_int_equal(cm_lockhist_at(&h, 4)->at_ns, 10 * S);
	assert_null(cm_lockhist_at(&h, 5));
	assert_null(cm_lockhist_at(&h, -1));
	/* while unlocked: time in lock stands still, the figures too */
	assert_true(cm_lockhist_feed(&h, false, 400 * S));
	cm_lockhist_figures(&h, 460 * S, &f);
	assert_false(f.locked);
	assert_int_equal(f.in_state_ns, 60 * S);
	assert_int_equal(f.locked_total_ns, 348 * S);
	assert_int_equal(f.losses, 3);
	assert_int_equal(f.mtbf_ns, 116 * S);
	assert_int_equal(f.mttr_ns, 21 * S); /* the open span is no recovery */
}

/* Never fed: nothing known; fed but never locked: no first lock, no
 * MTBF (no loss), no MTTR; locked without a loss: MTBF unknown. */
static void test_unknowns(void **state)
{
	struct cm_lockhist h;
	struct cm_lockhist_fig f;

	(void)state;
	cm_lockhist_init(&h);
	cm_lockhist_figures(&h, 9 * S, &f);
	assert_false(f.started);
	assert_false(f.first_lock_known);
	assert_int_equal(cm_lockhist_count(&h), 0);
	cm_lockhist_feed(&h, false, 3 * S);
	cm_lockhist_figures(&h, 9 * S, &f);
	assert_true(f.started);
	assert_false(f.locked);
	assert_int_equal(f.in_state_ns, 6 * S);
	assert_int_equal(f.locked_total_ns, 0);
	assert_false(f.first_lock_known);
	assert_false(f.mtbf_known);
	assert_false(f.mttr_known);
	cm_lockhist_feed(&h, true, 4 * S);
	cm_lockhist_figures(&h, 9 * S, &f);
	assert_int_equal(f.first_lock_ns, 1 * S);
	assert_int_equal(f.locked_total_ns, 5 * S);
	assert_false(f.mtbf_known);
	assert_false(f.mttr_known);
	/* locked at the very first feed: first lock after 0 s */
	cm_lockhist_init(&h);
	assert_true(cm_lockhist_feed(&h, true, 7 * S));
	cm_lockhist_figures(&h, 8 * S, &f);
	assert_true(f.first_lock_known);
	assert_int_equal(f.first_lock_ns, 0);
	assert_int_equal(f.locked_total_ns, 1 * S);
}

/* More changes than the ring holds: the newest CM_LOCKHIST_RING, in
 * order; the counts and sums cover them all. */
static void test_ring_wraps(void **state)
{
	struct cm_lockhist h;
	struct cm_lockhist_fig f;
	int n = CM_LOCKHIST_RING + 5;

	(void)state;
	cm_lockhist_init(&h);
	cm_lockhist_feed(&h, false, 0);
	for (int i = 1; i <= n; i++)
		assert_true(cm_lockhist_feed(&h, i % 2, (int64_t)i * S));
	assert_int_equal(h.changes, n);
	assert_int_equal(cm_lockhist_count(&h), CM_LOCKHIST_RING);
	for (int i = 0; i < CM_LOCKHIST_RING; i++) {
		const struct cm_lockhist_change *c = cm_lockhist_at(&h, i);

		assert_int_equal(c->at_ns, (int64_t)(n - i) * S);
		assert_int_equal(c->locked, (n - i) % 2);
	}
	assert_null(cm_lockhist_at(&h, CM_LOCKHIST_RING));
	/* 21 changes: 11 locks, 10 losses, 10 recoveries of 1 s each */
	cm_lockhist_figures(&h, (int64_t)n * S, &f);
	assert_int_equal(f.losses, 10);
	assert_int_equal(f.mttr_ns, 1 * S);
	assert_int_equal(f.locked_total_ns, 10 * S);
	assert_int_equal(f.mtbf_ns, 1 * S);
}

/* A time before the last change counts as none. */
static void test_time_backwards(void **state)
{
	struct cm_lockhist h;
	struct cm_lockhist_fig f;

	(void)state;
	cm_lockhist_init(&h);
	cm_lockhist_feed(&h, false, 10 * S);
	cm_lockhist_feed(&h, true, 20 * S);
	assert_true(cm_lockhist_feed(&h, false, 15 * S));
	cm_lockhist_figures(&h, 12 * S, &f);
	assert_int_equal(f.in_state_ns, 0);
	assert_int_equal(f.locked_total_ns, 0);
	assert_int_equal(f.losses, 1);
	assert_int_equal(cm_lockhist_at(&h, 0)->at_ns, 20 * S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_unknowns),
		cmocka_unit_test(test_ring_wraps),
		cmocka_unit_test(test_time_backwards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
