/*
 * hwts/l2.c — the IEEE 802.3 transport (IEEE 1588-2019 annex E): PTP
 * straight in Ethernet frames, ethertype 0x88F7.
 *
 * One AF_PACKET socket receives both event and general messages (as
 * ptp4l: the message type, not a port number, tells them apart), bound to
 * the interface and the PTP ethertype, timestamped, a member of the
 * ptp_dst_mac (01:1B:19:00:00:00) and p2p_dst_mac (01:80:C2:00:00:0E)
 * groups with PACKET_ADD_MEMBERSHIP (all multicast when the driver takes
 * no list, as ptp4l).  It is SOCK_DGRAM: the kernel strips and builds the
 * Ethernet header from a struct sockaddr_ll.  Event messages go out from
 * it; general messages from a second, send-only socket (protocol 0: it
 * receives nothing) so that they take no TX timestamp and no OPT_ID key:
 * many NICs stamp one frame at a time, and a timestamped Announce could
 * cost a Sync its stamp.  Frames this host sends are not read back
 * (PACKET_IGNORE_OUTGOING where the kernel has it, else dropped by their
 * packet type).  Addresses in struct bc_addr are struct sockaddr_ll (20
 * of its 31 bytes): the peer's MAC in sll_addr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"
#include "hwts/transport.h"

#ifndef ETH_P_1588
#define ETH_P_1588 0x88F7
#endif
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct l2 {
	struct transport t;
	uint8_t dst[2][ETH_ALEN]; /* ptp_dst_mac, p2p_dst_mac */
};

static struct l2 *to_l2(struct transport *t)
{
	return hwts_container_of(t, struct l2, t);
}

/* "01:1B:19:00:00:00" (case-insensitive) to 6 bytes; -EINVAL otherwise. */
static int parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char tail;

	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != ETH_ALEN)
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (s[3 * i + 2] != ':' && i < ETH_ALEN - 1)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int l2_check_cfg(struct l2 *l)
{
	const struct transport_cfg *c = &l->t.cfg;

	if (parse_mac(c->ptp_dst_mac, l->dst[0]) < 0) {
		cm_err("%s: ptp_dst_mac: not a MAC address", l->t.ifname);
		return -EINVAL;
	}
	if (parse_mac(c->p2p_dst_mac, l->dst[1]) < 0) {
		cm_err("%s: p2p_dst_mac: not a MAC address", l->t.ifname);
		return -EINVAL;
	}
	return 0;
}

static void l2_sll(const struct transport *t, struct sockaddr_ll *sll,
		   const uint8_t *mac)
{
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_1588);
	sll->sll_ifindex = t->ifindex;
	sll->sll_halen = ETH_ALEN;
	if (mac)
		memcpy(sll->sll_addr, mac, ETH_ALEN);
}

/* Each group, or all multicast when the driver keeps no list. */
static int l2_join(struct l2 *l)
{
	struct transport *t = &l->t;
	struct packet_mreq mr;
	int err = 0;

	for (int i = 0; i < 2 && !err; i++) {
		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = t->ifindex;
		mr.mr_type = PACKET_MR_MULTICAST;
		mr.mr_alen = ETH_ALEN;
		memcpy(mr.mr_address, l->dst[i], ETH_ALEN);
		if (setsockopt(t->fd[0], SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			       sizeof(mr)) < 0)
			err = -errno;
	}
	if (!err)
		return 0;
	cm_notice("%s: PACKET_ADD_MEMBERSHIP: %s; receiving all multicast",
		  t->ifname, strerror(-err));
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = t->ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	return transport_sockopt(t, 0, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
				 sizeof(mr), "PACKET_MR_ALLMULTI");
}

/* The receiving (and event) socket. */
static int l2_socket_event(struct l2 *l)
{
	struct transport *t = &l->t;
	struct sockaddr_ll sll;
	int err, one = 1;

	err = transport_socket(t, 0, AF_PACKET, SOCK_DGRAM, htons(ETH_P_1588));
	if (!err)
		err = transport_sockopt(t, 0, SOL_SOCKET, SO_BINDTODEVICE,
					t->ifname,
					(socklen_t)strlen(t->ifname) + 1,
					"SO_BINDTODEVICE");
	if (err)
		return err;
	l2_sll(t, &sll, NULL);
	if (bind(t->fd[0], (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		err = -errno;
		cm_err("%s: bind (ethertype 0x88F7): %s", t->ifname,
		       strerror(-err));
		return err;
	}
	/* older kernels and simulators lack it: recv drops by type then */
	if (setsockopt(t->fd[0], SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) < 0)
		cm_debug("%s: PACKET_IGNORE_OUTGOING: %s", t->ifname,
			 strerror(errno));
	err = l2_join(l);
	if (!err)
		err = transport_priority(t, 0);
	if (!err)
		err = transport_rcvbuf(t, 0);
	return err;
}

/* The general messages' send-only socket: protocol 0 receives nothing. */
static int l2_socket_general(struct l2 *l)
{
	struct transport *t = &l->t;
	int err = transport_socket(t, 1, AF_PACKET, SOCK_DGRAM, 0);

	if (!err)
		err = transport_priority(t, 1);
	t->fd[1] = -1; /* nothing to read or timestamp there */
	return err;
}

static int l2_open(struct transport **out, const char *ifname,
		   const struct transport_cfg *cfg)
{
	struct transport *t;
	struct l2 *l;
	int err;

	err = transport_base_new(sizeof(struct l2), &transport_l2_ops, ifname,
				 cfg, &t);
	if (err)
		return err;
	l = to_l2(t);
	err = l2_check_cfg(l);
	if (!err)
		err = hwts_iface_index(t->ifname, &t->ifindex);
	if (!err)
		err = l2_socket_event(l);
	if (!err)
		err = l2_socket_general(l);
	if (!err)
		err = transport_tstamp_setup(t, true);
	if (err) {
		transport_base_close(t);
		*out = NULL;
		return err;
	}
	cm_info("%s: L2 (ethertype 0x88F7, %s / %s), %s timestamps", ifname,
		cfg->ptp_dst_mac, cfg->p2p_dst_mac, transport_mode_name(t));
	*out = t;
	return 0;
}

static int l2_dest(struct l2 *l, enum bc_dest dest,
		   const struct bc_addr *addr, struct sockaddr_ll *sll)
{
	struct sockaddr_ll u;

	switch (dest) {
	case BC_DEST_PRIMARY:
		l2_sll(&l->t, sll, l->dst[0]);
		return 0;
	case BC_DEST_PDELAY:
		l2_sll(&l->t, sll, l->dst[1]);
		return 0;
	case BC_DEST_UNICAST:
		if (!addr || addr->len != sizeof(u))
			break;
		memcpy(&u, addr->data, sizeof(u));
		if (u.sll_family != AF_PACKET || u.sll_halen != ETH_ALEN)
			break;
		l2_sll(&l->t, sll, u.sll_addr);
		return 0;
	}
	cm_debug("%s: send: bad destination", l->t.ifname);
	return -EINVAL;
}

static int l2_send(struct transport *t, enum transport_send what,
		   enum bc_dest dest, const struct bc_addr *addr,
		   const void *buf, size_t len, uint32_t token)
{
	struct sockaddr_ll sll;
	int err;

	err = l2_dest(to_l2(t), dest, addr, &sll);
	if (err)
		return err;
	return transport_sendto(t, what, buf, len, &sll, sizeof(sll), token);
}

/* Frames of this host's own (another socket's sends) are dropped here
 * when the kernel could not ignore them: -EAGAIN, nothing to hand up. */
static int l2_recv(struct transport *t, int channel, void *buf, size_t cap,
		   struct transport_rx *rx)
{
	struct sockaddr_ll from;
	socklen_t fromlen = sizeof(from);
	int n;

	n = transport_recvmsg(t, channel, buf, cap, rx, &from, &fromlen);
	if (n < 0)
		return n;
	if (fromlen >= offsetof(struct sockaddr_ll, sll_addr) + ETH_ALEN &&
	    from.sll_family == AF_PACKET) {
		if (from.sll_pkttype == PACKET_OUTGOING) {
			memset(rx, 0, sizeof(*rx));
			return -EAGAIN;
		}
		from.sll_ifindex = t->ifindex;
		rx->src.len = sizeof(from);
		memcpy(rx->src.data, &from, sizeof(from));
	}
	return n;
}

const struct transport_ops transport_l2_ops = {
	.name = "L2",
	.open = l2_open,
	.close = transport_base_close,
	.send = l2_send,
	.recv = l2_recv,
	.recv_txts = transport_base_recv_txts,
	.fds = transport_base_fds,
};
