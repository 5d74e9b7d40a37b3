/*
 * mgmt/metrics_render.h — hvptpd's metrics in the Prometheus text format.
 *
 * Two steps, so that the text can be tested without HTTP: a snapshot
 * (struct metrics_snapshot) copies what the core knows — data sets, port
 * states, counters, the servo's last report — plus what only the daemon
 * knows (the disciplined clock's name, socket-level counters, uptime and
 * CPU time); metrics_render() turns a snapshot into the text exposition
 * format 0.0.4: one family per concept, each with # HELP and # TYPE lines,
 * base units (seconds, ratios), counters ending in _total, labels port
 * (portNumber), interface and, for the families of the host's clocks and
 * their servos, clock.  Label values are escaped (\\, \", \n).  Values
 * that are not known are left out (the family's HELP and TYPE stay): the
 * offset and path delay when no port is a slave, a clock's offset before
 * it was measured, a servo's state and frequency while it does not steer
 * its clock (free-running, or a follower whose reference has no time
 * yet), time-error estimates while none is known, the lock history of a
 * clock hvptpd does not adjust (none) or before its first servo state,
 * its time to first lock before it, MTBF before a loss and MTTR before a
 * recovery.  The host checks are a
 * state set per check (ok, finding, unknown).  Messages a port had no use
 * for (bc_drop_is_ignored) are counted apart from those dropped as bad or
 * unexpected input.
 *
 * No I/O: snprintf into the caller's buffer only.
 */
#ifndef HVPTP_MGMT_METRICS_RENDER_H
#define HVPTP_MGMT_METRICS_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/bc.h"
#include "bc/mgmt.h"
#include "mgmt/uds.h"
#include "vm/feeds.h"

#define METRICS_NAME_LEN 64

struct metrics_port_snap {
	int index; /* the core's port index (portNumber - 1) */
	char name[BC_PORT_NAME_LEN]; /* interface */
	uint16_t number; /* portNumber */
	enum port_state state; /* portState */
	struct bc_port_counters c;
	enum bc_fault fault; /* the last fault's reason (bc_port_status) */
	uint64_t fm_dropped; /* Announces the foreign-master table had no
				room for (bc_port_fm_overflows) */
	uint64_t fm_evicted; /* its records given up for a newcomer */
	/* from the daemon's sockets (have_socket: filled) */
	bool have_socket;
	uint64_t rx_truncated; /* datagram larger than a PTP message */
	uint64_t rx_no_timestamp; /* event message without a timestamp */
	uint64_t rx_errors; /* recvmsg failed */
	uint64_t tx_ts_unmatched; /* TX timestamp for no pending message */
};

/* One clock of the host's clock set (bc_clock_info, index k). */
struct metrics_clock_snap {
	bool present;
	struct bc_clock_info ci; /* as the core has it (HVPTP_CLOCKS_NP) */
	double offset_age_s; /* since ci.at_ns; < 0: no offset */
	/* its lock history's figures at the snapshot (ci.lock_applicable
	 * and lock.started: known) */
	struct cm_lockhist_fig lock;
	/* the daemon's clock set (have_readings: filled) */
	bool have_readings;
	uint64_t readings; /* paired readings against the reference */
	uint64_t read_errors; /* paired readings that failed */
};

struct metrics_snapshot {
	const char *version; /* HVPTP_VERSION */
	char clock_name[METRICS_NAME_LEN]; /* "/dev/ptp0", "CLOCK_REALTIME" */
	struct default_ds dds;
	struct current_ds cds;
	struct parent_ds pds;
	struct time_properties_ds tp;
	int slave_port; /* index of the SLAVE/UNCALIBRATED port, or -1 */
	struct bc_servo_status servo;
	double sample_age_s; /* since the servo's last sample; < 0: none */
	double locked_for_s; /* since the servo locked; < 0: not locked */
	struct bc_clock_counters cc;
	struct bc_mgmt_counters mc;
	int nports;
	struct metrics_port_snap port[BC_MAX_PORTS];
	/* the host's clocks (none present: the servo's families come from
	 * the servo status, for the disciplined clock only) and the host
	 * checks (HVPTP_HOST_NP) */
	struct metrics_clock_snap clock[BC_MAX_CLOCKS];
	struct bc_host_info host;
	/* the alarms (daemon/alarm.h), as the core has them */
	int nalarms;
	struct bc_alarm_info alarm[BC_MAX_ALARMS];
	/* the process and the exporter; < 0: unknown (left out) */
	double uptime_s;
	double cpu_s;
	/* the executor's (daemon/executor.h) */
	uint64_t action_overflows; /* core actions that did not fit */
	uint64_t send_errors; /* sends that failed (port faulted) */
	/* ports as interfaces came and went (daemon/ports.c; have_ports:
	 * filled): pattern ports added and removed, fixed ports whose
	 * interface came back, interfaces not served (max_ports reached) */
	bool have_ports;
	uint64_t ports_added, ports_removed, ports_reopened, ports_refused;
	/* the management sockets' (have_uds false: none open) */
	bool have_uds;
	struct mgmt_uds_stats uds;
	uint64_t http_requests; /* answered GET /metrics */
	uint64_t textfile_writes;
	uint64_t textfile_errors;
	/* chronyd's and ntpd's feeds (daemon/feed.h; have_*: configured) */
	struct vm_feeds_stats feed;
};

/* Copy the core's state into s (everything but the daemon's and the
 * exporter's fields, which are zeroed or set unknown).  now: monotonic ns,
 * for the sample age. */
void metrics_snapshot_from_bc(struct metrics_snapshot *s,
			      const struct bc *bc, int64_t now);

/* The exposition text of s into buf[0..cap), NUL-terminated; *len (may be
 * NULL) is its length without the NUL.  0, or -ENOSPC when cap is too
 * small (buf then holds a truncated text: do not publish it). */
int metrics_render(const struct metrics_snapshot *s, char *buf, size_t cap,
		   size_t *len);

#endif
