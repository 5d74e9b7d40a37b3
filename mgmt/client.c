/*
 * mgmt/client.c — the management client (see mgmt/client.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bc/tlv.h"
#include "bc/wire.h"
#include "mgmt/client.h"

int64_t mgmt_client_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ms(void)
{
	return mgmt_client_mono_ns() / 1000000;
}

/* ---- opening ---- */

static void client_identity(struct mgmt_client *c)
{
	uint32_t pid = (uint32_t)getpid();
	uint8_t *id = c->self.clock_identity.id;

	/* "hvct" + pid: unique among the clients of one daemon */
	memcpy(id, "hvct", 4);
	for (int i = 0; i < 4; i++)
		id[4 + i] = (uint8_t)(pid >> (24 - 8 * i));
	c->self.port_number = 1;
}

/* A new AF_UNIX datagram socket, close-on-exec. */
static int client_new_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0)
		return -errno;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static uint32_t client_random(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)mgmt_client_mono_ns() ^ ((uint32_t)getpid() << 16);
	return r;
}

/* The directory of path into dir, absolute (the daemon answers to the
 * address as we bind it, from its own working directory): "" when it
 * does not fit. */
static void client_dirname(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	char cwd[256];
	int n;

	if (slash == path) {
		n = snprintf(dir, len, "/");
	} else if (path[0] == '/') {
		n = snprintf(dir, len, "%.*s", (int)(slash - path), path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			cwd[0] = '\0';
		n = snprintf(dir, len, "%s/%.*s", cwd,
			     slash ? (int)(slash - path) : 1,
			     slash ? path : ".");
		if (!cwd[0])
			n = -1;
	}
	if (n < 0 || (size_t)n >= len)
		dir[0] = '\0';
}

const char *mgmt_client_user_dir(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");

	if (x && *x == '/' && access(x, W_OK | X_OK) == 0)
		return x;
	return "/tmp";
}

/* Bind fd to a new socket file "DIR/hvptpctl.PID.RANDOM", mode 0666 (the
 * daemon must be able to write to it; only the daemon can, once the
 * socket is connected).  0 with c->self_path set, or a negative errno
 * (nothing left behind). */
static int client_bind_file(struct mgmt_client *c, int fd, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err = -EADDRINUSE;

	for (int i = 0; i < 8 && err == -EADDRINUSE; i++) {
		int n = snprintf(sa.sun_path, sizeof(sa.sun_path),
				 "%s%shvptpctl.%d.%08x", dir,
				 dir[strlen(dir) - 1] == '/' ? "" : "/",
				 (int)getpid(), (unsigned)client_random());

		if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno
								       : 0;
	}
	if (err)
		return err;
	if (chmod(sa.sun_path, 0666) < 0) {
		err = -errno;
		unlink(sa.sun_path);
		return err;
	}
	snprintf(c->self_path, sizeof(c->self_path), "%s", sa.sun_path);
	return 0;
}

/* An autobound abstract address (the kernel picks a unique name). */
static int client_bind_abstract(int fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	return bind(fd, (struct sockaddr *)&sa, sizeof(sa_family_t)) < 0
		       ? -errno
		       : 0;
}

/* Forget our socket: close it, remove its file. */
static void client_drop(struct mgmt_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->self_path[0])
		unlink(c->self_path);
	c->self_path[0] = '\0';
}

/* A socket bound as mgmt/client.h says (in dir when dir is not NULL, else
 * in the daemon's directory or abstract) and connected to the daemon:
 * c->fd, or a negative errno with nothing left open or in the
 * filesystem. */
static int client_connect(struct mgmt_client *c, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char own[sizeof(sa.sun_path)];
	struct timeval tv;
	int err;

	c->fd = client_new_socket();
	if (c->fd < 0)
		return c->fd;
	c->may_fall_back = false;
	if (dir) {
		err = client_bind_file(c, c->fd, dir);
	} else {
		client_dirname(c->path, own, sizeof(own));
		err = own[0] && access(own, W_OK | X_OK) == 0
			      ? client_bind_file(c, c->fd, own)
			      : -EACCES;
		if (err < 0) {
			/* a failed bind may have left the socket unusable */
			close(c->fd);
			c->fd = client_new_socket();
			if (c->fd < 0)
				return c->fd;
			err = client_bind_abstract(c->fd);
			c->may_fall_back = true;
		}
	}
	/* a daemon whose queue is full must not block us for ever */
	tv.tv_sec = c->timeout_ms / 1000;
	tv.tv_usec = (c->timeout_ms % 1000) * 1000;
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memcpy(sa.sun_path, c->path, strlen(c->path));
	if (!err && connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = -errno;
	if (err < 0)
		client_drop(c);
	return err;
}

int mgmt_client_open(struct mgmt_client *c, const char *path, int timeout_ms,
		     uint8_t domain)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (!path || !*path)
		return -EINVAL;
	if (strlen(path) >= sizeof(c->path))
		return -ENAMETOOLONG;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms
				       : MGMT_CLIENT_DEFAULT_TIMEOUT_MS;
	c->domain = domain;
	client_identity(c);
	return client_connect(c, NULL);
}

void mgmt_client_close(struct mgmt_client *c)
{
	client_drop(c);
}

/* ---- requests ---- */

int mgmt_client_build(const struct mgmt_client *c, uint8_t action,
		      uint16_t id, uint16_t target_port, const uint8_t *data,
		      size_t len, uint16_t seq, uint8_t *buf, size_t cap)
{
	uint8_t scratch[PTP_MAX_MSG_LEN];
	struct wire_writer w;
	struct ptp_msg m;
	int err;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_MANAGEMENT, 0);
	m.hdr.domain = c->domain;
	m.hdr.source_port_identity = c->self;
	m.hdr.sequence_id = seq;
	memset(&m.body.management.target_port_identity.clock_identity, 0xFF,
	       sizeof(struct clock_identity));
	m.body.management.target_port_identity.port_number = target_port;
	m.body.management.starting_boundary_hops = 0;
	m.body.management.boundary_hops = 0;
	m.body.management.action = action;
	wire_writer_init(&w, scratch, sizeof(scratch));
	err = tlv_put_management(&m, &w, id, data, len);
	if (err < 0)
		return err;
	return msg_pack(&m, buf, cap);
}

/* A notification of a subscription: a RESPONSE the daemon sends on its
 * own, with boundaryHops 1 (answers to our requests carry 0). */
static bool is_notification(const struct bc_mgmt_req *r)
{
	return r->mgmt.action == PTP_MGMT_RESPONSE && !r->is_error &&
	       r->mgmt.starting_boundary_hops == 1 &&
	       r->mgmt.boundary_hops == 1;
}

static bool for_us(const struct mgmt_client *c, const struct bc_mgmt_req *r)
{
	const struct port_identity *t = &r->mgmt.target_port_identity;

	return port_identity_eq(t, &c->self);
}

/* Receive one datagram (non-blocking): 1 and *rep filled, 0 nothing,
 * or a negative errno. */
static int client_recv(struct mgmt_client *c, struct mgmt_reply *rep)
{
	ssize_t n = recv(c->fd, rep->buf, sizeof(rep->buf),
			 MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if ((size_t)n > sizeof(rep->buf) ||
	    bc_mgmt_parse(rep->buf, (size_t)n, &rep->r, NULL) < 0)
		return 0; /* not a management message: ignored */
	rep->len = (uint16_t)n;
	return 1;
}

/* Handle a datagram that answers no request: notifications only. */
static void client_other(struct mgmt_client *c, const struct mgmt_reply *rep)
{
	if (c->notify && is_notification(&rep->r) && for_us(c, &rep->r))
		c->notify(c->notify_ctx, &rep->r);
}

bool mgmt_client_is_answer(const struct mgmt_client *c,
			   const struct bc_mgmt_req *r, uint16_t seq)
{
	return !is_notification(r) && r->hdr.sequence_id == seq &&
	       (r->mgmt.action == PTP_MGMT_RESPONSE ||
		r->mgmt.action == PTP_MGMT_ACKNOWLEDGE) &&
	       for_us(c, r);
}

/* Wait for poll readiness until deadline: 1 readable, 0 timeout, -errno. */
static int client_poll(struct mgmt_client *c, int64_t deadline)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	int64_t left = deadline - mono_ms();
	int rc;

	if (left <= 0)
		return 0;
	rc = poll(&p, 1, (int)left);
	if (rc < 0)
		return -errno;
	return rc > 0;
}

/* Collect the answers to seq into out until expect of them came. */
static int client_collect(struct mgmt_client *c, uint16_t seq, int expect,
			  struct mgmt_replies *out)
{
	int64_t deadline = mono_ms() + c->timeout_ms;

	for (;;) {
		struct mgmt_reply *rep = &out->rep[out->n];
		int rc = client_poll(c, deadline);

		if (rc < 0 && rc != -EINTR)
			return rc;
		if (rc == 0)
			break;
		while ((rc = client_recv(c, rep)) > 0) {
			if (!mgmt_client_is_answer(c, &rep->r, seq)) {
				client_other(c, rep);
				continue;
			}
			out->n++;
			if (out->n >= expect ||
			    out->n >= (int)(sizeof(out->rep) /
					    sizeof(out->rep[0])) ||
			    (rep->r.is_error &&
			     rep->r.hdr.source_port_identity.port_number == 0))
				return 0;
			rep = &out->rep[out->n];
		}
		if (rc < 0)
			return rc;
	}
	if (out->n == 0)
		return -ETIMEDOUT;
	out->partial = out->n < expect && expect <= BC_MAX_PORTS;
	return 0;
}

int mgmt_client_nports(struct mgmt_client *c)
{
	struct mgmt_replies *r;
	struct wire_reader rd;

	if (c->nports > 0)
		return c->nports;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (mgmt_client_ask(c, PTP_MGMT_GET, BC_MID_DEFAULT_DATA_SET, 0, NULL,
			    0, r) == 0 &&
	    !r->rep[0].r.is_error) {
		wire_reader_init(&rd, r->rep[0].r.data, r->rep[0].r.data_len);
		wire_skip(&rd, 2);
		c->nports = wire_get_u16(&rd);
		if (!wire_reader_ok(&rd) || c->nports > BC_MAX_PORTS)
			c->nports = 0;
	}
	free(r);
	return c->nports;
}

/* One request, sent, and its answers collected (mgmt_client_ask). */
static int client_send_collect(struct mgmt_client *c, uint8_t action,
			       uint16_t id, uint16_t target_port,
			       const uint8_t *data, size_t len, int expect,
			       struct mgmt_replies *out)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	uint16_t seq = c->seq++;
	int n = mgmt_client_build(c, action, id, target_port, data, len, seq,
				  buf, sizeof(buf));

	if (n < 0)
		return n;
	if (send(c->fd, buf, (size_t)n, 0) < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT
							      : -errno;
	return client_collect(c, seq, expect, out);
}

int mgmt_client_ask(struct mgmt_client *c, uint8_t action, uint16_t id,
		    uint16_t target_port, const uint8_t *data, size_t len,
		    struct mgmt_replies *out)
{
	int expect = 1, n;

	memset(out, 0, offsetof(struct mgmt_replies, rep));
	if (c->fd < 0)
		return -EBADF;
	if (bc_mgmt_id_is_port(id) && target_port == BC_MGMT_ALL_PORTS) {
		n = mgmt_client_nports(c);
		if (n < 0)
			return n;
		expect = n > 0 ? n : BC_MAX_PORTS + 1;
	}
	n = client_send_collect(c, action, id, target_port, data, len, expect,
				out);
	if (n != -ETIMEDOUT || !c->may_fall_back)
		return n;
	/* Silence from an abstract address: maybe the daemon is in another
	 * network namespace.  Again from a socket file (mgmt/client.h). */
	client_drop(c);
	n = client_connect(c, mgmt_client_user_dir());
	if (n < 0)
		return n == -ENOENT || n == -ECONNREFUSED ? n : -ETIMEDOUT;
	return client_send_collect(c, action, id, target_port, data, len,
				   expect, out);
}

int mgmt_client_wait(struct mgmt_client *c, int timeout_ms)
{
	struct mgmt_reply rep;
	int rc = client_poll(c, mono_ms() + timeout_ms);

	if (rc <= 0)
		return rc;
	while ((rc = client_recv(c, &rep)) > 0)
		client_other(c, &rep);
	return rc;
}

/* ---- errors ---- */

int mgmt_client_exit_code(int err)
{
	switch (-err) {
	case 0:
		return MGMT_EXIT_OK;
	case EINVAL:
	case ENAMETOOLONG:
		return MGMT_EXIT_USAGE;
	case ENOENT: case EACCES: case EPERM: case ECONNREFUSED:
	case ETIMEDOUT: case EAGAIN: case ENOTDIR: case EPROTOTYPE:
	case ECONNRESET: case ENOTCONN: case EPIPE: case ENOTSOCK:
	case ELOOP: case EDESTADDRREQ:
		return MGMT_EXIT_UNREACHABLE;
	default:
		return MGMT_EXIT_ERROR;
	}
}

/* "permission denied on PATH ...": the socket's group, who may use it,
 * and the read-only socket (by name when PATH is the default one). */
static void hint_access(const char *path, char *buf, size_t len)
{
	char gbuf[1024], group[64] = "", ro[160], who[160];
	struct group gr, *g = NULL;
	struct stat st;

	if (strcmp(path, MGMT_CLIENT_DEFAULT_SOCKET) == 0)
		snprintf(ro, sizeof(ro), "-s %s", MGMT_CLIENT_DEFAULT_RO_SOCKET);
	else
		snprintf(ro, sizeof(ro), "(hvptpd's uds_ro_address)");
	if (stat(path, &st) == 0 && st.st_gid != 0) {
		if (getgrgid_r(st.st_gid, &gr, gbuf, sizeof(gbuf), &g) == 0 &&
		    g)
			snprintf(group, sizeof(group), "%s", g->gr_name);
		else
			snprintf(group, sizeof(group), "%u",
				 (unsigned)st.st_gid);
		snprintf(who, sizeof(who), " (mode %04o, group %s)",
			 (unsigned)(st.st_mode & 07777), group);
	} else {
		who[0] = '\0';
	}
	if (group[0])
		snprintf(buf, len, "permission denied on %s%s: use the "
			 "read-only socket %s, or run as a member of group %s "
			 "or as root", path, who, ro, group);
	else
		snprintf(buf, len, "permission denied on %s: use the read-only "
			 "socket %s or run as root", path, ro);
}

const char *mgmt_client_hint(int err, const char *path, int timeout_ms,
			     char *buf, size_t len)
{
	struct stat st;

	switch (-err) {
	case ENOENT:
		snprintf(buf, len, "no hvptpd socket at %s: is it running? "
			 "(-s PATH)", path);
		break;
	case EACCES:
	case EPERM:
		hint_access(path, buf, len);
		break;
	case ECONNREFUSED:
		if (stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
			snprintf(buf, len, "%s is not a socket: not hvptpd's "
				 "management socket (-s PATH)", path);
		else
			snprintf(buf, len, "nothing listens on %s (stale "
				 "socket: hvptpd not running)", path);
		break;
	case ETIMEDOUT:
		snprintf(buf, len, "no answer from %s within %d ms (hvptpd "
			 "stopped or busy; or, from another network namespace, "
			 "it cannot reach hvptpctl's own socket: run as root, "
			 "or in hvptpd's network namespace)", path, timeout_ms);
		break;
	case ENOTDIR:
		snprintf(buf, len, "no hvptpd socket at %s: a part of the path "
			 "is not a directory (-s PATH)", path);
		break;
	case EPROTOTYPE:
	case ENOTSOCK:
		snprintf(buf, len, "%s is not a datagram socket: not hvptpd's "
			 "management socket", path);
		break;
	case ENAMETOOLONG:
		snprintf(buf, len, "socket path too long (at most 107 "
			 "characters): %s", path);
		break;
	default:
		snprintf(buf, len, "%s: %s", path, strerror(-err));
		break;
	}
	return buf;
}
