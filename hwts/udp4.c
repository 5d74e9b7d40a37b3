/*
 * hwts/udp4.c — the UDP/IPv4 transport (IEEE 1588-2019 annex C).
 *
 * Two sockets per interface: event (port 319, timestamped) and general
 * (320), both bound to INADDR_ANY:port and to the device, members of the
 * PTP primary group and, for peer delay, of the peer-delay group.  Unicast
 * destinations arrive as a struct sockaddr_in inside struct bc_addr; the
 * port is always the channel's own (as ptp4l does), so a reply to a
 * message received on one channel can go out on the other.  Receiving,
 * timestamps and the TX queue are the shared base's (hwts/transport.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"
#include "hwts/transport.h"

struct udp4 {
	struct transport t;
	struct sockaddr_in dst[2]; /* primary group, peer-delay group */
};

static struct udp4 *to_udp4(struct transport *t)
{
	return hwts_container_of(t, struct udp4, t);
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

static int udp4_check_cfg(struct udp4 *u)
{
	struct transport *t = &u->t;
	const struct transport_cfg *c = &t->cfg;
	int err;

	err = parse_group(t->ifname, c->ptp_dst_ipv4, "ptp_dst_ipv4",
			  &u->dst[0]);
	if (!err)
		err = parse_group(t->ifname, c->p2p_dst_ipv4, "p2p_dst_ipv4",
				  &u->dst[1]);
	if (err)
		return err;
	return transport_udp_cfg_ok(t, "UDPv4") ? 0 : -EINVAL;
}

/* Create, flag, bind to the port and the device. */
static int udp4_socket_bind(struct transport *t, int ch)
{
	uint16_t port = ch ? t->cfg.general_port : t->cfg.event_port;
	struct sockaddr_in sin;
	int err;

	err = transport_socket(t, ch, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (!err)
		err = transport_bind_device(t, ch);
	if (err)
		return err;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons(port);
	return transport_bind_addr(t, ch, (struct sockaddr *)&sin, sizeof(sin));
}

static int udp4_join(struct transport *t, int ch, const struct sockaddr_in *g)
{
	struct ip_mreqn mr;

	memset(&mr, 0, sizeof(mr));
	mr.imr_multiaddr = g->sin_addr;
	mr.imr_address.s_addr = htonl(INADDR_ANY);
	mr.imr_ifindex = t->ifindex;
	return transport_sockopt(t, ch, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				 sizeof(mr), "IP_ADD_MEMBERSHIP");
}

/* Groups, outgoing interface, TTL, no loopback, DSCP, priority. */
static int udp4_socket_mcast(struct udp4 *u, int ch)
{
	struct transport *t = &u->t;
	int dscp = ch ? t->cfg.dscp_general : t->cfg.dscp_event;
	struct ip_mreqn mr;
	int err;

	err = udp4_join(t, ch, &u->dst[0]);
	if (!err && t->cfg.want_peer)
		err = udp4_join(t, ch, &u->dst[1]);
	if (err)
		return err;
	memset(&mr, 0, sizeof(mr));
	mr.imr_ifindex = t->ifindex;
	err = transport_sockopt(t, ch, IPPROTO_IP, IP_MULTICAST_IF, &mr,
				sizeof(mr), "IP_MULTICAST_IF");
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IP,
					    IP_MULTICAST_TTL, t->cfg.udp_ttl,
					    "IP_MULTICAST_TTL");
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IP,
					    IP_MULTICAST_LOOP, 0,
					    "IP_MULTICAST_LOOP");
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IP, IP_TOS,
					    dscp << 2, "IP_TOS");
	if (!err)
		err = transport_priority(t, ch);
	return err;
}

static int udp4_setup(struct udp4 *u)
{
	struct transport *t = &u->t;
	int err, ch;

	err = udp4_check_cfg(u);
	if (!err)
		err = hwts_iface_index(t->ifname, &t->ifindex);
	for (ch = 0; ch < 2 && !err; ch++) {
		err = udp4_socket_bind(t, ch);
		if (!err)
			err = udp4_socket_mcast(u, ch);
		if (!err)
			err = transport_rcvbuf(t, ch);
	}
	if (!err)
		err = transport_tstamp_setup(t, false);
	return err;
}

static int udp4_open(struct transport **out, const char *ifname,
		     const struct transport_cfg *cfg)
{
	struct transport *t;
	int err;

	err = transport_base_new(sizeof(struct udp4), &transport_udp4_ops,
				 ifname, cfg, &t);
	if (err)
		return err;
	err = udp4_setup(to_udp4(t));
	if (err) {
		transport_base_close(t);
		*out = NULL;
		return err;
	}
	cm_info("%s: UDPv4 on ports %u/%u, %s timestamps", ifname,
		cfg->event_port, cfg->general_port, transport_mode_name(t));
	*out = t;
	return 0;
}

static int udp4_dest(struct udp4 *u, enum bc_dest dest,
		     const struct bc_addr *addr, struct sockaddr_in *sin)
{
	switch (dest) {
	case BC_DEST_PRIMARY:
		*sin = u->dst[0];
		return 0;
	case BC_DEST_PDELAY:
		*sin = u->dst[1];
		return 0;
	case BC_DEST_UNICAST:
		if (!addr || addr->len != sizeof(*sin))
			break;
		memcpy(sin, addr->data, sizeof(*sin));
		if (sin->sin_family != AF_INET)
			break;
		return 0;
	}
	cm_debug("%s: send: bad destination", u->t.ifname);
	return -EINVAL;
}

static int udp4_send(struct transport *t, enum transport_send what,
		     enum bc_dest dest, const struct bc_addr *addr,
		     const void *buf, size_t len, uint32_t token)
{
	bool event = what != TRANSPORT_GENERAL;
	struct sockaddr_in sin;
	int err;

	err = udp4_dest(to_udp4(t), dest, addr, &sin);
	if (err)
		return err;
	sin.sin_port = htons(event ? t->cfg.event_port : t->cfg.general_port);
	return transport_sendto(t, what, buf, len, &sin, sizeof(sin), token);
}

static int udp4_recv(struct transport *t, int channel, void *buf, size_t cap,
		     struct transport_rx *rx)
{
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	int n;

	n = transport_recvmsg(t, channel, buf, cap, rx, &from, &fromlen);
	if (n >= 0 && fromlen >= sizeof(from) && from.sin_family == AF_INET) {
		rx->src.len = sizeof(from);
		memcpy(rx->src.data, &from, sizeof(from));
	}
	return n;
}

const struct transport_ops transport_udp4_ops = {
	.name = "UDPv4",
	.open = udp4_open,
	.close = transport_base_close,
	.send = udp4_send,
	.recv = udp4_recv,
	.recv_txts = transport_base_recv_txts,
	.fds = transport_base_fds,
};
