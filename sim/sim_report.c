/*
 * sim/sim_report.c — what a run prints: the per-node table, the events
 * with each node's relock time and worst error in the transition, the
 * [expect] checks, and the CSV time series.  Everything printed here is a
 * function of the scenario and the seed only (the wall time goes to
 * stderr from main.c), so runs are byte-for-byte reproducible.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim.h"

static void port_states(const struct sim_node *n, char *buf, size_t len,
			char sep, char eq)
{
	char sepstr[2] = { sep, '\0' };
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n->nports && o < len; i++) {
		const struct port_ds *ds = n->bc ? bc_port_ds(n->bc, i) : NULL;

		o += (size_t)snprintf(buf + o, len - o, "%s%s%c%s",
				      i ? sepstr : "",
				      n->ports[i].name, eq,
				      ds ? port_state_name(ds->port_state)
					 : "-");
	}
}

static const char *secs(char *buf, size_t len, int64_t ns)
{
	snprintf(buf, len, "%.3f", (double)ns / 1e9);
	return buf;
}

/* A measured row: lock, RMS, max, frequency, steps, and what follows. */
static void meter_line(const struct sim_meter *m, const char *name,
		       const char *role, const char *hop, const char *tail,
		       FILE *out)
{
	const struct sim_result *r = &m->res;
	char lock[32];

	fprintf(out, "%-10s %-4s %3s ", name, role, hop);
	if (!r->measured || !r->locked) {
		fprintf(out, "%9s %10s %10s %9s %5llu  %s\n",
			r->measured ? "never" : "-", "-", "-", "-",
			(unsigned long long)r->steps, tail);
		return;
	}
	fprintf(out, "%9s %10.1f %10.1f %9.3f %5llu  %s\n",
		secs(lock, sizeof(lock), r->lock_t), r->rms_ns, r->max_ns,
		r->freq_rms_ppb, (unsigned long long)r->steps, tail);
}

static void node_line(const struct sim *s, const struct sim_node *n,
		      FILE *out)
{
	char ports[600], hop[16];

	if (n->guest)
		snprintf(ports, sizeof(ports), "ptp_kvm of %s",
			 s->nodes[n->host].name);
	else if (n->vmreader)
		snprintf(ports, sizeof(ports), "vmclock of %s: %s",
			 s->nodes[n->host].name, sim_vmclock_status(n));
	else
		port_states(n, ports, sizeof(ports), ' ', ':');
	snprintf(hop, sizeof(hop), n->hop >= 0 ? "%d" : "-", n->hop);
	meter_line(&n->m, n->name, sim_role(s, n), hop, ports, out);
}

/* Clock k's role at the end and the ports it stamps: "follower: eth1
 * tap0". */
static void clock_tail(const struct sim_node *n, int k, char *b, size_t bl)
{
	const struct cs_clock *c = n->cs.started ? &n->cs.c[k] : NULL;
	const char *sep = ": ";
	size_t o;

	o = (size_t)snprintf(b, bl, "%s%s", c ? cs_role_name(c) : "down",
			     c && !c->adjust ? " (not adjusted)"
			     : c && c->st.readings == c->st.skipped
				     ? " (never steered)"
				     : "");
	for (int p = 0; p < n->nports && o < bl; p++) {
		if (n->port_clk[p] != k)
			continue;
		o += (size_t)snprintf(b + o, bl - o, "%s%s", sep,
				      n->ports[p].name);
		sep = " ";
	}
}

/* The rows of a node's clocks that followed another at some sample (the
 * one that was the reference all along is the node's row). */
static void clock_lines(const struct sim_node *n, FILE *out)
{
	for (int k = 0; k < n->ncm; k++) {
		char name[48], tail[300];

		if (!n->cm[k].follower)
			continue;
		snprintf(name, sizeof(name), "%s:%s", n->name, n->clk_name[k]);
		clock_tail(n, k, tail, sizeof(tail));
		meter_line(&n->cm[k], name, "clk", "-", tail, out);
	}
}

static void event_line(const struct sim_meter *m, const char *name, int e,
		       FILE *out)
{
	char b[32];
	int64_t rl = m->relock[e];

	if (!m->res.measured)
		return;
	fprintf(out, "    %-10s relock %9s s  max %12.1f ns\n", name,
		rl < 0 ? "never" : secs(b, sizeof(b), rl), m->trans_max[e]);
}

static void events_report(const struct sim *s, FILE *out)
{
	char a[32];

	if (!s->nacts)
		return;
	fprintf(out, "\nevents (relock: locked again for lock_hold; max: "
		     "worst |error| from the event to the relock, at least "
		     "%s s):\n",
		secs(a, sizeof(a), s->transition_ns));
	for (int e = 0; e < s->nacts; e++) {
		fprintf(out, "  at %s s: %s\n",
			secs(a, sizeof(a), s->acts[e].at), s->acts[e].text);
		for (int i = 0; i < s->nnodes; i++) {
			const struct sim_node *n = &s->nodes[i];

			event_line(&n->m, n->name, e, out);
			for (int k = 0; k < n->ncm; k++) {
				char name[48];

				if (!n->cm[k].follower)
					continue;
				snprintf(name, sizeof(name), "%s:%s", n->name,
					 n->clk_name[k]);
				event_line(&n->cm[k], name, e, out);
			}
		}
	}
}

/* A node that reported holdover: how long, its worst true error and its
 * own estimate at the end. */
static void holdover_note(const struct sim *s, const struct sim_node *n,
			  FILE *out)
{
	long long held = 0;
	double worst = 0.0, te = -1.0;

	for (int k = 0; k < s->npts; k++) {
		const struct sim_pt *p = &n->m.pts[k];

		if (!(p->flags & SIM_PT_HOLDOVER) || !(p->flags & SIM_PT_VALID))
			continue;
		held++;
		te = p->te_ns;
		if (fabs(p->err_ns) > worst)
			worst = fabs(p->err_ns);
	}
	if (held)
		fprintf(out, "note: %s: holdover %.0f s, worst |error| %.1f ns "
			     "(against %s), its estimate at the end %.1f ns\n",
			n->name, (double)held * (double)s->sample_ns / 1e9,
			worst, n->ref >= 0 ? s->nodes[n->ref].name
					   : "the grandmaster",
			te);
}

/* A system clock's kernel when a leap second was in play (the scenario
 * has a leapfile, or a leap was armed): the leaps it made (true time),
 * how often the flag was set, the TAI offset, STA_UNSYNC and the error
 * bounds it holds at the end, and the steps that cleared its NTP state
 * (with an armed leap lost). */
static void kernel_note(const struct sim *s, const struct sim_node *n,
			FILE *out)
{
	const struct sim_kernel *k = &n->clocks[n->sys].k;
	char at[32];

	if (n->vmreader) /* no clock of its own */
		return;
	if (!s->have_leaps && !k->n_set_leap && !k->nleaps)
		return;
	fprintf(out, "note: %s:sys kernel: ", n->name);
	if (!k->nleaps)
		fprintf(out, "no leap second");
	for (int i = 0; i < k->nleaps && i < SIM_KERN_MAX_LEAPS; i++)
		fprintf(out, "%sleap second %s at %s s", i ? ", " : "",
			k->leaps[i].dir > 0 ? "inserted" : "deleted",
			secs(at, sizeof(at), k->leaps[i].t));
	fprintf(out, " (leap flag set %llu times); TAI offset ",
		(unsigned long long)k->n_set_leap);
	if (k->tai >= 0)
		fprintf(out, "%d s", k->tai);
	else
		fprintf(out, "never set");
	fprintf(out, "; %s, maxerror %lld us, esterror %lld us (set %llu "
		     "times); %llu steps cleared its NTP state, %llu armed "
		     "leaps lost\n",
		k->sync.synced ? "synchronised" : "STA_UNSYNC",
		(long long)(k->sync.maxerror_ns / 1000),
		(long long)(k->sync.esterror_ns / 1000),
		(unsigned long long)k->n_set_sync,
		(unsigned long long)k->n_clear, (unsigned long long)k->n_lost);
}

static void notes(const struct sim *s, FILE *out)
{
	if (s->nacts_cut)
		fprintf(out, "note: %d event%s after the end of the run (-d) "
			     "left out\n",
			s->nacts_cut, s->nacts_cut > 1 ? "s" : "");
	for (int i = 0; i < s->nnodes; i++)
		holdover_note(s, &s->nodes[i], out);
	for (int i = 0; i < s->nnodes; i++)
		kernel_note(s, &s->nodes[i], out);
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		uint64_t faults = 0, tsto = 0;

		for (int p = 0; n->bc && p < n->nports; p++) {
			faults += bc_port_counters(n->bc, p)->faults;
			tsto += bc_port_counters(n->bc, p)->tx_ts_timeouts;
		}
		/* unclaimed stamps alone are normal: the core forgets its
		 * pending ones when a port changes state */
		if (!faults && !tsto && !n->restarts && !n->tx_ts_missing)
			continue;
		fprintf(out, "note: %s: %llu port faults, %llu TX timestamp "
			     "timeouts (%llu never sent, %llu unclaimed), %llu "
			     "restarts\n",
			n->name, (unsigned long long)faults,
			(unsigned long long)tsto,
			(unsigned long long)n->tx_ts_missing,
			(unsigned long long)n->tx_ts_unclaimed,
			(unsigned long long)n->restarts);
	}
}

void sim_report(const struct sim *s, FILE *out)
{
	char a[32], b[32], c[32];

	fprintf(out, "scenario %s: %d nodes, %d links, %s s, seed %llu, "
		     "samples every %s s\n",
		s->name, s->nnodes, s->nsegs,
		secs(a, sizeof(a), s->duration_ns),
		(unsigned long long)s->seed, secs(b, sizeof(b), s->sample_ns));
	fprintf(out, "lock: servo LOCKED and |true error| <= %.0f ns for %s "
		     "s; rms/max/freq from lock",
		(double)s->lock_threshold_ns, secs(c, sizeof(c),
						     s->lock_hold_ns));
	if (s->settle_ns)
		fprintf(out, " + %s s", secs(c, sizeof(c), s->settle_ns));
	fprintf(out, ", transitions excluded\n");
	fprintf(out, "%-10s %-4s %3s %9s %10s %10s %9s %5s  %s\n", "node",
		"role", "hop", "lock_s", "rms_ns", "max_ns", "freq_ppb",
		"steps", "ports");
	for (int i = 0; i < s->nnodes; i++) {
		node_line(s, &s->nodes[i], out);
		clock_lines(&s->nodes[i], out);
	}
	events_report(s, out);
	sim_alarm_report(s, out);
	notes(s, out);
}

/* ---- CSV ---- */

void sim_csv_header(FILE *f)
{
	fprintf(f, "t_s,node,err_ns,freq_err_ppb,servo,ports,te_ns,"
		   "clock_class\n");
}

static const char *servo_col(const struct sim_node *n,
			     const struct sim_pt *p, const struct disc *d)
{
	if (!(p->flags & SIM_PT_VALID))
		return n->up ? "NO_GM" : "DOWN";
	if (p->flags & SIM_PT_GM)
		return "GM";
	if (p->flags & SIM_PT_HOLDOVER)
		return "HOLDOVER";
	if (n->vmreader) /* the page's clock_status */
		return sim_vmclock_status(n);
	return servo_state_name(d ? disc_state(d) : SERVO_UNLOCKED);
}

static void csv_row(const struct sim *s, FILE *f, const char *name,
		    const struct sim_pt *p, const char *state,
		    const char *ports)
{
	fprintf(f, "%.3f,%s,", (double)s->now / 1e9, name);
	if (p->flags & SIM_PT_VALID)
		fprintf(f, "%.3f,%.4f,", p->err_ns, p->ferr_ppb);
	else
		fprintf(f, ",,");
	fprintf(f, "%s,%s,", state, ports);
	if (p->te_ns >= 0.0f)
		fprintf(f, "%.1f", p->te_ns);
	if (p->cls)
		fprintf(f, ",%u\n", (unsigned)p->cls);
	else
		fprintf(f, ",\n");
}

void sim_csv_rows(const struct sim *s, FILE *f)
{
	char ports[600], name[48];
	int k = s->npts - 1;

	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];

		port_states(n, ports, sizeof(ports), ';', '=');
		csv_row(s, f, n->name, &n->m.pts[k],
			servo_col(n, &n->m.pts[k], sim_node_disc(n)), ports);
		for (int c = 0; c < n->ncm; c++) {
			const struct cs_clock *cc =
				n->cs.started ? &n->cs.c[c] : NULL;

			snprintf(name, sizeof(name), "%s:%s", n->name,
				 n->clk_name[c]);
			csv_row(s, f, name, &n->cm[c].pts[k],
				servo_col(n, &n->cm[c].pts[k],
					  sim_node_clock_disc(n, c)),
				cc ? cs_role_name(cc) : "");
		}
	}
}
