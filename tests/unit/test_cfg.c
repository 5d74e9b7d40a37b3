/* tests/unit/test_cfg.c — the option table and the ptp4l-format parser. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/cfg.h"

#define LINUXPTP_CONFIGS "/usr/share/doc/linuxptp/configs"

/* ---- helpers ----------------------------------------------------------- */

struct warns {
	int count;
	int last_line;
	char last_option[64];
	char last_msg[256];
	char all[4096];
};

static void warn_capture(void *ctx, const char *file, int line,
			 const char *option, const char *msg)
{
	struct warns *w = ctx;
	size_t used = strlen(w->all);

	(void)file;
	w->count++;
	w->last_line = line;
	snprintf(w->last_option, sizeof(w->last_option), "%s", option);
	snprintf(w->last_msg, sizeof(w->last_msg), "%s", msg);
	if (used < sizeof(w->all))
		snprintf(w->all + used, sizeof(w->all) - used, "%d:%s|",
			 line, msg);
}

static struct cfg *new_cfg(struct warns *w)
{
	struct cfg *c = cfg_create();

	assert_non_null(c);
	if (w) {
		memset(w, 0, sizeof(*w));
		cfg_set_warn(c, warn_capture, w);
	}
	return c;
}

static int parse(struct cfg *c, const char *text, struct cfg_error *err)
{
	memset(err, 0, sizeof(*err));
	return cfg_parse_buffer(c, "test.cfg", text, strlen(text), err);
}

static int teardown_cfg(void **state)
{
	cfg_destroy(*state);
	*state = NULL;
	return 0;
}

/* ---- defaults ---------------------------------------------------------- */

static void test_defaults_match_ptp4l(void **state)
{
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(cfg_get_int(c, NULL, "priority1"), 128);
	assert_int_equal(cfg_get_int(c, NULL, "priority2"), 128);
	assert_int_equal(cfg_get_int(c, NULL, "domainNumber"), 0);
	assert_int_equal(cfg_get_int(c, NULL, "clockClass"), 248);
	assert_int_equal(cfg_get_int(c, NULL, "clockAccuracy"), 0xfe);
	assert_int_equal(cfg_get_int(c, NULL, "offsetScaledLogVariance"),
			 0xffff);
	assert_int_equal(cfg_get_int(c, NULL, "twoStepFlag"), 1);
	assert_int_equal(cfg_get_int(c, NULL, "logAnnounceInterval"), 1);
	assert_int_equal(cfg_get_int(c, NULL, "logSyncInterval"), 0);
	assert_int_equal(cfg_get_int(c, NULL, "announceReceiptTimeout"), 3);
	assert_int_equal(cfg_get_int(c, NULL, "fault_reset_interval"), 4);
	assert_int_equal(cfg_get_int(c, NULL, "logging_level"), 6);
	assert_int_equal(cfg_get_int(c, NULL, "use_syslog"), 1);
	assert_int_equal(cfg_get_int(c, NULL, "tx_timestamp_timeout"), 10);
	assert_int_equal(cfg_get_int(c, NULL, "max_frequency"), 900000000);
	assert_int_equal(cfg_get_int(c, NULL, "sanity_freq_limit"),
			 200000000);
	assert_int_equal(cfg_get_int(c, NULL, "uds_file_mode"), 0660);
	assert_int_equal(cfg_get_int(c, NULL, "uds_ro_file_mode"), 0666);
	assert_int_equal(cfg_get_int(c, NULL, "timeSource"), 0xA0);
	assert_int_equal(cfg_get_int(c, NULL, "utc_offset"), 37);
	assert_int_equal(cfg_get_int(c, NULL, "delay_filter_length"), 10);
	assert_int_equal(cfg_get_int(c, NULL, "phc_index"), -1);
	assert_int_equal(cfg_get_enum(c, NULL, "delay_mechanism"), 1);
	assert_int_equal(cfg_get_enum(c, NULL, "network_transport"), 1);
	assert_int_equal(cfg_get_enum(c, NULL, "time_stamping"), 0);
	assert_int_equal(cfg_get_enum(c, NULL, "delay_filter"), 1);
	assert_int_equal(cfg_get_enum(c, NULL, "clock_servo"), 5); /* kalman */
	assert_true(cfg_get_double(c, NULL, "first_step_threshold") ==
		    0.00002);
	assert_true(cfg_get_double(c, NULL, "step_threshold") == 0.0);
	assert_true(cfg_get_double(c, NULL, "pi_integral_norm_max") == 0.3);
	assert_true(cfg_get_double(c, NULL, "pi_proportional_exponent") ==
		    -0.3);
	assert_string_equal(cfg_get_string(c, NULL, "ptp_dst_ipv4"),
			    "224.0.1.129");
	assert_string_equal(cfg_get_string(c, NULL, "p2p_dst_ipv4"),
			    "224.0.0.107");
	assert_string_equal(cfg_get_string(c, NULL, "productDescription"),
			    ";;");
	assert_string_equal(cfg_get_string(c, NULL, "userDescription"), "");
	assert_null(cfg_get_string(c, NULL, "leapfile"));
	/* hvptpd's own socket paths */
	assert_string_equal(cfg_get_string(c, NULL, "uds_address"),
			    "/var/run/hvptp/hvptpd");
	assert_string_equal(cfg_get_string(c, NULL, "uds_ro_address"),
			    "/var/run/hvptp/hvptpd-ro");
	assert_false(cfg_is_set(c, NULL, "priority1"));
	assert_int_equal(cfg_nports(c), 0);
}

static void test_bad_lookups(void **state)
{
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(cfg_get_int(c, NULL, "no_such_option"), 0);
	assert_null(cfg_get_string(c, NULL, "no_such_option"));
	/* type mismatch: programming error, reads as 0 / NULL */
	assert_true(cfg_get_double(c, NULL, "priority1") == 0.0);
	assert_null(cfg_get_string(c, NULL, "priority1"));
	assert_int_equal(cfg_get_int(c, NULL, "uds_address"), 0);
	/* enums are integers too (as in ptp4l) */
	assert_int_equal(cfg_get_int(c, NULL, "delay_mechanism"), 1);
	assert_null(cfg_option_find("no_such_option"));
	assert_null(cfg_option_at(-1));
	assert_null(cfg_option_at(cfg_option_count()));
	assert_null(cfg_port_name(c, 0));
}

/* ---- the table --------------------------------------------------------- */

static void test_table_names_unique(void **state)
{
	int i, j, n = cfg_option_count();

	(void)state;
	assert_true(n >= 152);
	for (i = 0; i < n; i++) {
		const struct cfg_option_info *a = cfg_option_at(i);

		assert_non_null(a->name);
		assert_non_null(a->help);
		assert_true(strlen(a->name) < 64);
		assert_ptr_equal(cfg_option_find(a->name), a);
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(a->name,
						cfg_option_at(j)->name);
	}
}

/* The 152 ptp4l options, the 5 old names, and hvptpd's own. */
static void test_table_counts(void **state)
{
	int i, ptp4l = 0, old = 0, own = 0;

	(void)state;
	for (i = 0; i < cfg_option_count(); i++) {
		const struct cfg_option_info *o = cfg_option_at(i);

		if (o->hvptp_only)
			own++;
		else if (o->deprecated_for &&
			 strncmp(o->name, "pi_", 3) == 0)
			old++; /* the three pi_ names are not in config_tab */
		else
			ptp4l++;
		if (o->deprecated_for) {
			const struct cfg_option_info *t =
				cfg_option_find(o->deprecated_for);

			assert_non_null(t);
			assert_null(t->deprecated_for);
			assert_int_equal(t->type, o->type);
			assert_int_equal(t->port_scope, o->port_scope);
		}
	}
	assert_int_equal(ptp4l, 152);
	assert_int_equal(old, 3);
	/* hvptpd's own options (metrics_*, servo and holdover tuning...) */
	assert_true(own >= 3);
	assert_true(cfg_option_find("metrics_address")->hvptp_only);
	assert_true(cfg_option_find("metrics_address")->implemented);
	assert_string_equal(cfg_option_find("slaveOnly")->deprecated_for,
			    "clientOnly");
	assert_string_equal(cfg_option_find("masterOnly")->deprecated_for,
			    "serverOnly");
	assert_true(cfg_option_find("masterOnly")->port_scope);
	assert_true(cfg_option_find("serverOnly")->port_scope);
	assert_false(cfg_option_find("clientOnly")->port_scope);
	assert_string_equal(
		cfg_option_find("pi_offset_const")->deprecated_for,
		"step_threshold");
	assert_string_equal(
		cfg_option_find("pi_f_offset_const")->deprecated_for,
		"first_step_threshold");
	assert_string_equal(
		cfg_option_find("pi_max_frequency")->deprecated_for,
		"max_frequency");
}

static const char *const implemented_set[] = {
	"twoStepFlag", "slaveOnly", "clientOnly", "priority1", "priority2",
	"domainNumber", "clockClass", "clockAccuracy",
	"offsetScaledLogVariance", "free_running", "dataset_comparison",
	"maxStepsRemoved", "logAnnounceInterval", "logSyncInterval",
	"logMinDelayReqInterval", "logMinPdelayReqInterval",
	"announceReceiptTimeout", "syncReceiptTimeout", "delayAsymmetry",
	"fault_reset_interval", "masterOnly", "serverOnly", "inhibit_announce",
	"inhibit_delay_req", "ignore_transport_specific", "assume_two_step",
	"logging_level", "path_trace_enabled", "tx_timestamp_timeout",
	"use_syslog", "verbose", "summary_interval", "check_fup_sync",
	"pi_proportional_const", "pi_integral_const", "pi_proportional_scale",
	"pi_proportional_exponent", "pi_proportional_norm_max",
	"pi_integral_scale", "pi_integral_exponent", "pi_integral_norm_max",
	"step_threshold", "first_step_threshold", "max_frequency",
	"clock_servo", "sanity_freq_limit", "servo_num_offset_values",
	"servo_offset_threshold", "transportSpecific", "ptp_dst_ipv4",
	"p2p_dst_ipv4", "ptp_dst_ipv6", "p2p_dst_ipv6", "udp6_scope",
	"ptp_dst_mac", "p2p_dst_mac", "udp_ttl", "dscp_event", "dscp_general",
	"socket_priority", "uds_address", "uds_ro_address", "uds_file_mode",
	"uds_ro_file_mode", "clock_type", "network_transport",
	"delay_mechanism", "time_stamping", "hwts_filter", "delay_filter",
	"delay_filter_length", "egressLatency", "ingressLatency",
	"clockIdentity", "timeSource", "utc_offset", "userDescription",
	"productDescription", "revisionData", "manufacturerIdentity",
	"ptp_minor_version", "phc_index", "kernel_leap", "leapfile",
	"boundary_clock_jbod",
	"net_sync_monitor", "power_profile.2011.grandmasterTimeInaccuracy",
	"power_profile.2011.networkTimeInaccuracy",
	"power_profile.2017.totalTimeInaccuracy", "power_profile.grandmasterID",
	"power_profile.version",
	"allowedLostResponses", "freq_est_interval",
	"asCapable", "follow_up_info", "min_neighbor_prop_delay",
	"neighborPropDelayThresh",
	"active_key_id", "sa_file", "spp",
	"user",
	"clock_class_threshold", "G.8275.defaultDS.localPriority",
	"G.8275.portDS.localPriority", "BMCA", "ignore_source_id",
	"hybrid_e2e", "inhibit_multicast_service", "unicast_listen",
	"unicast_master_table", "unicast_req_duration",
	/* hvptpd's own */
	"metrics_address", "metrics_textfile", "metrics_textfile_interval",
	"kalman_wander", "kalman_outlier_gate", "servo_filter",
	"servo_filter_window", "servo_filter_keep", "holdover_budget",
	"holdover_limit", "holdover_class_in_spec",
	"holdover_class_out_of_spec", "holdover_class_expired",
	"ptp_management", "follow_rate", "follow_readings", "follow_servo",
	"follow_step_threshold", "follow_first_step_threshold",
	"reference_clock", "sys_offset_method", "system_clock_sync",
	"max_ports", "vmclock_file", "vmclock_rate",
	"chrony_sock", "ntp_shm_segment", "feed_rate",
	"delay_req_burst", "delay_req_rate_limit", "delay_resp_unicast",
	"mgmt_burst", "mgmt_rate_limit", "seccomp",
	"socket_rcvbuf", "message_tag", "uds_group",
	"acceptable_master_table_enabled",
	"alarm_time_error", "alarm_time_error_hold", "alarm_frequency",
	"alarm_frequency_hold", "alarm_drift_rate", "alarm_drift_rate_hold",
	"alarm_path_delay_jump", "alarm_path_delay_jump_hold",
	"alarm_delay_variation", "alarm_delay_variation_hold",
	"alarm_grandmaster_change", "alarm_grandmaster_change_hold",
	"alarm_clock_class", "alarm_clock_class_hold", "alarm_holdover",
	"alarm_holdover_hold", "alarm_port_faulty", "alarm_port_faulty_hold",
	"alarm_clock_step", "alarm_clock_step_hold",
	"alarm_tx_timestamp_lost", "alarm_tx_timestamp_lost_hold",
	"alarm_foreign_master_overflow",
	"alarm_foreign_master_overflow_hold",
	/* old names of implemented options */
	"pi_offset_const", "pi_f_offset_const", "pi_max_frequency",
};

static void test_table_implemented_set(void **state)
{
	size_t n = sizeof(implemented_set) / sizeof(implemented_set[0]), k;
	int i, count = 0;

	(void)state;
	for (k = 0; k < n; k++) {
		const struct cfg_option_info *o =
			cfg_option_find(implemented_set[k]);

		if (!o)
			fail_msg("%s missing", implemented_set[k]);
		if (!o->implemented)
			fail_msg("%s should be implemented",
				 implemented_set[k]);
	}
	for (i = 0; i < cfg_option_count(); i++)
		count += cfg_option_at(i)->implemented;
	assert_int_equal(count, (int)n);
}

/* Each default goes through the same validation as a user's value. */
static void test_table_defaults_valid(void **state)
{
	struct cfg_error err;
	struct cfg *c;
	int i, outside = 0;

	(void)state;
	for (i = 0; i < cfg_option_count(); i++) {
		const struct cfg_option_info *o = cfg_option_at(i);
		struct warns w;
		int rc;

		if (!o->def) {
			assert_int_equal(o->type, CFG_STRING);
			continue;
		}
		if (o->type == CFG_ENUM)
			assert_non_null(o->enums);
		c = new_cfg(&w);
		rc = cfg_set_cmdline(c, o->name, o->def, &err);
		if (rc) {
			/* ptp4l's "unset" sentinels outside their range */
			if (strcmp(o->name, "ts2phc.perout_phase") &&
			    strcmp(o->name, "ts2phc.pulsewidth"))
				fail_msg("default of %s: %s", o->name,
					 err.reason);
			assert_non_null(strstr(err.reason, "out of range"));
			outside++;
		} else if (!o->deprecated_for) {
			/* the default is the default: no warning */
			assert_int_equal(w.count, 0);
		}
		cfg_destroy(c);
	}
	assert_int_equal(outside, 2);
}

/* ---- a sample file ----------------------------------------------------- */

static const char sample[] =
	"# a sample\n"
	"[global]\n"
	"priority1\t\t100\n"
	"  logSyncInterval  -3  \n"
	"delay_mechanism\tP2P\n"
	"productDescription  acme;box 2;sn 1\n"
	"\n"
	"[eth0]\n"
	"logSyncInterval 1\n"
	"delay_mechanism E2E\n"
	"    # indented comment\n"
	"[ eth1 ]\n"
	"serverOnly 1\n"
	"udp_ttl 0x10\n"
	"ptp_dst_ipv4 224.0.1.130\n";

static void test_sample_file(void **state)
{
	struct cfg_error err;
	struct warns w;
	struct cfg *c = new_cfg(&w);

	*state = c;
	assert_int_equal(parse(c, sample, &err), 0);
	assert_int_equal(w.count, 0);
	assert_int_equal(cfg_nports(c), 2);
	assert_string_equal(cfg_port_name(c, 0), "eth0");
	assert_string_equal(cfg_port_name(c, 1), "eth1");
	assert_null(cfg_port_name(c, 2));
	assert_int_equal(cfg_get_int(c, NULL, "priority1"), 100);
	/* port override vs global fallback */
	assert_int_equal(cfg_get_int(c, NULL, "logSyncInterval"), -3);
	assert_int_equal(cfg_get_int(c, "eth0", "logSyncInterval"), 1);
	assert_int_equal(cfg_get_int(c, "eth1", "logSyncInterval"), -3);
	assert_int_equal(cfg_get_int(c, "nosuch", "logSyncInterval"), -3);
	assert_int_equal(cfg_get_enum(c, "eth0", "delay_mechanism"), 1);
	assert_int_equal(cfg_get_enum(c, "eth1", "delay_mechanism"), 2);
	assert_int_equal(cfg_get_int(c, "eth1", "serverOnly"), 1);
	assert_int_equal(cfg_get_int(c, "eth0", "serverOnly"), 0);
	assert_int_equal(cfg_get_int(c, NULL, "serverOnly"), 0);
	assert_int_equal(cfg_get_int(c, "eth1", "udp_ttl"), 16);
	assert_int_equal(cfg_get_int(c, "eth0", "udp_ttl"), 1);
	/* a global option read with a port name is the global value */
	assert_int_equal(cfg_get_int(c, "eth0", "priority1"), 100);
	assert_string_equal(cfg_get_string(c, NULL, "productDescription"),
			    "acme;box 2;sn 1");
	assert_string_equal(cfg_get_string(c, "eth1", "ptp_dst_ipv4"),
			    "224.0.1.130");
	assert_string_equal(cfg_get_string(c, "eth0", "ptp_dst_ipv4"),
			    "224.0.1.129");
	assert_string_equal(cfg_get_string(c, NULL, "ptp_dst_ipv4"),
			    "224.0.1.129");
	/* cfg_is_set */
	assert_true(cfg_is_set(c, NULL, "priority1"));
	assert_true(cfg_is_set(c, "eth1", "priority1"));
	assert_false(cfg_is_set(c, NULL, "priority2"));
	assert_true(cfg_is_set(c, "eth1", "serverOnly"));
	assert_false(cfg_is_set(c, "eth0", "serverOnly"));
	assert_false(cfg_is_set(c, NULL, "serverOnly"));
	assert_false(cfg_is_set(c, NULL, "no_such_option"));
}

static void test_section_case_and_merge(void **state)
{
	struct cfg_error err;
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(parse(c, "[GLOBAL]\npriority2 7\n"
				  "[eth0]\nudp_ttl 3\n"
				  "[Global]\ndomainNumber 24\n"
				  "[eth0]\nlogSyncInterval -4\n",
			       &err),
			 0);
	assert_int_equal(cfg_get_int(c, NULL, "priority2"), 7);
	assert_int_equal(cfg_get_int(c, NULL, "domainNumber"), 24);
	assert_int_equal(cfg_nports(c), 1);
	assert_int_equal(cfg_get_int(c, "eth0", "udp_ttl"), 3);
	assert_int_equal(cfg_get_int(c, "eth0", "logSyncInterval"), -4);
	/* later values win; a second buffer adds to the same store */
	assert_int_equal(parse(c, "[global]\r\npriority2 8\r\n[eth1]\r\n",
			       &err),
			 0);
	assert_int_equal(cfg_get_int(c, NULL, "priority2"), 8);
	assert_int_equal(cfg_nports(c), 2);
	/* an empty buffer is fine */
	assert_int_equal(cfg_parse_buffer(c, "e", "", 0, &err), 0);
	/* no newline at the end */
	assert_int_equal(parse(c, "[global]\npriority2 9", &err), 0);
	assert_int_equal(cfg_get_int(c, NULL, "priority2"), 9);
}

/* ---- errors ------------------------------------------------------------ */

struct err_case {
	const char *text;
	int line;
	const char *option;
	const char *reason; /* substring */
};

static const struct err_case err_cases[] = {
	{ "[global]\n# 2\n\n# 4\npriority1 1\npriority2 2\nfoo_bar 1\n", 7,
	  "foo_bar", "unknown option" },
	{ "[global]\npriority1 300\n", 2, "priority1",
	  "value 300 out of range 0..255" },
	{ "[global]\nlogSyncInterval -129\n", 2, "logSyncInterval",
	  "out of range -128..127" },
	{ "[global]\npriority1 99999999999999999999999\n", 2, "priority1",
	  "out of range" },
	{ "[global]\n\ndelay_mechanism E2F\n", 3, "delay_mechanism",
	  "expected one of: E2E P2P Auto COMMON_P2P NONE" },
	{ "[global]\nnetwork_transport UDP\n", 2, "network_transport",
	  "expected one of: UDPv4 UDPv6 L2" },
	{ "[global]\npriority1 abc\n", 2, "priority1", "not a number" },
	{ "[global]\npriority1 12abc\n", 2, "priority1", "not a number" },
	{ "[global]\npriority1 1 # comment\n", 2, "priority1",
	  "not a number" },
	{ "[global]\nstep_threshold 1.0x\n", 2, "step_threshold",
	  "not a number" },
	{ "[global]\nstep_threshold nan\n", 2, "step_threshold",
	  "not a number" },
	{ "[global]\nstep_threshold -1\n", 2, "step_threshold",
	  "out of range 0..inf" },
	{ "[global]\nstep_threshold inf\n", 2, "step_threshold",
	  "out of range" },
	{ "[global]\npi_proportional_norm_max 0\n", 2,
	  "pi_proportional_norm_max", "out of range 0 (exclusive)..1" },
	{ "[global]\nuds_file_mode 01000\n", 2, "uds_file_mode",
	  "out of range 0..0777" },
	{ "priority1 5\n[global]\n", 1, "priority1",
	  "line before any section" },
	{ "\n# c\npriority1 5\n", 3, "priority1", "line before any section" },
	{ "[global]\n[eth0]\npriority1 5\n", 3, "priority1",
	  "option priority1 is global-only" },
	{ "[eth0]\nslaveOnly 1\n", 2, "slaveOnly",
	  "option slaveOnly is global-only" },
	{ "[global]\n[eth0\n", 2, "[eth0", "malformed section header" },
	{ "[global]\n[]\n", 2, "[]", "malformed section header" },
	{ "[global]\n[eth0 eth1]\n", 2, "[eth0 eth1]",
	  "malformed section header" },
	{ "[global]\npriority1\n", 2, "priority1", "missing value" },
	{ "[global]\npriority1   \t\n", 2, "priority1", "missing value" },
	{ "[global]\nuserDescription\n", 2, "userDescription",
	  "missing value" },
	{ "[global]\nPriority1 5\n", 2, "Priority1", "unknown option" },
};

static void test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *e = &err_cases[i];
		struct cfg_error err;
		struct cfg *c = new_cfg(NULL);

		if (parse(c, e->text, &err) != -EINVAL)
			fail_msg("case %zu parsed: %s", i, e->text);
		assert_string_equal(err.file, "test.cfg");
		if (err.line != e->line || strcmp(err.option, e->option) ||
		    !strstr(err.reason, e->reason))
			fail_msg("case %zu: got %d '%s' '%s', want %d '%s' "
				 "'%s'",
				 i, err.line, err.option, err.reason, e->line,
				 e->option, e->reason);
		cfg_destroy(c);
	}
}

static void test_too_many_ports(void **state)
{
	char text[2048];
	size_t used = 0;
	struct cfg_error err;
	struct cfg *c = new_cfg(NULL);
	int i;

	*state = c;
	for (i = 0; i <= CFG_MAX_PORTS; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "[eth%d]\n", i);
	assert_int_equal(parse(c, text, &err), -EINVAL);
	assert_int_equal(err.line, CFG_MAX_PORTS + 1);
	assert_non_null(strstr(err.reason, "too many ports"));
	assert_int_equal(cfg_nports(c), CFG_MAX_PORTS);
}

static void test_junk_lines(void **state)
{
	static const char nul_line[] = "[global]\npriority1 1\0 2\n";
	char big[3000];
	struct cfg_error err;
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(cfg_parse_buffer(c, "t", nul_line,
					  sizeof(nul_line) - 1, &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	memset(big, 'a', sizeof(big));
	memcpy(big, "[global]\n", 9);
	assert_int_equal(cfg_parse_buffer(c, "t", big, sizeof(big), &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.reason, "too long"));
	/* a NULL error pointer is allowed */
	assert_int_equal(cfg_parse_buffer(c, "t", "x", 1, NULL), -EINVAL);
}

/* Random bytes never crash the parser (run under ASan by make asan). */
static void test_random_input(void **state)
{
	static const char alphabet[] = "[]#\n\r\t =x0aAglobalpriority1eth";
	char buf[256];
	unsigned int seed = 12345;
	struct cfg_error err;
	int round, i, rc;

	(void)state;
	for (round = 0; round < 2000; round++) {
		struct cfg *c = new_cfg(NULL);
		size_t len = (size_t)(round % 255) + 1;

		for (i = 0; i < (int)len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) & 1 ?
					 alphabet[(seed >> 17) %
						  (sizeof(alphabet) - 1)] :
					 (char)(seed >> 20);
		}
		rc = cfg_parse_buffer(c, "r", buf, len, &err);
		assert_true(rc == 0 || rc == -EINVAL);
		cfg_destroy(c);
	}
}

/* ---- numbers ----------------------------------------------------------- */

static void test_numbers(void **state)
{
	struct cfg_error err;
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(parse(c, "[global]\n"
				  "clockAccuracy 0xfe\n"
				  "offsetScaledLogVariance 0xFFFF\n"
				  "timeSource 0x20\n"
				  "uds_file_mode 0600\n"
				  "delayAsymmetry -150\n"
				  "summary_interval +2\n"
				  "first_step_threshold 2e-5\n"
				  "step_threshold 0.5\n"
				  "pi_integral_exponent -1.5E1\n"
				  "fault_reset_interval ASAP\n"
				  "egressLatency 2147483647\n"
				  "ingressLatency -2147483648\n",
			       &err),
			 0);
	assert_int_equal(cfg_get_int(c, NULL, "clockAccuracy"), 0xfe);
	assert_int_equal(cfg_get_int(c, NULL, "offsetScaledLogVariance"),
			 0xffff);
	assert_int_equal(cfg_get_int(c, NULL, "timeSource"), 0x20);
	assert_int_equal(cfg_get_int(c, NULL, "uds_file_mode"), 0600);
	assert_int_equal(cfg_get_int(c, NULL, "delayAsymmetry"), -150);
	assert_int_equal(cfg_get_int(c, NULL, "summary_interval"), 2);
	assert_true(cfg_get_double(c, NULL, "first_step_threshold") == 2e-5);
	assert_true(cfg_get_double(c, NULL, "step_threshold") == 0.5);
	assert_true(cfg_get_double(c, NULL, "pi_integral_exponent") == -15.0);
	assert_int_equal(cfg_get_int(c, NULL, "fault_reset_interval"), -128);
	assert_int_equal(cfg_get_int(c, NULL, "egressLatency"), INT_MAX);
	assert_int_equal(cfg_get_int(c, NULL, "ingressLatency"), INT_MIN);
	assert_int_equal(parse(c, "[global]\negressLatency 2147483648\n",
			       &err),
			 -EINVAL);
	assert_non_null(strstr(err.reason, "out of range"));
	assert_int_equal(parse(c, "[global]\nclockAccuracy 0x100\n", &err),
			 -EINVAL);
	assert_non_null(strstr(err.reason, "value 0x100 out of range"));
	/* ASAP only where ptp4l takes it */
	assert_int_equal(parse(c, "[global]\nlogSyncInterval ASAP\n", &err),
			 -EINVAL);
	assert_non_null(strstr(err.reason, "not a number"));
}

static void test_enums_and_strings(void **state)
{
	struct cfg_error err;
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(parse(c, "[global]\n"
				  "delay_mechanism p2p\n"
				  "time_stamping SOFTWARE\n"
				  "network_transport l2\n"
				  "dataset_comparison G.8275.x\n"
				  "clock_type BC\n"
				  "hwts_filter full\n"
				  "delay_filter moving_average\n"
				  "clock_servo linreg\n"
				  "userDescription  my clock  # not a comment\n"
				  "[eth0]\n"
				  "delay_mechanism NONE\n"
				  "[eth1]\n"
				  "delay_mechanism COMMON_P2P\n"
				  "[eth2]\n"
				  "delay_mechanism Auto\n",
			       &err),
			 0);
	assert_int_equal(cfg_get_enum(c, NULL, "delay_mechanism"), 2);
	assert_int_equal(cfg_get_enum(c, "eth0", "delay_mechanism"), 0xFE);
	assert_int_equal(cfg_get_enum(c, "eth1", "delay_mechanism"), 3);
	assert_int_equal(cfg_get_enum(c, "eth2", "delay_mechanism"), 0);
	assert_int_equal(cfg_get_enum(c, NULL, "time_stamping"), 1);
	assert_int_equal(cfg_get_enum(c, NULL, "network_transport"), 3);
	assert_int_equal(cfg_get_enum(c, NULL, "dataset_comparison"), 1);
	assert_int_equal(cfg_get_enum(c, NULL, "clock_type"), 1);
	assert_int_equal(cfg_get_enum(c, NULL, "hwts_filter"), 2);
	assert_int_equal(cfg_get_enum(c, NULL, "delay_filter"), 0);
	assert_int_equal(cfg_get_enum(c, NULL, "clock_servo"), 1);
	assert_string_equal(cfg_get_string(c, NULL, "userDescription"),
			    "my clock  # not a comment");
	/* replacing a string value frees the old one (ASan checks) */
	assert_int_equal(parse(c, "[global]\nuserDescription other\n", &err),
			 0);
	assert_string_equal(cfg_get_string(c, NULL, "userDescription"),
			    "other");
}

/* ---- warnings ---------------------------------------------------------- */

static void test_deprecated_names(void **state)
{
	struct cfg_error err;
	struct warns w;
	struct cfg *c = new_cfg(&w);

	*state = c;
	assert_int_equal(parse(c, "[global]\n"
				  "slaveOnly 1\n"
				  "pi_offset_const 0.25\n"
				  "pi_f_offset_const 0.125\n"
				  "pi_max_frequency 5000\n"
				  "[eth0]\n"
				  "masterOnly 1\n",
			       &err),
			 0);
	assert_int_equal(w.count, 5);
	assert_non_null(strstr(w.all, "2:option slaveOnly is deprecated; "
				      "using clientOnly instead|"));
	assert_non_null(strstr(w.all, "3:option pi_offset_const is "
				      "deprecated; using step_threshold"));
	assert_non_null(strstr(w.all, "first_step_threshold"));
	assert_non_null(strstr(w.all, "max_frequency"));
	assert_string_equal(w.last_option, "masterOnly");
	assert_int_equal(w.last_line, 7);
	assert_non_null(strstr(w.last_msg, "serverOnly"));
	assert_int_equal(cfg_get_int(c, NULL, "clientOnly"), 1);
	assert_true(cfg_is_set(c, NULL, "clientOnly"));
	assert_true(cfg_get_double(c, NULL, "step_threshold") == 0.25);
	assert_true(cfg_get_double(c, NULL, "first_step_threshold") ==
		    0.125);
	assert_int_equal(cfg_get_int(c, NULL, "max_frequency"), 5000);
	assert_int_equal(cfg_get_int(c, "eth0", "serverOnly"), 1);
	assert_int_equal(cfg_get_int(c, NULL, "serverOnly"), 0);
	/* reading the old name reads the new option */
	assert_int_equal(cfg_get_int(c, NULL, "slaveOnly"), 1);
	assert_int_equal(cfg_get_int(c, "eth0", "masterOnly"), 1);
}

/* An option hvptpd does not implement, at another value than its
 * default, asks for what hvptpd would not do: refused with its line.
 * One that changes nothing in ptp4l either is accepted with a warning
 * that says why, once. */
static void test_not_implemented_refused(void **state)
{
	struct cfg_error err;
	struct warns w;
	struct cfg *c = new_cfg(&w);

	*state = c;
	assert_int_equal(parse(c, "[global]\n"
				  "priority1 5\n"
				  "[eth0]\n"
				  "tsproc_mode raw\n",
			       &err),
			 -EINVAL);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.option, "tsproc_mode");
	assert_string_equal(err.reason, "raw: not implemented by hvptpd yet: "
					"it can only do what the default "
					"(filter) asks for");
	assert_int_equal(w.count, 0);
	assert_int_equal(parse(c, "[global]\n"
				  "ntpshm_segment 3\n"
				  "ts2phc.pulsewidth 1000000\n"
				  "[eth0]\n"
				  "[eth1]\n",
			       &err),
			 0);
	assert_int_equal(w.count, 2);
	assert_non_null(strstr(w.all, "option ntpshm_segment ignored: read "
				      "only by clock_servo ntpshm"));
	assert_non_null(strstr(w.all, "option ts2phc.pulsewidth ignored: a "
				      "ts2phc option"));
}

static void test_not_implemented_default_silent(void **state)
{
	struct cfg_error err;
	struct warns w;
	struct cfg *c = new_cfg(&w);

	*state = c;
	/* left out: no warning; written at ptp4l's default: no warning */
	assert_int_equal(parse(c, "[global]\n"
				  "priority1 5\n"
				  "freq_est_interval 1\n"
				  "tsproc_mode filter\n"
				  "tc_spanning_tree 0\n"
				  "first_step_threshold 0.00002\n",
			       &err),
			 0);
	assert_int_equal(w.count, 0);
	/* another value: refused */
	assert_int_equal(parse(c, "[global]\ntsproc_mode raw\n", &err),
			 -EINVAL);
	assert_string_equal(err.option, "tsproc_mode");
	assert_int_equal(parse(c, "[global]\ntc_spanning_tree 1\n", &err),
			 -EINVAL);
	assert_string_equal(err.option, "tc_spanning_tree");
	assert_int_equal(w.count, 0);
}


/* ---- command-line values and ports ------------------------------------- */

static void test_cmdline_locked(void **state)
{
	struct cfg_error err;
	struct cfg *c = new_cfg(NULL);

	*state = c;
	assert_int_equal(cfg_set_cmdline(c, "priority1", "5", &err), 0);
	assert_int_equal(cfg_set_cmdline(c, "logSyncInterval", "-2", &err),
			 0);
	assert_int_equal(parse(c, "[global]\npriority1 10\n"
				  "logSyncInterval 3\n"
				  "[eth0]\nlogSyncInterval 1\n",
			       &err),
			 0);
	assert_int_equal(cfg_get_int(c, NULL, "priority1"), 5);
	assert_int_equal(cfg_get_int(c, NULL, "logSyncInterval"), -2);
	/* as in ptp4l, a port section still sets its own value */
	assert_int_equal(cfg_get_int(c, "eth0", "logSyncInterval"), 1);
	/* the command line itself may change a locked value */
	assert_int_equal(cfg_set_cmdline(c, "priority1", "6", &err), 0);
	assert_int_equal(cfg_get_int(c, NULL, "priority1"), 6);
	/* errors come from "command line", line 0 */
	assert_int_equal(cfg_set_cmdline(c, "priority1", "256", &err),
			 -EINVAL);
	assert_string_equal(err.file, "command line");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.option, "priority1");
	assert_string_equal(err.reason, "value 256 out of range 0..255");
	assert_int_equal(cfg_set_cmdline(c, "bogus", "1", &err), -EINVAL);
	assert_string_equal(err.reason, "unknown option");
	/* on the command line an empty string value is allowed */
	assert_int_equal(cfg_set_cmdline(c, "userDescription", "", &err), 0);
	assert_string_equal(cfg_get_string(c, NULL, "userDescription"), "");
	assert_int_equal(cfg_set_cmdline(c, "priority2", "", &err), -EINVAL);
	assert_string_equal(err.reason, "missing value");
}

static void test_ports(void **state)
{
	struct cfg *c = new_cfg(NULL);
	char name[16];
	int i;

	*state = c;
	assert_int_equal(cfg_add_port(c, "eth1"), 0);
	assert_int_equal(cfg_add_port(c, "eth0"), 0);
	assert_int_equal(cfg_add_port(c, "eth1"), 0);
	assert_int_equal(cfg_nports(c), 2);
	assert_string_equal(cfg_port_name(c, 0), "eth1");
	assert_string_equal(cfg_port_name(c, 1), "eth0");
	assert_int_equal(cfg_add_port(c, ""), -EINVAL);
	assert_int_equal(cfg_add_port(c, NULL), -EINVAL);
	assert_int_equal(cfg_add_port(c, "a b"), -EINVAL);
	for (i = 2; i < CFG_MAX_PORTS; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_int_equal(cfg_add_port(c, name), 0);
	}
	assert_int_equal(cfg_add_port(c, "one_more"), -ENOSPC);
	assert_int_equal(cfg_add_port(c, "eth0"), 0);
	assert_int_equal(cfg_nports(c), CFG_MAX_PORTS);
}

/* ---- linuxptp's own files ---------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

static void test_linuxptp_default_cfg(void **state)
{
	const char *path = LINUXPTP_CONFIGS "/default.cfg";
	struct cfg_error err;
	struct warns w;
	struct cfg *c;
	size_t len;
	char *buf = slurp(path, &len);

	if (!buf) {
		print_message("skip: %s missing (install Debian's linuxptp)\n",
			      path);
		skip();
	}
	c = new_cfg(&w);
	*state = c;
	memset(&err, 0, sizeof(err));
	if (cfg_parse_buffer(c, path, buf, len, &err))
		fail_msg("%s:%d: %s: %s", err.file, err.line, err.option,
			 err.reason);
	/* only the two deprecated names (slaveOnly, masterOnly) are noted:
	 * everything else it writes is implemented or at its default */
	print_message("default.cfg: %d warnings: %s\n", w.count, w.all);
	assert_int_equal(w.count, 2);
	assert_non_null(strstr(w.all, "slaveOnly"));
	assert_non_null(strstr(w.all, "masterOnly"));
	assert_int_equal(cfg_get_int(c, NULL, "clockAccuracy"), 0xfe);
	assert_int_equal(cfg_get_int(c, NULL, "clientOnly"), 0);
	free(buf);
}

static void test_linuxptp_all_cfgs(void **state)
{
	glob_t g;
	size_t i;
	int failed = 0;

	(void)state;
	if (glob(LINUXPTP_CONFIGS "/*.cfg", 0, NULL, &g)) {
		print_message("skip: no %s/*.cfg (install Debian's linuxptp)\n",
			      LINUXPTP_CONFIGS);
		skip();
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct cfg_error err;
		struct warns w;
		struct cfg *c = new_cfg(&w);
		size_t len;
		char *buf = slurp(g.gl_pathv[i], &len);

		assert_non_null(buf);
		memset(&err, 0, sizeof(err));
		if (cfg_parse_buffer(c, g.gl_pathv[i], buf, len, &err)) {
			/* refused only for what hvptpd does not do yet */
			print_message("refused %s:%d: %s: %s\n", err.file,
				      err.line, err.option, err.reason);
			if (!strstr(err.reason, "not implemented by hvptpd"))
				failed++;
			if (strstr(g.gl_pathv[i], "/default.cfg"))
				failed++;
		} else {
			print_message("ok   %s (%d ports, %d warnings)\n",
				      strrchr(g.gl_pathv[i], '/') + 1,
				      cfg_nports(c), w.count);
		}
		/* ptp4l's UNICAST-MASTER: unicast_listen, hybrid_e2e and
		 * inhibit_multicast_service are implemented */
		if (strstr(g.gl_pathv[i], "UNICAST-MASTER"))
			assert_string_equal(err.option, "");
		free(buf);
		cfg_destroy(c);
	}
	globfree(&g);
	assert_int_equal(failed, 0);
}

/* cfg_origin: the file and line of the value in effect (a port's own
 * over [global]), "command line" for locked values, false for defaults. */
static void test_origin(void **state)
{
	const char *text = "[global]\n"
			   "priority1 100\n"
			   "logSyncInterval -2\n"
			   "[eth0]\n"
			   "logSyncInterval -4\n"
			   "[eth1]\n";
	struct cfg_error err;
	struct cfg *c = cfg_create();
	const char *file;
	int line;

	(void)state;
	assert_non_null(c);
	assert_int_equal(cfg_set_cmdline(c, "domainNumber", "5", &err), 0);
	assert_int_equal(cfg_parse_buffer(c, "a.cfg", text, strlen(text),
					  &err), 0);
	assert_true(cfg_origin(c, NULL, "priority1", &file, &line));
	assert_string_equal(file, "a.cfg");
	assert_int_equal(line, 2);
	assert_true(cfg_origin(c, "eth0", "logSyncInterval", &file, &line));
	assert_int_equal(line, 5);
	assert_true(cfg_origin(c, "eth1", "logSyncInterval", &file, &line));
	assert_int_equal(line, 3);
	assert_true(cfg_origin(c, NULL, "domainNumber", &file, &line));
	assert_string_equal(file, "command line");
	assert_int_equal(line, 0);
	assert_false(cfg_origin(c, NULL, "priority2", &file, &line));
	cfg_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_defaults_match_ptp4l,
					  teardown_cfg),
		cmocka_unit_test_teardown(test_bad_lookups, teardown_cfg),
		cmocka_unit_test(test_table_names_unique),
		cmocka_unit_test(test_table_counts),
		cmocka_unit_test(test_table_implemented_set),
		cmocka_unit_test(test_table_defaults_valid),
		cmocka_unit_test_teardown(test_sample_file, teardown_cfg),
		cmocka_unit_test_teardown(test_section_case_and_merge,
					  teardown_cfg),
		cmocka_unit_test(test_errors),
		cmocka_unit_test_teardown(test_too_many_ports, teardown_cfg),
		cmocka_unit_test_teardown(test_junk_lines, teardown_cfg),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test_teardown(test_numbers, teardown_cfg),
		cmocka_unit_test_teardown(test_enums_and_strings,
					  teardown_cfg),
		cmocka_unit_test_teardown(test_deprecated_names, teardown_cfg),
		cmocka_unit_test_teardown(test_not_implemented_refused,
					  teardown_cfg),
		cmocka_unit_test_teardown(test_not_implemented_default_silent,
					  teardown_cfg),
		cmocka_unit_test_teardown(test_cmdline_locked, teardown_cfg),
		cmocka_unit_test_teardown(test_ports, teardown_cfg),
		cmocka_unit_test_teardown(test_linuxptp_default_cfg,
					  teardown_cfg),
		cmocka_unit_test(test_linuxptp_all_cfgs),
		cmocka_unit_test(test_origin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
