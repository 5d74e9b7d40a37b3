/*
 * mgmt/metrics.c — the metrics endpoint (libmicrohttpd in external-select
 * mode, driven from the poll loop) and the metrics text file (see
 * metrics.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "common/log.h"
#include "daemon/service.h"
#include "mgmt/metrics.h"
#include "hwts/hwts.h"

#define METRICS_BUF_START (32 * 1024)
#define METRICS_BUF_MAX (4 * 1024 * 1024)
#define METRICS_CONN_TIMEOUT_S 10
#define METRICS_BACKLOG 16

struct mgmt_metrics {
	const struct bc *bc;
	struct mgmt_metrics_cfg cfg;
	char textfile[4096];
	char clock_name[METRICS_NAME_LEN];
	struct MHD_Daemon *mhd;
	int port; /* bound TCP port, or -1 */
	int64_t now; /* the loop's time at the last callback */
	int64_t started; /* monotonic ns at open */
	int64_t mhd_due; /* MHD wants to run by then (INT64_MAX: no) */
	int64_t textfile_due; /* next text file write */
	struct mgmt_metrics_stats st;
	struct metrics_snapshot snap;
	char *buf;
	size_t cap;
};

/* ---- rendering ---- */

static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1.0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void metrics_snapshot(struct mgmt_metrics *m, int64_t now)
{
	struct metrics_snapshot *s = &m->snap;

	metrics_snapshot_from_bc(s, m->bc, now);
	snprintf(s->clock_name, sizeof(s->clock_name), "%s", m->clock_name);
	s->uptime_s = (double)(now - m->started) / 1e9;
	s->cpu_s = cpu_seconds();
	s->http_requests = m->st.http_requests;
	s->textfile_writes = m->st.textfile_writes;
	s->textfile_errors = m->st.textfile_errors;
	if (m->cfg.fill)
		m->cfg.fill(m->cfg.fill_ctx, s);
}

int mgmt_metrics_text(struct mgmt_metrics *m, int64_t now, const char **text,
		      size_t *len)
{
	int err;

	metrics_snapshot(m, now);
	for (;;) {
		char *nbuf;

		err = metrics_render(&m->snap, m->buf, m->cap, len);
		if (err != -ENOSPC || m->cap >= METRICS_BUF_MAX)
			break;
		nbuf = realloc(m->buf, m->cap * 2);
		if (!nbuf)
			break;
		m->buf = nbuf;
		m->cap *= 2;
	}
	if (err) {
		m->st.render_errors++;
		return err;
	}
	*text = m->buf;
	return 0;
}

static void textfile_update(struct mgmt_metrics *m, int64_t now)
{
	const char *text;
	size_t len;
	int err;

	m->textfile_due = now + (int64_t)m->cfg.textfile_interval_s * NS_PER_SEC;
	/* the file counts itself */
	m->st.textfile_writes++;
	err = mgmt_metrics_text(m, now, &text, &len);
	if (!err)
		err = mgmt_metrics_textfile_write(m->textfile, text, len);
	if (err) {
		m->st.textfile_writes--;
		if (m->st.textfile_errors++ == 0)
			cm_warn("metrics: cannot write %s: %s", m->textfile,
				strerror(-err));
	}
}

/* ---- HTTP ---- */

static enum MHD_Result metrics_reply(struct MHD_Connection *c,
				     unsigned status, const char *text,
				     size_t len, bool copy)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)text,
					    copy ? MHD_RESPMEM_MUST_COPY
						 : MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK
					? MGMT_METRICS_CONTENT_TYPE
					: "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result metrics_answer(void *cls, struct MHD_Connection *c,
				      const char *url, const char *method,
				      const char *version,
				      const char *upload_data,
				      size_t *upload_data_size, void **req_cls)
{
	static const char not_found[] = "not found: try /metrics\n";
	static const char bad_method[] = "only GET and HEAD\n";
	static const char failed[] = "metrics do not fit the buffer\n";
	struct mgmt_metrics *m = cls;
	const char *text;
	size_t len;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (strcmp(url, MGMT_METRICS_PATH) != 0) {
		m->st.http_not_found++;
		return metrics_reply(c, MHD_HTTP_NOT_FOUND, not_found,
				     sizeof(not_found) - 1, false);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		m->st.http_bad_method++;
		return metrics_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				     bad_method, sizeof(bad_method) - 1,
				     false);
	}
	m->st.http_requests++;
	if (mgmt_metrics_text(m, m->now, &text, &len) < 0)
		return metrics_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, failed,
				     sizeof(failed) - 1, false);
	return metrics_reply(c, MHD_HTTP_OK, text, len, true);
}

static __attribute__((format(printf, 2, 0))) void
metrics_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	cm_log(CM_LOG_NOTICE, "metrics: %s", line);
}

/* A listening TCP socket on sa, non-blocking and close-on-exec (set with
 * fcntl, not in socket()'s type: see design.md, section 4). */
static int metrics_listen(const struct sockaddr_in *sa, int *out)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, err;

	if (fd < 0)
		return -errno;
	err = hwts_fd_set_flags(fd);
	if (err == 0 &&
	    (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	     bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	     listen(fd, METRICS_BACKLOG) < 0))
		err = -errno;
	if (err < 0) {
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

static int metrics_bound_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	return ntohs(sa.sin_port);
}

static int metrics_start_http(struct mgmt_metrics *m)
{
	struct sockaddr_in sa;
	int fd = -1, err;

	if (mgmt_metrics_parse_address(m->cfg.address, &sa) < 0) {
		cm_err("metrics: metrics_address %s: not A.B.C.D:PORT",
		       m->cfg.address);
		return -EINVAL;
	}
	err = metrics_listen(&sa, &fd);
	if (err < 0) {
		cm_err("metrics: cannot listen on %s: %s", m->cfg.address,
		       strerror(-err));
		return err;
	}
	m->port = metrics_bound_port(fd);
	m->mhd = MHD_start_daemon(
		MHD_USE_ERROR_LOG, 0, NULL, NULL, metrics_answer, m,
		MHD_OPTION_EXTERNAL_LOGGER, metrics_mhd_log, m,
		MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)MGMT_METRICS_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_CONN_TIMEOUT_S,
		MHD_OPTION_END);
	if (!m->mhd) {
		cm_err("metrics: libmicrohttpd did not start on %s",
		       m->cfg.address);
		if (fcntl(fd, F_GETFD) >= 0)
			close(fd);
		return -EIO;
	}
	cm_info("metrics: http://%s:%d%s", inet_ntoa(sa.sin_addr), m->port,
		MGMT_METRICS_PATH);
	return 0;
}

static bool metrics_cfg_ok(const struct mgmt_metrics_cfg *cfg)
{
	bool http = cfg->address && *cfg->address;
	bool file = cfg->textfile && *cfg->textfile;

	if (file && (cfg->textfile_interval_s < 1 ||
		     strlen(cfg->textfile) >= 4096))
		return false;
	return http || file;
}

int mgmt_metrics_open(struct mgmt_metrics **out, const struct bc *bc,
		      const struct mgmt_metrics_cfg *cfg)
{
	struct mgmt_metrics *m;
	int err = 0;

	*out = NULL;
	if (!metrics_cfg_ok(cfg))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->buf = malloc(METRICS_BUF_START))) {
		free(m);
		return -ENOMEM;
	}
	m->cap = METRICS_BUF_START;
	m->bc = bc;
	m->cfg = *cfg;
	m->port = -1;
	m->mhd_due = INT64_MAX;
	m->started = hvd_monotonic_ns();
	m->now = m->started;
	snprintf(m->clock_name, sizeof(m->clock_name), "%s",
		 cfg->clock_name ? cfg->clock_name : "");
	snprintf(m->textfile, sizeof(m->textfile), "%s",
		 cfg->textfile ? cfg->textfile : "");
	m->cfg.textfile = m->textfile;
	m->cfg.clock_name = m->clock_name;
	m->cfg.address = NULL;
	if (cfg->address && *cfg->address) {
		m->cfg.address = cfg->address; /* only while starting */
		err = metrics_start_http(m);
		m->cfg.address = NULL;
	}
	if (err) {
		mgmt_metrics_close(m);
		return err;
	}
	*out = m;
	return 0;
}

void mgmt_metrics_close(struct mgmt_metrics *m)
{
	if (!m)
		return;
	if (m->mhd)
		MHD_stop_daemon(m->mhd); /* closes the listening socket */
	if (m->textfile[0] && m->st.textfile_writes)
		unlink(m->textfile);
	free(m->buf);
	free(m);
}

int mgmt_metrics_port(const struct mgmt_metrics *m)
{
	return m->port;
}

const struct mgmt_metrics_stats *mgmt_metrics_stats(const struct mgmt_metrics *m)
{
	return &m->st;
}

/* ---- the service ---- */

static int svc_fds(void *ctx, struct pollfd *pfd, int max)
{
	struct mgmt_metrics *m = ctx;
	fd_set rs, ws, es;
	MHD_socket top = -1;
	int n = 0;

	if (!m->mhd)
		return 0;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_ZERO(&es);
	if (MHD_get_fdset2(m->mhd, &rs, &ws, &es, &top, FD_SETSIZE) != MHD_YES)
		return 0;
	for (int fd = 0; fd <= top && n < max; fd++) {
		short ev = (short)((FD_ISSET(fd, &rs) ? POLLIN : 0) |
				   (FD_ISSET(fd, &ws) ? POLLOUT : 0));

		if (ev)
			pfd[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	return n;
}

static void svc_handle(void *ctx, const struct pollfd *pfd, int n,
		       int64_t now)
{
	struct mgmt_metrics *m = ctx;
	fd_set rs, ws, es;
	bool any = false;

	m->now = now;
	if (!m->mhd)
		return;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_ZERO(&es);
	for (int i = 0; i < n; i++) {
		short re = pfd[i].revents;

		if (!re || pfd[i].fd < 0 || pfd[i].fd >= FD_SETSIZE)
			continue;
		any = true;
		if (re & (POLLIN | POLLHUP | POLLERR))
			FD_SET(pfd[i].fd, &rs);
		if ((re & (POLLOUT | POLLHUP | POLLERR)) &&
		    (pfd[i].events & POLLOUT))
			FD_SET(pfd[i].fd, &ws);
	}
	/* MHD must also run when its timeout passed, activity or not */
	if (any || now >= m->mhd_due)
		MHD_run_from_select(m->mhd, &rs, &ws, &es);
}

static int64_t svc_deadline(void *ctx)
{
	struct mgmt_metrics *m = ctx;
	int64_t due = m->mhd_due;

	if (m->textfile[0] && m->textfile_due < due)
		due = m->textfile_due;
	return due;
}

static void svc_tick(void *ctx, int64_t now)
{
	struct mgmt_metrics *m = ctx;
	MHD_UNSIGNED_LONG_LONG ms;

	m->now = now;
	if (m->textfile[0] && now >= m->textfile_due)
		textfile_update(m, now);
	m->mhd_due = INT64_MAX;
	if (m->mhd && MHD_get_timeout(m->mhd, &ms) == MHD_YES)
		m->mhd_due = ms > 86400000ULL ? now + 86400LL * NS_PER_SEC
					      : now + (int64_t)ms * NS_PER_MS;
}

static void svc_close(void *ctx)
{
	mgmt_metrics_close(ctx);
}

static const struct hvd_service_ops metrics_ops = {
	.name = "metrics",
	.fds = svc_fds,
	.handle = svc_handle,
	.deadline = svc_deadline,
	.tick = svc_tick,
	.close = svc_close,
};

void mgmt_metrics_service(struct mgmt_metrics *m, struct hvd_service *s)
{
	s->ops = &metrics_ops;
	s->ctx = m;
}
