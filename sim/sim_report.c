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

static void node_line(const struct sim *s, const struct sim_node *n,
		      FILE *out)
{
	const struct sim_result *r = &n->res;
	char ports[600], lock[32], hop[16];

	port_states(n, ports, sizeof(ports), ' ', ':');
	snprintf(hop, sizeof(hop), n->hop >= 0 ? "%d" : "-", n->hop);
	fprintf(out, "%-10s %-4s %3s ", n->name, sim_role(s, n), hop);
	if (!r->measured) {
		fprintf(out, "%9s %10s %10s %9s %5llu  %s\n", "-", "-", "-",
			"-", (unsigned long long)r->steps, ports);
		return;
	}
	if (!r->locked) {
		fprintf(out, "%9s %10s %10s %9s %5llu  %s\n", "never", "-",
			"-", "-", (unsigned long long)r->steps, ports);
		return;
	}
	fprintf(out, "%9s %10.1f %10.1f %9.3f %5llu  %s\n",
		secs(lock, sizeof(lock), r->lock_t), r->rms_ns, r->max_ns,
		r->freq_rms_ppb, (unsigned long long)r->steps, ports);
}

static void events_report(const struct sim *s, FILE *out)
{
	char a[32], b[32];

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
			int64_t rl = s->relock[e * s->nnodes + i];

			if (!n->res.measured)
				continue;
			fprintf(out, "    %-10s relock %9s s  max %12.1f ns\n",
				n->name,
				rl < 0 ? "never" : secs(b, sizeof(b), rl),
				s->trans_max[e * s->nnodes + i]);
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
		const struct sim_pt *p = &n->pts[k];

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

static void notes(const struct sim *s, FILE *out)
{
	if (s->nacts_cut)
		fprintf(out, "note: %d event%s after the end of the run (-d) "
			     "left out\n",
			s->nacts_cut, s->nacts_cut > 1 ? "s" : "");
	for (int i = 0; i < s->nnodes; i++)
		holdover_note(s, &s->nodes[i], out);
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
	for (int i = 0; i < s->nnodes; i++)
		node_line(s, &s->nodes[i], out);
	events_report(s, out);
	notes(s, out);
}

/* ---- CSV ---- */

void sim_csv_header(FILE *f)
{
	fprintf(f, "t_s,node,err_ns,freq_err_ppb,servo,ports,te_ns,"
		   "clock_class\n");
}

static const char *servo_col(const struct sim_node *n,
			     const struct sim_pt *p)
{
	if (!(p->flags & SIM_PT_VALID))
		return n->up ? "NO_GM" : "DOWN";
	if (p->flags & SIM_PT_GM)
		return "GM";
	if (p->flags & SIM_PT_HOLDOVER)
		return "HOLDOVER";
	return servo_state_name(disc_state(sim_node_disc(n)));
}

void sim_csv_rows(const struct sim *s, FILE *f)
{
	char ports[600];
	int k = s->npts - 1;

	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		const struct sim_pt *p = &n->pts[k];

		port_states(n, ports, sizeof(ports), ';', '=');
		fprintf(f, "%.3f,%s,", (double)s->now / 1e9, n->name);
		if (p->flags & SIM_PT_VALID)
			fprintf(f, "%.3f,%.4f,", p->err_ns, p->ferr_ppb);
		else
			fprintf(f, ",,");
		fprintf(f, "%s,%s,", servo_col(n, p), ports);
		if (p->te_ns >= 0.0f)
			fprintf(f, "%.1f", p->te_ns);
		if (p->cls)
			fprintf(f, ",%u\n", (unsigned)p->cls);
		else
			fprintf(f, ",\n");
	}
}
