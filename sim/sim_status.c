/*
 * sim/sim_status.c — hvptpctl's status and tracking screens of a node at
 * the end of a run (hvptp-sim --status NODE).
 *
 * The node's core is asked the GETs hvptpctl status asks, through
 * bc_mgmt() as the management socket would (the same requests,
 * mgmt_client_build()), and the answers go through the same pure builders
 * and printers (mgmt_status_build(), mgmt_tracking_build()): what a person
 * would see on a host running hvptpd with this node's configuration, its
 * clocks really disciplined by the node's servos on virtual time.  The
 * node's monotonic clock is "now" for the ages.  Without message rates
 * (one snapshot), and without UTC times for the lock changes (no wall
 * clock: their ages only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/client.h"
#include "mgmt/ctl.h"
#include "sim/sim.h"

enum { SQ_DDS, SQ_CUR, SQ_PARENT, SQ_SERVO, SQ_CLOCKS, SQ_HOST, SQ_HWCLOCK,
       SQ_TP, SQ_PATH, SQ_PSTATUS, SQ_PROPS, SQ_DROPS, SQ_LOCKS, SQ_ALARMS,
       SQ_N };

static const uint16_t sq_ids[SQ_N] = {
	BC_MID_DEFAULT_DATA_SET, BC_MID_CURRENT_DATA_SET,
	BC_MID_PARENT_DATA_SET, BC_MID_HVPTP_SERVO_STATUS_NP,
	BC_MID_HVPTP_CLOCKS_NP, BC_MID_HVPTP_HOST_NP,
	BC_MID_PORT_HWCLOCK_NP, BC_MID_TIME_PROPERTIES_DATA_SET,
	BC_MID_PATH_TRACE_LIST, BC_MID_HVPTP_PORT_STATUS_NP,
	BC_MID_PORT_PROPERTIES_NP, BC_MID_HVPTP_PORT_DROPS_NP,
	BC_MID_HVPTP_LOCK_HISTORY_NP,
	BC_MID_HVPTP_ALARMS_NP,
};

/* GET id of every port of n's core into r (the answers point into acts'
 * arena, which must live as long as r is used). */
static int sim_ask(struct sim_node *n, uint16_t id, struct bc_actions *acts,
		   struct mgmt_replies *r)
{
	struct mgmt_client cl;
	uint8_t req[128];
	int len, err;

	memset(&cl, 0, sizeof(cl));
	len = mgmt_client_build(&cl, PTP_MGMT_GET, id, BC_MGMT_ALL_PORTS, NULL,
				0, 1, req, sizeof(req));
	if (len < 0)
		return len;
	bc_actions_init(acts);
	err = bc_mgmt(n->bc, req, (size_t)len, true, sim_node_mono(n), acts);
	if (err < 0)
		return err;
	r->n = 0;
	for (int i = 0; i < acts->n && r->n < BC_MAX_PORTS + 1; i++) {
		const struct bc_action *a = &acts->a[i];

		if (a->type != BC_ACT_SEND_GENERAL || a->port != -1)
			continue;
		if (bc_mgmt_parse(bc_action_buf(acts, a), a->u.send.len,
				  &r->rep[r->n].r, NULL) == 0)
			r->n++;
	}
	return 0;
}

static int print_screens(FILE *out, const struct mgmt_status_in *in,
			 const char *name, double at_s)
{
	struct mgmt_tree *t = mgmt_tree_new(), *tk = mgmt_tree_new();
	int err = -ENOMEM;

	if (t && tk) {
		err = mgmt_status_build(t, in);
		if (!err)
			err = mgmt_tracking_build(tk, t);
	}
	if (!err) {
		fprintf(out, "\n== hvptpctl status of %s at %.0f s\n", name,
			at_s);
		mgmt_status_print_text(out, t);
		fprintf(out, "\n== hvptpctl tracking of %s at %.0f s\n", name,
			at_s);
		mgmt_tracking_print_text(out, tk);
	}
	mgmt_tree_free(t);
	mgmt_tree_free(tk);
	return err;
}

int sim_status_print(struct sim *s, const char *name, FILE *out)
{
	struct sim_node *n = NULL;
	struct mgmt_replies *q[SQ_N] = { NULL };
	struct bc_actions *acts[SQ_N] = { NULL };
	int err = 0;

	for (int i = 0; i < s->nnodes; i++)
		if (strcmp(s->nodes[i].name, name) == 0)
			n = &s->nodes[i];
	if (!n || !n->bc || !n->up)
		return -ENOENT;
	for (int i = 0; i < SQ_N && !err; i++) {
		q[i] = calloc(1, sizeof(*q[i]));
		acts[i] = calloc(1, sizeof(*acts[i]));
		err = q[i] && acts[i] ? sim_ask(n, sq_ids[i], acts[i], q[i])
				      : -ENOMEM;
	}
	if (!err) {
		struct mgmt_status_in in = {
			.dds = q[SQ_DDS], .cur = q[SQ_CUR],
			.parent = q[SQ_PARENT], .servo = q[SQ_SERVO],
			.props = q[SQ_PROPS], .drops = q[SQ_DROPS],
			.clocks = q[SQ_CLOCKS], .host = q[SQ_HOST],
			.hwclock = q[SQ_HWCLOCK], .tp = q[SQ_TP],
			.path = q[SQ_PATH], .pstatus = q[SQ_PSTATUS],
			.alarms = q[SQ_ALARMS],
			.now_mono_ns = sim_node_mono(n),
			.locks = q[SQ_LOCKS],
		};

		err = print_screens(out, &in, name, (double)s->now / 1e9);
	}
	for (int i = 0; i < SQ_N; i++) {
		free(q[i]);
		free(acts[i]);
	}
	return err;
}
