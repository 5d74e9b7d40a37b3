/*
 * tests/unit/test_pathsel.c — the measurement filter (servo/pathsel.c):
 * NONE passes the core's offsets; until a delay measured while settled
 * comes, the first core delay is held; then the median of the settled
 * ones, with the servo's phase moved (rebase) at the switch; delays taken
 * while not settled, or with Syncs that disagree with the prediction,
 * stay out; SELECT's least-delay estimate is unbiased under exponential
 * jitter both ways, weighs late Syncs down, and starts again when the
 * path changes.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/rng.h"
#include "servo/pathsel.h"
#include "servo_test.h"

/* A link: base delay D, exponential jitter J both ways; the clock's true
 * offset x; the "core": its delay is a median we do not need, so tests
 * set it.  One Sync: ms = x + D + jitter; a new delay measurement every
 * Sync: (ms + sm) / 2 with sm = D - x + jitter. */
struct link {
	double d, j, x;
	struct cm_rng rng;
	int64_t last_ms;
};

static double expo(struct cm_rng *r, double mean)
{
	return mean > 0.0 ? -mean * log(1.0 - cm_rng_uniform(r)) : 0.0;
}

static void sync_in(struct link *l, struct psel_in *in, int64_t core_delay,
		    bool new_delay)
{
	int64_t ms = llround(l->x + l->d + expo(&l->rng, l->j));
	int64_t sm = llround(-l->x + l->d + expo(&l->rng, l->j));

	memset(in, 0, sizeof(*in));
	in->ms_ns = ms;
	in->path_delay_ns = core_delay;
	in->offset_ns = ms - core_delay;
	if (new_delay)
		in->raw_delay_ns = (l->last_ms + sm) / 2;
	else
		in->raw_delay_ns = l->last_ms ? in->raw_delay_ns : 0;
	in->have_ms = true;
	in->xpred_ns = l->x;
	in->meas_var = l->j * l->j + 25.0;
	l->last_ms = ms;
}

static void test_none(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in = { .offset_ns = 123, .path_delay_ns = 456,
			      .ms_ns = 579, .raw_delay_ns = 400,
			      .have_ms = true };
	struct psel_out o;

	(void)state;
	psel_cfg_default(&c);
	assert_int_equal(c.mode, PSEL_NONE);
	assert_int_equal(psel_cfg_check(&c), 0);
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 3; i++) {
		psel_sample(&p, &in, &o);
		assert_true(o.offset_ns == 123);
		assert_true(o.delay_ns == 456);
		assert_true(o.rebase_ns == 0.0);
		assert_true(o.excess_ns == 0.0);
	}
	c.keep = 9;
	c.window = 8;
	assert_int_equal(psel_cfg_check(&c), -EINVAL);
	c.keep = 4;
	c.mode = 7;
	assert_int_equal(psel_cfg_check(&c), -EINVAL);
}

/* MEDIAN: the held delay, the switch, unsettled delays kept out. */
static void test_median(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o;
	int64_t raw = 0;

	(void)state;
	psel_cfg_default(&c);
	c.mode = PSEL_MEDIAN;
	c.window = 5;
	psel_init(&p, &c);
	/* the core's first delay (-20 us: measured while the clock was off)
	 * is held, whatever the core says next */
	memset(&in, 0, sizeof(in));
	in.have_ms = true;
	in.ms_ns = 100;
	in.path_delay_ns = -20000;
	in.offset_ns = in.ms_ns - in.path_delay_ns;
	in.raw_delay_ns = -30000;
	psel_sample(&p, &in, &o);
	assert_true(o.delay_ns == -20000);
	assert_true(o.offset_ns == 20100);
	in.path_delay_ns = -5000;
	in.offset_ns = in.ms_ns + 5000;
	in.raw_delay_ns = -2000; /* new, but the servo is not settled */
	psel_sample(&p, &in, &o);
	assert_true(o.delay_ns == -20000);
	assert_true(o.offset_ns == 20100);
	/* settled: the next new delay is ours; the servo's phase moves by
	 * the difference (held - ours) */
	psel_verdict(&p, true);
	in.raw_delay_ns = 100;
	psel_sample(&p, &in, &o);
	assert_true(o.delay_ns == 100);
	assert_true(o.offset_ns == 0);
	assert_near(o.rebase_ns, -20100.0, 1e-9);
	/* more delays: their median, without further rebase once the
	 * window is full */
	for (int i = 0; i < 6; i++) {
		raw = 90 + 5 * i;
		in.raw_delay_ns = raw;
		psel_sample(&p, &in, &o);
	}
	assert_true(o.delay_ns == 105);
	in.raw_delay_ns = 1000;
	psel_sample(&p, &in, &o);
	assert_true(o.rebase_ns == 0.0);
	assert_true(o.delay_ns == 110);
	/* a step forgets the delays, keeps the one in use */
	psel_stepped(&p);
	in.raw_delay_ns = 5;
	psel_sample(&p, &in, &o);
	assert_true(o.delay_ns == 110);
	assert_true(p.delays == 8);
}

/* SELECT: exponential jitter of 10 us both ways.  The core's median
 * would be biased by ~0.16 J; the least-delay estimate, weighted as the
 * servo weighs the Syncs, is not (the weighted mean of the offsets). */
static void test_select_unbiased(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o;
	struct link l = { .d = 50000.0, .j = 10000.0, .x = 0.0 };
	double sw = 0.0, swz = 0.0, r = 1e8, late = 0.0;

	(void)state;
	cm_rng_seed(&l.rng, 5);
	psel_cfg_default(&c);
	c.mode = PSEL_SELECT;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 20000; i++) {
		sync_in(&l, &in, 50000, true);
		in.meas_var = r;
		psel_sample(&p, &in, &o);
		if (i < 50)
			continue;
		assert_int_equal(p.basis, PSEL_B_SELECT);
		double w = r / (r + o.excess_ns * o.excess_ns);

		sw += w;
		swz += w * (double)o.offset_ns;
		if (o.excess_ns > late)
			late = o.excess_ns;
	}
	/* the weighted offsets average to the true offset (0), within
	 * 3 % of the jitter */
	assert_true(fabs(swz / sw) < 300.0);
	assert_true(late > 10000.0);
}

/* The path gets 100 us longer: the late Syncs take over the windows and
 * the delay follows within a window.  It gets 150 us shorter: the Syncs
 * come impossibly early, stay out of the windows, and after four in a
 * row the windows start again from the core's delay (the servo's phase
 * moved with them). */
static void test_select_path_change(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o;
	struct link l = { .d = 200000.0, .j = 100.0, .x = 0.0 };
	uint64_t before;
	double moved = 0.0;

	(void)state;
	cm_rng_seed(&l.rng, 6);
	psel_cfg_default(&c);
	c.mode = PSEL_SELECT;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 100; i++) {
		sync_in(&l, &in, 200100, true);
		psel_sample(&p, &in, &o);
	}
	assert_int_equal(p.basis, PSEL_B_SELECT);
	l.d += 100000.0;
	for (int i = 0; i < c.window; i++) {
		sync_in(&l, &in, 300100, true);
		psel_sample(&p, &in, &o);
	}
	assert_near((double)o.delay_ns, 300000.0, 300.0);
	before = p.restarts;
	l.d -= 150000.0;
	for (int i = 0; i < 6; i++) {
		sync_in(&l, &in, 150100, true);
		psel_sample(&p, &in, &o);
		moved += o.rebase_ns;
	}
	assert_true(p.restarts == before + 1);
	assert_near((double)o.delay_ns, 150100.0, 300.0);
	assert_near(moved, 150000.0, 1000.0);
	/* a Sync far earlier than predicted keeps its delays out */
	before = p.delays;
	in.xpred_ns = 1e6;
	psel_sample(&p, &in, &o);
	assert_true(p.delays == before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_select_unbiased),
		cmocka_unit_test(test_select_path_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
