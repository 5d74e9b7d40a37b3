/*
 * mgmt/decode.c — the layouts of the managementIds and the decoder (see
 * mgmt/decode.h).  Each layout mirrors the GET function of the ID in
 * bc/mgmt_ids.c field by field.  The encoder is in mgmt/encode.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bc/tlv.h"
#include "bc/wire.h"
#include "common/alarm.h"
#include "common/hwclock.h"
#include "mgmt/decode.h"
#include "servo/servo.h"
#include "vm/feeds.h"

/* ---- the layouts ---- */

static const char *const dds_bits[8] = { "two_step", "slave_only" };
static const char *const tp_bits[8] = {
	"leap61", "leap59", "current_utc_offset_valid", "ptp_timescale",
	"time_traceable", "frequency_traceable", "synchronization_uncertain"
};
static const char *const trace_bits[8] = { [4] = "time_traceable",
					   [5] = "frequency_traceable" };
static const char *const timescale_bits[8] = { [3] = "ptp_timescale" };
static const char *const servo_bits[8] = { "valid", "holdover",
					   "time_error_estimate_known" };
static const char *const hwclock_bits[8] = { "vclock" };
static const char *const window_bits[8] = { "window_known",
					    "window_complete" };
static const char *const clocks_bits[8] = { "more_clocks" };
/* BC_MGMT_CLOCK_* (bc/mgmt.h) */
static const char *const clock_bits[8] = {
	"adjusted", "keeps_utc", "offset_known", "time_error_estimate_known",
	"steered", "frequency_known"
};
/* BC_MGMT_LOCK_* */
static const char *const lock_bits[8] = {
	"applicable", "known", "locked", "first_lock_known", "mtbf_known",
	"mttr_known"
};
static const char *const locks_bits[8] = { "more_clocks" };
/* BC_MGMT_HOST_* */
static const char *const host_bits[8] = { "more_lines" };
/* BC_MGMT_FEED_* */
static const char *const feed_bits[8] = { "chrony_sock", "ntp_shm" };
/* BC_MGMT_ALARMS_*, BC_MGMT_ALARM_* */
static const char *const alarms_bits[8] = { "more_alarms", "change" };
static const char *const alarm_bits[8] = { "active", "applicable" };

#define F(n, t) { n, t, 0, NULL, NULL }
#define FA(n, t, a) { n, t, a, NULL, NULL }
#define FE(n, fn) { n, MF_ENUM8, 0, fn, NULL }
#define FB(b) { "flags", MF_FLAGS8, 0, NULL, b }
#define RES(n) { "reserved", MF_RESERVED, n, NULL, NULL }

static const struct mgmt_field f_clock_description[] = {
	F("clock_type", MF_HEX16),
	F("physical_layer_protocol", MF_TEXT),
	F("physical_address", MF_OCTETS16),
	F("protocol_address", MF_PADDR),
	FA("manufacturer_identity", MF_OCTETS, 3),
	RES(1),
	F("product_description", MF_TEXT),
	F("revision_data", MF_TEXT),
	F("user_description", MF_TEXT),
	FA("profile_identity", MF_OCTETS, 6),
};
static const struct mgmt_field f_user_description[] = {
	F("user_description", MF_TEXT),
};
static const struct mgmt_field f_default_ds[] = {
	FB(dds_bits),
	RES(1),
	F("number_ports", MF_U16),
	F("priority1", MF_U8),
	F("clock_quality", MF_CQ),
	F("priority2", MF_U8),
	F("clock_identity", MF_CID),
	F("domain_number", MF_U8),
	RES(1),
};
static const struct mgmt_field f_current_ds[] = {
	F("steps_removed", MF_U16),
	F("offset_from_master_ns", MF_TI),
	F("mean_path_delay_ns", MF_TI),
};
static const struct mgmt_field f_parent_ds[] = {
	F("parent_port_identity", MF_PID),
	F("parent_stats", MF_BOOL8),
	RES(1),
	F("observed_parent_offset_scaled_log_variance", MF_HEX16),
	F("observed_parent_clock_phase_change_rate", MF_I32),
	F("grandmaster_priority1", MF_U8),
	F("grandmaster_clock_quality", MF_CQ),
	F("grandmaster_priority2", MF_U8),
	F("grandmaster_identity", MF_CID),
};
static const struct mgmt_field f_time_properties_ds[] = {
	F("current_utc_offset", MF_I16),
	FB(tp_bits),
	FE("time_source", mgmt_time_source_name),
};
static const struct mgmt_field f_port_ds[] = {
	F("port_identity", MF_PID),
	FE("port_state", mgmt_port_state_name),
	F("log_min_delay_req_interval", MF_I8),
	F("peer_mean_path_delay_ns", MF_TI),
	F("log_announce_interval", MF_I8),
	F("announce_receipt_timeout", MF_U8),
	F("log_sync_interval", MF_I8),
	FE("delay_mechanism", mgmt_delay_mechanism_name),
	F("log_min_pdelay_req_interval", MF_I8),
	F("version_number", MF_NIBBLE),
};

/* The one-octet IDs: value + reserved octet. */
#define DATUM(var, field) \
	static const struct mgmt_field var[] = { field, RES(1) }
DATUM(f_priority1, F("priority1", MF_U8));
DATUM(f_priority2, F("priority2", MF_U8));
DATUM(f_domain, F("domain_number", MF_U8));
DATUM(f_slave_only, F("slave_only", MF_BOOL8));
DATUM(f_log_announce, F("log_announce_interval", MF_I8));
DATUM(f_announce_timeout, F("announce_receipt_timeout", MF_U8));
DATUM(f_log_sync, F("log_sync_interval", MF_I8));
DATUM(f_version, F("version_number", MF_NIBBLE));
DATUM(f_clock_accuracy, F("clock_accuracy", MF_HEX8));
DATUM(f_traceability, FB(trace_bits));
DATUM(f_timescale, FB(timescale_bits));
DATUM(f_delay_mechanism, FE("delay_mechanism", mgmt_delay_mechanism_name));
DATUM(f_log_min_pdelay, F("log_min_pdelay_req_interval", MF_I8));
DATUM(f_master_only, F("master_only", MF_BOOL8));
DATUM(f_amt_enabled, F("acceptable_master_table_enabled", MF_BOOL8));
static const struct mgmt_field f_amt_max[] = {
	F("max_table_size", MF_U16),
};

static const struct mgmt_field f_time_status_np[] = {
	F("master_offset_ns", MF_I64),
	F("ingress_time_ns", MF_I64),
	F("cumulative_scaled_rate_offset", MF_I32),
	F("scaled_last_gm_phase_change", MF_I32),
	F("gm_time_base_indicator", MF_U16),
	FA("last_gm_phase_change", MF_OCTETS, 12),
	F("gm_present", MF_BOOL32),
	F("gm_identity", MF_CID),
};
static const struct mgmt_field f_gm_settings_np[] = {
	F("clock_quality", MF_CQ),
	F("current_utc_offset", MF_I16),
	FB(tp_bits),
	FE("time_source", mgmt_time_source_name),
};
static const struct mgmt_field f_port_ds_np[] = {
	F("neighbor_prop_delay_thresh_ns", MF_U32),
	F("as_capable", MF_BOOL32),
};
static const struct mgmt_field f_subscribe_np[] = {
	F("duration_s", MF_U16),
	F("events", MF_EVMASK),
};
static const struct mgmt_field f_port_properties_np[] = {
	F("port_identity", MF_PID),
	FE("port_state", mgmt_port_state_name),
	FE("timestamping", mgmt_timestamping_name),
	F("interface", MF_TEXT),
};
static const struct mgmt_field f_port_stats_np[] = {
	F("port_identity", MF_PID),
	F("rx", MF_MSGCNT_LE),
	F("tx", MF_MSGCNT_LE),
};
static const struct mgmt_field f_servo_status_np[] = {
	FB(servo_bits),
	FE("servo_state", mgmt_servo_state_name),
	FA("last_offset_ns", MF_TI_OPT, 0),
	FA("last_path_delay_ns", MF_TI_OPT, 0),
	FA("frequency_ppb", MF_SPPB_OPT, 0),
	FA("time_error_estimate_ns", MF_TI_OPT, 2),
	F("clock_steps", MF_U64),
	F("last_sample_monotonic_ns", MF_U64),
	/* since issue 10: the lock, the last state change, the window */
	F("locked_monotonic_ns", MF_MONO),
	F("state_change_monotonic_ns", MF_MONO),
	FB(window_bits),
	RES(3),
	F("window_samples", MF_U32),
	FA("window_span_ns", MF_TI_OPT, 0),
	FA("window_offset_rms_ns", MF_TI_OPT, 0),
	FA("window_offset_max_ns", MF_TI_OPT, 0),
	FA("window_frequency_mean_ppb", MF_SPPB_OPT, 0),
	FA("window_frequency_stddev_ppb", MF_SPPB_OPT, 0),
	FA("window_path_delay_mean_ns", MF_TI_OPT, 0),
	FA("window_path_delay_max_ns", MF_TI_OPT, 0),
	FA("window_path_delay_stddev_ns", MF_TI_OPT, 0),
};
static const struct mgmt_field f_port_status_np[] = {
	F("port_identity", MF_PID),
	FE("port_state", mgmt_port_state_name),
	FE("fault_reason", mgmt_fault_name),
	RES(2),
	F("fault_errno", MF_I32),
	F("state_change_monotonic_ns", MF_MONO),
	F("fault_monotonic_ns", MF_MONO),
	/* since issue 9: what PORT_HWCLOCK_NP and PORT_PROPERTIES_NP say,
	 * which the read-only socket refuses (as ptp4l 4.4's) */
	F("phc_index", MF_I32),
	FE("timestamping", mgmt_timestamping_name),
	RES(1),
	F("interface", MF_TEXT),
};
static const struct mgmt_field f_path_trace_list[] = {
	F("path_trace", MF_CIDS),
};
static const struct mgmt_field f_port_drops_np[] = {
	F("port_identity", MF_PID),
	F("tx_timestamp_timeouts", MF_U64),
	F("announce_receipt_timeouts", MF_U64),
	F("sync_receipt_timeouts", MF_U64),
	F("faults", MF_U64),
	F("drops", MF_DROPS),
};

static const struct mgmt_field f_foreign_masters_np[] = {
	F("port_identity", MF_PID),
	F("records", MF_U8),
	F("capacity", MF_U8),
	F("qualified", MF_U8),
	F("threshold", MF_U8),
	F("window", MF_U8),
	RES(1),
	F("refused", MF_U64),
	F("evicted", MF_U64),
	F("sighted", MF_U64),
	F("duplicates", MF_U64),
	F("sighting_ring", MF_U64),
	F("sightings_overwritten", MF_U64),
};
/* linuxptp 4.4's (bc/mgmt_parity.c, bc/mgmt.h). */
static const struct mgmt_field f_ato_enable[] = {
	F("key_field", MF_U8),
	F("enable", MF_BOOL8),
};
static const struct mgmt_field f_ato_name[] = {
	F("key_field", MF_U8),
	F("display_name", MF_TEXT),
};
static const struct mgmt_field f_ato_properties[] = {
	F("key_field", MF_U8),
	F("current_offset_s", MF_I32),
	F("jump_seconds", MF_I32),
	F("time_of_next_jump_s", MF_U48),
	RES(1),
};
DATUM(f_sync_uncertain, F("uncertain", MF_U8));
static const struct mgmt_field f_port_service_stats_np[] = {
	F("port_identity", MF_PID),
	F("announce_timeout", MF_U64LE),
	F("sync_timeout", MF_U64LE),
	F("delay_timeout", MF_U64LE),
	F("unicast_service_timeout", MF_U64LE),
	F("unicast_request_timeout", MF_U64LE),
	F("master_announce_timeout", MF_U64LE),
	F("master_sync_timeout", MF_U64LE),
	F("qualification_timeout", MF_U64LE),
	F("sync_mismatch", MF_U64LE),
	F("followup_mismatch", MF_U64LE),
};
static const struct mgmt_field f_power_profile_np[] = {
	F("version", MF_U16),
	F("grandmaster_id", MF_HEX16),
	F("grandmaster_time_inaccuracy_ns", MF_U32),
	F("network_time_inaccuracy_ns", MF_U32),
	F("total_time_inaccuracy_ns", MF_U32),
};
static const struct mgmt_field f_cmlds_info_np[] = {
	F("mean_link_delay_ns", MF_TI),
	F("scaled_neighbor_rate_ratio", MF_I32),
	F("as_capable", MF_BOOL32),
};

/* UNICAST_MASTER_TABLE_NP: linuxptp 4.4's actual_table_size and struct
 * unicast_master_entry records (bc/unicast.c). */
static const char *uc_state_name(unsigned v)
{
	static const char *const n[] = { "WAIT", "HAVE_ANN", "NEED_SYDY",
					 "HAVE_SYDY" };

	return v < 4 ? n[v] : NULL;
}
static const struct mgmt_field f_uc_master_table_np[] = {
	F("unicast_masters", MF_UCMASTERS),
};
static const struct mgmt_field f_uc_master[] = {
	F("port_identity", MF_PID),
	F("clock_quality", MF_CQ),
	F("selected", MF_BOOL8),
	FE("state", uc_state_name),
	F("priority1", MF_U8),
	F("priority2", MF_U8),
	F("address", MF_PADDR),
};
/* PORT_HWCLOCK_NP: linuxptp 4.x's struct port_hwclock_np, 15 octets and
 * a pad. */
static const struct mgmt_field f_port_hwclock_np[] = {
	F("port_identity", MF_PID),
	F("phc_index", MF_I32),
	FB(hwclock_bits),
	RES(1),
};
/* HVPTP_CLOCKS_NP: a count, flags, then the records (f_clock_record,
 * BC_MGMT_CLOCK_REC_LEN octets each). */
static const struct mgmt_field f_clocks_np[] = {
	F("count", MF_COUNT8),
	FB(clocks_bits),
	F("clocks", MF_CLOCKS),
};
static const struct mgmt_field f_clock_record[] = {
	F("index", MF_U8),
	FE("role", mgmt_clock_role_name),
	F("source", MF_I8), /* -1: none (null) */
	FB(clock_bits),
	FE("servo_type", mgmt_servo_type_name),
	FE("servo_state", mgmt_servo_state_name),
	FE("read_method", mgmt_read_method_name),
	RES(1),
	F("phc_index", MF_I32),
	FA("name", MF_NAME, 32),
	FA("offset_ns", MF_TI_OPT, 2),
	F("frequency_ppb", MF_SPPB),
	F("read_window_ns", MF_TI),
	FA("time_error_estimate_ns", MF_TI_OPT, 3),
	F("steps", MF_U64),
	F("offset_monotonic_ns", MF_U64),
	F("ports_stamped", MF_U16),
	RES(2),
	F("readings", MF_U32),
	F("read_errors", MF_U32),
};
/* HVPTP_LOCK_HISTORY_NP: a count, flags, the answer's monotonic time,
 * then the records (f_lock_record), each with its changes
 * (f_lock_change). */
static const struct mgmt_field f_lock_history_np[] = {
	F("count", MF_COUNT8),
	FB(locks_bits),
	RES(2),
	F("answer_monotonic_ns", MF_U64),
	F("clocks", MF_LOCKS),
};
static const struct mgmt_field f_lock_record[] = {
	F("index", MF_U8),
	FB(lock_bits),
	F("changes_count", MF_COUNT8),
	RES(1),
	F("losses", MF_U32),
	FA("in_state_ns", MF_NS_OPT, 1),
	FA("locked_total_ns", MF_NS_OPT, 1),
	FA("observed_ns", MF_NS_OPT, 1),
	FA("time_to_first_lock_ns", MF_NS_OPT, 3),
	FA("mtbf_ns", MF_NS_OPT, 4),
	FA("mttr_ns", MF_NS_OPT, 5),
	F("changes", MF_LOCKCHANGES),
};
/* HVPTP_HOST_NP: ran, the line count, flags, the checks that found
 * something, could not tell and passed, then the lines, each with its
 * check ("lines" and "line_checks", side by side). */
static const struct mgmt_field f_host_np[] = {
	F("ran", MF_BOOL8),
	F("count", MF_COUNT8),
	FB(host_bits),
	RES(1),
	F("findings", MF_HOSTMASK),
	F("unknown", MF_HOSTMASK),
	F("ok", MF_HOSTMASK),
	F("lines", MF_TEXTS),
};

/* HVPTP_FEEDS_NP: the outputs, the last tick, the SHM unit, each
 * output's samples, the skipped ticks by reason, the socket's path. */
static const struct mgmt_field f_feeds_np[] = {
	FB(feed_bits),
	FE("last_outcome", mgmt_feed_outcome_name),
	F("ntp_shm_segment", MF_I16),
	F("chrony_sent", MF_U64),
	F("chrony_failed", MF_U64),
	F("chrony_last_errno", MF_I32),
	RES(4),
	F("shm_sent", MF_U64),
	F("shm_failed", MF_U64),
	F("skipped_unlocked", MF_U64),
	F("skipped_holdover", MF_U64),
	F("skipped_stale", MF_U64),
	F("skipped_timescale", MF_U64),
	F("skipped_leap_second", MF_U64),
	F("skipped_circular", MF_U64),
	F("skipped_read_error", MF_U64),
	F("chrony_path", MF_TEXT),
};

/* HVPTP_ALARMS_NP: a count, flags, then the records (f_alarm_record,
 * BC_MGMT_ALARM_REC_LEN octets each). */
static const struct mgmt_field f_alarms_np[] = {
	F("count", MF_COUNT8),
	FB(alarms_bits),
	RES(2),
	F("alarms", MF_ALARMS),
};
static const struct mgmt_field f_alarm_record[] = {
	FE("kind", alarm_kind_name),
	FB(alarm_bits),
	RES(2),
	F("raised", MF_U32),
	FA("subject", MF_NAME, BC_ALARM_SUBJECT_LEN),
	FA("value", MF_SPPB_OPT, 1),
	F("bound", MF_SPPB),
	F("since_monotonic_ns", MF_MONO),
};

/* HVPTP_RELOAD_NP's acknowledgement (bc/mgmt.h). */
static const struct mgmt_field f_reload_np[] = {
	F("loaded", MF_BOOL8),
	RES(1),
	F("changed", MF_U16),
	F("refused", MF_U16),
	F("summary", MF_TEXT),
};

#define L(id, f) { BC_MID_##id, f, (int)(sizeof(f) / sizeof(f[0])) }

static const struct mgmt_layout layouts[] = {
	{ BC_MID_NULL_MANAGEMENT, NULL, 0 },
	{ BC_MID_ENABLE_PORT, NULL, 0 }, /* COMMANDs: acknowledged, no data */
	{ BC_MID_DISABLE_PORT, NULL, 0 },
	L(CLOCK_DESCRIPTION, f_clock_description),
	L(USER_DESCRIPTION, f_user_description),
	L(DEFAULT_DATA_SET, f_default_ds),
	L(CURRENT_DATA_SET, f_current_ds),
	L(PARENT_DATA_SET, f_parent_ds),
	L(TIME_PROPERTIES_DATA_SET, f_time_properties_ds),
	L(PORT_DATA_SET, f_port_ds),
	L(PRIORITY1, f_priority1),
	L(PRIORITY2, f_priority2),
	L(DOMAIN, f_domain),
	L(SLAVE_ONLY, f_slave_only),
	L(LOG_ANNOUNCE_INTERVAL, f_log_announce),
	L(ANNOUNCE_RECEIPT_TIMEOUT, f_announce_timeout),
	L(LOG_SYNC_INTERVAL, f_log_sync),
	L(VERSION_NUMBER, f_version),
	L(CLOCK_ACCURACY, f_clock_accuracy),
	L(TRACEABILITY_PROPERTIES, f_traceability),
	L(TIMESCALE_PROPERTIES, f_timescale),
	L(DELAY_MECHANISM, f_delay_mechanism),
	L(LOG_MIN_PDELAY_REQ_INTERVAL, f_log_min_pdelay),
	L(MASTER_ONLY, f_master_only),
	L(ACCEPTABLE_MASTER_TABLE_ENABLED, f_amt_enabled),
	L(ACCEPTABLE_MASTER_MAX_TABLE_SIZE, f_amt_max),
	L(TIME_STATUS_NP, f_time_status_np),
	L(GRANDMASTER_SETTINGS_NP, f_gm_settings_np),
	L(PORT_DATA_SET_NP, f_port_ds_np),
	L(SUBSCRIBE_EVENTS_NP, f_subscribe_np),
	L(PORT_PROPERTIES_NP, f_port_properties_np),
	L(PORT_STATS_NP, f_port_stats_np),
	L(PORT_HWCLOCK_NP, f_port_hwclock_np),
	L(ALTERNATE_TIME_OFFSET_ENABLE, f_ato_enable),
	L(ALTERNATE_TIME_OFFSET_NAME, f_ato_name),
	L(ALTERNATE_TIME_OFFSET_PROPERTIES, f_ato_properties),
	L(SYNCHRONIZATION_UNCERTAIN_NP, f_sync_uncertain),
	L(PORT_SERVICE_STATS_NP, f_port_service_stats_np),
	L(POWER_PROFILE_SETTINGS_NP, f_power_profile_np),
	L(CMLDS_INFO_NP, f_cmlds_info_np),
	L(UNICAST_MASTER_TABLE_NP, f_uc_master_table_np),
	L(HVPTP_SERVO_STATUS_NP, f_servo_status_np),
	L(HVPTP_PORT_DROPS_NP, f_port_drops_np),
	L(HVPTP_CLOCKS_NP, f_clocks_np),
	L(HVPTP_HOST_NP, f_host_np),
	L(HVPTP_FEEDS_NP, f_feeds_np),
	L(HVPTP_RELOAD_NP, f_reload_np),
	L(HVPTP_PORT_STATUS_NP, f_port_status_np),
	L(HVPTP_LOCK_HISTORY_NP, f_lock_history_np),
	L(HVPTP_ALARMS_NP, f_alarms_np),
	L(HVPTP_FOREIGN_MASTERS_NP, f_foreign_masters_np),
	L(PATH_TRACE_LIST, f_path_trace_list),
};

#define N_LAYOUTS ((int)(sizeof(layouts) / sizeof(layouts[0])))

const struct mgmt_layout *mgmt_layout_find(uint16_t id)
{
	for (int i = 0; i < N_LAYOUTS; i++) {
		if (layouts[i].id == id)
			return &layouts[i];
	}
	return NULL;
}

int mgmt_layout_count(void)
{
	return N_LAYOUTS;
}

const struct mgmt_layout *mgmt_layout_at(int i)
{
	return i >= 0 && i < N_LAYOUTS ? &layouts[i] : NULL;
}

/* ---- decoding ---- */

struct dec {
	struct mgmt_tree *t;
	int obj;
	struct wire_reader *r;
	uint8_t last_flags; /* of the previous FLAGS8 field */
	unsigned count; /* of the previous COUNT8 field */
	uint64_t answer_mono; /* HVPTP_LOCK_HISTORY_NP's, for the ages */
};

typedef void (*dec_fn)(struct dec *d, const struct mgmt_field *f);

/* "aa:bb:cc" of n octets into the tree. */
static void put_hex(struct dec *d, const char *key, const uint8_t *p,
		    size_t n)
{
	char s[3 * 255 + 1];
	size_t o = 0;

	s[0] = '\0';
	for (size_t i = 0; p && i < n && i < 255; i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%02x",
				      i ? ":" : "", p[i]);
	mgmt_tree_str(d->t, d->obj, key, s);
}

static void dec_int(struct dec *d, const struct mgmt_field *f)
{
	struct wire_reader *r = d->r;
	int64_t v = 0;
	int i;

	switch (f->type) {
	case MF_U8: v = wire_get_u8(r); break;
	case MF_U16: v = wire_get_u16(r); break;
	case MF_U32: v = wire_get_u32(r); break;
	case MF_I8: v = wire_get_i8(r); break;
	case MF_I16: v = wire_get_i16(r); break;
	case MF_I32: v = (int32_t)wire_get_u32(r); break;
	case MF_I64: v = wire_get_i64(r); break;
	case MF_NIBBLE: v = wire_get_u8(r) & 0x0F; break;
	case MF_HEX8: v = wire_get_u8(r); break;
	case MF_HEX16: v = wire_get_u16(r); break;
	default: break;
	}
	i = mgmt_tree_int(d->t, d->obj, f->name, v);
	if (f->type == MF_HEX8 || f->type == MF_HEX16)
		mgmt_tree_set_hex(d->t, i, f->type == MF_HEX8 ? 2 : 4);
}

static void dec_u64(struct dec *d, const struct mgmt_field *f)
{
	mgmt_tree_uint(d->t, d->obj, f->name, wire_get_u64(d->r));
}

static void dec_u64le(struct dec *d, const struct mgmt_field *f)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)wire_get_u8(d->r) << (8 * i);
	mgmt_tree_uint(d->t, d->obj, f->name, v);
}

static void dec_u48(struct dec *d, const struct mgmt_field *f)
{
	mgmt_tree_uint(d->t, d->obj, f->name, wire_get_u48(d->r));
}

static void dec_bool(struct dec *d, const struct mgmt_field *f)
{
	uint32_t v = f->type == MF_BOOL8 ? wire_get_u8(d->r)
					 : wire_get_u32(d->r);

	mgmt_tree_bool(d->t, d->obj, f->name, v != 0);
}

/* TimeInterval (ns * 2^16) to whole ns, rounded to nearest. */
static int64_t ti_to_ns(int64_t scaled)
{
	uint64_t mag = scaled >= 0 ? (uint64_t)scaled
				   : (uint64_t)0 - (uint64_t)scaled;
	int64_t ns = (int64_t)((mag + 0x8000) >> 16);

	return scaled >= 0 ? ns : -ns;
}

static void dec_ti(struct dec *d, const struct mgmt_field *f)
{
	int64_t v = wire_get_i64(d->r);

	if (f->type == MF_TI_OPT && !(d->last_flags & (1u << f->arg)))
		mgmt_tree_null(d->t, d->obj, f->name);
	else
		mgmt_tree_int(d->t, d->obj, f->name, ti_to_ns(v));
}

static void dec_sppb(struct dec *d, const struct mgmt_field *f)
{
	int64_t v = wire_get_i64(d->r);

	if (f->type == MF_SPPB_OPT && !(d->last_flags & (1u << f->arg)))
		mgmt_tree_null(d->t, d->obj, f->name);
	else
		mgmt_tree_real(d->t, d->obj, f->name, (double)v / 65536.0, 3);
}

static void dec_mono(struct dec *d, const struct mgmt_field *f)
{
	uint64_t v = wire_get_u64(d->r);

	if (v)
		mgmt_tree_uint(d->t, d->obj, f->name, v);
	else
		mgmt_tree_null(d->t, d->obj, f->name);
}

static void dec_ns_opt(struct dec *d, const struct mgmt_field *f)
{
	uint64_t v = wire_get_u64(d->r);

	if (!(d->last_flags & (1u << f->arg)))
		mgmt_tree_null(d->t, d->obj, f->name);
	else
		mgmt_tree_uint(d->t, d->obj, f->name, v);
}

static void dec_cids(struct dec *d, const struct mgmt_field *f)
{
	int a = mgmt_tree_arr(d->t, d->obj, f->name);

	while (wire_reader_remaining(d->r) >= 8) {
		struct clock_identity ci = wire_get_clock_identity(d->r);
		char s[CLOCK_ID_STRLEN];

		mgmt_tree_str(d->t, a, NULL,
			      clock_identity_str(&ci, s, sizeof(s)));
	}
}

static void dec_cid(struct dec *d, const struct mgmt_field *f)
{
	struct clock_identity ci = wire_get_clock_identity(d->r);
	char s[CLOCK_ID_STRLEN];

	mgmt_tree_str(d->t, d->obj, f->name,
		      clock_identity_str(&ci, s, sizeof(s)));
}

static void dec_pid(struct dec *d, const struct mgmt_field *f)
{
	struct port_identity pi = wire_get_port_identity(d->r);
	char s[PORT_ID_STRLEN];

	mgmt_tree_str(d->t, d->obj, f->name,
		      port_identity_str(&pi, s, sizeof(s)));
}

static void dec_cq(struct dec *d, const struct mgmt_field *f)
{
	struct clock_quality q = wire_get_clock_quality(d->r);
	int o = mgmt_tree_obj(d->t, d->obj, f->name);

	mgmt_tree_int(d->t, o, "clock_class", q.clock_class);
	mgmt_tree_set_hex(d->t,
			  mgmt_tree_int(d->t, o, "clock_accuracy",
					q.clock_accuracy),
			  2);
	mgmt_tree_set_hex(d->t,
			  mgmt_tree_int(d->t, o, "offset_scaled_log_variance",
					q.offset_scaled_log_variance),
			  4);
}

static void dec_text(struct dec *d, const struct mgmt_field *f)
{
	uint8_t n = wire_get_u8(d->r);
	const uint8_t *p = wire_get_view(d->r, n);

	mgmt_tree_strn(d->t, d->obj, f->name, p ? (const char *)p : "",
		       p ? n : 0);
}

/* The code and "<name>_name" (null for a code without a name). */
static void dec_enum(struct dec *d, const struct mgmt_field *f)
{
	uint8_t v = wire_get_u8(d->r);
	const char *name = f->names ? f->names(v) : NULL;
	char key[96];

	mgmt_tree_int(d->t, d->obj, f->name, v);
	snprintf(key, sizeof(key), "%s_name", f->name);
	if (name)
		mgmt_tree_str(d->t, d->obj, key, name);
	else
		mgmt_tree_null(d->t, d->obj, key);
}

static void dec_flags(struct dec *d, const struct mgmt_field *f)
{
	uint8_t v = wire_get_u8(d->r);

	d->last_flags = v;
	for (int b = 0; b < 8; b++) {
		if (f->bits[b])
			mgmt_tree_bool(d->t, d->obj, f->bits[b], v & (1u << b));
	}
}

static void dec_reserved(struct dec *d, const struct mgmt_field *f)
{
	wire_skip(d->r, f->arg);
}

static void dec_octets(struct dec *d, const struct mgmt_field *f)
{
	size_t n = f->type == MF_OCTETS ? f->arg : wire_get_u16(d->r);

	put_hex(d, f->name, wire_get_view(d->r, n), n);
}

static void dec_paddr(struct dec *d, const struct mgmt_field *f)
{
	uint16_t proto = wire_get_u16(d->r), n = wire_get_u16(d->r);
	const uint8_t *p = wire_get_view(d->r, n);
	const char *pname = mgmt_network_protocol_name(proto);
	char s[INET6_ADDRSTRLEN];
	struct dec sub = *d;

	sub.obj = mgmt_tree_obj(d->t, d->obj, f->name);
	mgmt_tree_int(d->t, sub.obj, "network_protocol", proto);
	if (pname)
		mgmt_tree_str(d->t, sub.obj, "network_protocol_name", pname);
	else
		mgmt_tree_null(d->t, sub.obj, "network_protocol_name");
	if (p && ((proto == 1 && n == 4) || (proto == 2 && n == 16)) &&
	    inet_ntop(proto == 1 ? AF_INET : AF_INET6, p, s, sizeof(s)))
		mgmt_tree_str(d->t, sub.obj, "address", s);
	else
		put_hex(&sub, "address", p, p ? n : 0);
}

static void dec_msgcnt(struct dec *d, const struct mgmt_field *f)
{
	int o = mgmt_tree_obj(d->t, d->obj, f->name);

	for (unsigned i = 0; i < PTP_MSG_TYPE_COUNT; i++) {
		uint64_t v = 0;
		const char *name = ptp_msg_type_name(i);

		for (int k = 0; k < 8; k++)
			v |= (uint64_t)wire_get_u8(d->r) << (8 * k);
		if (strcmp(name, "reserved") != 0)
			mgmt_tree_uint(d->t, o, name, v);
	}
}

static const char *const event_names[MGMT_EVENT_COUNT] = {
	[BC_NOTIFY_PORT_STATE] = "port_state",
	[BC_NOTIFY_TIME_SYNC] = "time_sync",
	[BC_NOTIFY_PARENT_DATA_SET] = "parent_data_set",
};

const char *mgmt_event_name(unsigned e)
{
	return e < MGMT_EVENT_COUNT ? event_names[e] : NULL;
}

static void dec_evmask(struct dec *d, const struct mgmt_field *f)
{
	const uint8_t *m = wire_get_view(d->r, BC_MGMT_EVENT_BITMASK_LEN);
	int o = mgmt_tree_obj(d->t, d->obj, f->name);

	for (int e = 0; e < MGMT_EVENT_COUNT; e++)
		mgmt_tree_bool(d->t, o, event_names[e],
			       m && (m[e / 8] & (1u << (e % 8))));
}

static void dec_drops(struct dec *d, const struct mgmt_field *f)
{
	uint16_t n = wire_get_u16(d->r);
	int o = mgmt_tree_obj(d->t, d->obj, f->name);
	uint64_t total = 0, ignored = 0;
	char key[32];

	for (unsigned i = 1; i <= n && wire_reader_ok(d->r); i++) {
		uint64_t v = wire_get_u64(d->r);
		const char *name = bc_drop_name((enum bc_drop)i);

		if (strcmp(name, "unknown") == 0) {
			snprintf(key, sizeof(key), "reason_%u", i);
			name = key;
		}
		mgmt_tree_uint(d->t, o, name, v);
		/* expected traffic a port had no use for is no drop */
		if (bc_drop_is_ignored((enum bc_drop)i))
			ignored += v;
		else
			total += v;
	}
	snprintf(key, sizeof(key), "%s_total", f->name);
	mgmt_tree_uint(d->t, d->obj, key, total);
	mgmt_tree_uint(d->t, d->obj, "ignored_total", ignored);
}

static void dec_name(struct dec *d, const struct mgmt_field *f)
{
	const uint8_t *p = wire_get_view(d->r, f->arg);

	mgmt_tree_strn(d->t, d->obj, f->name, p ? (const char *)p : "",
		       p ? strnlen((const char *)p, f->arg) : 0);
}

static void dec_count(struct dec *d, const struct mgmt_field *f)
{
	(void)f;
	d->count = wire_get_u8(d->r);
}

static void dec_fields(struct dec *d, const struct mgmt_field *fields,
		       int n);

bool mgmt_clock_servo_applied(bool adjusted, int role, bool steered)
{
	return adjusted && (role == BC_CLOCK_REFERENCE || steered);
}

bool mgmt_clock_freq_known(bool applied, bool adjusted, bool freq_flag)
{
	return freq_flag && (applied || !adjusted);
}

/* What a record does not know becomes null (see mgmt/decode.h). */
static void clock_record_nulls(struct mgmt_tree *t, int o)
{
	int64_t role = -1, src = -1, adj = 0, steered = 0, known = 0, fk = 0;
	bool applied;

	mgmt_tree_get_int(t, o, "role", &role);
	mgmt_tree_get_int(t, o, "source", &src);
	mgmt_tree_get_int(t, o, "adjusted", &adj);
	mgmt_tree_get_int(t, o, "steered", &steered);
	mgmt_tree_get_int(t, o, "offset_known", &known);
	mgmt_tree_get_int(t, o, "frequency_known", &fk);
	applied = mgmt_clock_servo_applied(adj, (int)role, steered);
	if (src < 0)
		mgmt_tree_set_null(t, mgmt_tree_member(t, o, "source"));
	if (!applied) {
		mgmt_tree_set_null(t, mgmt_tree_member(t, o, "servo_state"));
		mgmt_tree_set_null(t, mgmt_tree_member(t, o,
						       "servo_state_name"));
	}
	if (!mgmt_clock_freq_known(applied, adj, fk))
		mgmt_tree_set_null(t, mgmt_tree_member(t, o, "frequency_ppb"));
	if (role == BC_CLOCK_REFERENCE || !known) {
		mgmt_tree_set_null(t, mgmt_tree_member(t, o, "read_method"));
		mgmt_tree_set_null(t, mgmt_tree_member(t, o,
						       "read_method_name"));
		mgmt_tree_set_null(t, mgmt_tree_member(t, o,
						       "read_window_ns"));
	}
	if (!known)
		mgmt_tree_set_null(t, mgmt_tree_member(t, o,
						       "offset_monotonic_ns"));
	mgmt_tree_bool(t, o, "servo_applied", applied);
}

/* HVPTP_CLOCKS_NP's records: an array of objects. */
static void dec_clocks(struct dec *d, const struct mgmt_field *f)
{
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);

	for (unsigned i = 0; i < d->count && wire_reader_ok(d->r); i++) {
		struct dec sub = *d;

		sub.obj = mgmt_tree_obj(d->t, arr, NULL);
		dec_fields(&sub, f_clock_record,
			   (int)(sizeof(f_clock_record) /
				 sizeof(f_clock_record[0])));
		if (!wire_reader_ok(d->r))
			break;
		clock_record_nulls(d->t, sub.obj);
	}
}

/* A lock record's changes: monotonic time, the state it went to, and
 * its age at the answer (null when it lies ahead). */
static void dec_lockchanges(struct dec *d, const struct mgmt_field *f)
{
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);

	for (unsigned i = 0; i < d->count && wire_reader_ok(d->r); i++) {
		uint64_t at = wire_get_u64(d->r);
		uint8_t locked = wire_get_u8(d->r);
		int o;

		wire_skip(d->r, 1);
		if (!wire_reader_ok(d->r))
			break;
		o = mgmt_tree_obj(d->t, arr, NULL);
		mgmt_tree_uint(d->t, o, "monotonic_ns", at);
		mgmt_tree_bool(d->t, o, "locked", locked != 0);
		if (d->answer_mono >= at)
			mgmt_tree_uint(d->t, o, "age_ns", d->answer_mono - at);
		else
			mgmt_tree_null(d->t, o, "age_ns");
	}
}

/* HVPTP_LOCK_HISTORY_NP's records: an array of objects; a clock without
 * a history (not applicable, or not started) has null losses and
 * locked. */
static void dec_locks(struct dec *d, const struct mgmt_field *f)
{
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);
	int64_t known = 0, now = 0;

	mgmt_tree_get_int(d->t, d->obj, "answer_monotonic_ns", &now);
	d->answer_mono = (uint64_t)now;
	for (unsigned i = 0; i < d->count && wire_reader_ok(d->r); i++) {
		struct dec sub = *d;

		sub.obj = mgmt_tree_obj(d->t, arr, NULL);
		dec_fields(&sub, f_lock_record,
			   (int)(sizeof(f_lock_record) /
				 sizeof(f_lock_record[0])));
		if (!wire_reader_ok(d->r))
			break;
		known = 0;
		mgmt_tree_get_int(d->t, sub.obj, "known", &known);
		if (!known) {
			mgmt_tree_set_null(d->t, mgmt_tree_member(d->t, sub.obj,
								  "losses"));
			mgmt_tree_set_null(d->t, mgmt_tree_member(d->t, sub.obj,
								  "locked"));
		}
	}
}

/* HVPTP_ALARMS_NP's records: an array of objects, each with the unit
 * of its value and bound. */
static void dec_alarms(struct dec *d, const struct mgmt_field *f)
{
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);
	int64_t kind = -1;

	for (unsigned i = 0; i < d->count && wire_reader_ok(d->r); i++) {
		struct dec sub = *d;

		sub.obj = mgmt_tree_obj(d->t, arr, NULL);
		dec_fields(&sub, f_alarm_record,
			   (int)(sizeof(f_alarm_record) /
				 sizeof(f_alarm_record[0])));
		if (!wire_reader_ok(d->r))
			break;
		mgmt_tree_get_int(d->t, sub.obj, "kind", &kind);
		if (alarm_kind_unit((unsigned)kind))
			mgmt_tree_str(d->t, sub.obj, "unit",
				      alarm_kind_unit((unsigned)kind));
		else
			mgmt_tree_null(d->t, sub.obj, "unit");
	}
}

static void dec_ucmasters(struct dec *d, const struct mgmt_field *f)
{
	uint16_t n = wire_get_u16(d->r);
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);

	for (unsigned i = 0; i < n && wire_reader_ok(d->r); i++) {
		struct dec sub = *d;

		sub.obj = mgmt_tree_obj(d->t, arr, NULL);
		dec_fields(&sub, f_uc_master,
			   (int)(sizeof(f_uc_master) / sizeof(f_uc_master[0])));
	}
}

/* A u32 of host-check bits: the names of the checks set. */
static void dec_hostmask(struct dec *d, const struct mgmt_field *f)
{
	uint32_t v = wire_get_u32(d->r);
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);
	char bit[16];

	for (unsigned b = 0; b < 32; b++) {
		if (!(v & (1u << b)))
			continue;
		if (b < HOSTCHECK_N_IDS) {
			mgmt_tree_str(d->t, arr, NULL,
				      hostcheck_id_name((enum hostcheck_id)b));
		} else {
			snprintf(bit, sizeof(bit), "bit_%u", b);
			mgmt_tree_str(d->t, arr, NULL, bit);
		}
	}
}

/* HVPTP_HOST_NP's lines: each a check (u8) and a PTPText, into "lines"
 * and, side by side, "line_checks" (the check's name, null for one
 * hvptp does not know). */
static void dec_texts(struct dec *d, const struct mgmt_field *f)
{
	int arr = mgmt_tree_arr(d->t, d->obj, f->name);
	int ids = mgmt_tree_arr(d->t, d->obj, "line_checks");

	for (unsigned i = 0; i < d->count && wire_reader_ok(d->r); i++) {
		uint8_t id = wire_get_u8(d->r);
		uint8_t n = wire_get_u8(d->r);
		const uint8_t *p = wire_get_view(d->r, n);

		if (!p)
			break;
		mgmt_tree_strn(d->t, arr, NULL, (const char *)p, n);
		if (id < HOSTCHECK_N_IDS)
			mgmt_tree_str(d->t, ids, NULL,
				      hostcheck_id_name((enum hostcheck_id)id));
		else
			mgmt_tree_null(d->t, ids, NULL);
	}
}

static const dec_fn decoders[MF_COUNT] = {
	[MF_U8] = dec_int, [MF_U16] = dec_int, [MF_U32] = dec_int,
	[MF_U64] = dec_u64, [MF_I8] = dec_int, [MF_I16] = dec_int,
	[MF_I32] = dec_int, [MF_I64] = dec_int, [MF_HEX8] = dec_int,
	[MF_HEX16] = dec_int, [MF_BOOL8] = dec_bool, [MF_BOOL32] = dec_bool,
	[MF_NIBBLE] = dec_int, [MF_TI] = dec_ti, [MF_TI_OPT] = dec_ti,
	[MF_SPPB] = dec_sppb, [MF_CID] = dec_cid, [MF_PID] = dec_pid,
	[MF_CQ] = dec_cq, [MF_TEXT] = dec_text, [MF_ENUM8] = dec_enum,
	[MF_FLAGS8] = dec_flags, [MF_RESERVED] = dec_reserved,
	[MF_OCTETS] = dec_octets, [MF_OCTETS16] = dec_octets,
	[MF_PADDR] = dec_paddr, [MF_MSGCNT_LE] = dec_msgcnt,
	[MF_EVMASK] = dec_evmask, [MF_DROPS] = dec_drops,
	[MF_NAME] = dec_name, [MF_COUNT8] = dec_count,
	[MF_CLOCKS] = dec_clocks, [MF_HOSTMASK] = dec_hostmask,
	[MF_TEXTS] = dec_texts, [MF_SPPB_OPT] = dec_sppb,
	[MF_MONO] = dec_mono, [MF_CIDS] = dec_cids,
	[MF_NS_OPT] = dec_ns_opt, [MF_LOCKS] = dec_locks,
	[MF_LOCKCHANGES] = dec_lockchanges, [MF_ALARMS] = dec_alarms,
	[MF_U64LE] = dec_u64le, [MF_U48] = dec_u48,
	[MF_UCMASTERS] = dec_ucmasters,
};

static void dec_fields(struct dec *d, const struct mgmt_field *fields, int n)
{
	for (int i = 0; i < n && wire_reader_ok(d->r); i++) {
		const struct mgmt_field *f = &fields[i];

		if (f->type < MF_COUNT && decoders[f->type])
			decoders[f->type](d, f);
	}
}

int mgmt_decode_data(struct mgmt_tree *t, int obj, uint16_t id,
		     const uint8_t *data, size_t len)
{
	const struct mgmt_layout *l = mgmt_layout_find(id);
	struct wire_reader r;
	struct dec d = { .t = t, .obj = obj, .r = &r };

	if (!l) {
		put_hex(&d, "raw_hex", data, len > 255 ? 255 : len);
		return t->overflow ? -ENOSPC : 0;
	}
	wire_reader_init(&r, data, len);
	dec_fields(&d, l->fields, l->nfields);
	if (t->overflow)
		return -ENOSPC;
	return wire_reader_ok(&r) ? 0 : -EBADMSG;
}

static int decode_error(struct mgmt_tree *t, int o,
			const struct bc_mgmt_req *r)
{
	struct wire_reader rd;
	struct dec d = { .t = t, .r = &rd };
	const struct mgmt_field text = F("display_data", MF_TEXT);
	int e = mgmt_tree_obj(t, o, "error");

	d.obj = e;
	mgmt_tree_int(t, e, "management_error_id", r->error_id);
	mgmt_tree_str(t, e, "management_error_name",
		      mgmt_error_name(r->error_id));
	wire_reader_init(&rd, r->data, r->data_len);
	if (r->data_len)
		dec_text(&d, &text);
	else
		mgmt_tree_str(t, e, "display_data", "");
	return t->overflow ? -ENOSPC : o;
}

int mgmt_decode_answer(struct mgmt_tree *t, int arr,
		       const struct bc_mgmt_req *r)
{
	const struct port_identity *src = &r->hdr.source_port_identity;
	char s[PORT_ID_STRLEN];
	int o = mgmt_tree_obj(t, arr, NULL), err;

	if (o < 0)
		return -ENOSPC;
	mgmt_tree_str(t, o, "source_port_identity",
		      port_identity_str(src, s, sizeof(s)));
	mgmt_tree_int(t, o, "port_number", src->port_number);
	if (r->is_error)
		return decode_error(t, o, r);
	err = mgmt_decode_data(t, mgmt_tree_obj(t, o, "data"), r->id, r->data,
			       r->data_len);
	return err < 0 ? err : o;
}

/* ---- host checks ---- */

enum hostcheck_state mgmt_host_check_state(uint32_t findings,
					   uint32_t unknown, uint32_t ok,
					   int id)
{
	uint32_t bit = id >= 0 && id < 32 ? 1u << id : 0;

	if (findings & bit)
		return HOSTCHECK_FINDING;
	if (unknown & bit)
		return HOSTCHECK_UNKNOWN;
	return ok & bit ? HOSTCHECK_OK : HOSTCHECK_NOT_APPLICABLE;
}
