/*
 * bc/delay_e2e.c — the end-to-end delay mechanism (IEEE 1588-2019 11.3):
 * the Delay_Req/Delay_Resp exchange of a slave port with its master and
 * the mean path delay from t1..t4 and the correction fields:
 *
 *   meanPathDelay    = ((t2 - t1 - c1) + (t4 - t3 - c2)) / 2
 *
 * with c1 the Sync's plus Follow_Up's correction and c2 the Delay_Resp's.
 * The master->slave term (t2 - t1 - c1) is taken at t3: interpolated
 * between the Syncs before and after the Delay_Req (see struct
 * delay_exchange), not from whichever Sync came last — while the clocks
 * still differ by 100 ppm, a Sync 0.5 s away from the Delay_Req would bias
 * the path delay by 25 us.  Several Delay_Reqs may be in flight (a path
 * longer than the interval between them): each answer is matched by
 * sequenceId.  Only the parent's messages are used.  The Sync side
 * (port_slave.c) asks for the delay through the port's delay_ops.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

/* The offset the Delay_Req direction measured at t3 (see enum
 * bc_sample_kind); only once a path delay is known. */
static void delay_sample(struct port *p, tmv_t t3, int64_t sm, tmv_t t4c,
			 struct bc_actions *out)
{
	const struct delay_state *d = &p->delay;
	struct bc_sample smp;
	int64_t sm_delay;

	if (!d->have_delay || !out ||
	    __builtin_sub_overflow(d->mean_path_delay_ns,
				   p->cfg.delay_asymmetry_ns, &sm_delay) ||
	    __builtin_sub_overflow(sm_delay, sm, &smp.offset_ns))
		return;
	smp.kind = BC_SAMPLE_DELAY;
	smp.path_delay_ns = d->mean_path_delay_ns;
	smp.raw_delay_ns = d->last_raw_ns;
	smp.one_way_ns = sm;
	smp.ingress = t3;
	smp.origin = t4c;
	smp.log_sync_interval = p->master_log_sync_interval;
	smp.weight = 1.0;
	act_sample(out, p->index, &smp);
}


/* The master->slave delay at local time t, interpolated between a pair
 * before and a pair after it. */
static int64_t ms_at(const struct sync_pair *a, const struct sync_pair *b,
		     tmv_t t)
{
	__int128 span = (__int128)b->t2.ns - a->t2.ns;
	__int128 part = (__int128)t.ns - a->t2.ns;

	if (span <= 0)
		return b->ms;
	return (int64_t)(a->ms + ((__int128)b->ms - a->ms) * part / span);
}

/* Path delay of one exchange with the master->slave delay at its t3;
 * false when the numbers overflow (absurd timestamps: nothing changes). */
static bool exchange_delay(struct port *p, const struct delay_exchange *x,
			   const struct sync_pair *after)
{
	int64_t ms = x->have_pre ? ms_at(&x->pre, after, x->t3) : after->ms;
	int64_t sum;

	if (__builtin_add_overflow(ms, x->sm, &sum))
		return false;
	port_delay_filter_add(p, sum / 2);
	return true;
}

/* A new Sync pair: finish the exchanges it follows. */
static void e2e_sync_pair(struct port *p, const struct sync_pair *pr)
{
	struct delay_state *d = &p->delay;
	int kept = 0;

	for (int i = 0; i < d->nx; i++) {
		if (d->xq[i].t3.ns > pr->t2.ns)
			d->xq[kept++] = d->xq[i]; /* still before its Sync */
		else if (!exchange_delay(p, &d->xq[i], pr))
			clock_log_port(p, CM_LOG_DEBUG, "delay: bad timestamps");
	}
	d->nx = kept;
}

/* t3 and t4 of an exchange are both known: a DELAY sample now, and its
 * path delay once the Sync after it is known. */
static bool exchange_add(struct port *p, tmv_t t3, tmv_t t4, int64_t corr_ns,
			 struct bc_actions *out)
{
	const struct sync_state *s = &p->sync;
	struct delay_state *d = &p->delay;
	struct delay_exchange x;
	int64_t t4c;

	memset(&x, 0, sizeof(x));
	x.t3 = t3;
	if (!port_sub3_ok(t4.ns, t3.ns, corr_ns, &x.sm) ||
	    __builtin_sub_overflow(t4.ns, corr_ns, &t4c))
		return false;
	delay_sample(p, t3, x.sm, tmv_from_ns(t4c), out);
	/* the newest pair before t3 */
	for (int i = 0; i < s->npairs && !x.have_pre; i++) {
		if (s->pair[i].t2.ns <= t3.ns) {
			x.have_pre = true;
			x.pre = s->pair[i];
		}
	}
	/* a Sync already came after t3: done now */
	if (s->npairs && s->pair[0].t2.ns > t3.ns)
		return exchange_delay(p, &x, &s->pair[0]);
	if (d->nx == DELAY_MAX_EXCHANGES) {
		memmove(&d->xq[0], &d->xq[1], sizeof(d->xq[0]) * (size_t)(d->nx - 1));
		d->nx--;
	}
	d->xq[d->nx++] = x;
	return true;
}


/* A Delay_Req just sent: in a free slot, else in the oldest one's (its
 * answer is late beyond DELAY_MAX_IN_FLIGHT requests: lost). */
static void delay_req_track(struct delay_state *d, uint16_t seq)
{
	int k = 0;

	for (int i = 0; i < DELAY_MAX_IN_FLIGHT; i++) {
		if (!d->req[i].used) {
			k = i;
			break;
		}
		if (d->req[i].order - d->req[k].order > UINT32_MAX / 2)
			k = i; /* older (in wrapping order) */
	}
	memset(&d->req[k], 0, sizeof(d->req[k]));
	d->req[k].used = true;
	d->req[k].seq = seq;
	d->req[k].order = d->sent++;
	d->last = k;
}

int e2e_send_req(struct port *p, int64_t now, struct bc_actions *o)
{
	struct bc_addr addr;
	enum bc_dest dest;
	struct ptp_msg m;
	int err;

	if (p->cfg.inhibit_delay_req || p->ds.delay_mechanism != DM_E2E)
		return -EOPNOTSUPP;
	port_header(p, &m, PTP_MSG_DELAY_REQ, p->seq_delay_req++, 0x7F);
	/* the group, or the master by unicast (hybrid_e2e, a unicast
	 * client) */
	dest = uc_delay_req_dest(p, &addr);
	err = port_send(p, &m, true, dest, &addr, now, o);
	if (err < 0)
		return err;
	delay_req_track(&p->delay, m.hdr.sequence_id);
	return 0;
}

/* The request with sequenceId seq in flight, or NULL. */
static struct delay_req *delay_req_find(struct delay_state *d, uint16_t seq)
{
	for (int i = 0; i < DELAY_MAX_IN_FLIGHT; i++) {
		if (d->req[i].used && d->req[i].seq == seq)
			return &d->req[i];
	}
	return NULL;
}

bool e2e_req_waiting(const struct port *p)
{
	const struct delay_state *d = &p->delay;

	return d->last >= 0 && d->req[d->last].used;
}

static void e2e_tx_ts(struct port *p, uint8_t type, uint16_t seq, tmv_t ts,
		      int64_t now, struct bc_actions *out)
{
	struct delay_req *q = delay_req_find(&p->delay, seq);

	(void)now;
	if (type != PTP_MSG_DELAY_REQ || !port_is_slave(p) || !q ||
	    q->have_t3)
		return;
	/* taken when the Delay_Req left, before any step since */
	q->t3.ns = ts.ns + q->step_since_send_ns;
	q->have_t3 = true;
	if (!q->answered)
		return;
	if (!exchange_add(p, q->t3, q->t4, q->resp_corr_ns, out))
		clock_log_port(p, CM_LOG_DEBUG, "delay_resp: bad timestamp");
	q->used = false;
}

enum bc_drop e2e_rx_delay_resp(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out)
{
	const struct ptp_delay_resp *r = &m->body.delay_resp;
	struct delay_req *q = delay_req_find(&p->delay, m->hdr.sequence_id);
	int64_t corr_ns = tmv_scaled_to_ns(m->hdr.correction);
	tmv_t t4;

	(void)rx_ts;
	(void)src;
	(void)now;
	if (!port_from_parent(p, m))
		return BC_DROP_NOT_PARENT;
	if (!port_identity_eq(&r->requesting_port_identity,
			      &p->ds.port_identity))
		return BC_DROP_NOT_FOR_US;
	if (!q || q->answered)
		return BC_DROP_SEQ_MISMATCH;
	if (!tmv_from_ptp_timestamp(&r->receive_timestamp, &t4))
		return BC_DROP_BAD_TIMESTAMP;
	t4 = port_from_wire(p, t4);
	/* a refused answer leaves the request open for the real one */
	if (q->have_t3 && !exchange_add(p, q->t3, t4, corr_ns, out))
		return BC_DROP_BAD_TIMESTAMP;
	if (port_log_interval_sane(m->hdr.log_msg_interval))
		p->ds.log_min_delay_req_interval = m->hdr.log_msg_interval;
	if (q->have_t3) {
		q->used = false;
	} else {
		/* our TX timestamp is still on its way: finish on arrival */
		q->answered = true;
		q->t4 = t4;
		q->resp_corr_ns = corr_ns;
	}
	return BC_DROP_NONE;
}

static bool e2e_path_delay(const struct port *p, int64_t *ns)
{
	*ns = p->delay.mean_path_delay_ns;
	return p->delay.have_delay;
}

static void e2e_parent_reset(struct port *p)
{
	struct cm_filter f = p->delay.filter;

	memset(&p->delay, 0, sizeof(p->delay));
	p->delay.last = -1;
	p->delay.filter = f;
	cm_filter_reset(&p->delay.filter);
}

static void e2e_stepped(struct port *p, int64_t step_ns)
{
	struct delay_state *d = &p->delay;

	if (!port_is_slave(p))
		return;
	for (int i = 0; i < d->nx; i++) {
		d->xq[i].t3.ns += step_ns;
		d->xq[i].sm -= step_ns;
		d->xq[i].pre.t2.ns += step_ns;
		d->xq[i].pre.ms += step_ns;
	}
	for (int i = 0; i < DELAY_MAX_IN_FLIGHT; i++) {
		struct delay_req *q = &d->req[i];

		if (!q->used)
			continue;
		if (q->have_t3)
			q->t3.ns += step_ns;
		else
			q->step_since_send_ns += step_ns;
	}
}

static void e2e_enter_state(struct port *p, int64_t now,
			    struct bc_actions *out)
{
	if (port_is_slave(p))
		port_timer_arm(p, BC_TMR_DELAY_REQ_TX,
			       now + port_random_delay_req_ns(p), out);
}

static void e2e_timer(struct port *p, int64_t now, struct bc_actions *out)
{
	port_timer_arm(p, BC_TMR_DELAY_REQ_TX,
		       now + port_random_delay_req_ns(p), out);
	e2e_send_req(p, now, out);
}

const struct delay_ops delay_e2e_ops = {
	.name = "E2E",
	.sync_pair = e2e_sync_pair,
	.path_delay = e2e_path_delay,
	.parent_reset = e2e_parent_reset,
	.stepped = e2e_stepped,
	.enter_state = e2e_enter_state,
	.timer = e2e_timer,
	.tx_ts = e2e_tx_ts,
};
