/*
 * tests/unit/test_fsm.c — the port state machine, port_fsm_next() of
 * bc/internal.h, against an expected table written here from IEEE
 * 1588-2019 9.2.5 (Figure 30, the full machine, and Figure 31, the
 * slave-only one): every (state, event) pair is checked, so both the
 * transitions that must happen and the ones that must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bc/internal.h"

#define FIRST_STATE PS_INITIALIZING
#define LAST_STATE PS_SLAVE

/* The events that leave a state, per state, for the full machine. */
struct edge {
	enum port_state from;
	enum bc_event ev;
	enum port_state to;
};

static const struct edge full_edges[] = {
	{ PS_INITIALIZING, BC_EV_INIT_COMPLETE, PS_LISTENING },
	{ PS_FAULTY, BC_EV_FAULT_CLEARED, PS_INITIALIZING },
	{ PS_DISABLED, BC_EV_DESIGNATED_ENABLED, PS_INITIALIZING },

	{ PS_LISTENING, BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_LISTENING, BC_EV_RS_MASTER, PS_PRE_MASTER },
	{ PS_LISTENING, BC_EV_RS_GRAND_MASTER, PS_MASTER },
	{ PS_LISTENING, BC_EV_RS_PASSIVE, PS_PASSIVE },
	{ PS_LISTENING, BC_EV_RS_SLAVE, PS_UNCALIBRATED },

	{ PS_PRE_MASTER, BC_EV_QUALIFICATION_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_PRE_MASTER, BC_EV_RS_GRAND_MASTER, PS_MASTER },
	{ PS_PRE_MASTER, BC_EV_RS_PASSIVE, PS_PASSIVE },
	{ PS_PRE_MASTER, BC_EV_RS_SLAVE, PS_UNCALIBRATED },

	{ PS_MASTER, BC_EV_RS_PASSIVE, PS_PASSIVE },
	{ PS_MASTER, BC_EV_RS_SLAVE, PS_UNCALIBRATED },

	{ PS_PASSIVE, BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_PASSIVE, BC_EV_RS_MASTER, PS_PRE_MASTER },
	{ PS_PASSIVE, BC_EV_RS_GRAND_MASTER, PS_MASTER },
	{ PS_PASSIVE, BC_EV_RS_SLAVE, PS_UNCALIBRATED },

	{ PS_UNCALIBRATED, BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_UNCALIBRATED, BC_EV_SYNC_RECEIPT_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_UNCALIBRATED, BC_EV_MASTER_CLOCK_SELECTED, PS_SLAVE },
	{ PS_UNCALIBRATED, BC_EV_RS_MASTER, PS_PRE_MASTER },
	{ PS_UNCALIBRATED, BC_EV_RS_GRAND_MASTER, PS_MASTER },
	{ PS_UNCALIBRATED, BC_EV_RS_PASSIVE, PS_PASSIVE },

	{ PS_SLAVE, BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_SLAVE, BC_EV_SYNC_RECEIPT_TIMEOUT_EXPIRES, PS_MASTER },
	{ PS_SLAVE, BC_EV_SYNCHRONIZATION_FAULT, PS_UNCALIBRATED },
	{ PS_SLAVE, BC_EV_RS_MASTER, PS_PRE_MASTER },
	{ PS_SLAVE, BC_EV_RS_GRAND_MASTER, PS_MASTER },
	{ PS_SLAVE, BC_EV_RS_PASSIVE, PS_PASSIVE },
};

#define NEDGES (sizeof(full_edges) / sizeof(full_edges[0]))

/* The events every state obeys (9.2.5: "from any state"). */
static bool global_next(enum port_state cur, enum bc_event ev,
			enum port_state *to)
{
	switch (ev) {
	case BC_EV_POWERUP:
	case BC_EV_INITIALIZE:
		*to = PS_INITIALIZING;
		return true;
	case BC_EV_DESIGNATED_DISABLED:
		*to = PS_DISABLED;
		return true;
	case BC_EV_FAULT_DETECTED:
		*to = cur == PS_DISABLED ? PS_DISABLED : PS_FAULTY;
		return true;
	default:
		return false;
	}
}

static enum port_state expect_full(enum port_state cur, enum bc_event ev)
{
	enum port_state to;

	if (global_next(cur, ev, &to))
		return to;
	for (size_t i = 0; i < NEDGES; i++) {
		if (full_edges[i].from == cur && full_edges[i].ev == ev)
			return full_edges[i].to;
	}
	return cur;
}

static bool is_master_recommendation(enum bc_event ev)
{
	switch (ev) {
	case BC_EV_RS_MASTER:
	case BC_EV_RS_GRAND_MASTER:
	case BC_EV_RS_PASSIVE:
	case BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES:
	case BC_EV_SYNC_RECEIPT_TIMEOUT_EXPIRES:
	case BC_EV_QUALIFICATION_TIMEOUT_EXPIRES:
		return true;
	default:
		return false;
	}
}

/* Figure 31: whatever would make a port master or passive leaves an
 * active port LISTENING; the rest is the full machine. */
static enum port_state expect_slave_only(enum port_state cur,
					 enum bc_event ev)
{
	enum port_state to;
	bool active = cur != PS_INITIALIZING && cur != PS_FAULTY &&
		      cur != PS_DISABLED;

	if (global_next(cur, ev, &to))
		return to;
	if (is_master_recommendation(ev))
		return active ? PS_LISTENING : cur;
	return expect_full(cur, ev);
}

static void test_full_table(void **state)
{
	int transitions = 0, stays = 0;

	(void)state;
	for (int s = FIRST_STATE; s <= LAST_STATE; s++) {
		for (int e = 0; e < BC_EV_COUNT; e++) {
			enum port_state want = expect_full(s, e);
			enum port_state got = port_fsm_next(s, e, false);

			if (got != want)
				fail_msg("%s + %s: got %s, want %s",
					 port_state_name(s), bc_event_name(e),
					 port_state_name(got),
					 port_state_name(want));
			if (got == (enum port_state)s)
				stays++;
			else
				transitions++;
		}
	}
	/* the table above is not empty, nor is everything a transition */
	assert_true(transitions >= 30 + 3 * 9 - 3);
	assert_true(stays > 50);
}

static void test_slave_only_table(void **state)
{
	(void)state;
	for (int s = FIRST_STATE; s <= LAST_STATE; s++) {
		for (int e = 0; e < BC_EV_COUNT; e++) {
			enum port_state want = expect_slave_only(s, e);
			enum port_state got = port_fsm_next(s, e, true);

			if (got != want)
				fail_msg("slave-only %s + %s: got %s, want %s",
					 port_state_name(s), bc_event_name(e),
					 port_state_name(got),
					 port_state_name(want));
		}
	}
}

/* Spot checks that read like the standard, independent of the tables. */
static void test_samples(void **state)
{
	(void)state;
	/* must transition */
	assert_int_equal(port_fsm_next(PS_LISTENING, BC_EV_RS_SLAVE, false),
			 PS_UNCALIBRATED);
	assert_int_equal(port_fsm_next(PS_UNCALIBRATED,
				       BC_EV_MASTER_CLOCK_SELECTED, false),
			 PS_SLAVE);
	assert_int_equal(port_fsm_next(PS_SLAVE, BC_EV_SYNCHRONIZATION_FAULT,
				       false),
			 PS_UNCALIBRATED);
	assert_int_equal(port_fsm_next(PS_MASTER, BC_EV_FAULT_DETECTED, false),
			 PS_FAULTY);
	assert_int_equal(port_fsm_next(PS_FAULTY, BC_EV_FAULT_CLEARED, false),
			 PS_INITIALIZING);
	assert_int_equal(port_fsm_next(PS_SLAVE, BC_EV_DESIGNATED_DISABLED,
				       false),
			 PS_DISABLED);
	assert_int_equal(port_fsm_next(PS_DISABLED, BC_EV_INITIALIZE, false),
			 PS_INITIALIZING);
	/* must not */
	assert_int_equal(port_fsm_next(PS_MASTER, BC_EV_RS_MASTER, false),
			 PS_MASTER);
	assert_int_equal(port_fsm_next(PS_MASTER,
				       BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES,
				       false),
			 PS_MASTER);
	assert_int_equal(port_fsm_next(PS_DISABLED, BC_EV_FAULT_DETECTED,
				       false),
			 PS_DISABLED);
	assert_int_equal(port_fsm_next(PS_SLAVE, BC_EV_RS_SLAVE, false),
			 PS_SLAVE);
	assert_int_equal(port_fsm_next(PS_UNCALIBRATED,
				       BC_EV_SYNCHRONIZATION_FAULT, false),
			 PS_UNCALIBRATED);
	assert_int_equal(port_fsm_next(PS_LISTENING,
				       BC_EV_MASTER_CLOCK_SELECTED, false),
			 PS_LISTENING);
	assert_int_equal(port_fsm_next(PS_FAULTY, BC_EV_RS_SLAVE, false),
			 PS_FAULTY);
	assert_int_equal(port_fsm_next(PS_INITIALIZING,
				       BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES,
				       false),
			 PS_INITIALIZING);
	assert_int_equal(port_fsm_next(PS_PRE_MASTER, BC_EV_RS_MASTER, false),
			 PS_PRE_MASTER);
	assert_int_equal(port_fsm_next(PS_SLAVE, BC_EV_NONE, false),
			 PS_SLAVE);
	/* slave-only: master and passive recommendations mean LISTENING */
	assert_int_equal(port_fsm_next(PS_SLAVE, BC_EV_RS_MASTER, true),
			 PS_LISTENING);
	assert_int_equal(port_fsm_next(PS_UNCALIBRATED, BC_EV_RS_PASSIVE,
				       true),
			 PS_LISTENING);
	assert_int_equal(port_fsm_next(PS_SLAVE,
				       BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES,
				       true),
			 PS_LISTENING);
	assert_int_equal(port_fsm_next(PS_LISTENING, BC_EV_RS_GRAND_MASTER,
				       true),
			 PS_LISTENING);
	assert_int_equal(port_fsm_next(PS_LISTENING, BC_EV_RS_SLAVE, true),
			 PS_UNCALIBRATED);
	assert_int_equal(port_fsm_next(PS_FAULTY, BC_EV_RS_MASTER, true),
			 PS_FAULTY);
}

/* Out-of-range input is not an index: no change, except for the global
 * events that name their target state outright. */
static void test_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(port_fsm_next(PS_SLAVE, BC_EV_COUNT, false),
			 PS_SLAVE);
	assert_int_equal(port_fsm_next(PS_SLAVE, (enum bc_event)1000, true),
			 PS_SLAVE);
	assert_int_equal(port_fsm_next(PS_SLAVE, (enum bc_event)-1, false),
			 PS_SLAVE);
	assert_int_equal(port_fsm_next((enum port_state)0, BC_EV_RS_SLAVE,
				       false),
			 0);
	assert_int_equal(port_fsm_next((enum port_state)10,
				       BC_EV_INIT_COMPLETE, false),
			 10);
	assert_int_equal(port_fsm_next((enum port_state)10,
				       BC_EV_FAULT_DETECTED, false),
			 PS_FAULTY);
	assert_int_equal(port_fsm_next((enum port_state)0, BC_EV_INITIALIZE,
				       false),
			 PS_INITIALIZING);
}

static void test_names(void **state)
{
	(void)state;
	for (int e = 0; e < BC_EV_COUNT; e++)
		assert_string_not_equal(bc_event_name(e), "?");
	assert_string_equal(bc_event_name(BC_EV_COUNT), "?");
	assert_string_equal(bc_event_name(BC_EV_RS_SLAVE), "RS_SLAVE");
	for (int t = 0; t < BC_TMR_COUNT; t++)
		assert_string_not_equal(bc_timer_name(t), "?");
	assert_string_equal(bc_timer_name(BC_TMR_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_slave_only_table),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
