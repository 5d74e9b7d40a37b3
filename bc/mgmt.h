/*
 * bc/mgmt.h — IEEE 1588 management: the TLV codec and the dispatcher.
 *
 * A management client (linuxptp's pmc, hvptpctl) sends a Management message
 * with one MANAGEMENT TLV (15.5.2): an action (GET, SET, COMMAND), a
 * managementId and its data.  bc_mgmt() parses such a request, checks its
 * targetPortIdentity (clockIdentity all-ones or ours; portNumber 0xFFFF =
 * every port, 1..n one port; clock-wide IDs ignore the portNumber, as
 * ptp4l does) and answers every addressed entity with a RESPONSE or
 * ACKNOWLEDGE message, or a MANAGEMENT_ERROR_STATUS TLV with the standard's
 * managementErrorId (enum tlv_mgmt_error in bc/tlv.h).  The data layouts
 * are linuxptp's, byte for byte, so that pmc decodes them, including the
 * _NP IDs (TIME_STATUS_NP, PORT_PROPERTIES_NP, PORT_STATS_NP...).
 *
 * Answers are appended to a struct bc_actions as BC_ACT_SEND_GENERAL with
 * port == -1: "send back to the client that sent the request" (the program
 * knows the client's address; the core does not).  Management messages
 * received on PTP ports are answered by the port itself (bc/port.c calls
 * into bc/mgmt_port.c) and never produce port -1 actions.
 *
 * Malformed requests are dropped and counted (bc_mgmt_counters()), never
 * answered.  Pure: no I/O, no allocation.
 */
#ifndef HVPTP_BC_MGMT_H
#define HVPTP_BC_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/bc.h"
#include "bc/msg.h"

/* managementId (IEEE 1588-2019 15.5.2.3 Table 59; linuxptp's 0xC0xx _NP
 * extensions). */
enum bc_mgmt_id {
	/* applicable to ports */
	BC_MID_NULL_MANAGEMENT = 0x0000,
	BC_MID_CLOCK_DESCRIPTION = 0x0001,
	/* applicable to the clock */
	BC_MID_USER_DESCRIPTION = 0x0002,
	BC_MID_SAVE_IN_NON_VOLATILE_STORAGE = 0x0003,
	BC_MID_RESET_NON_VOLATILE_STORAGE = 0x0004,
	BC_MID_INITIALIZE = 0x0005,
	BC_MID_FAULT_LOG = 0x0006,
	BC_MID_FAULT_LOG_RESET = 0x0007,
	BC_MID_DEFAULT_DATA_SET = 0x2000,
	BC_MID_CURRENT_DATA_SET = 0x2001,
	BC_MID_PARENT_DATA_SET = 0x2002,
	BC_MID_TIME_PROPERTIES_DATA_SET = 0x2003,
	BC_MID_PORT_DATA_SET = 0x2004, /* port */
	BC_MID_PRIORITY1 = 0x2005,
	BC_MID_PRIORITY2 = 0x2006,
	BC_MID_DOMAIN = 0x2007,
	BC_MID_SLAVE_ONLY = 0x2008,
	BC_MID_LOG_ANNOUNCE_INTERVAL = 0x2009, /* port */
	BC_MID_ANNOUNCE_RECEIPT_TIMEOUT = 0x200A, /* port */
	BC_MID_LOG_SYNC_INTERVAL = 0x200B, /* port */
	BC_MID_VERSION_NUMBER = 0x200C, /* port */
	BC_MID_ENABLE_PORT = 0x200D, /* port */
	BC_MID_DISABLE_PORT = 0x200E, /* port */
	BC_MID_TIME = 0x200F,
	BC_MID_CLOCK_ACCURACY = 0x2010,
	BC_MID_UTC_PROPERTIES = 0x2011,
	BC_MID_TRACEABILITY_PROPERTIES = 0x2012,
	BC_MID_TIMESCALE_PROPERTIES = 0x2013,
	BC_MID_UNICAST_NEGOTIATION_ENABLE = 0x2014, /* port */
	BC_MID_PATH_TRACE_LIST = 0x2015,
	BC_MID_PATH_TRACE_ENABLE = 0x2016,
	BC_MID_GRANDMASTER_CLUSTER_TABLE = 0x2017,
	BC_MID_UNICAST_MASTER_TABLE = 0x2018, /* port */
	BC_MID_UNICAST_MASTER_MAX_TABLE_SIZE = 0x2019, /* port */
	BC_MID_ACCEPTABLE_MASTER_TABLE = 0x201A,
	BC_MID_ACCEPTABLE_MASTER_TABLE_ENABLED = 0x201B, /* port */
	BC_MID_ACCEPTABLE_MASTER_MAX_TABLE_SIZE = 0x201C,
	BC_MID_ALTERNATE_MASTER = 0x201D, /* port */
	BC_MID_ALTERNATE_TIME_OFFSET_ENABLE = 0x201E,
	BC_MID_ALTERNATE_TIME_OFFSET_NAME = 0x201F,
	BC_MID_ALTERNATE_TIME_OFFSET_MAX_KEY = 0x2020,
	BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES = 0x2021,
	BC_MID_EXTERNAL_PORT_CONFIGURATION_ENABLED = 0x3000,
	BC_MID_MASTER_ONLY = 0x3001, /* port */
	BC_MID_HOLDOVER_UPGRADE_ENABLE = 0x3002,
	BC_MID_EXT_PORT_CONFIG_PORT_DATA_SET = 0x3003, /* port */
	BC_MID_TRANSPARENT_CLOCK_DEFAULT_DATA_SET = 0x4000,
	BC_MID_TRANSPARENT_CLOCK_PORT_DATA_SET = 0x4001, /* port */
	BC_MID_PRIMARY_DOMAIN = 0x4002,
	BC_MID_DELAY_MECHANISM = 0x6000, /* port */
	BC_MID_LOG_MIN_PDELAY_REQ_INTERVAL = 0x6001, /* port */
	/* linuxptp's implementation-specific IDs */
	BC_MID_TIME_STATUS_NP = 0xC000,
	BC_MID_GRANDMASTER_SETTINGS_NP = 0xC001,
	BC_MID_PORT_DATA_SET_NP = 0xC002, /* port */
	BC_MID_SUBSCRIBE_EVENTS_NP = 0xC003,
	BC_MID_PORT_PROPERTIES_NP = 0xC004, /* port */
	BC_MID_PORT_STATS_NP = 0xC005, /* port */
	BC_MID_SYNCHRONIZATION_UNCERTAIN_NP = 0xC006,
	BC_MID_PORT_SERVICE_STATS_NP = 0xC007, /* port */
	BC_MID_UNICAST_MASTER_TABLE_NP = 0xC008, /* port */
	BC_MID_PORT_HWCLOCK_NP = 0xC009, /* port */
	BC_MID_POWER_PROFILE_SETTINGS_NP = 0xC00A, /* port */
	BC_MID_CMLDS_INFO_NP = 0xC00B, /* port */
	/* hvptp's own implementation-specific IDs, away from linuxptp's
	 * 0xC0xx block; layouts in docs/hvptpctl.md */
	BC_MID_HVPTP_SERVO_STATUS_NP = 0xD000,
	BC_MID_HVPTP_PORT_DROPS_NP = 0xD001, /* port */
	BC_MID_HVPTP_CLOCKS_NP = 0xD002,
	BC_MID_HVPTP_HOST_NP = 0xD003,
	BC_MID_HVPTP_FEEDS_NP = 0xD004,
	BC_MID_HVPTP_RELOAD_NP = 0xD010, /* COMMAND, the program's */
	BC_MID_HVPTP_PORT_STATUS_NP = 0xD005, /* port */
	BC_MID_HVPTP_LOCK_HISTORY_NP = 0xD012,
	BC_MID_HVPTP_ALARMS_NP = 0xD011,
	BC_MID_HVPTP_FOREIGN_MASTERS_NP = 0xD006, /* port */
};

/* HVPTP_RELOAD_NP (COMMAND, read-write socket; answered by the program,
 * which reads its configuration again: daemon/reload.h): the
 * ACKNOWLEDGE carries u8 flags (BC_MGMT_RELOAD_LOADED: the configuration
 * loaded), u8 reserved, u16 changes applied, u16 changes refused, and a
 * PTPText summary line (padded to an even length). */
#define BC_MGMT_RELOAD_LOADED 0x01

/* targetPortIdentity.portNumber addressing every port. */
#define BC_MGMT_ALL_PORTS 0xFFFF

/* Data lengths of the fixed-size layouts (bytes after the managementId). */
#define BC_MGMT_DATUM_LEN 2 /* one octet value + one reserved */
#define BC_MGMT_DEFAULT_DS_LEN 20
#define BC_MGMT_CURRENT_DS_LEN 18
#define BC_MGMT_PARENT_DS_LEN 32
#define BC_MGMT_TIME_PROPERTIES_DS_LEN 4
#define BC_MGMT_PORT_DS_LEN 26
#define BC_MGMT_TIME_STATUS_NP_LEN 50
#define BC_MGMT_GM_SETTINGS_NP_LEN 8
#define BC_MGMT_PORT_DS_NP_LEN 8
#define BC_MGMT_PORT_STATS_NP_LEN 266 /* counters little-endian, as
					 linuxptp sends them */
/* linuxptp 4.4's (bc/mgmt_parity.c): ALTERNATE_TIME_OFFSET_ENABLE is a
 * datum (keyField, enable in bit 0 of the reserved octet);
 * ALTERNATE_TIME_OFFSET_NAME keyField + PTPText; _PROPERTIES keyField,
 * currentOffset i32, jumpSeconds i32, timeOfNextJump u48, pad.  A GET
 * names the key in its data (none: key 0); an unknown key is answered
 * with no data, as ptp4l does.  PORT_SERVICE_STATS_NP: portIdentity and
 * 10 little-endian u64.  POWER_PROFILE_SETTINGS_NP: version u16,
 * grandmasterID u16, three u32 inaccuracies.  CMLDS_INFO_NP:
 * meanLinkDelay (TimeInterval), scaledNeighborRateRatio i32, as_capable
 * u32. */
#define BC_MGMT_ATO_PROPERTIES_LEN 16
#define BC_MGMT_ATO_KEYS 4
#define BC_MGMT_PORT_SERVICE_STATS_NP_LEN 90
#define BC_MGMT_POWER_PROFILE_NP_LEN 16
#define BC_MGMT_CMLDS_INFO_NP_LEN 16

/* HVPTP_SERVO_STATUS_NP (clock, GET): flags (BC_MGMT_SERVO_*), servo state
 * (enum servo_state), then big-endian: last offset and path delay
 * (TimeInterval), frequency (ppb scaled by 2^16, i64), time-error estimate
 * (TimeInterval, 0 unless TE_KNOWN), clock steps (u64), monotonic time of
 * the last sample (u64 ns, the daemon's CLOCK_MONOTONIC). */
#define BC_MGMT_SERVO_STATUS_NP_LEN 50
#define BC_MGMT_SERVO_VALID 0x01 /* a sample was processed */
#define BC_MGMT_SERVO_HOLDOVER 0x02 /* holding the last good frequency */
#define BC_MGMT_SERVO_TE_KNOWN 0x04 /* the time-error estimate is known */
/* ... then (hvptp 0.1 after issue 10; a client reads what is there):
 * monotonic times (u64 ns, 0: none) the servo locked (0 while it is not
 * locked) and its state last changed; the sample window
 * (struct bc_servo_window): flags (BC_MGMT_WIN_*), 3 reserved octets,
 * samples u32, span, offset RMS and max |offset| (TimeInterval), frequency
 * mean and standard deviation (ppb * 2^16, i64), path delay mean, max and
 * standard deviation (TimeInterval).  Every figure of the window is 0
 * unless BC_MGMT_WIN_KNOWN. */
#define BC_MGMT_SERVO_STATUS_NP_FULL_LEN 138
#define BC_MGMT_WIN_KNOWN 0x01 /* samples in the window */
#define BC_MGMT_WIN_COMPLETE 0x02 /* a whole window */
/* HVPTP_PORT_STATUS_NP (port, GET), big-endian: portIdentity, portState
 * u8, the last fault's reason u8 (enum bc_fault), reserved u16, its errno
 * i32, monotonic times (u64 ns, 0: none) of the last state change and of
 * the last fault. */
#define BC_MGMT_PORT_STATUS_NP_LEN 34
/* ... then (since issue 9, for clients the read-only socket refuses
 * PORT_HWCLOCK_NP and PORT_PROPERTIES_NP, as ptp4l 4.4's does): the PHC
 * that stamps the port i32 (-1: software timestamps), timestamping u8
 * (linuxptp's: 0 software, 1 hardware), reserved u8, the interface
 * (PTPText). */
/* HVPTP_FOREIGN_MASTERS_NP (port, GET), big-endian: the foreign master
 * table under floods (bc/bmca.h's policy): portIdentity, records in use
 * u8, capacity u8 (BMCA_MAX_FOREIGN), of them qualified now u8,
 * FOREIGN_MASTER_THRESHOLD u8, FOREIGN_MASTER_TIME_WINDOW u8, reserved
 * u8, then u64 each: newcomers refused for room (overflows), records
 * given up for a newcomer (evictions), first Announces kept as sightings,
 * copies of a record's last Announce, and for the whole clock the
 * sighting ring's size and the sightings it overwrote unconfirmed. */
#define BC_MGMT_FOREIGN_MASTERS_NP_LEN 64
/* HVPTP_PORT_DROPS_NP (port, GET), big-endian: portIdentity, TX timestamp
 * timeouts, announce receipt timeouts, sync receipt timeouts, faults (u64
 * each), then a u16 count n and n u64 drop counters, the i-th (from 1) for
 * the drop reason with code i (enum bc_drop in bc/msg.h). */
#define BC_MGMT_PORT_DROPS_NP_FIXED 44
#define BC_MGMT_PORT_DROPS_NP_LEN \
	(BC_MGMT_PORT_DROPS_NP_FIXED + 8 * (BC_DROP_COUNT - 1))

/* PORT_HWCLOCK_NP (port, GET; linuxptp 4.x): portIdentity, phc_index
 * (i32, -1 for a software-timestamped port), flags, reserved. */
#define BC_MGMT_PORT_HWCLOCK_NP_LEN 16
/* HVPTP_CLOCKS_NP (clock, GET): u8 n, u8 flags (BC_MGMT_CLOCKS_MORE:
 * more clocks than fit), then n records of BC_MGMT_CLOCK_REC_LEN octets,
 * big-endian: index u8, role u8 (enum bc_clock_role), source i8 (-1),
 * flags u8 (BC_MGMT_CLOCK_*), servo type u8 (enum servo_type), servo
 * state u8 (enum servo_state), read method u8 (enum hwclock_read),
 * reserved u8, phc_index i32, name (32 octets, NUL padded), offset
 * (TimeInterval, 0 unless OFFSET_KNOWN), frequency (ppb * 2^16, i64),
 * read window (TimeInterval), time-error estimate (TimeInterval, 0 unless
 * TE_KNOWN), steps u64, monotonic time of the offset (u64 ns), ports
 * stamped u16, reserved u16, paired readings u32 and failed readings u32
 * (saturating). */
#define BC_MGMT_CLOCK_REC_LEN 104
#define BC_MGMT_CLOCKS_MAX 13 /* records in one message */
#define BC_MGMT_CLOCKS_MORE 0x01
#define BC_MGMT_CLOCK_ADJUSTED 0x01 /* hvptpd adjusts it */
#define BC_MGMT_CLOCK_UTC 0x02 /* keeps UTC (the system clock) */
#define BC_MGMT_CLOCK_OFFSET_KNOWN 0x04
#define BC_MGMT_CLOCK_TE_KNOWN 0x08
#define BC_MGMT_CLOCK_STEERED 0x10 /* a follower steered now */
#define BC_MGMT_CLOCK_FREQ_KNOWN 0x20 /* the frequency field means it */
/* HVPTP_LOCK_HISTORY_NP (clock, GET): u8 n, u8 flags (BC_MGMT_LOCKS_MORE:
 * more clocks than fit), reserved u16, the monotonic time of the answer
 * (u64 ns: the figures are at that time), then n records, big-endian:
 * index u8, flags u8 (BC_MGMT_LOCK_*), m u8 (changes in the record),
 * reserved u8, lock losses u32, then u64 ns each: time in the state now
 * (since the last change, or since the start), time in lock since the
 * start, time since the start, time to first lock (0 unless
 * FIRST_KNOWN), MTBF (0 unless MTBF_KNOWN), MTTR (0 unless MTTR_KNOWN);
 * then the last m changes, newest first, BC_MGMT_LOCK_CHANGE_LEN octets
 * each: monotonic time u64, locked u8 (the state it went to), reserved
 * u8.  Every figure is 0 unless KNOWN (a clock hvptpd does not adjust
 * has no lock history: not APPLICABLE).  Records carry at most
 * CM_LOCKHIST_RING changes, fewer when that is what lets every clock fit. */
#define BC_MGMT_LOCKS_HEAD_LEN 12
#define BC_MGMT_LOCK_REC_LEN 56 /* without its changes */
#define BC_MGMT_LOCK_CHANGE_LEN 10
#define BC_MGMT_LOCKS_MORE 0x01
#define BC_MGMT_LOCK_APPLICABLE 0x01 /* hvptpd adjusts it: a servo locks */
#define BC_MGMT_LOCK_KNOWN 0x02 /* the history started: figures known */
#define BC_MGMT_LOCK_LOCKED 0x04 /* locked now */
#define BC_MGMT_LOCK_FIRST_KNOWN 0x08 /* it locked once */
#define BC_MGMT_LOCK_MTBF_KNOWN 0x10 /* a loss happened */
#define BC_MGMT_LOCK_MTTR_KNOWN 0x20 /* a recovery happened */
/* HVPTP_HOST_NP (clock, GET): u8 valid (the checks ran), u8 nlines, u8
 * flags (BC_MGMT_HOST_MORE: lines were left out), reserved u8, then the
 * checks that found something, could not tell, and passed (u32 bit masks
 * of vm/hostcheck.h's checks each; a check in none does not apply), then
 * nlines times: the line's check (u8) and the line (PTPText). */
#define BC_MGMT_HOST_MORE 0x01
/* HVPTP_FEEDS_NP (clock, GET): u8 flags (BC_MGMT_FEED_*), u8 the last
 * tick's outcome (0 fed, 1..BC_FEED_REASONS a reason, 0xFF no tick yet),
 * i16 the NTP SHM unit (-1 off), u64 chrony samples sent, u64 failed,
 * i32 the last failure's errno (0 none), reserved u32, u64 SHM samples
 * written, u64 failed, BC_FEED_REASONS u64 ticks skipped by reason, the
 * chrony socket's path (PTPText, empty when off). */
#define BC_MGMT_FEED_CHRONY 0x01 /* chrony_sock is on */
#define BC_MGMT_FEED_SHM 0x02 /* ntp_shm_segment is on */
#define BC_MGMT_FEED_NONE 0xFF /* no tick yet */

/* HVPTP_ALARMS_NP (clock, GET; and a notification): u8 n, u8 flags
 * (BC_MGMT_ALARMS_*), reserved u16, then n records of
 * BC_MGMT_ALARM_REC_LEN octets, big-endian: kind u8 (enum alarm_kind),
 * flags u8 (BC_MGMT_ALARM_*), reserved u16, raised u32 (times, saturating),
 * subject (16 octets, NUL padded), value and bound (i64, the kind's unit
 * scaled by 2^16; value 0 unless APPLICABLE), monotonic time of the last
 * raise or clear (u64 ns, 0: never).  A GET lists every alarm, the
 * active ones first, as many as a message holds; a notification carries
 * the one alarm that changed (BC_MGMT_ALARMS_CHANGE). */
#define BC_MGMT_ALARM_REC_LEN 48
#define BC_MGMT_ALARMS_MAX 29 /* records in one message */
#define BC_MGMT_ALARMS_MORE 0x01 /* more alarms than fit */
#define BC_MGMT_ALARMS_CHANGE 0x02 /* a notification: the one changed */
#define BC_MGMT_ALARM_ACTIVE 0x01
#define BC_MGMT_ALARM_APPLICABLE 0x02

/* SUBSCRIBE_EVENTS_NP: u16 duration (s) + a 64-octet event bitmask; bit
 * (n % 8) of octet n / 8 is event n.  Duration 0xFFFF never expires. */
#define BC_MGMT_EVENT_BITMASK_LEN 64
#define BC_MGMT_SUBSCRIBE_LEN (2 + BC_MGMT_EVENT_BITMASK_LEN)
#define BC_MGMT_SUBSCRIBE_FOREVER 0xFFFF
enum bc_mgmt_event {
	BC_NOTIFY_PORT_STATE = 0, /* PORT_DATA_SET of the port */
	BC_NOTIFY_TIME_SYNC = 1, /* TIME_STATUS_NP */
	BC_NOTIFY_PARENT_DATA_SET = 2, /* PARENT_DATA_SET */
	/* hvptp's own, away from linuxptp's */
	BC_NOTIFY_HVPTP_ALARM = 32, /* HVPTP_ALARMS_NP, the one changed */
};

/* A parsed management message (request or response).  data points into
 * the caller's buffer. */
struct bc_mgmt_req {
	struct ptp_header hdr;
	struct ptp_management mgmt; /* target, boundary hops, actionField */
	bool is_error; /* the TLV is MANAGEMENT_ERROR_STATUS */
	uint16_t error_id; /* managementErrorId when is_error */
	uint16_t id; /* managementId */
	uint16_t data_len; /* dataField (or displayData) bytes */
	const uint8_t *data;
};

/* Why a management message was dropped without an answer. */
enum bc_mgmt_drop {
	BC_MGMT_DROP_MALFORMED, /* msg_unpack refused it */
	BC_MGMT_DROP_NOT_MANAGEMENT, /* another messageType */
	BC_MGMT_DROP_BAD_TLV, /* not exactly one MANAGEMENT TLV */
	BC_MGMT_DROP_BAD_ACTION, /* a RESPONSE/ACKNOWLEDGE/reserved action */
	BC_MGMT_DROP_NOT_FOR_US, /* targetPortIdentity names another clock */
	BC_MGMT_DROP_DISABLED, /* on a port without management_enabled */
	BC_MGMT_DROP_NO_SPACE, /* answers did not fit the action list */
	BC_MGMT_DROP_RATE_LIMITED, /* over its source's mgmt_rate_limit */
	BC_MGMT_DROP_COUNT
};
const char *bc_mgmt_drop_name(enum bc_mgmt_drop d);

struct bc_mgmt_counters {
	uint64_t requests; /* accepted GET/SET/COMMAND, local and network */
	uint64_t responses; /* RESPONSE/ACKNOWLEDGE messages queued */
	uint64_t errors; /* MANAGEMENT_ERROR_STATUS messages queued */
	uint64_t sets; /* SETs applied */
	uint64_t forwarded; /* messages a boundary clock passed on */
	uint64_t drop[BC_MGMT_DROP_COUNT];
};
const struct bc_mgmt_counters *bc_mgmt_counters(const struct bc *bc);
/* Count a drop seen by the program (e.g. a truncated datagram). */
void bc_mgmt_count_drop(struct bc *bc, enum bc_mgmt_drop why);

/*
 * Parse buf[0..len): a Management message with exactly one MANAGEMENT or
 * MANAGEMENT_ERROR_STATUS TLV.  0, or -EBADMSG with *why set (why may be
 * NULL).  No counting (bc_mgmt does that).
 */
int bc_mgmt_parse(const uint8_t *buf, size_t len, struct bc_mgmt_req *r,
		  enum bc_mgmt_drop *why);

/*
 * Handle one request from a local management client.  read_only: SET and
 * COMMAND are refused with NOT_SUPPORTED (what linuxptp 4.x answers on its
 * read-only socket).  Answers go to out with port == -1.  The domainNumber
 * and sdoId of a local request are not checked.  SUBSCRIBE_EVENTS_NP is
 * the program's (the subscriber lives at an address the core does not
 * know): here it is answered NOT_SUPPORTED.
 * Returns 0 (answered, possibly with an error status), -EBADMSG (dropped
 * and counted), -ENOBUFS (out filled up: the answers that fit are in out,
 * see bc_mgmt_resume()).
 */
int bc_mgmt(struct bc *bc, const uint8_t *req, size_t len, bool read_only,
	    int64_t now, struct bc_actions *out);

/*
 * The same for an already parsed request, starting the per-port answers at
 * port index *next_port (0 for a new request).  On -ENOBUFS *next_port is
 * where to continue with an emptied out; 0 when all is done.
 */
int bc_mgmt_resume(struct bc *bc, const struct bc_mgmt_req *r,
		   bool read_only, int *next_port, int64_t now,
		   struct bc_actions *out);

/*
 * Queue a RESPONSE (ACKNOWLEDGE for a COMMAND) to r from the clock
 * (sourcePortIdentity = clockIdentity-0) with the given managementId and
 * data, for IDs the program answers itself (SUBSCRIBE_EVENTS_NP).
 * bc_mgmt_respond_error() queues a MANAGEMENT_ERROR_STATUS instead.
 */
int bc_mgmt_respond(struct bc *bc, const struct bc_mgmt_req *r, uint16_t id,
		    const uint8_t *data, size_t len, struct bc_actions *out);
int bc_mgmt_respond_error(struct bc *bc, const struct bc_mgmt_req *r,
			  uint16_t error_id, struct bc_actions *out);

/*
 * Build a notification, as linuxptp sends them to subscribers: a RESPONSE
 * with managementId id (PORT_DATA_SET of port, TIME_STATUS_NP or
 * PARENT_DATA_SET with port -1; HVPTP_ALARMS_NP with port the index of
 * the alarm that changed, bc_alarm()), addressed to target with sequenceId seq,
 * boundaryHops 1.  Returns the message length in buf, or a negative errno
 * (-EINVAL for an ID or port that cannot be notified).
 */
int bc_mgmt_notification(const struct bc *bc, int port, uint16_t id,
			 const struct port_identity *target, uint16_t seq,
			 uint8_t *buf, size_t cap);

/* "DEFAULT_DATA_SET"..., or NULL for an ID hvptp does not know. */
const char *bc_mgmt_id_name(uint16_t id);
/* The ID of a name (case-insensitive), or -1. */
int bc_mgmt_id_from_name(const char *name);
/* true when the ID applies to ports (CLOCK_DESCRIPTION, PORT_*...). */
bool bc_mgmt_id_is_port(uint16_t id);

/* ---- what the core cannot know: set by the program ---- */

/* CLOCK_DESCRIPTION: manufacturerIdentity (OUI), productDescription
 * ("manufacturer;model;instance", at most 64 octets) and revisionData
 * ("hardware;firmware;software", at most 32).  NULL keeps the current
 * value; the defaults are 00:00:00, "hvptp;hvptpd;<version>" and
 * ";;<version>".  -EINVAL for a text that is too long. */
int bc_mgmt_set_description(struct bc *bc, const uint8_t *oui,
			    const char *product, const char *revision);
/* CLOCK_DESCRIPTION of a port: physicalAddress (MAC) and protocolAddress
 * (its IPv4 address); NULL for unknown.  -EINVAL for a bad port. */
int bc_mgmt_set_port_address(struct bc *bc, int port, const uint8_t *mac,
			     const uint8_t *ipv4);
/* The protocolAddress of a port on another transport: networkProtocol
 * (2 UDP/IPv6, 3 IEEE 802.3; 1 UDP/IPv4 too) and its address, len at
 * most 16; addr NULL: unknown (length 0).  Replaces the IPv4 address of
 * bc_mgmt_set_port_address.  -EINVAL for a bad port or length. */
int bc_mgmt_set_port_protocol(struct bc *bc, int port, uint16_t protocol,
			      const uint8_t *addr, size_t len);

#endif
