/*
 * sim/sim_auth.c — authentication in the simulator: a node's sa_file read
 * and its ports' spp and active_key_id checked as hvptpd does (config/
 * sad.h), and the core given them with the simulator's MAC.
 *
 * The MAC here is a stand-in, not cryptography: FNV-1a over the key and
 * the message, spread over the ICV's length.  It tells keys and octets
 * apart, which is all the simulator needs to run the real core's
 * authentication (the TLV on every message, the checks and drops on
 * receipt) on virtual time; the real MACs are the daemon's
 * (daemon/auth_mac.c, tested against the RFC vectors).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bc/auth.h"
#include "config/sad.h"
#include "sim/sim.h"

#define SIM_MAX_SA_FILE 65536

static void sim_fnv_icv(const struct sa_key *k, const uint8_t *d, size_t n,
			uint8_t *icv)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < k->len; i++)
		h = (h ^ k->key[i]) * 1099511628211ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	for (size_t i = 0; i < sa_alg_icv_len((enum sa_alg)k->alg); i++) {
		h = (h ^ i) * 1099511628211ull;
		icv[i] = (uint8_t)(h >> 56);
	}
}

static int sim_mac_compute(void *ctx, const struct sa_key *k,
			   const uint8_t *d, size_t n, uint8_t *icv)
{
	(void)ctx;
	sim_fnv_icv(k, d, n, icv);
	return 0;
}

static bool sim_mac_verify(void *ctx, const struct sa_key *k,
			   const uint8_t *d, size_t n, const uint8_t *icv)
{
	uint8_t want[SA_ICV_MAX_LEN];

	(void)ctx;
	sim_fnv_icv(k, d, n, want);
	return memcmp(want, icv, sa_alg_icv_len((enum sa_alg)k->alg)) == 0;
}

static const struct auth_mac_ops sim_mac_ops = {
	.compute = sim_mac_compute,
	.verify = sim_mac_verify,
};

static int sim_sa_ports(struct sim_node *n, int line, char *err,
			size_t errlen)
{
	struct cfg_error why;

	for (int i = 0; i < n->set.nports; i++) {
		const struct bc_port_cfg *p = &n->set.ports[i];

		if (sad_check_port(&n->set.sad, p->spp, p->active_key_id,
				   &why) == 0)
			continue;
		snprintf(err, errlen, "%s:%d: node %s: %s: %s: %s",
			 n->sim->path, line, n->name, p->name, why.option,
			 why.reason);
		return -EINVAL;
	}
	return 0;
}

int sim_node_sa_file(struct sim_node *n, int line, char *err, size_t errlen)
{
	static char buf[SIM_MAX_SA_FILE];
	struct cfg_error ce;
	char path[512];
	long len;

	memset(&n->set.sad, 0, sizeof(n->set.sad));
	if (n->set.sa_file[0]) {
		len = sim_read_rel(n->sim, n->set.sa_file, buf, sizeof(buf),
				   path, sizeof(path));
		if (len < 0) {
			snprintf(err, errlen, "%s:%d: sa_file: %s: %s",
				 n->sim->path, line, path, strerror((int)-len));
			return -EINVAL;
		}
		memset(&ce, 0, sizeof(ce));
		if (sad_parse_buffer(&n->set.sad, path, buf, (size_t)len,
				     &ce) < 0) {
			snprintf(err, errlen, "%s:%d: sa_file: %s:%d: %s: %s",
				 n->sim->path, line, path, ce.line, ce.option,
				 ce.reason);
			return -EINVAL;
		}
	}
	return sim_sa_ports(n, line, err, errlen);
}

void sim_node_auth(struct sim_node *n)
{
	bc_set_auth(n->bc, &n->set.sad, &sim_mac_ops, NULL);
}
