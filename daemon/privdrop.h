/*
 * daemon/privdrop.h — least privilege: after start, another user and only
 * the capabilities the running daemon still needs.
 *
 * hvptpd starts as root: it opens /dev/ptp* (root, 0600), binds the PTP
 * ports 319 and 320, sets hardware timestamping on the NICs and creates
 * its sockets under /run.  With the option user set (ptp4l's name, from
 * linuxptp after 4.4; hvptpd.conf(5)) it then becomes that user (its
 * primary and supplementary groups, and uds_group), keeping in
 * its permitted and effective sets, and in its bounding set, only what it
 * still does after start (privdrop_caps_needed: the reasons are in
 * docs/hvptpd.conf.5 and privdrop.c), clears its inheritable and ambient
 * sets and sets no_new_privs, so that nothing it could ever execute gains
 * a privilege back.  Without user nothing changes (as ptp4l).
 *
 * The decision (which capabilities) is pure and unit-tested; applying it
 * is a short fixed sequence of system calls (privdrop_apply) done once,
 * in hvd_open() after every socket and clock is open and before READY=1.
 */
#ifndef HVPTP_DAEMON_PRIVDROP_H
#define HVPTP_DAEMON_PRIVDROP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct hvd;
struct hvd_settings;

#define PRIVDROP_MAX_GROUPS 64

/* Built with AddressSanitizer: its leak check at exit ptrace()s the
 * process from a thread of its own (privdrop keeps the process dumpable,
 * seccomp allows what that needs). */
#if defined(__SANITIZE_ADDRESS__)
#define HVD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HVD_SANITIZED 1
#endif
#endif

/* Bits of the capabilities kept (1 << CAP_xxx). */
#define PRIVDROP_BIT(c) (UINT64_C(1) << (c))

struct privdrop_plan {
	uid_t uid;
	gid_t gid;
	gid_t groups[PRIVDROP_MAX_GROUPS]; /* supplementary */
	int ngroups;
	uint64_t keep; /* capabilities kept: permitted, effective, bounding */
};

/* The capabilities the daemon still uses after start, from its settings
 * (kernel: the running kernel's version as major * 1000 + minor; before
 * 5.7 SO_BINDTODEVICE needs CAP_NET_RAW). */
uint64_t privdrop_caps_needed(const struct hvd_settings *s, int kernel);

/* "cap_net_bind_service,cap_sys_time" (or "none") into buf. */
const char *privdrop_caps_text(uint64_t caps, char *buf, size_t cap);

/* The daemon's side: resolve user/group/uds_group, decide, apply, check
 * and log.  0 (also when user is not set: nothing done), or a negative
 * errno after logging why. */
int hvd_privdrop(struct hvd *d);

/* The gid of uds_group (-1: not set or not found, after logging). */
gid_t privdrop_uds_gid(const char *name);

#endif
