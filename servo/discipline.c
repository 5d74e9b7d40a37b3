/*
 * servo/discipline.c — from offset samples to clock adjustments (see
 * discipline.h).
 *
 * Decisions worth knowing:
 * - JUMP: step the clock by the servo's step_ns, then set its frequency.
 *   LOCKED / LOCKED_STABLE: set the frequency.  UNLOCKED: touch nothing.
 *   A failed clock op resets the servo (state UNLOCKED, as linuxptp does) and
 *   is returned and reported in res->error.
 * - Free-running never calls adjfreq or step (nor getfreq at create).  It
 *   estimates the clock's frequency error from the offsets over windows of
 *   at least DISC_FREE_WINDOW_NS, like linuxptp's clock_no_adjust, and
 *   reports it with our sign: res->freq_ppb is the frequency that WOULD
 *   correct the clock (a clock running 50 ppm fast reports -50000), the
 *   same quantity a disciplined clock reports.  The state stays UNLOCKED.
 * - sanity_freq_limit works like linuxptp's clockcheck: between samples at
 *   least 1 s apart on both the disciplined clock (local_ts) and the
 *   caller's monotonic clock, the clock's progress, corrected for the range
 *   of frequencies set in between (and for our own steps), must stay within
 *   the limit.  If not: log, reset the servo, ignore the sample, res->reset.
 *   In free-running mode the check runs against an assumed frequency of 0
 *   and only reports (log, res->reset) and restarts the frequency estimate,
 *   whose window a jump would spoil; nothing touches the clock.
 */
#include "servo/discipline.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

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
	bool anchored;
	bool have_est;
	int64_t offset0;
	int64_t ts0;
	double est_ppb;
};

struct disc {
	struct disc_cfg cfg;
	struct hwclock *clk;
	struct servo *servo;
	enum servo_state state;
	double freq_ppb; /* set on the clock (not free-running) */
	bool clamped;
	struct disc_check check;
	struct disc_free fr;
	struct disc_stats stats;
	struct cm_ratelimit err_rl;
};

void disc_cfg_default(struct disc_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->servo_type = SERVO_PI;
	servo_params_default(&c->servo);
	c->free_running = false;
	c->sanity_freq_limit_ppb = 200000000;
}

static void disc_stats_clear(struct disc_stats *s)
{
	cm_stats_reset(&s->offset);
	cm_stats_reset(&s->freq);
	cm_stats_reset(&s->delay);
}

static void disc_check_set_freq(struct disc_check *c, double freq)
{
	if (freq > c->max_freq)
		c->max_freq = freq;
	if (freq < c->min_freq)
		c->min_freq = freq;
	c->cur_freq = freq;
}

static int disc_read_freq(struct hwclock *clk, double *fadj)
{
	int err;

	*fadj = 0.0;
	if (!clk->ops->getfreq)
		return 0;
	err = clk->ops->getfreq(clk, fadj);
	if (err)
		return err < 0 ? err : -EIO;
	if (!isfinite(*fadj))
		*fadj = 0.0;
	return 0;
}

int disc_create(struct disc **out, const struct disc_cfg *cfg,
		struct hwclock *clk)
{
	struct disc *d;
	double fadj = 0.0;
	int err;

	if (!out || !cfg || !clk || !clk->ops || !clk->ops->adjfreq ||
	    !clk->ops->step || cfg->sanity_freq_limit_ppb < 0)
		return -EINVAL;
	if (!cfg->free_running) {
		err = disc_read_freq(clk, &fadj);
		if (err)
			return err;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	err = servo_create(&d->servo, cfg->servo_type, &cfg->servo, fadj,
			   clk->max_adj_ppb);
	if (err) {
		free(d);
		return err;
	}
	d->cfg = *cfg;
	d->clk = clk;
	d->state = SERVO_UNLOCKED;
	d->freq_ppb = fadj;
	d->check.cur_freq = d->check.min_freq = d->check.max_freq = fadj;
	d->err_rl.interval_ns = DISC_ERR_LOG_NS;
	disc_stats_clear(&d->stats);
	*out = d;
	return 0;
}

void disc_destroy(struct disc *d)
{
	if (!d)
		return;
	servo_destroy(d->servo);
	free(d);
}

/* clockcheck: true when the clock moved implausibly against mono. */
static bool disc_check_failed(struct disc *d, int64_t ts, int64_t mono)
{
	struct disc_check *c = &d->check;
	double iv, mono_iv, lo, hi, lim = d->cfg.sanity_freq_limit_ppb;
	bool bad = false;

	if (c->primed) {
		iv = (double)ts - (double)c->last_ts;
		if (iv >= 0.0 && iv < DISC_CHECK_MIN_NS)
			return false;
		mono_iv = (double)mono - (double)c->last_mono;
		if (mono_iv < DISC_CHECK_MIN_NS)
			return false;
		/* Observed frequency, less the highest / lowest one set. */
		lo = 1e9 * (iv / (1.0 + c->max_freq / 1e9) / mono_iv - 1.0);
		hi = 1e9 * (iv / (1.0 + c->min_freq / 1e9) / mono_iv - 1.0);
		if (lo > lim) {
			cm_warn("servo: clock jumped forward or frequency out of range (%+.0f ppb > %.0f)",
				lo, lim);
			bad = true;
		} else if (hi < -lim) {
			cm_warn("servo: clock jumped backward or frequency out of range (%+.0f ppb < -%.0f)",
				hi, lim);
			bad = true;
		}
	}
	c->primed = true;
	c->last_ts = ts;
	c->last_mono = mono;
	c->min_freq = c->max_freq = c->cur_freq;
	return bad;
}

static void disc_fail_sanity(struct disc *d, struct disc_result *res)
{
	res->reset = true;
	if (d->cfg.free_running) {
		d->fr.anchored = false;
		cm_warn("servo: free-running, frequency estimate restarted");
		return;
	}
	servo_reset(d->servo);
	d->state = SERVO_UNLOCKED;
	res->state = SERVO_UNLOCKED;
	cm_warn("servo: reset");
}

/* Free-running: measure, never adjust. */
static void disc_free_sample(struct disc *d, int64_t offset, int64_t ts,
			     struct disc_result *res)
{
	struct disc_free *f = &d->fr;
	double span;

	if (f->anchored && ts > f->ts0 && ts - f->ts0 >= DISC_FREE_WINDOW_NS) {
		span = (double)ts - (double)f->ts0;
		/* offset grows by err * span: the fix is -err. */
		f->est_ppb = -((double)offset - (double)f->offset0) / span * 1e9;
		f->have_est = true;
		f->anchored = false;
		cm_stats_add(&d->stats.freq, f->est_ppb);
	}
	if (!f->anchored || ts <= f->ts0) {
		f->anchored = true;
		f->offset0 = offset;
		f->ts0 = ts;
	}
	d->state = SERVO_UNLOCKED;
	res->state = SERVO_UNLOCKED;
	res->freq_ppb = f->est_ppb;
}

static double disc_clamp(struct disc *d, double freq)
{
	double lim = d->servo->max_freq_ppb;
	bool clamped = false;

	if (!isfinite(freq))
		freq = d->freq_ppb;
	if (freq >= lim) {
		freq = lim;
		clamped = true;
	} else if (freq <= -lim) {
		freq = -lim;
		clamped = true;
	}
	if (clamped && !d->clamped)
		cm_notice("servo: frequency clamped to %+.0f ppb", freq);
	d->clamped = clamped;
	return freq;
}

static int disc_op_failed(struct disc *d, const char *op, int err,
			  int64_t mono, struct disc_result *res)
{
	if (err >= 0)
		err = -EIO;
	if (cm_ratelimit_ok(&d->err_rl, mono))
		cm_err("servo: %s on %s failed: %s (%d), servo reset", op,
		       d->clk->name, strerror(-err), err);
	servo_reset(d->servo);
	d->state = SERVO_UNLOCKED;
	res->state = SERVO_UNLOCKED;
	res->error = err;
	return err;
}

static int disc_set_freq(struct disc *d, double freq, int64_t mono,
			 struct disc_result *res)
{
	int err = d->clk->ops->adjfreq(d->clk, freq);

	if (err)
		return disc_op_failed(d, "adjfreq", err, mono, res);
	d->freq_ppb = freq;
	disc_check_set_freq(&d->check, freq);
	return 0;
}

static int disc_step(struct disc *d, int64_t step_ns, int64_t mono,
		     struct disc_result *res)
{
	int err = d->clk->ops->step(d->clk, step_ns);

	if (err)
		return disc_op_failed(d, "step", err, mono, res);
	if (d->check.primed)
		d->check.last_ts += step_ns;
	res->stepped = true;
	res->step_ns = step_ns;
	cm_notice("servo: clock stepped by %" PRId64 " ns", step_ns);
	return 0;
}

/* Apply the servo's verdict to the clock. */
static int disc_apply(struct disc *d, int64_t offset, int64_t ts,
		      int64_t mono, struct disc_result *res)
{
	struct servo_out out;
	double freq;
	int err = 0;

	servo_sample(d->servo, offset, ts, 1.0, &out);
	d->state = out.state;
	res->state = out.state;
	switch (out.state) {
	case SERVO_UNLOCKED:
		break;
	case SERVO_JUMP:
		freq = disc_clamp(d, out.freq_ppb);
		err = disc_step(d, out.step_ns, mono, res);
		if (!err)
			err = disc_set_freq(d, freq, mono, res);
		break;
	case SERVO_LOCKED:
	case SERVO_LOCKED_STABLE:
		freq = disc_clamp(d, out.freq_ppb);
		err = disc_set_freq(d, freq, mono, res);
		break;
	}
	res->freq_ppb = d->freq_ppb;
	cm_stats_add(&d->stats.freq, d->freq_ppb);
	return err;
}

int disc_sample(struct disc *d, int64_t offset_ns, int64_t path_delay_ns,
		int64_t local_ts_ns, int64_t mono_ns, struct disc_result *res)
{
	struct disc_result scratch;

	if (!res)
		res = &scratch;
	memset(res, 0, sizeof(*res));
	if (!d)
		return -EINVAL;
	res->state = d->state;
	res->freq_ppb = disc_freq_ppb(d);
	if (d->cfg.sanity_freq_limit_ppb > 0 &&
	    disc_check_failed(d, local_ts_ns, mono_ns)) {
		disc_fail_sanity(d, res);
		return 0;
	}
	cm_stats_add(&d->stats.offset, (double)offset_ns);
	cm_stats_add(&d->stats.delay, (double)path_delay_ns);
	if (d->cfg.free_running) {
		disc_free_sample(d, offset_ns, local_ts_ns, res);
		return 0;
	}
	return disc_apply(d, offset_ns, local_ts_ns, mono_ns, res);
}

void disc_reset(struct disc *d)
{
	if (!d)
		return;
	servo_reset(d->servo);
	d->state = SERVO_UNLOCKED;
	d->fr.anchored = false;
}

void disc_sync_interval(struct disc *d, double interval_s)
{
	if (d)
		servo_sync_interval(d->servo, interval_s);
}

enum servo_state disc_state(const struct disc *d)
{
	return d ? d->state : SERVO_UNLOCKED;
}

double disc_freq_ppb(const struct disc *d)
{
	if (!d)
		return 0.0;
	return d->cfg.free_running ? d->fr.est_ppb : d->freq_ppb;
}

void disc_take_stats(struct disc *d, struct disc_stats *out)
{
	if (!d)
		return;
	if (out)
		*out = d->stats;
	disc_stats_clear(&d->stats);
}

struct servo *disc_servo(struct disc *d)
{
	return d ? d->servo : NULL;
}
