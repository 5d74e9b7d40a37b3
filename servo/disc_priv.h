/*
 * servo/disc_priv.h — the discipline's state, shared by its two files
 * (private to servo/).
 *
 * servo/discipline.c runs the samples through the measurement filter, the
 * servo and the clock; servo/disc_hold.c keeps what holdover needs as the
 * samples go by (the servo's last estimate, the applied corrections for
 * the wander estimate, fallbacks for servos that know no variances) and
 * carries out holdover.
 */
#ifndef HVPTP_SERVO_DISC_PRIV_H
#define HVPTP_SERVO_DISC_PRIV_H

#include "common/log.h"
#include "servo/discipline.h"
#include "servo/holdover.h"
#include "servo/wander.h"

#define DISC_CHECK_MIN_NS 1000000000.0 /* clockcheck's minimum interval */
#define DISC_FREE_WINDOW_NS 2000000000LL /* free-running estimate window */
#define DISC_ERR_LOG_NS 10000000000LL /* clock-op errors: one per 10 s */

/* The sanity_freq_limit check (linuxptp's clockcheck). */
struct disc_check {
	bool primed;
	int64_t last_ts;
	int64_t last_mono;
	double cur_freq; /* frequency set now */
	double min_freq; /* range set since last_ts */
	double max_freq;
};

/* Free-running frequency estimate. */
struct disc_free {
	bool have_est; /* est_ppb is an estimate (a window was done) */
	bool anchored;
	int64_t offset0;
	int64_t ts0;
	double est_ppb;
};

/* What holdover needs, kept as samples go by (servo/disc_hold.c). */
struct disc_track {
	struct servo_estimate est; /* the servo's, at its last LOCKED sample */
	int64_t est_mono; /* when */
	double est_freq; /* frequency set after that sample */
	bool locked; /* the servo is LOCKED now */
	/* the corrections applied, for the wander estimate of servos that
	 * do not learn their own */
	bool have_last;
	int64_t last_mono;
	double cum; /* ns: frequency set times time, steps, rebases */
	double t_acc; /* s */
	struct wander_est wander;
	/* fallbacks for servos without variances */
	double off_var; /* average offset^2 */
	double freq_mean, freq_var;
	int n;
	struct holdover hold;
};

/* A sample decided, waiting for disc_applied(). */
struct disc_pending {
	bool active;
	bool sync; /* a SYNC sample (counts in the summary) */
	enum servo_state state; /* the servo's verdict */
	int64_t offset_ns; /* the offset the servo got */
	double freq_before; /* frequency set until then */
};

struct disc {
	struct disc_cfg cfg;
	char name[32]; /* the clock's, for logs */
	double max_adj_ppb; /* the clock's adjustment range */
	struct servo *servo;
	struct psel psel;
	enum servo_state state;
	double freq_ppb; /* set on the clock (not free-running) */
	bool clamped;
	struct disc_check check;
	struct disc_free fr;
	struct disc_stats stats;
	struct cm_ratelimit err_rl;
	struct disc_track trk;
	struct disc_pending pend;
};


/* servo/disc_hold.c */
void disc_track_init(struct disc *d);
/* After the servo's verdict on a sample (not for skipped ones): offset the
 * offset the servo got, freq_before the frequency set until then, e the
 * servo's estimate now (NULL: none). */
void disc_track_sample(struct disc *d, int64_t offset, int64_t mono,
		       double freq_before, const struct disc_result *res,
		       const struct servo_estimate *e);
void disc_track_rebase(struct disc *d, double delta_ns);
/* The frequency set changes now, between samples: what ran before at the
 * old one is counted. */
void disc_track_freq(struct disc *d, int64_t mono);
void disc_track_reset(struct disc *d);
/* servo/discipline.c, for disc_hold.c */
double disc_clamp(struct disc *d, double freq);

#endif
