/*
 * servo/disc_hold.c — the discipline's holdover (see discipline.h and
 * holdover.h).
 *
 * As samples go by it keeps: the servo's estimate at its last LOCKED
 * sample (the frequency to hold and its uncertainty), the corrections
 * applied so far (frequency set times time, steps, measurement rebases),
 * so that the offset less those corrections is the clock's free-running
 * phase, from which it learns the wander for servos that do not (PI,
 * linreg; the Kalman servo learns its own), and, for servos without
 * variances, the average offset^2 and the spread of the frequency set, as
 * stand-ins for the phase and frequency variance.
 *
 * Holdover itself: on entry the executor sets the clock to the held
 * frequency once (and ends holdover if that fails); nothing touches it until a sample comes (which ends holdover) or the
 * executor ends it.  The time error estimate and the clockClass are
 * computed on demand from the entry state.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "servo/disc_priv.h"

#define TRACK_AVG 16 /* samples averaged into the fallbacks */

void disc_track_init(struct disc *d)
{
	struct disc_track *t = &d->trk;
	double w = d->cfg.servo.kalman_wander * 1e9;

	memset(t, 0, sizeof(*t));
	wander_init(&t->wander, w * w);
}

static bool state_locked(enum servo_state s)
{
	return s == SERVO_LOCKED || s == SERVO_LOCKED_STABLE;
}

static void track_fallbacks(struct disc_track *t, int64_t offset,
			    double freq)
{
	double a, dv;

	if (t->n < TRACK_AVG)
		t->n++;
	a = 1.0 / t->n;
	t->off_var += a * ((double)offset * (double)offset - t->off_var);
	dv = freq - t->freq_mean;
	t->freq_mean += a * dv;
	t->freq_var += a * (dv * dv - t->freq_var);
}

void disc_track_sample(struct disc *d, int64_t offset, int64_t mono,
		       double freq_before, const struct disc_result *res,
		       const struct servo_estimate *e)
{
	struct disc_track *t = &d->trk;
	double dt, xf;

	if (t->hold.active) {
		holdover_stop(&t->hold);
		cm_notice("servo: holdover ended, tracking a master again");
	}
	if (t->have_last && mono > t->last_mono) {
		dt = (double)(mono - t->last_mono) / 1e9;
		t->cum += freq_before * dt;
		t->t_acc += dt;
	}
	t->have_last = true;
	t->last_mono = mono;
	xf = (double)offset - t->cum;
	if (res->stepped)
		t->cum += (double)res->step_ns;
	t->locked = state_locked(res->state);
	if (!t->locked)
		return;
	track_fallbacks(t, offset, d->freq_ppb);
	/* a servo that learns its wander (the Kalman) needs no second
	 * estimator */
	if (!e || !(e->wander >= 0.0))
		wander_add(&t->wander, t->t_acc, xf, t->off_var);
	if (e) {
		t->est = *e;
		t->est_mono = mono;
		t->est_freq = d->freq_ppb;
	}
}

void disc_track_rebase(struct disc *d, double delta_ns)
{
	d->trk.cum += delta_ns;
}

void disc_track_freq(struct disc *d, int64_t mono)
{
	struct disc_track *t = &d->trk;
	double dt;

	if (!t->have_last || mono <= t->last_mono)
		return;
	dt = (double)(mono - t->last_mono) / 1e9;
	t->cum += d->freq_ppb * dt;
	t->t_acc += dt;
	t->last_mono = mono;
}

void disc_track_reset(struct disc *d)
{
	d->trk.locked = false;
	wander_restart(&d->trk.wander);
}

/* The last estimate with the gaps filled from the fallbacks.  The phase
 * variance gets the larger of the measurement noise and the average
 * offset^2 added: the filter's own variance covers what it can know from
 * the offsets, not the errors they share (the path delay estimate, the
 * clock's path between samples), which the offsets' size bounds. */
static void track_estimate(const struct disc_track *t,
			   struct servo_estimate *e)
{
	*e = t->est;
	if (!(e->phase_var >= 0.0))
		e->phase_var = 0.0;
	e->phase_var += e->meas_var > t->off_var ? e->meas_var : t->off_var;
	if (!(e->freq_var >= 0.0))
		e->freq_var = t->freq_var;
	if (!(e->wander_upper >= 0.0))
		e->wander_upper = wander_q_upper(&t->wander);
	if (!(e->wander >= 0.0))
		e->wander = wander_q(&t->wander);
}

int disc_holdover_enter(struct disc *d, int64_t mono_ns, double *freq_ppb)
{
	struct disc_track *t;
	struct servo_estimate e;
	int err;

	if (!d || !freq_ppb || d->cfg.free_running || !d->trk.est.valid)
		return -ENODATA;
	t = &d->trk;
	*freq_ppb = d->freq_ppb;
	if (t->hold.active)
		return 0;
	track_estimate(t, &e);
	err = holdover_start(&t->hold, &e, t->est_mono, t->est_freq, mono_ns,
			     e.wander_upper);
	if (err)
		return err;
	*freq_ppb = disc_clamp(d, t->hold.freq_ppb);
	d->state = SERVO_UNLOCKED;
	cm_notice("servo: holdover at %+.0f ppb (+/- %.1f ppb), wander %.3g ns^2/s^3",
		  t->hold.freq_ppb, sqrt(t->hold.p11), t->hold.q);
	return 0;
}

void disc_holdover_exit(struct disc *d)
{
	if (d && d->trk.hold.active) {
		holdover_stop(&d->trk.hold);
		cm_notice("servo: holdover ended");
	}
}

bool disc_in_holdover(const struct disc *d)
{
	return d && d->trk.hold.active;
}

double disc_te_estimate(const struct disc *d, int64_t mono_ns)
{
	struct servo_estimate e;

	if (!d || d->cfg.free_running)
		return -1.0;
	if (d->trk.hold.active)
		return holdover_te(&d->trk.hold, mono_ns);
	if (!d->trk.locked || !d->trk.est.valid)
		return -1.0;
	track_estimate(&d->trk, &e);
	return holdover_te_tracking(&e);
}

uint8_t disc_clock_class(const struct disc *d, int64_t mono_ns)
{
	if (!d || !d->trk.hold.active)
		return 0;
	return holdover_class(&d->cfg.hold,
			      holdover_te(&d->trk.hold, mono_ns));
}
