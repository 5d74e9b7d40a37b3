/*
 * bc/bc.h — the protocol core's public interface: events in, actions out.
 *
 * A struct bc is one PTP clock (ordinary with one port, boundary with many).
 * The program feeds it events — a received message with its timestamp, a
 * TX timestamp, a timer expiry, a link change, a clock step, the servo's
 * state — each with `now`, monotonic nanoseconds, and the core answers with
 * actions in a fixed-capacity struct bc_actions: messages to send, timers to
 * arm or stop, offset samples for the servo, state and parent changes to log.
 * The core never reads a clock, touches a socket or allocates after
 * bc_create(): it is pure, and the Makefile checks that with nm.
 *
 * Port indices in this API are 0-based; portNumber on the wire is index+1.
 * Timestamps (rx_ts, tx_ts) are in the timescale of the clock that stamps
 * the port's packets (a PHC, or CLOCK_REALTIME for software timestamps).
 */
#ifndef HVPTP_BC_BC_H
#define HVPTP_BC_BC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bc/ds.h"
#include "bc/msg.h"
#include "common/leap.h"
#include "common/lockhist.h"
#include "common/ptp_types.h"
#include "common/tmv.h"

#define BC_MAX_PORTS 1024 /* ports one clock can hold (max_ports) */
#define BC_PORT_NAME_LEN 32
#define BC_MAX_CLOCKS 16 /* clocks of the host the ports are stamped by */
#define BC_MAX_PEERS 16 /* unicast peers one port can hold (timer slots) */

/* ---- configuration (filled by the program from config/) ---- */

enum bc_dataset_comparison { BC_DSCMP_IEEE1588 = 0, BC_DSCMP_G8275 };

/* A port's IEEE C37.238 power profile settings (linuxptp's
 * power_profile.* options and POWER_PROFILE_SETTINGS_NP). */
enum bc_power_version {
	BC_POWER_NONE = 0,
	BC_POWER_2011 = 1, /* C37.238-2011 TLV in Announce */
	BC_POWER_2017 = 2, /* C37.238-2017 TLV in Announce */
};
struct bc_power_profile {
	uint16_t version; /* enum bc_power_version */
	uint16_t grandmaster_id; /* grandmasterID */
	uint32_t gm_time_inaccuracy; /* 2011: grandmasterTimeInaccuracy, ns */
	uint32_t network_time_inaccuracy; /* 2011: networkTimeInaccuracy */
	uint32_t total_time_inaccuracy; /* 2017: totalTimeInaccuracy */
};

struct bc_port_cfg {
	char name[BC_PORT_NAME_LEN]; /* interface name, used in logs */
	int8_t log_announce_interval; /* logAnnounceInterval */
	int8_t log_sync_interval; /* logSyncInterval */
	int8_t log_min_delay_req_interval; /* logMinDelayReqInterval */
	int8_t log_min_pdelay_req_interval; /* logMinPdelayReqInterval */
	uint8_t announce_receipt_timeout; /* announceReceiptTimeout */
	uint8_t sync_receipt_timeout; /* syncReceiptTimeout, 0 = off */
	enum delay_mechanism delay_mechanism; /* E2E or P2P */
	bool delay_auto; /* delay_mechanism Auto (ptp4l): E2E until a
			    neighbour's Pdelay_Req, then P2P */
	int8_t freq_est_interval; /* log2 s over which the neighbour rate
				     ratio is measured (freq_est_interval) */
	uint8_t allowed_lost_responses; /* allowedLostResponses */
	/* 802.1AS (gPTP): with follow_up_info the port is an 802.1AS port,
	 * whose asCapable follows the peer delay measurement (below) unless
	 * forced on (asCapable true); a port not asCapable sends no Sync or
	 * Announce and ignores them (no BMCA on it), as ptp4l.  Follow_Ups
	 * carry the Follow_Up information TLV, and one without it is
	 * dropped. */
	bool follow_up_info;
	bool as_capable_always;
	int64_t neighbor_prop_delay_thresh_ns; /* neighborPropDelayThresh */
	int64_t min_neighbor_prop_delay_ns; /* min_neighbor_prop_delay */
	int8_t fault_reset_interval; /* log2 s; -128 = at once (ptp4l ASAP) */
	int64_t delay_asymmetry_ns; /* delayAsymmetry */
	int64_t ingress_latency_ns; /* ingressLatency */
	int64_t egress_latency_ns; /* egressLatency */
	bool master_only; /* serverOnly / masterOnly (G.8275: notSlave) */
	bool bmca_noop; /* BMCA noop: the role is fixed by master_only or
			   the clock's slave_only (ptp4l's designated
			   master/slave state machines) */
	uint8_t local_priority; /* G.8275.portDS.localPriority, 1..255 */
	bool acceptable_master_only; /* acceptable_master_table_enabled:
					Announces only from the clock's
					acceptable master table (17.5) */
	bool inhibit_announce;
	bool inhibit_delay_req;
	bool delay_resp_unicast; /* hvptp: Delay_Resp to the sender, always */
	bool ignore_transport_specific;
	bool ignore_source_id; /* Sync, Follow_Up, Delay_Resp from any
				  source, not only the parent (ptp4l's) */
	bool path_trace_enabled;
	uint8_t transport_specific; /* majorSdoId */
	uint8_t delay_filter_length; /* delay_filter_length, 1..64 */
	bool delay_filter_average; /* delay_filter moving_average */
	bool management_enabled; /* answer management on this PTP port */
	/* per-source limits (common/srclimit.h), per second (0: none) and
	 * back-to-back burst: Delay_Req (delay_req_rate_limit,
	 * delay_req_burst), management (mgmt_rate_limit, mgmt_burst) */
	uint32_t delay_req_rate, delay_req_burst;
	uint32_t mgmt_rate, mgmt_burst;
	bool hw_timestamping; /* for PORT_PROPERTIES_NP */
	/* time_stamping onestep / p2p1step: the transport inserts the
	 * egress time into a Sync sent without twoStepFlag (originTimestamp)
	 * and, p2p1step, the turnaround into a Pdelay_Resp sent without it
	 * (correctionField, after the Pdelay_Req's own correction); neither
	 * wants a TX timestamp back */
	bool one_step;
	bool p2p_one_step;
	/* the clock that stamps this port's packets: its index in the
	 * program's clock set (bc_clock_stepped), whether it keeps UTC (the
	 * system clock: times are converted with the UTC offset when the
	 * time is on the PTP timescale) and its PHC (PORT_HWCLOCK_NP; -1
	 * for software timestamps) */
	uint8_t clock;
	bool clock_is_utc;
	int phc_index;
	/* IEEE C37.238 power profile (bc/power.c) and NetSync Monitor
	 * answers (bc/nsm.c): linuxptp's power_profile.*, net_sync_monitor */
	struct bc_power_profile power;
	bool net_sync_monitor;
	/* authentication (bc/auth.h): the security association's spp,
	 * -1 none; the key id sent messages carry */
	int16_t spp;
	uint32_t active_key_id;
	/* unicast (IEEE 1588-2019 16.1, bc/unicast.c): the masters of the
	 * port's unicast master table, asked for service; clients granted
	 * service (unicast_listen) share the BC_MAX_PEERS peer slots */
	uint32_t uc_table_id; /* unicast_master_table, 0: none */
	uint8_t uc_nmasters;
	struct bc_addr uc_master[BC_MAX_PEERS];
	/* the same as a PortAddress (7.5.2.6) for UNICAST_MASTER_TABLE_NP:
	 * networkProtocol (1 UDPv4, 2 UDPv6, 3 IEEE 802.3) and octets */
	struct bc_port_address {
		uint16_t protocol;
		uint8_t len;
		uint8_t octets[16];
	} uc_master_paddr[BC_MAX_PEERS];
	int8_t uc_log_query_interval; /* logQueryInterval */
	uint32_t uc_req_duration; /* unicast_req_duration, s */
	bool unicast_listen;
	bool hybrid_e2e; /* Delay_Req by unicast to the master */
	bool inhibit_multicast_service; /* with unicast_listen */
};

/* An entry of the acceptable master table (IEEE 1588-2019 17.5,
 * acceptableMasterTableDS): a master's port identity, port_number 0xFFFF
 * for every port of that clock, and the priority1 its Announces count
 * with in the BMCA (alternatePriority1; 0: their own). */
#define BC_MAX_ACCEPTABLE 64
struct bc_acceptable_master {
	struct port_identity id;
	uint8_t alternate_priority1;
};

struct bc_clock_cfg {
	struct clock_identity clock_identity; /* all zero: set by program */
	uint8_t priority1; /* defaultDS.priority1 */
	uint8_t priority2; /* defaultDS.priority2 */
	uint8_t domain_number; /* defaultDS.domainNumber */
	uint8_t minor_sdo_id; /* defaultDS.sdoId low 8 bits */
	struct clock_quality clock_quality; /* defaultDS.clockQuality */
	bool slave_only; /* clientOnly */
	bool two_step; /* twoStepFlag */
	uint8_t ptp_minor_version; /* minorVersionPTP sent (0 or 1) */
	uint8_t max_steps_removed; /* maxStepsRemoved */
	uint8_t time_source; /* timePropertiesDS.timeSource as GM */
	int16_t utc_offset; /* currentUtcOffset as GM */
	bool utc_offset_valid; /* as GM */
	bool ptp_timescale; /* announce PTP timescale as GM */
	bool time_traceable, frequency_traceable; /* as GM */
	bool gm_clock_is_utc; /* the clock this one serves as grandmaster
				 keeps UTC (software timestamps only): it
				 announces the ARB timescale, as ptp4l */
	bool check_fup_sync; /* require FUP after its Sync (ingress order) */
	bool assume_two_step;
	enum bc_dataset_comparison dataset_comparison;
	uint8_t local_priority; /* G.8275.defaultDS.localPriority, 1..255 */
	/* clock_class_threshold: Announces of a grandmaster with a worse
	 * (higher) clockClass are not qualified (0: no threshold) */
	uint8_t clock_class_threshold;
	/* the acceptable master table, for the ports with
	 * acceptable_master_only */
	uint16_t n_acceptable;
	struct bc_acceptable_master acceptable[BC_MAX_ACCEPTABLE];
	int64_t tx_timestamp_timeout_ns;
	uint8_t foreign_master_threshold; /* FOREIGN_MASTER_THRESHOLD: 2 */
	uint8_t foreign_master_window; /* FOREIGN_MASTER_TIME_WINDOW: 4 */
	/* ports the clock can hold, those given at create and those added
	 * later (bc_port_add); 0: the ports given at create */
	int max_ports;
	uint64_t rng_seed;
	char user_description[128];
};

/* Standard defaults for both (IEEE 1588-2019 / ptp4l default.cfg). */
void bc_port_cfg_default(struct bc_port_cfg *p, const char *name);
void bc_clock_cfg_default(struct bc_clock_cfg *c);

/* ---- actions ---- */

enum bc_timer {
	BC_TMR_ANNOUNCE_RX, /* announce receipt timeout */
	BC_TMR_SYNC_RX, /* sync receipt timeout */
	BC_TMR_ANNOUNCE_TX,
	BC_TMR_SYNC_TX,
	BC_TMR_DELAY_REQ_TX,
	BC_TMR_PDELAY_REQ_TX,
	BC_TMR_QUALIFICATION,
	BC_TMR_FAULT_RESET,
	BC_TMR_TX_TS, /* an event message's TX timestamp is late */
	BC_TMR_UC_QUERY, /* a unicast master's: ask or renew (client) */
	BC_TMR_UC_EXPIRE, /* a unicast client's grant ends (server) */
	BC_TMR_COUNT
};
/* The name of a timer kind ("?" for anything else). */
const char *bc_timer_name(enum bc_timer t);

/*
 * A timer is named by (port, slot, kind).  Slot 0 holds the port's own
 * timers; slots 1..BC_MAX_PEERS one unicast peer each (a unicast master
 * table entry the port asks for service, or a client it grants service
 * to), so that every peer has its own Announce, Sync and grant timers.
 * Within a port the timer is one small integer, bc_timer_make(slot,
 * kind), below BC_TMR_PER_PORT: the program keeps BC_TMR_PER_PORT timers
 * per port and gives the integer back to bc_port_timer().  Slot 0's
 * integers are the kinds themselves.  Capacity is fixed: the core never
 * needs more timers than that.
 */
#define BC_TMR_SLOTS (1 + BC_MAX_PEERS)
#define BC_TMR_PER_PORT (BC_TMR_SLOTS * BC_TMR_COUNT)

static inline int bc_timer_make(int slot, enum bc_timer kind)
{
	return slot * BC_TMR_COUNT + (int)kind;
}

static inline int bc_timer_slot(int timer)
{
	return timer / BC_TMR_COUNT;
}

static inline enum bc_timer bc_timer_kind(int timer)
{
	return (enum bc_timer)(timer % BC_TMR_COUNT);
}

enum bc_action_type {
	BC_ACT_SEND_EVENT, /* send on the event port; TX timestamp wanted,
			      return it with bc_port_tx_ts(token) */
	BC_ACT_SEND_GENERAL,
	BC_ACT_TIMER_ARM,
	BC_ACT_TIMER_STOP,
	BC_ACT_SAMPLE, /* an offset measurement for the servo */
	BC_ACT_STATE_CHANGED,
	BC_ACT_PARENT_CHANGED,
};

enum bc_dest {
	BC_DEST_PRIMARY, /* the PTP multicast group (224.0.1.129) */
	BC_DEST_PDELAY, /* the peer-delay group (224.0.0.107) */
	BC_DEST_UNICAST, /* addr */
};

/* struct bc_addr (opaque transport address) is in common/ptp_types.h. */

/* Port events that cause state changes (9.2.6), named as in logs. */
enum bc_event {
	BC_EV_NONE,
	BC_EV_POWERUP,
	BC_EV_INITIALIZE,
	BC_EV_INIT_COMPLETE,
	BC_EV_FAULT_DETECTED,
	BC_EV_FAULT_CLEARED,
	BC_EV_DESIGNATED_ENABLED,
	BC_EV_DESIGNATED_DISABLED,
	BC_EV_MASTER_CLOCK_SELECTED,
	BC_EV_SYNCHRONIZATION_FAULT,
	BC_EV_QUALIFICATION_TIMEOUT_EXPIRES,
	BC_EV_ANNOUNCE_RECEIPT_TIMEOUT_EXPIRES,
	BC_EV_SYNC_RECEIPT_TIMEOUT_EXPIRES,
	BC_EV_RS_MASTER,
	BC_EV_RS_GRAND_MASTER,
	BC_EV_RS_SLAVE,
	BC_EV_RS_PASSIVE,
	BC_EV_COUNT
};
const char *bc_event_name(enum bc_event ev);

/*
 * What a measurement of the offset came from.  A SYNC sample is ptp4l's
 * (t1, t2 of one Sync with the filtered path delay).  A DELAY sample is the
 * other direction: a finished Delay_Req/Delay_Resp exchange also measures
 * the offset at t3, as offset = (meanPathDelay - delayAsymmetry) -
 * (t4 - t3 - c2).  Servos that take both (the Kalman) get twice the
 * information and path-delay errors that cancel between the directions;
 * the others, and the per-sample log line, use SYNC samples only.
 */
enum bc_sample_kind { BC_SAMPLE_SYNC = 0, BC_SAMPLE_DELAY };

struct bc_sample {
	enum bc_sample_kind kind;
	int64_t offset_ns; /* offsetFromMaster: local - master */
	int64_t path_delay_ns; /* meanPathDelay (filtered) used */
	int64_t raw_delay_ns; /* last unfiltered path delay */
	int64_t one_way_ns; /* SYNC: t2 - t1 - c1 (master->slave);
			       DELAY: t4 - t3 - c2 (slave->master) */
	tmv_t ingress; /* SYNC: t2; DELAY: t3 (local clock) */
	tmv_t origin; /* SYNC: t1 + c1; DELAY: t4 - c2 (master clock) */
	int8_t log_sync_interval; /* of the master, for the servo */
	double weight; /* 1.0 for now */
};

struct bc_action {
	enum bc_action_type type;
	int port; /* -1 for clock-wide actions; a SEND_GENERAL with port
		     -1 is a management answer (bc/mgmt.h): send it back
		     to the local client whose request produced it */
	union {
		struct {
			enum bc_dest dest;
			struct bc_addr addr; /* BC_DEST_UNICAST only */
			uint16_t off, len; /* bytes in bc_actions.arena */
			uint32_t token; /* SEND_EVENT: match for tx ts */
			uint8_t msg_type;
		} send;
		struct {
			int timer; /* bc_timer_make(slot, kind) */
			int64_t at_ns; /* absolute, monotonic */
		} timer;
		struct bc_sample sample;
		struct {
			enum port_state from, to;
			enum bc_event event;
		} state;
		struct bc_action_parent {
			struct port_identity parent; /* parentPortIdentity */
			struct clock_identity gm; /* grandmasterIdentity */
			bool own; /* we are the grandmaster */
		} parent;
	} u;
};

#define BC_MAX_ACTIONS 256
#define BC_ARENA_SIZE 8192

struct bc_actions {
	int n;
	bool overflow; /* something did not fit: counted, logged */
	size_t arena_used;
	struct bc_action a[BC_MAX_ACTIONS];
	uint8_t arena[BC_ARENA_SIZE];
};

static inline void bc_actions_init(struct bc_actions *out)
{
	out->n = 0;
	out->overflow = false;
	out->arena_used = 0;
}

static inline const uint8_t *bc_action_buf(const struct bc_actions *out,
					   const struct bc_action *a)
{
	return out->arena + a->u.send.off;
}

/* ---- counters (per port) ---- */

struct bc_port_counters {
	uint64_t rx[PTP_MSG_TYPE_COUNT]; /* accepted, by messageType */
	/* heard, by messageType: every message that parsed, whatever the
	 * port then made of it (not our own looped back): what linuxptp's
	 * PORT_STATS_NP counts */
	uint64_t rx_parsed[PTP_MSG_TYPE_COUNT];
	uint64_t tx[PTP_MSG_TYPE_COUNT];
	uint64_t drop[BC_DROP_COUNT];
	uint64_t tx_ts_timeouts; /* TX timestamp never came */
	uint64_t delay_req_asked; /* Delay_Req the discipline asked for, at
				     once or at a time it chose
				     (bc_port_delay_req_at) */
	uint64_t announce_timeouts;
	uint64_t sync_timeouts;
	uint64_t faults;
	/* the rest of linuxptp's PORT_SERVICE_STATS_NP: timers that
	 * expired, by kind (announce_timeouts and sync_timeouts above), and
	 * Sync / Follow_Up that did not match the one waiting */
	uint64_t delay_timeouts; /* Delay_Req / Pdelay_Req timer */
	uint64_t unicast_service_timeouts;
	uint64_t unicast_request_timeouts;
	uint64_t master_announce_timeouts; /* Announce to send */
	uint64_t master_sync_timeouts; /* Sync to send */
	uint64_t qualification_timeouts;
	uint64_t sync_mismatches;
	uint64_t followup_mismatches;
	uint64_t pdelay_timeouts; /* Pdelay_Req without a whole answer
				     before the next one */
	uint64_t pdelay_multiple; /* Pdelay_Req answered by several
				     responders */
	/* unicast negotiation (bc/unicast.c) */
	uint64_t uc_granted; /* grants received (client) */
	uint64_t uc_denied; /* denials received (client) */
	uint64_t uc_grants_given; /* grants sent (server) */
	uint64_t uc_refused; /* requests refused: bad or table full */
	uint64_t uc_expired; /* clients' grants that ran out */
	uint64_t uc_cancels; /* CANCEL received */
};

struct bc_clock_counters {
	uint64_t bmca_reselections; /* parent changes */
	uint64_t state_decisions;
	uint64_t clock_steps;
};

/* ---- lifecycle and events ---- */

struct bc;

/* -EINVAL for bad cfg (no ports and no room for any, more than
 * max_ports or BC_MAX_PORTS, zero clock identity), -ENOMEM.  Every port
 * the clock can hold (clock->max_ports) is allocated here. */
int bc_create(struct bc **out, const struct bc_clock_cfg *clock,
	      const struct bc_port_cfg *ports, int nports);
void bc_destroy(struct bc *bc);

/* Power up every port: INITIALIZING -> LISTENING, timers armed.
 * -ENOBUFS when out filled up before every port was started: call again
 * with an empty out to go on (ports already started are not touched). */
int bc_start(struct bc *bc, int64_t now, struct bc_actions *out);

/*
 * Ports that come and go (guest interfaces).  bc_port_add() takes a slot:
 * the one a port of the same name had (so a re-created interface keeps its
 * portNumber), else a new one, else the lowest slot a removed port left;
 * the port starts (LISTENING when its link is up).  Returns the 0-based
 * index, -EEXIST when a present port has that name, -ENOSPC when every
 * slot of max_ports holds a port, -EINVAL.
 * bc_port_remove() takes the port out: DISABLED (its timers stopped, its
 * foreign masters forgotten, STATE_CHANGED reported), then absent: the
 * entry points refuse it (-EINVAL), management and the BMCA skip it, and
 * numberPorts counts only present ports.  A removed slave port leaves the
 * clock without a parent until the next state decision.
 */
int bc_port_add(struct bc *bc, const struct bc_port_cfg *cfg, int64_t now,
		struct bc_actions *out);
int bc_port_remove(struct bc *bc, int port, int64_t now,
		   struct bc_actions *out);
/* A port slot holds a port (not removed). */
bool bc_port_present(const struct bc *bc, int port);

/*
 * A reload (bc/reconf.c): a whole new configuration, of which these fields
 * may differ from the running one:
 * - clock: priority1, priority2, clock_quality (class 255 kept on a
 *   slave-only clock), time_source and the time property flags (not the
 *   UTC offset: the program keeps it from the kernel or the leap-second
 *   file, bc_set_gm_utc: kept), max_steps_removed, tx_timestamp_timeout_ns, user_description;
 *   the program's own fields (clock_identity, rng_seed, gm_clock_is_utc)
 *   are kept;
 * - port: the intervals and timeouts (the state's timers re-armed from
 *   now), delay asymmetry and latencies, master_only, inhibit_announce,
 *   inhibit_delay_req, delay_resp_unicast, path_trace_enabled, the delay
 *   filter (restarted), management_enabled, spp and active_key_id
 *   (authentication, bc/auth.h); clock, clock_is_utc,
 *   phc_index and hw_timestamping are kept.
 * Any other difference: -EOPNOTSUPP and nothing changed.  The BMCA runs
 * again at the next state decision (bc_state_decision_due).
 */
int bc_reconfigure(struct bc *bc, const struct bc_clock_cfg *c);
int bc_port_reconfigure(struct bc *bc, int port, const struct bc_port_cfg *c,
			int64_t now, struct bc_actions *out);
/* Copy those live fields (the list above) from one configuration to
 * another: the program's reload keeps everything else. */
void bc_clock_cfg_take_live(struct bc_clock_cfg *to,
			    const struct bc_clock_cfg *from);
void bc_port_cfg_take_live(struct bc_port_cfg *to,
			   const struct bc_port_cfg *from);
/* The configuration a port runs with (NULL for an absent port). */
const struct bc_port_cfg *bc_port_config(const struct bc *bc, int port);

int bc_port_rx(struct bc *bc, int port, const uint8_t *buf, size_t len,
	       tmv_t rx_ts, const struct bc_addr *src, int64_t now,
	       struct bc_actions *out);
int bc_port_tx_ts(struct bc *bc, int port, uint32_t token, tmv_t tx_ts,
		  int64_t now, struct bc_actions *out);
/* A timer armed by a TIMER_ARM action expired: timer as in the action
 * (bc_timer_make(slot, kind)). */
int bc_port_timer(struct bc *bc, int port, int timer, int64_t now,
		  struct bc_actions *out);
int bc_port_link(struct bc *bc, int port, bool up, int64_t now,
		 struct bc_actions *out);
/* The platform failed on this port (send error...): FAULT_DETECTED. */
int bc_port_fault(struct bc *bc, int port, int64_t now,
		  struct bc_actions *out);

/* Why a port went FAULTY, kept for management (bc_port_status). */
enum bc_fault {
	BC_FAULT_NONE = 0, /* no fault yet */
	BC_FAULT_LINK_DOWN, /* the program saw the link go down */
	BC_FAULT_SEND, /* sending a message failed (errno) */
	BC_FAULT_TX_TIMESTAMP, /* an event message's TX timestamp never came */
	BC_FAULT_PLATFORM, /* the program reported one (bc_port_fault) */
	BC_FAULT_PEER_NETWORK, /* P2P: several responders to our Pdelay_Req
				  for more than allowedLostResponses
				  requests in a row (ptp4l's
				  FT_BAD_PEER_NETWORK) */
	BC_FAULT_COUNT
};
/* "link_down", "send_failed", "tx_timestamp_timeout", "platform";
 * "none"; "unknown" outside the enum. */
const char *bc_fault_name(enum bc_fault f);
/* bc_port_fault with the reason (err: a positive errno, or 0). */
int bc_port_fault_why(struct bc *bc, int port, enum bc_fault why, int err,
		      int64_t now, struct bc_actions *out);

/* A port's state history for management (HVPTP_PORT_STATUS_NP). */
struct bc_port_status {
	int64_t state_since_ns; /* monotonic time of the last state change
				   (0: none since the port was created) */
	enum bc_fault fault; /* the last fault's reason (the port may have
				recovered since) */
	int fault_errno; /* its errno, 0 if none */
	int64_t fault_at_ns; /* monotonic time of it, 0: never */
};
/* NULL for a bad or absent port. */
const struct bc_port_status *bc_port_status(const struct bc *bc, int port);
/* Clock `clock` of the program's set was stepped by step_ns: the stored
 * local timestamps of the ports it stamps move with it (nothing in flight
 * is lost); other ports are untouched.  -EINVAL for a bad clock index. */
int bc_clock_stepped(struct bc *bc, int clock, int64_t step_ns,
		     struct bc_actions *out);

/*
 * The discipline asks for a Delay_Req exchange at at_ns (monotonic): at
 * once (at_ns <= now: a Sync far off that only the other direction can
 * tell from a late packet, servo/pathsel.h), or later (the measurement
 * that ends a correction the servo planned: servo/kalman.c).  The port
 * must be SLAVE or UNCALIBRATED with the E2E mechanism and Delay_Req not
 * inhibited.  At once: with no Delay_Req of its own outstanding (sent, no
 * answer yet) it sends one now and draws its DELAY_REQ_TX timer afresh.
 * Later: the timer is armed for at_ns (the Delay_Req goes then, and the
 * timer is drawn afresh from there), within 2^(logMinDelayReqInterval+1)
 * s, the longest interval the standard allows.  Counted in
 * bc_port_counters.delay_req_asked.  0; -EINVAL (bad port), -EOPNOTSUPP
 * (P2P, or inhibit_delay_req), -ENOTCONN (the port is not a slave),
 * -EBUSY (a Delay_Req outstanding: its answer comes anyway), -ERANGE
 * (at_ns too far), or the send's error.
 */
int bc_port_delay_req_at(struct bc *bc, int port, int64_t at_ns, int64_t now,
			 struct bc_actions *out);

enum bc_servo_state { BC_SERVO_UNLOCKED, BC_SERVO_LOCKED };
/* The servo's verdict after a SAMPLE: LOCKED takes an UNCALIBRATED slave
 * port to SLAVE (MASTER_CLOCK_SELECTED), UNLOCKED takes SLAVE back to
 * UNCALIBRATED (SYNCHRONIZATION_FAULT). */
int bc_servo_state(struct bc *bc, enum bc_servo_state st, int64_t now,
		   struct bc_actions *out);

/* The clock's own quality changed (holdover: the executor degrades the
 * clockClass as its time error estimate grows, and restores it): sets
 * defaultDS.clockQuality and, while the clock is its own grandmaster, the
 * parentDS grandmaster quality its Announce messages carry; a state
 * decision is then due.  -EINVAL; -EPERM for a class other than 255 on a
 * slave-only clock.  out may stay empty. */
int bc_set_clock_quality(struct bc *bc, const struct clock_quality *q,
			 int64_t now, struct bc_actions *out);

/* Run the state decision when one is due (call once per loop turn).
 * -ENOBUFS when out filled up before every port had its decision applied:
 * call again with an empty out to apply the rest (the decision is not
 * taken again in between). */
bool bc_state_decision_due(const struct bc *bc);
int bc_state_decision(struct bc *bc, int64_t now, struct bc_actions *out);

/* ---- getters (management, metrics, logs) ---- */

/* Port slots in use: indices 0..bc_nports()-1, some of which may be
 * absent (bc_port_present) after bc_port_remove. */
int bc_nports(const struct bc *bc);
const char *bc_port_name(const struct bc *bc, int port);
const struct default_ds *bc_default_ds(const struct bc *bc);
const struct current_ds *bc_current_ds(const struct bc *bc);
const struct parent_ds *bc_parent_ds(const struct bc *bc);
const struct time_properties_ds *bc_time_properties_ds(const struct bc *bc);
const struct port_ds *bc_port_ds(const struct bc *bc, int port);
const struct bc_port_counters *bc_port_counters(const struct bc *bc,
						int port);
const struct bc_clock_counters *bc_clock_counters(const struct bc *bc);
/* Index of the port in SLAVE or UNCALIBRATED, or -1. */
int bc_slave_port(const struct bc *bc);
/* The UTC offset (s) between the time on the wire and a clock that keeps
 * UTC: timePropertiesDS.currentUtcOffset when valid, else the configured
 * utc_offset; 0 when the time is not on the PTP timescale (ARB: every
 * clock carries the same time).  What the core itself applies to the
 * ports whose clock keeps UTC. */
int bc_utc_offset(const struct bc *bc);
/* The same in force at TAI time tai_ns, with the latched leap second. */
int bc_utc_offset_at(const struct bc *bc, int64_t tai_ns);
/* The leap second latched by the program (common/leap.h): the core's
 * conversions for ports on UTC clocks apply it at its instant, drop the
 * Syncs of the second either side of it (BC_DROP_LEAP_WINDOW) and send
 * no Follow_Up for a Sync stamped in the second a leap61 repeats.  NULL
 * clears it. */
void bc_set_leap(struct bc *bc, const struct leap_latch *l);
const struct leap_latch *bc_leap(const struct bc *bc);
/* parentDS names this clock as grandmaster. */
bool bc_is_own_parent(const struct bc *bc);
/* As grandmaster: the UTC offset (valid) and the leap at the end of the
 * UTC day to announce (leapfile, or the leap passed).  -EINVAL. */
int bc_set_gm_utc(struct bc *bc, int utc_offset, int leap);

/* Statistics of the reference's Sync samples over a window of time (the
 * executor's: the last complete window, or the one being filled before a
 * first completes). */
struct bc_servo_window {
	uint32_t n; /* samples; 0: none (every figure unknown) */
	bool complete; /* a whole window */
	int64_t span_ns; /* from its first sample to its last */
	double offset_rms_ns, offset_max_ns; /* RMS and max |offset| */
	double freq_mean_ppb, freq_stddev_ppb;
	double delay_mean_ns, delay_max_ns, delay_stddev_ns;
};

/* What the discipline last reported; the executor keeps the core informed
 * so that management (TIME_STATUS_NP, hvptp's status) can answer it. */
struct bc_servo_status {
	bool valid; /* a sample was processed */
	int64_t offset_ns; /* last offset from master */
	int64_t path_delay_ns;
	tmv_t ingress; /* its t2 on the local clock */
	double freq_ppb; /* frequency set (or estimated, free-running) */
	int state; /* enum servo_state */
	int64_t at_ns; /* monotonic time of the sample */
	uint64_t steps;
	/* Bound on |time error| the discipline reports (ns): grows with the
	 * learned wander in holdover; < 0 when unknown. */
	double te_estimate_ns;
	bool holdover; /* holding the last good frequency */
	int64_t locked_since_ns; /* monotonic time the servo locked; 0:
				    not locked now */
	int64_t state_since_ns; /* monotonic time of the servo's last state
				   change; 0: none yet */
	struct bc_servo_window win; /* statistics of the Sync samples */
};
void bc_set_servo_status(struct bc *bc, const struct bc_servo_status *st);
/* The clockQuality this clock is configured with (set by configuration or
 * GRANDMASTER_SETTINGS_NP); defaultDS may differ while in holdover. */
const struct clock_quality *bc_configured_clock_quality(const struct bc *bc);
const struct bc_servo_status *bc_get_servo_status(const struct bc *bc);

/*
 * The host's clocks as the program's clock set last reported them
 * (daemon/clockset.h): each clock's name, PHC, role and source, servo,
 * last offset against its source, frequency, paired-reading method and
 * window, and error estimate; the executor keeps the core informed so
 * that management (HVPTP_CLOCKS_NP) can answer.  Index k is the clock
 * index the ports' bc_port_cfg.clock names.
 */
enum bc_clock_role { BC_CLOCK_REFERENCE = 0, BC_CLOCK_FOLLOWER = 1 };
struct bc_clock_info {
	bool present;
	char name[32]; /* "/dev/ptp0", "CLOCK_REALTIME" */
	int phc_index; /* -1: not a PHC */
	uint8_t role; /* enum bc_clock_role */
	int8_t source; /* the clock it follows, -1 for the reference */
	bool adjusted; /* false: measured only, never adjusted */
	bool keeps_utc;
	bool steered; /* a follower steered now (its reference has time) */
	uint8_t servo_type; /* enum servo_type */
	uint8_t servo_state; /* enum servo_state */
	bool have_offset;
	int64_t offset_ns; /* against its source: the master for the
			      reference, the reference for a follower */
	bool have_freq; /* freq_ppb is known (below) */
	double freq_ppb; /* set on the clock, or estimated when not
			    adjusted (known once an estimate is done) */
	uint8_t read_method; /* enum hwclock_read: followers' last reading */
	int64_t read_delay_ns; /* its window */
	double te_estimate_ns; /* < 0: unknown */
	uint64_t steps;
	uint64_t readings, read_errors; /* followers' paired readings */
	int64_t at_ns; /* monotonic time of the last offset */
	/* its servo's lock history (HVPTP_LOCK_HISTORY_NP); a clock
	 * hvptpd does not adjust has none (lock_applicable false) */
	bool lock_applicable;
	struct cm_lockhist lock;
};
/* -EINVAL for k outside 0..BC_MAX_CLOCKS-1; NULL ci removes it. */
int bc_set_clock_info(struct bc *bc, int k, const struct bc_clock_info *ci);
/* The clock k, or NULL when not present. */
const struct bc_clock_info *bc_clock_info(const struct bc *bc, int k);

/* What the program checked of the host for its guests (vm/hostcheck.h):
 * the checks that found something, could not tell, or passed, as bit
 * masks (a check in none does not apply here), and lines for people,
 * each with its check. */
#define BC_HOST_LINES 8
#define BC_HOST_LINE_LEN 150
struct bc_host_info {
	bool valid; /* the checks ran */
	uint32_t findings;
	uint32_t unknown;
	uint32_t ok;
	int nlines;
	bool more_lines; /* the report had more than BC_HOST_LINES */
	uint8_t line_check[BC_HOST_LINES];
	char lines[BC_HOST_LINES][BC_HOST_LINE_LEN];
};
void bc_set_host_info(struct bc *bc, const struct bc_host_info *h);
const struct bc_host_info *bc_host_info(const struct bc *bc);

/* What the program feeds chronyd and ntpd (daemon/feed.h), for
 * management (HVPTP_FEEDS_NP): which outputs, each one's delivered and
 * failed samples, and the ticks without a sample by reason (the
 * program's codes, 1..BC_FEED_REASONS; 0 in last: fed). */
#define BC_FEED_REASONS 7
#define BC_FEED_PATH_LEN 108
struct bc_feed_info {
	bool chrony_on, shm_on;
	bool have_last; /* a tick ran */
	uint8_t last; /* its outcome: 0 fed, else a reason */
	int16_t shm_unit; /* -1: off */
	uint64_t chrony_sent, chrony_failed;
	int32_t chrony_errno; /* the last failure's errno, 0 none */
	uint64_t shm_sent, shm_failed;
	uint64_t skipped[BC_FEED_REASONS]; /* by reason - 1 */
	char chrony_path[BC_FEED_PATH_LEN];
};
void bc_set_feed_info(struct bc *bc, const struct bc_feed_info *f);
const struct bc_feed_info *bc_feed_info(const struct bc *bc);

/*
 * What a P2P port measured of its link (IEEE 1588-2019 11.4; linuxptp's
 * CMLDS_INFO_NP carries the same): whether a peer delay is known, the
 * filtered meanLinkDelay, the neighbour rate ratio (valid once two
 * exchanges freq_est_interval apart finished) as (ratio - 1) * 2^41
 * (scaledNeighborRateRatio of 802.1AS), the responder's identity, the
 * Pdelay_Reqs in a row without an answer and with several.
 */
struct bc_pdelay_info {
	bool p2p; /* the port runs P2P now */
	bool valid; /* a peer delay was measured */
	int64_t mean_link_delay_ns;
	bool nrr_valid;
	int64_t nrr_scaled; /* (neighborRateRatio - 1) * 2^41 */
	bool peer_valid;
	struct port_identity peer;
	uint32_t lost_in_row, multiple_in_row;
	bool as_capable; /* 802.1AS asCapable (always on a 1588 port) */
};

/* The last Follow_Up information TLV the slave port took (802.1AS): for
 * management (TIME_STATUS_NP's gmTimeBaseIndicator, cumulative rate
 * offset, last phase change).  NULL when none came. */
const struct ptp_follow_up_info *bc_follow_up_info(const struct bc *bc);
/* -EINVAL for a bad or absent port. */
int bc_port_pdelay_info(const struct bc *bc, int port,
			struct bc_pdelay_info *out);

/* Announce messages a port's foreign-master table had no room for, and
 * records it gave up for a newcomer (bc/bmca.h, fm_add). */
uint64_t bc_port_fm_overflows(const struct bc *bc, int port);
uint64_t bc_port_fm_evictions(const struct bc *bc, int port);

/* The alarms the program keeps (daemon/alarm_eval.h), for management
 * (HVPTP_ALARMS_NP), notifications, metrics and the systemd status: each
 * alarm's kind (enum alarm_kind of common/alarm.h), subject (a clock's
 * name, a port's interface, "clock"), whether its value is known
 * (applicable) and it is raised (active), the value and the bound in the
 * kind's unit, the monotonic time of its last raise or clear (0: never),
 * how often it was raised, and the number of the change that last moved
 * it (seq: the program counts every raise and clear; a notification
 * follows each). */
#define BC_MAX_ALARMS 256
#define BC_ALARM_SUBJECT_LEN 16
struct bc_alarm_info {
	uint8_t kind;
	bool applicable, active;
	char subject[BC_ALARM_SUBJECT_LEN];
	double value, bound;
	int64_t since_ns;
	uint64_t raised;
	uint64_t seq;
};
/* The table (n entries, at most BC_MAX_ALARMS are kept) and the last
 * change's number. */
void bc_set_alarms(struct bc *bc, const struct bc_alarm_info *a, int n,
		   uint64_t seq);
int bc_alarm_count(const struct bc *bc);
const struct bc_alarm_info *bc_alarm(const struct bc *bc, int i);
uint64_t bc_alarm_seq(const struct bc *bc);

#endif
