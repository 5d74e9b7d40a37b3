/*
 * sim/sim_node.c — one simulated node: hvptpd above the platform.
 *
 * A node owns a core (bc_create), the clock set of its clocks
 * (sim_clocks.c: a discipline per clock) and the daemon's executor
 * (exec_init, exec_set_time with its kernel_leap and leapfile) with this
 * file's platform: send -> the node's segment (a copy per receiver,
 * scheduled at its arrival), timer_arm/stop -> the event heap (lazy
 * cancel by generation), and a TX timestamp for each event message, taken
 * on the port's stamping clock and handed back later through exec_tx_ts
 * with the token (or never, with tx_ts_missing).  RX timestamps are taken
 * when a copy arrives.  Like the daemon's loop, the node runs the state
 * decision after every event it handles.  A guest node has no core and no
 * executor: sim_guest.c runs its follower on the executor's follow timer;
 * a vmclock reader has nothing to run (sim_vmclock.c reads its host's
 * page at the samples), and a host's vmclock publisher starts and stops
 * with its daemon.
 *
 * "now" for the core is the node's monotonic clock: true time plus
 * SIM_MONO_BASE_NS (an ideal monotonic clock).  A port's timestamps come
 * from the clock that stamps it (its PHC with hardware timestamping, the
 * system clock with software timestamping) through the timestamping model
 * of its kind.  The clocks form the daemon's clock set (sim_clocks.c).
 *
 * A node that goes down is destroyed (core, disciplines; a leap it armed
 * in the kernel disarmed, as hvptpd does on exit); its clocks keep
 * running with the frequency last set, as a PHC does while its daemon is
 * away.  Coming back up builds a fresh core and clock set (a restart); a
 * new epoch makes its stale timers and TX timestamps harmless.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "sim/sim.h"

int64_t sim_node_mono(const struct sim_node *n)
{
	return n->sim->now + SIM_MONO_BASE_NS;
}

struct disc *sim_node_clock_disc(const struct sim_node *n, int k)
{
	/* a guest's set: its kvm clock, then its system clock */
	int i = n->guest ? k + 1 : k;

	return n->cs.started && i < n->cs.n ? n->cs.c[i].disc : NULL;
}

struct disc *sim_node_disc(const struct sim_node *n)
{
	if (n->guest)
		return sim_node_clock_disc(n, n->sys);
	return n->cs.started ? cs_ref_disc(&n->cs) : NULL;
}

static struct sim_node *enter(struct sim_node *n)
{
	struct sim_node *prev = n->sim->cur;

	n->sim->cur = n;
	return prev;
}

static void leave(struct sim_node *n, struct sim_node *prev)
{
	n->sim->cur = prev;
}

/* The bc_addr of a node's port: its indices (the core never looks). */
void sim_addr(struct bc_addr *a, int node, int port)
{
	memset(a, 0, sizeof(*a));
	a->len = 4;
	a->data[0] = (uint8_t)node;
	a->data[1] = (uint8_t)(node >> 8);
	a->data[2] = (uint8_t)port;
	a->data[3] = (uint8_t)(port >> 8);
}

static bool addr_parse(const struct bc_addr *a, int *node, int *port)
{
	if (!a || a->len != 4)
		return false;
	*node = a->data[0] | a->data[1] << 8;
	*port = a->data[2] | a->data[3] << 8;
	return true;
}

/* A timestamp of true time t on the clock stamping port p. */
static int64_t node_stamp(struct sim_node *n, int p, int64_t t, bool tx)
{
	const struct sim_ts_model *m =
		n->set.port_hardware[p] == n->hardware ? &n->ts : &n->ts_other;
	double frac, x;
	int64_t r = sim_clock_read(&n->clocks[n->port_clk[p]], t, &frac), q;

	x = frac;
	if (m->noise_ns > 0.0)
		x += m->noise_ns * sim_rand_gauss(&n->ts_rng);
	if (m->outlier_prob > 0.0 &&
	    sim_rand_chance(&n->ts_rng, m->outlier_prob)) {
		double o = sim_rand_exp(&n->ts_rng, m->outlier_ns);

		x += tx ? -o : o; /* stamped early on TX, late on RX */
	}
	r += (int64_t)floor(x);
	if (m->res_ns > 1) {
		q = r % m->res_ns;
		r -= q < 0 ? q + m->res_ns : q;
	}
	return r;
}

/* ---- the platform ---- */

struct deliver_ctx {
	struct sim *s;
	const struct sim_seg *seg;
	uint32_t msg;
};

static void deliver_cb(void *ctx, int to_ep, int64_t arrival)
{
	struct deliver_ctx *d = ctx;
	const struct sim_endpoint *ep = &d->seg->ep[to_ep];
	struct sim_ev ev = {
		.t = arrival,
		.kind = SIM_EV_DELIVER,
		.node = (uint16_t)ep->node,
		.port = (uint16_t)ep->port,
		.data = d->msg,
	};

	d->s->msgs[d->msg].refs++;
	sim_push(d->s, &ev);
}

static void tx_stamp(struct sim_node *n, int port, uint32_t token)
{
	struct sim *s = n->sim;
	struct sim_ev ev = {
		.kind = SIM_EV_TXTS,
		.node = (uint16_t)n->index,
		.port = (uint16_t)port,
		.gen = n->epoch,
		.data = token,
	};
	double late;

	const struct sim_ts_model *m = n->set.port_hardware[port] == n->hardware
					       ? &n->ts
					       : &n->ts_other;

	if (sim_rand_chance(&n->ts_rng, m->tx_missing)) {
		n->tx_ts_missing++;
		return;
	}
	ev.val = node_stamp(n, port, s->now, true);
	late = sim_rand_exp(&n->ts_rng, m->tx_jitter_ns);
	ev.t = s->now + m->tx_delay_ns + (int64_t)llround(late);
	sim_push(s, &ev);
}

/* ---- the NIC's one-step modes (time_stamping onestep, p2p1step) ----
 *
 * As a NIC with HWTSTAMP_TX_ONESTEP_SYNC / _P2P: a Sync sent without
 * twoStepFlag gets its egress time in originTimestamp; with p2p1step, a
 * Pdelay_Resp sent without it gets the turnaround (its egress time less
 * the Pdelay_Req's ingress time, which the port keeps) added to its
 * correctionField.  Neither gives a TX timestamp back.  Only on ports
 * stamped by a PHC (TAI: no UTC offset to apply), which the settings
 * ensure. */

static uint64_t get_be(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static void put_be(uint8_t *b, int n, uint64_t v)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static bool one_step_port(const struct sim_node *n, int port, bool p2p)
{
	const struct bc_port_cfg *c = &n->set.ports[port];

	return p2p ? c->p2p_one_step : c->one_step || c->p2p_one_step;
}

/* A Pdelay_Req received at t2 on a p2p1step port: remembered. */
static void p2p1_note(struct sim_node *n, int port, const uint8_t *buf,
		      size_t len, int64_t t2)
{
	struct sim_p2p1 *r;

	if (len < 44 || (buf[0] & 0x0F) != PTP_MSG_PDELAY_REQ ||
	    !one_step_port(n, port, true))
		return;
	r = &n->p2p1[port][n->p2p1_next[port]++ % 4];
	r->used = true;
	r->seq = (uint16_t)get_be(buf + 30, 2);
	memcpy(r->src, buf + 20, 10);
	r->t2 = t2;
}

/* Complete a one-step message at egress; true when it was one (no TX
 * timestamp then). */
static bool one_step_patch(struct sim_node *n, int port, uint8_t *buf,
			   size_t len)
{
	uint8_t type = buf[0] & 0x0F;
	int64_t t = 0;

	if (len < 44 || (buf[6] & 0x02) ||
	    (type != PTP_MSG_SYNC && type != PTP_MSG_PDELAY_RESP) ||
	    !one_step_port(n, port, type == PTP_MSG_PDELAY_RESP))
		return false;
	t = node_stamp(n, port, n->sim->now, true);
	if (type == PTP_MSG_SYNC) {
		put_be(buf + 34, 6, (uint64_t)(t / NS_PER_SEC));
		put_be(buf + 40, 4, (uint64_t)(t % NS_PER_SEC));
		return true;
	}
	for (int i = 0; i < 4; i++) {
		const struct sim_p2p1 *r = &n->p2p1[port][i];

		if (r->used && r->seq == get_be(buf + 30, 2) &&
		    len >= 54 && !memcmp(r->src, buf + 44, 10)) {
			int64_t c = (int64_t)get_be(buf + 8, 8);

			put_be(buf + 8, 8, (uint64_t)(c + (t - r->t2) * 65536));
			break;
		}
	}
	return true;
}

/* Which endpoint a unicast goes to: -1 for all, -2 for none. */
static int unicast_ep(const struct sim *s, const struct sim_port *p,
		      enum bc_dest dest, const struct bc_addr *addr)
{
	int node, port;
	const struct sim_port *to;

	if (dest != BC_DEST_UNICAST)
		return -1;
	if (!addr_parse(addr, &node, &port) || node >= s->nnodes ||
	    port >= s->nodes[node].nports)
		return -2;
	to = &s->nodes[node].ports[port];
	return to->seg == p->seg ? to->ep : -2;
}

static int plat_send(void *ctx, int port, bool event, enum bc_dest dest,
		     const struct bc_addr *addr, const uint8_t *buf, size_t len,
		     uint32_t token)
{
	struct sim_node *n = ctx;
	struct sim *s = n->sim;
	struct deliver_ctx d = { .s = s };
	uint8_t one[sizeof(s->msgs[0].buf)];
	const struct sim_port *p;
	struct sim_msg *m;
	int to;

	if (port < 0 || port >= n->nports || len > sizeof(m->buf))
		return -EINVAL;
	p = &n->ports[port];
	if (p->seg >= 0 && !s->segs[p->seg].up)
		return -ENETDOWN;
	memcpy(one, buf, len);
	if (event && !one_step_patch(n, port, one, len))
		tx_stamp(n, port, token);
	if (p->seg < 0)
		return 0; /* a port on no link: sent into the void */
	to = unicast_ep(s, p, dest, addr);
	if (to == -2)
		return 0;
	d.seg = &s->segs[p->seg];
	d.msg = sim_msg_alloc(s);
	if (d.msg == SIM_NO_MSG)
		return -ENOMEM; /* and the run ends (s->err) */
	m = &s->msgs[d.msg];
	m->len = (uint16_t)len;
	m->event = event;
	m->src_node = (uint16_t)n->index;
	m->src_port = (uint16_t)port;
	memcpy(m->buf, one, len);
	m->refs = 1; /* held while the copies are scheduled */
	sim_seg_transmit(&s->segs[p->seg], p->ep, to, event, s->now, deliver_cb,
			 &d);
	sim_msg_put(s, d.msg);
	return 0;
}

/* The executor's own timers travel with this port number. */
#define SIM_EXEC_PORT 0xFFFF

/* The generation counter of a port's timer or the executor's (port -1,
 * or SIM_EXEC_PORT in an event); NULL when out of range. */
static uint32_t *timer_gen(struct sim_node *n, int port, int t)
{
	if (port == -1 || port == SIM_EXEC_PORT)
		return t >= 0 && t < EXEC_TMR_COUNT ? &n->xgen[t] : NULL;
	if (port < 0 || port >= n->nports || t < 0 || t >= BC_TMR_PER_PORT)
		return NULL;
	return &n->tgen[port][t];
}

static void plat_timer_arm(void *ctx, int port, int t, int64_t at_ns)
{
	struct sim_node *n = ctx;
	uint32_t *gen = timer_gen(n, port, t);
	struct sim_ev ev = {
		.kind = SIM_EV_TIMER,
		.node = (uint16_t)n->index,
		.port = (uint16_t)(port < 0 ? SIM_EXEC_PORT : port),
		.aux = (uint16_t)t,
	};

	if (!gen)
		return;
	ev.gen = ++*gen;
	ev.t = at_ns - SIM_MONO_BASE_NS;
	if (ev.t < n->sim->now)
		ev.t = n->sim->now;
	sim_push(n->sim, &ev);
}

void sim_node_arm(struct sim_node *n, int timer, int64_t at_ns)
{
	plat_timer_arm(n, -1, timer, at_ns);
}

static void plat_timer_stop(void *ctx, int port, int t)
{
	uint32_t *gen = timer_gen(ctx, port, t);

	if (gen)
		++*gen;
}

/* What the daemon's loop does after each turn. */
static void node_after(struct sim_node *n)
{
	struct sim *s = n->sim;
	int64_t period;
	struct sim_ev ev = {
		.kind = SIM_EV_SUMMARY,
		.node = (uint16_t)n->index,
	};

	if (!n->up)
		return;
	exec_state_decision(&n->ex, sim_node_mono(n));
	/* summary lines only matter when someone reads the log */
	if (!s->verbose || n->summary_armed)
		return;
	period = exec_summary_period_ns(&n->ex);
	if (period <= 0)
		return;
	ev.t = s->now + period;
	ev.gen = n->epoch;
	n->summary_armed = true;
	sim_push(s, &ev);
}

/* ---- lifecycle ---- */

static void new_epoch(struct sim_node *n)
{
	n->epoch++;
	for (int p = 0; p < SIM_MAX_PORTS; p++) {
		for (int t = 0; t < BC_TMR_PER_PORT; t++)
			n->tgen[p][t]++;
	}
	for (int t = 0; t < EXEC_TMR_COUNT; t++)
		n->xgen[t]++;
	n->summary_armed = false;
}

static int node_create(struct sim_node *n)
{
	struct exec_platform plat = {
		.ctx = n,
		.send = plat_send,
		.timer_arm = plat_timer_arm,
		.timer_stop = plat_timer_stop,
	};
	int err;

	n->set.clock.rng_seed = sim_seed_mix(n->sim->seed, 5,
					     (uint64_t)n->index << 32 |
						     n->epoch);
	err = sim_node_clockset(n);
	if (err < 0)
		return err;
	err = bc_create(&n->bc, &n->set.clock, n->set.ports, n->set.nports);
	if (err < 0) {
		cs_stop(&n->cs);
		return err;
	}
	sim_node_auth(n);
	exec_init(&n->ex, n->bc, &n->cs, &plat, n->set.summary_interval);
	exec_set_time(&n->ex, n->set.kernel_leap,
		      n->set.have_leaps ? &n->set.leaps : NULL);
	return 0;
}

int sim_node_start(struct sim_node *n)
{
	struct sim *s = n->sim;
	struct sim_node *prev;
	int err;

	if (n->up)
		return 0;
	new_epoch(n);
	prev = enter(n);
	err = n->guest	    ? sim_guest_start(n)
	      : n->vmreader ? 0 /* it only reads, at the samples */
			    : node_create(n);
	if (err < 0) {
		fprintf(stderr, "hvptp-sim: cannot start node %s: %s\n",
			n->name, strerror(-err));
		leave(n, prev);
		return err;
	}
	n->up = true;
	if (n->epoch > 1)
		n->restarts++;
	if (n->guest || n->vmreader) {
		leave(n, prev);
		return 0;
	}
	exec_start(&n->ex, sim_node_mono(n));
	sim_vmclock_start(n);
	for (int i = 0; i < n->nports; i++) {
		int seg = n->ports[i].seg;

		if (seg >= 0 && !s->segs[seg].up)
			exec_link(&n->ex, i, false, sim_node_mono(n));
	}
	node_after(n);
	leave(n, prev);
	return 0;
}

void sim_node_stop(struct sim_node *n)
{
	if (n->bc || n->cs.started)
		new_epoch(n);
	if (n->up)
		sim_vmclock_stop(n);
	if (n->bc)
		exec_close(&n->ex);
	cs_stop(&n->cs);
	bc_destroy(n->bc);
	n->bc = NULL;
	n->up = false;
}

/* ---- events ---- */

void sim_node_timer(struct sim_node *n, const struct sim_ev *ev)
{
	struct sim_node *prev;
	uint32_t *gen = timer_gen(n, ev->port, ev->aux);

	if (!n->up || !gen || ev->gen != *gen)
		return;
	prev = enter(n);
	if (n->guest) {
		sim_guest_timer(n);
		leave(n, prev);
		return;
	}
	exec_timer(&n->ex, ev->port == SIM_EXEC_PORT ? -1 : ev->port, ev->aux,
		   sim_node_mono(n));
	node_after(n);
	leave(n, prev);
}

void sim_node_deliver(struct sim_node *n, const struct sim_ev *ev)
{
	struct sim *s = n->sim;
	const struct sim_msg *m = &s->msgs[ev->data];
	const struct sim_port *p = &n->ports[ev->port];
	uint8_t buf[sizeof(m->buf)];
	struct bc_addr src;
	struct sim_node *prev;
	size_t len = m->len;
	tmv_t rx_ts = tmv_from_ns(0);

	if (!n->up || p->seg < 0 || !s->segs[p->seg].up) {
		sim_msg_put(s, ev->data);
		return;
	}
	/* copied: sending from inside exec_rx may move the message pool */
	memcpy(buf, m->buf, len);
	sim_addr(&src, m->src_node, m->src_port);
	if (m->event) {
		rx_ts = tmv_from_ns(node_stamp(n, ev->port, s->now, false));
		p2p1_note(n, ev->port, buf, len, rx_ts.ns);
	}
	sim_msg_put(s, ev->data);
	prev = enter(n);
	exec_rx(&n->ex, ev->port, buf, len, rx_ts, &src, sim_node_mono(n));
	node_after(n);
	leave(n, prev);
}

void sim_node_txts(struct sim_node *n, const struct sim_ev *ev)
{
	struct sim_node *prev;

	if (!n->up || ev->gen != n->epoch)
		return;
	prev = enter(n);
	if (exec_tx_ts(&n->ex, ev->port, ev->data, tmv_from_ns(ev->val),
		       sim_node_mono(n)) == -ENOENT)
		n->tx_ts_unclaimed++;
	node_after(n);
	leave(n, prev);
}

void sim_node_summary(struct sim_node *n, const struct sim_ev *ev)
{
	struct sim_node *prev;

	if (!n->up || ev->gen != n->epoch)
		return;
	n->summary_armed = false;
	prev = enter(n);
	exec_summary(&n->ex);
	node_after(n);
	leave(n, prev);
}

void sim_node_link(struct sim_node *n, int port, bool up)
{
	struct sim_node *prev;

	if (!n->up)
		return;
	prev = enter(n);
	exec_link(&n->ex, port, up, sim_node_mono(n));
	node_after(n);
	leave(n, prev);
}

void sim_log_sink(int level, const char *line, void *ctx)
{
	const struct sim *s = ctx;

	(void)level;
	printf("%12.6f %-10s %s\n", (double)s->now / 1e9,
	       s->cur ? s->cur->name : "sim", line);
}
