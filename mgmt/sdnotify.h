/*
 * mgmt/sdnotify.h — telling systemd how hvptpd is doing (sd_notify(3)).
 *
 * Under a Type=notify unit systemd passes NOTIFY_SOCKET (and, with
 * WatchdogSec=, WATCHDOG_USEC and WATCHDOG_PID).  This service, run in the
 * daemon's poll loop, sends through libsystemd:
 *   READY=1      once, on the first loop turn (the sockets are open and the
 *                ports started: hvd_open() succeeded);
 *   WATCHDOG=1   every half WATCHDOG_USEC, from the loop itself, so a
 *                loop that stops turning gets the service restarted;
 *   STATUS=...   a short line for "systemctl status": "free-running
 *                (CLOCK_REALTIME not adjusted); " first when hvptpd
 *                adjusts no clock, then "alarms: time_error(/dev/ptp0),
 *                ...; " while alarms are raised (daemon/alarm.h), each
 *                port's state, and the offset,
 *                path delay and servo state when a port is a slave
 *                ("measuring" for a servo that only measures); sent when
 *                a port state changes or an alarm is raised or cleared,
 *                and every
 *                SDNOTIFY_STATUS_PERIOD_S seconds if the line changed;
 *   STOPPING=1   when hvptpd shuts down.
 * Without NOTIFY_SOCKET nothing is registered (sd_notify would do nothing).
 */
#ifndef HVPTP_MGMT_SDNOTIFY_H
#define HVPTP_MGMT_SDNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/bc.h"
#include "daemon/service.h"

struct hvd;
struct mgmt_sdnotify;

#define SDNOTIFY_STATUS_PERIOD_S 10
#define SDNOTIFY_STATUS_LEN 256

/* Read the environment (NOTIFY_SOCKET, WATCHDOG_USEC/PID) and prepare the
 * notifier for bc.  0 with *out NULL when there is no NOTIFY_SOCKET; 0 with
 * *out set; or -ENOMEM. */
int mgmt_sdnotify_open(struct mgmt_sdnotify **out, const struct bc *bc);
/* Send STOPPING=1 and free. */
void mgmt_sdnotify_close(struct mgmt_sdnotify *n);

/* Fill s with the notifier's callbacks (ctx n; close frees n). */
void mgmt_sdnotify_service(struct mgmt_sdnotify *n, struct hvd_service *s);

/* The watchdog ping interval (half WATCHDOG_USEC) in ns, 0 when off. */
int64_t mgmt_sdnotify_watchdog_ns(const struct mgmt_sdnotify *n);
bool mgmt_sdnotify_ready(const struct mgmt_sdnotify *n);

/* The STATUS= text for the clock's current state, into buf. */
void mgmt_sdnotify_status_text(const struct bc *bc, char *buf, size_t cap);

/* For hvd_open(): open and register (nothing without NOTIFY_SOCKET). */
int mgmt_sdnotify_add(struct hvd *d);

#endif
