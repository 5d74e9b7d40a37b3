/*
 * tests/unit/test_alarm.c — the alarms: the state machine (common/alarm.c)
 * on scripted values (raised after the hold, not on a shorter excursion,
 * cleared after the hold below the hysteresis, unknown never raised and
 * clearing what was raised; event alarms raised at once and cleared a
 * hold after the last event), the host's alarm set on a core
 * (daemon/alarm_eval.c: a follower's time error, a free-running clock not
 * applicable, a port FAULTY, a step, a foreign-master table overflow),
 * the table in
 * HVPTP_ALARMS_NP (active first, a notification carries the one) and the
 * defaults the option table gives.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bc/bmca.h"
#include "common/alarm.h"
#include "config/cfg.h"
#include "daemon/alarm_eval.h"
#include "daemon/settings.h"
#include "tests/unit/mgmt_test.h"

#define S NS_PER_SEC

static const struct alarm_rule level = {
	.mode = ALARM_LEVEL, .bound = 100, .clear_bound = 80, .hold_ns = 10 * S,
};
static const struct alarm_rule event = {
	.mode = ALARM_EVENT, .bound = 1, .hold_ns = 60 * S,
};

/* Feed v once a second from t0 s to t1 s (inclusive); the second of the
 * first change (or -1) and that change. */
static int feed(struct alarm_state *a, const struct alarm_rule *r, bool known,
		double v, int t0, int t1, enum alarm_change *c)
{
	for (int t = t0; t <= t1; t++) {
		enum alarm_change x = alarm_update(a, r, known, v,
						   (int64_t)t * S);

		if (x != ALARM_SAME) {
			*c = x;
			return t;
		}
	}
	return -1;
}

static void test_level_raise_after_hold(void **state)
{
	struct alarm_state a;
	enum alarm_change c = ALARM_SAME;

	(void)state;
	alarm_state_init(&a);
	assert_int_equal(feed(&a, &level, true, 50, 1, 9, &c), -1);
	/* above from 10 s: raised at 20 s, not at 19 s */
	assert_int_equal(feed(&a, &level, true, 150, 10, 40, &c), 20);
	assert_int_equal(c, ALARM_RAISED);
	assert_true(a.active && a.applicable);
	assert_int_equal(a.since_ns, 20 * S);
	assert_int_equal(a.raised, 1);
	assert_true(a.value == 150);
}

static void test_level_short_excursion(void **state)
{
	struct alarm_state a;
	enum alarm_change c = ALARM_SAME;

	(void)state;
	alarm_state_init(&a);
	assert_int_equal(feed(&a, &level, true, 500, 1, 9, &c), -1);
	assert_int_equal(feed(&a, &level, true, 50, 10, 10, &c), -1);
	/* the hold starts again: 11..20 is 9 s */
	assert_int_equal(feed(&a, &level, true, 500, 11, 20, &c), -1);
	assert_false(a.active);
	assert_int_equal(a.raised, 0);
	assert_int_equal(feed(&a, &level, true, 500, 21, 21, &c), 21);
}

static void test_level_clear_after_hold(void **state)
{
	struct alarm_state a;
	enum alarm_change c = ALARM_SAME;

	(void)state;
	alarm_state_init(&a);
	assert_int_equal(feed(&a, &level, true, 150, 0, 10, &c), 10);
	/* under the bound but above 80 %: stays raised */
	assert_int_equal(feed(&a, &level, true, 90, 11, 100, &c), -1);
	assert_true(a.active);
	/* under 80 % for 9 s, a bounce, then 10 s: cleared at 132 s */
	assert_int_equal(feed(&a, &level, true, 70, 101, 110, &c), -1);
	assert_int_equal(feed(&a, &level, true, 95, 111, 111, &c), -1);
	assert_int_equal(feed(&a, &level, true, 70, 122, 140, &c), 132);
	assert_int_equal(c, ALARM_CLEARED);
	assert_false(a.active);
	assert_int_equal(a.since_ns, 132 * S);
}

static void test_unknown_not_raised(void **state)
{
	struct alarm_state a;
	struct alarm_rule off = level;
	enum alarm_change c = ALARM_SAME;

	(void)state;
	alarm_state_init(&a);
	assert_int_equal(feed(&a, &level, false, 1e9, 0, 100, &c), -1);
	assert_false(a.applicable);
	assert_false(a.active);
	/* raised, then the value is unknown: cleared at once, n/a */
	assert_int_equal(feed(&a, &level, true, 150, 101, 120, &c), 111);
	assert_int_equal(feed(&a, &level, false, 150, 121, 121, &c), 121);
	assert_int_equal(c, ALARM_CLEARED);
	assert_false(a.applicable);
	/* known again: the hold starts afresh */
	assert_int_equal(feed(&a, &level, true, 150, 122, 140, &c), 132);
	/* a rule turned off: not applicable, cleared */
	off.off = true;
	assert_int_equal(alarm_update(&a, &off, true, 150, 141 * S),
			 ALARM_CLEARED);
	assert_false(a.applicable);
	assert_int_equal(a.raised, 2);
}

static void test_event_alarm(void **state)
{
	struct alarm_state a;
	enum alarm_change c = ALARM_SAME;

	(void)state;
	alarm_state_init(&a);
	assert_int_equal(feed(&a, &event, true, 0, 0, 9, &c), -1);
	assert_int_equal(feed(&a, &event, true, 1, 10, 10, &c), 10);
	assert_int_equal(c, ALARM_RAISED);
	/* another event at 50 s: the hold counts from it */
	assert_int_equal(feed(&a, &event, true, 0, 11, 49, &c), -1);
	assert_int_equal(feed(&a, &event, true, 2, 50, 50, &c), -1);
	assert_int_equal(feed(&a, &event, true, 0, 51, 200, &c), 110);
	assert_int_equal(c, ALARM_CLEARED);
	assert_int_equal(a.raised, 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(alarm_kind_name(ALARM_TIME_ERROR), "time_error");
	assert_string_equal(alarm_kind_name(ALARM_FOREIGN_MASTER_OVERFLOW),
			    "foreign_master_overflow");
	assert_null(alarm_kind_name(ALARM_KIND_COUNT));
	assert_int_equal(alarm_kind_from_name("holdover"), ALARM_HOLDOVER);
	assert_int_equal(alarm_kind_from_name("nope"), -1);
	assert_string_equal(alarm_kind_unit(ALARM_DRIFT_RATE), "ppb/s");
}

/* The option table's defaults are alarm_cfg_default's. */
static void test_defaults_match_options(void **state)
{
	struct cfg *c = cfg_create();
	struct hvd_settings *s = calloc(1, sizeof(*s));
	struct cfg_error err;
	struct alarm_cfg d;

	(void)state;
	assert_non_null(c);
	assert_non_null(s);
	assert_int_equal(cfg_parse_buffer(c, "t.cfg", "[eth0]\n", 7, &err), 0);
	assert_int_equal(settings_from_cfg(c, s, &err), 0);
	alarm_cfg_default(&d);
	for (int k = 0; k < ALARM_KIND_COUNT; k++) {
		if (s->alarms.bound[k] != d.bound[k] ||
		    s->alarms.hold_s[k] != d.hold_s[k])
			fail_msg("alarm_%s: options %g/%d, default %g/%d",
				 alarm_kind_name((unsigned)k),
				 s->alarms.bound[k], s->alarms.hold_s[k],
				 d.bound[k], d.hold_s[k]);
	}
	free(s);
	cfg_destroy(c);
}

static const struct bc_alarm_info *find(const struct bc_alarm_info *t, int n,
					unsigned kind, const char *subject)
{
	for (int i = 0; i < n; i++) {
		if (t[i].kind == kind && !strcmp(t[i].subject, subject))
			return &t[i];
	}
	return NULL;
}

static struct alarm_set set;
static struct bc_alarm_info tbl[BC_MAX_ALARMS];

static int tick(struct bc *bc, int t, struct alarm_event *ev)
{
	return alarm_set_update(&set, bc, (int64_t)t * S, ev, 32);
}

/* A follower off by 200 us for 10 s raises time_error; a clock that is
 * not adjusted does not apply; a step raises clock_step at once. */
static void test_set_clocks(void **state)
{
	struct bc *bc = one_clock(2);
	struct bc_clock_info f = { .role = BC_CLOCK_FOLLOWER, .adjusted = true,
				   .steered = true, .have_offset = true,
				   .offset_ns = 200000, .have_freq = true,
				   .freq_ppb = 10, .phc_index = -1 };
	struct bc_clock_info fr = f;
	struct alarm_event ev[32];
	struct alarm_cfg cfg;
	const struct bc_alarm_info *a;
	int n, raised_at = -1;

	(void)state;
	snprintf(f.name, sizeof(f.name), "CLOCK_REALTIME");
	snprintf(fr.name, sizeof(fr.name), "/dev/ptp1");
	fr.adjusted = false;
	bc_set_clock_info(bc, 1, &f);
	bc_set_clock_info(bc, 2, &fr);
	alarm_cfg_default(&cfg);
	alarm_set_init(&set, &cfg);
	for (int t = 0; t <= 10; t++) {
		n = tick(bc, t, ev);
		for (int i = 0; i < n; i++) {
			if (set.e[ev[i].slot].kind == ALARM_TIME_ERROR &&
			    ev[i].change == ALARM_RAISED)
				raised_at = t;
		}
	}
	assert_int_equal(raised_at, 10);
	n = alarm_set_export(&set, bc, tbl, BC_MAX_ALARMS);
	a = find(tbl, n, ALARM_TIME_ERROR, "CLOCK_REALTIME");
	assert_non_null(a);
	assert_true(a->active && a->applicable);
	assert_true(a->value == 200000 && a->bound == 100000);
	a = find(tbl, n, ALARM_TIME_ERROR, "/dev/ptp1");
	assert_non_null(a);
	assert_false(a->applicable || a->active);
	/* no slave port: the clock-wide measured alarms do not apply */
	assert_false(find(tbl, n, ALARM_CLOCK_CLASS, "clock")->applicable);
	assert_false(find(tbl, n, ALARM_PATH_DELAY_JUMP, "clock")->applicable);
	/* a step */
	f.steps = 1;
	bc_set_clock_info(bc, 1, &f);
	n = tick(bc, 11, ev);
	assert_int_equal(n, 1);
	assert_int_equal(set.e[ev[0].slot].kind, ALARM_CLOCK_STEP);
	assert_int_equal(ev[0].change, ALARM_RAISED);
	assert_string_equal(alarm_set_subject(&set, bc, ev[0].slot),
			    "CLOCK_REALTIME");
	/* back in: cleared 10 s after it is under 80 % of the bound */
	f.offset_ns = -79000;
	bc_set_clock_info(bc, 1, &f);
	for (int t = 12; t <= 21; t++)
		assert_int_equal(tick(bc, t, ev), 0);
	n = tick(bc, 22, ev);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].change, ALARM_CLEARED);
	assert_int_equal(set.seq, 3);
}

/* A FAULTY port; the table in HVPTP_ALARMS_NP, active first; the
 * notification of one alarm. */
static void test_set_ports_and_mgmt(void **state)
{
	struct bc *bc = one_clock(2);
	struct alarm_event ev[32];
	struct alarm_cfg cfg;
	struct port_identity target = all_target();
	uint8_t buf[PTP_MAX_MSG_LEN];
	const uint8_t *p;
	uint16_t len;
	int n, k;

	(void)state;
	alarm_cfg_default(&cfg);
	cfg.hold_s[ALARM_PORT_FAULTY] = 0;
	alarm_set_init(&set, &cfg);
	assert_int_equal(bc_port_fault(bc, 1, 1 * S, &out), 0);
	n = tick(bc, 1, ev);
	assert_int_equal(n, 1);
	assert_int_equal(set.e[ev[0].slot].kind, ALARM_PORT_FAULTY);
	k = alarm_set_export(&set, bc, tbl, BC_MAX_ALARMS);
	/* 5 clock-wide + 2 ports x 3 (no clocks told) */
	assert_int_equal(k, 5 + 2 * 3);
	bc_set_alarms(bc, tbl, k, set.seq);
	assert_int_equal(bc_alarm_seq(bc), 1);
	p = get1(bc, BC_MID_HVPTP_ALARMS_NP, &len);
	assert_int_equal(len, 4 + k * BC_MGMT_ALARM_REC_LEN);
	assert_int_equal(p[0], k);
	assert_int_equal(p[1], 0);
	/* the first record is the active one */
	assert_int_equal(p[4], ALARM_PORT_FAULTY);
	assert_int_equal(p[5], BC_MGMT_ALARM_ACTIVE | BC_MGMT_ALARM_APPLICABLE);
	assert_int_equal(be32(p + 8), 1);
	assert_string_equal((const char *)p + 12, bc_port_name(bc, 1));
	assert_int_equal(be64(p + 28), 1LL * 65536); /* value: FAULTY */
	assert_int_equal(be64(p + 44), 1 * S);
	/* a not applicable alarm: value 0, flags 0 */
	assert_int_equal(p[4 + BC_MGMT_ALARM_REC_LEN + 1], 0);
	/* the notification of the record at index i: that one, flagged */
	for (int i = 0; i < k; i++) {
		if (!tbl[i].active)
			continue;
		n = bc_mgmt_notification(bc, i, BC_MID_HVPTP_ALARMS_NP, &target,
					 7, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(be16(buf + 52), BC_MID_HVPTP_ALARMS_NP);
		assert_int_equal(buf[54], 1);
		assert_int_equal(buf[55], BC_MGMT_ALARMS_CHANGE);
		assert_int_equal(buf[58], ALARM_PORT_FAULTY);
	}
	assert_int_equal(bc_mgmt_notification(bc, k, BC_MID_HVPTP_ALARMS_NP,
					      &target, 7, buf, sizeof(buf)),
			 -EINVAL);
}

/* Announce messages from more foreign masters than a port's table holds:
 * foreign_master_overflow raised for that port at the next tick, with the
 * overflows so far as its value; cleared a hold after the last. */
static void test_set_fm_overflow(void **state)
{
	struct bc *bc = one_clock(2);
	struct alarm_event ev[32];
	struct alarm_cfg cfg;
	const struct bc_alarm_info *a;
	uint8_t buf[256];
	int n, k;

	(void)state;
	alarm_cfg_default(&cfg);
	alarm_set_init(&set, &cfg);
	bc_actions_init(&out);
	assert_int_equal(bc_start(bc, 1 * S, &out), 0); /* LISTENING */
	assert_int_equal(tick(bc, 1, ev), 0);
	/* each heard twice (a first Announce alone is no record); the
	 * seventeenth is worse than all (its identity) and has no room */
	for (int r = 0; r < 2; r++) {
		for (int i = 0; i <= BMCA_MAX_FOREIGN; i++) {
			int len = net_build_announce(
				buf, sizeof(buf),
				net_pid((uint8_t)(0x20 + i), 1),
				(uint8_t)(0x20 + i), 50, 0, (uint16_t)r, NULL,
				0);

			buf[4] = bc_default_ds(bc)->domain_number;
			bc_actions_init(&out);
			bc_port_rx(bc, 1, buf, (size_t)len,
				   tmv_from_ns(2 * S + r), NULL, 2 * S + r,
				   &out);
		}
	}
	assert_true(bc_port_fm_overflows(bc, 1) >= 1);
	assert_int_equal(bc_port_fm_overflows(bc, 0), 0);
	n = tick(bc, 2, ev);
	assert_int_equal(n, 1);
	assert_int_equal(set.e[ev[0].slot].kind, ALARM_FOREIGN_MASTER_OVERFLOW);
	assert_string_equal(alarm_set_subject(&set, bc, ev[0].slot),
			    bc_port_name(bc, 1));
	k = alarm_set_export(&set, bc, tbl, BC_MAX_ALARMS);
	a = find(tbl, k, ALARM_FOREIGN_MASTER_OVERFLOW, bc_port_name(bc, 1));
	assert_true(a && a->active);
	assert_true(a->value == (double)bc_port_fm_overflows(bc, 1));
	for (int t = 3; t < 62; t++)
		assert_int_equal(tick(bc, t, ev), 0);
	n = tick(bc, 62, ev);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].change, ALARM_CLEARED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_raise_after_hold),
		cmocka_unit_test(test_level_short_excursion),
		cmocka_unit_test(test_level_clear_after_hold),
		cmocka_unit_test(test_unknown_not_raised),
		cmocka_unit_test(test_event_alarm),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defaults_match_options),
		cmocka_unit_test_setup_teardown(test_set_clocks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_ports_and_mgmt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_fm_overflow, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
