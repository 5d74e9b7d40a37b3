/* bc/bmca.c — data set comparison, state decision, foreign masters. */
#include "bc/bmca.h"

#include <string.h>

#include "common/tmv.h"

/* Part 1 of Figure 34: different grandmasters. */
static enum bmca_cmp cmp_grandmasters(const struct bmca_dataset *a,
				      const struct bmca_dataset *b)
{
	const struct clock_quality *qa = &a->gm_quality, *qb = &b->gm_quality;
	int c;

	if (a->priority1 != b->priority1)
		return a->priority1 < b->priority1 ? BMCA_A_BETTER
						   : BMCA_B_BETTER;
	if (qa->clock_class != qb->clock_class)
		return qa->clock_class < qb->clock_class ? BMCA_A_BETTER
							 : BMCA_B_BETTER;
	if (qa->clock_accuracy != qb->clock_accuracy)
		return qa->clock_accuracy < qb->clock_accuracy ? BMCA_A_BETTER
							       : BMCA_B_BETTER;
	if (qa->offset_scaled_log_variance != qb->offset_scaled_log_variance)
		return qa->offset_scaled_log_variance <
				       qb->offset_scaled_log_variance
			       ? BMCA_A_BETTER
			       : BMCA_B_BETTER;
	if (a->priority2 != b->priority2)
		return a->priority2 < b->priority2 ? BMCA_A_BETTER
						   : BMCA_B_BETTER;
	c = clock_identity_cmp(&a->gm_identity, &b->gm_identity);
	return c < 0 ? BMCA_A_BETTER : BMCA_B_BETTER;
}

/* One data set one step further away than the other: the receiver/sender
 * check of Figure 35 on the PortIdentities (as linuxptp does).  `far` is
 * the one with more steps. */
static int cmp_one_step(const struct bmca_dataset *far)
{
	return port_identity_cmp(&far->receiver, &far->sender);
}

/* Part 2 of Figure 34 (Figure 35): same grandmaster, compare topology. */
static enum bmca_cmp cmp_topology(const struct bmca_dataset *a,
				  const struct bmca_dataset *b)
{
	int c;

	if (a->steps_removed > b->steps_removed + 1)
		return BMCA_B_BETTER;
	if (a->steps_removed + 1 < b->steps_removed)
		return BMCA_A_BETTER;
	if (a->steps_removed > b->steps_removed) {
		c = cmp_one_step(a);
		if (c == 0)
			return BMCA_ERROR1;
		return c < 0 ? BMCA_B_BETTER : BMCA_B_BETTER_TOPO;
	}
	if (a->steps_removed < b->steps_removed) {
		c = cmp_one_step(b);
		if (c == 0)
			return BMCA_ERROR1;
		return c < 0 ? BMCA_A_BETTER : BMCA_A_BETTER_TOPO;
	}
	c = port_identity_cmp(&a->sender, &b->sender);
	if (c)
		return c > 0 ? BMCA_B_BETTER_TOPO : BMCA_A_BETTER_TOPO;
	if (a->receiver.port_number != b->receiver.port_number)
		return a->receiver.port_number > b->receiver.port_number
			       ? BMCA_B_BETTER_TOPO
			       : BMCA_A_BETTER_TOPO;
	return BMCA_EQUAL;
}

enum bmca_cmp bmca_compare(const struct bmca_dataset *a,
			   const struct bmca_dataset *b)
{
	if (!a && !b)
		return BMCA_EQUAL;
	if (!b)
		return BMCA_A_BETTER;
	if (!a)
		return BMCA_B_BETTER;
	if (!clock_identity_eq(&a->gm_identity, &b->gm_identity))
		return cmp_grandmasters(a, b);
	return cmp_topology(a, b);
}

/* G.8275.1 Figure 2: the grandmasters' attributes without priority1,
 * then the local priority; 0 when all are equal. */
static int cmp_g8275_attributes(const struct bmca_dataset *a,
				const struct bmca_dataset *b)
{
	const struct clock_quality *qa = &a->gm_quality, *qb = &b->gm_quality;

	if (qa->clock_class != qb->clock_class)
		return qa->clock_class < qb->clock_class ? 1 : -1;
	if (qa->clock_accuracy != qb->clock_accuracy)
		return qa->clock_accuracy < qb->clock_accuracy ? 1 : -1;
	if (qa->offset_scaled_log_variance != qb->offset_scaled_log_variance)
		return qa->offset_scaled_log_variance <
				       qb->offset_scaled_log_variance
			       ? 1
			       : -1;
	if (a->priority2 != b->priority2)
		return a->priority2 < b->priority2 ? 1 : -1;
	if (a->local_priority != b->local_priority)
		return a->local_priority < b->local_priority ? 1 : -1;
	return 0;
}

enum bmca_cmp bmca_compare_g8275(const struct bmca_dataset *a,
				 const struct bmca_dataset *b)
{
	int c;

	if (!a && !b)
		return BMCA_EQUAL;
	if (!b)
		return BMCA_A_BETTER;
	if (!a)
		return BMCA_B_BETTER;
	c = cmp_g8275_attributes(a, b);
	if (c)
		return c > 0 ? BMCA_A_BETTER : BMCA_B_BETTER;
	/* equal class from here on: at or below 127 the grandmasters are
	 * interchangeable, the nearest wins */
	if (a->gm_quality.clock_class <= 127)
		return cmp_topology(a, b);
	c = clock_identity_cmp(&a->gm_identity, &b->gm_identity);
	if (c)
		return c < 0 ? BMCA_A_BETTER : BMCA_B_BETTER;
	return cmp_topology(a, b);
}

const char *bmca_decision_name(enum bmca_decision d)
{
	static const char *const names[] = {
		[BMCA_NONE] = "none", [BMCA_M1] = "M1", [BMCA_M2] = "M2",
		[BMCA_M3] = "M3",     [BMCA_P1] = "P1", [BMCA_P2] = "P2",
		[BMCA_S1] = "S1",
	};

	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d]
							      : "?";
}

static bool cmp_better(bmca_compare_fn cmp, const struct bmca_dataset *a,
		       const struct bmca_dataset *b)
{
	enum bmca_cmp r = cmp(a, b);

	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

enum bmca_decision bmca_state_decision_cmp(bmca_compare_fn cmp,
					   const struct bmca_dataset *d0,
					   const struct bmca_dataset *ebest,
					   const struct bmca_dataset *erbest,
					   bool ebest_here, bool listening)
{
	if (!erbest && listening)
		return BMCA_NONE;
	if (d0->gm_quality.clock_class <= 127)
		return cmp_better(cmp, d0, erbest) ? BMCA_M1 : BMCA_P1;
	if (cmp_better(cmp, d0, ebest))
		return BMCA_M2;
	if (ebest_here)
		return BMCA_S1;
	if (erbest && cmp(ebest, erbest) == BMCA_A_BETTER_TOPO)
		return BMCA_P2;
	return BMCA_M3;
}

enum bmca_decision bmca_state_decision(const struct bmca_dataset *d0,
				       const struct bmca_dataset *ebest,
				       const struct bmca_dataset *erbest,
				       bool ebest_here, bool listening)
{
	return bmca_state_decision_cmp(bmca_compare, d0, ebest, erbest,
				       ebest_here, listening);
}

/* ---- foreign master table ---- */

void fm_init(struct fm_table *t, uint8_t threshold, uint8_t window)
{
	memset(t, 0, sizeof(*t));
	if (threshold < 1)
		threshold = 1;
	if (threshold > BMCA_MAX_THRESHOLD)
		threshold = BMCA_MAX_THRESHOLD;
	t->threshold = threshold;
	t->window = window ? window : 4;
}

void fm_clear(struct fm_table *t)
{
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++)
		t->rec[i].used = false;
}

struct fm_record *fm_find(struct fm_table *t, const struct port_identity *s)
{
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		if (t->rec[i].used && port_identity_eq(&t->rec[i].sender, s))
			return &t->rec[i];
	}
	return NULL;
}

void fm_remove(struct fm_table *t, const struct port_identity *s)
{
	struct fm_record *r = fm_find(t, s);

	if (r)
		r->used = false;
}

static struct fm_record *fm_alloc(struct fm_table *t,
				  const struct port_identity *s)
{
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		struct fm_record *r = &t->rec[i];

		if (!r->used) {
			memset(r, 0, sizeof(*r));
			r->used = true;
			r->sender = *s;
			return r;
		}
	}
	t->overflows++;
	return NULL;
}

static void fm_store_path(struct fm_record *r, const struct ptp_msg *m)
{
	const struct ptp_tlv_views *v = &m->tlv_view;

	r->path_len = 0;
	if (!v->has_path_trace)
		return;
	r->path_len = v->path_trace_count;
	memcpy(r->path, v->path_trace,
	       sizeof(r->path[0]) * (size_t)v->path_trace_count);
}

static bool fm_addr_eq(const struct bc_addr *a, const struct bc_addr *b)
{
	return a->len && a->len == b->len && a->len <= sizeof(a->data) &&
	       memcmp(a->data, b->data, a->len) == 0;
}

static int64_t fm_last_rx(const struct fm_table *t, const struct fm_record *r)
{
	return r->rx_ns[(r->rx_next + t->threshold - 1) % t->threshold];
}

/* How many records addr holds, and the least recently heard of those not
 * heard FOREIGN_MASTER_THRESHOLD times (a sender that keeps announcing,
 * the master among them, is never given up for a newcomer), or NULL. */
static struct fm_record *fm_addr_oldest(struct fm_table *t,
					const struct bc_addr *addr, int *n)
{
	struct fm_record *old = NULL;

	*n = 0;
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		struct fm_record *r = &t->rec[i];

		if (!r->used || !fm_addr_eq(&r->addr, addr))
			continue;
		++*n;
		if (r->rx_count >= t->threshold)
			continue;
		if (!old || fm_last_rx(t, r) < fm_last_rx(t, old))
			old = r;
	}
	return old;
}

static bool fm_full(const struct fm_table *t)
{
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		if (!t->rec[i].used)
			return false;
	}
	return true;
}

/* Room for a new sender from addr (fm_add's rule): a record given up, if
 * one must be. */
static void fm_make_room(struct fm_table *t, const struct bc_addr *addr)
{
	struct fm_record *victim = NULL, *r;
	int n, most = 1;

	if (!addr || !addr->len)
		return;
	r = fm_addr_oldest(t, addr, &n);
	if (n >= BMCA_MAX_FOREIGN_PER_ADDR) {
		victim = r;
	} else if (fm_full(t)) {
		for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
			if (!t->rec[i].used)
				continue;
			r = fm_addr_oldest(t, &t->rec[i].addr, &n);
			if (n > most && r) {
				most = n;
				victim = r;
			}
		}
	}
	if (victim) {
		victim->used = false;
		t->evictions++;
	}
}

struct fm_record *fm_add(struct fm_table *t, const struct ptp_msg *m,
			 const struct bc_addr *addr, int64_t now, bool *is_new)
{
	const struct port_identity *s = &m->hdr.source_port_identity;
	struct fm_record *r = fm_find(t, s);

	*is_new = !r;
	if (!r)
		fm_make_room(t, addr);
	if (!r)
		r = fm_alloc(t, s);
	if (!r)
		return NULL;
	r->hdr = m->hdr;
	r->ann = m->body.announce;
	if (addr)
		r->addr = *addr;
	fm_store_path(r, m);
	r->rx_ns[r->rx_next] = now;
	r->rx_next = (uint8_t)((r->rx_next + 1) % t->threshold);
	if (r->rx_count < t->threshold)
		r->rx_count++;
	return r;
}

/* The announce interval a record is judged by: the receiving port's, or
 * the sender's when that is longer (a slower master still qualifies). */
static int64_t fm_interval_ns(const struct fm_record *r, int8_t port_log)
{
	int8_t log = port_log;
	int8_t sender = r->hdr.log_msg_interval;

	if (sender > log && sender <= 16)
		log = sender;
	return tmv_log_interval_ns(log);
}

/* Receipt times of r inside the window ending at now. */
static int fm_recent(const struct fm_table *t, const struct fm_record *r,
		     int64_t now, int8_t port_log)
{
	int64_t window_ns = (int64_t)t->window * fm_interval_ns(r, port_log);
	int n = 0;

	for (int i = 0; i < r->rx_count; i++) {
		if (now - r->rx_ns[i] <= window_ns)
			n++;
	}
	return n;
}

void fm_prune(struct fm_table *t, int64_t now, int8_t port_log)
{
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		struct fm_record *r = &t->rec[i];

		if (r->used && fm_recent(t, r, now, port_log) == 0)
			r->used = false;
	}
}

bool fm_qualified(const struct fm_table *t, const struct fm_record *r,
		  int64_t now, int8_t port_log)
{
	return r->used && fm_recent(t, r, now, port_log) >= t->threshold;
}

void fm_dataset(const struct fm_record *r, const struct port_identity *rx,
		struct bmca_dataset *out)
{
	out->priority1 = r->ann.gm_priority1;
	out->gm_identity = r->ann.gm_identity;
	out->gm_quality = r->ann.gm_clock_quality;
	out->priority2 = r->ann.gm_priority2;
	out->steps_removed = r->ann.steps_removed;
	out->sender = r->sender;
	out->receiver = *rx;
}
