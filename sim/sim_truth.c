/*
 * sim/sim_truth.c — ground truth: who should be grandmaster, each node's
 * true time error, and the statistics after the run.
 *
 * The expected grandmaster is decided by the simulator from the scenario
 * alone, never by asking the cores: the nodes that are up and the links
 * that are up split the network into connected parts; in each part the
 * grandmaster is the node whose configured defaultDS is best in the order
 * of the BMCA's data set comparison without topology (priority1,
 * clockClass, clockAccuracy, offsetScaledLogVariance, priority2,
 * clockIdentity), slave-only nodes excluded.  That is the clock every
 * node of that part should end up following; when it changes (failover),
 * errors are measured against the new one from that instant.
 *
 * Time error of a clock at true time t: its reading minus the reading of
 * the grandmaster's clock (its reference: the clock its PTP discipline
 * steers), both from the simulator's clock models, on one timescale: a
 * clock that keeps UTC under a grandmaster on the PTP timescale should
 * read the UTC offset in force less (the world's, from [scenario]
 * leapfile, leap seconds included; else the grandmaster's configured
 * one).  A node with a reference is measured against the reference
 * node's clock, whatever the topology (holdover is measured against the
 * grandmaster that went away).  Every node's row measures its reference
 * clock at each sample (a guest's: its system clock), and a node with
 * several clocks has a row per clock as well, each with its own servo's
 * state.  A guest's grandmaster is its host's, and so is a vmclock
 * reader's, whose row is the time its host's page gives (sim_vmclock.c).  Frequency error: the
 * rates' difference, ppb.  A system clock's leap seconds (its kernel's)
 * are set against the nearest leap of the scenario on the grandmaster's
 * time.
 *
 * "Locked" at a sample: the servo says LOCKED (or LOCKED_STABLE) and
 * |error| <= lock_threshold (a grandmaster counts as locked).  A node's
 * lock time is the first sample, not as grandmaster, from which that
 * holds without a break for lock_hold.  After each scenario event the same
 * rule gives the relock time; the samples from the event to the relock
 * are the transition, reported apart (with at least transition_window
 * after the event) and left out of the steady-state RMS and max, which
 * start at the lock (or settle later, when the scenario says so).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

/* ---- topology ---- */

static int uf_find(int *uf, int i)
{
	while (uf[i] != i) {
		uf[i] = uf[uf[i]];
		i = uf[i];
	}
	return i;
}

static int ds_cmp(const struct sim_node *a, const struct sim_node *b)
{
	const struct bc_clock_cfg *x = &a->set.clock, *y = &b->set.clock;
	const struct clock_quality *qx = &x->clock_quality;
	const struct clock_quality *qy = &y->clock_quality;

	if (x->priority1 != y->priority1)
		return x->priority1 < y->priority1 ? -1 : 1;
	if (qx->clock_class != qy->clock_class)
		return qx->clock_class < qy->clock_class ? -1 : 1;
	if (qx->clock_accuracy != qy->clock_accuracy)
		return qx->clock_accuracy < qy->clock_accuracy ? -1 : 1;
	if (qx->offset_scaled_log_variance != qy->offset_scaled_log_variance)
		return qx->offset_scaled_log_variance <
				       qy->offset_scaled_log_variance
			       ? -1
			       : 1;
	if (x->priority2 != y->priority2)
		return x->priority2 < y->priority2 ? -1 : 1;
	return clock_identity_cmp(&x->clock_identity, &y->clock_identity);
}

static void components(struct sim *s, int *uf)
{
	for (int i = 0; i < s->nnodes; i++)
		uf[i] = i;
	for (int k = 0; k < s->nsegs; k++) {
		const struct sim_seg *g = &s->segs[k];
		int first = -1;

		if (!g->up)
			continue;
		for (int e = 0; e < g->n_ep; e++) {
			int n = g->ep[e].node;

			if (!s->nodes[n].up)
				continue;
			if (first < 0)
				first = n;
			else
				uf[uf_find(uf, n)] = uf_find(uf, first);
		}
	}
}

/* Breadth-first hop counts from every grandmaster. */
static void hops(struct sim *s)
{
	int queue[SIM_MAX_NODES], head = 0, tail = 0;

	for (int i = 0; i < s->nnodes; i++) {
		s->nodes[i].hop = -1;
		if (s->nodes[i].up && s->nodes[i].gm == i) {
			s->nodes[i].hop = 0;
			queue[tail++] = i;
		}
	}
	while (head < tail) {
		const struct sim_node *n = &s->nodes[queue[head++]];

		for (int p = 0; p < n->nports; p++) {
			const struct sim_seg *g;

			if (n->ports[p].seg < 0 || !s->segs[n->ports[p].seg].up)
				continue;
			g = &s->segs[n->ports[p].seg];
			for (int e = 0; e < g->n_ep; e++) {
				struct sim_node *m = &s->nodes[g->ep[e].node];

				if (!m->up || m->hop >= 0)
					continue;
				m->hop = n->hop + 1;
				queue[tail++] = m->index;
			}
		}
	}
}

void sim_truth_topology(struct sim *s)
{
	int uf[SIM_MAX_NODES], best[SIM_MAX_NODES];

	components(s, uf);
	for (int i = 0; i < s->nnodes; i++)
		best[i] = -1;
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		int r = uf_find(uf, i);

		if (!n->up || n->set.clock.slave_only || n->guest ||
		    n->vmreader)
			continue;
		if (best[r] < 0 || ds_cmp(n, &s->nodes[best[r]]) < 0)
			best[r] = i;
	}
	for (int i = 0; i < s->nnodes; i++)
		s->nodes[i].gm = s->nodes[i].up ? best[uf_find(uf, i)] : -1;
	hops(s);
	/* a guest: its host's grandmaster, one hop (the hypercall, the page)
	 * further */
	for (int i = 0; i < s->nnodes; i++) {
		struct sim_node *n = &s->nodes[i], *h;

		if (!n->guest && !n->vmreader)
			continue;
		h = &s->nodes[n->host];
		n->gm = n->up && h->up ? h->gm : -1;
		n->hop = n->gm >= 0 && h->hop >= 0 ? h->hop + 1 : -1;
	}
	s->topo_dirty = false;
}

/* ---- samples ---- */

/* The grandmaster's time is on the PTP timescale (TAI): it announces PTP
 * and its clock does not keep UTC (one that does announces ARB). */
static bool gm_ptp(const struct sim_node *g)
{
	return g->set.clock.ptp_timescale && !g->clocks[g->main_clk].k.on;
}

/* What clock c of node i should read relative to grandmaster g's time
 * gm_ns: the UTC offset in force less when c keeps UTC and g's time is
 * TAI (the world's offset with a [scenario] leapfile, else the one g is
 * configured to announce), else the same. */
static double expected_shift(const struct sim *s, const struct sim_node *i,
			     const struct sim_clock *c,
			     const struct sim_node *g, int64_t gm_ns)
{
	const struct bc_clock_cfg *gc = &g->set.clock;
	int off;

	if (!c->k.on || !gm_ptp(g))
		return 0.0;
	off = gc->utc_offset_valid ? gc->utc_offset : i->set.clock.utc_offset;
	return -(double)sim_utc_offset_at(s, gm_ns, off) * 1e9;
}

/* What the node itself says: its time error estimate, holdover, the
 * clockClass it announces and the one of the grandmaster it follows. */
static void sample_reports(const struct sim_node *n, struct sim_pt *pt)
{
	const struct bc_servo_status *st;

	pt->te_ns = -1.0f;
	if (!n->bc)
		return;
	st = bc_get_servo_status(n->bc);
	pt->te_ns = (float)st->te_estimate_ns;
	if (st->holdover)
		pt->flags |= SIM_PT_HOLDOVER;
	pt->cls = bc_default_ds(n->bc)->clock_quality.clock_class;
	pt->gm_cls = bc_parent_ds(n->bc)->grandmaster_clock_quality.clock_class;
}

/* The kernel's leap seconds of clock c since the last sample: each one's
 * instant on g's time against the nearest leap of the scenario. */
static void sample_leaps(const struct sim *s, struct sim_meter *m,
			 const struct sim_clock *c, struct sim_node *g)
{
	struct sim_clock *gc = &g->clocks[g->main_clk];

	for (; m->kleaps_seen < c->k.nleaps; m->kleaps_seen++) {
		int j = m->kleaps_seen < SIM_KERN_MAX_LEAPS
				? m->kleaps_seen
				: SIM_KERN_MAX_LEAPS - 1;
		const struct sim_kleap *l = &c->k.leaps[j];
		double best = INFINITY;
		int64_t tl;
		int dir = 0, bdir = 0;

		for (int i = 0; sim_leap_instant(s, i, &tl, &dir); i++) {
			/* g's reading at the leap, against the instant */
			double e = sim_clock_diff(gc, l->t, tl * NS_PER_SEC);

			if (fabs(e) < fabs(best)) {
				best = e;
				bdir = dir;
			}
		}
		m->leaps++;
		m->leaps_wrong += bdir != l->dir;
		if (fabs(best) > m->leap_worst_ns)
			m->leap_worst_ns = fabs(best);
	}
}

/*
 * One clock's sample: c against g's clock, or the grandmaster's own
 * (gm_self: not measured).  disc: its servo (LOCKED counts).
 */
static void sample_clock(const struct sim *s, const struct sim_node *n,
			 struct sim_clock *c, struct sim_node *g, bool gm_self,
			 const struct disc *d, struct sim_pt *pt)
{
	struct sim_clock *gc = &g->clocks[g->main_clk];
	enum servo_state st;
	double fi, fg;
	int64_t ri, rg;

	pt->flags |= SIM_PT_VALID;
	if (gm_self) {
		pt->flags |= SIM_PT_GM | SIM_PT_SERVO_LOCKED;
		return;
	}
	ri = sim_clock_read(c, s->now, &fi);
	rg = sim_clock_read(gc, s->now, &fg);
	pt->err_ns = (double)(ri - rg) + (fi - fg) -
		     expected_shift(s, n, c, g, rg);
	pt->ferr_ppb = (float)((sim_clock_rate(c, s->now) -
				sim_clock_rate(gc, s->now)) *
			       1e9);
	st = d ? disc_state(d) : SERVO_UNLOCKED;
	if (st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE)
		pt->flags |= SIM_PT_SERVO_LOCKED;
}

static uint8_t sat8(uint64_t v)
{
	return v > 255 ? 255 : (uint8_t)v;
}

static void sample_node(struct sim *s, struct sim_node *n, int k)
{
	uint64_t steps[SIM_MAX_CLOCKS];
	struct sim_pt *pt = &n->m.pts[k];
	struct sim_node *g;
	bool self;

	if (n->up && n->cs.started && !n->guest)
		n->main_clk = n->cs.ref;
	for (int c = 0; c < n->nclk; c++) {
		steps[c] = n->clocks[c].n_steps - n->clk_steps_seen[c];
		n->clk_steps_seen[c] = n->clocks[c].n_steps;
	}
	memset(pt, 0, sizeof(*pt));
	pt->steps = sat8(steps[n->main_clk]);
	pt->te_ns = -1.0f;
	for (int c = 0; c < n->ncm; c++) {
		memset(&n->cm[c].pts[k], 0, sizeof(*pt));
		n->cm[c].pts[k].steps = sat8(steps[c]);
		n->cm[c].pts[k].te_ns = -1.0f;
	}
	if (!n->up || n->gm < 0)
		return;
	sample_reports(n, pt);
	/* a reference, when given, is the truth whatever the topology */
	g = &s->nodes[n->ref >= 0 ? n->ref : n->gm];
	if (n->vmreader) {
		sim_vmclock_sample(s, n, g, gm_ptp(g), pt);
		return;
	}
	self = g == n;
	sample_clock(s, n, &n->clocks[n->main_clk], g, self, sim_node_disc(n),
		     pt);
	if (!self && n->clocks[n->main_clk].k.on)
		sample_leaps(s, &n->m, &n->clocks[n->main_clk], g);
	for (int c = 0; c < n->ncm; c++) {
		struct sim_meter *m = &n->cm[c];

		m->follower |= c != n->main_clk;
		sample_clock(s, n, &n->clocks[c], g, self && c == n->main_clk,
			     sim_node_clock_disc(n, c), &m->pts[k]);
		if (n->clocks[c].k.on)
			sample_leaps(s, m, &n->clocks[c], g);
	}
}

void sim_truth_sample(struct sim *s)
{
	int k = s->npts;

	if (k >= s->cap_pts)
		return;
	for (int i = 0; i < s->nnodes; i++)
		sample_node(s, &s->nodes[i], k);
	s->npts++;
	if (s->csv)
		sim_csv_rows(s, s->csv);
}

/* ---- results ---- */

static bool pt_good(int64_t threshold, const struct sim_pt *p)
{
	if (!(p->flags & SIM_PT_VALID))
		return false;
	if (p->flags & SIM_PT_GM)
		return true;
	return (p->flags & SIM_PT_SERVO_LOCKED) &&
	       fabs(p->err_ns) <= (double)threshold;
}

/* run[k]: good samples in a row from k on. */
static void good_runs(const struct sim *s, const struct sim_meter *m,
		      int64_t threshold, int *run)
{
	run[s->npts] = 0;
	for (int k = s->npts - 1; k >= 0; k--)
		run[k] = pt_good(threshold, &m->pts[k]) ? run[k + 1] + 1 : 0;
}

/* First sample at or after k0 that starts a hold (not as GM when
 * not_gm), or -1. */
static int first_hold(const struct sim *s, const struct sim_meter *m,
		      const int *run, int k0, bool not_gm)
{
	int need = (int)(s->lock_hold_ns / s->sample_ns) + 1;

	for (int k = k0; k < s->npts; k++) {
		if (not_gm && (m->pts[k].flags & SIM_PT_GM))
			continue;
		if (run[k] >= need)
			return k;
	}
	return -1;
}

static int sample_index(const struct sim *s, int64_t t)
{
	int64_t k = (t + s->sample_ns - 1) / s->sample_ns;

	return k > s->npts ? s->npts : (int)k;
}

static bool is_measured(const struct sim_pt *p)
{
	return (p->flags & SIM_PT_VALID) && !(p->flags & SIM_PT_GM);
}

/* Transitions after each action; marks their samples in skip[]. */
static void transitions(struct sim *s, struct sim_meter *m, const int *run,
			bool *skip)
{
	struct sim_result *r = &m->res;
	int win = (int)(s->transition_ns / s->sample_ns);

	r->worst_relock_ns = 0;
	r->worst_transition_ns = 0.0;
	for (int a = 0; a < s->nacts; a++) {
		int ka = sample_index(s, s->acts[a].at);
		int kr = first_hold(s, m, run, ka, false);
		int end = kr < 0 ? s->npts : kr;
		double mx = 0.0;
		int64_t rel = kr < 0 ? -1 : (int64_t)kr * s->sample_ns -
						   s->acts[a].at;

		for (int k = ka; k < end; k++)
			skip[k] = true;
		if (end < ka + win)
			end = ka + win < s->npts ? ka + win : s->npts;
		for (int k = ka; k < end; k++) {
			if (is_measured(&m->pts[k]) &&
			    fabs(m->pts[k].err_ns) > mx)
				mx = fabs(m->pts[k].err_ns);
		}
		m->relock[a] = rel;
		m->trans_max[a] = mx;
		if (rel < 0 || r->worst_relock_ns < 0)
			r->worst_relock_ns = -1;
		else if (rel > r->worst_relock_ns)
			r->worst_relock_ns = rel;
		if (mx > r->worst_transition_ns)
			r->worst_transition_ns = mx;
	}
}

/* Steady state: from the lock (k0) plus settle samples on; and the same
 * from the lock itself (lock_rms_ns, lock_max_ns). */
static void steady(const struct sim *s, struct sim_meter *m, int k0,
		   int settle, const bool *skip)
{
	struct sim_result *r = &m->res;
	double sq = 0.0, fsq = 0.0, lsq = 0.0, e;
	uint64_t ln = 0;

	for (int k = k0; k < s->npts; k++) {
		const struct sim_pt *p = &m->pts[k];

		if (k > k0)
			r->steps_after_lock += p->steps;
		if (skip[k] || !is_measured(p))
			continue;
		e = fabs(p->err_ns);
		ln++;
		lsq += e * e;
		if (e > r->lock_max_ns)
			r->lock_max_ns = e;
		if (k < k0 + settle)
			continue;
		r->n++;
		sq += e * e;
		fsq += (double)p->ferr_ppb * p->ferr_ppb;
		if (e > r->max_ns)
			r->max_ns = e;
	}
	if (ln)
		r->lock_rms_ns = sqrt(lsq / (double)ln);
	if (r->n) {
		r->rms_ns = sqrt(sq / (double)r->n);
		r->freq_rms_ppb = sqrt(fsq / (double)r->n);
	}
}

static int meter_results(struct sim *s, struct sim_meter *m,
			 int64_t threshold, int *run, bool *skip)
{
	struct sim_result *r = &m->res;
	size_t na = (size_t)(s->nacts ? s->nacts : 1);
	int kl;

	memset(r, 0, sizeof(*r));
	m->relock = calloc(na, sizeof(*m->relock));
	m->trans_max = calloc(na, sizeof(*m->trans_max));
	if (!m->relock || !m->trans_max)
		return -ENOMEM;
	for (int k = 0; k < s->npts; k++) {
		r->measured |= is_measured(&m->pts[k]);
		r->steps += m->pts[k].steps;
	}
	if (!r->measured || s->npts == 0)
		return 0;
	good_runs(s, m, threshold, run);
	memset(skip, 0, (size_t)s->npts * sizeof(*skip));
	transitions(s, m, run, skip);
	r->locked_at_end = pt_good(threshold, &m->pts[s->npts - 1]);
	kl = first_hold(s, m, run, 0, true);
	if (kl < 0)
		return 0;
	r->locked = true;
	r->lock_t = (int64_t)kl * s->sample_ns;
	steady(s, m, kl, (int)(s->settle_ns / s->sample_ns), skip);
	return 0;
}

int sim_truth_results(struct sim *s)
{
	int *run = malloc(((size_t)s->npts + 1) * sizeof(*run));
	bool *skip = malloc(((size_t)s->npts + 1) * sizeof(*skip));
	int err = run && skip ? 0 : -ENOMEM;

	for (int i = 0; !err && i < s->nnodes; i++) {
		struct sim_node *n = &s->nodes[i];

		err = meter_results(s, &n->m, n->lock_threshold_ns, run, skip);
		for (int c = 0; !err && c < n->ncm; c++)
			err = meter_results(s, &n->cm[c], n->lock_threshold_ns,
					    run, skip);
	}
	free(run);
	free(skip);
	return err;
}

const char *sim_role(const struct sim *s, const struct sim_node *n)
{
	(void)s;
	if (!n->up)
		return "down";
	if (n->guest || n->vmreader)
		return "vm";
	if (n->gm == n->index)
		return "gm";
	return n->nports > 1 ? "bc" : "oc";
}
