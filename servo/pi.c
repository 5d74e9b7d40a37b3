/*
 * servo/pi.c — the proportional-integral servo, with linuxptp's behaviour.
 *
 * States, as in linuxptp's pi.c:
 *   count 0: remember the first sample; UNLOCKED, no output.
 *   count 1: wait until the samples span at least 0.016 / ki seconds (at most
 *            1000 s), then estimate the frequency from the two offsets and
 *            answer JUMP (step by -offset) when the step rules say so, else
 *            LOCKED, with the estimated frequency.
 *   count 2: freq = integral - kp * offset - ki * offset; the integral takes
 *            the ki term only while the output is inside the frequency limit.
 *            An offset above step_threshold drops back to count 0 (UNLOCKED);
 *            the re-estimate then ends in JUMP.
 * The gains follow the sync interval T: kp = kp_scale * T^kp_exponent, capped
 * at kp_norm_max / T, and the same for ki.  Scales default to 0.7/0.3 with
 * hardware timestamps and 0.1/0.001 with software ones; pi_proportional_const
 * and pi_integral_const, when both are set, are used as they are (exponent
 * 0), capped at 1.0/T and 2.0/T.
 *
 * Sign convention: linuxptp's servo returns the frequency to subtract; ours
 * returns the frequency to set (positive = faster), so for offset = local -
 * master a positive offset lowers the frequency.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "servo/pi.h"
#include "servo/servo_impl.h"

#define PI_HW_KP_SCALE 0.7
#define PI_HW_KI_SCALE 0.3
#define PI_SW_KP_SCALE 0.1
#define PI_SW_KI_SCALE 0.001
#define PI_CONST_KP_NORM_MAX 1.0
#define PI_CONST_KI_NORM_MAX 2.0
#define PI_FREQ_EST_MARGIN 0.001
#define PI_FREQ_EST_MAX_S 1000.0
#define PI_DEFAULT_INTERVAL_S 1.0

struct pi_servo {
	struct servo base;
	int64_t first_offset;
	int64_t first_ts;
	double integral; /* ppb, frequency to set for a zero offset */
	double last_freq;
	int64_t last_offset; /* for servo_estimate only */
	int64_t last_ts;
	double kp;
	double ki;
	int count;
	double kp_scale, kp_exponent, kp_norm_max;
	double ki_scale, ki_exponent, ki_norm_max;
};

static const struct servo_ops pi_ops;

static struct pi_servo *pi_of(struct servo *s)
{
	return (struct pi_servo *)s;
}

bool pi_servo_is(const struct servo *s)
{
	return s && s->ops == &pi_ops;
}

static double pi_clamp(double v, double lim)
{
	if (v > lim)
		return lim;
	if (v < -lim)
		return -lim;
	return v;
}

/* Samples must span this long before the first frequency estimate. */
static double pi_est_interval(const struct pi_servo *p)
{
	double t;

	if (!(p->ki > 0.0))
		return PI_FREQ_EST_MAX_S;
	t = 0.016 / p->ki;
	return t > PI_FREQ_EST_MAX_S ? PI_FREQ_EST_MAX_S : t;
}

/* count 1: estimate the frequency from two offsets, then JUMP or LOCKED. */
static void pi_second(struct pi_servo *p, int64_t offset, int64_t ts,
		      struct servo_out *out)
{
	struct servo *s = &p->base;
	double span_ns, span_s, slope;

	if (ts <= p->first_ts) {
		/* Not newer than the first: start again from this one. */
		p->first_offset = offset;
		p->first_ts = ts;
		out->state = SERVO_UNLOCKED;
		return;
	}
	span_ns = (double)ts - (double)p->first_ts;
	span_s = span_ns / 1e9;
	span_s += span_s * PI_FREQ_EST_MARGIN;
	if (span_s < pi_est_interval(p)) {
		out->state = SERVO_UNLOCKED;
		return;
	}
	/* Drift of the offset per local ns, applied multiplicatively to the
	 * frequency now set (linuxptp: drift += (1e9 - drift) * slope). */
	slope = ((double)offset - (double)p->first_offset) / span_ns;
	p->integral -= (1e9 + p->integral) * slope;
	p->integral = pi_clamp(p->integral, s->max_freq_ppb);

	if (servo_step_wanted(s, offset)) {
		out->state = SERVO_JUMP;
		out->step_ns = servo_step_for(offset);
	} else {
		out->state = SERVO_LOCKED;
	}
	p->last_freq = p->integral;
	p->count = 2;
}

/* count 2: the PI loop. */
static void pi_track(struct pi_servo *p, int64_t offset, double weight,
		     struct servo_out *out)
{
	struct servo *s = &p->base;
	double off = (double)offset * weight;
	double ki_term, freq;

	if (servo_over_step_threshold(s, offset)) {
		/* Start over; the re-estimate will step. */
		p->count = 0;
		out->state = SERVO_UNLOCKED;
		return;
	}
	ki_term = p->ki * off;
	freq = p->integral - p->kp * off - ki_term;
	if (freq > s->max_freq_ppb)
		freq = s->max_freq_ppb;
	else if (freq < -s->max_freq_ppb)
		freq = -s->max_freq_ppb;
	else
		p->integral -= ki_term;
	p->last_freq = freq;
	out->state = SERVO_LOCKED;
}

static void pi_sample(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		      double weight, struct servo_out *out)
{
	struct pi_servo *p = pi_of(s);

	p->last_offset = offset_ns;
	p->last_ts = local_ts_ns;
	switch (p->count) {
	case 0:
		p->first_offset = offset_ns;
		p->first_ts = local_ts_ns;
		p->count = 1;
		out->state = SERVO_UNLOCKED;
		break;
	case 1:
		pi_second(p, offset_ns, local_ts_ns, out);
		break;
	default:
		pi_track(p, offset_ns, weight, out);
		break;
	}
	out->freq_ppb = p->last_freq;
}

static double pi_gain(double scale, double exponent, double norm_max,
		      double interval)
{
	double k = scale * pow(interval, exponent);

	if (k > norm_max / interval)
		k = norm_max / interval;
	return k;
}

static void pi_sync_interval(struct servo *s, double interval_s)
{
	struct pi_servo *p = pi_of(s);

	p->kp = pi_gain(p->kp_scale, p->kp_exponent, p->kp_norm_max,
			interval_s);
	p->ki = pi_gain(p->ki_scale, p->ki_exponent, p->ki_norm_max,
			interval_s);
}

static void pi_reset(struct servo *s)
{
	/* The integral (the learned frequency) and last output stay. */
	pi_of(s)->count = 0;
}

/* For holdover: the integral is the frequency learned (the proportional
 * part of the output only corrects the phase); PI knows no variances. */
static int pi_estimate(const struct servo *s, struct servo_estimate *e)
{
	const struct pi_servo *p = (const struct pi_servo *)s;

	if (p->count < 2)
		return -ENODATA;
	e->valid = true;
	e->local_ts_ns = p->last_ts;
	e->freq_ppb = p->integral;
	e->phase_ns = (double)p->last_offset;
	return 0;
}

static void pi_destroy(struct servo *s)
{
	free(pi_of(s));
}

/* The frequency for a zero offset moves with the clock's. */
static int pi_freq_moved(struct servo *s, double delta_ppb, int64_t local_ts)
{
	struct pi_servo *p = pi_of(s);

	(void)local_ts;
	if (p->count < 2)
		return -EAGAIN;
	p->integral = pi_clamp(p->integral + delta_ppb, s->max_freq_ppb);
	p->last_freq = pi_clamp(p->last_freq + delta_ppb, s->max_freq_ppb);
	return 0;
}

static const struct servo_ops pi_ops = {
	.name = "pi",
	.destroy = pi_destroy,
	.sample = pi_sample,
	.sync_interval = pi_sync_interval,
	.reset = pi_reset,
	.estimate = pi_estimate,
	.freq_moved = pi_freq_moved,
};

/* linuxptp's choice of constants: explicit ones, or the scale families. */
static void pi_configure(struct pi_servo *p, const struct servo_params *c)
{
	p->kp_scale = c->pi_proportional_scale;
	p->kp_exponent = c->pi_proportional_exponent;
	p->kp_norm_max = c->pi_proportional_norm_max;
	p->ki_scale = c->pi_integral_scale;
	p->ki_exponent = c->pi_integral_exponent;
	p->ki_norm_max = c->pi_integral_norm_max;

	if (c->pi_proportional_const > 0.0 && c->pi_integral_const > 0.0) {
		p->kp_scale = c->pi_proportional_const;
		p->ki_scale = c->pi_integral_const;
		p->kp_exponent = 0.0;
		p->ki_exponent = 0.0;
		p->kp_norm_max = PI_CONST_KP_NORM_MAX;
		p->ki_norm_max = PI_CONST_KI_NORM_MAX;
	} else if (!(p->kp_scale > 0.0) || !(p->ki_scale > 0.0)) {
		p->kp_scale = c->sw_timestamping ? PI_SW_KP_SCALE :
						   PI_HW_KP_SCALE;
		p->ki_scale = c->sw_timestamping ? PI_SW_KI_SCALE :
						   PI_HW_KI_SCALE;
	}
}

int pi_servo_create(struct servo **out, const struct servo_params *c,
		    double fadj_ppb)
{
	struct pi_servo *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->base.ops = &pi_ops;
	p->integral = fadj_ppb;
	p->last_freq = fadj_ppb;
	pi_configure(p, c);
	/* Usable before the first servo_sync_interval (linuxptp starts at
	 * zero gains and relies on the caller). */
	pi_sync_interval(&p->base, PI_DEFAULT_INTERVAL_S);
	*out = &p->base;
	return 0;
}

int pi_servo_gains(const struct servo *s, double *kp, double *ki)
{
	const struct pi_servo *p = (const struct pi_servo *)s;

	if (!pi_servo_is(s))
		return -EINVAL;
	if (kp)
		*kp = p->kp;
	if (ki)
		*ki = p->ki;
	return 0;
}

int pi_servo_integral(const struct servo *s, double *ppb)
{
	if (!pi_servo_is(s) || !ppb)
		return -EINVAL;
	*ppb = ((const struct pi_servo *)s)->integral;
	return 0;
}
