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

/* ---- foreign master table (per port) ----
 *
 * The eviction policy, from the qualification rule of 9.3.2.5 (a sender
 * is considered by the BMCA only after FOREIGN_MASTER_THRESHOLD distinct
 * Announces inside FOREIGN_MASTER_TIME_WINDOW announce intervals), made
 * to hold against a segment where anybody may announce from any number
 * of identities and any (spoofed) source address, at any rate:
 *
 *  1. A sender heard once is not a record.  Its first Announce leaves a
 *     sighting (identity, port, time: 24 bytes) in the clock's sighting
 *     ring (struct fm_seen, FM_SEEN_SLOTS entries, first in first out).
 *     Its next Announce inside the window makes it a record with both
 *     receipts.  An identity that announces once never takes a record,
 *     whatever its quality, so it never displaces anything; a master
 *     heard again before FM_SEEN_SLOTS other new identities were
 *     sighted on the clock's ports is always recognised: at an Announce
 *     interval of 1 s, floods up to 16383 new identities a second do not
 *     delay the real grandmaster by one Announce (its second Announce
 *     qualifies it, as without a flood).  Above that bound it is a
 *     matter of luck; the bound is linear in the ring's size.
 *  2. A table of BMCA_MAX_FOREIGN records keeps the best senders:
 *     a newcomer takes a free record, else a record that is no longer
 *     qualified (the least recently heard), else the record worst by the
 *     data set comparison (9.3.4) if the newcomer is better than it;
 *     else it is refused (overflows) and tries again at its next
 *     Announce.  A qualified record is never given up for a worse or an
 *     unqualified sender, so Erbest, the best qualified master heard,
 *     is never lost to a flood however many identities it has.
 *  3. A source address holds at most BMCA_MAX_FOREIGN_PER_ADDR records: a
 *     newcomer from an address at that many replaces only that address's
 *     records (same order as 2).  A host announcing many better identities
 *     keeps the others' masters recorded (they stay ready for selection).
 *  4. An Announce with the sequenceId of the record's previous one is not
 *     distinct (9.3.2.5): the copy updates nothing and is not counted.
 *  5. A sighting restarts a LISTENING port's announce receipt timeout (as
 *     any Announce did), but not past BMCA_MAX_FOREIGN sightings in a
 *     window (fm_flooded): a flood of identities heard once cannot keep a
 *     port that hears no real master from becoming one.
 *
 * What cannot be given: a sender that really announces twice inside the
 * window is qualified by the standard; if it is better, it is the best
 * master (the authentication TLV and the acceptable master table are the
 * answers to that).  Memory is fixed: the table and the ring never grow.
 */

#define BMCA_MAX_FOREIGN 16
#define BMCA_MAX_THRESHOLD 8
/* Records one source address may hold (rule 3 above). */
#define BMCA_MAX_FOREIGN_PER_ADDR 4
/* Sightings the clock remembers (rule 1); at most 65535. */
#define FM_SEEN_SLOTS 16384
#define FM_SEEN_BUCKETS 4096 /* a power of two */

struct fm_sight {
	struct clock_identity id; /* the sender's sourcePortIdentity */
	int64_t t; /* receipt time */
	uint16_t port_number;
	uint16_t next; /* next in its bucket, FM_SEEN_NONE at the end */
	uint16_t port; /* index of the receiving port */
	bool live;
};

/* The sighting ring, one per clock (allocated with it, touched only as
 * sightings arrive).  The bucket index is a keyed hash, so a sender who
 * does not know the key cannot aim at the grandmaster's bucket (which
 * would only slow the lookup anyway: the ring's order decides). */
struct fm_seen {
	uint64_t key;
	uint16_t head[FM_SEEN_BUCKETS];
	uint16_t next_slot; /* the oldest sighting, overwritten next */
	bool wrapped; /* every slot written since fm_seen_init */
	uint64_t sighted; /* first Announces remembered */
	uint64_t overwritten; /* sightings lost to newer ones unconfirmed */
	struct fm_sight slot[FM_SEEN_SLOTS];
};

void fm_seen_init(struct fm_seen *s, uint64_t key);

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
	uint16_t port; /* index of the port (its sightings' tag) */
	struct fm_seen *seen; /* the clock's sighting ring */
	uint64_t overflows; /* a qualified newcomer refused: no room */
	uint64_t evictions; /* a record given up for a newcomer */
	uint64_t sightings; /* first Announces (not records yet) */
	uint64_t duplicates; /* copies of a record's last Announce */
	int64_t burst_start; /* sightings counted since (fm_flooded) */
	uint32_t burst_n;
};

/* What fm_add did with an Announce. */
enum fm_outcome {
	FM_KNOWN, /* a recorded sender: receipt counted */
	FM_DUPLICATE, /* a recorded sender's last sequenceId again */
	FM_NEW, /* a sender heard again inside the window: now recorded */
	FM_SIGHTED, /* a first receipt: remembered in the ring only */
	FM_REFUSED, /* heard again, but no room (overflows) */
};

/* threshold and window are clamped (1..BMCA_MAX_THRESHOLD, 0 -> 4);
 * seen may be shared by the ports of a clock; port tags its sightings. */
void fm_init(struct fm_table *t, uint8_t threshold, uint8_t window,
	     struct fm_seen *seen, uint16_t port);
void fm_clear(struct fm_table *t);
/*
 * Record an Announce received at now on a port whose logAnnounceInterval
 * is port_log (the policy above).  Returns the sender's record (FM_KNOWN,
 * FM_DUPLICATE, FM_NEW) or NULL (FM_SIGHTED, FM_REFUSED); *how says which.
 * With a threshold of 1 every Announce qualifies and rule 1 is skipped.
 */
struct fm_record *fm_add(struct fm_table *t, const struct ptp_msg *m,
			 const struct bc_addr *addr, int64_t now,
			 int8_t port_log, enum fm_outcome *how);
/* More than BMCA_MAX_FOREIGN first Announces (sightings) inside the last
 * window: identities heard once are flooding the port.  A port in
 * LISTENING restarts its announce receipt timeout for a sighting only
 * while this is false (bc/clock.c), so such a flood cannot keep a port
 * that hears no real master from becoming one. */
bool fm_flooded(const struct fm_table *t);
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
