/*
 * sim/sim_clocks.c — a node's clocks: which ports each PHC stamps, the
 * clock keys of the scenario, the clocks themselves and the clock set
 * hvptpd would build from them.
 *
 * Hardware-timestamped ports are stamped by a PHC: one PHC for all of
 * them, or the groups of "phcs = eth0 eth1 | eth2" (PHC 0 stamps eth0 and
 * eth1, PHC 1 eth2).  Software-timestamped ports (ptp4l's time_stamping,
 * per port: "tap0:time_stamping = software") are stamped by the system
 * clock.  Every node has a system clock (the kernel's time state with
 * it), which follows the reference unless system_clock_sync is 0.  The
 * clock set holds the PHCs in order, then the system clock, as
 * daemon/daemon.c opens them; the reference before any slave port is
 * reference_clock's (a port's clock, /dev/ptpN or CLOCK_REALTIME; by
 * default the first port's).
 *
 * Clock keys: an oscillator (offset, freq, wander, white, temp_*, max_adj,
 * freq_resolution, step_resolution) and a paired reading (read_method,
 * read_delay, read_jitter, read_noise, read_asymmetry).  Without a prefix
 * they are the node's first clock's: PHC 0, or the system clock of a node
 * without PHC (a software-timestamped node, a guest).  "phcN_" names PHC
 * N (N >= 1), "sys_" the system clock of a node with a PHC (elsewhere the
 * plain keys are its own, and sys_ keys have no use), "kvm_" a guest's
 * paired reading of its host's clock, "tsc_" a host's TSC (its
 * oscillator, and tsc_read_delay, _jitter, _asymmetry: its reading around
 * CLOCK_REALTIME for the vmclock page, sim_vmclock.c).  noise_tick is
 * every clock's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/sim_keys.h"
#include "sim/sim_scn.h"

#define MO(f) offsetof(struct sim_clock_model, f)
#define RO(f) offsetof(struct sim_readmodel, f)

static const struct sim_key model_keys[] = {
	{ "offset", SIM_VT_STIME_DBL, 1, { MO(offset_ns) } },
	{ "freq", SIM_VT_FREQ, 1, { MO(freq) } },
	{ "wander", SIM_VT_UFREQ, 1, { MO(wander) } },
	{ "white", SIM_VT_UFREQ, 1, { MO(white) } },
	{ "temp_amplitude", SIM_VT_UFREQ, 1, { MO(temp_amp) } },
	{ "temp_period", SIM_VT_TIME_S, 1, { MO(temp_period_s) } },
	{ "temp_phase", SIM_VT_DEG, 1, { MO(temp_phase) } },
	{ "max_adj", SIM_VT_PPB, 1, { MO(max_adj_ppb) } },
	{ "freq_resolution", SIM_VT_PPB, 1, { MO(freq_res_ppb) } },
	{ "step_resolution", SIM_VT_TIME_I64, 1, { MO(step_res_ns) } },
	{ "noise_tick", SIM_VT_TIME_I64, 1, { MO(tick_ns) } },
	{ NULL, 0, 0, { 0 } },
};

static const struct sim_key read_keys[] = {
	{ "read_method", SIM_VT_READ, 1, { RO(best) } },
	{ "read_delay", SIM_VT_TIME_I64, 1, { RO(delay_ns) } },
	{ "read_jitter", SIM_VT_TIME_DBL, 1, { RO(jitter_ns) } },
	{ "read_noise", SIM_VT_TIME_DBL, 1, { RO(noise_ns) } },
	{ "read_asymmetry", SIM_VT_STIME_I64, 1, { RO(asym_ns) } },
	{ NULL, 0, 0, { 0 } },
};

struct cctx {
	struct sim_node *n;
	const char *path;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int
cfail(struct cctx *x, int line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = scn_vfail(x->err, x->errlen, x->path, line, fmt, ap);
	va_end(ap);
	return rc;
}

int sim_find_clock(const struct sim_node *n, const char *name)
{
	for (int k = 0; k < n->nclk; k++) {
		if (strcmp(n->clk_name[k], name) == 0)
			return k;
	}
	return -1;
}

/* ---- which clock a key names ---- */

enum kpre { KP_NONE, KP_PHC, KP_SYS, KP_KVM, KP_TSC };

/* Split a key into its prefix (and PHC number) and the base key. */
static const char *key_split(const char *key, enum kpre *p, int *phc)
{
	*phc = 0;
	if (strncmp(key, "sys_", 4) == 0) {
		*p = KP_SYS;
		return key + 4;
	}
	if (strncmp(key, "kvm_", 4) == 0) {
		*p = KP_KVM;
		return key + 4;
	}
	if (strncmp(key, "tsc_", 4) == 0) {
		*p = KP_TSC;
		return key + 4;
	}
	if (strncmp(key, "phc", 3) == 0 && isdigit((unsigned char)key[3]) &&
	    key[4] == '_' && key[3] != '0') {
		*p = KP_PHC;
		*phc = key[3] - '0';
		return key + 5;
	}
	*p = KP_NONE;
	return key;
}

bool sim_is_clock_key(const char *key)
{
	enum kpre p;
	int phc;
	const char *base = key_split(key, &p, &phc);

	if (p == KP_KVM)
		return sim_keys_find(read_keys, base) != NULL;
	if (p == KP_TSC && strcmp(base, "noise_tick") == 0)
		return false;
	return sim_keys_find(model_keys, base) || sim_keys_find(read_keys, base);
}

/* A host's TSC (sim_vmclock.c): its oscillator, and its reading around
 * CLOCK_REALTIME (a window: delay, jitter, asymmetry). */
static void *tsc_target(struct sim_node *n, const char *base, bool rd,
			char *why, size_t wl)
{
	if (n->guest || n->vmreader) {
		snprintf(why, wl, "node %s has no TSC of its own (its host's)",
			 n->name);
		return NULL;
	}
	if (rd && (!strcmp(base, "read_method") || !strcmp(base, "read_noise"))) {
		snprintf(why, wl, "the TSC is read around CLOCK_REALTIME: "
			 "tsc_read_delay, tsc_read_jitter, tsc_read_asymmetry");
		return NULL;
	}
	if (!rd && (!strcmp(base, "max_adj") || strstr(base, "_resolution"))) {
		snprintf(why, wl, "the TSC is never adjusted nor stepped");
		return NULL;
	}
	return rd ? (void *)&n->tsc_rd : (void *)&n->tsc_cm;
}

/* The model (or read model) a clock key sets on n, NULL when n has no
 * such clock (why says so); *skip for sys_ keys of a node without PHC,
 * which have no use. */
static void *key_target(struct sim_node *n, const char *key,
			const struct sim_key **k, bool *skip, char *why,
			size_t wl)
{
	enum kpre p;
	int phc;
	const char *base = key_split(key, &p, &phc);
	bool rd = (*k = sim_keys_find(read_keys, base)) != NULL;

	*skip = false;
	if (!rd)
		*k = sim_keys_find(model_keys, base);
	if (p == KP_KVM) {
		if (!n->guest)
			snprintf(why, wl, "node %s is not a guest (guest_of)",
				 n->name);
		return n->guest ? (void *)&n->kvm_rd : NULL;
	}
	if (p == KP_TSC)
		return tsc_target(n, base, rd, why, wl);
	if (p == KP_SYS && rd) {
		snprintf(why, wl, "the system clock reads itself (a PHC's "
			 "reading: read_*, phcN_read_*)");
		return NULL;
	}
	if (p == KP_SYS) {
		*skip = n->nphc == 0;
		return &n->sys_cm;
	}
	if ((p == KP_PHC && phc >= n->nphc) || (rd && n->nphc == 0)) {
		snprintf(why, wl, "node %s has %d PHC%s%s", n->name, n->nphc,
			 n->nphc == 1 ? "" : "s",
			 n->nphc ? " (phcs = ...)" : "");
		return NULL;
	}
	if (n->nphc == 0)
		return &n->sys_cm;
	return rd ? (void *)&n->phc_rd[phc] : (void *)&n->phc_cm[phc];
}

/* noise_tick: every clock's noise grid. */
static void set_noise_tick(struct sim_node *n, int64_t ns)
{
	for (int k = 0; k < SIM_MAX_PHCS; k++)
		n->phc_cm[k].tick_ns = ns;
	n->sys_cm.tick_ns = ns;
	n->tsc_cm.tick_ns = ns;
}

static int clock_key(struct cctx *x, const struct scn_entry *e, bool dflt)
{
	struct sim_node *n = x->n;
	const struct sim_key *k;
	char why[300];
	bool skip;
	void *base;

	if (strcmp(e->key, "noise_tick") == 0) {
		struct sim_clock_model m = n->sys_cm;

		if (sim_keys_set(&m, sim_keys_find(model_keys, "noise_tick"),
				 e->value, why, sizeof(why)))
			return cfail(x, e->line, "%s: %s", e->key, why);
		set_noise_tick(n, m.tick_ns);
		return 0;
	}
	base = key_target(n, e->key, &k, &skip, why, sizeof(why));
	if (!base && dflt)
		return 0; /* [node *]: a clock this node lacks */
	if (!base)
		return cfail(x, e->line, "%s: %s", e->key, why);
	if (skip)
		return 0;
	if (sim_keys_set(base, k, e->value, why, sizeof(why)))
		return cfail(x, e->line, "%s: %s", e->key, why);
	return 0;
}

static int clock_keys(struct cctx *x, const struct scn_section *sec,
		      bool dflt)
{
	for (int i = 0; sec && i < sec->n; i++) {
		if (!sim_is_clock_key(sec->e[i].key))
			continue;
		if (clock_key(x, &sec->e[i], dflt))
			return -EINVAL;
	}
	return 0;
}

/* ---- PHC groups ---- */

static int phc_group(struct cctx *x, char *grp, int g, int line)
{
	struct sim_node *n = x->n;
	char *tok, *save = NULL;
	int count = 0;

	for (tok = strtok_r(grp, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		int p = sim_find_port(n, tok);

		if (p < 0)
			return cfail(x, line, "phcs: node %s has no port %s",
				     n->name, tok);
		if (!n->set.port_hardware[p])
			return cfail(x, line, "phcs: port %s is software-"
				     "timestamped (the system clock stamps "
				     "it)", tok);
		if (n->port_clk[p] >= 0)
			return cfail(x, line, "phcs: port %s listed twice",
				     tok);
		n->port_clk[p] = g;
		count++;
	}
	if (!count)
		return cfail(x, line, "phcs: an empty group (want PORT... | "
			     "PORT...)");
	return 0;
}

/* "phcs = eth0 eth1 | eth2". */
static int phcs_key(struct cctx *x, const struct scn_entry *e)
{
	struct sim_node *n = x->n;
	char buf[1024], *grp, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", e->value);
	n->nphc = 0;
	for (grp = strtok_r(buf, "|", &save); grp;
	     grp = strtok_r(NULL, "|", &save)) {
		if (n->nphc >= SIM_MAX_PHCS)
			return cfail(x, e->line, "phcs: more than %d PHCs",
				     SIM_MAX_PHCS);
		if (phc_group(x, grp, n->nphc, e->line))
			return -EINVAL;
		n->nphc++;
	}
	for (int p = 0; p < n->nports; p++) {
		if (n->set.port_hardware[p] && n->port_clk[p] < 0)
			return cfail(x, e->line, "phcs: hardware-timestamped "
				     "port %s is in no group",
				     n->ports[p].name);
	}
	return 0;
}

static const struct scn_entry *find_entry(const struct scn_section *sec,
					  const char *key)
{
	for (int i = 0; sec && i < sec->n; i++) {
		if (strcmp(sec->e[i].key, key) == 0)
			return &sec->e[i];
	}
	return NULL;
}

/* Ports to clocks: PHC groups, the system clock last. */
static int port_clocks(struct cctx *x, const struct scn_section *sec)
{
	struct sim_node *n = x->n;
	const struct scn_entry *e = find_entry(sec, "phcs");

	for (int p = 0; p < SIM_MAX_PORTS; p++)
		n->port_clk[p] = -1;
	if (e && n->guest)
		return cfail(x, e->line, "phcs: a guest has no PHC");
	if (e && !n->set.any_hardware)
		return cfail(x, e->line, "phcs: node %s has no hardware-"
			     "timestamped port", n->name);
	if (e && phcs_key(x, e))
		return -EINVAL;
	if (!e) {
		n->nphc = n->set.any_hardware && !n->guest && !n->vmreader
				  ? 1
				  : 0;
		for (int p = 0; p < n->nports; p++)
			n->port_clk[p] = n->set.port_hardware[p] ? 0 : -1;
	}
	n->sys = n->nphc;
	n->nclk = n->nphc + 1;
	for (int p = 0; p < n->nports; p++) {
		if (n->port_clk[p] < 0)
			n->port_clk[p] = n->sys;
	}
	for (int k = 0; k < n->nphc; k++)
		snprintf(n->clk_name[k], sizeof(n->clk_name[k]), "phc%c",
			 '0' + k);
	snprintf(n->clk_name[n->sys], sizeof(n->clk_name[n->sys]), "sys");
	return 0;
}

/* Each PHC's forced read method (sys_offset_method of its ports, which
 * must agree, as hvptpd requires) and the reference_clock. */
static int clock_settings(struct cctx *x)
{
	struct sim_node *n = x->n;
	const char *r = n->set.reference_clock;

	for (int p = 0; p < n->nports; p++) {
		for (int q = 0; q < p; q++) {
			if (n->port_clk[q] == n->port_clk[p] &&
			    n->port_clk[p] < n->nphc &&
			    n->set.sys_offset_method[q] !=
				    n->set.sys_offset_method[p])
				return cfail(x, n->line, "node %s: ports %s "
					     "and %s share a PHC but not "
					     "sys_offset_method", n->name,
					     n->ports[q].name,
					     n->ports[p].name);
		}
	}
	n->gm_clk = n->guest || n->vmreader ? 0 : n->port_clk[0];
	if (!*r || n->guest || n->vmreader)
		return 0;
	if (!strcmp(r, "CLOCK_REALTIME")) {
		n->gm_clk = n->sys;
		return 0;
	}
	for (int p = 0; p < n->nports; p++) {
		if (!strcmp(r, n->ports[p].name)) {
			n->gm_clk = n->port_clk[p];
			return 0;
		}
	}
	if (!strncmp(r, "/dev/ptp", 8) && isdigit((unsigned char)r[8]) &&
	    !r[9] && r[8] - '0' < n->nphc) {
		n->gm_clk = r[8] - '0';
		return 0;
	}
	return cfail(x, n->line, "node %s: reference_clock %s: not a clock "
		     "of the node (a port, /dev/ptp0../dev/ptp%d, "
		     "CLOCK_REALTIME)", n->name, r, n->nphc - 1);
}

int sim_node_clock_keys(struct sim_node *n, const struct scn_section *def,
			const struct scn_section *sec, const char *path,
			char *err, size_t errlen)
{
	struct cctx x = { .n = n, .path = path, .err = err, .errlen = errlen };
	const struct scn_entry *e = find_entry(def, "phcs");

	if (e)
		return cfail(&x, e->line, "phcs: not in [node *]");
	for (int k = 0; k < SIM_MAX_PHCS; k++) {
		sim_clock_model_default(&n->phc_cm[k]);
		sim_readmodel_default(&n->phc_rd[k]);
	}
	sim_clock_model_default(&n->sys_cm);
	n->sys_cm.max_adj_ppb = SIM_SYS_MAX_ADJ_PPB;
	/* the TSC: rdtsc, clock_gettime (vDSO), rdtsc take some 30 ns */
	sim_clock_model_default(&n->tsc_cm);
	sim_readmodel_default(&n->tsc_rd);
	n->tsc_rd.delay_ns = 30;
	n->tsc_rd.jitter_ns = 5.0;
	/* ptp_kvm: the host's CLOCK_REALTIME paired with the guest's TSC */
	sim_readmodel_default(&n->kvm_rd);
	n->kvm_rd.best = HWCLOCK_READ_PRECISE;
	n->kvm_rd.noise_ns = 5.0;
	if (port_clocks(&x, sec) || clock_settings(&x))
		return -EINVAL;
	if (clock_keys(&x, def, true) || clock_keys(&x, sec, false))
		return -EINVAL;
	for (int k = 0; k < SIM_MAX_PHCS; k++) {
		if (!(n->phc_cm[k].max_adj_ppb > 0.0) ||
		    !(n->sys_cm.max_adj_ppb > 0.0))
			return cfail(&x, n->line, "node %s: max_adj must be "
				     "> 0", n->name);
		if (n->phc_cm[k].tick_ns < 1000 || n->sys_cm.tick_ns < 1000)
			return cfail(&x, n->line, "node %s: noise_tick below "
				     "1 us", n->name);
		if (n->phc_cm[k].step_res_ns < 1 || n->sys_cm.step_res_ns < 1)
			return cfail(&x, n->line, "node %s: resolutions must "
				     "be at least 1 ns", n->name);
	}
	return 0;
}

/* ---- the clocks ---- */

static bool offset_ok(double ns)
{
	return ns >= -1.69e18 && ns <= 5e18;
}

bool sim_node_offsets_ok(const struct sim_node *n)
{
	for (int k = 0; k < n->nphc; k++) {
		if (!offset_ok(n->phc_cm[k].offset_ns))
			return false;
	}
	return offset_ok(n->sys_cm.offset_ns);
}

/* A PTP node's clocks; a guest's system clock (its kvm clock needs the
 * host's built: sim_guest_clock). */
void sim_node_clocks(struct sim *s, struct sim_node *n)
{
	int64_t utc = (int64_t)sim_utc_offset_at(s, s->epoch_ns,
						 n->set.clock.utc_offset) *
		      NS_PER_SEC;
	uint64_t idx = (uint64_t)n->index;

	/* streams: the first clock 1, the system clock 2 when it is not the
	 * first, PHC 0's reading 4 (as before there were several clocks),
	 * other PHCs 7 and their readings 8 */
	for (int k = 0; k < n->nphc; k++) {
		sim_clock_init(&n->clocks[k], &n->phc_cm[k], s->epoch_ns,
			       k ? sim_seed_mix(s->seed, 7, idx << 8 | (unsigned)k)
				 : sim_seed_mix(s->seed, 1, idx));
	}
	sim_clock_init(&n->clocks[n->sys], &n->sys_cm, s->epoch_ns - utc,
		       sim_seed_mix(s->seed, n->sys ? 2 : 1, idx));
	sim_clock_kernel_on(&n->clocks[n->sys]);
	for (int k = 0; k < n->nphc; k++) {
		char name[16];

		snprintf(name, sizeof(name), "/dev/ptp%c", '0' + k);
		sim_hwclock_init(&n->hwc[k], name, &n->clocks[k],
				 &n->clocks[n->sys], &s->now, &n->phc_rd[k],
				 k ? sim_seed_mix(s->seed, 8, idx << 8 | (unsigned)k)
				   : sim_seed_mix(s->seed, 4, idx));
		n->hwc[k].hw.phc_index = k;
	}
	sim_hwclock_init(&n->hwc[n->sys], "CLOCK_REALTIME", &n->clocks[n->sys],
			 &n->clocks[n->sys], &s->now, NULL,
			 sim_seed_mix(s->seed, 9, idx));
	for (int p = 0; p < n->nports; p++) {
		int k = n->port_clk[p];

		if (k < n->nphc)
			n->hwc[k].hw.read_method = n->set.sys_offset_method[p];
		n->set.ports[p].clock = (uint8_t)k;
		n->set.ports[p].phc_index = k < n->nphc ? k : -1;
	}
	n->set.clock.gm_clock_is_utc = n->gm_clk == n->sys;
	n->main_clk = n->gm_clk;
	n->ncm = !n->guest && n->nclk > 1 ? n->nclk : 0;
}

/* The node's clock set as daemon/daemon.c opens it: the PHCs, then the
 * system clock (adjusted when it follows or stamps), ports bound. */
int sim_node_clockset(struct sim_node *n)
{
	const struct hvd_settings *s = &n->set;
	struct cs_cfg cfg;
	bool adjust = !s->disc.free_running;
	int k = 0;

	settings_cs_cfg(s, n->gm_clk, &cfg);
	cs_init(&n->cs, &cfg);
	for (int i = 0; k >= 0 && i < n->nphc; i++)
		k = cs_add(&n->cs, &n->hwc[i].hw, adjust);
	if (k >= 0)
		k = cs_add(&n->cs, &n->hwc[n->sys].hw,
			   adjust && (s->system_clock_sync || s->any_software));
	for (int i = 0; k >= 0 && i < n->nports; i++)
		k = cs_bind_port(&n->cs, i, n->port_clk[i]);
	return k < 0 ? k : cs_start(&n->cs);
}
