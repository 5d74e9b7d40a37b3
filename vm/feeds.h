/*
 * vm/feeds.h — hvptpd's time handed to chronyd or ntpd on this host.
 *
 * Two outputs, each optional, each fed the same sample: the system clock's
 * time at a moment (sys_ns, CLOCK_REALTIME) and how far the reference
 * clock's UTC was from it then (offset_ns = reference UTC - system), with
 * the leap second the grandmaster announces.  daemon/feed.c decides when
 * there is such a sample (the reference has time worth giving); this part
 * only formats and delivers it.
 *
 * - chrony's SOCK refclock (`refclock SOCK PATH` in chrony.conf): chronyd
 *   binds a SOCK_DGRAM unix socket at PATH; every sample is one datagram
 *   of chrony's fixed layout (struct vm_chrony_msg, native byte order and
 *   alignment: 40 bytes on 64-bit Linux) with the magic 0x534f434b:
 *   tv the system time of the measurement, offset = true time - tv in
 *   seconds, pulse 0 (the sample carries whole seconds), leap 0 / 1
 *   (insert) / 2 (delete).  timeval keeps microseconds: the nanoseconds it
 *   drops are added to the offset, so nothing is lost.  Sent with
 *   MSG_DONTWAIT to the path each time (no connection to lose when
 *   chronyd restarts): ENOENT (no socket yet), ECONNREFUSED (a socket file
 *   nobody reads) and EAGAIN (chronyd's queue full) are counted, never
 *   fatal.
 * - NTP's shared-memory refclock (ntpd's `server 127.127.28.N`, chrony's
 *   `refclock SHM N`), as phc2sys writes it: the System V segment of key
 *   0x4e545030 + N ("NTP0" + N), created if missing with mode 0600 for
 *   units 0 and 1 and 0666 above (ntpd's convention), in mode 1: the
 *   writer clears valid, bumps count, writes clockTimeStamp (the reference
 *   time) and receiveTimeStamp (the system time), seconds with both
 *   microseconds and nanoseconds, leap (0, 1 add, 2 delete), precision
 *   (log2 seconds) and nsamples, bumps count again and sets valid.  A
 *   reader copies the segment, takes it only when count did not move
 *   during the copy and valid is set, then clears valid.
 *
 * Sockets without SOCK_CLOEXEC/SOCK_NONBLOCK in the type (fcntl instead),
 * so that the daemon runs under clknetsim.
 */
#ifndef HVPTP_VM_FEEDS_H
#define HVPTP_VM_FEEDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>

/* One sample for either output. */
struct vm_feed_sample {
	int64_t sys_ns; /* CLOCK_REALTIME at the measurement */
	int64_t offset_ns; /* reference UTC - system, at sys_ns */
	int leap; /* +1 insert, -1 delete, 0 none (this UTC day) */
	int precision; /* log2 seconds of the reading, e.g. -20 */
};

/* Delivery counters of one output. */
struct vm_feed_stats {
	uint64_t sent; /* samples delivered */
	uint64_t failed; /* samples not delivered */
	int last_error; /* negative errno of the last failure, 0 none */
};

/* Why a tick fed nothing. */
enum vm_feed_skip {
	VM_FEED_OK = 0,
	VM_FEED_SKIP_UNLOCKED, /* no master's time: unlocked, not traceable */
	VM_FEED_SKIP_HOLDOVER, /* the master was lost */
	VM_FEED_SKIP_STALE, /* measured only: no recent Sync sample */
	VM_FEED_SKIP_TIMESCALE, /* ARB: the time is not UTC-related */
	VM_FEED_SKIP_LEAP, /* within a second of a leap second */
	VM_FEED_SKIP_CIRCULAR, /* CLOCK_REALTIME's own time */
	VM_FEED_SKIP_READ, /* the paired reading failed */
	VM_FEED_SKIP_COUNT
};
/* "unlocked", "holdover", ... for logs and metrics labels. */
const char *vm_feed_skip_name(enum vm_feed_skip r);

/* The counters a snapshot carries (mgmt/metrics_render.h). */
struct vm_feeds_stats {
	bool have_chrony, have_shm;
	struct vm_feed_stats chrony, shm;
	uint64_t skipped[VM_FEED_SKIP_COUNT];
};

/* ---- chrony's SOCK refclock ---- */

#define VM_CHRONY_MAGIC 0x534f434b /* "SOCK" */

/* chrony's sample (refclock_sock.c): native layout. */
struct vm_chrony_msg {
	struct timeval tv; /* system time of the measurement */
	double offset; /* true time - tv, seconds */
	int pulse; /* 0: the offset carries whole seconds */
	int leap; /* 0 normal, 1 insert, 2 delete */
	int pad; /* ignored */
	int magic; /* VM_CHRONY_MAGIC */
};

struct vm_chrony {
	int fd;
	struct sockaddr_un addr;
	socklen_t addr_len;
	struct vm_feed_stats st;
};

/* The message for sample s (pure). */
void vm_chrony_encode(const struct vm_feed_sample *s, struct vm_chrony_msg *m);
/* A datagram socket that sends to path (chronyd's, which need not exist
 * yet).  0, -ENAMETOOLONG, or socket()'s error. */
int vm_chrony_open(struct vm_chrony *c, const char *path);
/* Send one sample: 0 or the negative errno (counted in c->st). */
int vm_chrony_send(struct vm_chrony *c, const struct vm_feed_sample *s);
void vm_chrony_close(struct vm_chrony *c);

/* ---- NTP SHM ---- */

#define VM_SHM_KEY_BASE 0x4e545030 /* "NTP0" */
#define VM_SHM_UNIT_MAX 255

/* ntpd's struct shmTime, field for field (its names in comments). */
struct vm_shm_time {
	int mode; /* mode: 1, count-checked */
	volatile int count; /* count */
	time_t clock_sec; /* clockTimeStampSec: reference time */
	int clock_usec; /* clockTimeStampUSec */
	time_t recv_sec; /* receiveTimeStampSec: system time */
	int recv_usec; /* receiveTimeStampUSec */
	int leap; /* leap: 0, 1 add, 2 delete, 3 unsynchronised */
	int precision; /* precision: log2 seconds */
	int nsamples; /* nsamples */
	volatile int valid; /* valid */
	unsigned clock_nsec; /* clockTimeStampNSec */
	unsigned recv_nsec; /* receiveTimeStampNSec */
	int dummy[8]; /* dummy */
};

struct vm_shm {
	int unit;
	int id; /* shmget's, -1 when closed */
	struct vm_shm_time *seg;
	struct vm_feed_stats st;
};

/* Attach unit's segment (created if missing).  0, -EINVAL (unit out of
 * range), or shmget's / shmat's error. */
int vm_shm_open(struct vm_shm *s, int unit);
/* Write sample smp into seg with the mode 1 protocol (pure: no system
 * call; the daemon's segment or a test's memory). */
void vm_shm_put(struct vm_shm_time *seg, const struct vm_feed_sample *smp);
/* vm_shm_put into the attached segment, counted; 0 or -EBADF. */
int vm_shm_write(struct vm_shm *s, const struct vm_feed_sample *smp);
/* Detach (the segment stays: its reader may hold it). */
void vm_shm_close(struct vm_shm *s);

/* What a mode 1 reader does (chrony's and ntpd's check): copy the
 * segment into *out and accept it when count did not move and valid was
 * set; clears valid when taken.  For tests and tools. */
bool vm_shm_read(struct vm_shm_time *seg, struct vm_shm_time *out);

#endif
