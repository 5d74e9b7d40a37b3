/*
 * bc/clock_sd.c — the state decision over all ports (IEEE 1588-2019
 * 9.3.3) and the data set updates it implies (9.3.5): Erbest per port from
 * its qualified foreign masters, Ebest over the ports, a decision code per
 * port, then parentDS/currentDS/timePropertiesDS and the port events.
 * At most one port ends up SLAVE/UNCALIBRATED: only the port where Ebest
 * was received can get S1.
 */
#include <string.h>

#include <errno.h>

#include "bc/internal.h"

static void d0_dataset(const struct bc *bc, struct bmca_dataset *d)
{
	memset(d, 0, sizeof(*d));
	d->priority1 = bc->dds.priority1;
	d->gm_identity = bc->dds.clock_identity;
	d->gm_quality = bc->dds.clock_quality;
	d->priority2 = bc->dds.priority2;
	d->steps_removed = 0;
	d->sender.clock_identity = bc->dds.clock_identity;
	d->receiver.clock_identity = bc->dds.clock_identity;
	d->local_priority = bc->cfg.local_priority;
}

bmca_compare_fn clock_compare_fn(const struct bc *bc)
{
	return bc->cfg.dataset_comparison == BC_DSCMP_G8275
		       ? bmca_compare_g8275
		       : bmca_compare;
}

static bool clock_better(const struct bc *bc, const struct bmca_dataset *a,
			 const struct bmca_dataset *b)
{
	enum bmca_cmp r = clock_compare_fn(bc)(a, b);

	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

/* 17.5.4: on a port that takes only acceptable masters, an entry's
 * alternatePriority1 stands for the Announce's priority1 in the BMCA. */
static void port_alternate_priority1(const struct port *p,
				     const struct fm_record *r,
				     struct bmca_dataset *ds)
{
	const struct bc_acceptable_master *a;

	if (!p->cfg.acceptable_master_only)
		return;
	a = clock_acceptable(p->bc, &r->sender);
	if (a && a->alternate_priority1)
		ds->priority1 = a->alternate_priority1;
}

/* The best qualified foreign master of a port (Erbest), or NULL. */
static struct fm_record *port_erbest(struct port *p, int64_t now,
				     struct bmca_dataset *best)
{
	struct fm_record *found = NULL;
	struct bmca_dataset ds;

	if (!port_is_active(p) || p->cfg.master_only)
		return NULL;
	fm_prune(&p->fm, now, p->ds.log_announce_interval);
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		struct fm_record *r = &p->fm.rec[i];

		if (!fm_qualified(&p->fm, r, now, p->ds.log_announce_interval))
			continue;
		fm_dataset(r, &p->ds.port_identity, &ds);
		ds.local_priority = p->cfg.local_priority;
		port_alternate_priority1(p, r, &ds);
		if (!found || clock_better(p->bc, &ds, best)) {
			found = r;
			*best = ds;
		}
	}
	return found;
}

static bool self_loop(const struct port *p, int64_t now)
{
	int64_t window = (int64_t)p->fm.window *
			 tmv_log_interval_ns(p->ds.log_announce_interval);

	return p->self_seen && now - p->self_seen_ns <= window;
}

static enum bc_event decision_event(enum bmca_decision d)
{
	switch (d) {
	case BMCA_M1:
	case BMCA_M2:
		return BC_EV_RS_GRAND_MASTER;
	case BMCA_M3:
		return BC_EV_RS_MASTER;
	case BMCA_P1:
	case BMCA_P2:
		return BC_EV_RS_PASSIVE;
	case BMCA_S1:
		return BC_EV_RS_SLAVE;
	default:
		return BC_EV_NONE;
	}
}

static void log_best(struct bc *bc, bool own)
{
	const struct clock_identity *gm = &bc->parent.grandmaster_identity;
	char id[CLOCK_ID_STRLEN];

	if (bc->logged_best_valid && clock_identity_eq(&bc->logged_best, gm))
		return;
	bc->logged_best = *gm;
	bc->logged_best_valid = true;
	clock_identity_str(gm, id, sizeof(id));
	if (own)
		cm_log(CM_LOG_NOTICE, "selected local clock %s as best master",
		       id);
	else
		cm_log(CM_LOG_NOTICE, "selected best master clock %s", id);
}

/* A new parent for a port that is already a slave: start over. */
static void port_new_parent(struct port *p, int64_t now,
			    struct bc_actions *out)
{
	slave_reset(p);
	if (p->ds.port_state == PS_SLAVE)
		port_change_state(p, PS_UNCALIBRATED, BC_EV_RS_SLAVE, now, out);
}

/* A slave-only clock never offers its own time (its clockClass is 255):
 * D0 loses to any foreign master, so Ebest's port is S1 whatever the
 * priorities say; the other ports get a master code, which the
 * slave-only state machine turns into LISTENING. */
static enum bmca_decision slave_only_decision(const struct port *p,
					      bool ebest_here)
{
	if (ebest_here)
		return BMCA_S1;
	if (!p->erbest && p->ds.port_state == PS_LISTENING)
		return BMCA_NONE;
	return BMCA_M3;
}

/* Compute every port's decision; returns the S1 port or -1. */
static int decide_ports(struct bc *bc, int64_t now, enum bmca_decision *dec,
			bool *any_gm)
{
	struct bmca_dataset *er = bc->sd_er, d0;
	int ebest = -1, s1 = -1;

	for (int i = 0; i < bc->nports; i++) {
		struct port *p = &bc->ports[i];

		p->erbest = p->present ? port_erbest(p, now, &er[i]) : NULL;
		if (p->erbest &&
		    (ebest < 0 || clock_better(bc, &er[i], &er[ebest])))
			ebest = i;
	}
	d0_dataset(bc, &d0);
	*any_gm = false;
	for (int i = 0; i < bc->nports; i++) {
		struct port *p = &bc->ports[i];

		dec[i] = BMCA_NONE;
		if (!p->present || !port_is_active(p))
			continue;
		if (p->cfg.bmca_noop) {
			/* its role is configured: a slave port is the
			 * clock's slave port whatever it hears */
			if (port_is_slave(p))
				s1 = i;
			continue;
		}
		if (self_loop(p, now)) {
			dec[i] = BMCA_P2;
			continue;
		}
		if (bc->dds.slave_only)
			dec[i] = slave_only_decision(p, i == ebest);
		else
			dec[i] = bmca_state_decision_cmp(
				clock_compare_fn(bc), &d0,
				ebest >= 0 ? &er[ebest] : NULL,
				p->erbest ? &er[i] : NULL, i == ebest,
				p->ds.port_state == PS_LISTENING);
		if (dec[i] == BMCA_S1)
			s1 = i;
		if (dec[i] == BMCA_M1 || dec[i] == BMCA_M2)
			*any_gm = true;
	}
	return s1;
}

/* 9.3.5: update the clock's data sets; true when the parent changed.
 * Without an S1 port this clock is its own parent: either some port
 * decided M1/M2, or nothing qualified anywhere (P1 and empty LISTENING
 * ports leave no foreign parent to keep). */
static bool update_data_sets(struct bc *bc, int s1, bool *own)
{
	struct port_identity old = bc->parent.parent_port_identity;
	struct clock_identity old_gm = bc->parent.grandmaster_identity;

	/* a BMCA noop slave port that heard no Announce: no parent to
	 * take (ptp4l's too: its Syncs need ignore_source_id) */
	if (s1 >= 0 && bc->ports[s1].erbest)
		clock_set_parent_from(bc, bc->ports[s1].erbest);
	else
		clock_set_own_parent(bc);
	*own = clock_identity_eq(&bc->parent.parent_port_identity.clock_identity,
				 &bc->dds.clock_identity);
	return !port_identity_eq(&old, &bc->parent.parent_port_identity) ||
	       !clock_identity_eq(&old_gm, &bc->parent.grandmaster_identity);
}

/* Apply the decisions from port `from` on; -ENOBUFS (and where to go on
 * in bc->sd_next) when out has no room for another port's actions. */
static int apply_decisions(struct bc *bc, int from, int64_t now,
			   struct bc_actions *out)
{
	for (int i = from; i < bc->nports; i++) {
		struct port *p = &bc->ports[i];
		enum bc_event ev = decision_event(bc->sd_dec[i]);

		if (ev == BC_EV_NONE || !p->present)
			continue;
		if (!act_room_for_port(out)) {
			bc->sd_next = i;
			return -ENOBUFS;
		}
		if (ev == BC_EV_RS_SLAVE && port_is_slave(p)) {
			if (bc->sd_changed)
				port_new_parent(p, now, out);
			continue;
		}
		if (ev == BC_EV_RS_GRAND_MASTER && p->ds.port_state != PS_MASTER &&
		    !bc->dds.slave_only)
			clock_log_port(p, CM_LOG_NOTICE,
				       "assuming the grand master role");
		port_dispatch(p, ev, now, out);
	}
	bc->sd_next = -1;
	return 0;
}

int bc_state_decision(struct bc *bc, int64_t now, struct bc_actions *out)
{
	bool any_gm, own;
	int s1;

	if (bc->sd_next >= 0)
		return apply_decisions(bc, bc->sd_next, now, out);
	if (!bc->sd_due)
		return 0;
	bc->sd_due = false;
	bc->cnt.state_decisions++;
	s1 = decide_ports(bc, now, bc->sd_dec, &any_gm);
	bc->sd_changed = update_data_sets(bc, s1, &own);
	if (s1 >= 0 || any_gm)
		log_best(bc, own);
	if (bc->sd_changed) {
		bc->cnt.bmca_reselections++;
		act_parent(out, &bc->parent, own);
	}
	bc->slave_port = s1;
	return apply_decisions(bc, 0, now, out);
}
