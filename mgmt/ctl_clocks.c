/*
 * mgmt/ctl_clocks.c — the parts of hvptpctl status about the host: its
 * clocks (HVPTP_CLOCKS_NP) and the checks that matter for guests
 * (HVPTP_HOST_NP).
 *
 * "clock_tree" holds the decoded records (mgmt/decode.h says which values
 * are null and why) with three members added: "source_name" (the clock it
 * follows, by name), "port_numbers" (the ports it stamps, matched through
 * PORT_HWCLOCK_NP: a port with phc_index N is stamped by the clock with
 * that PHC, a software-timestamped port (-1) by the clock that is not a
 * PHC, CLOCK_REALTIME; null when the match does not give the record's
 * count) and "offset_age_s".  On the screen, one aligned line per clock:
 *
 *   CLOCK           ROLE               SERVO      OFFSET  FREQ-PPB ...
 *   /dev/ptp0       reference          pi LOCKED   -12 ns  +1234.567
 *   CLOCK_REALTIME  follows /dev/ptp0  pi LOCKED    +3 ns    -12.000
 *
 * What is not known reads "unknown"; the servo and frequency of a clock
 * hvptpd does not adjust, or of a follower not steered yet, "not
 * applied"; never 0.
 *
 * "host_checks" holds HVPTP_HOST_NP decoded plus "checks", each check's
 * state.  The screen shows one summary line (how many findings, unknowns
 * and ok checks, by name) and below it only the lines of findings and
 * unknowns: an ok line says nothing to act on, and the summary still
 * shows which checks ran and passed, so "ok" cannot be confused with "not
 * run" or "not applicable".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"

/* ---- building ---- */

/* Ports 1..n of PORT_HWCLOCK_NP stamped by the clock with PHC phc (-1:
 * not a PHC) into "port_numbers"; null unless exactly `want` match. */
static void clock_ports(struct mgmt_tree *t, int rec, struct mgmt_tree *s,
			const struct mgmt_status_in *in, int64_t n)
{
	int64_t phc = -2, want = -1, idx;
	uint16_t match[BC_MAX_PORTS], pns[BC_MAX_PORTS];
	int m = 0, arr, np;

	(void)n;
	mgmt_tree_get_int(t, rec, "phc_index", &phc);
	mgmt_tree_get_int(t, rec, "ports_stamped", &want);
	np = ctl_port_numbers(in->hwclock, pns, BC_MAX_PORTS);
	for (int i = 0; i < np; i++) {
		if (mgmt_tree_get_int(s, ctl_decode_port(s, in->hwclock,
							 pns[i]),
				      "phc_index", &idx) &&
		    idx == phc)
			match[m++] = pns[i];
	}
	if (!in->hwclock || m != want) {
		mgmt_tree_null(t, rec, "port_numbers");
		return;
	}
	arr = mgmt_tree_arr(t, rec, "port_numbers");
	for (int i = 0; i < m; i++)
		mgmt_tree_int(t, arr, NULL, match[i]);
}

/* The name of the clock with index idx among the records, or NULL. */
static const char *clock_name(const struct mgmt_tree *t, int arr, int64_t idx)
{
	int64_t k;

	for (int i = 0, r; (r = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		if (mgmt_tree_get_int(t, r, "index", &k) && k == idx)
			return mgmt_tree_get_str(t, r, "name");
	}
	return NULL;
}

static void clock_extras(struct mgmt_tree *t, int arr, int rec,
			 struct mgmt_tree *s, const struct mgmt_status_in *in,
			 int64_t nports)
{
	int at = mgmt_tree_member(t, rec, "offset_monotonic_ns");
	int64_t src = -1, now = in->now_mono_ns;
	const char *name = NULL;

	if (mgmt_tree_get_int(t, rec, "source", &src))
		name = clock_name(t, arr, src);
	if (name) { /* the pool does not move: name stays valid */
		mgmt_tree_str(t, rec, "source_name", name);
	} else {
		mgmt_tree_null(t, rec, "source_name");
	}
	clock_ports(t, rec, s, in, nports);
	if (at >= 0 && t->node[at].kind == MV_UINT && now > 0 &&
	    t->node[at].v.u > 0 && t->node[at].v.u <= (uint64_t)now)
		mgmt_tree_real(t, rec, "offset_age_s",
			       (double)((uint64_t)now - t->node[at].v.u) / 1e9,
			       3);
	else
		mgmt_tree_null(t, rec, "offset_age_s");
}

void ctl_status_build_clocks(struct mgmt_tree *t, struct mgmt_tree *s,
			     const struct mgmt_status_in *in)
{
	int o = ctl_decode_first(s, in->clocks), tree, arr;
	int64_t nports = 0;

	if (o < 0) {
		mgmt_tree_null(t, 0, "clock_tree");
		return;
	}
	tree = mgmt_tree_copy(t, 0, "clock_tree", s, o);
	arr = mgmt_tree_member(t, tree, "clocks");
	mgmt_tree_get_int(t, 0, "clock.number_ports", &nports);
	for (int i = 0, r; (r = mgmt_tree_child(t, arr, i)) >= 0; i++)
		clock_extras(t, arr, r, s, in, nports);
}

int ctl_status_reference(const struct mgmt_tree *t)
{
	int arr = mgmt_tree_get(t, 0, "clock_tree.clocks");
	int64_t role;

	for (int i = 0, r; arr >= 0 && (r = mgmt_tree_child(t, arr, i)) >= 0;
	     i++) {
		if (mgmt_tree_get_int(t, r, "role", &role) &&
		    role == BC_CLOCK_REFERENCE)
			return r;
	}
	return -1;
}

/* The bits of an array of check names. */
static uint32_t host_bits(const struct mgmt_tree *t, int arr)
{
	uint32_t bits = 0;

	for (int i = 0, n; (n = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		for (int id = 0; id < HOSTCHECK_N_IDS; id++) {
			if (t->node[n].kind == MV_STR &&
			    !strcmp(t->node[n].v.s,
				    hostcheck_id_name((enum hostcheck_id)id)))
				bits |= 1u << id;
		}
	}
	return bits;
}

void ctl_status_build_host(struct mgmt_tree *t, struct mgmt_tree *s,
			   const struct mgmt_status_in *in)
{
	int o = ctl_decode_first(s, in->host), h, checks;
	uint32_t fnd, unk, ok;
	int64_t ran = 0;

	if (o < 0) {
		mgmt_tree_null(t, 0, "host_checks");
		return;
	}
	h = mgmt_tree_copy(t, 0, "host_checks", s, o);
	mgmt_tree_get_int(t, h, "ran", &ran);
	if (!ran) {
		mgmt_tree_null(t, h, "checks");
		return;
	}
	fnd = host_bits(t, mgmt_tree_member(t, h, "findings"));
	unk = host_bits(t, mgmt_tree_member(t, h, "unknown"));
	ok = host_bits(t, mgmt_tree_member(t, h, "ok"));
	checks = mgmt_tree_obj(t, h, "checks");
	for (int id = 0; id < HOSTCHECK_N_IDS; id++)
		mgmt_tree_str(t, checks, hostcheck_id_name((enum hostcheck_id)id),
			      hostcheck_state_name(mgmt_host_check_state(
				      fnd, unk, ok, id)));
}

/* ---- the screen ---- */

/* ns with a unit that keeps it short: "-12 ns", "+1.234 us", "5.000 ms". */
static const char *fmt_ns(char *buf, size_t len, int64_t ns, bool sign)
{
	double a = ns < 0 ? -(double)ns : (double)ns, v = (double)ns;
	const char *unit = "s";

	if (a < 1e4) {
		snprintf(buf, len, "%s%" PRId64 " ns",
			 sign && ns >= 0 ? "+" : "", ns);
		return buf;
	}
	if (a < 1e7)
		v /= 1e3, unit = "us";
	else if (a < 1e10)
		v /= 1e6, unit = "ms";
	else
		v /= 1e9;
	snprintf(buf, len, "%s%.3f %s", sign && v >= 0 ? "+" : "", v, unit);
	return buf;
}

/* The ns at key of rec, formatted, or `unknown` when it is null. */
static const char *ns_cell(const struct mgmt_tree *t, int rec,
			   const char *key, bool sign, const char *unknown,
			   char *buf, size_t len)
{
	int64_t v;

	if (!mgmt_tree_get_int(t, rec, key, &v))
		return unknown;
	return fmt_ns(buf, len, v, sign);
}

#define NCCOL 8
enum { C_NAME, C_ROLE, C_SERVO, C_OFFSET, C_FREQ, C_READ, C_TE, C_PORTS };
static const char *const ccol_head[NCCOL] = {
	"CLOCK", "ROLE", "SERVO", "OFFSET", "FREQ-PPB", "READ", "TIME-ERROR",
	"PORTS"
};
static const bool ccol_right[NCCOL] = { false, false, false, true, true,
					false, true, false };

static void cell_role(const struct mgmt_tree *t, int rec, char *buf,
		      size_t len)
{
	const char *src = mgmt_tree_get_str(t, rec, "source_name");
	int64_t role = -1, adj = 0;

	mgmt_tree_get_int(t, rec, "role", &role);
	mgmt_tree_get_int(t, rec, "adjusted", &adj);
	if (role == BC_CLOCK_REFERENCE)
		snprintf(buf, len, "reference%s", adj ? "" : ", measured only");
	else if (!adj)
		snprintf(buf, len, "measured only");
	else
		snprintf(buf, len, "follows %s", src ? src : "?");
}

static void cell_servo(const struct mgmt_tree *t, int rec, char *buf,
		       size_t len)
{
	const char *type = mgmt_tree_get_str(t, rec, "servo_type_name");
	const char *st = mgmt_tree_get_str(t, rec, "servo_state_name");
	int64_t applied = 0;

	mgmt_tree_get_int(t, rec, "servo_applied", &applied);
	if (!applied)
		snprintf(buf, len, "not applied");
	else
		snprintf(buf, len, "%s %s", type ? type : "?", st ? st : "?");
}

static void cell_freq(const struct mgmt_tree *t, int rec, char *buf,
		      size_t len)
{
	int i = mgmt_tree_member(t, rec, "frequency_ppb");

	if (i < 0 || t->node[i].kind != MV_REAL)
		snprintf(buf, len, "not applied");
	else
		snprintf(buf, len, "%+.3f", t->node[i].v.d);
}

static void cell_read(const struct mgmt_tree *t, int rec, char *buf,
		      size_t len)
{
	const char *m = mgmt_tree_get_str(t, rec, "read_method_name");
	int64_t role = -1, w = 0;
	char win[32];

	mgmt_tree_get_int(t, rec, "role", &role);
	if (role == BC_CLOCK_REFERENCE)
		snprintf(buf, len, "PTP");
	else if (!m)
		snprintf(buf, len, "none yet");
	else if (!mgmt_tree_get_int(t, rec, "read_window_ns", &w) || w == 0)
		snprintf(buf, len, "%s", m);
	else
		snprintf(buf, len, "%s %s", m, fmt_ns(win, sizeof(win), w,
						      false));
}

static void cell_ports(const struct mgmt_tree *t, int rec, char *buf,
		       size_t len)
{
	int arr = mgmt_tree_member(t, rec, "port_numbers");
	size_t o = 0;
	int64_t n = 0, pn;

	buf[0] = '\0';
	if (arr >= 0 && t->node[arr].kind == MV_ARR) {
		for (int i = 0, e; (e = mgmt_tree_child(t, arr, i)) >= 0 &&
				   o < len; i++) {
			mgmt_tree_as_int(t, e, &pn);
			o += (size_t)snprintf(buf + o, len - o, "%s%" PRId64,
					      i ? "," : "", pn);
		}
	} else if (mgmt_tree_get_int(t, rec, "ports_stamped", &n)) {
		snprintf(buf, len, "%" PRId64, n);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void clock_cells(const struct mgmt_tree *t, int rec,
			char cell[NCCOL][80])
{
	const char *name = mgmt_tree_get_str(t, rec, "name");
	int64_t gm = 0, role = -1;
	char tmp[80];

	/* the reference of a grandmaster has no offset to show */
	mgmt_tree_get_int(t, 0, "clock.is_grandmaster", &gm);
	mgmt_tree_get_int(t, rec, "role", &role);

	snprintf(cell[C_NAME], 80, "%s", name && *name ? name : "?");
	cell_role(t, rec, cell[C_ROLE], 80);
	cell_servo(t, rec, cell[C_SERVO], 80);
	snprintf(cell[C_OFFSET], 80, "%s",
		 ns_cell(t, rec, "offset_ns", true,
			 gm && role == BC_CLOCK_REFERENCE ? "no master"
							 : "unknown",
			 tmp, sizeof(tmp)));
	cell_freq(t, rec, cell[C_FREQ], 80);
	cell_read(t, rec, cell[C_READ], 80);
	snprintf(cell[C_TE], 80, "%s",
		 ns_cell(t, rec, "time_error_estimate_ns", false, "unknown",
			 tmp, sizeof(tmp)));
	cell_ports(t, rec, cell[C_PORTS], 80);
}

static void print_crow(FILE *f, const int *w, const char *const *cell)
{
	for (int k = 0; k + 1 < NCCOL; k++)
		fprintf(f, "%*s  ", ccol_right[k] ? w[k] : -w[k], cell[k]);
	fprintf(f, "%s\n", cell[NCCOL - 1]); /* not padded */
}

void ctl_status_print_clocks(FILE *f, const struct mgmt_tree *t)
{
	int tree = mgmt_tree_member(t, 0, "clock_tree"), arr, n = 0;
	char cell[BC_MAX_CLOCKS][NCCOL][80];
	const char *c[NCCOL];
	int w[NCCOL];
	int64_t more = 0;

	fputc('\n', f);
	if (tree < 0 || t->node[tree].kind != MV_OBJ) {
		fprintf(f, "%-15s%s\n", "clocks",
			"- (not reported by this daemon)");
		return;
	}
	arr = mgmt_tree_member(t, tree, "clocks");
	for (int k = 0; k < NCCOL; k++)
		w[k] = (int)strlen(ccol_head[k]);
	for (int r; n < BC_MAX_CLOCKS &&
		    (r = mgmt_tree_child(t, arr, n)) >= 0; n++) {
		clock_cells(t, r, cell[n]);
		for (int k = 0; k < NCCOL; k++) {
			int l = (int)strlen(cell[n][k]);

			w[k] = l > w[k] ? l : w[k];
		}
	}
	print_crow(f, w, ccol_head);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < NCCOL; k++)
			c[k] = cell[i][k];
		print_crow(f, w, c);
	}
	mgmt_tree_get_int(t, tree, "more_clocks", &more);
	if (more)
		fprintf(f, "(more clocks than one answer holds: not shown)\n");
}

/* "2 findings (a, b)", "1 unknown (c)", "3 ok (...)": the checks in
 * state st, or nothing (0). */
static size_t host_count(char *buf, size_t len, const struct mgmt_tree *t,
			 int checks, const char *st)
{
	char names[128] = "";
	size_t o = 0, n = 0;

	for (int i = 0, c; (c = mgmt_tree_child(t, checks, i)) >= 0; i++) {
		if (t->node[c].kind != MV_STR || strcmp(t->node[c].v.s, st))
			continue;
		o += (size_t)snprintf(names + o,
				      o < sizeof(names) ? sizeof(names) - o : 0,
				      "%s%s", n ? ", " : "", t->node[c].key);
		n++;
	}
	if (!n)
		return 0;
	return (size_t)snprintf(buf, len, "%zu %s%s (%s)", n, st,
				n > 1 && !strcmp(st, "finding") ? "s" : "",
				names);
}

void ctl_status_print_host(FILE *f, const struct mgmt_tree *t)
{
	static const char *const order[] = { "finding", "unknown", "ok" };
	int h = mgmt_tree_member(t, 0, "host_checks"), checks, lines, ids;
	char sum[512] = "", part[256];
	size_t o = 0;
	int64_t ran = 0, more = 0;

	fputc('\n', f);
	if (h < 0 || t->node[h].kind != MV_OBJ) {
		fprintf(f, "%-15s%s\n", "host checks",
			"- (not reported by this daemon)");
		return;
	}
	mgmt_tree_get_int(t, h, "ran", &ran);
	checks = mgmt_tree_member(t, h, "checks");
	if (!ran || checks < 0 || t->node[checks].kind != MV_OBJ) {
		fprintf(f, "%-15s%s\n", "host checks", "not run");
		return;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (host_count(part, sizeof(part), t, checks, order[i]))
			o += (size_t)snprintf(sum + o, o < sizeof(sum)
						     ? sizeof(sum) - o : 0,
					      "%s%s", o ? ", " : "", part);
	}
	fprintf(f, "%-15s%s\n", "host checks", o ? sum : "none apply here");
	lines = mgmt_tree_member(t, h, "lines");
	ids = mgmt_tree_member(t, h, "line_checks");
	for (int i = 0, l; (l = mgmt_tree_child(t, lines, i)) >= 0; i++) {
		const char *text = t->node[l].kind == MV_STR ? t->node[l].v.s
							      : "";
		int c = mgmt_tree_child(t, ids, i);
		const char *st = c >= 0 && t->node[c].kind == MV_STR
					 ? mgmt_tree_get_str(t, checks,
							     t->node[c].v.s)
					 : NULL;

		/* ok lines are in the summary; a line of no known check is
		 * shown, to be safe */
		if (!st || strcmp(st, "ok"))
			fprintf(f, "  %s\n", text);
	}
	mgmt_tree_get_int(t, h, "more_lines", &more);
	if (more)
		fprintf(f, "  (more lines in hvptpd's log)\n");
}
