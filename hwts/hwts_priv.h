/*
 * hwts/hwts_priv.h — internals shared by the files of hwts/ and their tests.
 *
 * Not part of the interface other modules code against (that is
 * hwts/transport.h and hwts/hwts.h).  It exposes the pieces that are worth
 * testing on their own: the transports' shared base (struct transport and
 * the helpers of hwts/transport.c), the control-message parser for
 * SO_TIMESTAMPING and the error queue, the queue that maps TX timestamps
 * back to the tokens that send() was given, SO_TIMESTAMPING and
 * SIOCSHWTSTAMP setup, the TSINFO
 * netlink reply parser and the ETHTOOL_GET_TS_INFO ioctl path, and the
 * clocks' arithmetic (scaled ppm, the system clock's tick, error bounds in
 * us) apart from the clock_adjtime calls that use it.
 */
#ifndef HVPTP_HWTS_HWTS_PRIV_H
#define HVPTP_HWTS_HWTS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "common/tmv.h"
#include "hwts/hwts.h"
#include "hwts/transport.h"

/* ---- iface.c: small helpers ---- */

/* "EOPNOTSUPP" for 95 or -95; never NULL. */
const char *hwts_errname(int err);
/* Copy ifname into ifr (fails with -EINVAL when it does not fit), run the
 * ioctl on a throw-away AF_INET datagram socket.  -errno on failure, logged
 * unless quiet. */
int hwts_ifreq_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr,
		     const char *what, bool quiet);

/* ---- tstamp.c: SO_TIMESTAMPING, control messages, TX timestamps ---- */

/* What the control messages of one recvmsg carried. */
struct hwts_cmsg {
	bool have_sw; /* SCM_TIMESTAMPING ts[0] non-zero */
	bool have_hw; /* SCM_TIMESTAMPING ts[2] non-zero */
	tmv_t sw, hw;
	bool have_err; /* IP_RECVERR: a timestamp report from the
			  error queue (origin SO_EE_ORIGIN_TIMESTAMPING) */
	uint32_t key; /* ee_data: the OPT_ID key */
	uint32_t tstype; /* ee_info: SCM_TSTAMP_SND, ... */
	int n_cmsg; /* control messages seen */
};

/* Parse the control messages of one recvmsg: ctl, len bytes as the kernel
 * left them in msg_control / msg_controllen (bounds-checked; a pure
 * function: no syscall, no state, any bytes are safe).  Never fails:
 * unknown or short messages are ignored.  The entry point for fuzzing. */
void hwts_cmsg_parse_buf(const void *ctl, size_t len, struct hwts_cmsg *out);
/* The same over a msghdr after recvmsg. */
void hwts_cmsg_parse(struct msghdr *msg, struct hwts_cmsg *out);
/* The timestamp of the wanted kind (hardware: ts[2], software: ts[0]). */
bool hwts_cmsg_ts(const struct hwts_cmsg *c, bool hardware, tmv_t *ts);

#define HWTS_TXQ_LEN 16 /* outstanding TX timestamps remembered */
#define HWTS_TXQ_FP 32 /* bytes of each message kept to recognise it */

struct hwts_txq_ent {
	uint32_t txid; /* the send's place in the socket's key sequence */
	uint32_t token; /* the core's, handed back with the timestamp */
	bool want; /* false: one-step, no timestamp expected */
	uint32_t fails; /* txq.fails when this was sent */
	uint16_t len;
	uint8_t fp[HWTS_TXQ_FP];
};

/*
 * Outstanding event messages, oldest first.  With SOF_TIMESTAMPING_OPT_ID
 * the kernel's key is txid + key_off (0 unless a failed send consumed a
 * key); without it, timestamps match by the message bytes looped back with
 * them, else first in, first out.  The txid is internal (it counts sends
 * as the kernel counts keys); what comes out is the token the send was
 * given.  One-step sends take a key too: they are queued without wanting a
 * timestamp, so a device that reports one anyway does not shift the keys.
 */
struct hwts_txq {
	bool opt_id;
	uint32_t tstype; /* the TX timestamps wanted: SCM_TSTAMP_SND, or
			    SCM_TSTAMP_SCHED (HWTS_SOFTWARE_SCHED) */
	uint32_t next_txid;
	uint32_t key_off;
	uint32_t fails; /* failed event sends so far (wraps) */
	uint32_t anchor; /* fails up to here are resolved */
	unsigned int head, count;
	struct hwts_txq_ent e[HWTS_TXQ_LEN];
	uint64_t lost; /* entries dropped without a timestamp */
	uint64_t unmatched; /* timestamps that matched nothing */
	uint64_t unwanted; /* timestamps of one-step sends, dropped */
};

void hwts_txq_init(struct hwts_txq *q, bool opt_id, enum hwts_mode mode);
/* An event message went out with token (want: a TX timestamp is
 * expected); returns its txid. */
uint32_t hwts_txq_sent(struct hwts_txq *q, const void *buf, size_t len,
		       uint32_t token, bool want);
/* An event send failed (it may have used up an OPT_ID key). */
void hwts_txq_failed(struct hwts_txq *q);
/* Match a timestamp report (c) and the looped data to a send: true with
 * its token; false when it matches nothing (counted in unmatched) or a
 * one-step send (counted in unwanted). */
bool hwts_txq_match(struct hwts_txq *q, const struct hwts_cmsg *c,
		    const void *data, size_t dlen, uint32_t *token);

/* SO_TIMESTAMPING for mode on fd; event: TX timestamps and OPT_ID too
 * (*opt_id tells whether the kernel took it). */
int hwts_tstamp_enable(int fd, const char *ifname, enum hwts_mode mode,
		       bool event, bool *opt_id);
/* One TX timestamp from fd's error queue: 0, -EAGAIN, -ENOMSG (nothing
 * more, but one or more that matched no send were passed over: a count
 * for the caller), -errno.  Reports that match nothing (a bridge's second
 * scheduler stamp of the same send) are passed over. */
int hwts_txts_read(int fd, const char *ifname, bool hardware,
		   struct hwts_txq *q, struct transport_txts *out);

/* ---- hwtstamp.c: SIOCSHWTSTAMP ---- */

struct hwts_hwtstamp_state {
	bool have_orig; /* SIOCGHWTSTAMP worked */
	bool changed; /* we set a new configuration */
	int orig_tx_type, orig_rx_filter;
	int tx_type, rx_filter; /* in force after setup */
};

/* True when rx filter f time-stamps every PTP v2 event message over UDP
 * (l2 false) or over IEEE 802.3 (l2 true). */
bool hwts_rx_filter_ok(int f, bool l2);
const char *hwts_rx_filter_name(int f);
/* HWTSTAMP_TX_ON, or the one-step tx_type of onestep. */
int hwts_tx_type(enum hwts_onestep onestep);
const char *hwts_tx_type_name(int tx_type);
/* What a transport asks of the interface: filter mode, one-step, and
 * whether its event messages are L2 frames or UDP datagrams. */
struct hwts_hw_req {
	enum hwts_filter_mode mode;
	enum hwts_onestep onestep;
	bool l2;
};
int hwts_hwtstamp_setup(const char *ifname, const struct hwts_hw_req *req,
			struct hwts_hwtstamp_state *st);
/* Put back the configuration found by setup, if setup changed it. */
void hwts_hwtstamp_restore(const char *ifname,
			   struct hwts_hwtstamp_state *st);

/* ---- transport.c: the base of every transport ---- */

/*
 * The part of a transport every implementation shares; each one embeds it
 * first in its own struct (struct udp4 { struct transport t; ... }) and
 * reaches its own with container_of.  fd[1] is -1 where the general
 * channel has no socket of its own to read (L2: both on fd[0]).
 */
struct transport {
	const struct transport_ops *ops;
	char ifname[IFNAMSIZ];
	int ifindex;
	struct transport_cfg cfg;
	int fd[2]; /* event, general; -1: none */
	int send_fd[2]; /* where each channel sends from (L2: its own
			   general socket that takes no TX timestamps) */
	bool hardware;
	struct hwts_txq txq;
	struct hwts_hwtstamp_state hw;
};

#define hwts_container_of(ptr, type, member)                            \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Allocate size bytes (an implementation's struct, the base first) for
 * ifname, fds -1.  -EINVAL (bad name, logged), -ENOMEM. */
int transport_base_new(size_t size, const struct transport_ops *ops,
		       const char *ifname, const struct transport_cfg *cfg,
		       struct transport **out);
/* Close the sockets, put back the hardware configuration, free. */
void transport_base_close(struct transport *t);
/* A socket for channel ch: created without SOCK_NONBLOCK/SOCK_CLOEXEC,
 * flagged with fcntl (design.md section 4). */
int transport_socket(struct transport *t, int ch, int domain, int type,
		     int protocol);
int transport_sockopt(struct transport *t, int ch, int level, int name,
		      const void *val, socklen_t len, const char *what);
int transport_sockopt_int(struct transport *t, int ch, int level, int name,
			  int v, const char *what);
/* SO_REUSEADDR and SO_BINDTODEVICE. */
int transport_bind_device(struct transport *t, int ch);
/* The UDP transports' ports, TTL (hop limit) and DSCP in range; logged
 * with what ("UDPv4", "UDPv6") when not. */
bool transport_udp_cfg_ok(const struct transport *t, const char *what);
/* bind(2) of channel ch's socket to sa, the error logged with its port. */
int transport_bind_addr(struct transport *t, int ch,
			const struct sockaddr *sa, socklen_t len);
/* socket_rcvbuf on ch (SO_RCVBUFFORCE, else SO_RCVBUF). */
int transport_rcvbuf(struct transport *t, int ch);
/* SO_PRIORITY when socket_priority is set. */
int transport_priority(struct transport *t, int ch);
/* The interface's hardware configuration (hardware mode) and
 * SO_TIMESTAMPING on fd[0] (event: TX too) and fd[1] (if any); the TX
 * queue.  l2: the device must stamp PTP over IEEE 802.3. */
int transport_tstamp_setup(struct transport *t, bool l2);
/* One datagram from fd[ch] with its timestamp: bytes (at most cap),
 * -EAGAIN, -errno; the sender's address in *from (fromlen: its size on
 * entry, the kernel's on return). */
int transport_recvmsg(struct transport *t, int ch, void *buf, size_t cap,
		      struct transport_rx *rx, void *from, socklen_t *fromlen);
/* sendto from the channel's socket; event sends queue token for their TX
 * timestamp.  Bytes sent or -errno. */
int transport_sendto(struct transport *t, enum transport_send what,
		     const void *buf, size_t len, const void *to,
		     socklen_t tolen, uint32_t token);
/* The shared ops. */
int transport_base_recv_txts(struct transport *t, struct transport_txts *out);
void transport_base_fds(struct transport *t, int fds[2]);
/* "hardware", "software", "software (TX: scheduler)" and the OPT_ID note,
 * for the open log line. */
const char *transport_mode_name(const struct transport *t);

/* ---- clockadj.c: clock_gettime / clock_adjtime for phc.c, sysclk.c ---- */

/* The kernel clamps ADJ_FREQUENCY to +-MAXFREQ_SCALED: 500 ppm << 16. */
#define HWTS_MAXFREQ_SCALED 32768000L
#define HWTS_MAXFREQ_PPB 500000.0
/* The kernel's NTP_PHASE_LIMIT (include/linux/timex.h, not uapi):
 * (MAXPHASE 0.5 s in us) << 5 = 16 s.  Once maxerror passes it, the
 * kernel sets STA_UNSYNC by itself. */
#define HWTS_NTP_PHASE_LIMIT_US 16000000L

/* ppb to the kernel's scaled ppm (ppm * 2^16), rounded to nearest. */
long hwts_ppb_to_scaled_ppm(double ppb);
double hwts_scaled_ppm_to_ppb(long scaled);
/* An error bound in ns (>= 0) as timex.maxerror / esterror want it: us,
 * rounded up (a bound stays a bound), at most HWTS_NTP_PHASE_LIMIT_US. */
long hwts_err_ns_to_us(int64_t ns);

/*
 * The system clock's tick (ADJ_TICK): the kernel's second lasts
 * tick * USER_HZ us plus the ADJ_FREQUENCY part, so one unit of tick is
 * USER_HZ us per second, USER_HZ ppm (100 ppm at USER_HZ 100).  The kernel
 * takes tick in [900000 / USER_HZ, 1100000 / USER_HZ] (-EINVAL beyond) and
 * starts from (10^6 + USER_HZ / 2) / USER_HZ.
 */
struct hwts_tick {
	long hz; /* USER_HZ, from sysconf(_SC_CLK_TCK) */
	long nominal; /* us per tick at no frequency offset */
	long min, max; /* the kernel's accepted range, us */
	double unit_ppb; /* one unit of tick: hz * 1000 ppb */
};

/* 0, or -EINVAL for a USER_HZ that does not divide 10^6 (nominal * hz
 * would not be one second) or leaves no room to move the tick. */
int hwts_tick_init(struct hwts_tick *t, long hz);
/* Largest |ppb| of tick and frequency together: the narrower side of the
 * tick's range plus 500 ppm. */
double hwts_tick_max_ppb(const struct hwts_tick *t);
/* ppb -> the nearest tick (within the range) and the rest as scaled ppm
 * (within +-unit/2, so +-50 ppm at USER_HZ 100, while the tick is inside its
 * range; at most +-500 ppm once it is at an end). */
void hwts_tick_split(const struct hwts_tick *t, double ppb, long *tick,
		     long *freq);
/* The total of a tick and a scaled-ppm frequency, ppb.  A tick outside the
 * kernel's range (a simulator that does not report it) counts as nominal. */
double hwts_tick_join(const struct hwts_tick *t, long tick, long freq);

/* delta ns as ADJ_SETOFFSET|ADJ_NANO wants it: tv_usec holds nanoseconds
 * in [0, 10^9), tv_sec is floored. */
void hwts_ns_to_timeval_nano(int64_t ns, struct timeval *tv);
int hwts_clk_gettime(clockid_t clk, const char *name, int64_t *ns);
/* clock_adjtime, failures logged with what ("ADJ_TAI", "(read)"). */
struct timex;
int hwts_clk_adjtime(clockid_t clk, const char *name, struct timex *tx,
		     const char *what);
/* ppb clamped to +-max_ppb. */
int hwts_clk_adjfreq(clockid_t clk, const char *name, double ppb,
		     double max_ppb);
int hwts_clk_getfreq(clockid_t clk, const char *name, double *ppb);
int hwts_clk_step(clockid_t clk, const char *name, int64_t delta_ns);

/* ---- tsinfo.c ---- */

struct nlmsghdr;
/* Parse an ETHTOOL_MSG_TSINFO_GET_REPLY (generic netlink message). */
int hwts_tsinfo_parse_msg(struct nlmsghdr *nlh, struct hwts_info *out);
int hwts_tsinfo_netlink(const char *ifname, struct hwts_info *out);
int hwts_tsinfo_ioctl(const char *ifname, struct hwts_info *out);

#endif
