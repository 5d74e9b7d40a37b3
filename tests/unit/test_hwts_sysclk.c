/*
 * tests/unit/test_hwts_sysclk.c — hwts/sysclk.c with clock_gettime,
 * clock_adjtime and sysconf wrapped (the real system clock is never
 * adjusted).  The wrapped clock_adjtime keeps a small model of the kernel's
 * NTP state (tick, freq, status, maxerror, esterror, TAI) with the kernel's
 * rules: tick in [900000/hz, 1100000/hz] else EINVAL, freq clamped at
 * +-32768000, read-only status bits kept.  Covered: reading; frequency
 * through tick + freq (+-9 %, +-600 ppm, the combined clamp, getfreq giving
 * the request back); the fallback to +-500 ppm when USER_HZ is unusable or
 * the kernel refuses ADJ_TICK; steps; leap-second, TAI and maxerror /
 * esterror / STA_UNSYNC writes keeping the other status bits; errors and
 * read-only refusal without a syscall.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/timex.h>

#include "hwts/hwts.h"
#include "tests/unit/hwts_test.h"

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_adjtime(clockid_t clk, struct timex *tx);
long __wrap_sysconf(int name);
long __real_sysconf(int name);

/* Half a unit of scaled ppm, in ppb: what getfreq may differ by. */
#define HALF_SCALED_PPB (0.5 * 1000.0 / 65536.0)
#define TX_LOG 8

static struct {
	int64_t now;
	int n_get;
	struct timex tx[TX_LOG]; /* what each clock_adjtime was given */
	int n_adj;
	int adj_err; /* every call fails with this */
	int tick_err; /* calls with ADJ_TICK fail with this */
	long hz; /* sysconf(_SC_CLK_TCK) */
	int hz_err;
	/* the kernel's state, as a read returns it */
	int status;
	long freq, tick, maxerror, esterror;
	int tai;
} k;

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	assert_int_equal(clk, CLOCK_REALTIME);
	k.n_get++;
	ts->tv_sec = k.now / 1000000000;
	ts->tv_nsec = k.now % 1000000000;
	return 0;
}

long __wrap_sysconf(int name)
{
	if (name != _SC_CLK_TCK)
		return __real_sysconf(name);
	if (k.hz_err) {
		errno = k.hz_err;
		return -1;
	}
	return k.hz;
}

/* The kernel's checks, then its updates (timekeeping_validate_timex,
 * process_adjtimex_modes). */
static int model_write(const struct timex *tx)
{
	long hz = k.hz > 0 ? k.hz : 100;

	if ((tx->modes & ADJ_TICK) &&
	    (k.tick_err || tx->tick < 900000 / hz || tx->tick > 1100000 / hz))
		return k.tick_err ? k.tick_err : EINVAL;
	if (tx->modes & ADJ_STATUS)
		k.status = (k.status & STA_RONLY) | (tx->status & ~STA_RONLY);
	if (tx->modes & ADJ_FREQUENCY)
		k.freq = tx->freq > 32768000 ? 32768000 :
			 tx->freq < -32768000 ? -32768000 : tx->freq;
	if (tx->modes & ADJ_TICK)
		k.tick = tx->tick;
	if (tx->modes & ADJ_MAXERROR)
		k.maxerror = tx->maxerror;
	if (tx->modes & ADJ_ESTERROR)
		k.esterror = tx->esterror;
	if ((tx->modes & ADJ_TAI) && tx->constant >= 0)
		k.tai = (int)tx->constant;
	return 0;
}

/* Never the real one. */
int __wrap_clock_adjtime(clockid_t clk, struct timex *tx)
{
	int err;

	assert_int_equal(clk, CLOCK_REALTIME);
	if (k.n_adj < TX_LOG)
		k.tx[k.n_adj] = *tx;
	k.n_adj++;
	err = k.adj_err ? k.adj_err : model_write(tx);
	if (err) {
		errno = err;
		return -1;
	}
	tx->status = k.status;
	tx->freq = k.freq;
	tx->tick = k.tick;
	tx->maxerror = k.maxerror;
	tx->esterror = k.esterror;
	tx->tai = k.tai;
	return (k.status & STA_UNSYNC) ? TIME_ERROR : TIME_OK;
}

static int setup(void **state)
{
	(void)state;
	memset(&k, 0, sizeof(k));
	k.hz = 100;
	k.tick = 10000;
	ht_log_reset();
	return 0;
}

static struct hwclock *open_sys(bool readonly)
{
	struct hwclock *c = NULL;

	assert_int_equal(sysclk_open(readonly, &c), 0);
	assert_non_null(c);
	return c;
}

static int log_count(const char *needle)
{
	int i, n = 0;

	for (i = 0; i < ht_log.n; i++)
		n += strstr(ht_log.line[i], needle) != NULL;
	return n;
}

static void test_open_and_read(void **state)
{
	struct hwclock *c = open_sys(false);
	int64_t ns, pre, post;
	struct hwclock_sysoff so;

	(void)state;
	assert_string_equal(c->name, "CLOCK_REALTIME");
	assert_int_equal(c->phc_index, -1);
	assert_true(c->keeps_utc);
	/* 1000 tick units of 100 ppm, plus 500 ppm of freq */
	assert_true(c->max_adj_ppb == 100500000.0);
	k.now = 1700000000123456789LL;
	assert_int_equal(c->ops->gettime(c, &ns, &pre, &post), 0);
	assert_int_equal(ns, k.now);
	assert_int_equal(pre, k.now);
	assert_int_equal(post, k.now);
	assert_int_equal(k.n_get, 1);
	so.offset_ns = so.delay_ns = 99;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(so.offset_ns, 0);
	assert_int_equal(so.delay_ns, 0);
	assert_int_equal(so.sys_ns, k.now);
	assert_int_equal(so.method, HWCLOCK_READ_SELF);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

/* ---- frequency: tick + freq ---- */

static void test_adjfreq_tick(void **state)
{
	/* expected tick and scaled ppm computed apart (100000 ppb a unit,
	 * the rest * 65.536 rounded half away from zero) */
	static const struct {
		double ppb;
		long tick, freq;
	} t[] = {
		{ 90000000.0, 10900, 0 }, /* +9 % */
		{ -90000000.0, 9100, 0 }, /* -9 % */
		{ 600000.0, 10006, 0 }, /* +600 ppm */
		{ -600000.0, 9994, 0 },
		{ 650000.0, 10007, -3276800 }, /* 6.5 units: 7, -50 ppm */
		{ -650000.0, 9993, 3276800 },
		{ 49999.9, 10000, 3276793 }, /* just under half a unit */
		{ 1000.0, 10000, 65536 },
		{ 1234.5678, 10000, 80909 },
		{ 0.0, 10000, 0 },
		{ 99999999.0, 11000, -66 },
		{ -73456789.123, 9265, 2831868 },
		/* the tick at its end: the rest up to 500 ppm in freq */
		{ 100400000.0, 11000, 26214400 },
	};
	struct hwclock *c = open_sys(false);
	double ppb;
	size_t i;

	(void)state;
	ht_log_reset(); /* what open said */
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		k.n_adj = 0;
		assert_int_equal(hwclock_adjfreq(c, t[i].ppb), 0);
		assert_int_equal(k.n_adj, 1);
		assert_int_equal(k.tx[0].modes, ADJ_FREQUENCY | ADJ_TICK);
		assert_int_equal(k.tx[0].tick, t[i].tick);
		assert_int_equal(k.tx[0].freq, t[i].freq);
		assert_int_equal(c->ops->getfreq(c, &ppb), 0);
		assert_int_equal(k.tx[1].modes, 0);
		assert_true(fabs(ppb - t[i].ppb) <= HALF_SCALED_PPB);
	}
	assert_int_equal(ht_log.n, 0);
	hwclock_close(c);
}

static void test_adjfreq_clamp(void **state)
{
	struct hwclock *c = open_sys(false);
	double ppb;

	(void)state;
	assert_int_equal(hwclock_adjfreq(c, 200000000.0), 0);
	assert_int_equal(k.tx[0].tick, 11000);
	assert_int_equal(k.tx[0].freq, 32768000);
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_true(ppb == 100500000.0);
	assert_int_equal(hwclock_adjfreq(c, -1e12), 0);
	assert_int_equal(k.tx[2].tick, 9000);
	assert_int_equal(k.tx[2].freq, -32768000);
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_true(ppb == -100500000.0);
	/* exactly at the max: no clamp needed, the same words */
	assert_int_equal(hwclock_adjfreq(c, 100500000.0), 0);
	assert_int_equal(k.tx[4].tick, 11000);
	assert_int_equal(k.tx[4].freq, 32768000);
	k.n_adj = 0;
	assert_int_equal(hwclock_adjfreq(c, NAN), -EINVAL);
	assert_int_equal(hwclock_adjfreq(c, INFINITY), -EINVAL);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

/* A tick set by someone else counts; one a simulator reports as 0 not. */
static void test_getfreq_tick(void **state)
{
	struct hwclock *c = open_sys(false);
	double ppb;

	(void)state;
	k.tick = 10003;
	k.freq = 65536;
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_true(ppb == 301000.0);
	k.tick = 0;
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_true(ppb == 1000.0);
	hwclock_close(c);
}

static void test_tick_refused(void **state)
{
	struct hwclock *c = open_sys(false);
	double ppb;

	(void)state;
	k.tick_err = EINVAL;
	assert_int_equal(hwclock_adjfreq(c, 90000000.0), 0);
	assert_int_equal(k.n_adj, 2);
	assert_int_equal(k.tx[0].modes, ADJ_FREQUENCY | ADJ_TICK);
	assert_int_equal(k.tx[1].modes, ADJ_FREQUENCY);
	assert_int_equal(k.tx[1].freq, 32768000);
	assert_true(c->max_adj_ppb == 500000.0);
	assert_int_equal(log_count("refuses ADJ_TICK"), 1);
	assert_int_equal(log_count("clock_adjtime"), 0);
	/* from now on ADJ_FREQUENCY alone, no second warning */
	k.n_adj = 0;
	assert_int_equal(hwclock_adjfreq(c, 1000.0), 0);
	assert_int_equal(hwclock_adjfreq(c, -600000.0), 0);
	assert_int_equal(k.n_adj, 2);
	assert_int_equal(k.tx[0].modes, ADJ_FREQUENCY);
	assert_int_equal(k.tx[0].freq, 65536);
	assert_int_equal(k.tx[1].freq, -32768000);
	assert_int_equal(log_count("refuses ADJ_TICK"), 1);
	/* the tick is not ours: getfreq is the frequency alone */
	k.tick = 10500;
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_true(ppb == -500000.0);
	hwclock_close(c);
}

/* Once the kernel took a tick, a later EINVAL is an error, not a mode. */
static void test_tick_einval_later(void **state)
{
	struct hwclock *c = open_sys(false);

	(void)state;
	assert_int_equal(hwclock_adjfreq(c, 600000.0), 0);
	k.tick_err = EINVAL;
	k.n_adj = 0;
	assert_int_equal(hwclock_adjfreq(c, 700000.0), -EINVAL);
	assert_int_equal(k.n_adj, 1);
	assert_true(c->max_adj_ppb == 100500000.0);
	assert_true(ht_log_has("clock_adjtime ADJ_FREQUENCY|ADJ_TICK"));
	assert_int_equal(log_count("refuses ADJ_TICK"), 0);
	hwclock_close(c);
}

static void test_tick_hz(void **state)
{
	struct hwclock *c;

	(void)state;
	/* sysconf fails: +-500 ppm, said once at open */
	k.hz_err = EINVAL;
	c = open_sys(false);
	assert_true(c->max_adj_ppb == 500000.0);
	assert_int_equal(log_count("sysconf(_SC_CLK_TCK)"), 1);
	assert_int_equal(hwclock_adjfreq(c, 600000.0), 0);
	assert_int_equal(k.n_adj, 1);
	assert_int_equal(k.tx[0].modes, ADJ_FREQUENCY);
	assert_int_equal(k.tx[0].freq, 32768000);
	hwclock_close(c);
	/* USER_HZ 1024 (alpha): 976.5625 us a tick, not a whole second */
	setup(NULL);
	k.hz = 1024;
	c = open_sys(false);
	assert_true(c->max_adj_ppb == 500000.0);
	assert_true(ht_log_has("USER_HZ 1024"));
	hwclock_close(c);
	/* USER_HZ 1000: 1000 us, 900..1100, a unit is 1000 ppm */
	setup(NULL);
	k.hz = 1000;
	k.tick = 1000;
	c = open_sys(false);
	assert_true(c->max_adj_ppb == 100500000.0);
	assert_int_equal(hwclock_adjfreq(c, 90000000.0), 0);
	assert_int_equal(k.tx[0].tick, 1090);
	assert_int_equal(k.tx[0].freq, 0);
	assert_int_equal(hwclock_adjfreq(c, 1500000.0), 0);
	assert_int_equal(k.tx[1].tick, 1002); /* 1.5 units: 2 */
	assert_int_equal(k.tx[1].freq, -32768000);
	hwclock_close(c);
}

static void test_step(void **state)
{
	struct hwclock *c = open_sys(false);

	(void)state;
	assert_int_equal(hwclock_step(c, -2500000001LL), 0);
	assert_int_equal(k.tx[0].modes, ADJ_SETOFFSET | ADJ_NANO);
	assert_int_equal(k.tx[0].time.tv_sec, -3);
	assert_int_equal(k.tx[0].time.tv_usec, 499999999);
	hwclock_close(c);
}

/* ---- the kernel's NTP state ---- */

static void test_leap(void **state)
{
	struct hwclock *c = open_sys(false);

	(void)state;
	k.status = STA_PLL | STA_DEL | STA_NANO | STA_UNSYNC;
	assert_int_equal(c->ops->set_leap(c, 1), 0);
	assert_int_equal(k.n_adj, 2);
	assert_int_equal(k.tx[0].modes, 0);
	assert_int_equal(k.tx[1].modes, ADJ_STATUS);
	assert_int_equal(k.tx[1].status,
			 STA_PLL | STA_INS | STA_NANO | STA_UNSYNC);
	assert_true(ht_log_has("CLOCK_REALTIME: leap second (+1) armed"));
	/* the same again: written, not logged again */
	ht_log_reset();
	k.n_adj = 0;
	assert_int_equal(c->ops->set_leap(c, 1), 0);
	assert_int_equal(k.n_adj, 2);
	assert_int_equal(ht_log.n, 0);
	k.n_adj = 0;
	k.status = STA_PLL | STA_INS | STA_FREQHOLD;
	assert_int_equal(c->ops->set_leap(c, -1), 0);
	assert_int_equal(k.tx[1].status, STA_PLL | STA_DEL | STA_FREQHOLD);
	assert_true(ht_log_has("leap second (-1) armed"));
	k.n_adj = 0;
	assert_int_equal(c->ops->set_leap(c, 0), 0);
	assert_int_equal(k.tx[1].status, STA_PLL | STA_FREQHOLD);
	assert_int_equal(k.status, STA_PLL | STA_FREQHOLD);
	assert_true(ht_log_has("leap second disarmed"));
	k.n_adj = 0;
	assert_int_equal(c->ops->set_leap(c, 2), -EINVAL);
	assert_int_equal(c->ops->set_leap(c, -2), -EINVAL);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

static void test_tai(void **state)
{
	static const int ok[] = { 37, 0, 1000 };
	static const int bad[] = { -1, 1001, -37, 2147483647 };
	struct hwclock *c = open_sys(false);
	size_t i;

	(void)state;
	k.status = STA_PLL | STA_INS;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		k.n_adj = 0;
		assert_int_equal(c->ops->set_tai(c, ok[i]), 0);
		assert_int_equal(k.n_adj, 1);
		assert_int_equal(k.tx[0].modes, ADJ_TAI);
		assert_int_equal(k.tx[0].constant, ok[i]);
		assert_int_equal(k.tai, ok[i]);
	}
	assert_int_equal(k.status, STA_PLL | STA_INS);
	k.n_adj = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(c->ops->set_tai(c, bad[i]), -EINVAL);
	assert_int_equal(k.n_adj, 0);
	k.adj_err = EPERM;
	assert_int_equal(c->ops->set_tai(c, 37), -EPERM);
	assert_true(ht_log_has("CLOCK_REALTIME: clock_adjtime ADJ_TAI"));
	hwclock_close(c);
}

/* maxerror / esterror: ns to us rounded up, at most 16 s. */
static void test_sync_errors(void **state)
{
	static const struct {
		int64_t ns;
		long us;
	} t[] = {
		{ 0, 0 },
		{ 1, 1 },
		{ 999, 1 },
		{ 1000, 1 },
		{ 1001, 2 },
		{ 1500, 2 },
		{ 250000000, 250000 },
		{ 15999998999LL, 15999999 },
		{ 15999999001LL, 16000000 },
		{ 16000000000LL, 16000000 },
		{ 20000000000LL, 16000000 },
		{ INT64_MAX, 16000000 },
	};
	struct hwclock *c = open_sys(false);
	struct hwclock_sync s = { .synced = true };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s.maxerror_ns = t[i].ns;
		s.esterror_ns = t[sizeof(t) / sizeof(t[0]) - 1 - i].ns;
		k.n_adj = 0;
		assert_int_equal(c->ops->set_sync(c, &s), 0);
		assert_int_equal(k.n_adj, 2);
		assert_int_equal(k.tx[1].modes,
				 ADJ_MAXERROR | ADJ_ESTERROR | ADJ_STATUS);
		assert_int_equal(k.tx[1].maxerror, t[i].us);
		assert_int_equal(k.maxerror, t[i].us);
		assert_int_equal(k.esterror,
				 t[sizeof(t) / sizeof(t[0]) - 1 - i].us);
	}
	k.n_adj = 0;
	s.maxerror_ns = -1;
	assert_int_equal(c->ops->set_sync(c, &s), -EINVAL);
	s.maxerror_ns = 0;
	s.esterror_ns = -1;
	assert_int_equal(c->ops->set_sync(c, &s), -EINVAL);
	assert_int_equal(c->ops->set_sync(c, NULL), -EINVAL);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

static void test_sync_unsync(void **state)
{
	struct hwclock *c = open_sys(false);
	struct hwclock_sync s = { .synced = true,
				  .maxerror_ns = 1000000,
				  .esterror_ns = 100 };

	(void)state;
	k.status = STA_PLL | STA_INS | STA_UNSYNC | STA_NANO;
	assert_int_equal(c->ops->set_sync(c, &s), 0);
	assert_int_equal(k.tx[0].modes, 0); /* read first */
	assert_int_equal(k.tx[1].status, STA_PLL | STA_INS | STA_NANO);
	assert_int_equal(k.status, STA_PLL | STA_INS | STA_NANO);
	assert_int_equal(k.maxerror, 1000);
	assert_int_equal(k.esterror, 1);
	/* synced again: stays clear */
	k.n_adj = 0;
	assert_int_equal(c->ops->set_sync(c, &s), 0);
	assert_int_equal(k.tx[1].status, STA_PLL | STA_INS | STA_NANO);
	/* lost: set, the rest kept */
	k.n_adj = 0;
	k.status = STA_PLL | STA_DEL;
	s.synced = false;
	s.maxerror_ns = 16000000000LL;
	assert_int_equal(c->ops->set_sync(c, &s), 0);
	assert_int_equal(k.tx[1].status, STA_PLL | STA_DEL | STA_UNSYNC);
	assert_int_equal(k.maxerror, 16000000);
	/* a failed read writes nothing */
	k.n_adj = 0;
	k.adj_err = EPERM;
	assert_int_equal(c->ops->set_sync(c, &s), -EPERM);
	assert_int_equal(k.n_adj, 1);
	assert_int_equal(k.tx[0].modes, 0);
	hwclock_close(c);
}

static void test_errors_and_readonly(void **state)
{
	struct hwclock_sync s = { .synced = true };
	struct hwclock *c = open_sys(false);
	double ppb;

	(void)state;
	k.adj_err = EPERM;
	assert_int_equal(hwclock_adjfreq(c, 1.0), -EPERM);
	assert_int_equal(hwclock_adjfreq(c, 1e6), -EPERM);
	assert_true(c->max_adj_ppb == 100500000.0); /* not a refusal */
	assert_int_equal(hwclock_step(c, 1), -EPERM);
	assert_int_equal(c->ops->set_leap(c, 1), -EPERM);
	assert_int_equal(c->ops->getfreq(c, &ppb), -EPERM);
	assert_true(ht_log_has("CLOCK_REALTIME: clock_adjtime"));
	hwclock_close(c);
	setup(NULL);
	c = open_sys(true);
	assert_int_equal(hwclock_adjfreq(c, 1.0), -EPERM);
	assert_int_equal(hwclock_step(c, 1), -EPERM);
	assert_int_equal(c->ops->set_leap(c, 1), -EPERM);
	assert_int_equal(c->ops->set_tai(c, 37), -EPERM);
	assert_int_equal(c->ops->set_tai(c, -1), -EPERM);
	assert_int_equal(c->ops->set_sync(c, &s), -EPERM);
	assert_int_equal(k.n_adj, 0);
	k.tick = 10001;
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_true(ppb == 100000.0);
	assert_int_equal(k.n_adj, 1);
	hwclock_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_and_read, setup),
		cmocka_unit_test_setup(test_adjfreq_tick, setup),
		cmocka_unit_test_setup(test_adjfreq_clamp, setup),
		cmocka_unit_test_setup(test_getfreq_tick, setup),
		cmocka_unit_test_setup(test_tick_refused, setup),
		cmocka_unit_test_setup(test_tick_einval_later, setup),
		cmocka_unit_test_setup(test_tick_hz, setup),
		cmocka_unit_test_setup(test_step, setup),
		cmocka_unit_test_setup(test_leap, setup),
		cmocka_unit_test_setup(test_tai, setup),
		cmocka_unit_test_setup(test_sync_errors, setup),
		cmocka_unit_test_setup(test_sync_unsync, setup),
		cmocka_unit_test_setup(test_errors_and_readonly, setup),
	};

	return cmocka_run_group_tests_name("hwts_sysclk", tests, NULL, NULL);
}
