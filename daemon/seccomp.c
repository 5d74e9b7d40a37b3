/*
 * daemon/seccomp.c — the optional system-call allow-list (seccomp 1).
 *
 * Installed once in hvd_open(), after the privilege drop (privdrop.c),
 * when every socket and clock of the start is open.  What the running
 * daemon calls, read from strace of the interop scenarios (management on
 * both sockets, hvptpctl watch, metrics scraped, the text file and the
 * vmclock page written, a chronyd SOCK feed, a reload, a link flap, a
 * guest's tap coming and going), and what the same code paths may call
 * on another machine or C library (the *at, 64 and legacy forms):
 * file and socket I/O, poll, opening sockets and files again (ports that
 * come back, reloads), clocks (reading and adjusting), the NTP SHM
 * segment, signals, memory.  Not there: execve and the exec family,
 * fork/clone, ptrace, mount, module loading, kexec, bpf, setuid and
 * capability changes, keyrings, namespaces.  Anything else fails with
 * EPERM (logged by the caller as any error is), never kills: a path
 * missing from the list shows as an error in the log instead of a dead
 * daemon.  The filter checks the architecture first (another ABI's
 * numbers would mean other calls) and is inherited by nothing, since the
 * daemon starts nothing.  Off by default (hvptpd.conf(5), seccomp).
 */
#include "daemon/seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "daemon/privdrop.h"

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

/* One entry per call the daemon may make; legacy ones where they exist. */
static const int allowed[] = {
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64,
	SYS_pwrite64, SYS_lseek, SYS_close, SYS_openat, SYS_newfstatat,
	SYS_fstat, SYS_statx, SYS_faccessat, SYS_readlinkat, SYS_getdents64,
	SYS_mkdirat, SYS_unlinkat, SYS_renameat, SYS_fchmod, SYS_fchmodat,
	SYS_fchown, SYS_fchownat, SYS_ftruncate, SYS_msync, SYS_fsync,
	SYS_fdatasync, SYS_fcntl, SYS_ioctl, SYS_dup, SYS_dup3,
	SYS_fstatfs, SYS_statfs,
	SYS_mmap, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_madvise, SYS_brk,
	SYS_ppoll, SYS_pselect6, SYS_epoll_create1, SYS_epoll_ctl,
	SYS_epoll_pwait, SYS_eventfd2, SYS_pipe2,
	SYS_socket, SYS_socketpair, SYS_bind, SYS_connect, SYS_listen,
	SYS_accept, SYS_accept4, SYS_shutdown, SYS_getsockname,
	SYS_getpeername, SYS_setsockopt, SYS_getsockopt, SYS_sendto,
	SYS_sendmsg, SYS_sendmmsg, SYS_recvfrom, SYS_recvmsg, SYS_recvmmsg,
	SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday,
	SYS_clock_adjtime, SYS_adjtimex, SYS_clock_settime,
	SYS_settimeofday, SYS_clock_nanosleep, SYS_nanosleep,
	SYS_getrandom, SYS_getpid, SYS_gettid, SYS_getppid, SYS_getuid,
	SYS_geteuid, SYS_getgid, SYS_getegid, SYS_getresuid, SYS_getresgid,
	SYS_getgroups, SYS_uname, SYS_getrusage, SYS_sysinfo, SYS_prlimit64,
	SYS_shmget, SYS_shmat, SYS_shmdt, SYS_shmctl,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn,
	SYS_sigaltstack, SYS_restart_syscall, SYS_tgkill, SYS_exit,
	SYS_exit_group, SYS_futex, SYS_sched_yield, SYS_capget,
#ifdef SYS_open
	SYS_open, SYS_stat, SYS_lstat, SYS_access, SYS_readlink, SYS_mkdir,
	SYS_unlink, SYS_rename, SYS_chmod, SYS_chown, SYS_lchown, SYS_poll,
	SYS_select, SYS_epoll_wait, SYS_dup2, SYS_pipe, SYS_time,
	SYS_getdents, SYS_epoll_create, SYS_eventfd,
#endif
#ifdef SYS_faccessat2
	SYS_faccessat2,
#endif
#ifdef SYS_renameat2
	SYS_renameat2,
#endif
#ifdef SYS_rseq
	SYS_rseq,
#endif
#ifdef HVD_SANITIZED
	/* LeakSanitizer's check at exit: a thread that ptrace()s the others */
	SYS_clone, SYS_ptrace, SYS_wait4, SYS_waitid, SYS_prctl,
	SYS_sched_getaffinity, SYS_tkill, SYS_kill,
#ifdef SYS_clone3
	SYS_clone3,
#endif
#endif
};

#define N_ALLOWED (sizeof(allowed) / sizeof(allowed[0]))

_Static_assert(N_ALLOWED < 250, "the jumps of the filter are 8-bit");

bool hvd_seccomp_supported(void)
{
#ifdef SECCOMP_ARCH
	return true;
#else
	return false;
#endif
}

#ifdef SECCOMP_ARCH
int hvd_seccomp_apply(void)
{
	struct sock_filter f[N_ALLOWED + 6];
	struct sock_fprog prog;
	size_t n = 0;

	/* the architecture, or no call at all */
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      SECCOMP_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, nr));
	/* each allowed number jumps to the ALLOW at the end */
	for (size_t i = 0; i < N_ALLOWED; i++)
		f[n++] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, (unsigned)allowed[i],
			(unsigned char)(N_ALLOWED - i), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		int err = errno;

		cm_err("seccomp: cannot install the filter: %s", strerror(err));
		return -err;
	}
	cm_notice("seccomp: %zu system calls allowed, others fail with EPERM",
		  N_ALLOWED);
	return 0;
}
#else
int hvd_seccomp_apply(void)
{
	cm_err("seccomp: no allow-list for this architecture");
	return -EOPNOTSUPP;
}
#endif
