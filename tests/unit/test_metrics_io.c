/*
 * tests/unit/test_metrics_io.c — hvptpd's metrics service (mgmt/metrics.h):
 * the metrics_address parser and the options in the settings, the atomic
 * text file writer (tmp + rename), and the HTTP endpoint on 127.0.0.1
 * driven through the service callbacks the way the poll loop drives them
 * (200, 404, 405, HEAD, the text file written by tick() and removed at
 * close), 32 ports (the buffer grows), open errors.  The text itself is
 * tests/unit/test_metrics.c's.  No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/settings.h"
#include "mgmt/metrics.h"
#include "mgmt/metrics_render.h"
#include "tests/unit/metrics_test.h"

#define SEC 1000000000LL


static void test_parse_address(void **state)
{
	static const char *const bad[] = {
		"", "127.0.0.1", "127.0.0.1:", ":9100", "127.0.0.1:65536",
		"127.0.0.1:-1", "127.0.0.1:91x", "localhost:9100",
		"::1:9100", "1.2.3:80", "127.0.0.1: 80", "127.0.0.1:+80",
	};
	struct sockaddr_in sa;

	(void)state;
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:9477", &sa), 0);
	assert_int_equal(ntohs(sa.sin_port), 9477);
	assert_int_equal(ntohl(sa.sin_addr.s_addr), 0x7f000001);
	assert_int_equal(mgmt_metrics_parse_address("0.0.0.0:0", &sa), 0);
	assert_int_equal(sa.sin_addr.s_addr, 0);
	assert_int_equal(mgmt_metrics_parse_address("10.1.2.3:65535", &sa), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mgmt_metrics_parse_address(bad[i], &sa),
				 -EINVAL);
	assert_int_equal(mgmt_metrics_parse_address(NULL, &sa), -EINVAL);
}

/* The options reach the settings; a bad address is refused at start. */
static void test_settings(void **state)
{
	static const char *const bad[] = { "127.0.0.1:0", "nonsense",
					   "127.0.0.1" };
	static struct hvd_settings set;
	struct cfg_error err;
	struct cfg *c = cfg_create();

	(void)state;
	assert_non_null(c);
	assert_int_equal(cfg_add_port(c, "eth0"), 0);
	assert_int_equal(settings_from_cfg(c, &set, &err), 0);
	assert_string_equal(set.metrics_address, "");
	assert_string_equal(set.metrics_textfile, "");
	assert_int_equal(set.metrics_textfile_interval, 10);
	assert_int_equal(cfg_set_cmdline(c, "metrics_address",
					 "127.0.0.1:9477", &err), 0);
	assert_int_equal(cfg_set_cmdline(c, "metrics_textfile",
					 "/run/x.prom", &err), 0);
	assert_int_equal(cfg_set_cmdline(c, "metrics_textfile_interval", "3",
					 &err), 0);
	assert_int_equal(settings_from_cfg(c, &set, &err), 0);
	assert_string_equal(set.metrics_address, "127.0.0.1:9477");
	assert_string_equal(set.metrics_textfile, "/run/x.prom");
	assert_int_equal(set.metrics_textfile_interval, 3);
	assert_int_not_equal(cfg_set_cmdline(c, "metrics_textfile_interval",
					     "0", &err), 0);
	cfg_destroy(c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = cfg_create();
		assert_int_equal(cfg_add_port(c, "eth0"), 0);
		assert_int_equal(cfg_set_cmdline(c, "metrics_address", bad[i],
						 &err), 0);
		assert_int_equal(settings_from_cfg(c, &set, &err), -EINVAL);
		assert_string_equal(err.option, "metrics_address");
		cfg_destroy(c);
	}
}

/* ---- the text file ---- */

static char dir[64];

static int dir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hvptp-metrics-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int dir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static size_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, cap - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

/* The new text replaces the file by rename: a reader that opened the old
 * file keeps reading the old text, whole. */
static void test_textfile_atomic(void **state)
{
	char path[128], tmp[136], buf[64];
	struct stat st;
	int old;

	(void)state;
	snprintf(path, sizeof(path), "%s/hvptp.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(mgmt_metrics_textfile_write(path, "one 1\n", 6), 0);
	assert_int_equal(read_file(path, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "one 1\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	old = open(path, O_RDONLY);
	assert_true(old >= 0);
	assert_int_equal(mgmt_metrics_textfile_write(path, "two 22\n", 7), 0);
	assert_int_equal(read(old, buf, sizeof(buf)), 6);
	close(old);
	assert_int_equal(read_file(path, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "two 22\n");
	assert_int_equal(access(tmp, F_OK), -1); /* nothing left behind */
}

static void test_textfile_errors(void **state)
{
	char path[128], big[5000];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.prom", dir);
	assert_int_equal(mgmt_metrics_textfile_write(path, "a 1\n", 4),
			 -ENOENT);
	/* a directory where the file should go: rename fails, tmp removed */
	snprintf(path, sizeof(path), "%s/adir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(big, sizeof(big), "%s/adir/x", dir);
	assert_int_equal(mkdir(big, 0755), 0);
	assert_true(mgmt_metrics_textfile_write(path, "a 1\n", 4) < 0);
	snprintf(big, sizeof(big), "%s/adir.tmp", dir);
	assert_int_equal(access(big, F_OK), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(mgmt_metrics_textfile_write(big, "a 1\n", 4),
			 -ENAMETOOLONG);
}

/* ---- the endpoint ---- */

struct ep {
	struct bc *bc;
	struct mgmt_metrics *m;
	struct hvd_service svc;
	int64_t now;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static void ep_open(struct ep *e, const char *textfile)
{
	struct mgmt_metrics_cfg cfg = {
		.address = "127.0.0.1:0",
		.textfile = textfile,
		.textfile_interval_s = 1,
		.clock_name = "CLOCK_REALTIME",
	};

	memset(e, 0, sizeof(*e));
	e->bc = make_bc();
	assert_int_equal(mgmt_metrics_open(&e->m, e->bc, &cfg), 0);
	assert_true(mgmt_metrics_port(e->m) > 0);
	mgmt_metrics_service(e->m, &e->svc);
	assert_string_equal(e->svc.ops->name, "metrics");
}

static void ep_close(struct ep *e)
{
	e->svc.ops->close(e->svc.ctx);
	bc_destroy(e->bc);
}

/* One turn of the daemon's loop, for this service only. */
static void ep_turn(struct ep *e, int extra_fd, int timeout_ms)
{
	struct pollfd pfd[HVD_SERVICE_MAX_FDS + 1];
	int n = e->svc.ops->fds(e->svc.ctx, pfd, HVD_SERVICE_MAX_FDS);

	assert_true(n >= 1 && n <= HVD_SERVICE_MAX_FDS);
	pfd[n] = (struct pollfd){ .fd = extra_fd, .events = POLLIN };
	if (e->svc.ops->deadline(e->svc.ctx) <= mono_ns())
		timeout_ms = 0;
	assert_true(poll(pfd, (nfds_t)n + 1, timeout_ms) >= 0);
	e->now = mono_ns();
	e->svc.ops->handle(e->svc.ctx, pfd, n, e->now);
	e->svc.ops->tick(e->svc.ctx, e->now);
}

/* Send req, run the loop until the server closes; the answer in buf. */
static size_t ep_request(struct ep *e, const char *req, char *buf,
			 size_t cap)
{
	struct sockaddr_in sa;
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:0", &sa), 0);
	sa.sin_port = htons((uint16_t)mgmt_metrics_port(e->m));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int turns = 0; turns < 500; turns++) {
		ssize_t n;

		ep_turn(e, fd, 10);
		while ((n = read(fd, buf + got, cap - 1 - got)) > 0)
			got += (size_t)n;
		if (n == 0)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

static char answer[256 * 1024];

static void test_http(void **state)
{
	const struct mgmt_metrics_stats *st;
	struct ep e;

	(void)state;
	ep_open(&e, NULL);
	ep_request(&e, "GET /metrics HTTP/1.0\r\n\r\n", answer,
		   sizeof(answer));
	assert_int_equal(strncmp(answer, "HTTP/1.", 7), 0);
	assert_memory_equal(answer + 8, " 200 ", 5);
	assert_non_null(strstr(answer, "Content-Type: text/plain; "
				       "version=0.0.4; charset=utf-8\r\n"));
	assert_non_null(strstr(answer, "\r\n\r\n# HELP hvptp_info "));
	assert_non_null(strstr(answer, "\nhvptp_metrics_http_requests_total 1\n"));
	assert_non_null(strstr(answer, "hvptp_port_state{port=\"2\","
				       "interface=\"eth1\"} 1\n"));
	ep_request(&e, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n"
		       "Connection: close\r\n\r\n",
		   answer, sizeof(answer));
	assert_non_null(strstr(answer, "HTTP/1.1 200"));
	ep_request(&e, "GET / HTTP/1.0\r\n\r\n", answer, sizeof(answer));
	assert_non_null(strstr(answer, " 404 "));
	ep_request(&e, "POST /metrics HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
		   answer, sizeof(answer));
	assert_non_null(strstr(answer, " 405 "));
	assert_non_null(strstr(answer, "Allow: GET, HEAD\r\n"));
	ep_request(&e, "HEAD /metrics HTTP/1.0\r\n\r\n", answer,
		   sizeof(answer));
	assert_non_null(strstr(answer, " 200 "));
	assert_null(strstr(answer, "# HELP"));
	st = mgmt_metrics_stats(e.m);
	assert_int_equal(st->http_requests, 3);
	assert_int_equal(st->http_not_found, 1);
	assert_int_equal(st->http_bad_method, 1);
	ep_close(&e);
}

/* Garbage and half requests neither crash nor block the others. */
static void test_http_garbage(void **state)
{
	struct sockaddr_in sa;
	struct ep e;
	int idle;

	(void)state;
	ep_open(&e, NULL);
	ep_request(&e, "\x01\x02 garbage\r\n\r\n", answer, sizeof(answer));
	assert_null(strstr(answer, "# HELP"));
	/* a client that connects and says nothing */
	idle = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:0", &sa), 0);
	sa.sin_port = htons((uint16_t)mgmt_metrics_port(e.m));
	assert_int_equal(connect(idle, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ep_turn(&e, idle, 0);
	ep_request(&e, "GET /metrics HTTP/1.0\r\n\r\n", answer,
		   sizeof(answer));
	assert_non_null(strstr(answer, " 200 "));
	close(idle);
	ep_close(&e);
}

static void test_http_textfile_service(void **state)
{
	char path[128];
	struct sockaddr_in sa;
	struct ep e;
	int port, fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/svc.prom", dir);
	ep_open(&e, path);
	assert_int_equal(access(path, F_OK), -1);
	ep_turn(&e, -1, 0); /* the first tick writes it */
	assert_int_equal(read_file(path, answer, sizeof(answer)) > 1000, 1);
	assert_non_null(strstr(answer, "\nhvptp_metrics_textfile_writes_total 1\n"));
	assert_int_equal(mgmt_metrics_stats(e.m)->textfile_writes, 1);
	/* not again before the interval */
	ep_turn(&e, -1, 0);
	assert_int_equal(mgmt_metrics_stats(e.m)->textfile_writes, 1);
	assert_true(e.svc.ops->deadline(e.svc.ctx) > e.now + SEC / 2);
	port = mgmt_metrics_port(e.m);
	ep_close(&e);
	assert_int_equal(access(path, F_OK), -1); /* removed at exit */
	/* the listening socket is gone too */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(mgmt_metrics_parse_address("127.0.0.1:0", &sa), 0);
	sa.sin_port = htons((uint16_t)port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(fd);
}

/* 32 ports do not fit the first buffer: it grows. */
static void test_many_ports(void **state)
{
	struct mgmt_metrics_cfg cfg = {
		.textfile = "/nonexistent/x.prom", /* never written here */
		.textfile_interval_s = 10,
	};
	static struct bc_port_cfg pc[32];
	struct mgmt_metrics *m;
	struct bc_clock_cfg cc;
	struct bc *bc = NULL;
	const char *t;
	size_t len;

	(void)state;
	bc_clock_cfg_default(&cc);
	cc.clock_identity = own_id;
	for (int i = 0; i < 32; i++) {
		char name[16];

		snprintf(name, sizeof(name), "veth%d", i);
		bc_port_cfg_default(&pc[i], name);
	}
	assert_int_equal(bc_create(&bc, &cc, pc, 32), 0);
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), 0);
	assert_int_equal(mgmt_metrics_port(m), -1);
	assert_int_equal(mgmt_metrics_text(m, 0, &t, &len), 0);
	assert_true(len > 64 * 1024 && len < 256 * 1024);
	assert_int_equal(strlen(t), len);
	assert_non_null(strstr(t, "\nhvptp_port_state{port=\"32\","
				  "interface=\"veth31\"} 1\n"));
	assert_int_equal(mgmt_metrics_stats(m)->render_errors, 0);
	print_message("32 ports: %zu bytes of metrics\n", len);
	mgmt_metrics_close(m);
	bc_destroy(bc);
}

static void test_open_errors(void **state)
{
	struct mgmt_metrics_cfg cfg = { .address = "127.0.0.1:0" };
	struct mgmt_metrics *m, *m2;
	struct bc *bc = make_bc();
	char addr[32];

	(void)state;
	cfg.address = "nonsense";
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), -EINVAL);
	assert_null(m);
	cfg.address = "";
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), -EINVAL);
	cfg.textfile = "/tmp/x.prom";
	cfg.textfile_interval_s = 0;
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), -EINVAL);
	cfg.textfile = NULL;
	cfg.address = "127.0.0.1:0";
	assert_int_equal(mgmt_metrics_open(&m, bc, &cfg), 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", mgmt_metrics_port(m));
	cfg.address = addr;
	assert_int_equal(mgmt_metrics_open(&m2, bc, &cfg), -EADDRINUSE);
	cfg.address = "192.0.2.1:9100"; /* not ours */
	assert_int_equal(mgmt_metrics_open(&m2, bc, &cfg), -EADDRNOTAVAIL);
	mgmt_metrics_close(m);
	mgmt_metrics_close(NULL);
	bc_destroy(bc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_address),
		cmocka_unit_test(test_settings),
		cmocka_unit_test_setup_teardown(test_textfile_atomic, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_textfile_errors, dir_setup,
						dir_teardown),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_http_garbage),
		cmocka_unit_test_setup_teardown(test_http_textfile_service,
						dir_setup, dir_teardown),
		cmocka_unit_test(test_many_ports),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
