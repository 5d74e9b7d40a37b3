/*
 * tests/unit/test_hostcheck.c — vm/hostcheck.c against fake roots: each test
 * builds the /sys and /proc files it needs in a mkdtemp directory (removed
 * by the teardown) and runs the checks with the x86 or arm64 rules.
 * Clocksources good and bad, with and without the good one available;
 * cpuinfo with and without the TSC flags; /proc with adjusters, our own
 * pid, junk entries and unreadable comms; missing files giving unknown,
 * never ok.  Last, one run against the real root that only checks that the
 * result is consistent, and prints it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "common/log.h"
#include "vm/hostcheck.h"

#define CS "/sys/devices/system/clocksource/clocksource0/"

static char root[PATH_MAX];

/* getpid() as hostcheck sees it (tests/unit/test_hostcheck.wrap): the
 * real one unless a test plays a process with another pid. */
static pid_t fake_pid;
pid_t __real_getpid(void);
pid_t __wrap_getpid(void);
pid_t __wrap_getpid(void)
{
	return fake_pid ? fake_pid : __real_getpid();
}

/* ---- the fake root ---- */

static void mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", path);
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
		buf[i] = '/';
	}
	assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

/* root + rel into path (PATH_MAX bytes). */
static void full(char *path, const char *rel)
{
	int n = snprintf(path, PATH_MAX, "%s%s", root, rel);

	assert_in_range(n, 1, PATH_MAX - 1);
}

/* Write root + rel (its directories made as needed). */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	char *slash;
	FILE *f;

	full(path, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void put_dir(const char *rel)
{
	char path[PATH_MAX];

	full(path, rel);
	mkdirs(path);
}

static void put_proc(int pid, const char *comm)
{
	char rel[64], text[64];

	snprintf(rel, sizeof(rel), "/proc/%d/comm", pid);
	snprintf(text, sizeof(text), "%s\n", comm);
	put(rel, text);
}

static const char cpuinfo_good[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"vmx flags\t: vnmi preemption_timer\n"
	"flags\t\t: fpu vme tsc msr constant_tsc rep_good nopl "
	"nonstop_tsc cpuid tsc_known_freq pni\n"
	"bogomips\t: 4800.00\n"
	"\n"
	"processor\t: 1\n"
	"flags\t\t: fpu tsc\n"
	"\n";

static void put_x86(const char *cur, const char *avail)
{
	char text[256];

	if (cur) {
		snprintf(text, sizeof(text), "%s\n", cur);
		put(CS "current_clocksource", text);
	}
	if (avail)
		put(CS "available_clocksource", avail);
	put("/proc/cpuinfo", cpuinfo_good);
	put_proc(1, "systemd");
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/hostcheck.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return -1;
	cm_log_set_sink(NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- running and rendering ---- */

static char lines[HOSTCHECK_LINES_MAX][HOSTCHECK_LINE_MAX];

static void run(enum hostcheck_arch arch, struct hostcheck *h)
{
	assert_int_equal(hostcheck_run(root, arch, h), 0);
	assert_int_equal(h->arch, arch);
}

/* Render h; every line must fit whole.  Returns the count. */
static int render(const struct hostcheck *h)
{
	int n, i;

	memset(lines, 0, sizeof(lines));
	n = hostcheck_lines(h, lines, HOSTCHECK_LINES_MAX);
	assert_in_range(n, 0, HOSTCHECK_LINES_MAX);
	for (i = 0; i < n; i++) {
		if (getenv("HT_VERBOSE"))
			fprintf(stderr, "  line: %s\n", lines[i]);
		assert_true(strlen(lines[i]) > 0);
		assert_true(strlen(lines[i]) < HOSTCHECK_LINE_MAX - 1);
	}
	return n;
}

static void assert_line(int n, const char *prefix, const char *needle)
{
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0 &&
		    strstr(lines[i], needle))
			return;
	fail_msg("no line \"%s...%s\"", prefix, needle);
}

/* An unknown check must never read as ok. */
static void assert_no_ok_line(int n, const char *prefix)
{
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0)
			assert_null(strstr(lines[i], "ok"));
}

/* ---- 1: clocksource ---- */

static void test_x86_tsc_ok(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("tsc", "tsc hpet acpi_pm \n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_OK);
	assert_int_equal(h.err[HOSTCHECK_ID_CLOCKSOURCE], 0);
	assert_string_equal(h.clocksource, "tsc");
	assert_string_equal(h.expected, "tsc");
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_YES);
	assert_int_equal(h.state[HOSTCHECK_ID_TSC], HOSTCHECK_OK);
	assert_int_equal(h.state[HOSTCHECK_ID_ADJUSTER], HOSTCHECK_OK);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_FINDING), 0);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_UNKNOWN), 0);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_OK),
			 HOSTCHECK_CLOCKSOURCE | HOSTCHECK_TSC_UNSTABLE |
				 HOSTCHECK_OTHER_ADJUSTER);
	n = render(&h);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], "clocksource: tsc: ok, ptp_kvm guests "
				      "get host time and cross-timestamps");
	assert_line(n, "tsc: ", "constant_tsc nonstop_tsc tsc_known_freq: ok");
	assert_line(n, "adjusters: ", "no other program");
}

static void test_x86_hpet_tsc_available(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("hpet", "tsc hpet acpi_pm \n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_FINDING);
	assert_string_equal(h.clocksource, "hpet");
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_YES);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_FINDING),
			 HOSTCHECK_CLOCKSOURCE);
	n = render(&h);
	assert_line(n, "clocksource: hpet: ", "no cross-timestamps");
	assert_line(n, "clocksource: ", "EOPNOTSUPP");
	assert_line(n, "clocksource: ",
		    "fix: echo tsc > .../current_clocksource");
}

static void test_x86_tsc_not_available(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	/* "tsc" inside another name is not "tsc". */
	put_x86("acpi_pm", "hpet acpi_pm notsc\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_FINDING);
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_NO);
	n = render(&h);
	assert_line(n, "clocksource: acpi_pm: ", "; tsc not offered");
}

static void test_x86_nested_kvm_clock(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("kvm-clock", NULL); /* available_clocksource missing */
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_FINDING);
	assert_string_equal(h.clocksource, "kvm-clock");
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_UNKNOWN);
	n = render(&h);
	assert_line(n, "clocksource: kvm-clock: ",
		    "boot with clocksource=tsc");
}

static void test_x86_hyperv_tsc_page_ok(void **state)
{
	struct hostcheck h;

	(void)state;
	put_x86("hyperv_clocksource_tsc_page",
		"hyperv_clocksource_tsc_page acpi_pm\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_OK);
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_NO);
	render(&h);
}

static void test_arm64_arch_sys_counter(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put(CS "current_clocksource", "arch_sys_counter\n");
	put(CS "available_clocksource", "arch_sys_counter \n");
	put("/proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd evtstrm\n");
	put_proc(1, "init");
	run(HOSTCHECK_ARCH_ARM64, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_OK);
	assert_string_equal(h.expected, "arch_sys_counter");
	assert_int_equal(h.state[HOSTCHECK_ID_TSC], HOSTCHECK_NOT_APPLICABLE);
	assert_int_equal(h.constant_tsc, HOSTCHECK_TRI_UNKNOWN);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_NOT_APPLICABLE),
			 HOSTCHECK_TSC_UNSTABLE);
	n = render(&h);
	assert_int_equal(n, 2); /* no line for the TSC */
	assert_line(n, "clocksource: arch_sys_counter: ", "ok");
}

static void test_arm64_other_clocksource(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put(CS "current_clocksource", "arch_mem_counter\n");
	put(CS "available_clocksource", "arch_sys_counter arch_mem_counter\n");
	put_proc(1, "init");
	run(HOSTCHECK_ARCH_ARM64, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_FINDING);
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_YES);
	/* The x86 rules would not accept this either, nor the TSC. */
	assert_int_equal(h.state[HOSTCHECK_ID_TSC], HOSTCHECK_NOT_APPLICABLE);
	n = render(&h);
	assert_line(n, "clocksource: arch_mem_counter: ",
		    "fix: echo arch_sys_counter > .../current_clocksource");

	/* The longest name the kernel allows still leaves the fix whole. */
	put(CS "current_clocksource", "a_clocksource_name_of_31_chars_\n");
	run(HOSTCHECK_ARCH_ARM64, &h);
	assert_int_equal(strlen(h.clocksource), 31);
	n = render(&h);
	assert_line(n, "clocksource: a_clocksource", ".../current_clocksource");
	put(CS "available_clocksource", "arch_mem_counter\n");
	run(HOSTCHECK_ARCH_ARM64, &h);
	n = render(&h);
	assert_line(n, "clocksource: a_clocksource",
		    "arch_sys_counter not offered (unstable? see dmesg)");
}

static void test_other_arch(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("timebase", "timebase\n");
	run(HOSTCHECK_ARCH_OTHER, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE],
			 HOSTCHECK_NOT_APPLICABLE);
	assert_string_equal(h.clocksource, "timebase"); /* still recorded */
	assert_null(h.expected);
	assert_int_equal(h.state[HOSTCHECK_ID_TSC], HOSTCHECK_NOT_APPLICABLE);
	n = render(&h);
	assert_int_equal(n, 1);
	assert_line(n, "adjusters: ", "no other program");
}

/* ---- unknown is never ok ---- */

static void test_missing_files_unknown(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	run(HOSTCHECK_ARCH_X86, &h); /* an empty root */
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_UNKNOWN),
			 HOSTCHECK_CLOCKSOURCE | HOSTCHECK_TSC_UNSTABLE |
				 HOSTCHECK_OTHER_ADJUSTER);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_OK), 0);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_FINDING), 0);
	assert_int_equal(h.err[HOSTCHECK_ID_CLOCKSOURCE], -ENOENT);
	assert_int_equal(h.err[HOSTCHECK_ID_TSC], -ENOENT);
	assert_int_equal(h.err[HOSTCHECK_ID_ADJUSTER], -ENOENT);
	assert_string_equal(h.clocksource, "");
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_UNKNOWN);
	assert_int_equal(h.constant_tsc, HOSTCHECK_TRI_UNKNOWN);
	assert_int_equal(h.nonstop_tsc, HOSTCHECK_TRI_UNKNOWN);
	n = render(&h);
	assert_int_equal(n, 3);
	assert_line(n, "clocksource: unknown (", "No such file or directory");
	assert_line(n, "tsc: unknown (", "No such file or directory");
	assert_line(n, "adjusters: unknown (", "No such file or directory");
	assert_no_ok_line(n, "");
}

static void test_bad_clocksource_file(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("", "tsc\n"); /* just a newline */
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_UNKNOWN);
	assert_int_equal(h.err[HOSTCHECK_ID_CLOCKSOURCE], -ENODATA);
	assert_int_equal(h.expected_available, HOSTCHECK_TRI_YES);
	n = render(&h);
	assert_line(n, "clocksource: unknown (", "empty");
	assert_no_ok_line(n, "clocksource: ");

	put(CS "current_clocksource", "tsc hpet\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.err[HOSTCHECK_ID_CLOCKSOURCE], -EBADMSG);
	put(CS "current_clocksource",
	    "a_clocksource_name_longer_than_31_characters\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_CLOCKSOURCE], HOSTCHECK_UNKNOWN);
	assert_int_equal(h.err[HOSTCHECK_ID_CLOCKSOURCE], -EBADMSG);
	assert_string_equal(h.clocksource, "");
	n = render(&h);
	assert_line(n, "clocksource: unknown (", "unexpected content");
}

/* ---- 2: TSC flags ---- */

static void test_tsc_flags(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("tsc", "tsc\n");
	put("/proc/cpuinfo", "processor\t: 0\n"
			     "flags\t\t: fpu tsc constant_tsc\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_TSC], HOSTCHECK_FINDING);
	assert_int_equal(h.constant_tsc, HOSTCHECK_TRI_YES);
	assert_int_equal(h.nonstop_tsc, HOSTCHECK_TRI_NO);
	assert_int_equal(h.tsc_known_freq, HOSTCHECK_TRI_NO);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_FINDING),
			 HOSTCHECK_TSC_UNSTABLE);
	n = render(&h);
	assert_line(n, "tsc: no nonstop_tsc (stops in deep C-states): ",
		    "may mark the TSC unstable");

	put("/proc/cpuinfo", "processor: 0\nflags: fpu nonstop_tsc\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.constant_tsc, HOSTCHECK_TRI_NO);
	assert_int_equal(h.nonstop_tsc, HOSTCHECK_TRI_YES);
	n = render(&h);
	assert_line(n, "tsc: no constant_tsc (rate follows CPU frequency): ",
		    "switch clocksource");

	put("/proc/cpuinfo", "processor: 0\nflags: fpu constant_tsc_x\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.constant_tsc, HOSTCHECK_TRI_NO);
	n = render(&h);
	assert_line(n, "tsc: no constant_tsc ", ", no nonstop_tsc (stops");
}

static void test_tsc_flags_missing(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("tsc", "tsc\n");
	/* Flags only in the second CPU's block, and a look-alike key. */
	put("/proc/cpuinfo", "processor\t: 0\n"
			     "vmx flags\t: constant_tsc nonstop_tsc\n"
			     "flagsx\t: constant_tsc nonstop_tsc\n"
			     "\n"
			     "processor\t: 1\n"
			     "flags\t\t: constant_tsc nonstop_tsc\n");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_TSC], HOSTCHECK_UNKNOWN);
	assert_int_equal(h.err[HOSTCHECK_ID_TSC], -ENODATA);
	assert_int_equal(h.constant_tsc, HOSTCHECK_TRI_UNKNOWN);
	n = render(&h);
	assert_line(n, "tsc: unknown (", "no flags line");
	assert_no_ok_line(n, "tsc: ");

	put("/proc/cpuinfo", "");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.err[HOSTCHECK_ID_TSC], -ENODATA);
}

/* ---- 3: other adjusters ---- */

static void test_adjusters(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put_x86("tsc", "tsc\n");
	put_proc(901, "ptp4l");
	put_proc(812, "chronyd");
	put_proc(900, "systemd-timesyn");
	put_proc(960, "vmtoolsd");
	put_proc(961, "chronyd-helper");
	put_proc((int)getpid(), "chronyd"); /* ourselves: skipped */
	put("/proc/self/comm", "chronyd\n"); /* not a pid */
	put("/proc/123abc/comm", "ntpd\n");
	put("/proc/0/comm", "ntpd\n");
	put("/proc/uptime", "1.00 2.00\n");
	put_dir("/proc/950/comm"); /* a directory: read fails */
	put_dir("/proc/951"); /* no comm: the process just exited */
	put("/proc/980", "a file, not a directory\n");
	run(HOSTCHECK_ARCH_X86, &h);

	assert_int_equal(h.state[HOSTCHECK_ID_ADJUSTER], HOSTCHECK_FINDING);
	assert_int_equal(h.err[HOSTCHECK_ID_ADJUSTER], 0);
	assert_int_equal(h.n_adjusters, 3);
	assert_int_equal(h.adjusters[0].pid, 812); /* sorted by pid */
	assert_string_equal(h.adjusters[0].name, "chronyd");
	assert_true(h.adjusters[0].certain);
	assert_int_equal(h.adjusters[1].pid, 900);
	assert_string_equal(h.adjusters[1].comm, "systemd-timesyn");
	assert_string_equal(h.adjusters[1].name, "systemd-timesyncd");
	assert_true(h.adjusters[1].certain);
	assert_int_equal(h.adjusters[2].pid, 901);
	assert_string_equal(h.adjusters[2].name, "ptp4l");
	assert_false(h.adjusters[2].certain);
	/* 1 812 900 901 950 951 960 961 980: not self, self, 123abc, 0 */
	assert_int_equal(h.n_procs, 9);
	assert_int_equal(h.n_unreadable, 3);
	assert_false(h.truncated);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_FINDING),
			 HOSTCHECK_OTHER_ADJUSTER);

	n = render(&h);
	assert_int_equal(n, 2 + 3);
	assert_line(n, "adjuster: chronyd (pid 812) steers CLOCK_REALTIME",
		    "the two fight");
	assert_line(n, "adjuster: systemd-timesyncd (pid 900) steers", "");
	assert_line(n, "adjuster: ptp4l (pid 901) may steer CLOCK_REALTIME",
		    "software timestamping, -S");
}

static void test_many_adjusters(void **state)
{
	char first[HOSTCHECK_LINE_MAX];
	struct hostcheck h;
	int n, i;

	(void)state;
	put_x86("tsc", "tsc\n");
	for (i = 0; i < 12; i++)
		put_proc(2000 - i * 10, i % 2 ? "ntpd" : "hvptpd");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.n_adjusters, 12);
	for (i = 1; i < HOSTCHECK_ADJ_MAX; i++)
		assert_true(h.adjusters[i - 1].pid < h.adjusters[i].pid);
	n = render(&h);
	assert_int_equal(n, HOSTCHECK_LINES_MAX);
	assert_line(n, "adjusters: ", "4 more not listed");
	assert_line(n, "adjuster: hvptpd (pid ", "another instance");

	/* Fewer slots than lines: the count stays, nothing past max. */
	memcpy(first, lines[0], sizeof(first));
	memset(lines, 'x', sizeof(lines));
	assert_int_equal(hostcheck_lines(&h, lines, 1), HOSTCHECK_LINES_MAX);
	assert_string_equal(lines[0], first);
	assert_int_equal(lines[1][0], 'x');
	assert_int_equal(hostcheck_lines(&h, NULL, 0), HOSTCHECK_LINES_MAX);
}

static void test_hidden_processes_unknown(void **state)
{
	struct hostcheck h;
	int n;

	(void)state;
	put(CS "current_clocksource", "tsc\n");
	put_proc((int)getpid(), "test_hostcheck");
	put_proc(4242, "bash");
	run(HOSTCHECK_ARCH_X86, &h); /* no pid 1: hidepid */
	assert_int_equal(h.state[HOSTCHECK_ID_ADJUSTER], HOSTCHECK_UNKNOWN);
	assert_int_equal(h.err[HOSTCHECK_ID_ADJUSTER], -EACCES);
	n = render(&h);
	assert_line(n, "adjusters: unknown (", "hidepid");
	assert_no_ok_line(n, "adjusters: ");

	/* What is found is still found. */
	put_proc(4243, "chronyd");
	run(HOSTCHECK_ARCH_X86, &h);
	assert_int_equal(h.state[HOSTCHECK_ID_ADJUSTER], HOSTCHECK_FINDING);
	assert_int_equal(h.n_adjusters, 1);
}

/* hvptpd as pid 1 (a container's entry point): it is init, seen, so the
 * scan is complete although it skips itself. */
static void test_self_is_init(void **state)
{
	struct hostcheck h;

	(void)state;
	put(CS "current_clocksource", "tsc\n");
	put_proc(1, "hvptpd");
	put_proc(17, "bash");
	fake_pid = 1;
	run(HOSTCHECK_ARCH_X86, &h);
	fake_pid = 0;
	assert_int_equal(h.state[HOSTCHECK_ID_ADJUSTER], HOSTCHECK_OK);
	assert_int_equal(h.err[HOSTCHECK_ID_ADJUSTER], 0);
	assert_int_equal(h.n_adjusters, 0);
}

/* ---- API edges ---- */

static void test_args_and_names(void **state)
{
	char longroot[PATH_MAX + 8];
	struct hostcheck h;

	(void)state;
	assert_int_equal(hostcheck_run(root, HOSTCHECK_ARCH_X86, NULL),
			 -EINVAL);
	assert_int_equal(hostcheck_run(root, (enum hostcheck_arch)7, &h),
			 -EINVAL);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_UNKNOWN), 7);
	memset(longroot, 'a', sizeof(longroot) - 1);
	longroot[0] = '/';
	longroot[sizeof(longroot) - 1] = '\0';
	assert_int_equal(hostcheck_run(longroot, HOSTCHECK_ARCH_X86, &h),
			 -ENAMETOOLONG);
	assert_int_equal(hostcheck_mask(&h, HOSTCHECK_UNKNOWN), 7);
	assert_int_equal(hostcheck_lines(NULL, lines, 1), -EINVAL);
	assert_int_equal(hostcheck_lines(&h, NULL, 1), -EINVAL);
	assert_int_equal(hostcheck_lines(&h, lines, -1), -EINVAL);
	assert_int_equal(hostcheck_mask(NULL, HOSTCHECK_OK), 0);

	assert_string_equal(hostcheck_id_name(HOSTCHECK_ID_CLOCKSOURCE),
			    "clocksource");
	assert_string_equal(hostcheck_id_name(HOSTCHECK_ID_TSC),
			    "tsc_unstable");
	assert_string_equal(hostcheck_id_name(HOSTCHECK_ID_ADJUSTER),
			    "other_adjuster");
	assert_string_equal(hostcheck_id_name(HOSTCHECK_N_IDS), "?");
	assert_string_equal(hostcheck_state_name(HOSTCHECK_UNKNOWN), "unknown");
	assert_string_equal(hostcheck_state_name(HOSTCHECK_OK), "ok");
	assert_string_equal(hostcheck_state_name(HOSTCHECK_FINDING), "finding");
	assert_string_equal(hostcheck_state_name(HOSTCHECK_NOT_APPLICABLE),
			    "not_applicable");
	assert_string_equal(hostcheck_arch_name(HOSTCHECK_ARCH_X86), "x86");
	assert_string_equal(hostcheck_arch_name(HOSTCHECK_ARCH_ARM64), "arm64");
	assert_string_equal(hostcheck_arch_name(HOSTCHECK_ARCH_OTHER), "other");
#if defined(__x86_64__) || defined(__i386__)
	assert_int_equal(hostcheck_arch_native(), HOSTCHECK_ARCH_X86);
#elif defined(__aarch64__)
	assert_int_equal(hostcheck_arch_native(), HOSTCHECK_ARCH_ARM64);
#endif
}

static struct {
	int n;
	int level[HOSTCHECK_LINES_MAX];
	char line[HOSTCHECK_LINES_MAX][HOSTCHECK_LINE_MAX + 16];
} logged;

static void log_sink(int level, const char *line, void *ctx)
{
	(void)ctx;
	if (logged.n < HOSTCHECK_LINES_MAX) {
		logged.level[logged.n] = level;
		snprintf(logged.line[logged.n++], sizeof(logged.line[0]), "%s",
			 line);
	}
}

static void test_log_levels(void **state)
{
	struct hostcheck h;

	(void)state;
	put(CS "current_clocksource", "hpet\n"); /* finding */
	put("/proc/cpuinfo", cpuinfo_good); /* ok */
	run(HOSTCHECK_ARCH_X86, &h); /* no /proc entries: unknown */
	memset(&logged, 0, sizeof(logged));
	cm_log_set_sink(log_sink, NULL);
	cm_log_set_level(CM_LOG_DEBUG);
	hostcheck_log(&h);
	hostcheck_log(NULL);
	cm_log_set_sink(NULL, NULL);
	assert_int_equal(logged.n, 3);
	assert_int_equal(logged.level[0], CM_LOG_WARNING);
	assert_non_null(strstr(logged.line[0], "hostcheck: clocksource: hpet"));
	assert_int_equal(logged.level[1], CM_LOG_INFO);
	assert_non_null(strstr(logged.line[1], "hostcheck: tsc: "));
	assert_int_equal(logged.level[2], CM_LOG_NOTICE);
	assert_non_null(strstr(logged.line[2], "hostcheck: adjusters: unknown"));
}

/* ---- the real system: consistent, whatever it holds ---- */

static void check_consistent(const struct hostcheck *h)
{
	int i;

	for (i = 0; i < HOSTCHECK_N_IDS; i++) {
		assert_in_range(h->state[i], HOSTCHECK_UNKNOWN,
				HOSTCHECK_NOT_APPLICABLE);
		if (h->state[i] == HOSTCHECK_UNKNOWN)
			assert_true(h->err[i] < 0);
		else
			assert_int_equal(h->err[i], 0);
	}
	if (h->state[HOSTCHECK_ID_CLOCKSOURCE] == HOSTCHECK_OK ||
	    h->state[HOSTCHECK_ID_CLOCKSOURCE] == HOSTCHECK_FINDING)
		assert_true(h->clocksource[0] != '\0');
	if (h->state[HOSTCHECK_ID_TSC] == HOSTCHECK_OK) {
		assert_int_equal(h->constant_tsc, HOSTCHECK_TRI_YES);
		assert_int_equal(h->nonstop_tsc, HOSTCHECK_TRI_YES);
	}
	assert_in_range(h->n_unreadable, 0, h->n_procs);
	assert_in_range(h->n_adjusters, 0, h->n_procs);
	assert_int_equal(h->state[HOSTCHECK_ID_ADJUSTER] == HOSTCHECK_FINDING,
			 h->n_adjusters > 0);
	for (i = 0; i < h->n_adjusters && i < HOSTCHECK_ADJ_MAX; i++) {
		assert_true(h->adjusters[i].pid > 0);
		assert_true(h->adjusters[i].pid != (int)getpid());
		assert_non_null(h->adjusters[i].name);
	}
}

static void test_real_root(void **state)
{
	struct hostcheck h;
	int n, i;

	(void)state;
	assert_int_equal(hostcheck_run("", hostcheck_arch_native(), &h), 0);
	assert_int_equal(h.arch, hostcheck_arch_native());
	check_consistent(&h);
	n = render(&h);
	assert_in_range(n, 1, HOSTCHECK_LINES_MAX);
	printf("  real host (%s): findings 0x%x, unknown 0x%x\n",
	       hostcheck_arch_name(h.arch),
	       hostcheck_mask(&h, HOSTCHECK_FINDING),
	       hostcheck_mask(&h, HOSTCHECK_UNKNOWN));
	for (i = 0; i < n; i++)
		printf("  real host: %s\n", lines[i]);
	/* NULL is the real root too. */
	assert_int_equal(hostcheck_run(NULL, hostcheck_arch_native(), &h), 0);
	check_consistent(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_x86_tsc_ok),
		T(test_x86_hpet_tsc_available),
		T(test_x86_tsc_not_available),
		T(test_x86_nested_kvm_clock),
		T(test_x86_hyperv_tsc_page_ok),
		T(test_arm64_arch_sys_counter),
		T(test_arm64_other_clocksource),
		T(test_other_arch),
		T(test_missing_files_unknown),
		T(test_bad_clocksource_file),
		T(test_tsc_flags),
		T(test_tsc_flags_missing),
		T(test_adjusters),
		T(test_many_adjusters),
		T(test_hidden_processes_unknown),
		T(test_self_is_init),
		T(test_args_and_names),
		T(test_log_levels),
		cmocka_unit_test(test_real_root),
#undef T
	};

	return cmocka_run_group_tests_name("hostcheck", tests, NULL, NULL);
}
