/*
 * common/hwclock.h — the clock ops table.
 *
 * Every clock of the host is a struct hwclock: a PHC (/dev/ptpN, in
 * hwts/phc.c), the system clock CLOCK_REALTIME (hwts/sysclk.c) or a
 * simulated clock (sim/).  The servo decides; the executor applies the
 * decision through these ops.  Only the interface lives here (pure);
 * implementations live at the edge.  Every op returns 0 or a negative
 * errno; an op a clock cannot do returns -EOPNOTSUPP (a PHC keeps no
 * leap-second or TAI state) or is NULL, which the hwclock_*() wrappers
 * below turn into -EOPNOTSUPP; a read-only clock refuses changes with
 * -EPERM.  max_adj_ppb may shrink after an adjfreq (the system clock
 * without tick falls back to +-500 ppm); adjfreq always clamps to it.
 *
 * Timescales: a PHC disciplined by PTP keeps the PTP timescale (TAI, or
 * the grandmaster's arbitrary one); CLOCK_REALTIME keeps UTC (keeps_utc).
 * The kernel's TAI offset (ADJ_TAI) and its leap-second state (STA_INS,
 * STA_DEL) belong to the system clock.
 *
 * Paired readings (sys_offset): the offset of this clock against
 * CLOCK_REALTIME, by the best method the driver has — a hardware cross
 * timestamp (PTP_SYS_OFFSET_PRECISE), else the system time read just
 * before and after the device, best of N by the shortest window
 * (PTP_SYS_OFFSET_EXTENDED), else the interleaved basic reading
 * (PTP_SYS_OFFSET).  A clock may be told to use one method only
 * (read_method); AUTO tries them in that order and remembers the first
 * that works.  The system clock reads itself: offset 0, method SELF.
 */
#ifndef HVPTP_COMMON_HWCLOCK_H
#define HVPTP_COMMON_HWCLOCK_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hwclock;

enum hwclock_read {
	HWCLOCK_READ_AUTO = 0, /* the best that works (configuration only) */
	HWCLOCK_READ_PRECISE, /* PTP_SYS_OFFSET_PRECISE: cross timestamp */
	HWCLOCK_READ_EXTENDED, /* PTP_SYS_OFFSET_EXTENDED, best of N */
	HWCLOCK_READ_BASIC, /* PTP_SYS_OFFSET, best of N */
	HWCLOCK_READ_SELF, /* the system clock against itself */
	HWCLOCK_READ_COUNT
};
/* "auto", "precise", "extended", "basic", "self". */
const char *hwclock_read_name(enum hwclock_read m);

/* One paired reading: this clock - CLOCK_REALTIME. */
struct hwclock_sysoff {
	int64_t offset_ns; /* this clock - system clock, at sys_ns */
	int64_t sys_ns; /* CLOCK_REALTIME at the (middle of the) reading */
	int64_t delay_ns; /* width of the best read window; 0 when
			     cross-timestamped or self */
	enum hwclock_read method; /* the method that gave it */
};

/* The kernel's view of the system clock's synchronisation (adjtimex
 * maxerror, esterror and STA_UNSYNC), kept honest by the executor.  The
 * kernel takes microseconds, clamps at 16 s (NTP_PHASE_LIMIT), grows
 * maxerror by 500 us every second and sets STA_UNSYNC itself past 16 s,
 * so the executor refreshes it every second.  Negative values: -EINVAL. */
struct hwclock_sync {
	bool synced; /* false: STA_UNSYNC (time not known to be right) */
	int64_t maxerror_ns; /* bound on |error| (kernel: us, grows 500
				ppm by itself) */
	int64_t esterror_ns; /* estimated |error| (1 sigma) */
};

struct hwclock_ops {
	/* Read the clock; sys_pre/sys_post (may be NULL) bracket the read in
	 * CLOCK_REALTIME ns when the implementation can tell. */
	int (*gettime)(struct hwclock *c, int64_t *ns, int64_t *sys_pre,
		       int64_t *sys_post);
	/* Set the frequency offset, ppb (positive: runs faster).  Values
	 * beyond max_adj_ppb are clamped. */
	int (*adjfreq)(struct hwclock *c, double ppb);
	/* Current frequency offset, ppb. */
	int (*getfreq)(struct hwclock *c, double *ppb);
	/* Step the clock by delta ns. */
	int (*step)(struct hwclock *c, int64_t delta_ns);
	/* A paired reading against the system clock, with `readings`
	 * samples for the methods that take several (clamped to 1..25).  In
	 * AUTO, once a method has worked its failures are returned (no
	 * switch between methods of different biases); a PHC whose methods
	 * all failed, or a forced method the driver lacks, gives
	 * -EOPNOTSUPP. */
	int (*sys_offset)(struct hwclock *c, int readings,
			  struct hwclock_sysoff *out);
	/* Announce a leap second at the end of the UTC day: +1, -1, 0. */
	int (*set_leap)(struct hwclock *c, int leap);
	/* The kernel's TAI - UTC offset, seconds (ADJ_TAI), 0..1000. */
	int (*set_tai)(struct hwclock *c, int tai_offset_s);
	/* maxerror, esterror and STA_UNSYNC. */
	int (*set_sync)(struct hwclock *c, const struct hwclock_sync *s);
	void (*close)(struct hwclock *c);
};

struct hwclock {
	const struct hwclock_ops *ops;
	char name[32]; /* "/dev/ptp0", "CLOCK_REALTIME", "sim:node1" */
	double max_adj_ppb; /* largest |adjfreq| the clock accepts */
	int phc_index; /* -1 when not a PHC */
	bool keeps_utc; /* CLOCK_REALTIME: UTC; a PHC: the PTP timescale */
	enum hwclock_read read_method; /* sys_offset: AUTO, or the one
					  method to use */
};

static inline int hwclock_gettime(struct hwclock *c, int64_t *ns)
{
	return c->ops->gettime(c, ns, NULL, NULL);
}

static inline int hwclock_getfreq(struct hwclock *c, double *ppb)
{
	return c->ops->getfreq ? c->ops->getfreq(c, ppb) : -EOPNOTSUPP;
}

static inline int hwclock_sys_offset(struct hwclock *c, int readings,
				     struct hwclock_sysoff *out)
{
	return c->ops->sys_offset ? c->ops->sys_offset(c, readings, out)
				  : -EOPNOTSUPP;
}

static inline int hwclock_set_leap(struct hwclock *c, int leap)
{
	return c->ops->set_leap ? c->ops->set_leap(c, leap) : -EOPNOTSUPP;
}

static inline int hwclock_set_tai(struct hwclock *c, int tai_offset_s)
{
	return c->ops->set_tai ? c->ops->set_tai(c, tai_offset_s)
			       : -EOPNOTSUPP;
}

static inline int hwclock_set_sync(struct hwclock *c,
				   const struct hwclock_sync *s)
{
	return c->ops->set_sync ? c->ops->set_sync(c, s) : -EOPNOTSUPP;
}

static inline int hwclock_adjfreq(struct hwclock *c, double ppb)
{
	return c->ops->adjfreq(c, ppb);
}

static inline int hwclock_step(struct hwclock *c, int64_t delta_ns)
{
	return c->ops->step(c, delta_ns);
}

static inline void hwclock_close(struct hwclock *c)
{
	if (c && c->ops->close)
		c->ops->close(c);
}

#endif
