/*
 * daemon/stats.c — what only the daemon counts, for a metrics snapshot
 * (hvd_metrics_fill, see daemon/service.h): the executor's counters, each
 * port's socket counters, the reference clock's name, each clock's paired
 * readings and their failures, and every service's own counters through
 * its ops->metrics hook.
 */
#include <stdio.h>

#include "daemon/daemon.h"
#include "mgmt/metrics_render.h"

void hvd_metrics_fill(void *ctx, struct metrics_snapshot *s)
{
	const struct hvd *d = ctx;
	const struct clockset *cs = &d->cs;

	s->action_overflows = d->ex.action_overflows;
	s->send_errors = d->ex.send_errors;
	s->have_ports = true;
	s->ports_added = d->ports_added;
	s->ports_removed = d->ports_removed;
	s->ports_reopened = d->ports_reopened;
	s->ports_refused = d->ports_refused;
	if (cs->ref >= 0 && cs->ref < cs->n)
		snprintf(s->clock_name, sizeof(s->clock_name), "%s",
			 cs->c[cs->ref].hw->name);
	/* the clock set's own counters; the rest of each clock is the
	 * core's copy (bc_clock_info), so metrics and HVPTP_CLOCKS_NP agree */
	for (int k = 0; k < cs->n && k < BC_MAX_CLOCKS; k++) {
		struct metrics_clock_snap *c = &s->clock[k];

		c->have_readings = c->present;
		c->readings = cs->c[k].st.readings;
		c->read_errors = cs->c[k].st.read_errors;
	}
	for (int j = 0; j < s->nports; j++) {
		struct metrics_port_snap *p = &s->port[j];
		int i = p->index;
		const struct hvd_port *hp;

		if (i < 0 || i >= d->nports)
			continue;
		hp = &d->ports[i];
		p->have_socket = hp->t != NULL;
		p->rx_truncated = hp->rx_truncated;
		p->rx_no_timestamp = hp->rx_no_ts;
		p->rx_errors = hp->rx_errors;
		p->tx_ts_unmatched = hp->txts_unmatched;
	}
	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *v = &d->services[i];

		if (v->ops->metrics)
			v->ops->metrics(v->ctx, s);
	}
}
