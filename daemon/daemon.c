/* daemon/daemon.c — set-up, the poll loop and tear-down (see daemon.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "mgmt/metrics.h"
#include "mgmt/sdnotify.h"
#include "mgmt/uds.h"

int64_t hvd_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* ---- platform for the executor ---- */

static int timer_id(int port, enum bc_timer t)
{
	return port * BC_TMR_COUNT + (int)t;
}

static void txmap_put(struct hvd_port *hp, uint32_t txid, uint32_t token)
{
	struct hvd_txmap *m = &hp->txmap[hp->txmap_next];

	hp->txmap_next = (uint8_t)((hp->txmap_next + 1) % HVD_TXMAP);
	m->used = true;
	m->txid = txid;
	m->token = token;
}

bool txmap_take_token(struct hvd_port *hp, uint32_t txid, uint32_t *token)
{
	for (int i = 0; i < HVD_TXMAP; i++) {
		if (hp->txmap[i].used && hp->txmap[i].txid == txid) {
			hp->txmap[i].used = false;
			*token = hp->txmap[i].token;
			return true;
		}
	}
	return false;
}

static int plat_send(void *ctx, int port, bool event, enum bc_dest dest,
		     const struct bc_addr *addr, const uint8_t *buf, size_t len,
		     uint32_t token)
{
	struct hvd *d = ctx;
	struct hvd_port *hp = &d->ports[port];
	uint32_t txid = 0;
	int n;

	n = hp->t ? hp->ops->send(hp->t, event, dest, addr, buf, len, &txid)
		  : -ENOTCONN;
	if (n < 0)
		return n;
	if (event)
		txmap_put(hp, txid, token);
	return 0;
}

static void plat_timer_arm(void *ctx, int port, enum bc_timer t, int64_t at)
{
	struct hvd *d = ctx;

	timerheap_arm(&d->th, timer_id(port, t), at);
}

static void plat_timer_stop(void *ctx, int port, enum bc_timer t)
{
	struct hvd *d = ctx;

	timerheap_stop(&d->th, timer_id(port, t));
}

static void plat_on_sample(void *ctx, int port, const struct bc_sample *s,
			   const struct disc_result *r)
{
	struct hvd *d = ctx;

	for (int i = 0; i < d->nservices; i++) {
		if (d->services[i].on_sample)
			d->services[i].on_sample(d->services[i].ctx, port, s,
						 r);
	}
}

static void plat_on_state(void *ctx, int port, enum port_state from,
			  enum port_state to, enum bc_event ev)
{
	struct hvd *d = ctx;

	for (int i = 0; i < d->nservices; i++) {
		if (d->services[i].on_state)
			d->services[i].on_state(d->services[i].ctx, port,
						from, to, ev);
	}
}

static void plat_on_parent(void *ctx)
{
	struct hvd *d = ctx;

	for (int i = 0; i < d->nservices; i++) {
		if (d->services[i].on_parent)
			d->services[i].on_parent(d->services[i].ctx);
	}
}

int hvd_service_add(struct hvd *d, const struct hvd_service *s)
{
	if (d->nservices >= HVD_MAX_SERVICES)
		return -ENOSPC;
	d->services[d->nservices++] = *s;
	return 0;
}

/* ---- set-up ---- */

static int open_clock(struct hvd *d)
{
	const struct hvd_settings *s = &d->set;
	bool ro = s->disc.free_running;
	int idx = -1;

	if (!s->hardware)
		return sysclk_open(ro, &d->clk);
	for (int i = 0; i < s->nports; i++) {
		int pi = s->phc_index[i];

		if (pi < 0 && d->ports[i].have_info)
			pi = d->ports[i].info.phc_index;
		if (pi < 0) {
			cm_log(CM_LOG_ERR, "%s: no PTP hardware clock: use -S "
			       "for software timestamping",
			       s->ports[i].name);
			return -ENODEV;
		}
		if (idx >= 0 && pi != idx) {
			cm_log(CM_LOG_ERR, "%s: /dev/ptp%d differs from "
			       "/dev/ptp%d of the first port: ports on "
			       "different clocks (boundary_clock_jbod) are not "
			       "implemented yet", s->ports[i].name, pi, idx);
			return -EOPNOTSUPP;
		}
		idx = pi;
	}
	return phc_open(idx, ro, &d->clk);
}

static int check_ports(struct hvd *d)
{
	const struct hvd_settings *s = &d->set;

	for (int i = 0; i < s->nports; i++) {
		struct hvd_port *hp = &d->ports[i];
		const char *name = s->ports[i].name;

		if (hwts_iface_index(name, &hp->ifindex) < 0) {
			cm_log(CM_LOG_ERR, "%s: no such interface", name);
			return -ENODEV;
		}
		hp->have_info = hwts_get_info(name, &hp->info) == 0;
		if (!hp->have_info) {
			cm_log(CM_LOG_WARNING, "%s: cannot read timestamping "
			       "capabilities; trying anyway", name);
			continue;
		}
		if (!hwts_info_supports(&hp->info, s->hardware)) {
			cm_log(CM_LOG_ERR, "%s: the driver does not support "
			       "%s timestamping%s", name,
			       s->hardware ? "hardware" : "software",
			       s->hardware ? " (try -S)" : "");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static int derive_identity(struct hvd *d)
{
	static const uint8_t zero[6];
	uint8_t mac[6];
	int err;

	if (d->set.clock_identity_set)
		return 0;
	err = hwts_iface_mac(d->set.ports[0].name, mac);
	if (err < 0 || memcmp(mac, zero, 6) == 0) {
		cm_log(CM_LOG_ERR, "%s: no MAC address to derive the clock "
		       "identity from; set clockIdentity",
		       d->set.ports[0].name);
		return err < 0 ? err : -EINVAL;
	}
	clock_identity_from_mac(mac, &d->set.clock.clock_identity);
	return 0;
}

/* settings.c admits UDPv4 only, so far: the one entry to extend. */
static const struct transport_ops *transport_for(const struct hvd_settings *s,
						 int port)
{
	(void)s;
	(void)port;
	return &transport_udp4_ops;
}

static int open_transports(struct hvd *d)
{
	for (int i = 0; i < d->set.nports; i++) {
		struct hvd_port *hp = &d->ports[i];
		int err;

		hp->ops = transport_for(&d->set, i);
		err = hp->ops->open(&hp->t, d->set.ports[i].name,
				    &d->set.transport[i]);
		if (err < 0) {
			hp->t = NULL;
			return err;
		}
		hp->ops->fds(hp->t, hp->fds);
	}
	return 0;
}

static int open_core(struct hvd *d)
{
	struct exec_platform plat = {
		.ctx = d,
		.send = plat_send,
		.timer_arm = plat_timer_arm,
		.timer_stop = plat_timer_stop,
		.on_sample = plat_on_sample,
		.on_state = plat_on_state,
		.on_parent = plat_on_parent,
	};
	uint64_t seed = 0;
	int err;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)hvd_monotonic_ns();
	d->set.clock.rng_seed = seed;
	err = bc_create(&d->bc, &d->set.clock, d->set.ports, d->set.nports);
	if (err < 0) {
		cm_log(CM_LOG_ERR, "core: cannot create the clock: %s",
		       strerror(-err));
		return err;
	}
	err = disc_create(&d->disc, &d->set.disc, d->clk);
	if (err < 0) {
		cm_log(CM_LOG_ERR, "servo: cannot start: %s", strerror(-err));
		return err;
	}
	err = timerheap_init(&d->th, d->set.nports * BC_TMR_COUNT +
					     HVD_TMR_COUNT);
	if (err < 0)
		return err;
	exec_init(&d->ex, d->bc, d->disc, &plat, d->set.summary_interval);
	return 0;
}

static void log_start(const struct hvd *d)
{
	cm_log(CM_LOG_INFO, "%s timestamping, clock %s%s",
	       d->set.hardware ? "hardware" : "software", d->clk->name,
	       d->set.disc.free_running
		       ? " (free_running: measured, never adjusted)"
		       : "");
}

int hvd_open(struct hvd *d, const struct hvd_settings *set)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->set = *set;
	err = check_ports(d);
	if (!err)
		err = derive_identity(d);
	if (!err)
		err = open_clock(d);
	if (!err)
		err = open_transports(d);
	if (!err)
		err = open_core(d);
	if (!err)
		err = mgmt_uds_add(d);
	if (!err)
		err = mgmt_metrics_add(d);
	if (!err)
		err = mgmt_sdnotify_add(d); /* last: READY=1 means all is up */
	if (err)
		return err;
	if (hwts_linkmon_open(&d->lm) < 0) {
		cm_log(CM_LOG_NOTICE, "no rtnetlink: link state from "
		       "IFF_RUNNING, re-checked every second");
		d->lm = NULL;
	}
	log_start(d);
	return 0;
}

void hvd_close(struct hvd *d)
{
	for (int i = 0; i < d->nservices; i++) {
		if (d->services[i].close)
			d->services[i].close(d->services[i].ctx);
	}
	d->nservices = 0;
	for (int i = 0; i < d->set.nports; i++) {
		if (d->ports[i].t)
			d->ports[i].ops->close(d->ports[i].t);
		d->ports[i].t = NULL;
	}
	if (d->lm)
		hwts_linkmon_close(d->lm);
	disc_destroy(d->disc);
	hwclock_close(d->clk);
	bc_destroy(d->bc);
	timerheap_free(&d->th);
	d->bc = NULL;
	d->disc = NULL;
	d->clk = NULL;
	d->lm = NULL;
}
