/*
 * daemon/alarm.h — the host's alarms as a service of the poll loop.
 *
 * Once a second the service runs the alarm set (daemon/alarm_eval.h: the
 * alarms, their values and the state machine) on what the core knows,
 * with the alarm settings in force (a reload's new bounds and holds apply
 * at the next tick), and for every raise and clear:
 *  - writes a log line (NOTICE for a raise, INFO for a clear) naming the
 *    alarm, its subject, the value and the bound; at most
 *    ALARM_LOG_BURST lines a minute, the rest counted and told once the
 *    minute is over;
 *  - gives the table to the core (bc_set_alarms), from which management
 *    answers HVPTP_ALARMS_NP and sends the notification of the change to
 *    the subscribers of BC_NOTIFY_HVPTP_ALARM (mgmt/uds_events.c), the
 *    systemd status names the active alarms (mgmt/sdnotify.c) and the
 *    metrics export hvptp_alarm and hvptp_alarm_raised_total.
 * The service owns nothing but its set: it reaches the others through
 * the core, as they reach it.
 */
#ifndef HVPTP_DAEMON_ALARM_H
#define HVPTP_DAEMON_ALARM_H

struct hvd;

#define ALARM_LOG_BURST 20 /* log lines a minute */

/* Join the poll loop.  0, or -errno after logging why. */
int hvd_alarm_add(struct hvd *d);

#endif
