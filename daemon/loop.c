/*
 * daemon/loop.c — the one poll() loop: timers from the heap, TX timestamps
 * from the error queues, received messages, link events, and the state
 * decision once per turn.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/reload.h"

#define HVD_MAX_POLL_MS 1000
#define HVD_LINK_POLL_NS NS_PER_SEC /* IFF_RUNNING re-check without netlink */

static void read_txts(struct hvd *d, int port, int64_t now);

/*
 * A TX timestamp's deadline passed: before the core calls it lost, look
 * whether it waits in the error queue (a zero-timeout poll of that socket;
 * each readiness read once, as in the loop).  The deadline means "the
 * driver did not deliver", and a daemon that was not scheduled for a few
 * milliseconds, or woke for another socket first, has not looked yet: on
 * a busy host that faulted the port while the timestamp was there.
 */
static void txts_before_timeout(struct hvd *d, int port, int64_t now)
{
	struct hvd_port *hp = &d->ports[port];

	for (int i = 0; i < 8 && hp->t; i++) {
		struct pollfd p = { .fd = hp->fds[0], .events = POLLPRI };

		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLERR | POLLPRI)))
			return;
		read_txts(d, port, now);
	}
}

static void run_timers(struct hvd *d, int64_t now)
{
	int id, n = d->cap * BC_TMR_PER_PORT;

	while ((id = timerheap_pop_due(&d->th, now)) >= 0) {
		if (id < n) {
			int port = id / BC_TMR_PER_PORT;
			int t = id % BC_TMR_PER_PORT;

			if (t == BC_TMR_TX_TS)
				txts_before_timeout(d, port, now);
			exec_timer(&d->ex, port, t, now);
			continue;
		}
		if (id < n + EXEC_TMR_COUNT) {
			exec_timer(&d->ex, -1, id - n, now);
			continue;
		}
		switch (id - n - EXEC_TMR_COUNT) {
		case HVD_TMR_SUMMARY:
			exec_summary(&d->ex);
			break;
		case HVD_TMR_LINK_POLL:
			hvd_ports_scan(d, now);
			timerheap_arm(&d->th, id, now + HVD_LINK_POLL_NS);
			break;
		}
	}
}

static void arm_summary(struct hvd *d, int64_t now)
{
	int id = hvd_timer_id(d, HVD_TMR_SUMMARY);
	int64_t period = exec_summary_period_ns(&d->ex);

	if (period > 0 && !timerheap_armed(&d->th, id))
		timerheap_arm(&d->th, id, now + period);
}

/*
 * One read per poll readiness, and the error queue only when poll
 * reported it: whatever is left makes the next poll return at once, and no
 * turn ends with a read that finds nothing (design.md section 4; under
 * clknetsim a second read can even return another socket's packet).
 */
static void read_txts(struct hvd *d, int port, int64_t now)
{
	struct hvd_port *hp = &d->ports[port];
	struct transport_txts tt;
	int err = hp->ops->recv_txts(hp->t, &tt);

	if (err == -EAGAIN)
		return;
	if (err == -ENOMSG) {
		hp->txts_unmatched++;
		return;
	}
	if (err < 0) {
		hp->rx_errors++;
		return;
	}
	exec_tx_ts(&d->ex, port, tt.token, tt.ts, now);
}

/*
 * The sender's address as the core compares it: the host, not the socket
 * (a master's event and general ports differ), in the form
 * config/uctab.c gives a unicast master table entry.  A source of
 * another form stays as it is.
 */
static void src_canonical(struct bc_addr *a)
{
	sa_family_t family;
	struct sockaddr_ll sll;

	if (a->len < sizeof(family))
		return;
	memcpy(&family, a->data, sizeof(family));
	if (family == AF_INET && a->len == sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, a->data, sizeof(sin));
		sin.sin_port = 0;
		memcpy(a->data, &sin, sizeof(sin));
	} else if (family == AF_INET6 &&
		   a->len == sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, a->data, sizeof(sin6));
		sin6.sin6_port = 0;
		sin6.sin6_flowinfo = 0;
		sin6.sin6_scope_id = 0;
		memcpy(a->data, &sin6, sizeof(sin6));
	} else if (family == AF_PACKET &&
		   a->len == sizeof(struct sockaddr_ll)) {
		struct sockaddr_ll in;

		memcpy(&in, a->data, sizeof(in));
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_halen = in.sll_halen;
		memcpy(sll.sll_addr, in.sll_addr, sizeof(sll.sll_addr));
		memcpy(a->data, &sll, sizeof(sll));
	}
}

static void read_rx(struct hvd *d, int port, int channel, int64_t now)
{
	struct hvd_port *hp = &d->ports[port];
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct transport_rx rx;
	int n;

	memset(&rx, 0, sizeof(rx));
	n = hp->ops->recv(hp->t, channel, buf, sizeof(buf), &rx);
	if (n == -EAGAIN)
		return;
	if (n < 0) {
		hp->rx_errors++;
		return;
	}
	if (rx.truncated) {
		hp->rx_truncated++;
		return;
	}
	if (channel == 0 && !rx.have_ts)
		hp->rx_no_ts++;
	src_canonical(&rx.src);
	exec_rx(&d->ex, port, buf, (size_t)n,
		rx.have_ts ? rx.ts : tmv_from_ns(0), &rx.src, now);
}

static void on_link(void *ctx, const struct hwts_link *l)
{
	struct hvd *d = ctx;

	hvd_iface_event(d, l, false, hvd_monotonic_ns());
}

static int64_t services_deadline(const struct hvd *d)
{
	int64_t next = INT64_MAX;

	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *s = &d->services[i];
		int64_t t = s->ops->deadline ? s->ops->deadline(s->ctx)
					     : INT64_MAX;

		if (t < next)
			next = t;
	}
	return next;
}

static int poll_timeout_ms(const struct hvd *d, int64_t now)
{
	int64_t next = timerheap_next(&d->th), ms;
	int64_t svc = services_deadline(d);

	if (svc < next)
		next = svc;
	if (next == INT64_MAX)
		return HVD_MAX_POLL_MS;
	if (next <= now)
		return 0;
	ms = (next - now + NS_PER_MS - 1) / NS_PER_MS;
	return ms > HVD_MAX_POLL_MS ? HVD_MAX_POLL_MS : (int)ms;
}

static int fill_pollfds(struct hvd *d, struct pollfd *pfd)
{
	int n = 0;

	for (int i = 0; i < d->nports; i++) {
		const struct hvd_port *hp = &d->ports[i];

		/* a negative fd: poll skips it (a missing interface) */
		pfd[n++] = (struct pollfd){ .fd = hp->t ? hp->fds[0] : -1,
					    .events = POLLIN | POLLPRI };
		pfd[n++] = (struct pollfd){ .fd = hp->t ? hp->fds[1] : -1,
					    .events = POLLIN };
	}
	if (d->lm)
		pfd[n++] = (struct pollfd){ .fd = hwts_linkmon_fd(d->lm),
					    .events = POLLIN };
	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *s = &d->services[i];

		d->svc_first[i] = n;
		d->svc_count[i] = s->ops->fds ? s->ops->fds(s->ctx, pfd + n,
							    HVD_SERVICE_MAX_FDS)
					      : 0;
		n += d->svc_count[i];
	}
	return n;
}

static void services_handle(struct hvd *d, const struct pollfd *pfd,
			    int64_t now)
{
	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *s = &d->services[i];

		if (s->ops->handle && d->svc_count[i])
			s->ops->handle(s->ctx, pfd + d->svc_first[i],
				       d->svc_count[i], now);
	}
}

static void services_tick(struct hvd *d, int64_t now)
{
	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *s = &d->services[i];

		if (s->ops->tick)
			s->ops->tick(s->ctx, now);
	}
}

static void handle_events(struct hvd *d, const struct pollfd *pfd,
			  int64_t now)
{
	int np = d->nports;

	/* TX timestamps first: a Delay_Resp may already wait behind them */
	for (int i = 0; i < np; i++) {
		if ((pfd[2 * i].revents & (POLLERR | POLLPRI)) &&
		    d->ports[i].t)
			read_txts(d, i, now);
	}
	/* a link event may close a port: the rest of this turn skips it */
	for (int i = 0; i < np; i++) {
		if ((pfd[2 * i].revents & POLLIN) && d->ports[i].t)
			read_rx(d, i, 0, now);
		if ((pfd[2 * i + 1].revents & POLLIN) && d->ports[i].t)
			read_rx(d, i, 1, now);
	}
	if (d->lm && (pfd[2 * np].revents & POLLIN))
		hwts_linkmon_read(d->lm, on_link, d);
	services_handle(d, pfd, now);
}

/* The link states at start: with netlink, IFF_RUNNING is the kernel's
 * word and later changes come as events; without, a listing every second
 * (hvd_ports_scan) takes IFF_RUNNING as the link state once an interface
 * has shown it: one that never sets it (some virtual devices; clknetsim's
 * model) stays up instead of faulting for good.  A fixed port whose
 * interface is missing starts FAULTY; the interfaces pattern sections
 * match are served. */
static void initial_links(struct hvd *d, int64_t now)
{
	for (int i = 0; i < d->nports; i++) {
		struct hvd_port *hp = &d->ports[i];
		bool up = true;

		if (hp->waiting)
			continue; /* FAULTY already */
		hp->link_up = true;
		if (hwts_iface_running(hp->name, &up) < 0)
			continue;
		if (up) {
			hp->link_seen_running = true;
		} else if (d->lm) {
			hvd_port_link(d, i, false, now);
		} else {
			cm_log(CM_LOG_NOTICE, "%s: IFF_RUNNING not set and no "
			       "netlink: link taken as up until the interface "
			       "shows IFF_RUNNING", hp->name);
		}
	}
	if (d->set.ntemplates > 0 || !d->lm)
		hvd_ports_scan(d, now);
	if (!d->lm)
		timerheap_arm(&d->th, hvd_timer_id(d, HVD_TMR_LINK_POLL),
			      now + HVD_LINK_POLL_NS);
}

int hvd_run(struct hvd *d, volatile sig_atomic_t *stop)
{
	struct pollfd *pfd = d->pfd;
	int64_t now = hvd_monotonic_ns();

	d->started_ns = now;
	/* a fixed port whose interface is missing starts FAULTY, not
	 * LISTENING for a moment */
	for (int i = 0; i < d->nports; i++) {
		if (d->ports[i].waiting)
			hvd_port_link(d, i, false, now);
	}
	exec_start(&d->ex, now);
	initial_links(d, now);
	while (!*stop) {
		int n;

		now = hvd_monotonic_ns();
		if (d->reload_flag && *d->reload_flag) {
			struct reload_report rep;

			*d->reload_flag = 0; /* SIGHUP */
			hvd_reload(d, now, &rep);
			if (d->reopen)
				hvd_services_reopen(d);
		}
		run_timers(d, now);
		exec_state_decision(&d->ex, now);
		arm_summary(d, now);
		n = fill_pollfds(d, pfd);
		if (poll(pfd, (nfds_t)n, poll_timeout_ms(d, now)) < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			cm_log(CM_LOG_ERR, "poll: %s", strerror(err));
			return -err;
		}
		d->loops++;
		now = hvd_monotonic_ns();
		handle_events(d, pfd, now);
		exec_state_decision(&d->ex, now);
		services_tick(d, now);
		if (d->reopen)
			hvd_services_reopen(d);
	}
	return 0;
}
