/*
 * mgmt/uds_events.c — SUBSCRIBE_EVENTS_NP and the notifications, as
 * linuxptp sends them: a subscriber (its sourcePortIdentity and socket
 * address) gets a RESPONSE message with sequenceIds of its own for every
 * event it asked for, from the read-write socket.
 */
#include <errno.h>
#include <string.h>

#include "bc/tlv.h"
#include "bc/wire.h"
#include "common/log.h"
#include "mgmt/uds_priv.h"

static bool sub_same_client(const struct uds_sub *s,
			    const struct port_identity *id,
			    const struct sockaddr_un *addr, socklen_t len)
{
	return port_identity_eq(&s->id, id) && s->addrlen == len &&
	       memcmp(&s->addr, addr, (size_t)len) == 0;
}

static struct uds_sub *sub_find(struct mgmt_uds *u,
				const struct port_identity *id,
				const struct sockaddr_un *addr, socklen_t len)
{
	for (int i = 0; i < MGMT_UDS_MAX_SUBSCRIBERS; i++) {
		if (u->sub[i].used &&
		    sub_same_client(&u->sub[i], id, addr, len))
			return &u->sub[i];
	}
	return NULL;
}

static struct uds_sub *sub_alloc(struct mgmt_uds *u)
{
	for (int i = 0; i < MGMT_UDS_MAX_SUBSCRIBERS; i++) {
		if (!u->sub[i].used) {
			memset(&u->sub[i], 0, sizeof(u->sub[i]));
			u->sub[i].used = true;
			return &u->sub[i];
		}
	}
	return NULL;
}

static void sub_drop(struct mgmt_uds *u, struct uds_sub *s, const char *why)
{
	char id[PORT_ID_STRLEN];

	cm_log(CM_LOG_INFO, "management: subscriber %s %s",
	       port_identity_str(&s->id, id, sizeof(id)), why);
	s->used = false;
	u->st.expired++;
}

static bool mask_empty(const uint8_t *mask)
{
	for (int i = 0; i < BC_MGMT_EVENT_BITMASK_LEN; i++) {
		if (mask[i])
			return false;
	}
	return true;
}

static bool mask_has(const uint8_t *mask, unsigned event)
{
	return mask[event / 8] & (1u << (event % 8));
}

/* Seconds left, as SUBSCRIBE_EVENTS_NP reports them. */
static uint16_t sub_remaining(const struct uds_sub *s, int64_t now)
{
	int64_t left;

	if (!s)
		return 0;
	if (s->expires_ns == INT64_MAX)
		return BC_MGMT_SUBSCRIBE_FOREVER;
	left = (s->expires_ns - now + NS_PER_SEC - 1) / NS_PER_SEC;
	if (left <= 0)
		return 0;
	return left >= BC_MGMT_SUBSCRIBE_FOREVER ? BC_MGMT_SUBSCRIBE_FOREVER - 1
						 : (uint16_t)left;
}

static void sub_answer(struct mgmt_uds *u, const struct bc_mgmt_req *r,
		       const struct uds_sub *s, int64_t now)
{
	uint8_t data[BC_MGMT_SUBSCRIBE_LEN];
	struct wire_writer w;

	wire_writer_init(&w, data, sizeof(data));
	wire_put_u16(&w, sub_remaining(s, now));
	if (s)
		wire_put_bytes(&w, s->events, BC_MGMT_EVENT_BITMASK_LEN);
	else
		wire_put_zeros(&w, BC_MGMT_EVENT_BITMASK_LEN);
	bc_mgmt_respond(u->bc, r, BC_MID_SUBSCRIBE_EVENTS_NP, data,
			sizeof(data), &u->out);
}

/* Apply a SET: 0, or the managementErrorId to answer. */
static uint16_t sub_set(struct mgmt_uds *u, const struct bc_mgmt_req *r,
			const struct sockaddr_un *from, socklen_t fromlen,
			int64_t now)
{
	const struct port_identity *id = &r->hdr.source_port_identity;
	struct uds_sub *s = sub_find(u, id, from, fromlen);
	const uint8_t *mask;
	struct wire_reader rd;
	uint16_t duration;

	if (r->data_len != BC_MGMT_SUBSCRIBE_LEN)
		return TLV_MGMT_ERR_WRONG_LENGTH;
	wire_reader_init(&rd, r->data, r->data_len);
	duration = wire_get_u16(&rd);
	mask = wire_get_view(&rd, BC_MGMT_EVENT_BITMASK_LEN);
	if (!mask)
		return TLV_MGMT_ERR_WRONG_LENGTH;
	if (mask_empty(mask)) {
		if (s)
			sub_drop(u, s, "unsubscribed");
		return 0;
	}
	if (!s)
		s = sub_alloc(u);
	if (!s)
		return TLV_MGMT_ERR_GENERAL_ERROR;
	s->id = *id;
	s->addr = *from;
	s->addrlen = fromlen;
	memcpy(s->events, mask, BC_MGMT_EVENT_BITMASK_LEN);
	s->expires_ns = duration == BC_MGMT_SUBSCRIBE_FOREVER
				? INT64_MAX
				: now + (int64_t)duration * NS_PER_SEC;
	u->st.subscribes++;
	return 0;
}

void uds_subscribe(struct mgmt_uds *u, const struct bc_mgmt_req *r,
		   const struct sockaddr_un *from, socklen_t fromlen,
		   int64_t now)
{
	uint16_t err = 0;

	if (r->mgmt.action == PTP_MGMT_SET)
		err = sub_set(u, r, from, fromlen, now);
	if (err) {
		bc_mgmt_respond_error(u->bc, r, err, &u->out);
		return;
	}
	sub_answer(u, r,
		   sub_find(u, &r->hdr.source_port_identity, from, fromlen),
		   now);
}

static uint16_t event_id(enum bc_mgmt_event event)
{
	switch (event) {
	case BC_NOTIFY_PORT_STATE:
		return BC_MID_PORT_DATA_SET;
	case BC_NOTIFY_TIME_SYNC:
		return BC_MID_TIME_STATUS_NP;
	case BC_NOTIFY_HVPTP_ALARM:
		return BC_MID_HVPTP_ALARMS_NP;
	default:
		return BC_MID_PARENT_DATA_SET;
	}
}

static void notify_one(struct mgmt_uds *u, struct uds_sub *s, uint16_t id,
		       int port)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	int len, err;

	len = bc_mgmt_notification(u->bc, port, id, &s->id, s->seq, buf,
				   sizeof(buf));
	if (len < 0)
		return;
	s->seq++;
	err = uds_sendto(u, u->sock[UDS_RW].fd, buf, (size_t)len, &s->addr,
			 s->addrlen);
	if (err == -ECONNREFUSED || err == -ENOENT || err == -ENOTCONN)
		sub_drop(u, s, "is gone");
	else if (err == 0)
		u->st.notifications++;
}

void uds_notify(struct mgmt_uds *u, enum bc_mgmt_event event, int port)
{
	uint16_t id = event_id(event);

	if (u->sock[UDS_RW].fd < 0)
		return;
	for (int i = 0; i < MGMT_UDS_MAX_SUBSCRIBERS; i++) {
		struct uds_sub *s = &u->sub[i];

		if (!s->used || !mask_has(s->events, event))
			continue;
		if (s->expires_ns <= u->now) {
			sub_drop(u, s, "timed out");
			continue;
		}
		notify_one(u, s, id,
			   event == BC_NOTIFY_PORT_STATE ||
					   event == BC_NOTIFY_HVPTP_ALARM
				   ? port
				   : -1);
	}
}

static bool parent_same(const struct parent_ds *a, const struct parent_ds *b)
{
	const struct clock_quality *qa = &a->grandmaster_clock_quality;
	const struct clock_quality *qb = &b->grandmaster_clock_quality;

	return port_identity_eq(&a->parent_port_identity,
				&b->parent_port_identity) &&
	       a->parent_stats == b->parent_stats &&
	       a->observed_parent_offset_scaled_log_variance ==
		       b->observed_parent_offset_scaled_log_variance &&
	       a->observed_parent_clock_phase_change_rate ==
		       b->observed_parent_clock_phase_change_rate &&
	       clock_identity_eq(&a->grandmaster_identity,
				 &b->grandmaster_identity) &&
	       qa->clock_class == qb->clock_class &&
	       qa->clock_accuracy == qb->clock_accuracy &&
	       qa->offset_scaled_log_variance ==
		       qb->offset_scaled_log_variance &&
	       a->grandmaster_priority1 == b->grandmaster_priority1 &&
	       a->grandmaster_priority2 == b->grandmaster_priority2;
}

void uds_check_parent(struct mgmt_uds *u)
{
	const struct parent_ds *p = bc_parent_ds(u->bc);

	if (u->have_parent && parent_same(p, &u->last_parent))
		return;
	u->last_parent = *p;
	u->have_parent = true;
	uds_notify(u, BC_NOTIFY_PARENT_DATA_SET, -1);
}

void uds_check_alarms(struct mgmt_uds *u)
{
	uint64_t seq = bc_alarm_seq(u->bc);

	if (seq == u->alarm_seq)
		return;
	for (int i = 0; i < bc_alarm_count(u->bc); i++) {
		if (bc_alarm(u->bc, i)->seq > u->alarm_seq)
			uds_notify(u, BC_NOTIFY_HVPTP_ALARM, i);
	}
	u->alarm_seq = seq;
}

void uds_expire(struct mgmt_uds *u, int64_t now)
{
	for (int i = 0; i < MGMT_UDS_MAX_SUBSCRIBERS; i++) {
		if (u->sub[i].used && u->sub[i].expires_ns <= now)
			sub_drop(u, &u->sub[i], "timed out");
	}
}

int64_t uds_next_expiry(const struct mgmt_uds *u)
{
	int64_t next = INT64_MAX;

	for (int i = 0; i < MGMT_UDS_MAX_SUBSCRIBERS; i++) {
		if (u->sub[i].used && u->sub[i].expires_ns < next)
			next = u->sub[i].expires_ns;
	}
	return next;
}
