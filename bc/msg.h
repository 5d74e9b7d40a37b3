/*
 * bc/msg.h — PTP messages: in-memory form, pack and unpack.
 *
 * msg_unpack() turns received bytes into a struct ptp_msg through the
 * bounds-checked reader (bc/wire.h) and says why it refused bad input
 * (enum bc_drop, counted per port by the caller); msg_pack() does the
 * reverse and fills messageLength itself.  TLVs are parsed by the table in
 * bc/tlv.c: known types are checked and decoded, unknown ones are kept as raw
 * views and skipped safely.  Values point into the caller's buffer; a
 * struct ptp_msg is valid only while that buffer is.  Pure.
 */
#ifndef HVPTP_BC_MSG_H
#define HVPTP_BC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ptp_types.h"
#include "common/tmv.h"

#define PTP_HEADER_LEN 34
#define PTP_MAX_MSG_LEN 1500
#define PTP_MAX_TLVS 16
#define PTP_MAX_PATH_TRACE 32

/*
 * Why a received message was not used; counted per port (bc/bc.h port
 * counters).  Two kinds (bc_drop_is_ignored): traffic a healthy network
 * carries that this port has no use for now — heard in a state that
 * ignores it, from a master that is not the parent, an answer to another
 * requester, our own message looped back, an Announce the standard's
 * qualification refuses, a Sync at a leap second — is *ignored*; bad or
 * unexpected input — malformed, for another domain or SDO, a sequence
 * that does not match, a message hvptpd does not handle — is *dropped*.
 */
enum bc_drop {
	BC_DROP_NONE = 0,
	BC_DROP_TOO_SHORT, /* shorter than header or the type's body */
	BC_DROP_BAD_VERSION, /* versionPTP (major) != 2 */
	BC_DROP_BAD_LENGTH, /* messageLength > bytes received, or < body */
	BC_DROP_BAD_TYPE, /* reserved messageType */
	BC_DROP_BAD_TLV, /* TLV runs past messageLength, or a known TLV
			    has an impossible length */
	BC_DROP_BAD_TIMESTAMP, /* nanoseconds >= 10^9 or out of range */
	BC_DROP_BAD_VALUE, /* a reserved or impossible field value */
	BC_DROP_WRONG_DOMAIN,
	BC_DROP_WRONG_SDO, /* majorSdoId/minorSdoId mismatch */
	BC_DROP_FROM_SELF, /* our own clockIdentity (looped back) */
	BC_DROP_NOT_PARENT, /* sync/follow-up/delay-resp not from parent */
	BC_DROP_WRONG_STATE, /* valid, but this port's state ignores it
				(Sync while MASTER, Delay_Req while SLAVE,
				anything while FAULTY...) */
	BC_DROP_SEQ_MISMATCH, /* follow-up/delay-resp for another seqId */
	BC_DROP_NOT_FOR_US, /* delay-resp for another requester */
	BC_DROP_NOT_QUALIFIED, /* announce refused by 9.3.2.5 */
	BC_DROP_UNSUPPORTED, /* valid, but hvptpd does not handle it */
	BC_DROP_LEAP_WINDOW, /* a Sync within a second of a leap second on a
				port stamped by a UTC clock (ambiguous) */
	BC_DROP_WRONG_MECHANISM, /* a delay message of the other mechanism
				    (Delay_Req on a P2P port, Pdelay_Req
				    on an E2E one) */
	BC_DROP_MULTIPLE_PEERS, /* a second Pdelay_Resp to one Pdelay_Req
				   (several responders on the link) */
	BC_DROP_NOT_AS_CAPABLE, /* Announce or Sync on an 802.1AS port that
				   is not asCapable */
	/* a port with spp (bc/auth.h): the message failed authentication */
	BC_DROP_AUTH_NO_TLV, /* no AUTHENTICATION TLV, or not the last */
	BC_DROP_AUTH_UNKNOWN_SPP, /* its spp is not the port's */
	BC_DROP_AUTH_UNKNOWN_KEY, /* its keyID is not in the association */
	BC_DROP_AUTH_BAD_LENGTH, /* lengthField or secParamIndicator do
				    not fit the key and association */
	BC_DROP_AUTH_BAD_ICV, /* the ICV does not match */
	BC_DROP_AUTH_REPLAY, /* Sync/Follow_Up sequenceId outside the
				association's seqid_window */
	BC_DROP_RATE_LIMITED, /* over its source's rate (Delay_Req,
				 management: delay_req_rate_limit,
				 mgmt_rate_limit) */
	BC_DROP_NOT_ACCEPTABLE, /* an Announce from a master not in the
				   acceptable master table (17.5) */
	BC_DROP_COUNT
};

const char *bc_drop_name(enum bc_drop d);
/* d is expected traffic this port has no use for now (see above), not
 * bad or unexpected input. */
bool bc_drop_is_ignored(enum bc_drop d);

/* Common header (13.3). */
struct ptp_header {
	uint8_t major_sdo_id; /* majorSdoId (was transportSpecific), 4 bits */
	uint8_t msg_type; /* messageType, 4 bits */
	uint8_t minor_version; /* minorVersionPTP, 4 bits */
	uint8_t version; /* versionPTP, 4 bits */
	uint16_t msg_length; /* messageLength */
	uint8_t domain; /* domainNumber */
	uint8_t minor_sdo_id; /* minorSdoId */
	uint16_t flags; /* flagField, octet 0 in the high byte */
	int64_t correction; /* correctionField, scaled ns (2^-16) */
	uint32_t type_specific; /* messageTypeSpecific */
	struct port_identity source_port_identity; /* sourcePortIdentity */
	uint16_t sequence_id; /* sequenceId */
	uint8_t control; /* controlField (obsolete, still sent) */
	int8_t log_msg_interval; /* logMessageInterval */
};

/* Sync, Delay_Req (13.6, 13.7) */
struct ptp_sync {
	struct ptp_timestamp origin_timestamp; /* originTimestamp */
};

/* Follow_Up (13.8) */
struct ptp_follow_up {
	struct ptp_timestamp precise_origin_timestamp;
};

/* Delay_Resp (13.9) */
struct ptp_delay_resp {
	struct ptp_timestamp receive_timestamp; /* receiveTimestamp */
	struct port_identity requesting_port_identity;
};

/* Pdelay_Req (13.10): originTimestamp + 10 reserved octets */
struct ptp_pdelay_req {
	struct ptp_timestamp origin_timestamp;
};

/* Pdelay_Resp (13.11) and Pdelay_Resp_Follow_Up (13.12) */
struct ptp_pdelay_resp {
	struct ptp_timestamp timestamp; /* requestReceiptTimestamp or
					   responseOriginTimestamp */
	struct port_identity requesting_port_identity;
};

/* Announce (13.5) */
struct ptp_announce {
	struct ptp_timestamp origin_timestamp; /* originTimestamp */
	int16_t current_utc_offset; /* currentUtcOffset */
	uint8_t gm_priority1; /* grandmasterPriority1 */
	struct clock_quality gm_clock_quality; /* grandmasterClockQuality */
	uint8_t gm_priority2; /* grandmasterPriority2 */
	struct clock_identity gm_identity; /* grandmasterIdentity */
	uint16_t steps_removed; /* stepsRemoved */
	uint8_t time_source; /* timeSource */
};

/* Signaling (13.10 of 2019: 13.12) */
struct ptp_signaling {
	struct port_identity target_port_identity; /* targetPortIdentity */
};

/* actionField of Management messages (15.4.1.6) */
enum ptp_mgmt_action {
	PTP_MGMT_GET = 0,
	PTP_MGMT_SET = 1,
	PTP_MGMT_RESPONSE = 2,
	PTP_MGMT_COMMAND = 3,
	PTP_MGMT_ACKNOWLEDGE = 4,
};

/* Management (15.4.1) — the management TLV itself is in msg->tlvs. */
struct ptp_management {
	struct port_identity target_port_identity; /* targetPortIdentity */
	uint8_t starting_boundary_hops; /* startingBoundaryHops */
	uint8_t boundary_hops; /* boundaryHops */
	uint8_t action; /* actionField, low 4 bits */
};

/* tlvType values (14.1.1, Table 52) the TLV table knows. */
enum ptp_tlv_type {
	TLV_MANAGEMENT = 0x0001,
	TLV_MANAGEMENT_ERROR_STATUS = 0x0002,
	TLV_ORGANIZATION_EXTENSION = 0x0003,
	TLV_REQUEST_UNICAST_TRANSMISSION = 0x0004,
	TLV_GRANT_UNICAST_TRANSMISSION = 0x0005,
	TLV_CANCEL_UNICAST_TRANSMISSION = 0x0006,
	TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION = 0x0007,
	TLV_PATH_TRACE = 0x0008,
	TLV_ALTERNATE_TIME_OFFSET_INDICATOR = 0x0009,
	TLV_ORGANIZATION_EXTENSION_PROPAGATE = 0x4000,
	TLV_ENHANCED_ACCURACY_METRICS = 0x4001,
	TLV_ORGANIZATION_EXTENSION_DO_NOT_PROPAGATE = 0x8000,
	TLV_L1_SYNC = 0x8001,
	TLV_PORT_COMMUNICATION_AVAILABILITY = 0x8002,
	TLV_PROTOCOL_ADDRESS = 0x8003,
	TLV_SLAVE_RX_SYNC_TIMING_DATA = 0x8004,
	TLV_SLAVE_RX_SYNC_COMPUTED_DATA = 0x8005,
	TLV_SLAVE_TX_EVENT_TIMESTAMPS = 0x8006,
	TLV_CUMULATIVE_RATE_RATIO = 0x8007,
	TLV_PAD = 0x8008,
	TLV_AUTHENTICATION = 0x8009,
	/* linuxptp's NetSync Monitor (experimental range, bc/nsm.c) */
	TLV_PTPMON_REQ = 0x21FE,
	TLV_PTPMON_RESP = 0x21FF,
};

/* One TLV as found on the wire: value points into the message buffer. */
struct ptp_tlv {
	uint16_t type; /* tlvType */
	uint16_t length; /* lengthField (bytes of value) */
	const uint8_t *value;
};

/* IEEE 802.1AS Follow_Up information TLV (ORGANIZATION_EXTENSION,
 * organizationId 00-80-C2, subtype 00-00-01; 802.1AS-2020 11.4.4.3). */
#define PTP_FUP_INFO_LEN 28 /* its lengthField */
struct ptp_follow_up_info {
	int32_t cumulative_scaled_rate_offset; /* (rateRatio - 1) * 2^41 */
	uint16_t gm_time_base_indicator;
	uint8_t last_gm_phase_change[12]; /* ScaledNs, as on the wire */
	int32_t scaled_last_gm_phase_change;
};

/* Decoded views of the TLVs the core acts on (filled by msg_unpack). */
struct ptp_tlv_views {
	/* the first Follow_Up information TLV */
	bool has_follow_up_info;
	struct ptp_follow_up_info follow_up_info;
	/* PATH_TRACE: the clock identities, in order */
	uint8_t path_trace_count;
	bool has_path_trace;
	struct clock_identity path_trace[PTP_MAX_PATH_TRACE];
	/* MANAGEMENT / MANAGEMENT_ERROR_STATUS: index into tlvs[], -1 if none */
	int8_t management;
	int8_t management_error;
	uint16_t management_id; /* managementId of either */
	/* IEEE C37.238 power profile ORGANIZATION_EXTENSION (bc/power.c):
	 * the first one of the message */
	bool has_power;
	struct ptp_power_tlv {
		uint8_t version; /* 1: 2011, 2: 2017 (the subtype) */
		uint16_t grandmaster_id;
		uint32_t gm_time_inaccuracy; /* 2011; reserved in 2017 */
		uint32_t network_time_inaccuracy; /* 2011; total in 2017 */
	} power;
	/* linuxptp's NetSync Monitor request (PTPMON_REQ, bc/nsm.c) */
	bool nsm_request;
};

struct ptp_msg {
	struct ptp_header hdr;
	union {
		struct ptp_sync sync; /* also Delay_Req */
		struct ptp_follow_up follow_up;
		struct ptp_delay_resp delay_resp;
		struct ptp_pdelay_req pdelay_req;
		struct ptp_pdelay_resp pdelay_resp; /* also _Follow_Up */
		struct ptp_announce announce;
		struct ptp_signaling signaling;
		struct ptp_management management;
	} body;
	uint8_t n_tlvs; /* TLVs after the body, at most PTP_MAX_TLVS kept;
			   more are still length-checked and skipped */
	struct ptp_tlv tlvs[PTP_MAX_TLVS];
	struct ptp_tlv_views tlv_view;
};

/* Body length (bytes after the 34-byte header) for a messageType, or -1 for
 * a reserved type. */
int msg_body_len(unsigned msg_type);

/*
 * Parse buf[0..len).  Checks, in this order: header length, versionPTP == 2
 * (any minorVersionPTP is accepted), reserved messageType, messageLength
 * within len and >= header+body, body fields (nanoseconds < 10^9), then TLVs
 * up to messageLength.  Trailing bytes beyond messageLength are ignored.
 * Returns 0, or -EBADMSG with *why set (why may be NULL).
 * Does not filter domain or sdoId: that is the port's job.
 */
int msg_unpack(const uint8_t *buf, size_t len, struct ptp_msg *m,
	       enum bc_drop *why);

/*
 * Serialise m into buf (capacity cap), appending m->tlvs[0..n_tlvs) verbatim
 * (type, length, value).  messageLength is computed and written; the
 * m->hdr.msg_length field is ignored.  Returns the length written, or
 * -EMSGSIZE when cap is too small or the result would exceed
 * PTP_MAX_MSG_LEN, -EINVAL for a reserved messageType.  TLVs of any length are
 * written as given (the caller pads to even length where a TLV needs it).
 */
int msg_pack(const struct ptp_msg *m, uint8_t *buf, size_t cap);

/* Fill a header with the given type and defaults (version 2, given minor
 * version, control field per type, everything else zero). */
void msg_header_init(struct ptp_header *h, unsigned msg_type,
		     uint8_t minor_version);

#endif
