/*
 * servo/linreg.c — a linear-regression servo, behaving like linuxptp's
 * linreg (read for behaviour; this is its own code).
 *
 * Each sample becomes a point (x, y): x is the local time with our own
 * frequency corrections taken out (what the clock would read free-running),
 * y the master's time (local time - offset).  The newest 4, 8, 16, 32 and 64
 * points are fitted by least squares; the fit of each size predicts where
 * the next point should fall, and an average of how far off that
 * prediction was (the first 10 plainly, then exponentially with 0.02)
 * picks the size to use: the largest whose error is within 5 % of the best
 * so far.  With a fit, the servo sets the frequency to the slope and adds
 * the predicted offset spread over 1 sync interval (up to 16 points), 2
 * (32) or 3 (64).  Steps follow the shared rules, judged on the fitted
 * offset; the step is by the raw offset, as linuxptp does.
 *
 * Points are int64 nanoseconds from a reference that moves with every
 * sample; the regression works on doubles relative to that reference, so
 * the numbers stay small.  Sign: offset = local - master; freq_ppb is the
 * frequency to set (positive = faster).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "servo/linreg.h"
#include "servo/servo_impl.h"

#define LR_MIN_ORDER 2 /* 4 points */
#define LR_MAX_ORDER 6 /* 64 points */
#define LR_POINTS (1 << LR_MAX_ORDER)
#define LR_NSIZES (LR_MAX_ORDER - LR_MIN_ORDER + 1)
#define LR_ERR_ALPHA 0.02
#define LR_ERR_WARMUP 10
#define LR_ERR_TIE 1.05
#define LR_DEFAULT_INTERVAL_S 1.0

struct lr_point {
	int64_t x; /* uncorrected local time */
	int64_t y; /* master time */
};

struct lr_fit {
	bool have;
	double slope; /* dy/dx */
	double icpt; /* y - ref.y predicted at ref.x */
	double err; /* average |prediction error|, ns */
	int nerr; /* prediction errors counted so far */
	double sxx; /* sum of squared x deviations, ns^2 */
	double xbar; /* mean x of the fitted points, relative to ref.x */
};

struct lr_servo {
	struct servo base;
	struct lr_point pts[LR_POINTS];
	int npts;
	int newest; /* index of the newest point */
	struct lr_point ref; /* "now" in x and y */
	double x_frac; /* fraction of ns carried in ref.x */
	bool have_last;
	int64_t last_ts; /* local time of the last sample */
	struct lr_fit fit[LR_NSIZES];
	double freq; /* frequency set, ppb */
	double interval_s;
	int best; /* index into fit of the size in use, -1 none */
};

static const struct servo_ops lr_ops;

static struct lr_servo *lr_of(struct servo *s)
{
	return (struct lr_servo *)s;
}

bool linreg_servo_is(const struct servo *s)
{
	return s && s->ops == &lr_ops;
}

/* Move "now" by dx (uncorrected) and dy (local = master time scale). */
static void lr_move_ref(struct lr_servo *l, int64_t dx, int64_t dy)
{
	l->ref.x += dx;
	l->ref.y += dy;
	for (int i = 0; i < LR_NSIZES; i++) {
		l->fit[i].icpt += (double)dx * l->fit[i].slope - (double)dy;
		l->fit[i].xbar -= (double)dx;
	}
}

/* Advance the reference to local time ts. */
static void lr_advance(struct lr_servo *l, int64_t ts)
{
	double dx;
	int64_t dy, whole;

	if (l->have_last) {
		dy = ts - l->last_ts;
		dx = (double)dy / (1.0 + l->freq / 1e9) + l->x_frac;
		whole = (int64_t)dx;
		l->x_frac = dx - (double)whole;
		lr_move_ref(l, whole, dy);
	}
	l->have_last = true;
	l->last_ts = ts;
}

static void lr_add_point(struct lr_servo *l, int64_t offset)
{
	l->newest = (l->newest + 1) % LR_POINTS;
	l->pts[l->newest].x = l->ref.x;
	l->pts[l->newest].y = l->ref.y - offset;
	if (l->npts < LR_POINTS)
		l->npts++;
}

static void lr_track_error(struct lr_fit *f, double y_new)
{
	double e;

	if (!f->have)
		return;
	e = fabs(f->icpt - y_new);
	if (f->nerr < LR_ERR_WARMUP) {
		f->err = (f->err * f->nerr + e) / (f->nerr + 1);
		f->nerr++;
	} else {
		f->err += LR_ERR_ALPHA * (e - f->err);
	}
}

/* Running sums over the newest points, shared by the nested sizes. */
struct lr_sums {
	double sx, sy, sxy, sxx;
	int n;
};

static void lr_fit_from(struct lr_fit *f, const struct lr_sums *a)
{
	double n = a->n;
	double sxx = a->sxx - a->sx * a->sx / n;
	double sxy = a->sxy - a->sx * a->sy / n;

	if (!(sxx > 0.0))
		return;
	f->slope = sxy / sxx;
	f->icpt = (a->sy - f->slope * a->sx) / n;
	f->have = true;
	f->sxx = sxx;
	f->xbar = a->sx / n;
}

static void lr_regress(struct lr_servo *l)
{
	const struct lr_point *nw = &l->pts[l->newest];
	double y_new = (double)(nw->y - l->ref.y);
	struct lr_sums a;
	int k = 0;

	memset(&a, 0, sizeof(a));
	for (int o = LR_MIN_ORDER; o <= LR_MAX_ORDER; o++) {
		struct lr_fit *f = &l->fit[o - LR_MIN_ORDER];
		int n = 1 << o;

		if (n > l->npts)
			break;
		lr_track_error(f, y_new);
		for (; k < n; k++) {
			const struct lr_point *p =
				&l->pts[(l->newest - k + LR_POINTS) % LR_POINTS];
			double x = (double)(p->x - l->ref.x);
			double y = (double)(p->y - l->ref.y);

			a.sx += x;
			a.sy += y;
			a.sxy += x * y;
			a.sxx += x * x;
		}
		a.n = n;
		lr_fit_from(f, &a);
	}
}

/* The largest size whose error is within LR_ERR_TIE of the best. */
static int lr_pick(const struct lr_servo *l)
{
	int best = -1;
	double best_err = 0.0;

	for (int i = 0; i < LR_NSIZES; i++) {
		const struct lr_fit *f = &l->fit[i];

		if (!f->have)
			continue;
		if (best < 0 ||
		    (f->nerr >= LR_ERR_WARMUP && f->err < best_err * LR_ERR_TIE)) {
			best = i;
			best_err = f->err;
		}
	}
	return best;
}

static double lr_clamp(double v, double lim)
{
	return v > lim ? lim : v < -lim ? -lim : v;
}

static void lr_sample(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		      double weight, struct servo_out *out)
{
	struct lr_servo *l = lr_of(s);
	const struct lr_fit *f;
	int order, spread;

	(void)weight;
	if (l->have_last && local_ts_ns <= l->last_ts) {
		out->state = SERVO_UNLOCKED; /* not newer: ignore */
		out->freq_ppb = l->freq;
		return;
	}
	lr_advance(l, local_ts_ns);
	lr_add_point(l, offset_ns);
	lr_regress(l);
	l->best = lr_pick(l);
	if (l->best < 0) {
		out->state = SERVO_UNLOCKED;
		out->freq_ppb = l->freq;
		return;
	}
	f = &l->fit[l->best];
	/* the fitted offset is -icpt (icpt: master - local at now) */
	if (servo_step_wanted(s, (int64_t)llround(-f->icpt))) {
		lr_move_ref(l, 0, -offset_ns);
		l->last_ts -= offset_ns;
		out->state = SERVO_JUMP;
		out->step_ns = servo_step_for(offset_ns);
	} else {
		out->state = SERVO_LOCKED;
	}
	order = l->best + LR_MIN_ORDER;
	spread = order <= 4 ? 1 : order / 2;
	l->freq = 1e9 * (f->slope - 1.0) + f->icpt / l->interval_s / spread;
	l->freq = lr_clamp(l->freq, s->max_freq_ppb);
	out->freq_ppb = l->freq;
}

static void lr_sync_interval(struct servo *s, double interval_s)
{
	lr_of(s)->interval_s = interval_s;
}

static void lr_reset(struct servo *s)
{
	struct lr_servo *l = lr_of(s);

	l->npts = 0;
	l->have_last = false;
	l->best = -1;
	memset(l->fit, 0, sizeof(l->fit));
}

/* Offsets read delta more from now on: move the stored master times. */
static void lr_rebase(struct servo *s, double delta_ns)
{
	struct lr_servo *l = lr_of(s);
	int64_t d = (int64_t)llround(delta_ns);

	for (int i = 0; i < LR_POINTS; i++)
		l->pts[i].y -= d;
	for (int i = 0; i < LR_NSIZES; i++)
		l->fit[i].icpt -= (double)d;
}

/* Residual variance of a fit over its n newest points (second pass: the
 * one-pass sums lose it to rounding). */
static double lr_resid_var(const struct lr_servo *l, const struct lr_fit *f,
			   int n)
{
	double rss = 0.0;

	for (int k = 0; k < n; k++) {
		const struct lr_point *p =
			&l->pts[(l->newest - k + LR_POINTS) % LR_POINTS];
		double x = (double)(p->x - l->ref.x);
		double r = (double)(p->y - l->ref.y) - (f->icpt + f->slope * x);

		rss += r * r;
	}
	return n > 2 ? rss / (n - 2) : 0.0;
}

/*
 * The fit's uncertainty, for holdover.  Its intercept is where the line
 * meets "now" (the newest point), not the points' mean x: with residual
 * variance rv over n points, var(icpt) = rv (1/n + xbar^2 / Sxx),
 * var(slope) = rv / Sxx and cov(icpt, slope) = -xbar rv / Sxx.  The phase
 * is -icpt and the clock's own frequency error d = -freq_ppb =
 * -1e9 (slope - 1), so cov(phase, d) = 1e9 cov(icpt, slope): positive, as
 * the points lie before now (xbar < 0).  (servo.h, struct servo_estimate.)
 */
static int lr_estimate(const struct servo *s, struct servo_estimate *e)
{
	const struct lr_servo *l = (const struct lr_servo *)s;
	const struct lr_fit *f;
	int n;
	double rv;

	if (l->best < 0)
		return -ENODATA;
	f = &l->fit[l->best];
	n = 1 << (l->best + LR_MIN_ORDER);
	rv = lr_resid_var(l, f, n);
	e->valid = true;
	e->local_ts_ns = l->last_ts;
	e->freq_ppb = 1e9 * (f->slope - 1.0);
	e->freq_var = 1e18 * rv / f->sxx;
	e->phase_ns = -f->icpt;
	e->phase_var = rv * (1.0 / n + f->xbar * f->xbar / f->sxx);
	e->cov = -1e9 * f->xbar * rv / f->sxx;
	e->meas_var = rv;
	return 0;
}

static void lr_destroy(struct servo *s)
{
	free(lr_of(s));
}

static const struct servo_ops lr_ops = {
	.name = "linreg",
	.destroy = lr_destroy,
	.sample = lr_sample,
	.sync_interval = lr_sync_interval,
	.reset = lr_reset,
	.rebase = lr_rebase,
	.estimate = lr_estimate,
};

int linreg_servo_create(struct servo **out, const struct servo_params *p,
			double fadj_ppb)
{
	struct lr_servo *l = calloc(1, sizeof(*l));

	(void)p;
	if (!l)
		return -ENOMEM;
	l->base.ops = &lr_ops;
	l->freq = fadj_ppb;
	l->interval_s = LR_DEFAULT_INTERVAL_S;
	l->best = -1;
	*out = &l->base;
	return 0;
}

int linreg_servo_fit(const struct servo *s, int *points, double *err_ns)
{
	const struct lr_servo *l = (const struct lr_servo *)s;

	if (!linreg_servo_is(s))
		return -EINVAL;
	if (points)
		*points = l->best < 0 ? 0 : 1 << (l->best + LR_MIN_ORDER);
	if (err_ns)
		*err_ns = l->best < 0 ? 0.0 : l->fit[l->best].err;
	return 0;
}
