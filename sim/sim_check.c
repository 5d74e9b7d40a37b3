/*
 * sim/sim_check.c — evaluating [expect] after a run.
 *
 * Per-node checks from [expect] apply to every node that had a time error
 * to measure (it was not the expected grandmaster all the time); those of
 * a node's own [expect NODE] apply to it in any case, and fail when it had
 * none ("not measured").  Each check prints
 * one line, "ok", "FAIL", "XFAIL" (a failure the scenario or node marks
 * as expected with xfail = reason, e.g. until the servo work lands) or
 * "XPASS" (a marked check that passed: the mark can go).
 * The network checks look at the cores' final data sets: that is the
 * protocol's behaviour being checked, not a measurement.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim.h"

struct tally {
	int pass, fail, xfail, xpass;
};

static const char *const exp_names[SIM_EXP_COUNT] = {
	[SIM_EXP_LOCK_WITHIN] = "lock_within",
	[SIM_EXP_RMS_MAX] = "rms_max",
	[SIM_EXP_MAX_MAX] = "max_max",
	[SIM_EXP_FREQ_RMS_MAX] = "freq_rms_max",
	[SIM_EXP_STEPS_AFTER_LOCK_MAX] = "steps_after_lock_max",
	[SIM_EXP_RELOCK_WITHIN] = "relock_within",
	[SIM_EXP_TRANSITION_MAX] = "transition_max",
	[SIM_EXP_LOCKED] = "locked",
	[SIM_EXP_HOLDOVER_BOUND] = "holdover_bound",
	[SIM_EXP_LOCK_RMS_MAX] = "lock_rms_max",
	[SIM_EXP_LOCK_MAX_MAX] = "lock_max_max",
	[SIM_EXP_LEAP_WITHIN] = "leap_within",
};

/* A check's xfail mark: its reason, or NULL when it is not marked. */
struct mark {
	const char *reason;
};

static struct mark mark_of(const struct sim *s, const struct sim_expect *e,
			   int bit)
{
	struct mark m = { NULL };

	if (e && e->xfail[0] && (e->xfail_mask & (1u << bit)))
		m.reason = e->xfail;
	else if (s->xg.xfail[0] && (s->xg.xfail_mask & (1u << bit)))
		m.reason = s->xg.xfail;
	return m;
}

/* One line per check: ok, FAIL, XFAIL (failed, marked xfail) or XPASS
 * (passed although marked: the mark can go). */
static void verdict(struct tally *t, FILE *out, bool ok, struct mark m,
		    const char *what, const char *measured)
{
	const char *tag;

	if (ok && m.reason) {
		t->xpass++;
		tag = "XPASS";
	} else if (ok) {
		t->pass++;
		tag = "ok   ";
	} else if (m.reason) {
		t->xfail++;
		tag = "XFAIL";
	} else {
		t->fail++;
		tag = "FAIL ";
	}
	fprintf(out, "check: %s %s: %s", tag, what, measured);
	if (m.reason)
		fprintf(out, " (xfail: %s)", m.reason);
	fputc('\n', out);
}

/* In every sample the node reported holdover, |true error| stayed within
 * its own estimate: v = 1 (0 when not, or when it never held over). */
static bool holdover_bound(const struct sim *s, const struct sim_node *n,
			   double *v, char *m, size_t ml)
{
	long long held = 0, over = 0;
	double worst = 0.0, at_end = -1.0;

	for (int k = 0; k < s->npts; k++) {
		const struct sim_pt *p = &n->m.pts[k];
		double r;

		if (!(p->flags & SIM_PT_HOLDOVER) || !(p->flags & SIM_PT_VALID))
			continue;
		held++;
		at_end = p->te_ns;
		r = p->te_ns > 0.0f ? fabs(p->err_ns) / p->te_ns : INFINITY;
		if (r > 1.0)
			over++;
		if (r > worst)
			worst = r;
	}
	*v = held > 0 && over == 0;
	if (!held)
		snprintf(m, ml, "never in holdover");
	else
		snprintf(m, ml, "%.0f s in holdover, |error| beyond the "
			 "estimate in %lld samples, at most %.2f of it; "
			 "estimate at the end %.0f ns",
			 (double)held * (double)s->sample_ns / 1e9, over, worst,
			 at_end);
	return true;
}

/* The distinct clockClass values in a row (own, or the grandmaster's). */
static void class_seq(const struct sim *s, const struct sim_node *n,
		      bool gm, char *b, size_t bl)
{
	size_t o = 0;
	int last = -1;

	b[0] = '\0';
	for (int k = 0; k < s->npts && o < bl; k++) {
		const struct sim_pt *p = &n->m.pts[k];
		int c = gm ? p->gm_cls : p->cls;

		if (!(p->flags & SIM_PT_VALID) || c == last)
			continue;
		o += (size_t)snprintf(b + o, bl - o, "%s%d", last < 0 ? "" : " ",
				      c);
		last = c;
	}
}

/* "248 135 165" against the sequence, blanks and commas alike. */
static bool class_seq_eq(const char *want, const char *got)
{
	char a[128], *tok, *save = NULL;
	size_t o = 0;

	for (snprintf(a, sizeof(a), "%s", want),
	     tok = strtok_r(a, " \t,", &save);
	     tok; tok = strtok_r(NULL, " \t,", &save)) {
		size_t l = strlen(tok);

		if (strncmp(got + o, tok, l) != 0 ||
		    (got[o + l] != ' ' && got[o + l] != '\0'))
			return false;
		o += l + (got[o + l] == ' ');
	}
	return got[o] == '\0';
}

static void check_classes(const struct sim *s, const struct sim_node *n,
			  bool gm, struct tally *t, FILE *out)
{
	const char *want = gm ? n->m.exp.gm_classes : n->m.exp.clock_classes;
	char got[160], what[200];

	class_seq(s, n, gm, got, sizeof(got));
	snprintf(what, sizeof(what), "%s %s = %s", n->name,
		 gm ? "gm_classes" : "clock_classes", want);
	verdict(t, out, class_seq_eq(want, got),
		mark_of(s, &n->m.exp, gm ? SIM_XF_GM_CLASSES
					 : SIM_XF_CLOCK_CLASSES),
		what, got[0] ? got : "none");
}

/* The scenario's leap seconds within the run (on true TAI time). */
static int leaps_in_run(const struct sim *s)
{
	int64_t tl;
	int dir, n = 0;

	for (int i = 0; sim_leap_instant(s, i, &tl, &dir); i++) {
		int64_t t = tl * NS_PER_SEC - s->epoch_ns;

		n += t >= 0 && t <= s->duration_ns;
	}
	return n;
}

/* leap_within: the clock's kernel made each leap of the run, the right
 * way, once; v the worst |error| of the instants (infinite otherwise). */
static bool leap_check(const struct sim *s, const struct sim_meter *mt,
		       double *v, char *m, size_t ml)
{
	int want = leaps_in_run(s);

	*v = mt->leap_worst_ns;
	if (mt->leaps)
		snprintf(m, ml, "%d leap second%s (%d in the run)%s, the worst "
			 "%.1f ns off its instant", mt->leaps,
			 mt->leaps == 1 ? "" : "s", want,
			 mt->leaps_wrong ? ", not all the scenario's" : "", *v);
	else
		snprintf(m, ml, "no leap second (%d in the run)", want);
	if (mt->leaps != want || mt->leaps_wrong)
		*v = INFINITY;
	return true;
}

/* relock_within and transition_max: over the scenario's events. */
static bool measure_events(const struct sim *s, const struct sim_result *r,
			   enum sim_exp_key k, double *v, char *m, size_t ml)
{
	if (!s->nacts) {
		*v = 0.0;
		snprintf(m, ml, "no events");
		return true;
	}
	if (k == SIM_EXP_RELOCK_WITHIN) {
		*v = (double)r->worst_relock_ns;
		snprintf(m, ml, r->worst_relock_ns < 0 ? "never relocked"
						       : "%.3f s",
			 (double)r->worst_relock_ns / 1e9);
		return r->worst_relock_ns >= 0;
	}
	*v = r->worst_transition_ns;
	snprintf(m, ml, "%.1f ns", *v);
	return true;
}

/* The measured value of a per-node check; false if it cannot pass. */
static bool measure(const struct sim *s, const struct sim_node *n,
		    const struct sim_meter *mt, enum sim_exp_key k, double *v,
		    char *m, size_t ml)
{
	const struct sim_result *r = &mt->res;

	if (k == SIM_EXP_HOLDOVER_BOUND)
		return holdover_bound(s, n, v, m, ml);
	if (k == SIM_EXP_LEAP_WITHIN)
		return leap_check(s, mt, v, m, ml);
	if (k == SIM_EXP_LOCKED) {
		*v = r->locked_at_end;
		snprintf(m, ml, "%s", r->locked_at_end ? "yes" : "no");
		return true;
	}
	if (k == SIM_EXP_RELOCK_WITHIN || k == SIM_EXP_TRANSITION_MAX)
		return measure_events(s, r, k, v, m, ml);
	if (!r->locked) {
		snprintf(m, ml, "never locked");
		return false;
	}
	switch (k) {
	case SIM_EXP_LOCK_WITHIN:
		*v = (double)r->lock_t;
		snprintf(m, ml, "%.3f s", *v / 1e9);
		break;
	case SIM_EXP_RMS_MAX:
		*v = r->rms_ns;
		snprintf(m, ml, "%.1f ns", *v);
		break;
	case SIM_EXP_MAX_MAX:
		*v = r->max_ns;
		snprintf(m, ml, "%.1f ns", *v);
		break;
	case SIM_EXP_FREQ_RMS_MAX:
		*v = r->freq_rms_ppb;
		snprintf(m, ml, "%.3f ppb", *v);
		break;
	case SIM_EXP_LOCK_RMS_MAX:
		*v = r->lock_rms_ns;
		snprintf(m, ml, "%.1f ns", *v);
		break;
	case SIM_EXP_LOCK_MAX_MAX:
		*v = r->lock_max_ns;
		snprintf(m, ml, "%.1f ns", *v);
		break;
	default:
		*v = (double)r->steps_after_lock;
		snprintf(m, ml, "%llu", (unsigned long long)r->steps_after_lock);
		break;
	}
	return true;
}

static void limit_text(enum sim_exp_key k, double v, char *b, size_t bl)
{
	switch (k) {
	case SIM_EXP_LOCK_WITHIN:
	case SIM_EXP_RELOCK_WITHIN:
		snprintf(b, bl, "<= %g s", v / 1e9);
		break;
	case SIM_EXP_LEAP_WITHIN:
		snprintf(b, bl, "<= %g us", v / 1e3);
		break;
	case SIM_EXP_FREQ_RMS_MAX:
		snprintf(b, bl, "<= %g ppb", v);
		break;
	case SIM_EXP_STEPS_AFTER_LOCK_MAX:
		snprintf(b, bl, "<= %g", v);
		break;
	case SIM_EXP_LOCKED:
	case SIM_EXP_HOLDOVER_BOUND:
		snprintf(b, bl, "= %s", v != 0.0 ? "yes" : "no");
		break;
	default:
		snprintf(b, bl, "<= %g ns", v);
		break;
	}
}

static void check_port_states(const struct sim *s, const struct sim_node *n,
			      struct tally *t, FILE *out)
{
	char buf[160], *tok, *save = NULL, what[200], got[64];
	int pi;

	snprintf(buf, sizeof(buf), "%s", n->m.exp.port_state);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');
		const char *have = "-";

		*colon = '\0';
		pi = sim_find_port(n, tok);
		if (n->bc && pi >= 0)
			have = port_state_name(
				bc_port_ds(n->bc, pi)->port_state);
		snprintf(what, sizeof(what), "%s port_state %s = %s", n->name,
			 tok, colon + 1);
		snprintf(got, sizeof(got), "%s", have);
		verdict(t, out, strcasecmp(have, colon + 1) == 0,
			mark_of(s, &n->m.exp, SIM_XF_PORT_STATE), what, got);
	}
}

/* Each "PORT:MIN-MAX": the port's link delay (P2P) at the end. */
static void check_link_delays(const struct sim *s, const struct sim_node *n,
			      struct tally *t, FILE *out)
{
	char buf[160], *tok, *save = NULL, what[200], got[64];
	struct bc_pdelay_info pi;
	long long lo = 0, hi = 0;
	bool ok;
	int k;

	snprintf(buf, sizeof(buf), "%s", n->m.exp.link_delay);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		char *colon = strchr(tok, ':');

		*colon = '\0';
		sscanf(colon + 1, "%lld-%lld", &lo, &hi);
		k = sim_find_port(n, tok);
		ok = n->bc && k >= 0 && bc_port_pdelay_info(n->bc, k, &pi) == 0 &&
		     pi.valid;
		snprintf(what, sizeof(what), "%s link_delay %s in %lld..%lld ns",
			 n->name, tok, lo, hi);
		if (ok)
			snprintf(got, sizeof(got), "%lld ns",
				 (long long)pi.mean_link_delay_ns);
		else
			snprintf(got, sizeof(got), "none measured");
		ok = ok && pi.mean_link_delay_ns >= lo &&
		     pi.mean_link_delay_ns <= hi;
		verdict(t, out, ok, mark_of(s, &n->m.exp, SIM_XF_LINK_DELAY),
			what, got);
	}
}

/* Why a node (or clock) has no time error to check. */
static const char *unmeasured_why(const struct sim *s,
				  const struct sim_meter *mt)
{
	for (int k = 0; k < s->npts; k++) {
		if (mt->pts[k].flags & SIM_PT_VALID)
			return "not measured: the expected grandmaster all "
			       "the time";
	}
	return "not measured: never up (or never in a part with a "
	       "grandmaster)";
}

/*
 * The per-node (or per-clock) checks.  One that was never measured (the
 * expected grandmaster all the time, or never up) is checked only on what
 * its own [expect NODE] asks: the time-error checks fail ("not
 * measured"), the port states and clockClass sequences, which need no
 * measurement, are evaluated.  [expect] defaults do not apply to it.
 */
static void check_meter(const struct sim *s, const struct sim_node *n,
			const struct sim_meter *mt, const char *name,
			struct tally *t, FILE *out)
{
	const struct sim_expect *e = &mt->exp;
	bool measured = mt->res.measured;
	char what[200], lim[64], m[192];
	double v = 0.0;

	for (int k = 0; k < SIM_EXP_COUNT; k++) {
		bool ok;

		if (!e->has[k] || (!measured && !(e->own & (1u << k))))
			continue;
		if (measured) {
			ok = measure(s, n, mt, (enum sim_exp_key)k, &v, m,
				     sizeof(m));
		} else {
			ok = false;
			snprintf(m, sizeof(m), "%s", unmeasured_why(s, mt));
		}
		if (ok && (k == SIM_EXP_LOCKED || k == SIM_EXP_HOLDOVER_BOUND))
			ok = (v != 0.0) == (e->val[k] != 0.0);
		else if (ok)
			ok = v <= e->val[k];
		limit_text((enum sim_exp_key)k, e->val[k], lim, sizeof(lim));
		snprintf(what, sizeof(what), "%s %s %s", name, exp_names[k],
			 lim);
		verdict(t, out, ok, mark_of(s, e, k), what, m);
	}
}

/* alarms: the node's raises and clears of the kinds named, in order. */
static void check_alarms(const struct sim *s, const struct sim_node *n,
			 struct tally *t, FILE *out)
{
	char got[640], what[600];
	bool ok = sim_alarm_match(n, n->m.exp.alarms, got, sizeof(got));

	snprintf(what, sizeof(what), "%s alarms = %s", n->name,
		 n->m.exp.alarms);
	verdict(t, out, ok, mark_of(s, &n->m.exp, SIM_XF_ALARMS), what,
		got[0] ? got : "none");
}

static void check_node(const struct sim *s, const struct sim_node *n,
		       struct tally *t, FILE *out)
{
	const struct sim_expect *e = &n->m.exp;
	bool measured = n->m.res.measured;

	check_meter(s, n, &n->m, n->name, t, out);
	if (e->port_state[0])
		check_port_states(s, n, t, out);
	if (e->link_delay[0])
		check_link_delays(s, n, t, out);
	if (e->clock_classes[0] &&
	    (measured || (e->own & (1u << SIM_XF_CLOCK_CLASSES))))
		check_classes(s, n, false, t, out);
	if (e->gm_classes[0] &&
	    (measured || (e->own & (1u << SIM_XF_GM_CLASSES))))
		check_classes(s, n, true, t, out);
	if (e->alarms[0])
		check_alarms(s, n, t, out);
	for (int k = 0; k < n->ncm; k++) {
		char name[48];

		snprintf(name, sizeof(name), "%s:%s", n->name, n->clk_name[k]);
		check_meter(s, n, &n->cm[k], name, t, out);
	}
}

/* ---- network checks ---- */

static int node_of_identity(const struct sim *s,
			    const struct clock_identity *id)
{
	for (int i = 0; i < s->nnodes; i++) {
		if (clock_identity_eq(&s->nodes[i].set.clock.clock_identity, id))
			return i;
	}
	return -1;
}

/* Every up node names its part's expected grandmaster (want < 0) or
 * node want; returns the number of nodes that disagree. */
static int gm_disagreements(const struct sim *s, int want, char *m,
			    size_t ml)
{
	int bad = 0;
	size_t o = 0;

	m[0] = '\0';
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		int exp = want >= 0 ? want : n->gm, got;

		if (!n->up || !n->bc)
			continue;
		got = node_of_identity(
			s, &bc_parent_ds(n->bc)->grandmaster_identity);
		if (got == exp)
			continue;
		bad++;
		if (o < ml)
			o += (size_t)snprintf(m + o, ml - o, "%s%s follows %s",
					      bad > 1 ? ", " : "", n->name,
					      got >= 0 ? s->nodes[got].name
						       : "an unknown clock");
	}
	return bad;
}

static void check_gm(const struct sim *s, struct tally *t, FILE *out)
{
	const struct sim_expect_global *g = &s->xg;
	char m[512], what[128];
	int bad;

	if (g->one_grandmaster >= 0) {
		bad = gm_disagreements(s, -1, m, sizeof(m));
		if (!bad)
			snprintf(m, sizeof(m), "every node follows its "
					       "expected grandmaster");
		verdict(t, out, (bad == 0) == (g->one_grandmaster != 0),
			mark_of(s, NULL, SIM_XF_ONE_GRANDMASTER),
			"one_grandmaster", m);
	}
	if (g->grandmaster >= 0) {
		bad = gm_disagreements(s, g->grandmaster, m, sizeof(m));
		if (!bad)
			snprintf(m, sizeof(m), "all follow it");
		snprintf(what, sizeof(what), "grandmaster = %s",
			 s->nodes[g->grandmaster].name);
		verdict(t, out, bad == 0, mark_of(s, NULL, SIM_XF_GRANDMASTER),
			what, m);
	}
}

/* Is word one of the blank- or comma-separated words of list? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
		bool start = p == list || strchr(" \t,", p[-1]);
		bool end = p[n] == '\0' || strchr(" \t,", p[n]);

		if (start && end)
			return true;
	}
	return false;
}

static void check_passive(const struct sim *s, struct tally *t, FILE *out)
{
	const struct sim_expect_global *g = &s->xg;
	char list[512], what[300];
	size_t o = 0;
	int count = 0;
	bool same = true;

	list[0] = '\0';
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];

		for (int p = 0; n->bc && p < n->nports; p++) {
			char one[64];

			if (bc_port_ds(n->bc, p)->port_state != PS_PASSIVE)
				continue;
			count++;
			snprintf(one, sizeof(one), "%s:%s", n->name,
				 n->ports[p].name);
			same &= in_list(g->passive_ports, one);
			if (o < sizeof(list))
				o += (size_t)snprintf(list + o, sizeof(list) - o,
						      "%s%s", count > 1 ? " "
									: "",
						      one);
		}
	}
	if (!count)
		snprintf(list, sizeof(list), "none");
	if (g->passive_count >= 0) {
		snprintf(what, sizeof(what), "passive_ports = %d",
			 g->passive_count);
		verdict(t, out, count == g->passive_count,
			mark_of(s, NULL, SIM_XF_PASSIVE_PORTS), what, list);
	}
	if (g->passive_ports[0]) {
		int want = 0;
		char buf[256], *tok, *save = NULL;

		snprintf(buf, sizeof(buf), "%s", g->passive_ports);
		for (tok = strtok_r(buf, " \t,", &save); tok;
		     tok = strtok_r(NULL, " \t,", &save))
			want++;
		snprintf(what, sizeof(what), "passive_ports = %s",
			 g->passive_ports);
		verdict(t, out, same && count == want,
			mark_of(s, NULL, SIM_XF_PASSIVE_PORTS), what, list);
	}
}

int sim_check(const struct sim *s, FILE *out)
{
	struct tally t = { 0, 0, 0, 0 };

	check_gm(s, &t, out);
	check_passive(s, &t, out);
	for (int i = 0; i < s->nnodes; i++)
		check_node(s, &s->nodes[i], &t, out);
	fprintf(out, "check: %d passed, %d failed, %d expected failures, %d "
		     "unexpected passes\n",
		t.pass, t.fail, t.xfail, t.xpass);
	if (t.fail)
		return 1;
	if (t.xfail)
		return 3;
	return t.xpass ? 4 : 0;
}
