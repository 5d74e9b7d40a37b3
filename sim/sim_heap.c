/* sim/sim_heap.c — the event queue (see sim_heap.h). */
#include "sim/sim_heap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void sim_heap_init(struct sim_heap *h)
{
	memset(h, 0, sizeof(*h));
}

void sim_heap_free(struct sim_heap *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static bool ev_before(const struct sim_ev *a, const struct sim_ev *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	return a->seq < b->seq;
}

static void sift_up(struct sim_heap *h, size_t i)
{
	struct sim_ev e = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_before(&e, &h->v[parent]))
			break;
		h->v[i] = h->v[parent];
		i = parent;
	}
	h->v[i] = e;
}

static void sift_down(struct sim_heap *h, size_t i)
{
	struct sim_ev e = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && ev_before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!ev_before(&h->v[c], &e))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	h->v[i] = e;
}

int sim_heap_push(struct sim_heap *h, const struct sim_ev *ev)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct sim_ev *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n] = *ev;
	h->v[h->n].seq = h->next_seq++;
	h->n++;
	h->pushed++;
	sift_up(h, h->n - 1);
	return 0;
}

bool sim_heap_pop(struct sim_heap *h, struct sim_ev *ev)
{
	if (h->n == 0)
		return false;
	*ev = h->v[0];
	h->n--;
	if (h->n > 0) {
		h->v[0] = h->v[h->n];
		sift_down(h, 0);
	}
	return true;
}

int64_t sim_heap_next(const struct sim_heap *h)
{
	return h->n ? h->v[0].t : INT64_MAX;
}
