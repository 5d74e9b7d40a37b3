/* daemon/clockset.c — the host's clocks and their servos (see clockset.h). */
#include "daemon/clockset.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common/log.h"

void cs_init(struct clockset *cs, const struct cs_cfg *cfg)
{
	memset(cs, 0, sizeof(*cs));
	cs->cfg = *cfg;
	if (cs->cfg.follow_readings < 1)
		cs->cfg.follow_readings = 1;
	cs->ref = -1;
	for (int i = 0; i < BC_MAX_PORTS; i++)
		cs->port_clock[i] = -1;
}

int cs_add(struct clockset *cs, struct hwclock *hw, bool adjust)
{
	struct cs_clock *c;

	if (!hw)
		return -EINVAL;
	if (cs->n >= CS_MAX_CLOCKS)
		return -ENOSPC;
	c = &cs->c[cs->n];
	memset(c, 0, sizeof(*c));
	c->hw = hw;
	c->adjust = adjust;
	c->source = -1;
	c->role = CS_ROLE_FOLLOWER;
	return cs->n++;
}

int cs_find(const struct clockset *cs, const struct hwclock *hw)
{
	for (int k = 0; k < cs->n; k++) {
		if (cs->c[k].hw == hw)
			return k;
	}
	return -1;
}

int cs_bind_port(struct clockset *cs, int port, int k)
{
	if (port < 0 || port >= BC_MAX_PORTS || k < 0 || k >= cs->n)
		return -EINVAL;
	if (cs->port_clock[port] >= 0)
		cs->c[cs->port_clock[port]].nports--;
	cs->port_clock[port] = k;
	cs->c[k].nports++;
	if (port >= cs->nports)
		cs->nports = port + 1;
	return 0;
}

void cs_unbind_port(struct clockset *cs, int port)
{
	if (port < 0 || port >= cs->nports || cs->port_clock[port] < 0)
		return;
	cs->c[cs->port_clock[port]].nports--;
	cs->port_clock[port] = -1;
}

int cs_clock_of_port(const struct clockset *cs, int port)
{
	if (port < 0 || port >= cs->nports)
		return -1;
	return cs->port_clock[port];
}

struct disc *cs_ref_disc(const struct clockset *cs)
{
	return cs->ref >= 0 ? cs->c[cs->ref].disc : NULL;
}

const char *cs_role_name(const struct cs_clock *c)
{
	return c->role == CS_ROLE_REFERENCE ? "reference" : "follower";
}

int cs_disc_create(struct disc **out, const struct disc_cfg *cfg,
		   struct hwclock *hw)
{
	struct disc_clock dk = { .freq_ppb = 0.0 };
	int err;

	if (!out || !cfg || !hw)
		return -EINVAL;
	dk.name = hw->name;
	dk.max_adj_ppb = hw->max_adj_ppb;
	if (!cfg->free_running) {
		err = hwclock_getfreq(hw, &dk.freq_ppb);
		if (err == -EOPNOTSUPP)
			dk.freq_ppb = 0.0;
		else if (err)
			return err < 0 ? err : -EIO;
		if (!isfinite(dk.freq_ppb))
			dk.freq_ppb = 0.0;
	}
	return disc_create(out, cfg, &dk);
}

void cs_disc_apply(struct hwclock *hw, struct disc *d, struct disc_result *res,
		   int64_t mono)
{
	int serr = 0, ferr = 0;

	if (res->act.step)
		serr = hw->ops->step(hw, res->act.step_ns);
	if (res->act.set_freq && !serr)
		ferr = hw->ops->adjfreq(hw, res->act.freq_ppb);
	disc_applied(d, res, serr, ferr, mono);
}

int cs_disc_sample(struct hwclock *hw, struct disc *d,
		   const struct disc_input *in, struct disc_result *res)
{
	int err = disc_sample_in(d, in, res);

	if (err)
		return err;
	cs_disc_apply(hw, d, res, in->mono_ns);
	return res->error;
}

int cs_disc_holdover(struct hwclock *hw, struct disc *d, int64_t mono)
{
	double freq;
	int err = disc_holdover_enter(d, mono, &freq);

	if (err)
		return err;
	err = hw->ops->adjfreq(hw, freq);
	disc_freq_applied(d, freq, err, mono);
	if (err)
		disc_holdover_exit(d);
	return err;
}

/* A discipline for clock c in role `role`, starting at the clock's
 * frequency; replaces the old one only when the new one exists. */
static int cs_make_disc(struct clockset *cs, struct cs_clock *c,
			enum cs_role role)
{
	struct disc_cfg dc = role == CS_ROLE_REFERENCE ? cs->cfg.ref
						       : cs->cfg.follow;
	struct disc *d;
	int err;

	if (!c->adjust)
		dc.free_running = true;
	/* the PTP reference's PI defaults follow its timestamps (software
	 * ones stamp with the system clock); paired readings are exact */
	if (role == CS_ROLE_REFERENCE)
		dc.servo.sw_timestamping = c->hw->keeps_utc;
	err = cs_disc_create(&d, &dc, c->hw);
	if (err < 0) {
		cm_err("%s: cannot start its servo: %s", c->hw->name,
		       strerror(-err));
		return err;
	}
	/* a follower's servo gets its readings' interval (phc2sys: 1 /
	 * its rate); the reference's is the master's Sync interval, which
	 * the executor gives it with the first sample */
	if (role == CS_ROLE_FOLLOWER && cs->cfg.follow_interval_ns > 0)
		disc_sync_interval(d, (double)cs->cfg.follow_interval_ns / 1e9);
	disc_destroy(c->disc);
	c->disc = d;
	c->role = role;
	return 0;
}

int cs_start(struct clockset *cs)
{
	int gm = cs->cfg.gm_clock;
	int err;

	if (cs->n < 1 || gm < 0 || gm >= cs->n)
		return -EINVAL;
	for (int k = 0; k < cs->n; k++) {
		struct cs_clock *c = &cs->c[k];

		err = cs_make_disc(cs, c, k == gm ? CS_ROLE_REFERENCE
						  : CS_ROLE_FOLLOWER);
		if (err < 0) {
			cs_stop(cs);
			return err;
		}
		c->source = k == gm ? -1 : gm;
	}
	cs->ref = gm;
	cs->started = true;
	return 0;
}

void cs_stop(struct clockset *cs)
{
	for (int k = 0; k < cs->n; k++) {
		disc_destroy(cs->c[k].disc);
		cs->c[k].disc = NULL;
	}
	cs->started = false;
}

int cs_reconfigure(struct clockset *cs, const struct disc_cfg *ref,
		   const struct disc_cfg *follow)
{
	int first_err = 0;

	cs->cfg.ref = *ref;
	cs->cfg.follow = *follow;
	for (int k = 0; cs->started && k < cs->n; k++) {
		struct cs_clock *c = &cs->c[k];
		int err;

		if (!c->disc)
			continue;
		err = cs_make_disc(cs, c, c->role);
		if (err < 0) {
			first_err = first_err ? first_err : err;
			continue; /* the old servo goes on */
		}
		disc_set_first_step_pending(c->disc, false);
		cm_notice("clock %s: servo restarted with the new settings at "
			  "its current frequency (nothing stepped)",
			  c->hw->name);
	}
	return first_err;
}

void cs_state_refresh(struct clockset *cs)
{
	for (int k = 0; k < cs->n; k++) {
		if (cs->c[k].disc)
			cs->c[k].st.state = disc_state(cs->c[k].disc);
	}
}

bool cs_set_reference(struct clockset *cs, int k, int64_t mono)
{
	struct cs_clock *old, *nw;
	bool first, tied;

	(void)mono;
	if (!cs->started || k < 0 || k >= cs->n || k == cs->ref)
		return false;
	old = &cs->c[cs->ref];
	nw = &cs->c[k];
	first = disc_first_step_pending(old->disc);
	if (cs_make_disc(cs, nw, CS_ROLE_REFERENCE) < 0)
		return false;
	disc_set_first_step_pending(nw->disc, first);
	if (cs_make_disc(cs, old, CS_ROLE_FOLLOWER) < 0) {
		/* the old reference keeps running free of any servo until
		 * the next move; better than two references */
		cm_err("%s: left without a servo", old->hw->name);
	} else {
		disc_set_first_step_pending(old->disc, false);
	}
	cm_notice("clock: reference is now %s (was %s), nothing stepped",
		  nw->hw->name, old->hw->name);
	cs->ref = k;
	/* the followers were on the old reference's time; the new one too
	 * when it followed: then they all share it, the old reference
	 * included, and go with its steps */
	tied = nw->st.tied;
	old->st.tied = old->disc != NULL;
	for (int i = 0; i < cs->n; i++) {
		cs->c[i].source = i == k ? -1 : k;
		cs->c[i].st.tied = i != k && cs->c[i].st.tied && tied;
	}
	return true;
}

void cs_apply(struct clockset *cs, int k, struct disc_result *res,
	      int64_t mono)
{
	struct cs_clock *c = &cs->c[k];

	cs_disc_apply(c->hw, c->disc, res, mono);
	if (res->stepped)
		c->st.steps++;
	c->st.state = res->state;
	c->st.freq_ppb = res->freq_ppb;
}

int cs_read(struct clockset *cs, int k, struct cs_reading *rd)
{
	struct cs_clock *c = &cs->c[k], *r = &cs->c[cs->ref];
	struct hwclock_sysoff so, rso;
	int n = cs->cfg.follow_readings, err;

	err = hwclock_sys_offset(c->hw, n, &so);
	if (!err)
		err = hwclock_sys_offset(r->hw, n, &rso);
	if (err) {
		c->st.read_errors++;
		return err;
	}
	rd->raw_offset_ns = so.offset_ns - rso.offset_ns;
	rd->ref_ns = so.sys_ns + rso.offset_ns;
	rd->local_ns = so.sys_ns + so.offset_ns;
	rd->delay_ns = so.delay_ns + rso.delay_ns;
	/* the worse method of the two describes the pair (SELF, the
	 * system clock's own reading, adds nothing) */
	rd->method = so.method;
	if (so.method == HWCLOCK_READ_SELF ||
	    (rso.method != HWCLOCK_READ_SELF && rso.method > so.method))
		rd->method = rso.method;
	return 0;
}

void cs_steer(struct clockset *cs, int k, const struct cs_reading *rd,
	      int64_t offset, bool steer, int64_t mono,
	      struct disc_result *res)
{
	struct cs_clock *c = &cs->c[k];
	struct disc_input in = {
		.kind = DISC_SYNC,
		.offset_ns = offset,
		.ingress_ns = rd->local_ns,
		.mono_ns = mono,
	};

	memset(res, 0, sizeof(*res));
	c->st.readings++;
	c->st.read_method = rd->method;
	c->st.read_delay_ns = rd->delay_ns;
	c->st.have_offset = true;
	c->st.offset_ns = offset;
	c->st.at_ns = mono;
	c->st.local_ns = rd->local_ns;
	if (!steer || k == cs->ref || !c->disc ||
	    disc_sample_in(c->disc, &in, res) < 0) {
		c->st.skipped++;
		res->state = c->st.state;
		res->freq_ppb = c->st.freq_ppb;
		return;
	}
	cs_apply(cs, k, res, mono);
	c->st.tied = true;
}

void cs_feed_forward(struct clockset *cs, int k, double before_ppb,
		     double after_ppb, int64_t mono)
{
	double delta = after_ppb - before_ppb;

	if (delta == 0.0 || !isfinite(delta))
		return;
	for (int i = 0; i < cs->n; i++) {
		struct cs_clock *c = &cs->c[i];
		double f = disc_freq_ppb(c->disc), d, set;
		int64_t local;
		int err;

		if (i == k || c->source != k || !c->adjust || !c->disc ||
		    !c->st.tied || !c->st.have_offset)
			continue;
		d = delta * (1.0 + f / 1e9) / (1.0 + before_ppb / 1e9);
		/* its time now, from its last reading */
		local = c->st.local_ns +
			(int64_t)((double)(mono - c->st.at_ns) * (1.0 + f / 1e9));
		if (disc_freq_moved(c->disc, d, local, mono, &set))
			continue;
		err = c->hw->ops->adjfreq(c->hw, set);
		disc_freq_applied(c->disc, set, err, mono);
		if (err) {
			cm_err("%s: moving the frequency with the reference's "
			       "failed: %s", c->hw->name, strerror(-err));
			continue;
		}
		c->st.freq_ppb = set;
		c->st.fed_forward++;
	}
}

/* ---- lock history ---- */

bool cs_lock_applicable(const struct cs_clock *c)
{
	return c->adjust && c->disc;
}

bool cs_locked(const struct cs_clock *c)
{
	enum servo_state s = disc_state(c->disc);

	return cs_lock_applicable(c) &&
	       (s == SERVO_LOCKED || s == SERVO_LOCKED_STABLE);
}

/* The length of the span the newest change ended (s). */
static double lock_last_span_s(const struct cm_lockhist *h)
{
	const struct cm_lockhist_change *a = cm_lockhist_at(h, 0);
	const struct cm_lockhist_change *b = cm_lockhist_at(h, 1);

	return a && b ? (double)(a->at_ns - b->at_ns) / 1e9 : -1.0;
}

void cs_track_locks(struct clockset *cs, int64_t mono)
{
	for (int k = 0; k < cs->n; k++) {
		struct cs_clock *c = &cs->c[k];
		struct cm_lockhist_fig f;
		bool locked = cs_locked(c);

		if (!cs_lock_applicable(c) ||
		    !cm_lockhist_feed(&c->lock, locked, mono))
			continue;
		cm_lockhist_figures(&c->lock, mono, &f);
		if (locked && c->lock.recoveries)
			cm_notice("clock %s: locked again after %.3f s "
				  "(%u loss%s so far)", c->hw->name,
				  lock_last_span_s(&c->lock),
				  (unsigned)f.losses,
				  f.losses == 1 ? "" : "es");
		else if (locked)
			cm_notice("clock %s: locked, %.3f s after the start",
				  c->hw->name, (double)f.first_lock_ns / 1e9);
		else
			cm_notice("clock %s: lost lock after %.3f s (loss "
				  "%u)", c->hw->name,
				  lock_last_span_s(&c->lock),
				  (unsigned)f.losses);
	}
}
