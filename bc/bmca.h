/*
 * bc/bmca.h — the best master clock algorithm (IEEE 1588-2019 9.3).
 *
 * Three pure pieces: the data set comparison (9.3.4, including the topology
 * part with its two error cases; and the telecom profiles' alternate one,
 * ITU-T G.8275.1/G.8275.2 6.3), the state decision for one port of a
 * clock with many ports (9.3.3: M1, M2, M3, P1, P2, S1), and the foreign
 * master table with its qualification rule (9.3.2.5: FOREIGN_MASTER_THRESHOLD
 * Announce messages within FOREIGN_MASTER_TIME_WINDOW).  bc/clock.c runs the
 * state decision over all ports once per loop turn.
 */
#ifndef HVPTP_BC_BMCA_H
#define HVPTP_BC_BMCA_H

#include <stdbool.h>
#include <stdint.h>

#include "bc/msg.h"
#include "common/ptp_types.h"

/* The comparison data set of 9.3.4 built from an Announce or
 * from defaultDS (D0). */
struct bmca_dataset {
	uint8_t priority1; /* grandmasterPriority1 */
	struct clock_identity gm_identity; /* grandmasterIdentity */
	struct clock_quality gm_quality; /* grandmasterClockQuality */
	uint8_t priority2; /* grandmasterPriority2 */
	uint16_t steps_removed; /* stepsRemoved */
	struct port_identity sender; /* sourcePortIdentity of the Announce */
	struct port_identity receiver; /* portIdentity of the receiving port */
	/* G.8275.x only: the receiving port's portDS.localPriority (for D0,
	 * defaultDS.localPriority), 1..255, lower is better */
	uint8_t local_priority;
};

/* Results of bmca_compare(a, b). */
enum bmca_cmp {
	BMCA_B_BETTER = -2,
	BMCA_B_BETTER_TOPO = -1,
	BMCA_EQUAL = 0, /* error-2: the same message twice */
	BMCA_A_BETTER_TOPO = 1,
	BMCA_A_BETTER = 2,
	BMCA_ERROR1 = 3, /* receiver == sender: our own message returned */
};

/* Compare per 9.3.4 (Figures 34 and 35).  A NULL operand is an empty set:
 * anything is better than nothing. */
enum bmca_cmp bmca_compare(const struct bmca_dataset *a,
			   const struct bmca_dataset *b);

/* True when a is better or better by topology than b. */
static inline bool bmca_better(const struct bmca_dataset *a,
			       const struct bmca_dataset *b)
{
	enum bmca_cmp r = bmca_compare(a, b);

	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

/*
 * The alternate data set comparison of the telecom profiles (ITU-T
 * G.8275.1 and G.8275.2, clause 6.3.1, Figures 2 and 3; ptp4l's
 * dataset_comparison G.8275.x).  It differs from 9.3.4 in four ways:
 * priority1 is not compared (the profiles fix it at 128); the order is
 * clockClass, clockAccuracy, offsetScaledLogVariance, priority2, then
 * localPriority (of the receiving port, or defaultDS's for D0); the
 * grandmaster identity is compared only for clockClass above 127 (several
 * grandmasters locked to a PRTC of equal quality are equivalent: the
 * nearest one wins, by stepsRemoved and the topology part of 9.3.4); and
 * data sets with the same grandmaster go to the topology part as in 9.3.4.
 */
enum bmca_cmp bmca_compare_g8275(const struct bmca_dataset *a,
				 const struct bmca_dataset *b);

/* One of the two comparisons (bmca_compare, bmca_compare_g8275). */
typedef enum bmca_cmp (*bmca_compare_fn)(const struct bmca_dataset *a,
					 const struct bmca_dataset *b);

enum bmca_decision {
	BMCA_NONE = 0, /* remain LISTENING (no Erbest, state LISTENING) */
	BMCA_M1, /* class 1..127, D0 better than Erbest: MASTER */
	BMCA_M2, /* D0 better than Ebest: MASTER (grandmaster) */
	BMCA_M3, /* Ebest elsewhere and not better by topology: MASTER */
	BMCA_P1, /* class 1..127, Erbest better: PASSIVE */
	BMCA_P2, /* Ebest better by topology than Erbest: PASSIVE */
	BMCA_S1, /* Ebest received on this port: SLAVE */
};
const char *bmca_decision_name(enum bmca_decision d);

/*
 * The state decision for one port (9.3.3, Figure 33).  d0: this clock's
 * data set; ebest: the best over all ports (NULL if none); erbest: this
 * port's best (NULL if none); ebest_here: ebest was received on this port;
 * listening: the port is in LISTENING.
 */
enum bmca_decision bmca_state_decision(const struct bmca_dataset *d0,
				       const struct bmca_dataset *ebest,
				       const struct bmca_dataset *erbest,
				       bool ebest_here, bool listening);
/* The same with the given comparison: the telecom profiles keep Figure
 * 33's flow (G.8275.1 6.3.2) with their own comparison, so a clock of
 * clockClass 1..127 (a T-GM locked to its PRTC) is never a slave (M1/P1)
 * and a second T-GM of the same quality it hears goes PASSIVE. */
enum bmca_decision bmca_state_decision_cmp(bmca_compare_fn cmp,
					   const struct bmca_dataset *d0,
					   const struct bmca_dataset *ebest,
					   const struct bmca_dataset *erbest,
					   bool ebest_here, bool listening);

/* ---- foreign master table (per port) ---- */

#define BMCA_MAX_FOREIGN 16
#define BMCA_MAX_THRESHOLD 8
/* Records one source address may hold: a host announcing from many
 * identities (a flood) takes at most these, and the others stay free for
 * the masters really heard (fm_add). */
#define BMCA_MAX_FOREIGN_PER_ADDR 4

struct fm_record {
	bool used;
	struct port_identity sender; /* sourcePortIdentity */
	struct ptp_header hdr; /* header of the latest Announce */
	struct ptp_announce ann; /* body of the latest Announce */
	struct bc_addr addr; /* where it came from */
	int64_t rx_ns[BMCA_MAX_THRESHOLD]; /* receipt times, ring */
	uint8_t rx_next;
	uint8_t rx_count;
	/* PATH_TRACE of the latest Announce */
	uint8_t path_len;
	struct clock_identity path[PTP_MAX_PATH_TRACE];
};

struct fm_table {
	struct fm_record rec[BMCA_MAX_FOREIGN];
	uint8_t threshold; /* FOREIGN_MASTER_THRESHOLD */
	uint8_t window; /* FOREIGN_MASTER_TIME_WINDOW, announce intervals */
	uint64_t overflows; /* table full: announce dropped */
	uint64_t evictions; /* a record given up for a newcomer (fm_add) */
};

void fm_init(struct fm_table *t, uint8_t threshold, uint8_t window);
void fm_clear(struct fm_table *t);
/*
 * Record an Announce received at now.  Returns the record, or NULL when the
 * table is full.  *is_new tells whether the sender was not known before.
 * A new sender from a source address that already holds
 * BMCA_MAX_FOREIGN_PER_ADDR records replaces that address's least
 * recently heard one; when the table is full, a new sender from another
 * address replaces the least recently heard record of the address holding
 * the most (if that is more than one): so identities announced from one
 * host never keep another host's master out.  Only a record heard fewer
 * than FOREIGN_MASTER_THRESHOLD times is given up (a master that keeps
 * announcing stays, even from the flooding address); with none, the
 * newcomer is dropped as before.  Records without an address
 * (addr NULL or empty) are not grouped: a full table drops the newcomer.
 */
struct fm_record *fm_add(struct fm_table *t, const struct ptp_msg *m,
			 const struct bc_addr *addr, int64_t now, bool *is_new);
/* Forget records with no receipt inside the window (FOREIGN_MASTER_TIME_
 * WINDOW announce intervals: the port's logAnnounceInterval port_log, or the
 * sender's logMessageInterval when that is longer). */
void fm_prune(struct fm_table *t, int64_t now, int8_t port_log);
/* Qualified: at least FOREIGN_MASTER_THRESHOLD receipts inside the window. */
bool fm_qualified(const struct fm_table *t, const struct fm_record *r,
		  int64_t now, int8_t port_log);
struct fm_record *fm_find(struct fm_table *t, const struct port_identity *s);
void fm_remove(struct fm_table *t, const struct port_identity *s);

/* Comparison data set from a record, as received by port `receiver`. */
void fm_dataset(const struct fm_record *r, const struct port_identity *rx,
		struct bmca_dataset *out);

#endif
