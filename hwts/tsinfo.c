/*
 * hwts/tsinfo.c — an interface's timestamping capabilities and PHC index.
 *
 * First ethtool's generic netlink family ("ethtool", ETHTOOL_MSG_TSINFO_GET
 * with compact bitsets) through libnl-genl-3; on any netlink failure (old
 * kernel, no libnl socket under a simulator, ...) the SIOCETHTOOL
 * ETHTOOL_GET_TS_INFO ioctl.  libnl creates its socket with SOCK_CLOEXEC;
 * that is one more reason why netlink stays optional here (design §4).
 */
#include <errno.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"

static int nl_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_OPNOTSUPP:
	case NLE_OBJ_NOTFOUND:
	case NLE_MSGTYPE_NOSUPPORT:
		return -EOPNOTSUPP;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_INVAL:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* Bit list form: ETHTOOL_A_BITSET_BITS with one nest per bit. */
static int bitset_list(struct nlattr *bits, bool nomask, uint32_t *out)
{
	struct nlattr *b[ETHTOOL_A_BITSET_BIT_MAX + 1], *pos;
	uint32_t idx;
	int rem;

	nla_for_each_nested(pos, bits, rem) {
		if (nla_type(pos) != ETHTOOL_A_BITSET_BITS_BIT)
			continue;
		if (nla_parse_nested(b, ETHTOOL_A_BITSET_BIT_MAX, pos, NULL) < 0)
			return -EINVAL;
		if (!b[ETHTOOL_A_BITSET_BIT_INDEX] ||
		    nla_len(b[ETHTOOL_A_BITSET_BIT_INDEX]) < 4)
			return -EINVAL;
		idx = nla_get_u32(b[ETHTOOL_A_BITSET_BIT_INDEX]);
		if (idx < 32 && (nomask || b[ETHTOOL_A_BITSET_BIT_VALUE]))
			*out |= 1u << idx;
	}
	return 0;
}

/* Compact form: VALUE (and MASK unless NOMASK) as arrays of u32 words. */
static int bitset_compact(struct nlattr **bs, uint32_t *out)
{
	uint32_t v = 0, m = UINT32_MAX;
	int len;

	if (!bs[ETHTOOL_A_BITSET_VALUE])
		return -EINVAL;
	len = nla_len(bs[ETHTOOL_A_BITSET_VALUE]);
	memcpy(&v, nla_data(bs[ETHTOOL_A_BITSET_VALUE]), len < 4 ? len : 4);
	if (!bs[ETHTOOL_A_BITSET_NOMASK] && bs[ETHTOOL_A_BITSET_MASK]) {
		len = nla_len(bs[ETHTOOL_A_BITSET_MASK]);
		m = 0;
		memcpy(&m, nla_data(bs[ETHTOOL_A_BITSET_MASK]),
		       len < 4 ? len : 4);
	}
	*out = v & m;
	return 0;
}

static int bitset_get(struct nlattr *attr, uint32_t *out)
{
	struct nlattr *bs[ETHTOOL_A_BITSET_MAX + 1];

	*out = 0;
	if (!attr)
		return 0;
	if (nla_parse_nested(bs, ETHTOOL_A_BITSET_MAX, attr, NULL) < 0)
		return -EINVAL;
	if (bs[ETHTOOL_A_BITSET_BITS])
		return bitset_list(bs[ETHTOOL_A_BITSET_BITS],
				   bs[ETHTOOL_A_BITSET_NOMASK] != NULL, out);
	return bitset_compact(bs, out);
}

int hwts_tsinfo_parse_msg(struct nlmsghdr *nlh, struct hwts_info *out)
{
	struct nlattr *tb[ETHTOOL_A_TSINFO_MAX + 1];
	struct nlattr *phc;
	int err;

	memset(out, 0, sizeof(*out));
	out->phc_index = -1;
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != ETHTOOL_MSG_TSINFO_GET_REPLY)
		return -EINVAL;
	if (genlmsg_parse(nlh, 0, tb, ETHTOOL_A_TSINFO_MAX, NULL) < 0)
		return -EINVAL;
	err = bitset_get(tb[ETHTOOL_A_TSINFO_TIMESTAMPING],
			 &out->so_timestamping);
	if (!err)
		err = bitset_get(tb[ETHTOOL_A_TSINFO_TX_TYPES], &out->tx_types);
	if (!err)
		err = bitset_get(tb[ETHTOOL_A_TSINFO_RX_FILTERS],
				 &out->rx_filters);
	if (err)
		return err;
	phc = tb[ETHTOOL_A_TSINFO_PHC_INDEX];
	if (phc && nla_len(phc) >= 4 && nla_get_u32(phc) <= INT32_MAX)
		out->phc_index = (int)nla_get_u32(phc);
	out->from_netlink = true;
	return 0;
}

struct tsinfo_ctx {
	struct hwts_info *info;
	int err;
	bool got;
};

static int tsinfo_cb(struct nl_msg *msg, void *arg)
{
	struct tsinfo_ctx *ctx = arg;

	ctx->err = hwts_tsinfo_parse_msg(nlmsg_hdr(msg), ctx->info);
	ctx->got = true;
	return NL_OK;
}

static int tsinfo_request(struct nl_sock *sk, int family, const char *ifname)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *hdr;
	int err = -NLE_NOMEM;

	if (!msg)
		return err;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			 ETHTOOL_MSG_TSINFO_GET, ETHTOOL_GENL_VERSION))
		goto out;
	/* the ethtool family validates strictly: nests carry the flag */
	hdr = nla_nest_start(msg, ETHTOOL_A_TSINFO_HEADER | NLA_F_NESTED);
	if (!hdr ||
	    nla_put_string(msg, ETHTOOL_A_HEADER_DEV_NAME, ifname) < 0 ||
	    nla_put_u32(msg, ETHTOOL_A_HEADER_FLAGS,
			ETHTOOL_FLAG_COMPACT_BITSETS) < 0)
		goto out;
	nla_nest_end(msg, hdr);
	err = nl_send_auto(sk, msg);
out:
	nlmsg_free(msg);
	return err < 0 ? err : 0;
}

int hwts_tsinfo_netlink(const char *ifname, struct hwts_info *out)
{
	struct tsinfo_ctx ctx = { .info = out, .err = 0, .got = false };
	struct nl_sock *sk = nl_socket_alloc();
	int family, err;

	if (!sk)
		return -ENOMEM;
	err = genl_connect(sk);
	if (err < 0)
		goto out;
	nl_socket_disable_auto_ack(sk);
	family = genl_ctrl_resolve(sk, ETHTOOL_GENL_NAME);
	if (family < 0) {
		err = family;
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, tsinfo_cb, &ctx);
	err = tsinfo_request(sk, family, ifname);
	if (err == 0)
		err = nl_recvmsgs_default(sk);
out:
	nl_socket_free(sk);
	if (err < 0) {
		cm_debug("%s: ethtool netlink TSINFO: %s", ifname,
			 nl_geterror(err));
		return nl_to_errno(err);
	}
	if (!ctx.got)
		return -EIO;
	return ctx.err;
}

int hwts_tsinfo_ioctl(const char *ifname, struct hwts_info *out)
{
	struct ethtool_ts_info ti;
	struct ifreq ifr;
	int err;

	memset(out, 0, sizeof(*out));
	out->phc_index = -1;
	memset(&ti, 0, sizeof(ti));
	memset(&ifr, 0, sizeof(ifr));
	ti.cmd = ETHTOOL_GET_TS_INFO;
	ifr.ifr_data = (void *)&ti;
	err = hwts_ifreq_ioctl(ifname, SIOCETHTOOL, &ifr, "ETHTOOL_GET_TS_INFO",
			       false);
	if (err)
		return err;
	out->so_timestamping = ti.so_timestamping;
	out->phc_index = ti.phc_index < 0 ? -1 : ti.phc_index;
	out->tx_types = ti.tx_types;
	out->rx_filters = ti.rx_filters;
	out->from_netlink = false;
	return 0;
}

int hwts_get_info(const char *ifname, struct hwts_info *out)
{
	int err = hwts_tsinfo_netlink(ifname, out);

	if (err == 0)
		return 0;
	cm_debug("%s: TSINFO over netlink failed (%s), trying the ioctl",
		 ifname, hwts_errname(err));
	return hwts_tsinfo_ioctl(ifname, out);
}

bool hwts_info_supports(const struct hwts_info *info, bool hardware)
{
	uint32_t need;

	if (hardware)
		need = SOF_TIMESTAMPING_TX_HARDWARE |
		       SOF_TIMESTAMPING_RX_HARDWARE |
		       SOF_TIMESTAMPING_RAW_HARDWARE;
	else
		need = SOF_TIMESTAMPING_TX_SOFTWARE |
		       SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	if ((info->so_timestamping & need) != need)
		return false;
	return !hardware || info->phc_index >= 0;
}

/*
 * The scheduler's TX timestamp is taken in __dev_queue_xmit() of the
 * device the socket sends on, as the packet enters its queue, whatever
 * the driver: on a bridge that is before the bridge forwards the packet
 * to its ports (br_dev_xmit -> each port's veth or tap transmit, in the
 * same call), so it is early by the forwarding time, the per-port clone
 * and the queue of the port it leaves by.  The driver's own (TX_SOFTWARE)
 * timestamp of a port would be later and truer, but the bridge's clones
 * carry no socket, so none comes back.
 */
bool hwts_info_tx_sched(const struct hwts_info *info)
{
	uint32_t rx = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;

	return (info->so_timestamping & rx) == rx &&
	       !(info->so_timestamping & SOF_TIMESTAMPING_TX_SOFTWARE);
}
