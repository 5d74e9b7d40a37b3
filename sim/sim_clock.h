/*
 * sim/sim_clock.h — simulated oscillators and their struct hwclock.
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
 * struct sim_hwclock wraps a clock in the common/hwclock.h ops for the
 * discipline: the clock's "now" is the simulator's current true time,
 * sys_offset reads it against the node's system clock through a read model
 * (delay, jitter, asymmetry).  No I/O; the clocks never touch the machine's.
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
};

/* Start at true time 0 reading epoch_ns + m->offset_ns. */
void sim_clock_init(struct sim_clock *c, const struct sim_clock_model *m,
		    int64_t epoch_ns, uint64_t seed);
/* The reading at true time t, whole ns (floor) and the fraction.
 * t may be earlier than the last integration point (extrapolated). */
int64_t sim_clock_read(struct sim_clock *c, int64_t t, double *frac);
/* The reading at t as a double offset from a reference (exact to well
 * under 1 ns for |difference| < 2^52 ns): reading(t) - ref. */
double sim_clock_diff(struct sim_clock *c, int64_t t, int64_t ref);
/* The rate error at t (fraction), including the adjustment. */
double sim_clock_rate(struct sim_clock *c, int64_t t);
/* adjfreq at true time t: 0, or -ERANGE beyond max_adj. */
int sim_clock_adjfreq(struct sim_clock *c, int64_t t, double ppb);
/* Step at true time t by delta (rounded to step_res). */
void sim_clock_step(struct sim_clock *c, int64_t t, int64_t delta_ns);
/* Move the reading by delta at t without counting a step (a disturbance
 * from a scenario event, not the servo's doing). */
void sim_clock_jump(struct sim_clock *c, int64_t t, int64_t delta_ns);
/* Add a frequency step (fraction) to the oscillator at t (events). */
void sim_clock_freq_step(struct sim_clock *c, int64_t t, double df);

/* PHC-to-system read model (sys_offset, gettime's pre/post). */
struct sim_sysread {
	int64_t delay_ns; /* width of the read window */
	double jitter_ns; /* gaussian sigma of the measured offset */
	int64_t asym_ns; /* bias of the measured offset */
};

struct sim_hwclock {
	struct hwclock hw; /* first: the discipline sees this */
	struct sim_clock *clk; /* the clock the ops act on */
	struct sim_clock *sys; /* the node's system clock (may be clk) */
	const int64_t *now; /* the simulator's true time */
	struct sim_sysread rd;
	struct sim_rng rng; /* read jitter */
};

void sim_hwclock_init(struct sim_hwclock *h, const char *name,
		      struct sim_clock *clk, struct sim_clock *sys,
		      const int64_t *now, const struct sim_sysread *rd,
		      uint64_t seed);

#endif
