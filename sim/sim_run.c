/*
 * sim/sim_run.c — the event loop.
 *
 * Events come off the heap in true-time order (ties in push order) and go
 * to their node: timer expiries, message arrivals, TX timestamps, summary
 * lines; or to the simulator: scenario actions (node or link down/up, a
 * link parameter, a clock's step or frequency jump) and the ground-truth
 * samples on a fixed grid of true time (sim_truth.c).  The run ends at
 * the scenario's duration, or at the first failure that would make it
 * wrong (out of memory for an event or a message, a node that cannot
 * start: s->err).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sim/sim.h"

/* A run that lost an event, or a message, cannot go on: the error stays
 * in s->err and sim_run ends with it. */
static int sim_fail(struct sim *s, int err)
{
	if (!s->err)
		s->err = err;
	return err;
}

int sim_push(struct sim *s, const struct sim_ev *ev)
{
	int err = sim_heap_push(&s->heap, ev);

	return err ? sim_fail(s, err) : 0;
}

uint32_t sim_msg_alloc(struct sim *s)
{
	uint32_t idx;

	if (s->free_msg == SIM_NO_MSG) {
		uint32_t cap = s->nmsgs ? s->nmsgs * 2 : 64;
		struct sim_msg *v = cap > s->nmsgs && cap < SIM_NO_MSG
					    ? realloc(s->msgs, cap * sizeof(*v))
					    : NULL;

		if (!v) {
			sim_fail(s, -ENOMEM);
			return SIM_NO_MSG;
		}
		s->msgs = v;
		for (uint32_t i = s->nmsgs; i < cap; i++) {
			v[i].refs = 0;
			v[i].next_free = i + 1 < cap ? i + 1 : SIM_NO_MSG;
		}
		s->free_msg = s->nmsgs;
		s->nmsgs = cap;
	}
	idx = s->free_msg;
	s->free_msg = s->msgs[idx].next_free;
	s->msgs[idx].refs = 0;
	return idx;
}

void sim_msg_put(struct sim *s, uint32_t idx)
{
	struct sim_msg *m = &s->msgs[idx];

	if (m->refs > 0 && --m->refs > 0)
		return;
	m->next_free = s->free_msg;
	s->free_msg = idx;
}

/* ---- scenario actions ---- */

static void act_link(struct sim *s, struct sim_seg *seg, bool up)
{
	if (seg->up == up)
		return;
	seg->up = up;
	for (int i = 0; i < seg->n_ep; i++)
		sim_node_link(&s->nodes[seg->ep[i].node], seg->ep[i].port, up);
}

/* The clock an event names, or the one the node's row measures. */
static struct sim_clock *act_clock(struct sim *s, const struct sim_action *a)
{
	struct sim_node *n = &s->nodes[a->target];

	return &n->clocks[a->clk >= 0 ? a->clk : n->main_clk];
}

static void act_run(struct sim *s, const struct sim_action *a)
{
	char why[300];
	int err;

	if (s->verbose)
		cm_log(CM_LOG_NOTICE, "sim: event: %s", a->text);
	switch (a->kind) {
	case SIM_ACT_NODE_DOWN:
		sim_node_stop(&s->nodes[a->target]);
		break;
	case SIM_ACT_NODE_UP:
		err = sim_node_start(&s->nodes[a->target]);
		if (err < 0)
			sim_fail(s, err);
		break;
	case SIM_ACT_LINK_DOWN:
	case SIM_ACT_LINK_UP:
		act_link(s, &s->segs[a->target], a->kind == SIM_ACT_LINK_UP);
		break;
	case SIM_ACT_LINK_SET:
		sim_link_key(&s->segs[a->target].m, a->key, a->value, why,
			     sizeof(why));
		break;
	case SIM_ACT_NODE_STEP:
		sim_clock_jump(act_clock(s, a), s->now, a->ival);
		break;
	case SIM_ACT_NODE_FREQ:
		sim_clock_freq_step(act_clock(s, a), s->now, a->dval);
		break;
	}
	s->topo_dirty = true;
}

/* ---- the loop ---- */

static void ev_sample(struct sim *s)
{
	struct sim_ev ev = { .kind = SIM_EV_SAMPLE };

	if (s->topo_dirty)
		sim_truth_topology(s);
	sim_truth_sample(s);
	sim_alarm_tick(s);
	ev.t = s->now + s->sample_ns;
	if (ev.t <= s->duration_ns && s->npts < s->cap_pts)
		sim_push(s, &ev);
}

static void dispatch(struct sim *s, const struct sim_ev *ev)
{
	struct sim_node *n = ev->node < s->nnodes ? &s->nodes[ev->node] : NULL;
	int err;

	switch (ev->kind) {
	case SIM_EV_START:
		err = sim_node_start(n);
		if (err < 0)
			sim_fail(s, err);
		s->topo_dirty = true;
		break;
	case SIM_EV_TIMER:
		sim_node_timer(n, ev);
		break;
	case SIM_EV_DELIVER:
		sim_node_deliver(n, ev);
		break;
	case SIM_EV_TXTS:
		sim_node_txts(n, ev);
		break;
	case SIM_EV_SUMMARY:
		sim_node_summary(n, ev);
		break;
	case SIM_EV_ACTION:
		act_run(s, &s->acts[ev->data]);
		break;
	case SIM_EV_SAMPLE:
		ev_sample(s);
		break;
	case SIM_EV_VMCLOCK:
		sim_vmclock_tick(n, ev);
		break;
	}
}

/* Every node's row and its clocks' rows. */
static long long meters(const struct sim *s)
{
	long long n = 0;

	for (int i = 0; i < s->nnodes; i++)
		n += 1 + s->nodes[i].ncm;
	return n;
}

static int alloc_pts(struct sim_meter *m, int cap)
{
	m->pts = calloc((size_t)cap, sizeof(*m->pts));
	return m->pts ? 0 : -ENOMEM;
}

static int prepare(struct sim *s)
{
	struct sim_ev ev;

	if ((s->duration_ns / s->sample_ns + 1) * meters(s) > SIM_MAX_SAMPLES)
		return -E2BIG;
	s->cap_pts = (int)(s->duration_ns / s->sample_ns) + 1;
	for (int i = 0; i < s->nnodes; i++) {
		struct sim_node *n = &s->nodes[i];

		if (alloc_pts(&n->m, s->cap_pts))
			return -ENOMEM;
		for (int k = 0; k < n->ncm; k++) {
			if (alloc_pts(&n->cm[k], s->cap_pts))
				return -ENOMEM;
		}
	}
	s->free_msg = SIM_NO_MSG;
	s->topo_dirty = true;
	for (int i = 0; i < s->nnodes; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = SIM_EV_START;
		ev.node = (uint16_t)i;
		ev.t = s->nodes[i].start_ns;
		sim_push(s, &ev);
	}
	for (int i = 0; i < s->nacts; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = SIM_EV_ACTION;
		ev.data = (uint32_t)i;
		ev.t = s->acts[i].at;
		sim_push(s, &ev);
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = SIM_EV_SAMPLE;
	ev.t = 0;
	sim_push(s, &ev);
	return s->err;
}

int sim_run(struct sim *s)
{
	struct sim_ev ev;
	int err = prepare(s);

	if (err)
		return err;
	while (!s->err && sim_heap_next(&s->heap) <= s->duration_ns &&
	       sim_heap_pop(&s->heap, &ev)) {
		s->now = ev.t;
		s->ev_count++;
		dispatch(s, &ev);
	}
	if (s->err)
		return s->err;
	s->now = s->duration_ns;
	return 0;
}
