/*
 * servo/holdover.h — holding the last good frequency and bounding the time
 * error while no master is there.
 *
 * When the slave port loses its master (the clock becomes its own
 * grandmaster), the discipline sets the clock to the servo's frequency
 * estimate (the Kalman or regression estimate; for PI its integral, not
 * the last output with its proportional part) and leaves it there.  From
 * then on the time error is only estimated.  With the servo's state at the
 * last sample, t0 (phase x0 and frequency with covariance P), and tau =
 * t - t0 seconds:
 *
 *   TE(t) = |x(t)| + k * sqrt(P00 + 2 P01 tau + P11 tau^2 + q tau^3 / 3)
 *
 * x(t) the expected phase (x0 moved by the correction still running
 * between t0 and the entry into holdover, then constant), q the learned
 * wander (ns^2/s^3, an upper estimate: servo/wander.h), k = 3 (the
 * estimate covers three standard deviations).  P00 is the servo's phase
 * variance plus the larger of its measurement noise R and the average
 * offset^2 of the last samples (the offsets share errors the filter cannot
 * see: the path delay estimate, the clock between samples); for servos
 * without a frequency variance the spread of the frequencies set stands
 * in.  P00, P01 and P11 grow the
 * bound with the phase and frequency uncertainty; q tau^3 / 3 is the
 * variance of the phase of a random walk of frequency after tau.
 *
 * The clockClass to announce follows the estimate (G.8275.1 style):
 * class_in_spec (135) while TE <= budget, class_out_of_spec (165) while
 * TE <= limit (or for ever with limit 0), then class_expired (248).  A
 * budget of 0 leaves the clockClass alone (ptp4l behaviour).  Pure.
 */
#ifndef HVPTP_SERVO_HOLDOVER_H
#define HVPTP_SERVO_HOLDOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "servo/servo.h"

#define HOLDOVER_COVERAGE 3.0

struct holdover_cfg {
	double budget_ns; /* holdover_budget, 0 = clockClass unchanged */
	double limit_ns; /* holdover_limit, 0 = never expires */
	uint8_t class_in_spec; /* holdover_class_in_spec, 135 */
	uint8_t class_out_of_spec; /* holdover_class_out_of_spec, 165 */
	uint8_t class_expired; /* holdover_class_expired, 248 */
};
void holdover_cfg_default(struct holdover_cfg *c);
int holdover_cfg_check(const struct holdover_cfg *c);

struct holdover {
	bool active;
	int64_t t0_mono; /* the last sample, monotonic ns */
	int64_t entry_mono;
	double x_entry; /* expected phase from the entry on, ns */
	double freq_ppb; /* the frequency held */
	double p00, p01, p11; /* at t0 */
	double q; /* wander used, ns^2/s^3 */
};

/*
 * Enter holdover.  e: the servo's estimate at its last sample, taken at
 * monotonic t0_mono; freq_then: the frequency set on the clock since that
 * sample; q: the wander to assume.  Unknown variances in e (< 0) count as
 * 0.  -ENODATA when e is not valid.
 */
int holdover_start(struct holdover *h, const struct servo_estimate *e,
		   int64_t t0_mono, double freq_then, int64_t now_mono,
		   double q);
void holdover_stop(struct holdover *h);
/* The time error estimate (ns) at monotonic now. */
double holdover_te(const struct holdover *h, int64_t now_mono);
/* The estimate of a servo that is tracking (no holdover): |x| + k sd. */
double holdover_te_tracking(const struct servo_estimate *e);
/* The clockClass for a time error estimate; 0 = leave the configured one. */
uint8_t holdover_class(const struct holdover_cfg *c, double te_ns);

#endif
