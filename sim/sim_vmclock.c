/*
 * sim/sim_vmclock.c — the vmclock page on a simulated host, and a guest
 * that reads it.
 *
 * A host that a reader names (vmclock_of) gets a TSC: a counter at a
 * nominal rate (tsc_hz, default 2.5 GHz) driven from true time through
 * an oscillator model of its own (the tsc_ clock keys: tsc_freq,
 * tsc_wander...; its reading is ns since boot, booted SIM_MONO_BASE_NS
 * before t = 0), never adjusted nor stepped.  In a real host
 * CLOCK_REALTIME is derived from that TSC by the kernel; here the system
 * clock is its own oscillator, so the relation also wanders by the TSC's
 * own wander (pessimistic by that much).
 *
 * The host publishes the page as hvptpd does, with the daemon's own code
 * (daemon/vmclock_pub.h: the executor's view of the system clock, the
 * shortest of EXEC_VMCLOCK_PAIRS paired readings, UTC -> TAI with the
 * offset in force, the estimator, clock_status and bounds, the fill),
 * vmclock_rate times a second from when its daemon starts, into a page in
 * memory (vm_vmclock_write, under its sequence lock).  A paired reading
 * is the TSC, CLOCK_REALTIME, the TSC: CLOCK_REALTIME is read (whole ns)
 * at the instant of the update, the first TSC read tsc_read_delay / 2 +
 * exp(tsc_read_jitter) before it, the second as much after it (each half
 * its own latency), both tsc_read_asymmetry earlier (the clock read that
 * much after the window's middle).  The daemon going down leaves the page
 * UNRELIABLE with its bounds withdrawn (vm_vmclock_file_close); coming
 * back up, disruption_marker moves on by one, as when hvptpd reopens its
 * file.
 *
 * A reader is a guest whose VMM maps that page: at every truth sample it
 * reads the page with the guest driver's algorithm (vm_vmclock_read: the
 * sequence lock; vm_vmclock_time_at: the 128-bit formula) at the host's
 * TSC of that instant — the VMM's TSC offset and scaling taken as applied
 * exactly — and its true error is that time (TAI) against the
 * grandmaster's.  It counts as locked while the page says SYNCHRONIZED
 * (and the error is within lock_threshold); a change of disruption_marker
 * counts as a step; the page's time_esterror is its time error estimate.
 */
#include <math.h>
#include <string.h>

#include "common/log.h"
#include "sim/sim.h"
#include "sim/sim_scn.h"

typedef unsigned __int128 u128;

/* The TSC's count at true time t (its reading, ns since boot, at
 * tsc_hz). */
static uint64_t tsc_at(struct sim_node *h, int64_t t)
{
	double frac;
	int64_t r = sim_clock_read(&h->tsc, t, &frac);
	u128 q = (u128)(uint64_t)(r > 0 ? r : 0) * h->tsc_hz;
	double rem = (double)(uint64_t)(q % 1000000000u) +
		     frac * (double)h->tsc_hz;

	return (uint64_t)(q / 1000000000u) + (uint64_t)(rem / 1e9);
}

void sim_vmclock_host(struct sim *s, struct sim_node *h)
{
	uint64_t idx = (uint64_t)h->index;

	if (!h->vmc_on)
		return;
	sim_clock_init(&h->tsc, &h->tsc_cm, SIM_MONO_BASE_NS,
		       sim_seed_mix(s->seed, 11, idx));
	sim_rng_seed(&h->tsc_rng, sim_seed_mix(s->seed, 12, idx));
	vm_vmclock_init(&h->vmc_page, VM_VMCLOCK_COUNTER_X86_TSC);
}

/* n paired readings (TSC, CLOCK_REALTIME, TSC) at the current instant. */
static int tsc_pairs(void *ctx, struct vm_vmclock_pair *p, int n)
{
	struct sim_node *h = ctx;
	int64_t now = h->sim->now - h->tsc_rd.asym_ns;
	int64_t half = h->tsc_rd.delay_ns / 2;
	double frac;

	for (int i = 0; i < n; i++) {
		int64_t e1 = llround(sim_rand_exp(&h->tsc_rng,
						  h->tsc_rd.jitter_ns));
		int64_t e2 = llround(sim_rand_exp(&h->tsc_rng,
						  h->tsc_rd.jitter_ns));

		p[i].before = tsc_at(h, now - half - e1);
		p[i].clock_ns = sim_clock_read(&h->clocks[h->sys],
					       h->sim->now, &frac);
		p[i].after = tsc_at(h, now + (h->tsc_rd.delay_ns - half) + e2);
	}
	return 0;
}

static void push_tick(struct sim_node *h, int64_t t)
{
	struct sim_ev ev = {
		.t = t,
		.kind = SIM_EV_VMCLOCK,
		.node = (uint16_t)h->index,
		.gen = h->epoch,
	};

	if (t <= h->sim->duration_ns)
		sim_push(h->sim, &ev);
}

void sim_vmclock_start(struct sim_node *h)
{
	if (!h->vmc_on)
		return;
	exec_vmclock_init(&h->vmc, "page", VM_VMCLOCK_COUNTER_X86_TSC,
			  h->vmc_page.disruption_marker + 1, true);
	push_tick(h, h->sim->now);
}

void sim_vmclock_stop(struct sim_node *h)
{
	struct vm_vmclock_abi p;

	if (!h->vmc_on)
		return;
	p = h->vmc_page;
	p.clock_status = VM_VMCLOCK_STATUS_UNRELIABLE;
	p.flags &= ~(VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID |
		     VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID |
		     VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID |
		     VM_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID);
	vm_vmclock_write(&h->vmc_page, &p);
}

void sim_vmclock_tick(struct sim_node *h, const struct sim_ev *ev)
{
	struct sim_node *prev = h->sim->cur;

	if (!h->up || ev->gen != h->epoch || !h->vmc_on)
		return;
	h->sim->cur = h;
	if (exec_vmclock_update(&h->vmc, &h->ex, sim_node_mono(h), tsc_pairs,
				h) == 0)
		vm_vmclock_write(&h->vmc_page, &h->vmc.content);
	h->sim->cur = prev;
	push_tick(h, ev->t + NS_PER_SEC / h->set.vmclock_rate);
}

/* The guest's counter: its host's TSC now (offset and scale applied
 * exactly by the VMM). */
static uint64_t reader_counter(void *ctx)
{
	struct sim_node *h = ctx;

	return tsc_at(h, h->sim->now);
}

/* The page's time, as a rate against true time: its period times the
 * TSC's rate. */
static double page_rate(struct sim_node *h, const struct vm_vmclock_abi *p,
			int64_t t)
{
	double period_ns = ldexp((double)p->counter_period_frac_sec,
				 -(64 + (int)p->counter_period_shift)) *
			   1e9;

	return period_ns * (double)h->tsc_hz / 1e9 *
	       (1.0 + sim_clock_rate(&h->tsc, t));
}

void sim_vmclock_sample(struct sim *s, struct sim_node *n,
			struct sim_node *g, bool gm_tai, struct sim_pt *pt)
{
	struct sim_node *h = &s->nodes[n->host];
	struct sim_clock *gc = &g->clocks[g->main_clk];
	struct vm_vmclock_reading rd;
	const struct vm_vmclock_abi *c = &rd.copy;
	int64_t sec, rg, shift;
	uint64_t frac;
	double fg;

	if (vm_vmclock_read(&h->vmc_page, reader_counter, h, 16, &rd) < 0)
		return; /* never here: nobody writes while the guest reads */
	n->vmc_last = c->clock_status;
	if (c->disruption_marker != n->vmc_seen && n->vmc_seen)
		pt->steps = 1;
	n->vmc_seen = c->disruption_marker;
	if (!vm_vmclock_time_at(c, rd.counter, &sec, &frac))
		return; /* no time yet: not measured */
	pt->flags |= SIM_PT_VALID;
	/* TAI against the grandmaster's TAI; a grandmaster keeping UTC
	 * (ARB): the page's TAI less its TAI - UTC */
	shift = gm_tai ? 0 : (int64_t)(int16_t)c->tai_offset_sec * NS_PER_SEC;
	rg = sim_clock_read(gc, s->now, &fg);
	pt->err_ns = (double)(sec * NS_PER_SEC - shift - rg) +
		     (ldexp((double)frac, -64) * 1e9 - fg);
	pt->ferr_ppb = (float)((page_rate(h, c, s->now) - 1.0 -
				sim_clock_rate(gc, s->now)) *
			       1e9);
	if (c->flags & VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID)
		pt->te_ns = (float)c->time_esterror_nanosec;
	if (c->clock_status == VM_VMCLOCK_STATUS_SYNCHRONIZED)
		pt->flags |= SIM_PT_SERVO_LOCKED;
}

const struct scn_entry *sim_vmclock_bad_key(const struct scn_section *sec)
{
	static const char *const ok[] = { "vmclock_of", "start",
					  "lock_threshold", "reference" };

	for (int i = 0; sec && i < sec->n; i++) {
		size_t k = 0;

		while (k < sizeof(ok) / sizeof(*ok) &&
		       strcmp(sec->e[i].key, ok[k]) != 0)
			k++;
		if (k == sizeof(ok) / sizeof(*ok))
			return &sec->e[i];
	}
	return NULL;
}

const char *sim_vmclock_status(const struct sim_node *n)
{
	const char *st = n->vmc_last < 0
				 ? NULL
				 : vm_vmclock_status_name(
					   (unsigned int)n->vmc_last);

	return st ? st : "-";
}
