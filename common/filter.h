/*
 * common/filter.h — small fixed-size sample filters.
 *
 * A moving median (and moving average) over the last N int64 samples, used
 * by the core for the mean path delay (delay_filter / delay_filter_length)
 * and by servos.  Storage is inline: no allocation.  Pure.
 */
#ifndef HVPTP_COMMON_FILTER_H
#define HVPTP_COMMON_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#define CM_FILTER_MAX 64

enum cm_filter_kind { CM_FILTER_MEDIAN, CM_FILTER_AVERAGE };

struct cm_filter {
	enum cm_filter_kind kind;
	int length; /* window, 1..CM_FILTER_MAX */
	int count; /* samples held, <= length */
	int next; /* ring index of the next write */
	int64_t ring[CM_FILTER_MAX];
};

/* length is clamped to 1..CM_FILTER_MAX. */
void cm_filter_init(struct cm_filter *f, enum cm_filter_kind kind,
		    int length);
void cm_filter_reset(struct cm_filter *f);
/* Add a sample and return the filter's output over the window. */
int64_t cm_filter_add(struct cm_filter *f, int64_t v);
/* Output over the current window (0 when empty). */
int64_t cm_filter_value(const struct cm_filter *f);

#endif
