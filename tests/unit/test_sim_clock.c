/*
 * tests/unit/test_sim_clock.c — the simulator's models: the oscillator
 * (sim/sim_clock.c: offset and frequency integration, adjfreq and steps
 * applied exactly, noise statistics for a fixed seed, the hwclock ops;
 * the read and kernel models are test_sim_kernel.c's),
 * the segments (sim/sim_link.c: delay distribution, asymmetry, loss and
 * bursts, multicast fan-out, FIFO) and the scenario units and syntax
 * (sim/sim_scn.c).
 *
 * The unit tests link libhvcore/libhvedge/libhvdaemon only, so the model
 * files are compiled into this test by including them: they depend on
 * nothing but common/ (cm_rng) and libm.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_clock.c"
#include "sim/sim_link.c"
#include "sim/sim_rand.c"
#include "sim/sim_scn.c"

#define NS 1000000000LL
#define EPOCH (1700000000LL * NS)

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

static struct sim_clock_model quiet(double offset_ns, double freq)
{
	struct sim_clock_model m;

	sim_clock_model_default(&m);
	m.offset_ns = offset_ns;
	m.freq = freq;
	return m;
}

/* reading(t) - (EPOCH + t), exact to the fraction. */
static double offset_at(struct sim_clock *c, int64_t t)
{
	return sim_clock_diff(c, t, EPOCH + t);
}

/* ---- clock ---- */

static void test_clock_integrates_offset_and_freq(void **state)
{
	struct sim_clock_model m = quiet(1000.5, 100e-6);
	struct sim_clock c;
	double frac;

	(void)state;
	sim_clock_init(&c, &m, EPOCH, 1);
	assert_int_equal(sim_clock_read(&c, 0, &frac), EPOCH + 1000);
	assert_near(frac, 0.5, 1e-12);
	/* 100 ppm over 1 s is 100 us, over 10.5 s (ten noise ticks) 1.05 ms */
	assert_near(offset_at(&c, NS), 1000.5 + 100000.0, 1e-6);
	assert_near(offset_at(&c, 10 * NS + NS / 2), 1000.5 + 1050000.0, 1e-6);
	/* read piecewise or at once: the same reading */
	{
		struct sim_clock d;

		sim_clock_init(&d, &m, EPOCH, 1);
		assert_near(offset_at(&d, 10 * NS + NS / 2),
			    offset_at(&c, 10 * NS + NS / 2), 1e-6);
	}
	/* earlier than the last read: extrapolated back on the same line */
	assert_near(offset_at(&c, 5 * NS), 1000.5 + 500000.0, 1e-6);
	assert_near(sim_clock_rate(&c, 11 * NS), 100e-6, 1e-15);
}

static void test_clock_adjfreq_exact(void **state)
{
	struct sim_clock_model m = quiet(0.0, 100e-6);
	struct sim_clock c;
	double before;

	(void)state;
	m.freq_res_ppb = 1.0;
	m.max_adj_ppb = 500000.0;
	sim_clock_init(&c, &m, EPOCH, 2);
	before = offset_at(&c, 2 * NS);
	assert_near(before, 200000.0, 1e-6);
	/* -99999.6 ppb is quantised to -100000: the clock stops drifting */
	assert_int_equal(sim_clock_adjfreq(&c, 2 * NS, -99999.6), 0);
	assert_near(c.adj_ppb, -99999.6, 1e-9); /* getfreq: as set */
	assert_near(offset_at(&c, 7 * NS), before, 1e-6);
	assert_near(sim_clock_rate(&c, 7 * NS), 0.0, 1e-15);
	/* without quantisation the 0.4 ppb shows: 2 ns over 5 s */
	m.freq_res_ppb = 0.0;
	sim_clock_init(&c, &m, EPOCH, 2);
	assert_int_equal(sim_clock_adjfreq(&c, 2 * NS, -99999.6), 0);
	assert_near(offset_at(&c, 7 * NS), 200000.0 + 2.0, 1e-6);
	/* beyond max_adj: refused, nothing changes */
	assert_int_equal(sim_clock_adjfreq(&c, 7 * NS, 600000.0), -ERANGE);
	assert_int_equal(sim_clock_adjfreq(&c, 7 * NS, NAN), -ERANGE);
	assert_near(c.adj_ppb, -99999.6, 1e-9);
	assert_int_equal((int)c.n_adj, 1);
}

static void test_clock_step_exact(void **state)
{
	struct sim_clock_model m = quiet(-5.25, 0.0);
	struct sim_clock c;

	(void)state;
	sim_clock_init(&c, &m, EPOCH, 3);
	sim_clock_step(&c, 3 * NS, 123456789);
	assert_near(offset_at(&c, 3 * NS), 123456789.0 - 5.25, 1e-9);
	assert_near(offset_at(&c, 9 * NS), 123456789.0 - 5.25, 1e-9);
	assert_int_equal((int)c.n_steps, 1);
	assert_int_equal(c.last_step_t, 3 * NS);
	/* a huge step (a billion seconds back) is exact too */
	sim_clock_step(&c, 9 * NS, -1000000000LL * NS);
	assert_near(offset_at(&c, 9 * NS),
		    123456789.0 - 5.25 - 1e18, 1e-3);
	assert_int_equal(sim_clock_read(&c, 9 * NS, NULL),
			 EPOCH + 9 * NS + 123456789 - 6 - 1000000000LL * NS);
	/* a scenario's jump moves the clock without counting as a step */
	sim_clock_jump(&c, 9 * NS, 1000);
	assert_int_equal((int)c.n_steps, 2);
	/* step resolution: rounded to 8 ns */
	m.step_res_ns = 8;
	sim_clock_init(&c, &m, EPOCH, 3);
	sim_clock_step(&c, NS, 13);
	assert_near(offset_at(&c, NS), 16.0 - 5.25, 1e-9);
}

/* The random walk: sigma per sqrt(s), so std(freq) at 100 s over many
 * seeds is sigma * 10; phase error follows. */
static void test_clock_wander_statistics(void **state)
{
	const int nclk = 400;
	const double sigma = 1e-9;
	double sum = 0.0, sq = 0.0, psq = 0.0;

	(void)state;
	for (int i = 0; i < nclk; i++) {
		struct sim_clock_model m = quiet(0.0, 0.0);
		struct sim_clock c;
		double f;

		m.wander = sigma;
		sim_clock_init(&c, &m, EPOCH, 1000 + (uint64_t)i);
		f = sim_clock_rate(&c, 100 * NS);
		sum += f;
		sq += f * f;
		psq += pow(offset_at(&c, 100 * NS), 2);
	}
	/* E[f^2] = sigma^2 * 100; with 400 samples within 15 % */
	assert_near(sqrt(sq / nclk), sigma * 10.0, sigma * 10.0 * 0.15);
	assert_near(sum / nclk, 0.0, sigma * 10.0 * 0.2);
	/* phase: sum over k of the walk, variance sigma^2 * sum k^2 (1 s
	 * ticks, k = 0..99) ~ 328350 sigma^2 s^2: rms ~ 573 ns */
	assert_near(sqrt(psq / nclk), 1e9 * sigma * sqrt(328350.0),
		    1e9 * sigma * sqrt(328350.0) * 0.2);
}

static void test_clock_white_and_temperature(void **state)
{
	struct sim_clock_model m = quiet(0.0, 0.0);
	struct sim_clock c;
	double sq = 0.0;

	(void)state;
	m.white = 2e-9;
	sim_clock_init(&c, &m, EPOCH, 77);
	for (int k = 1; k <= 2000; k++)
		sq += pow(sim_clock_rate(&c, (int64_t)k * NS), 2);
	assert_near(sqrt(sq / 2000.0), 2e-9, 2e-9 * 0.1);
	/* the sinusoid integrates to zero over whole periods */
	m = quiet(0.0, 0.0);
	m.temp_amp = 50e-9;
	m.temp_period_s = 600.0;
	sim_clock_init(&c, &m, EPOCH, 78);
	assert_near(offset_at(&c, 600 * NS), 0.0, 1e-3);
	/* and peaks at A * P / pi at half a period */
	assert_near(offset_at(&c, 300 * NS), 50e-9 * 600e9 / M_PI, 1e-3);
	assert_near(sim_clock_rate(&c, 150 * NS), 50e-9, 1e-15);
}

static void test_clock_same_seed_same_path(void **state)
{
	struct sim_clock_model m = quiet(10.0, 3e-6);
	struct sim_clock a, b;

	(void)state;
	m.wander = 1e-8;
	m.white = 1e-9;
	sim_clock_init(&a, &m, EPOCH, 5);
	sim_clock_init(&b, &m, EPOCH, 5);
	/* b is read often, a once: the noise does not depend on reads */
	for (int k = 1; k < 1000; k++)
		(void)sim_clock_read(&b, (int64_t)k * 77777777, NULL);
	assert_near(offset_at(&a, 77 * NS), offset_at(&b, 77 * NS), 1e-3);
	sim_clock_init(&b, &m, EPOCH, 6);
	assert_true(fabs(offset_at(&a, 77 * NS) - offset_at(&b, 77 * NS)) >
		    1e-3);
}

static void test_hwclock_ops(void **state)
{
	struct sim_clock_model m = quiet(500.0, 0.0), ms = quiet(-37e9, 0.0);
	struct sim_readmodel rd = { .best = HWCLOCK_READ_EXTENDED,
				    .delay_ns = 1000, .jitter_ns = 0.0,
				    .asym_ns = 25 };
	struct sim_clock phc, sys;
	struct sim_hwclock h;
	int64_t now = 4 * NS, ns, pre, post;
	struct hwclock_sysoff so;
	double ppb;

	(void)state;
	m.max_adj_ppb = 1000.0;
	sim_clock_init(&phc, &m, EPOCH, 1);
	sim_clock_init(&sys, &ms, EPOCH, 2);
	sim_hwclock_init(&h, "n1", &phc, &sys, &now, &rd, 3);
	assert_string_equal(h.hw.name, "n1");
	assert_near(h.hw.max_adj_ppb, 1000.0, 0.0);
	assert_int_equal(h.hw.ops->gettime(&h.hw, &ns, &pre, &post), 0);
	assert_int_equal(ns, EPOCH + now + 500);
	assert_int_equal(post - pre, 1000);
	assert_int_equal(pre + 500, EPOCH + now - 37 * NS);
	assert_int_equal(hwclock_adjfreq(&h.hw, 250.0), 0);
	assert_int_equal(h.hw.ops->getfreq(&h.hw, &ppb), 0);
	assert_near(ppb, 250.0, 0.0);
	assert_int_equal(hwclock_adjfreq(&h.hw, 2000.0), -ERANGE);
	now = 8 * NS; /* 4 s at +250 ppb: +1000 ns */
	assert_int_equal(hwclock_gettime(&h.hw, &ns), 0);
	assert_int_equal(ns, EPOCH + now + 1500);
	assert_int_equal(hwclock_step(&h.hw, -1500), 0);
	assert_int_equal(hwclock_gettime(&h.hw, &ns), 0);
	assert_int_equal(ns, EPOCH + now);
	assert_int_equal(h.hw.ops->sys_offset(&h.hw, 5, &so), 0);
	assert_int_equal(so.offset_ns, 37 * NS + 25);
	assert_int_equal(so.sys_ns, EPOCH + now - 37 * NS);
	assert_int_equal(so.delay_ns, 1000);
}

/* ---- links ---- */

struct got {
	int n;
	int count[SIM_SEG_MAX_EP];
	int64_t last_at[SIM_SEG_MAX_EP];
	double sum_delay;
	int64_t sent_at;
	bool reordered;
};

static void got_cb(void *ctx, int to_ep, int64_t arrival)
{
	struct got *g = ctx;

	if (arrival < g->last_at[to_ep])
		g->reordered = true;
	g->last_at[to_ep] = arrival;
	g->n++;
	g->count[to_ep]++;
	g->sum_delay += (double)(arrival - g->sent_at);
}

static void seg_make(struct sim_seg *s, const struct sim_link_model *m,
		     int nep, uint64_t seed)
{
	sim_seg_init(s, "lan", m, seed);
	for (int i = 0; i < nep; i++)
		assert_int_equal(sim_seg_add(s, i, 0), i);
}

/* Mean one-way delay from from_ep to to_ep over n messages 1 ms apart
 * (later than any sent before: FIFO holds nothing back). */
static double mean_delay(struct sim_seg *s, int from, int to, bool event,
			 int n)
{
	static int64_t t0;
	struct got g;

	memset(&g, 0, sizeof(g));
	for (int i = 0; i < n; i++) {
		g.sent_at = t0 += 1000000;
		sim_seg_transmit(s, from, to, event, g.sent_at, got_cb, &g);
	}
	return g.n ? g.sum_delay / g.n : -1.0;
}

static void test_link_delay_distribution(void **state)
{
	static struct sim_seg s;
	struct sim_link_model m;

	(void)state;
	sim_link_model_default(&m);
	m.delay_ns = 100;
	m.general_delay_ns = 1000;
	m.jitter_fwd_ns = 200.0;
	m.jitter_rev_ns = 50.0;
	m.general_jitter_ns = 0.0;
	m.asymmetry_ns = 40;
	seg_make(&s, &m, 2, 11);
	/* forward: 100 + 20 + exp(200); reverse: 100 - 20 + exp(50) */
	assert_near(mean_delay(&s, 0, 1, true, 20000), 320.0, 320.0 * 0.03);
	assert_near(mean_delay(&s, 1, 0, true, 20000), 130.0, 130.0 * 0.03);
	/* general messages: their own delay, no jitter here */
	assert_near(mean_delay(&s, 1, 0, false, 100), 980.0, 1.0);
	/* gamma: same mean */
	m.asymmetry_ns = 0;
	m.dist = SIM_JITTER_GAMMA;
	m.gamma_shape = 3.0;
	seg_make(&s, &m, 2, 12);
	assert_near(mean_delay(&s, 0, 1, true, 20000), 300.0, 300.0 * 0.03);
}

static void test_link_loss(void **state)
{
	static struct sim_seg s;
	struct sim_link_model m;
	struct got g;
	int n = 50000, run = 0, bursts = 0, lost = 0;

	(void)state;
	sim_link_model_default(&m);
	m.loss = 0.1;
	seg_make(&s, &m, 2, 21);
	memset(&g, 0, sizeof(g));
	for (int i = 0; i < n; i++)
		sim_seg_transmit(&s, 0, 1, true, (int64_t)i * 1000, got_cb, &g);
	assert_near((double)g.n / n, 0.9, 0.01);
	assert_int_equal((int)(s.lost + s.delivered), n);
	/* Gilbert-Elliott: bad 1/11 of the time, bursts of 10 on average */
	m.loss = 0.0;
	m.burst_enter = 0.01;
	m.burst_exit = 0.1;
	m.burst_loss = 1.0;
	seg_make(&s, &m, 2, 22);
	for (int i = 0; i < n; i++) {
		int before = (int)s.lost;

		memset(&g, 0, sizeof(g));
		sim_seg_transmit(&s, 0, 1, true, (int64_t)i * 1000, got_cb, &g);
		if ((int)s.lost > before) {
			lost++;
			run++;
		} else if (run) {
			bursts++;
			run = 0;
		}
	}
	assert_near((double)lost / n, 0.01 / 0.11, 0.015);
	assert_near((double)lost / bursts, 10.0, 1.5);
}

static void test_link_multicast_fanout(void **state)
{
	static struct sim_seg s;
	struct sim_link_model m;
	struct got g;

	(void)state;
	sim_link_model_default(&m);
	m.delay_ns = 10;
	seg_make(&s, &m, 5, 31);
	memset(&g, 0, sizeof(g));
	assert_int_equal(sim_seg_transmit(&s, 2, -1, true, 0, got_cb, &g), 4);
	for (int i = 0; i < 5; i++)
		assert_int_equal(g.count[i], i == 2 ? 0 : 1);
	/* unicast: only the one */
	memset(&g, 0, sizeof(g));
	assert_int_equal(sim_seg_transmit(&s, 2, 3, false, 0, got_cb, &g), 1);
	assert_int_equal(g.count[3], 1);
	/* a segment that is down delivers nothing */
	s.up = false;
	memset(&g, 0, sizeof(g));
	assert_int_equal(sim_seg_transmit(&s, 0, -1, true, 0, got_cb, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(sim_seg_transmit(&s, 9, -1, true, 0, got_cb, &g),
			 -EINVAL);
}

static void test_link_fifo(void **state)
{
	static struct sim_seg s;
	struct sim_link_model m;
	struct got g;

	(void)state;
	sim_link_model_default(&m);
	m.delay_ns = 100;
	m.jitter_fwd_ns = m.jitter_rev_ns = m.general_jitter_ns = 10000.0;
	seg_make(&s, &m, 2, 41);
	memset(&g, 0, sizeof(g));
	for (int i = 0; i < 2000; i++)
		sim_seg_transmit(&s, 0, 1, i & 1, (int64_t)i * 100, got_cb, &g);
	assert_false(g.reordered);
	m.fifo = false;
	seg_make(&s, &m, 2, 41);
	memset(&g, 0, sizeof(g));
	for (int i = 0; i < 2000; i++)
		sim_seg_transmit(&s, 0, 1, i & 1, (int64_t)i * 100, got_cb, &g);
	assert_true(g.reordered);
}

/* ---- scenario syntax and units ---- */

static void test_scn_units(void **state)
{
	char why[200];
	int64_t ns;
	double f;

	(void)state;
	assert_int_equal(scn_time("1.5 us", &ns, why, sizeof(why)), 0);
	assert_int_equal(ns, 1500);
	assert_int_equal(scn_time("-1000000000 s", &ns, why, sizeof(why)), 0);
	assert_int_equal(ns, -1000000000LL * NS);
	assert_int_equal(scn_time("125ms", &ns, why, sizeof(why)), 0);
	assert_int_equal(ns, 125000000);
	assert_int_equal(scn_time("0", &ns, why, sizeof(why)), 0);
	assert_int_equal(scn_time("3", &ns, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "needs a unit"));
	assert_int_equal(scn_time("3 parsecs", &ns, why, sizeof(why)), -EINVAL);
	assert_int_equal(scn_freq("100 ppm", &f, why, sizeof(why)), 0);
	assert_near(f, 1e-4, 1e-18);
	assert_int_equal(scn_freq("-9 %", &f, why, sizeof(why)), 0);
	assert_near(f, -0.09, 1e-15);
	assert_int_equal(scn_freq("1e-9", &f, why, sizeof(why)), 0);
	assert_near(f, 1e-9, 1e-24);
	assert_int_equal(scn_freq("60 %", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(scn_prob("1.5", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(scn_prob("2 %", &f, why, sizeof(why)), 0);
	assert_near(f, 0.02, 1e-15);
}

static void test_scn_syntax(void **state)
{
	static const char good[] =
		"# comment\n[scenario]\nduration = 10 s  # trailing\n"
		"[node a]\noffset = 1 us\n[events]\nat = 1 s: node a down\n"
		"at = 2 s: node a up\n";
	struct scn_file f;
	char err[300];

	(void)state;
	assert_int_equal(scn_parse(&f, "t.scn", good, strlen(good), err,
				   sizeof(err)),
			 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.s[0].e[0].value, "10 s");
	assert_string_equal(f.s[1].name, "a");
	assert_int_equal(f.s[2].n, 2);
	assert_int_equal(f.s[2].e[1].line, 8);
	scn_free(&f);
	assert_int_equal(scn_parse(&f, "t.scn", "[scenario]\n[nod x]\n", 19,
				   err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "t.scn:2: unknown section [nod]"));
	scn_free(&f);
	assert_int_equal(scn_parse(&f, "t.scn", "[node a]\nx = 1\nx = 2\n", 22,
				   err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "t.scn:3: x: given twice"));
	scn_free(&f);
	assert_int_equal(scn_parse(&f, "t.scn", "duration = 1 s\n", 15, err,
				   sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "t.scn:1:"));
	scn_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_integrates_offset_and_freq),
		cmocka_unit_test(test_clock_adjfreq_exact),
		cmocka_unit_test(test_clock_step_exact),
		cmocka_unit_test(test_clock_wander_statistics),
		cmocka_unit_test(test_clock_white_and_temperature),
		cmocka_unit_test(test_clock_same_seed_same_path),
		cmocka_unit_test(test_hwclock_ops),
		cmocka_unit_test(test_link_delay_distribution),
		cmocka_unit_test(test_link_loss),
		cmocka_unit_test(test_link_multicast_fanout),
		cmocka_unit_test(test_link_fifo),
		cmocka_unit_test(test_scn_units),
		cmocka_unit_test(test_scn_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
