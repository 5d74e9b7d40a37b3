/*
 * tests/fuzz/fuzz_auth.c — libFuzzer target for the AUTHENTICATION TLV's
 * receive check (bc/auth.c) on hostile messages.
 *
 * The first input octet picks the association's options (allow_mutable,
 * its spp, which of its keys exist); the rest is a received message.  When
 * msg_unpack() accepts it, auth_tlv_verify() (with a stand-in MAC: the
 * core takes any) must return NONE or an AUTH_* reason, never touch
 * anything past the input, and when it accepts:
 *  - the last TLV is an AUTHENTICATION TLV, its key is the one returned,
 *    and it is the last octets of messageLength;
 *  - the same message signed again by auth_tlv_append() from its octets
 *    before the TLV (messageLength put back) is byte-identical up to
 *    messageLength (with allow_mutable: with its correctionField).
 * Any violation traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bc/auth.h"
#include "bc/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                          \
	do {                                 \
		if (!(cond))                 \
			__builtin_trap();    \
	} while (0)

static void fnv_icv(const struct sa_key *k, const uint8_t *d, size_t n,
		    uint8_t *icv)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < k->len; i++)
		h = (h ^ k->key[i]) * 1099511628211ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	for (size_t i = 0; i < sa_alg_icv_len((enum sa_alg)k->alg); i++) {
		h = (h ^ i) * 1099511628211ull;
		icv[i] = (uint8_t)(h >> 56);
	}
}

static int compute(void *ctx, const struct sa_key *k, const uint8_t *d,
		   size_t n, uint8_t *icv)
{
	(void)ctx;
	fnv_icv(k, d, n, icv);
	return 0;
}

static bool verify(void *ctx, const struct sa_key *k, const uint8_t *d,
		   size_t n, const uint8_t *icv)
{
	uint8_t want[SA_ICV_MAX_LEN];

	(void)ctx;
	fnv_icv(k, d, n, want);
	return memcmp(want, icv, sa_alg_icv_len((enum sa_alg)k->alg)) == 0;
}

static const struct auth_mac_ops ops = { compute, verify };

static void make_sa(struct sa *sa, uint8_t opt)
{
	memset(sa, 0, sizeof(*sa));
	sa->spp = opt & 0x01;
	sa->allow_mutable = (opt & 0x02) != 0;
	sa->seqid_window = 3;
	for (int a = 0; a < SA_ALG_COUNT; a++) {
		struct sa_key *k;

		if (!(opt & (0x10 << a)))
			continue;
		k = &sa->keys[sa->nkeys++];
		k->id = (uint32_t)(a + 1);
		k->alg = (uint8_t)a;
		k->len = (uint8_t)sa_alg_key_len((enum sa_alg)a);
		if (!k->len)
			k->len = 20; /* HMAC: any length */
		memset(k->key, 0x40 + a, k->len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[PTP_MAX_MSG_LEN];
	const struct sa_key *key = NULL;
	struct ptp_msg m;
	struct sa sa;
	enum bc_drop why;
	size_t tlv_len, off;
	int n;

	if (size < 1)
		return 0;
	make_sa(&sa, data[0]);
	data++;
	size--;
	if (msg_unpack(data, size, &m, NULL) < 0)
		return 0;
	why = auth_tlv_verify(&sa, &ops, NULL, data, size, &m, &key);
	CHECK(why == BC_DROP_NONE ||
	      (why >= BC_DROP_AUTH_NO_TLV && why <= BC_DROP_AUTH_BAD_ICV));
	CHECK((why == BC_DROP_NONE) == (key != NULL));
	CHECK(auth_msg_has_tlv(&m) == 0 || auth_msg_has_tlv(&m) == 1);
	if (why != BC_DROP_NONE)
		return 0;
	CHECK(sa_find_key(&sa, key->id) == key);
	tlv_len = auth_tlv_len(key);
	CHECK(m.hdr.msg_length >= tlv_len + 34 && m.hdr.msg_length <= size);
	off = m.hdr.msg_length - tlv_len;
	CHECK(data[off] == 0x80 && data[off + 1] == 0x09);
	if (m.hdr.msg_length > sizeof(again))
		return 0;
	memcpy(again, data, off);
	again[2] = (uint8_t)(off >> 8);
	again[3] = (uint8_t)off;
	n = auth_tlv_append(&sa, key, &ops, NULL, again, off, sizeof(again));
	CHECK(n == (int)m.hdr.msg_length);
	CHECK(memcmp(again, data, (size_t)n) == 0);
	return 0;
}
