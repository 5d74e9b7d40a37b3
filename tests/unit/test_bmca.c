/*
 * tests/unit/test_bmca.c — the BMCA pieces of bc/bmca.h: the data set
 * comparison (IEEE 1588-2019 9.3.4, Figures 34 and 35) branch by branch,
 * and the state decision (9.3.3, Figure 33) for every outcome.  The foreign
 * master table is tested in test_fm.c.
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
