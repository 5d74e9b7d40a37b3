/*
 * daemon/exec_clocks.c — the executor's side of the clock set (see
 * executor.h and clockset.h): decisions applied and their steps told to
 * the core, the reference moving with the slave port, and the followers'
 * paired readings on their own timer.
 *
 * A step of the reference by d moves every clock that follows it by d as
 * well, at once: a follower tracks the reference's time, and would
 * otherwise see an offset of -d that its servo may not step (phc2sys's
 * default step_threshold is 0, never after the first) and would slew for
 * a long time.  Each step, the reference's or a follower's, moves the
 * stored timestamps of that clock's ports only (bc_clock_stepped).
 *
 * The follow timer is re-armed from its deadline, not from when it ran,
 * so the readings keep their rate whatever the loop's latency.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "daemon/executor.h"

/* Tell the core that clock k was stepped by step_ns. */
void exec_tell_step(struct exec *ex, int k, int64_t step_ns, int64_t now)
{
	struct bc_actions acts;

	bc_actions_init(&acts);
	bc_clock_stepped(ex->bc, k, step_ns, &acts);
	if (acts.n)
		exec_run(ex, &acts, now);
}

/* The reference k stepped: its followers (those adjusted) step too. */
static void exec_pass_step(struct exec *ex, int k, int64_t step_ns,
			   int64_t now)
{
	struct clockset *cs = ex->cs;

	for (int i = 0; i < cs->n; i++) {
		struct cs_clock *c = &cs->c[i];
		int err;

		/* a follower its servo has put on the reference's time goes
		 * with it, allowed to steer now or not (a boundary clock's
		 * PHCs while its port is UNCALIBRATED); one never put there
		 * (the system clock behind a free-running grandmaster)
		 * finds the reference's new time at its own first reading */
		if (i == k || c->source != k || !c->adjust || !c->st.tied)
			continue;
		err = c->hw->ops->step(c->hw, step_ns);
		if (err) {
			cm_err("%s: passing on the reference's step of %" PRId64
			       " ns failed: %s", c->hw->name, step_ns,
			       strerror(-err));
			continue;
		}
		disc_stepped(c->disc, step_ns);
		c->st.steps++;
		cm_notice("%s: stepped by %" PRId64 " ns with the reference",
			  c->hw->name, step_ns);
		exec_tell_step(ex, i, step_ns, now);
	}
}

static bool state_locked(enum servo_state s)
{
	return s == SERVO_LOCKED || s == SERVO_LOCKED_STABLE;
}

bool exec_is_gm(const struct exec *ex)
{
	const struct bc *bc = ex->bc;

	if (bc_slave_port(bc) >= 0 || !bc_is_own_parent(bc))
		return false;
	for (int i = 0; i < bc_nports(bc); i++) {
		if (bc_port_ds(bc, i)->port_state == PS_MASTER)
			return true;
	}
	return false;
}

/*
 * May follower c be steered onto the reference now?  Once the reference
 * has time from a master (it locked; holdover keeps it) or is the system
 * clock, yes.  While the clock is a grandmaster without that, the other
 * PHCs follow (the ports must serve one time), but the system clock only
 * when the clock is a grandmaster of some standing (clockClass below 248,
 * e.g. 6 with a GNSS receiver): a free-running PHC, which may never have
 * been set, does not drag the host's clock along -- not even for the few
 * seconds a starting clock is master before it hears the grandmaster.
 */
bool exec_may_steer(const struct exec *ex, const struct cs_clock *c)
{
	if (ex->ref_timed)
		return true;
	if (!exec_is_gm(ex))
		return false;
	return !c->hw->keeps_utc ||
	       bc_default_ds(ex->bc)->clock_quality.clock_class < 248;
}

/* Has the reference got time from a master yet (or is it the system
 * clock)?  Once it has, it keeps it (holdover). */
static void exec_check_timed(struct exec *ex, const struct disc_result *r)
{
	const struct cs_clock *ref = &ex->cs->c[ex->cs->ref];
	const char *why = NULL;

	if (ex->ref_timed)
		return;
	if (r && state_locked(r->state))
		why = "locked to its master";
	else if (ref->hw->keeps_utc)
		why = "the system clock";
	if (!why)
		return;
	ex->ref_timed = true;
	if (ex->cs->n > 1)
		cm_notice("clock: %s is %s: its followers follow it now",
			  ref->hw->name, why);
}

void exec_clock_apply(struct exec *ex, int k, struct disc_result *r,
		      int64_t now)
{
	double before = disc_freq_ppb(ex->cs->c[k].disc);

	cs_apply(ex->cs, k, r, now);
	if (k == ex->cs->ref && r->act.set_freq && !r->error)
		cs_feed_forward(ex->cs, k, before,
				disc_freq_ppb(ex->cs->c[k].disc), now);
	if (k == ex->cs->ref)
		exec_check_timed(ex, r);
	if (!r->stepped)
		return;
	exec_tell_step(ex, k, r->step_ns, now);
	if (k == ex->cs->ref)
		exec_pass_step(ex, k, r->step_ns, now);
}

/* A clock's time-error estimate against the grandmaster: the reference's
 * servo's, plus for a follower its own last offset and half its reading
 * window; < 0 when the reference's is unknown. */
static double clock_te(const struct exec *ex, const struct cs_clock *c)
{
	const struct clockset *cs = ex->cs;
	double te = disc_te_estimate(cs->c[cs->ref].disc, c->st.at_ns);

	if (c == &cs->c[cs->ref] || te < 0.0)
		return te;
	if (!c->st.have_offset)
		return -1.0;
	return te + (double)(c->st.offset_ns < 0 ? -c->st.offset_ns
						 : c->st.offset_ns) +
	       (double)c->st.read_delay_ns / 2.0;
}

void exec_clocks_publish(struct exec *ex, int64_t now)
{
	struct clockset *cs = ex->cs;

	if (cs)
		cs_track_locks(cs, now);
	for (int k = 0; cs && k < cs->n; k++) {
		const struct cs_clock *c = &cs->c[k];
		struct bc_clock_info ci = {
			.phc_index = c->hw->phc_index,
			.role = k == cs->ref ? BC_CLOCK_REFERENCE
					     : BC_CLOCK_FOLLOWER,
			.source = (int8_t)c->source,
			.adjusted = c->adjust,
			.keeps_utc = c->hw->keeps_utc,
			.steered = k != cs->ref && c->adjust &&
				   exec_may_steer(ex, c),
			.servo_type = (uint8_t)disc_servo_type(c->disc),
			.servo_state = (uint8_t)c->st.state,
			.have_offset = c->st.have_offset,
			.offset_ns = c->st.offset_ns,
			.have_freq = disc_freq_known(c->disc),
			.freq_ppb = disc_freq_ppb(c->disc),
			.read_method = (uint8_t)c->st.read_method,
			.read_delay_ns = c->st.read_delay_ns,
			.te_estimate_ns = clock_te(ex, c),
			.steps = c->st.steps,
			.readings = c->st.readings,
			.read_errors = c->st.read_errors,
			.at_ns = c->st.at_ns,
			.lock_applicable = cs_lock_applicable(c),
			.lock = c->lock,
		};

		snprintf(ci.name, sizeof(ci.name), "%s", c->hw->name);
		bc_set_clock_info(ex->bc, k, &ci);
	}
}

void exec_clock_reference(struct exec *ex, int k, int64_t now)
{
	if (k == ex->cs->ref || !cs_set_reference(ex->cs, k, now))
		return;
	exec_clocks_publish(ex, now);
	/* the new reference's servo learns the master's interval afresh */
	ex->have_interval = false;
	if (ex->holdover) {
		ex->holdover = false;
		ex->class_set = 0; /* the next tick restores the quality */
	}
}

/* ---- followers ---- */

static int64_t follow_period_ns(const struct exec *ex)
{
	return ex->cs ? ex->cs->cfg.follow_interval_ns : 0;
}

static void follow_arm(struct exec *ex, int64_t at)
{
	ex->follow_next = at;
	ex->plat.timer_arm(ex->plat.ctx, -1, EXEC_TMR_FOLLOW, at);
}

void exec_follow_start(struct exec *ex, int64_t now)
{
	if (!ex->cs || ex->cs->n < 2 || follow_period_ns(ex) <= 0)
		return;
	follow_arm(ex, now + follow_period_ns(ex));
}

/*
 * The offset of follower k against the reference on one timescale: a
 * clock that keeps UTC reads the UTC offset in force less (leap seconds
 * included, taken at the reference's time of the reading).  *ambiguous:
 * a UTC clock is involved and the reading falls within a second of a
 * leap second.
 */
static int64_t follow_offset(const struct exec *ex, int k,
			     const struct cs_reading *rd, bool *ambiguous)
{
	const struct clockset *cs = ex->cs;
	bool k_utc = cs->c[k].hw->keeps_utc;
	bool r_utc = cs->c[cs->ref].hw->keeps_utc;
	const struct leap_latch *l = bc_leap(ex->bc);
	int64_t tai = rd->ref_ns;
	int u;

	*ambiguous = false;
	if (k_utc == r_utc)
		return rd->raw_offset_ns;
	if (r_utc)
		tai += (int64_t)leap_offset_at_utc(l, bc_utc_offset(ex->bc),
						   rd->ref_ns, NULL) *
		       NS_PER_SEC;
	u = bc_utc_offset_at(ex->bc, tai);
	*ambiguous = bc_time_properties_ds(ex->bc)->ptp_timescale &&
		     leap_near(l, tai);
	return rd->raw_offset_ns + (int64_t)(k_utc ? u : -u) * NS_PER_SEC;
}

static void follow_one(struct exec *ex, int k, int64_t now)
{
	struct clockset *cs = ex->cs;
	struct cs_clock *c = &cs->c[k];
	struct cs_reading rd;
	struct disc_result r;
	int64_t offset;
	bool ambiguous;
	int err;

	err = cs_read(cs, k, &rd);
	if (err) {
		if (c->st.read_errors == 1 || !(c->st.read_errors % 1000))
			cm_err("%s: paired reading failed: %s (%" PRIu64
			       " so far)", c->hw->name, strerror(-err),
			       c->st.read_errors);
		return;
	}
	offset = follow_offset(ex, k, &rd, &ambiguous);
	cs_steer(cs, k, &rd, offset, exec_may_steer(ex, c) && !ambiguous, now,
		 &r);
	if (r.stepped)
		exec_tell_step(ex, k, r.step_ns, now);
	cm_debug("%s: offset %" PRId64 " from %s, s%d freq %+.0f, %s "
		 "delay %" PRId64 "%s", c->hw->name, offset,
		 cs->c[cs->ref].hw->name, (int)r.state, r.freq_ppb,
		 hwclock_read_name(rd.method), rd.delay_ns,
		 ambiguous ? " (leap second: not steered)" : "");
}

void exec_follow(struct exec *ex, int64_t now)
{
	struct clockset *cs = ex->cs;
	int64_t period = follow_period_ns(ex), next;

	if (!cs || period <= 0)
		return;
	exec_check_timed(ex, NULL);
	for (int k = 0; k < cs->n; k++) {
		if (k != cs->ref && cs->c[k].disc)
			follow_one(ex, k, now);
	}
	exec_clocks_publish(ex, now);
	next = ex->follow_next + period;
	if (next <= now) /* late by a whole period: no burst to catch up */
		next = now + period;
	follow_arm(ex, next);
}
