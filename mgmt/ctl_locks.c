/*
 * mgmt/ctl_locks.c — the lock history in hvptpctl status
 * (HVPTP_LOCK_HISTORY_NP, bc/mgmt.h and common/lockhist.h).
 *
 * Each record of "clock_tree.clocks" gets "lock_history": whether the
 * clock has one ("applicable": hvptpd adjusts it with a servo), locked
 * now, the time in that state, time in lock since the start, the time
 * observed, lock losses, time to first lock, MTBF and MTTR (in seconds,
 * null when unknown: never 0 for unknown), a one-line "summary", and the
 * last changes newest first, each with its age and its UTC wall time
 * (the wall clock less the age; null when the caller gave no wall time).
 * A clock without a history has every figure null; a daemon that does
 * not answer the ID gives "lock_history": null.  On the screen, one line
 * per clock under the clocks table:
 *
 *   LOCK HISTORY
 *   /dev/ptp0       locked 3 min 12 s, 2 losses, MTBF 1 min 36 s, MTTR 1.6 s; ...
 *   CLOCK_REALTIME  locked 6 min 28 s, no loss in 6 min 28 s; ...
 *   /dev/ptp1       not applicable (not adjusted by hvptpd)
 *
 * and, for the clocks that changed, their last changes (up to
 * CTL_LOCK_SHOWN) with ages and UTC times.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"

#define CTL_LOCK_SHOWN 4 /* changes on the screen per clock */

/* The real at key of obj: false when it is null or missing. */
static bool get_real(const struct mgmt_tree *t, int obj, const char *key,
		     double *v)
{
	int i = obj >= 0 ? mgmt_tree_member(t, obj, key) : -1;

	if (i < 0 || t->node[i].kind != MV_REAL)
		return false;
	*v = t->node[i].v.d;
	return true;
}

/* The lock record of clock index idx in the scratch tree's answer. */
static int lock_record(const struct mgmt_tree *s, int o, int64_t idx)
{
	int arr = mgmt_tree_member(s, o, "clocks");
	int64_t k;

	for (int i = 0, r; arr >= 0 && (r = mgmt_tree_child(s, arr, i)) >= 0;
	     i++) {
		if (mgmt_tree_get_int(s, r, "index", &k) && k == idx)
			return r;
	}
	return -1;
}

/* ns at key of the record as seconds under out (null when null). */
static void secs(struct mgmt_tree *t, int dst, const char *out,
		 const struct mgmt_tree *s, int r, const char *key)
{
	int64_t v;

	if (r >= 0 && mgmt_tree_get_int(s, r, key, &v))
		mgmt_tree_real(t, dst, out, (double)v / 1e9, 3);
	else
		mgmt_tree_null(t, dst, out);
}

/* "2026-12-07T23:01:02Z" of wall time ns. */
static void utc_text(int64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000LL);
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void lock_changes(struct mgmt_tree *t, int h, const struct mgmt_tree *s,
			 int r, int64_t wall)
{
	int arr = mgmt_tree_arr(t, h, "changes");
	int src = r >= 0 ? mgmt_tree_member(s, r, "changes") : -1;

	for (int i = 0, c; src >= 0 && (c = mgmt_tree_child(s, src, i)) >= 0;
	     i++) {
		int o = mgmt_tree_obj(t, arr, NULL);
		int64_t age, locked = 0;
		char u[40];

		mgmt_tree_get_int(s, c, "locked", &locked);
		mgmt_tree_bool(t, o, "locked", locked != 0);
		if (!mgmt_tree_get_int(s, c, "age_ns", &age)) {
			mgmt_tree_null(t, o, "age_s");
			mgmt_tree_null(t, o, "utc");
			continue;
		}
		mgmt_tree_real(t, o, "age_s", (double)age / 1e9, 3);
		if (wall > 0) {
			utc_text(wall - age, u, sizeof(u));
			mgmt_tree_str(t, o, "utc", u);
		} else {
			mgmt_tree_null(t, o, "utc");
		}
	}
}

/* The summary line of the history h (already built). */
static void lock_summary(const struct mgmt_tree *t, int h, char *buf,
			 size_t len)
{
	int64_t appl = 0, locked = 0, losses = 0;
	double in = -1, tot = -1, obs = -1, first = -1, x;
	char a[32], b[32], c[32];
	size_t n;

	mgmt_tree_get_int(t, h, "applicable", &appl);
	if (!appl) {
		snprintf(buf, len, "not applicable (not adjusted by hvptpd)");
		return;
	}
	if (!mgmt_tree_get_int(t, h, "locked", &locked) ||
	    !get_real(t, h, "in_state_s", &in)) {
		snprintf(buf, len, "unknown (no servo state yet)");
		return;
	}
	mgmt_tree_get_int(t, h, "losses", &losses);
	get_real(t, h, "locked_total_s", &tot);
	get_real(t, h, "observed_s", &obs);
	if (!get_real(t, h, "time_to_first_lock_s", &first)) {
		snprintf(buf, len, "not locked yet (%s since the start)",
			 ctl_age_text(obs, a, sizeof(a)));
		return;
	}
	n = (size_t)snprintf(buf, len, "%s %s, ", locked ? "locked" : "unlocked",
			     ctl_age_text(in, a, sizeof(a)));
	if (losses == 0)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
				      "no loss in %s",
				      ctl_age_text(tot, a, sizeof(a)));
	else
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
				      "%" PRId64 " loss%s", losses,
				      losses == 1 ? "" : "es");
	if (get_real(t, h, "mtbf_s", &x))
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
				      ", MTBF %s", ctl_age_text(x, a, sizeof(a)));
	if (get_real(t, h, "mttr_s", &x))
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
				      ", MTTR %s", ctl_age_text(x, a, sizeof(a)));
	snprintf(buf + n, n < len ? len - n : 0,
		 "; in lock %s of %s, first lock after %s",
		 ctl_age_text(tot, a, sizeof(a)), ctl_age_text(obs, b, sizeof(b)),
		 ctl_age_text(first, c, sizeof(c)));
}

static void lock_block(struct mgmt_tree *t, int rec, const struct mgmt_tree *s,
		       int o, const struct mgmt_status_in *in)
{
	static const char *const fig[][2] = {
		{ "in_state_s", "in_state_ns" },
		{ "locked_total_s", "locked_total_ns" },
		{ "observed_s", "observed_ns" },
		{ "time_to_first_lock_s", "time_to_first_lock_ns" },
		{ "mtbf_s", "mtbf_ns" },
		{ "mttr_s", "mttr_ns" },
	};
	int64_t idx = -1, appl = 0;
	int r, h;
	char sum[256];

	if (o < 0) {
		mgmt_tree_null(t, rec, "lock_history");
		return;
	}
	mgmt_tree_get_int(t, rec, "index", &idx);
	r = lock_record(s, o, idx);
	h = mgmt_tree_obj(t, rec, "lock_history");
	if (r >= 0)
		mgmt_tree_get_int(s, r, "applicable", &appl);
	mgmt_tree_bool(t, h, "applicable", appl != 0);
	if (r >= 0 && appl) {
		mgmt_tree_copy(t, h, "locked", s, mgmt_tree_member(s, r, "locked"));
		mgmt_tree_copy(t, h, "losses", s, mgmt_tree_member(s, r, "losses"));
	} else {
		mgmt_tree_null(t, h, "locked");
		mgmt_tree_null(t, h, "losses");
	}
	for (size_t i = 0; i < sizeof(fig) / sizeof(fig[0]); i++)
		secs(t, h, fig[i][0], s, appl ? r : -1, fig[i][1]);
	lock_changes(t, h, s, appl ? r : -1, in->wall_ns);
	lock_summary(t, h, sum, sizeof(sum));
	mgmt_tree_str(t, h, "summary", sum);
}

void ctl_status_build_locks(struct mgmt_tree *t, struct mgmt_tree *s,
			    const struct mgmt_status_in *in)
{
	int arr = mgmt_tree_get(t, 0, "clock_tree.clocks");
	int o = ctl_decode_first(s, in->locks);

	for (int i = 0, r; arr >= 0 && (r = mgmt_tree_child(t, arr, i)) >= 0;
	     i++)
		lock_block(t, r, s, o, in);
}

/* "locked 3 min 2 s ago (2026-12-07T23:01:02Z)". */
static void print_changes(FILE *f, const struct mgmt_tree *t, int h,
			  const char *name)
{
	int arr = mgmt_tree_member(t, h, "changes");
	char a[32];
	double age;
	int n = 0;

	for (int i = 0, c; i < CTL_LOCK_SHOWN &&
			   (c = mgmt_tree_child(t, arr, i)) >= 0; i++, n++) {
		const char *u = mgmt_tree_get_str(t, c, "utc");
		int64_t locked = 0;

		mgmt_tree_get_int(t, c, "locked", &locked);
		if (!get_real(t, c, "age_s", &age))
			age = -1;
		if (!n)
			fprintf(f, "  %s: ", name);
		else
			fprintf(f, ", ");
		fprintf(f, "%s %s ago%s%s%s", locked ? "locked" : "lost lock",
			ctl_age_text(age, a, sizeof(a)), u ? " (" : "",
			u ? u : "", u ? ")" : "");
	}
	if (n)
		fputc('\n', f);
}

void ctl_status_print_locks(FILE *f, const struct mgmt_tree *t)
{
	int arr = mgmt_tree_get(t, 0, "clock_tree.clocks"), w = 5;
	bool any = false;

	for (int i = 0, r; arr >= 0 && (r = mgmt_tree_child(t, arr, i)) >= 0;
	     i++) {
		const char *name = mgmt_tree_get_str(t, r, "name");
		int l = name ? (int)strlen(name) : 1;

		w = l > w ? l : w;
	}
	for (int i = 0, r; arr >= 0 && (r = mgmt_tree_child(t, arr, i)) >= 0;
	     i++) {
		const char *name = mgmt_tree_get_str(t, r, "name");
		int h = mgmt_tree_member(t, r, "lock_history");

		if (h < 0 || t->node[h].kind != MV_OBJ)
			continue;
		if (!any)
			fprintf(f, "\nLOCK HISTORY\n");
		any = true;
		fprintf(f, "%-*s  %s\n", w, name ? name : "?",
			mgmt_tree_get_str(t, h, "summary"));
	}
	for (int i = 0, r; arr >= 0 && (r = mgmt_tree_child(t, arr, i)) >= 0;
	     i++) {
		const char *name = mgmt_tree_get_str(t, r, "name");
		int h = mgmt_tree_member(t, r, "lock_history");

		if (h >= 0 && t->node[h].kind == MV_OBJ)
			print_changes(f, t, h, name ? name : "?");
	}
}
