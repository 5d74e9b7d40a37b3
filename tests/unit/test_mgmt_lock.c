/*
 * tests/unit/test_mgmt_lock.c — HVPTP_LOCK_HISTORY_NP (0xD012, clock,
 * GET): the core's encoding on the raw bytes at the offsets bc/mgmt.h and
 * docs/hvptpctl.md document, hvptpctl's decoding of the same answer (the
 * round trip: every figure back in ns, null when unknown), how a host
 * with many clocks still fits one message, and docs/hvptpctl.schema.json's
 * lock_record against the decoder's keys.
 *
 * The timeline of clock 0 (the figures at the answer, T0): the history
 * starts at T0 - 400 s ("0 s"); lock at 10 s, lost at 100 s, locked again
 * at 112 s, lost at 300 s, locked at 330 s: 70 s in lock now, 348 s in
 * lock in all, 2 losses, MTBF 174 s, MTTR (12 + 30) / 2 = 21 s, first
 * lock after 10 s.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "tests/unit/hvptpctl_test.h"

#define T(s) (T0 - 400 * SEC + (int64_t)(s) * SEC)

/* Clock 0 with the timeline, 1 not adjusted, 2 adjusted but no servo
 * state seen yet. */
static struct bc *three_clocks(void)
{
	struct bc_clock_info ci[3] = {
		{ .name = "/dev/ptp0", .phc_index = 0, .adjusted = true,
		  .role = BC_CLOCK_REFERENCE, .source = -1,
		  .lock_applicable = true },
		{ .name = "/dev/ptp1", .phc_index = 1, .source = 0,
		  .role = BC_CLOCK_FOLLOWER },
		{ .name = "CLOCK_REALTIME", .phc_index = -1, .source = 0,
		  .role = BC_CLOCK_FOLLOWER, .adjusted = true,
		  .lock_applicable = true },
	};
	struct bc *bc = one_clock(1);
	struct cm_lockhist *h = &ci[0].lock;

	cm_lockhist_feed(h, false, T(0));
	cm_lockhist_feed(h, true, T(10));
	cm_lockhist_feed(h, false, T(100));
	cm_lockhist_feed(h, true, T(112));
	cm_lockhist_feed(h, false, T(300));
	cm_lockhist_feed(h, true, T(330));
	for (int k = 0; k < 3; k++)
		assert_int_equal(bc_set_clock_info(bc, k, &ci[k]), 0);
	return bc;
}

static void test_lock_bytes(void **state)
{
	struct bc *bc = three_clocks();
	const uint8_t *p, *r;
	uint16_t len;

	(void)state;
	assert_string_equal(bc_mgmt_id_name(0xD012), "HVPTP_LOCK_HISTORY_NP");
	assert_false(bc_mgmt_id_is_port(BC_MID_HVPTP_LOCK_HISTORY_NP));
	p = get1(bc, BC_MID_HVPTP_LOCK_HISTORY_NP, &len);
	assert_int_equal(len, BC_MGMT_LOCKS_HEAD_LEN +
				      3 * BC_MGMT_LOCK_REC_LEN +
				      5 * BC_MGMT_LOCK_CHANGE_LEN);
	assert_int_equal(p[0], 3);
	assert_int_equal(p[1], 0);
	assert_int_equal(be64(p + 4), T0);
	r = p + BC_MGMT_LOCKS_HEAD_LEN;
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], BC_MGMT_LOCK_APPLICABLE | BC_MGMT_LOCK_KNOWN |
				       BC_MGMT_LOCK_LOCKED |
				       BC_MGMT_LOCK_FIRST_KNOWN |
				       BC_MGMT_LOCK_MTBF_KNOWN |
				       BC_MGMT_LOCK_MTTR_KNOWN);
	assert_int_equal(r[2], 5);
	assert_int_equal(be32(r + 4), 2);
	assert_int_equal(be64(r + 8), 70 * SEC);
	assert_int_equal(be64(r + 16), 348 * SEC);
	assert_int_equal(be64(r + 24), 400 * SEC);
	assert_int_equal(be64(r + 32), 10 * SEC);
	assert_int_equal(be64(r + 40), 174 * SEC);
	assert_int_equal(be64(r + 48), 21 * SEC);
	/* the changes, newest first */
	assert_int_equal(be64(r + 56), T(330));
	assert_int_equal(r[64], 1);
	assert_int_equal(be64(r + 56 + 10), T(300));
	assert_int_equal(r[64 + 10], 0);
	assert_int_equal(be64(r + 56 + 40), T(10));
	/* not adjusted: no history, every figure 0 */
	r += BC_MGMT_LOCK_REC_LEN + 5 * BC_MGMT_LOCK_CHANGE_LEN;
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[2], 0);
	for (int i = 4; i < BC_MGMT_LOCK_REC_LEN; i++)
		assert_int_equal(r[i], 0);
	/* adjusted, nothing seen yet */
	r += BC_MGMT_LOCK_REC_LEN;
	assert_int_equal(r[0], 2);
	assert_int_equal(r[1], BC_MGMT_LOCK_APPLICABLE);
	/* GET only */
	assert_int_equal(ask(bc, PTP_MGMT_SET, BC_MID_HVPTP_LOCK_HISTORY_NP,
			     p, len, false), 0);
	assert_error(bc, 0, BC_MID_HVPTP_LOCK_HISTORY_NP,
		     TLV_MGMT_ERR_NOT_SETABLE);
}

static bool is_null(const struct mgmt_tree *t, int obj, const char *key)
{
	int i = mgmt_tree_member(t, obj, key);

	return i >= 0 && t->node[i].kind == MV_NULL;
}

static int64_t ival(const struct mgmt_tree *t, int obj, const char *key)
{
	int64_t v = -424242;

	assert_true(mgmt_tree_get_int(t, obj, key, &v));
	return v;
}

/* hvptpctl reads back what the core wrote: ns, null when unknown. */
static void test_lock_roundtrip(void **state)
{
	struct bc *bc = three_clocks();
	struct mgmt_tree *t = get_tree(bc, BC_MID_HVPTP_LOCK_HISTORY_NP, 0);
	int arr = mgmt_tree_get(t, 0, "clocks"), r, ch, c;

	(void)state;
	assert_int_equal(ival(t, 0, "more_clocks"), 0);
	assert_int_equal(ival(t, 0, "answer_monotonic_ns"), T0);
	assert_int_equal(t->node[arr].nchild, 3);
	r = mgmt_tree_child(t, arr, 0);
	assert_int_equal(ival(t, r, "applicable"), 1);
	assert_int_equal(ival(t, r, "locked"), 1);
	assert_int_equal(ival(t, r, "losses"), 2);
	assert_int_equal(ival(t, r, "in_state_ns"), 70 * SEC);
	assert_int_equal(ival(t, r, "locked_total_ns"), 348 * SEC);
	assert_int_equal(ival(t, r, "observed_ns"), 400 * SEC);
	assert_int_equal(ival(t, r, "time_to_first_lock_ns"), 10 * SEC);
	assert_int_equal(ival(t, r, "mtbf_ns"), 174 * SEC);
	assert_int_equal(ival(t, r, "mttr_ns"), 21 * SEC);
	ch = mgmt_tree_member(t, r, "changes");
	assert_int_equal(t->node[ch].nchild, 5);
	c = mgmt_tree_child(t, ch, 1);
	assert_int_equal(ival(t, c, "monotonic_ns"), T(300));
	assert_int_equal(ival(t, c, "locked"), 0);
	assert_int_equal(ival(t, c, "age_ns"), 100 * SEC);
	/* no history: figures, losses and locked null, not 0 */
	r = mgmt_tree_child(t, arr, 1);
	assert_int_equal(ival(t, r, "applicable"), 0);
	assert_true(is_null(t, r, "losses"));
	assert_true(is_null(t, r, "locked"));
	assert_true(is_null(t, r, "locked_total_ns"));
	assert_true(is_null(t, r, "mttr_ns"));
	r = mgmt_tree_child(t, arr, 2);
	assert_int_equal(ival(t, r, "applicable"), 1);
	assert_int_equal(ival(t, r, "known"), 0);
	assert_true(is_null(t, r, "in_state_ns"));
	assert_true(is_null(t, r, "time_to_first_lock_ns"));
	mgmt_tree_free(t);
}

/* Sixteen clocks with full rings: all of them in one answer, each with
 * as many changes as leave room for every clock. */
static void test_lock_many_clocks(void **state)
{
	struct bc *bc = one_clock(1);
	struct bc_clock_info ci = { .adjusted = true, .lock_applicable = true };
	struct mgmt_tree *t;
	int arr, per = -1;
	uint16_t len;

	(void)state;
	for (int i = 0; i < 40; i++)
		cm_lockhist_feed(&ci.lock, i % 2, T(i));
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		snprintf(ci.name, sizeof(ci.name), "/dev/ptp%d", k);
		assert_int_equal(bc_set_clock_info(bc, k, &ci), 0);
	}
	get1(bc, BC_MID_HVPTP_LOCK_HISTORY_NP, &len);
	assert_true(len <= PTP_MAX_MSG_LEN - 54);
	t = get_tree(bc, BC_MID_HVPTP_LOCK_HISTORY_NP, 0);
	assert_int_equal(ival(t, 0, "more_clocks"), 0);
	arr = mgmt_tree_get(t, 0, "clocks");
	assert_int_equal(t->node[arr].nchild, BC_MAX_CLOCKS);
	for (int k = 0; k < BC_MAX_CLOCKS; k++) {
		int r = mgmt_tree_child(t, arr, k);
		int n = t->node[mgmt_tree_member(t, r, "changes")].nchild;

		assert_int_equal(ival(t, r, "losses"), 19);
		assert_true(n > 0 && n < CM_LOCKHIST_RING);
		assert_true(per < 0 || n == per);
		per = n;
	}
	/* the newest kept: 39 s */
	assert_int_equal(ival(t, mgmt_tree_child(t, mgmt_tree_member(
				 t, mgmt_tree_child(t, arr, 0), "changes"), 0),
			      "monotonic_ns"), T(39));
	mgmt_tree_free(t);
}

/* $defs/lock_record lists exactly the keys of a decoded record, in
 * order. */
static void test_lock_schema(void **state)
{
	json_object *schema, *defs, *d, *props, *req;
	struct bc *bc = three_clocks();
	struct mgmt_tree *t = get_tree(bc, BC_MID_HVPTP_LOCK_HISTORY_NP, 0);
	int rec = mgmt_tree_child(t, mgmt_tree_get(t, 0, "clocks"), 0), n = 0;

	(void)state;
	schema = schema_load(&defs);
	assert_true(json_object_object_get_ex(defs, "lock_record", &d));
	assert_true(json_object_object_get_ex(d, "properties", &props));
	assert_true(json_object_object_get_ex(d, "required", &req));
	for (int c = t->node[rec].first; c >= 0; c = t->node[c].next, n++) {
		json_object *r = json_object_array_get_idx(req, (size_t)n);

		if (!json_object_object_get_ex(props, t->node[c].key, NULL) ||
		    !r || strcmp(json_object_get_string(r), t->node[c].key))
			fail_msg("schema lock_record: key %s missing or out "
				 "of order", t->node[c].key);
	}
	assert_int_equal(json_object_object_length(props), n);
	assert_int_equal(json_object_array_length(req), (size_t)n);
	json_object_put(schema);
	mgmt_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_many_clocks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_schema, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
