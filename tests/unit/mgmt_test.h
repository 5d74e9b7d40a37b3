/*
 * tests/unit/mgmt_test.h — what the management tests share: building
 * requests with msg_pack, asking a clock as a local client or on a PTP
 * port, and checking the answers from their raw bytes at linuxptp's
 * offsets (independently of the encoder in bc/mgmt_ids.c).  Everything is
 * static (inline) so that each test binary takes what it uses.
 */
#ifndef HVPTP_TESTS_MGMT_TEST_H
#define HVPTP_TESTS_MGMT_TEST_H

#include "bc/mgmt.h"
#include "common/rng.h"
#include "common/version.h"
#include "tests/unit/bc_net.h"

static struct net net; /* large: static, reset by each test */
static struct bc_actions out;

static inline int setup(void **state)
{
	net_init(&net);
	*state = &net;
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	net_free(&net);
	return 0;
}

/* ---- raw decoding (big-endian unless said) ---- */

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static inline int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void assert_cid_at(const uint8_t *p, const struct clock_identity *c)
{
	assert_memory_equal(p, c->id, 8);
}

static inline void assert_pid_at(const uint8_t *p, const struct port_identity *pi)
{
	assert_cid_at(p, &pi->clock_identity);
	assert_int_equal(be16(p + 8), pi->port_number);
}

/* ---- requests ---- */

static uint8_t last_action; /* of the last request built */

#define REQ_SEQ 0x1234
#define DEFAULT_PRODUCT "hvptp;hvptpd;" HVPTP_VERSION
#define DEFAULT_REVISION ";;" HVPTP_VERSION

static const struct port_identity requester = {
	{ { 0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 } }, 4242
};

static inline struct port_identity all_target(void)
{
	struct port_identity t;

	memset(&t, 0xFF, sizeof(t));
	return t;
}

static inline struct port_identity port_target(uint16_t port)
{
	struct port_identity t = all_target();

	t.port_number = port;
	return t;
}

struct req_opts {
	struct port_identity target;
	uint8_t start_hops, hops;
	uint8_t domain;
	bool unicast;
};

static inline int build_req_opts(uint8_t *buf, uint8_t action, uint16_t id,
			  const uint8_t *data, size_t len,
			  const struct req_opts *o)
{
	static uint8_t value[PTP_MAX_MSG_LEN];
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_MANAGEMENT, 0);
	m.hdr.source_port_identity = requester;
	m.hdr.sequence_id = REQ_SEQ;
	m.hdr.domain = o->domain;
	if (o->unicast)
		m.hdr.flags |= PTP_FLAG_UNICAST;
	m.body.management.target_port_identity = o->target;
	m.body.management.starting_boundary_hops = o->start_hops;
	m.body.management.boundary_hops = o->hops;
	m.body.management.action = action;
	last_action = action;
	value[0] = (uint8_t)(id >> 8);
	value[1] = (uint8_t)id;
	if (len)
		memcpy(value + 2, data, len);
	assert_int_equal(tlv_append(&m, TLV_MANAGEMENT, value,
				    (uint16_t)(len + 2)),
			 0);
	return msg_pack(&m, buf, PTP_MAX_MSG_LEN);
}

static inline int build_req_to(uint8_t *buf, uint8_t action, uint16_t id,
			const uint8_t *data, size_t len,
			struct port_identity target)
{
	struct req_opts o = { .target = target, .start_hops = 0, .hops = 0 };

	return build_req_opts(buf, action, id, data, len, &o);
}

static inline int build_req(uint8_t *buf, uint8_t action, uint16_t id,
		     const uint8_t *data, size_t len)
{
	return build_req_to(buf, action, id, data, len, all_target());
}

/* Ask bc as a local client; the answers are in `out`. */
static inline int ask_to(struct bc *bc, uint8_t action, uint16_t id,
		  const uint8_t *data, size_t len, struct port_identity target,
		  bool ro)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	int n = build_req_to(buf, action, id, data, len, target);

	assert_true(n > 0);
	bc_actions_init(&out);
	return bc_mgmt(bc, buf, (size_t)n, ro, T0, &out);
}

static inline int ask(struct bc *bc, uint8_t action, uint16_t id,
	       const uint8_t *data, size_t len, bool ro)
{
	return ask_to(bc, action, id, data, len, all_target(), ro);
}

/* Answer i of `out`: common header checks; returns its bytes. */
static inline const uint8_t *answer(struct bc *bc, int i, uint16_t *msglen)
{
	const struct bc_action *a = &out.a[i];
	const uint8_t *b;

	assert_true(i < out.n);
	assert_int_equal(a->type, BC_ACT_SEND_GENERAL);
	assert_int_equal(a->u.send.msg_type, PTP_MSG_MANAGEMENT);
	b = bc_action_buf(&out, a);
	assert_int_equal(b[0] & 0x0F, PTP_MSG_MANAGEMENT);
	assert_int_equal(b[1] & 0x0F, 2); /* versionPTP */
	assert_int_equal(be16(b + 2), a->u.send.len); /* messageLength */
	assert_int_equal(b[4], bc_default_ds(bc)->domain_number);
	assert_int_equal(b[32], 4); /* controlField: management */
	assert_int_equal((int8_t)b[33], 0x7F);
	assert_int_equal(be16(b + 30), REQ_SEQ);
	assert_pid_at(b + 34, &requester); /* targetPortIdentity */
	if (msglen)
		*msglen = a->u.send.len;
	return b;
}

/* A RESPONSE (or ACKNOWLEDGE) with one MANAGEMENT TLV of id: the data and
 * its length. */
static inline const uint8_t *response(struct bc *bc, int i, uint8_t action,
			       uint16_t id, uint16_t *dlen)
{
	uint16_t len;
	const uint8_t *b = answer(bc, i, &len);

	assert_int_equal(b[46] & 0x0F, action);
	assert_int_equal(be16(b + 48), TLV_MANAGEMENT);
	assert_int_equal(be16(b + 50) % 2, 0);
	assert_int_equal(48 + 4 + be16(b + 50), len);
	assert_int_equal(be16(b + 52), id);
	*dlen = (uint16_t)(be16(b + 50) - 2);
	return b + 54;
}

static inline const uint8_t *get1(struct bc *bc, uint16_t id, uint16_t *dlen)
{
	assert_int_equal(ask(bc, PTP_MGMT_GET, id, NULL, 0, false), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.a[0].port, -1);
	return response(bc, 0, PTP_MGMT_RESPONSE, id, dlen);
}

static inline void assert_source(struct bc *bc, int i, uint16_t port_number)
{
	const uint8_t *b = answer(bc, i, NULL);
	struct port_identity want = { bc_default_ds(bc)->clock_identity,
				      port_number };

	assert_pid_at(b + 20, &want);
}

/* Answer i is a MANAGEMENT_ERROR_STATUS with error for the request id. */
static inline void assert_error(struct bc *bc, int i, uint16_t id, uint16_t err)
{
	uint16_t len;
	const uint8_t *b = answer(bc, i, &len);

	assert_int_equal(b[46] & 0x0F, last_action == PTP_MGMT_COMMAND
						? PTP_MGMT_ACKNOWLEDGE
						: PTP_MGMT_RESPONSE);
	assert_int_equal(be16(b + 48), TLV_MANAGEMENT_ERROR_STATUS);
	assert_int_equal(be16(b + 50), 8);
	assert_int_equal(be16(b + 52), err);
	assert_int_equal(be16(b + 54), id);
	assert_int_equal(len, 48 + 12);
}

/* ---- clocks ---- */

static inline struct bc *one_clock(int nports)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[BC_MAX_PORTS];
	int segs[NET_PORTS] = { 0, 1, 2, 3 };
	int c;

	net_clock_cfg(&cc, 0xC, 77);
	cc.priority2 = 99;
	cc.domain_number = 5;
	cc.clock_quality.clock_class = 6;
	cc.clock_quality.clock_accuracy = 0x21;
	cc.clock_quality.offset_scaled_log_variance = 0x4E5D;
	cc.utc_offset = 37;
	cc.utc_offset_valid = true;
	cc.time_traceable = true;
	cc.time_source = TS_GNSS;
	snprintf(cc.user_description, sizeof(cc.user_description), "rack 7");
	net_port_cfgs(pc, nports);
	for (int i = 0; i < nports; i++) {
		pc[i].log_announce_interval = -2;
		pc[i].log_sync_interval = -3;
		pc[i].log_min_delay_req_interval = -1;
		pc[i].log_min_pdelay_req_interval = 2;
		pc[i].announce_receipt_timeout = 4;
		pc[i].hw_timestamping = i == 1;
	}
	pc[0].master_only = true;
	c = net_add(&net, &cc, pc, nports, segs, 0);
	return net.n[c].bc;
}

/* A (priority1 100) masters B (200) on one segment; B's offset known. */
static inline struct bc *slave_clock(int *ci)
{
	int a = net_add_simple(&net, 0xA, 100, 0, 1000);
	int b = net_add_simple(&net, 0xB, 200, 0, -4000);

	net_start(&net);
	for (int i = 0; i < 300 && !(net_state(&net, b, 0) == PS_UNCALIBRATED &&
				     net.n[b].nsamples > 5);
	     i++)
		net_run(&net, 100 * MS);
	assert_int_equal(net_state(&net, a, 0), PS_MASTER);
	assert_int_equal(net_state(&net, b, 0), PS_UNCALIBRATED);
	*ci = b;
	return net.n[b].bc;
}

static inline const uint8_t *get_port(struct bc *bc, uint16_t id, int port,
			       uint16_t *dlen)
{
	assert_int_equal(ask_to(bc, PTP_MGMT_GET, id, NULL, 0,
				port_target((uint16_t)(port + 1)), false),
			 0);
	assert_int_equal(out.n, 1);
	assert_source(bc, 0, (uint16_t)(port + 1));
	return response(bc, 0, PTP_MGMT_RESPONSE, id, dlen);
}

#endif
