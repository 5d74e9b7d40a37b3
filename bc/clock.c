/*
 * bc/clock.c — the clock: ports, data sets, Announce intake and the state
 * decision over all ports (IEEE 1588-2019 9.3.3 and the data set updates
 * of 9.3.5), the public entry points of bc/bc.h and the getters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc/internal.h"

void clock_log_port(const struct port *p, int level, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!cm_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cm_log(level, "port %d (%s): %s", p->index + 1, p->cfg.name, msg);
}

/* ---- data sets as grandmaster ---- */

void clock_set_own_parent(struct bc *bc)
{
	struct parent_ds *pd = &bc->parent;
	const struct bc_clock_cfg *c = &bc->cfg;

	memset(pd, 0, sizeof(*pd));
	pd->parent_port_identity.clock_identity = bc->dds.clock_identity;
	pd->parent_port_identity.port_number = 0;
	pd->observed_parent_offset_scaled_log_variance = 0xFFFF;
	pd->observed_parent_clock_phase_change_rate = 0x7FFFFFFF;
	pd->grandmaster_identity = bc->dds.clock_identity;
	pd->grandmaster_clock_quality = bc->dds.clock_quality;
	pd->grandmaster_priority1 = bc->dds.priority1;
	pd->grandmaster_priority2 = bc->dds.priority2;
	memset(&bc->cur, 0, sizeof(bc->cur));
	memset(&bc->tp, 0, sizeof(bc->tp));
	bc->tp.current_utc_offset = c->utc_offset;
	bc->tp.current_utc_offset_valid = c->utc_offset_valid;
	/* a clock that keeps UTC cannot claim the PTP timescale (ptp4l does
	 * the same: ARB timescale, UTC times) */
	bc->tp.ptp_timescale = c->ptp_timescale && !c->gm_clock_is_utc;
	bc->tp.time_traceable = c->time_traceable;
	bc->tp.frequency_traceable = c->frequency_traceable;
	bc->tp.time_source = c->time_source;
	bc->tp.leap61 = bc->mgmt.gm_leap_flags & PTP_FLAG_LEAP61;
	bc->tp.leap59 = bc->mgmt.gm_leap_flags & PTP_FLAG_LEAP59;
	bc->path_len = 0;
}

bool bc_is_own_parent(const struct bc *bc)
{
	return clock_identity_eq(&bc->parent.grandmaster_identity,
				 &bc->dds.clock_identity);
}

int bc_set_gm_utc(struct bc *bc, int utc_offset, int leap)
{
	uint8_t flags = leap > 0 ? PTP_FLAG_LEAP61 : leap < 0 ? PTP_FLAG_LEAP59 : 0;

	if (!bc || utc_offset < 0 || utc_offset > INT16_MAX)
		return -EINVAL;
	if (bc->cfg.utc_offset == utc_offset && bc->cfg.utc_offset_valid &&
	    bc->mgmt.gm_leap_flags == flags)
		return 0;
	bc->cfg.utc_offset = (int16_t)utc_offset;
	bc->cfg.utc_offset_valid = true;
	bc->mgmt.gm_leap_flags = flags;
	if (bc_is_own_parent(bc)) {
		bc->tp.current_utc_offset = (int16_t)utc_offset;
		bc->tp.current_utc_offset_valid = true;
		bc->tp.leap61 = leap > 0;
		bc->tp.leap59 = leap < 0;
	}
	cm_log(CM_LOG_NOTICE, "clock: as grandmaster: UTC offset %d%s",
	       utc_offset, leap > 0 ? ", leap second (+1) at the end of the "
	       "UTC day" : leap < 0 ? ", leap second (-1) at the end of the "
	       "UTC day" : "");
	return 0;
}

void clock_set_parent_from(struct bc *bc, const struct fm_record *r)
{
	struct parent_ds *pd = &bc->parent;

	pd->parent_port_identity = r->sender;
	pd->grandmaster_identity = r->ann.gm_identity;
	pd->grandmaster_clock_quality = r->ann.gm_clock_quality;
	pd->grandmaster_priority1 = r->ann.gm_priority1;
	pd->grandmaster_priority2 = r->ann.gm_priority2;
	bc->cur.steps_removed = (uint16_t)(r->ann.steps_removed + 1);
	bc->tp.current_utc_offset = r->ann.current_utc_offset;
	ds_time_properties_from_flags(&bc->tp, r->hdr.flags);
	bc->tp.time_source = r->ann.time_source;
	bc->path_len = r->path_len < PTP_MAX_PATH_TRACE ? r->path_len
							: PTP_MAX_PATH_TRACE - 1;
	memcpy(bc->path, r->path, sizeof(bc->path[0]) * bc->path_len);
}

bool clock_is_parent(const struct bc *bc, const struct port_identity *pi)
{
	return port_identity_eq(&bc->parent.parent_port_identity, pi);
}

int bc_utc_offset(const struct bc *bc)
{
	if (!bc->tp.ptp_timescale)
		return 0;
	return bc->tp.current_utc_offset_valid ? bc->tp.current_utc_offset
					       : bc->cfg.utc_offset;
}

int bc_utc_offset_at(const struct bc *bc, int64_t tai_ns)
{
	if (!bc->tp.ptp_timescale)
		return 0;
	return leap_offset_at_tai(&bc->leap, bc_utc_offset(bc), tai_ns);
}

void bc_set_leap(struct bc *bc, const struct leap_latch *l)
{
	if (l)
		bc->leap = *l;
	else
		memset(&bc->leap, 0, sizeof(bc->leap));
}

const struct leap_latch *bc_leap(const struct bc *bc)
{
	return &bc->leap;
}

/* A port whose clock keeps UTC converts with the UTC offset in force at
 * the time converted (leap seconds included); others carry wire time. */
tmv_t port_to_wire(const struct port *p, tmv_t local)
{
	const struct bc *bc = p->bc;
	int u;

	if (!p->cfg.clock_is_utc || !bc->tp.ptp_timescale)
		return local;
	u = leap_offset_at_utc(&bc->leap, bc_utc_offset(bc), local.ns, NULL);
	return tmv_add(local, tmv_from_ns((int64_t)u * NS_PER_SEC));
}

tmv_t port_from_wire(const struct port *p, tmv_t wire)
{
	int u;

	if (!p->cfg.clock_is_utc)
		return wire;
	u = bc_utc_offset_at(p->bc, wire.ns);
	return tmv_sub(wire, tmv_from_ns((int64_t)u * NS_PER_SEC));
}

bool port_leap_window(const struct port *p, tmv_t wire)
{
	return p->cfg.clock_is_utc && p->bc->tp.ptp_timescale &&
	       leap_near(&p->bc->leap, wire.ns);
}

bool port_leap_ambiguous(const struct port *p, tmv_t local)
{
	const struct bc *bc = p->bc;
	bool amb;

	if (!p->cfg.clock_is_utc || !bc->tp.ptp_timescale)
		return false;
	leap_offset_at_utc(&bc->leap, bc_utc_offset(bc), local.ns, &amb);
	return amb;
}

/* ---- creation ---- */

static int clock_cap(const struct bc_clock_cfg *c, int nports)
{
	return c->max_ports > nports ? c->max_ports : nports;
}

static int clock_check_cfg(const struct bc_clock_cfg *c, int nports)
{
	static const struct clock_identity zero;
	int cap = clock_cap(c, nports);

	if (nports < 0 || cap < 1 || cap > BC_MAX_PORTS)
		return -EINVAL;
	if (clock_identity_eq(&c->clock_identity, &zero))
		return -EINVAL;
	if (c->ptp_minor_version > 1)
		return -EINVAL;
	return 0;
}

static void clock_init_dds(struct bc *bc, int nports)
{
	const struct bc_clock_cfg *c = &bc->cfg;
	struct default_ds *d = &bc->dds;

	if (c->slave_only)
		bc->cfg.clock_quality.clock_class = 255; /* 7.6.2.5, as ptp4l */
	d->two_step_flag = c->two_step;
	d->clock_identity = c->clock_identity;
	d->number_ports = (uint16_t)nports;
	d->clock_quality = c->clock_quality;
	d->priority1 = c->priority1;
	d->priority2 = c->priority2;
	d->domain_number = c->domain_number;
	d->slave_only = c->slave_only;
	d->sdo_id = (uint16_t)(c->minor_sdo_id);
}

int bc_create(struct bc **out, const struct bc_clock_cfg *clock,
	      const struct bc_port_cfg *ports, int nports)
{
	struct bc *bc;
	int err = clock_check_cfg(clock, nports);

	if (err)
		return err;
	for (int i = 0; i < nports; i++) {
		if (ports[i].clock >= BC_MAX_CLOCKS)
			return -EINVAL;
	}
	bc = calloc(1, sizeof(*bc));
	if (!bc)
		return -ENOMEM;
	bc->cap = clock_cap(clock, nports);
	bc->ports = calloc((size_t)bc->cap, sizeof(*bc->ports));
	bc->sd_er = calloc((size_t)bc->cap, sizeof(*bc->sd_er));
	bc->sd_dec = calloc((size_t)bc->cap, sizeof(*bc->sd_dec));
	bc->fm_seen = calloc(1, sizeof(*bc->fm_seen));
	if (!bc->ports || !bc->sd_er || !bc->sd_dec || !bc->fm_seen) {
		bc_destroy(bc);
		return -ENOMEM;
	}
	bc->cfg = *clock;
	bc->cfg.max_ports = bc->cap;
	bc->nports = nports;
	bc->sd_next = -1;
	bc->slave_port = -1;
	bc->servo.te_estimate_ns = -1.0; /* unknown until a sample */
	bc->mgmt.sync_uncertain = MGMT_SYNC_UNCERTAIN_DONTCARE; /* ptp4l's */
	cm_rng_seed(&bc->rng, clock->rng_seed);
	fm_seen_init(bc->fm_seen, clock->rng_seed);
	clock_init_dds(bc, nports);
	clock_set_own_parent(bc);
	for (int i = 0; i < nports; i++)
		port_init(&bc->ports[i], bc, i, &ports[i]);
	*out = bc;
	return 0;
}

void bc_destroy(struct bc *bc)
{
	if (!bc)
		return;
	free(bc->ports);
	free(bc->sd_er);
	free(bc->sd_dec);
	free(bc->fm_seen);
	free(bc);
}

int bc_start(struct bc *bc, int64_t now, struct bc_actions *out)
{
	char id[CLOCK_ID_STRLEN];

	if (!bc->started_logged)
		cm_log(CM_LOG_INFO, "clock identity %s, %d port%s",
		       clock_identity_str(&bc->dds.clock_identity, id,
					  sizeof(id)),
		       bc->nports, bc->nports == 1 ? "" : "s");
	bc->started_logged = true;
	bc->sd_due = true;
	for (int i = 0; i < bc->nports; i++) {
		struct port *p = &bc->ports[i];

		if (!p->present || !p->link_up ||
		    p->ds.port_state != PS_INITIALIZING)
			continue;
		if (!act_room_for_port(out))
			return -ENOBUFS;
		port_dispatch(p, BC_EV_INIT_COMPLETE, now, out);
	}
	return 0;
}

/* ---- ports that come and go ---- */

static int port_slot_for(const struct bc *bc, const char *name)
{
	int free_slot = -1;

	for (int i = 0; i < bc->nports; i++) {
		const struct port *p = &bc->ports[i];

		if (strncmp(p->cfg.name, name, BC_PORT_NAME_LEN) != 0) {
			if (!p->present && free_slot < 0)
				free_slot = i;
			continue;
		}
		return p->present ? -EEXIST : i;
	}
	if (bc->nports < bc->cap)
		return bc->nports;
	return free_slot >= 0 ? free_slot : -ENOSPC;
}

static void clock_count_ports(struct bc *bc)
{
	uint16_t n = 0;

	for (int i = 0; i < bc->nports; i++)
		n += bc->ports[i].present;
	bc->dds.number_ports = n;
}

int bc_port_add(struct bc *bc, const struct bc_port_cfg *cfg, int64_t now,
		struct bc_actions *out)
{
	struct port *p;
	int i;

	if (!bc || !cfg || !out || !cfg->name[0] ||
	    cfg->clock >= BC_MAX_CLOCKS)
		return -EINVAL;
	i = port_slot_for(bc, cfg->name);
	if (i < 0)
		return i;
	if (i == bc->nports)
		bc->nports++;
	p = &bc->ports[i];
	port_init(p, bc, i, cfg);
	clock_count_ports(bc);
	clock_log_port(p, CM_LOG_NOTICE, "port %d added", i + 1);
	port_dispatch(p, BC_EV_INIT_COMPLETE, now, out);
	bc->sd_due = true;
	return i;
}

int bc_port_remove(struct bc *bc, int port, int64_t now,
		   struct bc_actions *out)
{
	struct port *p = port >= 0 && bc && port < bc->nports
				 ? &bc->ports[port] : NULL;

	if (!p || !p->present || !out)
		return -EINVAL;
	port_dispatch(p, BC_EV_DESIGNATED_DISABLED, now, out);
	for (int t = 0; t < BC_TMR_COUNT; t++)
		port_timer_stop(p, (enum bc_timer)t, out);
	p->erbest = NULL;
	p->present = false;
	if (bc->slave_port == port)
		bc->slave_port = -1;
	if (bc->sd_next >= 0)
		bc->sd_dec[port] = BMCA_NONE;
	memset(&bc->mgmt.port[port], 0, sizeof(bc->mgmt.port[port]));
	clock_count_ports(bc);
	clock_log_port(p, CM_LOG_NOTICE, "port %d removed", port + 1);
	bc->sd_due = true;
	return 0;
}

bool bc_port_present(const struct bc *bc, int port)
{
	return bc && port >= 0 && port < bc->nports &&
	       bc->ports[port].present;
}

/* ---- Announce intake (9.3.2.5, 9.5.3) ---- */

static bool path_has_us(const struct bc *bc, const struct ptp_msg *m)
{
	const struct ptp_tlv_views *v = &m->tlv_view;

	for (int i = 0; v->has_path_trace && i < v->path_trace_count; i++) {
		if (clock_identity_eq(&v->path_trace[i],
				      &bc->dds.clock_identity))
			return true;
	}
	return false;
}

const struct bc_acceptable_master *
clock_acceptable(const struct bc *bc, const struct port_identity *sender)
{
	for (int i = 0; i < bc->cfg.n_acceptable && i < BC_MAX_ACCEPTABLE;
	     i++) {
		const struct bc_acceptable_master *a = &bc->cfg.acceptable[i];

		if (clock_identity_eq(&a->id.clock_identity,
				      &sender->clock_identity) &&
		    (a->id.port_number == 0xFFFF ||
		     a->id.port_number == sender->port_number))
			return a;
	}
	return NULL;
}

static enum bc_drop announce_check(const struct bc *bc, const struct port *p,
				   const struct ptp_msg *m)
{
	if (p->cfg.master_only)
		return BC_DROP_WRONG_STATE;
	if (p->cfg.acceptable_master_only &&
	    !clock_acceptable(bc, &m->hdr.source_port_identity))
		return BC_DROP_NOT_ACCEPTABLE;
	if (m->body.announce.steps_removed >= bc->cfg.max_steps_removed)
		return BC_DROP_NOT_QUALIFIED;
	/* clock_class_threshold, as ptp4l: a grandmaster announced worse
	 * than the threshold is not a candidate at all */
	if (bc->cfg.clock_class_threshold &&
	    m->body.announce.gm_clock_quality.clock_class >
		    bc->cfg.clock_class_threshold)
		return BC_DROP_NOT_QUALIFIED;
	if (m->hdr.flags & PTP_FLAG_ALTERNATE_MASTER)
		return BC_DROP_NOT_QUALIFIED;
	if (path_has_us(bc, m))
		return BC_DROP_NOT_QUALIFIED;
	return BC_DROP_NONE;
}

void clock_port_master_only(struct port *p, bool on)
{
	if (p->cfg.master_only == on && p->ds.master_only == on)
		return;
	clock_log_port(p, CM_LOG_NOTICE, "masterOnly %s", on ? "on" : "off");
	p->cfg.master_only = on;
	p->ds.master_only = on;
	/* what it heard before is not a candidate now, nor after (it
	 * has to qualify again once the port may be a slave) */
	fm_clear(&p->fm);
	p->erbest = NULL;
	p->bc->sd_due = true;
}

/* Restart the announce receipt timeout for what a port listens to: the
 * parent in the slave states, any foreign master while LISTENING/PASSIVE. */
static void announce_rx_timer(struct bc *bc, struct port *p,
			      const struct port_identity *sender, int64_t now,
			      struct bc_actions *out)
{
	switch (p->ds.port_state) {
	case PS_UNCALIBRATED:
	case PS_SLAVE:
		if (!clock_is_parent(bc, sender))
			return;
		break;
	case PS_LISTENING:
	case PS_PASSIVE:
		break;
	default:
		return;
	}
	port_arm_announce_rx(p, now, out);
}

enum bc_drop clock_rx_announce(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out)
{
	struct bc *bc = p->bc;
	enum bc_drop why = announce_check(bc, p, m);
	struct fm_record *r;
	char id[PORT_ID_STRLEN];
	enum fm_outcome how;

	(void)rx_ts;
	if (why != BC_DROP_NONE)
		return why;
	r = fm_add(&p->fm, m, src, now, p->ds.log_announce_interval, &how);
	/* a first receipt is remembered, not a record yet: nothing to
	 * decide; in LISTENING it restarts the timeout, as before sightings,
	 * unless identities heard once flood the port (fm_flooded) */
	if (how == FM_SIGHTED) {
		if (!fm_flooded(&p->fm))
			announce_rx_timer(bc, p, &m->hdr.source_port_identity,
					  now, out);
		return BC_DROP_NONE;
	}
	/* refused for room, or a copy of the last one (not distinct) */
	if (!r || how == FM_DUPLICATE)
		return BC_DROP_NOT_QUALIFIED;
	if (how == FM_NEW)
		clock_log_port(p, CM_LOG_NOTICE, "new foreign master %s",
			       port_identity_str(&r->sender, id, sizeof(id)));
	announce_rx_timer(bc, p, &r->sender, now, out);
	bc->sd_due = true;
	return BC_DROP_NONE;
}

/* ---- entry points ---- */

static struct port *get_port(struct bc *bc, int port)
{
	if (!bc || port < 0 || port >= bc->nports || !bc->ports[port].present)
		return NULL;
	return &bc->ports[port];
}

int bc_port_rx(struct bc *bc, int port, const uint8_t *buf, size_t len,
	       tmv_t rx_ts, const struct bc_addr *src, int64_t now,
	       struct bc_actions *out)
{
	struct port *p = get_port(bc, port);

	if (!p || !buf)
		return -EINVAL;
	return port_rx(p, buf, len, rx_ts, src, now, out);
}

int bc_port_tx_ts(struct bc *bc, int port, uint32_t token, tmv_t tx_ts,
		  int64_t now, struct bc_actions *out)
{
	struct port *p = get_port(bc, port);

	return p ? port_tx_ts(p, token, tx_ts, now, out) : -EINVAL;
}

int bc_port_timer(struct bc *bc, int port, int timer, int64_t now,
		  struct bc_actions *out)
{
	struct port *p = get_port(bc, port);

	if (!p || timer < 0 || timer >= BC_TMR_PER_PORT)
		return -EINVAL;
	if (bc_timer_slot(timer) == 0)
		return port_timer(p, bc_timer_kind(timer), now, out);
	return port_peer_timer(p, bc_timer_slot(timer) - 1,
			       bc_timer_kind(timer), now, out);
}

int bc_port_link(struct bc *bc, int port, bool up, int64_t now,
		 struct bc_actions *out)
{
	struct port *p = get_port(bc, port);

	if (!p)
		return -EINVAL;
	if (p->link_up == up)
		return 0;
	p->link_up = up;
	clock_log_port(p, CM_LOG_NOTICE, "link %s", up ? "up" : "down");
	bc->sd_due = true;
	if (!up) {
		port_note_fault(p, BC_FAULT_LINK_DOWN, 0, now);
		port_dispatch(p, BC_EV_FAULT_DETECTED, now, out);
	} else if (p->ds.port_state == PS_FAULTY) {
		port_dispatch(p, BC_EV_FAULT_CLEARED, now, out);
	} else if (p->ds.port_state == PS_INITIALIZING) {
		port_dispatch(p, BC_EV_INIT_COMPLETE, now, out);
	}
	return 0;
}

int bc_port_fault_why(struct bc *bc, int port, enum bc_fault why, int err,
		      int64_t now, struct bc_actions *out)
{
	struct port *p = get_port(bc, port);

	if (!p || (unsigned)why >= BC_FAULT_COUNT || why == BC_FAULT_NONE)
		return -EINVAL;
	p->cnt.faults++;
	bc->sd_due = true;
	port_note_fault(p, why, err, now);
	port_dispatch(p, BC_EV_FAULT_DETECTED, now, out);
	return 0;
}

int bc_port_fault(struct bc *bc, int port, int64_t now,
		  struct bc_actions *out)
{
	return bc_port_fault_why(bc, port, BC_FAULT_PLATFORM, 0, now, out);
}

const struct bc_port_status *bc_port_status(const struct bc *bc, int port)
{
	if (!bc || port < 0 || port >= bc->nports || !bc->ports[port].present)
		return NULL;
	return &bc->ports[port].st;
}

const char *bc_fault_name(enum bc_fault f)
{
	static const char *const names[BC_FAULT_COUNT] = {
		[BC_FAULT_NONE] = "none",
		[BC_FAULT_LINK_DOWN] = "link_down",
		[BC_FAULT_SEND] = "send_failed",
		[BC_FAULT_TX_TIMESTAMP] = "tx_timestamp_timeout",
		[BC_FAULT_PLATFORM] = "platform",
		[BC_FAULT_PEER_NETWORK] = "bad_peer_network",
	};

	return (unsigned)f < BC_FAULT_COUNT ? names[f] : "unknown";
}

int bc_port_delay_req_at(struct bc *bc, int port, int64_t at_ns, int64_t now,
			 struct bc_actions *out)
{
	struct port *p = get_port(bc, port);

	return p && out ? port_delay_req_at(p, at_ns, now, out) : -EINVAL;
}

int bc_clock_stepped(struct bc *bc, int clock, int64_t step_ns,
		     struct bc_actions *out)
{
	(void)out;
	if (!bc || clock < 0 || clock >= BC_MAX_CLOCKS)
		return -EINVAL;
	bc->cnt.clock_steps++;
	for (int i = 0; i < bc->nports; i++) {
		if (bc->ports[i].cfg.clock == clock)
			port_stepped(&bc->ports[i], step_ns);
	}
	return 0;
}

int bc_set_clock_quality(struct bc *bc, const struct clock_quality *q,
			 int64_t now, struct bc_actions *out)
{
	(void)now;
	(void)out;
	if (!bc || !q)
		return -EINVAL;
	if (bc->dds.slave_only && q->clock_class != 255)
		return -EPERM;
	bc->dds.clock_quality = *q;
	if (clock_identity_eq(&bc->parent.grandmaster_identity,
			      &bc->dds.clock_identity))
		bc->parent.grandmaster_clock_quality = *q;
	bc->sd_due = true;
	return 0;
}

int bc_servo_state(struct bc *bc, enum bc_servo_state st, int64_t now,
		   struct bc_actions *out)
{
	struct port *p = get_port(bc, bc->slave_port);

	if (!p)
		return 0;
	if (st == BC_SERVO_LOCKED && p->ds.port_state == PS_UNCALIBRATED)
		port_dispatch(p, BC_EV_MASTER_CLOCK_SELECTED, now, out);
	else if (st == BC_SERVO_UNLOCKED && p->ds.port_state == PS_SLAVE)
		port_dispatch(p, BC_EV_SYNCHRONIZATION_FAULT, now, out);
	return 0;
}

/* ---- getters ---- */

int bc_nports(const struct bc *bc)
{
	return bc->nports;
}

const char *bc_port_name(const struct bc *bc, int port)
{
	return port >= 0 && port < bc->nports ? bc->ports[port].cfg.name
					      : NULL;
}

const struct default_ds *bc_default_ds(const struct bc *bc)
{
	return &bc->dds;
}

const struct current_ds *bc_current_ds(const struct bc *bc)
{
	return &bc->cur;
}

const struct parent_ds *bc_parent_ds(const struct bc *bc)
{
	return &bc->parent;
}

const struct time_properties_ds *bc_time_properties_ds(const struct bc *bc)
{
	return &bc->tp;
}

const struct port_ds *bc_port_ds(const struct bc *bc, int port)
{
	return port >= 0 && port < bc->nports ? &bc->ports[port].ds : NULL;
}

const struct bc_port_counters *bc_port_counters(const struct bc *bc,
						int port)
{
	return port >= 0 && port < bc->nports ? &bc->ports[port].cnt : NULL;
}

const struct bc_clock_counters *bc_clock_counters(const struct bc *bc)
{
	return &bc->cnt;
}

int bc_slave_port(const struct bc *bc)
{
	return bc->slave_port;
}

void bc_set_servo_status(struct bc *bc, const struct bc_servo_status *st)
{
	bc->servo = *st;
}

const struct clock_quality *bc_configured_clock_quality(const struct bc *bc)
{
	return &bc->cfg.clock_quality;
}

const struct bc_servo_status *bc_get_servo_status(const struct bc *bc)
{
	return &bc->servo;
}

bool bc_state_decision_due(const struct bc *bc)
{
	return bc->sd_due || bc->sd_next >= 0;
}
