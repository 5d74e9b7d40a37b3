/*
 * common/lockhist.c — a clock's lock history (see common/lockhist.h).
 */
#include <string.h>

#include "common/lockhist.h"

void cm_lockhist_init(struct cm_lockhist *h)
{
	memset(h, 0, sizeof(*h));
}

/* now - since, never below 0. */
static int64_t span(const struct cm_lockhist *h, int64_t now)
{
	return now > h->since_ns ? now - h->since_ns : 0;
}

static void record(struct cm_lockhist *h, bool locked, int64_t now)
{
	h->ring[h->changes % CM_LOCKHIST_RING] =
		(struct cm_lockhist_change){ .at_ns = now, .locked = locked };
	h->changes++;
}

bool cm_lockhist_feed(struct cm_lockhist *h, bool locked, int64_t now)
{
	int64_t d;

	if (!h->started) {
		cm_lockhist_init(h);
		h->started = true;
		h->start_ns = h->since_ns = now;
	} else if (locked == h->locked) {
		return false;
	} else if (now < h->since_ns) {
		now = h->since_ns; /* no time backwards */
	}
	if (!locked && !h->locked)
		return false; /* the start, unlocked */
	d = span(h, now);
	if (locked) {
		if (h->ever_locked) {
			h->recover_ns += d;
			h->recoveries++;
		} else {
			h->ever_locked = true;
			h->first_lock_ns = now;
		}
	} else {
		h->locked_ns += d;
		h->losses++;
	}
	h->locked = locked;
	h->since_ns = now;
	record(h, locked, now);
	return true;
}

void cm_lockhist_figures(const struct cm_lockhist *h, int64_t now,
			 struct cm_lockhist_fig *f)
{
	memset(f, 0, sizeof(*f));
	if (!h->started)
		return;
	f->started = true;
	f->locked = h->locked;
	f->in_state_ns = span(h, now);
	f->observed_ns = now > h->start_ns ? now - h->start_ns : 0;
	f->locked_total_ns = h->locked_ns + (h->locked ? f->in_state_ns : 0);
	f->losses = h->losses;
	f->first_lock_known = h->ever_locked;
	if (h->ever_locked)
		f->first_lock_ns = h->first_lock_ns - h->start_ns;
	f->mtbf_known = h->losses > 0;
	if (f->mtbf_known)
		f->mtbf_ns = f->locked_total_ns / (int64_t)h->losses;
	f->mttr_known = h->recoveries > 0;
	if (f->mttr_known)
		f->mttr_ns = h->recover_ns / (int64_t)h->recoveries;
}

int cm_lockhist_count(const struct cm_lockhist *h)
{
	return h->changes < CM_LOCKHIST_RING ? (int)h->changes
					     : CM_LOCKHIST_RING;
}

const struct cm_lockhist_change *cm_lockhist_at(const struct cm_lockhist *h,
						int i)
{
	if (i < 0 || i >= cm_lockhist_count(h))
		return NULL;
	return &h->ring[(h->changes - 1 - (uint32_t)i) % CM_LOCKHIST_RING];
}
