/*
 * servo/holdover.c — the holdover time error estimate and clockClass
 * (see holdover.h).
 */
#include "servo/holdover.h"

#include <errno.h>
#include <math.h>
#include <string.h>

void holdover_cfg_default(struct holdover_cfg *c)
{
	c->budget_ns = 0.0;
	c->limit_ns = 0.0;
	c->class_in_spec = 135;
	c->class_out_of_spec = 165;
	c->class_expired = 248;
}

int holdover_cfg_check(const struct holdover_cfg *c)
{
	if (!isfinite(c->budget_ns) || c->budget_ns < 0.0 ||
	    !isfinite(c->limit_ns) || c->limit_ns < 0.0)
		return -EINVAL;
	if (c->limit_ns > 0.0 && c->limit_ns < c->budget_ns)
		return -EINVAL;
	return 0;
}

static double nonneg(double v)
{
	return isfinite(v) && v > 0.0 ? v : 0.0;
}

int holdover_start(struct holdover *h, const struct servo_estimate *e,
		   int64_t t0_mono, double freq_then, int64_t now_mono,
		   double q)
{
	double run;

	memset(h, 0, sizeof(*h));
	if (!e || !e->valid || !isfinite(e->freq_ppb))
		return -ENODATA;
	h->t0_mono = t0_mono;
	h->entry_mono = now_mono > t0_mono ? now_mono : t0_mono;
	h->freq_ppb = e->freq_ppb;
	h->p00 = nonneg(e->phase_var);
	h->p11 = nonneg(e->freq_var);
	h->p01 = isfinite(e->cov) ? e->cov : 0.0;
	/* a covariance larger than the variances allow is not believed */
	if (h->p01 * h->p01 > h->p00 * h->p11)
		h->p01 = 0.0;
	h->q = nonneg(q);
	/* until the entry the clock ran at freq_then, which differs from the
	 * held frequency by the phase correction then under way */
	run = (double)(h->entry_mono - t0_mono) / 1e9;
	h->x_entry = (isfinite(e->phase_ns) ? e->phase_ns : 0.0) +
		     (isfinite(freq_then) ? freq_then - h->freq_ppb : 0.0) *
			     run;
	h->active = true;
	return 0;
}

void holdover_stop(struct holdover *h)
{
	h->active = false;
}

double holdover_te(const struct holdover *h, int64_t now_mono)
{
	double tau, var;

	if (!h->active)
		return -1.0;
	tau = (double)(now_mono - h->t0_mono) / 1e9;
	if (tau < 0.0)
		tau = 0.0;
	var = h->p00 + 2.0 * h->p01 * tau + h->p11 * tau * tau +
	      h->q * tau * tau * tau / 3.0;
	return fabs(h->x_entry) + HOLDOVER_COVERAGE * sqrt(nonneg(var));
}

double holdover_te_tracking(const struct servo_estimate *e)
{
	if (!e || !e->valid || !(e->phase_var >= 0.0))
		return -1.0;
	return fabs(e->phase_ns) + HOLDOVER_COVERAGE * sqrt(e->phase_var);
}

uint8_t holdover_class(const struct holdover_cfg *c, double te_ns)
{
	if (!(c->budget_ns > 0.0) || !(te_ns >= 0.0))
		return 0;
	if (te_ns <= c->budget_ns)
		return c->class_in_spec;
	if (c->limit_ns <= 0.0 || te_ns <= c->limit_ns)
		return c->class_out_of_spec;
	return c->class_expired;
}
