/*
 * daemon/check.h — hvptpd's start-up checks, every error reported, and
 * "hvptpd --check".
 *
 * check_startup() turns argv and the files into the settings hvptpd runs
 * with: the command line (ptp4l's flags and --OPTION VALUE), the -f file,
 * the refusals of settings_from_cfg (options accepted but not honoured,
 * values that contradict each other) and the leapfile.  Each step goes on
 * after an error, so one run reports every error of the command line and
 * the file, on stderr, one a line:
 *	FILE:LINE: OPTION: REASON      a line of the file set it
 *	FILE: OPTION: REASON           no line did (a default refused)
 *	command line: OPTION: REASON   argv set it
 * then, past CFG_ERRORS_MAX, "hvptpd: ... and N more errors".  A value
 * refused by the parser is not refused again by the settings (the default
 * it left is not the user's).  Warnings (options not implemented yet, old
 * names) are printed as they are met, "FILE:LINE: warning: MSG".
 *
 * With -n or --check, hvptpd stops there: it has read the configuration
 * file and the leapfile and opened nothing else (no socket, interface,
 * clock, device or other file; checks that need the host, such as whether
 * an interface exists or has a PHC, are left to the start), and prints one
 * line on stdout when all is well:
 *	hvptpd: FILE: OK: 2 ports (eth0, eth1), 1 pattern (vnet*), domain 0,
 *	clock_servo kalman, hardware timestamps, 3 warnings
 */
#ifndef HVPTP_DAEMON_CHECK_H
#define HVPTP_DAEMON_CHECK_H

#include <stdio.h>

#include "daemon/settings.h"

/* 0: run with *set, and *cfg the option store it came from (the
 * caller's to destroy; kept for reloads); 1: done, exit 0 (-h, -v,
 * --print-conf-man, or a --check that passed); negative: exit 2 (every
 * error printed).  *cl: what argv said. */
struct cmdline;
int check_startup(int argc, char **argv, struct cmdline *cl,
		  struct hvd_settings *set, struct cfg **cfg);

/* Read and parse the leapfile set->leapfile names (nothing when empty)
 * into set: a bad file is a bad configuration.  Errors opening or
 * reading it name the line of cfg that set leapfile (else file what);
 * errors in it, the leapfile's own line.  0, or -EINVAL with the error
 * added to errs. */
int check_leapfile(const struct cfg *cfg, struct hvd_settings *set,
		   const char *what, struct cfg_errors *errs);

/* Read and parse the sa_file set->sa_file names (config/sad.h) into
 * set->sad, and check each port's spp and active_key_id against it
 * (daemon/auth_cfg.c).  Errors in the file name its line; errors of a
 * port, the line that set the option.  0, or -EINVAL with the errors
 * added to errs. */
int check_sa_file(const struct cfg *cfg, struct hvd_settings *set,
		  const char *what, struct cfg_errors *errs);

/* The --check summary line of valid settings s read from what (a file
 * name or "command line"), with nwarn warnings, to f. */
void check_print_summary(FILE *f, const char *what,
			 const struct hvd_settings *s, int nwarn);

/* Every error of errs, one a line, sorted (command line, then each file
 * by line), and the count of those not kept. */
void check_print_errors(FILE *f, struct cfg_errors *errs);

#endif
