/*
 * tests/unit/test_msg_bad.c — msg_unpack() against bad input.
 *
 * Every input is copied into a heap buffer of exactly its length, so that
 * under ASan any read past the end is caught, not just wrong answers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bc/msg.h"
#include "bc/tlv.h"
#include "bc/wire.h"
#include "common/rng.h"

#define HDR PTP_HEADER_LEN

/* Body lengths of the standard, written out (not msg_body_len()). */
static unsigned std_body_len(unsigned type)
{
	static const int len[16] = { 10, 10, 20, 20, -1, -1, -1, -1,
				     10, 20, 20, 30, 10, 14, -1, -1 };

	return type < 16 && len[type] > 0 ? (unsigned)len[type] : 0;
}

static bool type_has_timestamp(unsigned type)
{
	return type != PTP_MSG_SIGNALING && type != PTP_MSG_MANAGEMENT;
}

static const unsigned all_types[] = {
	PTP_MSG_SYNC,	    PTP_MSG_DELAY_REQ,
	PTP_MSG_PDELAY_REQ, PTP_MSG_PDELAY_RESP,
	PTP_MSG_FOLLOW_UP,  PTP_MSG_DELAY_RESP,
	PTP_MSG_PDELAY_RESP_FOLLOW_UP,
	PTP_MSG_ANNOUNCE,   PTP_MSG_SIGNALING,
	PTP_MSG_MANAGEMENT,
};
#define N_TYPES (sizeof(all_types) / sizeof(all_types[0]))

/* Unpack a private heap copy of exactly len bytes. */
static int unpack_copy(const uint8_t *data, size_t len, struct ptp_msg *m,
		       enum bc_drop *why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	if (len)
		memcpy(copy, data, len);
	*why = BC_DROP_COUNT;
	rc = msg_unpack(copy, len, m, why);
	free(copy);
	/* m->tlvs[] point into copy: do not look at them from here on. */
	if (rc == 0)
		assert_int_equal(*why, BC_DROP_NONE);
	else
		assert_true(*why != BC_DROP_NONE && *why < BC_DROP_COUNT);
	return rc;
}

static enum bc_drop reason_of(const uint8_t *data, size_t len)
{
	struct ptp_msg m;
	enum bc_drop why;

	unpack_copy(data, len, &m, &why);
	return why;
}

static void set_length(uint8_t *buf, size_t msg_length)
{
	buf[2] = (uint8_t)(msg_length >> 8);
	buf[3] = (uint8_t)msg_length;
}

/* --- valid samples -------------------------------------------------------- */

struct sample {
	unsigned type;
	uint8_t buf[128];
	size_t len;
	/* offsets where the body ends and each TLV ends */
	size_t ends[4];
	unsigned n_ends;
};

static void make_sample(struct sample *s, unsigned type)
{
	static const struct clock_identity ci[2] = {
		{ { 1, 2, 3, 4, 5, 6, 7, 8 } },
		{ { 9, 10, 11, 12, 13, 14, 15, 16 } },
	};
	static const uint8_t unicast_req[6] = { 0xB0, 0, 0, 0, 0, 60 };
	static const uint8_t odd[3] = { 0xAA, 0xBB, 0xCC };
	static const uint8_t ddata[4] = { 0x80, 0, 0, 0 };
	uint8_t scratch_buf[64];
	struct wire_writer scratch;
	struct ptp_msg m;
	unsigned i;
	int len;

	memset(s, 0, sizeof(*s));
	memset(&m, 0, sizeof(m));
	s->type = type;
	msg_header_init(&m.hdr, type, 1);
	m.hdr.sequence_id = 0x4242;
	m.hdr.source_port_identity.clock_identity = ci[0];
	m.hdr.source_port_identity.port_number = 1;
	/* every body begins with a timestamp or a port identity: any bytes
	 * make a valid one, except nanoseconds (40..43) */
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	if (type == PTP_MSG_ANNOUNCE)
		assert_int_equal(tlv_put_path_trace(&m, &scratch, ci, 2), 0);
	if (type == PTP_MSG_MANAGEMENT)
		assert_int_equal(tlv_put_management(&m, &scratch, 0x2000, ddata,
						    sizeof(ddata)),
				 0);
	if (type == PTP_MSG_SIGNALING) {
		assert_int_equal(tlv_append(&m, TLV_REQUEST_UNICAST_TRANSMISSION,
					    unicast_req, 6),
				 0);
		assert_int_equal(tlv_append(&m, 0x7E01, odd, 3), 0);
	}
	len = msg_pack(&m, s->buf, sizeof(s->buf));
	assert_true(len > 0);
	s->len = (size_t)len;
	s->ends[0] = HDR + std_body_len(type);
	s->n_ends = 1;
	for (i = 0; i < m.n_tlvs; i++) {
		s->ends[s->n_ends] = s->ends[s->n_ends - 1] + TLV_HEADER_LEN +
				     m.tlvs[i].length;
		s->n_ends++;
	}
	assert_int_equal(s->ends[s->n_ends - 1], s->len);
}

static void test_samples_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;

		make_sample(&s, all_types[i]);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_NONE);
	}
}

/* --- truncation --------------------------------------------------------- */

/*
 * A message cut short, messageLength left as sent: the bytes of the header
 * or body are missing (TOO_SHORT), or only TLV bytes are (BAD_LENGTH:
 * messageLength promises more than arrived).
 */
static void test_truncated_buffer(void **state)
{
	unsigned count[BC_DROP_COUNT] = { 0 };
	unsigned want_short = 0, want_length = 0;
	size_t i, cut;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;

		make_sample(&s, all_types[i]);
		for (cut = 0; cut < s.len; cut++) {
			enum bc_drop why = reason_of(s.buf, cut);
			enum bc_drop want = cut < s.ends[0] ?
						    BC_DROP_TOO_SHORT :
						    BC_DROP_BAD_LENGTH;

			if (why != want)
				fail_msg("type %u cut %zu: %s, want %s",
					 s.type, cut, bc_drop_name(why),
					 bc_drop_name(want));
			count[why]++;
		}
		want_short += s.ends[0];
		want_length += s.len - s.ends[0];
	}
	assert_int_equal(count[BC_DROP_TOO_SHORT], want_short);
	assert_int_equal(count[BC_DROP_BAD_LENGTH], want_length);
	/* 10 types: header+body = 34*10 + 164; TLVs: 20 + 10 + 17 */
	assert_int_equal(want_short, 34 * 10 + 164);
	assert_int_equal(want_length, 47);
}

/*
 * A message cut short with messageLength rewritten to match, as a broken
 * sender might: inside the header or body it is TOO_SHORT; inside the
 * trailing TLVs it is BAD_TLV; a cut exactly between two TLVs (or right
 * after the body) leaves a valid, shorter message.
 */
static void test_truncated_with_length(void **state)
{
	unsigned count[BC_DROP_COUNT] = { 0 };
	unsigned want_ok = 0, want_tlv = 0, want_short = 0;
	size_t i, cut;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;
		unsigned k;

		make_sample(&s, all_types[i]);
		for (cut = 0; cut < s.len; cut++) {
			uint8_t buf[sizeof(s.buf)];
			struct ptp_msg m;
			enum bc_drop why, want = BC_DROP_BAD_TLV;
			unsigned kept = 0;

			memcpy(buf, s.buf, s.len);
			set_length(buf, cut);
			if (cut < s.ends[0])
				want = BC_DROP_TOO_SHORT;
			for (k = 0; k < s.n_ends; k++) {
				if (cut == s.ends[k]) {
					want = BC_DROP_NONE;
					kept = k;
				}
			}
			unpack_copy(buf, cut, &m, &why);
			if (why != want)
				fail_msg("type %u cut %zu: %s, want %s",
					 s.type, cut, bc_drop_name(why),
					 bc_drop_name(want));
			if (why == BC_DROP_NONE)
				assert_int_equal(m.n_tlvs, kept);
			count[why]++;
		}
		want_short += s.ends[0];
		want_ok += s.n_ends - 1;
		want_tlv += s.len - s.ends[0] - (s.n_ends - 1);
	}
	assert_int_equal(count[BC_DROP_TOO_SHORT], want_short);
	assert_int_equal(count[BC_DROP_NONE], want_ok);
	assert_int_equal(count[BC_DROP_BAD_TLV], want_tlv);
	/* cuts right after the body of Announce, Management, Signaling, and
	 * between the two Signaling TLVs */
	assert_int_equal(want_ok, 4);
}

/* --- lengths ---------------------------------------------------------- */

static void test_length_mismatch(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;
		uint8_t buf[sizeof(s.buf)];
		size_t too_big[3], too_small[4];

		make_sample(&s, all_types[i]);
		too_big[0] = s.len + 1;
		too_big[1] = s.len + 100;
		too_big[2] = 0xFFFF;
		too_small[0] = s.ends[0] - 1;
		too_small[1] = HDR;
		too_small[2] = 1;
		too_small[3] = 0;
		/* larger than the buffer (the buffer is complete) */
		for (k = 0; k < 3; k++) {
			memcpy(buf, s.buf, s.len);
			set_length(buf, too_big[k]);
			assert_int_equal(reason_of(buf, s.len),
					 BC_DROP_BAD_LENGTH);
		}
		/* smaller than header + body */
		for (k = 0; k < 4; k++) {
			memcpy(buf, s.buf, s.len);
			set_length(buf, too_small[k]);
			assert_int_equal(reason_of(buf, s.len),
					 BC_DROP_BAD_LENGTH);
		}
	}
}

/* Fewer than 34 bytes is TOO_SHORT whatever they hold. */
static void test_short_header(void **state)
{
	uint8_t buf[HDR];
	size_t len;

	(void)state;
	memset(buf, 0xFF, sizeof(buf));
	for (len = 0; len < HDR; len++)
		assert_int_equal(reason_of(buf, len), BC_DROP_TOO_SHORT);
	assert_int_equal(reason_of(buf, HDR), BC_DROP_BAD_VERSION);
	{
		struct ptp_msg m;
		enum bc_drop why;

		assert_int_equal(msg_unpack(NULL, 0, &m, &why), -EBADMSG);
		assert_int_equal(why, BC_DROP_TOO_SHORT);
		assert_int_equal(msg_unpack(NULL, 100, &m, NULL), -EBADMSG);
	}
}

/* --- version and type ------------------------------------------------- */

static void test_bad_version(void **state)
{
	static const uint8_t versions[] = { 0, 1, 3, 15 };
	size_t i, v;
	unsigned minor;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;

		make_sample(&s, all_types[i]);
		for (v = 0; v < sizeof(versions); v++) {
			for (minor = 0; minor < 2; minor++) {
				s.buf[1] = (uint8_t)(minor << 4 | versions[v]);
				assert_int_equal(reason_of(s.buf, s.len),
						 BC_DROP_BAD_VERSION);
				/* checked before type and lengths */
				assert_int_equal(reason_of(s.buf, HDR),
						 BC_DROP_BAD_VERSION);
			}
		}
	}
}

static void test_bad_type(void **state)
{
	static const uint8_t reserved[] = { 4, 5, 6, 7, 0xE, 0xF };
	struct sample s;
	size_t i;

	(void)state;
	make_sample(&s, PTP_MSG_ANNOUNCE);
	for (i = 0; i < sizeof(reserved); i++) {
		s.buf[0] = (uint8_t)(0x10 | reserved[i]);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_BAD_TYPE);
		/* checked before the lengths */
		assert_int_equal(reason_of(s.buf, HDR), BC_DROP_BAD_TYPE);
		set_length(s.buf, 0);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_BAD_TYPE);
		set_length(s.buf, s.len);
		/* but after the version */
		s.buf[1] = 0x03;
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_BAD_VERSION);
		s.buf[1] = 0x12;
	}
}

/* --- TLVs --------------------------------------------------------------- */

/* A Sync followed by raw TLV bytes; messageLength covers them all. */
static enum bc_drop sync_with_tail(const uint8_t *tail, size_t n)
{
	struct sample s;
	uint8_t buf[256];

	make_sample(&s, PTP_MSG_SYNC);
	assert_true(s.len + n <= sizeof(buf));
	memcpy(buf, s.buf, s.len);
	memcpy(buf + s.len, tail, n);
	set_length(buf, s.len + n);
	return reason_of(buf, s.len + n);
}

static void test_bad_tlvs(void **state)
{
	static const uint8_t len_ffff[] = { 0x7E, 0x01, 0xFF, 0xFF, 1, 2, 3, 4 };
	static const uint8_t one_past[] = { 0x7E, 0x01, 0x00, 0x05, 1, 2, 3, 4 };
	static const uint8_t exact[] = { 0x7E, 0x01, 0x00, 0x04, 1, 2, 3, 4 };
	static const uint8_t pt7[] = { 0x00, 0x08, 0x00, 0x07, 1, 2, 3, 4, 5,
				       6, 7 };
	static const uint8_t pt9[] = { 0x00, 0x08, 0x00, 0x09, 1, 2, 3, 4, 5,
				       6, 7, 8, 9, 0 };
	static const uint8_t pt0[] = { 0x00, 0x08, 0x00, 0x00 };
	static const uint8_t mgmt0[] = { 0x00, 0x01, 0x00, 0x00 };
	static const uint8_t mgmt1[] = { 0x00, 0x01, 0x00, 0x01, 0x20 };
	static const uint8_t mgmt3[] = { 0x00, 0x01, 0x00, 0x03, 0x20, 0, 1 };
	static const uint8_t mgmt2[] = { 0x00, 0x01, 0x00, 0x02, 0x20, 0x00 };
	static const uint8_t mes6[] = { 0x00, 0x02, 0x00, 0x06, 0, 2, 0x20, 0,
					0, 0 };
	static const uint8_t grant6[] = { 0x00, 0x05, 0x00, 0x06, 0xB0, 0, 0,
					  0, 0, 60 };
	static const uint8_t cancel3[] = { 0x00, 0x06, 0x00, 0x03, 0xB0, 0, 0 };
	static const uint8_t tail1[] = { 0x00 };
	static const uint8_t tail2[] = { 0x80, 0x08 };
	static const uint8_t tail3[] = { 0x80, 0x08, 0x00 };
	static const uint8_t ok_then_tail[] = { 0x80, 0x08, 0x00, 0x00, 0x80 };

	(void)state;
	assert_int_equal(sync_with_tail(len_ffff, sizeof(len_ffff)),
			 BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(one_past, sizeof(one_past)),
			 BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(exact, sizeof(exact)), BC_DROP_NONE);
	assert_int_equal(sync_with_tail(pt7, sizeof(pt7)), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(pt9, sizeof(pt9) - 1), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(pt0, sizeof(pt0)), BC_DROP_NONE);
	assert_int_equal(sync_with_tail(mgmt0, sizeof(mgmt0)), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(mgmt1, sizeof(mgmt1)), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(mgmt3, sizeof(mgmt3)), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(mgmt2, sizeof(mgmt2)), BC_DROP_NONE);
	assert_int_equal(sync_with_tail(mes6, sizeof(mes6)), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(grant6, sizeof(grant6)),
			 BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(cancel3, sizeof(cancel3)),
			 BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(tail1, 1), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(tail2, 2), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(tail3, 3), BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(ok_then_tail, sizeof(ok_then_tail)),
			 BC_DROP_BAD_TLV);
	assert_int_equal(sync_with_tail(ok_then_tail, 4), BC_DROP_NONE);
}

/* The TLV's length runs past messageLength but not past the buffer: still
 * refused (bytes beyond messageLength are not part of the message). */
static void test_tlv_past_length(void **state)
{
	struct sample s;
	uint8_t buf[256];

	(void)state;
	make_sample(&s, PTP_MSG_ANNOUNCE);
	memcpy(buf, s.buf, s.len);
	memset(buf + s.len, 0, 16);
	assert_int_equal(buf[67], 16);
	buf[67] = 24; /* PATH_TRACE value 16 -> 24: 8 bytes past the end */
	assert_int_equal(reason_of(buf, s.len + 16), BC_DROP_BAD_TLV);
}

/* --- timestamps --------------------------------------------------------- */

static void put_ns(uint8_t *buf, uint32_t ns)
{
	buf[40] = (uint8_t)(ns >> 24);
	buf[41] = (uint8_t)(ns >> 16);
	buf[42] = (uint8_t)(ns >> 8);
	buf[43] = (uint8_t)ns;
}

static void test_bad_timestamp(void **state)
{
	unsigned bad = 0;
	size_t i;

	(void)state;
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;

		make_sample(&s, all_types[i]);
		if (!type_has_timestamp(s.type))
			continue;
		put_ns(s.buf, 1000000000u);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_BAD_TIMESTAMP);
		put_ns(s.buf, 0xFFFFFFFFu);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_BAD_TIMESTAMP);
		/* checked before the TLVs */
		if (s.n_ends > 1) {
			s.buf[s.ends[0] + 3] ^= 1;
			assert_int_equal(reason_of(s.buf, s.len),
					 BC_DROP_BAD_TIMESTAMP);
			s.buf[s.ends[0] + 3] ^= 1;
		}
		put_ns(s.buf, 999999999u);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_NONE);
		bad++;
	}
	assert_int_equal(bad, 8);
	/* Signaling and Management: bytes 40..43 are an identity, any value */
	for (i = 0; i < N_TYPES; i++) {
		struct sample s;

		make_sample(&s, all_types[i]);
		if (type_has_timestamp(s.type))
			continue;
		put_ns(s.buf, 0xFFFFFFFFu);
		assert_int_equal(reason_of(s.buf, s.len), BC_DROP_NONE);
	}
}

/* --- random input ------------------------------------------------------- */

/*
 * What the header alone decides, computed here from the bytes, or
 * BC_DROP_COUNT when the rest of the message decides.
 */
static enum bc_drop header_verdict(const uint8_t *b, size_t len)
{
	unsigned type, body;
	size_t ml;

	if (len < HDR)
		return BC_DROP_TOO_SHORT;
	if ((b[1] & 0x0F) != 2)
		return BC_DROP_BAD_VERSION;
	type = b[0] & 0x0F;
	body = std_body_len(type);
	if (!body)
		return BC_DROP_BAD_TYPE;
	if (len < HDR + body)
		return BC_DROP_TOO_SHORT;
	ml = (size_t)b[2] << 8 | b[3];
	if (ml > len || ml < HDR + body)
		return BC_DROP_BAD_LENGTH;
	if (type_has_timestamp(type) &&
	    ((uint32_t)b[40] << 24 | (uint32_t)b[41] << 16 |
	     (uint32_t)b[42] << 8 | b[43]) >= 1000000000u)
		return BC_DROP_BAD_TIMESTAMP;
	return BC_DROP_COUNT;
}

/*
 * An independent TLV walk over [start, end): NONE if the TLVs are well
 * formed and none has a type the table knows, BAD_TLV if they are not well
 * formed, COUNT if a known type is present (the table decides).
 */
static enum bc_drop tlv_verdict(const uint8_t *b, size_t start, size_t end)
{
	bool known = false;

	while (start < end) {
		unsigned type, length;

		if (end - start < 4)
			return BC_DROP_BAD_TLV;
		type = (unsigned)b[start] << 8 | b[start + 1];
		length = (unsigned)b[start + 2] << 8 | b[start + 3];
		if (length > end - start - 4)
			return BC_DROP_BAD_TLV;
		if (tlv_desc_find((uint16_t)type))
			known = true;
		start += 4 + length;
	}
	return known ? BC_DROP_COUNT : BC_DROP_NONE;
}

static enum bc_drop oracle(const uint8_t *b, size_t len)
{
	enum bc_drop v = header_verdict(b, len);

	if (v != BC_DROP_COUNT)
		return v;
	return tlv_verdict(b, HDR + std_body_len(b[0] & 0x0F),
			   (size_t)b[2] << 8 | b[3]);
}

struct tally {
	unsigned seen[BC_DROP_COUNT];
	unsigned predicted[BC_DROP_COUNT];
	unsigned undecided;
};

/*
 * An accepted message packs back to its first messageLength bytes, except
 * the reserved fields msg_pack() writes as zero, and TLVs beyond the first
 * PTP_MAX_TLVS (not kept, so not packed).
 */
static void assert_repacks(const uint8_t *in, const struct ptp_msg *m)
{
	uint8_t out[PTP_MAX_MSG_LEN], want[PTP_MAX_MSG_LEN];
	size_t ml = m->hdr.msg_length;
	int n = msg_pack(m, out, sizeof(out));

	assert_true(n >= HDR && (size_t)n <= ml);
	memcpy(want, in, ml);
	if (m->hdr.msg_type == PTP_MSG_PDELAY_REQ)
		memset(want + 44, 0, 10);
	if (m->hdr.msg_type == PTP_MSG_ANNOUNCE)
		want[46] = 0;
	if (m->hdr.msg_type == PTP_MSG_MANAGEMENT) {
		want[46] &= 0x0F;
		want[47] = 0;
	}
	if ((size_t)n < ml) {
		assert_int_equal(m->n_tlvs, PTP_MAX_TLVS);
		set_length(want, (size_t)n);
	}
	assert_memory_equal(out, want, (size_t)n);
}

static void check_one(const uint8_t *b, size_t len, struct tally *t)
{
	enum bc_drop want = oracle(b, len), why = BC_DROP_COUNT;
	uint8_t *copy = malloc(len ? len : 1);
	struct ptp_msg m;
	int rc;

	assert_non_null(copy);
	if (len)
		memcpy(copy, b, len);
	rc = msg_unpack(copy, len, &m, &why);
	assert_true(rc == 0 || rc == -EBADMSG);
	assert_true(why < BC_DROP_COUNT);
	assert_true((rc == 0) == (why == BC_DROP_NONE));
	if (rc == 0)
		assert_repacks(copy, &m);
	free(copy);
	t->seen[why]++;
	if (want == BC_DROP_COUNT) {
		t->undecided++;
		/* a known TLV type: only BAD_TLV or accepted are possible */
		assert_true(why == BC_DROP_NONE || why == BC_DROP_BAD_TLV);
		return;
	}
	t->predicted[want]++;
	if (why != want)
		fail_msg("len %zu: %s, oracle %s", len, bc_drop_name(why),
			 bc_drop_name(want));
}

static void assert_tally(const struct tally *t, unsigned total)
{
	unsigned d, sum = 0, psum = t->undecided;

	for (d = 0; d < BC_DROP_COUNT; d++) {
		sum += t->seen[d];
		psum += t->predicted[d];
		if (t->seen[d] || t->predicted[d])
			print_message("  %-14s seen %6u predicted %6u\n",
				      bc_drop_name((enum bc_drop)d), t->seen[d],
				      t->predicted[d]);
	}
	print_message("  undecided by the oracle: %u\n", t->undecided);
	assert_int_equal(sum, total);
	assert_int_equal(psum, total);
}

#define RANDOM_ITERATIONS 100000

/* Pure random bytes: the header checks refuse nearly all of them. */
static void test_random_bytes(void **state)
{
	struct cm_rng rng;
	struct tally t;
	uint8_t buf[200];
	unsigned i;

	(void)state;
	memset(&t, 0, sizeof(t));
	cm_rng_seed(&rng, 0x1588);
	for (i = 0; i < RANDOM_ITERATIONS; i++) {
		size_t len = (size_t)cm_rng_below(&rng, 201), k;

		for (k = 0; k < len; k++)
			buf[k] = (uint8_t)cm_rng_next(&rng);
		check_one(buf, len, &t);
	}
	assert_tally(&t, RANDOM_ITERATIONS);
	/* each class the input decides did occur */
	assert_true(t.seen[BC_DROP_TOO_SHORT] > 10000);
	assert_true(t.seen[BC_DROP_BAD_VERSION] > 50000);
	assert_true(t.seen[BC_DROP_BAD_TYPE] > 1000);
	assert_true(t.seen[BC_DROP_BAD_LENGTH] > 1000);
}

/*
 * Random bytes behind a plausible header (version 2, a valid type,
 * messageLength within the buffer most of the time), so that the body and
 * TLV checks are reached; accepted messages must pack back to their input.
 */
static void test_random_plausible(void **state)
{
	struct cm_rng rng;
	struct tally t;
	uint8_t buf[200];
	unsigned i;

	(void)state;
	memset(&t, 0, sizeof(t));
	cm_rng_seed(&rng, 0x2019);
	for (i = 0; i < RANDOM_ITERATIONS; i++) {
		size_t len = (size_t)cm_rng_below(&rng, 201), k, ml;
		unsigned type = all_types[cm_rng_below(&rng, N_TYPES)];

		for (k = 0; k < len; k++)
			buf[k] = (uint8_t)cm_rng_next(&rng);
		if (len >= HDR) {
			size_t lo = HDR + std_body_len(type);

			buf[0] = (uint8_t)((buf[0] & 0xF0) | type);
			buf[1] = (uint8_t)((buf[1] & 0xF0) | 2);
			ml = lo + (size_t)cm_rng_below(&rng, len + 8 - HDR);
			/* small TLVs, often with valid-looking lengths */
			for (k = lo; k + 4 <= ml && k + 4 <= len;
			     k += 4 + buf[k + 3]) {
				buf[k + 2] = 0;
				buf[k + 3] = (uint8_t)cm_rng_below(&rng, 24);
				if (cm_rng_below(&rng, 4) == 0) {
					buf[k] = 0x00; /* PATH_TRACE */
					buf[k + 1] = 0x08;
				}
			}
			set_length(buf, ml);
			if (type_has_timestamp(type) && len >= 44)
				buf[40] &= 0x3F; /* mostly valid ns */
		}
		check_one(buf, len, &t);
	}
	assert_tally(&t, RANDOM_ITERATIONS);
	assert_true(t.seen[BC_DROP_NONE] > 1000);
	assert_true(t.seen[BC_DROP_BAD_TLV] > 1000);
	assert_true(t.seen[BC_DROP_BAD_TIMESTAMP] > 100);
	assert_true(t.seen[BC_DROP_BAD_LENGTH] > 1000);
	assert_true(t.undecided > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_valid),
		cmocka_unit_test(test_truncated_buffer),
		cmocka_unit_test(test_truncated_with_length),
		cmocka_unit_test(test_length_mismatch),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_tlvs),
		cmocka_unit_test(test_tlv_past_length),
		cmocka_unit_test(test_bad_timestamp),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_random_plausible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
