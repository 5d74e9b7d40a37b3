/*
 * bc/nsm.c — answering linuxptp's NetSync Monitor (its `nsm` program),
 * as ptp4l 4.4 does on a port with net_sync_monitor 1.
 *
 * The monitor sends a unicast Delay_Req carrying an empty PTPMON_REQ TLV
 * (0x21FE).  The port answers it in any state (a slave too: the monitor
 * asks every clock of a network what it thinks) with
 *
 *  1. a unicast Delay_Resp (logMessageInterval 0x7F) carrying a
 *     PTPMON_RESP TLV (0x21FF): portState, reserved, the parent's
 *     PortAddress (where the parent's Announce came from; this port's own
 *     address when the clock is its own parent), parentDS, currentDS,
 *     timePropertiesDS (as announced: SYNCHRONIZATION_UNCERTAIN_NP
 *     applied) and the ingress time of the last Sync the servo took;
 *  2. a unicast two-step Sync with the request's sequenceId, and its
 *     Follow_Up once the Sync's TX timestamp is back,
 *
 * from which the monitor computes this clock's offset from its own.
 * ptp4l asks for hybrid_e2e besides; hvptpd always answers a unicast
 * Delay_Req by unicast (bc/port_master.c), which is what hybrid_e2e does.
 * A multicast Delay_Req with the TLV, or one on a port without
 * net_sync_monitor, is a plain Delay_Req.  One monitor at a time: a
 * second request before the first's Sync went out takes its place.
 */
#include <netinet/in.h>
#include <string.h>

#include "bc/internal.h"
#include "bc/tlv.h"

#define NSM_LOG_INTERVAL 0x7F
#define NSM_PROTO_UDP_IPV4 1
#define NSM_PROTO_UDP_IPV6 2

int nsm_tlv_decode_req(struct wire_reader *value, struct ptp_msg *m,
		       int index)
{
	(void)value;
	(void)index;
	m->tlv_view.nsm_request = true;
	return 0;
}

bool nsm_is_request(const struct port *p, const struct ptp_msg *m,
		    const struct bc_addr *src)
{
	return p->cfg.net_sync_monitor && m->tlv_view.nsm_request &&
	       m->hdr.msg_type == PTP_MSG_DELAY_REQ &&
	       (m->hdr.flags & PTP_FLAG_UNICAST) && src && src->len;
}

/* PortAddress of a transport address the program gave (a sockaddr_in or
 * sockaddr_in6 for the UDP transports); false for another kind. */
static bool nsm_addr(const struct bc_addr *a, uint16_t *proto,
		     const uint8_t **ip, uint16_t *len)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;

	if (a->len == sizeof(v4)) {
		memcpy(&v4, a->data, sizeof(v4));
		if (v4.sin_family != AF_INET)
			return false;
		*proto = NSM_PROTO_UDP_IPV4;
		*ip = a->data + offsetof(struct sockaddr_in, sin_addr);
		*len = 4;
		return true;
	}
	if (a->len == sizeof(v6)) {
		memcpy(&v6, a->data, sizeof(v6));
		if (v6.sin6_family != AF_INET6)
			return false;
		*proto = NSM_PROTO_UDP_IPV6;
		*ip = a->data + offsetof(struct sockaddr_in6, sin6_addr);
		*len = 16;
		return true;
	}
	return false;
}

/* The parent's PortAddress: its Announce's source on the slave port, or
 * this port's own address (the clock is its own parent). */
static void nsm_put_parent_addr(const struct port *p, struct wire_writer *w)
{
	const struct bc *bc = p->bc;
	const struct mgmt_port_data *pd = &bc->mgmt.port[p->index];
	const uint8_t *ip = pd->ipv4;
	uint16_t proto = NSM_PROTO_UDP_IPV4, len = pd->have_ipv4 ? 4 : 0;

	if (bc->slave_port >= 0 && !bc_is_own_parent(bc)) {
		const struct port *s = &bc->ports[bc->slave_port];
		const struct fm_record *r = s->erbest;

		if (r && !nsm_addr(&r->addr, &proto, &ip, &len))
			len = 0;
	}
	wire_put_u16(w, proto);
	wire_put_u16(w, len);
	wire_put_bytes(w, ip, len);
}

static void nsm_put_tlv(const struct port *p, struct wire_writer *w)
{
	const struct bc *bc = p->bc;
	const struct mgmt_id_desc *pds = mgmt_id_find(BC_MID_PARENT_DATA_SET);
	const struct mgmt_id_desc *cds = mgmt_id_find(BC_MID_CURRENT_DATA_SET);
	int64_t last = 0;

	if (bc->servo.valid && bc->slave_port >= 0)
		last = tmv_to_ns(bc->servo.ingress);
	wire_put_u8(w, (uint8_t)p->ds.port_state);
	wire_put_u8(w, 0);
	nsm_put_parent_addr(p, w);
	pds->get(bc, -1, w);
	cds->get(bc, -1, w);
	wire_put_i16(w, bc->tp.current_utc_offset);
	wire_put_u8(w, (uint8_t)(mgmt_announce_flags(bc) & 0xFF));
	wire_put_u8(w, bc->tp.time_source);
	{
		struct ptp_timestamp ts = tmv_to_ptp_timestamp(
			tmv_from_ns(last));

		wire_put_timestamp(w, &ts);
	}
}

/* Mark the Sync just queued (the newest token) as the monitor's. */
static void nsm_mark_sync(struct port *p)
{
	for (int i = 0; i < PORT_MAX_PENDING; i++) {
		if (p->pend[i].used && p->pend[i].token == p->bc->next_token)
			p->pend[i].nsm = true;
	}
}

enum bc_drop nsm_rx_request(struct port *p, const struct ptp_msg *req,
			    tmv_t rx_ts, const struct bc_addr *src,
			    int64_t now, struct bc_actions *out)
{
	uint8_t tlv[128];
	struct wire_writer w;
	struct ptp_msg m;
	size_t start;
	tmv_t t4;

	if (p->ds.delay_mechanism == DM_P2P)
		return BC_DROP_UNSUPPORTED; /* ptp4l: "delay request on P2P" */
	t4 = tmv_sub(rx_ts, tmv_from_ns(p->cfg.ingress_latency_ns));
	port_header(p, &m, PTP_MSG_DELAY_RESP, req->hdr.sequence_id,
		    NSM_LOG_INTERVAL);
	m.hdr.correction = req->hdr.correction;
	m.body.delay_resp.receive_timestamp =
		tmv_to_ptp_timestamp(port_to_wire(p, t4));
	m.body.delay_resp.requesting_port_identity =
		req->hdr.source_port_identity;
	wire_writer_init(&w, tlv, sizeof(tlv));
	start = tlv_value_begin(&w);
	nsm_put_tlv(p, &w);
	if (tlv_value_end(&m, TLV_PTPMON_RESP, &w, start) < 0 ||
	    port_send(p, &m, false, BC_DEST_UNICAST, src, now, out) < 0)
		return BC_DROP_UNSUPPORTED;
	p->nsm_addr = *src;
	port_header(p, &m, PTP_MSG_SYNC, req->hdr.sequence_id,
		    NSM_LOG_INTERVAL);
	m.hdr.flags |= PTP_FLAG_TWO_STEP;
	if (port_send(p, &m, true, BC_DEST_UNICAST, src, now, out) < 0)
		return BC_DROP_NONE; /* the answer went; the Sync did not fit */
	nsm_mark_sync(p);
	return BC_DROP_NONE;
}

void nsm_sync_tx_ts(struct port *p, uint16_t seq, tmv_t ts, int64_t now,
		    struct bc_actions *out)
{
	struct ptp_msg m;

	port_header(p, &m, PTP_MSG_FOLLOW_UP, seq, NSM_LOG_INTERVAL);
	m.body.follow_up.precise_origin_timestamp =
		tmv_to_ptp_timestamp(port_to_wire(p, ts));
	port_send(p, &m, false, BC_DEST_UNICAST, &p->nsm_addr, now, out);
}
