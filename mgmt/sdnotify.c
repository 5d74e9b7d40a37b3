/*
 * mgmt/sdnotify.c — READY, WATCHDOG, STATUS and STOPPING for systemd from
 * the poll loop (see sdnotify.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "common/log.h"
#include "daemon/service.h"
#include "mgmt/sdnotify.h"
#include "common/alarm.h"
#include "servo/servo.h"

struct mgmt_sdnotify {
	const struct bc *bc;
	bool ready;
	bool status_dirty; /* a port changed state */
	uint64_t alarm_seq; /* the core's alarm changes seen */
	int64_t wd_ns; /* watchdog ping interval, 0: off */
	int64_t wd_due;
	int64_t status_due;
	uint64_t errors;
	char status[SDNOTIFY_STATUS_LEN]; /* as last sent */
};

static void sdn_send(struct mgmt_sdnotify *n, const char *msg)
{
	int err = sd_notify(0, msg);

	if (err < 0 && n->errors++ == 0)
		cm_warn("systemd: cannot notify: %s", strerror(-err));
}

static size_t sdn_ports(const struct bc *bc, char *buf, size_t cap)
{
	size_t used = 0;
	int np = bc_nports(bc);

	buf[0] = '\0';
	for (int i = 0, shown = 0; i < np && used < cap; i++) {
		const struct port_ds *ds = bc_port_ds(bc, i);
		int k;

		if (!bc_port_present(bc, i))
			continue;
		k = snprintf(buf + used, cap - used, "%s%s %s",
			     shown++ ? ", " : "", bc_port_name(bc, i),
			     ds ? port_state_name(ds->port_state) : "?");

		if (k < 0)
			break;
		used += (size_t)k;
	}
	return used < cap ? used : cap - 1;
}

/* The reference clock hvptpd does not adjust (free_running, or
 * system_clock_sync 0 on the system clock), or NULL. */
static const char *sdn_free_running(const struct bc *bc)
{
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		const struct bc_clock_info *c = bc_clock_info(bc, k);

		if (c && c->role == BC_CLOCK_REFERENCE && !c->adjusted)
			return c->name;
	}
	return NULL;
}

/* "alarms: time_error(/dev/ptp0), holdover(clock); " for the active
 * alarms, nothing when none is. */
static size_t sdn_alarms(const struct bc *bc, char *buf, size_t cap)
{
	size_t used = 0;
	int shown = 0;

	buf[0] = '\0';
	for (int i = 0; i < bc_alarm_count(bc) && used + 1 < cap; i++) {
		const struct bc_alarm_info *a = bc_alarm(bc, i);
		int k;

		if (!a->active)
			continue;
		k = snprintf(buf + used, cap - used, "%s%s(%s)",
			     shown++ ? ", " : "alarms: ",
			     alarm_kind_name(a->kind), a->subject);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	if (shown && used + 1 < cap) {
		int k = snprintf(buf + used, cap - used, "; ");

		used += k > 0 ? (size_t)k : 0;
	}
	return used < cap ? used : cap - 1;
}

void mgmt_sdnotify_status_text(const struct bc *bc, char *buf, size_t cap)
{
	const struct bc_servo_status *st = bc_get_servo_status(bc);
	const struct current_ds *cds = bc_current_ds(bc);
	const char *fr = sdn_free_running(bc);
	size_t used;
	int k = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	if (fr) /* first, before a long list of ports can crowd it out */
		k = snprintf(buf, cap, "free-running (%s not adjusted); ", fr);
	used = k > 0 ? (size_t)k : 0;
	if (used + 1 >= cap)
		return;
	used += sdn_alarms(bc, buf + used, cap - used);
	if (used + 1 >= cap)
		return;
	used += sdn_ports(bc, buf + used, cap - used);
	if (bc_slave_port(bc) < 0 || used + 1 >= cap)
		return;
	if (!st || !st->valid) { /* currentDS's 0 is no measurement */
		snprintf(buf + used, cap - used, "; no offset yet");
		return;
	}
	snprintf(buf + used, cap - used,
		 "; offset %lld ns, path delay %lld ns, servo %s",
		 (long long)cds->offset_from_master_ns,
		 (long long)cds->mean_path_delay_ns,
		 fr ? "measuring"
		    : servo_state_name((enum servo_state)st->state));
}

/* Send STATUS= when the line changed (forced: also when it did not). */
static void sdn_status(struct mgmt_sdnotify *n, bool with_ready)
{
	char line[SDNOTIFY_STATUS_LEN], msg[SDNOTIFY_STATUS_LEN + 32];

	mgmt_sdnotify_status_text(n->bc, line, sizeof(line));
	if (!with_ready && strcmp(line, n->status) == 0)
		return;
	snprintf(n->status, sizeof(n->status), "%s", line);
	snprintf(msg, sizeof(msg), "%sSTATUS=%s",
		 with_ready ? "READY=1\n" : "", line);
	sdn_send(n, msg);
}

int mgmt_sdnotify_open(struct mgmt_sdnotify **out, const struct bc *bc)
{
	struct mgmt_sdnotify *n;
	uint64_t usec = 0;

	*out = NULL;
	if (!getenv("NOTIFY_SOCKET"))
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->bc = bc;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
		n->wd_ns = (int64_t)(usec / 2) * 1000;
	*out = n;
	return 0;
}

void mgmt_sdnotify_close(struct mgmt_sdnotify *n)
{
	if (!n)
		return;
	sdn_send(n, "STOPPING=1");
	free(n);
}

int64_t mgmt_sdnotify_watchdog_ns(const struct mgmt_sdnotify *n)
{
	return n->wd_ns;
}

bool mgmt_sdnotify_ready(const struct mgmt_sdnotify *n)
{
	return n->ready;
}

/* ---- the service ---- */

static int64_t svc_deadline(void *ctx)
{
	struct mgmt_sdnotify *n = ctx;
	int64_t due = n->status_due;

	if (!n->ready)
		return INT64_MIN; /* the first turn: at once */
	if (n->wd_ns && n->wd_due < due)
		due = n->wd_due;
	return due;
}

static void svc_tick(void *ctx, int64_t now)
{
	struct mgmt_sdnotify *n = ctx;
	int64_t period = (int64_t)SDNOTIFY_STATUS_PERIOD_S * NS_PER_SEC;

	if (!n->ready) {
		sdn_status(n, true);
		n->ready = true;
		n->status_dirty = false;
		n->status_due = now + period;
		n->wd_due = now; /* a first ping right away */
	}
	if (n->wd_ns && now >= n->wd_due) {
		sdn_send(n, "WATCHDOG=1");
		n->wd_due = now + n->wd_ns;
	}
	if (bc_alarm_seq(n->bc) != n->alarm_seq) { /* raised or cleared */
		n->alarm_seq = bc_alarm_seq(n->bc);
		n->status_dirty = true;
	}
	if (n->status_dirty || now >= n->status_due) {
		sdn_status(n, false);
		n->status_dirty = false;
		n->status_due = now + period;
	}
}

static void svc_on_state(void *ctx, int port, enum port_state from,
			 enum port_state to, enum bc_event ev)
{
	struct mgmt_sdnotify *n = ctx;

	(void)port;
	(void)from;
	(void)to;
	(void)ev;
	n->status_dirty = true;
}

static void svc_close(void *ctx)
{
	mgmt_sdnotify_close(ctx);
}

static const struct hvd_service_ops sdnotify_ops = {
	.name = "systemd",
	.deadline = svc_deadline,
	.tick = svc_tick,
	.on_state = svc_on_state,
	.close = svc_close,
};

void mgmt_sdnotify_service(struct mgmt_sdnotify *n, struct hvd_service *s)
{
	s->ops = &sdnotify_ops;
	s->ctx = n;
}

int mgmt_sdnotify_add(struct hvd *d)
{
	struct mgmt_sdnotify *n;
	struct hvd_service svc;
	int err = mgmt_sdnotify_open(&n, hvd_core(d));

	if (err < 0 || !n)
		return err;
	if (n->wd_ns)
		cm_info("systemd: watchdog ping every %lld ms",
			(long long)(n->wd_ns / NS_PER_MS));
	mgmt_sdnotify_service(n, &svc);
	err = hvd_service_add(d, &svc);
	if (err < 0) {
		cm_err("systemd: cannot join the poll loop: %s",
		       strerror(-err));
		mgmt_sdnotify_close(n);
	}
	return err;
}
