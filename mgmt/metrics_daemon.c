/*
 * mgmt/metrics_daemon.c — metrics in hvptpd: the settings and joining the
 * poll loop (mgmt_metrics_add, see metrics.h); what only the daemon
 * counts comes from hvd_metrics_fill().
 */
#include <string.h>

#include "common/log.h"
#include "daemon/service.h"
#include "daemon/settings.h"
#include "mgmt/metrics.h"

static void metrics_check_textfile(const char *path)
{
	size_t n = strlen(path);

	if (n && (n < 5 || strcmp(path + n - 5, ".prom") != 0))
		cm_warn("metrics: metrics_textfile %s: node_exporter's "
			"textfile collector reads only *.prom files", path);
}

int mgmt_metrics_add(struct hvd *d)
{
	const struct hvd_settings *s = hvd_settings(d);
	struct mgmt_metrics_cfg cfg = {
		.address = s->metrics_address,
		.textfile = s->metrics_textfile,
		.textfile_interval_s = s->metrics_textfile_interval,
		.fill = hvd_metrics_fill,
		.fill_ctx = d,
	};
	struct hvd_service svc;
	struct mgmt_metrics *m;
	int err;

	if (!*s->metrics_address && !*s->metrics_textfile)
		return 0;
	metrics_check_textfile(s->metrics_textfile);
	err = mgmt_metrics_open(&m, hvd_core(d), &cfg);
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
