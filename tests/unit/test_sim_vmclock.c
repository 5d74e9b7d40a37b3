/*
 * tests/unit/test_sim_vmclock.c — the simulator's vmclock page
 * (sim/sim_vmclock.c): a host's TSC counted from its oscillator at its
 * nominal rate, the paired readings around CLOCK_REALTIME, and a
 * reader's true error from the page at the TSC of the instant.
 *
 * The model files are compiled into this test (as test_sim_clock.c
 * does); the event loop and the node are stood in for by sim_push and
 * sim_node_mono below, which record instead of scheduling.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_clock.c"
#include "sim/sim_rand.c"
#include "sim/sim_vmclock.c"

#define NS 1000000000LL

static int pushed;
static struct sim_ev last_ev;

int sim_push(struct sim *s, const struct sim_ev *ev)
{
	(void)s;
	pushed++;
	last_ev = *ev;
	return 0;
}

int64_t sim_node_mono(const struct sim_node *n)
{
	return n->sim->now + SIM_MONO_BASE_NS;
}

static struct sim sim;
static struct sim_node nodes[3]; /* gm, host, reader */

/* A grandmaster whose clock is true TAI, a host with a TSC (offset,
 * frequency error given) and a system clock on UTC, a reader. */
static void world(double tsc_freq, double tsc_offset_ns)
{
	memset(&sim, 0, sizeof(sim));
	memset(nodes, 0, sizeof(nodes));
	sim.nodes = nodes;
	sim.nnodes = 3;
	sim.seed = 1;
	sim.duration_ns = 100 * NS;
	for (int i = 0; i < 3; i++) {
		nodes[i].sim = &sim;
		nodes[i].index = i;
		sim_clock_model_default(&nodes[i].sys_cm);
		sim_clock_init(&nodes[i].clocks[0], &nodes[i].sys_cm,
			       SIM_EPOCH_NS, 1);
	}
	nodes[1].sys = 1;
	sim_clock_init(&nodes[1].clocks[1], &nodes[1].sys_cm,
		       SIM_EPOCH_NS - 37 * NS, 2);
	sim_clock_model_default(&nodes[1].tsc_cm);
	nodes[1].tsc_cm.freq = tsc_freq;
	nodes[1].tsc_cm.offset_ns = tsc_offset_ns;
	sim_readmodel_default(&nodes[1].tsc_rd);
	nodes[1].tsc_rd.delay_ns = 30;
	nodes[1].tsc_rd.jitter_ns = 0.0;
	nodes[1].tsc_hz = 2500000000ULL;
	nodes[1].vmc_on = true;
	sim_vmclock_host(&sim, &nodes[1]);
	nodes[2].vmreader = true;
	nodes[2].host = 1;
	nodes[2].vmc_last = -1;
}

/* Counts: 2.5 per ns from a boot SIM_MONO_BASE_NS before t = 0, floored;
 * a frequency error scales them; an offset moves the boot. */
static void test_tsc_count(void **state)
{
	(void)state;
	world(0.0, 0.0);
	assert_int_equal(tsc_at(&nodes[1], 0), 2500000000000ULL);
	assert_int_equal(tsc_at(&nodes[1], 1), 2500000000002ULL);
	assert_int_equal(tsc_at(&nodes[1], 2), 2500000000005ULL);
	assert_int_equal(tsc_at(&nodes[1], NS), 2502500000000ULL);
	world(40e-6, 0.0);
	assert_int_equal(tsc_at(&nodes[1], NS) - tsc_at(&nodes[1], 0),
			 2500100000ULL);
	world(0.0, 4.0 * NS);
	assert_int_equal(tsc_at(&nodes[1], 0), 2510000000000ULL);
}

/* A pair: the TSC 15 ns (37.5 counts, floored) before and after the
 * clock's reading without jitter, around the TSC at the instant;
 * asymmetry moves both reads earlier; the clock is CLOCK_REALTIME (UTC)
 * read whole. */
static void test_pairs(void **state)
{
	struct vm_vmclock_pair p[3];
	uint64_t c;

	(void)state;
	world(0.0, 0.0);
	sim.now = 5 * NS;
	c = tsc_at(&nodes[1], sim.now);
	assert_int_equal(tsc_pairs(&nodes[1], p, 3), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(p[i].before, c - 38);
		assert_int_equal(p[i].after, c + 37);
		assert_int_equal(p[i].clock_ns,
				 SIM_EPOCH_NS - 37 * NS + 5 * NS);
	}
	nodes[1].tsc_rd.asym_ns = 8; /* 20 counts */
	assert_int_equal(tsc_pairs(&nodes[1], p, 1), 0);
	assert_int_equal(p[0].before, c - 38 - 20);
	assert_int_equal(p[0].after, c + 37 - 20);
	/* jitter widens windows, each half by its own latency */
	nodes[1].tsc_rd.asym_ns = 0;
	nodes[1].tsc_rd.jitter_ns = 100.0;
	assert_int_equal(tsc_pairs(&nodes[1], p, 3), 0);
	assert_true(p[0].after - p[0].before > 75 ||
		    p[1].after - p[1].before > 75);
}

/* A page of a relation (TAI at a TSC value, period) as the daemon fills
 * it. */
static void page(double err_ns, double period_err, uint8_t status,
		 uint64_t marker)
{
	struct sim_node *h = &nodes[1];
	struct vm_vmclock_rel r = { 0 };
	struct vm_vmclock_pub pub = { .clock_status = status,
				      .disruption_marker = marker,
				      .tai_offset_s = 37,
				      .tai_offset_valid = true };
	struct vm_vmclock_abi c = h->vmc_page;
	double fg;
	int64_t tai = sim_clock_read(&nodes[0].clocks[0], sim.now, &fg);

	pub.time_esterror_ns = pub.time_maxerror_ns = -1.0;
	pub.period_esterror_ns = pub.period_maxerror_ns = -1.0;
	r.counter = tsc_at(h, sim.now);
	r.tai_ns = tai + (int64_t)err_ns;
	r.period_ns = 0.4 * (1.0 + period_err);
	r.n = 2;
	assert_int_equal(vm_vmclock_fill(&c, &r, &pub), 0);
	c.clock_status = status;
	c.disruption_marker = marker;
	vm_vmclock_write(&h->vmc_page, &c);
}

/* The reader: no time before the page has a period (not measured); the
 * page's error at the TSC of the instant, within the rounding of the
 * TSC's count (0.4 ns); locked only while SYNCHRONIZED; a new
 * disruption_marker is a step; the page's frequency error through the
 * period. */
static void test_reader(void **state)
{
	struct sim_pt pt;

	(void)state;
	world(0.0, 0.0);
	sim.now = 10 * NS;
	memset(&pt, 0, sizeof(pt));
	sim_vmclock_sample(&sim, &nodes[2], &nodes[0], true, &pt);
	assert_false(pt.flags & SIM_PT_VALID);
	page(250.0, 0.0, VM_VMCLOCK_STATUS_INITIALIZING, 5);
	sim.now += NS / 4;
	memset(&pt, 0, sizeof(pt));
	sim_vmclock_sample(&sim, &nodes[2], &nodes[0], true, &pt);
	assert_true(pt.flags & SIM_PT_VALID);
	assert_false(pt.flags & SIM_PT_SERVO_LOCKED);
	assert_true(fabs(pt.err_ns - 250.0) <= 1.0);
	assert_int_equal(pt.steps, 0);
	assert_true(fabs(pt.ferr_ppb) <= 0.01);
	assert_string_equal(sim_vmclock_status(&nodes[2]), "initializing");
	page(-40.0, 1e-6, VM_VMCLOCK_STATUS_SYNCHRONIZED, 6);
	sim.now += NS;
	memset(&pt, 0, sizeof(pt));
	sim_vmclock_sample(&sim, &nodes[2], &nodes[0], true, &pt);
	assert_true(pt.flags & SIM_PT_SERVO_LOCKED);
	assert_int_equal(pt.steps, 1);
	/* 1 s at a period 1 ppm long: 1000 ns more */
	assert_true(fabs(pt.err_ns - (-40.0 + 1000.0)) <= 1.0);
	assert_true(fabs(pt.ferr_ppb - 1000.0) <= 0.1);
	/* a grandmaster keeping UTC: the page's TAI less its TAI - UTC */
	memset(&pt, 0, sizeof(pt));
	sim_vmclock_sample(&sim, &nodes[2], &nodes[0], false, &pt);
	assert_true(fabs(pt.err_ns - (960.0 - 37e9)) <= 1.0);
}

/* The publisher ticks from its daemon's start at vmclock_rate, only in
 * its epoch; stopped, the page says UNRELIABLE without bounds. */
static void test_publisher_life(void **state)
{
	struct sim_node *h = &nodes[1];

	(void)state;
	world(0.0, 0.0);
	h->set.vmclock_rate = 4;
	h->epoch = 3;
	pushed = 0;
	sim_vmclock_start(h);
	assert_int_equal(pushed, 1);
	assert_int_equal(last_ev.kind, SIM_EV_VMCLOCK);
	assert_int_equal(last_ev.gen, 3);
	assert_int_equal(h->vmc.marker, 1);
	page(0.0, 0.0, VM_VMCLOCK_STATUS_SYNCHRONIZED, 1);
	h->vmc_page.flags |= VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID;
	sim_vmclock_stop(h);
	assert_int_equal(h->vmc_page.clock_status,
			 VM_VMCLOCK_STATUS_UNRELIABLE);
	assert_false(h->vmc_page.flags & VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID);
	/* a tick of another epoch (the daemon restarted) does nothing */
	h->up = true;
	last_ev.gen = 2;
	pushed = 0;
	sim_vmclock_tick(h, &last_ev);
	assert_int_equal(pushed, 0);
	/* restarted: the marker one further */
	sim_vmclock_start(h);
	assert_int_equal(h->vmc.marker, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsc_count),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_publisher_life),
	};

	cm_log_set_level(CM_LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
