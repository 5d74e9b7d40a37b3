/* daemon/timerheap.c — indexed binary min-heap (see timerheap.h). */
#include <errno.h>
#include <stdlib.h>

#include "daemon/timerheap.h"

int timerheap_init(struct timerheap *th, int cap)
{
	th->cap = cap;
	th->n = 0;
	th->heap = calloc((size_t)cap, sizeof(int));
	th->pos = calloc((size_t)cap, sizeof(int));
	th->at = calloc((size_t)cap, sizeof(int64_t));
	if (!th->heap || !th->pos || !th->at) {
		timerheap_free(th);
		return -ENOMEM;
	}
	for (int i = 0; i < cap; i++)
		th->pos[i] = -1;
	return 0;
}

void timerheap_free(struct timerheap *th)
{
	free(th->heap);
	free(th->pos);
	free(th->at);
	th->heap = th->pos = NULL;
	th->at = NULL;
	th->n = th->cap = 0;
}

static bool less(const struct timerheap *th, int i, int j)
{
	int64_t a = th->at[th->heap[i]], b = th->at[th->heap[j]];

	/* ties by id keep the order deterministic */
	return a < b || (a == b && th->heap[i] < th->heap[j]);
}

static void swap(struct timerheap *th, int i, int j)
{
	int t = th->heap[i];

	th->heap[i] = th->heap[j];
	th->heap[j] = t;
	th->pos[th->heap[i]] = i;
	th->pos[th->heap[j]] = j;
}

static void sift_up(struct timerheap *th, int i)
{
	while (i > 0 && less(th, i, (i - 1) / 2)) {
		swap(th, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct timerheap *th, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;

		if (l < th->n && less(th, l, m))
			m = l;
		if (r < th->n && less(th, r, m))
			m = r;
		if (m == i)
			return;
		swap(th, i, m);
		i = m;
	}
}

int timerheap_arm(struct timerheap *th, int id, int64_t at_ns)
{
	int i;

	if (id < 0 || id >= th->cap)
		return -EINVAL;
	th->at[id] = at_ns;
	i = th->pos[id];
	if (i < 0) {
		i = th->n++;
		th->heap[i] = id;
		th->pos[id] = i;
	}
	sift_up(th, i);
	sift_down(th, th->pos[id]);
	return 0;
}

void timerheap_stop(struct timerheap *th, int id)
{
	int i, last;

	if (id < 0 || id >= th->cap || th->pos[id] < 0)
		return;
	i = th->pos[id];
	last = --th->n;
	if (i != last) {
		swap(th, i, last);
		th->pos[id] = -1;
		sift_up(th, i);
		sift_down(th, i);
	} else {
		th->pos[id] = -1;
	}
}

bool timerheap_armed(const struct timerheap *th, int id)
{
	return id >= 0 && id < th->cap && th->pos[id] >= 0;
}

int64_t timerheap_next(const struct timerheap *th)
{
	return th->n ? th->at[th->heap[0]] : INT64_MAX;
}

int timerheap_pop_due(struct timerheap *th, int64_t now)
{
	int id;

	if (!th->n || th->at[th->heap[0]] > now)
		return -1;
	id = th->heap[0];
	timerheap_stop(th, id);
	return id;
}
