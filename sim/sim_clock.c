/* sim/sim_clock.c — simulated oscillators (see sim_clock.h). */
#include "sim/sim_clock.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/tmv.h"

void sim_clock_model_default(struct sim_clock_model *m)
{
	memset(m, 0, sizeof(*m));
	m->tick_ns = NS_PER_SEC;
	m->max_adj_ppb = 62500000.0; /* an Intel i210's range, 6.25 % */
	m->freq_res_ppb = 0.0;
	m->step_res_ns = 1;
}

void sim_clock_init(struct sim_clock *c, const struct sim_clock_model *m,
		    int64_t epoch_ns, uint64_t seed)
{
	double off = m->offset_ns, whole = floor(off);

	memset(c, 0, sizeof(*c));
	c->m = *m;
	if (c->m.tick_ns < 1000)
		c->m.tick_ns = 1000;
	if (c->m.step_res_ns < 1)
		c->m.step_res_ns = 1;
	sim_rng_seed(&c->rng, seed);
	c->epoch_ns = epoch_ns;
	c->t0 = 0;
	c->base = epoch_ns + (int64_t)whole;
	c->frac = off - whole;
	c->next_tick = c->m.tick_ns;
	c->last_step_t = -1;
}

/* The sinusoid's contribution to the reading over [a, b], ns. */
static double sine_integral(const struct sim_clock *c, int64_t a, int64_t b)
{
	double p = c->m.temp_period_s * 1e9, w;

	if (!(p > 0.0) || c->m.temp_amp == 0.0)
		return 0.0;
	w = 2.0 * M_PI / p;
	return c->m.temp_amp / w *
	       (cos(w * (double)a + c->m.temp_phase) -
		cos(w * (double)b + c->m.temp_phase));
}

static double rate_no_sine(const struct sim_clock *c)
{
	return c->m.freq + c->rw + c->wn + c->extra + c->adj;
}

/* Move the integration point to t1 (no noise tick in between). */
static void integrate(struct sim_clock *c, int64_t t1)
{
	int64_t dt = t1 - c->t0;
	double x, whole;

	if (dt == 0)
		return;
	x = c->frac + (double)dt * rate_no_sine(c) +
	    sine_integral(c, c->t0, t1);
	whole = floor(x);
	c->base += dt + (int64_t)whole;
	c->frac = x - whole;
	c->t0 = t1;
}

static void noise_tick(struct sim_clock *c)
{
	double tick_s = (double)c->m.tick_ns / 1e9;
	double g1 = sim_rand_gauss(&c->rng), g2 = sim_rand_gauss(&c->rng);

	/* both drawn always: the stream does not depend on the settings */
	c->rw += c->m.wander * sqrt(tick_s) * g1;
	c->wn = c->m.white * g2;
}

static void advance(struct sim_clock *c, int64_t t)
{
	while (c->next_tick <= t) {
		integrate(c, c->next_tick);
		noise_tick(c);
		c->next_tick += c->m.tick_ns;
	}
	if (t > c->t0)
		integrate(c, t);
}

int64_t sim_clock_read(struct sim_clock *c, int64_t t, double *frac)
{
	int64_t dt;
	double x, whole;

	if (t >= c->t0) {
		advance(c, t);
		if (frac)
			*frac = c->frac;
		return c->base;
	}
	/* before the integration point: extrapolate back */
	dt = t - c->t0;
	x = c->frac + (double)dt * rate_no_sine(c) +
	    sine_integral(c, c->t0, t);
	whole = floor(x);
	if (frac)
		*frac = x - whole;
	return c->base + dt + (int64_t)whole;
}

double sim_clock_diff(struct sim_clock *c, int64_t t, int64_t ref)
{
	double frac;
	int64_t r = sim_clock_read(c, t, &frac);

	return (double)(r - ref) + frac;
}

double sim_clock_rate(struct sim_clock *c, int64_t t)
{
	double p = c->m.temp_period_s * 1e9, s = 0.0;

	if (t >= c->t0)
		advance(c, t);
	if (p > 0.0 && c->m.temp_amp != 0.0)
		s = c->m.temp_amp *
		    sin(2.0 * M_PI * (double)t / p + c->m.temp_phase);
	return rate_no_sine(c) + s;
}

int sim_clock_adjfreq(struct sim_clock *c, int64_t t, double ppb)
{
	double q = ppb;

	if (!isfinite(ppb) || fabs(ppb) > c->m.max_adj_ppb)
		return -ERANGE;
	advance(c, t);
	if (c->m.freq_res_ppb > 0.0)
		q = round(ppb / c->m.freq_res_ppb) * c->m.freq_res_ppb;
	c->adj = q * 1e-9;
	c->adj_ppb = ppb;
	c->n_adj++;
	return 0;
}

void sim_clock_step(struct sim_clock *c, int64_t t, int64_t delta_ns)
{
	int64_t r = c->m.step_res_ns, q = delta_ns;

	advance(c, t);
	if (r > 1)
		q = (int64_t)llround((double)delta_ns / (double)r) * r;
	c->base += q;
	c->n_steps++;
	c->last_step_t = t;
}

void sim_clock_jump(struct sim_clock *c, int64_t t, int64_t delta_ns)
{
	advance(c, t);
	c->base += delta_ns;
}

void sim_clock_freq_step(struct sim_clock *c, int64_t t, double df)
{
	advance(c, t);
	c->extra += df;
}

/* ---- the hwclock ops ---- */

static struct sim_hwclock *sh_of(struct hwclock *c)
{
	return (struct sim_hwclock *)c;
}

static int sh_gettime(struct hwclock *c, int64_t *ns, int64_t *pre,
		      int64_t *post)
{
	struct sim_hwclock *h = sh_of(c);
	int64_t s, d = h->rd.delay_ns;

	*ns = sim_clock_read(h->clk, *h->now, NULL);
	if (pre || post) {
		s = sim_clock_read(h->sys, *h->now, NULL);
		if (pre)
			*pre = s - d / 2;
		if (post)
			*post = s + (d - d / 2);
	}
	return 0;
}

static int sh_adjfreq(struct hwclock *c, double ppb)
{
	struct sim_hwclock *h = sh_of(c);

	return sim_clock_adjfreq(h->clk, *h->now, ppb);
}

static int sh_getfreq(struct hwclock *c, double *ppb)
{
	*ppb = sh_of(c)->clk->adj_ppb;
	return 0;
}

static int sh_step(struct hwclock *c, int64_t delta_ns)
{
	struct sim_hwclock *h = sh_of(c);

	sim_clock_step(h->clk, *h->now, delta_ns);
	return 0;
}

static int sh_sys_offset(struct hwclock *c, int readings,
			 struct hwclock_sysoff *out)
{
	struct sim_hwclock *h = sh_of(c);
	int64_t now = *h->now, s = sim_clock_read(h->sys, now, NULL);
	double off;

	(void)readings;
	out->sys_ns = s;
	if (h->clk == h->sys) {
		out->offset_ns = 0;
		out->delay_ns = 0;
		out->method = HWCLOCK_READ_SELF;
		return 0;
	}
	off = sim_clock_diff(h->clk, now, s) + (double)h->rd.asym_ns +
	      h->rd.jitter_ns * sim_rand_gauss(&h->rng);
	out->offset_ns = (int64_t)llround(off);
	out->delay_ns = h->rd.delay_ns;
	out->method = h->rd.delay_ns ? HWCLOCK_READ_EXTENDED
				     : HWCLOCK_READ_PRECISE;
	return 0;
}

static int sh_set_leap(struct hwclock *c, int leap)
{
	(void)c;
	return leap >= -1 && leap <= 1 ? 0 : -EINVAL;
}

static const struct hwclock_ops sim_hwclock_ops = {
	.gettime = sh_gettime,
	.adjfreq = sh_adjfreq,
	.getfreq = sh_getfreq,
	.step = sh_step,
	.sys_offset = sh_sys_offset,
	.set_leap = sh_set_leap,
	.close = NULL,
};

void sim_hwclock_init(struct sim_hwclock *h, const char *name,
		      struct sim_clock *clk, struct sim_clock *sys,
		      const int64_t *now, const struct sim_sysread *rd,
		      uint64_t seed)
{
	memset(h, 0, sizeof(*h));
	h->hw.ops = &sim_hwclock_ops;
	snprintf(h->hw.name, sizeof(h->hw.name), "sim:%s", name);
	h->hw.max_adj_ppb = clk->m.max_adj_ppb;
	h->hw.phc_index = -1;
	h->clk = clk;
	h->sys = sys ? sys : clk;
	h->now = now;
	if (rd)
		h->rd = *rd;
	sim_rng_seed(&h->rng, seed);
}
