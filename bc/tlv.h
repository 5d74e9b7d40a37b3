/*
 * bc/tlv.h — the TLV table: checking, decoding and building TLVs.
 *
 * One table entry per tlvType hvptp knows (enum ptp_tlv_type in bc/msg.h,
 * IEEE 1588-2019 14.1.1 Table 52) says what a sane lengthField is (minimum,
 * maximum, even) and, for the TLVs the core acts on, how to decode the
 * value into struct ptp_tlv_views.  tlv_parse_all() walks the TLVs after a
 * message body for msg_unpack(); unknown types are kept as raw views and
 * skipped.  For sending, the tlv_put_*() helpers build a TLV value in a
 * caller-provided scratch buffer (a struct wire_writer that must outlive
 * the message) and append a view of it to msg->tlvs[], which msg_pack()
 * then writes verbatim.  Pure.
 */
#ifndef HVPTP_BC_TLV_H
#define HVPTP_BC_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/msg.h"
#include "bc/wire.h"

#define TLV_HEADER_LEN 4 /* tlvType + lengthField */
#define TLV_NO_MAX 0xFFFF /* max_len of a type with no upper bound */

/* managementErrorId (15.5.4.4, Table 109) */
enum tlv_mgmt_error {
	TLV_MGMT_ERR_RESPONSE_TOO_BIG = 0x0001,
	TLV_MGMT_ERR_NO_SUCH_ID = 0x0002,
	TLV_MGMT_ERR_WRONG_LENGTH = 0x0003,
	TLV_MGMT_ERR_WRONG_VALUE = 0x0004,
	TLV_MGMT_ERR_NOT_SETABLE = 0x0005,
	TLV_MGMT_ERR_NOT_SUPPORTED = 0x0006,
	TLV_MGMT_ERR_UNPOPULATED = 0x0007,
	TLV_MGMT_ERR_GENERAL_ERROR = 0xFFFE,
};

/*
 * Decode a known TLV's value (already checked against min/max/even).
 * value reads exactly the value bytes; index is the TLV's slot in m->tlvs[]
 * or -1 when the message has more than PTP_MAX_TLVS TLVs and this one was
 * not kept.  Returns 0, or -EBADMSG for an impossible value.
 */
typedef int (*tlv_decode_fn)(struct wire_reader *value, struct ptp_msg *m,
			     int index);

struct tlv_desc {
	uint16_t type; /* tlvType */
	const char *name; /* the standard's name, e.g. "PATH_TRACE" */
	uint16_t min_len; /* smallest valid lengthField */
	uint16_t max_len; /* largest valid lengthField, or TLV_NO_MAX */
	bool even; /* lengthField must be even */
	tlv_decode_fn decode; /* NULL: checked only */
};

/* The table entry for tlvType type, or NULL for a type hvptp does not know. */
const struct tlv_desc *tlv_desc_find(uint16_t type);

/* "PATH_TRACE", ..., or "UNKNOWN". */
const char *tlv_type_name(uint16_t type);

/* Whether length is a valid lengthField for the entry (min, max, even). */
bool tlv_length_ok(const struct tlv_desc *d, uint16_t length);

/*
 * Walk the TLVs from r's position to its end (the caller limits r to
 * messageLength): each needs a 4-byte header and lengthField value bytes
 * inside r.  Appends to m->tlvs[] (the first PTP_MAX_TLVS, all types) and
 * fills m->tlv_view.  Zero bytes left is fine; 1..3 left, a value running
 * past the end, or a known type with an impossible length or value is
 * -EBADMSG (reason BC_DROP_BAD_TLV).  The caller clears m->tlv_view first
 * (msg_unpack does).
 */
int tlv_parse_all(struct wire_reader *r, struct ptp_msg *m);

/* Empty TLV views: no path trace, management indices -1. */
void tlv_views_clear(struct ptp_tlv_views *v);

/* Decoders that live with their feature: the IEEE C37.238 power
 * profile's ORGANIZATION_EXTENSION (bc/power.c; other organisations'
 * are only checked) and the NetSync Monitor request (bc/nsm.c). */
int power_tlv_decode(struct wire_reader *value, struct ptp_msg *m, int index);
int nsm_tlv_decode_req(struct wire_reader *value, struct ptp_msg *m,
		       int index);

/* --- building TLVs to send -------------------------------------------- */

/*
 * Append a view {type, length, value} to m->tlvs[] (no copy: value must
 * outlive the message).  -ENOSPC when m->tlvs[] is full, -EINVAL for a NULL
 * value with length > 0, or a known type whose length is impossible.
 */
int tlv_append(struct ptp_msg *m, uint16_t type, const uint8_t *value,
	       uint16_t length);

/*
 * Generic builder: remember start = tlv_value_begin(scratch), write the
 * value with wire_put_*() into scratch, then tlv_value_end() pads it with a
 * zero byte if the type needs an even length and appends it to m->tlvs[].
 * -EMSGSIZE when scratch overflowed or the value exceeds 0xFFFF bytes, else
 * as tlv_append().  On failure scratch is rewound to start (error cleared),
 * so the caller can build a smaller answer (e.g. an error status) instead.
 */
size_t tlv_value_begin(const struct wire_writer *scratch);
int tlv_value_end(struct ptp_msg *m, uint16_t type,
		  struct wire_writer *scratch, size_t start);

/* PATH_TRACE (16.2) with n identities, in order. */
int tlv_put_path_trace(struct ptp_msg *m, struct wire_writer *scratch,
		       const struct clock_identity *ids, unsigned n);

/* 802.1AS Follow_Up information (ORGANIZATION_EXTENSION 00-80-C2 / 1). */
int tlv_put_follow_up_info(struct ptp_msg *m, struct wire_writer *scratch,
			   const struct ptp_follow_up_info *f);

/* MANAGEMENT (15.5.2): managementId then data (len bytes, padded even). */
int tlv_put_management(struct ptp_msg *m, struct wire_writer *scratch,
		       uint16_t management_id, const void *data, size_t len);

/* MANAGEMENT_ERROR_STATUS (15.5.4): managementErrorId, managementId and 4
 * reserved bytes, no displayData (length 8, as linuxptp sends it). */
int tlv_put_management_error(struct ptp_msg *m, struct wire_writer *scratch,
			     uint16_t error_id, uint16_t management_id);

/*
 * Unicast negotiation (IEEE 1588-2019 16.1.4): REQUEST (messageType,
 * logInterMessagePeriod, durationField), GRANT (the same and the renewal
 * invited flag R), CANCEL and ACKNOWLEDGE_CANCEL (messageType and the
 * maintainRequest / maintainGrant flags), in one struct.
 */
#define TLV_UC_GRANT_RENEWAL_INVITED 0x01 /* GRANT flags: R */
#define TLV_UC_CANCEL_MAINTAIN_REQUEST 0x01 /* CANCEL/ACK flags */
#define TLV_UC_CANCEL_MAINTAIN_GRANT 0x02
struct tlv_uc {
	uint16_t type; /* TLV_{REQUEST,GRANT,CANCEL,ACKNOWLEDGE_CANCEL}_... */
	uint8_t msg_type; /* messageType asked for (4 bits) */
	int8_t log_period; /* logInterMessagePeriod (REQUEST, GRANT) */
	uint32_t duration; /* durationField, s (REQUEST, GRANT) */
	uint8_t flags; /* GRANT: R; CANCEL/ACK: the maintain flags */
};
/* Append u as its TLV; -EINVAL for another type, else as tlv_value_end. */
int tlv_put_uc(struct ptp_msg *m, struct wire_writer *scratch,
	       const struct tlv_uc *u);
/* Decode one of the four TLVs (its type and exact length); -EBADMSG. */
int tlv_get_uc(const struct ptp_tlv *t, struct tlv_uc *u);

#endif
