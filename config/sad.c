/* config/sad.c — the sa_file parser (see sad.h). */
#include "config/sad.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SAD_LINE_MAX 1024 /* as ptp4l's line buffer */
#define SAD_TOKENS 5

struct sad_parse {
	struct sa_db *db;
	struct sa *cur; /* the association the lines add to, or NULL */
	const char *file;
	int line;
	struct cfg_error *err;
};

__attribute__((format(printf, 3, 4))) static int
sad_fail(struct sad_parse *ps, const char *option, const char *fmt, ...)
{
	va_list ap;

	memset(ps->err, 0, sizeof(*ps->err));
	snprintf(ps->err->file, sizeof(ps->err->file), "%s", ps->file);
	ps->err->line = ps->line;
	snprintf(ps->err->option, sizeof(ps->err->option), "%s", option);
	va_start(ap, fmt);
	vsnprintf(ps->err->reason, sizeof(ps->err->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool sad_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	       ch == '\f';
}

/* A decimal number without sign, at most max: 0, or -ERANGE/-EINVAL. */
static int sad_number(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*s - '0');

		if (v > max / 10 || d > max - v * 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int sad_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int sad_b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 with '=' padding (groups of four): octets written, or -1. */
static int sad_b64(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s), o = 0;

	if (n == 0 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int d[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			bool last = i + 4 == n;

			if (last && k >= 2 && s[i + k] == '=') {
				pad++;
				d[k] = 0;
				continue;
			}
			d[k] = pad ? -1 : sad_b64_digit(s[i + k]);
			if (d[k] < 0)
				return -1;
		}
		uint8_t b[3] = { (uint8_t)(d[0] << 2 | d[1] >> 4),
				 (uint8_t)(d[1] << 4 | d[2] >> 2),
				 (uint8_t)(d[2] << 6 | d[3]) };
		for (int k = 0; k < 3 - pad; k++) {
			if (o >= cap)
				return -1;
			out[o++] = b[k];
		}
	}
	return (int)o;
}

/* The key's octets from its value token into k. */
static int sad_key_value(struct sad_parse *ps, const char *v,
			 struct sa_key *k)
{
	size_t n;
	int b;

	if (!strncmp(v, "HEX:", 4)) {
		v += 4;
		n = strlen(v);
		if (n == 0 || n % 2)
			return sad_fail(ps, "key", "HEX: value needs an even "
					"number of hex digits");
		if (n / 2 > SA_KEY_MAX_LEN)
			goto too_long;
		for (size_t i = 0; i < n; i += 2) {
			int hi = sad_hex_digit(v[i]), lo = sad_hex_digit(v[i + 1]);

			if (hi < 0 || lo < 0)
				return sad_fail(ps, "key", "HEX: value has a "
						"character that is not a hex "
						"digit");
			k->key[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		k->len = (uint8_t)(n / 2);
		return 0;
	}
	if (!strncmp(v, "B64:", 4)) {
		b = sad_b64(v + 4, k->key, sizeof(k->key));
		if (b < 0)
			return sad_fail(ps, "key", "B64: value is not Base64 of "
					"at most %d octets", SA_KEY_MAX_LEN);
		k->len = (uint8_t)b;
		return 0;
	}
	if (!strncmp(v, "ASCII:", 6))
		v += 6;
	n = strlen(v);
	if (n > SA_KEY_MAX_LEN)
		goto too_long;
	memcpy(k->key, v, n);
	k->len = (uint8_t)n;
	return 0;
too_long:
	return sad_fail(ps, "key", "key longer than %d octets",
			SA_KEY_MAX_LEN);
}

static int sad_alg(const char *name)
{
	for (int a = 0; a < SA_ALG_COUNT; a++) {
		if (!strcasecmp(name, sa_alg_name((enum sa_alg)a)))
			return a;
	}
	return -1;
}

/* The key's length checks, after its value was decoded. */
static int sad_key_length(struct sad_parse *ps, const struct sa_key *k,
			  unsigned long long spec)
{
	size_t need = sa_alg_key_len((enum sa_alg)k->alg);

	if (k->len == 0)
		return sad_fail(ps, "key", "empty key");
	if (spec && spec != k->len)
		return sad_fail(ps, "key", "key of %u octets, the line says "
				"%llu", k->len, spec);
	if (need && need != k->len)
		return sad_fail(ps, "key", "%s needs a key of %zu octets, "
				"not %u", sa_alg_name((enum sa_alg)k->alg),
				need, k->len);
	return 0;
}

/* "id type [length] value" */
static int sad_key_line(struct sad_parse *ps, char **tok, int n)
{
	unsigned long long id = 0, spec = 0;
	struct sa_key k;
	int alg, rc;

	memset(&k, 0, sizeof(k));
	if (n < 3 || n > 4)
		return sad_fail(ps, "key", "not an option or a key line ('id "
				"type [length] value')");
	rc = sad_number(tok[0], UINT32_MAX, &id);
	if (rc == -EINVAL)
		return sad_fail(ps, "key", "not an option or a key line ('id "
				"type [length] value'): %.32s", tok[0]);
	if (rc || id == 0)
		return sad_fail(ps, "key", "key id %.32s out of range (1 to "
				"4294967295)", tok[0]);
	if (!ps->cur)
		return sad_fail(ps, "key", "a key before any spp line");
	if (sa_find_key(ps->cur, (uint32_t)id))
		return sad_fail(ps, "key", "key id %llu given twice in spp %u",
				id, ps->cur->spp);
	if (ps->cur->nkeys >= SA_MAX_KEYS)
		return sad_fail(ps, "key", "more than %d keys in spp %u",
				SA_MAX_KEYS, ps->cur->spp);
	alg = sad_alg(tok[1]);
	if (alg < 0)
		return sad_fail(ps, "key", "unknown algorithm %.32s (SHA256-128, "
				"SHA256, AES128, AES256)", tok[1]);
	if (n == 4 && sad_number(tok[2], SA_KEY_MAX_LEN, &spec))
		return sad_fail(ps, "key", "key length %.32s not a number of "
				"octets (1 to %d)", tok[2], SA_KEY_MAX_LEN);
	k.id = (uint32_t)id;
	k.alg = (uint8_t)alg;
	k.line = ps->line;
	rc = sad_key_value(ps, tok[n - 1], &k);
	if (!rc)
		rc = sad_key_length(ps, &k, spec);
	if (!rc)
		ps->cur->keys[ps->cur->nkeys++] = k;
	memset(&k, 0, sizeof(k));
	return rc;
}

static int sad_spp(struct sad_parse *ps, unsigned long long v)
{
	struct sa *sa;

	if (sa_db_find(ps->db, (int)v))
		return sad_fail(ps, "spp", "spp %llu given twice", v);
	if (ps->db->n >= SA_MAX)
		return sad_fail(ps, "spp", "more than %d security "
				"associations", SA_MAX);
	sa = &ps->db->sa[ps->db->n++];
	memset(sa, 0, sizeof(*sa));
	sa->spp = (uint8_t)v;
	sa->seqid_window = SA_SEQID_WINDOW_DEFAULT;
	sa->line = ps->line;
	ps->cur = sa;
	return 0;
}

/* "name value" lines: spp and the association's options. */
static int sad_option(struct sad_parse *ps, char **tok, int n)
{
	static const struct {
		const char *name;
		unsigned long long max;
	} opts[] = {
		{ "spp", UINT8_MAX },
		{ "seqid_window", SA_SEQID_WINDOW_MAX },
		{ "allow_mutable", 1 },
		{ "seqnum_length", 0 },
		{ "res_length", 0 },
	};
	unsigned long long v;
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (!strcmp(tok[0], opts[i].name))
			break;
	}
	if (i == sizeof(opts) / sizeof(opts[0]))
		return sad_key_line(ps, tok, n);
	if (n != 2)
		return sad_fail(ps, tok[0], "needs one value");
	if (sad_number(tok[1], opts[i].max, &v))
		return sad_fail(ps, tok[0], "%.32s: %s", tok[1],
				opts[i].max == 0
					? "only 0 (the field is not supported, "
					  "as in ptp4l 4.4)"
					: opts[i].max == 1
						  ? "0 or 1"
						  : "not a number in range");
	if (i == 0)
		return sad_spp(ps, v);
	if (!ps->cur)
		return sad_fail(ps, tok[0], "before any spp line");
	if (i == 1)
		ps->cur->seqid_window = (uint16_t)v;
	else if (i == 2)
		ps->cur->allow_mutable = v != 0;
	return 0;
}

/* One line, without its newline, NUL-terminated. */
static int sad_line(struct sad_parse *ps, char *s)
{
	char *tok[SAD_TOKENS];
	int n = 0;

	while (sad_blank(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[') {
		size_t e = strlen(s);

		while (e > 0 && sad_blank(s[e - 1]))
			s[--e] = '\0';
		if (strcasecmp(s, "[security_association]"))
			return sad_fail(ps, "section", "unknown section %.64s "
					"(only [security_association])", s);
		ps->cur = NULL;
		return 0;
	}
	while (*s && n < SAD_TOKENS) {
		tok[n++] = s;
		while (*s && !sad_blank(*s))
			s++;
		while (sad_blank(*s))
			*s++ = '\0';
	}
	if (*s)
		n++; /* more than SAD_TOKENS: refused below */
	return sad_option(ps, tok, n);
}

int sad_parse_buffer(struct sa_db *db, const char *file, const char *buf,
		     size_t len, struct cfg_error *err)
{
	struct sad_parse ps = { .db = db, .file = file, .err = err };
	char line[SAD_LINE_MAX];
	size_t pos = 0;
	int rc = 0;

	memset(db, 0, sizeof(*db));
	while (pos < len && !rc) {
		size_t n = 0;

		ps.line++;
		while (pos < len && buf[pos] != '\n') {
			if (buf[pos] == '\0')
				rc = sad_fail(&ps, "line", "a NUL byte");
			else if (n + 1 >= sizeof(line))
				rc = sad_fail(&ps, "line", "longer than %d "
					      "characters", SAD_LINE_MAX - 1);
			if (rc)
				break;
			line[n++] = buf[pos++];
		}
		pos++; /* the newline */
		line[n] = '\0';
		if (!rc)
			rc = sad_line(&ps, line);
	}
	memset(line, 0, sizeof(line));
	if (rc)
		memset(db, 0, sizeof(*db));
	return rc;
}

static void sad_why(struct cfg_error *why, const char *option,
		    const char *reason)
{
	memset(why, 0, sizeof(*why));
	snprintf(why->option, sizeof(why->option), "%s", option);
	snprintf(why->reason, sizeof(why->reason), "%s", reason);
}

int sad_check_port(const struct sa_db *db, int spp, long long key_id,
		   struct cfg_error *why)
{
	const struct sa *sa;

	if (spp < 0 && key_id == 0)
		return 0;
	if (spp < 0) {
		sad_why(why, "active_key_id", "needs spp (the security "
			"association it is a key of)");
		return -EINVAL;
	}
	if (!db || db->n == 0) {
		sad_why(why, "spp", "needs sa_file with that security "
			"association");
		return -EINVAL;
	}
	sa = sa_db_find(db, spp);
	if (!sa) {
		sad_why(why, "spp", "no such security association in sa_file");
		return -EINVAL;
	}
	if (key_id == 0) {
		sad_why(why, "active_key_id", "needed with spp (the key sent "
			"messages are authenticated with)");
		return -EINVAL;
	}
	if (key_id < 0 || key_id > UINT32_MAX ||
	    !sa_find_key(sa, (uint32_t)key_id)) {
		sad_why(why, "active_key_id", "no such key in the port's "
			"security association (sa_file)");
		return -EINVAL;
	}
	return 0;
}
