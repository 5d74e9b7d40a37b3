/*
 * tests/unit/test_vmclock_hammer.c — the vmclock page's sequence lock
 * under fire: a writer thread rewrites the page as fast as it can while
 * this thread reads it with the guest's algorithm (vm_vmclock_read).
 *
 * Every field of an update is derived from one number k (the disruption
 * marker), each by a different function, so a copy that mixes two updates
 * is caught by recomputing the fields from its marker (checked first on
 * copies mixed by hand).  The same check on copies taken without the lock
 * shows tearing in the wild (that count is printed, not asserted: it
 * depends on the scheduler).
 * Asserted: no torn copy ever comes back from vm_vmclock_read, and the
 * writer did write while the reader read.  Printed: reads, retries, torn,
 * writer updates.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vm/vmclock.h"

#define READS 2000000L
#define RAW_READS 200000L

static struct vm_vmclock_abi page __attribute__((aligned(64)));
static volatile int stop;
static uint64_t writes;

/* The content of update k. */
static void content_of(uint64_t k, struct vm_vmclock_abi *p)
{
	p->disruption_marker = k;
	p->flags = k ^ 0x5555555555555555ull;
	p->pad[0] = (uint8_t)(k >> 16);
	p->pad[1] = (uint8_t)(k >> 24);
	p->clock_status = (uint8_t)k;
	p->leap_second_smearing_hint = (uint8_t)(k >> 8);
	p->tai_offset_sec = (uint16_t)(k * 3);
	p->leap_indicator = (uint8_t)~k;
	p->counter_period_shift = (uint8_t)(k * 7);
	p->counter_value = k * 0x9E3779B97F4A7C15ull;
	p->counter_period_frac_sec = ~k;
	p->counter_period_esterror_rate_frac_sec = k + 1;
	p->counter_period_maxerror_rate_frac_sec = k + 2;
	p->time_sec = k << 1;
	p->time_frac_sec = k * k;
	p->time_esterror_nanosec = k + 3;
	p->time_maxerror_nanosec = k + 4;
	p->vm_generation_counter = k ^ ~0ull;
}

static bool consistent(const struct vm_vmclock_abi *c)
{
	struct vm_vmclock_abi want = *c;

	content_of(c->disruption_marker, &want);
	return memcmp(&want, c, sizeof(want)) == 0;
}

static void *writer(void *arg)
{
	struct vm_vmclock_abi c;
	uint64_t k = 1;

	(void)arg;
	vm_vmclock_init(&c, VM_VMCLOCK_COUNTER_X86_TSC);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		content_of(k++, &c);
		vm_vmclock_write(&page, &c);
		__atomic_store_n(&writes, k - 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A copy without the lock: each field as it happens to be. */
static void raw_copy(struct vm_vmclock_abi *c)
{
	c->seq_count = 0;
#define RAW(f) c->f = __atomic_load_n(&page.f, __ATOMIC_RELAXED);
	RAW(magic) RAW(size) RAW(version) RAW(counter_id) RAW(time_type)
	RAW(disruption_marker) RAW(flags) RAW(pad[0]) RAW(pad[1])
	RAW(clock_status) RAW(leap_second_smearing_hint) RAW(tai_offset_sec)
	RAW(leap_indicator) RAW(counter_period_shift) RAW(counter_value)
	RAW(counter_period_frac_sec) RAW(counter_period_esterror_rate_frac_sec)
	RAW(counter_period_maxerror_rate_frac_sec) RAW(time_sec)
	RAW(time_frac_sec) RAW(time_esterror_nanosec)
	RAW(time_maxerror_nanosec) RAW(vm_generation_counter)
#undef RAW
}

static void test_hammer(void **state)
{
	struct vm_vmclock_reading rd;
	struct vm_vmclock_abi c;
	uint64_t retries = 0, torn = 0, gave_up = 0, raw_torn = 0, w0, w1;
	uint64_t ctr = 0;
	pthread_t th;
	long ok = 0;

	(void)state;
	/* the check catches a copy that mixes two updates, whichever field */
	vm_vmclock_init(&c, VM_VMCLOCK_COUNTER_X86_TSC);
	content_of(41, &c);
	assert_true(consistent(&c));
	c.time_frac_sec = 42 * 42;
	assert_false(consistent(&c));
	content_of(41, &c);
	c.leap_indicator = (uint8_t)~42ull;
	assert_false(consistent(&c));
	vm_vmclock_init(&page, VM_VMCLOCK_COUNTER_X86_TSC);
	vm_vmclock_init(&c, VM_VMCLOCK_COUNTER_X86_TSC);
	content_of(0, &c);
	vm_vmclock_write(&page, &c);
	assert_int_equal(pthread_create(&th, NULL, writer, NULL), 0);
	/* the writer is running before the first read */
	while (__atomic_load_n(&writes, __ATOMIC_RELAXED) < 1000)
		;
	w0 = __atomic_load_n(&writes, __ATOMIC_RELAXED);
	for (long i = 0; i < READS; i++) {
		int rc = vm_vmclock_read(&page, NULL, &ctr, 1000000, &rd);

		retries += rd.retries;
		if (rc == -EAGAIN) {
			gave_up++;
			continue;
		}
		assert_int_equal(rc, 0);
		ok++;
		rd.copy.seq_count = 0;
		if (!consistent(&rd.copy))
			torn++;
	}
	w1 = __atomic_load_n(&writes, __ATOMIC_RELAXED);
	for (long i = 0; i < RAW_READS; i++) {
		raw_copy(&c);
		if (!consistent(&c))
			raw_torn++;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	print_message("FIGURE: vmclock hammer: %ld reads returned, %" PRIu64
		      " retries, %" PRIu64 " torn, %" PRIu64 " gave up; "
		      "writer: %" PRIu64 " updates during the reads; "
		      "without the lock: %" PRIu64 " of %ld copies torn\n",
		      ok, retries, torn, gave_up, w1 - w0, raw_torn,
		      RAW_READS);
	assert_int_equal(torn, 0);
	assert_true(ok > 0);
	assert_true(w1 > w0); /* the writer wrote while we read */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hammer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
