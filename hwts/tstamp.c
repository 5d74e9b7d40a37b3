/*
 * hwts/tstamp.c — SO_TIMESTAMPING setup, the control-message parser and TX
 * timestamps from the socket error queue.
 *
 * Receive timestamps arrive as SCM_TIMESTAMPING (struct scm_timestamping:
 * ts[0] software, ts[2] raw hardware).  Transmit timestamps are looped to
 * the error queue with the same control message plus an IP_RECVERR
 * sock_extended_err whose origin is SO_EE_ORIGIN_TIMESTAMPING; with
 * SOF_TIMESTAMPING_OPT_ID its ee_data is a per-socket counter of sends
 * starting at 0, which is how a timestamp finds its txid.  Kernels without
 * OPT_ID loop the sent packet back instead; then the timestamp is matched by
 * the message bytes at the end of that packet, else first in, first out.
 * The report comes as IP_RECVERR (UDPv4), IPV6_RECVERR (UDPv6) or
 * PACKET_TX_TIMESTAMP (AF_PACKET, L2).  A match gives back the core's
 * token the send was queued with.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"

/* The two layouts SCM_TIMESTAMPING can have (asm-generic/socket.h):
 * _OLD with the kernel's old timespec (native long), _NEW with 64-bit
 * seconds and nanoseconds.  On 64-bit hosts they are the same. */
struct hwts_ts_old {
	long tv_sec;
	long tv_nsec;
};

struct hwts_ts_new {
	int64_t tv_sec;
	int64_t tv_nsec;
};

static bool ts_to_tmv(int64_t sec, int64_t nsec, tmv_t *out)
{
	if (sec == 0 && nsec == 0)
		return false;
	if (sec < 0 || sec >= INT64_MAX / NS_PER_SEC - 1 || nsec < 0 ||
	    nsec >= NS_PER_SEC)
		return false;
	*out = tmv_from_ns(sec * NS_PER_SEC + nsec);
	return true;
}

static void parse_ts3(const struct cmsghdr *cm, bool is_new,
		      struct hwts_cmsg *out)
{
	size_t one = is_new ? sizeof(struct hwts_ts_new) :
			      sizeof(struct hwts_ts_old);
	const unsigned char *p = CMSG_DATA(cm);
	int64_t sec[3], nsec[3];
	int i;

	if (cm->cmsg_len < CMSG_LEN(3 * one))
		return;
	for (i = 0; i < 3; i++) {
		if (is_new) {
			struct hwts_ts_new t;

			memcpy(&t, p + i * one, sizeof(t));
			sec[i] = t.tv_sec;
			nsec[i] = t.tv_nsec;
		} else {
			struct hwts_ts_old t;

			memcpy(&t, p + i * one, sizeof(t));
			sec[i] = t.tv_sec;
			nsec[i] = t.tv_nsec;
		}
	}
	out->have_sw = ts_to_tmv(sec[0], nsec[0], &out->sw);
	out->have_hw = ts_to_tmv(sec[2], nsec[2], &out->hw);
}

static void parse_err(const struct cmsghdr *cm, struct hwts_cmsg *out)
{
	struct sock_extended_err ee;

	if (cm->cmsg_len < CMSG_LEN(sizeof(ee)))
		return;
	memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
	if (ee.ee_origin != SO_EE_ORIGIN_TIMESTAMPING || ee.ee_errno != ENOMSG)
		return;
	out->have_err = true;
	out->key = ee.ee_data;
	out->tstype = ee.ee_info;
}

static bool is_ts_type(int type, bool *is_new)
{
#ifdef SO_TIMESTAMPING_NEW
	if (type == SO_TIMESTAMPING_NEW) {
		*is_new = true;
		return true;
	}
#endif
#ifdef SO_TIMESTAMPING_OLD
	if (type == SO_TIMESTAMPING_OLD) {
		*is_new = false;
		return true;
	}
#else
	if (type == SO_TIMESTAMPING) {
		*is_new = sizeof(long) == 8;
		return true;
	}
#endif
	return false;
}

void hwts_cmsg_parse_buf(const void *ctl, size_t len, struct hwts_cmsg *out)
{
	union {
		uint8_t b[1024];
		struct cmsghdr align;
	} copy;
	struct msghdr msg;
	struct cmsghdr *cm;
	bool is_new;

	memset(out, 0, sizeof(*out));
	if (!ctl || len < sizeof(struct cmsghdr))
		return;
	/* an aligned copy: the CMSG_* macros read through struct cmsghdr */
	if (len > sizeof(copy.b))
		len = sizeof(copy.b);
	memcpy(copy.b, ctl, len);
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = copy.b;
	msg.msg_controllen = len;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_len < sizeof(*cm) ||
		    cm->cmsg_len > len - (size_t)((uint8_t *)cm - copy.b))
			break;
		out->n_cmsg++;
		if (cm->cmsg_level == SOL_SOCKET &&
		    is_ts_type(cm->cmsg_type, &is_new))
			parse_ts3(cm, is_new, out);
		else if ((cm->cmsg_level == SOL_IP &&
			  cm->cmsg_type == IP_RECVERR) ||
			 (cm->cmsg_level == SOL_IPV6 &&
			  cm->cmsg_type == IPV6_RECVERR) ||
			 (cm->cmsg_level == SOL_PACKET &&
			  cm->cmsg_type == PACKET_TX_TIMESTAMP))
			parse_err(cm, out);
	}
}

void hwts_cmsg_parse(struct msghdr *msg, struct hwts_cmsg *out)
{
	hwts_cmsg_parse_buf(msg->msg_control, msg->msg_controllen, out);
}

bool hwts_cmsg_ts(const struct hwts_cmsg *c, bool hardware, tmv_t *ts)
{
	if (hardware ? !c->have_hw : !c->have_sw)
		return false;
	*ts = hardware ? c->hw : c->sw;
	return true;
}

/* ---- the queue of outstanding event messages ---- */

void hwts_txq_init(struct hwts_txq *q, bool opt_id, enum hwts_mode mode)
{
	memset(q, 0, sizeof(*q));
	q->opt_id = opt_id;
	q->tstype = mode == HWTS_SOFTWARE_SCHED ? SCM_TSTAMP_SCHED
						: SCM_TSTAMP_SND;
}

static struct hwts_txq_ent *txq_at(struct hwts_txq *q, unsigned int i)
{
	return &q->e[(q->head + i) % HWTS_TXQ_LEN];
}

static void txq_remove(struct hwts_txq *q, unsigned int i)
{
	for (; i + 1 < q->count; i++)
		*txq_at(q, i) = *txq_at(q, i + 1);
	q->count--;
}

static void txq_drop_front(struct hwts_txq *q, unsigned int n)
{
	q->head = (q->head + n) % HWTS_TXQ_LEN;
	q->count -= n;
	q->lost += n;
}

uint32_t hwts_txq_sent(struct hwts_txq *q, const void *buf, size_t len,
		       uint32_t token, bool want)
{
	struct hwts_txq_ent *e;
	size_t n = len < HWTS_TXQ_FP ? len : HWTS_TXQ_FP;

	if (q->count == HWTS_TXQ_LEN)
		txq_drop_front(q, 1);
	e = txq_at(q, q->count++);
	e->txid = q->next_txid++;
	e->token = token;
	e->want = want;
	e->fails = q->fails;
	e->len = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
	memset(e->fp, 0, sizeof(e->fp));
	if (buf)
		memcpy(e->fp, buf, n);
	return e->txid;
}

void hwts_txq_failed(struct hwts_txq *q)
{
	q->fails++;
}

static int txq_find(struct hwts_txq *q, uint32_t txid)
{
	unsigned int i;

	for (i = 0; i < q->count; i++)
		if (txq_at(q, i)->txid == txid)
			return (int)i;
	return -1;
}

/* Take entry i: true with its token when a timestamp is wanted for it. */
static bool txq_take(struct hwts_txq *q, int i, uint32_t *token)
{
	struct hwts_txq_ent *e = txq_at(q, (unsigned int)i);
	bool want = e->want;

	*token = e->token;
	q->anchor = e->fails;
	txq_remove(q, (unsigned int)i);
	if (!want)
		q->unwanted++;
	return want;
}

/*
 * A key that fits no outstanding txid: if failed sends since the last match
 * may have used up keys, exactly one outstanding entry that the key could
 * belong to re-anchors the key offset.  More than one: drop the timestamp
 * rather than guess (the core times the message out).
 */
static bool txq_match_key(struct hwts_txq *q, uint32_t key, uint32_t *token)
{
	uint32_t t = key - q->key_off, d, dc = 0;
	int i = txq_find(q, t), cand = -1, n = 0;

	if (i >= 0)
		return txq_take(q, i, token);
	for (i = 0; i < (int)q->count; i++) {
		struct hwts_txq_ent *e = txq_at(q, (unsigned int)i);
		int32_t w = (int32_t)(e->fails - q->anchor);

		d = t - e->txid;
		if (w > 0 && d >= 1 && d <= (uint32_t)w) {
			cand = i;
			dc = d;
			n++;
		}
	}
	if (n != 1) {
		q->unmatched++;
		return false;
	}
	q->key_off += dc;
	return txq_take(q, cand, token);
}

static bool fp_match(const struct hwts_txq_ent *e, const uint8_t *data,
		     size_t dlen)
{
	size_t n = e->len < HWTS_TXQ_FP ? e->len : HWTS_TXQ_FP;

	if (!data || e->len == 0 || dlen < e->len)
		return false;
	return memcmp(data + dlen - e->len, e->fp, n) == 0;
}

bool hwts_txq_match(struct hwts_txq *q, const struct hwts_cmsg *c,
		    const void *data, size_t dlen, uint32_t *token)
{
	unsigned int i;

	if (q->opt_id && c->have_err)
		return txq_match_key(q, c->key, token);
	if (q->count == 0) {
		q->unmatched++;
		return false;
	}
	for (i = 0; i < q->count; i++) {
		if (fp_match(txq_at(q, i), data, dlen)) {
			/* in send order: the older ones lost theirs */
			txq_drop_front(q, i);
			break;
		}
	}
	return txq_take(q, 0, token);
}

/* ---- setup and the error queue ---- */

static int set_tsflags(int fd, unsigned int flags)
{
	int v = (int)flags;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

int hwts_tstamp_enable(int fd, const char *ifname, enum hwts_mode mode,
		       bool event, bool *opt_id)
{
	unsigned int flags, opt[3];
	int err = 0, i;

	if (mode == HWTS_HARDWARE)
		flags = (event ? SOF_TIMESTAMPING_TX_HARDWARE : 0) |
			SOF_TIMESTAMPING_RX_HARDWARE |
			SOF_TIMESTAMPING_RAW_HARDWARE;
	else
		flags = (!event			    ? 0
			 : mode == HWTS_SOFTWARE_SCHED ? SOF_TIMESTAMPING_TX_SCHED
						       : SOF_TIMESTAMPING_TX_SOFTWARE) |
			SOF_TIMESTAMPING_RX_SOFTWARE |
			SOF_TIMESTAMPING_SOFTWARE;
	/* Older kernels refuse unknown option bits with EINVAL. */
	opt[0] = SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	opt[1] = SOF_TIMESTAMPING_OPT_ID;
	opt[2] = 0;
	for (i = event ? 0 : 2; i < 3; i++) {
		err = set_tsflags(fd, flags | opt[i]);
		if (err != -EINVAL)
			break;
	}
	if (err) {
		cm_err("%s: SO_TIMESTAMPING 0x%x: %s (%s)", ifname, flags,
		       strerror(-err), hwts_errname(err));
		return err;
	}
	if (opt_id)
		*opt_id = event && opt[i] != 0;
	if (event && opt[i] == 0)
		cm_notice("%s: kernel lacks SOF_TIMESTAMPING_OPT_ID, matching "
			  "TX timestamps in send order",
			  ifname);
	return 0;
}

static int txts_recv(int fd, uint8_t *data, size_t cap, struct hwts_cmsg *c,
		     size_t *dlen)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = data, .iov_len = cap };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	*dlen = (size_t)n > cap ? cap : (size_t)n;
	hwts_cmsg_parse(&msg, c);
	return 0;
}

int hwts_txts_read(int fd, const char *ifname, bool hardware,
		   struct hwts_txq *q, struct transport_txts *out)
{
	uint8_t data[2048];
	struct hwts_cmsg c;
	size_t dlen = 0;
	uint32_t token;
	uint64_t unmatched;
	int err, tries;
	tmv_t ts;

	unmatched = q->unmatched;
	for (tries = 0; tries < 8; tries++) {
		err = txts_recv(fd, data, sizeof(data), &c, &dlen);
		if (err == -EAGAIN)
			return q->unmatched != unmatched ? -ENOMSG : err;
		if (err) {
			cm_err("%s: error queue: %s", ifname, strerror(-err));
			return err;
		}
		if (!c.have_err || c.tstype != q->tstype) {
			cm_debug("%s: error queue: not a TX timestamp", ifname);
			continue;
		}
		if (!hwts_txq_match(q, &c, data, dlen, &token)) {
			if (q->unmatched != unmatched)
				cm_debug("%s: TX timestamp (key %u) matches no "
					 "send", ifname, c.key);
			continue; /* or a one-step send's: dropped */
		}
		if (!hwts_cmsg_ts(&c, hardware, &ts)) {
			cm_debug("%s: TX report for token %u without a %s "
				 "timestamp",
				 ifname, token, hardware ? "hardware" :
							   "software");
			continue;
		}
		out->token = token;
		out->ts = ts;
		return 0;
	}
	return -EAGAIN;
}
