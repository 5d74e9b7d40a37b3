/*
 * tests/unit/test_hwts_tstamp.c — hwts/tstamp.c: the control-message
 * parser, the TX queue (OPT_ID keys, wrap, resync, FIFO and fingerprint
 * fallback, tokens, one-step sends), SO_TIMESTAMPING setup and the error-queue reader, with
 * setsockopt and recvmsg wrapped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>

#include "hwts/hwts_priv.h"
#include "tests/unit/hwts_test.h"

/* ---- wraps ---- */

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);

static struct {
	int calls;
	int last_flags;
	unsigned int reject_mask; /* EINVAL when flags has any of these */
	int fail_err; /* fail every call with this */
} so;

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	int v;

	(void)fd;
	so.calls++;
	assert_int_equal(level, SOL_SOCKET);
	assert_int_equal(name, SO_TIMESTAMPING);
	assert_int_equal(len, sizeof(int));
	memcpy(&v, val, sizeof(v));
	so.last_flags = v;
	if (so.fail_err) {
		errno = so.fail_err;
		return -1;
	}
	if ((unsigned int)v & so.reject_mask) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)fd;
	return ht_recvmsg(msg, flags);
}

static int setup(void **state)
{
	(void)state;
	memset(&so, 0, sizeof(so));
	ht_rq_reset();
	ht_log_reset();
	return 0;
}

/* A msghdr over a scripted message's control bytes. */
static void msg_over(struct ht_msg *m, struct msghdr *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->msg_control = m->ctl;
	msg->msg_controllen = m->clen;
}

static void add_err_type(struct ht_msg *m, uint8_t origin, uint32_t key,
			 uint32_t tstype)
{
	struct sock_extended_err ee;

	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = origin;
	ee.ee_info = tstype;
	ee.ee_data = key;
	ht_msg_cmsg(m, SOL_IP, IP_RECVERR, &ee, sizeof(ee));
}

static void add_err(struct ht_msg *m, uint8_t origin, uint32_t key)
{
	add_err_type(m, origin, key, SCM_TSTAMP_SND);
}

/* ---- the parser ---- */

static void test_cmsg_software(void **state)
{
	struct ht_msg m;
	struct msghdr msg;
	struct hwts_cmsg c;
	tmv_t ts;

	(void)state;
	memset(&m, 0, sizeof(m));
	ht_msg_ts(&m, 1700000000123456789LL, 0);
	msg_over(&m, &msg);
	hwts_cmsg_parse(&msg, &c);
	assert_int_equal(c.n_cmsg, 1);
	assert_true(c.have_sw);
	assert_false(c.have_hw);
	assert_false(c.have_err);
	assert_true(hwts_cmsg_ts(&c, false, &ts));
	assert_int_equal(tmv_to_ns(ts), 1700000000123456789LL);
	assert_false(hwts_cmsg_ts(&c, true, &ts));
}

static void test_cmsg_hardware(void **state)
{
	struct ht_msg m;
	struct msghdr msg;
	struct hwts_cmsg c;
	tmv_t ts;

	(void)state;
	memset(&m, 0, sizeof(m));
	ht_msg_ts(&m, 0, 37000000999LL);
	msg_over(&m, &msg);
	hwts_cmsg_parse(&msg, &c);
	assert_false(c.have_sw);
	assert_true(c.have_hw);
	assert_true(hwts_cmsg_ts(&c, true, &ts));
	assert_int_equal(tmv_to_ns(ts), 37000000999LL);
	assert_false(hwts_cmsg_ts(&c, false, &ts));
}

static void test_cmsg_new_layout(void **state)
{
	struct ht_msg m;
	struct msghdr msg;
	struct hwts_cmsg c;
	int64_t ts[6] = { 5, 6, 0, 0, 7, 8 };

	(void)state;
	memset(&m, 0, sizeof(m));
	ht_msg_cmsg(&m, SOL_SOCKET, SO_TIMESTAMPING_NEW, ts, sizeof(ts));
	msg_over(&m, &msg);
	hwts_cmsg_parse(&msg, &c);
	assert_true(c.have_sw);
	assert_true(c.have_hw);
	assert_int_equal(tmv_to_ns(c.sw), 5000000006LL);
	assert_int_equal(tmv_to_ns(c.hw), 7000000008LL);
}

static void test_cmsg_none_short_bad(void **state)
{
	struct ht_msg m;
	struct msghdr msg;
	struct hwts_cmsg c;
	struct timespec ts[3];
	int other = 1;

	(void)state;
	/* no control messages at all */
	memset(&msg, 0, sizeof(msg));
	hwts_cmsg_parse(&msg, &c);
	assert_int_equal(c.n_cmsg, 0);
	assert_false(c.have_sw || c.have_hw || c.have_err);
	/* too short for three timespecs, an unrelated one, bad nsec */
	memset(&m, 0, sizeof(m));
	memset(ts, 0, sizeof(ts));
	ts[0].tv_sec = 1;
	ht_msg_cmsg(&m, SOL_SOCKET, SO_TIMESTAMPING, ts, sizeof(ts[0]));
	ht_msg_cmsg(&m, SOL_SOCKET, SO_MARK, &other, sizeof(other));
	ts[0].tv_nsec = 1000000000;
	ts[2].tv_sec = -5;
	ht_msg_cmsg(&m, SOL_SOCKET, SO_TIMESTAMPING, ts, sizeof(ts));
	msg_over(&m, &msg);
	hwts_cmsg_parse(&msg, &c);
	assert_int_equal(c.n_cmsg, 3);
	assert_false(c.have_sw);
	assert_false(c.have_hw);
}

static void test_cmsg_errqueue(void **state)
{
	struct ht_msg m;
	struct msghdr msg;
	struct hwts_cmsg c;

	(void)state;
	memset(&m, 0, sizeof(m));
	ht_msg_ts(&m, 10, 0);
	add_err(&m, SO_EE_ORIGIN_TIMESTAMPING, 42);
	msg_over(&m, &msg);
	hwts_cmsg_parse(&msg, &c);
	assert_true(c.have_err);
	assert_int_equal(c.key, 42);
	assert_int_equal(c.tstype, SCM_TSTAMP_SND);
	/* an ICMP error is not a timestamp report */
	memset(&m, 0, sizeof(m));
	add_err(&m, SO_EE_ORIGIN_ICMP, 42);
	msg_over(&m, &msg);
	hwts_cmsg_parse(&msg, &c);
	assert_false(c.have_err);
}

/* A control message whose cmsg_len runs past msg_controllen (fuzz_cmsg's
 * finding: parse_err read 16 octets beyond a 20-octet buffer) ends the
 * parse; the messages before it still count.  The buffer is a heap block
 * of exactly that size, so ASan (make asan) sees any read past it. */
static void test_cmsg_len_past_buffer(void **state)
{
	struct ht_msg m;
	struct msghdr msg;
	struct hwts_cmsg c;
	struct cmsghdr *cm;
	unsigned char *ctl;
	size_t first;

	(void)state;
	memset(&m, 0, sizeof(m));
	ht_msg_ts(&m, 10, 0);
	first = m.clen;
	add_err(&m, SO_EE_ORIGIN_TIMESTAMPING, 42);
	/* cut inside the second message, its header whole */
	ctl = malloc(first + sizeof(struct cmsghdr) + 4);
	assert_non_null(ctl);
	memcpy(ctl, m.ctl, first + sizeof(struct cmsghdr) + 4);
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = ctl;
	msg.msg_controllen = first + sizeof(struct cmsghdr) + 4;
	hwts_cmsg_parse(&msg, &c);
	assert_int_equal(c.n_cmsg, 1);
	assert_true(c.have_sw);
	assert_false(c.have_err);
	/* the first message itself claiming more than there is */
	cm = (struct cmsghdr *)(void *)ctl;
	cm->cmsg_len = msg.msg_controllen + 1;
	hwts_cmsg_parse(&msg, &c);
	assert_int_equal(c.n_cmsg, 0);
	assert_false(c.have_sw);
	free(ctl);
}

/* ---- the txid queue ---- */

/* A send whose token is its txid (what the tests below check against). */
static uint32_t txq_sent(struct hwts_txq *q, const void *buf, size_t len)
{
	return hwts_txq_sent(q, buf, len, q->next_txid, true);
}

static struct hwts_cmsg keyed(uint32_t key)
{
	struct hwts_cmsg c;

	memset(&c, 0, sizeof(c));
	c.have_err = true;
	c.key = key;
	return c;
}

static void test_txq_opt_id(void **state)
{
	struct hwts_txq q;
	struct hwts_cmsg c;
	uint32_t id = 99;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	assert_int_equal(txq_sent(&q, "a", 1), 0);
	assert_int_equal(txq_sent(&q, "b", 1), 1);
	assert_int_equal(txq_sent(&q, "c", 1), 2);
	c = keyed(1);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, 1);
	c = keyed(0);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, 0);
	c = keyed(7);
	assert_false(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(q.unmatched, 1);
	c = keyed(2);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, 2);
	assert_int_equal(q.count, 0);
	/* the same key again matches nothing */
	assert_false(hwts_txq_match(&q, &c, NULL, 0, &id));
}

static void test_txq_wrap(void **state)
{
	struct hwts_txq q;
	struct hwts_cmsg c;
	uint32_t id;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	q.next_txid = UINT32_MAX - 1; /* as after 2^32 - 2 sends */
	assert_int_equal(txq_sent(&q, "a", 1), UINT32_MAX - 1);
	assert_int_equal(txq_sent(&q, "b", 1), UINT32_MAX);
	assert_int_equal(txq_sent(&q, "c", 1), 0);
	c = keyed(0);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, 0);
	c = keyed(UINT32_MAX);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, UINT32_MAX);
}

static void test_txq_resync(void **state)
{
	struct hwts_txq q;
	struct hwts_cmsg c;
	uint32_t id, a, b, d;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	a = txq_sent(&q, "a", 1); /* key 0 */
	hwts_txq_failed(&q); /* used key 1 after all */
	b = txq_sent(&q, "b", 1); /* txid 1, key 2 */
	c = keyed(0);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, a);
	c = keyed(2);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, b);
	assert_int_equal(q.key_off, 1);
	d = txq_sent(&q, "d", 1); /* txid 2, key 3 */
	c = keyed(3);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, d);
	/* two candidates for one key: dropped, not guessed */
	hwts_txq_failed(&q);
	hwts_txq_failed(&q);
	txq_sent(&q, "e", 1); /* txid 3: key 4, 5 or 6 */
	txq_sent(&q, "f", 1); /* txid 4: key 5, 6 or 7 */
	c = keyed(6); /* txid 3 after two lost keys, or 4 after one? */
	assert_false(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(q.unmatched, 1);
	assert_int_equal(q.count, 2);
}

static void test_txq_fifo(void **state)
{
	const uint8_t a[40] = { 0x10, 1 }, b[40] = { 0x10, 2 },
		      cc[40] = { 0x10, 3 };
	uint8_t looped[100];
	struct hwts_txq q;
	struct hwts_cmsg c;
	uint32_t id;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.have_err = true; /* ee_data is 0 without OPT_ID */
	hwts_txq_init(&q, false, HWTS_SOFTWARE);
	txq_sent(&q, a, sizeof(a));
	txq_sent(&q, b, sizeof(b));
	txq_sent(&q, cc, sizeof(cc));
	/* no looped data: first in, first out */
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, 0);
	/* looped packet (headers + c): b's timestamp was lost */
	memset(looped, 0xee, sizeof(looped));
	memcpy(looped + sizeof(looped) - sizeof(cc), cc, sizeof(cc));
	assert_true(hwts_txq_match(&q, &c, looped, sizeof(looped), &id));
	assert_int_equal(id, 2);
	assert_int_equal(q.lost, 1);
	assert_int_equal(q.count, 0);
	assert_false(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(q.unmatched, 1);
}

static void test_txq_overflow(void **state)
{
	struct hwts_txq q;
	struct hwts_cmsg c;
	uint32_t id;
	int i;

	(void)state;
	memset(&c, 0, sizeof(c));
	hwts_txq_init(&q, false, HWTS_SOFTWARE);
	for (i = 0; i < HWTS_TXQ_LEN + 1; i++)
		txq_sent(&q, &i, sizeof(i));
	assert_int_equal(q.count, HWTS_TXQ_LEN);
	assert_int_equal(q.lost, 1);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &id));
	assert_int_equal(id, 1);
}

/* ---- SO_TIMESTAMPING setup ---- */

static void test_enable_flags(void **state)
{
	bool opt_id = false;

	(void)state;
	assert_int_equal(hwts_tstamp_enable(3, "tst0", HWTS_SOFTWARE, true,
					    &opt_id),
			 0);
	assert_true(opt_id);
	assert_int_equal(so.last_flags,
			 SOF_TIMESTAMPING_TX_SOFTWARE |
				 SOF_TIMESTAMPING_RX_SOFTWARE |
				 SOF_TIMESTAMPING_SOFTWARE |
				 SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY);
	assert_int_equal(hwts_tstamp_enable(3, "tst0", HWTS_HARDWARE, true,
					    &opt_id),
			 0);
	assert_int_equal(so.last_flags,
			 SOF_TIMESTAMPING_TX_HARDWARE |
				 SOF_TIMESTAMPING_RX_HARDWARE |
				 SOF_TIMESTAMPING_RAW_HARDWARE |
				 SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY);
	/* the general socket: receive only, no options */
	assert_int_equal(hwts_tstamp_enable(4, "tst0", HWTS_HARDWARE, false,
					    NULL),
			 0);
	assert_int_equal(so.last_flags, SOF_TIMESTAMPING_RX_HARDWARE |
						SOF_TIMESTAMPING_RAW_HARDWARE);
}

/* A bridge: TX timestamps from the scheduler, RX as ever. */
static void test_enable_sched(void **state)
{
	bool opt_id = false;

	(void)state;
	assert_int_equal(hwts_tstamp_enable(3, "br0", HWTS_SOFTWARE_SCHED,
					    true, &opt_id),
			 0);
	assert_true(opt_id);
	assert_int_equal(so.last_flags,
			 SOF_TIMESTAMPING_TX_SCHED |
				 SOF_TIMESTAMPING_RX_SOFTWARE |
				 SOF_TIMESTAMPING_SOFTWARE |
				 SOF_TIMESTAMPING_OPT_ID |
				 SOF_TIMESTAMPING_OPT_TSONLY);
	assert_int_equal(hwts_tstamp_enable(4, "br0", HWTS_SOFTWARE_SCHED,
					    false, NULL),
			 0);
	assert_int_equal(so.last_flags, SOF_TIMESTAMPING_RX_SOFTWARE |
						SOF_TIMESTAMPING_SOFTWARE);
}

static void test_enable_fallback(void **state)
{
	bool opt_id = true;

	(void)state;
	so.reject_mask = SOF_TIMESTAMPING_OPT_TSONLY;
	assert_int_equal(hwts_tstamp_enable(3, "tst0", HWTS_SOFTWARE, true,
					    &opt_id),
			 0);
	assert_true(opt_id);
	assert_int_equal(so.calls, 2);
	assert_int_equal(so.last_flags & SOF_TIMESTAMPING_OPT_ID,
			 SOF_TIMESTAMPING_OPT_ID);
	so.calls = 0;
	so.reject_mask = SOF_TIMESTAMPING_OPT_ID;
	assert_int_equal(hwts_tstamp_enable(3, "tst0", HWTS_SOFTWARE, true,
					    &opt_id),
			 0);
	assert_false(opt_id);
	assert_int_equal(so.calls, 3);
	assert_int_equal(so.last_flags, SOF_TIMESTAMPING_TX_SOFTWARE |
						SOF_TIMESTAMPING_RX_SOFTWARE |
						SOF_TIMESTAMPING_SOFTWARE);
	assert_true(ht_log_has("tst0: kernel lacks SOF_TIMESTAMPING_OPT_ID"));
}

static void test_enable_fails(void **state)
{
	bool opt_id;

	(void)state;
	so.fail_err = EPERM;
	assert_int_equal(hwts_tstamp_enable(3, "tst0", HWTS_HARDWARE, true,
					    &opt_id),
			 -EPERM);
	assert_int_equal(so.calls, 1);
	assert_true(ht_log_has("tst0: SO_TIMESTAMPING"));
}

/* ---- the error queue ---- */

static void test_txts_opt_id(void **state)
{
	struct transport_txts out;
	struct hwts_txq q;
	struct ht_msg *m;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	txq_sent(&q, "x", 1);
	txq_sent(&q, "y", 1);
	m = ht_rq_add();
	m->want_flags = MSG_ERRQUEUE | MSG_DONTWAIT;
	ht_msg_ts(m, 1234567890000000001LL, 0);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 1);
	assert_int_equal(hwts_txts_read(5, "tst0", false, &q, &out), 0);
	assert_int_equal(out.token, 1);
	assert_int_equal(tmv_to_ns(out.ts), 1234567890000000001LL);
	assert_int_equal(ht_rq.flag_mismatch, 0);
	/* then the queue is empty */
	assert_int_equal(hwts_txts_read(5, "tst0", false, &q, &out), -EAGAIN);
	assert_int_equal(ht_rq.last_flags, MSG_ERRQUEUE | MSG_DONTWAIT);
}

static void test_txts_hardware_and_skips(void **state)
{
	struct transport_txts out;
	struct hwts_txq q;
	struct ht_msg *m;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	txq_sent(&q, "x", 1);
	txq_sent(&q, "y", 1);
	/* not a timestamp report: skipped */
	m = ht_rq_add();
	add_err(m, SO_EE_ORIGIN_ICMP, 0);
	/* txid 0's report carries only a software stamp: consumed, skipped */
	m = ht_rq_add();
	ht_msg_ts(m, 55, 0);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 0);
	/* txid 1 with a hardware stamp */
	m = ht_rq_add();
	ht_msg_ts(m, 55, 99000000001LL);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 1);
	assert_int_equal(hwts_txts_read(5, "tst0", true, &q, &out), 0);
	assert_int_equal(out.token, 1);
	assert_int_equal(tmv_to_ns(out.ts), 99000000001LL);
	assert_int_equal(q.count, 0);
	assert_int_equal(ht_rq.calls, 3);
}

/* A queue in scheduler mode takes SCM_TSTAMP_SCHED reports and skips
 * the others (a driver's SND, were one to come too); one in the ordinary
 * mode skips SCHED. */
static void test_txts_sched(void **state)
{
	struct transport_txts out;
	struct hwts_txq q;
	struct ht_msg *m;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE_SCHED);
	txq_sent(&q, "x", 1);
	txq_sent(&q, "y", 1);
	m = ht_rq_add();
	ht_msg_ts(m, 70, 0);
	add_err_type(m, SO_EE_ORIGIN_TIMESTAMPING, 0, SCM_TSTAMP_SND);
	m = ht_rq_add();
	ht_msg_ts(m, 71, 0);
	add_err_type(m, SO_EE_ORIGIN_TIMESTAMPING, 0, SCM_TSTAMP_SCHED);
	assert_int_equal(hwts_txts_read(5, "br0", false, &q, &out), 0);
	assert_int_equal(out.token, 0);
	assert_int_equal(tmv_to_ns(out.ts), 71);
	assert_int_equal(ht_rq.calls, 2);

	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	txq_sent(&q, "x", 1);
	m = ht_rq_add();
	ht_msg_ts(m, 72, 0);
	add_err_type(m, SO_EE_ORIGIN_TIMESTAMPING, 0, SCM_TSTAMP_SCHED);
	assert_int_equal(hwts_txts_read(5, "tst0", false, &q, &out), -EAGAIN);
	assert_int_equal(q.count, 1);
}

static void test_txts_empty_and_error(void **state)
{
	struct transport_txts out;
	struct hwts_txq q;

	(void)state;
	hwts_txq_init(&q, true, HWTS_SOFTWARE);
	txq_sent(&q, "x", 1);
	assert_int_equal(hwts_txts_read(5, "tst0", false, &q, &out), -EAGAIN);
	ht_rq_add_err(EBADF);
	assert_int_equal(hwts_txts_read(5, "tst0", false, &q, &out), -EBADF);
	assert_true(ht_log_has("tst0: error queue"));
	/* nothing was consumed */
	assert_int_equal(q.count, 1);
}

static void test_txts_fifo(void **state)
{
	const uint8_t a[44] = { 0x00, 0x02, 0xaa }, b[44] = { 0x00, 0x02, 0xbb };
	uint8_t frame[14 + 20 + 8 + 44];
	struct transport_txts out;
	struct hwts_txq q;
	struct ht_msg *m;

	(void)state;
	hwts_txq_init(&q, false, HWTS_SOFTWARE);
	txq_sent(&q, a, sizeof(a));
	txq_sent(&q, b, sizeof(b));
	/* the kernel loops the whole frame back, key 0 */
	memset(frame, 0x45, sizeof(frame));
	memcpy(frame + sizeof(frame) - sizeof(b), b, sizeof(b));
	m = ht_rq_add();
	ht_msg_data(m, frame, sizeof(frame));
	ht_msg_ts(m, 777, 0);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 0);
	assert_int_equal(hwts_txts_read(5, "tst0", false, &q, &out), 0);
	assert_int_equal(out.token, 1);
	assert_int_equal(tmv_to_ns(out.ts), 777);
	assert_int_equal(q.lost, 1);
}

/* Tokens are the core's: any values, handed back as given.  A one-step
 * send takes its key but wants no timestamp: one that comes anyway is
 * dropped (unwanted), not matched to a neighbour, not unmatched. */
static void test_txq_tokens_onestep(void **state)
{
	struct hwts_txq q;
	struct hwts_cmsg c;
	uint32_t tok = 0;

	(void)state;
	hwts_txq_init(&q, true, HWTS_HARDWARE);
	assert_int_equal(hwts_txq_sent(&q, "a", 1, 0xdead0001, true), 0);
	assert_int_equal(hwts_txq_sent(&q, "b", 1, 0xdead0002, false), 1);
	assert_int_equal(hwts_txq_sent(&q, "c", 1, 0xdead0003, true), 2);
	c = keyed(1);
	assert_false(hwts_txq_match(&q, &c, NULL, 0, &tok));
	assert_int_equal(q.unwanted, 1);
	assert_int_equal(q.unmatched, 0);
	c = keyed(2);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &tok));
	assert_int_equal(tok, 0xdead0003);
	c = keyed(0);
	assert_true(hwts_txq_match(&q, &c, NULL, 0, &tok));
	assert_int_equal(tok, 0xdead0001);
	assert_int_equal(q.count, 0);
}

/* The error queue's reader skips a one-step send's stamp and gives the
 * next one's token; a stamp matching nothing is -ENOMSG. */
static void test_txts_onestep_skipped(void **state)
{
	struct transport_txts out;
	struct hwts_txq q;
	struct ht_msg *m;

	(void)state;
	hwts_txq_init(&q, true, HWTS_HARDWARE);
	hwts_txq_sent(&q, "s", 1, 7, false);
	hwts_txq_sent(&q, "d", 1, 8, true);
	m = ht_rq_add();
	ht_msg_ts(m, 0, 1000);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 0);
	m = ht_rq_add();
	ht_msg_ts(m, 0, 2000);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 1);
	assert_int_equal(hwts_txts_read(5, "tst0", true, &q, &out), 0);
	assert_int_equal(out.token, 8);
	assert_int_equal(tmv_to_ns(out.ts), 2000);
	m = ht_rq_add();
	ht_msg_ts(m, 0, 3000);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 40);
	assert_int_equal(hwts_txts_read(5, "tst0", true, &q, &out), -ENOMSG);
	assert_int_equal(q.unmatched, 1);
}

/* AF_PACKET (L2) reports come as SOL_PACKET / PACKET_TX_TIMESTAMP. */
static void test_cmsg_packet_report(void **state)
{
	struct sock_extended_err ee;
	struct hwts_cmsg c;
	struct ht_msg *m = ht_rq_add();

	(void)state;
	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = ENOMSG;
	ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
	ee.ee_info = SCM_TSTAMP_SND;
	ee.ee_data = 12;
	ht_msg_ts(m, 5000, 0);
	ht_msg_cmsg(m, SOL_PACKET, PACKET_TX_TIMESTAMP, &ee, sizeof(ee));
	hwts_cmsg_parse_buf(m->ctl, m->clen, &c);
	assert_true(c.have_err);
	assert_int_equal(c.key, 12);
	assert_true(c.have_sw);
	assert_int_equal(tmv_to_ns(c.sw), 5000);
	assert_int_equal(c.n_cmsg, 2);
}

/* The pure entry point takes any bytes: every prefix of a real control
 * buffer, and the same with a cmsg_len that runs past the end. */
static void test_cmsg_parse_buf_any_bytes(void **state)
{
	struct ht_msg *m = ht_rq_add();
	struct hwts_cmsg c;
	struct cmsghdr *h;
	uint8_t junk[64];

	(void)state;
	ht_msg_ts(m, 123, 456);
	add_err(m, SO_EE_ORIGIN_TIMESTAMPING, 3);
	for (size_t n = 0; n <= m->clen; n++)
		hwts_cmsg_parse_buf(m->ctl, n, &c);
	hwts_cmsg_parse_buf(m->ctl, m->clen, &c);
	assert_true(c.have_hw && c.have_sw && c.have_err);
	h = (struct cmsghdr *)m->ctl;
	h->cmsg_len = 100000;
	hwts_cmsg_parse_buf(m->ctl, m->clen, &c);
	assert_false(c.have_sw);
	assert_int_equal(c.n_cmsg, 0);
	memset(junk, 0xff, sizeof(junk));
	hwts_cmsg_parse_buf(junk, sizeof(junk), &c);
	hwts_cmsg_parse_buf(NULL, 100, &c);
	assert_int_equal(c.n_cmsg, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cmsg_software, setup),
		cmocka_unit_test_setup(test_cmsg_hardware, setup),
		cmocka_unit_test_setup(test_cmsg_new_layout, setup),
		cmocka_unit_test_setup(test_cmsg_none_short_bad, setup),
		cmocka_unit_test_setup(test_cmsg_errqueue, setup),
		cmocka_unit_test_setup(test_cmsg_len_past_buffer, setup),
		cmocka_unit_test_setup(test_txq_opt_id, setup),
		cmocka_unit_test_setup(test_txq_wrap, setup),
		cmocka_unit_test_setup(test_txq_resync, setup),
		cmocka_unit_test_setup(test_txq_fifo, setup),
		cmocka_unit_test_setup(test_txq_overflow, setup),
		cmocka_unit_test_setup(test_enable_flags, setup),
		cmocka_unit_test_setup(test_enable_sched, setup),
		cmocka_unit_test_setup(test_enable_fallback, setup),
		cmocka_unit_test_setup(test_enable_fails, setup),
		cmocka_unit_test_setup(test_txts_opt_id, setup),
		cmocka_unit_test_setup(test_txts_hardware_and_skips, setup),
		cmocka_unit_test_setup(test_txts_empty_and_error, setup),
		cmocka_unit_test_setup(test_txts_sched, setup),
		cmocka_unit_test_setup(test_txts_fifo, setup),
		cmocka_unit_test_setup(test_txq_tokens_onestep, setup),
		cmocka_unit_test_setup(test_txts_onestep_skipped, setup),
		cmocka_unit_test_setup(test_cmsg_packet_report, setup),
		cmocka_unit_test_setup(test_cmsg_parse_buf_any_bytes, setup),
	};

	return cmocka_run_group_tests_name("hwts_tstamp", tests, NULL, NULL);
}
