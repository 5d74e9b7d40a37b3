/*
 * common/srclimit.h — per-source rate limits: a token bucket for each
 * source address in a fixed-capacity table.
 *
 * One flooding sender must not take the service the others get: the
 * master side of a port answers at most rate Delay_Reqs per second from
 * one address (bc/port_master.c), a management socket at most rate
 * requests from one client (mgmt/uds.c), after a burst of up to burst
 * back to back.  Each bucket is kept as its theoretical arrival time
 * (the "virtual scheduling" form of a token bucket, GCRA): with T =
 * 1 s / rate, a message at now is taken when tat - now <= (burst - 1) T,
 * and tat then moves to max(tat, now) + T.  One int64 per source, no
 * division on the path.
 *
 * Sources are told apart by a keyed 64-bit hash of their address bytes
 * (the key from the caller's random seed, so nobody can aim a collision
 * at another's bucket).  The table holds SRCLIMIT_SOURCES sources; a new
 * one takes the slot of the longest idle one if that one is idle (its
 * bucket full again: forgetting it loses nothing), else it shares one
 * overflow bucket with every other source that found no room: a flood
 * from many addresses gets one source's rate between them, while the
 * sources already known keep theirs.  No allocation, no clock: the
 * caller passes now (monotonic ns).  Pure, for bc/ and mgmt/ alike.
 */
#ifndef HVPTP_COMMON_SRCLIMIT_H
#define HVPTP_COMMON_SRCLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRCLIMIT_SOURCES 64

struct srclimit {
	int64_t interval_ns; /* T = 1 s / rate; 0: no limit */
	int64_t tolerance_ns; /* (burst - 1) T */
	uint64_t key; /* hash key */
	int n; /* slots in use */
	uint64_t id[SRCLIMIT_SOURCES];
	int64_t tat[SRCLIMIT_SOURCES];
	int64_t overflow_tat; /* the shared bucket */
	uint64_t passed, limited; /* messages taken, refused */
	uint64_t overflowed; /* sources that found the table full */
};

/* rate per second (0: no limit), burst >= 1 messages; key: random. */
void srclimit_init(struct srclimit *l, uint32_t rate, uint32_t burst,
		   uint64_t key);
/* Forget every source (the limits stay). */
void srclimit_reset(struct srclimit *l);
/* May a message from this address (len bytes) be taken at now?  A
 * source without an address (len 0) is one source of its own. */
bool srclimit_take(struct srclimit *l, const void *addr, size_t len,
		   int64_t now);

#endif
