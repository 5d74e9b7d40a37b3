/*
 * bc/port_fsm.c — the port state machine (IEEE 1588-2019 9.2.5, Figure 30)
 * and what each state runs: which timers are armed on entry.
 *
 * The transition table maps (state, event) to the next state; events that
 * apply in every state (INITIALIZE, FAULT_DETECTED, DESIGNATED_DISABLED)
 * are handled before it.  A slave-only clock uses the slave-only machine
 * (9.2.5.2): every recommendation to be master or passive means LISTENING.
 * A port with BMCA noop uses a designated machine (fsm_designated).
 */
#include <string.h>

#include "bc/internal.h"

#define S(x) PS_##x
#define E(x) BC_EV_##x

/* 0 = no transition. */
static const uint8_t fsm_table[PS_SLAVE + 1][BC_EV_COUNT] = {
	[S(INITIALIZING)] = {
		[E(INIT_COMPLETE)] = S(LISTENING),
	},
	[S(FAULTY)] = {
		[E(FAULT_CLEARED)] = S(INITIALIZING),
	},
	[S(DISABLED)] = {
		[E(DESIGNATED_ENABLED)] = S(INITIALIZING),
	},
	[S(LISTENING)] = {
		[E(ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(RS_MASTER)] = S(PRE_MASTER),
		[E(RS_GRAND_MASTER)] = S(MASTER),
		[E(RS_PASSIVE)] = S(PASSIVE),
		[E(RS_SLAVE)] = S(UNCALIBRATED),
	},
	[S(PRE_MASTER)] = {
		[E(QUALIFICATION_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(RS_GRAND_MASTER)] = S(MASTER),
		[E(RS_PASSIVE)] = S(PASSIVE),
		[E(RS_SLAVE)] = S(UNCALIBRATED),
	},
	[S(MASTER)] = {
		[E(RS_PASSIVE)] = S(PASSIVE),
		[E(RS_SLAVE)] = S(UNCALIBRATED),
	},
	[S(PASSIVE)] = {
		[E(ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(RS_MASTER)] = S(PRE_MASTER),
		[E(RS_GRAND_MASTER)] = S(MASTER),
		[E(RS_SLAVE)] = S(UNCALIBRATED),
	},
	[S(UNCALIBRATED)] = {
		[E(ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(SYNC_RECEIPT_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(MASTER_CLOCK_SELECTED)] = S(SLAVE),
		[E(RS_MASTER)] = S(PRE_MASTER),
		[E(RS_GRAND_MASTER)] = S(MASTER),
		[E(RS_PASSIVE)] = S(PASSIVE),
	},
	[S(SLAVE)] = {
		[E(ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(SYNC_RECEIPT_TIMEOUT_EXPIRES)] = S(MASTER),
		[E(SYNCHRONIZATION_FAULT)] = S(UNCALIBRATED),
		[E(RS_MASTER)] = S(PRE_MASTER),
		[E(RS_GRAND_MASTER)] = S(MASTER),
		[E(RS_PASSIVE)] = S(PASSIVE),
	},
};

static bool fsm_master_event(enum bc_event ev)
{
	return ev == E(RS_MASTER) || ev == E(RS_GRAND_MASTER) ||
	       ev == E(RS_PASSIVE) ||
	       ev == E(ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES) ||
	       ev == E(SYNC_RECEIPT_TIMEOUT_EXPIRES) ||
	       ev == E(QUALIFICATION_TIMEOUT_EXPIRES);
}

enum port_state port_fsm_next(enum port_state cur, enum bc_event ev,
			      bool slave_only)
{
	uint8_t next;

	if (ev == E(POWERUP) || ev == E(INITIALIZE))
		return S(INITIALIZING);
	if (ev == E(DESIGNATED_DISABLED))
		return S(DISABLED);
	if (ev == E(FAULT_DETECTED))
		return cur == S(DISABLED) ? cur : S(FAULTY);
	if (cur < S(INITIALIZING) || cur > S(SLAVE) ||
	    (unsigned)ev >= BC_EV_COUNT)
		return cur;
	if (slave_only && fsm_master_event(ev)) {
		bool active = cur != S(INITIALIZING) && cur != S(FAULTY) &&
			      cur != S(DISABLED);

		return active ? S(LISTENING) : cur;
	}
	next = fsm_table[cur][ev];
	return next ? (enum port_state)next : cur;
}

/*
 * BMCA noop (ptp4l's designated master and slave machines): the role is
 * configured, not elected.  A serverOnly port goes from INITIALIZING
 * straight to MASTER, any other (the clock is clientOnly) to
 * UNCALIBRATED, then SLAVE once the servo locks; recommendations and
 * receipt timeouts change nothing.  Faults, disabling and enabling work
 * as in the full machine.
 */
static enum port_state fsm_designated(enum port_state cur, enum bc_event ev,
				      bool master)
{
	switch (ev) {
	case E(INIT_COMPLETE):
		if (cur != S(INITIALIZING))
			return cur;
		return master ? S(MASTER) : S(UNCALIBRATED);
	case E(MASTER_CLOCK_SELECTED):
		return !master && cur == S(UNCALIBRATED) ? S(SLAVE) : cur;
	case E(SYNCHRONIZATION_FAULT):
		return !master && cur == S(SLAVE) ? S(UNCALIBRATED) : cur;
	case E(POWERUP):
	case E(INITIALIZE):
	case E(DESIGNATED_DISABLED):
	case E(DESIGNATED_ENABLED):
	case E(FAULT_DETECTED):
	case E(FAULT_CLEARED):
		return port_fsm_next(cur, ev, false);
	default:
		return cur;
	}
}

/* ---- timers per state ---- */

void port_timer_arm(struct port *p, enum bc_timer t, int64_t at_ns,
		    struct bc_actions *out)
{
	p->timers_armed |= 1u << t;
	p->timer_at[t] = at_ns;
	act_timer_arm(out, p->index, t, at_ns);
}

void port_timer_stop(struct port *p, enum bc_timer t, struct bc_actions *out)
{
	if (!(p->timers_armed & (1u << t)))
		return;
	p->timers_armed &= ~(1u << t);
	act_timer_stop(out, p->index, t);
}

/* States that share timers form a group: moving inside a group (e.g.
 * UNCALIBRATED -> SLAVE) keeps the running exchanges going. */
enum state_group { G_NONE, G_FAULTY, G_LISTEN, G_PRE_MASTER, G_MASTER,
		   G_SLAVE };

static enum state_group state_group(enum port_state s)
{
	switch (s) {
	case PS_FAULTY:
		return G_FAULTY;
	case PS_LISTENING:
	case PS_PASSIVE:
		return G_LISTEN;
	case PS_PRE_MASTER:
		return G_PRE_MASTER;
	case PS_MASTER:
		return G_MASTER;
	case PS_UNCALIBRATED:
	case PS_SLAVE:
		return G_SLAVE;
	default:
		return G_NONE;
	}
}

static int64_t announce_timeout_ns(struct port *p)
{
	int64_t iv = tmv_log_interval_ns(p->ds.log_announce_interval);
	int64_t spread = (int64_t)(cm_rng_uniform(&p->bc->rng) * (double)iv);

	return (int64_t)p->ds.announce_receipt_timeout * iv + spread;
}

void port_arm_announce_rx(struct port *p, int64_t now, struct bc_actions *out)
{
	port_timer_arm(p, BC_TMR_ANNOUNCE_RX, now + announce_timeout_ns(p),
		       out);
}

static void arm_group(struct port *p, enum state_group g, int64_t now,
		      struct bc_actions *out)
{
	int64_t iv;

	switch (g) {
	case G_FAULTY:
		iv = p->cfg.fault_reset_interval == -128
			     ? 0
			     : tmv_log_interval_ns(p->cfg.fault_reset_interval);
		port_timer_arm(p, BC_TMR_FAULT_RESET, now + iv, out);
		break;
	case G_LISTEN:
		port_arm_announce_rx(p, now, out);
		break;
	case G_PRE_MASTER:
		iv = tmv_log_interval_ns(p->ds.log_announce_interval);
		port_timer_arm(p, BC_TMR_QUALIFICATION,
			       now + (p->bc->cur.steps_removed + 1) * iv, out);
		break;
	case G_MASTER:
		port_timer_arm(p, BC_TMR_ANNOUNCE_TX, now, out);
		port_timer_arm(p, BC_TMR_SYNC_TX, now, out);
		break;
	case G_SLAVE:
		port_arm_announce_rx(p, now, out);
		break;
	case G_NONE:
		break;
	}
}

void port_enter_state(struct port *p, enum port_state st, int64_t now,
		      struct bc_actions *out)
{
	enum state_group from = state_group(p->ds.port_state);
	enum state_group to = state_group(st);

	p->ds.port_state = st;
	if (from == to) {
		uc_port_state(p, now, out);
		return;
	}
	/* the peer delay runs on, in every active state */
	for (int t = 0; t < BC_TMR_COUNT; t++) {
		if (t != BC_TMR_PDELAY_REQ_TX || !port_is_active(p))
			port_timer_stop(p, (enum bc_timer)t, out);
	}
	/* the TX timestamps still awaited belong to the old state's
	 * exchanges (and are lost with a link that went down): with the
	 * TX_TS timer stopped, a stale deadline would fault the port later */
	port_pend_forget(p, out);
	if (from == G_SLAVE || to == G_SLAVE)
		slave_reset(p);
	if (to == G_FAULTY || st == PS_INITIALIZING || st == PS_DISABLED) {
		fm_clear(&p->fm);
		p->erbest = NULL;
	}
	arm_group(p, to, now, out);
	port_delay_ops(p)->enter_state(p, now, out);
	uc_port_state(p, now, out);
}

void port_change_state(struct port *p, enum port_state to, enum bc_event ev,
		       int64_t now, struct bc_actions *out)
{
	enum port_state from = p->ds.port_state;

	clock_log_port(p, CM_LOG_NOTICE, "%s to %s on %s",
		       port_state_name(from), port_state_name(to),
		       bc_event_name(ev));
	port_enter_state(p, to, now, out);
	p->st.state_since_ns = now;
	act_state(out, p->index, from, to, ev);
}

void port_dispatch(struct port *p, enum bc_event ev, int64_t now,
		   struct bc_actions *out)
{
	enum port_state from = p->ds.port_state;
	enum port_state to =
		p->cfg.bmca_noop
			? fsm_designated(from, ev, p->cfg.master_only)
			: port_fsm_next(from, ev, p->bc->dds.slave_only);

	if (to == from)
		return;
	port_change_state(p, to, ev, now, out);
	if (to == PS_INITIALIZING && p->link_up)
		port_dispatch(p, BC_EV_INIT_COMPLETE, now, out);
}
