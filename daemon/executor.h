/*
 * daemon/executor.h — carries out the core's actions.
 *
 * The executor takes the struct bc_actions the core returns and does what
 * they say through a platform table: send a message, arm or stop a timer.
 * Offset samples go to the discipline (servo/discipline.h), whose verdict is
 * told back to the core (bc_clock_stepped, bc_servo_state); parent and state
 * changes reset the servo.
 *
 * Holdover: when the core reports a new parent that is the clock itself
 * (PARENT_CHANGED with own set: the slave port lost its master and no
 * other master is better than the clock's own data set), the discipline
 * enters holdover (the last good frequency held; nothing happens if it
 * never had one).  Before every event it handles the executor then asks
 * the discipline for the clockClass its time error estimate calls for and
 * gives it to the core (bc_set_clock_quality: defaultDS, and the Announce
 * content while the clock is its own grandmaster); a new parent that is
 * not the clock ends holdover and brings the configured clockQuality back.
 * The estimate goes into the core's servo status (te_estimate_ns,
 * holdover) for management and metrics.  It also writes the per-sample and the periodic
 * summary log lines.  No syscalls of its own: the daemon's platform wraps
 * transports and the timer heap, the simulator's wraps simulated links and
 * virtual time, so both run exactly this logic.
 */
#ifndef HVPTP_DAEMON_EXECUTOR_H
#define HVPTP_DAEMON_EXECUTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "bc/bc.h"
#include "servo/discipline.h"

struct exec_platform {
	void *ctx;
	/* Send; for event messages the platform must later call
	 * bc_port_tx_ts(token) (via exec_tx_ts) or let it time out.
	 * Returns 0 or -errno (the executor reports a fault on the port). */
	int (*send)(void *ctx, int port, bool event, enum bc_dest dest,
		    const struct bc_addr *addr, const uint8_t *buf, size_t len,
		    uint32_t token);
	void (*timer_arm)(void *ctx, int port, enum bc_timer t, int64_t at_ns);
	void (*timer_stop)(void *ctx, int port, enum bc_timer t);
	/* Optional observers (metrics, the simulator's bookkeeping). */
	void (*on_sample)(void *ctx, int port, const struct bc_sample *s,
			  const struct disc_result *r);
	void (*on_state)(void *ctx, int port, enum port_state from,
			 enum port_state to, enum bc_event ev);
	void (*on_parent)(void *ctx);
};

/* The last sample and servo output, for status and metrics. */
struct exec_last {
	bool valid;
	int64_t offset_ns;
	int64_t path_delay_ns;
	double freq_ppb;
	enum servo_state servo_state;
	int64_t at_ns; /* monotonic time of the sample */
};

struct exec {
	struct bc *bc;
	struct disc *disc;
	struct exec_platform plat;
	int summary_log; /* summary_interval, log2 s */
	bool summary_lines; /* summary instead of per-sample lines */
	int8_t log_sync_interval; /* as last seen in samples */
	bool have_interval;
	struct exec_last last;
	uint64_t send_errors;
	uint64_t action_overflows;
	int depth; /* nesting of exec_run (servo verdicts) */
	/* holdover */
	bool holdover; /* the discipline holds the last good frequency */
	/* the last foreign grandmaster followed: a different one may keep
	 * another time base, so the first step rule applies again */
	bool have_gm;
	struct clock_identity gm;
	uint8_t class_set; /* clockClass given to the core, 0 = base */
};

void exec_init(struct exec *ex, struct bc *bc, struct disc *disc,
	       const struct exec_platform *plat, int summary_interval);
/* Carry out every action in acts (and what the core answers to them). */
void exec_run(struct exec *ex, struct bc_actions *acts, int64_t now);

/* Convenience wrappers: feed an event to the core and run its actions. */
int exec_rx(struct exec *ex, int port, const uint8_t *buf, size_t len,
	    tmv_t rx_ts, const struct bc_addr *src, int64_t now);
int exec_tx_ts(struct exec *ex, int port, uint32_t token, tmv_t ts,
	       int64_t now);
int exec_timer(struct exec *ex, int port, enum bc_timer t, int64_t now);
int exec_link(struct exec *ex, int port, bool up, int64_t now);
int exec_fault(struct exec *ex, int port, int64_t now);
int exec_start(struct exec *ex, int64_t now);
/* Run the state decision if one is due. */
void exec_state_decision(struct exec *ex, int64_t now);
/* Holdover bookkeeping (clockClass, status); the wrappers call it before
 * every event, a platform without events for a while may call it too. */
void exec_holdover_tick(struct exec *ex, int64_t now);
/* Write the summary line (called every 2^summary_interval s when
 * summary_lines is set). */
void exec_summary(struct exec *ex);
/* Next summary interval in ns, or 0 when per-sample lines are written. */
int64_t exec_summary_period_ns(const struct exec *ex);

#endif
