/*
 * mgmt/encode.c — SET data from a value tree, and FIELD=VALUE assignments
 * (see mgmt/decode.h).  The same layouts as the decoder (mgmt/decode.c)
 * are walked the other way: what a GET decoded, encoded again, gives the
 * same bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bc/wire.h"
#include "mgmt/decode.h"

static const char *const cq_members[] = { "clock_class", "clock_accuracy",
					  "offset_scaled_log_variance" };
static const int64_t cq_max[] = { 0xFF, 0xFF, 0xFFFF };

/* Range of an integer wire type; false for a type that is not one. */
static bool int_range(uint8_t type, int64_t *min, int64_t *max)
{
	static const struct {
		uint8_t type;
		int64_t min, max;
	} r[] = {
		{ MF_U8, 0, 0xFF }, { MF_HEX8, 0, 0xFF },
		{ MF_ENUM8, 0, 0xFF }, { MF_U16, 0, 0xFFFF },
		{ MF_HEX16, 0, 0xFFFF }, { MF_U32, 0, 0xFFFFFFFFLL },
		{ MF_I8, -128, 127 }, { MF_I16, -32768, 32767 },
		{ MF_I32, INT32_MIN, INT32_MAX }, { MF_NIBBLE, 0, 15 },
		{ MF_I64, INT64_MIN, INT64_MAX }, { MF_U64, 0, INT64_MAX },
		{ MF_TI, INT64_MIN / 65536, INT64_MAX / 65536 },
		{ MF_TI_OPT, INT64_MIN / 65536, INT64_MAX / 65536 },
		{ MF_BOOL8, 0, 1 }, { MF_BOOL32, 0, 1 },
		{ MF_U48, 0, 0xFFFFFFFFFFFFLL },
	};

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (r[i].type == type) {
			*min = r[i].min;
			*max = r[i].max;
			return true;
		}
	}
	return false;
}

/* ---- encoding ---- */

struct enc {
	const struct mgmt_tree *t;
	int obj;
	struct wire_writer *w;
	char *err;
	size_t errlen;
	int rc;
};

static void enc_fail(struct enc *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void enc_fail(struct enc *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (e->rc)
		return;
	e->rc = rc;
	if (e->err && e->errlen) {
		va_start(ap, fmt);
		vsnprintf(e->err, e->errlen, fmt, ap);
		va_end(ap);
	}
}

/* The integer at path below obj, within [min, max]. */
static int64_t enc_get_int(struct enc *e, int obj, const char *path,
			   int64_t min, int64_t max)
{
	int64_t v = 0;

	if (!mgmt_tree_get_int(e->t, obj, path, &v)) {
		enc_fail(e, -EINVAL, "%s: missing or not a number", path);
		return 0;
	}
	if (v < min || v > max) {
		enc_fail(e, -EINVAL, "%s: %lld out of range", path,
			 (long long)v);
		return 0;
	}
	return v;
}

static void enc_int(struct enc *e, const struct mgmt_field *f)
{
	int64_t min = 0, max = 0, v;

	int i = mgmt_tree_member(e->t, e->obj, f->name);

	int_range(f->type, &min, &max);
	if (f->type == MF_TI_OPT && i >= 0 && e->t->node[i].kind == MV_NULL) {
		wire_put_i64(e->w, 0);
		return;
	}
	v = enc_get_int(e, e->obj, f->name, min, max);
	switch (f->type) {
	case MF_U8: case MF_HEX8: case MF_ENUM8: case MF_BOOL8:
	case MF_NIBBLE:
		wire_put_u8(e->w, (uint8_t)v);
		break;
	case MF_I8: wire_put_i8(e->w, (int8_t)v); break;
	case MF_U16: case MF_HEX16: wire_put_u16(e->w, (uint16_t)v); break;
	case MF_I16: wire_put_i16(e->w, (int16_t)v); break;
	case MF_U32: case MF_I32: case MF_BOOL32:
		wire_put_u32(e->w, (uint32_t)v);
		break;
	case MF_I64: case MF_U64: wire_put_i64(e->w, v); break;
	case MF_U48: wire_put_u48(e->w, (uint64_t)v); break;
	default: /* MF_TI, MF_TI_OPT */
		wire_put_i64(e->w, v * 65536);
		break;
	}
}

static void enc_u64(struct enc *e, const struct mgmt_field *f)
{
	int i = mgmt_tree_member(e->t, e->obj, f->name);

	if (i >= 0 && e->t->node[i].kind == MV_UINT)
		wire_put_u64(e->w, e->t->node[i].v.u);
	else
		enc_int(e, f);
}

static void enc_sppb(struct enc *e, const struct mgmt_field *f)
{
	int i = mgmt_tree_member(e->t, e->obj, f->name);
	double d;
	int64_t v;

	if (i >= 0 && e->t->node[i].kind == MV_REAL)
		d = e->t->node[i].v.d;
	else if (mgmt_tree_as_int(e->t, i, &v))
		d = (double)v;
	else
		return enc_fail(e, -EINVAL, "%s: missing", f->name);
	if (d > 1e12 || d < -1e12)
		return enc_fail(e, -EINVAL, "%s: out of range", f->name);
	wire_put_i64(e->w, (int64_t)(d * 65536.0 + (d < 0 ? -0.5 : 0.5)));
}

static const char *enc_str(struct enc *e, const char *key)
{
	const char *s = mgmt_tree_get_str(e->t, e->obj, key);

	if (!s)
		enc_fail(e, -EINVAL, "%s: missing or not a string", key);
	return s;
}

/* "001122.fffe.334455-1" */
static int parse_pid(const char *s, struct port_identity *pi)
{
	const char *dash = s ? strrchr(s, '-') : NULL;
	char cid[32], *end;
	unsigned long n;

	if (!dash || (size_t)(dash - s) >= sizeof(cid))
		return -EINVAL;
	memcpy(cid, s, (size_t)(dash - s));
	cid[dash - s] = '\0';
	n = strtoul(dash + 1, &end, 10);
	if (!dash[1] || *end || n > 0xFFFF ||
	    clock_identity_parse(cid, &pi->clock_identity) < 0)
		return -EINVAL;
	pi->port_number = (uint16_t)n;
	return 0;
}

static void enc_ident(struct enc *e, const struct mgmt_field *f)
{
	const char *s = enc_str(e, f->name);
	struct port_identity pi;

	if (!s)
		return;
	if (f->type == MF_CID &&
	    clock_identity_parse(s, &pi.clock_identity) == 0)
		return wire_put_clock_identity(e->w, &pi.clock_identity);
	if (f->type == MF_PID && parse_pid(s, &pi) == 0)
		return wire_put_port_identity(e->w, &pi);
	enc_fail(e, -EINVAL, "%s: '%s' is not a %s identity", f->name, s,
		 f->type == MF_CID ? "clock" : "port");
}

static void enc_cq(struct enc *e, const struct mgmt_field *f)
{
	char path[128];
	int64_t v[3];

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s.%s", f->name, cq_members[i]);
		v[i] = enc_get_int(e, e->obj, path, 0, cq_max[i]);
	}
	wire_put_u8(e->w, (uint8_t)v[0]);
	wire_put_u8(e->w, (uint8_t)v[1]);
	wire_put_u16(e->w, (uint16_t)v[2]);
}

static void enc_text(struct enc *e, const struct mgmt_field *f)
{
	const char *s = enc_str(e, f->name);
	size_t n = s ? strlen(s) : 0;

	if (n > 255)
		return enc_fail(e, -EINVAL, "%s: longer than 255 octets",
				f->name);
	wire_put_u8(e->w, (uint8_t)n);
	wire_put_bytes(e->w, s, n);
}

static void enc_flags(struct enc *e, const struct mgmt_field *f)
{
	uint8_t v = 0;

	for (int b = 0; b < 8; b++) {
		if (f->bits[b] && enc_get_int(e, e->obj, f->bits[b], 0, 1))
			v |= (uint8_t)(1u << b);
	}
	wire_put_u8(e->w, v);
}

static void enc_reserved(struct enc *e, const struct mgmt_field *f)
{
	wire_put_zeros(e->w, f->arg);
}

static void enc_octets(struct enc *e, const struct mgmt_field *f)
{
	const char *s = enc_str(e, f->name);
	unsigned v;
	int used;

	for (unsigned i = 0; s && i < f->arg; i++) {
		if (sscanf(s, i + 1 < f->arg ? "%2x:%n" : "%2x%n", &v,
			   &used) != 1)
			return enc_fail(e, -EINVAL, "%s: want %u octets "
					"aa:bb:...", f->name, f->arg);
		wire_put_u8(e->w, (uint8_t)v);
		s += used;
	}
	if (s && *s)
		enc_fail(e, -EINVAL, "%s: want %u octets aa:bb:...", f->name,
			 f->arg);
}

static void enc_evmask(struct enc *e, const struct mgmt_field *f)
{
	uint8_t m[BC_MGMT_EVENT_BITMASK_LEN] = { 0 };
	char path[96];

	for (unsigned i = 0; i < MGMT_EVENT_COUNT; i++) {
		snprintf(path, sizeof(path), "%s.%s", f->name,
			 mgmt_event_name(i));
		if (enc_get_int(e, e->obj, path, 0, 1))
			m[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	wire_put_bytes(e->w, m, sizeof(m));
}

typedef void (*enc_fn)(struct enc *e, const struct mgmt_field *f);

static const enc_fn encoders[MF_COUNT] = {
	[MF_U8] = enc_int, [MF_U16] = enc_int, [MF_U32] = enc_int,
	[MF_U64] = enc_u64, [MF_I8] = enc_int, [MF_I16] = enc_int,
	[MF_I32] = enc_int, [MF_I64] = enc_int, [MF_HEX8] = enc_int,
	[MF_HEX16] = enc_int, [MF_BOOL8] = enc_int, [MF_BOOL32] = enc_int,
	[MF_NIBBLE] = enc_int, [MF_TI] = enc_int, [MF_TI_OPT] = enc_int,
	[MF_SPPB] = enc_sppb, [MF_CID] = enc_ident, [MF_PID] = enc_ident,
	[MF_CQ] = enc_cq, [MF_TEXT] = enc_text, [MF_ENUM8] = enc_int,
	[MF_FLAGS8] = enc_flags, [MF_RESERVED] = enc_reserved,
	[MF_OCTETS] = enc_octets, [MF_EVMASK] = enc_evmask,
	[MF_U48] = enc_int,
	/* OCTETS16, PADDR, MSGCNT_LE, DROPS: read-only data */
};

int mgmt_encode_data(const struct mgmt_tree *t, int obj, uint16_t id,
		     uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	const struct mgmt_layout *l = mgmt_layout_find(id);
	struct wire_writer w;
	struct enc e = { .t = t, .obj = obj, .w = &w, .err = err,
			 .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	if (!l)
		return -ENOENT;
	wire_writer_init(&w, buf, cap);
	for (int i = 0; i < l->nfields && !e.rc; i++) {
		const struct mgmt_field *f = &l->fields[i];

		if (f->type >= MF_COUNT || !encoders[f->type]) {
			enc_fail(&e, -ENOTSUP, "%s cannot be encoded",
				 f->name);
			break;
		}
		encoders[f->type](&e, f);
	}
	if (e.rc)
		return e.rc;
	return wire_writer_ok(&w) ? (int)wire_writer_pos(&w) : -EMSGSIZE;
}

/* ---- FIELD=VALUE ---- */

static bool parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "1", "true", "on", "yes" };
	static const char *const no[] = { "0", "false", "off", "no" };

	for (int i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *b = true, true;
		if (strcasecmp(s, no[i]) == 0)
			return *b = false, true;
	}
	return false;
}

static bool parse_i64(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return *s && !*end && errno == 0;
}

/* A code of an enumeration from its name (case-insensitive) or number. */
static bool parse_enum(const struct mgmt_field *f, const char *s,
		       int64_t *v)
{
	if (parse_i64(s, v))
		return true;
	for (unsigned c = 0; f->names && c < 256; c++) {
		const char *n = f->names(c);

		if (n && strcasecmp(n, s) == 0)
			return *v = c, true;
	}
	return false;
}

struct asg {
	struct mgmt_tree *t;
	int obj;
	const char *key, *text;
	char *err;
	size_t errlen;
};

/* The node at path below a.obj, created (as null) when missing, with the
 * objects above it. */
static int asg_node(struct asg *a, const char *parent_key, const char *key)
{
	int o = a->obj, i;

	if (parent_key) {
		o = mgmt_tree_member(a->t, a->obj, parent_key);
		if (o < 0)
			o = mgmt_tree_obj(a->t, a->obj, parent_key);
	}
	i = mgmt_tree_member(a->t, o, key);
	return i >= 0 ? i : mgmt_tree_null(a->t, o, key);
}

static int asg_int(struct asg *a, const char *parent_key, const char *key,
		   int64_t min, int64_t max)
{
	int64_t v;

	if (!parse_i64(a->text, &v))
		return snprintf(a->err, a->errlen, "%s: '%s' is not a number",
				a->key, a->text), -EINVAL;
	if (v < min || v > max)
		return snprintf(a->err, a->errlen, "%s: %s is out of range "
				"%lld..%lld", a->key, a->text, (long long)min,
				(long long)max), -EINVAL;
	return mgmt_tree_set_int(a->t, asg_node(a, parent_key, key), v) < 0
		       ? -ENOSPC
		       : 0;
}

static int asg_bool(struct asg *a, const char *parent_key, const char *key)
{
	bool b;

	if (!parse_bool(a->text, &b))
		return snprintf(a->err, a->errlen, "%s: '%s' is not a boolean "
				"(on/off, true/false, yes/no, 1/0)", a->key,
				a->text), -EINVAL;
	return mgmt_tree_set_bool(a->t, asg_node(a, parent_key, key), b) < 0
		       ? -ENOSPC
		       : 0;
}

static bool key_is(const char *key, const char *parent, const char *name)
{
	size_t n = strlen(parent);

	return strcmp(key, name) == 0 ||
	       (strncmp(key, parent, n) == 0 && key[n] == '.' &&
		strcmp(key + n + 1, name) == 0);
}

/* The field itself is the key: parse by its wire type. */
static int asg_field(struct asg *a, const struct mgmt_field *f)
{
	int64_t min, max, v;

	if (f->type == MF_BOOL8 || f->type == MF_BOOL32)
		return asg_bool(a, NULL, f->name);
	if (f->type == MF_ENUM8) {
		if (!parse_enum(f, a->text, &v) || v < 0 || v > 255)
			return snprintf(a->err, a->errlen, "%s: '%s' is not a "
					"known name or a number 0..255",
					a->key, a->text), -EINVAL;
		return mgmt_tree_set_int(a->t, asg_node(a, NULL, f->name), v) < 0
			       ? -ENOSPC
			       : 0;
	}
	if (int_range(f->type, &min, &max))
		return asg_int(a, NULL, f->name, min, max);
	if (f->type == MF_SPPB) {
		char *end;
		double d = strtod(a->text, &end);

		if (!*a->text || *end)
			return snprintf(a->err, a->errlen, "%s: '%s' is not a "
					"number", a->key, a->text), -EINVAL;
		return mgmt_tree_set_real(a->t, asg_node(a, NULL, f->name), d,
					  3) < 0 ? -ENOSPC : 0;
	}
	if (f->type == MF_TEXT || f->type == MF_CID || f->type == MF_PID ||
	    f->type == MF_OCTETS)
		return mgmt_tree_set_str(a->t, asg_node(a, NULL, f->name),
					 a->text) < 0 ? -ENOSPC : 0;
	snprintf(a->err, a->errlen, "%s cannot be set", a->key);
	return -EINVAL;
}

/* 1 when f does not own a.key, else the result of the assignment. */
static int asg_try(struct asg *a, const struct mgmt_field *f)
{
	switch (f->type) {
	case MF_FLAGS8:
		for (int b = 0; b < 8; b++) {
			if (f->bits[b] && strcmp(a->key, f->bits[b]) == 0)
				return asg_bool(a, NULL, f->bits[b]);
		}
		return 1;
	case MF_CQ:
		for (int i = 0; i < 3; i++) {
			if (key_is(a->key, f->name, cq_members[i]))
				return asg_int(a, f->name, cq_members[i], 0,
					       cq_max[i]);
		}
		return 1;
	case MF_EVMASK:
		for (unsigned i = 0; i < MGMT_EVENT_COUNT; i++) {
			const char *ev = mgmt_event_name(i);

			if (key_is(a->key, f->name, ev))
				return asg_bool(a, f->name, ev);
		}
		return 1;
	case MF_RESERVED:
		return 1;
	default:
		return strcmp(a->key, f->name) == 0 ? asg_field(a, f) : 1;
	}
}

/* "a, b, c": the keys a layout takes. */
static void field_list(const struct mgmt_layout *l, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
#define ADD(s) (o += (size_t)snprintf(buf + o, o < len ? len - o : 0, \
				      "%s%s", o ? ", " : "", s))
	for (int i = 0; i < l->nfields; i++) {
		const struct mgmt_field *f = &l->fields[i];

		if (f->type == MF_FLAGS8) {
			for (int b = 0; b < 8; b++)
				if (f->bits[b])
					ADD(f->bits[b]);
		} else if (f->type == MF_CQ) {
			for (int k = 0; k < 3; k++)
				ADD(cq_members[k]);
		} else if (f->type == MF_EVMASK) {
			for (unsigned k = 0; k < MGMT_EVENT_COUNT; k++)
				ADD(mgmt_event_name(k));
		} else if (f->type != MF_RESERVED) {
			ADD(f->name);
		}
	}
#undef ADD
}

int mgmt_layout_assign(struct mgmt_tree *t, int obj, uint16_t id,
		       const char *key, const char *text, char *err,
		       size_t errlen)
{
	const struct mgmt_layout *l = mgmt_layout_find(id);
	char dummy[8], list[512];
	struct asg a = { .t = t, .obj = obj, .key = key, .text = text,
			 .err = err ? err : dummy,
			 .errlen = err ? errlen : sizeof(dummy) };

	if (!l) {
		snprintf(a.err, a.errlen, "no data layout for this ID");
		return -EINVAL;
	}
	for (int i = 0; i < l->nfields; i++) {
		int rc = asg_try(&a, &l->fields[i]);

		if (rc <= 0)
			return rc < 0 ? (rc == -ENOSPC ? rc : -EINVAL) : 0;
	}
	field_list(l, list, sizeof(list));
	snprintf(a.err, a.errlen, "no field '%s' (fields: %s)", key,
		 l->nfields ? list : "none");
	return -EINVAL;
}
