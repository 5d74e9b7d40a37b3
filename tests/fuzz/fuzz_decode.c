/*
 * tests/fuzz/fuzz_decode.c — libFuzzer target for hvptpctl's decoder
 * (mgmt/decode.c) and printers (mgmt/print.c): the bytes of a management
 * answer as a daemon (hvptpd, ptp4l, anyone on the socket) sends them,
 * turned into text and JSON.
 *
 * Octet 0 chooses the way in: even, the rest is a whole Management message
 * (bc_mgmt_parse, then mgmt_decode_answer, as hvptpctl does with what it
 * receives); odd, octets 1-2 are a managementId (big endian: the layouts
 * are reached directly, hvptp's own 0xD0xx IDs among them) and the rest
 * its dataField (mgmt_decode_data).  For every input:
 *  - the decoder returns 0, -EBADMSG or -ENOSPC (answers: or what
 *    bc_mgmt_parse refused), and the tree stays within its bounds;
 *  - both printers succeed; the JSON parses back (json-c) to an object
 *    or an array; the text ends with a newline.
 * Any violation traps.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bc/mgmt.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"
#include "mgmt/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

static struct mgmt_tree *tree;

static void check_print(int node)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_object *j;

	CHECK(f != NULL);
	CHECK(mgmt_print_json(f, tree, node, true) == 0);
	CHECK(fclose(f) == 0);
	j = json_tokener_parse(buf);
	CHECK(j != NULL);
	CHECK(json_object_is_type(j, json_type_object) ||
	      json_object_is_type(j, json_type_array));
	json_object_put(j);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(f != NULL);
	CHECK(mgmt_print_text(f, tree, node, 0) == 0);
	CHECK(fclose(f) == 0);
	CHECK(len == 0 || buf[len - 1] == '\n');
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bc_mgmt_req r;
	int err, arr;

	if (size < 1)
		return 0;
	if (!tree)
		tree = mgmt_tree_new();
	CHECK(tree != NULL);
	mgmt_tree_reset(tree);
	if (data[0] & 1) {
		uint16_t id;

		if (size < 3)
			return 0;
		id = (uint16_t)(data[1] << 8 | data[2]);
		err = mgmt_decode_data(tree, 0, id, data + 3, size - 3);
		CHECK(err == 0 || err == -EBADMSG || err == -ENOSPC);
		CHECK(tree->n <= MGMT_TREE_NODES);
		check_print(0);
		return 0;
	}
	if (bc_mgmt_parse(data + 1, size - 1, &r, NULL) != 0)
		return 0;
	CHECK(r.data_len <= size);
	arr = mgmt_tree_arr(tree, 0, "answers");
	CHECK(arr > 0);
	err = mgmt_decode_answer(tree, arr, &r);
	CHECK(err >= 0 || err == -EBADMSG || err == -ENOSPC);
	CHECK(tree->n <= MGMT_TREE_NODES);
	check_print(0);
	return 0;
}
