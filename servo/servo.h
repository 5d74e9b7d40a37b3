/*
 * servo/servo.h — the servo ops table.
 *
 * A servo turns offset samples (local - master, ns) taken at local times into
 * a frequency for the clock (ppb) or a request to step it.  It never touches
 * a clock: servo/discipline.h applies its verdict through a struct hwclock.
 * Implementations: PI (servo/pi.c, linuxptp-equivalent behaviour and
 * parameters), linear regression (servo/linreg.c, in the manner of
 * linuxptp's linreg) and a Kalman filter (servo/kalman.c: phase and
 * frequency estimated jointly, noise learned online).  Besides the
 * samples, a servo may be told that the measurement's basis moved
 * (servo_rebase: the path delay estimate changed) or that the clock was
 * stepped from outside (servo_moved), and asked for its
 * estimate of the clock (servo_estimate, for holdover).  Pure.
 */
#ifndef HVPTP_SERVO_SERVO_H
#define HVPTP_SERVO_SERVO_H

#include <stdbool.h>
#include <stdint.h>

enum servo_type {
	SERVO_PI = 0,
	SERVO_LINREG,
	SERVO_KALMAN,
	SERVO_TYPE_COUNT
};

enum servo_state {
	SERVO_UNLOCKED = 0, /* learning, no output yet */
	SERVO_JUMP, /* step the clock by out->step_ns, then set freq */
	SERVO_LOCKED, /* tracking */
	SERVO_LOCKED_STABLE, /* tracking, offsets within threshold for a
				while (servo_offset_threshold) */
};
const char *servo_state_name(enum servo_state s);

/* The servo's parameters; ptp4l's option names in comments. */
struct servo_params {
	double pi_proportional_const; /* pi_proportional_const, 0 = auto */
	double pi_integral_const; /* pi_integral_const, 0 = auto */
	double pi_proportional_scale; /* pi_proportional_scale, 0 = default */
	double pi_proportional_exponent; /* -0.3 */
	double pi_proportional_norm_max; /* 0.7 */
	double pi_integral_scale; /* 0 = default */
	double pi_integral_exponent; /* 0.4 */
	double pi_integral_norm_max; /* 0.3 */
	double step_threshold_s; /* step_threshold, 0 = never after start */
	double first_step_threshold_s; /* first_step_threshold, 0.00002 */
	int max_frequency_ppb; /* max_frequency, 900000000 */
	int servo_num_offset_values; /* servo_num_offset_values, 10 */
	int servo_offset_threshold_ns; /* servo_offset_threshold, 0 = off */
	bool sw_timestamping; /* choose the software defaults */
	/* Kalman (hvptp's own options) */
	double kalman_wander; /* kalman_wander: prior random-walk frequency
				 noise, fraction per sqrt(s); learned online */
	double kalman_gate; /* kalman_outlier_gate: reject innovations
			       beyond this many sigma, 0 = never */
};
void servo_params_default(struct servo_params *p);

struct servo_out {
	enum servo_state state;
	double freq_ppb; /* frequency to set on the clock (positive: faster) */
	int64_t step_ns; /* SERVO_JUMP: add this to the clock */
	int64_t measure_in_ns; /* > 0: a measurement wanted this long from
				  now (the master's time): the end of a
				  correction the servo planned, which the
				  next Sync would come too late to end;
				  0: none */
};

/*
 * What a servo knows about the clock, for holdover: the frequency that
 * keeps the clock on the master's time without a phase correction, the
 * phase (offset) estimate at local_ts, their uncertainties, and the noise
 * it has learned.  Unknown variances are negative.
 *
 * The uncertainties are those of the estimation errors: of the phase,
 * ex = phase_ns - x (x the true offset at local_ts), and of the clock's
 * own frequency error d (ppb, the clock runs d fast without correction),
 * estimated as -freq_ppb: ed = -freq_ppb - d.  freq_var = E[ed^2] (the
 * same as var(freq_ppb)), phase_var = E[ex^2], cov = E[ex ed] (the
 * Kalman servo's P01).  Held at freq_ppb for tau seconds, the phase then
 * is off by ex + ed tau: variance phase_var + 2 cov tau + freq_var tau^2
 * (servo/holdover.h).
 */
struct servo_estimate {
	bool valid; /* the servo has a frequency estimate */
	int64_t local_ts_ns; /* the time of the estimate (last sample) */
	double freq_ppb; /* frequency to hold (our sign: positive = faster) */
	double freq_var; /* ppb^2 */
	double phase_ns; /* offset local - master at local_ts */
	double phase_var; /* ns^2 */
	double cov; /* E[ex ed] (above), ns * ppb */
	double meas_var; /* measurement noise, ns^2 */
	double wander; /* random-walk frequency noise, ns^2/s^3 */
	double wander_upper; /* an upper bound of it (about 2 sigma) */
};

struct servo;

struct servo_ops {
	const char *name;
	void (*destroy)(struct servo *s);
	/* One measurement: offset = local - master (ns) at local_ts (ns).
	 * weight in (0, 1]: how much it counts (the Kalman servo divides
	 * its measurement noise by it; PI scales the offset, as linuxptp). */
	void (*sample)(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		       double weight, struct servo_out *out);
	/* The interval between samples, seconds (from logSyncInterval). */
	void (*sync_interval)(struct servo *s, double interval_s);
	/* Forget everything learned except the last frequency. */
	void (*reset)(struct servo *s);
	/* Optional (NULL: nothing to do).  The offsets measured from now on
	 * read delta_ns more for the same clock (the path delay estimate
	 * changed): move what was learned with them. */
	void (*rebase)(struct servo *s, double delta_ns);
	/* Optional (NULL: rebase).  The clock was stepped from outside by
	 * step_ns, as both directions' measurements show (servo/pathsel.h):
	 * the offsets read step_ns more from now on.  Move what was learned
	 * with them as rebase does; the phase error this leaves is known,
	 * not noise, and the servo may remove it sooner than it removes
	 * noise. */
	void (*moved)(struct servo *s, double step_ns);
	/* Optional (NULL: no estimate).  0, or -ENODATA before one. */
	int (*estimate)(const struct servo *s, struct servo_estimate *e);
	/* Optional (NULL: not supported).  From local time local_ts_ns on,
	 * the clock's frequency is delta_ppb higher, set from outside, and
	 * the master's rate is higher by as much (the reference a follower
	 * tracks moved its own frequency; the two cancel in the offsets):
	 * take delta into the frequency set, the phase trend unchanged.
	 * 0, or -EAGAIN when the servo has no frequency of its own yet. */
	int (*freq_moved)(struct servo *s, double delta_ppb,
			  int64_t local_ts_ns);
	/* Optional (NULL: at the sample's local_ts).  The frequency the
	 * next sample returns takes effect at local time now_ns, its
	 * processing time: later than its local_ts when the measurement
	 * finished late (a Delay_Req exchange over a long path ends a round
	 * trip after its t3), while the clock kept running at what was set
	 * before.  A servo that knows when each frequency took effect
	 * integrates them over the real times. */
	void (*applied_at)(struct servo *s, int64_t now_ns);
	/* Optional (NULL: no estimate).  The offset local - master the servo
	 * expects at local time ts (before or after its estimate's time),
	 * with the frequencies set over the time between: 0, or -ENODATA
	 * before an estimate. */
	int (*phase_at)(const struct servo *s, int64_t ts, double *phase_ns);
};

/* Common part; implementations embed it first. */
struct servo {
	const struct servo_ops *ops;
	struct servo_params params;
	double max_freq_ppb; /* min(max_frequency, the clock's max_adj) */
	bool first_update; /* no step taken yet: first_step_threshold rules */
	int curr_offset_values; /* for LOCKED_STABLE */
};

/* Create a servo of the given type.  fadj_ppb is the clock's current
 * frequency, max_ppb its adjustment limit.  -EINVAL, -ENOMEM. */
int servo_create(struct servo **out, enum servo_type type,
		 const struct servo_params *p, double fadj_ppb,
		 double max_ppb);
void servo_destroy(struct servo *s);
void servo_sample(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		  double weight, struct servo_out *out);
void servo_sync_interval(struct servo *s, double interval_s);
void servo_reset(struct servo *s);
void servo_rebase(struct servo *s, double delta_ns);
/* The clock was stepped from outside by step_ns (struct servo_ops.moved). */
void servo_moved(struct servo *s, double step_ns);
/* 0, -ENODATA (no estimate yet or none at all), -EINVAL. */
int servo_estimate(const struct servo *s, struct servo_estimate *e);
/* See servo_ops.freq_moved: 0, -EAGAIN (not yet), -EOPNOTSUPP (a servo
 * without it: linreg), -EINVAL. */
int servo_freq_moved(struct servo *s, double delta_ppb, int64_t local_ts_ns);
/* See servo_ops.applied_at (nothing for a servo without it). */
void servo_applied_at(struct servo *s, int64_t now_ns);
/* See servo_ops.phase_at: 0, -ENODATA, -EOPNOTSUPP (a servo without it). */
int servo_phase_at(const struct servo *s, int64_t ts, double *phase_ns);
/* "pi" -> SERVO_PI, "linreg", "kalman"; -EINVAL for unknown names. */
int servo_type_from_name(const char *name, enum servo_type *out);
const char *servo_type_name(enum servo_type t);

#endif
