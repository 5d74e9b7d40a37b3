/*
 * tests/unit/bc_net.h — a tiny wire and event loop for whole-clock tests.
 *
 * Connects the ports of up to NET_CLOCKS struct bc instances: a port's SEND
 * actions reach every other port on the same segment after a fixed delay,
 * stamped with the receiver's clock (true time + the clock's fixed offset);
 * SEND_EVENT is answered with the sender's TX timestamp at once (or late,
 * or never, per clock); armed timers are kept in a table and fired in time
 * order.  After every event each clock's due state decision runs, then an
 * optional invariant check.  Not a simulator: time is exact, nothing
 * drifts, so tests can assert offsets and delays to the nanosecond.
 * Everything is static inline so that each test binary takes what it uses.
 */
#ifndef HVPTP_TESTS_BC_NET_H
#define HVPTP_TESTS_BC_NET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc/bc.h"
#include "bc/msg.h"
#include "bc/tlv.h"
#include "common/log.h"

#define SEC NS_PER_SEC
#define MS NS_PER_MS
#define T0 (1000 * SEC) /* true time at the start: clocks stay positive */
#define NET_CLOCKS 4
#define NET_PORTS 4
#define NET_QUEUE 512
#define NET_SAMPLES 2048
#define NET_LOG 4096
#define NET_DELAY 10000 /* one-way wire delay, ns */

enum net_qkind { NQ_MSG, NQ_TXTS };

struct net_item {
	bool used;
	enum net_qkind kind;
	uint64_t seq; /* FIFO among equal times */
	int64_t at;
	int c, p; /* receiving (MSG) or sending (TXTS) clock and port */
	int sc, sp; /* sender */
	tmv_t ts; /* rx_ts or tx_ts */
	uint32_t token;
	uint16_t len;
	uint8_t type;
	uint8_t buf[PTP_MAX_MSG_LEN];
};

struct net_sample {
	int64_t at;
	int port;
	struct bc_sample s;
};

struct net_state_rec {
	int64_t at;
	int port;
	enum port_state from, to;
	enum bc_event ev;
};

struct net_arm {
	int64_t now, at;
	int port;
	int t; /* bc_timer_make(slot, kind) */
	int8_t log_delay_req; /* portDS.logMinDelayReqInterval then */
};

struct net_node {
	struct bc *bc;
	int nports;
	int seg[NET_PORTS]; /* -1: not connected */
	int64_t off; /* local clock minus true time */
	int64_t ppb; /* frequency error: the clock gains ppb ns per second */
	bool silent; /* what it sends is lost */
	bool no_tx_ts; /* TX timestamps never come */
	int64_t tx_ts_delay; /* TX timestamps come this late */
	int64_t hold[PTP_MSG_TYPE_COUNT]; /* extra delay of messages to it */
	int64_t rx_extra; /* more wire delay towards it (asymmetry) */
	int64_t rx_ts_err; /* its RX timestamps are this late */
	int64_t tx_ts_err; /* its TX timestamps are this early */
	bool onestep_nic; /* writes the egress time into a Sync sent
			     without twoStepFlag (time_stamping onestep) */
	int64_t timer[NET_PORTS][BC_TMR_PER_PORT]; /* -1: not armed */
	int nsamples; /* Sync samples (samples[]) */
	int ndelay_samples; /* Delay_Req-direction samples */
	struct net_sample last_delay_sample;
	struct net_sample samples[NET_SAMPLES];
	int nstates;
	struct net_state_rec states[NET_LOG];
	int narms;
	struct net_arm arms[NET_LOG];
	int nparents;
	uint64_t tx_count[NET_PORTS][PTP_MSG_TYPE_COUNT];
	uint16_t last_tx_len[NET_PORTS][PTP_MSG_TYPE_COUNT];
	uint8_t last_tx[NET_PORTS][PTP_MSG_TYPE_COUNT][PTP_MAX_MSG_LEN];
	int64_t last_rx_at[NET_PORTS][PTP_MSG_TYPE_COUNT];
};

/* Step a clock's time by step_ns right after it receives (tx false) or
 * sends (tx true) a message of this type. */
struct net_step_hook {
	int c; /* -1: off */
	bool tx;
	uint8_t type;
	int64_t step_ns;
	int64_t done_at; /* when it fired, 0 before */
};

struct net {
	struct net_node n[NET_CLOCKS];
	int nclocks;
	int64_t now;
	int64_t delay;
	uint64_t seq;
	int nitems;
	struct net_item q[NET_QUEUE];
	struct net_step_hook step;
	void (*check)(struct net *n); /* invariant after each event */
	uint64_t events;
	/* addresses: each message comes with its sender's (net_addr) and a
	 * unicast one reaches the addressed port only; off: no address,
	 * every message reaches the whole segment */
	bool addrs;
};

/* The address of clock c's port p (with net.addrs). */
static inline struct bc_addr net_addr(int c, int p)
{
	struct bc_addr a;

	memset(&a, 0, sizeof(a));
	a.len = 3;
	a.data[0] = 'N';
	a.data[1] = (uint8_t)c;
	a.data[2] = (uint8_t)p;
	return a;
}

/* ---- configuration helpers ---- */

static inline struct clock_identity net_cid(uint8_t id)
{
	struct clock_identity c = { { 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10,
				      id } };

	return c;
}

static inline struct port_identity net_pid(uint8_t id, uint16_t port)
{
	struct port_identity p;

	p.clock_identity = net_cid(id);
	p.port_number = port;
	return p;
}

static inline void net_clock_cfg(struct bc_clock_cfg *c, uint8_t id,
				 uint8_t prio1)
{
	bc_clock_cfg_default(c);
	c->clock_identity = net_cid(id);
	c->priority1 = prio1;
	c->rng_seed = 1000 + id;
}

static inline void net_port_cfgs(struct bc_port_cfg *p, int n)
{
	char name[16];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "eth%d", i);
		bc_port_cfg_default(&p[i], name);
	}
}

static inline void net_log_sink(int level, const char *line, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "log<%d> %s\n", level, line);
}

/* HVPTP_TEST_LOG=7 in the environment shows the core's log. */
static inline void net_init(struct net *n)
{
	const char *lv = getenv("HVPTP_TEST_LOG");

	memset(n, 0, sizeof(*n));
	n->now = T0;
	n->delay = NET_DELAY;
	n->step.c = -1;
	if (lv) {
		cm_log_set_sink(net_log_sink, NULL);
		cm_log_set_level(atoi(lv));
	}
}

static inline void net_free(struct net *n)
{
	for (int c = 0; c < n->nclocks; c++)
		bc_destroy(n->n[c].bc);
	n->nclocks = 0;
}

/* Adds a clock; returns its index. */
static inline int net_add(struct net *n, const struct bc_clock_cfg *cc,
			  const struct bc_port_cfg *pc, int nports,
			  const int *segs, int64_t off)
{
	int c = n->nclocks++;
	struct net_node *nd = &n->n[c];

	assert_true(c < NET_CLOCKS && nports <= NET_PORTS);
	assert_int_equal(bc_create(&nd->bc, cc, pc, nports), 0);
	nd->nports = nports;
	nd->off = off;
	for (int p = 0; p < NET_PORTS; p++) {
		nd->seg[p] = p < nports ? segs[p] : -1;
		for (int t = 0; t < BC_TMR_PER_PORT; t++)
			nd->timer[p][t] = -1;
	}
	return c;
}

/* A one-port clock with default settings on segment seg. */
static inline int net_add_simple(struct net *n, uint8_t id, uint8_t prio1,
				 int seg, int64_t off)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;

	net_clock_cfg(&cc, id, prio1);
	net_port_cfgs(&pc, 1);
	return net_add(n, &cc, &pc, 1, &seg, off);
}

/* ---- the queue ---- */

static inline struct net_item *net_push(struct net *n, enum net_qkind kind,
					int64_t at)
{
	for (int i = 0; i < NET_QUEUE; i++) {
		struct net_item *it = &n->q[i];

		if (it->used)
			continue;
		it->used = true;
		it->kind = kind;
		it->seq = n->seq++;
		it->at = at;
		n->nitems++;
		return it;
	}
	fail_msg("net: queue full");
	return NULL;
}

static inline struct net_item *net_first(struct net *n)
{
	struct net_item *best = NULL;

	for (int i = 0; i < NET_QUEUE; i++) {
		struct net_item *it = &n->q[i];

		if (!it->used)
			continue;
		if (!best || it->at < best->at ||
		    (it->at == best->at && it->seq < best->seq))
			best = it;
	}
	return best;
}

/* ---- actions ---- */

static inline void net_actions(struct net *n, int c, struct bc_actions *a);

/* Node c's clock reading at true time t. */
static inline int64_t net_local(const struct net *n, int c, int64_t t)
{
	const struct net_node *nd = &n->n[c];

	return t + nd->off + (int64_t)((__int128)t * nd->ppb / 1000000000);
}

static inline void net_maybe_step(struct net *n, int c, bool tx,
				  uint8_t type)
{
	struct net_step_hook *h = &n->step;
	struct bc_actions a;

	if (h->c != c || h->tx != tx || h->type != type)
		return;
	bc_actions_init(&a);
	assert_int_equal(bc_clock_stepped(n->n[c].bc, 0, h->step_ns, &a), 0);
	n->n[c].off += h->step_ns;
	h->done_at = n->now;
	h->c = -1;
	net_actions(n, c, &a);
}

static inline void net_deliver_to(struct net *n, int c, int p,
				  const struct bc_actions *a,
				  const struct bc_action *x)
{
	struct net_node *nd = &n->n[c];
	uint8_t type = x->u.send.msg_type & 0x0F;

	for (int c2 = 0; c2 < n->nclocks; c2++) {
		for (int p2 = 0; p2 < n->n[c2].nports; p2++) {
			struct net_item *it;

			struct bc_addr to = net_addr(c2, p2);

			if (n->n[c2].seg[p2] != nd->seg[p] ||
			    (c2 == c && p2 == p))
				continue;
			if (n->addrs && x->u.send.dest == BC_DEST_UNICAST &&
			    memcmp(&to, &x->u.send.addr, sizeof(to)) != 0)
				continue;
			int64_t arrive = n->now + n->delay + n->n[c2].rx_extra;

			it = net_push(n, NQ_MSG, arrive + n->n[c2].hold[type]);
			it->c = c2;
			it->p = p2;
			it->sc = c;
			it->sp = p;
			it->ts = tmv_from_ns(net_local(n, c2, arrive) +
					     n->n[c2].rx_ts_err);
			it->type = type;
			it->len = x->u.send.len;
			memcpy(it->buf, bc_action_buf(a, x), x->u.send.len);
		}
	}
}

static inline void net_send(struct net *n, int c, const struct bc_actions *a,
			    const struct bc_action *x)
{
	struct net_node *nd = &n->n[c];
	int p = x->port;
	uint8_t type = x->u.send.msg_type & 0x0F;
	struct net_item *it;

	assert_true(p >= 0 && p < nd->nports);
	assert_true(x->u.send.len <= PTP_MAX_MSG_LEN);
	nd->tx_count[p][type]++;
	nd->last_tx_len[p][type] = x->u.send.len;
	memcpy(nd->last_tx[p][type], bc_action_buf(a, x), x->u.send.len);
	if (nd->onestep_nic && type == PTP_MSG_SYNC &&
	    !(bc_action_buf(a, x)[6] & 0x02)) {
		/* the NIC's one-step insertion: originTimestamp, in place */
		uint8_t *b = (uint8_t *)bc_action_buf(a, x);
		int64_t t = net_local(n, c, n->now) - nd->tx_ts_err;

		for (int i = 0; i < 6; i++)
			b[34 + i] = (uint8_t)((t / SEC) >> (40 - 8 * i));
		for (int i = 0; i < 4; i++)
			b[40 + i] = (uint8_t)((t % SEC) >> (24 - 8 * i));
	}
	if (x->type == BC_ACT_SEND_EVENT && !nd->no_tx_ts) {
		it = net_push(n, NQ_TXTS, n->now + nd->tx_ts_delay);
		it->c = c;
		it->p = p;
		it->token = x->u.send.token;
		it->ts = tmv_from_ns(net_local(n, c, n->now) - nd->tx_ts_err);
	}
	if (!nd->silent && nd->seg[p] >= 0)
		net_deliver_to(n, c, p, a, x);
	net_maybe_step(n, c, true, type);
}

static inline void net_timer_action(struct net *n, int c,
				    const struct bc_action *x)
{
	struct net_node *nd = &n->n[c];
	struct net_arm *arm;

	assert_true(x->port >= 0 && x->port < nd->nports);
	if (x->type == BC_ACT_TIMER_STOP) {
		nd->timer[x->port][x->u.timer.timer] = -1;
		return;
	}
	nd->timer[x->port][x->u.timer.timer] = x->u.timer.at_ns;
	if (nd->narms >= NET_LOG)
		return;
	arm = &nd->arms[nd->narms++];
	arm->now = n->now;
	arm->at = x->u.timer.at_ns;
	arm->port = x->port;
	arm->t = x->u.timer.timer;
	arm->log_delay_req =
		bc_port_ds(nd->bc, x->port)->log_min_delay_req_interval;
}

static inline void net_record_state(struct net *n, int c,
				    const struct bc_action *x)
{
	struct net_node *nd = &n->n[c];
	struct net_state_rec *r;

	assert_int_not_equal(x->u.state.from, x->u.state.to);
	if (nd->nstates >= NET_LOG)
		return;
	r = &nd->states[nd->nstates++];
	r->at = n->now;
	r->port = x->port;
	r->from = x->u.state.from;
	r->to = x->u.state.to;
	r->ev = x->u.state.event;
}

static inline void net_record_sample(struct net *n, int c,
				     const struct bc_action *x)
{
	struct net_node *nd = &n->n[c];
	struct net_sample *s;

	if (x->u.sample.kind == BC_SAMPLE_DELAY) {
		s = &nd->last_delay_sample;
		nd->ndelay_samples++;
	} else if (nd->nsamples < NET_SAMPLES) {
		s = &nd->samples[nd->nsamples++];
	} else {
		return;
	}
	s->at = n->now;
	s->port = x->port;
	s->s = x->u.sample;
}

static inline void net_action(struct net *n, int c, const struct bc_actions *a,
			      const struct bc_action *x)
{
	switch (x->type) {
	case BC_ACT_SEND_EVENT:
	case BC_ACT_SEND_GENERAL:
		net_send(n, c, a, x);
		break;
	case BC_ACT_TIMER_ARM:
	case BC_ACT_TIMER_STOP:
		net_timer_action(n, c, x);
		break;
	case BC_ACT_SAMPLE:
		net_record_sample(n, c, x);
		break;
	case BC_ACT_STATE_CHANGED:
		net_record_state(n, c, x);
		break;
	case BC_ACT_PARENT_CHANGED:
		n->n[c].nparents++;
		break;
	}
}

static inline void net_actions(struct net *n, int c, struct bc_actions *a)
{
	assert_false(a->overflow);
	for (int i = 0; i < a->n; i++)
		net_action(n, c, a, &a->a[i]);
}

/* ---- the loop ---- */

static inline void net_decide(struct net *n)
{
	struct bc_actions a;

	for (int c = 0; c < n->nclocks; c++) {
		if (!bc_state_decision_due(n->n[c].bc))
			continue;
		bc_actions_init(&a);
		assert_int_equal(bc_state_decision(n->n[c].bc, n->now, &a), 0);
		net_actions(n, c, &a);
	}
	if (n->check)
		n->check(n);
}

static inline void net_start(struct net *n)
{
	struct bc_actions a;

	for (int c = 0; c < n->nclocks; c++) {
		bc_actions_init(&a);
		assert_int_equal(bc_start(n->n[c].bc, n->now, &a), 0);
		net_actions(n, c, &a);
	}
	net_decide(n);
}

/* The earliest armed timer, or false. */
static inline bool net_first_timer(struct net *n, int *c, int *p, int *t)
{
	int64_t best = -1;

	for (int i = 0; i < n->nclocks; i++) {
		for (int j = 0; j < n->n[i].nports; j++) {
			for (int k = 0; k < BC_TMR_PER_PORT; k++) {
				int64_t at = n->n[i].timer[j][k];

				if (at < 0 || (best >= 0 && at >= best))
					continue;
				best = at;
				*c = i;
				*p = j;
				*t = k;
			}
		}
	}
	return best >= 0;
}

static inline void net_run_item(struct net *n, struct net_item *qi,
				struct bc_actions *a)
{
	struct net_item it = *qi; /* the slot may be reused at once */
	struct net_node *nd = &n->n[it.c];
	struct bc_addr src;

	qi->used = false;
	n->nitems--;
	if (it.kind == NQ_TXTS) {
		bc_port_tx_ts(nd->bc, it.p, it.token, it.ts, n->now, a);
		net_actions(n, it.c, a);
		return;
	}
	nd->last_rx_at[it.p][it.type] = n->now;
	src = net_addr(it.sc, it.sp);
	bc_port_rx(nd->bc, it.p, it.buf, it.len, it.ts, n->addrs ? &src : NULL,
		   n->now, a);
	net_actions(n, it.c, a);
	net_maybe_step(n, it.c, false, it.type);
}

/* One event no later than until; false when there is none. */
static inline bool net_step(struct net *n, int64_t until)
{
	struct net_item *it = net_first(n);
	int c = 0, p = 0, t = 0;
	bool tmr = net_first_timer(n, &c, &p, &t);
	struct bc_actions a;

	bc_actions_init(&a);
	if (it && (!tmr || it->at <= n->n[c].timer[p][t])) {
		if (it->at > until)
			return false;
		n->now = it->at > n->now ? it->at : n->now;
		net_run_item(n, it, &a);
	} else if (tmr) {
		if (n->n[c].timer[p][t] > until)
			return false;
		if (n->n[c].timer[p][t] > n->now)
			n->now = n->n[c].timer[p][t];
		n->n[c].timer[p][t] = -1;
		assert_int_equal(bc_port_timer(n->n[c].bc, p, t, n->now, &a),
				 0);
		net_actions(n, c, &a);
	} else {
		return false;
	}
	n->events++;
	net_decide(n);
	return true;
}

static inline void net_run(struct net *n, int64_t dur)
{
	int64_t end = n->now + dur;

	while (net_step(n, end))
		;
	n->now = end;
}

/* Run until clock c's port p has sent one more message of this type (at
 * most max_ns); true when it did. */
static inline bool net_run_until_tx(struct net *n, int c, int p,
				    uint8_t type, int64_t max_ns)
{
	uint64_t before = n->n[c].tx_count[p][type];
	int64_t end = n->now + max_ns;

	while (n->n[c].tx_count[p][type] == before) {
		if (!net_step(n, end))
			return false;
	}
	return true;
}

/* ---- driving a clock directly ---- */

static inline void net_servo(struct net *n, int c, enum bc_servo_state st)
{
	struct bc_actions a;

	bc_actions_init(&a);
	assert_int_equal(bc_servo_state(n->n[c].bc, st, n->now, &a), 0);
	net_actions(n, c, &a);
	net_decide(n);
}

static inline int net_inject(struct net *n, int c, int p, const uint8_t *buf,
			     size_t len)
{
	struct bc_actions a;
	int err;

	bc_actions_init(&a);
	err = bc_port_rx(n->n[c].bc, p, buf, len,
			 tmv_from_ns(net_local(n, c, n->now)), NULL, n->now, &a);
	net_actions(n, c, &a);
	net_decide(n);
	return err;
}

/* ---- reading ---- */

static inline enum port_state net_state(const struct net *n, int c, int p)
{
	return bc_port_ds(n->n[c].bc, p)->port_state;
}

static inline uint64_t net_drops(const struct net *n, int c, int p,
				 enum bc_drop why)
{
	return bc_port_counters(n->n[c].bc, p)->drop[why];
}

static inline bool net_is_slave_state(enum port_state s)
{
	return s == PS_SLAVE || s == PS_UNCALIBRATED;
}

static inline int net_slave_ports(const struct net *n, int c)
{
	int k = 0;

	for (int p = 0; p < n->n[c].nports; p++)
		k += net_is_slave_state(net_state(n, c, p));
	return k;
}

static inline void net_last_msg(const struct net *n, int c, int p,
				uint8_t type, struct ptp_msg *m)
{
	const struct net_node *nd = &n->n[c];

	assert_true(nd->last_tx_len[p][type] > 0);
	assert_int_equal(msg_unpack(nd->last_tx[p][type],
				    nd->last_tx_len[p][type], m, NULL),
			 0);
}

/* ---- assertions ---- */

static inline void net_assert_cid(const struct clock_identity *got,
				  uint8_t id)
{
	struct clock_identity want = net_cid(id);

	assert_memory_equal(got, &want, 8);
}

static inline void net_assert_pid(const struct port_identity *got,
				  uint8_t id, uint16_t port)
{
	net_assert_cid(&got->clock_identity, id);
	assert_int_equal(got->port_number, port);
}

/* Every sample of clock c from index `from` on is exact: the offset
 * given, the wire's delay as path delay. */
static inline void net_assert_samples(const struct net *n, int c, int from,
				      int64_t offset)
{
	const struct net_node *nd = &n->n[c];

	assert_true(nd->nsamples > from);
	for (int i = from; i < nd->nsamples; i++) {
		const struct bc_sample *s = &nd->samples[i].s;

		assert_int_equal(s->offset_ns, offset);
		assert_int_equal(s->path_delay_ns, NET_DELAY);
		assert_int_equal(s->raw_delay_ns, NET_DELAY);
	}
}

/* Run in 100 ms steps until the condition holds (at most max_ns); the
 * value is the time it held. */
#define NET_RUN_UNTIL(n, cond, max_ns)                                  \
	({                                                              \
		int64_t end_ = (n)->now + (max_ns);                     \
		while (!(cond) && (n)->now < end_)                      \
			net_run((n), 100 * MS);                         \
		assert_true(cond);                                      \
		(n)->now;                                               \
	})

/* ---- building messages to inject ---- */

/* An Announce from src for grandmaster gm, with an optional PATH_TRACE. */
static inline int net_build_announce(uint8_t *buf, size_t cap,
				     struct port_identity src, uint8_t gm,
				     uint8_t prio1, uint16_t steps,
				     uint16_t seq,
				     const struct clock_identity *path,
				     unsigned npath)
{
	struct ptp_msg m;
	uint8_t scratch[512];
	struct wire_writer w;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_ANNOUNCE, 1);
	m.hdr.source_port_identity = src;
	m.hdr.sequence_id = seq;
	m.hdr.log_msg_interval = 1;
	m.body.announce.gm_identity = net_cid(gm);
	m.body.announce.gm_priority1 = prio1;
	m.body.announce.gm_priority2 = 128;
	m.body.announce.gm_clock_quality.clock_class = 248;
	m.body.announce.gm_clock_quality.clock_accuracy = 0xFE;
	m.body.announce.gm_clock_quality.offset_scaled_log_variance = 0xFFFF;
	m.body.announce.steps_removed = steps;
	m.body.announce.time_source = TS_INTERNAL_OSCILLATOR;
	if (npath) {
		wire_writer_init(&w, scratch, sizeof(scratch));
		assert_int_equal(tlv_put_path_trace(&m, &w, path, npath), 0);
	}
	return msg_pack(&m, buf, cap);
}

/* A better master (clock 0x01, priority1 1) heard on each of ports
 * 0..n-1 of bc, its port p+1 on port p, twice one second apart so that
 * every record qualifies; act is left empty.  Returns the new now. */
static inline int64_t net_announce_every_port(struct bc *bc, int n,
					      int64_t now,
					      struct bc_actions *act)
{
	uint8_t buf[256];

	for (int k = 0; k < 2; k++) {
		now += SEC;
		for (int p = 0; p < n; p++) {
			int len = net_build_announce(
				buf, sizeof(buf),
				net_pid(0x01, (uint16_t)(p + 1)), 0x01, 1, 0,
				(uint16_t)k, NULL, 0);

			bc_actions_init(act);
			assert_int_equal(bc_port_rx(bc, p, buf, (size_t)len,
						    tmv_from_ns(now), NULL,
						    now, act),
					 0);
		}
	}
	bc_actions_init(act);
	return now;
}

#endif
