/*
 * mgmt/decode.h — table-driven decoders and encoders of management data.
 *
 * One layout per managementId lists its fields in wire order, each with a
 * stable snake_case name and a wire type (integers, TimeInterval,
 * ClockIdentity, PortIdentity, ClockQuality, PTPText, enumerations, flag
 * bits, PORT_STATS_NP's little-endian counters...).  The decoder reads a
 * dataField through the bounds-checked reader (bc/wire.h) and appends the
 * fields to a value tree (mgmt/tree.h); the encoder does the reverse for
 * SET, from a tree (usually what a GET returned, with some fields changed
 * by mgmt_layout_assign()).  Nothing here prints: mgmt/print.h does, for
 * every ID alike.  The layouts follow what hvptpd encodes (bc/mgmt_ids.c),
 * which is linuxptp's, so they read ptp4l's answers too.
 *
 * Values in the tree are in base units where the wire implies one
 * (TimeInterval -> integer ns, scaled ppb -> real ppb); enumerations keep
 * their raw code under the field's name and add "<name>_name".
 */
#ifndef HVPTP_MGMT_DECODE_H
#define HVPTP_MGMT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/mgmt.h"
#include "mgmt/tree.h"
#include "vm/hostcheck.h"

enum mgmt_ftype {
	MF_U8,
	MF_U16,
	MF_U32,
	MF_U64,
	MF_I8,
	MF_I16,
	MF_I32,
	MF_I64,
	MF_HEX8, /* u8 shown as "0xNN" too: value + "<name>_hex" */
	MF_HEX16, /* u16, same */
	MF_BOOL8, /* u8, 0 false */
	MF_BOOL32, /* u32, 0 false */
	MF_NIBBLE, /* u8, low 4 bits (versionNumber) */
	MF_TI, /* TimeInterval: i64 ns * 2^16 -> integer ns */
	MF_TI_OPT, /* the same, null unless the previous flags field has
		      bit `arg` set */
	MF_SPPB, /* i64 ppb * 2^16 -> real ppb, 3 decimals */
	MF_CID, /* ClockIdentity -> "001122.fffe.334455" */
	MF_PID, /* PortIdentity -> "001122.fffe.334455-1" */
	MF_CQ, /* ClockQuality -> object */
	MF_TEXT, /* PTPText -> string */
	MF_ENUM8, /* u8 + "<name>_name" (names from `names`) */
	MF_FLAGS8, /* u8: one boolean per named bit (`bits`) */
	MF_RESERVED, /* `arg` octets, skipped (written as zero) */
	MF_OCTETS, /* `arg` octets -> "aa:bb:cc" */
	MF_OCTETS16, /* u16 length + octets -> "aa:bb:cc" */
	MF_PADDR, /* PortAddress: u16 protocol, u16 length, octets */
	MF_MSGCNT_LE, /* 16 little-endian u64 by messageType -> object */
	MF_EVMASK, /* 64-octet SUBSCRIBE_EVENTS_NP bitmask -> object */
	MF_DROPS, /* u16 n + n u64 by drop reason (enum bc_drop) */
	MF_NAME, /* `arg` octets of text, NUL-padded -> string */
	MF_COUNT8, /* u8: how many items the next list field has (the
		      tree shows the list, not the count) */
	MF_CLOCKS, /* HVPTP_CLOCKS_NP's records, as many as MF_COUNT8
		      said -> array of objects (mgmt_clock_record) */
	MF_HOSTMASK, /* u32 bits of vm/hostcheck.h -> array of check names */
	MF_TEXTS, /* as many (check u8, PTPText) as MF_COUNT8 said -> arrays */
	MF_SPPB_OPT, /* MF_SPPB, null unless the previous flags field has bit
			`arg` set */
	MF_MONO, /* u64 monotonic ns, 0 -> null (never) */
	MF_CIDS, /* ClockIdentity to the end of the data -> array */
	MF_NS_OPT, /* u64 ns, null unless the previous flags field has bit
		      `arg` set */
	MF_LOCKS, /* HVPTP_LOCK_HISTORY_NP's records, as many as MF_COUNT8
		     said -> array of objects (see mgmt_lock_record) */
	MF_LOCKCHANGES, /* a lock record's changes, as many as MF_COUNT8
			   said -> array of objects */
	MF_ALARMS, /* HVPTP_ALARMS_NP's records, as many as MF_COUNT8 said
		      -> array of objects, each with its "unit" */
	MF_U64LE, /* u64 little-endian (linuxptp's counters) */
	MF_U48, /* u48 (timeOfNextJump) */
	MF_UCMASTERS, /* UNICAST_MASTER_TABLE_NP: u16 n + n entries, each
			 with its PortAddress -> array of objects */
	MF_COUNT
};

struct mgmt_field {
	const char *name; /* snake_case key in the tree */
	uint8_t type; /* enum mgmt_ftype */
	uint8_t arg; /* octets (RESERVED, OCTETS), flag bit (TI_OPT) */
	const char *(*names)(unsigned v); /* ENUM8: the name of a code */
	const char *const *bits; /* FLAGS8: 8 names, NULL = unused bit */
};

struct mgmt_layout {
	uint16_t id;
	const struct mgmt_field *fields;
	int nfields;
};

/* The layout of a managementId, or NULL when hvptpctl has none (its data
 * are then shown as "raw_hex"). */
const struct mgmt_layout *mgmt_layout_find(uint16_t id);
/* Number of layouts and layout i, for tests and documentation. */
int mgmt_layout_count(void);
const struct mgmt_layout *mgmt_layout_at(int i);

/*
 * Append the fields of id's dataField (data[0..len)) to the object obj of
 * t.  Trailing bytes (padding, fields of a newer daemon) are ignored.
 * 0; -EBADMSG when the data is shorter than the layout (what could be
 * decoded is kept); -ENOSPC when the tree is full.  An ID without a layout
 * gives "raw_hex".
 */
int mgmt_decode_data(struct mgmt_tree *t, int obj, uint16_t id,
		     const uint8_t *data, size_t len);

/*
 * Append one answer as an object to the array arr: "source_port_identity",
 * "port_number", then "data" (decoded) or "error" ("management_error_id",
 * "management_error_name", "display_data"; the error the daemon answered).
 * The object's index, or a negative errno.
 */
int mgmt_decode_answer(struct mgmt_tree *t, int arr,
		       const struct bc_mgmt_req *r);

/*
 * Encode the object obj of t (with every field of id's layout) into
 * buf[0..cap) as a dataField.  The length, -ENOENT (no layout), -EINVAL (a
 * field is missing or of the wrong kind: err names it), -ENOTSUP (a field
 * type that cannot be encoded), -EMSGSIZE.
 */
int mgmt_encode_data(const struct mgmt_tree *t, int obj, uint16_t id,
		     uint8_t *buf, size_t cap, char *err, size_t errlen);

/*
 * Set the field called key ("priority1", "clock_class" or
 * "clock_quality.clock_class", "leap61", "port_state" for the
 * SUBSCRIBE_EVENTS_NP event...) of obj from text (decimal or 0x hex,
 * true/false/on/off/yes/no/1/0, enumeration names), checking its range.
 * 0, or -EINVAL with the reason in err.
 */
int mgmt_layout_assign(struct mgmt_tree *t, int obj, uint16_t id,
		       const char *key, const char *text, char *err,
		       size_t errlen);

/* The SUBSCRIBE_EVENTS_NP events hvptpd notifies (bc/mgmt.h, enum
 * bc_mgmt_event) by number, as the tree names them: "port_state",
 * "time_sync", "parent_data_set"; NULL for e >= MGMT_EVENT_COUNT. */
#define MGMT_EVENT_COUNT 3
const char *mgmt_event_name(unsigned e);

/* PORT_PROPERTIES_NP's networkProtocol ("UDP_IPV4"...), NULL if unknown. */
const char *mgmt_network_protocol_name(unsigned v);
/* "NO_SUCH_ID"..., or "UNKNOWN" (managementErrorId, Table 109). */
const char *mgmt_error_name(unsigned error_id);
/* Names of the enumerations the layouts use (NULL when unknown). */
const char *mgmt_time_source_name(unsigned v);
const char *mgmt_delay_mechanism_name(unsigned v);
const char *mgmt_timestamping_name(unsigned v);
const char *mgmt_servo_state_name(unsigned v);
const char *mgmt_port_state_name(unsigned v);
const char *mgmt_feed_outcome_name(unsigned v);
/* A port's last fault (enum bc_fault): "none", "link_down"... */
const char *mgmt_fault_name(unsigned v);

/*
 * A record of HVPTP_CLOCKS_NP decodes to (the fields in wire order,
 * then "servo_applied"), with null for what the record does not know:
 * offset_ns and offset_monotonic_ns unless the offset is known;
 * time_error_estimate_ns unless the estimate is known; read_method (and
 * its name) and read_window_ns for the reference (its offset comes from
 * PTP, not from a paired reading) and before a first reading;
 * servo_state (and its name) while the servo is not applied:
 * servo_applied is true only for a clock hvptpd adjusts that is the
 * reference or a follower steered now; frequency_ppb unless the servo is
 * applied and the offset known (a free-running servo's frequency estimate
 * is 0 until it has one, so estimates are not shown).  Names of the
 * codes: "reference", "follower" (enum bc_clock_role); "pi", "linreg",
 * "kalman" (enum servo_type); "auto", "precise", "extended", "basic",
 * "self" (enum hwclock_read).
 */
const char *mgmt_clock_role_name(unsigned v);
const char *mgmt_servo_type_name(unsigned v);
const char *mgmt_read_method_name(unsigned v);
/* The rules above, shared with the metrics: the servo steers the clock
 * now; its frequency means something (FREQUENCY_KNOWN, and the servo
 * applied, or the clock is not adjusted: then it is the estimate). */
bool mgmt_clock_servo_applied(bool adjusted, int role, bool steered);
bool mgmt_clock_freq_known(bool applied, bool adjusted, bool freq_flag);

/*
 * HVPTP_LOCK_HISTORY_NP decodes to "count" (hidden: the list shows it),
 * "more_clocks", "answer_monotonic_ns" (the time the figures are at) and
 * "clocks", each record: "index", the flags ("applicable", "known",
 * "locked", "first_lock_known", "mtbf_known", "mttr_known"), "losses",
 * "in_state_ns", "locked_total_ns", "observed_ns",
 * "time_to_first_lock_ns", "mtbf_ns", "mttr_ns" (in ns, null unless
 * known; losses and locked too for a clock without a history), then
 * "changes", newest first, each "monotonic_ns", "locked" and "age_ns"
 * (the answer's time less the change's).
 */

/* The state of host check id (enum hostcheck_id) from HVPTP_HOST_NP's
 * three masks: a finding, an unknown, ok, or in none: not applicable. */
enum hostcheck_state mgmt_host_check_state(uint32_t findings,
					   uint32_t unknown, uint32_t ok,
					   int id);

#endif
