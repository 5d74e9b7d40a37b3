/*
 * daemon/reload.h — a changed configuration applied while running.
 *
 * SIGHUP and `hvptpctl reload` (HVPTP_RELOAD_NP) read the configuration
 * again, as at start (the same command line and -f file), and apply what
 * changed without restarting the clock, so that sync is kept:
 * - the options marked live in the option table (cfg_option_info.live,
 *   "A reload applies a change while running" in hvptpd.conf(5)): the
 *   clock's priorities, quality and time properties, each port's
 *   intervals, timeouts, latencies and roles, the servos' settings
 *   (reload_servo_option), logging, the summary interval, the
 *   management sockets, the metrics endpoint, the vmclock page, the
 *   feeds, the leap-second file, and authentication: the sa_file (read
 *   again every time, so keys rotate) and each port's spp and
 *   active_key_id (daemon/auth_run.c);
 * - ports: a port section (or -i) that is new becomes a port (software
 *   timestamping: a hardware port's PHC joins the clock set only at
 *   start), one that is gone is removed; pattern sections likewise, their
 *   ports removed when their section goes.  The other ports are not
 *   touched.
 * Any other change is refused for this reload: logged as
 * "FILE:LINE: OPTION: cannot change while running (restart hvptpd);
 * keeping VALUE", and the daemon goes on with the old value.  A
 * configuration that no longer loads changes nothing: its errors are
 * logged and the running configuration stays.
 *
 * reload_merge() is pure: the settings the daemon runs with after a
 * reload, from the running ones and the ones just loaded.  Whether an
 * option is live and whether its settings change is applied agree by
 * test (tests/unit/test_reload.c goes through the whole option table).
 */
#ifndef HVPTP_DAEMON_RELOAD_H
#define HVPTP_DAEMON_RELOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "config/cfg.h"
#include "daemon/settings.h"

struct hvd;

struct reload_report {
	bool loaded; /* false: the configuration did not load */
	int changed; /* options and ports changed and applied */
	int refused; /* changes kept at their old value */
	char summary[200]; /* one line, also logged */
};

/* The options whose value in cur differs from the value the daemon runs
 * with: a live option's from last (the last reload's store; NULL: start),
 * any other's from start (what it was opened with; last for a port that
 * came with a reload).  For each, fn is told the store compared with, its
 * name, the port section (NULL for [global]) and whether a reload applies
 * it.  Ports present in only one store are not compared (reload_merge
 * adds or removes them).  Returns how many differ. */
typedef void (*reload_diff_fn)(void *ctx, const struct cfg *was,
			       const char *option, const char *port,
			       bool live);
int reload_diff(const struct cfg *start, const struct cfg *last,
		const struct cfg *cur, reload_diff_fn fn, void *ctx);

/* The settings to run with: old, with what a reload applies taken from
 * cur (live fields of the clock, of each port that stays and of each
 * pattern section that stays; ports and pattern sections added and
 * removed; logging, sockets, services).  Everything else stays old's. */
void reload_merge(const struct hvd_settings *old,
		  const struct hvd_settings *cur, struct hvd_settings *out);

/* A servo option (clock_servo, pi_*, step_threshold, holdover_*,
 * follow_servo...): when one changed, the clock set's servos are made
 * again with the new settings, each from its clock's current frequency
 * and with no step (cs_reconfigure); until the reference's servo locks
 * again its slave port is UNCALIBRATED. */
bool reload_servo_option(const char *name);

/* Load the configuration again and apply it (SIGHUP, HVPTP_RELOAD_NP). */
int hvd_reload(struct hvd *d, int64_t now, struct reload_report *rep);

#endif
