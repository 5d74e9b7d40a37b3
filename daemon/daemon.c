/* daemon/daemon.c — set-up, the poll loop and tear-down (see daemon.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/alarm.h"
#include "daemon/vmclock_svc.h"
#include "daemon/feed.h"
#include "daemon/privdrop.h"
#include "daemon/seccomp.h"
#include "mgmt/metrics.h"
#include "mgmt/sdnotify.h"
#include "mgmt/uds.h"
#include "vm/hostcheck.h"

int64_t hvd_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* ---- platform for the executor ---- */

int hvd_port_timer_id(const struct hvd *d, int port, int timer)
{
	if (port < 0)
		return d->cap * BC_TMR_PER_PORT + timer;
	return port * BC_TMR_PER_PORT + timer;
}

int hvd_timer_id(const struct hvd *d, int timer)
{
	return d->cap * BC_TMR_PER_PORT + EXEC_TMR_COUNT + timer;
}

/*
 * An event message goes out timestamped (its TX timestamp comes back with
 * the token), except on a one-step port (time_stamping onestep/p2p1step):
 * there the device writes the time into Sync (and, p2p1step, into
 * Pdelay_Resp) and no timestamp comes back for it (TRANSPORT_ONESTEP).
 */
enum transport_send hvd_send_kind(const struct hvd_port *hp, bool event,
				  const uint8_t *buf, size_t len)
{
	uint8_t type = len ? buf[0] & 0x0f : 0xff;

	if (!event)
		return TRANSPORT_GENERAL;
	if (hp->onestep == HWTS_ONESTEP_OFF)
		return TRANSPORT_EVENT;
	if (type == PTP_MSG_SYNC ||
	    (hp->onestep == HWTS_ONESTEP_P2P && type == PTP_MSG_PDELAY_RESP))
		return TRANSPORT_ONESTEP;
	return TRANSPORT_EVENT;
}

static int plat_send(void *ctx, int port, bool event, enum bc_dest dest,
		     const struct bc_addr *addr, const uint8_t *buf, size_t len,
		     uint32_t token)
{
	struct hvd *d = ctx;
	struct hvd_port *hp = &d->ports[port];
	int n;

	/* the token goes down with the message and comes back with its TX
	 * timestamp (read_txts): no map of ids here */
	n = hp->t ? hp->ops->send(hp->t, hvd_send_kind(hp, event, buf, len),
				  dest, addr, buf, len, token)
		  : -ENOTCONN;
	return n < 0 ? n : 0;
}

static void plat_timer_arm(void *ctx, int port, int t, int64_t at)
{
	struct hvd *d = ctx;

	timerheap_arm(&d->th, hvd_port_timer_id(d, port, t), at);
}

static void plat_timer_stop(void *ctx, int port, int t)
{
	struct hvd *d = ctx;

	timerheap_stop(&d->th, hvd_port_timer_id(d, port, t));
}

static void plat_on_sample(void *ctx, int port, const struct bc_sample *s,
			   const struct disc_result *r)
{
	struct hvd *d = ctx;

	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *v = &d->services[i];

		if (v->ops->on_sample)
			v->ops->on_sample(v->ctx, port, s, r);
	}
}

static void plat_on_state(void *ctx, int port, enum port_state from,
			  enum port_state to, enum bc_event ev)
{
	struct hvd *d = ctx;

	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *v = &d->services[i];

		if (v->ops->on_state)
			v->ops->on_state(v->ctx, port, from, to, ev);
	}
}

static void plat_on_parent(void *ctx)
{
	struct hvd *d = ctx;

	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *v = &d->services[i];

		if (v->ops->on_parent)
			v->ops->on_parent(v->ctx);
	}
}

int hvd_service_add(struct hvd *d, const struct hvd_service *s)
{
	if (!s || !s->ops)
		return -EINVAL;
	if (d->nservices >= HVD_MAX_SERVICES)
		return -ENOSPC;
	d->services[d->nservices++] = *s;
	return 0;
}

struct bc *hvd_core(struct hvd *d)
{
	return d->bc;
}

struct exec *hvd_exec(struct hvd *d)
{
	return &d->ex;
}

const struct hvd_settings *hvd_settings(const struct hvd *d)
{
	return &d->set;
}

/* ---- set-up ---- */

/* Add an opened clock to the set (and to the list hvd_close closes). */
static int add_clock(struct hvd *d, struct hwclock *hw, bool adjust)
{
	int k = cs_add(&d->cs, hw, adjust);

	if (k < 0) {
		cm_log(CM_LOG_ERR, "%s: more than %d clocks", hw->name,
		       CS_MAX_CLOCKS);
		hwclock_close(hw);
		return k;
	}
	d->clocks[d->nclocks++] = hw;
	return k;
}

/* The PHC of hardware port i (phc_index, else TSINFO's), or -errno. */
static int port_phc(struct hvd *d, int i)
{
	const struct hvd_settings *s = &d->set;
	int pi = s->phc_index[i];

	if (pi < 0 && d->ports[i].have_info)
		pi = d->ports[i].info.phc_index;
	if (pi < 0) {
		cm_log(CM_LOG_ERR, "%s: no PTP hardware clock: use -S (or "
		       "time_stamping software in its section) for software "
		       "timestamping", s->ports[i].name);
		return -ENODEV;
	}
	return pi;
}

/* The set's clock of PHC pi, opened on first use; sys_offset_method m. */
static int phc_clock(struct hvd *d, int pi, enum hwclock_read m,
		     const char *port)
{
	bool ro = d->set.disc.free_running;
	struct hwclock *hw;
	int err;

	for (int k = 0; k < d->cs.n; k++) {
		hw = d->cs.c[k].hw;
		if (hw->phc_index != pi)
			continue;
		if (hw->read_method != m) {
			cm_log(CM_LOG_ERR, "%s: sys_offset_method %s, but "
			       "another port on %s has %s", port,
			       hwclock_read_name(m), hw->name,
			       hwclock_read_name(hw->read_method));
			return -EINVAL;
		}
		return k;
	}
	err = phc_open(pi, ro, &hw);
	if (err < 0)
		return err;
	hw->read_method = m;
	return add_clock(d, hw, !ro);
}

/* The clock reference_clock names (hvd_settings), or -errno. */
static int gm_clock(struct hvd *d)
{
	const char *r = d->set.reference_clock;

	if (!*r)
		return d->cs.port_clock[0];
	if (!strcmp(r, "CLOCK_REALTIME"))
		return d->sysclk;
	for (int i = 0; i < d->set.nports; i++) {
		if (!strcmp(r, d->set.ports[i].name))
			return d->cs.port_clock[i];
	}
	for (int k = 0; k < d->cs.n; k++) {
		if (!strcmp(r, d->cs.c[k].hw->name))
			return k;
	}
	cm_log(CM_LOG_ERR, "reference_clock %s: not the PHC of any port", r);
	return -ENODEV;
}

/*
 * The host's clocks: each hardware port's PHC (opened once however many
 * ports share it) and CLOCK_REALTIME, which is always in the set: it
 * stamps the software ports and follows the reference otherwise (unless
 * system_clock_sync is 0).  free_running opens every clock read-only.
 */
static int open_clocks(struct hvd *d)
{
	struct hvd_settings *s = &d->set;
	bool ro = s->disc.free_running;
	bool sys_adjust = !ro && (s->system_clock_sync || s->any_software);
	struct hwclock *sys;
	struct cs_cfg cfg;
	int err, k;

	settings_cs_cfg(s, 0, &cfg);
	cs_init(&d->cs, &cfg);
	for (int i = 0; i < s->nports; i++) {
		if (!s->port_hardware[i])
			continue;
		err = port_phc(d, i);
		if (err >= 0)
			err = phc_clock(d, err, s->sys_offset_method[i],
					s->ports[i].name);
		if (err < 0)
			return err;
		cs_bind_port(&d->cs, i, err);
		s->ports[i].clock = (uint8_t)err;
		s->ports[i].phc_index = d->cs.c[err].hw->phc_index;
	}
	err = sysclk_open(!sys_adjust, &sys);
	if (err < 0)
		return err;
	d->sysclk = add_clock(d, sys, sys_adjust);
	if (d->sysclk < 0)
		return d->sysclk;
	for (int i = 0; i < s->nports; i++) {
		if (s->port_hardware[i])
			continue;
		cs_bind_port(&d->cs, i, d->sysclk);
		s->ports[i].clock = (uint8_t)d->sysclk;
		s->ports[i].phc_index = -1;
	}
	k = gm_clock(d);
	if (k < 0)
		return k;
	d->cs.cfg.gm_clock = k;
	s->clock.gm_clock_is_utc = d->cs.c[k].hw->keeps_utc;
	err = cs_start(&d->cs);
	if (err < 0)
		cm_log(CM_LOG_ERR, "clocks: cannot start: %s", strerror(-err));
	return err;
}

static int derive_identity(struct hvd *d)
{
	static const uint8_t zero[6];
	const char *name = NULL;
	uint8_t mac[6];
	int err;

	if (d->set.clock_identity_set)
		return 0;
	for (int i = 0; i < d->set.nports; i++) {
		if (!d->ports[i].waiting) {
			name = d->ports[i].name;
			break;
		}
	}
	if (!name) {
		cm_log(CM_LOG_ERR, "no interface is there yet to derive the "
		       "clock identity from its MAC address; set "
		       "clockIdentity");
		return -ENODEV;
	}
	err = hwts_iface_mac(name, mac);
	if (err < 0 || memcmp(mac, zero, 6) == 0) {
		cm_log(CM_LOG_ERR, "%s: no MAC address to derive the clock "
		       "identity from; set clockIdentity", name);
		return err < 0 ? err : -EINVAL;
	}
	clock_identity_from_mac(mac, &d->set.clock.clock_identity);
	return 0;
}

static int open_transports(struct hvd *d)
{
	for (int i = 0; i < d->set.nports; i++) {
		int err;

		if (d->ports[i].waiting)
			continue;
		err = hvd_port_open(d, i);
		if (err < 0)
			return err;
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
	err = hvd_auth_apply(d);
	if (err < 0)
		return err;
	err = timerheap_init(&d->th, hvd_timer_id(d, HVD_TMR_COUNT));
	if (err < 0)
		return err;
	d->pfd = calloc((size_t)(2 * d->cap + 1 +
				 HVD_MAX_SERVICES * HVD_SERVICE_MAX_FDS),
			sizeof(*d->pfd));
	if (!d->pfd)
		return -ENOMEM;
	exec_init(&d->ex, d->bc, &d->cs, &plat, d->set.summary_interval);
	exec_set_time(&d->ex, d->set.kernel_leap,
		      d->set.have_leaps ? &d->set.leaps : NULL);
	return 0;
}

/* What matters for guests (vm/hostcheck.h): logged, and kept in the core
 * for management (HVPTP_HOST_NP) and hvptpctl status. */
static void host_checks(struct hvd *d)
{
	char lines[HOSTCHECK_LINES_MAX][HOSTCHECK_LINE_MAX];
	int ids[HOSTCHECK_LINES_MAX];
	struct bc_host_info bi;
	struct hostcheck h;
	int n;

	if (hostcheck_run("", hostcheck_arch_native(), &h) < 0)
		return;
	hostcheck_log(&h);
	memset(&bi, 0, sizeof(bi));
	bi.valid = true;
	bi.findings = hostcheck_mask(&h, HOSTCHECK_FINDING);
	bi.unknown = hostcheck_mask(&h, HOSTCHECK_UNKNOWN);
	bi.ok = hostcheck_mask(&h, HOSTCHECK_OK);
	n = hostcheck_lines_ids(&h, lines, ids, HOSTCHECK_LINES_MAX);
	for (int i = 0; i < n && i < HOSTCHECK_LINES_MAX; i++) {
		if (bi.nlines == BC_HOST_LINES) {
			bi.more_lines = true;
			break;
		}
		bi.line_check[bi.nlines] = (uint8_t)ids[i];
		snprintf(bi.lines[bi.nlines++], BC_HOST_LINE_LEN, "%.149s",
			 lines[i]);
	}
	bc_set_host_info(d->bc, &bi);
}

static void log_start(const struct hvd *d)
{
	const struct clockset *cs = &d->cs;

	for (int k = 0; k < cs->n; k++) {
		const struct cs_clock *c = &cs->c[k];
		char ports[160] = "";
		size_t n = 0;

		for (int i = 0; i < d->set.nports && n < sizeof(ports); i++) {
			if (cs->port_clock[i] == k)
				n += (size_t)snprintf(ports + n,
						      sizeof(ports) - n,
						      " %s", d->ports[i].name);
		}
		cm_log(CM_LOG_INFO, "clock %s: %s%s%s%s%s", c->hw->name,
		       k == cs->ref ? "reference" : "follows ",
		       k == cs->ref ? "" : cs->c[cs->ref].hw->name,
		       c->adjust ? "" : " (measured, never adjusted)",
		       n ? ", stamps" : "", ports);
	}
}

int hvd_open(struct hvd *d, const struct hvd_settings *set)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->set = *set;
	err = hvd_ports_init(d);
	if (!err)
		err = derive_identity(d);
	if (!err)
		err = open_clocks(d);
	if (!err)
		err = open_transports(d);
	if (!err)
		err = open_core(d);
	if (!err)
		host_checks(d);
	for (int i = 0; !err && i < d->nports; i++) {
		if (d->ports[i].t)
			hvd_port_addresses(d, i);
	}
	if (!err) /* first: the others see a tick's alarms in the same turn */
		err = hvd_alarm_add(d);
	if (!err)
		err = mgmt_uds_add(d);
	if (!err)
		err = mgmt_metrics_add(d);
	if (!err)
		err = hvd_vmclock_add(d);
	if (!err)
		err = feed_add(d);
	if (err)
		return err;
	if (getenv("HVPTP_NO_NETLINK") && !strcmp(getenv("HVPTP_NO_NETLINK"),
						  "1")) {
		cm_log(CM_LOG_NOTICE, "rtnetlink not used (HVPTP_NO_NETLINK): "
		       "interfaces and link state re-checked every second");
		d->lm = NULL;
	} else if (hwts_linkmon_open(&d->lm) < 0) {
		cm_log(CM_LOG_NOTICE, "no rtnetlink: interfaces and link state "
		       "(IFF_RUNNING) re-checked every second");
		d->lm = NULL;
	}
	err = hvd_privdrop(d); /* everything is open; nothing runs yet */
	if (!err && d->set.seccomp)
		err = hvd_seccomp_apply();
	if (!err)
		err = mgmt_sdnotify_add(d); /* last: READY=1 means all is up */
	if (err)
		return err;
	log_start(d);
	return 0;
}

void hvd_close(struct hvd *d)
{
	if (d->bc)
		exec_close(&d->ex);
	for (int i = 0; i < d->nservices; i++) {
		const struct hvd_service *v = &d->services[i];

		if (v->ops->close)
			v->ops->close(v->ctx);
	}
	d->nservices = 0;
	for (int i = 0; d->ports && i < d->nports; i++)
		hvd_port_close(d, i);
	free(d->ports);
	free(d->pfd);
	d->ports = NULL;
	d->pfd = NULL;
	if (d->lm)
		hwts_linkmon_close(d->lm);
	cs_stop(&d->cs);
	for (int k = 0; k < d->nclocks; k++)
		hwclock_close(d->clocks[k]);
	d->nclocks = 0;
	bc_destroy(d->bc);
	hvd_auth_close(d);
	timerheap_free(&d->th);
	if (d->cfg_last)
		cfg_destroy(d->cfg_last);
	if (d->cfg_start)
		cfg_destroy(d->cfg_start);
	d->cfg_last = d->cfg_start = NULL;
	free(d->reopen_old);
	d->reopen_old = NULL;
	d->bc = NULL;
	d->lm = NULL;
}
