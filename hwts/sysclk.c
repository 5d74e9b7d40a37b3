/*
 * hwts/sysclk.c — CLOCK_REALTIME as a struct hwclock.
 *
 * Frequency and steps through clock_adjtime(CLOCK_REALTIME, ...), leap
 * seconds through the kernel's STA_INS / STA_DEL status bits.  The kernel
 * clamps ADJ_FREQUENCY silently to +-MAXFREQ_SCALED = 500 ppm << 16 =
 * 32768000 scaled ppm, i.e. 500000 ppb, so that is max_adj_ppb here and
 * larger requests are clamped before they reach the kernel.  Its offset to
 * the system clock is zero by definition.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/timex.h>

#include "common/log.h"
#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"

#define SYSCLK_MAX_ADJ_PPB 500000.0 /* MAXFREQ: 500 ppm */

struct sysclk {
	struct hwclock hc; /* first */
	bool readonly;
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

static int sysclk_adjfreq(struct hwclock *c, double ppb)
{
	if (to_sysclk(c)->readonly)
		return -EPERM;
	return hwts_clk_adjfreq(CLOCK_REALTIME, c->name, ppb, c->max_adj_ppb);
}

static int sysclk_getfreq(struct hwclock *c, double *ppb)
{
	return hwts_clk_getfreq(CLOCK_REALTIME, c->name, ppb);
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

/* Read the status word, then write it back with INS/DEL as wanted: the
 * other bits (STA_UNSYNC, PLL state, ...) belong to whoever set them. */
static int sysclk_set_leap(struct hwclock *c, int leap)
{
	struct timex tx;
	int err;

	if (to_sysclk(c)->readonly)
		return -EPERM;
	if (leap < -1 || leap > 1)
		return -EINVAL;
	memset(&tx, 0, sizeof(tx));
	if (clock_adjtime(CLOCK_REALTIME, &tx) < 0)
		goto fail;
	tx.modes = ADJ_STATUS;
	tx.status &= ~(STA_INS | STA_DEL);
	if (leap > 0)
		tx.status |= STA_INS;
	else if (leap < 0)
		tx.status |= STA_DEL;
	if (clock_adjtime(CLOCK_REALTIME, &tx) < 0)
		goto fail;
	if (leap)
		cm_notice("%s: leap second (%s) armed for the end of the "
			  "UTC day",
			  c->name, leap > 0 ? "+1" : "-1");
	return 0;
fail:
	err = -errno;
	cm_err("%s: clock_adjtime ADJ_STATUS: %s", c->name, strerror(-err));
	return err;
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
	.close = sysclk_close,
};

int sysclk_open(bool readonly, struct hwclock **out)
{
	struct sysclk *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->hc.ops = &sysclk_ops;
	strcpy(s->hc.name, "CLOCK_REALTIME");
	s->hc.max_adj_ppb = SYSCLK_MAX_ADJ_PPB;
	s->hc.phc_index = -1;
	s->hc.keeps_utc = true;
	s->hc.read_method = HWCLOCK_READ_SELF;
	s->readonly = readonly;
	*out = &s->hc;
	return 0;
}
