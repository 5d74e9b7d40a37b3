/*
 * mgmt/ctl_priv.h — what the parts of hvptpctl share: mgmt/ctl.c (options,
 * get, set, errors), mgmt/ctl_status.c, mgmt/ctl_clocks.c,
 * mgmt/ctl_tracking.c and mgmt/ctl_watch.c.
 */
#ifndef HVPTP_MGMT_CTL_PRIV_H
#define HVPTP_MGMT_CTL_PRIV_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mgmt/client.h"
#include "mgmt/ctl.h"
#include "mgmt/tree.h"

struct ctl {
	/* options */
	const char *socket;
	bool socket_given;
	bool json;
	int timeout_ms;
	uint8_t domain;
	double interval_s;
	FILE *out, *err;
	/* the command */
	const char *command;
	struct mgmt_client cl;
	bool connected;
	/* the last request asked (ctl_ask), named in its errors */
	bool asked;
	uint8_t ask_action;
	uint16_t ask_id, ask_port;
	int64_t status_now_ns; /* when the servo status was read */
};

/* Set by SIGINT/SIGTERM while watch runs. */
extern volatile sig_atomic_t ctl_stop;

/* Print an error (text to err; with --json also a JSON document with an
 * "error" member to out) and return code. kind: "usage", "unreachable",
 * "management_error", "protocol", "internal". */
int ctl_fail(struct ctl *c, int code, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same for a negative errno of the client: the hint, exit code 3
 * (usually). */
int ctl_fail_errno(struct ctl *c, int err);

/* Open the client.  read_only: the command only reads, so without -s a
 * refused read-write socket falls back to the read-only one.  0 or the
 * exit code (error printed). */
int ctl_connect(struct ctl *c, bool read_only);

/* The members every JSON document starts with. */
void ctl_envelope(struct ctl *c, struct mgmt_tree *t);
/* Print t: JSON (pretty) or, for text, with the given function. */
int ctl_emit(struct ctl *c, struct mgmt_tree *t,
	     int (*text)(FILE *f, const struct mgmt_tree *t));

/* Ask and return the answers (heap; free them), or NULL with *err. */
struct mgmt_replies *ctl_ask(struct ctl *c, uint8_t action, uint16_t id,
			     uint16_t port, const uint8_t *data, size_t len,
			     int *err);

/* "2024-05-01T12:00:00.123Z": the wall clock now (read, never set). */
const char *ctl_timestamp(char *buf, size_t len);

/* The data of the first answer in r that is not an error status (of port
 * number pn, for ctl_decode_port), decoded into the scratch tree s
 * (emptied first): its object, or -1. */
int ctl_decode_first(struct mgmt_tree *s, const struct mgmt_replies *r);
int ctl_decode_port(struct mgmt_tree *s, const struct mgmt_replies *r,
		    uint16_t pn);
/* The port numbers that answered (not with an error) in r, ascending,
 * each once; at most max. */
int ctl_port_numbers(const struct mgmt_replies *r, uint16_t *out, int max);

/* mgmt/ctl_clocks.c: status's "clock_tree" and "host_checks" members
 * (s: a scratch tree), and their text. */
void ctl_status_build_clocks(struct mgmt_tree *t, struct mgmt_tree *s,
			     const struct mgmt_status_in *in);
void ctl_status_build_host(struct mgmt_tree *t, struct mgmt_tree *s,
			   const struct mgmt_status_in *in);
/* The reference's record in "clock_tree", or -1. */
int ctl_status_reference(const struct mgmt_tree *t);
void ctl_status_print_clocks(FILE *f, const struct mgmt_tree *t);
void ctl_status_print_host(FILE *f, const struct mgmt_tree *t);

/* mgmt/ctl_locks.c: each clock's "lock_history" (after the clock tree
 * is built) and its lines. */
void ctl_status_build_locks(struct mgmt_tree *t, struct mgmt_tree *s,
			    const struct mgmt_status_in *in);
void ctl_status_print_locks(FILE *f, const struct mgmt_tree *t);
/* mgmt/ctl_alarms.c: status's "alarms" (the active ones) and its line. */
void ctl_status_build_alarms(struct mgmt_tree *t, struct mgmt_tree *s,
			     const struct mgmt_status_in *in);
void ctl_status_print_alarms(FILE *f, const struct mgmt_tree *t);
/* An alarm record's number (value, bound) for people: "153000", "12.5",
 * "-" for null. */
const char *ctl_alarm_number(const struct mgmt_tree *t, int a,
			     const char *key, char *buf, size_t len);

/* mgmt/ctl_tracking.c: status's discipline, time properties, path
 * trace and ages (after the clock tree is built), each port's fault,
 * state age and ignored traffic; their lines (clk: the "clock" object). */
void ctl_status_build_summary(struct mgmt_tree *t, struct mgmt_tree *s,
			      const struct mgmt_status_in *in);
void ctl_status_build_port_extra(struct mgmt_tree *t, int p,
				 struct mgmt_tree *s,
				 const struct mgmt_status_in *in, uint16_t pn);
void ctl_print_discipline(FILE *f, const struct mgmt_tree *t, int clk);
void ctl_print_path(FILE *f, const struct mgmt_tree *t, int clk);
void ctl_print_time_properties(FILE *f, const struct mgmt_tree *t, int clk);
/* Seconds since the daemon's monotonic time mono (now: ours); < 0 when
 * either is unknown or mono lies ahead. */
double ctl_age_s(int64_t now, int64_t mono);
/* "45 s", "12 min 3 s", "3 h 12 min", "2 d 4 h" (buf of 32). */
const char *ctl_age_text(double s, char *buf, size_t len);

int ctl_cmd_status(struct ctl *c, int argc, char **argv);
int ctl_cmd_tracking(struct ctl *c, int argc, char **argv);
int ctl_cmd_watch(struct ctl *c, int argc, char **argv);
/* mgmt/ctl_vmclock.c: a vmclock page read as a guest reads it. */
int ctl_cmd_vmclock(struct ctl *c, int argc, char **argv);

#endif
