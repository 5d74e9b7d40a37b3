/*
 * tests/unit/hwts_test.h — helpers for the hwts/ unit tests.
 *
 * A log sink that keeps the lines for assertions, and a scripted recvmsg:
 * tests queue the datagrams (bytes, control messages, flags, sender) that
 * their __wrap_recvmsg hands out one by one, or an errno to fail with.
 * Everything is static inline so that each test binary takes what it uses.
 */
#ifndef HVPTP_TESTS_HWTS_TEST_H
#define HVPTP_TESTS_HWTS_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"

/* ---- log capture ---- */

#define HT_LOG_LINES 64

struct ht_log {
	int n;
	char line[HT_LOG_LINES][512];
};

static struct ht_log ht_log;

static inline void ht_log_sink(int level, const char *line, void *ctx)
{
	(void)level;
	(void)ctx;
	if (getenv("HT_VERBOSE"))
		fprintf(stderr, "  log: %s\n", line);
	if (ht_log.n < HT_LOG_LINES)
		snprintf(ht_log.line[ht_log.n++], sizeof(ht_log.line[0]), "%s",
			 line);
}

static inline void ht_log_reset(void)
{
	ht_log.n = 0;
	cm_log_set_sink(ht_log_sink, NULL);
	cm_log_set_level(CM_LOG_DEBUG);
}

/* True when some captured line contains needle. */
static inline int ht_log_has(const char *needle)
{
	int i;

	for (i = 0; i < ht_log.n; i++)
		if (strstr(ht_log.line[i], needle))
			return 1;
	return 0;
}

/* ---- scripted recvmsg ---- */

struct ht_msg {
	int err; /* fail with this errno instead */
	int want_flags; /* -1: don't check; else flags recvmsg must get */
	uint8_t data[2048];
	size_t dlen;
	_Alignas(struct cmsghdr) uint8_t ctl[1024];
	size_t clen;
	int flags; /* extra msg_flags (MSG_CTRUNC...) */
	uint8_t name[128];
	socklen_t namelen;
};

#define HT_MSGS 16

struct ht_rq {
	int head, n;
	int calls;
	int last_flags;
	int flag_mismatch;
	struct ht_msg m[HT_MSGS];
};

static struct ht_rq ht_rq;

static inline void ht_rq_reset(void)
{
	memset(&ht_rq, 0, sizeof(ht_rq));
}

static inline struct ht_msg *ht_rq_add(void)
{
	struct ht_msg *m = &ht_rq.m[(ht_rq.head + ht_rq.n++) % HT_MSGS];

	memset(m, 0, sizeof(*m));
	m->want_flags = -1;
	return m;
}

static inline struct ht_msg *ht_rq_add_err(int err)
{
	struct ht_msg *m = ht_rq_add();

	m->err = err;
	return m;
}

static inline void ht_msg_data(struct ht_msg *m, const void *d, size_t n)
{
	memcpy(m->data, d, n);
	m->dlen = n;
}

static inline void ht_msg_cmsg(struct ht_msg *m, int level, int type,
			       const void *d, size_t n)
{
	struct cmsghdr *c = (struct cmsghdr *)(m->ctl + m->clen);

	memset(c, 0, CMSG_SPACE(n));
	c->cmsg_len = CMSG_LEN(n);
	c->cmsg_level = level;
	c->cmsg_type = type;
	memcpy(CMSG_DATA(c), d, n);
	m->clen += CMSG_SPACE(n);
}

/* SCM_TIMESTAMPING with software (ts[0]) and/or hardware (ts[2]) ns. */
static inline void ht_msg_ts(struct ht_msg *m, int64_t sw_ns, int64_t hw_ns)
{
	struct timespec ts[3];

	memset(ts, 0, sizeof(ts));
	ts[0].tv_sec = sw_ns / 1000000000;
	ts[0].tv_nsec = sw_ns % 1000000000;
	ts[2].tv_sec = hw_ns / 1000000000;
	ts[2].tv_nsec = hw_ns % 1000000000;
	ht_msg_cmsg(m, SOL_SOCKET, SO_TIMESTAMPING, ts, sizeof(ts));
}

static inline void ht_msg_from4(struct ht_msg *m, const char *ip, int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	memcpy(m->name, &sin, sizeof(sin));
	m->namelen = sizeof(sin);
}

/* The body of a __wrap_recvmsg: -1/EAGAIN when nothing is queued. */
static inline ssize_t ht_recvmsg(struct msghdr *msg, int flags)
{
	struct ht_msg *m;
	size_t n;

	ht_rq.calls++;
	ht_rq.last_flags = flags;
	if (ht_rq.n == 0) {
		errno = EAGAIN;
		return -1;
	}
	m = &ht_rq.m[ht_rq.head];
	ht_rq.head = (ht_rq.head + 1) % HT_MSGS;
	ht_rq.n--;
	if (m->want_flags >= 0 && m->want_flags != flags)
		ht_rq.flag_mismatch++;
	if (m->err) {
		errno = m->err;
		return -1;
	}
	if (msg->msg_iovlen != 1)
		ht_rq.flag_mismatch++;
	msg->msg_flags = m->flags;
	n = m->dlen;
	if (n > msg->msg_iov[0].iov_len) {
		n = msg->msg_iov[0].iov_len;
		msg->msg_flags |= MSG_TRUNC;
	}
	memcpy(msg->msg_iov[0].iov_base, m->data, n);
	if (msg->msg_name) {
		socklen_t l = m->namelen < msg->msg_namelen ? m->namelen :
							      msg->msg_namelen;
		memcpy(msg->msg_name, m->name, l);
		msg->msg_namelen = m->namelen;
	}
	if (m->clen > msg->msg_controllen) {
		msg->msg_flags |= MSG_CTRUNC;
		m->clen = 0;
	}
	if (m->clen)
		memcpy(msg->msg_control, m->ctl, m->clen);
	msg->msg_controllen = m->clen;
	return (ssize_t)n;
}

#endif
