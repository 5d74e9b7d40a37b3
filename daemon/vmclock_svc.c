/* daemon/vmclock_svc.c — the vmclock page's updates (see vmclock_svc.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/log.h"
#include "daemon/executor.h"
#include "daemon/service.h"
#include "daemon/settings.h"
#include "daemon/vmclock_svc.h"
#include "vm/hostcheck.h"
#include "vm/vmclock.h"
#include "vm/vmclock_file.h"

#define VMC_PAIRS 8 /* paired readings per update, the shortest kept */
#define VMC_WINDOW 16 /* samples the line goes through */

struct vmc {
	struct hvd *d;
	char path[256];
	struct vm_vmclock_file *f;
	struct vm_vmclock_est est;
	struct vm_vmclock_abi content;
	int64_t period_ns, next;
	uint64_t marker;
	uint64_t sys_steps;
	bool counter_ok;
	bool ever_synced;
	int status; /* last published, -1 none */
	uint64_t updates, read_errors, fill_errors;
};

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

static void vmc_publish(struct vmc *v, const struct vm_vmclock_facts *f,
			const struct exec_sys_sync *ss,
			const struct vm_vmclock_rel *rel)
{
	const struct bc *bc = hvd_core(v->d);
	const struct time_properties_ds *tp = bc_time_properties_ds(bc);
	struct vm_vmclock_pub pub = {
		.clock_status = vm_vmclock_status_for(f),
		.disruption_marker = v->marker,
		.tai_offset_valid = tp->ptp_timescale &&
				    tp->current_utc_offset_valid,
	};

	if (f->relation) {
		pub.tai_offset_s = vmc_utc_at_tai(bc, rel->tai_ns);
		pub.leap_indicator = vmc_leap(bc, rel->tai_ns);
		vmc_bounds(f, ss, rel, &pub);
		if (vm_vmclock_fill(&v->content, rel, &pub) < 0) {
			v->fill_errors++;
			pub.clock_status = VM_VMCLOCK_STATUS_UNRELIABLE;
		}
	}
	v->content.clock_status = pub.clock_status;
	v->content.disruption_marker = v->marker;
	vm_vmclock_file_publish(v->f, &v->content);
	v->updates++;
	if (pub.clock_status != v->status)
		cm_notice("vmclock: %s: %s", v->path,
			  vm_vmclock_status_name(pub.clock_status));
	v->status = pub.clock_status;
}

static void vmc_update(struct vmc *v, int64_t now)
{
	struct vm_vmclock_pair p[VMC_PAIRS];
	const struct bc *bc = hvd_core(v->d);
	struct vm_vmclock_facts f = { .counter_ok = v->counter_ok };
	struct vm_vmclock_sample smp;
	struct vm_vmclock_rel rel;
	struct exec_sys_sync ss;
	int i, off;

	exec_sys_sync(hvd_exec(v->d), now, &ss);
	if (ss.steps != v->sys_steps) {
		v->sys_steps = ss.steps;
		vm_vmclock_est_reset(&v->est);
		v->marker++;
	}
	i = vm_vmclock_pairs(p, VMC_PAIRS) < 0 ? -1
						: vm_vmclock_pick(p, VMC_PAIRS);
	if (i < 0) {
		if (!v->read_errors++ || !(v->read_errors % 1000))
			cm_err("vmclock: no usable paired reading (%" PRIu64
			       " so far); the page is not updated",
			       v->read_errors);
		return;
	}
	off = vmc_utc_at_utc(bc, p[i].clock_ns);
	vm_vmclock_sample_of(&p[i], off, &smp);
	if (vm_vmclock_est_add(&v->est, &smp)) {
		v->marker++;
		cm_notice("vmclock: CLOCK_REALTIME moved off the counter's "
			  "line (a step): new relation, disruption_marker %"
			  PRIu64, v->marker);
	}
	f.relation = vm_vmclock_est_solve(&v->est, &rel) == 0;
	f.adjusted = ss.adjusted;
	f.synced = ss.synced;
	f.holdover = ss.holdover;
	if (f.synced && !f.holdover)
		v->ever_synced = true;
	f.ever_synced = v->ever_synced;
	vmc_publish(v, &f, &ss, &rel);
}

static int64_t vmc_deadline(void *ctx)
{
	return ((struct vmc *)ctx)->next;
}

static void vmc_tick(void *ctx, int64_t now)
{
	struct vmc *v = ctx;

	if (now < v->next)
		return;
	vmc_update(v, now);
	v->next += v->period_ns;
	if (v->next <= now) /* late by a whole period: no burst */
		v->next = now + v->period_ns;
}

static void vmc_close(void *ctx)
{
	struct vmc *v = ctx;

	cm_info("vmclock: %s: %" PRIu64 " updates, %" PRIu64 " steps seen; "
		"left marked unreliable", v->path, v->updates, v->est.steps);
	vm_vmclock_file_close(v->f);
	free(v);
}

static const struct hvd_service_ops vmc_ops = {
	.name = "vmclock",
	.deadline = vmc_deadline,
	.tick = vmc_tick,
	.close = vmc_close,
};

/* x86: a TSC without constant_tsc and nonstop_tsc changes its rate or
 * stops; the page says UNRELIABLE rather than extrapolate it. */
static bool vmc_counter_ok(void)
{
	struct hostcheck h;

	if (hostcheck_run("", hostcheck_arch_native(), &h) < 0)
		return true;
	if (h.state[HOSTCHECK_ID_TSC] != HOSTCHECK_FINDING)
		return true;
	cm_warn("vmclock: the TSC lacks constant_tsc or nonstop_tsc: the "
		"page says UNRELIABLE");
	return false;
}

static int vmc_open(struct vmc *v, const struct hvd_settings *s, int cid)
{
	uint64_t seed = 0;
	int err;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)hvd_monotonic_ns();
	snprintf(v->path, sizeof(v->path), "%s", s->vmclock_file);
	err = vm_vmclock_file_open(&v->f, v->path, (uint8_t)cid, seed);
	if (err < 0) {
		cm_err("vmclock_file %s: cannot create or map it: %s", v->path,
		       strerror(-err));
		return err;
	}
	v->marker = vm_vmclock_file_marker(v->f);
	vm_vmclock_init(&v->content, (uint8_t)cid);
	vm_vmclock_est_init(&v->est, VMC_WINDOW);
	v->period_ns = NS_PER_SEC / s->vmclock_rate;
	v->next = hvd_monotonic_ns();
	v->status = -1;
	v->counter_ok = vmc_counter_ok();
	return 0;
}

int hvd_vmclock_add(struct hvd *d)
{
	const struct hvd_settings *s = hvd_settings(d);
	struct hvd_service svc = { .ops = &vmc_ops };
	int cid = vm_vmclock_counter_id(), err;
	struct vmc *v;

	if (!*s->vmclock_file)
		return 0;
	if (cid < 0) { /* settings refuse it first; a build for elsewhere */
		cm_err("vmclock_file: no counter the vmclock ABI defines on "
		       "this architecture");
		return cid;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->d = d;
	err = vmc_open(v, s, cid);
	if (err < 0) {
		free(v);
		return err;
	}
	svc.ctx = v;
	err = hvd_service_add(d, &svc);
	if (err < 0) {
		cm_err("vmclock: cannot join the poll loop: %s", strerror(-err));
		vm_vmclock_file_close(v->f);
		free(v);
		return err;
	}
	cm_info("vmclock: %s: %s counter, %d updates/s", v->path,
		vm_vmclock_counter_name((unsigned int)cid), s->vmclock_rate);
	return 0;
}
