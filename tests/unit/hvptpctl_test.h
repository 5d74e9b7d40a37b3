/*
 * tests/unit/hvptpctl_test.h — what the hvptpctl tests share: a core's
 * management answers (bc_mgmt in the test, tests/unit/mgmt_test.h) as the
 * client's struct mgmt_replies, and decoding them into value trees with
 * checks by path.  Everything is static (inline) so that each test binary
 * takes what it uses.
 */
#ifndef HVPTP_TESTS_HVPTPCTL_TEST_H
#define HVPTP_TESTS_HVPTPCTL_TEST_H

#include "mgmt/client.h"
#include "mgmt/decode.h"
#include "mgmt/tree.h"
#include "tests/unit/mgmt_test.h"

/* ---- the JSON schema (docs/hvptpctl.schema.json) ---- */

#ifdef JSON_C_VERSION
/* The schema (the caller puts it) and, in *defs, its "$defs": read from
 * $HVPTP_SCHEMA or docs/hvptpctl.schema.json (tests run from the
 * repository root). */
static inline json_object *schema_load(json_object **defs)
{
	const char *path = getenv("HVPTP_SCHEMA");
	json_object *schema = json_object_from_file(
		path ? path : "docs/hvptpctl.schema.json");

	if (!schema)
		fail_msg("cannot read docs/hvptpctl.schema.json (run from the "
			 "repository root, or set HVPTP_SCHEMA)");
	assert_true(json_object_object_get_ex(schema, "$defs", defs));
	return schema;
}
#endif

/* ---- answers of a core in the test ---- */

static struct mgmt_replies reps;

/* The answers in `out` (port -1 sends) as client replies. */
static inline void replies_from_out(struct mgmt_replies *r)
{
	memset(r, 0, offsetof(struct mgmt_replies, rep));
	for (int i = 0; i < out.n; i++) {
		const struct bc_action *a = &out.a[i];
		struct mgmt_reply *rep = &r->rep[r->n];

		if (a->type != BC_ACT_SEND_GENERAL || a->port != -1)
			continue;
		memcpy(rep->buf, bc_action_buf(&out, a), a->u.send.len);
		rep->len = a->u.send.len;
		assert_int_equal(bc_mgmt_parse(rep->buf, rep->len, &rep->r,
					       NULL), 0);
		r->n++;
	}
}

static inline void ask_replies(struct bc *bc, uint8_t action, uint16_t id,
			uint16_t port, const uint8_t *data, size_t len,
			struct mgmt_replies *r)
{
	assert_int_equal(ask_to(bc, action, id, data, len, port_target(port),
				false),
			 0);
	replies_from_out(r);
	assert_true(r->n >= 1);
}

/* GET id (every port) and decode answer i into a fresh tree. */
static inline struct mgmt_tree *get_tree(struct bc *bc, uint16_t id, int i)
{
	struct mgmt_tree *t = mgmt_tree_new();

	assert_non_null(t);
	ask_replies(bc, PTP_MGMT_GET, id, BC_MGMT_ALL_PORTS, NULL, 0, &reps);
	assert_true(i < reps.n);
	assert_false(reps.rep[i].r.is_error);
	assert_int_equal(mgmt_decode_data(t, 0, id, reps.rep[i].r.data,
					  reps.rep[i].r.data_len),
			 0);
	return t;
}

static inline int64_t tint(const struct mgmt_tree *t, const char *path)
{
	int64_t v = -424242;

	assert_true(mgmt_tree_get_int(t, 0, path, &v));
	return v;
}

static inline void tstr(const struct mgmt_tree *t, const char *path, const char *s)
{
	const char *v = mgmt_tree_get_str(t, 0, path);

	assert_non_null(v);
	assert_string_equal(v, s);
}

static inline bool tnull(const struct mgmt_tree *t, const char *path)
{
	int i = mgmt_tree_get(t, 0, path);

	assert_true(i >= 0);
	return t->node[i].kind == MV_NULL;
}

#endif
