/*
 * common/sa.h — security associations for the AUTHENTICATION TLV.
 *
 * IEEE 1588-2019 16.14 (immediate security processing) as linuxptp 4.x
 * configures it: an sa_file lists security associations, each named by
 * its security parameters pointer (spp, 0..255), with its options
 * (seqid_window, allow_mutable) and its keys (key id 1..2^32-1, an
 * integrity algorithm, the key's bytes).  A port with `spp` set uses that
 * association: it sends with its `active_key_id` and accepts any key the
 * association holds, so that a key can be rotated by adding the new one
 * everywhere before switching to it.
 *
 * The algorithms are ptp4l's four: HMAC-SHA256 with its ICV truncated to
 * 16 octets (SHA256-128) or whole (SHA256, 32 octets), and AES-CMAC with
 * a 128- or 256-bit key (AES128, AES256, 16-octet ICV).  This header only
 * holds the data: config/sad.c parses the file, bc/auth.c builds and
 * checks the TLV, and the MAC itself comes from an ops table
 * (bc/auth.h) the program provides.  Fixed sizes, no pointers: the
 * settings that hold a database are copied by value.
 */
#ifndef HVPTP_COMMON_SA_H
#define HVPTP_COMMON_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SA_MAX 16 /* security associations in one sa_file */
#define SA_MAX_KEYS 8 /* keys of one association */
#define SA_KEY_MAX_LEN 128 /* octets of one key */
#define SA_ICV_MAX_LEN 32 /* octets of the longest ICV (SHA256) */
#define SA_SEQID_WINDOW_DEFAULT 3 /* ptp4l's */
#define SA_SEQID_WINDOW_MAX 32767

enum sa_alg {
	SA_ALG_HMAC_SHA256_128 = 0, /* "SHA256-128" */
	SA_ALG_HMAC_SHA256, /* "SHA256" */
	SA_ALG_CMAC_AES128, /* "AES128" */
	SA_ALG_CMAC_AES256, /* "AES256" */
	SA_ALG_COUNT
};

struct sa_key {
	uint32_t id; /* keyID, 1..2^32-1 */
	uint8_t alg; /* enum sa_alg */
	uint8_t len; /* octets in key[] */
	uint8_t key[SA_KEY_MAX_LEN];
	int line; /* where the sa_file gave it, for messages */
};

struct sa {
	uint8_t spp; /* securityParametersPointer */
	bool allow_mutable; /* correctionField left out of the ICV */
	uint16_t seqid_window; /* 0: no replay check */
	int nkeys;
	struct sa_key keys[SA_MAX_KEYS];
	int line; /* its spp line */
};

struct sa_db {
	int n;
	struct sa sa[SA_MAX];
};

/* The algorithm's name as the sa_file spells it ("SHA256-128"...),
 * "unknown" outside the enum. */
const char *sa_alg_name(enum sa_alg a);
/* Octets of its ICV (16 or 32); 0 outside the enum. */
size_t sa_alg_icv_len(enum sa_alg a);
/* Octets its key must have (16, 32), 0: any length (HMAC). */
size_t sa_alg_key_len(enum sa_alg a);
/* The association with that spp, or NULL. */
const struct sa *sa_db_find(const struct sa_db *db, int spp);
/* The key with that id, or NULL. */
const struct sa_key *sa_find_key(const struct sa *sa, uint32_t id);

#endif
