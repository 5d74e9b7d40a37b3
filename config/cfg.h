/*
 * config/cfg.h — options, the ptp4l-format parser, validation.
 *
 * One table lists every option hvptpd knows: ptp4l's options under their
 * ptp4l names (with ptp4l's types, defaults and ranges) and hvptpd's own.
 * Each entry says whether hvptpd implements it; a file that sets an option
 * ptp4l has but hvptpd does not implement yet loads with a warning naming
 * it.  Unknown options, bad values and values out of range are refused
 * with "file:line: option: reason".  Parsing works on a memory buffer (the
 * program reads the file), so this module stays pure.  Values given on the
 * command line are locked: the file cannot override them.
 */
#ifndef HVPTP_CONFIG_CFG_H
#define HVPTP_CONFIG_CFG_H

#include <stdbool.h>
#include <stddef.h>

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

/* A non-fatal note (option not implemented yet, deprecated name...). */
typedef void (*cfg_warn_fn)(void *ctx, const char *file, int line,
			    const char *option, const char *msg);

struct cfg *cfg_create(void);
void cfg_destroy(struct cfg *c);
void cfg_set_warn(struct cfg *c, cfg_warn_fn fn, void *ctx);

/* Parse a ptp4l-format buffer.  Port sections add ports.  0, or -EINVAL
 * with *err filled. */
int cfg_parse_buffer(struct cfg *c, const char *file, const char *buf,
		     size_t len, struct cfg_error *err);
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
	bool implemented; /* false: accepted with a warning */
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

#endif
