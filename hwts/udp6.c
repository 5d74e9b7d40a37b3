/*
 * hwts/udp6.c — the UDP/IPv6 transport (IEEE 1588-2019 annex D).
 *
 * As UDPv4 (hwts/udp4.c): event (319) and general (320) sockets bound to
 * [::]:port and to the device, each a member of the primary group and,
 * for peer delay, of the peer-delay group, on the interface.  The groups
 * are ptp4l's: ptp_dst_ipv6 FF0X::181 with X the udp6_scope nibble (0x0E
 * global by default; 0x02 link-local), and p2p_dst_ipv6 FF02::6B (link
 * scope, always: peer delay never crosses a router).  Multicast hop limit
 * is udp_ttl, the traffic class dscp_event / dscp_general << 2.  A
 * link-local destination needs the interface as its scope id.  Every
 * datagram is sent with two bytes of zeros after the message, as ptp4l
 * does: room for a one-step device to fix the UDP checksum (mandatory over
 * IPv6) after writing the time (annex D.4); messageLength tells receivers
 * where the message ends.  Unicast destinations arrive as a struct
 * sockaddr_in6 in struct bc_addr (28 of its 31 bytes).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "bc/msg.h"
#include "hwts/hwts_priv.h"
#include "hwts/transport.h"

#define UDP6_PAD 2 /* zero bytes after each message (annex D.4) */

struct udp6 {
	struct transport t;
	struct sockaddr_in6 dst[2]; /* primary group, peer-delay group */
};

static struct udp6 *to_udp6(struct transport *t)
{
	return hwts_container_of(t, struct udp6, t);
}

static bool is_link_scope(const struct in6_addr *a)
{
	return IN6_IS_ADDR_MC_LINKLOCAL(a) || IN6_IS_ADDR_LINKLOCAL(a);
}

/* A group from its option; scope >= 0 replaces its scope nibble. */
static int parse_group6(const struct transport *t, const char *s,
			const char *opt, int scope, struct sockaddr_in6 *out)
{
	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	if (strnlen(s, 48) >= 48 || inet_pton(AF_INET6, s, &out->sin6_addr) != 1 ||
	    !IN6_IS_ADDR_MULTICAST(&out->sin6_addr)) {
		cm_err("%s: %s: not an IPv6 multicast address", t->ifname, opt);
		return -EINVAL;
	}
	if (scope >= 0)
		out->sin6_addr.s6_addr[1] =
			(uint8_t)((out->sin6_addr.s6_addr[1] & 0xf0) |
				  (scope & 0x0f));
	if (is_link_scope(&out->sin6_addr))
		out->sin6_scope_id = (uint32_t)t->ifindex;
	return 0;
}

static int udp6_check_cfg(struct udp6 *u)
{
	struct transport *t = &u->t;
	const struct transport_cfg *c = &t->cfg;
	int err;

	if (c->udp6_scope < 0 || c->udp6_scope > 0x0f) {
		cm_err("%s: udp6_scope 0x%x: not a scope (0x0-0xF)", t->ifname,
		       c->udp6_scope);
		return -EINVAL;
	}
	err = parse_group6(t, c->ptp_dst_ipv6, "ptp_dst_ipv6", c->udp6_scope,
			   &u->dst[0]);
	if (!err)
		err = parse_group6(t, c->p2p_dst_ipv6, "p2p_dst_ipv6", -1,
				   &u->dst[1]);
	if (err)
		return err;
	return transport_udp_cfg_ok(t, "UDPv6") ? 0 : -EINVAL;
}

static int udp6_socket_bind(struct transport *t, int ch)
{
	uint16_t port = ch ? t->cfg.general_port : t->cfg.event_port;
	struct sockaddr_in6 sin6;
	int err;

	err = transport_socket(t, ch, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IPV6, IPV6_V6ONLY, 1,
					    "IPV6_V6ONLY");
	if (!err)
		err = transport_bind_device(t, ch);
	if (err)
		return err;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_any;
	sin6.sin6_port = htons(port);
	return transport_bind_addr(t, ch, (struct sockaddr *)&sin6,
				   sizeof(sin6));
}

static int udp6_join(struct transport *t, int ch,
		     const struct sockaddr_in6 *g)
{
	struct ipv6_mreq mr;

	memset(&mr, 0, sizeof(mr));
	mr.ipv6mr_multiaddr = g->sin6_addr;
	mr.ipv6mr_interface = (unsigned int)t->ifindex;
	return transport_sockopt(t, ch, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
				 sizeof(mr), "IPV6_ADD_MEMBERSHIP");
}

/* Groups, outgoing interface, hop limit, no loopback, class, priority. */
static int udp6_socket_mcast(struct udp6 *u, int ch)
{
	struct transport *t = &u->t;
	int dscp = ch ? t->cfg.dscp_general : t->cfg.dscp_event;
	int err;

	err = udp6_join(t, ch, &u->dst[0]);
	if (!err && t->cfg.want_peer)
		err = udp6_join(t, ch, &u->dst[1]);
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IPV6,
					    IPV6_MULTICAST_IF, t->ifindex,
					    "IPV6_MULTICAST_IF");
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IPV6,
					    IPV6_MULTICAST_HOPS,
					    t->cfg.udp_ttl,
					    "IPV6_MULTICAST_HOPS");
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IPV6,
					    IPV6_MULTICAST_LOOP, 0,
					    "IPV6_MULTICAST_LOOP");
	if (!err)
		err = transport_sockopt_int(t, ch, IPPROTO_IPV6, IPV6_TCLASS,
					    dscp << 2, "IPV6_TCLASS");
	if (!err)
		err = transport_priority(t, ch);
	return err;
}

static int udp6_setup(struct udp6 *u)
{
	struct transport *t = &u->t;
	int err, ch;

	err = hwts_iface_index(t->ifname, &t->ifindex);
	if (!err)
		err = udp6_check_cfg(u);
	for (ch = 0; ch < 2 && !err; ch++) {
		err = udp6_socket_bind(t, ch);
		if (!err)
			err = udp6_socket_mcast(u, ch);
		if (!err)
			err = transport_rcvbuf(t, ch);
	}
	if (!err)
		err = transport_tstamp_setup(t, false);
	return err;
}

static int udp6_open(struct transport **out, const char *ifname,
		     const struct transport_cfg *cfg)
{
	char g[INET6_ADDRSTRLEN];
	struct transport *t;
	struct udp6 *u;
	int err;

	err = transport_base_new(sizeof(struct udp6), &transport_udp6_ops,
				 ifname, cfg, &t);
	if (err)
		return err;
	u = to_udp6(t);
	err = udp6_setup(u);
	if (err) {
		transport_base_close(t);
		*out = NULL;
		return err;
	}
	inet_ntop(AF_INET6, &u->dst[0].sin6_addr, g, sizeof(g));
	cm_info("%s: UDPv6 on ports %u/%u, group %s, %s timestamps", ifname,
		cfg->event_port, cfg->general_port, g, transport_mode_name(t));
	*out = t;
	return 0;
}

static int udp6_dest(struct udp6 *u, enum bc_dest dest,
		     const struct bc_addr *addr, struct sockaddr_in6 *sin6)
{
	switch (dest) {
	case BC_DEST_PRIMARY:
		*sin6 = u->dst[0];
		return 0;
	case BC_DEST_PDELAY:
		*sin6 = u->dst[1];
		return 0;
	case BC_DEST_UNICAST:
		if (!addr || addr->len != sizeof(*sin6))
			break;
		memcpy(sin6, addr->data, sizeof(*sin6));
		if (sin6->sin6_family != AF_INET6)
			break;
		if (is_link_scope(&sin6->sin6_addr) && !sin6->sin6_scope_id)
			sin6->sin6_scope_id = (uint32_t)u->t.ifindex;
		return 0;
	}
	cm_debug("%s: send: bad destination", u->t.ifname);
	return -EINVAL;
}

static int udp6_send(struct transport *t, enum transport_send what,
		     enum bc_dest dest, const struct bc_addr *addr,
		     const void *buf, size_t len, uint32_t token)
{
	bool event = what != TRANSPORT_GENERAL;
	uint8_t pkt[PTP_MAX_MSG_LEN + UDP6_PAD];
	struct sockaddr_in6 sin6;
	int err, n;

	if (len > PTP_MAX_MSG_LEN)
		return -EMSGSIZE;
	err = udp6_dest(to_udp6(t), dest, addr, &sin6);
	if (err)
		return err;
	sin6.sin6_port = htons(event ? t->cfg.event_port : t->cfg.general_port);
	memcpy(pkt, buf, len);
	memset(pkt + len, 0, UDP6_PAD);
	n = transport_sendto(t, what, pkt, len + UDP6_PAD, &sin6, sizeof(sin6),
			     token);
	return n < 0 ? n : (n > (int)len ? (int)len : n);
}

static int udp6_recv(struct transport *t, int channel, void *buf, size_t cap,
		     struct transport_rx *rx)
{
	struct sockaddr_in6 from;
	socklen_t fromlen = sizeof(from);
	int n;

	n = transport_recvmsg(t, channel, buf, cap, rx, &from, &fromlen);
	if (n >= 0 && fromlen >= sizeof(from) && from.sin6_family == AF_INET6) {
		rx->src.len = sizeof(from);
		memcpy(rx->src.data, &from, sizeof(from));
	}
	return n;
}

const struct transport_ops transport_udp6_ops = {
	.name = "UDPv6",
	.open = udp6_open,
	.close = transport_base_close,
	.send = udp6_send,
	.recv = udp6_recv,
	.recv_txts = transport_base_recv_txts,
	.fds = transport_base_fds,
};
