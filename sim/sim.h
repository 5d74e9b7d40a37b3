/*
 * sim/sim.h — the in-process network simulator: structures shared by its
 * files.
 *
 * N nodes run in one process on virtual true time (int64 ns).  Each node
 * is what hvptpd is above the platform: the real core (bc/), the real
 * disciplines and servos (servo/), the daemon's clock set and executor
 * (daemon/clockset.c, daemon/executor.c), configured from ptp4l-style
 * options through the daemon's own settings code.  The simulator supplies
 * the platform: the executor's send goes to a simulated segment
 * (sim_link.h), its timers to the event heap (sim_heap.h), TX timestamps
 * come back through exec_tx_ts with the token, and the host's clocks are
 * simulated oscillators (sim_clock.h): a PHC per group of hardware ports,
 * and the system clock with the kernel's time state, which stamps the
 * software-timestamped ports.  A guest node has no PTP port: it reads its
 * host's system clock through a pairing hypercall (ptp_kvm) and its
 * system clock follows that through a clock set of its own.  A vmclock
 * reader has nothing of its own: it reads the vmclock page its host
 * publishes with the daemon's code from a simulated TSC.  Ground truth
 * (every clock's time error against the clock of the node that should be
 * grandmaster) comes from the simulator's own clock models only, never
 * from the daemon's estimates.
 *
 * Files: sim_scn.c (scenario file syntax, units), sim_keys.c (key
 * tables), sim_build.c (scenario to structures), sim_clocks.c (a node's
 * clocks: keys, PHC groups, clock set), sim_expect.c ([expect] sections),
 * sim_node.c (a node: platform callbacks, timestamps, restart),
 * sim_guest.c (a guest: its follower), sim_vmclock.c (a host's TSC and
 * vmclock page, a reader's truth), sim_run.c (the event loop,
 * scenario events, sampling), sim_truth.c (expected grandmaster,
 * statistics), sim_report.c (report, CSV), sim_check.c ([expect] checks),
 * main.c (command line); sim_platform_stubs.c stands in for the one hwts/
 * function the daemon's settings code calls.
 */
#ifndef HVPTP_SIM_SIM_H
#define HVPTP_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bc/bc.h"
#include "daemon/executor.h"
#include "daemon/settings.h"
#include "daemon/vmclock_pub.h"
#include "servo/discipline.h"
#include "sim/sim_clock.h"
#include "sim/sim_heap.h"
#include "sim/sim_link.h"
#include "sim/sim_rand.h"

#define SIM_MAX_NODES 250
#define SIM_MAX_PHCS 4
#define SIM_MAX_PORTS 32 /* per node */
/* A node's clocks: its PHCs, then the system clock (a guest: only it). */
#define SIM_MAX_CLOCKS (SIM_MAX_PHCS + 1)
#define SIM_MAX_SEGS 1000
#define SIM_MAX_ACTIONS 1000
/* Ground-truth samples kept, over all nodes (24 bytes each). */
#define SIM_MAX_SAMPLES 20000000LL
/* The nodes' monotonic clock ("now" for the core) is true time plus this:
 * ideal, as if the hosts had booted 1000 s before the run. */
#define SIM_MONO_BASE_NS (1000 * NS_PER_SEC)
/* True time 0 on the TAI timescale by default (clocks keeping UTC start
 * the UTC offset less); [scenario] start_utc sets another. */
#define SIM_EPOCH_NS (1700000000LL * NS_PER_SEC)

/* Timestamping model of a node (hardware or software defaults). */
struct sim_ts_model {
	int64_t res_ns; /* quantum: stamps are floored to it */
	double noise_ns; /* gaussian sigma */
	double outlier_prob; /* probability of an outlier per stamp */
	double outlier_ns; /* its mean (exponential), later on RX, earlier
			      on TX */
	int64_t tx_delay_ns; /* TX timestamp delivered this much later */
	double tx_jitter_ns; /* plus exponential with this mean */
	double tx_missing; /* probability that it never comes */
};

/* Expectation keys (per node). */
enum sim_exp_key {
	SIM_EXP_LOCK_WITHIN,
	SIM_EXP_RMS_MAX,
	SIM_EXP_MAX_MAX,
	SIM_EXP_FREQ_RMS_MAX,
	SIM_EXP_STEPS_AFTER_LOCK_MAX,
	SIM_EXP_RELOCK_WITHIN,
	SIM_EXP_TRANSITION_MAX,
	SIM_EXP_LOCKED,
	SIM_EXP_HOLDOVER_BOUND,
	SIM_EXP_LOCK_RMS_MAX, /* rms_max and max_max from the lock, settle */
	SIM_EXP_LOCK_MAX_MAX, /* or not */
	SIM_EXP_LEAP_WITHIN, /* the scenario's leaps, each this close */
	SIM_EXP_COUNT
};

/* What an xfail mark covers: the keys above and these checks. */
enum {
	SIM_XF_PORT_STATE = SIM_EXP_COUNT,
	SIM_XF_ONE_GRANDMASTER,
	SIM_XF_GRANDMASTER,
	SIM_XF_PASSIVE_PORTS,
	SIM_XF_CLOCK_CLASSES,
	SIM_XF_GM_CLASSES,
	SIM_XF_ALARMS,
	SIM_XF_LINK_DELAY,
	SIM_XF_COUNT
};
#define SIM_XF_ALL ((1u << SIM_XF_COUNT) - 1)

struct sim_expect {
	bool has[SIM_EXP_COUNT];
	double val[SIM_EXP_COUNT]; /* ns, ppb, count, 0/1 */
	int line[SIM_EXP_COUNT];
	char port_state[160]; /* "PORT:STATE ..." or "" */
	char link_delay[160]; /* "PORT:MIN-MAX ..." (ns, P2P) or "" */
	char clock_classes[96]; /* "248 135 ..." (own clockClass) or "" */
	char gm_classes[96]; /* the same of the grandmaster followed */
	char alarms[512]; /* "KIND[(SUBJECT)] raised|cleared A..B, ..." */
	char xfail[160]; /* reason, or "" */
	unsigned xfail_mask; /* checks it covers, bit per SIM_EXP_/SIM_XF_ */
	unsigned own; /* checks its own [expect NODE] set (same bits): they
			 fail when the node was never measured */
};

struct sim_expect_global {
	int one_grandmaster; /* -1 unset, 0/1 */
	int passive_count; /* -1 unset */
	char passive_ports[256]; /* "NODE:PORT ..." or "" */
	int grandmaster; /* node index, -1 unset */
	char xfail[160];
	unsigned xfail_mask;
};

/* One ground-truth sample of a node. */
enum {
	SIM_PT_VALID = 1, /* the node is up: err and ferr mean something */
	SIM_PT_GM = 2, /* the node is its component's expected GM */
	SIM_PT_SERVO_LOCKED = 4, /* LOCKED or LOCKED_STABLE */
	SIM_PT_HOLDOVER = 8, /* the node reports holdover */
};

struct sim_pt {
	double err_ns; /* clock - grandmaster clock (or reference) */
	float ferr_ppb; /* rate - grandmaster rate */
	float te_ns; /* the node's own time error estimate, < 0 unknown */
	uint8_t flags;
	uint8_t steps; /* clock steps since the last sample (saturating) */
	uint8_t cls; /* defaultDS clockClass (0: down) */
	uint8_t gm_cls; /* parentDS grandmasterClockQuality.clockClass */
};

struct sim_port {
	char name[BC_PORT_NAME_LEN];
	int seg; /* segment index, -1 none */
	int ep; /* endpoint index on it */
};

/* Results after the run (sim_truth.c). */
struct sim_result {
	bool measured; /* was not GM all the time */
	bool locked;
	int64_t lock_t; /* true time of lock */
	uint64_t n; /* steady samples (from lock + settle) */
	double rms_ns, max_ns, freq_rms_ppb;
	double lock_rms_ns, lock_max_ns; /* the same from the lock on */
	uint64_t steps, steps_after_lock;
	int64_t worst_relock_ns; /* over events; -1 never relocked */
	double worst_transition_ns;
	bool locked_at_end;
};

/*
 * What is measured of one clock: the node's row (its reference clock, a
 * guest's system clock) or one of its clocks.  Samples, results, checks,
 * and per scenario event the relock time and the transition's worst.
 */
struct sim_meter {
	struct sim_pt *pts;
	struct sim_result res;
	struct sim_expect exp;
	int64_t *relock; /* [event]; -1 never */
	double *trans_max; /* [event] */
	bool follower; /* a follower at some sample (the report shows it) */
	/* the kernel's leap seconds (a system clock's): how many, how many
	 * the wrong way (or with none in the scenario), and the worst
	 * |error| of their instant on the grandmaster's time */
	int kleaps_seen;
	int leaps, leaps_wrong;
	double leap_worst_ns;
};

struct sim_node {
	char name[SIM_NAME_LEN];
	int index;
	int line; /* of its section */
	struct sim *sim;
	int nports;
	struct sim_port ports[SIM_MAX_PORTS];
	struct hvd_settings set;
	bool hardware; /* [global] time_stamping hardware */
	/* clocks (sim_clocks.c): PHCs 0..nphc-1, then the system clock;
	 * their index is their index in the clock set */
	int nphc, nclk, sys;
	int port_clk[SIM_MAX_PORTS]; /* the clock stamping each port */
	struct sim_clock_model phc_cm[SIM_MAX_PHCS], sys_cm;
	struct sim_readmodel phc_rd[SIM_MAX_PHCS], kvm_rd;
	struct sim_clock clocks[SIM_MAX_CLOCKS];
	struct sim_hwclock hwc[SIM_MAX_CLOCKS];
	char clk_name[SIM_MAX_CLOCKS][8]; /* "phc0".., "sys" */
	int gm_clk; /* the reference before any slave port
		       (reference_clock) */
	int main_clk; /* measured by the node row: the reference (the last
			 one while down), a guest's system clock */
	uint64_t clk_steps_seen[SIM_MAX_CLOCKS];
	/* a guest (guest_of): no ports; its host's system clock read
	 * through the pairing hypercall is its reference */
	bool guest;
	char guest_of[64];
	int host;
	struct sim_hwclock kvm;
	/* a vmclock reader (vmclock_of = HOST): no port, no clock of its
	 * own; it reads its host's vmclock page at its host's TSC whenever
	 * the truth is sampled (sim_vmclock.c); host is that host */
	bool vmreader;
	char vmclock_of[64];
	uint64_t vmc_seen; /* the page's disruption_marker at the last
			      sample */
	int vmc_last; /* its clock_status at the last sample, -1 none */
	/* a host whose page a reader reads (vmc_on): its TSC, read around
	 * CLOCK_REALTIME by the publisher (tsc_rd), and the publisher, the
	 * daemon's own (daemon/vmclock_pub.h), writing a page in memory */
	bool vmc_on;
	uint64_t tsc_hz; /* nominal rate */
	struct sim_clock_model tsc_cm;
	struct sim_readmodel tsc_rd;
	struct sim_clock tsc; /* its reading in ns since boot */
	struct sim_rng tsc_rng;
	struct exec_vmclock vmc;
	struct vm_vmclock_abi vmc_page;
	uint64_t vmc_marker; /* the page's marker at the last stop */
	/* timestamping: the model of the node's kind and of the other kind
	 * (ports stamped the other way, with that kind's defaults) */
	struct sim_ts_model ts, ts_other;
	struct sim_rng ts_rng;
	int64_t start_ns;
	int64_t lock_threshold_ns;
	char reference_name[64]; /* "reference": measure against this node */
	int ref; /* its index, -1: the expected grandmaster */
	/* running */
	struct bc *bc;
	struct clockset cs;
	struct exec ex;
	bool up;
	uint32_t epoch; /* bumped at each (re)start */
	uint32_t tgen[SIM_MAX_PORTS][BC_TMR_PER_PORT];
	/* p2p1step: the RX times of the last Pdelay_Reqs per port, for the
	 * "NIC" to put the turnaround into the one-step Pdelay_Resp */
	struct sim_p2p1 {
		bool used;
		uint16_t seq;
		uint8_t src[10]; /* sourcePortIdentity */
		int64_t t2;
	} p2p1[SIM_MAX_PORTS][4];
	unsigned p2p1_next[SIM_MAX_PORTS];
	uint32_t xgen[EXEC_TMR_COUNT]; /* the executor's timers */
	int64_t guest_next; /* a guest's next reading (mono) */
	bool summary_armed;
	uint64_t restarts;
	uint64_t tx_ts_missing, tx_ts_unclaimed;
	/* truth */
	int gm; /* expected grandmaster of its component */
	int hop; /* segments from it */
	struct sim_meter m; /* the node's row */
	struct sim_meter cm[SIM_MAX_CLOCKS]; /* per clock (nodes with more
						than one clock) */
	int ncm; /* meters in cm: nclk, or 0 */
	struct sim_alarms *al; /* its alarms (sim_alarm.c), NULL before */
};

enum sim_act_kind {
	SIM_ACT_NODE_DOWN,
	SIM_ACT_NODE_UP,
	SIM_ACT_LINK_DOWN,
	SIM_ACT_LINK_UP,
	SIM_ACT_LINK_SET,
	SIM_ACT_NODE_STEP,
	SIM_ACT_NODE_FREQ,
};

struct sim_action {
	int64_t at;
	enum sim_act_kind kind;
	int target; /* node or segment index */
	int line;
	char text[128]; /* as written, for the report */
	char key[32]; /* LINK_SET */
	char value[64];
	int clk; /* NODE_STEP, NODE_FREQ: the clock (-1: the node's) */
	int64_t ival; /* NODE_STEP ns */
	double dval; /* NODE_FREQ fraction */
};

#define SIM_NO_MSG UINT32_MAX

struct sim_msg {
	uint32_t refs; /* copies in flight; 0 = free */
	uint32_t next_free;
	uint16_t len;
	bool event;
	uint16_t src_node, src_port;
	uint8_t buf[1500];
};

struct sim {
	char path[256];
	char name[64];
	uint64_t seed;
	int64_t duration_ns; /* of the run (-d overrides the file's) */
	int nacts_cut; /* events after the end of a shortened run: left out */
	int64_t sample_ns;
	int64_t lock_threshold_ns;
	int64_t lock_hold_ns;
	int64_t transition_ns; /* event report window */
	int64_t settle_ns; /* steady-state statistics start at lock + this */
	int64_t now; /* true time */
	int64_t epoch_ns; /* TAI at true time 0 */
	char start_utc[64]; /* [scenario] start_utc, leapfile as written */
	char leapfile[64];
	bool have_leaps; /* [scenario] leapfile: the world's leap seconds */
	struct leap_table leaps;
	struct sim_heap heap;
	struct sim_node *nodes;
	int nnodes;
	struct sim_seg *segs;
	int nsegs;
	struct sim_action *acts;
	int nacts;
	struct sim_msg *msgs;
	uint32_t nmsgs, free_msg;
	struct sim_expect_global xg;
	/* output */
	FILE *csv;
	int verbose;
	struct sim_node *cur; /* node being run, for log lines */
	/* sampling */
	int npts; /* samples taken */
	int cap_pts;
	bool topo_dirty;
	uint64_t ev_count;
	int err; /* a failure that ends the run (-ENOMEM, a node that cannot
		    start) */
};

/* What the command line adds to a scenario. */
#define SIM_MAX_CMDLINE_OPTS 64
struct sim_load_opts {
	uint64_t seed;
	bool seed_set;
	int64_t duration_ns; /* > 0: run this long instead (-d); events
				after it are left out */
	int n_node_opts;
	const char *node_opts[SIM_MAX_CMDLINE_OPTS]; /* "key=value": as in
							[node *], after it */
};

/* sim_build.c: load and build a scenario.  On bad input, *err holds
 * "file:line: reason" (or "command line: ...") and -EINVAL is
 * returned. */
int sim_load(struct sim *s, const char *path, const struct sim_load_opts *o,
	     char *err, size_t errlen);
void sim_free(struct sim *s);
/* A node's index by name, or -1; a port's index on node n, or -1. */
int sim_find_node(const struct sim *s, const char *name);
int sim_find_port(const struct sim_node *n, const char *name);
/* The transport address of a node's port (its indices; sim_node.c). */
void sim_addr(struct bc_addr *a, int node, int port);
/* A clock's index by name ("phc0".., "sys") on node n, or -1. */
int sim_find_clock(const struct sim_node *n, const char *name);
/* UTC offset (TAI - UTC, s) of the simulated world at TAI time tai_ns:
 * [scenario] leapfile's, or dflt without one. */
int sim_utc_offset_at(const struct sim *s, int64_t tai_ns, int dflt);

/* sim_time.c: the simulated world's timescale ([scenario] start_utc and
 * leapfile: s->epoch_ns, s->leaps) and a node's leapfile option read
 * into its settings as hvptpd does.  Files are found relative to the
 * scenario's directory.  0, or -EINVAL with err "file:line: reason". */
int sim_build_time(struct sim *s, int leap_line, int start_line, char *err,
		   size_t errlen);
/* Read name (relative to the scenario's directory) into buf: its length,
 * or -errno; path gets the file's path (sim_time.c). */
long sim_read_rel(const struct sim *s, const char *name, char *buf,
		  size_t cap, char *path, size_t plen);
/* The node's sa_file read and checked with its ports' spp and
 * active_key_id, as hvptpd does (sim_auth.c); then the core given it with
 * the simulator's MAC (sim_node_auth, at each start). */
int sim_node_sa_file(struct sim_node *n, int line, char *err, size_t errlen);
void sim_node_auth(struct sim_node *n);
int sim_node_leapfile(struct sim_node *n, int line, char *err,
		      size_t errlen);
/* The world's leap seconds: the i-th one's instant (TAI s) and direction;
 * false past the last. */
bool sim_leap_instant(const struct sim *s, int i, int64_t *tai_s, int *dir);

/* sim_clocks.c: a node's clocks from its section (after its settings):
 * PHC groups (phcs), per-clock keys (def: [node *], whose keys for a
 * clock the node lacks are skipped), then the clocks themselves.
 * 0, or -EINVAL with err "file:line: reason". */
struct scn_section;
int sim_node_clock_keys(struct sim_node *n, const struct scn_section *def,
			const struct scn_section *sec, const char *path,
			char *err, size_t errlen);
void sim_node_clocks(struct sim *s, struct sim_node *n);
/* Is every clock's offset within what a reading can hold? */
bool sim_node_offsets_ok(const struct sim_node *n);
/* Is key a clock key (of some clock)? */
bool sim_is_clock_key(const char *key);
/* The node's clock set as hvptpd would have it (node_create). */
int sim_node_clockset(struct sim_node *n);
/* sim_expect.c: [expect] sections into s->xg and each node's exp. */
struct scn_file;
int sim_build_expect(struct sim *s, const struct scn_file *f, char *err,
		     size_t errlen);
/* A link key applied to a model (scenario and LINK_SET events). */
int sim_link_key(struct sim_link_model *m, const char *key,
		 const char *value, char *why, size_t whylen);

/* sim_node.c */
int sim_node_start(struct sim_node *n);
void sim_node_stop(struct sim_node *n);
void sim_node_timer(struct sim_node *n, const struct sim_ev *ev);
void sim_node_deliver(struct sim_node *n, const struct sim_ev *ev);
void sim_node_txts(struct sim_node *n, const struct sim_ev *ev);
void sim_node_summary(struct sim_node *n, const struct sim_ev *ev);
void sim_node_link(struct sim_node *n, int port, bool up);
int64_t sim_node_mono(const struct sim_node *n);
/* Arm one of the node's own timers (an enum exec_timer) at monotonic
 * at_ns: it comes back through sim_node_timer. */
void sim_node_arm(struct sim_node *n, int timer, int64_t at_ns);
/* The discipline of the node's reference clock (a guest's system clock),
 * or NULL while the node is down; that of its clock k. */
struct disc *sim_node_disc(const struct sim_node *n);
struct disc *sim_node_clock_disc(const struct sim_node *n, int k);

/* sim_guest.c: a guest's kvm clock (its host's system clock, once the
 * host's clocks are built) and its follower on its own timer. */
void sim_guest_clock(struct sim_node *n);
int sim_guest_start(struct sim_node *n);
void sim_guest_timer(struct sim_node *n);
void sim_log_sink(int level, const char *line, void *ctx);

/* sim_vmclock.c: a host's TSC (after its clocks), its vmclock publisher
 * (started and stopped with the node, ticking on SIM_EV_VMCLOCK) and a
 * reader's sample of its true error (g: its grandmaster, gm_tai: g's
 * time is TAI). */
void sim_vmclock_host(struct sim *s, struct sim_node *h);
void sim_vmclock_start(struct sim_node *h);
void sim_vmclock_stop(struct sim_node *h);
void sim_vmclock_tick(struct sim_node *h, const struct sim_ev *ev);
void sim_vmclock_sample(struct sim *s, struct sim_node *n,
			struct sim_node *g, bool gm_tai, struct sim_pt *pt);
/* A reader's last page status for the report: "synchronized"... */
const char *sim_vmclock_status(const struct sim_node *n);
/* The first key of a reader's own section that it does not take (it
 * takes vmclock_of, start, lock_threshold, reference), or NULL. */
struct scn_entry;
const struct scn_entry *sim_vmclock_bad_key(const struct scn_section *sec);

/* sim_alarm.c: every up node's alarms (daemon/alarm_eval.h, the
 * daemon's own code and settings) run once a second of its time, each
 * raise and clear recorded with the true time; reported with the node
 * rows; checked against [expect NODE] alarms = "KIND[(SUBJECT)]
 * raised|cleared A..B, ..." (seconds of the run): the node's changes of
 * the kinds named, in order, one for one (in a run shortened by -d, the
 * list's changes whose window ends after the run are left out). */
void sim_alarm_tick(struct sim *s);
void sim_alarm_report(const struct sim *s, FILE *out);
void sim_alarm_free(struct sim_node *n);
/* 0, or -EINVAL with why (the syntax of want). */
int sim_alarm_parse(const char *want, char *why, size_t wl);
/* Does the node's record match want?  got: what it recorded of those
 * kinds, for the report. */
bool sim_alarm_match(const struct sim_node *n, const char *want, char *got,
		     size_t gl);

/* sim_run.c */
enum sim_ev_kind {
	SIM_EV_START,
	SIM_EV_TIMER,
	SIM_EV_DELIVER,
	SIM_EV_TXTS,
	SIM_EV_SAMPLE,
	SIM_EV_ACTION,
	SIM_EV_SUMMARY,
	SIM_EV_VMCLOCK, /* a host's vmclock page update */
};
/* Schedule an event: 0, or -ENOMEM (also left in s->err: a run that
 * lost an event ends). */
int sim_push(struct sim *s, const struct sim_ev *ev);
/* A free message slot, or SIM_NO_MSG when out of memory (s->err set). */
uint32_t sim_msg_alloc(struct sim *s);
void sim_msg_put(struct sim *s, uint32_t idx);
/* 0, -ENOMEM, -E2BIG when the samples would not fit (SIM_MAX_SAMPLES):
 * raise sample, or the error of a node that could not start. */
int sim_run(struct sim *s);

/* sim_truth.c */
void sim_truth_topology(struct sim *s);
void sim_truth_sample(struct sim *s);
/* The results of every node and event: 0 or -ENOMEM. */
int sim_truth_results(struct sim *s);
const char *sim_role(const struct sim *s, const struct sim_node *n);

/* sim_report.c, sim_check.c */
void sim_report(const struct sim *s, FILE *out);
/* sim/sim_status.c: hvptpctl's status and tracking screens of node name
 * now (its core asked as the management socket would).  0, -ENOENT (no
 * such node, or it is down), -ENOMEM. */
int sim_status_print(struct sim *s, const char *name, FILE *out);
/* Evaluate [expect]: 0 all passed, 1 a failure, 3 only expected
 * failures (xfail), 4 all passed, some although marked xfail. */
int sim_check(const struct sim *s, FILE *out);
void sim_csv_header(FILE *f);
void sim_csv_rows(const struct sim *s, FILE *f);

#endif
