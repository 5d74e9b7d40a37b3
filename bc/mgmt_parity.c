/*
 * bc/mgmt_parity.c — the management IDs linuxptp 4.4 added, answered as
 * its ptp4l answers them (layouts in bc/mgmt.h):
 *
 *  - ALTERNATE_TIME_OFFSET_ENABLE / _NAME / _PROPERTIES (clock; what
 *    linuxptp's tz2alt sets): four keys; a GET names its key in the first
 *    octet of its data (an empty GET asks for key 0), and a key ptp4l does
 *    not have is answered with no data at all.  SET of an unknown key is
 *    refused NO_SUCH_ID (ptp4l falls through to its port table there);
 *    ENABLE with key 0xFF sets every key.  A name is at most 10 UTF-8
 *    symbols.  Each enabled key rides in every Announce as an
 *    ALTERNATE_TIME_OFFSET_INDICATOR TLV (16.3), as ptp4l sends it.
 *  - SYNCHRONIZATION_UNCERTAIN_NP (clock): 0 passes the parent's
 *    synchronizationUncertain flag on in our Announces, 1 sets it, 0xFF
 *    (the default) clears it; any other value is refused NOT_SUPPORTED,
 *    as ptp4l's clock table does.  timePropertiesDS itself keeps the
 *    parent's flag.
 *  - PORT_SERVICE_STATS_NP (port): the port's timer expiries by kind and
 *    the Sync / Follow_Up mismatches (bc_port_counters), little-endian as
 *    ptp4l sends them.
 *  - POWER_PROFILE_SETTINGS_NP (port, GET and SET): the port's C37.238
 *    settings (bc/power.c puts them in Announce); a version other than
 *    none, 2011, 2017 is refused NO_SUCH_ID, as ptp4l does.
 *  - CMLDS_INFO_NP (port): meanLinkDelay from the port's peer delay,
 *    scaledNeighborRateRatio (0: the ratio 1.0; the core measures no
 *    neighbour rate yet), as_capable 1 as PORT_DATA_SET_NP says.
 */
#include <string.h>

#include "bc/internal.h"
#include "bc/tlv.h"

/* ---- alternate time offsets ---- */

/* The key a request names, MGMT_TZ_MAX for none ptp4l has. */
static unsigned ato_key(const struct bc *bc)
{
	const struct bc_mgmt_req *r = bc->mgmt.req;

	if (!r || r->data_len == 0)
		return 0;
	if (r->data_len < 2)
		return MGMT_TZ_MAX;
	return r->data[0] < MGMT_TZ_MAX ? r->data[0] : MGMT_TZ_MAX;
}

void mgmt_get_ato_enable(const struct bc *bc, int port, struct wire_writer *w)
{
	unsigned k = ato_key(bc);

	(void)port;
	if (k >= MGMT_TZ_MAX)
		return;
	wire_put_u8(w, (uint8_t)k);
	wire_put_u8(w, bc->mgmt.tz[k].enabled ? 1 : 0);
}

uint16_t mgmt_set_ato_enable(struct bc *bc, int port, struct wire_reader *r)
{
	uint8_t key = wire_get_u8(r);
	bool on = wire_get_u8(r) & 1;

	(void)port;
	if (key == 0xFF) {
		for (int k = 0; k < MGMT_TZ_MAX; k++)
			bc->mgmt.tz[k].enabled = on;
		return 0;
	}
	if (key >= MGMT_TZ_MAX)
		return TLV_MGMT_ERR_NO_SUCH_ID;
	bc->mgmt.tz[key].enabled = on;
	return 0;
}

void mgmt_get_ato_name(const struct bc *bc, int port, struct wire_writer *w)
{
	unsigned k = ato_key(bc);
	const struct mgmt_tz *tz = &bc->mgmt.tz[k < MGMT_TZ_MAX ? k : 0];

	(void)port;
	if (k >= MGMT_TZ_MAX)
		return;
	wire_put_u8(w, (uint8_t)k);
	wire_put_u8(w, tz->name_len);
	wire_put_bytes(w, tz->name, tz->name_len);
}

/* UTF-8 symbols in s[0..n): the octets that do not continue one. */
static unsigned utf8_symbols(const uint8_t *s, size_t n)
{
	unsigned k = 0;

	for (size_t i = 0; i < n; i++)
		k += (s[i] & 0xC0) != 0x80;
	return k;
}

/* keyField, PTPText (the dataField padded to an even length). */
uint16_t mgmt_set_ato_name(struct bc *bc, int port, struct wire_reader *r)
{
	size_t len = wire_reader_remaining(r);
	uint8_t key = wire_get_u8(r);
	uint8_t n = wire_get_u8(r);
	const uint8_t *text = wire_get_view(r, n);
	struct mgmt_tz *tz;

	(void)port;
	if (!wire_reader_ok(r) || (2u + n + 1u) / 2u * 2u != len)
		return TLV_MGMT_ERR_WRONG_LENGTH;
	if (key >= MGMT_TZ_MAX)
		return TLV_MGMT_ERR_NO_SUCH_ID;
	if (n > sizeof(tz->name) - 1 ||
	    utf8_symbols(text, n) > MGMT_TZ_NAME_MAX)
		return TLV_MGMT_ERR_NO_SUCH_ID; /* ptp4l's answer to it too */
	tz = &bc->mgmt.tz[key];
	memcpy(tz->name, text, n);
	tz->name[n] = '\0';
	tz->name_len = n;
	return 0;
}

void mgmt_get_ato_properties(const struct bc *bc, int port,
			     struct wire_writer *w)
{
	unsigned k = ato_key(bc);
	const struct mgmt_tz *tz = &bc->mgmt.tz[k < MGMT_TZ_MAX ? k : 0];

	(void)port;
	if (k >= MGMT_TZ_MAX)
		return;
	wire_put_u8(w, (uint8_t)k);
	wire_put_u32(w, (uint32_t)tz->current_offset);
	wire_put_u32(w, (uint32_t)tz->jump_seconds);
	wire_put_u48(w, tz->next_jump);
	wire_put_u8(w, 0); /* pad */
}

uint16_t mgmt_set_ato_properties(struct bc *bc, int port,
				 struct wire_reader *r)
{
	uint8_t key = wire_get_u8(r);
	int32_t cur = (int32_t)wire_get_u32(r);
	int32_t jump = (int32_t)wire_get_u32(r);
	uint64_t next = wire_get_u48(r);
	struct mgmt_tz *tz;

	(void)port;
	if (key >= MGMT_TZ_MAX)
		return TLV_MGMT_ERR_NO_SUCH_ID;
	tz = &bc->mgmt.tz[key];
	tz->current_offset = cur;
	tz->jump_seconds = jump;
	tz->next_jump = next;
	return 0;
}

/* ALTERNATE_TIME_OFFSET_INDICATOR (16.3): keyField, currentOffset,
 * jumpSeconds, timeOfNextJump, displayName, padded to an even length
 * (ptp4l drops a message with an odd lengthField anywhere). */
void mgmt_announce_tz(const struct bc *bc, struct ptp_msg *m,
		      struct wire_writer *scratch)
{
	for (int k = 0; k < MGMT_TZ_MAX; k++) {
		const struct mgmt_tz *tz = &bc->mgmt.tz[k];
		size_t start;

		if (!tz->enabled)
			continue;
		start = tlv_value_begin(scratch);
		wire_put_u8(scratch, (uint8_t)k);
		wire_put_u32(scratch, (uint32_t)tz->current_offset);
		wire_put_u32(scratch, (uint32_t)tz->jump_seconds);
		wire_put_u48(scratch, tz->next_jump);
		wire_put_u8(scratch, tz->name_len);
		wire_put_bytes(scratch, tz->name, tz->name_len);
		if (tz->name_len % 2) /* every lengthField is even (14.1.3) */
			wire_put_u8(scratch, 0);
		if (tlv_value_end(m, TLV_ALTERNATE_TIME_OFFSET_INDICATOR,
				  scratch, start) < 0)
			return;
	}
}

/* ---- synchronizationUncertain ---- */

void mgmt_get_sync_uncertain(const struct bc *bc, int port,
			     struct wire_writer *w)
{
	(void)port;
	wire_put_u8(w, bc->mgmt.sync_uncertain);
	wire_put_u8(w, 0);
}

uint16_t mgmt_set_sync_uncertain(struct bc *bc, int port,
				 struct wire_reader *r)
{
	uint8_t v = wire_get_u8(r);

	(void)port;
	if (v != MGMT_SYNC_UNCERTAIN_FALSE && v != MGMT_SYNC_UNCERTAIN_TRUE &&
	    v != MGMT_SYNC_UNCERTAIN_DONTCARE)
		return TLV_MGMT_ERR_NOT_SUPPORTED;
	if (v != bc->mgmt.sync_uncertain)
		cm_log(CM_LOG_NOTICE, "management: synchronization uncertain "
		       "%u -> %u", bc->mgmt.sync_uncertain, v);
	bc->mgmt.sync_uncertain = v;
	return 0;
}

uint16_t mgmt_announce_flags(const struct bc *bc)
{
	uint16_t f = ds_time_properties_flags(&bc->tp);

	switch (bc->mgmt.sync_uncertain) {
	case MGMT_SYNC_UNCERTAIN_FALSE:
		return f;
	case MGMT_SYNC_UNCERTAIN_TRUE:
		return f | PTP_FLAG_SYNC_UNCERTAIN;
	default:
		return f & (uint16_t)~PTP_FLAG_SYNC_UNCERTAIN;
	}
}

/* ---- per-port IDs ---- */

static void put_u64_le(struct wire_writer *w, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		wire_put_u8(w, (uint8_t)(v >> (8 * i)));
}

void mgmt_get_port_service_stats(const struct bc *bc, int port,
				 struct wire_writer *w)
{
	const struct port *p = &bc->ports[port];
	const struct bc_port_counters *c = &p->cnt;
	const uint64_t v[] = {
		c->announce_timeouts, c->sync_timeouts, c->delay_timeouts,
		c->unicast_service_timeouts, c->unicast_request_timeouts,
		c->master_announce_timeouts, c->master_sync_timeouts,
		c->qualification_timeouts, c->sync_mismatches,
		c->followup_mismatches,
	};

	wire_put_port_identity(w, &p->ds.port_identity);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		put_u64_le(w, v[i]);
}

void mgmt_get_power_profile(const struct bc *bc, int port,
			    struct wire_writer *w)
{
	const struct bc_power_profile *pp = &bc->ports[port].cfg.power;

	wire_put_u16(w, pp->version);
	wire_put_u16(w, pp->grandmaster_id);
	wire_put_u32(w, pp->gm_time_inaccuracy);
	wire_put_u32(w, pp->network_time_inaccuracy);
	wire_put_u32(w, pp->total_time_inaccuracy);
}

uint16_t mgmt_set_power_profile(struct bc *bc, int port,
				struct wire_reader *r)
{
	struct bc_power_profile pp;
	struct port *p = &bc->ports[port];

	pp.version = wire_get_u16(r);
	pp.grandmaster_id = wire_get_u16(r);
	pp.gm_time_inaccuracy = wire_get_u32(r);
	pp.network_time_inaccuracy = wire_get_u32(r);
	pp.total_time_inaccuracy = wire_get_u32(r);
	if (pp.version > BC_POWER_2017)
		return TLV_MGMT_ERR_NO_SUCH_ID;
	if (pp.version != p->cfg.power.version)
		clock_log_port(p, CM_LOG_NOTICE,
			       "management: power profile version %u -> %u",
			       p->cfg.power.version, pp.version);
	p->cfg.power = pp;
	return 0;
}

void mgmt_get_cmlds_info(const struct bc *bc, int port, struct wire_writer *w)
{
	const struct port *p = &bc->ports[port];

	mgmt_put_time_interval(w, p->ds.mean_link_delay_ns);
	wire_put_u32(w, 0); /* scaledNeighborRateRatio: ratio 1.0 */
	wire_put_u32(w, 1); /* as_capable */
}

/* The timer expiries PORT_SERVICE_STATS_NP and HVPTP_PORT_DROPS_NP
 * count, by kind (ptp4l counts them where its timers fire). */
void mgmt_count_timer(struct port *p, enum bc_timer t)
{
	struct bc_port_counters *c = &p->cnt;

	switch (t) {
	case BC_TMR_ANNOUNCE_RX: c->announce_timeouts++; break;
	case BC_TMR_SYNC_RX: c->sync_timeouts++; break;
	case BC_TMR_ANNOUNCE_TX: c->master_announce_timeouts++; break;
	case BC_TMR_SYNC_TX: c->master_sync_timeouts++; break;
	case BC_TMR_DELAY_REQ_TX:
	case BC_TMR_PDELAY_REQ_TX: c->delay_timeouts++; break;
	case BC_TMR_QUALIFICATION: c->qualification_timeouts++; break;
	default: break;
	}
}

/* ---- the read-only socket ---- */

bool mgmt_ro_refused(uint16_t id)
{
	/* ptp4l 4.4 (clock_manage): "Only the UDS-RW port allowed" */
	return id == BC_MID_PORT_PROPERTIES_NP || id == BC_MID_PORT_HWCLOCK_NP;
}
