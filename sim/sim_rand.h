/*
 * sim/sim_rand.h — random variates for the simulator's models.
 *
 * Every random stream of the simulator (one per clock, per link, per node's
 * timestamping) is a struct sim_rng seeded from the scenario seed and a
 * stream number, so that one model's draws never shift another's: a clock
 * wanders the same way whatever the traffic on the network.  Built on the
 * core's xoshiro generator (common/rng.h); gaussian (Box-Muller),
 * exponential and gamma (Marsaglia-Tsang) variates on top.  No I/O.
 */
#ifndef HVPTP_SIM_SIM_RAND_H
#define HVPTP_SIM_SIM_RAND_H

#include <stdbool.h>
#include <stdint.h>

#include "common/rng.h"

struct sim_rng {
	struct cm_rng r;
	bool have_spare; /* the second Box-Muller variate */
	double spare;
};

/* A seed for stream (a, b) of a run seeded with seed. */
uint64_t sim_seed_mix(uint64_t seed, uint64_t a, uint64_t b);
void sim_rng_seed(struct sim_rng *g, uint64_t seed);

/* Uniform in (0, 1): never exactly 0, so logs are safe. */
double sim_rand_uniform(struct sim_rng *g);
/* Standard normal. */
double sim_rand_gauss(struct sim_rng *g);
/* Exponential with this mean (>= 0; 0 gives 0). */
double sim_rand_exp(struct sim_rng *g, double mean);
/* Gamma with shape k > 0 and this mean (scale = mean / k). */
double sim_rand_gamma(struct sim_rng *g, double shape, double mean);
/* True with probability p. */
bool sim_rand_chance(struct sim_rng *g, double p);

#endif
