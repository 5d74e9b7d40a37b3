/*
 * sim/sim_time.c — the simulated world's timescale: what TAI and UTC are
 * at true time 0, and the leap seconds it has.
 *
 * True time t is TAI epoch_ns + t.  By default epoch_ns is TAI
 * 1700000000 s; [scenario] start_utc = "YYYY-MM-DD HH:MM:SS" (UTC, a 'T'
 * between date and time and a trailing 'Z' or " UTC" also read) puts true
 * time 0 at that UTC time instead.  [scenario] leapfile names a
 * leap-seconds.list (NTP's format, parsed by common/leap.c): the world's
 * TAI - UTC at every instant.  The truth then expects a clock that keeps
 * UTC to read that offset less than the grandmaster's TAI, the new one
 * from the leap's instant on (leap61: TAI M + U for the UTC midnight M
 * that ends the day and U the offset before; leap59: M - 1 + U, as in
 * common/leap.h), and the kernels' leap seconds are checked against these
 * instants.  Without a leapfile the UTC offset is the grandmaster's
 * configured utc_offset for the whole run.
 *
 * A node's leapfile option (hvptpd's: a grandmaster announces the offset
 * and the leap of the file) is read here and parsed by the daemon's own
 * settings_leapfile, as daemon/main.c does.  Both files are found
 * relative to the scenario's directory.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define SIM_MAX_LEAPFILE 65536

/* Read name (relative to the scenario's directory) into buf: its length,
 * or -errno. */
long sim_read_rel(const struct sim *s, const char *name, char *buf,
		  size_t cap, char *path, size_t plen)
{
	const char *slash = strrchr(s->path, '/');
	FILE *f;
	size_t n;

	if (name[0] == '/' || !slash)
		snprintf(path, plen, "%s", name);
	else
		snprintf(path, plen, "%.*s/%s", (int)(slash - s->path),
			 s->path, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(buf, 1, cap, f);
	if (!feof(f)) {
		fclose(f);
		return -EFBIG;
	}
	fclose(f);
	return (long)n;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS" (or ...THH:MM:SS, Z or UTC after): Unix s. */
static int parse_utc(const char *v, int64_t *unix_s)
{
	int y, mo, d, h, mi, sec, n = 0;
	const char *rest;

	if (sscanf(v, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
		   &sec, &n) != 6 || n == 0)
		return -EINVAL;
	rest = v + n;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest && strcmp(rest, "Z") != 0 && strcmp(rest, "UTC") != 0)
		return -EINVAL;
	if (y < 1972 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 || sec < 0)
		return -EINVAL;
	*unix_s = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

static int load_leaps(struct sim *s, int line, char *err, size_t errlen)
{
	static char buf[SIM_MAX_LEAPFILE];
	char path[512];
	long len = sim_read_rel(s, s->leapfile, buf, sizeof(buf), path,
			    sizeof(path));
	int bad = 0, rc;

	if (len < 0) {
		snprintf(err, errlen, "%s:%d: leapfile: %s: %s", s->path, line,
			 path, strerror((int)-len));
		return -EINVAL;
	}
	rc = leap_table_parse(buf, (size_t)len, &s->leaps, &bad);
	if (rc < 0 || s->leaps.n == 0) {
		snprintf(err, errlen, "%s:%d: leapfile: %s:%d: not a "
			 "leap-seconds.list entry (NTP seconds and TAI-UTC)",
			 s->path, line, path, bad);
		return -EINVAL;
	}
	s->have_leaps = true;
	return 0;
}

int sim_build_time(struct sim *s, int leap_line, int line, char *err,
		   size_t errlen)
{
	int64_t unix_s;
	int off = 37, leap;

	s->epoch_ns = SIM_EPOCH_NS;
	if (s->leapfile[0] && load_leaps(s, leap_line, err, errlen))
		return -EINVAL;
	if (!s->start_utc[0])
		return 0;
	if (parse_utc(s->start_utc, &unix_s) < 0) {
		snprintf(err, errlen, "%s:%d: start_utc: '%s': want "
			 "YYYY-MM-DD HH:MM:SS (UTC, 1972 to 2200)", s->path,
			 line, s->start_utc);
		return -EINVAL;
	}
	if (s->have_leaps &&
	    leap_table_at(&s->leaps, unix_s, &off, &leap) == -ENOENT) {
		snprintf(err, errlen, "%s:%d: start_utc: before the first "
			 "entry of the leapfile", s->path, line);
		return -EINVAL;
	}
	s->epoch_ns = (unix_s + off) * NS_PER_SEC;
	return 0;
}

bool sim_leap_instant(const struct sim *s, int i, int64_t *tai_s, int *dir)
{
	const struct leap_table *t = &s->leaps;
	int k = 0;

	for (int e = 1; s->have_leaps && e < t->n; e++) {
		int before = t->e[e - 1].tai_utc, after = t->e[e].tai_utc;

		if (after - before != 1 && after - before != -1)
			continue; /* a table jump, not a leap second */
		if (k++ < i)
			continue;
		*tai_s = t->e[e].utc_s + (before < after ? before : after);
		*dir = after - before;
		return true;
	}
	return false;
}

int sim_utc_offset_at(const struct sim *s, int64_t tai_ns, int dflt)
{
	const struct leap_table *t = &s->leaps;
	int64_t tai_s = tai_ns / NS_PER_SEC - (tai_ns % NS_PER_SEC < 0);
	int off;

	if (!s->have_leaps)
		return dflt;
	off = t->e[0].tai_utc;
	for (int e = 1; e < t->n; e++) {
		int before = t->e[e - 1].tai_utc, after = t->e[e].tai_utc;

		if (tai_s < t->e[e].utc_s + (before < after ? before : after))
			break;
		off = after;
	}
	return off;
}

int sim_node_leapfile(struct sim_node *n, int line, char *err, size_t errlen)
{
	static char buf[SIM_MAX_LEAPFILE];
	const struct sim *s = n->sim;
	struct cfg_error ce;
	char path[512];
	long len;

	if (!n->set.leapfile[0])
		return 0;
	len = sim_read_rel(s, n->set.leapfile, buf, sizeof(buf), path,
		       sizeof(path));
	if (len < 0) {
		snprintf(err, errlen, "%s:%d: leapfile: %s: %s", s->path, line,
			 path, strerror((int)-len));
		return -EINVAL;
	}
	memset(&ce, 0, sizeof(ce));
	if (settings_leapfile(&n->set, buf, (size_t)len, &ce) < 0) {
		snprintf(err, errlen, "%s:%d: leapfile: %s:%d: %s", s->path,
			 line, path, ce.line, ce.reason);
		return -EINVAL;
	}
	return 0;
}
