/*
 * servo/servo.h — the servo ops table.
 *
 * A servo turns offset samples (local - master, ns) taken at local times into
 * a frequency for the clock (ppb) or a request to step it.  It never touches
 * a clock: servo/discipline.h applies its verdict through a struct hwclock.
 * Implementations: PI (servo/pi.c, linuxptp-equivalent behaviour and
 * parameters); more follow (linear regression, Kalman).  Pure.
 */
#ifndef HVPTP_SERVO_SERVO_H
#define HVPTP_SERVO_SERVO_H

#include <stdbool.h>
#include <stdint.h>

enum servo_type { SERVO_PI = 0, SERVO_TYPE_COUNT };

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
};
void servo_params_default(struct servo_params *p);

struct servo_out {
	enum servo_state state;
	double freq_ppb; /* frequency to set on the clock (positive: faster) */
	int64_t step_ns; /* SERVO_JUMP: add this to the clock */
};

struct servo;

struct servo_ops {
	const char *name;
	void (*destroy)(struct servo *s);
	/* One measurement: offset = local - master (ns) at local_ts (ns). */
	void (*sample)(struct servo *s, int64_t offset_ns, int64_t local_ts_ns,
		       double weight, struct servo_out *out);
	/* The interval between samples, seconds (from logSyncInterval). */
	void (*sync_interval)(struct servo *s, double interval_s);
	/* Forget everything learned except the last frequency. */
	void (*reset)(struct servo *s);
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
/* "pi" -> SERVO_PI; -EINVAL for unknown names. */
int servo_type_from_name(const char *name, enum servo_type *out);

#endif
