/*
 * config/cfg_priv.h — what config/'s files share and nobody else sees:
 * the option store, the parser's state, error helpers.
 */
#ifndef HVPTP_CONFIG_CFG_PRIV_H
#define HVPTP_CONFIG_CFG_PRIV_H

#include "config/cfg.h"

#include <stdbool.h>
#include <stdint.h>

#define CFG_IFNAME_MAX 64
#define CFG_LINE_MAX 1024
#define CFG_CMDLINE_FILE "command line"
#define CFG_PORT_NONE (-2) /* a line checked, not stored */

union cfg_val {
	long long i; /* CFG_INT, CFG_ENUM */
	double d; /* CFG_DOUBLE */
	char *s; /* CFG_STRING, owned, only when set */
};

struct cfg_slot {
	union cfg_val v;
	bool set;
	bool locked; /* from the command line */
	uint8_t file; /* where it was set: index into cfg.files + 1, 0 for
			 the command line */
	int line;
};

#define CFG_MAX_FILES 8

struct cfg {
	int nopts;
	/* (1 + CFG_MAX_PORTS) rows of nopts slots; row 0 is [global]. */
	struct cfg_slot *slots;
	bool *warned; /* "not implemented" already said, per option */
	char ports[CFG_MAX_PORTS][CFG_IFNAME_MAX];
	int nports;
	/* the [unicast_master_table] sections, in file order */
	struct cfg_uc_table uc[CFG_UC_MAX_TABLES];
	int nuc;
	struct cfg_amt amt; /* [acceptable_master_table] */
	char *files[CFG_MAX_FILES]; /* names of the files parsed */
	int nfiles;
	cfg_warn_fn warn;
	void *warn_ctx;
};

/* Where a value comes from, for messages. */
struct cfg_where {
	const char *file;
	int line;
	bool cmdline;
};

/* SEC_BROKEN: after a malformed section header (or before the first
 * section), lines are checked but not stored. */
enum cfg_section {
	SEC_NONE,
	SEC_GLOBAL,
	SEC_PORT,
	SEC_UCTABLE,
	SEC_AMTABLE,
	SEC_BROKEN
};

struct cfg_parser {
	struct cfg *c;
	struct cfg_where w;
	enum cfg_section section;
	int port;
	int uc_table; /* SEC_UCTABLE: the table its lines fill, or -1 */
};

__attribute__((format(printf, 4, 5))) int
cfg_fail(struct cfg_error *err, const struct cfg_where *w, const char *option,
	 const char *fmt, ...);
/* The stored copy of a file name (for tables that outlive the parse), or
 * NULL when the table of names is full. */
const char *cfg_file_name(struct cfg *c, const char *file);
/* One line of a [unicast_master_table] section (config/uctab.c). */
int cfg_uc_parse_line(struct cfg_parser *p, char *line, struct cfg_error *err);

#endif
