/*
 * vm/feeds.c — chrony's SOCK refclock and NTP's SHM segment (see feeds.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/tmv.h"
#include "vm/feeds.h"

/* ns since the epoch into whole seconds and the rest, rounded down. */
static void split_ns(int64_t ns, int64_t *sec, int64_t *rest)
{
	*sec = ns / NS_PER_SEC;
	*rest = ns % NS_PER_SEC;
	if (*rest < 0) {
		*rest += NS_PER_SEC;
		*sec -= 1;
	}
}

static int leap_code(int leap)
{
	return leap > 0 ? 1 : leap < 0 ? 2 : 0;
}

static void stats_count(struct vm_feed_stats *st, int err)
{
	if (err) {
		st->failed++;
		st->last_error = err;
	} else {
		st->sent++;
	}
}

static const char *const skip_names[VM_FEED_SKIP_COUNT] = {
	[VM_FEED_OK] = "ok",
	[VM_FEED_SKIP_UNLOCKED] = "unlocked",
	[VM_FEED_SKIP_HOLDOVER] = "holdover",
	[VM_FEED_SKIP_STALE] = "stale",
	[VM_FEED_SKIP_TIMESCALE] = "timescale",
	[VM_FEED_SKIP_LEAP] = "leap_second",
	[VM_FEED_SKIP_CIRCULAR] = "circular",
	[VM_FEED_SKIP_READ] = "read_error",
};

const char *vm_feed_skip_name(enum vm_feed_skip r)
{
	return (unsigned)r < VM_FEED_SKIP_COUNT ? skip_names[r] : "?";
}

/* ---- chrony's SOCK refclock ---- */

void vm_chrony_encode(const struct vm_feed_sample *s, struct vm_chrony_msg *m)
{
	int64_t sec, rest;

	memset(m, 0, sizeof(*m));
	split_ns(s->sys_ns, &sec, &rest);
	m->tv.tv_sec = (time_t)sec;
	m->tv.tv_usec = (suseconds_t)(rest / 1000);
	/* tv is earlier than sys_ns by the dropped nanoseconds: the true
	 * time is that much further from tv */
	m->offset = ((double)s->offset_ns + (double)(rest % 1000)) / 1e9;
	m->pulse = 0;
	m->leap = leap_code(s->leap);
	m->magic = VM_CHRONY_MAGIC;
}

int vm_chrony_open(struct vm_chrony *c, const char *path)
{
	size_t n = strlen(path);
	int fd, fl;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (!n || n >= sizeof(c->addr.sun_path))
		return -ENAMETOOLONG;
	/* flags by fcntl, not in the type: clknetsim (design.md §4) */
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->fd = fd;
	c->addr.sun_family = AF_UNIX;
	memcpy(c->addr.sun_path, path, n + 1);
	c->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

int vm_chrony_send(struct vm_chrony *c, const struct vm_feed_sample *s)
{
	struct vm_chrony_msg m;
	ssize_t n;
	int err = 0;

	if (c->fd < 0) {
		stats_count(&c->st, -EBADF);
		return -EBADF;
	}
	vm_chrony_encode(s, &m);
	n = sendto(c->fd, &m, sizeof(m), MSG_DONTWAIT,
		   (const struct sockaddr *)&c->addr, c->addr_len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != sizeof(m))
		err = -EMSGSIZE;
	stats_count(&c->st, err);
	return err;
}

void vm_chrony_close(struct vm_chrony *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* ---- NTP SHM ---- */

int vm_shm_open(struct vm_shm *s, int unit)
{
	void *p;
	int id;

	memset(s, 0, sizeof(*s));
	s->id = -1;
	s->unit = unit;
	if (unit < 0 || unit > VM_SHM_UNIT_MAX)
		return -EINVAL;
	id = shmget((key_t)(VM_SHM_KEY_BASE + unit), sizeof(struct vm_shm_time),
		    IPC_CREAT | (unit <= 1 ? 0600 : 0666));
	if (id < 0)
		return -errno;
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return -errno;
	s->id = id;
	s->seg = p;
	return 0;
}

void vm_shm_put(struct vm_shm_time *seg, const struct vm_feed_sample *smp)
{
	int64_t csec, cns, rsec, rns;

	split_ns(smp->sys_ns + smp->offset_ns, &csec, &cns);
	split_ns(smp->sys_ns, &rsec, &rns);
	/* a reader that copies now finds valid clear; one that copied
	 * before sees count move */
	seg->valid = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	seg->count++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	seg->mode = 1;
	seg->clock_sec = (time_t)csec;
	seg->clock_usec = (int)(cns / 1000);
	seg->clock_nsec = (unsigned)cns;
	seg->recv_sec = (time_t)rsec;
	seg->recv_usec = (int)(rns / 1000);
	seg->recv_nsec = (unsigned)rns;
	seg->leap = leap_code(smp->leap);
	seg->precision = smp->precision;
	seg->nsamples = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	seg->count++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	seg->valid = 1;
}

int vm_shm_write(struct vm_shm *s, const struct vm_feed_sample *smp)
{
	int err = 0;

	if (!s->seg)
		err = -EBADF;
	else
		vm_shm_put(s->seg, smp);
	stats_count(&s->st, err);
	return err;
}

void vm_shm_close(struct vm_shm *s)
{
	if (s->seg)
		shmdt(s->seg);
	s->seg = NULL;
	s->id = -1;
}

bool vm_shm_read(struct vm_shm_time *seg, struct vm_shm_time *out)
{
	int count = seg->count;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(out, (const void *)seg, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (out->mode != 1 || count != seg->count || count != out->count ||
	    !out->valid)
		return false;
	seg->valid = 0;
	return true;
}
