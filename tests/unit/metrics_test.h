/*
 * tests/unit/metrics_test.h — what the metrics tests share
 * (test_metrics.c, test_metrics_io.c): the clock identity of the clock
 * under test and a real core of two ports with it.
 */
#ifndef HVPTP_TESTS_METRICS_TEST_H
#define HVPTP_TESTS_METRICS_TEST_H

#include "bc/bc.h"

static const struct clock_identity own_id = {
	{ 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10, 0x01 }
};

/* A core of two ports (eth0, eth1) with clock identity own_id. */
static inline struct bc *make_bc(void)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct bc *bc = NULL;

	bc_clock_cfg_default(&cc);
	cc.clock_identity = own_id;
	bc_port_cfg_default(&pc[0], "eth0");
	bc_port_cfg_default(&pc[1], "eth1");
	assert_int_equal(bc_create(&bc, &cc, pc, 2), 0);
	return bc;
}

#endif
