/*
 * tests/unit/test_mgmt_uds.c — the management socket server (mgmt/uds.h)
 * with real AF_UNIX sockets in a temporary directory (no root needed):
 * opening (parent directories, modes, stale and live sockets, files that
 * are not sockets), answers to the requester's address, the read-only
 * socket, SUBSCRIBE_EVENTS_NP with notifications and expiry, a client
 * whose queue is full, oversized datagrams, and clean-up at close.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "bc/mgmt.h"
#include "bc/tlv.h"
#include "daemon/daemon.h"
#include "daemon/executor.h"
#include "mgmt/metrics_render.h"
#include "mgmt/uds.h"

#define SEC 1000000000LL
#define T0 (100 * SEC)

/* What the executor carried out for the core: requests go through it. */
struct rec_plat {
	int sends, timer_arms, timer_stops, states;
};

struct fx {
	char dir[64];
	char rw[128], ro[128], cl[128];
	struct bc *bc;
	struct exec ex;
	struct rec_plat rp;
	struct mgmt_uds *u;
	struct hvd_service svc;
	int client;
	uint16_t seq;
	int reloads; /* fake_reload calls */
};

static struct fx fx;

static const struct clock_identity my_id = {
	{ 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x10, 0x01 }
};

static int client_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static int rp_send(void *ctx, int port, bool event, enum bc_dest dest,
		   const struct bc_addr *addr, const uint8_t *buf, size_t len,
		   uint32_t token)
{
	(void)port, (void)event, (void)dest, (void)addr, (void)buf;
	(void)len, (void)token;
	((struct rec_plat *)ctx)->sends++;
	return 0;
}

static void rp_arm(void *ctx, int port, int t, int64_t at)
{
	(void)port, (void)t, (void)at;
	((struct rec_plat *)ctx)->timer_arms++;
}

static void rp_stop(void *ctx, int port, int t)
{
	(void)port, (void)t;
	((struct rec_plat *)ctx)->timer_stops++;
}

static void rp_state(void *ctx, int port, enum port_state from,
		     enum port_state to, enum bc_event ev)
{
	(void)port, (void)from, (void)to, (void)ev;
	((struct rec_plat *)ctx)->states++;
}

/* HVPTP_RELOAD_NP's handler: counts, and says 2 applied, 1 refused. */
static size_t fake_reload(void *ctx, int64_t now, uint8_t *data, size_t cap)
{
	static const uint8_t ack[] = { 1, 0, 0, 2, 0, 1, 3, 'a', 'b', 'c' };

	(void)now;
	assert_true(cap >= sizeof(ack));
	++*(int *)ctx;
	memcpy(data, ack, sizeof(ack));
	return sizeof(ack);
}

/* mgmt_rate_limit and mgmt_burst of the next setup (0: no limit) */
static uint32_t fx_rate, fx_burst;

static int setup(void **state)
{
	struct exec_platform plat = {
		.ctx = &fx.rp,
		.send = rp_send,
		.timer_arm = rp_arm,
		.timer_stop = rp_stop,
		.on_state = rp_state,
	};
	struct bc_clock_cfg cc;
	struct bc_port_cfg pc[2];
	struct mgmt_uds_cfg cfg;

	(void)state;
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/hvptp-uds-XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	snprintf(fx.rw, sizeof(fx.rw), "%s/run/sub/hvptpd", fx.dir);
	snprintf(fx.ro, sizeof(fx.ro), "%s/run/sub/hvptpd-ro", fx.dir);
	snprintf(fx.cl, sizeof(fx.cl), "%s/client", fx.dir);
	bc_clock_cfg_default(&cc);
	cc.clock_identity = my_id;
	bc_port_cfg_default(&pc[0], "eth0");
	bc_port_cfg_default(&pc[1], "eth1");
	assert_int_equal(bc_create(&fx.bc, &cc, pc, 2), 0);
	exec_init(&fx.ex, fx.bc, NULL, &plat, 0);
	cfg = (struct mgmt_uds_cfg){
		.rw_path = fx.rw, .ro_path = fx.ro, .rw_mode = 0660,
		.ro_mode = 0666, .reload = fake_reload,
		.reload_ctx = &fx.reloads, .rate = fx_rate, .burst = fx_burst,
	};
	assert_int_equal(mgmt_uds_open(&fx.u, &fx.ex, &cfg), 0);
	mgmt_uds_service(fx.u, &fx.svc);
	fx.client = client_socket(fx.cl);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	if (fx.svc.ops && fx.u)
		fx.svc.ops->close(fx.svc.ctx);
	fx.u = NULL;
	if (fx.client >= 0)
		close(fx.client);
	bc_destroy(fx.bc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* ---- helpers ---- */

static uint16_t be16_data(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int build(uint8_t *buf, uint8_t action, uint16_t id,
		 const uint8_t *data, size_t len)
{
	static uint8_t value[PTP_MAX_MSG_LEN];
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_MANAGEMENT, 0);
	m.hdr.source_port_identity.port_number = 777;
	m.hdr.sequence_id = fx.seq++;
	memset(&m.body.management.target_port_identity, 0xFF,
	       sizeof(m.body.management.target_port_identity));
	m.body.management.action = action;
	value[0] = (uint8_t)(id >> 8);
	value[1] = (uint8_t)id;
	if (len)
		memcpy(value + 2, data, len);
	assert_int_equal(tlv_append(&m, TLV_MANAGEMENT, value,
				    (uint16_t)(len + 2)),
			 0);
	return msg_pack(&m, buf, PTP_MAX_MSG_LEN);
}

static void send_to(const char *path, const uint8_t *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(sendto(fx.client, buf, len, 0, (struct sockaddr *)&sa,
				sizeof(sa)),
			 (ssize_t)len);
}

/* One loop turn of the service: poll its descriptors, handle, tick. */
static void turn(int64_t now)
{
	struct pollfd pfd[HVD_SERVICE_MAX_FDS];
	int n = fx.svc.ops->fds(fx.svc.ctx, pfd, HVD_SERVICE_MAX_FDS);

	assert_true(poll(pfd, (nfds_t)n, 100) >= 0);
	fx.svc.ops->handle(fx.svc.ctx, pfd, n, now);
	fx.svc.ops->tick(fx.svc.ctx, now);
}

static int64_t req_now = T0; /* loop time of the turn request() runs */

static void request(const char *path, uint8_t action, uint16_t id,
		    const uint8_t *data, size_t len)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	int n = build(buf, action, id, data, len);

	send_to(path, buf, (size_t)n);
	turn(req_now);
}

/* The next datagram for the client, parsed; false when none. */
static bool receive(struct bc_mgmt_req *r, uint8_t *buf)
{
	ssize_t n = recv(fx.client, buf, PTP_MAX_MSG_LEN, MSG_DONTWAIT);

	if (n <= 0)
		return false;
	assert_int_equal(bc_mgmt_parse(buf, (size_t)n, r, NULL), 0);
	return true;
}

/* ---- tests ---- */

static void test_open_modes_and_answer(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;
	struct stat st;

	(void)state;
	assert_int_equal(stat(fx.rw, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(stat(fx.ro, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666);
	request(fx.rw, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0);
	assert_true(receive(&r, buf));
	assert_int_equal(r.mgmt.action, PTP_MGMT_RESPONSE);
	assert_int_equal(r.id, BC_MID_PRIORITY1);
	assert_int_equal(r.data[0], 128);
	assert_int_equal(r.mgmt.target_port_identity.port_number, 777);
	assert_false(receive(&r, buf));
	/* every port answers on a fan-out */
	request(fx.ro, PTP_MGMT_GET, BC_MID_PORT_DATA_SET, NULL, 0);
	assert_true(receive(&r, buf));
	assert_int_equal(r.hdr.source_port_identity.port_number, 1);
	assert_true(receive(&r, buf));
	assert_int_equal(r.hdr.source_port_identity.port_number, 2);
	assert_int_equal(mgmt_uds_stats(fx.u)->rx, 2);
	assert_int_equal(mgmt_uds_stats(fx.u)->tx, 3);
}

/* A COMMAND through the socket goes through the executor: its actions
 * (the port's timers stopped, its state change) are carried out, not only
 * its acknowledgement sent. */
static void test_command_through_executor(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;
	int stops, states;

	(void)state;
	exec_start(&fx.ex, T0);
	assert_int_equal(bc_port_ds(fx.bc, 1)->port_state, PS_LISTENING);
	stops = fx.rp.timer_stops;
	states = fx.rp.states;
	request(fx.rw, PTP_MGMT_COMMAND, BC_MID_DISABLE_PORT, NULL, 0);
	assert_true(receive(&r, buf));
	assert_int_equal(r.mgmt.action, PTP_MGMT_ACKNOWLEDGE);
	assert_int_equal(r.id, BC_MID_DISABLE_PORT);
	assert_true(receive(&r, buf)); /* both ports answered */
	assert_int_equal(bc_port_ds(fx.bc, 0)->port_state, PS_DISABLED);
	assert_int_equal(bc_port_ds(fx.bc, 1)->port_state, PS_DISABLED);
	assert_true(fx.rp.timer_stops >= stops + 2);
	assert_int_equal(fx.rp.states, states + 2);
	/* the read-only socket refuses it: nothing happens */
	request(fx.ro, PTP_MGMT_COMMAND, BC_MID_ENABLE_PORT, NULL, 0);
	assert_true(receive(&r, buf));
	assert_true(r.is_error);
	assert_int_equal(bc_port_ds(fx.bc, 0)->port_state, PS_DISABLED);
	assert_int_equal(fx.rp.states, states + 2);
}

/* HVPTP_RELOAD_NP: the program's handler answers on the read-write
 * socket (an ACKNOWLEDGE with its data); the read-only socket refuses it
 * without calling the handler. */
static void test_reload_command(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;

	(void)state;
	request(fx.rw, PTP_MGMT_COMMAND, BC_MID_HVPTP_RELOAD_NP, NULL, 0);
	assert_true(receive(&r, buf));
	assert_int_equal(r.mgmt.action, PTP_MGMT_ACKNOWLEDGE);
	assert_int_equal(r.id, BC_MID_HVPTP_RELOAD_NP);
	assert_int_equal(fx.reloads, 1);
	assert_int_equal(r.data_len, 10);
	assert_int_equal(r.data[3], 2);
	assert_int_equal(r.data[5], 1);
	assert_memory_equal(r.data + 7, "abc", 3);
	assert_false(receive(&r, buf));
	request(fx.ro, PTP_MGMT_COMMAND, BC_MID_HVPTP_RELOAD_NP, NULL, 0);
	assert_true(receive(&r, buf));
	assert_true(r.is_error);
	assert_int_equal(fx.reloads, 1);
}

static void test_read_only(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN], v[2] = { 5, 0 };
	struct bc_mgmt_req r;

	(void)state;
	request(fx.ro, PTP_MGMT_SET, BC_MID_PRIORITY1, v, 2);
	assert_true(receive(&r, buf));
	assert_true(r.is_error);
	assert_int_equal(r.error_id, TLV_MGMT_ERR_NOT_SUPPORTED);
	assert_int_equal(bc_default_ds(fx.bc)->priority1, 128);
	request(fx.rw, PTP_MGMT_SET, BC_MID_PRIORITY1, v, 2);
	assert_true(receive(&r, buf));
	assert_false(r.is_error);
	assert_int_equal(r.data[0], 5);
	assert_int_equal(bc_default_ds(fx.bc)->priority1, 5);
	/* subscribing is a change: not on the read-only socket, where a GET
	 * is answered with no data (as ptp4l 4.4 does) */
	request(fx.ro, PTP_MGMT_GET, BC_MID_SUBSCRIBE_EVENTS_NP, NULL, 0);
	assert_true(receive(&r, buf));
	assert_false(r.is_error);
	assert_int_equal(r.id, BC_MID_SUBSCRIBE_EVENTS_NP);
	assert_int_equal(r.data_len, 0);
	/* and the GETs ptp4l 4.4 refuses there: NOT_SUPPORTED, once */
	request(fx.ro, PTP_MGMT_GET, BC_MID_PORT_PROPERTIES_NP, NULL, 0);
	assert_true(receive(&r, buf));
	assert_true(r.is_error);
	assert_int_equal(r.error_id, TLV_MGMT_ERR_NOT_SUPPORTED);
	request(fx.ro, PTP_MGMT_GET, BC_MID_PORT_HWCLOCK_NP, NULL, 0);
	assert_true(receive(&r, buf));
	assert_true(r.is_error);
	assert_int_equal(r.error_id, TLV_MGMT_ERR_NOT_SUPPORTED);
	request(fx.rw, PTP_MGMT_GET, BC_MID_PORT_HWCLOCK_NP, NULL, 0);
	assert_true(receive(&r, buf));
	assert_false(r.is_error);
}

static void test_subscribe_notify_expire(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN], sub[BC_MGMT_SUBSCRIBE_LEN] = { 0 };
	struct bc_mgmt_req r;

	(void)state;
	sub[0] = 0;
	sub[1] = 10; /* 10 s */
	sub[2] = 1 << BC_NOTIFY_PORT_STATE | 1 << BC_NOTIFY_PARENT_DATA_SET;
	request(fx.rw, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, sub,
		sizeof(sub));
	assert_true(receive(&r, buf));
	assert_int_equal(r.id, BC_MID_SUBSCRIBE_EVENTS_NP);
	assert_int_equal(r.data_len, BC_MGMT_SUBSCRIBE_LEN);
	assert_int_equal(r.data[1], 10);
	assert_int_equal(r.data[2], sub[2]);
	assert_int_equal(mgmt_uds_subscribers(fx.u), 1);
	assert_int_equal(fx.svc.ops->deadline(fx.svc.ctx), T0 + 10 * SEC);
	/* the first tick notifies the parent data set once */
	assert_true(receive(&r, buf));
	assert_int_equal(r.id, BC_MID_PARENT_DATA_SET);
	assert_int_equal(r.hdr.sequence_id, 0);
	turn(T0 + SEC);
	assert_false(receive(&r, buf));
	/* a port state change: PORT_DATA_SET of that port */
	fx.svc.ops->on_state(fx.svc.ctx, 1, PS_INITIALIZING, PS_INITIALIZING,
			BC_EV_NONE);
	assert_true(receive(&r, buf));
	assert_int_equal(r.id, BC_MID_PORT_DATA_SET);
	assert_int_equal(r.hdr.source_port_identity.port_number, 2);
	assert_int_equal(r.hdr.sequence_id, 1);
	assert_int_equal(r.mgmt.target_port_identity.port_number, 777);
	/* a state the port has already left again: not reported */
	fx.svc.ops->on_state(fx.svc.ctx, 1, PS_LISTENING, PS_MASTER, BC_EV_NONE);
	assert_false(receive(&r, buf));
	/* not subscribed to time sync */
	fx.svc.ops->on_sample(fx.svc.ctx, 0, NULL, NULL);
	assert_false(receive(&r, buf));
	/* GET tells the time left */
	req_now = T0 + 4 * SEC;
	request(fx.rw, PTP_MGMT_GET, BC_MID_SUBSCRIBE_EVENTS_NP, NULL, 0);
	req_now = T0;
	assert_true(receive(&r, buf));
	assert_int_equal(r.data[1], 6);
	/* expiry */
	turn(T0 + 11 * SEC);
	assert_int_equal(mgmt_uds_subscribers(fx.u), 0);
	assert_int_equal(fx.svc.ops->deadline(fx.svc.ctx), INT64_MAX);
	fx.svc.ops->on_state(fx.svc.ctx, 1, PS_INITIALIZING, PS_INITIALIZING,
			BC_EV_NONE);
	assert_false(receive(&r, buf));
}

/* hvptp's event 32: each alarm the core's table shows changed since the
 * last tick, one notification each, carrying that alarm only. */
static void test_subscribe_alarms(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN], sub[BC_MGMT_SUBSCRIBE_LEN] = { 0 };
	struct bc_alarm_info a[2] = {
		{ .kind = 3, .applicable = true, .subject = "clock" },
		{ .kind = 8, .applicable = true, .active = true,
		  .subject = "eth1", .raised = 1, .seq = 1 },
	};
	struct bc_mgmt_req r;

	(void)state;
	sub[1] = 10;
	sub[2 + BC_NOTIFY_HVPTP_ALARM / 8] = 1 << (BC_NOTIFY_HVPTP_ALARM % 8);
	request(fx.rw, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, sub,
		sizeof(sub));
	assert_true(receive(&r, buf));
	assert_int_equal(r.id, BC_MID_SUBSCRIBE_EVENTS_NP);
	turn(T0 + SEC);
	assert_false(receive(&r, buf)); /* no change yet */
	bc_set_alarms(fx.bc, a, 2, 1);
	turn(T0 + 2 * SEC);
	assert_true(receive(&r, buf));
	assert_int_equal(r.id, BC_MID_HVPTP_ALARMS_NP);
	assert_int_equal(r.data_len, 4 + BC_MGMT_ALARM_REC_LEN);
	assert_int_equal(r.data[0], 1);
	assert_int_equal(r.data[1], BC_MGMT_ALARMS_CHANGE);
	assert_int_equal(r.data[4], 8);
	assert_int_equal(r.data[5], BC_MGMT_ALARM_ACTIVE |
					    BC_MGMT_ALARM_APPLICABLE);
	assert_false(receive(&r, buf)); /* once */
	turn(T0 + 3 * SEC);
	assert_false(receive(&r, buf));
	/* both change in one tick: two notifications, in table order */
	a[0].active = true;
	a[0].seq = 2;
	a[1].active = false;
	a[1].seq = 3;
	bc_set_alarms(fx.bc, a, 2, 3);
	turn(T0 + 4 * SEC);
	assert_true(receive(&r, buf));
	assert_int_equal(r.data[4], 3);
	assert_int_equal(r.data[5] & BC_MGMT_ALARM_ACTIVE, BC_MGMT_ALARM_ACTIVE);
	assert_true(receive(&r, buf));
	assert_int_equal(r.data[4], 8);
	assert_int_equal(r.data[5] & BC_MGMT_ALARM_ACTIVE, 0);
	assert_false(receive(&r, buf));
}

static void test_unsubscribe_and_gone(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN], sub[BC_MGMT_SUBSCRIBE_LEN] = { 0 };
	struct bc_mgmt_req r;

	(void)state;
	sub[0] = sub[1] = 0xFF; /* no expiry */
	sub[2] = 1 << BC_NOTIFY_TIME_SYNC;
	request(fx.rw, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, sub,
		sizeof(sub));
	assert_true(receive(&r, buf));
	assert_int_equal(be16_data(r.data), 0xFFFF);
	assert_int_equal(fx.svc.ops->deadline(fx.svc.ctx), INT64_MAX);
	fx.svc.ops->on_sample(fx.svc.ctx, 0, NULL, NULL);
	assert_true(receive(&r, buf));
	assert_int_equal(r.id, BC_MID_TIME_STATUS_NP);
	/* an empty mask unsubscribes */
	memset(sub, 0, sizeof(sub));
	request(fx.rw, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, sub,
		sizeof(sub));
	assert_true(receive(&r, buf));
	assert_int_equal(mgmt_uds_subscribers(fx.u), 0);
	/* wrong length */
	request(fx.rw, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, sub, 10);
	assert_true(receive(&r, buf));
	assert_true(r.is_error);
	assert_int_equal(r.error_id, TLV_MGMT_ERR_WRONG_LENGTH);
	/* a subscriber whose socket is gone is dropped */
	sub[1] = 60;
	sub[2] = 1 << BC_NOTIFY_TIME_SYNC;
	request(fx.rw, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP, sub,
		sizeof(sub));
	assert_true(receive(&r, buf));
	assert_int_equal(mgmt_uds_subscribers(fx.u), 1);
	close(fx.client);
	unlink(fx.cl);
	fx.client = -1;
	fx.svc.ops->on_sample(fx.svc.ctx, 0, NULL, NULL);
	assert_int_equal(mgmt_uds_subscribers(fx.u), 0);
	assert_int_equal(mgmt_uds_stats(fx.u)->expired, 2);
}

static void test_full_client_queue(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;
	int n = build(buf, PTP_MGMT_GET, BC_MID_PORT_DATA_SET, NULL, 0);
	int got = 0, last_port = 0;

	(void)state;
	/* 8 requests of two answers each, without reading in between: the
	 * client's queue (net.unix.max_dgram_qlen, 10 by default) fills, the
	 * rest waits in the server and comes in order */
	for (int i = 0; i < 8; i++)
		send_to(fx.rw, buf, (size_t)n);
	turn(T0);
	assert_true(mgmt_uds_stats(fx.u)->queued > 0);
	assert_int_equal(fx.svc.ops->deadline(fx.svc.ctx), T0 + 5000000);
	for (int k = 0; k < 100 && got < 16; k++) {
		while (receive(&r, buf)) {
			int port = r.hdr.source_port_identity.port_number;

			assert_int_equal(port, last_port % 2 + 1);
			last_port = port;
			got++;
		}
		turn(T0 + (k + 1) * 5000000LL);
	}
	assert_int_equal(got, 16);
	assert_int_equal(mgmt_uds_stats(fx.u)->send_errors, 0);
	assert_int_equal(fx.svc.ops->deadline(fx.svc.ctx), INT64_MAX);
}

static void test_oversized_and_garbage(void **state)
{
	uint8_t big[2000], buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;

	(void)state;
	memset(big, 0x0D, sizeof(big));
	send_to(fx.rw, big, sizeof(big));
	send_to(fx.rw, big, 40);
	turn(T0);
	assert_false(receive(&r, buf));
	assert_int_equal(mgmt_uds_stats(fx.u)->truncated, 1);
	assert_int_equal(
		bc_mgmt_counters(fx.bc)->drop[BC_MGMT_DROP_MALFORMED], 2);
}

/* The server's counters reach a metrics snapshot through its service's
 * metrics hook, and the daemon's fill asks every service it has. */
static void test_metrics_hook(void **state)
{
	static struct hvd d;
	static struct metrics_snapshot snap;
	static const struct hvd_service_ops bare = { .name = "bare" };
	struct hvd_service other = { .ops = &bare };

	(void)state;
	memset(&d, 0, sizeof(d));
	memset(&snap, 0, sizeof(snap));
	assert_int_equal(hvd_service_add(&d, &(struct hvd_service){ 0 }),
			 -EINVAL);
	assert_int_equal(hvd_service_add(&d, &other), 0);
	hvd_metrics_fill(&d, &snap);
	assert_false(snap.have_uds);
	assert_int_equal(hvd_service_add(&d, &fx.svc), 0);
	hvd_metrics_fill(&d, &snap);
	assert_true(snap.have_uds);
	assert_memory_equal(&snap.uds, mgmt_uds_stats(fx.u), sizeof(snap.uds));
}

static void test_open_errors(void **state)
{
	struct mgmt_uds_cfg cfg = {
		.rw_path = fx.rw, .rw_mode = 0660, .ro_mode = 0666,
	};
	struct mgmt_uds *u2 = NULL;
	char other[160], stale[160];
	int fd;

	(void)state;
	/* a live socket is not taken over */
	assert_int_equal(mgmt_uds_open(&u2, &fx.ex, &cfg), -EADDRINUSE);
	/* a file that is not a socket is not removed */
	snprintf(other, sizeof(other), "%s/plain", fx.dir);
	fd = open(other, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	cfg.rw_path = other;
	assert_int_equal(mgmt_uds_open(&u2, &fx.ex, &cfg), -EEXIST);
	assert_int_equal(access(other, F_OK), 0);
	/* a stale socket (nobody bound to it any more) is replaced */
	snprintf(stale, sizeof(stale), "%s/stale", fx.dir);
	close(client_socket(stale));
	cfg.rw_path = stale;
	assert_int_equal(mgmt_uds_open(&u2, &fx.ex, &cfg), 0);
	mgmt_uds_close(u2);
	assert_int_not_equal(access(stale, F_OK), 0);
	/* the same path twice */
	cfg.ro_path = stale;
	assert_int_equal(mgmt_uds_open(&u2, &fx.ex, &cfg), -EINVAL);
	/* the server removes its own files, not one that replaced them */
	unlink(fx.rw);
	close(client_socket(fx.rw));
	fx.svc.ops->close(fx.svc.ctx);
	fx.u = NULL;
	assert_int_equal(access(fx.rw, F_OK), 0);
	assert_int_not_equal(access(fx.ro, F_OK), 0);
}

/* mgmt_rate_limit 2, mgmt_burst 3: one client sending 10 requests at
 * once gets 3 answers, the rest are dropped and counted; a second later
 * it is answered again; another client is not touched. */
static void test_rate_limit(void **state)
{
	uint8_t buf[PTP_MAX_MSG_LEN];
	struct bc_mgmt_req r;
	char other[160];
	int n = 0, first, k;

	(void)state;
	fx_rate = 2;
	fx_burst = 3;
	assert_int_equal(setup(NULL), 0);
	fx_rate = fx_burst = 0;
	k = build(buf, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0);
	for (int i = 0; i < 10; i++)
		send_to(fx.ro, buf, (size_t)k);
	turn(T0);
	while (receive(&r, buf))
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(mgmt_uds_stats(fx.u)->rate_limited, 7);
	assert_int_equal(
		bc_mgmt_counters(fx.bc)->drop[BC_MGMT_DROP_RATE_LIMITED], 7);
	request(fx.ro, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0);
	assert_false(receive(&r, buf));
	req_now = T0 + 1000000000LL;
	request(fx.ro, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0);
	req_now = T0;
	assert_true(receive(&r, buf));
	/* another client: its own bucket */
	first = fx.client;
	snprintf(other, sizeof(other), "%s/client2", fx.dir);
	fx.client = client_socket(other);
	request(fx.ro, PTP_MGMT_GET, BC_MID_PRIORITY1, NULL, 0);
	assert_true(receive(&r, buf));
	close(fx.client);
	unlink(other);
	fx.client = first;
	teardown(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_modes_and_answer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_subscribe_notify_expire,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_subscribe_alarms, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe_and_gone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_client_queue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_oversized_and_garbage,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_through_executor,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_hook, setup,
						teardown),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test_setup_teardown(test_open_errors, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
