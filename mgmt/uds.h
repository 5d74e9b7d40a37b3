/*
 * mgmt/uds.h — the management sockets of hvptpd.
 *
 * Two AF_UNIX datagram sockets speak IEEE 1588 management messages, the
 * way ptp4l's do, so that linuxptp's pmc works unchanged (pmc -u -b 0 -s
 * PATH 'GET DEFAULT_DATA_SET'): a read-write socket (uds_address, mode
 * uds_file_mode, 0660) and a read-only one (uds_ro_address, mode
 * uds_ro_file_mode, 0666) where SET and COMMAND are refused with
 * NOT_SUPPORTED; with uds_group both files belong to that group (the
 * read-write socket's members: its group).  Each client address gets at
 * most mgmt_rate_limit requests per second after a burst of mgmt_burst
 * (common/srclimit.h); the rest are dropped, counted (rate_limited).  Each request goes through the executor to the core
 * (exec_mgmt), so that what a SET changes (timers, port states) is
 * carried out like any other action; the answers are sent back to the
 * address the request came from.  Missing parent
 * directories are created, a stale socket file left by a dead daemon is
 * replaced (a live one, or a file that is not a socket, is an error), and
 * the socket files are removed at exit.
 *
 * SUBSCRIBE_EVENTS_NP (read-write socket only) is handled here: a client
 * subscribes for a duration (seconds; 0xFFFF = no expiry) to port state
 * changes (PORT_DATA_SET of the port), time sync (TIME_STATUS_NP after
 * every sample) and parent changes (PARENT_DATA_SET), sent as linuxptp
 * sends them.  Subscriptions expire, and are dropped when the client's
 * socket is gone.
 *
 * The server is a daemon service (daemon/service.h): it joins the one
 * poll() loop; mgmt_uds_add() sets it up from the daemon's settings.
 */
#ifndef HVPTP_MGMT_UDS_H
#define HVPTP_MGMT_UDS_H

#include <stdint.h>
#include <sys/types.h>

#include "bc/bc.h"
#include "daemon/service.h"

struct exec;
struct hvd;
struct mgmt_uds;

#define MGMT_UDS_MAX_SUBSCRIBERS 16

struct mgmt_uds_cfg {
	const char *rw_path; /* NULL or "": no read-write socket */
	const char *ro_path; /* NULL or "": no read-only socket */
	unsigned rw_mode; /* file mode, e.g. 0660 */
	unsigned ro_mode;
	bool chgrp; /* both files get group (uds_group) */
	gid_t group;
	/* requests per second per client address, burst (0: no limit) */
	uint32_t rate, burst;
	uint64_t seed; /* random, for the limiter's hash */
	/* HVPTP_RELOAD_NP (read-write socket): reload the configuration
	 * and write the acknowledgement's data (bc/mgmt.h) into data;
	 * its length.  NULL: the command is not supported. */
	size_t (*reload)(void *ctx, int64_t now, uint8_t *data, size_t cap);
	void *reload_ctx;
};

struct mgmt_uds_stats {
	uint64_t rx; /* datagrams received */
	uint64_t truncated; /* larger than a PTP message: dropped */
	uint64_t tx; /* answers and notifications sent */
	uint64_t send_errors; /* failed, or waited too long in the queue */
	uint64_t queued; /* a client's queue was full: sent later */
	uint64_t no_reply_address; /* client socket not bound: no answer */
	uint64_t subscribes; /* SUBSCRIBE_EVENTS_NP SETs accepted */
	uint64_t notifications;
	uint64_t expired; /* subscriptions that ran out or lost their
			     client */
	uint64_t rate_limited; /* over their client's mgmt_rate_limit */
};

/* Open the sockets for the clock behind executor ex (which must outlive
 * the server).  0, or a negative errno after logging why. */
int mgmt_uds_open(struct mgmt_uds **out, struct exec *ex,
		  const struct mgmt_uds_cfg *cfg);
/* Close the sockets, remove their files (if still ours), free. */
void mgmt_uds_close(struct mgmt_uds *u);

/* Fill s with the server's callbacks (ctx u; close frees u). */
void mgmt_uds_service(struct mgmt_uds *u, struct hvd_service *s);

const struct mgmt_uds_stats *mgmt_uds_stats(const struct mgmt_uds *u);
int mgmt_uds_subscribers(const struct mgmt_uds *u);

/* For hvd_open(): tell the core what CLOCK_DESCRIPTION needs (OUI, product
 * and revision texts, each port's MAC and IPv4 address), then open the
 * sockets of d->set and register the service.  0 or a negative errno. */
int mgmt_uds_add(struct hvd *d);

#endif
