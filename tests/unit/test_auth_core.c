/*
 * tests/unit/test_auth_core.c — whole clocks with authentication (spp),
 * on the exact wire of bc_net.h, with a test MAC through the core's ops
 * table (no libcrypto: the core runs with any MAC).
 *
 * Two clocks on one segment, A (priority1 100) and B, both with spp 1:
 * every message each sends carries the TLV with its active key and B
 * synchronises to the nanosecond; an unauthenticated clock is never
 * heard; other key bytes keep B from ever having a parent; a replayed
 * Sync/Follow_Up is refused; keys rotate live (both accepted during the
 * change); management on the port is answered only when authenticated,
 * and the answer is authenticated.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/auth.h"
#include "tests/unit/bc_net.h"

#define OFF_A 0
#define OFF_B 777777

static struct net net;
static struct sa_db db_a, db_b;
static int calls;

/* Not a MAC anyone should use: FNV-1a over key and data, spread over the
 * ICV.  Enough to tell keys and octets apart. */
static void fnv_icv(const struct sa_key *k, const uint8_t *d, size_t n,
		    uint8_t *icv)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < k->len; i++)
		h = (h ^ k->key[i]) * 1099511628211ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	for (size_t i = 0; i < sa_alg_icv_len((enum sa_alg)k->alg); i++) {
		h = (h ^ i) * 1099511628211ull;
		icv[i] = (uint8_t)(h >> 56);
	}
}

static int test_compute(void *ctx, const struct sa_key *k, const uint8_t *d,
			size_t n, uint8_t *icv)
{
	(void)ctx;
	calls++;
	fnv_icv(k, d, n, icv);
	return 0;
}

static bool test_verify(void *ctx, const struct sa_key *k, const uint8_t *d,
			size_t n, const uint8_t *icv)
{
	uint8_t want[SA_ICV_MAX_LEN];

	(void)ctx;
	calls++;
	fnv_icv(k, d, n, want);
	return memcmp(want, icv, sa_alg_icv_len((enum sa_alg)k->alg)) == 0;
}

static const struct auth_mac_ops test_ops = { test_compute, test_verify };

/* spp 1: key 1 SHA256-128, key 2 AES128, key 3 SHA256 (bytes 'k'+id,
 * or salt). */
static void db_fill(struct sa_db *db, uint8_t salt)
{
	memset(db, 0, sizeof(*db));
	db->n = 1;
	db->sa[0].spp = 1;
	db->sa[0].seqid_window = 3;
	db->sa[0].nkeys = 3;
	for (int i = 0; i < 3; i++) {
		struct sa_key *k = &db->sa[0].keys[i];

		k->id = (uint32_t)(i + 1);
		k->alg = (uint8_t)(i == 0 ? SA_ALG_HMAC_SHA256_128
				   : i == 1 ? SA_ALG_CMAC_AES128
					    : SA_ALG_HMAC_SHA256);
		k->len = 16;
		memset(k->key, 'k' + i + salt, k->len);
	}
}

static int add(uint8_t id, uint8_t prio1, int spp, uint32_t key,
	       const struct sa_db *db, int64_t off)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0, c;

	net_clock_cfg(&cc, id, prio1);
	net_port_cfgs(&pc, 1);
	pc.spp = (int16_t)spp;
	pc.active_key_id = key;
	c = net_add(&net, &cc, &pc, 1, &seg, off);
	bc_set_auth(net.n[c].bc, db, &test_ops, NULL);
	return c;
}

static int setup(void **state)
{
	(void)state;
	net_init(&net);
	db_fill(&db_a, 0);
	db_fill(&db_b, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_free(&net);
	return 0;
}

static uint64_t auth_drops(int c)
{
	uint64_t n = 0;

	for (int d = BC_DROP_AUTH_NO_TLV; d <= BC_DROP_AUTH_REPLAY; d++)
		n += net_drops(&net, c, 0, (enum bc_drop)d);
	return n;
}

/* The last message of each type c sent verifies under db with key. */
static void assert_sent_signed(int c, const struct sa_db *db, uint32_t key)
{
	static const uint8_t types[] = { PTP_MSG_SYNC, PTP_MSG_FOLLOW_UP,
					 PTP_MSG_ANNOUNCE, PTP_MSG_DELAY_REQ,
					 PTP_MSG_DELAY_RESP };

	for (size_t i = 0; i < sizeof(types); i++) {
		const struct net_node *nd = &net.n[c];
		const struct sa_key *k;
		struct ptp_msg m;
		uint16_t len = nd->last_tx_len[0][types[i]];

		if (!len)
			continue;
		assert_int_equal(msg_unpack(nd->last_tx[0][types[i]], len, &m,
					    NULL),
				 0);
		assert_int_equal(m.tlvs[m.n_tlvs - 1].type, TLV_AUTHENTICATION);
		assert_int_equal(auth_tlv_verify(&db->sa[0], &test_ops, NULL,
						 nd->last_tx[0][types[i]], len,
						 &m, &k),
				 BC_DROP_NONE);
		assert_int_equal(k->id, key);
	}
}

static void test_sync_both_signed(void **state)
{
	int a = add(0xA, 100, 1, 1, &db_a, OFF_A);
	int b = add(0xB, 200, 1, 2, &db_b, OFF_B);

	(void)state;
	net_start(&net);
	net_run(&net, 40 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
	net_assert_samples(&net, b, 5, OFF_B - OFF_A);
	assert_true(net.n[a].tx_count[0][PTP_MSG_DELAY_RESP] > 20);
	assert_sent_signed(a, &db_a, 1);
	assert_sent_signed(b, &db_b, 2);
	assert_int_equal(auth_drops(a), 0);
	assert_int_equal(auth_drops(b), 0);
	assert_true(calls > 150);
}

/* A master without authentication on the segment of a port with spp:
 * never heard, every message counted as auth_no_tlv. */
static void test_unauthenticated_refused(void **state)
{
	int a = add(0xA, 100, -1, 0, NULL, OFF_A);
	int b = add(0xB, 200, 1, 2, &db_b, OFF_B);
	uint64_t rx = 0;

	(void)state;
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(net_state(&net, b, 0), PS_MASTER);
	assert_int_equal(net.n[b].nsamples, 0);
	assert_int_equal(net.n[b].nparents, 0);
	for (int t = 0; t < PTP_MSG_TYPE_COUNT; t++)
		rx += bc_port_counters(net.n[b].bc, 0)->rx[t];
	assert_int_equal(rx, 0);
	assert_true(net_drops(&net, b, 0, BC_DROP_AUTH_NO_TLV) > 40);
	/* and A, without spp, takes B's signed messages as they are */
	assert_int_equal(auth_drops(a), 0);
}

/* The same key ids with other bytes: B never has a parent. */
static void test_other_keys(void **state)
{
	int b;

	(void)state;
	db_fill(&db_b, 5);
	add(0xA, 100, 1, 1, &db_a, OFF_A);
	b = add(0xB, 200, 1, 2, &db_b, OFF_B);
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_false(net_is_slave_state(net_state(&net, b, 0)));
	assert_int_equal(net.n[b].nsamples, 0);
	assert_int_equal(net.n[b].nparents, 0);
	assert_true(net_drops(&net, b, 0, BC_DROP_AUTH_BAD_ICV) > 40);
	assert_int_equal(net_drops(&net, b, 0, BC_DROP_AUTH_NO_TLV), 0);
}

/* A Sync and Follow_Up recorded and sent again: replays. */
static void test_replay(void **state)
{
	int a = add(0xA, 100, 1, 1, &db_a, OFF_A);
	int b = add(0xB, 200, 1, 2, &db_b, OFF_B);
	uint8_t sync[PTP_MAX_MSG_LEN], fup[PTP_MAX_MSG_LEN];
	uint16_t ls, lf;
	int n0;

	(void)state;
	net_start(&net);
	net_run(&net, 30 * SEC);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
	ls = net.n[a].last_tx_len[0][PTP_MSG_SYNC];
	lf = net.n[a].last_tx_len[0][PTP_MSG_FOLLOW_UP];
	memcpy(sync, net.n[a].last_tx[0][PTP_MSG_SYNC], ls);
	memcpy(fup, net.n[a].last_tx[0][PTP_MSG_FOLLOW_UP], lf);
	net_run(&net, 3 * SEC);
	n0 = net.n[b].nsamples;
	assert_int_equal(net_inject(&net, b, 0, sync, ls), -EBADMSG);
	assert_int_equal(net_inject(&net, b, 0, fup, lf), -EBADMSG);
	assert_int_equal(net_drops(&net, b, 0, BC_DROP_AUTH_REPLAY), 2);
	assert_int_equal(net.n[b].nsamples, n0);
	net_run(&net, 5 * SEC);
	net_assert_samples(&net, b, n0, OFF_B - OFF_A);
	assert_int_equal(auth_drops(b), 2);
}

static void reconf_key(int c, uint32_t key)
{
	struct bc_port_cfg pc = *bc_port_config(net.n[c].bc, 0);
	struct bc_actions act;

	pc.active_key_id = key;
	bc_actions_init(&act);
	assert_int_equal(bc_port_reconfigure(net.n[c].bc, 0, &pc, net.now,
					     &act),
			 0);
	net_actions(&net, c, &act);
}

/* Rotation as with ptp4l's sa_file: the new key added everywhere, the
 * masters moved to it, the old one removed; nothing is lost on the way.
 * A key removed while still sent is refused. */
static void test_rotation(void **state)
{
	int a = add(0xA, 100, 1, 1, &db_a, OFF_A);
	int b = add(0xB, 200, 1, 2, &db_b, OFF_B);
	int n0;

	(void)state;
	net_start(&net);
	net_run(&net, 30 * SEC);
	n0 = net.n[b].nsamples;
	reconf_key(a, 3);
	net_run(&net, 5 * SEC);
	assert_sent_signed(a, &db_a, 3);
	net_assert_samples(&net, b, n0, OFF_B - OFF_A);
	assert_true(net.n[b].nsamples >= n0 + 4);
	/* key 1 gone from B's (a reload of the sa_file) */
	db_b.sa[0].keys[0] = db_b.sa[0].keys[2];
	db_b.sa[0].nkeys = 2;
	bc_set_auth(net.n[b].bc, &db_b, &test_ops, NULL);
	n0 = net.n[b].nsamples;
	net_run(&net, 5 * SEC);
	assert_true(net.n[b].nsamples >= n0 + 4);
	assert_int_equal(auth_drops(b), 0);
	/* A back on key 1: B refuses it */
	reconf_key(a, 1);
	net_run(&net, 10 * SEC);
	assert_true(net_drops(&net, b, 0, BC_DROP_AUTH_UNKNOWN_KEY) > 15);
	assert_false(net_is_slave_state(net_state(&net, b, 0)));
}

/* GET CURRENT_DATA_SET to all clocks, as pmc sends it over UDP. */
static size_t mgmt_get(uint8_t *b)
{
	static const uint8_t get[54] = {
		0x0D, 0x12, 0x00, 54, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10, 0xEE,
		0x00, 0x01, 0x00, 0x07, 0x04, 0x7F,
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
		0x01, 0x01, PTP_MGMT_GET, 0x00,
		0x00, 0x01, 0x00, 0x02, 0x20, 0x01,
	};

	memcpy(b, get, sizeof(get));
	return sizeof(get);
}

static void test_management_on_port(void **state)
{
	int b = add(0xB, 200, 1, 2, &db_b, OFF_B);
	uint8_t req[PTP_MAX_MSG_LEN];
	uint64_t tx0;
	size_t n;
	int len;

	(void)state;
	net_start(&net);
	net_run(&net, 5 * SEC);
	tx0 = net.n[b].tx_count[0][PTP_MSG_MANAGEMENT];
	n = mgmt_get(req);
	assert_int_equal(net_inject(&net, b, 0, req, n), -EBADMSG);
	assert_int_equal(net_drops(&net, b, 0, BC_DROP_AUTH_NO_TLV), 1);
	assert_int_equal(net.n[b].tx_count[0][PTP_MSG_MANAGEMENT], tx0);
	len = auth_tlv_append(&db_b.sa[0], &db_b.sa[0].keys[2], &test_ops,
			      NULL, req, n, sizeof(req));
	assert_int_equal(len, 54 + 10 + 32);
	assert_int_equal(net_inject(&net, b, 0, req, (size_t)len), 0);
	assert_int_equal(net.n[b].tx_count[0][PTP_MSG_MANAGEMENT], tx0 + 1);
	assert_sent_signed(b, &db_b, 2);
	{
		const struct net_node *nd = &net.n[b];
		struct ptp_msg m;

		assert_int_equal(
			msg_unpack(nd->last_tx[0][PTP_MSG_MANAGEMENT],
				   nd->last_tx_len[0][PTP_MSG_MANAGEMENT], &m,
				   NULL),
			0);
		assert_int_equal(m.n_tlvs, 2);
		assert_int_equal(m.tlvs[0].type, TLV_MANAGEMENT);
		assert_int_equal(m.body.management.action, PTP_MGMT_RESPONSE);
		assert_int_equal(auth_tlv_verify(
					 &db_b.sa[0], &test_ops, NULL,
					 nd->last_tx[0][PTP_MSG_MANAGEMENT],
					 nd->last_tx_len[0][PTP_MSG_MANAGEMENT],
					 &m, NULL),
				 BC_DROP_NONE);
	}
}

/* A port with spp and no database (the program gave none): nothing is
 * accepted and nothing is sent unsigned. */
static void test_no_database(void **state)
{
	int b = add(0xB, 200, 1, 2, NULL, OFF_B);
	uint64_t tx = 0;

	(void)state;
	add(0xA, 100, 1, 1, &db_a, OFF_A);
	net_start(&net);
	net_run(&net, 20 * SEC);
	for (int t = 0; t < PTP_MSG_TYPE_COUNT; t++)
		tx += net.n[b].tx_count[0][t];
	assert_int_equal(tx, 0);
	assert_true(net_drops(&net, b, 0, BC_DROP_AUTH_UNKNOWN_SPP) > 20);
	assert_int_equal(net.n[b].nparents, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sync_both_signed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unauthenticated_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_management_on_port, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_database, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
