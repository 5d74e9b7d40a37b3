/*
 * tests/unit/test_feeds.c — vm/feeds.c: chrony's SOCK sample and NTP's
 * SHM segment.
 *
 * The layouts are pinned to the byte (chrony's refclock_sock.c and ntpd's
 * struct shmTime on 64-bit Linux); the encoding keeps every nanosecond
 * (tv + offset == the sample); a sample goes through a real unix datagram
 * socket and is decoded as chronyd does; the socket is made without
 * SOCK_CLOEXEC/SOCK_NONBLOCK in its type (clknetsim) and a missing or
 * refusing chronyd is counted, not fatal (socket and sendto wrapped).  The
 * SHM segment is asked for with ntpd's key and modes (shmget, shmat and
 * shmdt wrapped); the mode 1 protocol is checked step by step and against
 * a concurrent writer: a reader never accepts a torn sample.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vm/feeds.h"

int __wrap_socket(int domain, int type, int protocol);
int __real_socket(int domain, int type, int protocol);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __real_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
int __wrap_shmget(key_t key, size_t size, int flags);
void *__wrap_shmat(int id, const void *addr, int flags);
int __wrap_shmdt(const void *addr);

static struct {
	int socket_type, socket_domain;
	bool fake_send; /* sendto: record, answer send_errno */
	int send_errno;
	int send_flags;
	uint8_t sent[64];
	size_t sent_len;
	char sent_path[108];
	key_t shm_key;
	size_t shm_size;
	int shm_flags, shm_errno;
	int shmdt_calls;
	struct vm_shm_time seg;
} w;

int __wrap_socket(int domain, int type, int protocol)
{
	w.socket_domain = domain;
	w.socket_type = type;
	return __real_socket(domain, type, protocol);
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)to;

	if (!w.fake_send)
		return __real_sendto(fd, buf, len, flags, to, tolen);
	w.send_flags = flags;
	w.sent_len = len < sizeof(w.sent) ? len : sizeof(w.sent);
	memcpy(w.sent, buf, w.sent_len);
	snprintf(w.sent_path, sizeof(w.sent_path), "%s", un->sun_path);
	if (w.send_errno) {
		errno = w.send_errno;
		return -1;
	}
	return (ssize_t)len;
}

int __wrap_shmget(key_t key, size_t size, int flags)
{
	w.shm_key = key;
	w.shm_size = size;
	w.shm_flags = flags;
	if (w.shm_errno) {
		errno = w.shm_errno;
		return -1;
	}
	return 42;
}

void *__wrap_shmat(int id, const void *addr, int flags)
{
	(void)addr;
	(void)flags;
	assert_int_equal(id, 42);
	return &w.seg;
}

int __wrap_shmdt(const void *addr)
{
	assert_ptr_equal(addr, &w.seg);
	w.shmdt_calls++;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&w, 0, sizeof(w));
	return 0;
}

/* ---- chrony ---- */

static void test_chrony_layout(void **state)
{
	(void)state;
	/* chrony's struct sock_sample on 64-bit Linux */
	assert_int_equal(sizeof(struct vm_chrony_msg), 40);
	assert_int_equal(offsetof(struct vm_chrony_msg, tv), 0);
	assert_int_equal(offsetof(struct vm_chrony_msg, offset), 16);
	assert_int_equal(offsetof(struct vm_chrony_msg, pulse), 24);
	assert_int_equal(offsetof(struct vm_chrony_msg, leap), 28);
	assert_int_equal(offsetof(struct vm_chrony_msg, pad), 32);
	assert_int_equal(offsetof(struct vm_chrony_msg, magic), 36);
	assert_int_equal(VM_CHRONY_MAGIC, 0x534f434b);
}

/* tv + offset, in ns, as chronyd adds them. */
static int64_t chrony_true_ns(const struct vm_chrony_msg *m)
{
	return (int64_t)m->tv.tv_sec * 1000000000LL +
	       (int64_t)m->tv.tv_usec * 1000 + llround(m->offset * 1e9);
}

static void test_chrony_encode(void **state)
{
	static const struct {
		int64_t sys_ns, offset_ns;
		int leap, code;
		int64_t sec, usec;
	} c[] = {
		{ 1700000000123456789LL, -2500, 0, 0, 1700000000, 123456 },
		{ 1700000000000000999LL, 37000000000LL, 1, 1, 1700000000, 0 },
		{ 1700000000999999999LL, 1, -1, 2, 1700000000, 999999 },
		{ -1, 0, 0, 0, -1, 999999 }, /* before 1970: rounded down */
	};
	struct vm_chrony_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct vm_feed_sample s = {
			.sys_ns = c[i].sys_ns,
			.offset_ns = c[i].offset_ns,
			.leap = c[i].leap,
		};

		vm_chrony_encode(&s, &m);
		assert_int_equal(m.tv.tv_sec, c[i].sec);
		assert_int_equal(m.tv.tv_usec, c[i].usec);
		assert_int_equal(m.leap, c[i].code);
		assert_int_equal(m.pulse, 0);
		assert_int_equal(m.magic, VM_CHRONY_MAGIC);
		/* nothing lost to the microseconds of tv */
		assert_int_equal(chrony_true_ns(&m), c[i].sys_ns + c[i].offset_ns);
	}
}

static void test_chrony_open(void **state)
{
	struct vm_chrony c;
	char longpath[200];

	(void)state;
	assert_int_equal(vm_chrony_open(&c, "/run/hvptp/chrony.sock"), 0);
	assert_int_equal(w.socket_domain, AF_UNIX);
	/* flags by fcntl, never in the type (clknetsim) */
	assert_int_equal(w.socket_type, SOCK_DGRAM);
	assert_true(fcntl(c.fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(c.fd, F_GETFD) & FD_CLOEXEC);
	vm_chrony_close(&c);
	assert_int_equal(c.fd, -1);

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(vm_chrony_open(&c, longpath), -ENAMETOOLONG);
	assert_int_equal(vm_chrony_open(&c, ""), -ENAMETOOLONG);
	/* a closed output counts, never crashes */
	assert_int_equal(vm_chrony_send(&c, &(struct vm_feed_sample){ 0 }),
			 -EBADF);
	assert_int_equal(c.st.failed, 1);
}

static void test_chrony_not_listening(void **state)
{
	struct vm_feed_sample s = { .sys_ns = 1000000000, .offset_ns = 5 };
	struct vm_chrony c;

	(void)state;
	assert_int_equal(vm_chrony_open(&c, "/nonexistent/chrony.sock"), 0);
	w.fake_send = true;
	w.send_errno = ENOENT;
	assert_int_equal(vm_chrony_send(&c, &s), -ENOENT);
	w.send_errno = ECONNREFUSED;
	assert_int_equal(vm_chrony_send(&c, &s), -ECONNREFUSED);
	assert_int_equal(c.st.failed, 2);
	assert_int_equal(c.st.sent, 0);
	assert_int_equal(c.st.last_error, -ECONNREFUSED);
	w.send_errno = 0;
	assert_int_equal(vm_chrony_send(&c, &s), 0);
	assert_int_equal(c.st.sent, 1);
	assert_int_equal(w.sent_len, sizeof(struct vm_chrony_msg));
	assert_true(w.send_flags & MSG_DONTWAIT);
	assert_string_equal(w.sent_path, "/nonexistent/chrony.sock");
	vm_chrony_close(&c);
	/* the real thing: nobody bound at the path */
	w.fake_send = false;
	assert_int_equal(vm_chrony_open(&c, "/nonexistent/chrony.sock"), 0);
	assert_int_equal(vm_chrony_send(&c, &s), -ENOENT);
	vm_chrony_close(&c);
}

/* A sample through a real socket, read back as chronyd reads it. */
static void test_chrony_roundtrip(void **state)
{
	char dir[] = "/tmp/hvptp-feeds.XXXXXX", path[64];
	struct vm_feed_sample s = {
		.sys_ns = 1765000000987654321LL,
		.offset_ns = -37000001234LL,
		.leap = 1,
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vm_chrony_msg m;
	struct vm_chrony c;
	uint8_t buf[128];
	ssize_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chrony.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = __real_socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(vm_chrony_open(&c, path), 0);
	assert_int_equal(vm_chrony_send(&c, &s), 0);
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	/* chronyd drops datagrams of any other length */
	assert_int_equal(n, sizeof(m));
	memcpy(&m, buf, sizeof(m));
	assert_int_equal(m.magic, 0x534f434b);
	assert_int_equal(m.tv.tv_sec, 1765000000);
	assert_int_equal(m.tv.tv_usec, 987654);
	assert_int_equal(m.leap, 1);
	assert_int_equal(chrony_true_ns(&m), s.sys_ns + s.offset_ns);
	vm_chrony_close(&c);
	close(fd);
	unlink(path);
	rmdir(dir);
}

/* ---- NTP SHM ---- */

static void test_shm_layout(void **state)
{
	(void)state;
	/* ntpd's struct shmTime on 64-bit Linux */
	assert_int_equal(sizeof(struct vm_shm_time), 96);
	assert_int_equal(offsetof(struct vm_shm_time, mode), 0);
	assert_int_equal(offsetof(struct vm_shm_time, count), 4);
	assert_int_equal(offsetof(struct vm_shm_time, clock_sec), 8);
	assert_int_equal(offsetof(struct vm_shm_time, clock_usec), 16);
	assert_int_equal(offsetof(struct vm_shm_time, recv_sec), 24);
	assert_int_equal(offsetof(struct vm_shm_time, recv_usec), 32);
	assert_int_equal(offsetof(struct vm_shm_time, leap), 36);
	assert_int_equal(offsetof(struct vm_shm_time, precision), 40);
	assert_int_equal(offsetof(struct vm_shm_time, nsamples), 44);
	assert_int_equal(offsetof(struct vm_shm_time, valid), 48);
	assert_int_equal(offsetof(struct vm_shm_time, clock_nsec), 52);
	assert_int_equal(offsetof(struct vm_shm_time, recv_nsec), 56);
	assert_int_equal(offsetof(struct vm_shm_time, dummy), 60);
}

static void test_shm_open(void **state)
{
	struct vm_shm s;

	(void)state;
	assert_int_equal(vm_shm_open(&s, 0), 0);
	assert_int_equal(w.shm_key, 0x4e545030);
	assert_int_equal(w.shm_size, 96);
	assert_int_equal(w.shm_flags, IPC_CREAT | 0600);
	vm_shm_close(&s);
	assert_int_equal(w.shmdt_calls, 1);
	assert_null(s.seg);
	/* ntpd's convention: units above 1 are world-writable */
	assert_int_equal(vm_shm_open(&s, 2), 0);
	assert_int_equal(w.shm_key, 0x4e545032);
	assert_int_equal(w.shm_flags, IPC_CREAT | 0666);
	vm_shm_close(&s);
	w.shm_key = 0;
	assert_int_equal(vm_shm_open(&s, -1), -EINVAL);
	assert_int_equal(vm_shm_open(&s, 256), -EINVAL);
	assert_int_equal(w.shm_key, 0);
	w.shm_errno = EACCES;
	assert_int_equal(vm_shm_open(&s, 3), -EACCES);
	assert_int_equal(vm_shm_write(&s, &(struct vm_feed_sample){ 0 }),
			 -EBADF);
	assert_int_equal(s.st.failed, 1);
	vm_shm_close(&s);
	assert_int_equal(w.shmdt_calls, 2);
}

static void test_shm_write(void **state)
{
	struct vm_feed_sample smp = {
		.sys_ns = 1765000000123456789LL,
		.offset_ns = -1000000001LL, /* reference 1 s + 1 ns behind */
		.leap = -1,
		.precision = -24,
	};
	struct vm_shm_time out;
	struct vm_shm s;
	int count;

	(void)state;
	assert_int_equal(vm_shm_open(&s, 5), 0);
	w.seg.count = 7;
	count = w.seg.count;
	assert_int_equal(vm_shm_write(&s, &smp), 0);
	assert_int_equal(s.st.sent, 1);
	assert_int_equal(w.seg.mode, 1);
	assert_int_equal(w.seg.count, count + 2);
	assert_int_equal(w.seg.valid, 1);
	assert_int_equal(w.seg.recv_sec, 1765000000);
	assert_int_equal(w.seg.recv_usec, 123456);
	assert_int_equal(w.seg.recv_nsec, 123456789);
	assert_int_equal(w.seg.clock_sec, 1764999999);
	assert_int_equal(w.seg.clock_usec, 123456);
	assert_int_equal(w.seg.clock_nsec, 123456788);
	assert_int_equal(w.seg.leap, 2); /* LEAP_DELSECOND */
	assert_int_equal(w.seg.precision, -24);
	assert_int_equal(w.seg.nsamples, 1);
	/* a reader takes it once: valid cleared */
	assert_true(vm_shm_read(&w.seg, &out));
	assert_int_equal(out.clock_nsec, 123456788);
	assert_int_equal(w.seg.valid, 0);
	assert_false(vm_shm_read(&w.seg, &out));
	/* half-way through a write (count bumped, valid clear): refused */
	assert_int_equal(vm_shm_write(&s, &smp), 0);
	w.seg.valid = 0;
	w.seg.count++;
	assert_false(vm_shm_read(&w.seg, &out));
	vm_shm_close(&s);
}

/* A writer thread against a reader: every sample taken is whole (its
 * clock time is recv + the offset that recv encodes).  The writer goes on
 * until the reader has taken HAMMER_TAKEN samples (or HAMMER_MAX_WRITES),
 * so that the two really overlap whatever the scheduler does. */
#define HAMMER_TAKEN 20000
#define HAMMER_MAX_WRITES 50000000

struct hammer {
	struct vm_shm_time seg;
	int done; /* the writer finished */
	uint64_t taken; /* by the reader */
	uint64_t writes;
};

static int64_t hammer_offset(int64_t recv_ns)
{
	return (recv_ns % 1000003) - 500000;
}

static void *hammer_writer(void *arg)
{
	struct hammer *h = arg;
	int64_t i;

	for (i = 1; i <= HAMMER_MAX_WRITES &&
		    __atomic_load_n(&h->taken, __ATOMIC_RELAXED) < HAMMER_TAKEN;
	     i++) {
		int64_t recv = 1765000000000000000LL + i * 7919;
		struct vm_feed_sample smp = {
			.sys_ns = recv,
			.offset_ns = hammer_offset(recv),
		};

		vm_shm_put(&h->seg, &smp);
	}
	h->writes = (uint64_t)i - 1;
	__atomic_store_n(&h->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_shm_concurrent(void **state)
{
	static struct hammer h;
	struct vm_shm_time out;
	uint64_t torn = 0, tries = 0;
	pthread_t t;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(pthread_create(&t, NULL, hammer_writer, &h), 0);
	while (!__atomic_load_n(&h.done, __ATOMIC_SEQ_CST)) {
		int64_t recv, clk;

		tries++;
		if (!vm_shm_read(&h.seg, &out))
			continue;
		__atomic_add_fetch(&h.taken, 1, __ATOMIC_RELAXED);
		recv = (int64_t)out.recv_sec * 1000000000LL + out.recv_nsec;
		clk = (int64_t)out.clock_sec * 1000000000LL + out.clock_nsec;
		if (clk - recv != hammer_offset(recv) ||
		    out.recv_usec != (int)(out.recv_nsec / 1000) ||
		    out.clock_usec != (int)(out.clock_nsec / 1000))
			torn++;
	}
	pthread_join(t, NULL);
	printf("shm concurrent: %llu writes, %llu reads, %llu samples "
	       "taken, %llu torn\n",
	       (unsigned long long)h.writes, (unsigned long long)tries,
	       (unsigned long long)h.taken, (unsigned long long)torn);
	assert_int_equal(torn, 0);
	assert_true(h.taken > 0);
}

static void test_skip_names(void **state)
{
	(void)state;
	for (int r = 0; r < VM_FEED_SKIP_COUNT; r++)
		assert_string_not_equal(vm_feed_skip_name((enum vm_feed_skip)r),
					"?");
	assert_string_equal(vm_feed_skip_name(VM_FEED_SKIP_COUNT), "?");
	assert_string_equal(vm_feed_skip_name(VM_FEED_SKIP_HOLDOVER),
			    "holdover");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_chrony_layout, setup),
		cmocka_unit_test_setup(test_chrony_encode, setup),
		cmocka_unit_test_setup(test_chrony_open, setup),
		cmocka_unit_test_setup(test_chrony_not_listening, setup),
		cmocka_unit_test_setup(test_chrony_roundtrip, setup),
		cmocka_unit_test_setup(test_shm_layout, setup),
		cmocka_unit_test_setup(test_shm_open, setup),
		cmocka_unit_test_setup(test_shm_write, setup),
		cmocka_unit_test_setup(test_shm_concurrent, setup),
		cmocka_unit_test_setup(test_skip_names, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
