/*
 * mgmt/metrics.h — hvptpd's metrics endpoint and metrics text file.
 *
 * Prometheus scrapes http://metrics_address/metrics (metrics_address
 * "A.B.C.D:PORT", IPv4; empty: no endpoint).  The HTTP side is GNU
 * libmicrohttpd, run in its "external select" mode inside the daemon's one
 * poll() loop: no thread of its own, no epoll.  Each turn the service asks
 * MHD for its descriptors (MHD_get_fdset2) and hands them to the loop as
 * pollfds, and after poll() hands the results back as fd_sets to
 * MHD_run_from_select(); MHD_get_timeout() becomes the service's deadline.
 * (MHD's own epoll mode would also give a single descriptor to poll, but
 * the daemon keeps to poll() so that LD_PRELOAD clock and network
 * simulators can run it.)  The listening socket is hvptpd's own (created
 * without SOCK_* type flags, then handed to MHD), so that a bad address is
 * reported in hvptpd's words.  Only GET and HEAD of /metrics are answered
 * (404 for other paths, 405 for other methods); at most
 * MGMT_METRICS_MAX_CONNECTIONS clients at once.
 *
 * Every scrape renders a fresh snapshot (metrics_render.h).  With
 * metrics_textfile set, the same text is also written every
 * metrics_textfile_interval seconds for node_exporter's textfile
 * collector: to PATH.tmp, then rename()d over PATH, so that a reader never
 * sees half a file.  The file is removed when hvptpd exits.
 */
#ifndef HVPTP_MGMT_METRICS_H
#define HVPTP_MGMT_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "bc/bc.h"
#include "daemon/service.h"
#include "mgmt/metrics_render.h"

struct hvd;
struct mgmt_metrics;

#define MGMT_METRICS_MAX_CONNECTIONS 8
#define MGMT_METRICS_PATH "/metrics"
#define MGMT_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct mgmt_metrics_cfg {
	const char *address; /* "A.B.C.D:PORT"; NULL or "": no endpoint */
	const char *textfile; /* NULL or "": no text file */
	int textfile_interval_s; /* >= 1 */
	const char *clock_name; /* the disciplined clock, for labels */
	/* Adds what only the program knows (socket counters...) to a
	 * snapshot; may be NULL. */
	void (*fill)(void *ctx, struct metrics_snapshot *s);
	void *fill_ctx;
};

struct mgmt_metrics_stats {
	uint64_t http_requests; /* GET/HEAD /metrics answered */
	uint64_t http_not_found; /* 404 */
	uint64_t http_bad_method; /* 405 */
	uint64_t render_errors; /* the text did not fit the largest buffer */
	uint64_t textfile_writes;
	uint64_t textfile_errors;
};

/* "A.B.C.D:PORT" (PORT 0..65535) into sa; -EINVAL otherwise. */
int mgmt_metrics_parse_address(const char *s, struct sockaddr_in *sa);

/* Write len bytes of text to path atomically: path.tmp, then rename().
 * 0, or a negative errno (the .tmp file is removed then). */
int mgmt_metrics_textfile_write(const char *path, const char *text,
				size_t len);

/* Start the endpoint and/or the text file for bc (which must outlive m).
 * 0, or a negative errno after logging why. */
int mgmt_metrics_open(struct mgmt_metrics **out, const struct bc *bc,
		      const struct mgmt_metrics_cfg *cfg);
/* Stop the endpoint, remove the text file, free. */
void mgmt_metrics_close(struct mgmt_metrics *m);

/* Fill s with the service's callbacks (ctx m; close frees m). */
void mgmt_metrics_service(struct mgmt_metrics *m, struct hvd_service *s);

/* The TCP port the endpoint listens on (useful with port 0), or -1. */
int mgmt_metrics_port(const struct mgmt_metrics *m);
const struct mgmt_metrics_stats *mgmt_metrics_stats(const struct mgmt_metrics *m);

/* Render the current text (now: monotonic ns); *text stays valid until
 * the next call.  0 or -ENOSPC. */
int mgmt_metrics_text(struct mgmt_metrics *m, int64_t now, const char **text,
		      size_t *len);

/* For hvd_open(): start metrics from d->set (nothing when neither
 * metrics_address nor metrics_textfile is set) and register the service.
 * 0 or a negative errno. */
int mgmt_metrics_add(struct hvd *d);

#endif
