/*
 * sim/sim_clock.h — simulated oscillators, the kernel's side of a system
 * clock, and their struct hwclock.
 *
 * A struct sim_clock maps true time t (the simulator's virtual time, int64
 * ns) to the clock's reading.  Its rate error is the sum of an initial
 * frequency error, a random walk (wander, sigma per sqrt(s)), white
 * frequency noise, a slow sinusoid (temperature) and the adjustment set
 * through adjfreq.  The noise parts change only on a fixed grid of true
 * time (the noise tick), so a clock's path does not depend on when it is
 * read; between ticks the reading is integrated exactly:
 *
 *   reading(t) = reading(t0) + (t - t0) * (1 + freq_err + adj)
 *                + integral of the sinusoid over [t0, t]
 *
 * adjfreq is refused beyond max_adj and quantised to freq_res; steps are
 * applied exactly (to step_res).  The reading is kept as int64 ns plus a
 * fraction, so nothing is lost over hours.
 *
 * A system clock (CLOCK_REALTIME, reading Unix UTC ns) also carries the
 * kernel's time state (struct sim_kernel, Linux's kernel/time/ntp.c rules):
 *
 * - STA_INS / STA_DEL (set_leap).  At the next second boundary the kernel
 *   arms the leap for the end of that UTC day (TIME_INS / TIME_DEL; a flag
 *   set during 23:59:59 arms the next day's end).  STA_INS: when the clock
 *   reaches 00:00:00 it is set back one second (it reads 23:59:59 again:
 *   the inserted 23:59:60).  STA_DEL: when it reaches 23:59:59 it is set
 *   forward to 00:00:00.  Then TIME_WAIT until the flag is cleared, so one
 *   flag makes one leap; a flag cleared before the end of the day cancels
 *   at the next second boundary.  The state machine runs at the second
 *   boundaries of the clock's own reading, found exactly in the
 *   integration, whoever reads the clock and whenever.
 * - A step (the servo's, ADJ_SETOFFSET) clears the NTP state (ntp_clear):
 *   an armed leap loses its instant (the kernel stays in TIME_INS/DEL and
 *   inserts nothing until the flag is cleared for a second boundary and
 *   set again), STA_UNSYNC is set and maxerror/esterror go to 16 s.
 * - ADJ_TAI (set_tai, 0..1000 s), maxerror/esterror (in us, rounded up,
 *   at most 16 s) and STA_UNSYNC (set_sync) are kept for the report.
 *
 * struct sim_hwclock wraps a clock in the common/hwclock.h ops: the clock's
 * "now" is the simulator's current true time; sys_offset reads it against
 * a system clock through a read model (struct sim_readmodel): PRECISE is a
 * cross timestamp (exact, plus the model's noise and bias), EXTENDED
 * brackets the device read with two system-clock reads and keeps the best
 * of N windows (the shortest), BASIC interleaves whole reads (twice the
 * window, twice the variable latency).  A read-only clock (a guest's view
 * of its host's clock) refuses adjfreq and step (-EPERM).  No I/O; the
 * clocks never touch the machine's.
 */
#ifndef HVPTP_SIM_SIM_CLOCK_H
#define HVPTP_SIM_SIM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "common/hwclock.h"
#include "sim/sim_rand.h"

struct sim_clock_model {
	double offset_ns; /* reading - true time at t = 0 */
	double freq; /* initial frequency error, fraction (1e-6 = 1 ppm) */
	double wander; /* random-walk FM: sigma per sqrt(s), fraction */
	double white; /* white FM: sigma of each tick's term, fraction */
	double temp_amp; /* sinusoid amplitude, fraction */
	double temp_period_s; /* its period, s (0 = off) */
	double temp_phase; /* its phase at t = 0, rad */
	int64_t tick_ns; /* noise update period */
	double max_adj_ppb; /* largest |adjfreq| accepted */
	double freq_res_ppb; /* adjfreq quantum, 0 = exact */
	int64_t step_res_ns; /* step quantum, >= 1 */
};
void sim_clock_model_default(struct sim_clock_model *m);

/* A system clock's range through the kernel's tick: +-10.05 % at USER_HZ
 * 100 (what hwts/sysclk.c reports), ppb. */
#define SIM_SYS_MAX_ADJ_PPB 100500000.0

/* Leap seconds a kernel keeps a record of (the report's). */
#define SIM_KERN_MAX_LEAPS 8

enum sim_kstate {
	SIM_K_OK, /* TIME_OK */
	SIM_K_LEAP, /* TIME_INS or TIME_DEL (dir) */
	SIM_K_WAIT, /* TIME_WAIT: the leap happened, the flag still set */
};

struct sim_kernel {
	bool on; /* this is a system clock */
	int status; /* STA_INS (+1), STA_DEL (-1) or 0, as last set */
	enum sim_kstate state;
	int dir; /* SIM_K_LEAP: +1 insert, -1 delete */
	bool lost; /* SIM_K_LEAP: a step cleared its instant */
	int64_t leap_sec; /* SIM_K_LEAP: the reading's second it acts at */
	int64_t next; /* reading (ns) of the next boundary the state
			 machine acts at; INT64_MAX: none */
	int tai; /* ADJ_TAI, -1: never set */
	struct hwclock_sync sync; /* as the kernel holds it */
	uint64_t n_set_leap, n_set_tai, n_set_sync, n_clear, n_lost;
	int nleaps; /* leaps applied (all counted, the first kept) */
	struct sim_kleap {
		int64_t t; /* true time */
		int dir; /* +1 inserted, -1 deleted */
	} leaps[SIM_KERN_MAX_LEAPS];
};

struct sim_clock {
	struct sim_clock_model m;
	struct sim_rng rng;
	int64_t epoch_ns; /* reading at t = 0 before offset_ns */
	int64_t t0; /* true time of the integration point */
	int64_t base; /* reading at t0, whole ns */
	double frac; /* and its fraction, [0, 1) */
	double rw; /* random-walk part of the rate error */
	double wn; /* white part, constant over the current tick */
	double extra; /* frequency steps from scenario events */
	double adj; /* adjustment in effect, fraction */
	double adj_ppb; /* as last set (getfreq) */
	int64_t next_tick;
	uint64_t n_steps, n_adj;
	int64_t last_step_t; /* true time of the last step, -1 none */
	struct sim_kernel k; /* a system clock's kernel state */
};

/* Start at true time 0 reading epoch_ns + m->offset_ns. */
void sim_clock_init(struct sim_clock *c, const struct sim_clock_model *m,
		    int64_t epoch_ns, uint64_t seed);
/* Make c a system clock: the kernel's time state (above). */
void sim_clock_kernel_on(struct sim_clock *c);
/* The reading at true time t, whole ns (floor) and the fraction.
 * t may be earlier than the last integration point (extrapolated, without
 * the kernel's leaps). */
int64_t sim_clock_read(struct sim_clock *c, int64_t t, double *frac);
/* The reading at t as a double offset from a reference (exact to well
 * under 1 ns for |difference| < 2^52 ns): reading(t) - ref. */
double sim_clock_diff(struct sim_clock *c, int64_t t, int64_t ref);
/* The rate error at t (fraction), including the adjustment. */
double sim_clock_rate(struct sim_clock *c, int64_t t);
/* adjfreq at true time t: 0, or -ERANGE beyond max_adj. */
int sim_clock_adjfreq(struct sim_clock *c, int64_t t, double ppb);
/* Step at true time t by delta (rounded to step_res); on a system clock
 * the kernel's NTP state is cleared (above). */
void sim_clock_step(struct sim_clock *c, int64_t t, int64_t delta_ns);
/* Move the reading by delta at t without counting a step (a disturbance
 * from a scenario event, not the servo's doing; the kernel sees no step). */
void sim_clock_jump(struct sim_clock *c, int64_t t, int64_t delta_ns);
/* Add a frequency step (fraction) to the oscillator at t (events). */
void sim_clock_freq_step(struct sim_clock *c, int64_t t, double df);
/* The kernel at true time t: STA_INS (+1), STA_DEL (-1) or neither. */
int sim_clock_set_leap(struct sim_clock *c, int64_t t, int leap);

/* A paired reading's model (see the top): what the simulated driver has
 * and how its readings err. */
struct sim_readmodel {
	enum hwclock_read best; /* PRECISE (all three methods), EXTENDED
				   (and BASIC) or BASIC */
	int64_t delay_ns; /* EXTENDED window's fixed width (BASIC: twice) */
	double jitter_ns; /* mean exponential latency added to each half of
			     a window (BASIC: two such per half) */
	double noise_ns; /* PRECISE: gaussian sigma of the cross timestamp */
	int64_t asym_ns; /* bias of every method (the device latched off
			    the window's middle) */
};
void sim_readmodel_default(struct sim_readmodel *rd);

struct sim_hwclock {
	struct hwclock hw; /* first: the discipline sees this */
	struct sim_clock *clk; /* the clock the ops act on */
	struct sim_clock *sys; /* the system clock it is read against (may
				  be clk: SELF) */
	const int64_t *now; /* the simulator's true time */
	struct sim_readmodel rd;
	bool read_only; /* adjfreq and step refused (-EPERM) */
	struct sim_rng rng; /* read latencies and noise */
};

/* hw.max_adj_ppb is clk's max_adj, hw.read_method AUTO (the caller sets
 * a forced method), keeps_utc as clk has a kernel. */
void sim_hwclock_init(struct sim_hwclock *h, const char *name,
		      struct sim_clock *clk, struct sim_clock *sys,
		      const int64_t *now, const struct sim_readmodel *rd,
		      uint64_t seed);

#endif
