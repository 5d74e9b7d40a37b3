/*
 * tests/unit/test_bmca.c — the BMCA pieces of bc/bmca.h: the data set
 * comparison (IEEE 1588-2019 9.3.4, Figures 34 and 35) branch by branch,
 * the state decision (9.3.3, Figure 33) for every outcome, and the foreign
 * master table (9.3.2.5 qualification, pruning, overflow).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "common/rng.h"
#include "common/tmv.h"

/* ---- building data sets ---- */

static struct clock_identity cid(uint8_t last)
{
	struct clock_identity c = { { 0x00, 0x1b, 0x21, 0xff, 0xfe, 0x00, 0x00,
				      last } };

	return c;
}

static struct port_identity pid(uint8_t clock, uint16_t port)
{
	struct port_identity p;

	p.clock_identity = cid(clock);
	p.port_number = port;
	return p;
}

/* A middle-of-the-road data set: GM 0x50, received from 0x40-1 on 0x30-1. */
static struct bmca_dataset base_ds(void)
{
	struct bmca_dataset d;

	memset(&d, 0, sizeof(d));
	d.priority1 = 128;
	d.gm_identity = cid(0x50);
	d.gm_quality.clock_class = 100;
	d.gm_quality.clock_accuracy = 0x30;
	d.gm_quality.offset_scaled_log_variance = 0x8000;
	d.priority2 = 128;
	d.steps_removed = 3;
	d.sender = pid(0x40, 1);
	d.receiver = pid(0x30, 1);
	return d;
}

/* a is made worse than b in every GM attribute after the one under test,
 * so that only that attribute can give a its win. */
static void worse_after(struct bmca_dataset *a, int level)
{
	if (level < 1)
		a->gm_quality.clock_class = 200;
	if (level < 2)
		a->gm_quality.clock_accuracy = 0xFE;
	if (level < 3)
		a->gm_quality.offset_scaled_log_variance = 0xFFFF;
	if (level < 4)
		a->priority2 = 255;
	a->gm_identity = cid(0x99); /* b keeps 0x50: lower, better */
}

static void check_both_ways(const struct bmca_dataset *a,
			    const struct bmca_dataset *b)
{
	assert_int_equal(bmca_compare(a, b), BMCA_A_BETTER);
	assert_int_equal(bmca_compare(b, a), BMCA_B_BETTER);
	assert_true(bmca_better(a, b));
	assert_false(bmca_better(b, a));
}

static void test_cmp_priority1(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	worse_after(&a, 0);
	a.priority1 = 127;
	check_both_ways(&a, &b);
	a.priority1 = 129; /* now b is better by priority1 alone */
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
}

static void test_cmp_class(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	worse_after(&a, 1);
	a.gm_quality.clock_class = 99;
	check_both_ways(&a, &b);
	a.gm_quality.clock_class = 101;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
}

static void test_cmp_accuracy(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	worse_after(&a, 2);
	a.gm_quality.clock_accuracy = 0x2F;
	check_both_ways(&a, &b);
	a.gm_quality.clock_accuracy = 0x31;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
}

static void test_cmp_variance(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	worse_after(&a, 3);
	a.gm_quality.offset_scaled_log_variance = 0x7FFF;
	check_both_ways(&a, &b);
	a.gm_quality.offset_scaled_log_variance = 0x8001;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
}

static void test_cmp_priority2(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	worse_after(&a, 4);
	a.priority2 = 127;
	check_both_ways(&a, &b);
	a.priority2 = 129;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
}

static void test_cmp_identity(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	a.gm_identity = cid(0x4F);
	/* topology favours b: must not matter for different GMs */
	a.steps_removed = 200;
	b.steps_removed = 0;
	check_both_ways(&a, &b);
	a.gm_identity = cid(0x51);
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	/* the first octet weighs most */
	a.gm_identity = cid(0x01);
	a.gm_identity.id[0] = 0x01;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
}

/* ---- same grandmaster: Figure 35 ---- */

static void test_cmp_steps_two_or_more(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	/* receiver == sender would be error-1 at a difference of one: at
	 * two or more the receiver/sender check must not run */
	a.receiver = a.sender;
	b.receiver = b.sender;
	a.steps_removed = 5;
	b.steps_removed = 3;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
	a.steps_removed = 1;
	assert_int_equal(bmca_compare(&a, &b), BMCA_A_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_B_BETTER);
	a.steps_removed = 0;
	b.steps_removed = 65535;
	assert_int_equal(bmca_compare(&a, &b), BMCA_A_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_B_BETTER);
}

static void test_cmp_steps_one_a_farther(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	a.steps_removed = 4;
	b.steps_removed = 3;
	/* receiver of A < sender of A: B better */
	a.receiver = pid(0x20, 7);
	a.sender = pid(0x21, 1);
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER);
	/* receiver of A > sender of A: B better by topology */
	a.receiver = pid(0x22, 1);
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER_TOPO);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER_TOPO);
	/* receiver == sender: error-1, both ways */
	a.receiver = a.sender;
	assert_int_equal(bmca_compare(&a, &b), BMCA_ERROR1);
	assert_int_equal(bmca_compare(&b, &a), BMCA_ERROR1);
	assert_false(bmca_better(&a, &b));
	assert_false(bmca_better(&b, &a));
}

static void test_cmp_steps_one_b_farther(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	a.steps_removed = 0;
	b.steps_removed = 1;
	/* b's receiver/sender decide; a's must be ignored */
	a.receiver = a.sender;
	b.receiver = pid(0x10, 2);
	b.sender = pid(0x11, 2);
	assert_int_equal(bmca_compare(&a, &b), BMCA_A_BETTER);
	assert_int_equal(bmca_compare(&b, &a), BMCA_B_BETTER);
	b.receiver = pid(0x12, 2);
	assert_int_equal(bmca_compare(&a, &b), BMCA_A_BETTER_TOPO);
	assert_int_equal(bmca_compare(&b, &a), BMCA_B_BETTER_TOPO);
	assert_true(bmca_better(&a, &b));
	b.receiver = b.sender;
	assert_int_equal(bmca_compare(&a, &b), BMCA_ERROR1);
	assert_int_equal(bmca_compare(&b, &a), BMCA_ERROR1);
}

static void test_cmp_steps_equal(void **state)
{
	struct bmca_dataset a = base_ds(), b = base_ds();

	(void)state;
	/* sender clock identity decides */
	a.sender = pid(0x40, 9);
	b.sender = pid(0x41, 1);
	b.receiver.port_number = 1;
	a.receiver.port_number = 9;
	assert_int_equal(bmca_compare(&a, &b), BMCA_A_BETTER_TOPO);
	assert_int_equal(bmca_compare(&b, &a), BMCA_B_BETTER_TOPO);
	/* same sender clock: sender port number decides */
	b.sender = pid(0x40, 8);
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER_TOPO);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER_TOPO);
	/* same sender: the receiver's port number decides (its clock
	 * identity does not: both are this clock's ports) */
	b.sender = a.sender;
	b.receiver = pid(0x77, 2);
	a.receiver = pid(0x30, 3);
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER_TOPO);
	assert_int_equal(bmca_compare(&b, &a), BMCA_A_BETTER_TOPO);
	/* everything equal: error-2, reported as EQUAL */
	b.receiver.port_number = 3;
	assert_int_equal(bmca_compare(&a, &b), BMCA_EQUAL);
	assert_int_equal(bmca_compare(&a, &a), BMCA_EQUAL);
	assert_false(bmca_better(&a, &b));
}

static void test_cmp_null(void **state)
{
	struct bmca_dataset a = base_ds();

	(void)state;
	assert_int_equal(bmca_compare(&a, NULL), BMCA_A_BETTER);
	assert_int_equal(bmca_compare(NULL, &a), BMCA_B_BETTER);
	assert_int_equal(bmca_compare(NULL, NULL), BMCA_EQUAL);
	assert_true(bmca_better(&a, NULL));
	assert_false(bmca_better(NULL, &a));
	assert_false(bmca_better(NULL, NULL));
}

/* Random data sets over small ranges, so that ties (and the same GM)
 * happen often and every branch is visited. */
static void random_ds(struct cm_rng *r, struct bmca_dataset *d)
{
	memset(d, 0, sizeof(*d));
	d->priority1 = (uint8_t)(127 + cm_rng_below(r, 3));
	d->gm_quality.clock_class = (uint8_t)(6 + cm_rng_below(r, 2));
	d->gm_quality.clock_accuracy = (uint8_t)(0x20 + cm_rng_below(r, 2));
	d->gm_quality.offset_scaled_log_variance =
		(uint16_t)(0x4000 + cm_rng_below(r, 2));
	d->priority2 = (uint8_t)(127 + cm_rng_below(r, 2));
	d->gm_identity = cid((uint8_t)cm_rng_below(r, 2));
	d->steps_removed = (uint16_t)cm_rng_below(r, 4);
	d->sender = pid((uint8_t)cm_rng_below(r, 3),
			(uint16_t)(1 + cm_rng_below(r, 2)));
	d->receiver = pid((uint8_t)cm_rng_below(r, 3),
			  (uint16_t)(1 + cm_rng_below(r, 2)));
}

static void test_cmp_antisymmetric(void **state)
{
	int seen[6] = { 0 };
	struct cm_rng r;

	(void)state;
	cm_rng_seed(&r, 1588);
	for (int i = 0; i < 5000; i++) {
		struct bmca_dataset a, b;
		enum bmca_cmp ab, ba;

		random_ds(&r, &a);
		random_ds(&r, &b);
		ab = bmca_compare(&a, &b);
		ba = bmca_compare(&b, &a);
		if (ab == BMCA_ERROR1 || ba == BMCA_ERROR1) {
			/* the same data set decides both ways */
			assert_int_equal(ab, ba);
			seen[5]++;
			continue;
		}
		assert_int_equal((int)ab, -(int)ba);
		seen[ab + 2]++;
		/* a data set is never better than itself */
		assert_int_equal(bmca_compare(&a, &a), BMCA_EQUAL);
	}
	for (int i = 0; i < 6; i++)
		assert_true(seen[i] > 0); /* every result was produced */
}

/* ---- state decision (Figure 33) ---- */

static struct bmca_dataset d0_ds(uint8_t clock_class)
{
	struct bmca_dataset d = base_ds();

	d.gm_identity = cid(0x60);
	d.gm_quality.clock_class = clock_class;
	d.steps_removed = 0;
	d.sender = pid(0x60, 0);
	d.receiver = pid(0x60, 0);
	return d;
}

static void test_sd_none(void **state)
{
	struct bmca_dataset d0 = d0_ds(248), e = base_ds();

	(void)state;
	assert_int_equal(bmca_state_decision(&d0, NULL, NULL, false, true),
			 BMCA_NONE);
	/* no Erbest but Ebest elsewhere: still NONE while LISTENING */
	assert_int_equal(bmca_state_decision(&d0, &e, NULL, false, true),
			 BMCA_NONE);
	/* a class 6 clock remains LISTENING too */
	d0 = d0_ds(6);
	assert_int_equal(bmca_state_decision(&d0, NULL, NULL, false, true),
			 BMCA_NONE);
}

static void test_sd_class_le_127(void **state)
{
	struct bmca_dataset d0 = d0_ds(127), er = base_ds();

	(void)state;
	/* D0 (class 127) better than Erbest (class 128) */
	er.gm_quality.clock_class = 128;
	assert_int_equal(bmca_state_decision(&d0, &er, &er, true, false),
			 BMCA_M1);
	assert_int_equal(bmca_state_decision(&d0, &er, &er, true, true),
			 BMCA_M1);
	/* no Erbest, not listening: M1 */
	assert_int_equal(bmca_state_decision(&d0, &er, NULL, false, false),
			 BMCA_M1);
	/* Erbest better: P1, even when Ebest was received here (never S1) */
	er.gm_quality.clock_class = 100;
	assert_int_equal(bmca_state_decision(&d0, &er, &er, true, false),
			 BMCA_P1);
	/* class 1 (lowest) behaves the same */
	d0 = d0_ds(1);
	assert_int_equal(bmca_state_decision(&d0, &er, &er, true, false),
			 BMCA_M1);
	/* class 128 is not in 1..127: the M2/S1 branch */
	d0 = d0_ds(128);
	assert_int_equal(bmca_state_decision(&d0, &er, &er, true, false),
			 BMCA_S1);
}

static void test_sd_m2(void **state)
{
	struct bmca_dataset d0 = d0_ds(248), e = base_ds();

	(void)state;
	d0.priority1 = 1;
	assert_int_equal(bmca_state_decision(&d0, &e, &e, true, false),
			 BMCA_M2);
	assert_int_equal(bmca_state_decision(&d0, &e, NULL, false, false),
			 BMCA_M2);
	/* nothing anywhere, not listening: M2 */
	assert_int_equal(bmca_state_decision(&d0, NULL, NULL, false, false),
			 BMCA_M2);
}

static void test_sd_s1(void **state)
{
	struct bmca_dataset d0 = d0_ds(248), e = base_ds();

	(void)state;
	assert_int_equal(bmca_state_decision(&d0, &e, &e, true, false),
			 BMCA_S1);
	assert_int_equal(bmca_state_decision(&d0, &e, &e, true, true),
			 BMCA_S1);
}

static void test_sd_p2_m3(void **state)
{
	struct bmca_dataset d0 = d0_ds(248), eb = base_ds(), er = base_ds();

	(void)state;
	/* same GM and sender, Erbest on our port 2, Ebest on port 1:
	 * Ebest better by topology -> P2 */
	eb.receiver = pid(0x60, 1);
	er.receiver = pid(0x60, 2);
	assert_int_equal(bmca_compare(&eb, &er), BMCA_A_BETTER_TOPO);
	assert_int_equal(bmca_state_decision(&d0, &eb, &er, false, false),
			 BMCA_P2);
	/* Erbest two steps farther: Ebest plainly better -> M3 */
	er.steps_removed = (uint16_t)(eb.steps_removed + 2);
	assert_int_equal(bmca_state_decision(&d0, &eb, &er, false, false),
			 BMCA_M3);
	/* Erbest from a worse grandmaster -> M3 */
	er = base_ds();
	er.gm_identity = cid(0x70);
	er.receiver = pid(0x60, 2);
	assert_int_equal(bmca_state_decision(&d0, &eb, &er, false, false),
			 BMCA_M3);
	/* no Erbest on a port that is not listening -> M3 */
	assert_int_equal(bmca_state_decision(&d0, &eb, NULL, false, false),
			 BMCA_M3);
}

static void test_sd_names(void **state)
{
	(void)state;
	assert_string_equal(bmca_decision_name(BMCA_NONE), "none");
	assert_string_equal(bmca_decision_name(BMCA_M1), "M1");
	assert_string_equal(bmca_decision_name(BMCA_P2), "P2");
	assert_string_equal(bmca_decision_name(BMCA_S1), "S1");
	assert_string_equal(bmca_decision_name((enum bmca_decision)99), "?");
}

/* ---- foreign master table ---- */

#define SEC NS_PER_SEC

static struct ptp_msg announce_from(uint8_t clock, int8_t log_interval)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = PTP_MSG_ANNOUNCE;
	m.hdr.version = 2;
	m.hdr.source_port_identity = pid(clock, 1);
	m.hdr.log_msg_interval = log_interval;
	m.body.announce.gm_identity = cid(clock);
	m.body.announce.gm_priority1 = 128;
	m.body.announce.steps_removed = 0;
	return m;
}

static struct fm_record *add(struct fm_table *t, const struct ptp_msg *m,
			     int64_t now, bool expect_new)
{
	bool is_new = !expect_new;
	struct fm_record *r = fm_add(t, m, NULL, now, &is_new);

	assert_non_null(r);
	assert_int_equal(is_new, expect_new);
	return r;
}

static void test_fm_qualification(void **state)
{
	struct ptp_msg m = announce_from(0x10, 1);
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	fm_init(&t, 2, 4);
	r = add(&t, &m, 100 * SEC, true);
	assert_false(fm_qualified(&t, r, 100 * SEC, 1));
	r = add(&t, &m, 102 * SEC, false);
	assert_true(fm_qualified(&t, r, 102 * SEC, 1));
	/* window: 4 intervals of 2 s = 8 s after the older receipt */
	assert_true(fm_qualified(&t, r, 108 * SEC, 1));
	assert_false(fm_qualified(&t, r, 108 * SEC + 1, 1));
	/* two receipts more than the window apart do not qualify */
	fm_init(&t, 2, 4);
	r = add(&t, &m, 100 * SEC, true);
	r = add(&t, &m, 108 * SEC + 1, false);
	assert_false(fm_qualified(&t, r, 108 * SEC + 1, 1));
	/* exactly at the edge they do */
	fm_init(&t, 2, 4);
	r = add(&t, &m, 100 * SEC, true);
	r = add(&t, &m, 108 * SEC, false);
	assert_true(fm_qualified(&t, r, 108 * SEC, 1));
}

static void test_fm_threshold(void **state)
{
	struct ptp_msg m = announce_from(0x10, 0);
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	fm_init(&t, 3, 4);
	r = add(&t, &m, 10 * SEC, true);
	r = add(&t, &m, 11 * SEC, false);
	assert_false(fm_qualified(&t, r, 11 * SEC, 0));
	r = add(&t, &m, 12 * SEC, false);
	assert_true(fm_qualified(&t, r, 12 * SEC, 0));
	/* the oldest of three leaves the 4 s window at 14 s */
	assert_false(fm_qualified(&t, r, 14 * SEC + 1, 0));
	/* fm_init clamps its arguments */
	fm_init(&t, 0, 0);
	assert_int_equal(t.threshold, 1);
	assert_int_equal(t.window, 4);
	r = add(&t, &m, 1, true);
	assert_true(fm_qualified(&t, r, 1, 0));
	fm_init(&t, 200, 9);
	assert_int_equal(t.threshold, BMCA_MAX_THRESHOLD);
	assert_int_equal(t.window, 9);
}

static void test_fm_prune(void **state)
{
	struct ptp_msg a = announce_from(0x10, 1), b = announce_from(0x11, 1);
	struct fm_table t;

	(void)state;
	fm_init(&t, 2, 4);
	add(&t, &a, 100 * SEC, true);
	add(&t, &b, 104 * SEC, true);
	fm_prune(&t, 108 * SEC, 1);
	assert_non_null(fm_find(&t, &a.hdr.source_port_identity));
	fm_prune(&t, 108 * SEC + 1, 1);
	assert_null(fm_find(&t, &a.hdr.source_port_identity));
	assert_non_null(fm_find(&t, &b.hdr.source_port_identity));
	fm_prune(&t, 112 * SEC + 1, 1);
	assert_null(fm_find(&t, &b.hdr.source_port_identity));
	/* a pruned sender is new again */
	add(&t, &a, 120 * SEC, true);
}

static void test_fm_sender_interval(void **state)
{
	struct ptp_msg slow = announce_from(0x10, 3); /* 8 s announces */
	struct ptp_msg fast = announce_from(0x11, -3);
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	fm_init(&t, 2, 4);
	/* port interval 2 s (window 8 s); the sender's 8 s gives 32 s */
	r = add(&t, &slow, 100 * SEC, true);
	r = add(&t, &slow, 120 * SEC, false);
	assert_true(fm_qualified(&t, r, 120 * SEC, 1));
	assert_true(fm_qualified(&t, r, 132 * SEC, 1));
	assert_false(fm_qualified(&t, r, 132 * SEC + 1, 1));
	fm_prune(&t, 150 * SEC, 1);
	assert_non_null(fm_find(&t, &slow.hdr.source_port_identity));
	fm_prune(&t, 152 * SEC + 1, 1);
	assert_null(fm_find(&t, &slow.hdr.source_port_identity));
	/* a faster sender does not shrink the port's window */
	r = add(&t, &fast, 200 * SEC, true);
	r = add(&t, &fast, 207 * SEC, false);
	assert_true(fm_qualified(&t, r, 208 * SEC, 1));
	/* the same slow sender judged without its own interval */
	slow.hdr.log_msg_interval = 0;
	r = add(&t, &slow, 300 * SEC, true);
	r = add(&t, &slow, 320 * SEC, false);
	assert_false(fm_qualified(&t, r, 320 * SEC, 1));
	/* absurd intervals (0x7F) are ignored, not trusted */
	slow.hdr.log_msg_interval = 0x7F;
	r = add(&t, &slow, 400 * SEC, false);
	r = add(&t, &slow, 420 * SEC, false);
	assert_false(fm_qualified(&t, r, 420 * SEC, 1));
}

static void test_fm_full(void **state)
{
	struct ptp_msg m;
	struct fm_table t;
	bool is_new = false;

	(void)state;
	fm_init(&t, 2, 4);
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		m = announce_from((uint8_t)(0x10 + i), 1);
		add(&t, &m, SEC, true);
	}
	assert_int_equal(t.overflows, 0);
	m = announce_from(0x80, 1);
	assert_null(fm_add(&t, &m, NULL, SEC, &is_new));
	assert_true(is_new);
	assert_int_equal(t.overflows, 1);
	assert_null(fm_find(&t, &m.hdr.source_port_identity));
	/* known senders still update */
	m = announce_from(0x10, 1);
	add(&t, &m, 2 * SEC, false);
	assert_int_equal(t.overflows, 1);
	/* removing one makes room */
	fm_remove(&t, &m.hdr.source_port_identity);
	assert_null(fm_find(&t, &m.hdr.source_port_identity));
	m = announce_from(0x80, 1);
	add(&t, &m, 3 * SEC, true);
	assert_int_equal(t.overflows, 1);
	/* fm_clear empties everything */
	fm_clear(&t);
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++)
		assert_false(t.rec[i].used);
}

static struct bc_addr ip4(uint8_t last)
{
	struct bc_addr a = { .len = 4, .data = { 10, 0, 0, last } };

	return a;
}

static int addr_records(const struct fm_table *t, const struct bc_addr *a)
{
	int n = 0;

	for (int i = 0; i < BMCA_MAX_FOREIGN; i++)
		n += t->rec[i].used && t->rec[i].addr.len == a->len &&
		     !memcmp(t->rec[i].addr.data, a->data, a->len);
	return n;
}

/* A flood of Announces from 5000 identities of one host, 100 per
 * announce interval of the real grandmaster (another host): the
 * grandmaster is recorded and qualifies (two receipts inside the
 * window), the flooding host never holds more than
 * BMCA_MAX_FOREIGN_PER_ADDR records, and its records were given up
 * (evictions), not the grandmaster's.  A master announcing from the
 * flooding host's own address keeps its record too. */
static void test_fm_flood_one_host(void **state)
{
	struct bc_addr flood = ip4(66), gm = ip4(1);
	struct ptp_msg m, g = announce_from(0x01, 0), own = announce_from(0x02, 0);
	struct fm_table t;
	struct fm_record *r;
	bool is_new;
	int64_t now = SEC;

	(void)state;
	fm_init(&t, 2, 4);
	own.hdr.source_port_identity = pid(0x02, 9);
	fm_add(&t, &own, &flood, now, &is_new);
	fm_add(&t, &own, &flood, now + 1, &is_new);
	for (int i = 0; i < 5000; i++) {
		now += SEC / 100;
		m = announce_from(0x40, 0);
		m.hdr.source_port_identity.clock_identity.id[6] = (uint8_t)(i >> 8);
		m.hdr.source_port_identity.clock_identity.id[7] = (uint8_t)i;
		fm_add(&t, &m, &flood, now, &is_new);
		if (i % 100 == 50)
			assert_non_null(fm_add(&t, &g, &gm, now, &is_new));
		if (i % 1000 == 999)
			assert_non_null(fm_add(&t, &own, &flood, now, &is_new));
		assert_true(addr_records(&t, &flood) <= BMCA_MAX_FOREIGN_PER_ADDR);
	}
	r = fm_find(&t, &g.hdr.source_port_identity);
	assert_non_null(r);
	assert_true(fm_qualified(&t, r, now, 0));
	assert_non_null(fm_find(&t, &own.hdr.source_port_identity));
	assert_true(t.evictions >= 4990);
	assert_int_equal(t.overflows, 0);
}

/* A full table of single records from 16 hosts: a newcomer from a 17th
 * is dropped as before (nothing to give up).  With one host holding two
 * records, a newcomer from a new host takes that host's older record
 * heard once. */
static void test_fm_full_many_hosts(void **state)
{
	struct ptp_msg m;
	struct fm_table t;
	struct bc_addr a;
	bool is_new;

	(void)state;
	fm_init(&t, 2, 4);
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		m = announce_from((uint8_t)(0x10 + i), 0);
		a = ip4((uint8_t)(i + 1));
		assert_non_null(fm_add(&t, &m, &a, SEC + i, &is_new));
	}
	m = announce_from(0x80, 0);
	a = ip4(200);
	assert_null(fm_add(&t, &m, &a, 2 * SEC, &is_new));
	assert_int_equal(t.overflows, 1);
	assert_int_equal(t.evictions, 0);
	/* host 2 gives its slot to a second identity of host 1 */
	m = announce_from(0x11, 0);
	fm_remove(&t, &m.hdr.source_port_identity);
	m = announce_from(0x81, 0);
	a = ip4(1);
	assert_non_null(fm_add(&t, &m, &a, 3 * SEC, &is_new));
	/* a new host now takes host 1's older record (0x10, heard once) */
	m = announce_from(0x82, 0);
	a = ip4(201);
	assert_non_null(fm_add(&t, &m, &a, 4 * SEC, &is_new));
	assert_int_equal(t.evictions, 1);
	assert_int_equal(t.overflows, 1);
	m = announce_from(0x10, 0);
	assert_null(fm_find(&t, &m.hdr.source_port_identity));
	m = announce_from(0x81, 0);
	assert_non_null(fm_find(&t, &m.hdr.source_port_identity));
}

static void test_fm_remove_dataset(void **state)
{
	struct ptp_msg m = announce_from(0x10, 1);
	struct port_identity rx = pid(0x99, 3), other = pid(0x10, 2);
	struct bmca_dataset d;
	struct fm_table t;
	struct fm_record *r;
	bool is_new;

	(void)state;
	fm_init(&t, 2, 4);
	m.body.announce.gm_identity = cid(0x05);
	m.body.announce.gm_priority1 = 7;
	m.body.announce.gm_priority2 = 9;
	m.body.announce.gm_clock_quality.clock_class = 6;
	m.body.announce.steps_removed = 4;
	r = fm_add(&t, &m, NULL, SEC, &is_new);
	assert_non_null(r);
	fm_dataset(r, &rx, &d);
	assert_int_equal(d.priority1, 7);
	assert_int_equal(d.priority2, 9);
	assert_int_equal(d.gm_quality.clock_class, 6);
	assert_int_equal(d.steps_removed, 4);
	assert_memory_equal(&d.gm_identity, &m.body.announce.gm_identity, 8);
	assert_true(port_identity_eq(&d.sender, &m.hdr.source_port_identity));
	assert_true(port_identity_eq(&d.receiver, &rx));
	/* removing an unknown sender (same clock, other port) is harmless */
	fm_remove(&t, &other);
	assert_non_null(fm_find(&t, &m.hdr.source_port_identity));
	fm_remove(&t, &m.hdr.source_port_identity);
	assert_null(fm_find(&t, &m.hdr.source_port_identity));
	fm_remove(&t, &m.hdr.source_port_identity);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp_priority1),
		cmocka_unit_test(test_cmp_class),
		cmocka_unit_test(test_cmp_accuracy),
		cmocka_unit_test(test_cmp_variance),
		cmocka_unit_test(test_cmp_priority2),
		cmocka_unit_test(test_cmp_identity),
		cmocka_unit_test(test_cmp_steps_two_or_more),
		cmocka_unit_test(test_cmp_steps_one_a_farther),
		cmocka_unit_test(test_cmp_steps_one_b_farther),
		cmocka_unit_test(test_cmp_steps_equal),
		cmocka_unit_test(test_cmp_null),
		cmocka_unit_test(test_cmp_antisymmetric),
		cmocka_unit_test(test_sd_none),
		cmocka_unit_test(test_sd_class_le_127),
		cmocka_unit_test(test_sd_m2),
		cmocka_unit_test(test_sd_s1),
		cmocka_unit_test(test_sd_p2_m3),
		cmocka_unit_test(test_sd_names),
		cmocka_unit_test(test_fm_qualification),
		cmocka_unit_test(test_fm_threshold),
		cmocka_unit_test(test_fm_prune),
		cmocka_unit_test(test_fm_sender_interval),
		cmocka_unit_test(test_fm_full),
		cmocka_unit_test(test_fm_flood_one_host),
		cmocka_unit_test(test_fm_full_many_hosts),
		cmocka_unit_test(test_fm_remove_dataset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
