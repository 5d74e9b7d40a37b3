/*
 * tests/unit/test_hvptpctl.c — hvptpctl's decoders, SET encoders, schema
 * and exit codes (mgmt/decode.h, mgmt/client.h), without sockets.
 *
 * Answers are real daemon encodings: a core built in the test (bc_net.h)
 * answers with bc_mgmt().  Every ID is decoded and, where the layout can
 * be encoded, encoded back to the same bytes; values are checked against
 * the core's getters; truncated and random data never crash.  SET data
 * built from FIELD=VALUE goes through bc_mgmt() and changes the clock.
 * hvptp's clock tree and host checks decode with null for what the core
 * does not know; every line of the host checks names its check.
 * docs/hvptpctl.schema.json must list exactly the decoders' fields (run
 * from the repository root, or set HVPTP_SCHEMA).  The program itself, its
 * output and golden files: tests/unit/test_hvptpctl_live.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "common/hwclock.h"
#include "servo/servo.h"
#include "tests/unit/hvptpctl_test.h"
#include "vm/hostcheck.h"

/* ---- decoders ---- */

/* Every ID hvptpd answers decodes without error; where the layout can be
 * encoded, encoding the tree gives the daemon's bytes back. */
static void check_roundtrip(struct bc *bc, int *decoded, int *reencoded)
{
	for (int i = 0; i < mgmt_layout_count(); i++) {
		uint16_t id = mgmt_layout_at(i)->id;

		ask_replies(bc, PTP_MGMT_GET, id, BC_MGMT_ALL_PORTS, NULL, 0,
			    &reps);
		for (int k = 0; k < reps.n; k++) {
			const struct bc_mgmt_req *q = &reps.rep[k].r;
			struct mgmt_tree *t = mgmt_tree_new();
			uint8_t buf[PTP_MAX_MSG_LEN];
			char err[128];
			int n;

			if (q->is_error) {
				mgmt_tree_free(t);
				continue;
			}
			assert_int_equal(mgmt_decode_data(t, 0, id, q->data,
							  q->data_len),
					 0);
			(*decoded)++;
			n = mgmt_encode_data(t, 0, id, buf, sizeof(buf), err,
					     sizeof(err));
			if (n >= 0) {
				/* the TLV may carry one pad octet more */
				assert_true(q->data_len == n ||
					    q->data_len == n + 1);
				assert_memory_equal(buf, q->data, (size_t)n);
				(*reencoded)++;
			} else {
				assert_int_equal(n, -ENOTSUP);
			}
			mgmt_tree_free(t);
		}
	}
}

static void test_roundtrip_every_id(void **state)
{
	int c, decoded = 0, reencoded = 0;
	struct bc *bc;

	(void)state;
	bc = one_clock(2);
	check_roundtrip(bc, &decoded, &reencoded);
	net_free(&net);
	net_init(&net);
	bc = slave_clock(&c);
	check_roundtrip(bc, &decoded, &reencoded);
	/* 2 x (21 clock + 9 port IDs on 1 or 2 ports): what hvptpd answers */
	assert_true(decoded >= 60);
	assert_true(reencoded >= 45);
}

static void test_decode_default_ds(void **state)
{
	struct bc *bc = one_clock(2);
	struct mgmt_tree *t = get_tree(bc, BC_MID_DEFAULT_DATA_SET, 0);
	char id[CLOCK_ID_STRLEN];

	(void)state;
	assert_int_equal(tint(t, "two_step"), 1);
	assert_int_equal(tint(t, "slave_only"), 0);
	assert_int_equal(tint(t, "number_ports"), 2);
	assert_int_equal(tint(t, "priority1"), 77);
	assert_int_equal(tint(t, "clock_quality.clock_class"), 6);
	assert_int_equal(tint(t, "clock_quality.clock_accuracy"), 0x21);
	assert_int_equal(tint(t, "clock_quality.offset_scaled_log_variance"),
			 0x4E5D);
	assert_int_equal(tint(t, "priority2"), 99);
	tstr(t, "clock_identity",
	     clock_identity_str(&bc_default_ds(bc)->clock_identity, id,
				sizeof(id)));
	assert_int_equal(tint(t, "domain_number"), 5);
	assert_int_equal(mgmt_tree_get(t, 0, "reserved"), -1);
	mgmt_tree_free(t);
}

static void test_decode_slave_values(void **state)
{
	struct bc_servo_status st = { .valid = true, .offset_ns = -5000,
				      .ingress = tmv_from_ns(123456789012LL) };
	struct mgmt_tree *t;
	struct bc *bc;
	int c;

	(void)state;
	bc = slave_clock(&c);
	bc_set_servo_status(bc, &st);
	t = get_tree(bc, BC_MID_CURRENT_DATA_SET, 0);
	assert_int_equal(tint(t, "steps_removed"), 1);
	assert_int_equal(tint(t, "offset_from_master_ns"), -5000);
	assert_int_equal(tint(t, "mean_path_delay_ns"), NET_DELAY);
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_PARENT_DATA_SET, 0);
	tstr(t, "parent_port_identity", "02005e.fffe.00100a-1");
	tstr(t, "grandmaster_identity", "02005e.fffe.00100a");
	assert_int_equal(tint(t, "grandmaster_priority1"), 100);
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_TIME_STATUS_NP, 0);
	assert_int_equal(tint(t, "master_offset_ns"), -5000);
	assert_int_equal(tint(t, "ingress_time_ns"), 123456789012LL);
	assert_int_equal(tint(t, "gm_present"), 1);
	tstr(t, "last_gm_phase_change", "00:00:00:00:00:00:00:00:00:00:00:00");
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_PORT_DATA_SET, 0);
	assert_int_equal(tint(t, "port_state"), PS_UNCALIBRATED);
	tstr(t, "port_state_name", "UNCALIBRATED");
	assert_int_equal(tint(t, "delay_mechanism"), DM_E2E);
	tstr(t, "delay_mechanism_name", "E2E");
	assert_int_equal(tint(t, "version_number"), 2);
	mgmt_tree_free(t);
}

static void test_decode_servo_status(void **state)
{
	struct bc_servo_status st = {
		.valid = true, .offset_ns = -1234, .path_delay_ns = 10000,
		.freq_ppb = -12.345, .state = 2, .te_estimate_ns = 250.0,
		.holdover = true, .steps = 3, .at_ns = 987654321,
	};
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t;
	int i;

	(void)state;
	bc_set_servo_status(bc, &st);
	t = get_tree(bc, BC_MID_HVPTP_SERVO_STATUS_NP, 0);
	assert_int_equal(reps.rep[0].r.data_len,
			 BC_MGMT_SERVO_STATUS_NP_FULL_LEN);
	assert_int_equal(tint(t, "valid"), 1);
	assert_int_equal(tint(t, "holdover"), 1);
	assert_int_equal(tint(t, "time_error_estimate_known"), 1);
	assert_int_equal(tint(t, "servo_state"), 2);
	tstr(t, "servo_state_name", "LOCKED");
	assert_int_equal(tint(t, "last_offset_ns"), -1234);
	assert_int_equal(tint(t, "last_path_delay_ns"), 10000);
	i = mgmt_tree_get(t, 0, "frequency_ppb");
	assert_int_equal(t->node[i].kind, MV_REAL);
	assert_true(t->node[i].v.d > -12.3451 && t->node[i].v.d < -12.3449);
	assert_int_equal(tint(t, "time_error_estimate_ns"), 250);
	assert_int_equal(tint(t, "clock_steps"), 3);
	assert_int_equal(tint(t, "last_sample_monotonic_ns"), 987654321);
	mgmt_tree_free(t);

	st.te_estimate_ns = -1.0; /* unknown */
	st.holdover = false;
	bc_set_servo_status(bc, &st);
	t = get_tree(bc, BC_MID_HVPTP_SERVO_STATUS_NP, 0);
	assert_int_equal(tint(t, "time_error_estimate_known"), 0);
	assert_true(tnull(t, "time_error_estimate_ns"));
	assert_int_equal(tint(t, "holdover"), 0);
	/* never locked, no window: null, not 0 */
	assert_true(tnull(t, "locked_monotonic_ns"));
	assert_int_equal(tint(t, "window_known"), 0);
	assert_true(tnull(t, "window_offset_rms_ns"));
	assert_true(tnull(t, "window_frequency_mean_ppb"));
	mgmt_tree_free(t);

	/* no sample yet: the offset, path delay and frequency are unknown */
	memset(&st, 0, sizeof(st));
	st.te_estimate_ns = -1.0;
	bc_set_servo_status(bc, &st);
	t = get_tree(bc, BC_MID_HVPTP_SERVO_STATUS_NP, 0);
	assert_int_equal(tint(t, "valid"), 0);
	assert_true(tnull(t, "last_offset_ns"));
	assert_true(tnull(t, "last_path_delay_ns"));
	assert_true(tnull(t, "frequency_ppb"));
	mgmt_tree_free(t);

	/* locked since, a window */
	st = (struct bc_servo_status){
		.valid = true, .state = 2, .te_estimate_ns = -1.0,
		.locked_since_ns = 5000, .state_since_ns = 4000,
		.win = { .n = 480, .complete = true, .span_ns = 59875000000LL,
			 .offset_rms_ns = 20.0, .offset_max_ns = 55.0,
			 .freq_mean_ppb = 1.5, .freq_stddev_ppb = 0.5,
			 .delay_mean_ns = 2000.0, .delay_max_ns = 2100.0,
			 .delay_stddev_ns = 10.0 },
	};
	bc_set_servo_status(bc, &st);
	t = get_tree(bc, BC_MID_HVPTP_SERVO_STATUS_NP, 0);
	assert_int_equal(tint(t, "locked_monotonic_ns"), 5000);
	assert_int_equal(tint(t, "state_change_monotonic_ns"), 4000);
	assert_int_equal(tint(t, "window_known"), 1);
	assert_int_equal(tint(t, "window_complete"), 1);
	assert_int_equal(tint(t, "window_samples"), 480);
	assert_int_equal(tint(t, "window_span_ns"), 59875000000LL);
	assert_int_equal(tint(t, "window_offset_rms_ns"), 20);
	assert_int_equal(tint(t, "window_offset_max_ns"), 55);
	assert_int_equal(tint(t, "window_path_delay_max_ns"), 2100);
	mgmt_tree_free(t);
}

static void test_decode_port_counters(void **state)
{
	uint8_t junk[10] = { 0 };
	const struct bc_port_counters *pc;
	struct mgmt_tree *t;
	struct bc *bc;
	int c;

	(void)state;
	bc = slave_clock(&c);
	net_inject(&net, c, 0, junk, sizeof(junk)); /* too short */
	net_inject(&net, c, 0, junk, sizeof(junk));
	pc = bc_port_counters(bc, 0);
	t = get_tree(bc, BC_MID_PORT_STATS_NP, 0);
	assert_true(pc->rx[PTP_MSG_SYNC] > 5);
	assert_int_equal(tint(t, "rx.sync"),
			 (int64_t)pc->rx_parsed[PTP_MSG_SYNC]);
	assert_int_equal(tint(t, "rx.announce"),
			 (int64_t)pc->rx_parsed[PTP_MSG_ANNOUNCE]);
	assert_int_equal(tint(t, "tx.delay_req"),
			 (int64_t)pc->tx[PTP_MSG_DELAY_REQ]);
	assert_int_equal(mgmt_tree_get(t, 0, "rx.reserved"), -1);
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_HVPTP_PORT_DROPS_NP, 0);
	assert_int_equal(reps.rep[0].r.data_len, BC_MGMT_PORT_DROPS_NP_LEN);
	tstr(t, "port_identity", "02005e.fffe.00100b-1");
	assert_int_equal(tint(t, "drops.too_short"), 2);
	assert_int_equal(tint(t, "drops.too_short"),
			 (int64_t)pc->drop[BC_DROP_TOO_SHORT]);
	assert_int_equal(mgmt_tree_get(t, 0, "drops.none"), -1);
	assert_int_equal(
		t->node[mgmt_tree_get(t, 0, "drops")].nchild, BC_DROP_COUNT - 1);
	{
		uint64_t sum = 0;

		uint64_t ign = 0;

		for (int i = 1; i < BC_DROP_COUNT; i++) {
			if (bc_drop_is_ignored((enum bc_drop)i))
				ign += pc->drop[i];
			else
				sum += pc->drop[i];
		}
		/* the slave heard its own master's traffic before it was a
		 * slave (Syncs while LISTENING): ignored, not dropped */
		assert_true(ign > 0);
		assert_int_equal(tint(t, "drops_total"), (int64_t)sum);
		assert_int_equal(tint(t, "ignored_total"), (int64_t)ign);
	}
	assert_int_equal(tint(t, "tx_timestamp_timeouts"),
			 (int64_t)pc->tx_ts_timeouts);
	assert_int_equal(tint(t, "announce_receipt_timeouts"),
			 (int64_t)pc->announce_timeouts);
	mgmt_tree_free(t);
}

static void test_decode_description_properties(void **state)
{
	const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	const uint8_t ip[4] = { 192, 0, 2, 17 };
	struct bc *bc = one_clock(2);
	struct mgmt_tree *t;

	(void)state;
	assert_int_equal(bc_mgmt_set_port_address(bc, 0, mac, ip), 0);
	t = get_tree(bc, BC_MID_CLOCK_DESCRIPTION, 0);
	assert_int_equal(tint(t, "clock_type"), 0x4000);
	tstr(t, "physical_layer_protocol", "IEEE 802.3");
	tstr(t, "physical_address", "02:aa:bb:cc:dd:ee");
	assert_int_equal(tint(t, "protocol_address.network_protocol"), 1);
	tstr(t, "protocol_address.network_protocol_name", "UDP_IPV4");
	tstr(t, "protocol_address.address", "192.0.2.17");
	tstr(t, "product_description", DEFAULT_PRODUCT);
	tstr(t, "revision_data", DEFAULT_REVISION);
	tstr(t, "user_description", "rack 7");
	tstr(t, "profile_identity", "00:1b:19:00:01:00");
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_CLOCK_DESCRIPTION, 1); /* no addresses */
	tstr(t, "physical_address", "");
	tstr(t, "protocol_address.address", "");
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_PORT_PROPERTIES_NP, 1);
	tstr(t, "interface", "eth1");
	tstr(t, "timestamping_name", "HARDWARE");
	tstr(t, "port_identity", "02005e.fffe.00100c-2");
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_TIME_PROPERTIES_DATA_SET, 0);
	assert_int_equal(tint(t, "time_source"), TS_GNSS);
	tstr(t, "time_source_name", "GNSS");
	mgmt_tree_free(t);
}

/* PORT_HWCLOCK_NP: each port's PHC as linuxptp 4.x answers it (-1 for
 * software timestamps, vclock never set). */
static void test_decode_port_hwclock(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct mgmt_tree *t;
	struct bc *bc;
	int segs[2] = { 0, 1 }, k;

	(void)state;
	net_clock_cfg(&cc, 0xB, 128);
	net_port_cfgs(pc, 2);
	pc[1].phc_index = 3;
	k = net_add(&net, &cc, pc, 2, segs, 0);
	bc = net.n[k].bc;
	t = get_tree(bc, BC_MID_PORT_HWCLOCK_NP, 0);
	assert_int_equal(reps.n, 2);
	assert_true(reps.rep[0].r.data_len >= 15);
	tstr(t, "port_identity", "02005e.fffe.00100b-1");
	assert_int_equal(tint(t, "phc_index"), -1);
	assert_int_equal(tint(t, "vclock"), 0);
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_PORT_HWCLOCK_NP, 1);
	assert_int_equal(tint(t, "phc_index"), 3);
	mgmt_tree_free(t);
}

/* The node at key of obj is null. */
static bool onull(const struct mgmt_tree *t, int obj, const char *key)
{
	int i = mgmt_tree_member(t, obj, key);

	assert_true(i >= 0);
	return t->node[i].kind == MV_NULL;
}

static int64_t oint(const struct mgmt_tree *t, int obj, const char *key)
{
	int64_t v = -424242;

	assert_true(mgmt_tree_get_int(t, obj, key, &v));
	return v;
}

/* HVPTP_CLOCKS_NP: every field of a record from what the core was told,
 * and null for what it does not know. */
static void test_decode_clocks(void **state)
{
	struct bc_clock_info ci[4] = {
		/* the reference before its first sample: state, no
		 * frequency (the record carries 0) */
		{ .name = "/dev/ptp0", .phc_index = 0,
		  .role = BC_CLOCK_REFERENCE, .source = -1, .adjusted = true,
		  .servo_type = SERVO_LINREG, .te_estimate_ns = -1.0 },
		/* a steered follower with everything known */
		{ .name = "CLOCK_REALTIME", .phc_index = -1,
		  .role = BC_CLOCK_FOLLOWER, .source = 0, .adjusted = true,
		  .keeps_utc = true, .steered = true, .servo_type = SERVO_PI,
		  .servo_state = SERVO_LOCKED, .have_offset = true,
		  .offset_ns = -7, .have_freq = true, .freq_ppb = -100.25,
		  .read_method = HWCLOCK_READ_PRECISE, .read_delay_ns = 0,
		  .te_estimate_ns = 100.0, .steps = 2, .at_ns = 123456789 },
		/* adjusted, read, but its reference has no time yet */
		{ .name = "/dev/ptp1", .phc_index = 1,
		  .role = BC_CLOCK_FOLLOWER, .source = 0, .adjusted = true,
		  .servo_type = SERVO_KALMAN, .have_offset = true,
		  .offset_ns = 5000, .read_method = HWCLOCK_READ_EXTENDED,
		  .read_delay_ns = 800, .te_estimate_ns = -1.0 },
		/* measured only: its free-running estimate is not shown */
		{ .name = "/dev/ptp2", .phc_index = 2,
		  .role = BC_CLOCK_FOLLOWER, .source = 0, .freq_ppb = 42.0,
		  .servo_state = SERVO_UNLOCKED, .te_estimate_ns = -1.0 },
	};
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t;
	int arr, r;

	(void)state;
	for (int k = 0; k < 4; k++)
		assert_int_equal(bc_set_clock_info(bc, k, &ci[k]), 0);
	t = get_tree(bc, BC_MID_HVPTP_CLOCKS_NP, 0);
	assert_int_equal(reps.rep[0].r.data_len, 2 + 4 * BC_MGMT_CLOCK_REC_LEN);
	assert_int_equal(tint(t, "more_clocks"), 0);
	arr = mgmt_tree_get(t, 0, "clocks");
	assert_int_equal(t->node[arr].nchild, 4);
	r = mgmt_tree_child(t, arr, 0);
	assert_string_equal(mgmt_tree_get_str(t, r, "name"), "/dev/ptp0");
	assert_string_equal(mgmt_tree_get_str(t, r, "role_name"), "reference");
	assert_string_equal(mgmt_tree_get_str(t, r, "servo_type_name"),
			    "linreg");
	assert_true(onull(t, r, "source"));
	assert_int_equal(oint(t, r, "servo_applied"), 1);
	assert_string_equal(mgmt_tree_get_str(t, r, "servo_state_name"),
			    "UNLOCKED");
	assert_true(onull(t, r, "frequency_ppb"));
	assert_true(onull(t, r, "offset_ns"));
	assert_true(onull(t, r, "offset_monotonic_ns"));
	assert_true(onull(t, r, "read_method"));
	assert_true(onull(t, r, "read_window_ns"));
	assert_true(onull(t, r, "time_error_estimate_ns"));
	assert_int_equal(oint(t, r, "ports_stamped"), 1); /* port 1 */
	r = mgmt_tree_child(t, arr, 1);
	assert_int_equal(oint(t, r, "index"), 1);
	assert_int_equal(oint(t, r, "source"), 0);
	assert_int_equal(oint(t, r, "phc_index"), -1);
	assert_int_equal(oint(t, r, "keeps_utc"), 1);
	assert_int_equal(oint(t, r, "steered"), 1);
	assert_string_equal(mgmt_tree_get_str(t, r, "servo_state_name"),
			    "LOCKED");
	assert_int_equal(oint(t, r, "offset_ns"), -7);
	assert_true(t->node[mgmt_tree_member(t, r, "frequency_ppb")].v.d ==
		    -100.25);
	assert_string_equal(mgmt_tree_get_str(t, r, "read_method_name"),
			    "precise");
	assert_int_equal(oint(t, r, "read_window_ns"), 0);
	assert_int_equal(oint(t, r, "time_error_estimate_ns"), 100);
	assert_int_equal(oint(t, r, "steps"), 2);
	assert_int_equal(oint(t, r, "offset_monotonic_ns"), 123456789);
	assert_int_equal(oint(t, r, "ports_stamped"), 0);
	r = mgmt_tree_child(t, arr, 2);
	assert_int_equal(oint(t, r, "servo_applied"), 0);
	assert_true(onull(t, r, "servo_state"));
	assert_true(onull(t, r, "servo_state_name"));
	assert_true(onull(t, r, "frequency_ppb"));
	assert_int_equal(oint(t, r, "offset_ns"), 5000);
	assert_int_equal(oint(t, r, "read_window_ns"), 800);
	assert_string_equal(mgmt_tree_get_str(t, r, "servo_type_name"),
			    "kalman");
	r = mgmt_tree_child(t, arr, 3);
	assert_int_equal(oint(t, r, "adjusted"), 0);
	assert_true(onull(t, r, "frequency_ppb"));
	assert_true(onull(t, r, "servo_state"));
	assert_true(onull(t, r, "offset_ns"));
	assert_true(onull(t, r, "read_method_name"));
	mgmt_tree_free(t);
}

/* More clocks than one message holds: the first ones and more_clocks. */
static void test_decode_clocks_more(void **state)
{
	struct bc_clock_info ci = { .role = BC_CLOCK_FOLLOWER, .source = 0,
				    .te_estimate_ns = -1.0 };
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t;
	int arr;

	(void)state;
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		snprintf(ci.name, sizeof(ci.name), "/dev/ptp%d", k);
		ci.phc_index = k;
		assert_int_equal(bc_set_clock_info(bc, k, &ci), 0);
	}
	t = get_tree(bc, BC_MID_HVPTP_CLOCKS_NP, 0);
	assert_int_equal(tint(t, "more_clocks"), 1);
	arr = mgmt_tree_get(t, 0, "clocks");
	assert_int_equal(t->node[arr].nchild, BC_MGMT_CLOCKS_MAX);
	assert_string_equal(mgmt_tree_get_str(t, mgmt_tree_child(t, arr, 12),
					      "name"),
			    "/dev/ptp12");
	mgmt_tree_free(t);
	/* a daemon without clocks: an empty list */
	net_free(&net);
	net_init(&net);
	bc = one_clock(1);
	t = get_tree(bc, BC_MID_HVPTP_CLOCKS_NP, 0);
	assert_int_equal(t->node[mgmt_tree_get(t, 0, "clocks")].nchild, 0);
	mgmt_tree_free(t);
}

/* HVPTP_HOST_NP: findings and unknowns by name, the lines; the state of
 * each check from them. */
static void test_decode_host(void **state)
{
	struct bc_host_info h = {
		.valid = true, .findings = HOSTCHECK_CLOCKSOURCE | (1u << 7),
		.unknown = HOSTCHECK_OTHER_ADJUSTER, .ok = HOSTCHECK_TSC_UNSTABLE,
		.nlines = 2, .more_lines = true,
		.line_check = { HOSTCHECK_ID_CLOCKSOURCE, 9 },
	};
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t;
	int a;

	(void)state;
	snprintf(h.lines[0], sizeof(h.lines[0]), "clocksource: hpet: bad");
	snprintf(h.lines[1], sizeof(h.lines[1]), "adjusters: unknown (x)");
	bc_set_host_info(bc, &h);
	t = get_tree(bc, BC_MID_HVPTP_HOST_NP, 0);
	assert_int_equal(tint(t, "ran"), 1);
	a = mgmt_tree_get(t, 0, "findings");
	assert_int_equal(t->node[a].nchild, 2);
	assert_string_equal(t->node[mgmt_tree_child(t, a, 0)].v.s,
			    "clocksource");
	assert_string_equal(t->node[mgmt_tree_child(t, a, 1)].v.s, "bit_7");
	a = mgmt_tree_get(t, 0, "unknown");
	assert_string_equal(t->node[mgmt_tree_child(t, a, 0)].v.s,
			    "other_adjuster");
	a = mgmt_tree_get(t, 0, "ok");
	assert_string_equal(t->node[mgmt_tree_child(t, a, 0)].v.s,
			    "tsc_unstable");
	assert_int_equal(tint(t, "more_lines"), 1);
	a = mgmt_tree_get(t, 0, "lines");
	assert_int_equal(t->node[a].nchild, 2);
	assert_string_equal(t->node[mgmt_tree_child(t, a, 1)].v.s,
			    "adjusters: unknown (x)");
	/* each line's check, side by side; one hvptpctl does not know */
	a = mgmt_tree_get(t, 0, "line_checks");
	assert_int_equal(t->node[a].nchild, 2);
	assert_string_equal(t->node[mgmt_tree_child(t, a, 0)].v.s,
			    "clocksource");
	assert_int_equal(t->node[mgmt_tree_child(t, a, 1)].kind, MV_NULL);
	mgmt_tree_free(t);
	bc_set_host_info(bc, NULL);
	t = get_tree(bc, BC_MID_HVPTP_HOST_NP, 0);
	assert_int_equal(tint(t, "ran"), 0);
	assert_int_equal(t->node[mgmt_tree_get(t, 0, "lines")].nchild, 0);
	mgmt_tree_free(t);
}

/* HVPTP_FEEDS_NP: the outputs, the counters, the last outcome by name
 * (null before the first tick), the skipped ticks by reason. */
static void test_decode_feeds(void **state)
{
	struct bc_feed_info f = {
		.chrony_on = true, .shm_on = true, .have_last = true,
		.last = 2, .shm_unit = 0, .chrony_sent = 12345678901ULL,
		.chrony_failed = 3, .chrony_errno = 111, .shm_sent = 7,
		.skipped = { 11, 22, 0, 0, 0, 0, 77 },
	};
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t;

	(void)state;
	snprintf(f.chrony_path, sizeof(f.chrony_path), "/run/chrony/h.sock");
	bc_set_feed_info(bc, &f);
	t = get_tree(bc, BC_MID_HVPTP_FEEDS_NP, 0);
	assert_int_equal(tint(t, "chrony_sock"), 1);
	assert_int_equal(tint(t, "ntp_shm"), 1);
	assert_int_equal(tint(t, "ntp_shm_segment"), 0);
	tstr(t, "last_outcome_name", "holdover");
	assert_int_equal(tint(t, "chrony_sent"), 12345678901LL);
	assert_int_equal(tint(t, "chrony_failed"), 3);
	assert_int_equal(tint(t, "chrony_last_errno"), 111);
	assert_int_equal(tint(t, "shm_sent"), 7);
	assert_int_equal(tint(t, "skipped_unlocked"), 11);
	assert_int_equal(tint(t, "skipped_holdover"), 22);
	assert_int_equal(tint(t, "skipped_read_error"), 77);
	tstr(t, "chrony_path", "/run/chrony/h.sock");
	mgmt_tree_free(t);
	/* fed; the SHM off: unit -1 */
	f.last = 0;
	f.shm_on = false;
	bc_set_feed_info(bc, &f);
	t = get_tree(bc, BC_MID_HVPTP_FEEDS_NP, 0);
	tstr(t, "last_outcome_name", "fed");
	assert_int_equal(tint(t, "ntp_shm"), 0);
	assert_int_equal(tint(t, "ntp_shm_segment"), -1);
	mgmt_tree_free(t);
	/* no feed, no tick: nothing on, no outcome */
	bc_set_feed_info(bc, NULL);
	t = get_tree(bc, BC_MID_HVPTP_FEEDS_NP, 0);
	assert_int_equal(tint(t, "chrony_sock"), 0);
	assert_int_equal(tint(t, "last_outcome"), 0xFF);
	assert_true(tnull(t, "last_outcome_name"));
	tstr(t, "chrony_path", "");
	mgmt_tree_free(t);
}

static void test_host_check_states(void **state)
{
	uint32_t rep = 1u << HOSTCHECK_ID_CLOCKSOURCE |
		       1u << HOSTCHECK_ID_ADJUSTER;

	(void)state;
	/* a finding or an unknown by its bit, ok by its bit, else n/a */
	assert_int_equal(mgmt_host_check_state(HOSTCHECK_CLOCKSOURCE, 0, rep,
					       HOSTCHECK_ID_CLOCKSOURCE),
			 HOSTCHECK_FINDING);
	assert_int_equal(mgmt_host_check_state(0, HOSTCHECK_TSC_UNSTABLE, 0,
					       HOSTCHECK_ID_TSC),
			 HOSTCHECK_UNKNOWN);
	assert_int_equal(mgmt_host_check_state(0, 0, rep,
					       HOSTCHECK_ID_ADJUSTER),
			 HOSTCHECK_OK);
	assert_int_equal(mgmt_host_check_state(0, 0, rep, HOSTCHECK_ID_TSC),
			 HOSTCHECK_NOT_APPLICABLE);
}

/* Every line hostcheck_lines_ids() writes comes with its check. */
static void test_host_lines_named(void **state)
{
	char lines[HOSTCHECK_LINES_MAX][HOSTCHECK_LINE_MAX];
	int ids[HOSTCHECK_LINES_MAX];
	struct hostcheck h;
	int n;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.arch = HOSTCHECK_ARCH_X86;
	for (int st = HOSTCHECK_UNKNOWN; st <= HOSTCHECK_FINDING; st++) {
		for (int id = 0; id < HOSTCHECK_N_IDS; id++)
			h.state[id] = (enum hostcheck_state)st;
		snprintf(h.clocksource, sizeof(h.clocksource), "hpet");
		h.expected = "tsc";
		h.n_adjusters = 1;
		h.adjusters[0].pid = 812;
		snprintf(h.adjusters[0].comm, sizeof(h.adjusters[0].comm),
			 "chronyd");
		h.adjusters[0].name = "chronyd";
		n = hostcheck_lines_ids(&h, lines, ids, HOSTCHECK_LINES_MAX);
		assert_true(n >= 3);
		assert_int_equal(ids[0], HOSTCHECK_ID_CLOCKSOURCE);
		assert_int_equal(ids[1], HOSTCHECK_ID_TSC);
		for (int i = 2; i < n; i++)
			assert_int_equal(ids[i], HOSTCHECK_ID_ADJUSTER);
	}
}

/* Short and random data: -EBADMSG or 0, never a crash (ASan watches). */
static void test_decode_bad_data(void **state)
{
	uint8_t buf[600];
	struct cm_rng rng;
	struct mgmt_tree *t = mgmt_tree_new();
	int bad = 0;

	(void)state;
	cm_rng_seed(&rng, 42);
	for (int i = 0; i < mgmt_layout_count(); i++) {
		uint16_t id = mgmt_layout_at(i)->id;

		memset(buf, 0, sizeof(buf));
		for (size_t n = 0; n < 12; n++) {
			mgmt_tree_reset(t);
			if (mgmt_decode_data(t, 0, id, buf, n) == -EBADMSG)
				bad++;
			else if (n == 0 && id != BC_MID_PATH_TRACE_LIST)
				assert_int_equal(mgmt_layout_at(i)->nfields, 0);
		}
		for (int k = 0; k < 200; k++) {
			size_t n = (size_t)cm_rng_below(&rng, sizeof(buf));

			for (size_t j = 0; j < n; j++)
				buf[j] = (uint8_t)cm_rng_next(&rng);
			mgmt_tree_reset(t);
			assert_true(mgmt_decode_data(t, 0, id, buf, n) <= 0);
			assert_false(t->overflow);
		}
	}
	assert_true(bad > 100); /* short data is reported */
	/* no layout: raw bytes */
	mgmt_tree_reset(t);
	assert_int_equal(mgmt_decode_data(t, 0, 0x7777, (const uint8_t *)"\x01"
					  "\xff", 2), 0);
	tstr(t, "raw_hex", "01:ff");
	/* a text that is not UTF-8 stays printable and valid JSON */
	mgmt_tree_reset(t);
	buf[0] = 4;
	memcpy(buf + 1, "a\xff\x01\xc3", 4);
	assert_int_equal(mgmt_decode_data(t, 0, BC_MID_USER_DESCRIPTION, buf,
					  5), 0);
	tstr(t, "user_description", "a\\xff\\x01\\xc3");
	mgmt_tree_free(t);
}

static void test_decode_error_answer(void **state)
{
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t = mgmt_tree_new();
	int arr = mgmt_tree_arr(t, 0, "a"), o;

	(void)state;
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY1,
			     (const uint8_t *)"\x05\x00", 2, true), 0);
	replies_from_out(&reps);
	assert_true(reps.rep[0].r.is_error);
	o = mgmt_decode_answer(t, arr, &reps.rep[0].r);
	assert_true(o > 0);
	assert_string_equal(mgmt_tree_get_str(t, o, "error.management_error_name"),
			    "NOT_SUPPORTED");
	assert_int_equal(mgmt_tree_get(t, o, "data"), -1);
	mgmt_tree_free(t);
}

/* ---- SET encoders through the core ---- */

/* Encode tree t for id, SET it to port (1-based, 0xFFFF all), return the
 * first answer (must be a RESPONSE). */
static void set_through_core(struct bc *bc, struct mgmt_tree *t, uint16_t id,
			     uint16_t port)
{
	uint8_t data[PTP_MAX_MSG_LEN];
	char err[256];
	int n = mgmt_encode_data(t, 0, id, data, sizeof(data), err,
				 sizeof(err));

	if (n < 0)
		fail_msg("encode: %s", err);
	ask_replies(bc, PTP_MGMT_SET, id, port, data, (size_t)n, &reps);
	assert_false(reps.rep[0].r.is_error);
}

static void assign(struct mgmt_tree *t, uint16_t id, const char *k,
		   const char *v)
{
	char err[256];

	if (mgmt_layout_assign(t, 0, id, k, v, err, sizeof(err)) != 0)
		fail_msg("assign %s=%s: %s", k, v, err);
}

static void test_set_priorities(void **state)
{
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t = mgmt_tree_new();

	(void)state;
	/* from nothing: every field given */
	assign(t, BC_MID_PRIORITY1, "priority1", "42");
	set_through_core(bc, t, BC_MID_PRIORITY1, BC_MGMT_ALL_PORTS);
	assert_int_equal(bc_default_ds(bc)->priority1, 42);
	mgmt_tree_reset(t);
	assign(t, BC_MID_PRIORITY2, "priority2", "0x11");
	set_through_core(bc, t, BC_MID_PRIORITY2, BC_MGMT_ALL_PORTS);
	assert_int_equal(bc_default_ds(bc)->priority2, 0x11);
	/* the answer is the new value, decoded */
	mgmt_tree_reset(t);
	assert_int_equal(mgmt_decode_data(t, 0, BC_MID_PRIORITY2,
					  reps.rep[0].r.data,
					  reps.rep[0].r.data_len), 0);
	assert_int_equal(tint(t, "priority2"), 0x11);
	mgmt_tree_free(t);
}

static void test_set_gm_settings(void **state)
{
	struct bc *bc = one_clock(1);
	struct mgmt_tree *t = get_tree(bc, BC_MID_GRANDMASTER_SETTINGS_NP, 0);

	(void)state;
	assert_int_equal(tint(t, "current_utc_offset"), 37);
	assign(t, BC_MID_GRANDMASTER_SETTINGS_NP, "clock_class", "7");
	assign(t, BC_MID_GRANDMASTER_SETTINGS_NP, "clock_quality.clock_accuracy",
	       "0x22");
	assign(t, BC_MID_GRANDMASTER_SETTINGS_NP, "time_source", "ntp");
	assign(t, BC_MID_GRANDMASTER_SETTINGS_NP, "leap61", "on");
	assign(t, BC_MID_GRANDMASTER_SETTINGS_NP, "current_utc_offset", "-3");
	set_through_core(bc, t, BC_MID_GRANDMASTER_SETTINGS_NP,
			 BC_MGMT_ALL_PORTS);
	mgmt_tree_free(t);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 7);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_accuracy, 0x22);
	t = get_tree(bc, BC_MID_GRANDMASTER_SETTINGS_NP, 0);
	assert_int_equal(tint(t, "clock_quality.clock_class"), 7);
	assert_int_equal(tint(t, "clock_quality.offset_scaled_log_variance"),
			 0x4E5D); /* kept */
	assert_int_equal(tint(t, "current_utc_offset"), -3);
	assert_int_equal(tint(t, "time_source"), TS_NTP);
	assert_int_equal(tint(t, "leap61"), 1);
	assert_int_equal(tint(t, "leap59"), 0);
	assert_int_equal(tint(t, "current_utc_offset_valid"), 1); /* kept */
	assert_int_equal(tint(t, "time_traceable"), 1); /* kept */
	mgmt_tree_free(t);
}

static void test_set_port_ds_np(void **state)
{
	struct bc *bc = one_clock(2);
	struct mgmt_tree *t;

	(void)state;
	ask_replies(bc, PTP_MGMT_GET, BC_MID_PORT_DATA_SET_NP, 2, NULL, 0,
		    &reps);
	t = mgmt_tree_new();
	assert_int_equal(mgmt_decode_data(t, 0, BC_MID_PORT_DATA_SET_NP,
					  reps.rep[0].r.data,
					  reps.rep[0].r.data_len), 0);
	assign(t, BC_MID_PORT_DATA_SET_NP, "neighbor_prop_delay_thresh_ns",
	       "12345");
	set_through_core(bc, t, BC_MID_PORT_DATA_SET_NP, 2);
	assert_int_equal(reps.n, 1);
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_PORT_DATA_SET_NP, 1);
	assert_int_equal(tint(t, "neighbor_prop_delay_thresh_ns"), 12345);
	assert_int_equal(tint(t, "as_capable"), 1);
	mgmt_tree_free(t);
	t = get_tree(bc, BC_MID_PORT_DATA_SET_NP, 0); /* port 1 unchanged */
	assert_int_equal(tint(t, "neighbor_prop_delay_thresh_ns"), 20000000);
	mgmt_tree_free(t);
}

/* SUBSCRIBE_EVENTS_NP is the program's: checked on the bytes. */
static void test_set_subscribe(void **state)
{
	struct mgmt_tree *t = mgmt_tree_new();
	uint8_t data[128], want[BC_MGMT_SUBSCRIBE_LEN] = { 0x00, 0x3C, 0x05 };
	int n;

	(void)state;
	assign(t, BC_MID_SUBSCRIBE_EVENTS_NP, "duration_s", "60");
	assign(t, BC_MID_SUBSCRIBE_EVENTS_NP, "port_state", "on");
	assign(t, BC_MID_SUBSCRIBE_EVENTS_NP, "events.parent_data_set", "yes");
	assign(t, BC_MID_SUBSCRIBE_EVENTS_NP, "time_sync", "0");
	n = mgmt_encode_data(t, 0, BC_MID_SUBSCRIBE_EVENTS_NP, data,
			     sizeof(data), NULL, 0);
	assert_int_equal(n, BC_MGMT_SUBSCRIBE_LEN);
	assert_memory_equal(data, want, sizeof(want));
	mgmt_tree_reset(t);
	assert_int_equal(mgmt_decode_data(t, 0, BC_MID_SUBSCRIBE_EVENTS_NP,
					  data, (size_t)n), 0);
	assert_int_equal(tint(t, "duration_s"), 60);
	assert_int_equal(tint(t, "events.port_state"), 1);
	assert_int_equal(tint(t, "events.time_sync"), 0);
	assert_int_equal(tint(t, "events.parent_data_set"), 1);
	mgmt_tree_free(t);
}

/* linuxptp 4.4's settable IDs: hvptpctl's encoders give the core what
 * pmc 4.4 sends (u48 timeOfNextJump, a PTPText name, port settings). */
static void test_set_parity_ids(void **state)
{
	struct bc *bc = one_clock(2);
	struct mgmt_tree *t = mgmt_tree_new();
	const uint8_t *d;

	(void)state;
	assign(t, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, "key_field", "0");
	assign(t, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, "current_offset_s",
	       "-3600");
	assign(t, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, "jump_seconds", "0");
	assign(t, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES,
	       "time_of_next_jump_s", "0x123456789ABC");
	set_through_core(bc, t, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES,
			 BC_MGMT_ALL_PORTS);
	d = reps.rep[0].r.data;
	assert_int_equal(reps.rep[0].r.data_len, 16);
	assert_int_equal((int32_t)be32(d + 1), -3600);
	assert_int_equal(be16(d + 9), 0x1234);
	assert_int_equal(be32(d + 11), 0x56789ABC);
	mgmt_tree_reset(t);
	assign(t, BC_MID_ALTERNATE_TIME_OFFSET_NAME, "key_field", "0");
	assign(t, BC_MID_ALTERNATE_TIME_OFFSET_NAME, "display_name", "UTC+01");
	set_through_core(bc, t, BC_MID_ALTERNATE_TIME_OFFSET_NAME,
			 BC_MGMT_ALL_PORTS);
	mgmt_tree_reset(t);
	assert_int_equal(mgmt_decode_data(t, 0, BC_MID_ALTERNATE_TIME_OFFSET_NAME,
					  reps.rep[0].r.data,
					  reps.rep[0].r.data_len),
			 0);
	assert_string_equal(mgmt_tree_get_str(t, 0, "display_name"), "UTC+01");
	mgmt_tree_reset(t);
	assign(t, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP, "uncertain", "1");
	set_through_core(bc, t, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP,
			 BC_MGMT_ALL_PORTS);
	assert_int_equal(reps.rep[0].r.data[0], 1);
	mgmt_tree_reset(t);
	assign(t, BC_MID_POWER_PROFILE_SETTINGS_NP, "version", "1");
	assign(t, BC_MID_POWER_PROFILE_SETTINGS_NP, "grandmaster_id", "0xBEEF");
	assign(t, BC_MID_POWER_PROFILE_SETTINGS_NP,
	       "grandmaster_time_inaccuracy_ns", "100");
	assign(t, BC_MID_POWER_PROFILE_SETTINGS_NP,
	       "network_time_inaccuracy_ns", "200");
	assign(t, BC_MID_POWER_PROFILE_SETTINGS_NP, "total_time_inaccuracy_ns",
	       "4294967295");
	set_through_core(bc, t, BC_MID_POWER_PROFILE_SETTINGS_NP, 2);
	d = reps.rep[0].r.data;
	assert_int_equal(be16(d), 1);
	assert_int_equal(be16(d + 2), 0xBEEF);
	assert_int_equal(be32(d + 12), 0xFFFFFFFFu);
	/* counters are read-only data */
	mgmt_tree_reset(t);
	assert_int_not_equal(mgmt_layout_assign(t, 0,
						BC_MID_PORT_SERVICE_STATS_NP,
						"sync_timeout", "1", NULL, 0),
			     0);
	mgmt_tree_free(t);
}

static void test_set_refusals(void **state)
{
	struct mgmt_tree *t = mgmt_tree_new();
	uint8_t data[64];
	char err[256];

	(void)state;
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_PRIORITY1, "prio",
					    "1", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no field 'prio' (fields: priority1)"));
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_PRIORITY1, "priority1",
					    "256", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "out of range 0..255"));
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_PRIORITY1, "priority1",
					    "1x", err, sizeof(err)), -EINVAL);
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_GRANDMASTER_SETTINGS_NP,
					    "leap61", "maybe", err,
					    sizeof(err)), -EINVAL);
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_GRANDMASTER_SETTINGS_NP,
					    "time_source", "SUNDIAL", err,
					    sizeof(err)), -EINVAL);
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_GRANDMASTER_SETTINGS_NP,
					    "current_utc_offset", "40000", err,
					    sizeof(err)), -EINVAL);
	assert_int_equal(mgmt_layout_assign(t, 0, BC_MID_PORT_STATS_NP, "rx",
					    "1", err, sizeof(err)), -EINVAL);
	/* an incomplete tree cannot be encoded */
	mgmt_tree_reset(t);
	assign(t, BC_MID_GRANDMASTER_SETTINGS_NP, "clock_class", "6");
	assert_int_equal(mgmt_encode_data(t, 0, BC_MID_GRANDMASTER_SETTINGS_NP,
					  data, sizeof(data), err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(mgmt_encode_data(t, 0, 0x7777, data, sizeof(data),
					  err, sizeof(err)), -ENOENT);
	mgmt_tree_free(t);
}

/* ---- the JSON schema follows the layouts ---- */

/* $defs/<def> lists exactly the keys of a decoded record of id (under
 * member key, one record of len octets after a header of hdr), in
 * order: clock_record_base (HVPTP_CLOCKS_NP), alarm_record
 * (HVPTP_ALARMS_NP). */
static void schema_record(json_object *defs, struct mgmt_tree *t,
			  const char *def, uint16_t id, const char *key,
			  size_t hdr, size_t len)
{
	static uint8_t one[8 + BC_MGMT_CLOCK_REC_LEN];
	json_object *d, *props, *req;
	int rec, n = 0;

	memset(one, 0, sizeof(one));
	one[0] = 1;
	assert_true(json_object_object_get_ex(defs, def, &d));
	assert_true(json_object_object_get_ex(d, "properties", &props));
	assert_true(json_object_object_get_ex(d, "required", &req));
	mgmt_tree_reset(t);
	assert_int_equal(mgmt_decode_data(t, 0, id, one, hdr + len), 0);
	rec = mgmt_tree_child(t, mgmt_tree_get(t, 0, key), 0);
	assert_true(rec > 0);
	for (int c = t->node[rec].first; c >= 0; c = t->node[c].next, n++) {
		json_object *r = json_object_array_get_idx(req, (size_t)n);

		if (!json_object_object_get_ex(props, t->node[c].key, NULL) ||
		    !r || strcmp(json_object_get_string(r), t->node[c].key))
			fail_msg("schema %s: key %s missing or out of order",
				 def, t->node[c].key);
	}
	assert_int_equal(json_object_object_length(props), n);
	assert_int_equal(json_object_array_length(req), (size_t)n);
}

/* docs/hvptpctl.schema.json has, for every layout, "data_<ID>" whose
 * properties (all required, no others) are exactly the decoder's keys. */
static void test_schema_matches_layouts(void **state)
{
	json_object *schema, *defs, *d, *props, *req;
	struct mgmt_tree *t = mgmt_tree_new();
	static uint8_t zeros[600];

	(void)state;
	schema = schema_load(&defs);
	for (int i = 0; i < mgmt_layout_count(); i++) {
		uint16_t id = mgmt_layout_at(i)->id;
		char name[96];
		int n = 0;

		snprintf(name, sizeof(name), "data_%s", bc_mgmt_id_name(id));
		if (!json_object_object_get_ex(defs, name, &d))
			fail_msg("schema: no $defs/%s", name);
		assert_true(json_object_object_get_ex(d, "properties", &props));
		assert_true(json_object_object_get_ex(d, "required", &req));
		mgmt_tree_reset(t);
		assert_int_equal(mgmt_decode_data(t, 0, id, zeros,
						  sizeof(zeros)), 0);
		for (int c = t->node[0].first; c >= 0; c = t->node[c].next, n++) {
			json_object *r = json_object_array_get_idx(req,
								   (size_t)n);

			if (!json_object_object_get_ex(props, t->node[c].key,
						       NULL) ||
			    !r || strcmp(json_object_get_string(r),
					 t->node[c].key))
				fail_msg("schema %s: key %s missing or out of "
					 "order", name, t->node[c].key);
		}
		assert_int_equal(json_object_object_length(props), n);
		assert_int_equal(json_object_array_length(req), (size_t)n);
	}
	schema_record(defs, t, "clock_record_base", BC_MID_HVPTP_CLOCKS_NP,
		      "clocks", 2, BC_MGMT_CLOCK_REC_LEN);
	schema_record(defs, t, "alarm_record", BC_MID_HVPTP_ALARMS_NP,
		      "alarms", 4, BC_MGMT_ALARM_REC_LEN);
	json_object_put(schema);
	mgmt_tree_free(t);
}

/* ---- exit codes and hints ---- */

static void test_exit_codes(void **state)
{
	char h[256];

	(void)state;
	assert_int_equal(mgmt_client_exit_code(0), 0);
	assert_int_equal(mgmt_client_exit_code(-ENOENT), 3);
	assert_int_equal(mgmt_client_exit_code(-EACCES), 3);
	assert_int_equal(mgmt_client_exit_code(-EPERM), 3);
	assert_int_equal(mgmt_client_exit_code(-ECONNREFUSED), 3);
	assert_int_equal(mgmt_client_exit_code(-ETIMEDOUT), 3);
	assert_int_equal(mgmt_client_exit_code(-ENAMETOOLONG), 2);
	assert_int_equal(mgmt_client_exit_code(-EBADMSG), 1);
	mgmt_client_hint(-ENOENT, "/var/run/hvptp/hvptpd", 1000, h, sizeof(h));
	assert_string_equal(h, "no hvptpd socket at /var/run/hvptp/hvptpd: "
			       "is it running? (-s PATH)");
	mgmt_client_hint(-EACCES, "/x", 1000, h, sizeof(h));
	assert_string_equal(h, "permission denied on /x: use the read-only "
			       "socket (hvptpd's uds_ro_address) or run as "
			       "root");
	mgmt_client_hint(-ECONNREFUSED, "/x", 1000, h, sizeof(h));
	assert_string_equal(h, "nothing listens on /x (stale socket: hvptpd "
			       "not running)");
	mgmt_client_hint(-ETIMEDOUT, "/x", 250, h, sizeof(h));
	assert_non_null(strstr(h, "no answer from /x within 250 ms"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_every_id, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_default_ds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_slave_values, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_servo_status, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_port_counters,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_decode_description_properties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_port_hwclock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_clocks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_clocks_more, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_host, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_feeds, setup,
						teardown),
		cmocka_unit_test(test_host_check_states),
		cmocka_unit_test(test_host_lines_named),
		cmocka_unit_test_setup_teardown(test_decode_bad_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decode_error_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_priorities, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_gm_settings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_port_ds_np, setup,
						teardown),
		cmocka_unit_test(test_set_subscribe),
		cmocka_unit_test(test_set_parity_ids),
		cmocka_unit_test(test_set_refusals),
		cmocka_unit_test(test_schema_matches_layouts),
		cmocka_unit_test(test_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
