/*
 * mgmt/print.c — text and JSON printers of value trees (see mgmt/print.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "mgmt/print.h"

/* ---- JSON ---- */

static json_object *json_of(const struct mgmt_tree *t, int node);

static json_object *json_container(const struct mgmt_tree *t,
				   const struct mgmt_val *v)
{
	bool obj = v->kind == MV_OBJ;
	json_object *j = obj ? json_object_new_object()
			     : json_object_new_array();

	if (!j)
		return NULL;
	for (int c = v->first; c >= 0; c = t->node[c].next) {
		json_object *m = json_of(t, c);

		if (!m && t->node[c].kind != MV_NULL) {
			json_object_put(j);
			return NULL;
		}
		if (obj)
			json_object_object_add(j, t->node[c].key, m);
		else
			json_object_array_add(j, m);
	}
	return j;
}

/* NULL for null (json-c's null), and on allocation failure. */
static json_object *json_of(const struct mgmt_tree *t, int node)
{
	const struct mgmt_val *v = &t->node[node];
	char buf[64];

	switch (v->kind) {
	case MV_BOOL:
		return json_object_new_boolean(v->v.b);
	case MV_INT:
		return json_object_new_int64(v->v.i);
	case MV_UINT:
		return json_object_new_uint64(v->v.u);
	case MV_REAL:
		snprintf(buf, sizeof(buf), "%.*f", v->decimals, v->v.d);
		return json_object_new_double_s(v->v.d, buf);
	case MV_STR:
		return json_object_new_string(v->v.s);
	case MV_OBJ:
	case MV_ARR:
		return json_container(t, v);
	default:
		return NULL;
	}
}

int mgmt_print_json(FILE *f, const struct mgmt_tree *t, int node,
		    bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			    : JSON_C_TO_STRING_PLAIN);
	json_object *j;
	int rc = 0;

	if (node < 0 || node >= t->n)
		return -EINVAL;
	j = json_of(t, node);
	if (!j && t->node[node].kind != MV_NULL)
		return -ENOMEM;
	if (fprintf(f, "%s\n", j ? json_object_to_json_string_ext(j, flags)
				 : "null") < 0)
		rc = -EIO;
	json_object_put(j);
	return rc;
}

/* ---- text ---- */

/* The "<key>_name" sibling of member node of obj, or -1. */
static int name_sibling(const struct mgmt_tree *t, int obj, int node)
{
	char key[128];

	if (obj < 0 || !t->node[node].key)
		return -1;
	snprintf(key, sizeof(key), "%s_name", t->node[node].key);
	return mgmt_tree_member(t, obj, key);
}

/* A "<key>_name" member whose <key> sibling exists: shown with it. */
static bool is_merged_name(const struct mgmt_tree *t, int obj, int node)
{
	const char *k = t->node[node].key;
	size_t n = k ? strlen(k) : 0;
	char base[128];

	if (n <= 5 || n - 5 >= sizeof(base) || strcmp(k + n - 5, "_name"))
		return false;
	memcpy(base, k, n - 5);
	base[n - 5] = '\0';
	return mgmt_tree_member(t, obj, base) >= 0;
}

static const char *scalar_text(const struct mgmt_val *v, char *buf,
			       size_t len)
{
	switch (v->kind) {
	case MV_BOOL:
		return v->v.b ? "true" : "false";
	case MV_INT:
		if (v->hex)
			snprintf(buf, len, "0x%0*" PRIx64, v->hex,
				 (uint64_t)v->v.i);
		else
			snprintf(buf, len, "%" PRId64, v->v.i);
		return buf;
	case MV_UINT:
		if (v->hex)
			snprintf(buf, len, "0x%0*" PRIx64, v->hex, v->v.u);
		else
			snprintf(buf, len, "%" PRIu64, v->v.u);
		return buf;
	case MV_REAL:
		snprintf(buf, len, "%.*f", v->decimals, v->v.d);
		return buf;
	case MV_STR:
		return v->v.s[0] ? v->v.s : "\"\"";
	case MV_NULL:
		return "-";
	default:
		return "";
	}
}

const char *mgmt_print_value(const struct mgmt_tree *t, int obj, int node,
			     char *buf, size_t len)
{
	char raw[64];
	int n;

	if (node < 0 || node >= t->n)
		return "-";
	n = name_sibling(t, obj, node);
	if (n < 0 || t->node[n].kind != MV_STR)
		return scalar_text(&t->node[node], buf, len);
	snprintf(buf, len, "%s (%s)", t->node[n].v.s,
		 scalar_text(&t->node[node], raw, sizeof(raw)));
	return buf;
}

static int text_width(const struct mgmt_tree *t, int obj)
{
	int w = 0;

	for (int c = t->node[obj].first; c >= 0; c = t->node[c].next) {
		int n = (int)strlen(t->node[c].key);

		if (!is_merged_name(t, obj, c) && n > w)
			w = n;
	}
	return w;
}

static bool all_scalars(const struct mgmt_tree *t, int arr)
{
	for (int c = t->node[arr].first; c >= 0; c = t->node[c].next) {
		if (t->node[c].kind == MV_OBJ || t->node[c].kind == MV_ARR)
			return false;
	}
	return true;
}

/* An array of texts with spaces in them (sentences): one per line. */
static bool has_sentences(const struct mgmt_tree *t, int arr)
{
	for (int c = t->node[arr].first; c >= 0; c = t->node[c].next) {
		if (t->node[c].kind == MV_STR && strchr(t->node[c].v.s, ' '))
			return true;
	}
	return false;
}

/* A list of scalars after its key: "a, b, c", "none" when empty, or one
 * sentence per line below the key. */
static void text_scalar_list(FILE *f, const struct mgmt_tree *t, int arr,
			     int indent)
{
	bool lines = has_sentences(t, arr);
	char buf[64];

	if (t->node[arr].first < 0)
		fputs("none", f);
	for (int c = t->node[arr].first; c >= 0; c = t->node[c].next) {
		if (lines)
			fprintf(f, "\n%*s", indent + 2, "");
		else if (c != t->node[arr].first)
			fputs(", ", f);
		fputs(scalar_text(&t->node[c], buf, sizeof(buf)), f);
	}
	fputc('\n', f);
}

static void text_member(FILE *f, const struct mgmt_tree *t, int obj, int c,
			int indent, int width)
{
	const struct mgmt_val *v = &t->node[c];
	char buf[512];
	int i = 0;

	if (v->kind == MV_OBJ) {
		fprintf(f, "%*s%s:\n", indent, "", v->key);
		mgmt_print_text(f, t, c, indent + 2);
	} else if (v->kind == MV_ARR && !all_scalars(t, c)) {
		for (int e = v->first; e >= 0; e = t->node[e].next, i++) {
			fprintf(f, "%*s%s[%d]:\n", indent, "", v->key, i);
			mgmt_print_text(f, t, e, indent + 2);
		}
	} else if (v->kind == MV_ARR && has_sentences(t, c)) {
		fprintf(f, "%*s%s:", indent, "", v->key);
		text_scalar_list(f, t, c, indent);
	} else if (v->kind == MV_ARR) {
		fprintf(f, "%*s%-*s  ", indent, "", width, v->key);
		text_scalar_list(f, t, c, indent);
	} else {
		fprintf(f, "%*s%-*s  %s\n", indent, "", width, v->key,
			mgmt_print_value(t, obj, c, buf, sizeof(buf)));
	}
}

int mgmt_print_text(FILE *f, const struct mgmt_tree *t, int node,
		    int indent)
{
	const struct mgmt_val *v;
	char buf[512];
	int width;

	if (node < 0 || node >= t->n)
		return -EINVAL;
	v = &t->node[node];
	if (v->kind == MV_ARR) {
		int i = 0;

		for (int e = v->first; e >= 0; e = t->node[e].next, i++) {
			fprintf(f, "%*s[%d]:\n", indent, "", i);
			mgmt_print_text(f, t, e, indent + 2);
		}
	} else if (v->kind != MV_OBJ) {
		fprintf(f, "%*s%s\n", indent, "",
			scalar_text(v, buf, sizeof(buf)));
	} else {
		width = text_width(t, node);
		for (int c = v->first; c >= 0; c = t->node[c].next) {
			if (!is_merged_name(t, node, c))
				text_member(f, t, node, c, indent, width);
		}
	}
	return ferror(f) ? -EIO : 0;
}
