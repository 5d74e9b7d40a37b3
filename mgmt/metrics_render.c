/*
 * mgmt/metrics_render.c — the Prometheus text of a snapshot (see
 * metrics_render.h; the snapshot is mgmt/metrics_snap.c's).  Each group of
 * families is one small function; a family's samples follow its HELP and
 * TYPE lines without interruption, as the format requires.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/alarm.h"
#include "mgmt/decode.h"
#include "mgmt/metrics_render.h"
#include "mgmt/metrics_write.h"
#include "servo/servo.h"

static double ns_to_s(int64_t ns)
{
	return (double)ns / 1e9;
}

static void ml_clock(struct ml *l, const struct metrics_snapshot *s)
{
	ml_reset(l);
	ml_add(l, "clock", s->clock_name);
}

static void ml_clock_of(struct ml *l, const struct metrics_clock_snap *c)
{
	ml_reset(l);
	ml_add(l, "clock", c->ci.name);
}

static bool have_clocks(const struct metrics_snapshot *s)
{
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		if (s->clock[k].present)
			return true;
	}
	return false;
}

/* The servo of clock c steers it now (mgmt/decode.h's rule). */
static bool clock_applied(const struct metrics_clock_snap *c)
{
	return mgmt_clock_servo_applied(c->ci.adjusted, c->ci.role,
					c->ci.steered);
}

static void ml_port(struct ml *l, const struct metrics_port_snap *p)
{
	char num[8];

	snprintf(num, sizeof(num), "%u", (unsigned)p->number);
	ml_reset(l);
	ml_add(l, "port", num);
	ml_add(l, "interface", p->name);
}

/* ---- the families ---- */

static void render_info(struct mw *w, const struct metrics_snapshot *s)
{
	char id[CLOCK_ID_STRLEN];
	struct ml l;

	ml_reset(&l);
	ml_add(&l, "version", s->version);
	ml_add(&l, "clock_identity",
	       clock_identity_str(&s->dds.clock_identity, id, sizeof(id)));
	mw_family(w, "hvptp_info", "gauge",
		  "hvptpd's version and clockIdentity (value 1).");
	mw_double(w, "hvptp_info", &l, 1);
	mw_family(w, "hvptp_domain_number", "gauge",
		  "defaultDS.domainNumber.");
	mw_int(w, "hvptp_domain_number", NULL, s->dds.domain_number);
	mw_family(w, "hvptp_clock_class", "gauge",
		  "defaultDS.clockQuality.clockClass of this clock.");
	mw_int(w, "hvptp_clock_class", NULL,
	       s->dds.clock_quality.clock_class);
}

/* Each clock's applied frequency (without the clock set: the servo
 * status's, for the disciplined clock). */
static void render_clock_freq(struct mw *w, const struct metrics_snapshot *s)
{
	const char *name = "hvptp_frequency_adjustment_ratio";
	struct ml l;

	mw_family(w, name, "gauge",
		  "Frequency adjustment hvptpd applies to the clock (ppb * "
		  "1e-9); absent while its servo does not steer it "
		  "(free-running, or a follower whose reference has no time "
		  "yet) and before its first sample.");
	if (!have_clocks(s)) {
		ml_clock(&l, s);
		if (s->servo.valid)
			mw_double(w, name, &l, s->servo.freq_ppb * 1e-9);
		return;
	}
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		/* a clock not adjusted has an estimate, no adjustment */
		if (!c->present || !c->ci.adjusted ||
		    !mgmt_clock_freq_known(clock_applied(c), c->ci.adjusted,
					   c->ci.have_freq))
			continue;
		ml_clock_of(&l, c);
		mw_double(w, name, &l, c->ci.freq_ppb * 1e-9);
	}
}

static void render_clock_te(struct mw *w, const struct metrics_snapshot *s)
{
	const char *name = "hvptp_time_error_estimate_seconds";
	struct ml l;

	mw_family(w, name, "gauge",
		  "Bound on the clock's time error against the grandmaster: "
		  "the reference's servo's, plus a follower's offset and half "
		  "its reading window; absent while unknown.");
	if (!have_clocks(s)) {
		ml_clock(&l, s);
		if (s->servo.valid && s->servo.te_estimate_ns >= 0)
			mw_double(w, name, &l, s->servo.te_estimate_ns / 1e9);
		return;
	}
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (!c->present || !(c->ci.te_estimate_ns >= 0))
			continue;
		ml_clock_of(&l, c);
		mw_double(w, name, &l, c->ci.te_estimate_ns / 1e9);
	}
}

/* 1 when hvptpd adjusts no clock: the reference is only measured. */
static bool free_running(const struct metrics_snapshot *s)
{
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (c->present && c->ci.role == BC_CLOCK_REFERENCE)
			return !c->ci.adjusted;
	}
	return false;
}

/* The servo's window of Sync samples (60 s; the first while it fills;
 * absent before a sample) and its lock; free-running. */
static void render_window(struct mw *w, const struct metrics_snapshot *s,
			  const struct ml *l)
{
	const struct bc_servo_window *win = &s->servo.win;

	mw_family(w, "hvptp_offset_window_rms_seconds", "gauge",
		  "RMS offset from the master over the last window of Sync "
		  "samples (60 s).");
	if (win->n)
		mw_double(w, "hvptp_offset_window_rms_seconds", l,
			  win->offset_rms_ns / 1e9);
	mw_family(w, "hvptp_offset_window_max_seconds", "gauge",
		  "Max |offset| from the master over the last window (60 s).");
	if (win->n)
		mw_double(w, "hvptp_offset_window_max_seconds", l,
			  win->offset_max_ns / 1e9);
	mw_family(w, "hvptp_mean_path_delay_window_max_seconds", "gauge",
		  "Max path delay over the last window (60 s).");
	if (win->n)
		mw_double(w, "hvptp_mean_path_delay_window_max_seconds", l,
			  win->delay_max_ns / 1e9);
	mw_family(w, "hvptp_servo_locked_seconds", "gauge",
		  "Time since the reference's servo locked; absent while it "
		  "is not locked.");
	if (s->locked_for_s >= 0)
		mw_double(w, "hvptp_servo_locked_seconds", l, s->locked_for_s);
	mw_family(w, "hvptp_free_running", "gauge",
		  "1 when hvptpd adjusts no clock (free_running 1, or the "
		  "reference not adjusted): it only measures.");
	mw_int(w, "hvptp_free_running", NULL, free_running(s));
}

static void render_offsets(struct mw *w, const struct metrics_snapshot *s)
{
	struct ml l;

	ml_clock(&l, s);
	mw_family(w, "hvptp_offset_from_master_seconds", "gauge",
		  "currentDS.offsetFromMaster: local clock minus master "
		  "(absent when no port is a slave, and before a sample).");
	if (s->slave_port >= 0 && s->servo.valid)
		mw_double(w, "hvptp_offset_from_master_seconds", &l,
			  ns_to_s(s->cds.offset_from_master_ns));
	mw_family(w, "hvptp_mean_path_delay_seconds", "gauge",
		  "currentDS.meanDelay: mean one-way path delay to the "
		  "master (absent when no port is a slave, and before a "
		  "sample).");
	if (s->slave_port >= 0 && s->servo.valid)
		mw_double(w, "hvptp_mean_path_delay_seconds", &l,
			  ns_to_s(s->cds.mean_path_delay_ns));
	render_clock_freq(w, s);
	render_clock_te(w, s);
	mw_family(w, "hvptp_servo_last_sample_age_seconds", "gauge",
		  "Time since the servo's last offset sample; absent before "
		  "the first.");
	if (s->sample_age_s >= 0)
		mw_double(w, "hvptp_servo_last_sample_age_seconds", &l,
			  s->sample_age_s);
	render_window(w, s, &l);
}

/* One clock's servo state as a state set: 1 for cur, 0 for the rest. */
static void render_state_set(struct mw *w, const char *clock, int cur)
{
	static const enum servo_state states[] = {
		SERVO_UNLOCKED, SERVO_JUMP, SERVO_LOCKED, SERVO_LOCKED_STABLE
	};
	struct ml l;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		char st[32];
		size_t k;

		snprintf(st, sizeof(st), "%s", servo_state_name(states[i]));
		for (k = 0; st[k]; k++)
			st[k] = (char)(st[k] >= 'A' && st[k] <= 'Z'
					       ? st[k] - 'A' + 'a'
					       : st[k]);
		ml_reset(&l);
		ml_add(&l, "clock", clock);
		ml_add(&l, "state", st);
		mw_int(w, "hvptp_servo_state", &l, cur == (int)states[i]);
	}
}

static void render_servo(struct mw *w, const struct metrics_snapshot *s)
{
	bool clocks = have_clocks(s);
	struct ml l;

	mw_family(w, "hvptp_servo_state", "gauge",
		  "Servo state of each clock: 1 for the current state, 0 for "
		  "the others; absent while the servo does not steer the "
		  "clock (free-running, or a follower whose reference has no "
		  "time yet).");
	for (int k = 0; clocks && k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (c->present && clock_applied(c))
			render_state_set(w, c->ci.name, c->ci.servo_state);
	}
	if (!clocks)
		render_state_set(w, s->clock_name,
				 s->servo.valid ? s->servo.state
						: SERVO_UNLOCKED);
	ml_clock(&l, s);
	mw_family(w, "hvptp_servo_holdover", "gauge",
		  "1 while the reference's discipline holds the last good "
		  "frequency.");
	mw_int(w, "hvptp_servo_holdover", &l, s->servo.holdover);
	mw_family(w, "hvptp_clock_steps_total", "counter",
		  "Steps of each clock (a follower passes on its reference's "
		  "steps).");
	for (int k = 0; clocks && k < BC_MAX_CLOCKS; k++) {
		if (!s->clock[k].present)
			continue;
		ml_clock_of(&l, &s->clock[k]);
		mw_uint(w, "hvptp_clock_steps_total", &l, s->clock[k].ci.steps);
	}
	if (!clocks)
		mw_uint(w, "hvptp_clock_steps_total", &l, s->cc.clock_steps);
}

/* The name of clock k of the snapshot, or "". */
static const char *clock_name_at(const struct metrics_snapshot *s, int k)
{
	return k >= 0 && k < BC_MAX_CLOCKS && s->clock[k].present
		       ? s->clock[k].ci.name
		       : "";
}

/* Each adjusted clock's lock history (common/lockhist.h): what is not
 * known is left out. */
static void render_clock_locks(struct mw *w, const struct metrics_snapshot *s)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "hvptp_clock_locked", "gauge",
		  "1 while the clock's servo is locked (LOCKED or "
		  "LOCKED_STABLE), 0 while not; absent for a clock hvptpd "
		  "does not adjust." },
		{ "hvptp_clock_locked_seconds_total", "counter",
		  "Time the clock's servo has been locked since hvptpd "
		  "started." },
		{ "hvptp_clock_lock_losses_total", "counter",
		  "Times the clock's servo lost lock (a reset on a new or "
		  "lost master included)." },
		{ "hvptp_clock_time_to_first_lock_seconds", "gauge",
		  "Time from the start to the clock's first lock; absent "
		  "before it." },
		{ "hvptp_clock_mtbf_seconds", "gauge",
		  "Mean time between lock losses: time locked / losses; "
		  "absent before a loss." },
		{ "hvptp_clock_mttr_seconds", "gauge",
		  "Mean time to recover: the mean unlocked span after the "
		  "first lock that ended in lock; absent before one." },
	};
	struct ml l;

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		mw_family(w, fam[f].name, fam[f].type, fam[f].help);
		for (int k = 0; k < BC_MAX_CLOCKS; k++) {
			const struct cm_lockhist_fig *g = &s->clock[k].lock;
			bool known[] = { true, true, true, g->first_lock_known,
					 g->mtbf_known, g->mttr_known };
			int64_t v[] = { g->locked, g->locked_total_ns, g->losses,
					g->first_lock_ns, g->mtbf_ns, g->mttr_ns };

			if (!s->clock[k].present || !g->started || !known[f])
				continue;
			ml_clock_of(&l, &s->clock[k]);
			if (f == 0 || f == 2)
				mw_int(w, fam[f].name, &l, v[f]);
			else
				mw_double(w, fam[f].name, &l, ns_to_s(v[f]));
		}
	}
}

static void render_clock_info(struct mw *w, const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_clock_info", "gauge",
		  "Each clock of the host (value 1): its role (reference, "
		  "follower), the clock it follows (source, empty for the "
		  "reference) and its servo type.");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];
		const char *role = mgmt_clock_role_name(c->ci.role);
		const char *servo = mgmt_servo_type_name(c->ci.servo_type);

		if (!c->present)
			continue;
		ml_clock_of(&l, c);
		ml_add(&l, "role", role ? role : "unknown");
		ml_add(&l, "source", clock_name_at(s, c->ci.source));
		ml_add(&l, "servo", servo ? servo : "unknown");
		mw_double(w, "hvptp_clock_info", &l, 1);
	}
	mw_family(w, "hvptp_clock_adjusted", "gauge",
		  "1 when hvptpd adjusts the clock, 0 when it only measures "
		  "it (free_running, system_clock_sync 0).");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		if (!s->clock[k].present)
			continue;
		ml_clock_of(&l, &s->clock[k]);
		mw_int(w, "hvptp_clock_adjusted", &l, s->clock[k].ci.adjusted);
	}
}

/* Offsets against the source and the paired readings behind them. */
static void render_clock_offsets(struct mw *w,
				 const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_clock_offset_seconds", "gauge",
		  "The clock minus its source at the last measurement: the "
		  "reference's from its master (PTP), a follower's from the "
		  "reference (paired reading); absent before the first.");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (!c->present || !c->ci.have_offset)
			continue;
		ml_clock_of(&l, c);
		mw_double(w, "hvptp_clock_offset_seconds", &l,
			  ns_to_s(c->ci.offset_ns));
	}
	mw_family(w, "hvptp_clock_offset_age_seconds", "gauge",
		  "Time since the clock's offset was measured; absent "
		  "before the first measurement.");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (!c->present || c->offset_age_s < 0)
			continue;
		ml_clock_of(&l, c);
		mw_double(w, "hvptp_clock_offset_age_seconds", &l,
			  c->offset_age_s);
	}
	mw_family(w, "hvptp_clock_read_window_seconds", "gauge",
		  "Width of a follower's last paired reading against the "
		  "reference (0: cross-timestamped), by reading method; "
		  "absent for the reference and before the first reading.");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];
		const char *m = mgmt_read_method_name(c->ci.read_method);

		if (!c->present || !c->ci.have_offset ||
		    c->ci.role == BC_CLOCK_REFERENCE)
			continue;
		ml_clock_of(&l, c);
		ml_add(&l, "method", m ? m : "unknown");
		mw_double(w, "hvptp_clock_read_window_seconds", &l,
			  ns_to_s(c->ci.read_delay_ns));
	}
}

static void render_clock_readings(struct mw *w,
				  const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_clock_readings_total", "counter",
		  "Paired readings of the clock against the reference.");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (!c->present || !c->have_readings)
			continue;
		ml_clock_of(&l, c);
		mw_uint(w, "hvptp_clock_readings_total", &l, c->readings);
	}
	mw_family(w, "hvptp_clock_read_errors_total", "counter",
		  "Paired readings of the clock against the reference that "
		  "failed.");
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct metrics_clock_snap *c = &s->clock[k];

		if (!c->present || !c->have_readings)
			continue;
		ml_clock_of(&l, c);
		mw_uint(w, "hvptp_clock_read_errors_total", &l, c->read_errors);
	}
}

/* hvptp_host_check{check,state}: a state set per check that applies. */
static void render_host(struct mw *w, const struct metrics_snapshot *s)
{
	static const enum hostcheck_state states[] = {
		HOSTCHECK_OK, HOSTCHECK_FINDING, HOSTCHECK_UNKNOWN
	};
	const struct bc_host_info *h = &s->host;
	struct ml l;

	mw_family(w, "hvptp_host_check", "gauge",
		  "Checks of the host for guests (logged at start): 1 for the "
		  "check's state (ok, finding, unknown: could not tell), 0 for "
		  "the others; absent for a check that does not apply here and "
		  "when the checks did not run.");
	if (!h->valid)
		return;
	for (int id = 0; id < HOSTCHECK_N_IDS; id++) {
		enum hostcheck_state st = mgmt_host_check_state(
			h->findings, h->unknown, h->ok, id);

		if (st == HOSTCHECK_NOT_APPLICABLE)
			continue;
		for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
			ml_reset(&l);
			ml_add(&l, "check",
			       hostcheck_id_name((enum hostcheck_id)id));
			ml_add(&l, "state", hostcheck_state_name(states[i]));
			mw_int(w, "hvptp_host_check", &l, st == states[i]);
		}
	}
}

/* hvptp_alarm{name,subject}: 0/1, absent while not applicable (the
 * value unknown); hvptp_alarm_raised_total always. */
static void render_alarms(struct mw *w, const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_alarm", "gauge",
		  "hvptpd's alarms (hvptpd(8) ALARMS): 1 while raised, 0 "
		  "while not; absent while the alarm does not apply (its "
		  "value is unknown: no slave port, a clock not adjusted). "
		  "subject: a clock, a port's interface, or clock.");
	for (int i = 0; i < s->nalarms; i++) {
		const struct bc_alarm_info *a = &s->alarm[i];

		if (!a->applicable && !a->active)
			continue;
		ml_reset(&l);
		ml_add(&l, "name", alarm_kind_name(a->kind));
		ml_add(&l, "subject", a->subject);
		mw_int(w, "hvptp_alarm", &l, a->active);
	}
	mw_family(w, "hvptp_alarm_raised_total", "counter",
		  "Times the alarm was raised since start.");
	for (int i = 0; i < s->nalarms; i++) {
		const struct bc_alarm_info *a = &s->alarm[i];

		ml_reset(&l);
		ml_add(&l, "name", alarm_kind_name(a->kind));
		ml_add(&l, "subject", a->subject);
		mw_uint(w, "hvptp_alarm_raised_total", &l, a->raised);
	}
}

static void render_parent(struct mw *w, const struct metrics_snapshot *s)
{
	char gm[CLOCK_ID_STRLEN], parent[PORT_ID_STRLEN];
	struct ml l;

	mw_family(w, "hvptp_steps_removed", "gauge",
		  "currentDS.stepsRemoved: boundary clocks between this "
		  "clock and the grandmaster.");
	mw_int(w, "hvptp_steps_removed", NULL, s->cds.steps_removed);
	ml_reset(&l);
	ml_add(&l, "grandmaster_identity",
	       clock_identity_str(&s->pds.grandmaster_identity, gm,
				  sizeof(gm)));
	ml_add(&l, "parent_port_identity",
	       port_identity_str(&s->pds.parent_port_identity, parent,
				 sizeof(parent)));
	mw_family(w, "hvptp_grandmaster_info", "gauge",
		  "parentDS: grandmasterIdentity and parentPortIdentity "
		  "(value 1).");
	mw_double(w, "hvptp_grandmaster_info", &l, 1);
	mw_family(w, "hvptp_grandmaster_clock_class", "gauge",
		  "parentDS.grandmasterClockQuality.clockClass.");
	mw_int(w, "hvptp_grandmaster_clock_class", NULL,
	       s->pds.grandmaster_clock_quality.clock_class);
	mw_family(w, "hvptp_is_grandmaster", "gauge",
		  "1 when this clock is the grandmaster.");
	mw_int(w, "hvptp_is_grandmaster", NULL,
	       clock_identity_eq(&s->pds.grandmaster_identity,
				 &s->dds.clock_identity));
	mw_family(w, "hvptp_utc_offset_seconds", "gauge",
		  "timePropertiesDS.currentUtcOffset (TAI - UTC).");
	mw_int(w, "hvptp_utc_offset_seconds", NULL, s->tp.current_utc_offset);
}

static void render_port_states(struct mw *w, const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_port_state", "gauge",
		  "portDS.portState as its IEEE 1588 code: 1 INITIALIZING, "
		  "2 FAULTY, 3 DISABLED, 4 LISTENING, 5 PRE_MASTER, 6 MASTER, "
		  "7 PASSIVE, 8 UNCALIBRATED, 9 SLAVE.");
	for (int i = 0; i < s->nports; i++) {
		ml_port(&l, &s->port[i]);
		mw_int(w, "hvptp_port_state", &l, s->port[i].state);
	}
}

/* rx or tx messages per port and messageType. */
static void render_msgs(struct mw *w, const struct metrics_snapshot *s,
			bool rx)
{
	const char *name = rx ? "hvptp_rx_messages_total"
			      : "hvptp_tx_messages_total";
	struct ml l;

	mw_family(w, name, "counter",
		  rx ? "PTP messages received and accepted for processing, "
		       "by messageType."
		     : "PTP messages sent, by messageType.");
	for (int i = 0; i < s->nports; i++) {
		const struct metrics_port_snap *p = &s->port[i];

		for (unsigned t = 0; t < PTP_MSG_TYPE_COUNT; t++) {
			const char *tn = ptp_msg_type_name(t);

			if (!strcmp(tn, "reserved"))
				continue;
			ml_port(&l, p);
			ml_add(&l, "type", tn);
			mw_uint(w, name, &l, rx ? p->c.rx[t] : p->c.tx[t]);
		}
	}
}

/* Messages not used, by reason: the ignored ones (expected traffic) or
 * the dropped ones (bad or unexpected input). */
static void render_drop_kind(struct mw *w, const struct metrics_snapshot *s,
			     const char *name, bool ignored)
{
	struct ml l;

	for (int i = 0; i < s->nports; i++) {
		for (int d = BC_DROP_NONE + 1; d < BC_DROP_COUNT; d++) {
			if (bc_drop_is_ignored((enum bc_drop)d) != ignored)
				continue;
			ml_port(&l, &s->port[i]);
			ml_add(&l, "reason", bc_drop_name((enum bc_drop)d));
			mw_uint(w, name, &l, s->port[i].c.drop[d]);
		}
	}
}

static void render_drops(struct mw *w, const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_dropped_messages_total", "counter",
		  "PTP messages dropped as bad or unexpected input, by "
		  "reason.");
	render_drop_kind(w, s, "hvptp_dropped_messages_total", false);
	mw_family(w, "hvptp_ignored_messages_total", "counter",
		  "PTP messages a port had no use for, by reason: expected "
		  "traffic (heard in a state that ignores it, not from the "
		  "parent, for another requester, looped back, not "
		  "qualified, at a leap second).");
	render_drop_kind(w, s, "hvptp_ignored_messages_total", true);
	mw_family(w, "hvptp_port_faulty", "gauge",
		  "1 for a FAULTY port, with the reason of its fault.");
	for (int i = 0; i < s->nports; i++) {
		if (s->port[i].state != PS_FAULTY)
			continue;
		ml_port(&l, &s->port[i]);
		ml_add(&l, "reason", bc_fault_name(s->port[i].fault));
		mw_int(w, "hvptp_port_faulty", &l, 1);
	}
}

/* One counter family with one sample per port. */
static void render_port_counter(struct mw *w,
				const struct metrics_snapshot *s,
				const char *name, const char *help,
				size_t offset)
{
	struct ml l;

	mw_family(w, name, "counter", help);
	for (int i = 0; i < s->nports; i++) {
		const uint8_t *c = (const uint8_t *)&s->port[i].c;
		uint64_t v;

		memcpy(&v, c + offset, sizeof(v));
		ml_port(&l, &s->port[i]);
		mw_uint(w, name, &l, v);
	}
}

static void render_port_counters(struct mw *w,
				 const struct metrics_snapshot *s)
{
	render_port_counter(w, s, "hvptp_tx_timestamp_timeouts_total",
			    "Event messages whose transmit timestamp never "
			    "came.",
			    offsetof(struct bc_port_counters, tx_ts_timeouts));
	render_port_counter(w, s, "hvptp_announce_receipt_timeouts_total",
			    "Announce receipt timeouts.",
			    offsetof(struct bc_port_counters,
				     announce_timeouts));
	render_port_counter(w, s, "hvptp_sync_receipt_timeouts_total",
			    "Sync receipt timeouts.",
			    offsetof(struct bc_port_counters, sync_timeouts));
	render_port_counter(w, s, "hvptp_port_faults_total",
			    "Faults detected on the port.",
			    offsetof(struct bc_port_counters, faults));
	render_port_counter(w, s, "hvptp_delay_req_asked_total",
			    "Delay_Req messages the discipline asked for "
			    "outside their random timer.",
			    offsetof(struct bc_port_counters,
				     delay_req_asked));
	render_port_counter(w, s, "hvptp_pdelay_timeouts_total",
			    "P2P: Pdelay_Req messages without a whole answer "
			    "before the next one.",
			    offsetof(struct bc_port_counters,
				     pdelay_timeouts));
	render_port_counter(w, s, "hvptp_pdelay_multiple_responders_total",
			    "P2P: Pdelay_Req messages answered by several "
			    "responders (a link that is not point to point).",
			    offsetof(struct bc_port_counters,
				     pdelay_multiple));
}

static void render_foreign_masters(struct mw *w,
				   const struct metrics_snapshot *s)
{
	struct ml l;

	mw_family(w, "hvptp_foreign_master_table_total", "counter",
		  "The foreign-master table of a port (bc/bmca.h): senders "
		  "heard twice inside the window that it had no room for "
		  "(dropped: 16 records, each qualified or better than the "
		  "newcomer) and records it gave up for a newcomer (evicted: "
		  "a lapsed one, or the worst for a better one; at most 4 "
		  "per source address). A sender heard once takes no record. "
		  "hvptpctl get HVPTP_FOREIGN_MASTERS_NP has the rest.");
	for (int i = 0; i < s->nports; i++) {
		ml_port(&l, &s->port[i]);
		ml_add(&l, "event", "dropped");
		mw_uint(w, "hvptp_foreign_master_table_total", &l,
			s->port[i].fm_dropped);
		ml_port(&l, &s->port[i]);
		ml_add(&l, "event", "evicted");
		mw_uint(w, "hvptp_foreign_master_table_total", &l,
			s->port[i].fm_evicted);
	}
}

static void render_unicast(struct mw *w, const struct metrics_snapshot *s)
{
	static const struct {
		const char *event;
		size_t off;
	} ev[] = {
		{ "granted", offsetof(struct bc_port_counters, uc_granted) },
		{ "denied", offsetof(struct bc_port_counters, uc_denied) },
		{ "grant_sent",
		  offsetof(struct bc_port_counters, uc_grants_given) },
		{ "refused", offsetof(struct bc_port_counters, uc_refused) },
		{ "expired", offsetof(struct bc_port_counters, uc_expired) },
		{ "cancel_received",
		  offsetof(struct bc_port_counters, uc_cancels) },
	};
	const char *name = "hvptp_unicast_negotiation_total";
	struct ml l;
	uint64_t v;

	mw_family(w, name, "counter",
		  "Unicast negotiation (IEEE 1588-2019 16.1): grants received "
		  "and denials from the masters of the port's unicast master "
		  "table, grants sent and requests refused (a bad request, "
		  "or all 16 peer slots taken) to clients (unicast_listen), "
		  "clients' grants that ran out, CANCELs received.");
	for (int i = 0; i < s->nports; i++) {
		for (size_t k = 0; k < sizeof(ev) / sizeof(ev[0]); k++) {
			memcpy(&v, (const uint8_t *)&s->port[i].c + ev[k].off,
			       sizeof(v));
			ml_port(&l, &s->port[i]);
			ml_add(&l, "event", ev[k].event);
			mw_uint(w, name, &l, v);
		}
	}
}

static void render_socket_errors(struct mw *w,
				 const struct metrics_snapshot *s)
{
	static const char *const kinds[] = {
		"rx_truncated", "rx_no_timestamp", "rx_error",
		"tx_timestamp_unmatched"
	};
	struct ml l;

	mw_family(w, "hvptp_socket_errors_total", "counter",
		  "Problems of the port's sockets, by kind.");
	for (int i = 0; i < s->nports; i++) {
		const struct metrics_port_snap *p = &s->port[i];
		const uint64_t v[] = { p->rx_truncated, p->rx_no_timestamp,
				       p->rx_errors, p->tx_ts_unmatched };

		if (!p->have_socket)
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			ml_port(&l, p);
			ml_add(&l, "kind", kinds[k]);
			mw_uint(w, "hvptp_socket_errors_total", &l, v[k]);
		}
	}
}

static void render_counter(struct mw *w, const char *name, const char *help,
			   uint64_t v)
{
	mw_family(w, name, "counter", help);
	mw_uint(w, name, NULL, v);
}

static void render_clock_counters(struct mw *w,
				  const struct metrics_snapshot *s)
{
	render_counter(w, "hvptp_bmca_reselections_total",
		       "Changes of the parent (best master) chosen by the "
		       "BMCA.",
		       s->cc.bmca_reselections);
	render_counter(w, "hvptp_state_decisions_total",
		       "State decision events run.", s->cc.state_decisions);
	render_counter(w, "hvptp_core_action_overflows_total",
		       "Actions of the protocol core that did not fit its "
		       "queue.",
		       s->action_overflows);
	render_counter(w, "hvptp_send_errors_total",
		       "Messages the transport failed to send (the port "
		       "faults).",
		       s->send_errors);
}

/* Ports that came and went with their interfaces (the daemon's). */
static void render_port_changes(struct mw *w, const struct metrics_snapshot *s)
{
	const struct {
		const char *event;
		uint64_t v;
	} e[] = {
		{ "added", s->ports_added },
		{ "removed", s->ports_removed },
		{ "reopened", s->ports_reopened },
		{ "refused", s->ports_refused },
	};
	struct ml l;

	if (!s->have_ports)
		return;
	mw_family(w, "hvptp_port_changes_total", "counter",
		  "Ports that came and went: added and removed (pattern "
		  "sections' interfaces, port sections a reload added or "
		  "removed), reopened (a fixed port's interface back), "
		  "refused (max_ports reached).");
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		ml_reset(&l);
		ml_add(&l, "event", e[i].event);
		mw_uint(w, "hvptp_port_changes_total", &l, e[i].v);
	}
}

static void render_mgmt(struct mw *w, const struct metrics_snapshot *s)
{
	struct ml l;

	render_counter(w, "hvptp_management_requests_total",
		       "Management GET, SET and COMMAND requests accepted.",
		       s->mc.requests);
	render_counter(w, "hvptp_management_responses_total",
		       "Management RESPONSE and ACKNOWLEDGE messages sent.",
		       s->mc.responses);
	render_counter(w, "hvptp_management_errors_total",
		       "Management error status answers sent.", s->mc.errors);
	render_counter(w, "hvptp_management_sets_total",
		       "Management SETs applied.", s->mc.sets);
	mw_family(w, "hvptp_management_dropped_total", "counter",
		  "Management messages dropped without an answer, by "
		  "reason.");
	for (int d = 0; d < BC_MGMT_DROP_COUNT; d++) {
		ml_reset(&l);
		ml_add(&l, "reason", bc_mgmt_drop_name((enum bc_mgmt_drop)d));
		mw_uint(w, "hvptp_management_dropped_total", &l,
			s->mc.drop[d]);
	}
}

/* The management sockets' own counters (mgmt/uds.h); left out when
 * there is no socket. */
static void render_mgmt_socket(struct mw *w, const struct metrics_snapshot *s)
{
	const struct mgmt_uds_stats *u = &s->uds;
	const struct {
		const char *name, *help;
		uint64_t v;
	} f[] = {
		{ "hvptp_management_socket_truncated_total",
		  "Management datagrams larger than a PTP message, dropped.",
		  u->truncated },
		{ "hvptp_management_socket_send_errors_total",
		  "Management answers and notifications that could not be "
		  "sent (failed, or waited too long for the client).",
		  u->send_errors },
		{ "hvptp_management_socket_queued_total",
		  "Management datagrams queued because the client's socket "
		  "was full (sent later).",
		  u->queued },
		{ "hvptp_management_socket_no_reply_address_total",
		  "Management requests from an unbound client socket: not "
		  "answered.",
		  u->no_reply_address },
		{ "hvptp_management_socket_subscribes_total",
		  "SUBSCRIBE_EVENTS_NP requests accepted.", u->subscribes },
		{ "hvptp_management_socket_notifications_total",
		  "Event notifications sent to subscribers.",
		  u->notifications },
		{ "hvptp_management_socket_expired_total",
		  "Event subscriptions that ran out or lost their client.",
		  u->expired },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		mw_family(w, f[i].name, "counter", f[i].help);
		if (s->have_uds)
			mw_uint(w, f[i].name, NULL, f[i].v);
	}
}

/* chronyd's and ntpd's feeds (daemon/feed.h); each output's series only
 * when it is configured, the skips when either is. */
static void render_feeds(struct mw *w, const struct metrics_snapshot *s)
{
	const struct vm_feeds_stats *f = &s->feed;
	const struct {
		const char *name;
		bool on;
		const struct vm_feed_stats *st;
	} out[] = {
		{ "chrony_sock", f->have_chrony, &f->chrony },
		{ "ntp_shm", f->have_shm, &f->shm },
	};
	struct ml l;

	mw_family(w, "hvptp_feed_samples_total", "counter",
		  "Samples of the reference's time delivered to chronyd or "
		  "ntpd, by output.");
	for (size_t i = 0; i < 2; i++) {
		ml_reset(&l);
		ml_add(&l, "feed", out[i].name);
		if (out[i].on)
			mw_uint(w, "hvptp_feed_samples_total", &l,
				out[i].st->sent);
	}
	mw_family(w, "hvptp_feed_failures_total", "counter",
		  "Samples that could not be delivered (chronyd not "
		  "listening: no socket, or refused), by output.");
	for (size_t i = 0; i < 2; i++) {
		ml_reset(&l);
		ml_add(&l, "feed", out[i].name);
		if (out[i].on)
			mw_uint(w, "hvptp_feed_failures_total", &l,
				out[i].st->failed);
	}
	mw_family(w, "hvptp_feed_skipped_total", "counter",
		  "Feed ticks without a sample, by reason (no master's time "
		  "yet, holdover, ...).");
	for (int r = 1; r < VM_FEED_SKIP_COUNT; r++) {
		ml_reset(&l);
		ml_add(&l, "reason", vm_feed_skip_name((enum vm_feed_skip)r));
		if (f->have_chrony || f->have_shm)
			mw_uint(w, "hvptp_feed_skipped_total", &l,
				f->skipped[r]);
	}
}

static void render_process(struct mw *w, const struct metrics_snapshot *s)
{
	mw_family(w, "hvptp_uptime_seconds", "gauge",
		  "Time since hvptpd started.");
	if (s->uptime_s >= 0)
		mw_double(w, "hvptp_uptime_seconds", NULL, s->uptime_s);
	mw_family(w, "hvptp_cpu_seconds_total", "counter",
		  "User and system CPU time of hvptpd.");
	if (s->cpu_s >= 0)
		mw_double(w, "hvptp_cpu_seconds_total", NULL, s->cpu_s);
	render_counter(w, "hvptp_metrics_http_requests_total",
		       "Scrapes of the metrics endpoint answered.",
		       s->http_requests);
	render_counter(w, "hvptp_metrics_textfile_writes_total",
		       "Metrics text files written.", s->textfile_writes);
	render_counter(w, "hvptp_metrics_textfile_errors_total",
		       "Metrics text files that could not be written.",
		       s->textfile_errors);
}

int metrics_render(const struct metrics_snapshot *s, char *buf, size_t cap,
		   size_t *len)
{
	struct mw w = { .buf = buf, .cap = cap, .len = 0, .full = cap == 0 };

	if (cap)
		buf[0] = '\0';
	render_info(&w, s);
	render_offsets(&w, s);
	render_servo(&w, s);
	render_clock_info(&w, s);
	render_clock_offsets(&w, s);
	render_clock_readings(&w, s);
	render_clock_locks(&w, s);
	render_host(&w, s);
	render_alarms(&w, s);
	render_parent(&w, s);
	render_port_states(&w, s);
	render_msgs(&w, s, true);
	render_msgs(&w, s, false);
	render_drops(&w, s);
	render_port_counters(&w, s);
	render_foreign_masters(&w, s);
	render_unicast(&w, s);
	render_socket_errors(&w, s);
	render_clock_counters(&w, s);
	render_port_changes(&w, s);
	render_mgmt(&w, s);
	render_mgmt_socket(&w, s);
	render_feeds(&w, s);
	render_process(&w, s);
	if (len)
		*len = w.len;
	return w.full ? -ENOSPC : 0;
}
