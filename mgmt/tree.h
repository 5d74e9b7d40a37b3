/*
 * mgmt/tree.h — the small value tree hvptpctl prints.
 *
 * The management decoders (mgmt/decode.h) turn answers into a tree of
 * objects, arrays and scalars (booleans, signed and unsigned integers,
 * reals with a fixed number of decimals, strings, null); the text and the
 * JSON printers (mgmt/print.h) both walk the same tree, so the two outputs
 * cannot disagree.  A tree lives in one heap block of fixed capacity:
 * nodes are indices, keys and strings are copied into its pool.  Adding to
 * a full tree (or under a parent index < 0) does nothing and returns -1;
 * the overflow flag sticks, and the caller checks it once at the end, as
 * with the wire reader.
 */
#ifndef HVPTP_MGMT_TREE_H
#define HVPTP_MGMT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Enough for hvptpctl status of a clock with BC_MAX_PORTS ports (about
 * 20 nodes and 300 bytes each); malloc'd, touched as used. */
#define MGMT_TREE_NODES 32768
#define MGMT_TREE_POOL (1024 * 1024)

enum mgmt_vkind {
	MV_NULL,
	MV_BOOL,
	MV_INT,
	MV_UINT,
	MV_REAL,
	MV_STR,
	MV_OBJ,
	MV_ARR,
};

struct mgmt_val {
	uint8_t kind; /* enum mgmt_vkind */
	uint8_t decimals; /* MV_REAL: digits printed after the point */
	uint8_t hex; /* MV_INT/MV_UINT: the text printer shows 0x and this
			many hex digits (JSON keeps the number) */
	const char *key; /* member of an object; NULL in an array */
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double d;
		const char *s;
	} v;
	int first, last, next; /* children and next sibling; -1: none */
	int nchild;
};

struct mgmt_tree {
	int n; /* nodes used; node 0 is the root object */
	bool overflow;
	size_t pool_used;
	struct mgmt_val node[MGMT_TREE_NODES];
	char pool[MGMT_TREE_POOL];
};

/* A new tree with an empty root object (index 0), or NULL (no memory). */
struct mgmt_tree *mgmt_tree_new(void);
void mgmt_tree_free(struct mgmt_tree *t);
/* Empty t again: just the root object. */
void mgmt_tree_reset(struct mgmt_tree *t);

/* Append to parent (an object: key required; an array: key NULL).  The
 * index of the new node, or -1. */
int mgmt_tree_obj(struct mgmt_tree *t, int parent, const char *key);
int mgmt_tree_arr(struct mgmt_tree *t, int parent, const char *key);
int mgmt_tree_null(struct mgmt_tree *t, int parent, const char *key);
int mgmt_tree_bool(struct mgmt_tree *t, int parent, const char *key, bool v);
int mgmt_tree_int(struct mgmt_tree *t, int parent, const char *key,
		  int64_t v);
int mgmt_tree_uint(struct mgmt_tree *t, int parent, const char *key,
		   uint64_t v);
int mgmt_tree_real(struct mgmt_tree *t, int parent, const char *key,
		   double v, int decimals);
/* Show integer node i as hex with digits digits in text (tree.h). */
void mgmt_tree_set_hex(struct mgmt_tree *t, int i, int digits);
/* The string is copied; bytes that are not valid UTF-8, and control
 * characters, become "\xNN" (so that both printers stay readable and the
 * JSON valid). */
int mgmt_tree_str(struct mgmt_tree *t, int parent, const char *key,
		  const char *s);
int mgmt_tree_strn(struct mgmt_tree *t, int parent, const char *key,
		   const char *s, size_t n);

/* Change the value (and kind) of a scalar node i: 0, or -1 when i is not
 * a scalar node (or the pool is full). */
int mgmt_tree_set_int(struct mgmt_tree *t, int i, int64_t v);
int mgmt_tree_set_bool(struct mgmt_tree *t, int i, bool v);
int mgmt_tree_set_real(struct mgmt_tree *t, int i, double v, int decimals);
int mgmt_tree_set_str(struct mgmt_tree *t, int i, const char *s);
int mgmt_tree_set_null(struct mgmt_tree *t, int i);

/* The node at path below obj ("clock_quality.clock_class"), or -1. */
int mgmt_tree_get(const struct mgmt_tree *t, int obj, const char *path);
/* The member of an object whose key is key, or -1. */
int mgmt_tree_member(const struct mgmt_tree *t, int obj, const char *key);
/* Child number i of an object or array, or -1. */
int mgmt_tree_child(const struct mgmt_tree *t, int node, int i);

/* Numeric value of an integer or boolean node; false for other kinds. */
bool mgmt_tree_as_int(const struct mgmt_tree *t, int node, int64_t *v);
/* Same for the node at path below obj. */
bool mgmt_tree_get_int(const struct mgmt_tree *t, int obj, const char *path,
		       int64_t *v);
/* String of a MV_STR node at path below obj, or NULL. */
const char *mgmt_tree_get_str(const struct mgmt_tree *t, int obj,
			      const char *path);

/* Copy the subtree at src_node of src under parent of t, as key. */
int mgmt_tree_copy(struct mgmt_tree *t, int parent, const char *key,
		   const struct mgmt_tree *src, int src_node);

#endif
