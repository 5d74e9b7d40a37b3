/*
 * mgmt/ctl_tracking.c — what a person asks first at 3 a.m., added to the
 * status tree, and hvptpctl tracking.
 *
 * Status (after mgmt/ctl_status.c and mgmt/ctl_clocks.c built the clock,
 * the ports and the clock tree): which clock is disciplined by what —
 * "discipline" is "free-running" (hvptpd adjusts no clock: free_running 1,
 * or the reference is not adjusted), "disciplined" (a port is a slave:
 * the reference follows its master), "holdover" (no slave port, the last
 * good frequency held), "grandmaster" (this clock is the best: nothing to
 * follow) or "waiting" (no master heard yet, not the grandmaster); the
 * offset and path delay are null without a slave port (currentDS says 0
 * then, which is no measurement); the time properties in use; the path to
 * the grandmaster (PATH_TRACE_LIST); the servo's type and ages (locked
 * for, state unchanged for); per port the fault reason while FAULTY, the
 * age of its state and the traffic it ignored.
 *
 * Tracking is a projection of the same tree on one screen, in the spirit
 * of chronyc tracking: reference, grandmaster, steps removed (chrony's
 * stratum), last offset, RMS offset and max over the window, frequency and
 * its spread, path delay (chrony's root delay), time-error bound, leap
 * status, UTC offset.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"

double ctl_age_s(int64_t now, int64_t mono)
{
	if (now <= 0 || mono <= 0 || mono > now)
		return -1.0;
	return (double)(now - mono) / 1e9;
}

const char *ctl_age_text(double s, char *buf, size_t len)
{
	long long v = (long long)s;

	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 10)
		snprintf(buf, len, "%.1f s", s);
	else if (v < 60)
		snprintf(buf, len, "%lld s", v);
	else if (v < 3600)
		snprintf(buf, len, "%lld min %lld s", v / 60, v % 60);
	else if (v < 86400)
		snprintf(buf, len, "%lld h %lld min", v / 3600, v % 3600 / 60);
	else
		snprintf(buf, len, "%lld d %lld h", v / 86400, v % 86400 / 3600);
	return buf;
}

/* An age under key of obj from the monotonic time at path of src
 * (null when unknown). */
static void age_member(struct mgmt_tree *t, int obj, const char *key,
		       const struct mgmt_tree *src, int so, const char *path,
		       int64_t now)
{
	int64_t mono = 0;
	double a = -1.0;

	if (so >= 0 && mgmt_tree_get_int(src, so, path, &mono))
		a = ctl_age_s(now, mono);
	if (a >= 0)
		mgmt_tree_real(t, obj, key, a, 3);
	else
		mgmt_tree_null(t, obj, key);
}

static bool flag(const struct mgmt_tree *t, int obj, const char *path);

/* The number of the port in SLAVE or UNCALIBRATED, or -1. */
static int slave_port_number(const struct mgmt_tree *t)
{
	int arr = mgmt_tree_member(t, 0, "ports");

	for (int i = 0, p; (p = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		int64_t st = 0, pn = 0;

		mgmt_tree_get_int(t, p, "port_state", &st);
		mgmt_tree_get_int(t, p, "port_number", &pn);
		if (st == PS_SLAVE || st == PS_UNCALIBRATED)
			return (int)pn;
	}
	return -1;
}

static void null_member(struct mgmt_tree *t, int obj, const char *key)
{
	int i = mgmt_tree_member(t, obj, key);

	if (i >= 0)
		mgmt_tree_set_null(t, i);
}

static const char *discipline_of(const struct mgmt_tree *t, int clk, int ref,
				 int slave)
{
	int64_t adjusted = 1, holdover = 0, gm = 0;

	if (ref >= 0)
		mgmt_tree_get_int(t, ref, "adjusted", &adjusted);
	mgmt_tree_get_int(t, clk, "servo.holdover", &holdover);
	mgmt_tree_get_int(t, clk, "is_grandmaster", &gm);
	if (!adjusted)
		return "free-running";
	if (slave > 0)
		return "disciplined";
	if (holdover)
		return "holdover";
	return gm ? "grandmaster" : "waiting";
}

/* clock: adjusted, discipline, reference_clock, servo_type, slave_port */
static void build_discipline(struct mgmt_tree *t, int clk)
{
	int ref = ctl_status_reference(t), slave = slave_port_number(t);
	const char *name = ref >= 0 ? mgmt_tree_get_str(t, ref, "name") : NULL;
	const char *type = ref >= 0 ? mgmt_tree_get_str(t, ref,
							 "servo_type_name")
				    : NULL;
	int64_t adjusted = 0;
	int sv = mgmt_tree_member(t, clk, "servo");
	bool no_sample = sv >= 0 && t->node[sv].kind == MV_OBJ &&
			 !flag(t, sv, "valid");

	if (slave < 0 || no_sample) { /* currentDS's 0 is no measurement */
		null_member(t, clk, "offset_from_master_ns");
		null_member(t, clk, "mean_path_delay_ns");
	}
	if (ref >= 0 && mgmt_tree_get_int(t, ref, "adjusted", &adjusted))
		mgmt_tree_bool(t, clk, "adjusted", adjusted != 0);
	else
		mgmt_tree_null(t, clk, "adjusted");
	mgmt_tree_str(t, clk, "discipline", discipline_of(t, clk, ref, slave));
	if (name)
		mgmt_tree_str(t, clk, "reference_clock", name);
	else
		mgmt_tree_null(t, clk, "reference_clock");
	if (type)
		mgmt_tree_str(t, clk, "servo_type", type);
	else
		mgmt_tree_null(t, clk, "servo_type");
	if (slave > 0)
		mgmt_tree_int(t, clk, "slave_port", slave);
	else
		mgmt_tree_null(t, clk, "slave_port");
}

void ctl_status_build_summary(struct mgmt_tree *t, struct mgmt_tree *s,
			      const struct mgmt_status_in *in)
{
	int clk = mgmt_tree_member(t, 0, "clock");
	int sv = mgmt_tree_member(t, clk, "servo"), o;

	build_discipline(t, clk);
	o = ctl_decode_first(s, in->tp);
	if (o >= 0)
		mgmt_tree_copy(t, clk, "time_properties", s, o);
	else
		mgmt_tree_null(t, clk, "time_properties");
	o = ctl_decode_first(s, in->path);
	if (o >= 0 && mgmt_tree_member(s, o, "path_trace") >= 0)
		mgmt_tree_copy(t, clk, "path_trace", s,
			       mgmt_tree_member(s, o, "path_trace"));
	else
		mgmt_tree_null(t, clk, "path_trace");
	if (sv >= 0 && t->node[sv].kind == MV_OBJ) {
		age_member(t, sv, "locked_for_s", t, sv, "locked_monotonic_ns",
			   in->now_mono_ns);
		age_member(t, sv, "state_age_s", t, sv,
			   "state_change_monotonic_ns", in->now_mono_ns);
	}
}

void ctl_status_build_port_extra(struct mgmt_tree *t, int p,
				 struct mgmt_tree *s,
				 const struct mgmt_status_in *in, uint16_t pn)
{
	int o = ctl_decode_port(s, in->pstatus, pn);
	int64_t st = 0, err = 0;
	const char *why = o >= 0 ? mgmt_tree_get_str(s, o, "fault_reason_name")
				 : NULL;

	mgmt_tree_get_int(t, p, "port_state", &st);
	if (st == PS_FAULTY && why)
		mgmt_tree_str(t, p, "fault_reason", why);
	else
		mgmt_tree_null(t, p, "fault_reason");
	if (st == PS_FAULTY && o >= 0 &&
	    mgmt_tree_get_int(s, o, "fault_errno", &err) && err > 0)
		mgmt_tree_int(t, p, "fault_errno", err);
	else
		mgmt_tree_null(t, p, "fault_errno");
	age_member(t, p, "state_age_s", s, o, "state_change_monotonic_ns",
		   in->now_mono_ns);
	o = ctl_decode_port(s, in->drops, pn);
	if (o >= 0 && mgmt_tree_member(s, o, "ignored_total") >= 0)
		mgmt_tree_copy(t, p, "ignored", s,
			       mgmt_tree_member(s, o, "ignored_total"));
	else
		mgmt_tree_null(t, p, "ignored");
}

/* ---- the status screen's lines ---- */

static const char *str_or(const struct mgmt_tree *t, int obj,
			  const char *path, const char *dflt)
{
	const char *s = obj >= 0 ? mgmt_tree_get_str(t, obj, path) : NULL;

	return s ? s : dflt;
}

static bool flag(const struct mgmt_tree *t, int obj, const char *path)
{
	int64_t v = 0;

	return obj >= 0 && mgmt_tree_get_int(t, obj, path, &v) && v;
}

/* The interface of port number pn in the status's ports, or NULL. */
static const char *port_interface(const struct mgmt_tree *t, int64_t pn)
{
	int arr = mgmt_tree_member(t, 0, "ports");

	for (int i = 0, p; (p = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		int64_t n = 0;

		if (mgmt_tree_get_int(t, p, "port_number", &n) && n == pn)
			return mgmt_tree_get_str(t, p, "interface");
	}
	return NULL;
}

void ctl_print_discipline(FILE *f, const struct mgmt_tree *t, int clk)
{
	const char *d = str_or(t, clk, "discipline", "?");
	const char *ref = str_or(t, clk, "reference_clock", "the clock");
	const char *type = str_or(t, clk, "servo_type", NULL);
	int64_t sp = 0;
	const char *ifname = NULL;

	if (mgmt_tree_get_int(t, clk, "slave_port", &sp))
		ifname = port_interface(t, sp);
	fprintf(f, "%-15s", "discipline");
	if (strcmp(d, "free-running") == 0)
		fprintf(f, "free-running: %s is measured, never adjusted "
			   "(free_running)\n", ref);
	else if (strcmp(d, "disciplined") == 0 &&
		 mgmt_tree_get_int(t, clk, "slave_port", &sp))
		fprintf(f, "%s disciplined by PTP on port %lld%s%s%s%s%s\n",
			ref, (long long)sp, ifname ? " (" : "",
			ifname ? ifname : "", ifname ? ")" : "",
			type ? ", servo " : "", type ? type : "");
	else if (strcmp(d, "holdover") == 0)
		fprintf(f, "holdover: %s keeps its last good frequency, no "
			   "master\n", ref);
	else if (strcmp(d, "grandmaster") == 0)
		fprintf(f, "grandmaster: %s runs on its own, nothing to "
			   "follow\n", ref);
	else
		fprintf(f, "%s: no master heard yet, %s not adjusted\n", d, ref);
}

void ctl_print_path(FILE *f, const struct mgmt_tree *t, int clk)
{
	int arr = mgmt_tree_member(t, clk, "path_trace"), n;
	const char *parent = str_or(t, clk, "parent_port_identity", "-");

	fprintf(f, "%-15s", "path");
	if (flag(t, clk, "is_grandmaster")) {
		fprintf(f, "- (this clock is the grandmaster)\n");
		return;
	}
	if (arr < 0 || t->node[arr].kind != MV_ARR || t->node[arr].nchild == 0) {
		fprintf(f, "parent %s > this clock (no path trace)\n", parent);
		return;
	}
	for (int i = 0; (n = mgmt_tree_child(t, arr, i)) >= 0; i++)
		fprintf(f, "%s > ", t->node[n].kind == MV_STR
					    ? t->node[n].v.s : "?");
	fprintf(f, "this clock\n");
}

void ctl_print_time_properties(FILE *f, const struct mgmt_tree *t, int clk)
{
	int tp = mgmt_tree_member(t, clk, "time_properties");
	int64_t utc = 0;

	fprintf(f, "%-15s", "time");
	if (tp < 0 || t->node[tp].kind != MV_OBJ) {
		fprintf(f, "-\n");
		return;
	}
	mgmt_tree_get_int(t, tp, "current_utc_offset", &utc);
	fprintf(f, "UTC offset %lld s (%s), leap %s, %s timescale, "
		   "source %s, time %straceable, frequency %straceable\n",
		(long long)utc,
		flag(t, tp, "current_utc_offset_valid") ? "valid" : "not valid",
		flag(t, tp, "leap61") ? "+1 s at midnight"
				      : flag(t, tp, "leap59") ? "-1 s at midnight"
							      : "none",
		flag(t, tp, "ptp_timescale") ? "PTP" : "ARB",
		str_or(t, tp, "time_source_name", "?"),
		flag(t, tp, "time_traceable") ? "" : "not ",
		flag(t, tp, "frequency_traceable") ? "" : "not ");
}

/* ---- tracking ---- */

/* Copy src's member at path (of obj so) as key of dst, null if none. */
static void tk_pick(struct mgmt_tree *t, int dst, const char *key,
		    const struct mgmt_tree *st, int so, const char *path)
{
	int i = so >= 0 ? mgmt_tree_get(st, so, path) : -1;

	if (i >= 0)
		mgmt_tree_copy(t, dst, key, st, i);
	else
		mgmt_tree_null(t, dst, key);
}

/* "normal", "insert second", "delete second"; null without the time
 * properties. */
static void tk_leap(struct mgmt_tree *t, const struct mgmt_tree *st, int clk)
{
	int tp = mgmt_tree_member(st, clk, "time_properties");

	if (tp < 0 || st->node[tp].kind != MV_OBJ)
		mgmt_tree_null(t, 0, "leap_status");
	else if (flag(st, tp, "leap61"))
		mgmt_tree_str(t, 0, "leap_status", "insert second");
	else if (flag(st, tp, "leap59"))
		mgmt_tree_str(t, 0, "leap_status", "delete second");
	else
		mgmt_tree_str(t, 0, "leap_status", "normal");
	tk_pick(t, 0, "utc_offset_s", st, tp, "current_utc_offset");
	tk_pick(t, 0, "utc_offset_valid", st, tp, "current_utc_offset_valid");
}

/* A frequency in ppm from the servo's ppb at path (null if null). */
static void tk_ppm(struct mgmt_tree *t, const char *key,
		   const struct mgmt_tree *st, int sv, const char *path)
{
	int i = sv >= 0 ? mgmt_tree_get(st, sv, path) : -1;

	if (i >= 0 && st->node[i].kind == MV_REAL)
		mgmt_tree_real(t, 0, key, st->node[i].v.d / 1000.0, 6);
	else
		mgmt_tree_null(t, 0, key);
}

int mgmt_tracking_build(struct mgmt_tree *t, const struct mgmt_tree *st)
{
	int clk = mgmt_tree_member(st, 0, "clock");
	int sv = mgmt_tree_member(st, clk, "servo");
	int ref = ctl_status_reference(st);
	int64_t applied = 1;

	if (sv >= 0 && st->node[sv].kind != MV_OBJ)
		sv = -1;
	tk_pick(t, 0, "reference_clock", st, clk, "reference_clock");
	tk_pick(t, 0, "discipline", st, clk, "discipline");
	tk_pick(t, 0, "adjusted", st, clk, "adjusted");
	tk_pick(t, 0, "grandmaster_identity", st, clk, "grandmaster_identity");
	tk_pick(t, 0, "parent_port_identity", st, clk, "parent_port_identity");
	tk_pick(t, 0, "slave_port", st, clk, "slave_port");
	tk_pick(t, 0, "steps_removed", st, clk, "steps_removed");
	tk_pick(t, 0, "servo_type", st, clk, "servo_type");
	tk_pick(t, 0, "servo_state", st, sv, "servo_state_name");
	tk_pick(t, 0, "locked_for_s", st, sv, "locked_for_s");
	tk_pick(t, 0, "last_sample_age_s", st, sv, "sample_age_s");
	tk_pick(t, 0, "offset_ns", st, clk, "offset_from_master_ns");
	tk_pick(t, 0, "rms_offset_ns", st, sv, "window_offset_rms_ns");
	tk_pick(t, 0, "max_offset_ns", st, sv, "window_offset_max_ns");
	tk_pick(t, 0, "window_span_ns", st, sv, "window_span_ns");
	tk_pick(t, 0, "window_samples", st, sv, "window_samples");
	/* a clock not adjusted: the servo's figure is its estimate */
	if (ref >= 0)
		mgmt_tree_get_int(st, ref, "servo_applied", &applied);
	mgmt_tree_bool(t, 0, "frequency_applied", applied != 0);
	tk_ppm(t, "frequency_ppm", st, sv, "frequency_ppb");
	tk_ppm(t, "frequency_sd_ppm", st, sv, "window_frequency_stddev_ppb");
	tk_pick(t, 0, "path_delay_ns", st, clk, "mean_path_delay_ns");
	tk_pick(t, 0, "path_delay_mean_ns", st, sv, "window_path_delay_mean_ns");
	tk_pick(t, 0, "time_error_bound_ns", st, sv, "time_error_estimate_ns");
	tk_leap(t, st, clk);
	return t->overflow ? -ENOSPC : 0;
}

static const char *tk_val(const struct mgmt_tree *t, const char *key,
			  char *buf, size_t len)
{
	return mgmt_print_value(t, 0, mgmt_tree_get(t, 0, key), buf, len);
}

static void tk_line(FILE *f, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void tk_line(FILE *f, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%-17s: ", label);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static bool tk_known(const struct mgmt_tree *t, const char *key)
{
	int i = mgmt_tree_get(t, 0, key);

	return i >= 0 && t->node[i].kind != MV_NULL;
}

/* The real at key, or -1 when null or absent. */
static double tk_real(const struct mgmt_tree *t, const char *key)
{
	int i = mgmt_tree_get(t, 0, key);

	return i >= 0 && t->node[i].kind == MV_REAL ? t->node[i].v.d : -1.0;
}

static void tk_print_ref(FILE *f, const struct mgmt_tree *t)
{
	char a[64], b[64], c[64];
	int64_t applied = 1;
	const char *d = mgmt_tree_get_str(t, 0, "discipline");

	tk_line(f, "Reference clock", "%s (%s)", tk_val(t, "reference_clock", a,
							sizeof(a)),
		d ? d : "-");
	if (tk_known(t, "slave_port"))
		tk_line(f, "Grandmaster ID", "%s via %s on port %s",
			tk_val(t, "grandmaster_identity", a, sizeof(a)),
			tk_val(t, "parent_port_identity", b, sizeof(b)),
			tk_val(t, "slave_port", c, sizeof(c)));
	else
		tk_line(f, "Grandmaster ID", "%s",
			tk_val(t, "grandmaster_identity", a, sizeof(a)));
	tk_line(f, "Steps removed", "%s", tk_val(t, "steps_removed", a,
						 sizeof(a)));
	mgmt_tree_get_int(t, 0, "frequency_applied", &applied);
	tk_line(f, "Servo", "%s, %s%s%s%s",
		tk_val(t, "servo_type", a, sizeof(a)),
		applied ? "" : "measures only, ",
		tk_val(t, "servo_state", b, sizeof(b)),
		tk_known(t, "locked_for_s") ? ", locked for " : "",
		tk_known(t, "locked_for_s")
			? ctl_age_text(tk_real(t, "locked_for_s"), c, sizeof(c))
			: "");
	if (tk_known(t, "last_sample_age_s"))
		tk_line(f, "Ref time", "last sample %s s ago",
			tk_val(t, "last_sample_age_s", a, sizeof(a)));
	else
		tk_line(f, "Ref time", "- (no sample)");
}

static void tk_print_figures(FILE *f, const struct mgmt_tree *t)
{
	char a[64], b[64], c[64], d[64];
	int64_t span = 0, applied = 1, valid;

	tk_line(f, "Last offset", "%s%s", tk_val(t, "offset_ns", a, sizeof(a)),
		tk_known(t, "offset_ns")    ? " ns"
		: tk_known(t, "slave_port") ? " (no sample yet)"
					    : " (no port is a slave)");
	mgmt_tree_get_int(t, 0, "window_span_ns", &span);
	if (tk_known(t, "rms_offset_ns"))
		tk_line(f, "RMS offset", "%s ns (max %s ns, %s samples over "
			"%.0f s)", tk_val(t, "rms_offset_ns", a, sizeof(a)),
			tk_val(t, "max_offset_ns", b, sizeof(b)),
			tk_val(t, "window_samples", c, sizeof(c)),
			(double)span / 1e9);
	else
		tk_line(f, "RMS offset", "-");
	mgmt_tree_get_int(t, 0, "frequency_applied", &applied);
	tk_line(f, "Frequency", "%s%s%s", tk_val(t, "frequency_ppm", a,
						 sizeof(a)),
		tk_known(t, "frequency_ppm") ? " ppm" : "",
		tk_known(t, "frequency_ppm") && !applied
			? " (estimated, not applied)" : "");
	tk_line(f, "Skew", "%s%s", tk_val(t, "frequency_sd_ppm", b, sizeof(b)),
		tk_known(t, "frequency_sd_ppm") ? " ppm" : "");
	tk_line(f, "Path delay", "%s%s%s%s%s",
		tk_val(t, "path_delay_ns", c, sizeof(c)),
		tk_known(t, "path_delay_ns") ? " ns" : "",
		tk_known(t, "path_delay_mean_ns") ? " (mean " : "",
		tk_known(t, "path_delay_mean_ns")
			? tk_val(t, "path_delay_mean_ns", d, sizeof(d)) : "",
		tk_known(t, "path_delay_mean_ns") ? " ns)" : "");
	tk_line(f, "Time error bound", "%s%s",
		tk_val(t, "time_error_bound_ns", a, sizeof(a)),
		tk_known(t, "time_error_bound_ns") ? " ns" : "");
	tk_line(f, "Leap status", "%s", tk_val(t, "leap_status", a, sizeof(a)));
	valid = 0;
	mgmt_tree_get_int(t, 0, "utc_offset_valid", &valid);
	tk_line(f, "UTC offset", "%s%s", tk_val(t, "utc_offset_s", a,
						sizeof(a)),
		!tk_known(t, "utc_offset_s") ? ""
		: valid			    ? " s (valid)"
					    : " s (not valid)");
}

int mgmt_tracking_print_text(FILE *f, const struct mgmt_tree *t)
{
	tk_print_ref(f, t);
	tk_print_figures(f, t);
	return ferror(f) ? -EIO : 0;
}
