/*
 * tests/unit/test_hwts_tsinfo.c — hwts/tsinfo.c and hwts/iface.c: the
 * ETHTOOL_GET_TS_INFO ioctl path (netlink made to fail by wrapping
 * nl_socket_alloc), the TSINFO netlink reply parser on messages built here
 * (compact bitsets, bit lists, masks, no PHC, malformed), capability
 * checks, and the SIOCGIFINDEX / SIOCGIFHWADDR / SIOCGIFFLAGS look-ups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <sys/ioctl.h>

#include "hwts/hwts_priv.h"
#include "tests/unit/hwts_test.h"

int __wrap_ioctl(int fd, unsigned long req, ...);
struct nl_sock *__wrap_nl_socket_alloc(void);

static struct {
	int nl_allocs;
	int err; /* every ioctl fails with this */
	int n;
	unsigned long last_req;
	struct ethtool_ts_info ti;
	uint8_t mac[6];
	unsigned short hwtype;
	short flags;
	uint8_t ip[4];
} io;

struct nl_sock *__wrap_nl_socket_alloc(void)
{
	io.nl_allocs++;
	return NULL; /* no netlink here: the ioctl path must do */
}

static int fake_ethtool(struct ifreq *ifr)
{
	struct ethtool_ts_info ti;

	memcpy(&ti, ifr->ifr_data, sizeof(ti));
	assert_int_equal(ti.cmd, ETHTOOL_GET_TS_INFO);
	io.ti.cmd = ti.cmd;
	memcpy(ifr->ifr_data, &io.ti, sizeof(io.ti));
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
	io.n++;
	io.last_req = req;
	assert_string_equal(ifr->ifr_name, "eth0");
	if (io.err) {
		errno = io.err;
		return -1;
	}
	switch (req) {
	case SIOCETHTOOL:
		return fake_ethtool(ifr);
	case SIOCGIFINDEX:
		ifr->ifr_ifindex = 7;
		return 0;
	case SIOCGIFHWADDR:
		ifr->ifr_hwaddr.sa_family = io.hwtype;
		memcpy(ifr->ifr_hwaddr.sa_data, io.mac, 6);
		return 0;
	case SIOCGIFFLAGS:
		ifr->ifr_flags = io.flags;
		return 0;
	case SIOCGIFADDR:
		assert_int_equal(ifr->ifr_addr.sa_family, AF_INET);
		memcpy(&((struct sockaddr_in *)&ifr->ifr_addr)->sin_addr,
		       io.ip, 4);
		return 0;
	}
	fail_msg("unexpected ioctl 0x%lx", req);
	return -1;
}

static int setup(void **state)
{
	(void)state;
	memset(&io, 0, sizeof(io));
	ht_log_reset();
	return 0;
}

#define SW_ALL                                                       \
	(SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE | \
	 SOF_TIMESTAMPING_SOFTWARE)
#define HW_ALL                                                       \
	(SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RX_HARDWARE | \
	 SOF_TIMESTAMPING_RAW_HARDWARE)

/* ---- ioctl path ---- */

static void test_ioctl_path(void **state)
{
	struct hwts_info info;

	(void)state;
	io.ti.so_timestamping = SW_ALL | HW_ALL;
	io.ti.phc_index = 3;
	io.ti.tx_types = (1 << HWTSTAMP_TX_OFF) | (1 << HWTSTAMP_TX_ON);
	io.ti.rx_filters = (1 << HWTSTAMP_FILTER_NONE) |
			   (1 << HWTSTAMP_FILTER_ALL);
	info.from_netlink = true;
	assert_int_equal(hwts_get_info("eth0", &info), 0);
	assert_int_equal(io.nl_allocs, 1);
	assert_int_equal(io.last_req, SIOCETHTOOL);
	assert_false(info.from_netlink);
	assert_int_equal(info.phc_index, 3);
	assert_int_equal(info.so_timestamping, SW_ALL | HW_ALL);
	assert_int_equal(info.tx_types, 3);
	assert_int_equal(info.rx_filters, 3);
	assert_true(hwts_info_supports(&info, true));
	assert_true(hwts_info_supports(&info, false));
}

static void test_ioctl_software_only(void **state)
{
	struct hwts_info info;

	(void)state;
	io.ti.so_timestamping = SW_ALL | HW_ALL;
	io.ti.phc_index = -1; /* hardware stamps but no PHC: useless */
	assert_int_equal(hwts_get_info("eth0", &info), 0);
	assert_int_equal(info.phc_index, -1);
	assert_false(hwts_info_supports(&info, true));
	assert_true(hwts_info_supports(&info, false));
	/* no TX software stamps (a driver without skb_tx_timestamp) */
	io.ti.so_timestamping = SOF_TIMESTAMPING_RX_SOFTWARE |
				SOF_TIMESTAMPING_SOFTWARE;
	assert_int_equal(hwts_get_info("eth0", &info), 0);
	assert_false(hwts_info_supports(&info, false));
}

static void test_ioctl_fails(void **state)
{
	struct hwts_info info;

	(void)state;
	io.err = EOPNOTSUPP;
	assert_int_equal(hwts_get_info("eth0", &info), -EOPNOTSUPP);
	assert_true(ht_log_has("eth0: ETHTOOL_GET_TS_INFO"));
	assert_int_equal(info.phc_index, -1);
}

/* ---- netlink reply parser ---- */

static struct nl_msg *reply_new(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, 20, 0, 0, cmd, 1));
	return m;
}

static void put_compact(struct nl_msg *m, int type, uint32_t v, bool nomask,
			uint32_t mask)
{
	struct nlattr *n = nla_nest_start(m, type | NLA_F_NESTED);

	if (nomask)
		nla_put_flag(m, ETHTOOL_A_BITSET_NOMASK);
	nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 32);
	nla_put(m, ETHTOOL_A_BITSET_VALUE, sizeof(v), &v);
	if (!nomask)
		nla_put(m, ETHTOOL_A_BITSET_MASK, sizeof(mask), &mask);
	nla_nest_end(m, n);
}

static void put_bit(struct nl_msg *m, uint32_t idx, bool value)
{
	struct nlattr *b = nla_nest_start(m, ETHTOOL_A_BITSET_BITS_BIT |
						     NLA_F_NESTED);

	nla_put_u32(m, ETHTOOL_A_BITSET_BIT_INDEX, idx);
	nla_put_string(m, ETHTOOL_A_BITSET_BIT_NAME, "x");
	if (value)
		nla_put_flag(m, ETHTOOL_A_BITSET_BIT_VALUE);
	nla_nest_end(m, b);
}

static void test_parse_compact(void **state)
{
	struct nl_msg *m = reply_new(ETHTOOL_MSG_TSINFO_GET_REPLY);
	struct hwts_info info;

	(void)state;
	put_compact(m, ETHTOOL_A_TSINFO_TIMESTAMPING, SW_ALL | HW_ALL, true, 0);
	put_compact(m, ETHTOOL_A_TSINFO_TX_TYPES, 0x3, true, 0);
	/* value/mask form: only bits in the mask count */
	put_compact(m, ETHTOOL_A_TSINFO_RX_FILTERS, 0x1013, false, 0x1003);
	nla_put_u32(m, ETHTOOL_A_TSINFO_PHC_INDEX, 2);
	assert_int_equal(hwts_tsinfo_parse_msg(nlmsg_hdr(m), &info), 0);
	assert_true(info.from_netlink);
	assert_int_equal(info.so_timestamping, SW_ALL | HW_ALL);
	assert_int_equal(info.tx_types, 0x3);
	assert_int_equal(info.rx_filters, 0x1003);
	assert_int_equal(info.phc_index, 2);
	assert_true(hwts_info_supports(&info, true));
	nlmsg_free(m);
}

static void test_parse_bit_lists(void **state)
{
	struct nl_msg *m = reply_new(ETHTOOL_MSG_TSINFO_GET_REPLY);
	struct nlattr *bs, *bits;
	struct hwts_info info;

	(void)state;
	/* NOMASK: every listed bit is set */
	bs = nla_nest_start(m, ETHTOOL_A_TSINFO_TIMESTAMPING | NLA_F_NESTED);
	nla_put_flag(m, ETHTOOL_A_BITSET_NOMASK);
	nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 17);
	bits = nla_nest_start(m, ETHTOOL_A_BITSET_BITS | NLA_F_NESTED);
	put_bit(m, 1, false); /* SOF_TIMESTAMPING_TX_SOFTWARE */
	put_bit(m, 3, false); /* RX_SOFTWARE */
	put_bit(m, 4, false); /* SOFTWARE */
	put_bit(m, 40, false); /* beyond 32 bits: ignored */
	nla_nest_end(m, bits);
	nla_nest_end(m, bs);
	/* with a mask: only bits with VALUE are set */
	bs = nla_nest_start(m, ETHTOOL_A_TSINFO_RX_FILTERS | NLA_F_NESTED);
	bits = nla_nest_start(m, ETHTOOL_A_BITSET_BITS | NLA_F_NESTED);
	put_bit(m, 0, true);
	put_bit(m, 1, false);
	put_bit(m, 12, true);
	nla_nest_end(m, bits);
	nla_nest_end(m, bs);
	assert_int_equal(hwts_tsinfo_parse_msg(nlmsg_hdr(m), &info), 0);
	assert_int_equal(info.so_timestamping, SW_ALL);
	assert_int_equal(info.rx_filters, (1u << 0) | (1u << 12));
	assert_int_equal(info.tx_types, 0);
	assert_int_equal(info.phc_index, -1); /* no PHC attribute */
	assert_true(hwts_info_supports(&info, false));
	assert_false(hwts_info_supports(&info, true));
	nlmsg_free(m);
}

static void test_parse_malformed(void **state)
{
	struct nl_msg *m = reply_new(ETHTOOL_MSG_TSINFO_GET);
	struct nlattr *bs;
	struct hwts_info info;

	(void)state;
	/* the request's command, not a reply */
	assert_int_equal(hwts_tsinfo_parse_msg(nlmsg_hdr(m), &info), -EINVAL);
	nlmsg_free(m);
	/* a bitset without value or bits */
	m = reply_new(ETHTOOL_MSG_TSINFO_GET_REPLY);
	bs = nla_nest_start(m, ETHTOOL_A_TSINFO_TX_TYPES | NLA_F_NESTED);
	nla_put_u32(m, ETHTOOL_A_BITSET_SIZE, 4);
	nla_nest_end(m, bs);
	assert_int_equal(hwts_tsinfo_parse_msg(nlmsg_hdr(m), &info), -EINVAL);
	nlmsg_free(m);
	/* a bit without an index */
	m = reply_new(ETHTOOL_MSG_TSINFO_GET_REPLY);
	bs = nla_nest_start(m, ETHTOOL_A_TSINFO_TX_TYPES | NLA_F_NESTED);
	nla_put_flag(m, ETHTOOL_A_BITSET_NOMASK);
	{
		struct nlattr *bits = nla_nest_start(m, ETHTOOL_A_BITSET_BITS);
		struct nlattr *b = nla_nest_start(m, ETHTOOL_A_BITSET_BITS_BIT);

		nla_put_flag(m, ETHTOOL_A_BITSET_BIT_VALUE);
		nla_nest_end(m, b);
		nla_nest_end(m, bits);
	}
	nla_nest_end(m, bs);
	assert_int_equal(hwts_tsinfo_parse_msg(nlmsg_hdr(m), &info), -EINVAL);
	nlmsg_free(m);
	/* a short value is read as far as it goes */
	m = reply_new(ETHTOOL_MSG_TSINFO_GET_REPLY);
	bs = nla_nest_start(m, ETHTOOL_A_TSINFO_TX_TYPES | NLA_F_NESTED);
	nla_put_flag(m, ETHTOOL_A_BITSET_NOMASK);
	nla_put(m, ETHTOOL_A_BITSET_VALUE, 1, "\x02");
	nla_nest_end(m, bs);
	nla_put(m, ETHTOOL_A_TSINFO_PHC_INDEX, 2, "\x01\x00");
	assert_int_equal(hwts_tsinfo_parse_msg(nlmsg_hdr(m), &info), 0);
	assert_int_equal(info.tx_types, 2);
	assert_int_equal(info.phc_index, -1); /* too short to be a u32 */
	nlmsg_free(m);
}

/* ---- interface look-ups ---- */

static void test_iface_lookups(void **state)
{
	const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const uint8_t ip[4] = { 192, 0, 2, 17 };
	uint8_t got[6];
	int index = 0;
	bool up = false;

	(void)state;
	assert_int_equal(hwts_iface_index("eth0", &index), 0);
	assert_int_equal(index, 7);
	assert_int_equal(io.last_req, SIOCGIFINDEX);
	memcpy(io.mac, mac, 6);
	io.hwtype = ARPHRD_ETHER;
	assert_int_equal(hwts_iface_mac("eth0", got), 0);
	assert_memory_equal(got, mac, 6);
	assert_int_equal(io.last_req, SIOCGIFHWADDR);
	memset(io.mac, 0, 6);
	assert_int_equal(hwts_iface_mac("eth0", got), -EADDRNOTAVAIL);
	io.flags = IFF_UP | IFF_RUNNING;
	assert_int_equal(hwts_iface_running("eth0", &up), 0);
	assert_true(up);
	assert_int_equal(io.last_req, SIOCGIFFLAGS);
	io.flags = IFF_UP;
	assert_int_equal(hwts_iface_running("eth0", &up), 0);
	assert_false(up);
	memcpy(io.ip, ip, 4);
	assert_int_equal(hwts_iface_ipv4("eth0", got), 0);
	assert_int_equal(io.last_req, SIOCGIFADDR);
	assert_memory_equal(got, ip, 4);
}

static void test_iface_errors(void **state)
{
	uint8_t ip[4];
	int index = 0;
	bool up;

	(void)state;
	assert_int_equal(hwts_iface_index("a-name-much-too-long", &index),
			 -EINVAL);
	assert_int_equal(hwts_iface_index("", &index), -EINVAL);
	assert_int_equal(io.n, 0);
	/* no such interface: quiet (a guest's tap not there yet) */
	io.err = ENODEV;
	ht_log_reset();
	assert_int_equal(hwts_iface_index("eth0", &index), -ENODEV);
	assert_false(ht_log_has("SIOCGIFINDEX"));
	assert_int_equal(hwts_iface_running("eth0", &up), -ENODEV);
	/* any other failure is logged */
	io.err = EPERM;
	assert_int_equal(hwts_iface_index("eth0", &index), -EPERM);
	assert_true(ht_log_has("eth0: SIOCGIFINDEX: Operation not permitted "
			       "(EPERM)"));
	/* no address: quiet (common) */
	io.err = EADDRNOTAVAIL;
	ht_log_reset();
	assert_int_equal(hwts_iface_ipv4("eth0", ip), -EADDRNOTAVAIL);
	assert_false(ht_log_has("SIOCGIFADDR"));
	assert_string_equal(hwts_errname(-EOPNOTSUPP), "EOPNOTSUPP");
	assert_string_equal(hwts_errname(ERANGE), "ERANGE");
}

/* The scheduler's TX timestamps only where the driver gives none but the
 * device stamps what it receives (a bridge reports RX_SOFTWARE|SOFTWARE). */
static void test_tx_sched_choice(void **state)
{
	struct hwts_info info;

	(void)state;
	memset(&info, 0, sizeof(info));
	info.phc_index = -1;
	info.so_timestamping =
		SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	assert_false(hwts_info_supports(&info, false));
	assert_true(hwts_info_tx_sched(&info));
	info.so_timestamping = SW_ALL;
	assert_true(hwts_info_supports(&info, false));
	assert_false(hwts_info_tx_sched(&info));
	info.so_timestamping = SOF_TIMESTAMPING_SOFTWARE;
	assert_false(hwts_info_tx_sched(&info));
	info.so_timestamping = 0;
	assert_false(hwts_info_tx_sched(&info));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ioctl_path, setup),
		cmocka_unit_test_setup(test_ioctl_software_only, setup),
		cmocka_unit_test_setup(test_ioctl_fails, setup),
		cmocka_unit_test_setup(test_parse_compact, setup),
		cmocka_unit_test_setup(test_parse_bit_lists, setup),
		cmocka_unit_test_setup(test_parse_malformed, setup),
		cmocka_unit_test_setup(test_iface_lookups, setup),
		cmocka_unit_test_setup(test_iface_errors, setup),
		cmocka_unit_test_setup(test_tx_sched_choice, setup),
	};

	return cmocka_run_group_tests_name("hwts_tsinfo", tests, NULL, NULL);
}
