/*
 * sim/sim_link.h — simulated network segments.
 *
 * A segment joins two or more endpoints (NODE:PORT).  A message sent by
 * one endpoint reaches every other endpoint (multicast), or one of them
 * (unicast), each copy with its own delay and loss draw:
 *
 *   delay = base (event or general) + asymmetry/2 (forward) or
 *           - asymmetry/2 (reverse) + jitter
 *
 * "Forward" is from the first endpoint to the others, "reverse" the other
 * way; between two non-first endpoints there is no asymmetry.  Jitter is
 * exponential or gamma with the given mean (per direction).  Loss is
 * independent (probability per copy) and/or bursty: a Gilbert-Elliott
 * chain per sender-receiver pair moves from good to bad with burst_enter
 * per message and back with burst_exit, and loses a copy with burst_loss
 * while bad.  With fifo (the default), copies between one pair of
 * endpoints never overtake each other, event or general, as in one real
 * queue (a Follow_Up never arrives before its Sync); a copy that would is
 * held until the one before it has arrived.  A segment that is down
 * delivers nothing.  The model knows nothing of the scheduler: it reports
 * each copy's arrival to a callback.
 */
#ifndef HVPTP_SIM_SIM_LINK_H
#define HVPTP_SIM_SIM_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_rand.h"

#define SIM_SEG_MAX_EP 32
#define SIM_NAME_LEN 32

enum sim_jitter_dist { SIM_JITTER_EXP, SIM_JITTER_GAMMA };

struct sim_link_model {
	int64_t delay_ns; /* event messages, one way */
	int64_t general_delay_ns; /* general messages */
	double jitter_fwd_ns; /* mean jitter, first endpoint -> others */
	double jitter_rev_ns; /* mean jitter, others -> first */
	double general_jitter_ns; /* mean jitter of general messages */
	enum sim_jitter_dist dist;
	double gamma_shape; /* k of the gamma distribution */
	int64_t asymmetry_ns; /* forward - reverse delay */
	double loss; /* independent loss probability */
	double burst_enter; /* Gilbert-Elliott good -> bad, per message */
	double burst_exit; /* bad -> good */
	double burst_loss; /* loss probability while bad */
	bool fifo;
};
void sim_link_model_default(struct sim_link_model *m);

struct sim_endpoint {
	int node;
	int port;
};

struct sim_seg {
	char name[SIM_NAME_LEN];
	struct sim_link_model m;
	int n_ep;
	struct sim_endpoint ep[SIM_SEG_MAX_EP];
	bool up;
	struct sim_rng rng;
	bool ge_bad[SIM_SEG_MAX_EP][SIM_SEG_MAX_EP];
	int64_t last[SIM_SEG_MAX_EP][SIM_SEG_MAX_EP]; /* fifo */
	uint64_t sent, delivered, lost;
};

void sim_seg_init(struct sim_seg *s, const char *name,
		  const struct sim_link_model *m, uint64_t seed);
/* Add an endpoint; its index, or -ENOSPC. */
int sim_seg_add(struct sim_seg *s, int node, int port);

typedef void (*sim_deliver_fn)(void *ctx, int to_ep, int64_t arrival);

/* Endpoint from_ep sends at true time t: to every other endpoint
 * (to_ep < 0) or to to_ep.  fn is called for each copy that arrives.
 * Returns the number of copies delivered. */
int sim_seg_transmit(struct sim_seg *s, int from_ep, int to_ep, bool event,
		     int64_t t, sim_deliver_fn fn, void *ctx);

#endif
