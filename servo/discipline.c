/*
 * servo/discipline.c — from offset samples to clock adjustments (see
 * discipline.h).
 *
 * Decisions worth knowing:
 * - JUMP: step the clock by the servo's step_ns, then set its frequency.
 *   LOCKED / LOCKED_STABLE: set the frequency.  UNLOCKED: touch nothing.
 *   The executor carries the decision out (res->act) and reports back
 *   (disc_applied); a failed clock op resets the servo (state UNLOCKED, as
 *   linuxptp does) and is reported in res->error.
 * - Free-running never asks for a step or a frequency.  It
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
 * - Each sample goes through the measurement filter first (pathsel.h): it
 *   may change the offset (another path delay), ask the servo to move its
 *   phase (servo_rebase: a better delay for a one-way servo, or a step of
 *   the clock from outside that both directions show, logged) and weigh
 *   the sample.  The filter takes delays only while the servo is
 *   "settled": LOCKED, and the frequency set within the measurement noise
 *   per second of the servo's estimate of the right one (a phase
 *   correction under way spoils delays).
 * - A Sync far off that only an exchange can tell from a late packet
 *   (the filter's psel_out.want_rev) sets res->want_delay_req: the
 *   executor asks the core for a Delay_Req now, whose exchange confirms
 *   a step within the round trip.  A servo that plans to end a
 *   correction before the next Sync (servo_out.measure_in_ns: the
 *   Kalman, after an outside step) asks for one then.
 * - Two kinds of samples (discipline.h, struct disc_input): SYNC samples
 *   go everywhere, as ptp4l's do; DELAY samples (the offset measured at
 *   t3 of a Delay_Req exchange) feed the filter's slave->master window
 *   and, for a servo that takes both directions (disc_two_way: Kalman
 *   with the filter on), the servo, with its verdict applied like any
 *   other; never the sanity check, the free-running estimate or the
 *   summary statistics, and never PI or linreg.
 * - Holdover and the bookkeeping it needs are in disc_hold.c.
 */
#include "servo/discipline.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "servo/disc_priv.h"

void disc_cfg_default(struct disc_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->servo_type = SERVO_PI;
	servo_params_default(&c->servo);
	c->free_running = false;
	c->sanity_freq_limit_ppb = 200000000;
	psel_cfg_default(&c->psel);
	holdover_cfg_default(&c->hold);
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

int disc_create(struct disc **out, const struct disc_cfg *cfg,
		const struct disc_clock *clk)
{
	struct disc *d;
	double fadj = 0.0;
	int err;

	if (!out || !cfg || !clk || cfg->sanity_freq_limit_ppb < 0 ||
	    psel_cfg_check(&cfg->psel) || holdover_cfg_check(&cfg->hold))
		return -EINVAL;
	if (!cfg->free_running && isfinite(clk->freq_ppb))
		fadj = clk->freq_ppb;
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
	snprintf(d->name, sizeof(d->name), "%s", clk->name ? clk->name : "clock");
	d->max_adj_ppb = clk->max_adj_ppb;
	d->cfg.psel.two_way = disc_two_way(d);
	psel_init(&d->psel, &d->cfg.psel);
	disc_track_init(d);
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
	psel_reset(&d->psel);
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

double disc_clamp(struct disc *d, double freq)
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

static void disc_op_failed(struct disc *d, const char *op, int err,
			   int64_t mono, struct disc_result *res)
{
	if (err >= 0)
		err = -EIO;
	if (cm_ratelimit_ok(&d->err_rl, mono))
		cm_err("servo: %s on %s failed: %s (%d), servo reset", op,
		       d->name, strerror(-err), err);
	servo_reset(d->servo);
	psel_reset(&d->psel);
	d->state = SERVO_UNLOCKED;
	res->state = SERVO_UNLOCKED;
	if (!res->error)
		res->error = err;
}

/* The frequency is on the clock now. */
static void disc_freq_set(struct disc *d, double freq)
{
	d->freq_ppb = freq;
	disc_check_set_freq(&d->check, freq);
}

/* The servo's verdict as a decision for the executor. */
static void disc_decide(struct disc *d, const struct servo_out *out,
			struct disc_result *res)
{
	d->state = out->state;
	res->state = out->state;
	switch (out->state) {
	case SERVO_UNLOCKED:
		break;
	case SERVO_JUMP:
		res->act.step = true;
		res->act.step_ns = out->step_ns;
		/* fall through */
	case SERVO_LOCKED:
	case SERVO_LOCKED_STABLE:
		res->act.set_freq = true;
		res->act.freq_ppb = disc_clamp(d, out->freq_ppb);
		break;
	}
}

/* What the executor did with the decision. */
static void disc_outcome(struct disc *d, struct disc_result *res,
			 int step_err, int freq_err, int64_t mono)
{
	if (res->act.step && step_err) {
		disc_op_failed(d, "step", step_err, mono, res);
	} else if (res->act.step) {
		if (d->check.primed)
			d->check.last_ts += res->act.step_ns;
		res->stepped = true;
		res->step_ns = res->act.step_ns;
		cm_notice("servo: %s stepped by %" PRId64 " ns", d->name,
			  res->act.step_ns);
	}
	if (res->act.set_freq && !(res->act.step && step_err)) {
		if (freq_err)
			disc_op_failed(d, "adjfreq", freq_err, mono, res);
		else
			disc_freq_set(d, res->act.freq_ppb);
	}
	res->freq_ppb = d->freq_ppb;
}

/* The servo's estimate now: e, or NULL when it has none. */
static const struct servo_estimate *disc_estimate(const struct disc *d,
						  struct servo_estimate *e)
{
	return servo_estimate(d->servo, e) == 0 && e->valid ? e : NULL;
}

/* The measurement noise (ns^2): the servo's, or for a servo that does not
 * learn it (none, or 0) the offsets' average square; 0 unknown. */
static double disc_noise(const struct disc *d, const struct servo_estimate *e)
{
	if (!e)
		return 0.0;
	return e->meas_var > 0.0 ? e->meas_var : d->trk.off_var;
}

/*
 * Is the clock running at the servo's estimate of the right frequency, or
 * is a phase correction under way?  A path delay is measured with a Sync
 * and a later Delay_Req; between them a correction of c ppb moves the
 * clock by c ns per second and spoils the delay by half that.  Delays are
 * taken in by the measurement filter only while the correction is within
 * the measurement noise per second (at least 1 ppb).  e: the servo's
 * estimate after the sample (NULL: none, which does not hold delays back).
 */
static bool disc_settled(const struct disc *d, enum servo_state st,
			 const struct servo_estimate *e)
{
	double noise;

	if (st != SERVO_LOCKED && st != SERVO_LOCKED_STABLE)
		return false;
	if (!e)
		return true;
	noise = sqrt(disc_noise(d, e));
	if (noise < 1.0)
		noise = 1.0;
	return fabs(d->freq_ppb - e->freq_ppb) <= noise;
}

/* The servo's expectation of the offset at local time ts (0 without):
 * with the frequencies set over the time between when the servo keeps
 * them (a late exchange's t3 lies before frequencies set since). */
static double disc_predict(const struct disc *d,
			   const struct servo_estimate *e, int64_t ts)
{
	double dt, ph;

	if (!e)
		return 0.0;
	if (servo_phase_at(d->servo, ts, &ph) == 0)
		return ph;
	dt = ((double)ts - (double)e->local_ts_ns) / 1e9;
	return e->phase_ns + (d->freq_ppb - e->freq_ppb) * dt;
}

static void disc_log_filter(const struct disc_input *in,
			    const struct psel_out *po)
{
	if (!cm_log_enabled(CM_LOG_DEBUG))
		return;
	cm_debug("servo: %s offset %" PRId64 " (core %" PRId64 ") delay "
		 "%" PRId64 " (core %" PRId64 ", raw %" PRId64
		 ") excess %.0f%s",
		 in->kind == DISC_DELAY ? "delay_req" : "sync", po->offset_ns,
		 in->offset_ns, po->delay_ns, in->path_delay_ns,
		 in->raw_delay_ns, po->excess_ns,
		 po->rebase_ns != 0.0 ? " rebased" : "");
}

/* The measurement filter: the offset for the servo and its weight (in
 * po), with the servo's estimate before the sample (e, NULL: none). */
static void disc_filter(struct disc *d, const struct disc_input *in,
			const struct servo_estimate *e, struct psel_out *po)
{
	struct psel_in pin = {
		.dir = in->kind == DISC_DELAY ? PSEL_REV : PSEL_FWD,
		.offset_ns = in->offset_ns,
		.path_delay_ns = in->path_delay_ns,
		.raw_delay_ns = in->raw_delay_ns,
		.one_way_ns = in->one_way_ns,
		.have_one_way = in->have_one_way,
	};

	pin.xpred_ns = disc_predict(d, e, in->ingress_ns);
	pin.meas_var = disc_noise(d, e);
	psel_sample(&d->psel, &pin, po);
	if (d->cfg.psel.mode != PSEL_NONE)
		disc_log_filter(in, po);
	if (po->step_ns)
		cm_notice("servo: %s moved by %+" PRId64 " ns (both directions "
			  "agree): following at once", d->name, po->step_ns);
	if (po->rebase_ns != 0.0) {
		/* a step from outside (the servo may hurry to remove it) and
		 * any change of the delay's basis with it */
		servo_moved(d->servo, (double)po->step_ns);
		servo_rebase(d->servo, po->rebase_ns - (double)po->step_ns);
		disc_track_rebase(d, po->rebase_ns);
	}
}

/*
 * The disciplined clock's time when the sample is processed, which is
 * when the frequency the servo sets for it takes effect: a Sync's right
 * after its t2 (its Follow_Up follows at once), an exchange's when the
 * Delay_Resp came, a round trip after its t3 (2 x the path delay; the
 * master's turnaround left out).  Over a long path (100 ms each way)
 * that is later than the next exchanges' t3 and the frequencies set for
 * them.  Taken from the sample itself, not from the monotonic clock,
 * whose rate differs from the disciplined clock's by as much as the
 * servo slews it.  At most DISC_LATE_MAX after ingress.
 */
#define DISC_LATE_MAX 1000000000LL
static int64_t disc_local_now(const struct disc_input *in)
{
	int64_t rt;

	if (in->kind != DISC_DELAY || in->path_delay_ns <= 0)
		return in->ingress_ns;
	rt = in->path_delay_ns < DISC_LATE_MAX / 2 ? 2 * in->path_delay_ns
						  : DISC_LATE_MAX;
	return in->ingress_ns + rt;
}

/* The servo's estimate is read once before the sample (prediction, noise)
 * and once after it, in disc_applied (holdover's bookkeeping,
 * settledness). */
static int disc_apply(struct disc *d, const struct disc_input *in,
		      struct disc_result *res)
{
	bool sync = in->kind != DISC_DELAY;
	struct servo_estimate est;
	struct psel_out po;
	struct servo_out out;

	disc_filter(d, in, disc_estimate(d, &est), &po);
	res->offset_ns = po.offset_ns;
	res->want_delay_req = po.want_rev;
	res->delay_req_in_ns = 0;
	if (!sync && !disc_two_way(d))
		return 0; /* the filter's window only */
	if (sync) {
		cm_stats_add(&d->stats.offset, (double)po.offset_ns);
		cm_stats_add(&d->stats.delay, (double)po.delay_ns);
	}
	res->used = true;
	servo_applied_at(d->servo, disc_local_now(in));
	servo_sample(d->servo, po.offset_ns, in->ingress_ns, po.weight, &out);
	disc_decide(d, &out, res);
	if (out.measure_in_ns > 0 && !res->want_delay_req) {
		res->want_delay_req = true;
		res->delay_req_in_ns = out.measure_in_ns;
	}
	d->pend = (struct disc_pending){
		.active = true,
		.sync = sync,
		.state = out.state,
		.offset_ns = po.offset_ns,
		.freq_before = d->freq_ppb,
	};
	return 0;
}

void disc_applied(struct disc *d, struct disc_result *res, int step_err,
		  int freq_err, int64_t mono)
{
	struct disc_pending p;
	struct servo_estimate est;
	const struct servo_estimate *e;

	if (!d || !res || !d->pend.active)
		return;
	p = d->pend;
	d->pend.active = false;
	disc_outcome(d, res, step_err, freq_err, mono);
	if (p.sync)
		cm_stats_add(&d->stats.freq, d->freq_ppb);
	e = disc_estimate(d, &est);
	disc_track_sample(d, p.offset_ns, mono, p.freq_before, res, e);
	if (res->error)
		psel_reset(&d->psel);
	else if (res->stepped)
		psel_stepped(&d->psel);
	else
		psel_verdict(&d->psel, disc_settled(d, p.state, e));
}

void disc_freq_applied(struct disc *d, double freq, int err, int64_t mono)
{
	struct disc_result res;

	if (!d)
		return;
	if (!err) {
		disc_freq_set(d, freq);
		return;
	}
	memset(&res, 0, sizeof(res));
	disc_op_failed(d, "adjfreq", err, mono, &res);
}

int disc_freq_moved(struct disc *d, double delta_ppb, int64_t local_ns,
		    int64_t mono_ns, double *freq_ppb)
{
	double f;
	int err;

	if (!d || !freq_ppb || !isfinite(delta_ppb))
		return -EINVAL;
	if (!d->servo || d->cfg.free_running || d->pend.active ||
	    disc_in_holdover(d) ||
	    (d->state != SERVO_LOCKED && d->state != SERVO_LOCKED_STABLE))
		return -EAGAIN;
	f = d->freq_ppb + delta_ppb;
	if (disc_clamp(d, f) != f)
		return -ERANGE;
	err = servo_freq_moved(d->servo, delta_ppb, local_ns);
	if (err)
		return err;
	disc_track_freq(d, mono_ns);
	*freq_ppb = f;
	return 0;
}

bool disc_two_way(const struct disc *d)
{
	return d && d->cfg.servo_type == SERVO_KALMAN &&
	       d->cfg.psel.mode != PSEL_NONE && !d->cfg.free_running;
}

int disc_sample_in(struct disc *d, const struct disc_input *in,
		   struct disc_result *res)
{
	struct disc_result scratch;
	bool sync;

	if (!res)
		res = &scratch;
	memset(res, 0, sizeof(*res));
	if (!d || !in || (unsigned)in->kind > DISC_DELAY)
		return -EINVAL;
	sync = in->kind == DISC_SYNC;
	res->state = d->state;
	res->freq_ppb = disc_freq_ppb(d);
	res->offset_ns = in->offset_ns;
	/* a DELAY sample feeds the filter's window and a two-way servo */
	if (!sync && (d->cfg.free_running || d->cfg.psel.mode == PSEL_NONE ||
		      !in->have_one_way))
		return 0;
	if (sync && d->cfg.sanity_freq_limit_ppb > 0 &&
	    disc_check_failed(d, in->ingress_ns, in->mono_ns)) {
		disc_fail_sanity(d, res);
		return 0;
	}
	if (d->cfg.free_running) {
		res->used = true;
		cm_stats_add(&d->stats.offset, (double)in->offset_ns);
		cm_stats_add(&d->stats.delay, (double)in->path_delay_ns);
		disc_free_sample(d, in->offset_ns, in->ingress_ns, res);
		return 0;
	}
	return disc_apply(d, in, res);
}

void disc_stepped(struct disc *d, int64_t step_ns)
{
	if (!d)
		return;
	if (d->check.primed)
		d->check.last_ts += step_ns;
	if (d->fr.anchored)
		d->fr.ts0 += step_ns;
}

void disc_rearm_first_step(struct disc *d)
{
	disc_set_first_step_pending(d, true);
}

bool disc_first_step_pending(const struct disc *d)
{
	return d && d->servo && d->servo->first_update;
}

void disc_set_first_step_pending(struct disc *d, bool pending)
{
	if (d && d->servo)
		d->servo->first_update = pending;
}

void disc_reset(struct disc *d)
{
	if (!d)
		return;
	servo_reset(d->servo);
	psel_reset(&d->psel);
	disc_track_reset(d);
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

enum servo_type disc_servo_type(const struct disc *d)
{
	return d ? d->cfg.servo_type : SERVO_PI;
}

bool disc_freq_known(const struct disc *d)
{
	return d && (!d->cfg.free_running || d->fr.have_est);
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
