/*
 * sim/sim_build.c — from a scenario file to the simulator's structures.
 *
 * [scenario] sets the run (its timescale: sim_time.c); [node NAME]
 * sections make nodes and [link NAME] sections segments ("[node *]" and
 * "[link *]" give defaults that a node's or link's own section
 * overrides); [events] lines become actions and [expect] / [expect NODE]
 * / [expect NODE:CLOCK] the checks.  A node's keys are either the
 * simulator's (timestamping model, start, reference, guest_of,
 * vmclock_of, tsc_hz: the node_keys table; its clocks' keys and PHC
 * groups: sim_clocks.c) or
 * ptp4l options, which go through config/ (cfg_parse_buffer, one line at a
 * time so errors keep the scenario's line) and the daemon's
 * settings_from_cfg into the very structs hvptpd would run with.
 * Every error names the file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "sim/sim.h"
#include "sim/sim_keys.h"
#include "sim/sim_scn.h"

struct bld {
	struct sim *s;
	struct scn_file f;
	char *err;
	size_t errlen;
	int warn_line; /* scenario line of the option being parsed */
};

#define SO(f) offsetof(struct sim, f)
#define NO(f) offsetof(struct sim_node, f)
#define LO(f) offsetof(struct sim_link_model, f)

static const struct sim_key scenario_keys[] = {
	{ "name", SIM_VT_STR64, 1, { SO(name) } },
	{ "duration", SIM_VT_TIME_I64, 1, { SO(duration_ns) } },
	{ "seed", SIM_VT_U64, 1, { SO(seed) } },
	{ "sample", SIM_VT_TIME_I64, 1, { SO(sample_ns) } },
	{ "lock_threshold", SIM_VT_TIME_I64, 1, { SO(lock_threshold_ns) } },
	{ "lock_hold", SIM_VT_TIME_I64, 1, { SO(lock_hold_ns) } },
	{ "transition_window", SIM_VT_TIME_I64, 1, { SO(transition_ns) } },
	{ "settle", SIM_VT_TIME_I64, 1, { SO(settle_ns) } },
	{ "start_utc", SIM_VT_STR64, 1, { SO(start_utc) } },
	{ "leapfile", SIM_VT_STR64, 1, { SO(leapfile) } },
	{ NULL, 0, 0, { 0 } },
};

/* The node's own keys; its clocks' are sim_clocks.c's. */
static const struct sim_key node_keys[] = {
	{ "ts_resolution", SIM_VT_TIME_I64, 1, { NO(ts.res_ns) } },
	{ "ts_noise", SIM_VT_TIME_DBL, 1, { NO(ts.noise_ns) } },
	{ "ts_outlier_prob", SIM_VT_PROB, 1, { NO(ts.outlier_prob) } },
	{ "ts_outlier", SIM_VT_TIME_DBL, 1, { NO(ts.outlier_ns) } },
	{ "tx_ts_delay", SIM_VT_TIME_I64, 1, { NO(ts.tx_delay_ns) } },
	{ "tx_ts_jitter", SIM_VT_TIME_DBL, 1, { NO(ts.tx_jitter_ns) } },
	{ "tx_ts_missing", SIM_VT_PROB, 1, { NO(ts.tx_missing) } },
	{ "start", SIM_VT_TIME_I64, 1, { NO(start_ns) } },
	{ "lock_threshold", SIM_VT_TIME_I64, 1, { NO(lock_threshold_ns) } },
	{ "reference", SIM_VT_STR64, 1, { NO(reference_name) } },
	{ "guest_of", SIM_VT_STR64, 1, { NO(guest_of) } },
	{ "vmclock_of", SIM_VT_STR64, 1, { NO(vmclock_of) } },
	{ "tsc_hz", SIM_VT_U64, 1, { NO(tsc_hz) } },
	{ NULL, 0, 0, { 0 } },
};

/* Order matters: "delay" sets both delays, "general_delay" after it
 * overrides the general one (the same for the jitters). */
static const struct sim_key link_keys[] = {
	{ "delay", SIM_VT_TIME_I64, 2, { LO(delay_ns), LO(general_delay_ns) } },
	{ "general_delay", SIM_VT_TIME_I64, 1, { LO(general_delay_ns) } },
	{ "jitter", SIM_VT_TIME_DBL, 3,
	  { LO(jitter_fwd_ns), LO(jitter_rev_ns), LO(general_jitter_ns) } },
	{ "jitter_fwd", SIM_VT_TIME_DBL, 1, { LO(jitter_fwd_ns) } },
	{ "jitter_rev", SIM_VT_TIME_DBL, 1, { LO(jitter_rev_ns) } },
	{ "general_jitter", SIM_VT_TIME_DBL, 1, { LO(general_jitter_ns) } },
	{ "jitter_dist", SIM_VT_JDIST, 1, { LO(dist) } },
	{ "gamma_shape", SIM_VT_POS, 1, { LO(gamma_shape) } },
	{ "asymmetry", SIM_VT_STIME_I64, 1, { LO(asymmetry_ns) } },
	{ "loss", SIM_VT_PROB, 1, { LO(loss) } },
	{ "burst_enter", SIM_VT_PROB, 1, { LO(burst_enter) } },
	{ "burst_exit", SIM_VT_PROB, 1, { LO(burst_exit) } },
	{ "burst_loss", SIM_VT_PROB, 1, { LO(burst_loss) } },
	{ "fifo", SIM_VT_BOOL, 1, { LO(fifo) } },
	{ NULL, 0, 0, { 0 } },
};

__attribute__((format(printf, 3, 4))) static int
bfail(struct bld *b, int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = scn_vfail(b->err, b->errlen, b->f.path, line, fmt, ap);
	va_end(ap);
	return rc;
}

int sim_link_key(struct sim_link_model *m, const char *key,
		 const char *value, char *why, size_t whylen)
{
	const struct sim_key *k = sim_keys_find(link_keys, key);

	if (!k) {
		snprintf(why, whylen, "%s: unknown link key", key);
		return -EINVAL;
	}
	return sim_keys_set(m, k, value, why, whylen);
}

/* Apply the keys of sec that are in tab, in the table's order.  Keys not
 * in the table are left for the caller (check_keys). */
static int apply_keys(struct bld *b, void *base, const struct sim_key *tab,
		      const struct scn_section *sec)
{
	char why[300];

	if (!sec)
		return 0;
	for (const struct sim_key *k = tab; k->name; k++) {
		for (int i = 0; i < sec->n; i++) {
			const struct scn_entry *e = &sec->e[i];

			if (strcmp(e->key, k->name) != 0)
				continue;
			if (sim_keys_set(base, k, e->value, why, sizeof(why)))
				return bfail(b, e->line, "%s: %s", e->key, why);
		}
	}
	return 0;
}

/* Every key of sec must be in tab (or be one of the extra names). */
static int check_keys(struct bld *b, const struct sim_key *tab,
		      const struct scn_section *sec, const char *extra,
		      const char *what)
{
	for (int i = 0; sec && i < sec->n; i++) {
		const char *k = sec->e[i].key;

		if (sim_keys_find(tab, k) || (extra && strcmp(k, extra) == 0))
			continue;
		return bfail(b, sec->e[i].line, "%s: unknown %s key", k, what);
	}
	return 0;
}

/* ---- [scenario] ---- */

static int build_scenario(struct bld *b)
{
	const struct scn_section *sec = scn_find(&b->f, SCN_SCENARIO, "");
	struct sim *s = b->s;
	int rc, leap_line = 0, start_line = 0;

	if (!sec)
		return bfail(b, 1, "no [scenario] section (it gives the "
			     "duration)");
	rc = check_keys(b, scenario_keys, sec, NULL, "[scenario]");
	if (!rc)
		rc = apply_keys(b, s, scenario_keys, sec);
	if (rc)
		return rc;
	if (s->duration_ns <= 0)
		return bfail(b, sec->line, "[scenario] needs duration > 0");
	if (s->sample_ns <= 0)
		return bfail(b, sec->line, "sample must be > 0");
	for (int i = 0; i < sec->n; i++) {
		if (strcmp(sec->e[i].key, "leapfile") == 0)
			leap_line = sec->e[i].line;
		if (strcmp(sec->e[i].key, "start_utc") == 0)
			start_line = sec->e[i].line;
	}
	return sim_build_time(s, leap_line, start_line, b->err, b->errlen);
}

/* ---- nodes and their ports ---- */

int sim_find_node(const struct sim *s, const char *name)
{
	for (int i = 0; i < s->nnodes; i++) {
		if (strcmp(s->nodes[i].name, name) == 0)
			return i;
	}
	return -1;
}

static int find_seg(const struct sim *s, const char *name)
{
	for (int i = 0; i < s->nsegs; i++) {
		if (strcmp(s->segs[i].name, name) == 0)
			return i;
	}
	return -1;
}

int sim_find_port(const struct sim_node *n, const char *name)
{
	for (int i = 0; i < n->nports; i++) {
		if (strcmp(n->ports[i].name, name) == 0)
			return i;
	}
	return -1;
}

static bool ifname_ok(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n >= 16)
		return false;
	for (; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return false;
	}
	return true;
}

static int add_port(struct bld *b, struct sim_node *n, const char *name,
		    int line)
{
	struct sim_port *p;

	if (!ifname_ok(name))
		return bfail(b, line, "'%s': bad port name (at most 15 of "
			     "letters, digits, _ - .)", name);
	if (n->nports >= SIM_MAX_PORTS)
		return bfail(b, line, "node %s: more than %d ports", n->name,
			     SIM_MAX_PORTS);
	p = &n->ports[n->nports++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->seg = -1;
	p->ep = -1;
	return 0;
}

/* "ports = eth0 eth1": the node's ports in this order. */
static int node_ports_key(struct bld *b, struct sim_node *n,
			  const struct scn_section *sec)
{
	char buf[1024], *tok, *save = NULL;

	for (int i = 0; i < sec->n; i++) {
		if (strcmp(sec->e[i].key, "ports") != 0)
			continue;
		snprintf(buf, sizeof(buf), "%s", sec->e[i].value);
		for (tok = strtok_r(buf, " \t,", &save); tok;
		     tok = strtok_r(NULL, " \t,", &save)) {
			if (sim_find_port(n, tok) >= 0)
				return bfail(b, sec->e[i].line,
					     "port %s listed twice", tok);
			if (add_port(b, n, tok, sec->e[i].line))
				return -EINVAL;
		}
	}
	return 0;
}

static int create_nodes(struct bld *b)
{
	struct sim *s = b->s;
	int n = 0;

	for (int i = 0; i < b->f.n; i++)
		n += b->f.s[i].kind == SCN_NODE && strcmp(b->f.s[i].name, "*");
	if (n == 0)
		return bfail(b, 1, "no [node NAME] section");
	if (n > SIM_MAX_NODES)
		return bfail(b, 1, "more than %d nodes", SIM_MAX_NODES);
	s->nodes = calloc((size_t)n, sizeof(*s->nodes));
	if (!s->nodes)
		return -ENOMEM;
	for (int i = 0; i < b->f.n; i++) {
		const struct scn_section *sec = &b->f.s[i];
		struct sim_node *nd;

		if (sec->kind != SCN_NODE || strcmp(sec->name, "*") == 0)
			continue;
		nd = &s->nodes[s->nnodes];
		snprintf(nd->name, sizeof(nd->name), "%.*s",
			 (int)sizeof(nd->name) - 1, sec->name);
		nd->index = s->nnodes++;
		nd->line = sec->line;
		nd->sim = s;
		if (node_ports_key(b, nd, sec))
			return -EINVAL;
	}
	return 0;
}

/* ---- links ---- */

static int link_endpoint(struct bld *b, int si, const char *tok, int line,
			 bool explicit_ports[])
{
	struct sim *s = b->s;
	char node[64], *colon;
	struct sim_node *n;
	int ni, pi, ep;

	snprintf(node, sizeof(node), "%s", tok);
	colon = strchr(node, ':');
	if (!colon)
		return bfail(b, line, "'%s': an endpoint is NODE:PORT", tok);
	*colon = '\0';
	ni = sim_find_node(s, node);
	if (ni < 0)
		return bfail(b, line, "'%s': no [node %s]", tok, node);
	n = &s->nodes[ni];
	pi = sim_find_port(n, colon + 1);
	if (pi < 0 && explicit_ports[ni])
		return bfail(b, line, "'%s': node %s has no port %s (ports = "
			     "...)", tok, node, colon + 1);
	if (pi < 0) {
		if (add_port(b, n, colon + 1, line))
			return -EINVAL;
		pi = n->nports - 1;
	}
	if (n->ports[pi].seg >= 0)
		return bfail(b, line, "'%s' is already on link %s", tok,
			     s->segs[n->ports[pi].seg].name);
	ep = sim_seg_add(&s->segs[si], ni, pi);
	if (ep < 0)
		return bfail(b, line, "more than %d endpoints on a link",
			     SIM_SEG_MAX_EP);
	n->ports[pi].seg = si;
	n->ports[pi].ep = ep;
	return 0;
}

static int link_endpoints(struct bld *b, int si,
			  const struct scn_section *sec, bool explicit_ports[])
{
	char buf[1024], *tok, *save = NULL;
	const struct scn_entry *e = NULL;

	for (int i = 0; i < sec->n; i++) {
		if (strcmp(sec->e[i].key, "endpoints") == 0)
			e = &sec->e[i];
	}
	if (!e)
		return bfail(b, sec->line, "[link %s] needs endpoints = "
			     "NODE:PORT NODE:PORT...", sec->name);
	snprintf(buf, sizeof(buf), "%s", e->value);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (link_endpoint(b, si, tok, e->line, explicit_ports))
			return -EINVAL;
	}
	if (b->s->segs[si].n_ep < 2)
		return bfail(b, e->line, "a link needs at least two endpoints");
	return 0;
}

static int build_link(struct bld *b, const struct scn_section *sec,
		      const struct scn_section *def, bool explicit_ports[])
{
	struct sim *s = b->s;
	struct sim_link_model m;
	int si = s->nsegs;

	sim_link_model_default(&m);
	if (check_keys(b, link_keys, def, NULL, "link") ||
	    check_keys(b, link_keys, sec, "endpoints", "link") ||
	    apply_keys(b, &m, link_keys, def) ||
	    apply_keys(b, &m, link_keys, sec))
		return -EINVAL;
	sim_seg_init(&s->segs[si], sec->name, &m,
		     sim_seed_mix(s->seed, 6, (uint64_t)si));
	s->nsegs++;
	return link_endpoints(b, si, sec, explicit_ports);
}

static int build_links(struct bld *b)
{
	const struct scn_section *def = scn_find(&b->f, SCN_LINK, "*");
	struct sim *s = b->s;
	bool explicit_ports[SIM_MAX_NODES];
	int n = 0;

	for (int i = 0; i < s->nnodes; i++)
		explicit_ports[i] = s->nodes[i].nports > 0;
	for (int i = 0; i < b->f.n; i++)
		n += b->f.s[i].kind == SCN_LINK && strcmp(b->f.s[i].name, "*");
	if (n > SIM_MAX_SEGS)
		return bfail(b, 1, "more than %d links", SIM_MAX_SEGS);
	s->segs = calloc((size_t)(n ? n : 1), sizeof(*s->segs));
	if (!s->segs)
		return -ENOMEM;
	if (def && check_keys(b, link_keys, def, NULL, "[link *]"))
		return -EINVAL;
	for (int i = 0; i < b->f.n; i++) {
		const struct scn_section *sec = &b->f.s[i];

		if (sec->kind != SCN_LINK || strcmp(sec->name, "*") == 0)
			continue;
		if (build_link(b, sec, def, explicit_ports))
			return -EINVAL;
	}
	return 0;
}

/* ---- node configuration ---- */

static void cfg_warn_cb(void *ctx, const char *file, int line,
			const char *option, const char *msg)
{
	struct bld *b = ctx;

	(void)line;
	fprintf(stderr, "%s:%d: warning: %s: %s\n", file, b->warn_line,
		option, msg);
}

/* One ptp4l option line: "option = value" or "PORT:option = value". */
static int node_option(struct bld *b, struct cfg *c, struct sim_node *n,
		       const struct scn_entry *e)
{
	char buf[1200], port[64];
	const char *colon = strchr(e->key, ':'), *opt = e->key;
	struct cfg_error ce;
	int len;

	if (colon) {
		snprintf(port, sizeof(port), "%.*s", (int)(colon - e->key),
			 e->key);
		if (sim_find_port(n, port) < 0)
			return bfail(b, e->line, "%s: node %s has no port %s",
				     e->key, n->name, port);
		opt = colon + 1;
	}
	len = snprintf(buf, sizeof(buf), "[%s]\n%s %s\n",
		       colon ? port : "global", opt, e->value);
	b->warn_line = e->line;
	memset(&ce, 0, sizeof(ce));
	if (cfg_parse_buffer(c, b->f.path, buf, (size_t)len, &ce) < 0)
		return bfail(b, e->line, "%s: %s", ce.option[0] ? ce.option
								 : opt,
			     ce.reason);
	return 0;
}

static int node_options(struct bld *b, struct cfg *c, struct sim_node *n,
			const struct scn_section *sec)
{
	for (int i = 0; sec && i < sec->n; i++) {
		const struct scn_entry *e = &sec->e[i];

		if (strcmp(e->key, "ports") == 0 ||
		    strcmp(e->key, "phcs") == 0 ||
		    strcmp(e->key, "unicast_masters") == 0 ||
		    strcmp(e->key, "unicast_query_interval") == 0 ||
		    sim_keys_find(node_keys, e->key) ||
		    sim_is_clock_key(e->key))
			continue;
		if (node_option(b, c, n, e))
			return -EINVAL;
	}
	return 0;
}

static int node_settings(struct bld *b, struct sim_node *n,
			 const struct scn_section *def,
			 const struct scn_section *sec)
{
	struct cfg *c = cfg_create();
	struct cfg_error ce;
	int rc = 0;

	if (!c)
		return -ENOMEM;
	cfg_set_warn(c, cfg_warn_cb, b);
	for (int i = 0; !rc && i < n->nports; i++)
		rc = cfg_add_port(c, n->ports[i].name) ? -EINVAL : 0;
	/* a guest: the settings want an interface; the follow_* options
	 * are what it takes from them */
	if (!rc && (n->guest || n->vmreader))
		rc = cfg_add_port(c, n->guest ? "ptp_kvm" : "vmclock") ? -EINVAL
								 : 0;
	if (rc)
		rc = bfail(b, n->line, "node %s: cannot add its ports", n->name);
	if (!rc)
		rc = node_options(b, c, n, def);
	if (!rc)
		rc = node_options(b, c, n, sec);
	memset(&ce, 0, sizeof(ce));
	if (!rc && settings_from_cfg(c, &n->set, &ce) < 0)
		rc = bfail(b, n->line, "node %s: %s: %s", n->name, ce.option,
			   ce.reason);
	cfg_destroy(c);
	return rc;
}

/* A timestamping model's defaults: hardware or software stamps. */
static void ts_defaults(struct sim_ts_model *ts, bool hardware)
{
	memset(ts, 0, sizeof(*ts));
	if (hardware) {
		ts->res_ns = 8;
		ts->noise_ns = 2.0;
		ts->tx_delay_ns = 20000;
		ts->tx_jitter_ns = 5000.0;
	} else {
		ts->res_ns = 1;
		ts->noise_ns = 1000.0;
		ts->outlier_prob = 0.005;
		ts->outlier_ns = 50000.0;
		ts->tx_delay_ns = 10000;
		ts->tx_jitter_ns = 5000.0;
	}
}

/* Timestamping defaults, before the node's own keys: the ts_ keys are
 * the model of the node's kind (time_stamping in [global]); ports
 * stamped the other way keep that kind's defaults. */
static void node_defaults(struct sim *s, struct sim_node *n)
{
	ts_defaults(&n->ts, n->hardware);
	ts_defaults(&n->ts_other, !n->hardware);
	n->lock_threshold_ns = s->lock_threshold_ns;
}

static int node_check(struct bld *b, struct sim_node *n)
{
	if (n->ts.res_ns < 1)
		return bfail(b, n->line, "node %s: resolutions must be at "
			     "least 1 ns", n->name);
	if (!sim_node_offsets_ok(n))
		return bfail(b, n->line, "node %s: offset outside -1.69e9 s .. "
			     "5e9 s (the clock would read below 0 or beyond "
			     "int64 ns)", n->name);
	if (n->start_ns > b->s->duration_ns)
		return bfail(b, n->line, "node %s starts after the end",
			     n->name);
	if (n->set.vmclock_file[0])
		return bfail(b, n->line, "node %s: vmclock_file: the simulated "
			     "page lives in memory: a reader's vmclock_of "
			     "names its host", n->name);
	if (n->tsc_hz < 1000000 || n->tsc_hz > 100000000000ULL ||
	    !(n->tsc_cm.offset_ns >= 0.0 && n->tsc_cm.offset_ns <= 1e17))
		return bfail(b, n->line, "node %s: tsc_hz 1 MHz .. 100 GHz, "
			     "tsc_offset 0 .. 1e8 s", n->name);
	return 0;
}

static const struct scn_entry *entry_of(const struct scn_section *def,
					const struct scn_section *sec,
					const char *key)
{
	for (int j = 0; j < 2; j++) {
		const struct scn_section *x = j ? def : sec;

		for (int i = 0; x && i < x->n; i++) {
			if (strcmp(x->e[i].key, key) == 0)
				return &x->e[i];
		}
	}
	return NULL;
}

/* guest_of, vmclock_of: a guest has no PTP port (it is on no link). */
static int node_kind(struct bld *b, struct sim_node *n,
		     const struct scn_section *def,
		     const struct scn_section *sec)
{
	const struct scn_entry *e = entry_of(def, NULL, "guest_of");
	const struct scn_entry *r = entry_of(def, NULL, "vmclock_of");

	if (e || r)
		return bfail(b, (e ? e : r)->line, "%s: not in [node *]",
			     e ? "guest_of" : "vmclock_of");
	e = entry_of(NULL, sec, "guest_of");
	r = entry_of(NULL, sec, "vmclock_of");
	if (e && r)
		return bfail(b, r->line, "node %s: guest_of or vmclock_of, "
			     "not both", n->name);
	n->guest = e != NULL;
	n->vmreader = r != NULL;
	n->vmc_last = -1;
	if (r && n->nports)
		return bfail(b, r->line, "node %s: a vmclock reader has no PTP "
			     "port (it is on no link)", n->name);
	r = r ? sim_vmclock_bad_key(sec) : NULL;
	if (r)
		return bfail(b, r->line, "%s: node %s is a vmclock reader (it "
			     "takes vmclock_of, start, lock_threshold, "
			     "reference)", r->key, n->name);
	if (n->vmreader)
		return 0;
	if (n->guest && n->nports)
		return bfail(b, e->line, "node %s: a guest has no PTP port "
			     "(it is on no link)", n->name);
	if (!n->guest && n->nports == 0)
		return bfail(b, n->line, "node %s has no port: name it in a "
			     "link's endpoints (or ports = ...)", n->name);
	return 0;
}

static int build_node(struct bld *b, struct sim_node *n,
		      const struct scn_section *def)
{
	const struct scn_section *sec = scn_find(&b->f, SCN_NODE, n->name);
	const struct scn_entry *lf;

	if (node_kind(b, n, def, sec) || node_settings(b, n, def, sec))
		return -EINVAL;
	n->hardware = n->set.hardware && !n->guest && !n->vmreader;
	n->tsc_hz = 2500000000ULL;
	node_defaults(b->s, n);
	if (apply_keys(b, n, node_keys, def) || apply_keys(b, n, node_keys, sec))
		return -EINVAL;
	if (sim_node_clock_keys(n, def, sec, b->f.path, b->err, b->errlen))
		return -EINVAL;
	if (node_check(b, n))
		return -EINVAL;
	lf = entry_of(def, sec, "leapfile");
	if (sim_node_leapfile(n, lf ? lf->line : n->line, b->err, b->errlen))
		return -EINVAL;
	lf = entry_of(def, sec, "sa_file");
	if (sim_node_sa_file(n, lf ? lf->line : n->line, b->err, b->errlen))
		return -EINVAL;
	if (!n->set.clock_identity_set) {
		uint8_t mac[6] = { 0x02, 0, 0, 0, (uint8_t)((n->index + 1) >> 8),
				   (uint8_t)(n->index + 1) };

		clock_identity_from_mac(mac, &n->set.clock.clock_identity);
	}
	/* the core's rng_seed is set at each (re)start: sim_node.c */
	sim_rng_seed(&n->ts_rng, sim_seed_mix(b->s->seed, 3,
					      (uint64_t)n->index));
	n->gm = n->index;
	return 0;
}

/*
 * unicast_masters = NODE:PORT ...: the unicast master table of the
 * node's first port (what a [unicast_master_table] with those masters'
 * addresses gives hvptpd), asked every 2^unicast_query_interval s (0).
 */
static int node_unicast(struct bld *b, struct sim_node *n,
			const struct scn_section *def)
{
	const struct scn_section *sec = scn_find(&b->f, SCN_NODE, n->name);
	const struct scn_entry *e = entry_of(def, sec, "unicast_masters");
	const struct scn_entry *q = entry_of(def, sec, "unicast_query_interval");
	struct bc_port_cfg *pc = &n->set.ports[0];
	char buf[512], *save = NULL, *tok, *colon;
	int node, port;

	if (!e)
		return 0;
	if (!n->nports)
		return bfail(b, e->line, "unicast_masters: node %s has no port",
			     n->name);
	snprintf(buf, sizeof(buf), "%s", e->value);
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		node = sim_find_node(b->s, tok);
		port = node >= 0 && colon
			       ? sim_find_port(&b->s->nodes[node], colon + 1)
			       : -1;
		if (port < 0 || node == n->index)
			return bfail(b, e->line, "unicast_masters: %s%s%s: not "
				     "another node's port (NODE:PORT)", tok,
				     colon ? ":" : "", colon ? colon + 1 : "");
		if (pc->uc_nmasters >= BC_MAX_PEERS)
			return bfail(b, e->line, "unicast_masters: at most %d",
				     BC_MAX_PEERS);
		sim_addr(&pc->uc_master[pc->uc_nmasters++], node, port);
	}
	pc->uc_table_id = 1;
	pc->hybrid_e2e = true;
	pc->uc_log_query_interval = q ? (int8_t)atoi(q->value) : 0;
	return 0;
}

/* reference = NODE; guest_of = HOST (a PTP node). */
static int node_links(struct bld *b, struct sim_node *n)
{
	struct sim *s = b->s;

	n->ref = -1;
	n->host = -1;
	if (n->guest || n->vmreader) {
		const char *of = n->guest ? n->guest_of : n->vmclock_of;

		n->host = sim_find_node(s, of);
		if (n->host < 0 || n->host == n->index ||
		    s->nodes[n->host].guest || s->nodes[n->host].vmreader)
			return bfail(b, n->line, "node %s: %s: %s%s", n->name,
				     n->guest ? "guest_of" : "vmclock_of",
				     n->host < 0 ? "no node "
				     : "not a guest, a reader or itself: ",
				     of);
		s->nodes[n->host].vmc_on |= n->vmreader;
	}
	if (!n->reference_name[0])
		return 0;
	n->ref = sim_find_node(s, n->reference_name);
	if (n->ref < 0 || n->ref == n->index)
		return bfail(b, n->line, "node %s: reference: %s%s", n->name,
			     n->ref < 0 ? "no node " : "not itself: ",
			     n->reference_name);
	return 0;
}

static int build_nodes(struct bld *b)
{
	const struct scn_section *def = scn_find(&b->f, SCN_NODE, "*");

	if (def) {
		for (int i = 0; i < def->n; i++) {
			if (strcmp(def->e[i].key, "ports") == 0)
				return bfail(b, def->e[i].line,
					     "ports: not in [node *]");
		}
	}
	for (int i = 0; i < b->s->nnodes; i++) {
		if (build_node(b, &b->s->nodes[i], def))
			return -EINVAL;
	}
	for (int i = 0; i < b->s->nnodes; i++) {
		if (node_links(b, &b->s->nodes[i]) ||
		    node_unicast(b, &b->s->nodes[i], def))
			return -EINVAL;
	}
	for (int i = 0; i < b->s->nnodes; i++)
		sim_node_clocks(b->s, &b->s->nodes[i]);
	for (int i = 0; i < b->s->nnodes; i++) {
		if (b->s->nodes[i].guest)
			sim_guest_clock(&b->s->nodes[i]);
		sim_vmclock_host(b->s, &b->s->nodes[i]);
	}
	return 0;
}

/* ---- events ---- */

static int event_node(struct bld *b, struct sim_action *a, char **tok,
		      int ntok)
{
	char why[300], name[64], *colon;

	snprintf(name, sizeof(name), "%s", tok[1]);
	colon = strchr(name, ':');
	if (colon)
		*colon++ = '\0';
	a->target = sim_find_node(b->s, name);
	if (a->target < 0)
		return bfail(b, a->line, "no [node %s]", name);
	a->clk = colon ? sim_find_clock(&b->s->nodes[a->target], colon) : -1;
	if (colon && a->clk < 0)
		return bfail(b, a->line, "node %s has no clock %s", name,
			     colon);
	if (colon && ntok >= 3 && strcmp(tok[2], "step") != 0 &&
	    strcmp(tok[2], "freq") != 0)
		return bfail(b, a->line, "%s: a clock only takes step and "
			     "freq", tok[1]);
	if (b->s->nodes[a->target].vmreader && ntok >= 3 &&
	    strcmp(tok[2], "down") != 0 && strcmp(tok[2], "up") != 0)
		return bfail(b, a->line, "%s: a vmclock reader has no clock "
			     "(its host's TSC and page)", tok[1]);
	if (ntok == 3 && strcmp(tok[2], "down") == 0)
		a->kind = SIM_ACT_NODE_DOWN;
	else if (ntok == 3 && strcmp(tok[2], "up") == 0)
		a->kind = SIM_ACT_NODE_UP;
	else if (ntok >= 4 && strcmp(tok[2], "step") == 0) {
		a->kind = SIM_ACT_NODE_STEP;
		if (scn_time(tok[3], &a->ival, why, sizeof(why)))
			return bfail(b, a->line, "step: %s", why);
	} else if (ntok >= 4 && strcmp(tok[2], "freq") == 0) {
		a->kind = SIM_ACT_NODE_FREQ;
		if (scn_freq(tok[3], &a->dval, why, sizeof(why)))
			return bfail(b, a->line, "freq: %s", why);
	} else {
		return bfail(b, a->line, "want: node NAME down | up, node "
			     "NAME[:CLOCK] step TIME | freq FREQ");
	}
	return 0;
}

static int event_link(struct bld *b, struct sim_action *a, char **tok,
		      int ntok)
{
	struct sim_link_model scratch;
	char why[300];

	a->target = find_seg(b->s, tok[1]);
	if (a->target < 0)
		return bfail(b, a->line, "no [link %s]", tok[1]);
	if (ntok == 3 && strcmp(tok[2], "down") == 0) {
		a->kind = SIM_ACT_LINK_DOWN;
		return 0;
	}
	if (ntok == 3 && strcmp(tok[2], "up") == 0) {
		a->kind = SIM_ACT_LINK_UP;
		return 0;
	}
	if (ntok < 4)
		return bfail(b, a->line, "want: link NAME down | up | KEY "
			     "VALUE");
	a->kind = SIM_ACT_LINK_SET;
	snprintf(a->key, sizeof(a->key), "%s", tok[2]);
	snprintf(a->value, sizeof(a->value), "%s", tok[3]);
	scratch = b->s->segs[a->target].m;
	if (sim_link_key(&scratch, a->key, a->value, why, sizeof(why)))
		return bfail(b, a->line, "%s", why);
	return 0;
}

/* Split "node gm1 step 1 us" into words, keeping "1 us" together as the
 * value (words after the third are joined). */
static int split_action(char *text, char **tok, int max)
{
	int n = 0;
	char *p = text;

	while (*p && n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		tok[n++] = p;
		if (n == max)
			break;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static int parse_event(struct bld *b, const struct scn_entry *e)
{
	struct sim *s = b->s;
	struct sim_action *a = &s->acts[s->nacts];
	char buf[256], why[300], *colon, *tok[4];
	int ntok;

	if (strcmp(e->key, "at") != 0)
		return bfail(b, e->line, "%s: events are 'at = TIME: ACTION'",
			     e->key);
	memset(a, 0, sizeof(*a));
	a->line = e->line;
	snprintf(buf, sizeof(buf), "%s", e->value);
	colon = strchr(buf, ':');
	if (!colon)
		return bfail(b, e->line, "want 'at = TIME: ACTION'");
	*colon = '\0';
	if (scn_time(buf, &a->at, why, sizeof(why)))
		return bfail(b, e->line, "%s", why);
	if (a->at < 0 || a->at > s->duration_ns)
		return bfail(b, e->line, "event outside 0..duration");
	snprintf(a->text, sizeof(a->text), "%s",
		 colon + 1 + strspn(colon + 1, " \t"));
	ntok = split_action(colon + 1, tok, 4);
	if (ntok >= 2 && strcmp(tok[0], "node") == 0)
		return event_node(b, a, tok, ntok);
	if (ntok >= 2 && strcmp(tok[0], "link") == 0)
		return event_link(b, a, tok, ntok);
	return bfail(b, e->line, "unknown action (node NAME ..., link NAME "
		     "...)");
}

static int build_events(struct bld *b)
{
	struct sim *s = b->s;

	s->acts = calloc(SIM_MAX_ACTIONS, sizeof(*s->acts));
	if (!s->acts)
		return -ENOMEM;
	for (int i = 0; i < b->f.n; i++) {
		const struct scn_section *sec = &b->f.s[i];

		if (sec->kind != SCN_EVENTS)
			continue;
		for (int j = 0; j < sec->n; j++) {
			if (s->nacts >= SIM_MAX_ACTIONS)
				return bfail(b, sec->e[j].line,
					     "more than %d events",
					     SIM_MAX_ACTIONS);
			if (parse_event(b, &sec->e[j]))
				return -EINVAL;
			s->nacts++;
		}
	}
	return 0;
}

/* -d: run duration_ns instead of the file's duration (checked as
 * written); the events after the end are left out (s->nacts_cut). */
static void cut_events(struct sim *s, int64_t duration_ns)
{
	int n = 0;

	if (duration_ns <= 0)
		return;
	s->duration_ns = duration_ns;
	for (int i = 0; i < s->nacts; i++) {
		if (s->acts[i].at <= duration_ns)
			s->acts[n++] = s->acts[i];
	}
	s->nacts_cut = s->nacts - n;
	s->nacts = n;
}

void sim_free(struct sim *s)
{
	for (int i = 0; s->nodes && i < s->nnodes; i++) {
		struct sim_node *n = &s->nodes[i];

		sim_node_stop(n);
		sim_alarm_free(n);
		for (int k = -1; k < n->ncm; k++) {
			struct sim_meter *m = k < 0 ? &n->m : &n->cm[k];

			free(m->pts);
			free(m->relock);
			free(m->trans_max);
		}
	}
	free(s->nodes);
	free(s->segs);
	free(s->acts);
	free(s->msgs);
	sim_heap_free(&s->heap);
	s->nodes = NULL;
	s->segs = NULL;
	s->acts = NULL;
	s->msgs = NULL;
}

static void sim_defaults(struct sim *s, const char *path)
{
	const char *base = strrchr(path, '/');

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->name, sizeof(s->name), "%s", base ? base + 1 : path);
	s->seed = 1;
	s->sample_ns = 125 * NS_PER_MS;
	s->lock_threshold_ns = 1000;
	s->lock_hold_ns = 10 * NS_PER_SEC;
	s->transition_ns = 30 * NS_PER_SEC;
	s->xg.one_grandmaster = -1;
	s->xg.passive_count = -1;
	s->xg.grandmaster = -1;
	sim_heap_init(&s->heap);
}

/* -o key=value: a [node *] line that wins over the file's. */
static int cmdline_opts(struct bld *b, const struct sim_load_opts *o)
{
	for (int i = 0; i < o->n_node_opts; i++) {
		char key[128], *eq, *k, *v;

		snprintf(key, sizeof(key), "%s", o->node_opts[i]);
		eq = strchr(key, '=');
		if (!eq) {
			snprintf(b->err, b->errlen, "command line: -o %s: want "
				 "KEY=VALUE", o->node_opts[i]);
			return -EINVAL;
		}
		*eq = '\0';
		for (k = key; isspace((unsigned char)*k); k++)
			;
		for (char *e = eq; e > k && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		for (v = eq + 1; isspace((unsigned char)*v); v++)
			;
		if (!*k || !*v || scn_set(&b->f, SCN_NODE, "*", k, v) < 0) {
			snprintf(b->err, b->errlen, "command line: -o %s: want "
				 "KEY=VALUE", o->node_opts[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int sim_load(struct sim *s, const char *path, const struct sim_load_opts *o,
	     char *err, size_t errlen)
{
	struct bld b = { .s = s, .err = err, .errlen = errlen };
	int rc;

	sim_defaults(s, path);
	rc = scn_load(&b.f, path, err, errlen);
	if (!rc)
		rc = cmdline_opts(&b, o);
	if (!rc)
		rc = build_scenario(&b);
	if (!rc && o->seed_set)
		s->seed = o->seed;
	if (!rc)
		rc = create_nodes(&b);
	if (!rc)
		rc = build_links(&b);
	if (!rc)
		rc = build_nodes(&b);
	if (!rc)
		rc = build_events(&b);
	if (!rc)
		cut_events(s, o->duration_ns);
	if (!rc)
		rc = sim_build_expect(s, &b.f, err, errlen);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	scn_free(&b.f);
	if (rc)
		sim_free(s);
	return rc;
}
