/*
 * bench/mgmt_client.c — a pmc-like management client that times round
 * trips, for bench/mgmt.sh.
 *
 *   mgmt_client -s SOCKET [-b OWN_PATH] [-r RATE] [-d SECONDS | -n COUNT]
 *               [-w TIMEOUT_MS] ID...
 *
 * Sends GET requests for the IDs (names as pmc spells them:
 * CURRENT_DATA_SET, PORT_DATA_SET, TIME_STATUS_NP...) in turn to the
 * daemon's UNIX datagram management socket, RATE per second on an absolute
 * schedule (0: back to back), for SECONDS or COUNT requests, and waits for
 * each answer (same sequenceId, RESPONSE, same managementId) before the
 * next.  The round trip is CLOCK_MONOTONIC from just before sendto() to
 * just after the matching recv(): no process start-up, socket set-up or
 * fixed wait is in it, unlike timing pmc runs (pmc is a process per run and
 * waits 100 ms for late answers).  The requests are built and the answers
 * matched as hvptpctl does (mgmt/client.h: mgmt_client_build,
 * mgmt_client_is_answer); they are what pmc sends (target all ones,
 * boundaryHops 0).  The socket is our own: bound to a path, not connected,
 * so that it works the same with ptp4l and hvptpd.
 * Answers to a request already given up on, and further answers to a
 * request addressed to every port, are read and not counted.
 *
 * Prints one line of key=value pairs:
 *   sent=N answered=N errors=N timeouts=N wall_s=S median_us=X p90_us=X
 *   p99_us=X max_us=X min_us=X
 * Exit status 0, 1 on a set-up failure, 2 on a bad command line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bc/mgmt.h"
#include "bc/msg.h"
#include "mgmt/client.h"

#define MAX_IDS 16

struct opts {
	const char *server;
	char own[sizeof(((struct sockaddr_un *)0)->sun_path)];
	double rate; /* per second, 0: back to back */
	double seconds;
	long count;
	int timeout_ms;
	int nids;
	uint16_t ids[MAX_IDS];
};

struct result {
	long sent, answered, errors, timeouts, extra;
	int64_t *rtt_ns; /* answered round trips */
	double wall_s;
};

/* Our identity and domain for the requests (nothing else of it is used:
 * the socket is ours). */
static struct mgmt_client cl;

static void usage(void)
{
	fprintf(stderr,
		"usage: mgmt_client -s SOCKET [-b OWN_PATH] [-r RATE] "
		"[-d SECONDS | -n COUNT] [-w TIMEOUT_MS] ID...\n");
}

static int parse_ids(struct opts *o, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int id = bc_mgmt_id_from_name(argv[i]);

		if (id < 0 || o->nids >= MAX_IDS) {
			fprintf(stderr, "mgmt_client: %s: unknown or too many "
				"IDs\n", argv[i]);
			return -EINVAL;
		}
		o->ids[o->nids++] = (uint16_t)id;
	}
	return o->nids ? 0 : -EINVAL;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 1000;
	snprintf(o->own, sizeof(o->own), "/tmp/hvptp-mgmt-client.%d",
		 (int)getpid());
	while ((c = getopt(argc, argv, "s:b:r:d:n:w:")) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'b': snprintf(o->own, sizeof(o->own), "%s", optarg); break;
		case 'r': o->rate = atof(optarg); break;
		case 'd': o->seconds = atof(optarg); break;
		case 'n': o->count = atol(optarg); break;
		case 'w': o->timeout_ms = atoi(optarg); break;
		default: return -EINVAL;
		}
	}
	if (!o->server || (o->seconds <= 0 && o->count <= 0) ||
	    o->rate < 0 || o->timeout_ms < 1)
		return -EINVAL;
	if (o->count <= 0)
		o->count = (long)(o->seconds * (o->rate > 0 ? o->rate : 1e6));
	return parse_ids(o, argc - optind, argv + optind);
}

static int open_socket(const struct opts *o, struct sockaddr_un *srv)
{
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0)
		return -errno;
	snprintf(me.sun_path, sizeof(me.sun_path), "%s", o->own);
	unlink(me.sun_path);
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	memset(srv, 0, sizeof(*srv));
	srv->sun_family = AF_UNIX;
	snprintf(srv->sun_path, sizeof(srv->sun_path), "%s", o->server);
	return fd;
}

/* A GET of id to every port, as pmc builds it. */
static int build_get(uint8_t *buf, uint16_t id, uint16_t seq)
{
	return mgmt_client_build(&cl, PTP_MGMT_GET, id, BC_MGMT_ALL_PORTS,
				 NULL, 0, seq, buf, PTP_MAX_MSG_LEN);
}

/* 1: the answer to (id, seq); -1: an error status for it; 0: other. */
static int match(const uint8_t *buf, size_t len, uint16_t id, uint16_t seq)
{
	struct bc_mgmt_req r;

	if (bc_mgmt_parse(buf, len, &r, NULL) < 0 ||
	    !mgmt_client_is_answer(&cl, &r, seq))
		return 0;
	if (r.is_error)
		return -1;
	return r.id == id ? 1 : 0;
}

/* Wait for the answer to (id, seq) until deadline: 1, -1 (error), 0
 * (timed out). */
static int await(int fd, uint16_t id, uint16_t seq, int64_t deadline,
		 struct result *res)
{
	uint8_t buf[PTP_MAX_MSG_LEN];

	for (;;) {
		int64_t left = deadline - mgmt_client_mono_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int m;

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)((left + 999999) / 1000000)) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		m = match(buf, (size_t)n, id, seq);
		if (m)
			return m;
		res->extra++;
	}
}

static void pace(const struct opts *o, int64_t start, long k)
{
	struct timespec ts;
	int64_t at;

	if (o->rate <= 0)
		return;
	at = start + (int64_t)((double)k * 1e9 / o->rate);
	ts.tv_sec = at / 1000000000LL;
	ts.tv_nsec = at % 1000000000LL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static int run(const struct opts *o, int fd, const struct sockaddr_un *srv,
	       struct result *res)
{
	uint8_t req[PTP_MAX_MSG_LEN];
	int64_t start = mgmt_client_mono_ns();

	for (long k = 0; k < o->count; k++) {
		uint16_t id = o->ids[k % o->nids], seq = (uint16_t)k;
		int len = build_get(req, id, seq), m;
		int64_t t0;

		if (len < 0)
			return len;
		pace(o, start, k);
		if (o->seconds > 0 && mgmt_client_mono_ns() - start >=
					      (int64_t)(o->seconds * 1e9))
			break;
		t0 = mgmt_client_mono_ns();
		if (sendto(fd, req, (size_t)len, 0,
			   (const struct sockaddr *)srv, sizeof(*srv)) < 0) {
			fprintf(stderr, "mgmt_client: sendto %s: %s\n",
				srv->sun_path, strerror(errno));
			return -errno;
		}
		res->sent++;
		m = await(fd, id, seq, t0 + (int64_t)o->timeout_ms * 1000000,
			  res);
		if (m > 0)
			res->rtt_ns[res->answered++] =
				mgmt_client_mono_ns() - t0;
		else if (m < 0)
			res->errors++;
		else
			res->timeouts++;
	}
	res->wall_s = (double)(mgmt_client_mono_ns() - start) / 1e9;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0..100) of the sorted a[0..n), in us. */
static double pct_us(const int64_t *a, long n, double p)
{
	long k;

	if (n <= 0)
		return 0;
	k = (long)((p / 100.0) * (double)n + 0.999999) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return (double)a[k] / 1e3;
}

static void report(struct result *r)
{
	long n = r->answered;

	qsort(r->rtt_ns, (size_t)n, sizeof(*r->rtt_ns), cmp_i64);
	printf("sent=%ld answered=%ld errors=%ld timeouts=%ld extra=%ld "
	       "wall_s=%.3f median_us=%.1f p90_us=%.1f p99_us=%.1f "
	       "max_us=%.1f min_us=%.1f\n",
	       r->sent, n, r->errors, r->timeouts, r->extra, r->wall_s,
	       pct_us(r->rtt_ns, n, 50), pct_us(r->rtt_ns, n, 90),
	       pct_us(r->rtt_ns, n, 99), pct_us(r->rtt_ns, n, 100),
	       n ? (double)r->rtt_ns[0] / 1e3 : 0.0);
}

int main(int argc, char **argv)
{
	struct result res = { 0 };
	struct sockaddr_un srv;
	struct opts o;
	int fd, err;

	if (parse_opts(&o, argc, argv) < 0) {
		usage();
		return 2;
	}
	cl.self.port_number = (uint16_t)getpid();
	res.rtt_ns = calloc((size_t)o.count, sizeof(*res.rtt_ns));
	fd = res.rtt_ns ? open_socket(&o, &srv) : -ENOMEM;
	if (fd < 0) {
		fprintf(stderr, "mgmt_client: %s: %s\n", o.own, strerror(-fd));
		free(res.rtt_ns);
		return 1;
	}
	err = run(&o, fd, &srv, &res);
	close(fd);
	unlink(o.own);
	if (!err)
		report(&res);
	free(res.rtt_ns);
	return err ? 1 : 0;
}
