/*
 * bc/mgmt_port.c — Management messages received on a PTP port.
 *
 * What hvptpd does (IEEE 1588-2019 15.3, with ptp4l's choices where the
 * standard leaves room):
 *  - nothing at all on a port without management_enabled (dropped,
 *    counted as "disabled");
 *  - a boundary clock passes every management message (requests and
 *    answers) received on a port in MASTER, PRE_MASTER, SLAVE or
 *    UNCALIBRATED with boundaryHops > 0 on to its other such ports, with
 *    boundaryHops - 1 and everything else unchanged (the requester stays the
 *    source) — except a message whose targetPortIdentity names this clock
 *    alone, which stops here;
 *  - a GET addressed to this clock (wildcard or our clockIdentity) is
 *    answered on the port it came in on, to the multicast group (unicast
 *    back to a unicast requester); SET and COMMAND from the network are
 *    refused with NOT_SUPPORTED: only the local read-write socket changes
 *    the clock, as with ptp4l; so are the GETs ptp4l 4.4 keeps for that
 *    socket (PORT_PROPERTIES_NP, PORT_HWCLOCK_NP: mgmt_ro_refused());
 *  - answers (RESPONSE, ACKNOWLEDGE, error status) from other clocks are
 *    only forwarded; nothing is relayed to local management clients.
 */
#include <errno.h>

#include "bc/internal.h"

static bool mgmt_port_forwards(const struct port *p)
{
	switch (p->ds.port_state) {
	case PS_MASTER:
	case PS_PRE_MASTER:
	case PS_SLAVE:
	case PS_UNCALIBRATED:
		return true;
	default:
		return false;
	}
}

/* Pass m on to the other forwarding ports; true when it went out at
 * least once. */
static bool mgmt_forward(struct port *in, const struct ptp_msg *m,
			 int64_t now, struct bc_actions *out)
{
	struct bc *bc = in->bc;
	struct ptp_msg fwd;
	bool sent = false;

	if (!mgmt_port_forwards(in) || m->body.management.boundary_hops == 0)
		return false;
	if (clock_identity_eq(&m->body.management.target_port_identity
				       .clock_identity,
			      &bc->dds.clock_identity))
		return false;
	for (int i = 0; i < bc->nports; i++) {
		struct port *p = &bc->ports[i];

		if (p == in || !p->present || !mgmt_port_forwards(p) ||
		    !p->cfg.management_enabled)
			continue;
		fwd = *m;
		fwd.n_tlvs -= auth_msg_has_tlv(&fwd); /* p adds its own */
		fwd.body.management.boundary_hops--;
		fwd.hdr.flags &= (uint16_t)~PTP_FLAG_UNICAST;
		if (port_send(p, &fwd, false, BC_DEST_PRIMARY, NULL, now,
			      out) == 0) {
			bc->mgmt.cnt.forwarded++;
			sent = true;
		}
	}
	return sent;
}

enum bc_drop mgmt_port_rx(struct port *p, const struct ptp_msg *m,
			  tmv_t rx_ts, const struct bc_addr *src, int64_t now,
			  struct bc_actions *out)
{
	struct bc *bc = p->bc;
	struct bc_mgmt_req r;
	enum bc_mgmt_drop why;
	struct mgmt_ctx c = {
		.bc = bc, .req = &r, .ingress = p->index, .read_only = true,
		.src = src, .now = now, .out = out,
	};
	int next = 0;
	bool forwarded;

	(void)rx_ts;
	if (!p->cfg.management_enabled) {
		bc_mgmt_count_drop(bc, BC_MGMT_DROP_DISABLED);
		return BC_DROP_UNSUPPORTED;
	}
	if (!srclimit_take(&p->mgmt_limit, src ? src->data : NULL,
			   src ? src->len : 0, now)) {
		bc_mgmt_count_drop(bc, BC_MGMT_DROP_RATE_LIMITED);
		return BC_DROP_RATE_LIMITED;
	}
	if (mgmt_req_from_msg(m, &r, &why) < 0) {
		bc_mgmt_count_drop(bc, why);
		return BC_DROP_BAD_TLV;
	}
	forwarded = mgmt_forward(p, m, now, out);
	if (!mgmt_is_request(&r))
		return BC_DROP_NONE; /* another clock's answer */
	if (!mgmt_for_us(bc, &r)) {
		bc_mgmt_count_drop(bc, BC_MGMT_DROP_NOT_FOR_US);
		return forwarded ? BC_DROP_NONE : BC_DROP_NOT_FOR_US;
	}
	if (mgmt_dispatch(&c, &next) == -ENOBUFS)
		bc_mgmt_count_drop(bc, BC_MGMT_DROP_NO_SPACE);
	bc->mgmt.req = NULL;
	return BC_DROP_NONE;
}
