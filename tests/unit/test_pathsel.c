/*
 * tests/unit/test_pathsel.c — the measurement filter (servo/pathsel.c):
 * NONE passes the core's offsets; until a delay measured while settled
 * comes, the first core delay is held; then the median of the settled
 * ones, with the servo's phase moved (rebase) at the switch; delays taken
 * while not settled, or with Syncs that disagree with the prediction,
 * stay out; SELECT's windows are fed from the samples' own one-way
 * delays (Syncs master->slave, Delay_Req exchanges slave->master), its
 * least-delay estimate is unbiased under exponential jitter both ways,
 * weighs late samples down, and starts again when the path changes; for
 * a servo that takes both directions a better delay moves nothing
 * (no rebase) and the two directions' offsets move oppositely; the
 * windows span the same time, not the same count, when Syncs come more
 * often than Delay_Req exchanges; a clock stepped from outside (one
 * direction early by what the other is late) moves the servo's phase at
 * once, a path that changes never does; a Sync far off asks for an
 * exchange at once, once per run of such Syncs.
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
 * offset x; the "core": its filtered delay is a median we do not need, so
 * tests set it.  A Sync: ms = x + D + jitter (offset at t2 ms - core
 * delay).  A Delay_Req exchange: sm = D - x + jitter (offset at t3 core
 * delay - sm); its unfiltered delay (ms + sm) / 2 is reported from the
 * next sample on, as the core completes it with the Sync after it. */
struct link {
	double d, j, x;
	double bias; /* the servo's prediction is x + bias */
	struct cm_rng rng;
	int64_t last_ms;
	int64_t raw; /* the core's latest unfiltered delay */
};

static double expo(struct cm_rng *r, double mean)
{
	return mean > 0.0 ? -mean * log(1.0 - cm_rng_uniform(r)) : 0.0;
}

static void in_common(const struct link *l, struct psel_in *in,
		      int64_t core_delay)
{
	in->path_delay_ns = core_delay;
	in->raw_delay_ns = l->raw;
	in->have_one_way = true;
	in->xpred_ns = l->x + l->bias;
	in->meas_var = l->j * l->j + 25.0;
}

static void sync_in(struct link *l, struct psel_in *in, int64_t core_delay)
{
	int64_t ms = llround(l->x + l->d + expo(&l->rng, l->j));

	memset(in, 0, sizeof(*in));
	in->dir = PSEL_FWD;
	in->one_way_ns = ms;
	in->offset_ns = ms - core_delay;
	in_common(l, in, core_delay);
	l->last_ms = ms;
}

static void dreq_in(struct link *l, struct psel_in *in, int64_t core_delay)
{
	int64_t sm = llround(-l->x + l->d + expo(&l->rng, l->j));

	memset(in, 0, sizeof(*in));
	in->dir = PSEL_REV;
	in->one_way_ns = sm;
	in->offset_ns = core_delay - sm;
	in_common(l, in, core_delay);
	l->raw = (l->last_ms + sm) / 2;
}

static bool ring_has(const struct psel_ring *r, int64_t v)
{
	for (int i = 0; i < r->n; i++) {
		if (r->v[i] == v)
			return true;
	}
	return false;
}

/* The tests' windows: 8 delays, the 4 least delayed (the mechanics at a
 * size one can follow; the defaults are 32 and 16). */
static void cfg_small(struct psel_cfg *c)
{
	psel_cfg_default(c);
	assert_int_equal(psel_cfg_check(c), 0);
	assert_int_equal(c->window, 32);
	assert_int_equal(c->keep, 16);
	c->window = 8;
	c->keep = 4;
}

static void test_none(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in = { .offset_ns = 123, .path_delay_ns = 456,
			      .one_way_ns = 579, .raw_delay_ns = 400,
			      .have_one_way = true };
	struct psel_out o;

	(void)state;
	cfg_small(&c);
	assert_int_equal(c.mode, PSEL_NONE);
	assert_int_equal(psel_cfg_check(&c), 0);
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 4; i++) {
		in.dir = i % 2 ? PSEL_REV : PSEL_FWD;
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
	cfg_small(&c);
	c.mode = PSEL_MEDIAN;
	c.window = 5;
	psel_init(&p, &c);
	/* the core's first delay (-20 us: measured while the clock was off)
	 * is held, whatever the core says next */
	memset(&in, 0, sizeof(in));
	in.have_one_way = true;
	in.one_way_ns = 100;
	in.path_delay_ns = -20000;
	in.offset_ns = in.one_way_ns - in.path_delay_ns;
	in.raw_delay_ns = -30000;
	psel_sample(&p, &in, &o);
	assert_true(o.delay_ns == -20000);
	assert_true(o.offset_ns == 20100);
	in.path_delay_ns = -5000;
	in.offset_ns = in.one_way_ns + 5000;
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
	assert_int_equal(p.dly.n, 5);
	assert_true(ring_has(&p.dly, 1000));
	/* a step forgets the delays, keeps the one in use; the next new
	 * delay (not settled since the step) stays out */
	psel_stepped(&p);
	in.raw_delay_ns = 5;
	psel_sample(&p, &in, &o);
	assert_true(o.delay_ns == 110);
	assert_int_equal(p.dly.n, 0);
	/* absurd numbers (whose sums could overflow) pass through */
	in.one_way_ns = INT64_MAX - 5;
	in.offset_ns = 77;
	psel_sample(&p, &in, &o);
	assert_true(o.offset_ns == 77);
	assert_int_equal(p.dly.n, 0);
}

/* While the median's window fills, each new median moves a one-way
 * servo's phase (rebase) by exactly what the offsets move: the offsets
 * use the median rounded to ns, so the rebase is by the rounded change
 * (a median of 1001.5 is handed out as 1002: the servo must move by 1,
 * not 0.5, or its phase drifts by up to 0.5 ns per change). */
static void test_median_rebase_exact(void **state)
{
	static const int64_t raws[] = { 1001, 1002, 1004, 1003, 1006, 1009 };
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o;
	double moved = 0.0;

	(void)state;
	cfg_small(&c);
	c.mode = PSEL_MEDIAN;
	c.window = 8;
	psel_init(&p, &c);
	memset(&in, 0, sizeof(in));
	in.have_one_way = true;
	in.path_delay_ns = 1000;
	in.one_way_ns = 1050;
	in.offset_ns = 50;
	in.raw_delay_ns = 990;
	psel_sample(&p, &in, &o); /* held: 1000 */
	psel_verdict(&p, true);
	psel_sample(&p, &in, &o);
	/* medians 1001, 1001.5, 1002, 1002.5, 1003, 1003.5 */
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		in.raw_delay_ns = raws[i];
		psel_sample(&p, &in, &o);
		moved += o.rebase_ns;
		/* the servo's phase moved by what the offsets did */
		assert_true(moved == (double)(1000 - o.delay_ns));
		assert_true(o.offset_ns == in.one_way_ns - o.delay_ns);
	}
	assert_int_equal(p.basis, PSEL_B_MEDIAN);
	assert_int_equal(p.dly.n, 6);
	assert_true(o.delay_ns == 1004);
}

/* One Sync and one Delay_Req exchange through the filter. */
static void cycle(struct psel *p, struct link *l, int64_t core_delay,
		  struct psel_out *fo, struct psel_out *ro)
{
	struct psel_in in;

	sync_in(l, &in, core_delay);
	psel_sample(p, &in, fo);
	dreq_in(l, &in, core_delay);
	psel_sample(p, &in, ro);
}

/* SELECT: exponential jitter of 10 us both ways.  The core's median
 * would be biased by ~0.16 J; the least-delay estimate, weighted as the
 * servo weighs the samples, is not (the weighted mean of the offsets of
 * each direction, and of both). */
static void test_select_unbiased(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_out o[2];
	struct link l = { .d = 50000.0, .j = 10000.0, .x = 0.0 };
	double sw[2] = { 0.0, 0.0 }, swz[2] = { 0.0, 0.0 }, r = 1e8;
	double late = 0.0;

	(void)state;
	cm_rng_seed(&l.rng, 5);
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 20000; i++) {
		cycle(&p, &l, 50000, &o[0], &o[1]);
		if (i < 50)
			continue;
		assert_int_equal(p.basis, PSEL_B_SELECT);
		for (int k = 0; k < 2; k++) {
			double w = r / (r + o[k].excess_ns * o[k].excess_ns);

			sw[k] += w;
			swz[k] += w * (double)o[k].offset_ns;
			if (o[k].excess_ns > late)
				late = o[k].excess_ns;
		}
	}
	/* the weighted offsets average to the true offset (0), within
	 * 3 % of the jitter, each direction and both */
	assert_true(fabs(swz[0] / sw[0]) < 300.0);
	assert_true(fabs(swz[1] / sw[1]) < 300.0);
	assert_true(fabs((swz[0] + swz[1]) / (sw[0] + sw[1])) < 300.0);
	assert_true(late > 10000.0);
}

/* The windows hold the samples' own one-way delays: a Sync's t2 - t1 in
 * the master->slave window, an exchange's t4 - t3 in the slave->master
 * one (each less the asymmetry and the predicted offset, with the
 * opposite sign for t4 - t3), whatever unfiltered delay the core reports
 * (here a wrong one, 7 us, that a reconstruction from the path delay
 * would have used).  The delay is the mean of the two directions.  (A
 * two-way servo, so that no rebase moves the values in the windows.) */
static void test_select_windows_one_way(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o;
	const int64_t asym = 40, xp = 300;

	(void)state;
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	c.two_way = true;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < c.window; i++) {
		memset(&in, 0, sizeof(in));
		in.have_one_way = true;
		in.path_delay_ns = 1000;
		in.raw_delay_ns = 7000 + i;
		in.xpred_ns = (double)xp;
		/* Sync: ms = 1000 + asym + x + i */
		in.dir = PSEL_FWD;
		in.one_way_ns = 1000 + asym + xp + i;
		in.offset_ns = in.one_way_ns - in.path_delay_ns - asym;
		psel_sample(&p, &in, &o);
		assert_true(o.offset_ns == in.one_way_ns - asym - o.delay_ns);
		/* exchange: sm = 1200 - asym - x + 2 i */
		in.dir = PSEL_REV;
		in.one_way_ns = 1200 - asym - xp + 2 * i;
		in.offset_ns = in.path_delay_ns - asym - in.one_way_ns;
		psel_sample(&p, &in, &o);
		assert_true(o.offset_ns == o.delay_ns - asym - in.one_way_ns);
	}
	assert_int_equal(p.way[PSEL_FWD].ring.n, c.window);
	assert_int_equal(p.way[PSEL_REV].ring.n, c.window);
	for (int i = 0; i < c.window; i++) {
		int64_t f = p.way[PSEL_FWD].ring.v[i];
		int64_t r = p.way[PSEL_REV].ring.v[i];

		assert_true(f >= 1000 && f < 1000 + c.window);
		assert_true(r >= 1200 && r < 1200 + 2 * c.window);
	}
	assert_int_equal(p.basis, PSEL_B_SELECT);
	/* between the two windows' least delays, far from the core's 7 us */
	assert_true(o.delay_ns > 1000 && o.delay_ns < 1210);
	/* a late exchange (10 us beyond the others) counts less */
	in.one_way_ns += 10000;
	in.offset_ns = in.path_delay_ns - asym - in.one_way_ns;
	psel_sample(&p, &in, &o);
	assert_true(o.excess_ns > 9000.0);
}

/* A servo that takes both directions (two_way): the switches of basis
 * (held core delay -> median -> least delay) move nothing in the servo;
 * a delay error biases the two directions' offsets oppositely, so their
 * mean is the clock's offset. */
static void test_two_way_no_rebase(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_out o[2];
	struct link l = { .d = 30000.0, .j = 50.0, .x = 700.0 };
	double moved = 0.0;

	(void)state;
	cm_rng_seed(&l.rng, 9);
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	c.two_way = true;
	psel_init(&p, &c);
	/* the core's delay is 5 us off and held */
	cycle(&p, &l, 35000, &o[0], &o[1]);
	assert_near((double)o[0].offset_ns, 700.0 - 5000.0, 300.0);
	assert_near((double)o[1].offset_ns, 700.0 + 5000.0, 300.0);
	psel_verdict(&p, true);
	for (int i = 0; i < 40; i++) {
		cycle(&p, &l, 35000, &o[0], &o[1]);
		moved += o[0].rebase_ns + o[1].rebase_ns;
	}
	assert_int_equal(p.basis, PSEL_B_SELECT);
	assert_true(moved == 0.0);
	assert_near((double)o[0].delay_ns, 30000.0, 100.0);
	assert_near(0.5 * (double)(o[0].offset_ns + o[1].offset_ns), 700.0,
		    100.0);
	/* the same in one-way mode moves the servo's phase by the 5 us (a
	 * servo of Syncs only predicts the offsets it was given: x plus the
	 * delay's error) */
	c.two_way = false;
	psel_init(&p, &c);
	moved = 0.0;
	l.bias = l.d - 35000.0;
	cycle(&p, &l, 35000, &o[0], &o[1]);
	psel_verdict(&p, true);
	for (int i = 0; i < 40; i++) {
		cycle(&p, &l, 35000, &o[0], &o[1]);
		moved += o[0].rebase_ns + o[1].rebase_ns;
		l.bias = l.d - (double)o[1].delay_ns;
	}
	assert_int_equal(p.basis, PSEL_B_SELECT);
	assert_near(moved, 5000.0, 100.0);
	assert_near((double)o[0].delay_ns, 30000.0, 100.0);
}

/* The path gets 100 us longer: the late samples take over the windows
 * and the delay follows within a window.  It gets 150 us shorter: the
 * samples come impossibly early, stay out of the windows, and after four
 * Syncs in a row the windows start again from the core's delay (the
 * servo's phase moved with them). */
static void test_select_path_change(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o, ro;
	struct link l = { .d = 200000.0, .j = 100.0, .x = 0.0 };
	uint64_t before;
	double moved = 0.0;

	(void)state;
	cm_rng_seed(&l.rng, 6);
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 100; i++)
		cycle(&p, &l, 200100, &o, &ro);
	assert_int_equal(p.basis, PSEL_B_SELECT);
	l.d += 100000.0;
	for (int i = 0; i < c.window; i++)
		cycle(&p, &l, 300100, &o, &ro);
	assert_near((double)ro.delay_ns, 300000.0, 300.0);
	before = p.restarts;
	l.d -= 150000.0;
	for (int i = 0; i < 6; i++) {
		cycle(&p, &l, 150100, &o, &ro);
		moved += o.rebase_ns + ro.rebase_ns;
	}
	assert_true(p.restarts == before + 1);
	assert_near((double)ro.delay_ns, 150100.0, 300.0);
	assert_near(moved, 150000.0, 1000.0);
	/* settled again, the windows fill; a Sync far earlier than
	 * predicted keeps the delays it takes part in out (its own and the
	 * next), one that agrees lets them in */
	psel_verdict(&p, true);
	for (int i = 0; i < c.window; i++)
		cycle(&p, &l, 150100, &o, &ro);
	for (int i = 0; i < 3; i++) {
		sync_in(&l, &in, 150100);
		in.raw_delay_ns = 1000 + i;
		if (i == 0)
			in.xpred_ns = 1e6;
		psel_sample(&p, &in, &o);
		assert_true(ring_has(&p.dly, 1000 + i) == (i == 2));
	}
}

/* rate Syncs per exchange, n exchanges, through the filter; the standard
 * deviation of the delay the Syncs used over the last half. */
static double run_rate(struct psel *p, struct link *l, int rate, int n)
{
	struct psel_in in;
	struct psel_out o;
	double s1 = 0.0, s2 = 0.0;
	int m = 0;

	for (int i = 0; i < n; i++) {
		for (int k = 0; k < rate; k++) {
			sync_in(l, &in, llround(l->d));
			psel_sample(p, &in, &o);
			if (i >= n / 2) {
				s1 += (double)o.delay_ns;
				s2 += (double)o.delay_ns * (double)o.delay_ns;
				m++;
			}
		}
		dreq_in(l, &in, llround(l->d));
		psel_sample(p, &in, &o);
	}
	s1 /= m;
	return sqrt(s2 / m - s1 * s1);
}

/* 16 Syncs per exchange: the Sync window holds the Syncs of the last N
 * exchange intervals (N = 8: 128, so PSEL_MAX_WINDOW, 4 exchange
 * intervals), the exchange window N; the least-delay estimate waits for
 * both.  Windows of N each (half a second of Syncs against 8 s of
 * exchanges) would move the delay with every Sync (standard deviation
 * 0.16 of the jitter here, against 0.11 with the Syncs of 4 s).  At 1:1
 * and 2:1 the counts are N and 2 N. */
static void test_select_rate_windows(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct link l = { .d = 1000.0, .j = 100.0, .x = 0.0 };
	double sd;

	(void)state;
	cm_rng_seed(&l.rng, 11);
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	c.two_way = true;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	/* the rates are not known from the first exchanges: N each */
	run_rate(&p, &l, 16, 4);
	assert_int_equal(p.way[PSEL_FWD].cap, c.window);
	assert_int_equal(p.way[PSEL_REV].cap, c.window);
	sd = run_rate(&p, &l, 16, 400);
	assert_int_equal(p.way[PSEL_FWD].cap, PSEL_MAX_WINDOW);
	assert_int_equal(p.way[PSEL_REV].cap, c.window);
	assert_int_equal(p.way[PSEL_FWD].ring.n, PSEL_MAX_WINDOW);
	assert_int_equal(p.way[PSEL_REV].ring.n, c.window);
	assert_int_equal(p.basis, PSEL_B_SELECT);
	assert_true(sd < 0.13 * l.j);
	/* a new master at 1:1, then 2:1 */
	psel_reset(&p);
	psel_verdict(&p, true);
	run_rate(&p, &l, 1, 100);
	assert_int_equal(p.way[PSEL_FWD].cap, c.window);
	assert_int_equal(p.way[PSEL_REV].cap, c.window);
	psel_reset(&p);
	psel_verdict(&p, true);
	run_rate(&p, &l, 2, 100);
	assert_int_equal(p.way[PSEL_FWD].cap, 2 * c.window);
	assert_int_equal(p.way[PSEL_REV].cap, c.window);
	assert_int_equal(p.way[PSEL_FWD].ring.n, 2 * c.window);
}

/* The window grows (the rate ratio becomes known) and shrinks (a new
 * ratio): the newest values stay, in order, and new ones go on from
 * there. */
/* A sample of in.dir with the one-way delay in.one_way_ns on a link of
 * delay in.path_delay_ns without asymmetry. */
static void one_way(struct psel *p, struct psel_in *in, struct psel_out *o)
{
	in->offset_ns = in->dir == PSEL_FWD
				? in->one_way_ns - in->path_delay_ns
				: in->path_delay_ns - in->one_way_ns;
	psel_sample(p, in, o);
}

static void test_select_window_resize(void **state)
{
	struct psel_cfg c;
	struct psel p;
	struct psel_in in;
	struct psel_out o;
	const struct psel_ring *r = &p.way[PSEL_FWD].ring;

	(void)state;
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	c.two_way = true;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	memset(&in, 0, sizeof(in));
	in.have_one_way = true;
	in.path_delay_ns = 1000;
	in.meas_var = 1e4;
	/* 8 exchanges and 12 Syncs (values 1000..1011): the window of 8
	 * has wrapped, holding 1004..1011 */
	for (int i = 0; i < 12; i++) {
		in.dir = PSEL_FWD;
		in.one_way_ns = 1000 + i;
		one_way(&p, &in, &o);
		if (i < 8) {
			in.dir = PSEL_REV;
			in.one_way_ns = 1000;
			one_way(&p, &in, &o);
		}
	}
	assert_int_equal(r->n, 8);
	/* Syncs only from now: at 16 of each the ratio is 2 (cap 16), the
	 * values so far first, then the new ones */
	for (int i = 12; i < 16; i++) {
		in.dir = PSEL_FWD;
		in.one_way_ns = 1000 + i;
		one_way(&p, &in, &o);
	}
	for (int i = 0; i < 8; i++) {
		in.dir = PSEL_REV;
		in.one_way_ns = 1000;
		one_way(&p, &in, &o);
	}
	for (int i = 16; i < 36; i++) {
		in.dir = PSEL_FWD;
		in.one_way_ns = 1000 + i;
		one_way(&p, &in, &o);
	}
	assert_int_equal(p.way[PSEL_FWD].cap, 2 * c.window);
	assert_int_equal(r->n, 2 * c.window);
	for (int v = 1020; v < 1036; v++)
		assert_true(ring_has(r, v));
	assert_false(ring_has(r, 1019));
	/* exchanges only: the ratio falls, the window shrinks to the
	 * newest 8 */
	for (int i = 0; i < 40; i++) {
		in.dir = PSEL_REV;
		in.one_way_ns = 1000;
		one_way(&p, &in, &o);
	}
	assert_int_equal(p.way[PSEL_FWD].cap, c.window);
	assert_int_equal(r->n, c.window);
	for (int v = 1028; v < 1036; v++)
		assert_true(ring_has(r, v));
	in.dir = PSEL_FWD;
	in.one_way_ns = 2000;
	one_way(&p, &in, &o);
	assert_true(ring_has(r, 2000));
	assert_false(ring_has(r, 1028));
	assert_true(ring_has(r, 1029));
}

/* The link of test_select_clock_step, settled and in SELECT, the
 * servo's prediction right. */
static void step_setup(struct psel *p, struct link *l, bool two_way)
{
	struct psel_cfg c;
	struct psel_out o, ro;

	cm_rng_seed(&l->rng, 21);
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	c.two_way = two_way;
	psel_init(p, &c);
	psel_verdict(p, true);
	for (int i = 0; i < 40; i++)
		cycle(p, l, llround(l->d), &o, &ro);
	assert_int_equal(p->basis, PSEL_B_SELECT);
}

/* The clock is stepped by 10 ms (+ and -) from outside.  The first
 * sample after it, of either direction, is far off and moves nothing;
 * the next of the other direction, far off the other way by as much,
 * reveals the step: the servo's phase moves by it (rebase, within the
 * jitter), the far-off value that went into a window is put back as it
 * would have read, and nothing restarts.  The samples after it (the
 * prediction moved) agree again. */
static void test_select_clock_step(void **state)
{
	static const double steps[] = { 10e6, -10e6 };
	struct psel p;
	struct psel_in in;
	struct psel_out o, ro;

	(void)state;
	for (int k = 0; k < 2; k++) {
		for (int first = 0; first < PSEL_NDIR; first++) {
			struct link l = { .d = 1000.0, .j = 100.0 };
			int64_t d = 1000;
			uint64_t restarts;

			step_setup(&p, &l, true);
			restarts = p.restarts;
			l.x += steps[k];
			l.bias = -steps[k]; /* the servo does not know yet */
			if (first == PSEL_FWD)
				sync_in(&l, &in, d);
			else
				dreq_in(&l, &in, d);
			psel_sample(&p, &in, &o);
			assert_true(o.rebase_ns == 0.0);
			if (first == PSEL_FWD)
				dreq_in(&l, &in, d);
			else
				sync_in(&l, &in, d);
			psel_sample(&p, &in, &o);
			assert_near(o.rebase_ns, steps[k], 300.0);
			assert_int_equal(p.steps_seen, 1);
			assert_true(p.restarts == restarts);
			for (int i = 0; i < PSEL_NDIR; i++) {
				for (int j = 0; j < p.way[i].ring.n; j++)
					assert_near((double)p.way[i].ring.v[j],
						    1000.0, 2000.0);
			}
			/* the prediction moved with the phase */
			l.bias = 0.0;
			for (int i = 0; i < 20; i++) {
				cycle(&p, &l, d, &o, &ro);
				assert_true(o.rebase_ns == 0.0);
				assert_true(ro.rebase_ns == 0.0);
			}
			assert_int_equal(p.steps_seen, 1);
			assert_true(p.restarts == restarts);
			assert_int_equal(p.basis, PSEL_B_SELECT);
		}
	}
}

/* What a path that changes does: both directions 10 ms later (a longer
 * path), or the Syncs alone 10 ms later and the exchanges 10 ms earlier
 * but not by as much (5 ms): never a clock step.  The same for a servo
 * of the Syncs alone. */
static void test_select_path_not_step(void **state)
{
	struct psel p;
	struct psel_out o, ro;

	(void)state;
	for (int tw = 0; tw < 2; tw++) {
		struct link l = { .d = 1000.0, .j = 100.0 };

		step_setup(&p, &l, tw);
		l.d += 10e6;
		for (int i = 0; i < 20; i++)
			cycle(&p, &l, 1000, &o, &ro);
		assert_int_equal(p.steps_seen, 0);
		step_setup(&p, &l, tw);
		/* Syncs 10 ms late (x + 10 ms), exchanges 5 ms early */
		l.x += 7.5e6;
		l.d += 2.5e6;
		l.bias = -7.5e6;
		for (int i = 0; i < 20; i++)
			cycle(&p, &l, 1000, &o, &ro);
		assert_int_equal(p.steps_seen, 0);
	}
}

/* The windows were filled while the servo's prediction was 10 ms off
 * (a servo that had not found the clock yet), and now it is right: the
 * samples come 10 ms late one way and as early the other, as after a
 * step, but the windows lie apart by as much, and the samples agree with
 * the servo: no step, the windows start again (as before, after four
 * impossibly early samples). */
static void test_select_stale_not_step(void **state)
{
	struct psel p;
	struct psel_out o, ro;
	struct link l = { .d = 1000.0, .j = 100.0, .bias = 10e6 };
	uint64_t restarts;
	double moved = 0.0;

	(void)state;
	step_setup(&p, &l, true);
	restarts = p.restarts;
	l.bias = 0.0;
	for (int i = 0; i < 6; i++) {
		cycle(&p, &l, 1000, &o, &ro);
		moved += o.rebase_ns + ro.rebase_ns;
	}
	assert_int_equal(p.steps_seen, 0);
	assert_true(moved == 0.0);
	assert_true(p.restarts == restarts + 1);
}

/* The clock is stepped by 10 ms (+ and -) from outside.  The first Sync
 * after it, far off, asks for an exchange (want_rev) once: the Syncs
 * after it do not until an exchange finished; the exchange then confirms
 * the step at once.  Nothing else ever asks: not the samples before,
 * not the exchanges, not the Syncs after. */
static void test_select_step_asks(void **state)
{
	static const double steps[] = { 10e6, -10e6 };
	struct psel p;
	struct psel_in in;
	struct psel_out o, ro;

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct link l = { .d = 1000.0, .j = 100.0 };
		int64_t d = 1000;

		step_setup(&p, &l, true);
		assert_int_equal(p.asked, 0);
		l.x += steps[k];
		l.bias = -steps[k];
		sync_in(&l, &in, d);
		psel_sample(&p, &in, &o);
		assert_true(o.want_rev);
		assert_true(o.rebase_ns == 0.0);
		for (int i = 0; i < 2; i++) {
			sync_in(&l, &in, d);
			psel_sample(&p, &in, &o);
			assert_false(o.want_rev);
		}
		dreq_in(&l, &in, d);
		psel_sample(&p, &in, &ro);
		assert_false(ro.want_rev);
		assert_near(ro.rebase_ns, steps[k], 300.0);
		assert_int_equal(p.steps_seen, 1);
		l.bias = 0.0;
		for (int i = 0; i < 20; i++) {
			cycle(&p, &l, d, &o, &ro);
			assert_false(o.want_rev);
			assert_false(ro.want_rev);
		}
		assert_int_equal(p.asked, 1);
	}
}

/* A congested path: runs of Syncs 10 ms late, the exchanges as before.
 * The first of a run asks; the rest of the run does not, before the
 * exchange nor after it (one extra exchange per run, whatever its
 * length); a Sync on time ends the run, and the next late one asks
 * again.  A filter without exchanges in its window (none came yet)
 * never asks: nothing could confirm; nor one whose servo is not settled
 * (still finding the clock, or correcting). */
static void test_select_late_syncs_ask_once(void **state)
{
	struct link l = { .d = 1000.0, .j = 100.0 };
	struct psel p;
	struct psel_in in;
	struct psel_out o, ro;
	struct psel_cfg c;
	int64_t d = 1000;

	(void)state;
	step_setup(&p, &l, true);
	psel_verdict(&p, false);
	l.d += 10e6;
	sync_in(&l, &in, d);
	psel_sample(&p, &in, &o);
	assert_false(o.want_rev);
	l.d -= 10e6;
	psel_verdict(&p, true);
	for (int i = 0; i < 10; i++)
		cycle(&p, &l, d, &o, &ro);
	assert_int_equal(p.asked, 0);
	for (int run = 0; run < 2; run++) {
		l.d += 10e6;
		sync_in(&l, &in, d);
		psel_sample(&p, &in, &o);
		assert_true(o.want_rev);
		sync_in(&l, &in, d);
		psel_sample(&p, &in, &o);
		assert_false(o.want_rev);
		l.d -= 10e6;
		dreq_in(&l, &in, d);
		psel_sample(&p, &in, &ro);
		assert_false(ro.want_rev);
		l.d += 10e6;
		for (int i = 0; i < 2; i++) {
			sync_in(&l, &in, d);
			psel_sample(&p, &in, &o);
			assert_false(o.want_rev);
		}
		l.d -= 10e6;
		for (int i = 0; i < 10; i++) {
			cycle(&p, &l, d, &o, &ro);
			assert_false(o.want_rev);
		}
		assert_int_equal(p.asked, (uint64_t)run + 1);
	}
	assert_int_equal(p.steps_seen, 0);

	/* Syncs alone: nothing to confirm with */
	cfg_small(&c);
	c.mode = PSEL_SELECT;
	c.two_way = true;
	psel_init(&p, &c);
	psel_verdict(&p, true);
	for (int i = 0; i < 20; i++) {
		sync_in(&l, &in, d);
		psel_sample(&p, &in, &o);
	}
	l.x += 10e6;
	l.bias = -10e6;
	for (int i = 0; i < 3; i++) {
		sync_in(&l, &in, d);
		psel_sample(&p, &in, &o);
		assert_false(o.want_rev);
	}
	assert_int_equal(p.asked, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_median_rebase_exact),
		cmocka_unit_test(test_select_unbiased),
		cmocka_unit_test(test_select_windows_one_way),
		cmocka_unit_test(test_two_way_no_rebase),
		cmocka_unit_test(test_select_path_change),
		cmocka_unit_test(test_select_rate_windows),
		cmocka_unit_test(test_select_window_resize),
		cmocka_unit_test(test_select_clock_step),
		cmocka_unit_test(test_select_path_not_step),
		cmocka_unit_test(test_select_stale_not_step),
		cmocka_unit_test(test_select_step_asks),
		cmocka_unit_test(test_select_late_syncs_ask_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
