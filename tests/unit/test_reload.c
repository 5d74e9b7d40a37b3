/*
 * tests/unit/test_reload.c — what a reload applies (daemon/reload.h) and
 * the core's side of it (bc_reconfigure, bc_port_reconfigure).
 *
 * The table test goes through every implemented option: it changes the
 * option in a file, loads both files into settings as the daemon does,
 * and checks that reload_merge() takes the new settings exactly when the
 * option is live (cfg_option_info.live) and keeps the old ones exactly
 * otherwise.  So an option marked live whose change the merge would drop,
 * or an option not marked live whose change would slip through, fails;
 * and a live option changes a servo's settings exactly when
 * reload_servo_option() says so (the daemon then makes the servos again).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bc/bc.h"
#include "config/cfg.h"
#include "daemon/reload.h"
#include "daemon/settings.h"

/* A base every candidate value is added to: software ports (hardware
 * would need a PHC for some checks), free-running (so that the feeds to
 * chronyd and ntpd are allowed). */
static const char base[] = "[global]\n"
			   "time_stamping software\n"
			   "free_running 1\n"
			   "[eth0]\n"
			   "[eth1]\n";

static struct cfg *load_cfg(const char *text)
{
	struct cfg_error err;
	struct cfg *c = cfg_create();

	assert_non_null(c);
	if (cfg_parse_buffer(c, "t.cfg", text, strlen(text), &err) < 0) {
		cfg_destroy(c);
		return NULL;
	}
	return c;
}

static int load_set(const char *text, struct hvd_settings *s)
{
	struct cfg_error err;
	struct cfg *c = load_cfg(text);
	int rc;

	if (!c)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	rc = settings_from_cfg(c, s, &err);
	cfg_destroy(c);
	return rc;
}

/* Candidate values for option o, other than its default. */
static int candidates(const struct cfg_option_info *o, char out[6][128])
{
	int n = 0;

	/* on, with the table it needs (ends in [global] again) */
	if (!strcmp(o->name, "acceptable_master_table_enabled")) {
		snprintf(out[n++], 128, "1\n[acceptable_master_table]\n"
			 "001122.fffe.334455\n[global]");
		return n;
	}
	switch (o->type) {
	case CFG_INT: {
		long long d = o->def ? strtoll(o->def, NULL, 0) : 0;
		long long v[] = { d + 1, d - 1, o->imin, o->imax, 1, 0 };

		for (int i = 0; i < 6; i++) {
			if (v[i] != d && v[i] >= o->imin && v[i] <= o->imax)
				snprintf(out[n++], 128, "%lld", v[i]);
		}
		break;
	}
	case CFG_DOUBLE: {
		double d = o->def ? strtod(o->def, NULL) : 0;
		double v[] = { d * 2 + 1, d / 2, o->dmin, o->dmax, 0.5 };

		for (int i = 0; i < 5; i++) {
			if (v[i] != d && v[i] >= o->dmin && v[i] <= o->dmax)
				snprintf(out[n++], 128, "%.17g", v[i]);
		}
		break;
	}
	case CFG_ENUM:
		for (const struct cfg_enum_val *e = o->enums; e && e->name &&
							     n < 6; e++) {
			if (!o->def || strcasecmp(e->name, o->def))
				snprintf(out[n++], 128, "%s", e->name);
		}
		break;
	case CFG_STRING:
		snprintf(out[n++], 128, "%s", "/run/hvptp-unit/x");
		snprintf(out[n++], 128, "%s", "127.0.0.1:9999");
		snprintf(out[n++], 128, "%s", "00:11:22");
		snprintf(out[n++], 128, "%s", "x;y;z");
		snprintf(out[n++], 128, "%s", "eth1");
		break;
	}
	return n;
}

static struct hvd_settings s_old, s_new, s_merged;

/* 1: the option's change reached the settings and was checked; 0: no
 * candidate value made a loadable configuration that differs. */
static int check_option(const struct cfg_option_info *o)
{
	char vals[6][128];
	int n = candidates(o, vals);
	char text[1024];

	for (int i = 0; i < n; i++) {
		/* the option in [global] (before the port sections) */
		snprintf(text, sizeof(text),
			 "[global]\ntime_stamping software\nfree_running 1\n"
			 "%s %s\n"
			 "[eth0]\n[eth1]\n", o->name, vals[i]);
		if (load_set(text, &s_new) < 0)
			continue;
		if (!memcmp(&s_new, &s_old, sizeof(s_old)))
			continue; /* no effect on the settings */
		reload_merge(&s_old, &s_new, &s_merged);
		if (o->live && memcmp(&s_merged, &s_new, sizeof(s_new)))
			fail_msg("%s %s is live, but the merge drops it",
				 o->name, vals[i]);
		if (!o->live && memcmp(&s_merged, &s_old, sizeof(s_old)))
			fail_msg("%s %s is not live, but the merge takes it",
				 o->name, vals[i]);
		/* the servos are made again for exactly these */
		if (o->live && reload_servo_option(o->name) !=
				       (memcmp(&s_new.disc, &s_old.disc,
					       sizeof(s_old.disc)) ||
					memcmp(&s_new.follow_disc,
					       &s_old.follow_disc,
					       sizeof(s_old.follow_disc))))
			fail_msg("%s %s: changes a servo's settings, but "
				 "reload_servo_option says %d", o->name,
				 vals[i], reload_servo_option(o->name));
		return 1;
	}
	return 0;
}

static void test_every_option(void **state)
{
	int checked = 0, live = 0, live_checked = 0;

	(void)state;
	assert_int_equal(load_set(base, &s_old), 0);
	for (int k = 0; k < cfg_option_count(); k++) {
		const struct cfg_option_info *o = cfg_option_at(k);
		int c;

		if (!o->implemented || o->deprecated_for)
			continue;
		c = check_option(o);
		checked += c;
		live += o->live;
		live_checked += o->live && c;
		if (o->live && !c)
			fail_msg("live option %s: no value changed the settings",
				 o->name);
	}
	printf("reload: %d options changed and checked, %d of %d live\n",
	       checked, live_checked, live);
	assert_true(checked > 60);
	assert_int_equal(live_checked, live);
}

/* Ports: one that stays keeps its running fields, one new comes as it
 * is, one gone goes; pattern sections likewise. */
static void test_ports(void **state)
{
	(void)state;
	assert_int_equal(load_set("[global]\ntime_stamping software\n"
				  "logSyncInterval -3\n[eth0]\n[eth1]\n"
				  "[vnet*]\n",
				  &s_old), 0);
	s_old.ports[1].clock = 3; /* set by the daemon at start */
	assert_int_equal(load_set("[global]\ntime_stamping software\n"
				  "logSyncInterval -3\n[eth1]\n"
				  "logSyncInterval -1\n[eth2]\n[tap*]\n",
				  &s_new), 0);
	reload_merge(&s_old, &s_new, &s_merged);
	assert_int_equal(s_merged.nports, 2);
	assert_string_equal(s_merged.ports[0].name, "eth1");
	assert_int_equal(s_merged.ports[0].clock, 3);
	assert_int_equal(s_merged.ports[0].log_sync_interval, -1);
	assert_string_equal(s_merged.ports[1].name, "eth2");
	assert_int_equal(s_merged.ntemplates, 1);
	assert_string_equal(s_merged.templates[0].pattern, "tap*");
}

/* reload_diff: a live and a refused change, each told once, a port's own
 * value told with its port. */
struct told {
	int n;
	char what[8][64];
};

static void tell(void *ctx, const struct cfg *was, const char *option,
		 const char *port, bool live)
{
	struct told *t = ctx;

	(void)was;
	if (t->n < 8)
		snprintf(t->what[t->n++], 64, "%s%s%s%s", port ? port : "",
			 port ? "/" : "", option, live ? "" : "!");
}

static void test_diff(void **state)
{
	struct cfg *a = load_cfg("[global]\npriority1 100\n[eth0]\n"
				 "logSyncInterval -2\n[eth1]\n");
	struct cfg *b = load_cfg("[global]\npriority1 90\ndomainNumber 3\n"
				 "[eth0]\nlogSyncInterval -3\n[eth2]\n"
				 "logSyncInterval 1\n");
	struct told t = { 0 };

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(reload_diff(a, NULL, b, tell, &t), 3);
	assert_string_equal(t.what[0], "domainNumber!");
	assert_string_equal(t.what[1], "eth0/logSyncInterval");
	assert_string_equal(t.what[2], "priority1");
	cfg_destroy(a);
	cfg_destroy(b);
}

/* The core: live fields change, the others are refused whole. */
static void test_core(void **state)
{
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[1];
	struct bc_actions acts;
	struct bc *bc;

	(void)state;
	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 1;
	bc_port_cfg_default(&pc[0], "eth0");
	assert_int_equal(bc_create(&bc, &cc, pc, 1), 0);
	bc_actions_init(&acts);
	assert_int_equal(bc_start(bc, 0, &acts), 0);
	cc.priority1 = 7;
	cc.clock_quality.clock_class = 6;
	assert_int_equal(bc_reconfigure(bc, &cc), 0);
	assert_int_equal(bc_default_ds(bc)->priority1, 7);
	assert_int_equal(bc_default_ds(bc)->clock_quality.clock_class, 6);
	cc.domain_number = 4;
	assert_int_equal(bc_reconfigure(bc, &cc), -EOPNOTSUPP);
	assert_int_equal(bc_default_ds(bc)->domain_number, 0);
	pc[0].log_sync_interval = -4;
	bc_actions_init(&acts);
	assert_int_equal(bc_port_reconfigure(bc, 0, &pc[0], 1, &acts), 0);
	assert_int_equal(bc_port_config(bc, 0)->log_sync_interval, -4);
	pc[0].transport_specific = 1;
	assert_int_equal(bc_port_reconfigure(bc, 0, &pc[0], 1, &acts),
			 -EOPNOTSUPP);
	assert_int_equal(bc_port_config(bc, 0)->transport_specific, 0);
	assert_int_equal(bc_port_reconfigure(bc, 5, &pc[0], 1, &acts), -EINVAL);
	bc_destroy(bc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_core),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
