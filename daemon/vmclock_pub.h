/*
 * daemon/vmclock_pub.h — what the vmclock page says, from hvptpd's state:
 * shared by the daemon's service (daemon/vmclock_svc.c, which owns the
 * file and the timer) and the simulator's host (sim/sim_vmclock.c, which
 * owns a page in memory and simulated readings), so that what the
 * simulator measures is what the daemon publishes.
 *
 * One update: the system clock's state from the executor
 * (exec_sys_sync: a step since the last update resets the estimator and
 * moves disruption_marker on); a burst of paired readings of the counter
 * against CLOCK_REALTIME from the caller's callback, of which the pair
 * with the shortest window is kept; its clock reading turned to TAI with
 * the UTC offset in force (timePropertiesDS and the latched leap second);
 * the estimator's line, which a reading within a second of a leap second
 * does not join (CLOCK_REALTIME repeats a second there and one reading
 * cannot tell which pass it is; TAI has no leap, so the line goes on;
 * TAI - UTC and the leap indicator are those at the update's reading); clock_status and the bounds from the facts
 * (vm_vmclock_status_for; see daemon/vmclock_svc.h for what each status
 * means); the page's content filled (vm_vmclock_fill).  The caller writes
 * the content where guests read it.  No syscalls, no clock reads.
 */
#ifndef HVPTP_DAEMON_VMCLOCK_PUB_H
#define HVPTP_DAEMON_VMCLOCK_PUB_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/executor.h"
#include "vm/vmclock.h"

#define EXEC_VMCLOCK_PAIRS 8 /* paired readings per update, the shortest
				kept */
#define EXEC_VMCLOCK_WINDOW 16 /* samples the line goes through */

/* n paired readings (counter, CLOCK_REALTIME, counter) into p: 0 or
 * -errno. */
typedef int (*exec_vmclock_pairs_fn)(void *ctx, struct vm_vmclock_pair *p,
				     int n);

struct exec_vmclock {
	const char *name; /* for log lines (the page's path) */
	struct vm_vmclock_est est;
	struct vm_vmclock_abi content; /* the page as last made */
	uint64_t marker; /* disruption_marker */
	uint64_t sys_steps; /* the system clock's steps seen */
	bool counter_ok; /* the counter is usable (a stable TSC) */
	bool ever_synced;
	int status; /* clock_status last made, -1 none */
	bool near_leap; /* the last reading was left out for a leap */
	uint64_t updates, read_errors, fill_errors, leap_skips;
};

/* A publisher for counter cid whose disruption_marker starts at marker;
 * name is kept (not copied) for log lines. */
void exec_vmclock_init(struct exec_vmclock *v, const char *name, uint8_t cid,
		       uint64_t marker, bool counter_ok);

/* One update at monotonic now from ex's state and pairs' readings: 0 when
 * v->content is new and is to be written to the page; -EAGAIN when no
 * paired reading was usable (logged, rate-limited): the page stays as it
 * was. */
int exec_vmclock_update(struct exec_vmclock *v, const struct exec *ex,
			int64_t now, exec_vmclock_pairs_fn pairs, void *ctx);

#endif
