/*
 * daemon/auth_mac.h — the MACs of the AUTHENTICATION TLV from OpenSSL's
 * libcrypto.
 *
 * The core computes and checks the TLV through struct auth_mac_ops
 * (bc/auth.h); this is the daemon's implementation: HMAC-SHA256 (its ICV
 * truncated to 16 octets for SHA256-128) and AES-CMAC with a 128- or
 * 256-bit key, through EVP_MAC (OpenSSL 3).  The MAC algorithms are
 * fetched once at open; each message gets a fresh MAC context.  The
 * comparison is constant-time (CRYPTO_memcmp).
 */
#ifndef HVPTP_DAEMON_AUTH_MAC_H
#define HVPTP_DAEMON_AUTH_MAC_H

#include "bc/auth.h"

struct auth_mac;

extern const struct auth_mac_ops auth_mac_ops_libcrypto;

/* 0, or -ENOENT when libcrypto lacks HMAC or CMAC, -ENOMEM. */
int auth_mac_open(struct auth_mac **out);
void auth_mac_close(struct auth_mac *m);
/* The MAC's failures since open (libcrypto refused a key or a call). */
unsigned long auth_mac_errors(const struct auth_mac *m);

#endif
