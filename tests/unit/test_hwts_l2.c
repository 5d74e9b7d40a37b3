/*
 * tests/unit/test_hwts_l2.c — hwts/l2.c through transport_l2_ops, with
 * socket (real fds underneath), setsockopt, bind, ioctl, sendto and recvmsg
 * wrapped: one AF_PACKET socket bound to the interface and ethertype
 * 0x88F7 receiving everything, the two MAC groups joined (all multicast
 * when the driver refuses a list), a send-only general socket that takes
 * no timestamps, destinations (ptp_dst_mac, p2p_dst_mac for peer delay,
 * a unicast sockaddr_ll), the sender's MAC, this host's own frames
 * dropped, truncation, PACKET_TX_TIMESTAMP reports with tokens, and the
 * L2 hardware filter.
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
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
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
	int fds[4], proto[4], n_fds;
	int bad_type;
	struct sockopt_rec so[MAX_REC];
	int n_so;
	bool refuse_mr_list; /* PACKET_MR_MULTICAST fails: allmulti */
	struct sockaddr_ll bound;
	int bind_fd, n_bind;
	int send_fd;
	struct sockaddr_ll send_to;
	size_t send_len;
	int n_send;
	struct hwtstamp_config hw_set[4];
	int n_hw_set;
} w;

int __wrap_socket(int domain, int type, int protocol)
{
	int fd;

	if (type & (SOCK_NONBLOCK | SOCK_CLOEXEC))
		w.bad_type++;
	fd = __real_socket(AF_INET, SOCK_DGRAM, 0);
	if (domain != AF_PACKET)
		return fd;
	assert_int_equal(type, SOCK_DGRAM);
	if (fd >= 0 && w.n_fds < 4) {
		w.proto[w.n_fds] = ntohs((uint16_t)protocol);
		w.fds[w.n_fds++] = fd;
	}
	return fd;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	struct sockopt_rec *r;
	struct packet_mreq mr;

	if (w.n_so < MAX_REC) {
		r = &w.so[w.n_so++];
		r->fd = fd;
		r->level = level;
		r->name = name;
		r->len = len;
		memcpy(r->val, val, len < sizeof(r->val) ? len : sizeof(r->val));
	}
	if (level == SOL_PACKET && name == PACKET_ADD_MEMBERSHIP) {
		memcpy(&mr, val, sizeof(mr));
		if (w.refuse_mr_list && mr.mr_type == PACKET_MR_MULTICAST) {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	assert_int_equal(len, sizeof(w.bound));
	memcpy(&w.bound, sa, sizeof(w.bound));
	w.bind_fd = fd;
	w.n_bind++;
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
		ifr->ifr_ifindex = 9;
		return 0;
	case SIOCGHWTSTAMP:
		memset(ifr->ifr_data, 0, sizeof(struct hwtstamp_config));
		return 0;
	case SIOCSHWTSTAMP:
		if (w.n_hw_set < 4)
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

static struct transport *open_l2(enum hwts_mode mode)
{
	struct transport_cfg c;
	struct transport *t = NULL;

	transport_cfg_default(&c);
	c.kind = TRANSPORT_L2;
	c.mode = mode;
	c.socket_priority = 4;
	assert_int_equal(transport_l2_ops.open(&t, "tst0", &c), 0);
	assert_non_null(t);
	return t;
}

static const uint8_t ptp_mac[6] = { 0x01, 0x1b, 0x19, 0, 0, 0 };
static const uint8_t p2p_mac[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };

static void check_group(int fd, int nth, int type, const uint8_t *mac)
{
	const struct sockopt_rec *r = find_so(fd, SOL_PACKET,
					      PACKET_ADD_MEMBERSHIP, nth);
	struct packet_mreq mr;

	assert_non_null(r);
	memcpy(&mr, r->val, sizeof(mr));
	assert_int_equal(mr.mr_ifindex, 9);
	assert_int_equal(mr.mr_type, type);
	if (mac) {
		assert_int_equal(mr.mr_alen, 6);
		assert_memory_equal(mr.mr_address, mac, 6);
	}
}

static void test_open(void **state)
{
	struct transport *t = open_l2(HWTS_SOFTWARE);
	const struct sockopt_rec *r;
	int fds[2], v;

	(void)state;
	transport_l2_ops.fds(t, fds);
	/* one socket to read (both channels), one to send general from */
	assert_int_equal(w.n_fds, 2);
	assert_int_equal(fds[0], w.fds[0]);
	assert_int_equal(fds[1], -1);
	assert_int_equal(w.proto[0], ETH_P_1588);
	assert_int_equal(w.proto[1], 0);
	assert_int_equal(w.bad_type, 0);
	assert_int_equal(w.n_bind, 1);
	assert_int_equal(w.bind_fd, fds[0]);
	assert_int_equal(w.bound.sll_family, AF_PACKET);
	assert_int_equal(ntohs(w.bound.sll_protocol), ETH_P_1588);
	assert_int_equal(w.bound.sll_ifindex, 9);
	check_group(fds[0], 0, PACKET_MR_MULTICAST, ptp_mac);
	check_group(fds[0], 1, PACKET_MR_MULTICAST, p2p_mac);
	assert_non_null(find_so(fds[0], SOL_PACKET, PACKET_IGNORE_OUTGOING,
				0));
	for (int i = 0; i < 2; i++) {
		r = find_so(w.fds[i], SOL_SOCKET, SO_PRIORITY, 0);
		assert_non_null(r);
		memcpy(&v, r->val, sizeof(v));
		assert_int_equal(v, 4);
		assert_true(fcntl(w.fds[i], F_GETFL) & O_NONBLOCK);
	}
	/* timestamps on the receiving socket only */
	r = find_so(fds[0], SOL_SOCKET, SO_TIMESTAMPING, 0);
	assert_non_null(r);
	assert_null(find_so(w.fds[1], SOL_SOCKET, SO_TIMESTAMPING, 0));
	assert_true(ht_log_has("tst0: L2 (ethertype 0x88F7, 01:1B:19:00:00:00 "
			       "/ 01:80:C2:00:00:0E), software timestamps"));
	transport_l2_ops.close(t);
	assert_int_equal(fcntl(w.fds[0], F_GETFD), -1);
	assert_int_equal(fcntl(w.fds[1], F_GETFD), -1);
}

static void test_open_allmulti_and_bad(void **state)
{
	struct transport_cfg c;
	struct transport *t;

	(void)state;
	w.refuse_mr_list = true;
	t = open_l2(HWTS_SOFTWARE);
	check_group(w.fds[0], 1, PACKET_MR_ALLMULTI, NULL);
	assert_true(ht_log_has("receiving all multicast"));
	transport_l2_ops.close(t);
	setup(NULL);
	transport_cfg_default(&c);
	strcpy(c.ptp_dst_mac, "01:1B:19:00:00");
	assert_int_equal(transport_l2_ops.open(&t, "tst0", &c), -EINVAL);
	assert_null(t);
	assert_true(ht_log_has("tst0: ptp_dst_mac: not a MAC address"));
	transport_cfg_default(&c);
	strcpy(c.p2p_dst_mac, "01:80:C2:00:00:0G");
	assert_int_equal(transport_l2_ops.open(&t, "tst0", &c), -EINVAL);
	assert_int_equal(w.n_fds, 0);
}

static void check_dest(int fd, const uint8_t *mac)
{
	assert_int_equal(w.send_fd, fd);
	assert_int_equal(w.send_to.sll_family, AF_PACKET);
	assert_int_equal(ntohs(w.send_to.sll_protocol), ETH_P_1588);
	assert_int_equal(w.send_to.sll_ifindex, 9);
	assert_int_equal(w.send_to.sll_halen, 6);
	assert_memory_equal(w.send_to.sll_addr, mac, 6);
}

static void test_send(void **state)
{
	static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	struct transport *t = open_l2(HWTS_SOFTWARE);
	struct sockaddr_ll u;
	struct bc_addr a;

	(void)state;
	assert_int_equal(transport_l2_ops.send(t, TRANSPORT_EVENT,
					       BC_DEST_PRIMARY, NULL, "sync", 4,
					       1),
			 4);
	check_dest(w.fds[0], ptp_mac);
	assert_int_equal(w.send_len, 4);
	/* general messages leave from the send-only socket */
	assert_int_equal(transport_l2_ops.send(t, TRANSPORT_GENERAL,
					       BC_DEST_PRIMARY, NULL, "ann", 3,
					       0),
			 3);
	check_dest(w.fds[1], ptp_mac);
	/* peer delay: the peer MAC on every channel */
	assert_int_equal(transport_l2_ops.send(t, TRANSPORT_EVENT,
					       BC_DEST_PDELAY, NULL, "preq", 4,
					       2),
			 4);
	check_dest(w.fds[0], p2p_mac);
	assert_int_equal(transport_l2_ops.send(t, TRANSPORT_GENERAL,
					       BC_DEST_PDELAY, NULL, "pfup", 4,
					       0),
			 4);
	check_dest(w.fds[1], p2p_mac);
	/* unicast: the sender's sockaddr_ll as received */
	memset(&u, 0, sizeof(u));
	u.sll_family = AF_PACKET;
	u.sll_halen = 6;
	memcpy(u.sll_addr, peer, 6);
	a.len = sizeof(u);
	memcpy(a.data, &u, sizeof(u));
	assert_int_equal(transport_l2_ops.send(t, TRANSPORT_GENERAL,
					       BC_DEST_UNICAST, &a, "dresp", 5,
					       0),
			 5);
	check_dest(w.fds[1], peer);
	a.len = 16; /* a sockaddr_in is no MAC */
	assert_int_equal(transport_l2_ops.send(t, TRANSPORT_EVENT,
					       BC_DEST_UNICAST, &a, "x", 1, 3),
			 -EINVAL);
	assert_int_equal(w.n_send, 5);
	transport_l2_ops.close(t);
}

static void from_mac(struct ht_msg *m, const uint8_t *mac, int pkttype)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_1588);
	sll.sll_ifindex = 9;
	sll.sll_pkttype = (uint8_t)pkttype;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, mac, 6);
	memcpy(m->name, &sll, sizeof(sll));
	m->namelen = sizeof(sll);
}

static void test_recv(void **state)
{
	static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	struct transport *t = open_l2(HWTS_SOFTWARE);
	struct transport_rx rx;
	struct sockaddr_ll sll;
	struct ht_msg *m;
	uint8_t buf[64], big[80];

	(void)state;
	m = ht_rq_add();
	ht_msg_data(m, "sync", 4);
	ht_msg_ts(m, 123456789, 0);
	from_mac(m, peer, PACKET_MULTICAST);
	assert_int_equal(transport_l2_ops.recv(t, 0, buf, sizeof(buf), &rx), 4);
	assert_true(rx.have_ts);
	assert_int_equal(tmv_to_ns(rx.ts), 123456789);
	assert_int_equal(rx.src.len, sizeof(sll));
	memcpy(&sll, rx.src.data, sizeof(sll));
	assert_memory_equal(sll.sll_addr, peer, 6);
	/* a frame this host sent (no PACKET_IGNORE_OUTGOING): dropped */
	m = ht_rq_add();
	ht_msg_data(m, "own", 3);
	from_mac(m, peer, PACKET_OUTGOING);
	assert_int_equal(transport_l2_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 -EAGAIN);
	assert_int_equal(ht_rq.n, 0);
	/* too long for the buffer */
	memset(big, 7, sizeof(big));
	m = ht_rq_add();
	ht_msg_data(m, big, sizeof(big));
	from_mac(m, peer, PACKET_HOST);
	assert_int_equal(transport_l2_ops.recv(t, 0, buf, sizeof(buf), &rx),
			 sizeof(buf));
	assert_true(rx.truncated);
	/* the general channel has nothing of its own to read */
	assert_int_equal(transport_l2_ops.recv(t, 1, buf, sizeof(buf), &rx),
			 -EAGAIN);
	transport_l2_ops.close(t);
}

static void test_txts_and_hardware(void **state)
{
	struct transport *t = open_l2(HWTS_HARDWARE);
	struct sock_extended_err ee;
	struct transport_txts ts;
	struct ht_msg *m;

	(void)state;
	/* the driver is asked to stamp PTP events, L2 ones suit */
	assert_int_equal(w.n_hw_set, 1);
	assert_int_equal(w.hw_set[0].tx_type, HWTSTAMP_TX_ON);
	assert_int_equal(w.hw_set[0].rx_filter, HWTSTAMP_FILTER_PTP_V2_EVENT);
	transport_l2_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "a",
			      1, 0x1001);
	/* general sends take no key: the next event is key 1 */
	transport_l2_ops.send(t, TRANSPORT_GENERAL, BC_DEST_PRIMARY, NULL, "g",
			      1, 0);
	transport_l2_ops.send(t, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, "b",
			      1, 0x1002);
	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
	ee.ee_info = SCM_TSTAMP_SND;
	ee.ee_data = 1;
	m = ht_rq_add();
	ht_msg_ts(m, 0, 777000000888LL);
	ht_msg_cmsg(m, SOL_PACKET, PACKET_TX_TIMESTAMP, &ee, sizeof(ee));
	assert_int_equal(transport_l2_ops.recv_txts(t, &ts), 0);
	assert_int_equal(ts.token, 0x1002);
	assert_int_equal(tmv_to_ns(ts.ts), 777000000888LL);
	transport_l2_ops.close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open, setup),
		cmocka_unit_test_setup(test_open_allmulti_and_bad, setup),
		cmocka_unit_test_setup(test_send, setup),
		cmocka_unit_test_setup(test_recv, setup),
		cmocka_unit_test_setup(test_txts_and_hardware, setup),
	};

	return cmocka_run_group_tests_name("hwts_l2", tests, NULL, NULL);
}
