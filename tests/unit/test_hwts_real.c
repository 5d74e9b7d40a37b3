/*
 * tests/unit/test_hwts_real.c — hwts/ against the real kernel, no wrapping.
 *
 * Root only: the process moves itself into a private network namespace
 * (unshare(CLONE_NEWNET)) and builds a veth pair there with ip(8), hvt0
 * 10.213.0.1/24 <-> hvt1 10.213.0.2/24, with accept_local on both (each
 * end's peer address is local to the namespace).  Two UDPv4 transports in software
 * mode on non-default ports exchange event and general messages (and two
 * UDPv6 ones over link-local addresses, two L2 ones over AF_PACKET); RX and TX
 * software timestamps must be close to CLOCK_REALTIME and the TX timestamp
 * must come back with the token the send was given.  Also: TSINFO over netlink
 * and ioctl, interface look-ups, link monitoring, and hardware mode failing
 * cleanly on veth, and a bridge's TX timestamps from the scheduler
 * (test_bridge_tx_sched).  The namespace and everything in it disappear with the
 * process; no clock is adjusted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <netinet/in.h>

#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"
#include "hwts/transport.h"
#include "tests/unit/hwts_test.h"

/* Tokens as the core hands them out: any values, not from 0. */
static uint32_t next_token = 0x5000;

static const char *skip_reason; /* set once by the group setup */

static int sysctl_set(const char *name, const char *val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int in_netns(void)
{
	static const char *const cmd =
		"echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad && "
		"ip link add hvt0 type veth peer name hvt1 && "
		"ip addr add 10.213.0.1/24 dev hvt0 && "
		"ip addr add 10.213.0.2/24 dev hvt1 && "
		"ip link set hvt0 up && ip link set hvt1 up";

	if (geteuid() != 0)
		return (skip_reason = "not root"), 0;
	if (system("command -v ip >/dev/null 2>&1") != 0)
		return (skip_reason = "ip(8) not found"), 0;
	if (unshare(CLONE_NEWNET) != 0)
		return (skip_reason = "unshare(CLONE_NEWNET) failed"), 0;
	if (system(cmd) != 0)
		return (skip_reason = "could not create the veth pair"), 0;
	/* Both ends live in this one namespace, so each end's peer address
	 * is a local address: accept it as a source (this namespace only). */
	if (sysctl_set("conf/hvt0/accept_local", "1") ||
	    sysctl_set("conf/hvt1/accept_local", "1") ||
	    sysctl_set("conf/all/rp_filter", "0") ||
	    sysctl_set("conf/hvt0/rp_filter", "0") ||
	    sysctl_set("conf/hvt1/rp_filter", "0"))
		return (skip_reason = "could not set the namespace's sysctls"),
		       0;
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	ht_log_reset();
	cm_log_set_level(CM_LOG_INFO);
	return in_netns();
}

static void need_netns(void)
{
	if (skip_reason) {
		printf("  skipped: %s\n", skip_reason);
		skip();
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Wait up to ms for events on fd; true when they came. */
static bool wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t end = now_ns() + (int64_t)ms * 1000000;

	while (now_ns() < end) {
		p.revents = 0;
		if (poll(&p, 1, 50) > 0 && (p.revents & (events | POLLERR)))
			return true;
	}
	return false;
}

static void wait_running(const char *ifname)
{
	bool up = false;
	int i;

	for (i = 0; i < 100 && !up; i++) {
		assert_int_equal(hwts_iface_running(ifname, &up), 0);
		if (!up)
			usleep(20000);
	}
	assert_true(up);
}

static void cfg_sw(struct transport_cfg *c)
{
	transport_cfg_default(c);
	c->mode = HWTS_SOFTWARE;
	c->event_port = 31319;
	c->general_port = 31320;
}

static int recv_wait(struct transport *t, int ch, uint8_t *buf, size_t cap,
		     struct transport_rx *rx)
{
	int fds[2];

	transport_udp4_ops.fds(t, fds);
	if (!wait_fd(fds[ch], POLLIN, 1000))
		return -ETIMEDOUT;
	return transport_udp4_ops.recv(t, ch, buf, cap, rx);
}

static void check_src(const struct transport_rx *rx, const char *ip, int port)
{
	struct sockaddr_in sin;
	char s[INET_ADDRSTRLEN];

	assert_int_equal(rx->src.len, sizeof(sin));
	memcpy(&sin, rx->src.data, sizeof(sin));
	inet_ntop(AF_INET, &sin.sin_addr, s, sizeof(s));
	assert_string_equal(s, ip);
	assert_int_equal(ntohs(sin.sin_port), port);
}

/* Send events a -> b until one arrives with an RX stamp: the kernel turns
 * software RX stamping on for the whole system through a deferred static
 * key, so the very first packets after the first SO_TIMESTAMPING socket
 * may come without one (seen for tens of ms).  Each send's TX timestamp
 * must come back with the token it was sent with.  Returns the sends. */
static uint32_t first_stamped_event(struct transport *a, struct transport *b,
				    const uint8_t *msg, size_t len,
				    struct transport_rx *rx,
				    struct transport_txts *tx)
{
	struct transport_txts none;
	uint8_t buf[256];
	uint32_t i, tok;
	int fds[2];

	transport_udp4_ops.fds(a, fds);
	for (i = 0; i < 40; i++) {
		if (i)
			usleep(50000);
		tok = next_token++;
		assert_int_equal(transport_udp4_ops.send(a, TRANSPORT_EVENT,
							 BC_DEST_PRIMARY, NULL,
							 msg, len, tok),
				 len);
		assert_int_equal(recv_wait(b, 0, buf, sizeof(buf), rx), len);
		assert_memory_equal(buf, msg, len);
		assert_false(rx->truncated);
		check_src(rx, "10.213.0.1", 31319);
		assert_true(wait_fd(fds[0], 0, 1000)); /* POLLERR */
		assert_int_equal(transport_udp4_ops.recv_txts(a, tx), 0);
		assert_int_equal(tx->token, tok);
		assert_int_equal(transport_udp4_ops.recv_txts(a, &none),
				 -EAGAIN);
		if (rx->have_ts)
			return i + 1;
		printf("  event %u arrived without an RX timestamp\n", i);
	}
	fail_msg("no event came with an RX timestamp");
	return 0;
}

/* A general message a -> b by multicast, an event b -> a by unicast to the
 * address b saw. */
static void general_and_unicast(struct transport *a, struct transport *b,
				const uint8_t *msg, size_t len)
{
	struct transport_rx rx;
	struct transport_txts tx;
	uint8_t buf[256];
	uint32_t tok;
	int fds[2];

	assert_int_equal(transport_udp4_ops.send(a, TRANSPORT_GENERAL, BC_DEST_PRIMARY,
						 NULL, "general", 7, 0),
			 7);
	assert_int_equal(recv_wait(b, 1, buf, sizeof(buf), &rx), 7);
	check_src(&rx, "10.213.0.1", 31320);
	tok = next_token++;
	assert_int_equal(transport_udp4_ops.send(b, TRANSPORT_EVENT,
						 BC_DEST_UNICAST, &rx.src, msg,
						 len, tok),
			 len);
	assert_int_equal(recv_wait(a, 0, buf, sizeof(buf), &rx), len);
	assert_true(rx.have_ts);
	check_src(&rx, "10.213.0.2", 31319);
	transport_udp4_ops.fds(b, fds);
	assert_true(wait_fd(fds[0], 0, 1000));
	assert_int_equal(transport_udp4_ops.recv_txts(b, &tx), 0);
	assert_int_equal(tx.token, tok);
}

static void test_udp4_software_roundtrip(void **state)
{
	struct transport *a = NULL, *b = NULL;
	struct transport_cfg c;
	struct transport_rx rx;
	struct transport_txts tx;
	uint8_t msg[44];
	uint32_t tok, sent;
	int fds[2];

	(void)state;
	need_netns();
	wait_running("hvt0");
	wait_running("hvt1");
	cfg_sw(&c);
	assert_int_equal(transport_udp4_ops.open(&a, "hvt0", &c), 0);
	assert_int_equal(transport_udp4_ops.open(&b, "hvt1", &c), 0);
	memset(msg, 0, sizeof(msg));
	msg[1] = 0x02; /* a Sync, version 2 */
	msg[31] = 7;
	sent = first_stamped_event(a, b, msg, sizeof(msg), &rx, &tx);
	assert_true(llabs(tmv_to_ns(rx.ts) - now_ns()) < 1000000000LL);
	assert_true(llabs(tmv_to_ns(tx.ts) - now_ns()) < 1000000000LL);
	assert_true(tmv_to_ns(tx.ts) <= tmv_to_ns(rx.ts));
	general_and_unicast(a, b, msg, sizeof(msg));
	/* the next event from a, to the peer-delay group: its token back */
	assert_true(sent > 0);
	tok = next_token++;
	assert_int_equal(transport_udp4_ops.send(a, TRANSPORT_EVENT,
						 BC_DEST_PDELAY, NULL, msg,
						 sizeof(msg), tok),
			 sizeof(msg));
	transport_udp4_ops.fds(a, fds);
	assert_true(wait_fd(fds[0], 0, 1000));
	assert_int_equal(transport_udp4_ops.recv_txts(a, &tx), 0);
	assert_int_equal(tx.token, tok);
	transport_udp4_ops.close(a);
	transport_udp4_ops.close(b);
}

/* ---- UDPv6 and L2 on the same veth pair ---- */

/* One message ops->send from a, event or general, until b receives it
 * (stamped, for an event: software RX stamping may lag, see above);
 * the sender's TX timestamp comes back with the token. */
static void roundtrip(const struct transport_ops *ops, struct transport *a,
		      struct transport *b, enum transport_send what,
		      enum bc_dest dest, const struct bc_addr *to,
		      struct transport_rx *rx)
{
	uint8_t msg[44], buf[256];
	struct transport_txts tx;
	int afd[2], bfd[2], i, n;
	uint32_t tok;

	memset(msg, 0, sizeof(msg));
	msg[0] = what == TRANSPORT_GENERAL ? 0x0b : 0x00;
	msg[1] = 0x02;
	ops->fds(a, afd);
	ops->fds(b, bfd);
	for (i = 0; i < 40; i++) {
		if (i)
			usleep(50000);
		msg[31] = (uint8_t)i;
		tok = next_token++;
		assert_int_equal(ops->send(a, what, dest, to, msg, sizeof(msg),
					   tok),
				 sizeof(msg));
		assert_true(wait_fd(bfd[0], POLLIN, 1000));
		n = ops->recv(b, 0, buf, sizeof(buf), rx);
		assert_true(n >= (int)sizeof(msg));
		assert_memory_equal(buf, msg, sizeof(msg));
		assert_false(rx->truncated);
		if (what != TRANSPORT_GENERAL) {
			assert_true(wait_fd(afd[0], 0, 1000)); /* POLLERR */
			assert_int_equal(ops->recv_txts(a, &tx), 0);
			assert_int_equal(tx.token, tok);
			assert_true(llabs(tmv_to_ns(tx.ts) - now_ns()) <
				    1000000000LL);
		}
		if (rx->have_ts || what == TRANSPORT_GENERAL)
			return;
	}
	fail_msg("no message came with an RX timestamp");
}

/* UDPv6 between link-local addresses (no DAD in this namespace): the
 * primary group, the peer group, and unicast back to the sender. */
static void test_udp6_software_roundtrip(void **state)
{
	const struct transport_ops *ops = &transport_udp6_ops;
	struct transport *a = NULL, *b = NULL;
	struct sockaddr_in6 from;
	struct transport_cfg c;
	struct transport_rx rx;

	(void)state;
	need_netns();
	cfg_sw(&c);
	c.kind = TRANSPORT_UDPV6;
	c.want_peer = true;
	assert_int_equal(ops->open(&a, "hvt0", &c), 0);
	assert_int_equal(ops->open(&b, "hvt1", &c), 0);
	roundtrip(ops, a, b, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, &rx);
	assert_int_equal(rx.src.len, sizeof(from));
	memcpy(&from, rx.src.data, sizeof(from));
	assert_true(IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr));
	assert_int_equal(ntohs(from.sin6_port), 31319);
	roundtrip(ops, a, b, TRANSPORT_EVENT, BC_DEST_PDELAY, NULL, &rx);
	roundtrip(ops, b, a, TRANSPORT_EVENT, BC_DEST_UNICAST, &rx.src, &rx);
	ops->close(a);
	ops->close(b);
}

/* L2: ethertype 0x88F7 frames to the PTP and the peer MAC, general ones
 * from the send-only socket, unicast back to the sender's MAC. */
static void test_l2_software_roundtrip(void **state)
{
	const struct transport_ops *ops = &transport_l2_ops;
	struct transport *a = NULL, *b = NULL;
	struct transport_cfg c;
	struct transport_rx rx, own;
	struct sockaddr_ll sll;
	uint8_t mac[6], buf[64];

	(void)state;
	need_netns();
	cfg_sw(&c);
	c.kind = TRANSPORT_L2;
	assert_int_equal(ops->open(&a, "hvt0", &c), 0);
	assert_int_equal(ops->open(&b, "hvt1", &c), 0);
	assert_int_equal(hwts_iface_mac("hvt0", mac), 0);
	roundtrip(ops, a, b, TRANSPORT_EVENT, BC_DEST_PRIMARY, NULL, &rx);
	assert_int_equal(rx.src.len, sizeof(sll));
	memcpy(&sll, rx.src.data, sizeof(sll));
	assert_memory_equal(sll.sll_addr, mac, 6);
	assert_int_equal(sll.sll_pkttype, PACKET_MULTICAST);
	roundtrip(ops, a, b, TRANSPORT_GENERAL, BC_DEST_PRIMARY, NULL, &rx);
	roundtrip(ops, a, b, TRANSPORT_EVENT, BC_DEST_PDELAY, NULL, &rx);
	roundtrip(ops, a, b, TRANSPORT_GENERAL, BC_DEST_PDELAY, NULL, &rx);
	/* a read nothing of its own sends */
	assert_int_equal(ops->recv(a, 0, buf, sizeof(buf), &own), -EAGAIN);
	roundtrip(ops, b, a, TRANSPORT_EVENT, BC_DEST_UNICAST, &rx.src, &rx);
	ops->close(a);
	ops->close(b);
}

static void test_tsinfo_and_iface(void **state)
{
	struct hwts_info nl, io;
	uint8_t mac[6], zero[6] = { 0 };
	int index = 0;

	(void)state;
	need_netns();
	assert_int_equal(hwts_get_info("hvt0", &nl), 0);
	assert_true(nl.from_netlink);
	assert_true(hwts_info_supports(&nl, false));
	assert_false(hwts_info_supports(&nl, true));
	assert_int_equal(nl.phc_index, -1);
	assert_int_equal(hwts_tsinfo_ioctl("hvt0", &io), 0);
	assert_false(io.from_netlink);
	assert_int_equal(io.so_timestamping, nl.so_timestamping);
	assert_int_equal(io.phc_index, -1);
	assert_int_equal(hwts_iface_index("hvt0", &index), 0);
	assert_int_equal(index, (int)if_nametoindex("hvt0"));
	assert_int_equal(hwts_iface_mac("hvt0", mac), 0);
	assert_memory_not_equal(mac, zero, 6);
	assert_int_equal(hwts_get_info("nosuch0", &nl), -ENODEV);
}

static void test_hardware_mode_refused(void **state)
{
	struct transport *t = (struct transport *)&t;
	struct transport_cfg c;
	int err;

	(void)state;
	need_netns();
	cfg_sw(&c);
	c.mode = HWTS_HARDWARE;
	err = transport_udp4_ops.open(&t, "hvt0", &c);
	printf("  veth in hardware mode: %s\n", hwts_errname(err));
	assert_true(err < 0);
	assert_null(t);
}

/*
 * A port on a Linux bridge: hvtbr 10.213.1.1/24 with one port hvt3, whose
 * veth peer hvt2 (10.213.1.2/24) stands for a guest.  The bridge stamps
 * what it receives but its driver sends no software TX timestamp, so
 * hwts_info_tx_sched() chooses the scheduler's; an event sent on the
 * bridge in HWTS_SOFTWARE_SCHED mode reaches the guest and its TX
 * timestamp comes back with its token, before the guest's RX timestamp.
 */
static void test_bridge_tx_sched(void **state)
{
	static const char *const cmd =
		"ip link add hvtbr type bridge && "
		"ip link add hvt2 type veth peer name hvt3 && "
		"ip link set hvt3 master hvtbr && "
		"ip addr add 10.213.1.1/24 dev hvtbr && "
		"ip addr add 10.213.1.2/24 dev hvt2 && "
		"ip link set hvtbr up && ip link set hvt3 up && "
		"ip link set hvt2 up";
	struct transport *br = NULL, *g = NULL;
	struct transport_cfg c;
	struct transport_rx rx;
	struct transport_txts tx;
	struct hwts_info info;
	uint8_t msg[44], buf[256];
	uint32_t tok;
	int fds[2], i;

	(void)state;
	need_netns();
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sysctl_set("conf/hvtbr/accept_local", "1") |
				 sysctl_set("conf/hvt2/accept_local", "1") |
				 sysctl_set("conf/hvtbr/rp_filter", "0") |
				 sysctl_set("conf/hvt2/rp_filter", "0"),
			 0);
	wait_running("hvtbr");
	wait_running("hvt2");
	assert_int_equal(hwts_get_info("hvtbr", &info), 0);
	assert_false(hwts_info_supports(&info, false));
	assert_true(hwts_info_tx_sched(&info));
	assert_int_equal(hwts_get_info("hvt0", &info), 0);
	assert_false(hwts_info_tx_sched(&info)); /* a veth stamps its own */

	cfg_sw(&c);
	c.event_port = 31419;
	c.general_port = 31420;
	assert_int_equal(transport_udp4_ops.open(&g, "hvt2", &c), 0);
	c.mode = HWTS_SOFTWARE_SCHED;
	assert_int_equal(transport_udp4_ops.open(&br, "hvtbr", &c), 0);
	assert_true(ht_log_has("hvtbr: UDPv4 on ports 31419/31420, "
			       "software (TX: scheduler) timestamps"));
	memset(msg, 0, sizeof(msg));
	msg[0] = 0x00;
	msg[1] = 0x02;
	transport_udp4_ops.fds(br, fds);
	/* RX stamping may lag the first socket a little (see above) */
	for (i = 0; i < 40; i++) {
		if (i)
			usleep(50000);
		tok = next_token++;
		assert_int_equal(transport_udp4_ops.send(br, TRANSPORT_EVENT,
							 BC_DEST_PRIMARY, NULL,
							 msg, sizeof(msg),
							 tok),
				 sizeof(msg));
		assert_int_equal(recv_wait(g, 0, buf, sizeof(buf), &rx),
				 sizeof(msg));
		assert_true(wait_fd(fds[0], 0, 1000)); /* POLLERR */
		assert_int_equal(transport_udp4_ops.recv_txts(br, &tx), 0);
		assert_int_equal(tx.token, tok);
		if (rx.have_ts)
			break;
	}
	assert_true(rx.have_ts);
	/* stamped before the guest received it, and within a second of
	 * the system clock */
	assert_true(tmv_to_ns(tx.ts) <= tmv_to_ns(rx.ts));
	assert_true(llabs(tmv_to_ns(tx.ts) - now_ns()) < 1000000000LL);
	printf("  bridge: scheduler TX to guest RX %lld ns\n",
	       (long long)(tmv_to_ns(rx.ts) - tmv_to_ns(tx.ts)));
	transport_udp4_ops.close(br);
	transport_udp4_ops.close(g);
	assert_int_equal(system("ip link del hvtbr && ip link del hvt2"), 0);
}

struct seen {
	int n;
	bool hvt1_down;
};

static void on_link(void *ctx, const struct hwts_link *l)
{
	struct seen *s = ctx;

	s->n++;
	if (strcmp(l->name, "hvt1") == 0 && !l->up)
		s->hvt1_down = true;
}

static void test_linkmon(void **state)
{
	struct hwts_linkmon *lm = NULL;
	struct seen s = { 0, false };
	bool up = true;
	int i;

	(void)state;
	need_netns();
	assert_int_equal(hwts_linkmon_open(&lm), 0);
	assert_int_equal(system("ip link set hvt1 down"), 0);
	for (i = 0; i < 20 && !s.hvt1_down; i++) {
		if (wait_fd(hwts_linkmon_fd(lm), POLLIN, 100))
			assert_int_equal(hwts_linkmon_read(lm, on_link, &s),
					 0);
	}
	assert_true(s.hvt1_down);
	assert_int_equal(hwts_iface_running("hvt1", &up), 0);
	assert_false(up);
	assert_int_equal(system("ip link set hvt1 up"), 0);
	hwts_linkmon_close(lm);
}

static void test_sysclk_read(void **state)
{
	struct hwclock *c = NULL;
	int64_t ns, pre, post;
	struct hwclock_sysoff so;

	(void)state;
	/* reading only: nothing here adjusts a clock */
	assert_int_equal(sysclk_open(true, &c), 0);
	assert_int_equal(c->ops->gettime(c, &ns, &pre, &post), 0);
	assert_true(llabs(ns - now_ns()) < 1000000000LL);
	assert_int_equal(c->ops->sys_offset(c, 5, &so), 0);
	assert_int_equal(so.offset_ns, 0);
	assert_int_equal(so.method, HWCLOCK_READ_SELF);
	hwclock_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4_software_roundtrip),
		cmocka_unit_test(test_udp6_software_roundtrip),
		cmocka_unit_test(test_l2_software_roundtrip),
		cmocka_unit_test(test_tsinfo_and_iface),
		cmocka_unit_test(test_bridge_tx_sched),
		cmocka_unit_test(test_hardware_mode_refused),
		cmocka_unit_test(test_linkmon),
		cmocka_unit_test(test_sysclk_read),
	};

	return cmocka_run_group_tests_name("hwts_real", tests, group_setup,
					   NULL);
}
