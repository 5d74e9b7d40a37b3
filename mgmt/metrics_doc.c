/*
 * mgmt/metrics_doc.c — the families' table for docs/metrics.md, read
 * back from the renderer's own text (see metrics_doc.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alarm.h"
#include "common/hwclock.h"
#include "mgmt/metrics_doc.h"
#include "mgmt/metrics_render.h"
#include "servo/servo.h"

#define DOC_MAX_FAMILIES 160
#define DOC_MAX_LABELS 6
#define DOC_MAX_VALUES 32
#define DOC_STR 64

/* Labels whose values name a thing of this host (a port, a clock...),
 * not a kind: their values are not listed. */
static const char *const identity_labels[] = {
	"port", "interface", "clock", "source", "version", "clock_identity",
	"grandmaster_identity", "parent_port_identity", "subject",
};

struct doc_label {
	char name[DOC_STR];
	int nvalues;
	char values[DOC_MAX_VALUES][DOC_STR];
};

struct doc_family {
	char name[DOC_STR];
	char type[16];
	char help[512];
	int nsamples;
	int nlabels;
	struct doc_label label[DOC_MAX_LABELS];
};

struct doc {
	int n;
	struct doc_family fam[DOC_MAX_FAMILIES];
};

/* ---- a snapshot in which every family has samples ---- */

static void doc_clocks(struct metrics_snapshot *s)
{
	int nfollow = SERVO_TYPE_COUNT > HWCLOCK_READ_COUNT - 1
			      ? SERVO_TYPE_COUNT
			      : HWCLOCK_READ_COUNT - 1;

	for (int k = 0; k <= nfollow && k < BC_MAX_CLOCKS; k++) {
		struct metrics_clock_snap *c = &s->clock[k];
		struct bc_clock_info *ci = &c->ci;

		c->present = true;
		ci->present = true;
		snprintf(ci->name, sizeof(ci->name), "/dev/ptp%d", k);
		ci->phc_index = k;
		ci->role = k ? BC_CLOCK_FOLLOWER : BC_CLOCK_REFERENCE;
		ci->source = (int8_t)(k ? 0 : -1);
		ci->adjusted = true;
		ci->steered = k > 0;
		ci->servo_type = (uint8_t)(k % SERVO_TYPE_COUNT);
		ci->servo_state = SERVO_LOCKED;
		ci->have_offset = true;
		ci->have_freq = true;
		ci->read_method = (uint8_t)(k ? 1 + (k - 1) %
						  (HWCLOCK_READ_COUNT - 1)
					      : 0);
		ci->te_estimate_ns = 100;
		c->offset_age_s = 1;
		c->have_readings = k > 0;
		/* a lock history with every figure known */
		c->lock = (struct cm_lockhist_fig){
			.started = true, .locked = true,
			.first_lock_known = true, .mtbf_known = true,
			.mttr_known = true,
		};
	}
}

/* Port 1 the slave; then one FAULTY port per fault reason. */
static void doc_ports(struct metrics_snapshot *s)
{
	for (int i = 0; i < BC_FAULT_COUNT && i < BC_MAX_PORTS; i++) {
		struct metrics_port_snap *p = &s->port[i];

		p->index = i;
		snprintf(p->name, sizeof(p->name), "eth%d", i);
		p->number = (uint16_t)(i + 1);
		p->state = i ? PS_FAULTY : PS_SLAVE;
		p->fault = (enum bc_fault)i;
		p->have_socket = true;
		s->nports = i + 1;
	}
}

/* One alarm of each kind, applicable (hvptp_alarm has samples). */
static void doc_alarms(struct metrics_snapshot *s)
{
	for (int k = 0; k < ALARM_KIND_COUNT; k++) {
		struct bc_alarm_info *a = &s->alarm[s->nalarms++];

		a->kind = (uint8_t)k;
		a->applicable = true;
		snprintf(a->subject, sizeof(a->subject), "clock");
	}
}

static void doc_snapshot(struct metrics_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->version = "VERSION";
	snprintf(s->clock_name, sizeof(s->clock_name), "/dev/ptp0");
	s->slave_port = 0;
	s->servo.valid = true;
	s->servo.te_estimate_ns = 100;
	s->servo.win.n = 1;
	s->sample_age_s = 1;
	s->locked_for_s = 1;
	doc_ports(s);
	doc_clocks(s);
	s->host.valid = true;
	s->host.ok = ~0u;
	doc_alarms(s);
	s->uptime_s = 1;
	s->cpu_s = 1;
	s->have_ports = true;
	s->have_uds = true;
	s->feed.have_chrony = true;
	s->feed.have_shm = true;
}

/* ---- reading the text back ---- */

static struct doc_family *doc_find(struct doc *d, const char *name, size_t n)
{
	for (int i = 0; i < d->n; i++) {
		if (strlen(d->fam[i].name) == n &&
		    strncmp(d->fam[i].name, name, n) == 0)
			return &d->fam[i];
	}
	return NULL;
}

/* "# HELP name text" and "# TYPE name type". */
static int doc_meta(struct doc *d, const char *line)
{
	bool help = strncmp(line, "# HELP ", 7) == 0;
	const char *name = line + 7, *sp = strchr(name, ' ');
	struct doc_family *f;

	if (!help && strncmp(line, "# TYPE ", 7) != 0)
		return 0;
	if (!sp || (size_t)(sp - name) >= DOC_STR)
		return -EBADMSG;
	f = doc_find(d, name, (size_t)(sp - name));
	if (!f) {
		if (d->n >= DOC_MAX_FAMILIES)
			return -ENOSPC;
		f = &d->fam[d->n++];
		snprintf(f->name, sizeof(f->name), "%.*s", (int)(sp - name),
			 name);
	}
	if (help)
		snprintf(f->help, sizeof(f->help), "%s", sp + 1);
	else
		snprintf(f->type, sizeof(f->type), "%s", sp + 1);
	return 0;
}

static bool is_identity(const char *label)
{
	for (size_t i = 0; i < sizeof(identity_labels) /
				   sizeof(identity_labels[0]); i++) {
		if (strcmp(label, identity_labels[i]) == 0)
			return true;
	}
	return false;
}

static void doc_add_value(struct doc_family *f, const char *key,
			  size_t klen, const char *val, size_t vlen)
{
	struct doc_label *l = NULL;

	for (int i = 0; i < f->nlabels && !l; i++) {
		if (strlen(f->label[i].name) == klen &&
		    strncmp(f->label[i].name, key, klen) == 0)
			l = &f->label[i];
	}
	if (!l && f->nlabels < DOC_MAX_LABELS && klen < DOC_STR) {
		l = &f->label[f->nlabels++];
		snprintf(l->name, sizeof(l->name), "%.*s", (int)klen, key);
	}
	if (!l || is_identity(l->name) || vlen >= DOC_STR)
		return;
	for (int i = 0; i < l->nvalues; i++) {
		if (strlen(l->values[i]) == vlen &&
		    strncmp(l->values[i], val, vlen) == 0)
			return;
	}
	if (l->nvalues < DOC_MAX_VALUES)
		snprintf(l->values[l->nvalues++], DOC_STR, "%.*s", (int)vlen,
			 val);
}

/* A sample: name{key="value",...} v.  The values have no escaped quotes
 * here (doc_snapshot's names have none). */
static int doc_sample(struct doc *d, const char *line)
{
	const char *brace = strchr(line, '{'), *sp = strchr(line, ' ');
	const char *p;
	struct doc_family *f;

	if (!sp)
		return -EBADMSG;
	f = doc_find(d, line, (size_t)((brace && brace < sp ? brace : sp) -
				      line));
	if (!f)
		return -EBADMSG;
	f->nsamples++;
	if (!brace || brace > sp)
		return 0;
	for (p = brace + 1; *p && *p != '}';) {
		const char *eq = strchr(p, '='), *v, *q;

		if (!eq || eq[1] != '"')
			return -EBADMSG;
		v = eq + 2;
		q = strchr(v, '"');
		if (!q)
			return -EBADMSG;
		doc_add_value(f, p, (size_t)(eq - p), v, (size_t)(q - v));
		p = q + 1;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int doc_parse(struct doc *d, char *text)
{
	for (char *line = strtok(text, "\n"); line;
	     line = strtok(NULL, "\n")) {
		int err = line[0] == '#' ? doc_meta(d, line)
					 : doc_sample(d, line);

		if (err < 0)
			return err;
	}
	return 0;
}

/* ---- the table ---- */

/* Markdown cell text: '|' escaped. */
static void doc_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void doc_labels(FILE *f, const struct doc_family *fam)
{
	for (int i = 0; i < fam->nlabels; i++) {
		const struct doc_label *l = &fam->label[i];

		fprintf(f, "%s`%s`", i ? ", " : "", l->name);
		for (int v = 0; v < l->nvalues; v++)
			fprintf(f, "%s`%s`%s", v ? ", " : " (", l->values[v],
				v == l->nvalues - 1 ? ")" : "");
	}
}

static void doc_table(FILE *f, const struct doc *d)
{
	fprintf(f, "%d families, in the order hvptpd writes them. Labels "
		   "in brackets take the values listed; the others name a "
		   "port, an interface or a clock of the host. The meaning "
		   "is the family's HELP text.\n\n", d->n);
	fprintf(f, "| family | type | labels | meaning |\n"
		   "|---|---|---|---|\n");
	for (int i = 0; i < d->n; i++) {
		const struct doc_family *fam = &d->fam[i];

		fprintf(f, "| `%s` | %s | ", fam->name, fam->type);
		if (!fam->nsamples)
			fputs(METRICS_DOC_NO_SAMPLE, f);
		doc_labels(f, fam);
		fputs(" | ", f);
		doc_cell(f, fam->help);
		fputs(" |\n", f);
	}
}

/* The rendered text of the snapshot, grown until it fits (heap). */
static char *doc_render(const struct metrics_snapshot *s)
{
	for (size_t cap = 65536; cap <= (16u << 20); cap *= 2) {
		char *buf = malloc(cap);

		if (!buf)
			return NULL;
		if (metrics_render(s, buf, cap, NULL) == 0)
			return buf;
		free(buf);
	}
	return NULL;
}

int metrics_doc_print(FILE *f)
{
	struct metrics_snapshot *s = calloc(1, sizeof(*s));
	struct doc *d = calloc(1, sizeof(*d));
	char *text = NULL;
	int err = -ENOMEM;

	if (s && d) {
		doc_snapshot(s);
		text = doc_render(s);
	}
	if (text)
		err = doc_parse(d, text);
	if (text && err == 0) {
		doc_table(f, d);
		err = ferror(f) ? -EIO : d->n;
	}
	free(text);
	free(d);
	free(s);
	return err;
}

int metrics_doc_string(char **out)
{
	size_t len = 0;
	FILE *f;
	int n;

	*out = NULL;
	f = open_memstream(out, &len);
	if (!f)
		return -errno;
	n = metrics_doc_print(f);
	if (fclose(f) != 0 && n >= 0)
		n = -EIO;
	if (n < 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}
