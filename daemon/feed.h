/*
 * daemon/feed.h — the reference clock's time handed to chronyd and ntpd.
 *
 * A service of the poll loop (daemon/service.h) that, feed_rate times a
 * second, takes a sample of the reference clock against CLOCK_REALTIME and
 * writes it to chrony's SOCK refclock (chrony_sock) and/or an NTP SHM
 * segment (ntp_shm_segment), through vm/feeds.h.  The sample is the
 * offset of the reference's time, on UTC, from the system clock:
 *
 *     offset = (R - m(R) - u(R)) - S
 *
 * with R and S a paired reading of the reference and CLOCK_REALTIME
 * (hwclock sys_offset: PTP_SYS_OFFSET_* for a PHC), u(R) the UTC offset
 * in force at R (bc_utc_offset_at, leap second included) when the
 * reference keeps the PTP timescale (a PHC; 0 for CLOCK_REALTIME) and
 * m(R) the reference's offset from its master when hvptpd does not
 * adjust the reference (free_running): the last Sync's offsetFromMaster,
 * carried to R with the free-running frequency estimate.  An adjusted
 * reference is its own best estimate (m = 0): its servo works off the
 * residual.
 *
 * Only time worth having is fed (feed_decide), else the tick is skipped
 * and counted by reason:
 *
 * - a slave port and an adjusted reference: its servo is locked;
 * - a slave port and a measured-only reference (free_running): a Sync
 *   sample on it younger than max(2 s, 4 Sync intervals);
 * - holdover (the master lost): nothing.  chronyd sees the refclock go
 *   quiet and holds its own frequency, which is what hvptpd's holdover
 *   would give it, without stale offsets;
 * - grandmaster (no slave port): only when timePropertiesDS says the time
 *   is traceable (a clock with a real time source, clockClass < 248
 *   typically), never a free-running grandmaster's own PHC time;
 * - never a PHC's time on the ARB timescale (the grandmaster's own, not
 *   UTC); on ARB a measured CLOCK_REALTIME is fed as measured, taking
 *   the master to carry UTC as ptp4l -S grandmasters do (hvptpd's own
 *   servo would put the system clock there too);
 * - never within a second of a leap second (UTC is ambiguous there), and
 *   never CLOCK_REALTIME's own time: a reference that keeps UTC is only
 *   fed with a master's measurement (m above), else the feed would be
 *   circular.
 *
 * The leap field announces timePropertiesDS's leap61/leap59.  At start
 * feeds are refused (settings.c) when hvptpd adjusts CLOCK_REALTIME
 * itself (system_clock_sync 1 or a software port, unless free_running):
 * chronyd or ntpd steering the same clock from it would fight it.
 *
 * Delivery failures (chronyd not started yet: ENOENT, ECONNREFUSED) are
 * counted, logged at most once a minute, never fatal; the counters show
 * in the metrics (hvptp_feed_*) and through management (HVPTP_FEEDS_NP,
 * bc_set_feed_info after every tick).  Under clknetsim the service runs
 * as it is (chrony_sock's sends fail with EINVAL there, counted: no
 * simulated node listens), but ntp_shm_segment cannot be opened:
 * clknetsim's shmget serves only its own SHM refclock generator.
 */
#ifndef HVPTP_DAEMON_FEED_H
#define HVPTP_DAEMON_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/executor.h"
#include "vm/feeds.h"

/* The last Sync sample of the slave port (measured-only references). */
struct feed_meas {
	bool valid;
	int port;
	int64_t offset_ns; /* offsetFromMaster: local - master */
	int64_t ingress_ns; /* t2, the port's clock */
	int8_t log_sync_interval;
};

/* Remember a sample the executor reports (SYNC ones of the slave port). */
void feed_meas_update(struct feed_meas *m, const struct bc *bc, int port,
		      const struct bc_sample *s);

/* Decide and take this tick's sample (see the top): VM_FEED_OK with *out
 * filled, or the reason for skipping.  Reads the reference's clock. */
enum vm_feed_skip feed_decide(struct exec *ex, const struct feed_meas *m,
			      int readings, struct vm_feed_sample *out);

/* For hvd_open(): open the outputs the settings name and register the
 * service (nothing when neither is set).  0 or a negative errno. */
struct hvd;
int feed_add(struct hvd *d);

#endif
