/*
 * servo/kalman.h — looking inside the Kalman servo.
 *
 * The servo itself is reached through servo.h (servo_create(SERVO_KALMAN));
 * servo_estimate gives its phase and frequency estimates with their
 * covariance and the wander it has learned, for holdover.  This getter
 * gives the noise it has learned, for tests, status and metrics.  Pure.
 */
#ifndef HVPTP_SERVO_KALMAN_H
#define HVPTP_SERVO_KALMAN_H

#include <stdbool.h>
#include <stdint.h>

#include "servo/servo.h"

bool kalman_servo_is(const struct servo *s);
/* Measurement variance R (ns^2), wander q (ns^2/s^3) and outliers
 * rejected so far.  -EINVAL if s is not a Kalman servo. */
int kalman_servo_noise(const struct servo *s, double *meas_var, double *q,
		       uint64_t *outliers);

#endif
