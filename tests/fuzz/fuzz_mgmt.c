/*
 * tests/fuzz/fuzz_mgmt.c — libFuzzer target for management (bc/mgmt.h).
 *
 * One 3-port clock lives across inputs (SETs change it, as they would in a
 * daemon).  The first input octet chooses the way in: a local client on
 * the read-write or the read-only socket (bc_mgmt, with the continuation
 * of bc_mgmt_resume when the action list fills), or a PTP port
 * (bc_port_rx).  For every input:
 *  - the return value is one of the documented ones;
 *  - the action list never overflows (management checks for room);
 *  - every message queued is a Management message that bc_mgmt_parse
 *    accepts, with a RESPONSE/ACKNOWLEDGE action when it answers a local
 *    client (port -1), and local answers only ever use port -1;
 *  - priority1 changes only through the read-write way.
 * Any violation traps.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bc/bc.h"
#include "bc/mgmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

static struct bc *fuzz_bc;
static struct bc_actions out;

static void fuzz_init(void)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[3];
	struct bc_actions a;
	static const char *names[3] = { "eth0", "eth1", "eth2" };

	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 0x02;
	cc.clock_identity.id[7] = 0x01;
	for (int i = 0; i < 3; i++)
		bc_port_cfg_default(&pc[i], names[i]);
	CHECK(bc_create(&fuzz_bc, &cc, pc, 3) == 0);
	bc_actions_init(&a);
	bc_start(fuzz_bc, 1, &a);
}

static void check_answers(bool local)
{
	CHECK(!out.overflow);
	for (int i = 0; i < out.n; i++) {
		const struct bc_action *a = &out.a[i];
		struct bc_mgmt_req r;

		if (a->type != BC_ACT_SEND_GENERAL)
			continue;
		CHECK(a->u.send.msg_type == PTP_MSG_MANAGEMENT);
		CHECK(bc_mgmt_parse(bc_action_buf(&out, a), a->u.send.len, &r,
				    NULL) == 0);
		CHECK(local == (a->port == -1));
		if (local)
			CHECK(r.mgmt.action == PTP_MGMT_RESPONSE ||
			      r.mgmt.action == PTP_MGMT_ACKNOWLEDGE);
	}
}

static void fuzz_local(const uint8_t *data, size_t size, bool ro)
{
	uint8_t prio = bc_default_ds(fuzz_bc)->priority1;
	struct bc_mgmt_req r;
	int next = 0, err, rounds = 0;

	bc_actions_init(&out);
	err = bc_mgmt(fuzz_bc, data, size, ro, 1, &out);
	CHECK(err == 0 || err == -EBADMSG || err == -ENOBUFS);
	check_answers(true);
	if (err == -ENOBUFS) {
		CHECK(bc_mgmt_parse(data, size, &r, NULL) == 0);
		do {
			bc_actions_init(&out);
			err = bc_mgmt_resume(fuzz_bc, &r, ro, &next, 1, &out);
			check_answers(true);
		} while (err == -ENOBUFS && ++rounds < 40);
		CHECK(err == 0);
	}
	if (ro)
		CHECK(bc_default_ds(fuzz_bc)->priority1 == prio);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t prio;
	int err;

	if (!fuzz_bc)
		fuzz_init();
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_local(data + 1, size - 1, false);
		break;
	case 1:
		fuzz_local(data + 1, size - 1, true);
		break;
	default:
		prio = bc_default_ds(fuzz_bc)->priority1;
		bc_actions_init(&out);
		err = bc_port_rx(fuzz_bc, data[0] % 3, data + 1, size - 1,
				 tmv_from_ns(1), NULL, 1, &out);
		CHECK(err == 0 || err == -EBADMSG || err == -EAGAIN);
		for (int i = 0; i < out.n; i++) {
			if (out.a[i].type == BC_ACT_SEND_GENERAL &&
			    out.a[i].u.send.msg_type == PTP_MSG_MANAGEMENT)
				CHECK(out.a[i].port >= 0 && out.a[i].port < 3);
		}
		CHECK(bc_default_ds(fuzz_bc)->priority1 == prio);
		break;
	}
	return 0;
}
