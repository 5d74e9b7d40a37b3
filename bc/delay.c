/*
 * bc/delay.c — which delay mechanism a port runs (struct delay_ops in
 * bc/internal.h), and the filter of raw delays they share.
 */
#include "bc/internal.h"

const struct delay_ops *port_delay_ops(const struct port *p)
{
	return p->ds.delay_mechanism == DM_P2P ? &delay_p2p_ops
						: &delay_e2e_ops;
}

void port_delay_filter_add(struct port *p, int64_t raw)
{
	struct delay_state *d = &p->delay;

	d->last_raw_ns = raw;
	d->mean_path_delay_ns = cm_filter_add(&d->filter, raw);
	d->have_delay = true;
	if (port_is_slave(p)) /* currentDS: the slave port's */
		p->bc->cur.mean_path_delay_ns = d->mean_path_delay_ns;
}

const struct ptp_follow_up_info *bc_follow_up_info(const struct bc *bc)
{
	return bc && bc->have_fup_info ? &bc->fup_info : NULL;
}
