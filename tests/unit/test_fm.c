/*
 * tests/unit/test_fm.c — the foreign master table of bc/bmca.h: the
 * qualification rule (IEEE 1588-2019 9.3.2.5: FOREIGN_MASTER_THRESHOLD
 * distinct Announces inside FOREIGN_MASTER_TIME_WINDOW), pruning, and the
 * eviction policy under each attacker: identities heard once (better or
 * worse, from one address or each from its own spoofed one), identities
 * that repeat and so qualify (worse, better, from one host or many), a
 * flood from the grandmaster's own address, copies of one Announce, and
 * the sighting ring's bound.  The real grandmaster announces once a second
 * in these tests; the floods send thousands of Announces between two of
 * its Announces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "common/tmv.h"

#define SEC NS_PER_SEC

static struct fm_seen seen; /* the clock's ring (big: static) */

static struct clock_identity cid(uint32_t n)
{
	struct clock_identity c = { { 0x00, 0x1b, 0x21, 0xfe, (uint8_t)(n >> 24),
				      (uint8_t)(n >> 16), (uint8_t)(n >> 8),
				      (uint8_t)n } };

	return c;
}

static struct ptp_msg announce_from(uint32_t clock, int8_t log_interval)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.msg_type = PTP_MSG_ANNOUNCE;
	m.hdr.version = 2;
	m.hdr.source_port_identity.clock_identity = cid(clock);
	m.hdr.source_port_identity.port_number = 1;
	m.hdr.log_msg_interval = log_interval;
	m.body.announce.gm_identity = cid(clock);
	m.body.announce.gm_priority1 = 128;
	m.body.announce.gm_priority2 = 128;
	m.body.announce.gm_clock_quality.clock_class = 6;
	m.body.announce.steps_removed = 0;
	return m;
}

/* A flood identity: n-th of the flood, priority1 1 (better than every
 * grandmaster here) or 250 (worse). */
static struct ptp_msg flood_id(uint32_t n, bool better)
{
	struct ptp_msg m = announce_from(0x40000000u + n, 0);

	m.body.announce.gm_priority1 = better ? 1 : 250;
	return m;
}

static struct bc_addr ip4(uint32_t host)
{
	struct bc_addr a = { .len = 4, .data = { 10, (uint8_t)(host >> 16),
						 (uint8_t)(host >> 8),
						 (uint8_t)host } };

	return a;
}

static void init(struct fm_table *t, uint8_t threshold, uint8_t window)
{
	fm_seen_init(&seen, 42);
	fm_init(t, threshold, window, &seen, 0);
}

/* One more Announce of m (the next sequenceId). */
static enum fm_outcome hear(struct fm_table *t, struct ptp_msg *m,
			    const struct bc_addr *addr, int64_t now,
			    int8_t port_log)
{
	enum fm_outcome how = FM_KNOWN;

	m->hdr.sequence_id++;
	fm_add(t, m, addr, now, port_log, &how);
	return how;
}

static struct fm_record *find(struct fm_table *t, const struct ptp_msg *m)
{
	return fm_find(t, &m->hdr.source_port_identity);
}

static int used(const struct fm_table *t)
{
	int n = 0;

	for (int i = 0; i < BMCA_MAX_FOREIGN; i++)
		n += t->rec[i].used;
	return n;
}

/* The best qualified record, as the state decision picks Erbest. */
static struct fm_record *erbest(struct fm_table *t, int64_t now)
{
	struct port_identity rx = { cid(0x99), 1 };
	struct bmca_dataset best, ds;
	struct fm_record *found = NULL;

	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		if (!fm_qualified(t, &t->rec[i], now, 0))
			continue;
		fm_dataset(&t->rec[i], &rx, &ds);
		if (!found || bmca_better(&ds, &best)) {
			found = &t->rec[i];
			best = ds;
		}
	}
	return found;
}

/* ---- the rule of 9.3.2.5 ---- */

static void test_fm_qualification(void **state)
{
	struct ptp_msg m = announce_from(0x10, 1);
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	init(&t, 2, 4);
	/* the first Announce is a sighting, not a record */
	assert_int_equal(hear(&t, &m, NULL, 100 * SEC, 1), FM_SIGHTED);
	assert_null(find(&t, &m));
	assert_int_equal(t.sightings, 1);
	assert_int_equal(hear(&t, &m, NULL, 102 * SEC, 1), FM_NEW);
	r = find(&t, &m);
	assert_non_null(r);
	assert_true(fm_qualified(&t, r, 102 * SEC, 1));
	/* window: 4 intervals of 2 s = 8 s after the older receipt */
	assert_true(fm_qualified(&t, r, 108 * SEC, 1));
	assert_false(fm_qualified(&t, r, 108 * SEC + 1, 1));
	assert_int_equal(hear(&t, &m, NULL, 104 * SEC, 1), FM_KNOWN);
	/* two receipts more than the window apart do not qualify: the
	 * second is a new sighting */
	init(&t, 2, 4);
	assert_int_equal(hear(&t, &m, NULL, 100 * SEC, 1), FM_SIGHTED);
	assert_int_equal(hear(&t, &m, NULL, 108 * SEC + 1, 1), FM_SIGHTED);
	assert_null(find(&t, &m));
	assert_int_equal(hear(&t, &m, NULL, 109 * SEC, 1), FM_NEW);
	/* exactly at the edge they do */
	init(&t, 2, 4);
	hear(&t, &m, NULL, 100 * SEC, 1);
	assert_int_equal(hear(&t, &m, NULL, 108 * SEC, 1), FM_NEW);
	assert_true(fm_qualified(&t, find(&t, &m), 108 * SEC, 1));
}

static void test_fm_threshold(void **state)
{
	struct ptp_msg m = announce_from(0x10, 0);
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	init(&t, 3, 4);
	hear(&t, &m, NULL, 10 * SEC, 0);
	assert_int_equal(hear(&t, &m, NULL, 11 * SEC, 0), FM_NEW);
	r = find(&t, &m);
	assert_false(fm_qualified(&t, r, 11 * SEC, 0));
	hear(&t, &m, NULL, 12 * SEC, 0);
	assert_true(fm_qualified(&t, r, 12 * SEC, 0));
	/* the oldest of three leaves the 4 s window at 14 s */
	assert_false(fm_qualified(&t, r, 14 * SEC + 1, 0));
	/* fm_init clamps its arguments; a threshold of 1 needs no sighting */
	init(&t, 0, 0);
	assert_int_equal(t.threshold, 1);
	assert_int_equal(t.window, 4);
	assert_int_equal(hear(&t, &m, NULL, 1, 0), FM_NEW);
	assert_true(fm_qualified(&t, find(&t, &m), 1, 0));
	assert_int_equal(t.sightings, 0);
	init(&t, 200, 9);
	assert_int_equal(t.threshold, BMCA_MAX_THRESHOLD);
	assert_int_equal(t.window, 9);
}

static void test_fm_prune(void **state)
{
	struct ptp_msg a = announce_from(0x10, 1), b = announce_from(0x11, 1);
	struct fm_table t;

	(void)state;
	init(&t, 2, 4);
	hear(&t, &a, NULL, 99 * SEC, 1);
	hear(&t, &a, NULL, 100 * SEC, 1);
	hear(&t, &b, NULL, 103 * SEC, 1);
	hear(&t, &b, NULL, 104 * SEC, 1);
	fm_prune(&t, 108 * SEC, 1);
	assert_non_null(find(&t, &a));
	fm_prune(&t, 108 * SEC + 1, 1);
	assert_null(find(&t, &a));
	assert_non_null(find(&t, &b));
	fm_prune(&t, 112 * SEC + 1, 1);
	assert_null(find(&t, &b));
	/* a pruned sender starts over */
	assert_int_equal(hear(&t, &a, NULL, 120 * SEC, 1), FM_SIGHTED);
	assert_int_equal(hear(&t, &a, NULL, 122 * SEC, 1), FM_NEW);
}

static void test_fm_sender_interval(void **state)
{
	struct ptp_msg slow = announce_from(0x10, 3); /* 8 s announces */
	struct ptp_msg fast = announce_from(0x11, -3);
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	init(&t, 2, 4);
	/* port interval 2 s (window 8 s); the sender's 8 s gives 32 s, for
	 * the sighting as for the record */
	hear(&t, &slow, NULL, 100 * SEC, 1);
	assert_int_equal(hear(&t, &slow, NULL, 120 * SEC, 1), FM_NEW);
	r = find(&t, &slow);
	assert_true(fm_qualified(&t, r, 132 * SEC, 1));
	assert_false(fm_qualified(&t, r, 132 * SEC + 1, 1));
	fm_prune(&t, 152 * SEC, 1);
	assert_non_null(find(&t, &slow));
	fm_prune(&t, 152 * SEC + 1, 1);
	assert_null(find(&t, &slow));
	/* a faster sender does not shrink the port's window */
	hear(&t, &fast, NULL, 200 * SEC, 1);
	assert_int_equal(hear(&t, &fast, NULL, 207 * SEC, 1), FM_NEW);
	assert_true(fm_qualified(&t, find(&t, &fast), 208 * SEC, 1));
	/* the same slow sender judged without its own interval */
	slow.hdr.log_msg_interval = 0;
	hear(&t, &slow, NULL, 300 * SEC, 1);
	assert_int_equal(hear(&t, &slow, NULL, 320 * SEC, 1), FM_SIGHTED);
	/* absurd intervals (0x7F) are ignored, not trusted */
	slow.hdr.log_msg_interval = 0x7F;
	assert_int_equal(hear(&t, &slow, NULL, 340 * SEC, 1), FM_SIGHTED);
}

/* Copies of a record's last Announce are not distinct (9.3.2.5): a replay
 * of one Announce a thousand times neither refreshes nor qualifies. */
static void test_fm_duplicate(void **state)
{
	struct ptp_msg m = announce_from(0x10, 0);
	struct fm_table t;
	struct fm_record *r;
	enum fm_outcome how;

	(void)state;
	init(&t, 3, 4);
	hear(&t, &m, NULL, SEC, 0);
	hear(&t, &m, NULL, 2 * SEC, 0);
	r = find(&t, &m);
	for (int i = 0; i < 1000; i++) {
		assert_ptr_equal(fm_add(&t, &m, NULL, 2 * SEC + i, 0, &how), r);
		assert_int_equal(how, FM_DUPLICATE);
	}
	assert_int_equal(t.duplicates, 1000);
	assert_false(fm_qualified(&t, r, 3 * SEC, 0));
	assert_int_equal(hear(&t, &m, NULL, 3 * SEC, 0), FM_KNOWN);
	assert_true(fm_qualified(&t, r, 3 * SEC, 0));
}

static void test_fm_remove_dataset(void **state)
{
	struct ptp_msg m = announce_from(0x10, 1);
	struct port_identity rx = { cid(0x99), 3 }, other = { cid(0x10), 2 };
	struct bmca_dataset d;
	struct fm_table t;
	struct fm_record *r;

	(void)state;
	init(&t, 1, 4);
	m.body.announce.gm_identity = cid(0x05);
	m.body.announce.gm_priority1 = 7;
	m.body.announce.gm_priority2 = 9;
	m.body.announce.gm_clock_quality.clock_class = 6;
	m.body.announce.steps_removed = 4;
	hear(&t, &m, NULL, SEC, 1);
	r = find(&t, &m);
	assert_non_null(r);
	fm_dataset(r, &rx, &d);
	assert_int_equal(d.priority1, 7);
	assert_int_equal(d.priority2, 9);
	assert_int_equal(d.gm_quality.clock_class, 6);
	assert_int_equal(d.steps_removed, 4);
	assert_memory_equal(&d.gm_identity, &m.body.announce.gm_identity, 8);
	assert_true(port_identity_eq(&d.sender, &m.hdr.source_port_identity));
	assert_true(port_identity_eq(&d.receiver, &rx));
	/* removing an unknown sender (same clock, other port) is harmless */
	fm_remove(&t, &other);
	assert_non_null(find(&t, &m));
	fm_remove(&t, &m.hdr.source_port_identity);
	assert_null(find(&t, &m));
	fm_remove(&t, &m.hdr.source_port_identity);
	fm_clear(&t);
	assert_int_equal(used(&t), 0);
}

/* ---- a full table (rule 2) ---- */

/* Sixteen qualified senders of priority1 100 + i: a worse newcomer is
 * refused and tries again at its next Announce; a better one replaces
 * the worst; a record that lapsed (not qualified now) goes first. */
static void test_fm_full(void **state)
{
	struct ptp_msg m[BMCA_MAX_FOREIGN], worse = announce_from(0x80, 0),
					    better = announce_from(0x81, 0);
	struct fm_table t;

	(void)state;
	init(&t, 2, 4);
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		m[i] = announce_from(0x10u + (uint32_t)i, 0);
		m[i].body.announce.gm_priority1 = (uint8_t)(100 + i);
		hear(&t, &m[i], NULL, SEC, 0);
		assert_int_equal(hear(&t, &m[i], NULL, 2 * SEC, 0), FM_NEW);
	}
	worse.body.announce.gm_priority1 = 200;
	hear(&t, &worse, NULL, 2 * SEC, 0);
	assert_int_equal(hear(&t, &worse, NULL, 3 * SEC, 0), FM_REFUSED);
	assert_int_equal(t.overflows, 1);
	assert_int_equal(hear(&t, &worse, NULL, 4 * SEC, 0), FM_REFUSED);
	assert_int_equal(t.overflows, 2);
	assert_int_equal(t.evictions, 0);
	/* known senders still update */
	assert_int_equal(hear(&t, &m[0], NULL, 4 * SEC, 0), FM_KNOWN);
	/* a better newcomer takes the worst (priority1 115) */
	better.body.announce.gm_priority1 = 50;
	hear(&t, &better, NULL, 4 * SEC, 0);
	assert_int_equal(hear(&t, &better, NULL, 5 * SEC, 0), FM_NEW);
	assert_int_equal(t.evictions, 1);
	assert_null(find(&t, &m[BMCA_MAX_FOREIGN - 1]));
	/* at 6.5 s, m[1..14] (heard at 1 and 2 s) are no longer qualified
	 * (window 4 s): the worse newcomer takes one of those, not m[0] (heard
	 * again at 4 and 6 s) nor the better one */
	assert_int_equal(hear(&t, &m[0], NULL, 6 * SEC, 0), FM_KNOWN);
	assert_int_equal(hear(&t, &worse, NULL, 6 * SEC + SEC / 2, 0), FM_NEW);
	assert_int_equal(t.evictions, 2);
	assert_non_null(find(&t, &m[0]));
	assert_non_null(find(&t, &better));
	assert_int_equal(used(&t), BMCA_MAX_FOREIGN);
}

/* ---- attackers ---- */

/* 5000 identities a second, each heard once, each better than the
 * grandmaster and each from its own (spoofed) address; the grandmaster
 * announces once a second from the start of the flood.  It is recorded at
 * its second Announce and is Erbest from then on; no flood identity is
 * ever recorded, nothing is refused or given up. */
static void test_fm_flood_once_better_spoofed(void **state)
{
	struct ptp_msg gm = announce_from(0x01, 0), f;
	struct bc_addr gm_addr = ip4(1), a;
	struct fm_table t;
	int64_t now = 10 * SEC;
	uint32_t n = 0;

	(void)state;
	init(&t, 2, 4);
	for (int s = 0; s < 10; s++) {
		enum fm_outcome how = hear(&t, &gm, &gm_addr, now, 0);

		assert_int_equal(how, s == 0 ? FM_SIGHTED
					     : s == 1 ? FM_NEW : FM_KNOWN);
		for (int i = 0; i < 5000; i++, n++) {
			f = flood_id(n, true);
			a = ip4(1000 + n);
			assert_int_equal(hear(&t, &f, &a, now + i * (SEC / 5000),
					      0),
					 FM_SIGHTED);
		}
		now += SEC;
		if (s >= 1)
			assert_ptr_equal(erbest(&t, now - 1), find(&t, &gm));
	}
	assert_int_equal(used(&t), 1);
	assert_int_equal(t.overflows, 0);
	assert_int_equal(t.evictions, 0);
	assert_int_equal(t.sightings, 50001);
}

/* 5000 worse identities, each repeating once a second (so each
 * qualifies), each from its own address; the grandmaster starts
 * announcing 5 s into the flood (a port that started during it).  It is
 * recorded at its second Announce, is Erbest, and is never given up while
 * the flood goes on; the table stays at its 16 records. */
static void test_fm_flood_worse_repeating(void **state)
{
	struct ptp_msg gm = announce_from(0x01, 0), f[5000];
	struct bc_addr gm_addr = ip4(1), a;
	struct fm_table t;
	int64_t now = 10 * SEC;

	(void)state;
	init(&t, 2, 4);
	for (uint32_t n = 0; n < 5000; n++)
		f[n] = flood_id(n, false);
	for (int s = 0; s < 12; s++) {
		if (s >= 5)
			hear(&t, &gm, &gm_addr, now, 0);
		for (uint32_t n = 0; n < 5000; n++) {
			a = ip4(1000 + n);
			hear(&t, &f[n], &a, now + n * (SEC / 5000), 0);
		}
		now += SEC;
		fm_prune(&t, now, 0);
		if (s >= 6) {
			assert_non_null(find(&t, &gm));
			assert_ptr_equal(erbest(&t, now), find(&t, &gm));
		}
		assert_true(used(&t) <= BMCA_MAX_FOREIGN);
	}
	assert_int_equal(used(&t), BMCA_MAX_FOREIGN);
	assert_true(t.overflows > 0);
}

/* 5000 better identities repeating, all from one host: that host holds at
 * most BMCA_MAX_FOREIGN_PER_ADDR records; the grandmaster on another host
 * is recorded and stays qualified (ready when the impostors stop), though
 * a better sender that really announces is the best master. */
static void test_fm_flood_better_repeating_one_host(void **state)
{
	struct ptp_msg gm = announce_from(0x01, 0), f[5000];
	struct bc_addr gm_addr = ip4(1), host = ip4(66);
	struct fm_table t;
	int64_t now = 10 * SEC;
	int from_host;

	(void)state;
	init(&t, 2, 4);
	for (uint32_t n = 0; n < 5000; n++)
		f[n] = flood_id(n, true);
	for (int s = 0; s < 8; s++) {
		hear(&t, &gm, &gm_addr, now, 0);
		for (uint32_t n = 0; n < 5000; n++)
			hear(&t, &f[n], &host, now + n * (SEC / 5000), 0);
		now += SEC;
		from_host = 0;
		for (int i = 0; i < BMCA_MAX_FOREIGN; i++)
			from_host += t.rec[i].used && t.rec[i].addr.data[3] == 66;
		assert_true(from_host <= BMCA_MAX_FOREIGN_PER_ADDR);
	}
	assert_true(fm_qualified(&t, find(&t, &gm), now - 1, 0));
	assert_int_not_equal(erbest(&t, now - 1), find(&t, &gm));
}

/* The limit, written down: better identities that each announce twice
 * inside the window, from many addresses, are qualified masters by the
 * standard; the table keeps the best sixteen of them (so Erbest is the
 * best sender heard), and the worse grandmaster is given up. */
static void test_fm_flood_better_repeating_spoofed(void **state)
{
	struct ptp_msg gm = announce_from(0x01, 0), f[2000];
	struct bc_addr gm_addr = ip4(1), a;
	struct fm_table t;
	struct fm_record *best;
	int64_t now = 10 * SEC;

	(void)state;
	init(&t, 2, 4);
	for (uint32_t n = 0; n < 2000; n++) {
		f[n] = flood_id(n, true);
		f[n].body.announce.gm_priority2 = (uint8_t)(n % 250);
	}
	for (int s = 0; s < 4; s++) {
		hear(&t, &gm, &gm_addr, now, 0);
		for (uint32_t n = 0; n < 2000; n++) {
			a = ip4(1000 + n);
			hear(&t, &f[n], &a, now + n * (SEC / 2000), 0);
		}
		now += SEC;
	}
	assert_null(find(&t, &gm));
	assert_int_equal(used(&t), BMCA_MAX_FOREIGN);
	best = erbest(&t, now - 1);
	assert_non_null(best);
	/* priority2 0: identities 0, 250, 500, ... the best is 0 */
	assert_memory_equal(&best->sender, &f[0].hdr.source_port_identity,
			    sizeof(best->sender));
	for (int i = 0; i < BMCA_MAX_FOREIGN; i++)
		assert_true(t.rec[i].ann.gm_priority2 <= 1);
}

/* A flood of worse identities from the grandmaster's own (spoofed)
 * address, each repeating: the address holds four records, the flood's
 * newcomers replace only the flood's own, never the better grandmaster. */
static void test_fm_flood_from_gm_address(void **state)
{
	struct ptp_msg gm = announce_from(0x01, 0), f[3000];
	struct bc_addr gm_addr = ip4(1);
	struct fm_table t;
	int64_t now = 10 * SEC;

	(void)state;
	init(&t, 2, 4);
	for (uint32_t n = 0; n < 3000; n++)
		f[n] = flood_id(n, false);
	for (int s = 0; s < 6; s++) {
		hear(&t, &gm, &gm_addr, now, 0);
		for (uint32_t n = 0; n < 3000; n++)
			hear(&t, &f[n], &gm_addr, now + 1 + n * (SEC / 3000),
			     0);
		now += SEC;
		if (s >= 1)
			assert_ptr_equal(erbest(&t, now - 1), find(&t, &gm));
	}
	assert_int_equal(used(&t), BMCA_MAX_FOREIGN_PER_ADDR);
	assert_true(t.overflows > 0);
}

/* The ring's bound, exactly: between the grandmaster's two Announces,
 * FM_SEEN_SLOTS - 1 new identities leave its sighting in place; one more
 * overwrites it, and the grandmaster needs another Announce. */
static void test_fm_seen_bound(void **state)
{
	struct ptp_msg gm = announce_from(0x01, 0), f;
	struct fm_table t;
	uint32_t n = 0;

	(void)state;
	for (int extra = 0; extra < 2; extra++) {
		init(&t, 2, 4);
		hear(&t, &gm, NULL, SEC, 0);
		for (int i = 0; i < FM_SEEN_SLOTS - 1 + extra; i++, n++) {
			f = flood_id(n, true);
			hear(&t, &f, NULL, SEC + 1 + i, 0);
		}
		assert_int_equal(seen.overwritten, extra ? 1 : 0);
		assert_int_equal(hear(&t, &gm, NULL, 2 * SEC, 0),
				 extra ? FM_SIGHTED : FM_NEW);
	}
}

/* fm_flooded: more than BMCA_MAX_FOREIGN sightings inside one window
 * (4 s here); the count starts again after a window. */
static void test_fm_flooded(void **state)
{
	struct fm_table t;
	struct ptp_msg f;

	(void)state;
	init(&t, 2, 4);
	for (uint32_t n = 0; n <= BMCA_MAX_FOREIGN; n++) {
		assert_false(fm_flooded(&t));
		f = flood_id(n, true);
		hear(&t, &f, NULL, SEC + n, 0);
	}
	assert_true(fm_flooded(&t));
	f = flood_id(100, true);
	hear(&t, &f, NULL, 5 * SEC + 1, 0);
	assert_false(fm_flooded(&t));
}

/* Ports share the clock's ring: a sighting on one port does not count on
 * another. */
static void test_fm_ports_apart(void **state)
{
	struct ptp_msg m = announce_from(0x10, 0);
	struct fm_table t0, t1;

	(void)state;
	fm_seen_init(&seen, 7);
	fm_init(&t0, 2, 4, &seen, 0);
	fm_init(&t1, 2, 4, &seen, 1);
	assert_int_equal(hear(&t0, &m, NULL, SEC, 0), FM_SIGHTED);
	assert_int_equal(hear(&t1, &m, NULL, 2 * SEC, 0), FM_SIGHTED);
	assert_int_equal(hear(&t0, &m, NULL, 3 * SEC, 0), FM_NEW);
	assert_int_equal(hear(&t1, &m, NULL, 4 * SEC, 0), FM_NEW);
	/* without a ring (none given) a sender never gets past sighting */
	fm_init(&t0, 2, 4, NULL, 0);
	assert_int_equal(hear(&t0, &m, NULL, 5 * SEC, 0), FM_SIGHTED);
	assert_int_equal(hear(&t0, &m, NULL, 6 * SEC, 0), FM_SIGHTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fm_qualification),
		cmocka_unit_test(test_fm_threshold),
		cmocka_unit_test(test_fm_prune),
		cmocka_unit_test(test_fm_sender_interval),
		cmocka_unit_test(test_fm_duplicate),
		cmocka_unit_test(test_fm_remove_dataset),
		cmocka_unit_test(test_fm_full),
		cmocka_unit_test(test_fm_flood_once_better_spoofed),
		cmocka_unit_test(test_fm_flood_worse_repeating),
		cmocka_unit_test(test_fm_flood_better_repeating_one_host),
		cmocka_unit_test(test_fm_flood_better_repeating_spoofed),
		cmocka_unit_test(test_fm_flood_from_gm_address),
		cmocka_unit_test(test_fm_seen_bound),
		cmocka_unit_test(test_fm_flooded),
		cmocka_unit_test(test_fm_ports_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
