/*
 * servo/pathsel.h — the discipline's measurement filter: which path delay
 * the offsets use, and which Syncs reach the servo.
 *
 * The core hands over, per Sync, its offset (computed with its moving
 * median or average of path delays) together with the Sync's own t2 - t1
 * (ms, master to slave) and the latest unfiltered path delay.  In every
 * mode but NONE:
 *
 * - Settled delays only.  Delay measurements taken while the clock's
 *   frequency was off are wrong (a clock 100 ppm off gains 40 us between a
 *   Sync and the next Delay_Req; a phase correction under way does the
 *   same on a smaller scale), and a moving median keeps them for half its
 *   window.  The filter keeps its own window of path delays and admits
 *   only those measured while the discipline called the servo settled
 *   (LOCKED, no correction larger than the noise under way): a delay is
 *   new when the reported one changes, and was measured with the previous
 *   Sync.  Until the first one the offsets use the core's delay of the
 *   first sample, held, so that the core's unsettled ones do not move them.
 * - Every change of the delay's basis (held core delay -> our median ->
 *   the least-delay estimate below) moves the servo's learned phase by the
 *   difference (servo_rebase): a better delay is not a clock movement.
 *
 * MEDIAN: the offsets use the median of the settled delays (window N).
 *
 * SELECT (packet selection against delay variation): queueing only ever
 * adds delay, so the least delayed packets carry the time.  The filter
 * keeps the delays of the last N Syncs (t2 - t1) and of the last N settled
 * delay measurements (t4 - t3, recovered as 2 * delay - (t2 - t1) of the
 * Sync it was paired with), each less the clock's offset as the servo
 * predicted it then (with the opposite sign for t4 - t3), so that the
 * clock's own movement does not decide the ranking.  Every Sync reaches
 * the servo, with the weight R / (R + e^2), e its delay beyond the k-th
 * smallest (R the servo's measurement noise): a Sync among the least
 * delayed counts in full, a late one less the later it was, and a servo
 * that got nothing good for a while (its prediction unsure) still follows
 * the rest, so it is never starved.  The path delay is the mean of the
 * two directions' means weighted the same way: the same statistic both
 * ways keeps the offsets unbiased when the jitter is alike both ways.
 * Until both windows are full the offsets use the median.  Syncs far
 * earlier than predicted (impossible by queueing: the master moved, or
 * the prediction is off) keep their delays out of the windows; four of
 * them in a row, or a window's worth far later than predicted (the path
 * changed), start the windows again from the core's delay.
 *
 * NONE passes the core's offsets unchanged (what linuxptp does).  Fixed
 * size, no allocation.  Pure.
 */
#ifndef HVPTP_SERVO_PATHSEL_H
#define HVPTP_SERVO_PATHSEL_H

#include <stdbool.h>
#include <stdint.h>

#define PSEL_MAX_WINDOW 64

enum psel_mode { PSEL_NONE = 0, PSEL_MEDIAN, PSEL_SELECT };

struct psel_cfg {
	enum psel_mode mode;
	int window; /* N: delays kept, 1..PSEL_MAX_WINDOW */
	int keep; /* k: least delayed (SELECT), 1..window */
};

/* What the core measured for one Sync. */
struct psel_in {
	int64_t offset_ns; /* the core's offsetFromMaster */
	int64_t path_delay_ns; /* the core's filtered delay */
	int64_t raw_delay_ns; /* latest unfiltered delay */
	int64_t ms_ns; /* t2 - (t1 + corrections) */
	bool have_ms; /* ms_ns and raw_delay_ns are known */
	double xpred_ns; /* the servo's prediction of the offset now (0
			    when it has none) */
	double meas_var; /* the servo's measurement noise, ns^2 (0: unknown) */
};

struct psel_out {
	int64_t offset_ns; /* for the servo */
	double excess_ns; /* SELECT: delay beyond the k-th smallest, >= 0 */
	double rebase_ns; /* != 0: servo_rebase by this first */
	int64_t delay_ns; /* path delay used */
};

struct psel_ring {
	int64_t v[PSEL_MAX_WINDOW];
	int n, next;
};

enum psel_basis { PSEL_B_CORE = 0, PSEL_B_MEDIAN, PSEL_B_SELECT };

struct psel {
	struct psel_cfg cfg;
	bool settled; /* the previous sample left the servo settled */
	bool prev_cons; /* the previous Sync agreed with the prediction */
	int bad_run; /* Syncs in a row that came impossibly early */
	int late_run; /* Syncs in a row that came very late */
	bool have_prev;
	int64_t prev_ms, prev_raw;
	double prev_xp;
	int64_t core_asym; /* ms - path delay - offset: delayAsymmetry */
	int64_t cur_rf; /* this Sync: t2 - t1 - asymmetry - predicted */
	struct psel_ring dly; /* settled path delays */
	struct psel_ring fwd; /* SELECT: t2 - t1 - asymmetry - predicted */
	struct psel_ring rev; /* SELECT: t4 - t3 + asymmetry + predicted */
	enum psel_basis basis;
	bool have_base; /* last_delay is set */
	int64_t last_delay; /* the delay of the last offset handed out */
	uint64_t delays; /* settled delays taken in */
	uint64_t restarts; /* windows started again */
};

void psel_cfg_default(struct psel_cfg *c);
/* -EINVAL for a bad window/keep. */
int psel_cfg_check(const struct psel_cfg *c);
void psel_init(struct psel *p, const struct psel_cfg *c);
/* A new master or a reset: forget everything. */
void psel_reset(struct psel *p);
/* The clock was stepped: the delays so far are suspect. */
void psel_stepped(struct psel *p);
/* The discipline's verdict on the last sample: the servo is LOCKED and no
 * correction larger than the noise is under way. */
void psel_verdict(struct psel *p, bool settled);
void psel_sample(struct psel *p, const struct psel_in *in,
		 struct psel_out *out);

#endif
