/*
 * tests/unit/test_vmclock.c — vm/vmclock.c without a clock: the page's
 * layout against the kernel's numbers (include/uapi/linux/vmclock-abi.h,
 * written out here by hand, not taken from our header), the fill and the
 * guest's 128-bit formula to the nanosecond, the sequence lock on one
 * thread, shortest-window selection and the estimator (period, anchor,
 * steps) on synthetic readings whose truth is known.
 *
 * The hammer (a writer thread against a reader) is in
 * test_vmclock_hammer.c; the real counter and clock in
 * test_vmclock_live.c.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vm/vmclock.h"

#define NS 1000000000LL

/* ---- layout ---- */

static void test_layout(void **state)
{
	struct vm_vmclock_abi p;
	const uint8_t *b = (const uint8_t *)&p;

	(void)state;
	/* the kernel's offsets (vmclock-abi.h, version 1) */
	assert_int_equal(offsetof(struct vm_vmclock_abi, magic), 0);
	assert_int_equal(offsetof(struct vm_vmclock_abi, size), 4);
	assert_int_equal(offsetof(struct vm_vmclock_abi, version), 8);
	assert_int_equal(offsetof(struct vm_vmclock_abi, counter_id), 10);
	assert_int_equal(offsetof(struct vm_vmclock_abi, time_type), 11);
	assert_int_equal(offsetof(struct vm_vmclock_abi, seq_count), 12);
	assert_int_equal(offsetof(struct vm_vmclock_abi, disruption_marker), 16);
	assert_int_equal(offsetof(struct vm_vmclock_abi, flags), 24);
	assert_int_equal(offsetof(struct vm_vmclock_abi, clock_status), 34);
	assert_int_equal(offsetof(struct vm_vmclock_abi, tai_offset_sec), 36);
	assert_int_equal(offsetof(struct vm_vmclock_abi, leap_indicator), 38);
	assert_int_equal(offsetof(struct vm_vmclock_abi, counter_period_shift),
			 39);
	assert_int_equal(offsetof(struct vm_vmclock_abi, counter_value), 40);
	assert_int_equal(offsetof(struct vm_vmclock_abi, time_sec), 72);
	assert_int_equal(offsetof(struct vm_vmclock_abi, time_maxerror_nanosec),
			 96);
	assert_int_equal(sizeof(p), 112);
	/* constants: the magic reads "VCLK" in memory (little-endian) */
	vm_vmclock_init(&p, VM_VMCLOCK_COUNTER_X86_TSC);
	assert_memory_equal(b, "VCLK", 4);
	assert_int_equal(p.size, 4096);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.counter_id, 1); /* X86_TSC is 1, ARM_VCNT 0 */
	assert_int_equal(VM_VMCLOCK_COUNTER_ARM_VCNT, 0);
	assert_int_equal(p.time_type, 1); /* TAI */
	assert_int_equal(p.seq_count, 0);
	assert_int_equal(VM_VMCLOCK_FLAG_TAI_OFFSET_VALID, 1);
	assert_int_equal(VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID, 8);
	assert_int_equal(VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID, 64);
	assert_int_equal(VM_VMCLOCK_STATUS_UNRELIABLE, 4);
	assert_string_equal(vm_vmclock_status_name(2), "synchronized");
	assert_string_equal(vm_vmclock_status_name(3), "freerunning");
	assert_null(vm_vmclock_status_name(5));
	assert_string_equal(vm_vmclock_counter_name(1), "x86_tsc");
	assert_string_equal(vm_vmclock_leap_name(4), "post_pos");
	assert_string_equal(vm_vmclock_flag_name(6), "time_maxerror_valid");
	assert_null(vm_vmclock_flag_name(9));
}

/* ---- fill and the guest's formula ---- */

/* 3 GHz: a period of 1/3 ns; T1 at a known TAI time plus 1/4 ns. */
static void rel_3ghz(struct vm_vmclock_rel *r)
{
	memset(r, 0, sizeof(*r));
	r->counter = 1000000000000ull;
	r->tai_ns = 1796000000LL * NS + 123456789;
	r->tai_frac_ns = 0.25;
	r->period_ns = 1.0 / 3.0;
	r->period_se_ns = -1.0;
	r->resid_ns = -1.0;
}

static void pub_plain(struct vm_vmclock_pub *p)
{
	memset(p, 0, sizeof(*p));
	p->clock_status = VM_VMCLOCK_STATUS_SYNCHRONIZED;
	p->disruption_marker = 77;
	p->tai_offset_s = 37;
	p->tai_offset_valid = true;
	p->time_esterror_ns = p->time_maxerror_ns = -1.0;
	p->period_esterror_ns = p->period_maxerror_ns = -1.0;
}

/* The time at counter c in ns since 1970 (and the fraction in ns). */
static int64_t at(const struct vm_vmclock_abi *p, uint64_t c, double *sub)
{
	int64_t sec;
	uint64_t frac;

	assert_true(vm_vmclock_time_at(p, c, &sec, &frac));
	if (sub)
		*sub = ldexp((double)frac, -64) * 1e9 -
		       vm_vmclock_frac_to_ns(frac);
	return sec * NS + vm_vmclock_frac_to_ns(frac);
}

static void test_fill_formula(void **state)
{
	struct vm_vmclock_abi p;
	struct vm_vmclock_rel r;
	struct vm_vmclock_pub pub;
	const uint64_t c1 = 1000000000000ull;
	int64_t t1 = 1796000000LL * NS + 123456789;
	double sub;

	(void)state;
	rel_3ghz(&r);
	pub_plain(&pub);
	vm_vmclock_init(&p, VM_VMCLOCK_COUNTER_X86_TSC);
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), 0);
	/* 1/3 ns = 0.667 * 2^-31 s: the largest shift is 31 */
	assert_int_equal(p.counter_period_shift, 31);
	assert_true(p.counter_period_frac_sec > (1ull << 63));
	assert_int_equal(p.time_sec, 1796000000);
	assert_int_equal(p.counter_value, c1);
	assert_int_equal(p.flags, VM_VMCLOCK_FLAG_TAI_OFFSET_VALID);
	assert_int_equal((int16_t)p.tai_offset_sec, 37);
	assert_int_equal(p.disruption_marker, 77);
	assert_int_equal(p.clock_status, VM_VMCLOCK_STATUS_SYNCHRONIZED);
	/* at C1: T1 and its quarter nanosecond */
	assert_int_equal(at(&p, c1, &sub), t1);
	assert_true(fabs(sub - 0.25) < 1e-6);
	/* 3e9 counts: one second on */
	assert_int_equal(at(&p, c1 + 3000000000ull, NULL), t1 + NS);
	/* a day of counts (2.6e14: the product needs 112 bits) */
	assert_int_equal(at(&p, c1 + 3000000000ull * 86400, NULL),
			 t1 + 86400 * NS);
	/* 2^50 counts: 375299968.947... s */
	assert_true(llabs(at(&p, c1 + (1ull << 50), NULL) - t1 -
			  (int64_t)((double)(1ull << 50) / 3.0)) <= 1);
	/* a reader whose counter lags C1 counts backwards */
	assert_int_equal(at(&p, c1 - 3000000000ull, NULL), t1 - NS);
	assert_int_equal(at(&p, c1 - 3, NULL), t1 - 1);
}

static void test_fill_bounds(void **state)
{
	struct vm_vmclock_abi p, before;
	struct vm_vmclock_rel r;
	struct vm_vmclock_pub pub;

	(void)state;
	rel_3ghz(&r);
	pub_plain(&pub);
	pub.tai_offset_s = -5;
	pub.tai_offset_valid = false;
	pub.time_esterror_ns = 120.2;
	pub.time_maxerror_ns = 900.0;
	pub.period_esterror_ns = 1e-9; /* 3 ppb of 1/3 ns */
	pub.period_maxerror_ns = 4e-9;
	pub.leap_indicator = VM_VMCLOCK_LEAP_PRE_POS;
	vm_vmclock_init(&p, VM_VMCLOCK_COUNTER_ARM_VCNT);
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), 0);
	assert_int_equal(p.flags, VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID |
					  VM_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID |
					  VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID |
					  VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID);
	assert_int_equal(p.tai_offset_sec, 0xfffb); /* -5, two's complement */
	assert_int_equal(p.time_esterror_nanosec, 121); /* rounded up */
	assert_int_equal(p.time_maxerror_nanosec, 900);
	assert_int_equal(p.leap_indicator, 1);
	/* the rates in the period's unit: 1e-9 ns = 1e-18 s * 2^95 */
	assert_true(fabs((double)p.counter_period_esterror_rate_frac_sec -
			 ldexp(1e-18, 95)) < 2.0);
	assert_true(p.counter_period_maxerror_rate_frac_sec >
		    3 * p.counter_period_esterror_rate_frac_sec);
	/* nonsense periods are refused, the page untouched */
	before = p;
	r.period_ns = 0.0;
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), -EINVAL);
	r.period_ns = -1.0;
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), -EINVAL);
	r.period_ns = 2e9; /* 2 s per count */
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), -EINVAL);
	r.period_ns = 1.0;
	r.tai_frac_ns = 1.0;
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), -EINVAL);
	assert_memory_equal(&p, &before, sizeof(p));
	/* a 1 GHz counter: shift 29 (the spec's own example: 0x89705F41...) */
	rel_3ghz(&r);
	r.period_ns = 1.0;
	assert_int_equal(vm_vmclock_fill(&p, &r, &pub), 0);
	assert_int_equal(p.counter_period_shift, 29);
	assert_true(p.counter_period_frac_sec >> 32 == 0x89705F41ull);
}

/* ---- the lock on one thread ---- */

static uint64_t fake_counter(void *ctx)
{
	return ++*(uint64_t *)ctx;
}

static void test_write_read(void **state)
{
	struct vm_vmclock_abi page, content;
	struct vm_vmclock_reading rd;
	struct vm_vmclock_rel r;
	struct vm_vmclock_pub pub;
	uint64_t ctr = 41;

	(void)state;
	vm_vmclock_init(&page, VM_VMCLOCK_COUNTER_X86_TSC);
	content = page;
	rel_3ghz(&r);
	pub_plain(&pub);
	assert_int_equal(vm_vmclock_fill(&content, &r, &pub), 0);
	vm_vmclock_write(&page, &content);
	assert_int_equal(page.seq_count, 2);
	vm_vmclock_write(&page, &content);
	assert_int_equal(page.seq_count, 4);
	assert_int_equal(vm_vmclock_read(&page, fake_counter, &ctr, 10, &rd), 0);
	assert_int_equal(rd.retries, 0);
	assert_int_equal(rd.counter, 42);
	content.seq_count = 4;
	assert_memory_equal(&rd.copy, &content, sizeof(content));
	/* a writer that died mid-update: the reader gives up, counted */
	page.seq_count = 7;
	assert_int_equal(vm_vmclock_read(&page, NULL, NULL, 100, &rd), -EAGAIN);
	assert_int_equal(rd.retries, 100);
	/* the next writer finishes it: odd 7 -> even 8 */
	vm_vmclock_write(&page, &content);
	assert_int_equal(page.seq_count, 8);
	assert_int_equal(vm_vmclock_read(&page, NULL, NULL, 1, &rd), 0);
}

/* ---- the estimator ---- */

static void test_pick(void **state)
{
	const struct vm_vmclock_pair p[] = {
		{ 100, 190, 5 }, { 200, 230, 6 }, { 300, 290, 7 }, /* < 0 */
		{ 400, 431, 8 },
	};
	struct vm_vmclock_sample s;

	(void)state;
	assert_int_equal(vm_vmclock_pick(p, 4), 1);
	assert_int_equal(vm_vmclock_pick(p + 2, 1), -1);
	assert_int_equal(vm_vmclock_pick(p, 0), -1);
	vm_vmclock_sample_of(&p[1], 37, &s);
	assert_int_equal(s.counter, 215);
	assert_int_equal(s.window, 30);
	assert_int_equal(s.ns, 6 + 37 * NS);
}

/* A deterministic noise in [-a, a]. */
static double noise(uint64_t *x, double a)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return ((double)(*x >> 11) / 0x1p53 * 2.0 - 1.0) * a;
}

#define TRUE_PERIOD (1.0 / 2.8) /* 2.8 GHz */
#define T0 (1796000000LL * NS)

/* A sample at counter c with the clock read off by up to a ns. */
static void sample_at(uint64_t c, double a, uint64_t *rng,
		      struct vm_vmclock_sample *s)
{
	s->counter = c;
	s->ns = T0 + (int64_t)llround((double)c * TRUE_PERIOD + noise(rng, a));
	s->window = 60;
}

static void test_estimator(void **state)
{
	struct vm_vmclock_est e;
	struct vm_vmclock_sample s;
	struct vm_vmclock_rel r;
	uint64_t rng = 1, step = 700000000ull; /* 0.25 s of counts */
	double truth, err;

	(void)state;
	vm_vmclock_est_init(&e, 16);
	assert_int_equal(vm_vmclock_est_solve(&e, &r), -EAGAIN);
	sample_at(1000, 20.0, &rng, &s);
	assert_false(vm_vmclock_est_add(&e, &s));
	/* one sample and no period yet: no relation */
	assert_int_equal(vm_vmclock_est_solve(&e, &r), -EAGAIN);
	for (int i = 1; i < 40; i++) {
		sample_at(1000 + step * (uint64_t)i, 20.0, &rng, &s);
		assert_false(vm_vmclock_est_add(&e, &s));
	}
	assert_int_equal(vm_vmclock_est_solve(&e, &r), 0);
	assert_int_equal(r.n, 16);
	assert_int_equal(r.counter, s.counter);
	/* the period to a few parts in 1e9 (+-20 ns over 3.75 s) */
	err = (r.period_ns - TRUE_PERIOD) / TRUE_PERIOD;
	print_message("FIGURE: estimator: period error %.2e (se %.2e), residual "
		      "%.1f ns\n", err, r.period_se_ns / TRUE_PERIOD,
		      r.resid_ns);
	assert_true(fabs(err) < 2e-8);
	assert_true(fabs(r.period_ns - TRUE_PERIOD) < 5.0 * r.period_se_ns);
	assert_true(r.resid_ns > 5.0 && r.resid_ns < 20.0);
	/* the anchor: the line's time at the newest sample */
	truth = (double)s.counter * TRUE_PERIOD;
	assert_true(fabs((double)(r.tai_ns - T0) + r.tai_frac_ns - truth) <
		    20.0);
}

static void test_estimator_steps(void **state)
{
	struct vm_vmclock_est e;
	struct vm_vmclock_sample s;
	struct vm_vmclock_rel r;
	uint64_t rng = 2, c = 5000;
	double period;

	(void)state;
	vm_vmclock_est_init(&e, 8);
	for (int i = 0; i < 10; i++) {
		c += 280000000; /* 0.1 s */
		sample_at(c, 5.0, &rng, &s);
		assert_false(vm_vmclock_est_add(&e, &s));
	}
	assert_int_equal(vm_vmclock_est_solve(&e, &r), 0);
	period = r.period_ns;
	/* the clock steps by 5 ms: the old samples go, the period stays */
	c += 280000000;
	sample_at(c, 0.0, &rng, &s);
	s.ns += 5000000;
	assert_true(vm_vmclock_est_add(&e, &s));
	assert_int_equal(e.steps, 1);
	assert_int_equal(e.n, 1);
	assert_int_equal(vm_vmclock_est_solve(&e, &r), 0);
	assert_int_equal(r.n, 1);
	assert_true(r.period_ns == period);
	assert_int_equal(r.tai_ns, s.ns);
	assert_true(r.period_se_ns < 0.0 && r.resid_ns < 0.0);
	/* 0.9 ms off is no step (a slewing clock) */
	c += 280000000;
	sample_at(c, 0.0, &rng, &s);
	s.ns += 5000000 + 900000;
	assert_false(vm_vmclock_est_add(&e, &s));
	/* a counter that goes back is not the same counter */
	s.counter -= 1000;
	assert_true(vm_vmclock_est_add(&e, &s));
	assert_int_equal(e.steps, 2);
	/* reset keeps the period too */
	vm_vmclock_est_reset(&e);
	assert_int_equal(e.n, 0);
	assert_true(e.prior_period_ns > 0.0);
}

/* ---- what the page says ---- */

static void test_status(void **state)
{
	static const struct {
		struct vm_vmclock_facts f;
		uint8_t status;
		bool bounds;
	} rows[] = {
		/* counter_ok relation adjusted synced holdover ever */
		{ { false, true, true, true, false, true },
		  VM_VMCLOCK_STATUS_UNRELIABLE, false },
		{ { true, false, true, true, false, true },
		  VM_VMCLOCK_STATUS_INITIALIZING, false },
		/* free_running: the host's clock, never a claim */
		{ { true, true, false, false, false, false },
		  VM_VMCLOCK_STATUS_FREERUNNING, false },
		{ { true, true, true, false, false, false },
		  VM_VMCLOCK_STATUS_INITIALIZING, false },
		{ { true, true, true, true, false, true },
		  VM_VMCLOCK_STATUS_SYNCHRONIZED, true },
		{ { true, true, true, true, true, true },
		  VM_VMCLOCK_STATUS_FREERUNNING, true },
		/* lost after lock, no holdover */
		{ { true, true, true, false, false, true },
		  VM_VMCLOCK_STATUS_UNRELIABLE, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(vm_vmclock_status_for(&rows[i].f),
				 rows[i].status);
		assert_int_equal(vm_vmclock_bounds_known(&rows[i].f),
				 rows[i].bounds);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_fill_formula),
		cmocka_unit_test(test_fill_bounds),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_estimator),
		cmocka_unit_test(test_estimator_steps),
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
