/*
 * mgmt/metrics_daemon.c — metrics in hvptpd: the settings, the socket
 * counters only the daemon keeps, and joining the poll loop
 * (mgmt_metrics_add, see metrics.h).
 */
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "mgmt/metrics.h"
#include "mgmt/uds.h"

static void metrics_fill(void *ctx, struct metrics_snapshot *s)
{
	const struct hvd *d = ctx;
	const struct mgmt_uds *u = mgmt_uds_of(d);

	s->action_overflows = d->ex.action_overflows;
	s->send_errors = d->ex.send_errors;
	s->have_uds = u != NULL;
	if (u)
		s->uds = *mgmt_uds_stats(u);
	for (int i = 0; i < s->nports && i < d->set.nports; i++) {
		const struct hvd_port *hp = &d->ports[i];
		struct metrics_port_snap *p = &s->port[i];

		p->have_socket = hp->t != NULL;
		p->rx_truncated = hp->rx_truncated;
		p->rx_no_timestamp = hp->rx_no_ts;
		p->rx_errors = hp->rx_errors;
		p->tx_ts_unmatched = hp->txts_unmatched;
	}
}

static void metrics_check_textfile(const char *path)
{
	size_t n = strlen(path);

	if (n && (n < 5 || strcmp(path + n - 5, ".prom") != 0))
		cm_warn("metrics: metrics_textfile %s: node_exporter's "
			"textfile collector reads only *.prom files", path);
}

int mgmt_metrics_add(struct hvd *d)
{
	const struct hvd_settings *s = &d->set;
	struct mgmt_metrics_cfg cfg = {
		.address = s->metrics_address,
		.textfile = s->metrics_textfile,
		.textfile_interval_s = s->metrics_textfile_interval,
		.clock_name = d->cs.ref >= 0 ? d->cs.c[d->cs.ref].hw->name : "",
		.fill = metrics_fill,
		.fill_ctx = d,
	};
	struct hvd_service svc;
	struct mgmt_metrics *m;
	int err;

	if (!*s->metrics_address && !*s->metrics_textfile)
		return 0;
	metrics_check_textfile(s->metrics_textfile);
	err = mgmt_metrics_open(&m, d->bc, &cfg);
	if (err < 0)
		return err;
	mgmt_metrics_service(m, &svc);
	err = hvd_service_add(d, &svc);
	if (err < 0) {
		cm_err("metrics: cannot join the poll loop: %s",
		       strerror(-err));
		mgmt_metrics_close(m);
	}
	return err;
}
