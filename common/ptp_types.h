/*
 * common/ptp_types.h — the protocol's basic types and enumerations.
 *
 * Identities, clock quality, port states, message types and the other small
 * types of IEEE 1588-2019 clause 5 and 8 that every module shares.  Names
 * are snake_case; the standard's name is in the comment next to each field.
 * Pure: types and tiny helpers only.
 */
#ifndef HVPTP_COMMON_PTP_TYPES_H
#define HVPTP_COMMON_PTP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PTP_MAJOR_VERSION 2

/* ClockIdentity (5.3.4) */
struct clock_identity {
	uint8_t id[8];
};

/* PortIdentity (5.3.5) */
struct port_identity {
	struct clock_identity clock_identity; /* clockIdentity */
	uint16_t port_number; /* portNumber */
};

/* ClockQuality (5.3.7) */
struct clock_quality {
	uint8_t clock_class; /* clockClass */
	uint8_t clock_accuracy; /* clockAccuracy */
	uint16_t offset_scaled_log_variance; /* offsetScaledLogVariance */
};

/* messageType (13.3.2.2) */
enum ptp_msg_type {
	PTP_MSG_SYNC = 0x0,
	PTP_MSG_DELAY_REQ = 0x1,
	PTP_MSG_PDELAY_REQ = 0x2,
	PTP_MSG_PDELAY_RESP = 0x3,
	PTP_MSG_FOLLOW_UP = 0x8,
	PTP_MSG_DELAY_RESP = 0x9,
	PTP_MSG_PDELAY_RESP_FOLLOW_UP = 0xA,
	PTP_MSG_ANNOUNCE = 0xB,
	PTP_MSG_SIGNALING = 0xC,
	PTP_MSG_MANAGEMENT = 0xD,
};
#define PTP_MSG_TYPE_COUNT 16

static inline bool ptp_msg_is_event(unsigned type)
{
	return type <= PTP_MSG_PDELAY_RESP;
}

/* portState (8.2.15.3.1, Table 20) */
enum port_state {
	PS_INITIALIZING = 1,
	PS_FAULTY = 2,
	PS_DISABLED = 3,
	PS_LISTENING = 4,
	PS_PRE_MASTER = 5,
	PS_MASTER = 6,
	PS_PASSIVE = 7,
	PS_UNCALIBRATED = 8,
	PS_SLAVE = 9,
};

/* timeSource (7.6.2.8, Table 6) */
enum time_source {
	TS_ATOMIC_CLOCK = 0x10,
	TS_GNSS = 0x20,
	TS_TERRESTRIAL_RADIO = 0x30,
	TS_SERIAL_TIME_CODE = 0x39,
	TS_PTP = 0x40,
	TS_NTP = 0x50,
	TS_HAND_SET = 0x60,
	TS_OTHER = 0x90,
	TS_INTERNAL_OSCILLATOR = 0xA0,
};

/* delayMechanism (8.2.15.4.4) */
enum delay_mechanism {
	DM_E2E = 0x01,
	DM_P2P = 0x02,
	DM_COMMON_P2P = 0x03,
	DM_SPECIAL = 0x04,
	DM_NO_MECHANISM = 0xFE,
};

/* flagField bits (13.3.2.8, Table 37), as a 16-bit value with octet 0 in
 * the high byte. */
#define PTP_FLAG_ALTERNATE_MASTER (1u << 8)
#define PTP_FLAG_TWO_STEP (1u << 9)
#define PTP_FLAG_UNICAST (1u << 10)
#define PTP_FLAG_PROFILE1 (1u << 13)
#define PTP_FLAG_PROFILE2 (1u << 14)
#define PTP_FLAG_LEAP61 (1u << 0)
#define PTP_FLAG_LEAP59 (1u << 1)
#define PTP_FLAG_UTC_OFFSET_VALID (1u << 2)
#define PTP_FLAG_PTP_TIMESCALE (1u << 3)
#define PTP_FLAG_TIME_TRACEABLE (1u << 4)
#define PTP_FLAG_FREQ_TRACEABLE (1u << 5)
#define PTP_FLAG_SYNC_UNCERTAIN (1u << 6)

/* Opaque transport address: a struct sockaddr in the daemon, a node id in
 * the simulator.  The core stores and returns it, never looks inside. */
struct bc_addr {
	uint8_t len;
	uint8_t data[31];
};

static inline bool clock_identity_eq(const struct clock_identity *a,
				     const struct clock_identity *b)
{
	return memcmp(a->id, b->id, sizeof(a->id)) == 0;
}

static inline int clock_identity_cmp(const struct clock_identity *a,
				     const struct clock_identity *b)
{
	return memcmp(a->id, b->id, sizeof(a->id));
}

static inline bool port_identity_eq(const struct port_identity *a,
				    const struct port_identity *b)
{
	return clock_identity_eq(&a->clock_identity, &b->clock_identity) &&
	       a->port_number == b->port_number;
}

/* Compare as the standard's octet strings: clockIdentity, then portNumber. */
int port_identity_cmp(const struct port_identity *a,
		      const struct port_identity *b);

/* "001122.fffe.334455" (19 bytes incl. NUL), as linuxptp prints it. */
#define CLOCK_ID_STRLEN 19
/* "001122.fffe.334455-1" */
#define PORT_ID_STRLEN 26
char *clock_identity_str(const struct clock_identity *ci, char *buf,
			 size_t len);
char *port_identity_str(const struct port_identity *pi, char *buf,
			size_t len);
/* Parse "001122.fffe.334455" or "00:11:22:ff:fe:33:44:55"; -EINVAL on bad. */
int clock_identity_parse(const char *s, struct clock_identity *out);
/* EUI-48 to EUI-64 by inserting FF:FE in the middle (IEEE 1588-2019 7.5.2.2.2). */
void clock_identity_from_mac(const uint8_t mac[6], struct clock_identity *out);

const char *port_state_name(enum port_state s);
const char *ptp_msg_type_name(unsigned type);

#endif
