/*
 * tests/unit/test_p2p.c — the peer-delay mechanism (bc/delay_p2p.c) on
 * whole clocks joined by tests/unit/bc_net.h's exact wire: the link delay
 * to the nanosecond on every port whatever its state, Sync offsets
 * corrected by it, the neighbour rate ratio taking the responder's
 * frequency error out of its turnaround, Follow_Up before its Pdelay_Resp,
 * lost answers, several responders on one segment (counted, then a
 * fault), delay_mechanism Auto and E2E beside P2P; one-step Sync and
 * Pdelay_Resp; 802.1AS asCapable and the Follow_Up information TLV.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/bc_net.h"

static struct net net; /* large: static, reset by each test */

static int setup(void **state)
{
	net_init(&net);
	*state = &net;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_free(&net);
	return 0;
}

#define OFF_A (1 * MS + 123)
#define OFF_B (-2500 * 1000 - 77)

/* A one-port clock on segment 0 with this delay mechanism. */
static int p2p_clock(uint8_t id, uint8_t prio1, enum delay_mechanism dm,
		     bool delay_auto, int64_t off)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0;

	net_clock_cfg(&cc, id, prio1);
	net_port_cfgs(&pc, 1);
	pc.delay_mechanism = dm;
	pc.delay_auto = delay_auto;
	return net_add(&net, &cc, &pc, 1, &seg, off);
}

static struct bc_pdelay_info pinfo(int c, int port)
{
	struct bc_pdelay_info pi;

	assert_int_equal(bc_port_pdelay_info(net.n[c].bc, port, &pi), 0);
	return pi;
}

/* Both ends know the link delay exactly, the master too; the slave's
 * Sync offsets take it off. */
static void test_p2p_exact(void **state)
{
	struct bc_pdelay_info pa, pb;
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net_start(&net);
	net_run(&net, 60 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	pa = pinfo(a, 0);
	pb = pinfo(b, 0);
	assert_true(pa.p2p && pa.valid && pb.p2p && pb.valid);
	assert_int_equal(pa.mean_link_delay_ns, NET_DELAY);
	assert_int_equal(pb.mean_link_delay_ns, NET_DELAY);
	assert_int_equal(bc_port_ds(net.n[a].bc, 0)->mean_link_delay_ns,
			 NET_DELAY);
	net_assert_pid(&pb.peer, 0xA, 1);
	assert_true(net.n[b].nsamples >= 20);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	assert_int_equal(net.n[b].samples[net.n[b].nsamples - 1].s.path_delay_ns,
			 NET_DELAY);
	/* one request a second each way, every one answered */
	assert_true(net.n[b].tx_count[0][PTP_MSG_PDELAY_REQ] >= 59);
	assert_true(net.n[a].tx_count[0][PTP_MSG_PDELAY_RESP_FOLLOW_UP] >= 59);
	assert_int_equal(net.n[a].tx_count[0][PTP_MSG_DELAY_REQ], 0);
	assert_int_equal(net.n[b].tx_count[0][PTP_MSG_DELAY_REQ], 0);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->pdelay_timeouts, 0);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->pdelay_multiple, 0);
	assert_int_equal(pb.lost_in_row, 0);
}

/* The wire format of what a two-step responder sends: Pdelay_Resp with
 * twoStepFlag and t2, its Follow_Up with t3 and the request's correction,
 * both to the requester. */
static void test_p2p_wire(void **state)
{
	struct ptp_msg m;
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net_start(&net);
	net_run(&net, 5 * SEC);
	net_last_msg(&net, a, 0, PTP_MSG_PDELAY_RESP, &m);
	assert_true(m.hdr.flags & PTP_FLAG_TWO_STEP);
	assert_int_equal(m.hdr.log_msg_interval, 0x7F);
	net_assert_pid(&m.body.pdelay_resp.requesting_port_identity,
		       0xB, 1);
	net_last_msg(&net, a, 0, PTP_MSG_PDELAY_RESP_FOLLOW_UP, &m);
	net_assert_pid(&m.body.pdelay_resp.requesting_port_identity,
		       0xB, 1);
	assert_int_equal(m.hdr.correction, 0);
	net_last_msg(&net, b, 0, PTP_MSG_PDELAY_REQ, &m);
	assert_int_equal(m.hdr.log_msg_interval, 0x7F);
	assert_int_equal(m.n_tlvs, 0);
}

/* A responder 100 ppm fast that takes 10 ms to answer counts 1 us too
 * much of turnaround: 500 ns of link delay without the rate ratio.  With
 * it (measured over freq_est_interval) the delay is exact to rounding. */
static void test_p2p_rate_ratio(void **state)
{
	struct bc_pdelay_info pb;
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net.n[a].ppb = 100000;
	net.n[a].hold[PTP_MSG_PDELAY_REQ] = 10 * MS;
	net_start(&net);
	net_run(&net, 1500 * MS);
	/* before a ratio (two exchanges 2^freq_est_interval s apart): the
	 * responder's turnaround taken as it says, 500 ns off */
	pb = pinfo(b, 0);
	assert_true(pb.valid);
	assert_false(pb.nrr_valid);
	assert_int_equal(pb.mean_link_delay_ns, NET_DELAY - 500);
	net_run(&net, 60 * SEC);
	pb = pinfo(b, 0);
	assert_true(pb.nrr_valid);
	/* (r - 1) * 2^41 with r = 1 + 1e-4 */
	assert_true(llabs(pb.nrr_scaled - 219902326) < 220);
	assert_true(llabs(pb.mean_link_delay_ns - NET_DELAY) <= 1);
	/* the other way the requester A is the fast one: r = 1 / (1 + 1e-4) */
	assert_true(llabs(pinfo(a, 0).nrr_scaled + 219880337) < 220);
}

/* The Follow_Up overtakes its Pdelay_Resp: the exchange still finishes. */
static void test_p2p_follow_up_first(void **state)
{
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net.n[b].hold[PTP_MSG_PDELAY_RESP] = 50 * 1000;
	net_start(&net);
	net_run(&net, 20 * SEC);
	assert_true(pinfo(b, 0).valid);
	assert_int_equal(pinfo(b, 0).mean_link_delay_ns, NET_DELAY);
	assert_int_equal(bc_port_counters(net.n[b].bc, 0)->pdelay_timeouts, 0);
	(void)a;
}

/* A silent neighbour: every request counts as lost, none measured. */
static void test_p2p_lost(void **state)
{
	const struct bc_port_counters *cn;
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net.n[a].silent = true;
	net_start(&net);
	net_run(&net, 10 * SEC);
	cn = bc_port_counters(net.n[b].bc, 0);
	assert_false(pinfo(b, 0).valid);
	assert_true(cn->pdelay_timeouts >= 9 && cn->pdelay_timeouts <= 11);
	assert_int_equal(pinfo(b, 0).lost_in_row, cn->pdelay_timeouts);
	/* the neighbour speaks again: measured, the run of losses ends */
	net.n[a].silent = false;
	net_run(&net, 5 * SEC);
	assert_true(pinfo(b, 0).valid);
	assert_int_equal(pinfo(b, 0).lost_in_row, 0);
}

/* Three P2P clocks on one segment: each request has two answers.  The
 * second is dropped and counted, the exchange not used, and after more
 * than allowedLostResponses such requests in a row the port faults as
 * ptp4l's does (FT_BAD_PEER_NETWORK). */
static void test_p2p_multiple_responders(void **state)
{
	const struct bc_port_status *st;
	int a, b, c;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	c = p2p_clock(0xC, 210, DM_P2P, false, 0);
	net_start(&net);
	net_run(&net, 4500 * MS);
	assert_true(net_drops(&net, b, 0, BC_DROP_MULTIPLE_PEERS) >= 3);
	assert_true(bc_port_counters(net.n[b].bc, 0)->pdelay_multiple >= 3);
	assert_false(pinfo(b, 0).valid);
	net_run(&net, 2 * SEC);
	st = bc_port_status(net.n[b].bc, 0);
	assert_int_equal(st->fault, BC_FAULT_PEER_NETWORK);
	assert_true(bc_port_counters(net.n[b].bc, 0)->faults >= 1);
	assert_string_equal(bc_fault_name(BC_FAULT_PEER_NETWORK),
			    "bad_peer_network");
	(void)a;
	(void)c;
}

/* Auto: E2E until the neighbour's Pdelay_Req, then P2P for good; E2E
 * proper drops the neighbour's Pdelay_Req as the other mechanism's. */
static void test_p2p_auto(void **state)
{
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_E2E, true, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	assert_int_equal(bc_port_ds(net.n[a].bc, 0)->delay_mechanism, DM_E2E);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_int_equal(bc_port_ds(net.n[a].bc, 0)->delay_mechanism, DM_P2P);
	assert_true(pinfo(a, 0).valid);
	assert_int_equal(pinfo(a, 0).mean_link_delay_ns, NET_DELAY);
	assert_int_equal(pinfo(b, 0).mean_link_delay_ns, NET_DELAY);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	net_free(&net);
	net_init(&net);

	a = p2p_clock(0xA, 100, DM_E2E, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net_start(&net);
	net_run(&net, 10 * SEC);
	assert_int_equal(bc_port_ds(net.n[a].bc, 0)->delay_mechanism, DM_E2E);
	assert_true(net_drops(&net, a, 0, BC_DROP_WRONG_MECHANISM) >= 9);
	assert_false(pinfo(b, 0).valid);
	assert_false(pinfo(a, 0).p2p);
}

/* A clock step between the Pdelay_Req and its TX timestamp moves
 * nothing: t1 is taken as it was when the request left. */
static void test_p2p_step_in_flight(void **state)
{
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net.n[b].tx_ts_delay = 2 * MS;
	net_start(&net);
	net_run(&net, 20 * SEC);
	net.step = (struct net_step_hook){ .c = b, .tx = true,
					   .type = PTP_MSG_PDELAY_REQ,
					   .step_ns = 5 * MS };
	net_run(&net, 3 * SEC);
	assert_true(net.step.done_at != 0);
	assert_int_equal(pinfo(b, 0).mean_link_delay_ns, NET_DELAY);
	(void)a;
}

/* One-step (time_stamping onestep, p2p1step): Syncs without twoStepFlag
 * and without Follow_Up, Pdelay_Resp without twoStepFlag carrying the
 * request's correction (the NIC adds the turnaround) and without
 * Follow_Up; none waits for a TX timestamp, so a NIC that gives none
 * faults nothing.  A two-step slave takes the one-step Syncs (t1 from
 * originTimestamp, written by the "NIC" at egress) to the nanosecond. */
static void test_one_step(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct ptp_msg m;
	int a, b, seg = 0;

	(void)state;
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.one_step = true;
	a = net_add(&net, &cc, &pc, 1, &seg, OFF_A);
	b = net_add_simple(&net, 0xB, 200, 0, OFF_B);
	net.n[a].onestep_nic = true;
	net.n[a].no_tx_ts = true;
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	net_last_msg(&net, a, 0, PTP_MSG_SYNC, &m);
	assert_false(m.hdr.flags & PTP_FLAG_TWO_STEP);
	assert_int_equal(net.n[a].tx_count[0][PTP_MSG_FOLLOW_UP], 0);
	assert_true(net.n[a].tx_count[0][PTP_MSG_SYNC] >= 15);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->tx_ts_timeouts, 0);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->faults, 0);
	assert_true(net.n[b].nsamples >= 10);
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
	net_free(&net);
	net_init(&net);

	/* p2p1step responder */
	net_clock_cfg(&cc, 0xA, 100);
	net_port_cfgs(&pc, 1);
	pc.delay_mechanism = DM_P2P;
	pc.p2p_one_step = true;
	a = net_add(&net, &cc, &pc, 1, &seg, OFF_A);
	b = p2p_clock(0xB, 200, DM_P2P, false, OFF_B);
	net.n[a].onestep_nic = true;
	net_start(&net);
	net_run(&net, 10 * SEC);
	net_last_msg(&net, a, 0, PTP_MSG_PDELAY_RESP, &m);
	assert_false(m.hdr.flags & PTP_FLAG_TWO_STEP);
	assert_int_equal(m.body.pdelay_resp.timestamp.seconds, 0);
	assert_int_equal(m.hdr.correction, 0); /* the request's */
	assert_int_equal(net.n[a].tx_count[0][PTP_MSG_PDELAY_RESP_FOLLOW_UP], 0);
	net_last_msg(&net, a, 0, PTP_MSG_SYNC, &m);
	assert_false(m.hdr.flags & PTP_FLAG_TWO_STEP);
	/* no turnaround added here (no such NIC in bc_net): t4 - t1 / 2 */
	assert_int_equal(pinfo(b, 0).mean_link_delay_ns, NET_DELAY);
	assert_int_equal(bc_port_counters(net.n[a].bc, 0)->tx_ts_timeouts, 0);
}

/* ---- 802.1AS (gPTP) ---- */

/* A one-port 802.1AS clock (follow_up_info, P2P) on segment 0. */
static int gptp_clock(uint8_t id, uint8_t prio1, int64_t off,
		      int64_t thresh, bool always)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0;

	net_clock_cfg(&cc, id, prio1);
	net_port_cfgs(&pc, 1);
	pc.delay_mechanism = DM_P2P;
	pc.follow_up_info = true;
	pc.as_capable_always = always;
	pc.neighbor_prop_delay_thresh_ns = thresh;
	return net_add(&net, &cc, &pc, 1, &seg, off);
}

/* asCapable from the peer delay: not before a delay and a rate ratio are
 * known, then on both sides; Follow_Ups carry the information TLV, which
 * the slave keeps. */
static void test_gptp_as_capable(void **state)
{
	struct ptp_msg m;
	int a, b;

	(void)state;
	a = gptp_clock(0xA, 100, OFF_A, 800 * 1000, false);
	b = gptp_clock(0xB, 200, OFF_B, 800 * 1000, false);
	net_start(&net);
	net_run(&net, 1500 * MS);
	/* one exchange each way: a delay, no rate ratio yet */
	assert_true(pinfo(a, 0).valid);
	assert_false(pinfo(a, 0).nrr_valid);
	assert_false(pinfo(a, 0).as_capable);
	net_run(&net, 40 * SEC);
	assert_true(pinfo(a, 0).as_capable && pinfo(b, 0).as_capable);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	net_last_msg(&net, a, 0, PTP_MSG_FOLLOW_UP, &m);
	assert_true(m.tlv_view.has_follow_up_info);
	assert_int_equal(m.n_tlvs, 1);
	assert_int_equal(m.tlvs[0].type, TLV_ORGANIZATION_EXTENSION);
	assert_int_equal(m.tlvs[0].length, PTP_FUP_INFO_LEN);
	assert_non_null(bc_follow_up_info(net.n[b].bc));
	assert_null(bc_follow_up_info(net.n[a].bc));
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
}

/* A link delay above neighborPropDelayThresh: never asCapable, so no
 * Sync or Announce goes out, the neighbour's are ignored (counted), and
 * nobody is anybody's slave; asCapable true overrides it. */
static void test_gptp_threshold(void **state)
{
	int a, b;

	(void)state;
	a = gptp_clock(0xA, 100, OFF_A, NET_DELAY - 1, false);
	b = gptp_clock(0xB, 200, OFF_B, NET_DELAY - 1, false);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(pinfo(b, 0).valid && pinfo(b, 0).nrr_valid);
	assert_false(pinfo(a, 0).as_capable || pinfo(b, 0).as_capable);
	assert_int_equal(net.n[a].tx_count[0][PTP_MSG_SYNC], 0);
	assert_int_equal(net.n[a].tx_count[0][PTP_MSG_ANNOUNCE], 0);
	assert_false(net_is_slave_state(net_state(&net, b, 0)));
	assert_int_equal(net.n[b].nsamples, 0);
	net_free(&net);
	net_init(&net);

	a = gptp_clock(0xA, 100, OFF_A, NET_DELAY - 1, true);
	b = gptp_clock(0xB, 200, OFF_B, NET_DELAY - 1, true);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(pinfo(b, 0).as_capable);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	net_assert_samples(&net, b, 0, OFF_B - OFF_A);
}

/* An 802.1AS slave drops a Follow_Up without the information TLV (as
 * ptp4l): a plain 1588 master's Syncs give it no sample. */
static void test_gptp_fup_without_info(void **state)
{
	int a, b;

	(void)state;
	a = p2p_clock(0xA, 100, DM_P2P, false, OFF_A);
	b = gptp_clock(0xB, 200, OFF_B, 800 * 1000, false);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_true(net_is_slave_state(net_state(&net, b, 0)));
	assert_true(net_drops(&net, b, 0, BC_DROP_BAD_TLV) >= 10);
	assert_int_equal(net.n[b].nsamples, 0);
	(void)a;
}

/* The TLV on the wire: every field round-trips; another organisation's
 * subtype 1 is not it; a wrong length is a bad TLV. */
static void test_gptp_tlv(void **state)
{
	struct ptp_follow_up_info f = { -123456, 0xBEEF, { 1, 2, 3, 4, 5, 6,
							   7, 8, 9, 10, 11,
							   12 },
					 -98765 };
	uint8_t scratch_buf[64], buf[PTP_MAX_MSG_LEN];
	struct wire_writer scratch;
	enum bc_drop why;
	struct ptp_msg m, u;
	int n;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_FOLLOW_UP, 1);
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	assert_int_equal(tlv_put_follow_up_info(&m, &scratch, &f), 0);
	n = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(n, 44 + 4 + PTP_FUP_INFO_LEN);
	assert_int_equal(buf[48], 0x00); /* organizationId 00-80-C2 */
	assert_int_equal(buf[49], 0x80);
	assert_int_equal(buf[50], 0xC2);
	assert_int_equal(buf[53], 0x01); /* subtype 00-00-01 */
	assert_int_equal(msg_unpack(buf, (size_t)n, &u, &why), 0);
	assert_true(u.tlv_view.has_follow_up_info);
	assert_int_equal(u.tlv_view.follow_up_info.cumulative_scaled_rate_offset,
			 -123456);
	assert_int_equal(u.tlv_view.follow_up_info.gm_time_base_indicator,
			 0xBEEF);
	assert_memory_equal(u.tlv_view.follow_up_info.last_gm_phase_change,
			    f.last_gm_phase_change, 12);
	assert_int_equal(u.tlv_view.follow_up_info.scaled_last_gm_phase_change,
			 -98765);
	buf[50] = 0xC3; /* another organisation */
	assert_int_equal(msg_unpack(buf, (size_t)n, &u, &why), 0);
	assert_false(u.tlv_view.has_follow_up_info);
	buf[50] = 0xC2;
	buf[47] = PTP_FUP_INFO_LEN - 2; /* lengthField: 2 short */
	buf[3] = (uint8_t)(n - 2); /* messageLength */
	assert_int_equal(msg_unpack(buf, (size_t)n - 2, &u, &why), -EBADMSG);
	assert_int_equal(why, BC_DROP_BAD_TLV);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_p2p_exact),
		T(test_p2p_wire),
		T(test_p2p_rate_ratio),
		T(test_p2p_follow_up_first),
		T(test_p2p_lost),
		T(test_p2p_multiple_responders),
		T(test_p2p_auto),
		T(test_p2p_step_in_flight),
		T(test_one_step),
		T(test_gptp_as_capable),
		T(test_gptp_threshold),
		T(test_gptp_fup_without_info),
		T(test_gptp_tlv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
