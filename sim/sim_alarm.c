/*
 * sim/sim_alarm.c — the nodes' alarms in the simulator (see sim.h).
 *
 * Each up node with a core runs the daemon's alarm set
 * (daemon/alarm_eval.h) on its own core once a second of its monotonic
 * time, with its settings (alarm_* keys of its section), exactly as
 * hvptpd's alarm service does; a restarted node starts a new set, as a
 * restarted daemon would, and gives the table to the core (as the
 * service does: --status shows it).  Every raise and clear is recorded
 * with the run's true time for the report and the alarms check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/alarm_eval.h"
#include "sim/sim.h"

#define SIM_ALARM_RECS 64

struct sim_alarm_rec {
	int64_t t; /* true time */
	uint8_t kind;
	bool raised;
	char subject[BC_ALARM_SUBJECT_LEN];
};

struct sim_alarms {
	struct alarm_set set;
	uint32_t epoch; /* the node's start it belongs to */
	int64_t next; /* the next tick (node's monotonic ns) */
	int n;
	uint64_t lost; /* records beyond SIM_ALARM_RECS */
	struct sim_alarm_rec rec[SIM_ALARM_RECS];
	struct bc_alarm_info tbl[BC_MAX_ALARMS]; /* for the core */
};

static void node_tick(struct sim *s, struct sim_node *n)
{
	struct sim_alarms *a = n->al;
	int64_t mono = sim_node_mono(n);
	struct alarm_event ev[32];
	int k;

	if (!a && !(a = n->al = calloc(1, sizeof(*a))))
		return;
	if (a->epoch != n->epoch || !a->next) {
		alarm_set_init(&a->set, &n->set.alarms);
		a->epoch = n->epoch;
		a->next = mono;
	}
	if (mono < a->next)
		return;
	a->next += NS_PER_SEC;
	k = alarm_set_update(&a->set, n->bc, mono, ev, 32);
	for (int i = 0; i < k && i < 32; i++) {
		struct sim_alarm_rec *r = &a->rec[a->n];
		const struct alarm_entry *e = &a->set.e[ev[i].slot];

		if (a->n >= SIM_ALARM_RECS) {
			a->lost++;
			continue;
		}
		r->t = s->now;
		r->kind = e->kind;
		r->raised = ev[i].change == ALARM_RAISED;
		snprintf(r->subject, sizeof(r->subject), "%.15s",
			 alarm_set_subject(&a->set, n->bc, ev[i].slot));
		a->n++;
	}
	k = alarm_set_export(&a->set, n->bc, a->tbl, BC_MAX_ALARMS);
	bc_set_alarms(n->bc, a->tbl, k, a->set.seq); /* for --status */
}

void sim_alarm_tick(struct sim *s)
{
	for (int i = 0; i < s->nnodes; i++) {
		struct sim_node *n = &s->nodes[i];

		if (n->up && n->bc && !n->guest && !n->vmreader)
			node_tick(s, n);
	}
}

void sim_alarm_free(struct sim_node *n)
{
	free(n->al);
	n->al = NULL;
}

void sim_alarm_report(const struct sim *s, FILE *out)
{
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_alarms *a = s->nodes[i].al;

		for (int j = 0; a && j < a->n; j++)
			fprintf(out, "alarm %s %.3f s: %s(%s) %s\n",
				s->nodes[i].name, (double)a->rec[j].t / 1e9,
				alarm_kind_name(a->rec[j].kind),
				a->rec[j].subject,
				a->rec[j].raised ? "raised" : "cleared");
		if (a && a->lost)
			fprintf(out, "alarm %s: %llu more not recorded\n",
				s->nodes[i].name, (unsigned long long)a->lost);
	}
}

/* ---- the expectation ---- */

struct want_item {
	int kind;
	char subject[BC_ALARM_SUBJECT_LEN]; /* "" any */
	bool raised;
	double lo, hi; /* s */
};

/* "A..B" (seconds, A <= B): 0 or -EINVAL. */
static int parse_range(const char *v, double *lo, double *hi)
{
	const char *dots = strstr(v, "..");
	char a[32], *end;

	if (!dots || (size_t)(dots - v) >= sizeof(a))
		return -EINVAL;
	snprintf(a, sizeof(a), "%.*s", (int)(dots - v), v);
	*lo = strtod(a, &end);
	if (end == a || *end)
		return -EINVAL;
	*hi = strtod(dots + 2, &end);
	if (end == dots + 2 || (*end && strcmp(end, " s")) || *lo > *hi)
		return -EINVAL;
	return 0;
}

/* "KIND[(SUBJECT)] raised|cleared A..B": 0 or -EINVAL with why. */
static int parse_item(char *tok, struct want_item *w, char *why, size_t wl)
{
	char name[48], change[16], range[48], *open;

	if (sscanf(tok, " %47s %15s %47[^,]", name, change, range) != 3 ||
	    parse_range(range, &w->lo, &w->hi)) {
		snprintf(why, wl, "'%s': want KIND[(SUBJECT)] raised|cleared "
			 "A..B (seconds)", tok);
		return -EINVAL;
	}
	w->subject[0] = '\0';
	open = strchr(name, '(');
	if (open) {
		size_t l = strlen(open + 1);

		if (!l || open[l] != ')' || l - 1 >= sizeof(w->subject)) {
			snprintf(why, wl, "'%s': bad (SUBJECT)", name);
			return -EINVAL;
		}
		snprintf(w->subject, sizeof(w->subject), "%.*s", (int)(l - 1),
			 open + 1);
		*open = '\0';
	}
	w->kind = alarm_kind_from_name(name);
	if (w->kind < 0 || (strcmp(change, "raised") && strcmp(change,
							       "cleared"))) {
		snprintf(why, wl, "'%s %s': not an alarm (time_error.."
			 "foreign_master_overflow) raised or cleared", name,
			 change);
		return -EINVAL;
	}
	w->raised = !strcmp(change, "raised");
	return 0;
}

static int parse_list(const char *want, struct want_item *w, int max,
		      char *why, size_t wl)
{
	char buf[512], *tok, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", want);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n >= max) {
			snprintf(why, wl, "more than %d alarm changes", max);
			return -EINVAL;
		}
		if (parse_item(tok, &w[n], why, wl))
			return -EINVAL;
		n++;
	}
	if (!n)
		snprintf(why, wl, "want KIND[(SUBJECT)] raised|cleared A..B, "
			 "...");
	return n ? n : -EINVAL;
}

int sim_alarm_parse(const char *want, char *why, size_t wl)
{
	struct want_item w[16];

	return parse_list(want, w, 16, why, wl) < 0 ? -EINVAL : 0;
}

/* The record counts for the list: its kind is named (with that subject
 * when the list gives one for the kind). */
static bool named(const struct want_item *w, int n,
		  const struct sim_alarm_rec *r)
{
	for (int i = 0; i < n; i++) {
		if (w[i].kind == r->kind &&
		    (!w[i].subject[0] || !strcmp(w[i].subject, r->subject)))
			return true;
	}
	return false;
}

bool sim_alarm_match(const struct sim_node *n, const char *want, char *got,
		     size_t gl)
{
	const struct sim_alarms *a = n->al;
	struct want_item w[16];
	char why[200];
	int nw = parse_list(want, w, 16, why, sizeof(why)), k = 0;
	double end = (double)n->sim->duration_ns / 1e9;
	size_t o = 0;
	bool ok = nw > 0;

	/* a shortened run (-d): the changes it cannot reach are left out */
	while (nw > 0 && w[nw - 1].hi > end)
		nw--;
	if (nw == 0)
		ok = true;

	got[0] = '\0';
	for (int j = 0; a && j < a->n; j++) {
		const struct sim_alarm_rec *r = &a->rec[j];
		double t = (double)r->t / 1e9;
		int l;

		if (nw <= 0 || !named(w, nw, r) || t > end)
			continue;
		if (k >= nw || w[k].kind != r->kind || w[k].raised != r->raised ||
		    (w[k].subject[0] && strcmp(w[k].subject, r->subject)) ||
		    t < w[k].lo || t > w[k].hi)
			ok = false;
		k++;
		l = snprintf(got + o, gl - o, "%s%s(%s) %s %.1f", o ? ", " : "",
			     alarm_kind_name(r->kind), r->subject,
			     r->raised ? "raised" : "cleared", t);
		if (l > 0 && (size_t)l < gl - o)
			o += (size_t)l;
	}
	return ok && k == nw;
}
