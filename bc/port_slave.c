/*
 * bc/port_slave.c — the slave side of a port: Sync/Follow_Up matching by
 * sequenceId, and the offset from master (11.3, 11.4):
 *
 *   offsetFromMaster = t2 - t1 - c1 - delay - delayAsymmetry
 *
 * with c1 the Sync's plus Follow_Up's correction and delay what the
 * port's delay mechanism measured (struct delay_ops: the mean path delay
 * of E2E, bc/delay_e2e.c, or the peer's link delay of P2P).  Each
 * complete Sync is handed to the mechanism as well (E2E pairs it with its
 * Delay_Req exchanges).  Only the parent's messages are used.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

void slave_reset(struct port *p)
{
	memset(&p->sync, 0, sizeof(p->sync));
	port_delay_ops(p)->parent_reset(p);
}

void slave_stepped(struct port *p, int64_t step_ns)
{
	struct sync_state *s = &p->sync;

	if (s->have_sync)
		s->t2.ns += step_ns;
	for (int i = 0; i < s->npairs; i++) {
		s->pair[i].t2.ns += step_ns;
		s->pair[i].ms += step_ns;
	}
}

static void sync_sample(struct port *p, int64_t offset, int64_t ms,
			int64_t delay, tmv_t origin, struct bc_actions *out)
{
	struct bc *bc = p->bc;
	struct bc_sample smp;

	memset(&smp, 0, sizeof(smp));
	smp.kind = BC_SAMPLE_SYNC;
	smp.path_delay_ns = delay;
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

/* t1 and t2 of one Sync are both known: record the pair, finish the
 * delay exchanges before it and, once the path delay is known, hand a
 * sample to the servo.  A pair whose numbers overflow the arithmetic is
 * refused as a bad timestamp. */
static enum bc_drop sync_complete(struct port *p, struct bc_actions *out)
{
	struct sync_state *s = &p->sync;
	tmv_t t1 = port_from_wire(p, s->t1);
	const struct delay_ops *ops = port_delay_ops(p);
	int64_t corr_ns, ms, offset = 0, origin, delay = 0;
	struct sync_pair pr;
	bool have_delay;

	s->have_sync = s->have_fup = false;
	if (port_leap_window(p, s->t1))
		return BC_DROP_LEAP_WINDOW;
	if (__builtin_add_overflow(s->corr_sync, s->corr_fup, &corr_ns))
		return BC_DROP_BAD_TIMESTAMP;
	corr_ns = tmv_scaled_to_ns(corr_ns);
	if (!port_sub3_ok(s->t2.ns, t1.ns, corr_ns, &ms) ||
	    __builtin_add_overflow(t1.ns, corr_ns, &origin))
		return BC_DROP_BAD_TIMESTAMP;
	pr.t2 = s->t2;
	pr.ms = ms;
	ops->sync_pair(p, &pr);
	have_delay = ops->path_delay(p, &delay);
	if (have_delay &&
	    !port_sub3_ok(ms, delay, p->cfg.delay_asymmetry_ns, &offset))
		return BC_DROP_BAD_TIMESTAMP;
	s->pair[1] = s->pair[0];
	s->pair[0] = pr;
	if (s->npairs < 2)
		s->npairs++;
	if (have_delay)
		sync_sample(p, offset, ms, delay, tmv_from_ns(origin), out);
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

	if (!port_from_parent(p, m))
		return BC_DROP_NOT_PARENT;
	/* PORT_SERVICE_STATS_NP: a two-step Sync left without its
	 * Follow_Up, or a Follow_Up waiting for another Sync */
	if ((s->have_sync && s->two_step) ||
	    (s->have_fup && !s->have_sync && !fup_waiting))
		p->cnt.sync_mismatches++;
	if (port_log_interval_sane(m->hdr.log_msg_interval))
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
	if (!port_from_parent(p, m))
		return BC_DROP_NOT_PARENT;
	if (!tmv_from_ptp_timestamp(&m->body.follow_up.precise_origin_timestamp,
				    &t1))
		return BC_DROP_BAD_TIMESTAMP;
	if (p->cfg.follow_up_info) {
		/* 802.1AS: a Follow_Up without its information is dropped,
		 * as ptp4l's; what it says is kept for management */
		if (!m->tlv_view.has_follow_up_info)
			return BC_DROP_BAD_TLV;
		p->bc->have_fup_info = true;
		p->bc->fup_info = m->tlv_view.follow_up_info;
	}
	if (s->have_sync && s->two_step && s->seq == m->hdr.sequence_id) {
		s->t1 = t1;
		s->corr_fup = m->hdr.correction;
		return sync_complete(p, out);
	}
	if (s->have_sync || s->have_fup)
		p->cnt.followup_mismatches++; /* PORT_SERVICE_STATS_NP */
	if (s->have_sync || p->bc->cfg.check_fup_sync)
		return BC_DROP_SEQ_MISMATCH;
	/* Follow_Up overtook its Sync: keep it for the Sync to come */
	s->have_fup = true;
	s->seq = m->hdr.sequence_id;
	s->t1 = t1;
	s->corr_fup = m->hdr.correction;
	return BC_DROP_NONE;
}
