/*
 * vm/vmclock.h — the vmclock page: the host's time as a formula over the
 * CPU counter, in the Linux vmclock ABI (include/uapi/linux/vmclock-abi.h,
 * version 1), for guests whose VMM maps the page into them.
 *
 * A guest reads the counter C (the x86 TSC, the arm64 virtual counter) and
 * computes the time as T1 + P * (C - C1): T1 (time_sec + time_frac_sec /
 * 2^64) is the time at counter value C1 (counter_value); P, the counter's
 * period, is counter_period_frac_sec / 2^(64 + counter_period_shift) s.
 * The product is taken in 128 bits (a 64-bit delta times a 64-bit
 * period).  Every field after the constant ones (magic .. time_type) is
 * written under seq_count, a sequence lock: odd while the writer is at
 * work, bumped again to even when done; a reader reads seq_count (even),
 * the fields and the counter, then seq_count again, and starts over when
 * it moved.  All fields are little-endian.
 *
 * hvptpd publishes TAI (time_type TAI, tai_offset_sec = TAI - UTC), as the
 * ABI's authors recommend: one formula holds across a leap second.
 *
 * The relation is estimated here from paired readings (the counter read
 * just before and just after the clock): of each burst the pair with the
 * shortest window is kept, its midpoint paired with the clock; a least
 * squares line through the last samples gives the period (the slope) and
 * the time at the newest sample (the anchor).  A sample far off the line
 * (VM_VMCLOCK_STEP_NS) is a step of the clock: the samples before it are
 * dropped, the period kept (a step moves the time, not the counter's
 * rate).
 *
 * This file is pure (no syscalls, no clock reads): the page's layout, its
 * fill from a relation, the seqlock write and the guest's read with the
 * counter as a callback, and the estimator.  The page file, the counter
 * and the clock readings are in vm/vmclock_file.c.
 */
#ifndef HVPTP_VM_VMCLOCK_H
#define HVPTP_VM_VMCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_VMCLOCK_MAGIC 0x4b4c4356u /* "VCLK" in little-endian order */
#define VM_VMCLOCK_VERSION 1
#define VM_VMCLOCK_PAGE_SIZE 4096u /* the file's size (the ABI's "size") */

/* counter_id (VIRTIO_RTC_COUNTER_xxx) */
#define VM_VMCLOCK_COUNTER_ARM_VCNT 0
#define VM_VMCLOCK_COUNTER_X86_TSC 1
#define VM_VMCLOCK_COUNTER_INVALID 0xff

/* time_type (VIRTIO_RTC_TYPE_xxx) */
#define VM_VMCLOCK_TIME_UTC 0
#define VM_VMCLOCK_TIME_TAI 1
#define VM_VMCLOCK_TIME_MONOTONIC 2
#define VM_VMCLOCK_TIME_INVALID_SMEARED 3
#define VM_VMCLOCK_TIME_INVALID_MAYBE_SMEARED 4

/* flags */
#define VM_VMCLOCK_FLAG_TAI_OFFSET_VALID (1ull << 0)
#define VM_VMCLOCK_FLAG_DISRUPTION_SOON (1ull << 1)
#define VM_VMCLOCK_FLAG_DISRUPTION_IMMINENT (1ull << 2)
#define VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID (1ull << 3)
#define VM_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID (1ull << 4)
#define VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID (1ull << 5)
#define VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID (1ull << 6)
#define VM_VMCLOCK_FLAG_TIME_MONOTONIC (1ull << 7)
#define VM_VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT (1ull << 8)

/* clock_status */
#define VM_VMCLOCK_STATUS_UNKNOWN 0
#define VM_VMCLOCK_STATUS_INITIALIZING 1
#define VM_VMCLOCK_STATUS_SYNCHRONIZED 2
#define VM_VMCLOCK_STATUS_FREERUNNING 3
#define VM_VMCLOCK_STATUS_UNRELIABLE 4

/* leap_second_smearing_hint */
#define VM_VMCLOCK_SMEARING_STRICT 0
#define VM_VMCLOCK_SMEARING_NOON_LINEAR 1
#define VM_VMCLOCK_SMEARING_UTC_SLS 2

/* leap_indicator */
#define VM_VMCLOCK_LEAP_NONE 0
#define VM_VMCLOCK_LEAP_PRE_POS 1 /* a leap61 at the end of the month */
#define VM_VMCLOCK_LEAP_PRE_NEG 2
#define VM_VMCLOCK_LEAP_POS 3 /* during 23:59:60 */
#define VM_VMCLOCK_LEAP_POST_POS 4
#define VM_VMCLOCK_LEAP_POST_NEG 5

/* The structure at the start of the page (all fields little-endian). */
struct vm_vmclock_abi {
	/* constant */
	uint32_t magic; /* 0x00 VM_VMCLOCK_MAGIC */
	uint32_t size; /* 0x04 size of the region (the page) */
	uint16_t version; /* 0x08 1 */
	uint8_t counter_id; /* 0x0a */
	uint8_t time_type; /* 0x0b */
	/* under the sequence lock */
	uint32_t seq_count; /* 0x0c odd: being written */
	uint64_t disruption_marker; /* 0x10 changes when the relation breaks */
	uint64_t flags; /* 0x18 */
	uint8_t pad[2]; /* 0x20 */
	uint8_t clock_status; /* 0x22 */
	uint8_t leap_second_smearing_hint; /* 0x23 */
	uint16_t tai_offset_sec; /* 0x24 TAI - UTC, two's complement */
	uint8_t leap_indicator; /* 0x26 */
	uint8_t counter_period_shift; /* 0x27 */
	uint64_t counter_value; /* 0x28 C1 */
	uint64_t counter_period_frac_sec; /* 0x30 P, 2^-(64 + shift) s */
	uint64_t counter_period_esterror_rate_frac_sec; /* 0x38 same unit */
	uint64_t counter_period_maxerror_rate_frac_sec; /* 0x40 same unit */
	uint64_t time_sec; /* 0x48 T1, seconds since 1970 (time_type) */
	uint64_t time_frac_sec; /* 0x50 T1's fraction, 2^-64 s */
	uint64_t time_esterror_nanosec; /* 0x58 */
	uint64_t time_maxerror_nanosec; /* 0x60 */
	uint64_t vm_generation_counter; /* 0x68 (a VMM's; hvptpd: 0) */
};

_Static_assert(offsetof(struct vm_vmclock_abi, magic) == 0x00, "magic");
_Static_assert(offsetof(struct vm_vmclock_abi, size) == 0x04, "size");
_Static_assert(offsetof(struct vm_vmclock_abi, version) == 0x08, "version");
_Static_assert(offsetof(struct vm_vmclock_abi, counter_id) == 0x0a, "cid");
_Static_assert(offsetof(struct vm_vmclock_abi, time_type) == 0x0b, "type");
_Static_assert(offsetof(struct vm_vmclock_abi, seq_count) == 0x0c, "seq");
_Static_assert(offsetof(struct vm_vmclock_abi, disruption_marker) == 0x10,
	       "disruption_marker");
_Static_assert(offsetof(struct vm_vmclock_abi, flags) == 0x18, "flags");
_Static_assert(offsetof(struct vm_vmclock_abi, clock_status) == 0x22,
	       "clock_status");
_Static_assert(offsetof(struct vm_vmclock_abi, leap_second_smearing_hint) ==
		       0x23, "smearing");
_Static_assert(offsetof(struct vm_vmclock_abi, tai_offset_sec) == 0x24,
	       "tai_offset_sec");
_Static_assert(offsetof(struct vm_vmclock_abi, leap_indicator) == 0x26,
	       "leap_indicator");
_Static_assert(offsetof(struct vm_vmclock_abi, counter_period_shift) == 0x27,
	       "counter_period_shift");
_Static_assert(offsetof(struct vm_vmclock_abi, counter_value) == 0x28,
	       "counter_value");
_Static_assert(offsetof(struct vm_vmclock_abi, counter_period_frac_sec) ==
		       0x30, "period");
_Static_assert(offsetof(struct vm_vmclock_abi,
			counter_period_esterror_rate_frac_sec) == 0x38,
	       "period esterror");
_Static_assert(offsetof(struct vm_vmclock_abi,
			counter_period_maxerror_rate_frac_sec) == 0x40,
	       "period maxerror");
_Static_assert(offsetof(struct vm_vmclock_abi, time_sec) == 0x48, "time_sec");
_Static_assert(offsetof(struct vm_vmclock_abi, time_frac_sec) == 0x50,
	       "time_frac_sec");
_Static_assert(offsetof(struct vm_vmclock_abi, time_esterror_nanosec) == 0x58,
	       "time esterror");
_Static_assert(offsetof(struct vm_vmclock_abi, time_maxerror_nanosec) == 0x60,
	       "time maxerror");
_Static_assert(offsetof(struct vm_vmclock_abi, vm_generation_counter) == 0x68,
	       "vm_generation_counter");
_Static_assert(sizeof(struct vm_vmclock_abi) == 0x70, "size of the ABI");
_Static_assert(sizeof(struct vm_vmclock_abi) <= VM_VMCLOCK_PAGE_SIZE, "page");

/* Names for people: "synchronized", "x86_tsc", "tai", "pre_pos"...;
 * NULL for a code the ABI does not define. */
const char *vm_vmclock_status_name(unsigned int status);
const char *vm_vmclock_counter_name(unsigned int id);
const char *vm_vmclock_time_type_name(unsigned int type);
const char *vm_vmclock_leap_name(unsigned int leap);
/* The name of flag bit `bit` (0..63), NULL when undefined. */
const char *vm_vmclock_flag_name(unsigned int bit);

/* ---- what the page says of the clock ---- */

/* The facts clock_status is decided from. */
struct vm_vmclock_facts {
	bool counter_ok; /* the counter is usable (x86: a stable TSC) */
	bool relation; /* the estimator has a relation */
	bool adjusted; /* the program steers the clock published */
	bool synced; /* locked to the reference (or holding over) */
	bool holdover; /* the reference is holding over */
	bool ever_synced; /* synced at some time since start */
};

/*
 * clock_status from the facts, in this order: an unusable counter is
 * UNRELIABLE; no relation yet, INITIALIZING; a clock the program does not
 * steer (free_running) FREERUNNING: its time is the host's, never claimed
 * to follow a reference; locked, SYNCHRONIZED; holding over, FREERUNNING;
 * synchronised once and lost since, UNRELIABLE; never yet, INITIALIZING.
 * Bounds on the time and the period are published only with SYNCHRONIZED
 * and with FREERUNNING in holdover (vm_vmclock_bounds_known).
 */
uint8_t vm_vmclock_status_for(const struct vm_vmclock_facts *f);
bool vm_vmclock_bounds_known(const struct vm_vmclock_facts *f);

/* ---- the page ---- */

/* The constant fields of a new page (the rest zero). */
void vm_vmclock_init(struct vm_vmclock_abi *p, uint8_t counter_id);

/* A relation of the counter to TAI (see vm_vmclock_est_solve). */
struct vm_vmclock_rel {
	uint64_t counter; /* C1 */
	int64_t tai_ns; /* T1: tai_ns + tai_frac_ns, TAI ns since 1970 */
	double tai_frac_ns; /* 0 <= frac < 1 */
	double period_ns; /* ns per count, > 0 */
	double period_se_ns; /* standard error of the period; < 0 unknown */
	double resid_ns; /* RMS of the line's residuals; < 0 unknown */
	int64_t window; /* the anchor sample's read window, counts */
	int n; /* samples the line went through */
};

/* What the page says besides the relation. */
struct vm_vmclock_pub {
	uint8_t clock_status;
	uint64_t disruption_marker;
	int tai_offset_s; /* TAI - UTC in force (at the update) */
	bool tai_offset_valid;
	uint8_t leap_indicator;
	/* bounds; < 0: unknown (the flag stays clear) */
	double time_esterror_ns, time_maxerror_ns;
	double period_esterror_ns, period_maxerror_ns;
};

/* Fill the fields under the lock of p (seq_count and the constant fields
 * untouched) from relation r: time_type TAI.  The shift is the largest
 * that keeps the period in 64 bits.  -EINVAL for a period <= 0 or so
 * long (> 2^32 s) that no shift holds it; p is left as it was. */
int vm_vmclock_fill(struct vm_vmclock_abi *p, const struct vm_vmclock_rel *r,
		    const struct vm_vmclock_pub *pub);

/* Copy the fields under the lock of src into the page dst under its
 * sequence lock (seq_count odd, write barrier, the fields, write barrier,
 * seq_count even).  Only one writer per page. */
void vm_vmclock_write(struct vm_vmclock_abi *dst,
		      const struct vm_vmclock_abi *src);

/* ---- reading it, as a guest does ---- */

/* The time at counter value c from the page's fields (a consistent copy):
 * seconds and 2^-64 fractions as the ABI defines them (time_type's
 * scale), with 128-bit arithmetic; a counter before C1 (a reader on a CPU
 * whose counter lags) counts backwards.  false when the page gives no
 * time (counter_id INVALID, period 0). */
bool vm_vmclock_time_at(const struct vm_vmclock_abi *p, uint64_t c,
			int64_t *sec, uint64_t *frac);
/* 2^-64 s fraction to ns (rounded down). */
uint32_t vm_vmclock_frac_to_ns(uint64_t frac);

typedef uint64_t (*vm_vmclock_counter_fn)(void *ctx);

struct vm_vmclock_reading {
	struct vm_vmclock_abi copy; /* the consistent copy */
	uint64_t counter; /* read inside the lock (0 without counter fn) */
	uint64_t retries; /* passes thrown away (odd or moved seq_count) */
};

/* The guest driver's read: wait for an even seq_count, copy the fields,
 * read the counter (counter may be NULL), check seq_count again; start
 * over when it moved.  0, or -EAGAIN after max_tries passes (a writer
 * that died mid-update).  The page may be written concurrently. */
int vm_vmclock_read(const struct vm_vmclock_abi *page,
		    vm_vmclock_counter_fn counter, void *ctx, long max_tries,
		    struct vm_vmclock_reading *out);

/* ---- the estimator ---- */

/* One paired reading: the counter just before and after the clock. */
struct vm_vmclock_pair {
	uint64_t before, after;
	int64_t clock_ns;
};

/* The pair of p[0..n) with the shortest window (after - before); -1 when
 * none is usable (n <= 0, or every window negative). */
int vm_vmclock_pick(const struct vm_vmclock_pair *p, int n);

#define VM_VMCLOCK_EST_MAX 64
#define VM_VMCLOCK_STEP_NS 1000000 /* off the line by more: a step */

struct vm_vmclock_sample {
	uint64_t counter; /* the window's midpoint */
	int64_t ns; /* the clock (TAI) at it */
	int64_t window; /* counts */
};

struct vm_vmclock_est {
	struct vm_vmclock_sample s[VM_VMCLOCK_EST_MAX]; /* ring */
	int head, n, window; /* newest at head - 1; window: samples used */
	double prior_period_ns; /* the last solved period; 0 none */
	uint64_t steps; /* samples found off the line */
};

/* window: samples the line goes through (2..VM_VMCLOCK_EST_MAX). */
void vm_vmclock_est_init(struct vm_vmclock_est *e, int window);
/* Forget the samples (a step of the clock seen elsewhere); keep the
 * period. */
void vm_vmclock_est_reset(struct vm_vmclock_est *e);
/* Add a sample.  true when it was off the line (a step): the samples
 * before it were dropped first. */
bool vm_vmclock_est_add(struct vm_vmclock_est *e,
			const struct vm_vmclock_sample *s);
/* The line through the samples, anchored at the newest: 0, or -EAGAIN
 * (no sample; or one and no period known yet). */
int vm_vmclock_est_solve(struct vm_vmclock_est *e, struct vm_vmclock_rel *r);

/* The midpoint of a pair as a sample, the clock in TAI: clock_ns +
 * tai_offset_s. */
void vm_vmclock_sample_of(const struct vm_vmclock_pair *p, int tai_offset_s,
			  struct vm_vmclock_sample *s);

#endif
