/*
 * servo/linreg.h — looking inside the linear-regression servo.
 *
 * The servo itself is reached through servo.h (servo_create(SERVO_LINREG));
 * its estimate (servo_estimate) gives the fitted frequency and offset with
 * their uncertainties.  This getter tells which fit is in use, for tests
 * and debugging.  Pure.
 */
#ifndef HVPTP_SERVO_LINREG_H
#define HVPTP_SERVO_LINREG_H

#include <stdbool.h>

#include "servo/servo.h"

bool linreg_servo_is(const struct servo *s);
/* Points in the fit in use (0: none yet) and its average prediction
 * error, ns.  -EINVAL if s is not a linreg servo. */
int linreg_servo_fit(const struct servo *s, int *points, double *err_ns);

#endif
