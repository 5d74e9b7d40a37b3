/*
 * hwts/linkmon.c — link state changes from rtnetlink (RTNLGRP_LINK).
 *
 * A plain NETLINK_ROUTE socket rather than libnl-route: the job is one
 * multicast group and one message type (struct ifinfomsg plus IFLA_IFNAME),
 * which the kernel's NLMSG_* / RTA_* macros parse with explicit bounds in a
 * few lines; libnl's caches would add allocation and a SOCK_CLOEXEC socket
 * for nothing, and the raw socket behaves like every other fd in the poll
 * loop.  When the socket buffer overflowed (ENOBUFS: events were lost), a
 * RTM_GETLINK dump is requested and its replies report every link afresh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"

struct hwts_linkmon {
	int fd;
	uint32_t seq;
};

int hwts_linkmon_open(struct hwts_linkmon **out)
{
	struct sockaddr_nl sa;
	struct hwts_linkmon *lm;
	int err;

	*out = NULL;
	lm = calloc(1, sizeof(*lm));
	if (!lm)
		return -ENOMEM;
	lm->fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (lm->fd < 0) {
		err = -errno;
		cm_err("linkmon: netlink socket: %s", strerror(-err));
		free(lm);
		return err;
	}
	err = hwts_fd_set_flags(lm->fd);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK;
	if (!err && bind(lm->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = -errno;
	if (err) {
		cm_err("linkmon: netlink bind: %s", strerror(-err));
		hwts_linkmon_close(lm);
		return err;
	}
	*out = lm;
	return 0;
}

int hwts_linkmon_fd(const struct hwts_linkmon *lm)
{
	return lm->fd;
}

void hwts_linkmon_close(struct hwts_linkmon *lm)
{
	if (!lm)
		return;
	if (lm->fd >= 0)
		close(lm->fd);
	free(lm);
}

/* Ask for every link's state (after lost events). */
static int linkmon_request_dump(struct hwts_linkmon *lm)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	struct sockaddr_nl sa;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = ++lm->seq;
	req.ifi.ifi_family = AF_UNSPEC;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(lm->fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* IFLA_IFNAME ("" when absent or malformed) and IFLA_MASTER (0 when
 * absent) of a link message. */
static void link_attrs(struct nlmsghdr *nh, char name[IFNAMSIZ], int *master)
{
	struct rtattr *rta = IFLA_RTA(NLMSG_DATA(nh));
	int len = (int)IFLA_PAYLOAD(nh);
	uint32_t m;
	size_t n;

	name[0] = '\0';
	*master = 0;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		n = RTA_PAYLOAD(rta);
		if (rta->rta_type == IFLA_MASTER && n == sizeof(m)) {
			memcpy(&m, RTA_DATA(rta), sizeof(m));
			*master = m > INT32_MAX ? 0 : (int)m;
		}
		if (rta->rta_type != IFLA_IFNAME || name[0])
			continue;
		if (n == 0 || n > IFNAMSIZ ||
		    memchr(RTA_DATA(rta), '\0', n) == NULL)
			continue;
		memcpy(name, RTA_DATA(rta), n);
	}
}

static void linkmon_parse(void *buf, size_t len, hwts_link_cb cb, void *ctx)
{
	unsigned char *p = buf;
	struct nlmsghdr *nh;
	struct ifinfomsg *ifi;
	char name[IFNAMSIZ];
	struct hwts_link l;
	size_t step;

	/* NLMSG_OK/NLMSG_NEXT, with the bounds spelled out in size_t */
	while (len >= sizeof(*nh)) {
		nh = (struct nlmsghdr *)p;
		if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > len)
			return;
		if ((nh->nlmsg_type == RTM_NEWLINK ||
		     nh->nlmsg_type == RTM_DELLINK) &&
		    nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi))) {
			ifi = NLMSG_DATA(nh);
			link_attrs(nh, name, &l.master);
			l.ifindex = ifi->ifi_index;
			l.name = name;
			l.exists = nh->nlmsg_type == RTM_NEWLINK;
			l.up = l.exists && (ifi->ifi_flags & IFF_RUNNING);
			cb(ctx, &l);
		}
		step = NLMSG_ALIGN(nh->nlmsg_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

/* One datagram: 1 parsed, 0 skipped, -EAGAIN empty, -errno. */
static int linkmon_read_one(struct hwts_linkmon *lm, hwts_link_cb cb,
			    void *ctx)
{
	union {
		char buf[16384];
		struct nlmsghdr align;
	} u;
	struct iovec iov = { .iov_base = u.buf, .iov_len = sizeof(u.buf) };
	struct sockaddr_nl from;
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	n = recvmsg(lm->fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (msg.msg_namelen < sizeof(from) || from.nl_pid != 0 ||
	    (msg.msg_flags & MSG_TRUNC)) {
		cm_debug("linkmon: dropped a netlink message (sender %u, "
			 "flags 0x%x)",
			 from.nl_pid, (unsigned int)msg.msg_flags);
		return 0;
	}
	linkmon_parse(u.buf, (size_t)n, cb, ctx);
	return 1;
}

int hwts_linkmon_read(struct hwts_linkmon *lm, hwts_link_cb cb, void *ctx)
{
	int i, err;

	for (i = 0; i < 64; i++) {
		err = linkmon_read_one(lm, cb, ctx);
		if (err == -EAGAIN)
			return 0;
		if (err == -EINTR || err >= 0)
			continue;
		if (err != -ENOBUFS) {
			cm_err("linkmon: recvmsg: %s", strerror(-err));
			return err;
		}
		cm_warn("linkmon: link events lost, asking for every link");
		err = linkmon_request_dump(lm);
		if (err) {
			cm_err("linkmon: RTM_GETLINK: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}
