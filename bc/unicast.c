/*
 * bc/unicast.c — unicast negotiation (IEEE 1588-2019 16.1), as ptp4l 4.4
 * does it, on the port's fixed set of BC_MAX_PEERS unicast peers.
 *
 * Client (a port with a unicast master table): each master of the table
 * is a peer with its own query timer, run every 2^logQueryInterval s.  A
 * master goes WAIT -> HAVE_ANN when it grants Announce; the BMCA then runs
 * over the Announces of the masters that granted it (the port takes
 * Announce from table addresses only).  The master that becomes the
 * port's parent is SELECTED: NEED_SYDY asks for Sync and Delay_Resp, and
 * HAVE_SYDY once both are granted.  A master that stops being the parent
 * goes back to HAVE_ANN and is told to CANCEL Sync and Delay_Resp.  Every
 * grant sets the renewal at 3/4 of its duration (the earliest of the
 * grants); at the first query tick past it, all the services held are
 * asked again in one Signaling message.  A denial (durationField 0) or a
 * CANCEL from the master sends it back to WAIT (a CANCEL is acknowledged).
 *
 * Server (unicast_listen): a REQUEST for Announce or Sync from a new
 * address takes a free peer slot (a full set is a denial, counted), is
 * granted for the duration and at the interval asked for (|interval| up
 * to 30, as ptp4l), and extends an existing grant; Delay_Resp and
 * Pdelay_Resp are granted without state (a unicast Delay_Req is always
 * answered by unicast).  While the port is MASTER each client gets its own
 * Announce and Sync (+ Follow_Up) by unicast on its own timers; a grant
 * ends at its expiry (BC_TMR_UC_EXPIRE) or on CANCEL, and the slot is
 * freed with the last one.  Each client's Syncs keep a phase of their own
 * (uc_sync_first): never two event messages in one instant.  All answers
 * to one Signaling message go back in one Signaling message.
 *
 * Addresses are the transport's struct bc_addr, compared byte for byte:
 * the program gives a sender's in the canonical form of a table entry
 * (daemon/loop.c, config/uctab.c).
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"
#include "bc/tlv.h"
#include "bc/wire.h"

#define UC_MAX_TLVS 8 /* answers in one Signaling message */
#define UC_MSG_BIT(t) (1u << (t))

static const struct port_identity uc_wildcard = {
	.clock_identity = { { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
			      0xFF } },
	.port_number = 0xFFFF,
};

static bool uc_addr_eq(const struct bc_addr *a, const struct bc_addr *b)
{
	return a->len && a->len == b->len && a->len <= sizeof(a->data) &&
	       memcmp(a->data, b->data, a->len) == 0;
}

static int uc_find(const struct port *p, enum uc_role role,
		   const struct bc_addr *addr)
{
	for (int i = 0; addr && i < BC_MAX_PEERS; i++) {
		if (p->uc[i].role == role && uc_addr_eq(&p->uc[i].addr, addr))
			return i;
	}
	return -1;
}

/* ---- the peers' timers ---- */

static void uc_timer_arm(struct port *p, int peer, enum bc_timer t,
			 int64_t at, struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[peer];

	u->timers_armed |= 1u << t;
	u->timer_at[t] = at;
	act_timer_arm(out, p->index, bc_timer_make(peer + 1, t), at);
}

static void uc_timer_stop(struct port *p, int peer, enum bc_timer t,
			  struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[peer];

	if (!(u->timers_armed & (1u << t)))
		return;
	u->timers_armed &= ~(1u << t);
	act_timer_stop(out, p->index, bc_timer_make(peer + 1, t));
}

static void uc_timers_stop(struct port *p, int peer, struct bc_actions *out)
{
	for (int t = 0; t < BC_TMR_COUNT; t++)
		uc_timer_stop(p, peer, (enum bc_timer)t, out);
}

/* ---- configuration ---- */

void uc_init(struct port *p)
{
	int n = p->cfg.uc_nmasters;

	memset(p->uc, 0, sizeof(p->uc));
	for (int i = 0; i < n && i < BC_MAX_PEERS; i++) {
		p->uc[i].role = UC_MASTER;
		p->uc[i].addr = p->cfg.uc_master[i];
		p->uc[i].pid = uc_wildcard;
		p->uc[i].state = UC_WAIT;
	}
}

bool uc_announce_ok(const struct port *p, const struct bc_addr *src)
{
	if (!p->cfg.uc_nmasters)
		return true;
	return uc_find(p, UC_MASTER, src) >= 0;
}

bool uc_multicast_inhibited(const struct port *p)
{
	return p->cfg.unicast_listen && p->cfg.inhibit_multicast_service;
}

enum bc_dest uc_delay_req_dest(const struct port *p, struct bc_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (!p->cfg.hybrid_e2e && !p->cfg.uc_nmasters)
		return BC_DEST_PRIMARY;
	if (!p->erbest || !p->erbest->addr.len)
		return BC_DEST_PRIMARY;
	*addr = p->erbest->addr;
	return BC_DEST_UNICAST;
}

/* ---- Signaling messages ---- */

struct uc_reply {
	int n;
	struct tlv_uc tlv[UC_MAX_TLVS];
};

static void uc_reply_add(struct uc_reply *r, const struct tlv_uc *t)
{
	if (r->n < UC_MAX_TLVS)
		r->tlv[r->n++] = *t;
}

/* One Signaling message with r's TLVs to addr (target: pid). */
static int uc_send(struct port *p, const struct bc_addr *addr,
		   const struct port_identity *pid, const struct uc_reply *r,
		   int64_t now, struct bc_actions *out)
{
	uint8_t scratch_buf[UC_MAX_TLVS * 8];
	struct wire_writer scratch;
	struct ptp_msg m;
	int err;

	if (!r->n)
		return 0;
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	port_header(p, &m, PTP_MSG_SIGNALING, p->seq_signaling++, 0x7F);
	m.body.signaling.target_port_identity = *pid;
	for (int i = 0; i < r->n; i++) {
		err = tlv_put_uc(&m, &scratch, &r->tlv[i]);
		if (err)
			return err;
	}
	return port_send(p, &m, false, BC_DEST_UNICAST, addr, now, out);
}

static void uc_request(struct uc_reply *r, unsigned type, int8_t period,
		       uint32_t duration)
{
	struct tlv_uc t = {
		.type = TLV_REQUEST_UNICAST_TRANSMISSION,
		.msg_type = (uint8_t)type,
		.log_period = period,
		.duration = duration,
	};

	uc_reply_add(r, &t);
}

static void uc_cancel(struct uc_reply *r, unsigned type)
{
	struct tlv_uc t = {
		.type = TLV_CANCEL_UNICAST_TRANSMISSION,
		.msg_type = (uint8_t)type,
	};

	uc_reply_add(r, &t);
}

/* ---- client ---- */

/* The services a master selected for Sync must grant. */
static unsigned uc_sydy_mask(const struct port *p)
{
	unsigned m = UC_MSG_BIT(PTP_MSG_SYNC);

	if (p->ds.delay_mechanism == DM_E2E)
		m |= UC_MSG_BIT(PTP_MSG_DELAY_RESP);
	return m;
}

static void uc_ask_sydy(const struct port *p, struct uc_reply *r)
{
	uint32_t d = p->cfg.uc_req_duration;

	uc_request(r, PTP_MSG_SYNC, p->cfg.log_sync_interval, d);
	if (p->ds.delay_mechanism == DM_E2E)
		uc_request(r, PTP_MSG_DELAY_RESP,
			   p->cfg.log_min_delay_req_interval, d);
}

/* Tell master i to stop the services in mask it granted. */
static void uc_client_cancel_services(struct port *p, int i, unsigned mask,
				      int64_t now, struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[i];
	static const unsigned types[] = { PTP_MSG_ANNOUNCE, PTP_MSG_SYNC,
					  PTP_MSG_DELAY_RESP };
	struct uc_reply r = { 0 };

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		if (u->granted & mask & UC_MSG_BIT(types[k])) {
			uc_cancel(&r, types[k]);
			u->granted &= ~UC_MSG_BIT(types[k]);
		}
	}
	uc_send(p, &u->addr, &u->pid, &r, now, out);
}

/* SELECTED / UNSELECTED (ptp4l's unicast_client_state_changed). */
static void uc_client_select(struct port *p, int64_t now,
			     struct bc_actions *out)
{
	const struct port_identity *parent = &p->bc->parent.parent_port_identity;
	bool slave = port_is_slave(p);

	for (int i = 0; i < BC_MAX_PEERS; i++) {
		struct uc_peer *u = &p->uc[i];

		if (u->role != UC_MASTER)
			continue;
		if (slave && port_identity_eq(&u->pid, parent)) {
			if (u->state == UC_HAVE_ANN)
				u->state = UC_NEED_SYDY;
			continue;
		}
		if (u->state == UC_HAVE_SYDY) {
			u->state = UC_HAVE_ANN;
			uc_client_cancel_services(p, i, uc_sydy_mask(p), now,
						  out);
		} else if (u->state == UC_NEED_SYDY) {
			u->state = UC_HAVE_ANN;
		}
	}
}

/* The query timer of master i (ptp4l's unicast_client_timer). */
static void uc_client_tick(struct port *p, int i, int64_t now,
			   struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[i];
	struct uc_reply r = { 0 };
	uint32_t d = p->cfg.uc_req_duration;
	int8_t ann = p->cfg.log_announce_interval;

	uc_timer_arm(p, i, BC_TMR_UC_QUERY,
		     now + tmv_log_interval_ns(p->cfg.uc_log_query_interval),
		     out);
	uc_client_select(p, now, out);
	switch (u->state) {
	case UC_WAIT:
		uc_request(&r, PTP_MSG_ANNOUNCE, ann, d);
		break;
	case UC_NEED_SYDY:
		uc_ask_sydy(p, &r);
		break;
	case UC_HAVE_ANN:
	case UC_HAVE_SYDY:
		if (now < u->renew_at)
			return;
		u->renew_at = 0;
		uc_request(&r, PTP_MSG_ANNOUNCE, ann, d);
		if (u->state == UC_HAVE_SYDY)
			uc_ask_sydy(p, &r);
		break;
	}
	uc_send(p, &u->addr, &u->pid, &r, now, out);
}

static void uc_client_renewal(struct uc_peer *u, uint32_t duration,
			      int64_t now)
{
	int64_t at = now + (int64_t)duration * 3 / 4 * NS_PER_SEC;

	if (!u->renew_at || at < u->renew_at)
		u->renew_at = at;
}

static void uc_client_grant(struct port *p, int i, const struct ptp_msg *m,
			    const struct tlv_uc *g, int64_t now)
{
	struct uc_peer *u = &p->uc[i];
	unsigned mask = uc_sydy_mask(p);

	if (!g->duration) {
		p->cnt.uc_denied++;
		clock_log_port(p, CM_LOG_WARNING, "unicast grant of %s "
			       "rejected", ptp_msg_type_name(g->msg_type));
		if (g->msg_type != PTP_MSG_PDELAY_RESP) {
			u->state = UC_WAIT;
			p->bc->sd_due = true;
		}
		return;
	}
	if (g->log_period > 30 || g->log_period < -30)
		return; /* bogus interval, as ptp4l */
	p->cnt.uc_granted++;
	u->granted |= UC_MSG_BIT(g->msg_type);
	if (u->state == UC_WAIT || u->state == UC_HAVE_ANN) {
		if (g->msg_type == PTP_MSG_ANNOUNCE) {
			u->state = UC_HAVE_ANN;
			u->pid = m->hdr.source_port_identity;
			uc_client_renewal(u, g->duration, now);
		}
		return;
	}
	if (g->msg_type != PTP_MSG_ANNOUNCE && g->msg_type != PTP_MSG_SYNC &&
	    g->msg_type != PTP_MSG_DELAY_RESP)
		return;
	uc_client_renewal(u, g->duration, now);
	if (u->state != UC_NEED_SYDY)
		return;
	if (g->msg_type == PTP_MSG_SYNC)
		p->master_log_sync_interval = g->log_period;
	else if (g->msg_type == PTP_MSG_DELAY_RESP)
		p->ds.log_min_delay_req_interval = g->log_period;
	if ((u->granted & mask) == mask)
		u->state = UC_HAVE_SYDY;
}

static void uc_client_cancelled(struct port *p, int i, const struct tlv_uc *c,
				struct uc_reply *r)
{
	struct uc_peer *u = &p->uc[i];
	struct tlv_uc ack = {
		.type = TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION,
		.msg_type = c->msg_type,
		.flags = c->flags,
	};

	if (c->msg_type != PTP_MSG_ANNOUNCE && c->msg_type != PTP_MSG_SYNC &&
	    c->msg_type != PTP_MSG_DELAY_RESP)
		return;
	if (c->flags & TLV_UC_CANCEL_MAINTAIN_GRANT)
		return;
	clock_log_port(p, CM_LOG_WARNING, "server cancelled unicast %s grant",
		       ptp_msg_type_name(c->msg_type));
	u->state = UC_WAIT;
	u->granted &= ~UC_MSG_BIT(c->msg_type);
	p->bc->sd_due = true;
	uc_reply_add(r, &ack);
}

/* ---- server ---- */

static int uc_svc(unsigned msg_type)
{
	return msg_type == PTP_MSG_ANNOUNCE ? UC_SVC_ANNOUNCE
	       : msg_type == PTP_MSG_SYNC   ? UC_SVC_SYNC
					    : -1;
}

static bool uc_serving(const struct uc_peer *u)
{
	return u->serve[UC_SVC_ANNOUNCE] || u->serve[UC_SVC_SYNC];
}

static void uc_server_arm_expiry(struct port *p, int i,
				 struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[i];
	int64_t at = INT64_MAX;

	for (int s = 0; s < UC_SVC_COUNT; s++) {
		if (u->serve[s] && u->expire_at[s] < at)
			at = u->expire_at[s];
	}
	if (at == INT64_MAX)
		uc_timer_stop(p, i, BC_TMR_UC_EXPIRE, out);
	else
		uc_timer_arm(p, i, BC_TMR_UC_EXPIRE, at, out);
}

/*
 * The first Sync to client i: each client's Syncs keep their own phase
 * within the interval, (i + 1) x UC_SYNC_SPREAD_NS after a multiple of it
 * on the monotonic clock, so that the Syncs of clients at the same
 * interval never leave in the same instant.  Many NICs timestamp one
 * packet at a time (and clknetsim keeps one TX timestamp per socket): two
 * event messages sent back to back lose the first one's timestamp.
 * Distinct for every slot at intervals of 2^-4 s and longer.
 */
#define UC_SYNC_SPREAD_NS (2 * NS_PER_MS)

static int64_t uc_sync_first(int i, int8_t log_period, int64_t now)
{
	int64_t iv = tmv_log_interval_ns(log_period);
	int64_t phase = ((int64_t)(i + 1) * UC_SYNC_SPREAD_NS) % iv;
	int64_t d = (phase - now % iv + iv) % iv;

	return now + d;
}

static void uc_server_start(struct port *p, int i, int s, int64_t now,
			    struct bc_actions *out)
{
	enum bc_timer t = s == UC_SVC_ANNOUNCE ? BC_TMR_ANNOUNCE_TX
					       : BC_TMR_SYNC_TX;

	if (p->ds.port_state != PS_MASTER || !p->uc[i].serve[s] ||
	    (p->uc[i].timers_armed & (1u << t)))
		return;
	uc_timer_arm(p, i, t,
		     s == UC_SVC_SYNC
			     ? uc_sync_first(i, p->uc[i].log_period[s], now)
			     : now,
		     out);
}

/* Service s of client i ends (expired or cancelled); the slot with it. */
static void uc_server_end(struct port *p, int i, int s,
			  struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[i];

	u->serve[s] = false;
	uc_timer_stop(p, i, s == UC_SVC_ANNOUNCE ? BC_TMR_ANNOUNCE_TX
						 : BC_TMR_SYNC_TX, out);
	if (!uc_serving(u)) {
		uc_timers_stop(p, i, out);
		memset(u, 0, sizeof(*u));
		return;
	}
	uc_server_arm_expiry(p, i, out);
}

/* A client's slot: its own, else a free one, else -1 (full). */
static int uc_server_slot(struct port *p, const struct bc_addr *src,
			  const struct ptp_msg *m)
{
	int i = uc_find(p, UC_CLIENT, src);

	if (i >= 0)
		return i;
	for (i = 0; i < BC_MAX_PEERS; i++) {
		if (p->uc[i].role == UC_FREE) {
			memset(&p->uc[i], 0, sizeof(p->uc[i]));
			p->uc[i].role = UC_CLIENT;
			p->uc[i].addr = *src;
			p->uc[i].pid = m->hdr.source_port_identity;
			return i;
		}
	}
	return -1;
}

/* A REQUEST: its GRANT (durationField 0: denied) into r. */
static void uc_server_request(struct port *p, const struct bc_addr *src,
			      const struct ptp_msg *m, const struct tlv_uc *q,
			      int64_t now, struct uc_reply *r,
			      struct bc_actions *out)
{
	struct tlv_uc g = {
		.type = TLV_GRANT_UNICAST_TRANSMISSION,
		.msg_type = q->msg_type,
		.log_period = q->log_period,
		.duration = q->duration,
		.flags = TLV_UC_GRANT_RENEWAL_INVITED,
	};
	int s = uc_svc(q->msg_type), i = -1;
	struct uc_peer *u;
	int64_t until;

	if (q->msg_type != PTP_MSG_DELAY_RESP &&
	    q->msg_type != PTP_MSG_PDELAY_RESP) {
		if (s < 0 || q->log_period > 30 || q->log_period < -30)
			g.duration = 0;
		else if ((i = uc_server_slot(p, src, m)) < 0)
			g.duration = 0;
	}
	if (!g.duration) {
		p->cnt.uc_refused++;
		uc_reply_add(r, &g);
		return;
	}
	p->cnt.uc_grants_given++;
	uc_reply_add(r, &g);
	if (i < 0)
		return;
	u = &p->uc[i];
	until = now + (int64_t)q->duration * NS_PER_SEC;

	if (!u->serve[s] || until > u->expire_at[s])
		u->expire_at[s] = until;
	u->serve[s] = true;
	u->log_period[s] = q->log_period;
	u->pid = m->hdr.source_port_identity;
	uc_server_arm_expiry(p, i, out);
	uc_server_start(p, i, s, now, out);
}

static void uc_server_cancel(struct port *p, const struct bc_addr *src,
			     const struct tlv_uc *c, struct uc_reply *r,
			     struct bc_actions *out)
{
	int i = uc_find(p, UC_CLIENT, src), s = uc_svc(c->msg_type);
	struct tlv_uc ack = {
		.type = TLV_ACKNOWLEDGE_CANCEL_UNICAST_TRANSMISSION,
		.msg_type = c->msg_type,
		.flags = c->flags,
	};

	if (c->flags & TLV_UC_CANCEL_MAINTAIN_REQUEST)
		return;
	uc_reply_add(r, &ack);
	if (i >= 0 && s >= 0 && p->uc[i].serve[s])
		uc_server_end(p, i, s, out);
}

/* The per-client Announce / Sync timers and the grant expiry. */
static void uc_server_timer(struct port *p, int i, enum bc_timer t,
			    int64_t now, struct bc_actions *out)
{
	struct uc_peer *u = &p->uc[i];
	int s = t == BC_TMR_ANNOUNCE_TX ? UC_SVC_ANNOUNCE : UC_SVC_SYNC;
	int64_t iv, next;

	if (t == BC_TMR_UC_EXPIRE) {
		for (s = 0; s < UC_SVC_COUNT && u->role == UC_CLIENT; s++) {
			if (u->serve[s] && u->expire_at[s] <= now) {
				p->cnt.uc_expired++;
				uc_server_end(p, i, s, out);
			}
		}
		if (u->role == UC_CLIENT)
			uc_server_arm_expiry(p, i, out);
		return;
	}
	if (!u->serve[s] || p->ds.port_state != PS_MASTER)
		return;
	iv = tmv_log_interval_ns(u->log_period[s]);
	/* from the deadline, not from now (port.c's next_deadline) */
	next = u->timer_at[t] + iv > now ? u->timer_at[t] + iv : now + iv;
	uc_timer_arm(p, i, t, next, out);
	if (s == UC_SVC_ANNOUNCE)
		master_send_announce_to(p, i, now, out);
	else
		master_send_sync(p, i, now, out);
}

/* ---- inputs ---- */

static void uc_rx_tlv(struct port *p, const struct ptp_msg *m,
		      const struct bc_addr *src, const struct tlv_uc *t,
		      int64_t now, struct uc_reply *r, struct bc_actions *out)
{
	int i = uc_find(p, UC_MASTER, src);

	switch (t->type) {
	case TLV_REQUEST_UNICAST_TRANSMISSION:
		if (p->cfg.unicast_listen)
			uc_server_request(p, src, m, t, now, r, out);
		break;
	case TLV_GRANT_UNICAST_TRANSMISSION:
		if (i >= 0)
			uc_client_grant(p, i, m, t, now);
		break;
	case TLV_CANCEL_UNICAST_TRANSMISSION:
		p->cnt.uc_cancels++;
		if (i >= 0)
			uc_client_cancelled(p, i, t, r);
		if (p->cfg.unicast_listen)
			uc_server_cancel(p, src, t, r, out);
		break;
	default: /* ACKNOWLEDGE_CANCEL: nothing to do */
		break;
	}
}

enum bc_drop uc_rx_signaling(struct port *p, const struct ptp_msg *m,
			     tmv_t rx_ts, const struct bc_addr *src,
			     int64_t now, struct bc_actions *out)
{
	const struct port_identity *target =
		&m->body.signaling.target_port_identity;
	struct uc_reply r = { 0 };
	struct tlv_uc t;
	bool any = false;

	(void)rx_ts;
	if (!port_identity_eq(target, &p->ds.port_identity) &&
	    !port_identity_eq(target, &uc_wildcard))
		return BC_DROP_NOT_FOR_US;
	if (!src || !src->len)
		return BC_DROP_UNSUPPORTED;
	for (int k = 0; k < m->n_tlvs; k++) {
		if (tlv_get_uc(&m->tlvs[k], &t) < 0)
			continue;
		any = true;
		uc_rx_tlv(p, m, src, &t, now, &r, out);
	}
	if (!any)
		return BC_DROP_UNSUPPORTED;
	uc_send(p, src, &m->hdr.source_port_identity, &r, now, out);
	return BC_DROP_NONE;
}

void uc_port_state(struct port *p, int64_t now, struct bc_actions *out)
{
	bool active = port_is_active(p);

	for (int i = 0; i < BC_MAX_PEERS; i++) {
		struct uc_peer *u = &p->uc[i];

		if (u->role == UC_MASTER && active &&
		    !(u->timers_armed & (1u << BC_TMR_UC_QUERY)))
			uc_timer_arm(p, i, BC_TMR_UC_QUERY, now, out);
		if (u->role == UC_CLIENT && active) {
			uc_server_start(p, i, UC_SVC_ANNOUNCE, now, out);
			uc_server_start(p, i, UC_SVC_SYNC, now, out);
		}
		if (active)
			continue;
		uc_timers_stop(p, i, out);
		if (u->role == UC_CLIENT) {
			memset(u, 0, sizeof(*u));
		} else if (u->role == UC_MASTER) {
			u->state = UC_WAIT;
			u->granted = 0;
			u->renew_at = 0;
		}
	}
	if (active)
		uc_client_select(p, now, out);
}

int port_peer_timer(struct port *p, int peer, enum bc_timer t, int64_t now,
		    struct bc_actions *out)
{
	struct uc_peer *u;

	if (peer < 0 || peer >= BC_MAX_PEERS || (unsigned)t >= BC_TMR_COUNT)
		return -EINVAL;
	u = &p->uc[peer];
	/* only armed timers run: a stray expiry is ignored */
	if (!(u->timers_armed & (1u << t)))
		return 0;
	u->timers_armed &= ~(1u << t);
	if (u->role == UC_MASTER && t == BC_TMR_UC_QUERY)
		uc_client_tick(p, peer, now, out);
	else if (u->role == UC_CLIENT)
		uc_server_timer(p, peer, t, now, out);
	return 0;
}

/*
 * UNICAST_MASTER_TABLE_NP as ptp4l 4.4 answers it: actual_table_size
 * (u16), then per master of the table its portIdentity (all ones before
 * it granted Announce), the clockQuality, priority1 and priority2 of its
 * Announce (zero when none is held), selected (it is the parent), its
 * state (0 WAIT, 1 HAVE_ANN, 2 NEED_SYDY, 3 HAVE_SYDY: ptp4l's enum
 * unicast_state), and its PortAddress.  A port without a table answers
 * an empty one.
 */
void mgmt_get_uc_master_table_np(const struct bc *bc, int port,
				 struct wire_writer *w)
{
	struct port *p = &bc->ports[port];
	const struct port_identity *parent = &bc->parent.parent_port_identity;
	uint16_t n = 0;

	for (int i = 0; i < BC_MAX_PEERS; i++)
		n += p->uc[i].role == UC_MASTER;
	wire_put_u16(w, n);
	for (int i = 0; i < BC_MAX_PEERS; i++) {
		const struct uc_peer *u = &p->uc[i];
		const struct bc_port_address *a = &p->cfg.uc_master_paddr[i];
		struct fm_record *r;

		if (u->role != UC_MASTER)
			continue;
		r = fm_find(&p->fm, &u->pid);
		wire_put_port_identity(w, &u->pid);
		if (r) {
			wire_put_clock_quality(w, &r->ann.gm_clock_quality);
		} else {
			wire_put_u8(w, 0);
			wire_put_u8(w, 0);
			wire_put_u16(w, 0);
		}
		wire_put_u8(w, port_identity_eq(&u->pid, parent));
		wire_put_u8(w, (uint8_t)u->state);
		wire_put_u8(w, r ? r->ann.gm_priority1 : 0);
		wire_put_u8(w, r ? r->ann.gm_priority2 : 0);
		wire_put_u16(w, a->protocol);
		wire_put_u16(w, a->len);
		for (int k = 0; k < a->len && k < (int)sizeof(a->octets); k++)
			wire_put_u8(w, a->octets[k]);
	}
}
