/*
 * tests/unit/test_port_master.c — the master side at scale: the Sync and
 * Announce timers kept on their deadlines (late handling does not stretch
 * the interval, a long stall does not bring a burst).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/bc_net.h"

static struct bc_actions act;

/* A one-port clock, alone on its network, taken to MASTER at *now. */
static struct bc *master_clock(int64_t *now)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	struct bc *bc;

	net_clock_cfg(&cc, 0x10, 128);
	net_port_cfgs(&pc, 1);
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
		    act.a[i].u.timer.timer == t)
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
	struct bc *bc = master_clock(&now);

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_on_deadline),
		cmocka_unit_test(test_announce_on_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
