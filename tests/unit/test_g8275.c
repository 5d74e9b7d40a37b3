/*
 * tests/unit/test_g8275.c — the telecom profiles' alternate BMCA (ITU-T
 * G.8275.1/G.8275.2 clause 6.3): the data set comparison of Figures 2 and
 * 3 rule by rule (priority1 not compared; clockClass, clockAccuracy,
 * offsetScaledLogVariance, priority2, localPriority; the grandmaster
 * identity only above clockClass 127; the topology part), the state
 * decision with it (a T-GM never slave, a second T-GM of equal quality
 * PASSIVE), and whole clocks: localPriority choosing between two equal
 * masters on two ports, clock_class_threshold, and the same clocks under
 * dataset_comparison ieee1588 choosing otherwise (so the switch is seen
 * to matter).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "tests/unit/bc_net.h"

static struct net net;

static int setup(void **state)
{
	net_init(&net);
	*state = &net;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_free(&net);
	return 0;
}

/* ---- data sets ---- */

static struct clock_identity cid(uint8_t last)
{
	struct clock_identity c = { { 0x00, 0x1b, 0x21, 0xff, 0xfe, 0x00, 0x00,
				      last } };

	return c;
}

static struct port_identity pid(uint8_t clock, uint16_t port)
{
	struct port_identity p = { .clock_identity = cid(clock),
				   .port_number = port };

	return p;
}

/* A T-BC's view of a master: GM 0x50 of class 248, two steps away,
 * received from 0x40-1 on 0x30-1, local priority 128. */
static struct bmca_dataset base(void)
{
	struct bmca_dataset d;

	memset(&d, 0, sizeof(d));
	d.priority1 = 128;
	d.gm_identity = cid(0x50);
	d.gm_quality.clock_class = 248;
	d.gm_quality.clock_accuracy = 0xFE;
	d.gm_quality.offset_scaled_log_variance = 0xFFFF;
	d.priority2 = 128;
	d.steps_removed = 2;
	d.sender = pid(0x40, 1);
	d.receiver = pid(0x30, 1);
	d.local_priority = 128;
	return d;
}

static void a_better(const struct bmca_dataset *a, const struct bmca_dataset *b)
{
	assert_int_equal(bmca_compare_g8275(a, b), BMCA_A_BETTER);
	assert_int_equal(bmca_compare_g8275(b, a), BMCA_B_BETTER);
}

/* b: another grandmaster (0x20, lower identity: better by identity),
 * worse in everything after `level`; a wins at `level` only. */
static void rule_case(int level)
{
	struct bmca_dataset a = base(), b = base();

	b.gm_identity = cid(0x20);
	b.sender = pid(0x41, 1);
	/* a better at exactly one rule, equal before it, worse after it */
	if (level == 0) {
		a.gm_quality.clock_class = 165;
		b.gm_quality.clock_class = 248;
	}
	if (level == 1) {
		a.gm_quality.clock_accuracy = 0x21;
	} else if (level < 1) {
		a.gm_quality.clock_accuracy = 0xFE;
		b.gm_quality.clock_accuracy = 0x20;
	}
	if (level == 2) {
		a.gm_quality.offset_scaled_log_variance = 0x4E5D;
	} else if (level < 2) {
		b.gm_quality.offset_scaled_log_variance = 0x4000;
	}
	if (level == 3) {
		a.priority2 = 100;
	} else if (level < 3) {
		b.priority2 = 1;
	}
	if (level == 4) {
		a.local_priority = 10;
	} else if (level < 4) {
		b.local_priority = 1;
	}
	/* and b is nearer, and better by priority1 (never compared) */
	b.steps_removed = 0;
	b.priority1 = 0;
	a.priority1 = 255;
	a_better(&a, &b);
}

static void test_rules_in_order(void **state)
{
	(void)state;
	for (int level = 0; level <= 4; level++)
		rule_case(level);
}

/* priority1 is not part of the comparison: with everything else equal
 * the lower grandmaster identity wins whatever priority1 says (9.3.4
 * would pick the priority1 1 one). */
static void test_priority1_ignored(void **state)
{
	struct bmca_dataset a = base(), b = base();

	(void)state;
	a.gm_identity = cid(0x10);
	a.priority1 = 255;
	b.priority1 = 1;
	b.sender = pid(0x41, 1);
	a_better(&a, &b);
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
}

/* localPriority comes after priority2 and before the identity: the port
 * with the lower localPriority is preferred between two equal masters. */
static void test_local_priority(void **state)
{
	struct bmca_dataset a = base(), b = base();

	(void)state;
	a.gm_identity = cid(0x90); /* worse identity */
	a.local_priority = 127;
	b.gm_identity = cid(0x10);
	b.sender = pid(0x41, 1);
	b.receiver = pid(0x30, 2);
	a_better(&a, &b);
	/* but priority2 first */
	b.priority2 = 127;
	a_better(&b, &a);
	/* ieee1588 does not look at it */
	b.priority2 = 128;
	assert_int_equal(bmca_compare(&a, &b), BMCA_B_BETTER);
}

/* clockClass 127 or better: two PRTC-locked grandmasters of equal
 * quality are equivalent, the nearer one wins (stepsRemoved), not the
 * lower identity.  Above 127 the identity decides before the distance. */
static void test_class_le_127_by_distance(void **state)
{
	struct bmca_dataset near = base(), far = base();

	(void)state;
	near.gm_quality.clock_class = 6;
	far.gm_quality.clock_class = 6;
	near.gm_identity = cid(0x90);
	far.gm_identity = cid(0x10);
	near.steps_removed = 1;
	far.steps_removed = 4;
	far.sender = pid(0x41, 1);
	a_better(&near, &far);
	/* class 7 (holdover in spec) is still <= 127: the same */
	near.gm_quality.clock_class = 7;
	far.gm_quality.clock_class = 7;
	a_better(&near, &far);
	/* class 135 (T-BC holdover): the identity first */
	near.gm_quality.clock_class = 135;
	far.gm_quality.clock_class = 135;
	a_better(&far, &near);
	/* equal distance at class 6: the sender's port identity decides
	 * (better by topology) */
	near.gm_quality.clock_class = 6;
	far.gm_quality.clock_class = 6;
	far.steps_removed = 1;
	assert_int_equal(bmca_compare_g8275(&near, &far), BMCA_A_BETTER_TOPO);
	assert_int_equal(bmca_compare_g8275(&far, &near), BMCA_B_BETTER_TOPO);
}

/* The same grandmaster: the topology part of 9.3.4, whatever the class. */
static void test_same_gm_topology(void **state)
{
	struct bmca_dataset a = base(), b = base();

	(void)state;
	b.steps_removed = 4;
	b.sender = pid(0x41, 1);
	a_better(&a, &b);
	/* one step apart: the receiver/sender check of the farther one */
	b.steps_removed = 3;
	b.sender = pid(0x99, 1); /* receiver 0x30 below the sender */
	a_better(&a, &b);
	b.sender = pid(0x20, 1); /* receiver above: better by topology */
	assert_int_equal(bmca_compare_g8275(&a, &b), BMCA_A_BETTER_TOPO);
	/* the very same message twice: error-2 */
	assert_int_equal(bmca_compare_g8275(&a, &a), BMCA_EQUAL);
	/* our own message back (receiver == sender): error-1 */
	b = a;
	b.steps_removed = 3;
	b.sender = b.receiver;
	assert_int_equal(bmca_compare_g8275(&a, &b), BMCA_ERROR1);
}

static void test_null(void **state)
{
	struct bmca_dataset a = base();

	(void)state;
	assert_int_equal(bmca_compare_g8275(&a, NULL), BMCA_A_BETTER);
	assert_int_equal(bmca_compare_g8275(NULL, &a), BMCA_B_BETTER);
	assert_int_equal(bmca_compare_g8275(NULL, NULL), BMCA_EQUAL);
}

/* Every pair of a small set: antisymmetric, as a total order must be. */
static void test_antisymmetric(void **state)
{
	struct bmca_dataset s[6];
	static const enum bmca_cmp mirror[] = {
		[BMCA_B_BETTER + 2] = BMCA_A_BETTER,
		[BMCA_B_BETTER_TOPO + 2] = BMCA_A_BETTER_TOPO,
		[BMCA_EQUAL + 2] = BMCA_EQUAL,
		[BMCA_A_BETTER_TOPO + 2] = BMCA_B_BETTER_TOPO,
		[BMCA_A_BETTER + 2] = BMCA_B_BETTER,
	};

	(void)state;
	for (int i = 0; i < 6; i++) {
		s[i] = base();
		s[i].gm_identity = cid((uint8_t)(0x10 + i % 3));
		s[i].gm_quality.clock_class = i < 3 ? 6 : 248;
		s[i].steps_removed = (uint16_t)(i % 2 + 1);
		s[i].sender = pid((uint8_t)(0x40 + i), 1);
		s[i].local_priority = (uint8_t)(100 + i % 2);
	}
	for (int i = 0; i < 6; i++) {
		for (int j = 0; j < 6; j++) {
			enum bmca_cmp r = bmca_compare_g8275(&s[i], &s[j]);
			enum bmca_cmp q = bmca_compare_g8275(&s[j], &s[i]);

			if (i == j) {
				assert_int_equal(r, BMCA_EQUAL);
				continue;
			}
			assert_true(r != BMCA_EQUAL && r != BMCA_ERROR1);
			assert_int_equal(q, mirror[r + 2]);
		}
	}
}

/* ---- the state decision with the alternate comparison ---- */

static struct bmca_dataset d0_of(uint8_t id, uint8_t cls, uint8_t lp)
{
	struct bmca_dataset d = base();

	d.gm_identity = cid(id);
	d.gm_quality.clock_class = cls;
	d.steps_removed = 0;
	d.sender = pid(id, 0);
	d.receiver = pid(id, 0);
	d.local_priority = lp;
	return d;
}

/* Two T-GMs (class 6) hearing each other: neither is ever slave (M1/P1);
 * of equal quality, the one whose identity sorts lower keeps MASTER
 * (better by topology) and the other goes PASSIVE. */
static void test_sd_two_tgms(void **state)
{
	struct bmca_dataset d0 = d0_of(0x30, 6, 128), er = base();

	(void)state;
	er.gm_identity = cid(0x20);
	er.gm_quality.clock_class = 6;
	er.steps_removed = 0;
	er.sender = pid(0x20, 1);
	er.receiver = pid(0x30, 1);
	assert_int_equal(bmca_state_decision_cmp(bmca_compare_g8275, &d0, &er,
						 &er, true, false),
			 BMCA_P1);
	er.gm_identity = cid(0x40);
	er.sender = pid(0x40, 1);
	assert_int_equal(bmca_state_decision_cmp(bmca_compare_g8275, &d0, &er,
						 &er, true, false),
			 BMCA_M1);
	/* a better class heard: still never a slave */
	er.gm_quality.clock_class = 6;
	d0.gm_quality.clock_class = 7;
	assert_int_equal(bmca_state_decision_cmp(bmca_compare_g8275, &d0, &er,
						 &er, true, false),
			 BMCA_P1);
}

/* A T-BC (248) and a master of the same class: defaultDS.localPriority
 * against the port's decides between M2 and S1. */
static void test_sd_d0_local_priority(void **state)
{
	struct bmca_dataset d0 = d0_of(0x90, 248, 128), er = base();

	(void)state;
	er.gm_identity = cid(0x10); /* better identity */
	er.local_priority = 200;
	assert_int_equal(bmca_state_decision_cmp(bmca_compare_g8275, &d0, &er,
						 &er, true, false),
			 BMCA_M2);
	er.local_priority = 100;
	assert_int_equal(bmca_state_decision_cmp(bmca_compare_g8275, &d0, &er,
						 &er, true, false),
			 BMCA_S1);
	/* 9.3.4's comparison ignores both localPriorities: identity */
	er.local_priority = 200;
	assert_int_equal(bmca_state_decision(&d0, &er, &er, true, false),
			 BMCA_S1);
}

/* ---- whole clocks ---- */

/* A two-port T-BC (0x30) between two T-GMs of equal quality (0x10 on
 * segment 0, 0x20 on segment 1, both class 6, priority1 differing):
 * which port becomes its slave port.  The T-GMs are never slaves. */
static int tbc_between(enum bc_dataset_comparison cmp, uint8_t lp0,
		       uint8_t lp1)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	int segs[2] = { 0, 1 }, g1, g2, t;

	net_clock_cfg(&cc, 0x10, 200);
	cc.dataset_comparison = cmp;
	cc.clock_quality.clock_class = 6;
	net_port_cfgs(pc, 1);
	g1 = net_add(&net, &cc, pc, 1, &segs[0], 0);
	net_clock_cfg(&cc, 0x20, 100); /* better priority1 */
	cc.dataset_comparison = cmp;
	cc.clock_quality.clock_class = 6;
	g2 = net_add(&net, &cc, pc, 1, &segs[1], 0);
	net_clock_cfg(&cc, 0x30, 250);
	cc.dataset_comparison = cmp;
	net_port_cfgs(pc, 2);
	pc[0].local_priority = lp0;
	pc[1].local_priority = lp1;
	t = net_add(&net, &cc, pc, 2, segs, 0);
	net_start(&net);
	net_run(&net, 20 * SEC);
	assert_false(net_is_slave_state(net_state(&net, g1, 0)));
	assert_false(net_is_slave_state(net_state(&net, g2, 0)));
	assert_int_equal(net_slave_ports(&net, t), 1);
	return bc_slave_port(net.n[t].bc);
}

static void test_clock_local_priority(void **state)
{
	(void)state;
	/* equal local priorities: equivalent class-6 grandmasters, the
	 * sender's identity decides (0x10, port 0) by topology, so port 1
	 * is PASSIVE (P2), not a master towards 0x20 */
	assert_int_equal(tbc_between(BC_DSCMP_G8275, 128, 128), 0);
	assert_int_equal(net_state(&net, 2, 1), PS_PASSIVE);
	assert_int_equal(net_state(&net, 0, 0), PS_MASTER);
	assert_int_equal(net_state(&net, 1, 0), PS_MASTER);
	net_free(&net);
	net_init(&net);
	/* port 1 preferred by its local priority */
	assert_int_equal(tbc_between(BC_DSCMP_G8275, 128, 50), 1);
	net_free(&net);
	net_init(&net);
	/* ieee1588: priority1 (0x20's 100) wins, localPriority unused;
	 * the other port is a master (M3), and 0x10, which hears the
	 * better 0x20 through it, goes PASSIVE (P1) */
	assert_int_equal(tbc_between(BC_DSCMP_IEEE1588, 50, 128), 1);
	assert_int_equal(net_state(&net, 2, 0), PS_MASTER);
	assert_int_equal(net_state(&net, 0, 0), PS_PASSIVE);
}

/* A reload that changes a port's localPriority moves the slave port. */
static void test_clock_local_priority_reload(void **state)
{
	struct bc_port_cfg pc;
	struct bc_actions act;
	int t = 2;

	(void)state;
	assert_int_equal(tbc_between(BC_DSCMP_G8275, 128, 128), 0);
	pc = *bc_port_config(net.n[t].bc, 1);
	pc.local_priority = 1;
	bc_actions_init(&act);
	assert_int_equal(bc_port_reconfigure(net.n[t].bc, 1, &pc, net.now,
					     &act),
			 0);
	net_actions(&net, t, &act);
	net_run(&net, 20 * SEC);
	assert_int_equal(bc_slave_port(net.n[t].bc), 1);
	assert_int_equal(net_slave_ports(&net, t), 1);
	assert_int_equal(net_state(&net, t, 0), PS_MASTER);
}

/* clock_class_threshold: a grandmaster announced worse than it is not a
 * candidate (dropped as not qualified); at the threshold it is. */
static void test_clock_class_threshold(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc;
	int seg = 0, g, s;

	(void)state;
	net_clock_cfg(&cc, 0x10, 128);
	cc.clock_quality.clock_class = 165;
	net_port_cfgs(&pc, 1);
	g = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_clock_cfg(&cc, 0x30, 128);
	cc.clock_class_threshold = 135;
	cc.clock_quality.clock_class = 255;
	cc.slave_only = true;
	s = net_add(&net, &cc, &pc, 1, &seg, 0);
	net_start(&net);
	net_run(&net, 20 * SEC);
	assert_int_equal(net_state(&net, g, 0), PS_MASTER);
	assert_int_equal(net_state(&net, s, 0), PS_LISTENING);
	assert_true(net_drops(&net, s, 0, BC_DROP_NOT_QUALIFIED) >= 5);
	/* the grandmaster's class comes back to 135: followed */
	{
		struct clock_quality q = bc_default_ds(net.n[g].bc)->clock_quality;
		struct bc_actions act;

		q.clock_class = 135;
		bc_actions_init(&act);
		assert_int_equal(bc_set_clock_quality(net.n[g].bc, &q, net.now,
						      &act),
				 0);
	}
	net_run(&net, 20 * SEC);
	assert_true(net_is_slave_state(net_state(&net, s, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_in_order),
		cmocka_unit_test(test_priority1_ignored),
		cmocka_unit_test(test_local_priority),
		cmocka_unit_test(test_class_le_127_by_distance),
		cmocka_unit_test(test_same_gm_topology),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_antisymmetric),
		cmocka_unit_test(test_sd_two_tgms),
		cmocka_unit_test(test_sd_d0_local_priority),
		cmocka_unit_test_setup_teardown(test_clock_local_priority,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_clock_local_priority_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_class_threshold,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
