/*
 * tests/unit/test_hwts_sysclk.c — hwts/sysclk.c with clock_gettime and
 * clock_adjtime wrapped (the real system clock is never adjusted): reading,
 * frequency with the 500 ppm clamp, steps, leap-second status bits kept
 * apart from the others, errors and read-only refusal without a syscall.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include <sys/timex.h>

#include "hwts/hwts.h"
#include "tests/unit/hwts_test.h"

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_adjtime(clockid_t clk, struct timex *tx);

static struct {
	int64_t now;
	int n_get;
	struct timex tx[4];
	int n_adj;
	int adj_err;
	int status; /* what a read returns */
	long freq;
} k;

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	assert_int_equal(clk, CLOCK_REALTIME);
	k.n_get++;
	ts->tv_sec = k.now / 1000000000;
	ts->tv_nsec = k.now % 1000000000;
	return 0;
}

/* Never the real one. */
int __wrap_clock_adjtime(clockid_t clk, struct timex *tx)
{
	assert_int_equal(clk, CLOCK_REALTIME);
	if (k.n_adj < 4)
		k.tx[k.n_adj] = *tx;
	k.n_adj++;
	if (k.adj_err) {
		errno = k.adj_err;
		return -1;
	}
	if (tx->modes == 0) {
		tx->status = k.status;
		tx->freq = k.freq;
	}
	return TIME_OK;
}

static int setup(void **state)
{
	(void)state;
	memset(&k, 0, sizeof(k));
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

static void test_open_and_read(void **state)
{
	struct hwclock *c = open_sys(false);
	int64_t ns, pre, post;
	struct hwclock_sysoff so;

	(void)state;
	assert_string_equal(c->name, "CLOCK_REALTIME");
	assert_int_equal(c->phc_index, -1);
	assert_true(c->max_adj_ppb == 500000.0);
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

static void test_adjfreq_clamp_getfreq(void **state)
{
	struct hwclock *c = open_sys(false);
	double ppb = 0;

	(void)state;
	assert_int_equal(hwclock_adjfreq(c, 1000.0), 0);
	assert_int_equal(k.tx[0].modes, ADJ_FREQUENCY);
	assert_int_equal(k.tx[0].freq, 65536);
	/* beyond 500 ppm: the kernel's MAXFREQ_SCALED, 32768000 */
	assert_int_equal(hwclock_adjfreq(c, 600000.0), 0);
	assert_int_equal(k.tx[1].freq, 32768000);
	assert_int_equal(hwclock_adjfreq(c, -600000.0), 0);
	assert_int_equal(k.tx[2].freq, -32768000);
	k.freq = 32768000;
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_int_equal(k.tx[3].modes, 0);
	assert_true(ppb == 500000.0);
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

static void test_leap(void **state)
{
	struct hwclock *c = open_sys(false);

	(void)state;
	k.status = STA_PLL | STA_DEL | STA_NANO;
	assert_int_equal(c->ops->set_leap(c, 1), 0);
	assert_int_equal(k.n_adj, 2);
	assert_int_equal(k.tx[0].modes, 0);
	assert_int_equal(k.tx[1].modes, ADJ_STATUS);
	assert_int_equal(k.tx[1].status, STA_PLL | STA_INS | STA_NANO);
	assert_true(ht_log_has("CLOCK_REALTIME: leap second"));
	k.n_adj = 0;
	k.status = STA_PLL | STA_INS;
	assert_int_equal(c->ops->set_leap(c, -1), 0);
	assert_int_equal(k.tx[1].status, STA_PLL | STA_DEL);
	k.n_adj = 0;
	assert_int_equal(c->ops->set_leap(c, 0), 0);
	assert_int_equal(k.tx[1].status, STA_PLL);
	k.n_adj = 0;
	assert_int_equal(c->ops->set_leap(c, 2), -EINVAL);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

static void test_errors_and_readonly(void **state)
{
	struct hwclock *c = open_sys(false);
	double ppb;

	(void)state;
	k.adj_err = EPERM;
	assert_int_equal(hwclock_adjfreq(c, 1.0), -EPERM);
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
	assert_int_equal(k.n_adj, 0);
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_int_equal(k.n_adj, 1);
	hwclock_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_and_read, setup),
		cmocka_unit_test_setup(test_adjfreq_clamp_getfreq, setup),
		cmocka_unit_test_setup(test_step, setup),
		cmocka_unit_test_setup(test_leap, setup),
		cmocka_unit_test_setup(test_errors_and_readonly, setup),
	};

	return cmocka_run_group_tests_name("hwts_sysclk", tests, NULL, NULL);
}
