/*
 * common/leap.h — leap seconds between TAI (the PTP timescale) and UTC
 * (the system clock).
 *
 * A grandmaster announces a leap second with the leap61 or leap59 flag for
 * the end of the current UTC day (IEEE 1588-2019 7.2.3, 8.2.4.3).  With the
 * UTC offset U in force before it and the UTC midnight M (Unix seconds)
 * that ends the day:
 *
 *   leap61: UTC runs 23:59:59 (M-1), 23:59:60, 00:00:00 (M).  The inserted
 *           second starts at TAI M+U; from then on TAI - UTC = U+1 (the
 *           kernel repeats Unix second M-1 for 23:59:60: its time reads
 *           TAI - (U+1) already).  TAI instant T_L = M + U.
 *   leap59: UTC runs 23:59:58 (M-2), then 00:00:00 (M); the kernel jumps at
 *           M-1.  From TAI M-1+U on, TAI - UTC = U-1.  T_L = M - 1 + U.
 *
 * The leap is latched once, when the flag is first seen, from a TAI time
 * in the same UTC day (a Sync's or the reference clock's): the flag keeps
 * naming "the end of the current day", which would otherwise move a day
 * on as soon as the leap passed.  Around T_L a UTC reading is ambiguous
 * (the kernel's repeated second) and servos skip it: leap_near().
 *
 * leap-seconds.list (the IERS/NIST file, NTP timestamps: seconds since
 * 1900) gives a grandmaster its UTC offset and the next leap.  Pure: the
 * file is parsed from a buffer.
 */
#ifndef HVPTP_COMMON_LEAP_H
#define HVPTP_COMMON_LEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEAP_NTP_UNIX_S 2208988800LL /* 1900-01-01 to 1970-01-01 */
#define LEAP_DAY_S 86400LL
#define LEAP_WINDOW_S 1 /* readings skipped this long either side */

struct leap_latch {
	bool armed; /* a leap is pending or has just passed */
	int leap; /* +1 (leap61), -1 (leap59) */
	int utc_before; /* TAI - UTC before it, s */
	int64_t tai_s; /* T_L: from this TAI second on, utc_before + leap */
	int64_t utc_day_end_s; /* M, Unix seconds */
};

/* Latch a leap of `leap` (+1/-1) at the end of the UTC day that contains
 * TAI time tai_ns, U = utc_before.  leap 0 clears the latch. */
void leap_latch_set(struct leap_latch *l, int leap, int utc_before,
		    int64_t tai_ns);
/* TAI - UTC in force at TAI time tai_ns; utc when nothing is latched. */
int leap_offset_at_tai(const struct leap_latch *l, int utc, int64_t tai_ns);
/* The same at UTC (kernel) time utc_ns; *ambiguous (may be NULL) when
 * utc_ns falls in the second the kernel repeats for a leap61. */
int leap_offset_at_utc(const struct leap_latch *l, int utc, int64_t utc_ns,
		       bool *ambiguous);
/* tai_ns within LEAP_WINDOW_S of the leap (skip UTC readings). */
bool leap_near(const struct leap_latch *l, int64_t tai_ns);
/* The leap has passed by more than the window (the latch may go). */
bool leap_passed(const struct leap_latch *l, int64_t tai_ns);

/* leap-seconds.list */
#define LEAP_TABLE_MAX 64
struct leap_table {
	int n;
	struct {
		int64_t utc_s; /* Unix time from which tai_utc applies */
		int tai_utc; /* TAI - UTC, s */
	} e[LEAP_TABLE_MAX];
	int64_t expires_utc_s; /* "#@" line, Unix; 0 unknown */
};
/* Parse buf[0..len).  0, or -EINVAL with *bad_line (may be NULL) the
 * 1-based line that is wrong, or -E2BIG for too many entries. */
int leap_table_parse(const char *buf, size_t len, struct leap_table *t,
		     int *bad_line);
/* At Unix time utc_s: the offset in force, and the leap (+1/-1/0) at the
 * end of that UTC day.  -ENOENT before the first entry; -ESTALE past the
 * file's expiry (the values are still filled). */
int leap_table_at(const struct leap_table *t, int64_t utc_s, int *tai_utc,
		  int *leap_today);

#endif
