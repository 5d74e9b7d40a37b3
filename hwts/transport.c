/*
 * hwts/transport.c — what every transport shares: the base struct's life,
 * socket creation and options, timestamping set-up, receiving one message
 * with its timestamp, sending with the core's token and reading TX
 * timestamps back.
 *
 * An implementation (udp4.c, udp6.c, l2.c) keeps only what is its own: its
 * addresses, how its sockets are bound and joined to groups, and where a
 * destination goes.  The token a send is given goes into the TX queue
 * (hwts/tstamp.c) beside the kernel's key for that send, and comes back
 * out with the timestamp: no table elsewhere maps one id to another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"
#include "hwts/transport.h"

void transport_cfg_default(struct transport_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = TRANSPORT_UDPV4;
	c->mode = HWTS_HARDWARE;
	c->filter_mode = HWTS_FILTER_NORMAL;
	c->onestep = HWTS_ONESTEP_OFF;
	c->want_peer = false;
	c->udp_ttl = 1;
	c->dscp_event = 0;
	c->dscp_general = 0;
	c->socket_priority = 0;
	strcpy(c->ptp_dst_ipv4, "224.0.1.129");
	strcpy(c->p2p_dst_ipv4, "224.0.0.107");
	strcpy(c->ptp_dst_ipv6, "FF0E:0:0:0:0:0:0:181");
	strcpy(c->p2p_dst_ipv6, "FF02:0:0:0:0:0:0:6B");
	c->udp6_scope = 0x0E;
	strcpy(c->ptp_dst_mac, "01:1B:19:00:00:00");
	strcpy(c->p2p_dst_mac, "01:80:C2:00:00:0E");
	c->event_port = 319;
	c->general_port = 320;
}

const struct transport_ops *transport_ops_of(enum transport_kind kind)
{
	switch (kind) {
	case TRANSPORT_UDPV4:
		return &transport_udp4_ops;
	case TRANSPORT_UDPV6:
		return &transport_udp6_ops;
	case TRANSPORT_L2:
		return &transport_l2_ops;
	}
	return NULL;
}

int transport_base_new(size_t size, const struct transport_ops *ops,
		       const char *ifname, const struct transport_cfg *cfg,
		       struct transport **out)
{
	struct transport *t;

	*out = NULL;
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ) {
		cm_err("%s: bad interface name", ifname ? ifname : "(null)");
		return -EINVAL;
	}
	t = calloc(1, size);
	if (!t)
		return -ENOMEM;
	t->ops = ops;
	strcpy(t->ifname, ifname);
	t->cfg = *cfg;
	t->fd[0] = t->fd[1] = -1;
	t->send_fd[0] = t->send_fd[1] = -1;
	t->hardware = cfg->mode == HWTS_HARDWARE;
	*out = t;
	return 0;
}

void transport_base_close(struct transport *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < 2; i++) {
		if (t->send_fd[i] >= 0 && t->send_fd[i] != t->fd[0] &&
		    t->send_fd[i] != t->fd[1])
			close(t->send_fd[i]);
		if (t->fd[i] >= 0)
			close(t->fd[i]);
	}
	if (t->hardware)
		hwts_hwtstamp_restore(t->ifname, &t->hw);
	free(t);
}

int transport_socket(struct transport *t, int ch, int domain, int type,
		     int protocol)
{
	int fd = socket(domain, type, protocol), err;

	if (fd < 0) {
		err = -errno;
		cm_err("%s: socket: %s", t->ifname, strerror(-err));
		return err;
	}
	t->fd[ch] = fd;
	t->send_fd[ch] = fd;
	err = hwts_fd_set_flags(fd);
	if (err)
		cm_err("%s: fcntl: %s", t->ifname, strerror(-err));
	return err;
}

int transport_sockopt(struct transport *t, int ch, int level, int name,
		      const void *val, socklen_t len, const char *what)
{
	int err;

	if (setsockopt(t->fd[ch], level, name, val, len) == 0)
		return 0;
	err = -errno;
	cm_err("%s: %s socket: %s: %s", t->ifname, ch ? "general" : "event",
	       what, strerror(-err));
	return err;
}

int transport_sockopt_int(struct transport *t, int ch, int level, int name,
			  int v, const char *what)
{
	return transport_sockopt(t, ch, level, name, &v, sizeof(v), what);
}

int transport_bind_device(struct transport *t, int ch)
{
	int err = transport_sockopt_int(t, ch, SOL_SOCKET, SO_REUSEADDR, 1,
					"SO_REUSEADDR");

	if (!err)
		err = transport_sockopt(t, ch, SOL_SOCKET, SO_BINDTODEVICE,
					t->ifname,
					(socklen_t)strlen(t->ifname) + 1,
					"SO_BINDTODEVICE");
	return err;
}

bool transport_udp_cfg_ok(const struct transport *t, const char *what)
{
	const struct transport_cfg *c = &t->cfg;

	if (c->event_port == 0 || c->general_port == 0 ||
	    c->event_port == c->general_port || c->udp_ttl < 1 ||
	    c->udp_ttl > 255 || c->dscp_event < 0 || c->dscp_event > 63 ||
	    c->dscp_general < 0 || c->dscp_general > 63) {
		cm_err("%s: bad %s settings (ports %u/%u, ttl %d, dscp %d/%d)",
		       t->ifname, what, c->event_port, c->general_port,
		       c->udp_ttl, c->dscp_event, c->dscp_general);
		return false;
	}
	return true;
}

int transport_bind_addr(struct transport *t, int ch,
			const struct sockaddr *sa, socklen_t len)
{
	uint16_t port = ch ? t->cfg.general_port : t->cfg.event_port;
	int err;

	if (bind(t->fd[ch], sa, len) == 0)
		return 0;
	err = -errno;
	cm_err("%s: bind to port %u: %s", t->ifname, port, strerror(-err));
	return err;
}

/*
 * The receive buffer: SO_RCVBUFFORCE (CAP_NET_ADMIN, which hvptpd has)
 * passes net.core.rmem_max; without the capability SO_RCVBUF takes what
 * the cap allows.  TX timestamps queue on the event socket's error queue,
 * charged to this same buffer: a buffer full of Delay_Reqs loses them.
 */
int transport_rcvbuf(struct transport *t, int ch)
{
	int v = t->cfg.rcvbuf, err;

	if (v <= 0)
		return 0;
	if (setsockopt(t->fd[ch], SOL_SOCKET, SO_RCVBUFFORCE, &v,
		       sizeof(v)) == 0)
		return 0;
	err = -errno;
	if (err != -EPERM) {
		cm_err("%s: %s socket: SO_RCVBUFFORCE %d: %s", t->ifname,
		       ch ? "general" : "event", v, strerror(-err));
		return err;
	}
	if (ch == 0)
		cm_notice("%s: socket_rcvbuf %d: no CAP_NET_ADMIN, capped by "
			  "net.core.rmem_max", t->ifname, v);
	return transport_sockopt_int(t, ch, SOL_SOCKET, SO_RCVBUF, v,
				     "SO_RCVBUF");
}

int transport_priority(struct transport *t, int ch)
{
	if (t->cfg.socket_priority <= 0)
		return 0;
	return transport_sockopt_int(t, ch, SOL_SOCKET, SO_PRIORITY,
				     t->cfg.socket_priority, "SO_PRIORITY");
}

int transport_tstamp_setup(struct transport *t, bool l2)
{
	struct hwts_hw_req req = {
		.mode = t->cfg.filter_mode,
		.onestep = t->cfg.onestep,
		.l2 = l2,
	};
	bool opt_id = false;
	int err = 0;

	if (t->hardware)
		err = hwts_hwtstamp_setup(t->ifname, &req, &t->hw);
	if (!err)
		err = hwts_tstamp_enable(t->fd[0], t->ifname, t->cfg.mode, true,
					 &opt_id);
	if (!err && t->fd[1] >= 0)
		err = hwts_tstamp_enable(t->fd[1], t->ifname, t->cfg.mode,
					 false, NULL);
	hwts_txq_init(&t->txq, opt_id, t->cfg.mode);
	return err;
}

const char *transport_mode_name(const struct transport *t)
{
	if (t->hardware)
		return t->txq.opt_id ? "hardware" : "hardware (no OPT_ID)";
	if (t->cfg.mode == HWTS_SOFTWARE_SCHED)
		return t->txq.opt_id ? "software (TX: scheduler)"
				     : "software (TX: scheduler) (no OPT_ID)";
	return t->txq.opt_id ? "software" : "software (no OPT_ID)";
}

int transport_recvmsg(struct transport *t, int ch, void *buf, size_t cap,
		      struct transport_rx *rx, void *from, socklen_t *fromlen)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct hwts_cmsg c;
	struct msghdr msg;
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	if (ch != 0 && ch != 1)
		return -EINVAL;
	if (t->fd[ch] < 0)
		return -EAGAIN;
	memset(&msg, 0, sizeof(msg));
	memset(from, 0, *fromlen);
	msg.msg_name = from;
	msg.msg_namelen = *fromlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(t->fd[ch], &msg, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	*fromlen = msg.msg_namelen;
	rx->truncated = (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	hwts_cmsg_parse(&msg, &c);
	rx->have_ts = hwts_cmsg_ts(&c, t->hardware, &rx->ts);
	return (size_t)n > cap ? (int)cap : (int)n;
}

int transport_sendto(struct transport *t, enum transport_send what,
		     const void *buf, size_t len, const void *to,
		     socklen_t tolen, uint32_t token)
{
	bool event = what != TRANSPORT_GENERAL;
	int fd = t->send_fd[event ? 0 : 1];
	ssize_t n;
	int err;

	n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, tolen);
	if (n < 0) {
		err = -errno;
		if (event)
			hwts_txq_failed(&t->txq);
		cm_debug("%s: sendto: %s", t->ifname, strerror(-err));
		return err;
	}
	if (event)
		hwts_txq_sent(&t->txq, buf, len, token,
			      what == TRANSPORT_EVENT);
	return (int)n;
}

int transport_base_recv_txts(struct transport *t, struct transport_txts *out)
{
	return hwts_txts_read(t->fd[0], t->ifname, t->hardware, &t->txq, out);
}

void transport_base_fds(struct transport *t, int fds[2])
{
	fds[0] = t->fd[0];
	fds[1] = t->fd[1];
}
