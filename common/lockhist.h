/*
 * common/lockhist.h — a clock's lock history: when its servo locked and
 * lost lock, and the reliability figures that follow from it.
 *
 * The owner feeds it the servo's verdict (locked or not) with the loop's
 * monotonic time whenever it may have changed; only changes are kept.
 * Nothing here reads a clock.  From the spans between changes it keeps:
 *
 *   locked_ns    the sum of the locked spans that ended (a loss ended them)
 *   recover_ns   the sum of the unlocked spans that ended in lock after the
 *                first lock (the time to first lock is not a recovery)
 *   losses, recoveries  how many of each
 *
 * and the figures at a time now (cm_lockhist_figures):
 *
 *   time in lock   locked_ns + (now - since) while locked
 *   MTBF           time in lock / losses          (unknown with 0 losses)
 *   MTTR           recover_ns / recoveries        (unknown with none)
 *   first lock     first lock - the first feed    (unknown before it)
 *
 * A time before the last change (a caller's clock going back) counts as
 * no time at all.  The last CM_LOCKHIST_RING changes are kept, the
 * oldest overwritten.
 */
#ifndef HVPTP_COMMON_LOCKHIST_H
#define HVPTP_COMMON_LOCKHIST_H

#include <stdbool.h>
#include <stdint.h>

#define CM_LOCKHIST_RING 16

struct cm_lockhist_change {
	int64_t at_ns; /* monotonic time of the change */
	bool locked; /* the state it went to */
};

struct cm_lockhist {
	bool started; /* fed at least once: start_ns is set */
	bool locked; /* now */
	bool ever_locked; /* first_lock_ns is set */
	int64_t start_ns; /* the first feed */
	int64_t since_ns; /* the last change, or start_ns */
	int64_t first_lock_ns;
	int64_t locked_ns; /* locked spans that ended */
	int64_t recover_ns; /* unlocked spans after the first lock that
			       ended in lock */
	uint32_t losses, recoveries;
	uint32_t changes; /* ever; the ring holds the last ones */
	struct cm_lockhist_change ring[CM_LOCKHIST_RING];
};

struct cm_lockhist_fig {
	bool started; /* false: nothing is known (never fed) */
	bool locked;
	int64_t in_state_ns; /* since the last change (or the start) */
	int64_t locked_total_ns; /* time in lock since the start */
	int64_t observed_ns; /* since the start */
	uint32_t losses;
	bool first_lock_known;
	int64_t first_lock_ns; /* time from the start to the first lock */
	bool mtbf_known;
	int64_t mtbf_ns; /* time in lock / losses */
	bool mttr_known;
	int64_t mttr_ns; /* mean recovery */
};

/* An empty history (nothing fed). */
void cm_lockhist_init(struct cm_lockhist *h);
/* The servo is (not) locked at now: true when that is a change (the
 * first feed is the start, a change only when it is locked). */
bool cm_lockhist_feed(struct cm_lockhist *h, bool locked, int64_t now);
/* The figures at now. */
void cm_lockhist_figures(const struct cm_lockhist *h, int64_t now,
			 struct cm_lockhist_fig *f);
/* The changes kept (at most CM_LOCKHIST_RING), and the i-th of them,
 * 0 the newest; NULL past the last. */
int cm_lockhist_count(const struct cm_lockhist *h);
const struct cm_lockhist_change *cm_lockhist_at(const struct cm_lockhist *h,
						int i);

#endif
