/* common/sa.c — the algorithms' table and lookups (see sa.h). */
#include "common/sa.h"

static const struct {
	const char *name;
	uint8_t icv_len;
	uint8_t key_len; /* 0: any */
} sa_algs[SA_ALG_COUNT] = {
	[SA_ALG_HMAC_SHA256_128] = { "SHA256-128", 16, 0 },
	[SA_ALG_HMAC_SHA256] = { "SHA256", 32, 0 },
	[SA_ALG_CMAC_AES128] = { "AES128", 16, 16 },
	[SA_ALG_CMAC_AES256] = { "AES256", 16, 32 },
};

const char *sa_alg_name(enum sa_alg a)
{
	return (unsigned)a < SA_ALG_COUNT ? sa_algs[a].name : "unknown";
}

size_t sa_alg_icv_len(enum sa_alg a)
{
	return (unsigned)a < SA_ALG_COUNT ? sa_algs[a].icv_len : 0;
}

size_t sa_alg_key_len(enum sa_alg a)
{
	return (unsigned)a < SA_ALG_COUNT ? sa_algs[a].key_len : 0;
}

const struct sa *sa_db_find(const struct sa_db *db, int spp)
{
	if (!db)
		return NULL;
	for (int i = 0; i < db->n; i++) {
		if (db->sa[i].spp == spp)
			return &db->sa[i];
	}
	return NULL;
}

const struct sa_key *sa_find_key(const struct sa *sa, uint32_t id)
{
	if (!sa || id == 0)
		return NULL;
	for (int i = 0; i < sa->nkeys; i++) {
		if (sa->keys[i].id == id)
			return &sa->keys[i];
	}
	return NULL;
}
