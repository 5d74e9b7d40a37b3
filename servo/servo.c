/*
 * servo/servo.c — the servo dispatch and the rules every servo shares.
 *
 * servo_create picks the implementation from a table, then fills the common
 * part: the parameters, the frequency limit (the smaller of max_frequency and
 * the clock's own limit), first_update and the LOCKED_STABLE counter.
 * servo_sample wraps the implementation's sample the way linuxptp's servo.c
 * does: a JUMP or a LOCKED verdict ends the first update (so
 * first_step_threshold no longer applies), and a LOCKED verdict becomes
 * LOCKED_STABLE once servo_num_offset_values offsets in a row were below
 * servo_offset_threshold.
 */
#include "servo/servo.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "servo/servo_impl.h"

/* ptp4l's max_frequency default, used when neither max_frequency nor the
 * clock gives a limit. */
#define SERVO_FALLBACK_MAX_PPB 900000000.0

struct servo_kind {
	const char *name;
	int (*create)(struct servo **out, const struct servo_params *p,
		      double fadj_ppb);
};

static const struct servo_kind servo_kinds[SERVO_TYPE_COUNT] = {
	[SERVO_PI] = { "pi", pi_servo_create },
	[SERVO_LINREG] = { "linreg", linreg_servo_create },
	[SERVO_KALMAN] = { "kalman", kalman_servo_create },
};

static const char *const servo_state_names[] = {
	[SERVO_UNLOCKED] = "UNLOCKED",
	[SERVO_JUMP] = "JUMP",
	[SERVO_LOCKED] = "LOCKED",
	[SERVO_LOCKED_STABLE] = "LOCKED_STABLE",
};

const char *servo_state_name(enum servo_state s)
{
	if ((unsigned)s >= sizeof(servo_state_names) / sizeof(*servo_state_names))
		return "UNKNOWN";
	return servo_state_names[s];
}

void servo_params_default(struct servo_params *p)
{
	memset(p, 0, sizeof(*p));
	p->pi_proportional_const = 0.0;
	p->pi_integral_const = 0.0;
	p->pi_proportional_scale = 0.0;
	p->pi_proportional_exponent = -0.3;
	p->pi_proportional_norm_max = 0.7;
	p->pi_integral_scale = 0.0;
	p->pi_integral_exponent = 0.4;
	p->pi_integral_norm_max = 0.3;
	p->step_threshold_s = 0.0;
	p->first_step_threshold_s = 0.00002;
	p->max_frequency_ppb = 900000000;
	p->servo_num_offset_values = 10;
	p->servo_offset_threshold_ns = 0;
	p->sw_timestamping = false;
	p->kalman_wander = 1e-9;
	p->kalman_gate = 4.0;
}

static bool servo_nonneg(double v)
{
	return isfinite(v) && v >= 0.0;
}

static bool servo_params_ok(const struct servo_params *p)
{
	if (!servo_nonneg(p->pi_proportional_const) ||
	    !servo_nonneg(p->pi_integral_const) ||
	    !servo_nonneg(p->pi_proportional_scale) ||
	    !servo_nonneg(p->pi_integral_scale))
		return false;
	if (!isfinite(p->pi_proportional_exponent) ||
	    !isfinite(p->pi_integral_exponent))
		return false;
	if (!(p->pi_proportional_norm_max > 0.0) ||
	    !(p->pi_integral_norm_max > 0.0) ||
	    !isfinite(p->pi_proportional_norm_max) ||
	    !isfinite(p->pi_integral_norm_max))
		return false;
	if (!servo_nonneg(p->step_threshold_s) ||
	    !servo_nonneg(p->first_step_threshold_s))
		return false;
	if (!servo_nonneg(p->kalman_wander) || p->kalman_wander > 1e-3 ||
	    !servo_nonneg(p->kalman_gate))
		return false;
	return p->max_frequency_ppb >= 0 && p->servo_num_offset_values >= 0 &&
	       p->servo_offset_threshold_ns >= 0;
}

/* linuxptp: the clock's limit, lowered to max_frequency when that is set. */
static double servo_limit(int max_frequency_ppb, double max_ppb)
{
	double lim = (isfinite(max_ppb) && max_ppb > 0.0) ? max_ppb : 0.0;

	if (max_frequency_ppb > 0 &&
	    (lim == 0.0 || lim > (double)max_frequency_ppb))
		lim = (double)max_frequency_ppb;
	return lim > 0.0 ? lim : SERVO_FALLBACK_MAX_PPB;
}

int servo_create(struct servo **out, enum servo_type type,
		 const struct servo_params *p, double fadj_ppb,
		 double max_ppb)
{
	struct servo *s = NULL;
	int err;

	if (!out || !p || (unsigned)type >= SERVO_TYPE_COUNT ||
	    !servo_kinds[type].create || !isfinite(fadj_ppb) ||
	    !servo_params_ok(p))
		return -EINVAL;
	err = servo_kinds[type].create(&s, p, fadj_ppb);
	if (err)
		return err;
	s->params = *p;
	s->max_freq_ppb = servo_limit(p->max_frequency_ppb, max_ppb);
	s->first_update = true;
	s->curr_offset_values = p->servo_num_offset_values;
	*out = s;
	return 0;
}

void servo_destroy(struct servo *s)
{
	if (s)
		s->ops->destroy(s);
}

static double servo_abs(int64_t v)
{
	return v < 0 ? -(double)v : (double)v;
}

bool servo_over_step_threshold(const struct servo *s, int64_t offset_ns)
{
	double thr = s->params.step_threshold_s * 1e9;

	return thr > 0.0 && servo_abs(offset_ns) > thr;
}

bool servo_step_wanted(const struct servo *s, int64_t offset_ns)
{
	double first = s->params.first_step_threshold_s * 1e9;

	if (s->first_update && first > 0.0 && servo_abs(offset_ns) > first)
		return true;
	return servo_over_step_threshold(s, offset_ns);
}

int64_t servo_step_for(int64_t offset_ns)
{
	return offset_ns == INT64_MIN ? INT64_MAX : -offset_ns;
}

/* linuxptp's check_offset_threshold: count offsets below the threshold. */
static bool servo_offset_stable(struct servo *s, int64_t offset_ns)
{
	int thr = s->params.servo_offset_threshold_ns;

	if (!thr)
		return false;
	if (servo_abs(offset_ns) < (double)thr) {
		if (s->curr_offset_values > 0)
			s->curr_offset_values--;
	} else {
		s->curr_offset_values = s->params.servo_num_offset_values;
	}
	return s->curr_offset_values == 0;
}

void servo_sample(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		  double weight, struct servo_out *out)
{
	if (!s || !out)
		return;
	out->state = SERVO_UNLOCKED;
	out->freq_ppb = 0.0;
	out->step_ns = 0;
	out->measure_in_ns = 0;
	if (!isfinite(weight) || weight <= 0.0)
		weight = 1.0;
	s->ops->sample(s, offset_ns, local_ts_ns, weight, out);

	switch (out->state) {
	case SERVO_UNLOCKED:
		s->curr_offset_values = s->params.servo_num_offset_values;
		break;
	case SERVO_JUMP:
		s->curr_offset_values = s->params.servo_num_offset_values;
		s->first_update = false;
		break;
	case SERVO_LOCKED:
		if (servo_offset_stable(s, offset_ns))
			out->state = SERVO_LOCKED_STABLE;
		s->first_update = false;
		break;
	case SERVO_LOCKED_STABLE:
		s->first_update = false;
		break;
	}
}

void servo_sync_interval(struct servo *s, double interval_s)
{
	if (!s || !isfinite(interval_s) || interval_s <= 0.0)
		return;
	s->ops->sync_interval(s, interval_s);
}

void servo_reset(struct servo *s)
{
	if (s)
		s->ops->reset(s);
}

void servo_rebase(struct servo *s, double delta_ns)
{
	if (s && s->ops->rebase && isfinite(delta_ns) && delta_ns != 0.0)
		s->ops->rebase(s, delta_ns);
}

int servo_freq_moved(struct servo *s, double delta_ppb, int64_t local_ts_ns)
{
	if (!s || !isfinite(delta_ppb))
		return -EINVAL;
	if (!s->ops->freq_moved)
		return -EOPNOTSUPP;
	return s->ops->freq_moved(s, delta_ppb, local_ts_ns);
}

void servo_applied_at(struct servo *s, int64_t now_ns)
{
	if (s && s->ops->applied_at)
		s->ops->applied_at(s, now_ns);
}

int servo_phase_at(const struct servo *s, int64_t ts, double *phase_ns)
{
	if (!s || !phase_ns)
		return -EINVAL;
	if (!s->ops->phase_at)
		return -EOPNOTSUPP;
	return s->ops->phase_at(s, ts, phase_ns);
}

void servo_moved(struct servo *s, double step_ns)
{
	if (!s || !isfinite(step_ns) || step_ns == 0.0)
		return;
	if (s->ops->moved)
		s->ops->moved(s, step_ns);
	else
		servo_rebase(s, step_ns);
}

int servo_estimate(const struct servo *s, struct servo_estimate *e)
{
	if (!s || !e)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->freq_var = e->phase_var = e->meas_var = -1.0;
	e->wander = e->wander_upper = -1.0;
	if (!s->ops->estimate)
		return -ENODATA;
	return s->ops->estimate(s, e);
}

const char *servo_type_name(enum servo_type t)
{
	if ((unsigned)t >= SERVO_TYPE_COUNT)
		return "unknown";
	return servo_kinds[t].name;
}

int servo_type_from_name(const char *name, enum servo_type *out)
{
	int i;

	if (!name || !out)
		return -EINVAL;
	for (i = 0; i < SERVO_TYPE_COUNT; i++) {
		if (servo_kinds[i].name && !strcmp(servo_kinds[i].name, name)) {
			*out = (enum servo_type)i;
			return 0;
		}
	}
	return -EINVAL;
}
