/*
 * tests/unit/test_sdnotify.c — the systemd notifier (mgmt/sdnotify.h)
 * against a fake NOTIFY_SOCKET: a datagram socket the test binds, as
 * systemd would.  READY=1 with a STATUS= line on the first turn, WATCHDOG=1
 * at half WATCHDOG_USEC, STATUS= again after a port state change, STOPPING=1
 * at close; nothing at all without NOTIFY_SOCKET; no watchdog for another
 * WATCHDOG_PID.  No root needed.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/alarm.h"
#include "mgmt/sdnotify.h"

#define MS 1000000LL
#define T0 (1000 * MS)

static struct {
	char dir[40];
	char path[64];
	int fd;
	struct bc *bc;
} fx;

static struct bc_actions out;

static int setup(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	char pid[16];

	(void)state;
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/hvptp-sdn-XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	snprintf(fx.path, sizeof(fx.path), "%s/notify", fx.dir);
	fx.fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fx.fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx.path);
	assert_int_equal(bind(fx.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", fx.path, 1);
	setenv("WATCHDOG_USEC", "200000", 1);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	bc_clock_cfg_default(&cc);
	cc.clock_identity.id[0] = 0x02;
	cc.clock_identity.id[7] = 0x01;
	bc_port_cfg_default(&pc[0], "eth0");
	bc_port_cfg_default(&pc[1], "eth1");
	assert_int_equal(bc_create(&fx.bc, &cc, pc, 2), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	close(fx.fd);
	unlink(fx.path);
	rmdir(fx.dir);
	bc_destroy(fx.bc);
	return 0;
}

/* The next datagram, or "" when none comes within wait_ms. */
static const char *next_msg(int wait_ms)
{
	static char buf[1024];
	struct pollfd p = { .fd = fx.fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&p, 1, wait_ms) <= 0)
		return buf;
	n = recv(fx.fd, buf, sizeof(buf) - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void test_ready_watchdog_status_stopping(void **state)
{
	struct mgmt_sdnotify *n = NULL;
	struct hvd_service s;
	const char *m;

	(void)state;
	assert_int_equal(mgmt_sdnotify_open(&n, fx.bc), 0);
	assert_non_null(n);
	assert_int_equal(mgmt_sdnotify_watchdog_ns(n), 100 * MS);
	mgmt_sdnotify_service(n, &s);
	assert_false(mgmt_sdnotify_ready(n));
	assert_true(s.ops->deadline(s.ctx) <= T0); /* the first turn at once */
	s.ops->tick(s.ctx, T0);
	assert_true(mgmt_sdnotify_ready(n));
	m = next_msg(1000);
	assert_string_equal(m, "READY=1\nSTATUS=eth0 INITIALIZING, "
			       "eth1 INITIALIZING");
	assert_string_equal(next_msg(1000), "WATCHDOG=1");
	assert_int_equal(s.ops->deadline(s.ctx), T0 + 100 * MS);
	s.ops->tick(s.ctx, T0 + 50 * MS);
	assert_string_equal(next_msg(50), ""); /* too early */
	s.ops->tick(s.ctx, T0 + 100 * MS);
	assert_string_equal(next_msg(1000), "WATCHDOG=1");
	assert_string_equal(next_msg(50), "");
	/* the ports start: a state change sends the new status */
	bc_actions_init(&out);
	assert_int_equal(bc_start(fx.bc, T0, &out), 0);
	s.ops->on_state(s.ctx, 0, PS_INITIALIZING, PS_LISTENING, BC_EV_NONE);
	s.ops->tick(s.ctx, T0 + 120 * MS);
	assert_string_equal(next_msg(1000),
			    "STATUS=eth0 LISTENING, eth1 LISTENING");
	/* the same status is not sent again, even after the period */
	s.ops->tick(s.ctx, T0 + 150 * MS + SDNOTIFY_STATUS_PERIOD_S * 1000 * MS);
	assert_string_equal(next_msg(1000), "WATCHDOG=1");
	assert_string_equal(next_msg(50), "");
	s.ops->close(s.ctx);
	assert_string_equal(next_msg(1000), "STOPPING=1");
}

static void test_no_notify_socket(void **state)
{
	struct mgmt_sdnotify *n = (struct mgmt_sdnotify *)&n;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(mgmt_sdnotify_open(&n, fx.bc), 0);
	assert_null(n);
	assert_string_equal(next_msg(50), "");
}

static void test_watchdog_for_another_pid(void **state)
{
	struct mgmt_sdnotify *n = NULL;
	struct hvd_service s;

	(void)state;
	setenv("WATCHDOG_PID", "1", 1);
	assert_int_equal(mgmt_sdnotify_open(&n, fx.bc), 0);
	assert_non_null(n);
	assert_int_equal(mgmt_sdnotify_watchdog_ns(n), 0);
	mgmt_sdnotify_service(n, &s);
	s.ops->tick(s.ctx, T0);
	assert_non_null(strstr(next_msg(1000), "READY=1\n"));
	s.ops->tick(s.ctx, T0 + 5000 * MS);
	assert_string_equal(next_msg(50), ""); /* no WATCHDOG=1 */
	s.ops->close(s.ctx);
	assert_string_equal(next_msg(1000), "STOPPING=1");
}

static void test_status_text(void **state)
{
	char buf[SDNOTIFY_STATUS_LEN], tiny[12];

	(void)state;
	mgmt_sdnotify_status_text(fx.bc, buf, sizeof(buf));
	assert_string_equal(buf, "eth0 INITIALIZING, eth1 INITIALIZING");
	mgmt_sdnotify_status_text(fx.bc, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_memory_equal(tiny, "eth0 INITIA", sizeof(tiny) - 1);
	mgmt_sdnotify_status_text(fx.bc, tiny, 0); /* nothing written */
}

/* free_running: said first, whatever the ports; the servo only
 * measures. */
static void test_status_free_running(void **state)
{
	struct bc_clock_info ci = {
		.name = "CLOCK_REALTIME", .phc_index = -1,
		.role = BC_CLOCK_REFERENCE, .source = -1, .adjusted = false,
	};
	char buf[SDNOTIFY_STATUS_LEN], tiny[20];

	(void)state;
	assert_int_equal(bc_set_clock_info(fx.bc, 0, &ci), 0);
	mgmt_sdnotify_status_text(fx.bc, buf, sizeof(buf));
	assert_string_equal(buf, "free-running (CLOCK_REALTIME not adjusted); "
				 "eth0 INITIALIZING, eth1 INITIALIZING");
	mgmt_sdnotify_status_text(fx.bc, tiny, sizeof(tiny));
	assert_string_equal(tiny, "free-running (CLOCK");
	/* adjusted: not said */
	ci.adjusted = true;
	assert_int_equal(bc_set_clock_info(fx.bc, 0, &ci), 0);
	mgmt_sdnotify_status_text(fx.bc, buf, sizeof(buf));
	assert_string_equal(buf, "eth0 INITIALIZING, eth1 INITIALIZING");
}

/* Active alarms are named after free-running, before the ports; a raise
 * or a clear (the core's alarm count moves) sends the status at the next
 * tick. */
static void test_status_alarms(void **state)
{
	struct bc_alarm_info a[3] = {
		{ .kind = ALARM_TIME_ERROR, .applicable = true, .active = true,
		  .subject = "/dev/ptp0", .seq = 1 },
		{ .kind = ALARM_HOLDOVER, .applicable = true, .subject = "clock" },
		{ .kind = ALARM_PORT_FAULTY, .applicable = true, .active = true,
		  .subject = "eth1", .seq = 2 },
	};
	struct mgmt_sdnotify *n = NULL;
	struct hvd_service s;
	char buf[SDNOTIFY_STATUS_LEN];

	(void)state;
	bc_set_alarms(fx.bc, a, 3, 2);
	mgmt_sdnotify_status_text(fx.bc, buf, sizeof(buf));
	assert_string_equal(buf, "alarms: time_error(/dev/ptp0), "
				 "port_faulty(eth1); eth0 INITIALIZING, "
				 "eth1 INITIALIZING");
	assert_int_equal(mgmt_sdnotify_open(&n, fx.bc), 0);
	mgmt_sdnotify_service(n, &s);
	s.ops->tick(s.ctx, T0);
	assert_string_equal(next_msg(1000), "READY=1\nSTATUS=alarms: "
			    "time_error(/dev/ptp0), port_faulty(eth1); eth0 "
			    "INITIALIZING, eth1 INITIALIZING");
	assert_string_equal(next_msg(1000), "WATCHDOG=1");
	/* both cleared: the next tick says so, without waiting the period */
	a[0].active = a[2].active = false;
	a[0].seq = 3;
	a[2].seq = 4;
	bc_set_alarms(fx.bc, a, 3, 4);
	s.ops->tick(s.ctx, T0 + 10 * MS);
	assert_string_equal(next_msg(1000),
			    "STATUS=eth0 INITIALIZING, eth1 INITIALIZING");
	s.ops->close(s.ctx);
	assert_string_equal(next_msg(1000), "STOPPING=1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_ready_watchdog_status_stopping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_notify_socket, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_status_alarms, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_status_free_running,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_for_another_pid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_text, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
