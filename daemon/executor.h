/*
 * daemon/executor.h — carries out the core's actions and the servos'
 * decisions.
 *
 * The executor takes the struct bc_actions the core returns and does what
 * they say through a platform table: send a message, arm or stop a timer.
 * The host's clocks are a clock set (daemon/clockset.h): offset samples go
 * to the discipline of the sampling port's clock, which is made the
 * reference first if it is not (the slave port moved to a port on another
 * clock: roles move, nothing steps); the discipline decides and the
 * executor applies the decision to that clock and tells the core
 * (bc_clock_stepped for that clock's ports only, bc_servo_state).  A step
 * of the reference is passed on to the clocks that follow it, so they stay
 * in step with it.  Every follow interval the executor takes a paired
 * reading of each follower against the reference and applies its
 * discipline's verdict (its own timer, EXEC_TMR_FOLLOW) — once the
 * reference carries time worth following (it locked to a master, or it is
 * the system clock; as a grandmaster the other PHCs follow it, the system
 * clock only with a clockClass below 248: exec_may_steer), so that a PHC
 * not yet synchronised never drags the system clock along; the offsets are
 * taken on one timescale with the UTC offset of timePropertiesDS
 * (bc_utc_offset) for the clocks that keep UTC.  Parent and state changes
 * reset the reference's servo.
 *
 * Once a second it looks at time itself (daemon/exec_time.c): the leap
 * second announced, latched and given to the core; the kernel's leap
 * state, TAI offset and error bounds when hvptpd adjusts the system
 * clock; the UTC offset and leap a grandmaster announces (leapfile).
 *
 * Holdover: when the core reports a new parent that is the clock itself
 * (PARENT_CHANGED with own set: the slave port lost its master and no
 * other master is better than the clock's own data set), the reference's
 * discipline enters holdover (the last good frequency held; nothing
 * happens if it never had one).  Before every event it handles the
 * executor then asks the discipline for the clockClass its time error
 * estimate calls for and gives it to the core (bc_set_clock_quality:
 * defaultDS, and the Announce content while the clock is its own
 * grandmaster); a new parent that is not the clock ends holdover and
 * brings the configured clockQuality back.  The estimate goes into the
 * core's servo status (te_estimate_ns, holdover) for management and
 * metrics.  It also writes the per-sample and the periodic summary log
 * lines.  No syscalls of its own: the daemon's platform wraps transports,
 * the timer heap and the real clocks, the simulator's wraps simulated
 * links, virtual time and simulated clocks, so both run exactly this
 * logic.
 */
#ifndef HVPTP_DAEMON_EXECUTOR_H
#define HVPTP_DAEMON_EXECUTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "bc/bc.h"
#include "bc/mgmt.h"
#include "common/stats.h"
#include "daemon/clockset.h"
#include "servo/discipline.h"

/* The executor's own timers: armed through the platform with port -1. */
enum exec_timer {
	EXEC_TMR_FOLLOW, /* paired readings of the followers */
	EXEC_TMR_TIME, /* once a second: leap second, kernel, GM's UTC */
	EXEC_TMR_COUNT
};

struct exec_platform {
	void *ctx;
	/* Send; for event messages the platform must later call
	 * bc_port_tx_ts(token) (via exec_tx_ts) or let it time out.
	 * Returns 0 or -errno (the executor reports a fault on the port). */
	int (*send)(void *ctx, int port, bool event, enum bc_dest dest,
		    const struct bc_addr *addr, const uint8_t *buf, size_t len,
		    uint32_t token);
	/* Timers: a port's (timer: bc_timer_make(slot, kind)) or, with port -1,
	 * the executor's (an enum exec_timer); due timers come back through
	 * exec_timer() with the same pair. */
	void (*timer_arm)(void *ctx, int port, int timer, int64_t at_ns);
	void (*timer_stop)(void *ctx, int port, int timer);
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
	struct clockset *cs;
	struct exec_platform plat;
	int summary_log; /* summary_interval, log2 s */
	bool summary_lines; /* summary instead of per-sample lines */
	int8_t log_sync_interval; /* as last seen in samples */
	bool have_interval;
	struct exec_last last;
	uint64_t send_errors;
	uint64_t action_overflows;
	/* management answers (SEND_GENERAL port -1) go here while
	 * exec_mgmt runs; at other times they are counted and dropped */
	void (*reply)(void *ctx, const uint8_t *buf, size_t len);
	void *reply_ctx;
	uint64_t mgmt_unanswered;
	int depth; /* nesting of exec_run (servo verdicts) */
	int64_t follow_next; /* deadline of EXEC_TMR_FOLLOW, 0: not armed */
	/* the reference has time from a master (it locked; holdover keeps
	 * it) or is the system clock; see exec_may_steer */
	bool ref_timed;
	/* time itself (daemon/exec_time.c) */
	bool kernel_leap; /* kernel_leap */
	const struct leap_table *leapfile; /* leapfile, or NULL */
	bool leapfile_stale_said;
	int64_t time_next; /* deadline of EXEC_TMR_TIME */
	int tai_set; /* ADJ_TAI last set, -1 none */
	int kleap_set; /* STA_INS (1) / STA_DEL (-1) armed by us */
	int kleap_hold; /* ticks before arming again (after a step) */
	uint64_t sys_steps_seen; /* the system clock's steps at the last tick */
	bool leap_handled; /* the latched leap's instant was dealt with */
	uint64_t sync_errors; /* set_sync failures */
	/* holdover */
	bool holdover; /* the discipline holds the last good frequency */
	/* the last foreign grandmaster followed: a different one may keep
	 * another time base, so the first step rule applies again */
	bool have_gm;
	struct clock_identity gm;
	uint8_t class_set; /* clockClass given to the core, 0 = base */
	/* the status's window of Sync samples (bc_servo_window): the one
	 * being filled since win_start, and the last complete one */
	struct cm_stats win_offset, win_freq, win_delay;
	int64_t win_start, win_last;
	struct bc_servo_window win_done;
};

/* The length of the status's sample window (bc_servo_window). */
#define EXEC_WINDOW_NS (60 * NS_PER_SEC)

/* cs must be started (cs_start) and outlive the executor. */
void exec_init(struct exec *ex, struct bc *bc, struct clockset *cs,
	       const struct exec_platform *plat, int summary_interval);
/* kernel_leap and leapfile (the table must outlive the executor; NULL:
 * none).  Before exec_start. */
void exec_set_time(struct exec *ex, bool kernel_leap,
		   const struct leap_table *leapfile);
/* Before the clocks go: a leap armed in the kernel by us is disarmed. */
void exec_close(struct exec *ex);
/* Carry out every action in acts (and what the core answers to them). */
void exec_run(struct exec *ex, struct bc_actions *acts, int64_t now);

/* Convenience wrappers: feed an event to the core and run its actions. */
int exec_rx(struct exec *ex, int port, const uint8_t *buf, size_t len,
	    tmv_t rx_ts, const struct bc_addr *src, int64_t now);
int exec_tx_ts(struct exec *ex, int port, uint32_t token, tmv_t ts,
	       int64_t now);
/* A due timer: a port's, or with port -1 the executor's own. */
int exec_timer(struct exec *ex, int port, int timer, int64_t now);
int exec_link(struct exec *ex, int port, bool up, int64_t now);
int exec_fault(struct exec *ex, int port, int64_t now);
/* A port that came (its clock, cfg->clock, already in the set): its
 * index, or the core's -errno (bc_port_add).  A port that went: the core
 * disables and forgets it (bc_port_remove). */
int exec_port_add(struct exec *ex, const struct bc_port_cfg *cfg, int64_t now);
int exec_port_remove(struct exec *ex, int port, int64_t now);
/* A reload: the port's new configuration (bc_port_reconfigure), and the
 * summary_interval. */
int exec_port_reconfigure(struct exec *ex, int port,
			  const struct bc_port_cfg *cfg, int64_t now);
void exec_set_summary(struct exec *ex, int summary_interval);
/* The clock set's servos were made again (cs_reconfigure). */
void exec_servos_renewed(struct exec *ex);
/* After a servo was reset or made again: the state shown everywhere (the
 * clock table, HVPTP_SERVO_STATUS_NP) is the servos' own now, not the
 * verdict of the last sample. */
void exec_servo_state_now(struct exec *ex, int64_t now);
int exec_start(struct exec *ex, int64_t now);
/*
 * A management request from a local client (a parsed struct bc_mgmt_req,
 * bc/mgmt.h): the core answers it and the executor carries out every
 * action it takes, so that a SET that arms timers or changes port state
 * keeps its effects; each answer goes to reply(ctx, msg, len).  read_only:
 * SET and COMMAND are refused (the read-only socket).  Returns what
 * bc_mgmt_resume() returned for the last part (0, or -EBADMSG).
 */
int exec_mgmt(struct exec *ex, const struct bc_mgmt_req *r, bool read_only,
	      int64_t now,
	      void (*reply)(void *ctx, const uint8_t *buf, size_t len),
	      void *ctx);
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

/* daemon/exec_clocks.c: the clock set's side of the executor. */
/* Apply a decision to clock k; a step goes to the core (that clock's
 * ports) and, for the reference, to its followers. */
void exec_clock_apply(struct exec *ex, int k, struct disc_result *r,
		      int64_t now);
/* The sample's port is on clock k: make k the reference if it is not. */
void exec_clock_reference(struct exec *ex, int k, int64_t now);
/* Tell the core what every clock is doing (bc_set_clock_info), for
 * management and metrics, its lock history brought to now first
 * (cs_track_locks); after samples, readings, role moves and a reset of
 * the reference's servo. */
void exec_clocks_publish(struct exec *ex, int64_t now);
/* Tell the core clock k was stepped by step_ns (its ports' stored times
 * move with it). */
void exec_tell_step(struct exec *ex, int k, int64_t step_ns, int64_t now);
/* This clock is the grandmaster: no slave port, a port in MASTER and
 * parentDS naming the clock itself. */
bool exec_is_gm(const struct exec *ex);
/* May follower c be steered onto the reference now (exec_clocks.c)? */
bool exec_may_steer(const struct exec *ex, const struct cs_clock *c);
/* Arm the followers' timer (at start). */
void exec_follow_start(struct exec *ex, int64_t now);
/* EXEC_TMR_FOLLOW is due: read and steer every follower. */
void exec_follow(struct exec *ex, int64_t now);

/* daemon/exec_time.c: leap seconds, the kernel's time state, the GM's
 * UTC offset, once a second. */
void exec_time_start(struct exec *ex, int64_t now);
void exec_time_tick(struct exec *ex, int64_t now);
void exec_time_close(struct exec *ex);

/* The system clock (CLOCK_REALTIME) as the kernel is told it, for what
 * shows it elsewhere (the vmclock page). */
struct exec_sys_sync {
	bool present; /* in the clock set (started) */
	bool adjusted; /* hvptpd steers it (not free_running, ...) */
	bool synced; /* adjusted, locked or holding over, bounds known */
	bool holdover; /* the reference holds its last frequency */
	double esterror_ns, maxerror_ns; /* against the GM; < 0 unknown */
	uint64_t steps; /* its steps so far: a change is a step */
};
void exec_sys_sync(const struct exec *ex, int64_t now,
		   struct exec_sys_sync *out);

#endif
