/*
 * hwts/sysclk.c — CLOCK_REALTIME as a struct hwclock.
 *
 * Frequency and steps through clock_adjtime(CLOCK_REALTIME, ...); the
 * kernel's NTP state through the same call: leap seconds (STA_INS /
 * STA_DEL), the TAI offset (ADJ_TAI), maxerror / esterror and STA_UNSYNC.
 * Its offset to the system clock is zero by definition (method SELF).
 *
 * Frequency range.  ADJ_FREQUENCY alone reaches +-500 ppm (the kernel
 * clamps it silently at MAXFREQ_SCALED).  Like ptp4l, larger offsets go
 * into the kernel's tick (ADJ_TICK, us per 1/USER_HZ s; see hwts_priv.h):
 * adjfreq writes the nearest tick and the rest as frequency in one call,
 * getfreq reads both back and returns their sum.  At USER_HZ 100 the tick
 * moves in 100 ppm units over 9000..11000 us around 10000, so max_adj_ppb
 * is 1000 units * 100000 ppb + 500000 ppb = 100500000 ppb (10.05 %) and
 * larger requests are clamped to it.  What the user sees: a system clock
 * that can follow a PHC up to 10 % off, a tick other than 10000 in
 * `adjtimex -p` while it does, and the tick left where the servo put it
 * (as the frequency is) when hvptpd stops.  When USER_HZ is unusable
 * (sysconf fails, or it does not divide 10^6) or the kernel refuses
 * ADJ_TICK the first time (EINVAL: a sandbox, an old simulator), the clock
 * keeps to +-500 ppm, max_adj_ppb drops to 500000 and one warning says so.
 *
 * Status bits are written read-modify-write: each write keeps the bits this
 * file does not own (STA_PLL, STA_INS / STA_DEL or STA_UNSYNC, ...).  The
 * read and the write are two calls; another writer in between loses.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/timex.h>

#include "common/log.h"
#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"

/* TAI - UTC was 10 s in 1972 and is 37 s since 2017; a leap second every
 * year for a millennium would not reach 1000.  More is a corrupt
 * currentUtcOffset, not a timescale. */
#define SYSCLK_TAI_MAX 1000

enum sysclk_tick {
	SYSCLK_TICK_OFF, /* +-500 ppm through ADJ_FREQUENCY only */
	SYSCLK_TICK_UNTRIED, /* usable, the kernel not asked yet */
	SYSCLK_TICK_ON, /* the kernel took ADJ_TICK */
};

struct sysclk {
	struct hwclock hc; /* first */
	bool readonly;
	enum sysclk_tick tick_state;
	struct hwts_tick tick;
};

static struct sysclk *to_sysclk(struct hwclock *c)
{
	return (struct sysclk *)c;
}

static int sysclk_gettime(struct hwclock *c, int64_t *ns, int64_t *sys_pre,
			  int64_t *sys_post)
{
	int err = hwts_clk_gettime(CLOCK_REALTIME, c->name, ns);

	if (err)
		return err;
	if (sys_pre)
		*sys_pre = *ns;
	if (sys_post)
		*sys_post = *ns;
	return 0;
}

/* The kernel refused the tick: +-500 ppm from now on. */
static void sysclk_tick_off(struct sysclk *s, const char *why)
{
	s->tick_state = SYSCLK_TICK_OFF;
	s->hc.max_adj_ppb = HWTS_MAXFREQ_PPB;
	cm_warn("%s: %s; frequency limited to +-500 ppm", s->hc.name, why);
}

static int sysclk_adjfreq(struct hwclock *c, double ppb)
{
	struct sysclk *s = to_sysclk(c);
	struct timex tx;
	long tick, freq;
	int err;

	if (s->readonly)
		return -EPERM;
	if (!isfinite(ppb))
		return -EINVAL;
	if (s->tick_state == SYSCLK_TICK_OFF)
		return hwts_clk_adjfreq(CLOCK_REALTIME, c->name, ppb,
					c->max_adj_ppb);
	if (ppb > c->max_adj_ppb)
		ppb = c->max_adj_ppb;
	if (ppb < -c->max_adj_ppb)
		ppb = -c->max_adj_ppb;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY | ADJ_TICK;
	hwts_tick_split(&s->tick, ppb, &tick, &freq);
	tx.tick = tick;
	tx.freq = freq;
	if (clock_adjtime(CLOCK_REALTIME, &tx) >= 0) {
		s->tick_state = SYSCLK_TICK_ON;
		return 0;
	}
	err = -errno;
	if (err == -EINVAL && s->tick_state == SYSCLK_TICK_UNTRIED) {
		sysclk_tick_off(s, "the kernel refuses ADJ_TICK (EINVAL)");
		return hwts_clk_adjfreq(CLOCK_REALTIME, c->name, ppb,
					c->max_adj_ppb);
	}
	cm_err("%s: clock_adjtime ADJ_FREQUENCY|ADJ_TICK (tick %ld): %s (%s)",
	       c->name, tick, strerror(-err), hwts_errname(err));
	return err;
}

/* The sum of tick and frequency; the frequency alone when the tick is not
 * ours to use (then it is whatever the kernel started with). */
static int sysclk_getfreq(struct hwclock *c, double *ppb)
{
	struct sysclk *s = to_sysclk(c);
	struct timex tx;
	int err;

	memset(&tx, 0, sizeof(tx));
	err = hwts_clk_adjtime(CLOCK_REALTIME, c->name, &tx, "(read)");
	if (err)
		return err;
	if (s->tick_state == SYSCLK_TICK_OFF)
		*ppb = hwts_scaled_ppm_to_ppb(tx.freq);
	else
		*ppb = hwts_tick_join(&s->tick, tx.tick, tx.freq);
	return 0;
}

static int sysclk_step(struct hwclock *c, int64_t delta_ns)
{
	if (to_sysclk(c)->readonly)
		return -EPERM;
	return hwts_clk_step(CLOCK_REALTIME, c->name, delta_ns);
}

static int sysclk_sys_offset(struct hwclock *c, int readings,
			     struct hwclock_sysoff *out)
{
	int err = hwts_clk_gettime(CLOCK_REALTIME, c->name, &out->sys_ns);

	(void)readings;
	if (err)
		return err;
	out->offset_ns = 0;
	out->delay_ns = 0;
	out->method = HWCLOCK_READ_SELF;
	return 0;
}

/*
 * Write tx (its modes and fields, plus ADJ_STATUS) with the status word
 * read just before, less the bits in clear, plus those in set.  *old: the
 * status read.  The kernel ignores the read-only bits (STA_RONLY) written
 * back.
 */
static int sysclk_status_rmw(struct hwclock *c, struct timex *tx, int clear,
			     int set, int *old)
{
	struct timex cur;
	int err;

	memset(&cur, 0, sizeof(cur));
	err = hwts_clk_adjtime(CLOCK_REALTIME, c->name, &cur, "(read)");
	if (err)
		return err;
	if (old)
		*old = cur.status;
	tx->modes |= ADJ_STATUS;
	tx->status = (cur.status & ~clear) | set;
	return hwts_clk_adjtime(CLOCK_REALTIME, c->name, tx, "ADJ_STATUS");
}

/* The kernel inserts (STA_INS) or deletes (STA_DEL) a second at the next
 * midnight UTC; both cleared, nothing happens.  Logged when it changes. */
static int sysclk_set_leap(struct hwclock *c, int leap)
{
	int set = leap > 0 ? STA_INS : leap < 0 ? STA_DEL : 0, old = 0;
	struct timex tx;
	int err;

	if (to_sysclk(c)->readonly)
		return -EPERM;
	if (leap < -1 || leap > 1)
		return -EINVAL;
	memset(&tx, 0, sizeof(tx));
	err = sysclk_status_rmw(c, &tx, STA_INS | STA_DEL, set, &old);
	if (err || (old & (STA_INS | STA_DEL)) == set)
		return err;
	if (leap)
		cm_notice("%s: leap second (%s) armed for the end of the "
			  "UTC day",
			  c->name, leap > 0 ? "+1" : "-1");
	else
		cm_notice("%s: leap second disarmed", c->name);
	return 0;
}

/* ADJ_TAI: the kernel's TAI - UTC (CLOCK_TAI = CLOCK_REALTIME + it).  The
 * kernel silently ignores a negative one: refused here instead. */
static int sysclk_set_tai(struct hwclock *c, int tai_offset_s)
{
	struct timex tx;

	if (to_sysclk(c)->readonly)
		return -EPERM;
	if (tai_offset_s < 0 || tai_offset_s > SYSCLK_TAI_MAX)
		return -EINVAL;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_TAI;
	tx.constant = tai_offset_s;
	return hwts_clk_adjtime(CLOCK_REALTIME, c->name, &tx, "ADJ_TAI");
}

/*
 * maxerror and esterror in us (rounded up, at most 16 s), STA_UNSYNC from
 * synced.  Kernel rules: maxerror grows by 500 us every second and, past
 * NTP_PHASE_LIMIT (16 s), the kernel sets STA_UNSYNC itself, so a synced
 * clock needs a refresh at least every (16 s - maxerror) / 500 ppm; while
 * STA_UNSYNC is clear the kernel copies the system time to the RTC every
 * 11 minutes (CONFIG_RTC_SYSTOHC), and adjtimex users (chronyc, ntpq,
 * timedatectl) read the clock as synchronised.
 */
static int sysclk_set_sync(struct hwclock *c, const struct hwclock_sync *sy)
{
	struct timex tx;

	if (to_sysclk(c)->readonly)
		return -EPERM;
	if (!sy || sy->maxerror_ns < 0 || sy->esterror_ns < 0)
		return -EINVAL;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_MAXERROR | ADJ_ESTERROR;
	tx.maxerror = hwts_err_ns_to_us(sy->maxerror_ns);
	tx.esterror = hwts_err_ns_to_us(sy->esterror_ns);
	return sysclk_status_rmw(c, &tx, STA_UNSYNC,
				 sy->synced ? 0 : STA_UNSYNC, NULL);
}

static void sysclk_close(struct hwclock *c)
{
	free(to_sysclk(c));
}

static const struct hwclock_ops sysclk_ops = {
	.gettime = sysclk_gettime,
	.adjfreq = sysclk_adjfreq,
	.getfreq = sysclk_getfreq,
	.step = sysclk_step,
	.sys_offset = sysclk_sys_offset,
	.set_leap = sysclk_set_leap,
	.set_tai = sysclk_set_tai,
	.set_sync = sysclk_set_sync,
	.close = sysclk_close,
};

/* USER_HZ decides the tick's units and range. */
static void sysclk_tick_init(struct sysclk *s)
{
	long hz;

	errno = 0;
	hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0) {
		cm_warn("%s: sysconf(_SC_CLK_TCK): %s; frequency limited to "
			"+-500 ppm", s->hc.name,
			errno ? strerror(errno) : "no value");
		return;
	}
	if (hwts_tick_init(&s->tick, hz)) {
		cm_warn("%s: USER_HZ %ld does not divide a second; frequency "
			"limited to +-500 ppm", s->hc.name, hz);
		return;
	}
	s->tick_state = SYSCLK_TICK_UNTRIED;
	s->hc.max_adj_ppb = hwts_tick_max_ppb(&s->tick);
	cm_debug("%s: USER_HZ %ld, tick %ld us (%ld..%ld), max_adj %.0f ppb",
		 s->hc.name, hz, s->tick.nominal, s->tick.min, s->tick.max,
		 s->hc.max_adj_ppb);
}

int sysclk_open(bool readonly, struct hwclock **out)
{
	struct sysclk *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->hc.ops = &sysclk_ops;
	strcpy(s->hc.name, "CLOCK_REALTIME");
	s->hc.max_adj_ppb = HWTS_MAXFREQ_PPB;
	s->hc.phc_index = -1;
	s->hc.keeps_utc = true;
	s->hc.read_method = HWCLOCK_READ_SELF;
	s->readonly = readonly;
	s->tick_state = SYSCLK_TICK_OFF;
	sysclk_tick_init(s);
	*out = &s->hc;
	return 0;
}
