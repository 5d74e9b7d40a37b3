/*
 * common/alarm.h — the alarm state machine, one alarm at a time.
 *
 * An alarm watches one value of one subject (a clock, a port, the clock
 * as a whole) against a rule: a bound and a hold time.  Each tick the
 * caller gives it the value now, or says the value is unknown.
 *
 *  - a level alarm (time error, frequency, drift rate, delay variation,
 *    path delay jump, clockClass, holdover, port FAULTY) is raised once
 *    the value has been above the bound for the whole hold time, and
 *    cleared once it has been at or below the clear bound (the bound
 *    less the rule's hysteresis) for the whole hold time: a short
 *    excursion raises nothing, a short dip clears nothing, and a value
 *    that hovers at the bound does not flap;
 *  - an event alarm (grandmaster change, clock step, TX timestamp lost,
 *    foreign-master table overflow) takes a count of events since the
 *    last tick: any raises it at once, and it clears once a whole hold
 *    time has passed without another.
 *
 * An unknown value (no slave port, a free-running clock, nothing measured
 * yet) never raises: the alarm becomes not applicable and, if it was
 * active, clears at once (what it watched is gone, not good again).  A
 * rule whose bound is off (ALARM_OFF) is not applicable either.
 *
 * Pure: times are the caller's monotonic ns, nothing is read or written
 * but the struct.
 */
#ifndef HVPTP_COMMON_ALARM_H
#define HVPTP_COMMON_ALARM_H

#include <stdbool.h>
#include <stdint.h>

/* The alarms hvptpd keeps (the order of HVPTP_ALARMS_NP's kind codes). */
enum alarm_kind {
	ALARM_TIME_ERROR, /* per clock: |offset| against its source, ns */
	ALARM_FREQUENCY, /* per clock: |frequency|, ppb */
	ALARM_DRIFT_RATE, /* per clock: |d frequency / dt|, ppb/s */
	ALARM_PATH_DELAY_JUMP, /* |mean path delay - the window's|, ns */
	ALARM_DELAY_VARIATION, /* the window's path delay sd, ns */
	ALARM_GRANDMASTER_CHANGE, /* grandmasterIdentity changed (event) */
	ALARM_CLOCK_CLASS, /* the grandmaster's clockClass */
	ALARM_HOLDOVER, /* the reference holds its last frequency */
	ALARM_PORT_FAULTY, /* per port: FAULTY */
	ALARM_CLOCK_STEP, /* per clock: stepped (event) */
	ALARM_TX_TIMESTAMP_LOST, /* per port: a TX timestamp never came */
	ALARM_FOREIGN_MASTER_OVERFLOW, /* per port: an Announce dropped */
	ALARM_KIND_COUNT
};
/* "time_error"..., NULL outside the enum; the unit of its value and
 * bound ("ns", "ppb", "ppb/s", "class", "state", "events"); the kind of a
 * name, or -1. */
const char *alarm_kind_name(unsigned k);
const char *alarm_kind_unit(unsigned k);
int alarm_kind_from_name(const char *name);

enum alarm_mode {
	ALARM_LEVEL, /* value > bound for hold: raised */
	ALARM_EVENT, /* events > 0: raised; hold without: cleared */
};

struct alarm_rule {
	enum alarm_mode mode;
	bool off; /* not watched: never applicable */
	double bound; /* raised above it (level) */
	double clear_bound; /* cleared at or below it (level; <= bound) */
	int64_t hold_ns; /* >= 0 */
};

/* What a tick did to an alarm. */
enum alarm_change {
	ALARM_SAME,
	ALARM_RAISED,
	ALARM_CLEARED,
};

struct alarm_state {
	bool applicable; /* the value is known and the rule is on */
	bool active;
	double value; /* the last known value (level) or events (event) */
	double peak; /* the worst value since the excursion began */
	int64_t since_ns; /* the last raise or clear, 0: never */
	int64_t pending_ns; /* when the value crossed (toward a change); -1 */
	int64_t last_event_ns; /* event mode: the last event */
	uint64_t raised; /* times raised */
};

void alarm_state_init(struct alarm_state *a);
/* One tick at now: known false means the value is unknown. */
enum alarm_change alarm_update(struct alarm_state *a,
			       const struct alarm_rule *r, bool known,
			       double value, int64_t now);
const char *alarm_change_name(enum alarm_change c);

#endif
