/*
 * sim/sim_guest.c — a guest: a virtual machine on a host, without PTP.
 *
 * The guest reads its host's system clock through ptp_kvm: the pairing
 * hypercall (KVM_HC_CLOCK_PAIRING) returns the host's CLOCK_REALTIME with
 * the TSC value of the same instant, which the guest turns into its own
 * clock's time, so a reading is a cross timestamp (PRECISE), exact but for
 * a small noise and bias (kvm_read_noise, default 5 ns, and
 * kvm_read_asymmetry; kvm_read_method makes it a host without it).
 *
 * The guest's system clock follows that clock with the real clock-set
 * code: a clock set whose reference is the kvm clock (read-only: a guest
 * cannot steer its host) and whose follower is the guest's system clock,
 * with hvptpd's follow_* settings (servo, rate, readings, step
 * thresholds), read and steered with cs_read and cs_steer every
 * follow_rate, as the executor's follower timer does (its deadline kept,
 * not the time it ran).  Both clocks keep UTC: the offset is the one read.
 * There is no core and no executor here: the guest steers from its first
 * reading (nothing tells it whether its host is synchronised), and no
 * leap second reaches the guest's kernel, which sees its host's clock set
 * back at a leap second as an offset of one second.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "sim/sim.h"

void sim_guest_clock(struct sim_node *n)
{
	struct sim *s = n->sim;
	struct sim_node *h = &s->nodes[n->host];

	sim_hwclock_init(&n->kvm, "ptp_kvm", &h->clocks[h->sys],
			 &n->clocks[n->sys], &s->now, &n->kvm_rd,
			 sim_seed_mix(s->seed, 10, (uint64_t)n->index));
	n->kvm.read_only = true;
	n->kvm.hw.keeps_utc = true;
}

static int64_t period_ns(const struct sim_node *n)
{
	return n->cs.cfg.follow_interval_ns;
}

int sim_guest_start(struct sim_node *n)
{
	const struct hvd_settings *s = &n->set;
	struct cs_cfg cfg;
	int k, err;

	settings_cs_cfg(s, 0, &cfg);
	cs_init(&n->cs, &cfg);
	k = cs_add(&n->cs, &n->kvm.hw, false);
	if (k >= 0)
		k = cs_add(&n->cs, &n->hwc[n->sys].hw, !s->disc.free_running);
	if (k < 0)
		return k;
	err = cs_start(&n->cs);
	if (err < 0)
		return err;
	n->guest_next = sim_node_mono(n) + period_ns(n);
	sim_node_arm(n, EXEC_TMR_FOLLOW, n->guest_next);
	return 0;
}

void sim_guest_timer(struct sim_node *n)
{
	int64_t now = sim_node_mono(n);
	struct cs_reading rd;
	struct disc_result r;
	int err = cs_read(&n->cs, 1, &rd);

	if (err == 0) {
		cs_steer(&n->cs, 1, &rd, rd.raw_offset_ns, true, now, &r);
		cm_debug("CLOCK_REALTIME: offset %" PRId64 " from ptp_kvm, s%d "
			 "freq %+.0f, %s", rd.raw_offset_ns, (int)r.state,
			 r.freq_ppb, hwclock_read_name(rd.method));
	} else {
		cm_err("ptp_kvm: paired reading failed: %s", strerror(-err));
	}
	n->guest_next += period_ns(n);
	if (n->guest_next <= now)
		n->guest_next = now + period_ns(n);
	sim_node_arm(n, EXEC_TMR_FOLLOW, n->guest_next);
}
