/*
 * sim/sim_keys.h — table-driven "key = value" setters for the scenario's
 * sections.
 *
 * Each key names a field (by offset, up to three for keys that set
 * several, like a link's delay) and how its value reads: a time, a
 * frequency, a probability...  sim_keys_set applies one key to a struct;
 * the tables themselves live with their users (sim_build.c).
 */
#ifndef HVPTP_SIM_SIM_KEYS_H
#define HVPTP_SIM_SIM_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum sim_vt {
	SIM_VT_TIME_I64, /* int64_t ns, >= 0 */
	SIM_VT_STIME_I64, /* int64_t ns, any sign */
	SIM_VT_TIME_DBL, /* double ns, >= 0 */
	SIM_VT_STIME_DBL, /* double ns, any sign */
	SIM_VT_TIME_S, /* double seconds, >= 0 */
	SIM_VT_FREQ, /* double fraction, any sign */
	SIM_VT_UFREQ, /* double fraction, >= 0 */
	SIM_VT_PPB, /* double ppb, >= 0 */
	SIM_VT_PROB, /* double 0..1 */
	SIM_VT_DEG, /* double radians, given in degrees */
	SIM_VT_POS, /* double > 0 */
	SIM_VT_BOOL, /* bool */
	SIM_VT_U64, /* uint64_t */
	SIM_VT_STR64, /* char[64] */
	SIM_VT_JDIST, /* enum sim_jitter_dist */
	SIM_VT_READ, /* enum hwclock_read: precise, extended or basic */
};

struct sim_key {
	const char *name;
	enum sim_vt type;
	int noff; /* fields set: 1..3 */
	size_t off[3];
};

/* The key of this name in a table ending with a NULL name, or NULL. */
const struct sim_key *sim_keys_find(const struct sim_key *tab,
				    const char *name);
/* Set the fields of base named by k from value.  0, or -EINVAL with why. */
int sim_keys_set(void *base, const struct sim_key *k, const char *value,
		 char *why, size_t wl);

#endif
