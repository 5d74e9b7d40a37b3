/*
 * bench/dreq_flood.c — send valid PTP Delay_Req messages at a set rate.
 *
 *   dreq_flood -d ADDR [-i IFACE] [-r RATE] [-t SECONDS] [-p PORT] [-u]
 *
 * One UDP socket, one source address and port: what one misbehaving (or
 * hostile) slave or guest does to a master.  Each message is a well-formed
 * 44-byte Delay_Req (IEEE 1588-2019 13.6) from a made-up port identity,
 * domain 0, sequenceId counting up, sent to ADDR (the PTP group
 * 224.0.1.129 by default, out of IFACE; or a master's unicast address)
 * port 319.  -u sets the unicastFlag (the master answers the sender
 * alone).  Paced on CLOCK_MONOTONIC in 1 ms slices: RATE/1000 messages
 * per slice, the remainder carried.  Prints what it sent and the rate it
 * achieved; exit 0, or 2 on a bad command line, 1 when it could not send.
 * Used by bench/dreq_flood.sh and tests/interop/test_dreq_flood.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DREQ_LEN 44
#define NS_PER_S 1000000000LL
#define SLICE_NS 1000000LL

struct opts {
	const char *dest, *ifname;
	long rate;
	double seconds;
	int port;
	int unicast;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* A Delay_Req: header (34 bytes) and originTimestamp (10, zero). */
static void dreq_build(uint8_t *b, uint16_t seq, int unicast)
{
	static const uint8_t id[8] = { 0x02, 0xfe, 0xed, 0xff,
				       0xfe, 0x00, 0x00, 0x01 };

	memset(b, 0, DREQ_LEN);
	b[0] = 0x01; /* majorSdoId 0, messageType Delay_Req */
	b[1] = 0x02; /* versionPTP 2 */
	b[2] = 0;
	b[3] = DREQ_LEN; /* messageLength */
	b[4] = 0; /* domainNumber */
	b[6] = unicast ? 0x04 : 0; /* flagField: unicastFlag */
	memcpy(b + 20, id, sizeof(id)); /* sourcePortIdentity */
	b[28] = 0;
	b[29] = 1; /* portNumber 1 */
	b[30] = (uint8_t)(seq >> 8);
	b[31] = (uint8_t)seq;
	b[32] = 0x01; /* controlField: Delay_Req */
	b[33] = 0x7f; /* logMessageInterval */
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .dest = "224.0.1.129", .rate = 20000,
			    .seconds = 10, .port = 319 };
	while ((c = getopt(argc, argv, "d:i:r:t:p:uh")) != -1) {
		switch (c) {
		case 'd': o->dest = optarg; break;
		case 'i': o->ifname = optarg; break;
		case 'r': o->rate = strtol(optarg, NULL, 10); break;
		case 't': o->seconds = strtod(optarg, NULL); break;
		case 'p': o->port = atoi(optarg); break;
		case 'u': o->unicast = 1; break;
		default:
			fprintf(stderr, "usage: %s -d ADDR [-i IFACE] [-r RATE]"
				" [-t SECONDS] [-p PORT] [-u]\n", argv[0]);
			return -EINVAL;
		}
	}
	if (o->rate <= 0 || o->seconds <= 0 || o->port <= 0 || o->port > 65535)
		return -EINVAL;
	return 0;
}

static int open_socket(const struct opts *o, struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ip_mreqn mr;

	if (fd < 0)
		return -errno;
	memset(to, 0, sizeof(*to));
	to->sin_family = AF_INET;
	to->sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->dest, &to->sin_addr) != 1) {
		close(fd);
		return -EINVAL;
	}
	if (o->ifname) {
		memset(&mr, 0, sizeof(mr));
		mr.imr_ifindex = (int)if_nametoindex(o->ifname);
		if (!mr.imr_ifindex ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr,
			       sizeof(mr)) < 0) {
			close(fd);
			return -ENODEV;
		}
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sockaddr_in to;
	uint8_t buf[DREQ_LEN];
	uint64_t sent = 0, failed = 0;
	int64_t t0, end, next, owed = 0;
	uint16_t seq = 0;
	int fd;

	if (parse(argc, argv, &o) < 0)
		return 2;
	fd = open_socket(&o, &to);
	if (fd < 0) {
		fprintf(stderr, "dreq_flood: %s: %s\n", o.dest, strerror(-fd));
		return 1;
	}
	t0 = next = mono_ns();
	end = t0 + (int64_t)(o.seconds * NS_PER_S);
	while (next < end) {
		struct timespec ts = { next / NS_PER_S, next % NS_PER_S };

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		/* the messages due by now, in thousandths carried over */
		owed += o.rate;
		for (; owed >= 1000; owed -= 1000) {
			dreq_build(buf, seq++, o.unicast);
			if (sendto(fd, buf, sizeof(buf), 0,
				   (struct sockaddr *)&to, sizeof(to)) < 0)
				failed++;
			else
				sent++;
		}
		next += SLICE_NS;
	}
	printf("dreq_flood: %llu Delay_Req sent in %.1f s (%.0f/s), %llu "
	       "failed\n", (unsigned long long)sent,
	       (double)(mono_ns() - t0) / NS_PER_S,
	       (double)sent * NS_PER_S / (double)(mono_ns() - t0),
	       (unsigned long long)failed);
	close(fd);
	return sent ? 0 : 1;
}
