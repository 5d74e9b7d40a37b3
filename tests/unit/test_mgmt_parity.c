/*
 * tests/unit/test_mgmt_parity.c — linuxptp 4.4's management IDs and TLVs
 * in the core (bc/mgmt_parity.c, bc/power.c, bc/nsm.c), checked on the raw
 * bytes at linuxptp's offsets against hand-built buffers:
 * ALTERNATE_TIME_OFFSET_ENABLE/NAME/PROPERTIES and their
 * ALTERNATE_TIME_OFFSET_INDICATOR TLVs in Announce,
 * SYNCHRONIZATION_UNCERTAIN_NP and the Announce flag, PORT_SERVICE_STATS_NP,
 * POWER_PROFILE_SETTINGS_NP and the C37.238 TLVs (2011, 2017; sent and
 * parsed, bad lengths dropped), CMLDS_INFO_NP, what the read-only socket
 * refuses, and the NetSync Monitor answer (Delay_Resp with PTPMON_RESP, a
 * unicast Sync and its Follow_Up).
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bc/tlv.h"
#include "tests/unit/mgmt_test.h"

/* ---- alternate time offsets ---- */

static void set_ok(struct bc *bc, uint16_t id, const uint8_t *d, size_t n)
{
	uint16_t len;

	assert_int_equal(ask(bc, PTP_MGMT_SET, id, d, n, false), 0);
	assert_int_equal(out.n, 1);
	(void)response(bc, 0, PTP_MGMT_RESPONSE, id, &len);
}

static const uint8_t *get_key(struct bc *bc, uint16_t id, uint8_t key,
			      uint16_t *len)
{
	uint8_t d[2] = { key, 0 };

	assert_int_equal(ask(bc, PTP_MGMT_GET, id, d, 2, false), 0);
	assert_int_equal(out.n, 1);
	return response(bc, 0, PTP_MGMT_RESPONSE, id, len);
}

static void test_ato_get_set(void **state)
{
	struct bc *bc = one_clock(1);
	const uint8_t name[] = { 1, 3, 'C', 'E', 'T', 0 };
	const uint8_t props[16] = { 2, 0, 0, 0x0E, 0x10, 0xFF, 0xFF, 0xF1,
				    0xF0, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
				    0 };
	const uint8_t *p;
	uint16_t len;

	(void)state;
	/* defaults, key 0 for an empty GET */
	p = get1(bc, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE, &len);
	assert_int_equal(len, 2);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 0);
	p = get1(bc, BC_MID_ALTERNATE_TIME_OFFSET_NAME, &len);
	assert_int_equal(len, 2); /* key, empty PTPText */
	/* a name for key 1, read back by key */
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_NAME, name, sizeof(name));
	p = get_key(bc, BC_MID_ALTERNATE_TIME_OFFSET_NAME, 1, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(p, name, 5);
	/* properties of key 2: +3600 s, -3600 s, next jump 0x000102030405 */
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, props,
	       sizeof(props));
	p = get_key(bc, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, 2, &len);
	assert_int_equal(len, 16);
	assert_memory_equal(p, props, 16);
	/* enable every key at once (0xFF), then key 3 alone off */
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
	       (const uint8_t[]){ 0xFF, 1 }, 2);
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
	       (const uint8_t[]){ 3, 0 }, 2);
	p = get_key(bc, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE, 2, &len);
	assert_int_equal(p[1], 1);
	p = get_key(bc, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE, 3, &len);
	assert_int_equal(p[1], 0);
	/* a key ptp4l does not have: answered with no data */
	(void)get_key(bc, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, 4, &len);
	assert_int_equal(len, 0);
}

static void test_ato_refused(void **state)
{
	struct bc *bc = one_clock(1);
	const uint8_t long_name[14] = { 0, 11, 'a', 'b', 'c', 'd', 'e', 'f',
					'g', 'h', 'i', 'j', 'k', 0 };
	uint8_t props[16] = { 4 };

	(void)state;
	/* unknown key: NO_SUCH_ID, as ptp4l's fall-through answers */
	assert_int_equal(ask(bc, PTP_MGMT_SET,
			     BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, props,
			     sizeof(props), false),
			 0);
	assert_error(bc, 0, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES,
		     TLV_MGMT_ERR_NO_SUCH_ID);
	assert_int_equal(ask(bc, PTP_MGMT_SET,
			     BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
			     (const uint8_t[]){ 9, 1 }, 2, false),
			 0);
	assert_error(bc, 0, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
		     TLV_MGMT_ERR_NO_SUCH_ID);
	/* 11 symbols: more than ptp4l keeps */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_ALTERNATE_TIME_OFFSET_NAME,
			     long_name, sizeof(long_name), false),
			 0);
	assert_error(bc, 0, BC_MID_ALTERNATE_TIME_OFFSET_NAME,
		     TLV_MGMT_ERR_NO_SUCH_ID);
	/* a PTPText longer than the data: WRONG_LENGTH */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_ALTERNATE_TIME_OFFSET_NAME,
			     (const uint8_t[]){ 0, 9, 'x', 0 }, 4, false),
			 0);
	assert_error(bc, 0, BC_MID_ALTERNATE_TIME_OFFSET_NAME,
		     TLV_MGMT_ERR_WRONG_LENGTH);
	/* a properties SET of the wrong size */
	assert_int_equal(ask(bc, PTP_MGMT_SET,
			     BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, props, 14,
			     false),
			 0);
	assert_error(bc, 0, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES,
		     TLV_MGMT_ERR_WRONG_LENGTH);
	/* and no SET on the read-only socket */
	assert_int_equal(ask(bc, PTP_MGMT_SET,
			     BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
			     (const uint8_t[]){ 0, 1 }, 2, true),
			 0);
	assert_error(bc, 0, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
}

/* The Announce port 0 of clock c sent last, after the next one. */
static const uint8_t *next_announce(int c, uint16_t *len)
{
	assert_true(net_run_until_tx(&net, c, 0, PTP_MSG_ANNOUNCE, 5 * SEC));
	*len = net.n[c].last_tx_len[0][PTP_MSG_ANNOUNCE];
	return net.n[c].last_tx[0][PTP_MSG_ANNOUNCE];
}

/* The TLV of type at or after offset 64 of an Announce: its offset. */
static int find_tlv(const uint8_t *m, uint16_t len, uint16_t type, int from)
{
	for (int o = from; o + 4 <= len; o += 4 + be16(m + o + 2)) {
		if (be16(m + o) == type)
			return o;
	}
	return -1;
}

static void test_ato_in_announce(void **state)
{
	struct bc *bc = one_clock(1);
	const uint8_t name[] = { 1, 3, 'C', 'E', 'T', 0 };
	const uint8_t props[16] = { 1, 0, 0, 0x8C, 0xA0, 0, 0, 0x0E, 0x10,
				    0x00, 0x00, 0x67, 0x45, 0x23, 0x01, 0 };
	/* hand-built: type 9, length 16 + 3, padded to 20 (ptp4l drops a
	 * message with an odd lengthField) */
	const uint8_t want[] = { 0x00, 0x09, 0x00, 0x14, 1, 0, 0, 0x8C, 0xA0,
				 0, 0, 0x0E, 0x10, 0x00, 0x00, 0x67, 0x45,
				 0x23, 0x01, 3, 'C', 'E', 'T', 0 };
	const uint8_t *m;
	uint16_t len;
	int o;

	(void)state;
	net_start(&net);
	m = next_announce(0, &len);
	assert_int_equal(find_tlv(m, len, TLV_ALTERNATE_TIME_OFFSET_INDICATOR,
				  64),
			 -1);
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_NAME, name, sizeof(name));
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_PROPERTIES, props,
	       sizeof(props));
	set_ok(bc, BC_MID_ALTERNATE_TIME_OFFSET_ENABLE,
	       (const uint8_t[]){ 1, 1 }, 2);
	m = next_announce(0, &len);
	o = find_tlv(m, len, TLV_ALTERNATE_TIME_OFFSET_INDICATOR, 64);
	assert_true(o >= 64);
	assert_memory_equal(m + o, want, sizeof(want));
	assert_int_equal(find_tlv(m, len, TLV_ALTERNATE_TIME_OFFSET_INDICATOR,
				  o + 24),
			 -1); /* one key enabled: one TLV */
}

/* ---- synchronizationUncertain ---- */

static void test_sync_uncertain(void **state)
{
	struct bc *bc = one_clock(1);
	const uint8_t *p, *m;
	uint16_t len;

	(void)state;
	net_start(&net);
	p = get1(bc, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP, &len);
	assert_int_equal(len, 2);
	assert_int_equal(p[0], 0xFF); /* don't care: ptp4l's default */
	m = next_announce(0, &len);
	assert_int_equal(m[7] & PTP_FLAG_SYNC_UNCERTAIN, 0);
	set_ok(bc, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP,
	       (const uint8_t[]){ 1, 0 }, 2);
	m = next_announce(0, &len);
	assert_int_equal(m[7] & PTP_FLAG_SYNC_UNCERTAIN,
			 PTP_FLAG_SYNC_UNCERTAIN);
	/* timePropertiesDS itself does not change */
	p = get1(bc, BC_MID_TIME_PROPERTIES_DATA_SET, &len);
	assert_int_equal(p[2] & PTP_FLAG_SYNC_UNCERTAIN, 0);
	/* false: the parent's flag (none: this clock is its own parent) */
	set_ok(bc, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP,
	       (const uint8_t[]){ 0, 0 }, 2);
	m = next_announce(0, &len);
	assert_int_equal(m[7] & PTP_FLAG_SYNC_UNCERTAIN, 0);
	/* another value: NOT_SUPPORTED, as ptp4l */
	assert_int_equal(ask(bc, PTP_MGMT_SET,
			     BC_MID_SYNCHRONIZATION_UNCERTAIN_NP,
			     (const uint8_t[]){ 2, 0 }, 2, false),
			 0);
	assert_error(bc, 0, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
	p = get1(bc, BC_MID_SYNCHRONIZATION_UNCERTAIN_NP, &len);
	assert_int_equal(p[0], 0);
}

/* ---- per-port IDs ---- */

static void test_port_service_stats(void **state)
{
	const struct bc_port_counters *c;
	int b;
	struct bc *bc = slave_clock(&b);
	struct bc *a = net.n[0].bc;
	const uint8_t *p;
	uint16_t len;

	(void)state;
	p = get_port(bc, BC_MID_PORT_SERVICE_STATS_NP, 0, &len);
	c = bc_port_counters(bc, 0);
	assert_int_equal(len, BC_MGMT_PORT_SERVICE_STATS_NP_LEN);
	assert_pid_at(p, &bc_port_ds(bc, 0)->port_identity);
	assert_true(c->announce_timeouts >= 1); /* LISTENING ran out once */
	assert_true(c->delay_timeouts > 0); /* Delay_Reqs were sent */
	assert_int_equal(le64(p + 10), c->announce_timeouts);
	assert_int_equal(le64(p + 18), c->sync_timeouts);
	assert_int_equal(le64(p + 26), c->delay_timeouts);
	assert_int_equal(le64(p + 34), 0); /* no unicast service */
	assert_int_equal(le64(p + 42), 0);
	assert_int_equal(le64(p + 50), c->master_announce_timeouts);
	assert_int_equal(le64(p + 58), c->master_sync_timeouts);
	assert_int_equal(le64(p + 66), c->qualification_timeouts);
	assert_int_equal(le64(p + 74), 0); /* nothing mismatched here */
	assert_int_equal(le64(p + 82), 0);
	/* the master sent Announce and Sync on its timers */
	c = bc_port_counters(a, 0);
	assert_true(c->master_announce_timeouts > 0);
	assert_true(c->master_sync_timeouts > 0);
	assert_int_equal(c->master_sync_timeouts, c->tx[PTP_MSG_SYNC]);
}

static void test_cmlds_info(void **state)
{
	struct bc *bc = one_clock(2);
	const uint8_t *p;
	uint16_t len;

	(void)state;
	p = get_port(bc, BC_MID_CMLDS_INFO_NP, 1, &len);
	assert_int_equal(len, BC_MGMT_CMLDS_INFO_NP_LEN);
	assert_int_equal(be64(p), 0); /* no peer delay measured */
	assert_int_equal(be32(p + 8), 0); /* rate ratio 1.0 */
	assert_int_equal(be32(p + 12), 1); /* as_capable */
	/* GET only */
	assert_int_equal(ask_to(bc, PTP_MGMT_SET, BC_MID_CMLDS_INFO_NP, p, 16,
				port_target(1), false),
			 0);
	assert_error(bc, 0, BC_MID_CMLDS_INFO_NP, TLV_MGMT_ERR_NOT_SETABLE);
}

/* ---- the read-only socket ---- */

static void test_read_only_refusals(void **state)
{
	struct bc *bc = one_clock(2);
	uint16_t len;

	(void)state;
	/* ptp4l 4.4: "Only the UDS-RW port allowed": one error for all */
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PORT_PROPERTIES_NP, NULL,
			     0, true),
			 0);
	assert_int_equal(out.n, 1);
	assert_error(bc, 0, BC_MID_PORT_PROPERTIES_NP,
		     TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PORT_HWCLOCK_NP, NULL, 0,
			     true),
			 0);
	assert_int_equal(out.n, 1);
	assert_error(bc, 0, BC_MID_PORT_HWCLOCK_NP, TLV_MGMT_ERR_NOT_SUPPORTED);
	/* SUBSCRIBE_EVENTS_NP: a RESPONSE with no data */
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_SUBSCRIBE_EVENTS_NP, NULL,
			     0, true),
			 0);
	assert_int_equal(out.n, 1);
	(void)response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_SUBSCRIBE_EVENTS_NP,
		       &len);
	assert_int_equal(len, 0);
	/* the other GETs are answered there, every port */
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PORT_STATS_NP, NULL, 0,
			     true),
			 0);
	assert_int_equal(out.n, 2);
	assert_int_equal(ask(bc, PTP_MGMT_GET, BC_MID_PORT_SERVICE_STATS_NP,
			     NULL, 0, true),
			 0);
	assert_int_equal(out.n, 2);
	/* a COMMAND is refused there */
	assert_int_equal(ask(bc, PTP_MGMT_COMMAND, BC_MID_DISABLE_PORT, NULL, 0,
			     true),
			 0);
	assert_error(bc, 0, BC_MID_DISABLE_PORT, TLV_MGMT_ERR_NOT_SUPPORTED);
}

/* ---- the power profile ---- */

static void test_power_settings(void **state)
{
	struct bc *bc = one_clock(2);
	const uint8_t set[16] = { 0, 1, 0x12, 0x34, 0, 0, 0x01, 0xF4, 0, 0,
				  0x03, 0xE8, 0, 0, 0, 50 };
	const uint8_t *p;
	uint16_t len;

	(void)state;
	p = get_port(bc, BC_MID_POWER_PROFILE_SETTINGS_NP, 0, &len);
	assert_int_equal(len, BC_MGMT_POWER_PROFILE_NP_LEN);
	assert_int_equal(be16(p), 0); /* none */
	assert_int_equal(be16(p + 2), 0);
	assert_int_equal(be32(p + 4), 0xFFFFFFFFu); /* ptp4l's -1 */
	assert_int_equal(be32(p + 8), 0xFFFFFFFFu);
	assert_int_equal(be32(p + 12), 0xFFFFFFFFu);
	assert_int_equal(ask_to(bc, PTP_MGMT_SET,
				BC_MID_POWER_PROFILE_SETTINGS_NP, set,
				sizeof(set), port_target(2), false),
			 0);
	p = response(bc, 0, PTP_MGMT_RESPONSE, BC_MID_POWER_PROFILE_SETTINGS_NP,
		     &len);
	assert_memory_equal(p, set, sizeof(set));
	p = get_port(bc, BC_MID_POWER_PROFILE_SETTINGS_NP, 0, &len);
	assert_int_equal(be16(p), 0); /* port 1 untouched */
	/* version 3: NO_SUCH_ID, as ptp4l; wrong length */
	assert_int_equal(ask_to(bc, PTP_MGMT_SET,
				BC_MID_POWER_PROFILE_SETTINGS_NP,
				(const uint8_t[16]){ 0, 3 }, 16, port_target(2),
				false),
			 0);
	assert_error(bc, 0, BC_MID_POWER_PROFILE_SETTINGS_NP,
		     TLV_MGMT_ERR_NO_SUCH_ID);
	assert_int_equal(ask_to(bc, PTP_MGMT_SET,
				BC_MID_POWER_PROFILE_SETTINGS_NP, set, 14,
				port_target(2), false),
			 0);
	assert_error(bc, 0, BC_MID_POWER_PROFILE_SETTINGS_NP,
		     TLV_MGMT_ERR_WRONG_LENGTH);
}

static void test_power_in_announce(void **state)
{
	struct bc *bc = one_clock(1);
	/* hand-built, as ptp4l sends them */
	const uint8_t v2011[22] = { 0x00, 0x03, 0x00, 0x12, 0x1C, 0x12, 0x9D,
				    0, 0, 1, 0xAB, 0xCD, 0, 0, 0x01, 0xF4,
				    0, 0, 0x03, 0xE8, 0, 0 };
	const uint8_t v2017[22] = { 0x00, 0x03, 0x00, 0x12, 0x1C, 0x12, 0x9D,
				    0, 0, 2, 0xAB, 0xCD, 0, 0, 0, 0,
				    0, 0, 0x05, 0xDC, 0, 0 };
	struct ptp_msg pm;
	const uint8_t *m;
	uint16_t len;
	int o;

	(void)state;
	net_start(&net);
	m = next_announce(0, &len);
	assert_int_equal(find_tlv(m, len, TLV_ORGANIZATION_EXTENSION, 64), -1);
	set_ok(bc, BC_MID_POWER_PROFILE_SETTINGS_NP,
	       (const uint8_t[16]){ 0, 1, 0xAB, 0xCD, 0, 0, 0x01, 0xF4, 0, 0,
				    0x03, 0xE8, 0, 0, 0x05, 0xDC },
	       16);
	m = next_announce(0, &len);
	o = find_tlv(m, len, TLV_ORGANIZATION_EXTENSION, 64);
	assert_int_equal(o, 64);
	assert_memory_equal(m + o, v2011, sizeof(v2011));
	/* and what hvptpd parses of it */
	assert_int_equal(msg_unpack(m, len, &pm, NULL), 0);
	assert_true(pm.tlv_view.has_power);
	assert_int_equal(pm.tlv_view.power.version, 1);
	assert_int_equal(pm.tlv_view.power.grandmaster_id, 0xABCD);
	assert_int_equal(pm.tlv_view.power.gm_time_inaccuracy, 500);
	assert_int_equal(pm.tlv_view.power.network_time_inaccuracy, 1000);
	set_ok(bc, BC_MID_POWER_PROFILE_SETTINGS_NP,
	       (const uint8_t[16]){ 0, 2, 0xAB, 0xCD, 0, 0, 0x01, 0xF4, 0, 0,
				    0x03, 0xE8, 0, 0, 0x05, 0xDC },
	       16);
	m = next_announce(0, &len);
	o = find_tlv(m, len, TLV_ORGANIZATION_EXTENSION, 64);
	assert_memory_equal(m + o, v2017, sizeof(v2017));
}

/* An Announce with one TLV (type, value) after its body. */
static int announce_with(uint8_t *buf, uint16_t type, const uint8_t *v,
			 uint16_t n)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_ANNOUNCE, 0);
	m.hdr.source_port_identity = requester;
	/* an unknown type first: tlv_append refuses impossible lengths */
	assert_int_equal(tlv_append(&m, 0x7FF0, v, n), 0);
	n = (uint16_t)msg_pack(&m, buf, PTP_MAX_MSG_LEN);
	buf[64] = (uint8_t)(type >> 8);
	buf[65] = (uint8_t)type;
	return n;
}

static void test_power_tlv_parse(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	uint8_t v[20] = { 0x1C, 0x12, 0x9D, 0, 0, 2, 0x00, 0x07, 0, 0, 0, 0,
			  0, 0, 0x27, 0x10, 0, 0 };
	enum bc_drop why = BC_DROP_NONE;
	struct ptp_msg m;
	int n;

	(void)state;
	n = announce_with(buf, TLV_ORGANIZATION_EXTENSION, v, 18);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, &why), 0);
	assert_true(m.tlv_view.has_power);
	assert_int_equal(m.tlv_view.power.version, 2);
	assert_int_equal(m.tlv_view.power.grandmaster_id, 7);
	assert_int_equal(m.tlv_view.power.network_time_inaccuracy, 10000);
	/* a C37.238 TLV of another length: the message is dropped (ptp4l
	 * too) */
	n = announce_with(buf, TLV_ORGANIZATION_EXTENSION, v, 16);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, &why), -EBADMSG);
	assert_int_equal(why, BC_DROP_BAD_TLV);
	n = announce_with(buf, TLV_ORGANIZATION_EXTENSION, v, 20);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, &why), -EBADMSG);
	/* another organisation's, or another C37.238 subtype: kept, not
	 * decoded */
	v[0] = 0x00;
	n = announce_with(buf, TLV_ORGANIZATION_EXTENSION, v, 16);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, NULL), 0);
	assert_false(m.tlv_view.has_power);
	v[0] = 0x1C;
	v[5] = 3;
	n = announce_with(buf, TLV_ORGANIZATION_EXTENSION, v, 16);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, NULL), 0);
	assert_false(m.tlv_view.has_power);
	/* PTPMON_REQ has no value; PTPMON_RESP at least 70 octets */
	n = announce_with(buf, TLV_PTPMON_REQ, v, 2);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, &why), -EBADMSG);
	n = announce_with(buf, TLV_PTPMON_RESP, v, 20);
	assert_int_equal(msg_unpack(buf, (size_t)n, &m, &why), -EBADMSG);
}

/* ---- NetSync Monitor ---- */

static struct bc_addr nsm_peer(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(319) };
	struct bc_addr a = { .len = sizeof(sin) };

	sin.sin_addr.s_addr = htonl(0x0A0D0902); /* 10.13.9.2 */
	memcpy(a.data, &sin, sizeof(sin));
	return a;
}

static int nsm_request(uint8_t *buf, bool unicast)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_DELAY_REQ, 0);
	m.hdr.source_port_identity = requester;
	m.hdr.sequence_id = 0x4321;
	m.hdr.log_msg_interval = 0x7F;
	if (unicast)
		m.hdr.flags |= PTP_FLAG_UNICAST;
	assert_int_equal(tlv_append(&m, TLV_PTPMON_REQ, NULL, 0), 0);
	return msg_pack(&m, buf, PTP_MAX_MSG_LEN);
}

static const struct bc_action *find_send(uint8_t type)
{
	for (int i = 0; i < out.n; i++) {
		const struct bc_action *a = &out.a[i];

		if ((a->type == BC_ACT_SEND_EVENT ||
		     a->type == BC_ACT_SEND_GENERAL) &&
		    a->u.send.msg_type == type)
			return a;
	}
	return NULL;
}

static struct bc *nsm_clock(bool on)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int segs[NET_PORTS] = { 0 };
	int c;

	net_clock_cfg(&cc, 0xD, 128);
	net_port_cfgs(&pc, 1);
	pc.net_sync_monitor = on;
	c = net_add(&net, &cc, &pc, 1, segs, 0);
	bc_actions_init(&out);
	assert_int_equal(bc_start(net.n[c].bc, T0, &out), 0);
	return net.n[c].bc;
}

static void test_nsm_answer(void **state)
{
	struct bc *bc = nsm_clock(true);
	struct bc_addr peer = nsm_peer();
	uint8_t buf[PTP_MAX_MSG_LEN];
	const struct bc_action *a;
	const uint8_t *b;
	int n = nsm_request(buf, true);

	(void)state;
	/* LISTENING: a plain Delay_Req would be ignored; this one is not */
	assert_int_equal(bc_port_ds(bc, 0)->port_state, PS_LISTENING);
	bc_actions_init(&out);
	assert_int_equal(bc_port_rx(bc, 0, buf, (size_t)n,
				    tmv_from_ns(T0 + 5 * SEC), &peer, T0, &out),
			 0);
	a = find_send(PTP_MSG_DELAY_RESP);
	assert_non_null(a);
	assert_int_equal(a->type, BC_ACT_SEND_GENERAL);
	assert_int_equal(a->u.send.dest, BC_DEST_UNICAST);
	assert_memory_equal(&a->u.send.addr, &peer, sizeof(peer));
	b = bc_action_buf(&out, a);
	assert_int_equal(be16(b + 30), 0x4321);
	assert_int_equal(b[6] & 0x04, 0x04); /* unicast flag */
	assert_int_equal(b[33], 0x7F);
	assert_int_equal(be32(b + 36), 1005); /* receiveTimestamp s */
	assert_pid_at(b + 44, &requester);
	/* PTPMON_RESP: portState, reserved, PortAddress (UDP/IPv4, no
	 * address known: none), parentDS, currentDS, timePropertiesDS,
	 * lastSync */
	assert_int_equal(be16(b + 54), TLV_PTPMON_RESP);
	assert_int_equal(be16(b + 56), 70);
	assert_int_equal(a->u.send.len, 54 + 4 + 70);
	assert_int_equal(b[58], PS_LISTENING);
	assert_int_equal(be16(b + 60), 1);
	assert_int_equal(be16(b + 62), 0);
	/* own parent: parentPortIdentity clockIdentity-0 */
	assert_cid_at(b + 64, &bc_default_ds(bc)->clock_identity);
	assert_int_equal(be16(b + 72), 0);
	assert_cid_at(b + 64 + 24, &bc_default_ds(bc)->clock_identity);
	assert_int_equal(be16(b + 96), 0); /* stepsRemoved */
	assert_int_equal(be16(b + 114), 37); /* currentUtcOffset */
	assert_int_equal(be16(b + 118), 0); /* no Sync taken: time 0 */
	/* the unicast Sync, same sequenceId, then its Follow_Up */
	a = find_send(PTP_MSG_SYNC);
	assert_non_null(a);
	assert_int_equal(a->type, BC_ACT_SEND_EVENT);
	assert_int_equal(a->u.send.dest, BC_DEST_UNICAST);
	b = bc_action_buf(&out, a);
	assert_int_equal(be16(b + 30), 0x4321);
	assert_int_equal(b[6] & 0x06, 0x06); /* two-step, unicast */
	n = (int)a->u.send.token;
	bc_actions_init(&out);
	assert_int_equal(bc_port_tx_ts(bc, 0, (uint32_t)n,
				       tmv_from_ns(T0 + 7 * SEC + 12), T0,
				       &out),
			 0);
	a = find_send(PTP_MSG_FOLLOW_UP);
	assert_non_null(a);
	assert_int_equal(a->u.send.dest, BC_DEST_UNICAST);
	assert_memory_equal(&a->u.send.addr, &peer, sizeof(peer));
	b = bc_action_buf(&out, a);
	assert_int_equal(be16(b + 30), 0x4321);
	assert_int_equal(be32(b + 36), 1007);
	assert_int_equal(be32(b + 40), 12);
}

static void test_nsm_off(void **state)
{
	struct bc *bc = nsm_clock(false);
	struct bc_addr peer = nsm_peer();
	uint8_t buf[PTP_MAX_MSG_LEN];
	int n = nsm_request(buf, true);

	(void)state;
	/* without net_sync_monitor: a Delay_Req, ignored while LISTENING */
	bc_actions_init(&out);
	(void)bc_port_rx(bc, 0, buf, (size_t)n, tmv_from_ns(T0), &peer, T0,
			 &out);
	assert_null(find_send(PTP_MSG_DELAY_RESP));
	assert_int_equal(bc_port_counters(bc, 0)->drop[BC_DROP_WRONG_STATE],
			 1);
	/* PORT_STATS_NP counts it as ptp4l does (heard), the metrics'
	 * "accepted" counter does not */
	assert_int_equal(bc_port_counters(bc, 0)->rx[PTP_MSG_DELAY_REQ], 0);
	assert_int_equal(bc_port_counters(bc, 0)->rx_parsed[PTP_MSG_DELAY_REQ],
			 1);
	/* with it, but by multicast: a plain Delay_Req too */
	net_free(&net);
	net_init(&net);
	bc = nsm_clock(true);
	n = nsm_request(buf, false);
	bc_actions_init(&out);
	(void)bc_port_rx(bc, 0, buf, (size_t)n, tmv_from_ns(T0), &peer, T0,
			 &out);
	assert_null(find_send(PTP_MSG_DELAY_RESP));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_ato_get_set),
		T(test_ato_refused),
		T(test_ato_in_announce),
		T(test_sync_uncertain),
		T(test_port_service_stats),
		T(test_cmlds_info),
		T(test_read_only_refusals),
		T(test_power_settings),
		T(test_power_in_announce),
		T(test_power_tlv_parse),
		T(test_nsm_answer),
		T(test_nsm_off),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
