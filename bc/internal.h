/*
 * bc/internal.h — the core's private structures, shared by its files.
 *
 * struct bc (the clock: data sets, ports, BMCA state) and struct port (one
 * PTP port: its portDS, foreign masters, master and slave exchanges,
 * counters), plus the helpers that append actions.  Nothing outside bc/
 * includes this header.
 */
#ifndef HVPTP_BC_INTERNAL_H
#define HVPTP_BC_INTERNAL_H

#include "bc/auth.h"
#include "bc/bc.h"
#include "bc/bmca.h"
#include "bc/mgmt_priv.h"
#include "common/filter.h"
#include "common/leap.h"
#include "common/log.h"
#include "common/rng.h"
#include "common/srclimit.h"

#define PORT_MAX_PENDING 8 /* event messages awaiting a TX timestamp */

struct pending_tx {
	bool used;
	int8_t peer; /* unicast peer it went to, -1: the group */
	uint32_t token;
	uint8_t msg_type;
	uint16_t seq;
	int64_t deadline_ns;
	bool nsm; /* a Sync answering a NetSync Monitor (bc/nsm.c) */
};

/* What a slave port knows of the current Sync exchange. */
struct sync_state {
	bool have_sync; /* t2 known for seq */
	bool have_fup; /* t1 known for seq */
	bool two_step;
	uint16_t seq;
	tmv_t t2; /* ingress, local clock */
	int64_t corr_sync; /* scaled ns */
	tmv_t t1; /* preciseOriginTimestamp (or originTimestamp) */
	int64_t corr_fup; /* scaled ns */
	/* the latest complete pairs, for the delay computation: [0] the
	 * newest, [1] the one before */
	int npairs;
	struct sync_pair {
		tmv_t t2; /* ingress, local clock */
		int64_t ms; /* t2 - t1 - c1: master->slave, ns */
	} pair[2];
};

/* A Delay_Req/Delay_Resp exchange waiting for the Sync after it: its
 * slave->master delay is paired with the master->slave delay interpolated
 * to t3 between the Syncs around it, so that a frequency error between the
 * clocks does not bias the path delay (the servo changes frequency only at
 * samples, so it is constant between two Syncs). */
struct delay_exchange {
	tmv_t t3; /* egress of the Delay_Req, local clock */
	int64_t sm; /* t4 - t3 - c2: slave->master, ns */
	bool have_pre; /* the Sync pair before t3 */
	struct sync_pair pre;
};
#define DELAY_MAX_EXCHANGES 4

/* A Delay_Req in flight: sent, waiting for its TX timestamp, its
 * Delay_Resp or both.  Several may be (a path longer than the interval
 * between requests): each answer is matched by sequenceId. */
struct delay_req {
	bool used;
	bool answered; /* Delay_Resp came before our TX timestamp */
	bool have_t3;
	uint16_t seq;
	uint32_t order; /* sending order, to reuse the oldest */
	tmv_t t3; /* egress, local clock */
	tmv_t t4; /* from that Delay_Resp, local timescale */
	int64_t resp_corr_ns;
	int64_t step_since_send_ns; /* clock steps since the Delay_Req went
				       out: its late TX timestamp predates them */
};
#define DELAY_MAX_IN_FLIGHT 8

/* The Delay_Req/Delay_Resp exchanges. */
struct delay_state {
	struct delay_req req[DELAY_MAX_IN_FLIGHT];
	uint32_t sent; /* Delay_Reqs sent (delay_req.order) */
	int last; /* the newest request's slot, -1 none */
	int nx; /* exchanges waiting for their next Sync */
	struct delay_exchange xq[DELAY_MAX_EXCHANGES];
	struct cm_filter filter; /* moving median of raw delays */
	bool have_delay;
	int64_t mean_path_delay_ns; /* filtered */
	int64_t last_raw_ns;
};

/* Our Pdelay_Req in flight and what came back of it (11.4.2): t1 our
 * egress, t2 the responder's ingress (its clock), t3 its egress, t4 our
 * ingress; the corrections of the Pdelay_Resp and its Follow_Up. */
struct pdelay_exchange {
	bool used; /* sent: the current request, until the next one */
	bool done; /* its link delay was taken */
	uint16_t seq;
	bool have_t1, have_resp, have_fup, one_step;
	uint8_t responses; /* Pdelay_Resp messages to this request */
	tmv_t t1, t4; /* local clock */
	tmv_t t2, t3; /* the responder's clock, from the wire */
	int64_t c_resp_ns, c_fup_ns;
	int64_t step_since_send_ns; /* steps before t1 came back */
	struct port_identity responder, fup_source;
};

/* A Pdelay_Resp we sent, waiting for its TX timestamp (t3) to send
 * its Follow_Up. */
struct pdelay_answer {
	bool used;
	uint16_t seq;
	int64_t corr; /* the Pdelay_Req's correctionField, scaled */
	struct port_identity requester;
	uint8_t major_sdo_id;
	bool unicast;
	struct bc_addr addr;
};
#define PDELAY_MAX_ANSWERS 4

/* The peer-delay mechanism of a port (bc/delay_p2p.c). */
struct pdelay_state {
	struct pdelay_exchange x;
	uint16_t seq;
	uint32_t lost; /* requests in a row without a whole answer */
	uint32_t multiple; /* requests in a row with several responders */
	bool peer_valid;
	struct port_identity peer;
	/* neighbour rate ratio: the responder's t3 + c against our t4,
	 * over 2^(freq_est_interval - logMinPdelayReqInterval) exchanges */
	bool nrr_have_first, nrr_valid;
	uint32_t nrr_count;
	tmv_t nrr_origin, nrr_ingress;
	int64_t nrr_scaled; /* (ratio - 1) * 2^41 */
	struct pdelay_answer ans[PDELAY_MAX_ANSWERS];
};

/* A unicast peer (bc/unicast.c): a master of the unicast master table
 * (asked for service, the states of ptp4l's unicast_fsm) or a client
 * granted service. */
enum uc_role { UC_FREE = 0, UC_MASTER, UC_CLIENT };
enum uc_state { UC_WAIT, UC_HAVE_ANN, UC_NEED_SYDY, UC_HAVE_SYDY };
enum { UC_SVC_ANNOUNCE, UC_SVC_SYNC, UC_SVC_COUNT };
struct uc_peer {
	enum uc_role role;
	struct bc_addr addr;
	struct port_identity pid; /* heard from it; all ones before */
	/* UC_MASTER */
	enum uc_state state;
	uint16_t granted; /* bit per messageType */
	int64_t renew_at; /* 0: not due */
	/* UC_CLIENT: what it was granted, until when */
	bool serve[UC_SVC_COUNT];
	int8_t log_period[UC_SVC_COUNT];
	int64_t expire_at[UC_SVC_COUNT];
	uint16_t seq[UC_SVC_COUNT];
	uint32_t timers_armed; /* bit per enum bc_timer */
	int64_t timer_at[BC_TMR_COUNT];
};

struct port {
	struct bc *bc;
	int index; /* 0-based; portNumber = index + 1 */
	bool present; /* false: removed (bc_port_remove), slot free */
	struct bc_port_cfg cfg;
	struct port_ds ds;
	struct fm_table fm;
	struct bc_port_counters cnt;
	struct bc_port_status st; /* state since, last fault */
	bool link_up;
	uint32_t timers_armed; /* bit per enum bc_timer */
	int64_t timer_at[BC_TMR_COUNT]; /* each armed timer's deadline */
	/* BMCA */
	struct fm_record *erbest; /* best qualified record, or NULL */
	int64_t self_seen_ns; /* announce of a lower port of this clock */
	bool self_seen;
	/* master side */
	uint16_t seq_announce, seq_sync, seq_delay_req;
	struct pending_tx pend[PORT_MAX_PENDING];
	/* slave side */
	struct sync_state sync;
	struct delay_state delay;
	struct pdelay_state pdelay;
	int8_t master_log_sync_interval;
	/* unicast peers: the table's masters first (cfg.uc_nmasters), then
	 * the clients granted service */
	struct uc_peer uc[BC_MAX_PEERS];
	uint16_t seq_signaling;
	/* rate-limited drop logging */
	struct cm_ratelimit drop_rl;
	/* the NetSync Monitor being answered (bc/nsm.c) */
	struct bc_addr nsm_addr;
	/* authentication (bc/auth.c): the last Sync exchange accepted */
	struct {
		bool have_seq;
		uint16_t last_seq;
		enum port_state state; /* the port's state then */
		struct port_identity src;
		struct cm_ratelimit rl; /* failures logged */
	} auth;
	/* per-source limits of Delay_Req and management requests */
	struct srclimit delay_req_limit;
	struct srclimit mgmt_limit;
};

struct bc {
	struct bc_clock_cfg cfg;
	int nports; /* slots in use (some may be absent) */
	int cap; /* slots allocated: max_ports */
	struct port *ports;
	/* the state decision's per-port scratch (cap entries), and where
	 * applying it stopped when the actions filled up (-1: done) */
	struct bmca_dataset *sd_er;
	enum bmca_decision *sd_dec;
	int sd_next;
	bool sd_changed;
	bool started_logged; /* bc_start's line */
	struct default_ds dds;
	struct current_ds cur;
	struct parent_ds parent;
	struct time_properties_ds tp;
	struct bc_clock_counters cnt;
	struct cm_rng rng;
	struct fm_seen *fm_seen; /* first Announces of all ports (bmca.h) */
	bool sd_due; /* a state decision event is pending */
	struct leap_latch leap; /* the leap second latched (bc_set_leap) */
	struct bc_servo_status servo;
	struct bc_clock_info clocks[BC_MAX_CLOCKS]; /* bc_set_clock_info */
	int64_t mgmt_now; /* monotonic time of the request being answered */
	struct bc_host_info host; /* bc_set_host_info */
	struct bc_feed_info feed; /* bc_set_feed_info */
	struct bc_alarm_info alarms[BC_MAX_ALARMS]; /* bc_set_alarms */
	int nalarms;
	uint64_t alarm_seq;
	int slave_port; /* -1 if none */
	uint32_t next_token;
	/* path trace of the parent's Announce (for our Announces) */
	uint8_t path_len;
	struct clock_identity path[PTP_MAX_PATH_TRACE];
	/* best master as last logged, to log changes once */
	struct clock_identity logged_best;
	bool logged_best_valid;
	/* the slave port's last Follow_Up information TLV (802.1AS) */
	bool have_fup_info;
	struct ptp_follow_up_info fup_info;
	/* management (bc/mgmt*.c) */
	struct mgmt_data mgmt;
	/* authentication (bc/auth.c, bc_set_auth) */
	struct {
		const struct sa_db *db;
		const struct auth_mac_ops *ops;
		void *ctx;
	} auth;
};

/* ---- delay mechanisms (bc/delay.c, delay_e2e.c, delay_p2p.c) ----
 *
 * What a port's delay mechanism does for the rest of the port: the Sync
 * side asks it for the delay to take off a Sync's master->slave term and
 * tells it of each complete Sync; the state machine, the timers, the TX
 * timestamps and clock steps reach it here.  E2E measures the path to the
 * parent from a slave state; P2P measures the link to the neighbour in
 * every state but FAULTY, INITIALIZING and DISABLED. */
struct delay_ops {
	const char *name;
	/* A Sync pair is complete: exchanges waiting for it finish. */
	void (*sync_pair)(struct port *p, const struct sync_pair *pr);
	/* The delay a Sync's offset takes off; false while unknown. */
	bool (*path_delay)(const struct port *p, int64_t *ns);
	/* A new parent, or the port enters or leaves a slave state. */
	void (*parent_reset)(struct port *p);
	/* The port's clock was stepped by step_ns. */
	void (*stepped)(struct port *p, int64_t step_ns);
	/* The port entered a new state group: arm what runs there (the
	 * other timers were stopped). */
	void (*enter_state)(struct port *p, int64_t now,
			    struct bc_actions *out);
	/* Its request timer (BC_TMR_DELAY_REQ_TX or BC_TMR_PDELAY_REQ_TX). */
	void (*timer)(struct port *p, int64_t now, struct bc_actions *out);
	/* The TX timestamp of one of its event messages. */
	void (*tx_ts)(struct port *p, uint8_t type, uint16_t seq, tmv_t ts,
		      int64_t now, struct bc_actions *out);
};
extern const struct delay_ops delay_e2e_ops;
extern const struct delay_ops delay_p2p_ops;
const struct delay_ops *port_delay_ops(const struct port *p);
/* A raw delay into the port's filter: the filtered one becomes the
 * port's (and currentDS's) mean path delay. */
void port_delay_filter_add(struct port *p, int64_t raw);

/* a - b - c; false when a step does not fit int64 (timestamps near the
 * limits or absurd correction fields from the wire). */
static inline bool port_sub3_ok(int64_t a, int64_t b, int64_t c, int64_t *out)
{
	int64_t t;

	return !__builtin_sub_overflow(a, b, &t) &&
	       !__builtin_sub_overflow(t, c, out);
}

/* A logMessageInterval worth taking from a peer's message. */
static inline bool port_log_interval_sane(int8_t v)
{
	return v >= -10 && v <= 10;
}

/* E2E (bc/delay_e2e.c) */
enum bc_drop e2e_rx_delay_resp(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out);
/* The newest Delay_Req is still in flight (its TX timestamp or its
 * answer awaited). */
bool e2e_req_waiting(const struct port *p);
/* 0, -EOPNOTSUPP (P2P or inhibit_delay_req), or the send's error. */
int e2e_send_req(struct port *p, int64_t now, struct bc_actions *o);

/* P2P (bc/delay_p2p.c): the three peer-delay messages, in every active
 * state. */
enum bc_drop p2p_rx_pdelay_req(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out);
enum bc_drop p2p_rx_pdelay_resp(struct port *p, const struct ptp_msg *m,
				tmv_t rx_ts, const struct bc_addr *src,
				int64_t now, struct bc_actions *out);
enum bc_drop p2p_rx_pdelay_fup(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out);

/* 802.1AS asCapable (ptp4l's port_capable): true on a 1588 port (no
 * follow_up_info) and with asCapable true; else a peer delay measured
 * within [min_neighbor_prop_delay, neighborPropDelayThresh], no more than
 * allowedLostResponses requests in a row lost or multi-answered, a known
 * peer and a neighbour rate ratio. */
bool port_as_capable(const struct port *p);

/* ---- actions (bc/actions.c) ---- */
int act_send(struct bc_actions *out, int port, bool event, enum bc_dest dest,
	     const struct bc_addr *addr, const uint8_t *buf, size_t len,
	     uint32_t token, uint8_t msg_type);
/* t: bc_timer_make(slot, kind) */
void act_timer_arm(struct bc_actions *out, int port, int t, int64_t at_ns);
void act_timer_stop(struct bc_actions *out, int port, int t);
void act_sample(struct bc_actions *out, int port, const struct bc_sample *s);
void act_state(struct bc_actions *out, int port, enum port_state from,
	       enum port_state to, enum bc_event ev);
void act_parent(struct bc_actions *out, const struct parent_ds *p,
		bool own);
/* Room left in out for one more port's worth of actions (a state change
 * with its timers and a message or two). */
bool act_room_for_port(const struct bc_actions *out);

/* ---- authentication (bc/auth.c): no-ops on a port without spp ---- */
/* buf[0..len) packed: the TLV appended; the new length or -errno. */
int auth_port_tx(struct port *p, uint8_t *buf, size_t len, size_t cap);
/* Before any other check: BC_DROP_NONE or why it fails. */
enum bc_drop auth_port_rx(struct port *p, const uint8_t *buf, size_t len,
			  const struct ptp_msg *m, int64_t now);
/* m was accepted: the replay window moves. */
void auth_port_accepted(struct port *p, const struct ptp_msg *m);

/* ---- port state machine (bc/port_fsm.c) ---- */
enum port_state port_fsm_next(enum port_state cur, enum bc_event ev,
			      bool slave_only);
/* Apply an event: change state, log, emit STATE_CHANGED, (re)arm and stop
 * the timers of the new state. */
/* Move to `to` (outside the table: a new parent for a SLAVE port). */
void port_change_state(struct port *p, enum port_state to, enum bc_event ev,
		       int64_t now, struct bc_actions *out);
void port_dispatch(struct port *p, enum bc_event ev, int64_t now,
		   struct bc_actions *out);

/* ---- port protocol (bc/port.c, bc/port_master.c, bc/port_slave.c) ---- */
void port_init(struct port *p, struct bc *bc, int index,
	       const struct bc_port_cfg *cfg);
/* portDS's configured members (intervals, timeout, asymmetry, masterOnly)
 * and the delay filter (restarted), from p->cfg: at init and on a
 * reload (bc_port_reconfigure). */
void port_ds_from_cfg(struct port *p);
void port_delay_filter_init(struct port *p);
int port_rx(struct port *p, const uint8_t *buf, size_t len, tmv_t rx_ts,
	    const struct bc_addr *src, int64_t now, struct bc_actions *out);
int port_tx_ts(struct port *p, uint32_t token, tmv_t ts, int64_t now,
	       struct bc_actions *out);
int port_timer(struct port *p, enum bc_timer t, int64_t now,
	       struct bc_actions *out);
void port_drop(struct port *p, enum bc_drop why, const struct ptp_msg *m,
	       int64_t now);
void port_enter_state(struct port *p, enum port_state st, int64_t now,
		      struct bc_actions *out);
void port_stepped(struct port *p, int64_t step_ns);
void port_timer_arm(struct port *p, enum bc_timer t, int64_t at_ns,
		    struct bc_actions *out);
void port_timer_stop(struct port *p, enum bc_timer t, struct bc_actions *out);
void port_arm_announce_rx(struct port *p, int64_t now, struct bc_actions *out);
/* Remember why the port faults (bc_port_status), before FAULT_DETECTED. */
void port_note_fault(struct port *p, enum bc_fault why, int err,
		     int64_t now);
bool port_is_slave(const struct port *p);
bool port_is_active(const struct port *p); /* not INIT/FAULTY/DISABLED */
/* Send one message built in m on this port. */
int port_send(struct port *p, struct ptp_msg *m, bool event, enum bc_dest dest,
	      const struct bc_addr *addr, int64_t now, struct bc_actions *out);
void port_header(struct port *p, struct ptp_msg *m, unsigned type,
		 uint16_t seq, int8_t log_interval);
/* peer: the unicast peer the message goes to, -1 for the group */
uint32_t port_pend_add(struct port *p, uint8_t type, uint16_t seq, int peer,
		       int64_t now, struct bc_actions *out);
/* Send m by unicast to the port's unicast peer `peer` (bc/unicast.c). */
int port_send_peer(struct port *p, struct ptp_msg *m, bool event, int peer,
		   int64_t now, struct bc_actions *out);
int64_t port_random_delay_req_ns(struct port *p);
/* A new state group: the TX timestamps awaited are forgotten, but for
 * the peer delay's in an active state. */
void port_pend_forget(struct port *p, struct bc_actions *out);
/* bc_port_delay_req_at for this port. */
int port_delay_req_at(struct port *p, int64_t at_ns, int64_t now,
		      struct bc_actions *out);
/* time conversion between the local clock and the wire timescale */
tmv_t port_to_wire(const struct port *p, tmv_t local);
tmv_t port_from_wire(const struct port *p, tmv_t wire);
/* A wire (TAI) time within a second of a leap, on a port stamped by a
 * UTC clock: its conversion is ambiguous. */
bool port_leap_window(const struct port *p, tmv_t wire);
/* A local UTC time in the second a leap61 repeats, on such a port. */
bool port_leap_ambiguous(const struct port *p, tmv_t local);

/* master side (bc/port_master.c) */
void master_send_announce(struct port *p, int64_t now, struct bc_actions *o);
/* peer: a unicast client granted the service (bc/unicast.c), -1: the
 * group */
void master_send_announce_to(struct port *p, int peer, int64_t now,
			     struct bc_actions *o);
void master_send_sync(struct port *p, int peer, int64_t now,
		      struct bc_actions *o);
void master_sync_tx_ts(struct port *p, int peer, uint16_t seq, tmv_t ts,
		       int64_t now, struct bc_actions *out);
enum bc_drop master_rx_delay_req(struct port *p, const struct ptp_msg *m,
				 tmv_t rx_ts, const struct bc_addr *src,
				 int64_t now, struct bc_actions *out);

/* slave side (bc/port_slave.c) */
enum bc_drop slave_rx_sync(struct port *p, const struct ptp_msg *m,
			   tmv_t rx_ts, const struct bc_addr *src,
			   int64_t now, struct bc_actions *out);
enum bc_drop slave_rx_follow_up(struct port *p, const struct ptp_msg *m,
				tmv_t rx_ts, const struct bc_addr *src,
				int64_t now, struct bc_actions *out);
/* Forget the Sync exchange and what the delay mechanism measured of the
 * parent (a new master or state). */
void slave_reset(struct port *p);
/* The local clock was stepped by step_ns: move the Sync's stored local
 * times. */
void slave_stepped(struct port *p, int64_t step_ns);

/* NetSync Monitor (bc/nsm.c): a Delay_Req this port answers as one;
 * the answer; the Follow_Up of its Sync. */
bool nsm_is_request(const struct port *p, const struct ptp_msg *m,
		    const struct bc_addr *src);
enum bc_drop nsm_rx_request(struct port *p, const struct ptp_msg *req,
			    tmv_t rx_ts, const struct bc_addr *src,
			    int64_t now, struct bc_actions *out);
void nsm_sync_tx_ts(struct port *p, uint16_t seq, tmv_t ts, int64_t now,
		    struct bc_actions *out);
/* The C37.238 TLV of the port's power profile into an Announce
 * (bc/power.c), its value in scratch. */
void power_announce_tlv(const struct port *p, struct ptp_msg *m,
			struct wire_writer *scratch);
/* PORT_SERVICE_STATS_NP: count a timer that expired (bc/mgmt_parity.c). */
void mgmt_count_timer(struct port *p, enum bc_timer t);

/* ---- unicast negotiation (bc/unicast.c) ---- */
/* The peers from the port's configuration (at init and reconfigure). */
void uc_init(struct port *p);
enum bc_drop uc_rx_signaling(struct port *p, const struct ptp_msg *m,
			     tmv_t rx_ts, const struct bc_addr *src,
			     int64_t now, struct bc_actions *out);
/* A port with a unicast master table takes Announce from its masters
 * only; any other port from anyone. */
bool uc_announce_ok(const struct port *p, const struct bc_addr *src);
/* unicast_listen with inhibit_multicast_service: no multicast Announce
 * and Sync. */
bool uc_multicast_inhibited(const struct port *p);
/* The port entered state `st` (or got a new parent): start or stop the
 * peers' timers, select the master asked for Sync. */
void uc_port_state(struct port *p, int64_t now, struct bc_actions *out);
/* Where a Delay_Req goes: the master by unicast (hybrid_e2e, a unicast
 * client) or the group. */
enum bc_dest uc_delay_req_dest(const struct port *p, struct bc_addr *addr);
/* UNICAST_MASTER_TABLE_NP's dataField. */
void mgmt_get_uc_master_table_np(const struct bc *bc, int port,
				 struct wire_writer *w);
/* A timer of the port's unicast peer `peer` (slot peer + 1) expired. */
int port_peer_timer(struct port *p, int peer, enum bc_timer t, int64_t now,
		    struct bc_actions *out);

/* ---- clock (bc/clock.c, bc/clock_sd.c) ---- */
/* The data set comparison the clock runs: 9.3.4's or G.8275.x's. */
bmca_compare_fn clock_compare_fn(const struct bc *bc);
/* A port saw an Announce: store it, maybe mark a state decision due. */
enum bc_drop clock_rx_announce(struct port *p, const struct ptp_msg *m,
			       tmv_t rx_ts, const struct bc_addr *src,
			       int64_t now, struct bc_actions *out);
bool clock_is_parent(const struct bc *bc, const struct port_identity *pi);
static inline bool port_from_parent(const struct port *p,
				    const struct ptp_msg *m)
{
	return p->cfg.ignore_source_id ||
	       clock_is_parent(p->bc, &m->hdr.source_port_identity);
}
/* portDS.masterOnly (serverOnly; G.8275's notSlave) changed by a reload
 * or a management SET: the port forgets its foreign masters (its
 * Announces are not used while on) and the BMCA runs again, so a slave
 * port that becomes master-only gives its master up. */
void clock_port_master_only(struct port *p, bool on);
/* The acceptable master table's entry for sender, or NULL (17.5). */
const struct bc_acceptable_master *
clock_acceptable(const struct bc *bc, const struct port_identity *sender);
/* parentDS, currentDS and timePropertiesDS as this clock's own (GM), or
 * from the Announce of the record chosen as parent (9.3.5). */
void clock_set_own_parent(struct bc *bc);
void clock_set_parent_from(struct bc *bc, const struct fm_record *r);
void clock_log_port(const struct port *p, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
