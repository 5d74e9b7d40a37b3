/*
 * servo/wander.c — wander (random-walk frequency noise) from window
 * averages of the free-running phase (see wander.h).
 */
#include "servo/wander.h"

#include <math.h>
#include <string.h>

/* E[dy^2] = WANDER_RW_COEF * q * tau for window averages of a phase whose
 * frequency is a random walk (integral of the second difference kernel). */
#define WANDER_RW_COEF 0.55
#define WANDER_Q_FLOOR 1e-6 /* ns^2/s^3: 1e-12 per sqrt(s) */

static const double wander_taus[WANDER_SCALES] = { 16.0, 64.0, 256.0 };

static void wander_update(struct wander_est *w);

void wander_init(struct wander_est *w, double prior_q)
{
	memset(w, 0, sizeof(*w));
	w->prior_q = isfinite(prior_q) && prior_q > 0.0 ? prior_q
							: WANDER_Q_FLOOR;
	for (int i = 0; i < WANDER_SCALES; i++)
		w->sc[i].tau_s = wander_taus[i];
	wander_update(w);
}

void wander_restart(struct wander_est *w)
{
	for (int i = 0; i < WANDER_SCALES; i++) {
		w->sc[i].open = false;
		w->sc[i].have = 0;
	}
}

/* Three windows in hand: one estimate of q. */
static void scale_triplet(struct wander_scale *c, double a2, double t2,
			  double v2)
{
	double h1 = c->tc[1] - c->tc[0], h2 = t2 - c->tc[1];
	double dy, white, tau;

	if (!(h1 > 0.0) || !(h2 > 0.0))
		return;
	dy = (a2 - c->a[1]) / h2 - (c->a[1] - c->a[0]) / h1;
	white = v2 / (h2 * h2) +
		c->var[1] * (1.0 / h1 + 1.0 / h2) * (1.0 / h1 + 1.0 / h2) +
		c->var[0] / (h1 * h1);
	tau = 0.5 * (h1 + h2);
	c->q_sum += (dy * dy - white) / (WANDER_RW_COEF * tau);
	c->white_sum += white;
	c->count++;
}

static void scale_close(struct wander_scale *c)
{
	double a = c->sum_x / c->n, tc = c->sum_t / c->n;
	double v = c->sum_r / ((double)c->n * c->n);

	if (c->have == 2)
		scale_triplet(c, a, tc, v);
	if (c->have == 2) {
		c->a[0] = c->a[1];
		c->tc[0] = c->tc[1];
		c->var[0] = c->var[1];
		c->have = 1;
	}
	c->a[c->have] = a;
	c->tc[c->have] = tc;
	c->var[c->have] = v;
	c->have++;
	c->open = false;
}

static void scale_add(struct wander_scale *c, double t, double x, double r)
{
	if (c->open && t - c->t_start >= c->tau_s) {
		if (c->n > 0)
			scale_close(c);
		c->open = false;
	}
	if (c->open && t < c->t_start) {
		c->open = false; /* time went back: start again */
		c->have = 0;
	}
	if (!c->open) {
		c->open = true;
		c->t_start = t;
		c->sum_t = c->sum_x = c->sum_r = 0.0;
		c->n = 0;
	}
	c->sum_t += t;
	c->sum_x += x;
	c->sum_r += r;
	c->n++;
}

void wander_add(struct wander_est *w, double t_s, double x_ns,
		double meas_var)
{
	bool changed = false;

	if (!isfinite(t_s) || !isfinite(x_ns))
		return;
	if (!isfinite(meas_var) || meas_var < 0.0)
		meas_var = 0.0;
	for (int i = 0; i < WANDER_SCALES; i++) {
		int count = w->sc[i].count;

		scale_add(&w->sc[i], t_s, x_ns, meas_var);
		changed |= w->sc[i].count != count;
	}
	if (changed)
		wander_update(w);
}

/*
 * Estimate and weight of one scale.  Each triplet's estimate is a scaled
 * chi-square with one degree of freedom: variance 2 (E[dy^2] / (c tau))^2.
 * E[dy^2] is taken from the model (white noise plus c q_ref tau, q_ref
 * the larger of the prior and the current estimate), not from the
 * observations: weights from observed magnitudes would favour the scales
 * that happened to come out small.  Neighbouring triplets share windows:
 * they count half.
 */
static bool scale_est(const struct wander_scale *c, double q_ref, double *q,
		      double *wt)
{
	double m, e;

	if (c->count < 1)
		return false;
	m = c->q_sum / c->count;
	e = (c->white_sum / c->count) / (WANDER_RW_COEF * c->tau_s) + q_ref;
	*q = m > 0.0 ? m : 0.0;
	*wt = 0.5 * c->count / (2.0 * e * e);
	return *wt > 0.0;
}

static void wander_combine(const struct wander_est *w, double *q,
			   double *sd)
{
	double q_ref = w->prior_q, qs, ws, sw, sq;

	/* twice: the second time with the first estimate as reference */
	for (int pass = 0; pass < 2; pass++) {
		sw = 1.0 / (2.0 * w->prior_q * w->prior_q);
		sq = w->prior_q * sw;
		for (int i = 0; i < WANDER_SCALES; i++) {
			if (!scale_est(&w->sc[i], q_ref, &qs, &ws))
				continue;
			sq += qs * ws;
			sw += ws;
		}
		*q = sq / sw;
		if (*q > q_ref)
			q_ref = *q;
	}
	if (*q < WANDER_Q_FLOOR)
		*q = WANDER_Q_FLOOR;
	*sd = 1.0 / sqrt(sw);
}

/* The estimate changes only when a scale completes a triplet: kept. */
static void wander_update(struct wander_est *w)
{
	double sd;

	wander_combine(w, &w->q, &sd);
	w->q_upper = w->q + 2.0 * sd;
}

double wander_q(const struct wander_est *w)
{
	return w->q;
}

double wander_q_upper(const struct wander_est *w)
{
	return w->q_upper;
}

int wander_count(const struct wander_est *w)
{
	for (int i = WANDER_SCALES - 1; i >= 0; i--) {
		if (w->sc[i].count > 0)
			return w->sc[i].count;
	}
	return 0;
}
