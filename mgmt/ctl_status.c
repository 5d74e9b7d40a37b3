/*
 * mgmt/ctl_status.c — hvptpctl status: one screen for a person (or one
 * JSON document): the clock, its grandmaster and parent, offset, path
 * delay, the servo (state, frequency, time-error estimate, holdover), the
 * host's clocks (mgmt/ctl_clocks.c), the active alarms (mgmt/ctl_alarms.c),
 * a table of ports with state, peer,
 * message rates and failure counters, and the host checks for guests.
 *
 * Message rates are honest differences: PORT_STATS_NP is asked twice,
 * --interval seconds apart (1 s by default), and the counter differences
 * are divided by the time measured between the two answers.  With
 * --interval 0 the rates are null ("-").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"

/* ---- building the tree ---- */

int ctl_decode_first(struct mgmt_tree *s, const struct mgmt_replies *r)
{
	mgmt_tree_reset(s);
	for (int i = 0; r && i < r->n; i++) {
		const struct bc_mgmt_req *q = &r->rep[i].r;

		if (!q->is_error) {
			int o = mgmt_tree_obj(s, 0, "d");

			mgmt_decode_data(s, o, q->id, q->data, q->data_len);
			return o;
		}
	}
	return -1;
}

int ctl_decode_port(struct mgmt_tree *s, const struct mgmt_replies *r,
		    uint16_t pn)
{
	mgmt_tree_reset(s);
	for (int i = 0; r && i < r->n; i++) {
		const struct bc_mgmt_req *q = &r->rep[i].r;

		if (!q->is_error &&
		    q->hdr.source_port_identity.port_number == pn) {
			int o = mgmt_tree_obj(s, 0, "d");

			mgmt_decode_data(s, o, q->id, q->data, q->data_len);
			return o;
		}
	}
	return -1;
}

int ctl_port_numbers(const struct mgmt_replies *r, uint16_t *out, int max)
{
	int n = 0;

	for (int i = 0; r && i < r->n; i++) {
		uint16_t pn = r->rep[i].r.hdr.source_port_identity.port_number;
		int j = n;

		if (r->rep[i].r.is_error)
			continue;
		for (int k = 0; k < n; k++) {
			if (out[k] == pn)
				j = -1;
		}
		if (j < 0 || n == max)
			continue;
		while (j > 0 && out[j - 1] > pn) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = pn;
		n++;
	}
	return n;
}

/* Copy member key of src's object so under dst as out (null if none). */
static void pick(struct mgmt_tree *t, int dst, const char *out,
		 const struct mgmt_tree *src, int so, const char *key)
{
	int i = so >= 0 ? mgmt_tree_get(src, so, key) : -1;

	if (i >= 0)
		mgmt_tree_copy(t, dst, out, src, i);
	else
		mgmt_tree_null(t, dst, out);
}

static void pick_all(struct mgmt_tree *t, int dst, const struct mgmt_tree *s,
		     int so, const char *const *keys)
{
	for (int i = 0; keys[i]; i++)
		pick(t, dst, keys[i], s, so, keys[i]);
}

/* The servo status as decoded, plus the age of its last sample (same
 * host: the daemon's and our CLOCK_MONOTONIC agree). */
static void servo_block(struct mgmt_tree *t, int clk, const struct mgmt_tree *s,
			int so, int64_t now)
{
	int sv = mgmt_tree_copy(t, clk, "servo", s, so);
	int at = mgmt_tree_member(s, so, "last_sample_monotonic_ns");
	int64_t valid = 0;

	mgmt_tree_get_int(s, so, "valid", &valid);
	if (valid && now > 0 && at >= 0 && s->node[at].kind == MV_UINT &&
	    s->node[at].v.u > 0 && s->node[at].v.u <= (uint64_t)now)
		mgmt_tree_real(t, sv, "sample_age_s",
			       (double)((uint64_t)now - s->node[at].v.u) / 1e9,
			       3);
	else
		mgmt_tree_null(t, sv, "sample_age_s");
}

static int build_clock(struct mgmt_tree *t, struct mgmt_tree *s,
		       const struct mgmt_status_in *in)
{
	static const char *const dds_keys[] = {
		"clock_identity", "number_ports", "domain_number",
		"priority1", "priority2", "clock_quality", "slave_only", NULL
	};
	static const char *const parent_keys[] = {
		"grandmaster_identity", "grandmaster_priority1",
		"grandmaster_priority2", "grandmaster_clock_quality",
		"parent_port_identity", NULL
	};
	static const char *const cur_keys[] = {
		"steps_removed", "offset_from_master_ns", "mean_path_delay_ns",
		NULL
	};
	int clk = mgmt_tree_obj(t, 0, "clock"), o;
	const char *me, *gm;
	char self[32];

	o = ctl_decode_first(s, in->dds);
	if (o < 0)
		return -EBADMSG;
	pick_all(t, clk, s, o, dds_keys);
	me = mgmt_tree_get_str(t, clk, "clock_identity");
	snprintf(self, sizeof(self), "%s", me ? me : "");
	o = ctl_decode_first(s, in->parent);
	pick_all(t, clk, s, o, parent_keys);
	gm = mgmt_tree_get_str(t, clk, "grandmaster_identity");
	if (gm)
		mgmt_tree_bool(t, clk, "is_grandmaster", strcmp(gm, self) == 0);
	else
		mgmt_tree_null(t, clk, "is_grandmaster");
	o = ctl_decode_first(s, in->cur);
	pick_all(t, clk, s, o, cur_keys);
	o = ctl_decode_first(s, in->servo);
	if (o >= 0)
		servo_block(t, clk, s, o, in->now_mono_ns);
	else
		mgmt_tree_null(t, clk, "servo");
	return 0;
}

/* Message rate of counter path between stats0 and stats1 of port pn. */
static void port_rate(struct mgmt_tree *t, int dst, const char *out,
		      struct mgmt_tree *s, const struct mgmt_status_in *in,
		      uint16_t pn, const char *path)
{
	int64_t a = 0, b = 0;
	bool ok = in->interval_s > 0;

	ok = ok && mgmt_tree_get_int(s, ctl_decode_port(s, in->stats0, pn),
				     path, &a);
	ok = ok && mgmt_tree_get_int(s, ctl_decode_port(s, in->stats1, pn),
				     path, &b);
	if (ok && b >= a)
		mgmt_tree_real(t, dst, out, (double)(b - a) / in->interval_s,
			       2);
	else
		mgmt_tree_null(t, dst, out);
}

static void build_port(struct mgmt_tree *t, int arr, struct mgmt_tree *s,
		       const struct mgmt_status_in *in, uint16_t pn,
		       const char *parent_pid)
{
	static const char *const prop_keys[] = {
		"port_identity", "interface", "port_state", "port_state_name",
		"timestamping", "timestamping_name", NULL
	};
	static const char *const drop_keys[] = {
		"tx_timestamp_timeouts", "faults", NULL
	};
	static const char *const fm_keys[] = {
		"records", "capacity", "qualified", "refused", "evicted",
		"sighted", "duplicates", "sightings_overwritten", NULL
	};
	int p = mgmt_tree_obj(t, arr, NULL), o;
	int64_t st = 0;

	mgmt_tree_int(t, p, "port_number", pn);
	o = ctl_decode_port(s, in->props, pn);
	pick_all(t, p, s, o, prop_keys);
	mgmt_tree_get_int(t, p, "port_state", &st);
	if ((st == PS_SLAVE || st == PS_UNCALIBRATED) && parent_pid)
		mgmt_tree_str(t, p, "peer", parent_pid);
	else
		mgmt_tree_null(t, p, "peer");
	port_rate(t, p, "rx_sync_per_s", s, in, pn, "rx.sync");
	port_rate(t, p, "tx_sync_per_s", s, in, pn, "tx.sync");
	port_rate(t, p, "rx_announce_per_s", s, in, pn, "rx.announce");
	o = ctl_decode_port(s, in->drops, pn);
	pick(t, p, "drops", s, o, "drops_total");
	pick_all(t, p, s, o, drop_keys);
	o = ctl_decode_port(s, in->foreign, pn);
	if (o >= 0)
		pick_all(t, mgmt_tree_obj(t, p, "foreign_masters"), s, o,
			 fm_keys);
	else
		mgmt_tree_null(t, p, "foreign_masters");
	o = ctl_decode_port(s, in->hwclock, pn);
	pick(t, p, "phc_index", s, o, "phc_index");
	ctl_status_build_port_extra(t, p, s, in, pn);
}

int mgmt_status_build(struct mgmt_tree *t, const struct mgmt_status_in *given)
{
	struct mgmt_status_in fb = *given;
	const struct mgmt_status_in *in = &fb;
	struct mgmt_tree *s = mgmt_tree_new();
	uint16_t one[1];
	const char *ppid;
	char parent[32];
	int64_t n = 0;
	int arr, err;

	/* the read-only socket refuses PORT_PROPERTIES_NP and
	 * PORT_HWCLOCK_NP (as ptp4l 4.4's): HVPTP_PORT_STATUS_NP carries
	 * the same fields under the same names */
	if (!ctl_port_numbers(fb.props, one, 1))
		fb.props = fb.pstatus;
	if (!ctl_port_numbers(fb.hwclock, one, 1))
		fb.hwclock = fb.pstatus;
	if (!s)
		return -ENOMEM;
	err = build_clock(t, s, in);
	if (err < 0) {
		mgmt_tree_free(s);
		return err;
	}
	ppid = mgmt_tree_get_str(t, 0, "clock.parent_port_identity");
	snprintf(parent, sizeof(parent), "%s", ppid ? ppid : "");
	if (in->interval_s > 0)
		mgmt_tree_real(t, 0, "rate_interval_s", in->interval_s, 3);
	else
		mgmt_tree_null(t, 0, "rate_interval_s");
	mgmt_tree_get_int(t, 0, "clock.number_ports", &n);
	arr = mgmt_tree_arr(t, 0, "ports");
	/* the ports that answered: numbers may have holes where a guest's
	 * port went (numberPorts counts the ports there are) */
	if (in->props) {
		uint16_t pns[BC_MAX_PORTS];
		int np = ctl_port_numbers(in->props, pns, BC_MAX_PORTS);

		for (int i = 0; i < np; i++)
			build_port(t, arr, s, in, pns[i], ppid ? parent : NULL);
	} else {
		for (int pn = 1; pn <= n && pn <= BC_MAX_PORTS; pn++)
			build_port(t, arr, s, in, (uint16_t)pn,
				   ppid ? parent : NULL);
	}
	ctl_status_build_clocks(t, s, in);
	ctl_status_build_locks(t, s, in);
	ctl_status_build_host(t, s, in);
	ctl_status_build_alarms(t, s, in);
	ctl_status_build_summary(t, s, in);
	mgmt_tree_free(s);
	return t->overflow ? -ENOSPC : 0;
}

/* ---- the screen ---- */

/* A table cell: the scalar at key of obj as plain text ("-" for null). */
static const char *scalar_cell(const struct mgmt_tree *t, int obj,
			       const char *key, char *buf)
{
	return mgmt_print_value(t, -1, mgmt_tree_get(t, obj, key), buf, 64);
}

static const char *val(const struct mgmt_tree *t, int obj, const char *path,
		       char *buf, size_t len)
{
	return mgmt_print_value(t, obj, mgmt_tree_get(t, obj, path), buf,
				len);
}

static void quality_text(const struct mgmt_tree *t, int obj, const char *cq,
			 char *buf, size_t len)
{
	char p[64], a[16], b[16], c[16];

	snprintf(p, sizeof(p), "%s.clock_class", cq);
	val(t, obj, p, a, sizeof(a));
	snprintf(p, sizeof(p), "%s.clock_accuracy", cq);
	val(t, obj, p, b, sizeof(b));
	snprintf(p, sizeof(p), "%s.offset_scaled_log_variance", cq);
	val(t, obj, p, c, sizeof(c));
	snprintf(buf, len, "class %s, accuracy %s, variance %s", a, b, c);
}

static void line(FILE *f, const char *label, const char *value,
		 const char *unit)
{
	fprintf(f, "%-15s%s%s\n", label, value,
		strcmp(value, "-") ? unit : "");
}

/* A window figure of the servo ("window_<key>"), or NULL when null. */
static const char *win(const struct mgmt_tree *t, int sv, const char *key,
		       char *buf, size_t len)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "window_%s", key);
	i = sv >= 0 ? mgmt_tree_get(t, sv, path) : -1;
	if (i < 0 || t->node[i].kind == MV_NULL)
		return NULL;
	return mgmt_print_value(t, sv, i, buf, len);
}

/* "over the last 60 s (480 samples)" or "over 12.3 s so far (98
 * samples)": the window the figures are from. */
static void window_span(const struct mgmt_tree *t, int sv, char *buf,
			size_t len)
{
	int64_t span = 0, n = 0, whole = 0;

	mgmt_tree_get_int(t, sv, "window_span_ns", &span);
	mgmt_tree_get_int(t, sv, "window_samples", &n);
	mgmt_tree_get_int(t, sv, "window_complete", &whole);
	snprintf(buf, len, "over %s%.0f s (%lld samples)",
		 whole ? "the last " : "the first ", (double)span / 1e9,
		 (long long)n);
}

/* Offset and path delay: the last, then the window's figures; "-" with
 * the reason when no port is a slave. */
static void print_measured(FILE *f, const struct mgmt_tree *t, int clk)
{
	int sv = mgmt_tree_member(t, clk, "servo");
	char buf[64], a[32], b[32], c[32], span[64];
	const char *v;
	bool known = win(t, sv, "offset_rms_ns", a, sizeof(a)) != NULL;
	int64_t sp = 0;
	const char *none = mgmt_tree_get_int(t, clk, "slave_port", &sp)
				   ? "- (no sample yet)"
				   : "- (no port is a slave)";

	if (known)
		window_span(t, sv, span, sizeof(span));
	v = val(t, clk, "offset_from_master_ns", buf, sizeof(buf));
	if (strcmp(v, "-") == 0)
		line(f, "offset", none, "");
	else if (known && win(t, sv, "offset_max_ns", b, sizeof(b)))
		fprintf(f, "%-15s%s ns; rms %s ns, max %s ns %s\n", "offset", v,
			a, b, span);
	else
		line(f, "offset", v, " ns");
	v = val(t, clk, "mean_path_delay_ns", buf, sizeof(buf));
	if (strcmp(v, "-") == 0)
		line(f, "path delay", none, "");
	else if (known && win(t, sv, "path_delay_mean_ns", a, sizeof(a)) &&
		 win(t, sv, "path_delay_max_ns", b, sizeof(b)) &&
		 win(t, sv, "path_delay_stddev_ns", c, sizeof(c)))
		fprintf(f, "%-15s%s ns; mean %s ns, max %s ns, sd %s ns\n",
			"path delay", v, a, b, c);
	else
		line(f, "path delay", v, " ns");
}

static void print_clock_head(FILE *f, const struct mgmt_tree *t, int clk)
{
	char id[64], dom[16], p1[16], p2[16], q[128], v[64], head[160];
	int64_t gm = 0, n = 0;

	mgmt_tree_get_int(t, clk, "number_ports", &n);
	snprintf(head, sizeof(head), "%s, %lld port%s, domain %s",
		 val(t, clk, "clock_identity", id, sizeof(id)), (long long)n,
		 n == 1 ? "" : "s", val(t, clk, "domain_number", dom,
					sizeof(dom)));
	line(f, "clock", head, "");
	quality_text(t, clk, "clock_quality", q, sizeof(q));
	fprintf(f, "%-15spriority1 %s, priority2 %s, %s\n", "clock quality",
		val(t, clk, "priority1", p1, sizeof(p1)),
		val(t, clk, "priority2", p2, sizeof(p2)), q);
	ctl_print_discipline(f, t, clk);
	mgmt_tree_get_int(t, clk, "is_grandmaster", &gm);
	fprintf(f, "%-15s%s%s\n", "grandmaster",
		val(t, clk, "grandmaster_identity", id, sizeof(id)),
		gm ? " (this clock)" : "");
	quality_text(t, clk, "grandmaster_clock_quality", q, sizeof(q));
	fprintf(f, "%-15spriority1 %s, priority2 %s, %s\n", "gm quality",
		val(t, clk, "grandmaster_priority1", p1, sizeof(p1)),
		val(t, clk, "grandmaster_priority2", p2, sizeof(p2)), q);
	line(f, "parent", val(t, clk, "parent_port_identity", v, sizeof(v)),
	     "");
	ctl_print_path(f, t, clk);
	line(f, "steps removed", val(t, clk, "steps_removed", v, sizeof(v)),
	     "");
	ctl_print_time_properties(f, t, clk);
	print_measured(f, t, clk);
}

/* "kalman, LOCKED for 3 min 2 s, last sample 0.125 s ago". */
static void servo_text(const struct mgmt_tree *t, int clk, int sv,
		       const char *state, int64_t valid, char *buf,
		       size_t len)
{
	const char *type = mgmt_tree_get_str(t, clk, "servo_type");
	int i = mgmt_tree_get(t, sv, "locked_for_s");
	int j = mgmt_tree_get(t, sv, "state_age_s");
	int k = mgmt_tree_get(t, sv, "sample_age_s");
	char age[32], v[64];
	size_t n;

	n = (size_t)snprintf(buf, len, "%s%s%s", type ? type : "",
			     type ? ", " : "", state ? state : "?");
	if (!valid) {
		snprintf(buf + n, len - n, ", no sample yet");
		return;
	}
	if (i >= 0 && t->node[i].kind == MV_REAL && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", locked for %s",
				      ctl_age_text(t->node[i].v.d, age,
						   sizeof(age)));
	else if (j >= 0 && t->node[j].kind == MV_REAL && n < len)
		n += (size_t)snprintf(buf + n, len - n, " for %s",
				      ctl_age_text(t->node[j].v.d, age,
						   sizeof(age)));
	if (k >= 0 && t->node[k].kind == MV_REAL && n < len)
		snprintf(buf + n, len - n, ", last sample %s s ago",
			 mgmt_print_value(t, sv, k, v, sizeof(v)));
}

static void print_servo(FILE *f, const struct mgmt_tree *t, int clk)
{
	int sv = mgmt_tree_member(t, clk, "servo");
	int fr = mgmt_tree_member(t, sv, "frequency_ppb");
	int ref = ctl_status_reference(t);
	int64_t v = 0, applied = 1, valid = 0;
	const char *state;
	char a[64], b[160], c[64];
	bool te;

	if (sv < 0 || t->node[sv].kind != MV_OBJ) {
		line(f, "servo", "- (not reported by this daemon)", "");
		return;
	}
	state = mgmt_tree_get_str(t, sv, "servo_state_name");
	/* a reference hvptpd does not adjust: its servo only measures, and
	 * its frequency is no adjustment (HVPTP_CLOCKS_NP says so) */
	if (ref >= 0)
		mgmt_tree_get_int(t, ref, "servo_applied", &applied);
	if (!applied) {
		state = "measured only (not adjusted)";
		fr = -1;
	}
	mgmt_tree_get_int(t, sv, "valid", &valid);
	servo_text(t, clk, sv, state, valid, b, sizeof(b));
	line(f, "servo", b, "");
	snprintf(b, sizeof(b), "%s%s",
		 fr >= 0 && t->node[fr].kind == MV_REAL && t->node[fr].v.d >= 0
			 ? "+" : "",
		 val(t, sv, "frequency_ppb", a, sizeof(a)));
	if (!applied)
		line(f, "frequency", "not applied", "");
	else if (!valid) /* the servo's figure before a sample is none */
		line(f, "frequency", "unknown", "");
	else if (win(t, sv, "frequency_mean_ppb", a, sizeof(a)) &&
		 win(t, sv, "frequency_stddev_ppb", c, sizeof(c)))
		fprintf(f, "%-15s%s ppb; mean %s ppb, sd %s ppb\n",
			"frequency", b, a, c);
	else
		line(f, "frequency", b, " ppb");
	/* before the first sample an estimate is none (a daemon's initial
	 * status may say 0 ns), as in the metrics */
	te = valid && mgmt_tree_get_int(t, sv, "time_error_estimate_ns", &v);
	line(f, "time error",
	     te ? val(t, sv, "time_error_estimate_ns", a, sizeof(a))
		: "unknown",
	     te ? " ns (estimated bound)" : "");
	v = 0;
	mgmt_tree_get_int(t, sv, "holdover", &v);
	line(f, "holdover", v ? "yes" : "no", "");
	line(f, "clock steps", val(t, sv, "clock_steps", a, sizeof(a)), "");
}

/* The ports table: columns sized to their widest cell. */
#define NCOL 10
#define COL_STATE 2
static const char *const col_head[NCOL] = {
	"PORT", "INTERFACE", "STATE", "PEER", "RX-SYNC/S", "TX-SYNC/S",
	"RX-ANN/S", "DROPS", "IGNORED", "TS-TIMEOUTS"
};
static const char *const col_key[NCOL] = {
	"port_number", "interface", "port_state_name", "peer", "rx_sync_per_s",
	"tx_sync_per_s", "rx_announce_per_s", "drops", "ignored",
	"tx_timestamp_timeouts"
};
static const bool col_right[NCOL] = { true, false, false, false, true,
				      true, true, true, true, true };

/* Cell k of port p: the state says why a FAULTY port is so. */
static const char *port_cell(const struct mgmt_tree *t, int p, int k,
			     char *buf)
{
	const char *why = mgmt_tree_get_str(t, p, "fault_reason");
	int64_t err = 0;

	if (k != COL_STATE || !why)
		return scalar_cell(t, p, col_key[k], buf);
	if (mgmt_tree_get_int(t, p, "fault_errno", &err) && err > 0)
		snprintf(buf, 64, "FAULTY (%s: %s)", why, strerror((int)err));
	else
		snprintf(buf, 64, "FAULTY (%s)", why);
	return buf;
}

static void print_row(FILE *f, const int *w, const char *const *cell)
{
	for (int k = 0; k < NCOL; k++)
		fprintf(f, k + 1 < NCOL ? "%*s  " : "%*s\n",
			col_right[k] ? w[k] : -w[k], cell[k]);
}

static void print_ports(FILE *f, const struct mgmt_tree *t)
{
	int arr = mgmt_tree_member(t, 0, "ports"), w[NCOL], p;
	char cell[NCOL][64];
	const char *c[NCOL];

	for (int k = 0; k < NCOL; k++)
		w[k] = (int)strlen(col_head[k]);
	for (int i = 0; (p = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		for (int k = 0; k < NCOL; k++) {
			int n = (int)strlen(port_cell(t, p, k, cell[k]));

			if (n > w[k])
				w[k] = n;
		}
	}
	print_row(f, w, col_head);
	for (int i = 0; (p = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		for (int k = 0; k < NCOL; k++)
			c[k] = port_cell(t, p, k, cell[k]);
		print_row(f, w, c);
	}
}

/* A line for each port whose foreign master table gave up or refused
 * records (a crowded segment, or an Announce flood): bc/bmca.h. */
static void print_crowded(FILE *f, const struct mgmt_tree *t)
{
	int arr = mgmt_tree_member(t, 0, "ports"), p, fm;
	int64_t v[7], pn = 0;
	static const char *const k[7] = { "records", "capacity", "qualified",
					  "refused", "evicted", "sighted",
					  "sightings_overwritten" };

	for (int i = 0; (p = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		bool all = true;

		fm = mgmt_tree_member(t, p, "foreign_masters");
		for (int j = 0; j < 7; j++)
			all &= mgmt_tree_get_int(t, fm, k[j], &v[j]);
		if (fm < 0 || !all || v[3] + v[4] + v[6] == 0)
			continue;
		mgmt_tree_get_int(t, p, "port_number", &pn);
		fprintf(f,
			"foreign masters port %" PRId64 ": %" PRId64 " of %" PRId64
			" records (%" PRId64 " qualified); %" PRId64
			" refused, %" PRId64 " evicted, %" PRId64
			" first Announces, %" PRId64 " forgotten unconfirmed\n",
			pn, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
	}
}

int mgmt_status_print_text(FILE *f, const struct mgmt_tree *t)
{
	int clk = mgmt_tree_member(t, 0, "clock");

	print_clock_head(f, t, clk);
	print_servo(f, t, clk);
	ctl_status_print_alarms(f, t);
	ctl_status_print_clocks(f, t);
	ctl_status_print_locks(f, t);
	fputc('\n', f);
	print_ports(f, t);
	print_crowded(f, t);
	ctl_status_print_host(f, t);
	return ferror(f) ? -EIO : 0;
}

/* ---- the command ---- */

static double mono_s(void)
{
	return (double)mgmt_client_mono_ns() / 1e9;
}

/* The wall clock now (read, never set), for the lock changes' UTC. */
static int64_t wall_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return 0;
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

enum { Q_DDS, Q_CUR, Q_PARENT, Q_SERVO, Q_CLOCKS, Q_HOST, Q_HWCLOCK,
       Q_TP, Q_PATH, Q_PSTATUS, Q_PROPS, Q_STATS0, Q_STATS1, Q_DROPS,
       Q_LOCKS, Q_ALARMS, Q_FOREIGN, Q_N };

/* Ask one GET for the status screen; an unreachable daemon is fatal
 * (*code set), an error status is not (the field shows null). */
static struct mgmt_replies *status_ask(struct ctl *c, uint16_t id, int *code)
{
	struct mgmt_replies *r;
	int err;

	if (*code)
		return NULL;
	r = ctl_ask(c, PTP_MGMT_GET, id, BC_MGMT_ALL_PORTS, NULL, 0, &err);
	if (!r)
		*code = ctl_fail_errno(c, err);
	return r;
}

/* The tracking screen from the status tree st, into t. */
static int tracking_emit(struct ctl *c, struct mgmt_tree *t,
			 const struct mgmt_tree *st)
{
	if (mgmt_tracking_build(t, st) < 0)
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	return ctl_emit(c, t, mgmt_tracking_print_text);
}

static int status_emit(struct ctl *c, struct mgmt_replies **q, double dt,
		       bool tracking)
{
	struct mgmt_status_in in = {
		.dds = q[Q_DDS], .cur = q[Q_CUR], .parent = q[Q_PARENT],
		.servo = q[Q_SERVO], .props = q[Q_PROPS],
		.stats0 = q[Q_STATS0], .stats1 = q[Q_STATS1],
		.drops = q[Q_DROPS], .clocks = q[Q_CLOCKS],
		.host = q[Q_HOST], .hwclock = q[Q_HWCLOCK], .tp = q[Q_TP],
		.path = q[Q_PATH], .pstatus = q[Q_PSTATUS], .interval_s = dt,
		.now_mono_ns = c->status_now_ns, .locks = q[Q_LOCKS],
		.alarms = q[Q_ALARMS], .wall_ns = wall_ns(),
		.foreign = q[Q_FOREIGN],
	};
	struct mgmt_tree *t = mgmt_tree_new(), *st = mgmt_tree_new();
	int code, err;

	if (!t || !st) {
		mgmt_tree_free(t);
		mgmt_tree_free(st);
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	}
	ctl_envelope(c, t);
	err = mgmt_status_build(tracking ? st : t, &in);
	if (err == -EBADMSG)
		code = ctl_fail(c, MGMT_EXIT_ERROR, "management_error",
				"GET DEFAULT_DATA_SET: the daemon answered %s",
				mgmt_error_name(q[Q_DDS]->rep[0].r.error_id));
	else if (tracking)
		code = tracking_emit(c, t, st);
	else
		code = ctl_emit(c, t, mgmt_status_print_text);
	mgmt_tree_free(t);
	mgmt_tree_free(st);
	return code;
}

/* status (with message rates over c->interval_s) and tracking (without:
 * it asks the same, once). */
static int status_run(struct ctl *c, int argc, bool tracking)
{
	static const uint16_t ids[Q_N] = {
		BC_MID_DEFAULT_DATA_SET, BC_MID_CURRENT_DATA_SET,
		BC_MID_PARENT_DATA_SET, BC_MID_HVPTP_SERVO_STATUS_NP,
		BC_MID_HVPTP_CLOCKS_NP, BC_MID_HVPTP_HOST_NP,
		BC_MID_PORT_HWCLOCK_NP, BC_MID_TIME_PROPERTIES_DATA_SET,
		BC_MID_PATH_TRACE_LIST, BC_MID_HVPTP_PORT_STATUS_NP,
		BC_MID_PORT_PROPERTIES_NP,
		BC_MID_PORT_STATS_NP, BC_MID_PORT_STATS_NP,
		BC_MID_HVPTP_PORT_DROPS_NP, BC_MID_HVPTP_LOCK_HISTORY_NP,
		BC_MID_HVPTP_ALARMS_NP, BC_MID_HVPTP_FOREIGN_MASTERS_NP,
	};
	struct mgmt_replies *q[Q_N] = { NULL };
	double t0 = 0, dt = 0;
	int code;

	if (argc != 1)
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
				"%s takes no arguments", c->command);
	code = ctl_connect(c, true);
	c->status_now_ns = 0;
	for (int i = 0; i < Q_N && !code; i++) {
		if (i == Q_STATS1 && c->interval_s > 0 && !tracking) {
			double left = c->interval_s - (mono_s() - t0);
			struct timespec ts = { (time_t)left,
					       (long)((left - (time_t)left) *
						      1e9) };

			if (left > 0)
				nanosleep(&ts, NULL);
		} else if (i == Q_STATS1) {
			continue;
		}
		q[i] = status_ask(c, ids[i], &code);
		if (i == Q_SERVO || i == Q_CLOCKS || i == Q_PSTATUS)
			c->status_now_ns = (int64_t)(mono_s() * 1e9);
		if (i == Q_STATS0)
			t0 = mono_s();
		if (i == Q_STATS1)
			dt = mono_s() - t0;
	}
	if (!code)
		code = status_emit(c, q, dt, tracking);
	for (int i = 0; i < Q_N; i++)
		free(q[i]);
	return code;
}

int ctl_cmd_status(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	return status_run(c, argc, false);
}

int ctl_cmd_tracking(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	return status_run(c, argc, true);
}
