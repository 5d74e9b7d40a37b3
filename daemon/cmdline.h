/*
 * daemon/cmdline.h — hvptpd's command line, ptp4l style.
 *
 * ptp4l's flags (-f -i -A -E -P -2 -4 -6 -H -S -L -s -m -q -l -p -v -h),
 * -n / --check (daemon/check.h) and
 * "--OPTION VALUE" / "--OPTION=VALUE" for every option of the config table
 * (the getopt_long table is built from it at run time).  Values from the
 * command line are locked in the cfg store: the file cannot override them.
 * Interfaces from -i become the first ports, in order; a file section with
 * the same name adds its settings to that port.  This part may use stdio;
 * errors are returned in a struct cfg_error and printed by the caller as
 * "FILE:LINE: OPTION: REASON" or "command line: OPTION: REASON" (exit 2).
 *
 * Typical main():
 *	struct cmdline cl;
 *	int rc = cmdline_setup(argc, argv, cfg, &cl);
 *	if (rc < 0) return 2;      (message already on stderr)
 *	if (rc > 0) return 0;      (-h, -v, --print-conf-man or
 *				    --print-metrics-md done)
 *
 * Docs: "hvptpd --print-conf-man > docs/hvptpd.conf.5" (hidden flag handled
 * by cmdline_setup) regenerates hvptpd.conf(5) from the option table, or
 * call cmdline_print_conf_man(stdout) from any program linked with
 * libhvdaemon.a and libhvcore.a.  "hvptpd --print-metrics-md" prints
 * docs/metrics.md's table of families (mgmt/metrics_doc.h);
 * scripts/gen-docs.sh regenerates both.
 */
#ifndef HVPTP_DAEMON_CMDLINE_H
#define HVPTP_DAEMON_CMDLINE_H

#include <stdbool.h>
#include <stdio.h>

#include "config/cfg.h"

struct cmdline {
	const char *config_file; /* -f FILE ("-" is standard input), or NULL */
	const char *phc_device; /* -p DEV: deprecated, ignored */
	bool help; /* -h / --help */
	bool version; /* -v / --version */
	bool print_conf_man; /* --print-conf-man (hidden) */
	bool check; /* -n / --check: validate, open nothing (daemon/check.h) */
	bool print_metrics_md; /* --print-metrics-md (hidden) */
};

/* Parse argv: set locked values in cfg, add the -i ports, note -f, -h, -v.
 * Does not read the file or print anything.  0, or -EINVAL with *err
 * filled (file "command line", line 0). */
int cmdline_parse(int argc, char **argv, struct cfg *cfg, struct cmdline *cl,
		  struct cfg_error *err);

/* The same, on to the end of argv: every error into errs.  0, or -EINVAL
 * when it added one. */
int cmdline_parse_all(int argc, char **argv, struct cfg *cfg,
		      struct cmdline *cl, struct cfg_errors *errs);

/* Read a ptp4l-format file ("-": standard input) and parse it into cfg.
 * 0, or a negative errno with *err filled. */
int cmdline_load_file(struct cfg *cfg, const char *path,
		      struct cfg_error *err);
/* The same, on to the end of the file: every error into errs. */
int cmdline_load_file_all(struct cfg *cfg, const char *path,
			  struct cfg_errors *errs);

/* The whole start-up sequence: installs cmdline_warn_stderr as cfg's warning
 * printer, parses argv, handles -h/-v/--print-conf-man (prints to stdout
 * and returns 1), loads the -f file, and checks that there is at least one
 * port.  Errors are printed to stderr; returns 0 to run, 1 when done,
 * negative errno for exit code 2. */
int cmdline_setup(int argc, char **argv, struct cfg *cfg, struct cmdline *cl);
/* The same without printing errors, installing a warning printer (the
 * caller's, in cfg) or checking the ports: every error of argv and of the
 * file into errs (the file is read even after a bad argv).  1 when -h, -v or --print-conf-man was handled; -EINVAL when
 * argv had an error (worth a "see -h"); 0 otherwise (errs may hold the
 * file's errors). */
int cmdline_setup_all(int argc, char **argv, struct cfg *cfg,
		      struct cmdline *cl, struct cfg_errors *errs);

/* "FILE:LINE: OPTION: REASON" (or without the parts that are empty). */
void cmdline_print_error(FILE *f, const struct cfg_error *err);

/* A cfg_warn_fn printing "FILE:LINE: warning: MSG"; ctx is a FILE * or NULL
 * for stderr. */
void cmdline_warn_stderr(void *ctx, const char *file, int line,
			 const char *option, const char *msg);

void cmdline_usage(FILE *f, const char *prog);

/* hvptpd.conf(5) in roff, generated from the option table. */
void cmdline_print_conf_man(FILE *f);
/* Its sections on master selection and on the shipped profiles
 * (daemon/cmdline_man_bmca.c). */
void cmdline_man_bmca(FILE *f);
void cmdline_man_profiles(FILE *f);

#endif
