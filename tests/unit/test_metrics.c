/*
 * tests/unit/test_metrics.c — hvptpd's metrics (mgmt/metrics_render.h,
 * mgmt/metrics.h): the Prometheus text from a hand-made snapshot (every
 * family with HELP and TYPE, base-unit conversions, counters per message
 * type and drop reason, label escaping, the info metrics, values left out
 * when unknown, a buffer too small), the host's clocks (per clock, servo
 * state and frequency left out while not applied) and host checks, a
 * snapshot of a real core.  The endpoint, the text file and the options
 * are tests/unit/test_metrics_io.c's.  No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/settings.h"
#include "mgmt/metrics.h"
#include "mgmt/metrics_render.h"
#include "tests/unit/metrics_test.h"
#include "common/hwclock.h"
#include "servo/servo.h"
#include "vm/hostcheck.h"

#define SEC 1000000000LL

static char text[256 * 1024];
static struct metrics_snapshot snap;

static const struct clock_identity gm_id = {
	{ 0xaa, 0xbb, 0xcc, 0xff, 0xfe, 0xdd, 0xee, 0x01 }
};

/* A two-port boundary clock, slave on port 1, with known figures. */
static void make_snapshot(struct metrics_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->version = "9.9.9";
	snprintf(s->clock_name, sizeof(s->clock_name), "/dev/ptp0");
	s->dds.clock_identity = own_id;
	s->dds.clock_quality.clock_class = 248;
	s->dds.domain_number = 24;
	s->cds.offset_from_master_ns = -1500;
	s->cds.mean_path_delay_ns = 2356;
	s->action_overflows = 3;
	s->send_errors = 2;
	s->have_uds = true;
	s->uds.truncated = 21;
	s->uds.send_errors = 22;
	s->uds.queued = 23;
	s->uds.no_reply_address = 24;
	s->uds.subscribes = 25;
	s->uds.notifications = 26;
	s->uds.expired = 27;
	s->cds.steps_removed = 1;
	s->pds.grandmaster_identity = gm_id;
	s->pds.parent_port_identity.clock_identity = gm_id;
	s->pds.parent_port_identity.port_number = 3;
	s->pds.grandmaster_clock_quality.clock_class = 6;
	s->tp.current_utc_offset = 37;
	s->slave_port = 0;
	s->servo.valid = true;
	s->servo.freq_ppb = 12.5;
	s->servo.state = SERVO_LOCKED;
	s->servo.te_estimate_ns = 250;
	s->sample_age_s = 0.125;
	s->cc.bmca_reselections = 2;
	s->cc.clock_steps = 1;
	s->mc.requests = 11;
	s->mc.drop[BC_MGMT_DROP_NOT_FOR_US] = 4;
	s->nports = 2;
	snprintf(s->port[0].name, sizeof(s->port[0].name), "eth0");
	s->port[0].number = 1;
	s->port[0].state = PS_SLAVE;
	s->port[0].c.rx[PTP_MSG_SYNC] = 42;
	s->port[0].c.tx[PTP_MSG_DELAY_REQ] = 7;
	s->port[0].fm_dropped = 3;
	s->port[0].fm_evicted = 4990;
	s->port[0].c.drop[BC_DROP_NOT_PARENT] = 3;
	s->port[0].c.tx_ts_timeouts = 5;
	s->port[0].c.delay_req_asked = 2;
	s->port[0].have_socket = true;
	s->port[0].rx_truncated = 9;
	snprintf(s->port[1].name, sizeof(s->port[1].name), "eth1");
	s->port[1].number = 2;
	s->port[1].state = PS_MASTER;
	s->port[1].c.uc_refused = 5;
	s->port[1].c.tx[PTP_MSG_SYNC] = 100;
	s->uptime_s = 60.5;
	s->cpu_s = 0.25;
}

/* The host's clocks: /dev/ptp0 the reference (locked), CLOCK_REALTIME
 * following it (steered), /dev/ptp1 measured only (not adjusted), and
 * the host checks: clocksource ok, tsc unknown, an adjuster found. */
static void make_clocks(struct metrics_snapshot *s)
{
	struct metrics_clock_snap *c = s->clock;

	c[0].present = true;
	snprintf(c[0].ci.name, sizeof(c[0].ci.name), "/dev/ptp0");
	c[0].ci.role = BC_CLOCK_REFERENCE;
	c[0].ci.source = -1;
	c[0].ci.adjusted = true;
	c[0].ci.servo_type = SERVO_LINREG;
	c[0].ci.servo_state = SERVO_LOCKED;
	c[0].ci.have_offset = true;
	c[0].ci.offset_ns = -1500;
	c[0].ci.have_freq = true;
	c[0].ci.freq_ppb = 12.5;
	c[0].ci.te_estimate_ns = 250;
	c[0].ci.steps = 1;
	c[0].offset_age_s = 0.125;
	c[0].have_readings = true;
	c[1] = c[0];
	snprintf(c[1].ci.name, sizeof(c[1].ci.name), "CLOCK_REALTIME");
	c[1].ci.role = BC_CLOCK_FOLLOWER;
	c[1].ci.source = 0;
	c[1].ci.steered = true;
	c[1].ci.servo_type = SERVO_PI;
	c[1].ci.servo_state = SERVO_LOCKED_STABLE;
	c[1].ci.offset_ns = 18;
	c[1].ci.freq_ppb = -3021.125;
	c[1].ci.read_method = HWCLOCK_READ_EXTENDED;
	c[1].ci.read_delay_ns = 1234;
	c[1].ci.te_estimate_ns = 885;
	c[1].ci.steps = 3;
	c[1].offset_age_s = 0.5;
	c[1].readings = 100;
	c[1].read_errors = 2;
	c[2] = c[1];
	snprintf(c[2].ci.name, sizeof(c[2].ci.name), "/dev/ptp1");
	c[2].ci.adjusted = false;
	c[2].ci.steered = false;
	c[2].ci.servo_state = SERVO_UNLOCKED;
	c[2].ci.have_freq = false;
	c[2].ci.freq_ppb = 37.0; /* no estimate yet: not shown */
	c[2].ci.read_method = HWCLOCK_READ_BASIC;
	c[2].ci.te_estimate_ns = -1;
	c[2].ci.steps = 0;
	c[2].have_readings = false;
	s->host.valid = true;
	s->host.findings = HOSTCHECK_OTHER_ADJUSTER;
	s->host.unknown = HOSTCHECK_TSC_UNSTABLE;
	s->host.ok = HOSTCHECK_CLOCKSOURCE;
	s->host.nlines = 3;
	snprintf(s->host.lines[0], BC_HOST_LINE_LEN, "clocksource: tsc: ok");
	snprintf(s->host.lines[1], BC_HOST_LINE_LEN, "tsc: unknown (x)");
	snprintf(s->host.lines[2], BC_HOST_LINE_LEN, "adjuster: chronyd");
}

static void render(const struct metrics_snapshot *s)
{
	size_t len = 0;

	assert_int_equal(metrics_render(s, text, sizeof(text), &len), 0);
	assert_int_equal(len, strlen(text));
	assert_true(len > 0 && text[len - 1] == '\n');
}

/* The text has exactly this line. */
static void assert_line(const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p += n;
	}
	fail_msg("no line \"%s\"", line);
}

static bool has_sample(const char *name)
{
	char a[128], b[128];

	snprintf(a, sizeof(a), "\n%s{", name);
	snprintf(b, sizeof(b), "\n%s ", name);
	return strstr(text, a) || strstr(text, b);
}

/* ---- the text ---- */

/* Every sample's family has HELP then TYPE before it, families are not
 * split, counters end in _total. */
static void check_structure(void)
{
	char fam[METRICS_NAME_LEN * 2] = "", type[16] = "";
	const char *p;

	for (p = text; *p; p = strchr(p, '\n') + 1) {
		char name[128], help[128];
		size_t n = strcspn(p, "{ \n");

		if (sscanf(p, "# HELP %127s", help) == 1) {
			char key[160];
			const char *first;

			/* one HELP per family in the whole text */
			snprintf(key, sizeof(key), "\n# HELP %s ", help);
			first = p == text ? p : strstr(text, key) + 1;
			assert_ptr_equal(first, p);
			assert_null(strstr(p + 1, key));
			snprintf(fam, sizeof(fam), "%s", help);
			type[0] = '\0';
			continue;
		}
		if (sscanf(p, "# TYPE %127s %15s", name, type) == 2) {
			assert_string_equal(name, fam);
			if (!strcmp(type, "counter"))
				assert_non_null(strstr(name, "_total"));
			else
				assert_string_equal(type, "gauge");
			continue;
		}
		assert_true(n < sizeof(name));
		memcpy(name, p, n);
		name[n] = '\0';
		assert_string_equal(name, fam);
		assert_true(type[0] != '\0');
	}
}

static void test_help_type_everywhere(void **state)
{
	(void)state;
	make_snapshot(&snap);
	render(&snap);
	check_structure();
	make_clocks(&snap);
	render(&snap);
	check_structure();
}

static void test_required_families(void **state)
{
	static const char *const names[] = {
		"hvptp_offset_from_master_seconds",
		"hvptp_mean_path_delay_seconds",
		"hvptp_frequency_adjustment_ratio", "hvptp_servo_state",
		"hvptp_port_state", "hvptp_clock_class", "hvptp_steps_removed",
		"hvptp_grandmaster_info", "hvptp_time_error_estimate_seconds",
		"hvptp_rx_messages_total", "hvptp_tx_messages_total",
		"hvptp_dropped_messages_total",
		"hvptp_tx_timestamp_timeouts_total",
		"hvptp_delay_req_asked_total",
		"hvptp_bmca_reselections_total", "hvptp_clock_steps_total",
		"hvptp_management_requests_total", "hvptp_info",
	};
	char help[160], type[160];

	(void)state;
	make_snapshot(&snap);
	render(&snap);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(help, sizeof(help), "# HELP %s ", names[i]);
		snprintf(type, sizeof(type), "# TYPE %s ", names[i]);
		assert_non_null(strstr(text, help));
		assert_non_null(strstr(text, type));
		assert_true(has_sample(names[i]));
	}
}

static void test_units(void **state)
{
	(void)state;
	make_snapshot(&snap);
	render(&snap);
	assert_line("hvptp_offset_from_master_seconds{clock=\"/dev/ptp0\"} "
		    "-1.5e-06");
	assert_line("hvptp_mean_path_delay_seconds{clock=\"/dev/ptp0\"} "
		    "2.356e-06");
	assert_line("hvptp_frequency_adjustment_ratio{clock=\"/dev/ptp0\"} "
		    "1.25e-08");
	assert_line("hvptp_time_error_estimate_seconds{clock=\"/dev/ptp0\"} "
		    "2.5e-07");
	assert_line("hvptp_servo_last_sample_age_seconds{clock=\"/dev/ptp0\"} "
		    "0.125");
	assert_line("hvptp_uptime_seconds 60.5");
	assert_line("hvptp_core_action_overflows_total 3");
	assert_line("hvptp_send_errors_total 2");
	assert_line("hvptp_cpu_seconds_total 0.25");
	/* a large offset keeps its nanoseconds */
	snap.cds.offset_from_master_ns = 123456789012LL;
	render(&snap);
	assert_line("hvptp_offset_from_master_seconds{clock=\"/dev/ptp0\"} "
		    "123.456789012");
}

static void test_states_and_data_sets(void **state)
{
	(void)state;
	make_snapshot(&snap);
	render(&snap);
	assert_line("hvptp_port_state{port=\"1\",interface=\"eth0\"} 9");
	assert_line("hvptp_port_state{port=\"2\",interface=\"eth1\"} 6");
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\",state=\"locked\"} 1");
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\",state=\"unlocked\"} 0");
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\","
		    "state=\"locked_stable\"} 0");
	assert_line("hvptp_clock_class 248");
	assert_line("hvptp_grandmaster_clock_class 6");
	assert_line("hvptp_steps_removed 1");
	assert_line("hvptp_domain_number 24");
	assert_line("hvptp_is_grandmaster 0");
	assert_line("hvptp_utc_offset_seconds 37");
	assert_line("hvptp_grandmaster_info{grandmaster_identity="
		    "\"aabbcc.fffe.ddee01\",parent_port_identity="
		    "\"aabbcc.fffe.ddee01-3\"} 1");
	assert_line("hvptp_info{version=\"9.9.9\",clock_identity="
		    "\"02005e.fffe.001001\"} 1");
	snap.pds.grandmaster_identity = own_id;
	render(&snap);
	assert_line("hvptp_is_grandmaster 1");
}

static void test_counters(void **state)
{
	(void)state;
	make_snapshot(&snap);
	render(&snap);
	assert_line("hvptp_rx_messages_total{port=\"1\",interface=\"eth0\","
		    "type=\"sync\"} 42");
	assert_line("hvptp_rx_messages_total{port=\"1\",interface=\"eth0\","
		    "type=\"announce\"} 0");
	assert_line("hvptp_tx_messages_total{port=\"1\",interface=\"eth0\","
		    "type=\"delay_req\"} 7");
	assert_line("hvptp_tx_messages_total{port=\"2\",interface=\"eth1\","
		    "type=\"sync\"} 100");
	assert_line("hvptp_foreign_master_table_total{port=\"1\","
		    "interface=\"eth0\",event=\"dropped\"} 3");
	assert_line("hvptp_foreign_master_table_total{port=\"1\","
		    "interface=\"eth0\",event=\"evicted\"} 4990");
	assert_line("hvptp_foreign_master_table_total{port=\"2\","
		    "interface=\"eth1\",event=\"evicted\"} 0");
	assert_line("hvptp_unicast_negotiation_total{port=\"2\","
		    "interface=\"eth1\",event=\"refused\"} 5");
	assert_line("hvptp_unicast_negotiation_total{port=\"1\","
		    "interface=\"eth0\",event=\"granted\"} 0");
	/* not from the parent: expected traffic, ignored, not dropped */
	assert_line("hvptp_ignored_messages_total{port=\"1\",interface="
		    "\"eth0\",reason=\"not_parent\"} 3");
	assert_null(strstr(text, "hvptp_dropped_messages_total{port=\"1\","
				 "interface=\"eth0\",reason=\"not_parent\"}"));
	assert_line("hvptp_dropped_messages_total{port=\"2\",interface="
		    "\"eth1\",reason=\"too_short\"} 0");
	assert_null(strstr(text, "hvptp_ignored_messages_total{port=\"2\","
				 "interface=\"eth1\",reason=\"too_short\"}"));
	assert_line("hvptp_ignored_messages_total{port=\"1\",interface="
		    "\"eth0\",reason=\"wrong_state\"} 0");
	assert_null(strstr(text, "reason=\"none\""));
	assert_null(strstr(text, "type=\"reserved\""));
	assert_line("hvptp_tx_timestamp_timeouts_total{port=\"1\",interface="
		    "\"eth0\"} 5");
	assert_line("hvptp_delay_req_asked_total{port=\"1\",interface="
		    "\"eth0\"} 2");
	assert_line("hvptp_socket_errors_total{port=\"1\",interface=\"eth0\","
		    "kind=\"rx_truncated\"} 9");
	/* port 2 has no socket figures */
	assert_null(strstr(text, "hvptp_socket_errors_total{port=\"2\""));
	assert_line("hvptp_bmca_reselections_total 2");
	assert_line("hvptp_clock_steps_total{clock=\"/dev/ptp0\"} 1");
	assert_line("hvptp_management_requests_total 11");
	assert_line("hvptp_management_dropped_total{reason=\"not_for_us\"} 4");
	/* the management sockets' own counters */
	assert_line("hvptp_management_socket_truncated_total 21");
	assert_line("hvptp_management_socket_send_errors_total 22");
	assert_line("hvptp_management_socket_queued_total 23");
	assert_line("hvptp_management_socket_no_reply_address_total 24");
	assert_line("hvptp_management_socket_subscribes_total 25");
	assert_line("hvptp_management_socket_notifications_total 26");
	assert_line("hvptp_management_socket_expired_total 27");
	snap.port[0].c.rx[PTP_MSG_SYNC] = UINT64_MAX;
	render(&snap);
	assert_line("hvptp_rx_messages_total{port=\"1\",interface=\"eth0\","
		    "type=\"sync\"} 18446744073709551615");
}

static void test_label_escaping(void **state)
{
	(void)state;
	make_snapshot(&snap);
	snprintf(snap.port[1].name, sizeof(snap.port[1].name),
		 "we\"ird\\na\nme");
	snprintf(snap.clock_name, sizeof(snap.clock_name), "c\"k");
	render(&snap);
	assert_line("hvptp_port_state{port=\"2\",interface="
		    "\"we\\\"ird\\\\na\\nme\"} 6");
	assert_line("hvptp_offset_from_master_seconds{clock=\"c\\\"k\"} "
		    "-1.5e-06");
}

/* Unknown values are left out; the family stays. */
static void test_absent_values(void **state)
{
	(void)state;
	make_snapshot(&snap);
	snap.slave_port = -1;
	snap.servo.te_estimate_ns = -1;
	snap.uptime_s = -1;
	render(&snap);
	assert_false(has_sample("hvptp_offset_from_master_seconds"));
	assert_false(has_sample("hvptp_mean_path_delay_seconds"));
	assert_false(has_sample("hvptp_time_error_estimate_seconds"));
	assert_false(has_sample("hvptp_uptime_seconds"));
	assert_non_null(strstr(text, "# TYPE hvptp_offset_from_master_seconds "
				     "gauge\n"));
	/* no management socket: its counters are left out */
	snap.have_uds = false;
	render(&snap);
	assert_false(has_sample("hvptp_management_socket_queued_total"));
	assert_non_null(strstr(text, "# TYPE hvptp_management_socket_queued_"
				     "total counter\n"));
	assert_true(has_sample("hvptp_frequency_adjustment_ratio"));
	snap.servo.valid = false;
	snap.sample_age_s = -1;
	render(&snap);
	assert_false(has_sample("hvptp_frequency_adjustment_ratio"));
	assert_false(has_sample("hvptp_servo_last_sample_age_seconds"));
	/* no sample yet: the servo counts as unlocked */
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\",state=\"unlocked\"} 1");
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\",state=\"locked\"} 0");
}

/* Every clock of the host with the clock label; what is not known (or
 * not applied) left out. */
static void test_clock_families(void **state)
{
	(void)state;
	make_snapshot(&snap);
	make_clocks(&snap);
	render(&snap);
	assert_line("hvptp_clock_info{clock=\"/dev/ptp0\",role=\"reference\","
		    "source=\"\",servo=\"linreg\"} 1");
	assert_line("hvptp_clock_info{clock=\"CLOCK_REALTIME\",role="
		    "\"follower\",source=\"/dev/ptp0\",servo=\"pi\"} 1");
	assert_line("hvptp_clock_adjusted{clock=\"/dev/ptp0\"} 1");
	assert_line("hvptp_clock_adjusted{clock=\"/dev/ptp1\"} 0");
	assert_line("hvptp_clock_offset_seconds{clock=\"/dev/ptp0\"} "
		    "-1.5e-06");
	assert_line("hvptp_clock_offset_seconds{clock=\"CLOCK_REALTIME\"} "
		    "1.8e-08");
	assert_line("hvptp_clock_offset_age_seconds{clock=\"CLOCK_REALTIME\"}"
		    " 0.5");
	assert_line("hvptp_clock_read_window_seconds{clock=\"CLOCK_REALTIME\","
		    "method=\"extended\"} 1.234e-06");
	assert_line("hvptp_clock_read_window_seconds{clock=\"/dev/ptp1\","
		    "method=\"basic\"} 1.234e-06");
	assert_null(strstr(text, "hvptp_clock_read_window_seconds{clock="
				 "\"/dev/ptp0\""));
	assert_line("hvptp_clock_readings_total{clock=\"CLOCK_REALTIME\"} "
		    "100");
	assert_line("hvptp_clock_read_errors_total{clock=\"CLOCK_REALTIME\"} "
		    "2");
	assert_null(strstr(text, "hvptp_clock_readings_total{clock="
				 "\"/dev/ptp1\""));
	/* the servo families, per clock */
	assert_line("hvptp_frequency_adjustment_ratio{clock=\"/dev/ptp0\"} "
		    "1.25e-08");
	assert_line("hvptp_frequency_adjustment_ratio{clock="
		    "\"CLOCK_REALTIME\"} -3.021125e-06");
	assert_null(strstr(text, "hvptp_frequency_adjustment_ratio{clock="
				 "\"/dev/ptp1\""));
	assert_line("hvptp_time_error_estimate_seconds{clock="
		    "\"CLOCK_REALTIME\"} 8.85e-07");
	assert_null(strstr(text, "hvptp_time_error_estimate_seconds{clock="
				 "\"/dev/ptp1\""));
	assert_line("hvptp_servo_state{clock=\"CLOCK_REALTIME\",state="
		    "\"locked_stable\"} 1");
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\",state="
		    "\"locked\"} 1");
	assert_null(strstr(text, "hvptp_servo_state{clock=\"/dev/ptp1\""));
	assert_line("hvptp_clock_steps_total{clock=\"CLOCK_REALTIME\"} 3");
	assert_line("hvptp_clock_steps_total{clock=\"/dev/ptp1\"} 0");
	/* a follower not steered yet: no servo state, no frequency */
	snap.clock[1].ci.steered = false;
	render(&snap);
	assert_null(strstr(text, "hvptp_servo_state{clock=\"CLOCK_REALTIME\""));
	assert_null(strstr(text, "hvptp_frequency_adjustment_ratio{clock="
				 "\"CLOCK_REALTIME\""));
	/* the reference before its first sample: state, no frequency, no
	 * offset */
	snap.clock[0].ci.have_offset = false;
	snap.clock[0].offset_age_s = -1;
	render(&snap);
	/* an offset gone stale does not hide a known frequency */
	assert_non_null(strstr(text, "hvptp_frequency_adjustment_ratio{clock="
				     "\"/dev/ptp0\""));
	snap.clock[0].ci.have_freq = false;
	render(&snap);
	assert_line("hvptp_servo_state{clock=\"/dev/ptp0\",state="
		    "\"locked\"} 1");
	assert_null(strstr(text, "hvptp_frequency_adjustment_ratio{clock="
				 "\"/dev/ptp0\""));
	assert_null(strstr(text, "hvptp_clock_offset_seconds{clock="
				 "\"/dev/ptp0\""));
	assert_null(strstr(text, "hvptp_clock_offset_age_seconds{clock="
				 "\"/dev/ptp0\""));
}

/* Each adjusted clock's lock history, from the scripted timeline of
 * tests/unit/test_lockhist.c at 400 s for /dev/ptp0 (locked, 348 s in
 * lock, 2 losses, first lock after 10 s, MTBF 174 s, MTTR 21 s);
 * CLOCK_REALTIME started but never locked: no first lock, MTBF or MTTR
 * (absent, not 0); /dev/ptp1 is not adjusted: no lock series at all. */
static void test_lock_families(void **state)
{
	const int64_t S = 1000000000LL;
	struct cm_lockhist h;

	(void)state;
	make_snapshot(&snap);
	make_clocks(&snap);
	cm_lockhist_init(&h);
	cm_lockhist_feed(&h, false, 0);
	cm_lockhist_feed(&h, true, 10 * S);
	cm_lockhist_feed(&h, false, 100 * S);
	cm_lockhist_feed(&h, true, 112 * S);
	cm_lockhist_feed(&h, false, 300 * S);
	cm_lockhist_feed(&h, true, 330 * S);
	cm_lockhist_figures(&h, 400 * S, &snap.clock[0].lock);
	cm_lockhist_init(&h);
	cm_lockhist_feed(&h, false, 0);
	cm_lockhist_figures(&h, 400 * S, &snap.clock[1].lock);
	render(&snap);
	assert_line("hvptp_clock_locked{clock=\"/dev/ptp0\"} 1");
	assert_line("hvptp_clock_locked_seconds_total{clock=\"/dev/ptp0\"} "
		    "348");
	assert_line("hvptp_clock_lock_losses_total{clock=\"/dev/ptp0\"} 2");
	assert_line("hvptp_clock_time_to_first_lock_seconds{clock="
		    "\"/dev/ptp0\"} 10");
	assert_line("hvptp_clock_mtbf_seconds{clock=\"/dev/ptp0\"} 174");
	assert_line("hvptp_clock_mttr_seconds{clock=\"/dev/ptp0\"} 21");
	assert_line("hvptp_clock_locked{clock=\"CLOCK_REALTIME\"} 0");
	assert_line("hvptp_clock_locked_seconds_total{clock="
		    "\"CLOCK_REALTIME\"} 0");
	assert_line("hvptp_clock_lock_losses_total{clock="
		    "\"CLOCK_REALTIME\"} 0");
	assert_null(strstr(text, "hvptp_clock_time_to_first_lock_seconds{"
				 "clock=\"CLOCK_REALTIME\""));
	assert_null(strstr(text, "hvptp_clock_mtbf_seconds{clock="
				 "\"CLOCK_REALTIME\""));
	assert_null(strstr(text, "hvptp_clock_mttr_seconds{clock="
				 "\"CLOCK_REALTIME\""));
	assert_null(strstr(text, "hvptp_clock_locked{clock=\"/dev/ptp1\""));
	assert_null(strstr(text, "hvptp_clock_lock_losses_total{clock="
				 "\"/dev/ptp1\""));
	/* the families are there even without a series */
	assert_non_null(strstr(text, "# TYPE hvptp_clock_mttr_seconds gauge"));
	assert_non_null(strstr(text, "# TYPE hvptp_clock_lock_losses_total "
				     "counter"));
}

/* Free-running shown as such; the servo's window and lock; a FAULTY
 * port's reason. */
static void test_status_families(void **state)
{
	(void)state;
	make_snapshot(&snap);
	make_clocks(&snap);
	snap.locked_for_s = -1;
	render(&snap);
	assert_line("hvptp_free_running 0");
	assert_false(has_sample("hvptp_offset_window_rms_seconds"));
	assert_false(has_sample("hvptp_servo_locked_seconds"));
	assert_false(has_sample("hvptp_port_faulty"));
	assert_non_null(strstr(text, "# TYPE hvptp_port_faulty gauge\n"));
	/* a slave port before its first sample: currentDS's 0 is none */
	snap.slave_port = 0;
	snap.servo.valid = false;
	render(&snap);
	assert_false(has_sample("hvptp_offset_from_master_seconds"));
	assert_false(has_sample("hvptp_mean_path_delay_seconds"));
	snap.servo.valid = true;
	/* the reference measured only: free-running, and its estimate is
	 * no adjustment */
	snap.clock[0].ci.adjusted = false;
	snap.servo.win = (struct bc_servo_window){
		.n = 480, .complete = true, .span_ns = 60000000000LL,
		.offset_rms_ns = 25.0, .offset_max_ns = 80.0,
		.delay_max_ns = 2500.0,
	};
	snap.locked_for_s = 182.5;
	snap.port[1].state = PS_FAULTY;
	snap.port[1].fault = BC_FAULT_TX_TIMESTAMP;
	render(&snap);
	assert_line("hvptp_free_running 1");
	assert_null(strstr(text, "hvptp_frequency_adjustment_ratio{clock="
				 "\"/dev/ptp0\""));
	assert_line("hvptp_offset_window_rms_seconds{clock=\"/dev/ptp0\"} "
		    "2.5e-08");
	assert_line("hvptp_offset_window_max_seconds{clock=\"/dev/ptp0\"} "
		    "8e-08");
	assert_line("hvptp_mean_path_delay_window_max_seconds{clock="
		    "\"/dev/ptp0\"} 2.5e-06");
	assert_line("hvptp_servo_locked_seconds{clock=\"/dev/ptp0\"} 182.5");
	assert_line("hvptp_port_faulty{port=\"2\",interface=\"eth1\","
		    "reason=\"tx_timestamp_timeout\"} 1");
	assert_null(strstr(text, "hvptp_port_faulty{port=\"1\""));
}

/* hvptp_alarm: 0/1, absent while not applicable; raised_total always. */
static void test_alarms(void **state)
{
	static const struct bc_alarm_info a[3] = {
		{ .kind = 0, .applicable = true, .active = true,
		  .subject = "/dev/ptp0", .value = 2e5, .bound = 1e5,
		  .raised = 2 },
		{ .kind = 7, .applicable = true, .subject = "clock",
		  .bound = 1 },
		{ .kind = 6, .subject = "clock", .bound = 7, .raised = 1 },
	};

	(void)state;
	make_snapshot(&snap);
	render(&snap);
	assert_false(has_sample("hvptp_alarm"));
	assert_non_null(strstr(text, "# TYPE hvptp_alarm gauge\n"));
	assert_non_null(strstr(text, "# TYPE hvptp_alarm_raised_total "
				     "counter\n"));
	memcpy(snap.alarm, a, sizeof(a));
	snap.nalarms = 3;
	render(&snap);
	assert_line("hvptp_alarm{name=\"time_error\",subject=\"/dev/ptp0\"} 1");
	assert_line("hvptp_alarm{name=\"holdover\",subject=\"clock\"} 0");
	assert_null(strstr(text, "hvptp_alarm{name=\"clock_class\""));
	assert_line("hvptp_alarm_raised_total{name=\"time_error\",subject="
		    "\"/dev/ptp0\"} 2");
	assert_line("hvptp_alarm_raised_total{name=\"clock_class\",subject="
		    "\"clock\"} 1");
}

static void test_host_check(void **state)
{
	(void)state;
	make_snapshot(&snap);
	make_clocks(&snap);
	render(&snap);
	assert_line("hvptp_host_check{check=\"clocksource\",state=\"ok\"} 1");
	assert_line("hvptp_host_check{check=\"clocksource\",state="
		    "\"finding\"} 0");
	assert_line("hvptp_host_check{check=\"tsc_unstable\",state="
		    "\"unknown\"} 1");
	assert_line("hvptp_host_check{check=\"tsc_unstable\",state=\"ok\"} 0");
	assert_line("hvptp_host_check{check=\"other_adjuster\",state="
		    "\"finding\"} 1");
	/* a check in no mask does not apply here (arm64: tsc) */
	snap.host.unknown = 0;
	render(&snap);
	assert_null(strstr(text, "check=\"tsc_unstable\""));
	/* not run: no series, the family stays */
	snap.host.valid = false;
	render(&snap);
	assert_false(has_sample("hvptp_host_check"));
	assert_non_null(strstr(text, "# TYPE hvptp_host_check gauge\n"));
}

static void test_small_buffer(void **state)
{
	char small[512];
	size_t len = 99, full;

	(void)state;
	make_snapshot(&snap);
	render(&snap);
	full = strlen(text);
	assert_int_equal(metrics_render(&snap, small, sizeof(small), &len),
			 -ENOSPC);
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(metrics_render(&snap, small, 0, NULL), -ENOSPC);
	assert_int_equal(metrics_render(&snap, text, full, NULL), -ENOSPC);
	assert_int_equal(metrics_render(&snap, text, full + 1, &len), 0);
	assert_int_equal(len, full);
}

/* ---- a real core ---- */

static void test_snapshot_from_bc(void **state)
{
	static struct bc_actions out;
	struct bc_servo_status st = { 0 };
	struct bc *bc = make_bc();

	(void)state;
	st.valid = true;
	st.freq_ppb = -3.0;
	st.state = SERVO_UNLOCKED;
	st.at_ns = 10 * SEC;
	st.te_estimate_ns = -1;
	bc_set_servo_status(bc, &st);
	bc_actions_init(&out);
	assert_int_equal(bc_start(bc, 10 * SEC, &out), 0);
	metrics_snapshot_from_bc(&snap, bc, 12 * SEC);
	assert_int_equal(snap.nports, 2);
	assert_string_equal(snap.port[1].name, "eth1");
	assert_int_equal(snap.port[1].number, 2);
	assert_int_equal(snap.port[0].state, PS_LISTENING);
	assert_int_equal(snap.slave_port, -1);
	assert_true(snap.sample_age_s > 1.99 && snap.sample_age_s < 2.01);
	assert_true(snap.uptime_s < 0 && snap.cpu_s < 0);
	assert_memory_equal(&snap.dds.clock_identity, &own_id, sizeof(own_id));
	render(&snap);
	assert_line("hvptp_port_state{port=\"2\",interface=\"eth1\"} 4");
	assert_line("hvptp_frequency_adjustment_ratio{clock=\"\"} -3e-09");
	assert_line("hvptp_is_grandmaster 1");
	assert_false(has_sample("hvptp_clock_info"));
	/* the clock set and the host checks from the core */
	{
		struct bc_clock_info ci = {
			.name = "/dev/ptp3", .phc_index = 3, .source = -1,
			.adjusted = true, .have_offset = true, .offset_ns = 7,
			.have_freq = true, .freq_ppb = -3.0,
			.te_estimate_ns = -1,
			.at_ns = 11 * SEC,
		};
		struct bc_host_info h = { .valid = true, .nlines = 1,
					  .ok = HOSTCHECK_OTHER_ADJUSTER };

		snprintf(h.lines[0], sizeof(h.lines[0]), "adjusters: none");
		assert_int_equal(bc_set_clock_info(bc, 2, &ci), 0);
		bc_set_host_info(bc, &h);
		metrics_snapshot_from_bc(&snap, bc, 12 * SEC);
		assert_true(snap.clock[2].present);
		assert_false(snap.clock[0].present);
		assert_true(snap.clock[2].offset_age_s == 1.0);
		assert_false(snap.clock[2].have_readings);
		render(&snap);
		assert_line("hvptp_clock_offset_seconds{clock=\"/dev/ptp3\"} "
			    "7e-09");
		assert_line("hvptp_frequency_adjustment_ratio{clock="
			    "\"/dev/ptp3\"} -3e-09");
		assert_null(strstr(text, "hvptp_frequency_adjustment_ratio{"
					 "clock=\"\"}"));
		assert_line("hvptp_host_check{check=\"other_adjuster\","
			    "state=\"ok\"} 1");
	}
	bc_destroy(bc);
}

/* ---- the address ---- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_type_everywhere),
		cmocka_unit_test(test_required_families),
		cmocka_unit_test(test_lock_families),
		cmocka_unit_test(test_alarms),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_states_and_data_sets),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_absent_values),
		cmocka_unit_test(test_clock_families),
		cmocka_unit_test(test_status_families),
		cmocka_unit_test(test_host_check),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_snapshot_from_bc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
