/*
 * tests/unit/test_port_master.c — the master side at scale: the Sync and
 * Announce timers kept on their deadlines (late handling does not stretch
 * the interval, a long stall does not bring a burst), and Delay_Resp sent
 * by unicast to the requester with delay_resp_unicast, and the
 * per-source Delay_Req limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "tests/unit/bc_net.h"

static struct bc_actions act;
/* Delay_Req limit of the next master_clock (0: none) */
static uint32_t dreq_rate, dreq_burst;

/* A one-port clock, alone on its network, taken to MASTER at *now. */
static struct bc *master_clock(bool unicast_resp, int64_t *now)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct bc *bc;

	net_clock_cfg(&cc, 0x10, 128);
	net_port_cfgs(&pc, 1);
	pc.delay_resp_unicast = unicast_resp;
	pc.delay_req_rate = dreq_rate;
	pc.delay_req_burst = dreq_burst;
	assert_int_equal(bc_create(&bc, &cc, &pc, 1), 0);
	*now = T0;
	bc_actions_init(&act);
	assert_int_equal(bc_start(bc, *now, &act), 0);
	bc_state_decision(bc, *now, &act);
	*now += 10 * SEC;
	bc_actions_init(&act);
	bc_port_timer(bc, 0, BC_TMR_ANNOUNCE_RX, *now, &act);
	bc_state_decision(bc, *now, &act);
	assert_int_equal(bc_port_ds(bc, 0)->port_state, PS_MASTER);
	return bc;
}

/* The deadline the last action set for timer t (-1: none armed). */
static int64_t armed_at(enum bc_timer t)
{
	int64_t at = -1;

	for (int i = 0; i < act.n; i++) {
		if (act.a[i].type == BC_ACT_TIMER_ARM &&
		    act.a[i].u.timer.timer == (int)t)
			at = act.a[i].u.timer.at_ns;
	}
	return at;
}

/* Fire timer t at now; returns the deadline it re-armed itself for. */
static int64_t fire(struct bc *bc, enum bc_timer t, int64_t now)
{
	bc_actions_init(&act);
	assert_int_equal(bc_port_timer(bc, 0, t, now, &act), 0);
	return armed_at(t);
}

static void check_periodic(enum bc_timer t, int64_t iv)
{
	int64_t now, due, next;
	struct bc *bc = master_clock(false, &now);

	/* entering MASTER arms the timer for now */
	due = now;
	/* handled 3 ms late, ten times: the deadlines stay on the grid */
	for (int i = 0; i < 10; i++) {
		next = fire(bc, t, due + 3 * MS);
		assert_true(next == due + iv);
		due = next;
	}
	/* handled just under one interval late: still on the grid */
	next = fire(bc, t, due + iv - 1);
	assert_true(next == due + iv);
	due = next;
	/* a stall of 2.5 intervals: one message, the next a full interval
	 * later, not two more at once to catch up */
	now = due + iv * 5 / 2;
	next = fire(bc, t, now);
	assert_true(next == now + iv);
	bc_destroy(bc);
}

static void test_sync_on_deadline(void **state)
{
	(void)state;
	check_periodic(BC_TMR_SYNC_TX, SEC); /* logSyncInterval 0 */
}

static void test_announce_on_deadline(void **state)
{
	(void)state;
	check_periodic(BC_TMR_ANNOUNCE_TX, 2 * SEC); /* logAnnounceInterval 1 */
}

/* A Delay_Req from 0x20-1, multicast or with the unicast flag. */
static int delay_req(uint8_t *buf, size_t cap, bool unicast_flag)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_DELAY_REQ, 1);
	m.hdr.source_port_identity = net_pid(0x20, 1);
	m.hdr.sequence_id = 77;
	if (unicast_flag)
		m.hdr.flags |= PTP_FLAG_UNICAST;
	return msg_pack(&m, buf, cap);
}

static struct bc_addr addr_of(const char *ip)
{
	struct sockaddr_in sin;
	struct bc_addr a;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(319);
	assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	memset(&a, 0, sizeof(a));
	a.len = sizeof(sin);
	memcpy(a.data, &sin, sizeof(sin));
	return a;
}

/* The Delay_Resp of one Delay_Req: its action and its unicast flag. */
static const struct bc_action *answer(struct bc *bc, bool unicast_flag,
				      const struct bc_addr *src, int64_t now,
				      bool *flag)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	const struct bc_action *x = NULL;
	struct ptp_msg m;
	int len = delay_req(buf, sizeof(buf), unicast_flag);

	bc_actions_init(&act);
	assert_int_equal(bc_port_rx(bc, 0, buf, (size_t)len,
				    tmv_from_ns(now), src, now, &act),
			 0);
	for (int i = 0; i < act.n; i++) {
		if (act.a[i].type == BC_ACT_SEND_GENERAL &&
		    act.a[i].u.send.msg_type == PTP_MSG_DELAY_RESP)
			x = &act.a[i];
	}
	assert_non_null(x);
	assert_int_equal(msg_unpack(bc_action_buf(&act, x), x->u.send.len,
				    &m, NULL),
			 0);
	assert_int_equal(m.hdr.sequence_id, 77);
	*flag = (m.hdr.flags & PTP_FLAG_UNICAST) != 0;
	return x;
}

static void test_delay_resp_dest(void **state)
{
	struct bc_addr src = addr_of("10.1.2.3"), none;
	const struct bc_action *x;
	int64_t now;
	bool flag;
	struct bc *bc;

	(void)state;
	memset(&none, 0, sizeof(none));
	/* default: multicast in, multicast out; unicast in, unicast out */
	bc = master_clock(false, &now);
	x = answer(bc, false, &src, now, &flag);
	assert_int_equal(x->u.send.dest, BC_DEST_PRIMARY);
	assert_false(flag);
	x = answer(bc, true, &src, now, &flag);
	assert_int_equal(x->u.send.dest, BC_DEST_UNICAST);
	assert_memory_equal(&x->u.send.addr, &src, sizeof(src));
	assert_true(flag);
	bc_destroy(bc);

	/* delay_resp_unicast: a multicast Delay_Req answered to its sender */
	bc = master_clock(true, &now);
	x = answer(bc, false, &src, now, &flag);
	assert_int_equal(x->u.send.dest, BC_DEST_UNICAST);
	assert_memory_equal(&x->u.send.addr, &src, sizeof(src));
	assert_true(flag);
	/* no sender's address known: to the group */
	x = answer(bc, false, &none, now, &flag);
	assert_int_equal(x->u.send.dest, BC_DEST_PRIMARY);
	assert_false(flag);
	x = answer(bc, false, NULL, now, &flag);
	assert_int_equal(x->u.send.dest, BC_DEST_PRIMARY);
	assert_int_equal(bc_port_counters(bc, 0)->tx[PTP_MSG_DELAY_RESP], 3);
	bc_destroy(bc);
}

/* Delay_Resps sent for n Delay_Reqs from src at now. */
static int answered(struct bc *bc, const struct bc_addr *src, int n,
		    int64_t now)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	int len = delay_req(buf, sizeof(buf), false), k = 0;

	for (int i = 0; i < n; i++) {
		bc_actions_init(&act);
		/* 0, or -EBADMSG when dropped */
		bc_port_rx(bc, 0, buf, (size_t)len, tmv_from_ns(now), src,
			   now, &act);
		for (int j = 0; j < act.n; j++)
			k += act.a[j].type == BC_ACT_SEND_GENERAL &&
			     act.a[j].u.send.msg_type == PTP_MSG_DELAY_RESP;
	}
	return k;
}

/* delay_req_rate_limit 10, delay_req_burst 5: one source flooding gets
 * its burst, then 10 per second; another source is not touched; the
 * rest are dropped as rate_limited. */
static void test_delay_req_limit(void **state)
{
	struct bc_addr a = addr_of("10.1.2.3"), b = addr_of("10.1.2.4");
	const uint64_t *drop;
	int64_t now;
	struct bc *bc;

	(void)state;
	dreq_rate = 10;
	dreq_burst = 5;
	bc = master_clock(false, &now);
	dreq_rate = dreq_burst = 0;
	drop = bc_port_counters(bc, 0)->drop;
	assert_int_equal(answered(bc, &a, 100, now), 5);
	assert_int_equal(drop[BC_DROP_RATE_LIMITED], 95);
	assert_int_equal(answered(bc, &b, 3, now), 3);
	/* 100 ms later: one more for a (T = 100 ms) */
	assert_int_equal(answered(bc, &a, 10, now + 100 * MS), 1);
	/* a second of 10 per second: every one answered */
	for (int i = 0; i < 10; i++)
		assert_int_equal(answered(bc, &a, 1, now + 200 * MS +
						       i * 100 * MS),
				 1);
	assert_int_equal(drop[BC_DROP_RATE_LIMITED], 95 + 9);
	bc_destroy(bc);
	/* without a limit, all of them */
	bc = master_clock(false, &now);
	assert_int_equal(answered(bc, &a, 100, now), 100);
	bc_destroy(bc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay_req_limit),
		cmocka_unit_test(test_sync_on_deadline),
		cmocka_unit_test(test_announce_on_deadline),
		cmocka_unit_test(test_delay_resp_dest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
