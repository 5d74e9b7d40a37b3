/* sim/sim_clock.c — simulated oscillators (see sim_clock.h). */
#include "sim/sim_clock.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/tmv.h"

#define K_NONE INT64_MAX
#define DAY_S 86400LL
/* The kernel's NTP_PHASE_LIMIT: maxerror and esterror stop at 16 s. */
#define K_PHASE_LIMIT_NS (16 * NS_PER_SEC)

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
	c->k.next = K_NONE;
	c->k.tai = -1;
}

void sim_clock_kernel_on(struct sim_clock *c)
{
	c->k.on = true;
	c->k.sync.synced = false;
	c->k.sync.maxerror_ns = K_PHASE_LIMIT_NS;
	c->k.sync.esterror_ns = K_PHASE_LIMIT_NS;
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

/* The reading at t1 from the integration point, not moving it. */
static int64_t peek(const struct sim_clock *c, int64_t t1, double *frac)
{
	int64_t dt = t1 - c->t0;
	double x = c->frac + (double)dt * rate_no_sine(c) +
		   sine_integral(c, c->t0, t1);
	double whole = floor(x);

	if (frac)
		*frac = x - whole;
	return c->base + dt + (int64_t)whole;
}

/* Move the integration point to t1 (no noise tick in between). */
static void integrate(struct sim_clock *c, int64_t t1)
{
	if (t1 == c->t0)
		return;
	c->base = peek(c, t1, &c->frac);
	c->t0 = t1;
}

/* ---- the kernel's leap second state machine ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t mod_day(int64_t s)
{
	return s - floor_div(s, DAY_S) * DAY_S;
}

/* When the state machine acts next, from the state and the reading. */
static void kern_plan(struct sim_clock *c)
{
	struct sim_kernel *k = &c->k;
	int64_t nb = (floor_div(c->base, NS_PER_SEC) + 1) * NS_PER_SEC;

	switch (k->state) {
	case SIM_K_OK:
		k->next = k->status ? nb : K_NONE;
		break;
	case SIM_K_LEAP:
		if (k->status != k->dir)
			k->next = nb; /* cancelled at the next boundary */
		else if (k->lost || k->leap_sec * NS_PER_SEC < nb)
			k->next = K_NONE; /* no instant (or jumped past it) */
		else
			k->next = k->leap_sec * NS_PER_SEC;
		break;
	case SIM_K_WAIT:
		k->next = k->status ? K_NONE : nb;
		break;
	}
}

static void kern_leap(struct sim_clock *c, int64_t t)
{
	struct sim_kernel *k = &c->k;

	c->base -= k->dir * NS_PER_SEC;
	if (k->nleaps < SIM_KERN_MAX_LEAPS) {
		k->leaps[k->nleaps].t = t;
		k->leaps[k->nleaps].dir = k->dir;
	}
	k->nleaps++;
	k->state = SIM_K_WAIT;
}

/* second_overflow() at the boundary the reading just reached (true t). */
static void kern_boundary(struct sim_clock *c, int64_t t)
{
	struct sim_kernel *k = &c->k;
	int64_t secs = floor_div(c->base, NS_PER_SEC);

	switch (k->state) {
	case SIM_K_OK:
		k->state = SIM_K_LEAP;
		k->dir = k->status;
		k->lost = false;
		/* STA_INS: the next midnight; STA_DEL: the second before */
		k->leap_sec = secs + DAY_S -
			      mod_day(k->dir > 0 ? secs : secs + 1);
		break;
	case SIM_K_LEAP:
		if (k->status != k->dir)
			k->state = SIM_K_OK;
		else if (secs == k->leap_sec)
			kern_leap(c, t);
		break;
	case SIM_K_WAIT:
		k->state = SIM_K_OK;
		break;
	}
	kern_plan(c);
}

/* Integrate to t1 (no noise tick in between), acting at each boundary the
 * kernel's state machine is waiting for on the way. */
static void seg_to(struct sim_clock *c, int64_t t1)
{
	while (c->k.next != K_NONE && t1 > c->t0 &&
	       peek(c, t1, NULL) >= c->k.next) {
		double need = (double)(c->k.next - c->base) - c->frac;
		double rate = 1.0 + rate_no_sine(c);
		int64_t tc = c->t0 + (int64_t)ceil(need / rate);

		/* the sinusoid is left out of the guess: walk on to it */
		for (int i = 0; i < 4 && c->base < c->k.next; i++) {
			if (tc > t1 || tc <= c->t0)
				tc = t1;
			integrate(c, tc);
			tc += c->k.next - c->base + 1;
		}
		if (c->base < c->k.next)
			integrate(c, t1);
		kern_boundary(c, c->t0);
	}
	integrate(c, t1);
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
		seg_to(c, c->next_tick);
		noise_tick(c);
		c->next_tick += c->m.tick_ns;
	}
	if (t > c->t0)
		seg_to(c, t);
}

int64_t sim_clock_read(struct sim_clock *c, int64_t t, double *frac)
{
	if (t >= c->t0) {
		advance(c, t);
		if (frac)
			*frac = c->frac;
		return c->base;
	}
	/* before the integration point: extrapolate back */
	return peek(c, t, frac);
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

/* ntp_clear(): what a step does to the kernel's state. */
static void kern_clear(struct sim_clock *c)
{
	struct sim_kernel *k = &c->k;

	if (!k->on)
		return;
	k->n_clear++;
	if (k->state == SIM_K_LEAP && k->status == k->dir && !k->lost) {
		k->lost = true;
		k->n_lost++;
	}
	k->sync.synced = false;
	k->sync.maxerror_ns = K_PHASE_LIMIT_NS;
	k->sync.esterror_ns = K_PHASE_LIMIT_NS;
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
	kern_clear(c);
	if (c->k.on)
		kern_plan(c);
}

void sim_clock_jump(struct sim_clock *c, int64_t t, int64_t delta_ns)
{
	advance(c, t);
	c->base += delta_ns;
	if (c->k.on)
		kern_plan(c);
}

void sim_clock_freq_step(struct sim_clock *c, int64_t t, double df)
{
	advance(c, t);
	c->extra += df;
}

int sim_clock_set_leap(struct sim_clock *c, int64_t t, int leap)
{
	if (!c->k.on)
		return -EOPNOTSUPP;
	if (leap < -1 || leap > 1)
		return -EINVAL;
	advance(c, t);
	c->k.n_set_leap++;
	c->k.status = leap;
	kern_plan(c);
	return 0;
}

/* ---- the hwclock ops ---- */

void sim_readmodel_default(struct sim_readmodel *rd)
{
	memset(rd, 0, sizeof(*rd));
	rd->best = HWCLOCK_READ_EXTENDED;
	rd->delay_ns = 1000;
	rd->jitter_ns = 100.0;
	rd->noise_ns = 0.0;
	rd->asym_ns = 0;
}

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

	if (h->read_only)
		return -EPERM;
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

	if (h->read_only)
		return -EPERM;
	sim_clock_step(h->clk, *h->now, delta_ns);
	return 0;
}

/* The method a reading takes: the one forced (hw.read_method) or the best
 * the driver has; a forced one the driver lacks is -EOPNOTSUPP. */
static int sh_method(const struct sim_hwclock *h, enum hwclock_read *m)
{
	enum hwclock_read want = h->hw.read_method;

	if (want == HWCLOCK_READ_AUTO) {
		*m = h->rd.best;
		return 0;
	}
	if (want == HWCLOCK_READ_SELF || want < h->rd.best ||
	    want >= HWCLOCK_READ_COUNT)
		return -EOPNOTSUPP;
	*m = want;
	return 0;
}

/*
 * The best of n windows (the shortest).  In a window the device latches a
 * after the system time read before it and the read after it comes b
 * later; the offset, read against the window's middle, errs by
 * (a - b) / 2.  a and b are half the fixed width each (the bias asym moves
 * the latch) plus exponential latencies; BASIC's interleaved reads take
 * a whole device read more: twice the width, two latencies per half.
 */
static void sh_windows(struct sim_hwclock *h, bool basic, int n,
		       double *width, double *err)
{
	double j = h->rd.jitter_ns, base = (double)h->rd.delay_ns;

	if (basic)
		base *= 2.0;
	*width = INFINITY;
	for (int i = 0; i < n; i++) {
		double e1 = sim_rand_exp(&h->rng, j), e2 = sim_rand_exp(&h->rng, j);

		if (basic) {
			e1 += sim_rand_exp(&h->rng, j);
			e2 += sim_rand_exp(&h->rng, j);
		}
		if (base + e1 + e2 < *width) {
			*width = base + e1 + e2;
			*err = (double)h->rd.asym_ns + (e1 - e2) / 2.0;
		}
	}
}

static int sh_sys_offset(struct hwclock *c, int readings,
			 struct hwclock_sysoff *out)
{
	struct sim_hwclock *h = sh_of(c);
	int64_t now = *h->now, s = sim_clock_read(h->sys, now, NULL);
	double err = 0.0, width = 0.0;
	enum hwclock_read m;
	int n = readings < 1 ? 1 : readings > 25 ? 25 : readings;

	out->sys_ns = s;
	if (h->clk == h->sys) {
		out->offset_ns = 0;
		out->delay_ns = 0;
		out->method = HWCLOCK_READ_SELF;
		return 0;
	}
	if (sh_method(h, &m) < 0)
		return -EOPNOTSUPP;
	if (m == HWCLOCK_READ_PRECISE)
		err = (double)h->rd.asym_ns +
		      h->rd.noise_ns * sim_rand_gauss(&h->rng);
	else
		sh_windows(h, m == HWCLOCK_READ_BASIC, n, &width, &err);
	out->offset_ns = (int64_t)llround(sim_clock_diff(h->clk, now, s) + err);
	out->delay_ns = (int64_t)llround(width);
	out->method = m;
	return 0;
}

static int sh_set_leap(struct hwclock *c, int leap)
{
	struct sim_hwclock *h = sh_of(c);

	if (h->read_only)
		return -EOPNOTSUPP;
	return sim_clock_set_leap(h->clk, *h->now, leap);
}

static int sh_set_tai(struct hwclock *c, int tai_offset_s)
{
	struct sim_kernel *k = &sh_of(c)->clk->k;

	if (!k->on || sh_of(c)->read_only)
		return -EOPNOTSUPP;
	if (tai_offset_s < 0 || tai_offset_s > 1000)
		return -EINVAL;
	k->tai = tai_offset_s;
	k->n_set_tai++;
	return 0;
}

/* As the kernel keeps them: whole us (rounded up), at most 16 s. */
static int64_t kern_us(int64_t ns)
{
	int64_t us = ns / 1000 + (ns % 1000 != 0);

	return us * 1000 > K_PHASE_LIMIT_NS ? K_PHASE_LIMIT_NS : us * 1000;
}

static int sh_set_sync(struct hwclock *c, const struct hwclock_sync *s)
{
	struct sim_kernel *k = &sh_of(c)->clk->k;

	if (!k->on || sh_of(c)->read_only)
		return -EOPNOTSUPP;
	if (s->maxerror_ns < 0 || s->esterror_ns < 0)
		return -EINVAL;
	k->sync.synced = s->synced;
	k->sync.maxerror_ns = kern_us(s->maxerror_ns);
	k->sync.esterror_ns = kern_us(s->esterror_ns);
	k->n_set_sync++;
	return 0;
}

static const struct hwclock_ops sim_hwclock_ops = {
	.gettime = sh_gettime,
	.adjfreq = sh_adjfreq,
	.getfreq = sh_getfreq,
	.step = sh_step,
	.sys_offset = sh_sys_offset,
	.set_leap = sh_set_leap,
	.set_tai = sh_set_tai,
	.set_sync = sh_set_sync,
	.close = NULL,
};

void sim_hwclock_init(struct sim_hwclock *h, const char *name,
		      struct sim_clock *clk, struct sim_clock *sys,
		      const int64_t *now, const struct sim_readmodel *rd,
		      uint64_t seed)
{
	memset(h, 0, sizeof(*h));
	h->hw.ops = &sim_hwclock_ops;
	snprintf(h->hw.name, sizeof(h->hw.name), "%s", name);
	h->hw.max_adj_ppb = clk->m.max_adj_ppb;
	h->hw.phc_index = -1;
	h->hw.keeps_utc = clk->k.on;
	h->hw.read_method = HWCLOCK_READ_AUTO;
	h->clk = clk;
	h->sys = sys ? sys : clk;
	h->now = now;
	if (rd)
		h->rd = *rd;
	else
		sim_readmodel_default(&h->rd);
	sim_rng_seed(&h->rng, seed);
}
