/*
 * tests/unit/test_sim_kernel.c — the simulator's paired-reading model and
 * its kernel model (sim/sim_clock.c).
 *
 * Paired readings: PRECISE is exact but for the model's bias and noise,
 * with no window; EXTENDED keeps the shortest of N windows, whose error
 * spread shrinks with N; BASIC has twice the window and twice the
 * latency; a method the driver lacks is refused, AUTO takes the best; the
 * system clock reads itself.  The kernel: STA_INS sets the clock back one
 * second when it reaches UTC midnight (at the true instant it does, fast
 * clock or not), once per flag; STA_DEL skips 23:59:59; a flag cleared
 * before midnight cancels; a flag set in the day's last second arms the
 * next day's end; a step clears the leap's instant (and STA_UNSYNC,
 * 16 s bounds) until the flag is cleared over a second boundary and set
 * again; set_tai and set_sync keep what the kernel would; PHCs and a
 * guest's read-only view refuse what is not theirs.
 *
 * The model files are compiled into this test (they need only common/ and
 * libm), as in test_sim_clock.c.
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
#include "sim/sim_rand.c"

#define NS 1000000000LL
/* 2016-12-31 23:59:50 UTC, 10 s before the midnight of a leap second */
#define MIDNIGHT (1483228800LL * NS)
#define START (MIDNIGHT - 10 * NS)

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

static struct sim_clock_model quiet(double freq)
{
	struct sim_clock_model m;

	sim_clock_model_default(&m);
	m.freq = freq;
	return m;
}

/* A system clock reading START at true time 0. */
static void sys_init(struct sim_clock *c, double freq)
{
	struct sim_clock_model m = quiet(freq);

	m.max_adj_ppb = SIM_SYS_MAX_ADJ_PPB;
	sim_clock_init(c, &m, START, 7);
	sim_clock_kernel_on(c);
}

/* ---- paired readings ---- */

struct pair {
	struct sim_clock phc, sys;
	struct sim_hwclock h;
	int64_t now;
};

static void pair_init(struct pair *p, const struct sim_readmodel *rd)
{
	struct sim_clock_model m = quiet(0.0);

	m.offset_ns = 37e9 + 500.0; /* TAI, 500 ns ahead */
	sim_clock_init(&p->phc, &m, START, 1);
	sys_init(&p->sys, 0.0);
	p->now = NS;
	sim_hwclock_init(&p->h, "/dev/ptp0", &p->phc, &p->sys, &p->now, rd,
			 3);
}

/* The spread (RMS of the error) of n paired readings of `readings`. */
static double spread(struct pair *p, int readings, int n,
		     enum hwclock_read want, double *mean_delay)
{
	struct hwclock_sysoff so;
	double sq = 0.0, d = 0.0;

	for (int i = 0; i < n; i++) {
		assert_int_equal(hwclock_sys_offset(&p->h.hw, readings, &so), 0);
		assert_int_equal(so.method, want);
		sq += pow((double)so.offset_ns - (37e9 + 500.0), 2);
		d += (double)so.delay_ns;
	}
	*mean_delay = d / n;
	return sqrt(sq / n);
}

static void test_read_precise(void **state)
{
	struct sim_readmodel rd;
	struct hwclock_sysoff so;
	struct pair p;

	(void)state;
	sim_readmodel_default(&rd);
	rd.best = HWCLOCK_READ_PRECISE;
	rd.asym_ns = 25;
	pair_init(&p, &rd);
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 5, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_PRECISE);
	assert_int_equal(so.delay_ns, 0);
	assert_int_equal(so.offset_ns, 37 * NS + 500 + 25);
	assert_int_equal(so.sys_ns, START + NS);
	/* the noise is gaussian with its sigma */
	rd.asym_ns = 0;
	rd.noise_ns = 5.0;
	pair_init(&p, &rd);
	{
		double d, sd = spread(&p, 1, 20000, HWCLOCK_READ_PRECISE, &d);

		assert_near(sd, 5.0, 0.3); /* +0.3: rounding to whole ns */
		assert_near(d, 0.0, 0.0);
	}
}

static void test_read_extended_best_of_n(void **state)
{
	struct sim_readmodel rd;
	struct hwclock_sysoff so;
	double d1, d5, sd1, sd5;
	struct pair p;

	(void)state;
	sim_readmodel_default(&rd);
	rd.delay_ns = 1000;
	rd.jitter_ns = 0.0;
	rd.asym_ns = -40;
	pair_init(&p, &rd);
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 3, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_EXTENDED);
	assert_int_equal(so.delay_ns, 1000);
	assert_int_equal(so.offset_ns, 37 * NS + 500 - 40);
	/* exponential latencies of mean 100 ns each side: one window errs
	 * by (e1 - e2) / 2, sigma 70.7 ns; the shortest of five less */
	rd.asym_ns = 0;
	rd.jitter_ns = 100.0;
	pair_init(&p, &rd);
	sd1 = spread(&p, 1, 20000, HWCLOCK_READ_EXTENDED, &d1);
	sd5 = spread(&p, 5, 20000, HWCLOCK_READ_EXTENDED, &d5);
	assert_near(sd1, 70.7, 3.0);
	assert_near(d1, 1200.0, 5.0);
	assert_true(sd5 < 0.6 * sd1);
	/* the shortest of five sums of two exponentials (gamma 2, mean
	 * 200 ns): 100 ns * sum C(5,j) j! / 5^(j+1) = 70.2 ns */
	assert_near(d5, 1070.2, 5.0);
	/* readings beyond 25 are 25, below 1 are 1 */
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 1000, &so), 0);
	assert_int_equal(hwclock_sys_offset(&p.h.hw, -3, &so), 0);
}

static void test_read_basic_and_methods(void **state)
{
	struct sim_readmodel rd;
	struct hwclock_sysoff so;
	struct pair p;
	double d, sd;

	(void)state;
	sim_readmodel_default(&rd);
	rd.best = HWCLOCK_READ_PRECISE;
	rd.delay_ns = 1000;
	rd.jitter_ns = 100.0;
	pair_init(&p, &rd);
	/* AUTO: the best the driver has */
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 1, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_PRECISE);
	/* BASIC forced: twice the window, two latencies each side */
	p.h.hw.read_method = HWCLOCK_READ_BASIC;
	sd = spread(&p, 1, 20000, HWCLOCK_READ_BASIC, &d);
	assert_near(sd, 100.0, 4.0);
	assert_near(d, 2400.0, 10.0);
	/* a method the driver lacks */
	rd.best = HWCLOCK_READ_EXTENDED;
	pair_init(&p, &rd);
	p.h.hw.read_method = HWCLOCK_READ_PRECISE;
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 1, &so), -EOPNOTSUPP);
	p.h.hw.read_method = HWCLOCK_READ_SELF;
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 1, &so), -EOPNOTSUPP);
	p.h.hw.read_method = HWCLOCK_READ_EXTENDED;
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 1, &so), 0);
	/* the system clock reads itself */
	sim_hwclock_init(&p.h, "CLOCK_REALTIME", &p.sys, &p.sys, &p.now, NULL,
			 4);
	assert_true(p.h.hw.keeps_utc);
	assert_int_equal(hwclock_sys_offset(&p.h.hw, 5, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_SELF);
	assert_int_equal(so.offset_ns, 0);
	assert_int_equal(so.delay_ns, 0);
}

/* ---- the kernel ---- */

static void test_kernel_insert(void **state)
{
	struct sim_clock c;

	(void)state;
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, 2 * NS, 1), 0);
	/* 23:59:59.5 as usual */
	assert_int_equal(sim_clock_read(&c, 9 * NS + NS / 2, NULL),
			 MIDNIGHT - NS / 2);
	/* at 00:00:00 the clock goes back to 23:59:59 (the 23:59:60) */
	assert_int_equal(sim_clock_read(&c, 10 * NS + NS / 4, NULL),
			 MIDNIGHT - NS + NS / 4);
	assert_int_equal(c.k.nleaps, 1);
	assert_int_equal(c.k.leaps[0].dir, 1);
	assert_int_equal(c.k.leaps[0].t, 10 * NS);
	assert_int_equal(c.k.state, SIM_K_WAIT);
	/* one flag, one leap: a day later, nothing more */
	assert_int_equal(sim_clock_read(&c, 86411 * NS, NULL),
			 MIDNIGHT + 86400 * NS);
	assert_int_equal(c.k.nleaps, 1);
	/* not a step: the servo's step count stays */
	assert_int_equal((int)c.n_steps, 0);
	/* cleared, then set again: the next midnight */
	assert_int_equal(sim_clock_set_leap(&c, 86411 * NS, 0), 0);
	assert_int_equal(sim_clock_set_leap(&c, 86413 * NS, 1), 0);
	(void)sim_clock_read(&c, 2 * 86400 * NS + 12 * NS, NULL);
	assert_int_equal(c.k.nleaps, 2);
	assert_int_equal(c.k.leaps[1].t, 2 * 86400 * NS + 11 * NS);
	assert_int_equal((int)c.k.n_set_leap, 3);
}

static void test_kernel_insert_fast_clock(void **state)
{
	struct sim_clock c;

	(void)state;
	/* 9 % fast: midnight comes after 10 / 1.09 s of true time, and the
	 * clock reads true 23:59:59 + the rest there */
	sys_init(&c, 0.09);
	assert_int_equal(sim_clock_set_leap(&c, 0, 1), 0);
	(void)sim_clock_read(&c, 20 * NS, NULL);
	assert_int_equal(c.k.nleaps, 1);
	assert_near((double)c.k.leaps[0].t, 10e9 / 1.09, 2.0);
	assert_near(sim_clock_diff(&c, 20 * NS, START), 20e9 * 1.09 - 1e9,
		    1.0);
}

static void test_kernel_delete_and_cancel(void **state)
{
	struct sim_clock c;

	(void)state;
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, NS, -1), 0);
	/* 23:59:58.5, then 23:59:59 is skipped */
	assert_int_equal(sim_clock_read(&c, 8 * NS + NS / 2, NULL),
			 MIDNIGHT - NS - NS / 2);
	assert_int_equal(sim_clock_read(&c, 9 * NS + NS / 2, NULL),
			 MIDNIGHT + NS / 2);
	assert_int_equal(c.k.nleaps, 1);
	assert_int_equal(c.k.leaps[0].dir, -1);
	assert_int_equal(c.k.leaps[0].t, 9 * NS);
	/* a flag cleared before midnight: no leap */
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, NS, 1), 0);
	assert_int_equal(sim_clock_set_leap(&c, 5 * NS, 0), 0);
	assert_int_equal(sim_clock_read(&c, 11 * NS, NULL), MIDNIGHT + NS);
	assert_int_equal(c.k.nleaps, 0);
	assert_int_equal(c.k.state, SIM_K_OK);
	/* a flag set during 23:59:59 arms the next day's end */
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, 9 * NS + NS / 2, 1), 0);
	assert_int_equal(sim_clock_read(&c, 11 * NS, NULL), MIDNIGHT + NS);
	assert_int_equal(c.k.nleaps, 0);
	(void)sim_clock_read(&c, 86411 * NS, NULL);
	assert_int_equal(c.k.nleaps, 1);
	assert_int_equal(c.k.leaps[0].t, 86410 * NS);
	assert_int_equal(sim_clock_set_leap(&c, NS, 2), -EINVAL);
}

static void test_kernel_step_loses_leap(void **state)
{
	struct sim_clock c;

	(void)state;
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, NS, 1), 0);
	c.k.sync.synced = true;
	sim_clock_step(&c, 3 * NS, 20000);
	assert_true(c.k.lost);
	assert_int_equal((int)c.k.n_lost, 1);
	assert_false(c.k.sync.synced);
	assert_int_equal(c.k.sync.maxerror_ns, 16 * NS);
	/* the same flag again, or cleared and set within one second: the
	 * kernel never left TIME_INS, the leap stays lost */
	assert_int_equal(sim_clock_set_leap(&c, 4 * NS, 1), 0);
	assert_int_equal(sim_clock_set_leap(&c, 4 * NS + NS / 5, 0), 0);
	assert_int_equal(sim_clock_set_leap(&c, 4 * NS + NS / 2, 1), 0);
	(void)sim_clock_read(&c, 11 * NS, NULL);
	assert_int_equal(c.k.nleaps, 0);
	/* cleared over a second boundary and set again: it works */
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, NS, 1), 0);
	sim_clock_step(&c, 3 * NS, 20000);
	assert_int_equal(sim_clock_set_leap(&c, 4 * NS, 0), 0);
	assert_int_equal(sim_clock_set_leap(&c, 6 * NS, 1), 0);
	(void)sim_clock_read(&c, 11 * NS, NULL);
	assert_int_equal(c.k.nleaps, 1);
	/* the step moved the clock 20 us: midnight came that much earlier */
	assert_int_equal(c.k.leaps[0].t, 10 * NS - 20000);
	/* a scenario's jump is not a kernel step */
	sys_init(&c, 0.0);
	assert_int_equal(sim_clock_set_leap(&c, NS, 1), 0);
	sim_clock_jump(&c, 2 * NS, 3000);
	assert_false(c.k.lost);
}

static void test_kernel_tai_sync_and_refusals(void **state)
{
	struct sim_readmodel rd;
	struct hwclock_sync s = { .synced = true, .maxerror_ns = 1500,
				  .esterror_ns = 20 * NS };
	struct pair p;
	double ppb;

	(void)state;
	sim_readmodel_default(&rd);
	pair_init(&p, &rd);
	/* a PHC keeps no kernel state */
	assert_int_equal(hwclock_set_leap(&p.h.hw, 1), -EOPNOTSUPP);
	assert_int_equal(hwclock_set_tai(&p.h.hw, 37), -EOPNOTSUPP);
	assert_int_equal(hwclock_set_sync(&p.h.hw, &s), -EOPNOTSUPP);
	assert_false(p.h.hw.keeps_utc);
	/* the system clock does, as the kernel would */
	sim_hwclock_init(&p.h, "CLOCK_REALTIME", &p.sys, &p.sys, &p.now, NULL,
			 4);
	assert_near(p.h.hw.max_adj_ppb, 100500000.0, 0.0);
	assert_int_equal(hwclock_set_tai(&p.h.hw, 37), 0);
	assert_int_equal(hwclock_set_tai(&p.h.hw, 1001), -EINVAL);
	assert_int_equal(hwclock_set_tai(&p.h.hw, -1), -EINVAL);
	assert_int_equal(p.sys.k.tai, 37);
	assert_int_equal(hwclock_set_sync(&p.h.hw, &s), 0);
	assert_true(p.sys.k.sync.synced);
	assert_int_equal(p.sys.k.sync.maxerror_ns, 2000); /* us, up */
	assert_int_equal(p.sys.k.sync.esterror_ns, 16 * NS); /* at most */
	s.maxerror_ns = -1;
	assert_int_equal(hwclock_set_sync(&p.h.hw, &s), -EINVAL);
	assert_int_equal((int)p.sys.k.n_set_sync, 1);
	assert_int_equal(hwclock_set_leap(&p.h.hw, 1), 0);
	assert_int_equal(p.sys.k.status, 1);
	/* +-10.05 %: the tick's range */
	assert_int_equal(hwclock_adjfreq(&p.h.hw, -90000000.0), 0);
	assert_int_equal(hwclock_adjfreq(&p.h.hw, 100600000.0), -ERANGE);
	assert_int_equal(hwclock_getfreq(&p.h.hw, &ppb), 0);
	assert_near(ppb, -90000000.0, 0.0);
	/* a guest's view of its host's clock: read, never steered */
	sim_hwclock_init(&p.h, "ptp_kvm", &p.sys, &p.phc, &p.now, &rd, 5);
	p.h.read_only = true;
	assert_int_equal(hwclock_adjfreq(&p.h.hw, 1.0), -EPERM);
	assert_int_equal(hwclock_step(&p.h.hw, 1), -EPERM);
	assert_int_equal(hwclock_set_leap(&p.h.hw, 1), -EOPNOTSUPP);
	assert_int_equal(hwclock_set_tai(&p.h.hw, 37), -EOPNOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_precise),
		cmocka_unit_test(test_read_extended_best_of_n),
		cmocka_unit_test(test_read_basic_and_methods),
		cmocka_unit_test(test_kernel_insert),
		cmocka_unit_test(test_kernel_insert_fast_clock),
		cmocka_unit_test(test_kernel_delete_and_cancel),
		cmocka_unit_test(test_kernel_step_loses_leap),
		cmocka_unit_test(test_kernel_tai_sync_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
