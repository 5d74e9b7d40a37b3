/*
 * config/options.c — the option table (see cfg.h).
 *
 * Every option of ptp4l's config_tab (linuxptp 4.x, 152 entries) under its
 * ptp4l name, type, scope, default and range, plus the three old names ptp4l
 * still maps (pi_offset_const, pi_f_offset_const, pi_max_frequency).  The
 * deprecated ptp4l entries slaveOnly and masterOnly stay in the table but
 * name their replacement in deprecated_for.  One entry per line group; an
 * hvptpd-only option is one more entry with OPT_HVPTP in its flags.
 *
 * Enum values are the numbers the daemon maps (IEEE codes where they exist:
 * delay_mechanism E2E=1 P2P=2 COMMON_P2P=3 NONE=0xFE).
 */
#include "config/cfg.h"

#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#define OPT_GLOBAL 0
#define OPT_PORT (1 << 0) /* allowed in an [iface] section */
#define OPT_IMPL (1 << 1) /* implemented by hvptpd */
#define OPT_HVPTP (1 << 2) /* hvptpd's own, not a ptp4l option */
#define OPT_LIVE (1 << 3) /* a reload applies a change while running */

#define OPT_FLAGS(f)                                                    \
	.port_scope = ((f) & OPT_PORT) != 0,                            \
	.implemented = ((f) & OPT_IMPL) != 0,                           \
	.hvptp_only = ((f) & OPT_HVPTP) != 0,                           \
	.live = ((f) & OPT_LIVE) != 0

#define O_INT(n, f, d, lo, hi, h)                                       \
	{ .name = (n), .type = CFG_INT, OPT_FLAGS(f), .imin = (lo),     \
	  .imax = (hi), .def = (d), .help = (h) }
#define O_DBL(n, f, d, lo, hi, h)                                       \
	{ .name = (n), .type = CFG_DOUBLE, OPT_FLAGS(f), .dmin = (lo),  \
	  .dmax = (hi), .def = (d), .help = (h) }
#define O_STR(n, f, d, h)                                               \
	{ .name = (n), .type = CFG_STRING, OPT_FLAGS(f), .def = (d),    \
	  .help = (h) }
#define O_ENU(n, f, d, e, h)                                            \
	{ .name = (n), .type = CFG_ENUM, OPT_FLAGS(f), .enums = (e),    \
	  .def = (d), .help = (h) }
/* An old name: values given under it are stored under the new name. */
#define O_OLD_INT(n, f, to, d, lo, hi, h)                               \
	{ .name = (n), .type = CFG_INT, OPT_FLAGS(f),                   \
	  .deprecated_for = (to), .imin = (lo), .imax = (hi),           \
	  .def = (d), .help = (h) }
#define O_OLD_DBL(n, f, to, d, lo, hi, h)                               \
	{ .name = (n), .type = CFG_DOUBLE, OPT_FLAGS(f),                \
	  .deprecated_for = (to), .dmin = (lo), .dmax = (hi),           \
	  .def = (d), .help = (h) }

#define G OPT_GLOBAL
#define P OPT_PORT
#define GI (OPT_GLOBAL | OPT_IMPL)
#define PI (OPT_PORT | OPT_IMPL)
/* implemented, and a reload (SIGHUP) applies a change while running */
#define GL (GI | OPT_LIVE)
#define PL (PI | OPT_LIVE)

static const struct cfg_enum_val as_capable_enu[] = {
	{ "true", 0 }, { "auto", 1 }, { NULL, 0 },
};
static const struct cfg_enum_val bmca_enu[] = {
	{ "ptp", 0 }, { "noop", 1 }, { NULL, 0 },
};
static const struct cfg_enum_val clock_servo_enu[] = {
	{ "pi", 0 }, { "linreg", 1 }, { "ntpshm", 2 }, { "nullf", 3 },
	{ "refclock_sock", 4 }, { "kalman", 5 }, { NULL, 0 },
};
static const struct cfg_enum_val clock_type_enu[] = {
	{ "OC", 0 }, { "BC", 1 }, { "P2P_TC", 2 }, { "E2E_TC", 3 },
	{ NULL, 0 },
};
static const struct cfg_enum_val dataset_comp_enu[] = {
	{ "ieee1588", 0 }, { "G.8275.x", 1 }, { NULL, 0 },
};
static const struct cfg_enum_val delay_filter_enu[] = {
	{ "moving_average", 0 }, { "moving_median", 1 }, { NULL, 0 },
};
static const struct cfg_enum_val delay_mech_enu[] = {
	{ "E2E", 1 }, { "P2P", 2 }, { "Auto", 0 }, { "COMMON_P2P", 3 },
	{ "NONE", 0xFE }, { NULL, 0 },
};
/* linux/ptp_clock.h: PTP_RISING_EDGE (1 << 1), PTP_FALLING_EDGE (1 << 2) */
static const struct cfg_enum_val extts_polarity_enu[] = {
	{ "rising", 2 }, { "falling", 4 }, { "both", 6 }, { NULL, 0 },
};
static const struct cfg_enum_val hwts_filter_enu[] = {
	{ "normal", 0 }, { "check", 1 }, { "full", 2 }, { NULL, 0 },
};
static const struct cfg_enum_val network_transport_enu[] = {
	{ "UDPv4", 1 }, { "UDPv6", 2 }, { "L2", 3 }, { NULL, 0 },
};
static const struct cfg_enum_val power_profile_enu[] = {
	{ "none", 0 }, { "2011", 1 }, { "2017", 2 }, { NULL, 0 },
};
static const struct cfg_enum_val servo_filter_enu[] = {
	{ "auto", 0 }, { "none", 1 }, { "median", 2 }, { "select", 3 },
	{ NULL, 0 },
};
static const struct cfg_enum_val time_stamping_enu[] = {
	{ "hardware", 0 }, { "software", 1 }, { "legacy", 2 },
	{ "onestep", 3 }, { "p2p1step", 4 }, { NULL, 0 },
};
static const struct cfg_enum_val follow_servo_enu[] = {
	{ "pi", 0 }, { "linreg", 1 }, { "kalman", 5 }, { NULL, 0 },
};
static const struct cfg_enum_val sys_offset_method_enu[] = {
	{ "auto", 0 }, { "precise", 1 }, { "extended", 2 }, { "basic", 3 },
	{ NULL, 0 },
};
static const struct cfg_enum_val tsproc_enu[] = {
	{ "filter", 0 }, { "raw", 1 }, { "filter_weight", 2 },
	{ "raw_weight", 3 }, { NULL, 0 },
};

static const struct cfg_option_info cfg_options[] = {
	O_INT("acceptable_master_table_enabled", PL | OPT_HVPTP, "0", 0, 1,
	      "Take Announces only from the masters of the "
	      "[acceptable_master_table] section (IEEE 1588-2019 17.5: lines "
	      "of clockIdentity[-portNumber] [alternatePriority1]); others "
	      "are dropped and counted (not_acceptable)."),
	O_INT("active_key_id", PL, "0", 0, UINT32_MAX,
	      "Key id (of the port's security association in sa_file) that "
	      "authenticates the messages the port sends; 0: none.  Every "
	      "key of the association is accepted on receipt."),
	O_INT("alarm_time_error", GL | OPT_HVPTP, "100000", 0, INT_MAX,
	      "Alarm time_error: raised when a clock's |offset| against its "
	      "source (the reference against the master, a follower against "
	      "the reference) stays above this many ns for "
	      "alarm_time_error_hold seconds; cleared below 80 % of it for "
	      "as long (0: off)."),
	O_INT("alarm_time_error_hold", GL | OPT_HVPTP, "10", 0, 86400,
	      "Seconds the alarm_time_error condition must last to raise "
	      "it, and its end to clear it."),
	O_INT("alarm_frequency", GL | OPT_HVPTP, "100000", 0, INT_MAX,
	      "Alarm frequency: raised when |frequency| set on an adjusted "
	      "clock stays above this many ppb for alarm_frequency_hold "
	      "seconds (0: off)."),
	O_INT("alarm_frequency_hold", GL | OPT_HVPTP, "60", 0, 86400,
	      "Seconds the alarm_frequency condition must last to raise it, "
	      "and its end to clear it."),
	O_DBL("alarm_drift_rate", GL | OPT_HVPTP, "20", 0.0, DBL_MAX,
	      "Alarm drift_rate: raised when an adjusted clock's mean "
	      "frequency changes faster than this many ppb/s (minute "
	      "against minute) for alarm_drift_rate_hold seconds (0: off)."),
	O_INT("alarm_drift_rate_hold", GL | OPT_HVPTP, "120", 0, 86400,
	      "Seconds the alarm_drift_rate condition must last to raise "
	      "it, and its end to clear it."),
	O_INT("alarm_path_delay_jump", GL | OPT_HVPTP, "10000", 0, INT_MAX,
	      "Alarm path_delay_jump: raised when the mean path delay stays "
	      "more than this many ns away from its mean over the status "
	      "window (a minute) for alarm_path_delay_jump_hold seconds (0: "
	      "off)."),
	O_INT("alarm_path_delay_jump_hold", GL | OPT_HVPTP, "5", 0, 86400,
	      "Seconds the alarm_path_delay_jump condition must last to "
	      "raise it, and its end to clear it."),
	O_INT("alarm_delay_variation", GL | OPT_HVPTP, "10000", 0, INT_MAX,
	      "Alarm delay_variation: raised when the standard deviation of "
	      "the path delay over the status window stays above this many "
	      "ns for alarm_delay_variation_hold seconds (0: off)."),
	O_INT("alarm_delay_variation_hold", GL | OPT_HVPTP, "60", 0, 86400,
	      "Seconds the alarm_delay_variation condition must last to "
	      "raise it, and its end to clear it."),
	O_INT("alarm_grandmaster_change", GL | OPT_HVPTP, "1", 0, 1,
	      "Alarm grandmaster_change (1: on, 0: off): raised when "
	      "grandmasterIdentity changes (to another grandmaster, to this "
	      "clock when the master is lost, back); cleared "
	      "alarm_grandmaster_change_hold seconds after the last change."),
	O_INT("alarm_grandmaster_change_hold", GL | OPT_HVPTP, "60", 0, 86400,
	      "Seconds alarm_grandmaster_change stays raised after the last "
	      "event."),
	O_INT("alarm_clock_class", GL | OPT_HVPTP, "7", 0, UINT8_MAX,
	      "Alarm clock_class: raised when the grandmaster's clockClass "
	      "(with a slave port) is above this (worse) for "
	      "alarm_clock_class_hold seconds (0: off)."),
	O_INT("alarm_clock_class_hold", GL | OPT_HVPTP, "10", 0, 86400,
	      "Seconds the alarm_clock_class condition must last to raise "
	      "it, and its end to clear it."),
	O_INT("alarm_holdover", GL | OPT_HVPTP, "1", 0, 1,
	      "Alarm holdover (1: on, 0: off): raised when the reference "
	      "has held its last frequency for alarm_holdover_hold seconds."),
	O_INT("alarm_holdover_hold", GL | OPT_HVPTP, "0", 0, 86400,
	      "Seconds the alarm_holdover condition must last to raise it, "
	      "and its end to clear it."),
	O_INT("alarm_port_faulty", GL | OPT_HVPTP, "1", 0, 1,
	      "Alarm port_faulty (1: on, 0: off): raised when a port has "
	      "been FAULTY for alarm_port_faulty_hold seconds."),
	O_INT("alarm_port_faulty_hold", GL | OPT_HVPTP, "5", 0, 86400,
	      "Seconds the alarm_port_faulty condition must last to raise "
	      "it, and its end to clear it."),
	O_INT("alarm_clock_step", GL | OPT_HVPTP, "1", 0, 1,
	      "Alarm clock_step (1: on, 0: off): raised when hvptpd steps a "
	      "clock; cleared alarm_clock_step_hold seconds after the last "
	      "step."),
	O_INT("alarm_clock_step_hold", GL | OPT_HVPTP, "60", 0, 86400,
	      "Seconds alarm_clock_step stays raised after the last event."),
	O_INT("alarm_tx_timestamp_lost", GL | OPT_HVPTP, "1", 0, 1,
	      "Alarm tx_timestamp_lost (1: on, 0: off): raised when a "
	      "port's TX timestamp never comes; cleared "
	      "alarm_tx_timestamp_lost_hold seconds after the last."),
	O_INT("alarm_tx_timestamp_lost_hold", GL | OPT_HVPTP, "60", 0, 86400,
	      "Seconds alarm_tx_timestamp_lost stays raised after the last "
	      "event."),
	O_INT("alarm_foreign_master_overflow", GL | OPT_HVPTP, "1", 0, 1,
	      "Alarm foreign_master_overflow (1: on, 0: off): raised when a "
	      "port's foreign-master table had no room for an Announce; "
	      "cleared alarm_foreign_master_overflow_hold seconds after the "
	      "last."),
	O_INT("alarm_foreign_master_overflow_hold", GL | OPT_HVPTP, "60", 0, 86400,
	      "Seconds alarm_foreign_master_overflow stays raised after the "
	      "last event."),
	O_INT("allow_unauth", P, "0", 0, 2,
	      "Accept unauthenticated messages: 0 never, 1 always, 2 only "
	      "before the port is authenticated."),
	O_INT("allowedLostResponses", PI, "3", 1, 255,
	      "Missing peer delay responses tolerated before the peer is "
	      "considered not asCapable (802.1AS)."),
	O_INT("announceReceiptTimeout", PL, "3", 2, UINT8_MAX,
	      "Announce intervals without an Announce before the master is "
	      "considered lost."),
	O_ENU("asCapable", PI, "auto", as_capable_enu,
	      "802.1AS asCapable: 'auto' follows the peer delay measurement, "
	      "'true' forces it on."),
	O_INT("assume_two_step", GI, "0", 0, 1,
	      "Treat one-step Sync from the master as two-step (wait for a "
	      "Follow_Up)."),
	O_INT("boundary_clock_jbod", PI, "0", 0, 1,
	      "ptp4l: allow a boundary clock over ports on distinct PHCs, "
	      "leaving them to phc2sys.  hvptpd always allows it and keeps "
	      "those PHCs in step itself (they follow the reference), so "
	      "both values behave the same."),
	O_ENU("BMCA", PI, "ptp", bmca_enu,
	      "Best master algorithm of the port: 'ptp' runs the BMCA, "
	      "'noop' keeps the configured role (ptp4l's designated "
	      "machines): MASTER from the start with serverOnly 1, else a "
	      "slave (the clock must be clientOnly), whatever it hears."),
	O_INT("check_fup_sync", GI, "0", 0, 1,
	      "Drop Sync/Follow_Up pairs whose receive order contradicts "
	      "their timestamps."),
	O_STR("chrony_sock", GL | OPT_HVPTP, "",
	      "Feed the reference clock's time (UTC, while it has a "
	      "master's time) to chronyd's SOCK refclock at this path "
	      "(chrony.conf: refclock SOCK PATH; empty: off).  Refused "
	      "while hvptpd adjusts CLOCK_REALTIME itself."),
	O_INT("clientOnly", GI, "0", 0, 1,
	      "Never become master on any port (defaultDS.slaveOnly)."),
	O_INT("clockAccuracy", GL, "0xfe", 0, UINT8_MAX,
	      "defaultDS.clockQuality.clockAccuracy announced as master "
	      "(0xfe: unknown)."),
	O_INT("clockClass", GL, "248", 0, UINT8_MAX,
	      "defaultDS.clockQuality.clockClass (248: default, 6: locked to "
	      "a primary reference)."),
	O_STR("clockIdentity", GI, "000000.0000.000000",
	      "Clock identity to use instead of one derived from the MAC "
	      "address (all zero: derive)."),
	O_INT("clock_class_threshold", GL, "248", 6, 248,
	      "Worst grandmaster clockClass an Announce may carry and still "
	      "be a candidate; worse ones are not qualified (as ptp4l, with "
	      "either dataset_comparison)."),
	O_ENU("clock_servo", GL, "kalman", clock_servo_enu,
	      "Servo that disciplines the clock: kalman (hvptpd's, with "
	      "packet selection: its measured best, bench/accuracy.sh), pi "
	      "(linuxptp's, ptp4l's default: set it to keep ptp4l's "
	      "behaviour), linreg; ntpshm, nullf, refclock_sock not "
	      "implemented."),
	O_ENU("clock_type", GI, "OC", clock_type_enu,
	      "Clock type: ordinary/boundary clock (OC, BC) or transparent "
	      "clock (P2P_TC, E2E_TC)."),
	O_STR("cmlds.client_address", P, "/var/run/cmlds_client",
	      "UNIX socket of this port's client of the common mean link "
	      "delay service."),
	O_INT("cmlds.domainNumber", P, "0", 0, 255,
	      "Domain number of the common mean link delay service."),
	O_INT("cmlds.majorSdoId", P, "2", 0, 0x0F,
	      "majorSdoId of the common mean link delay service."),
	O_INT("cmlds.port", P, "0", 0, UINT16_MAX,
	      "CMLDS port number to use for this port (0: no CMLDS)."),
	O_STR("cmlds.server_address", P, "/var/run/cmlds_server",
	      "UNIX socket of the common mean link delay service server."),
	O_ENU("dataset_comparison", GI, "ieee1588", dataset_comp_enu,
	      "Data set comparison: 'ieee1588' (IEEE 1588 9.3.4) or "
	      "'G.8275.x', the telecom profiles' alternate BMCA (ITU-T "
	      "G.8275.1/G.8275.2 6.3: priority1 not compared; clockClass, "
	      "clockAccuracy, offsetScaledLogVariance, priority2, "
	      "localPriority; grandmasters of clockClass 127 or better "
	      "chosen by distance, not identity)."),
	O_INT("delayAsymmetry", PL, "0", INT_MIN, INT_MAX,
	      "Path delay asymmetry in nanoseconds (master-to-slave minus "
	      "mean path delay)."),
	O_ENU("delay_filter", PL, "moving_median", delay_filter_enu,
	      "Filter applied to path delay samples: moving_average or "
	      "moving_median."),
	O_INT("delay_filter_length", PL, "10", 1, INT_MAX,
	      "Number of samples in the path delay filter."),
	O_DBL("delay_request_variability", P, "1.0", 0.0, 1.0,
	      "Random variation applied to the Delay_Req interval "
	      "(fraction)."),
	O_INT("delay_req_burst", PI | OPT_HVPTP, "64", 1, 65535,
	      "Delay_Req messages one source may send back to back before "
	      "delay_req_rate_limit applies."),
	O_INT("delay_req_rate_limit", PI | OPT_HVPTP, "256", 0, 1000000,
	      "Delay_Req messages per second answered from one source "
	      "address on a master port (0: no limit); the rest are dropped "
	      "and counted (reason rate_limited).  A slave sends at most "
	      "2^-logMinDelayReqInterval per second on average (128 at -7)."),
	O_INT("delay_resp_unicast", PL | OPT_HVPTP, "0", 0, 1,
	      "Answer every Delay_Req with a unicast Delay_Resp to its "
	      "sender, a multicast one too (1); 0 answers a multicast "
	      "Delay_Req by multicast, as the standard's multicast model "
	      "and ptp4l do (a unicast one is always answered by unicast). "
	      "Behind a bridge, multicast answers reach every guest: N "
	      "guests receive N times the Delay_Resps they need. ptp4l "
	      "clients accept the unicast answer (and keep their own "
	      "logMinDelayReqInterval: they take the master's only from a "
	      "multicast Delay_Resp); ptpd 2.3.1 in its multicast mode "
	      "discards it (in hybrid mode, -y, it asks by unicast and "
	      "takes the unicast answer either way)."),
	O_ENU("delay_mechanism", PI, "E2E", delay_mech_enu,
	      "Path delay mechanism: E2E, P2P, Auto (start E2E, switch on a "
	      "Pdelay_Req), COMMON_P2P or NONE."),
	O_INT("delay_response_timeout", P, "0", 0, UINT8_MAX,
	      "Delay_Resp timeouts (in Delay_Req intervals) before a unicast "
	      "master is dropped (0: never)."),
	O_INT("dscp_event", GI, "0", 0, 63,
	      "DiffServ code point of event messages (UDP)."),
	O_INT("dscp_general", GI, "0", 0, 63,
	      "DiffServ code point of general messages (UDP)."),
	O_INT("domainNumber", GI, "0", 0, 255,
	      "PTP domain number (defaultDS.domainNumber)."),
	O_INT("egressLatency", PL, "0", INT_MIN, INT_MAX,
	      "Transmit timestamp correction in nanoseconds (PHY/MAC "
	      "latency)."),
	O_DBL("feed_rate", GL | OPT_HVPTP, "1", 0.0625, 64.0,
	      "Samples per second written to chrony_sock and "
	      "ntp_shm_segment."),
	O_INT("fault_badpeernet_interval", P, "16", INT32_MIN, INT32_MAX,
	      "Seconds before retrying after a bad peer network fault "
	      "('ASAP': 0)."),
	O_INT("fault_reset_interval", PL, "4", INT8_MIN, INT8_MAX,
	      "Log2 seconds before a faulty port is reset ('ASAP': at once)."),
	O_DBL("first_step_threshold", GL, "0.00002", 0.0, DBL_MAX,
	      "Offset in seconds above which the first correction is a step "
	      "(0: never step).  hvptpd applies it again to the first "
	      "correction after it follows a different grandmaster (which "
	      "may keep another time base), not after a return to the same "
	      "one."),
	O_DBL("follow_first_step_threshold", GL | OPT_HVPTP, "0.00002", 0.0,
	      DBL_MAX,
	      "Followers (clocks that follow the reference): offset in "
	      "seconds above which the first reading steps the clock "
	      "(phc2sys -F; 0: never)."),
	O_DBL("follow_rate", GI | OPT_HVPTP, "8", 0.01, 1000.0,
	      "Followers: paired readings per second against the reference "
	      "(phc2sys -R)."),
	O_INT("follow_readings", GI | OPT_HVPTP, "5", 1, 25,
	      "Followers: samples per PTP_SYS_OFFSET_EXTENDED or "
	      "PTP_SYS_OFFSET reading, the one with the shortest window "
	      "wins (phc2sys -N)."),
	O_ENU("follow_servo", GL | OPT_HVPTP, "kalman", follow_servo_enu,
	      "Followers: servo (phc2sys -E): pi, linreg or kalman.  pi "
	      "and kalman followers move their frequency with the "
	      "reference's at once (feed-forward); linreg's see the move "
	      "in their offsets, as phc2sys's do."),
	O_DBL("follow_step_threshold", GL | OPT_HVPTP, "0.0", 0.0, DBL_MAX,
	      "Followers: offset in seconds above which a reading steps the "
	      "clock (phc2sys -S; 0: never after the first).  A step of the "
	      "reference is passed on to its followers at once."),
	O_INT("follow_up_info", PI, "0", 0, 1,
	      "Add the 802.1AS Follow_Up information TLV."),
	O_INT("free_running", GI, "0", 0, 1,
	      "Run the protocol but never adjust any clock."),
	O_INT("freq_est_interval", PI, "1", INT_MIN, INT_MAX,
	      "Log2 seconds over which the neighbor rate ratio is "
	      "estimated."),
	O_INT("G.8275.defaultDS.localPriority", GL, "128", 1, UINT8_MAX,
	      "Local priority of this clock's own data set (D0) in the "
	      "G.8275.x comparison, after priority2 (lower wins; unused "
	      "with dataset_comparison ieee1588)."),
	O_INT("G.8275.portDS.localPriority", PL, "128", 1, UINT8_MAX,
	      "Local priority given to the masters heard on this port in "
	      "the G.8275.x comparison, after priority2 (lower wins: of "
	      "two equal grandmasters the one heard on the port with the "
	      "lower value is chosen; unused with dataset_comparison "
	      "ieee1588)."),
	O_INT("gmCapable", G, "1", 0, 1,
	      "This clock may become grandmaster (802.1AS)."),
	O_ENU("hwts_filter", GI, "normal", hwts_filter_enu,
	      "Hardware timestamp filtering of the driver: normal, check or "
	      "full."),
	O_DBL("holdover_budget", GL | OPT_HVPTP, "0", 0.0, 1e15,
	      "Holdover: nanoseconds of estimated time error within which "
	      "the clock announces holdover_class_in_spec once it lost its "
	      "master (0: clockClass never changes, as ptp4l)."),
	O_INT("holdover_class_expired", GL | OPT_HVPTP, "248", 0, 255,
	      "Holdover: clockClass once the estimate passes holdover_limit "
	      "(248 free-run; a T-GM may use 160)."),
	O_INT("holdover_class_in_spec", GL | OPT_HVPTP, "135", 0, 255,
	      "Holdover: clockClass while the estimate is within "
	      "holdover_budget (G.8275.1: 135 T-BC, 7 T-GM)."),
	O_INT("holdover_class_out_of_spec", GL | OPT_HVPTP, "165", 0, 255,
	      "Holdover: clockClass past holdover_budget, up to "
	      "holdover_limit (G.8275.1: 165 T-BC, 140/150/160 T-GM)."),
	O_DBL("holdover_limit", GL | OPT_HVPTP, "0", 0.0, 1e15,
	      "Holdover: nanoseconds of estimated time error after which the "
	      "clock announces holdover_class_expired (0: never)."),
	O_INT("hybrid_e2e", PI, "0", 0, 1,
	      "Send Delay_Req by unicast to the master while Sync stays "
	      "multicast."),
	O_INT("ignore_source_id", PL, "0", 0, 1,
	      "Accept Sync, Follow_Up and Delay_Resp whose source port "
	      "identity is not the parent's (a BMCA noop slave that hears "
	      "no Announce needs it)."),
	O_INT("ignore_transport_specific", PI, "0", 0, 1,
	      "Accept messages whatever their transportSpecific field."),
	O_INT("ingressLatency", PL, "0", INT_MIN, INT_MAX,
	      "Receive timestamp correction in nanoseconds (PHY/MAC "
	      "latency)."),
	O_INT("inhibit_announce", PL, "0", 0, 1,
	      "Do not send Announce messages (static master, e.g. "
	      "automotive)."),
	O_INT("inhibit_delay_req", PL, "0", 0, 1,
	      "Do not send Delay_Req messages."),
	O_INT("inhibit_multicast_service", PI, "0", 0, 1,
	      "With unicast_listen: send no multicast Announce and Sync "
	      "(unicast clients only)."),
	O_INT("initial_delay", G, "0", 0, INT_MAX,
	      "Initial path delay in nanoseconds used before the first "
	      "measurement."),
	O_INT("interface_rate_tlv", P, "0", 0, 1,
	      "Use the interface rate TLV to correct for link speed "
	      "differences."),
	O_DBL("kalman_outlier_gate", GL | OPT_HVPTP, "4.0", 0.0, 1000.0,
	      "Kalman servo: ignore offsets further than this many standard "
	      "deviations from the prediction (0: use all)."),
	O_DBL("kalman_wander", GL | OPT_HVPTP, "1e-9", 0.0, 1e-3,
	      "Kalman servo: random-walk frequency noise assumed until it is "
	      "learned from the measurements (fraction per sqrt(s))."),
	O_INT("kernel_leap", GI, "1", 0, 1,
	      "Arm the kernel for the leap seconds the grandmaster announces "
	      "(STA_INS/STA_DEL on CLOCK_REALTIME) when hvptpd adjusts the "
	      "system clock; if arming fails, hvptpd steps the clock by the "
	      "second itself, within a second of the leap.  0, as in ptp4l: "
	      "the kernel is not told and the system clock's servo corrects "
	      "the second after the leap under its step threshold "
	      "(follow_step_threshold below 1 s steps it; else it is slewed "
	      "at the clock's maximum frequency, about 10 s)."),
	O_STR("leapfile", GL, NULL,
	      "Leap second file (leap-seconds.list, NTP format): the UTC "
	      "offset and leap seconds announced as grandmaster."),
	O_INT("logAnnounceInterval", PL, "1", INT8_MIN, INT8_MAX,
	      "Log2 seconds between Announce messages."),
	O_INT("logMinDelayReqInterval", PL, "0", INT8_MIN, INT8_MAX,
	      "Log2 seconds: minimum mean interval between Delay_Req "
	      "messages."),
	O_INT("logMinPdelayReqInterval", PI, "0", INT8_MIN, INT8_MAX,
	      "Log2 seconds: minimum mean interval between Pdelay_Req "
	      "messages."),
	O_INT("logSyncInterval", PL, "0", INT8_MIN, INT8_MAX,
	      "Log2 seconds between Sync messages."),
	O_INT("logging_level", GL, "6", 0, 7,
	      "Most verbose syslog level logged (0 emerg .. 7 debug)."),
	O_OLD_INT("masterOnly", PI, "serverOnly", "0", 0, 1,
		  "Old name of serverOnly."),
	O_INT("maxStepsRemoved", GL, "255", 2, UINT8_MAX,
	      "Announce messages with stepsRemoved at or above this are "
	      "ignored."),
	O_STR("message_tag", GL, NULL,
	      "Tag added to every log line, as \"[TAG] \" before the "
	      "message (to tell several instances apart in one log)."),
	O_STR("manufacturerIdentity", GL, "00:00:00",
	      "OUI reported in the CLOCK_DESCRIPTION management TLV."),
	O_INT("max_frequency", GL, "900000000", 0, INT_MAX,
	      "Largest frequency adjustment the servo may apply, in ppb."),
	O_INT("max_ports", GI | OPT_HVPTP, "1024", 1, 1024,
	      "Ports the clock can hold: the interfaces named and those "
	      "that come and go (pattern sections such as [vnet*]); each "
	      "costs about 10 KiB, touched only when a port uses it."),
	O_STR("metrics_address", GL | OPT_HVPTP, "",
	      "Serve Prometheus metrics over HTTP at A.B.C.D:PORT "
	      "(http://A.B.C.D:PORT/metrics; empty: off)."),
	O_STR("metrics_textfile", GL | OPT_HVPTP, "",
	      "Also write the metrics to this file (atomically, for "
	      "node_exporter's textfile collector; name it *.prom; empty: "
	      "off)."),
	O_INT("metrics_textfile_interval", GL | OPT_HVPTP, "10", 1, 3600,
	      "Seconds between writes of metrics_textfile."),
	O_INT("mgmt_burst", GI | OPT_HVPTP, "2000", 1, 65535,
	      "Management requests one client may send back to back before "
	      "mgmt_rate_limit applies."),
	O_INT("mgmt_rate_limit", GI | OPT_HVPTP, "1000", 0, 1000000,
	      "Management requests per second taken from one client: a "
	      "management socket's client address, or a source address on a "
	      "PTP port with ptp_management (0: no limit); the rest are "
	      "dropped and counted (reason rate_limited)."),
	O_INT("min_neighbor_prop_delay", PI, "-20000000", INT_MIN, -1,
	      "Peer delays below this (ns) make the port not asCapable "
	      "(802.1AS)."),
	O_INT("msg_interval_request", P, "0", 0, 1,
	      "Ask the master to change Sync intervals (802.1AS message "
	      "interval request TLV)."),
	O_INT("neighborPropDelayThresh", PI, "20000000", 0, INT_MAX,
	      "Peer delays above this (ns) make the port not asCapable "
	      "(802.1AS)."),
	O_INT("net_sync_monitor", PL, "0", 0, 1,
	      "Answer linuxptp's nsm (a unicast Delay_Req with the NetSync "
	      "Monitor TLV) with the clock's data sets, a Sync and its "
	      "Follow_Up, in any port state.  ptp4l also needs hybrid_e2e; "
	      "hvptpd always answers a unicast Delay_Req by unicast."),
	O_ENU("network_transport", PI, "UDPv4", network_transport_enu,
	      "Transport: UDPv4, UDPv6 or L2 (IEEE 802.3, ethertype "
	      "0x88F7), per port as in ptp4l (-4, -6, -2)."),
	O_INT("ntp_shm_segment", GL | OPT_HVPTP, "-1", -1, 255,
	      "Feed the reference clock's time (UTC, while it has a "
	      "master's time) to this NTP SHM unit, key 0x4e545030 + N, "
	      "as phc2sys -E ntpshm does (ntpd: server 127.127.28.N; "
	      "chrony: refclock SHM N; -1: off).  Refused while hvptpd "
	      "adjusts CLOCK_REALTIME itself."),
	O_INT("ntpshm_segment", G, "0", INT_MIN, INT_MAX,
	      "NTP SHM segment used by ptp4l's ntpshm servo (not "
	      "implemented: see ntp_shm_segment)."),
	O_INT("offsetScaledLogVariance", GL, "0xffff", 0, UINT16_MAX,
	      "defaultDS.clockQuality.offsetScaledLogVariance announced as "
	      "master."),
	O_INT("operLogPdelayReqInterval", P, "0", INT8_MIN, INT8_MAX,
	      "Log2 seconds between Pdelay_Req once the servo is locked."),
	O_INT("operLogSyncInterval", P, "0", INT8_MIN, INT8_MAX,
	      "Log2 seconds between Sync requested once the servo is "
	      "locked."),
	O_STR("p2p_dst_ipv4", PI, "224.0.0.107",
	      "IPv4 multicast address of peer delay messages."),
	O_STR("p2p_dst_ipv6", PI, "FF02:0:0:0:0:0:0:6B",
	      "IPv6 multicast address of peer delay messages (UDPv6)."),
	O_STR("p2p_dst_mac", PI, "01:80:C2:00:00:0E",
	      "MAC destination of peer delay messages (L2)."),
	O_INT("path_trace_enabled", PL, "0", 0, 1,
	      "Add the path trace TLV to Announce messages."),
	O_INT("phc_index", PI, "-1", -1, INT_MAX,
	      "PHC (/dev/ptpN) to use for this port (-1: the interface's "
	      "own)."),
	O_DBL("pi_integral_const", GL, "0.0", 0.0, DBL_MAX,
	      "PI servo integral constant (0: from scale, exponent and norm "
	      "max)."),
	O_DBL("pi_integral_exponent", GL, "0.4", -DBL_MAX, DBL_MAX,
	      "PI servo: exponent of the sync interval in the integral "
	      "constant."),
	O_DBL("pi_integral_norm_max", GL, "0.3", DBL_MIN, 2.0,
	      "PI servo: largest integral constant times sync interval."),
	O_DBL("pi_integral_scale", GL, "0.0", 0.0, DBL_MAX,
	      "PI servo: scale of the integral constant (0: 0.3 hardware, "
	      "0.001 software)."),
	O_DBL("pi_proportional_const", GL, "0.0", 0.0, DBL_MAX,
	      "PI servo proportional constant (0: from scale, exponent and "
	      "norm max)."),
	O_DBL("pi_proportional_exponent", GL, "-0.3", -DBL_MAX, DBL_MAX,
	      "PI servo: exponent of the sync interval in the proportional "
	      "constant."),
	O_DBL("pi_proportional_norm_max", GL, "0.7", DBL_MIN, 1.0,
	      "PI servo: largest proportional constant times sync interval."),
	O_DBL("pi_proportional_scale", GL, "0.0", 0.0, DBL_MAX,
	      "PI servo: scale of the proportional constant (0: 0.7 "
	      "hardware, 0.1 software)."),
	O_ENU("power_profile.version", PL, "none", power_profile_enu,
	      "IEEE C37.238 power profile: none, 2011 or 2017: the C37.238 "
	      "TLV of that version in every Announce the port sends "
	      "(POWER_PROFILE_SETTINGS_NP shows and sets it)."),
	O_INT("power_profile.2011.grandmasterTimeInaccuracy", PL, "-1", -1,
	      INT_MAX,
	      "C37.238-2011 grandmaster time inaccuracy, ns (-1: unknown)."),
	O_INT("power_profile.2011.networkTimeInaccuracy", PL, "-1", -1,
	      INT_MAX,
	      "C37.238-2011 network time inaccuracy, ns (-1: unknown)."),
	O_INT("power_profile.2017.totalTimeInaccuracy", PL, "-1", -1, INT_MAX,
	      "C37.238-2017 total time inaccuracy, ns (-1: unknown)."),
	O_INT("power_profile.grandmasterID", PL, "0", 0, 0xFFFF,
	      "C37.238 grandmaster ID."),
	O_INT("priority1", GL, "128", 0, UINT8_MAX,
	      "defaultDS.priority1 (lower wins the BMCA)."),
	O_INT("priority2", GL, "128", 0, UINT8_MAX,
	      "defaultDS.priority2 (lower wins the BMCA)."),
	O_STR("productDescription", GL, ";;",
	      "Product description for CLOCK_DESCRIPTION: "
	      "'manufacturer;model;identity'."),
	O_STR("profileIdentity", P, "00:00:00:00:00:00",
	      "Profile identifier reported in CLOCK_DESCRIPTION."),
	O_INT("ptp_management", PL | OPT_HVPTP, "1", 0, 1,
	      "Answer management messages that arrive on this PTP port (and, "
	      "as a boundary clock, pass them on to the other ports); 0 "
	      "drops them, counted.  The management sockets are not "
	      "affected."),
	O_STR("ptp_dst_ipv4", PI, "224.0.1.129",
	      "IPv4 multicast address of PTP messages other than peer "
	      "delay."),
	O_STR("ptp_dst_ipv6", PI, "FF0E:0:0:0:0:0:0:181",
	      "IPv6 multicast address of PTP messages other than peer "
	      "delay (UDPv6); its scope nibble is udp6_scope's."),
	O_STR("ptp_dst_mac", PI, "01:1B:19:00:00:00",
	      "MAC destination of PTP messages other than peer delay (L2)."),
	O_INT("ptp_minor_version", GI, "1", 0, 1,
	      "minorVersionPTP sent in headers (1: IEEE 1588-2019, 0: "
	      "2008)."),
	O_STR("reference_clock", GI | OPT_HVPTP, "",
	      "The clock whose time this clock serves while no port is a "
	      "slave (as grandmaster): a port's interface name (its clock), "
	      "/dev/ptpN or CLOCK_REALTIME; empty: the first port's clock.  "
	      "With a slave port the reference is always that port's "
	      "clock."),
	O_STR("refclock_sock_address", G, "/var/run/refclock.ptp.sock",
	      "Socket of chrony's SOCK refclock for the refclock_sock "
	      "servo."),
	O_STR("revisionData", GL, ";;",
	      "Revision data for CLOCK_DESCRIPTION: 'hardware;firmware;"
	      "software'."),
	O_STR("sa_file", GL, NULL,
	      "File of security associations for the AUTHENTICATION TLV, in "
	      "ptp4l 4.x's format ([security_association] sections: spp, "
	      "seqid_window, allow_mutable, key lines 'id type [length] "
	      "value'); read again on reload."),
	O_INT("sanity_freq_limit", GL, "200000000", 0, INT_MAX,
	      "Reset the servo when a frequency above this (ppb) is needed "
	      "(0: no check)."),
	O_INT("seccomp", GI | OPT_HVPTP, "0", 0, 1,
	      "Once started, allow only the system calls the running daemon "
	      "makes (daemon/seccomp.c); others fail with EPERM.  Off by "
	      "default: a path the list misses fails instead of working."),
	O_INT("serverOnly", PL, "0", 0, 1,
	      "Never become slave on this port (master only)."),
	O_ENU("servo_filter", GL | OPT_HVPTP, "auto", servo_filter_enu,
	      "Offsets the servo gets: none (the core's, as ptp4l), median "
	      "(path delays measured while locked only), select (also only "
	      "the Syncs with the least delay); auto: none for pi and "
	      "linreg, select for kalman.  Median and select also follow a "
	      "step of the clock from outside that both directions show, "
	      "and ask for a Delay_Req at once when a Sync comes far off "
	      "(one per run of such Syncs) to tell it from a late packet."),
	O_INT("servo_filter_keep", GL | OPT_HVPTP, "0", 0, 64,
	      "servo_filter select: the least delayed packets of each "
	      "direction that set the path delay; packets delayed beyond "
	      "them count less (at most servo_filter_window; 0: half of "
	      "it)."),
	O_INT("servo_filter_window", GL | OPT_HVPTP, "32", 1, 64,
	      "servo_filter: settled path delays kept (median: their "
	      "median; select: the last Syncs and delays of each "
	      "direction)."),
	O_INT("servo_num_offset_values", GL, "10", 0, INT_MAX,
	      "Offsets checked against servo_offset_threshold for the "
	      "locked-stable state."),
	O_INT("servo_offset_threshold", GL, "0", 0, INT_MAX,
	      "Offset (ns) under which the servo counts as stable (0: "
	      "off)."),
	O_STR("slave_event_monitor", G, "",
	      "UNIX socket receiving offset/delay events from the slave "
	      "port."),
	O_OLD_INT("slaveOnly", GI, "clientOnly", "0", 0, 1,
		  "Old name of clientOnly."),
	O_INT("socket_priority", GI, "0", 0, 15,
	      "SO_PRIORITY of event and general sockets (0: unset)."),
	O_INT("socket_rcvbuf", PI | OPT_HVPTP, "0", 0, INT_MAX / 2,
	      "Receive buffer in bytes of the event and general sockets "
	      "(SO_RCVBUFFORCE, else SO_RCVBUF capped by "
	      "net.core.rmem_max; the kernel doubles it for its overhead); "
	      "0: the kernel's default (net.core.rmem_default). The event "
	      "socket's software and hardware TX timestamps wait in the "
	      "same buffer: when received messages fill it, timestamps are "
	      "lost and the port faults. A master of hundreds of guests "
	      "wants a few MB."),
	O_INT("spp", PL, "-1", -1, UINT8_MAX,
	      "Security association (sa_file) of the port: every message it "
	      "sends carries an AUTHENTICATION TLV, every message it "
	      "receives must carry a valid one (-1: none)."),
	O_DBL("step_threshold", GL, "0.0", 0.0, DBL_MAX,
	      "Offset in seconds above which the servo steps the clock (0: "
	      "never step after the first)."),
	O_INT("step_window", G, "0", 0, INT_MAX,
	      "Seconds after a step in which further offsets are ignored."),
	O_INT("summary_interval", GL, "0", INT_MIN, INT_MAX,
	      "Log2 seconds between the servo's summary lines (rms and max "
	      "offset, mean frequency, path delay) when that is longer "
	      "than the Sync interval (logSyncInterval); otherwise one "
	      "\"master offset\" line per sample instead, as ptp4l."),
	O_INT("syncReceiptTimeout", PL, "0", 0, UINT8_MAX,
	      "Sync intervals without a Sync before the master is "
	      "considered lost (0: off)."),
	O_ENU("sys_offset_method", PI | OPT_HVPTP, "auto",
	      sys_offset_method_enu,
	      "How the port's PHC is read against the system clock: auto "
	      "(PTP_SYS_OFFSET_PRECISE where the driver cross-timestamps, "
	      "else PTP_SYS_OFFSET_EXTENDED, else PTP_SYS_OFFSET), or one of "
	      "precise, extended, basic only."),
	O_INT("system_clock_sync", GI | OPT_HVPTP, "1", 0, 1,
	      "1: CLOCK_REALTIME follows the reference clock (what "
	      "phc2sys -a -r does; with software timestamps it is the "
	      "reference); 0: it is read and shown, never adjusted "
	      "(refused with software-timestamped ports)."),
	O_INT("tc_spanning_tree", G, "0", 0, 1,
	      "Transparent clock forwards only on ports the BMCA selects."),
	O_INT("timeSource", GL, "0xA0", 0x10, 0xfe,
	      "timePropertiesDS.timeSource announced as grandmaster (0xA0: "
	      "internal oscillator)."),
	O_ENU("time_stamping", PI, "hardware", time_stamping_enu,
	      "Time stamping: hardware, software, onestep (hardware, Sync "
	      "without Follow_Up: the NIC writes its egress time; "
	      "HWTSTAMP_TX_ONESTEP_SYNC, refused at start when the driver "
	      "lacks it) or p2p1step (onestep, and Pdelay_Resp without "
	      "Follow_Up: the NIC adds the turnaround; HWTSTAMP_TX_ONESTEP_P2P);"
	      " legacy is refused.  hvptpd also takes it per port, for "
	      "hardware and software ports in one clock (ptp4l: global "
	      "only)."),
	O_INT("transportSpecific", PI, "0", 0, 0x0F,
	      "transportSpecific (majorSdoId) field of sent messages (1: "
	      "802.1AS)."),
	O_INT("ts2phc.channel", P, "0", 0, INT_MAX,
	      "ts2phc: PHC channel of the input or output pin."),
	O_INT("ts2phc.external_pps", G, "0", 0, 1,
	      "ts2phc: the PPS source is external to the PHC."),
	O_INT("ts2phc.extts_correction", P, "0", INT_MIN, INT_MAX,
	      "ts2phc: correction (ns) of external timestamps."),
	O_ENU("ts2phc.extts_polarity", P, "rising", extts_polarity_enu,
	      "ts2phc: edge timestamped: rising, falling or both."),
	O_INT("ts2phc.holdover", P, "0", 0, INT_MAX,
	      "ts2phc: seconds of holdover without a time of day source."),
	O_INT("ts2phc.master", P, "0", 0, 1,
	      "ts2phc: this PHC is the PPS source."),
	O_INT("ts2phc.nmea_baudrate", P, "9600", 300, INT_MAX,
	      "ts2phc: baud rate of the NMEA serial port."),
	O_INT("ts2phc.nmea_delay", P, "0", INT_MIN, INT_MAX,
	      "ts2phc: delay (ns) of the NMEA sentence after the pulse."),
	O_STR("ts2phc.nmea_remote_host", G, "",
	      "ts2phc: remote host of the NMEA stream."),
	O_STR("ts2phc.nmea_remote_port", G, "",
	      "ts2phc: remote port of the NMEA stream."),
	O_STR("ts2phc.nmea_serialport", G, "/dev/ttyS0",
	      "ts2phc: serial port of the NMEA stream."),
	O_INT("ts2phc.perout_phase", P, "-1", 0, 999999999,
	      "ts2phc: phase (ns) of the periodic output (-1: unset)."),
	O_INT("ts2phc.pin_index", P, "0", 0, INT_MAX,
	      "ts2phc: PHC pin index."),
	O_STR("ts2phc.pin_name", P, "",
	      "ts2phc: PHC pin name."),
	O_INT("ts2phc.pulserate", G, "1", 1, 128,
	      "ts2phc: pulses per second of the source."),
	O_INT("ts2phc.pulsewidth", G, "-1", 1000000, 999000000,
	      "ts2phc: width (ns) of the output pulse (-1: unset)."),
	O_STR("ts2phc.tod_source", G, "generic",
	      "ts2phc: time of day source: generic, nmea or phc."),
	O_ENU("tsproc_mode", P, "filter", tsproc_enu,
	      "Timestamp processing: filter, raw, filter_weight or "
	      "raw_weight."),
	O_INT("twoStepFlag", GI, "1", 0, 1,
	      "Send two-step Sync (Sync plus Follow_Up); 0 with hardware "
	      "time stamping is time_stamping onestep, as ptp4l, and is "
	      "refused with software time stamping."),
	O_INT("tx_timestamp_timeout", GL, "10", 1, INT_MAX,
	      "Milliseconds to wait for a transmit timestamp."),
	O_INT("udp_ttl", PI, "1", 1, 255,
	      "TTL (hop limit) of multicast PTP messages over UDP."),
	O_INT("udp6_scope", PI, "0x0E", 0x00, 0x0F,
	      "Scope of the IPv6 multicast address of non-peer messages "
	      "(ptp_dst_ipv6 FF0X::181: 0x02 link-local, 0x05 site-local, "
	      "0x0E global)."),
	O_STR("uds_address", GL, "/var/run/hvptp/hvptpd",
	      "Read-write management socket (hvptpd default; ptp4l: "
	      "/var/run/ptp/ptp4l)."),
	O_INT("uds_file_mode", PL, "0660", 0, 0777,
	      "File mode of the read-write management socket."),
	O_STR("uds_ro_address", GL, "/var/run/hvptp/hvptpd-ro",
	      "Read-only management socket (hvptpd default; ptp4l: "
	      "/var/run/ptp/ptp4lro)."),
	O_INT("uds_ro_file_mode", PL, "0666", 0, 0777,
	      "File mode of the read-only management socket."),
	O_STR("uds_group", GI | OPT_HVPTP, NULL,
	      "Group of the management socket files (empty: the daemon's); "
	      "with uds_file_mode 0660, its members may use the read-write "
	      "socket."),
	O_INT("unicast_listen", PI, "0", 0, 1,
	      "Grant unicast service (Announce, Sync, Delay_Resp) to clients "
	      "that request it (IEEE 1588-2019 16.1), at most 16 per port; "
	      "implies hybrid_e2e."),
	O_INT("unicast_master_table", PI, "0", 0, INT_MAX,
	      "table_id of the [unicast_master_table] whose masters this port "
	      "asks for unicast service (0: none); implies hybrid_e2e."),
	O_INT("unicast_req_duration", PI, "3600", 10, INT_MAX,
	      "Seconds of unicast service requested from a master (renewed "
	      "at 3/4 of the granted duration)."),
	O_INT("use_syslog", GL, "1", 0, 1,
	      "Log to syslog."),
	O_STR("user", GI, "",
	      "User to become once the sockets and clocks are open, keeping "
	      "only the capabilities still used (hvptpd(8), PRIVILEGES; "
	      "empty: stay root)."),
	O_STR("userDescription", GL, "",
	      "Description reported in USER_DESCRIPTION management TLV."),
	O_INT("utc_offset", GI, "37", 0, INT_MAX,
	      "Current UTC offset (TAI - UTC) in seconds, as grandmaster."),
	O_INT("verbose", GL, "0", 0, 1,
	      "Log to standard output."),
	O_STR("vmclock_file", GL | OPT_HVPTP, "",
	      "Publish the host's time as a vmclock page (the Linux vmclock "
	      "ABI, version 1: TAI over the TSC or arm64's virtual counter) "
	      "in this page-sized file, for a VMM to map into guests, e.g. "
	      "/run/hvptp/vmclock (empty: off; x86_64 and arm64 only)."),
	O_INT("vmclock_rate", GL | OPT_HVPTP, "4", 1, 100,
	      "Updates of the vmclock page per second, each from a burst of "
	      "paired counter and CLOCK_REALTIME readings."),
	O_INT("write_phase_mode", G, "0", 0, 1,
	      "phc2sys: write phase offsets to the PHC (ADJ_OFFSET)."),
	/* Old names ptp4l still maps to the new ones. */
	O_OLD_DBL("pi_offset_const", GI, "step_threshold", "0.0", 0.0,
		  DBL_MAX, "Old name of step_threshold."),
	O_OLD_DBL("pi_f_offset_const", GI, "first_step_threshold",
		  "0.00002", 0.0, DBL_MAX,
		  "Old name of first_step_threshold."),
	O_OLD_INT("pi_max_frequency", GI, "max_frequency", "900000000", 0,
		  INT_MAX, "Old name of max_frequency."),
};

int cfg_option_count(void)
{
	return (int)(sizeof(cfg_options) / sizeof(cfg_options[0]));
}

const struct cfg_option_info *cfg_option_at(int i)
{
	if (i < 0 || i >= cfg_option_count())
		return NULL;
	return &cfg_options[i];
}

const struct cfg_option_info *cfg_option_find(const char *name)
{
	int i;

	if (!name)
		return NULL;
	for (i = 0; i < cfg_option_count(); i++) {
		if (!strcmp(cfg_options[i].name, name))
			return &cfg_options[i];
	}
	return NULL;
}

/* ---- "did you mean" ----------------------------------------------------- */

#define SUGGEST_LEN 64 /* longer names are not compared */

static char suggest_fold(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Optimal string alignment distance between a and b, case folded: the
 * edits of the Levenshtein distance plus a swap of two neighbours. */
static int suggest_distance(const char *a, size_t na, const char *b,
			    size_t nb)
{
	int rows[3][SUGGEST_LEN + 1];
	int *pp = rows[0], *p = rows[1], *cur = rows[2], *t;
	size_t i, j;

	for (j = 0; j <= nb; j++)
		p[j] = (int)j;
	for (i = 1; i <= na; i++) {
		cur[0] = (int)i;
		for (j = 1; j <= nb; j++) {
			int cost = suggest_fold(a[i - 1]) !=
				   suggest_fold(b[j - 1]);
			int d = p[j] + 1;

			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (p[j - 1] + cost < d)
				d = p[j - 1] + cost;
			if (i > 1 && j > 1 &&
			    suggest_fold(a[i - 1]) == suggest_fold(b[j - 2]) &&
			    suggest_fold(a[i - 2]) == suggest_fold(b[j - 1]) &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[nb];
}

/* How far a typo of a name this long may be from the real name. */
static int suggest_limit(size_t n)
{
	if (n <= 3)
		return 0;
	if (n <= 5)
		return 1;
	return n <= 9 ? 2 : 3;
}

int cfg_option_suggest(const char *name, const char **out, int max)
{
	size_t n = name ? strlen(name) : 0, m;
	int limit, best, found = 0, d, i;

	if (n == 0 || n > SUGGEST_LEN || max <= 0)
		return 0;
	limit = suggest_limit(n);
	best = limit + 1;
	for (i = 0; i < cfg_option_count(); i++) {
		m = strlen(cfg_options[i].name);
		if (m > SUGGEST_LEN || (m > n ? m - n : n - m) > (size_t)limit)
			continue;
		d = suggest_distance(name, n, cfg_options[i].name, m);
		if (d > limit || d > best)
			continue;
		if (d < best) {
			best = d;
			found = 0;
		}
		if (found < max)
			out[found++] = cfg_options[i].name;
	}
	return found;
}

const char *cfg_option_no_effect(const struct cfg_option_info *o)
{
	if (!o || o->implemented)
		return NULL;
	if (!strncmp(o->name, "ts2phc.", 7))
		return "a ts2phc option (ptp4l does not read it either)";
	if (!strcmp(o->name, "ntpshm_segment"))
		return "read only by clock_servo ntpshm, which hvptpd refuses "
		       "(hvptpd's NTP SHM feed is ntp_shm_segment)";
	if (!strcmp(o->name, "refclock_sock_address"))
		return "read only by clock_servo refclock_sock, which hvptpd "
		       "refuses (hvptpd's chronyd feed is chrony_sock)";
	return NULL;
}
