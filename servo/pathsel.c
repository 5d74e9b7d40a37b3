/*
 * servo/pathsel.c — settled path delays and packet selection (see
 * pathsel.h).
 */
#include "servo/pathsel.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Settled delays before their median replaces the held core delay: one
 * measurement alone can be far off. */
#define PSEL_MIN_DELAYS 1
/* Slack of the plausibility check of the least-delay estimate. */
#define PSEL_SLACK_NS 100.0
/* Innovations beyond this many standard deviations keep a Sync's delays
 * out of the windows. */
#define PSEL_CONS_SD 5.0
/* So many in a row start the windows again. */
#define PSEL_BAD_RUN 4

void psel_cfg_default(struct psel_cfg *c)
{
	c->mode = PSEL_NONE;
	c->window = 8;
	c->keep = 4;
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

/* How many of the ring's smallest count, scaled while it fills up. */
static int keep_of(const struct psel *p, const struct psel_ring *r)
{
	int k = (p->cfg.keep * r->n + p->cfg.window - 1) / p->cfg.window;

	return k < 1 ? 1 : k;
}

/* The weight of a delay e beyond the k-th smallest: R / (R + e^2); with
 * R unknown, 1 up to the k-th smallest and 0 beyond. */
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

/* The weighted mean of the ring (the weights the servo will give), and
 * its k-th smallest, both over the plausible values. */
static double ring_wmean(const struct psel *p, const struct psel_ring *r,
			 double meas_var, double *kth)
{
	int64_t s[PSEL_MAX_WINDOW];
	int k = keep_of(p, r), n = ring_sorted(r, s), lo = 0;
	double fence = low_fence(s, n), sw = 0.0, sv = 0.0, w;

	while (lo < n - 1 && (double)s[lo] < fence)
		lo++;
	if (lo + k > n)
		k = n - lo;
	*kth = (double)s[lo + k - 1];
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
}

void psel_stepped(struct psel *p)
{
	p->settled = false;
	p->have_prev = false;
	ring_clear(&p->dly);
	ring_clear(&p->fwd);
	ring_clear(&p->rev);
	/* the delay last used is held until new ones settle */
	p->basis = PSEL_B_CORE;
}

void psel_reset(struct psel *p)
{
	psel_stepped(p);
	p->have_base = false;
}

void psel_verdict(struct psel *p, bool settled)
{
	p->settled = settled;
}

/*
 * Does this Sync agree with the servo's prediction?  Queueing only delays:
 * a Sync earlier than predicted by more than PSEL_CONS_SD standard
 * deviations of the measurement noise was measured against a master that
 * moved (or a prediction that is off); its delays stay out of the
 * windows.  *late: later than that, which is normal now and then.
 */
static bool psel_consistent(const struct psel *p, const struct psel_in *in,
			    bool *late)
{
	double innov, lim;

	*late = false;
	if (!(in->meas_var > 0.0))
		return true;
	innov = (double)(in->ms_ns - p->core_asym - p->last_delay) -
		in->xpred_ns;
	lim = PSEL_CONS_SD * sqrt(in->meas_var) + PSEL_SLACK_NS;
	*late = innov > lim;
	return innov >= -lim;
}

static void psel_learn(struct psel *p, const struct psel_in *in)
{
	bool sel = p->cfg.mode == PSEL_SELECT, late;
	bool cons = psel_consistent(p, in, &late);
	int64_t a = p->core_asym, w = p->cfg.window;

	/* a delay is taken with the previous Sync and a Delay_Req since:
	 * both Syncs must agree with the prediction */
	if (p->settled && p->have_prev && p->prev_cons && cons &&
	    in->raw_delay_ns != p->prev_raw) {
		ring_push(&p->dly, in->raw_delay_ns, (int)w);
		p->delays++;
		/* t4 - t3 = 2 delay - (t2 - t1) of the Sync it was paired
		 * with; + asymmetry + the offset predicted then */
		if (sel)
			ring_push(&p->rev,
				  2 * in->raw_delay_ns - p->prev_ms + a +
					  llround(p->prev_xp),
				  (int)w);
	}
	p->cur_rf = in->ms_ns - a - llround(in->xpred_ns);
	if (sel && p->settled && cons)
		ring_push(&p->fwd, p->cur_rf, (int)w);
	p->bad_run = cons ? 0 : p->bad_run + 1;
	p->late_run = late ? p->late_run + 1 : 0;
	p->prev_cons = cons;
	p->prev_ms = in->ms_ns;
	p->prev_raw = in->raw_delay_ns;
	p->prev_xp = in->xpred_ns;
	p->have_prev = true;
}

/* Enough of both directions for the least-delay estimate. */
static bool psel_lucky(const struct psel *p)
{
	return p->cfg.mode == PSEL_SELECT && p->rev.n >= p->cfg.window &&
	       p->fwd.n >= p->cfg.window;
}

/* The delay to use now, and its basis. */
static double psel_delay(struct psel *p, enum psel_basis *basis,
			 double meas_var, double *excess)
{
	double lf, lr, kth, kth_r;

	*excess = 0.0;
	if (psel_lucky(p)) {
		lf = ring_wmean(p, &p->fwd, meas_var, &kth);
		lr = ring_wmean(p, &p->rev, meas_var, &kth_r);
		*basis = PSEL_B_SELECT;
		if ((double)p->cur_rf > kth)
			*excess = (double)p->cur_rf - kth;
		return 0.5 * (lf + lr);
	}
	if (p->dly.n >= PSEL_MIN_DELAYS || p->dly.n >= p->cfg.window) {
		*basis = PSEL_B_MEDIAN;
		return ring_median(&p->dly);
	}
	*basis = PSEL_B_CORE;
	return (double)p->last_delay;
}

/* Syncs keep disagreeing with the delays in the windows (PSEL_BAD_RUN
 * impossibly early in a row, or a window's worth late): the path (or the
 * master, or our idea of it) changed.  Start the windows again, from the
 * core's delay now. */
static void psel_restart(struct psel *p, const struct psel_in *in,
			 struct psel_out *out)
{
	psel_stepped(p);
	p->bad_run = p->late_run = 0;
	out->rebase_ns += (double)p->last_delay - (double)in->path_delay_ns;
	p->last_delay = in->path_delay_ns;
	p->restarts++;
}

void psel_sample(struct psel *p, const struct psel_in *in,
		 struct psel_out *out)
{
	enum psel_basis basis;
	double delay;

	out->offset_ns = in->offset_ns;
	out->excess_ns = 0.0;
	out->rebase_ns = 0.0;
	out->delay_ns = in->path_delay_ns;
	if (p->cfg.mode == PSEL_NONE || !in->have_ms)
		return;
	p->core_asym = in->ms_ns - in->path_delay_ns - in->offset_ns;
	if (!p->have_base) {
		/* no settled delay yet: hold the first one the servo saw,
		 * so that the core's unsettled ones do not move the offsets */
		p->have_base = true;
		p->last_delay = in->path_delay_ns;
	}
	psel_learn(p, in);
	if (p->bad_run >= PSEL_BAD_RUN || p->late_run >= p->cfg.window)
		psel_restart(p, in, out);
	delay = psel_delay(p, &basis, in->meas_var, &out->excess_ns);
	/* while the median's window fills, each new delay is a better
	 * estimate rather than noise: a change of basis too */
	if (basis != p->basis ||
	    (basis == PSEL_B_MEDIAN && p->dly.n < p->cfg.window &&
	     llround(delay) != p->last_delay)) {
		/* a better estimate is not a clock movement: the servo's
		 * phase (and the predictions in the windows) move by the
		 * difference */
		double r = (double)p->last_delay - delay;

		p->basis = basis;
		out->rebase_ns += r;
		ring_add(&p->fwd, -llround(r));
		ring_add(&p->rev, llround(r));
		p->prev_xp += r;
	}
	p->last_delay = llround(delay);
	out->delay_ns = p->last_delay;
	out->offset_ns = in->ms_ns - p->core_asym - p->last_delay;
}
