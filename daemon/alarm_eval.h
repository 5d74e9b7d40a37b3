/*
 * daemon/alarm_eval.h — which alarms the host has and what each watches.
 *
 * An alarm set holds one alarm (common/alarm.h: the state machine) per
 * kind and subject: for the clock as a whole (path delay jump, delay
 * variation, grandmaster change, clockClass, holdover), for every clock
 * of the clock set (time error, frequency, drift rate, step) and for
 * every port (FAULTY, TX timestamp lost, foreign-master overflow).  Each
 * tick, alarm_set_update() reads what the core already knows (the clock
 * info the executor publishes, the servo status and its window, parentDS,
 * port states and counters) and runs every alarm; what it cannot know is
 * unknown, never 0:
 *
 *  - time_error: |offset| of an adjusted clock against its source: the
 *    reference against the master (with a slave port), a follower against
 *    the reference (while it is steered onto it);
 *  - frequency: |frequency| set on an adjusted clock;
 *  - drift_rate: the change of an adjusted clock's mean frequency from one
 *    minute (ALARM_DRIFT_BLOCK_NS) to the next, per second: a servo's
 *    sample-to-sample noise does not count, a temperature ramp does;
 *  - path_delay_jump: |the last mean path delay - the mean of the
 *    status's window| (a step shows until a window has the new delay);
 *  - delay_variation: the standard deviation of the path delay over the
 *    status's window (two samples at least);
 *  - grandmaster_change: grandmasterIdentity differs from the one before
 *    (to another, to this clock itself when the master is lost, back);
 *    the first grandmaster after start is not a change;
 *  - clock_class: the grandmaster's clockClass (with a slave port) above
 *    the threshold (numerically greater is worse);
 *  - holdover: the reference holds its last frequency (an adjusted
 *    reference only);
 *  - port_faulty, tx_timestamp_lost, foreign_master_overflow: the port's
 *    state, its TX timestamp timeouts, its foreign-master table overflows;
 *  - clock_step: the clock's steps.
 * Level alarms clear below 80 % of their bound (hysteresis), clockClass
 * and states at the bound.  A bound of 0 turns an alarm off.
 *
 * Pure (the core's getters and the struct): the daemon's service
 * (daemon/alarm.c) and the simulator run the same code.
 */
#ifndef HVPTP_DAEMON_ALARM_EVAL_H
#define HVPTP_DAEMON_ALARM_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bc/bc.h"
#include "common/alarm.h"

#define ALARM_MAX_PORTS 60 /* ports watched (by index); more are not */
#define ALARM_CLOCK_KINDS 4 /* time_error, frequency, drift_rate, step */
#define ALARM_PORT_KINDS 3 /* faulty, tx timestamp lost, fm overflow */
#define ALARM_GLOBAL_KINDS 5
#define ALARM_SLOTS                                                     \
	(ALARM_GLOBAL_KINDS + BC_MAX_CLOCKS * ALARM_CLOCK_KINDS +       \
	 ALARM_MAX_PORTS * ALARM_PORT_KINDS)
#define ALARM_DRIFT_BLOCK_NS (60 * NS_PER_SEC)
#define ALARM_HYSTERESIS 0.8 /* level alarms clear at 80 % of the bound */

/* The settings: per kind the option alarm_<kind> (the bound in the kind's
 * unit; 1 turns an event alarm on; 0 off) and alarm_<kind>_hold (s). */
struct alarm_cfg {
	double bound[ALARM_KIND_COUNT];
	int hold_s[ALARM_KIND_COUNT];
};

struct alarm_entry {
	uint8_t kind; /* enum alarm_kind */
	int subj; /* the clock or port index, -1: the clock as a whole */
	struct alarm_state st;
	double shown; /* the value told: the level, or the events so far */
	uint64_t seq; /* the set's change that last moved it, 0 none */
};

struct alarm_clock_mem {
	bool have_steps;
	uint64_t steps;
	/* the drift rate: */
	double blk_sum; /* the minute being filled */
	int blk_n;
	int64_t blk_start;
	bool have_prev; /* the last whole minute's mean */
	double prev_mean;
	bool have_drift;
	double drift;
};

struct alarm_port_mem {
	bool have_tx, have_fm;
	uint64_t txts, fm;
};

struct alarm_set {
	struct alarm_cfg cfg;
	struct alarm_entry e[ALARM_SLOTS];
	struct alarm_clock_mem cm[BC_MAX_CLOCKS];
	struct alarm_port_mem pm[ALARM_MAX_PORTS];
	bool have_gm; /* the grandmaster followed last */
	struct clock_identity gm;
	uint64_t gm_changes;
	uint64_t seq; /* raises and clears so far */
};

/* One raise or clear of a tick. */
struct alarm_event {
	int slot;
	enum alarm_change change;
};

/* The defaults (what hvptpd.conf(5) says). */
void alarm_cfg_default(struct alarm_cfg *c);
void alarm_set_init(struct alarm_set *s, const struct alarm_cfg *cfg);
/* A reload's settings: bounds and holds change, states stay. */
void alarm_set_configure(struct alarm_set *s, const struct alarm_cfg *cfg);
/* One tick: every alarm; its raises and clears in ev (up to max; the
 * count of them all is returned). */
int alarm_set_update(struct alarm_set *s, const struct bc *bc, int64_t now,
		     struct alarm_event *ev, int max);
/* The alarms of the subjects present, for bc_set_alarms (up to max);
 * the count. */
int alarm_set_export(const struct alarm_set *s, const struct bc *bc,
		     struct bc_alarm_info *out, int max);
/* A slot's subject ("clock", the clock's name, the port's interface) and
 * the bound it is held to. */
const char *alarm_set_subject(const struct alarm_set *s, const struct bc *bc,
			      int slot);
double alarm_set_bound(const struct alarm_set *s, int slot);

#endif
