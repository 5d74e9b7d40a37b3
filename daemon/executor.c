/* daemon/executor.c — carrying out the core's actions (see executor.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "daemon/executor.h"

#define EXEC_MAX_DEPTH 3

static const char *port_name(const struct exec *ex, int port)
{
	const char *n = bc_port_name(ex->bc, port);

	return n ? n : "clock";
}

/* The reference's discipline (NULL only in tests without clocks). */
static struct disc *ref_disc(const struct exec *ex)
{
	return ex->cs ? cs_ref_disc(ex->cs) : NULL;
}

void exec_init(struct exec *ex, struct bc *bc, struct clockset *cs,
	       const struct exec_platform *plat, int summary_interval)
{
	memset(ex, 0, sizeof(*ex));
	ex->bc = bc;
	ex->cs = cs;
	ex->plat = *plat;
	ex->summary_log = summary_interval;
	ex->log_sync_interval = 0;
	ex->kernel_leap = true;
	ex->tai_set = -1;
}

void exec_set_time(struct exec *ex, bool kernel_leap,
		   const struct leap_table *leapfile)
{
	ex->kernel_leap = kernel_leap;
	ex->leapfile = leapfile;
}

void exec_close(struct exec *ex)
{
	exec_time_close(ex);
}

/* ptp4l's rule: per-sample lines unless a summary spans several samples. */
static void exec_update_interval(struct exec *ex, int8_t log_sync)
{
	if (ex->have_interval && log_sync == ex->log_sync_interval)
		return;
	ex->have_interval = true;
	ex->log_sync_interval = log_sync;
	ex->summary_lines = ex->summary_log > log_sync;
	disc_sync_interval(ref_disc(ex),
			   (double)tmv_log_interval_ns(log_sync) / 1e9);
}

int64_t exec_summary_period_ns(const struct exec *ex)
{
	return ex->summary_lines ? tmv_log_interval_ns(ex->summary_log) : 0;
}

static void log_sample(struct exec *ex, int port, const struct bc_sample *s,
		       const struct disc_result *r)
{
	if (ex->summary_lines)
		return;
	cm_log(CM_LOG_INFO,
	       "%s: master offset %10" PRId64 " s%d freq %+7.0f path delay "
	       "%9" PRId64,
	       port_name(ex, port), s->offset_ns, (int)r->state, r->freq_ppb,
	       s->path_delay_ns);
}

void exec_summary(struct exec *ex)
{
	struct disc_stats st;
	int sp;

	if (!ref_disc(ex))
		return;
	disc_take_stats(ref_disc(ex), &st);
	if (st.offset.n == 0)
		return;
	sp = bc_slave_port(ex->bc);
	cm_log(CM_LOG_INFO,
	       "%s: rms %4.0f max %4.0f freq %+6.0f +/- %3.0f delay %5.0f "
	       "+/- %3.0f",
	       port_name(ex, sp), cm_stats_rms(&st.offset),
	       st.offset.max_abs, cm_stats_mean(&st.freq),
	       cm_stats_stddev(&st.freq), cm_stats_mean(&st.delay),
	       cm_stats_stddev(&st.delay));
}

/* The servo's state in st is new: when it changed, since when it is
 * locked (LOCKED and LOCKED_STABLE are one lock). */
static void status_state_times(struct bc_servo_status *st, bool was_valid,
			       int before, int64_t now)
{
	bool locked = st->state == SERVO_LOCKED ||
		      st->state == SERVO_LOCKED_STABLE;

	if (!was_valid || st->state != before)
		st->state_since_ns = now;
	if (!locked)
		st->locked_since_ns = 0;
	else if (!st->locked_since_ns)
		st->locked_since_ns = now;
}

static void window_fill(struct bc_servo_window *w, const struct exec *ex,
			bool complete)
{
	w->n = (uint32_t)(ex->win_offset.n > UINT32_MAX ? UINT32_MAX
							: ex->win_offset.n);
	w->complete = complete;
	w->span_ns = ex->win_last - ex->win_start;
	w->offset_rms_ns = cm_stats_rms(&ex->win_offset);
	w->offset_max_ns = ex->win_offset.max_abs;
	w->freq_mean_ppb = cm_stats_mean(&ex->win_freq);
	w->freq_stddev_ppb = cm_stats_stddev(&ex->win_freq);
	w->delay_mean_ns = cm_stats_mean(&ex->win_delay);
	w->delay_max_ns = ex->win_delay.max;
	w->delay_stddev_ns = cm_stats_stddev(&ex->win_delay);
}

/* A Sync sample into the window; a whole window (EXEC_WINDOW_NS) becomes
 * the one the status shows, and a new one starts. */
static void window_add(struct exec *ex, const struct bc_sample *s,
		       double freq_ppb, int64_t now, struct bc_servo_window *w)
{
	if (ex->win_offset.n == 0)
		ex->win_start = now;
	cm_stats_add(&ex->win_offset, (double)s->offset_ns);
	cm_stats_add(&ex->win_freq, freq_ppb);
	cm_stats_add(&ex->win_delay, (double)s->path_delay_ns);
	ex->win_last = now;
	if (now - ex->win_start >= EXEC_WINDOW_NS) {
		window_fill(&ex->win_done, ex, true);
		cm_stats_reset(&ex->win_offset);
		cm_stats_reset(&ex->win_freq);
		cm_stats_reset(&ex->win_delay);
	}
	if (ex->win_done.n)
		*w = ex->win_done;
	else
		window_fill(w, ex, false);
}

void exec_servo_state_now(struct exec *ex, int64_t now)
{
	struct bc_servo_status st = *bc_get_servo_status(ex->bc);
	struct disc *d = ref_disc(ex);

	if (!d)
		return;
	cs_state_refresh(ex->cs);
	if (!st.valid)
		return;
	st.state = (int)disc_state(d);
	status_state_times(&st, true, bc_get_servo_status(ex->bc)->state, now);
	bc_set_servo_status(ex->bc, &st);
	ex->last.servo_state = disc_state(d);
}

static void exec_report_status(struct exec *ex, const struct bc_sample *s,
			       const struct disc_result *r, int64_t now)
{
	struct bc_servo_status st = *bc_get_servo_status(ex->bc);
	bool was_valid = st.valid;

	st.valid = true;
	st.offset_ns = s->offset_ns;
	st.path_delay_ns = s->path_delay_ns;
	st.ingress = s->ingress;
	st.freq_ppb = r->freq_ppb;
	st.state = (int)r->state;
	st.at_ns = now;
	st.te_estimate_ns = ref_disc(ex) ? disc_te_estimate(ref_disc(ex), now)
				      : -1.0;
	st.holdover = false;
	if (r->stepped)
		st.steps++;
	status_state_times(&st, was_valid, bc_get_servo_status(ex->bc)->state,
			   now);
	window_add(ex, s, r->freq_ppb, now, &st.win);
	bc_set_servo_status(ex->bc, &st);
}

/* What the discipline did with a sample, told to the core (the step
 * went to it already, from exec_clock_apply). */
static void exec_servo_verdict(struct exec *ex, int port,
			       const struct disc_result *r, int64_t now,
			       struct bc_actions *next)
{
	bool locked;

	if (r->error)
		cm_log(CM_LOG_ERR, "%s: clock adjustment failed: %s",
		       port_name(ex, port), strerror(-r->error));
	locked = r->state == SERVO_LOCKED || r->state == SERVO_LOCKED_STABLE;
	bc_servo_state(ex->bc, locked ? BC_SERVO_LOCKED : BC_SERVO_UNLOCKED,
		       now, next);
}

/* The sample's clock as the reference, its discipline's decision
 * applied, and a Delay_Req on the sample's port when the discipline asks
 * for one, at once or later (the core refuses when the port cannot, or
 * has one outstanding: its answer comes anyway).  false: no discipline
 * to take it (tests without clocks). */
static bool exec_feed(struct exec *ex, int port, const struct disc_input *in,
		      struct disc_result *r, int64_t now,
		      struct bc_actions *next)
{
	int k = ex->cs ? cs_clock_of_port(ex->cs, port) : -1;

	memset(r, 0, sizeof(*r));
	if (k < 0)
		return false;
	exec_clock_reference(ex, k, now);
	if (k != ex->cs->ref || disc_sample_in(ref_disc(ex), in, r) < 0)
		return false;
	exec_clock_apply(ex, k, r, now);
	if (r->want_delay_req &&
	    bc_port_delay_req_at(ex->bc, port, now + r->delay_req_in_ns, now,
				 next) == 0)
		cm_log(CM_LOG_DEBUG, "%s: Delay_Req in %.3f s, as the "
		       "discipline asks", port_name(ex, port),
		       (double)r->delay_req_in_ns / 1e9);
	return true;
}

/*
 * A DELAY sample (the offset measured at t3 of a Delay_Req exchange): the
 * discipline gives it to its measurement filter and, when the servo takes
 * both directions (the Kalman), to the servo.  Only a verdict reaches the
 * core (a step, the servo's state) and the status (frequency, steps): the
 * per-sample log line, the summary, currentDS and the observers stay with
 * the Sync samples, as in ptp4l.
 */
static void exec_delay_sample(struct exec *ex, const struct bc_action *a,
			      const struct disc_input *in, int64_t now,
			      struct bc_actions *next)
{
	struct bc_servo_status st;
	struct disc_result r;

	if (!exec_feed(ex, a->port, in, &r, now, next) || !r.used)
		return;
	exec_servo_verdict(ex, a->port, &r, now, next);
	st = *bc_get_servo_status(ex->bc);
	st.freq_ppb = r.freq_ppb;
	st.state = (int)r.state;
	if (r.stepped)
		st.steps++;
	status_state_times(&st, st.valid, bc_get_servo_status(ex->bc)->state,
			   now);
	bc_set_servo_status(ex->bc, &st);
	ex->last.freq_ppb = r.freq_ppb;
	ex->last.servo_state = r.state;
	if (ex->cs)
		exec_clocks_publish(ex, now); /* a lock may have changed */
}

static void exec_sample(struct exec *ex, const struct bc_action *a,
			int64_t now, struct bc_actions *next)
{
	const struct bc_sample *s = &a->u.sample;
	struct disc_input in = {
		.kind = s->kind == BC_SAMPLE_DELAY ? DISC_DELAY : DISC_SYNC,
		.offset_ns = s->offset_ns,
		.path_delay_ns = s->path_delay_ns,
		.raw_delay_ns = s->raw_delay_ns,
		.one_way_ns = s->one_way_ns,
		.ingress_ns = s->ingress.ns,
		.origin_ns = s->origin.ns,
		.have_one_way = true,
		.mono_ns = now,
	};
	struct disc_result r;

	exec_update_interval(ex, s->log_sync_interval);
	if (s->kind == BC_SAMPLE_DELAY) {
		exec_delay_sample(ex, a, &in, now, next);
		return;
	}
	if (exec_feed(ex, a->port, &in, &r, now, next)) {
		struct cs_clock_state *cst = &ex->cs->c[ex->cs->ref].st;

		cst->have_offset = true;
		cst->offset_ns = s->offset_ns;
		cst->at_ns = now;
		cst->freq_ppb = r.freq_ppb;
		cst->state = r.state;
		exec_clocks_publish(ex, now);
	}
	exec_servo_verdict(ex, a->port, &r, now, next);
	ex->last.valid = true;
	ex->last.offset_ns = s->offset_ns;
	ex->last.path_delay_ns = s->path_delay_ns;
	ex->last.freq_ppb = r.freq_ppb;
	ex->last.servo_state = r.state;
	ex->last.at_ns = now;
	exec_report_status(ex, s, &r, now);
	log_sample(ex, a->port, s, &r);
	if (ex->plat.on_sample)
		ex->plat.on_sample(ex->plat.ctx, a->port, s, &r);
}

static void exec_send(struct exec *ex, const struct bc_actions *acts,
		      const struct bc_action *a, int64_t now,
		      struct bc_actions *next)
{
	bool event = a->type == BC_ACT_SEND_EVENT;
	int err;

	if (a->port < 0) {
		/* a management answer: to the client of exec_mgmt */
		if (ex->reply)
			ex->reply(ex->reply_ctx, bc_action_buf(acts, a),
				  a->u.send.len);
		else
			ex->mgmt_unanswered++;
		return;
	}
	err = ex->plat.send(ex->plat.ctx, a->port, event, a->u.send.dest,
			    &a->u.send.addr, bc_action_buf(acts, a),
			    a->u.send.len, a->u.send.token);
	if (err == 0)
		return;
	/* any failure, a full socket buffer (EAGAIN) included, faults the
	 * port as in ptp4l: an event message's TX timestamp would otherwise
	 * be reported missing 10 ms later, with the wrong cause */
	ex->send_errors++;
	cm_log(CM_LOG_ERR, "%s: sending %s failed: %s", port_name(ex, a->port),
	       ptp_msg_type_name(a->u.send.msg_type), strerror(-err));
	bc_port_fault_why(ex->bc, a->port, BC_FAULT_SEND, -err, now, next);
}

/* Give the core the clockClass cls (0: the configured quality back). */
static void exec_set_class(struct exec *ex, uint8_t cls, int64_t now,
			   struct bc_actions *next)
{
	struct clock_quality q = *bc_configured_clock_quality(ex->bc);

	if (cls == ex->class_set)
		return;
	if (cls)
		q.clock_class = cls;
	if (bc_set_clock_quality(ex->bc, &q, now, next) == 0) {
		cm_log(CM_LOG_NOTICE, "clock: clockClass %u (%s)",
		       (unsigned)q.clock_class,
		       cls ? "holdover" : "configured");
		ex->class_set = cls;
	}
}

static void exec_status_holdover(struct exec *ex, int64_t now)
{
	struct bc_servo_status st = *bc_get_servo_status(ex->bc);

	st.holdover = ex->holdover;
	st.te_estimate_ns = disc_te_estimate(ref_disc(ex), now);
	bc_set_servo_status(ex->bc, &st);
}

/* Holdover on the reference: its last good frequency set on the clock. */
static bool exec_holdover_enter(struct exec *ex, int64_t now)
{
	struct clockset *cs = ex->cs;
	double before = disc_freq_ppb(ref_disc(ex));

	if (cs_disc_holdover(cs->c[cs->ref].hw, ref_disc(ex), now))
		return false;
	cs_feed_forward(cs, cs->ref, before, disc_freq_ppb(ref_disc(ex)),
			now);
	return true;
}

/* The slave port lost its master (own) or a master was chosen. */
static void exec_parent_changed(struct exec *ex, bool own, int64_t now,
				struct bc_actions *next)
{
	struct disc *d = ref_disc(ex);

	if (!d)
		return;
	if (own && !ex->holdover && exec_holdover_enter(ex, now)) {
		ex->holdover = true;
		exec_set_class(ex, disc_clock_class(d, now), now, next);
		exec_status_holdover(ex, now);
	} else if (!own && ex->holdover) {
		disc_holdover_exit(d);
		ex->holdover = false;
		exec_set_class(ex, 0, now, next);
		exec_status_holdover(ex, now);
	}
	disc_reset(d);
	/* the reset servo is not locked: the clock table, the servo status
	 * and the lock history say so now, not the last sample's verdict */
	exec_servo_state_now(ex, now);
	exec_clocks_publish(ex, now);
}

/* After the servo's reset: a grandmaster other than the last one followed
 * may run on another time base (two clocks that never met, or a slave that
 * was master for a moment at start-up), which only a step can bridge when
 * step_threshold is 0.  Coming back to the same one after holdover is not
 * a reason to step. */
static void exec_new_grandmaster(struct exec *ex, const struct bc_action_parent *p)
{
	char id[CLOCK_ID_STRLEN];

	if (p->own || !ref_disc(ex))
		return;
	if (ex->have_gm && clock_identity_eq(&ex->gm, &p->gm))
		return;
	if (ex->have_gm) {
		disc_rearm_first_step(ref_disc(ex));
		cm_log(CM_LOG_INFO, "servo: new grandmaster %s: the first step "
		       "rule applies again",
		       clock_identity_str(&p->gm, id, sizeof(id)));
	}
	ex->have_gm = true;
	ex->gm = p->gm;
}

void exec_holdover_tick(struct exec *ex, int64_t now)
{
	struct bc_actions acts;
	struct disc *d = ref_disc(ex);

	if (!ex->holdover || !d)
		return;
	if (!disc_in_holdover(d)) {
		/* a sample ended it (the discipline tracks a master again) */
		ex->holdover = false;
	}
	bc_actions_init(&acts);
	exec_set_class(ex, ex->holdover ? disc_clock_class(d, now) : 0, now,
		       &acts);
	exec_status_holdover(ex, now);
	if (acts.n)
		exec_run(ex, &acts, now);
}

static void exec_one(struct exec *ex, const struct bc_actions *acts,
		     const struct bc_action *a, int64_t now,
		     struct bc_actions *next)
{
	switch (a->type) {
	case BC_ACT_SEND_EVENT:
	case BC_ACT_SEND_GENERAL:
		exec_send(ex, acts, a, now, next);
		break;
	case BC_ACT_TIMER_ARM:
		ex->plat.timer_arm(ex->plat.ctx, a->port,
				   a->u.timer.timer, a->u.timer.at_ns);
		break;
	case BC_ACT_TIMER_STOP:
		ex->plat.timer_stop(ex->plat.ctx, a->port,
				    a->u.timer.timer);
		break;
	case BC_ACT_SAMPLE:
		exec_sample(ex, a, now, next);
		break;
	case BC_ACT_STATE_CHANGED:
		if (ex->plat.on_state)
			ex->plat.on_state(ex->plat.ctx, a->port,
					  a->u.state.from, a->u.state.to,
					  a->u.state.event);
		break;
	case BC_ACT_PARENT_CHANGED:
		exec_parent_changed(ex, a->u.parent.own, now, next);
		exec_new_grandmaster(ex, &a->u.parent);
		if (ex->plat.on_parent)
			ex->plat.on_parent(ex->plat.ctx);
		break;
	}
}

void exec_run(struct exec *ex, struct bc_actions *acts, int64_t now)
{
	struct bc_actions next;

	if (acts->overflow) {
		ex->action_overflows++;
		cm_log(CM_LOG_ERR, "core: action list overflowed (%d actions)",
		       acts->n);
	}
	if (ex->depth >= EXEC_MAX_DEPTH)
		return;
	ex->depth++;
	bc_actions_init(&next);
	for (int i = 0; i < acts->n; i++) {
		exec_one(ex, acts, &acts->a[i], now, &next);
		if (next.n > BC_MAX_ACTIONS / 2 || i == acts->n - 1) {
			if (next.n)
				exec_run(ex, &next, now);
			bc_actions_init(&next);
		}
	}
	ex->depth--;
}

/* ---- wrappers ---- */

#define EXEC_WRAP(call)                           \
	do {                                      \
		struct bc_actions acts;           \
		int err_;                         \
		exec_holdover_tick(ex, now);      \
		bc_actions_init(&acts);           \
		err_ = (call);                    \
		exec_run(ex, &acts, now);         \
		return err_;                      \
	} while (0)

/* A call that goes on where it stopped when the actions filled up
 * (-ENOBUFS: bc_start, bc_state_decision, bc_port_remove's neighbours):
 * run what it gave, call again, until it is done.  Each round makes
 * progress (at least one port), so the rounds are bounded by the ports. */
#define EXEC_WRAP_RESUME(call)                               \
	do {                                                 \
		struct bc_actions acts;                      \
		int err_, rounds_ = 0;                       \
		exec_holdover_tick(ex, now);                 \
		do {                                         \
			bc_actions_init(&acts);              \
			err_ = (call);                       \
			exec_run(ex, &acts, now);            \
		} while (err_ == -ENOBUFS &&                 \
			 ++rounds_ <= BC_MAX_PORTS);         \
		return err_;                                 \
	} while (0)

int exec_rx(struct exec *ex, int port, const uint8_t *buf, size_t len,
	    tmv_t rx_ts, const struct bc_addr *src, int64_t now)
{
	EXEC_WRAP(bc_port_rx(ex->bc, port, buf, len, rx_ts, src, now, &acts));
}

int exec_tx_ts(struct exec *ex, int port, uint32_t token, tmv_t ts,
	       int64_t now)
{
	EXEC_WRAP(bc_port_tx_ts(ex->bc, port, token, ts, now, &acts));
}

int exec_timer(struct exec *ex, int port, int t, int64_t now)
{
	if (port < 0) {
		exec_holdover_tick(ex, now);
		if (t == EXEC_TMR_FOLLOW)
			exec_follow(ex, now);
		else if (t == EXEC_TMR_TIME)
			exec_time_tick(ex, now);
		return 0;
	}
	EXEC_WRAP(bc_port_timer(ex->bc, port, t, now, &acts));
}

int exec_link(struct exec *ex, int port, bool up, int64_t now)
{
	EXEC_WRAP(bc_port_link(ex->bc, port, up, now, &acts));
}

int exec_fault(struct exec *ex, int port, int64_t now)
{
	EXEC_WRAP(bc_port_fault(ex->bc, port, now, &acts));
}

int exec_start(struct exec *ex, int64_t now)
{
	exec_clocks_publish(ex, now);
	exec_follow_start(ex, now);
	exec_time_start(ex, now);
	EXEC_WRAP_RESUME(bc_start(ex->bc, now, &acts));
}

int exec_port_add(struct exec *ex, const struct bc_port_cfg *cfg, int64_t now)
{
	struct bc_actions acts;
	int port;

	exec_holdover_tick(ex, now);
	bc_actions_init(&acts);
	port = bc_port_add(ex->bc, cfg, now, &acts);
	if (port >= 0)
		cs_bind_port(ex->cs, port, cfg->clock);
	exec_run(ex, &acts, now);
	return port;
}

int exec_port_remove(struct exec *ex, int port, int64_t now)
{
	struct bc_actions acts;
	int err;

	exec_holdover_tick(ex, now);
	bc_actions_init(&acts);
	err = bc_port_remove(ex->bc, port, now, &acts);
	exec_run(ex, &acts, now);
	if (!err)
		cs_unbind_port(ex->cs, port);
	return err;
}

int exec_port_reconfigure(struct exec *ex, int port,
			  const struct bc_port_cfg *cfg, int64_t now)
{
	struct bc_actions acts;
	int err;

	exec_holdover_tick(ex, now);
	bc_actions_init(&acts);
	err = bc_port_reconfigure(ex->bc, port, cfg, now, &acts);
	exec_run(ex, &acts, now);
	return err;
}

void exec_servos_renewed(struct exec *ex)
{
	ex->have_interval = false; /* the new reference servo gets it */
}

void exec_set_summary(struct exec *ex, int summary_interval)
{
	ex->summary_log = summary_interval;
	ex->summary_lines = ex->summary_log > ex->log_sync_interval;
}

int exec_mgmt(struct exec *ex, const struct bc_mgmt_req *r, bool read_only,
	      int64_t now,
	      void (*reply)(void *ctx, const uint8_t *buf, size_t len),
	      void *ctx)
{
	struct bc_actions acts;
	int next = 0, err, rounds = 0;

	exec_holdover_tick(ex, now);
	do {
		bc_actions_init(&acts);
		err = bc_mgmt_resume(ex->bc, r, read_only, &next, now, &acts);
		ex->reply = reply;
		ex->reply_ctx = ctx;
		exec_run(ex, &acts, now);
		ex->reply = NULL;
		ex->reply_ctx = NULL;
	} while (err == -ENOBUFS && next > 0 && ++rounds <= BC_MAX_PORTS);
	return err;
}

void exec_state_decision(struct exec *ex, int64_t now)
{
	struct bc_actions acts;
	int rounds = 0;

	exec_holdover_tick(ex, now);
	while (bc_state_decision_due(ex->bc) && rounds++ <= BC_MAX_PORTS) {
		bc_actions_init(&acts);
		bc_state_decision(ex->bc, now, &acts);
		exec_run(ex, &acts, now);
	}
}
