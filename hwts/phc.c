/*
 * hwts/phc.c — a PTP hardware clock (/dev/ptpN) as a struct hwclock.
 *
 * The character device's fd doubles as a dynamic clockid (FD_TO_CLOCKID),
 * so reading and adjusting use clock_gettime and clock_adjtime.  The offset
 * against the system clock comes from the best ioctl the driver has:
 * PTP_SYS_OFFSET_PRECISE (a hardware cross timestamp), else
 * PTP_SYS_OFFSET_EXTENDED (system time read just before and after the
 * device), else PTP_SYS_OFFSET (the same, interleaved, with more latency);
 * the first that works is remembered.  A PHC keeps no leap-second state.
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
	enum hwclock_read method; /* AUTO: the next to try; NONE = COUNT */
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

static bool unsupported(int err)
{
	return err == -EOPNOTSUPP || err == -ENOTTY || err == -EINVAL;
}

static const char *method_ioctl(enum hwclock_read m)
{
	switch (m) {
	case HWCLOCK_READ_PRECISE:
		return "PTP_SYS_OFFSET_PRECISE";
	case HWCLOCK_READ_EXTENDED:
		return "PTP_SYS_OFFSET_EXTENDED";
	case HWCLOCK_READ_BASIC:
		return "PTP_SYS_OFFSET";
	default:
		return "?";
	}
}

static int phc_read(struct phc *p, enum hwclock_read m, int n,
		    struct phc_off *r)
{
	switch (m) {
	case HWCLOCK_READ_PRECISE:
		return off_precise(p, n, r);
	case HWCLOCK_READ_EXTENDED:
		return off_extended(p, n, r);
	case HWCLOCK_READ_BASIC:
		return off_basic(p, n, r);
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * A forced method (read_method) is used alone; AUTO walks PRECISE,
 * EXTENDED, BASIC and stays with the first that works.  A method the
 * driver lacks (EOPNOTSUPP, ENOTTY, EINVAL) is not tried again; any other
 * failure is returned and the method kept for the next reading.
 */
static int phc_sys_offset(struct hwclock *c, int readings,
			  struct hwclock_sysoff *out)
{
	struct phc *p = to_phc(c);
	struct phc_off r;
	bool forced = c->read_method != HWCLOCK_READ_AUTO;
	int err = -EOPNOTSUPP;

	if (readings < 1)
		readings = 1;
	if (readings > PHC_MAX_SAMPLES)
		readings = PHC_MAX_SAMPLES;
	if (forced && p->method != HWCLOCK_READ_SELF)
		p->method = c->read_method;
	while (p->method >= HWCLOCK_READ_PRECISE &&
	       p->method <= HWCLOCK_READ_BASIC) {
		err = phc_read(p, p->method, readings, &r);
		if (err == 0) {
			out->offset_ns = r.offset;
			out->sys_ns = r.sys;
			out->delay_ns = r.delay;
			out->method = p->method;
			return 0;
		}
		if (!unsupported(err))
			break;
		cm_info("%s: %s: %s%s", c->name, method_ioctl(p->method),
			hwts_errname(err),
			forced ? " (sys_offset_method)" : ", trying the next");
		if (forced || p->method == HWCLOCK_READ_BASIC) {
			cm_err("%s: no paired reading of the system clock "
			       "works%s", c->name,
			       forced ? " with the method configured" : "");
			p->method = HWCLOCK_READ_SELF; /* none left */
			return -EOPNOTSUPP;
		}
		p->method++;
	}
	if (p->method == HWCLOCK_READ_SELF)
		return -EOPNOTSUPP;
	cm_err("%s: %s: %s", c->name, method_ioctl(p->method), strerror(-err));
	return err;
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
	p->method = HWCLOCK_READ_PRECISE;
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
