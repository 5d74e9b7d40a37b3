/* tests/unit/test_msg.c — PTP message pack/unpack and the TLV layer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/msg.h"
#include "bc/tlv.h"
#include "bc/wire.h"

static const struct port_identity src_port = {
	{ { 0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55 } }, 1
};
static const struct port_identity req_port = {
	{ { 0xAA, 0xBB, 0xCC, 0xFF, 0xFE, 0xDD, 0xEE, 0xFF } }, 2
};

/* --- comparing messages --------------------------------------------------- */

static void assert_ts_equal(const struct ptp_timestamp *a,
			    const struct ptp_timestamp *b)
{
	assert_true(a->seconds == b->seconds);
	assert_int_equal(a->nanoseconds, b->nanoseconds);
}

static void assert_port_equal(const struct port_identity *a,
			      const struct port_identity *b)
{
	assert_memory_equal(a->clock_identity.id, b->clock_identity.id, 8);
	assert_int_equal(a->port_number, b->port_number);
}

static void assert_header_equal(const struct ptp_header *a,
				const struct ptp_header *b)
{
	assert_int_equal(a->major_sdo_id, b->major_sdo_id);
	assert_int_equal(a->msg_type, b->msg_type);
	assert_int_equal(a->minor_version, b->minor_version);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->domain, b->domain);
	assert_int_equal(a->minor_sdo_id, b->minor_sdo_id);
	assert_int_equal(a->flags, b->flags);
	assert_true(a->correction == b->correction);
	assert_int_equal(a->type_specific, b->type_specific);
	assert_port_equal(&a->source_port_identity, &b->source_port_identity);
	assert_int_equal(a->sequence_id, b->sequence_id);
	assert_int_equal(a->control, b->control);
	assert_int_equal(a->log_msg_interval, b->log_msg_interval);
}

static void assert_announce_equal(const struct ptp_announce *a,
				  const struct ptp_announce *b)
{
	assert_ts_equal(&a->origin_timestamp, &b->origin_timestamp);
	assert_int_equal(a->current_utc_offset, b->current_utc_offset);
	assert_int_equal(a->gm_priority1, b->gm_priority1);
	assert_int_equal(a->gm_clock_quality.clock_class,
			 b->gm_clock_quality.clock_class);
	assert_int_equal(a->gm_clock_quality.clock_accuracy,
			 b->gm_clock_quality.clock_accuracy);
	assert_int_equal(a->gm_clock_quality.offset_scaled_log_variance,
			 b->gm_clock_quality.offset_scaled_log_variance);
	assert_int_equal(a->gm_priority2, b->gm_priority2);
	assert_memory_equal(a->gm_identity.id, b->gm_identity.id, 8);
	assert_int_equal(a->steps_removed, b->steps_removed);
	assert_int_equal(a->time_source, b->time_source);
}

static void assert_body_equal(unsigned type, const struct ptp_msg *a,
			      const struct ptp_msg *b)
{
	switch (type) {
	case PTP_MSG_SYNC:
	case PTP_MSG_DELAY_REQ:
		assert_ts_equal(&a->body.sync.origin_timestamp,
				&b->body.sync.origin_timestamp);
		break;
	case PTP_MSG_FOLLOW_UP:
		assert_ts_equal(&a->body.follow_up.precise_origin_timestamp,
				&b->body.follow_up.precise_origin_timestamp);
		break;
	case PTP_MSG_PDELAY_REQ:
		assert_ts_equal(&a->body.pdelay_req.origin_timestamp,
				&b->body.pdelay_req.origin_timestamp);
		break;
	case PTP_MSG_DELAY_RESP:
		assert_ts_equal(&a->body.delay_resp.receive_timestamp,
				&b->body.delay_resp.receive_timestamp);
		assert_port_equal(&a->body.delay_resp.requesting_port_identity,
				  &b->body.delay_resp.requesting_port_identity);
		break;
	case PTP_MSG_PDELAY_RESP:
	case PTP_MSG_PDELAY_RESP_FOLLOW_UP:
		assert_ts_equal(&a->body.pdelay_resp.timestamp,
				&b->body.pdelay_resp.timestamp);
		assert_port_equal(&a->body.pdelay_resp.requesting_port_identity,
				  &b->body.pdelay_resp.requesting_port_identity);
		break;
	case PTP_MSG_ANNOUNCE:
		assert_announce_equal(&a->body.announce, &b->body.announce);
		break;
	case PTP_MSG_SIGNALING:
		assert_port_equal(&a->body.signaling.target_port_identity,
				  &b->body.signaling.target_port_identity);
		break;
	case PTP_MSG_MANAGEMENT:
		assert_port_equal(&a->body.management.target_port_identity,
				  &b->body.management.target_port_identity);
		assert_int_equal(a->body.management.starting_boundary_hops,
				 b->body.management.starting_boundary_hops);
		assert_int_equal(a->body.management.boundary_hops,
				 b->body.management.boundary_hops);
		assert_int_equal(a->body.management.action,
				 b->body.management.action);
		break;
	default:
		fail_msg("type %u", type);
	}
}

static void assert_tlvs_equal(const struct ptp_msg *a, const struct ptp_msg *b)
{
	unsigned i;

	assert_int_equal(a->n_tlvs, b->n_tlvs);
	for (i = 0; i < a->n_tlvs; i++) {
		assert_int_equal(a->tlvs[i].type, b->tlvs[i].type);
		assert_int_equal(a->tlvs[i].length, b->tlvs[i].length);
		if (a->tlvs[i].length)
			assert_memory_equal(a->tlvs[i].value, b->tlvs[i].value,
					    a->tlvs[i].length);
	}
}

static void assert_msg_equal(const struct ptp_msg *a, const struct ptp_msg *b)
{
	assert_header_equal(&a->hdr, &b->hdr);
	assert_body_equal(a->hdr.msg_type, a, b);
	assert_tlvs_equal(a, b);
}

/* --- sample messages ------------------------------------------------------ */

static const unsigned all_types[] = {
	PTP_MSG_SYNC,	    PTP_MSG_DELAY_REQ,
	PTP_MSG_PDELAY_REQ, PTP_MSG_PDELAY_RESP,
	PTP_MSG_FOLLOW_UP,  PTP_MSG_DELAY_RESP,
	PTP_MSG_PDELAY_RESP_FOLLOW_UP,
	PTP_MSG_ANNOUNCE,   PTP_MSG_SIGNALING,
	PTP_MSG_MANAGEMENT,
};
#define N_TYPES (sizeof(all_types) / sizeof(all_types[0]))

/* Body lengths of IEEE 1588-2019 clause 13 / 15.4, written out here rather
 * than taken from msg_body_len(). */
static unsigned std_body_len(unsigned type)
{
	switch (type) {
	case PTP_MSG_SYNC:
	case PTP_MSG_DELAY_REQ:
	case PTP_MSG_FOLLOW_UP:
	case PTP_MSG_SIGNALING:
		return 10;
	case PTP_MSG_PDELAY_REQ:
	case PTP_MSG_PDELAY_RESP:
	case PTP_MSG_DELAY_RESP:
	case PTP_MSG_PDELAY_RESP_FOLLOW_UP:
		return 20;
	case PTP_MSG_ANNOUNCE:
		return 30;
	case PTP_MSG_MANAGEMENT:
		return 14;
	}
	return 0;
}

static const struct ptp_timestamp sample_ts = { 0x0000ABCDEF01ull, 987654321 };

/* A message of the given type with distinct values in every field. */
static void make_msg(struct ptp_msg *m, unsigned type)
{
	memset(m, 0, sizeof(*m));
	msg_header_init(&m->hdr, type, 1);
	m->hdr.major_sdo_id = 0x3;
	m->hdr.domain = 44;
	m->hdr.minor_sdo_id = 0x5A;
	m->hdr.flags = PTP_FLAG_TWO_STEP | PTP_FLAG_PTP_TIMESCALE;
	m->hdr.correction = 0x0102030405060708ll;
	m->hdr.type_specific = 0xA1B2C3D4u;
	m->hdr.source_port_identity = src_port;
	m->hdr.sequence_id = 0xBEEF;
	m->hdr.log_msg_interval = -4;
	switch (type) {
	case PTP_MSG_SYNC:
	case PTP_MSG_DELAY_REQ:
		m->body.sync.origin_timestamp = sample_ts;
		break;
	case PTP_MSG_FOLLOW_UP:
		m->body.follow_up.precise_origin_timestamp = sample_ts;
		break;
	case PTP_MSG_PDELAY_REQ:
		m->body.pdelay_req.origin_timestamp = sample_ts;
		break;
	case PTP_MSG_DELAY_RESP:
		m->body.delay_resp.receive_timestamp = sample_ts;
		m->body.delay_resp.requesting_port_identity = req_port;
		break;
	case PTP_MSG_PDELAY_RESP:
	case PTP_MSG_PDELAY_RESP_FOLLOW_UP:
		m->body.pdelay_resp.timestamp = sample_ts;
		m->body.pdelay_resp.requesting_port_identity = req_port;
		break;
	case PTP_MSG_ANNOUNCE:
		m->body.announce.origin_timestamp = sample_ts;
		m->body.announce.current_utc_offset = 37;
		m->body.announce.gm_priority1 = 128;
		m->body.announce.gm_clock_quality.clock_class = 6;
		m->body.announce.gm_clock_quality.clock_accuracy = 0x21;
		m->body.announce.gm_clock_quality.offset_scaled_log_variance =
			0x4E5D;
		m->body.announce.gm_priority2 = 127;
		m->body.announce.gm_identity = req_port.clock_identity;
		m->body.announce.steps_removed = 3;
		m->body.announce.time_source = TS_GNSS;
		break;
	case PTP_MSG_SIGNALING:
		m->body.signaling.target_port_identity = req_port;
		break;
	case PTP_MSG_MANAGEMENT:
		m->body.management.target_port_identity = req_port;
		m->body.management.starting_boundary_hops = 7;
		m->body.management.boundary_hops = 5;
		m->body.management.action = PTP_MGMT_RESPONSE;
		break;
	}
}

/* Pack, check the header bytes against the standard layout, unpack,
 * compare. */
static void test_every_type_round_trip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		unsigned type = all_types[i];
		unsigned full = PTP_HEADER_LEN + std_body_len(type);
		uint8_t buf[PTP_MAX_MSG_LEN];
		struct ptp_msg m, back;
		enum bc_drop why = BC_DROP_COUNT;

		make_msg(&m, type);
		assert_int_equal(msg_body_len(type), std_body_len(type));
		assert_int_equal(msg_pack(&m, buf, sizeof(buf)), full);
		assert_int_equal(buf[0], 0x30 | type);
		assert_int_equal(buf[1], 0x12);
		assert_int_equal(buf[2], full >> 8);
		assert_int_equal(buf[3], full & 0xFF);
		assert_int_equal(buf[4], 44);
		assert_int_equal(buf[5], 0x5A);
		assert_int_equal(buf[6], 0x02); /* twoStepFlag */
		assert_int_equal(buf[7], 0x08); /* ptpTimescale */
		assert_int_equal(buf[8], 0x01);
		assert_int_equal(buf[15], 0x08);
		assert_int_equal(buf[16], 0xA1);
		assert_int_equal(buf[19], 0xD4);
		assert_memory_equal(&buf[20], src_port.clock_identity.id, 8);
		assert_int_equal(buf[29], 1);
		assert_int_equal(buf[30], 0xBE);
		assert_int_equal(buf[31], 0xEF);
		assert_int_equal(buf[32], m.hdr.control);
		assert_int_equal(buf[33], 0xFC); /* -4 */
		if (type == PTP_MSG_SIGNALING || type == PTP_MSG_MANAGEMENT) {
			assert_memory_equal(&buf[34], req_port.clock_identity.id,
					    8);
		} else {
			/* 48-bit seconds, then nanoseconds */
			static const uint8_t ts[] = { 0x00, 0x00, 0xAB, 0xCD,
						      0xEF, 0x01, 0x3A, 0xDE,
						      0x68, 0xB1 };

			assert_memory_equal(&buf[34], ts, sizeof(ts));
		}
		memset(&back, 0x5C, sizeof(back));
		assert_int_equal(msg_unpack(buf, full, &back, &why), 0);
		assert_int_equal(why, BC_DROP_NONE);
		assert_int_equal(back.hdr.msg_length, full);
		assert_msg_equal(&m, &back);
		assert_int_equal(back.n_tlvs, 0);
		assert_false(back.tlv_view.has_path_trace);
		assert_int_equal(back.tlv_view.management, -1);
		assert_int_equal(back.tlv_view.management_error, -1);
	}
}

/* --- hand-written messages from the standard's layout --------------------- */

static const uint8_t sync_bytes[44] = {
	0x00, /* majorSdoId 0 | messageType 0 (Sync) */
	0x12, /* minorVersionPTP 1 | versionPTP 2 */
	0x00, 0x2C, /* messageLength 44 */
	0x18, /* domainNumber 24 */
	0x00, /* minorSdoId */
	0x02, 0x08, /* flags: twoStepFlag | ptpTimescale */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, /* correction 1.5 ns */
	0x00, 0x00, 0x00, 0x00, /* messageTypeSpecific */
	0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55, 0x00, 0x01, /* source */
	0x12, 0x34, /* sequenceId */
	0x00, /* controlField: Sync */
	0xFD, /* logMessageInterval -3 */
	0x00, 0x00, 0x12, 0x34, 0x56, 0x78, /* originTimestamp.seconds */
	0x1D, 0xCD, 0x65, 0x00, /* .nanoseconds 500000000 */
};

static void test_sync_bytes(void **state)
{
	struct ptp_msg m, back;
	uint8_t buf[64];
	enum bc_drop why;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_SYNC, 1);
	m.hdr.domain = 24;
	m.hdr.flags = PTP_FLAG_TWO_STEP | PTP_FLAG_PTP_TIMESCALE;
	m.hdr.correction = 0x18000; /* 1.5 ns */
	m.hdr.source_port_identity = src_port;
	m.hdr.sequence_id = 0x1234;
	m.hdr.log_msg_interval = -3;
	m.body.sync.origin_timestamp.seconds = 0x12345678;
	m.body.sync.origin_timestamp.nanoseconds = 500000000;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), sizeof(sync_bytes));
	assert_memory_equal(buf, sync_bytes, sizeof(sync_bytes));
	assert_int_equal(msg_unpack(sync_bytes, sizeof(sync_bytes), &back, &why),
			 0);
	assert_int_equal(why, BC_DROP_NONE);
	assert_int_equal(back.hdr.msg_length, 44);
	assert_msg_equal(&m, &back);
}

static const uint8_t announce_bytes[64] = {
	0x1B, /* majorSdoId 1 | Announce */
	0x02, /* minorVersionPTP 0 | versionPTP 2 */
	0x00, 0x40, /* messageLength 64 */
	0x00, 0x00, /* domain, minorSdoId */
	0x00, 0x1C, /* currentUtcOffsetValid | ptpTimescale | timeTraceable */
	0, 0, 0, 0, 0, 0, 0, 0, /* correction */
	0, 0, 0, 0, /* messageTypeSpecific */
	0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55, 0x00, 0x01, /* source */
	0x00, 0x07, /* sequenceId */
	0x05, /* controlField: other */
	0x01, /* logMessageInterval 1 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* originTimestamp */
	0x00, 0x25, /* currentUtcOffset 37 */
	0x00, /* reserved */
	0x80, /* grandmasterPriority1 */
	0x06, 0x21, 0x4E, 0x5D, /* grandmasterClockQuality */
	0x81, /* grandmasterPriority2 */
	0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55, /* grandmasterIdentity */
	0x00, 0x01, /* stepsRemoved */
	0x20, /* timeSource GNSS */
};

static void test_announce_bytes(void **state)
{
	struct ptp_msg m, back;
	uint8_t buf[128];
	enum bc_drop why;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_ANNOUNCE, 0);
	m.hdr.major_sdo_id = 1;
	m.hdr.flags = PTP_FLAG_UTC_OFFSET_VALID | PTP_FLAG_PTP_TIMESCALE |
		      PTP_FLAG_TIME_TRACEABLE;
	m.hdr.source_port_identity = src_port;
	m.hdr.sequence_id = 7;
	m.hdr.log_msg_interval = 1;
	m.body.announce.current_utc_offset = 37;
	m.body.announce.gm_priority1 = 128;
	m.body.announce.gm_clock_quality.clock_class = 6;
	m.body.announce.gm_clock_quality.clock_accuracy = 0x21;
	m.body.announce.gm_clock_quality.offset_scaled_log_variance = 0x4E5D;
	m.body.announce.gm_priority2 = 129;
	m.body.announce.gm_identity = src_port.clock_identity;
	m.body.announce.steps_removed = 1;
	m.body.announce.time_source = TS_GNSS;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), sizeof(announce_bytes));
	assert_memory_equal(buf, announce_bytes, sizeof(announce_bytes));
	assert_int_equal(msg_unpack(announce_bytes, sizeof(announce_bytes),
				    &back, &why),
			 0);
	assert_msg_equal(&m, &back);
}

static const uint8_t delay_resp_bytes[54] = {
	0x09, 0x02, /* Delay_Resp, v2.0 */
	0x00, 0x36, /* messageLength 54 */
	0x00, 0x00, /* domain, minorSdoId */
	0x04, 0x00, /* unicastFlag */
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD, 0x00, 0x00, /* correction -3 ns */
	0, 0, 0, 0, /* messageTypeSpecific */
	0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55, 0x00, 0x01, /* source */
	0x12, 0x34, /* sequenceId */
	0x03, /* controlField: Delay_Resp */
	0x7F, /* logMessageInterval: unicast */
	0x00, 0x00, 0x65, 0x53, 0xF1, 0x00, /* receiveTimestamp 1700000000 s */
	0x07, 0x5B, 0xCD, 0x15, /* 123456789 ns */
	0xAA, 0xBB, 0xCC, 0xFF, 0xFE, 0xDD, 0xEE, 0xFF, 0x00, 0x02, /* req */
};

static void test_delay_resp_bytes(void **state)
{
	struct ptp_msg m, back;
	uint8_t buf[128];
	enum bc_drop why;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_DELAY_RESP, 0);
	m.hdr.flags = PTP_FLAG_UNICAST;
	m.hdr.correction = -3 * 65536;
	m.hdr.source_port_identity = src_port;
	m.hdr.sequence_id = 0x1234;
	m.hdr.log_msg_interval = 0x7F;
	m.body.delay_resp.receive_timestamp.seconds = 1700000000;
	m.body.delay_resp.receive_timestamp.nanoseconds = 123456789;
	m.body.delay_resp.requesting_port_identity = req_port;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)),
			 sizeof(delay_resp_bytes));
	assert_memory_equal(buf, delay_resp_bytes, sizeof(delay_resp_bytes));
	assert_int_equal(msg_unpack(delay_resp_bytes, sizeof(delay_resp_bytes),
				    &back, &why),
			 0);
	assert_msg_equal(&m, &back);
	assert_true(back.hdr.correction == -196608);
}

/* A GET of DEFAULT_DATA_SET as pmc sends it. */
static const uint8_t mgmt_bytes[54] = {
	0x0D, 0x02, /* Management, v2.0 */
	0x00, 0x36, /* messageLength 54 */
	0x00, 0x00, 0x00, 0x00, /* domain, minorSdoId, flags */
	0, 0, 0, 0, 0, 0, 0, 0, /* correction */
	0, 0, 0, 0, /* messageTypeSpecific */
	0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55, 0x00, 0x01, /* source */
	0x00, 0x01, /* sequenceId */
	0x04, /* controlField: Management */
	0x7F, /* logMessageInterval */
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /* target */
	0x01, /* startingBoundaryHops */
	0x01, /* boundaryHops */
	0x00, /* reserved | actionField GET */
	0x00, /* reserved */
	0x00, 0x01, /* tlvType MANAGEMENT */
	0x00, 0x02, /* lengthField */
	0x20, 0x00, /* managementId DEFAULT_DATA_SET */
};

static void test_management_bytes(void **state)
{
	uint8_t scratch_buf[16], buf[128];
	struct wire_writer scratch;
	struct ptp_msg m, back;
	enum bc_drop why;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_MANAGEMENT, 0);
	m.hdr.source_port_identity = src_port;
	m.hdr.sequence_id = 1;
	memset(&m.body.management.target_port_identity, 0xFF,
	       sizeof(m.body.management.target_port_identity));
	m.body.management.starting_boundary_hops = 1;
	m.body.management.boundary_hops = 1;
	m.body.management.action = PTP_MGMT_GET;
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	assert_int_equal(tlv_put_management(&m, &scratch, 0x2000, NULL, 0), 0);
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), sizeof(mgmt_bytes));
	assert_memory_equal(buf, mgmt_bytes, sizeof(mgmt_bytes));
	assert_int_equal(msg_unpack(mgmt_bytes, sizeof(mgmt_bytes), &back,
				    &why),
			 0);
	assert_msg_equal(&m, &back);
	assert_int_equal(back.n_tlvs, 1);
	assert_int_equal(back.tlv_view.management, 0);
	assert_int_equal(back.tlv_view.management_error, -1);
	assert_int_equal(back.tlv_view.management_id, 0x2000);
	assert_ptr_equal(back.tlvs[0].value, &mgmt_bytes[52]);
}

/* The reserved nibble and byte around actionField are ignored on read. */
static void test_management_reserved(void **state)
{
	uint8_t in[sizeof(mgmt_bytes)], out[sizeof(mgmt_bytes)];
	struct ptp_msg m;

	(void)state;
	memcpy(in, mgmt_bytes, sizeof(in));
	in[46] = 0xF3; /* reserved nibble set, COMMAND */
	in[47] = 0xAA;
	assert_int_equal(msg_unpack(in, sizeof(in), &m, NULL), 0);
	assert_int_equal(m.body.management.action, PTP_MGMT_COMMAND);
	assert_int_equal(msg_pack(&m, out, sizeof(out)), sizeof(out));
	assert_int_equal(out[46], 0x03);
	assert_int_equal(out[47], 0x00);
}

/* Pdelay_Req: 10 reserved bytes written as zero, ignored on read. */
static void test_pdelay_req_reserved(void **state)
{
	uint8_t buf[64];
	struct ptp_msg m, back;
	size_t i;

	(void)state;
	make_msg(&m, PTP_MSG_PDELAY_REQ);
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), 54);
	for (i = 44; i < 54; i++)
		assert_int_equal(buf[i], 0);
	memset(&buf[44], 0xEE, 10);
	assert_int_equal(msg_unpack(buf, 54, &back, NULL), 0);
	assert_msg_equal(&m, &back);
}

/* Announce: the reserved byte after currentUtcOffset likewise. */
static void test_announce_reserved(void **state)
{
	uint8_t in[sizeof(announce_bytes)], out[sizeof(announce_bytes)];
	struct ptp_msg m;

	(void)state;
	memcpy(in, announce_bytes, sizeof(in));
	in[46] = 0x99;
	assert_int_equal(msg_unpack(in, sizeof(in), &m, NULL), 0);
	assert_int_equal(msg_pack(&m, out, sizeof(out)), sizeof(out));
	assert_memory_equal(out, announce_bytes, sizeof(out));
}

/* --- header fields ---------------------------------------------------------- */

/* Table 37: each flag's octet and bit, independent of PTP_FLAG_*. */
static const struct {
	const char *name;
	uint16_t flag;
	unsigned octet; /* 6 or 7 in the message */
	uint8_t bit;
} flag_bits[] = {
	{ "alternateMasterFlag", PTP_FLAG_ALTERNATE_MASTER, 6, 0x01 },
	{ "twoStepFlag", PTP_FLAG_TWO_STEP, 6, 0x02 },
	{ "unicastFlag", PTP_FLAG_UNICAST, 6, 0x04 },
	{ "PTP profile Specific 1", PTP_FLAG_PROFILE1, 6, 0x20 },
	{ "PTP profile Specific 2", PTP_FLAG_PROFILE2, 6, 0x40 },
	{ "leap61", PTP_FLAG_LEAP61, 7, 0x01 },
	{ "leap59", PTP_FLAG_LEAP59, 7, 0x02 },
	{ "currentUtcOffsetValid", PTP_FLAG_UTC_OFFSET_VALID, 7, 0x04 },
	{ "ptpTimescale", PTP_FLAG_PTP_TIMESCALE, 7, 0x08 },
	{ "timeTraceable", PTP_FLAG_TIME_TRACEABLE, 7, 0x10 },
	{ "frequencyTraceable", PTP_FLAG_FREQ_TRACEABLE, 7, 0x20 },
	{ "synchronizationUncertain", PTP_FLAG_SYNC_UNCERTAIN, 7, 0x40 },
};

static void test_flags(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(flag_bits) / sizeof(flag_bits[0]); i++) {
		struct ptp_msg m, back;
		uint8_t buf[128];
		unsigned other = flag_bits[i].octet == 6 ? 7 : 6;

		make_msg(&m, PTP_MSG_ANNOUNCE);
		m.hdr.flags = flag_bits[i].flag;
		assert_int_equal(msg_pack(&m, buf, sizeof(buf)), 64);
		if (buf[flag_bits[i].octet] != flag_bits[i].bit ||
		    buf[other] != 0)
			fail_msg("%s: octets %02x %02x", flag_bits[i].name,
				 buf[6], buf[7]);
		assert_int_equal(msg_unpack(buf, 64, &back, NULL), 0);
		assert_int_equal(back.hdr.flags, flag_bits[i].flag);
	}
}

static void test_negative_correction(void **state)
{
	static const int64_t values[] = { -1, -65536, -123456789ll * 65536,
					  INT64_MIN, INT64_MAX };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct ptp_msg m, back;
		uint8_t buf[64];
		uint64_t u = (uint64_t)values[i];
		unsigned k;

		make_msg(&m, PTP_MSG_FOLLOW_UP);
		m.hdr.correction = values[i];
		assert_int_equal(msg_pack(&m, buf, sizeof(buf)), 44);
		for (k = 0; k < 8; k++)
			assert_int_equal(buf[8 + k], (uint8_t)(u >> (56 - 8 * k)));
		assert_int_equal(msg_unpack(buf, 44, &back, NULL), 0);
		assert_true(back.hdr.correction == values[i]);
	}
}

static void test_minor_versions(void **state)
{
	unsigned minor;

	(void)state;
	for (minor = 0; minor < 16; minor++) {
		uint8_t buf[sizeof(sync_bytes)];
		struct ptp_msg m;
		enum bc_drop why;

		memcpy(buf, sync_bytes, sizeof(buf));
		buf[1] = (uint8_t)(minor << 4 | 2);
		assert_int_equal(msg_unpack(buf, sizeof(buf), &m, &why), 0);
		assert_int_equal(why, BC_DROP_NONE);
		assert_int_equal(m.hdr.minor_version, minor);
		assert_int_equal(m.hdr.version, 2);
	}
}

static void test_padding_ignored(void **state)
{
	uint8_t buf[sizeof(sync_bytes) + 20];
	struct ptp_msg m;

	(void)state;
	memcpy(buf, sync_bytes, sizeof(sync_bytes));
	/* garbage, including something that looks like a bad TLV */
	memset(buf + sizeof(sync_bytes), 0xFF, 20);
	assert_int_equal(msg_unpack(buf, sizeof(buf), &m, NULL), 0);
	assert_int_equal(m.hdr.msg_length, 44);
	assert_int_equal(m.n_tlvs, 0);
	/* a few bytes of padding too (would be a bad TLV inside the length) */
	assert_int_equal(msg_unpack(buf, sizeof(sync_bytes) + 2, &m, NULL), 0);
}

static void test_header_init(void **state)
{
	static const struct {
		unsigned type;
		uint8_t control;
		int8_t lmi;
	} want[] = {
		{ PTP_MSG_SYNC, 0, 0 },
		{ PTP_MSG_DELAY_REQ, 1, 0x7F },
		{ PTP_MSG_PDELAY_REQ, 5, 0x7F },
		{ PTP_MSG_PDELAY_RESP, 5, 0x7F },
		{ PTP_MSG_FOLLOW_UP, 2, 0 },
		{ PTP_MSG_DELAY_RESP, 3, 0 },
		{ PTP_MSG_PDELAY_RESP_FOLLOW_UP, 5, 0x7F },
		{ PTP_MSG_ANNOUNCE, 5, 0 },
		{ PTP_MSG_SIGNALING, 5, 0x7F },
		{ PTP_MSG_MANAGEMENT, 4, 0x7F },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct ptp_header h;

		memset(&h, 0xAB, sizeof(h));
		msg_header_init(&h, want[i].type, 1);
		assert_int_equal(h.msg_type, want[i].type);
		assert_int_equal(h.version, 2);
		assert_int_equal(h.minor_version, 1);
		assert_int_equal(h.control, want[i].control);
		assert_int_equal(h.log_msg_interval, want[i].lmi);
		assert_int_equal(h.major_sdo_id, 0);
		assert_int_equal(h.domain, 0);
		assert_int_equal(h.flags, 0);
		assert_true(h.correction == 0);
		assert_int_equal(h.sequence_id, 0);
		assert_int_equal(h.source_port_identity.port_number, 0);
	}
}

static void test_body_len_and_names(void **state)
{
	unsigned t;
	int d;

	(void)state;
	for (t = 0; t < 20; t++) {
		bool reserved = (t >= 4 && t <= 7) || t >= 0xE;

		if (reserved)
			assert_int_equal(msg_body_len(t), -1);
		else
			assert_int_equal(msg_body_len(t), std_body_len(t));
	}
	assert_string_equal(bc_drop_name(BC_DROP_NONE), "none");
	assert_string_equal(bc_drop_name(BC_DROP_BAD_TLV), "bad_tlv");
	assert_string_equal(bc_drop_name(BC_DROP_COUNT), "unknown");
	assert_string_equal(bc_drop_name((enum bc_drop)-1), "unknown");
	for (d = 0; d < BC_DROP_COUNT; d++)
		assert_string_not_equal(bc_drop_name((enum bc_drop)d),
					"unknown");
	assert_string_equal(tlv_type_name(TLV_PATH_TRACE), "PATH_TRACE");
	assert_string_equal(tlv_type_name(TLV_MANAGEMENT), "MANAGEMENT");
	assert_string_equal(tlv_type_name(0x7777), "UNKNOWN");
	assert_null(tlv_desc_find(0x0000));
	assert_non_null(tlv_desc_find(TLV_AUTHENTICATION));
}

static void test_pack_errors(void **state)
{
	struct ptp_msg m;
	uint8_t buf[PTP_MAX_MSG_LEN + 8];
	static uint8_t big[700];

	(void)state;
	make_msg(&m, PTP_MSG_SYNC);
	assert_int_equal(msg_pack(&m, buf, 43), -EMSGSIZE);
	assert_int_equal(msg_pack(&m, buf, 44), 44);
	assert_int_equal(msg_pack(&m, NULL, 100), -EMSGSIZE);
	m.hdr.msg_type = 5;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), -EINVAL);
	m.hdr.msg_type = 16;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), -EINVAL);
	make_msg(&m, PTP_MSG_SIGNALING);
	m.tlvs[0].type = 0x7000;
	m.tlvs[0].length = 4;
	m.tlvs[0].value = NULL;
	m.n_tlvs = 1;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), -EINVAL);
	m.n_tlvs = PTP_MAX_TLVS + 1;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), -EINVAL);
	/* 44 + 2 * (4 + 700) = 1452 fits, a third does not */
	m.n_tlvs = 0;
	assert_int_equal(tlv_append(&m, 0x7000, big, sizeof(big)), 0);
	assert_int_equal(tlv_append(&m, 0x7000, big, sizeof(big)), 0);
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), 1452);
	assert_int_equal(tlv_append(&m, 0x7000, big, 44), 0); /* 1500 */
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), 1500);
	m.tlvs[2].length = 45;
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), -EMSGSIZE);
}

/* --- TLVs ------------------------------------------------------------------- */

static const struct clock_identity ids[3] = {
	{ { 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 } },
	{ { 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8 } },
};

static void test_path_trace(void **state)
{
	uint8_t buf[128];
	uint8_t tail[4 + 24];
	struct ptp_msg m;
	enum bc_drop why;
	unsigned i;

	(void)state;
	/* hand-built: Announce + PATH_TRACE(3) */
	memcpy(buf, announce_bytes, sizeof(announce_bytes));
	tail[0] = 0x00;
	tail[1] = 0x08;
	tail[2] = 0x00;
	tail[3] = 24;
	for (i = 0; i < 3; i++)
		memcpy(&tail[4 + 8 * i], ids[i].id, 8);
	memcpy(buf + 64, tail, sizeof(tail));
	buf[3] = 64 + sizeof(tail);
	assert_int_equal(msg_unpack(buf, 64 + sizeof(tail), &m, &why), 0);
	assert_int_equal(m.n_tlvs, 1);
	assert_int_equal(m.tlvs[0].type, TLV_PATH_TRACE);
	assert_int_equal(m.tlvs[0].length, 24);
	assert_ptr_equal(m.tlvs[0].value, &buf[68]);
	assert_true(m.tlv_view.has_path_trace);
	assert_int_equal(m.tlv_view.path_trace_count, 3);
	for (i = 0; i < 3; i++)
		assert_memory_equal(m.tlv_view.path_trace[i].id, ids[i].id, 8);
}

static void test_path_trace_builder(void **state)
{
	uint8_t scratch_buf[64], buf[256];
	struct wire_writer scratch;
	struct ptp_msg m, back;
	unsigned i;

	(void)state;
	make_msg(&m, PTP_MSG_ANNOUNCE);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	assert_int_equal(tlv_put_path_trace(&m, &scratch, ids, 3), 0);
	assert_int_equal(m.n_tlvs, 1);
	assert_int_equal(msg_pack(&m, buf, sizeof(buf)), 64 + 28);
	assert_int_equal(buf[64], 0x00);
	assert_int_equal(buf[65], 0x08);
	assert_int_equal(buf[66], 0x00);
	assert_int_equal(buf[67], 24);
	assert_memory_equal(&buf[68 + 16], ids[2].id, 8);
	assert_int_equal(msg_unpack(buf, 92, &back, NULL), 0);
	assert_msg_equal(&m, &back);
	assert_int_equal(back.tlv_view.path_trace_count, 3);
	for (i = 0; i < 3; i++)
		assert_memory_equal(back.tlv_view.path_trace[i].id, ids[i].id,
				    8);
}

static void test_unknown_tlv_kept(void **state)
{
	uint8_t buf[128];
	struct ptp_msg m;
	size_t n = sizeof(sync_bytes);

	(void)state;
	memcpy(buf, sync_bytes, n);
	/* an unknown type with an odd length */
	buf[n + 0] = 0x7E;
	buf[n + 1] = 0x57;
	buf[n + 2] = 0x00;
	buf[n + 3] = 0x03;
	buf[n + 4] = 0xC1;
	buf[n + 5] = 0xC2;
	buf[n + 6] = 0xC3;
	buf[3] = (uint8_t)(n + 7);
	assert_int_equal(msg_unpack(buf, n + 7, &m, NULL), 0);
	assert_int_equal(m.n_tlvs, 1);
	assert_int_equal(m.tlvs[0].type, 0x7E57);
	assert_int_equal(m.tlvs[0].length, 3);
	assert_ptr_equal(m.tlvs[0].value, &buf[n + 4]);
	assert_false(m.tlv_view.has_path_trace);
	assert_int_equal(m.tlv_view.management, -1);
}

static void test_two_tlvs(void **state)
{
	uint8_t buf[128], out[128];
	struct ptp_msg m;
	size_t n = sizeof(announce_bytes);
	static const uint8_t tlvs[] = {
		0x80, 0x08, 0x00, 0x02, 0xAB, 0xCD, /* PAD, 2 bytes */
		0x00, 0x08, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, /* PATH_TRACE */
		0x12, 0x34, 0x00, 0x00, /* unknown, empty */
	};

	(void)state;
	memcpy(buf, announce_bytes, n);
	memcpy(buf + n, tlvs, sizeof(tlvs));
	buf[3] = (uint8_t)(n + sizeof(tlvs));
	assert_int_equal(msg_unpack(buf, n + sizeof(tlvs), &m, NULL), 0);
	assert_int_equal(m.n_tlvs, 3);
	assert_int_equal(m.tlvs[0].type, TLV_PAD);
	assert_int_equal(m.tlvs[0].length, 2);
	assert_int_equal(m.tlvs[1].type, TLV_PATH_TRACE);
	assert_int_equal(m.tlvs[2].type, 0x1234);
	assert_int_equal(m.tlvs[2].length, 0);
	assert_true(m.tlv_view.has_path_trace);
	assert_int_equal(m.tlv_view.path_trace_count, 1);
	assert_memory_equal(m.tlv_view.path_trace[0].id, ids[0].id, 8);
	/* packs back byte for byte */
	assert_int_equal(msg_pack(&m, out, sizeof(out)), n + sizeof(tlvs));
	assert_memory_equal(out, buf, n + sizeof(tlvs));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_round_trip),
		cmocka_unit_test(test_sync_bytes),
		cmocka_unit_test(test_announce_bytes),
		cmocka_unit_test(test_delay_resp_bytes),
		cmocka_unit_test(test_management_bytes),
		cmocka_unit_test(test_management_reserved),
		cmocka_unit_test(test_pdelay_req_reserved),
		cmocka_unit_test(test_announce_reserved),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_negative_correction),
		cmocka_unit_test(test_minor_versions),
		cmocka_unit_test(test_padding_ignored),
		cmocka_unit_test(test_header_init),
		cmocka_unit_test(test_body_len_and_names),
		cmocka_unit_test(test_pack_errors),
		cmocka_unit_test(test_path_trace),
		cmocka_unit_test(test_path_trace_builder),
		cmocka_unit_test(test_unknown_tlv_kept),
		cmocka_unit_test(test_two_tlvs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
