/*
 * daemon/privdrop.c — least privilege after start (see privdrop.h).
 *
 * What the daemon still does after start, and the capability each needs
 * (read from daemon/ports.c, hwts/, mgmt/, vm/; kernel 5.7 and later):
 *
 * - CAP_SYS_TIME unless free_running: adjtimex/clock_adjtime on
 *   CLOCK_REALTIME, the kernel's TAI offset and leap flags.  (A PHC is
 *   adjusted through its /dev/ptpN descriptor, opened read-write at start:
 *   the kernel checks the descriptor's mode, not a capability.  Kept for
 *   the system clock, which follows the reference or stamps a software
 *   port in every configuration that adjusts anything.)
 * - CAP_NET_BIND_SERVICE when a port (fixed or pattern) or the metrics
 *   endpoint uses a port below 1024 (319/320 by default): sockets are
 *   opened again after start when a fixed port's interface comes back
 *   (re-created tap, ports.c fixed_back), when a guest's tap matching a
 *   pattern appears (dynamic_add), when a reload adds a port or moves
 *   the metrics endpoint.
 * - CAP_NET_ADMIN when a fixed port uses hardware timestamps (its
 *   interface coming back runs SIOCSHWTSTAMP again, and closing a port
 *   restores the NIC's previous setting with it), socket_priority is
 *   above 6 (SO_PRIORITY) or socket_rcvbuf is set (SO_RCVBUFFORCE on
 *   every re-opened socket).  A plain link flap re-applies nothing.
 * - CAP_NET_RAW when a section sets network_transport L2 (packet
 *   sockets for a port that comes back or appears), and on kernels
 *   before 5.7 where SO_BINDTODEVICE needs it.
 *
 * Nothing else: the management sockets, PHC descriptors, netlink and
 * metrics sockets stay open across the drop; files written later
 * (metrics_textfile, a re-created vmclock page) must be in directories
 * the user may write, which hvd_privdrop() checks.
 *
 * The sequence (capabilities(7), "Effect of user ID changes"): keep the
 * permitted set across setresuid (PR_SET_KEEPCAPS), drop every other
 * capability from the bounding set while CAP_SETPCAP is still there,
 * clear the ambient set, set the supplementary groups, gid then uid,
 * then capset() to exactly the kept set (inheritable empty), and
 * no_new_privs.  Read back from the kernel and compared before READY=1.
 */
#include "daemon/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon.h"

#define PRIVDROP_CAP_MAX 63

static bool port_below_1024(const struct transport_cfg *t)
{
	return t->event_port < 1024 || t->general_port < 1024;
}

static bool transport_needs_admin(const struct transport_cfg *t)
{
	return t->socket_priority > 6 || t->rcvbuf > 0;
}

/* The port of "A.B.C.D:PORT" below 1024. */
static bool metrics_below_1024(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	long port;

	if (!*addr || !colon)
		return false;
	port = strtol(colon + 1, NULL, 10);
	return port > 0 && port < 1024;
}

uint64_t privdrop_caps_needed(const struct hvd_settings *s, int kernel)
{
	uint64_t keep = 0;
	bool bind = metrics_below_1024(s->metrics_address);
	bool admin = s->any_hardware;

	for (int i = 0; i < s->nports; i++) {
		bind |= port_below_1024(&s->transport[i]);
		admin |= transport_needs_admin(&s->transport[i]);
	}
	for (int t = 0; t < s->ntemplates; t++) {
		bind |= port_below_1024(&s->templates[t].transport);
		admin |= transport_needs_admin(&s->templates[t].transport);
	}
	if (!s->disc.free_running)
		keep |= PRIVDROP_BIT(CAP_SYS_TIME);
	if (bind)
		keep |= PRIVDROP_BIT(CAP_NET_BIND_SERVICE);
	if (admin)
		keep |= PRIVDROP_BIT(CAP_NET_ADMIN);
	if (s->any_l2 || kernel < 5007)
		keep |= PRIVDROP_BIT(CAP_NET_RAW);
	return keep;
}

const char *privdrop_caps_text(uint64_t caps, char *buf, size_t cap)
{
	static const struct {
		int cap;
		const char *name;
	} names[] = {
		{ CAP_CHOWN, "cap_chown" },
		{ CAP_NET_ADMIN, "cap_net_admin" },
		{ CAP_NET_BIND_SERVICE, "cap_net_bind_service" },
		{ CAP_NET_RAW, "cap_net_raw" },
		{ CAP_SETGID, "cap_setgid" },
		{ CAP_SETPCAP, "cap_setpcap" },
		{ CAP_SETUID, "cap_setuid" },
		{ CAP_SYS_TIME, "cap_sys_time" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(caps & PRIVDROP_BIT(names[i].cap)))
			continue;
		caps &= ~PRIVDROP_BIT(names[i].cap);
		if (n < cap)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s",
					      n ? "," : "", names[i].name);
	}
	if (caps && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, "%s0x%llx",
				      n ? "," : "", (unsigned long long)caps);
	if (!n)
		snprintf(buf, cap, "none");
	return buf;
}

static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0; /* unknown: as an old kernel (CAP_NET_RAW kept) */
	return major * 1000 + minor;
}

gid_t privdrop_uds_gid(const char *name)
{
	struct group *g;

	if (!name || !*name)
		return (gid_t)-1;
	errno = 0;
	g = getgrnam(name);
	if (!g) {
		cm_err("uds_group %s: %s", name,
		       errno ? strerror(errno) : "no such group");
		return (gid_t)-1;
	}
	return g->gr_gid;
}

/* user, the user's primary and supplementary groups, and uds_group. */
static int plan_ids(const struct hvd_settings *s, struct privdrop_plan *p)
{
	int n = PRIVDROP_MAX_GROUPS - 1;
	struct passwd *pw;
	gid_t ug;

	errno = 0;
	pw = getpwnam(s->user);
	if (!pw) {
		cm_err("user %s: %s", s->user,
		       errno ? strerror(errno) : "no such user");
		return -ENOENT;
	}
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	if (getgrouplist(pw->pw_name, p->gid, p->groups, &n) < 0) {
		cm_err("user %s: more than %d groups", s->user, n);
		return -E2BIG;
	}
	p->ngroups = n;
	ug = privdrop_uds_gid(s->uds_group);
	if (*s->uds_group && ug == (gid_t)-1)
		return -ENOENT;
	if (ug != (gid_t)-1) /* to give new socket files that group */
		p->groups[p->ngroups++] = ug;
	return 0;
}

static int caps_set(uint64_t permitted, uint64_t effective)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct c[2];

	memset(c, 0, sizeof(c));
	for (int i = 0; i < 2; i++) {
		c[i].permitted = (uint32_t)(permitted >> (32 * i));
		c[i].effective = (uint32_t)(effective >> (32 * i));
	}
	return syscall(SYS_capset, &h, c) < 0 ? -errno : 0;
}

/* The process's sets as the kernel has them. */
static int caps_get(uint64_t *permitted, uint64_t *effective,
		    uint64_t *inheritable)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct c[2];

	if (syscall(SYS_capget, &h, c) < 0)
		return -errno;
	*permitted = c[0].permitted | (uint64_t)c[1].permitted << 32;
	*effective = c[0].effective | (uint64_t)c[1].effective << 32;
	*inheritable = c[0].inheritable | (uint64_t)c[1].inheritable << 32;
	return 0;
}

/* Every capability not kept leaves the bounding set (those already gone,
 * e.g. under a systemd CapabilityBoundingSet, are skipped: dropping needs
 * CAP_SETPCAP even for them). */
static int bounding_trim(uint64_t keep)
{
	for (int c = 0; c <= PRIVDROP_CAP_MAX; c++) {
		int in = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (in < 0)
			break; /* past the kernel's last capability */
		if (in == 0 || (keep & PRIVDROP_BIT(c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return -errno;
	}
	return 0;
}

#define STEP(call, what)                                                 \
	do {                                                             \
		if ((call) < 0) {                                        \
			int e_ = errno;                                  \
			cm_err("privileges: %s: %s", what, strerror(e_)); \
			return -e_;                                      \
		}                                                        \
	} while (0)

static int privdrop_apply(const struct privdrop_plan *p)
{
	int err;

	STEP(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "PR_SET_KEEPCAPS");
	err = bounding_trim(p->keep);
	if (err < 0) {
		cm_err("privileges: PR_CAPBSET_DROP: %s (CAP_SETPCAP missing? "
		       "a systemd CapabilityBoundingSet must include "
		       "CAP_SETPCAP, CAP_SETUID and CAP_SETGID for user)",
		       strerror(-err));
		return err;
	}
	STEP(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0),
	     "PR_CAP_AMBIENT_CLEAR_ALL");
	STEP(setgroups((size_t)p->ngroups, p->groups), "setgroups");
	STEP(setresgid(p->gid, p->gid, p->gid), "setresgid");
	STEP(setresuid(p->uid, p->uid, p->uid), "setresuid");
	err = caps_set(p->keep, p->keep);
	if (err < 0) {
		cm_err("privileges: capset: %s", strerror(-err));
		return err;
	}
	STEP(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "PR_SET_KEEPCAPS 0");
	STEP(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS");
#ifdef HVD_SANITIZED
	/* the uid change made it non-dumpable: LeakSanitizer could not
	 * attach to its own threads at exit */
	STEP(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "PR_SET_DUMPABLE");
#endif
	return 0;
}

/* What the kernel now says, against the plan. */
static int privdrop_verify(const struct privdrop_plan *p)
{
	uint64_t prm = 0, eff = 0, inh = 0;
	uid_t r, e, s;
	int err = caps_get(&prm, &eff, &inh);

	if (err < 0)
		return err;
	if (getresuid(&r, &e, &s) < 0)
		return -errno;
	if (r != p->uid || e != p->uid || s != p->uid || prm != p->keep ||
	    eff != p->keep || inh != 0 ||
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		cm_err("privileges: not as planned (uid %u/%u/%u, permitted "
		       "0x%llx effective 0x%llx inheritable 0x%llx)", r, e, s,
		       (unsigned long long)prm, (unsigned long long)eff,
		       (unsigned long long)inh);
		return -EPERM;
	}
	return 0;
}

/* The directory of path writable now (for files made after the drop). */
static bool dir_writable(const char *path, char *dir, size_t cap)
{
	char *slash;

	snprintf(dir, cap, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, cap, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return access(dir, W_OK | X_OK) == 0;
}

/* Files written after the drop: an error when they cannot be; socket
 * directories: a notice (the files stay at exit, a reload cannot move
 * them; the next start replaces a stale one). */
static int check_paths(const struct hvd_settings *s)
{
	const char *socks[] = { s->uds_address, s->uds_ro_address };
	char dir[256];

	if (*s->metrics_textfile &&
	    !dir_writable(s->metrics_textfile, dir, sizeof(dir))) {
		cm_err("metrics_textfile %s: user %s cannot write in %s",
		       s->metrics_textfile, s->user, dir);
		return -EACCES;
	}
	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		if (*socks[i] && !dir_writable(socks[i], dir, sizeof(dir)))
			cm_notice("management socket %s: user %s cannot write "
				  "in %s: the file stays after exit (the next "
				  "start replaces it) and a reload cannot "
				  "open it elsewhere", socks[i], s->user, dir);
	}
	return 0;
}

int hvd_privdrop(struct hvd *d)
{
	const struct hvd_settings *s = &d->set;
	struct privdrop_plan p;
	char text[160];
	int err;

	if (!*s->user)
		return 0;
	memset(&p, 0, sizeof(p));
	err = plan_ids(s, &p);
	if (err < 0)
		return err;
	p.keep = privdrop_caps_needed(s, kernel_version());
	err = privdrop_apply(&p);
	if (!err)
		err = privdrop_verify(&p);
	if (!err)
		err = check_paths(s);
	if (err < 0)
		return err;
	cm_notice("privileges: running as user %s (uid %u, gid %u), "
		  "capabilities %s, no_new_privs", s->user, (unsigned)p.uid,
		  (unsigned)p.gid, privdrop_caps_text(p.keep, text,
						      sizeof(text)));
	return 0;
}
