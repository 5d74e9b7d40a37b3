/* common/tmv.c — wire timestamp conversion (see tmv.h). */
#include "common/tmv.h"

#include <limits.h>

bool tmv_from_ptp_timestamp(const struct ptp_timestamp *ts, tmv_t *out)
{
	if (ts->nanoseconds >= NS_PER_SEC)
		return false;
	if (ts->seconds > (uint64_t)(INT64_MAX / NS_PER_SEC) - 1)
		return false;
	out->ns = (int64_t)ts->seconds * NS_PER_SEC + ts->nanoseconds;
	return true;
}

struct ptp_timestamp tmv_to_ptp_timestamp(tmv_t t)
{
	struct ptp_timestamp ts = { 0, 0 };

	if (t.ns <= 0)
		return ts;
	ts.seconds = (uint64_t)(t.ns / NS_PER_SEC);
	ts.nanoseconds = (uint32_t)(t.ns % NS_PER_SEC);
	return ts;
}
