/*
 * servo/wander.h — learning a clock's wander from its free-running phase.
 *
 * The wander is the random-walk frequency noise of the local clock against
 * the master: its frequency drifts like a random walk whose variance grows
 * by q every second (q in ns^2/s^3; an oscillator with wander w per
 * sqrt(s) has q = (w * 1e9)^2).  It is what holdover error grows with, and
 * the Kalman servo's process noise.
 *
 * The estimator takes the phase the clock would have had without our
 * corrections (measured offset minus every frequency correction and step
 * applied so far), averages it over windows of 16, 64 and 256 s, and from
 * every three consecutive windows takes the change of frequency between
 * them, dy = (A2 - A1)/h2 - (A1 - A0)/h1.  For a random walk of frequency
 * E[dy^2] = (11/20) q tau (tau the window length), to which the
 * measurement noise adds a known amount (R/n per window average); what is
 * left, averaged, is q at that scale.  The scales are combined weighted by
 * the inverse variance their estimates have under the model (never under
 * the observed values, which would favour scales that came out small),
 * with the prior as one more (weak) estimate, so long windows, where
 * white noise averages away, decide once they exist.  Fixed size, no
 * allocation.  Pure.
 */
#ifndef HVPTP_SERVO_WANDER_H
#define HVPTP_SERVO_WANDER_H

#include <stdbool.h>
#include <stdint.h>

#define WANDER_SCALES 3

struct wander_scale {
	double tau_s; /* window length */
	bool open; /* a window is being filled */
	double t_start;
	double sum_t, sum_x, sum_r;
	int n;
	double a[2], tc[2], var[2]; /* the last two windows: mean phase,
				       mean time, variance of the mean */
	int have; /* completed windows held, 0..2 */
	double q_sum; /* sum of the per-triplet estimates */
	double white_sum; /* sum of the white noise parts of dy^2 */
	int count; /* triplets */
};

struct wander_est {
	struct wander_scale sc[WANDER_SCALES];
	double prior_q; /* ns^2/s^3 */
	double q, q_upper; /* the estimate and its bound, recomputed when
			      a scale completes a triplet */
};

/* prior_q: the wander assumed until measured (ns^2/s^3, >= 0). */
void wander_init(struct wander_est *w, double prior_q);
/* The phase lost continuity (a new master): drop the open windows, keep
 * what was learned. */
void wander_restart(struct wander_est *w);
/* One sample: time (s, from any fixed origin), free-running phase (ns),
 * and the variance of that phase measurement (ns^2). */
void wander_add(struct wander_est *w, double t_s, double x_ns,
		double meas_var);
/* The estimate, ns^2/s^3; and an upper bound about two standard errors
 * above it. */
double wander_q(const struct wander_est *w);
double wander_q_upper(const struct wander_est *w);
/* Triplets seen at the longest scale that has any (for tests, status). */
int wander_count(const struct wander_est *w);

#endif
