/*
 * mgmt/uds_priv.h — what mgmt/uds.c (sockets, requests, the service) and
 * mgmt/uds_events.c (SUBSCRIBE_EVENTS_NP and notifications) share.
 */
#ifndef HVPTP_MGMT_UDS_PRIV_H
#define HVPTP_MGMT_UDS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "bc/mgmt.h"
#include "common/srclimit.h"
#include "mgmt/uds.h"

enum { UDS_RW = 0, UDS_RO = 1, UDS_NSOCK = 2 };

struct uds_sock {
	int fd; /* -1: not open */
	bool read_only;
	bool bound; /* we created path */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev; /* the socket file we bound, to remove only ours */
	ino_t ino;
};

struct uds_sub {
	bool used;
	struct port_identity id; /* the subscriber's sourcePortIdentity */
	struct sockaddr_un addr;
	socklen_t addrlen;
	uint8_t events[BC_MGMT_EVENT_BITMASK_LEN];
	int64_t expires_ns; /* monotonic; INT64_MAX: never */
	uint16_t seq; /* sequenceId of the next notification */
};

/* An answer or notification the client's full queue did not take yet:
 * retried every UDS_TXQ_RETRY_NS, dropped after UDS_TXQ_MAX_AGE_NS.  A
 * client's queue holds net.unix.max_dgram_qlen datagrams (10 by default):
 * the answers of a request to all ports of a large clock wait here, one
 * per port and a margin for other clients. */
#define UDS_TXQ (BC_MAX_PORTS + 64)
/* clients told "full" in one retry round, remembered to keep their order
 * without rescanning the queue */
#define UDS_TXQ_BLOCKED 8
#define UDS_TXQ_RETRY_NS (5 * 1000 * 1000LL)
#define UDS_TXQ_MAX_AGE_NS (2 * 1000 * 1000 * 1000LL)

struct uds_txq_item {
	int fd;
	struct sockaddr_un to;
	socklen_t tolen;
	uint16_t len;
	int64_t at; /* when it was first tried */
	uint8_t buf[PTP_MAX_MSG_LEN];
};

struct mgmt_uds {
	struct exec *ex; /* requests go through the executor */
	size_t (*reload)(void *ctx, int64_t now, uint8_t *data, size_t cap);
	void *reload_ctx;
	struct bc *bc; /* ex->bc: data sets, subscriptions */
	struct uds_sock sock[UDS_NSOCK];
	struct uds_sub sub[MGMT_UDS_MAX_SUBSCRIBERS];
	bool have_parent;
	struct parent_ds last_parent; /* as last notified */
	uint64_t alarm_seq; /* the core's alarm changes notified */
	struct mgmt_uds_stats st;
	int64_t now; /* the loop's time at the last callback that had it */
	struct bc_actions out; /* answers to the request in hand */
	struct srclimit limit; /* per client address (mgmt_rate_limit) */
	int txq_head, txq_n; /* ring of datagrams waiting for their client */
	int64_t txq_retry_ns; /* next retry */
	struct uds_txq_item txq[UDS_TXQ];
};

/* sendto() a whole datagram, or queue it (behind others for the same
 * client, or when the client's queue is full): 0 sent or queued, else
 * -errno (ECONNREFUSED, ENOENT: the client is gone). */
int uds_sendto(struct mgmt_uds *u, int fd, const uint8_t *buf, size_t len,
	       const struct sockaddr_un *to, socklen_t tolen);

/* SUBSCRIBE_EVENTS_NP GET or SET from the read-write socket: answers are
 * queued in u->out. */
void uds_subscribe(struct mgmt_uds *u, const struct bc_mgmt_req *r,
		   const struct sockaddr_un *from, socklen_t fromlen,
		   int64_t now);
/* Send the notification for event (port for BC_NOTIFY_PORT_STATE). */
void uds_notify(struct mgmt_uds *u, enum bc_mgmt_event event, int port);
/* PARENT_DATA_SET notification when parentDS changed since last time. */
void uds_check_parent(struct mgmt_uds *u);
/* Notify every alarm the core's table shows changed since the last
 * check (bc_alarm_seq). */
void uds_check_alarms(struct mgmt_uds *u);
/* Drop the subscriptions that ran out; the next expiry (or INT64_MAX). */
void uds_expire(struct mgmt_uds *u, int64_t now);
int64_t uds_next_expiry(const struct mgmt_uds *u);

#endif
