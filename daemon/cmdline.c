/*
 * daemon/cmdline.c — hvptpd's command line, ptp4l style (see cmdline.h).
 *
 * The short flags are a table of (flag, option, value); "--OPTION" entries
 * are built from the config option table, so every option the file knows
 * is also a command-line option.  Values go through cfg_set_cmdline, which
 * locks them against the file.
 */
#include "daemon/cmdline.h"

#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/version.h"
#include "mgmt/metrics_doc.h"

#define CMDLINE_FILE "command line"
#define CMDLINE_SHORT ":AEP246HSLf:i:p:sl:mqvhn"
#define CMDLINE_LONG_BASE 0x1000 /* getopt value of table option i: +i */
#define CMDLINE_LONG_MAN 0x0fff /* --print-conf-man */
#define CMDLINE_LONG_METRICS_MD 0x0ffe /* --print-metrics-md */
#define CMDLINE_FILE_MAX (4 << 20)

/* A flag that stands for a config option: -S is time_stamping software. */
struct cmdline_flag {
	char flag;
	const char *option;
	const char *value; /* NULL: the flag's argument */
};

static const struct cmdline_flag cmdline_flags[] = {
	{ 'A', "delay_mechanism", "Auto" },
	{ 'E', "delay_mechanism", "E2E" },
	{ 'P', "delay_mechanism", "P2P" },
	{ '2', "network_transport", "L2" },
	{ '4', "network_transport", "UDPv4" },
	{ '6', "network_transport", "UDPv6" },
	{ 'H', "time_stamping", "hardware" },
	{ 'S', "time_stamping", "software" },
	{ 'L', "time_stamping", "legacy" },
	{ 's', "clientOnly", "1" },
	{ 'm', "verbose", "1" },
	{ 'q', "use_syslog", "0" },
	{ 'l', "logging_level", NULL },
};

static __attribute__((format(printf, 5, 6))) int
cmdline_fail_at(struct cfg_error *err, const char *file, int line,
		const char *option, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	snprintf(err->option, sizeof(err->option), "%s", option);
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void cmdline_print_error(FILE *f, const struct cfg_error *err)
{
	if (err->line > 0 && err->option[0])
		fprintf(f, "%s:%d: %s: %s\n", err->file, err->line,
			err->option, err->reason);
	else if (err->line > 0)
		fprintf(f, "%s:%d: %s\n", err->file, err->line, err->reason);
	else if (err->option[0])
		fprintf(f, "%s: %s: %s\n", err->file, err->option, err->reason);
	else
		fprintf(f, "%s: %s\n", err->file, err->reason);
}

void cmdline_warn_stderr(void *ctx, const char *file, int line,
			 const char *option, const char *msg)
{
	FILE *f = ctx ? ctx : stderr;

	(void)option; /* the message names it */
	if (line > 0)
		fprintf(f, "%s:%d: warning: %s\n", file, line, msg);
	else
		fprintf(f, "%s: warning: %s\n", file, msg);
}

/* ---- argv -------------------------------------------------------------- */

static struct option *cmdline_longopts(void)
{
	static const struct option extra[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'n' },
		{ "print-conf-man", no_argument, NULL, CMDLINE_LONG_MAN },
		{ "print-metrics-md", no_argument, NULL,
		  CMDLINE_LONG_METRICS_MD },
	};
	int n = cfg_option_count(), i;
	size_t nextra = sizeof(extra) / sizeof(extra[0]);
	struct option *o = calloc((size_t)n + nextra + 1, sizeof(*o));

	if (!o)
		return NULL;
	for (i = 0; i < n; i++) {
		o[i].name = cfg_option_at(i)->name;
		o[i].has_arg = required_argument;
		o[i].val = CMDLINE_LONG_BASE + i;
	}
	memcpy(&o[n], extra, sizeof(extra));
	return o;
}

/* The option text of a getopt error: "-x" or "--name" (without "=..."). */
static void cmdline_bad_text(char *buf, size_t n, char **argv, int c)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	size_t len;

	if (optopt > 0 && optopt < 0x100) {
		snprintf(buf, n, "-%c", optopt);
		return;
	}
	if (c == ':' && optopt >= CMDLINE_LONG_BASE) {
		snprintf(buf, n, "--%s",
			 cfg_option_at(optopt - CMDLINE_LONG_BASE)->name);
		return;
	}
	len = strcspn(arg, "=");
	snprintf(buf, n, "%.*s", (int)len, arg);
}

/* "--prio": a prefix of several long options (getopt refuses it). */
static bool cmdline_ambiguous(const char *text)
{
	size_t n;
	int i, hits = 0;

	if (strncmp(text, "--", 2))
		return false;
	text += 2;
	n = strlen(text);
	for (i = 0; i < cfg_option_count(); i++)
		hits += !strncmp(cfg_option_at(i)->name, text, n);
	return hits > 1;
}

/* An option getopt does not know: ambiguous, or unknown with the nearest
 * option names when they are close ("--logSyncIntreval"). */
static int cmdline_unknown(const char *text, struct cfg_error *err)
{
	const char *near[2];
	int n = 0;

	if (cmdline_ambiguous(text))
		return cmdline_fail_at(err, CMDLINE_FILE, 0, text,
				       "ambiguous option (abbreviates more "
				       "than one option)");
	if (!strncmp(text, "--", 2))
		n = cfg_option_suggest(text + 2, near, 2);
	if (n == 1)
		return cmdline_fail_at(err, CMDLINE_FILE, 0, text,
				       "unknown option; did you mean "
				       "\"--%s\"?", near[0]);
	if (n == 2)
		return cmdline_fail_at(err, CMDLINE_FILE, 0, text,
				       "unknown option; did you mean \"--%s\" "
				       "or \"--%s\"?", near[0], near[1]);
	return cmdline_fail_at(err, CMDLINE_FILE, 0, text, "unknown option");
}

static int cmdline_flag(int c, struct cfg *cfg, struct cfg_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(cmdline_flags) / sizeof(cmdline_flags[0]);
	     i++) {
		if (cmdline_flags[i].flag != c)
			continue;
		return cfg_set_cmdline(cfg, cmdline_flags[i].option,
				       cmdline_flags[i].value ?
					       cmdline_flags[i].value :
					       optarg,
				       err);
	}
	return cmdline_fail_at(err, CMDLINE_FILE, 0, "", "unhandled flag %c",
			       c);
}

static int cmdline_iface(struct cfg *cfg, const char *name,
			 struct cfg_error *err)
{
	int rc = cfg_add_port(cfg, name);

	if (rc == -ENOSPC)
		return cmdline_fail_at(err, CMDLINE_FILE, 0, "-i",
				       "too many ports (at most %d)",
				       CFG_MAX_PORTS);
	if (rc)
		return cmdline_fail_at(err, CMDLINE_FILE, 0, "-i",
				       "bad interface name \"%s\"", name);
	return 0;
}

static int cmdline_one(int c, char **argv, struct cfg *cfg,
		       struct cmdline *cl, struct cfg_error *err)
{
	char text[64];

	if (c >= CMDLINE_LONG_BASE &&
	    c < CMDLINE_LONG_BASE + cfg_option_count())
		return cfg_set_cmdline(cfg,
				       cfg_option_at(c - CMDLINE_LONG_BASE)->name,
				       optarg, err);
	switch (c) {
	case 'f':
		cl->config_file = optarg;
		return 0;
	case 'i':
		return cmdline_iface(cfg, optarg, err);
	case 'p':
		cl->phc_device = optarg;
		return 0;
	case 'h':
		cl->help = true;
		return 0;
	case 'v':
		cl->version = true;
		return 0;
	case 'n':
		cl->check = true;
		return 0;
	case CMDLINE_LONG_MAN:
		cl->print_conf_man = true;
		return 0;
	case CMDLINE_LONG_METRICS_MD:
		cl->print_metrics_md = true;
		return 0;
	case ':':
		cmdline_bad_text(text, sizeof(text), argv, c);
		return cmdline_fail_at(err, CMDLINE_FILE, 0, text,
				       "missing value");
	case '?':
		cmdline_bad_text(text, sizeof(text), argv, c);
		return cmdline_unknown(text, err);
	default:
		return cmdline_flag(c, cfg, err);
	}
}

/* argv into cfg and cl; every error into errs, or stop at the first (into
 * err) when errs is NULL. */
static int cmdline_parse_into(int argc, char **argv, struct cfg *cfg,
			      struct cmdline *cl, struct cfg_error *err,
			      struct cfg_errors *errs)
{
	struct cfg_error e;
	struct option *longopts;
	int c, rc = 0;

	memset(cl, 0, sizeof(*cl));
	longopts = cmdline_longopts();
	if (!longopts) {
		cmdline_fail_at(errs ? &e : err, CMDLINE_FILE, 0, "",
				"out of memory");
		if (errs)
			cfg_errors_add(errs, &e);
		return -ENOMEM;
	}
	optind = 0; /* full re-initialisation of getopt (glibc) */
	opterr = 0;
	while (!rc || errs) {
		c = getopt_long(argc, argv, CMDLINE_SHORT, longopts, NULL);
		if (c == -1)
			break;
		if (cmdline_one(c, argv, cfg, cl, errs ? &e : err) == 0)
			continue;
		rc = -EINVAL;
		if (errs)
			cfg_errors_add(errs, &e);
	}
	if ((!rc || errs) && optind < argc) {
		rc = cmdline_fail_at(errs ? &e : err, CMDLINE_FILE, 0,
				     argv[optind], "unexpected argument");
		if (errs)
			cfg_errors_add(errs, &e);
	}
	free(longopts);
	return rc;
}

int cmdline_parse(int argc, char **argv, struct cfg *cfg, struct cmdline *cl,
		  struct cfg_error *err)
{
	return cmdline_parse_into(argc, argv, cfg, cl, err, NULL);
}

int cmdline_parse_all(int argc, char **argv, struct cfg *cfg,
		      struct cmdline *cl, struct cfg_errors *errs)
{
	return cmdline_parse_into(argc, argv, cfg, cl, NULL, errs);
}

/* ---- the file ---------------------------------------------------------- */

static int cmdline_read_stream(FILE *f, const char *path, char **out,
			       size_t *outlen, struct cfg_error *err)
{
	size_t len = 0, cap = 0, got;
	char *buf = NULL, *nbuf;

	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 16384;
			if (cap > CMDLINE_FILE_MAX) {
				free(buf);
				return cmdline_fail_at(err, path, 0, "",
						       "file too large");
			}
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				cmdline_fail_at(err, path, 0, "",
						"out of memory");
				return -ENOMEM;
			}
			buf = nbuf;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		cmdline_fail_at(err, path, 0, "", "read error");
		return -EIO;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* The file into cfg; every error into errs, or the first into err when
 * errs is NULL. */
static int cmdline_load_into(struct cfg *cfg, const char *path,
			     struct cfg_error *err, struct cfg_errors *errs)
{
	bool use_stdin = !strcmp(path, "-");
	FILE *f = use_stdin ? stdin : fopen(path, "r");
	struct cfg_error e;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!f) {
		rc = -errno;
		cmdline_fail_at(errs ? &e : err, path, 0, "", "cannot open: %s",
				strerror(errno));
		rc = rc ? rc : -EIO;
	} else {
		rc = cmdline_read_stream(f, path, &buf, &len,
					 errs ? &e : err);
		if (!use_stdin)
			fclose(f);
	}
	if (rc) {
		if (errs)
			cfg_errors_add(errs, &e);
		return rc;
	}
	if (errs)
		rc = cfg_parse_buffer_all(cfg, path, buf, len, errs);
	else
		rc = cfg_parse_buffer(cfg, path, buf, len, err);
	free(buf);
	return rc;
}

int cmdline_load_file(struct cfg *cfg, const char *path,
		      struct cfg_error *err)
{
	return cmdline_load_into(cfg, path, err, NULL);
}

int cmdline_load_file_all(struct cfg *cfg, const char *path,
			  struct cfg_errors *errs)
{
	return cmdline_load_into(cfg, path, NULL, errs);
}

/* ---- start-up ---------------------------------------------------------- */

static const char *cmdline_prog(int argc, char **argv)
{
	const char *slash;

	if (argc < 1 || !argv[0] || !argv[0][0])
		return "hvptpd";
	slash = strrchr(argv[0], '/');
	return slash ? slash + 1 : argv[0];
}

/* -h, -v, --print-conf-man, --print-metrics-md: 1 when one of them was
 * handled. */
static int cmdline_info(const struct cmdline *cl, const char *prog)
{
	if (cl->help)
		cmdline_usage(stdout, prog);
	else if (cl->version)
		printf("%s\n", HVPTP_VERSION);
	else if (cl->print_conf_man)
		cmdline_print_conf_man(stdout);
	else if (cl->print_metrics_md)
		metrics_doc_print(stdout);
	else
		return 0;
	return 1;
}

int cmdline_setup_all(int argc, char **argv, struct cfg *cfg,
		      struct cmdline *cl, struct cfg_errors *errs)
{
	const char *prog = cmdline_prog(argc, argv);
	char msg[192];
	int rc;

	rc = cmdline_parse_all(argc, argv, cfg, cl, errs);
	if (!rc && cmdline_info(cl, prog))
		return 1;
	if (cl->phc_device) {
		snprintf(msg, sizeof(msg), "-p %s is deprecated and ignored; "
			 "each port uses its interface's PHC (see phc_index)",
			 cl->phc_device);
		cmdline_warn_stderr(NULL, CMDLINE_FILE, 0, "-p", msg);
	}
	if (cl->config_file)
		cmdline_load_file_all(cfg, cl->config_file, errs);
	return rc ? -EINVAL : 0;
}

int cmdline_setup(int argc, char **argv, struct cfg *cfg, struct cmdline *cl)
{
	const char *prog = cmdline_prog(argc, argv);
	struct cfg_errors *errs = malloc(sizeof(*errs));
	int rc;

	if (!errs) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -ENOMEM;
	}
	cfg_errors_init(errs);
	cfg_set_warn(cfg, cmdline_warn_stderr, NULL);
	rc = cmdline_setup_all(argc, argv, cfg, cl, errs);
	for (int i = 0; rc != 1 && i < errs->n; i++)
		cmdline_print_error(stderr, &errs->e[i]);
	if (rc < 0)
		fprintf(stderr, "%s: see '%s -h'\n", prog, prog);
	if (rc == 0 && errs->n)
		rc = -EINVAL;
	free(errs);
	if (rc == 0 && cfg_nports(cfg) == 0) {
		fprintf(stderr, "%s: no interface: give -i IFACE or an "
			"[IFACE] section in the configuration file\n", prog);
		return -EINVAL;
	}
	return rc;
}

void cmdline_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [options]\n"
		"\n"
		" Delay mechanism\n"
		"  -A        Auto: E2E until a peer delay request is heard\n"
		"            (not implemented yet: refused)\n"
		"  -E        E2E, delay request-response (default)\n"
		"  -P        P2P, peer delay (not implemented yet: refused)\n"
		"\n"
		" Network transport\n"
		"  -2        IEEE 802.3 (L2, ethertype 0x88F7)\n"
		"  -4        UDP over IPv4 (default)\n"
		"  -6        UDP over IPv6\n"
		"\n"
		" Time stamping\n"
		"  -H        hardware (default)\n"
		"  -S        software\n"
		"  -L        legacy hardware (not implemented yet: refused)\n"
		"\n"
		" Other options\n"
		"  -f FILE   read the configuration from FILE ('-': stdin)\n"
		"  -i IFACE  run a port on network interface IFACE\n"
		"            (may be given more than once)\n"
		"  -p DEV    PHC device (deprecated, ignored)\n"
		"  -s        client (slave) only: never become master\n"
		"  -l LEVEL  log messages up to syslog level LEVEL (0..7)\n"
		"  -m        log to standard output\n"
		"  -q        do not log to syslog\n"
		"  -n, --check\n"
		"            check the command line, the file and the leapfile\n"
		"            as a start would, open nothing else, report every\n"
		"            error; exit 0 (one OK line on stdout) or 2\n"
		"  -v        print the version and exit\n"
		"  -h        print this message and exit\n"
		"  --OPTION VALUE, --OPTION=VALUE\n"
		"            set any configuration file option; the file cannot\n"
		"            override a value given here\n"
		"\n"
		" See hvptpd(8) and hvptpd.conf(5).\n",
		prog);
}

/* ---- hvptpd.conf(5) ---------------------------------------------------- */

/* Text for roff: backslashes, minus signs and leading dots escaped. */
static void cmdline_roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void cmdline_man_dbl(char *buf, size_t n, double v)
{
	if (v >= DBL_MAX)
		snprintf(buf, n, "inf");
	else if (v <= -DBL_MAX)
		snprintf(buf, n, "-inf");
	else if (v == DBL_MIN)
		snprintf(buf, n, "0 (exclusive)");
	else
		snprintf(buf, n, "%g", v);
}

static void cmdline_man_values(char *buf, size_t n,
			       const struct cfg_option_info *o)
{
	const struct cfg_enum_val *e;
	char lo[32], hi[32];
	size_t used;

	switch (o->type) {
	case CFG_INT:
		if (o->imin == INT_MIN && o->imax == INT_MAX)
			snprintf(buf, n, "integer");
		else if (o->def && o->def[0] == '0' && o->def[1] >= '0' &&
			 o->def[1] <= '7')
			snprintf(buf, n, "integer %s%llo..%s%llo (octal)",
				 o->imin ? "0" : "", o->imin,
				 o->imax ? "0" : "", o->imax);
		else
			snprintf(buf, n, "integer %lld..%lld", o->imin,
				 o->imax);
		return;
	case CFG_DOUBLE:
		cmdline_man_dbl(lo, sizeof(lo), o->dmin);
		cmdline_man_dbl(hi, sizeof(hi), o->dmax);
		snprintf(buf, n, "number %s..%s", lo, hi);
		return;
	case CFG_STRING:
		snprintf(buf, n, "text");
		return;
	case CFG_ENUM:
		used = (size_t)snprintf(buf, n, "one of");
		for (e = o->enums; e && e->name && used < n; e++)
			used += (size_t)snprintf(buf + used, n - used, " %s",
						 e->name);
		return;
	}
}

static void cmdline_man_option(FILE *f, const struct cfg_option_info *o)
{
	char values[160];

	fputs(".TP\n.B ", f);
	cmdline_roff(f, o->name);
	fputc('\n', f);
	cmdline_roff(f, o->help);
	fputs("\n.br\n", f);
	cmdline_man_values(values, sizeof(values), o);
	cmdline_roff(f, values);
	fputs("; default ", f);
	if (!o->def)
		fputs("unset", f);
	else if (!o->def[0])
		fputs("empty", f);
	else
		cmdline_roff(f, o->def);
	fputs(o->port_scope ? "; [global] or a port section.\n" :
			      "; [global] only.\n",
	      f);
	if (o->hvptp_only)
		fputs("An hvptpd option (not in ptp4l).\n", f);
	if (o->live)
		fputs("A reload (SIGHUP) applies a change while running.\n", f);
}

static void cmdline_man_list(FILE *f, bool implemented, bool deprecated)
{
	const struct cfg_option_info *o;
	int i;

	for (i = 0; i < cfg_option_count(); i++) {
		o = cfg_option_at(i);
		if (!!o->deprecated_for != deprecated)
			continue;
		if (!deprecated && o->implemented != implemented)
			continue;
		if (deprecated) {
			fputs(".TP\n.B ", f);
			cmdline_roff(f, o->name);
			fputs("\nOld name of\n.BR ", f);
			cmdline_roff(f, o->deprecated_for);
			fputs(" ;\naccepted with a warning.\n", f);
			continue;
		}
		cmdline_man_option(f, o);
	}
}

static const char cmdline_man_head[] =
	".\\\" Generated from hvptpd's option table by cmdline_print_conf_man()"
	"\n.\\\" (hvptpd --print-conf-man); do not edit by hand.\n"
	".TH HVPTPD.CONF 5 \"\" \"hvptp " HVPTP_VERSION "\" \"File Formats\"\n"
	".SH NAME\nhvptpd.conf \\- configuration file of hvptpd\n"
	".SH DESCRIPTION\n"
	".B hvptpd\nreads the file named with\n.BR \\-f .\n"
	"The format, the option names and their meanings are those of\n"
	"linuxptp's\n.BR ptp4l (8),\nso a ptp4l configuration works "
	"unchanged.\n"
	".IP \\(bu 2\nLines are\n.I option value\n"
	"where the value is the rest of the line; leading and trailing white\n"
	"space are ignored.  Empty lines and lines starting with # are\n"
	"ignored; a # after a value is part of the value.\n"
	".IP \\(bu 2\n.B [global]\n(in any case) holds clock options and "
	"the default of every port option.\n"
	".IP \\(bu 2\n.BI [ ifname ]\nstarts a port section: a port on "
	"interface\n.I ifname\n(added after the ports given with\n.BR \\-i ).\n"
	"Only options marked \"[global] or a port section\" may appear there.\n"
	".IP \\(bu 2\n.B [unicast_master_table]\nsections, as ptp4l's, each "
	"list the masters a port with\n.B unicast_master_table\nasks for "
	"unicast service:\n.BI table_id \" N\"\n(first, unique, 1 or "
	"more),\n.BI logQueryInterval \" N\"\n(log2 seconds between "
	"requests, default 0), then one\n.BI UDPv4 \" address\",\n"
	".BI UDPv6 \" address\"\nor\n.BI L2 \" MAC\"\nline per "
	"master (at most 16 a table, 16 tables; names are not resolved) "
	"and\n.BI peer_address \" address\"\n(unicast peer delay: refused "
	"yet).  A port asks each master for Announce every\n"
	"2^logQueryInterval s for\n.B unicast_req_duration\ns, runs the BMCA "
	"over the masters that granted it, asks the best one for Sync and "
	"Delay_Resp, renews each grant at 3/4 of its duration and cancels the "
	"Sync of a master it leaves (IEEE 1588-2019 16.1).\n"
	".IP \\(bu 2\n.B [acceptable_master_table]\n(hvptpd's own) lists "
	"the masters a port with\n.B acceptable_master_table_enabled\n"
	"takes Announces from (see\n.BR \"SELECTING THE MASTER\" ).\n"
	".IP \\(bu 2\nA line before the first section is an error.\n"
	".IP \\(bu 2\nIntegers may be written in decimal, hexadecimal (0x) or "
	"octal (leading 0); choices are matched without regard to case.\n"
	".PP\nUnknown options, malformed values and values out of range are\n"
	"errors: hvptpd prints\n.I FILE:LINE: OPTION: REASON\n"
	"and exits with status 2, after reading the whole file: every error\n"
	"is reported, an unknown option with the nearest known names when\n"
	"they are close.\n"
	".B \"hvptpd \\-\\-check \\-f\"\n.I file\n"
	"checks a file this way without starting (see\n.BR hvptpd (8)).\n"
	"Every option may also be given on the command line as\n"
	".BI \\-\\- option\\ value\nor\n.BR \\-\\- \\fIoption\\fB=\\fIvalue ;\n"
	"such values are locked: [global] lines in the file do not change "
	"them.\n";

/* How the options about the host's clocks fit together, and which
 * phc2sys flag each stands for. */
static const char cmdline_man_clocks[] =
	".SH \"THE HOST'S CLOCKS\"\n"
	"hvptpd keeps every clock of the host in step, as ptp4l and phc2sys\n"
	"do together.  The clock of the port in SLAVE (or UNCALIBRATED) state\n"
	"is the\n.IR reference :\nits servo takes the PTP samples.  Without a "
	"slave port, the\nreference is the clock\n.B reference_clock\n"
	"names (by default the first port's) until a port becomes a slave,\n"
	"and afterwards stays where it was (holdover keeps its frequency).\n"
	"Every other clock\n.I follows\nthe reference: each NIC's PHC that "
	"stamps a port, and CLOCK_REALTIME\n(what ptp_kvm guests read), "
	"through paired readings\n(PTP_SYS_OFFSET_PRECISE, else "
	"PTP_SYS_OFFSET_EXTENDED, else PTP_SYS_OFFSET;\n"
	"a PHC against another PHC through the system clock),\n"
	".B follow_rate\ntimes a second, each with a servo of its own.\n"
	"Followers start following once the reference has time worth\n"
	"following: it locked to its master, the clock became grandmaster, or "
	"it is\nthe system clock.  A step of the reference is passed on to its\n"
	"followers at once.  When the slave port moves to a port on another\n"
	"clock, the roles move with it: the new reference keeps its frequency\n"
	"and nothing is stepped.\n"
	".PP\nA port is stamped by its PHC with hardware timestamps, and by\n"
	"CLOCK_REALTIME with software timestamps\n"
	".RB ( time_stamping\nmay be given per port: a hardware uplink and "
	"software ports toward VMs in\none clock).  PHCs keep the PTP timescale "
	"(TAI), CLOCK_REALTIME keeps UTC:\nthe UTC offset is timePropertiesDS's "
	"currentUtcOffset when valid, else\n.BR utc_offset ;\n"
	"software ports send and take TAI on the wire.  hvptpd sets the\n"
	"kernel's TAI offset (ADJ_TAI) when the offset is valid, arms the\n"
	"kernel for announced leap seconds\n.RB ( kernel_leap ),\n"
	"and keeps the kernel's maxerror, esterror and STA_UNSYNC from its\n"
	"servos' error estimates.  Frequency beyond \\(+-500 ppm on "
	"CLOCK_REALTIME\ngoes through the kernel's tick (up to about "
	"\\(+-10 %).\n"
	".PP\nphc2sys's flags and hvptpd's options:\n"
	".B \\-a \\-r\nis the default\n.RB ( system_clock_sync\n1);\n"
	".B \\-R\nis\n.BR follow_rate ;\n.B \\-N\nis\n"
	".BR follow_readings ;\n.B \\-E\nis\n.BR follow_servo ;\n"
	".B \\-S\nand\n.B \\-F\nare\n.B follow_step_threshold\nand\n"
	".BR follow_first_step_threshold ;\n.B \\-L\nis\n"
	".BR sanity_freq_limit ;\n.B \\-O\nhas no equivalent (the UTC offset "
	"comes from PTP).\n";

/* Fixed ports, missing interfaces and pattern sections. */
static const char cmdline_man_ports[] =
	".SH \"PORTS THAT COME AND GO\"\n"
	"A port named with\n.B \\-i\nor an\n.BI [ ifname ]\n"
	"section is\n.IR fixed :\n"
	"it is a port for the daemon's whole life.  When its interface is "
	"missing\n(not there at start, deleted, renamed away) the port is "
	"FAULTY and waits;\nwhen an interface of that name appears again "
	"(a VM's tap re-created:\nthe same name, a new index) its sockets are "
	"opened afresh and it comes\nback within a second, without touching "
	"the other ports.  Only a port with\nsoftware timestamps may be missing "
	"at start: a hardware port's PHC must\nbe known when hvptpd starts.\n"
	".PP\nA section whose name is a pattern (with\n.B *\nor\n.BR ? ,\n"
	"as a shell matches file names), for instance\n.B [vnet*]\nor\n"
	".BR [tap*] ,\nor the same given with\n.BR \"\\-i 'vnet*'\" ,\n"
	"serves every interface whose name matches and that no fixed port "
	"names,\nas it appears: it becomes a port with that section's settings "
	"within a\nsecond (at once with rtnetlink), and is removed when it goes. "
	" A re-created\ninterface gets its old portNumber back when that is "
	"still free.  The\nfirst matching section wins.  Pattern sections must "
	"say\n.B time_stamping software\n(taps and veths have no PHC), and "
	"they do not serve an interface that\nis a port of a bridge (IFLA_MASTER "
	"set): a UDP socket on a bridge port\nreceives nothing, the bridge takes "
	"the frames; for guests behind a\nbridge, name the bridge as a fixed "
	"port or a veth into it.  Routed taps\n(a tap with its own address, no "
	"bridge) are served one port each.\n"
	".PP\n.B max_ports\nbounds the ports in all (1024 at most).  Each port "
	"slot costs about\n10 KiB of the core's and daemon's memory, allocated "
	"at start and touched\nonly when a port uses it, plus two sockets while "
	"the port is open.\n";

/* chronyd's and ntpd's feeds (daemon/feed.h). */
static const char cmdline_man_feeds[] =
	".SH \"FEEDING CHRONYD AND NTPD\"\n"
	"With\n.B chrony_sock\nand/or\n.BR ntp_shm_segment ,\n"
	"hvptpd hands the reference clock's time, on UTC, to chronyd's SOCK\n"
	"refclock (chrony.conf: \\fBrefclock SOCK\\fR \\fIpath\\fR) or to an "
	"NTP\nshared-memory refclock, as \\fBphc2sys \\-E ntpshm\\fR does "
	"(chrony.conf:\n\\fBrefclock SHM\\fR \\fIN\\fR; ntp.conf: "
	"\\fBserver 127.127.28.\\fIN\\fR),\n.B feed_rate\ntimes a second: "
	"the offset of the reference from CLOCK_REALTIME\nby a paired reading, "
	"less the UTC offset in force for a PHC, with the\nleap second "
	"timePropertiesDS announces.  Only time worth having is fed:\n"
	"the reference's servo locked to a master (with\n.BR free_running ,\n"
	"a fresh Sync measurement of the master instead: hvptpd measures,\n"
	"chronyd steers), or, as grandmaster, time marked traceable; nothing\n"
	"in holdover (chronyd holds its own frequency), on a PHC with the ARB\n"
	"timescale, around a leap second, or from CLOCK_REALTIME itself.\n"
	"chronyd or ntpd then steers CLOCK_REALTIME, so hvptpd must not:\n"
	"the feeds are refused while it would (system_clock_sync 1, or\n"
	"software-timestamped ports), unless\n.BR free_running .\n"
	"A chronyd not running yet costs nothing but a counted, rate-limited\n"
	"warning (metrics hvptp_feed_*).\n";

void cmdline_print_conf_man(FILE *f)
{
	fputs(cmdline_man_head, f);
	fputs(cmdline_man_ports, f);
	fputs(cmdline_man_clocks, f);
	fputs(cmdline_man_feeds, f);
	cmdline_man_bmca(f);
	cmdline_man_profiles(f);
	fputs(".SH OPTIONS\n", f);
	cmdline_man_list(f, true, false);
	fputs(".SH \"PTP4L OPTIONS NOT IMPLEMENTED YET\"\n"
	      "These ptp4l options are accepted at their default, which is\n"
	      "what hvptpd does.  Set to anything else they ask for what\n"
	      "hvptpd does not do yet and are refused at start with\n"
	      ".IR file : line \": \" option \": \" value \": not implemented by "
	      "hvptpd yet\" ,\n"
	      "except those that change nothing in ptp4l either (the ts2phc\n"
	      "options; ntpshm_segment and refclock_sock_address, read only by\n"
	      "servos hvptpd refuses): one warning says why they are ignored.\n",
	      f);
	cmdline_man_list(f, false, false);
	fputs(".SH \"OLD NAMES\"\n", f);
	cmdline_man_list(f, false, true);
	fputs(".SH \"SEE ALSO\"\n.BR hvptpd (8),\n.BR hvptpctl (8),\n"
	      ".BR ptp4l (8)\n",
	      f);
}
