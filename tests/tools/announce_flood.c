/*
 * tests/tools/announce_flood.c — a hostile Announce sender for the flood
 * test and bench (tests/interop/test_announce_flood.sh,
 * bench/announce_flood.sh).  Root, inside a network namespace only.
 *
 * Sends PTP Announce messages (IEEE 1588-2019 13.5) over UDPv4 to
 * 224.0.1.129:320 out of one interface, at a fixed rate for a bounded time,
 * from N identities in turn (each identity then repeats every N/rate
 * seconds) or from a new identity for every message (-n 0: each heard
 * once).  Through a raw socket with our own IPv4 header, the source
 * address can be one address or one of COUNT addresses in turn (-S: the
 * spoofed case; keep them inside the namespace's own subnet).  The
 * grandmaster data announced is worse (priority1 250, clockClass 248) or
 * better (-B: priority1 1, clockClass 6) than any ordinary grandmaster,
 * or set with -p/-c.  Prints what it sent when it stops (after -t
 * seconds, or on SIGINT/SIGTERM).
 *
 * Not a PTP implementation: sequenceIds count per identity mod 2^16, the
 * originTimestamp is zero, nothing is received.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ANNOUNCE_LEN 64
#define PKT_LEN (sizeof(struct iphdr) + sizeof(struct udphdr) + ANNOUNCE_LEN)

struct flood {
	const char *ifname;
	uint32_t ids; /* 0: a new identity every message */
	uint32_t id_base; /* first identity number */
	double rate; /* messages per second */
	double seconds;
	int prio1, clock_class, log_interval, domain;
	struct in_addr src; /* first source address */
	uint32_t src_count; /* source addresses in turn */
};

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: announce_flood -i IFACE [-n IDS] [-r RATE] [-t SECONDS]\n"
		"         [-B] [-p PRIORITY1] [-c CLOCKCLASS] [-l LOGINTERVAL]\n"
		"         [-d DOMAIN] [-s SRC] [-S COUNT] [-b BASE]\n"
		"  -n IDS    identities in turn (default 5000; 0: a new one per message)\n"
		"  -r RATE   messages per second (default 5000)\n"
		"  -t SECS   stop after SECS seconds (default 10; at most 3600)\n"
		"  -B        better than ordinary grandmasters (priority1 1, class 6);\n"
		"            default worse (priority1 250, class 248)\n"
		"  -s SRC    source address (default: IFACE's address)\n"
		"  -S COUNT  COUNT source addresses from SRC up, in turn (spoofed)\n"
		"  -b BASE   number of the first identity (default 0)\n");
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_opt(struct flood *f, int c, const char *arg)
{
	double v = 0;
	int err = 0;

	switch (c) {
	case 'i': f->ifname = arg; return 0;
	case 'B': f->prio1 = 1; f->clock_class = 6; return 0;
	case 's': return inet_pton(AF_INET, arg, &f->src) == 1 ? 0 : -EINVAL;
	case 'n': err = parse_num(arg, 0, 4e9, &v); f->ids = (uint32_t)v; break;
	case 'b': err = parse_num(arg, 0, 4e9, &v); f->id_base = (uint32_t)v; break;
	case 'r': err = parse_num(arg, 1, 1e7, &f->rate); break;
	case 't': err = parse_num(arg, 0.1, 3600, &f->seconds); break;
	case 'p': err = parse_num(arg, 0, 255, &v); f->prio1 = (int)v; break;
	case 'c': err = parse_num(arg, 0, 255, &v); f->clock_class = (int)v; break;
	case 'l': err = parse_num(arg, -7, 7, &v); f->log_interval = (int)v; break;
	case 'd': err = parse_num(arg, 0, 255, &v); f->domain = (int)v; break;
	case 'S': err = parse_num(arg, 1, 65536, &v); f->src_count = (uint32_t)v; break;
	default: return -EINVAL;
	}
	return err;
}

static int parse_args(struct flood *f, int argc, char **argv)
{
	int c;

	*f = (struct flood){ .ids = 5000, .rate = 5000, .seconds = 10,
			     .prio1 = 250, .clock_class = 248,
			     .src_count = 1 };
	while ((c = getopt(argc, argv, "i:n:r:t:Bp:c:l:d:s:S:b:h")) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (parse_opt(f, c, optarg) < 0) {
			fprintf(stderr, "announce_flood: -%c %s: bad value\n",
				c, optarg ? optarg : "");
			return -EINVAL;
		}
	}
	if (!f->ifname || optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static int iface_addr(int fd, const char *ifname, struct in_addr *out)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0)
		return -errno;
	*out = ((struct sockaddr_in *)(void *)&ifr.ifr_addr)->sin_addr;
	return 0;
}

static int open_raw(struct flood *f)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	int one = 1;

	if (fd < 0) {
		perror("announce_flood: raw socket (root?)");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, f->ifname,
		       (socklen_t)strlen(f->ifname) + 1) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("announce_flood: setsockopt");
		close(fd);
		return -1;
	}
	if (!f->src.s_addr && iface_addr(fd, f->ifname, &f->src) < 0) {
		fprintf(stderr, "announce_flood: %s has no IPv4 address (-s)\n",
			f->ifname);
		close(fd);
		return -1;
	}
	return fd;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The Announce of identity number id (13.3 header, 13.5 body). */
static void build_announce(const struct flood *f, uint8_t *a, uint32_t id,
			   uint16_t seq)
{
	uint8_t ident[8] = { 0x02, 0xf1, 0x00, 0xd0, (uint8_t)(id >> 24),
			     (uint8_t)(id >> 16), (uint8_t)(id >> 8),
			     (uint8_t)id };

	memset(a, 0, ANNOUNCE_LEN);
	a[0] = 0x0b; /* messageType Announce */
	a[1] = 0x02; /* versionPTP 2 */
	put16(a + 2, ANNOUNCE_LEN);
	a[4] = (uint8_t)f->domain;
	a[7] = 0x08; /* ptpTimescale */
	memcpy(a + 20, ident, 8);
	put16(a + 28, 1); /* portNumber */
	put16(a + 30, seq);
	a[32] = 5; /* controlField: other */
	a[33] = (uint8_t)(int8_t)f->log_interval;
	put16(a + 44, 37); /* currentUtcOffset */
	a[47] = (uint8_t)f->prio1;
	a[48] = (uint8_t)f->clock_class;
	a[49] = 0xfe; /* clockAccuracy unknown */
	put16(a + 50, 0xffff);
	a[52] = 128; /* priority2 */
	memcpy(a + 53, ident, 8); /* grandmasterIdentity */
	put16(a + 61, 0); /* stepsRemoved */
	a[63] = 0xa0; /* timeSource internal oscillator */
}

static void build_packet(const struct flood *f, uint8_t *pkt, uint32_t id,
			 uint16_t seq, uint32_t src_index)
{
	struct iphdr *ip = (struct iphdr *)(void *)pkt;
	struct udphdr *udp = (struct udphdr *)(void *)(pkt + sizeof(*ip));

	memset(pkt, 0, sizeof(*ip) + sizeof(*udp));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 1;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(PKT_LEN);
	ip->saddr = htonl(ntohl(f->src.s_addr) + src_index);
	ip->daddr = htonl(0xe0000181); /* 224.0.1.129 */
	udp->source = htons(320);
	udp->dest = htons(320);
	udp->len = htons(sizeof(*udp) + ANNOUNCE_LEN);
	udp->check = 0; /* optional over IPv4 */
	build_announce(f, pkt + sizeof(*ip) + sizeof(*udp), id, seq);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct counts {
	uint64_t sent, failed;
};

/* Send message number k (0-based) of the run. */
static void send_one(const struct flood *f, int fd, uint64_t k,
		     struct counts *c)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t pkt[PKT_LEN];
	uint32_t id = f->ids ? (uint32_t)(k % f->ids) : (uint32_t)k;
	uint16_t seq = (uint16_t)(f->ids ? k / f->ids : 0);

	to.sin_addr.s_addr = htonl(0xe0000181);
	build_packet(f, pkt, f->id_base + id, seq,
		     (uint32_t)(k % f->src_count));
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
		   sizeof(to)) == (ssize_t)sizeof(pkt))
		c->sent++;
	else
		c->failed++;
}

static void run(const struct flood *f, int fd, struct counts *c)
{
	int64_t t0 = mono_ns(), end = t0 + (int64_t)(f->seconds * 1e9);
	double per_ns = f->rate / 1e9;
	uint64_t k = 0;

	while (!stop_now) {
		int64_t now = mono_ns();
		uint64_t due = (uint64_t)((double)(now - t0) * per_ns);
		struct timespec pause = { 0, 1000000 }; /* 1 ms */

		if (now >= end)
			break;
		while (k < due && !stop_now)
			send_one(f, fd, k++, c);
		nanosleep(&pause, NULL);
	}
}

int main(int argc, char **argv)
{
	struct counts c = { 0 };
	struct flood f;
	int64_t t0;
	double secs;
	int fd;

	if (parse_args(&f, argc, argv) < 0)
		return 2;
	fd = open_raw(&f);
	if (fd < 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = mono_ns();
	run(&f, fd, &c);
	secs = (double)(mono_ns() - t0) / 1e9;
	printf("announce_flood: %llu sent (%llu failed) in %.1f s: %.0f/s; "
	       "%llu identities%s, priority1 %d class %d, %u source "
	       "address%s\n",
	       (unsigned long long)c.sent, (unsigned long long)c.failed, secs,
	       secs > 0 ? (double)c.sent / secs : 0.0,
	       (unsigned long long)(f.ids && f.ids < c.sent ? f.ids : c.sent),
	       f.ids ? " in turn" : " each heard once", f.prio1,
	       f.clock_class, f.src_count, f.src_count == 1 ? "" : "es");
	close(fd);
	return 0;
}
