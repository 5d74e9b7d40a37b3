/* daemon/settings.c — option store to module configuration. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/clockset.h"
#include "daemon/settings.h"
#include "daemon/seccomp.h"
#include "mgmt/metrics.h"

/* Where refusals go.  Each names the file and line that set the value in
 * effect (cfg_origin, for port or [global]), else "where"; the first is
 * copied to first, every one added to errs, except those naming an option
 * that already had an error before settings began (the parser's: the
 * value refused here is then the default the bad line left).  The readers
 * below take it as "err", where they used to take a struct cfg_error. */
struct set_report {
	const struct cfg *c;
	const char *port; /* the port being read, NULL: [global] */
	const char *where;
	struct cfg_error *first; /* or NULL */
	struct cfg_errors *errs; /* or NULL */
	int nbefore; /* errs->n when settings began */
	int n; /* refusals */
};

__attribute__((format(printf, 3, 4))) static int
refuse(struct set_report *err, const char *option, const char *fmt, ...)
{
	struct cfg_error e;
	const char *file;
	va_list ap;
	int line;

	memset(&e, 0, sizeof(e));
	snprintf(e.file, sizeof(e.file), "%s", err->where);
	snprintf(e.option, sizeof(e.option), "%s", option);
	va_start(ap, fmt);
	vsnprintf(e.reason, sizeof(e.reason), fmt, ap);
	va_end(ap);
	if (err->c && cfg_origin(err->c, err->port, option, &file, &line)) {
		snprintf(e.file, sizeof(e.file), "%s", file);
		e.line = line;
	}
	if (err->n++ == 0 && err->first)
		*err->first = e;
	if (err->errs &&
	    !cfg_errors_has_option(err->errs, err->nbefore, option))
		cfg_errors_add(err->errs, &e);
	return -EINVAL;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* A path must fit whole: a cut one names another file.  -ENAMETOOLONG. */
static int copy_path(char *dst, size_t cap, const char *src)
{
	if (src && strlen(src) >= cap)
		return -ENAMETOOLONG;
	copy_str(dst, cap, src);
	return 0;
}

/* Values of enum options (config/options.c keeps ptp4l's spellings and
 * these numbers). */
enum { TS_HARDWARE = 0, TS_SOFTWARE = 1, TS_LEGACY = 2, TS_ONESTEP = 3,
       TS_P2P1STEP = 4 };

/* time_stamping onestep or p2p1step. */
static bool ts_one_step(int ts)
{
	return ts == TS_ONESTEP || ts == TS_P2P1STEP;
}
enum { NT_UDPV4 = 1, NT_L2 = 3 };
enum { DSCMP_IEEE1588 = 0, DSCMP_G8275 = 1 };
enum { SERVO_NAME_PI = 0, SERVO_NAME_LINREG = 1, SERVO_NAME_KALMAN = 5 };
enum { CT_OC = 0, CT_BC = 1 };
enum { DF_AVERAGE = 0 };
enum { BMCA_NOOP = 1 };

/* [acceptable_master_table] into the clock's table (the parser checked
 * each line and their number). */
static void amt_from_cfg(const struct cfg_amt *t, struct bc_clock_cfg *k)
{
	k->n_acceptable = 0;
	for (int i = 0; i < t->n && i < BC_MAX_ACCEPTABLE; i++) {
		struct bc_acceptable_master *a = &k->acceptable[i];

		a->id.clock_identity = t->e[i].clock_identity;
		a->id.port_number = t->e[i].port_number < 0
					    ? 0xFFFF
					    : (uint16_t)t->e[i].port_number;
		a->alternate_priority1 = t->e[i].alternate_priority1;
		k->n_acceptable++;
	}
}

static int clock_from_cfg(const struct cfg *c, struct bc_clock_cfg *k,
			  bool *id_set, struct set_report *err)
{
	const char *id = cfg_get_string(c, NULL, "clockIdentity");
	int rc = 0;

	bc_clock_cfg_default(k);
	*id_set = false;
	if (id && strcmp(id, "000000.0000.000000") != 0) {
		if (clock_identity_parse(id, &k->clock_identity) < 0)
			rc = refuse(err, "clockIdentity",
				    "%s: not a clock identity", id);
		else
			*id_set = true;
	}
	k->priority1 = (uint8_t)cfg_get_int(c, NULL, "priority1");
	k->priority2 = (uint8_t)cfg_get_int(c, NULL, "priority2");
	k->domain_number = (uint8_t)cfg_get_int(c, NULL, "domainNumber");
	k->clock_quality.clock_class = (uint8_t)cfg_get_int(c, NULL, "clockClass");
	k->clock_quality.clock_accuracy =
		(uint8_t)cfg_get_int(c, NULL, "clockAccuracy");
	k->clock_quality.offset_scaled_log_variance =
		(uint16_t)cfg_get_int(c, NULL, "offsetScaledLogVariance");
	k->slave_only = cfg_get_int(c, NULL, "clientOnly") != 0;
	if (k->slave_only)
		k->clock_quality.clock_class = 255; /* as ptp4l: 7.6.2.5 */
	/* twoStepFlag 0 is a port's one-step (onestep_from_cfg refuses it
	 * with software stamps); so are onestep and p2p1step */
	k->two_step = cfg_get_int(c, NULL, "twoStepFlag") != 0 &&
		      !ts_one_step(cfg_get_enum(c, NULL, "time_stamping"));
	k->ptp_minor_version = (uint8_t)cfg_get_int(c, NULL, "ptp_minor_version");
	k->max_steps_removed = (uint8_t)cfg_get_int(c, NULL, "maxStepsRemoved");
	k->time_source = (uint8_t)cfg_get_int(c, NULL, "timeSource");
	k->utc_offset = (int16_t)cfg_get_int(c, NULL, "utc_offset");
	k->check_fup_sync = cfg_get_int(c, NULL, "check_fup_sync") != 0;
	k->assume_two_step = cfg_get_int(c, NULL, "assume_two_step") != 0;
	k->tx_timestamp_timeout_ns =
		(int64_t)cfg_get_int(c, NULL, "tx_timestamp_timeout") * NS_PER_MS;
	copy_str(k->user_description, sizeof(k->user_description),
		 cfg_get_string(c, NULL, "userDescription"));
	k->dataset_comparison =
		cfg_get_enum(c, NULL, "dataset_comparison") == DSCMP_G8275
			? BC_DSCMP_G8275
			: BC_DSCMP_IEEE1588;
	k->local_priority =
		(uint8_t)cfg_get_int(c, NULL, "G.8275.defaultDS.localPriority");
	k->clock_class_threshold =
		(uint8_t)cfg_get_int(c, NULL, "clock_class_threshold");
	amt_from_cfg(cfg_amt(c), k);
	return rc;
}

/* One-step on a port, as ptp4l harmonises it: time_stamping onestep or
 * p2p1step, or twoStepFlag 0 on a hardware-stamped port (onestep). */
static void port_one_step_from_cfg(const struct cfg *c, const char *name,
				   struct bc_port_cfg *p)
{
	int ts = cfg_get_enum(c, name, "time_stamping");

	p->p2p_one_step = ts == TS_P2P1STEP;
	p->one_step = ts == TS_ONESTEP ||
		      (ts == TS_HARDWARE &&
		       cfg_get_int(c, NULL, "twoStepFlag") == 0);
}

/* 802.1AS: follow_up_info makes the port an 802.1AS one, whose
 * asCapable ('auto': from the peer delay; 'true': always) gates Sync,
 * Announce and the BMCA (bc/bc.h). */
static void gptp_from_cfg(const struct cfg *c, const char *name,
			  struct bc_port_cfg *p)
{
	p->follow_up_info = cfg_get_int(c, name, "follow_up_info") != 0;
	p->as_capable_always = cfg_get_enum(c, name, "asCapable") == 0; /* true */
	p->neighbor_prop_delay_thresh_ns =
		cfg_get_int(c, name, "neighborPropDelayThresh");
	p->min_neighbor_prop_delay_ns =
		cfg_get_int(c, name, "min_neighbor_prop_delay");
}

/* spp and active_key_id (checked against the sa_file by check_sa_file);
 * as ptp4l, not on one-step ports nor below PTP v2.1. */
static int auth_port_from_cfg(const struct cfg *c, const char *name,
			      struct bc_port_cfg *p, struct set_report *err)
{
	p->spp = (int16_t)cfg_get_int(c, name, "spp");
	/* stored as long long, 0..2^32-1: the int's bits are the value's */
	p->active_key_id = (uint32_t)cfg_get_int(c, name, "active_key_id");
	if (p->spp < 0)
		return 0;
	if (cfg_get_int(c, NULL, "twoStepFlag") == 0 ||
	    ts_one_step(cfg_get_enum(c, name, "time_stamping")))
		return refuse(err, "spp", "%s", "not on a one-step port "
			      "(twoStepFlag 0, onestep, p2p1step): the hardware changes the Sync "
			      "after its ICV is computed");
	if (cfg_get_int(c, NULL, "ptp_minor_version") < 1)
		return refuse(err, "spp", "%s", "needs ptp_minor_version 1 "
			      "(the AUTHENTICATION TLV is PTP v2.1's)");
	return 0;
}

static int port_from_cfg(const struct cfg *c, const char *name,
			 struct bc_port_cfg *p, struct set_report *err)
{
	int dm = cfg_get_enum(c, name, "delay_mechanism");
	int len = cfg_get_int(c, name, "delay_filter_length");
	int rc = 0, fei;

	bc_port_cfg_default(p, name);
	p->log_announce_interval = (int8_t)cfg_get_int(c, name, "logAnnounceInterval");
	p->log_sync_interval = (int8_t)cfg_get_int(c, name, "logSyncInterval");
	p->log_min_delay_req_interval =
		(int8_t)cfg_get_int(c, name, "logMinDelayReqInterval");
	p->log_min_pdelay_req_interval =
		(int8_t)cfg_get_int(c, name, "logMinPdelayReqInterval");
	p->announce_receipt_timeout =
		(uint8_t)cfg_get_int(c, name, "announceReceiptTimeout");
	p->sync_receipt_timeout = (uint8_t)cfg_get_int(c, name, "syncReceiptTimeout");
	p->fault_reset_interval = (int8_t)cfg_get_int(c, name, "fault_reset_interval");
	p->delay_asymmetry_ns = cfg_get_int(c, name, "delayAsymmetry");
	p->ingress_latency_ns = cfg_get_int(c, name, "ingressLatency");
	p->egress_latency_ns = cfg_get_int(c, name, "egressLatency");
	p->master_only = cfg_get_int(c, name, "serverOnly") != 0;
	p->local_priority =
		(uint8_t)cfg_get_int(c, name, "G.8275.portDS.localPriority");
	p->acceptable_master_only =
		cfg_get_int(c, name, "acceptable_master_table_enabled") != 0;
	if (p->acceptable_master_only && cfg_amt(c)->n == 0)
		rc = refuse(err, "acceptable_master_table_enabled",
			    "1: the [acceptable_master_table] section is "
			    "missing or empty: the port would take no master");
	p->ignore_source_id = cfg_get_int(c, name, "ignore_source_id") != 0;
	p->bmca_noop = cfg_get_enum(c, name, "BMCA") == BMCA_NOOP;
	if (p->bmca_noop && !p->master_only &&
	    !cfg_get_int(c, NULL, "clientOnly"))
		rc = refuse(err, "BMCA", "noop: the port needs a fixed role: "
			    "serverOnly 1 here, or clientOnly 1 for the "
			    "clock (as ptp4l)");
	if (p->master_only && cfg_get_int(c, NULL, "clientOnly"))
		rc = refuse(err, "serverOnly", "1: the clock is clientOnly: "
			    "this port could be neither master nor slave");
	p->inhibit_announce = cfg_get_int(c, name, "inhibit_announce") != 0;
	p->inhibit_delay_req = cfg_get_int(c, name, "inhibit_delay_req") != 0;
	p->delay_resp_unicast =
		cfg_get_int(c, name, "delay_resp_unicast") != 0;
	p->ignore_transport_specific =
		cfg_get_int(c, name, "ignore_transport_specific") != 0;
	p->path_trace_enabled = cfg_get_int(c, name, "path_trace_enabled") != 0;
	p->net_sync_monitor = cfg_get_int(c, name, "net_sync_monitor") != 0;
	p->power.version =
		(uint16_t)cfg_get_enum(c, name, "power_profile.version");
	p->power.grandmaster_id =
		(uint16_t)cfg_get_int(c, name, "power_profile.grandmasterID");
	/* -1 (ptp4l's default) is 0xFFFFFFFF on the wire */
	p->power.gm_time_inaccuracy = (uint32_t)cfg_get_int(
		c, name, "power_profile.2011.grandmasterTimeInaccuracy");
	p->power.network_time_inaccuracy = (uint32_t)cfg_get_int(
		c, name, "power_profile.2011.networkTimeInaccuracy");
	p->power.total_time_inaccuracy = (uint32_t)cfg_get_int(
		c, name, "power_profile.2017.totalTimeInaccuracy");
	p->management_enabled = cfg_get_int(c, name, "ptp_management") != 0;
	p->delay_req_rate = (uint32_t)cfg_get_int(c, name,
						  "delay_req_rate_limit");
	p->delay_req_burst = (uint32_t)cfg_get_int(c, name, "delay_req_burst");
	p->mgmt_rate = (uint32_t)cfg_get_int(c, NULL, "mgmt_rate_limit");
	p->mgmt_burst = (uint32_t)cfg_get_int(c, NULL, "mgmt_burst");
	p->transport_specific = (uint8_t)cfg_get_int(c, name, "transportSpecific");
	rc |= auth_port_from_cfg(c, name, p, err);
	p->delay_filter_average =
		cfg_get_enum(c, name, "delay_filter") == DF_AVERAGE;
	if (len > 64)
		rc = refuse(err, "delay_filter_length",
			    "%d: hvptpd keeps at most 64 samples", len);
	else
		p->delay_filter_length = (uint8_t)len;
	gptp_from_cfg(c, name, p);
	fei = cfg_get_int(c, name, "freq_est_interval");
	/* as ptp4l, a longer span only stops at the counter's width */
	p->freq_est_interval = (int8_t)(fei < -16 ? -16 : fei > 24 ? 24 : fei);
	p->allowed_lost_responses =
		(uint8_t)cfg_get_int(c, name, "allowedLostResponses");
	if (dm == DM_COMMON_P2P || dm == DM_NO_MECHANISM)
		rc = refuse(err, "delay_mechanism",
			    "%s: not implemented (E2E, P2P and Auto are)",
			    dm == DM_COMMON_P2P ? "COMMON_P2P" : "NONE");
	/* Auto (0) starts E2E, as ptp4l's */
	p->delay_auto = dm == 0;
	p->delay_mechanism = dm == DM_P2P ? DM_P2P : DM_E2E;
	return rc;
}

/* A table address (config/uctab.c's canonical sockaddr) as the octets of
 * a PortAddress (7.5.2.6; networkProtocol = the CFG_NT_* value). */
static void uc_port_address(int nt, const struct bc_addr *a,
			    struct bc_port_address *pa)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_ll sll;

	memset(pa, 0, sizeof(*pa));
	pa->protocol = (uint16_t)nt;
	if (nt == CFG_NT_UDPV4 && a->len == sizeof(sin)) {
		memcpy(&sin, a->data, sizeof(sin));
		pa->len = 4;
		memcpy(pa->octets, &sin.sin_addr, 4);
	} else if (nt == CFG_NT_UDPV6 && a->len == sizeof(sin6)) {
		memcpy(&sin6, a->data, sizeof(sin6));
		pa->len = 16;
		memcpy(pa->octets, &sin6.sin6_addr, 16);
	} else if (nt == CFG_NT_L2 && a->len == sizeof(sll)) {
		memcpy(&sll, a->data, sizeof(sll));
		pa->len = 6;
		memcpy(pa->octets, sll.sll_addr, 6);
	}
}

/*
 * Unicast (IEEE 1588-2019 16.1): the port's unicast master table, by its
 * table_id, must exist and hold addresses of the port's transport;
 * peer_address (unicast peer delay) is refused.  As ptp4l, a port with a
 * table or with unicast_listen sends its Delay_Req by unicast to the
 * master (hybrid_e2e is set for it).
 */
static int uc_from_cfg(const struct cfg *c, const char *name,
		       struct bc_port_cfg *p, struct set_report *err)
{
	int id = cfg_get_int(c, name, "unicast_master_table");
	int nt = cfg_get_enum(c, name, "network_transport");
	const struct cfg_uc_table *t;

	p->uc_req_duration = (uint32_t)cfg_get_int(c, name,
						   "unicast_req_duration");
	p->unicast_listen = cfg_get_int(c, name, "unicast_listen") != 0;
	p->hybrid_e2e = cfg_get_int(c, name, "hybrid_e2e") != 0 ||
			p->unicast_listen || id != 0;
	p->inhibit_multicast_service =
		cfg_get_int(c, name, "inhibit_multicast_service") != 0;
	if (!id)
		return 0;
	t = cfg_uc_table_find(c, id);
	if (!t)
		return refuse(err, "unicast_master_table", "%d: no "
			      "[unicast_master_table] has this table_id", id);
	if (t->peer_address[0])
		return refuse(err, "unicast_master_table", "%d: table %d has "
			      "a peer_address (line %d): unicast peer delay is "
			      "not implemented yet", id, id, t->peer_line);
	for (int i = 0; i < t->n; i++) {
		if (t->transport[i] != nt)
			return refuse(err, "unicast_master_table", "%d: the "
				      "address on line %d is not of this "
				      "port's network_transport", id,
				      t->addr_line[i]);
		p->uc_master[i] = t->addr[i];
		uc_port_address(nt, &t->addr[i], &p->uc_master_paddr[i]);
	}
	p->uc_table_id = (uint32_t)id;
	p->uc_nmasters = (uint8_t)t->n;
	p->uc_log_query_interval = (int8_t)t->log_query_interval;
	return 0;
}

/* time_stamping hardware, onestep and p2p1step stamp in hardware. */
static bool ts_is_hardware(int ts)
{
	return ts == TS_HARDWARE || ts == TS_ONESTEP || ts == TS_P2P1STEP;
}

/* "01:1B:19:00:00:00": six hex pairs and colons, nothing else. */
static bool mac_ok(const char *m)
{
	if (!m || strlen(m) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		bool colon = i % 3 == 2;

		if (colon ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return false;
	}
	return true;
}

static int ipv6_group_ok(const char *a)
{
	struct in6_addr in6;

	return a && strlen(a) < 48 && inet_pton(AF_INET6, a, &in6) == 1 &&
	       IN6_IS_ADDR_MULTICAST(&in6);
}

/* The addresses of the transport in use, each checked where it was set:
 * ptp4l refuses a bad one when the port opens; hvptpd at start. */
static int transport_addrs(const struct cfg *c, const char *name,
			   struct transport_cfg *t, struct set_report *err)
{
	static const char *const opt[] = { "ptp_dst_ipv6", "p2p_dst_ipv6",
					   "ptp_dst_mac", "p2p_dst_mac" };
	char *dst[] = { t->ptp_dst_ipv6, t->p2p_dst_ipv6, t->ptp_dst_mac,
			t->p2p_dst_mac };
	size_t cap[] = { sizeof(t->ptp_dst_ipv6), sizeof(t->p2p_dst_ipv6),
			 sizeof(t->ptp_dst_mac), sizeof(t->p2p_dst_mac) };
	int rc = 0;

	for (int k = 0; k < 4; k++) {
		const char *v = cfg_get_string(c, name, opt[k]);
		bool ok = k < 2 ? ipv6_group_ok(v) : mac_ok(v);

		if (!ok) {
			rc = refuse(err, opt[k], "%s: not %s", v ? v : "",
				    k < 2 ? "an IPv6 multicast address"
					  : "a MAC address (01:1B:19:00:00:00)");
			continue;
		}
		copy_str(dst[k], cap[k], v);
	}
	return rc;
}

/*
 * time_stamping onestep / p2p1step, and twoStepFlag 0 on a hardware port
 * (ptp4l upgrades it to onestep): the device writes the time into Sync
 * (and Pdelay_Resp) as it leaves.  The transport's part is here
 * (transport_cfg.onestep: SIOCSHWTSTAMP's tx_type, checked against the
 * driver's tx_types at start, and TRANSPORT_ONESTEP sends); the core's
 * (Sync with twoStepFlag clear and no Follow_Up, Pdelay_Resp with the
 * turnaround in its correction) comes from port_one_step_from_cfg.
 */
static int onestep_from_cfg(const struct cfg *c, int ts,
			    struct transport_cfg *t, struct set_report *err)
{
	bool two_step = cfg_get_int(c, NULL, "twoStepFlag") != 0;

	if (ts == TS_ONESTEP || (ts == TS_HARDWARE && !two_step))
		t->onestep = HWTS_ONESTEP_SYNC;
	else if (ts == TS_P2P1STEP)
		t->onestep = HWTS_ONESTEP_P2P;
	if (!two_step && !ts_is_hardware(ts))
		return refuse(err, "twoStepFlag", "%s", "0: one step is only "
			      "possible with hardware time stamping");
	return 0;
}

static int transport_from_cfg(const struct cfg *c, const char *name,
			      struct transport_cfg *t, struct set_report *err)
{
	int ts = cfg_get_enum(c, name, "time_stamping");
	int rc;

	transport_cfg_default(t);
	t->kind = (enum transport_kind)cfg_get_enum(c, name,
						    "network_transport");
	t->mode = ts_is_hardware(ts) ? HWTS_HARDWARE : HWTS_SOFTWARE;
	t->filter_mode = (enum hwts_filter_mode)cfg_get_enum(c, NULL,
							     "hwts_filter");
	t->udp_ttl = cfg_get_int(c, name, "udp_ttl");
	t->dscp_event = cfg_get_int(c, NULL, "dscp_event");
	t->dscp_general = cfg_get_int(c, NULL, "dscp_general");
	t->socket_priority = cfg_get_int(c, NULL, "socket_priority");
	t->rcvbuf = cfg_get_int(c, name, "socket_rcvbuf");
	t->udp6_scope = cfg_get_int(c, name, "udp6_scope");
	/* peer delay (P2P, or Auto listening for it) needs the peer group
	 * (224.0.0.107, FF02::6B; L2 joins p2p_dst_mac always, as ptp4l) */
	t->want_peer = cfg_get_enum(c, name, "delay_mechanism") != DM_E2E;
	copy_str(t->ptp_dst_ipv4, sizeof(t->ptp_dst_ipv4),
		 cfg_get_string(c, name, "ptp_dst_ipv4"));
	copy_str(t->p2p_dst_ipv4, sizeof(t->p2p_dst_ipv4),
		 cfg_get_string(c, name, "p2p_dst_ipv4"));
	rc = transport_addrs(c, name, t, err);
	rc |= onestep_from_cfg(c, ts, t, err);
	return rc ? -EINVAL : 0;
}

enum { SF_AUTO = 0, SF_NONE = 1, SF_MEDIAN = 2, SF_SELECT = 3 };

/* servo_filter: auto is none for pi and linreg (what ptp4l does), select
 * for kalman (the measured best, see bench/accuracy.sh). */
static int filter_from_cfg(const struct cfg *c, struct disc_cfg *d,
			   struct set_report *err)
{
	struct psel_cfg *f = &d->psel;

	switch (cfg_get_enum(c, NULL, "servo_filter")) {
	case SF_NONE:
		f->mode = PSEL_NONE;
		break;
	case SF_MEDIAN:
		f->mode = PSEL_MEDIAN;
		break;
	case SF_SELECT:
		f->mode = PSEL_SELECT;
		break;
	default:
		f->mode = d->servo_type == SERVO_KALMAN ? PSEL_SELECT
							: PSEL_NONE;
		break;
	}
	f->window = cfg_get_int(c, NULL, "servo_filter_window");
	f->keep = cfg_get_int(c, NULL, "servo_filter_keep");
	if (f->keep == 0)
		f->keep = f->window > 1 ? f->window / 2 : 1;
	if (f->keep > f->window)
		return refuse(err, "servo_filter_keep", "%d: more than "
			      "servo_filter_window (%d)", f->keep, f->window);
	return 0;
}

static int holdover_from_cfg(const struct cfg *c, struct holdover_cfg *h,
			     struct set_report *err)
{
	h->budget_ns = cfg_get_double(c, NULL, "holdover_budget");
	h->limit_ns = cfg_get_double(c, NULL, "holdover_limit");
	h->class_in_spec = (uint8_t)cfg_get_int(c, NULL, "holdover_class_in_spec");
	h->class_out_of_spec =
		(uint8_t)cfg_get_int(c, NULL, "holdover_class_out_of_spec");
	h->class_expired = (uint8_t)cfg_get_int(c, NULL, "holdover_class_expired");
	if (h->limit_ns > 0.0 && h->limit_ns < h->budget_ns)
		return refuse(err, "holdover_limit", "%.0f: below "
			      "holdover_budget (%.0f)", h->limit_ns,
			      h->budget_ns);
	return 0;
}

/* clock_servo; its default, kalman, is hvptpd's measured best
 * (bench/accuracy.sh), while pi keeps linuxptp's behaviour. */
static int servo_from_cfg(const struct cfg *c, struct disc_cfg *d,
			  struct set_report *err)
{
	switch (cfg_get_enum(c, NULL, "clock_servo")) {
	case SERVO_NAME_PI:
		d->servo_type = SERVO_PI;
		return 0;
	case SERVO_NAME_LINREG:
		d->servo_type = SERVO_LINREG;
		return 0;
	case SERVO_NAME_KALMAN:
		d->servo_type = SERVO_KALMAN;
		return 0;
	default:
		return refuse(err, "clock_servo",
			      "%s: only pi, linreg and kalman are implemented "
			      "(to feed chronyd or ntpd, see chrony_sock and "
			      "ntp_shm_segment)", "ntpshm/nullf/refclock_sock");
	}
}

/* The followers' discipline: the reference's, with the follow_* servo and
 * step thresholds, no measurement filter (paired readings have no path
 * delay to select on) and hardware-grade PI constants. */
static int follow_from_cfg(const struct cfg *c, struct hvd_settings *s,
			   struct set_report *err)
{
	struct disc_cfg *f = &s->follow_disc;

	*f = s->disc;
	switch (cfg_get_enum(c, NULL, "follow_servo")) {
	case SERVO_NAME_PI:
		f->servo_type = SERVO_PI;
		break;
	case SERVO_NAME_LINREG:
		f->servo_type = SERVO_LINREG;
		break;
	case SERVO_NAME_KALMAN:
		f->servo_type = SERVO_KALMAN;
		break;
	default:
		return refuse(err, "follow_servo", "%s", "unknown servo");
	}
	f->psel.mode = PSEL_NONE;
	f->servo.sw_timestamping = false;
	f->servo.step_threshold_s = cfg_get_double(c, NULL,
						   "follow_step_threshold");
	f->servo.first_step_threshold_s =
		cfg_get_double(c, NULL, "follow_first_step_threshold");
	s->follow_rate_hz = cfg_get_double(c, NULL, "follow_rate");
	s->follow_readings = cfg_get_int(c, NULL, "follow_readings");
	s->system_clock_sync = cfg_get_int(c, NULL, "system_clock_sync") != 0;
	return 0;
}

static int disc_from_cfg(const struct cfg *c, bool hardware,
			 struct disc_cfg *d, struct set_report *err)
{
	struct servo_params *p = &d->servo;
	int rc;

	disc_cfg_default(d);
	rc = servo_from_cfg(c, d, err);
	p->pi_proportional_const = cfg_get_double(c, NULL, "pi_proportional_const");
	p->pi_integral_const = cfg_get_double(c, NULL, "pi_integral_const");
	p->pi_proportional_scale = cfg_get_double(c, NULL, "pi_proportional_scale");
	p->pi_proportional_exponent =
		cfg_get_double(c, NULL, "pi_proportional_exponent");
	p->pi_proportional_norm_max =
		cfg_get_double(c, NULL, "pi_proportional_norm_max");
	p->pi_integral_scale = cfg_get_double(c, NULL, "pi_integral_scale");
	p->pi_integral_exponent = cfg_get_double(c, NULL, "pi_integral_exponent");
	p->pi_integral_norm_max = cfg_get_double(c, NULL, "pi_integral_norm_max");
	p->step_threshold_s = cfg_get_double(c, NULL, "step_threshold");
	p->first_step_threshold_s = cfg_get_double(c, NULL, "first_step_threshold");
	p->max_frequency_ppb = cfg_get_int(c, NULL, "max_frequency");
	p->servo_num_offset_values = cfg_get_int(c, NULL, "servo_num_offset_values");
	p->servo_offset_threshold_ns = cfg_get_int(c, NULL, "servo_offset_threshold");
	p->sw_timestamping = !hardware;
	p->kalman_wander = cfg_get_double(c, NULL, "kalman_wander");
	p->kalman_gate = cfg_get_double(c, NULL, "kalman_outlier_gate");
	rc |= filter_from_cfg(c, d, err);
	rc |= holdover_from_cfg(c, &d->hold, err);
	d->free_running = cfg_get_int(c, NULL, "free_running") != 0;
	d->sanity_freq_limit_ppb = cfg_get_int(c, NULL, "sanity_freq_limit");
	return rc ? -EINVAL : 0;
}

static int metrics_from_cfg(const struct cfg *c, struct hvd_settings *s,
			    struct set_report *err)
{
	const char *addr = cfg_get_string(c, NULL, "metrics_address");
	const char *file = cfg_get_string(c, NULL, "metrics_textfile");
	struct sockaddr_in sa;

	addr = addr ? addr : "";
	file = file ? file : "";
	if (*addr && (mgmt_metrics_parse_address(addr, &sa) < 0 ||
		      sa.sin_port == 0))
		return refuse(err, "metrics_address",
			      "%s: not A.B.C.D:PORT (IPv4, port 1..65535)",
			      addr);
	if (strlen(addr) >= sizeof(s->metrics_address))
		return refuse(err, "metrics_address", "%s", "too long");
	if (strlen(file) >= sizeof(s->metrics_textfile))
		return refuse(err, "metrics_textfile", "%s: path too long",
			      file);
	copy_str(s->metrics_address, sizeof(s->metrics_address), addr);
	copy_str(s->metrics_textfile, sizeof(s->metrics_textfile), file);
	s->metrics_textfile_interval =
		cfg_get_int(c, NULL, "metrics_textfile_interval");
	return 0;
}

/* alarm_<kind> (an int or a real) and alarm_<kind>_hold of every kind. */
static void alarms_from_cfg(const struct cfg *c, struct hvd_settings *s)
{
	char name[64];

	for (unsigned k = 0; k < ALARM_KIND_COUNT; k++) {
		const struct cfg_option_info *o;

		snprintf(name, sizeof(name), "alarm_%s", alarm_kind_name(k));
		o = cfg_option_find(name);
		s->alarms.bound[k] = o && o->type == CFG_DOUBLE
					     ? cfg_get_double(c, NULL, name)
					     : cfg_get_int(c, NULL, name);
		snprintf(name, sizeof(name), "alarm_%s_hold",
			 alarm_kind_name(k));
		s->alarms.hold_s[k] = cfg_get_int(c, NULL, name);
	}
}

/* The vmclock page needs a counter the ABI names: the x86 TSC or arm64's
 * virtual counter. */
static int vmclock_from_cfg(const struct cfg *c, struct hvd_settings *s,
			    struct set_report *err)
{
	const char *file = cfg_get_string(c, NULL, "vmclock_file");

	file = file ? file : "";
#if !defined(__x86_64__) && !defined(__aarch64__)
	if (*file)
		return refuse(err, "vmclock_file", "%s: the vmclock page "
			      "needs the x86_64 TSC or the arm64 virtual "
			      "counter; this architecture has neither", file);
#endif
	if (copy_path(s->vmclock_file, sizeof(s->vmclock_file), file) < 0)
		return refuse(err, "vmclock_file", "%s: path too long", file);
	s->vmclock_rate = cfg_get_int(c, NULL, "vmclock_rate");
	return 0;
}

/* A UNIX socket path option into dst (cap bytes, sun_path's size or
 * less): 0, or -EINVAL refused as too long. */
static int socket_path(const struct cfg *c, const char *option, char *dst,
		       size_t cap, struct set_report *err)
{
	const char *v = cfg_get_string(c, NULL, option);

	if (copy_path(dst, cap, v) == 0)
		return 0;
	return refuse(err, option, "%s: longer than a UNIX socket path can be "
		      "(%zu bytes)", v, cap - 1);
}

/* user and uds_group: names, looked up when the daemon drops its
 * privileges (daemon/privdrop.c). */
static int privdrop_from_cfg(const struct cfg *c, struct hvd_settings *s,
			     struct set_report *err)
{
	static const char *const opt[] = { "user", "uds_group" };
	char *dst[] = { s->user, s->uds_group };
	int rc = 0;

	for (int i = 0; i < 2; i++) {
		const char *v = cfg_get_string(c, NULL, opt[i]);

		if (v && strlen(v) >= sizeof(s->user))
			rc = refuse(err, opt[i], "longer than %zu characters",
				    sizeof(s->user) - 1);
		else
			copy_str(dst[i], sizeof(s->user), v);
	}
	return rc;
}

static int daemon_from_cfg(const struct cfg *c, struct hvd_settings *s,
			   struct set_report *err)
{
	int ts = cfg_get_enum(c, NULL, "time_stamping");
	int ct = cfg_get_enum(c, NULL, "clock_type");
	const char *tag;
	int rc = 0;

	if (ts == TS_LEGACY)
		rc = refuse(err, "time_stamping", "%s: not implemented (raw "
			    "hardware stamps converted to system time by the "
			    "driver: no current driver does)", "legacy");
	s->kernel_leap = cfg_get_int(c, NULL, "kernel_leap") != 0;
	if (copy_path(s->leapfile, sizeof(s->leapfile),
		      cfg_get_string(c, NULL, "leapfile")) < 0)
		rc = refuse(err, "leapfile", "%s", "path too long");
	if (copy_path(s->reference_clock, sizeof(s->reference_clock),
		      cfg_get_string(c, NULL, "reference_clock")) < 0)
		rc = refuse(err, "reference_clock", "%s", "too long");
	if (ct != CT_OC && ct != CT_BC)
		rc = refuse(err, "clock_type",
			    "%s: transparent clocks are not implemented yet",
			    "P2P_TC/E2E_TC");
	s->hardware = ts_is_hardware(ts);
	s->summary_interval = cfg_get_int(c, NULL, "summary_interval");
	s->logging_level = cfg_get_int(c, NULL, "logging_level");
	s->verbose = cfg_get_int(c, NULL, "verbose") != 0;
	s->use_syslog = cfg_get_int(c, NULL, "use_syslog") != 0;
	tag = cfg_get_string(c, NULL, "message_tag");
	if (tag && strlen(tag) >= sizeof(s->message_tag))
		rc = refuse(err, "message_tag", "longer than %zu characters",
			    sizeof(s->message_tag) - 1);
	else
		copy_str(s->message_tag, sizeof(s->message_tag),
			 tag ? tag : "");
	rc |= socket_path(c, "uds_address", s->uds_address,
			  sizeof(s->uds_address), err);
	rc |= socket_path(c, "uds_ro_address", s->uds_ro_address,
			  sizeof(s->uds_ro_address), err);
	s->uds_file_mode = cfg_get_int(c, NULL, "uds_file_mode");
	s->uds_ro_file_mode = cfg_get_int(c, NULL, "uds_ro_file_mode");
	rc |= privdrop_from_cfg(c, s, err);
	s->mgmt_rate = (uint32_t)cfg_get_int(c, NULL, "mgmt_rate_limit");
	s->mgmt_burst = (uint32_t)cfg_get_int(c, NULL, "mgmt_burst");
	s->seccomp = cfg_get_int(c, NULL, "seccomp") != 0;
	if (s->seccomp && !hvd_seccomp_supported())
		rc = refuse(err, "seccomp", "%s", "1: no allow-list for this "
			    "architecture (x86_64 and aarch64 have one)");
	copy_str(s->manufacturer_identity, sizeof(s->manufacturer_identity),
		 cfg_get_string(c, NULL, "manufacturerIdentity"));
	copy_str(s->product_description, sizeof(s->product_description),
		 cfg_get_string(c, NULL, "productDescription"));
	copy_str(s->revision_data, sizeof(s->revision_data),
		 cfg_get_string(c, NULL, "revisionData"));
	rc |= socket_path(c, "chrony_sock", s->chrony_sock,
			  sizeof(s->chrony_sock), err);
	s->ntp_shm_segment = cfg_get_int(c, NULL, "ntp_shm_segment");
	s->feed_rate_hz = cfg_get_double(c, NULL, "feed_rate");
	rc |= metrics_from_cfg(c, s, err);
	rc |= vmclock_from_cfg(c, s, err);
	alarms_from_cfg(c, s);
	return rc ? -EINVAL : 0; /* each refusal is in err */
}

/* chronyd or ntpd fed from hvptpd steers CLOCK_REALTIME: hvptpd must not
 * (daemon/feed.h). */
static int feeds_from_cfg(const struct hvd_settings *s, struct set_report *err)
{
	const char *opt = *s->chrony_sock ? "chrony_sock" : "ntp_shm_segment";

	if ((!*s->chrony_sock && s->ntp_shm_segment < 0) ||
	    s->disc.free_running)
		return 0;
	if (s->any_software)
		return refuse(err, opt, "%s", "software-timestamped ports "
			      "make hvptpd discipline CLOCK_REALTIME, which "
			      "chronyd or ntpd fed from it would steer too: "
			      "use hardware timestamps with system_clock_sync "
			      "0, or free_running 1 (hvptpd measures, chronyd "
			      "steers)");
	if (s->system_clock_sync)
		return refuse(err, opt, "%s", "hvptpd disciplines "
			      "CLOCK_REALTIME (system_clock_sync 1), which "
			      "chronyd or ntpd fed from it would steer too: "
			      "set system_clock_sync 0");
	return 0;
}

/* time_stamping and sys_offset_method of port i. */
static int port_ts_from_cfg(const struct cfg *c, const char *name,
			    struct hvd_settings *s, int i,
			    struct set_report *err)
{
	int ts = cfg_get_enum(c, name, "time_stamping");

	if (ts == TS_LEGACY)
		return refuse(err, "time_stamping", "%s: not implemented (raw "
			      "hardware stamps converted to system time by "
			      "the driver: no current driver does)", "legacy");
	s->port_hardware[i] = ts_is_hardware(ts);
	s->any_hardware |= s->port_hardware[i];
	s->any_software |= !s->port_hardware[i];
	s->sys_offset_method[i] =
		(enum hwclock_read)cfg_get_enum(c, name, "sys_offset_method");
	return 0;
}

/* Does the clock named by reference_clock keep UTC?  Only the system
 * clock does; "" is the first port's clock. */
static bool reference_is_utc(const struct hvd_settings *s)
{
	const char *r = s->reference_clock;

	if (!*r)
		return !s->port_hardware[0];
	if (!strcmp(r, "CLOCK_REALTIME"))
		return true;
	for (int i = 0; i < s->nports; i++) {
		if (!strcmp(r, s->ports[i].name))
			return !s->port_hardware[i];
	}
	return false; /* /dev/ptpN: checked when the clocks are opened */
}

/* The clock set's settings that need every port. */
static int clocks_from_cfg(const struct cfg *c, struct hvd_settings *s,
			   struct set_report *err)
{
	const char *r = s->reference_clock;
	bool known = !*r || !strcmp(r, "CLOCK_REALTIME") ||
		     !strncmp(r, "/dev/ptp", 8);

	(void)c;
	for (int i = 0; !known && i < s->nports; i++)
		known = !strcmp(r, s->ports[i].name);
	if (!known)
		return refuse(err, "reference_clock", "%s: neither a port, "
			      "/dev/ptpN nor CLOCK_REALTIME", r);
	if (s->any_software && !s->system_clock_sync && !s->disc.free_running)
		return refuse(err, "system_clock_sync", "%s", "0: software-"
			      "timestamped ports are stamped by the system "
			      "clock, which must then be disciplined");
	s->clock.gm_clock_is_utc = reference_is_utc(s);
	return 0;
}

bool settings_is_pattern(const char *name)
{
	return strpbrk(name, "*?") != NULL;
}

/* Move the pattern sections out of the fixed ports into templates; the
 * fixed ports keep their order. */
static int split_patterns(const struct cfg *c, struct hvd_settings *s,
			  struct set_report *err)
{
	int nfixed = 0;

	for (int i = 0; i < s->nports; i++) {
		struct hvd_port_template *t;

		if (!settings_is_pattern(s->ports[i].name)) {
			if (nfixed != i) {
				s->ports[nfixed] = s->ports[i];
				s->transport[nfixed] = s->transport[i];
				s->phc_index[nfixed] = s->phc_index[i];
				s->port_hardware[nfixed] = s->port_hardware[i];
				s->sys_offset_method[nfixed] =
					s->sys_offset_method[i];
			}
			nfixed++;
			continue;
		}
		if (s->port_hardware[i]) {
			err->port = s->ports[i].name;
			refuse(err, "time_stamping", "hardware: [%s] is a "
			       "pattern; the interfaces it serves as they come "
			       "(taps, veths) are stamped in software: set "
			       "time_stamping software in it (or -S)",
			       s->ports[i].name);
			err->port = NULL;
			continue;
		}
		t = &s->templates[s->ntemplates++];
		memcpy(t->pattern, s->ports[i].name, sizeof(t->pattern));
		t->port = s->ports[i];
		t->transport = s->transport[i];
	}
	s->nports = nfixed;
	if (nfixed < 1)
		return refuse(err, "interface", "%s", "only patterns given: name "
			      "at least one interface (the uplink) with -i or "
			      "an [IFACE] section");
	s->max_ports = cfg_get_int(c, NULL, "max_ports");
	if (s->max_ports < nfixed)
		return refuse(err, "max_ports", "%d: fewer than the %d "
			      "interfaces named", s->max_ports, nfixed);
	s->clock.max_ports = s->max_ports;
	return 0;
}

/* Every stage, each after a refusal in another: the refusals of all of
 * them in err. */
static int settings_read(const struct cfg *c, struct hvd_settings *s,
			 struct set_report *err)
{
	memset(s, 0, sizeof(*s));
	s->nports = cfg_nports(c);
	if (s->nports < 1)
		refuse(err, "interface", "%s", "no interface given (-i IFACE "
		       "or an [IFACE] section)");
	daemon_from_cfg(c, s, err);
	clock_from_cfg(c, &s->clock, &s->clock_identity_set, err);
	disc_from_cfg(c, s->hardware, &s->disc, err);
	follow_from_cfg(c, s, err);
	if (copy_path(s->sa_file, sizeof(s->sa_file),
		      cfg_get_string(c, NULL, "sa_file")))
		refuse(err, "sa_file", "%s", "path too long");
	for (int i = 0; i < s->nports; i++) {
		const char *name = cfg_port_name(c, i);

		err->port = name;
		port_ts_from_cfg(c, name, s, i, err);
		port_from_cfg(c, name, &s->ports[i], err);
		port_one_step_from_cfg(c, name, &s->ports[i]);
		uc_from_cfg(c, name, &s->ports[i], err);
		s->ports[i].hw_timestamping = s->port_hardware[i];
		s->ports[i].clock_is_utc = !s->port_hardware[i];
		transport_from_cfg(c, name, &s->transport[i], err);
		s->phc_index[i] = cfg_get_int(c, name, "phc_index");
		s->any_l2 |= cfg_get_enum(c, name, "network_transport") ==
			     NT_L2;
	}
	err->port = NULL;
	if (s->nports > 0 && split_patterns(c, s, err) == 0) {
		clocks_from_cfg(c, s, err);
		feeds_from_cfg(s, err);
	}
	return err->n ? -EINVAL : 0;
}

int settings_from_cfg(const struct cfg *c, struct hvd_settings *s,
		      struct cfg_error *err)
{
	struct set_report rep = {
		.c = c, .where = "configuration", .first = err,
	};

	return settings_read(c, s, &rep);
}

int settings_from_cfg_all(const struct cfg *c, struct hvd_settings *s,
			  const char *where, struct cfg_errors *errs)
{
	struct set_report rep = {
		.c = c, .where = where, .errs = errs, .nbefore = errs->n,
	};

	return settings_read(c, s, &rep);
}

int settings_leapfile(struct hvd_settings *s, const char *buf, size_t len,
		      struct cfg_error *err)
{
	struct set_report rep = { .where = s->leapfile, .first = err };
	int line = 0, rc = leap_table_parse(buf, len, &s->leaps, &line);

	if (rc == 0) {
		s->have_leaps = true;
		return 0;
	}
	refuse(&rep, "leapfile", "%s", rc == -E2BIG
		       ? "more entries than hvptpd keeps (64)"
		       : "not a leap-seconds.list entry (NTP seconds and "
			 "TAI-UTC)");
	err->line = line;
	return -EINVAL;
}

void settings_cs_cfg(const struct hvd_settings *s, int gm_clock,
		     struct cs_cfg *out)
{
	*out = (struct cs_cfg){
		.ref = s->disc,
		.follow = s->follow_disc,
		.follow_interval_ns = (int64_t)(1e9 / s->follow_rate_hz),
		.follow_readings = s->follow_readings,
		.gm_clock = gm_clock,
	};
}
