/* tests/unit/test_tlv.c — the TLV table, TLV walk limits and TLV builders.
 * (The basic TLV cases — PATH_TRACE decoded, unknown TLV kept, two TLVs in a
 * row — are in test_msg.c.) */
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

static const struct clock_identity ids[3] = {
	{ { 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 } },
	{ { 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8 } },
};

/* A valid message of the type, without TLVs (byte layout: test_msg.c). */
static void make_msg(struct ptp_msg *m, unsigned type)
{
	memset(m, 0, sizeof(*m));
	msg_header_init(&m->hdr, type, 1);
	m->hdr.source_port_identity.clock_identity = ids[1];
	m->hdr.source_port_identity.port_number = 1;
	m->hdr.sequence_id = 99;
	if (type == PTP_MSG_MANAGEMENT)
		m->body.management.action = PTP_MGMT_RESPONSE;
}

/* Pack make_msg(type) into buf; returns its length. */
static size_t pack_base(unsigned type, uint8_t *buf, size_t cap)
{
	struct ptp_msg m;
	int n;

	make_msg(&m, type);
	n = msg_pack(&m, buf, cap);
	assert_true(n > 0);
	return (size_t)n;
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

/* More identities than PTP_MAX_PATH_TRACE: the first 32 are kept. */
static void test_path_trace_long(void **state)
{
	struct clock_identity many[PTP_MAX_PATH_TRACE + 5];
	uint8_t scratch_buf[512], buf[PTP_MAX_MSG_LEN];
	struct wire_writer scratch;
	struct ptp_msg m, back;
	unsigned i;
	int len;

	(void)state;
	for (i = 0; i < PTP_MAX_PATH_TRACE + 5; i++) {
		memset(many[i].id, 0, 8);
		many[i].id[7] = (uint8_t)i;
	}
	make_msg(&m, PTP_MSG_ANNOUNCE);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	assert_int_equal(tlv_put_path_trace(&m, &scratch, many,
					    PTP_MAX_PATH_TRACE + 5),
			 0);
	len = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(len, 64 + 4 + 8 * (PTP_MAX_PATH_TRACE + 5));
	assert_int_equal(msg_unpack(buf, (size_t)len, &back, NULL), 0);
	assert_true(back.tlv_view.has_path_trace);
	assert_int_equal(back.tlv_view.path_trace_count, PTP_MAX_PATH_TRACE);
	assert_int_equal(back.tlv_view.path_trace[PTP_MAX_PATH_TRACE - 1].id[7],
			 PTP_MAX_PATH_TRACE - 1);
	assert_int_equal(back.tlvs[0].length, 8 * (PTP_MAX_PATH_TRACE + 5));
}

/* Two PATH_TRACE TLVs: the first one is the path; the second is only
 * checked (a bad length is still refused). */
static void test_two_path_traces(void **state)
{
	uint8_t buf[128];
	struct ptp_msg m;
	size_t n = pack_base(PTP_MSG_ANNOUNCE, buf, sizeof(buf));
	uint8_t tlvs[] = {
		0x00, 0x08, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
		0x00, 0x08, 0x00, 0x10, 9, 9, 9, 9, 9, 9, 9, 9,
		8, 8, 8, 8, 8, 8, 8, 8,
	};

	(void)state;
	memcpy(buf + n, tlvs, sizeof(tlvs));
	buf[3] = (uint8_t)(n + sizeof(tlvs));
	assert_int_equal(msg_unpack(buf, n + sizeof(tlvs), &m, NULL), 0);
	assert_int_equal(m.n_tlvs, 2);
	assert_int_equal(m.tlv_view.path_trace_count, 1);
	assert_memory_equal(m.tlv_view.path_trace[0].id, ids[0].id, 8);
	/* the second one 15 bytes long: not a whole number of identities */
	buf[n + 15] = 0x0F;
	buf[3] = (uint8_t)(n + sizeof(tlvs) - 1);
	assert_int_equal(msg_unpack(buf, n + sizeof(tlvs) - 1, &m, NULL),
			 -EBADMSG);
}

/* More TLVs than PTP_MAX_TLVS: all checked, the first 16 kept. */
static void test_many_tlvs(void **state)
{
	uint8_t buf[256];
	struct ptp_msg m;
	size_t pos = pack_base(PTP_MSG_SYNC, buf, sizeof(buf));
	unsigned i;

	(void)state;
	for (i = 0; i < PTP_MAX_TLVS + 4; i++) {
		buf[pos++] = 0x80; /* PAD */
		buf[pos++] = 0x08;
		buf[pos++] = 0x00;
		buf[pos++] = 0x00;
	}
	buf[2] = (uint8_t)(pos >> 8);
	buf[3] = (uint8_t)pos;
	assert_int_equal(msg_unpack(buf, pos, &m, NULL), 0);
	assert_int_equal(m.n_tlvs, PTP_MAX_TLVS);
	/* a bad known TLV after the 16th is still refused */
	buf[pos - 4] = 0x00;
	buf[pos - 3] = 0x01; /* MANAGEMENT with length 0 */
	assert_int_equal(msg_unpack(buf, pos, &m, NULL), -EBADMSG);
}

static void test_management_tlvs(void **state)
{
	uint8_t scratch_buf[64], buf[256];
	struct wire_writer scratch;
	struct ptp_msg m, back;
	static const uint8_t data[3] = { 0x80, 0x00, 0x01 };
	int len;

	(void)state;
	make_msg(&m, PTP_MSG_MANAGEMENT);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	/* odd data: padded to even */
	assert_int_equal(tlv_put_management(&m, &scratch, 0x2005, data, 3), 0);
	assert_int_equal(m.tlvs[0].length, 6);
	assert_int_equal(wire_writer_pos(&scratch), 6);
	assert_int_equal(scratch_buf[5], 0);
	len = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(len, 48 + 10);
	assert_int_equal(msg_unpack(buf, (size_t)len, &back, NULL), 0);
	assert_int_equal(back.tlv_view.management, 0);
	assert_int_equal(back.tlv_view.management_id, 0x2005);
	assert_tlvs_equal(&m, &back);

	/* an error status answer */
	make_msg(&m, PTP_MSG_MANAGEMENT);
	assert_int_equal(tlv_put_management_error(&m, &scratch,
						  TLV_MGMT_ERR_NO_SUCH_ID,
						  0x2009),
			 0);
	len = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(len, 48 + 12);
	assert_int_equal(buf[48], 0x00);
	assert_int_equal(buf[49], 0x02);
	assert_int_equal(buf[51], 8);
	assert_int_equal(buf[53], TLV_MGMT_ERR_NO_SUCH_ID);
	assert_int_equal(buf[54], 0x20);
	assert_int_equal(buf[55], 0x09);
	assert_int_equal(msg_unpack(buf, (size_t)len, &back, NULL), 0);
	assert_int_equal(back.tlv_view.management, -1);
	assert_int_equal(back.tlv_view.management_error, 0);
	assert_int_equal(back.tlv_view.management_id, 0x2009);

	/* PAD, MANAGEMENT, MANAGEMENT: the first management TLV is the one */
	make_msg(&m, PTP_MSG_MANAGEMENT);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	assert_int_equal(tlv_append(&m, TLV_PAD, data, 2), 0);
	assert_int_equal(tlv_put_management(&m, &scratch, 0x2001, NULL, 0), 0);
	assert_int_equal(tlv_put_management(&m, &scratch, 0x2002, NULL, 0), 0);
	assert_int_equal(tlv_put_management(&m, &scratch, 1, NULL, 3),
			 -EINVAL);
	len = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(len, 48 + 6 + 6 + 6);
	assert_int_equal(msg_unpack(buf, (size_t)len, &back, NULL), 0);
	assert_int_equal(back.n_tlvs, 3);
	assert_int_equal(back.tlv_view.management, 1);
	assert_int_equal(back.tlv_view.management_id, 0x2001);
}

static void test_tlv_builders_limits(void **state)
{
	uint8_t scratch_buf[10];
	struct wire_writer scratch;
	struct ptp_msg m;
	static const uint8_t data[8];
	unsigned i;

	(void)state;
	make_msg(&m, PTP_MSG_MANAGEMENT);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	/* 2 + 8 fills the 10 bytes exactly */
	assert_int_equal(tlv_put_management(&m, &scratch, 1, data, 8), 0);
	assert_int_equal(wire_writer_pos(&scratch), 10);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	assert_int_equal(tlv_put_management(&m, &scratch, 1, data, 7), 0);
	assert_int_equal(m.tlvs[1].length, 10); /* 2 + 7 + pad */
	/* in 9 bytes the pad byte does not fit: refused, scratch rewound */
	wire_writer_init(&scratch, scratch_buf, 9);
	assert_int_equal(tlv_put_management(&m, &scratch, 1, data, 7),
			 -EMSGSIZE);
	assert_int_equal(wire_writer_pos(&scratch), 0);
	assert_true(wire_writer_ok(&scratch));
	assert_int_equal(m.n_tlvs, 2);
	/* the smaller answer still fits after the failure */
	assert_int_equal(tlv_put_management_error(&m, &scratch, 2, 1), 0);
	assert_int_equal(m.n_tlvs, 3);
	/* impossible length for a known type */
	assert_int_equal(tlv_append(&m, TLV_MANAGEMENT, data, 1), -EINVAL);
	assert_int_equal(tlv_append(&m, TLV_GRANT_UNICAST_TRANSMISSION, data,
				    6),
			 -EINVAL);
	assert_int_equal(tlv_append(&m, 0x7000, NULL, 2), -EINVAL);
	assert_int_equal(tlv_append(&m, 0x7000, NULL, 0), 0);
	for (i = m.n_tlvs; i < PTP_MAX_TLVS; i++)
		assert_int_equal(tlv_append(&m, TLV_PAD, data, 2), 0);
	assert_int_equal(tlv_append(&m, TLV_PAD, data, 2), -ENOSPC);
	assert_int_equal(m.n_tlvs, PTP_MAX_TLVS);
	assert_int_equal(tlv_put_path_trace(&m, &scratch, NULL, 1), -EINVAL);
}

static void test_tlv_table(void **state)
{
	const struct tlv_desc *d;

	(void)state;
	d = tlv_desc_find(TLV_PATH_TRACE);
	assert_non_null(d);
	assert_true(tlv_length_ok(d, 0));
	assert_true(tlv_length_ok(d, 16));
	assert_false(tlv_length_ok(d, 7)); /* odd */
	d = tlv_desc_find(TLV_MANAGEMENT);
	assert_false(tlv_length_ok(d, 0));
	assert_true(tlv_length_ok(d, 2));
	assert_false(tlv_length_ok(d, 3));
	d = tlv_desc_find(TLV_MANAGEMENT_ERROR_STATUS);
	assert_false(tlv_length_ok(d, 6));
	assert_true(tlv_length_ok(d, 8));
	d = tlv_desc_find(TLV_REQUEST_UNICAST_TRANSMISSION);
	assert_true(tlv_length_ok(d, 6));
	assert_false(tlv_length_ok(d, 8));
	d = tlv_desc_find(TLV_PAD);
	assert_true(tlv_length_ok(d, 0));
	assert_true(tlv_length_ok(d, 0xFFFF));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlv_table),
		cmocka_unit_test(test_path_trace_long),
		cmocka_unit_test(test_two_path_traces),
		cmocka_unit_test(test_many_tlvs),
		cmocka_unit_test(test_management_tlvs),
		cmocka_unit_test(test_tlv_builders_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
