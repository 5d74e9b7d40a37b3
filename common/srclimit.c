/* common/srclimit.c — per-source token buckets (see srclimit.h). */
#include "common/srclimit.h"

#include <string.h>

#define NS_PER_S 1000000000LL

void srclimit_init(struct srclimit *l, uint32_t rate, uint32_t burst,
		   uint64_t key)
{
	memset(l, 0, sizeof(*l));
	l->key = key | 1;
	if (rate == 0)
		return;
	l->interval_ns = NS_PER_S / rate;
	if (l->interval_ns < 1)
		l->interval_ns = 1;
	l->tolerance_ns = (int64_t)(burst ? burst - 1 : 0) * l->interval_ns;
}

void srclimit_reset(struct srclimit *l)
{
	l->n = 0;
	l->overflow_tat = 0;
}

/* FNV-1a over the key's bytes, then the address's, then a final mix. */
static uint64_t srclimit_hash(uint64_t key, const uint8_t *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 8; i++) {
		h ^= (key >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* The bucket at *tat takes one message at now, or refuses it. */
static bool bucket_take(const struct srclimit *l, int64_t *tat, int64_t now)
{
	int64_t t = *tat > now ? *tat : now;

	if (t - now > l->tolerance_ns)
		return false;
	*tat = t + l->interval_ns;
	return true;
}

/* The slot of id: found, a free one, the longest idle one if idle, or
 * -1 (table full of busy sources). */
static int srclimit_slot(struct srclimit *l, uint64_t id, int64_t now)
{
	int idle = -1;

	for (int i = 0; i < l->n; i++) {
		if (l->id[i] == id)
			return i;
		if (idle < 0 || l->tat[i] < l->tat[idle])
			idle = i;
	}
	if (l->n < SRCLIMIT_SOURCES)
		idle = l->n++;
	else if (l->tat[idle] > now)
		return -1;
	l->id[idle] = id;
	l->tat[idle] = now;
	return idle;
}

bool srclimit_take(struct srclimit *l, const void *addr, size_t len,
		   int64_t now)
{
	int64_t *tat;
	int k;
	bool ok;

	if (l->interval_ns == 0) {
		l->passed++;
		return true;
	}
	k = srclimit_slot(l, srclimit_hash(l->key, addr, len), now);
	if (k < 0)
		l->overflowed++;
	tat = k >= 0 ? &l->tat[k] : &l->overflow_tat;
	ok = bucket_take(l, tat, now);
	if (ok)
		l->passed++;
	else
		l->limited++;
	return ok;
}
