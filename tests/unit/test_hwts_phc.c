/*
 * tests/unit/test_hwts_phc.c — hwts/phc.c (and hwts/clockadj.c) with open,
 * close, ioctl, clock_gettime and clock_adjtime wrapped: no real clock is
 * read or touched.  Opening and PTP_CLOCK_GETCAPS, the dynamic clockid,
 * ppb to scaled ppm, step normalisation, errors, read-only clocks (and no
 * leap, TAI or sync state on a PHC), and the paired readings: AUTO's walk
 * through PTP_SYS_OFFSET_PRECISE / _EXTENDED / basic when each is missing
 * (EOPNOTSUPP, ENOTTY, EINVAL) or failing (EIO), a forced method used
 * alone and refused when missing, the readings count reaching the ioctl as
 * n_samples (clamped to 1..25), best of exactly N by the shortest window,
 * and the method and window reported, on crafted numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <linux/ptp_clock.h>
#include <sys/ioctl.h>
#include <sys/timex.h>

#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"
#include "tests/unit/hwts_test.h"

#define FAKE_FD 42
/* FD_TO_CLOCKID(42) = ((~42) << 3) | 3 = (-43 * 8) | 3 */
#define FAKE_CLKID (-43 * 8 + 3)

int __wrap_open(const char *path, int flags, ...);
int __wrap_close(int fd);
int __real_close(int fd);
int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_adjtime(clockid_t clk, struct timex *tx);

static struct {
	char path[64];
	int open_flags[2], n_open;
	int open_err[2]; /* per attempt */
	int n_close;
	struct ptp_clock_caps caps;
	int caps_err;
	int err_precise, err_ext, err_basic;
	struct ptp_sys_offset_precise precise;
	struct ptp_sys_offset_extended ext;
	struct ptp_sys_offset basic;
	unsigned long reqs[16];
	unsigned int nsamp[16]; /* n_samples each request carried */
	int n_req;
	int64_t rt[4], phc; /* CLOCK_REALTIME readings in turn; the PHC */
	int n_rt, n_phc_reads;
	clockid_t adj_clk;
	struct timex tx;
	int n_adj;
	int adj_err;
	long cur_freq;
} k;

int __wrap_open(const char *path, int flags, ...)
{
	int i = k.n_open;

	if (k.n_open < 2)
		k.open_flags[k.n_open] = flags;
	k.n_open++;
	snprintf(k.path, sizeof(k.path), "%s", path);
	if (i < 2 && k.open_err[i]) {
		errno = k.open_err[i];
		return -1;
	}
	return FAKE_FD;
}

int __wrap_close(int fd)
{
	if (fd == FAKE_FD) {
		k.n_close++;
		return 0;
	}
	return __real_close(fd);
}

static int fake_ptp_ioctl(unsigned long req, void *arg)
{
	int err = 0;

	if (req == PTP_CLOCK_GETCAPS) {
		err = k.caps_err;
		if (!err)
			memcpy(arg, &k.caps, sizeof(k.caps));
	} else if (req == PTP_SYS_OFFSET_PRECISE) {
		err = k.err_precise;
		if (!err)
			memcpy(arg, &k.precise, sizeof(k.precise));
	} else if (req == PTP_SYS_OFFSET_EXTENDED) {
		struct ptp_sys_offset_extended *x = arg;
		unsigned int n = x->n_samples;

		k.nsamp[k.n_req - 1] = n;
		/* the kernel refuses more than PTP_MAX_SAMPLES */
		err = n > PTP_MAX_SAMPLES ? EINVAL : k.err_ext;
		/* every slot filled, even past n: the reader must stop at n */
		if (!err) {
			memcpy(x, &k.ext, sizeof(k.ext));
			x->n_samples = n;
		}
	} else if (req == PTP_SYS_OFFSET) {
		struct ptp_sys_offset *x = arg;
		unsigned int n = x->n_samples;

		k.nsamp[k.n_req - 1] = n;
		err = n > PTP_MAX_SAMPLES ? EINVAL : k.err_basic;
		if (!err) {
			memcpy(x, &k.basic, sizeof(k.basic));
			x->n_samples = n;
		}
	} else {
		fail_msg("unexpected ioctl 0x%lx", req);
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	assert_int_equal(fd, FAKE_FD);
	assert_in_range(k.n_req, 0, 15);
	k.reqs[k.n_req++] = req;
	return fake_ptp_ioctl(req, arg);
}

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	int64_t ns;

	if (clk == CLOCK_REALTIME) {
		ns = k.rt[k.n_rt < 4 ? k.n_rt : 3];
		k.n_rt++;
	} else if (clk == FAKE_CLKID) {
		ns = k.phc;
		k.n_phc_reads++;
	} else {
		return __real_clock_gettime(clk, ts);
	}
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
	return 0;
}

/* Never the real one: the system clock of this machine is not ours. */
int __wrap_clock_adjtime(clockid_t clk, struct timex *tx)
{
	k.n_adj++;
	k.adj_clk = clk;
	k.tx = *tx;
	if (k.adj_err) {
		errno = k.adj_err;
		return -1;
	}
	if (tx->modes == 0)
		tx->freq = k.cur_freq;
	return TIME_OK;
}

static int setup(void **state)
{
	(void)state;
	memset(&k, 0, sizeof(k));
	k.caps.max_adj = 500000;
	ht_log_reset();
	return 0;
}

static struct hwclock *open_phc(bool readonly)
{
	struct hwclock *c = NULL;

	assert_int_equal(phc_open(3, readonly, &c), 0);
	assert_non_null(c);
	k.n_req = 0;
	return c;
}

static void pct(struct ptp_clock_time *t, int64_t ns)
{
	t->sec = ns / 1000000000;
	t->nsec = (uint32_t)(ns % 1000000000);
}

/* ---- open ---- */

static void test_open_caps(void **state)
{
	struct hwclock *c = NULL;

	(void)state;
	k.caps.max_adj = 123456;
	assert_int_equal(phc_open(3, false, &c), 0);
	assert_string_equal(k.path, "/dev/ptp3");
	assert_int_equal(k.open_flags[0] & O_ACCMODE, O_RDWR);
	assert_true(k.open_flags[0] & O_CLOEXEC);
	assert_int_equal(k.reqs[0], PTP_CLOCK_GETCAPS);
	assert_true(c->max_adj_ppb == 123456.0);
	assert_int_equal(c->phc_index, 3);
	assert_string_equal(c->name, "/dev/ptp3");
	assert_true(ht_log_has("/dev/ptp3: PHC, max_adj 123456 ppb"));
	hwclock_close(c);
	assert_int_equal(k.n_close, 1);
	/* a path of one's own */
	assert_int_equal(phc_open_path("/dev/ptp_ice", false, &c), 0);
	assert_int_equal(c->phc_index, -1);
	hwclock_close(c);
}

static void test_open_errors(void **state)
{
	struct hwclock *c = (struct hwclock *)&k;

	(void)state;
	k.open_err[0] = ENOENT;
	assert_int_equal(phc_open(9, false, &c), -ENOENT);
	assert_null(c);
	assert_int_equal(k.n_req, 0);
	assert_true(ht_log_has("/dev/ptp9: open"));
	/* not a PHC: closed again */
	setup(NULL);
	k.caps_err = ENOTTY;
	assert_int_equal(phc_open(0, false, &c), -ENOTTY);
	assert_int_equal(k.n_close, 1);
	assert_true(ht_log_has("/dev/ptp0: not a PTP clock"));
	/* a bad index */
	assert_int_equal(phc_open(-1, false, &c), -EINVAL);
	/* EACCES: read-only users settle for O_RDONLY, others fail */
	setup(NULL);
	k.open_err[0] = EACCES;
	assert_int_equal(phc_open(0, false, &c), -EACCES);
	assert_int_equal(k.n_open, 1);
	setup(NULL);
	k.open_err[0] = EACCES;
	assert_int_equal(phc_open(0, true, &c), 0);
	assert_int_equal(k.n_open, 2);
	assert_int_equal(k.open_flags[1] & O_ACCMODE, O_RDONLY);
	hwclock_close(c);
}

/* ---- reading and adjusting ---- */

static void test_gettime(void **state)
{
	struct hwclock *c = open_phc(false);
	int64_t ns, pre, post;

	(void)state;
	k.rt[0] = 2000000000100LL;
	k.rt[1] = 2000000000300LL;
	k.phc = 1037000000000LL;
	assert_int_equal(c->ops->gettime(c, &ns, &pre, &post), 0);
	assert_int_equal(ns, 1037000000000LL);
	assert_int_equal(pre, 2000000000100LL);
	assert_int_equal(post, 2000000000300LL);
	assert_int_equal(k.n_phc_reads, 1);
	k.n_rt = 0;
	assert_int_equal(hwclock_gettime(c, &ns), 0);
	assert_int_equal(k.n_rt, 0);
	hwclock_close(c);
}

static void test_adjfreq_scaled_ppm(void **state)
{
	static const struct {
		double ppb;
		long freq;
	} t[] = {
		{ 1000.0, 65536 },     { -1000.0, -65536 }, { 0.0, 0 },
		{ 1.0, 66 },	       { -1.0, -66 },	    { 0.5, 33 },
		{ 125.0, 8192 },       { 100000.0, 6553600 },
		{ -500000.0, -32768000 },
		/* exactly half-way (32.5, 2^-17 steps): away from zero */
		{ 0.49591064453125, 33 }, { -0.49591064453125, -33 },
	};
	struct hwclock *c = open_phc(false);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(hwclock_adjfreq(c, t[i].ppb), 0);
		assert_int_equal(k.adj_clk, FAKE_CLKID);
		assert_int_equal(k.tx.modes, ADJ_FREQUENCY);
		assert_int_equal(k.tx.freq, t[i].freq);
	}
	/* clamped to max_adj (500000 ppb here) */
	assert_int_equal(hwclock_adjfreq(c, 700000.0), 0);
	assert_int_equal(k.tx.freq, 32768000);
	assert_int_equal(hwclock_adjfreq(c, -1e12), 0);
	assert_int_equal(k.tx.freq, -32768000);
	k.n_adj = 0;
	assert_int_equal(hwclock_adjfreq(c, NAN), -EINVAL);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

static void test_getfreq(void **state)
{
	struct hwclock *c = open_phc(false);
	double ppb = 0;

	(void)state;
	k.cur_freq = -65536;
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_int_equal(k.tx.modes, 0);
	assert_true(ppb == -1000.0);
	hwclock_close(c);
}

static void test_step_normalised(void **state)
{
	static const struct {
		int64_t ns, sec, nsec;
	} t[] = {
		{ -1500000000LL, -2, 500000000 }, { -1, -1, 999999999 },
		{ -1000000000LL, -1, 0 },	    { 2250000000LL, 2, 250000000 },
		{ 0, 0, 0 },			    { 999999999, 0, 999999999 },
		{ -86400000000001LL, -86401, 999999999 },
	};
	struct hwclock *c = open_phc(false);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(hwclock_step(c, t[i].ns), 0);
		assert_int_equal(k.adj_clk, FAKE_CLKID);
		assert_int_equal(k.tx.modes, ADJ_SETOFFSET | ADJ_NANO);
		assert_int_equal(k.tx.time.tv_sec, t[i].sec);
		assert_int_equal(k.tx.time.tv_usec, t[i].nsec);
	}
	hwclock_close(c);
}

static void test_adjtime_errors(void **state)
{
	struct hwclock *c = open_phc(false);
	double ppb;

	(void)state;
	k.adj_err = EPERM;
	assert_int_equal(hwclock_adjfreq(c, 10.0), -EPERM);
	assert_int_equal(hwclock_step(c, 10), -EPERM);
	assert_int_equal(c->ops->getfreq(c, &ppb), -EPERM);
	assert_true(ht_log_has("/dev/ptp3: clock_adjtime ADJ_FREQUENCY"));
	k.adj_err = ERANGE;
	assert_int_equal(hwclock_adjfreq(c, 10.0), -ERANGE);
	hwclock_close(c);
}

static void test_readonly_and_leap(void **state)
{
	struct hwclock_sync sync = { .synced = true };
	struct hwclock *c = open_phc(true);
	double ppb;

	(void)state;
	assert_int_equal(hwclock_adjfreq(c, 10.0), -EPERM);
	assert_int_equal(hwclock_step(c, 10), -EPERM);
	assert_int_equal(c->ops->set_leap(c, 1), -EPERM);
	assert_int_equal(c->ops->set_tai(c, 37), -EPERM);
	assert_int_equal(c->ops->set_sync(c, &sync), -EPERM);
	assert_int_equal(k.n_adj, 0);
	assert_int_equal(k.n_req, 0);
	/* reading is fine */
	assert_int_equal(c->ops->getfreq(c, &ppb), 0);
	assert_int_equal(k.n_adj, 1);
	hwclock_close(c);
	/* a writable PHC has no leap seconds either */
	c = open_phc(false);
	k.n_adj = 0;
	assert_int_equal(c->ops->set_leap(c, 1), -EOPNOTSUPP);
	assert_int_equal(c->ops->set_leap(c, 0), -EOPNOTSUPP);
	assert_int_equal(c->ops->set_tai(c, 37), -EOPNOTSUPP);
	assert_int_equal(c->ops->set_sync(c, &sync), -EOPNOTSUPP);
	assert_int_equal(k.n_adj, 0);
	hwclock_close(c);
}

/* ---- PTP_SYS_OFFSET_* ---- */

/* One paired reading of five samples, as the old three-pointer op gave. */
static int so_read(struct hwclock *c, int64_t *off, int64_t *sys,
		   int64_t *delay)
{
	struct hwclock_sysoff so;
	int err = c->ops->sys_offset(c, 5, &so);

	if (!err) {
		*off = so.offset_ns;
		*sys = so.sys_ns;
		*delay = so.delay_ns;
	}
	return err;
}

static void test_sys_offset_precise(void **state)
{
	struct hwclock *c = open_phc(false);
	int64_t off, sys, delay = -1;

	(void)state;
	pct(&k.precise.device, 1037000000500LL);
	pct(&k.precise.sys_realtime, 1000000000000LL);
	assert_int_equal(so_read(c, &off, &sys, &delay), 0);
	assert_int_equal(off, 37000000500LL);
	assert_int_equal(sys, 1000000000000LL);
	assert_int_equal(delay, 0);
	assert_int_equal(k.n_req, 1);
	assert_int_equal(k.reqs[0], PTP_SYS_OFFSET_PRECISE);
	hwclock_close(c);
}

/* Five samples; #1 and #3 share the shortest window (40): #1 wins. */
static void fill_samples(int64_t pre[5], int64_t phc[5], int64_t post[5])
{
	static const int64_t win[5] = { 100, 40, 60, 40, 1000 };
	int i;

	for (i = 0; i < 5; i++) {
		pre[i] = 1000000000000LL + i * 10000;
		post[i] = pre[i] + win[i];
		phc[i] = pre[i] + 37000000000LL + 7 * i;
	}
}

static void test_sys_offset_extended(void **state)
{
	struct hwclock *c = open_phc(false);
	int64_t pre[5], phc[5], post[5], off, sys, delay;
	int i;

	(void)state;
	fill_samples(pre, phc, post);
	for (i = 0; i < 5; i++) {
		pct(&k.ext.ts[i][0], pre[i]);
		pct(&k.ext.ts[i][1], phc[i]);
		pct(&k.ext.ts[i][2], post[i]);
	}
	k.err_precise = EOPNOTSUPP;
	assert_int_equal(so_read(c, &off, &sys, &delay), 0);
	/* sample 1: pre 1000000010000, post +40, phc = pre + 37e9 + 7 */
	assert_int_equal(delay, 40);
	assert_int_equal(sys, 1000000010020LL);
	assert_int_equal(off, 37000000007LL - 20);
	assert_int_equal(k.n_req, 2);
	assert_int_equal(k.reqs[0], PTP_SYS_OFFSET_PRECISE);
	assert_int_equal(k.reqs[1], PTP_SYS_OFFSET_EXTENDED);
	/* remembered: PRECISE is not tried again */
	k.n_req = 0;
	assert_int_equal(so_read(c, &off, &sys, &delay), 0);
	assert_int_equal(k.n_req, 1);
	assert_int_equal(k.reqs[0], PTP_SYS_OFFSET_EXTENDED);
	/* a real failure is returned, not skipped */
	k.n_req = 0;
	k.err_ext = EIO;
	assert_int_equal(so_read(c, &off, &sys, &delay), -EIO);
	k.err_ext = 0;
	assert_int_equal(so_read(c, &off, &sys, &delay), 0);
	assert_int_equal(k.reqs[1], PTP_SYS_OFFSET_EXTENDED);
	/* every window negative (the clock stepped under us) */
	for (i = 0; i < 5; i++)
		pct(&k.ext.ts[i][2], pre[i] - 1);
	assert_int_equal(so_read(c, &off, &sys, &delay), -EIO);
	hwclock_close(c);
}

static void test_sys_offset_basic(void **state)
{
	/* ts[] = s0, p0, s1, p1, ..., s5: sample i is (s[i], p[i], s[i+1]),
	 * windows 100, 40, 60, 40, 1000 */
	static const int64_t s_off[6] = { 0, 100, 140, 200, 240, 1240 };
	const int64_t t0 = 1000000000000LL;
	struct hwclock *c = open_phc(false);
	int64_t off, sys, delay;
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		pct(&k.basic.ts[2 * i], t0 + s_off[i]);
	for (i = 0; i < 5; i++)
		pct(&k.basic.ts[2 * i + 1], t0 + s_off[i] + 37000000000LL + 7);
	k.err_precise = ENOTTY;
	k.err_ext = EINVAL;
	assert_int_equal(so_read(c, &off, &sys, &delay), 0);
	/* sample 1: pre t0+100, post t0+140, phc t0+100+37e9+7 */
	assert_int_equal(delay, 40);
	assert_int_equal(sys, t0 + 120);
	assert_int_equal(off, 37000000007LL - 20);
	assert_int_equal(k.n_req, 3);
	assert_int_equal(k.reqs[2], PTP_SYS_OFFSET);
	k.n_req = 0;
	assert_int_equal(so_read(c, &off, &sys, &delay), 0);
	assert_int_equal(k.n_req, 1);
	assert_int_equal(k.reqs[0], PTP_SYS_OFFSET);
	hwclock_close(c);
}

static void test_sys_offset_none(void **state)
{
	struct hwclock *c = open_phc(false);
	int64_t off, sys, delay;

	(void)state;
	k.err_precise = EOPNOTSUPP;
	k.err_ext = ENOTTY;
	k.err_basic = EOPNOTSUPP;
	assert_int_equal(so_read(c, &off, &sys, &delay),
			 -EOPNOTSUPP);
	assert_int_equal(k.n_req, 3);
	assert_true(ht_log_has("/dev/ptp3: no paired reading of the system clock works"));
	/* known now: no more ioctls */
	k.n_req = 0;
	assert_int_equal(so_read(c, &off, &sys, &delay),
			 -EOPNOTSUPP);
	assert_int_equal(k.n_req, 0);
	hwclock_close(c);
}

/* ---- paired readings: methods, sample counts, best of N ---- */

#define T0 1000000000000LL
#define PHC_AHEAD 37000000000LL

/* Window of sample i out of 25: shorter and shorter (1000, 970, ...,
 * 280), so the best of the first N is sample N - 1 and any sample read
 * past N would win wrongly. */
static int64_t win_of(int i)
{
	return 1000 - 30 * i;
}

/* Every one of the 25 EXTENDED slots: pre, device, post. */
static void fill_ext25(void)
{
	int64_t pre;
	int i;

	for (i = 0; i < PTP_MAX_SAMPLES; i++) {
		pre = T0 + i * 10000;
		pct(&k.ext.ts[i][0], pre);
		pct(&k.ext.ts[i][1], pre + PHC_AHEAD + 7 * i);
		pct(&k.ext.ts[i][2], pre + win_of(i));
	}
}

/* Every one of the 51 basic slots: s0, p0, s1, ...; sample i is
 * (s[i], p[i], s[i + 1]) with window win_of(i). */
static void fill_basic25(void)
{
	int64_t sys = T0;
	int i;

	for (i = 0; i < PTP_MAX_SAMPLES; i++) {
		pct(&k.basic.ts[2 * i], sys);
		pct(&k.basic.ts[2 * i + 1], sys + PHC_AHEAD + 7 * i);
		sys += win_of(i);
	}
	pct(&k.basic.ts[2 * PTP_MAX_SAMPLES], sys);
}

/* What sample i of fill_ext25 gives. */
static void expect_ext(const struct hwclock_sysoff *so, int i)
{
	int64_t pre = T0 + i * 10000, w = win_of(i);

	assert_int_equal(so->method, HWCLOCK_READ_EXTENDED);
	assert_int_equal(so->delay_ns, w);
	assert_int_equal(so->sys_ns, pre + w / 2);
	assert_int_equal(so->offset_ns, PHC_AHEAD + 7 * i - w / 2);
}

static void expect_basic(const struct hwclock_sysoff *so, int i)
{
	int64_t pre = T0, w = win_of(i);
	int j;

	for (j = 0; j < i; j++)
		pre += win_of(j);
	assert_int_equal(so->method, HWCLOCK_READ_BASIC);
	assert_int_equal(so->delay_ns, w);
	assert_int_equal(so->sys_ns, pre + w / 2);
	assert_int_equal(so->offset_ns, PHC_AHEAD + 7 * i - w / 2);
}

static void fill_all(void)
{
	pct(&k.precise.device, T0 + PHC_AHEAD + 500);
	pct(&k.precise.sys_realtime, T0);
	fill_ext25();
	fill_basic25();
}

static void expect_precise(const struct hwclock_sysoff *so)
{
	assert_int_equal(so->method, HWCLOCK_READ_PRECISE);
	assert_int_equal(so->delay_ns, 0);
	assert_int_equal(so->sys_ns, T0);
	assert_int_equal(so->offset_ns, PHC_AHEAD + 500);
}

static const int missing_errs[] = { EOPNOTSUPP, ENOTTY, EINVAL };
#define N_MISSING (int)(sizeof(missing_errs) / sizeof(missing_errs[0]))

static void test_auto_precise(void **state)
{
	struct hwclock *c = open_phc(false);
	struct hwclock_sysoff so;

	(void)state;
	fill_all();
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	expect_precise(&so);
	assert_int_equal(k.n_req, 1);
	assert_true(ht_log_has("paired readings by PTP_SYS_OFFSET_PRECISE"));
	hwclock_close(c);
}

/* PRECISE missing: EXTENDED, remembered; EXTENDED missing too: BASIC. */
static void test_auto_missing(void **state)
{
	struct hwclock *c;
	struct hwclock_sysoff so;
	int e;

	(void)state;
	for (e = 0; e < N_MISSING; e++) {
		setup(NULL);
		fill_all();
		c = open_phc(false);
		k.err_precise = missing_errs[e];
		assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
		expect_ext(&so, 4);
		assert_int_equal(k.n_req, 2);
		k.n_req = 0;
		assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
		assert_int_equal(k.n_req, 1);
		assert_int_equal(k.reqs[0], PTP_SYS_OFFSET_EXTENDED);
		hwclock_close(c);

		setup(NULL);
		fill_all();
		c = open_phc(false);
		k.err_precise = EOPNOTSUPP;
		k.err_ext = missing_errs[e];
		assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
		expect_basic(&so, 4);
		assert_int_equal(k.n_req, 3);
		k.n_req = 0;
		assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
		assert_int_equal(k.n_req, 1);
		assert_int_equal(k.reqs[0], PTP_SYS_OFFSET);
		hwclock_close(c);

		/* BASIC missing too: none, and known to be none */
		setup(NULL);
		c = open_phc(false);
		k.err_precise = k.err_ext = ENOTTY;
		k.err_basic = missing_errs[e];
		assert_int_equal(c->ops->sys_offset(c, 5, &so), -EOPNOTSUPP);
		assert_int_equal(k.n_req, 3);
		k.n_req = 0;
		assert_int_equal(c->ops->sys_offset(c, 5, &so), -EOPNOTSUPP);
		assert_int_equal(k.n_req, 0);
		hwclock_close(c);
	}
}

/* A method that fails (EIO) before any worked is passed over for this
 * reading, not forgotten; the one that works is kept. */
static void test_auto_failing(void **state)
{
	struct hwclock *c = open_phc(false);
	struct hwclock_sysoff so;

	(void)state;
	fill_all();
	k.err_precise = EIO;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	expect_ext(&so, 4);
	assert_int_equal(k.n_req, 2);
	assert_true(ht_log_has("PTP_SYS_OFFSET_PRECISE: Input/output error, "
			       "trying the next"));
	k.n_req = 0;
	k.err_precise = 0;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(k.n_req, 1); /* EXTENDED stays */
	assert_int_equal(so.method, HWCLOCK_READ_EXTENDED);
	hwclock_close(c);

	/* EXTENDED failing after PRECISE missing: BASIC */
	setup(NULL);
	fill_all();
	c = open_phc(false);
	k.err_precise = EOPNOTSUPP;
	k.err_ext = EIO;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	expect_basic(&so, 4);
	assert_int_equal(k.n_req, 3);
	hwclock_close(c);
}

/* Nothing worked: the (first) error, and the walk again next time. */
static void test_auto_failing_all(void **state)
{
	struct hwclock *c = open_phc(false);
	struct hwclock_sysoff so;

	(void)state;
	/* BASIC failing, the others missing: its error; tried again */
	fill_all();
	k.err_precise = EOPNOTSUPP;
	k.err_ext = EOPNOTSUPP;
	k.err_basic = EIO;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), -EIO);
	assert_int_equal(k.n_req, 3);
	assert_true(ht_log_has("no paired reading of the system clock "
			       "worked: Input/output error"));
	k.n_req = 0;
	k.err_basic = 0;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(k.n_req, 1);
	expect_basic(&so, 4);
	hwclock_close(c);

	/* all failing: the first error, all tried again next time */
	setup(NULL);
	c = open_phc(false);
	k.err_precise = EIO;
	k.err_ext = EBUSY;
	k.err_basic = ETIMEDOUT;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), -EIO);
	assert_int_equal(k.n_req, 3);
	k.n_req = 0;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), -EIO);
	assert_int_equal(k.n_req, 3);
	hwclock_close(c);
}

/* A forced method is the only one asked, whatever else the driver has. */
static void test_forced(void **state)
{
	static const struct {
		enum hwclock_read m;
		unsigned long req;
	} t[] = {
		{ HWCLOCK_READ_PRECISE, PTP_SYS_OFFSET_PRECISE },
		{ HWCLOCK_READ_EXTENDED, PTP_SYS_OFFSET_EXTENDED },
		{ HWCLOCK_READ_BASIC, PTP_SYS_OFFSET },
	};
	struct hwclock *c;
	struct hwclock_sysoff so;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setup(NULL);
		fill_all();
		c = open_phc(false);
		c->read_method = t[i].m;
		assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
		assert_int_equal(k.n_req, 1);
		assert_int_equal(k.reqs[0], t[i].req);
		assert_int_equal(so.method, t[i].m);
		if (t[i].m == HWCLOCK_READ_PRECISE)
			expect_precise(&so);
		else if (t[i].m == HWCLOCK_READ_EXTENDED)
			expect_ext(&so, 4);
		else
			expect_basic(&so, 4);
		hwclock_close(c);
	}
}

/* The driver lacks the forced method: refused, no other tried, and not
 * asked again; a failure of it is returned as it is, no fallback. */
static void test_forced_refused(void **state)
{
	static const enum hwclock_read ms[] = { HWCLOCK_READ_PRECISE,
						HWCLOCK_READ_EXTENDED,
						HWCLOCK_READ_BASIC };
	struct hwclock *c;
	struct hwclock_sysoff so;
	size_t i;
	int e;

	(void)state;
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		for (e = 0; e < N_MISSING; e++) {
			setup(NULL);
			fill_all();
			c = open_phc(false);
			c->read_method = ms[i];
			k.err_precise = k.err_ext = k.err_basic = 0;
			*(ms[i] == HWCLOCK_READ_PRECISE ? &k.err_precise :
			  ms[i] == HWCLOCK_READ_EXTENDED ? &k.err_ext :
							 &k.err_basic) =
				missing_errs[e];
			assert_int_equal(c->ops->sys_offset(c, 5, &so),
					 -EOPNOTSUPP);
			assert_int_equal(k.n_req, 1);
			assert_true(ht_log_has("not supported by the driver"));
			assert_int_equal(c->ops->sys_offset(c, 5, &so),
					 -EOPNOTSUPP);
			assert_int_equal(k.n_req, 1);
			hwclock_close(c);
		}
		setup(NULL);
		fill_all();
		c = open_phc(false);
		c->read_method = ms[i];
		k.err_precise = k.err_ext = k.err_basic = EIO;
		assert_int_equal(c->ops->sys_offset(c, 5, &so), -EIO);
		assert_int_equal(k.n_req, 1);
		k.err_precise = k.err_ext = k.err_basic = 0;
		assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
		assert_int_equal(k.n_req, 2);
		assert_int_equal(k.reqs[0], k.reqs[1]);
		hwclock_close(c);
	}
}

/* Changing read_method between readings: each mode keeps what it knows. */
static void test_method_switch(void **state)
{
	struct hwclock *c = open_phc(false);
	struct hwclock_sysoff so;

	(void)state;
	fill_all();
	k.err_precise = EOPNOTSUPP;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_EXTENDED);
	c->read_method = HWCLOCK_READ_BASIC;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_BASIC);
	k.n_req = 0;
	c->read_method = HWCLOCK_READ_PRECISE; /* known missing */
	assert_int_equal(c->ops->sys_offset(c, 5, &so), -EOPNOTSUPP);
	assert_int_equal(k.n_req, 0);
	c->read_method = HWCLOCK_READ_AUTO;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(so.method, HWCLOCK_READ_EXTENDED);
	assert_int_equal(k.n_req, 1);
	/* no PHC method by that name */
	k.n_req = 0;
	c->read_method = HWCLOCK_READ_SELF;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), -EOPNOTSUPP);
	c->read_method = HWCLOCK_READ_COUNT;
	assert_int_equal(c->ops->sys_offset(c, 5, &so), -EOPNOTSUPP);
	assert_int_equal(k.n_req, 0);
	hwclock_close(c);
}

/* readings reach the ioctl as n_samples (clamped to 1..25) and the best
 * window among exactly those samples wins. */
static void test_readings(void **state)
{
	static const struct {
		int readings;
		unsigned int n;
	} t[] = {
		{ 1, 1 }, { 5, 5 }, { 25, 25 }, { 0, 1 }, { -7, 1 },
		{ 26, 25 }, { 99, 25 }, { 12, 12 },
	};
	struct hwclock *c;
	struct hwclock_sysoff so;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setup(NULL);
		fill_all();
		c = open_phc(false);
		c->read_method = HWCLOCK_READ_EXTENDED;
		assert_int_equal(c->ops->sys_offset(c, t[i].readings, &so), 0);
		assert_int_equal(k.nsamp[0], t[i].n);
		expect_ext(&so, (int)t[i].n - 1);
		c->read_method = HWCLOCK_READ_BASIC;
		assert_int_equal(c->ops->sys_offset(c, t[i].readings, &so), 0);
		assert_int_equal(k.nsamp[1], t[i].n);
		expect_basic(&so, (int)t[i].n - 1);
		/* AUTO passes it on the same way */
		c->read_method = HWCLOCK_READ_AUTO;
		k.err_precise = EOPNOTSUPP;
		assert_int_equal(c->ops->sys_offset(c, t[i].readings, &so), 0);
		assert_int_equal(k.reqs[3], PTP_SYS_OFFSET_EXTENDED);
		assert_int_equal(k.nsamp[3], t[i].n);
		hwclock_close(c);
	}
}

/* The first of equal windows wins; a zero-width window is a window. */
static void test_best_ties(void **state)
{
	struct hwclock *c = open_phc(false);
	struct hwclock_sysoff so;
	int i;

	(void)state;
	c->read_method = HWCLOCK_READ_EXTENDED;
	for (i = 0; i < 3; i++) {
		pct(&k.ext.ts[i][0], T0 + i * 1000);
		pct(&k.ext.ts[i][1], T0 + i * 1000 + PHC_AHEAD);
		pct(&k.ext.ts[i][2], T0 + i * 1000 + (i == 0 ? 50 : 0));
	}
	assert_int_equal(c->ops->sys_offset(c, 3, &so), 0);
	assert_int_equal(so.delay_ns, 0);
	assert_int_equal(so.sys_ns, T0 + 1000);
	assert_int_equal(so.offset_ns, PHC_AHEAD);
	hwclock_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_caps, setup),
		cmocka_unit_test_setup(test_open_errors, setup),
		cmocka_unit_test_setup(test_gettime, setup),
		cmocka_unit_test_setup(test_adjfreq_scaled_ppm, setup),
		cmocka_unit_test_setup(test_getfreq, setup),
		cmocka_unit_test_setup(test_step_normalised, setup),
		cmocka_unit_test_setup(test_adjtime_errors, setup),
		cmocka_unit_test_setup(test_readonly_and_leap, setup),
		cmocka_unit_test_setup(test_sys_offset_precise, setup),
		cmocka_unit_test_setup(test_sys_offset_extended, setup),
		cmocka_unit_test_setup(test_sys_offset_basic, setup),
		cmocka_unit_test_setup(test_sys_offset_none, setup),
		cmocka_unit_test_setup(test_auto_precise, setup),
		cmocka_unit_test_setup(test_auto_missing, setup),
		cmocka_unit_test_setup(test_auto_failing, setup),
		cmocka_unit_test_setup(test_auto_failing_all, setup),
		cmocka_unit_test_setup(test_forced, setup),
		cmocka_unit_test_setup(test_forced_refused, setup),
		cmocka_unit_test_setup(test_method_switch, setup),
		cmocka_unit_test_setup(test_readings, setup),
		cmocka_unit_test_setup(test_best_ties, setup),
	};

	return cmocka_run_group_tests_name("hwts_phc", tests, NULL, NULL);
}
