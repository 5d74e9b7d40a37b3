/*
 * daemon/timerheap.h — the poll loop's timers: an indexed binary min-heap.
 *
 * Each timer has a small integer id (port * BC_TMR_PER_PORT + timer for
 * the core's timers, bc/bc.h; more after those for the daemon's own).  Arming an armed
 * timer moves it; stopping removes it; both O(log n).  Times are
 * CLOCK_MONOTONIC ns; the loop polls with the time to the earliest.
 */
#ifndef HVPTP_DAEMON_TIMERHEAP_H
#define HVPTP_DAEMON_TIMERHEAP_H

#include <stdbool.h>
#include <stdint.h>

struct timerheap {
	int cap; /* ids 0..cap-1 */
	int n; /* armed timers */
	int *heap; /* heap[i] = id */
	int *pos; /* pos[id] = index in heap, -1 when not armed */
	int64_t *at; /* at[id] = deadline */
};

int timerheap_init(struct timerheap *th, int cap);
void timerheap_free(struct timerheap *th);
int timerheap_arm(struct timerheap *th, int id, int64_t at_ns);
void timerheap_stop(struct timerheap *th, int id);
bool timerheap_armed(const struct timerheap *th, int id);
/* Earliest deadline, or INT64_MAX when nothing is armed. */
int64_t timerheap_next(const struct timerheap *th);
/* Pop the earliest timer due at or before now: its id, or -1. */
int timerheap_pop_due(struct timerheap *th, int64_t now);

#endif
