/*
 * bc/mgmt_ids.c — the managementId table: for every ID hvptp knows, its
 * scope (clock or port), the actions the standard allows, and how hvptp
 * answers a GET and applies a SET.  Data layouts are linuxptp's (ds.h,
 * tlv.h of linuxptp 3.x/4.x), which pmc decodes: big-endian everywhere
 * except PORT_STATS_NP's counters, which linuxptp sends little-endian.
 */
#include <string.h>
#include <strings.h>

#include "bc/internal.h"
#include "bc/tlv.h"

/* ---- encoding helpers ---- */

void mgmt_put_text(struct wire_writer *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	if (n > 255)
		n = 255;
	wire_put_u8(w, (uint8_t)n);
	wire_put_bytes(w, s, n);
}

void mgmt_put_time_interval(struct wire_writer *w, int64_t ns)
{
	const int64_t lim = INT64_MAX / 65536;

	if (ns > lim)
		ns = lim;
	else if (ns < -lim)
		ns = -lim;
	wire_put_i64(w, ns * 65536);
}

static void put_datum(struct wire_writer *w, uint8_t v)
{
	wire_put_u8(w, v);
	wire_put_u8(w, 0); /* reserved */
}

static void put_u64_le(struct wire_writer *w, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		wire_put_u8(w, (uint8_t)(v >> (8 * i)));
}

/* ---- clock-wide GETs ---- */

static void get_user_description(const struct bc *bc, int port,
				 struct wire_writer *w)
{
	(void)port;
	mgmt_put_text(w, bc->cfg.user_description, MGMT_USER_DESC_MAX);
}

/* defaultDS: flags (bit 0 twoStep, bit 1 slaveOnly), reserved,
 * numberPorts, priority1, clockQuality, priority2, clockIdentity,
 * domainNumber, reserved. */
static void get_default_ds(const struct bc *bc, int port,
			   struct wire_writer *w)
{
	const struct default_ds *d = &bc->dds;

	(void)port;
	wire_put_u8(w, (uint8_t)((d->two_step_flag ? 1 : 0) |
				 (d->slave_only ? 2 : 0)));
	wire_put_u8(w, 0);
	wire_put_u16(w, d->number_ports);
	wire_put_u8(w, d->priority1);
	wire_put_clock_quality(w, &d->clock_quality);
	wire_put_u8(w, d->priority2);
	wire_put_clock_identity(w, &d->clock_identity);
	wire_put_u8(w, d->domain_number);
	wire_put_u8(w, 0);
}

static void get_current_ds(const struct bc *bc, int port,
			   struct wire_writer *w)
{
	(void)port;
	wire_put_u16(w, bc->cur.steps_removed);
	mgmt_put_time_interval(w, bc->cur.offset_from_master_ns);
	mgmt_put_time_interval(w, bc->cur.mean_path_delay_ns);
}

static void get_parent_ds(const struct bc *bc, int port, struct wire_writer *w)
{
	const struct parent_ds *p = &bc->parent;

	(void)port;
	wire_put_port_identity(w, &p->parent_port_identity);
	wire_put_u8(w, p->parent_stats ? 1 : 0);
	wire_put_u8(w, 0);
	wire_put_u16(w, p->observed_parent_offset_scaled_log_variance);
	wire_put_u32(w, (uint32_t)p->observed_parent_clock_phase_change_rate);
	wire_put_u8(w, p->grandmaster_priority1);
	wire_put_clock_quality(w, &p->grandmaster_clock_quality);
	wire_put_u8(w, p->grandmaster_priority2);
	wire_put_clock_identity(w, &p->grandmaster_identity);
}

static uint8_t tp_flags(const struct bc *bc)
{
	return (uint8_t)(ds_time_properties_flags(&bc->tp) & 0xFF);
}

static void get_time_properties_ds(const struct bc *bc, int port,
				   struct wire_writer *w)
{
	(void)port;
	wire_put_i16(w, bc->tp.current_utc_offset);
	wire_put_u8(w, tp_flags(bc));
	wire_put_u8(w, bc->tp.time_source);
}

static void get_priority1(const struct bc *bc, int port, struct wire_writer *w)
{
	(void)port;
	put_datum(w, bc->dds.priority1);
}

static void get_priority2(const struct bc *bc, int port, struct wire_writer *w)
{
	(void)port;
	put_datum(w, bc->dds.priority2);
}

static void get_domain(const struct bc *bc, int port, struct wire_writer *w)
{
	(void)port;
	put_datum(w, bc->dds.domain_number);
}

static void get_slave_only(const struct bc *bc, int port,
			   struct wire_writer *w)
{
	(void)port;
	put_datum(w, bc->dds.slave_only ? 1 : 0);
}

static void get_clock_accuracy(const struct bc *bc, int port,
			       struct wire_writer *w)
{
	(void)port;
	put_datum(w, bc->dds.clock_quality.clock_accuracy);
}

static void get_traceability(const struct bc *bc, int port,
			     struct wire_writer *w)
{
	(void)port;
	put_datum(w, tp_flags(bc) & (PTP_FLAG_TIME_TRACEABLE |
				     PTP_FLAG_FREQ_TRACEABLE));
}

static void get_timescale(const struct bc *bc, int port,
			  struct wire_writer *w)
{
	(void)port;
	put_datum(w, tp_flags(bc) & PTP_FLAG_PTP_TIMESCALE);
}

/* TIME_STATUS_NP: master_offset and ingress_time (ns), then the 802.1AS
 * follow-up information hvptp does not receive (zero), gmPresent and
 * gmIdentity. */
static void get_time_status_np(const struct bc *bc, int port,
			       struct wire_writer *w)
{
	const struct bc_servo_status *st = &bc->servo;
	bool gm_present = !clock_identity_eq(&bc->parent.grandmaster_identity,
					     &bc->dds.clock_identity);
	int64_t ingress = 0;

	(void)port;
	if (st->valid && bc->slave_port >= 0)
		ingress = tmv_to_ns(st->ingress);
	wire_put_i64(w, bc->cur.offset_from_master_ns);
	wire_put_i64(w, ingress);
	wire_put_u32(w, 0); /* cumulativeScaledRateOffset */
	wire_put_u32(w, 0); /* scaledLastGmPhaseChange */
	wire_put_u16(w, 0); /* gmTimeBaseIndicator */
	wire_put_zeros(w, 12); /* lastGmPhaseChange (ScaledNs) */
	wire_put_u32(w, gm_present ? 1 : 0);
	wire_put_clock_identity(w, &bc->parent.grandmaster_identity);
}

/* The timePropertiesDS flags this clock announces as grandmaster. */
static uint8_t gm_time_flags(const struct bc *bc)
{
	const struct bc_clock_cfg *c = &bc->cfg;
	uint8_t f = bc->mgmt.gm_leap_flags;

	if (c->utc_offset_valid)
		f |= PTP_FLAG_UTC_OFFSET_VALID;
	if (c->ptp_timescale && !c->gm_clock_is_utc)
		f |= PTP_FLAG_PTP_TIMESCALE;
	if (c->time_traceable)
		f |= PTP_FLAG_TIME_TRACEABLE;
	if (c->frequency_traceable)
		f |= PTP_FLAG_FREQ_TRACEABLE;
	return f;
}

static void get_gm_settings_np(const struct bc *bc, int port,
			       struct wire_writer *w)
{
	(void)port;
	wire_put_clock_quality(w, &bc->dds.clock_quality);
	wire_put_i16(w, bc->cfg.utc_offset);
	wire_put_u8(w, gm_time_flags(bc));
	wire_put_u8(w, bc->cfg.time_source);
}

/* A double scaled by 2^16 (x * 65536, rounded), saturated to what an
 * int64 holds; NaN is 0.  No libm: the core stays pure. */
int64_t mgmt_scale16(double x)
{
	const double lim = 9.0e18;
	double v = x * 65536.0;

	if (v != v)
		return 0;
	if (v > lim)
		return (int64_t)lim;
	if (v < -lim)
		return -(int64_t)lim;
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

/* HVPTP_SERVO_STATUS_NP: what the discipline last reported (bc/mgmt.h). */
static void get_servo_status_np(const struct bc *bc, int port,
				struct wire_writer *w)
{
	const struct bc_servo_status *st = &bc->servo;
	bool te_known = st->te_estimate_ns >= 0.0;
	uint8_t flags = 0;

	(void)port;
	if (st->valid)
		flags |= BC_MGMT_SERVO_VALID;
	if (st->holdover)
		flags |= BC_MGMT_SERVO_HOLDOVER;
	if (te_known)
		flags |= BC_MGMT_SERVO_TE_KNOWN;
	wire_put_u8(w, flags);
	wire_put_u8(w, st->state >= 0 && st->state < 0xFF ? (uint8_t)st->state
							  : 0xFF);
	mgmt_put_time_interval(w, st->offset_ns);
	mgmt_put_time_interval(w, st->path_delay_ns);
	wire_put_i64(w, mgmt_scale16(st->freq_ppb));
	wire_put_i64(w, te_known ? mgmt_scale16(st->te_estimate_ns) : 0);
	wire_put_u64(w, st->steps);
	wire_put_u64(w, st->at_ns > 0 ? (uint64_t)st->at_ns : 0);
	wire_put_u64(w, st->locked_since_ns > 0 ? (uint64_t)st->locked_since_ns
						: 0);
	wire_put_u64(w, st->state_since_ns > 0 ? (uint64_t)st->state_since_ns
					       : 0);
	mgmt_put_servo_window(w, &st->win);
}

/* ---- clock-wide SETs ---- */

static uint16_t set_priority(struct bc *bc, uint8_t *field, uint8_t *cfg,
			     const char *name, uint8_t v)
{
	if (*field != v)
		cm_log(CM_LOG_NOTICE, "management: %s %u -> %u", name, *field,
		       v);
	*field = v;
	*cfg = v;
	bc->sd_due = true; /* re-run the BMCA; parentDS follows when GM */
	return 0;
}

static uint16_t set_priority1(struct bc *bc, int port, struct wire_reader *r)
{
	(void)port;
	return set_priority(bc, &bc->dds.priority1, &bc->cfg.priority1,
			    "priority1", wire_get_u8(r));
}

static uint16_t set_priority2(struct bc *bc, int port, struct wire_reader *r)
{
	(void)port;
	return set_priority(bc, &bc->dds.priority2, &bc->cfg.priority2,
			    "priority2", wire_get_u8(r));
}

/* What this clock announces when it is the grandmaster; applied at the
 * next state decision (clock_set_own_parent reads the configuration).  The
 * leap flags are kept and reported, but not announced yet. */
static uint16_t set_gm_settings_np(struct bc *bc, int port,
				   struct wire_reader *r)
{
	struct bc_clock_cfg *c = &bc->cfg;
	struct clock_quality q = wire_get_clock_quality(r);
	int16_t utc = wire_get_i16(r);
	uint8_t flags = wire_get_u8(r);
	uint8_t src = wire_get_u8(r);

	(void)port;
	/* a slave-only clock stays class 255 (7.6.2.5) */
	if (bc_set_clock_quality(bc, &q, 0, NULL) < 0)
		return TLV_MGMT_ERR_WRONG_VALUE;
	c->clock_quality = q;
	c->utc_offset = utc;
	c->utc_offset_valid = flags & PTP_FLAG_UTC_OFFSET_VALID;
	c->ptp_timescale = flags & PTP_FLAG_PTP_TIMESCALE;
	c->time_traceable = flags & PTP_FLAG_TIME_TRACEABLE;
	c->frequency_traceable = flags & PTP_FLAG_FREQ_TRACEABLE;
	c->time_source = src;
	bc->mgmt.gm_leap_flags = flags & (PTP_FLAG_LEAP61 | PTP_FLAG_LEAP59);
	cm_log(CM_LOG_NOTICE, "management: grandmaster settings: class %u "
	       "accuracy 0x%02x variance 0x%04x utc offset %d flags 0x%02x "
	       "source 0x%02x", q.clock_class, q.clock_accuracy,
	       q.offset_scaled_log_variance, utc, flags, src);
	bc->sd_due = true;
	return 0;
}

/* ---- per-port GETs ---- */

static void mgmt_get_null(const struct bc *bc, int port, struct wire_writer *w)
{
	(void)bc;
	(void)port;
	(void)w;
}

static const struct port *mport(const struct bc *bc, int port)
{
	return &bc->ports[port];
}

/* linuxptp's profileIdentity values: delay request-response default
 * profile, peer-to-peer default profile. */
static const uint8_t profile_e2e[6] = { 0x00, 0x1B, 0x19, 0x00, 0x01, 0x00 };
static const uint8_t profile_p2p[6] = { 0x00, 0x1B, 0x19, 0x00, 0x02, 0x00 };

#define CLOCK_TYPE_ORDINARY 0x8000
#define CLOCK_TYPE_BOUNDARY 0x4000
#define NETWORK_PROTOCOL_UDP_IPV4 1

static void put_addresses(const struct mgmt_port_data *pd,
			  struct wire_writer *w)
{
	/* physicalAddress */
	wire_put_u16(w, pd->have_mac ? 6 : 0);
	if (pd->have_mac)
		wire_put_bytes(w, pd->mac, 6);
	/* protocolAddress */
	if (pd->protocol) {
		wire_put_u16(w, pd->protocol);
		wire_put_u16(w, pd->plen);
		wire_put_bytes(w, pd->paddr, pd->plen);
		return;
	}
	wire_put_u16(w, NETWORK_PROTOCOL_UDP_IPV4);
	wire_put_u16(w, pd->have_ipv4 ? 4 : 0);
	if (pd->have_ipv4)
		wire_put_bytes(w, pd->ipv4, 4);
}

/* CLOCK_DESCRIPTION (15.5.3.1.2): clockType, physicalLayerProtocol,
 * physicalAddress, protocolAddress, manufacturerIdentity + reserved,
 * productDescription, revisionData, userDescription, profileIdentity. */
static void mgmt_get_clock_description(const struct bc *bc, int port,
				       struct wire_writer *w)
{
	const struct mgmt_data *md = &bc->mgmt;
	const struct port *p = mport(bc, port);

	wire_put_u16(w, bc->nports > 1 ? CLOCK_TYPE_BOUNDARY
				       : CLOCK_TYPE_ORDINARY);
	mgmt_put_text(w, "IEEE 802.3", 16);
	put_addresses(&md->port[port], w);
	wire_put_bytes(w, md->oui, 3);
	wire_put_u8(w, 0);
	mgmt_put_text(w, md->have_product ? md->product : MGMT_DEFAULT_PRODUCT,
		      MGMT_PRODUCT_MAX);
	mgmt_put_text(w, md->have_revision ? md->revision
					   : MGMT_DEFAULT_REVISION,
		      MGMT_REVISION_MAX);
	mgmt_put_text(w, bc->cfg.user_description, MGMT_USER_DESC_MAX);
	wire_put_bytes(w, p->ds.delay_mechanism == DM_P2P ? profile_p2p
							 : profile_e2e, 6);
}

/* portDS: portIdentity, portState, logMinDelayReqInterval,
 * peerMeanPathDelay, logAnnounceInterval, announceReceiptTimeout,
 * logSyncInterval, delayMechanism, logMinPdelayReqInterval, versionNumber
 * (major version in the low nibble). */
static void get_port_ds(const struct bc *bc, int port, struct wire_writer *w)
{
	const struct port_ds *d = &mport(bc, port)->ds;

	wire_put_port_identity(w, &d->port_identity);
	wire_put_u8(w, (uint8_t)d->port_state);
	wire_put_i8(w, d->log_min_delay_req_interval);
	mgmt_put_time_interval(w, d->mean_link_delay_ns);
	wire_put_i8(w, d->log_announce_interval);
	wire_put_u8(w, d->announce_receipt_timeout);
	wire_put_i8(w, d->log_sync_interval);
	wire_put_u8(w, (uint8_t)d->delay_mechanism);
	wire_put_i8(w, d->log_min_pdelay_req_interval);
	wire_put_u8(w, d->version_number & 0x0F);
}

static void get_log_announce_interval(const struct bc *bc, int port,
				      struct wire_writer *w)
{
	put_datum(w, (uint8_t)mport(bc, port)->ds.log_announce_interval);
}

static void get_announce_receipt_timeout(const struct bc *bc, int port,
					 struct wire_writer *w)
{
	put_datum(w, mport(bc, port)->ds.announce_receipt_timeout);
}

static void get_log_sync_interval(const struct bc *bc, int port,
				  struct wire_writer *w)
{
	put_datum(w, (uint8_t)mport(bc, port)->ds.log_sync_interval);
}

static void get_version_number(const struct bc *bc, int port,
			       struct wire_writer *w)
{
	put_datum(w, mport(bc, port)->ds.version_number & 0x0F);
}

static void get_delay_mechanism(const struct bc *bc, int port,
				struct wire_writer *w)
{
	put_datum(w, (uint8_t)mport(bc, port)->ds.delay_mechanism);
}

static void get_log_min_pdelay(const struct bc *bc, int port,
			       struct wire_writer *w)
{
	put_datum(w, (uint8_t)mport(bc, port)->ds.log_min_pdelay_req_interval);
}

static void get_master_only(const struct bc *bc, int port,
			    struct wire_writer *w)
{
	put_datum(w, mport(bc, port)->ds.master_only ? 1 : 0);
}

/* PORT_DATA_SET_NP: neighborPropDelayThresh (ns), asCapable.  An IEEE 1588
 * port is always capable (as in linuxptp, where asCapable only moves for
 * 802.1AS ports). */
static void get_port_ds_np(const struct bc *bc, int port,
			   struct wire_writer *w)
{
	const struct mgmt_port_data *pd = &bc->mgmt.port[port];

	wire_put_u32(w, pd->thresh_set ? pd->neighbor_prop_delay_thresh
				       : MGMT_DEFAULT_NEIGHBOR_THRESH);
	wire_put_u32(w, 1);
}

/* PORT_PROPERTIES_NP: portIdentity, portState, timestamping (linuxptp's
 * TS_SOFTWARE 0, TS_HARDWARE 1), interface name. */
static void get_port_properties_np(const struct bc *bc, int port,
				   struct wire_writer *w)
{
	const struct port *p = mport(bc, port);

	wire_put_port_identity(w, &p->ds.port_identity);
	wire_put_u8(w, (uint8_t)p->ds.port_state);
	wire_put_u8(w, p->cfg.hw_timestamping ? 1 : 0);
	mgmt_put_text(w, p->cfg.name, BC_PORT_NAME_LEN);
}

/* PORT_STATS_NP: portIdentity, then 16 rx and 16 tx counters by
 * messageType, little-endian u64 as linuxptp sends them.  rx counts as
 * ptp4l does: every message that parsed, used or not. */
static void get_port_stats_np(const struct bc *bc, int port,
			      struct wire_writer *w)
{
	const struct port *p = mport(bc, port);

	wire_put_port_identity(w, &p->ds.port_identity);
	for (int i = 0; i < PTP_MSG_TYPE_COUNT; i++)
		put_u64_le(w, p->cnt.rx_parsed[i]);
	for (int i = 0; i < PTP_MSG_TYPE_COUNT; i++)
		put_u64_le(w, p->cnt.tx[i]);
}

/* HVPTP_PORT_DROPS_NP: the port's failure counters and its drops per
 * reason (bc/mgmt.h). */
static void get_port_drops_np(const struct bc *bc, int port,
			      struct wire_writer *w)
{
	const struct port *p = mport(bc, port);

	wire_put_port_identity(w, &p->ds.port_identity);
	wire_put_u64(w, p->cnt.tx_ts_timeouts);
	wire_put_u64(w, p->cnt.announce_timeouts);
	wire_put_u64(w, p->cnt.sync_timeouts);
	wire_put_u64(w, p->cnt.faults);
	wire_put_u16(w, BC_DROP_COUNT - 1);
	for (int i = 1; i < BC_DROP_COUNT; i++)
		wire_put_u64(w, p->cnt.drop[i]);
}

/* ---- per-port SETs ---- */

/* Stored and reported, as linuxptp does; asCapable is not settable. */
static uint16_t set_port_ds_np(struct bc *bc, int port, struct wire_reader *r)
{
	struct mgmt_port_data *pd = &bc->mgmt.port[port];

	pd->neighbor_prop_delay_thresh = wire_get_u32(r);
	pd->thresh_set = true;
	return 0;
}

/* MASTER_ONLY (15.5.3.7.17): portDS.masterOnly, as serverOnly in the
 * configuration; refused on a slave-only clock, whose ports cannot be
 * masters (the configuration refuses the same). */
static uint16_t set_master_only(struct bc *bc, int port, struct wire_reader *r)
{
	bool on = wire_get_u8(r) & 1;

	if (on && bc->dds.slave_only)
		return TLV_MGMT_ERR_WRONG_VALUE;
	clock_port_master_only(&bc->ports[port], on);
	return 0;
}

/* ACCEPTABLE_MASTER_TABLE_ENABLED (15.5.3.7.16): a port's
 * acceptable_master_table_enabled.  Turned on, the Announces of masters
 * outside the table are dropped from then on and those recorded are
 * forgotten (the BMCA runs again); refused while the table is empty (the
 * port would take no master; the configuration refuses it too). */
static void get_amt_enabled(const struct bc *bc, int port,
			    struct wire_writer *w)
{
	put_datum(w, mport(bc, port)->cfg.acceptable_master_only ? 1 : 0);
}

static uint16_t set_amt_enabled(struct bc *bc, int port, struct wire_reader *r)
{
	struct port *p = &bc->ports[port];
	bool on = wire_get_u8(r) & 1;

	if (on && bc->cfg.n_acceptable == 0)
		return TLV_MGMT_ERR_WRONG_VALUE;
	if (on && !p->cfg.acceptable_master_only) {
		fm_clear(&p->fm);
		p->erbest = NULL;
	}
	p->cfg.acceptable_master_only = on;
	bc->sd_due = true;
	return 0;
}

/* ACCEPTABLE_MASTER_MAX_TABLE_SIZE (15.5.3.7.15). */
static void get_amt_max(const struct bc *bc, int port, struct wire_writer *w)
{
	(void)bc;
	(void)port;
	wire_put_u16(w, BC_MAX_ACCEPTABLE);
}

/* ---- the table ---- */

#define C MGMT_CLOCK
#define P MGMT_PORT
#define G MGMT_A_GET
#define S MGMT_A_SET
#define X MGMT_A_CMD
#define ID(v) BC_MID_##v, #v

/* ---- COMMANDs ---- */

void mgmt_get_empty(const struct bc *bc, int port, struct wire_writer *w)
{
	(void)bc;
	(void)port;
	(void)w;
}

/* DISABLE_PORT / ENABLE_PORT (15.5.3.2.x): the port's DESIGNATED_DISABLED
 * or DESIGNATED_ENABLED event; its timers and state change go out as
 * actions with the acknowledgement, and a state decision follows. */
static uint16_t port_designated(struct bc *bc, int port, bool enable,
				int64_t now, struct bc_actions *out)
{
	struct port *p = &bc->ports[port];
	bool disabled = p->ds.port_state == PS_DISABLED;

	if (enable != disabled)
		return 0; /* already so */
	clock_log_port(p, CM_LOG_NOTICE, "%s by management",
		       enable ? "enabled" : "disabled");
	port_dispatch(p, enable ? BC_EV_DESIGNATED_ENABLED
				: BC_EV_DESIGNATED_DISABLED,
		      now, out);
	if (enable)
		port_dispatch(p, BC_EV_INIT_COMPLETE, now, out);
	bc->sd_due = true;
	return 0;
}

static uint16_t cmd_enable_port(struct bc *bc, int port, int64_t now,
				struct bc_actions *out)
{
	return port_designated(bc, port, true, now, out);
}

static uint16_t cmd_disable_port(struct bc *bc, int port, int64_t now,
				 struct bc_actions *out)
{
	return port_designated(bc, port, false, now, out);
}

static const struct {
	uint16_t id;
	mgmt_cmd_fn fn;
} mgmt_cmds[] = {
	{ BC_MID_ENABLE_PORT, cmd_enable_port },
	{ BC_MID_DISABLE_PORT, cmd_disable_port },
};

mgmt_cmd_fn mgmt_cmd_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(mgmt_cmds) / sizeof(mgmt_cmds[0]); i++) {
		if (mgmt_cmds[i].id == id)
			return mgmt_cmds[i].fn;
	}
	return NULL;
}

static const struct mgmt_id_desc mgmt_ids[] = {
	{ ID(NULL_MANAGEMENT), P, G | S | X, mgmt_get_null, NULL, 0 },
	{ ID(CLOCK_DESCRIPTION), P, G, mgmt_get_clock_description, NULL, 0 },
	{ ID(USER_DESCRIPTION), C, G | S, get_user_description, NULL, 0 },
	{ ID(SAVE_IN_NON_VOLATILE_STORAGE), C, X, NULL, NULL, 0 },
	{ ID(RESET_NON_VOLATILE_STORAGE), C, X, NULL, NULL, 0 },
	{ ID(INITIALIZE), C, X, NULL, NULL, 0 },
	{ ID(FAULT_LOG), C, G, NULL, NULL, 0 },
	{ ID(FAULT_LOG_RESET), C, X, NULL, NULL, 0 },
	{ ID(DEFAULT_DATA_SET), C, G, get_default_ds, NULL, 0 },
	{ ID(CURRENT_DATA_SET), C, G, get_current_ds, NULL, 0 },
	{ ID(PARENT_DATA_SET), C, G, get_parent_ds, NULL, 0 },
	{ ID(TIME_PROPERTIES_DATA_SET), C, G, get_time_properties_ds, NULL,
	  0 },
	{ ID(PORT_DATA_SET), P, G, get_port_ds, NULL, 0 },
	{ ID(PRIORITY1), C, G | S, get_priority1, set_priority1,
	  BC_MGMT_DATUM_LEN },
	{ ID(PRIORITY2), C, G | S, get_priority2, set_priority2,
	  BC_MGMT_DATUM_LEN },
	{ ID(DOMAIN), C, G | S, get_domain, NULL, 0 },
	{ ID(SLAVE_ONLY), C, G | S, get_slave_only, NULL, 0 },
	{ ID(LOG_ANNOUNCE_INTERVAL), P, G | S, get_log_announce_interval,
	  NULL, 0 },
	{ ID(ANNOUNCE_RECEIPT_TIMEOUT), P, G | S, get_announce_receipt_timeout,
	  NULL, 0 },
	{ ID(LOG_SYNC_INTERVAL), P, G | S, get_log_sync_interval, NULL, 0 },
	{ ID(VERSION_NUMBER), P, G | S, get_version_number, NULL, 0 },
	{ ID(ENABLE_PORT), P, X, NULL, NULL, 0 },
	{ ID(DISABLE_PORT), P, X, NULL, NULL, 0 },
	{ ID(TIME), C, G | S, NULL, NULL, 0 },
	{ ID(CLOCK_ACCURACY), C, G | S, get_clock_accuracy, NULL, 0 },
	{ ID(UTC_PROPERTIES), C, G | S, NULL, NULL, 0 },
	{ ID(TRACEABILITY_PROPERTIES), C, G | S, get_traceability, NULL, 0 },
	{ ID(TIMESCALE_PROPERTIES), C, G | S, get_timescale, NULL, 0 },
	{ ID(UNICAST_NEGOTIATION_ENABLE), P, G | S, NULL, NULL, 0 },
	{ ID(PATH_TRACE_LIST), C, G, mgmt_get_path_trace_list, NULL, 0 },
	{ ID(PATH_TRACE_ENABLE), C, G | S, NULL, NULL, 0 },
	{ ID(GRANDMASTER_CLUSTER_TABLE), C, G | S, NULL, NULL, 0 },
	{ ID(UNICAST_MASTER_TABLE), P, G | S, NULL, NULL, 0 },
	{ ID(UNICAST_MASTER_MAX_TABLE_SIZE), P, G, NULL, NULL, 0 },
	{ ID(ACCEPTABLE_MASTER_TABLE), C, G | S, NULL, NULL, 0 },
	{ ID(ACCEPTABLE_MASTER_TABLE_ENABLED), P, G | S, get_amt_enabled,
	  set_amt_enabled, BC_MGMT_DATUM_LEN },
	{ ID(ACCEPTABLE_MASTER_MAX_TABLE_SIZE), C, G, get_amt_max, NULL, 0 },
	{ ID(ALTERNATE_MASTER), P, G | S, NULL, NULL, 0 },
	{ ID(ALTERNATE_TIME_OFFSET_ENABLE), C, G | S, mgmt_get_ato_enable,
	  mgmt_set_ato_enable, BC_MGMT_DATUM_LEN },
	{ ID(ALTERNATE_TIME_OFFSET_NAME), C, G | S, mgmt_get_ato_name,
	  mgmt_set_ato_name, MGMT_SET_VARLEN },
	{ ID(ALTERNATE_TIME_OFFSET_MAX_KEY), C, G, NULL, NULL, 0 },
	{ ID(ALTERNATE_TIME_OFFSET_PROPERTIES), C, G | S,
	  mgmt_get_ato_properties, mgmt_set_ato_properties,
	  BC_MGMT_ATO_PROPERTIES_LEN },
	{ ID(EXTERNAL_PORT_CONFIGURATION_ENABLED), C, G | S, NULL, NULL, 0 },
	{ ID(MASTER_ONLY), P, G | S, get_master_only, set_master_only,
	  BC_MGMT_DATUM_LEN },
	{ ID(HOLDOVER_UPGRADE_ENABLE), C, G | S, NULL, NULL, 0 },
	{ ID(EXT_PORT_CONFIG_PORT_DATA_SET), P, G | S, NULL, NULL, 0 },
	{ ID(TRANSPARENT_CLOCK_DEFAULT_DATA_SET), C, G, NULL, NULL, 0 },
	{ ID(TRANSPARENT_CLOCK_PORT_DATA_SET), P, G, NULL, NULL, 0 },
	{ ID(PRIMARY_DOMAIN), C, G | S, NULL, NULL, 0 },
	{ ID(DELAY_MECHANISM), P, G | S, get_delay_mechanism, NULL, 0 },
	{ ID(LOG_MIN_PDELAY_REQ_INTERVAL), P, G | S, get_log_min_pdelay, NULL,
	  0 },
	{ ID(TIME_STATUS_NP), C, G, get_time_status_np, NULL, 0 },
	{ ID(GRANDMASTER_SETTINGS_NP), C, G | S, get_gm_settings_np,
	  set_gm_settings_np, BC_MGMT_GM_SETTINGS_NP_LEN },
	{ ID(PORT_DATA_SET_NP), P, G | S, get_port_ds_np, set_port_ds_np,
	  BC_MGMT_PORT_DS_NP_LEN },
	/* answered by the program (the subscriber's address is its) */
	{ ID(SUBSCRIBE_EVENTS_NP), C, G | S, NULL, NULL, 0 },
	{ ID(PORT_PROPERTIES_NP), P, G, get_port_properties_np, NULL, 0 },
	{ ID(PORT_STATS_NP), P, G, get_port_stats_np, NULL, 0 },
	{ ID(SYNCHRONIZATION_UNCERTAIN_NP), C, G | S, mgmt_get_sync_uncertain,
	  mgmt_set_sync_uncertain, BC_MGMT_DATUM_LEN },
	{ ID(PORT_SERVICE_STATS_NP), P, G, mgmt_get_port_service_stats, NULL,
	  0 },
	{ ID(UNICAST_MASTER_TABLE_NP), P, G, mgmt_get_uc_master_table_np,
	  NULL, 0 },
	{ ID(PORT_HWCLOCK_NP), P, G, mgmt_get_port_hwclock_np, NULL, 0 },
	{ ID(POWER_PROFILE_SETTINGS_NP), P, G | S, mgmt_get_power_profile,
	  mgmt_set_power_profile, BC_MGMT_POWER_PROFILE_NP_LEN },
	{ ID(CMLDS_INFO_NP), P, G, mgmt_get_cmlds_info, NULL, 0 },
	/* hvptp's own */
	{ ID(HVPTP_SERVO_STATUS_NP), C, G, get_servo_status_np, NULL, 0 },
	{ ID(HVPTP_PORT_DROPS_NP), P, G, get_port_drops_np, NULL, 0 },
	{ ID(HVPTP_CLOCKS_NP), C, G, mgmt_get_clocks_np, NULL, 0 },
	{ ID(HVPTP_HOST_NP), C, G, mgmt_get_host_np, NULL, 0 },
	{ ID(HVPTP_FEEDS_NP), C, G, mgmt_get_feeds_np, NULL, 0 },
	/* answered by the program (it reads its configuration) */
	{ ID(HVPTP_RELOAD_NP), C, X, NULL, NULL, 0 },
	{ ID(HVPTP_PORT_STATUS_NP), P, G, mgmt_get_port_status_np, NULL, 0 },
	{ ID(HVPTP_LOCK_HISTORY_NP), C, G, mgmt_get_lock_history_np, NULL, 0 },
	{ ID(HVPTP_ALARMS_NP), C, G, mgmt_get_alarms_np, NULL, 0 },
	{ ID(HVPTP_FOREIGN_MASTERS_NP), P, G, mgmt_get_foreign_masters_np,
	  NULL, 0 },
};

#define MGMT_N_IDS (sizeof(mgmt_ids) / sizeof(mgmt_ids[0]))

const struct mgmt_id_desc *mgmt_id_find(uint16_t id)
{
	for (size_t i = 0; i < MGMT_N_IDS; i++) {
		if (mgmt_ids[i].id == id)
			return &mgmt_ids[i];
	}
	return NULL;
}

const char *bc_mgmt_id_name(uint16_t id)
{
	const struct mgmt_id_desc *d = mgmt_id_find(id);

	return d ? d->name : NULL;
}

int bc_mgmt_id_from_name(const char *name)
{
	for (size_t i = 0; name && i < MGMT_N_IDS; i++) {
		if (strcasecmp(mgmt_ids[i].name, name) == 0)
			return mgmt_ids[i].id;
	}
	return -1;
}

bool bc_mgmt_id_is_port(uint16_t id)
{
	const struct mgmt_id_desc *d = mgmt_id_find(id);

	return d && d->scope == MGMT_PORT;
}
