/*
 * bc/mgmt_lock.c — HVPTP_LOCK_HISTORY_NP: each clock's lock history as the
 * program last published it (struct bc_clock_info's lock), its figures
 * taken at the time of the request (common/lockhist.h).  Layout in
 * bc/mgmt.h.
 *
 * One message holds all the clocks of a host with 16 changes each up to
 * 6 clocks; with more, each record carries fewer changes so that every
 * clock fits (the figures matter more than old changes), and only when
 * not even that fits are clocks left out (BC_MGMT_LOCKS_MORE).
 */
#include "bc/internal.h"

/* Room for the dataField: a message less its header (34), the management
 * fields (14) and the TLV's type, length and managementId (6). */
#define LOCKS_ROOM (PTP_MAX_MSG_LEN - 34 - 14 - 6)

static uint64_t ns_u64(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

static void put_lock_record(const struct bc *bc, int k, int max_changes,
			    struct wire_writer *w)
{
	const struct bc_clock_info *c = &bc->clocks[k];
	struct cm_lockhist_fig f = { 0 };
	int m = 0;
	uint8_t flags = 0;

	if (c->lock_applicable) {
		flags |= BC_MGMT_LOCK_APPLICABLE;
		cm_lockhist_figures(&c->lock, bc->mgmt_now, &f);
		m = cm_lockhist_count(&c->lock);
		m = m < max_changes ? m : max_changes;
	}
	if (f.started)
		flags |= BC_MGMT_LOCK_KNOWN;
	flags |= f.locked ? BC_MGMT_LOCK_LOCKED : 0;
	flags |= f.first_lock_known ? BC_MGMT_LOCK_FIRST_KNOWN : 0;
	flags |= f.mtbf_known ? BC_MGMT_LOCK_MTBF_KNOWN : 0;
	flags |= f.mttr_known ? BC_MGMT_LOCK_MTTR_KNOWN : 0;
	wire_put_u8(w, (uint8_t)k);
	wire_put_u8(w, flags);
	wire_put_u8(w, (uint8_t)m);
	wire_put_u8(w, 0);
	wire_put_u32(w, f.losses);
	wire_put_u64(w, ns_u64(f.in_state_ns));
	wire_put_u64(w, ns_u64(f.locked_total_ns));
	wire_put_u64(w, ns_u64(f.observed_ns));
	wire_put_u64(w, ns_u64(f.first_lock_ns));
	wire_put_u64(w, ns_u64(f.mtbf_ns));
	wire_put_u64(w, ns_u64(f.mttr_ns));
	for (int i = 0; i < m; i++) {
		const struct cm_lockhist_change *ch = cm_lockhist_at(&c->lock,
								     i);

		wire_put_u64(w, ns_u64(ch->at_ns));
		wire_put_u8(w, ch->locked ? 1 : 0);
		wire_put_u8(w, 0);
	}
}

void mgmt_get_lock_history_np(const struct bc *bc, int port,
			      struct wire_writer *w)
{
	int n = 0, fit, per;

	(void)port;
	for (int k = 0; k < BC_MAX_CLOCKS; k++)
		n += bc->clocks[k].present;
	fit = (LOCKS_ROOM - BC_MGMT_LOCKS_HEAD_LEN) / BC_MGMT_LOCK_REC_LEN;
	fit = n < fit ? n : fit;
	per = fit ? (LOCKS_ROOM - BC_MGMT_LOCKS_HEAD_LEN -
		     fit * BC_MGMT_LOCK_REC_LEN) /
			    (fit * BC_MGMT_LOCK_CHANGE_LEN)
		  : 0;
	per = per < CM_LOCKHIST_RING ? per : CM_LOCKHIST_RING;
	wire_put_u8(w, (uint8_t)fit);
	wire_put_u8(w, fit < n ? BC_MGMT_LOCKS_MORE : 0);
	wire_put_u16(w, 0);
	wire_put_u64(w, ns_u64(bc->mgmt_now));
	for (int k = 0, done = 0; k < BC_MAX_CLOCKS && done < fit; k++) {
		if (!bc->clocks[k].present)
			continue;
		put_lock_record(bc, k, per, w);
		done++;
	}
}
