/*
 * daemon/daemon.h — hvptpd's running state and its one poll() loop.
 *
 * struct hvd ties the modules together: the core (struct bc), the host's
 * clocks in a clock set (each NIC's PHC a port is stamped by, and
 * CLOCK_REALTIME, each with its servo: daemon/clockset.h), one transport
 * per port, the timer heap and link monitoring.  hvd_open() sets everything up
 * from the settings; hvd_run() loops until *stop is set (SIGINT/SIGTERM),
 * polling every socket with the time to the earliest timer; hvd_close()
 * closes the sockets and restores the interfaces' timestamping settings.
 */
#ifndef HVPTP_DAEMON_DAEMON_H
#define HVPTP_DAEMON_DAEMON_H

#include <signal.h>
#include <stdint.h>

#include "bc/bc.h"
#include "common/hwclock.h"
#include "daemon/clockset.h"
#include "daemon/executor.h"
#include "daemon/service.h"
#include "daemon/settings.h"
#include "daemon/timerheap.h"
#include "hwts/hwts.h"
#include "hwts/transport.h"

struct hvd_port {
	char name[BC_PORT_NAME_LEN]; /* the interface */
	bool in_use; /* the slot holds a port (the core's port i) */
	int tmpl; /* -1: a fixed port, else the pattern section
		     (hvd_settings.templates) it came from */
	int fixed; /* a fixed port's index in hvd_settings.ports (the
		      slot's at start; a reload may renumber), else -1 */
	bool waiting; /* a fixed port whose interface is missing */
	uint32_t open_errors; /* failed re-opens, for logging once */
	const struct transport_ops *ops; /* network_transport's */
	struct transport *t; /* NULL while the interface is missing */
	bool have_info; /* TSINFO read when opened */
	struct hwts_info info;
	bool tx_sched; /* software, TX timestamps from the scheduler (a
			  bridge: hwts_info_tx_sched) */
	int fds[2];
	int ifindex;
	enum hwts_onestep onestep; /* the transport's, while open */
	uint64_t rx_truncated;
	uint64_t rx_no_ts;
	uint64_t rx_errors;
	uint64_t txts_unmatched;
	bool link_up; /* as last told to the core */
	bool link_seen_running; /* IFF_RUNNING seen set at least once */
};

/* Timer ids: each port's BC_TMR_PER_PORT, then the executor's
 * EXEC_TMR_COUNT, then the daemon's own. */
enum { HVD_TMR_SUMMARY = 0, HVD_TMR_LINK_POLL, HVD_TMR_COUNT };

struct hvd {
	struct hvd_settings set;
	struct bc *bc;
	struct hwclock *clocks[CS_MAX_CLOCKS]; /* opened, the set's order */
	int nclocks;
	int sysclk; /* CLOCK_REALTIME's index */
	struct clockset cs;
	struct exec ex;
	/* port slots (the core's indices): cap of them, nports in use
	 * (some may be free after a pattern port went) */
	struct hvd_port *ports;
	int cap;
	int nports;
	uint64_t ports_added, ports_removed, ports_reopened, ports_refused;
	uint64_t bridge_port_logged;
	struct pollfd *pfd; /* 2 per port slot, netlink, services */
	struct timerheap th;
	struct hwts_linkmon *lm;
	struct hvd_service services[HVD_MAX_SERVICES];
	int nservices;
	/* poll slots of each service in the last fill: first, count */
	int svc_first[HVD_MAX_SERVICES];
	int svc_count[HVD_MAX_SERVICES];
	uint64_t loops;
	int64_t started_ns;
	/* reloads (daemon/reload.h): the option stores of the start and of
	 * the last reload (NULL: none yet), how to load the configuration
	 * again, the SIGHUP flag, and services to reopen at the end of the
	 * loop turn (HVD_REOPEN_*), with the settings they ran with */
	struct cfg *cfg_start, *cfg_last;
	int (*load)(void *ctx, struct cfg **cfg, struct hvd_settings *set);
	void *load_ctx;
	volatile sig_atomic_t *reload_flag;
	unsigned reopen;
	struct hvd_settings *reopen_old;
	uint64_t reloads, reload_failures;
	struct auth_mac *auth_mac; /* daemon/auth_run.c; NULL: no port
				      with spp yet */
};

enum {
	HVD_REOPEN_MGMT = 1u << 0,
	HVD_REOPEN_METRICS = 1u << 1,
	HVD_REOPEN_VMCLOCK = 1u << 2,
	HVD_REOPEN_FEED = 1u << 3,
};
/* The services a reload changed, closed and opened again (hvd_run, at
 * the end of a loop turn: not from inside a service's callback). */
void hvd_services_reopen(struct hvd *d);

/* 0, or a negative errno after logging why. */
int hvd_open(struct hvd *d, const struct hvd_settings *set);
int hvd_run(struct hvd *d, volatile sig_atomic_t *stop);
void hvd_close(struct hvd *d);

/* daemon/auth_run.c: the core given set.sad and the MAC (opened when a
 * port has spp), at start and after a reload; closed at the end. */
int hvd_auth_apply(struct hvd *d);
void hvd_auth_close(struct hvd *d);

/* daemon/ports.c: ports as interfaces come and go. */
int hvd_ports_init(struct hvd *d);
int hvd_port_check(struct hvd *d, int i);
int hvd_port_open(struct hvd *d, int i);
void hvd_port_close(struct hvd *d, int i);
/* A reload (daemon/reload.c): fixed port j of d->set becomes a port
 * (software timestamps; its interface opened now or waited for), and a
 * port goes (fixed or from a pattern).  The slot or a negative errno. */
int hvd_port_add_fixed(struct hvd *d, int j, int64_t now);
void hvd_port_remove(struct hvd *d, int i, const char *why, int64_t now);
/* The management addresses of a port (PORT_PROPERTIES_NP and the like). */
void hvd_port_addresses(struct hvd *d, int i);
void hvd_port_link(struct hvd *d, int port, bool up, int64_t now);
/* One interface seen (a link event, or a listing when scan). */
void hvd_iface_event(struct hvd *d, const struct hwts_link *l, bool scan,
		     int64_t now);
/* Every interface from a listing (at start; every second without
 * rtnetlink): new ones served, vanished ones gone, link states. */
void hvd_ports_scan(struct hvd *d, int64_t now);
/* The timer heap id of a port's timer (port >= 0), the executor's (port
 * -1) or the daemon's own (hvd_timer_id(d, HVD_TMR_...)). */
int hvd_port_timer_id(const struct hvd *d, int port, int timer);
int hvd_timer_id(const struct hvd *d, int timer);
/* How an event or general message of port hp goes out (one-step ports
 * send Sync, and for p2p1step Pdelay_Resp, TRANSPORT_ONESTEP). */
enum transport_send hvd_send_kind(const struct hvd_port *hp, bool event,
				  const uint8_t *buf, size_t len);

#endif
