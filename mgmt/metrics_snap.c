/*
 * mgmt/metrics_snap.c — the metrics snapshot from the core's getters (see
 * metrics_render.h): data sets, port states and counters, each port's last
 * fault, the servo's last report with its ages, the host's clocks, host
 * checks and alarms.  The daemon's and the exporter's own figures are added by their
 * owners.
 */
#include <stdio.h>
#include <string.h>

#include "common/version.h"
#include "mgmt/metrics_render.h"

static void snap_ports(struct metrics_snapshot *s, const struct bc *bc)
{
	int n = bc_nports(bc);

	s->nports = 0;
	for (int i = 0; i < n && s->nports < BC_MAX_PORTS; i++) {
		struct metrics_port_snap *p;
		const struct port_ds *ds = bc_port_ds(bc, i);

		if (!bc_port_present(bc, i))
			continue; /* a guest's port that went */
		p = &s->port[s->nports++];
		p->index = i;
		const struct bc_port_counters *c = bc_port_counters(bc, i);
		const char *name = bc_port_name(bc, i);

		snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
		p->number = ds ? ds->port_identity.port_number
			       : (uint16_t)(i + 1);
		p->state = ds ? ds->port_state : PS_INITIALIZING;
		if (c)
			p->c = *c;
		if (bc_port_status(bc, i))
			p->fault = bc_port_status(bc, i)->fault;
		p->fm_dropped = bc_port_fm_overflows(bc, i);
		p->fm_evicted = bc_port_fm_evictions(bc, i);
	}
}

/* The host's clocks as the core has them (HVPTP_CLOCKS_NP's data) and
 * the host checks. */
static void snap_clocks(struct metrics_snapshot *s, const struct bc *bc,
			int64_t now)
{
	const struct bc_host_info *h = bc_host_info(bc);

	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct bc_clock_info *ci = bc_clock_info(bc, k);
		struct metrics_clock_snap *c = &s->clock[k];

		if (!ci)
			continue;
		c->present = true;
		c->ci = *ci;
		c->offset_age_s = ci->have_offset && now >= ci->at_ns
					  ? (double)(now - ci->at_ns) / 1e9
					  : -1.0;
		if (ci->lock_applicable)
			cm_lockhist_figures(&ci->lock, now, &c->lock);
	}
	if (h)
		s->host = *h;
	s->nalarms = 0;
	for (int i = 0; i < bc_alarm_count(bc) && i < BC_MAX_ALARMS; i++)
		s->alarm[s->nalarms++] = *bc_alarm(bc, i);
}

void metrics_snapshot_from_bc(struct metrics_snapshot *s,
			      const struct bc *bc, int64_t now)
{
	const struct bc_servo_status *st = bc_get_servo_status(bc);
	const struct bc_clock_counters *cc = bc_clock_counters(bc);
	const struct bc_mgmt_counters *mc = bc_mgmt_counters(bc);

	memset(s, 0, sizeof(*s));
	s->version = HVPTP_VERSION;
	s->dds = *bc_default_ds(bc);
	s->cds = *bc_current_ds(bc);
	s->pds = *bc_parent_ds(bc);
	s->tp = *bc_time_properties_ds(bc);
	s->slave_port = bc_slave_port(bc);
	if (st)
		s->servo = *st;
	else
		s->servo.te_estimate_ns = -1.0;
	s->sample_age_s = s->servo.valid ? (double)(now - s->servo.at_ns) / 1e9
					 : -1.0;
	s->locked_for_s = s->servo.locked_since_ns > 0 &&
					  s->servo.locked_since_ns <= now
				  ? (double)(now - s->servo.locked_since_ns) / 1e9
				  : -1.0;
	if (cc)
		s->cc = *cc;
	if (mc)
		s->mc = *mc;
	snap_ports(s, bc);
	snap_clocks(s, bc, now);
	s->uptime_s = -1.0;
	s->cpu_s = -1.0;
}
