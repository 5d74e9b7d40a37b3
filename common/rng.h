/*
 * common/rng.h — a small seeded pseudo-random generator for the pure core.
 *
 * The core needs randomness (announce receipt timeout spread, IEEE 1588-2019
 * 9.2.6.12) but may not read /dev/urandom or a clock: the program seeds it.
 * xoshiro256** style generator; deterministic for a given seed, which the
 * simulator relies on.
 */
#ifndef HVPTP_COMMON_RNG_H
#define HVPTP_COMMON_RNG_H

#include <stdint.h>

struct cm_rng {
	uint64_t s[4];
};

void cm_rng_seed(struct cm_rng *r, uint64_t seed);
uint64_t cm_rng_next(struct cm_rng *r);
/* Uniform in [0, 1). */
double cm_rng_uniform(struct cm_rng *r);
/* Uniform integer in [0, n); n > 0. */
uint64_t cm_rng_below(struct cm_rng *r, uint64_t n);

#endif
