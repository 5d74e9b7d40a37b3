/*
 * bc/port_master.c — the master side of a port: Announce (with what a
 * boundary clock propagates from its slave port), two-step Sync and
 * Follow_Up, and Delay_Resp.
 */
#include <string.h>

#include "bc/internal.h"
#include "bc/tlv.h"
#include "bc/wire.h"

/* PATH_TRACE: the parent's path plus this clock (16.2); left out when it
 * would not fit (16.2.4).  scratch holds the value while m is sent. */
static void announce_path_trace(struct port *p, struct ptp_msg *m,
				struct wire_writer *scratch)
{
	const struct bc *bc = p->bc;
	struct clock_identity ids[PTP_MAX_PATH_TRACE + 1];
	unsigned n = bc->path_len;

	if ((n + 1) * 8 + 64 + 4 > PTP_MAX_MSG_LEN)
		return;
	memcpy(ids, bc->path, sizeof(ids[0]) * n);
	ids[n] = bc->dds.clock_identity;
	if (tlv_put_path_trace(m, scratch, ids, n + 1) < 0)
		m->n_tlvs = 0;
}

void master_send_announce(struct port *p, int64_t now, struct bc_actions *o)
{
	master_send_announce_to(p, -1, now, o);
}

void master_send_announce_to(struct port *p, int peer, int64_t now,
			     struct bc_actions *o)
{
	const struct bc *bc = p->bc;
	uint8_t path[(PTP_MAX_PATH_TRACE + 1) * 8], extra[256];
	struct wire_writer scratch, ext;
	struct ptp_announce *a;
	struct ptp_msg m;

	if (p->cfg.inhibit_announce || !port_as_capable(p))
		return;
	if (peer < 0)
		port_header(p, &m, PTP_MSG_ANNOUNCE, p->seq_announce++,
			    p->ds.log_announce_interval);
	else
		port_header(p, &m, PTP_MSG_ANNOUNCE,
			    p->uc[peer].seq[UC_SVC_ANNOUNCE]++,
			    p->uc[peer].log_period[UC_SVC_ANNOUNCE]);
	m.hdr.flags = mgmt_announce_flags(bc);
	a = &m.body.announce;
	a->current_utc_offset = bc->tp.current_utc_offset;
	a->gm_priority1 = bc->parent.grandmaster_priority1;
	a->gm_clock_quality = bc->parent.grandmaster_clock_quality;
	a->gm_priority2 = bc->parent.grandmaster_priority2;
	a->gm_identity = bc->parent.grandmaster_identity;
	a->steps_removed = bc->cur.steps_removed;
	a->time_source = bc->tp.time_source;
	if (p->cfg.path_trace_enabled) {
		wire_writer_init(&scratch, path, sizeof(path));
		announce_path_trace(p, &m, &scratch);
	}
	/* ptp4l's order: path trace, power profile, alternate offsets */
	wire_writer_init(&ext, extra, sizeof(extra));
	power_announce_tlv(p, &m, &ext);
	mgmt_announce_tz(bc, &m, &ext);
	if ((peer < 0 ? port_send(p, &m, false, BC_DEST_PRIMARY, NULL, now, o)
		      : port_send_peer(p, &m, false, peer, now, o)) < 0)
		clock_log_port(p, CM_LOG_WARNING, "announce did not fit");
}

/* A unicast Sync and its Follow_Up carry logMessageInterval 0x7F
 * (13.3.2.11, Table 42), as ptp4l's. */
void master_send_sync(struct port *p, int peer, int64_t now,
		      struct bc_actions *o)
{
	struct ptp_msg m;

	if (!port_as_capable(p))
		return; /* 802.1AS: no Sync on a port not asCapable */
	if (peer < 0)
		port_header(p, &m, PTP_MSG_SYNC, p->seq_sync++,
			    p->ds.log_sync_interval);
	else
		port_header(p, &m, PTP_MSG_SYNC, p->uc[peer].seq[UC_SVC_SYNC]++,
			    0x7F);
	/* one-step: originTimestamp is the transport's to fill at egress */
	if (!p->cfg.one_step && !p->cfg.p2p_one_step)
		m.hdr.flags |= PTP_FLAG_TWO_STEP;
	if ((peer < 0 ? port_send(p, &m, true, BC_DEST_PRIMARY, NULL, now, o)
		      : port_send_peer(p, &m, true, peer, now, o)) < 0)
		clock_log_port(p, CM_LOG_WARNING, "sync did not fit");
}

void master_sync_tx_ts(struct port *p, int peer, uint16_t seq, tmv_t ts,
		       int64_t now, struct bc_actions *out)
{
	static const struct ptp_follow_up_info fui;
	uint8_t info[PTP_FUP_INFO_LEN];
	struct wire_writer scratch;
	struct ptp_msg m;

	/* a UTC clock repeats the second of a leap61: its time is ambiguous,
	 * and a Sync without its Follow_Up is dropped by the slaves */
	if (port_leap_ambiguous(p, ts))
		return;
	port_header(p, &m, PTP_MSG_FOLLOW_UP, seq,
		    peer < 0 ? p->ds.log_sync_interval : 0x7F);
	m.body.follow_up.precise_origin_timestamp =
		tmv_to_ptp_timestamp(port_to_wire(p, ts));
	/* 802.1AS: the Follow_Up information, all zero as ptp4l sends it
	 * (this clock is its downstream's grandmaster time source) */
	wire_writer_init(&scratch, info, sizeof(info));
	if (p->cfg.follow_up_info)
		tlv_put_follow_up_info(&m, &scratch, &fui);
	if (peer < 0)
		port_send(p, &m, false, BC_DEST_PRIMARY, NULL, now, out);
	else if (p->uc[peer].role == UC_CLIENT)
		port_send_peer(p, &m, false, peer, now, out);
}

/*
 * The Delay_Resp goes back by unicast when the Delay_Req came by unicast
 * (the mixed multicast/unicast model of IEEE 1588-2019, ptp4l's
 * hybrid_e2e), and with delay_resp_unicast also when it came by multicast:
 * only its sender needs it, and a bridge floods a multicast one to every
 * guest (N guests at 8 Delay_Req/s each receive 8N answers per second).
 * A client matches a Delay_Resp by sequenceId and requestingPortIdentity;
 * ptp4l accepts the unicast answer to its multicast request, ptpd 2.3.1 in
 * its multicast mode discards it (its discardedMessages counter): hence an
 * option, off by default.  Without the sender's address (a transport that
 * gives none) it goes to the group.
 *
 * Each source address gets at most delay_req_rate_limit answers per
 * second after a burst of delay_req_burst (common/srclimit.h): one host
 * flooding Delay_Reqs costs the others nothing but the reading of its
 * packets (dropped, counted as rate_limited).
 */
enum bc_drop master_rx_delay_req(struct port *p, const struct ptp_msg *req,
				 tmv_t rx_ts, const struct bc_addr *src,
				 int64_t now, struct bc_actions *out)
{
	bool unicast = (req->hdr.flags & PTP_FLAG_UNICAST) ||
		       p->cfg.delay_resp_unicast;
	struct ptp_msg m;
	tmv_t t4;

	if (!srclimit_take(&p->delay_req_limit, src ? src->data : NULL,
			   src ? src->len : 0, now))
		return BC_DROP_RATE_LIMITED;
	t4 = tmv_sub(rx_ts, tmv_from_ns(p->cfg.ingress_latency_ns));
	port_header(p, &m, PTP_MSG_DELAY_RESP, req->hdr.sequence_id,
		    p->ds.log_min_delay_req_interval);
	if (req->hdr.flags & PTP_FLAG_UNICAST)
		m.hdr.log_msg_interval = 0x7F; /* Table 42, as ptp4l */
	m.hdr.correction = req->hdr.correction;
	m.body.delay_resp.receive_timestamp =
		tmv_to_ptp_timestamp(port_to_wire(p, t4));
	m.body.delay_resp.requesting_port_identity =
		req->hdr.source_port_identity;
	if (unicast && (!src || src->len == 0))
		unicast = false;
	if (port_send(p, &m, false,
		      unicast ? BC_DEST_UNICAST : BC_DEST_PRIMARY, src, now,
		      out) < 0)
		return BC_DROP_UNSUPPORTED;
	return BC_DROP_NONE;
}
