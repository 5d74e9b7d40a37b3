/*
 * tests/unit/test_hwts_udp4.c — hwts/udp4.c through transport_udp4_ops,
 * with socket (real fds underneath), setsockopt, bind, ioctl, sendto and
 * recvmsg wrapped: the socket options, destinations, received timestamps
 * (software, hardware, none), truncation, TX timestamps by OPT_ID key and
 * in send order coming back with the core's tokens, hardware set-up and
 * its restore at close.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "hwts/transport.h"
#include "tests/unit/hwts_test.h"

int __wrap_socket(int domain, int type, int protocol);
int __real_socket(int domain, int type, int protocol);
int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_ioctl(int fd, unsigned long req, ...);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);

#define MAX_REC 64

struct sockopt_rec {
	int fd, level, name;
	uint8_t val[64];
	socklen_t len;
};

static struct {
	int udp_fds[4], n_udp;
	int bad_type; /* socket() got SOCK_NONBLOCK/SOCK_CLOEXEC */
	struct sockopt_rec so[MAX_REC];
	int n_so;
	int so_fail_name, so_fail_err; /* fail this option */
	unsigned int ts_reject; /* EINVAL for SO_TIMESTAMPING with these */
	int bind_fd[4];
	uint16_t bind_port[4];
	int n_bind;
	/* SIOCGHWTSTAMP answer and SIOCSHWTSTAMP requests */
	struct hwtstamp_config hw_cur;
	struct hwtstamp_config hw_set[8];
	int n_hw_set;
	/* sendto */
	int send_fd;
	struct sockaddr_in send_to;
	size_t send_len;
	int n_send;
	int send_err;
	int recv_fd;
} w;

int __wrap_socket(int domain, int type, int protocol)
{
	int fd;

	if (type & (SOCK_NONBLOCK | SOCK_CLOEXEC))
		w.bad_type++;
	fd = __real_socket(domain, type, protocol);
	if (fd >= 0 && protocol == IPPROTO_UDP && w.n_udp < 4)
		w.udp_fds[w.n_udp++] = fd;
	return fd;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	struct sockopt_rec *r;
	int v = 0;

	if (w.n_so < MAX_REC) {
		r = &w.so[w.n_so++];
		r->fd = fd;
		r->level = level;
		r->name = name;
		r->len = len;
		memcpy(r->val, val, len < sizeof(r->val) ? len : sizeof(r->val));
	}
	if (level == SOL_SOCKET && name == w.so_fail_name) {
		errno = w.so_fail_err;
		return -1;
	}
	if (level == SOL_SOCKET && name == SO_TIMESTAMPING) {
		memcpy(&v, val, sizeof(v));
		if ((unsigned int)v & w.ts_reject) {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in sin;

	assert_int_equal(len, sizeof(sin));
	memcpy(&sin, sa, sizeof(sin));
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(sin.sin_addr.s_addr, htonl(INADDR_ANY));
	if (w.n_bind < 4) {
		w.bind_fd[w.n_bind] = fd;
		w.bind_port[w.n_bind++] = ntohs(sin.sin_port);
	}
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct ifreq *ifr;
	va_list ap;

	(void)fd;
	va_start(ap, req);
	ifr = va_arg(ap, struct ifreq *);
	va_end(ap);
	if (strcmp(ifr->ifr_name, "tst0") != 0) {
		errno = ENODEV;
		return -1;
	}
	switch (req) {
	case SIOCGIFINDEX:
		ifr->ifr_ifindex = 7;
		return 0;
	case SIOCGHWTSTAMP:
		memcpy(ifr->ifr_data, &w.hw_cur, sizeof(w.hw_cur));
		return 0;
	case SIOCSHWTSTAMP:
		if (w.n_hw_set < 8)
			memcpy(&w.hw_set[w.n_hw_set++], ifr->ifr_data,
			       sizeof(w.hw_set[0]));
		return 0;
	}
	fail_msg("unexpected ioctl 0x%lx", req);
	return -1;
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	(void)buf;
	(void)flags;
	w.n_send++;
	w.send_fd = fd;
	w.send_len = len;
	assert_int_equal(tolen, sizeof(w.send_to));
	memcpy(&w.send_to, to, sizeof(w.send_to));
	if (w.send_err) {
		errno = w.send_err;
		return -1;
	}
	return (ssize_t)len;
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	w.recv_fd = fd;
	return ht_recvmsg(msg, flags);
}

/* ---- helpers ---- */

static int setup(void **state)
{
	(void)state;
	memset(&w, 0, sizeof(w));
	ht_rq_reset();
	ht_log_reset();
	return 0;
}

static void cfg_test(struct transport_cfg *c, enum hwts_mode mode)
{
	transport_cfg_default(c);
	c->mode = mode;
	c->event_port = 31319;
	c->general_port = 31320;
}

static const struct sockopt_rec *find_so(int fd, int level, int name, int nth)
{
	int i;

	for (i = 0; i < w.n_so; i++)
		if (w.so[i].fd == fd && w.so[i].level == level &&
		    w.so[i].name == name && nth-- == 0)
			return &w.so[i];
	return NULL;
}

static int so_int(int fd, int level, int name)
{
	const struct sockopt_rec *r = find_so(fd, level, name, 0);
	int v;

	assert_non_null(r);
	assert_int_equal(r->len, sizeof(int));
	memcpy(&v, r->val, sizeof(v));
	return v;
}

static void check_member(int fd, int nth, const char *group)
{
	const struct sockopt_rec *r = find_so(fd, IPPROTO_IP,
					      IP_ADD_MEMBERSHIP, nth);
	struct ip_mreqn mr;
	char s[INET_ADDRSTRLEN];

	assert_non_null(r);
	assert_int_equal(r->len, sizeof(mr));
	memcpy(&mr, r->val, sizeof(mr));
	assert_int_equal(mr.imr_ifindex, 7);
	inet_ntop(AF_INET, &mr.imr_multiaddr, s, sizeof(s));
	assert_string_equal(s, group);
}

static void check_socket(int fd, int dscp, int prio)
{
	const struct sockopt_rec *r;
	struct ip_mreqn mr;

	assert_int_equal(so_int(fd, SOL_SOCKET, SO_REUSEADDR), 1);
	r = find_so(fd, SOL_SOCKET, SO_BINDTODEVICE, 0);
	assert_non_null(r);
	assert_int_equal(r->len, 5);
	assert_string_equal((const char *)r->val, "tst0");
	check_member(fd, 0, "224.0.1.129");
	check_member(fd, 1, "224.0.0.107");
	r = find_so(fd, IPPROTO_IP, IP_MULTICAST_IF, 0);
	assert_non_null(r);
	memcpy(&mr, r->val, sizeof(mr));
	assert_int_equal(mr.imr_ifindex, 7);
	assert_int_equal(so_int(fd, IPPROTO_IP, IP_MULTICAST_TTL), 5);
	assert_int_equal(so_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP), 0);
	assert_int_equal(so_int(fd, IPPROTO_IP, IP_TOS), dscp << 2);
	assert_int_equal(so_int(fd, SOL_SOCKET, SO_PRIORITY), prio);
	/* set with fcntl afterwards, not in socket()'s type */
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

static struct transport *open_sw(void)
{
	struct transport_cfg c;
	struct transport *t = NULL;

	cfg_test(&c, HWTS_SOFTWARE);
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), 0);
	assert_non_null(t);
	return t;
}

/* ---- open ---- */

static void test_open_options(void **state)
{
	struct transport_cfg c;
	struct transport *t = NULL;
	int fds[2];

	(void)state;
	cfg_test(&c, HWTS_SOFTWARE);
	c.want_peer = true;
	c.udp_ttl = 5;
	c.dscp_event = 46;
	c.dscp_general = 8;
	c.socket_priority = 3;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), 0);
	transport_udp4_ops.fds(t, fds);
	assert_int_equal(w.n_udp, 2);
	assert_int_equal(fds[0], w.udp_fds[0]);
	assert_int_equal(fds[1], w.udp_fds[1]);
	assert_int_equal(w.bad_type, 0);
	assert_int_equal(w.n_bind, 2);
	assert_int_equal(w.bind_fd[0], fds[0]);
	assert_int_equal(w.bind_port[0], 31319);
	assert_int_equal(w.bind_fd[1], fds[1]);
	assert_int_equal(w.bind_port[1], 31320);
	check_socket(fds[0], 46, 3);
	check_socket(fds[1], 8, 3);
	assert_int_equal(so_int(fds[0], SOL_SOCKET, SO_TIMESTAMPING),
			 SOF_TIMESTAMPING_TX_SOFTWARE |
				 SOF_TIMESTAMPING_RX_SOFTWARE |
				 SOF_TIMESTAMPING_SOFTWARE |
				 SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY);
	assert_int_equal(so_int(fds[1], SOL_SOCKET, SO_TIMESTAMPING),
			 SOF_TIMESTAMPING_RX_SOFTWARE |
				 SOF_TIMESTAMPING_SOFTWARE);
	assert_string_equal(transport_udp4_ops.name, "UDPv4");
	assert_true(ht_log_has("tst0: UDPv4 on ports 31319/31320"));
	transport_udp4_ops.close(t);
	/* both sockets closed */
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
	assert_int_equal(fcntl(fds[1], F_GETFD), -1);
}

static void test_open_defaults_no_peer(void **state)
{
	struct transport *t = open_sw();
	int fds[2];

	(void)state;
	transport_udp4_ops.fds(t, fds);
	assert_non_null(find_so(fds[0], IPPROTO_IP, IP_ADD_MEMBERSHIP, 0));
	assert_null(find_so(fds[0], IPPROTO_IP, IP_ADD_MEMBERSHIP, 1));
	assert_null(find_so(fds[0], SOL_SOCKET, SO_PRIORITY, 0));
	/* socket_rcvbuf 0: the kernel's default buffer */
	assert_null(find_so(fds[0], SOL_SOCKET, SO_RCVBUFFORCE, 0));
	assert_null(find_so(fds[0], SOL_SOCKET, SO_RCVBUF, 0));
	assert_int_equal(so_int(fds[0], IPPROTO_IP, IP_MULTICAST_TTL), 1);
	assert_int_equal(so_int(fds[1], IPPROTO_IP, IP_TOS), 0);
	transport_udp4_ops.close(t);
}

/* socket_rcvbuf: forced past rmem_max on both sockets; without
 * CAP_NET_ADMIN (EPERM), SO_RCVBUF with a notice; another error fails. */
static void test_open_rcvbuf(void **state)
{
	struct transport_cfg c;
	struct transport *t = NULL;
	int fds[2];

	(void)state;
	cfg_test(&c, HWTS_SOFTWARE);
	c.rcvbuf = 4 << 20;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), 0);
	transport_udp4_ops.fds(t, fds);
	for (int ch = 0; ch < 2; ch++) {
		assert_int_equal(so_int(fds[ch], SOL_SOCKET, SO_RCVBUFFORCE),
				 4 << 20);
		assert_null(find_so(fds[ch], SOL_SOCKET, SO_RCVBUF, 0));
	}
	transport_udp4_ops.close(t);

	w.n_so = 0;
	w.so_fail_name = SO_RCVBUFFORCE;
	w.so_fail_err = EPERM;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), 0);
	transport_udp4_ops.fds(t, fds);
	for (int ch = 0; ch < 2; ch++)
		assert_int_equal(so_int(fds[ch], SOL_SOCKET, SO_RCVBUF),
				 4 << 20);
	assert_true(ht_log_has("tst0: socket_rcvbuf 4194304: no "
			       "CAP_NET_ADMIN"));
	transport_udp4_ops.close(t);

	w.so_fail_err = ENOMEM;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), -ENOMEM);
	assert_null(t);
	assert_true(ht_log_has("SO_RCVBUFFORCE"));
	w.so_fail_name = 0;
}

static void test_open_bad_cfg(void **state)
{
	struct transport_cfg c;
	struct transport *t = (struct transport *)&c;

	(void)state;
	cfg_test(&c, HWTS_SOFTWARE);
	strcpy(c.ptp_dst_ipv4, "10.0.0.1");
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), -EINVAL);
	assert_null(t);
	assert_true(ht_log_has("tst0: ptp_dst_ipv4: not an IPv4 multicast"));
	cfg_test(&c, HWTS_SOFTWARE);
	c.dscp_event = 64;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), -EINVAL);
	cfg_test(&c, HWTS_SOFTWARE);
	assert_int_equal(transport_udp4_ops.open(&t, "no-such-if", &c),
			 -ENODEV);
	assert_int_equal(transport_udp4_ops.open(&t, "", &c), -EINVAL);
	assert_int_equal(w.n_udp, 0);
}

static void test_open_fails_cleanly(void **state)
{
	struct transport_cfg c;
	struct transport *t = NULL;

	(void)state;
	cfg_test(&c, HWTS_SOFTWARE);
	w.so_fail_name = SO_BINDTODEVICE;
	w.so_fail_err = EPERM;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), -EPERM);
	assert_null(t);
	assert_true(ht_log_has("tst0: event socket: SO_BINDTODEVICE"));
	assert_int_equal(w.n_udp, 1);
	assert_int_equal(fcntl(w.udp_fds[0], F_GETFD), -1);
}

static void add_report(struct ht_msg *m, uint32_t key, int64_t sw,
		       int64_t hw);

/* ---- send ---- */

static void check_sent(int fd, const char *ip, int port)
{
	char s[INET_ADDRSTRLEN];

	assert_int_equal(w.send_fd, fd);
	inet_ntop(AF_INET, &w.send_to.sin_addr, s, sizeof(s));
	assert_string_equal(s, ip);
	assert_int_equal(ntohs(w.send_to.sin_port), port);
}

static void test_send_destinations(void **state)
{
	struct transport *t = open_sw();
	struct sockaddr_in sin;
	struct bc_addr a;
	int fds[2];

	(void)state;
	transport_udp4_ops.fds(t, fds);
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_PRIMARY, NULL,
						 "0123456789", 10, 77),
			 10);
	check_sent(fds[0], "224.0.1.129", 31319);
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_GENERAL,
						 BC_DEST_PDELAY, NULL, "abc", 3,
						 0),
			 3);
	check_sent(fds[1], "224.0.0.107", 31320);
	/* unicast: the stored sockaddr_in, the channel's own port */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(319);
	inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
	a.len = sizeof(sin);
	memcpy(a.data, &sin, sizeof(sin));
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_GENERAL,
						 BC_DEST_UNICAST, &a, "abc", 3,
						 0),
			 3);
	check_sent(fds[1], "10.1.2.3", 31320);
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_UNICAST, &a, "abc", 3,
						 78),
			 3);
	check_sent(fds[0], "10.1.2.3", 31319);
	/* one-step: the event socket too */
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_ONESTEP,
						 BC_DEST_PRIMARY, NULL, "abc",
						 3, 79),
			 3);
	check_sent(fds[0], "224.0.1.129", 31319);
	/* malformed unicast address: refused without a syscall */
	a.len = 3;
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_UNICAST, &a, "abc", 3,
						 80),
			 -EINVAL);
	assert_int_equal(w.n_send, 5);
	transport_udp4_ops.close(t);
}

/* A failed send queues nothing: the next one's timestamp (its key one on,
 * the failed send having used key 0) still finds its token. */
static void test_send_failure_keeps_tokens(void **state)
{
	struct transport *t = open_sw();
	struct transport_txts ts;

	(void)state;
	w.send_err = ENETDOWN;
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_PRIMARY, NULL, "x", 1,
						 5),
			 -ENETDOWN);
	w.send_err = 0;
	assert_int_equal(transport_udp4_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_PRIMARY, NULL, "x", 1,
						 6),
			 1);
	add_report(ht_rq_add(), 1, 1000, 0);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 6);
	transport_udp4_ops.close(t);
}

/* ---- recv ---- */

static void test_recv_software_ts(void **state)
{
	struct transport *t = open_sw();
	struct transport_rx rx;
	struct sockaddr_in from;
	struct ht_msg *m;
	uint8_t buf[128];
	int fds[2];

	(void)state;
	transport_udp4_ops.fds(t, fds);
	m = ht_rq_add();
	ht_msg_data(m, "hello", 5);
	ht_msg_from4(m, "10.0.0.9", 319);
	ht_msg_ts(m, 1700000000000000123LL, 0);
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 5);
	assert_int_equal(w.recv_fd, fds[0]);
	assert_memory_equal(buf, "hello", 5);
	assert_true(rx.have_ts);
	assert_int_equal(tmv_to_ns(rx.ts), 1700000000000000123LL);
	assert_false(rx.truncated);
	assert_int_equal(rx.src.len, sizeof(from));
	memcpy(&from, rx.src.data, sizeof(from));
	assert_int_equal(from.sin_family, AF_INET);
	assert_int_equal(ntohs(from.sin_port), 319);
	assert_int_equal(ntohl(from.sin_addr.s_addr), 0x0a000009);
	assert_int_equal(ht_rq.flag_mismatch, 0);
	/* general channel: its own fd */
	m = ht_rq_add();
	ht_msg_data(m, "g", 1);
	assert_int_equal(transport_udp4_ops.recv(t, 1, buf, sizeof(buf), &rx),
			 1);
	assert_int_equal(w.recv_fd, fds[1]);
	transport_udp4_ops.close(t);
}

static void test_recv_no_ts(void **state)
{
	struct transport *t = open_sw();
	struct transport_rx rx;
	struct ht_msg *m;
	uint8_t buf[128];

	(void)state;
	m = ht_rq_add();
	ht_msg_data(m, "hello", 5);
	ht_msg_from4(m, "10.0.0.9", 319);
	rx.have_ts = true;
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 5);
	assert_false(rx.have_ts);
	assert_false(rx.truncated);
	/* a hardware-only stamp in software mode is no stamp either */
	m = ht_rq_add();
	ht_msg_data(m, "hello", 5);
	ht_msg_ts(m, 0, 5000);
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 5);
	assert_false(rx.have_ts);
	transport_udp4_ops.close(t);
}

static void test_recv_truncated(void **state)
{
	struct transport *t = open_sw();
	struct transport_rx rx;
	struct ht_msg *m;
	uint8_t buf[128], big[300];

	(void)state;
	m = ht_rq_add();
	ht_msg_data(m, "hello", 5);
	ht_msg_ts(m, 1000, 0);
	m->flags = MSG_CTRUNC;
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 5);
	assert_true(rx.truncated);
	memset(big, 0x5a, sizeof(big));
	m = ht_rq_add();
	ht_msg_data(m, big, sizeof(big));
	ht_msg_ts(m, 1000, 0);
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 sizeof(buf));
	assert_true(rx.truncated);
	assert_true(rx.have_ts);
	/* nothing queued, then a bad channel */
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 -EAGAIN);
	assert_int_equal(transport_udp4_ops.recv(t, 2, buf, sizeof(buf), &rx),
			 -EINVAL);
	ht_rq_add_err(ENOMEM);
	assert_int_equal(transport_udp4_ops.recv(t, 1, buf, sizeof(buf), &rx),
			 -ENOMEM);
	transport_udp4_ops.close(t);
}

/* ---- TX timestamps ---- */

static void add_report(struct ht_msg *m, uint32_t key, int64_t sw, int64_t hw)
{
	struct sock_extended_err ee;

	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
	ee.ee_info = SCM_TSTAMP_SND;
	ee.ee_data = key;
	ht_msg_ts(m, sw, hw);
	ht_msg_cmsg(m, SOL_IP, IP_RECVERR, &ee, sizeof(ee));
	m->want_flags = MSG_ERRQUEUE | MSG_DONTWAIT;
}

static void test_txts_by_key(void **state)
{
	struct transport *t = open_sw();
	struct transport_txts ts;
	int fds[2];

	(void)state;
	transport_udp4_ops.fds(t, fds);
	/* the core's tokens, any values: keys 0 and 1 */
	transport_udp4_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "a",
				1, 0xa0a0);
	transport_udp4_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "b",
				1, 0xb0b0);
	add_report(ht_rq_add(), 1, 2000, 0);
	add_report(ht_rq_add(), 0, 1000, 0);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), 0);
	assert_int_equal(w.recv_fd, fds[0]);
	assert_int_equal(ts.token, 0xb0b0);
	assert_int_equal(tmv_to_ns(ts.ts), 2000);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 0xa0a0);
	assert_int_equal(tmv_to_ns(ts.ts), 1000);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), -EAGAIN);
	/* a key no send had: -ENOMSG, for the caller's count */
	add_report(ht_rq_add(), 9, 3000, 0);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), -ENOMSG);
	assert_int_equal(ht_rq.flag_mismatch, 0);
	transport_udp4_ops.close(t);
}

static void test_txts_fifo_fallback(void **state)
{
	struct transport *t;
	struct transport_txts ts;

	(void)state;
	w.ts_reject = SOF_TIMESTAMPING_OPT_ID; /* an old kernel */
	t = open_sw();
	assert_true(ht_log_has("(no OPT_ID)"));
	transport_udp4_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "a",
				1, 41);
	transport_udp4_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "b",
				1, 42);
	add_report(ht_rq_add(), 0, 1000, 0);
	add_report(ht_rq_add(), 0, 2000, 0);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 41);
	assert_int_equal(tmv_to_ns(ts.ts), 1000);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 42);
	assert_int_equal(tmv_to_ns(ts.ts), 2000);
	transport_udp4_ops.close(t);
}

/* ---- hardware mode ---- */

static void test_hardware_open_recv_restore(void **state)
{
	struct transport_cfg c;
	struct transport *t = NULL;
	struct transport_rx rx;
	struct transport_txts ts;
	struct ht_msg *m;
	uint8_t buf[64];
	int fds[2];

	(void)state;
	cfg_test(&c, HWTS_HARDWARE);
	w.hw_cur.tx_type = HWTSTAMP_TX_OFF;
	w.hw_cur.rx_filter = HWTSTAMP_FILTER_NONE;
	assert_int_equal(transport_udp4_ops.open(&t, "tst0", &c), 0);
	transport_udp4_ops.fds(t, fds);
	assert_int_equal(w.n_hw_set, 1);
	assert_int_equal(w.hw_set[0].tx_type, HWTSTAMP_TX_ON);
	assert_int_equal(w.hw_set[0].rx_filter, HWTSTAMP_FILTER_PTP_V2_EVENT);
	assert_int_equal(so_int(fds[0], SOL_SOCKET, SO_TIMESTAMPING),
			 SOF_TIMESTAMPING_TX_HARDWARE |
				 SOF_TIMESTAMPING_RX_HARDWARE |
				 SOF_TIMESTAMPING_RAW_HARDWARE |
				 SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY);
	/* RX: ts[2], not ts[0] */
	m = ht_rq_add();
	ht_msg_data(m, "sync", 4);
	ht_msg_ts(m, 111, 222000000333LL);
	assert_int_equal(transport_udp4_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 4);
	assert_true(rx.have_ts);
	assert_int_equal(tmv_to_ns(rx.ts), 222000000333LL);
	/* TX: ts[2] too */
	transport_udp4_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "a",
				1, 1234);
	add_report(ht_rq_add(), 0, 5, 444000000555LL);
	assert_int_equal(transport_udp4_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 1234);
	assert_int_equal(tmv_to_ns(ts.ts), 444000000555LL);
	/* close puts the old configuration back */
	transport_udp4_ops.close(t);
	assert_int_equal(w.n_hw_set, 2);
	assert_int_equal(w.hw_set[1].tx_type, HWTSTAMP_TX_OFF);
	assert_int_equal(w.hw_set[1].rx_filter, HWTSTAMP_FILTER_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_options, setup),
		cmocka_unit_test_setup(test_open_defaults_no_peer, setup),
		cmocka_unit_test_setup(test_open_rcvbuf, setup),
		cmocka_unit_test_setup(test_open_bad_cfg, setup),
		cmocka_unit_test_setup(test_open_fails_cleanly, setup),
		cmocka_unit_test_setup(test_send_destinations, setup),
		cmocka_unit_test_setup(test_send_failure_keeps_tokens, setup),
		cmocka_unit_test_setup(test_recv_software_ts, setup),
		cmocka_unit_test_setup(test_recv_no_ts, setup),
		cmocka_unit_test_setup(test_recv_truncated, setup),
		cmocka_unit_test_setup(test_txts_by_key, setup),
		cmocka_unit_test_setup(test_txts_fifo_fallback, setup),
		cmocka_unit_test_setup(test_hardware_open_recv_restore, setup),
	};

	return cmocka_run_group_tests_name("hwts_udp4", tests, NULL, NULL);
}
