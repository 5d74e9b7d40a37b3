/*
 * daemon/main.c — hvptpd: command line, configuration, signals, run.
 *
 * Exit codes: 0 clean shutdown (SIGINT/SIGTERM/SIGQUIT) or -h/-v; 1 run-time
 * failure (an interface or clock could not be opened); 2 bad command line
 * or configuration ("file:line: option: reason" on stderr).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "config/cfg.h"
#include "daemon/cmdline.h"
#include "daemon/daemon.h"
#include "daemon/logsink.h"
#include "daemon/settings.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL); /* as ptp4l: a clean exit, no core */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* leapfile: read and parsed at start (a bad file is a bad configuration). */
static int load_leapfile(struct hvd_settings *set)
{
	static char buf[65536];
	struct cfg_error err;
	size_t n;
	FILE *f;

	if (!set->leapfile[0])
		return 0;
	f = fopen(set->leapfile, "r");
	if (!f) {
		fprintf(stderr, "hvptpd: leapfile %s: %s\n", set->leapfile,
			strerror(errno));
		return -errno;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (!feof(f)) {
		fclose(f);
		fprintf(stderr, "hvptpd: leapfile %s: larger than %zu bytes\n",
			set->leapfile, sizeof(buf));
		return -EFBIG;
	}
	fclose(f);
	if (settings_leapfile(set, buf, n, &err) < 0) {
		cmdline_print_error(stderr, &err);
		return -EINVAL;
	}
	return 0;
}

static int load_settings(int argc, char **argv, struct hvd_settings *set)
{
	struct cfg *cfg = cfg_create();
	struct cmdline cl;
	struct cfg_error err;
	int rc;

	if (!cfg) {
		fprintf(stderr, "hvptpd: out of memory\n");
		return -ENOMEM;
	}
	rc = cmdline_setup(argc, argv, cfg, &cl);
	if (rc == 0) {
		rc = settings_from_cfg(cfg, set, &err);
		if (rc < 0)
			cmdline_print_error(stderr, &err);
		else
			rc = load_leapfile(set);
	}
	cfg_destroy(cfg);
	return rc;
}

int main(int argc, char **argv)
{
	static struct hvd_settings set;
	static struct hvd d;
	int rc;

	rc = load_settings(argc, argv, &set);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	logsink_open("hvptpd", set.logging_level, set.verbose, set.use_syslog);
	install_signals();
	rc = hvd_open(&d, &set);
	if (rc == 0) {
		rc = hvd_run(&d, &stop_requested);
		if (stop_requested)
			cm_log(CM_LOG_INFO, "shutting down");
	}
	hvd_close(&d);
	logsink_close();
	return rc < 0 ? 1 : 0;
}
