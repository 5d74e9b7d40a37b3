/*
 * hwts/transport.h — the transport ops table: UDPv4, UDPv6 and IEEE 802.3.
 *
 * A transport carries one port's PTP messages: an event channel whose
 * messages are timestamped on transmit and receive, and a general channel.
 * It hands received bytes up with their RX timestamp and the sender address,
 * and delivers TX timestamps later, read from the socket error queue without
 * blocking (the daemon polls the event fd for POLLERR).  An event send
 * carries the core's token (bc_action.u.send.token); its TX timestamp comes
 * back with that same token, so the token is the only id there is between
 * the core and the wire.  Every transport shares one base (hwts/hwts_priv.h:
 * ops, interface, fds, TX-timestamp queue; hwts/transport.c); each adds its
 * addresses.  Implementations: UDPv4 (hwts/udp4.c), UDPv6 (hwts/udp6.c), L2
 * (hwts/l2.c); the simulator has its own links.
 */
#ifndef HVPTP_HWTS_TRANSPORT_H
#define HVPTP_HWTS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/bc.h"
#include "common/tmv.h"

enum hwts_mode {
	HWTS_SOFTWARE, /* SOF_TIMESTAMPING_{TX,RX}_SOFTWARE */
	HWTS_HARDWARE, /* SIOCSHWTSTAMP + SOF_TIMESTAMPING_RAW_HARDWARE */
	/* RX_SOFTWARE, and TX_SCHED for devices whose driver gives no
	 * software TX timestamp (a Linux bridge): see hwts_info_tx_sched() */
	HWTS_SOFTWARE_SCHED,
};

enum hwts_filter_mode {
	HWTS_FILTER_NORMAL, /* set, keep what the driver gives */
	HWTS_FILTER_CHECK, /* don't set; fail if not already suitable */
	HWTS_FILTER_FULL, /* always ask for HWTSTAMP_FILTER_ALL */
};

/* Hardware one-step (time_stamping onestep / p2p1step): the device writes
 * the transmit time into the message as it leaves.  SIOCSHWTSTAMP's
 * tx_type; the core sends such messages with TRANSPORT_ONESTEP. */
enum hwts_onestep {
	HWTS_ONESTEP_OFF, /* HWTSTAMP_TX_ON: two-step */
	HWTS_ONESTEP_SYNC, /* HWTSTAMP_TX_ONESTEP_SYNC: Sync */
	HWTS_ONESTEP_P2P, /* HWTSTAMP_TX_ONESTEP_P2P: Sync, Pdelay_Resp */
};

/* network_transport, with config/options.c's numbers (those of IEEE
 * 1588's networkProtocol too: CLOCK_DESCRIPTION). */
enum transport_kind {
	TRANSPORT_UDPV4 = 1,
	TRANSPORT_UDPV6 = 2,
	TRANSPORT_L2 = 3,
};

/* What a send is: a general message, an event message whose TX timestamp
 * comes back with the token, or a one-step event message (on the event
 * channel, stamped by the device in flight: no TX timestamp comes back). */
enum transport_send {
	TRANSPORT_GENERAL = 0,
	TRANSPORT_EVENT = 1,
	TRANSPORT_ONESTEP = 2,
};

struct transport_cfg {
	enum transport_kind kind; /* network_transport, UDPv4 */
	enum hwts_mode mode;
	enum hwts_filter_mode filter_mode; /* hwts_filter */
	enum hwts_onestep onestep; /* time_stamping onestep/p2p1step */
	bool want_peer; /* open the peer-delay group too (P2P) */
	int udp_ttl; /* udp_ttl, 1 (UDPv6: the hop limit) */
	int dscp_event; /* dscp_event, 0 */
	int dscp_general; /* dscp_general, 0 */
	int socket_priority; /* socket_priority, 0 */
	int rcvbuf; /* socket_rcvbuf, bytes; 0: the kernel's default */
	char ptp_dst_ipv4[16]; /* ptp_dst_ipv4, 224.0.1.129 */
	char p2p_dst_ipv4[16]; /* p2p_dst_ipv4, 224.0.0.107 */
	char ptp_dst_ipv6[48]; /* ptp_dst_ipv6, FF0E::181 (the scope
				  nibble replaced by udp6_scope) */
	char p2p_dst_ipv6[48]; /* p2p_dst_ipv6, FF02::6B */
	int udp6_scope; /* udp6_scope, 0x0E */
	char ptp_dst_mac[18]; /* ptp_dst_mac, 01:1B:19:00:00:00 */
	char p2p_dst_mac[18]; /* p2p_dst_mac, 01:80:C2:00:00:0E */
	uint16_t event_port; /* 319; tests may change */
	uint16_t general_port; /* 320 */
};
void transport_cfg_default(struct transport_cfg *c);

struct transport_rx {
	bool have_ts; /* a timestamp of the requested kind was present */
	tmv_t ts; /* RX timestamp (software: CLOCK_REALTIME; hw: PHC) */
	struct bc_addr src; /* sender: struct sockaddr_in (UDPv4),
			       sockaddr_in6 (UDPv6), sockaddr_ll (L2) */
	bool truncated; /* MSG_TRUNC or MSG_CTRUNC: caller drops it */
};

struct transport_txts {
	uint32_t token; /* as given to send */
	tmv_t ts;
};

struct transport;

struct transport_ops {
	const char *name; /* "UDPv4", "UDPv6", "L2" */
	/* Open on interface ifname. -errno on failure (logged). */
	int (*open)(struct transport **out, const char *ifname,
		    const struct transport_cfg *cfg);
	/* Close sockets and restore the interface's hardware timestamping
	 * configuration if open changed it. */
	void (*close)(struct transport *t);
	/* Send buf (what: enum transport_send).  TRANSPORT_EVENT: its TX
	 * timestamp comes back from recv_txts with token.  Returns bytes
	 * sent or -errno. */
	int (*send)(struct transport *t, enum transport_send what,
		    enum bc_dest dest, const struct bc_addr *addr,
		    const void *buf, size_t len, uint32_t token);
	/* Receive one message from channel (0 event, 1 general) without
	 * blocking.  Returns bytes, -EAGAIN when none, other -errno. */
	int (*recv)(struct transport *t, int channel, void *buf, size_t cap,
		    struct transport_rx *rx);
	/* Read one TX timestamp from the error queue without blocking.
	 * 0 with *out filled, -EAGAIN when none is queued, -ENOMSG when
	 * one came that matches no send (counted by the caller), other
	 * -errno. */
	int (*recv_txts)(struct transport *t, struct transport_txts *out);
	/* fds[0] event, fds[1] general; -1: nothing to read there (L2
	 * receives both on fds[0]). */
	void (*fds)(struct transport *t, int fds[2]);
};

extern const struct transport_ops transport_udp4_ops;
extern const struct transport_ops transport_udp6_ops;
extern const struct transport_ops transport_l2_ops;

/* The ops of a network_transport; NULL for an unknown one. */
const struct transport_ops *transport_ops_of(enum transport_kind kind);

#endif
