/*
 * hwts/transport.h — the transport ops table and the UDPv4 transport.
 *
 * A transport carries one port's PTP messages: an event channel whose
 * messages are timestamped on transmit and receive, and a general channel.
 * It hands received bytes up with their RX timestamp and the sender address,
 * and delivers TX timestamps later, read from the socket error queue without
 * blocking (the daemon polls the event fd for POLLERR).  Each event send
 * returns a txid; the TX timestamp comes back with the same txid.
 * Implementations: UDPv4 (hwts/udp4.c); the simulator has its own.
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

struct transport_cfg {
	enum hwts_mode mode;
	enum hwts_filter_mode filter_mode; /* hwts_filter */
	bool want_peer; /* open the peer-delay group too (P2P) */
	int udp_ttl; /* udp_ttl, 1 */
	int dscp_event; /* dscp_event, 0 */
	int dscp_general; /* dscp_general, 0 */
	int socket_priority; /* socket_priority, 0 */
	int rcvbuf; /* socket_rcvbuf, bytes; 0: the kernel's default */
	char ptp_dst_ipv4[16]; /* ptp_dst_ipv4, 224.0.1.129 */
	char p2p_dst_ipv4[16]; /* p2p_dst_ipv4, 224.0.0.107 */
	uint16_t event_port; /* 319; tests may change */
	uint16_t general_port; /* 320 */
};
void transport_cfg_default(struct transport_cfg *c);

struct transport_rx {
	bool have_ts; /* a timestamp of the requested kind was present */
	tmv_t ts; /* RX timestamp (software: CLOCK_REALTIME; hw: PHC) */
	struct bc_addr src; /* sender (struct sockaddr_in for UDPv4) */
	bool truncated; /* MSG_TRUNC or MSG_CTRUNC: caller drops it */
};

struct transport_txts {
	uint32_t txid; /* as returned by send */
	tmv_t ts;
};

struct transport;

struct transport_ops {
	const char *name; /* "UDPv4" */
	/* Open on interface ifname. -errno on failure (logged). */
	int (*open)(struct transport **out, const char *ifname,
		    const struct transport_cfg *cfg);
	/* Close sockets and restore the interface's hardware timestamping
	 * configuration if open changed it. */
	void (*close)(struct transport *t);
	/* Send buf.  event: on the event channel, *txid set for matching
	 * the TX timestamp.  Returns bytes sent or -errno. */
	int (*send)(struct transport *t, bool event, enum bc_dest dest,
		    const struct bc_addr *addr, const void *buf, size_t len,
		    uint32_t *txid);
	/* Receive one message from channel (0 event, 1 general) without
	 * blocking.  Returns bytes, -EAGAIN when none, other -errno. */
	int (*recv)(struct transport *t, int channel, void *buf, size_t cap,
		    struct transport_rx *rx);
	/* Read one TX timestamp from the error queue without blocking.
	 * 0 with *out filled, -EAGAIN when none is queued, other -errno. */
	int (*recv_txts)(struct transport *t, struct transport_txts *out);
	/* fds[0] event, fds[1] general. */
	void (*fds)(struct transport *t, int fds[2]);
};

extern const struct transport_ops transport_udp4_ops;

#endif
