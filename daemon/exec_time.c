/*
 * daemon/exec_time.c — the executor's once-a-second look at time itself:
 * the leap second, the kernel's view of the system clock, and what a
 * grandmaster announces (see executor.h).
 *
 * Every second (EXEC_TMR_TIME), with T the reference clock's time on the
 * PTP timescale (TAI; a reference that keeps UTC reads the offset less):
 *
 * - Leap second: the leap61/leap59 flag of timePropertiesDS is latched
 *   for the end of the UTC day that contains T (common/leap.h) and given
 *   to the core, which converts and skips around it; the latch goes once
 *   the leap is a few seconds past and the flag is gone, or at once when
 *   the flag goes before the leap (cancelled).
 * - The kernel, when hvptpd adjusts the system clock: STA_INS/STA_DEL
 *   armed for the latched leap while it is ahead (kernel_leap, on by
 *   default as in ptp4l), so that CLOCK_REALTIME is right at 00:00:00
 *   after it.  A step of the system clock makes Linux forget the armed
 *   leap (ntp_clear() resets its instant while the state stays TIME_INS),
 *   so after one hvptpd clears the flag and arms it again two ticks later
 *   (the kernel leaves TIME_INS only at a second boundary).  At the leap's
 *   instant the kernel stepped CLOCK_REALTIME by -leap s: its servo and
 *   the core's stored times of its ports are told, so the sanity check
 *   does not mistake it for a disturbance.  A kernel that should have and
 *   was not armed (arming failed, a leap latched in its last second):
 *   hvptpd steps the clock by the leap itself at this tick.  With
 *   kernel_leap 0, as in ptp4l, nothing is done at the leap: the system
 *   clock's servo sees the second and corrects it under its thresholds
 *   (stepped when follow_step_threshold, or step_threshold for a
 *   reference, is below 1 s; else slewed at the clock's maximum
 *   frequency, about 10 s with the tick).  The TAI offset (ADJ_TAI) when the UTC offset is known to be
 *   valid; maxerror, esterror and STA_UNSYNC from the servos' error
 *   estimates (below).
 * - As grandmaster: the UTC offset and the leap from leapfile (NTP's
 *   leap-seconds.list); once a leap announced through management or the
 *   file has passed, the offset moves by it and the flag clears.
 *
 * Error bounds told to the kernel: esterror is the reference's time-error
 * estimate (its servo's |phase| + 3 sigma, or holdover's growing bound)
 * plus, when the system clock follows it, the last offset between the
 * two; maxerror adds the mean path delay, which bounds what path
 * asymmetry can hide from PTP.  STA_UNSYNC is cleared only while both are
 * known and the servos are locked (or holding over), and set otherwise.
 * As grandmaster, the time is synchronised when timePropertiesDS says it
 * is traceable, with the clockAccuracy announced as the error.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common/log.h"
#include "daemon/executor.h"

#define EXEC_TIME_PERIOD_NS NS_PER_SEC

static bool locked(enum servo_state s)
{
	return s == SERVO_LOCKED || s == SERVO_LOCKED_STABLE;
}

/* The reference's time on the PTP timescale, or false (no PTP
 * timescale: nothing to do with TAI and UTC). */
static bool ref_tai(const struct exec *ex, int64_t *tai)
{
	const struct cs_clock *r = &ex->cs->c[ex->cs->ref];
	int64_t t;

	if (!bc_time_properties_ds(ex->bc)->ptp_timescale ||
	    hwclock_gettime(r->hw, &t) < 0)
		return false;
	if (r->hw->keeps_utc)
		t += (int64_t)leap_offset_at_utc(bc_leap(ex->bc),
						 bc_utc_offset(ex->bc), t,
						 NULL) *
		     NS_PER_SEC;
	*tai = t;
	return true;
}

static int tp_leap(const struct time_properties_ds *tp)
{
	return tp->leap61 ? 1 : tp->leap59 ? -1 : 0;
}

/* Latch, keep or drop the leap second the flags announce. */
static void exec_leap_latch(struct exec *ex, int64_t tai)
{
	const struct time_properties_ds *tp = bc_time_properties_ds(ex->bc);
	const struct leap_latch *l = bc_leap(ex->bc);
	struct leap_latch nl;
	int leap = tp_leap(tp);

	if (leap && !l->armed) {
		leap_latch_set(&nl, leap, bc_utc_offset(ex->bc), tai);
		bc_set_leap(ex->bc, &nl);
		cm_notice("clock: leap second %+d at the end of the UTC day "
			  "(TAI - UTC %d -> %d at TAI %" PRId64 " s)",
			  leap, nl.utc_before, nl.utc_before + leap,
			  nl.tai_s);
	} else if (l->armed && !leap &&
		   (leap_passed(l, tai) || tai < l->tai_s * NS_PER_SEC)) {
		if (tai < l->tai_s * NS_PER_SEC)
			cm_notice("clock: leap second cancelled");
		bc_set_leap(ex->bc, NULL);
		ex->leap_handled = false;
	}
}

/* The leap's instant passed: see the top of the file. */
static void exec_leap_passed(struct exec *ex, struct cs_clock *sys,
			     int64_t tai, int64_t now)
{
	const struct leap_latch *l = bc_leap(ex->bc);
	struct clockset *cs = ex->cs;
	int64_t step;
	int err;

	if (!l->armed || ex->leap_handled || tai < l->tai_s * NS_PER_SEC)
		return;
	ex->leap_handled = true;
	if (!sys)
		return;
	step = -(int64_t)l->leap * NS_PER_SEC;
	if (ex->kleap_set == l->leap) {
		cm_notice("%s: the kernel %s the leap second", sys->hw->name,
			  l->leap > 0 ? "inserted" : "deleted");
	} else if (ex->kernel_leap) {
		/* the kernel should have and was not armed (arming failed,
		 * or the leap was latched too late): the same step, late by
		 * up to this tick's period */
		err = sys->hw->ops->step(sys->hw, step);
		if (err) {
			cm_err("%s: the kernel was not armed for the leap "
			       "second and stepping it failed: %s",
			       sys->hw->name, strerror(-err));
			return;
		}
		sys->st.steps++;
		cm_warn("%s: the kernel was not armed for the leap second: "
			"stepped by %+d s instead", sys->hw->name, -l->leap);
	} else {
		/* kernel_leap 0: as in ptp4l, the system clock's servo sees
		 * the second and corrects it under its own thresholds */
		cm_notice("%s: leap second passed; kernel_leap 0: its servo "
			  "corrects the %+d s", sys->hw->name, -l->leap);
		return;
	}
	disc_stepped(sys->disc, step);
	exec_tell_step(ex, (int)(sys - cs->c), step, now);
}

/* The system clock's entry when hvptpd adjusts it, else NULL. */
static struct cs_clock *sys_adjusted(struct exec *ex)
{
	for (int k = 0; k < ex->cs->n; k++) {
		struct cs_clock *c = &ex->cs->c[k];

		if (c->hw->keeps_utc)
			return c->adjust ? c : NULL;
	}
	return NULL;
}

/* STA_INS / STA_DEL for the latched leap while it is ahead. */
static void exec_kernel_leap(struct exec *ex, struct cs_clock *sys,
			     bool have_tai, int64_t tai)
{
	const struct leap_latch *l = bc_leap(ex->bc);
	int want = 0, err;

	if (sys->st.steps != ex->sys_steps_seen) {
		ex->sys_steps_seen = sys->st.steps;
		if (ex->kleap_set && hwclock_set_leap(sys->hw, 0) == 0) {
			cm_info("%s: stepped: the leap second is armed again",
				sys->hw->name);
			ex->kleap_set = 0;
			ex->kleap_hold = 2;
		}
	}
	if (ex->kleap_hold > 0) {
		ex->kleap_hold--;
		return;
	}
	if (ex->kernel_leap && have_tai && l->armed &&
	    tai < l->tai_s * NS_PER_SEC)
		want = l->leap;
	if (want == ex->kleap_set)
		return;
	err = hwclock_set_leap(sys->hw, want);
	if (err)
		cm_err("%s: arming the kernel for the leap second: %s",
		       sys->hw->name, strerror(-err));
	else
		ex->kleap_set = want;
}

/* ADJ_TAI when the UTC offset is known to be right. */
static void exec_kernel_tai(struct exec *ex, struct cs_clock *sys, int64_t tai)
{
	const struct time_properties_ds *tp = bc_time_properties_ds(ex->bc);
	int off, err;

	if (!tp->current_utc_offset_valid)
		return;
	off = bc_utc_offset_at(ex->bc, tai);
	if (off == ex->tai_set)
		return;
	err = hwclock_set_tai(sys->hw, off);
	if (err) {
		cm_err("%s: ADJ_TAI %d: %s", sys->hw->name, off, strerror(-err));
		return;
	}
	if (ex->tai_set >= 0)
		cm_notice("%s: TAI offset %d s (was %d)", sys->hw->name, off,
			  ex->tai_set);
	ex->tai_set = off;
}

/* clockAccuracy (IEEE 1588-2019 Table 5) as ns; < 0 unknown. */
static double accuracy_ns(uint8_t a)
{
	static const double ns[] = {
		/* 0x17 */ 0.001, 0.0025, 0.01, 0.025, 0.1, 0.25, 1.0, 2.5,
		/* 0x1F */ 10.0, 25.0, 100.0, 250.0, 1e3, 2.5e3, 1e4, 2.5e4,
		/* 0x27 */ 1e5, 2.5e5, 1e6, 2.5e6, 1e7, 2.5e7, 1e8, 2.5e8,
		/* 0x2F */ 1e9, 1e10,
	};

	if (a < 0x17 || a > 0x30)
		return -1.0;
	return ns[a - 0x17];
}

/* As grandmaster, the error of the time served: the clockAccuracy
 * announced when timePropertiesDS says the time is traceable; < 0
 * otherwise (not synchronised). */
static double gm_error_ns(const struct exec *ex)
{
	if (!exec_is_gm(ex) || !bc_time_properties_ds(ex->bc)->time_traceable)
		return -1.0;
	return accuracy_ns(bc_default_ds(ex->bc)->clock_quality.clock_accuracy);
}

/* The system clock's bounds against the grandmaster (see the top):
 * true while they are known and the servos locked (or holding over). */
static bool sys_bounds(const struct exec *ex, const struct cs_clock *sys,
		       int64_t now, double *est_ns, double *max_ns)
{
	const struct clockset *cs = ex->cs;
	const struct cs_clock *ref = &cs->c[cs->ref];
	const struct bc_servo_status *st = bc_get_servo_status(ex->bc);
	double te = disc_te_estimate(ref->disc, now);
	bool ok = bc_slave_port(ex->bc) >= 0 ? locked(disc_state(ref->disc))
					     : ex->holdover;

	if (!ok && bc_slave_port(ex->bc) < 0 && gm_error_ns(ex) >= 0.0) {
		ok = true;
		te = gm_error_ns(ex);
	}
	if (sys != ref) {
		ok = ok && sys->st.have_offset && locked(sys->st.state);
		te += fabs((double)sys->st.offset_ns);
	}
	if (!ok || !(te >= 0.0) || !isfinite(te))
		return false;
	*est_ns = te;
	*max_ns = te + (st->valid && st->path_delay_ns > 0
				? (double)st->path_delay_ns
				: 0.0);
	return true;
}

/* The kernel's maxerror, esterror and STA_UNSYNC (see the top). */
static void exec_kernel_sync(struct exec *ex, struct cs_clock *sys,
			     int64_t now)
{
	struct hwclock_sync s = { .synced = false };
	double est, max;

	if (sys_bounds(ex, sys, now, &est, &max)) {
		s.synced = true;
		s.esterror_ns = (int64_t)ceil(est);
		s.maxerror_ns = (int64_t)ceil(max);
	} else {
		s.esterror_ns = s.maxerror_ns = 16 * NS_PER_SEC;
	}
	if (hwclock_set_sync(sys->hw, &s) < 0)
		ex->sync_errors++;
}

void exec_sys_sync(const struct exec *ex, int64_t now,
		   struct exec_sys_sync *out)
{
	const struct clockset *cs = ex->cs;

	memset(out, 0, sizeof(*out));
	out->esterror_ns = out->maxerror_ns = -1.0;
	for (int k = 0; cs && cs->started && k < cs->n; k++) {
		const struct cs_clock *c = &cs->c[k];

		if (!c->hw->keeps_utc)
			continue;
		out->present = true;
		out->adjusted = c->adjust;
		out->steps = c->st.steps;
		out->holdover = ex->holdover;
		out->synced = c->adjust && sys_bounds(ex, c, now,
						      &out->esterror_ns,
						      &out->maxerror_ns);
		if (!out->synced)
			out->esterror_ns = out->maxerror_ns = -1.0;
		return;
	}
}

/* As grandmaster: the offset and leap of leapfile, and a leap announced
 * by management or the file moved into the offset once it passed. */
static void exec_gm_utc(struct exec *ex, int64_t tai)
{
	const struct leap_latch *l = bc_leap(ex->bc);
	int off, leap, rc;

	if (!bc_is_own_parent(ex->bc))
		return;
	if (ex->leapfile) {
		rc = leap_table_at(ex->leapfile,
				   tai / NS_PER_SEC - bc_utc_offset_at(ex->bc, tai),
				   &off, &leap);
		if (rc == -ESTALE && !ex->leapfile_stale_said) {
			cm_warn("leapfile: expired: its offset is kept, no "
				"later leap second is known");
			ex->leapfile_stale_said = true;
		}
		if (rc == 0 || rc == -ESTALE)
			bc_set_gm_utc(ex->bc, off, rc == 0 ? leap : 0);
		return;
	}
	if (l->armed && tai >= l->tai_s * NS_PER_SEC &&
	    tp_leap(bc_time_properties_ds(ex->bc)))
		bc_set_gm_utc(ex->bc, l->utc_before + l->leap, 0);
}

static void time_arm(struct exec *ex, int64_t at)
{
	ex->time_next = at;
	ex->plat.timer_arm(ex->plat.ctx, -1, EXEC_TMR_TIME, at);
}

void exec_time_start(struct exec *ex, int64_t now)
{
	ex->tai_set = -1;
	ex->kleap_set = 0;
	if (ex->cs && ex->cs->n > 0)
		time_arm(ex, now + EXEC_TIME_PERIOD_NS);
}

void exec_time_tick(struct exec *ex, int64_t now)
{
	struct cs_clock *sys;
	int64_t tai = 0, next;
	bool have_tai;

	if (!ex->cs || !ex->cs->started)
		return;
	have_tai = ref_tai(ex, &tai);
	sys = sys_adjusted(ex);
	if (have_tai) {
		exec_gm_utc(ex, tai);
		exec_leap_passed(ex, sys, tai, now);
		exec_leap_latch(ex, tai);
	}
	if (sys) {
		exec_kernel_leap(ex, sys, have_tai, tai);
		if (have_tai)
			exec_kernel_tai(ex, sys, tai);
		exec_kernel_sync(ex, sys, now);
	}
	next = ex->time_next + EXEC_TIME_PERIOD_NS;
	if (next <= now)
		next = now + EXEC_TIME_PERIOD_NS;
	time_arm(ex, next);
}

void exec_time_close(struct exec *ex)
{
	struct cs_clock *sys;

	if (!ex->cs || !ex->cs->started || !ex->kleap_set)
		return;
	sys = sys_adjusted(ex);
	/* as ptp4l: a leap armed by us is not left behind */
	if (sys && hwclock_set_leap(sys->hw, 0) == 0)
		ex->kleap_set = 0;
}
