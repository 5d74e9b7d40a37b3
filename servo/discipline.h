/*
 * servo/discipline.h — the discipline policy: from offset samples to a clock.
 *
 * One struct disc disciplines one clock with one servo.  It owns the policy
 * around the servo: free-running mode (measure and report, never adjust),
 * the first step and step thresholds, the max_frequency clamp, the
 * sanity_freq_limit check (a clock that drifts faster than that against the
 * monotonic clock was disturbed: reset), and statistics for the periodic
 * summary line.  It applies the servo's verdict through the struct hwclock
 * ops and reports what it did; the executor then tells the core
 * (bc_clock_stepped, bc_servo_state).  Shared by the daemon and the
 * simulator.  No syscalls of its own: only the hwclock ops touch the clock.
 */
#ifndef HVPTP_SERVO_DISCIPLINE_H
#define HVPTP_SERVO_DISCIPLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/hwclock.h"
#include "common/stats.h"
#include "servo/servo.h"

struct disc_cfg {
	enum servo_type servo_type; /* clock_servo */
	struct servo_params servo; /* PI constants, thresholds, max freq */
	bool free_running; /* free_running: never adjust the clock */
	int sanity_freq_limit_ppb; /* sanity_freq_limit, 0 = off */
};
void disc_cfg_default(struct disc_cfg *c);

struct disc_result {
	enum servo_state state;
	double freq_ppb; /* frequency now set (or estimated, free-running) */
	bool stepped; /* the clock was stepped by step_ns */
	int64_t step_ns;
	bool reset; /* sanity check failed: servo reset, sample ignored */
	int error; /* 0, or the negative errno of a failed clock op */
};

/* Summary statistics since the last disc_take_stats(). */
struct disc_stats {
	struct cm_stats offset; /* ns */
	struct cm_stats freq; /* ppb */
	struct cm_stats delay; /* ns */
};

struct disc;

/* clk must outlive the disc.  Reads the clock's current frequency as the
 * servo's start (unless free-running).  -EINVAL, -ENOMEM, clock errors. */
int disc_create(struct disc **out, const struct disc_cfg *cfg,
		struct hwclock *clk);
void disc_destroy(struct disc *d);

/*
 * One sample: offset = local - master (ns), path_delay (ns, for stats),
 * local_ts = ingress time on the disciplined clock, mono_ns = the caller's
 * monotonic time now (for the sanity check).  Applies the servo's decision
 * unless free-running.  Returns 0 or the error of a failed clock op (also
 * in res->error).
 */
int disc_sample(struct disc *d, int64_t offset_ns, int64_t path_delay_ns,
		int64_t local_ts_ns, int64_t mono_ns, struct disc_result *res);
/* The master changed or the sync interval did: start learning again. */
void disc_reset(struct disc *d);
void disc_sync_interval(struct disc *d, double interval_s);

enum servo_state disc_state(const struct disc *d);
double disc_freq_ppb(const struct disc *d);
/* Copy and clear the summary statistics. */
void disc_take_stats(struct disc *d, struct disc_stats *out);
struct servo *disc_servo(struct disc *d);

#endif
