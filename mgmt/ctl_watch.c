/*
 * mgmt/ctl_watch.c — hvptpctl watch: subscribe to hvptpd's events
 * (SUBSCRIBE_EVENTS_NP: port state and parent changes, alarms raised and
 * cleared: HVPTP_ALARMS_NP) and print one line
 * per event with a timestamp, plus an offset line every --interval seconds
 * (HVPTP_SERVO_STATUS_NP, or TIME_STATUS_NP from a daemon without it),
 * until SIGINT or SIGTERM.  The subscription lasts WATCH_DURATION_S and is
 * renewed every WATCH_RENEW_S; it is cancelled on the way out.  With
 * --json every line is one JSON object (NDJSON), the first one the
 * "subscribed" event.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bc/tlv.h"
#include "mgmt/ctl_priv.h"
#include "mgmt/decode.h"
#include "mgmt/print.h"

#define WATCH_DURATION_S 60
#define WATCH_RENEW_S 20

struct watch {
	struct ctl *c;
	char ifname[BC_MAX_PORTS + 1][BC_PORT_NAME_LEN];
	bool have_servo; /* the daemon answers HVPTP_SERVO_STATUS_NP */
	int code; /* exit code once something failed */
};

static int64_t now_ms(void)
{
	return mgmt_client_mono_ns() / 1000000;
}

static void on_signal(int sig)
{
	(void)sig;
	ctl_stop = 1;
}

/* A new event document: envelope, time, event name. */
static struct mgmt_tree *event_new(struct watch *w, const char *event)
{
	struct mgmt_tree *t = mgmt_tree_new();
	char ts[40];

	if (!t)
		return NULL;
	ctl_envelope(w->c, t);
	mgmt_tree_str(t, 0, "time", ctl_timestamp(ts, sizeof(ts)));
	mgmt_tree_str(t, 0, "event", event);
	return t;
}

/* JSON: the line; text: time + the text the caller made. */
static void event_print(struct watch *w, struct mgmt_tree *t,
			const char *text)
{
	if (w->c->json)
		mgmt_print_json(w->c->out, t, 0, false);
	else
		fprintf(w->c->out, "%s %s\n", mgmt_tree_get_str(t, 0, "time"),
			text);
	fflush(w->c->out);
	mgmt_tree_free(t);
}

static const char *port_ifname(struct watch *w, int pn)
{
	return pn >= 1 && pn <= BC_MAX_PORTS && w->ifname[pn][0]
		       ? w->ifname[pn]
		       : "?";
}

static void notify_port_state(struct watch *w, const struct bc_mgmt_req *r)
{
	struct mgmt_tree *t = event_new(w, "port_state");
	int pn = r->hdr.source_port_identity.port_number, d;
	char text[128];
	const char *st;

	if (!t)
		return;
	mgmt_tree_int(t, 0, "port_number", pn);
	mgmt_tree_str(t, 0, "interface", port_ifname(w, pn));
	d = mgmt_tree_obj(t, 0, "data");
	mgmt_decode_data(t, d, r->id, r->data, r->data_len);
	st = mgmt_tree_get_str(t, d, "port_state_name");
	snprintf(text, sizeof(text), "port %d (%s) %s", pn, port_ifname(w, pn),
		 st ? st : "UNKNOWN");
	event_print(w, t, text);
}

static void notify_parent(struct watch *w, const struct bc_mgmt_req *r)
{
	struct mgmt_tree *t = event_new(w, "parent_data_set");
	char text[256], v[4][32];
	int d;

	if (!t)
		return;
	d = mgmt_tree_obj(t, 0, "data");
	mgmt_decode_data(t, d, r->id, r->data, r->data_len);
	snprintf(text, sizeof(text), "parent %s grandmaster %s "
		 "(priority1 %s, class %s)",
		 mgmt_print_value(t, d, mgmt_tree_get(t, d,
			"parent_port_identity"), v[0], sizeof(v[0])),
		 mgmt_print_value(t, d, mgmt_tree_get(t, d,
			"grandmaster_identity"), v[1], sizeof(v[1])),
		 mgmt_print_value(t, d, mgmt_tree_get(t, d,
			"grandmaster_priority1"), v[2], sizeof(v[2])),
		 mgmt_print_value(t, d, mgmt_tree_get(t, d,
			"grandmaster_clock_quality.clock_class"), v[3],
			sizeof(v[3])));
	event_print(w, t, text);
}

/* "alarm time_error(/dev/ptp0) raised: value 153000 ns, bound 100000 ns";
 * JSON: event "alarm" with name, subject and change beside the data. */
static void notify_alarm(struct watch *w, const struct bc_mgmt_req *r)
{
	struct mgmt_tree *t = event_new(w, "alarm");
	char text[256], v[2][32];
	const char *name, *subj, *unit;
	int d, a;
	int64_t on = 0;

	if (!t)
		return;
	d = mgmt_tree_obj(t, 0, "data");
	mgmt_decode_data(t, d, r->id, r->data, r->data_len);
	a = mgmt_tree_child(t, mgmt_tree_get(t, d, "alarms"), 0);
	if (a < 0) {
		mgmt_tree_free(t);
		return;
	}
	mgmt_tree_get_int(t, a, "active", &on);
	name = mgmt_tree_get_str(t, a, "kind_name");
	subj = mgmt_tree_get_str(t, a, "subject");
	unit = mgmt_tree_get_str(t, a, "unit");
	mgmt_tree_str(t, 0, "name", name);
	mgmt_tree_str(t, 0, "subject", subj);
	mgmt_tree_str(t, 0, "change", on ? "raised" : "cleared");
	ctl_alarm_number(t, a, "value", v[0], sizeof(v[0]));
	if (!strcmp(v[0], "-")) /* cleared: what it watched is unknown now */
		snprintf(v[0], sizeof(v[0]), "unknown");
	snprintf(text, sizeof(text), "alarm %s(%s) %s: value %s%s%s, bound %s %s",
		 name ? name : "?", subj ? subj : "?",
		 on ? "raised" : "cleared", v[0],
		 unit && strcmp(v[0], "unknown") ? " " : "",
		 unit && strcmp(v[0], "unknown") ? unit : "",
		 ctl_alarm_number(t, a, "bound", v[1], sizeof(v[1])),
		 unit ? unit : "");
	event_print(w, t, text);
}

/* Only the events subscribe() asks for: time sync notifications (one
 * per sample) are not, the offset line polls the richer servo status. */
static void on_notify(void *ctx, const struct bc_mgmt_req *r)
{
	struct watch *w = ctx;

	if (r->id == BC_MID_PORT_DATA_SET)
		notify_port_state(w, r);
	else if (r->id == BC_MID_PARENT_DATA_SET)
		notify_parent(w, r);
	else if (r->id == BC_MID_HVPTP_ALARMS_NP)
		notify_alarm(w, r);
}

/* ---- requests ---- */

/* SET SUBSCRIBE_EVENTS_NP: port state and parent changes, alarms, for
 * duration s
 * (0 events: unsubscribe).  0 or the exit code. */
static int subscribe(struct watch *w, uint16_t duration, bool on)
{
	uint8_t data[BC_MGMT_SUBSCRIBE_LEN] = { 0 };
	struct mgmt_replies *r;
	int err, code = 0;

	data[0] = (uint8_t)(duration >> 8);
	data[1] = (uint8_t)duration;
	if (on) {
		data[2] = 1u << BC_NOTIFY_PORT_STATE |
			  1u << BC_NOTIFY_PARENT_DATA_SET;
		data[2 + BC_NOTIFY_HVPTP_ALARM / 8] |=
			(uint8_t)(1u << (BC_NOTIFY_HVPTP_ALARM % 8));
	}
	r = ctl_ask(w->c, PTP_MGMT_SET, BC_MID_SUBSCRIBE_EVENTS_NP,
		    BC_MGMT_ALL_PORTS, data, sizeof(data), &err);
	if (!r)
		return ctl_fail_errno(w->c, err);
	if (r->rep[0].r.is_error)
		code = ctl_fail(w->c, MGMT_EXIT_ERROR, "management_error",
				"SET SUBSCRIBE_EVENTS_NP: the daemon answered "
				"%s%s", mgmt_error_name(r->rep[0].r.error_id),
				r->rep[0].r.error_id ==
						TLV_MGMT_ERR_NOT_SUPPORTED
					? " (watch needs the read-write socket)"
					: "");
	free(r);
	return code;
}

/* The interface names, from PORT_PROPERTIES_NP. */
static int learn_ports(struct watch *w)
{
	struct mgmt_replies *r;
	struct mgmt_tree *t;
	int err;

	r = ctl_ask(w->c, PTP_MGMT_GET, BC_MID_PORT_PROPERTIES_NP,
		    BC_MGMT_ALL_PORTS, NULL, 0, &err);
	if (!r)
		return ctl_fail_errno(w->c, err);
	t = mgmt_tree_new();
	for (int i = 0; t && i < r->n; i++) {
		const struct bc_mgmt_req *q = &r->rep[i].r;
		int pn = q->hdr.source_port_identity.port_number;
		const char *n;

		mgmt_tree_reset(t);
		if (q->is_error || pn < 1 || pn > BC_MAX_PORTS)
			continue;
		mgmt_decode_data(t, 0, q->id, q->data, q->data_len);
		n = mgmt_tree_get_str(t, 0, "interface");
		snprintf(w->ifname[pn], sizeof(w->ifname[pn]), "%s",
			 n ? n : "");
	}
	mgmt_tree_free(t);
	free(r);
	return 0;
}

/* GET id into the object key of t (null for an error status); 0, or the
 * exit code when the daemon cannot be reached. */
static int get_into(struct watch *w, struct mgmt_tree *t, const char *key,
		    uint16_t id, bool *ok)
{
	struct mgmt_replies *r;
	int err;

	r = ctl_ask(w->c, PTP_MGMT_GET, id, BC_MGMT_ALL_PORTS, NULL, 0, &err);
	if (!r)
		return ctl_fail_errno(w->c, err);
	*ok = !r->rep[0].r.is_error;
	if (*ok)
		mgmt_decode_data(t, mgmt_tree_obj(t, 0, key), id,
				 r->rep[0].r.data, r->rep[0].r.data_len);
	else
		mgmt_tree_null(t, 0, key);
	free(r);
	return 0;
}

static void offset_text(const struct mgmt_tree *t, char *buf, size_t len)
{
	int sv = mgmt_tree_member(t, 0, "servo"), ts;
	char a[32], b[32], fr[32], st[32];

	if (sv >= 0 && t->node[sv].kind == MV_OBJ) {
		snprintf(buf, len, "offset %s ns path delay %s ns freq %s ppb "
			 "servo %s",
			 mgmt_print_value(t, sv, mgmt_tree_get(t, sv,
				"last_offset_ns"), a, sizeof(a)),
			 mgmt_print_value(t, sv, mgmt_tree_get(t, sv,
				"last_path_delay_ns"), b, sizeof(b)),
			 mgmt_print_value(t, sv, mgmt_tree_get(t, sv,
				"frequency_ppb"), fr, sizeof(fr)),
			 mgmt_print_value(t, -1, mgmt_tree_get(t, sv,
				"servo_state_name"), st, sizeof(st)));
		return;
	}
	ts = mgmt_tree_member(t, 0, "time_status");
	snprintf(buf, len, "offset %s ns",
		 mgmt_print_value(t, ts, mgmt_tree_get(t, ts,
			"master_offset_ns"), a, sizeof(a)));
}

static int offset_line(struct watch *w)
{
	struct mgmt_tree *t = event_new(w, "offset");
	char text[256];
	bool ok = false;
	int code;

	if (!t)
		return 0;
	code = get_into(w, t, "time_status", BC_MID_TIME_STATUS_NP, &ok);
	if (!code && w->have_servo) {
		code = get_into(w, t, "servo", BC_MID_HVPTP_SERVO_STATUS_NP,
				&ok);
		w->have_servo = ok;
	} else if (!code) {
		mgmt_tree_null(t, 0, "servo");
	}
	if (code) {
		mgmt_tree_free(t);
		return code;
	}
	offset_text(t, text, sizeof(text));
	event_print(w, t, text);
	return 0;
}

static void subscribed_line(struct watch *w)
{
	struct mgmt_tree *t = event_new(w, "subscribed");
	char text[300];

	if (!t)
		return;
	mgmt_tree_int(t, 0, "duration_s", WATCH_DURATION_S);
	mgmt_tree_real(t, 0, "offset_interval_s", w->c->interval_s, 3);
	snprintf(text, sizeof(text), "watching %s: port state and parent "
		 "changes%s", w->c->socket,
		 w->c->interval_s > 0 ? ", offsets" : "");
	event_print(w, t, text);
}

/* ---- the loop ---- */

static int watch_loop(struct watch *w)
{
	int64_t period = (int64_t)(w->c->interval_s * 1000);
	int64_t next_off = now_ms() + period, renew = now_ms() +
						      WATCH_RENEW_S * 1000;
	int code = 0;

	while (!ctl_stop && !code) {
		int64_t now = now_ms(), next = renew;
		int rc;

		if (period > 0 && next_off < next)
			next = next_off;
		rc = mgmt_client_wait(&w->c->cl, next > now ? (int)(next - now)
							    : 0);
		if (rc < 0 && rc != -EINTR)
			return ctl_fail_errno(w->c, rc);
		now = now_ms();
		if (!ctl_stop && period > 0 && now >= next_off) {
			code = offset_line(w);
			next_off += period;
			if (next_off <= now)
				next_off = now + period;
		}
		if (!ctl_stop && !code && now >= renew) {
			code = subscribe(w, WATCH_DURATION_S, true);
			renew = now + WATCH_RENEW_S * 1000;
		}
	}
	return code;
}

int ctl_cmd_watch(struct ctl *c, int argc, char **argv)
{
	struct sigaction sa, old_int, old_term;
	struct watch *w;
	int code;

	(void)argv;
	if (argc != 1)
		return ctl_fail(c, MGMT_EXIT_USAGE, "usage",
				"watch takes no arguments");
	code = ctl_connect(c, false);
	if (code)
		return code;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ctl_fail(c, MGMT_EXIT_ERROR, "internal", "no memory");
	w->c = c;
	w->have_servo = true;
	c->cl.notify = on_notify;
	c->cl.notify_ctx = w;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
	sigemptyset(&sa.sa_mask);
	ctl_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	code = learn_ports(w);
	if (!code)
		code = subscribe(w, WATCH_DURATION_S, true);
	if (!code) {
		subscribed_line(w);
		code = watch_loop(w);
		if (!code)
			subscribe(w, 0, false); /* best effort */
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	c->cl.notify = NULL;
	free(w);
	return code;
}
