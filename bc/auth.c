/*
 * bc/auth.c — the AUTHENTICATION TLV: appended to what a port with spp
 * sends, checked on what it receives (see auth.h for the format and the
 * rules).  The port's hooks (auth_port_tx, auth_port_rx,
 * auth_port_accepted) are called from bc/port.c.
 */
#include <errno.h>
#include <string.h>

#include "bc/auth.h"
#include "bc/internal.h"
#include "bc/tlv.h"
#include "bc/wire.h"

#define AUTH_CORRECTION_OFF 8 /* correctionField in the header */
#define AUTH_CORRECTION_LEN 8
#define AUTH_SEC_PARAM_MASK 0x07 /* RES, sequenceNo, delayed: all 0 */

size_t auth_tlv_len(const struct sa_key *key)
{
	return AUTH_TLV_FIXED + sa_alg_icv_len((enum sa_alg)key->alg);
}

int auth_tlv_append(const struct sa *sa, const struct sa_key *key,
		    const struct auth_mac_ops *ops, void *ctx, uint8_t *buf,
		    size_t len, size_t cap)
{
	size_t icv = sa_alg_icv_len((enum sa_alg)key->alg);
	size_t total = len + AUTH_TLV_FIXED + icv;
	uint8_t corr[AUTH_CORRECTION_LEN] = { 0 };
	struct wire_writer w;
	int err;

	if (!ops || !ops->compute || icv == 0)
		return -EINVAL;
	if (len < PTP_HEADER_LEN || total > cap || total > PTP_MAX_MSG_LEN)
		return -EMSGSIZE;
	wire_writer_init(&w, buf + len, AUTH_TLV_FIXED);
	wire_put_u16(&w, TLV_AUTHENTICATION);
	wire_put_u16(&w, (uint16_t)(AUTH_TLV_FIXED - TLV_HEADER_LEN + icv));
	wire_put_u8(&w, sa->spp);
	wire_put_u8(&w, 0); /* secParamIndicator: immediate, no options */
	wire_put_u32(&w, key->id);
	buf[2] = (uint8_t)(total >> 8); /* messageLength */
	buf[3] = (uint8_t)total;
	if (sa->allow_mutable) {
		memcpy(corr, buf + AUTH_CORRECTION_OFF, sizeof(corr));
		memset(buf + AUTH_CORRECTION_OFF, 0, sizeof(corr));
	}
	err = ops->compute(ctx, key, buf, len + AUTH_TLV_FIXED,
			   buf + len + AUTH_TLV_FIXED);
	if (sa->allow_mutable)
		memcpy(buf + AUTH_CORRECTION_OFF, corr, sizeof(corr));
	return err < 0 ? err : (int)total;
}

/* The offset of the last TLV of a message that msg_unpack accepted (its
 * TLVs tile the octets after the body up to messageLength), or -1. */
static long auth_last_tlv(const uint8_t *buf, const struct ptp_msg *m)
{
	int body = msg_body_len(m->hdr.msg_type);
	struct wire_reader r;
	long last = -1;

	if (body < 0)
		return -1;
	wire_reader_init(&r, buf, m->hdr.msg_length);
	wire_skip(&r, PTP_HEADER_LEN + (size_t)body);
	while (wire_reader_ok(&r) &&
	       wire_reader_remaining(&r) >= TLV_HEADER_LEN) {
		last = (long)wire_reader_pos(&r);
		wire_skip(&r, 2);
		wire_skip(&r, wire_get_u16(&r));
	}
	if (!wire_reader_ok(&r) || wire_reader_remaining(&r) != 0)
		return -1;
	return last;
}

/* The ICV check of the octets before it, with correctionField as zero
 * when the association allows it to change on the way. */
static bool auth_icv_ok(const struct sa *sa, const struct sa_key *key,
			const struct auth_mac_ops *ops, void *ctx,
			const uint8_t *buf, size_t covered)
{
	uint8_t copy[PTP_MAX_MSG_LEN];
	const uint8_t *icv = buf + covered;
	bool ok;

	if (!sa->allow_mutable)
		return ops->verify(ctx, key, buf, covered, icv);
	if (covered > sizeof(copy))
		return false;
	memcpy(copy, buf, covered);
	memset(copy + AUTH_CORRECTION_OFF, 0, AUTH_CORRECTION_LEN);
	ok = ops->verify(ctx, key, copy, covered, icv);
	memset(copy, 0, covered);
	return ok;
}

enum bc_drop auth_tlv_verify(const struct sa *sa,
			     const struct auth_mac_ops *ops, void *ctx,
			     const uint8_t *buf, size_t len,
			     const struct ptp_msg *m,
			     const struct sa_key **keyp)
{
	const struct sa_key *key;
	struct wire_reader r;
	uint16_t type, length;
	uint8_t spp, param;
	uint32_t id;
	long off = auth_last_tlv(buf, m);

	if (keyp)
		*keyp = NULL;
	if (off < 0 || (size_t)off + AUTH_TLV_FIXED > len)
		return BC_DROP_AUTH_NO_TLV;
	wire_reader_init(&r, buf + off, m->hdr.msg_length - (size_t)off);
	type = wire_get_u16(&r);
	length = wire_get_u16(&r);
	if (type != TLV_AUTHENTICATION)
		return BC_DROP_AUTH_NO_TLV;
	if (length < AUTH_TLV_FIXED - TLV_HEADER_LEN)
		return BC_DROP_AUTH_BAD_LENGTH;
	spp = wire_get_u8(&r);
	param = wire_get_u8(&r);
	id = wire_get_u32(&r);
	if (!sa || spp != sa->spp)
		return BC_DROP_AUTH_UNKNOWN_SPP;
	if (param & AUTH_SEC_PARAM_MASK)
		return BC_DROP_AUTH_BAD_LENGTH; /* fields we do not have */
	key = sa_find_key(sa, id);
	if (!key)
		return BC_DROP_AUTH_UNKNOWN_KEY;
	if (length != auth_tlv_len(key) - TLV_HEADER_LEN)
		return BC_DROP_AUTH_BAD_LENGTH;
	if (!ops || !ops->verify ||
	    !auth_icv_ok(sa, key, ops, ctx, buf, (size_t)off + AUTH_TLV_FIXED))
		return BC_DROP_AUTH_BAD_ICV;
	if (keyp)
		*keyp = key;
	return BC_DROP_NONE;
}

int auth_msg_has_tlv(const struct ptp_msg *m)
{
	return m->n_tlvs > 0 && m->n_tlvs <= PTP_MAX_TLVS &&
	       m->tlvs[m->n_tlvs - 1].type == TLV_AUTHENTICATION;
}

bool auth_seq_ok(uint16_t last, uint16_t seq, uint16_t window)
{
	uint16_t ahead = (uint16_t)(seq - last);

	return window == 0 || (ahead >= 1 && ahead <= window);
}

/* ---- the clock's database and MAC, the ports' hooks ---- */

void bc_set_auth(struct bc *bc, const struct sa_db *db,
		 const struct auth_mac_ops *ops, void *ctx)
{
	bc->auth.db = db;
	bc->auth.ops = ops;
	bc->auth.ctx = ctx;
	for (int i = 0; i < bc->nports; i++)
		bc->ports[i].auth.have_seq = false;
}

static const struct sa *auth_port_sa(const struct port *p)
{
	if (p->cfg.spp < 0)
		return NULL;
	return sa_db_find(p->bc->auth.db, p->cfg.spp);
}

int auth_port_tx(struct port *p, uint8_t *buf, size_t len, size_t cap)
{
	const struct sa *sa;
	const struct sa_key *key;

	if (p->cfg.spp < 0)
		return (int)len;
	sa = auth_port_sa(p);
	key = sa_find_key(sa, p->cfg.active_key_id);
	if (!key) /* the program checked both at start and reload */
		return -ENOKEY;
	return auth_tlv_append(sa, key, p->bc->auth.ops, p->bc->auth.ctx, buf,
			       len, cap);
}

/* A Sync or Follow_Up from the master the port last accepted one from,
 * in the same state: the replay window applies. */
static bool auth_seq_tracked(const struct port *p, const struct ptp_msg *m)
{
	unsigned t = m->hdr.msg_type;

	return (t == PTP_MSG_SYNC || t == PTP_MSG_FOLLOW_UP) &&
	       p->auth.have_seq && p->auth.state == p->ds.port_state &&
	       port_identity_eq(&p->auth.src, &m->hdr.source_port_identity);
}

/* A failed message is a configuration to look at (keys that differ) or
 * an attack: said at warning level, once per 10 s a port. */
static enum bc_drop auth_port_failed(struct port *p, enum bc_drop why,
				     const struct ptp_msg *m, int64_t now)
{
	if (!p->auth.rl.interval_ns)
		p->auth.rl.interval_ns = 10 * NS_PER_SEC;
	if (!cm_ratelimit_ok(&p->auth.rl, now))
		return why;
	clock_log_port(p, CM_LOG_WARNING, "authentication failed on %s: %s "
		       "(spp %d; %llu more since the last line)",
		       ptp_msg_type_name(m->hdr.msg_type), bc_drop_name(why),
		       p->cfg.spp, (unsigned long long)p->auth.rl.suppressed);
	p->auth.rl.suppressed = 0;
	return why;
}

enum bc_drop auth_port_rx(struct port *p, const uint8_t *buf, size_t len,
			  const struct ptp_msg *m, int64_t now)
{
	const struct sa *sa;
	enum bc_drop why;

	if (p->cfg.spp < 0)
		return BC_DROP_NONE;
	sa = auth_port_sa(p);
	why = auth_tlv_verify(sa, p->bc->auth.ops, p->bc->auth.ctx, buf, len,
			      m, NULL);
	if (why != BC_DROP_NONE)
		return auth_port_failed(p, why, m, now);
	if (auth_seq_tracked(p, m) &&
	    !auth_seq_ok(p->auth.last_seq, m->hdr.sequence_id,
			 sa->seqid_window))
		return auth_port_failed(p, BC_DROP_AUTH_REPLAY, m, now);
	return BC_DROP_NONE;
}

/* ptp4l's moment: the sequenceId of the Sync exchange that completed
 * (a Follow_Up, or a one-step Sync).  A two-step Sync leaves it, so that
 * its Follow_Up (the same sequenceId) passes. */
void auth_port_accepted(struct port *p, const struct ptp_msg *m)
{
	unsigned t = m->hdr.msg_type;

	if (p->cfg.spp < 0)
		return;
	if (t != PTP_MSG_FOLLOW_UP &&
	    !(t == PTP_MSG_SYNC && !(m->hdr.flags & PTP_FLAG_TWO_STEP)))
		return;
	p->auth.have_seq = true;
	p->auth.last_seq = m->hdr.sequence_id;
	p->auth.src = m->hdr.source_port_identity;
	p->auth.state = p->ds.port_state;
}
