/*
 * sim/sim_expect.c — the [expect] sections.
 *
 * [expect] holds the checks for the whole network (one_grandmaster,
 * grandmaster, passive_ports), a scenario-wide xfail, and per-node checks
 * that apply to every node that has a time error to measure; [expect NODE]
 * overrides per-node checks for one node and may carry its own xfail and
 * port_state; [expect NODE:CLOCK] holds the checks of one of the node's
 * clocks (phc0.., sys: the time-error checks and leap_within), which
 * [expect] does not reach.  The checks a node's own section sets are marked (own): they
 * apply even when the node turns out not to be measured (and fail).
 * "xfail = REASON" marks the section's checks as expected to fail (until
 * the servo work, say); "xfail = rms_max max_max: REASON" only the checks
 * named.  What each check compares is in sim_check.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim.h"
#include "sim/sim_scn.h"

enum exp_type { ET_TIME, ET_PPB, ET_COUNT, ET_BOOL };

static const struct {
	const char *name;
	enum sim_exp_key key;
	enum exp_type type;
} exp_keys[] = {
	{ "lock_within", SIM_EXP_LOCK_WITHIN, ET_TIME },
	{ "rms_max", SIM_EXP_RMS_MAX, ET_TIME },
	{ "max_max", SIM_EXP_MAX_MAX, ET_TIME },
	{ "freq_rms_max", SIM_EXP_FREQ_RMS_MAX, ET_PPB },
	{ "steps_after_lock_max", SIM_EXP_STEPS_AFTER_LOCK_MAX, ET_COUNT },
	{ "relock_within", SIM_EXP_RELOCK_WITHIN, ET_TIME },
	{ "transition_max", SIM_EXP_TRANSITION_MAX, ET_TIME },
	{ "locked", SIM_EXP_LOCKED, ET_BOOL },
	{ "holdover_bound", SIM_EXP_HOLDOVER_BOUND, ET_BOOL },
	{ "lock_rms_max", SIM_EXP_LOCK_RMS_MAX, ET_TIME },
	{ "lock_max_max", SIM_EXP_LOCK_MAX_MAX, ET_TIME },
	{ "leap_within", SIM_EXP_LEAP_WITHIN, ET_TIME },
};

#define N_EXP_KEYS (int)(sizeof(exp_keys) / sizeof(*exp_keys))

static const struct {
	const char *name;
	int bit;
} xf_names[] = {
	{ "port_state", SIM_XF_PORT_STATE },
	{ "one_grandmaster", SIM_XF_ONE_GRANDMASTER },
	{ "grandmaster", SIM_XF_GRANDMASTER },
	{ "passive_ports", SIM_XF_PASSIVE_PORTS },
	{ "clock_classes", SIM_XF_CLOCK_CLASSES },
	{ "gm_classes", SIM_XF_GM_CLASSES },
	{ "alarms", SIM_XF_ALARMS },
	{ "link_delay", SIM_XF_LINK_DELAY },
};

static int check_bit(const char *name)
{
	for (int k = 0; k < N_EXP_KEYS; k++) {
		if (strcmp(name, exp_keys[k].name) == 0)
			return exp_keys[k].key;
	}
	for (size_t i = 0; i < sizeof(xf_names) / sizeof(*xf_names); i++) {
		if (strcmp(name, xf_names[i].name) == 0)
			return xf_names[i].bit;
	}
	return -1;
}

/* "xfail = REASON" covers every check of the section; "xfail = KEY...:
 * REASON" only the checks named before the colon. */
static void parse_xfail(const char *v, char *reason, size_t rl,
			unsigned *mask)
{
	const char *colon = strchr(v, ':');
	char names[160], *tok, *save = NULL;
	unsigned m = 0;

	*mask = SIM_XF_ALL;
	snprintf(reason, rl, "%s", v);
	if (!colon || (size_t)(colon - v) >= sizeof(names))
		return;
	snprintf(names, sizeof(names), "%.*s", (int)(colon - v), v);
	for (tok = strtok_r(names, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		int bit = check_bit(tok);

		if (bit < 0)
			return; /* not a list of checks: all of it is text */
		m |= 1u << bit;
	}
	if (!m)
		return;
	*mask = m;
	snprintf(reason, rl, "%s", colon + 1 + strspn(colon + 1, " \t"));
}

struct xctx {
	struct sim *s;
	const char *path;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int
bad_at(struct xctx *x, int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = scn_vfail(x->err, x->errlen, x->path, line, fmt, ap);
	va_end(ap);
	return rc;
}

static int exp_value(enum exp_type t, const char *v, double *out, char *why,
		     size_t wl)
{
	long long n;
	int64_t ns;
	bool b;

	switch (t) {
	case ET_TIME:
		if (scn_time(v, &ns, why, wl))
			return -EINVAL;
		*out = (double)ns;
		return 0;
	case ET_PPB:
		return scn_ppb(v, out, why, wl);
	case ET_COUNT:
		if (scn_int(v, 0, 1000000000, &n, why, wl))
			return -EINVAL;
		*out = (double)n;
		return 0;
	case ET_BOOL:
		if (scn_bool(v, &b, why, wl))
			return -EINVAL;
		*out = b;
		return 0;
	}
	return -EINVAL;
}

static int state_from_name(const char *name)
{
	for (int st = PS_INITIALIZING; st <= PS_SLAVE; st++) {
		if (strcasecmp(name, port_state_name((enum port_state)st)) == 0)
			return st;
	}
	return -1;
}

/* "PORT:STATE ..." for node n (or "NODE:PORT ..." when n is NULL). */
static int check_port_list(struct xctx *x, const struct sim_node *n,
			   const struct scn_entry *e)
{
	char buf[256], *tok, *save = NULL, *colon;
	const char *port;
	int ni;

	snprintf(buf, sizeof(buf), "%s", e->value);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		colon = strchr(tok, ':');
		if (!colon)
			return bad_at(x, e->line, "%s: '%s': want %s", e->key,
					tok, n ? "PORT:STATE" : "NODE:PORT");
		*colon = '\0';
		if (n && state_from_name(colon + 1) < 0)
			return bad_at(x, e->line, "%s: '%s': not a port "
					"state", e->key, colon + 1);
		ni = n ? n->index : sim_find_node(x->s, tok);
		if (ni < 0)
			return bad_at(x, e->line, "%s: no node %s", e->key,
					tok);
		port = n ? tok : colon + 1;
		if (sim_find_port(&x->s->nodes[ni], port) < 0)
			return bad_at(x, e->line, "%s: node %s has no port %s",
					e->key, x->s->nodes[ni].name, port);
	}
	return 0;
}

/* "PORT:MIN-MAX ..." (ns) for node n: the port's measured link delay. */
static int check_link_delay_list(struct xctx *x, const struct sim_node *n,
				 const struct scn_entry *e)
{
	char buf[256], *tok, *save = NULL, *colon;
	long long lo, hi;
	int used;

	snprintf(buf, sizeof(buf), "%s", e->value);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		colon = strchr(tok, ':');
		used = 0;
		if (!colon ||
		    sscanf(colon + 1, "%lld-%lld%n", &lo, &hi, &used) != 2 ||
		    colon[1 + used] != '\0' || lo > hi)
			return bad_at(x, e->line, "%s: '%s': want PORT:MIN-MAX "
					"(ns)", e->key, tok);
		*colon = '\0';
		if (sim_find_port(n, tok) < 0)
			return bad_at(x, e->line, "%s: node %s has no port %s",
					e->key, n->name, tok);
	}
	return 0;
}

static int global_key(struct xctx *x, const struct scn_entry *e)
{
	struct sim_expect_global *g = &x->s->xg;
	char why[300];
	long long n;
	bool b;

	if (strcmp(e->key, "one_grandmaster") == 0) {
		if (scn_bool(e->value, &b, why, sizeof(why)))
			return bad_at(x, e->line, "%s: %s", e->key, why);
		g->one_grandmaster = b;
	} else if (strcmp(e->key, "grandmaster") == 0) {
		g->grandmaster = sim_find_node(x->s, e->value);
		if (g->grandmaster < 0)
			return bad_at(x, e->line, "grandmaster: no node %s",
					e->value);
	} else if (strcmp(e->key, "passive_ports") == 0) {
		if (isdigit((unsigned char)e->value[0])) {
			if (scn_int(e->value, 0, 100000, &n, why, sizeof(why)))
				return bad_at(x, e->line, "%s: %s", e->key,
						why);
			g->passive_count = (int)n;
		} else {
			if (check_port_list(x, NULL, e))
				return -EINVAL;
			snprintf(g->passive_ports, sizeof(g->passive_ports),
				 "%s", e->value);
		}
	} else {
		return 1; /* not a global key */
	}
	return 0;
}

/* "clock_classes = 248 135 165 248": clockClass values, 0..255. */
static int class_list(struct xctx *x, struct sim_expect *ex,
		      const struct scn_entry *e)
{
	char buf[96], why[300], *tok, *save = NULL;
	bool gm = strcmp(e->key, "gm_classes") == 0;
	long long v;
	int n = 0;

	if (strlen(e->value) >= sizeof(buf))
		return bad_at(x, e->line, "%s: too long", e->key);
	snprintf(buf, sizeof(buf), "%s", e->value);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save), n++) {
		if (scn_int(tok, 0, 255, &v, why, sizeof(why)))
			return bad_at(x, e->line, "%s: %s", e->key, why);
	}
	if (!n)
		return bad_at(x, e->line, "%s: want clockClass values",
				e->key);
	snprintf(gm ? ex->gm_classes : ex->clock_classes,
		 sizeof(ex->clock_classes), "%s", e->value);
	return 0;
}

/* Checks that are not a clock's: the node's protocol state. */
static bool node_only(const char *key)
{
	return !strcmp(key, "holdover_bound") || !strcmp(key, "port_state") ||
	       !strcmp(key, "clock_classes") || !strcmp(key, "gm_classes") ||
	       !strcmp(key, "alarms") || !strcmp(key, "link_delay");
}

/* leap_within is a system clock's: [expect NODE:sys], or [expect NODE]
 * of a node whose row is its system clock (no PHC; not a vmclock reader,
 * whose row is its host's page). */
static int leap_key_ok(struct xctx *x, const struct sim_node *n, int clk,
		       const struct scn_entry *e)
{
	bool sys = n && !n->vmreader &&
		   (clk >= 0 ? clk == n->sys : n->nphc == 0);

	if (strcmp(e->key, "leap_within") != 0 || sys)
		return 0;
	return bad_at(x, e->line, "leap_within: a system clock's check "
		      "([expect NODE:sys])");
}

/* link_delay = PORT:MIN-MAX ... ([expect NODE] only). */
static int link_delay_key(struct xctx *x, struct sim_expect *ex,
			  const struct sim_node *n, const struct scn_entry *e)
{
	if (!n)
		return bad_at(x, e->line, "link_delay: only in [expect NODE]");
	if (check_link_delay_list(x, n, e))
		return -EINVAL;
	snprintf(ex->link_delay, sizeof(ex->link_delay), "%s", e->value);
	ex->own |= 1u << SIM_XF_LINK_DELAY;
	return 0;
}

static int node_key(struct xctx *x, struct sim_expect *ex,
		    const struct sim_node *n, const struct scn_entry *e)
{
	char why[300];

	for (int k = 0; k < N_EXP_KEYS; k++) {
		if (strcmp(e->key, exp_keys[k].name) != 0)
			continue;
		if (exp_value(exp_keys[k].type, e->value,
			      &ex->val[exp_keys[k].key], why, sizeof(why)))
			return bad_at(x, e->line, "%s: %s", e->key, why);
		ex->has[exp_keys[k].key] = true;
		ex->line[exp_keys[k].key] = e->line;
		if (n)
			ex->own |= 1u << exp_keys[k].key;
		return 0;
	}
	if (strcmp(e->key, "clock_classes") == 0 ||
	    strcmp(e->key, "gm_classes") == 0) {
		if (n)
			ex->own |= 1u << (strcmp(e->key, "gm_classes") == 0
						  ? SIM_XF_GM_CLASSES
						  : SIM_XF_CLOCK_CLASSES);
		return class_list(x, ex, e);
	}
	if (strcmp(e->key, "alarms") == 0) {
		if (!n)
			return bad_at(x, e->line, "alarms: only in [expect "
					"NODE]");
		if (strlen(e->value) >= sizeof(ex->alarms) ||
		    sim_alarm_parse(e->value, why, sizeof(why)))
			return bad_at(x, e->line, "alarms: %s",
					strlen(e->value) >= sizeof(ex->alarms)
						? "too long"
						: why);
		snprintf(ex->alarms, sizeof(ex->alarms), "%s", e->value);
		ex->own |= 1u << SIM_XF_ALARMS;
		return 0;
	}
	if (strcmp(e->key, "link_delay") == 0)
		return link_delay_key(x, ex, n, e);
	if (strcmp(e->key, "port_state") == 0) {
		if (!n)
			return bad_at(x, e->line, "port_state: only in "
					"[expect NODE]");
		if (check_port_list(x, n, e))
			return -EINVAL;
		snprintf(ex->port_state, sizeof(ex->port_state), "%s",
			 e->value);
		ex->own |= 1u << SIM_XF_PORT_STATE;
		return 0;
	}
	return bad_at(x, e->line, "%s: unknown expectation", e->key);
}

static int all_section(struct xctx *x, const struct scn_section *sec,
		       struct sim_expect *all)
{
	for (int i = 0; i < sec->n; i++) {
		const struct scn_entry *e = &sec->e[i];
		int rc;

		if (strcmp(e->key, "xfail") == 0) {
			parse_xfail(e->value, x->s->xg.xfail,
				    sizeof(x->s->xg.xfail),
				    &x->s->xg.xfail_mask);
			continue;
		}
		rc = global_key(x, e);
		if (rc < 0)
			return rc;
		if (rc > 0 && (leap_key_ok(x, NULL, -1, e) ||
			       node_key(x, all, NULL, e)))
			return -EINVAL;
	}
	return 0;
}

/* [expect NODE] or [expect NODE:CLOCK]: the checks of its meter. */
static int node_section(struct xctx *x, const struct scn_section *sec)
{
	char name[64], *colon;
	struct sim_node *n;
	struct sim_expect *ex;
	int ni, clk = -1;

	snprintf(name, sizeof(name), "%s", sec->name);
	colon = strchr(name, ':');
	if (colon)
		*colon++ = '\0';
	ni = sim_find_node(x->s, name);
	if (ni < 0)
		return bad_at(x, sec->line, "[expect %s]: no such node",
				sec->name);
	n = &x->s->nodes[ni];
	if (colon) {
		clk = sim_find_clock(n, colon);
		if (clk < 0 || clk >= n->ncm)
			return bad_at(x, sec->line, "[expect %s]: node %s has "
					"%s", sec->name, name, n->ncm
					? "no such clock (phc0.., sys)"
					: "one clock: [expect NODE]");
	}
	ex = clk >= 0 ? &n->cm[clk].exp : &n->m.exp;
	for (int i = 0; i < sec->n; i++) {
		const struct scn_entry *e = &sec->e[i];

		if (strcmp(e->key, "xfail") == 0) {
			parse_xfail(e->value, ex->xfail, sizeof(ex->xfail),
				    &ex->xfail_mask);
			continue;
		}
		if (clk >= 0 && node_only(e->key))
			return bad_at(x, e->line, "%s: a node's check, not a "
					"clock's ([expect %s])", e->key, name);
		if (leap_key_ok(x, n, clk, e) || node_key(x, ex, n, e))
			return -EINVAL;
	}
	return 0;
}

int sim_build_expect(struct sim *s, const struct scn_file *f, char *err,
		     size_t errlen)
{
	struct xctx x = { .s = s, .path = f->path, .err = err,
			  .errlen = errlen };
	const struct scn_section *sec = scn_find(f, SCN_EXPECT, "");
	struct sim_expect all;

	memset(&all, 0, sizeof(all));
	if (sec && all_section(&x, sec, &all))
		return -EINVAL;
	for (int i = 0; i < s->nnodes; i++)
		s->nodes[i].m.exp = all;
	for (int i = 0; i < f->n; i++) {
		if (f->s[i].kind != SCN_EXPECT || !f->s[i].name[0])
			continue;
		if (node_section(&x, &f->s[i]))
			return -EINVAL;
	}
	return 0;
}
