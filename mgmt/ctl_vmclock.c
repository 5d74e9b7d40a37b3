/*
 * mgmt/ctl_vmclock.c — hvptpctl vmclock FILE: read a vmclock page the way
 * a guest's ptp_vmclock driver does and show what it says.
 *
 * The page is mapped read-only and read with vm_vmclock_read (seq_count
 * even, the fields and the counter, seq_count unchanged; else again), the
 * time computed with the ABI's 128-bit formula at the counter value read
 * inside that pass.  CLOCK_REALTIME is read right after the counter in
 * the same pass, so "offset_from_local_ns" (the page's UTC minus this
 * machine's CLOCK_REALTIME) is the agreement of the two clocks: on the
 * host that writes it, how well the page tracks the host; in a guest
 * with the page mapped, the guest clock's error against it.  No daemon is
 * asked: the command needs only the file.  On a machine without the
 * page's counter (another architecture), the page is shown without a
 * time (null).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "mgmt/ctl_priv.h"
#include "vm/vmclock.h"
#include "vm/vmclock_file.h"

#define VMC_MAX_TRIES 10000000L /* a writer dead mid-update: give up */

#define VMC_PASSES 8 /* reads; the one whose clock read was quickest */

struct vmc_read {
	int64_t realtime_ns; /* CLOCK_REALTIME right after the counter */
	uint64_t after; /* the counter again after it */
};

/* The guest's counter read, with CLOCK_REALTIME and the counter again
 * behind it: the clock's reading lies between the two counts. */
static uint64_t counter_and_realtime(void *ctx)
{
	struct vmc_read *r = ctx;
	uint64_t c = vm_vmclock_counter_read(NULL);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	r->after = vm_vmclock_counter_read(NULL);
	r->realtime_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	return c;
}

/* VMC_PASSES reads of the page (the first ones warm the caches and the
 * vDSO up); the one whose CLOCK_REALTIME read took the fewest counts
 * (with a counter: one pass without).  0, or -EAGAIN. */
static int vmc_best_read(const struct vm_vmclock_abi *page, bool counter,
			 struct vm_vmclock_reading *best, struct vmc_read *br)
{
	uint64_t retries = 0;
	int passes = counter ? VMC_PASSES : 1;

	for (int i = 0; i < passes; i++) {
		struct vm_vmclock_reading rd;
		struct vmc_read r = { 0 };

		if (vm_vmclock_read(page, counter ? counter_and_realtime : NULL,
				    &r, VMC_MAX_TRIES, &rd) < 0)
			return -EAGAIN;
		retries += rd.retries;
		if (i == 0 || r.after - rd.counter < br->after - best->counter) {
			*best = rd;
			*br = r;
		}
	}
	best->retries = retries;
	return 0;
}

static void iso(char *buf, size_t len, int64_t sec, uint32_t nsec)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char s[32];

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09" PRIu32 "Z", s, nsec);
}

static void put_time(struct mgmt_tree *t, const char *key, bool have,
		     int64_t sec, uint32_t nsec)
{
	char buf[64];
	int o;

	if (!have) {
		mgmt_tree_null(t, 0, key);
		return;
	}
	o = mgmt_tree_obj(t, 0, key);
	mgmt_tree_int(t, o, "sec", sec);
	mgmt_tree_int(t, o, "nsec", nsec);
	iso(buf, sizeof(buf), sec, nsec);
	mgmt_tree_str(t, o, "iso", buf);
}

/* ns per count, and a rate in its unit as ppb of the period. */
static double period_ns(const struct vm_vmclock_abi *p)
{
	return ldexp((double)p->counter_period_frac_sec,
		     -64 - p->counter_period_shift) * 1e9;
}

static void put_opt_real(struct mgmt_tree *t, const char *key, bool have,
			 double v, int decimals)
{
	if (have)
		mgmt_tree_real(t, 0, key, v, decimals);
	else
		mgmt_tree_null(t, 0, key);
}

static void put_opt_uint(struct mgmt_tree *t, const char *key, bool have,
			 uint64_t v)
{
	if (have)
		mgmt_tree_uint(t, 0, key, v);
	else
		mgmt_tree_null(t, 0, key);
}

static void put_name(struct mgmt_tree *t, const char *key, const char *name)
{
	if (name)
		mgmt_tree_str(t, 0, key, name);
	else
		mgmt_tree_null(t, 0, key);
}

/* The page's constant fields, status, flags and bounds. */
static void build_page(struct mgmt_tree *t, const struct vm_vmclock_abi *p,
		       const struct vm_vmclock_reading *rd)
{
	uint64_t fl = p->flags;
	double per = period_ns(p);
	bool rate = p->counter_period_frac_sec != 0;
	int a;

	mgmt_tree_uint(t, 0, "size", p->size);
	mgmt_tree_uint(t, 0, "version", p->version);
	mgmt_tree_uint(t, 0, "counter_id", p->counter_id);
	put_name(t, "counter_name", vm_vmclock_counter_name(p->counter_id));
	mgmt_tree_uint(t, 0, "time_type", p->time_type);
	put_name(t, "time_type_name", vm_vmclock_time_type_name(p->time_type));
	mgmt_tree_uint(t, 0, "seq_count", p->seq_count);
	mgmt_tree_uint(t, 0, "retries", rd->retries);
	mgmt_tree_uint(t, 0, "clock_status", p->clock_status);
	put_name(t, "clock_status_name",
		 vm_vmclock_status_name(p->clock_status));
	mgmt_tree_uint(t, 0, "disruption_marker", p->disruption_marker);
	mgmt_tree_uint(t, 0, "flags", fl);
	a = mgmt_tree_arr(t, 0, "flag_names");
	for (unsigned int b = 0; b < 64; b++) {
		if (fl & (1ull << b))
			mgmt_tree_str(t, a, NULL, vm_vmclock_flag_name(b)
							  ? vm_vmclock_flag_name(b)
							  : "unknown");
	}
	mgmt_tree_int(t, 0, "tai_offset_s", (int16_t)p->tai_offset_sec);
	mgmt_tree_bool(t, 0, "tai_offset_valid",
		       fl & VM_VMCLOCK_FLAG_TAI_OFFSET_VALID);
	mgmt_tree_uint(t, 0, "leap_indicator", p->leap_indicator);
	put_name(t, "leap_indicator_name",
		 vm_vmclock_leap_name(p->leap_indicator));
	mgmt_tree_uint(t, 0, "counter_value", p->counter_value);
	mgmt_tree_uint(t, 0, "counter_period_shift", p->counter_period_shift);
	mgmt_tree_uint(t, 0, "counter_period_frac_sec",
		       p->counter_period_frac_sec);
	put_opt_real(t, "counter_period_ns", rate, per, 12);
	put_opt_real(t, "counter_hz", rate, 1e9 / per, 3);
	put_opt_real(t, "period_esterror_ppb",
		     rate && (fl & VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID),
		     (double)p->counter_period_esterror_rate_frac_sec /
			     (double)p->counter_period_frac_sec * 1e9, 3);
	put_opt_real(t, "period_maxerror_ppb",
		     rate && (fl & VM_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID),
		     (double)p->counter_period_maxerror_rate_frac_sec /
			     (double)p->counter_period_frac_sec * 1e9, 3);
	put_opt_uint(t, "time_esterror_ns",
		     fl & VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID,
		     p->time_esterror_nanosec);
	put_opt_uint(t, "time_maxerror_ns",
		     fl & VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID,
		     p->time_maxerror_nanosec);
}

/* The time at the counter read: the page's scale, UTC, the agreement
 * with CLOCK_REALTIME, the age of the reference point. */
static void build_time(struct mgmt_tree *t, const struct vm_vmclock_abi *p,
		       const struct vm_vmclock_reading *rd, bool have_counter,
		       const struct vmc_read *r)
{
	uint64_t w = r->after - rd->counter;
	int64_t msec = 0;
	uint64_t mfrac = 0;
	int64_t sec = 0, usec;
	uint64_t frac = 0;
	uint32_t ns = 0;
	bool have = have_counter && p->counter_id == vm_vmclock_counter_id() &&
		    vm_vmclock_time_at(p, rd->counter, &sec, &frac);
	bool utc = have && (p->time_type == VM_VMCLOCK_TIME_TAI ||
			    p->time_type == VM_VMCLOCK_TIME_UTC);

	if (have)
		ns = vm_vmclock_frac_to_ns(frac);
	put_opt_uint(t, "counter", have_counter, rd->counter);
	put_opt_real(t, "age_s", have,
		     (double)(int64_t)(rd->counter - p->counter_value) *
			     period_ns(p) / 1e9, 6);
	put_time(t, "time", have, sec, ns);
	usec = sec - (p->time_type == VM_VMCLOCK_TIME_TAI
			      ? (int16_t)p->tai_offset_sec
			      : 0);
	put_time(t, "utc", utc, usec, ns);
	put_opt_uint(t, "local_realtime_ns", have_counter,
		     (uint64_t)r->realtime_ns);
	/* the agreement: the page's UTC at the middle of the clock's read */
	if (utc && vm_vmclock_time_at(p, rd->counter + w / 2, &msec, &mfrac)) {
		msec -= sec - usec;
		mgmt_tree_int(t, 0, "offset_from_local_ns",
			      msec * 1000000000LL + vm_vmclock_frac_to_ns(mfrac) -
				      r->realtime_ns);
		mgmt_tree_real(t, 0, "offset_window_ns",
			       (double)w * period_ns(p), 0);
	} else {
		mgmt_tree_null(t, 0, "offset_from_local_ns");
		mgmt_tree_null(t, 0, "offset_window_ns");
	}
}

/* ---- text ---- */

static void text_line(FILE *f, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void text_line(FILE *f, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%-20s", label);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static const char *str_or(const struct mgmt_tree *t, const char *path,
			  const char *dash)
{
	const char *s = mgmt_tree_get_str(t, 0, path);

	return s ? s : dash;
}

static int64_t get_i(const struct mgmt_tree *t, const char *path)
{
	int64_t v = 0;

	mgmt_tree_get_int(t, 0, path, &v);
	return v;
}

/* An unsigned integer at path, 0 when missing. */
static uint64_t get_u(const struct mgmt_tree *t, const char *path)
{
	int n = mgmt_tree_get(t, 0, path);

	return n >= 0 && t->node[n].kind == MV_UINT ? t->node[n].v.u : 0;
}

/* A number at path (integer or real): false when null or missing. */
static bool get_num(const struct mgmt_tree *t, const char *path, double *d)
{
	int n = mgmt_tree_get(t, 0, path);

	if (n < 0)
		return false;
	switch (t->node[n].kind) {
	case MV_INT: *d = (double)t->node[n].v.i; return true;
	case MV_UINT: *d = (double)t->node[n].v.u; return true;
	case MV_REAL: *d = t->node[n].v.d; return true;
	default: return false;
	}
}

static void text_time(FILE *f, const struct mgmt_tree *t)
{
	char scale[40];
	int64_t v;
	double w;

	snprintf(scale, sizeof(scale), "time (%s)",
		 str_or(t, "time_type_name", "?"));
	text_line(f, scale, "%s", str_or(t, "time.iso", "—"));
	text_line(f, "time (UTC)", "%s (TAI - UTC %" PRId64 " s, %s)",
		  str_or(t, "utc.iso", "—"), get_i(t, "tai_offset_s"),
		  get_i(t, "tai_offset_valid") ? "valid" : "not valid");
	if (mgmt_tree_get_int(t, 0, "offset_from_local_ns", &v))
		text_line(f, "offset from local", "%+" PRId64 " ns (the "
			  "page's UTC - CLOCK_REALTIME here, read in %.0f "
			  "ns)", v, get_num(t, "offset_window_ns", &w) ? w
								       : 0.0);
	else
		text_line(f, "offset from local", "—");
}

/* "%.*f UNIT" or the dash. */
static const char *num(char *buf, size_t len, const struct mgmt_tree *t,
		       const char *path, int decimals, const char *unit)
{
	double d;

	if (!get_num(t, path, &d))
		return "—";
	snprintf(buf, len, "%.*f%s", decimals, d, unit);
	return buf;
}

static int text_vmclock(FILE *f, const struct mgmt_tree *t)
{
	char a[48], b[48], c[48];

	text_line(f, "vmclock page", "%s (%" PRId64 " bytes, version %" PRId64
		  ", %s)", str_or(t, "file", "?"), get_i(t, "size"),
		  get_i(t, "version"), str_or(t, "counter_name", "?"));
	text_line(f, "clock status", "%s",
		  str_or(t, "clock_status_name", "?"));
	text_time(f, t);
	text_line(f, "time error", "est %s, max %s",
		  num(a, sizeof(a), t, "time_esterror_ns", 0, " ns"),
		  num(b, sizeof(b), t, "time_maxerror_ns", 0, " ns"));
	text_line(f, "counter period", "%s (%s), error est %s, max %s",
		  num(a, sizeof(a), t, "counter_period_ns", 9, " ns"),
		  num(b, sizeof(b), t, "counter_hz", 0, " Hz"),
		  num(c, sizeof(c), t, "period_esterror_ppb", 3, " ppb"),
		  num(c + 24, sizeof(c) - 24, t, "period_maxerror_ppb", 3,
		      " ppb"));
	text_line(f, "reference point", "counter %" PRIu64 ", %s ago",
		  get_u(t, "counter_value"),
		  num(a, sizeof(a), t, "age_s", 3, " s"));
	text_line(f, "disruption marker", "%" PRIu64,
		  get_u(t, "disruption_marker"));
	text_line(f, "leap indicator", "%s",
		  str_or(t, "leap_indicator_name", "?"));
	text_line(f, "flags", "0x%" PRIx64, get_u(t, "flags"));
	text_line(f, "seq_count", "%" PRId64 " (retries %" PRId64 ")",
		  get_i(t, "seq_count"), get_i(t, "retries"));
	return 0;
}

int ctl_cmd_vmclock(struct ctl *c, int argc, char **argv)
{
	const struct vm_vmclock_abi *page;
	struct vm_vmclock_reading rd;
	struct vmc_read r = { 0 };
	bool have_counter = vm_vmclock_counter_id() >= 0;
	struct mgmt_tree *t;
	size_t len;
	int err, code;

	if (argc != 2)
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
				"usage: hvptpctl vmclock FILE");
	err = vm_vmclock_map(argv[1], &page, &len);
	if (err < 0)
		return ctl_fail(c, MGMT_EXIT_ERROR, "file", "%s: %s", argv[1],
				err == -EINVAL ? "smaller than a vmclock page"
					       : strerror(-err));
	err = vmc_best_read(page, have_counter, &rd, &r);
	vm_vmclock_unmap(page, len);
	if (err < 0)
		return ctl_fail(c, MGMT_EXIT_ERROR, "file", "%s: seq_count "
				"stayed odd for %ld tries (its writer died "
				"mid-update?)", argv[1], VMC_MAX_TRIES);
	if (rd.copy.magic != VM_VMCLOCK_MAGIC ||
	    rd.copy.version != VM_VMCLOCK_VERSION)
		return ctl_fail(c, MGMT_EXIT_ERROR, "file", "%s: not a vmclock "
				"page of version 1 (magic 0x%08" PRIx32
				", version %u)", argv[1], rd.copy.magic,
				rd.copy.version);
	t = mgmt_tree_new();
	if (!t)
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	mgmt_tree_int(t, 0, "schema_version", MGMT_CTL_SCHEMA_VERSION);
	mgmt_tree_str(t, 0, "command", "vmclock");
	mgmt_tree_str(t, 0, "file", argv[1]);
	build_page(t, &rd.copy, &rd);
	build_time(t, &rd.copy, &rd, have_counter, &r);
	code = ctl_emit(c, t, text_vmclock);
	mgmt_tree_free(t);
	return code;
}
