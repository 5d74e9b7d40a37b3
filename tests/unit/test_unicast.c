/*
 * tests/unit/test_unicast.c — unicast negotiation (bc/unicast.c): the four
 * TLVs byte for byte; a grandmaster with unicast_listen and clients with a
 * unicast master table on the test network for hours (grants, renewals
 * at 3/4 of the duration, per-client Sync, hybrid Delay_Req, expiry of a
 * client that went silent, inhibit_multicast_service); and, driven
 * directly, a full peer set (counted refusals), bad intervals, CANCEL and
 * its acknowledgement, a denial sending a client back to asking.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bc/mgmt.h"
#include "tests/unit/bc_net.h"

/* ---- TLVs ---- */

/* A Signaling message with the given TLVs, packed and unpacked again. */
static void sig_roundtrip(const struct tlv_uc *in, int n, struct ptp_msg *out,
			  uint8_t *buf, size_t cap)
{
	uint8_t scratch[128];
	struct wire_writer w;
	struct ptp_msg m;
	int len;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_SIGNALING, 1);
	wire_writer_init(&w, scratch, sizeof(scratch));
	for (int i = 0; i < n; i++)
		assert_int_equal(tlv_put_uc(&m, &w, &in[i]), 0);
	len = msg_pack(&m, buf, cap);
	assert_true(len > 0);
	assert_int_equal(msg_unpack(buf, (size_t)len, out, NULL), 0);
	assert_int_equal(out->n_tlvs, n);
}

static void test_tlvs(void **state)
{
	const struct tlv_uc in[] = {
		{ TLV_REQUEST_UNICAST_TRANSMISSION, PTP_MSG_SYNC, -3, 60, 0 },
		{ TLV_GRANT_UNICAST_TRANSMISSION, PTP_MSG_ANNOUNCE, 1, 300,
		  TLV_UC_GRANT_RENEWAL_INVITED },
		{ TLV_CANCEL_UNICAST_TRANSMISSION, PTP_MSG_DELAY_RESP, 0, 0,
		  TLV_UC_CANCEL_MAINTAIN_GRANT },
		{ TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION, PTP_MSG_SYNC, 0,
		  0, 0 },
	};
	/* IEEE 1588-2019 16.1.4.1-4: type, length, messageType in the high
	 * nibble, then the fields */
	static const uint8_t wire[] = {
		0x00, 0x04, 0x00, 0x06, 0x00, 0xFD, 0x00, 0x00, 0x00, 0x3C,
		0x00, 0x05, 0x00, 0x08, 0xB0, 0x01, 0x00, 0x00, 0x01, 0x2C,
		0x00, 0x01,
		0x00, 0x06, 0x00, 0x02, 0x92, 0x00,
		0x00, 0x07, 0x00, 0x02, 0x00, 0x00,
	};
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct ptp_msg m;
	struct tlv_uc t;
	struct ptp_tlv bad;

	(void)state;
	sig_roundtrip(in, 4, &m, buf, sizeof(buf));
	assert_memory_equal(buf + PTP_HEADER_LEN + 10, wire, sizeof(wire));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(tlv_get_uc(&m.tlvs[i], &t), 0);
		assert_int_equal(t.type, in[i].type);
		assert_int_equal(t.msg_type, in[i].msg_type);
		assert_int_equal(t.log_period, in[i].log_period);
		assert_int_equal(t.duration, in[i].duration);
		assert_int_equal(t.flags, in[i].flags);
	}
	/* another type, a wrong length: refused */
	bad = m.tlvs[0];
	bad.type = TLV_PATH_TRACE;
	assert_int_equal(tlv_get_uc(&bad, &t), -EBADMSG);
	bad = m.tlvs[1];
	bad.length = 6;
	assert_int_equal(tlv_get_uc(&bad, &t), -EBADMSG);
	t = in[0];
	t.type = TLV_PATH_TRACE;
	assert_int_equal(tlv_put_uc(&m, &(struct wire_writer){ 0 }, &t),
			 -EINVAL);
}

/* ---- a unicast network ---- */

#define GM 0
static struct net net;

static void uc_net(int nclients, bool inhibit)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	const int seg = 0;

	net_init(&net);
	net.addrs = true;
	net_clock_cfg(&cc, 0x10, 100);
	net_port_cfgs(&pc, 1);
	pc.unicast_listen = true;
	pc.hybrid_e2e = true;
	pc.inhibit_multicast_service = inhibit;
	net_add(&net, &cc, &pc, 1, &seg, 0);
	for (int i = 0; i < nclients; i++) {
		net_clock_cfg(&cc, (uint8_t)(0x20 + i), 128);
		cc.slave_only = true;
		net_port_cfgs(&pc, 1);
		pc.uc_nmasters = 1;
		pc.uc_master[0] = net_addr(GM, 0);
		pc.uc_master_paddr[0] = (struct bc_port_address){
			1, 4, { 10, 0, 0, 1 } };
		pc.uc_log_query_interval = 0;
		pc.uc_req_duration = 60;
		pc.hybrid_e2e = true;
		net_add(&net, &cc, &pc, 1, &seg, 1000 * (i + 1));
	}
	net_start(&net);
}

static void check_clients_follow_gm(int nclients)
{
	for (int c = 1; c <= nclients; c++) {
		assert_true(net_is_slave_state(net_state(&net, c, 0)));
		net_assert_pid(&bc_parent_ds(net.n[c].bc)->parent_port_identity,
			       0x10, 1);
	}
}

/* UNICAST_MASTER_TABLE_NP of clock c's port 1, as a local client asks:
 * the dataField into data (its length returned). */
static int get_uc_table(int c, uint8_t *data, size_t cap)
{
	uint8_t buf[PTP_MAX_MSG_LEN], value[2] = { 0xC0, 0x08 };
	struct bc_mgmt_req r;
	struct bc_actions a;
	struct ptp_msg m;
	int len;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_MANAGEMENT, 0);
	m.hdr.source_port_identity = net_pid(0x99, 1);
	m.body.management.target_port_identity = net_pid(0xFF, 0xFFFF);
	memset(&m.body.management.target_port_identity, 0xFF, 10);
	m.body.management.action = PTP_MGMT_GET;
	assert_int_equal(tlv_append(&m, TLV_MANAGEMENT, value, 2), 0);
	len = msg_pack(&m, buf, sizeof(buf));
	bc_actions_init(&a);
	assert_int_equal(bc_mgmt(net.n[c].bc, buf, (size_t)len, true, net.now,
				 &a),
			 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(bc_mgmt_parse(bc_action_buf(&a, &a.a[0]),
				       a.a[0].u.send.len, &r, NULL),
			 0);
	assert_false(r.is_error);
	assert_int_equal(r.id, BC_MID_UNICAST_MASTER_TABLE_NP);
	assert_true(r.data_len <= cap);
	memcpy(data, r.data, r.data_len);
	return r.data_len;
}

/* Client 1's UNICAST_MASTER_TABLE_NP as ptp4l 4.4 encodes it, the
 * grandmaster's empty one, and the grandmaster's per-client Sync timers
 * apart from each other. */
static void check_table_and_phases(void)
{
	static const uint8_t want[] = {
		0x00, 0x01,
		0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10, 0x10, 0x00, 0x01,
		248, 0xFE, 0xFF, 0xFF,
		1, 3, 100, 128,
		0x00, 0x01, 0x00, 0x04, 10, 0, 0, 1,
	};
	uint8_t data[256];
	int64_t at[BC_MAX_PEERS];
	int nat = 0;

	/* UNICAST_MASTER_TABLE_NP as ptp4l 4.4 encodes it: one entry, the
	 * grandmaster's port, its quality and priorities, selected,
	 * HAVE_SYDY (3), PortAddress UDPv4 10.0.0.1; none on the GM */
	assert_int_equal(get_uc_table(1, data, sizeof(data)), sizeof(want));
	assert_memory_equal(data, want, sizeof(want));
	assert_int_equal(get_uc_table(GM, data, sizeof(data)), 2);
	assert_int_equal(data[0] | data[1], 0);
	/* the clients' Syncs keep apart: no two due in the same instant
	 * (one TX timestamp at a time on many NICs) */
	for (int slot = 1; slot <= BC_MAX_PEERS; slot++) {
		int64_t x = net.n[GM].timer[0][bc_timer_make(slot,
							     BC_TMR_SYNC_TX)];

		if (x >= 0)
			at[nat++] = x;
	}
	assert_int_equal(nat, 3);
	for (int i = 0; i < nat; i++) {
		for (int j = i + 1; j < nat; j++)
			assert_true((at[i] - at[j]) % SEC != 0);
	}
}

/* Three clients for three hours: granted, renewed, synchronised. */
static void test_unicast_hours(void **state)
{
	const struct bc_port_counters *g, *k;
	struct ptp_msg m;
	uint64_t n0;

	(void)state;
	uc_net(3, true);
	net_run(&net, 30 * SEC);
	check_clients_follow_gm(3);
	g = bc_port_counters(net.n[GM].bc, 0);
	/* each client: Announce, then Sync and Delay_Resp */
	assert_int_equal(g->uc_grants_given, 9);
	assert_int_equal(g->uc_refused, 0);
	/* what the grandmaster sends goes by unicast (nothing multicast with
	 * inhibit_multicast_service), a unicast Sync with interval 0x7F */
	net_last_msg(&net, GM, 0, PTP_MSG_SYNC, &m);
	assert_true(m.hdr.flags & PTP_FLAG_UNICAST);
	assert_int_equal(m.hdr.log_msg_interval, 0x7F);
	net_last_msg(&net, GM, 0, PTP_MSG_ANNOUNCE, &m);
	assert_true(m.hdr.flags & PTP_FLAG_UNICAST);
	net_last_msg(&net, 1, 0, PTP_MSG_DELAY_REQ, &m);
	assert_true(m.hdr.flags & PTP_FLAG_UNICAST);
	net_last_msg(&net, GM, 0, PTP_MSG_DELAY_RESP, &m);
	assert_true(m.hdr.flags & PTP_FLAG_UNICAST);
	check_table_and_phases();

	net_run(&net, 3 * 3600 * SEC);
	check_clients_follow_gm(3);
	/* renewed every 45 s (3/4 of 60 s): Announce, Sync, Delay_Resp */
	k = bc_port_counters(net.n[1].bc, 0);
	print_message("after 3 h: client granted %llu, gm gave %llu, "
		      "expired %llu\n", (unsigned long long)k->uc_granted,
		      (unsigned long long)g->uc_grants_given,
		      (unsigned long long)g->uc_expired);
	assert_true(k->uc_granted >= 3 * (3 * 3600 / 47));
	assert_true(k->uc_granted <= 3 * (3 * 3600 / 45 + 2));
	assert_int_equal(k->uc_denied, 0);
	assert_int_equal(g->uc_expired, 0);
	/* still synchronising: a Sync a second (logSyncInterval 0) */
	n0 = bc_port_counters(net.n[2].bc, 0)->rx[PTP_MSG_SYNC];
	net_run(&net, 60 * SEC);
	assert_true(bc_port_counters(net.n[2].bc, 0)->rx[PTP_MSG_SYNC] >=
		    n0 + 59);

	/* client 3 goes silent: its grants run out within 60 s, the two
	 * services (Announce, Sync) counted as expired */
	net.n[3].silent = true;
	net_run(&net, 61 * SEC);
	assert_int_equal(g->uc_expired, 2);
	/* the others renew on */
	net_run(&net, 120 * SEC);
	assert_int_equal(g->uc_expired, 2);
	check_clients_follow_gm(2);
	net_free(&net);
}

/* ---- driven directly ---- */

/* A REQUEST (or CANCEL) from net address a of clock id, to the GM. */
static int send_sig(int c, struct bc_addr a, uint8_t id,
		    const struct tlv_uc *t, int n, struct bc_actions *out)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct ptp_msg m;
	int len;

	sig_roundtrip(t, n, &m, buf, sizeof(buf));
	m.hdr.source_port_identity = net_pid(id, 1);
	m.hdr.domain = 0;
	m.body.signaling.target_port_identity =
		bc_port_ds(net.n[c].bc, 0)->port_identity;
	len = msg_pack(&m, buf, sizeof(buf));
	bc_actions_init(out);
	return bc_port_rx(net.n[c].bc, 0, buf, (size_t)len,
			  tmv_from_ns(net.now), &a, net.now, out);
}

/* The Signaling answers in a (from clock c): their TLVs decoded into t[];
 * then the actions are carried out on the test network (timers). */
static int answer_tlvs(int c, struct bc_actions *a, struct bc_addr to,
		       struct tlv_uc *t, int max)
{
	struct ptp_msg m;
	int n = 0;

	for (int i = 0; i < a->n; i++) {
		const struct bc_action *x = &a->a[i];

		if (x->type != BC_ACT_SEND_GENERAL ||
		    x->u.send.msg_type != PTP_MSG_SIGNALING)
			continue;
		assert_int_equal(x->u.send.dest, BC_DEST_UNICAST);
		assert_memory_equal(&x->u.send.addr, &to, sizeof(to));
		assert_int_equal(msg_unpack(bc_action_buf(a, x), x->u.send.len,
					    &m, NULL),
				 0);
		for (int k = 0; k < m.n_tlvs && n < max; k++)
			assert_int_equal(tlv_get_uc(&m.tlvs[k], &t[n++]), 0);
	}
	net_actions(&net, c, a);
	return n;
}

static void test_server_limits(void **state)
{
	const struct tlv_uc req[] = {
		{ TLV_REQUEST_UNICAST_TRANSMISSION, PTP_MSG_SYNC, -4, 100, 0 },
		{ TLV_REQUEST_UNICAST_TRANSMISSION, PTP_MSG_DELAY_RESP, -4,
		  100, 0 },
	};
	const struct tlv_uc odd[] = {
		{ TLV_REQUEST_UNICAST_TRANSMISSION, PTP_MSG_SYNC, 31, 100, 0 },
		{ TLV_REQUEST_UNICAST_TRANSMISSION, PTP_MSG_MANAGEMENT, 0, 100,
		  0 },
	};
	const struct tlv_uc cancel = { TLV_CANCEL_UNICAST_TRANSMISSION,
				       PTP_MSG_SYNC, 0, 0, 0 };
	const struct bc_port_counters *g;
	struct bc_actions a;
	struct tlv_uc t[4];
	struct bc_addr ad;

	(void)state;
	uc_net(0, false);
	net_run(&net, 10 * SEC);
	assert_int_equal(net_state(&net, GM, 0), PS_MASTER);
	g = bc_port_counters(net.n[GM].bc, 0);
	/* BC_MAX_PEERS clients fit; the next is denied, counted */
	for (int i = 0; i <= BC_MAX_PEERS; i++) {
		ad = net_addr(9, i);
		assert_int_equal(send_sig(GM, ad, (uint8_t)(0x40 + i), req, 2,
					  &a),
				 0);
		assert_int_equal(answer_tlvs(GM, &a, ad, t, 4), 2);
		assert_int_equal(t[0].type, TLV_GRANT_UNICAST_TRANSMISSION);
		assert_int_equal(t[0].msg_type, PTP_MSG_SYNC);
		assert_int_equal(t[0].log_period, -4);
		assert_int_equal(t[0].duration, i < BC_MAX_PEERS ? 100 : 0);
		/* Delay_Resp needs no slot */
		assert_int_equal(t[1].msg_type, PTP_MSG_DELAY_RESP);
		assert_int_equal(t[1].duration, 100);
		assert_int_equal(t[1].flags, TLV_UC_GRANT_RENEWAL_INVITED);
	}
	assert_int_equal(g->uc_refused, 1);
	assert_int_equal(g->uc_grants_given, 2 * BC_MAX_PEERS + 1);
	/* an impossible interval, a type that is not a service: denied */
	ad = net_addr(9, 0);
	assert_int_equal(send_sig(GM, ad, 0x40, odd, 2, &a), 0);
	assert_int_equal(answer_tlvs(GM, &a, ad, t, 4), 2);
	assert_int_equal(t[0].duration, 0);
	assert_int_equal(t[1].duration, 0);
	assert_int_equal(g->uc_refused, 3);
	/* CANCEL: acknowledged, the slot freed, a newcomer now fits */
	assert_int_equal(send_sig(GM, ad, 0x40, &cancel, 1, &a), 0);
	assert_int_equal(answer_tlvs(GM, &a, ad, t, 4), 1);
	assert_int_equal(t[0].type,
			 TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
	assert_int_equal(t[0].msg_type, PTP_MSG_SYNC);
	ad = net_addr(9, 99);
	assert_int_equal(send_sig(GM, ad, 0x70, req, 1, &a), 0);
	assert_int_equal(answer_tlvs(GM, &a, ad, t, 4), 1);
	assert_int_equal(t[0].duration, 100);
	/* the grants run out after 100 s: every slot's Sync expired */
	net_run(&net, 101 * SEC);
	assert_int_equal(g->uc_expired, BC_MAX_PEERS);
	net_free(&net);
}

/* A client: a denial sends it back to asking for Announce; a CANCEL from
 * its master is acknowledged; an Announce from outside its table is not
 * for it. */
static void test_client_denial_cancel(void **state)
{
	const struct tlv_uc deny = { TLV_GRANT_UNICAST_TRANSMISSION,
				     PTP_MSG_ANNOUNCE, 1, 0, 0 };
	const struct tlv_uc cancel = { TLV_CANCEL_UNICAST_TRANSMISSION,
				       PTP_MSG_ANNOUNCE, 0, 0, 0 };
	const struct bc_port_counters *k;
	struct bc_actions a;
	struct tlv_uc t[4];
	struct bc_addr other = net_addr(3, 3);
	uint8_t buf[256];
	int len;

	(void)state;
	uc_net(1, false);
	net_run(&net, 20 * SEC);
	check_clients_follow_gm(1);
	k = bc_port_counters(net.n[1].bc, 0);
	assert_int_equal(send_sig(1, net_addr(GM, 0), 0x10, &deny, 1, &a), 0);
	assert_int_equal(k->uc_denied, 1);
	assert_int_equal(send_sig(1, net_addr(GM, 0), 0x10, &cancel, 1, &a),
			 0);
	assert_int_equal(answer_tlvs(1, &a, net_addr(GM, 0), t, 4), 1);
	assert_int_equal(t[0].type,
			 TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION);
	assert_int_equal(t[0].msg_type, PTP_MSG_ANNOUNCE);
	assert_int_equal(k->uc_cancels, 1);
	/* back to WAIT: it asks again and is granted again */
	net_run(&net, 20 * SEC);
	check_clients_follow_gm(1);
	/* an Announce from an address outside the table */
	len = net_build_announce(buf, sizeof(buf), net_pid(0x01, 1), 0x01, 1,
				 0, 1, NULL, 0);
	bc_actions_init(&a);
	assert_int_equal(bc_port_rx(net.n[1].bc, 0, buf, (size_t)len,
				    tmv_from_ns(net.now), &other, net.now, &a),
			 -EBADMSG);
	assert_int_equal(net_drops(&net, 1, 0, BC_DROP_NOT_FOR_US), 1);
	net_free(&net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlvs),
		cmocka_unit_test(test_unicast_hours),
		cmocka_unit_test(test_server_limits),
		cmocka_unit_test(test_client_denial_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
