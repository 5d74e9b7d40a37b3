/*
 * bc/mgmt.c — management requests: parsing, the dispatcher that answers
 * every addressed entity, building RESPONSE / ACKNOWLEDGE / error-status
 * messages and notifications, the program's setters and the counters (see
 * bc/mgmt.h).  The per-ID data lives in bc/mgmt_ids.c, the PTP-port side
 * in bc/mgmt_port.c.
 */
#include <errno.h>
#include <string.h>

#include "bc/auth.h"
#include "bc/internal.h"
#include "bc/tlv.h"

static const struct clock_identity mgmt_wildcard = {
	{ 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }
};

/* ---- counters ---- */

const char *bc_mgmt_drop_name(enum bc_mgmt_drop d)
{
	static const char *const names[BC_MGMT_DROP_COUNT] = {
		[BC_MGMT_DROP_MALFORMED] = "malformed",
		[BC_MGMT_DROP_NOT_MANAGEMENT] = "not_management",
		[BC_MGMT_DROP_BAD_TLV] = "bad_tlv",
		[BC_MGMT_DROP_BAD_ACTION] = "bad_action",
		[BC_MGMT_DROP_NOT_FOR_US] = "not_for_us",
		[BC_MGMT_DROP_DISABLED] = "disabled",
		[BC_MGMT_DROP_NO_SPACE] = "no_space",
		[BC_MGMT_DROP_RATE_LIMITED] = "rate_limited",
	};

	return (unsigned)d < BC_MGMT_DROP_COUNT ? names[d] : "unknown";
}

const struct bc_mgmt_counters *bc_mgmt_counters(const struct bc *bc)
{
	return &bc->mgmt.cnt;
}

void bc_mgmt_count_drop(struct bc *bc, enum bc_mgmt_drop why)
{
	if ((unsigned)why >= BC_MGMT_DROP_COUNT)
		why = BC_MGMT_DROP_MALFORMED;
	bc->mgmt.cnt.drop[why]++;
}

/* ---- parsing ---- */

static int mgmt_req_error_tlv(const struct ptp_tlv *t, struct bc_mgmt_req *r)
{
	struct wire_reader rd;

	wire_reader_init(&rd, t->value, t->length);
	r->is_error = true;
	r->error_id = wire_get_u16(&rd);
	r->id = wire_get_u16(&rd);
	wire_skip(&rd, 4); /* reserved */
	r->data_len = (uint16_t)wire_reader_remaining(&rd);
	r->data = wire_get_view(&rd, r->data_len);
	return wire_reader_ok(&rd) ? 0 : -EBADMSG;
}

int mgmt_req_from_msg(const struct ptp_msg *m, struct bc_mgmt_req *r,
		      enum bc_mgmt_drop *why)
{
	const struct ptp_tlv *t = &m->tlvs[0];
	struct wire_reader rd;

	memset(r, 0, sizeof(*r));
	*why = BC_MGMT_DROP_NOT_MANAGEMENT;
	if (m->hdr.msg_type != PTP_MSG_MANAGEMENT)
		return -EBADMSG;
	*why = BC_MGMT_DROP_BAD_TLV;
	/* an AUTHENTICATION TLV after it (checked by the port: bc/auth.h)
	 * is no part of the request */
	if (m->n_tlvs != 1 + auth_msg_has_tlv(m))
		return -EBADMSG;
	r->hdr = m->hdr;
	r->mgmt = m->body.management;
	if (t->type == TLV_MANAGEMENT_ERROR_STATUS)
		return mgmt_req_error_tlv(t, r);
	if (t->type != TLV_MANAGEMENT)
		return -EBADMSG;
	wire_reader_init(&rd, t->value, t->length);
	r->id = wire_get_u16(&rd);
	r->data_len = (uint16_t)wire_reader_remaining(&rd);
	r->data = wire_get_view(&rd, r->data_len);
	return wire_reader_ok(&rd) ? 0 : -EBADMSG;
}

int bc_mgmt_parse(const uint8_t *buf, size_t len, struct bc_mgmt_req *r,
		  enum bc_mgmt_drop *why)
{
	struct ptp_msg m;
	enum bc_mgmt_drop dummy;

	if (!why)
		why = &dummy;
	if (!buf || !r || msg_unpack(buf, len, &m, NULL) < 0) {
		*why = BC_MGMT_DROP_MALFORMED;
		return -EBADMSG;
	}
	return mgmt_req_from_msg(&m, r, why);
}

bool mgmt_for_us(const struct bc *bc, const struct bc_mgmt_req *r)
{
	const struct clock_identity *t =
		&r->mgmt.target_port_identity.clock_identity;

	return clock_identity_eq(t, &mgmt_wildcard) ||
	       clock_identity_eq(t, &bc->dds.clock_identity);
}

/* ---- building answers ---- */

static struct port_identity mgmt_clock_pid(const struct bc *bc)
{
	struct port_identity pid = { .clock_identity = bc->dds.clock_identity,
				     .port_number = 0 };

	return pid;
}

/* sourcePortIdentity of an answer: the port it is about; for the clock,
 * the port the request came in on, or clockIdentity-0 for a local client
 * (what ptp4l's UDS port uses). */
static struct port_identity mgmt_source(const struct mgmt_ctx *c, int port)
{
	if (port >= 0)
		return c->bc->ports[port].ds.port_identity;
	if (c->ingress >= 0)
		return c->bc->ports[c->ingress].ds.port_identity;
	return mgmt_clock_pid(c->bc);
}

static void mgmt_header(const struct bc *bc, struct ptp_msg *m,
			const struct port_identity *src, uint8_t major_sdo)
{
	memset(m, 0, sizeof(*m));
	msg_header_init(&m->hdr, PTP_MSG_MANAGEMENT, bc->cfg.ptp_minor_version);
	m->hdr.major_sdo_id = major_sdo & 0x0F;
	m->hdr.minor_sdo_id = bc->cfg.minor_sdo_id;
	m->hdr.domain = bc->dds.domain_number;
	m->hdr.source_port_identity = *src;
}

/* Header and body of an answer to c->req (15.4.1 and linuxptp: the
 * requester as target, its sequenceId, boundaryHops = hops used so far). */
static void mgmt_reply_init(const struct mgmt_ctx *c, int port,
			    struct ptp_msg *m)
{
	const struct bc_mgmt_req *r = c->req;
	struct port_identity src = mgmt_source(c, port);
	uint8_t sdo = c->ingress >= 0
			      ? c->bc->ports[c->ingress].cfg.transport_specific
			      : r->hdr.major_sdo_id;
	uint8_t hops = 0;

	if (r->mgmt.starting_boundary_hops >= r->mgmt.boundary_hops)
		hops = (uint8_t)(r->mgmt.starting_boundary_hops -
				 r->mgmt.boundary_hops);
	mgmt_header(c->bc, m, &src, sdo);
	m->hdr.sequence_id = r->hdr.sequence_id;
	m->body.management.target_port_identity = r->hdr.source_port_identity;
	m->body.management.starting_boundary_hops = hops;
	m->body.management.boundary_hops = hops;
	m->body.management.action = r->mgmt.action == PTP_MGMT_COMMAND
					    ? PTP_MGMT_ACKNOWLEDGE
					    : PTP_MGMT_RESPONSE;
}

static bool mgmt_room(const struct bc_actions *out, size_t len)
{
	return out->n < BC_MAX_ACTIONS &&
	       out->arena_used + len <= sizeof(out->arena);
}

/* Queue m: to the local client (port -1) or on the ingress PTP port,
 * unicast back to a unicast requester, else to the multicast group. */
static int mgmt_emit(struct mgmt_ctx *c, struct ptp_msg *m, bool error)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	const struct bc_mgmt_req *r = c->req;
	enum bc_dest dest = BC_DEST_PRIMARY;
	int len = msg_pack(m, buf, sizeof(buf));
	int err;

	if (len < 0)
		return len;
	if (!mgmt_room(c->out, (size_t)len))
		return -ENOBUFS;
	if (c->ingress < 0) {
		err = act_send(c->out, -1, false, BC_DEST_UNICAST, NULL, buf,
			       (size_t)len, 0, PTP_MSG_MANAGEMENT);
	} else {
		if ((r->hdr.flags & PTP_FLAG_UNICAST) && c->src &&
		    c->src->len)
			dest = BC_DEST_UNICAST;
		err = port_send(&c->bc->ports[c->ingress], m, false, dest,
				c->src, c->now, c->out);
	}
	if (err)
		return err;
	if (error)
		c->bc->mgmt.cnt.errors++;
	else
		c->bc->mgmt.cnt.responses++;
	return 0;
}

/* A RESPONSE/ACKNOWLEDGE about port (-1: the clock) with the ID's data
 * as the ID's get function writes it. */
static int mgmt_respond_get(struct mgmt_ctx *c, const struct mgmt_id_desc *d,
			    int port)
{
	uint8_t scratch[PTP_MAX_MSG_LEN];
	struct wire_writer w;
	struct ptp_msg m;
	size_t start;

	mgmt_reply_init(c, port, &m);
	wire_writer_init(&w, scratch, sizeof(scratch));
	start = tlv_value_begin(&w);
	wire_put_u16(&w, d->id);
	d->get(c->bc, port, &w);
	if (tlv_value_end(&m, TLV_MANAGEMENT, &w, start) < 0)
		return -EMSGSIZE;
	return mgmt_emit(c, &m, false);
}

static int mgmt_respond_error(struct mgmt_ctx *c, int port, uint16_t err)
{
	uint8_t scratch[16];
	struct wire_writer w;
	struct ptp_msg m;

	mgmt_reply_init(c, port, &m);
	wire_writer_init(&w, scratch, sizeof(scratch));
	if (tlv_put_management_error(&m, &w, err, c->req->id) < 0)
		return -EMSGSIZE;
	return mgmt_emit(c, &m, true);
}

/* ---- the dispatcher ---- */

static int mgmt_entity_set(struct mgmt_ctx *c, const struct mgmt_id_desc *d,
			   int port)
{
	const struct bc_mgmt_req *r = c->req;
	struct wire_reader rd;
	uint16_t e;

	if (d->id == BC_MID_NULL_MANAGEMENT)
		return mgmt_respond_get(c, d, port);
	if (!d->set)
		return mgmt_respond_error(c, port,
					  (d->actions & MGMT_A_SET)
						  ? TLV_MGMT_ERR_NOT_SUPPORTED
						  : TLV_MGMT_ERR_NOT_SETABLE);
	if (d->set_len != MGMT_SET_VARLEN && r->data_len != d->set_len)
		return mgmt_respond_error(c, port, TLV_MGMT_ERR_WRONG_LENGTH);
	wire_reader_init(&rd, r->data, r->data_len);
	e = d->set(c->bc, port, &rd);
	if (e)
		return mgmt_respond_error(c, port, e);
	c->bc->mgmt.cnt.sets++;
	return mgmt_respond_get(c, d, port);
}

/* A COMMAND: carried out (its actions join the answer's), then an
 * ACKNOWLEDGE with the managementId and no data (15.5.3.1). */
static int mgmt_entity_cmd(struct mgmt_ctx *c, const struct mgmt_id_desc *d,
			   int port)
{
	static const struct mgmt_id_desc ack = { .get = mgmt_get_empty };
	struct mgmt_id_desc a = ack;
	mgmt_cmd_fn cmd = mgmt_cmd_find(d->id);
	uint16_t e;

	if (d->id == BC_MID_NULL_MANAGEMENT)
		return mgmt_respond_get(c, d, port);
	if (!cmd)
		return mgmt_respond_error(c, port, TLV_MGMT_ERR_NOT_SUPPORTED);
	if (c->req->data_len != 0)
		return mgmt_respond_error(c, port, TLV_MGMT_ERR_WRONG_LENGTH);
	e = cmd(c->bc, port, c->now, c->out);
	if (e)
		return mgmt_respond_error(c, port, e);
	c->bc->mgmt.cnt.sets++;
	a.id = d->id;
	return mgmt_respond_get(c, &a, port);
}

/* Answer the request for one entity: the clock (port -1) or a port. */
static int mgmt_entity(struct mgmt_ctx *c, const struct mgmt_id_desc *d,
		       int port)
{
	switch (c->req->mgmt.action) {
	case PTP_MGMT_GET:
		if (!d->get)
			return mgmt_respond_error(c, port,
						  TLV_MGMT_ERR_NOT_SUPPORTED);
		return mgmt_respond_get(c, d, port);
	case PTP_MGMT_SET:
		return mgmt_entity_set(c, d, port);
	default: /* COMMAND */
		return mgmt_entity_cmd(c, d, port);
	}
}

/* A port-wide ID: every addressed port answers; none addressed is
 * WRONG_VALUE (IEEE 1588 interpretation #21, as ptp4l). */
static int mgmt_ports(struct mgmt_ctx *c, const struct mgmt_id_desc *d,
		      int start, int *next_port)
{
	uint16_t target = c->req->mgmt.target_port_identity.port_number;
	bool answered = start > 0;

	for (int i = start; i < c->bc->nports; i++) {
		int err;

		if ((target != BC_MGMT_ALL_PORTS && target != i + 1) ||
		    !c->bc->ports[i].present)
			continue;
		err = mgmt_entity(c, d, i);
		if (err == -ENOBUFS) {
			*next_port = i;
			return err;
		}
		answered = true;
	}
	if (!answered)
		return mgmt_respond_error(c, -1, TLV_MGMT_ERR_WRONG_VALUE);
	return 0;
}

bool mgmt_is_request(const struct bc_mgmt_req *r)
{
	return !r->is_error && (r->mgmt.action == PTP_MGMT_GET ||
				r->mgmt.action == PTP_MGMT_SET ||
				r->mgmt.action == PTP_MGMT_COMMAND);
}

/* The checks that answer the whole request with one error status; 1 when
 * the request goes on to the entities. */
static int mgmt_precheck(struct mgmt_ctx *c, const struct mgmt_id_desc *d)
{
	const struct bc_mgmt_req *r = c->req;
	int err;

	if (r->mgmt.action == PTP_MGMT_SET && r->data_len == 0 &&
	    r->id != BC_MID_NULL_MANAGEMENT)
		return mgmt_respond_error(c, -1, TLV_MGMT_ERR_WRONG_LENGTH);
	if (c->read_only && r->mgmt.action != PTP_MGMT_GET)
		return mgmt_respond_error(c, -1, TLV_MGMT_ERR_NOT_SUPPORTED);
	if (c->read_only && mgmt_ro_refused(r->id))
		return mgmt_respond_error(c, -1, TLV_MGMT_ERR_NOT_SUPPORTED);
	if (c->read_only && r->id == BC_MID_SUBSCRIBE_EVENTS_NP) {
		/* ptp4l 4.4 answers a GET there with no data */
		static const struct mgmt_id_desc none = {
			.id = BC_MID_SUBSCRIBE_EVENTS_NP, .get = mgmt_get_empty
		};

		err = mgmt_respond_get(c, &none, -1);
		return err < 0 ? err : 0;
	}
	if (!d)
		return mgmt_respond_error(c, -1, TLV_MGMT_ERR_NO_SUCH_ID);
	return 1;
}

int mgmt_dispatch(struct mgmt_ctx *c, int *next_port)
{
	const struct bc_mgmt_req *r = c->req;
	const struct mgmt_id_desc *d = mgmt_id_find(r->id);
	int start = *next_port, err;

	*next_port = 0;
	c->bc->mgmt.req = r; /* for the IDs whose GET reads the request */
	if (!mgmt_is_request(r)) {
		bc_mgmt_count_drop(c->bc, BC_MGMT_DROP_BAD_ACTION);
		return -EBADMSG;
	}
	if (!mgmt_for_us(c->bc, r)) {
		bc_mgmt_count_drop(c->bc, BC_MGMT_DROP_NOT_FOR_US);
		return -EBADMSG;
	}
	if (start <= 0) {
		start = 0;
		c->bc->mgmt.cnt.requests++;
		err = mgmt_precheck(c, d);
		if (err <= 0)
			return err;
	}
	if (!d)
		return 0;
	if (d->scope == MGMT_CLOCK)
		return start == 0 ? mgmt_entity(c, d, -1) : 0;
	return mgmt_ports(c, d, start, next_port);
}

/* ---- entry points for the program ---- */

int bc_mgmt_resume(struct bc *bc, const struct bc_mgmt_req *r,
		   bool read_only, int *next_port, int64_t now,
		   struct bc_actions *out)
{
	struct mgmt_ctx c = {
		.bc = bc, .req = r, .ingress = -1, .read_only = read_only,
		.src = NULL, .now = now, .out = out,
	};

	int err;

	if (!bc || !r || !next_port || !out)
		return -EINVAL;
	bc->mgmt_now = now; /* for the answers with figures at a time */
	err = mgmt_dispatch(&c, next_port);
	bc->mgmt.req = NULL;
	return err;
}

int bc_mgmt(struct bc *bc, const uint8_t *req, size_t len, bool read_only,
	    int64_t now, struct bc_actions *out)
{
	struct bc_mgmt_req r;
	enum bc_mgmt_drop why;
	int next = 0, err;

	if (!bc || !out)
		return -EINVAL;
	if (bc_mgmt_parse(req, len, &r, &why) < 0) {
		bc_mgmt_count_drop(bc, why);
		return -EBADMSG;
	}
	err = bc_mgmt_resume(bc, &r, read_only, &next, now, out);
	if (err == -ENOBUFS)
		bc_mgmt_count_drop(bc, BC_MGMT_DROP_NO_SPACE);
	return err;
}

int bc_mgmt_respond(struct bc *bc, const struct bc_mgmt_req *r, uint16_t id,
		    const uint8_t *data, size_t len, struct bc_actions *out)
{
	struct mgmt_ctx c = { .bc = bc, .req = r, .ingress = -1, .out = out };
	uint8_t scratch[PTP_MAX_MSG_LEN];
	struct wire_writer w;
	struct ptp_msg m;

	if (!bc || !r || !out || (len && !data))
		return -EINVAL;
	mgmt_reply_init(&c, -1, &m);
	wire_writer_init(&w, scratch, sizeof(scratch));
	if (tlv_put_management(&m, &w, id, data, len) < 0)
		return -EMSGSIZE;
	return mgmt_emit(&c, &m, false);
}

int bc_mgmt_respond_error(struct bc *bc, const struct bc_mgmt_req *r,
			  uint16_t error_id, struct bc_actions *out)
{
	struct mgmt_ctx c = { .bc = bc, .req = r, .ingress = -1, .out = out };

	if (!bc || !r || !out)
		return -EINVAL;
	return mgmt_respond_error(&c, -1, error_id);
}

static bool mgmt_notifiable(const struct bc *bc, int port, uint16_t id)
{
	if (id == BC_MID_PORT_DATA_SET)
		return bc_port_present(bc, port);
	if (id == BC_MID_HVPTP_ALARMS_NP)
		return port >= 0 && port < bc->nalarms;
	return port == -1 && (id == BC_MID_TIME_STATUS_NP ||
			      id == BC_MID_PARENT_DATA_SET);
}

int bc_mgmt_notification(const struct bc *bc, int port, uint16_t id,
			 const struct port_identity *target, uint16_t seq,
			 uint8_t *buf, size_t cap)
{
	const struct mgmt_id_desc *d = mgmt_id_find(id);
	uint8_t scratch[PTP_MAX_MSG_LEN];
	struct port_identity src;
	struct wire_writer w;
	struct ptp_msg m;
	size_t start;

	if (!bc || !target || !buf || !d || !mgmt_notifiable(bc, port, id))
		return -EINVAL;
	if (id == BC_MID_HVPTP_ALARMS_NP) /* port: the alarm's index */
		src = mgmt_clock_pid(bc);
	else
		src = port >= 0 ? bc->ports[port].ds.port_identity
				: mgmt_clock_pid(bc);
	mgmt_header(bc, &m, &src,
		    port >= 0 && id != BC_MID_HVPTP_ALARMS_NP
			    ? bc->ports[port].cfg.transport_specific
			    : 0);
	m.hdr.sequence_id = seq;
	m.body.management.target_port_identity = *target;
	m.body.management.starting_boundary_hops = 1;
	m.body.management.boundary_hops = 1;
	m.body.management.action = PTP_MGMT_RESPONSE;
	wire_writer_init(&w, scratch, sizeof(scratch));
	start = tlv_value_begin(&w);
	wire_put_u16(&w, id);
	d->get(bc, port, &w);
	if (tlv_value_end(&m, TLV_MANAGEMENT, &w, start) < 0)
		return -EMSGSIZE;
	return msg_pack(&m, buf, cap);
}

/* ---- setters ---- */

static int mgmt_copy_text(char *dst, size_t cap, bool *have, const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strlen(s);
	if (n >= cap)
		return -EINVAL;
	memcpy(dst, s, n + 1);
	*have = true;
	return 0;
}

int bc_mgmt_set_description(struct bc *bc, const uint8_t *oui,
			    const char *product, const char *revision)
{
	struct mgmt_data *md = &bc->mgmt;

	if ((product && strlen(product) > MGMT_PRODUCT_MAX) ||
	    (revision && strlen(revision) > MGMT_REVISION_MAX))
		return -EINVAL;
	if (oui)
		memcpy(md->oui, oui, sizeof(md->oui));
	mgmt_copy_text(md->product, sizeof(md->product), &md->have_product,
		       product);
	mgmt_copy_text(md->revision, sizeof(md->revision), &md->have_revision,
		       revision);
	return 0;
}

int bc_mgmt_set_port_address(struct bc *bc, int port, const uint8_t *mac,
			     const uint8_t *ipv4)
{
	struct mgmt_port_data *pd;

	if (!bc || port < 0 || port >= bc->nports)
		return -EINVAL;
	pd = &bc->mgmt.port[port];
	pd->have_mac = mac != NULL;
	if (mac)
		memcpy(pd->mac, mac, sizeof(pd->mac));
	pd->have_ipv4 = ipv4 != NULL;
	if (ipv4)
		memcpy(pd->ipv4, ipv4, sizeof(pd->ipv4));
	return 0;
}

int bc_mgmt_set_port_protocol(struct bc *bc, int port, uint16_t protocol,
			      const uint8_t *addr, size_t len)
{
	struct mgmt_port_data *pd;

	if (!bc || port < 0 || port >= bc->nports || protocol == 0 ||
	    len > sizeof(pd->paddr))
		return -EINVAL;
	pd = &bc->mgmt.port[port];
	pd->protocol = protocol;
	pd->plen = addr ? (uint8_t)len : 0;
	if (addr)
		memcpy(pd->paddr, addr, len);
	return 0;
}
