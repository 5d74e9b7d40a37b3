/* common/leap.c — leap seconds between TAI and UTC (see leap.h). */
#include "common/leap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/tmv.h"

/* floor(a / b) for b > 0 */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

void leap_latch_set(struct leap_latch *l, int leap, int utc_before,
		    int64_t tai_ns)
{
	int64_t utc_s, m;

	memset(l, 0, sizeof(*l));
	if (leap != 1 && leap != -1)
		return;
	utc_s = floor_div(tai_ns, NS_PER_SEC) - utc_before;
	m = (floor_div(utc_s, LEAP_DAY_S) + 1) * LEAP_DAY_S;
	l->armed = true;
	l->leap = leap;
	l->utc_before = utc_before;
	l->utc_day_end_s = m;
	l->tai_s = leap > 0 ? m + utc_before : m - 1 + utc_before;
}

int leap_offset_at_tai(const struct leap_latch *l, int utc, int64_t tai_ns)
{
	if (!l || !l->armed)
		return utc;
	return tai_ns >= l->tai_s * NS_PER_SEC ? l->utc_before + l->leap
					       : l->utc_before;
}

int leap_offset_at_utc(const struct leap_latch *l, int utc, int64_t utc_ns,
		       bool *ambiguous)
{
	int64_t m;

	if (ambiguous)
		*ambiguous = false;
	if (!l || !l->armed)
		return utc;
	m = l->utc_day_end_s * NS_PER_SEC;
	if (l->leap > 0 && utc_ns >= m - NS_PER_SEC && utc_ns < m &&
	    ambiguous)
		*ambiguous = true;
	return utc_ns >= m ? l->utc_before + l->leap : l->utc_before;
}

bool leap_near(const struct leap_latch *l, int64_t tai_ns)
{
	int64_t d;

	if (!l || !l->armed)
		return false;
	d = tai_ns - l->tai_s * NS_PER_SEC;
	return d >= -LEAP_WINDOW_S * NS_PER_SEC &&
	       d < (1 + LEAP_WINDOW_S) * NS_PER_SEC;
}

bool leap_passed(const struct leap_latch *l, int64_t tai_ns)
{
	return l && l->armed &&
	       tai_ns >= (l->tai_s + 1 + LEAP_WINDOW_S) * NS_PER_SEC;
}

/* ---- leap-seconds.list ---- */

/* One data line "NTPSECONDS OFFSET [# comment]": 0, 1 not a data line,
 * -EINVAL. */
static int parse_entry(const char *p, const char *end, int64_t *ntp,
		       int *off)
{
	char tmp[96], *e1, *e2;
	size_t n = (size_t)(end - p);
	long long a;
	long b;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#' || *p == '\r')
		return 1;
	n = (size_t)(end - p);
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	a = strtoll(tmp, &e1, 10);
	if (e1 == tmp || (*e1 != ' ' && *e1 != '\t'))
		return -EINVAL;
	b = strtol(e1, &e2, 10);
	if (e2 == e1 || a <= 0 || b < 0 || b > 1000)
		return -EINVAL;
	while (*e2 == ' ' || *e2 == '\t' || *e2 == '\r')
		e2++;
	if (*e2 && *e2 != '#')
		return -EINVAL;
	*ntp = a;
	*off = (int)b;
	return 0;
}

/* "#@ NTPSECONDS": the file's expiry. */
static void parse_expiry(const char *p, const char *end, int64_t *exp)
{
	char tmp[32], *e;
	size_t n = (size_t)(end - p);
	long long v;

	if (n < 3 || p[0] != '#' || p[1] != '@')
		return;
	n -= 2;
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, p + 2, n);
	tmp[n] = '\0';
	v = strtoll(tmp, &e, 10);
	if (e != tmp && v > 0)
		*exp = v - LEAP_NTP_UNIX_S;
}

int leap_table_parse(const char *buf, size_t len, struct leap_table *t,
		     int *bad_line)
{
	const char *p = buf, *end = buf + len;
	int line = 0;

	memset(t, 0, sizeof(*t));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int64_t ntp;
		int off, rc;

		line++;
		parse_expiry(p, le, &t->expires_utc_s);
		rc = parse_entry(p, le, &ntp, &off);
		if (rc < 0 || (rc == 0 && t->n > 0 &&
			       ntp - LEAP_NTP_UNIX_S <= t->e[t->n - 1].utc_s)) {
			if (bad_line)
				*bad_line = line;
			return -EINVAL;
		}
		if (rc == 0) {
			if (t->n >= LEAP_TABLE_MAX)
				return -E2BIG;
			t->e[t->n].utc_s = ntp - LEAP_NTP_UNIX_S;
			t->e[t->n].tai_utc = off;
			t->n++;
		}
		p = le + (nl ? 1 : 0);
	}
	if (t->n == 0) {
		if (bad_line)
			*bad_line = line;
		return -EINVAL;
	}
	return 0;
}

int leap_table_at(const struct leap_table *t, int64_t utc_s, int *tai_utc,
		  int *leap_today)
{
	int64_t day_end = (floor_div(utc_s, LEAP_DAY_S) + 1) * LEAP_DAY_S;
	int i;

	*leap_today = 0;
	if (t->n == 0 || utc_s < t->e[0].utc_s)
		return -ENOENT;
	for (i = 0; i + 1 < t->n && t->e[i + 1].utc_s <= utc_s; i++)
		;
	*tai_utc = t->e[i].tai_utc;
	if (i + 1 < t->n && t->e[i + 1].utc_s == day_end)
		*leap_today = t->e[i + 1].tai_utc - t->e[i].tai_utc;
	if (*leap_today > 1 || *leap_today < -1)
		*leap_today = 0; /* not a leap second: a table jump */
	if (t->expires_utc_s && utc_s >= t->expires_utc_s)
		return -ESTALE;
	return 0;
}
