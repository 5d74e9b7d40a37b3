/*
 * tests/unit/test_auth.c — the AUTHENTICATION TLV and its parts: the MACs
 * from libcrypto against RFC 4231 (HMAC-SHA256) and RFC 4493 / NIST SP
 * 800-38B (AES-CMAC) vectors, the TLV appended to and checked on
 * hand-built messages for each key type and every failure reason, and the
 * sa_file parser (ptp4l's example file, each error with file:line).  The
 * whole clock with authentication is in test_auth_core.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bc/auth.h"
#include "bc/msg.h"
#include "config/sad.h"
#include "daemon/auth_mac.h"

static struct auth_mac *mac;
static const struct auth_mac_ops *ops = &auth_mac_ops_libcrypto;

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; s[0] && s[1]; s += 2)
		out[n++] = (uint8_t)(hexval(s[0]) << 4 | hexval(s[1]));
	return n;
}

static struct sa_key mkkey(enum sa_alg alg, uint32_t id, const char *hex)
{
	struct sa_key k;

	memset(&k, 0, sizeof(k));
	k.alg = (uint8_t)alg;
	k.id = id;
	k.len = (uint8_t)unhex(hex, k.key);
	return k;
}

/* ---- the MACs: published vectors ---- */

struct vector {
	enum sa_alg alg;
	const char *key; /* hex */
	const char *data; /* hex */
	const char *mac; /* hex, the whole MAC */
};

static const struct vector vectors[] = {
	/* RFC 4231 4.2 (test case 1) */
	{ SA_ALG_HMAC_SHA256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	/* RFC 4231 4.3 (test case 2: "Jefe") */
	{ SA_ALG_HMAC_SHA256, "4a656665",
	  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	/* RFC 4231 4.4 (test case 3) */
	{ SA_ALG_HMAC_SHA256, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	  "dddddddddddddddddddddddddddddddddddd",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	/* RFC 4231 4.6 (test case 5): truncated to 128 bits */
	{ SA_ALG_HMAC_SHA256_128, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	  "546573742057697468205472756e636174696f6e",
	  "a3b6167473100ee06e0c796c2955552b" },
	/* RFC 4493 4 (AES-128): empty, 16, 40 and 64 octets */
	{ SA_ALG_CMAC_AES128, "2b7e151628aed2a6abf7158809cf4f3c", "",
	  "bb1d6929e95937287fa37d129b756746" },
	{ SA_ALG_CMAC_AES128, "2b7e151628aed2a6abf7158809cf4f3c",
	  "6bc1bee22e409f96e93d7e117393172a",
	  "070a16b46b4d4144f79bdd9dd04a287c" },
	{ SA_ALG_CMAC_AES128, "2b7e151628aed2a6abf7158809cf4f3c",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411",
	  "dfa66747de9ae63030ca32611497c827" },
	{ SA_ALG_CMAC_AES128, "2b7e151628aed2a6abf7158809cf4f3c",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "51f0bebf7e3b9d92fc49741779363cfe" },
	/* NIST SP 800-38B D.3 (AES-256): empty and 16 octets */
	{ SA_ALG_CMAC_AES256,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "", "028962f61b7bf89efc6b551f4667d983" },
	{ SA_ALG_CMAC_AES256,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "6bc1bee22e409f96e93d7e117393172a",
	  "28a7023f452e8f82bd4bf28d8c37c35c" },
};

static void test_mac_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		struct sa_key k = mkkey(v->alg, 1, v->key);
		uint8_t data[128], want[32], got[33];
		size_t dn = unhex(v->data, data), wn = unhex(v->mac, want);
		size_t icv = sa_alg_icv_len(v->alg);

		assert_true(wn >= icv);
		memset(got, 0xEE, sizeof(got));
		assert_int_equal(ops->compute(mac, &k, data, dn, got), 0);
		if (memcmp(got, want, icv))
			fail_msg("vector %zu (%s): MAC differs", i,
				 sa_alg_name(v->alg));
		assert_int_equal(got[icv], 0xEE); /* no more than the ICV */
		assert_true(ops->verify(mac, &k, data, dn, want));
		want[icv - 1] ^= 1;
		assert_false(ops->verify(mac, &k, data, dn, want));
	}
	assert_int_equal(auth_mac_errors(mac), 0);
}

/* ---- the TLV on hand-built messages ---- */

static const char *const key_hex[SA_ALG_COUNT] = {
	[SA_ALG_HMAC_SHA256_128] =
		"F8ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C",
	[SA_ALG_HMAC_SHA256] = "6162636465666768696a6b6c6d6e6f707172737475767778797a",
	[SA_ALG_CMAC_AES128] = "FAF48EBA01E7C5966A76CB787AED4E7B",
	[SA_ALG_CMAC_AES256] =
		"3CA4C5F5543F78A8F6A80335B8784DC9B45A10F0EBF53934122A36A55B231BBE",
};

/* A Sync, byte by byte (IEEE 1588-2019 13.3, 13.6): two-step, seq 0x1234,
 * correctionField 0x0102030405060708, 44 octets. */
static size_t hand_sync(uint8_t *b)
{
	static const uint8_t sync[44] = {
		0x00, 0x12, 0x00, 44, 0x00, 0x00, 0x02, 0x00, /* flags */
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* corr */
		0, 0, 0, 0, /* typeSpecific */
		0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10, 0x0A, 0x00, 0x01,
		0x12, 0x34, 0x00, 0xFD, /* seq, control, log interval */
		0x00, 0x00, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x01, 0xF4,
	};

	memcpy(b, sync, sizeof(sync));
	return sizeof(sync);
}

static struct sa mksa(uint8_t spp, bool mutable_corr)
{
	struct sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.spp = spp;
	sa.allow_mutable = mutable_corr;
	sa.seqid_window = 3;
	for (int a = 0; a < SA_ALG_COUNT; a++)
		sa.keys[sa.nkeys++] = mkkey((enum sa_alg)a, (uint32_t)(a + 1),
					    key_hex[a]);
	return sa;
}

static enum bc_drop verify(const struct sa *sa, const uint8_t *b, size_t n)
{
	struct ptp_msg m;

	assert_int_equal(msg_unpack(b, n, &m, NULL), 0);
	return auth_tlv_verify(sa, ops, mac, b, n, &m, NULL);
}

/* Each key type: the TLV's octets, messageLength, the ICV equal to the
 * MAC of the octets before it, accepted. */
static void test_tlv_each_key(void **state)
{
	struct sa sa = mksa(7, false);

	(void)state;
	for (int i = 0; i < sa.nkeys; i++) {
		const struct sa_key *k = &sa.keys[i];
		size_t icv = sa_alg_icv_len((enum sa_alg)k->alg);
		uint8_t b[PTP_MAX_MSG_LEN], want[32];
		size_t n = hand_sync(b);
		int len = auth_tlv_append(&sa, k, ops, mac, b, n, sizeof(b));

		assert_int_equal(len, (int)(44 + 10 + icv));
		assert_int_equal(b[2] << 8 | b[3], len); /* messageLength */
		assert_int_equal(b[44] << 8 | b[45], 0x8009);
		assert_int_equal(b[46] << 8 | b[47], 6 + icv);
		assert_int_equal(b[48], 7); /* spp */
		assert_int_equal(b[49], 0); /* secParamIndicator */
		assert_int_equal(b[50] << 24 | b[51] << 16 | b[52] << 8 | b[53],
				 k->id);
		assert_int_equal(ops->compute(mac, k, b, 54, want), 0);
		assert_memory_equal(b + 54, want, icv);
		assert_int_equal(b[8], 0x01); /* correctionField kept */
		assert_int_equal(verify(&sa, b, (size_t)len), BC_DROP_NONE);
	}
}

static int signed_sync(const struct sa *sa, int key, uint8_t *b)
{
	size_t n = hand_sync(b);

	return auth_tlv_append(sa, &sa->keys[key], ops, mac, b, n,
			       PTP_MAX_MSG_LEN);
}

static void test_tlv_failures(void **state)
{
	struct sa sa = mksa(7, false), other = mksa(8, false);
	struct sa fewer = mksa(7, false), rekeyed = mksa(7, false);
	uint8_t b[PTP_MAX_MSG_LEN];
	int n;

	(void)state;
	/* no TLV at all */
	n = (int)hand_sync(b);
	assert_int_equal(verify(&sa, b, (size_t)n), BC_DROP_AUTH_NO_TLV);
	/* a TLV after it (a PAD of 2 octets): not the last */
	n = signed_sync(&sa, 0, b);
	memcpy(b + n, "\x80\x08\x00\x02\x00\x00", 6);
	b[3] = (uint8_t)(n + 6);
	assert_int_equal(verify(&sa, b, (size_t)n + 6), BC_DROP_AUTH_NO_TLV);
	/* another association's spp */
	n = signed_sync(&sa, 1, b);
	assert_int_equal(verify(&other, b, (size_t)n),
			 BC_DROP_AUTH_UNKNOWN_SPP);
	/* a key the association does not hold */
	fewer.nkeys = 1;
	n = signed_sync(&sa, 2, b);
	assert_int_equal(verify(&fewer, b, (size_t)n),
			 BC_DROP_AUTH_UNKNOWN_KEY);
	/* the key id of a 32-octet ICV on a 16-octet one */
	n = signed_sync(&sa, 0, b);
	b[53] = 2;
	assert_int_equal(verify(&sa, b, (size_t)n), BC_DROP_AUTH_BAD_LENGTH);
	/* secParamIndicator with a sequenceNo this association lacks */
	n = signed_sync(&sa, 0, b);
	b[49] = 0x02;
	assert_int_equal(verify(&sa, b, (size_t)n), BC_DROP_AUTH_BAD_LENGTH);
	/* a changed octet in the body, in the ICV, the correctionField */
	for (int i = 0; i < SA_ALG_COUNT; i++) {
		n = signed_sync(&sa, i, b);
		b[43] ^= 1;
		assert_int_equal(verify(&sa, b, (size_t)n),
				 BC_DROP_AUTH_BAD_ICV);
		n = signed_sync(&sa, i, b);
		b[n - 1] ^= 0x80;
		assert_int_equal(verify(&sa, b, (size_t)n),
				 BC_DROP_AUTH_BAD_ICV);
		n = signed_sync(&sa, i, b);
		b[15] ^= 1;
		assert_int_equal(verify(&sa, b, (size_t)n),
				 BC_DROP_AUTH_BAD_ICV);
	}
	/* the same ids with other key bytes */
	for (int i = 0; i < SA_ALG_COUNT; i++)
		rekeyed.keys[i].key[0] ^= 0x55;
	for (int i = 0; i < SA_ALG_COUNT; i++) {
		n = signed_sync(&sa, i, b);
		assert_int_equal(verify(&rekeyed, b, (size_t)n),
				 BC_DROP_AUTH_BAD_ICV);
	}
}

/* allow_mutable: the correctionField is out of the ICV (a transparent
 * clock may add to it), and kept as sent. */
static void test_tlv_mutable(void **state)
{
	struct sa sa = mksa(7, true), strict = mksa(7, false);
	uint8_t b[PTP_MAX_MSG_LEN], c[PTP_MAX_MSG_LEN];
	int n;

	(void)state;
	n = signed_sync(&sa, 3, b);
	assert_int_equal(b[8], 0x01);
	assert_int_equal(b[15], 0x08);
	memcpy(c, b, (size_t)n);
	memset(c + 8, 0, 8);
	assert_int_equal(verify(&strict, c, (size_t)n), BC_DROP_NONE);
	b[15] = 0x77;
	assert_int_equal(verify(&sa, b, (size_t)n), BC_DROP_NONE);
	assert_int_equal(verify(&strict, b, (size_t)n), BC_DROP_AUTH_BAD_ICV);
}

static void test_tlv_room(void **state)
{
	struct sa sa = mksa(7, false);
	uint8_t b[PTP_MAX_MSG_LEN];
	size_t n = hand_sync(b);

	(void)state;
	assert_int_equal(auth_tlv_append(&sa, &sa.keys[1], ops, mac, b, n,
					 n + 10 + 31),
			 -EMSGSIZE);
	assert_int_equal(auth_tlv_append(&sa, &sa.keys[1], ops, mac, b,
					 PTP_MAX_MSG_LEN - 41,
					 sizeof(b)),
			 -EMSGSIZE);
}

static void test_seq_window(void **state)
{
	(void)state;
	assert_true(auth_seq_ok(10, 11, 3));
	assert_true(auth_seq_ok(10, 13, 3));
	assert_false(auth_seq_ok(10, 14, 3));
	assert_false(auth_seq_ok(10, 10, 3)); /* the same again */
	assert_false(auth_seq_ok(10, 9, 3));
	assert_true(auth_seq_ok(65535, 1, 3)); /* across the wrap */
	assert_false(auth_seq_ok(1, 65535, 3));
	assert_true(auth_seq_ok(10, 10, 0)); /* no window */
	assert_true(auth_seq_ok(10, 5000, 0));
	assert_true(auth_seq_ok(0, 32767, 32767));
	assert_false(auth_seq_ok(0, 32768, 32767));
}

/* ---- the sa_file parser ---- */

/* linuxptp 4.4's configs/sa.cfg, comments shortened. */
static const char ptp4l_sa[] =
	"#\n# example Security Association file\n#\n"
	"[security_association]\n"
	"spp 0\n"
	"allow_mutable 1\n"
	"1 SHA256-128 HEX:F8ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C\n"
	"2 SHA256 32 HEX:EE91D469B3A8ADC6AC8EB28E21794C706E08FDE48863828A7B0281AFCA81B17D\n"
	"\n"
	"[security_association]\n"
	"spp 1\n"
	"seqid_window 20\n"
	"1 AES128 HEX:FAF48EBA01E7C5966A76CB787AED4E7B\n"
	"2 AES256 B64:PKTF9VQz94qPaoAzW4eE3JtFoQ8Ov1OTQSojalWyMbs=\n"
	"   3 sha256 26 abcdefghijklmnopqrstuvwxyz   \n";

static void test_sad_ptp4l_example(void **state)
{
	struct sa_db db;
	struct cfg_error err;
	const struct sa *sa;
	const struct sa_key *k;

	(void)state;
	assert_int_equal(sad_parse_buffer(&db, "sa.cfg", ptp4l_sa,
					  strlen(ptp4l_sa), &err),
			 0);
	assert_int_equal(db.n, 2);
	sa = sa_db_find(&db, 0);
	assert_non_null(sa);
	assert_true(sa->allow_mutable);
	assert_int_equal(sa->seqid_window, 3);
	assert_int_equal(sa->nkeys, 2);
	k = sa_find_key(sa, 2);
	assert_int_equal(k->alg, SA_ALG_HMAC_SHA256);
	assert_int_equal(k->len, 32);
	assert_int_equal(k->key[0], 0xEE);
	assert_int_equal(k->key[31], 0x7D);
	assert_int_equal(k->line, 8);
	sa = sa_db_find(&db, 1);
	assert_false(sa->allow_mutable);
	assert_int_equal(sa->seqid_window, 20);
	assert_int_equal(sa->line, 11);
	k = sa_find_key(sa, 2);
	assert_int_equal(k->alg, SA_ALG_CMAC_AES256);
	assert_int_equal(k->len, 32);
	assert_int_equal(k->key[0], 0x3C); /* "PKTF" */
	assert_int_equal(k->key[1], 0xA4);
	assert_int_equal(k->key[31], 0xBB);
	k = sa_find_key(sa, 3);
	assert_int_equal(k->alg, SA_ALG_HMAC_SHA256);
	assert_int_equal(k->len, 26);
	assert_memory_equal(k->key, "abcdefghijklmnopqrstuvwxyz", 26);
	assert_null(sa_find_key(sa, 4));
	assert_null(sa_db_find(&db, 2));
}

static void test_sad_formats(void **state)
{
	static const char text[] =
		"spp 255\nseqid_window 0\n"
		"7 AES128 ASCII:0123456789abcdef\n"
		"8 SHA256-128 B64:YQ==\n"
		"9 SHA256-128 B64:YWI=\n"
		"4294967295 SHA256 HEX:00ff\n";
	struct sa_db db;
	struct cfg_error err;
	const struct sa *sa;

	(void)state;
	assert_int_equal(sad_parse_buffer(&db, "f", text, strlen(text), &err),
			 0);
	sa = sa_db_find(&db, 255);
	assert_int_equal(sa->seqid_window, 0);
	assert_int_equal(sa_find_key(sa, 7)->len, 16);
	assert_int_equal(sa_find_key(sa, 8)->len, 1);
	assert_int_equal(sa_find_key(sa, 8)->key[0], 'a');
	assert_int_equal(sa_find_key(sa, 9)->len, 2);
	assert_int_equal(sa_find_key(sa, 4294967295u)->key[1], 0xFF);
}

struct bad_case {
	const char *text;
	int line;
	const char *option;
	const char *reason; /* a part of it */
};

static const struct bad_case bad_cases[] = {
	{ "spp 1\n1 SHA256 HEX:abc\n", 2, "key", "even number" },
	{ "spp 1\n1 SHA256 HEX:zz\n", 2, "key", "not a hex digit" },
	{ "spp 1\n1 SHA256 B64:YQ=\n", 2, "key", "Base64" },
	{ "spp 1\n1 AES128 HEX:00\n", 2, "key", "needs a key of 16" },
	{ "spp 1\n1 AES256 0123456789abcdef\n", 2, "key", "needs a key of 32" },
	{ "spp 1\n1 SHA256 3 abcd\n", 2, "key", "the line says 3" },
	{ "spp 1\n1 MD5 abcd\n", 2, "key", "unknown algorithm" },
	{ "spp 1\n0 SHA256 abcd\n", 2, "key", "out of range" },
	{ "spp 1\n4294967296 SHA256 abcd\n", 2, "key", "out of range" },
	{ "spp 1\n1 SHA256 a\n1 SHA256 b\n", 3, "key", "given twice" },
	{ "1 SHA256 abcd\n", 1, "key", "before any spp" },
	{ "spp 1\n1 SHA256\n", 2, "key", "not an option or a key line" },
	{ "spp 1\n1 SHA256 32 a b\n", 2, "key", "not an option or a key line" },
	{ "spp 1\nfoo bar baz\n", 2, "key", "not an option or a key line" },
	{ "spp 256\n", 1, "spp", "not a number in range" },
	{ "spp -1\n", 1, "spp", "not a number in range" },
	{ "spp 1\n\nspp 1\n", 3, "spp", "given twice" },
	{ "spp\n", 1, "spp", "needs one value" },
	{ "spp 1\nseqid_window 32768\n", 2, "seqid_window", "in range" },
	{ "seqid_window 2\n", 1, "seqid_window", "before any spp" },
	{ "spp 1\nallow_mutable 2\n", 2, "allow_mutable", "0 or 1" },
	{ "spp 1\nseqnum_length 4\n", 2, "seqnum_length", "not supported" },
	{ "spp 1\nres_length 1\n", 2, "res_length", "not supported" },
	{ "[global]\n", 1, "section", "unknown section" },
	{ "spp 1\n1 SHA256 ASCII:\n", 2, "key", "empty key" },
	{ "spp 1\n1 SHA256 HEX:"
	  "00000000000000000000000000000000000000000000000000000000000000000000"
	  "00000000000000000000000000000000000000000000000000000000000000000000"
	  "00000000000000000000000000000000000000000000000000000000000000000000"
	  "00000000000000000000000000000000000000000000000000000000000000000000\n",
	  2, "key", "longer than 128" },
};

static void test_sad_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct sa_db db;
		struct cfg_error err;

		memset(&db, 0x5A, sizeof(db));
		if (sad_parse_buffer(&db, "/etc/sa.cfg", c->text,
				     strlen(c->text), &err) != -EINVAL)
			fail_msg("case %zu accepted", i);
		if (err.line != c->line || strcmp(err.option, c->option) ||
		    !strstr(err.reason, c->reason))
			fail_msg("case %zu: %s:%d: %s: %s", i, err.file,
				 err.line, err.option, err.reason);
		assert_string_equal(err.file, "/etc/sa.cfg");
		assert_int_equal(db.n, 0); /* nothing half-read kept */
	}
}

static void test_sad_limits(void **state)
{
	char text[4096];
	struct sa_db db;
	struct cfg_error err;
	size_t n = 0;

	(void)state;
	for (int i = 0; i <= SA_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "spp %d\n", i);
	assert_int_equal(sad_parse_buffer(&db, "f", text, n, &err), -EINVAL);
	assert_int_equal(err.line, SA_MAX + 1);
	n = (size_t)snprintf(text, sizeof(text), "spp 3\n");
	for (int i = 1; i <= SA_MAX_KEYS + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%d SHA256 key%d\n", i, i);
	assert_int_equal(sad_parse_buffer(&db, "f", text, n, &err), -EINVAL);
	assert_int_equal(err.line, SA_MAX_KEYS + 2);
	assert_non_null(strstr(err.reason, "more than"));
	/* a NUL byte, a line too long */
	assert_int_equal(sad_parse_buffer(&db, "f", "spp 1\n\0", 7, &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	memset(text, 'a', 2000);
	assert_int_equal(sad_parse_buffer(&db, "f", text, 2000, &err),
			 -EINVAL);
	assert_non_null(strstr(err.reason, "longer than"));
	/* empty: no association, fine */
	assert_int_equal(sad_parse_buffer(&db, "f", "", 0, &err), 0);
	assert_int_equal(db.n, 0);
}

static void test_sad_check_port(void **state)
{
	struct sa_db db;
	struct cfg_error why;

	(void)state;
	assert_int_equal(sad_parse_buffer(&db, "f", ptp4l_sa,
					  strlen(ptp4l_sa), &why),
			 0);
	assert_int_equal(sad_check_port(&db, -1, 0, &why), 0);
	assert_int_equal(sad_check_port(&db, 1, 3, &why), 0);
	assert_int_equal(sad_check_port(&db, -1, 3, &why), -EINVAL);
	assert_string_equal(why.option, "active_key_id");
	assert_int_equal(sad_check_port(&db, 2, 1, &why), -EINVAL);
	assert_string_equal(why.option, "spp");
	assert_int_equal(sad_check_port(&db, 1, 0, &why), -EINVAL);
	assert_string_equal(why.option, "active_key_id");
	assert_int_equal(sad_check_port(&db, 0, 3, &why), -EINVAL);
	assert_string_equal(why.option, "active_key_id");
	memset(&db, 0, sizeof(db));
	assert_int_equal(sad_check_port(&db, 0, 1, &why), -EINVAL);
	assert_non_null(strstr(why.reason, "sa_file"));
}

static int setup(void **state)
{
	(void)state;
	return auth_mac_open(&mac);
}

static int teardown(void **state)
{
	(void)state;
	auth_mac_close(mac);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_vectors),
		cmocka_unit_test(test_tlv_each_key),
		cmocka_unit_test(test_tlv_failures),
		cmocka_unit_test(test_tlv_mutable),
		cmocka_unit_test(test_tlv_room),
		cmocka_unit_test(test_seq_window),
		cmocka_unit_test(test_sad_ptp4l_example),
		cmocka_unit_test(test_sad_formats),
		cmocka_unit_test(test_sad_errors),
		cmocka_unit_test(test_sad_limits),
		cmocka_unit_test(test_sad_check_port),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
