/*
 * mgmt/ctl.h — hvptpctl's commands: status, tracking, get, set, watch.
 *
 * mgmt_ctl_main() is the whole program (mgmt/hvptpctl.c only calls it):
 * options, one command, its output as aligned text for people or as one
 * JSON document for programs (--json; watch: one JSON object per line),
 * and the exit code: 0 ok, 1 the daemon answered with an error, 2 usage,
 * 3 cannot reach the daemon (with a hint).  The JSON schema is
 * docs/hvptpctl.schema.json, documented in docs/hvptpctl.md.
 *
 * The status screen is built by mgmt_status_build() from the answers to a
 * handful of GETs, a pure function so that tests can feed it answers made
 * by a core in the test (mgmt/ctl_status.c; the host's clocks and the
 * host checks in mgmt/ctl_clocks.c; what the clock is disciplined by, the
 * time properties and the tracking summary in mgmt/ctl_tracking.c).
 */
#ifndef HVPTP_MGMT_CTL_H
#define HVPTP_MGMT_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include "mgmt/client.h"
#include "mgmt/tree.h"

/* The "schema_version" member of every JSON document. */
#define MGMT_CTL_SCHEMA_VERSION 1

/* Run hvptpctl with argv; output to out, messages to err.  Returns the
 * exit code. */
int mgmt_ctl_main(int argc, char **argv, FILE *out, FILE *err);

/* The answers the status screen is made of (NULL: not asked / failed). */
struct mgmt_status_in {
	const struct mgmt_replies *dds; /* DEFAULT_DATA_SET (required) */
	const struct mgmt_replies *cur; /* CURRENT_DATA_SET */
	const struct mgmt_replies *parent; /* PARENT_DATA_SET */
	const struct mgmt_replies *servo; /* HVPTP_SERVO_STATUS_NP */
	const struct mgmt_replies *props; /* PORT_PROPERTIES_NP, all */
	const struct mgmt_replies *stats0, *stats1; /* PORT_STATS_NP */
	const struct mgmt_replies *drops; /* HVPTP_PORT_DROPS_NP, all */
	const struct mgmt_replies *clocks; /* HVPTP_CLOCKS_NP */
	const struct mgmt_replies *host; /* HVPTP_HOST_NP */
	const struct mgmt_replies *hwclock; /* PORT_HWCLOCK_NP, all */
	const struct mgmt_replies *tp; /* TIME_PROPERTIES_DATA_SET */
	const struct mgmt_replies *path; /* PATH_TRACE_LIST */
	const struct mgmt_replies *pstatus; /* HVPTP_PORT_STATUS_NP, all */
	const struct mgmt_replies *locks; /* HVPTP_LOCK_HISTORY_NP */
	const struct mgmt_replies *alarms; /* HVPTP_ALARMS_NP */
	const struct mgmt_replies *foreign; /* HVPTP_FOREIGN_MASTERS_NP, all */
	double interval_s; /* between stats0 and stats1; 0: no rates */
	int64_t now_mono_ns; /* CLOCK_MONOTONIC now, for the ages (the
				servo's last sample, its lock, its and the
				ports' last state change); 0: unknown */
	int64_t wall_ns; /* CLOCK_REALTIME now (UTC), for the lock
			    changes' wall times; 0: unknown */
};

/* Fill the root object of t with "clock", "rate_interval_s", "ports",
 * "clock_tree", "host_checks" and "alarms" (the caller adds the envelope).  0,
 * -EBADMSG (no usable DEFAULT_DATA_SET), -ENOSPC. */
int mgmt_status_build(struct mgmt_tree *t, const struct mgmt_status_in *in);
/* The status screen: the clock block, the host's clocks, the table of
 * ports, the host checks. */
int mgmt_status_print_text(FILE *f, const struct mgmt_tree *t);

/* hvptpctl tracking, in the spirit of chronyc tracking: the root object
 * of t (the caller adds the envelope) from a status tree st (made by
 * mgmt_status_build): reference, grandmaster, steps removed, offsets,
 * frequency, path delay, leap status, UTC offset; null for what is not
 * known.  0 or -ENOSPC. */
int mgmt_tracking_build(struct mgmt_tree *t, const struct mgmt_tree *st);
int mgmt_tracking_print_text(FILE *f, const struct mgmt_tree *t);

#endif
