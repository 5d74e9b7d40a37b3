/* daemon/alarm.c — the alarms' service (see alarm.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/alarm.h"
#include "daemon/alarm_eval.h"
#include "daemon/service.h"
#include "daemon/settings.h"

#define ALARM_TICK_NS NS_PER_SEC
#define ALARM_TICK_EVENTS 32 /* changes of one tick logged */
#define ALARM_LOG_WINDOW_NS (60 * NS_PER_SEC)

struct alarm_svc {
	struct hvd *d;
	struct alarm_set set;
	struct bc_alarm_info tbl[BC_MAX_ALARMS];
	int64_t next;
	/* the log's budget: lines in the window since win_start */
	int64_t win_start;
	int lines;
	uint64_t suppressed;
};

/* "alarm time_error(/dev/ptp0) raised: value 153000 ns, bound 100000 ns":
 * the value in the alarm's own unit, as the options set the bound (an
 * event alarm's value: its events so far). */
/* The log's minute: what it held back is told when the minute ends. */
static void alarm_log_window(struct alarm_svc *a, int64_t now)
{
	if (now - a->win_start < ALARM_LOG_WINDOW_NS)
		return;
	if (a->suppressed)
		cm_notice("alarm: %" PRIu64 " alarm lines not logged in the "
			  "last minute (more than %d)", a->suppressed,
			  ALARM_LOG_BURST);
	a->win_start = now;
	a->lines = 0;
	a->suppressed = 0;
}

static void alarm_log(struct alarm_svc *a, const struct bc *bc,
		      const struct alarm_event *ev)
{
	const struct alarm_entry *e = &a->set.e[ev->slot];
	const char *unit = alarm_kind_unit(e->kind);
	bool up = ev->change == ALARM_RAISED;
	char val[64];

	if (a->lines >= ALARM_LOG_BURST) {
		a->suppressed++;
		return;
	}
	a->lines++;
	if (e->st.applicable)
		snprintf(val, sizeof(val), "value %.6g %s", e->shown, unit);
	else /* cleared because what it watched is no longer known */
		snprintf(val, sizeof(val), "value unknown");
	cm_log(up ? CM_LOG_NOTICE : CM_LOG_INFO,
	       "alarm %s(%s) %s: %s, bound %.6g %s", alarm_kind_name(e->kind),
	       alarm_set_subject(&a->set, bc, ev->slot),
	       alarm_change_name(ev->change), val,
	       alarm_set_bound(&a->set, ev->slot), unit);
}

static int64_t svc_deadline(void *ctx)
{
	return ((struct alarm_svc *)ctx)->next;
}

static void svc_tick(void *ctx, int64_t now)
{
	struct alarm_svc *a = ctx;
	struct bc *bc = hvd_core(a->d);
	struct alarm_event ev[ALARM_TICK_EVENTS];
	int n, m;

	if (now < a->next)
		return;
	a->next += ALARM_TICK_NS;
	if (a->next <= now)
		a->next = now + ALARM_TICK_NS;
	alarm_set_configure(&a->set, &hvd_settings(a->d)->alarms);
	n = alarm_set_update(&a->set, bc, now, ev, ALARM_TICK_EVENTS);
	alarm_log_window(a, now);
	for (int i = 0; i < n && i < ALARM_TICK_EVENTS; i++)
		alarm_log(a, bc, &ev[i]);
	if (n > ALARM_TICK_EVENTS) /* more changes at once than kept */
		a->suppressed += (uint64_t)(n - ALARM_TICK_EVENTS);
	m = alarm_set_export(&a->set, bc, a->tbl, BC_MAX_ALARMS);
	bc_set_alarms(bc, a->tbl, m, a->set.seq);
}

static void svc_close(void *ctx)
{
	free(ctx);
}

static const struct hvd_service_ops alarm_ops = {
	.name = "alarms",
	.deadline = svc_deadline,
	.tick = svc_tick,
	.close = svc_close,
};

int hvd_alarm_add(struct hvd *d)
{
	struct hvd_service svc = { .ops = &alarm_ops };
	struct alarm_svc *a = calloc(1, sizeof(*a));
	int err;

	if (!a)
		return -ENOMEM;
	a->d = d;
	alarm_set_init(&a->set, &hvd_settings(d)->alarms);
	a->next = hvd_monotonic_ns();
	a->win_start = a->next;
	svc.ctx = a;
	err = hvd_service_add(d, &svc);
	if (err < 0) {
		cm_err("alarms: cannot join the poll loop: %s", strerror(-err));
		free(a);
	}
	return err;
}
