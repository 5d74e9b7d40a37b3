/*
 * daemon/feed.c — chronyd's and ntpd's feeds as a service of the poll
 * loop (see feed.h).  The tick is re-armed from its deadline, so the feed
 * keeps its rate whatever the loop's latency.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/feed.h"
#include "mgmt/metrics_render.h"

#define FEED_LOG_EVERY_NS (60 * NS_PER_SEC)
#define FEED_MIN_AGE_NS (2 * NS_PER_SEC)

void feed_meas_update(struct feed_meas *m, const struct bc *bc, int port,
		      const struct bc_sample *s)
{
	if (s->kind != BC_SAMPLE_SYNC || port != bc_slave_port(bc))
		return;
	m->valid = true;
	m->port = port;
	m->offset_ns = s->offset_ns;
	m->ingress_ns = tmv_to_ns(s->ingress);
	m->log_sync_interval = s->log_sync_interval;
}

static bool servo_locked(enum servo_state s)
{
	return s == SERVO_LOCKED || s == SERVO_LOCKED_STABLE;
}

/* Is there a master's time to feed (before reading any clock)? */
static enum vm_feed_skip feed_has_time(const struct exec *ex,
				       const struct feed_meas *m)
{
	const struct clockset *cs = ex->cs;
	const struct cs_clock *ref = &cs->c[cs->ref];
	const struct time_properties_ds *tp = bc_time_properties_ds(ex->bc);
	int slave = bc_slave_port(ex->bc);

	if (ex->holdover)
		return VM_FEED_SKIP_HOLDOVER;
	if (slave < 0) {
		if (!exec_is_gm(ex) || !tp->time_traceable)
			return VM_FEED_SKIP_UNLOCKED;
		if (ref->hw->keeps_utc)
			return VM_FEED_SKIP_CIRCULAR;
	} else if (ref->adjust) {
		if (!servo_locked(disc_state(ref->disc)))
			return VM_FEED_SKIP_UNLOCKED;
		if (ref->hw->keeps_utc)
			return VM_FEED_SKIP_CIRCULAR;
	} else if (!m->valid || m->port != slave ||
		   cs_clock_of_port(cs, slave) != cs->ref) {
		return VM_FEED_SKIP_UNLOCKED;
	}
	/* ARB: a PHC keeps the grandmaster's arbitrary time, which is not
	 * UTC; CLOCK_REALTIME was compared with the master's time as it is
	 * (bc_utc_offset 0), as ptp4l -S grandmasters carry UTC */
	if (!tp->ptp_timescale && !ref->hw->keeps_utc)
		return VM_FEED_SKIP_TIMESCALE;
	return VM_FEED_OK;
}

/* m(R): the measured-only reference's offset from its master at its own
 * time r_ns, from the last Sync and the free-running frequency. */
static enum vm_feed_skip feed_master_offset(const struct exec *ex,
					    const struct feed_meas *m,
					    int64_t r_ns, int64_t *off)
{
	const struct cs_clock *ref = &ex->cs->c[ex->cs->ref];
	int64_t age = r_ns - m->ingress_ns;
	int64_t max_age = 4 * tmv_log_interval_ns(m->log_sync_interval);
	double f;

	if (max_age < FEED_MIN_AGE_NS)
		max_age = FEED_MIN_AGE_NS;
	if (age > max_age || age < -FEED_MIN_AGE_NS)
		return VM_FEED_SKIP_STALE;
	f = disc_freq_known(ref->disc) ? disc_freq_ppb(ref->disc) : 0.0;
	if (!isfinite(f))
		f = 0.0;
	/* a clock slow by f ppb falls behind its master by f ns a second */
	*off = m->offset_ns - (int64_t)llround(f * 1e-9 * (double)age);
	return VM_FEED_OK;
}

/* log2 seconds of a reading window of delay_ns (clamped -30..0). */
static int feed_precision(int64_t delay_ns)
{
	int p = -30;

	while (p < 0 && ldexp(1e9, p) < (double)delay_ns)
		p++;
	return p;
}

static int tp_leap(const struct time_properties_ds *tp)
{
	return tp->leap61 ? 1 : tp->leap59 ? -1 : 0;
}

enum vm_feed_skip feed_decide(struct exec *ex, const struct feed_meas *m,
			      int readings, struct vm_feed_sample *out)
{
	const struct clockset *cs = ex->cs;
	const struct cs_clock *ref = &cs->c[cs->ref];
	const struct leap_latch *l = bc_leap(ex->bc);
	enum vm_feed_skip why = feed_has_time(ex, m);
	struct hwclock_sysoff so;
	int64_t r_ns, tai, moff = 0;
	int u = 0;

	if (why != VM_FEED_OK)
		return why;
	if (hwclock_sys_offset(ref->hw, readings, &so) < 0)
		return VM_FEED_SKIP_READ;
	r_ns = so.sys_ns + so.offset_ns;
	/* measured only, against a master (a grandmaster's time is its own) */
	if (!ref->adjust && bc_slave_port(ex->bc) >= 0) {
		why = feed_master_offset(ex, m, r_ns, &moff);
		if (why != VM_FEED_OK)
			return why;
	}
	if (ref->hw->keeps_utc) {
		tai = r_ns + (int64_t)leap_offset_at_utc(l, bc_utc_offset(ex->bc),
							 r_ns, NULL) *
				     NS_PER_SEC;
	} else {
		tai = r_ns;
		u = bc_utc_offset_at(ex->bc, tai);
	}
	if (leap_near(l, tai))
		return VM_FEED_SKIP_LEAP;
	out->sys_ns = so.sys_ns;
	out->offset_ns = so.offset_ns - moff - (int64_t)u * NS_PER_SEC;
	out->leap = tp_leap(bc_time_properties_ds(ex->bc));
	out->precision = so.delay_ns > 0 ? feed_precision(so.delay_ns)
			 : ref->hw->keeps_utc ? -20 : -30;
	return VM_FEED_OK;
}

/* ---- the service ---- */

struct feed {
	struct exec *ex;
	int readings;
	int64_t period_ns;
	int64_t next; /* 0: the first tick at once */
	struct feed_meas meas;
	bool chrony_on, shm_on;
	struct vm_chrony chrony;
	struct vm_shm shm;
	char chrony_path[108];
	enum vm_feed_skip last; /* last tick's outcome, for the log */
	bool told_utc; /* said that the UTC offset is not marked valid */
	int64_t chrony_logged, shm_logged; /* last failure logged */
	int chrony_err; /* last logged failure */
	uint64_t skipped[VM_FEED_SKIP_COUNT];
};

/* A delivery: a change of outcome is logged at once, the same failure
 * again at most once a minute. */
static void feed_log_delivery(const char *what, int err, int *last_err,
			      int64_t *logged, uint64_t failed, int64_t now)
{
	if (!err) {
		if (*last_err)
			cm_notice("feed: %s: delivering", what);
		*last_err = 0;
		return;
	}
	if (err == *last_err && *logged && now - *logged < FEED_LOG_EVERY_NS)
		return;
	cm_warn("feed: %s: %s (%" PRIu64 " samples not delivered)%s", what,
		strerror(-err), failed,
		err == -ENOENT || err == -ECONNREFUSED
			? "; is chronyd running with this refclock SOCK?"
			: "");
	*last_err = err;
	*logged = now;
}

static void feed_outcome(struct feed *f, enum vm_feed_skip why)
{
	const struct time_properties_ds *tp = bc_time_properties_ds(f->ex->bc);

	if (why != VM_FEED_OK)
		f->skipped[why]++;
	if (why != f->last)
		cm_info("feed: %s", why == VM_FEED_OK
				? "the reference's time is fed"
				: vm_feed_skip_name(why));
	f->last = why;
	if (why == VM_FEED_OK && tp->ptp_timescale &&
	    !tp->current_utc_offset_valid && !f->told_utc) {
		cm_notice("feed: the grandmaster does not mark its UTC offset "
			  "valid: using %d s, as for CLOCK_REALTIME",
			  bc_utc_offset(f->ex->bc));
		f->told_utc = true;
	}
}

_Static_assert(VM_FEED_SKIP_COUNT - 1 == BC_FEED_REASONS,
	       "HVPTP_FEEDS_NP carries every reason");

/* What management answers (HVPTP_FEEDS_NP). */
static void feed_publish(const struct feed *f)
{
	struct bc_feed_info fi = {
		.chrony_on = f->chrony_on,
		.shm_on = f->shm_on,
		.have_last = f->last != VM_FEED_SKIP_COUNT,
		.last = (uint8_t)f->last,
		.shm_unit = (int16_t)(f->shm_on ? f->shm.unit : -1),
		.chrony_sent = f->chrony.st.sent,
		.chrony_failed = f->chrony.st.failed,
		.chrony_errno = -f->chrony.st.last_error,
		.shm_sent = f->shm.st.sent,
		.shm_failed = f->shm.st.failed,
	};

	for (int r = 1; r < VM_FEED_SKIP_COUNT; r++)
		fi.skipped[r - 1] = f->skipped[r];
	snprintf(fi.chrony_path, sizeof(fi.chrony_path), "%s", f->chrony_path);
	bc_set_feed_info(f->ex->bc, &fi);
}

static void feed_once(struct feed *f, int64_t now)
{
	struct vm_feed_sample s;
	enum vm_feed_skip why = feed_decide(f->ex, &f->meas, f->readings, &s);
	int err;

	feed_outcome(f, why);
	if (why != VM_FEED_OK)
		return;
	if (f->chrony_on) {
		err = vm_chrony_send(&f->chrony, &s);
		feed_log_delivery(f->chrony_path, err, &f->chrony_err,
				  &f->chrony_logged, f->chrony.st.failed, now);
	}
	if (f->shm_on)
		vm_shm_write(&f->shm, &s);
}

static int64_t svc_deadline(void *ctx)
{
	struct feed *f = ctx;

	return f->next ? f->next : INT64_MIN;
}

static void svc_tick(void *ctx, int64_t now)
{
	struct feed *f = ctx;

	if (f->next && now < f->next)
		return;
	if (f->ex->cs && f->ex->cs->started)
		feed_once(f, now);
	feed_publish(f);
	f->next = (f->next ? f->next : now) + f->period_ns;
	if (f->next <= now) /* late by a whole period: no burst */
		f->next = now + f->period_ns;
}

static void svc_on_sample(void *ctx, int port, const struct bc_sample *s,
			  const struct disc_result *r)
{
	struct feed *f = ctx;

	(void)r;
	feed_meas_update(&f->meas, f->ex->bc, port, s);
}

static void svc_on_parent(void *ctx)
{
	struct feed *f = ctx;

	f->meas.valid = false; /* another master: its own time */
}

static void svc_metrics(const void *ctx, struct metrics_snapshot *s)
{
	const struct feed *f = ctx;

	s->feed.have_chrony = f->chrony_on;
	s->feed.have_shm = f->shm_on;
	s->feed.chrony = f->chrony.st;
	s->feed.shm = f->shm.st;
	memcpy(s->feed.skipped, f->skipped, sizeof(f->skipped));
}

static void svc_close(void *ctx)
{
	struct feed *f = ctx;

	if (f->chrony_on)
		vm_chrony_close(&f->chrony);
	if (f->shm_on)
		vm_shm_close(&f->shm);
	free(f);
}

static const struct hvd_service_ops feed_ops = {
	.name = "feed",
	.deadline = svc_deadline,
	.tick = svc_tick,
	.on_sample = svc_on_sample,
	.on_parent = svc_on_parent,
	.metrics = svc_metrics,
	.close = svc_close,
};

static int feed_open_outputs(struct feed *f, const struct hvd_settings *s)
{
	int err;

	if (*s->chrony_sock) {
		err = vm_chrony_open(&f->chrony, s->chrony_sock);
		if (err < 0) {
			cm_err("feed: chrony_sock %s: %s", s->chrony_sock,
			       strerror(-err));
			return err;
		}
		f->chrony_on = true;
		snprintf(f->chrony_path, sizeof(f->chrony_path), "%s",
			 s->chrony_sock);
	}
	if (s->ntp_shm_segment >= 0) {
		err = vm_shm_open(&f->shm, s->ntp_shm_segment);
		if (err < 0) {
			cm_err("feed: ntp_shm_segment %d (key 0x%x): %s",
			       s->ntp_shm_segment,
			       VM_SHM_KEY_BASE + s->ntp_shm_segment,
			       strerror(-err));
			return err;
		}
		f->shm_on = true;
	}
	return 0;
}

int feed_add(struct hvd *d)
{
	const struct hvd_settings *s = hvd_settings(d);
	struct hvd_service svc = { .ops = &feed_ops };
	struct feed *f;
	int err;

	if (!*s->chrony_sock && s->ntp_shm_segment < 0)
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->ex = hvd_exec(d);
	f->readings = s->follow_readings;
	f->period_ns = (int64_t)(1e9 / s->feed_rate_hz);
	f->last = VM_FEED_SKIP_COUNT; /* the first outcome is logged */
	err = feed_open_outputs(f, s);
	if (!err) {
		svc.ctx = f;
		err = hvd_service_add(d, &svc);
	}
	if (err < 0) {
		svc_close(f);
		return err;
	}
	feed_publish(f);
	cm_info("feed: %s%s%s every %.3g s", f->chrony_on ? "chrony SOCK " : "",
		f->chrony_on ? f->chrony_path : "",
		f->shm_on ? " NTP SHM" : "", 1.0 / s->feed_rate_hz);
	return 0;
}
