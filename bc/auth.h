/*
 * bc/auth.h — the AUTHENTICATION TLV (IEEE 1588-2019 16.14), immediate
 * security processing, as linuxptp 4.x sends and checks it.
 *
 * A port with spp set (bc_port_cfg.spp >= 0) appends to every message it
 * sends one AUTHENTICATION TLV, the last one:
 *
 *   tlvType 0x8009 | lengthField 6+ICV | spp | secParamIndicator 0 |
 *   keyID (active_key_id) | ICV
 *
 * The ICV is the MAC, under the key, of the message from the first octet
 * of its header to the octet before the ICV, with messageLength counting
 * the whole TLV; with allow_mutable the correctionField counts as zero
 * (a transparent clock may change it on the way).  secParamIndicator 0:
 * immediate processing, no sequenceNo and no RES field (ptp4l 4.4 supports
 * no others).  One-step ports are refused by the program (the hardware
 * would change a covered field).
 *
 * On receipt such a port checks every message before anything else reads
 * it: the last TLV must be an AUTHENTICATION TLV for the port's spp, a
 * key of that association (any of its keys: a key is rotated by adding
 * the new one everywhere, moving active_key_id to it, then removing the
 * old), of the key's length, with a matching ICV; and, when the
 * association has a seqid_window, a Sync or Follow_Up from the port's
 * last master must advance its sequenceId by 1..seqid_window over the
 * last one accepted (a replay otherwise).  Failures are dropped and
 * counted per port and reason (BC_DROP_AUTH_*); a port with spp never
 * accepts an unauthenticated message.
 *
 * The MAC itself comes through struct auth_mac_ops, so the core stays
 * pure: the daemon's comes from libcrypto (daemon/auth_mac.c), tests use
 * their own.
 */
#ifndef HVPTP_BC_AUTH_H
#define HVPTP_BC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/msg.h"
#include "common/sa.h"

#define AUTH_TLV_FIXED 10 /* type, length, spp, secParamIndicator, keyID */

struct auth_mac_ops {
	/* The MAC of data[0..len) under key, its first
	 * sa_alg_icv_len(key->alg) octets into icv.  0 or a negative
	 * errno. */
	int (*compute)(void *ctx, const struct sa_key *key,
		       const uint8_t *data, size_t len, uint8_t *icv);
	/* That MAC equals icv (compared in constant time). */
	bool (*verify)(void *ctx, const struct sa_key *key,
		       const uint8_t *data, size_t len, const uint8_t *icv);
};

/* The octets an AUTHENTICATION TLV with this key adds to a message. */
size_t auth_tlv_len(const struct sa_key *key);

/*
 * Append the TLV to the packed message buf[0..len) (capacity cap):
 * messageLength is rewritten, the ICV computed.  Returns the new length,
 * -EMSGSIZE when it does not fit (or exceeds PTP_MAX_MSG_LEN), or the
 * MAC's error.
 */
int auth_tlv_append(const struct sa *sa, const struct sa_key *key,
		    const struct auth_mac_ops *ops, void *ctx, uint8_t *buf,
		    size_t len, size_t cap);

/*
 * Check the AUTHENTICATION TLV of a received message (buf as received,
 * m its unpacked form) against the association sa.  BC_DROP_NONE, or
 * why it fails (BC_DROP_AUTH_NO_TLV, _UNKNOWN_SPP, _UNKNOWN_KEY,
 * _BAD_LENGTH, _BAD_ICV).  The key found is returned in *key (may be
 * NULL).  The replay check is the port's (auth_port_rx).
 */
enum bc_drop auth_tlv_verify(const struct sa *sa,
			     const struct auth_mac_ops *ops, void *ctx,
			     const uint8_t *buf, size_t len,
			     const struct ptp_msg *m,
			     const struct sa_key **key);

/* The last TLV of m is an AUTHENTICATION TLV (1), or not (0): what a
 * management request or a forwarded message leaves out. */
int auth_msg_has_tlv(const struct ptp_msg *m);

/*
 * The replay window (ptp4l's seqid_window): seq is acceptable after last
 * when it advances it by 1..window (mod 2^16).  window 0: always.
 */
bool auth_seq_ok(uint16_t last, uint16_t seq, uint16_t window);

/*
 * The clock's security associations and MAC (the program's; NULL db: no
 * association, so a port with spp drops everything and sends nothing).
 * The pointers must stay valid until the next call: a reload passes the
 * new database.  The ports' replay windows start afresh.
 */
struct bc;
void bc_set_auth(struct bc *bc, const struct sa_db *db,
		 const struct auth_mac_ops *ops, void *ctx);

#endif
