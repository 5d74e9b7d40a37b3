/*
 * hwts/clockadj.c — clock_gettime and clock_adjtime on a clockid, shared by
 * the PHC and system-clock hwclocks.
 *
 * Frequencies: the kernel takes "scaled ppm", ppm with a 16-bit binary
 * fraction, so 1 ppb = 65.536 units (1000 ppb = 65536).  Steps use
 * ADJ_SETOFFSET|ADJ_NANO, whose timeval carries nanoseconds in tv_usec and
 * must be normalised: tv_usec in [0, 10^9), negative offsets in tv_sec.
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

static int clk_adjtime(clockid_t clk, const char *name, struct timex *tx,
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
	return clk_adjtime(clk, name, &tx, "ADJ_FREQUENCY");
}

int hwts_clk_getfreq(clockid_t clk, const char *name, double *ppb)
{
	struct timex tx;
	int err;

	memset(&tx, 0, sizeof(tx));
	err = clk_adjtime(clk, name, &tx, "(read)");
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
	return clk_adjtime(clk, name, &tx, "ADJ_SETOFFSET");
}
