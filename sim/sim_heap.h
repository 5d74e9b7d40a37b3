/*
 * sim/sim_heap.h — the simulator's discrete-event queue.
 *
 * A binary min-heap of events ordered by true time, then by the order in
 * which they were pushed (a sequence number), so that equal times run in a
 * fixed order and a run is reproducible.  Events are small values; what
 * they refer to (a message, a timer generation) lives with the simulator.
 * Cancelling is lazy: the owner bumps a generation and ignores stale
 * events when they come out.
 */
#ifndef HVPTP_SIM_SIM_HEAP_H
#define HVPTP_SIM_SIM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_ev {
	int64_t t; /* true time, ns */
	uint64_t seq; /* push order, breaks ties */
	uint16_t kind;
	uint16_t node;
	uint16_t port;
	uint16_t aux;
	uint32_t gen; /* timer generation, node epoch... */
	uint32_t data; /* message index, token... */
	int64_t val; /* a timestamp */
};

struct sim_heap {
	struct sim_ev *v;
	size_t n, cap;
	uint64_t next_seq;
	uint64_t pushed;
};

void sim_heap_init(struct sim_heap *h);
void sim_heap_free(struct sim_heap *h);
/* Push a copy of ev (its seq is assigned).  0 or -ENOMEM. */
int sim_heap_push(struct sim_heap *h, const struct sim_ev *ev);
/* Pop the earliest event into *ev; false when empty. */
bool sim_heap_pop(struct sim_heap *h, struct sim_ev *ev);
/* Time of the earliest event, or INT64_MAX. */
int64_t sim_heap_next(const struct sim_heap *h);

#endif
