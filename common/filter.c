/* common/filter.c — moving median and average (see filter.h). */
#include "common/filter.h"

void cm_filter_init(struct cm_filter *f, enum cm_filter_kind kind,
		    int length)
{
	if (length < 1)
		length = 1;
	if (length > CM_FILTER_MAX)
		length = CM_FILTER_MAX;
	f->kind = kind;
	f->length = length;
	cm_filter_reset(f);
}

void cm_filter_reset(struct cm_filter *f)
{
	f->count = 0;
	f->next = 0;
}

static int64_t filter_median(const struct cm_filter *f)
{
	int64_t v[CM_FILTER_MAX];
	int n = f->count;

	/* insertion sort: n is small */
	for (int i = 0; i < n; i++) {
		int64_t x = f->ring[i];
		int j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	if (n % 2)
		return v[n / 2];
	/* average of the middle two without overflow */
	return v[n / 2 - 1] / 2 + v[n / 2] / 2 +
	       (v[n / 2 - 1] % 2 + v[n / 2] % 2) / 2;
}

static int64_t filter_average(const struct cm_filter *f)
{
	__int128 sum = 0;

	for (int i = 0; i < f->count; i++)
		sum += f->ring[i];
	return (int64_t)(sum / f->count);
}

int64_t cm_filter_value(const struct cm_filter *f)
{
	if (f->count == 0)
		return 0;
	return f->kind == CM_FILTER_MEDIAN ? filter_median(f)
					   : filter_average(f);
}

int64_t cm_filter_add(struct cm_filter *f, int64_t v)
{
	f->ring[f->next] = v;
	f->next = (f->next + 1) % f->length;
	if (f->count < f->length)
		f->count++;
	return cm_filter_value(f);
}
