/*
 * tests/unit/test_mgmt_port.c — management in the core, the rest: malformed
 * requests of every length and kind (never a crash, always counted), the
 * continuation when the action list fills, what the program builds with
 * the core (answers of its own, notifications), ID names, and Management
 * messages on PTP ports (answers, refusals, disabled ports, boundary
 * clock forwarding).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/mgmt_test.h"

/* ---- malformed input ---- */

static void test_malformed_every_length(void **state)
{
	struct bc *bc = one_clock(2);
	uint8_t buf[PTP_MAX_MSG_LEN], v[2] = { 1, 0 };
	const struct bc_mgmt_counters *cnt = bc_mgmt_counters(bc);
	struct cm_rng rng;
	uint64_t drops = 0;
	int n, ok = 0;

	(void)state;
	n = build_req(buf, PTP_MGMT_SET, BC_MID_PRIORITY2, v, 2);
	for (int len = 0; len < n; len++) {
		bc_actions_init(&out);
		assert_int_equal(bc_mgmt(bc, buf, (size_t)len, false, T0, &out),
				 -EBADMSG);
		assert_int_equal(out.n, 0);
	}
	for (int i = 0; i < BC_MGMT_DROP_COUNT; i++)
		drops += cnt->drop[i];
	assert_int_equal(drops, (uint64_t)n);
	assert_int_equal(bc_default_ds(bc)->priority2, 99);
	assert_int_equal(bc_mgmt(bc, NULL, 10, false, T0, &out), -EBADMSG);
	/* random corruption: whatever comes out is a well-formed answer */
	cm_rng_seed(&rng, 42);
	for (int k = 0; k < 20000; k++) {
		uint8_t m[PTP_MAX_MSG_LEN];
		int len = n + 8, err;

		n = build_req(buf, PTP_MGMT_GET,
			      (uint16_t)(k & 1 ? BC_MID_PORT_STATS_NP
					       : BC_MID_CLOCK_DESCRIPTION),
			      NULL, 0);
		memcpy(m, buf, (size_t)n);
		memset(m + n, 0xA5, 8);
		for (int j = 0; j < 3; j++)
			m[cm_rng_below(&rng, (uint64_t)len)] =
				(uint8_t)cm_rng_next(&rng);
		len = (int)(cm_rng_below(&rng, (uint64_t)len)) + 1;
		bc_actions_init(&out);
		err = bc_mgmt(bc, m, (size_t)len, k % 3 == 0, T0, &out);
		assert_true(err == 0 || err == -EBADMSG);
		assert_false(out.overflow);
		for (int i = 0; i < out.n; i++) {
			struct bc_mgmt_req r;

			assert_int_equal(bc_mgmt_parse(bc_action_buf(&out,
								     &out.a[i]),
						       out.a[i].u.send.len, &r,
						       NULL),
					 0);
		}
		ok += err == 0;
	}
	assert_true(ok > 100);
}

static void test_malformed_kinds(void **state)
{
	struct bc *bc = one_clock(1);
	const struct bc_mgmt_counters *cnt = bc_mgmt_counters(bc);
	uint8_t buf[PTP_MAX_MSG_LEN], value[4] = { 0x20, 0x05, 0, 0 };
	struct ptp_msg m;
	int n;

	(void)state;
	/* a RESPONSE sent to the server */
	n = build_req(buf, PTP_MGMT_RESPONSE, BC_MID_PRIORITY1, NULL, 0);
	bc_actions_init(&out);
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -EBADMSG);
	assert_int_equal(cnt->drop[BC_MGMT_DROP_BAD_ACTION], 1);
	/* reserved action 7 */
	n = build_req(buf, 7, BC_MID_PRIORITY1, NULL, 0);
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -EBADMSG);
	assert_int_equal(cnt->drop[BC_MGMT_DROP_BAD_ACTION], 2);
	/* two TLVs, and none */
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_MANAGEMENT, 0);
	m.body.management.target_port_identity = all_target();
	tlv_append(&m, TLV_MANAGEMENT, value, 2);
	tlv_append(&m, TLV_MANAGEMENT, value, 2);
	n = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -EBADMSG);
	m.n_tlvs = 0;
	n = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -EBADMSG);
	/* another TLV type */
	m.n_tlvs = 0;
	tlv_append(&m, TLV_PAD, value, 4);
	n = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -EBADMSG);
	assert_int_equal(cnt->drop[BC_MGMT_DROP_BAD_TLV], 3);
	/* not a management message */
	msg_header_init(&m.hdr, PTP_MSG_SIGNALING, 0);
	m.n_tlvs = 0;
	n = msg_pack(&m, buf, sizeof(buf));
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -EBADMSG);
	assert_int_equal(cnt->drop[BC_MGMT_DROP_NOT_MANAGEMENT], 1);
	assert_int_equal(out.n, 0);
	assert_int_equal(cnt->requests, 0);
	assert_string_equal(bc_mgmt_drop_name(BC_MGMT_DROP_BAD_TLV), "bad_tlv");
}

/* ---- continuation when the action list fills ---- */

static void test_resume_32_ports(void **state)
{
	struct bc_clock_cfg cc;
	static struct bc_port_cfg pc[32];
	struct bc *bc;
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;
	int seen[32] = { 0 };
	int n, next = 0, err, rounds = 0, total = 0;

	(void)state;
	net_clock_cfg(&cc, 0xD, 128);
	net_port_cfgs(pc, 32);
	assert_int_equal(bc_create(&bc, &cc, pc, 32), 0);
	n = build_req(buf, PTP_MGMT_GET, BC_MID_PORT_STATS_NP, NULL, 0);
	bc_actions_init(&out);
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out),
			 -ENOBUFS);
	assert_true(out.n > 0 && out.n < 32);
	assert_false(out.overflow);
	assert_int_equal(bc_mgmt_counters(bc)->drop[BC_MGMT_DROP_NO_SPACE], 1);
	assert_int_equal(bc_mgmt_parse(buf, (size_t)n, &r, NULL), 0);
	do {
		bc_actions_init(&out);
		err = bc_mgmt_resume(bc, &r, false, &next, T0, &out);
		for (int i = 0; i < out.n; i++) {
			struct bc_mgmt_req a;

			assert_int_equal(bc_mgmt_parse(bc_action_buf(&out,
								     &out.a[i]),
						       out.a[i].u.send.len, &a,
						       NULL),
					 0);
			seen[a.hdr.source_port_identity.port_number - 1]++;
			total++;
		}
	} while (err == -ENOBUFS && ++rounds < 10);
	assert_int_equal(err, 0);
	assert_int_equal(rounds, 1);
	assert_int_equal(total, 32);
	for (int i = 0; i < 32; i++)
		assert_int_equal(seen[i], 1);
	bc_destroy(bc);
}

/* ---- the program's part: respond, notifications, names ---- */

static void test_respond_and_notify(void **state)
{
	struct bc *bc = one_clock(2);
	uint8_t buf[PTP_MAX_MSG_LEN], data[66] = { 0x00, 0x3c, 0x01 };
	struct bc_mgmt_req r, a;
	uint16_t len;
	const uint8_t *p;
	int n;

	(void)state;
	n = build_req(buf, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, data, 66);
	assert_int_equal(bc_mgmt_parse(buf, (size_t)n, &r, NULL), 0);
	assert_int_equal(r.id, BC_MID_SUBSCRIBE_EVENTS_NP);
	assert_int_equal(r.data_len, 66);
	bc_actions_init(&out);
	assert_int_equal(bc_mgmt_respond(bc, &r, BC_MID_SUBSCRIBE_EVENTS_NP,
					 data, 66, &out),
			 0);
	p = response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_SUBSCRIBE_EVENTS_NP,
		     &len);
	assert_int_equal(len, 66);
	assert_memory_equal(p, data, 66);
	assert_int_equal(bc_mgmt_respond_error(bc, &r,
					       TLV_MGMT_ERR_WRONG_LENGTH, &out),
			 0);
	assert_error(bc, 1, BC_MID_SUBSCRIBE_EVENTS_NP,
		     TLV_MGMT_ERR_WRONG_LENGTH);

	/* notifications */
	n = bc_mgmt_notification(bc, 1, BC_MID_PORT_DATA_SET, &requester, 9,
				 buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(bc_mgmt_parse(buf, (size_t)n, &a, NULL), 0);
	assert_int_equal(a.mgmt.action, PTP_MGMT_RESPONSE);
	assert_int_equal(a.hdr.sequence_id, 9);
	assert_int_equal(a.hdr.source_port_identity.port_number, 2);
	assert_int_equal(a.mgmt.starting_boundary_hops, 1);
	assert_int_equal(a.mgmt.boundary_hops, 1);
	assert_true(port_identity_eq(&a.mgmt.target_port_identity,
				     &requester));
	assert_int_equal(a.data_len, BC_MGMT_PORT_DS_LEN);
	assert_int_equal(be16(a.data + 8), 2);
	n = bc_mgmt_notification(bc, -1, BC_MID_TIME_STATUS_NP, &requester, 1,
				 buf, sizeof(buf));
	assert_int_equal(bc_mgmt_parse(buf, (size_t)n, &a, NULL), 0);
	assert_int_equal(a.hdr.source_port_identity.port_number, 0);
	assert_int_equal(a.data_len, BC_MGMT_TIME_STATUS_NP_LEN);
	assert_true(bc_mgmt_notification(bc, -1, BC_MID_PARENT_DATA_SET,
					 &requester, 2, buf, sizeof(buf)) > 0);
	assert_int_equal(bc_mgmt_notification(bc, 5, BC_MID_PORT_DATA_SET,
					      &requester, 1, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(bc_mgmt_notification(bc, 0, BC_MID_TIME_STATUS_NP,
					      &requester, 1, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(bc_mgmt_notification(bc, -1, BC_MID_PRIORITY1,
					      &requester, 1, buf, sizeof(buf)),
			 -EINVAL);
	assert_true(bc_mgmt_notification(bc, -1, BC_MID_PARENT_DATA_SET,
					 &requester, 2, buf, 20) < 0);
}

static void test_id_names(void **state)
{
	(void)state;
	assert_string_equal(bc_mgmt_id_name(BC_MID_PORT_STATS_NP),
			    "PORT_STATS_NP");
	assert_null(bc_mgmt_id_name(0x1234));
	assert_int_equal(bc_mgmt_id_from_name("default_data_set"),
			 BC_MID_DEFAULT_DATA_SET);
	assert_int_equal(bc_mgmt_id_from_name("NOPE"), -1);
	assert_true(bc_mgmt_id_is_port(BC_MID_CLOCK_DESCRIPTION));
	assert_false(bc_mgmt_id_is_port(BC_MID_TIME_STATUS_NP));
}

/* ---- management on PTP ports ---- */

static const struct bc_addr *rx_src; /* the requester's address */

static int rx_mgmt(struct bc *bc, int port, const struct req_opts *o,
		   uint8_t action, uint16_t id, const uint8_t *data,
		   size_t len)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	int n = build_req_opts(buf, action, id, data, len, o);

	bc_actions_init(&out);
	return bc_port_rx(bc, port, buf, (size_t)n, tmv_from_ns(0), rx_src,
			  net.now, &out);
}

static int count_mgmt_sends(int port)
{
	int k = 0;

	for (int i = 0; i < out.n; i++) {
		if (out.a[i].type == BC_ACT_SEND_GENERAL &&
		    out.a[i].port == port &&
		    out.a[i].u.send.msg_type == PTP_MSG_MANAGEMENT)
			k++;
	}
	return k;
}

static void test_port_answers(void **state)
{
	struct bc *bc = one_clock(2);
	struct req_opts o = { .target = all_target(), .domain = 5 };
	uint8_t v[2] = { 1, 0 };
	uint16_t len;

	(void)state;
	net_start(&net);
	net_run(&net, 3 * SEC);
	/* a GET on port 2: answered on port 2, from port 2 */
	assert_int_equal(rx_mgmt(bc, 1, &o, PTP_MGMT_GET, BC_MID_PRIORITY1,
				 NULL, 0),
			 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.a[0].port, 1);
	assert_int_equal(out.a[0].u.send.dest, BC_DEST_PRIMARY);
	assert_source(bc, 0, 2);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PRIORITY1, &len);
	assert_int_equal(bc_port_counters(bc, 1)->rx[PTP_MSG_MANAGEMENT], 1);
	assert_int_equal(bc_port_counters(bc, 1)->tx[PTP_MSG_MANAGEMENT], 1);
	/* every port's data set, all sent on the ingress port */
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_PORT_DATA_SET,
				 NULL, 0),
			 0);
	assert_int_equal(count_mgmt_sends(0), 2);
	/* SET from the network: refused */
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_SET, BC_MID_PRIORITY1, v,
				 2),
			 0);
	assert_error(bc, 0, BC_MID_PRIORITY1, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(bc_default_ds(bc)->priority1, 77);
	/* and the GETs ptp4l 4.4 answers on its read-write socket only */
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET,
				 BC_MID_PORT_PROPERTIES_NP, NULL, 0),
			 0);
	assert_int_equal(count_mgmt_sends(0), 1);
	assert_error(bc, 0, BC_MID_PORT_PROPERTIES_NP,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
	/* wrong domain: the port's filter drops it */
	o.domain = 0;
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_PRIORITY1,
				 NULL, 0),
			 -EBADMSG);
	assert_int_equal(out.n, 0);
	/* unicast request: unicast answer to its address */
	o.domain = 5;
	o.unicast = true;
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_PRIORITY1,
				 NULL, 0),
			 0);
	assert_int_equal(out.a[0].u.send.dest, BC_DEST_PRIMARY); /* no addr */
	{
		struct bc_addr src = { .len = 3, .data = { 1, 2, 3 } };

		rx_src = &src;
		assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET,
					 BC_MID_PRIORITY1, NULL, 0),
				 0);
		rx_src = NULL;
		assert_int_equal(out.a[0].u.send.dest, BC_DEST_UNICAST);
		assert_int_equal(out.a[0].u.send.addr.len, 3);
		assert_memory_equal(out.a[0].u.send.addr.data, src.data, 3);
		assert_true(be16(bc_action_buf(&out, &out.a[0]) + 6) &
			    PTP_FLAG_UNICAST);
	}
}

static void test_port_disabled(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct req_opts o = { .target = all_target() };
	int seg = 0, c;
	struct bc *bc;

	(void)state;
	net_clock_cfg(&cc, 0xE, 128);
	net_port_cfgs(&pc, 1);
	pc.management_enabled = false;
	c = net_add(&net, &cc, &pc, 1, &seg, 0);
	bc = net.n[c].bc;
	net_start(&net);
	net_run(&net, 3 * SEC);
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_PRIORITY1,
				 NULL, 0),
			 -EBADMSG);
	assert_int_equal(out.n, 0);
	assert_int_equal(bc_mgmt_counters(bc)->drop[BC_MGMT_DROP_DISABLED], 1);
	assert_int_equal(bc_port_counters(bc, 0)->drop[BC_DROP_UNSUPPORTED], 1);
}

static void test_port_forwarding(void **state)
{
	struct bc *bc = one_clock(3);
	struct req_opts o = { .target = all_target(), .domain = 5,
			      .start_hops = 2, .hops = 2 };
	struct bc_mgmt_req r;

	(void)state;
	net_start(&net);
	net_run(&net, 3 * SEC);
	for (int i = 0; i < 3; i++)
		assert_int_equal(net_state(&net, 0, i), PS_MASTER);
	/* GET with hops left: forwarded on ports 2 and 3 with one hop less,
	 * answered on port 1 */
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_DOMAIN, NULL,
				 0),
			 0);
	assert_int_equal(count_mgmt_sends(0), 1);
	assert_int_equal(count_mgmt_sends(1), 1);
	assert_int_equal(count_mgmt_sends(2), 1);
	for (int i = 0; i < out.n; i++) {
		const struct bc_action *a = &out.a[i];

		assert_int_equal(bc_mgmt_parse(bc_action_buf(&out, a),
					       a->u.send.len, &r, NULL),
				 0);
		if (a->port == 0) {
			assert_int_equal(r.mgmt.action, PTP_MGMT_RESPONSE);
			assert_int_equal(r.mgmt.boundary_hops, 0);
			continue;
		}
		assert_int_equal(r.mgmt.action, PTP_MGMT_GET);
		assert_int_equal(r.mgmt.starting_boundary_hops, 2);
		assert_int_equal(r.mgmt.boundary_hops, 1);
		assert_true(port_identity_eq(&r.hdr.source_port_identity,
					     &requester));
	}
	assert_int_equal(bc_mgmt_counters(bc)->forwarded, 2);
	/* another clock's answer: forwarded only */
	assert_int_equal(rx_mgmt(bc, 1, &o, PTP_MGMT_RESPONSE, BC_MID_DOMAIN,
				 NULL, 0),
			 0);
	assert_int_equal(count_mgmt_sends(0), 1);
	assert_int_equal(count_mgmt_sends(1), 0);
	assert_int_equal(count_mgmt_sends(2), 1);
}

static void test_port_forwarding_targets(void **state)
{
	struct bc *bc = one_clock(3);
	struct req_opts o = { .target = all_target(), .domain = 5,
			      .start_hops = 2, .hops = 2 };
	uint8_t buf[PTP_MAX_MSG_LEN];
	uint16_t len;

	(void)state;
	net_start(&net);
	net_run(&net, 3 * SEC);
	/* no hops left: answered, not forwarded */
	o.hops = 0;
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_DOMAIN, NULL,
				 0),
			 0);
	assert_int_equal(out.n, 1);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_DOMAIN, &len);
	/* addressed to this clock alone: not forwarded */
	o.hops = 2;
	o.target.clock_identity = bc_default_ds(bc)->clock_identity;
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_DOMAIN, NULL,
				 0),
			 0);
	assert_int_equal(out.n, 1);
	/* addressed to another clock: forwarded, not answered */
	o.target.clock_identity = net_cid(0x55);
	assert_int_equal(rx_mgmt(bc, 0, &o, PTP_MGMT_GET, BC_MID_DOMAIN, NULL,
				 0),
			 0);
	assert_int_equal(count_mgmt_sends(0), 0);
	assert_int_equal(out.n, 2);
	assert_int_equal(bc_mgmt_counters(bc)->forwarded, 2);
	/* truncated on a port, at every length: dropped, counted */
	{
		int n = build_req_opts(buf, PTP_MGMT_GET, BC_MID_DOMAIN, NULL,
				       0, &o);
		uint64_t before = 0, after = 0;

		for (int t = 0; t < BC_DROP_COUNT; t++)
			before += bc_port_counters(bc, 0)->drop[t];
		for (int l = 0; l < n; l++) {
			bc_actions_init(&out);
			assert_int_equal(bc_port_rx(bc, 0, buf, (size_t)l,
						    tmv_from_ns(0), NULL,
						    net.now, &out),
					 -EBADMSG);
			assert_int_equal(out.n, 0);
		}
		for (int t = 0; t < BC_DROP_COUNT; t++)
			after += bc_port_counters(bc, 0)->drop[t];
		assert_int_equal(after - before, (uint64_t)n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_malformed_every_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_32_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_respond_and_notify, setup, teardown),
		cmocka_unit_test(test_id_names),
		cmocka_unit_test_setup_teardown(test_port_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_forwarding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_forwarding_targets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
