/*
 * bc/port.c — one PTP port: receive dispatch, TX timestamps, timers,
 * message headers and sending.  The master and slave exchanges live in
 * port_master.c and port_slave.c; the state machine in port_fsm.c.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

void port_ds_from_cfg(struct port *p)
{
	const struct bc_port_cfg *cfg = &p->cfg;

	p->ds.log_min_delay_req_interval = cfg->log_min_delay_req_interval;
	p->ds.log_announce_interval = cfg->log_announce_interval;
	p->ds.announce_receipt_timeout = cfg->announce_receipt_timeout;
	p->ds.log_sync_interval = cfg->log_sync_interval;
	p->ds.delay_asymmetry_ns = cfg->delay_asymmetry_ns;
	p->ds.master_only = cfg->master_only;
}

void port_delay_filter_init(struct port *p)
{
	const struct bc_port_cfg *cfg = &p->cfg;

	cm_filter_init(&p->delay.filter,
		       cfg->delay_filter_average ? CM_FILTER_AVERAGE
						 : CM_FILTER_MEDIAN,
		       cfg->delay_filter_length ? cfg->delay_filter_length : 1);
}

void port_init(struct port *p, struct bc *bc, int index,
	       const struct bc_port_cfg *cfg)
{
	memset(p, 0, sizeof(*p));
	p->bc = bc;
	p->index = index;
	p->present = true;
	p->cfg = *cfg;
	p->link_up = true;
	p->ds.port_identity.clock_identity = bc->dds.clock_identity;
	p->ds.port_identity.port_number = (uint16_t)(index + 1);
	p->ds.port_state = PS_INITIALIZING;
	port_ds_from_cfg(p);
	p->ds.delay_mechanism = cfg->delay_mechanism;
	p->ds.log_min_pdelay_req_interval = cfg->log_min_pdelay_req_interval;
	p->ds.version_number = PTP_MAJOR_VERSION;
	p->ds.minor_version_number = bc->cfg.ptp_minor_version;
	p->master_log_sync_interval = cfg->log_sync_interval;
	fm_init(&p->fm, bc->cfg.foreign_master_threshold,
		bc->cfg.foreign_master_window, bc->fm_seen, (uint16_t)index);
	port_delay_filter_init(p);
	uc_init(p);
	p->drop_rl.interval_ns = 10 * NS_PER_SEC;
	srclimit_init(&p->delay_req_limit, cfg->delay_req_rate,
		      cfg->delay_req_burst, bc->cfg.rng_seed ^ (uint64_t)index);
	srclimit_init(&p->mgmt_limit, cfg->mgmt_rate, cfg->mgmt_burst,
		      ~bc->cfg.rng_seed ^ (uint64_t)index);
}

void port_note_fault(struct port *p, enum bc_fault why, int err,
		     int64_t now)
{
	p->st.fault = why;
	p->st.fault_errno = err;
	p->st.fault_at_ns = now;
}

bool port_is_slave(const struct port *p)
{
	return p->ds.port_state == PS_SLAVE ||
	       p->ds.port_state == PS_UNCALIBRATED;
}

bool port_is_active(const struct port *p)
{
	switch (p->ds.port_state) {
	case PS_INITIALIZING:
	case PS_FAULTY:
	case PS_DISABLED:
		return false;
	default:
		return true;
	}
}

void port_drop(struct port *p, enum bc_drop why, const struct ptp_msg *m,
	       int64_t now)
{
	if ((unsigned)why >= BC_DROP_COUNT)
		why = BC_DROP_BAD_VALUE;
	p->cnt.drop[why]++;
	if (!cm_log_enabled(CM_LOG_DEBUG) || !cm_ratelimit_ok(&p->drop_rl, now))
		return;
	clock_log_port(p, CM_LOG_DEBUG, "dropped %s: %s (%llu more since last)",
		       m ? ptp_msg_type_name(m->hdr.msg_type) : "message",
		       bc_drop_name(why),
		       (unsigned long long)p->drop_rl.suppressed);
	p->drop_rl.suppressed = 0;
}

/* ---- receive ---- */

typedef enum bc_drop (*rx_handler)(struct port *p, const struct ptp_msg *m,
				   tmv_t rx_ts, const struct bc_addr *src,
				   int64_t now, struct bc_actions *out);

/* The port states a message type is handled in. */
enum rx_need { RX_ANY, RX_SLAVE, RX_MASTER };

struct rx_entry {
	rx_handler handler; /* NULL: valid, but not handled (counted) */
	enum rx_need need;
	uint8_t mech; /* the delay mechanism it belongs to, 0: any (a
			 Pdelay_Req checks itself: Auto turns P2P on it) */
};

static const struct rx_entry rx_table[PTP_MSG_TYPE_COUNT] = {
	[PTP_MSG_SYNC] = { slave_rx_sync, RX_SLAVE, 0 },
	[PTP_MSG_DELAY_REQ] = { master_rx_delay_req, RX_MASTER, DM_E2E },
	[PTP_MSG_PDELAY_REQ] = { p2p_rx_pdelay_req, RX_ANY, 0 },
	[PTP_MSG_PDELAY_RESP] = { p2p_rx_pdelay_resp, RX_ANY, DM_P2P },
	[PTP_MSG_FOLLOW_UP] = { slave_rx_follow_up, RX_SLAVE, 0 },
	[PTP_MSG_DELAY_RESP] = { e2e_rx_delay_resp, RX_SLAVE, DM_E2E },
	[PTP_MSG_PDELAY_RESP_FOLLOW_UP] = { p2p_rx_pdelay_fup, RX_ANY,
					    DM_P2P },
	[PTP_MSG_ANNOUNCE] = { clock_rx_announce, RX_ANY, 0 },
	[PTP_MSG_MANAGEMENT] = { mgmt_port_rx, RX_ANY, 0 },
	[PTP_MSG_SIGNALING] = { uc_rx_signaling, RX_ANY, 0 },
};

static enum bc_drop rx_dispatch(struct port *p, const struct ptp_msg *m,
				tmv_t rx_ts, const struct bc_addr *src,
				int64_t now, struct bc_actions *out)
{
	const struct rx_entry *e = &rx_table[m->hdr.msg_type];

	if (nsm_is_request(p, m, src)) /* in any state, as ptp4l */
		return nsm_rx_request(p, m, rx_ts, src, now, out);
	if (!e->handler)
		return BC_DROP_UNSUPPORTED;
	if (e->mech && e->mech != p->ds.delay_mechanism)
		return BC_DROP_WRONG_MECHANISM;
	if ((m->hdr.msg_type == PTP_MSG_ANNOUNCE ||
	     m->hdr.msg_type == PTP_MSG_SYNC) &&
	    !port_as_capable(p))
		return BC_DROP_NOT_AS_CAPABLE;
	/* a port with a unicast master table listens to its masters only */
	if (m->hdr.msg_type == PTP_MSG_ANNOUNCE && !uc_announce_ok(p, src))
		return BC_DROP_NOT_FOR_US;
	if (e->need == RX_SLAVE && !port_is_slave(p))
		return BC_DROP_WRONG_STATE;
	if (e->need == RX_MASTER && p->ds.port_state != PS_MASTER)
		return BC_DROP_WRONG_STATE;
	return e->handler(p, m, rx_ts, src, now, out);
}

/* An Announce from a lower-numbered port of this clock on the same
 * segment: this port keeps quiet (9.5.2.3).  The state decision makes it
 * PASSIVE (clock_sd.c); each such Announce is what a PASSIVE port listens
 * to, so it restarts the announce receipt timeout as a foreign one would. */
static void rx_self_announce(struct port *p, int64_t now,
			     struct bc_actions *out)
{
	p->self_seen = true;
	p->self_seen_ns = now;
	p->bc->sd_due = true;
	if (p->ds.port_state == PS_LISTENING || p->ds.port_state == PS_PASSIVE)
		port_arm_announce_rx(p, now, out);
}

/* Checks every message passes before its handler (domain, sdoId, self). */
static enum bc_drop rx_filter(struct port *p, const struct ptp_msg *m,
			      tmv_t rx_ts, int64_t now, struct bc_actions *out)
{
	const struct bc *bc = p->bc;
	const struct port_identity *src = &m->hdr.source_port_identity;

	if (m->hdr.domain != bc->dds.domain_number)
		return BC_DROP_WRONG_DOMAIN;
	if (!p->cfg.ignore_transport_specific &&
	    m->hdr.major_sdo_id != p->cfg.transport_specific)
		return BC_DROP_WRONG_SDO;
	if (m->hdr.minor_sdo_id != bc->cfg.minor_sdo_id)
		return BC_DROP_WRONG_SDO;
	if (clock_identity_eq(&src->clock_identity, &bc->dds.clock_identity)) {
		if (m->hdr.msg_type == PTP_MSG_ANNOUNCE &&
		    src->port_number < p->ds.port_identity.port_number)
			rx_self_announce(p, now, out);
		return BC_DROP_FROM_SELF;
	}
	if (ptp_msg_is_event(m->hdr.msg_type) && rx_ts.ns == 0)
		return BC_DROP_BAD_TIMESTAMP; /* no RX timestamp */
	return BC_DROP_NONE;
}

int port_rx(struct port *p, const uint8_t *buf, size_t len, tmv_t rx_ts,
	    const struct bc_addr *src, int64_t now, struct bc_actions *out)
{
	struct ptp_msg m;
	enum bc_drop why = BC_DROP_NONE;

	if (!port_is_active(p)) {
		port_drop(p, BC_DROP_WRONG_STATE, NULL, now);
		return -EAGAIN;
	}
	if (msg_unpack(buf, len, &m, &why) < 0) {
		port_drop(p, why, NULL, now);
		return -EBADMSG;
	}
	why = auth_port_rx(p, buf, len, &m, now);
	if (why == BC_DROP_NONE)
		why = rx_filter(p, &m, rx_ts, now, out);
	if (why != BC_DROP_FROM_SELF)
		p->cnt.rx_parsed[m.hdr.msg_type]++;
	if (why == BC_DROP_NONE)
		why = rx_dispatch(p, &m, rx_ts, src, now, out);
	if (why != BC_DROP_NONE) {
		port_drop(p, why, &m, now);
		return -EBADMSG;
	}
	p->cnt.rx[m.hdr.msg_type]++;
	auth_port_accepted(p, &m);
	return 0;
}

/* ---- sending ---- */

void port_header(struct port *p, struct ptp_msg *m, unsigned type,
		 uint16_t seq, int8_t log_interval)
{
	memset(m, 0, sizeof(*m));
	msg_header_init(&m->hdr, type, p->bc->cfg.ptp_minor_version);
	m->hdr.major_sdo_id = p->cfg.transport_specific;
	m->hdr.minor_sdo_id = p->bc->cfg.minor_sdo_id;
	m->hdr.domain = p->bc->dds.domain_number;
	m->hdr.source_port_identity = p->ds.port_identity;
	m->hdr.sequence_id = seq;
	m->hdr.log_msg_interval = log_interval;
}

/* A one-step Sync or Pdelay_Resp: the transport completes it at egress
 * and no TX timestamp comes back (token 0). */
static bool port_one_step_msg(const struct ptp_msg *m)
{
	return (m->hdr.msg_type == PTP_MSG_SYNC ||
		m->hdr.msg_type == PTP_MSG_PDELAY_RESP) &&
	       !(m->hdr.flags & PTP_FLAG_TWO_STEP);
}

static int port_send_any(struct port *p, struct ptp_msg *m, bool event,
			 enum bc_dest dest, const struct bc_addr *addr,
			 int peer, int64_t now, struct bc_actions *out)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	uint32_t token = 0;
	int len, err;

	if (dest == BC_DEST_UNICAST)
		m->hdr.flags |= PTP_FLAG_UNICAST;
	len = msg_pack(m, buf, sizeof(buf));
	if (len >= 0)
		len = auth_port_tx(p, buf, (size_t)len, sizeof(buf));
	if (len < 0)
		return len;
	if (event && !port_one_step_msg(m))
		token = port_pend_add(p, m->hdr.msg_type, m->hdr.sequence_id,
				      peer, now, out);
	err = act_send(out, p->index, event, dest, addr, buf, (size_t)len,
		       token, m->hdr.msg_type);
	if (err)
		return err;
	p->cnt.tx[m->hdr.msg_type]++;
	return 0;
}

int port_send(struct port *p, struct ptp_msg *m, bool event, enum bc_dest dest,
	      const struct bc_addr *addr, int64_t now, struct bc_actions *out)
{
	return port_send_any(p, m, event, dest, addr, -1, now, out);
}

int port_send_peer(struct port *p, struct ptp_msg *m, bool event, int peer,
		   int64_t now, struct bc_actions *out)
{
	if (peer < 0 || peer >= BC_MAX_PEERS || p->uc[peer].role == UC_FREE)
		return -EINVAL;
	return port_send_any(p, m, event, BC_DEST_UNICAST, &p->uc[peer].addr,
			     peer, now, out);
}

/* ---- TX timestamps ---- */

static void pend_rearm(struct port *p, struct bc_actions *out)
{
	int64_t first = INT64_MAX;

	for (int i = 0; i < PORT_MAX_PENDING; i++) {
		if (p->pend[i].used && p->pend[i].deadline_ns < first)
			first = p->pend[i].deadline_ns;
	}
	if (first == INT64_MAX)
		port_timer_stop(p, BC_TMR_TX_TS, out);
	else
		port_timer_arm(p, BC_TMR_TX_TS, first, out);
}

uint32_t port_pend_add(struct port *p, uint8_t type, uint16_t seq, int peer,
		       int64_t now, struct bc_actions *out)
{
	struct pending_tx *slot = &p->pend[0];
	uint32_t token = ++p->bc->next_token;

	if (token == 0)
		token = ++p->bc->next_token;
	/* a free slot, else the oldest (its timestamp is lost) */
	for (int i = 0; i < PORT_MAX_PENDING; i++) {
		if (!p->pend[i].used) {
			slot = &p->pend[i];
			break;
		}
		if (p->pend[i].deadline_ns < slot->deadline_ns)
			slot = &p->pend[i];
	}
	slot->used = true;
	slot->token = token;
	slot->msg_type = type;
	slot->seq = seq;
	slot->nsm = false;
	slot->peer = (int8_t)peer;
	slot->deadline_ns = now + p->bc->cfg.tx_timestamp_timeout_ns;
	pend_rearm(p, out);
	return token;
}

static bool pend_is_peer(const struct pending_tx *pt)
{
	return pt->msg_type == PTP_MSG_PDELAY_REQ ||
	       pt->msg_type == PTP_MSG_PDELAY_RESP;
}

void port_pend_forget(struct port *p, struct bc_actions *out)
{
	bool keep = port_is_active(p);

	for (int i = 0; i < PORT_MAX_PENDING; i++) {
		if (!keep || !pend_is_peer(&p->pend[i]))
			p->pend[i].used = false;
	}
	pend_rearm(p, out);
}

int port_tx_ts(struct port *p, uint32_t token, tmv_t ts, int64_t now,
	       struct bc_actions *out)
{
	struct pending_tx pt;
	int i;

	for (i = 0; i < PORT_MAX_PENDING; i++) {
		if (p->pend[i].used && p->pend[i].token == token)
			break;
	}
	if (i == PORT_MAX_PENDING)
		return -ENOENT; /* late, after its timeout */
	pt = p->pend[i];
	p->pend[i].used = false;
	pend_rearm(p, out);
	ts = tmv_add(ts, tmv_from_ns(p->cfg.egress_latency_ns));
	if (pt.nsm)
		nsm_sync_tx_ts(p, pt.seq, ts, now, out);
	else if (pt.msg_type == PTP_MSG_SYNC && p->ds.port_state == PS_MASTER)
		master_sync_tx_ts(p, pt.peer, pt.seq, ts, now, out);
	else
		port_delay_ops(p)->tx_ts(p, pt.msg_type, pt.seq, ts, now, out);
	return 0;
}

static void pend_expire(struct port *p, int64_t now, struct bc_actions *out)
{
	bool fault = false;

	for (int i = 0; i < PORT_MAX_PENDING; i++) {
		struct pending_tx *pt = &p->pend[i];

		if (!pt->used || pt->deadline_ns > now)
			continue;
		pt->used = false;
		p->cnt.tx_ts_timeouts++;
		fault = true;
		clock_log_port(p, CM_LOG_ERR,
			       "timed out waiting for the TX timestamp of %s "
			       "seq %u (tx_timestamp_timeout %lld ms): the "
			       "driver did not deliver it; increase "
			       "tx_timestamp_timeout or check the driver",
			       ptp_msg_type_name(pt->msg_type), pt->seq,
			       (long long)(p->bc->cfg.tx_timestamp_timeout_ns /
					   NS_PER_MS));
	}
	pend_rearm(p, out);
	if (fault) {
		p->cnt.faults++;
		p->bc->sd_due = true;
		port_note_fault(p, BC_FAULT_TX_TIMESTAMP, 0, now);
		port_dispatch(p, BC_EV_FAULT_DETECTED, now, out);
	}
}

/* ---- timers ---- */

static void timer_announce_rx(struct port *p, enum bc_timer t, int64_t now,
			      struct bc_actions *out)
{
	bool sync = t == BC_TMR_SYNC_RX;

	/* the master that went silent is forgotten; others requalify */
	if (port_is_slave(p))
		fm_remove(&p->fm, &p->bc->parent.parent_port_identity);
	else if (p->erbest)
		fm_remove(&p->fm, &p->erbest->sender);
	p->erbest = NULL;
	fm_prune(&p->fm, now, p->ds.log_announce_interval);
	p->bc->sd_due = true;
	port_dispatch(p,
		      sync ? BC_EV_SYNC_RECEIPT_TIMEOUT_EXPIRES
			   : BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES,
		      now, out);
	/* a slave-only port that stays LISTENING keeps listening (one that
	 * came from a slave state had its timer armed on entry) */
	if (p->ds.port_state == PS_LISTENING &&
	    !(p->timers_armed & (1u << BC_TMR_ANNOUNCE_RX)))
		port_arm_announce_rx(p, now, out);
}

/*
 * The next deadline of a periodic timer that expired at "now", due at
 * "due": one interval after the deadline, not after its handling, so that
 * the loop's latency does not stretch every interval (re-armed from now,
 * 64 guests behind a bridge had 7.91 Syncs/s of 8: bench/guests.sh).  A
 * timer handled a whole interval late or more starts afresh from now: the
 * messages a stall cost are not sent in a burst after it.
 */
static int64_t next_deadline(int64_t due, int64_t iv, int64_t now)
{
	int64_t next = due + iv;

	return next > now ? next : now + iv;
}

int port_timer(struct port *p, enum bc_timer t, int64_t now,
	       struct bc_actions *out)
{
	int64_t iv;

	if ((unsigned)t >= BC_TMR_COUNT)
		return -EINVAL;
	/* a stray expiry of a stopped timer must not, say, make a slave
	 * port send Announce: only armed timers run */
	if (!(p->timers_armed & (1u << t)))
		return 0;
	p->timers_armed &= ~(1u << t);
	mgmt_count_timer(p, t);
	switch (t) {
	case BC_TMR_ANNOUNCE_RX:
	case BC_TMR_SYNC_RX:
		timer_announce_rx(p, t, now, out);
		break;
	case BC_TMR_ANNOUNCE_TX:
		iv = tmv_log_interval_ns(p->ds.log_announce_interval);
		port_timer_arm(p, t, next_deadline(p->timer_at[t], iv, now),
			       out);
		if (!uc_multicast_inhibited(p))
			master_send_announce(p, now, out);
		break;
	case BC_TMR_SYNC_TX:
		iv = tmv_log_interval_ns(p->ds.log_sync_interval);
		port_timer_arm(p, t, next_deadline(p->timer_at[t], iv, now),
			       out);
		if (!uc_multicast_inhibited(p))
			master_send_sync(p, -1, now, out);
		break;
	case BC_TMR_DELAY_REQ_TX:
	case BC_TMR_PDELAY_REQ_TX:
		port_delay_ops(p)->timer(p, now, out);
		break;
	case BC_TMR_QUALIFICATION:
		port_dispatch(p, BC_EV_QUALIFICATION_TIMEOUT_EXPIRES, now, out);
		break;
	case BC_TMR_FAULT_RESET:
		if (!p->link_up)
			break; /* link up will clear the fault */
		port_dispatch(p, BC_EV_FAULT_CLEARED, now, out);
		p->bc->sd_due = true;
		break;
	case BC_TMR_TX_TS:
		pend_expire(p, now, out);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

int64_t port_random_delay_req_ns(struct port *p)
{
	int64_t iv = tmv_log_interval_ns(p->ds.log_min_delay_req_interval);

	/* uniform in [0, 2^(logMinDelayReqInterval+1)] s (9.5.11.2) */
	return (int64_t)(cm_rng_uniform(&p->bc->rng) * 2.0 * (double)iv);
}

/*
 * A Delay_Req at a time the discipline chose instead of its timer's
 * (bc_port_delay_req_at): at once, the timer then drawn afresh from now
 * so that the next one keeps its random interval after this one; or
 * later, the timer moved there.  The standard asks no more of the
 * intervals between Delay_Reqs than that each be drawn uniformly from
 * [0, 2^(logMinDelayReqInterval+1)] s (IEEE 1588-2019 9.5.11.2): an
 * immediate one is a draw of 0 and a chosen one within the range is a
 * possible draw, and the mean rate stays the configured one as long as
 * the discipline asks rarely (once per Sync far off, and not again before
 * an exchange finished, servo/pathsel.h; once per outside step,
 * servo/kalman.c).
 */
int port_delay_req_at(struct port *p, int64_t at_ns, int64_t now,
		      struct bc_actions *out)
{
	int64_t iv = tmv_log_interval_ns(p->ds.log_min_delay_req_interval);
	int err;

	if (p->cfg.inhibit_delay_req || p->ds.delay_mechanism != DM_E2E)
		return -EOPNOTSUPP;
	if (!port_is_slave(p))
		return -ENOTCONN;
	if (at_ns > now) {
		if (at_ns - now > 2 * iv)
			return -ERANGE;
		port_timer_arm(p, BC_TMR_DELAY_REQ_TX, at_ns, out);
		p->cnt.delay_req_asked++;
		return 0;
	}
	if (e2e_req_waiting(p))
		return -EBUSY;
	err = e2e_send_req(p, now, out);
	if (err)
		return err;
	p->cnt.delay_req_asked++;
	port_timer_arm(p, BC_TMR_DELAY_REQ_TX,
		       now + port_random_delay_req_ns(p), out);
	return 0;
}

void port_stepped(struct port *p, int64_t step_ns)
{
	if (port_is_slave(p))
		slave_stepped(p, step_ns);
	port_delay_ops(p)->stepped(p, step_ns);
}
