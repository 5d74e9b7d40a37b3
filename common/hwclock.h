/*
 * common/hwclock.h — the clock ops table.
 *
 * Every clock hvptp disciplines is a struct hwclock: a PHC (/dev/ptpN, in
 * hwts/phc.c), the system clock (hwts/sysclk.c) or a simulated clock (sim/).
 * The servo decides; the executor applies the decision through these ops.
 * Only the interface lives here (pure); implementations live at the edge.
 * Every op returns 0 or a negative errno.
 */
#ifndef HVPTP_COMMON_HWCLOCK_H
#define HVPTP_COMMON_HWCLOCK_H

#include <stdint.h>

struct hwclock;

struct hwclock_ops {
	/* Read the clock; sys_pre/sys_post (may be NULL) bracket the read in
	 * CLOCK_REALTIME ns when the implementation can tell. */
	int (*gettime)(struct hwclock *c, int64_t *ns, int64_t *sys_pre,
		       int64_t *sys_post);
	/* Set the frequency offset, ppb (positive: runs faster). */
	int (*adjfreq)(struct hwclock *c, double ppb);
	/* Current frequency offset, ppb. */
	int (*getfreq)(struct hwclock *c, double *ppb);
	/* Step the clock by delta ns. */
	int (*step)(struct hwclock *c, int64_t delta_ns);
	/* Offset of this clock against the system clock (this - sys), the
	 * system time of the measurement and its uncertainty (delay). */
	int (*sys_offset)(struct hwclock *c, int64_t *offset_ns,
			  int64_t *sys_ns, int64_t *delay_ns);
	/* Announce a leap second at the end of the UTC day: +1, -1, 0. */
	int (*set_leap)(struct hwclock *c, int leap);
	void (*close)(struct hwclock *c);
};

struct hwclock {
	const struct hwclock_ops *ops;
	char name[32]; /* "/dev/ptp0", "CLOCK_REALTIME", "sim:node1" */
	double max_adj_ppb; /* largest |adjfreq| the clock accepts */
	int phc_index; /* -1 when not a PHC */
};

static inline int hwclock_gettime(struct hwclock *c, int64_t *ns)
{
	return c->ops->gettime(c, ns, 0, 0);
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
