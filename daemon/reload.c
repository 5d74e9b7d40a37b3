/* daemon/reload.c — a changed configuration while running (see reload.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/feed.h"
#include "daemon/logsink.h"
#include "daemon/reload.h"
#include "daemon/vmclock_svc.h"
#include "mgmt/metrics.h"
#include "mgmt/uds.h"

/* ---- which options differ ---- */

static bool values_differ(const struct cfg *a, const struct cfg *b,
			  const char *port, const struct cfg_option_info *o)
{
	const char *sa, *sb;

	switch (o->type) {
	case CFG_INT:
		return cfg_get_int(a, port, o->name) !=
		       cfg_get_int(b, port, o->name);
	case CFG_ENUM:
		return cfg_get_enum(a, port, o->name) !=
		       cfg_get_enum(b, port, o->name);
	case CFG_DOUBLE:
		return cfg_get_double(a, port, o->name) !=
		       cfg_get_double(b, port, o->name);
	case CFG_STRING:
		sa = cfg_get_string(a, port, o->name);
		sb = cfg_get_string(b, port, o->name);
		return strcmp(sa ? sa : "", sb ? sb : "") != 0;
	}
	return false;
}

static bool port_in(const struct cfg *c, const char *name)
{
	for (int i = 0; i < cfg_nports(c); i++) {
		if (!strcmp(cfg_port_name(c, i), name))
			return true;
	}
	return false;
}

/* What option o of port p (NULL: [global]) runs with: a live option as
 * the last reload (or start) set it; any other as at start, unless the
 * port came with a reload. */
static const struct cfg *base_of(const struct cfg *start,
				 const struct cfg *last, const char *p,
				 const struct cfg_option_info *o)
{
	if (o->live || (p && !port_in(start, p)))
		return last;
	return start;
}

static int diff_option(const struct cfg *start, const struct cfg *last,
		       const struct cfg *cur, const struct cfg_option_info *o,
		       reload_diff_fn fn, void *ctx)
{
	const struct cfg *b = base_of(start, last, NULL, o);
	int n = 0;

	if (values_differ(b, cur, NULL, o)) {
		fn(ctx, b, o->name, NULL, o->live);
		n++;
	}
	if (!o->port_scope)
		return n;
	/* a port's own value; one it takes from [global] was told with
	 * [global] */
	for (int i = 0; i < cfg_nports(cur); i++) {
		const char *p = cfg_port_name(cur, i);

		b = base_of(start, last, p, o);
		if (!port_in(b, p) || (!cfg_port_has(b, p, o->name) &&
				       !cfg_port_has(cur, p, o->name)))
			continue;
		if (values_differ(b, cur, p, o)) {
			fn(ctx, b, o->name, p, o->live);
			n++;
		}
	}
	return n;
}

int reload_diff(const struct cfg *start, const struct cfg *last,
		const struct cfg *cur, reload_diff_fn fn, void *ctx)
{
	int n = 0;

	if (!last)
		last = start;
	for (int k = 0; k < cfg_option_count(); k++) {
		const struct cfg_option_info *o = cfg_option_at(k);

		if (!o->deprecated_for) /* its value is under the new name */
			n += diff_option(start, last, cur, o, fn, ctx);
	}
	return n;
}

/* ---- the settings to run with ---- */

static int fixed_index(const struct hvd_settings *s, const char *name)
{
	for (int i = 0; i < s->nports; i++) {
		if (!strcmp(s->ports[i].name, name))
			return i;
	}
	return -1;
}

static int template_index(const struct hvd_settings *s, const char *pattern)
{
	for (int t = 0; t < s->ntemplates; t++) {
		if (!strcmp(s->templates[t].pattern, pattern))
			return t;
	}
	return -1;
}

/* Port i of out: the running port k of old with cur's port j's live
 * fields, or (k < 0) cur's port j as it is (a new port). */
static void merge_fixed(const struct hvd_settings *old, int k,
			const struct hvd_settings *cur, int j,
			struct hvd_settings *out, int i)
{
	const struct hvd_settings *from = k >= 0 ? old : cur;
	int f = k >= 0 ? k : j;

	out->ports[i] = from->ports[f];
	out->transport[i] = from->transport[f];
	out->phc_index[i] = from->phc_index[f];
	out->port_hardware[i] = from->port_hardware[f];
	out->sys_offset_method[i] = from->sys_offset_method[f];
	if (k >= 0)
		bc_port_cfg_take_live(&out->ports[i], &cur->ports[j]);
}

static void merge_ports(const struct hvd_settings *old,
			const struct hvd_settings *cur,
			struct hvd_settings *out)
{
	out->nports = cur->nports;
	for (int j = 0; j < cur->nports; j++)
		merge_fixed(old, fixed_index(old, cur->ports[j].name), cur, j,
			    out, j);
	out->ntemplates = cur->ntemplates;
	for (int j = 0; j < cur->ntemplates; j++) {
		int k = template_index(old, cur->templates[j].pattern);

		out->templates[j] = k >= 0 ? old->templates[k]
					   : cur->templates[j];
		if (k >= 0)
			bc_port_cfg_take_live(&out->templates[j].port,
					      &cur->templates[j].port);
	}
	out->any_hardware = out->any_software = false;
	for (int i = 0; i < out->nports; i++) {
		out->any_hardware |= out->port_hardware[i];
		out->any_software |= !out->port_hardware[i];
	}
}

/* The daemon's own settings a reload applies (the live options' fields;
 * reload.h lists them). */
static void merge_daemon(const struct hvd_settings *cur,
			 struct hvd_settings *out)
{
	memcpy(out->leapfile, cur->leapfile, sizeof(out->leapfile));
	out->leaps = cur->leaps;
	out->have_leaps = cur->have_leaps;
	out->summary_interval = cur->summary_interval;
	out->logging_level = cur->logging_level;
	out->verbose = cur->verbose;
	out->use_syslog = cur->use_syslog;
	memcpy(out->message_tag, cur->message_tag, sizeof(out->message_tag));
	memcpy(out->uds_address, cur->uds_address, sizeof(out->uds_address));
	memcpy(out->uds_ro_address, cur->uds_ro_address,
	       sizeof(out->uds_ro_address));
	out->uds_file_mode = cur->uds_file_mode;
	out->uds_ro_file_mode = cur->uds_ro_file_mode;
	memcpy(out->manufacturer_identity, cur->manufacturer_identity,
	       sizeof(out->manufacturer_identity));
	memcpy(out->product_description, cur->product_description,
	       sizeof(out->product_description));
	memcpy(out->revision_data, cur->revision_data,
	       sizeof(out->revision_data));
	memcpy(out->metrics_address, cur->metrics_address,
	       sizeof(out->metrics_address));
	memcpy(out->metrics_textfile, cur->metrics_textfile,
	       sizeof(out->metrics_textfile));
	out->metrics_textfile_interval = cur->metrics_textfile_interval;
	memcpy(out->vmclock_file, cur->vmclock_file, sizeof(out->vmclock_file));
	out->vmclock_rate = cur->vmclock_rate;
	memcpy(out->chrony_sock, cur->chrony_sock, sizeof(out->chrony_sock));
	out->ntp_shm_segment = cur->ntp_shm_segment;
	out->feed_rate_hz = cur->feed_rate_hz;
	out->alarms = cur->alarms; /* the alarm service reads them each tick */
	memcpy(out->sa_file, cur->sa_file, sizeof(out->sa_file));
	out->sad = cur->sad; /* read again: keys rotate (auth_run.c) */
}

/* A servo's settings, but not whether it adjusts at all (free_running)
 * nor the timestamps it is tuned for (time_stamping): not live. */
static void merge_servo(struct disc_cfg *out, const struct disc_cfg *cur)
{
	bool free_running = out->free_running;
	bool sw = out->servo.sw_timestamping;

	*out = *cur;
	out->free_running = free_running;
	out->servo.sw_timestamping = sw;
}

bool reload_servo_option(const char *name)
{
	static const char *const prefix[] = { "pi_", "servo_", "kalman_",
					      "holdover_" };
	static const char *const exact[] = {
		"clock_servo", "step_threshold", "first_step_threshold",
		"max_frequency", "sanity_freq_limit", "follow_servo",
		"follow_step_threshold", "follow_first_step_threshold",
	};

	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		if (!strncmp(name, prefix[i], strlen(prefix[i])))
			return true;
	}
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		if (!strcmp(name, exact[i]))
			return true;
	}
	return false;
}

void reload_merge(const struct hvd_settings *old,
		  const struct hvd_settings *cur, struct hvd_settings *out)
{
	*out = *old;
	bc_clock_cfg_take_live(&out->clock, &cur->clock);
	merge_servo(&out->disc, &cur->disc);
	merge_servo(&out->follow_disc, &cur->follow_disc);
	/* clientOnly (not live) also makes the class 255: not that either */
	if (cur->clock.slave_only != old->clock.slave_only)
		out->clock.clock_quality.clock_class =
			old->clock.clock_quality.clock_class;
	merge_ports(old, cur, out);
	merge_daemon(cur, out);
}

/* ---- applying it ---- */

struct reload_run {
	struct hvd *d;
	struct reload_report *rep;
	const struct cfg *cur;
	bool servo; /* a servo option changed: the servos are made again */
};

/* An option's value as text, for "keeping VALUE". */
static void value_text(const struct cfg *c, const char *port,
		       const struct cfg_option_info *o, char *buf, size_t n)
{
	const char *s;
	int v;

	switch (o->type) {
	case CFG_INT:
		snprintf(buf, n, "%d", cfg_get_int(c, port, o->name));
		return;
	case CFG_DOUBLE:
		snprintf(buf, n, "%g", cfg_get_double(c, port, o->name));
		return;
	case CFG_ENUM:
		v = cfg_get_enum(c, port, o->name);
		for (const struct cfg_enum_val *e = o->enums; e && e->name;
		     e++) {
			if (e->value == v) {
				snprintf(buf, n, "%s", e->name);
				return;
			}
		}
		snprintf(buf, n, "%d", v);
		return;
	case CFG_STRING:
		s = cfg_get_string(c, port, o->name);
		snprintf(buf, n, "%s", s && *s ? s : "(empty)");
		return;
	}
}

static void told_diff(void *ctx, const struct cfg *was, const char *option,
		      const char *port, bool live)
{
	struct reload_run *r = ctx;
	const struct cfg_option_info *o = cfg_option_find(option);
	char where[300], value[128];
	const char *file;
	int line;

	if (cfg_origin(r->cur, port, option, &file, &line) ||
	    cfg_origin(was, port, option, &file, &line))
		snprintf(where, sizeof(where), line > 0 ? "%s:%d" : "%s",
			 file, line);
	else
		snprintf(where, sizeof(where), "%s", "configuration");
	if (live) {
		r->rep->changed++;
		r->servo |= reload_servo_option(option);
		value_text(r->cur, port, o, value, sizeof(value));
		cm_log(CM_LOG_NOTICE, "%s: %s%s%s: now %s", where,
		       port ? port : "", port ? ": " : "", option, value);
		return;
	}
	r->rep->refused++;
	value_text(was, port, o, value, sizeof(value));
	cm_log(CM_LOG_WARNING, "%s: %s%s%s: cannot change while running "
	       "(restart hvptpd); keeping %s", where, port ? port : "",
	       port ? ": " : "", option, value);
}

/* Take fixed port j out of m (a new port refused). */
static void drop_fixed(struct hvd_settings *m, int j)
{
	for (int i = j; i + 1 < m->nports; i++) {
		m->ports[i] = m->ports[i + 1];
		m->transport[i] = m->transport[i + 1];
		m->phc_index[i] = m->phc_index[i + 1];
		m->port_hardware[i] = m->port_hardware[i + 1];
		m->sys_offset_method[i] = m->sys_offset_method[i + 1];
	}
	m->nports--;
}

/* New fixed ports a running clock cannot take: refused for this reload. */
static void refuse_new_ports(struct hvd *d, struct hvd_settings *m,
			     struct reload_report *rep)
{
	bool sys_adjusted = d->cs.c[d->sysclk].adjust || d->set.disc.free_running;

	for (int j = 0; j < m->nports; j++) {
		const char *why = NULL;

		if (fixed_index(&d->set, m->ports[j].name) >= 0)
			continue;
		if (m->port_hardware[j])
			why = "a hardware port's PHC joins the clock set only "
			      "at start (restart hvptpd, or time_stamping "
			      "software)";
		else if (!sys_adjusted)
			why = "software timestamps need CLOCK_REALTIME "
			      "disciplined, and hvptpd started without it "
			      "(restart hvptpd)";
		if (!why)
			continue;
		cm_log(CM_LOG_WARNING, "%s: new port not added: %s",
		       m->ports[j].name, why);
		rep->refused++;
		drop_fixed(m, j--);
	}
}

/* Ports whose section (fixed) or pattern section is gone: each fixed
 * port and each pattern section gone is one change. */
static void remove_gone(struct hvd *d, const struct hvd_settings *m,
			struct reload_report *rep, int64_t now)
{
	for (int i = 0; i < d->nports; i++) {
		const struct hvd_port *hp = &d->ports[i];
		bool fixed = hp->tmpl < 0;

		if (!hp->in_use)
			continue;
		if (fixed ? fixed_index(m, hp->name) >= 0
			  : template_index(m, d->set.templates[hp->tmpl]
						      .pattern) >= 0)
			continue;
		hvd_port_remove(d, i, fixed ? "its section is gone from the "
					      "configuration"
					    : "its pattern section is gone "
					      "from the configuration", now);
		rep->changed += fixed;
		d->ports_removed++;
	}
	for (int t = 0; t < d->set.ntemplates; t++)
		rep->changed += template_index(m, d->set.templates[t].pattern) < 0;
}

/* The ports that stay: renumbered into m, their live settings applied. */
static void reconfigure_kept(struct hvd *d, const struct hvd_settings *m,
			     int64_t now)
{
	for (int i = 0; i < d->nports; i++) {
		struct hvd_port *hp = &d->ports[i];
		struct bc_port_cfg cfg;
		int err;

		if (!hp->in_use)
			continue;
		if (hp->tmpl < 0) {
			hp->fixed = fixed_index(m, hp->name);
			cfg = m->ports[hp->fixed];
		} else {
			hp->tmpl = template_index(m, d->set.templates[hp->tmpl]
							     .pattern);
			cfg = m->templates[hp->tmpl].port;
			snprintf(cfg.name, sizeof(cfg.name), "%s", hp->name);
		}
		err = exec_port_reconfigure(&d->ex, i, &cfg, now);
		if (err < 0)
			cm_log(CM_LOG_ERR, "%s: reload: the core refused the "
			       "port's new settings: %s", hp->name,
			       strerror(-err));
	}
}

static void add_new(struct hvd *d, const struct hvd_settings *old,
		    struct reload_report *rep, int64_t now)
{
	for (int j = 0; j < d->set.nports; j++) {
		int err;

		if (fixed_index(old, d->set.ports[j].name) >= 0)
			continue;
		err = hvd_port_add_fixed(d, j, now);
		if (err < 0) {
			cm_log(CM_LOG_ERR, "%s: new port not added: %s",
			       d->set.ports[j].name, strerror(-err));
			rep->refused++;
			continue;
		}
		rep->changed++;
	}
	for (int t = 0; t < d->set.ntemplates; t++) {
		if (template_index(old, d->set.templates[t].pattern) < 0)
			rep->changed++;
	}
}

static unsigned services_changed(const struct hvd_settings *a,
				 const struct hvd_settings *b)
{
	unsigned m = 0;

#define DIFF_STR(f) (strcmp(a->f, b->f) != 0)
	if (DIFF_STR(uds_address) || DIFF_STR(uds_ro_address) ||
	    a->uds_file_mode != b->uds_file_mode ||
	    a->uds_ro_file_mode != b->uds_ro_file_mode ||
	    DIFF_STR(manufacturer_identity) || DIFF_STR(product_description) ||
	    DIFF_STR(revision_data))
		m |= HVD_REOPEN_MGMT;
	if (DIFF_STR(metrics_address) || DIFF_STR(metrics_textfile) ||
	    a->metrics_textfile_interval != b->metrics_textfile_interval)
		m |= HVD_REOPEN_METRICS;
	if (DIFF_STR(vmclock_file) || a->vmclock_rate != b->vmclock_rate)
		m |= HVD_REOPEN_VMCLOCK;
	if (DIFF_STR(chrony_sock) || a->ntp_shm_segment != b->ntp_shm_segment ||
	    a->feed_rate_hz != b->feed_rate_hz)
		m |= HVD_REOPEN_FEED;
#undef DIFF_STR
	return m;
}

static void apply_daemon(struct hvd *d, const struct hvd_settings *old)
{
	const struct hvd_settings *s = &d->set;

	if (s->logging_level != old->logging_level ||
	    s->verbose != old->verbose || s->use_syslog != old->use_syslog) {
		logsink_close();
		logsink_open("hvptpd", s->logging_level, s->verbose,
			     s->use_syslog);
	}
	logsink_set_tag(s->message_tag);
	if (s->summary_interval != old->summary_interval) {
		exec_set_summary(&d->ex, s->summary_interval);
		timerheap_stop(&d->th, hvd_timer_id(d, HVD_TMR_SUMMARY));
	}
	exec_set_time(&d->ex, s->kernel_leap, s->have_leaps ? &s->leaps : NULL);
	d->reopen |= services_changed(old, s);
}

static int apply(struct hvd *d, struct hvd_settings *m, bool servo,
		 struct reload_report *rep, int64_t now)
{
	struct hvd_settings *old = malloc(sizeof(*old));
	int err;

	if (!old)
		return -ENOMEM;
	*old = d->set;
	err = bc_reconfigure(d->bc, &m->clock);
	if (err < 0) /* reload_merge takes live fields only: a bug */
		cm_log(CM_LOG_ERR, "reload: the core refused the clock's new "
		       "settings: %s", strerror(-err));
	refuse_new_ports(d, m, rep);
	remove_gone(d, m, rep, now);
	reconfigure_kept(d, m, now);
	d->set = *m;
	if (hvd_auth_apply(d) < 0)
		rep->refused++;
	else if (memcmp(&old->sad, &d->set.sad, sizeof(old->sad)))
		rep->changed++; /* the sa_file's content (the keys) */
	add_new(d, old, rep, now);
	apply_daemon(d, old);
	if (servo) {
		if (cs_reconfigure(&d->cs, &d->set.disc, &d->set.follow_disc) < 0)
			rep->refused++;
		exec_servos_renewed(&d->ex);
		exec_servo_state_now(&d->ex, now);
	}
	if (d->reopen && !d->reopen_old) {
		d->reopen_old = old; /* hvd_services_reopen frees it */
		old = NULL;
	}
	if (d->set.ntemplates > 0)
		hvd_ports_scan(d, now); /* a new pattern's interfaces */
	free(old);
	return 0;
}

/* ---- services, at the end of the loop turn ---- */

static const struct {
	unsigned bit;
	const char *name; /* hvd_service_ops.name */
	int (*add)(struct hvd *d);
} reopen_tab[] = {
	{ HVD_REOPEN_MGMT, "management", mgmt_uds_add },
	{ HVD_REOPEN_METRICS, "metrics", mgmt_metrics_add },
	{ HVD_REOPEN_VMCLOCK, "vmclock", hvd_vmclock_add },
	{ HVD_REOPEN_FEED, "feed", feed_add },
};

static void service_close(struct hvd *d, const char *name)
{
	for (int i = 0; i < d->nservices; i++) {
		struct hvd_service *v = &d->services[i];

		if (strcmp(v->ops->name, name) != 0)
			continue;
		if (v->ops->close)
			v->ops->close(v->ctx);
		memmove(v, v + 1, (size_t)(d->nservices - i - 1) * sizeof(*v));
		d->nservices--;
		i--;
	}
}

/* The old settings' fields of the service back (its new ones failed). */
static void service_settings_back(struct hvd_settings *s,
				  const struct hvd_settings *o, unsigned bit)
{
	switch (bit) {
	case HVD_REOPEN_MGMT:
		memcpy(s->uds_address, o->uds_address, sizeof(s->uds_address));
		memcpy(s->uds_ro_address, o->uds_ro_address,
		       sizeof(s->uds_ro_address));
		s->uds_file_mode = o->uds_file_mode;
		s->uds_ro_file_mode = o->uds_ro_file_mode;
		break;
	case HVD_REOPEN_METRICS:
		memcpy(s->metrics_address, o->metrics_address,
		       sizeof(s->metrics_address));
		memcpy(s->metrics_textfile, o->metrics_textfile,
		       sizeof(s->metrics_textfile));
		s->metrics_textfile_interval = o->metrics_textfile_interval;
		break;
	case HVD_REOPEN_VMCLOCK:
		memcpy(s->vmclock_file, o->vmclock_file,
		       sizeof(s->vmclock_file));
		s->vmclock_rate = o->vmclock_rate;
		break;
	case HVD_REOPEN_FEED:
		memcpy(s->chrony_sock, o->chrony_sock, sizeof(s->chrony_sock));
		s->ntp_shm_segment = o->ntp_shm_segment;
		s->feed_rate_hz = o->feed_rate_hz;
		break;
	}
}

void hvd_services_reopen(struct hvd *d)
{
	for (size_t k = 0; k < sizeof(reopen_tab) / sizeof(reopen_tab[0]);
	     k++) {
		int err;

		if (!(d->reopen & reopen_tab[k].bit))
			continue;
		service_close(d, reopen_tab[k].name);
		err = reopen_tab[k].add(d);
		if (err < 0 && d->reopen_old) {
			cm_log(CM_LOG_ERR, "reload: %s: cannot open with the new "
			       "settings (%s): the old ones kept",
			       reopen_tab[k].name, strerror(-err));
			service_close(d, reopen_tab[k].name);
			service_settings_back(&d->set, d->reopen_old,
					      reopen_tab[k].bit);
			reopen_tab[k].add(d);
		} else if (!err) {
			cm_log(CM_LOG_NOTICE, "reload: %s reopened",
			       reopen_tab[k].name);
		}
	}
	d->reopen = 0;
	free(d->reopen_old);
	d->reopen_old = NULL;
}

/* ---- the entry point ---- */

int hvd_reload(struct hvd *d, int64_t now, struct reload_report *rep)
{
	struct hvd_settings *cur = malloc(sizeof(*cur));
	struct hvd_settings *m = malloc(sizeof(*m));
	struct reload_run r = { d, rep, NULL, false };
	struct cfg *c = NULL;
	int err = cur && m ? 0 : -ENOMEM;

	memset(rep, 0, sizeof(*rep));
	d->reloads++;
	cm_log(CM_LOG_NOTICE, "reload: reading the configuration again");
	if (!err)
		err = d->load ? d->load(d->load_ctx, &c, cur) : -EOPNOTSUPP;
	if (err < 0) {
		d->reload_failures++;
		snprintf(rep->summary, sizeof(rep->summary), "reload failed: "
			 "%s; the running configuration is kept",
			 err == -EINVAL ? "the configuration does not load "
					  "(errors logged)" : strerror(-err));
		cm_log(CM_LOG_ERR, "%s", rep->summary);
		free(cur);
		free(m);
		return err;
	}
	rep->loaded = true;
	r.cur = c;
	reload_diff(d->cfg_start, d->cfg_last, c, told_diff, &r);
	reload_merge(&d->set, cur, m);
	err = apply(d, m, r.servo, rep, now);
	if (d->cfg_last)
		cfg_destroy(d->cfg_last);
	d->cfg_last = c;
	snprintf(rep->summary, sizeof(rep->summary), "reload: %d change%s "
		 "applied, %d refused%s", rep->changed,
		 rep->changed == 1 ? "" : "s", rep->refused,
		 rep->refused ? " (kept at the running value: see the log)"
			      : "");
	cm_log(rep->refused ? CM_LOG_WARNING : CM_LOG_NOTICE, "%s",
	       rep->summary);
	free(cur);
	free(m);
	return err;
}
