/*
 * daemon/service.h — add-ons of the poll loop.
 *
 * A service is something the daemon runs beside the clock in the same
 * single-threaded loop: the management sockets, the metrics endpoint, the
 * systemd notifier.  Each fills poll descriptors, handles what poll
 * reported, may ask to be woken at a deadline, and may observe the clock's
 * events.  Each kind of service has one static ops table (all callbacks
 * optional) and a context.  hvd_open() registers them from the settings;
 * the loop calls them in registration order.  Services reach the daemon
 * only through the functions below, never through struct hvd.
 */
#ifndef HVPTP_DAEMON_SERVICE_H
#define HVPTP_DAEMON_SERVICE_H

#include <poll.h>
#include <stdint.h>

#include "bc/bc.h"
#include "servo/discipline.h"

struct hvd;
struct exec;
struct hvd_settings;
struct metrics_snapshot;

/* A service's callbacks: one static table per kind of service. */
struct hvd_service_ops {
	const char *name;
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
	/* Add this service's own counters to a metrics snapshot. */
	void (*metrics)(const void *ctx, struct metrics_snapshot *s);
	/* Called once before the daemon exits. */
	void (*close)(void *ctx);
};

struct hvd_service {
	const struct hvd_service_ops *ops;
	void *ctx;
};

#define HVD_MAX_SERVICES 8
#define HVD_SERVICE_MAX_FDS 16

/* The daemon's monotonic clock (CLOCK_MONOTONIC ns), the loop's "now". */
int64_t hvd_monotonic_ns(void);

/* Register a service (copied); -EINVAL without ops, -ENOSPC when full. */
int hvd_service_add(struct hvd *d, const struct hvd_service *s);

/* What a service may use of the daemon: the core (read), the executor
 * (management requests go through it, so that their side effects are
 * carried out) and the settings. */
struct bc *hvd_core(struct hvd *d);
struct exec *hvd_exec(struct hvd *d);
const struct hvd_settings *hvd_settings(const struct hvd *d);
/* Everything the daemon counts, for a metrics snapshot: its executor,
 * ports and clocks, and each service's own (ops->metrics).  ctx is the
 * struct hvd. */
void hvd_metrics_fill(void *ctx, struct metrics_snapshot *s);

#endif
