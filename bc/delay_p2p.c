/*
 * bc/delay_p2p.c — the peer-to-peer delay mechanism (IEEE 1588-2019 11.4):
 * each port measures the link to its neighbour, in every state but
 * FAULTY, INITIALIZING and DISABLED (a MASTER or PASSIVE port knows its
 * link delay before it may become a slave), and answers the neighbour's
 * requests as a two-step responder:
 *
 *   requester  t1 --Pdelay_Req--> t2  responder
 *              t4 <--Pdelay_Resp-- t3 (t2 in the Pdelay_Resp, t3 in its
 *                                      Pdelay_Resp_Follow_Up)
 *
 *   meanLinkDelay = ((t4 - t1) - (t3 - t2 + c) / r) / 2
 *
 * with c the corrections of the Pdelay_Resp and its Follow_Up (a one-step
 * responder puts its whole turnaround there, t3 - t2 = 0), and r the
 * neighbour rate ratio: the responder's turnaround is counted on its
 * clock, and 100 ppm over a 10 ms turnaround is 0.5 us of link delay.  r
 * is measured from the responder's t3 + c against our t4 of exchanges
 * 2^(freq_est_interval - logMinPdelayReqInterval) apart and kept scaled as
 * 802.1AS's scaledNeighborRateRatio ((r - 1) * 2^41), never as a double.
 * A slave port's Sync offsets take meanLinkDelay off (port_slave.c).
 *
 * As ptp4l: requests go at a fixed 2^logMinPdelayReqInterval s; a request
 * without a whole answer when the next one goes counts as lost; a request
 * answered by several responders (a link that is not point to point)
 * counts too, its exchange is not used, and more than allowedLostResponses
 * such requests in a row fault the port (BC_FAULT_PEER_NETWORK).  With
 * delay_mechanism Auto the port starts E2E and turns P2P for good at the
 * first Pdelay_Req it hears.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

#define NRR_SHIFT 41 /* scaledNeighborRateRatio: (r - 1) * 2^41 */

static int64_t p2p_interval_ns(const struct port *p)
{
	return tmv_log_interval_ns(p->ds.log_min_pdelay_req_interval);
}

/* Exchanges between two rate-ratio measurements. */
static uint32_t nrr_span(const struct port *p)
{
	int shift = p->cfg.freq_est_interval - p->ds.log_min_pdelay_req_interval;

	if (shift < 0)
		shift = 0;
	if (shift > 16)
		shift = 16;
	return 1u << shift;
}

static void nrr_reset(struct pdelay_state *d)
{
	d->nrr_have_first = d->nrr_valid = false;
	d->nrr_count = 0;
	d->nrr_scaled = 0;
}

/* One whole exchange: origin the responder's t3 + c, ingress our t4. */
static void nrr_update(struct port *p, int64_t origin, int64_t ingress)
{
	struct pdelay_state *d = &p->pdelay;
	__int128 dor, din;

	if (!d->nrr_have_first) {
		d->nrr_have_first = true;
		d->nrr_origin.ns = origin;
		d->nrr_ingress.ns = ingress;
		return;
	}
	if (++d->nrr_count < nrr_span(p))
		return;
	dor = (__int128)origin - d->nrr_origin.ns;
	din = (__int128)ingress - d->nrr_ingress.ns;
	d->nrr_origin.ns = origin;
	d->nrr_ingress.ns = ingress;
	d->nrr_count = 0;
	/* within 1000 ppm of 1, or not a rate ratio of two clocks */
	if (din <= 0 || dor <= 0 || (dor - din) * 1000 > din ||
	    (din - dor) * 1000 > din) {
		clock_log_port(p, CM_LOG_DEBUG, "pdelay: bad rate ratio");
		nrr_reset(d);
		return;
	}
	d->nrr_scaled = (int64_t)((dor - din) * ((__int128)1 << NRR_SHIFT) / din);
	d->nrr_valid = true;
}

/* The responder's turnaround on our clock: turn / r. */
static int64_t turnaround_local(const struct pdelay_state *d, int64_t turn)
{
	__int128 one = (__int128)1 << NRR_SHIFT;

	if (!d->nrr_valid)
		return turn;
	return (int64_t)((__int128)turn * one / (one + d->nrr_scaled));
}

static void p2p_set_delay(struct port *p, int64_t raw)
{
	port_delay_filter_add(p, raw);
	p->ds.mean_link_delay_ns = p->delay.mean_path_delay_ns;
}

/* t1, the Pdelay_Resp and (two-step) its Follow_Up are all here. */
static void exchange_finish(struct port *p)
{
	struct pdelay_state *d = &p->pdelay;
	struct pdelay_exchange *x = &d->x;
	int64_t t41, turn, origin, raw;

	if (!x->used || x->done || !x->have_t1 || !x->have_resp ||
	    (!x->one_step && !x->have_fup))
		return;
	x->done = true;
	if (x->responses > 1)
		return; /* several responders: whose delay? */
	turn = x->one_step ? 0 : x->t3.ns - x->t2.ns;
	if (__builtin_sub_overflow(x->t4.ns, x->t1.ns, &t41) ||
	    __builtin_add_overflow(turn, x->c_resp_ns, &turn) ||
	    __builtin_add_overflow(turn, x->c_fup_ns, &turn) || t41 < 0 ||
	    turn < 0 || turn > 100 * NS_PER_SEC) {
		clock_log_port(p, CM_LOG_DEBUG, "pdelay: bad timestamps");
		return;
	}
	d->lost = 0;
	if (!x->one_step &&
	    !__builtin_add_overflow(x->t3.ns, x->c_resp_ns + x->c_fup_ns,
				    &origin))
		nrr_update(p, origin, x->t4.ns);
	raw = (t41 - turnaround_local(d, turn)) / 2;
	p2p_set_delay(p, raw);
}

static void peer_note(struct port *p, const struct port_identity *src)
{
	struct pdelay_state *d = &p->pdelay;

	if (d->peer_valid && port_identity_eq(&d->peer, src))
		return;
	if (d->peer_valid)
		clock_log_port(p, CM_LOG_NOTICE, "pdelay: a new peer answers");
	d->peer_valid = true;
	d->peer = *src;
	nrr_reset(d);
}

/* ---- requester ---- */

static void request_send(struct port *p, int64_t now, struct bc_actions *out)
{
	struct pdelay_state *d = &p->pdelay;
	struct ptp_msg m;

	if (d->x.used && !d->x.done) {
		d->lost++;
		p->cnt.pdelay_timeouts++;
	}
	if (d->x.responses > 1)
		d->multiple++;
	else
		d->multiple = 0;
	memset(&d->x, 0, sizeof(d->x));
	port_header(p, &m, PTP_MSG_PDELAY_REQ, d->seq++, 0x7F);
	if (port_send(p, &m, true, BC_DEST_PDELAY, NULL, now, out) < 0)
		return;
	d->x.used = true;
	d->x.seq = m.hdr.sequence_id;
}

static void p2p_timer(struct port *p, int64_t now, struct bc_actions *out)
{
	struct pdelay_state *d = &p->pdelay;
	int64_t iv = p2p_interval_ns(p);
	int64_t next = p->timer_at[BC_TMR_PDELAY_REQ_TX] + iv;

	port_timer_arm(p, BC_TMR_PDELAY_REQ_TX, next > now ? next : now + iv,
		       out);
	request_send(p, now, out);
	if (d->multiple > p->cfg.allowed_lost_responses) {
		clock_log_port(p, CM_LOG_ERR,
			       "pdelay: several responders to %u requests in "
			       "a row: the link is not point to point",
			       d->multiple);
		d->multiple = 0;
		p->cnt.faults++;
		p->bc->sd_due = true;
		port_note_fault(p, BC_FAULT_PEER_NETWORK, 0, now);
		port_dispatch(p, BC_EV_FAULT_DETECTED, now, out);
	}
}

static enum bc_drop resp_check(const struct port *p, const struct ptp_msg *m)
{
	const struct pdelay_exchange *x = &p->pdelay.x;

	if (!port_identity_eq(&m->body.pdelay_resp.requesting_port_identity,
			      &p->ds.port_identity))
		return BC_DROP_NOT_FOR_US;
	if (!x->used || x->seq != m->hdr.sequence_id)
		return BC_DROP_SEQ_MISMATCH;
	return BC_DROP_NONE;
}

enum bc_drop p2p_rx_pdelay_resp(struct port *p, const struct ptp_msg *m,
				tmv_t rx_ts, const struct bc_addr *src,
				int64_t now, struct bc_actions *out)
{
	struct pdelay_state *d = &p->pdelay;
	struct pdelay_exchange *x = &d->x;
	enum bc_drop why = resp_check(p, m);

	(void)src;
	(void)now;
	(void)out;
	if (why != BC_DROP_NONE)
		return why;
	if (++x->responses > 1) {
		if (x->responses == 2) {
			p->cnt.pdelay_multiple++;
			clock_log_port(p, CM_LOG_WARNING,
				       "pdelay: several responders");
		}
		return BC_DROP_MULTIPLE_PEERS;
	}
	if (x->have_fup && !port_identity_eq(&x->fup_source,
					     &m->hdr.source_port_identity))
		x->have_fup = false; /* not this responder's */
	x->have_resp = true;
	x->one_step = !(m->hdr.flags & PTP_FLAG_TWO_STEP);
	x->responder = m->hdr.source_port_identity;
	x->t4 = tmv_sub(rx_ts, tmv_from_ns(p->cfg.ingress_latency_ns));
	x->c_resp_ns = tmv_scaled_to_ns(m->hdr.correction);
	if (!tmv_from_ptp_timestamp(&m->body.pdelay_resp.timestamp, &x->t2))
		return BC_DROP_BAD_TIMESTAMP;
	peer_note(p, &x->responder);
	exchange_finish(p);
	return BC_DROP_NONE;
}

enum bc_drop p2p_rx_pdelay_fup(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out)
{
	struct pdelay_exchange *x = &p->pdelay.x;
	enum bc_drop why = resp_check(p, m);

	(void)rx_ts;
	(void)src;
	(void)now;
	(void)out;
	if (why != BC_DROP_NONE)
		return why;
	if (x->have_fup || x->done)
		return BC_DROP_MULTIPLE_PEERS;
	if (x->have_resp && !port_identity_eq(&x->responder,
					      &m->hdr.source_port_identity))
		return BC_DROP_MULTIPLE_PEERS;
	if (!tmv_from_ptp_timestamp(&m->body.pdelay_resp.timestamp, &x->t3))
		return BC_DROP_BAD_TIMESTAMP;
	x->have_fup = true;
	x->fup_source = m->hdr.source_port_identity;
	x->c_fup_ns = tmv_scaled_to_ns(m->hdr.correction);
	exchange_finish(p);
	return BC_DROP_NONE;
}

/* ---- responder ---- */

static struct pdelay_answer *answer_slot(struct pdelay_state *d)
{
	for (int i = 0; i < PDELAY_MAX_ANSWERS; i++) {
		if (!d->ans[i].used)
			return &d->ans[i];
	}
	return &d->ans[0]; /* the oldest's timestamp is late: lost */
}

/* delay_mechanism Auto: the neighbour speaks P2P, so do we from now on. */
static void auto_switch(struct port *p, int64_t now, struct bc_actions *out)
{
	clock_log_port(p, CM_LOG_INFO, "peer detected, switch to P2P");
	port_timer_stop(p, BC_TMR_DELAY_REQ_TX, out);
	delay_e2e_ops.parent_reset(p);
	p->ds.delay_mechanism = DM_P2P;
	delay_p2p_ops.enter_state(p, now, out);
}

enum bc_drop p2p_rx_pdelay_req(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out)
{
	struct pdelay_answer *a;
	struct ptp_msg r;
	tmv_t t2 = tmv_sub(rx_ts, tmv_from_ns(p->cfg.ingress_latency_ns));
	bool unicast = (m->hdr.flags & PTP_FLAG_UNICAST) && src &&
		       src->len > 0;

	if (p->ds.delay_mechanism != DM_P2P) {
		if (!p->cfg.delay_auto)
			return BC_DROP_WRONG_MECHANISM;
		auto_switch(p, now, out);
	}
	port_header(p, &r, PTP_MSG_PDELAY_RESP, m->hdr.sequence_id, 0x7F);
	r.hdr.major_sdo_id = m->hdr.major_sdo_id;
	r.body.pdelay_resp.requesting_port_identity =
		m->hdr.source_port_identity;
	if (p->cfg.p2p_one_step) {
		/* the transport adds the turnaround at egress (as ptp4l's
		 * p2p1step: the request's correction, nothing else) */
		r.hdr.correction = m->hdr.correction;
		return port_send(p, &r, true,
				 unicast ? BC_DEST_UNICAST : BC_DEST_PDELAY,
				 src, now, out) < 0
			       ? BC_DROP_UNSUPPORTED
			       : BC_DROP_NONE;
	}
	r.hdr.flags |= PTP_FLAG_TWO_STEP;
	r.body.pdelay_resp.timestamp =
		tmv_to_ptp_timestamp(port_to_wire(p, t2));
	if (port_send(p, &r, true, unicast ? BC_DEST_UNICAST : BC_DEST_PDELAY,
		      src, now, out) < 0)
		return BC_DROP_UNSUPPORTED;
	a = answer_slot(&p->pdelay);
	memset(a, 0, sizeof(*a));
	a->used = true;
	a->seq = m->hdr.sequence_id;
	a->corr = m->hdr.correction;
	a->requester = m->hdr.source_port_identity;
	a->major_sdo_id = m->hdr.major_sdo_id;
	a->unicast = unicast;
	if (unicast)
		a->addr = *src;
	return BC_DROP_NONE;
}

/* Our Pdelay_Resp left at t3: its Follow_Up carries t3 and the request's
 * correction (a transparent clock's residence on the way in). */
static void answer_follow_up(struct port *p, uint16_t seq, tmv_t t3,
			     int64_t now, struct bc_actions *out)
{
	struct pdelay_answer *a = NULL;
	struct ptp_msg f;

	for (int i = 0; i < PDELAY_MAX_ANSWERS && !a; i++) {
		if (p->pdelay.ans[i].used && p->pdelay.ans[i].seq == seq)
			a = &p->pdelay.ans[i];
	}
	if (!a)
		return;
	a->used = false;
	port_header(p, &f, PTP_MSG_PDELAY_RESP_FOLLOW_UP, seq, 0x7F);
	f.hdr.major_sdo_id = a->major_sdo_id;
	f.hdr.correction = a->corr;
	f.body.pdelay_resp.timestamp =
		tmv_to_ptp_timestamp(port_to_wire(p, t3));
	f.body.pdelay_resp.requesting_port_identity = a->requester;
	if (port_send(p, &f, false,
		      a->unicast ? BC_DEST_UNICAST : BC_DEST_PDELAY, &a->addr,
		      now, out) < 0)
		clock_log_port(p, CM_LOG_WARNING,
			       "pdelay_resp_follow_up did not fit");
}

/* ---- the delay_ops of P2P ---- */

static void p2p_tx_ts(struct port *p, uint8_t type, uint16_t seq, tmv_t ts,
		      int64_t now, struct bc_actions *out)
{
	struct pdelay_exchange *x = &p->pdelay.x;

	if (type == PTP_MSG_PDELAY_RESP) {
		answer_follow_up(p, seq, ts, now, out);
	} else if (type == PTP_MSG_PDELAY_REQ && x->used && !x->done &&
		   x->seq == seq && !x->have_t1) {
		x->have_t1 = true;
		x->t1.ns = ts.ns + x->step_since_send_ns;
		exchange_finish(p);
	}
}

static void p2p_sync_pair(struct port *p, const struct sync_pair *pr)
{
	(void)p;
	(void)pr;
}

static bool p2p_path_delay(const struct port *p, int64_t *ns)
{
	*ns = p->delay.mean_path_delay_ns;
	return p->delay.have_delay;
}

/* The link delay belongs to the link, not to the master: kept. */
static void p2p_parent_reset(struct port *p)
{
	(void)p;
}

static void p2p_stepped(struct port *p, int64_t step_ns)
{
	struct pdelay_state *d = &p->pdelay;

	if (d->x.have_t1)
		d->x.t1.ns += step_ns;
	else
		d->x.step_since_send_ns += step_ns;
	if (d->x.have_resp)
		d->x.t4.ns += step_ns;
	d->nrr_ingress.ns += step_ns;
}

/* Everything the link taught us: a port that stops forgets it. */
static void p2p_forget(struct port *p)
{
	struct cm_filter f = p->delay.filter;

	memset(&p->delay, 0, sizeof(p->delay));
	p->delay.last = -1;
	p->delay.filter = f;
	cm_filter_reset(&p->delay.filter);
	memset(&p->pdelay, 0, sizeof(p->pdelay));
	p->ds.mean_link_delay_ns = 0;
}

static void p2p_enter_state(struct port *p, int64_t now,
			    struct bc_actions *out)
{
	if (!port_is_active(p)) {
		port_timer_stop(p, BC_TMR_PDELAY_REQ_TX, out);
		p2p_forget(p);
		return;
	}
	if (!(p->timers_armed & (1u << BC_TMR_PDELAY_REQ_TX)))
		port_timer_arm(p, BC_TMR_PDELAY_REQ_TX, now, out);
}

const struct delay_ops delay_p2p_ops = {
	.name = "P2P",
	.sync_pair = p2p_sync_pair,
	.path_delay = p2p_path_delay,
	.parent_reset = p2p_parent_reset,
	.stepped = p2p_stepped,
	.enter_state = p2p_enter_state,
	.timer = p2p_timer,
	.tx_ts = p2p_tx_ts,
};

bool port_as_capable(const struct port *p)
{
	const struct pdelay_state *d = &p->pdelay;
	int64_t delay = p->delay.mean_path_delay_ns;
	unsigned allowed = p->cfg.allowed_lost_responses;

	if (!p->cfg.follow_up_info || p->cfg.as_capable_always)
		return true;
	return p->ds.delay_mechanism == DM_P2P && p->delay.have_delay &&
	       delay <= p->cfg.neighbor_prop_delay_thresh_ns &&
	       delay >= p->cfg.min_neighbor_prop_delay_ns &&
	       d->lost <= allowed && d->multiple <= allowed && d->peer_valid &&
	       d->nrr_valid;
}

int bc_port_pdelay_info(const struct bc *bc, int port,
			struct bc_pdelay_info *out)
{
	const struct port *p;
	const struct pdelay_state *d;

	if (!bc || port < 0 || port >= bc->nports || !bc->ports[port].present ||
	    !out)
		return -EINVAL;
	p = &bc->ports[port];
	d = &p->pdelay;
	memset(out, 0, sizeof(*out));
	out->p2p = p->ds.delay_mechanism == DM_P2P;
	out->valid = out->p2p && p->delay.have_delay;
	out->mean_link_delay_ns = out->valid ? p->delay.mean_path_delay_ns : 0;
	out->nrr_valid = d->nrr_valid;
	out->nrr_scaled = d->nrr_scaled;
	out->peer_valid = d->peer_valid;
	out->peer = d->peer;
	out->lost_in_row = d->lost;
	out->multiple_in_row = d->multiple;
	out->as_capable = port_as_capable(p);
	return 0;
}
