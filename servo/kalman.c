/*
 * servo/kalman.c — a Kalman-filter servo: phase and frequency estimated
 * jointly, noise learned online.
 *
 * Model, between samples dt seconds apart (dt from the samples' own local
 * times, so lost messages only lengthen a step):
 *   x' = x + (d + u) dt      x: offset local - master (ns)
 *   d' = d + w               d: the clock's own frequency error (ppb)
 *                            u: the frequency we set (ppb, known)
 * w is a random walk of frequency with variance q dt (q, the wander, in
 * ns^2/s^3: the process noise Q = q [dt^3/3 dt^2/2; dt^2/2 dt]).  A sample
 * measures x with variance R.
 *
 * Samples: the offsets of Syncs (at t2) and, when the discipline's
 * measurement filter is on, of Delay_Req exchanges (at t3), interleaved
 * at irregular times: the prediction runs over the real dt.  An error of
 * the path delay biases the two kinds oppositely (x + e and x - e), so
 * the estimate, which weighs both, is not biased by it.  A sample taken
 * before the state's time (an exchange that finished after the next Sync
 * came; up to one sync interval) is carried forward to it with the
 * frequencies the clock ran at then, and teaches nothing about the noise;
 * older ones are ignored.
 *
 * Frequencies take effect when a sample is processed, which for an
 * exchange is a round trip after its t3 (servo_applied_at): over a long
 * path (100 ms each way, a Delay_Req every 62.5 ms) three more exchanges
 * have been sent by then and frequencies set for them.  The servo keeps
 * the frequencies it set with the local times they took effect (KF_UH)
 * and integrates them over the real times: in the prediction, in carrying
 * an earlier sample forward, and in the control, which removes the phase
 * expected when its frequency takes effect, not the phase at the
 * sample's time.  Planned as if each frequency took effect at its
 * sample's time, the control fed back a round trip late and swung.
 *
 * Noise, learned online:
 * - R from the measurements themselves: the second divided difference of
 *   the free-running phase over three samples cancels phase and frequency
 *   and leaves the measurement noise; the median of the last 63, scaled
 *   for a gaussian, resists outliers and does not take up model errors;
 * - q by servo/wander.c from the free-running phase (the measurement less
 *   every correction we applied), starting from the kalman_wander prior.
 *
 * Robustness:
 * - outliers: an innovation beyond kalman_outlier_gate standard deviations
 *   (of P00 + R) is not used, once the filter has settled (6 samples);
 *   each counts as a model error (below), widening P, except a lone one
 *   while R is still learned from fewer than KF_R_WINDOW samples (the
 *   start: the gate is unsure, late packets are common, and a wider P
 *   would let the next late one pull the clock); three in a row mean the
 *   clock really moved (a step from outside): the phase restarts from the
 *   measurement and the frequency uncertainty grows by what the jump
 *   suggests (a sample lighter than KF_LEARN_WEIGHT that passes the gate
 *   only for its weight neither counts nor ends the run: after a step
 *   the measurement filter takes the Syncs for late packets and weighs
 *   them down, while the Delay_Req exchanges, early, count in full);
 * - model errors (a frequency that moved, or was learned from a bad
 *   start): when the innovations stay larger than P + R explain (their
 *   average normalised square above 3), P is widened by that factor, a
 *   fading memory, so the filter follows again;
 * - gaps: prediction over the real dt; the phase correction is spread over
 *   the average interval between samples (at least the sync interval), so
 *   that lost messages do not make it overshoot as a correction planned
 *   for one interval runs on, and re-planned at every sample;
 * - steps: the shared step rules (first_step_threshold on the first
 *   update, step_threshold after it) on the estimated offset; a step by
 *   -estimate zeroes the phase state; the frequency estimate is kept.
 *
 * Start: the first sample gives the phase; the second the frequency (the
 * filter's answer equals the two-point slope), then JUMP or LOCKED as the
 * step rules say, like the PI servo's start (the second sample may be a
 * Delay_Req exchange's, half a sync interval after the first).
 *
 * Control, after each update: u = -d - x / T (T the sync interval, or the
 * average interval between samples when messages are lost): the estimated
 * frequency error cancelled and the estimated offset removed by the next
 * Sync (certainty equivalence; the phase error left is the estimation
 * error).  With Delay_Req samples in between, the average interval is
 * shorter than the sync interval and T stays the sync interval: the
 * correction is re-planned at every sample, not planned over half the
 * time.  u is clamped to the frequency limit.
 *
 * An outside step that the measurement filter saw in both directions
 * (servo_moved) is no noise to smooth: the phase moves by it, and the
 * first control after it removes it over the average interval between
 * samples (at most T), the samples before the end re-planning the rest
 * over the time left; since the frequency stays as set until a sample
 * comes, the servo asks for a measurement at the end
 * (servo_out.measure_in_ns: the discipline has a Delay_Req sent then).
 * Re-planned over T at every sample instead, 0.24 of the step was left
 * after each second at 1 Hz.
 *
 * Sign: offset = local - master; freq_ppb is the frequency to set
 * (positive = faster).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "servo/kalman.h"
#include "servo/servo_impl.h"
#include "servo/wander.h"

#define KF_R0_HW 1e6 /* initial R: (1 us)^2 hardware */
#define KF_R0_SW 1e8 /* (10 us)^2 software */
#define KF_R_FLOOR 1.0 /* ns^2 */
#define KF_R_WINDOW 63 /* samples whose median gives R */
#define KF_R_MIN 3 /* estimates before R is learned */
#define KF_NIS_ALPHA 0.25 /* averaging of the innovations' size */
#define KF_NIS_FADE 3.0 /* above this the model lags: widen P */
#define KF_FADE_MAX 100.0
#define KF_P11_0 1e12 /* initial frequency variance: (1000 ppm)^2 */
#define KF_SETTLE 6 /* samples before outliers are rejected */
#define KF_MAX_REJECTS 3 /* rejected in a row: the clock moved */
#define KF_DEFAULT_INTERVAL_S 1.0
#define KF_GAP_AVG 16 /* samples in the average interval */
#define KF_GAP_MAX 4.0 /* longer gaps count as this many intervals */
#define KF_LEARN_WEIGHT 0.5 /* lighter samples teach nothing about noise */
#define KF_DUE_MIN 0.125 /* an outside step's correction re-planned over
			    at least this share of its first plan */
#define KF_UH 32 /* frequencies set, remembered with when they took effect */

struct kf_servo {
	struct servo base;
	int n; /* samples used since the start or reset */
	int64_t t_last; /* local time of the state */
	double x, d; /* phase ns, own frequency error ppb */
	double p00, p01, p11;
	double u; /* frequency set, ppb */
	double u_prev; /* the one before, ppb */
	double r; /* measurement variance in use */
	double r_ring[KF_R_WINDOW]; /* per-sample estimates of R */
	int r_n, r_next;
	double hist_t[2], hist_x[2]; /* the last two free-running phases */
	int nd;
	double nis; /* average normalised innovation squared */
	double gate;
	int rejects;
	uint64_t outliers;
	double interval_s;
	double gap_avg; /* average time between samples, s */
	/* an outside step to remove (kf_moved): planned at the next
	 * control (kf_control), ending at due_ts (local time, 0: none) */
	bool catch_up;
	int64_t due_ts;
	/* the frequencies set (u) and the local times they took effect
	 * from, oldest first in the ring; times never decrease */
	int64_t uh_t[KF_UH];
	double uh_u[KF_UH];
	int uh_n, uh_next;
	int64_t t_now; /* the next control takes effect then (0: t_last) */
	/* free-running phase for the wander estimator */
	double cum; /* corrections applied: integral of u, steps, rebases */
	double t_acc; /* seconds elapsed over the samples */
	struct wander_est wander;
};

static const struct servo_ops kf_ops;

static struct kf_servo *kf_of(struct servo *s)
{
	return (struct kf_servo *)s;
}

bool kalman_servo_is(const struct servo *s)
{
	return s && s->ops == &kf_ops;
}

static double kf_clamp(double v, double lim)
{
	return v > lim ? lim : v < -lim ? -lim : v;
}

/* Median of v[0..n-1] (reorders v); n <= KF_R_WINDOW. */
static double kf_median(double *v, int n)
{
	for (int i = 1; i < n; i++) {
		double t = v[i];
		int j = i - 1;

		for (; j >= 0 && v[j] > t; j--)
			v[j + 1] = v[j];
		v[j + 1] = t;
	}
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/*
 * The frequencies set, and when.  A control takes effect when the sample
 * that asked for it was processed, which is its local time unless the
 * discipline says later (servo_applied_at: an exchange that finished a
 * round trip after its t3).  Predictions and carried-forward samples
 * integrate u over the real times, so that a late sample is neither
 * carried forward nor predicted with a frequency that was set only after
 * it was taken.
 */
static int kf_uh_index(const struct kf_servo *k, int i) /* 0: oldest */
{
	return (k->uh_next - k->uh_n + i + 2 * KF_UH) % KF_UH;
}

/* From local time t on, u is set; no earlier than the newest entry,
 * which it replaces when not later (the newest then held for no time). */
static void kf_uh_add(struct kf_servo *k, int64_t t, double u)
{
	int last = (k->uh_next + KF_UH - 1) % KF_UH;

	if (k->uh_n > 0 && t <= k->uh_t[last]) {
		k->uh_u[last] = u;
		return;
	}
	k->uh_t[k->uh_next] = t;
	k->uh_u[k->uh_next] = u;
	k->uh_next = (k->uh_next + 1) % KF_UH;
	if (k->uh_n < KF_UH)
		k->uh_n++;
}

static void kf_uh_restart(struct kf_servo *k, int64_t t)
{
	k->uh_n = 0;
	k->uh_next = 0;
	kf_uh_add(k, t, k->u);
}

/* The integral of u over local times [a, b] (a <= b), ppb * s = ns; before
 * the oldest entry its u, after the newest the newest. */
static double kf_uh_int(const struct kf_servo *k, int64_t a, int64_t b)
{
	double sum = 0.0;

	if (b < a)
		return -kf_uh_int(k, b, a);
	if (k->uh_n == 0)
		return k->u * (double)(b - a) / 1e9;
	for (int i = 0; i < k->uh_n; i++) {
		int j = kf_uh_index(k, i);
		int64_t from = i == 0 ? INT64_MIN : k->uh_t[j];
		int64_t to = i + 1 < k->uh_n ? k->uh_t[kf_uh_index(k, i + 1)]
					     : INT64_MAX;
		int64_t lo = a > from ? a : from, hi = b < to ? b : to;

		if (hi > lo)
			sum += k->uh_u[j] * (double)(hi - lo) / 1e9;
	}
	return sum;
}

/* Local times read step more (a step of the clock): so do the entries'. */
static void kf_uh_shift(struct kf_servo *k, int64_t step)
{
	for (int i = 0; i < k->uh_n; i++)
		k->uh_t[kf_uh_index(k, i)] += step;
	if (k->t_now)
		k->t_now += step;
}

/* The control's time: the sample's processing time if later. */
static int64_t kf_t_ctl(const struct kf_servo *k)
{
	return k->t_now > k->t_last ? k->t_now : k->t_last;
}

static double kf_q(const struct kf_servo *k)
{
	return wander_q(&k->wander);
}

/* Time update over dt seconds (the master's) from the state's time to
 * local time ts, with the frequencies set over it (iu: their integral,
 * ns, in the master's seconds too). */
static void kf_predict(struct kf_servo *k, double dt, double iu)
{
	double q = kf_q(k), dt2 = dt * dt;
	double p00 = k->p00, p01 = k->p01, p11 = k->p11;

	k->x += k->d * dt + iu;
	k->cum += iu;
	k->t_acc += dt;
	k->p00 = p00 + 2.0 * dt * p01 + dt2 * p11 + q * dt2 * dt / 3.0;
	k->p01 = p01 + dt * p11 + q * dt2 / 2.0;
	k->p11 = p11 + q * dt;
}

static void kf_learn_r(struct kf_servo *k, double t, double xf);

/* First sample (or first after a reset): the phase only. */
static void kf_start(struct kf_servo *k, int64_t z, int64_t ts)
{
	kf_uh_restart(k, ts);
	k->x = (double)z;
	k->p00 = k->r;
	k->p01 = 0.0;
	k->p11 = KF_P11_0; /* d stays: the frequency learned so far */
	k->t_last = ts;
	k->n = 1;
	k->rejects = 0;
	k->catch_up = false;
	k->due_ts = 0;
	k->nd = 0;
	k->nis = 1.0;
	wander_restart(&k->wander);
	kf_learn_r(k, k->t_acc, (double)z - k->cum);
}

/* Learn R from the second divided difference of the free-running phase
 * over the last three samples: the clock's phase and frequency cancel, the
 * measurement noise stays (var = R * w).  The median of the last
 * KF_R_WINDOW values, scaled for a gaussian (median of chi-square(1) is
 * 0.455), resists outliers and ignores model errors. */
static void kf_learn_r(struct kf_servo *k, double t, double xf)
{
	double h1, h2, dy, w, r, v[KF_R_WINDOW];
	int n;

	if (k->nd >= 2) {
		h1 = k->hist_t[1] - k->hist_t[0];
		h2 = t - k->hist_t[1];
		if (h1 > 0.0 && h2 > 0.0) {
			dy = (xf - k->hist_x[1]) / h2 -
			     (k->hist_x[1] - k->hist_x[0]) / h1;
			w = 1.0 / (h1 * h1) + 1.0 / (h2 * h2) +
			    (1.0 / h1 + 1.0 / h2) * (1.0 / h1 + 1.0 / h2);
			k->r_ring[k->r_next] = dy * dy / w;
			k->r_next = (k->r_next + 1) % KF_R_WINDOW;
			if (k->r_n < KF_R_WINDOW)
				k->r_n++;
		}
	}
	if (k->nd >= 2) {
		k->hist_t[0] = k->hist_t[1];
		k->hist_x[0] = k->hist_x[1];
		k->nd = 1;
	}
	k->hist_t[k->nd & 1] = t;
	k->hist_x[k->nd & 1] = xf;
	k->nd++;
	if (k->r_n < KF_R_MIN)
		return;
	n = k->r_n;
	memcpy(v, k->r_ring, sizeof(double) * (size_t)n);
	r = kf_median(v, n) / 0.455;
	if (r < KF_R_FLOOR)
		r = KF_R_FLOOR;
	/* what was learned with a smaller R is less certain than P says:
	 * the covariance of estimates from measurements scales with R */
	if (r > k->r) {
		k->p00 *= r / k->r;
		k->p01 *= r / k->r;
		k->p11 *= r / k->r;
	}
	k->r = r;
}

static void kf_update(struct kf_servo *k, double nu, double s)
{
	double k0 = k->p00 / s, k1 = k->p01 / s;
	double p00 = k->p00, p01 = k->p01;

	k->x += k0 * nu;
	k->d += k1 * nu;
	k->p00 = p00 - k0 * p00;
	k->p01 = p01 - k0 * p01;
	k->p11 = k->p11 - k1 * p01;
	if (k->p00 < 0.0)
		k->p00 = 0.0;
	if (k->p11 < 0.0)
		k->p11 = 0.0;
}

/* Innovations persistently larger than P and R explain: the model lags
 * (the frequency moved, or was learned wrong).  Widen P by their average
 * size so the filter follows again (a fading memory). */
static void kf_fade(struct kf_servo *k, double nis)
{
	double f;

	k->nis += KF_NIS_ALPHA * (nis - k->nis);
	if (k->nis <= KF_NIS_FADE)
		return;
	f = k->nis > KF_FADE_MAX ? KF_FADE_MAX : k->nis;
	k->p00 *= f;
	k->p01 *= f;
	k->p11 *= f;
	k->nis = 1.0;
}

/* Three outliers in a row: the clock was moved from outside.  Restart
 * the phase from the measurement; the frequency may be off by what the
 * jump suggests over the time since the last good sample. */
static void kf_rephase(struct kf_servo *k, double z, double nu, double span)
{
	double df = span > 0.0 ? nu / span : 0.0;

	k->x = z;
	k->p00 = k->r;
	k->p01 = 0.0;
	k->p11 += df * df;
	k->rejects = 0;
	k->catch_up = false;
	k->due_ts = 0;
	wander_restart(&k->wander);
}

/* Measurement update with outlier handling; true if the sample was used.
 * learn: the sample may teach the noise (R, wander): it is full weight
 * and newer than the last. */
static bool kf_measure(struct kf_servo *k, int64_t z, double dt, double w,
		       bool learn)
{
	double r, nu = (double)z - k->x, s;
	bool settled = k->n >= KF_SETTLE;

	learn = learn && w >= KF_LEARN_WEIGHT;
	if (learn)
		kf_learn_r(k, k->t_acc, (double)z - k->cum);
	/* with R as learned from this sample (it may scale P too) */
	r = k->r / w;
	s = k->p00 + r;
	if (cm_log_enabled(CM_LOG_DEBUG))
		cm_debug("kalman: z %lld x %.0f d %.1f u %.1f nu %.0f sd %.0f "
			 "r %.0f w %.3f p11 %.3g q %.3g n %d rej %d",
			 (long long)z, k->x, k->d, k->u, nu, sqrt(s),
			 sqrt(k->r), w, k->p11, kf_q(k), k->n, k->rejects);
	if (settled && k->gate > 0.0 && nu * nu > k->gate * k->gate * s) {
		k->outliers++;
		/* a lone reject at the start is a late packet */
		if (k->rejects || k->r_n >= KF_R_WINDOW)
			kf_fade(k, k->gate * k->gate);
		if (++k->rejects >= KF_MAX_REJECTS)
			kf_rephase(k, (double)z, nu, dt * KF_MAX_REJECTS);
		return false;
	}
	/* a sample that passed only for its light weight (a late packet,
	 * as the measurement filter saw it) says nothing about the rejects
	 * around it: it neither counts as one nor ends their run */
	if (w >= KF_LEARN_WEIGHT)
		k->rejects = 0;
	if (settled) {
		kf_fade(k, nu * nu / s);
		s = k->p00 + r; /* the fade may have widened P */
	}
	kf_update(k, nu, s);
	if (learn)
		wander_add(&k->wander, k->t_acc, (double)z - k->cum, k->r);
	return true;
}

/*
 * A measurement taken up to a sync interval before the state's time (a
 * Delay_Req sent just before the last Sync came: its exchange finished
 * after it).  Carried forward to the state's time with the frequency the
 * clock ran at then, and used without teaching the noise; older ones are
 * ignored.  True if used.
 */
static bool kf_earlier(struct kf_servo *k, int64_t z, int64_t ts, double w)
{
	double dt = ((double)ts - (double)k->t_last) / 1e9, zc;

	if (dt < -k->interval_s)
		return false;
	zc = (double)z - k->d * dt + kf_uh_int(k, ts, k->t_last);
	return kf_measure(k, llround(zc), 0.0, w > 1.0 ? 1.0 : w, false);
}

/* The second sample: the frequency from the two, exactly (the clock ran
 * (d + u) fast over dt local seconds: the offset grew by y = r / (1 + r)
 * per local second, r = y / (1 - y)); the phase from this sample. */
static void kf_first_freq(struct kf_servo *k, int64_t z, double dt)
{
	double y = ((double)z - k->x) / (dt * 1e9), r;

	if (y > 0.5)
		y = 0.5;
	else if (y < -0.5)
		y = -0.5;
	r = y / (1.0 - y);
	k->cum += k->u * dt;
	k->t_acc += dt;
	k->d = r * 1e9 - k->u;
	/* two measurements, each with variance R */
	k->x = (double)z;
	k->p00 = k->r;
	k->p01 = k->r / dt;
	k->p11 = 2.0 * k->r / (dt * dt);
	kf_learn_r(k, k->t_acc, (double)z - k->cum);
	k->n = 2;
}

/* The length of the plan that removes an outside step (kf_moved): the
 * next sample expected, of either direction (the average interval
 * between samples, at most the sync interval), s. */
static double kf_plan_len(const struct kf_servo *k)
{
	return k->gap_avg > 0.0 && k->gap_avg < k->interval_s ? k->gap_avg
							      : k->interval_s;
}

/* What is left of the plan under way, in the master's seconds (the local
 * clock runs d + u fast); 0 when none is, or its end has come (the plan
 * ends).  At least KF_DUE_MIN of the plan: the noise of a sample just
 * before the end, over a moment, would be a large frequency. */
static double kf_plan_left(struct kf_servo *k)
{
	double h = kf_plan_len(k), left;

	if (!k->due_ts)
		return 0.0;
	left = ((double)k->due_ts - (double)k->t_last) / 1e9 /
	       (1.0 + (k->d + k->u) / 1e9);
	if (!(left > 0.0)) {
		k->due_ts = 0;
		return 0.0;
	}
	return left > KF_DUE_MIN * h ? left : KF_DUE_MIN * h;
}

/*
 * The frequency to set: cancel d, remove x by the next sample, expected
 * after the average interval between samples (lost messages space them
 * out: a correction meant for one interval would run on).
 *
 * After an outside step (kf_moved), x is the step, known to within the
 * noise: it is removed over kf_plan_len, and a measurement is asked for
 * at the plan's end (out->measure_in_ns), since the frequency stays as
 * set until a sample comes: a plan that ends between two Syncs must be
 * ended by a sample there, or it runs on.  The samples before the end
 * re-plan what is left over the time left; the first at or after it
 * ends the plan.  A plan beyond the frequency limit is none: the
 * ordinary control, at the limit too, takes over.
 */
static void kf_control(struct kf_servo *k, struct servo_out *out)
{
	double t = k->gap_avg > k->interval_s ? k->gap_avg : k->interval_s;
	double left = kf_plan_left(k), want, x = k->x;
	int64_t tc = kf_t_ctl(k);
	bool plan = k->catch_up;

	k->catch_up = false;
	if (plan)
		t = kf_plan_len(k);
	else if (left > 0.0)
		t = left;
	/* the phase when the control takes effect: the frequencies set
	 * since the state's time ran on until then */
	if (tc > k->t_last)
		x += k->d * (double)(tc - k->t_last) / 1e9 +
		     kf_uh_int(k, k->t_last, tc);
	want = -k->d - x / t;
	k->u_prev = k->u;
	k->u = kf_clamp(want, k->base.max_freq_ppb);
	kf_uh_add(k, tc, k->u);
	if (!plan || fabs(want) >= k->base.max_freq_ppb)
		return;
	k->due_ts = tc + llround(t * (1.0 + (k->d + k->u) / 1e9) * 1e9);
	if (out)
		out->measure_in_ns = llround(t * 1e9);
}

static void kf_track_gap(struct kf_servo *k, double dt)
{
	if (dt > KF_GAP_MAX * k->interval_s)
		dt = KF_GAP_MAX * k->interval_s;
	if (!(k->gap_avg > 0.0))
		k->gap_avg = k->interval_s;
	k->gap_avg += (dt - k->gap_avg) / KF_GAP_AVG;
}

static void kf_step(struct kf_servo *k, struct servo_out *out)
{
	int64_t est = (int64_t)llround(k->x);

	out->state = SERVO_JUMP;
	out->step_ns = servo_step_for(est);
	k->x += (double)out->step_ns;
	k->cum += (double)out->step_ns;
	/* local times from now on read step_ns more */
	k->t_last += out->step_ns;
	kf_uh_shift(k, out->step_ns);
	k->catch_up = false;
	k->due_ts = 0;
}

static void kf_sample_in(struct kf_servo *k, int64_t offset_ns,
			 int64_t local_ts_ns, double weight,
			 struct servo_out *out)
{
	double dt, f;

	out->freq_ppb = k->u;
	if (k->n == 0) {
		kf_start(k, offset_ns, local_ts_ns);
		out->state = SERVO_UNLOCKED;
		return;
	}
	dt = ((double)local_ts_ns - (double)k->t_last) / 1e9;
	if (!(dt > 0.0)) {
		out->state = k->n >= 2 ? SERVO_LOCKED : SERVO_UNLOCKED;
		if (k->n >= 2 &&
		    kf_earlier(k, offset_ns, local_ts_ns, weight))
			kf_control(k, out);
		out->freq_ppb = k->u;
		return;
	}
	kf_track_gap(k, dt);
	if (k->n == 1) {
		kf_first_freq(k, offset_ns, dt);
	} else {
		/* local seconds to the master's: the clock runs (d + u) fast */
		f = 1.0 / (1.0 + (k->d + k->u) / 1e9);
		kf_predict(k, dt * f,
			   kf_uh_int(k, k->t_last, local_ts_ns) * f);
		dt *= f;
		if (kf_measure(k, offset_ns, dt, weight > 1.0 ? 1.0 : weight,
			       true))
			k->n++;
	}
	k->t_last = local_ts_ns;
	out->state = SERVO_LOCKED;
	if (k->n >= 2 && servo_step_wanted(&k->base, (int64_t)llround(k->x)))
		kf_step(k, out);
	if (k->n < 2) {
		out->state = SERVO_UNLOCKED;
		return;
	}
	kf_control(k, out);
	out->freq_ppb = k->u;
}

static void kf_sample(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		      double weight, struct servo_out *out)
{
	struct kf_servo *k = kf_of(s);

	kf_sample_in(k, offset_ns, local_ts_ns, weight, out);
	k->t_now = 0; /* said for this sample only */
}

static void kf_applied_at(struct servo *s, int64_t now_ns)
{
	kf_of(s)->t_now = now_ns;
}

/* The phase expected at local time ts, with the frequencies set. */
static int kf_phase_at(const struct servo *s, int64_t ts, double *phase)
{
	const struct kf_servo *k = (const struct kf_servo *)s;

	if (k->n < 2)
		return -ENODATA;
	*phase = k->x + k->d * ((double)ts - (double)k->t_last) / 1e9 +
		 kf_uh_int(k, k->t_last, ts);
	return 0;
}

static void kf_sync_interval(struct servo *s, double interval_s)
{
	kf_of(s)->interval_s = interval_s;
}

static void kf_reset(struct servo *s)
{
	/* d, R and the learned wander stay; the phase starts again */
	kf_of(s)->n = 0;
}

static void kf_rebase(struct servo *s, double delta_ns)
{
	struct kf_servo *k = kf_of(s);

	k->x += delta_ns;
	k->cum += delta_ns;
}

/* Stepped from outside (the measurement filter saw both directions
 * move): the phase moves with the offsets, and the error it leaves is
 * the step itself, known to within the noise: it is removed by a plan
 * that ends with a measurement (kf_control), not over a sync interval
 * re-planned at every sample, which takes seconds (0.24 of it left
 * after each second at 1 Hz with Delay_Req samples in between). */
static void kf_moved(struct servo *s, double step_ns)
{
	struct kf_servo *k = kf_of(s);

	kf_rebase(s, step_ns);
	if (k->n >= 2)
		k->catch_up = true;
}

static int kf_estimate(const struct servo *s, struct servo_estimate *e)
{
	const struct kf_servo *k = (const struct kf_servo *)s;

	if (k->n < 2)
		return -ENODATA;
	e->valid = true;
	e->local_ts_ns = k->t_last;
	e->freq_ppb = -k->d;
	e->freq_var = k->p11;
	e->phase_ns = k->x;
	e->phase_var = k->p00;
	e->cov = k->p01;
	e->meas_var = k->r;
	e->wander = wander_q(&k->wander);
	e->wander_upper = wander_q_upper(&k->wander);
	return 0;
}

static void kf_destroy(struct servo *s)
{
	free(kf_of(s));
}

/*
 * The clock runs delta faster from local_ts on, and so does the master:
 * the clock's own error against the master (d) is delta less, the
 * control (u) delta more, and their sum, which the prediction uses, stays.
 * The corrections' integral (cum) counted u over the whole interval at
 * the next prediction: what ran before local_ts at the old u comes off.
 */
static int kf_freq_moved(struct servo *s, double delta_ppb, int64_t local_ts)
{
	struct kf_servo *k = kf_of(s);
	double before;

	if (k->n < 2)
		return -EAGAIN;
	before = ((double)local_ts - (double)k->t_last) / 1e9;
	if (before > 0.0)
		k->cum -= delta_ppb * before;
	k->d -= delta_ppb;
	/* d + u stays over every interval of the past too */
	for (int i = 0; i < k->uh_n; i++)
		k->uh_u[kf_uh_index(k, i)] += delta_ppb;
	k->u = kf_clamp(k->u + delta_ppb, k->base.max_freq_ppb);
	k->u_prev = kf_clamp(k->u_prev + delta_ppb, k->base.max_freq_ppb);
	return 0;
}

static const struct servo_ops kf_ops = {
	.name = "kalman",
	.destroy = kf_destroy,
	.sample = kf_sample,
	.sync_interval = kf_sync_interval,
	.reset = kf_reset,
	.rebase = kf_rebase,
	.moved = kf_moved,
	.estimate = kf_estimate,
	.freq_moved = kf_freq_moved,
	.applied_at = kf_applied_at,
	.phase_at = kf_phase_at,
};

int kalman_servo_create(struct servo **out, const struct servo_params *p,
			double fadj_ppb)
{
	struct kf_servo *k = calloc(1, sizeof(*k));
	double w = p->kalman_wander * 1e9;

	if (!k)
		return -ENOMEM;
	k->base.ops = &kf_ops;
	k->u = k->u_prev = fadj_ppb;
	k->d = -fadj_ppb;
	kf_uh_restart(k, 0);
	k->r = p->sw_timestamping ? KF_R0_SW : KF_R0_HW;
	k->gate = p->kalman_gate;
	k->interval_s = KF_DEFAULT_INTERVAL_S;
	wander_init(&k->wander, w * w);
	*out = &k->base;
	return 0;
}

int kalman_servo_noise(const struct servo *s, double *meas_var, double *q,
		       uint64_t *outliers)
{
	const struct kf_servo *k = (const struct kf_servo *)s;

	if (!kalman_servo_is(s))
		return -EINVAL;
	if (meas_var)
		*meas_var = k->r;
	if (q)
		*q = kf_q(k);
	if (outliers)
		*outliers = k->outliers;
	return 0;
}
