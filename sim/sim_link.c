/* sim/sim_link.c — simulated network segments (see sim_link.h). */
#include "sim/sim_link.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void sim_link_model_default(struct sim_link_model *m)
{
	memset(m, 0, sizeof(*m));
	m->delay_ns = 0;
	m->general_delay_ns = 0;
	m->dist = SIM_JITTER_EXP;
	m->gamma_shape = 2.0;
	m->burst_loss = 1.0;
	m->fifo = true;
}

void sim_seg_init(struct sim_seg *s, const char *name,
		  const struct sim_link_model *m, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->m = *m;
	s->up = true;
	sim_rng_seed(&s->rng, seed);
}

int sim_seg_add(struct sim_seg *s, int node, int port)
{
	if (s->n_ep >= SIM_SEG_MAX_EP)
		return -ENOSPC;
	s->ep[s->n_ep].node = node;
	s->ep[s->n_ep].port = port;
	return s->n_ep++;
}

/* Is this copy lost?  Advances the pair's Gilbert-Elliott chain. */
static bool copy_lost(struct sim_seg *s, int from, int to)
{
	const struct sim_link_model *m = &s->m;
	bool *bad = &s->ge_bad[from][to];

	if (m->burst_enter > 0.0) {
		if (*bad) {
			if (sim_rand_chance(&s->rng, m->burst_exit))
				*bad = false;
		} else if (sim_rand_chance(&s->rng, m->burst_enter)) {
			*bad = true;
		}
		if (*bad && sim_rand_chance(&s->rng, m->burst_loss))
			return true;
	}
	return sim_rand_chance(&s->rng, m->loss);
}

static double jitter(struct sim_seg *s, double mean)
{
	if (!(mean > 0.0))
		return 0.0;
	if (s->m.dist == SIM_JITTER_GAMMA)
		return sim_rand_gamma(&s->rng, s->m.gamma_shape, mean);
	return sim_rand_exp(&s->rng, mean);
}

/* One copy's delay from endpoint from to endpoint to, ns. */
static int64_t copy_delay(struct sim_seg *s, int from, int to, bool event)
{
	const struct sim_link_model *m = &s->m;
	double d = (double)(event ? m->delay_ns : m->general_delay_ns);
	double half = (double)m->asymmetry_ns / 2.0;

	if (from == 0) {
		d += half + jitter(s, event ? m->jitter_fwd_ns
					    : m->general_jitter_ns);
	} else {
		if (to == 0)
			d -= half;
		d += jitter(s, event ? m->jitter_rev_ns
				     : m->general_jitter_ns);
	}
	return d > 0.0 ? (int64_t)llround(d) : 0;
}

static void send_copy(struct sim_seg *s, int from, int to, bool event,
		      int64_t t, sim_deliver_fn fn, void *ctx, int *n)
{
	int64_t at, *last;

	if (copy_lost(s, from, to)) {
		s->lost++;
		return;
	}
	at = t + copy_delay(s, from, to, event);
	last = &s->last[from][to];
	if (s->m.fifo && at < *last)
		at = *last;
	*last = at;
	s->delivered++;
	(*n)++;
	fn(ctx, to, at);
}

int sim_seg_transmit(struct sim_seg *s, int from_ep, int to_ep, bool event,
		     int64_t t, sim_deliver_fn fn, void *ctx)
{
	int n = 0;

	if (from_ep < 0 || from_ep >= s->n_ep)
		return -EINVAL;
	s->sent++;
	if (!s->up)
		return 0;
	for (int i = 0; i < s->n_ep; i++) {
		if (i == from_ep || (to_ep >= 0 && i != to_ep))
			continue;
		send_copy(s, from_ep, i, event, t, fn, ctx, &n);
	}
	return n;
}
