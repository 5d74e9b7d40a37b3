/*
 * tests/unit/test_mgmt_hvptp.c — hvptp's own management IDs in the core
 * (bc/mgmt.h, bc/mgmt_ids.c): HVPTP_SERVO_STATUS_NP (0xD000, clock),
 * HVPTP_PORT_DROPS_NP (0xD001, port), HVPTP_PORT_STATUS_NP (0xD005,
 * port) and HVPTP_FOREIGN_MASTERS_NP (0xD006, port), and the standard's PATH_TRACE_LIST, checked on the raw bytes at the
 * offsets docs/hvptpctl.md documents, independently of hvptpctl's
 * decoders: every field against what the core was told or counted,
 * saturation and rounding, unknown time-error estimates, port addressing,
 * and the refusal of SET (GET-only IDs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "tests/unit/mgmt_test.h"

static void test_ids_named(void **state)
{
	(void)state;
	assert_string_equal(bc_mgmt_id_name(0xD000), "HVPTP_SERVO_STATUS_NP");
	assert_string_equal(bc_mgmt_id_name(0xD001), "HVPTP_PORT_DROPS_NP");
	assert_int_equal(bc_mgmt_id_from_name("hvptp_servo_status_np"),
			 0xD000);
	assert_false(bc_mgmt_id_is_port(BC_MID_HVPTP_SERVO_STATUS_NP));
	assert_true(bc_mgmt_id_is_port(BC_MID_HVPTP_PORT_DROPS_NP));
	assert_int_equal(BC_MGMT_PORT_DROPS_NP_LEN,
			 44 + 8 * (BC_DROP_COUNT - 1));
}

static void test_servo_status_bytes(void **state)
{
	struct bc_servo_status st = {
		.valid = true, .offset_ns = -1234, .path_delay_ns = 5678,
		.freq_ppb = 100.5, .state = 3, .te_estimate_ns = 40.25,
		.holdover = true, .steps = 7, .at_ns = 0x0102030405LL,
		.locked_since_ns = 0x0a0b, .state_since_ns = 0x0c0d,
		.win = { .n = 9, .complete = true, .span_ns = 60000000000LL,
			 .offset_rms_ns = 12.4, .offset_max_ns = 30.6,
			 .freq_mean_ppb = -2.5, .freq_stddev_ppb = 0.25,
			 .delay_mean_ns = 1000.0, .delay_max_ns = 1200.0,
			 .delay_stddev_ns = 50.0 },
	};
	struct bc *bc = one_clock(2);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	bc_set_servo_status(bc, &st);
	p = get1(bc, BC_MID_HVPTP_SERVO_STATUS_NP, &len);
	assert_source(bc, 0, 0);
	assert_int_equal(len, BC_MGMT_SERVO_STATUS_NP_FULL_LEN);
	assert_int_equal(p[0], BC_MGMT_SERVO_VALID | BC_MGMT_SERVO_HOLDOVER |
				       BC_MGMT_SERVO_TE_KNOWN);
	assert_int_equal(p[1], 3);
	assert_int_equal(be64(p + 2), -1234LL * 65536);
	assert_int_equal(be64(p + 10), 5678LL * 65536);
	assert_int_equal(be64(p + 18), 100 * 65536 + 32768); /* 100.5 ppb */
	assert_int_equal(be64(p + 26), 40 * 65536 + 16384); /* 40.25 ns */
	assert_int_equal(be64(p + 34), 7);
	assert_int_equal(be64(p + 42), 0x0102030405LL);
	/* since issue 10: lock, state change, the window */
	assert_int_equal(be64(p + 50), 0x0a0b);
	assert_int_equal(be64(p + 58), 0x0c0d);
	assert_int_equal(p[66], BC_MGMT_WIN_KNOWN | BC_MGMT_WIN_COMPLETE);
	assert_int_equal(be32(p + 70), 9);
	assert_int_equal(be64(p + 74), 60000000000LL * 65536);
	assert_int_equal(be64(p + 82), 12LL * 65536); /* rounded */
	assert_int_equal(be64(p + 90), 31LL * 65536);
	assert_int_equal(be64(p + 98), -2 * 65536 - 32768);
	assert_int_equal(be64(p + 106), 16384);
	assert_int_equal(be64(p + 114), 1000LL * 65536);
	assert_int_equal(be64(p + 122), 1200LL * 65536);
	assert_int_equal(be64(p + 130), 50LL * 65536);

	/* unknown estimate, no sample, negative frequency, huge values */
	memset(&st, 0, sizeof(st));
	st.te_estimate_ns = -1.0;
	st.freq_ppb = -1e30;
	st.offset_ns = INT64_MIN;
	st.state = 1000;
	bc_set_servo_status(bc, &st);
	p = get1(bc, BC_MID_HVPTP_SERVO_STATUS_NP, &len);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 0xFF);
	assert_int_equal(be64(p + 2), -(INT64_MAX / 65536) * 65536);
	assert_true(be64(p + 18) < -(int64_t)1e18); /* saturated, negative */
	assert_int_equal(be64(p + 26), 0);
	assert_int_equal(be64(p + 42), 0);
	assert_int_equal(be64(p + 50), 0); /* never locked */
	assert_int_equal(p[66], 0); /* no window: its figures 0 */
	assert_int_equal(be32(p + 70), 0);
	for (int off = 74; off < BC_MGMT_SERVO_STATUS_NP_FULL_LEN; off += 8)
		assert_int_equal(be64(p + off), 0);
}

static void test_servo_status_readonly_get(void **state)
{
	struct bc *bc = one_clock(1);
	uint16_t len;

	(void)state;
	/* GET works on the read-only socket */
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_HVPTP_SERVO_STATUS_NP,
			     NULL, 0, true), 0);
	assert_int_equal(out.n, 1);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_HVPTP_SERVO_STATUS_NP, &len);
	assert_int_equal(len, BC_MGMT_SERVO_STATUS_NP_FULL_LEN);
	/* SET: not settable (GET-only ID) */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_HVPTP_SERVO_STATUS_NP,
			     (const uint8_t *)"\0\0", 2, false), 0);
	assert_error(bc, 0, BC_MID_HVPTP_SERVO_STATUS_NP,
		     TLV_MGMT_ERR_NOT_SETABLE);
}

static void test_port_drops_bytes(void **state)
{
	uint8_t junk[6] = { 0 };
	const struct bc_port_counters *pc;
	struct port_identity pid;
	struct bc *bc;
	uint16_t len;
	const uint8_t *p;
	int c;

	(void)state;
	bc = slave_clock(&c);
	for (int i = 0; i < 3; i++)
		net_inject(&net, c, 0, junk, sizeof(junk));
	pc = bc_port_counters(bc, 0);
	assert_int_equal(pc->drop[BC_DROP_TOO_SHORT], 3);
	pid = bc_port_ds(bc, 0)->port_identity;
	p = get_port(bc, BC_MID_HVPTP_PORT_DROPS_NP, 0, &len);
	assert_int_equal(len, BC_MGMT_PORT_DROPS_NP_LEN);
	assert_pid_at(p, &pid);
	assert_int_equal(be64(p + 10), (int64_t)pc->tx_ts_timeouts);
	assert_int_equal(be64(p + 18), (int64_t)pc->announce_timeouts);
	assert_int_equal(be64(p + 26), (int64_t)pc->sync_timeouts);
	assert_int_equal(be64(p + 34), (int64_t)pc->faults);
	assert_int_equal(be16(p + 42), BC_DROP_COUNT - 1);
	for (int i = 1; i < BC_DROP_COUNT; i++)
		assert_int_equal(be64(p + 44 + 8 * (i - 1)),
				 (int64_t)pc->drop[i]);
	assert_int_equal(be64(p + 44 + 8 * (BC_DROP_TOO_SHORT - 1)), 3);
}

/* HVPTP_FOREIGN_MASTERS_NP (0xD006, port): the slave's table holds its
 * master; a worse sender X heard once is a sighting, heard again a
 * record (qualified), and a copy of its last Announce a duplicate. */
static void test_foreign_masters_bytes(void **state)
{
	uint8_t buf[256];
	struct port_identity pid;
	struct bc *bc;
	uint16_t len;
	const uint8_t *p;
	int64_t sighted;
	int c, n;

	(void)state;
	bc = slave_clock(&c);
	pid = bc_port_ds(bc, 0)->port_identity;
	p = get_port(bc, BC_MID_HVPTP_FOREIGN_MASTERS_NP, 0, &len);
	assert_int_equal(len, BC_MGMT_FOREIGN_MASTERS_NP_LEN);
	assert_pid_at(p, &pid);
	assert_int_equal(p[10], 1); /* records: the master */
	assert_int_equal(p[11], BMCA_MAX_FOREIGN);
	assert_int_equal(p[13], 2); /* FOREIGN_MASTER_THRESHOLD */
	assert_int_equal(p[14], 4); /* FOREIGN_MASTER_TIME_WINDOW */
	sighted = be64(p + 32);
	assert_true(sighted >= 1);
	assert_int_equal(be64(p + 16), 0);
	assert_int_equal(be64(p + 24), 0);
	assert_int_equal(be64(p + 40), 0);
	assert_int_equal(be64(p + 48), FM_SEEN_SLOTS);
	assert_int_equal(be64(p + 56), 0);
	for (int k = 0; k < 3; k++) {
		n = net_build_announce(buf, sizeof(buf), net_pid(0x58, 1), 0x58,
				       250, 0, (uint16_t)(k ? 6 : 5), NULL, 0);
		net_inject(&net, c, 0, buf, (size_t)n);
		if (k == 0) {
			p = get_port(bc, BC_MID_HVPTP_FOREIGN_MASTERS_NP, 0,
				     &len);
			assert_int_equal(p[10], 1);
			assert_int_equal(be64(p + 32), sighted + 1);
		}
	}
	p = get_port(bc, BC_MID_HVPTP_FOREIGN_MASTERS_NP, 0, &len);
	assert_int_equal(p[10], 2);
	assert_int_equal(be64(p + 32), sighted + 1);
	assert_int_equal(be64(p + 40), 1); /* the copy */
}

static void test_port_drops_addressing(void **state)
{
	struct bc *bc = one_clock(3);
	uint16_t len;

	(void)state;
	/* every port answers, each from its own portIdentity */
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_HVPTP_PORT_DROPS_NP,
			     NULL, 0, false), 0);
	assert_int_equal(out.n, 3);
	for (int i = 0; i < 3; i++) {
		response(bc, i, PTP_MGMT_RESPONSE, BC_MID_HVPTP_PORT_DROPS_NP,
			 &len);
		assert_source(bc, i, (uint16_t)(i + 1));
	}
	/* port 2 only; port 9 does not exist */
	get_port(bc, BC_MID_HVPTP_PORT_DROPS_NP, 1, &len);
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_HVPTP_PORT_DROPS_NP,
				NULL, 0, port_target(9), false),
			 0);
	assert_error(bc, 0, BC_MID_HVPTP_PORT_DROPS_NP,
		     TLV_MGMT_ERR_WRONG_VALUE);
	/* fault counter */
	bc_actions_init(&out);
	assert_int_equal(bc_port_fault(bc, 2, T0, &out), 0);
	{
		const uint8_t *p = get_port(bc, BC_MID_HVPTP_PORT_DROPS_NP, 2,
					    &len);

		assert_int_equal(be64(p + 34), 1);
	}
}

/* A port's state history and last fault: after the link went down and came
 * back the reason stays, the state time moves on. */
static void test_port_status_bytes(void **state)
{
	struct bc *bc = one_clock(2);
	struct port_identity pid = bc_port_ds(bc, 1)->port_identity;
	uint16_t len;
	const uint8_t *p;

	(void)state;
	p = get_port(bc, BC_MID_HVPTP_PORT_STATUS_NP, 1, &len);
	/* + phc_index (-1: software), timestamping, reserved, interface */
	assert_int_equal(len, (BC_MGMT_PORT_STATUS_NP_LEN + 7 +
			       p[BC_MGMT_PORT_STATUS_NP_LEN + 6] + 1) & ~1);
	assert_int_equal(be32(p + BC_MGMT_PORT_STATUS_NP_LEN), 0xFFFFFFFFu);
	assert_pid_at(p, &pid);
	assert_int_equal(p[11], BC_FAULT_NONE);
	assert_int_equal(be64(p + 26), 0); /* never faulted */
	bc_actions_init(&out);
	assert_int_equal(bc_port_link(bc, 1, false, T0 + 5, &out), 0);
	p = get_port(bc, BC_MID_HVPTP_PORT_STATUS_NP, 1, &len);
	assert_int_equal(p[10], PS_FAULTY);
	assert_int_equal(p[11], BC_FAULT_LINK_DOWN);
	assert_int_equal(be32(p + 14), 0);
	assert_int_equal(be64(p + 18), T0 + 5);
	assert_int_equal(be64(p + 26), T0 + 5);
	bc_actions_init(&out);
	assert_int_equal(bc_port_link(bc, 1, true, T0 + 9, &out), 0);
	p = get_port(bc, BC_MID_HVPTP_PORT_STATUS_NP, 1, &len);
	assert_int_not_equal(p[10], PS_FAULTY);
	assert_int_equal(p[11], BC_FAULT_LINK_DOWN); /* the last fault */
	assert_int_equal(be64(p + 18), T0 + 9);
	assert_int_equal(be64(p + 26), T0 + 5);
	/* the program's own reason, with its errno */
	bc_actions_init(&out);
	assert_int_equal(bc_port_fault_why(bc, 1, BC_FAULT_SEND, 105, T0 + 20,
					   &out),
			 0);
	p = get_port(bc, BC_MID_HVPTP_PORT_STATUS_NP, 1, &len);
	assert_int_equal(p[11], BC_FAULT_SEND);
	assert_int_equal(be32(p + 14), 105);
	assert_int_equal(bc_port_fault_why(bc, 1, BC_FAULT_NONE, 0, T0, &out),
			 -EINVAL);
	/* the path trace: none while this clock is its own grandmaster */
	get1(bc, BC_MID_PATH_TRACE_LIST, &len);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_named),
		cmocka_unit_test_setup_teardown(test_servo_status_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_servo_status_readonly_get,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_drops_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_foreign_masters_bytes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_drops_addressing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_status_bytes, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
