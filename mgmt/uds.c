/*
 * mgmt/uds.c — the management sockets: opening them safely, receiving
 * requests, handing them to the core and sending the answers back, and the
 * daemon service around it (see mgmt/uds.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/executor.h"
#include "mgmt/metrics_render.h"
#include "mgmt/uds_priv.h"
#include "hwts/hwts.h"

#define UDS_RX_BATCH 32

static const char *const uds_kind[UDS_NSOCK] = { "read-write",
						  "read-only" };

/* ---- opening ---- */

/* A new AF_UNIX datagram socket (flags set with fcntl, design.md §4). */
static int uds_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), err;

	if (fd < 0)
		return -errno;
	err = hwts_fd_set_flags(fd);
	if (err < 0) {
		close(fd);
		return err;
	}
	return fd;
}

static socklen_t uds_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, strlen(path));
	return (socklen_t)sizeof(*sa);
}

/* mkdir -p of the directories above path (mode 0755). */
static int uds_mkdirs(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* A socket file left by a daemon that died is removed; one that a running
 * program still serves, or anything that is not a socket, is an error. */
static int uds_clear_stale(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		cm_err("management: %s exists and is not a socket", path);
		return -EEXIST;
	}
	fd = uds_socket();
	if (fd < 0)
		return fd;
	rc = connect(fd, (struct sockaddr *)&sa, uds_addr(&sa, path));
	rc = rc < 0 ? -errno : 0;
	close(fd);
	if (rc == 0 || rc == -EAGAIN) {
		cm_err("management: %s is in use by a running program", path);
		return -EADDRINUSE;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Bound, then its group (uds_group; after a privilege drop the file is
 * the daemon user's, who is a member) and mode: the mode last, so that
 * nobody outside the group holds a 0660 file in between. */
static int uds_bind(struct uds_sock *s, unsigned mode, gid_t group)
{
	struct sockaddr_un sa;
	struct stat st;

	if (bind(s->fd, (struct sockaddr *)&sa, uds_addr(&sa, s->path)) < 0)
		return -errno;
	s->bound = true;
	if (group != (gid_t)-1 && chown(s->path, (uid_t)-1, group) < 0)
		return -errno;
	if (chmod(s->path, (mode_t)mode) < 0)
		return -errno;
	if (stat(s->path, &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
	}
	return 0;
}

static int uds_open_one(struct uds_sock *s, const char *path, unsigned mode,
			gid_t group, bool read_only)
{
	int err;

	s->read_only = read_only;
	if (!path || !*path)
		return 0;
	if (strlen(path) >= sizeof(s->path)) {
		cm_err("management: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	err = uds_mkdirs(path);
	if (!err)
		err = uds_clear_stale(path);
	if (!err) {
		err = uds_socket();
		if (err >= 0) {
			s->fd = err;
			err = uds_bind(s, mode, group);
		}
	}
	if (err < 0) {
		cm_err("management: %s socket %s: %s",
		       uds_kind[read_only ? UDS_RO : UDS_RW], path,
		       strerror(-err));
		return err;
	}
	cm_log(CM_LOG_INFO, "management: %s socket %s (mode %04o)",
	       uds_kind[read_only ? UDS_RO : UDS_RW], path, mode);
	return 0;
}

static void uds_close_one(struct uds_sock *s)
{
	struct stat st;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	/* remove the file only if it is still the one we created */
	if (s->bound && stat(s->path, &st) == 0 && st.st_dev == s->dev &&
	    st.st_ino == s->ino)
		unlink(s->path);
	s->bound = false;
}

int mgmt_uds_open(struct mgmt_uds **out, struct exec *ex,
		  const struct mgmt_uds_cfg *cfg)
{
	struct mgmt_uds *u;
	gid_t group;
	int err;

	if (!out || !ex || !ex->bc || !cfg)
		return -EINVAL;
	if (cfg->rw_path && cfg->ro_path && *cfg->rw_path &&
	    strcmp(cfg->rw_path, cfg->ro_path) == 0) {
		cm_err("management: uds_address and uds_ro_address are both "
		       "%s", cfg->rw_path);
		return -EINVAL;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->ex = ex;
	u->reload = cfg->reload;
	u->reload_ctx = cfg->reload_ctx;
	u->bc = ex->bc;
	srclimit_init(&u->limit, cfg->rate, cfg->burst, cfg->seed);
	u->sock[UDS_RW].fd = u->sock[UDS_RO].fd = -1;
	group = cfg->chgrp ? cfg->group : (gid_t)-1;
	err = uds_open_one(&u->sock[UDS_RW], cfg->rw_path, cfg->rw_mode, group,
			   false);
	if (!err)
		err = uds_open_one(&u->sock[UDS_RO], cfg->ro_path, cfg->ro_mode,
				   group, true);
	if (err) {
		mgmt_uds_close(u);
		return err;
	}
	*out = u;
	return 0;
}

void mgmt_uds_close(struct mgmt_uds *u)
{
	if (!u)
		return;
	for (int i = 0; i < UDS_NSOCK; i++)
		uds_close_one(&u->sock[i]);
	free(u);
}

/* ---- requests ---- */

static bool uds_same_addr(const struct sockaddr_un *a, socklen_t alen,
			  const struct sockaddr_un *b, socklen_t blen)
{
	return alen == blen && memcmp(a, b, (size_t)alen) == 0;
}

static struct uds_txq_item *uds_txq_at(struct mgmt_uds *u, int i)
{
	return &u->txq[(u->txq_head + i) % UDS_TXQ];
}

static bool uds_txq_has(struct mgmt_uds *u, const struct sockaddr_un *to,
			socklen_t tolen)
{
	for (int i = 0; i < u->txq_n; i++) {
		struct uds_txq_item *it = uds_txq_at(u, i);

		if (uds_same_addr(&it->to, it->tolen, to, tolen))
			return true;
	}
	return false;
}

static int uds_txq_put(struct mgmt_uds *u, int fd, const uint8_t *buf,
		       size_t len, const struct sockaddr_un *to,
		       socklen_t tolen)
{
	struct uds_txq_item *it;

	if (u->txq_n >= UDS_TXQ || len > sizeof(it->buf)) {
		u->st.send_errors++;
		return -ENOBUFS;
	}
	it = uds_txq_at(u, u->txq_n++);
	it->fd = fd;
	it->to = *to;
	it->tolen = tolen;
	it->len = (uint16_t)len;
	it->at = u->now;
	memcpy(it->buf, buf, len);
	if (u->txq_n == 1)
		u->txq_retry_ns = u->now + UDS_TXQ_RETRY_NS;
	u->st.queued++;
	return 0;
}

static int uds_send_now(struct mgmt_uds *u, int fd, const uint8_t *buf,
			size_t len, const struct sockaddr_un *to,
			socklen_t tolen)
{
	ssize_t n = sendto(fd, buf, len, MSG_DONTWAIT,
			   (const struct sockaddr *)to, tolen);

	if (n < 0)
		return -errno;
	if ((size_t)n != len) {
		u->st.send_errors++;
		return -EIO;
	}
	u->st.tx++;
	return 0;
}

static bool uds_full(int err)
{
	return err == -EAGAIN || err == -EWOULDBLOCK || err == -ENOBUFS;
}

int uds_sendto(struct mgmt_uds *u, int fd, const uint8_t *buf, size_t len,
	       const struct sockaddr_un *to, socklen_t tolen)
{
	int err;

	if (tolen <= (socklen_t)sizeof(sa_family_t)) {
		u->st.no_reply_address++;
		return -EDESTADDRREQ;
	}
	if (uds_txq_has(u, to, tolen))
		return uds_txq_put(u, fd, buf, len, to, tolen);
	err = uds_send_now(u, fd, buf, len, to, tolen);
	if (uds_full(err))
		return uds_txq_put(u, fd, buf, len, to, tolen);
	if (err < 0 && err != -EIO)
		u->st.send_errors++;
	return err;
}

/* The clients whose datagrams were kept in this retry round: their
 * later datagrams wait too (order).  Few clients are full at once; when
 * more than UDS_TXQ_BLOCKED are, the kept part of the queue is scanned. */
struct uds_blocked {
	int n;
	const struct uds_txq_item *it[UDS_TXQ_BLOCKED];
};

static bool uds_txq_has_before(struct mgmt_uds *u, int kept,
			       const struct uds_blocked *b,
			       const struct uds_txq_item *it)
{
	if (b->n <= UDS_TXQ_BLOCKED) {
		for (int j = 0; j < b->n; j++) {
			if (uds_same_addr(&b->it[j]->to, b->it[j]->tolen,
					  &it->to, it->tolen))
				return true;
		}
		return false;
	}
	for (int j = 0; j < kept; j++) {
		const struct uds_txq_item *k = uds_txq_at(u, j);

		if (uds_same_addr(&k->to, k->tolen, &it->to, it->tolen))
			return true;
	}
	return false;
}

/* Retry the queue in order; a client still full keeps its place (and
 * holds back what follows for it), a stale or failed datagram goes. */
static void uds_txq_flush(struct mgmt_uds *u, int64_t now)
{
	int n = u->txq_n, kept = 0;
	struct uds_blocked b = { .n = 0 };

	if (!n || now < u->txq_retry_ns)
		return;
	for (int i = 0; i < n; i++) {
		struct uds_txq_item *it = uds_txq_at(u, i);
		int err = -EAGAIN;
		bool behind;

		if (now - it->at > UDS_TXQ_MAX_AGE_NS) {
			u->st.send_errors++;
			continue;
		}
		behind = uds_txq_has_before(u, kept, &b, it);
		if (!behind)
			err = uds_send_now(u, it->fd, it->buf, it->len, &it->to,
					   it->tolen);
		if (!uds_full(err)) {
			if (err < 0 && err != -EIO)
				u->st.send_errors++;
			continue;
		}
		if (kept != i)
			*uds_txq_at(u, kept) = *it;
		if (!behind && b.n < UDS_TXQ_BLOCKED)
			b.it[b.n] = uds_txq_at(u, kept);
		if (!behind)
			b.n++;
		kept++;
	}
	u->txq_n = kept;
	u->txq_retry_ns = now + UDS_TXQ_RETRY_NS;
}

static int64_t uds_txq_deadline(const struct mgmt_uds *u)
{
	return u->txq_n ? u->txq_retry_ns : INT64_MAX;
}

static bool uds_for_us(const struct mgmt_uds *u, const struct bc_mgmt_req *r)
{
	static const struct clock_identity wildcard = {
		{ 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }
	};
	const struct clock_identity *t =
		&r->mgmt.target_port_identity.clock_identity;

	return clock_identity_eq(t, &wildcard) ||
	       clock_identity_eq(t, &bc_default_ds(u->bc)->clock_identity);
}

static bool uds_is_subscribe(const struct mgmt_uds *u,
			     const struct uds_sock *s,
			     const struct bc_mgmt_req *r)
{
	if (r->is_error || r->id != BC_MID_SUBSCRIBE_EVENTS_NP ||
	    s->read_only)
		return false;
	if (r->mgmt.action != PTP_MGMT_GET && r->mgmt.action != PTP_MGMT_SET)
		return false;
	return uds_for_us(u, r);
}

/* HVPTP_RELOAD_NP from the read-write socket (the read-only one goes to
 * the core, which refuses a COMMAND there). */
static bool uds_is_reload(const struct mgmt_uds *u, const struct uds_sock *s,
			  const struct bc_mgmt_req *r)
{
	return !r->is_error && r->id == BC_MID_HVPTP_RELOAD_NP &&
	       !s->read_only && r->mgmt.action == PTP_MGMT_COMMAND &&
	       u->reload && uds_for_us(u, r);
}

/* Send the answers the core queued (port -1) back to the client. */
static void uds_send_answers(struct mgmt_uds *u, const struct uds_sock *s,
			     const struct sockaddr_un *to, socklen_t tolen)
{
	for (int i = 0; i < u->out.n; i++) {
		const struct bc_action *a = &u->out.a[i];

		if (a->type != BC_ACT_SEND_GENERAL || a->port != -1)
			continue;
		uds_sendto(u, s->fd, bc_action_buf(&u->out, a), a->u.send.len,
			   to, tolen);
	}
}

/* Where the executor's answers to the request in hand go. */
struct uds_client {
	struct mgmt_uds *u;
	const struct uds_sock *s;
	const struct sockaddr_un *to;
	socklen_t tolen;
};

static void uds_reply(void *ctx, const uint8_t *buf, size_t len)
{
	struct uds_client *c = ctx;

	uds_sendto(c->u, c->s->fd, buf, len, c->to, c->tolen);
}

static void uds_request(struct mgmt_uds *u, const struct uds_sock *s,
			const uint8_t *buf, size_t len,
			const struct sockaddr_un *from, socklen_t fromlen,
			int64_t now)
{
	struct uds_client c = { u, s, from, fromlen };
	struct bc_mgmt_req r;
	enum bc_mgmt_drop why;

	if (!srclimit_take(&u->limit, from, fromlen, now)) {
		u->st.rate_limited++;
		bc_mgmt_count_drop(u->bc, BC_MGMT_DROP_RATE_LIMITED);
		return;
	}
	if (bc_mgmt_parse(buf, len, &r, &why) < 0) {
		bc_mgmt_count_drop(u->bc, why);
		return;
	}
	if (uds_is_subscribe(u, s, &r)) {
		bc_actions_init(&u->out);
		uds_subscribe(u, &r, from, fromlen, now);
		uds_send_answers(u, s, from, fromlen);
		return;
	}
	if (uds_is_reload(u, s, &r)) {
		uint8_t data[256];
		size_t n = u->reload(u->reload_ctx, now, data, sizeof(data));

		bc_actions_init(&u->out);
		bc_mgmt_respond(u->bc, &r, BC_MID_HVPTP_RELOAD_NP, data, n,
				&u->out);
		uds_send_answers(u, s, from, fromlen);
		return;
	}
	exec_mgmt(u->ex, &r, s->read_only, now, uds_reply, &c);
}

static void uds_drain(struct mgmt_uds *u, const struct uds_sock *s,
		      int64_t now)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct sockaddr_un from;

	for (int i = 0; i < UDS_RX_BATCH; i++) {
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		memset(&from, 0, sizeof(from));
		n = recvfrom(s->fd, buf, sizeof(buf), MSG_TRUNC,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return; /* drained (EAGAIN), or poll tells again */
		u->st.rx++;
		if ((size_t)n > sizeof(buf)) {
			u->st.truncated++;
			bc_mgmt_count_drop(u->bc, BC_MGMT_DROP_MALFORMED);
			continue;
		}
		if (fromlen > sizeof(from))
			fromlen = sizeof(from);
		uds_request(u, s, buf, (size_t)n, &from, fromlen, now);
	}
}

/* ---- the service ---- */

static int svc_fds(void *ctx, struct pollfd *pfd, int max)
{
	struct mgmt_uds *u = ctx;
	int n = 0;

	for (int i = 0; i < UDS_NSOCK && n < max; i++) {
		if (u->sock[i].fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = u->sock[i].fd,
						    .events = POLLIN };
	}
	return n;
}

static void svc_handle(void *ctx, const struct pollfd *pfd, int n,
		       int64_t now)
{
	struct mgmt_uds *u = ctx;

	u->now = now;
	for (int i = 0; i < n; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLERR)))
			continue;
		for (int k = 0; k < UDS_NSOCK; k++) {
			if (u->sock[k].fd >= 0 && u->sock[k].fd == pfd[i].fd)
				uds_drain(u, &u->sock[k], now);
		}
	}
}

static int64_t svc_deadline(void *ctx)
{
	int64_t exp = uds_next_expiry(ctx), tx = uds_txq_deadline(ctx);

	return exp < tx ? exp : tx;
}

static void svc_tick(void *ctx, int64_t now)
{
	struct mgmt_uds *u = ctx;

	u->now = now;
	uds_txq_flush(u, now);
	uds_expire(u, now);
	uds_check_parent(u);
	uds_check_alarms(u);
}

/* One notification per state the port is in: a transition the port has
 * already left again in the same turn (FAULTY -> INITIALIZING -> LISTENING)
 * is not reported, as with ptp4l. */
static void svc_on_state(void *ctx, int port, enum port_state from,
			 enum port_state to, enum bc_event ev)
{
	struct mgmt_uds *u = ctx;
	const struct port_ds *ds = bc_port_ds(u->bc, port);

	(void)from;
	(void)ev;
	if (ds && ds->port_state == to)
		uds_notify(u, BC_NOTIFY_PORT_STATE, port);
}

static void svc_on_sample(void *ctx, int port, const struct bc_sample *s,
			  const struct disc_result *r)
{
	(void)port;
	(void)s;
	(void)r;
	uds_notify(ctx, BC_NOTIFY_TIME_SYNC, -1);
}

static void svc_on_parent(void *ctx)
{
	uds_check_parent(ctx);
}

static void svc_close(void *ctx)
{
	mgmt_uds_close(ctx);
}

static void svc_metrics(const void *ctx, struct metrics_snapshot *s)
{
	const struct mgmt_uds *u = ctx;

	s->have_uds = true;
	s->uds = u->st;
}

static const struct hvd_service_ops uds_ops = {
	.name = "management",
	.fds = svc_fds,
	.handle = svc_handle,
	.deadline = svc_deadline,
	.tick = svc_tick,
	.on_state = svc_on_state,
	.on_sample = svc_on_sample,
	.on_parent = svc_on_parent,
	.metrics = svc_metrics,
	.close = svc_close,
};

void mgmt_uds_service(struct mgmt_uds *u, struct hvd_service *s)
{
	s->ops = &uds_ops;
	s->ctx = u;
}

const struct mgmt_uds_stats *mgmt_uds_stats(const struct mgmt_uds *u)
{
	return &u->st;
}

int mgmt_uds_subscribers(const struct mgmt_uds *u)
{
	int n = 0;

	for (int i = 0; i < MGMT_UDS_MAX_SUBSCRIBERS; i++)
		n += u->sub[i].used;
	return n;
}
