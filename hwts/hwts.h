/*
 * hwts/hwts.h — the Linux edge besides transports: interfaces, timestamping
 * capabilities, PHC and system-clock hwclocks, link monitoring.
 *
 * Capabilities and the PHC index come from ethtool's TSINFO over generic
 * netlink (libnl), falling back to the ETHTOOL_GET_TS_INFO ioctl.  Clocks
 * implement common/hwclock.h.  Every function returns 0 or a negative errno
 * and logs the reason with the interface or device name.
 */
#ifndef HVPTP_HWTS_HWTS_H
#define HVPTP_HWTS_HWTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/hwclock.h"

struct hwts_info {
	int phc_index; /* -1: none */
	uint32_t so_timestamping; /* SOF_TIMESTAMPING_* the device supports */
	uint32_t tx_types; /* bitmask of 1 << HWTSTAMP_TX_* */
	uint32_t rx_filters; /* bitmask of 1 << HWTSTAMP_FILTER_* */
	bool from_netlink; /* true: ethtool netlink; false: ioctl */
};

/* TSINFO for ifname: netlink first, ioctl fallback. */
int hwts_get_info(const char *ifname, struct hwts_info *out);
/* True when info allows the mode: software needs TX/RX_SOFTWARE + SOFTWARE;
 * hardware needs TX/RX_HARDWARE + RAW_HARDWARE and a PHC. */
bool hwts_info_supports(const struct hwts_info *info, bool hardware);
/* True when software timestamps can be had only with TX timestamps from
 * the scheduler (SOF_TIMESTAMPING_TX_SCHED, HWTS_SOFTWARE_SCHED): the
 * device stamps received packets but its driver sends none (a Linux
 * bridge, whose transmit path never calls skb_tx_timestamp). */
bool hwts_info_tx_sched(const struct hwts_info *info);

/* O_NONBLOCK and FD_CLOEXEC with fcntl: every socket of the daemon is
 * created without SOCK_NONBLOCK / SOCK_CLOEXEC (design.md §4). */
int hwts_fd_set_flags(int fd);

/* The interface's index; -ENODEV, not logged, when there is no such
 * interface (a guest's tap not created yet): the caller says so. */
int hwts_iface_index(const char *ifname, int *index);
int hwts_iface_mac(const char *ifname, uint8_t mac[6]);
/* The interface's IPv4 address (SIOCGIFADDR), network order.  A failed
 * ioctl is not logged: an interface without one (-EADDRNOTAVAIL) is
 * common. */
int hwts_iface_ipv4(const char *ifname, uint8_t ip[4]);
/* An IPv6 address of the interface (getifaddrs): a global one if it has
 * one, else its link-local one.  -EADDRNOTAVAIL, not logged, for none. */
int hwts_iface_ipv6(const char *ifname, uint8_t ip[16]);

/* PHC /dev/ptpN (index) or a path; readonly: adjfreq/step/set_leap fail
 * with -EPERM (free-running mode guards the clock). */
int phc_open(int index, bool readonly, struct hwclock **out);
int phc_open_path(const char *path, bool readonly, struct hwclock **out);
/* CLOCK_REALTIME as a hwclock; readonly as above. */
int sysclk_open(bool readonly, struct hwclock **out);

/* What is known of one interface: from a link event (rtnetlink) or a
 * listing of the interfaces (hwts_iface_list). */
struct hwts_link {
	int ifindex;
	const char *name; /* "" when the event carried none */
	bool exists; /* false: deleted (RTM_DELLINK) */
	bool up; /* IFF_RUNNING (false when deleted) */
	int master; /* ifindex of its bridge/bond (IFLA_MASTER), 0: none */
};
typedef void (*hwts_link_cb)(void *ctx, const struct hwts_link *l);

/* Link monitoring over rtnetlink: fd to poll, then read events. */
struct hwts_linkmon;
int hwts_linkmon_open(struct hwts_linkmon **out);
int hwts_linkmon_fd(const struct hwts_linkmon *lm);
/* Drain pending events, calling cb for each link state seen. */
int hwts_linkmon_read(struct hwts_linkmon *lm, hwts_link_cb cb, void *ctx);
void hwts_linkmon_close(struct hwts_linkmon *lm);
/* Current operational state of ifname (IFF_RUNNING); -errno on failure. */
int hwts_iface_running(const char *ifname, bool *up);
/* The interface's master (the bridge it is a port of) from sysfs
 * (/sys/class/net/IF/master): its ifindex, 0 for none. */
int hwts_iface_master(const char *ifname);
/* Every interface there is now (if_nameindex, IFF_RUNNING, master), one
 * call of cb each: link state without rtnetlink.  0 or -errno. */
int hwts_iface_list(hwts_link_cb cb, void *ctx);

#endif
