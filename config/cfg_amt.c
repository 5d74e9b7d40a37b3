/*
 * config/cfg_amt.c — the [acceptable_master_table] section (hvptpd's own;
 * IEEE 1588-2019 17.5, acceptableMasterTableDS).
 *
 * One entry a line: "clockIdentity[-portNumber] [alternatePriority1]", the
 * identity as ptp4l and pmc print it (001122.fffe.334455) or as eight
 * colon-separated bytes.  Without a port number every port of that clock
 * is acceptable; alternatePriority1 (1..255), when given, replaces the
 * grandmasterPriority1 of that master's Announces in the BMCA (17.5.4).
 * The ports with acceptable_master_table_enabled 1 take Announces only
 * from the table's masters.  Duplicates and more than CFG_AMT_MAX entries
 * are errors, each at its line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"

static int amt_number(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "ID[-PORT]" into e. */
static int amt_identity(char *s, struct cfg_amt_entry *e, char *why,
			size_t n)
{
	char *dash = strrchr(s, '-');
	long port;

	e->port_number = -1;
	if (dash) {
		*dash = '\0';
		if (amt_number(dash + 1, 1, 65534, &port)) {
			snprintf(why, n, "%s: not a port number (1..65534)",
				 dash + 1);
			return -EINVAL;
		}
		e->port_number = (int)port;
	}
	if (clock_identity_parse(s, &e->clock_identity)) {
		snprintf(why, n, "%s: not a clock identity (as "
			 "001122.fffe.334455)", s);
		return -EINVAL;
	}
	return 0;
}

static bool amt_same(const struct cfg_amt_entry *a,
		     const struct cfg_amt_entry *b)
{
	return !memcmp(&a->clock_identity, &b->clock_identity,
		       sizeof(a->clock_identity)) &&
	       a->port_number == b->port_number;
}

int cfg_amt_add_line(struct cfg_amt *t, char *line, char *why, size_t n)
{
	struct cfg_amt_entry e;
	char *save = NULL, *id = strtok_r(line, " \t", &save);
	char *prio = id ? strtok_r(NULL, " \t", &save) : NULL;
	long v = 0;

	memset(&e, 0, sizeof(e));
	if (!id || amt_identity(id, &e, why, n))
		return -EINVAL;
	if (prio && amt_number(prio, 1, 255, &v)) {
		snprintf(why, n, "%s: not an alternatePriority1 (1..255)",
			 prio);
		return -EINVAL;
	}
	if (prio && strtok_r(NULL, " \t", &save)) {
		snprintf(why, n, "more than an identity and a priority");
		return -EINVAL;
	}
	e.alternate_priority1 = (uint8_t)v;
	for (int i = 0; i < t->n; i++) {
		if (amt_same(&t->e[i], &e)) {
			snprintf(why, n, "%s is already in the table", id);
			return -EINVAL;
		}
	}
	if (t->n == CFG_AMT_MAX) {
		snprintf(why, n, "more than %d entries", CFG_AMT_MAX);
		return -ENOSPC;
	}
	t->e[t->n++] = e;
	return 0;
}
