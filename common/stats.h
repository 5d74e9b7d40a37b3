/*
 * common/stats.h — running statistics for summaries and reports.
 *
 * Accumulates count, mean, RMS, min and max of a series of doubles (offsets in
 * ns, frequencies in ppb).  Used by the daemon's summary line, the servo and
 * the simulator's reports.  Pure.
 */
#ifndef HVPTP_COMMON_STATS_H
#define HVPTP_COMMON_STATS_H

#include <stdint.h>

struct cm_stats {
	uint64_t n;
	double sum;
	double sum_sq;
	double min;
	double max;
	double max_abs;
};

void cm_stats_reset(struct cm_stats *s);
void cm_stats_add(struct cm_stats *s, double v);
double cm_stats_mean(const struct cm_stats *s);
double cm_stats_rms(const struct cm_stats *s);
double cm_stats_stddev(const struct cm_stats *s);

#endif
