/*
 * mgmt/ctl.c — hvptpctl: options, the command table, get and set, errors
 * and the JSON envelope (see mgmt/ctl.h).  status and watch are in
 * mgmt/ctl_status.c and mgmt/ctl_watch.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bc/tlv.h"
#include "common/version.h"
#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"

volatile sig_atomic_t ctl_stop;

/* ---- signals: no socket file left behind ---- */

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct mgmt_client *volatile ctl_live; /* the client, for them */

/* A terminating signal (watch has its own for SIGINT and SIGTERM):
 * remove the client's socket file, then die of the signal as before. */
static void on_fatal(int sig)
{
	struct mgmt_client *cl = ctl_live;

	if (cl && cl->self_path[0])
		unlink(cl->self_path);
	raise(sig); /* SA_RESETHAND: the default action, once we return */
}

static void fatal_handlers(struct mgmt_client *cl, struct sigaction *old,
			   bool install)
{
	struct sigaction sa;
	size_t n = sizeof(fatal_signals) / sizeof(fatal_signals[0]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++)
		sigaddset(&sa.sa_mask, fatal_signals[i]);
	ctl_live = install ? cl : NULL;
	for (size_t i = 0; i < n; i++)
		sigaction(fatal_signals[i], install ? &sa : &old[i],
			  install ? &old[i] : NULL);
}

/* ---- errors ---- */

static const char *reason_of(int err)
{
	switch (-err) {
	case ENOENT: return "socket_missing";
	case EACCES: case EPERM: return "permission_denied";
	case ECONNREFUSED: return "not_listening";
	case ETIMEDOUT: case EAGAIN: return "timeout";
	default: return "other";
	}
}

static void ctl_error_member(struct ctl *c, struct mgmt_tree *t,
			     const char *kind, int code, const char *msg,
			     const char *reason)
{
	int e = mgmt_tree_obj(t, 0, "error");

	(void)c;
	mgmt_tree_str(t, e, "kind", kind);
	mgmt_tree_int(t, e, "exit_code", code);
	mgmt_tree_str(t, e, "message", msg);
	if (reason)
		mgmt_tree_str(t, e, "reason", reason);
}

static int ctl_fail_doc(struct ctl *c, int code, const char *kind,
			const char *msg, const char *reason)
{
	struct mgmt_tree *t;

	fprintf(c->err, "hvptpctl: %s\n", msg);
	if (!c->json)
		return code;
	t = mgmt_tree_new();
	if (!t)
		return code;
	ctl_envelope(c, t);
	ctl_error_member(c, t, kind, code, msg, reason);
	mgmt_print_json(c->out, t, 0, !(c->command &&
					 strcmp(c->command, "watch") == 0));
	mgmt_tree_free(t);
	return code;
}

int ctl_fail(struct ctl *c, int code, const char *kind, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ctl_fail_doc(c, code, kind, msg, NULL);
}

static const char *id_label(uint16_t id, char *buf, size_t len);

/* "GET PORT_DATA_SET, port 2: " (the request that failed), or "". */
static const char *ask_context(const struct ctl *c, char *buf, size_t len)
{
	char idb[16];
	const char *act = c->ask_action == PTP_MGMT_GET ? "GET"
			  : c->ask_action == PTP_MGMT_SET ? "SET"
							  : "COMMAND";

	if (!c->asked) {
		buf[0] = '\0';
	} else if (!bc_mgmt_id_is_port(c->ask_id)) {
		snprintf(buf, len, "%s %s: ", act,
			 id_label(c->ask_id, idb, sizeof(idb)));
	} else if (c->ask_port == BC_MGMT_ALL_PORTS) {
		snprintf(buf, len, "%s %s, every port: ", act,
			 id_label(c->ask_id, idb, sizeof(idb)));
	} else {
		snprintf(buf, len, "%s %s, port %u: ", act,
			 id_label(c->ask_id, idb, sizeof(idb)),
			 (unsigned)c->ask_port);
	}
	return buf;
}

int ctl_fail_errno(struct ctl *c, int err)
{
	char hint[512], ctx[96], msg[640];
	int code = mgmt_client_exit_code(err);

	mgmt_client_hint(err, c->socket, c->timeout_ms, hint, sizeof(hint));
	snprintf(msg, sizeof(msg), "%s%s", ask_context(c, ctx, sizeof(ctx)),
		 hint);
	return ctl_fail_doc(c, code,
			    code == MGMT_EXIT_UNREACHABLE ? "unreachable"
			    : code == MGMT_EXIT_USAGE     ? "usage"
							  : "protocol",
			    msg,
			    code == MGMT_EXIT_UNREACHABLE ? reason_of(err)
							  : NULL);
}

/* ---- shared helpers ---- */

int ctl_connect(struct ctl *c, bool read_only)
{
	int err = mgmt_client_open(&c->cl, c->socket, c->timeout_ms,
				   c->domain);

	if ((err == -EACCES || err == -EPERM) && read_only &&
	    !c->socket_given) {
		c->socket = MGMT_CLIENT_DEFAULT_RO_SOCKET;
		err = mgmt_client_open(&c->cl, c->socket, c->timeout_ms,
				       c->domain);
	}
	if (err < 0)
		return ctl_fail_errno(c, err);
	c->connected = true;
	return 0;
}

void ctl_envelope(struct ctl *c, struct mgmt_tree *t)
{
	mgmt_tree_int(t, 0, "schema_version", MGMT_CTL_SCHEMA_VERSION);
	mgmt_tree_str(t, 0, "command", c->command ? c->command : "");
	mgmt_tree_str(t, 0, "socket", c->socket);
}

int ctl_emit(struct ctl *c, struct mgmt_tree *t,
	     int (*text)(FILE *f, const struct mgmt_tree *t))
{
	int err;

	if (t->overflow)
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal",
				"output too large");
	err = c->json ? mgmt_print_json(c->out, t, 0, true) : text(c->out, t);
	fflush(c->out);
	return err < 0 ? MGMT_EXIT_ERROR : MGMT_EXIT_OK;
}

struct mgmt_replies *ctl_ask(struct ctl *c, uint8_t action, uint16_t id,
			     uint16_t port, const uint8_t *data, size_t len,
			     int *err)
{
	struct mgmt_replies *r = calloc(1, sizeof(*r));

	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	c->asked = true;
	c->ask_action = action;
	c->ask_id = id;
	c->ask_port = port;
	*err = mgmt_client_ask(&c->cl, action, id, port, data, len, r);
	if (*err < 0) {
		free(r);
		return NULL;
	}
	if (r->partial)
		fprintf(c->err, "hvptpctl: warning: %d port(s) did not answer "
			"%s within %d ms\n", c->cl.nports - r->n,
			bc_mgmt_id_name(id) ? bc_mgmt_id_name(id) : "the request",
			c->timeout_ms);
	return r;
}

const char *ctl_timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", s, ts.tv_nsec / 1000000);
	return buf;
}

/* ---- arguments ---- */

/* A managementId: a name (any case) or a number (0x2000). */
static int parse_id(const char *s)
{
	char *end;
	long v;
	int id = bc_mgmt_id_from_name(s);

	if (id >= 0)
		return id;
	v = strtol(s, &end, 0);
	return *s && !*end && v >= 0 && v <= 0xFFFF ? (int)v : -1;
}

/* A port number (1..65535, 0xFFFF = all) or "all"; -1 when s is not one. */
static int parse_port(const char *s)
{
	char *end;
	long v;

	if (strcasecmp(s, "all") == 0)
		return BC_MGMT_ALL_PORTS;
	v = strtol(s, &end, 10);
	return *s && !*end && v >= 1 && v <= 0xFFFF ? (int)v : -1;
}

static const char *id_label(uint16_t id, char *buf, size_t len)
{
	const char *n = bc_mgmt_id_name(id);

	if (n)
		return n;
	snprintf(buf, len, "0x%04X", id);
	return buf;
}

/* ---- get and set ---- */

/* Text of a get/set document: one block per answer. */
static int text_answers(FILE *f, const struct mgmt_tree *t)
{
	int arr = mgmt_tree_member(t, 0, "responses");
	const char *id = mgmt_tree_get_str(t, 0, "management_id");

	for (int i = 0, a; (a = mgmt_tree_child(t, arr, i)) >= 0; i++) {
		int data = mgmt_tree_member(t, a, "data");

		fprintf(f, "%s%s from %s\n", i ? "\n" : "", id,
			mgmt_tree_get_str(t, a, "source_port_identity"));
		if (data >= 0)
			mgmt_print_text(f, t, data, 2);
		else
			fprintf(f, "  error  %s\n", mgmt_tree_get_str(
				t, a, "error.management_error_name"));
	}
	return ferror(f) ? -EIO : 0;
}

/* The first error status among the answers. */
struct first_error {
	bool any;
	uint16_t error_id;
	uint16_t port; /* the answering port's number (0: the clock) */
};

/* Add the answers under "responses", noting the first error status. */
static int add_answers(struct mgmt_tree *t, const struct mgmt_replies *r,
		       struct first_error *e)
{
	int arr = mgmt_tree_member(t, 0, "responses");

	if (arr < 0)
		arr = mgmt_tree_arr(t, 0, "responses");
	for (int i = 0; i < r->n; i++) {
		mgmt_decode_answer(t, arr, &r->rep[i].r);
		if (r->rep[i].r.is_error && !e->any) {
			e->any = true;
			e->error_id = r->rep[i].r.error_id;
			e->port = r->rep[i].r.hdr.source_port_identity
					  .port_number;
		}
	}
	return 0;
}

static void id_envelope(struct ctl *c, struct mgmt_tree *t, uint16_t id)
{
	char buf[16];

	ctl_envelope(c, t);
	mgmt_tree_str(t, 0, "management_id", id_label(id, buf, sizeof(buf)));
	mgmt_tree_int(t, 0, "management_id_code", id);
}

/* What an error status likely means, for the message. */
static const char *error_hint(uint16_t id, uint8_t action, uint16_t err)
{
	if (err != TLV_MGMT_ERR_NOT_SUPPORTED)
		return "";
	if (action == PTP_MGMT_SET)
		return ": not settable in hvptpd, or a read-only socket";
	if (action != PTP_MGMT_GET)
		return ": not a command hvptpd carries out, or a read-only "
		       "socket";
	if (id == BC_MID_PORT_PROPERTIES_NP || id == BC_MID_PORT_HWCLOCK_NP)
		return ": the read-only socket refuses it (as linuxptp 4.4's): "
		       "ask the read-write one, or HVPTP_PORT_STATUS_NP";
	return "";
}

/* Print the document; exit 1 (with an "error" member) when an answer
 * was an error status. */
static int finish_answers(struct ctl *c, struct mgmt_tree *t, uint16_t id,
			  uint8_t action, const struct first_error *e)
{
	bool set = action != PTP_MGMT_GET;
	char msg[512], buf[16], port[16] = "";
	uint16_t p;
	int code;

	if (!e->any)
		return ctl_emit(c, t, text_answers);
	/* the answering port, else the one asked for (a port that does
	 * not exist is answered by the clock, port 0) */
	p = e->port ? e->port
	    : c->asked && c->ask_port != BC_MGMT_ALL_PORTS ? c->ask_port
							   : 0;
	if (bc_mgmt_id_is_port(id) && p)
		snprintf(port, sizeof(port), ", port %u", (unsigned)p);
	snprintf(msg, sizeof(msg), "%s %s%s: the daemon answered %s (%u)%s",
		 action == PTP_MGMT_SET ? "SET" : set ? "COMMAND" : "GET",
		 id_label(id, buf, sizeof(buf)), port,
		 mgmt_error_name(e->error_id), e->error_id,
		 error_hint(id, action, e->error_id));
	ctl_error_member(c, t, "management_error", MGMT_EXIT_ERROR, msg, NULL);
	code = ctl_emit(c, t, text_answers);
	fprintf(c->err, "hvptpctl: %s\n", msg);
	return code ? code : MGMT_EXIT_ERROR;
}

/* Ask id of port with action (no data), print the answers; then, when
 * all went well and judge is given, its exit code for the answers. */
static int ask_answers(struct ctl *c, uint8_t action, uint16_t id,
		       uint16_t port,
		       int (*judge)(const struct mgmt_tree *t))
{
	struct first_error e = { false, 0, 0 };
	struct mgmt_replies *r;
	struct mgmt_tree *t;
	int err, code;

	code = ctl_connect(c, action == PTP_MGMT_GET);
	if (code)
		return code;
	r = ctl_ask(c, action, id, port, NULL, 0, &err);
	if (!r)
		return ctl_fail_errno(c, err);
	t = mgmt_tree_new();
	if (!t) {
		free(r);
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	}
	id_envelope(c, t, id);
	add_answers(t, r, &e);
	code = finish_answers(c, t, id, action, &e);
	if (!code && judge)
		code = judge(t);
	mgmt_tree_free(t);
	free(r);
	return code;
}

/* get ID [PORT] (GET, the read-only socket will do) and cmd ID [PORT]
 * (COMMAND, no data: the read-write socket). */
static int ask_print(struct ctl *c, uint8_t action, int argc, char **argv)
{
	const char *what = action == PTP_MGMT_GET ? "get" : "cmd";
	int id = argc > 1 ? parse_id(argv[1]) : -1;
	int port = argc > 2 ? parse_port(argv[2]) : BC_MGMT_ALL_PORTS;

	if (argc < 2 || argc > 3 || id < 0 || port < 0)
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage", "%s: %s", what,
				argc < 2 ? "which ID? (hvptpctl -h lists them)"
				: id < 0 ? "unknown management ID"
					 : "bad port number");
	return ask_answers(c, action, (uint16_t)id, (uint16_t)port, NULL);
}

static int cmd_get(struct ctl *c, int argc, char **argv)
{
	return ask_print(c, PTP_MGMT_GET, argc, argv);
}

static int cmd_command(struct ctl *c, int argc, char **argv)
{
	return ask_print(c, PTP_MGMT_COMMAND, argc, argv);
}

/* HVPTP_RELOAD_NP's acknowledgement: 0 when the configuration loaded and
 * every change applied, 1 when some were refused or it did not load. */
static int reload_judge(const struct mgmt_tree *t)
{
	int64_t loaded = 0, refused = 1;
	int a = mgmt_tree_child(t, mgmt_tree_member(t, 0, "responses"), 0);

	a = a >= 0 ? mgmt_tree_member(t, a, "data") : -1;
	if (a < 0)
		return MGMT_EXIT_ERROR;
	mgmt_tree_get_int(t, a, "loaded", &loaded);
	mgmt_tree_get_int(t, a, "refused", &refused);
	return loaded && !refused ? MGMT_EXIT_OK : MGMT_EXIT_ERROR;
}

/* reload: COMMAND HVPTP_RELOAD_NP (the daemon's log says what was
 * applied, what refused and why). */
static int cmd_reload(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage", "%s",
				"reload takes no argument");
	return ask_answers(c, PTP_MGMT_COMMAND, BC_MID_HVPTP_RELOAD_NP, 0,
			   reload_judge);
}

/* Apply argv's FIELD=VALUE to obj; 0 or the usage exit code. */
static int set_assign(struct ctl *c, struct mgmt_tree *t, int obj,
		      uint16_t id, int argc, char **argv)
{
	char err[600], key[128];

	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof(key))
			return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
					"set: '%s' is not FIELD=VALUE", argv[i]);
		memcpy(key, argv[i], (size_t)(eq - argv[i]));
		key[eq - argv[i]] = '\0';
		if (mgmt_layout_assign(t, obj, id, key, eq + 1, err,
				       sizeof(err)) < 0)
			return ctl_fail(c, MGMT_EXIT_USAGE, "usage", "set: %s",
					err);
	}
	return 0;
}

/* One SET to port, of the current data (cur: a GET's answer, or NULL)
 * with argv's changes; answers added to out.  0 or an exit code. */
static int set_one(struct ctl *c, uint16_t id, uint16_t port,
		   const struct bc_mgmt_req *cur, int argc, char **argv,
		   struct mgmt_tree *out, struct first_error *e)
{
	struct mgmt_tree *t = mgmt_tree_new();
	uint8_t data[PTP_MAX_MSG_LEN];
	struct mgmt_replies *r;
	char err[512];
	int n, code = 0, rc;

	if (!t)
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	if (cur && !cur->is_error)
		mgmt_decode_data(t, 0, id, cur->data, cur->data_len);
	code = set_assign(c, t, 0, id, argc, argv);
	n = code ? 0 : mgmt_encode_data(t, 0, id, data, sizeof(data), err,
					sizeof(err));
	if (!code && n < 0)
		code = ctl_fail(c, MGMT_EXIT_USAGE, "usage", "set: %s%s",
				err[0] ? err : "this ID cannot be encoded",
				cur && !cur->is_error ? ""
				: " (no GET answer to start from: give every "
				  "field)");
	mgmt_tree_free(t);
	if (code)
		return code;
	r = ctl_ask(c, PTP_MGMT_SET, id, port, data, (size_t)n, &rc);
	if (!r)
		return ctl_fail_errno(c, rc);
	add_answers(out, r, e);
	free(r);
	return 0;
}

static int cmd_set(struct ctl *c, int argc, char **argv)
{
	int id = argc > 1 ? parse_id(argv[1]) : -1, port = -1, first = 2;
	struct first_error e = { false, 0, 0 };
	struct mgmt_replies *cur;
	struct mgmt_tree *t;
	int err, code;

	if (argc > 2 && !strchr(argv[2], '=')) {
		port = parse_port(argv[2]);
		first = 3;
	}
	if (argc <= first || id < 0 || (first == 3 && port < 0))
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
				id < 0 && argc > 1 ? "set: unknown management ID"
				: first == 3 && port < 0
					? "set: bad port number"
					: "set: usage: set ID [PORT] FIELD=VALUE...");
	if (!mgmt_layout_find((uint16_t)id))
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
				"set: hvptpctl has no data layout for %s",
				argv[1]);
	code = ctl_connect(c, false);
	if (code)
		return code;
	if (port < 0)
		port = BC_MGMT_ALL_PORTS;
	/* start from the current values: fields not named keep theirs */
	cur = ctl_ask(c, PTP_MGMT_GET, (uint16_t)id, (uint16_t)port, NULL, 0,
		      &err);
	if (!cur)
		return ctl_fail_errno(c, err);
	t = mgmt_tree_new();
	if (!t) {
		free(cur);
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	}
	id_envelope(c, t, (uint16_t)id);
	mgmt_tree_arr(t, 0, "responses");
	for (int i = 0; i < cur->n && !code; i++) {
		const struct bc_mgmt_req *q = &cur->rep[i].r;
		uint16_t p = bc_mgmt_id_is_port((uint16_t)id)
				     ? q->hdr.source_port_identity.port_number
				     : (uint16_t)port;

		if (q->is_error && cur->n > 1)
			continue;
		code = set_one(c, (uint16_t)id,
			       p ? p : (uint16_t)BC_MGMT_ALL_PORTS, q,
			       argc - first, argv + first, t, &e);
	}
	if (!code)
		code = finish_answers(c, t, (uint16_t)id, PTP_MGMT_SET, &e);
	mgmt_tree_free(t);
	free(cur);
	return code;
}

/* ---- options and commands ---- */

struct ctl_cmd {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
};

static const struct ctl_cmd commands[] = {
	{ "status", ctl_cmd_status },
	{ "tracking", ctl_cmd_tracking },
	{ "get", cmd_get },
	{ "set", cmd_set },
	{ "cmd", cmd_command },
	{ "reload", cmd_reload },
	{ "watch", ctl_cmd_watch },
	{ "vmclock", ctl_cmd_vmclock },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvptpctl [options] status\n"
		"       hvptpctl [options] tracking\n"
		"       hvptpctl [options] get ID [PORT|all]\n"
		"       hvptpctl [options] set ID [PORT] FIELD=VALUE...\n"
		"       hvptpctl [options] cmd ID [PORT]   (DISABLE_PORT, "
		"ENABLE_PORT)\n"
		"       hvptpctl [options] watch\n"
		"       hvptpctl [options] reload   (read the configuration "
		"again, as SIGHUP)\n"
		"       hvptpctl [--json] vmclock FILE   (a vmclock page, read "
		"as a guest does)\n"
		"options:\n"
		"  -s, --socket PATH     hvptpd's management socket (%s;\n"
		"                        read-only: %s)\n"
		"  -j, --json            one JSON document (watch: one per "
		"line)\n"
		"  -t, --timeout MS      wait this long for answers (%d)\n"
		"  -d, --domain N        domainNumber of requests (0)\n"
		"  -i, --interval S      status: message-rate interval (1); "
		"watch:\n"
		"                        seconds between offset lines (1); 0: "
		"none\n"
		"  -h, --help            this help and the known IDs\n"
		"  -v, --version\n"
		"exit: 0 ok, 1 the daemon answered an error, 2 usage, 3 cannot "
		"reach hvptpd\n",
		MGMT_CLIENT_DEFAULT_SOCKET, MGMT_CLIENT_DEFAULT_RO_SOCKET,
		MGMT_CLIENT_DEFAULT_TIMEOUT_MS);
}

static void list_ids(FILE *f)
{
	fprintf(f, "IDs with a decoder (port IDs marked *):\n");
	for (int i = 0; i < mgmt_layout_count(); i++) {
		uint16_t id = mgmt_layout_at(i)->id;

		fprintf(f, "  %-34s 0x%04X%s\n", bc_mgmt_id_name(id), id,
			bc_mgmt_id_is_port(id) ? " *" : "");
	}
}

static bool parse_num(const char *s, double min, double max, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return *s && !*end && *v >= min && *v <= max;
}

/* 0, -1 for -h/-v (done), or the usage exit code. */
static int parse_options(struct ctl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "domain", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	double v;
	int o;

	optind = 0; /* GNU: start over (mgmt_ctl_main may run again) */
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+s:jt:d:i:hv", lo, NULL)) != -1) {
		switch (o) {
		case 's': c->socket = optarg; c->socket_given = true; break;
		case 'j': c->json = true; break;
		case 't':
			if (!parse_num(optarg, 1, 3600000, &v))
				return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
						"bad timeout '%s' (ms)", optarg);
			c->timeout_ms = (int)v;
			break;
		case 'd':
			if (!parse_num(optarg, 0, 255, &v) || v != (int)v)
				return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
						"bad domain '%s'", optarg);
			c->domain = (uint8_t)v;
			break;
		case 'i':
			if (!parse_num(optarg, 0, 3600, &v))
				return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
						"bad interval '%s' (s)", optarg);
			c->interval_s = v;
			break;
		case 'h': usage(c->out); list_ids(c->out); return -1;
		case 'v': fprintf(c->out, "hvptpctl %s\n", HVPTP_VERSION);
			return -1;
		default:
			return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
					"bad option '%s' (hvptpctl -h)",
					argv[optind - 1]);
		}
	}
	return 0;
}

/* "-js": the last option of the cluster takes the next argument. */
static bool short_takes_next(const char *a)
{
	for (const char *p = a + 1; *p; p++) {
		if (strchr("stdi", *p))
			return p[1] == '\0';
	}
	return false;
}

/* The command's arguments may carry options too (hvptpctl get X --json):
 * move them in front, GNU style, before the command is parsed. */
static int split_args(int argc, char **argv, char **opts, char **args,
		      int *nargs)
{
	int no = 1, na = 0;

	opts[0] = argv[0];
	for (int i = 1; i < argc; i++) {
		bool opt = argv[i][0] == '-' && argv[i][1] &&
			   !(argv[i][1] >= '0' && argv[i][1] <= '9');

		if (!opt) {
			args[na++] = argv[i];
			continue;
		}
		opts[no++] = argv[i];
		if (argv[i][1] != '-' && short_takes_next(argv[i]) &&
		    i + 1 < argc)
			opts[no++] = argv[++i];
		else if (argv[i][1] == '-' && i + 1 < argc &&
			 (!strcmp(argv[i], "--socket") ||
			  !strcmp(argv[i], "--timeout") ||
			  !strcmp(argv[i], "--domain") ||
			  !strcmp(argv[i], "--interval")))
			opts[no++] = argv[++i];
	}
	opts[no] = NULL;
	args[na] = NULL;
	*nargs = na;
	return no;
}

int mgmt_ctl_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl c = { .socket = MGMT_CLIENT_DEFAULT_SOCKET,
			 .timeout_ms = MGMT_CLIENT_DEFAULT_TIMEOUT_MS,
			 .interval_s = 1.0, .out = out, .err = err };
	char **opts = calloc((size_t)argc + 1, sizeof(char *));
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	int nopts, nargs = 0, code = MGMT_EXIT_USAGE;
	struct sigaction old[sizeof(fatal_signals) / sizeof(fatal_signals[0])];

	if (!opts || !args) {
		free(opts);
		free(args);
		return MGMT_EXIT_ERROR;
	}
	nopts = split_args(argc, argv, opts, args, &nargs);
	for (int i = 1; i < nopts; i++)
		if (!strcmp(opts[i], "-j") || !strcmp(opts[i], "--json"))
			c.json = true; /* errors in JSON from the start */
	c.command = nargs ? args[0] : NULL;
	code = parse_options(&c, nopts, opts);
	if (code == 0 && nargs == 0)
		code = ctl_fail(&c, MGMT_EXIT_USAGE, "usage",
				"which command? (status, tracking, get, set, cmd, "
				"watch, reload, vmclock; hvptpctl -h)");
	for (size_t i = 0; code == 0 && i < sizeof(commands) /
						sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, args[0]) == 0) {
			fatal_handlers(&c.cl, old, true);
			code = commands[i].run(&c, nargs, args);
			if (c.connected)
				mgmt_client_close(&c.cl);
			c.connected = false;
			fatal_handlers(&c.cl, old, false);
			goto done;
		}
	}
	if (code == 0) {
		c.command = ""; /* documents name only known commands */
		code = ctl_fail(&c, MGMT_EXIT_USAGE, "usage",
				"unknown command '%s' (status, tracking, get, "
				"set, watch, vmclock)",
				args[0]);
	}
done:
	if (code < 0)
		code = MGMT_EXIT_OK; /* -h, -v */
	if (c.connected)
		mgmt_client_close(&c.cl);
	free(opts);
	free(args);
	return code;
}
