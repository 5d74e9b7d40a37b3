/*
 * tests/fuzz/fuzz_msg.c — libFuzzer target for msg_unpack()/msg_pack().
 *
 * For every input:
 *  - msg_unpack() returns 0 with BC_DROP_NONE, or -EBADMSG with a reason in
 *    (NONE, COUNT); the TLV views are consistent with m->tlvs[].
 *  - If accepted, msg_pack() reproduces the input's first messageLength
 *    bytes, except exactly these fields, which legitimately normalise:
 *      * Pdelay_Req: the 10 reserved octets after originTimestamp
 *        (offsets 44..53) are packed as zero;
 *      * Announce: the reserved octet after currentUtcOffset (offset 46)
 *        is packed as zero;
 *      * Management: the reserved high nibble of offset 46 (actionField
 *        is the low nibble) and the reserved octet 47 are packed as zero;
 *      * a message with more than PTP_MAX_TLVS TLVs keeps only the first
 *        PTP_MAX_TLVS, so the packed message is that prefix and its
 *        messageLength (offsets 2..3) says so.
 *    Everything else must be identical, bit for bit: all header fields
 *    including the reserved/undefined flag bits, majorSdoId, minorSdoId,
 *    minorVersionPTP, messageTypeSpecific, controlField and
 *    logMessageInterval; all body fields; and every TLV kept, whatever its
 *    type or length (odd lengths included).
 *    A message whose packed form would exceed PTP_MAX_MSG_LEN (msg_unpack
 *    accepts up to 65535 bytes) must make msg_pack() fail with -EMSGSIZE.
 *  - pack -> unpack -> pack is a fixed point: the second unpack accepts the
 *    first packed bytes and the second pack yields the same bytes.
 * Any violation traps.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bc/msg.h"
#include "bc/tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

/* The length msg_pack() must produce for m. */
static size_t expected_len(const struct ptp_msg *m)
{
	size_t n = PTP_HEADER_LEN + (size_t)msg_body_len(m->hdr.msg_type);
	unsigned i;

	for (i = 0; i < m->n_tlvs; i++)
		n += TLV_HEADER_LEN + m->tlvs[i].length;
	return n;
}

/* The unicast negotiation TLVs (bc/tlv.c): tlv_get_uc() takes exactly
 * the four types at their one length, and what it decodes packs back to
 * the same value but for the reserved bits. */
static void check_uc_tlvs(const struct ptp_msg *m)
{
	static const uint16_t len[] = {
		[TLV_REQUEST_UNICAST_TRANSMISSION] = 6,
		[TLV_GRANT_UNICAST_TRANSMISSION] = 8,
		[TLV_CANCEL_UNICAST_TRANSMISSION] = 2,
		[TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION] = 2,
	};
	for (unsigned i = 0; i < m->n_tlvs; i++) {
		const struct ptp_tlv *t = &m->tlvs[i];
		uint16_t want = t->type < 8 ? len[t->type] : 0;
		struct tlv_uc u;
		int rc = tlv_get_uc(t, &u);

		CHECK((rc == 0) == (want && t->length == want));
		if (rc == 0) {
			uint8_t buf[16];
			struct wire_writer w;
			struct ptp_msg x;

			memset(&x, 0, sizeof(x));
			wire_writer_init(&w, buf, sizeof(buf));
			CHECK(tlv_put_uc(&x, &w, &u) == 0);
			CHECK(x.n_tlvs == 1 && x.tlvs[0].length == want);
			CHECK((x.tlvs[0].value[0] ^ t->value[0]) ==
			      (want == 2 ? 0 : (t->value[0] & 0x0F)));
			if (want >= 6)
				CHECK(memcmp(x.tlvs[0].value + 1,
					     t->value + 1, 5) == 0);
			if (want == 8)
				CHECK(x.tlvs[0].value[7] == t->value[7]);
		}
	}
}

static void check_views(const struct ptp_msg *m)
{
	const struct ptp_tlv_views *v = &m->tlv_view;

	CHECK(m->n_tlvs <= PTP_MAX_TLVS);
	CHECK(v->path_trace_count <= PTP_MAX_PATH_TRACE);
	CHECK(v->has_path_trace || v->path_trace_count == 0);
	CHECK(v->management >= -1 && v->management < (int)m->n_tlvs);
	CHECK(v->management_error >= -1 &&
	      v->management_error < (int)m->n_tlvs);
	if (v->management >= 0)
		CHECK(m->tlvs[v->management].type == TLV_MANAGEMENT);
	if (v->management_error >= 0)
		CHECK(m->tlvs[v->management_error].type ==
		      TLV_MANAGEMENT_ERROR_STATUS);
}

/* The input as msg_pack() must reproduce it (see the comment on top). */
static void normalise(uint8_t *want, const struct ptp_msg *m, size_t packed)
{
	switch (m->hdr.msg_type) {
	case PTP_MSG_PDELAY_REQ:
		memset(want + 44, 0, 10);
		break;
	case PTP_MSG_ANNOUNCE:
		want[46] = 0;
		break;
	case PTP_MSG_MANAGEMENT:
		want[46] &= 0x0F;
		want[47] = 0;
		break;
	}
	if (packed < m->hdr.msg_length) {
		CHECK(m->n_tlvs == PTP_MAX_TLVS);
		want[2] = (uint8_t)(packed >> 8);
		want[3] = (uint8_t)packed;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out1[PTP_MAX_MSG_LEN], out2[PTP_MAX_MSG_LEN];
	static uint8_t want[65536];
	struct ptp_msg m, m2;
	enum bc_drop why = BC_DROP_COUNT;
	size_t expect;
	int n1, n2, rc;

	rc = msg_unpack(data, size, &m, &why);
	if (rc) {
		CHECK(rc == -EBADMSG);
		CHECK(why > BC_DROP_NONE && why < BC_DROP_COUNT);
		return 0;
	}
	CHECK(why == BC_DROP_NONE);
	CHECK(m.hdr.msg_length <= size);
	check_views(&m);
	check_uc_tlvs(&m);

	expect = expected_len(&m);
	CHECK(expect <= m.hdr.msg_length);
	n1 = msg_pack(&m, out1, sizeof(out1));
	if (expect > PTP_MAX_MSG_LEN) {
		CHECK(n1 == -EMSGSIZE);
		return 0;
	}
	CHECK(n1 > 0 && (size_t)n1 == expect);

	memcpy(want, data, m.hdr.msg_length);
	normalise(want, &m, (size_t)n1);
	CHECK(memcmp(out1, want, (size_t)n1) == 0);

	why = BC_DROP_COUNT;
	CHECK(msg_unpack(out1, (size_t)n1, &m2, &why) == 0);
	CHECK(why == BC_DROP_NONE);
	check_views(&m2);
	n2 = msg_pack(&m2, out2, sizeof(out2));
	CHECK(n2 == n1);
	CHECK(memcmp(out1, out2, (size_t)n1) == 0);
	return 0;
}
