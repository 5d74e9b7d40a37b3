/*
 * tests/unit/test_metrics.c — hvptpd's metrics (mgmt/metrics_render.h,
 * mgmt/metrics.h): the Prometheus text from a hand-made snapshot (every
 * family with HELP and TYPE, base-unit conversions, counters per message
 * type and drop reason, label escaping, the info metrics, values left out
 * when unknown, a buffer too small), the host's clocks (per clock, servo
 * state and frequency left out while not applied) and host checks, a
 * snapshot of a real core, 32 ports
 * (the buffer grows), the metrics_address parser and the options in the
 * settings, the atomic text file writer (tmp + rename), and
 * the HTTP endpoint on 127.0.0.1 driven through the service callbacks the
 * way the poll loop drives them (200, 404, 405, HEAD, the text file
 * written by tick() and removed at close).  No root needed.
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
#include "common/hwclock.h"
#include "servo/servo.h"
#include "vm/hostcheck.h"

#define SEC 1000000000LL

static char text[256 * 1024];
static struct metrics_snapshot snap;

static const struct clock_identity own_id = {
	{ 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10, 0x01 }
};
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
	s->port[0].c.drop[BC_DROP_NOT_PARENT] = 3;
	s->port[0].c.tx_ts_timeouts = 5;
	s->port[0].c.delay_req_asked = 2;
	s->port[0].have_socket = true;
	s->port[0].rx_truncated = 9;
	snprintf(s->port[1].name, sizeof(s->port[1].name), "eth1");
	s->port[1].number = 2;
	s->port[1].state = PS_MASTER;
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

static struct bc *make_bc(void)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct bc *bc = NULL;

	bc_clock_cfg_default(&cc);
	cc.clock_identity = own_id;
	bc_port_cfg_default(&pc[0], "eth0");
	bc_port_cfg_default(&pc[1], "eth1");
	assert_int_equal(bc_create(&bc, &cc, pc, 2), 0);
	return bc;
}

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

static void test_parse_address(void **state)
{
	static const char *const bad[] = {
		"", "127.0.0.1", "127.0.0.1:", ":9100", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:91x", "localhost:9100",
		"::1:9100", "1.2.3:80", "127.0.0.1: 80", "127.0.0.1:+80",
	};
	struct sockaddr_in sa;

	(void)state;
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:9477", &sa), 0);
	assert_int_equal(ntohs(sa.sin_port), 9477);
	assert_int_equal(ntohl(sa.sin_addr.s_addr), 0x7f000001);
	assert_int_equal(mgmt_metrics_parse_address("0.0.0.0:0", &sa), 0);
	assert_int_equal(sa.sin_addr.s_addr, 0);
	assert_int_equal(mgmt_metrics_parse_address("10.1.2.3:65535", &sa), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mgmt_metrics_parse_address(bad[i], &sa),
				 -EINVAL);
	assert_int_equal(mgmt_metrics_parse_address(NULL, &sa), -EINVAL);
}

/* The options reach the settings; a bad address is refused at start. */
static void test_settings(void **state)
{
	static const char *const bad[] = { "127.0.0.1:0", "nonsense",
					   "127.0.0.1" };
	static struct hvd_settings set;
	struct cfg_error err;
	struct cfg *c = cfg_create();

	(void)state;
	assert_non_null(c);
	assert_int_equal(cfg_add_port(c, "eth0"), 0);
	assert_int_equal(settings_from_cfg(c, &set, &err), 0);
	assert_string_equal(set.metrics_address, "");
	assert_string_equal(set.metrics_textfile, "");
	assert_int_equal(set.metrics_textfile_interval, 10);
	assert_int_equal(cfg_set_cmdline(c, "metrics_address",
					 "127.0.0.1:9477", &err), 0);
	assert_int_equal(cfg_set_cmdline(c, "metrics_textfile",
					 "/run/x.prom", &err), 0);
	assert_int_equal(cfg_set_cmdline(c, "metrics_textfile_interval", "3",
					 &err), 0);
	assert_int_equal(settings_from_cfg(c, &set, &err), 0);
	assert_string_equal(set.metrics_address, "127.0.0.1:9477");
	assert_string_equal(set.metrics_textfile, "/run/x.prom");
	assert_int_equal(set.metrics_textfile_interval, 3);
	assert_int_not_equal(cfg_set_cmdline(c, "metrics_textfile_interval",
					     "0", &err), 0);
	cfg_destroy(c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = cfg_create();
		assert_int_equal(cfg_add_port(c, "eth0"), 0);
		assert_int_equal(cfg_set_cmdline(c, "metrics_address", bad[i],
						 &err), 0);
		assert_int_equal(settings_from_cfg(c, &set, &err), -EINVAL);
		assert_string_equal(err.option, "metrics_address");
		cfg_destroy(c);
	}
}

/* ---- the text file ---- */

static char dir[64];

static int dir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hvptp-metrics-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int dir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static size_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, cap - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

/* The new text replaces the file by rename: a reader that opened the old
 * file keeps reading the old text, whole. */
static void test_textfile_atomic(void **state)
{
	char path[128], tmp[136], buf[64];
	struct stat st;
	int old;

	(void)state;
	snprintf(path, sizeof(path), "%s/hvptp.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(mgmt_metrics_textfile_write(path, "one 1\n", 6), 0);
	assert_int_equal(read_file(path, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "one 1\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	old = open(path, O_RDONLY);
	assert_true(old >= 0);
	assert_int_equal(mgmt_metrics_textfile_write(path, "two 22\n", 7), 0);
	assert_int_equal(read(old, buf, sizeof(buf)), 6);
	close(old);
	assert_int_equal(read_file(path, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "two 22\n");
	assert_int_equal(access(tmp, F_OK), -1); /* nothing left behind */
}

static void test_textfile_errors(void **state)
{
	char path[128], big[5000];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.prom", dir);
	assert_int_equal(mgmt_metrics_textfile_write(path, "a 1\n", 4),
			 -ENOENT);
	/* a directory where the file should go: rename fails, tmp removed */
	snprintf(path, sizeof(path), "%s/adir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(big, sizeof(big), "%s/adir/x", dir);
	assert_int_equal(mkdir(big, 0755), 0);
	assert_true(mgmt_metrics_textfile_write(path, "a 1\n", 4) < 0);
	snprintf(big, sizeof(big), "%s/adir.tmp", dir);
	assert_int_equal(access(big, F_OK), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(mgmt_metrics_textfile_write(big, "a 1\n", 4),
			 -ENAMETOOLONG);
}

/* ---- the endpoint ---- */

struct ep {
	struct bc *bc;
	struct mgmt_metrics *m;
	struct hvd_service svc;
	int64_t now;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static void ep_open(struct ep *e, const char *textfile)
{
	struct mgmt_metrics_cfg cfg = {
		.address = "127.0.0.1:0",
		.textfile = textfile,
		.textfile_interval_s = 1,
		.clock_name = "CLOCK_REALTIME",
	};

	memset(e, 0, sizeof(*e));
	e->bc = make_bc();
	assert_int_equal(mgmt_metrics_open(&e->m, e->bc, &cfg), 0);
	assert_true(mgmt_metrics_port(e->m) > 0);
	mgmt_metrics_service(e->m, &e->svc);
	assert_string_equal(e->svc.ops->name, "metrics");
}

static void ep_close(struct ep *e)
{
	e->svc.ops->close(e->svc.ctx);
	bc_destroy(e->bc);
}

/* One turn of the daemon's loop, for this service only. */
static void ep_turn(struct ep *e, int extra_fd, int timeout_ms)
{
	struct pollfd pfd[HVD_SERVICE_MAX_FDS + 1];
	int n = e->svc.ops->fds(e->svc.ctx, pfd, HVD_SERVICE_MAX_FDS);

	assert_true(n >= 1 && n <= HVD_SERVICE_MAX_FDS);
	pfd[n] = (struct pollfd){ .fd = extra_fd, .events = POLLIN };
	if (e->svc.ops->deadline(e->svc.ctx) <= mono_ns())
		timeout_ms = 0;
	assert_true(poll(pfd, (nfds_t)n + 1, timeout_ms) >= 0);
	e->now = mono_ns();
	e->svc.ops->handle(e->svc.ctx, pfd, n, e->now);
	e->svc.ops->tick(e->svc.ctx, e->now);
}

/* Send req, run the loop until the server closes; the answer in buf. */
static size_t ep_request(struct ep *e, const char *req, char *buf,
			 size_t cap)
{
	struct sockaddr_in sa;
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:0", &sa), 0);
	sa.sin_port = htons((uint16_t)mgmt_metrics_port(e->m));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int turns = 0; turns < 500; turns++) {
		ssize_t n;

		ep_turn(e, fd, 10);
		while ((n = read(fd, buf + got, cap - 1 - got)) > 0)
			got += (size_t)n;
		if (n == 0)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

static char answer[256 * 1024];

static void test_http(void **state)
{
	const struct mgmt_metrics_stats *st;
	struct ep e;

	(void)state;
	ep_open(&e, NULL);
	ep_request(&e, "GET /metrics HTTP/1.0\r\n\r\n", answer,
		   sizeof(answer));
	assert_int_equal(strncmp(answer, "HTTP/1.", 7), 0);
	assert_memory_equal(answer + 8, " 200 ", 5);
	assert_non_null(strstr(answer, "Content-Type: text/plain; "
				       "version=0.0.4; charset=utf-8\r\n"));
	assert_non_null(strstr(answer, "\r\n\r\n# HELP hvptp_info "));
	assert_non_null(strstr(answer, "\nhvptp_metrics_http_requests_total 1\n"));
	assert_non_null(strstr(answer, "hvptp_port_state{port=\"2\","
				       "interface=\"eth1\"} 1\n"));
	ep_request(&e, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n"
		       "Connection: close\r\n\r\n",
		   answer, sizeof(answer));
	assert_non_null(strstr(answer, "HTTP/1.1 200"));
	ep_request(&e, "GET / HTTP/1.0\r\n\r\n", answer, sizeof(answer));
	assert_non_null(strstr(answer, " 404 "));
	ep_request(&e, "POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
		   answer, sizeof(answer));
	assert_non_null(strstr(answer, " 405 "));
	assert_non_null(strstr(answer, "Allow: GET, HEAD\r\n"));
	ep_request(&e, "HEAD /metrics HTTP/1.0\r\n\r\n", answer,
		   sizeof(answer));
	assert_non_null(strstr(answer, " 200 "));
	assert_null(strstr(answer, "# HELP"));
	st = mgmt_metrics_stats(e.m);
	assert_int_equal(st->http_requests, 3);
	assert_int_equal(st->http_not_found, 1);
	assert_int_equal(st->http_bad_method, 1);
	ep_close(&e);
}

/* Garbage and half requests neither crash nor block the others. */
static void test_http_garbage(void **state)
{
	struct sockaddr_in sa;
	struct ep e;
	int idle;

	(void)state;
	ep_open(&e, NULL);
	ep_request(&e, "\x01\x02 garbage\r\n\r\n", answer, sizeof(answer));
	assert_null(strstr(answer, "# HELP"));
	/* a client that connects and says nothing */
	idle = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:0", &sa), 0);
	sa.sin_port = htons((uint16_t)mgmt_metrics_port(e.m));
	assert_int_equal(connect(idle, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ep_turn(&e, idle, 0);
	ep_request(&e, "GET /metrics HTTP/1.0\r\n\r\n", answer,
		   sizeof(answer));
	assert_non_null(strstr(answer, " 200 "));
	close(idle);
	ep_close(&e);
}

static void test_http_textfile_service(void **state)
{
	char path[128];
	struct sockaddr_in sa;
	struct ep e;
	int port, fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/svc.prom", dir);
	ep_open(&e, path);
	assert_int_equal(access(path, F_OK), -1);
	ep_turn(&e, -1, 0); /* the first tick writes it */
	assert_int_equal(read_file(path, answer, sizeof(answer)) > 1000, 1);
	assert_non_null(strstr(answer, "\nhvptp_metrics_textfile_writes_total 1\n"));
	assert_int_equal(mgmt_metrics_stats(e.m)->textfile_writes, 1);
	/* not again before the interval */
	ep_turn(&e, -1, 0);
	assert_int_equal(mgmt_metrics_stats(e.m)->textfile_writes, 1);
	assert_true(e.svc.ops->deadline(e.svc.ctx) > e.now + SEC / 2);
	port = mgmt_metrics_port(e.m);
	ep_close(&e);
	assert_int_equal(access(path, F_OK), -1); /* removed at exit */
	/* the listening socket is gone too */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:0", &sa), 0);
	sa.sin_port = htons((uint16_t)port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(fd);
}

/* 32 ports do not fit the first buffer: it grows. */
static void test_many_ports(void **state)
{
	struct mgmt_metrics_cfg cfg = {
		.textfile = "/nonexistent/x.prom", /* never written here */
		.textfile_interval_s = 10,
	};
	static struct bc_port_cfg pc[32];
	struct mgmt_metrics *m;
	struct bc_clock_cfg cc;
	struct bc *bc = NULL;
	const char *t;
	size_t len;

	(void)state;
	bc_clock_cfg_default(&cc);
	cc.clock_identity = own_id;
	for (int i = 0; i < 32; i++) {
		char name[16];

		snprintf(name, sizeof(name), "veth%d", i);
		bc_port_cfg_default(&pc[i], name);
	}
	assert_int_equal(bc_create(&bc, &cc, pc, 32), 0);
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), 0);
	assert_int_equal(mgmt_metrics_port(m), -1);
	assert_int_equal(mgmt_metrics_text(m, 0, &t, &len), 0);
	assert_true(len > 64 * 1024 && len < 256 * 1024);
	assert_int_equal(strlen(t), len);
	assert_non_null(strstr(t, "\nhvptp_port_state{port=\"32\","
				  "interface=\"veth31\"} 1\n"));
	assert_int_equal(mgmt_metrics_stats(m)->render_errors, 0);
	print_message("32 ports: %zu bytes of metrics\n", len);
	mgmt_metrics_close(m);
	bc_destroy(bc);
}

static void test_open_errors(void **state)
{
	struct mgmt_metrics_cfg cfg = { .address = "127.0.0.1:0" };
	struct mgmt_metrics *m, *m2;
	struct bc *bc = make_bc();
	char addr[32];

	(void)state;
	cfg.address = "nonsense";
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), -EINVAL);
	assert_null(m);
	cfg.address = "";
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), -EINVAL);
	cfg.textfile = "/tmp/x.prom";
	cfg.textfile_interval_s = 0;
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), -EINVAL);
	cfg.textfile = NULL;
	cfg.address = "127.0.0.1:0";
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", mgmt_metrics_port(m));
	cfg.address = addr;
	assert_int_equal(mgmt_metrics_open(&m2, bc, &cfg), -EADDRINUSE);
	cfg.address = "192.0.2.1:9100"; /* not ours */
	assert_int_equal(mgmt_metrics_open(&m2, bc, &cfg), -EADDRNOTAVAIL);
	mgmt_metrics_close(m);
	mgmt_metrics_close(NULL);
	bc_destroy(bc);
}

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
		cmocka_unit_test(test_parse_address),
		cmocka_unit_test(test_settings),
		cmocka_unit_test_setup_teardown(test_textfile_atomic, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_textfile_errors, dir_setup,
						dir_teardown),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_http_garbage),
		cmocka_unit_test_setup_teardown(test_http_textfile_service,
						dir_setup, dir_teardown),
		cmocka_unit_test(test_many_ports),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
