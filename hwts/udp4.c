/*
 * hwts/udp4.c — the UDP/IPv4 transport (IEEE 1588-2019 annex C).
 *
 * Two sockets per interface: event (port 319, timestamped) and general
 * (320), both bound to INADDR_ANY:port and to the device, members of the
 * PTP primary group and, for peer delay, of the peer-delay group.  Unicast
 * destinations arrive as a struct sockaddr_in inside struct bc_addr; the
 * port is always the channel's own (as ptp4l does), so a reply to a
 * message received on one channel can go out on the other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"
#include "hwts/transport.h"

struct transport {
	char ifname[IFNAMSIZ];
	struct transport_cfg cfg;
	int fd[2]; /* event, general */
	int ifindex;
	bool hardware;
	struct sockaddr_in dst[2]; /* primary group, peer-delay group */
	struct hwts_txq txq;
	struct hwts_hwtstamp_state hw;
};

void transport_cfg_default(struct transport_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = HWTS_HARDWARE;
	c->filter_mode = HWTS_FILTER_NORMAL;
	c->want_peer = false;
	c->udp_ttl = 1;
	c->dscp_event = 0;
	c->dscp_general = 0;
	c->socket_priority = 0;
	strcpy(c->ptp_dst_ipv4, "224.0.1.129");
	strcpy(c->p2p_dst_ipv4, "224.0.0.107");
	c->event_port = 319;
	c->general_port = 320;
}

static int parse_group(const char *ifname, const char *s, const char *opt,
		       struct sockaddr_in *out)
{
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if (strnlen(s, 16) >= 16 || inet_pton(AF_INET, s, &out->sin_addr) != 1 ||
	    !IN_MULTICAST(ntohl(out->sin_addr.s_addr))) {
		cm_err("%s: %s: not an IPv4 multicast address", ifname, opt);
		return -EINVAL;
	}
	return 0;
}

static int udp4_check_cfg(struct transport *t)
{
	const struct transport_cfg *c = &t->cfg;
	int err;

	err = parse_group(t->ifname, c->ptp_dst_ipv4, "ptp_dst_ipv4",
			  &t->dst[0]);
	if (!err)
		err = parse_group(t->ifname, c->p2p_dst_ipv4, "p2p_dst_ipv4",
				  &t->dst[1]);
	if (err)
		return err;
	if (c->event_port == 0 || c->general_port == 0 ||
	    c->event_port == c->general_port || c->udp_ttl < 1 ||
	    c->udp_ttl > 255 || c->dscp_event < 0 || c->dscp_event > 63 ||
	    c->dscp_general < 0 || c->dscp_general > 63) {
		cm_err("%s: bad UDPv4 settings (ports %u/%u, ttl %d, dscp "
		       "%d/%d)",
		       t->ifname, c->event_port, c->general_port, c->udp_ttl,
		       c->dscp_event, c->dscp_general);
		return -EINVAL;
	}
	return 0;
}

static int sockopt(struct transport *t, int ch, int level, int name,
		   const void *val, socklen_t len, const char *what)
{
	int err;

	if (setsockopt(t->fd[ch], level, name, val, len) == 0)
		return 0;
	err = -errno;
	cm_err("%s: %s socket: %s: %s", t->ifname, ch ? "general" : "event",
	       what, strerror(-err));
	return err;
}

static int sockopt_int(struct transport *t, int ch, int level, int name,
		       int v, const char *what)
{
	return sockopt(t, ch, level, name, &v, sizeof(v), what);
}

/* Create, flag, bind to the port and the device. */
static int udp4_socket_bind(struct transport *t, int ch)
{
	uint16_t port = ch ? t->cfg.general_port : t->cfg.event_port;
	struct sockaddr_in sin;
	int err;

	t->fd[ch] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (t->fd[ch] < 0) {
		err = -errno;
		cm_err("%s: socket: %s", t->ifname, strerror(-err));
		return err;
	}
	err = hwts_fd_set_flags(t->fd[ch]);
	if (err) {
		cm_err("%s: fcntl: %s", t->ifname, strerror(-err));
		return err;
	}
	err = sockopt_int(t, ch, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	if (!err)
		err = sockopt(t, ch, SOL_SOCKET, SO_BINDTODEVICE, t->ifname,
			      (socklen_t)strlen(t->ifname) + 1,
			      "SO_BINDTODEVICE");
	if (err)
		return err;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons(port);
	if (bind(t->fd[ch], (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		cm_err("%s: bind to port %u: %s", t->ifname, port,
		       strerror(-err));
		return err;
	}
	return 0;
}

static int udp4_join(struct transport *t, int ch, const struct sockaddr_in *g)
{
	struct ip_mreqn mr;

	memset(&mr, 0, sizeof(mr));
	mr.imr_multiaddr = g->sin_addr;
	mr.imr_address.s_addr = htonl(INADDR_ANY);
	mr.imr_ifindex = t->ifindex;
	return sockopt(t, ch, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr),
		       "IP_ADD_MEMBERSHIP");
}

/* Groups, outgoing interface, TTL, no loopback, DSCP, priority. */
static int udp4_socket_mcast(struct transport *t, int ch)
{
	int dscp = ch ? t->cfg.dscp_general : t->cfg.dscp_event;
	struct ip_mreqn mr;
	int err;

	err = udp4_join(t, ch, &t->dst[0]);
	if (!err && t->cfg.want_peer)
		err = udp4_join(t, ch, &t->dst[1]);
	if (err)
		return err;
	memset(&mr, 0, sizeof(mr));
	mr.imr_ifindex = t->ifindex;
	err = sockopt(t, ch, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr),
		      "IP_MULTICAST_IF");
	if (!err)
		err = sockopt_int(t, ch, IPPROTO_IP, IP_MULTICAST_TTL,
				  t->cfg.udp_ttl, "IP_MULTICAST_TTL");
	if (!err)
		err = sockopt_int(t, ch, IPPROTO_IP, IP_MULTICAST_LOOP, 0,
				  "IP_MULTICAST_LOOP");
	if (!err)
		err = sockopt_int(t, ch, IPPROTO_IP, IP_TOS, dscp << 2,
				  "IP_TOS");
	if (!err && t->cfg.socket_priority > 0)
		err = sockopt_int(t, ch, SOL_SOCKET, SO_PRIORITY,
				  t->cfg.socket_priority, "SO_PRIORITY");
	return err;
}

/*
 * The receive buffer: SO_RCVBUFFORCE (CAP_NET_ADMIN, which hvptpd has)
 * passes net.core.rmem_max; without the capability SO_RCVBUF takes what
 * the cap allows.  TX timestamps queue on the event socket's error queue,
 * charged to this same buffer: a buffer full of Delay_Reqs loses them.
 */
static int udp4_socket_rcvbuf(struct transport *t, int ch)
{
	int v = t->cfg.rcvbuf, err;

	if (v <= 0)
		return 0;
	if (setsockopt(t->fd[ch], SOL_SOCKET, SO_RCVBUFFORCE, &v,
		       sizeof(v)) == 0)
		return 0;
	err = -errno;
	if (err != -EPERM) {
		cm_err("%s: %s socket: SO_RCVBUFFORCE %d: %s", t->ifname,
		       ch ? "general" : "event", v, strerror(-err));
		return err;
	}
	if (ch == 0)
		cm_notice("%s: socket_rcvbuf %d: no CAP_NET_ADMIN, capped by "
			  "net.core.rmem_max", t->ifname, v);
	return sockopt_int(t, ch, SOL_SOCKET, SO_RCVBUF, v, "SO_RCVBUF");
}

static void udp4_close(struct transport *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < 2; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
	if (t->hardware)
		hwts_hwtstamp_restore(t->ifname, &t->hw);
	free(t);
}

static int udp4_setup(struct transport *t)
{
	bool opt_id = false;
	int err, ch;

	err = udp4_check_cfg(t);
	if (!err)
		err = hwts_iface_index(t->ifname, &t->ifindex);
	if (!err && t->hardware)
		err = hwts_hwtstamp_setup(t->ifname, t->cfg.filter_mode, &t->hw);
	for (ch = 0; ch < 2 && !err; ch++) {
		err = udp4_socket_bind(t, ch);
		if (!err)
			err = udp4_socket_mcast(t, ch);
		if (!err)
			err = udp4_socket_rcvbuf(t, ch);
	}
	if (!err)
		err = hwts_tstamp_enable(t->fd[0], t->ifname, t->cfg.mode, true,
					 &opt_id);
	if (!err)
		err = hwts_tstamp_enable(t->fd[1], t->ifname, t->cfg.mode,
					 false, NULL);
	hwts_txq_init(&t->txq, opt_id, t->cfg.mode);
	return err;
}

static int udp4_open(struct transport **out, const char *ifname,
		     const struct transport_cfg *cfg)
{
	struct transport *t;
	int err;

	*out = NULL;
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ) {
		cm_err("%s: bad interface name", ifname ? ifname : "(null)");
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	strcpy(t->ifname, ifname);
	t->cfg = *cfg;
	t->fd[0] = t->fd[1] = -1;
	t->hardware = cfg->mode == HWTS_HARDWARE;
	err = udp4_setup(t);
	if (err) {
		udp4_close(t);
		return err;
	}
	cm_info("%s: UDPv4 on ports %u/%u, %s timestamps%s", ifname,
		cfg->event_port, cfg->general_port,
		t->hardware			       ? "hardware"
		: cfg->mode == HWTS_SOFTWARE_SCHED ? "software (TX: scheduler)"
						   : "software",
		t->txq.opt_id ? "" : " (no OPT_ID)");
	*out = t;
	return 0;
}

static int udp4_dest(struct transport *t, enum bc_dest dest,
		     const struct bc_addr *addr, struct sockaddr_in *sin)
{
	switch (dest) {
	case BC_DEST_PRIMARY:
		*sin = t->dst[0];
		return 0;
	case BC_DEST_PDELAY:
		*sin = t->dst[1];
		return 0;
	case BC_DEST_UNICAST:
		if (!addr || addr->len != sizeof(*sin))
			break;
		memcpy(sin, addr->data, sizeof(*sin));
		if (sin->sin_family != AF_INET)
			break;
		return 0;
	}
	cm_debug("%s: send: bad destination", t->ifname);
	return -EINVAL;
}

static int udp4_send(struct transport *t, bool event, enum bc_dest dest,
		     const struct bc_addr *addr, const void *buf, size_t len,
		     uint32_t *txid)
{
	struct sockaddr_in sin;
	uint32_t id;
	ssize_t n;
	int err;

	err = udp4_dest(t, dest, addr, &sin);
	if (err)
		return err;
	sin.sin_port = htons(event ? t->cfg.event_port : t->cfg.general_port);
	n = sendto(t->fd[event ? 0 : 1], buf, len, 0, (struct sockaddr *)&sin,
		   sizeof(sin));
	if (n < 0) {
		err = -errno;
		if (event)
			hwts_txq_failed(&t->txq);
		cm_debug("%s: sendto: %s", t->ifname, strerror(-err));
		return err;
	}
	if (event) {
		id = hwts_txq_sent(&t->txq, buf, len);
		if (txid)
			*txid = id;
	}
	return (int)n;
}

static int udp4_recv(struct transport *t, int channel, void *buf, size_t cap,
		     struct transport_rx *rx)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct sockaddr_in from;
	struct hwts_cmsg c;
	struct msghdr msg;
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	if (channel != 0 && channel != 1)
		return -EINVAL;
	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(t->fd[channel], &msg, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	rx->truncated = (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	if (msg.msg_namelen >= sizeof(from) && from.sin_family == AF_INET) {
		rx->src.len = sizeof(from);
		memcpy(rx->src.data, &from, sizeof(from));
	}
	hwts_cmsg_parse(&msg, &c);
	rx->have_ts = hwts_cmsg_ts(&c, t->hardware, &rx->ts);
	return (size_t)n > cap ? (int)cap : (int)n;
}

static int udp4_recv_txts(struct transport *t, struct transport_txts *out)
{
	return hwts_txts_read(t->fd[0], t->ifname, t->hardware, &t->txq, out);
}

static void udp4_fds(struct transport *t, int fds[2])
{
	fds[0] = t->fd[0];
	fds[1] = t->fd[1];
}

const struct transport_ops transport_udp4_ops = {
	.name = "UDPv4",
	.open = udp4_open,
	.close = udp4_close,
	.send = udp4_send,
	.recv = udp4_recv,
	.recv_txts = udp4_recv_txts,
	.fds = udp4_fds,
};
