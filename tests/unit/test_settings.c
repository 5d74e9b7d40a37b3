/* tests/unit/test_settings.c — option store to module configuration. */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config/cfg.h"
#include "daemon/settings.h"

static struct hvd_settings set;

static int load(const char *text, struct cfg_error *err)
{
	struct cfg *c = cfg_create();
	int rc;

	assert_non_null(c);
	rc = cfg_parse_buffer(c, "t.cfg", text, strlen(text), err);
	if (rc == 0)
		rc = settings_from_cfg(c, &set, err);
	cfg_destroy(c);
	return rc;
}

static void test_defaults(void **state)
{
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\n[eth0]\n", &err), 0);
	assert_int_equal(set.nports, 1);
	assert_string_equal(set.ports[0].name, "eth0");
	assert_true(set.hardware);
	assert_int_equal(set.clock.priority1, 128);
	assert_int_equal(set.clock.clock_quality.clock_class, 248);
	assert_int_equal(set.clock.clock_quality.clock_accuracy, 0xFE);
	assert_int_equal(set.clock.clock_quality.offset_scaled_log_variance,
			 0xFFFF);
	assert_true(set.clock.two_step);
	assert_int_equal(set.clock.ptp_minor_version, 1);
	assert_true(set.clock.tx_timestamp_timeout_ns == 10 * NS_PER_MS);
	assert_false(set.clock_identity_set);
	assert_false(set.clock.gm_clock_is_utc);
	assert_int_equal(set.ports[0].log_announce_interval, 1);
	assert_int_equal(set.ports[0].log_sync_interval, 0);
	assert_int_equal(set.ports[0].announce_receipt_timeout, 3);
	assert_int_equal(set.ports[0].delay_mechanism, DM_E2E);
	assert_int_equal(set.ports[0].delay_filter_length, 10);
	assert_false(set.ports[0].delay_filter_average);
	assert_int_equal(set.transport[0].udp_ttl, 1);
	assert_string_equal(set.transport[0].ptp_dst_ipv4, "224.0.1.129");
	assert_int_equal(set.phc_index[0], -1);
	assert_false(set.disc.free_running);
	/* clock_servo not set: hvptpd's default servo and filter */
	assert_int_equal(set.disc.servo_type, SERVO_KALMAN);
	assert_int_equal(set.disc.psel.mode, PSEL_SELECT);
	assert_true(set.disc.hold.budget_ns == 0.0);
	assert_true(set.disc.servo.first_step_threshold_s == 0.00002);
	assert_int_equal(set.disc.servo.max_frequency_ppb, 900000000);
	assert_int_equal(set.disc.sanity_freq_limit_ppb, 200000000);
	/* no vmclock page unless asked for */
	assert_string_equal(set.vmclock_file, "");
	assert_int_equal(set.vmclock_rate, 4);
}

static void test_vmclock(void **state)
{
	struct cfg_error err;
	char text[512];

	(void)state;
	assert_int_equal(load("[global]\nvmclock_file /run/hvptp/vmclock\n"
			      "vmclock_rate 16\n[eth0]\n", &err), 0);
	assert_string_equal(set.vmclock_file, "/run/hvptp/vmclock");
	assert_int_equal(set.vmclock_rate, 16);
	/* out of range: the option table's check */
	assert_int_equal(load("[global]\nvmclock_rate 0\n[eth0]\n", &err),
			 -22);
	assert_int_equal(load("[global]\nvmclock_rate 101\n[eth0]\n", &err),
			 -22);
	/* a path that does not fit is refused, not cut */
	snprintf(text, sizeof(text), "[global]\nvmclock_file /%0300d\n"
		 "[eth0]\n", 0);
	assert_int_equal(load(text, &err), -22);
	assert_string_equal(err.option, "vmclock_file");
}

static void test_values_and_ports(void **state)
{
	struct cfg_error err;
	const char *text = "[global]\n"
			   "time_stamping software\n"
			   "priority1 100\n"
			   "domainNumber 24\n"
			   "clockIdentity 001122.fffe.334455\n"
			   "logSyncInterval -3\n"
			   "free_running 1\n"
			   "delay_filter moving_average\n"
			   "[eth0]\n"
			   "logSyncInterval -4\n"
			   "serverOnly 1\n"
			   "ptp_management 0\n"
			   "[eth1]\n";

	(void)state;
	assert_int_equal(load(text, &err), 0);
	assert_int_equal(set.nports, 2);
	assert_false(set.hardware);
	assert_true(set.clock.gm_clock_is_utc);
	assert_true(set.disc.servo.sw_timestamping);
	assert_true(set.disc.free_running);
	assert_int_equal(set.transport[1].mode, HWTS_SOFTWARE);
	assert_int_equal(set.clock.priority1, 100);
	assert_int_equal(set.clock.domain_number, 24);
	assert_true(set.clock_identity_set);
	assert_int_equal(set.clock.clock_identity.id[0], 0x00);
	assert_int_equal(set.clock.clock_identity.id[3], 0xFF);
	assert_int_equal(set.clock.clock_identity.id[7], 0x55);
	assert_int_equal(set.ports[0].log_sync_interval, -4);
	assert_int_equal(set.ports[1].log_sync_interval, -3);
	assert_true(set.ports[0].master_only);
	assert_false(set.ports[1].master_only);
	assert_false(set.ports[0].management_enabled);
	assert_true(set.ports[1].management_enabled);
	assert_true(set.ports[1].delay_filter_average);
}

static void test_slave_only_class(void **state)
{
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\nslaveOnly 1\n[eth0]\n", &err), 0);
	assert_true(set.clock.slave_only);
	assert_int_equal(set.clock.clock_quality.clock_class, 255);
}

/* Things hvptpd cannot honour yet are refused, naming the option. */
static void test_refusals(void **state)
{
	static const struct {
		const char *text;
		const char *option;
	} cases[] = {
		{ "[global]\ndelay_mechanism NONE\n[eth0]\n", "delay_mechanism" },
		{ "[global]\n[eth0]\ndelay_mechanism COMMON_P2P\n",
		  "delay_mechanism" },
		{ "[global]\nptp_dst_mac 01:1B:19:00:00\n[eth0]\n",
		  "ptp_dst_mac" },
		{ "[global]\n[eth0]\np2p_dst_mac 01:80:C2:00:00:0G\n",
		  "p2p_dst_mac" },
		{ "[global]\nptp_dst_ipv6 2001:db8::1\n[eth0]\n",
		  "ptp_dst_ipv6" },
		{ "[global]\n[eth0]\np2p_dst_ipv6 ff02::6b::1\n",
		  "p2p_dst_ipv6" },
		{ "[global]\ntwoStepFlag 0\ntime_stamping software\n"
		  "[eth0]\n", "twoStepFlag" },
		{ "[global]\n[eth0]\nBMCA noop\n", "BMCA" },
		{ "[global]\nclientOnly 1\n[eth0]\nserverOnly 1\n",
		  "serverOnly" },
		{ "[global]\ntime_stamping legacy\n[eth0]\n", "time_stamping" },
		{ "[global]\nclock_type E2E_TC\n[eth0]\n", "clock_type" },
		{ "[global]\nclock_servo ntpshm\n[eth0]\n", "clock_servo" },
		{ "[global]\nservo_filter_window 4\nservo_filter_keep 5\n"
		  "[eth0]\n", "servo_filter_keep" },
		{ "[global]\nholdover_budget 1000\nholdover_limit 10\n"
		  "[eth0]\n", "holdover_limit" },
		{ "[global]\nclockIdentity 12:34\n[eth0]\n", "clockIdentity" },
		{ "[global]\n[eth0]\ntime_stamping legacy\n", "time_stamping" },
		{ "[global]\nsystem_clock_sync 0\n[eth0]\n[tap0]\n"
		  "time_stamping software\n", "system_clock_sync" },
		{ "[global]\nreference_clock eth9\n[eth0]\n",
		  "reference_clock" },
		{ "[global]\n", "interface" },
		{ "[global]\nuds_address /run/"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/s\n[eth0]\n",
		  "uds_address" },
		{ "[global]\nuds_ro_address /run/"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/s\n[eth0]\n",
		  "uds_ro_address" },
	};
	struct cfg_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(load(cases[i].text, &err), -22);
		assert_string_equal(err.option, cases[i].option);
		assert_true(strlen(err.reason) > 0);
	}
}

/* network_transport per port (as ptp4l), the UDPv6 and L2 addresses,
 * udp6_scope; software ports may still say twoStepFlag nothing. */
static void test_transports(void **state)
{
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\nnetwork_transport UDPv6\n"
			      "udp6_scope 0x02\n"
			      "[eth0]\n"
			      "[eth1]\nnetwork_transport L2\n"
			      "ptp_dst_mac 01:1b:19:00:00:01\n"
			      "[eth2]\nnetwork_transport UDPv4\n",
			      &err),
			 0);
	assert_int_equal(set.transport[0].kind, TRANSPORT_UDPV6);
	assert_int_equal(set.transport[0].udp6_scope, 2);
	assert_string_equal(set.transport[0].ptp_dst_ipv6,
			    "FF0E:0:0:0:0:0:0:181");
	assert_string_equal(set.transport[0].p2p_dst_ipv6,
			    "FF02:0:0:0:0:0:0:6B");
	assert_int_equal(set.transport[1].kind, TRANSPORT_L2);
	assert_string_equal(set.transport[1].ptp_dst_mac, "01:1b:19:00:00:01");
	assert_string_equal(set.transport[1].p2p_dst_mac, "01:80:C2:00:00:0E");
	assert_int_equal(set.transport[2].kind, TRANSPORT_UDPV4);
	assert_int_equal(set.transport[2].onestep, HWTS_ONESTEP_OFF);
	assert_false(set.transport[0].want_peer); /* E2E */
	assert_true(transport_ops_of(set.transport[1].kind) ==
		    &transport_l2_ops);
	/* one-step: the device's part (the driver's tx_type, checked at
	 * open) and the core's (no Follow_Up) */
	assert_int_equal(load("[global]\ntime_stamping onestep\n[eth0]\n",
			      &err),
			 0);
	assert_int_equal(set.transport[0].onestep, HWTS_ONESTEP_SYNC);
	assert_true(set.ports[0].one_step);
	assert_int_equal(set.transport[0].mode, HWTS_HARDWARE);
	assert_int_equal(load("[global]\ntwoStepFlag 0\n[eth0]\n"
			      "time_stamping software\n",
			      &err),
			 -22);
	assert_string_equal(err.reason, "0: one step is only possible with "
			    "hardware time stamping");
}

/* clock_servo pi keeps linuxptp's behaviour (no measurement filter);
 * the servos and filters hvptpd adds are reachable by name. */
static void test_servo_choice(void **state)
{
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\nclock_servo pi\n[eth0]\n", &err), 0);
	assert_int_equal(set.disc.servo_type, SERVO_PI);
	assert_int_equal(set.disc.psel.mode, PSEL_NONE);
	assert_int_equal(load("[global]\nclock_servo linreg\n[eth0]\n", &err),
			 0);
	assert_int_equal(set.disc.servo_type, SERVO_LINREG);
	assert_int_equal(set.disc.psel.mode, PSEL_NONE);
	assert_int_equal(load("[global]\nclock_servo kalman\nservo_filter "
			      "median\nservo_filter_window 12\n"
			      "kalman_wander 2e-9\nkalman_outlier_gate 0\n"
			      "[eth0]\n", &err),
			 0);
	assert_int_equal(set.disc.servo_type, SERVO_KALMAN);
	assert_int_equal(set.disc.psel.mode, PSEL_MEDIAN);
	assert_int_equal(set.disc.psel.window, 12);
	assert_int_equal(set.disc.psel.keep, 6); /* 0: half the window */
	assert_true(set.disc.servo.kalman_wander == 2e-9);
	assert_true(set.disc.servo.kalman_gate == 0.0);
	assert_int_equal(load("[global]\nclock_servo pi\nservo_filter select\n"
			      "[eth0]\n", &err), 0);
	assert_int_equal(set.disc.psel.mode, PSEL_SELECT);
	assert_int_equal(set.disc.psel.window, 32);
	assert_int_equal(set.disc.psel.keep, 16);
	assert_int_equal(load("[global]\nservo_filter_window 1\n[eth0]\n",
			      &err), 0);
	assert_int_equal(set.disc.psel.keep, 1);
	assert_int_equal(load("[global]\nservo_filter_window 8\n"
			      "servo_filter_keep 9\n[eth0]\n", &err),
			 -EINVAL);
	assert_int_equal(load("[global]\nholdover_budget 1500\n"
			      "holdover_limit 20000\nholdover_class_in_spec 7\n"
			      "holdover_class_out_of_spec 140\n"
			      "holdover_class_expired 160\n[eth0]\n", &err), 0);
	assert_true(set.disc.hold.budget_ns == 1500.0);
	assert_true(set.disc.hold.limit_ns == 20000.0);
	assert_int_equal(set.disc.hold.class_in_spec, 7);
	assert_int_equal(set.disc.hold.class_out_of_spec, 140);
	assert_int_equal(set.disc.hold.class_expired, 160);
}

/* A refusal names the file and line that set the value, per port. */
static void test_refusal_location(void **state)
{
	struct cfg_error err;
	struct cfg *c;
	const char *text = "[global]\n"
			   "priority1 100\n"
			   "[eth0]\n"
			   "[eth1]\n"
			   "logSyncInterval -3\n"
			   "delay_mechanism COMMON_P2P\n";

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(load(text, &err), -22);
	assert_string_equal(err.file, "t.cfg");
	assert_int_equal(err.line, 6);
	assert_string_equal(err.option, "delay_mechanism");
	/* from the command line */
	c = cfg_create();
	assert_non_null(c);
	assert_int_equal(cfg_set_cmdline(c, "ptp_dst_mac", "01:1B:19", &err),
			 0);
	assert_int_equal(cfg_add_port(c, "eth0"), 0);
	assert_int_equal(settings_from_cfg(c, &set, &err), -22);
	assert_string_equal(err.file, "command line");
	assert_int_equal(err.line, 0);
	cfg_destroy(c);
}

/* Pattern sections: templates for ports that come and go, never fixed
 * ports; software timestamps only; at least one fixed port; max_ports. */
static void test_patterns(void **state)
{
	struct cfg_error err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(load("[global]\n"
			      "max_ports 300\n"
			      "[vnet*]\n"
			      "time_stamping software\n"
			      "logSyncInterval -3\n"
			      "[up0]\n"
			      "[tap?]\n"
			      "time_stamping software\n"
			      "[tap-fix]\n"
			      "time_stamping software\n",
			      &err),
			 0);
	assert_int_equal(set.nports, 2);
	assert_string_equal(set.ports[0].name, "up0");
	assert_true(set.port_hardware[0]);
	assert_string_equal(set.ports[1].name, "tap-fix");
	assert_false(set.port_hardware[1]);
	assert_int_equal(set.ntemplates, 2);
	assert_string_equal(set.templates[0].pattern, "vnet*");
	assert_int_equal(set.templates[0].port.log_sync_interval, -3);
	assert_int_equal(set.templates[0].transport.mode, HWTS_SOFTWARE);
	assert_string_equal(set.templates[1].pattern, "tap?");
	assert_int_equal(set.max_ports, 300);
	assert_int_equal(set.clock.max_ports, 300);
	assert_true(settings_is_pattern("vnet*"));
	assert_false(settings_is_pattern("vnet0"));

	/* hardware (the default) in a pattern: refused where it is set */
	assert_int_equal(load("[global]\n[up0]\n[vnet*]\n", &err), -22);
	assert_string_equal(err.option, "time_stamping");
	assert_non_null(strstr(err.reason, "[vnet*] is a pattern"));
	assert_int_equal(load("[global]\n[up0]\n[vnet*]\n"
			      "time_stamping hardware\n",
			      &err),
			 -22);
	assert_int_equal(err.line, 4);
	/* patterns only; fewer max_ports than fixed ports */
	assert_int_equal(load("[global]\ntime_stamping software\n[vnet*]\n",
			      &err),
			 -22);
	assert_non_null(strstr(err.reason, "only patterns"));
	assert_int_equal(load("[global]\nmax_ports 1\n[eth0]\n[eth1]\n",
			      &err),
			 -22);
	assert_string_equal(err.option, "max_ports");
	assert_int_equal(err.line, 2);
}

/* Socket paths longer than sun_path are refused where they are set. */
static void test_socket_paths(void **state)
{
	static const char *const opts[] = { "uds_address", "uds_ro_address",
					    "chrony_sock" };
	char text[512], path[121];
	struct cfg_error err;

	(void)state;
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		snprintf(text, sizeof(text), "[global]\n%s %s\n[eth0]\n",
			 opts[i], path);
		memset(&err, 0, sizeof(err));
		assert_int_equal(load(text, &err), -22);
		assert_string_equal(err.option, opts[i]);
		assert_int_equal(err.line, 2);
		assert_non_null(strstr(err.reason, "longer than a UNIX socket "
						   "path can be (107 bytes)"));
	}
}

/* The clock set's settings: hardware and software ports in one clock
 * (time_stamping per port), the followers' discipline, which clock the
 * grandmaster's time comes from, and what keeps UTC. */
/* One-step as ptp4l harmonises it with twoStepFlag: time_stamping
 * onestep or p2p1step per port (hardware stamps), twoStepFlag 0 with
 * hardware stamps is onestep; defaultDS.twoStepFlag follows. */
static void test_one_step(void **state)
{
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\ntime_stamping onestep\n[eth0]\n"
			      "[eth1]\ntime_stamping p2p1step\n[tap0]\n"
			      "time_stamping software\n",
			      &err),
			 0);
	assert_false(set.clock.two_step);
	assert_true(set.ports[0].one_step && !set.ports[0].p2p_one_step);
	assert_true(set.ports[1].p2p_one_step && !set.ports[1].one_step);
	assert_false(set.ports[2].one_step || set.ports[2].p2p_one_step);
	assert_true(set.port_hardware[0] && set.port_hardware[1]);
	assert_false(set.port_hardware[2]);
	assert_int_equal(load("[global]\ntwoStepFlag 0\n[eth0]\n", &err), 0);
	assert_false(set.clock.two_step);
	assert_true(set.ports[0].one_step);
	assert_int_equal(load("[global]\n[eth0]\n", &err), 0);
	assert_true(set.clock.two_step);
	assert_false(set.ports[0].one_step || set.ports[0].p2p_one_step);
}

static void test_clock_settings(void **state)
{
	struct cfg_error err;
	const char *text = "[global]\n"
			   "follow_rate 16\n"
			   "follow_servo pi\n"
			   "follow_readings 9\n"
			   "follow_step_threshold 0.5\n"
			   "step_threshold 2\n"
			   "kernel_leap 0\n"
			   "[eth0]\n"
			   "sys_offset_method extended\n"
			   "[tap0]\n"
			   "time_stamping software\n";

	(void)state;
	assert_int_equal(load(text, &err), 0);
	assert_true(set.port_hardware[0]);
	assert_false(set.port_hardware[1]);
	assert_true(set.any_hardware && set.any_software);
	assert_true(set.ports[0].hw_timestamping);
	assert_false(set.ports[0].clock_is_utc);
	assert_true(set.ports[1].clock_is_utc);
	assert_int_equal(set.transport[1].mode, HWTS_SOFTWARE);
	assert_int_equal(set.sys_offset_method[0], HWCLOCK_READ_EXTENDED);
	assert_int_equal(set.sys_offset_method[1], HWCLOCK_READ_AUTO);
	assert_true(set.follow_rate_hz == 16.0);
	assert_int_equal(set.follow_readings, 9);
	assert_int_equal(set.follow_disc.servo_type, SERVO_PI);
	assert_int_equal(set.follow_disc.psel.mode, PSEL_NONE);
	assert_false(set.follow_disc.servo.sw_timestamping);
	assert_true(set.follow_disc.servo.step_threshold_s == 0.5);
	assert_true(set.disc.servo.step_threshold_s == 2.0);
	assert_true(set.system_clock_sync);
	assert_false(set.kernel_leap);
	/* the first port's clock, a PHC: the grandmaster serves TAI */
	assert_false(set.clock.gm_clock_is_utc);
	assert_int_equal(load("[global]\nreference_clock tap0\n[eth0]\n[tap0]\n"
			      "time_stamping software\n", &err),
			 0);
	assert_true(set.clock.gm_clock_is_utc);
	assert_int_equal(load("[global]\nreference_clock CLOCK_REALTIME\n"
			      "[eth0]\n", &err),
			 0);
	assert_true(set.clock.gm_clock_is_utc);
	/* measured only: fine with hardware ports alone, and free-running */
	assert_int_equal(load("[global]\nsystem_clock_sync 0\n[eth0]\n", &err),
			 0);
	assert_false(set.system_clock_sync);
	assert_int_equal(load("[global]\nsystem_clock_sync 0\nfree_running 1\n"
			      "time_stamping software\n[eth0]\n", &err),
			 0);
}

/* Feeds: off by default; refused while hvptpd steers CLOCK_REALTIME
 * (chronyd would steer it too); accepted when it does not. */
static void test_feeds(void **state)
{
	static const char *const refused[] = {
		"[global]\nchrony_sock /run/c.sock\n[eth0]\n",
		"[global]\nntp_shm_segment 0\n[eth0]\n",
		"[global]\nchrony_sock /run/c.sock\nsystem_clock_sync 1\n"
		"time_stamping software\n[eth0]\n",
		"[global]\nntp_shm_segment 3\n[eth0]\n[tap0]\n"
		"time_stamping software\n",
	};
	struct cfg_error err;

	(void)state;
	assert_int_equal(load("[global]\n[eth0]\n", &err), 0);
	assert_string_equal(set.chrony_sock, "");
	assert_int_equal(set.ntp_shm_segment, -1);
	assert_true(set.feed_rate_hz == 1.0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(load(refused[i], &err), -22);
		assert_true(!strcmp(err.option, "chrony_sock") ||
			    !strcmp(err.option, "ntp_shm_segment"));
		assert_non_null(strstr(err.reason, "CLOCK_REALTIME"));
	}
	/* the first case names the line that set the option */
	memset(&err, 0, sizeof(err));
	assert_int_equal(load(refused[0], &err), -22);
	assert_string_equal(err.option, "chrony_sock");
	assert_int_equal(err.line, 2);
	assert_int_equal(load("[global]\nchrony_sock /run/c.sock\n"
			      "ntp_shm_segment 2\nfeed_rate 4\n"
			      "system_clock_sync 0\n[eth0]\n", &err),
			 0);
	assert_string_equal(set.chrony_sock, "/run/c.sock");
	assert_int_equal(set.ntp_shm_segment, 2);
	assert_true(set.feed_rate_hz == 4.0);
	/* free-running: hvptpd measures, chronyd steers (software too) */
	assert_int_equal(load("[global]\nchrony_sock /run/c.sock\n"
			      "free_running 1\ntime_stamping software\n"
			      "[eth0]\n", &err),
			 0);
	assert_int_equal(load("[global]\nntp_shm_segment 256\n[eth0]\n",
			      &err),
			 -22);
	assert_int_equal(load("[global]\nfeed_rate 0\n[eth0]\n", &err), -22);
}

/* The example shipped with the package loads and means what it says. */
static void test_example_conf(void **state)
{
	static char text[16384];
	struct cfg_error err;
	FILE *f = fopen("systemd/example.conf", "r");
	size_t n;

	(void)state;
	if (!f)
		fail_msg("systemd/example.conf: run from the repository root");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	memset(&err, 0, sizeof(err));
	if (load(text, &err) != 0)
		fail_msg("example.conf:%d: %s: %s", err.line, err.option,
			 err.reason);
	assert_int_equal(set.nports, 3);
	assert_true(set.port_hardware[0] && set.port_hardware[1]);
	assert_false(set.port_hardware[2]);
	assert_true(set.ports[2].master_only);
	assert_true(set.system_clock_sync);
	assert_false(set.clock.gm_clock_is_utc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_vmclock),
		cmocka_unit_test(test_servo_choice),
		cmocka_unit_test(test_values_and_ports),
		cmocka_unit_test(test_slave_only_class),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_transports),
		cmocka_unit_test(test_refusal_location),
		cmocka_unit_test(test_clock_settings),
		cmocka_unit_test(test_one_step),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_socket_paths),
		cmocka_unit_test(test_feeds),
		cmocka_unit_test(test_example_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
