/*
 * tests/unit/test_mgmt.c — IEEE 1588 management in the core (bc/mgmt.h),
 * asked by a local client (bc_mgmt).
 *
 * Requests are built with msg_pack and every answer is decoded from its
 * raw bytes (tests/unit/mgmt_test.h): every field of every GET ID against
 * the core's getters, the 0xFFFF fan-out and port addressing, SETs and
 * their effect on the data sets and the BMCA, and the error statuses
 * (read-only, wrong length, unknown and unsupported IDs, absent ports).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/mgmt_test.h"

/* ---- clock-wide GETs ---- */

static void test_get_default_ds(void **state)
{
	struct bc *bc = one_clock(2);
	const struct default_ds *d = bc_default_ds(bc);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	p = get1(bc, BC_MID_DEFAULT_DATA_SET, &len);
	assert_source(bc, 0, 0);
	assert_int_equal(len, BC_MGMT_DEFAULT_DS_LEN);
	assert_int_equal(p[0], (d->two_step_flag ? 1 : 0) |
				       (d->slave_only ? 2 : 0));
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 0);
	assert_int_equal(be16(p + 2), 2);
	assert_int_equal(p[4], 77);
	assert_int_equal(p[5], 6);
	assert_int_equal(p[6], 0x21);
	assert_int_equal(be16(p + 7), 0x4E5D);
	assert_int_equal(p[9], 99);
	assert_cid_at(p + 10, &d->clock_identity);
	assert_int_equal(p[18], 5);
	assert_int_equal(p[19], 0);
}

static void test_get_current_parent_slave(void **state)
{
	int c;
	struct bc *bc = slave_clock(&c);
	const struct current_ds *cur = bc_current_ds(bc);
	const struct parent_ds *pd = bc_parent_ds(bc);
	struct port_identity pa = net_pid(0xA, 1);
	struct clock_identity ga = net_cid(0xA);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	p = get1(bc, BC_MID_CURRENT_DATA_SET, &len);
	assert_int_equal(len, BC_MGMT_CURRENT_DS_LEN);
	assert_int_equal(be16(p), 1);
	assert_int_equal(cur->offset_from_master_ns, -5000);
	assert_int_equal(be64(p + 2), -5000LL * 65536);
	assert_int_equal(be64(p + 10), (int64_t)NET_DELAY * 65536);

	p = get1(bc, BC_MID_PARENT_DATA_SET, &len);
	assert_int_equal(len, BC_MGMT_PARENT_DS_LEN);
	assert_pid_at(p, &pa);
	assert_int_equal(p[10], 0);
	assert_int_equal(p[11], 0);
	assert_int_equal(be16(p + 12),
			 pd->observed_parent_offset_scaled_log_variance);
	assert_int_equal(be32(p + 14),
			 (uint32_t)pd->observed_parent_clock_phase_change_rate);
	assert_int_equal(p[18], 100);
	assert_int_equal(p[19], pd->grandmaster_clock_quality.clock_class);
	assert_int_equal(p[20], pd->grandmaster_clock_quality.clock_accuracy);
	assert_int_equal(be16(p + 21),
			 pd->grandmaster_clock_quality.offset_scaled_log_variance);
	assert_int_equal(p[23], pd->grandmaster_priority2);
	assert_cid_at(p + 24, &ga);
}

static void test_get_time_status_np(void **state)
{
	int c;
	struct bc *bc = slave_clock(&c);
	struct bc_servo_status st = { .valid = true,
				      .offset_ns = -5000,
				      .ingress = tmv_from_ns(123456789012LL) };
	struct clock_identity ga = net_cid(0xA);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	bc_set_servo_status(bc, &st);
	p = get1(bc, BC_MID_TIME_STATUS_NP, &len);
	assert_int_equal(len, BC_MGMT_TIME_STATUS_NP_LEN);
	assert_int_equal(be64(p), -5000);
	assert_int_equal(be64(p + 8), 123456789012LL);
	for (int i = 16; i < 38; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(be32(p + 38), 1); /* gmPresent */
	assert_cid_at(p + 42, &ga);

	/* a grandmaster: no GM present, itself as gmIdentity */
	net_free(&net);
	net_init(&net);
	bc = one_clock(1);
	p = get1(bc, BC_MID_TIME_STATUS_NP, &len);
	assert_int_equal(be64(p), 0);
	assert_int_equal(be64(p + 8), 0);
	assert_int_equal(be32(p + 38), 0);
	assert_cid_at(p + 42, &bc_default_ds(bc)->clock_identity);
}

static void test_get_small_clock_ids(void **state)
{
	struct bc *bc = one_clock(1);
	const struct time_properties_ds *tp = bc_time_properties_ds(bc);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	p = get1(bc, BC_MID_TIME_PROPERTIES_DATA_SET, &len);
	assert_int_equal(len, BC_MGMT_TIME_PROPERTIES_DS_LEN);
	assert_int_equal((int16_t)be16(p), 37);
	assert_int_equal(tp->current_utc_offset, 37);
	/* utc offset valid (bit 2), PTP timescale (3), time traceable (4) */
	assert_int_equal(p[2], 0x04 | 0x08 | 0x10);
	assert_int_equal(p[3], TS_GNSS);

	p = get1(bc, BC_MID_PRIORITY1, &len);
	assert_int_equal(len, 2);
	assert_int_equal(p[0], 77);
	assert_int_equal(p[1], 0);
	p = get1(bc, BC_MID_PRIORITY2, &len);
	assert_int_equal(p[0], 99);
	p = get1(bc, BC_MID_DOMAIN, &len);
	assert_int_equal(p[0], 5);
	p = get1(bc, BC_MID_SLAVE_ONLY, &len);
	assert_int_equal(p[0], 0);
	p = get1(bc, BC_MID_CLOCK_ACCURACY, &len);
	assert_int_equal(p[0], 0x21);
	p = get1(bc, BC_MID_TRACEABILITY_PROPERTIES, &len);
	assert_int_equal(p[0], 0x10);
	p = get1(bc, BC_MID_TIMESCALE_PROPERTIES, &len);
	assert_int_equal(p[0], 0x08);

	p = get1(bc, BC_MID_USER_DESCRIPTION, &len);
	assert_int_equal(p[0], 6);
	assert_memory_equal(p + 1, "rack 7", 6);
	assert_int_equal(len, 8); /* 1 + 6, padded even */

	p = get1(bc, BC_MID_GRANDMASTER_SETTINGS_NP, &len);
	assert_int_equal(len, BC_MGMT_GM_SETTINGS_NP_LEN);
	assert_int_equal(p[0], 6);
	assert_int_equal(p[1], 0x21);
	assert_int_equal(be16(p + 2), 0x4E5D);
	assert_int_equal((int16_t)be16(p + 4), 37);
	assert_int_equal(p[6], 0x04 | 0x08 | 0x10);
	assert_int_equal(p[7], TS_GNSS);
}

/* ---- per-port GETs ---- */

static void test_get_port_ds(void **state)
{
	struct bc *bc = one_clock(2);
	const struct port_ds *d = bc_port_ds(bc, 1);
	uint16_t len;
	const uint8_t *p;

	(void)state;
	p = get_port(bc, BC_MID_PORT_DATA_SET, 1, &len);
	assert_int_equal(len, BC_MGMT_PORT_DS_LEN);
	assert_pid_at(p, &d->port_identity);
	assert_int_equal(be16(p + 8), 2);
	assert_int_equal(p[10], d->port_state);
	assert_int_equal(p[10], PS_INITIALIZING);
	assert_int_equal((int8_t)p[11], -1);
	assert_int_equal(be64(p + 12), 0);
	assert_int_equal((int8_t)p[20], -2);
	assert_int_equal(p[21], 4);
	assert_int_equal((int8_t)p[22], -3);
	assert_int_equal(p[23], DM_E2E);
	assert_int_equal((int8_t)p[24], 2);
	assert_int_equal(p[25], 2);

	p = get_port(bc, BC_MID_LOG_ANNOUNCE_INTERVAL, 1, &len);
	assert_int_equal(len, 2);
	assert_int_equal((int8_t)p[0], -2);
	p = get_port(bc, BC_MID_ANNOUNCE_RECEIPT_TIMEOUT, 1, &len);
	assert_int_equal(p[0], 4);
	p = get_port(bc, BC_MID_LOG_SYNC_INTERVAL, 1, &len);
	assert_int_equal((int8_t)p[0], -3);
	p = get_port(bc, BC_MID_VERSION_NUMBER, 1, &len);
	assert_int_equal(p[0], 2);
	p = get_port(bc, BC_MID_DELAY_MECHANISM, 1, &len);
	assert_int_equal(p[0], DM_E2E);
	p = get_port(bc, BC_MID_LOG_MIN_PDELAY_REQ_INTERVAL, 1, &len);
	assert_int_equal((int8_t)p[0], 2);
	p = get_port(bc, BC_MID_MASTER_ONLY, 0, &len);
	assert_int_equal(p[0], 1);
	p = get_port(bc, BC_MID_MASTER_ONLY, 1, &len);
	assert_int_equal(p[0], 0);
	p = get_port(bc, BC_MID_PORT_DATA_SET_NP, 1, &len);
	assert_int_equal(len, BC_MGMT_PORT_DS_NP_LEN);
	assert_int_equal(be32(p), 20000000);
	assert_int_equal(be32(p + 4), 1);
}

static void test_get_port_properties_stats(void **state)
{
	struct bc *bc = one_clock(2);
	const struct bc_port_counters *cnt;
	uint16_t len;
	const uint8_t *p;

	(void)state;
	net_start(&net);
	net_run(&net, 5 * SEC); /* master: Sync, Follow_Up, Announce out */
	p = get_port(bc, BC_MID_PORT_PROPERTIES_NP, 1, &len);
	assert_pid_at(p, &bc_port_ds(bc, 1)->port_identity);
	assert_int_equal(p[10], bc_port_ds(bc, 1)->port_state);
	assert_int_equal(p[10], PS_MASTER);
	assert_int_equal(p[11], 1); /* hardware */
	assert_int_equal(p[12], 4);
	assert_memory_equal(p + 13, "eth1", 4);
	assert_int_equal(len, 18); /* 13 + 4, padded even */
	p = get_port(bc, BC_MID_PORT_PROPERTIES_NP, 0, &len);
	assert_int_equal(p[11], 0); /* software */

	p = get_port(bc, BC_MID_PORT_STATS_NP, 1, &len);
	cnt = bc_port_counters(bc, 1);
	assert_int_equal(len, BC_MGMT_PORT_STATS_NP_LEN);
	assert_pid_at(p, &bc_port_ds(bc, 1)->port_identity);
	assert_true(cnt->tx[PTP_MSG_SYNC] > 10);
	assert_true(cnt->tx[PTP_MSG_ANNOUNCE] > 5);
	for (int t = 0; t < PTP_MSG_TYPE_COUNT; t++) {
		assert_int_equal(le64(p + 10 + 8 * t), cnt->rx_parsed[t]);
		assert_true(cnt->rx_parsed[t] >= cnt->rx[t]);
		assert_int_equal(le64(p + 10 + 128 + 8 * t), cnt->tx[t]);
	}
}

static void test_get_clock_description(void **state)
{
	struct bc *bc = one_clock(2);
	static const uint8_t mac[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
	static const uint8_t ip[4] = { 10, 1, 2, 3 };
	static const uint8_t oui[3] = { 0x00, 0x1b, 0x19 };
	static const uint8_t e2e[6] = { 0x00, 0x1B, 0x19, 0x00, 0x01, 0x00 };
	uint16_t len;
	const uint8_t *p;

	(void)state;
	/* defaults: no addresses, hvptp's texts */
	p = get_port(bc, BC_MID_CLOCK_DESCRIPTION, 0, &len);
	assert_int_equal(be16(p), 0x4000); /* boundary: two ports */
	assert_int_equal(p[2], 10);
	assert_memory_equal(p + 3, "IEEE 802.3", 10);
	assert_int_equal(be16(p + 13), 0); /* no physical address */
	assert_int_equal(be16(p + 15), 1); /* UDP/IPv4 */
	assert_int_equal(be16(p + 17), 0);
	p += 19;
	assert_memory_equal(p, "\0\0\0\0", 4); /* OUI, reserved */
	assert_int_equal(p[4], strlen(DEFAULT_PRODUCT));
	assert_memory_equal(p + 5, DEFAULT_PRODUCT, strlen(DEFAULT_PRODUCT));
	p += 5 + strlen(DEFAULT_PRODUCT);
	assert_int_equal(p[0], strlen(DEFAULT_REVISION));
	assert_memory_equal(p + 1, DEFAULT_REVISION, strlen(DEFAULT_REVISION));

	assert_int_equal(bc_mgmt_set_port_address(bc, 1, mac, ip), 0);
	assert_int_equal(bc_mgmt_set_port_address(bc, 2, mac, ip), -EINVAL);
	assert_int_equal(bc_mgmt_set_description(bc, oui, "acme;box;1",
						 "a;b;c"),
			 0);
	assert_int_equal(bc_mgmt_set_description(bc, NULL,
						 "x12345678901234567890123456"
						 "789012345678901234567890123"
						 "45678901234",
						 NULL),
			 -EINVAL);
	p = get_port(bc, BC_MID_CLOCK_DESCRIPTION, 1, &len);
	assert_int_equal(be16(p + 13), 6);
	assert_memory_equal(p + 15, mac, 6);
	assert_int_equal(be16(p + 21), 1);
	assert_int_equal(be16(p + 23), 4);
	assert_memory_equal(p + 25, ip, 4);
	assert_memory_equal(p + 29, oui, 3);
	assert_int_equal(p[32], 0);
	assert_int_equal(p[33], 10);
	assert_memory_equal(p + 34, "acme;box;1", 10);
	assert_int_equal(p[44], 5);
	assert_memory_equal(p + 45, "a;b;c", 5);
	assert_int_equal(p[50], 6);
	assert_memory_equal(p + 51, "rack 7", 6);
	assert_memory_equal(p + 57, e2e, 6);
	assert_int_equal(len, 64); /* 63 padded even */

	/* a port on UDPv6 (2) and one on L2 (3): their protocolAddress */
	{
		static const uint8_t ip6[16] = { 0xfe, 0x80, [15] = 1 };

		assert_int_equal(bc_mgmt_set_port_protocol(bc, 0, 2, ip6, 16),
				 0);
		assert_int_equal(bc_mgmt_set_port_protocol(bc, 1, 3, mac, 6),
				 0);
		assert_int_equal(bc_mgmt_set_port_protocol(bc, 1, 3, mac, 17),
				 -EINVAL);
		p = get_port(bc, BC_MID_CLOCK_DESCRIPTION, 0, &len);
		assert_int_equal(be16(p + 15), 2);
		assert_int_equal(be16(p + 17), 16);
		assert_memory_equal(p + 19, ip6, 16);
		p = get_port(bc, BC_MID_CLOCK_DESCRIPTION, 1, &len);
		assert_int_equal(be16(p + 21), 3);
		assert_int_equal(be16(p + 23), 6);
		assert_memory_equal(p + 25, mac, 6);
		assert_memory_equal(p + 31, oui, 3);
		/* unknown address: length 0 */
		assert_int_equal(bc_mgmt_set_port_protocol(bc, 0, 2, NULL, 16),
				 0);
		p = get_port(bc, BC_MID_CLOCK_DESCRIPTION, 0, &len);
		assert_int_equal(be16(p + 15), 2);
		assert_int_equal(be16(p + 17), 0);
	}
}

/* ---- fan-out and addressing ---- */

static void test_fanout(void **state)
{
	struct bc *bc = one_clock(3);
	uint16_t len;

	(void)state;
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PORT_DATA_SET, NULL, 0,
			     false),
			 0);
	assert_int_equal(out.n, 3);
	for (int i = 0; i < 3; i++) {
		const uint8_t *p = response(bc, i, PTP_MGMT_RESPONSE,
					    BC_MID_PORT_DATA_SET, &len);

		assert_source(bc, i, (uint16_t)(i + 1));
		assert_int_equal(be16(p + 8), i + 1);
		assert_int_equal(out.a[i].port, -1);
	}
	/* one port */
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_PORT_DATA_SET, NULL,
				0, port_target(3), false),
			 0);
	assert_int_equal(out.n, 1);
	assert_source(bc, 0, 3);
	/* no such port, and port 0 for a port ID: WRONG_VALUE */
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_PORT_DATA_SET, NULL,
				0, port_target(4), false),
			 0);
	assert_int_equal(out.n, 1);
	assert_error(bc, 0, BC_MID_PORT_DATA_SET, TLV_MGMT_ERR_WRONG_VALUE);
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_PORT_DATA_SET, NULL,
				0, port_target(0), false),
			 0);
	assert_error(bc, 0, BC_MID_PORT_DATA_SET, TLV_MGMT_ERR_WRONG_VALUE);
	/* clock IDs ignore the port number, as ptp4l */
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0,
				port_target(2), false),
			 0);
	assert_int_equal(out.n, 1);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PRIORITY1, &len);
}

static void test_target_clock(void **state)
{
	struct bc *bc = one_clock(1);
	struct port_identity t = port_target(1);
	uint16_t len;

	(void)state;
	t.clock_identity = bc_default_ds(bc)->clock_identity;
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_DOMAIN, NULL, 0, t,
				false),
			 0);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_DOMAIN, &len);
	t.clock_identity = net_cid(0x77);
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, BC_MID_DOMAIN, NULL, 0, t,
				false),
			 -EBADMSG);
	assert_int_equal(out.n, 0);
	assert_int_equal(bc_mgmt_counters(bc)->drop[BC_MGMT_DROP_NOT_FOR_US],
			 1);
}

static void test_boundary_hops(void **state)
{
	struct bc *bc = one_clock(1);
	struct req_opts o = { .target = all_target(), .start_hops = 5,
			      .hops = 3 };
	uint8_t buf[PTP_MAX_MSG_LEN];
	const uint8_t *b;
	int n;

	(void)state;
	n = build_req_opts(buf, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0, &o);
	bc_actions_init(&out);
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out), 0);
	b = answer(bc, 0, NULL);
	assert_int_equal(b[44], 2); /* startingBoundaryHops */
	assert_int_equal(b[45], 2); /* boundaryHops */
	/* a local request in another domain is still answered */
	o.start_hops = o.hops = 0;
	o.domain = 9;
	n = build_req_opts(buf, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0, &o);
	bc_actions_init(&out);
	assert_int_equal(bc_mgmt(bc, buf, (size_t)n, false, T0, &out), 0);
	b = answer(bc, 0, NULL);
	assert_int_equal(b[44], 0);
}

/* ---- SET ---- */

static void test_set_priority(void **state)
{
	struct bc *bc = one_clock(1);
	uint8_t v[2] = { 100, 0 };
	struct bc_actions a;
	uint16_t len;
	const uint8_t *p;

	(void)state;
	net_start(&net);
	net_run(&net, 3 * SEC);
	assert_int_equal(net_state(&net, 0, 0), PS_MASTER);
	assert_false(bc_state_decision_due(bc));
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY1, v, 2, false),
			 0);
	assert_int_equal(out.n, 1);
	p = response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PRIORITY1, &len);
	assert_int_equal(p[0], 100);
	assert_int_equal(bc_default_ds(bc)->priority1, 100);
	assert_true(bc_state_decision_due(bc));
	assert_int_equal(bc_mgmt_counters(bc)->sets, 1);
	/* the grandmaster's parentDS (and so its Announce) follows */
	assert_int_equal(bc_parent_ds(bc)->grandmaster_priority1, 77);
	bc_actions_init(&a);
	assert_int_equal(bc_state_decision(bc, T0, &a), 0);
	assert_int_equal(bc_parent_ds(bc)->grandmaster_priority1, 100);
	v[0] = 3;
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY2, v, 2, false),
			 0);
	p = response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PRIORITY2, &len);
	assert_int_equal(p[0], 3);
	assert_int_equal(bc_default_ds(bc)->priority2, 3);
	p = get1(bc, BC_MID_PRIORITY1, &len);
	assert_int_equal(p[0], 100);
}

static void test_set_priority_takes_over(void **state)
{
	int c;
	struct bc *bc = slave_clock(&c);
	uint8_t v[2] = { 50, 0 };

	(void)state;
	/* B (200) follows A (100); priority1 50 makes B the grandmaster */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY1, v, 2, false),
			 0);
	net_decide(&net);
	net_run(&net, 10 * SEC);
	assert_int_equal(net_state(&net, c, 0), PS_MASTER);
	assert_int_equal(net_state(&net, 0, 0), PS_UNCALIBRATED);
	assert_memory_equal(&bc_parent_ds(net.n[0].bc)->grandmaster_identity,
			    &bc_default_ds(bc)->clock_identity, 8);
	assert_int_equal(bc_parent_ds(net.n[0].bc)->grandmaster_priority1, 50);
}

/* A slave-only clock stays class 255 (IEEE 1588-2019 7.6.2.5): a
 * GRANDMASTER_SETTINGS_NP naming another class is refused, and what the
 * clock is configured with does not change. */
static void test_set_gm_settings_slave_only(void **state)
{
	const uint8_t gs[8] = { 6, 0x21, 0x4E, 0x5D, 0x00, 0x25, 0x00,
				TS_GNSS };
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0, c;
	struct bc *bc;

	(void)state;
	net_clock_cfg(&cc, 0xD, 128);
	cc.slave_only = true;
	net_port_cfgs(&pc, 1);
	c = net_add(&net, &cc, &pc, 1, &seg, 0);
	bc = net.n[c].bc;
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 255);
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_GRANDMASTER_SETTINGS_NP,
			     gs, 8, false),
			 0);
	assert_error(bc, 0, BC_MID_GRANDMASTER_SETTINGS_NP,
		     TLV_MGMT_ERR_WRONG_VALUE);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 255);
	assert_int_equal(bc_configured_clock_quality(bc)->clock_class, 255);
}

static void test_set_gm_settings_port_ds_np(void **state)
{
	struct bc *bc = one_clock(2);
	const uint8_t gs[8] = { 7, 0x22, 0x12, 0x34, 0x00, 0x25,
				0x04 | 0x08 | 0x20 | 0x01, TS_PTP };
	const uint8_t pn[8] = { 0x00, 0x00, 0x30, 0x39, 0, 0, 0, 0 };
	struct bc_actions a;
	uint16_t len;
	const uint8_t *p;

	(void)state;
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_GRANDMASTER_SETTINGS_NP,
			     gs, 8, false),
			 0);
	p = response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_GRANDMASTER_SETTINGS_NP,
		     &len);
	assert_memory_equal(p, gs, 8);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 7);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_accuracy,
			 0x22);
	assert_true(bc_state_decision_due(bc));
	bc_actions_init(&a);
	bc_state_decision(bc, T0, &a);
	assert_int_equal(bc_time_properties_ds(bc)->current_utc_offset, 37);
	assert_true(bc_time_properties_ds(bc)->frequency_traceable);
	assert_false(bc_time_properties_ds(bc)->time_traceable);
	assert_int_equal(bc_time_properties_ds(bc)->time_source, TS_PTP);
	assert_int_equal(bc_parent_ds(bc)->grandmaster_clock_quality.clock_class,
			 7);

	assert_int_equal(ask_to(bc, PTP_MGMT_SET, BC_MID_PORT_DATA_SET_NP, pn,
				8, port_target(2), false),
			 0);
	assert_int_equal(out.n, 1);
	p = response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PORT_DATA_SET_NP, &len);
	assert_int_equal(be32(p), 12345);
	assert_int_equal(be32(p + 4), 1);
	p = get_port(bc, BC_MID_PORT_DATA_SET_NP, 0, &len);
	assert_int_equal(be32(p), 20000000); /* port 1 untouched */
}

static void test_read_only(void **state)
{
	struct bc *bc = one_clock(1);
	uint8_t v[2] = { 10, 0 };
	uint16_t len;

	(void)state;
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY1, v, 2, true), 0);
	assert_int_equal(out.n, 1);
	assert_error(bc, 0, BC_MID_PRIORITY1, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(bc_default_ds(bc)->priority1, 77);
	assert_false(bc_state_decision_due(bc));
	assert_int_equal(ask(bc, PTP_MGMT_COMMAND, BC_MID_NULL_MANAGEMENT,
			     NULL, 0, true),
			 0);
	assert_error(bc, 0, BC_MID_NULL_MANAGEMENT,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0, true),
			 0);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PRIORITY1, &len);
	assert_int_equal(bc_mgmt_counters(bc)->sets, 0);
}

/* DISABLE_PORT and ENABLE_PORT: acknowledged, and their actions (the
 * state change, the timers of the old state stopped, the new state's
 * armed) come with the acknowledgement for the executor to carry out. */
static void test_port_enable_disable(void **state)
{
	struct bc *bc;
	enum port_state p1;
	uint16_t len;
	int stops = 0, states = 0, arms = 0;

	(void)state;
	bc = one_clock(2);
	net_start(&net);
	net_run(&net, 10 * SEC);
	p1 = bc_port_ds(bc, 0)->port_state;
	assert_int_equal(bc_port_ds(bc, 1)->port_state, PS_MASTER);
	assert_int_not_equal(bc_port_ds(bc, 1)->port_state, PS_DISABLED);
	assert_int_equal(ask_to(bc, PTP_MGMT_COMMAND, BC_MID_DISABLE_PORT, NULL,
				0, port_target(2), false),
			 0);
	/* the acknowledgement comes after the actions it caused */
	response(bc, out.n - 1, PTP_MGMT_ACKNOWLEDGE, BC_MID_DISABLE_PORT,
		 &len);
	assert_int_equal(len, 0);
	assert_int_equal(bc_port_ds(bc, 1)->port_state, PS_DISABLED);
	assert_int_equal(bc_port_ds(bc, 0)->port_state, p1); /* untouched */
	for (int i = 0; i < out.n; i++) {
		stops += out.a[i].type == BC_ACT_TIMER_STOP;
		states += out.a[i].type == BC_ACT_STATE_CHANGED;
	}
	assert_true(stops > 0);
	assert_int_equal(states, 1);
	assert_true(bc_state_decision_due(bc));
	/* disabling again is acknowledged, nothing happens */
	assert_int_equal(ask_to(bc, PTP_MGMT_COMMAND, BC_MID_DISABLE_PORT, NULL,
				0, port_target(2), false),
			 0);
	assert_int_equal(out.n, 1);
	/* enabled: INITIALIZING, then LISTENING with its receipt timer */
	assert_int_equal(ask_to(bc, PTP_MGMT_COMMAND, BC_MID_ENABLE_PORT, NULL,
				0, port_target(2), false),
			 0);
	assert_int_equal(bc_port_ds(bc, 1)->port_state, PS_LISTENING);
	states = 0;
	for (int i = 0; i < out.n; i++) {
		arms += out.a[i].type == BC_ACT_TIMER_ARM;
		states += out.a[i].type == BC_ACT_STATE_CHANGED;
	}
	assert_true(arms > 0);
	assert_int_equal(states, 2);
	/* a COMMAND with data is the wrong length; read-only refuses it */
	assert_int_equal(ask_to(bc, PTP_MGMT_COMMAND, BC_MID_ENABLE_PORT,
				(const uint8_t *)"\0\0", 2, port_target(2),
				false),
			 0);
	assert_error(bc, 0, BC_MID_ENABLE_PORT, TLV_MGMT_ERR_WRONG_LENGTH);
	assert_int_equal(ask_to(bc, PTP_MGMT_COMMAND, BC_MID_DISABLE_PORT, NULL,
				0, port_target(2), true),
			 0);
	assert_error(bc, 0, BC_MID_DISABLE_PORT, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(bc_port_ds(bc, 1)->port_state, PS_LISTENING);
}

static void test_errors(void **state)
{
	struct bc *bc = one_clock(2);
	uint8_t v[8] = { 0 };
	uint16_t len;

	(void)state;
	/* wrong lengths */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY1, NULL, 0,
			     false),
			 0);
	assert_error(bc, 0, BC_MID_PRIORITY1, TLV_MGMT_ERR_WRONG_LENGTH);
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_PRIORITY1, v, 4, false),
			 0);
	assert_error(bc, 0, BC_MID_PRIORITY1, TLV_MGMT_ERR_WRONG_LENGTH);
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_GRANDMASTER_SETTINGS_NP,
			     v, 6, false),
			 0);
	assert_error(bc, 0, BC_MID_GRANDMASTER_SETTINGS_NP,
		     TLV_MGMT_ERR_WRONG_LENGTH);
	assert_int_equal(bc_default_ds(bc)->priority1, 77);
	/* unknown, unsupported, not settable */
	assert_int_equal(ask(bc, PTP_MGMT_GET, 0x1234, NULL, 0, false), 0);
	assert_int_equal(out.n, 1);
	assert_source(bc, 0, 0);
	assert_error(bc, 0, 0x1234, TLV_MGMT_ERR_NO_SUCH_ID);
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_TIME, NULL, 0, false), 0);
	assert_error(bc, 0, BC_MID_TIME, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_DEFAULT_DATA_SET, v, 2,
			     false),
			 0);
	assert_error(bc, 0, BC_MID_DEFAULT_DATA_SET, TLV_MGMT_ERR_NOT_SETABLE);
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_DOMAIN, v, 2, false), 0);
	assert_error(bc, 0, BC_MID_DOMAIN, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(ask(bc, PTP_MGMT_COMMAND, BC_MID_INITIALIZE, NULL, 0,
			     false),
			 0);
	assert_error(bc, 0, BC_MID_INITIALIZE, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_SUBSCRIBE_EVENTS_NP, NULL,
			     0, false),
			 0);
	assert_error(bc, 0, BC_MID_SUBSCRIBE_EVENTS_NP,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
	/* an unsupported port SET: every port says so */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_LOG_ANNOUNCE_INTERVAL, v,
			     2, false),
			 0);
	assert_int_equal(out.n, 2);
	assert_error(bc, 1, BC_MID_LOG_ANNOUNCE_INTERVAL,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_source(bc, 1, 2);
	/* NULL_MANAGEMENT: COMMAND is acknowledged, empty */
	assert_int_equal(ask_to(bc, PTP_MGMT_COMMAND, BC_MID_NULL_MANAGEMENT,
				NULL, 0, port_target(1), false),
			 0);
	response(bc, 0, PTP_MGMT_ACKNOWLEDGE, BC_MID_NULL_MANAGEMENT, &len);
	assert_int_equal(len, 0);
	/* a GET with data (pmc sends zeroed data sets) is fine */
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PRIORITY2, v, 2, false),
			 0);
	response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_PRIORITY2, &len);
	assert_int_equal(bc_mgmt_counters(bc)->errors, 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_default_ds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_current_parent_slave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_time_status_np, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_small_clock_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_port_ds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_port_properties_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_clock_description, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fanout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boundary_hops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_priority_takes_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_gm_settings_port_ds_np, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_gm_settings_slave_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_enable_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
