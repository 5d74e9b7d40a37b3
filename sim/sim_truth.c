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
 * Time error of node i at true time t: reading of i's disciplined clock
 * minus the reading of the grandmaster's (or, for a node with a
 * reference, of the reference node's, whatever the topology: holdover
 * is measured against the grandmaster that went away), both from the
 * simulator's clock models (plus the UTC offset when i keeps UTC under a
 * grandmaster on the PTP timescale, as the protocol intends).  Frequency error: the rates'
 * difference, ppb.
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

		if (!n->up || n->set.clock.slave_only)
			continue;
		if (best[r] < 0 || ds_cmp(n, &s->nodes[best[r]]) < 0)
			best[r] = i;
	}
	for (int i = 0; i < s->nnodes; i++)
		s->nodes[i].gm = s->nodes[i].up ? best[uf_find(uf, i)] : -1;
	hops(s);
	s->topo_dirty = false;
}

/* ---- samples ---- */

/* What node i should read relative to gm g: -UTC offset when i keeps UTC
 * and g's time is on the PTP timescale (the core converts), else 0. */
static double expected_shift(const struct sim_node *i, const struct sim_node *g)
{
	const struct bc_clock_cfg *gc = &g->set.clock;
	int off;

	if (!i->keeps_utc || g->keeps_utc || !gc->ptp_timescale)
		return 0.0;
	off = gc->utc_offset_valid ? gc->utc_offset : i->set.clock.utc_offset;
	return -(double)off * 1e9;
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

static void sample_node(struct sim *s, struct sim_node *n, struct sim_pt *pt)
{
	struct sim_node *g;
	double fi, fg;
	int64_t ri, rg;
	enum servo_state st;
	uint64_t steps = n->dclk->n_steps - n->steps_seen;

	memset(pt, 0, sizeof(*pt));
	pt->steps = steps > 255 ? 255 : (uint8_t)steps;
	n->steps_seen = n->dclk->n_steps;
	pt->te_ns = -1.0f;
	if (!n->up || n->gm < 0)
		return;
	pt->flags = SIM_PT_VALID;
	sample_reports(n, pt);
	if (n->gm == n->index && n->ref < 0) {
		pt->flags |= SIM_PT_GM | SIM_PT_SERVO_LOCKED;
		return;
	}
	/* a reference, when given, is the truth whatever the topology */
	g = &s->nodes[n->ref >= 0 ? n->ref : n->gm];
	ri = sim_clock_read(n->dclk, s->now, &fi);
	rg = sim_clock_read(g->dclk, s->now, &fg);
	pt->err_ns = (double)(ri - rg) + (fi - fg) - expected_shift(n, g);
	pt->ferr_ppb = (float)((sim_clock_rate(n->dclk, s->now) -
				sim_clock_rate(g->dclk, s->now)) *
			       1e9);
	st = disc_state(sim_node_disc(n));
	if (st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE)
		pt->flags |= SIM_PT_SERVO_LOCKED;
}

void sim_truth_sample(struct sim *s)
{
	int k = s->npts;

	if (k >= s->cap_pts)
		return;
	for (int i = 0; i < s->nnodes; i++)
		sample_node(s, &s->nodes[i], &s->nodes[i].pts[k]);
	s->npts++;
	if (s->csv)
		sim_csv_rows(s, s->csv);
}

/* ---- results ---- */

static bool pt_good(const struct sim_node *n, const struct sim_pt *p)
{
	if (!(p->flags & SIM_PT_VALID))
		return false;
	if (p->flags & SIM_PT_GM)
		return true;
	return (p->flags & SIM_PT_SERVO_LOCKED) &&
	       fabs(p->err_ns) <= (double)n->lock_threshold_ns;
}

/* run[k]: good samples in a row from k on. */
static void good_runs(const struct sim *s, const struct sim_node *n,
		      int *run)
{
	run[s->npts] = 0;
	for (int k = s->npts - 1; k >= 0; k--)
		run[k] = pt_good(n, &n->pts[k]) ? run[k + 1] + 1 : 0;
}

/* First sample at or after k0 that starts a hold (not as GM when
 * not_gm), or -1. */
static int first_hold(const struct sim *s, const struct sim_node *n,
		      const int *run, int k0, bool not_gm)
{
	int need = (int)(s->lock_hold_ns / s->sample_ns) + 1;

	for (int k = k0; k < s->npts; k++) {
		if (not_gm && (n->pts[k].flags & SIM_PT_GM))
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
static void transitions(struct sim *s, struct sim_node *n, const int *run,
			bool *skip)
{
	struct sim_result *r = &n->res;
	int win = (int)(s->transition_ns / s->sample_ns);

	r->worst_relock_ns = 0;
	r->worst_transition_ns = 0.0;
	for (int a = 0; a < s->nacts; a++) {
		int ka = sample_index(s, s->acts[a].at);
		int kr = first_hold(s, n, run, ka, false);
		int end = kr < 0 ? s->npts : kr;
		double mx = 0.0;
		int64_t rel = kr < 0 ? -1 : (int64_t)kr * s->sample_ns -
						   s->acts[a].at;

		for (int k = ka; k < end; k++)
			skip[k] = true;
		if (end < ka + win)
			end = ka + win < s->npts ? ka + win : s->npts;
		for (int k = ka; k < end; k++) {
			if (is_measured(&n->pts[k]) &&
			    fabs(n->pts[k].err_ns) > mx)
				mx = fabs(n->pts[k].err_ns);
		}
		s->relock[a * s->nnodes + n->index] = rel;
		s->trans_max[a * s->nnodes + n->index] = mx;
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
static void steady(const struct sim *s, struct sim_node *n, int k0,
		   int settle, const bool *skip)
{
	struct sim_result *r = &n->res;
	double sq = 0.0, fsq = 0.0, lsq = 0.0, e;
	uint64_t ln = 0;

	for (int k = k0; k < s->npts; k++) {
		const struct sim_pt *p = &n->pts[k];

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

static void node_results(struct sim *s, struct sim_node *n, int *run,
			 bool *skip)
{
	struct sim_result *r = &n->res;
	int kl;

	memset(r, 0, sizeof(*r));
	for (int k = 0; k < s->npts; k++)
		r->measured |= is_measured(&n->pts[k]);
	r->steps = n->dclk->n_steps;
	if (!r->measured || s->npts == 0)
		return;
	good_runs(s, n, run);
	memset(skip, 0, (size_t)s->npts * sizeof(*skip));
	transitions(s, n, run, skip);
	r->locked_at_end = pt_good(n, &n->pts[s->npts - 1]);
	kl = first_hold(s, n, run, 0, true);
	if (kl < 0)
		return;
	r->locked = true;
	r->lock_t = (int64_t)kl * s->sample_ns;
	steady(s, n, kl, (int)(s->settle_ns / s->sample_ns), skip);
}

int sim_truth_results(struct sim *s)
{
	size_t na = (size_t)(s->nacts ? s->nacts : 1) * (size_t)s->nnodes;
	int *run = malloc(((size_t)s->npts + 1) * sizeof(*run));
	bool *skip = malloc(((size_t)s->npts + 1) * sizeof(*skip));
	int err = 0;

	s->relock = calloc(na, sizeof(*s->relock));
	s->trans_max = calloc(na, sizeof(*s->trans_max));
	if (run && skip && s->relock && s->trans_max) {
		for (int i = 0; i < s->nnodes; i++)
			node_results(s, &s->nodes[i], run, skip);
	} else {
		err = -ENOMEM;
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
	if (n->gm == n->index)
		return "gm";
	return n->nports > 1 ? "bc" : "oc";
}
