/*
 * tests/unit/test_vmclock_live.c — the vmclock page on this machine's own
 * counter and clock: paired readings (vm_vmclock_pairs), the estimator,
 * the page file, and the page read back twice — with the guest's
 * algorithm here, and by running `hvptpctl --json vmclock FILE` in-process
 * — each compared with clock_gettime(CLOCK_REALTIME) + the page's TAI
 * offset.  The agreement is printed in ns; only a sanity bound (1 ms) is
 * asserted, never a timing figure.  Then the file's life: reopened in
 * place (same inode, the marker moved on by one, seq_count even and on),
 * and left UNRELIABLE without bounds when closed.
 *
 * Skipped on an architecture without the page's counter.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "mgmt/ctl.h"
#include "vm/vmclock.h"
#include "vm/vmclock_file.h"

#define NS 1000000000LL
#define TAI_UTC 37
#define SANE_NS 1000000 /* 1 ms: a sanity bound, not a figure */

static char dir[64], path[96];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hvptp-vmclock.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/vmclock", dir);
	return 0;
}

static int teardown(void **state)
{
	char tmp[128];

	(void)state;
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
	return 0;
}

/* 16 samples 20 ms apart, the line through them, the page written. */
static void publish(struct vm_vmclock_file *f, uint64_t marker)
{
	struct vm_vmclock_est e;
	struct vm_vmclock_rel r;
	struct vm_vmclock_pub pub = {
		.clock_status = VM_VMCLOCK_STATUS_SYNCHRONIZED,
		.disruption_marker = marker,
		.tai_offset_s = TAI_UTC,
		.tai_offset_valid = true,
		.time_esterror_ns = 100.0,
		.time_maxerror_ns = 1000.0,
		.period_esterror_ns = -1.0,
		.period_maxerror_ns = -1.0,
	};
	struct vm_vmclock_abi page;
	const struct timespec gap = { 0, 20000000 };

	vm_vmclock_est_init(&e, 16);
	for (int k = 0; k < 16; k++) {
		struct vm_vmclock_pair p[8];
		struct vm_vmclock_sample s;
		int i;

		assert_int_equal(vm_vmclock_pairs(p, 8), 0);
		i = vm_vmclock_pick(p, 8);
		assert_true(i >= 0);
		vm_vmclock_sample_of(&p[i], TAI_UTC, &s);
		vm_vmclock_est_add(&e, &s);
		nanosleep(&gap, NULL);
	}
	assert_int_equal(vm_vmclock_est_solve(&e, &r), 0);
	print_message("FIGURE: live: period %.9f ns (%.0f Hz), residual %.1f ns, "
		      "window %" PRId64 " counts\n", r.period_ns,
		      1e9 / r.period_ns, r.resid_ns, r.window);
	vm_vmclock_init(&page, (uint8_t)vm_vmclock_counter_id());
	assert_int_equal(vm_vmclock_fill(&page, &r, &pub), 0);
	vm_vmclock_file_publish(f, &page);
}

struct bracket {
	uint64_t after;
	int64_t rt;
};

static uint64_t counter_rt(void *ctx)
{
	struct bracket *b = ctx;
	uint64_t c = vm_vmclock_counter_read(NULL);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	b->after = vm_vmclock_counter_read(NULL);
	b->rt = (int64_t)ts.tv_sec * NS + ts.tv_nsec;
	return c;
}

/* The page's TAI less (CLOCK_REALTIME + TAI - UTC), best of 8. */
static int64_t agreement_here(const struct vm_vmclock_abi *page,
			      uint64_t *retries)
{
	int64_t best = 0;
	uint64_t bw = UINT64_MAX;

	*retries = 0;
	for (int i = 0; i < 8; i++) {
		struct vm_vmclock_reading rd;
		struct bracket b;
		int64_t sec;
		uint64_t frac, w;

		assert_int_equal(vm_vmclock_read(page, counter_rt, &b, 1000000,
						 &rd), 0);
		*retries += rd.retries;
		w = b.after - rd.counter;
		assert_true(vm_vmclock_time_at(&rd.copy, rd.counter + w / 2,
					       &sec, &frac));
		if (w < bw) {
			bw = w;
			best = sec * NS + vm_vmclock_frac_to_ns(frac) -
			       (b.rt + (int64_t)(int16_t)rd.copy.tai_offset_sec * NS);
		}
	}
	return best;
}

/* hvptpctl --json vmclock FILE, in-process: its document. */
static json_object *run_hvptpctl(void)
{
	char *argv[] = { "hvptpctl", "--json", "vmclock", path, NULL };
	char *out = NULL, *err = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *fo = open_memstream(&out, &outlen);
	FILE *fe = open_memstream(&err, &errlen);
	json_object *doc;
	int rc;

	rc = mgmt_ctl_main(4, argv, fo, fe);
	fclose(fo);
	fclose(fe);
	if (rc != 0)
		fail_msg("hvptpctl vmclock: exit %d: %s", rc, err);
	doc = json_tokener_parse(out);
	free(out);
	free(err);
	assert_non_null(doc);
	return doc;
}

static json_object *member(json_object *o, const char *k)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no member %s", k);
	return v;
}

static void test_live_agreement(void **state)
{
	const struct vm_vmclock_abi *page;
	struct vm_vmclock_file *f;
	json_object *doc, *t, *u;
	uint64_t retries;
	int64_t here, ctl;
	size_t len;

	(void)state;
	if (vm_vmclock_counter_id() < 0)
		skip(); /* no counter the vmclock ABI defines here */
	assert_int_equal(vm_vmclock_file_open(&f, path, (uint8_t)
					      vm_vmclock_counter_id(), 1000),
			 0);
	publish(f, vm_vmclock_file_marker(f));
	assert_int_equal(vm_vmclock_map(path, &page, &len), 0);
	assert_int_equal(len, VM_VMCLOCK_PAGE_SIZE);
	here = agreement_here(page, &retries);
	vm_vmclock_unmap(page, len);
	doc = run_hvptpctl();
	ctl = json_object_get_int64(member(doc, "offset_from_local_ns"));
	print_message("FIGURE: vmclock agreement with CLOCK_REALTIME + TAI offset: "
		      "%+" PRId64 " ns (guest algorithm here, %" PRIu64
		      " retries), %+" PRId64 " ns (hvptpctl vmclock, read in "
		      "%.0f ns)\n", here, retries, ctl,
		      json_object_get_double(member(doc, "offset_window_ns")));
	assert_true(llabs(here) < SANE_NS);
	assert_true(llabs(ctl) < SANE_NS);
	/* what hvptpctl says of the page */
	assert_string_equal(json_object_get_string(member(doc,
							  "clock_status_name")),
			    "synchronized");
	assert_int_equal(json_object_get_int(member(doc, "tai_offset_s")), 37);
	assert_int_equal(json_object_get_int(member(doc, "time_maxerror_ns")),
			 1000);
	assert_true(json_object_is_type(member(doc, "period_esterror_ppb"),
					json_type_null));
	t = member(doc, "time");
	u = member(doc, "utc");
	assert_int_equal(json_object_get_int64(member(t, "sec")) -
				 json_object_get_int64(member(u, "sec")),
			 TAI_UTC);
	assert_int_equal(json_object_get_int64(member(doc, "disruption_marker")),
			 1000);
	json_object_put(doc);
	vm_vmclock_file_close(f);
}

/* Reopened in place, then closed: what a VMM that keeps it mapped sees. */
static void test_file_life(void **state)
{
	const struct vm_vmclock_abi *page;
	struct vm_vmclock_reading rd;
	struct vm_vmclock_file *f;
	struct stat st0, st1;
	size_t len;
	uint32_t seq;

	(void)state;
	if (vm_vmclock_counter_id() < 0)
		skip();
	assert_int_equal(vm_vmclock_file_open(&f, path, (uint8_t)
					      vm_vmclock_counter_id(), 5),
			 0);
	assert_int_equal(stat(path, &st0), 0);
	assert_int_equal(vm_vmclock_map(path, &page, &len), 0);
	assert_int_equal(vm_vmclock_read(page, NULL, NULL, 10, &rd), 0);
	seq = rd.copy.seq_count;
	assert_int_equal(rd.copy.magic, VM_VMCLOCK_MAGIC);
	assert_int_equal(rd.copy.clock_status, VM_VMCLOCK_STATUS_UNKNOWN);
	publish(f, vm_vmclock_file_marker(f));
	vm_vmclock_file_close(f);
	/* closed: still there, UNRELIABLE, no bounds */
	assert_int_equal(vm_vmclock_read(page, NULL, NULL, 10, &rd), 0);
	assert_int_equal(rd.copy.clock_status, VM_VMCLOCK_STATUS_UNRELIABLE);
	assert_int_equal(rd.copy.flags & ~VM_VMCLOCK_FLAG_TAI_OFFSET_VALID, 0);
	assert_true(rd.copy.seq_count > seq && !(rd.copy.seq_count & 1));
	seq = rd.copy.seq_count;
	/* reopened: the same file (a VMM's mapping stays good), marker + 1 */
	assert_int_equal(vm_vmclock_file_open(&f, path, (uint8_t)
					      vm_vmclock_counter_id(), 77),
			 0);
	assert_int_equal(stat(path, &st1), 0);
	assert_true(st0.st_ino == st1.st_ino);
	assert_int_equal(vm_vmclock_file_marker(f), rd.copy.disruption_marker + 1);
	assert_int_equal(vm_vmclock_read(page, NULL, NULL, 10, &rd), 0);
	assert_true(rd.copy.seq_count > seq && !(rd.copy.seq_count & 1));
	assert_int_equal(rd.copy.disruption_marker, vm_vmclock_file_marker(f));
	vm_vmclock_file_close(f);
	vm_vmclock_unmap(page, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_agreement, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_life, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
