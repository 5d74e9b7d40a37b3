/*
 * tests/fuzz/fuzz_cmsg.c — libFuzzer target for the Linux edge's control
 * messages and error queue (hwts/tstamp.c): what recvmsg hands the
 * transports for a received packet (SCM_TIMESTAMPING) or a TX timestamp
 * report (the same, plus IP_RECVERR/IPV6_RECVERR sock_extended_err), and
 * the queue that matches those reports to the txids of sends.
 *
 * Input: octet 0 sets the queue (bit 0: OPT_ID keys, bit 1: scheduler
 * software timestamps); octets 1-2 (little endian) the length of a control
 * buffer, copied to a block of exactly that size (so that a read past its
 * end is an ASan report: the kernel never writes a cmsg_len beyond
 * msg_controllen, but the parser must not trust it); what is left drives
 * the queue, an op per octet: sends (with the next octets as the message),
 * failed sends, and reports (the parsed control buffer, the next octets as
 * the looped-back packet).  For every input:
 *  - hwts_cmsg_parse counts no more messages than fit the buffer, and its
 *    timestamps are non-negative and below 2^63 ns;
 *  - hwts_cmsg_ts gives a timestamp exactly when the parse found one;
 *  - the queue never holds more than HWTS_TXQ_LEN entries, and a report
 *    matches only a txid that was handed out and is still outstanding
 *    (never one matched before).
 * Any violation traps.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hwts/hwts_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

static void check_parse(const struct hwts_cmsg *c, size_t ctl_len)
{
	tmv_t ts;

	CHECK(c->n_cmsg >= 0);
	CHECK((size_t)c->n_cmsg <= ctl_len / sizeof(struct cmsghdr));
	if (c->have_sw)
		CHECK(tmv_to_ns(c->sw) > 0);
	if (c->have_hw)
		CHECK(tmv_to_ns(c->hw) > 0);
	CHECK(hwts_cmsg_ts(c, false, &ts) == c->have_sw);
	CHECK(hwts_cmsg_ts(c, true, &ts) == c->have_hw);
}

static struct hwts_cmsg parse_ctl(const uint8_t *p, size_t n)
{
	struct hwts_cmsg c;
	struct msghdr msg;
	void *ctl = n ? malloc(n) : NULL;

	memset(&msg, 0, sizeof(msg));
	if (ctl)
		memcpy(ctl, p, n);
	msg.msg_control = ctl;
	msg.msg_controllen = n;
	hwts_cmsg_parse(&msg, &c);
	check_parse(&c, ctl ? n : 0);
	free(ctl);
	return c;
}

/* Was txid outstanding in q (before a match)? */
static bool txq_has(const struct hwts_txq *q, uint32_t txid)
{
	for (unsigned int i = 0; i < q->count; i++) {
		if (q->e[(q->head + i) % HWTS_TXQ_LEN].txid == txid)
			return true;
	}
	return false;
}

static void run_queue(struct hwts_txq *q, const struct hwts_cmsg *c,
		      const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t op = p[i++];
		size_t len = (size_t)(op >> 2);
		size_t take = len < n - i ? len : n - i;
		struct hwts_txq before;
		uint32_t txid;

		switch (op & 3) {
		case 0:
		case 1:
			hwts_txq_sent(q, p + i, take);
			i += take;
			break;
		case 2:
			hwts_txq_failed(q);
			break;
		default:
			before = *q;
			if (hwts_txq_match(q, c, p + i, take, &txid)) {
				CHECK(txq_has(&before, txid));
				CHECK(!txq_has(q, txid));
				CHECK(txid < q->next_txid);
			}
			i += take;
			break;
		}
		CHECK(q->count <= HWTS_TXQ_LEN);
		CHECK(q->head < HWTS_TXQ_LEN);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hwts_txq q;
	struct hwts_cmsg c;
	size_t ctl_len;

	if (size < 3)
		return 0;
	hwts_txq_init(&q, data[0] & 1,
		      data[0] & 2 ? HWTS_SOFTWARE_SCHED : HWTS_SOFTWARE);
	ctl_len = (size_t)data[1] | (size_t)data[2] << 8;
	if (ctl_len > size - 3)
		ctl_len = size - 3;
	c = parse_ctl(data + 3, ctl_len);
	run_queue(&q, &c, data + 3 + ctl_len, size - 3 - ctl_len);
	return 0;
}
