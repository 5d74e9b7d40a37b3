/* bc/tlv.c — the TLV table, the TLV walk and TLV builders (see tlv.h). */
#include "bc/tlv.h"

#include <errno.h>
#include <string.h>

/* --- decoders ------------------------------------------------------------ */

/* PATH_TRACE (16.2.5): pathSequence, a whole number of ClockIdentity.  The
 * first PATH_TRACE of a message wins; later ones are only checked. */
static int tlv_decode_path_trace(struct wire_reader *value, struct ptp_msg *m,
				 int index)
{
	struct ptp_tlv_views *v = &m->tlv_view;
	size_t n = wire_reader_remaining(value) / WIRE_CLOCK_IDENTITY_LEN;

	(void)index;
	if (wire_reader_remaining(value) % WIRE_CLOCK_IDENTITY_LEN)
		return -EBADMSG;
	if (v->has_path_trace)
		return 0;
	v->has_path_trace = true;
	if (n > PTP_MAX_PATH_TRACE)
		n = PTP_MAX_PATH_TRACE;
	for (v->path_trace_count = 0; v->path_trace_count < n;
	     v->path_trace_count++)
		v->path_trace[v->path_trace_count] =
			wire_get_clock_identity(value);
	return 0;
}

static const uint8_t tlv_ieee8021_id[3] = { 0x00, 0x80, 0xC2 };
static const uint8_t tlv_fup_info_subtype[3] = { 0x00, 0x00, 0x01 };

/* ORGANIZATION_EXTENSION: organizationId, organizationSubType, data.  The
 * one the core reads is 802.1AS's Follow_Up information (the first one
 * of a message); every other organisation's is only checked. */
static int tlv_decode_org(struct wire_reader *value, struct ptp_msg *m,
			  int index)
{
	struct ptp_follow_up_info *f = &m->tlv_view.follow_up_info;
	struct wire_reader org = *value;
	uint8_t id[3], sub[3];

	wire_get_bytes(value, id, 3);
	wire_get_bytes(value, sub, 3);
	/* not 802.1AS's Follow_Up information: the power profile's? */
	if (memcmp(id, tlv_ieee8021_id, 3) || memcmp(sub, tlv_fup_info_subtype, 3))
		return power_tlv_decode(&org, m, index);
	if (wire_reader_remaining(value) != PTP_FUP_INFO_LEN - 6)
		return -EBADMSG;
	if (m->tlv_view.has_follow_up_info)
		return 0;
	m->tlv_view.has_follow_up_info = true;
	f->cumulative_scaled_rate_offset = (int32_t)wire_get_u32(value);
	f->gm_time_base_indicator = wire_get_u16(value);
	wire_get_bytes(value, f->last_gm_phase_change, 12);
	f->scaled_last_gm_phase_change = (int32_t)wire_get_u32(value);
	return 0;
}

/* managementId of the first MANAGEMENT or MANAGEMENT_ERROR_STATUS kept. */
static void tlv_view_set_mgmt_id(struct ptp_tlv_views *v, uint16_t id)
{
	if (v->management < 0 && v->management_error < 0)
		v->management_id = id;
}

/* MANAGEMENT (15.5.2): managementId, then dataField. */
static int tlv_decode_management(struct wire_reader *value, struct ptp_msg *m,
				 int index)
{
	struct ptp_tlv_views *v = &m->tlv_view;
	uint16_t id = wire_get_u16(value);

	if (index < 0 || v->management >= 0)
		return 0;
	tlv_view_set_mgmt_id(v, id);
	v->management = (int8_t)index;
	return 0;
}

/* MANAGEMENT_ERROR_STATUS (15.5.4): managementErrorId, managementId, ... */
static int tlv_decode_management_error(struct wire_reader *value,
				       struct ptp_msg *m, int index)
{
	struct ptp_tlv_views *v = &m->tlv_view;
	uint16_t id;

	wire_skip(value, 2);
	id = wire_get_u16(value);
	if (index < 0 || v->management_error >= 0)
		return 0;
	tlv_view_set_mgmt_id(v, id);
	v->management_error = (int8_t)index;
	return 0;
}

/* --- the table ----------------------------------------------------------- */

/*
 * Minimum lengths are the fixed fields that lead each value (IEEE 1588-2019
 * clauses 14-16); a maximum only where the TLV has a fixed size.  Where the
 * layout is variable or hvptpd does not use the TLV, the bounds are kept
 * loose on purpose: a TLV is refused only when its length is impossible.
 */
static const struct tlv_desc tlv_table[] = {
	{ TLV_MANAGEMENT, "MANAGEMENT", 2, TLV_NO_MAX, true,
	  tlv_decode_management },
	{ TLV_MANAGEMENT_ERROR_STATUS, "MANAGEMENT_ERROR_STATUS", 8, TLV_NO_MAX,
	  true, tlv_decode_management_error },
	{ TLV_ORGANIZATION_EXTENSION, "ORGANIZATION_EXTENSION", 6, TLV_NO_MAX,
	  false, tlv_decode_org },
	{ TLV_REQUEST_UNICAST_TRANSMISSION, "REQUEST_UNICAST_TRANSMISSION", 6, 6,
	  true, NULL },
	{ TLV_GRANT_UNICAST_TRANSMISSION, "GRANT_UNICAST_TRANSMISSION", 8, 8,
	  true, NULL },
	{ TLV_CANCEL_UNICAST_TRANSMISSION, "CANCEL_UNICAST_TRANSMISSION", 2, 2,
	  true, NULL },
	{ TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION,
	  "ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION", 2, 2, true, NULL },
	{ TLV_PATH_TRACE, "PATH_TRACE", 0, TLV_NO_MAX, true,
	  tlv_decode_path_trace },
	{ TLV_ALTERNATE_TIME_OFFSET_INDICATOR, "ALTERNATE_TIME_OFFSET_INDICATOR",
	  16, TLV_NO_MAX, false, NULL },
	{ TLV_ORGANIZATION_EXTENSION_PROPAGATE,
	  "ORGANIZATION_EXTENSION_PROPAGATE", 6, TLV_NO_MAX, false, NULL },
	{ TLV_ENHANCED_ACCURACY_METRICS, "ENHANCED_ACCURACY_METRICS", 0,
	  TLV_NO_MAX, false, NULL },
	{ TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE,
	  "ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE", 6, TLV_NO_MAX, false,
	  NULL },
	{ TLV_L1_SYNC, "L1_SYNC", 2, TLV_NO_MAX, false, NULL },
	{ TLV_PORT_COMMUNICATION_AVAILABILITY,
	  "PORT_COMMUNICATION_AVAILABILITY", 2, TLV_NO_MAX, false, NULL },
	{ TLV_PROTOCOL_ADDRESS, "PROTOCOL_ADDRESS", 4, TLV_NO_MAX, false, NULL },
	{ TLV_SLAVE_RX_SYNC_TIMING_DATA, "SLAVE_RX_SYNC_TIMING_DATA", 10,
	  TLV_NO_MAX, false, NULL },
	{ TLV_SLAVE_RX_SYNC_COMPUTED_DATA, "SLAVE_RX_SYNC_COMPUTED_DATA", 10,
	  TLV_NO_MAX, false, NULL },
	{ TLV_SLAVE_TX_EVENT_TIMESTAMPS, "SLAVE_TX_EVENT_TIMESTAMPS", 10,
	  TLV_NO_MAX, false, NULL },
	{ TLV_CUMULATIVE_RATE_RATIO, "CUMULATIVE_RATE_RATIO", 4, TLV_NO_MAX,
	  false, NULL },
	{ TLV_PAD, "PAD", 0, TLV_NO_MAX, false, NULL },
	{ TLV_AUTHENTICATION, "AUTHENTICATION", 6, TLV_NO_MAX, false, NULL },
	/* linuxptp's NetSync Monitor: an empty request; the answer's
	 * portState, reserved, PortAddress (4 + n), parentDS (32),
	 * currentDS (18), timePropertiesDS (4), the last Sync (10) */
	{ TLV_PTPMON_REQ, "PTPMON_REQ", 0, 0, true, nsm_tlv_decode_req },
	{ TLV_PTPMON_RESP, "PTPMON_RESP", 70, TLV_NO_MAX, false, NULL },
};

#define TLV_TABLE_LEN (sizeof(tlv_table) / sizeof(tlv_table[0]))

const struct tlv_desc *tlv_desc_find(uint16_t type)
{
	size_t i;

	for (i = 0; i < TLV_TABLE_LEN; i++)
		if (tlv_table[i].type == type)
			return &tlv_table[i];
	return NULL;
}

const char *tlv_type_name(uint16_t type)
{
	const struct tlv_desc *d = tlv_desc_find(type);

	return d ? d->name : "UNKNOWN";
}

bool tlv_length_ok(const struct tlv_desc *d, uint16_t length)
{
	if (length < d->min_len)
		return false;
	if (d->max_len != TLV_NO_MAX && length > d->max_len)
		return false;
	return !(d->even && (length & 1));
}

void tlv_views_clear(struct ptp_tlv_views *v)
{
	memset(v, 0, sizeof(*v));
	v->management = -1;
	v->management_error = -1;
}

/* --- the walk ------------------------------------------------------------ */

/* One TLV at r's position: header, value, table check, decode. */
static int tlv_parse_one(struct wire_reader *r, struct ptp_msg *m)
{
	const struct tlv_desc *d;
	struct wire_reader value;
	const uint8_t *p;
	uint16_t type, length;
	int index = -1;

	if (wire_reader_remaining(r) < TLV_HEADER_LEN)
		return -EBADMSG;
	type = wire_get_u16(r);
	length = wire_get_u16(r);
	p = wire_get_view(r, length);
	if (!p)
		return -EBADMSG;
	if (m->n_tlvs < PTP_MAX_TLVS) {
		index = m->n_tlvs++;
		m->tlvs[index].type = type;
		m->tlvs[index].length = length;
		m->tlvs[index].value = p;
	}
	d = tlv_desc_find(type);
	if (!d)
		return 0;
	if (!tlv_length_ok(d, length))
		return -EBADMSG;
	if (!d->decode)
		return 0;
	wire_reader_init(&value, p, length);
	return d->decode(&value, m, index);
}

int tlv_parse_all(struct wire_reader *r, struct ptp_msg *m)
{
	int err;

	if (!wire_reader_ok(r))
		return -EBADMSG;
	while (wire_reader_remaining(r) > 0) {
		err = tlv_parse_one(r, m);
		if (err)
			return err;
	}
	return 0;
}

/* --- building ------------------------------------------------------------ */

int tlv_append(struct ptp_msg *m, uint16_t type, const uint8_t *value,
	       uint16_t length)
{
	const struct tlv_desc *d = tlv_desc_find(type);

	if (length && !value)
		return -EINVAL;
	if (d && !tlv_length_ok(d, length))
		return -EINVAL;
	if (m->n_tlvs >= PTP_MAX_TLVS)
		return -ENOSPC;
	m->tlvs[m->n_tlvs].type = type;
	m->tlvs[m->n_tlvs].length = length;
	m->tlvs[m->n_tlvs].value = value;
	m->n_tlvs++;
	return 0;
}

size_t tlv_value_begin(const struct wire_writer *scratch)
{
	return wire_writer_pos(scratch);
}

int tlv_value_end(struct ptp_msg *m, uint16_t type,
		  struct wire_writer *scratch, size_t start)
{
	const struct tlv_desc *d = tlv_desc_find(type);
	size_t length = 0;
	int err = -EMSGSIZE;

	if (start > wire_writer_pos(scratch))
		return -EINVAL;
	if (wire_writer_ok(scratch)) {
		length = wire_writer_pos(scratch) - start;
		if (d && d->even && (length & 1)) {
			wire_put_u8(scratch, 0);
			length++;
		}
	}
	if (wire_writer_ok(scratch) && length <= 0xFFFF)
		err = tlv_append(m, type, wire_writer_view(scratch, start),
				 (uint16_t)length);
	if (err) {
		/* Give the space back, so the caller can build another
		 * (smaller) answer in the same scratch buffer. */
		scratch->pos = start;
		scratch->error = false;
	}
	return err;
}

int tlv_put_path_trace(struct ptp_msg *m, struct wire_writer *scratch,
		       const struct clock_identity *ids, unsigned n)
{
	size_t start = tlv_value_begin(scratch);
	unsigned i;

	if (n && !ids)
		return -EINVAL;
	for (i = 0; i < n; i++)
		wire_put_clock_identity(scratch, &ids[i]);
	return tlv_value_end(m, TLV_PATH_TRACE, scratch, start);
}

int tlv_put_follow_up_info(struct ptp_msg *m, struct wire_writer *scratch,
			   const struct ptp_follow_up_info *f)
{
	size_t start = tlv_value_begin(scratch);

	wire_put_bytes(scratch, tlv_ieee8021_id, 3);
	wire_put_bytes(scratch, tlv_fup_info_subtype, 3);
	wire_put_u32(scratch, (uint32_t)f->cumulative_scaled_rate_offset);
	wire_put_u16(scratch, f->gm_time_base_indicator);
	wire_put_bytes(scratch, f->last_gm_phase_change, 12);
	wire_put_u32(scratch, (uint32_t)f->scaled_last_gm_phase_change);
	return tlv_value_end(m, TLV_ORGANIZATION_EXTENSION, scratch, start);
}

int tlv_put_management(struct ptp_msg *m, struct wire_writer *scratch,
		       uint16_t management_id, const void *data, size_t len)
{
	size_t start = tlv_value_begin(scratch);

	if (len && !data)
		return -EINVAL;
	wire_put_u16(scratch, management_id);
	wire_put_bytes(scratch, data, len);
	return tlv_value_end(m, TLV_MANAGEMENT, scratch, start);
}

int tlv_put_management_error(struct ptp_msg *m, struct wire_writer *scratch,
			     uint16_t error_id, uint16_t management_id)
{
	size_t start = tlv_value_begin(scratch);

	wire_put_u16(scratch, error_id);
	wire_put_u16(scratch, management_id);
	wire_put_zeros(scratch, 4);
	return tlv_value_end(m, TLV_MANAGEMENT_ERROR_STATUS, scratch, start);
}

/* --- unicast negotiation (16.1.4) ---------------------------------------- */

/* The value length of each of the four TLVs, 0 for another type. */
static uint16_t tlv_uc_len(uint16_t type)
{
	switch (type) {
	case TLV_REQUEST_UNICAST_TRANSMISSION:
		return 6;
	case TLV_GRANT_UNICAST_TRANSMISSION:
		return 8;
	case TLV_CANCEL_UNICAST_TRANSMISSION:
	case TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION:
		return 2;
	default:
		return 0;
	}
}

int tlv_put_uc(struct ptp_msg *m, struct wire_writer *scratch,
	       const struct tlv_uc *u)
{
	uint16_t len = tlv_uc_len(u->type);
	size_t start = tlv_value_begin(scratch);
	uint8_t first = (uint8_t)(u->msg_type << 4);

	if (!len || u->msg_type > 0xF)
		return -EINVAL;
	if (len == 2) /* cancel, acknowledge: flags in the low nibble */
		first |= u->flags & 0x0F;
	wire_put_u8(scratch, first);
	if (len == 2) {
		wire_put_u8(scratch, 0);
		return tlv_value_end(m, u->type, scratch, start);
	}
	wire_put_u8(scratch, (uint8_t)u->log_period);
	wire_put_u32(scratch, u->duration);
	if (len == 8) {
		wire_put_u8(scratch, 0);
		wire_put_u8(scratch, u->flags);
	}
	return tlv_value_end(m, u->type, scratch, start);
}

int tlv_get_uc(const struct ptp_tlv *t, struct tlv_uc *u)
{
	uint16_t len = tlv_uc_len(t->type);
	struct wire_reader r;
	uint8_t first;

	memset(u, 0, sizeof(*u));
	if (!len || t->length != len || !t->value)
		return -EBADMSG;
	wire_reader_init(&r, t->value, t->length);
	u->type = t->type;
	first = wire_get_u8(&r);
	u->msg_type = first >> 4;
	if (len == 2) {
		u->flags = first & 0x0F;
		return 0;
	}
	u->log_period = (int8_t)wire_get_u8(&r);
	u->duration = wire_get_u32(&r);
	if (len == 8) {
		wire_get_u8(&r);
		u->flags = wire_get_u8(&r);
	}
	return wire_reader_ok(&r) ? 0 : -EBADMSG;
}
