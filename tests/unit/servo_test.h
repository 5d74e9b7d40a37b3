/*
 * tests/unit/servo_test.h — a synthetic clock for the servo tests.
 *
 * The clock's offset from the master, x (ns), moves by (d + u) per second:
 * d its own frequency error (ppb, optionally a random walk: wander per
 * sqrt(s)), u the frequency the servo set.  A measurement is x plus
 * gaussian noise; the local time of a sample is true time plus x.  The
 * servo's verdict is applied as the discipline would (step, frequency).
 * Header-only (static inline functions) so each test binary stays one
 * file.
 */
#ifndef HVPTP_TESTS_SERVO_TEST_H
#define HVPTP_TESTS_SERVO_TEST_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "common/rng.h"
#include "servo/servo.h"

#define ST_NS 1000000000LL

/* cmocka 1.1 compares only integers: a double check that shows values. */
static inline void st_check_near(double a, double b, double eps,
				 const char *file, int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.12g != %.12g (tolerance %g)\n", a, b, eps);
	_fail(file, line);
}
#define assert_near(a, b, eps) \
	st_check_near((double)(a), (double)(b), (eps), __FILE__, __LINE__)

struct synth {
	double t; /* true time, s */
	double x; /* offset, ns */
	double d; /* own frequency error, ppb */
	double u; /* frequency set, ppb */
	double wander; /* ppb per sqrt(s) */
	struct cm_rng rng;
};

static inline double st_gauss(struct cm_rng *r, double sigma)
{
	double u1 = 1.0 - cm_rng_uniform(r), u2 = cm_rng_uniform(r);

	return sigma * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static inline void synth_init(struct synth *s, double x0, double d,
			      uint64_t seed)
{
	s->t = 1000.0;
	s->x = x0;
	s->d = d;
	s->u = 0.0;
	s->wander = 0.0;
	cm_rng_seed(&s->rng, seed);
}

static inline void synth_advance(struct synth *s, double dt)
{
	s->x += (s->d + s->u) * dt;
	s->t += dt;
	if (s->wander > 0.0)
		s->d += st_gauss(&s->rng, s->wander * sqrt(dt));
}

static inline int64_t synth_local(const struct synth *s)
{
	return llround(s->t * 1e9 + s->x);
}

/* One sample (offset = x + noise) through the servo; applies the verdict. */
static inline enum servo_state synth_sample(struct synth *s,
					    struct servo *sv, double noise,
					    double extra)
{
	struct servo_out o;
	int64_t z = llround(s->x + st_gauss(&s->rng, noise) + extra);

	servo_sample(sv, z, synth_local(s), 1.0, &o);
	if (o.state == SERVO_JUMP)
		s->x += (double)o.step_ns;
	if (o.state != SERVO_UNLOCKED)
		s->u = o.freq_ppb;
	return o.state;
}

static inline struct servo *st_make(enum servo_type ty, bool sw,
				    double fadj)
{
	struct servo_params p;
	struct servo *sv = NULL;

	servo_params_default(&p);
	p.sw_timestamping = sw;
	if (servo_create(&sv, ty, &p, fadj, 1e8) != 0)
		return NULL;
	servo_sync_interval(sv, 1.0);
	return sv;
}

#endif
