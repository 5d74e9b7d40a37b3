/*
 * bc/mgmt_priv.h — management inside the core (see bc/mgmt.h).
 *
 * The state management keeps in struct bc (struct mgmt_data: what the
 * program told the core for CLOCK_DESCRIPTION, the values of linuxptp's
 * _NP settings the core does not otherwise use, the counters), the table
 * that describes every managementId, and the entry point bc/port.c uses for
 * Management messages received on a PTP port.  Included by bc/internal.h;
 * nothing outside bc/ includes it.
 */
#ifndef HVPTP_BC_MGMT_PRIV_H
#define HVPTP_BC_MGMT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "bc/mgmt.h"
#include "bc/wire.h"
#include "common/version.h"

struct port;

#define MGMT_PRODUCT_MAX 64 /* productDescription octets (15.5.3.1.2.5) */
#define MGMT_REVISION_MAX 32 /* revisionData octets */
#define MGMT_USER_DESC_MAX 128 /* userDescription octets */
#define MGMT_DEFAULT_PRODUCT "hvptp;hvptpd;" HVPTP_VERSION
#define MGMT_DEFAULT_REVISION ";;" HVPTP_VERSION
#define MGMT_DEFAULT_NEIGHBOR_THRESH 20000000u /* ptp4l's default, ns */

struct mgmt_port_data {
	bool have_mac, have_ipv4;
	uint8_t mac[6];
	uint8_t ipv4[4];
	/* protocolAddress of another transport (bc_mgmt_set_port_protocol):
	 * networkProtocol, 0 while UDPv4's ipv4 above stands */
	uint16_t protocol;
	uint8_t paddr[16];
	uint8_t plen;
	bool thresh_set;
	uint32_t neighbor_prop_delay_thresh; /* PORT_DATA_SET_NP, ns */
};

/* linuxptp's alternate time offsets (ALTERNATE_TIME_OFFSET_*): what
 * tz2alt sets, announced in ALTERNATE_TIME_OFFSET_INDICATOR TLVs while
 * enabled (bc/mgmt_parity.c). */
#define MGMT_TZ_MAX 4 /* keys 0..3, as ptp4l's MAX_TIME_ZONES */
#define MGMT_TZ_NAME_MAX 10 /* displayName symbols (MAX_TZ_DISPLAY_NAME) */
struct mgmt_tz {
	bool enabled;
	int32_t current_offset; /* currentOffset, s */
	int32_t jump_seconds; /* jumpSeconds */
	uint64_t next_jump; /* timeOfNextJump, 48 bits of s */
	uint8_t name_len;
	char name[MGMT_TZ_NAME_MAX * 4 + 1]; /* displayName, UTF-8 */
};

/* SYNCHRONIZATION_UNCERTAIN_NP (linuxptp's SYNC_UNCERTAIN_*): what this
 * clock puts in its Announce's synchronizationUncertain flag. */
#define MGMT_SYNC_UNCERTAIN_FALSE 0 /* the parent's flag passes on */
#define MGMT_SYNC_UNCERTAIN_TRUE 1 /* set */
#define MGMT_SYNC_UNCERTAIN_DONTCARE 0xFF /* cleared (the default) */

struct mgmt_data {
	bool have_product, have_revision;
	uint8_t oui[3];
	char product[MGMT_PRODUCT_MAX + 1];
	char revision[MGMT_REVISION_MAX + 1];
	uint8_t gm_leap_flags; /* leap61/leap59 of GRANDMASTER_SETTINGS_NP */
	uint8_t sync_uncertain; /* MGMT_SYNC_UNCERTAIN_* */
	struct mgmt_tz tz[MGMT_TZ_MAX];
	/* the request being answered (its data selects a key for the
	 * ALTERNATE_TIME_OFFSET_* GETs); NULL for a notification */
	const struct bc_mgmt_req *req;
	struct bc_mgmt_counters cnt;
	struct mgmt_port_data port[BC_MAX_PORTS];
};

/* ---- the managementId table (bc/mgmt_ids.c) ---- */

enum mgmt_scope { MGMT_CLOCK, MGMT_PORT };

/* Actions the standard allows for an ID (Table 59). */
#define MGMT_A_GET 0x1
#define MGMT_A_SET 0x2
#define MGMT_A_CMD 0x4

/* Write the dataField of a GET answer (port -1 for the clock). */
typedef void (*mgmt_get_fn)(const struct bc *bc, int port,
			    struct wire_writer *w);
/* Apply a SET (data already length-checked): 0, or a managementErrorId. */
typedef uint16_t (*mgmt_set_fn)(struct bc *bc, int port,
				struct wire_reader *r);
/* Carry out a COMMAND (its actions to out): 0, or a managementErrorId. */
typedef uint16_t (*mgmt_cmd_fn)(struct bc *bc, int port, int64_t now,
				struct bc_actions *out);

struct mgmt_id_desc {
	uint16_t id;
	const char *name;
	uint8_t scope; /* enum mgmt_scope */
	uint8_t actions; /* MGMT_A_* the standard allows */
	mgmt_get_fn get; /* NULL: known, not supported by hvptp */
	mgmt_set_fn set; /* NULL: SET not supported */
	uint16_t set_len; /* exact dataField length a SET must carry */
};

const struct mgmt_id_desc *mgmt_id_find(uint16_t id);
/* The COMMAND an ID carries out, or NULL (not supported). */
mgmt_cmd_fn mgmt_cmd_find(uint16_t id);
/* A double scaled by 2^16, saturated (frequencies, estimates). */
int64_t mgmt_scale16(double x);
/* bc/mgmt_hvptp.c: the host's clocks and checks, each port's PHC. */
void mgmt_get_port_hwclock_np(const struct bc *bc, int port,
			      struct wire_writer *w);
void mgmt_get_clocks_np(const struct bc *bc, int port, struct wire_writer *w);
void mgmt_get_host_np(const struct bc *bc, int port, struct wire_writer *w);
void mgmt_get_feeds_np(const struct bc *bc, int port, struct wire_writer *w);
/* HVPTP_ALARMS_NP: every alarm (port -1), or only alarm port (a
 * notification of its change). */
void mgmt_get_alarms_np(const struct bc *bc, int port, struct wire_writer *w);
void mgmt_get_foreign_masters_np(const struct bc *bc, int port,
				 struct wire_writer *w);
void mgmt_get_port_status_np(const struct bc *bc, int port,
			     struct wire_writer *w);
/* bc/mgmt_lock.c */
void mgmt_get_lock_history_np(const struct bc *bc, int port,
			      struct wire_writer *w);
void mgmt_get_path_trace_list(const struct bc *bc, int port,
			      struct wire_writer *w);
/* The sample window of HVPTP_SERVO_STATUS_NP (bc/mgmt.h). */
void mgmt_put_servo_window(struct wire_writer *w,
			   const struct bc_servo_window *win);
/* bc/mgmt_parity.c: linuxptp 4.4's IDs (ALTERNATE_TIME_OFFSET_*,
 * SYNCHRONIZATION_UNCERTAIN_NP, PORT_SERVICE_STATS_NP,
 * POWER_PROFILE_SETTINGS_NP, CMLDS_INFO_NP). */
void mgmt_get_ato_enable(const struct bc *bc, int port, struct wire_writer *w);
uint16_t mgmt_set_ato_enable(struct bc *bc, int port, struct wire_reader *r);
void mgmt_get_ato_name(const struct bc *bc, int port, struct wire_writer *w);
uint16_t mgmt_set_ato_name(struct bc *bc, int port, struct wire_reader *r);
void mgmt_get_ato_properties(const struct bc *bc, int port,
			     struct wire_writer *w);
uint16_t mgmt_set_ato_properties(struct bc *bc, int port,
				 struct wire_reader *r);
void mgmt_get_sync_uncertain(const struct bc *bc, int port,
			     struct wire_writer *w);
uint16_t mgmt_set_sync_uncertain(struct bc *bc, int port,
				 struct wire_reader *r);
void mgmt_get_port_service_stats(const struct bc *bc, int port,
				 struct wire_writer *w);
void mgmt_get_power_profile(const struct bc *bc, int port,
			    struct wire_writer *w);
uint16_t mgmt_set_power_profile(struct bc *bc, int port,
				struct wire_reader *r);
void mgmt_get_cmlds_info(const struct bc *bc, int port, struct wire_writer *w);
/* The Announce flagField with SYNCHRONIZATION_UNCERTAIN_NP applied (what
 * ptp4l's clock_time_properties() gives its ports). */
uint16_t mgmt_announce_flags(const struct bc *bc);
/* Append the ALTERNATE_TIME_OFFSET_INDICATOR TLVs of the enabled keys to
 * an Announce, their values in scratch. */
void mgmt_announce_tz(const struct bc *bc, struct ptp_msg *m,
		      struct wire_writer *scratch);
/* Read-only socket: the GETs ptp4l 4.4 refuses there too. */
bool mgmt_ro_refused(uint16_t id);
/* A SET's dataField has no fixed length: the set function checks it. */
#define MGMT_SET_VARLEN 0xFFFF

/* A get function that writes nothing (ACKNOWLEDGE of a COMMAND). */
void mgmt_get_empty(const struct bc *bc, int port, struct wire_writer *w);

/* Encoding helpers: PTPText (length octet + at most max octets of s) and
 * TimeInterval (ns scaled by 2^16, saturated). */
void mgmt_put_text(struct wire_writer *w, const char *s, size_t max);
void mgmt_put_time_interval(struct wire_writer *w, int64_t ns);

/* ---- the dispatcher (bc/mgmt.c) ---- */

struct mgmt_ctx {
	struct bc *bc;
	const struct bc_mgmt_req *req;
	int ingress; /* -1: a local client, else the PTP port index */
	bool read_only; /* SET/COMMAND refused */
	const struct bc_addr *src; /* requester on a PTP port */
	int64_t now;
	struct bc_actions *out;
};

/* Fill r from an unpacked message: 0 or -EBADMSG with *why. */
int mgmt_req_from_msg(const struct ptp_msg *m, struct bc_mgmt_req *r,
		      enum bc_mgmt_drop *why);
/* A GET, SET or COMMAND (not a response, acknowledge or error status). */
bool mgmt_is_request(const struct bc_mgmt_req *r);
/* targetPortIdentity.clockIdentity is the wildcard or ours. */
bool mgmt_for_us(const struct bc *bc, const struct bc_mgmt_req *r);
/* Answer every addressed entity (ports from *next_port): 0, -EBADMSG,
 * -ENOBUFS. */
int mgmt_dispatch(struct mgmt_ctx *c, int *next_port);

/* ---- PTP ports (bc/mgmt_port.c) ---- */

/* The rx_table handler of bc/port.c for MANAGEMENT. */
enum bc_drop mgmt_port_rx(struct port *p, const struct ptp_msg *m,
			  tmv_t rx_ts, const struct bc_addr *src, int64_t now,
			  struct bc_actions *out);

#endif
