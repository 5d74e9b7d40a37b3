/*
 * tests/unit/test_hwts_udp6.c — hwts/udp6.c through transport_udp6_ops,
 * with socket (real fds underneath), setsockopt, bind, ioctl, sendto and
 * recvmsg wrapped: the groups (udp6_scope in ptp_dst_ipv6, FF02::6B for
 * peer delay) joined on the interface, hop limit, traffic class, the
 * destination of each kind of send (the peer group with the interface as
 * its scope), the two bytes of padding, the sender's sockaddr_in6,
 * truncation, and TX timestamps (IPV6_RECVERR) coming back with tokens.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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
	int fds[4], n_fds;
	int domain_bad, bad_type;
	struct sockopt_rec so[MAX_REC];
	int n_so;
	int bind_fd[4];
	uint16_t bind_port[4];
	int n_bind;
	int send_fd;
	struct sockaddr_in6 send_to;
	uint8_t send_buf[128];
	size_t send_len;
	int n_send;
} w;

int __wrap_socket(int domain, int type, int protocol)
{
	int fd;

	if (type & (SOCK_NONBLOCK | SOCK_CLOEXEC))
		w.bad_type++;
	fd = __real_socket(AF_INET, SOCK_DGRAM, 0); /* an fd to flag */
	if (domain != AF_INET6) /* the ioctls' throw-away socket */
		return fd;
	if (protocol != IPPROTO_UDP)
		w.domain_bad++;
	if (fd >= 0 && w.n_fds < 4)
		w.fds[w.n_fds++] = fd;
	return fd;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	struct sockopt_rec *r;

	if (w.n_so < MAX_REC) {
		r = &w.so[w.n_so++];
		r->fd = fd;
		r->level = level;
		r->name = name;
		r->len = len;
		memcpy(r->val, val, len < sizeof(r->val) ? len : sizeof(r->val));
	}
	return 0;
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in6 sin6;

	assert_int_equal(len, sizeof(sin6));
	memcpy(&sin6, sa, sizeof(sin6));
	assert_int_equal(sin6.sin6_family, AF_INET6);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr));
	if (w.n_bind < 4) {
		w.bind_fd[w.n_bind] = fd;
		w.bind_port[w.n_bind++] = ntohs(sin6.sin6_port);
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
	if (req == SIOCGIFINDEX) {
		ifr->ifr_ifindex = 7;
		return 0;
	}
	fail_msg("unexpected ioctl 0x%lx", req);
	return -1;
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	(void)flags;
	w.n_send++;
	w.send_fd = fd;
	w.send_len = len;
	memcpy(w.send_buf, buf, len < sizeof(w.send_buf) ? len : 0);
	assert_int_equal(tolen, sizeof(w.send_to));
	memcpy(&w.send_to, to, sizeof(w.send_to));
	return (ssize_t)len;
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)fd;
	return ht_recvmsg(msg, flags);
}

static int setup(void **state)
{
	(void)state;
	memset(&w, 0, sizeof(w));
	ht_rq_reset();
	ht_log_reset();
	return 0;
}

static const struct sockopt_rec *find_so(int fd, int level, int name, int nth)
{
	for (int i = 0; i < w.n_so; i++)
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
	memcpy(&v, r->val, sizeof(v));
	return v;
}

static void check_member(int fd, int nth, const char *group)
{
	const struct sockopt_rec *r = find_so(fd, IPPROTO_IPV6,
					      IPV6_ADD_MEMBERSHIP, nth);
	struct ipv6_mreq mr;
	char s[INET6_ADDRSTRLEN];

	assert_non_null(r);
	assert_int_equal(r->len, sizeof(mr));
	memcpy(&mr, r->val, sizeof(mr));
	assert_int_equal(mr.ipv6mr_interface, 7);
	inet_ntop(AF_INET6, &mr.ipv6mr_multiaddr, s, sizeof(s));
	assert_string_equal(s, group);
}

static struct transport *open6(int scope, bool peer)
{
	struct transport_cfg c;
	struct transport *t = NULL;

	transport_cfg_default(&c);
	c.kind = TRANSPORT_UDPV6;
	c.mode = HWTS_SOFTWARE;
	c.event_port = 31319;
	c.general_port = 31320;
	c.udp6_scope = scope;
	c.want_peer = peer;
	c.udp_ttl = 3;
	c.dscp_event = 46;
	assert_int_equal(transport_udp6_ops.open(&t, "tst0", &c), 0);
	assert_non_null(t);
	return t;
}

static void test_open(void **state)
{
	struct transport *t;
	int fds[2];

	(void)state;
	t = open6(0x0E, true);
	transport_udp6_ops.fds(t, fds);
	assert_int_equal(w.n_fds, 2);
	assert_int_equal(w.domain_bad, 0);
	assert_int_equal(w.bad_type, 0);
	assert_int_equal(w.bind_port[0], 31319);
	assert_int_equal(w.bind_port[1], 31320);
	for (int ch = 0; ch < 2; ch++) {
		check_member(fds[ch], 0, "ff0e::181");
		check_member(fds[ch], 1, "ff02::6b");
		assert_int_equal(so_int(fds[ch], IPPROTO_IPV6, IPV6_V6ONLY), 1);
		assert_int_equal(so_int(fds[ch], IPPROTO_IPV6,
					IPV6_MULTICAST_IF), 7);
		assert_int_equal(so_int(fds[ch], IPPROTO_IPV6,
					IPV6_MULTICAST_HOPS), 3);
		assert_int_equal(so_int(fds[ch], IPPROTO_IPV6,
					IPV6_MULTICAST_LOOP), 0);
		assert_non_null(find_so(fds[ch], SOL_SOCKET, SO_BINDTODEVICE,
					0));
		assert_true(fcntl(fds[ch], F_GETFL) & O_NONBLOCK);
		assert_true(fcntl(fds[ch], F_GETFD) & FD_CLOEXEC);
	}
	assert_int_equal(so_int(fds[0], IPPROTO_IPV6, IPV6_TCLASS), 46 << 2);
	assert_int_equal(so_int(fds[1], IPPROTO_IPV6, IPV6_TCLASS), 0);
	assert_int_equal(so_int(fds[0], SOL_SOCKET, SO_TIMESTAMPING),
			 SOF_TIMESTAMPING_TX_SOFTWARE |
				 SOF_TIMESTAMPING_RX_SOFTWARE |
				 SOF_TIMESTAMPING_SOFTWARE |
				 SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY);
	assert_true(ht_log_has("tst0: UDPv6 on ports 31319/31320, group "
			       "ff0e::181, software timestamps"));
	transport_udp6_ops.close(t);
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
	/* link-local scope, no peer group */
	setup(NULL);
	t = open6(0x02, false);
	transport_udp6_ops.fds(t, fds);
	check_member(fds[0], 0, "ff02::181");
	assert_null(find_so(fds[0], IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, 1));
	transport_udp6_ops.close(t);
}

static void test_open_bad(void **state)
{
	struct transport_cfg c;
	struct transport *t = NULL;

	(void)state;
	transport_cfg_default(&c);
	c.mode = HWTS_SOFTWARE;
	strcpy(c.p2p_dst_ipv6, "2001:db8::1");
	assert_int_equal(transport_udp6_ops.open(&t, "tst0", &c), -EINVAL);
	assert_null(t);
	assert_true(ht_log_has("tst0: p2p_dst_ipv6: not an IPv6 multicast"));
	transport_cfg_default(&c);
	c.udp6_scope = 16;
	assert_int_equal(transport_udp6_ops.open(&t, "tst0", &c), -EINVAL);
	assert_int_equal(transport_udp6_ops.open(&t, "nope0", &c), -ENODEV);
	assert_int_equal(w.n_fds, 0);
}

static void check_sent(int fd, const char *ip, int port, uint32_t scope)
{
	char s[INET6_ADDRSTRLEN];

	assert_int_equal(w.send_fd, fd);
	inet_ntop(AF_INET6, &w.send_to.sin6_addr, s, sizeof(s));
	assert_string_equal(s, ip);
	assert_int_equal(ntohs(w.send_to.sin6_port), port);
	assert_int_equal(w.send_to.sin6_scope_id, scope);
}

static void test_send(void **state)
{
	struct transport *t = open6(0x05, true);
	struct sockaddr_in6 sin6;
	struct bc_addr a;
	int fds[2];

	(void)state;
	transport_udp6_ops.fds(t, fds);
	assert_int_equal(transport_udp6_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_PRIMARY, NULL,
						 "0123456789", 10, 1),
			 10);
	check_sent(fds[0], "ff05::181", 31319, 0);
	/* two zero bytes after the message (annex D.4, as ptp4l) */
	assert_int_equal(w.send_len, 12);
	assert_memory_equal(w.send_buf, "0123456789\0\0", 12);
	/* the peer group is link-local: the interface is its scope */
	assert_int_equal(transport_udp6_ops.send(t, TRANSPORT_GENERAL,
						 BC_DEST_PDELAY, NULL, "abc", 3,
						 0),
			 3);
	check_sent(fds[1], "ff02::6b", 31320, 7);
	assert_int_equal(transport_udp6_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_PDELAY, NULL, "abc", 3,
						 2),
			 3);
	check_sent(fds[0], "ff02::6b", 31319, 7);
	/* unicast: the stored sockaddr_in6, the channel's own port; a
	 * link-local one without a scope gets the interface */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(319);
	inet_pton(AF_INET6, "fe80::1", &sin6.sin6_addr);
	a.len = sizeof(sin6);
	memcpy(a.data, &sin6, sizeof(sin6));
	assert_int_equal(transport_udp6_ops.send(t, TRANSPORT_GENERAL,
						 BC_DEST_UNICAST, &a, "abc", 3,
						 0),
			 3);
	check_sent(fds[1], "fe80::1", 31320, 7);
	/* an IPv4 address is not ours */
	a.len = sizeof(struct sockaddr_in);
	assert_int_equal(transport_udp6_ops.send(t, TRANSPORT_EVENT,
						 BC_DEST_UNICAST, &a, "abc", 3,
						 3),
			 -EINVAL);
	assert_int_equal(w.n_send, 4);
	transport_udp6_ops.close(t);
}

static void add_report6(struct ht_msg *m, uint32_t key, int64_t sw)
{
	struct sock_extended_err ee;

	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
	ee.ee_info = SCM_TSTAMP_SND;
	ee.ee_data = key;
	ht_msg_ts(m, sw, 0);
	ht_msg_cmsg(m, SOL_IPV6, IPV6_RECVERR, &ee, sizeof(ee));
}

static void test_recv_and_txts(void **state)
{
	struct transport *t = open6(0x0E, false);
	struct sockaddr_in6 from;
	struct transport_txts ts;
	struct transport_rx rx;
	struct ht_msg *m;
	uint8_t buf[64], big[100];

	(void)state;
	m = ht_rq_add();
	ht_msg_data(m, "sync", 4);
	ht_msg_ts(m, 1700000000000000777LL, 0);
	memset(&from, 0, sizeof(from));
	from.sin6_family = AF_INET6;
	from.sin6_port = htons(319);
	inet_pton(AF_INET6, "fe80::2", &from.sin6_addr);
	from.sin6_scope_id = 7;
	memcpy(m->name, &from, sizeof(from));
	m->namelen = sizeof(from);
	assert_int_equal(transport_udp6_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 4);
	assert_true(rx.have_ts);
	assert_int_equal(tmv_to_ns(rx.ts), 1700000000000000777LL);
	assert_int_equal(rx.src.len, sizeof(from));
	assert_memory_equal(rx.src.data, &from, sizeof(from));
	/* more than the buffer: truncated */
	memset(big, 1, sizeof(big));
	m = ht_rq_add();
	ht_msg_data(m, big, sizeof(big));
	assert_int_equal(transport_udp6_ops.recv(t, 1, buf, sizeof(buf), &rx),
			 sizeof(buf));
	assert_true(rx.truncated);
	/* TX: the token back from an IPV6_RECVERR report */
	transport_udp6_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "d",
				1, 0x600d);
	add_report6(ht_rq_add(), 0, 4242);
	assert_int_equal(transport_udp6_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 0x600d);
	assert_int_equal(tmv_to_ns(ts.ts), 4242);
	transport_udp6_ops.close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open, setup),
		cmocka_unit_test_setup(test_open_bad, setup),
		cmocka_unit_test_setup(test_send, setup),
		cmocka_unit_test_setup(test_recv_and_txts, setup),
	};

	return cmocka_run_group_tests_name("hwts_udp6", tests, NULL, NULL);
}
