/*
 * daemon/settings.h — from the option store to the modules' structs.
 *
 * Reads a loaded struct cfg (config/cfg.h) into the configuration of the
 * core (bc_clock_cfg, bc_port_cfg per port), the transports, the
 * discipline and the daemon itself.  Values hvptpd accepts in the file but
 * cannot honour yet (another transport, P2P, one-step...) are refused here
 * with "option: value: reason", so the daemon exits 2 instead of running
 * with a setting the user did not get.  No I/O: testable as is.
 */
#ifndef HVPTP_DAEMON_SETTINGS_H
#define HVPTP_DAEMON_SETTINGS_H

#include <stdbool.h>

#include "bc/bc.h"
#include "config/cfg.h"
#include "hwts/transport.h"
#include "servo/discipline.h"

struct hvd_settings {
	struct bc_clock_cfg clock;
	int nports;
	struct bc_port_cfg ports[BC_MAX_PORTS];
	struct transport_cfg transport[BC_MAX_PORTS];
	int phc_index[BC_MAX_PORTS]; /* phc_index, -1: from TSINFO */
	struct disc_cfg disc;
	bool hardware; /* time_stamping hardware */
	bool clock_identity_set; /* clockIdentity given: don't derive */
	int summary_interval;
	int logging_level;
	bool verbose; /* log to stdout */
	bool use_syslog;
	char uds_address[108];
	char uds_ro_address[108];
	int uds_file_mode; /* uds_file_mode, e.g. 0660 */
	int uds_ro_file_mode; /* uds_ro_file_mode, e.g. 0666 */
	/* CLOCK_DESCRIPTION (manufacturerIdentity, productDescription,
	 * revisionData as written in the configuration) */
	char manufacturer_identity[32];
	char product_description[128];
	char revision_data[128];
	/* metrics (mgmt/metrics.h): "A.B.C.D:PORT" or empty; a file for
	 * node_exporter or empty; seconds between writes of that file */
	char metrics_address[64];
	char metrics_textfile[256];
	int metrics_textfile_interval;
};

/* 0, or -EINVAL with err filled (file "config", line 0). */
int settings_from_cfg(const struct cfg *c, struct hvd_settings *s,
		      struct cfg_error *err);

#endif
