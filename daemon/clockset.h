/*
 * daemon/clockset.h — every clock of the host, each with its one servo.
 *
 * A clock set holds the host's clocks (each NIC's PHC, CLOCK_REALTIME) as
 * entries with their struct hwclock, their discipline (servo/discipline.h),
 * their role and their status; each port is bound to the clock that stamps
 * its packets.  Exactly one discipline steers each clock:
 *
 * - the reference is the clock of the SLAVE/UNCALIBRATED port; its
 *   discipline takes the PTP samples (the executor feeds them).  Without a
 *   slave port it stays where it was (holdover keeps its frequency); before
 *   the first one it is the configured grandmaster clock (reference_clock,
 *   by default the first port's).
 * - every other clock follows the reference through paired readings
 *   against the system clock (hwclock sys_offset; a PHC against another
 *   PHC through the system clock), at follow_interval, with a discipline of
 *   its own (the follower settings: servo, step thresholds).
 *
 * When the slave port moves to a port on another clock the roles move
 * with it (cs_set_reference): the new reference's discipline is created
 * afresh with the PTP settings, starting from the frequency the clock runs
 * at and inheriting the old reference's first-step state (a clock that
 * followed a synchronised reference does not step); the old reference
 * becomes a follower the same way.  Nothing is stepped by the move.
 *
 * Offsets between clocks are taken on one timescale: a clock that keeps UTC
 * (CLOCK_REALTIME) reads the UTC offset less than one on the PTP timescale
 * (TAI), so the offset of a follower is (F + utc(F)) - (R + utc(R)) with
 * utc(x) the UTC offset in force when x keeps UTC, else 0 (the executor
 * supplies it from timePropertiesDS, leap seconds included).
 *
 * A clock that is not adjusted (free_running, or system_clock_sync 0 for
 * CLOCK_REALTIME) is still read and its discipline runs free-running:
 * offsets and a frequency estimate, never an adjustment.
 *
 * The set applies its disciplines' decisions through the hwclock ops
 * (cs_apply): the servo decides, this executes.  It holds no core state:
 * the executor tells the core about steps (bc_clock_stepped) and roles.
 * No syscalls of its own: the daemon's hwclocks are the real ones, the
 * simulator's are simulated, and both run this code.
 */
#ifndef HVPTP_DAEMON_CLOCKSET_H
#define HVPTP_DAEMON_CLOCKSET_H

#include <stdbool.h>
#include <stdint.h>

#include "bc/bc.h"
#include "common/hwclock.h"
#include "common/lockhist.h"
#include "servo/discipline.h"

#define CS_MAX_CLOCKS BC_MAX_CLOCKS

enum cs_role {
	CS_ROLE_REFERENCE, /* disciplined from PTP samples */
	CS_ROLE_FOLLOWER, /* disciplined from paired readings */
};

struct cs_cfg {
	struct disc_cfg ref; /* the reference's discipline (PTP) */
	struct disc_cfg follow; /* a follower's */
	int64_t follow_interval_ns; /* between paired readings */
	int follow_readings; /* samples per EXTENDED/basic reading */
	int gm_clock; /* reference before any slave port */
};

/* What a clock did last, for logs, status and metrics. */
struct cs_clock_state {
	bool have_offset; /* a sample or reading was taken */
	int64_t offset_ns; /* against its source: from the master (the
			      reference), from the reference (a follower) */
	int64_t at_ns; /* monotonic time of it */
	int64_t local_ns; /* a follower: its own time at that reading */
	enum servo_state state;
	double freq_ppb; /* set, or estimated when not adjusted */
	enum hwclock_read read_method; /* followers: the last reading's */
	int64_t read_delay_ns; /* its window (0: exact) */
	uint64_t readings, read_errors, steps, skipped;
	uint64_t fed_forward; /* frequency moves with the reference's */
	bool tied; /* a follower whose servo has steered it onto the
		      reference: the reference's steps are passed on to it */
};

struct cs_clock {
	struct hwclock *hw;
	struct disc *disc;
	enum cs_role role;
	int source; /* the clock followed, -1 for the reference */
	bool adjust; /* false: measured only, never adjusted */
	int nports; /* ports stamped by this clock */
	struct cs_clock_state st;
	/* its servo's lock history (cs_track_locks); none for a clock
	 * that is not adjusted */
	struct cm_lockhist lock;
};

struct clockset {
	struct cs_cfg cfg;
	int n;
	struct cs_clock c[CS_MAX_CLOCKS];
	int ref; /* the reference now */
	int nports;
	int port_clock[BC_MAX_PORTS];
	bool started;
};

void cs_init(struct clockset *cs, const struct cs_cfg *cfg);
/* Add a clock (not owned: the caller closes it).  Returns its index, or
 * -ENOSPC.  adjust false: never adjusted (free-running). */
int cs_add(struct clockset *cs, struct hwclock *hw, bool adjust);
/* The index of the clock hw, or -1. */
int cs_find(const struct clockset *cs, const struct hwclock *hw);
/* Port port is stamped by clock k.  -EINVAL. */
int cs_bind_port(struct clockset *cs, int port, int k);
/* Port port went away: no clock stamps it any more. */
void cs_unbind_port(struct clockset *cs, int port);
/* Roles at start (the configured gm_clock is the reference) and every
 * discipline created from the clock's current frequency (getfreq).
 * -EINVAL, -ENOMEM, the clock's error. */
int cs_start(struct clockset *cs);
/* A reload's new servo settings: every clock's discipline made again in
 * its role, from the clock's current frequency, with no first step (a
 * clock whose new servo cannot be made keeps its old one: that error). */
int cs_reconfigure(struct clockset *cs, const struct disc_cfg *ref,
		   const struct disc_cfg *follow);
/* Each clock's shown servo state from its discipline now (after a reset
 * or a new servo; samples set it otherwise). */
void cs_state_refresh(struct clockset *cs);
/* Destroy the disciplines (the hwclocks stay the caller's). */
void cs_stop(struct clockset *cs);

int cs_clock_of_port(const struct clockset *cs, int port);
struct disc *cs_ref_disc(const struct clockset *cs);

/* Make clock k the reference; roles move as described above.  true when
 * they moved; a failure to recreate a discipline keeps the old roles and
 * is logged (false). */
bool cs_set_reference(struct clockset *cs, int k, int64_t mono_ns);

/* Carry out res->act on clock k and finish the sample (disc_applied). */
void cs_apply(struct clockset *cs, int k, struct disc_result *res,
	      int64_t mono_ns);

/* A paired reading of clock k against the reference, as read: no UTC
 * offset applied (either clock may keep UTC; the caller knows the
 * offset in force at ref_ns). */
struct cs_reading {
	int64_t raw_offset_ns; /* k - reference, each as it reads */
	int64_t ref_ns; /* the reference's reading at that moment */
	int64_t local_ns; /* k's reading at that moment */
	enum hwclock_read method; /* the worse of the two */
	int64_t delay_ns; /* both windows together */
};
/* The reference k's frequency went from before_ppb to after_ppb: every
 * follower put on its time and steered by a servo that can (pi, kalman)
 * moves its own frequency with it at once (feed-forward), so that it
 * does not first lag by the change times the time to its next reading.
 * A follower's move is the reference's in its own terms: its rate over
 * the reference's, (1 + f) / (1 + before). */
void cs_feed_forward(struct clockset *cs, int k, double before_ppb,
		     double after_ppb, int64_t mono);
/* 0, or the error of either clock's reading (counted). */
int cs_read(struct clockset *cs, int k, struct cs_reading *rd);
/* Record follower k's offset (k - reference, one timescale) from reading
 * rd and, when steer is set, give it to k's discipline and apply the
 * verdict (res); without, the reading is only recorded (the reference
 * has no time worth following yet, or a leap second makes UTC
 * ambiguous). */
void cs_steer(struct clockset *cs, int k, const struct cs_reading *rd,
	      int64_t offset_ns, bool steer, int64_t mono_ns,
	      struct disc_result *res);

const char *cs_role_name(const struct cs_clock *c);

/* Has clock c a lock history (hvptpd adjusts it with a servo)?  Is its
 * servo locked now (LOCKED or LOCKED_STABLE: one lock; a reset servo,
 * the reference's when its master goes, is not)? */
bool cs_lock_applicable(const struct cs_clock *c);
bool cs_locked(const struct cs_clock *c);
/* Every clock's servo state at mono_ns into its lock history; a change
 * is logged. */
void cs_track_locks(struct clockset *cs, int64_t mono_ns);

/*
 * One clock and its discipline, without a set (the set uses these; so do
 * tests and tools): a discipline created at the clock's frequency
 * (getfreq, unless free-running: its error is returned); a decision
 * applied (step, then frequency) and the sample finished; a sample decided
 * and applied (returns res->error); holdover entered and its frequency
 * applied (-ENODATA without an estimate, or the clock's error).
 */
int cs_disc_create(struct disc **out, const struct disc_cfg *cfg,
		   struct hwclock *hw);
void cs_disc_apply(struct hwclock *hw, struct disc *d, struct disc_result *res,
		   int64_t mono_ns);
int cs_disc_sample(struct hwclock *hw, struct disc *d,
		   const struct disc_input *in, struct disc_result *res);
int cs_disc_holdover(struct hwclock *hw, struct disc *d, int64_t mono_ns);

#endif
