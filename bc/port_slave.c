/*
 * bc/port_slave.c — the slave side of a port: Sync/Follow_Up matching by
 * sequenceId, the Delay_Req/Delay_Resp exchange, and the E2E offset and
 * mean path delay from t1..t4 and the correction fields (11.3):
 *
 *   meanPathDelay    = ((t2 - t1 - c1) + (t4 - t3 - c2)) / 2
 *   offsetFromMaster = t2 - t1 - c1 - meanPathDelay - delayAsymmetry
 *
 * with c1 the Sync's plus Follow_Up's correction and c2 the Delay_Resp's.
 * The master->slave term (t2 - t1 - c1) is taken at t3: interpolated
 * between the Syncs before and after the Delay_Req (see struct
 * delay_exchange), not from whichever Sync came last — while the clocks
 * still differ by 100 ppm, a Sync 0.5 s away from the Delay_Req would bias
 * the path delay by 25 us.  Only the parent's messages are used.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

static bool log_interval_sane(int8_t v)
{
	return v >= -10 && v <= 10;
}

void slave_reset(struct port *p)
{
	struct cm_filter f = p->delay.filter;

	memset(&p->sync, 0, sizeof(p->sync));
	memset(&p->delay, 0, sizeof(p->delay));
	p->delay.last = -1;
	p->delay.filter = f;
	cm_filter_reset(&p->delay.filter);
}

void slave_stepped(struct port *p, int64_t step_ns)
{
	struct sync_state *s = &p->sync;
	struct delay_state *d = &p->delay;

	if (s->have_sync)
		s->t2.ns += step_ns;
	for (int i = 0; i < s->npairs; i++) {
		s->pair[i].t2.ns += step_ns;
		s->pair[i].ms += step_ns;
	}
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

static bool from_parent(const struct port *p, const struct ptp_msg *m)
{
	return clock_is_parent(p->bc, &m->hdr.source_port_identity);
}

/* a - b - c; false when a step does not fit int64 (timestamps near the
 * limits or absurd correction fields from the wire). */
static bool sub3_ok(int64_t a, int64_t b, int64_t c, int64_t *out)
{
	int64_t t;

	return !__builtin_sub_overflow(a, b, &t) &&
	       !__builtin_sub_overflow(t, c, out);
}

static void sync_sample(struct port *p, int64_t offset, int64_t ms,
			tmv_t origin, struct bc_actions *out)
{
	struct bc *bc = p->bc;
	struct bc_sample smp;

	memset(&smp, 0, sizeof(smp));
	smp.kind = BC_SAMPLE_SYNC;
	smp.path_delay_ns = p->delay.mean_path_delay_ns;
	smp.raw_delay_ns = p->delay.last_raw_ns;
	smp.offset_ns = offset;
	smp.one_way_ns = ms;
	smp.ingress = p->sync.t2;
	smp.origin = origin;
	smp.log_sync_interval = p->master_log_sync_interval;
	smp.weight = 1.0;
	bc->cur.offset_from_master_ns = smp.offset_ns;
	bc->cur.mean_path_delay_ns = smp.path_delay_ns;
	act_sample(out, p->index, &smp);
}

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

static void delay_filter_add(struct port *p, int64_t raw)
{
	struct delay_state *d = &p->delay;

	d->last_raw_ns = raw;
	d->mean_path_delay_ns = cm_filter_add(&d->filter, raw);
	d->have_delay = true;
	p->bc->cur.mean_path_delay_ns = d->mean_path_delay_ns;
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
	delay_filter_add(p, sum / 2);
	return true;
}

/* A new Sync pair: finish the exchanges it follows. */
static void exchanges_complete(struct port *p, const struct sync_pair *pr)
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
	if (!sub3_ok(t4.ns, t3.ns, corr_ns, &x.sm) ||
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

/* t1 and t2 of one Sync are both known: record the pair, finish the
 * delay exchanges before it and, once the path delay is known, hand a
 * sample to the servo.  A pair whose numbers overflow the arithmetic is
 * refused as a bad timestamp. */
static enum bc_drop sync_complete(struct port *p, struct bc_actions *out)
{
	struct sync_state *s = &p->sync;
	tmv_t t1 = port_from_wire(p, s->t1);
	int64_t corr_ns, ms, offset = 0, origin;
	struct sync_pair pr;

	s->have_sync = s->have_fup = false;
	if (port_leap_window(p, s->t1))
		return BC_DROP_LEAP_WINDOW;
	if (__builtin_add_overflow(s->corr_sync, s->corr_fup, &corr_ns))
		return BC_DROP_BAD_TIMESTAMP;
	corr_ns = tmv_scaled_to_ns(corr_ns);
	if (!sub3_ok(s->t2.ns, t1.ns, corr_ns, &ms) ||
	    __builtin_add_overflow(t1.ns, corr_ns, &origin))
		return BC_DROP_BAD_TIMESTAMP;
	pr.t2 = s->t2;
	pr.ms = ms;
	exchanges_complete(p, &pr);
	if (p->delay.have_delay &&
	    !sub3_ok(ms, p->delay.mean_path_delay_ns,
		     p->cfg.delay_asymmetry_ns, &offset))
		return BC_DROP_BAD_TIMESTAMP;
	s->pair[1] = s->pair[0];
	s->pair[0] = pr;
	if (s->npairs < 2)
		s->npairs++;
	if (p->delay.have_delay)
		sync_sample(p, offset, ms, tmv_from_ns(origin), out);
	return BC_DROP_NONE;
}

enum bc_drop slave_rx_sync(struct port *p, const struct ptp_msg *m,
			   tmv_t rx_ts, const struct bc_addr *src,
			   int64_t now, struct bc_actions *out)
{
	(void)src;
	struct sync_state *s = &p->sync;
	bool two_step = (m->hdr.flags & PTP_FLAG_TWO_STEP) ||
			p->bc->cfg.assume_two_step;
	bool fup_waiting = s->have_fup && !s->have_sync &&
			   s->seq == m->hdr.sequence_id;

	if (!from_parent(p, m))
		return BC_DROP_NOT_PARENT;
	if (log_interval_sane(m->hdr.log_msg_interval))
		p->master_log_sync_interval = m->hdr.log_msg_interval;
	if (p->cfg.sync_receipt_timeout)
		port_timer_arm(p, BC_TMR_SYNC_RX,
			       now + p->cfg.sync_receipt_timeout *
					     tmv_log_interval_ns(
						     p->master_log_sync_interval),
			       out);
	s->have_sync = true;
	s->two_step = two_step;
	s->seq = m->hdr.sequence_id;
	s->t2 = tmv_sub(rx_ts, tmv_from_ns(p->cfg.ingress_latency_ns));
	s->corr_sync = m->hdr.correction;
	if (!two_step) {
		if (!tmv_from_ptp_timestamp(&m->body.sync.origin_timestamp,
					    &s->t1))
			return BC_DROP_BAD_TIMESTAMP;
		s->corr_fup = 0;
		return sync_complete(p, out);
	} else if (fup_waiting) {
		return sync_complete(p, out);
	} else {
		s->have_fup = false;
	}
	return BC_DROP_NONE;
}

enum bc_drop slave_rx_follow_up(struct port *p, const struct ptp_msg *m,
				tmv_t rx_ts, const struct bc_addr *src,
				int64_t now, struct bc_actions *out)
{
	(void)rx_ts;
	(void)src;
	struct sync_state *s = &p->sync;
	tmv_t t1;

	(void)now;
	if (!from_parent(p, m))
		return BC_DROP_NOT_PARENT;
	if (!tmv_from_ptp_timestamp(&m->body.follow_up.precise_origin_timestamp,
				    &t1))
		return BC_DROP_BAD_TIMESTAMP;
	if (s->have_sync && s->two_step && s->seq == m->hdr.sequence_id) {
		s->t1 = t1;
		s->corr_fup = m->hdr.correction;
		return sync_complete(p, out);
	}
	if (s->have_sync || p->bc->cfg.check_fup_sync)
		return BC_DROP_SEQ_MISMATCH;
	/* Follow_Up overtook its Sync: keep it for the Sync to come */
	s->have_fup = true;
	s->seq = m->hdr.sequence_id;
	s->t1 = t1;
	s->corr_fup = m->hdr.correction;
	return BC_DROP_NONE;
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

int slave_send_delay_req(struct port *p, int64_t now, struct bc_actions *o)
{
	struct bc_addr addr;
	enum bc_dest dest;
	struct ptp_msg m;
	int err;

	if (p->cfg.inhibit_delay_req || p->ds.delay_mechanism != DM_E2E)
		return -EOPNOTSUPP;
	port_header(p, &m, PTP_MSG_DELAY_REQ, p->seq_delay_req++, 0x7F);
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

bool slave_delay_req_waiting(const struct port *p)
{
	const struct delay_state *d = &p->delay;

	return d->last >= 0 && d->req[d->last].used;
}

void slave_delay_req_tx_ts(struct port *p, uint16_t seq, tmv_t ts,
			   struct bc_actions *out)
{
	struct delay_req *q = delay_req_find(&p->delay, seq);

	if (!q || q->have_t3)
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

enum bc_drop slave_rx_delay_resp(struct port *p, const struct ptp_msg *m,
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
	if (!from_parent(p, m))
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
	if (log_interval_sane(m->hdr.log_msg_interval))
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
