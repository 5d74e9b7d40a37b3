/* daemon/vmclock_pub.c — the vmclock page's content (see vmclock_pub.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>

#include "common/log.h"
#include "daemon/vmclock_pub.h"

static uint8_t vmc_leap(const struct bc *bc, int64_t tai)
{
	const struct leap_latch *l = bc_leap(bc);

	if (!l->armed)
		return VM_VMCLOCK_LEAP_NONE;
	if (tai < l->tai_s * NS_PER_SEC)
		return l->leap > 0 ? VM_VMCLOCK_LEAP_PRE_POS
				   : VM_VMCLOCK_LEAP_PRE_NEG;
	return l->leap > 0 ? VM_VMCLOCK_LEAP_POST_POS : VM_VMCLOCK_LEAP_POST_NEG;
}

/*
 * TAI - UTC for the page: on the PTP timescale the offset in force (the
 * latched leap second included), at UTC time utc_ns or at TAI time
 * tai_ns; on an ARB timescale (a grandmaster on the system clock
 * announces ARB, as ptp4l does) CLOCK_REALTIME still keeps UTC here, and
 * currentUtcOffset is the configured one: the page adds it but does not
 * call it valid (vmc_publish).
 */
static int vmc_utc_at_utc(const struct bc *bc, int64_t utc_ns)
{
	const struct time_properties_ds *tp = bc_time_properties_ds(bc);

	if (!tp->ptp_timescale)
		return tp->current_utc_offset;
	return leap_offset_at_utc(bc_leap(bc), bc_utc_offset(bc), utc_ns, NULL);
}

static int vmc_utc_at_tai(const struct bc *bc, int64_t tai_ns)
{
	const struct time_properties_ds *tp = bc_time_properties_ds(bc);

	return tp->ptp_timescale ? bc_utc_offset_at(bc, tai_ns)
				 : tp->current_utc_offset;
}

/* A reading within a second of a latched leap second (TAI tai_ns, on the
 * PTP timescale): CLOCK_REALTIME repeats (or skips) a second there, and a
 * UTC reading cannot tell which pass it is (as the followers, exec_clocks.c,
 * which do not steer on it). */
static bool vmc_leap_near(const struct bc *bc, int64_t tai_ns)
{
	return bc_time_properties_ds(bc)->ptp_timescale &&
	       leap_near(bc_leap(bc), tai_ns);
}

/* The bounds of the page (see vmclock_svc.h); -1: unknown. */
static void vmc_bounds(const struct vm_vmclock_facts *f,
		       const struct exec_sys_sync *ss,
		       const struct vm_vmclock_rel *rel,
		       struct vm_vmclock_pub *pub)
{
	double resid = rel->resid_ns > 0.0 ? rel->resid_ns : 0.0;
	double win = (double)rel->window * rel->period_ns;

	pub->time_esterror_ns = pub->time_maxerror_ns = -1.0;
	pub->period_esterror_ns = pub->period_maxerror_ns = -1.0;
	if (!vm_vmclock_bounds_known(f))
		return;
	pub->time_esterror_ns = ss->esterror_ns + resid + win / 2.0;
	pub->time_maxerror_ns = ss->maxerror_ns + 3.0 * resid + win;
	if (rel->period_se_ns >= 0.0) {
		pub->period_esterror_ns = rel->period_se_ns;
		pub->period_maxerror_ns = 4.0 * rel->period_se_ns;
	}
}

/* The line's TAI at counter c: the anchor's, or later when readings near
 * a leap second were left out. */
static int64_t vmc_tai_at(const struct vm_vmclock_rel *r, uint64_t c)
{
	return r->tai_ns + (int64_t)llround((double)(int64_t)(c - r->counter) *
					    r->period_ns);
}

/* The page from the facts and the line; TAI - UTC and the leap indicator
 * as they are at counter c (this update's reading). */
static void vmc_publish(struct exec_vmclock *v, const struct bc *bc,
			const struct vm_vmclock_facts *f,
			const struct exec_sys_sync *ss,
			const struct vm_vmclock_rel *rel, uint64_t c)
{
	const struct time_properties_ds *tp = bc_time_properties_ds(bc);
	struct vm_vmclock_pub pub = {
		.clock_status = vm_vmclock_status_for(f),
		.disruption_marker = v->marker,
		.tai_offset_valid = tp->ptp_timescale &&
				    tp->current_utc_offset_valid,
	};

	if (f->relation) {
		int64_t now = vmc_tai_at(rel, c);

		pub.tai_offset_s = vmc_utc_at_tai(bc, now);
		pub.leap_indicator = vmc_leap(bc, now);
		vmc_bounds(f, ss, rel, &pub);
		if (vm_vmclock_fill(&v->content, rel, &pub) < 0) {
			v->fill_errors++;
			pub.clock_status = VM_VMCLOCK_STATUS_UNRELIABLE;
		}
	}
	v->content.clock_status = pub.clock_status;
	v->content.disruption_marker = v->marker;
	v->updates++;
	if (pub.clock_status != v->status)
		cm_notice("vmclock: %s: %s", v->name,
			  vm_vmclock_status_name(pub.clock_status));
	v->status = pub.clock_status;
}

/* A sample for the line, unless it is near a leap second. */
static void vmc_add(struct exec_vmclock *v, const struct bc *bc,
		    const struct vm_vmclock_sample *smp)
{
	if (vmc_leap_near(bc, smp->ns)) {
		if (!v->near_leap)
			cm_info("vmclock: a leap second: readings left out "
				"around it, the line (TAI) goes on");
		v->near_leap = true;
		v->leap_skips++;
		return;
	}
	v->near_leap = false;
	if (vm_vmclock_est_add(&v->est, smp)) {
		v->marker++;
		cm_notice("vmclock: CLOCK_REALTIME moved off the counter's "
			  "line (a step): new relation, disruption_marker %"
			  PRIu64, v->marker);
	}
}

void exec_vmclock_init(struct exec_vmclock *v, const char *name, uint8_t cid,
		       uint64_t marker, bool counter_ok)
{
	*v = (struct exec_vmclock){ .name = name, .marker = marker,
				    .counter_ok = counter_ok, .status = -1 };
	vm_vmclock_init(&v->content, cid);
	vm_vmclock_est_init(&v->est, EXEC_VMCLOCK_WINDOW);
}

int exec_vmclock_update(struct exec_vmclock *v, const struct exec *ex,
			int64_t now, exec_vmclock_pairs_fn pairs, void *ctx)
{
	struct vm_vmclock_pair p[EXEC_VMCLOCK_PAIRS];
	struct vm_vmclock_facts f = { .counter_ok = v->counter_ok };
	struct vm_vmclock_sample smp;
	struct vm_vmclock_rel rel;
	struct exec_sys_sync ss;
	int i, off;

	exec_sys_sync(ex, now, &ss);
	if (ss.steps != v->sys_steps) {
		v->sys_steps = ss.steps;
		vm_vmclock_est_reset(&v->est);
		v->marker++;
	}
	i = pairs(ctx, p, EXEC_VMCLOCK_PAIRS) < 0
		    ? -1
		    : vm_vmclock_pick(p, EXEC_VMCLOCK_PAIRS);
	if (i < 0) {
		if (!v->read_errors++ || !(v->read_errors % 1000))
			cm_err("vmclock: no usable paired reading (%" PRIu64
			       " so far); the page is not updated",
			       v->read_errors);
		return -EAGAIN;
	}
	off = vmc_utc_at_utc(ex->bc, p[i].clock_ns);
	vm_vmclock_sample_of(&p[i], off, &smp);
	vmc_add(v, ex->bc, &smp);
	f.relation = vm_vmclock_est_solve(&v->est, &rel) == 0;
	f.adjusted = ss.adjusted;
	f.synced = ss.synced;
	f.holdover = ss.holdover;
	if (f.synced && !f.holdover)
		v->ever_synced = true;
	f.ever_synced = v->ever_synced;
	vmc_publish(v, ex->bc, &f, &ss, &rel, smp.counter);
	return 0;
}
