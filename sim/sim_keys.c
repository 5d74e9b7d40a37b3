/* sim/sim_keys.c — table-driven setters (see sim_keys.h). */
#include "sim/sim_keys.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/hwclock.h"
#include "sim/sim_link.h"
#include "sim/sim_scn.h"

const struct sim_key *sim_keys_find(const struct sim_key *tab,
				    const char *name)
{
	for (; tab->name; tab++) {
		if (strcmp(tab->name, name) == 0)
			return tab;
	}
	return NULL;
}

static int nonneg(double x, const char *v, char *why, size_t wl)
{
	if (x >= 0.0)
		return 0;
	snprintf(why, wl, "'%s': must not be negative", v);
	return -EINVAL;
}

static int parse_time(const char *v, bool sign, int64_t *ns, char *why,
		      size_t wl)
{
	if (scn_time(v, ns, why, wl))
		return -EINVAL;
	return sign ? 0 : nonneg((double)*ns, v, why, wl);
}

static int parse_jdist(const char *v, int *d, char *why, size_t wl)
{
	if (strcmp(v, "exponential") == 0 || strcmp(v, "exp") == 0)
		*d = SIM_JITTER_EXP;
	else if (strcmp(v, "gamma") == 0)
		*d = SIM_JITTER_GAMMA;
	else {
		snprintf(why, wl, "'%s': want exponential or gamma", v);
		return -EINVAL;
	}
	return 0;
}

static int parse_read(const char *v, int *m, char *why, size_t wl)
{
	static const enum hwclock_read ok[] = { HWCLOCK_READ_PRECISE,
						HWCLOCK_READ_EXTENDED,
						HWCLOCK_READ_BASIC };

	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		if (strcmp(v, hwclock_read_name(ok[i])) == 0) {
			*m = (int)ok[i];
			return 0;
		}
	}
	snprintf(why, wl, "'%s': want precise, extended or basic", v);
	return -EINVAL;
}

/* Parse into a double (or the int64/bool/... the type wants, as bits). */
static int parse_value(const struct sim_key *k, const char *v, double *d,
		       int64_t *i, char *why, size_t wl)
{
	bool b = false;
	long long ll = 0;
	int rc = 0, jd = 0;

	switch (k->type) {
	case SIM_VT_TIME_I64:
	case SIM_VT_STIME_I64:
		return parse_time(v, k->type == SIM_VT_STIME_I64, i, why, wl);
	case SIM_VT_TIME_DBL:
	case SIM_VT_STIME_DBL:
	case SIM_VT_TIME_S:
		rc = parse_time(v, k->type == SIM_VT_STIME_DBL, i, why, wl);
		*d = k->type == SIM_VT_TIME_S ? (double)*i / 1e9 : (double)*i;
		return rc;
	case SIM_VT_FREQ:
	case SIM_VT_UFREQ:
		rc = scn_freq(v, d, why, wl);
		return rc || k->type == SIM_VT_FREQ ? rc : nonneg(*d, v, why, wl);
	case SIM_VT_PPB:
		rc = scn_ppb(v, d, why, wl);
		return rc ? rc : nonneg(*d, v, why, wl);
	case SIM_VT_PROB:
		return scn_prob(v, d, why, wl);
	case SIM_VT_DEG:
		rc = scn_double(v, -360.0, 360.0, d, why, wl);
		*d *= M_PI / 180.0;
		return rc;
	case SIM_VT_POS:
		rc = scn_double(v, 1e-6, 1e6, d, why, wl);
		return rc;
	case SIM_VT_BOOL:
		rc = scn_bool(v, &b, why, wl);
		*i = b;
		return rc;
	case SIM_VT_U64:
		rc = scn_int(v, 0, INT64_MAX, &ll, why, wl);
		*i = ll;
		return rc;
	case SIM_VT_JDIST:
		rc = parse_jdist(v, &jd, why, wl);
		*i = jd;
		return rc;
	case SIM_VT_READ:
		rc = parse_read(v, &jd, why, wl);
		*i = jd;
		return rc;
	case SIM_VT_STR64:
		if (strlen(v) >= 64) {
			snprintf(why, wl, "too long (at most 63 characters)");
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

static void store(void *field, enum sim_vt t, const char *v, double d,
		  int64_t i)
{
	switch (t) {
	case SIM_VT_TIME_I64:
	case SIM_VT_STIME_I64:
		memcpy(field, &i, sizeof(i));
		break;
	case SIM_VT_BOOL:
		*(bool *)field = i != 0;
		break;
	case SIM_VT_U64:
		*(uint64_t *)field = (uint64_t)i;
		break;
	case SIM_VT_JDIST:
		*(enum sim_jitter_dist *)field = (enum sim_jitter_dist)i;
		break;
	case SIM_VT_READ:
		*(enum hwclock_read *)field = (enum hwclock_read)i;
		break;
	case SIM_VT_STR64:
		snprintf((char *)field, 64, "%s", v);
		break;
	default:
		memcpy(field, &d, sizeof(d));
		break;
	}
}

int sim_keys_set(void *base, const struct sim_key *k, const char *value,
		 char *why, size_t wl)
{
	double d = 0.0;
	int64_t i = 0;

	if (parse_value(k, value, &d, &i, why, wl))
		return -EINVAL;
	for (int j = 0; j < k->noff && j < 3; j++)
		store((char *)base + k->off[j], k->type, value, d, i);
	return 0;
}
