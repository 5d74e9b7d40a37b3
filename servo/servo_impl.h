/*
 * servo/servo_impl.h — what the servo implementations share (private).
 *
 * The rules that decide when a servo may step the clock (first_step_threshold
 * before the first update, step_threshold after it) are the same for every
 * servo, so servo.c owns them and each implementation asks these helpers.
 * The dispatch in servo.c also needs each implementation's constructor, which
 * allocates and fills the ops; servo_create then fills the common part.
 * Only files in servo/ include this header.
 */
#ifndef HVPTP_SERVO_SERVO_IMPL_H
#define HVPTP_SERVO_SERVO_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "servo/servo.h"

/* An offset this large wants a step now: the first update and
 * first_step_threshold, or step_threshold at any time. */
bool servo_step_wanted(const struct servo *s, int64_t offset_ns);
/* step_threshold is set and |offset| exceeds it. */
bool servo_over_step_threshold(const struct servo *s, int64_t offset_ns);
/* The step that cancels offset (-offset, saturating). */
int64_t servo_step_for(int64_t offset_ns);

/* Constructors for servo_create's table: allocate, set ops, start from
 * fadj_ppb.  -ENOMEM. */
int pi_servo_create(struct servo **out, const struct servo_params *p,
		    double fadj_ppb);
int linreg_servo_create(struct servo **out, const struct servo_params *p,
			double fadj_ppb);
int kalman_servo_create(struct servo **out, const struct servo_params *p,
			double fadj_ppb);

#endif
