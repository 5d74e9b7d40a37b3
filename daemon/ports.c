/*
 * daemon/ports.c — the daemon's ports as interfaces come and go.
 *
 * Two kinds of port (daemon/daemon.h):
 * - fixed: an interface named with -i or an [IFACE] section.  It is a
 *   port from start to end; while its interface is missing (not there at
 *   start, deleted, renamed away) the port is FAULTY with its link down
 *   and waits; when an interface of that name appears (a new ifindex: a
 *   re-created tap) its sockets are opened afresh and the port comes back.
 * - from a pattern section ([vnet*], -i 'tap*'): every interface whose
 *   name matches, that is not a fixed port and not a port of a bridge
 *   (a UDP socket never receives on a bridge port: the bridge takes the
 *   frames; serve the bridge itself), is added as a port when it appears
 *   and removed when it goes, with the section's settings.
 *
 * Link events come from rtnetlink as they happen; without it, every
 * second from a listing of the interfaces (hwts_iface_list).  Either way
 * hvd_iface_event() sees one interface at a time and decides.  Nothing
 * here touches another port: a guest's tap that comes, goes or flaps
 * changes its own port only.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"

static const struct transport_cfg *port_tcfg(const struct hvd *d, int i)
{
	const struct hvd_port *hp = &d->ports[i];

	return hp->tmpl < 0 ? &d->set.transport[hp->fixed]
			    : &d->set.templates[hp->tmpl].transport;
}

static bool port_hardware(const struct hvd *d, int i)
{
	return d->ports[i].tmpl < 0 && d->set.port_hardware[d->ports[i].fixed];
}

void hvd_port_addresses(struct hvd *d, int i)
{
	uint8_t mac[6], ip[4];
	bool have_mac = hwts_iface_mac(d->ports[i].name, mac) == 0;
	bool have_ip = hwts_iface_ipv4(d->ports[i].name, ip) == 0;

	bc_mgmt_set_port_address(d->bc, i, have_mac ? mac : NULL,
				 have_ip ? ip : NULL);
}

/* Can the driver stamp this port as configured?  A missing TSINFO is
 * tried anyway (some virtual devices answer nothing). */
int hvd_port_check(struct hvd *d, int i)
{
	struct hvd_port *hp = &d->ports[i];
	bool hw = port_hardware(d, i);

	hp->tx_sched = false;
	/* The seam with the transports: the core sends one-step Syncs and
	 * Pdelay_Resps for the NIC to complete (HWTSTAMP_TX_ONESTEP_SYNC /
	 * _P2P); until hwts/ sets that up, such a port would send zero
	 * times, so it does not start. */
	if (hp->tmpl < 0 && (d->set.ports[hp->fixed].one_step ||
			     d->set.ports[hp->fixed].p2p_one_step)) {
		cm_log(CM_LOG_ERR, "%s: time_stamping onestep/p2p1step: the "
		       "NIC's one-step mode is not set up by this build's "
		       "transport (only the simulator runs one-step)",
		       hp->name);
		return -EOPNOTSUPP;
	}
	hp->have_info = hwts_get_info(hp->name, &hp->info) == 0;
	if (!hp->have_info) {
		cm_log(CM_LOG_WARNING, "%s: cannot read timestamping "
		       "capabilities; trying anyway", hp->name);
		return 0;
	}
	if (!hw && hwts_info_tx_sched(&hp->info)) {
		cm_log(CM_LOG_NOTICE, "%s: no software TX timestamps from the "
		       "driver (a bridge?): TX timestamps from the scheduler "
		       "(SOF_TIMESTAMPING_TX_SCHED, as the packet enters the "
		       "device's queue)", hp->name);
		hp->tx_sched = true;
		return 0;
	}
	if (hwts_info_supports(&hp->info, hw))
		return 0;
	cm_log(CM_LOG_ERR, "%s: the driver does not support %s timestamping%s",
	       hp->name, hw ? "hardware" : "software",
	       hw ? " (try -S, or time_stamping software in its section)" : "");
	return -EOPNOTSUPP;
}

int hvd_port_open(struct hvd *d, int i)
{
	struct hvd_port *hp = &d->ports[i];
	struct transport_cfg tc = *port_tcfg(d, i);
	int err;

	if (hwts_iface_index(hp->name, &hp->ifindex) < 0)
		return -ENODEV;
	if (hp->tx_sched && tc.mode == HWTS_SOFTWARE)
		tc.mode = HWTS_SOFTWARE_SCHED;
	hp->ops = &transport_udp4_ops;
	err = hp->ops->open(&hp->t, hp->name, &tc);
	if (err < 0) {
		hp->t = NULL;
		hp->ifindex = 0;
		return err;
	}
	hp->ops->fds(hp->t, hp->fds);
	memset(hp->txmap, 0, sizeof(hp->txmap));
	hp->waiting = false;
	hp->link_seen_running = false;
	if (d->bc)
		hvd_port_addresses(d, i);
	return 0;
}

void hvd_port_close(struct hvd *d, int i)
{
	struct hvd_port *hp = &d->ports[i];

	if (hp->t)
		hp->ops->close(hp->t);
	hp->t = NULL;
	hp->ifindex = 0;
	hp->fds[0] = hp->fds[1] = -1;
	memset(hp->txmap, 0, sizeof(hp->txmap));
}

/* A port's link state changed (netlink event or IFF_RUNNING poll). */
void hvd_port_link(struct hvd *d, int port, bool up, int64_t now)
{
	struct hvd_port *hp = &d->ports[port];

	if (up)
		hp->link_seen_running = true;
	if (hp->link_up == up)
		return;
	hp->link_up = up;
	exec_link(&d->ex, port, up, now);
}

/* ---- fixed ports: gone and back ---- */

static void fixed_gone(struct hvd *d, int i, const char *why, int64_t now)
{
	struct hvd_port *hp = &d->ports[i];

	cm_log(CM_LOG_NOTICE, "%s: interface %s; waiting for it", hp->name,
	       why);
	hvd_port_close(d, i);
	hp->waiting = true;
	hvd_port_link(d, i, false, now);
}

static void fixed_back(struct hvd *d, int i, const struct hwts_link *l,
		       int64_t now)
{
	struct hvd_port *hp = &d->ports[i];
	int err = hvd_port_check(d, i);

	if (!err)
		err = hvd_port_open(d, i);
	if (err) {
		if (hp->open_errors++ == 0)
			cm_log(CM_LOG_ERR, "%s: interface back (index %d) but "
			       "cannot be opened: %s; trying again when it "
			       "changes", hp->name, l->ifindex, strerror(-err));
		return;
	}
	hp->open_errors = 0;
	d->ports_reopened++;
	cm_log(CM_LOG_NOTICE, "%s: interface back (index %d), port %d open",
	       hp->name, hp->ifindex, i + 1);
	if (l->up)
		hvd_port_link(d, i, true, now);
}

/* ---- ports from patterns ---- */

static int match_template(const struct hvd *d, const char *name)
{
	for (int i = 0; i < d->set.nports; i++) {
		if (!strcmp(d->set.ports[i].name, name))
			return -1; /* a fixed port's interface */
	}
	for (int t = 0; t < d->set.ntemplates; t++) {
		if (fnmatch(d->set.templates[t].pattern, name, 0) == 0)
			return t;
	}
	return -1;
}

void hvd_port_remove(struct hvd *d, int i, const char *why, int64_t now)
{
	struct hvd_port *hp = &d->ports[i];

	cm_log(CM_LOG_NOTICE, "%s: %s; port %d removed", hp->name, why, i + 1);
	hvd_port_close(d, i);
	exec_port_remove(&d->ex, i, now);
	hp->tmpl = -1;
	hp->fixed = -1;
	hp->in_use = false;
	hp->waiting = false;
}

/* The slot the core chose for a new port: the daemon's side of it. */
static void dynamic_slot(struct hvd *d, int i, int t, const char *name)
{
	struct hvd_port *hp = &d->ports[i];

	memset(hp, 0, sizeof(*hp));
	snprintf(hp->name, sizeof(hp->name), "%s", name);
	hp->tmpl = t;
	hp->fixed = -1;
	hp->in_use = true;
	hp->link_up = true;
	hp->fds[0] = hp->fds[1] = -1;
	if (i >= d->nports)
		d->nports = i + 1;
}

static void dynamic_add(struct hvd *d, int t, const struct hwts_link *l,
			int64_t now)
{
	struct bc_port_cfg cfg = d->set.templates[t].port;
	int i, err;

	snprintf(cfg.name, sizeof(cfg.name), "%s", l->name);
	cfg.clock = (uint8_t)d->sysclk;
	cfg.clock_is_utc = true;
	cfg.hw_timestamping = false;
	cfg.phc_index = -1;
	i = exec_port_add(&d->ex, &cfg, now);
	if (i < 0) {
		if (d->ports_refused++ % 100 == 0)
			cm_log(CM_LOG_WARNING, "%s: not served: %s (max_ports "
			       "%d)", l->name, strerror(-i), d->cap);
		return;
	}
	dynamic_slot(d, i, t, l->name);
	err = hvd_port_check(d, i);
	if (!err)
		err = hvd_port_open(d, i);
	if (err) {
		cm_log(CM_LOG_ERR, "%s: cannot open: %s", l->name,
		       strerror(-err));
		hvd_port_remove(d, i, "not served", now);
		return;
	}
	d->ports_added++;
	cm_log(CM_LOG_NOTICE, "%s: matches [%s]: port %d (index %d)", l->name,
	       d->set.templates[t].pattern, i + 1, d->ports[i].ifindex);
	if (!l->up)
		hvd_port_link(d, i, false, now);
}

/* ---- one interface seen ---- */

static int port_of_ifindex(const struct hvd *d, int ifindex)
{
	for (int i = 0; i < d->nports; i++) {
		if (d->ports[i].in_use && d->ports[i].t &&
		    d->ports[i].ifindex == ifindex)
			return i;
	}
	return -1;
}

static int waiting_port_named(const struct hvd *d, const char *name)
{
	for (int i = 0; i < d->nports; i++) {
		if (d->ports[i].in_use && d->ports[i].waiting &&
		    !strcmp(d->ports[i].name, name))
			return i;
	}
	return -1;
}

/* A port's interface changed: false when it is no longer the port's
 * (deleted, renamed, a pattern port put into a bridge). */
static bool still_ours(struct hvd *d, int i, const struct hwts_link *l,
		       bool scan, int64_t now)
{
	struct hvd_port *hp = &d->ports[i];
	const char *why = NULL;

	if (!l->exists)
		why = "deleted";
	else if (l->name[0] && strcmp(l->name, hp->name) != 0)
		why = "renamed";
	else if (hp->tmpl >= 0 && l->master)
		why = "now a port of a bridge";
	if (!why) {
		if (!scan || l->up || hp->link_seen_running)
			hvd_port_link(d, i, l->up, now);
		return true;
	}
	if (hp->tmpl >= 0) {
		hvd_port_remove(d, i, why, now);
		d->ports_removed++;
	} else {
		fixed_gone(d, i, why, now);
	}
	return false;
}

void hvd_iface_event(struct hvd *d, const struct hwts_link *l, bool scan,
		     int64_t now)
{
	int i = port_of_ifindex(d, l->ifindex), t;

	if (i >= 0 && still_ours(d, i, l, scan, now))
		return;
	if (!l->exists || !l->name[0])
		return;
	i = waiting_port_named(d, l->name);
	if (i >= 0) {
		fixed_back(d, i, l, now);
		return;
	}
	t = match_template(d, l->name);
	if (t < 0)
		return;
	if (l->master) {
		if (d->bridge_port_logged++ % 100 == 0)
			cm_log(CM_LOG_NOTICE, "%s: matches [%s] but is a port "
			       "of a bridge (index %d): not served (UDP cannot "
			       "receive on a bridge port; serve the bridge)",
			       l->name, d->set.templates[t].pattern, l->master);
		return;
	}
	dynamic_add(d, t, l, now);
}

/* A listing's interface: only new ones matter here (the ports' own
 * interfaces are checked by name in hvd_ports_scan). */
static void scan_cb(void *ctx, const struct hwts_link *l)
{
	struct hvd *d = ctx;

	if (port_of_ifindex(d, l->ifindex) >= 0)
		return;
	hvd_iface_event(d, l, true, hvd_monotonic_ns());
}

/* One port's interface, looked up by its name. */
static void scan_port(struct hvd *d, int i, int64_t now)
{
	struct hvd_port *hp = &d->ports[i];
	struct hwts_link l = { .name = hp->name, .exists = true };

	if (hwts_iface_index(hp->name, &l.ifindex) < 0) {
		if (hp->t) {
			l.exists = false;
			l.ifindex = hp->ifindex;
			still_ours(d, i, &l, true, now);
		}
		return;
	}
	if (hwts_iface_running(hp->name, &l.up) < 0)
		return;
	l.master = hp->tmpl >= 0 ? hwts_iface_master(hp->name) : 0;
	if (hp->t && l.ifindex != hp->ifindex) {
		/* the same name on a new interface: re-created */
		struct hwts_link old = { .ifindex = hp->ifindex, .name = "" };

		still_ours(d, i, &old, true, now);
	}
	if (hp->t)
		still_ours(d, i, &l, true, now);
	else if (hp->waiting)
		fixed_back(d, i, &l, now);
}

/*
 * Without rtnetlink (and at start): each port's interface by its name
 * (gone, re-created, its link state), then, when pattern sections are
 * configured, a listing of the interfaces for new ones.  A listing cannot
 * tell a rename from a new interface; names can.
 */
void hvd_ports_scan(struct hvd *d, int64_t now)
{
	for (int i = 0; i < d->nports; i++) {
		if (d->ports[i].in_use)
			scan_port(d, i, now);
	}
	if (d->set.ntemplates > 0)
		hwts_iface_list(scan_cb, d);
}

/* The fixed ports at start: their interfaces, or wait for them. */
int hvd_ports_init(struct hvd *d)
{
	d->cap = d->set.max_ports > 0 ? d->set.max_ports : d->set.nports;
	d->ports = calloc((size_t)d->cap, sizeof(*d->ports));
	if (!d->ports)
		return -ENOMEM;
	for (int i = 0; i < d->set.nports; i++) {
		struct hvd_port *hp = &d->ports[i];
		int err;

		snprintf(hp->name, sizeof(hp->name), "%s", d->set.ports[i].name);
		hp->tmpl = -1;
		hp->fixed = i;
		hp->in_use = true;
		hp->link_up = true; /* as the core starts it */
		hp->fds[0] = hp->fds[1] = -1;
		if (hwts_iface_index(hp->name, &hp->ifindex) < 0) {
			if (d->set.port_hardware[i]) {
				cm_log(CM_LOG_ERR, "%s: no such interface; a "
				       "hardware port's PHC must be known at "
				       "start (start hvptpd after the "
				       "interface, or -S)", hp->name);
				return -ENODEV;
			}
			cm_log(CM_LOG_NOTICE, "%s: no such interface yet; "
			       "waiting for it", hp->name);
			hp->waiting = true;
			continue;
		}
		err = hvd_port_check(d, i);
		if (err)
			return err;
	}
	d->nports = d->set.nports;
	return 0;
}

/* ---- a reload's ports ---- */

int hvd_port_add_fixed(struct hvd *d, int j, int64_t now)
{
	struct bc_port_cfg *cfg = &d->set.ports[j];
	struct hvd_port *hp;
	int i, err;

	cfg->clock = (uint8_t)d->sysclk;
	cfg->clock_is_utc = true;
	cfg->hw_timestamping = false;
	cfg->phc_index = -1;
	i = exec_port_add(&d->ex, cfg, now);
	if (i < 0)
		return i;
	dynamic_slot(d, i, -1, cfg->name);
	hp = &d->ports[i];
	hp->fixed = j;
	d->ports_added++;
	err = hwts_iface_index(hp->name, &hp->ifindex);
	if (!err)
		err = hvd_port_check(d, i);
	if (!err)
		err = hvd_port_open(d, i);
	if (err) {
		cm_log(CM_LOG_NOTICE, "%s: port %d added; %s; waiting for it",
		       hp->name, i + 1, err == -ENODEV ? "no such interface yet"
						      : strerror(-err));
		hp->waiting = true;
		hvd_port_link(d, i, false, now);
		return i;
	}
	cm_log(CM_LOG_NOTICE, "%s: port %d added (index %d)", hp->name, i + 1,
	       hp->ifindex);
	return i;
}
