/*
 * mgmt/tree.c — the value tree of hvptpctl (see mgmt/tree.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/tree.h"

void mgmt_tree_reset(struct mgmt_tree *t)
{
	t->n = 1;
	t->overflow = false;
	t->pool_used = 0;
	memset(&t->node[0], 0, sizeof(t->node[0]));
	t->node[0].kind = MV_OBJ;
	t->node[0].first = t->node[0].last = t->node[0].next = -1;
}

struct mgmt_tree *mgmt_tree_new(void)
{
	struct mgmt_tree *t = malloc(sizeof(*t));

	if (t)
		mgmt_tree_reset(t);
	return t;
}

void mgmt_tree_free(struct mgmt_tree *t)
{
	free(t);
}

/* Room for n bytes in the pool, or NULL (overflow set). */
static char *tree_alloc(struct mgmt_tree *t, size_t n)
{
	char *p;

	if (n > sizeof(t->pool) - t->pool_used) {
		t->overflow = true;
		return NULL;
	}
	p = t->pool + t->pool_used;
	t->pool_used += n;
	return p;
}

static const char *tree_strdup(struct mgmt_tree *t, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = tree_alloc(t, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static int tree_add(struct mgmt_tree *t, int parent, const char *key,
		    enum mgmt_vkind kind)
{
	struct mgmt_val *p, *v;
	int i;

	if (parent < 0 || parent >= t->n)
		return -1;
	p = &t->node[parent];
	if ((p->kind != MV_OBJ && p->kind != MV_ARR) ||
	    (p->kind == MV_OBJ) != (key != NULL))
		return -1;
	if (t->n >= MGMT_TREE_NODES) {
		t->overflow = true;
		return -1;
	}
	i = t->n;
	v = &t->node[i];
	memset(v, 0, sizeof(*v));
	v->kind = (uint8_t)kind;
	v->first = v->last = v->next = -1;
	if (key) {
		v->key = tree_strdup(t, key);
		if (!v->key)
			return -1;
	}
	t->n++;
	if (p->last >= 0)
		t->node[p->last].next = i;
	else
		p->first = i;
	p->last = i;
	p->nchild++;
	return i;
}

int mgmt_tree_obj(struct mgmt_tree *t, int parent, const char *key)
{
	return tree_add(t, parent, key, MV_OBJ);
}

int mgmt_tree_arr(struct mgmt_tree *t, int parent, const char *key)
{
	return tree_add(t, parent, key, MV_ARR);
}

int mgmt_tree_null(struct mgmt_tree *t, int parent, const char *key)
{
	return tree_add(t, parent, key, MV_NULL);
}

int mgmt_tree_bool(struct mgmt_tree *t, int parent, const char *key, bool v)
{
	int i = tree_add(t, parent, key, MV_BOOL);

	if (i >= 0)
		t->node[i].v.b = v;
	return i;
}

int mgmt_tree_int(struct mgmt_tree *t, int parent, const char *key,
		  int64_t v)
{
	int i = tree_add(t, parent, key, MV_INT);

	if (i >= 0)
		t->node[i].v.i = v;
	return i;
}

int mgmt_tree_uint(struct mgmt_tree *t, int parent, const char *key,
		   uint64_t v)
{
	int i = tree_add(t, parent, key, MV_UINT);

	if (i >= 0)
		t->node[i].v.u = v;
	return i;
}

int mgmt_tree_real(struct mgmt_tree *t, int parent, const char *key,
		   double v, int decimals)
{
	int i = tree_add(t, parent, key, MV_REAL);

	if (i >= 0) {
		t->node[i].v.d = v;
		t->node[i].decimals = (uint8_t)(decimals < 0 ? 0
					       : decimals > 9 ? 9 : decimals);
	}
	return i;
}

void mgmt_tree_set_hex(struct mgmt_tree *t, int i, int digits)
{
	if (i >= 0 && i < t->n)
		t->node[i].hex = (uint8_t)digits;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

int mgmt_tree_strn(struct mgmt_tree *t, int parent, const char *key,
		   const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char *p = tree_alloc(t, 4 * n + 1);
	size_t o = 0;
	int i;

	if (!p)
		return -1;
	for (size_t k = 0; k < n;) {
		size_t len = utf8_seq(u + k, n - k);

		if (len == 0 || u[k] < 0x20 || u[k] == 0x7F) {
			snprintf(p + o, 5, "\\x%02x", u[k]);
			o += 4;
			k++;
			continue;
		}
		memcpy(p + o, u + k, len);
		o += len;
		k += len;
	}
	p[o] = '\0';
	t->pool_used -= 4 * n - o; /* give back what was not used */
	i = tree_add(t, parent, key, MV_STR);
	if (i >= 0)
		t->node[i].v.s = p;
	return i;
}

int mgmt_tree_str(struct mgmt_tree *t, int parent, const char *key,
		  const char *s)
{
	return mgmt_tree_strn(t, parent, key, s ? s : "", s ? strlen(s) : 0);
}

static struct mgmt_val *tree_scalar(struct mgmt_tree *t, int i)
{
	if (i < 0 || i >= t->n || t->node[i].kind == MV_OBJ ||
	    t->node[i].kind == MV_ARR)
		return NULL;
	return &t->node[i];
}

int mgmt_tree_set_int(struct mgmt_tree *t, int i, int64_t v)
{
	struct mgmt_val *n = tree_scalar(t, i);

	if (!n)
		return -1;
	n->kind = MV_INT;
	n->v.i = v;
	return 0;
}

int mgmt_tree_set_null(struct mgmt_tree *t, int i)
{
	struct mgmt_val *n = tree_scalar(t, i);

	if (!n)
		return -1;
	n->kind = MV_NULL;
	n->hex = 0;
	return 0;
}

int mgmt_tree_set_bool(struct mgmt_tree *t, int i, bool v)
{
	struct mgmt_val *n = tree_scalar(t, i);

	if (!n)
		return -1;
	n->kind = MV_BOOL;
	n->v.b = v;
	return 0;
}

int mgmt_tree_set_real(struct mgmt_tree *t, int i, double v, int decimals)
{
	struct mgmt_val *n = tree_scalar(t, i);

	if (!n)
		return -1;
	n->kind = MV_REAL;
	n->v.d = v;
	n->decimals = (uint8_t)(decimals < 0 ? 0 : decimals > 9 ? 9 : decimals);
	return 0;
}

int mgmt_tree_set_str(struct mgmt_tree *t, int i, const char *s)
{
	struct mgmt_val *n = tree_scalar(t, i);
	const char *copy = n ? tree_strdup(t, s) : NULL;

	if (!copy)
		return -1;
	n->kind = MV_STR;
	n->v.s = copy;
	return 0;
}

int mgmt_tree_member(const struct mgmt_tree *t, int obj, const char *key)
{
	if (obj < 0 || obj >= t->n || t->node[obj].kind != MV_OBJ)
		return -1;
	for (int i = t->node[obj].first; i >= 0; i = t->node[i].next) {
		if (strcmp(t->node[i].key, key) == 0)
			return i;
	}
	return -1;
}

int mgmt_tree_get(const struct mgmt_tree *t, int obj, const char *path)
{
	char part[128];
	const char *dot;

	while (obj >= 0 && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(part))
			return -1;
		memcpy(part, path, n);
		part[n] = '\0';
		obj = mgmt_tree_member(t, obj, part);
		path = dot + 1;
	}
	return mgmt_tree_member(t, obj, path);
}

int mgmt_tree_child(const struct mgmt_tree *t, int node, int i)
{
	int c;

	if (node < 0 || node >= t->n)
		return -1;
	for (c = t->node[node].first; c >= 0 && i > 0; c = t->node[c].next)
		i--;
	return c;
}

bool mgmt_tree_as_int(const struct mgmt_tree *t, int node, int64_t *v)
{
	const struct mgmt_val *n;

	if (node < 0 || node >= t->n)
		return false;
	n = &t->node[node];
	switch (n->kind) {
	case MV_INT:
		*v = n->v.i;
		return true;
	case MV_UINT:
		*v = n->v.u > INT64_MAX ? INT64_MAX : (int64_t)n->v.u;
		return true;
	case MV_BOOL:
		*v = n->v.b;
		return true;
	default:
		return false;
	}
}

bool mgmt_tree_get_int(const struct mgmt_tree *t, int obj, const char *path,
		       int64_t *v)
{
	return mgmt_tree_as_int(t, mgmt_tree_get(t, obj, path), v);
}

const char *mgmt_tree_get_str(const struct mgmt_tree *t, int obj,
			      const char *path)
{
	int i = mgmt_tree_get(t, obj, path);

	return i >= 0 && t->node[i].kind == MV_STR ? t->node[i].v.s : NULL;
}

int mgmt_tree_copy(struct mgmt_tree *t, int parent, const char *key,
		   const struct mgmt_tree *src, int src_node)
{
	const struct mgmt_val *s;
	int i;

	if (src_node < 0 || src_node >= src->n)
		return -1;
	s = &src->node[src_node];
	if (s->kind == MV_STR)
		return mgmt_tree_str(t, parent, key, s->v.s);
	i = tree_add(t, parent, key, (enum mgmt_vkind)s->kind);
	if (i < 0)
		return -1;
	t->node[i].v = s->v;
	t->node[i].decimals = s->decimals;
	t->node[i].hex = s->hex;
	for (int c = s->first; c >= 0; c = src->node[c].next)
		mgmt_tree_copy(t, i, t->node[i].kind == MV_OBJ
					     ? src->node[c].key
					     : NULL,
			       src, c);
	return i;
}
