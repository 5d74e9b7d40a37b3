/*
 * hwts/clockadj.c — clock_gettime and clock_adjtime on a clockid, shared by
 * the PHC and system-clock hwclocks.
 *
 * Frequencies: the kernel takes "scaled ppm", ppm with a 16-bit binary
 * fraction, so 1 ppb = 65.536 units (1000 ppb = 65536).  Steps use
 * ADJ_SETOFFSET|ADJ_NANO, whose timeval carries nanoseconds in tv_usec and
 * must be normalised: tv_usec in [0, 10^9), negative offsets in tv_sec.
 *
 * The system clock's tick: the kernel makes a second of
 * tick * USER_HZ * 1000 ns, plus the ADJ_FREQUENCY part (+-500 ppm), so a
 * frequency beyond 500 ppm goes partly into the tick.  The split here puts
 * the nearest whole tick unit (USER_HZ ppm) into the tick and the rest,
 * at most half a unit, into the frequency; the sum comes back within the
 * rounding of scaled ppm (2^-16 ppm, 0.0153 ppb; half of it after rounding
 * to nearest).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <sys/timex.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"

long hwts_ppb_to_scaled_ppm(double ppb)
{
	/* 65536 / 1000 rather than 65.536, which a double cannot hold */
	return lround(ppb * 65536.0 / 1000.0);
}

double hwts_scaled_ppm_to_ppb(long scaled)
{
	return (double)scaled * 1000.0 / 65536.0;
}

long hwts_err_ns_to_us(int64_t ns)
{
	if (ns <= 0)
		return 0;
	if (ns >= (int64_t)HWTS_NTP_PHASE_LIMIT_US * 1000)
		return HWTS_NTP_PHASE_LIMIT_US;
	return (long)((ns + 999) / 1000);
}

int hwts_tick_init(struct hwts_tick *t, long hz)
{
	memset(t, 0, sizeof(*t));
	if (hz <= 0 || 1000000 % hz != 0)
		return -EINVAL;
	t->hz = hz;
	t->nominal = (1000000 + hz / 2) / hz;
	t->min = 900000 / hz;
	t->max = 1100000 / hz;
	t->unit_ppb = (double)hz * 1000.0;
	if (t->max <= t->nominal || t->min >= t->nominal)
		return -EINVAL;
	return 0;
}

/* Whole tick units the range allows on its narrower side. */
static long tick_span(const struct hwts_tick *t)
{
	long up = t->max - t->nominal, down = t->nominal - t->min;

	return up < down ? up : down;
}

double hwts_tick_max_ppb(const struct hwts_tick *t)
{
	return (double)tick_span(t) * t->unit_ppb + HWTS_MAXFREQ_PPB;
}

void hwts_tick_split(const struct hwts_tick *t, double ppb, long *tick,
		     long *freq)
{
	double units = ppb / t->unit_ppb, rest;
	long lo = t->min - t->nominal, hi = t->max - t->nominal, d;

	/* clamp before lround: its result is unspecified out of range */
	if (!(units > (double)lo)) /* also NaN */
		units = (double)lo;
	if (units > (double)hi)
		units = (double)hi;
	d = lround(units);
	rest = ppb - (double)d * t->unit_ppb;
	if (rest > HWTS_MAXFREQ_PPB)
		rest = HWTS_MAXFREQ_PPB;
	if (!(rest > -HWTS_MAXFREQ_PPB))
		rest = -HWTS_MAXFREQ_PPB;
	*tick = t->nominal + d;
	*freq = hwts_ppb_to_scaled_ppm(rest);
}

double hwts_tick_join(const struct hwts_tick *t, long tick, long freq)
{
	double ppb = hwts_scaled_ppm_to_ppb(freq);

	if (tick >= t->min && tick <= t->max)
		ppb += (double)(tick - t->nominal) * t->unit_ppb;
	return ppb;
}

void hwts_ns_to_timeval_nano(int64_t ns, struct timeval *tv)
{
	int64_t sec = ns / NS_PER_SEC, rem = ns % NS_PER_SEC;

	if (rem < 0) {
		sec -= 1;
		rem += NS_PER_SEC;
	}
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)rem;
}

int hwts_clk_gettime(clockid_t clk, const char *name, int64_t *ns)
{
	struct timespec ts;
	int err;

	if (clock_gettime(clk, &ts) < 0) {
		err = -errno;
		cm_err("%s: clock_gettime: %s", name, strerror(-err));
		return err;
	}
	*ns = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	return 0;
}

int hwts_clk_adjtime(clockid_t clk, const char *name, struct timex *tx,
		     const char *what)
{
	int err;

	if (clock_adjtime(clk, tx) >= 0)
		return 0;
	err = -errno;
	cm_err("%s: clock_adjtime %s: %s (%s)", name, what, strerror(-err),
	       hwts_errname(err));
	return err;
}

int hwts_clk_adjfreq(clockid_t clk, const char *name, double ppb,
		     double max_ppb)
{
	struct timex tx;

	if (!isfinite(ppb))
		return -EINVAL;
	if (ppb > max_ppb)
		ppb = max_ppb;
	if (ppb < -max_ppb)
		ppb = -max_ppb;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = hwts_ppb_to_scaled_ppm(ppb);
	return hwts_clk_adjtime(clk, name, &tx, "ADJ_FREQUENCY");
}

int hwts_clk_getfreq(clockid_t clk, const char *name, double *ppb)
{
	struct timex tx;
	int err;

	memset(&tx, 0, sizeof(tx));
	err = hwts_clk_adjtime(clk, name, &tx, "(read)");
	if (err)
		return err;
	*ppb = hwts_scaled_ppm_to_ppb(tx.freq);
	return 0;
}

int hwts_clk_step(clockid_t clk, const char *name, int64_t delta_ns)
{
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	hwts_ns_to_timeval_nano(delta_ns, &tx.time);
	return hwts_clk_adjtime(clk, name, &tx, "ADJ_SETOFFSET");
}
