/* bc/actions.c — appending actions to a struct bc_actions; names. */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

static struct bc_action *act_new(struct bc_actions *out,
				 enum bc_action_type type, int port)
{
	struct bc_action *a;

	if (out->n >= BC_MAX_ACTIONS) {
		out->overflow = true;
		return NULL;
	}
	a = &out->a[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->port = port;
	return a;
}

int act_send(struct bc_actions *out, int port, bool event, enum bc_dest dest,
	     const struct bc_addr *addr, const uint8_t *buf, size_t len,
	     uint32_t token, uint8_t msg_type)
{
	struct bc_action *a;

	if (out->arena_used + len > sizeof(out->arena)) {
		out->overflow = true;
		return -ENOBUFS;
	}
	a = act_new(out, event ? BC_ACT_SEND_EVENT : BC_ACT_SEND_GENERAL,
		    port);
	if (!a)
		return -ENOBUFS;
	memcpy(out->arena + out->arena_used, buf, len);
	a->u.send.dest = dest;
	if (addr)
		a->u.send.addr = *addr;
	a->u.send.off = (uint16_t)out->arena_used;
	a->u.send.len = (uint16_t)len;
	a->u.send.token = token;
	a->u.send.msg_type = msg_type;
	out->arena_used += len;
	return 0;
}

bool act_room_for_port(const struct bc_actions *out)
{
	return out->n + 2 * BC_TMR_COUNT + 8 <= BC_MAX_ACTIONS &&
	       out->arena_used + 1024 <= sizeof(out->arena);
}

void act_timer_arm(struct bc_actions *out, int port, int t, int64_t at_ns)
{
	struct bc_action *a = act_new(out, BC_ACT_TIMER_ARM, port);

	if (a) {
		a->u.timer.timer = t;
		a->u.timer.at_ns = at_ns;
	}
}

void act_timer_stop(struct bc_actions *out, int port, int t)
{
	struct bc_action *a = act_new(out, BC_ACT_TIMER_STOP, port);

	if (a)
		a->u.timer.timer = t;
}

void act_sample(struct bc_actions *out, int port, const struct bc_sample *s)
{
	struct bc_action *a = act_new(out, BC_ACT_SAMPLE, port);

	if (a)
		a->u.sample = *s;
}

void act_state(struct bc_actions *out, int port, enum port_state from,
	       enum port_state to, enum bc_event ev)
{
	struct bc_action *a = act_new(out, BC_ACT_STATE_CHANGED, port);

	if (a) {
		a->u.state.from = from;
		a->u.state.to = to;
		a->u.state.event = ev;
	}
}

void act_parent(struct bc_actions *out, const struct parent_ds *p, bool own)
{
	struct bc_action *a = act_new(out, BC_ACT_PARENT_CHANGED, -1);

	if (a) {
		a->u.parent.parent = p->parent_port_identity;
		a->u.parent.gm = p->grandmaster_identity;
		a->u.parent.own = own;
	}
}

const char *bc_timer_name(enum bc_timer t)
{
	static const char *const names[BC_TMR_COUNT] = {
		[BC_TMR_ANNOUNCE_RX] = "announce_receipt",
		[BC_TMR_SYNC_RX] = "sync_receipt",
		[BC_TMR_ANNOUNCE_TX] = "announce_tx",
		[BC_TMR_SYNC_TX] = "sync_tx",
		[BC_TMR_DELAY_REQ_TX] = "delay_req_tx",
		[BC_TMR_PDELAY_REQ_TX] = "pdelay_req_tx",
		[BC_TMR_QUALIFICATION] = "qualification",
		[BC_TMR_FAULT_RESET] = "fault_reset",
		[BC_TMR_TX_TS] = "tx_timestamp",
		[BC_TMR_UC_QUERY] = "unicast_query",
		[BC_TMR_UC_EXPIRE] = "unicast_expire",
	};

	return (unsigned)t < BC_TMR_COUNT ? names[t] : "?";
}

const char *bc_event_name(enum bc_event ev)
{
	static const char *const names[BC_EV_COUNT] = {
		[BC_EV_NONE] = "NONE",
		[BC_EV_POWERUP] = "POWERUP",
		[BC_EV_INITIALIZE] = "INITIALIZE",
		[BC_EV_INIT_COMPLETE] = "INIT_COMPLETE",
		[BC_EV_FAULT_DETECTED] = "FAULT_DETECTED",
		[BC_EV_FAULT_CLEARED] = "FAULT_CLEARED",
		[BC_EV_DESIGNATED_ENABLED] = "DESIGNATED_ENABLED",
		[BC_EV_DESIGNATED_DISABLED] = "DESIGNATED_DISABLED",
		[BC_EV_MASTER_CLOCK_SELECTED] = "MASTER_CLOCK_SELECTED",
		[BC_EV_SYNCHRONIZATION_FAULT] = "SYNCHRONIZATION_FAULT",
		[BC_EV_QUALIFICATION_TIMEOUT_EXPIRES] =
			"QUALIFICATION_TIMEOUT_EXPIRES",
		[BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES] =
			"ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES",
		[BC_EV_SYNC_RECEIPT_TIMEOUT_EXPIRES] =
			"SYNC_RECEIPT_TIMEOUT_EXPIRES",
		[BC_EV_RS_MASTER] = "RS_MASTER",
		[BC_EV_RS_GRAND_MASTER] = "RS_GRAND_MASTER",
		[BC_EV_RS_SLAVE] = "RS_SLAVE",
		[BC_EV_RS_PASSIVE] = "RS_PASSIVE",
	};

	return (unsigned)ev < BC_EV_COUNT ? names[ev] : "?";
}
