/*
 * vm/hostcheck.h — checks of the host that decide whether guests can take
 * time from it, run once at daemon start (logged) and kept for status.
 *
 * A guest with ptp_kvm reads the host's CLOCK_REALTIME paired with a counter
 * reading through a hypercall (KVM_HC_CLOCK_PAIRING on x86, the vendor
 * hypervisor service ARM_SMCCC_KVM_FUNC_PTP on arm64).  The host answers
 * only when its timekeeping runs on a counter the guest can also read:
 *
 *  1. clocksource.  x86: "tsc" (or "hyperv_clocksource_tsc_page" on a host
 *     that is itself nested on Hyper-V: KVM accepts both vclock modes);
 *     arm64: "arch_sys_counter".  With anything else (hpet, acpi_pm,
 *     kvm-clock on a host nested on KVM, arch_mem_counter) the hypercall
 *     fails: KVM_EOPNOTSUPP on x86, SMCCC_RET_NOT_SUPPORTED on arm64.  A
 *     guest then gets no host time from ptp_kvm at all: the module refuses
 *     to load, or /dev/ptpN reads and PTP_SYS_OFFSET_PRECISE fail with
 *     EOPNOTSUPP, so no cross-timestamps.  Fix: write the name into
 *     /sys/devices/system/clocksource/clocksource0/current_clocksource when
 *     available_clocksource lists it; else find out why it is missing
 *     (dmesg: "Marking TSC unstable"); clocksource= on the kernel command
 *     line picks it at boot.
 *  2. TSC flags (x86 only), from the first CPU in /proc/cpuinfo:
 *     constant_tsc (the rate does not follow frequency scaling) and
 *     nonstop_tsc (it keeps counting in deep C-states).  Without both the
 *     kernel's clocksource watchdog may mark the TSC unstable and switch to
 *     hpet, which silently turns check 1 into a finding while guests run.
 *     tsc_known_freq (rate from CPUID, not calibrated) is informational.
 *  3. Other programs steering CLOCK_REALTIME (chronyd, ntpd, phc2sys,
 *     systemd-timesyncd, ptpd, timemaster; ptp4l and another hvptpd only in
 *     some setups), found by their /proc/PID/comm.  Two servos on one clock
 *     fight; guests reading it through ptp_kvm inherit the result.  Fine
 *     only when hvptpd leaves CLOCK_REALTIME to that program.
 *
 * Each check is tri-state at least: ok, finding, or unknown when its source
 * could not be read; unknown is never shown as ok.  The checks only read
 * files under a root ("" for the real system, a directory of fake files in
 * tests), and take the architecture as an argument so that the x86 and
 * arm64 rules are both testable anywhere.  Nothing here changes any state.
 */
#ifndef HVPTP_VM_HOSTCHECK_H
#define HVPTP_VM_HOSTCHECK_H

#include <stdbool.h>

enum hostcheck_arch {
	HOSTCHECK_ARCH_OTHER = 0, /* no ptp_kvm host side: checks 1-2 n/a */
	HOSTCHECK_ARCH_X86, /* x86_64 and i386 */
	HOSTCHECK_ARCH_ARM64,
};

/* The state of one check.  Zero is unknown: a cleared struct claims
 * nothing. */
enum hostcheck_state {
	HOSTCHECK_UNKNOWN = 0, /* could not tell (see err) */
	HOSTCHECK_OK,
	HOSTCHECK_FINDING, /* something guests will suffer from */
	HOSTCHECK_NOT_APPLICABLE, /* not on this architecture */
};

/* A fact that may be unknown. */
enum hostcheck_tri {
	HOSTCHECK_TRI_UNKNOWN = 0,
	HOSTCHECK_TRI_NO,
	HOSTCHECK_TRI_YES,
};

enum hostcheck_id {
	HOSTCHECK_ID_CLOCKSOURCE = 0,
	HOSTCHECK_ID_TSC,
	HOSTCHECK_ID_ADJUSTER,
	HOSTCHECK_N_IDS,
};

/* Bits of hostcheck_mask(), for JSON and metrics; names from
 * hostcheck_id_name(): "clocksource", "tsc_unstable", "other_adjuster". */
#define HOSTCHECK_CLOCKSOURCE (1u << HOSTCHECK_ID_CLOCKSOURCE)
#define HOSTCHECK_TSC_UNSTABLE (1u << HOSTCHECK_ID_TSC)
#define HOSTCHECK_OTHER_ADJUSTER (1u << HOSTCHECK_ID_ADJUSTER)

#define HOSTCHECK_CS_NAME_MAX 32 /* the kernel's CS_NAME_LEN */
#define HOSTCHECK_COMM_MAX 16 /* TASK_COMM_LEN: 15 characters and NUL */
#define HOSTCHECK_ADJ_MAX 8 /* adjusters kept; n_adjusters counts all */
#define HOSTCHECK_SCAN_MAX 100000 /* /proc entries read at most */
#define HOSTCHECK_LINE_MAX 160
#define HOSTCHECK_LINES_MAX (2 + HOSTCHECK_ADJ_MAX + 1) /* lines at most */

struct hostcheck_adjuster {
	int pid;
	char comm[HOSTCHECK_COMM_MAX]; /* as read: "systemd-timesyn" */
	const char *name; /* the program: "systemd-timesyncd" (static) */
	bool certain; /* false: only in some setups (ptp4l -S, hvptpd) */
};

struct hostcheck {
	enum hostcheck_arch arch; /* the rules applied */
	enum hostcheck_state state[HOSTCHECK_N_IDS];
	int err[HOSTCHECK_N_IDS]; /* negative errno behind UNKNOWN, else 0 */

	/* 1: clocksource */
	char clocksource[HOSTCHECK_CS_NAME_MAX]; /* current; "" unknown */
	const char *expected; /* "tsc", "arch_sys_counter"; NULL: other */
	enum hostcheck_tri expected_available; /* in available_clocksource */

	/* 2: TSC flags of the first CPU (x86) */
	enum hostcheck_tri constant_tsc, nonstop_tsc, tsc_known_freq;

	/* 3: other programs steering CLOCK_REALTIME */
	int n_adjusters; /* all found; adjusters[] holds the first, by pid */
	struct hostcheck_adjuster adjusters[HOSTCHECK_ADJ_MAX];
	int n_procs; /* process entries (numeric names) seen, not ours */
	int n_unreadable; /* of those, comm unreadable (gone, ...) */
	bool truncated; /* stopped after HOSTCHECK_SCAN_MAX entries */
};

/* The architecture this program was built for. */
enum hostcheck_arch hostcheck_arch_native(void);
const char *hostcheck_arch_name(enum hostcheck_arch arch);

/* Run every check against files under root ("" or NULL: the real
 * system) with the rules of arch.  What could not be read is recorded as
 * UNKNOWN with its errno, not returned: the result is 0, or -EINVAL (no
 * out, or arch not one of the enum) or -ENAMETOOLONG (root too long)
 * with *out all unknown. */
int hostcheck_run(const char *root, enum hostcheck_arch arch,
		  struct hostcheck *out);

/* Bits (HOSTCHECK_CLOCKSOURCE...) of the checks in state st: findings
 * with HOSTCHECK_FINDING, what could not be told with HOSTCHECK_UNKNOWN. */
unsigned int hostcheck_mask(const struct hostcheck *h,
			    enum hostcheck_state st);
const char *hostcheck_id_name(enum hostcheck_id id);
const char *hostcheck_state_name(enum hostcheck_state st);

/* The report for people: one line per check (none for a check that does
 * not apply), one per adjuster found, one for those not kept.  Writes the
 * first max lines (NUL-terminated, cut to fit) and returns how many the
 * report has (at most HOSTCHECK_LINES_MAX), or -EINVAL. */
int hostcheck_lines(const struct hostcheck *h,
		    char lines[][HOSTCHECK_LINE_MAX], int max);
/* The same, with each written line's check (enum hostcheck_id) in ids[]
 * (NULL: not wanted). */
int hostcheck_lines_ids(const struct hostcheck *h,
			char lines[][HOSTCHECK_LINE_MAX], int ids[], int max);
/* The same lines to the log, prefixed "hostcheck: ": findings as
 * warnings, unknowns as notices, the rest as info. */
void hostcheck_log(const struct hostcheck *h);

#endif
