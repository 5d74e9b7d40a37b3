/* common/alarm.c — the alarm state machine (see alarm.h). */
#include "common/alarm.h"

#include <string.h>

void alarm_state_init(struct alarm_state *a)
{
	memset(a, 0, sizeof(*a));
	a->pending_ns = -1;
}

static enum alarm_change alarm_set(struct alarm_state *a, bool on,
				   int64_t now)
{
	a->active = on;
	a->since_ns = now;
	a->pending_ns = -1;
	if (on)
		a->raised++;
	return on ? ALARM_RAISED : ALARM_CLEARED;
}

static enum alarm_change alarm_level(struct alarm_state *a,
				     const struct alarm_rule *r, double v,
				     int64_t now)
{
	/* toward a change: above the bound while clear, at or below the
	 * clear bound while raised */
	bool toward = a->active ? v <= r->clear_bound : v > r->bound;

	if (!toward) {
		a->pending_ns = -1;
		return ALARM_SAME;
	}
	if (a->pending_ns < 0) {
		a->pending_ns = now;
		if (!a->active)
			a->peak = v;
	}
	if (!a->active && v > a->peak)
		a->peak = v;
	if (now - a->pending_ns < r->hold_ns)
		return ALARM_SAME;
	return alarm_set(a, !a->active, now);
}

static enum alarm_change alarm_event(struct alarm_state *a,
				     const struct alarm_rule *r, double n,
				     int64_t now)
{
	if (n > 0) {
		a->last_event_ns = now;
		a->peak = n;
		if (!a->active)
			return alarm_set(a, true, now);
		return ALARM_SAME;
	}
	if (a->active && now - a->last_event_ns >= r->hold_ns)
		return alarm_set(a, false, now);
	return ALARM_SAME;
}

enum alarm_change alarm_update(struct alarm_state *a,
			       const struct alarm_rule *r, bool known,
			       double value, int64_t now)
{
	if (!known || r->off) {
		a->applicable = false;
		a->pending_ns = -1;
		return a->active ? alarm_set(a, false, now) : ALARM_SAME;
	}
	a->applicable = true;
	a->value = value;
	return r->mode == ALARM_EVENT ? alarm_event(a, r, value, now)
				      : alarm_level(a, r, value, now);
}

const char *alarm_change_name(enum alarm_change c)
{
	return c == ALARM_RAISED ? "raised" : c == ALARM_CLEARED ? "cleared"
								 : "same";
}

static const struct {
	const char *name, *unit;
} alarm_kinds[ALARM_KIND_COUNT] = {
	[ALARM_TIME_ERROR] = { "time_error", "ns" },
	[ALARM_FREQUENCY] = { "frequency", "ppb" },
	[ALARM_DRIFT_RATE] = { "drift_rate", "ppb/s" },
	[ALARM_PATH_DELAY_JUMP] = { "path_delay_jump", "ns" },
	[ALARM_DELAY_VARIATION] = { "delay_variation", "ns" },
	[ALARM_GRANDMASTER_CHANGE] = { "grandmaster_change", "events" },
	[ALARM_CLOCK_CLASS] = { "clock_class", "class" },
	[ALARM_HOLDOVER] = { "holdover", "state" },
	[ALARM_PORT_FAULTY] = { "port_faulty", "state" },
	[ALARM_CLOCK_STEP] = { "clock_step", "events" },
	[ALARM_TX_TIMESTAMP_LOST] = { "tx_timestamp_lost", "events" },
	[ALARM_FOREIGN_MASTER_OVERFLOW] = { "foreign_master_overflow",
					    "events" },
};

const char *alarm_kind_name(unsigned k)
{
	return k < ALARM_KIND_COUNT ? alarm_kinds[k].name : NULL;
}

const char *alarm_kind_unit(unsigned k)
{
	return k < ALARM_KIND_COUNT ? alarm_kinds[k].unit : NULL;
}

int alarm_kind_from_name(const char *name)
{
	for (unsigned k = 0; name && k < ALARM_KIND_COUNT; k++) {
		if (strcmp(alarm_kinds[k].name, name) == 0)
			return (int)k;
	}
	return -1;
}
