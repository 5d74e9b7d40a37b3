/*
 * tests/unit/test_hvptpctl_live.c — the hvptpctl program (mgmt_ctl_main)
 * against hvptpd's management server (mgmt/uds.c) running in a forked
 * child, which serves the boundary clock of a three-clock network built in
 * the test (deterministic: bc_net.h).
 *
 * Text and JSON output is compared byte for byte with the golden files in
 * tests/golden/ (the temporary directory shows as @DIR@; every JSON
 * document must also parse).  After an intended change of the output,
 * regenerate them from the repository root with
 *     HVPTP_UPDATE_GOLDEN=1 build/tests/test_hvptpctl_live
 * and review the diff (HVPTP_GOLDEN_DIR overrides tests/golden).  Also:
 * the status screen with message rates (pure, from answers one simulated
 * interval apart) and before any sample; exit codes and hints for
 * missing, stale, mute and forbidden sockets and for usage errors; a
 * read-only socket refusing SET; watch printing a port state notification
 * as NDJSON and stopping cleanly on SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "common/alarm.h"
#include "common/hwclock.h"
#include "daemon/executor.h"
#include "mgmt/ctl.h"
#include "mgmt/print.h"
#include "mgmt/uds.h"
#include "servo/servo.h"
#include "vm/hostcheck.h"
#include "tests/unit/hvptpctl_test.h"

/* ---- the program against a live server ---- */

struct fx {
	char dir[64];
	char rw[96], ro[96];
	pid_t server;
	struct bc *bc; /* the boundary clock B served */
};

static struct fx fx;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* B's clocks: port 1 on the uplink NIC's PHC /dev/ptp0 (the reference),
 * port 2 software-timestamped on CLOCK_REALTIME (a follower, steered),
 * /dev/ptp1 measured only (no port, not adjusted: its servo and frequency
 * are not shown).  at_ns 0: no offset age (the golden files stay
 * stable). */
static void set_clocks(struct bc *bc, double te)
{
	struct bc_clock_info ci[3] = {
		{ .name = "/dev/ptp0", .phc_index = 0,
		  .role = BC_CLOCK_REFERENCE, .source = -1, .adjusted = true,
		  .servo_type = SERVO_PI, .servo_state = SERVO_LOCKED,
		  .have_offset = true, .offset_ns = -42, .have_freq = true,
		  .freq_ppb = 12.5, .te_estimate_ns = te, .steps = 1,
		  .lock_applicable = true },
		{ .name = "CLOCK_REALTIME", .phc_index = -1,
		  .role = BC_CLOCK_FOLLOWER, .source = 0, .adjusted = true,
		  .keeps_utc = true, .steered = true, .servo_type = SERVO_PI,
		  .servo_state = SERVO_LOCKED_STABLE, .have_offset = true,
		  .offset_ns = 18, .have_freq = true, .freq_ppb = -3021.125,
		  .read_method = HWCLOCK_READ_EXTENDED, .read_delay_ns = 1234,
		  .te_estimate_ns = te < 0 ? -1.0 : te + 18 + 617, .steps = 1,
		  .readings = 480, .read_errors = 1, .lock_applicable = true },
		{ .name = "/dev/ptp1", .phc_index = 1,
		  .role = BC_CLOCK_FOLLOWER, .source = 0, .adjusted = false,
		  .servo_type = SERVO_PI, .servo_state = SERVO_UNLOCKED,
		  .have_offset = true, .offset_ns = -150000, .freq_ppb = 37.0,
		  .read_method = HWCLOCK_READ_BASIC, .read_delay_ns = 4200,
		  .te_estimate_ns = -1.0 },
	};

	for (int k = 0; k < 3; k++)
		assert_int_equal(bc_set_clock_info(bc, k, &ci[k]), 0);
}

/* Lock histories ending at now (T0: when the core answers in these tests): /dev/ptp0 started
 * 400 s ago, locked after 10 s, lost lock 300 s ago and locked again 12
 * s later; CLOCK_REALTIME locked after 20 s and kept it; /dev/ptp1 has
 * none (not adjusted). */
static void set_locks(struct bc *bc, int64_t now)
{
	struct bc_clock_info ci = *bc_clock_info(bc, 0);

	cm_lockhist_init(&ci.lock);
	cm_lockhist_feed(&ci.lock, false, now - 400 * SEC);
	cm_lockhist_feed(&ci.lock, true, now - 390 * SEC);
	cm_lockhist_feed(&ci.lock, false, now - 300 * SEC);
	cm_lockhist_feed(&ci.lock, true, now - 288 * SEC);
	assert_int_equal(bc_set_clock_info(bc, 0, &ci), 0);
	ci = *bc_clock_info(bc, 1);
	cm_lockhist_init(&ci.lock);
	cm_lockhist_feed(&ci.lock, false, now - 400 * SEC);
	cm_lockhist_feed(&ci.lock, true, now - 380 * SEC);
	assert_int_equal(bc_set_clock_info(bc, 1, &ci), 0);
}

/* What hvptpd found about the host: one finding, one unknown, one ok. */
static void set_host(struct bc *bc)
{
	static const char *const lines[] = {
		"clocksource: tsc: ok, ptp_kvm guests get host time and "
		"cross-timestamps",
		"tsc: unknown (/proc/cpuinfo: Permission denied): cannot tell "
		"whether the TSC stays stable",
		"adjuster: chronyd (pid 812) steers CLOCK_REALTIME: unless "
		"hvptpd leaves that clock alone, the two fight and ptp_kvm "
		"guests see it",
	};
	struct bc_host_info h = {
		.valid = true, .findings = HOSTCHECK_OTHER_ADJUSTER,
		.unknown = HOSTCHECK_TSC_UNSTABLE, .ok = HOSTCHECK_CLOCKSOURCE,
		.nlines = 3,
		.line_check = { HOSTCHECK_ID_CLOCKSOURCE, HOSTCHECK_ID_TSC,
				HOSTCHECK_ID_ADJUSTER },
	};

	for (int i = 0; i < 3; i++)
		snprintf(h.lines[i], sizeof(h.lines[i]), "%s", lines[i]);
	bc_set_host_info(bc, &h);
}

/* A -- B (2 ports) -- C: B's port 1 SLAVE, port 2 MASTER, a few drops, a
 * servo status, B's clocks and host checks; everything deterministic. */
static struct bc *bc_network(void)
{
	struct bc_servo_status st = {
		.valid = true, .offset_ns = -42, .path_delay_ns = NET_DELAY,
		.freq_ppb = 12.5, .state = 2, .te_estimate_ns = -1.0,
		.steps = 1, .at_ns = 0,
	};
	const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x10, 0x0b };
	const uint8_t ip[4] = { 192, 0, 2, 11 };
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	int segs[2] = { 0, 1 }, seg1 = 1, b;
	uint8_t junk[12] = { 0 };

	net_add_simple(&net, 0xA, 100, 0, 1000);
	net_clock_cfg(&cc, 0xB, 128);
	net_port_cfgs(pc, 2);
	pc[0].clock = 0; /* /dev/ptp0 */
	pc[0].phc_index = 0;
	pc[0].hw_timestamping = true;
	pc[1].clock = 1; /* CLOCK_REALTIME */
	b = net_add(&net, &cc, pc, 2, segs, -3000);
	net_clock_cfg(&cc, 0xC, 200);
	net_add(&net, &cc, pc, 1, &seg1, 0);
	net_start(&net);
	net_run(&net, 30 * SEC);
	net_servo(&net, b, BC_SERVO_LOCKED);
	net_run(&net, 2 * SEC);
	net_inject(&net, b, 1, junk, sizeof(junk));
	bc_set_servo_status(net.n[b].bc, &st);
	set_clocks(net.n[b].bc, -1.0);
	set_host(net.n[b].bc);
	bc_mgmt_set_port_address(net.n[b].bc, 0, mac, ip);
	assert_int_equal(net_state(&net, b, 0), PS_SLAVE);
	assert_int_equal(net_state(&net, b, 1), PS_MASTER);
	return net.n[b].bc;
}

/* The child: serve bc on fx.rw/fx.ro; with event, take port 2's link
 * down once somebody subscribed. */
static int null_send(void *ctx, int port, bool event, enum bc_dest dest,
		     const struct bc_addr *addr, const uint8_t *buf, size_t len,
		     uint32_t token)
{
	(void)ctx, (void)port, (void)event, (void)dest, (void)addr;
	(void)buf, (void)len, (void)token;
	return 0;
}

static void null_arm(void *ctx, int port, int t, int64_t at)
{
	(void)ctx, (void)port, (void)t, (void)at;
}

static void null_stop(void *ctx, int port, int t)
{
	(void)ctx, (void)port, (void)t;
}

static void serve(struct bc *bc, bool event)
{
	struct mgmt_uds_cfg cfg = {
		.rw_path = fx.rw, .ro_path = fx.ro, .rw_mode = 0660,
		.ro_mode = 0666,
	};
	struct exec_platform plat = {
		.send = null_send,
		.timer_arm = null_arm,
		.timer_stop = null_stop,
	};
	static struct exec ex;
	struct hvd_service svc;
	struct mgmt_uds *u;
	int64_t end = mono_ns() + 60 * SEC;
	bool done = false;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	cm_log_set_level(CM_LOG_ERR);
	exec_init(&ex, bc, NULL, &plat, 0);
	if (mgmt_uds_open(&u, &ex, &cfg) < 0)
		_exit(1);
	mgmt_uds_service(u, &svc);
	while (mono_ns() < end) {
		struct pollfd p[4];
		int n = svc.ops->fds(svc.ctx, p, 4);
		int64_t now;

		poll(p, (nfds_t)n, 10);
		now = mono_ns();
		svc.ops->handle(svc.ctx, p, n, now);
		svc.ops->tick(svc.ctx, now);
		if (event && !done && mgmt_uds_subscribers(u) > 0) {
			struct bc_actions a;

			bc_actions_init(&a);
			bc_port_link(bc, 1, false, now, &a);
			for (int i = 0; i < a.n; i++) {
				if (a.a[i].type == BC_ACT_STATE_CHANGED)
					svc.ops->on_state(svc.ctx, a.a[i].port,
						     a.a[i].u.state.from,
						     a.a[i].u.state.to,
						     a.a[i].u.state.event);
			}
			done = true;
		}
	}
	_exit(0);
}

static void server_start(bool event)
{
	struct stat st;

	fx.server = fork();
	assert_true(fx.server >= 0);
	if (fx.server == 0)
		serve(fx.bc, event);
	for (int i = 0; i < 500; i++) {
		if (stat(fx.rw, &st) == 0 && stat(fx.ro, &st) == 0)
			return;
		usleep(10000);
	}
	fail_msg("the management server did not start");
}

static int live_setup(void **state)
{
	setup(state);
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/hvctl-test.XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	snprintf(fx.rw, sizeof(fx.rw), "%s/rw.sock", fx.dir);
	snprintf(fx.ro, sizeof(fx.ro), "%s/ro.sock", fx.dir);
	fx.bc = bc_network();
	fx.server = 0;
	return 0;
}

static int live_teardown(void **state)
{
	char cmd[160];

	if (fx.server > 0) {
		kill(fx.server, SIGKILL);
		waitpid(fx.server, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", fx.dir);
	return teardown(state);
}

struct run {
	int code;
	char *out, *err;
	size_t olen, elen;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Replace every fx.dir in s by @DIR@ (in place: shorter or equal). */
static void normalize(char *s)
{
	size_t n = strlen(fx.dir);
	char *p;

	while ((p = strstr(s, fx.dir))) {
		memcpy(p, "@DIR@", 5);
		memmove(p + 5, p + n, strlen(p + n) + 1);
	}
}

/* hvptpctl ARGS... (NULL-terminated) in this process. */
static void run_ctl(struct run *r, ...)
{
	char *argv[32] = { "hvptpctl" };
	int argc = 1;
	FILE *o, *e;
	va_list ap;

	va_start(ap, r);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	o = open_memstream(&r->out, &r->olen);
	e = open_memstream(&r->err, &r->elen);
	assert_non_null(o);
	assert_non_null(e);
	r->code = mgmt_ctl_main(argc, argv, o, e);
	fclose(o);
	fclose(e);
	normalize(r->out);
	normalize(r->err);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	n = (size_t)getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n == (size_t)-1) {
		free(buf);
		return strdup("");
	}
	return buf;
}

/* Compare text with tests/golden/name (or write it: HVPTP_UPDATE_GOLDEN). */
static void golden(const char *name, const char *text)
{
	const char *dir = getenv("HVPTP_GOLDEN_DIR");
	char path[512], *want;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/golden",
		 name);
	if (getenv("HVPTP_UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		return;
	}
	want = slurp(path);
	if (!want)
		fail_msg("%s: missing (run from the repository root, or "
			 "HVPTP_UPDATE_GOLDEN=1 to create it)", path);
	if (strcmp(want, text) != 0) {
		const char *a = want, *b = text;
		int line = 1;

		while (*a && *a == *b) {
			line += *a == '\n';
			a++, b++;
		}
		fprintf(stderr, "%s differs at line %d:\n--- want:\n%.200s\n"
			"--- got:\n%.200s\n", path, line, a, b);
		free(want);
		fail_msg("%s: output differs from the golden file", name);
	}
	free(want);
}

/* Every JSON document must parse (json-c) and be one object. */
static void assert_json_object(const char *text)
{
	json_object *j = json_tokener_parse(text);

	assert_non_null(j);
	assert_true(json_object_is_type(j, json_type_object));
	json_object_put(j);
}

/* A live server's ports changed state at times of the simulated network
 * and hvptpctl reads its own CLOCK_MONOTONIC: their ages mean nothing and
 * change from run to run, so "state_age_s": N reads "state_age_s": 0; the
 * server answers HVPTP_LOCK_HISTORY_NP at its CLOCK_MONOTONIC, so its
 * answer_monotonic_ns reads 0 too (text and JSON). */
static void mask_ages(char *text)
{
	static const char *const pats[] = {
		"\"state_age_s\": ([0-9.]+)",
		"answer_monotonic_ns\"?:? +([0-9]+)",
	};
	regex_t re;
	regmatch_t m[2];

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		char *p = text;

		assert_int_equal(regcomp(&re, pats[i], REG_EXTENDED), 0);
		while (regexec(&re, p, 2, m, 0) == 0) {
			p[m[1].rm_so] = '0';
			memmove(p + m[1].rm_so + 1, p + m[1].rm_eo,
				strlen(p + m[1].rm_eo) + 1);
			p += m[1].rm_so + 1;
		}
		regfree(&re);
	}
}

static void check_golden(const char *name, int code, ...)
{
	char file[128];
	struct run r;
	va_list ap;
	char *argv[16] = { NULL };
	int n = 0;

	va_start(ap, code);
	while (n < 15 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	memset(&r, 0, sizeof(r));
	run_ctl(&r, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
		argv[6], argv[7], argv[8], argv[9], argv[10], argv[11],
		argv[12], argv[13], argv[14], NULL);
	if (r.code != code)
		fail_msg("%s: exit %d, want %d; stderr: %s", name, r.code, code,
			 r.err);
	snprintf(file, sizeof(file), "%s", name);
	mask_ages(r.out);
	golden(file, r.out);
	if (strstr(name, ".json"))
		assert_json_object(r.out);
	run_free(&r);
}

static void test_live_get(void **state)
{
	(void)state;
	server_start(false);
	check_golden("get_default_ds.txt", 0, "-s", fx.rw, "get",
		     "DEFAULT_DATA_SET", NULL);
	check_golden("get_default_ds.json", 0, "-s", fx.rw, "--json", "get",
		     "default_data_set", NULL);
	check_golden("get_port_ds.txt", 0, "-s", fx.rw, "get", "PORT_DATA_SET",
		     NULL);
	check_golden("get_port_ds.json", 0, "-s", fx.rw, "get", "PORT_DATA_SET",
		     "all", "-j", NULL);
	check_golden("get_parent_ds.txt", 0, "-s", fx.ro, "get",
		     "PARENT_DATA_SET", NULL);
	check_golden("get_clock_description.txt", 0, "-s", fx.rw, "get",
		     "CLOCK_DESCRIPTION", "1", NULL);
	check_golden("get_clock_description.json", 0, "-s", fx.rw, "-j", "get",
		     "CLOCK_DESCRIPTION", "1", NULL);
	check_golden("get_port_stats.txt", 0, "-s", fx.rw, "get",
		     "PORT_STATS_NP", "2", NULL);
	check_golden("get_servo.txt", 0, "-s", fx.rw, "get",
		     "HVPTP_SERVO_STATUS_NP", NULL);
	check_golden("get_servo.json", 0, "-s", fx.rw, "--json", "get",
		     "0xD000", NULL);
	check_golden("get_drops.txt", 0, "-s", fx.rw, "get",
		     "HVPTP_PORT_DROPS_NP", "2", NULL);
	check_golden("get_drops.json", 0, "-s", fx.rw, "--json", "get",
		     "HVPTP_PORT_DROPS_NP", NULL);
	check_golden("get_time_status.json", 0, "-s", fx.rw, "--json", "get",
		     "TIME_STATUS_NP", NULL);
	check_golden("get_no_layout.json", 1, "-s", fx.rw, "--json", "get",
		     "0x7777", NULL);
	check_golden("get_clocks.txt", 0, "-s", fx.ro, "get",
		     "HVPTP_CLOCKS_NP", NULL);
	check_golden("get_clocks.json", 0, "-s", fx.ro, "--json", "get",
		     "hvptp_clocks_np", NULL);
	check_golden("get_lock_history.txt", 0, "-s", fx.ro, "get",
		     "HVPTP_LOCK_HISTORY_NP", NULL);
	check_golden("get_lock_history.json", 0, "-s", fx.ro, "--json", "get",
		     "hvptp_lock_history_np", NULL);
	check_golden("get_host.txt", 0, "-s", fx.ro, "get", "HVPTP_HOST_NP",
		     NULL);
	check_golden("get_host.json", 0, "-s", fx.ro, "--json", "get",
		     "0xD003", NULL);
	check_golden("get_port_hwclock.txt", 0, "-s", fx.rw, "get",
		     "PORT_HWCLOCK_NP", NULL);
	check_golden("get_port_hwclock.json", 0, "-s", fx.rw, "--json", "get",
		     "PORT_HWCLOCK_NP", "2", NULL);
	/* the read-only socket refuses it, as linuxptp 4.4's: exit 1 */
	check_golden("get_ro_refused.json", 1, "-s", fx.ro, "--json", "get",
		     "PORT_HWCLOCK_NP", NULL);
}

static void test_live_set(void **state)
{
	(void)state;
	server_start(false);
	check_golden("set_priority2.txt", 0, "-s", fx.rw, "set", "PRIORITY2",
		     "priority2=111", NULL);
	check_golden("set_gm_settings.json", 0, "-s", fx.rw, "--json", "set",
		     "GRANDMASTER_SETTINGS_NP", "time_source=GNSS",
		     "current_utc_offset_valid=off", NULL);
	check_golden("set_port_ds_np.json", 0, "-s", fx.rw, "--json", "set",
		     "PORT_DATA_SET_NP", "2",
		     "neighbor_prop_delay_thresh_ns=800", NULL);
	check_golden("get_priority2_after.txt", 0, "-s", fx.ro, "get",
		     "PRIORITY2", NULL);
	/* the read-only socket refuses: exit 1, an error document */
	check_golden("set_ro_refused.json", 1, "-s", fx.ro, "--json", "set",
		     "PRIORITY1", "priority1=1", NULL);
	check_golden("set_not_settable.txt", 1, "-s", fx.rw, "set",
		     "DOMAIN", "domain_number=3", NULL);
	/* a COMMAND: port 2 out of service, then back; refused read-only */
	check_golden("cmd_disable_port.txt", 0, "-s", fx.rw, "cmd",
		     "DISABLE_PORT", "2", NULL);
	check_golden("cmd_disabled_state.json", 0, "-s", fx.ro, "--json", "get",
		     "PORT_DATA_SET", "2", NULL);
	check_golden("cmd_ro_refused.txt", 1, "-s", fx.ro, "cmd",
		     "ENABLE_PORT", "2", NULL);
	check_golden("cmd_enable_port.json", 0, "-s", fx.rw, "--json", "cmd",
		     "ENABLE_PORT", "2", NULL);
}

static void test_live_status(void **state)
{
	(void)state;
	server_start(false);
	check_golden("status.txt", 0, "-s", fx.ro, "status", "-i", "0", NULL);
	check_golden("status.json", 0, "-s", fx.ro, "status", "--interval=0",
		     "--json", NULL);
}

/* The answers status asks for, from the core in the test: stats0 now,
 * stats1 after dt of simulated time. */
#define NQ 16
/* An active alarm, one not raised, one that does not apply. */
static const struct bc_alarm_info alarms_live[3] = {
	{ .kind = ALARM_TIME_ERROR, .applicable = true, .active = true,
	  .subject = "/dev/ptp0", .value = 153000, .bound = 100000,
	  .since_ns = 3 * NS_PER_SEC, .raised = 1, .seq = 1 },
	{ .kind = ALARM_PORT_FAULTY, .applicable = true, .subject = "eth0",
	  .bound = 1, .since_ns = 2 * NS_PER_SEC, .raised = 1, .seq = 2 },
	{ .kind = ALARM_HOLDOVER, .subject = "clock", .bound = 1 },
};
static void status_answers(struct mgmt_replies **q, int64_t dt)
{
	static const uint16_t ids[NQ] = {
		BC_MID_DEFAULT_DATA_SET, BC_MID_CURRENT_DATA_SET,
		BC_MID_PARENT_DATA_SET, BC_MID_HVPTP_SERVO_STATUS_NP,
		BC_MID_PORT_PROPERTIES_NP, BC_MID_PORT_STATS_NP,
		BC_MID_PORT_STATS_NP, BC_MID_HVPTP_PORT_DROPS_NP,
		BC_MID_HVPTP_CLOCKS_NP, BC_MID_HVPTP_HOST_NP,
		BC_MID_PORT_HWCLOCK_NP, BC_MID_TIME_PROPERTIES_DATA_SET,
		BC_MID_PATH_TRACE_LIST, BC_MID_HVPTP_PORT_STATUS_NP,
		BC_MID_HVPTP_LOCK_HISTORY_NP,
		BC_MID_HVPTP_ALARMS_NP,
	};

	for (int i = 0; i < NQ; i++) {
		q[i] = calloc(1, sizeof(*q[i]));
		assert_non_null(q[i]);
		if (i == 6)
			net_run(&net, dt);
		ask_replies(fx.bc, PTP_MGMT_GET, ids[i], BC_MGMT_ALL_PORTS,
			    NULL, 0, q[i]);
	}
}

static double treal(const struct mgmt_tree *t, int obj, const char *path)
{
	int i = mgmt_tree_get(t, obj, path);

	assert_true(i >= 0);
	assert_int_equal(t->node[i].kind, MV_REAL);
	return t->node[i].v.d;
}

/* Print t as text and JSON and compare with the golden files. */
static void status_goldens(const struct mgmt_tree *t, const char *txt,
			   const char *json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(mgmt_status_print_text(f, t), 0);
	fclose(f);
	golden(txt, text);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(mgmt_print_json(f, t, 0, true), 0);
	fclose(f);
	golden(json, text);
	assert_json_object(text);
	free(text);
}

/* The status screen with message rates and a sample age, built from a
 * core's answers 4 simulated seconds apart (pure: no sockets). */
static void test_status_rates(void **state)
{
	struct bc_servo_status st = *bc_get_servo_status(fx.bc);
	struct mgmt_status_in in;
	struct mgmt_replies *q[NQ];
	struct mgmt_tree *t = mgmt_tree_new();
	struct bc_clock_info ci;
	int ports, p1, p2, clocks;

	(void)state;
	st.at_ns = 5 * SEC;
	st.te_estimate_ns = 1500.0;
	bc_set_servo_status(fx.bc, &st);
	set_clocks(fx.bc, 1500.0);
	bc_set_alarms(fx.bc, alarms_live, 3, 2);
	for (int k = 0; k < 3; k++) {
		ci = *bc_clock_info(fx.bc, k);
		ci.at_ns = (4 + k) * SEC;
		bc_set_clock_info(fx.bc, k, &ci);
	}
	status_answers(q, 4 * SEC);
	in = (struct mgmt_status_in){
		.dds = q[0], .cur = q[1], .parent = q[2], .servo = q[3],
		.props = q[4], .stats0 = q[5], .stats1 = q[6], .drops = q[7],
		.clocks = q[8], .host = q[9], .hwclock = q[10], .tp = q[11],
		.path = q[12], .pstatus = q[13], .locks = q[14],
		.alarms = q[15],
		.interval_s = 4.0, .now_mono_ns = 6500 * NS_PER_MS,
	};
	mgmt_tree_int(t, 0, "schema_version", MGMT_CTL_SCHEMA_VERSION);
	mgmt_tree_str(t, 0, "command", "status");
	mgmt_tree_str(t, 0, "socket", MGMT_CLIENT_DEFAULT_SOCKET);
	assert_int_equal(mgmt_status_build(t, &in), 0);
	status_goldens(t, "status_rates.txt", "status_rates.json");
	/* Sync every second on both ports (logSyncInterval 0), Announce
	 * every 2 s (logAnnounceInterval 1) */
	ports = mgmt_tree_get(t, 0, "ports");
	p1 = mgmt_tree_child(t, ports, 0);
	p2 = mgmt_tree_child(t, ports, 1);
	assert_true(treal(t, p1, "rx_sync_per_s") == 1.0);
	assert_true(treal(t, p2, "tx_sync_per_s") == 1.0);
	assert_true(treal(t, p1, "rx_announce_per_s") == 0.5);
	assert_true(treal(t, 0, "clock.servo.sample_age_s") == 1.5);
	assert_string_equal(mgmt_tree_get_str(t, p1, "peer"),
			    "02005e.fffe.00100a-1");
	assert_int_equal(t->node[mgmt_tree_get(t, p2, "peer")].kind, MV_NULL);
	/* the clock tree: ages, ports matched through PORT_HWCLOCK_NP */
	clocks = mgmt_tree_get(t, 0, "clock_tree.clocks");
	assert_true(treal(t, mgmt_tree_child(t, clocks, 0), "offset_age_s") ==
		    2.5);
	assert_true(treal(t, mgmt_tree_child(t, clocks, 2), "offset_age_s") ==
		    0.5);
	for (int k = 0; k < 3; k++) {
		int pn = mgmt_tree_member(t, mgmt_tree_child(t, clocks, k),
					  "port_numbers");
		int64_t v = -1;

		assert_int_equal(t->node[pn].nchild, k < 2 ? 1 : 0);
		if (k < 2) {
			assert_true(mgmt_tree_as_int(t, mgmt_tree_child(t, pn,
									0),
						     &v));
			assert_int_equal(v, k + 1); /* port 1: ptp0, 2: RT */
		}
	}
	mgmt_tree_free(t);
	for (int i = 0; i < NQ; i++)
		free(q[i]);
}

/* Before the servo's first sample (a grandmaster never takes one) the
 * daemon's initial status says 0 for the frequency and the time-error
 * estimate: the screen says unknown.  A reference hvptpd does not adjust
 * shows its servo as measured only and no frequency. */
static void test_status_no_sample(void **state)
{
	struct bc_servo_status st = { .te_estimate_ns = 0.0 };
	struct mgmt_replies *q[NQ];
	struct mgmt_status_in in;
	struct mgmt_tree *t = mgmt_tree_new();
	struct bc_clock_info ci;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	bc_set_servo_status(fx.bc, &st);
	status_answers(q, 0);
	in = (struct mgmt_status_in){
		.dds = q[0], .cur = q[1], .parent = q[2], .servo = q[3],
		.props = q[4], .drops = q[7], .clocks = q[8], .host = q[9],
		.hwclock = q[10], .tp = q[11], .path = q[12], .pstatus = q[13],
		.alarms = q[15],
	};
	assert_int_equal(mgmt_status_build(t, &in), 0);
	f = open_memstream(&text, &len);
	assert_int_equal(mgmt_status_print_text(f, t), 0);
	fclose(f);
	assert_non_null(strstr(text, "\nservo          pi, UNLOCKED, no "
				     "sample yet\n"));
	assert_non_null(strstr(text, "\nfrequency      unknown\n"));
	/* a slave port before its first sample: currentDS's 0 is none */
	assert_non_null(strstr(text, "\noffset         - (no sample yet)\n"));
	assert_non_null(strstr(text, "\npath delay     - (no sample yet)\n"));
	assert_true(tnull(t, "clock.offset_from_master_ns"));
	assert_non_null(strstr(text, "\ntime error     unknown\n"));
	free(text);
	for (int i = 0; i < NQ; i++)
		free(q[i]);
	/* the reference not adjusted */
	ci = *bc_clock_info(fx.bc, 0);
	ci.adjusted = false;
	bc_set_clock_info(fx.bc, 0, &ci);
	st.valid = true;
	st.freq_ppb = 3.5; /* a free-running estimate */
	bc_set_servo_status(fx.bc, &st);
	status_answers(q, 0);
	in.dds = q[0], in.cur = q[1], in.parent = q[2], in.servo = q[3];
	in.props = q[4], in.drops = q[7], in.clocks = q[8], in.host = q[9];
	in.hwclock = q[10], in.tp = q[11], in.path = q[12];
	in.pstatus = q[13];
	in.alarms = q[15];
	mgmt_tree_reset(t);
	assert_int_equal(mgmt_status_build(t, &in), 0);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(mgmt_status_print_text(f, t), 0);
	fclose(f);
	assert_non_null(strstr(text, "\nservo          pi, measured only (not "
				     "adjusted)"));
	assert_non_null(strstr(text, "\ndiscipline     free-running: "
				     "/dev/ptp0 is measured, never adjusted "
				     "(free_running)\n"));
	assert_non_null(strstr(text, "\nfrequency      not applied\n"));
	assert_non_null(strstr(text, "\n/dev/ptp0       reference, measured "
				     "only  not applied "));
	free(text);
	mgmt_tree_free(t);
	for (int i = 0; i < NQ; i++)
		free(q[i]);
}

/* Build status from the core's answers now (pure) and print status and
 * tracking, text and JSON, against the goldens name_*. */
static void status_tracking_goldens(int64_t now, const char *name)
{
	struct mgmt_replies *q[NQ];
	struct mgmt_tree *t = mgmt_tree_new(), *tk = mgmt_tree_new();
	struct mgmt_status_in in;
	char txt[64], json[64];
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	status_answers(q, 0);
	in = (struct mgmt_status_in){
		.dds = q[0], .cur = q[1], .parent = q[2], .servo = q[3],
		.props = q[4], .drops = q[7], .clocks = q[8], .host = q[9],
		.hwclock = q[10], .tp = q[11], .path = q[12], .pstatus = q[13],
		.locks = q[14], .now_mono_ns = now,
		.wall_ns = 1796601600LL * SEC, /* 2026-12-07T00:00:00Z */
		.alarms = q[15],
	};
	mgmt_tree_int(t, 0, "schema_version", MGMT_CTL_SCHEMA_VERSION);
	mgmt_tree_str(t, 0, "command", "status");
	mgmt_tree_str(t, 0, "socket", MGMT_CLIENT_DEFAULT_SOCKET);
	assert_int_equal(mgmt_status_build(t, &in), 0);
	snprintf(txt, sizeof(txt), "status_%s.txt", name);
	snprintf(json, sizeof(json), "status_%s.json", name);
	status_goldens(t, txt, json);
	mgmt_tree_int(tk, 0, "schema_version", MGMT_CTL_SCHEMA_VERSION);
	mgmt_tree_str(tk, 0, "command", "tracking");
	mgmt_tree_str(tk, 0, "socket", MGMT_CLIENT_DEFAULT_SOCKET);
	assert_int_equal(mgmt_tracking_build(tk, t), 0);
	f = open_memstream(&text, &len);
	assert_int_equal(mgmt_tracking_print_text(f, tk), 0);
	fclose(f);
	snprintf(txt, sizeof(txt), "tracking_%s.txt", name);
	golden(txt, text);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(mgmt_print_json(f, tk, 0, true), 0);
	fclose(f);
	snprintf(json, sizeof(json), "tracking_%s.json", name);
	golden(json, text);
	assert_json_object(text);
	free(text);
	mgmt_tree_free(t);
	mgmt_tree_free(tk);
	for (int i = 0; i < NQ; i++)
		free(q[i]);
}

/* The boundary clock disciplined (its servo locked for 3 min, a window
 * of samples), then free-running (its reference not adjusted) with port 2
 * FAULTY after its link went down: the status and tracking screens. */
static void test_status_tracking(void **state)
{
	int64_t t0 = net.now;
	struct bc_servo_status st = *bc_get_servo_status(fx.bc);
	struct bc_clock_info ci;
	struct bc_actions *acts = calloc(1, sizeof(*acts));

	(void)state;
	assert_non_null(acts);
	st.at_ns = t0 - 250 * NS_PER_MS;
	st.state = SERVO_LOCKED_STABLE;
	st.locked_since_ns = t0 - 182 * SEC;
	st.state_since_ns = t0 - 61 * SEC;
	st.te_estimate_ns = 850.0;
	st.win = (struct bc_servo_window){
		.n = 60, .complete = true, .span_ns = 59 * SEC,
		.offset_rms_ns = 21.4, .offset_max_ns = 63.0,
		.freq_mean_ppb = 12.4, .freq_stddev_ppb = 0.8,
		.delay_mean_ns = 10012.0, .delay_max_ns = 10090.0,
		.delay_stddev_ns = 25.0,
	};
	bc_set_servo_status(fx.bc, &st);
	set_clocks(fx.bc, 850.0);
	set_locks(fx.bc, T0); /* the time management answers at */
	status_tracking_goldens(t0 + 500 * NS_PER_MS, "locked");
	/* free-running: the reference measured only, port 2's link down */
	ci = *bc_clock_info(fx.bc, 0);
	ci.adjusted = false;
	ci.lock_applicable = false;
	bc_set_clock_info(fx.bc, 0, &ci);
	st.locked_since_ns = 0;
	st.state = SERVO_UNLOCKED;
	st.te_estimate_ns = -1.0;
	bc_set_servo_status(fx.bc, &st);
	bc_actions_init(acts);
	assert_int_equal(bc_port_link(fx.bc, 1, false, t0, acts), 0);
	assert_int_equal(bc_port_ds(fx.bc, 1)->port_state, PS_FAULTY);
	status_tracking_goldens(t0 + 500 * NS_PER_MS, "free");
	free(acts);
}

static void test_live_errors(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char stale[96], mute[96];
	struct run r;
	int fd;

	(void)state;
	server_start(false);
	memset(&r, 0, sizeof(r));
	/* missing socket: 3 and the hint; JSON error document */
	run_ctl(&r, "-s", "/nonexistent/hvptpd", "status", NULL);
	assert_int_equal(r.code, 3);
	assert_string_equal(r.err, "hvptpctl: no hvptpd socket at "
				   "/nonexistent/hvptpd: is it running? (-s "
				   "PATH)\n");
	run_free(&r);
	check_golden("error_missing.json", 3, "--json", "-s",
		     "/nonexistent/hvptpd", "get", "PRIORITY1", NULL);
	/* a stale socket file: nobody listens */
	snprintf(stale, sizeof(stale), "%s/stale.sock", fx.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", stale);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	run_ctl(&r, "-s", stale, "get", "PRIORITY1", NULL);
	assert_int_equal(r.code, 3);
	assert_non_null(strstr(r.err, "nothing listens on @DIR@/stale.sock "
				      "(stale socket: hvptpd not running)"));
	run_free(&r);
	/* a socket that never answers: timeout */
	snprintf(mute, sizeof(mute), "%s/mute.sock", fx.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", mute);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	run_ctl(&r, "-s", mute, "-t", "150", "--json", "status", NULL);
	close(fd);
	assert_int_equal(r.code, 3);
	assert_non_null(strstr(r.err, "hvptpctl: GET DEFAULT_DATA_SET: no "
				      "answer from @DIR@/mute.sock within "
				      "150 ms"));
	assert_non_null(strstr(r.out, "\"reason\": \"timeout\""));
	run_free(&r);
}

static void test_usage(void **state)
{
	static const char *const bad[][4] = {
		{ "frobnicate" }, { "get" }, { "get", "NO_SUCH_THING" },
		{ "get", "PORT_DATA_SET", "x" }, { "set", "PRIORITY1" },
		{ "set", "PRIORITY1", "priority1" }, { "status", "extra" },
		{ "-t", "0", "status" }, { "--bogus", "status" },
		{ "set", "PRIORITY1", "nosuch=1" }, { "watch", "x" },
		{ "-d", "300", "status" }, { NULL },
	};
	struct run r;

	(void)state;
	server_start(false);
	memset(&r, 0, sizeof(r));
	run_ctl(&r, NULL);
	assert_int_equal(r.code, 2);
	run_free(&r);
	for (int i = 0; bad[i][0]; i++) {
		run_ctl(&r, "-s", fx.rw, bad[i][0], bad[i][1], bad[i][2],
			bad[i][3], NULL);
		if (r.code != 2)
			fail_msg("'%s %s': exit %d, want 2", bad[i][0],
				 bad[i][1] ? bad[i][1] : "", r.code);
		assert_true(strncmp(r.err, "hvptpctl: ", 10) == 0);
		run_free(&r);
	}
	check_golden("error_usage.json", 2, "--json", "get", NULL);
	run_ctl(&r, "-h", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "HVPTP_SERVO_STATUS_NP"));
	run_free(&r);
	run_ctl(&r, "--version", NULL);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "hvptpctl " HVPTP_VERSION "\n");
	run_free(&r);
}

/* EACCES: a user who may not write to the read-write socket. */
static void test_permission_denied(void **state)
{
	int pipefd[2], st;
	char buf[512] = "";
	pid_t pid;
	ssize_t n;

	(void)state;
	server_start(false);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *e = fdopen(pipefd[1], "w");
		char *argv[] = { "hvptpctl", "-s", fx.rw, "get", "PRIORITY1",
				 NULL };

		if (geteuid() == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(99);
		} else {
			chmod(fx.rw, 0);
		}
		int code;

		if (!e)
			_exit(98);
		code = mgmt_ctl_main(5, argv, stdout, e);
		fclose(e);
		_exit(code);
	}
	close(pipefd[1]);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	chmod(fx.rw, 0660);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 99)
		skip();
	assert_int_equal(WEXITSTATUS(st), 3);
	buf[n > 0 ? n : 0] = '\0';
	assert_non_null(strstr(buf, "permission denied on "));
	assert_non_null(strstr(buf, "use the read-only socket (hvptpd's "
				    "uds_ro_address) or run as root"));
}

/* Run "hvptpctl -s RW --json -i 0.2 watch" in a child writing to path;
 * its pid. */
static pid_t watch_start(const char *path)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *o = fopen(path, "w");
		char *argv[] = { "hvptpctl", "-s", fx.rw, "--json", "-i", "0.2",
				 "watch", NULL };
		int code;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		code = o ? mgmt_ctl_main(7, argv, o, stderr) : 98;
		if (o)
			fclose(o);
		_exit(code);
	}
	return pid;
}

/* Check one NDJSON line of watch (line n); 1 when it is the port state
 * event. */
static int watch_line(const char *line, int n)
{
	json_object *j = json_tokener_parse(line), *ev, *d, *v;
	int is_state;

	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "event", &ev));
	if (n == 0)
		assert_string_equal(json_object_get_string(ev), "subscribed");
	is_state = !strcmp(json_object_get_string(ev), "port_state");
	if (is_state) {
		assert_true(json_object_object_get_ex(j, "data", &d));
		assert_true(json_object_object_get_ex(d, "port_state_name",
						      &v));
		assert_string_equal(json_object_get_string(v), "FAULTY");
		assert_true(json_object_object_get_ex(j, "port_number", &v));
		assert_int_equal(json_object_get_int(v), 2);
	}
	json_object_put(j);
	return is_state;
}

/* watch: subscribed line, a port state notification, offset lines, clean
 * SIGINT exit, NDJSON; and refused on the read-only socket. */
static void test_live_watch(void **state)
{
	char path[128], *text = NULL;
	int st, lines = 0, states = 0;
	bool seen = false;
	struct run r;
	pid_t pid;

	(void)state;
	server_start(true);
	snprintf(path, sizeof(path), "%s/watch.out", fx.dir);
	pid = watch_start(path);
	for (int i = 0; i < 500 && !seen; i++) {
		usleep(10000);
		free(text);
		text = slurp(path);
		seen = text && strstr(text, "\"event\":\"port_state\"") &&
		       strstr(text, "\"event\":\"offset\"");
	}
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(seen);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	free(text);
	text = slurp(path);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		states += watch_line(l, lines++);
	assert_int_equal(states, 1);
	assert_true(lines >= 3);
	free(text);
	memset(&r, 0, sizeof(r));
	run_ctl(&r, "-s", fx.ro, "watch", NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "watch needs the read-write socket"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_get, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_live_set, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_live_status, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_status_rates, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_status_no_sample,
						live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_status_tracking,
						live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_errors, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_usage, live_setup,
						live_teardown),
		cmocka_unit_test_setup_teardown(test_permission_denied,
						live_setup, live_teardown),
		cmocka_unit_test_setup_teardown(test_live_watch, live_setup,
						live_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
