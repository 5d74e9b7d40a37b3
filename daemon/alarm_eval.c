/*
 * daemon/alarm_eval.c — the host's alarms fed from the core (see
 * alarm_eval.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/tmv.h"
#include "daemon/alarm_eval.h"

/* Slots: the clock-wide alarms, then each clock's, then each port's. */
static const uint8_t global_kinds[ALARM_GLOBAL_KINDS] = {
	ALARM_PATH_DELAY_JUMP, ALARM_DELAY_VARIATION, ALARM_GRANDMASTER_CHANGE,
	ALARM_CLOCK_CLASS, ALARM_HOLDOVER,
};
static const uint8_t clock_kinds[ALARM_CLOCK_KINDS] = {
	ALARM_TIME_ERROR, ALARM_FREQUENCY, ALARM_DRIFT_RATE, ALARM_CLOCK_STEP,
};
static const uint8_t port_kinds[ALARM_PORT_KINDS] = {
	ALARM_PORT_FAULTY, ALARM_TX_TIMESTAMP_LOST,
	ALARM_FOREIGN_MASTER_OVERFLOW,
};
#define CLOCK_SLOT(k, j) (ALARM_GLOBAL_KINDS + (k) * ALARM_CLOCK_KINDS + (j))
#define PORT_SLOT(i, j)                                                 \
	(ALARM_GLOBAL_KINDS + BC_MAX_CLOCKS * ALARM_CLOCK_KINDS +       \
	 (i) * ALARM_PORT_KINDS + (j))

/* Defaults for a hypervisor host: software or hardware timestamps on a
 * LAN, guests that care about tens of microseconds. */
void alarm_cfg_default(struct alarm_cfg *c)
{
	static const struct {
		double bound;
		int hold_s;
	} def[ALARM_KIND_COUNT] = {
		[ALARM_TIME_ERROR] = { 100000, 10 },
		[ALARM_FREQUENCY] = { 100000, 60 },
		[ALARM_DRIFT_RATE] = { 20, 120 },
		[ALARM_PATH_DELAY_JUMP] = { 10000, 5 },
		[ALARM_DELAY_VARIATION] = { 10000, 60 },
		[ALARM_GRANDMASTER_CHANGE] = { 1, 60 },
		[ALARM_CLOCK_CLASS] = { 7, 10 },
		[ALARM_HOLDOVER] = { 1, 0 },
		[ALARM_PORT_FAULTY] = { 1, 5 },
		[ALARM_CLOCK_STEP] = { 1, 60 },
		[ALARM_TX_TIMESTAMP_LOST] = { 1, 60 },
		[ALARM_FOREIGN_MASTER_OVERFLOW] = { 1, 60 },
	};

	for (int k = 0; k < ALARM_KIND_COUNT; k++) {
		c->bound[k] = def[k].bound;
		c->hold_s[k] = def[k].hold_s;
	}
}

static bool kind_is_event(unsigned k)
{
	return k == ALARM_GRANDMASTER_CHANGE || k == ALARM_CLOCK_STEP ||
	       k == ALARM_TX_TIMESTAMP_LOST ||
	       k == ALARM_FOREIGN_MASTER_OVERFLOW;
}

/* States (holdover, FAULTY) watch 0/1 and clockClass whole classes: no
 * hysteresis; measured levels clear at ALARM_HYSTERESIS of the bound. */
static void kind_rule(const struct alarm_cfg *c, unsigned k,
		      struct alarm_rule *r)
{
	bool state = k == ALARM_HOLDOVER || k == ALARM_PORT_FAULTY;

	memset(r, 0, sizeof(*r));
	r->mode = kind_is_event(k) ? ALARM_EVENT : ALARM_LEVEL;
	r->off = c->bound[k] <= 0.0;
	r->bound = state ? 0.0 : c->bound[k];
	r->clear_bound = state || k == ALARM_CLOCK_CLASS
				 ? r->bound
				 : c->bound[k] * ALARM_HYSTERESIS;
	r->hold_ns = (int64_t)(c->hold_s[k] > 0 ? c->hold_s[k] : 0) *
		     NS_PER_SEC;
}

static void slot_init(struct alarm_entry *e, uint8_t kind, int subj)
{
	e->kind = kind;
	e->subj = subj;
	alarm_state_init(&e->st);
}

void alarm_set_init(struct alarm_set *s, const struct alarm_cfg *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	for (int j = 0; j < ALARM_GLOBAL_KINDS; j++)
		slot_init(&s->e[j], global_kinds[j], -1);
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		for (int j = 0; j < ALARM_CLOCK_KINDS; j++)
			slot_init(&s->e[CLOCK_SLOT(k, j)], clock_kinds[j], k);
	}
	for (int i = 0; i < ALARM_MAX_PORTS; i++) {
		for (int j = 0; j < ALARM_PORT_KINDS; j++)
			slot_init(&s->e[PORT_SLOT(i, j)], port_kinds[j], i);
	}
}

void alarm_set_configure(struct alarm_set *s, const struct alarm_cfg *cfg)
{
	s->cfg = *cfg;
}

struct upd {
	struct alarm_set *s;
	int64_t now;
	struct alarm_event *ev;
	int max, n;
};

/* Run one slot's alarm with the value (known or not); shown is what is
 * told as its value. */
static void run(struct upd *u, int slot, bool known, double v, double shown)
{
	struct alarm_entry *e = &u->s->e[slot];
	struct alarm_rule r;
	enum alarm_change c;

	kind_rule(&u->s->cfg, e->kind, &r);
	c = alarm_update(&e->st, &r, known, v, u->now);
	if (known)
		e->shown = shown;
	if (c == ALARM_SAME)
		return;
	e->seq = ++u->s->seq;
	if (u->n < u->max)
		u->ev[u->n] = (struct alarm_event){ .slot = slot, .change = c };
	u->n++;
}

/* An event alarm from a counter: the events since the last tick (none the
 * first time the counter is seen). */
static double events(uint64_t now, uint64_t *last, bool *have)
{
	double d = *have && now > *last ? (double)(now - *last) : 0.0;

	*have = true;
	*last = now;
	return d;
}

static void run_global(struct upd *u, const struct bc *bc)
{
	const struct bc_servo_status *st = bc_get_servo_status(bc);
	const struct parent_ds *p = bc_parent_ds(bc);
	bool slave = bc_slave_port(bc) >= 0;
	bool valid = slave && st && st->valid;
	uint32_t wn = valid ? st->win.n : 0;
	double jump = wn ? fabs((double)st->path_delay_ns -
				st->win.delay_mean_ns)
			 : 0.0;
	double sd = wn > 1 ? st->win.delay_stddev_ns : 0.0;
	const struct bc_clock_info *ref = NULL;
	double ev = 0.0, hold = st && st->holdover ? 1.0 : 0.0;
	double cls = p->grandmaster_clock_quality.clock_class;

	run(u, 0, wn > 0, jump, jump);
	run(u, 1, wn > 1, sd, sd);
	if (u->s->have_gm &&
	    !clock_identity_eq(&u->s->gm, &p->grandmaster_identity)) {
		ev = 1.0;
		u->s->gm_changes++;
		u->s->gm = p->grandmaster_identity;
	} else if (!u->s->have_gm && slave) { /* the first: not a change */
		u->s->have_gm = true;
		u->s->gm = p->grandmaster_identity;
	}
	run(u, 2, u->s->have_gm, ev, (double)u->s->gm_changes);
	run(u, 3, slave, cls, cls);
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct bc_clock_info *c = bc_clock_info(bc, k);

		if (c && c->role == BC_CLOCK_REFERENCE)
			ref = c;
	}
	run(u, 4, ref && ref->adjusted && st, hold, hold);
}

/* The frequency's mean over each minute; the drift rate from two. */
static void drift_feed(struct alarm_clock_mem *m, double f, int64_t now)
{
	if (m->blk_n == 0)
		m->blk_start = now;
	m->blk_sum += f;
	m->blk_n++;
	if (now - m->blk_start < ALARM_DRIFT_BLOCK_NS)
		return;
	double mean = m->blk_sum / m->blk_n;

	if (m->have_prev) {
		m->drift = fabs(mean - m->prev_mean) /
			   ((double)ALARM_DRIFT_BLOCK_NS / 1e9);
		m->have_drift = true;
	}
	m->prev_mean = mean;
	m->have_prev = true;
	m->blk_sum = 0.0;
	m->blk_n = 0;
}

static void run_clock(struct upd *u, const struct bc *bc, int k)
{
	const struct bc_clock_info *c = bc_clock_info(bc, k);
	struct alarm_clock_mem *m = &u->s->cm[k];
	bool adj = c && c->adjusted;
	bool te = adj && c->have_offset &&
		  (c->role == BC_CLOCK_REFERENCE ? bc_slave_port(bc) >= 0
						 : c->steered);
	bool fk = adj && c->have_freq;
	double ev;

	if (!fk) { /* start again when it is known again */
		m->blk_n = 0;
		m->blk_sum = 0.0;
		m->have_prev = m->have_drift = false;
	} else {
		drift_feed(m, c->freq_ppb, u->now);
	}
	run(u, CLOCK_SLOT(k, 0), te, te ? fabs((double)c->offset_ns) : 0.0,
	    te ? fabs((double)c->offset_ns) : 0.0);
	run(u, CLOCK_SLOT(k, 1), fk, fk ? fabs(c->freq_ppb) : 0.0,
	    fk ? fabs(c->freq_ppb) : 0.0);
	run(u, CLOCK_SLOT(k, 2), fk && m->have_drift, m->drift, m->drift);
	ev = c ? events(c->steps, &m->steps, &m->have_steps) : 0.0;
	run(u, CLOCK_SLOT(k, 3), adj, ev, c ? (double)c->steps : 0.0);
}

static void run_port(struct upd *u, const struct bc *bc, int i)
{
	struct alarm_port_mem *m = &u->s->pm[i];
	bool present = i < bc_nports(bc) && bc_port_present(bc, i);
	const struct port_ds *ds = present ? bc_port_ds(bc, i) : NULL;
	const struct bc_port_counters *pc = present ? bc_port_counters(bc, i)
						    : NULL;
	uint64_t fmn = present ? bc_port_fm_overflows(bc, i) : 0;
	bool known = ds && pc;
	double faulty = ds && ds->port_state == PS_FAULTY ? 1.0 : 0.0;
	double tx = 0.0, fm = 0.0;

	if (!known) {
		memset(m, 0, sizeof(*m));
	} else {
		tx = events(pc->tx_ts_timeouts, &m->txts, &m->have_tx);
		fm = events(fmn, &m->fm, &m->have_fm);
	}
	run(u, PORT_SLOT(i, 0), known, faulty, faulty);
	run(u, PORT_SLOT(i, 1), known, tx, pc ? (double)pc->tx_ts_timeouts : 0);
	run(u, PORT_SLOT(i, 2), known, fm, (double)fmn);
}

int alarm_set_update(struct alarm_set *s, const struct bc *bc, int64_t now,
		     struct alarm_event *ev, int max)
{
	struct upd u = { .s = s, .now = now, .ev = ev, .max = max };

	run_global(&u, bc);
	for (int k = 0; k < BC_MAX_CLOCKS; k++)
		run_clock(&u, bc, k);
	for (int i = 0; i < ALARM_MAX_PORTS; i++)
		run_port(&u, bc, i);
	return u.n;
}

/* The slot's subject is there now. */
static bool slot_present(const struct alarm_set *s, const struct bc *bc,
			 int slot)
{
	const struct alarm_entry *e = &s->e[slot];

	if (slot < ALARM_GLOBAL_KINDS)
		return true;
	if (slot < PORT_SLOT(0, 0))
		return bc_clock_info(bc, e->subj) != NULL;
	return e->subj < bc_nports(bc) && bc_port_present(bc, e->subj);
}

const char *alarm_set_subject(const struct alarm_set *s, const struct bc *bc,
			      int slot)
{
	const struct alarm_entry *e = &s->e[slot];
	const struct bc_clock_info *c;
	const char *n;

	if (slot < ALARM_GLOBAL_KINDS)
		return "clock";
	if (slot < PORT_SLOT(0, 0)) {
		c = bc_clock_info(bc, e->subj);
		return c ? c->name : "?";
	}
	n = bc_port_name(bc, e->subj);
	return n ? n : "?";
}

double alarm_set_bound(const struct alarm_set *s, int slot)
{
	return s->cfg.bound[s->e[slot].kind];
}

int alarm_set_export(const struct alarm_set *s, const struct bc *bc,
		     struct bc_alarm_info *out, int max)
{
	int n = 0;

	for (int slot = 0; slot < ALARM_SLOTS && n < max; slot++) {
		const struct alarm_entry *e = &s->e[slot];
		struct bc_alarm_info *a = &out[n];

		if (!slot_present(s, bc, slot))
			continue;
		memset(a, 0, sizeof(*a));
		a->kind = e->kind;
		a->applicable = e->st.applicable;
		a->active = e->st.active;
		snprintf(a->subject, sizeof(a->subject), "%.15s",
			 alarm_set_subject(s, bc, slot));
		a->value = e->shown;
		a->bound = alarm_set_bound(s, slot);
		a->since_ns = e->st.since_ns;
		a->raised = e->st.raised;
		a->seq = e->seq;
		n++;
	}
	return n;
}
