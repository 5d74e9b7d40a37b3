/*
 * daemon/main.c — hvptpd: command line, configuration, signals, run.
 *
 * SIGHUP reloads the configuration (daemon/reload.h): the same command
 * line and -f file read again, errors logged instead of printed.
 *
 * Exit codes: 0 clean shutdown (SIGINT, SIGTERM, SIGQUIT or any other
 * signal that would end the process: install_signals), -h/-v, or a
 * --check that passed; 1 run-time failure (an interface or clock could
 * not be opened); 2 bad command line or configuration (every error as
 * "file:line: option: reason" on stderr: daemon/check.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "config/cfg.h"
#include "daemon/check.h"
#include "daemon/cmdline.h"
#include "daemon/daemon.h"
#include "daemon/logsink.h"
#include "daemon/settings.h"

static volatile sig_atomic_t stop_requested; /* the signal's number */
static volatile sig_atomic_t reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = sig;
}

static void install_signals(void)
{
	struct sigaction sa;

	/* every signal whose default action ends the process without a
	 * core ends it cleanly (sockets removed, interfaces restored);
	 * SIGQUIT too, as ptp4l */
	static const int stop[] = { SIGINT, SIGTERM, SIGQUIT, SIGUSR1,
				    SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
				    SIGIO, SIGXCPU, SIGXFSZ };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		sigaction(stop[i], &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* reload */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void warn_to_log(void *ctx, const char *file, int line,
			const char *option, const char *msg)
{
	(void)ctx;
	(void)option;
	if (line > 0)
		cm_log(CM_LOG_WARNING, "%s:%d: warning: %s", file, line, msg);
	else
		cm_log(CM_LOG_WARNING, "%s: warning: %s", file, msg);
}

/* A reload's errors: each line check_print_errors() would print, logged. */
static void log_errors(struct cfg_errors *errs)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		cm_log(CM_LOG_ERR, "reload: %d configuration errors (no memory "
		       "to list them)", cfg_errors_total(errs));
		return;
	}
	check_print_errors(f, errs);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		cm_log(CM_LOG_ERR, "%s", line);
	free(text);
}

static int main_argc;
static char **main_argv;

/* Start: the command line (-h, -v, --check...), the file and the
 * leapfile, every error printed (check.h); the option store is kept for
 * reloads. */
static int load_settings(struct hvd_settings *set, struct cfg **out)
{
	struct cmdline cl;
	int rc = check_startup(main_argc, main_argv, &cl, set, out);

	if (rc == 0 && cl.config_file && !strcmp(cl.config_file, "-"))
		cm_log(CM_LOG_INFO, "configuration from standard input: a "
		       "reload (SIGHUP) cannot read it again");
	return rc;
}

/* A reload (struct hvd.load): the same again (every error, as at
 * start), errors to the log. */
static int reload_settings(void *ctx, struct cfg **out,
			   struct hvd_settings *set)
{
	struct cfg_errors *errs = malloc(sizeof(*errs));
	struct cfg *cfg = cfg_create();
	struct cfg_error e;
	struct cmdline cl;
	const char *what;
	int rc;

	(void)ctx;
	if (!errs || !cfg) {
		free(errs);
		cfg_destroy(cfg);
		return -ENOMEM;
	}
	cfg_errors_init(errs);
	cfg_set_warn(cfg, warn_to_log, NULL);
	memset(&cl, 0, sizeof(cl));
	rc = cmdline_setup_all(main_argc, main_argv, cfg, &cl, errs);
	what = cl.config_file ? cl.config_file : "command line";
	if (cl.config_file && !strcmp(cl.config_file, "-")) {
		memset(&e, 0, sizeof(e));
		snprintf(e.file, sizeof(e.file), "%s", "-f -");
		snprintf(e.reason, sizeof(e.reason), "%s", "the configuration "
			 "came from standard input: it cannot be read again");
		cfg_errors_add(errs, &e);
	} else if (rc == 0) {
		settings_from_cfg_all(cfg, set, what, errs);
		if (!cfg_errors_has_option(errs, errs->n, "leapfile"))
			check_leapfile(cfg, set, what, errs);
		if (!cfg_errors_has_option(errs, errs->n, "sa_file"))
			check_sa_file(cfg, set, what, errs);
	}
	rc = cfg_errors_total(errs) ? -EINVAL : 0;
	if (rc)
		log_errors(errs);
	free(errs);
	if (rc) {
		cfg_destroy(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int main(int argc, char **argv)
{
	static struct hvd_settings set;
	static struct hvd d;
	struct cfg *cfg = NULL;
	int rc;

	main_argc = argc;
	main_argv = argv;
	rc = load_settings(&set, &cfg);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	logsink_open("hvptpd", set.logging_level, set.verbose, set.use_syslog);
	logsink_set_tag(set.message_tag);
	install_signals();
	rc = hvd_open(&d, &set);
	d.cfg_start = cfg; /* hvd_close destroys it */
	d.load = reload_settings;
	d.reload_flag = &reload_requested;
	if (rc == 0) {
		rc = hvd_run(&d, &stop_requested);
		if (stop_requested)
			cm_log(CM_LOG_INFO, "shutting down on SIG%s",
			       sigabbrev_np(stop_requested) ?
			       sigabbrev_np(stop_requested) : "?");
	}
	hvd_close(&d);
	logsink_close();
	return rc < 0 ? 1 : 0;
}
