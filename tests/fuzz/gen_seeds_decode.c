/*
 * tests/fuzz/gen_seeds_decode.c — writes the seed corpus of fuzz_decode:
 * hvptpd's own answer (a RESPONSE, or the error it gives) to a GET of
 * every managementId hvptpctl has a layout for, from a 2-port clock of
 * the core, each as fuzz_decode's "whole message" input (octet 0 = 0),
 * and each answer's dataField alone as its "ID + data" input (octet 0 =
 * 1, the ID big endian).  Not built by the Makefile; to regenerate the
 * committed seeds (after make):
 *
 *   cc -std=gnu11 -I. -D_GNU_SOURCE tests/fuzz/gen_seeds_decode.c \
 *      build/libhvdaemon.a build/libhvedge.a build/libhvcore.a \
 *      -ljson-c -lm -o /tmp/gen_seeds_decode &&
 *   /tmp/gen_seeds_decode tests/fuzz/seeds-fuzz_decode
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bc/bc.h"
#include "bc/mgmt.h"
#include "mgmt/decode.h"

static int write_seed(const char *dir, const char *name, uint8_t mode,
		      const uint8_t *pre, size_t plen, const uint8_t *b,
		      size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	fputc(mode, f);
	fwrite(pre, 1, plen, f);
	fwrite(b, 1, len, f);
	return fclose(f) ? -errno : 0;
}

/* A GET of id as a local client sends it (header 34, management 14). */
static size_t get_request(uint16_t id, uint8_t *m)
{
	memset(m, 0, 54);
	m[0] = PTP_MSG_MANAGEMENT;
	m[1] = 2;
	m[3] = 54;
	m[32] = 4; /* controlField: management */
	m[33] = 0x7f;
	memset(m + 34, 0xff, 10); /* targetPortIdentity: all */
	m[44] = m[45] = 1; /* boundary hops */
	m[46] = PTP_MGMT_GET;
	m[49] = 1; /* tlvType MANAGEMENT */
	m[51] = 2; /* lengthField */
	m[52] = (uint8_t)(id >> 8);
	m[53] = (uint8_t)id;
	return 54;
}

static int seed_id(struct bc *bc, const char *dir, uint16_t id)
{
	struct bc_actions out;
	struct bc_mgmt_req r;
	uint8_t req[64], idb[2] = { (uint8_t)(id >> 8), (uint8_t)id };
	char name[64];
	int err;

	bc_actions_init(&out);
	if (bc_mgmt(bc, req, get_request(id, req), false, 1000000000, &out))
		return 0;
	for (int i = 0; i < out.n; i++) {
		const struct bc_action *a = &out.a[i];
		const uint8_t *b = bc_action_buf(&out, a);

		if (a->type != BC_ACT_SEND_GENERAL ||
		    bc_mgmt_parse(b, a->u.send.len, &r, NULL))
			continue;
		snprintf(name, sizeof(name), "answer_%04x_%d", id, i);
		err = write_seed(dir, name, 0, NULL, 0, b, a->u.send.len);
		if (!err && !r.is_error) {
			snprintf(name, sizeof(name), "data_%04x_%d", id, i);
			err = write_seed(dir, name, 1, idb, 2, r.data,
					 r.data_len);
		}
		if (err)
			return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct bc_actions a;
	struct bc *bc;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds_decode DIR\n");
		return 2;
	}
	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 0x02;
	cc.clock_identity.id[7] = 0x01;
	bc_port_cfg_default(&pc[0], "eth0");
	bc_port_cfg_default(&pc[1], "eth1");
	if (bc_create(&bc, &cc, pc, 2))
		return 1;
	bc_actions_init(&a);
	bc_start(bc, 1, &a);
	for (int i = 0; i < mgmt_layout_count() && !err; i++)
		err = seed_id(bc, argv[1], mgmt_layout_at(i)->id);
	bc_destroy(bc);
	if (err)
		fprintf(stderr, "gen_seeds_decode: %s\n", strerror(-err));
	return err ? 1 : 0;
}
