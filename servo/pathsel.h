/*
 * servo/pathsel.h — the discipline's measurement filter: which path delay
 * the offsets use, and how much each measurement counts.
 *
 * The core hands over two kinds of samples (bc/bc.h, enum
 * bc_sample_kind), each with its own one-way delay: per Sync the offset
 * with t2 - t1 - c1 (master to slave, "forward"), and per finished
 * Delay_Req exchange the offset measured at t3 with t4 - t3 - c2 (slave to
 * master, "reverse"); both with the core's filtered path delay and its
 * latest unfiltered one.  Forward offsets read x + (delay - D), reverse
 * ones x - (delay - D), D the path delay used: an error of D biases the
 * two directions oppositely.  In every mode but NONE:
 *
 * - Settled delays only.  Delay measurements taken while a phase
 *   correction is under way are off (the core interpolates the forward
 *   delay to t3 between the Syncs around it, which covers a constant
 *   frequency error, not a changing one), and a moving median keeps them
 *   for half its window.  The filter keeps its own window of path delays
 *   and admits only those measured while the discipline called the servo
 *   settled (LOCKED, no correction larger than the noise under way): a
 *   delay is new when the reported one changes, and is taken only when
 *   the last two Syncs and the last Delay_Req exchange agreed with the
 *   prediction.  Until the first one the offsets use the core's delay of
 *   the first sample, held, so that the core's unsettled ones do not move
 *   them (right after the first step the core's delays straddle the
 *   change of frequency that came with it, and are far off).
 * - Per direction, a window of the one-way delays of the last settled
 *   samples (t2 - t1 of the Syncs, t4 - t3 of the exchanges, as the core
 *   measured them), each less the clock's offset as the servo predicted
 *   it then (with the opposite sign for t4 - t3), so that the clock's own
 *   movement cancels.  The windows span the same time, not the same
 *   count: the rarer direction keeps N samples, the other N times as
 *   many as it gets per sample of the rarer one, up to PSEL_MAX_WINDOW.
 *   The ratio is counted from the samples themselves (no configuration:
 *   lost messages and the master's own intervals count as they are) and
 *   rounded to a power of two, as the message intervals are.  With 16
 *   Syncs per Delay_Req, windows of N each would hold half a second of
 *   Syncs against N seconds of exchanges, and the path delay (their
 *   mean) would move with every Sync; the Kalman servo, which weighs the
 *   16 Syncs 16 times as much as the exchange, would then follow that
 *   noise (the two directions' opposite biases cancel only when they
 *   count alike).  A sample agrees with the prediction unless its
 *   value lies far below its window's weighted mean (PSEL_CONS_SD
 *   standard deviations of the servo's noise; impossible by queueing:
 *   the master moved, or the prediction is off); with an empty window a
 *   Sync of a one-way servo is compared with the delay in use.  Samples
 *   that disagree stay out of the windows; four of one direction in a
 *   row, or a window's worth far later than the window (the path
 *   changed), start the windows again from the core's delay.
 * - A clock stepped from outside (someone set the PHC) moves every
 *   offset by the step S: the Syncs' values come S late and the
 *   exchanges' S early (or the other way round).  A path that changes
 *   moves the two directions alike, or one alone, never oppositely, and
 *   queueing only delays.  So a sample far off (PSEL_STEP_LIMS times the
 *   consistency limit) after one of the other direction far off the
 *   other way by about as much is a clock step: the filter says so
 *   (psel_out.step_ns), the servo's phase moves by it at once
 *   (rebase_ns), and the far-off values that went into a window are put
 *   back as they would have read; nothing restarts, the delay stays.
 *   Unless the two windows lie apart by about as much themselves: then
 *   they were filled while the servo's prediction was off (its error
 *   moves the two directions' values oppositely too), the samples agree
 *   with the servo, and the windows start again as above.  Before, such
 *   a step waited for four impossibly early exchanges (a restart) or for
 *   the servo's own three rejects in a row: seconds at the full step.
 * - The Syncs come at the master's pace, the exchanges at ours: a Sync
 *   far off (PSEL_STEP_LIMS limits, late or early) with a window of
 *   exchanges to compare with asks for an exchange at once
 *   (psel_out.want_rev; the executor has the core send a Delay_Req now,
 *   bc_port_delay_req_at), so that a step is confirmed within the
 *   round trip instead of the Delay_Req timer's random interval (mean
 *   2^logMinDelayReqInterval s) later.  A Sync late by as much may also
 *   be a congested path, so the filter asks only while the servo was
 *   settled (not while it still finds the clock), once per run of
 *   far-off Syncs: not again before an exchange finished since the
 *   request, nor after that until a Sync that is not far off (a step
 *   seen, or a restart, ends the run too).  At most one extra exchange
 *   per such run; the Delay_Req interval's mean stays the configured
 *   one.
 * - For a servo that takes one direction only (two_way false: the Sync
 *   samples), every change of the delay's basis (held core delay -> our
 *   median -> the least-delay estimate below) moves the servo's learned
 *   phase by the difference (servo_rebase): a better delay is not a clock
 *   movement.  A servo that takes both directions (two_way: the Kalman)
 *   sees a change of D move the two directions' offsets oppositely and
 *   its own phase estimate, which averages them, not at all: no rebase.
 *
 * MEDIAN: the offsets use the median of the settled delays (window N).
 *
 * SELECT (packet selection against delay variation): queueing only ever
 * adds delay, so the least delayed packets carry the time, and the two
 * windows above rank them.  Every sample reaches the servo, with the
 * weight R / (R + e^2), e its delay beyond the k-th smallest of its
 * direction (R the servo's measurement noise): a sample among the least
 * delayed counts in full, a late one less the later it was, and a servo
 * that got nothing good for a while (its prediction unsure) still follows
 * the rest, so it is never starved.  The path delay is the mean of the
 * two directions' means weighted the same way: the same statistic both
 * ways keeps the offsets unbiased when the jitter is alike both ways.
 * Until both windows are full the offsets use the median.
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
	bool two_way; /* the servo takes the reverse samples too (no
			 rebase when the delay changes); set by the
			 discipline, false by default */
};

/* The direction a sample measured. */
enum psel_dir {
	PSEL_FWD = 0, /* a Sync: master to slave, t2 - t1 - c1 */
	PSEL_REV, /* a Delay_Req exchange: slave to master, t4 - t3 - c2 */
	PSEL_NDIR
};

/* What the core measured for one sample. */
struct psel_in {
	enum psel_dir dir;
	int64_t offset_ns; /* the core's offset (at t2, or at t3) */
	int64_t path_delay_ns; /* the core's filtered delay */
	int64_t raw_delay_ns; /* latest unfiltered delay */
	int64_t one_way_ns; /* the sample's one-way delay (see dir) */
	bool have_one_way; /* one_way_ns and raw_delay_ns are known */
	double xpred_ns; /* the servo's prediction of the offset at the
			    sample's time (0 when it has none) */
	double meas_var; /* the servo's measurement noise, ns^2 (0: unknown) */
};

struct psel_out {
	int64_t offset_ns; /* for the servo (at the sample's time) */
	double excess_ns; /* SELECT: delay beyond the k-th smallest of the
			     sample's direction, >= 0 */
	double weight; /* for the servo, (0, 1]: R / (R + excess^2) (R the
			  servo's noise, in.meas_var); 1 with R unknown */
	double rebase_ns; /* != 0: servo_rebase by this first (a better
			     delay for a one-way servo, or step_ns) */
	int64_t step_ns; /* != 0: the clock was stepped from outside, the
			    offsets read this much more (see the header) */
	int64_t delay_ns; /* path delay used */
	bool want_rev; /* a Delay_Req exchange soon, please: a Sync far off,
			  which only the other direction can tell from a
			  late packet (see the header) */
};

struct psel_ring {
	int64_t v[PSEL_MAX_WINDOW];
	int n, next;
};

enum psel_basis { PSEL_B_CORE = 0, PSEL_B_MEDIAN, PSEL_B_SELECT };

/* One direction's one-way delays (SELECT) and agreement. */
struct psel_way {
	struct psel_ring ring; /* FWD: t2 - t1 - asymmetry - predicted;
				  REV: t4 - t3 + asymmetry + predicted */
	int64_t cur; /* the last sample's value */
	int cap; /* the ring's capacity now (see the header) */
	double count; /* samples seen (decayed), for the rate ratio */
	bool seen; /* samples of this direction came since the reset */
	bool cons[2]; /* the last two samples agreed with the prediction */
	int bad_run; /* samples in a row that came impossibly early */
	int late_run; /* samples in a row that came very late */
	double innov; /* the last sample's value less its window's mean
			 (0: none) */
	int off_pushed; /* the newest values in the window that were far
			   off (PSEL_STEP_LIMS), in a row */
};

/* Asking for an exchange after a Sync far off (psel_out.want_rev). */
enum psel_ask {
	PSEL_ASK_IDLE = 0, /* may ask */
	PSEL_ASK_WAIT, /* asked, no exchange finished since */
	PSEL_ASK_SPENT, /* asked and one finished: not again until a Sync
			   that is not far off */
};

struct psel {
	struct psel_cfg cfg;
	bool settled; /* the previous sample left the servo settled */
	bool have_raw;
	int64_t prev_raw; /* the unfiltered delay last seen */
	int64_t core_asym; /* delayAsymmetry, from the core's offsets */
	struct psel_ring dly; /* settled path delays */
	struct psel_way way[PSEL_NDIR];
	enum psel_basis basis;
	bool have_base; /* last_delay is set */
	int64_t last_delay; /* the delay of the last offset handed out */
	enum psel_ask ask; /* the request for an exchange (want_rev) */
	uint64_t asked; /* exchanges asked for (psel_out.want_rev) */
	uint64_t restarts; /* windows started again */
	uint64_t steps_seen; /* clock steps seen (psel_out.rebase_ns) */
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
