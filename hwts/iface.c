/*
 * hwts/iface.c — interface look-ups through plain ioctls (SIOCGIFINDEX,
 * SIOCGIFHWADDR, SIOCGIFFLAGS) and small helpers shared by hwts/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hwts/hwts.h"
#include "hwts/hwts_priv.h"

const char *hwts_errname(int err)
{
	const char *s;

	if (err < 0)
		err = -err;
	s = strerrorname_np(err);
	return s ? s : "unknown error";
}

int hwts_fd_set_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int hwts_ifreq_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr,
		     const char *what, bool quiet)
{
	size_t n = ifname ? strlen(ifname) : 0;
	int fd, err = 0;

	if (n == 0 || n >= sizeof(ifr->ifr_name)) {
		cm_err("%s: bad interface name", ifname ? ifname : "(null)");
		return -EINVAL;
	}
	memcpy(ifr->ifr_name, ifname, n + 1);
	/* a host (or a simulator) with IPv6 only has no AF_INET sockets */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 && (errno == EAFNOSUPPORT || errno == EINVAL))
		fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		err = -errno;
		cm_err("%s: socket for %s: %s", ifname, what, strerror(-err));
		return err;
	}
	if (ioctl(fd, req, ifr) < 0) {
		err = -errno;
		if (!quiet)
			cm_err("%s: %s: %s (%s)", ifname, what, strerror(-err),
			       hwts_errname(err));
	}
	close(fd);
	return err;
}

int hwts_iface_index(const char *ifname, int *index)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = hwts_ifreq_ioctl(ifname, SIOCGIFINDEX, &ifr, "SIOCGIFINDEX",
			       true);
	if (err == -ENODEV)
		return err; /* no such interface (yet): the caller says so */
	if (err) {
		cm_err("%s: SIOCGIFINDEX: %s (%s)", ifname, strerror(-err),
		       hwts_errname(err));
		return err;
	}
	if (ifr.ifr_ifindex <= 0) {
		cm_err("%s: SIOCGIFINDEX gave index %d", ifname,
		       ifr.ifr_ifindex);
		return -ENODEV;
	}
	*index = ifr.ifr_ifindex;
	return 0;
}

int hwts_iface_mac(const char *ifname, uint8_t mac[6])
{
	static const uint8_t zero[6];
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = hwts_ifreq_ioctl(ifname, SIOCGIFHWADDR, &ifr, "SIOCGIFHWADDR",
			       false);
	if (err)
		return err;
	if (memcmp(ifr.ifr_hwaddr.sa_data, zero, 6) == 0) {
		cm_err("%s: no hardware address (link type %u)", ifname,
		       (unsigned int)ifr.ifr_hwaddr.sa_family);
		return -EADDRNOTAVAIL;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		cm_debug("%s: link type %u is not Ethernet", ifname,
			 (unsigned int)ifr.ifr_hwaddr.sa_family);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

int hwts_iface_ipv4(const char *ifname, uint8_t ip[4])
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_addr.sa_family = AF_INET;
	err = hwts_ifreq_ioctl(ifname, SIOCGIFADDR, &ifr, "SIOCGIFADDR",
			       true);
	if (err)
		return err;
	memcpy(ip, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, 4);
	return 0;
}

int hwts_iface_ipv6(const char *ifname, uint8_t ip[16])
{
	struct ifaddrs *list, *a;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return -errno;
	for (a = list; a; a = a->ifa_next) {
		const struct sockaddr_in6 *s6;

		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6 ||
		    !a->ifa_name || strcmp(a->ifa_name, ifname) != 0)
			continue;
		s6 = (const struct sockaddr_in6 *)(const void *)a->ifa_addr;
		if (found && IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			continue;
		memcpy(ip, &s6->sin6_addr, 16);
		found = true;
		if (!IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			break;
	}
	freeifaddrs(list);
	return found ? 0 : -EADDRNOTAVAIL;
}

int hwts_iface_running(const char *ifname, bool *up)
{
	struct ifreq ifr;
	int err;

	memset(&ifr, 0, sizeof(ifr));
	err = hwts_ifreq_ioctl(ifname, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS",
			       false);
	if (err)
		return err;
	*up = (ifr.ifr_flags & IFF_RUNNING) != 0;
	return 0;
}

int hwts_iface_master(const char *ifname)
{
	char path[64 + IFNAMSIZ], target[256];
	const char *base;
	ssize_t n;

	if (!ifname[0] || strchr(ifname, '/'))
		return 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s/master", ifname);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	base = strrchr(target, '/');
	return (int)if_nametoindex(base ? base + 1 : target);
}

int hwts_iface_list(hwts_link_cb cb, void *ctx)
{
	struct if_nameindex *all = if_nameindex(), *i;

	if (!all)
		return -errno;
	for (i = all; i->if_index != 0 && i->if_name; i++) {
		struct hwts_link l = {
			.ifindex = (int)i->if_index,
			.name = i->if_name,
			.exists = true,
		};

		if (hwts_iface_running(i->if_name, &l.up) < 0)
			continue; /* gone since the listing */
		l.master = hwts_iface_master(i->if_name);
		cb(ctx, &l);
	}
	if_freenameindex(all);
	return 0;
}
