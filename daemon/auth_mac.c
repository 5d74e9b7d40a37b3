/* daemon/auth_mac.c — HMAC-SHA256 and AES-CMAC from libcrypto (see
 * auth_mac.h). */
#include "daemon/auth_mac.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

struct auth_mac {
	EVP_MAC *hmac;
	EVP_MAC *cmac;
	unsigned long errors;
};

int auth_mac_open(struct auth_mac **out)
{
	struct auth_mac *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	m->cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!m->hmac || !m->cmac) {
		auth_mac_close(m);
		return -ENOENT;
	}
	*out = m;
	return 0;
}

void auth_mac_close(struct auth_mac *m)
{
	if (!m)
		return;
	EVP_MAC_free(m->hmac);
	EVP_MAC_free(m->cmac);
	free(m);
}

unsigned long auth_mac_errors(const struct auth_mac *m)
{
	return m ? m->errors : 0;
}

/* The whole MAC (32 octets for HMAC-SHA256, 16 for CMAC) into full. */
static int mac_full(struct auth_mac *m, const struct sa_key *key,
		    const uint8_t *data, size_t len, uint8_t *full,
		    size_t *full_len)
{
	bool hmac = key->alg == SA_ALG_HMAC_SHA256 ||
		    key->alg == SA_ALG_HMAC_SHA256_128;
	OSSL_PARAM params[2];
	EVP_MAC_CTX *c;
	int ok;

	if (hmac)
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	else
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_MAC_PARAM_CIPHER,
			(char *)(key->alg == SA_ALG_CMAC_AES128 ? "AES-128-CBC"
								: "AES-256-CBC"),
			0);
	params[1] = OSSL_PARAM_construct_end();
	c = EVP_MAC_CTX_new(hmac ? m->hmac : m->cmac);
	if (!c)
		return -ENOMEM;
	ok = EVP_MAC_init(c, key->key, key->len, params) &&
	     EVP_MAC_update(c, data, len) &&
	     EVP_MAC_final(c, full, full_len, SA_ICV_MAX_LEN);
	EVP_MAC_CTX_free(c);
	if (!ok || *full_len < sa_alg_icv_len((enum sa_alg)key->alg)) {
		m->errors++;
		return -EIO;
	}
	return 0;
}

static int mac_compute(void *ctx, const struct sa_key *key,
		       const uint8_t *data, size_t len, uint8_t *icv)
{
	uint8_t full[SA_ICV_MAX_LEN];
	size_t n = 0;
	int err = mac_full(ctx, key, data, len, full, &n);

	if (!err)
		memcpy(icv, full, sa_alg_icv_len((enum sa_alg)key->alg));
	OPENSSL_cleanse(full, sizeof(full));
	return err;
}

static bool mac_verify(void *ctx, const struct sa_key *key,
		       const uint8_t *data, size_t len, const uint8_t *icv)
{
	uint8_t full[SA_ICV_MAX_LEN];
	size_t n = 0;
	bool ok = mac_full(ctx, key, data, len, full, &n) == 0 &&
		  CRYPTO_memcmp(full, icv,
				sa_alg_icv_len((enum sa_alg)key->alg)) == 0;

	OPENSSL_cleanse(full, sizeof(full));
	return ok;
}

const struct auth_mac_ops auth_mac_ops_libcrypto = {
	.compute = mac_compute,
	.verify = mac_verify,
};
