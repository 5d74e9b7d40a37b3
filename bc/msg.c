/* bc/msg.c — PTP message pack and unpack (see msg.h). */
#include "bc/msg.h"

#include <errno.h>
#include <string.h>

#include "bc/tlv.h"
#include "bc/wire.h"

/* logMessageInterval of the types for which the standard fixes it. */
#define MSG_LOG_INTERVAL_NONE 0x7F

/* controlField (obsolete in 2019, still sent for 2008 receivers) */
enum msg_control {
	MSG_CTRL_SYNC = 0,
	MSG_CTRL_DELAY_REQ = 1,
	MSG_CTRL_FOLLOW_UP = 2,
	MSG_CTRL_DELAY_RESP = 3,
	MSG_CTRL_MANAGEMENT = 4,
	MSG_CTRL_OTHER = 5,
};

/* Body decoders return BC_DROP_NONE or why the body is bad. */
typedef enum bc_drop (*msg_body_get_fn)(struct wire_reader *r,
					struct ptp_msg *m);
typedef void (*msg_body_put_fn)(struct wire_writer *w,
				const struct ptp_msg *m);

struct msg_desc {
	uint8_t body_len; /* bytes after the header, before the TLVs */
	uint8_t control; /* controlField */
	int8_t log_interval; /* logMessageInterval set by msg_header_init */
	msg_body_get_fn get;
	msg_body_put_fn put;
};

/* --- bodies -------------------------------------------------------------- */

static bool msg_timestamp_ok(const struct ptp_timestamp *ts)
{
	return ts->nanoseconds < NS_PER_SEC;
}

static enum bc_drop msg_ts_verdict(const struct ptp_timestamp *ts)
{
	return msg_timestamp_ok(ts) ? BC_DROP_NONE : BC_DROP_BAD_TIMESTAMP;
}

/* Sync, Delay_Req: originTimestamp */
static enum bc_drop msg_get_sync(struct wire_reader *r, struct ptp_msg *m)
{
	m->body.sync.origin_timestamp = wire_get_timestamp(r);
	return msg_ts_verdict(&m->body.sync.origin_timestamp);
}

static void msg_put_sync(struct wire_writer *w, const struct ptp_msg *m)
{
	wire_put_timestamp(w, &m->body.sync.origin_timestamp);
}

/* Follow_Up: preciseOriginTimestamp */
static enum bc_drop msg_get_follow_up(struct wire_reader *r, struct ptp_msg *m)
{
	m->body.follow_up.precise_origin_timestamp = wire_get_timestamp(r);
	return msg_ts_verdict(&m->body.follow_up.precise_origin_timestamp);
}

static void msg_put_follow_up(struct wire_writer *w, const struct ptp_msg *m)
{
	wire_put_timestamp(w, &m->body.follow_up.precise_origin_timestamp);
}

/* Delay_Resp: receiveTimestamp, requestingPortIdentity */
static enum bc_drop msg_get_delay_resp(struct wire_reader *r,
				       struct ptp_msg *m)
{
	struct ptp_delay_resp *b = &m->body.delay_resp;

	b->receive_timestamp = wire_get_timestamp(r);
	b->requesting_port_identity = wire_get_port_identity(r);
	return msg_ts_verdict(&b->receive_timestamp);
}

static void msg_put_delay_resp(struct wire_writer *w, const struct ptp_msg *m)
{
	const struct ptp_delay_resp *b = &m->body.delay_resp;

	wire_put_timestamp(w, &b->receive_timestamp);
	wire_put_port_identity(w, &b->requesting_port_identity);
}

/* Pdelay_Req: originTimestamp, 10 reserved octets (sent as zero, ignored) */
#define MSG_PDELAY_REQ_RESERVED 10

static enum bc_drop msg_get_pdelay_req(struct wire_reader *r,
				       struct ptp_msg *m)
{
	m->body.pdelay_req.origin_timestamp = wire_get_timestamp(r);
	wire_skip(r, MSG_PDELAY_REQ_RESERVED);
	return msg_ts_verdict(&m->body.pdelay_req.origin_timestamp);
}

static void msg_put_pdelay_req(struct wire_writer *w, const struct ptp_msg *m)
{
	wire_put_timestamp(w, &m->body.pdelay_req.origin_timestamp);
	wire_put_zeros(w, MSG_PDELAY_REQ_RESERVED);
}

/* Pdelay_Resp, Pdelay_Resp_Follow_Up: a timestamp, requestingPortIdentity */
static enum bc_drop msg_get_pdelay_resp(struct wire_reader *r,
					struct ptp_msg *m)
{
	struct ptp_pdelay_resp *b = &m->body.pdelay_resp;

	b->timestamp = wire_get_timestamp(r);
	b->requesting_port_identity = wire_get_port_identity(r);
	return msg_ts_verdict(&b->timestamp);
}

static void msg_put_pdelay_resp(struct wire_writer *w, const struct ptp_msg *m)
{
	const struct ptp_pdelay_resp *b = &m->body.pdelay_resp;

	wire_put_timestamp(w, &b->timestamp);
	wire_put_port_identity(w, &b->requesting_port_identity);
}

/* Announce: the reserved octet after currentUtcOffset is ignored on
 * read and sent as zero. */
static enum bc_drop msg_get_announce(struct wire_reader *r, struct ptp_msg *m)
{
	struct ptp_announce *b = &m->body.announce;

	b->origin_timestamp = wire_get_timestamp(r);
	b->current_utc_offset = wire_get_i16(r);
	wire_skip(r, 1);
	b->gm_priority1 = wire_get_u8(r);
	b->gm_clock_quality = wire_get_clock_quality(r);
	b->gm_priority2 = wire_get_u8(r);
	b->gm_identity = wire_get_clock_identity(r);
	b->steps_removed = wire_get_u16(r);
	b->time_source = wire_get_u8(r);
	return msg_ts_verdict(&b->origin_timestamp);
}

static void msg_put_announce(struct wire_writer *w, const struct ptp_msg *m)
{
	const struct ptp_announce *b = &m->body.announce;

	wire_put_timestamp(w, &b->origin_timestamp);
	wire_put_i16(w, b->current_utc_offset);
	wire_put_u8(w, 0);
	wire_put_u8(w, b->gm_priority1);
	wire_put_clock_quality(w, &b->gm_clock_quality);
	wire_put_u8(w, b->gm_priority2);
	wire_put_clock_identity(w, &b->gm_identity);
	wire_put_u16(w, b->steps_removed);
	wire_put_u8(w, b->time_source);
}

/* Signaling: targetPortIdentity */
static enum bc_drop msg_get_signaling(struct wire_reader *r, struct ptp_msg *m)
{
	m->body.signaling.target_port_identity = wire_get_port_identity(r);
	return BC_DROP_NONE;
}

static void msg_put_signaling(struct wire_writer *w, const struct ptp_msg *m)
{
	wire_put_port_identity(w, &m->body.signaling.target_port_identity);
}

/* Management (15.4.1): targetPortIdentity, startingBoundaryHops,
 * boundaryHops, reserved nibble | actionField, reserved octet.  The reserved
 * bits are ignored on read and sent as zero. */
static enum bc_drop msg_get_management(struct wire_reader *r,
				       struct ptp_msg *m)
{
	struct ptp_management *b = &m->body.management;

	b->target_port_identity = wire_get_port_identity(r);
	b->starting_boundary_hops = wire_get_u8(r);
	b->boundary_hops = wire_get_u8(r);
	b->action = wire_get_u8(r) & 0x0F;
	wire_skip(r, 1);
	return BC_DROP_NONE;
}

static void msg_put_management(struct wire_writer *w, const struct ptp_msg *m)
{
	const struct ptp_management *b = &m->body.management;

	wire_put_port_identity(w, &b->target_port_identity);
	wire_put_u8(w, b->starting_boundary_hops);
	wire_put_u8(w, b->boundary_hops);
	wire_put_u8(w, b->action & 0x0F);
	wire_put_u8(w, 0);
}

/* --- the per-type table -------------------------------------------------- */

/*
 * logMessageInterval: 0x7F where IEEE 1588-2019 (13.3.2) fixes it (Delay_Req,
 * the peer-delay messages, Signaling, Management); 0 for Sync, Follow_Up,
 * Delay_Resp and Announce, whose value the port fills in (from portDS, or
 * 0x7F for unicast Sync/Follow_Up/Delay_Resp).
 */
static const struct msg_desc msg_table[PTP_MSG_TYPE_COUNT] = {
	[PTP_MSG_SYNC] = { 10, MSG_CTRL_SYNC, 0, msg_get_sync, msg_put_sync },
	[PTP_MSG_DELAY_REQ] = { 10, MSG_CTRL_DELAY_REQ, MSG_LOG_INTERVAL_NONE,
				msg_get_sync, msg_put_sync },
	[PTP_MSG_PDELAY_REQ] = { 20, MSG_CTRL_OTHER, MSG_LOG_INTERVAL_NONE,
				 msg_get_pdelay_req, msg_put_pdelay_req },
	[PTP_MSG_PDELAY_RESP] = { 20, MSG_CTRL_OTHER, MSG_LOG_INTERVAL_NONE,
				  msg_get_pdelay_resp, msg_put_pdelay_resp },
	[PTP_MSG_FOLLOW_UP] = { 10, MSG_CTRL_FOLLOW_UP, 0, msg_get_follow_up,
				msg_put_follow_up },
	[PTP_MSG_DELAY_RESP] = { 20, MSG_CTRL_DELAY_RESP, 0, msg_get_delay_resp,
				 msg_put_delay_resp },
	[PTP_MSG_PDELAY_RESP_FOLLOW_UP] = { 20, MSG_CTRL_OTHER,
					    MSG_LOG_INTERVAL_NONE,
					    msg_get_pdelay_resp,
					    msg_put_pdelay_resp },
	[PTP_MSG_ANNOUNCE] = { 30, MSG_CTRL_OTHER, 0, msg_get_announce,
			       msg_put_announce },
	[PTP_MSG_SIGNALING] = { 10, MSG_CTRL_OTHER, MSG_LOG_INTERVAL_NONE,
				msg_get_signaling, msg_put_signaling },
	[PTP_MSG_MANAGEMENT] = { 14, MSG_CTRL_MANAGEMENT, MSG_LOG_INTERVAL_NONE,
				 msg_get_management, msg_put_management },
};

/* The entry for a messageType, or NULL for a reserved one. */
static const struct msg_desc *msg_desc_get(unsigned msg_type)
{
	if (msg_type >= PTP_MSG_TYPE_COUNT || !msg_table[msg_type].get)
		return NULL;
	return &msg_table[msg_type];
}

int msg_body_len(unsigned msg_type)
{
	const struct msg_desc *d = msg_desc_get(msg_type);

	return d ? d->body_len : -1;
}

const char *bc_drop_name(enum bc_drop d)
{
	static const char *const names[BC_DROP_COUNT] = {
		[BC_DROP_NONE] = "none",
		[BC_DROP_TOO_SHORT] = "too_short",
		[BC_DROP_BAD_VERSION] = "bad_version",
		[BC_DROP_BAD_LENGTH] = "bad_length",
		[BC_DROP_BAD_TYPE] = "bad_type",
		[BC_DROP_BAD_TLV] = "bad_tlv",
		[BC_DROP_BAD_TIMESTAMP] = "bad_timestamp",
		[BC_DROP_BAD_VALUE] = "bad_value",
		[BC_DROP_WRONG_DOMAIN] = "wrong_domain",
		[BC_DROP_WRONG_SDO] = "wrong_sdo",
		[BC_DROP_FROM_SELF] = "from_self",
		[BC_DROP_NOT_PARENT] = "not_parent",
		[BC_DROP_WRONG_STATE] = "wrong_state",
		[BC_DROP_SEQ_MISMATCH] = "seq_mismatch",
		[BC_DROP_NOT_FOR_US] = "not_for_us",
		[BC_DROP_NOT_QUALIFIED] = "not_qualified",
		[BC_DROP_UNSUPPORTED] = "unsupported",
		[BC_DROP_LEAP_WINDOW] = "leap_second_window",
		[BC_DROP_WRONG_MECHANISM] = "wrong_delay_mechanism",
		[BC_DROP_MULTIPLE_PEERS] = "multiple_peers",
		[BC_DROP_NOT_AS_CAPABLE] = "not_as_capable",
		[BC_DROP_AUTH_NO_TLV] = "auth_no_tlv",
		[BC_DROP_AUTH_UNKNOWN_SPP] = "auth_unknown_spp",
		[BC_DROP_AUTH_UNKNOWN_KEY] = "auth_unknown_key",
		[BC_DROP_AUTH_BAD_LENGTH] = "auth_bad_length",
		[BC_DROP_AUTH_BAD_ICV] = "auth_bad_icv",
		[BC_DROP_AUTH_REPLAY] = "auth_replay",
		[BC_DROP_RATE_LIMITED] = "rate_limited",
		[BC_DROP_NOT_ACCEPTABLE] = "not_acceptable",
	};

	if ((unsigned)d < BC_DROP_COUNT && names[d])
		return names[d];
	return "unknown";
}

bool bc_drop_is_ignored(enum bc_drop d)
{
	switch (d) {
	case BC_DROP_WRONG_STATE:
	case BC_DROP_FROM_SELF:
	case BC_DROP_NOT_PARENT:
	case BC_DROP_NOT_FOR_US:
	case BC_DROP_NOT_QUALIFIED:
	case BC_DROP_LEAP_WINDOW:
	case BC_DROP_NOT_AS_CAPABLE:
	case BC_DROP_NOT_ACCEPTABLE:
		return true;
	default:
		return false;
	}
}

void msg_header_init(struct ptp_header *h, unsigned msg_type,
		     uint8_t minor_version)
{
	const struct msg_desc *d = msg_desc_get(msg_type);

	memset(h, 0, sizeof(*h));
	h->msg_type = msg_type & 0x0F;
	h->version = PTP_MAJOR_VERSION;
	h->minor_version = minor_version & 0x0F;
	h->control = d ? d->control : MSG_CTRL_OTHER;
	h->log_msg_interval = d ? d->log_interval : 0;
}

/* --- header -------------------------------------------------------------- */

/* The common header (13.3), 34 octets. */
static void msg_get_header(struct wire_reader *r, struct ptp_header *h)
{
	uint8_t b;

	b = wire_get_u8(r);
	h->major_sdo_id = b >> 4;
	h->msg_type = b & 0x0F;
	b = wire_get_u8(r);
	h->minor_version = b >> 4;
	h->version = b & 0x0F;
	h->msg_length = wire_get_u16(r);
	h->domain = wire_get_u8(r);
	h->minor_sdo_id = wire_get_u8(r);
	h->flags = wire_get_u16(r);
	h->correction = wire_get_i64(r);
	h->type_specific = wire_get_u32(r);
	h->source_port_identity = wire_get_port_identity(r);
	h->sequence_id = wire_get_u16(r);
	h->control = wire_get_u8(r);
	h->log_msg_interval = wire_get_i8(r);
}

static void msg_put_header(struct wire_writer *w, const struct ptp_header *h,
			   uint16_t msg_length)
{
	wire_put_u8(w, (uint8_t)((h->major_sdo_id & 0x0F) << 4 |
				 (h->msg_type & 0x0F)));
	wire_put_u8(w, (uint8_t)((h->minor_version & 0x0F) << 4 |
				 (h->version & 0x0F)));
	wire_put_u16(w, msg_length);
	wire_put_u8(w, h->domain);
	wire_put_u8(w, h->minor_sdo_id);
	wire_put_u16(w, h->flags);
	wire_put_i64(w, h->correction);
	wire_put_u32(w, h->type_specific);
	wire_put_port_identity(w, &h->source_port_identity);
	wire_put_u16(w, h->sequence_id);
	wire_put_u8(w, h->control);
	wire_put_i8(w, h->log_msg_interval);
}

/* --- unpack -------------------------------------------------------------- */

static void msg_clear(struct ptp_msg *m)
{
	memset(m, 0, sizeof(*m));
	tlv_views_clear(&m->tlv_view);
}

/* Header checks, in the order msg.h promises; returns the type's entry. */
static enum bc_drop msg_check_header(size_t len, const struct ptp_header *h,
				     const struct msg_desc **out)
{
	const struct msg_desc *d;
	size_t need;

	if (h->version != PTP_MAJOR_VERSION)
		return BC_DROP_BAD_VERSION;
	d = msg_desc_get(h->msg_type);
	if (!d)
		return BC_DROP_BAD_TYPE;
	need = PTP_HEADER_LEN + (size_t)d->body_len;
	/* Fewer bytes arrived than the type's fixed part: too short.  Enough
	 * bytes, but messageLength disagrees with them: bad length. */
	if (len < need)
		return BC_DROP_TOO_SHORT;
	if (h->msg_length > len || h->msg_length < need)
		return BC_DROP_BAD_LENGTH;
	*out = d;
	return BC_DROP_NONE;
}

static enum bc_drop msg_decode(const uint8_t *buf, size_t len,
			       struct ptp_msg *m)
{
	const struct msg_desc *d = NULL;
	struct wire_reader r;
	enum bc_drop why;

	msg_clear(m);
	if (!buf || len < PTP_HEADER_LEN)
		return BC_DROP_TOO_SHORT;
	wire_reader_init(&r, buf, len);
	msg_get_header(&r, &m->hdr);
	why = msg_check_header(len, &m->hdr, &d);
	if (why != BC_DROP_NONE)
		return why;
	/* From here on nothing past messageLength is ever looked at. */
	wire_reader_init(&r, buf, m->hdr.msg_length);
	wire_skip(&r, PTP_HEADER_LEN);
	why = d->get(&r, m);
	if (why != BC_DROP_NONE)
		return why;
	if (!wire_reader_ok(&r))
		return BC_DROP_TOO_SHORT; /* not reached: length checked */
	if (tlv_parse_all(&r, m))
		return BC_DROP_BAD_TLV;
	return BC_DROP_NONE;
}

int msg_unpack(const uint8_t *buf, size_t len, struct ptp_msg *m,
	       enum bc_drop *why)
{
	enum bc_drop d = msg_decode(buf, len, m);

	if (why)
		*why = d;
	return d == BC_DROP_NONE ? 0 : -EBADMSG;
}

/* --- pack ---------------------------------------------------------------- */

/* Total messageLength of m, or a negative errno for unusable TLVs. */
static int msg_packed_len(const struct ptp_msg *m, const struct msg_desc *d,
			  size_t *out)
{
	size_t total = PTP_HEADER_LEN + (size_t)d->body_len;
	unsigned i;

	if (m->n_tlvs > PTP_MAX_TLVS)
		return -EINVAL;
	for (i = 0; i < m->n_tlvs; i++) {
		if (m->tlvs[i].length && !m->tlvs[i].value)
			return -EINVAL;
		total += TLV_HEADER_LEN + (size_t)m->tlvs[i].length;
	}
	*out = total;
	return 0;
}

int msg_pack(const struct ptp_msg *m, uint8_t *buf, size_t cap)
{
	const struct msg_desc *d = msg_desc_get(m->hdr.msg_type);
	struct wire_writer w;
	size_t total;
	unsigned i;
	int err;

	if (!d)
		return -EINVAL;
	err = msg_packed_len(m, d, &total);
	if (err)
		return err;
	if (total > PTP_MAX_MSG_LEN || total > cap || !buf)
		return -EMSGSIZE;
	wire_writer_init(&w, buf, total);
	msg_put_header(&w, &m->hdr, (uint16_t)total);
	d->put(&w, m);
	for (i = 0; i < m->n_tlvs; i++) {
		wire_put_u16(&w, m->tlvs[i].type);
		wire_put_u16(&w, m->tlvs[i].length);
		wire_put_bytes(&w, m->tlvs[i].value, m->tlvs[i].length);
	}
	if (!wire_writer_ok(&w) || wire_writer_pos(&w) != total)
		return -EMSGSIZE; /* not reached: total computed above */
	return (int)total;
}
