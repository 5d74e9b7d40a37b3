/*
 * servo/discipline.h — the discipline policy: from offset samples to a clock.
 *
 * One struct disc disciplines one clock with one servo.  It owns the policy
 * around the servo: free-running mode (measure and report, never adjust),
 * the first step and step thresholds, the max_frequency clamp, the
 * sanity_freq_limit check (a clock that drifts faster than that against the
 * monotonic clock was disturbed: reset), and statistics for the periodic
 * summary line.  Before the servo, the measurement filter (servo/pathsel.h)
 * chooses the path delay the offsets use and weighs each sample (Syncs,
 * and for the Kalman servo the Delay_Req exchanges too); around it,
 * holdover (servo/holdover.h, servo/disc_hold.c) holds the servo's last
 * frequency estimate when the master is lost and estimates the time error
 * since.
 *
 * It decides; it never touches a clock.  A sample (disc_sample_in) yields
 * a decision in res->act: step the clock by step_ns, then set its
 * frequency.  The executor applies it through the clock's struct hwclock
 * and reports back with disc_applied(), which finishes the sample's
 * bookkeeping (a failed clock op resets the servo, as linuxptp does) and
 * completes res (stepped, error); the executor then tells the core
 * (bc_clock_stepped, bc_servo_state).  Every disc_sample_in() must be
 * followed by disc_applied() before the next sample, even when res->act
 * asks for nothing.  Holdover's frequency is applied the same way
 * (disc_holdover_enter gives it, disc_freq_applied confirms).  Shared by
 * the daemon and the simulator.  Pure: no syscalls, no clock reads.
 */
#ifndef HVPTP_SERVO_DISCIPLINE_H
#define HVPTP_SERVO_DISCIPLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/stats.h"
#include "servo/holdover.h"
#include "servo/pathsel.h"
#include "servo/servo.h"

struct disc_cfg {
	enum servo_type servo_type; /* clock_servo */
	struct servo_params servo; /* PI constants, thresholds, max freq */
	bool free_running; /* free_running: never adjust the clock */
	int sanity_freq_limit_ppb; /* sanity_freq_limit, 0 = off */
	struct psel_cfg psel; /* measurement filter (servo/pathsel.h) */
	struct holdover_cfg hold; /* clockClass in holdover */
};
void disc_cfg_default(struct disc_cfg *c);

/* What the executor must do to the clock: step first, then set the
 * frequency (each only when asked). */
struct disc_action {
	bool step;
	int64_t step_ns; /* add this to the clock */
	bool set_freq;
	double freq_ppb; /* positive: faster */
};

struct disc_result {
	struct disc_action act; /* decided by disc_sample_in */
	enum servo_state state;
	int64_t offset_ns; /* the offset the servo was given */
	double freq_ppb; /* frequency now set (or estimated, free-running) */
	bool stepped; /* the clock was stepped by step_ns */
	int64_t step_ns;
	bool reset; /* sanity check failed: servo reset, sample ignored */
	bool used; /* the sample was taken: by the servo (see struct
		      disc_input), or free-running, by the estimate */
	int error; /* 0, or the negative errno of a failed clock op */
	/* A Delay_Req exchange wanted on the sample's port, delay_req_in_ns
	 * from now: at once (0) when the measurement filter saw a Sync far
	 * off that only the other direction can confirm (servo/pathsel.h),
	 * later when the servo planned a correction that a measurement then
	 * is to end (servo_out.measure_in_ns).  The executor asks the core
	 * (bc_port_delay_req_at). */
	bool want_delay_req;
	int64_t delay_req_in_ns;
};

/* Summary statistics since the last disc_take_stats(). */
struct disc_stats {
	struct cm_stats offset; /* ns */
	struct cm_stats freq; /* ppb */
	struct cm_stats delay; /* ns */
};

struct disc;

/* The clock a discipline steers, as the executor read it at start:
 * its name (for logs), its frequency now (the servo starts there; ignored
 * when free-running) and its adjustment range. */
struct disc_clock {
	const char *name;
	double freq_ppb;
	double max_adj_ppb;
};

/* -EINVAL, -ENOMEM. */
int disc_create(struct disc **out, const struct disc_cfg *cfg,
		const struct disc_clock *clk);
void disc_destroy(struct disc *d);

/* What a sample measured (bc/bc.h, enum bc_sample_kind). */
enum disc_kind {
	DISC_SYNC = 0, /* a Sync: offset at t2, one way t2 - t1 - c1 */
	DISC_DELAY, /* a Delay_Req exchange: offset at t3, one way
		       t4 - t3 - c2 */
};

/*
 * Everything the core measured for one sample (struct bc_sample), for the
 * measurement filter.  have_one_way false: only offset, path delay and
 * local time are known (what disc_sample passes), and the filter stays
 * out.
 *
 * SYNC samples are what ptp4l's servo gets: every servo takes them, and
 * they alone feed the sanity check, the free-running estimate and the
 * summary statistics.  DELAY samples measure the other direction; they
 * reach the servo only when it takes both directions (the Kalman servo
 * with the measurement filter on: disc_two_way), and otherwise only feed
 * the filter's slave->master window; never PI or linreg, whose behaviour
 * stays linuxptp's.
 */
struct disc_input {
	enum disc_kind kind;
	int64_t offset_ns; /* local - master: offsetFromMaster (SYNC), or
			      (meanPathDelay - asymmetry) - one way (DELAY) */
	int64_t path_delay_ns; /* the core's filtered mean path delay */
	int64_t raw_delay_ns; /* its latest unfiltered delay */
	int64_t one_way_ns; /* SYNC: t2 - t1 - c1; DELAY: t4 - t3 - c2 */
	int64_t ingress_ns; /* t2 (SYNC) or t3 (DELAY), disciplined clock */
	int64_t origin_ns; /* t1 + c1 (SYNC) or t4 - c2 (DELAY), master */
	bool have_one_way; /* one_way_ns, raw_delay_ns and origin_ns are set */
	int64_t mono_ns; /* the caller's monotonic time now */
};
/* res->used tells whether the servo took the sample.  A DELAY sample the
 * servo does not take only feeds the filter (whose better delay may move
 * a one-way servo's phase: servo_rebase); the clock is not touched.  The
 * decision is in res->act; -EINVAL for bad arguments. */
int disc_sample_in(struct disc *d, const struct disc_input *in,
		   struct disc_result *res);
/* The executor applied res->act: step_err is the step's result (0 when
 * none was asked), freq_err the frequency's (a failed step leaves the
 * frequency unset: pass 0).  Completes res: state, freq_ppb, stepped,
 * step_ns, error (the first failure; the servo is then reset). */
void disc_applied(struct disc *d, struct disc_result *res, int step_err,
		  int freq_err, int64_t mono_ns);
/* The servo takes DELAY samples as well as SYNC ones: the Kalman servo
 * with the measurement filter on. */
bool disc_two_way(const struct disc *d);
/* The clock was stepped by someone else (a step of the reference passed
 * on to a follower): move what the discipline keeps in clock time. */
void disc_stepped(struct disc *d, int64_t step_ns);
/* The master changed or the sync interval did: start learning again. */
void disc_reset(struct disc *d);
/* A new time source: the next sample may step again under
 * first_step_threshold, as the first one after start did. */
void disc_rearm_first_step(struct disc *d);
/* Whether the next sample may still take the first step (no step or lock
 * yet since start or the last rearm), and setting it (a clock that takes
 * over another's role inherits its state). */
bool disc_first_step_pending(const struct disc *d);
void disc_set_first_step_pending(struct disc *d, bool pending);
void disc_sync_interval(struct disc *d, double interval_s);

enum servo_state disc_state(const struct disc *d);
enum servo_type disc_servo_type(const struct disc *d);
/* Is disc_freq_ppb() known: the frequency set on the clock, or when
 * free-running, an estimate over a first window done? */
bool disc_freq_known(const struct disc *d);
double disc_freq_ppb(const struct disc *d);
/*
 * Holdover (servo/holdover.h): the slave port lost its master.  enter
 * gives in *freq_ppb the servo's last frequency estimate, which the
 * executor sets on the clock and confirms with disc_freq_applied() (a
 * failure ends holdover); -ENODATA when the servo never had one
 * (free-running, or never locked): the clock just keeps its frequency.
 * A sample, or exit, ends holdover.
 */
int disc_holdover_enter(struct disc *d, int64_t mono_ns, double *freq_ppb);
void disc_freq_applied(struct disc *d, double freq_ppb, int err,
		       int64_t mono_ns);
/*
 * Feed-forward for a follower: the clock it tracks moved its frequency,
 * which moves this clock's source rate by delta_ppb (in this clock's
 * terms) from local time local_ns (this clock's) and monotonic mono_ns on.
 * Gives in *freq_ppb the frequency that cancels it (the one set plus
 * delta), which the servo takes as its own; the executor sets it on the
 * clock and confirms with disc_freq_applied() (a failure resets the
 * servo).  -EAGAIN while the servo does not steer the clock (not locked,
 * holdover, free-running, a sample waiting for disc_applied), -ERANGE
 * beyond the clock's range, -EOPNOTSUPP for a servo without it (linreg):
 * the servo then sees the move in its offsets, as phc2sys's would.
 */
int disc_freq_moved(struct disc *d, double delta_ppb, int64_t local_ns,
		    int64_t mono_ns, double *freq_ppb);
void disc_holdover_exit(struct disc *d);
bool disc_in_holdover(const struct disc *d);
/* Bound on |time error| now (ns): in holdover the growing estimate, when
 * tracking the servo's own (|phase| + 3 sd); < 0 when unknown. */
double disc_te_estimate(const struct disc *d, int64_t mono_ns);
/* The clockClass to announce now, 0 for the configured one (not in
 * holdover, or holdover_budget 0). */
uint8_t disc_clock_class(const struct disc *d, int64_t mono_ns);

/* Copy and clear the summary statistics. */
void disc_take_stats(struct disc *d, struct disc_stats *out);
struct servo *disc_servo(struct disc *d);

#endif
