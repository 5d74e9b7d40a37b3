/* sim/sim_rand.c — random variates (see sim_rand.h). */
#include "sim/sim_rand.h"

#include <math.h>

uint64_t sim_seed_mix(uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ULL) ^
		     (b * 0xC2B2AE3D27D4EB4FULL);

	/* splitmix64's finaliser: nearby inputs give unrelated seeds */
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void sim_rng_seed(struct sim_rng *g, uint64_t seed)
{
	cm_rng_seed(&g->r, seed);
	g->have_spare = false;
	g->spare = 0.0;
}

double sim_rand_uniform(struct sim_rng *g)
{
	double u;

	do
		u = cm_rng_uniform(&g->r);
	while (u <= 0.0);
	return u;
}

double sim_rand_gauss(struct sim_rng *g)
{
	double r, a;

	if (g->have_spare) {
		g->have_spare = false;
		return g->spare;
	}
	r = sqrt(-2.0 * log(sim_rand_uniform(g)));
	a = 2.0 * M_PI * sim_rand_uniform(g);
	g->spare = r * sin(a);
	g->have_spare = true;
	return r * cos(a);
}

double sim_rand_exp(struct sim_rng *g, double mean)
{
	if (!(mean > 0.0))
		return 0.0;
	return -mean * log(sim_rand_uniform(g));
}

/* Marsaglia and Tsang's method for shape >= 1, scale 1. */
static double gamma_ge1(struct sim_rng *g, double k)
{
	double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d), x, v, u;

	for (;;) {
		do {
			x = sim_rand_gauss(g);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = sim_rand_uniform(g);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double sim_rand_gamma(struct sim_rng *g, double shape, double mean)
{
	double x;

	if (!(mean > 0.0) || !(shape > 0.0))
		return 0.0;
	if (shape >= 1.0)
		x = gamma_ge1(g, shape);
	else /* boost: G(k) = G(k + 1) * U^(1/k) */
		x = gamma_ge1(g, shape + 1.0) *
		    pow(sim_rand_uniform(g), 1.0 / shape);
	return x * mean / shape;
}

bool sim_rand_chance(struct sim_rng *g, double p)
{
	if (!(p > 0.0))
		return false;
	if (p >= 1.0)
		return true;
	return cm_rng_uniform(&g->r) < p;
}
