/* common/stats.c — running statistics (see stats.h). */
#include "common/stats.h"

#include <math.h>

void cm_stats_reset(struct cm_stats *s)
{
	s->n = 0;
	s->sum = s->sum_sq = 0.0;
	s->min = s->max = s->max_abs = 0.0;
}

void cm_stats_add(struct cm_stats *s, double v)
{
	if (s->n == 0 || v < s->min)
		s->min = v;
	if (s->n == 0 || v > s->max)
		s->max = v;
	if (fabs(v) > s->max_abs)
		s->max_abs = fabs(v);
	s->n++;
	s->sum += v;
	s->sum_sq += v * v;
}

double cm_stats_mean(const struct cm_stats *s)
{
	return s->n ? s->sum / (double)s->n : 0.0;
}

double cm_stats_rms(const struct cm_stats *s)
{
	return s->n ? sqrt(s->sum_sq / (double)s->n) : 0.0;
}

double cm_stats_stddev(const struct cm_stats *s)
{
	double m, v;

	if (s->n < 2)
		return 0.0;
	m = cm_stats_mean(s);
	v = (s->sum_sq - (double)s->n * m * m) / (double)(s->n - 1);
	return v > 0 ? sqrt(v) : 0.0;
}
