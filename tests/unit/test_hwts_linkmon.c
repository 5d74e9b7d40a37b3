/*
 * tests/unit/test_hwts_linkmon.c — hwts/linkmon.c with recvmsg and sendto
 * wrapped (the netlink socket itself is real): link messages in, callbacks
 * out; malformed and foreign messages; ENOBUFS asking for a dump.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include "hwts/hwts.h"
#include "tests/unit/hwts_test.h"

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);

static struct {
	int n_send;
	struct nlmsghdr req;
} sd;

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)fd;
	return ht_recvmsg(msg, flags);
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	(void)fd;
	(void)flags;
	(void)to;
	(void)tolen;
	sd.n_send++;
	assert_true(len >= sizeof(sd.req));
	memcpy(&sd.req, buf, sizeof(sd.req));
	return (ssize_t)len;
}

#define MAX_EV 16

static struct {
	int n;
	int index[MAX_EV];
	char name[MAX_EV][IFNAMSIZ];
	bool up[MAX_EV];
	bool exists[MAX_EV];
	int master[MAX_EV];
} ev;

static void on_link(void *ctx, const struct hwts_link *l)
{
	assert_ptr_equal(ctx, &ev);
	assert_true(ev.n < MAX_EV);
	ev.index[ev.n] = l->ifindex;
	snprintf(ev.name[ev.n], IFNAMSIZ, "%s", l->name);
	ev.exists[ev.n] = l->exists;
	ev.master[ev.n] = l->master;
	ev.up[ev.n++] = l->up;
}

static int setup(void **state)
{
	(void)state;
	memset(&ev, 0, sizeof(ev));
	memset(&sd, 0, sizeof(sd));
	ht_rq_reset();
	ht_log_reset();
	return 0;
}

/* A kernel-sent datagram (nl_pid 0). */
static struct ht_msg *kmsg(void)
{
	struct ht_msg *m = ht_rq_add();
	struct sockaddr_nl sa;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	memcpy(m->name, &sa, sizeof(sa));
	m->namelen = sizeof(sa);
	return m;
}

/* Append one link message; namelen counts the bytes of name to put. */
static void add_link(struct ht_msg *m, uint16_t type, int index,
		     unsigned int flags, const char *name, size_t namelen)
{
	uint8_t *p = m->data + m->dlen;
	struct nlmsghdr *nh = (struct nlmsghdr *)p;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct rtattr *rta;
	size_t len = NLMSG_LENGTH(sizeof(*ifi));

	memset(p, 0, 256);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	if (name) {
		rta = (struct rtattr *)(p + NLMSG_ALIGN(len));
		rta->rta_type = IFLA_IFNAME;
		rta->rta_len = RTA_LENGTH(namelen);
		memcpy(RTA_DATA(rta), name, namelen);
		len = NLMSG_ALIGN(len) + RTA_ALIGN(rta->rta_len);
	}
	nh->nlmsg_len = len;
	nh->nlmsg_type = type;
	m->dlen += NLMSG_ALIGN(len);
}

/* add_link, then an IFLA_MASTER attribute (the bridge it is a port of). */
static void add_link_master(struct ht_msg *m, int index, const char *name,
			    uint32_t master)
{
	uint8_t *p = m->data + m->dlen;
	struct nlmsghdr *nh = (struct nlmsghdr *)p;
	struct rtattr *rta;

	add_link(m, RTM_NEWLINK, index, IFF_UP | IFF_RUNNING, name,
		 strlen(name) + 1);
	rta = (struct rtattr *)(p + nh->nlmsg_len);
	rta->rta_type = IFLA_MASTER;
	rta->rta_len = RTA_LENGTH(sizeof(master));
	memcpy(RTA_DATA(rta), &master, sizeof(master));
	m->dlen -= NLMSG_ALIGN(nh->nlmsg_len);
	nh->nlmsg_len += RTA_ALIGN(rta->rta_len);
	m->dlen += NLMSG_ALIGN(nh->nlmsg_len);
}

static struct hwts_linkmon *open_lm(void)
{
	struct hwts_linkmon *lm = NULL;

	assert_int_equal(hwts_linkmon_open(&lm), 0);
	assert_non_null(lm);
	assert_true(hwts_linkmon_fd(lm) >= 0);
	return lm;
}

static void test_events(void **state)
{
	struct hwts_linkmon *lm = open_lm();
	struct ht_msg *m;

	(void)state;
	m = kmsg();
	add_link(m, RTM_NEWLINK, 5, IFF_UP | IFF_RUNNING, "veth0", 6);
	add_link(m, RTM_NEWADDR, 5, 0, NULL, 0); /* not ours: skipped */
	add_link(m, RTM_NEWLINK, 7, IFF_UP, "eth1", 5);
	m = kmsg();
	add_link(m, RTM_DELLINK, 6, IFF_UP | IFF_RUNNING, "gone0", 6);
	assert_int_equal(hwts_linkmon_read(lm, on_link, &ev), 0);
	assert_int_equal(ev.n, 3);
	assert_int_equal(ev.index[0], 5);
	assert_string_equal(ev.name[0], "veth0");
	assert_true(ev.up[0]);
	assert_int_equal(ev.index[1], 7);
	assert_string_equal(ev.name[1], "eth1");
	assert_false(ev.up[1]);
	assert_int_equal(ev.index[2], 6);
	assert_false(ev.up[2]); /* deleted: down whatever its flags */
	assert_true(ev.exists[0] && ev.exists[1]);
	assert_false(ev.exists[2]);
	assert_int_equal(ev.master[0], 0);
	assert_int_equal(ht_rq.flag_mismatch, 0);
	assert_int_equal(ht_rq.last_flags, MSG_DONTWAIT);
	hwts_linkmon_close(lm);
}

static void test_master(void **state)
{
	struct hwts_linkmon *lm = open_lm();

	(void)state;
	add_link_master(kmsg(), 12, "vnet3", 4);
	assert_int_equal(hwts_linkmon_read(lm, on_link, &ev), 0);
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.name[0], "vnet3");
	assert_int_equal(ev.master[0], 4);
	assert_true(ev.exists[0] && ev.up[0]);
	hwts_linkmon_close(lm);
}

static void test_malformed(void **state)
{
	struct hwts_linkmon *lm = open_lm();
	struct nlmsghdr *nh;
	struct ht_msg *m;

	(void)state;
	/* a name without its NUL, then one too long */
	m = kmsg();
	add_link(m, RTM_NEWLINK, 8, IFF_RUNNING, "abc", 3);
	add_link(m, RTM_NEWLINK, 9, IFF_RUNNING, "0123456789abcdefXYZ", 20);
	/* a message claiming more bytes than there are: parsing stops */
	m = kmsg();
	add_link(m, RTM_NEWLINK, 10, IFF_RUNNING, "ok0", 4);
	add_link(m, RTM_NEWLINK, 11, IFF_RUNNING, "bad0", 5);
	nh = (struct nlmsghdr *)(m->data + NLMSG_ALIGN(
					       ((struct nlmsghdr *)m->data)
						       ->nlmsg_len));
	nh->nlmsg_len = 4000;
	/* a header-only message too short for struct ifinfomsg */
	m = kmsg();
	nh = (struct nlmsghdr *)m->data;
	nh->nlmsg_len = NLMSG_LENGTH(4);
	nh->nlmsg_type = RTM_NEWLINK;
	m->dlen = NLMSG_ALIGN(nh->nlmsg_len);
	assert_int_equal(hwts_linkmon_read(lm, on_link, &ev), 0);
	assert_int_equal(ev.n, 3);
	assert_int_equal(ev.index[0], 8);
	assert_string_equal(ev.name[0], "");
	assert_int_equal(ev.index[1], 9);
	assert_string_equal(ev.name[1], "");
	assert_int_equal(ev.index[2], 10);
	assert_string_equal(ev.name[2], "ok0");
	hwts_linkmon_close(lm);
}

static void test_foreign_and_truncated(void **state)
{
	struct hwts_linkmon *lm = open_lm();
	struct sockaddr_nl sa;
	struct ht_msg *m;

	(void)state;
	m = kmsg();
	add_link(m, RTM_NEWLINK, 5, IFF_RUNNING, "veth0", 6);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_pid = 4242; /* another process, not the kernel */
	memcpy(m->name, &sa, sizeof(sa));
	m = kmsg();
	add_link(m, RTM_NEWLINK, 6, IFF_RUNNING, "veth1", 6);
	m->flags = MSG_TRUNC;
	assert_int_equal(hwts_linkmon_read(lm, on_link, &ev), 0);
	assert_int_equal(ev.n, 0);
	assert_true(ht_log_has("linkmon: dropped a netlink message"));
	hwts_linkmon_close(lm);
}

static void test_overrun_dumps(void **state)
{
	struct hwts_linkmon *lm = open_lm();
	struct ht_msg *m;

	(void)state;
	ht_rq_add_err(ENOBUFS);
	m = kmsg();
	add_link(m, RTM_NEWLINK, 5, IFF_RUNNING, "veth0", 6);
	assert_int_equal(hwts_linkmon_read(lm, on_link, &ev), 0);
	assert_int_equal(sd.n_send, 1);
	assert_int_equal(sd.req.nlmsg_type, RTM_GETLINK);
	assert_int_equal(sd.req.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_true(ht_log_has("linkmon: link events lost"));
	assert_int_equal(ev.n, 1);
	/* other errors are returned */
	ht_rq_add_err(EBADF);
	assert_int_equal(hwts_linkmon_read(lm, on_link, &ev), -EBADF);
	hwts_linkmon_close(lm);
	hwts_linkmon_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_events, setup),
		cmocka_unit_test_setup(test_master, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_foreign_and_truncated, setup),
		cmocka_unit_test_setup(test_overrun_dumps, setup),
	};

	return cmocka_run_group_tests_name("hwts_linkmon", tests, NULL, NULL);
}
