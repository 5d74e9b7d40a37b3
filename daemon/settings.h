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
#include "common/hwclock.h"
#include "common/sa.h"
#include "daemon/alarm_eval.h"
#include "config/cfg.h"
#include "hwts/transport.h"
#include "servo/discipline.h"

/* Ports that come and go: a section (or -i) whose name is a pattern
 * ("vnet*", "tap?") serves every interface whose name matches it, as it
 * appears, with that section's settings (software timestamps only). */
struct hvd_port_template {
	char pattern[BC_PORT_NAME_LEN];
	struct bc_port_cfg port;
	struct transport_cfg transport;
};

struct hvd_settings {
	struct bc_clock_cfg clock;
	/* fixed ports: the named interfaces, in the order given */
	int nports;
	struct bc_port_cfg ports[CFG_MAX_PORTS];
	struct transport_cfg transport[CFG_MAX_PORTS];
	int phc_index[CFG_MAX_PORTS]; /* phc_index, -1: from TSINFO */
	bool port_hardware[CFG_MAX_PORTS]; /* each port's time_stamping */
	/* sys_offset_method of each port's PHC */
	enum hwclock_read sys_offset_method[CFG_MAX_PORTS];
	/* pattern sections, and the ports the clock can hold in all */
	int ntemplates;
	struct hvd_port_template templates[CFG_MAX_PORTS];
	int max_ports; /* max_ports */
	struct disc_cfg disc; /* the reference's (PTP) discipline */
	struct disc_cfg follow_disc; /* a follower's (follow_*) */
	double follow_rate_hz; /* follow_rate */
	int follow_readings; /* follow_readings */
	bool system_clock_sync; /* CLOCK_REALTIME follows the reference */
	char reference_clock[64]; /* "", a port's name, /dev/ptpN or
				     CLOCK_REALTIME */
	bool kernel_leap;
	char leapfile[256];
	struct leap_table leaps; /* leapfile's content (settings_load_leapfile) */
	bool have_leaps;
	bool hardware; /* [global] time_stamping hardware (ports may
			  differ: port_hardware) */
	bool any_hardware, any_software; /* over the ports */
	bool clock_identity_set; /* clockIdentity given: don't derive */
	int summary_interval;
	int logging_level;
	bool verbose; /* log to stdout */
	bool use_syslog;
	char message_tag[65]; /* message_tag, "" none */
	char uds_address[108];
	char uds_ro_address[108];
	int uds_file_mode; /* uds_file_mode, e.g. 0660 */
	int uds_ro_file_mode; /* uds_ro_file_mode, e.g. 0666 */
	/* least privilege (daemon/privdrop.h): user, uds_group, "" for
	 * none; any_l2: a section with network_transport L2 */
	char user[33];
	char uds_group[33];
	bool any_l2;
	/* management requests per second and burst per client
	 * (mgmt_rate_limit, mgmt_burst; 0: no limit) */
	uint32_t mgmt_rate, mgmt_burst;
	bool seccomp; /* seccomp: the allow-list (daemon/seccomp.h) */
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
	/* the vmclock page (vm/vmclock.h): its file, empty: off; updates
	 * per second */
	char vmclock_file[256];
	int vmclock_rate;
	/* feeds (daemon/feed.h): chronyd's SOCK path or empty; an NTP SHM
	 * unit or -1; samples per second */
	char chrony_sock[108];
	int ntp_shm_segment;
	double feed_rate_hz;
	/* alarms (daemon/alarm_eval.h): alarm_<kind>, alarm_<kind>_hold */
	struct alarm_cfg alarms;
	/* authentication (bc/auth.h): sa_file and its security
	 * associations (check_sa_file reads it) */
	char sa_file[256];
	struct sa_db sad;
};

/* A port name that is a pattern (has '*' or '?'). */
bool settings_is_pattern(const char *name);
/* 0, or -EINVAL with err filled: the first refusal, naming the file and
 * line that set the value refused (or the command line), else file
 * "configuration", line 0. */
int settings_from_cfg(const struct cfg *c, struct hvd_settings *s,
		      struct cfg_error *err);
/* The same, with every refusal added to errs (where: the file named when
 * no line set the value, e.g. the -f file), except those naming an option
 * errs already holds an error for.  0, or -EINVAL when it refused. */
int settings_from_cfg_all(const struct cfg *c, struct hvd_settings *s,
			  const char *where, struct cfg_errors *errs);
/* Parse the leapfile's content (buf, read by the caller) into s->leaps.
 * 0, or -EINVAL with err naming the file and the bad line. */
int settings_leapfile(struct hvd_settings *s, const char *buf, size_t len,
		      struct cfg_error *err);
/* The clock set's configuration (daemon/clockset.h) from s, with clock
 * gm_clock as the reference before any slave port. */
struct cs_cfg;
void settings_cs_cfg(const struct hvd_settings *s, int gm_clock,
		     struct cs_cfg *out);

#endif
