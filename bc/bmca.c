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

/* ---- foreign master table (the policy is in bmca.h) ---- */

#define FM_SEEN_NONE 0xFFFFu

static uint64_t fm_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static unsigned fm_bucket(const struct fm_seen *s, uint16_t port,
			  const struct port_identity *id)
{
	uint64_t h = 0;

	for (int i = 0; i < 8; i++)
		h = h << 8 | id->clock_identity.id[i];
	h = fm_mix(h ^ s->key);
	h = fm_mix(h ^ ((uint64_t)port << 16 | id->port_number));
	return (unsigned)(h & (FM_SEEN_BUCKETS - 1));
}

void fm_seen_init(struct fm_seen *s, uint64_t key)
{
	s->key = fm_mix(key ^ 0x5ee9u);
	for (int i = 0; i < FM_SEEN_BUCKETS; i++)
		s->head[i] = FM_SEEN_NONE;
	s->next_slot = 0;
	s->wrapped = false;
	s->sighted = 0;
	s->overwritten = 0;
	/* the slots are read only through the buckets: left untouched */
}

static bool fm_sight_is(const struct fm_sight *e, uint16_t port,
			const struct port_identity *id)
{
	return e->live && e->port == port &&
	       e->port_number == id->port_number &&
	       clock_identity_eq(&e->id, &id->clock_identity);
}

static struct fm_sight *fm_seen_find(struct fm_seen *s, uint16_t port,
				     const struct port_identity *id)
{
	uint16_t i = s->head[fm_bucket(s, port, id)];

	while (i != FM_SEEN_NONE) {
		if (fm_sight_is(&s->slot[i], port, id))
			return &s->slot[i];
		i = s->slot[i].next;
	}
	return NULL;
}

static void fm_seen_unlink(struct fm_seen *s, struct fm_sight *e)
{
	struct port_identity id = { e->id, e->port_number };
	uint16_t *link = &s->head[fm_bucket(s, e->port, &id)];
	uint16_t me = (uint16_t)(e - s->slot);

	while (*link != FM_SEEN_NONE && *link != me)
		link = &s->slot[*link].next;
	if (*link == me)
		*link = e->next;
	e->live = false;
}

/* Remember a first receipt, overwriting the oldest sighting. */
static void fm_seen_put(struct fm_seen *s, uint16_t port,
			const struct port_identity *id, int64_t now)
{
	struct fm_sight *e = fm_seen_find(s, port, id);
	unsigned b;

	if (e) {
		e->t = now;
		return;
	}
	e = &s->slot[s->next_slot];
	if (s->wrapped && e->live) {
		fm_seen_unlink(s, e);
		s->overwritten++;
	}
	s->next_slot = (uint16_t)((s->next_slot + 1) % FM_SEEN_SLOTS);
	if (s->next_slot == 0)
		s->wrapped = true;
	b = fm_bucket(s, port, id);
	e->id = id->clock_identity;
	e->port_number = id->port_number;
	e->port = port;
	e->t = now;
	e->live = true;
	e->next = s->head[b];
	s->head[b] = (uint16_t)(e - s->slot);
	s->sighted++;
}

void fm_init(struct fm_table *t, uint8_t threshold, uint8_t window,
	     struct fm_seen *seen, uint16_t port)
{
	memset(t, 0, sizeof(*t));
	if (threshold < 1)
		threshold = 1;
	if (threshold > BMCA_MAX_THRESHOLD)
		threshold = BMCA_MAX_THRESHOLD;
	t->threshold = threshold;
	t->window = window ? window : 4;
	t->seen = seen;
	t->port = port;
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

/* The announce interval a sender is judged by: the receiving port's, or
 * the sender's when that is longer (a slower master still qualifies). */
static int64_t fm_interval_ns(int8_t sender, int8_t port_log)
{
	int8_t log = port_log;

	if (sender > log && sender <= 16)
		log = sender;
	return tmv_log_interval_ns(log);
}

static int64_t fm_window_ns(const struct fm_table *t, int8_t sender,
			    int8_t port_log)
{
	return (int64_t)t->window * fm_interval_ns(sender, port_log);
}

/* Receipt times of r inside the window ending at now. */
static int fm_recent(const struct fm_table *t, const struct fm_record *r,
		     int64_t now, int8_t port_log)
{
	int64_t window_ns = fm_window_ns(t, r->hdr.log_msg_interval, port_log);
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

static void fm_msg_dataset(const struct ptp_msg *m, struct bmca_dataset *d)
{
	memset(d, 0, sizeof(*d));
	d->priority1 = m->body.announce.gm_priority1;
	d->gm_identity = m->body.announce.gm_identity;
	d->gm_quality = m->body.announce.gm_clock_quality;
	d->priority2 = m->body.announce.gm_priority2;
	d->steps_removed = m->body.announce.steps_removed;
	d->sender = m->hdr.source_port_identity;
}

/* Who a newcomer may replace, in the order of rule 2. */
struct fm_victim {
	struct fm_record *lapsed; /* not qualified: least recently heard */
	struct fm_record *worst; /* qualified: worst data set */
	struct bmca_dataset worst_ds;
};

static void fm_consider(const struct fm_table *t, struct fm_record *r,
			int64_t now, int8_t port_log, struct fm_victim *v)
{
	struct bmca_dataset ds;

	if (!fm_qualified(t, r, now, port_log)) {
		if (!v->lapsed || fm_last_rx(t, r) < fm_last_rx(t, v->lapsed))
			v->lapsed = r;
		return;
	}
	fm_dataset(r, &(struct port_identity){ 0 }, &ds);
	if (!v->worst || bmca_better(&v->worst_ds, &ds)) {
		v->worst = r;
		v->worst_ds = ds;
	}
}

/* A record for a newcomer m from addr (rules 2 and 3), or NULL. */
static struct fm_record *fm_make_room(struct fm_table *t,
				      const struct ptp_msg *m,
				      const struct bc_addr *addr, int64_t now,
				      int8_t port_log)
{
	struct fm_victim v = { 0 };
	struct fm_record *free_rec = NULL, *r;
	struct bmca_dataset mine;
	bool grouped = addr && addr->len;
	int n = 0;

	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		r = &t->rec[i];
		if (!r->used)
			free_rec = free_rec ? free_rec : r;
		else if (grouped && fm_addr_eq(&r->addr, addr))
			n++;
	}
	if (free_rec && n < BMCA_MAX_FOREIGN_PER_ADDR)
		return free_rec;
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		r = &t->rec[i];
		if (r->used && (n < BMCA_MAX_FOREIGN_PER_ADDR ||
				fm_addr_eq(&r->addr, addr)))
			fm_consider(t, r, now, port_log, &v);
	}
	fm_msg_dataset(m, &mine);
	r = v.lapsed;
	if (!r && v.worst && bmca_better(&mine, &v.worst_ds))
		r = v.worst;
	if (r) {
		r->used = false;
		t->evictions++;
	}
	return r;
}

/* Rule 1: has this new sender been sighted inside the window?  Returns
 * the earlier receipt's time (and forgets the sighting), or -1 after
 * remembering this receipt. */
static int64_t fm_sighted_before(struct fm_table *t, const struct ptp_msg *m,
				 int64_t now, int8_t port_log)
{
	const struct port_identity *s = &m->hdr.source_port_identity;
	struct fm_sight *e;
	int64_t then;

	if (!t->seen)
		return -1;
	e = fm_seen_find(t->seen, t->port, s);
	if (e) {
		then = e->t;
		if (now - then <= fm_window_ns(t, m->hdr.log_msg_interval,
					      port_log) &&
		    then <= now) {
			fm_seen_unlink(t->seen, e);
			return then;
		}
	}
	fm_seen_put(t->seen, t->port, s, now);
	t->sightings++;
	if (t->burst_n == 0 ||
	    now - t->burst_start > fm_window_ns(t, 0, port_log)) {
		t->burst_start = now;
		t->burst_n = 0;
	}
	t->burst_n++;
	return -1;
}

bool fm_flooded(const struct fm_table *t)
{
	return t->burst_n > BMCA_MAX_FOREIGN;
}

static void fm_note_rx(struct fm_table *t, struct fm_record *r,
		       const struct ptp_msg *m, const struct bc_addr *addr,
		       int64_t now)
{
	r->hdr = m->hdr;
	r->ann = m->body.announce;
	if (addr)
		r->addr = *addr;
	fm_store_path(r, m);
	r->rx_ns[r->rx_next] = now;
	r->rx_next = (uint8_t)((r->rx_next + 1) % t->threshold);
	if (r->rx_count < t->threshold)
		r->rx_count++;
}

/* A sender without a record: sighted, recorded or refused. */
static struct fm_record *fm_add_new(struct fm_table *t,
				    const struct ptp_msg *m,
				    const struct bc_addr *addr, int64_t now,
				    int8_t port_log, enum fm_outcome *how)
{
	int64_t then = -1;
	struct fm_record *r;

	if (t->threshold > 1) {
		then = fm_sighted_before(t, m, now, port_log);
		if (then < 0) {
			*how = FM_SIGHTED;
			return NULL;
		}
	}
	r = fm_make_room(t, m, addr, now, port_log);
	if (!r) {
		t->overflows++;
		if (t->seen)
			fm_seen_put(t->seen, t->port,
				    &m->hdr.source_port_identity, now);
		*how = FM_REFUSED;
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->sender = m->hdr.source_port_identity;
	if (then >= 0) {
		r->rx_ns[0] = then;
		r->rx_next = 1;
		r->rx_count = 1;
	}
	fm_note_rx(t, r, m, addr, now);
	*how = FM_NEW;
	return r;
}

struct fm_record *fm_add(struct fm_table *t, const struct ptp_msg *m,
			 const struct bc_addr *addr, int64_t now,
			 int8_t port_log, enum fm_outcome *how)
{
	struct fm_record *r = fm_find(t, &m->hdr.source_port_identity);

	if (!r)
		return fm_add_new(t, m, addr, now, port_log, how);
	if (r->rx_count && r->hdr.sequence_id == m->hdr.sequence_id) {
		t->duplicates++;
		*how = FM_DUPLICATE;
		return r;
	}
	fm_note_rx(t, r, m, addr, now);
	*how = FM_KNOWN;
	return r;
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
