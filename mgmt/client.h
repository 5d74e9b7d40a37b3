/*
 * mgmt/client.h — a management client of hvptpd's UNIX datagram sockets.
 *
 * hvptpctl's side of the conversation pmc has with ptp4l: it sends one
 * Management message (GET, SET or COMMAND, built with the TLV builders)
 * to the daemon's socket and collects the answers, one for a clock-wide ID
 * or a single port, one per port for a port ID sent to every port
 * (portNumber 0xFFFF), within a timeout.
 *
 * The client's own address is a socket file, as pmc's /var/run/pmc.PID,
 * so that the answers reach it from any network namespace (a filesystem
 * address is found through the file, whatever the namespace; an abstract
 * one belongs to a network namespace): "hvptpctl.PID.RANDOM" in the
 * directory of the daemon's socket when the client may create files there
 * (root: the directory the daemon uses itself, so systemd's PrivateTmp and
 * ProtectHome, which hide /tmp and /run/user from the daemon, do not
 * matter).  Anyone else gets an autobound ABSTRACT address first (any
 * user may have one; it works in the daemon's network namespace, whatever
 * its mount namespace), and when no answer at all comes within the
 * timeout, a socket file in $XDG_RUNTIME_DIR (else /tmp) and the request
 * again: that reaches a daemon in another network namespace that sees
 * that directory.  The file is mode 0666 (a daemon running as root without
 * CAP_DAC_OVERRIDE, as under the systemd unit, must be able to write to a
 * user's socket) and is removed by mgmt_client_close() and on every error
 * path (and, by hvptpctl, on the terminating signals).  The socket is
 * connect()ed to the daemon: only the daemon can send to it (others get
 * EPERM, whatever the file's mode), and a missing, forbidden or dead
 * socket is known at once, with a hint (mgmt_client_hint()).
 *
 * Notifications of a SUBSCRIBE_EVENTS_NP subscription (RESPONSE messages
 * with boundaryHops 1 that answer no request) are handed to a callback.
 */
#ifndef HVPTP_MGMT_CLIENT_H
#define HVPTP_MGMT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/bc.h"
#include "bc/mgmt.h"

#define MGMT_CLIENT_DEFAULT_SOCKET "/var/run/hvptp/hvptpd"
#define MGMT_CLIENT_DEFAULT_RO_SOCKET "/var/run/hvptp/hvptpd-ro"
#define MGMT_CLIENT_DEFAULT_TIMEOUT_MS 1000

/* hvptpctl's exit codes (the contract; docs/hvptpctl.8). */
enum mgmt_exit {
	MGMT_EXIT_OK = 0,
	MGMT_EXIT_ERROR = 1, /* the daemon answered with an error status */
	MGMT_EXIT_USAGE = 2,
	MGMT_EXIT_UNREACHABLE = 3, /* cannot reach the daemon */
};

/* One answer, parsed (r.data points into buf). */
struct mgmt_reply {
	struct bc_mgmt_req r;
	uint16_t len;
	uint8_t buf[PTP_MAX_MSG_LEN];
};

struct mgmt_replies {
	int n;
	bool partial; /* timed out after some of the expected answers */
	struct mgmt_reply rep[BC_MAX_PORTS + 1];
};

typedef void (*mgmt_notify_fn)(void *ctx, const struct bc_mgmt_req *r);

struct mgmt_client {
	int fd;
	char path[108]; /* the daemon's socket */
	char self_path[108]; /* our socket file; "" when abstract */
	bool may_fall_back; /* abstract: a socket file if nothing answers */
	int timeout_ms;
	uint8_t domain;
	struct port_identity self; /* our sourcePortIdentity */
	uint16_t seq;
	int nports; /* numberPorts, once known (0 before) */
	mgmt_notify_fn notify;
	void *notify_ctx;
};

/*
 * Bind the client's socket (see above) and connect it to path.  0, or a
 * negative errno: -ENOENT (no socket), -EACCES/-EPERM, -ECONNREFUSED
 * (nobody listens), -ENAMETOOLONG, ...; mgmt_client_hint() explains them.
 * Nothing is left in the filesystem on failure.
 */
int mgmt_client_open(struct mgmt_client *c, const char *path, int timeout_ms,
		     uint8_t domain);
/* Close the socket and remove its file. */
void mgmt_client_close(struct mgmt_client *c);

/* The directory for a client's socket file when the daemon's socket
 * directory is out of reach: $XDG_RUNTIME_DIR if set and writable, else
 * /tmp. */
const char *mgmt_client_user_dir(void);

/*
 * Send a request (action GET/SET/COMMAND, id, data) to target_port (0xFFFF:
 * every port; ignored by clock-wide IDs) and collect the answers into out:
 * one, or for a port ID sent to every port, numberPorts of them (known
 * from DEFAULT_DATA_SET, asked for first when needed); an error status for
 * the whole request ends the collection.  0 (out->n >= 1; out->partial
 * when some ports did not answer in time), -ETIMEDOUT (no answer at all),
 * or the errno of a failed send/receive.
 */
int mgmt_client_ask(struct mgmt_client *c, uint8_t action, uint16_t id,
		    uint16_t target_port, const uint8_t *data, size_t len,
		    struct mgmt_replies *out);

/*
 * Wait up to timeout_ms for datagrams; notifications go to c->notify.
 * 0 (timeout or something handled), -EINTR (a signal), or a negative
 * errno.
 */
int mgmt_client_wait(struct mgmt_client *c, int timeout_ms);

/* The number of ports (DEFAULT_DATA_SET numberPorts), asking once. */
int mgmt_client_nports(struct mgmt_client *c);

/* The exit code for a negative errno of this API (3 for every failure to
 * reach the daemon, 2 for a bad socket name, 1 otherwise). */
int mgmt_client_exit_code(int err);
/* A one-line explanation of err for the socket path (and timeout): for
 * EACCES the socket's mode and group, for a timeout whether the request
 * went from a socket file or an abstract address. */
const char *mgmt_client_hint(int err, const char *path, int timeout_ms,
			     char *buf, size_t len);

/* CLOCK_MONOTONIC now, ns: the clock of the client's timeouts (and of
 * hvptpctl's intervals). */
int64_t mgmt_client_mono_ns(void);

/* Is r an answer to the request with sequenceId seq that c sent: a
 * RESPONSE or ACKNOWLEDGE (or an error status) addressed to c, not a
 * notification? */
bool mgmt_client_is_answer(const struct mgmt_client *c,
			   const struct bc_mgmt_req *r, uint16_t seq);

/* Build a management request into buf: the length or a negative errno.
 * (Exposed for tests and bench/mgmt_client.c.) */
int mgmt_client_build(const struct mgmt_client *c, uint8_t action,
		      uint16_t id, uint16_t target_port, const uint8_t *data,
		      size_t len, uint16_t seq, uint8_t *buf, size_t cap);

#endif
