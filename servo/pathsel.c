/*
 * servo/pathsel.c — settled path delays and packet selection (see
 * pathsel.h).
 */
#include "servo/pathsel.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Slack of the plausibility check of the least-delay estimate. */
#define PSEL_SLACK_NS 100.0
/* Innovations beyond this many standard deviations keep a Sync's delays
 * out of the windows. */
#define PSEL_CONS_SD 5.0
/* So many in a row start the windows again. */
#define PSEL_BAD_RUN 4
/* A clock step: one direction this many times the consistency limit
 * early, the other about as much late (see psel_step_seen; at one limit
 * the queueing of 1 us exponential jitter alone can look like one). */
#define PSEL_STEP_LIMS 10.0
/* The samples counted for the rate ratio: halved (both directions) when
 * the larger count reaches this. */
#define PSEL_RATE_SPAN 1024.0
/* The ratio is known from so many samples of each direction on, and it
 * is rounded down to a power of two unless within 2^PSEL_RATE_HYST of the
 * next one: the Delay_Req intervals are random (uniform up to twice the
 * mean), and few of them could make 1:1 look like 2:1. */
#define PSEL_RATE_MIN 16.0
#define PSEL_RATE_HYST 0.25
/* Inputs beyond this (about 52 days in ns) pass through unfiltered: the
 * sums below cannot overflow. */
#define PSEL_MAX_NS 4503599627370496.0

void psel_cfg_default(struct psel_cfg *c)
{
	c->mode = PSEL_NONE;
	c->window = 32;
	c->keep = 16;
	c->two_way = false;
}

int psel_cfg_check(const struct psel_cfg *c)
{
	if ((unsigned)c->mode > PSEL_SELECT || c->window < 1 ||
	    c->window > PSEL_MAX_WINDOW || c->keep < 1 || c->keep > c->window)
		return -EINVAL;
	return 0;
}

static void ring_clear(struct psel_ring *r)
{
	r->n = 0;
	r->next = 0;
}

static void ring_push(struct psel_ring *r, int64_t v, int window)
{
	r->v[r->next] = v;
	r->next = (r->next + 1) % window;
	if (r->n < window)
		r->n++;
}

/* The ring's capacity changes from old to cap: its newest values (up to
 * cap) in order from v[0], so that ring_push(.., cap) goes on from them. */
static void ring_fit(struct psel_ring *r, int old, int cap)
{
	int64_t t[PSEL_MAX_WINDOW];
	int first = r->n < old ? 0 : r->next, m = r->n < cap ? r->n : cap;

	if (old == cap)
		return;
	for (int i = 0; i < r->n; i++)
		t[i] = r->v[(first + i) % old];
	memcpy(r->v, t + (r->n - m), sizeof(t[0]) * (size_t)m);
	r->n = m;
	r->next = m % cap;
}

static void ring_add(struct psel_ring *r, int64_t d)
{
	for (int i = 0; i < r->n; i++)
		r->v[i] += d;
}

/* The ring's values sorted into out; returns how many. */
static int ring_sorted(const struct psel_ring *r, int64_t *out)
{
	for (int i = 0; i < r->n; i++) {
		int64_t t = r->v[i];
		int j = i - 1;

		for (; j >= 0 && out[j] > t; j--)
			out[j + 1] = out[j];
		out[j + 1] = t;
	}
	return r->n;
}

static double ring_median(const struct psel_ring *r)
{
	int64_t s[PSEL_MAX_WINDOW];
	int n = ring_sorted(r, s);

	return n % 2 ? (double)s[n / 2]
		     : 0.5 * ((double)s[n / 2 - 1] + (double)s[n / 2]);
}

/* How many of the ring's smallest count: keep of every window (N)
 * values, so the same share of a ring that fills up or holds more than N
 * (the more frequent direction's). */
static int keep_of(const struct psel *p, const struct psel_ring *r)
{
	int k = (p->cfg.keep * r->n + p->cfg.window - 1) / p->cfg.window;

	return k < 1 ? 1 : k;
}

/* The weight of a delay e beyond the k-th smallest: R / (R + e^2).  With
 * R unknown, the windows' means count the k smallest only (weight 0
 * beyond); the servo is given full weight then (psel_out.weight: nothing
 * tells how much less a late sample is worth). */
static double psel_wt(double e, double r)
{
	if (!(e > 0.0))
		return 1.0;
	return r > 0.0 ? r / (r + e * e) : 0.0;
}

/* The lowest plausible value of a sorted window: below the first quartile
 * by more than three times the quartile's distance to the median (plus
 * the slack) lies no packet that queueing delayed less than the others,
 * only one measured against a clock that moved. */
static double low_fence(const int64_t *s, int n)
{
	double q1 = (double)s[n / 4], med = (double)s[n / 2];

	return q1 - 3.0 * (med - q1) - PSEL_SLACK_NS;
}

/* The ring sorted into s, less its implausible low values: returns how
 * many are left (from *lo on) and the k-th smallest of them in *kth. */
static int ring_plausible(const struct psel *p, const struct psel_ring *r,
			  int64_t *s, int *lo, double *kth)
{
	int k = keep_of(p, r), n = ring_sorted(r, s);
	double fence = low_fence(s, n);

	*lo = 0;
	while (*lo < n - 1 && (double)s[*lo] < fence)
		(*lo)++;
	if (*lo + k > n)
		k = n - *lo;
	*kth = (double)s[*lo + k - 1];
	return n;
}

/* The weighted mean of the ring (the weights the servo will give), and
 * its k-th smallest, both over the plausible values. */
static double ring_wmean(const struct psel *p, const struct psel_ring *r,
			 double meas_var, double *kth)
{
	int64_t s[PSEL_MAX_WINDOW];
	int lo, n = ring_plausible(p, r, s, &lo, kth);
	double sw = 0.0, sv = 0.0, w;

	for (int i = lo; i < n; i++) {
		w = psel_wt((double)s[i] - *kth, meas_var);
		sw += w;
		sv += w * (double)s[i];
	}
	return sv / sw;
}

void psel_init(struct psel *p, const struct psel_cfg *c)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *c;
	if (psel_cfg_check(&p->cfg))
		psel_cfg_default(&p->cfg);
	for (int i = 0; i < PSEL_NDIR; i++)
		p->way[i].cap = p->cfg.window;
}

void psel_stepped(struct psel *p)
{
	p->settled = false;
	p->have_raw = false;
	ring_clear(&p->dly);
	for (int i = 0; i < PSEL_NDIR; i++) {
		ring_clear(&p->way[i].ring);
		p->way[i].cons[0] = p->way[i].cons[1] = false;
	}
	/* the delay last used is held until new ones settle */
	p->basis = PSEL_B_CORE;
}

void psel_reset(struct psel *p)
{
	psel_stepped(p);
	p->have_base = false;
	p->ask = PSEL_ASK_IDLE;
	for (int i = 0; i < PSEL_NDIR; i++) {
		p->way[i].seen = false;
		p->way[i].count = 0.0;
		p->way[i].cap = p->cfg.window;
	}
}

void psel_verdict(struct psel *p, bool settled)
{
	p->settled = settled;
}

/* The sample's one-way delay, less the asymmetry and the offset the servo
 * predicted (so that the clock's movement cancels): a Sync measures
 * delay + asymmetry + x, a Delay_Req delay - asymmetry - x. */
static int64_t psel_way_value(const struct psel *p, const struct psel_in *in)
{
	int64_t xp = llround(in->xpred_ns);

	if (in->dir == PSEL_REV)
		return in->one_way_ns + p->core_asym + xp;
	return in->one_way_ns - p->core_asym - xp;
}

/* delayAsymmetry as the core applied it: offset = ms - D - asym for a
 * Sync, (D - asym) - sm for a Delay_Req exchange. */
static int64_t psel_asym(const struct psel_in *in)
{
	if (in->dir == PSEL_REV)
		return in->path_delay_ns - in->one_way_ns - in->offset_ns;
	return in->one_way_ns - in->path_delay_ns - in->offset_ns;
}

/*
 * Does this sample agree with the servo's prediction?  Its value (the
 * one-way delay less the predicted offset) is compared with the weighted
 * mean of its direction's window: queueing only delays, so a value below
 * that by more than PSEL_CONS_SD standard deviations of the measurement
 * noise was measured against a master that moved (or a prediction that
 * is off); its delays stay out of the windows.  *late: above it by that
 * much, which is normal now and then.  An empty window compares with the
 * delay in use where that is the direction's basis (the Syncs of a
 * one-way servo, whose phase absorbs the delay's error), and otherwise
 * with nothing: consistent.
 */
static bool psel_consistent(const struct psel *p, const struct psel_way *w,
			    double meas_var, bool *late, double *innov,
			    double *lim)
{
	double ref, kth;

	*late = false;
	*innov = *lim = 0.0;
	if (!(meas_var > 0.0))
		return true;
	if (w->ring.n)
		ref = ring_wmean(p, &w->ring, meas_var, &kth);
	else if (!p->cfg.two_way && w == &p->way[PSEL_FWD])
		ref = (double)p->last_delay; /* the servo's basis */
	else
		return true;
	*innov = (double)w->cur - ref;
	*lim = PSEL_CONS_SD * sqrt(meas_var) + PSEL_SLACK_NS;
	*late = *innov > *lim;
	return *innov >= -*lim;
}

/* A value of direction dir as it would have read without a clock step of
 * step_ns (the offsets read step_ns more): the Syncs' values (one way
 * less the prediction) came step_ns late, the exchanges' as early. */
static int64_t psel_unstep(enum psel_dir dir, int64_t v, int64_t step_ns)
{
	return dir == PSEL_FWD ? v - step_ns : v + step_ns;
}

/*
 * Was the clock stepped?  This sample (of direction dir, its innovation
 * innov against its window, lim its consistency limit) and the last one
 * of the other direction are both far off (more than PSEL_STEP_LIMS
 * limits), one early and the other late by about as much (within two
 * limits, or an eighth of it): the clock moved, since a path that
 * changed moves the two directions' values alike or one alone, never
 * oppositely.  Unless the two windows themselves lie apart by about
 * that much: then they were filled while the servo's prediction was off
 * (its error moves the two directions' values oppositely too), and the
 * samples agree with the servo, not with them; the windows start again
 * as they would have (psel_restart_due).  *step_ns: how much more the
 * offsets read now (half the difference: the two directions' queueing
 * partly cancels).
 */
static bool psel_step_seen(const struct psel *p, enum psel_dir dir,
			   double innov, double lim, double meas_var,
			   int64_t *step_ns)
{
	const struct psel_way *o = &p->way[1 - dir];
	double big = PSEL_STEP_LIMS * lim, s, tol, kth, apart;

	if (!(lim > 0.0) || !o->seen || !o->ring.n ||
	    fabs(innov) <= big || fabs(o->innov) <= big ||
	    innov * o->innov >= 0.0)
		return false;
	s = dir == PSEL_FWD ? 0.5 * (innov - o->innov)
			    : 0.5 * (o->innov - innov);
	tol = fmax(2.0 * lim, fabs(s) / 8.0);
	apart = ring_wmean(p, &p->way[PSEL_FWD].ring, meas_var, &kth) -
		ring_wmean(p, &p->way[PSEL_REV].ring, meas_var, &kth);
	if (fabs(innov + o->innov) > tol || fabs(0.5 * apart) > tol)
		return false;
	*step_ns = llround(s);
	return true;
}

/* The clock was stepped by step_ns (psel_step_seen): the values of the
 * other direction's run that went into its window, and both directions'
 * last values, as they would have read without it; nothing since the
 * step counts as agreeing (no delay is taken until two Syncs agree
 * again: the core's delays straddle the step) or as a run. */
static void psel_unstepped(struct psel *p, int64_t step_ns)
{
	for (int i = 0; i < PSEL_NDIR; i++) {
		struct psel_way *w = &p->way[i];
		struct psel_ring *r = &w->ring;

		for (int k = 1; k <= w->off_pushed && k <= r->n; k++) {
			int j = (r->next - k + w->cap) % w->cap;

			r->v[j] = psel_unstep(i, r->v[j], step_ns);
		}
		w->cur = psel_unstep(i, w->cur, step_ns);
		w->off_pushed = 0;
		w->innov = 0.0;
		w->cons[0] = w->cons[1] = false;
		w->bad_run = w->late_run = 0;
	}
	p->ask = PSEL_ASK_IDLE;
	p->steps_seen++;
}

/*
 * Ask for an exchange (psel_out.want_rev)?  A Sync far off (off) that a
 * window of exchanges could confirm as a clock step (psel_step_seen),
 * while the servo was settled (a step from outside, not a servo still
 * finding the clock), once per run of such Syncs: asked, the filter
 * waits for an exchange to finish (WAIT), then for a Sync that is not
 * far off (SPENT) before it asks again.  A finished exchange is what the
 * request was for: it ends the wait whether it confirmed a step or not.
 */
static bool psel_ask(struct psel *p, enum psel_dir dir, bool off)
{
	if (dir == PSEL_REV) {
		if (p->ask == PSEL_ASK_WAIT)
			p->ask = PSEL_ASK_SPENT;
		return false;
	}
	if (!off) {
		if (p->ask == PSEL_ASK_SPENT)
			p->ask = PSEL_ASK_IDLE;
		return false;
	}
	if (p->ask != PSEL_ASK_IDLE || !p->settled ||
	    !p->way[PSEL_REV].ring.n)
		return false;
	p->ask = PSEL_ASK_WAIT;
	p->asked++;
	return true;
}

/* A new unfiltered delay is taken with the Syncs before and after its
 * Delay_Req and the exchange itself: all must agree with the prediction
 * (the exchange only when the core reports exchanges: not with the peer
 * delay mechanism). */
static bool psel_delay_ok(const struct psel *p)
{
	const struct psel_way *f = &p->way[PSEL_FWD], *r = &p->way[PSEL_REV];

	return p->settled && f->cons[0] && f->cons[1] &&
	       (!r->seen || r->cons[0]);
}

/* Each direction's capacity: N for the rarer one, N times the ratio of
 * the rates (a power of two) for the other, at most PSEL_MAX_WINDOW; the
 * rings keep their newest values when it changes. */
static void psel_caps(struct psel *p)
{
	struct psel_way *w = p->way;
	double r;
	int cap;

	for (int i = 0; i < PSEL_NDIR; i++) {
		cap = p->cfg.window;
		if (w[i].count >= PSEL_RATE_MIN &&
		    w[1 - i].count >= PSEL_RATE_MIN) {
			r = exp2(floor(log2(w[i].count / w[1 - i].count) +
				       PSEL_RATE_HYST));
			if (r > 1.0)
				cap = r * cap <= PSEL_MAX_WINDOW
					      ? (int)(r * cap)
					      : PSEL_MAX_WINDOW;
		}
		ring_fit(&w[i].ring, w[i].cap, cap);
		w[i].cap = cap;
	}
}

/* One more sample of dir in the rate ratio (recent ones count: the
 * counts are halved as they grow). */
static void psel_count(struct psel *p, enum psel_dir dir)
{
	struct psel_way *w = p->way;

	w[dir].count += 1.0;
	if (w[dir].count >= PSEL_RATE_SPAN) {
		for (int i = 0; i < PSEL_NDIR; i++)
			w[i].count *= 0.5;
	}
	psel_caps(p);
}

/* The sample into its direction's window and agreement.  *step_ns: a
 * clock step it revealed (see psel_step_seen), 0 without; *ask: an
 * exchange wanted now (psel_ask). */
static void psel_learn(struct psel *p, const struct psel_in *in,
		       int64_t *step_ns, bool *ask)
{
	struct psel_way *w = &p->way[in->dir];
	bool late, cons, off;
	double innov, lim;

	*step_ns = 0;
	*ask = false;
	psel_count(p, in->dir);
	w->seen = true;
	w->cur = psel_way_value(p, in);
	cons = psel_consistent(p, w, in->meas_var, &late, &innov, &lim);
	if (psel_step_seen(p, in->dir, innov, lim, in->meas_var, step_ns)) {
		psel_unstepped(p, *step_ns);
		return;
	}
	off = lim > 0.0 && fabs(innov) > PSEL_STEP_LIMS * lim;
	*ask = psel_ask(p, in->dir, off);
	w->innov = innov;
	w->cons[1] = w->cons[0];
	w->cons[0] = cons;
	if (p->have_raw && in->raw_delay_ns != p->prev_raw &&
	    psel_delay_ok(p))
		ring_push(&p->dly, in->raw_delay_ns, p->cfg.window);
	p->prev_raw = in->raw_delay_ns;
	p->have_raw = true;
	if (p->settled && cons)
		ring_push(&w->ring, w->cur, w->cap);
	/* the far-off values in a row that went in (a step's, maybe) */
	w->off_pushed = !off ? 0 : w->off_pushed + (p->settled && cons);
	w->bad_run = cons ? 0 : w->bad_run + 1;
	w->late_run = late ? w->late_run + 1 : 0;
}

/* Enough of both directions for the least-delay estimate: N of each (a
 * window that grows past N as the rates become known only gets better;
 * waiting for it to fill would switch back to the median meanwhile). */
static bool psel_lucky(const struct psel *p)
{
	return p->cfg.mode == PSEL_SELECT &&
	       p->way[PSEL_FWD].ring.n >= p->cfg.window &&
	       p->way[PSEL_REV].ring.n >= p->cfg.window;
}

/* The delay to use now, and its basis; *excess: the sample's delay
 * beyond the k-th smallest of its direction. */
static double psel_delay(struct psel *p, enum psel_dir dir,
			 enum psel_basis *basis, double meas_var,
			 double *excess)
{
	double l[PSEL_NDIR], kth[PSEL_NDIR];

	*excess = 0.0;
	if (psel_lucky(p)) {
		for (int i = 0; i < PSEL_NDIR; i++)
			l[i] = ring_wmean(p, &p->way[i].ring, meas_var,
					  &kth[i]);
		*basis = PSEL_B_SELECT;
		if ((double)p->way[dir].cur > kth[dir])
			*excess = (double)p->way[dir].cur - kth[dir];
		return 0.5 * (l[PSEL_FWD] + l[PSEL_REV]);
	}
	/* one settled delay is better than the held one, which the core
	 * measured while the servo was not settled */
	if (p->dly.n > 0) {
		*basis = PSEL_B_MEDIAN;
		return ring_median(&p->dly);
	}
	*basis = PSEL_B_CORE;
	return (double)p->last_delay;
}

/* One direction keeps disagreeing with the delays in the windows
 * (PSEL_BAD_RUN impossibly early in a row, or a window's worth late): the
 * path (or the master, or our idea of it) changed.  Start the windows
 * again, from the core's delay now. */
static bool psel_restart_due(const struct psel *p)
{
	for (int i = 0; i < PSEL_NDIR; i++) {
		if (p->way[i].bad_run >= PSEL_BAD_RUN ||
		    p->way[i].late_run >= p->way[i].cap)
			return true;
	}
	return false;
}

static void psel_restart(struct psel *p, const struct psel_in *in,
			 struct psel_out *out)
{
	psel_stepped(p);
	for (int i = 0; i < PSEL_NDIR; i++)
		p->way[i].bad_run = p->way[i].late_run = 0;
	if (!p->cfg.two_way)
		out->rebase_ns += (double)p->last_delay -
				  (double)in->path_delay_ns;
	p->last_delay = in->path_delay_ns;
	p->ask = PSEL_ASK_IDLE;
	p->restarts++;
}

/* The delay moves from last_delay to delay (a better estimate, not a
 * clock movement).  A one-way servo's phase (and the predictions in the
 * windows) move by the difference; a two-way servo's do not (see the
 * header).  delay is already rounded as the offsets will use it, so the
 * servo moves by exactly what its offsets move. */
static void psel_move(struct psel *p, int64_t delay, struct psel_out *out)
{
	int64_t r = p->last_delay - delay;

	if (p->cfg.two_way)
		return;
	out->rebase_ns += (double)r;
	ring_add(&p->way[PSEL_FWD].ring, -r);
	ring_add(&p->way[PSEL_REV].ring, r);
}

static bool psel_in_range(const struct psel_in *in)
{
	return fabs((double)in->offset_ns) < PSEL_MAX_NS &&
	       fabs((double)in->path_delay_ns) < PSEL_MAX_NS &&
	       fabs((double)in->raw_delay_ns) < PSEL_MAX_NS &&
	       fabs((double)in->one_way_ns) < PSEL_MAX_NS &&
	       fabs(in->xpred_ns) < PSEL_MAX_NS;
}

void psel_sample(struct psel *p, const struct psel_in *in,
		 struct psel_out *out)
{
	enum psel_basis basis;
	double excess;
	int64_t delay;

	out->offset_ns = in->offset_ns;
	out->excess_ns = 0.0;
	out->weight = 1.0;
	out->rebase_ns = 0.0;
	out->step_ns = 0;
	out->delay_ns = in->path_delay_ns;
	out->want_rev = false;
	if (p->cfg.mode == PSEL_NONE || !in->have_one_way ||
	    (unsigned)in->dir >= PSEL_NDIR || !psel_in_range(in))
		return;
	p->core_asym = psel_asym(in);
	if (!p->have_base) {
		/* no settled delay yet: hold the first one the servo saw,
		 * so that the core's unsettled ones do not move the offsets */
		p->have_base = true;
		p->last_delay = in->path_delay_ns;
	}
	psel_learn(p, in, &out->step_ns, &out->want_rev);
	/* the servo's phase (and what it predicts) moves with the clock */
	out->rebase_ns += (double)out->step_ns;
	if (psel_restart_due(p))
		psel_restart(p, in, out);
	delay = llround(psel_delay(p, in->dir, &basis, in->meas_var, &excess));
	out->excess_ns = excess;
	if (in->meas_var > 0.0)
		out->weight = psel_wt(excess, in->meas_var);
	/* while the median's window fills, each new delay is a better
	 * estimate rather than noise: a change of basis too */
	if (basis != p->basis ||
	    (basis == PSEL_B_MEDIAN && p->dly.n < p->cfg.window &&
	     delay != p->last_delay)) {
		p->basis = basis;
		psel_move(p, delay, out);
	}
	p->last_delay = delay;
	out->delay_ns = p->last_delay;
	if (in->dir == PSEL_REV)
		out->offset_ns = p->last_delay - p->core_asym - in->one_way_ns;
	else
		out->offset_ns = in->one_way_ns - p->core_asym - p->last_delay;
}
