/*
 * daemon/service.h — add-ons of the poll loop.
 *
 * A service is something the daemon runs beside the clock in the same
 * single-threaded loop: the management sockets, the metrics endpoint, the
 * systemd notifier.  Each fills poll descriptors, handles what poll
 * reported, may ask to be woken at a deadline, and may observe the clock's
 * events.  hvd_open() registers them from the settings; the loop calls them
 * in registration order.  All callbacks are optional.
 */
#ifndef HVPTP_DAEMON_SERVICE_H
#define HVPTP_DAEMON_SERVICE_H

#include <poll.h>
#include <stdint.h>

#include "bc/bc.h"
#include "servo/discipline.h"

struct hvd;

struct hvd_service {
	const char *name;
	void *ctx;
	/* Fill up to max pollfds; return how many. */
	int (*fds)(void *ctx, struct pollfd *pfd, int max);
	/* pfd: the same entries fds() filled, with revents. */
	void (*handle)(void *ctx, const struct pollfd *pfd, int n,
		       int64_t now);
	/* Earliest monotonic time the service wants to run (tick), or
	 * INT64_MAX. */
	int64_t (*deadline)(void *ctx);
	/* Called every loop turn (after timers and events). */
	void (*tick)(void *ctx, int64_t now);
	/* Observers of the clock. */
	void (*on_state)(void *ctx, int port, enum port_state from,
			 enum port_state to, enum bc_event ev);
	void (*on_sample)(void *ctx, int port, const struct bc_sample *s,
			  const struct disc_result *r);
	void (*on_parent)(void *ctx);
	/* Called once before the daemon exits. */
	void (*close)(void *ctx);
};

#define HVD_MAX_SERVICES 8
#define HVD_SERVICE_MAX_FDS 16

/* Register a service (copied); -ENOSPC when full. */
int hvd_service_add(struct hvd *d, const struct hvd_service *s);

#endif
