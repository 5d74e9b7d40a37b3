/*
 * config/cfg.h — options, the ptp4l-format parser, validation.
 *
 * One table lists every option hvptpd knows: ptp4l's options under their
 * ptp4l names (with ptp4l's types, defaults and ranges) and hvptpd's own.
 * Each entry says whether hvptpd implements it; a file that sets an option
 * ptp4l has but hvptpd does not implement yet to anything but its default
 * is refused (cfg_option_no_effect names the few that change nothing and
 * only draw a warning).  Unknown options, bad values and values out of range are refused
 * with "file:line: option: reason".  Parsing works on a memory buffer (the
 * program reads the file), so this module stays pure.  Values given on the
 * command line are locked: the file cannot override them.
 */
#ifndef HVPTP_CONFIG_CFG_H
#define HVPTP_CONFIG_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ptp_types.h"

#define CFG_MAX_PORTS 64 /* port sections and -i: fixed ports, patterns */

struct cfg;

/* What went wrong, for the caller to print as
 * "%s:%d: %s: %s", err->file, err->line, err->option, err->reason. */
struct cfg_error {
	char file[256];
	int line; /* 0 when not from a file (command line) */
	char option[64];
	char reason[192];
};

/* Every error of one check, in order: the first CFG_ERRORS_MAX kept, the
 * rest only counted (more).  An error equal to one already kept (file,
 * line, option and reason) is not added again. */
#define CFG_ERRORS_MAX 100
struct cfg_errors {
	int n; /* kept in e[] */
	int more; /* beyond CFG_ERRORS_MAX, counted only */
	struct cfg_error e[CFG_ERRORS_MAX];
};
void cfg_errors_init(struct cfg_errors *l);
void cfg_errors_add(struct cfg_errors *l, const struct cfg_error *e);
/* Errors reported in all (kept and counted). */
int cfg_errors_total(const struct cfg_errors *l);
/* Does one of the first upto errors name option? */
bool cfg_errors_has_option(const struct cfg_errors *l, int upto,
			   const char *option);

/* A non-fatal note (option not implemented yet, deprecated name...). */
typedef void (*cfg_warn_fn)(void *ctx, const char *file, int line,
			    const char *option, const char *msg);

struct cfg *cfg_create(void);
void cfg_destroy(struct cfg *c);
void cfg_set_warn(struct cfg *c, cfg_warn_fn fn, void *ctx);

/* Parse a ptp4l-format buffer.  Port sections add ports.  0, or -EINVAL
 * with *err filled; stops at the first error. */
int cfg_parse_buffer(struct cfg *c, const char *file, const char *buf,
		     size_t len, struct cfg_error *err);
/* The same, on to the end of the buffer: every bad line is added to errs
 * and the good ones are stored.  Lines after a malformed section header,
 * and those before the first section (one error for them all), are
 * checked (option and value) but not stored.  0, or -EINVAL when it
 * added an error. */
int cfg_parse_buffer_all(struct cfg *c, const char *file, const char *buf,
			 size_t len, struct cfg_errors *errs);
/* --option value from the command line: global, locked. */
int cfg_set_cmdline(struct cfg *c, const char *option, const char *value,
		    struct cfg_error *err);
/* Add a port (from -i); adding an existing one is fine. */
int cfg_add_port(struct cfg *c, const char *ifname);
int cfg_nports(const struct cfg *c);
const char *cfg_port_name(const struct cfg *c, int i);

/* Lookups; port NULL means [global].  The option must exist in the table
 * with the matching type (programming error otherwise: returns 0/NULL and
 * the test suite checks every name the program uses). */
int cfg_get_int(const struct cfg *c, const char *port, const char *option);
double cfg_get_double(const struct cfg *c, const char *port,
		      const char *option);
const char *cfg_get_string(const struct cfg *c, const char *port,
			   const char *option);
/* Enums read as their index in the option's value list (e.g. delay_mechanism
 * "E2E" -> its table value). */
int cfg_get_enum(const struct cfg *c, const char *port, const char *option);
/* Was the option set (file or command line) rather than defaulted? */
bool cfg_is_set(const struct cfg *c, const char *port, const char *option);
/* Does the port's own section set it (not [global], not the default)? */
bool cfg_port_has(const struct cfg *c, const char *port, const char *option);
/* Where the value in effect came from: the file and line that set it, or
 * "command line" with line 0.  false when it is the default. */
bool cfg_origin(const struct cfg *c, const char *port, const char *option,
		const char **file, int *line);

/* The [acceptable_master_table] section, hvptpd's own (IEEE 1588-2019
 * 17.5): "clockIdentity[-portNumber] [alternatePriority1]" a line; the
 * ports with acceptable_master_table_enabled take Announces only from its
 * masters.  Parsed by config/cfg_amt.c. */
#define CFG_AMT_MAX 64
struct cfg_amt_entry {
	struct clock_identity clock_identity;
	int port_number; /* -1: every port of that clock */
	uint8_t alternate_priority1; /* 0: the Announce's priority1 */
};
struct cfg_amt {
	int n;
	struct cfg_amt_entry e[CFG_AMT_MAX];
};
const struct cfg_amt *cfg_amt(const struct cfg *c);
/* One line of the section into t: 0, or -EINVAL/-ENOSPC with why. */
int cfg_amt_add_line(struct cfg_amt *t, char *line, char *why, size_t n);
/* The [unicast_master_table] sections (config/uctab.c).  network_transport
 * values of the addresses: */
enum { CFG_NT_UDPV4 = 1, CFG_NT_UDPV6 = 2, CFG_NT_L2 = 3 };
#define CFG_UC_MAX_TABLES 16
#define CFG_UC_MAX_ADDRS 16 /* = BC_MAX_PEERS: one peer slot each */
struct cfg_uc_table {
	int table_id; /* table_id, 1.. */
	int log_query_interval; /* logQueryInterval, log2 s */
	int n; /* addresses */
	struct bc_addr addr[CFG_UC_MAX_ADDRS]; /* canonical, uctab.c */
	int transport[CFG_UC_MAX_ADDRS]; /* CFG_NT_* */
	int addr_line[CFG_UC_MAX_ADDRS];
	char peer_address[65]; /* peer_address as written, "" if none */
	int peer_line;
	const char *file; /* where table_id was read */
	int line;
};
int cfg_uc_table_count(const struct cfg *c);
const struct cfg_uc_table *cfg_uc_table_at(const struct cfg *c, int i);
/* The table with this table_id, or NULL. */
const struct cfg_uc_table *cfg_uc_table_find(const struct cfg *c, int id);
/* An address in the text form of a table line for transport (CFG_NT_*)
 * into its canonical struct bc_addr; 0 or -EINVAL. */
int cfg_uc_addr_parse(int transport, const char *text, struct bc_addr *a);

/* Option table access for docs, --help and tests. */
enum cfg_type { CFG_INT, CFG_DOUBLE, CFG_STRING, CFG_ENUM };
struct cfg_enum_val {
	const char *name;
	int value;
};
struct cfg_option_info {
	const char *name;
	enum cfg_type type;
	bool port_scope; /* allowed in an [iface] section */
	bool implemented; /* false: accepted at its default only */
	bool hvptp_only; /* not a ptp4l option */
	bool live; /* a reload (SIGHUP) applies a change while running;
		      any other change waits for a restart */
	const char *deprecated_for; /* old name mapped to this one, or NULL */
	long long imin, imax; /* CFG_INT range */
	double dmin, dmax; /* CFG_DOUBLE range */
	const struct cfg_enum_val *enums; /* CFG_ENUM, NULL-name terminated */
	const char *def; /* default as text */
	const char *help; /* one line */
};
int cfg_option_count(void);
const struct cfg_option_info *cfg_option_at(int i);
const struct cfg_option_info *cfg_option_find(const char *name);
/* For an option hvptpd does not implement that changes nothing in what
 * hvptpd or ptp4l does (a ts2phc option, one read only by a servo hvptpd
 * refuses): why, for the warning.  NULL for every other option: one not
 * implemented at another value than its default is refused. */
const char *cfg_option_no_effect(const struct cfg_option_info *o);
/* The known options nearest to an unknown name, for "did you mean": the
 * table's names at the smallest edit distance (insertions, deletions,
 * substitutions, transpositions of neighbours; a difference of case alone
 * costs nothing), when that distance is small for the name's length (0
 * up to 3 characters, 1 up to 5, 2 up to 9, 3 beyond).  Up to max
 * names, in table order, into out; returns how many (0: nothing close). */
int cfg_option_suggest(const char *name, const char **out, int max);

#endif
