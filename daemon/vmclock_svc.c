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
#include "daemon/vmclock_pub.h"
#include "daemon/vmclock_svc.h"
#include "vm/hostcheck.h"
#include "vm/vmclock.h"
#include "vm/vmclock_file.h"

struct vmc {
	struct hvd *d;
	char path[256];
	struct vm_vmclock_file *f;
	struct exec_vmclock pub; /* what the page says (vmclock_pub.h) */
	int64_t period_ns, next;
};

static int vmc_pairs(void *ctx, struct vm_vmclock_pair *p, int n)
{
	(void)ctx;
	return vm_vmclock_pairs(p, n);
}

static void vmc_update(struct vmc *v, int64_t now)
{
	if (exec_vmclock_update(&v->pub, hvd_exec(v->d), now, vmc_pairs,
				NULL) == 0)
		vm_vmclock_file_publish(v->f, &v->pub.content);
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
		"left marked unreliable", v->path, v->pub.updates,
		v->pub.est.steps);
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
	exec_vmclock_init(&v->pub, v->path, (uint8_t)cid,
			  vm_vmclock_file_marker(v->f), vmc_counter_ok());
	v->period_ns = NS_PER_SEC / s->vmclock_rate;
	v->next = hvd_monotonic_ns();
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
