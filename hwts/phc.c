/*
 * hwts/phc.c — a PTP hardware clock (/dev/ptpN) as a struct hwclock.
 *
 * The character device's fd doubles as a dynamic clockid (FD_TO_CLOCKID),
 * so reading and adjusting use clock_gettime and clock_adjtime.  The offset
 * against the system clock comes from the best ioctl the driver has:
 * PTP_SYS_OFFSET_PRECISE (a hardware cross timestamp), else
 * PTP_SYS_OFFSET_EXTENDED (system time read just before and after the
 * device), else PTP_SYS_OFFSET (the same, interleaved, with more latency).
 * The last two take 1..25 samples (PTP_MAX_SAMPLES) and the sample with
 * the shortest system-time window wins: its middle is sys_ns, its width
 * delay_ns.  AUTO remembers the first method that works; a configured
 * method (read_method) is used alone and refused with -EOPNOTSUPP when the
 * driver lacks it.  A PHC keeps no leap-second, TAI or sync state.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ptp_clock.h>
#include <sys/ioctl.h>

#include "common/log.h"
#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"

#define PHC_MAX_SAMPLES PTP_MAX_SAMPLES /* per EXTENDED / basic reading */

struct phc {
	struct hwclock hc; /* first: the hwclock is the phc */
	int fd;
	clockid_t clkid;
	bool readonly;
	unsigned int lacks; /* 1 << method: the driver has no such ioctl */
	enum hwclock_read found; /* AUTO's method once one worked, else AUTO */
};

/* One measurement: offset = phc - sys at sys_ns, with uncertainty. */
struct phc_off {
	int64_t offset, sys, delay;
};

static struct phc *to_phc(struct hwclock *c)
{
	return (struct phc *)c;
}

static clockid_t fd_to_clockid(int fd)
{
	/* ((~fd) << 3) | 3, in unsigned arithmetic: no shift of a negative */
	return (clockid_t)((~(unsigned int)fd << 3) | 3u);
}

static int64_t pct_ns(const struct ptp_clock_time *t)
{
	return t->sec * NS_PER_SEC + (int64_t)t->nsec;
}

static int phc_gettime(struct hwclock *c, int64_t *ns, int64_t *sys_pre,
		       int64_t *sys_post)
{
	struct phc *p = to_phc(c);
	int err = 0;

	if (sys_pre)
		err = hwts_clk_gettime(CLOCK_REALTIME, c->name, sys_pre);
	if (!err)
		err = hwts_clk_gettime(p->clkid, c->name, ns);
	if (!err && sys_post)
		err = hwts_clk_gettime(CLOCK_REALTIME, c->name, sys_post);
	return err;
}

static int phc_adjfreq(struct hwclock *c, double ppb)
{
	struct phc *p = to_phc(c);

	if (p->readonly)
		return -EPERM;
	return hwts_clk_adjfreq(p->clkid, c->name, ppb, c->max_adj_ppb);
}

static int phc_getfreq(struct hwclock *c, double *ppb)
{
	return hwts_clk_getfreq(to_phc(c)->clkid, c->name, ppb);
}

static int phc_step(struct hwclock *c, int64_t delta_ns)
{
	struct phc *p = to_phc(c);

	if (p->readonly)
		return -EPERM;
	return hwts_clk_step(p->clkid, c->name, delta_ns);
}

/* Leap seconds, the TAI offset and the synchronisation status are the
 * system clock's: a PHC keeps none of them. */
static int phc_set_leap(struct hwclock *c, int leap)
{
	(void)leap;
	return to_phc(c)->readonly ? -EPERM : -EOPNOTSUPP;
}

static int phc_set_tai(struct hwclock *c, int tai_offset_s)
{
	(void)tai_offset_s;
	return to_phc(c)->readonly ? -EPERM : -EOPNOTSUPP;
}

static int phc_set_sync(struct hwclock *c, const struct hwclock_sync *s)
{
	(void)s;
	return to_phc(c)->readonly ? -EPERM : -EOPNOTSUPP;
}

static int phc_ioctl(struct phc *p, unsigned long req, void *arg)
{
	return ioctl(p->fd, req, arg) < 0 ? -errno : 0;
}

static int off_precise(struct phc *p, int n, struct phc_off *r)
{
	struct ptp_sys_offset_precise x;
	int err;

	(void)n;
	memset(&x, 0, sizeof(x));
	err = phc_ioctl(p, PTP_SYS_OFFSET_PRECISE, &x);
	if (err)
		return err;
	r->sys = pct_ns(&x.sys_realtime);
	r->offset = pct_ns(&x.device) - r->sys;
	r->delay = 0;
	return 0;
}

/* Sample i: system time pre[i], device time phc[i], system time post[i].
 * The sample with the shortest [pre, post] window wins. */
static int off_best(const int64_t *pre, const int64_t *phc,
		    const int64_t *post, int n, struct phc_off *r)
{
	int64_t best = INT64_MAX, d;
	int i;

	for (i = 0; i < n; i++) {
		d = post[i] - pre[i];
		if (d < 0 || d >= best)
			continue;
		best = d;
		r->sys = pre[i] + d / 2;
		r->offset = phc[i] - r->sys;
		r->delay = d;
	}
	return best == INT64_MAX ? -EIO : 0;
}

static int off_extended(struct phc *p, int n, struct phc_off *r)
{
	int64_t pre[PHC_MAX_SAMPLES], phc[PHC_MAX_SAMPLES], post[PHC_MAX_SAMPLES];
	struct ptp_sys_offset_extended x;
	int err, i;

	memset(&x, 0, sizeof(x));
	x.n_samples = (unsigned int)n;
	err = phc_ioctl(p, PTP_SYS_OFFSET_EXTENDED, &x);
	if (err)
		return err;
	/* ts[i] = { system before, device, system after } */
	for (i = 0; i < n; i++) {
		pre[i] = pct_ns(&x.ts[i][0]);
		phc[i] = pct_ns(&x.ts[i][1]);
		post[i] = pct_ns(&x.ts[i][2]);
	}
	return off_best(pre, phc, post, n, r);
}

static int off_basic(struct phc *p, int n, struct phc_off *r)
{
	int64_t pre[PHC_MAX_SAMPLES], phc[PHC_MAX_SAMPLES], post[PHC_MAX_SAMPLES];
	struct ptp_sys_offset x;
	int err, i;

	memset(&x, 0, sizeof(x));
	x.n_samples = (unsigned int)n;
	err = phc_ioctl(p, PTP_SYS_OFFSET, &x);
	if (err)
		return err;
	/* ts[] = system, device, system, device, ..., system */
	for (i = 0; i < n; i++) {
		pre[i] = pct_ns(&x.ts[2 * i]);
		phc[i] = pct_ns(&x.ts[2 * i + 1]);
		post[i] = pct_ns(&x.ts[2 * i + 2]);
	}
	return off_best(pre, phc, post, n, r);
}

/* What a driver without the ioctl answers: the PTP core's EOPNOTSUPP
 * (no such driver op), ENOTTY (a kernel before the ioctl), EINVAL. */
static bool unsupported(int err)
{
	return err == -EOPNOTSUPP || err == -ENOTTY || err == -EINVAL;
}

static const struct phc_method {
	const char *ioctl;
	int (*read)(struct phc *p, int n, struct phc_off *r);
} phc_methods[HWCLOCK_READ_COUNT] = {
	[HWCLOCK_READ_PRECISE] = { "PTP_SYS_OFFSET_PRECISE", off_precise },
	[HWCLOCK_READ_EXTENDED] = { "PTP_SYS_OFFSET_EXTENDED", off_extended },
	[HWCLOCK_READ_BASIC] = { "PTP_SYS_OFFSET", off_basic },
};

static bool phc_has_method(enum hwclock_read m)
{
	return (unsigned int)m < HWCLOCK_READ_COUNT && phc_methods[m].read;
}

static bool phc_lacks(const struct phc *p, enum hwclock_read m)
{
	return p->lacks & (1u << m);
}

/* One method, once: 0, -EOPNOTSUPP when the driver lacks it (remembered,
 * never asked again), or the ioctl's error. */
static int phc_try(struct phc *p, enum hwclock_read m, int n,
		   struct hwclock_sysoff *out)
{
	struct phc_off r;
	int err;

	if (phc_lacks(p, m))
		return -EOPNOTSUPP;
	err = phc_methods[m].read(p, n, &r);
	if (err == 0) {
		out->offset_ns = r.offset;
		out->sys_ns = r.sys;
		out->delay_ns = r.delay;
		out->method = m;
		return 0;
	}
	if (!unsupported(err))
		return err;
	p->lacks |= 1u << m;
	cm_info("%s: %s: %s: the driver lacks it", p->hc.name,
		phc_methods[m].ioctl, hwts_errname(err));
	return -EOPNOTSUPP;
}

/* The configured method alone: never another. */
static int phc_sys_offset_forced(struct phc *p, enum hwclock_read m, int n,
				 struct hwclock_sysoff *out)
{
	int err;

	if (!phc_has_method(m) || phc_lacks(p, m))
		return -EOPNOTSUPP;
	err = phc_try(p, m, n, out);
	if (err == -EOPNOTSUPP)
		cm_err("%s: sys_offset_method %s: not supported by the driver",
		       p->hc.name, hwclock_read_name(m));
	else if (err)
		cm_err("%s: %s: %s", p->hc.name, phc_methods[m].ioctl,
		       strerror(-err));
	return err;
}

/* Until one works, every method the driver may have, best first; then
 * that one, its failures returned as they are. */
static int phc_sys_offset_auto(struct phc *p, int n,
			       struct hwclock_sysoff *out)
{
	const unsigned int all = (1u << HWCLOCK_READ_PRECISE) |
				 (1u << HWCLOCK_READ_EXTENDED) |
				 (1u << HWCLOCK_READ_BASIC);
	bool known_none = (p->lacks & all) == all;
	int err, first = 0;
	enum hwclock_read m;

	if (p->found != HWCLOCK_READ_AUTO) {
		err = phc_try(p, p->found, n, out);
		if (err && err != -EOPNOTSUPP)
			cm_err("%s: %s: %s", p->hc.name,
			       phc_methods[p->found].ioctl, strerror(-err));
		if (err != -EOPNOTSUPP)
			return err;
		p->found = HWCLOCK_READ_AUTO;
	}
	for (m = HWCLOCK_READ_PRECISE; m <= HWCLOCK_READ_BASIC; m++) {
		err = phc_try(p, m, n, out);
		if (err == 0) {
			p->found = m;
			cm_info("%s: paired readings by %s", p->hc.name,
				phc_methods[m].ioctl);
			return 0;
		}
		if (err == -EOPNOTSUPP)
			continue;
		cm_info("%s: %s: %s, trying the next", p->hc.name,
			phc_methods[m].ioctl, strerror(-err));
		if (!first)
			first = err;
	}
	if (first) {
		cm_err("%s: no paired reading of the system clock worked: %s",
		       p->hc.name, strerror(-first));
		return first;
	}
	if (!known_none)
		cm_err("%s: no paired reading of the system clock works",
		       p->hc.name);
	return -EOPNOTSUPP;
}

/*
 * readings: 1..PTP_MAX_SAMPLES (clamped), for EXTENDED and BASIC.  A
 * forced method (read_method) is used alone.  AUTO walks PRECISE,
 * EXTENDED, BASIC until one works and stays with it: a method the driver
 * lacks is never tried again, one that failed otherwise (EIO, EBUSY) is
 * passed over for this reading only; once a method has worked, its
 * failures are returned (the caller skips a sample rather than mixing
 * methods, whose biases differ).
 */
static int phc_sys_offset(struct hwclock *c, int readings,
			  struct hwclock_sysoff *out)
{
	struct phc *p = to_phc(c);

	if (readings < 1)
		readings = 1;
	if (readings > PHC_MAX_SAMPLES)
		readings = PHC_MAX_SAMPLES;
	if (c->read_method != HWCLOCK_READ_AUTO)
		return phc_sys_offset_forced(p, c->read_method, readings,
					     out);
	return phc_sys_offset_auto(p, readings, out);
}

static void phc_close(struct hwclock *c)
{
	struct phc *p = to_phc(c);

	close(p->fd);
	free(p);
}

static const struct hwclock_ops phc_ops = {
	.gettime = phc_gettime,
	.adjfreq = phc_adjfreq,
	.getfreq = phc_getfreq,
	.step = phc_step,
	.sys_offset = phc_sys_offset,
	.set_leap = phc_set_leap,
	.set_tai = phc_set_tai,
	.set_sync = phc_set_sync,
	.close = phc_close,
};

/* N of ".../ptpN" (after resolving links), else -1. */
static int phc_index_of(const char *path)
{
	char real[PATH_MAX];
	const char *base;
	char *end;
	long n;

	if (realpath(path, real))
		path = real;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strncmp(base, "ptp", 3) != 0 || base[3] < '0' || base[3] > '9')
		return -1;
	n = strtol(base + 3, &end, 10);
	return *end || n > INT_MAX ? -1 : (int)n;
}

static int phc_open_fd(const char *path, bool readonly)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	/* read-only use can live without write access (no clock_adjtime) */
	if (fd < 0 && readonly && (errno == EACCES || errno == EROFS))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int phc_open_path(const char *path, bool readonly, struct hwclock **out)
{
	struct ptp_clock_caps caps;
	struct phc *p;
	int fd, err;

	*out = NULL;
	fd = phc_open_fd(path, readonly);
	if (fd < 0) {
		cm_err("%s: open: %s", path, strerror(-fd));
		return fd;
	}
	memset(&caps, 0, sizeof(caps));
	if (ioctl(fd, PTP_CLOCK_GETCAPS, &caps) < 0) {
		err = -errno;
		cm_err("%s: not a PTP clock (PTP_CLOCK_GETCAPS: %s)", path,
		       hwts_errname(err));
		close(fd);
		return err;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	p->hc.ops = &phc_ops;
	snprintf(p->hc.name, sizeof(p->hc.name), "%s", path);
	p->hc.max_adj_ppb = caps.max_adj;
	p->hc.phc_index = phc_index_of(path);
	p->fd = fd;
	p->clkid = fd_to_clockid(fd);
	p->readonly = readonly;
	p->hc.read_method = HWCLOCK_READ_AUTO;
	p->found = HWCLOCK_READ_AUTO;
	if (caps.max_adj <= 0)
		cm_warn("%s: driver reports max_adj %d ppb", path, caps.max_adj);
	cm_info("%s: PHC, max_adj %d ppb, cross timestamping %s%s", path,
		caps.max_adj, caps.cross_timestamping ? "yes" : "no",
		readonly ? ", read-only" : "");
	*out = &p->hc;
	return 0;
}

int phc_open(int index, bool readonly, struct hwclock **out)
{
	char path[32];

	if (index < 0) {
		*out = NULL;
		cm_err("phc: bad PHC index %d", index);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/dev/ptp%d", index);
	return phc_open_path(path, readonly, out);
}
