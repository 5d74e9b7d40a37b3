/*
 * servo/pi.h — looking inside the PI servo.
 *
 * The PI servo itself is reached through servo.h (servo_create(SERVO_PI)).
 * These read-only getters expose its gains and integral (the frequency it
 * has learned) for management, metrics and tests.  Pure.
 */
#ifndef HVPTP_SERVO_PI_H
#define HVPTP_SERVO_PI_H

#include <stdbool.h>

#include "servo/servo.h"

bool pi_servo_is(const struct servo *s);
/* The gains in use for the current sync interval.  -EINVAL if s is not a
 * PI servo. */
int pi_servo_gains(const struct servo *s, double *kp, double *ki);
/* The integral term: the frequency (ppb, our sign: positive = faster) the
 * servo would set for a zero offset.  -EINVAL if s is not a PI servo. */
int pi_servo_integral(const struct servo *s, double *ppb);

#endif
