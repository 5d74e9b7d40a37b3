/*
 * bc/mgmt_hvptp.c — what the program tells the core about the host so that
 * management can answer it: the clock tree (HVPTP_CLOCKS_NP), the checks
 * that matter for guests (HVPTP_HOST_NP), the feeds to chronyd and ntpd
 * (HVPTP_FEEDS_NP), and each port's PHC
 * (PORT_HWCLOCK_NP, as linuxptp 4.x answers it, which is what
 * `phc2sys -a` asks for); and what the core keeps for people: each port's
 * state history and last fault (HVPTP_PORT_STATUS_NP), the servo's sample
 * window, the path to the grandmaster (PATH_TRACE_LIST); the alarms the
 * program keeps (HVPTP_ALARMS_NP).  Layouts in
 * bc/mgmt.h.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

int bc_set_clock_info(struct bc *bc, int k, const struct bc_clock_info *ci)
{
	if (!bc || k < 0 || k >= BC_MAX_CLOCKS)
		return -EINVAL;
	if (ci) {
		bc->clocks[k] = *ci;
		bc->clocks[k].present = true;
		bc->clocks[k].name[sizeof(bc->clocks[k].name) - 1] = '\0';
	} else {
		memset(&bc->clocks[k], 0, sizeof(bc->clocks[k]));
	}
	return 0;
}

const struct bc_clock_info *bc_clock_info(const struct bc *bc, int k)
{
	if (!bc || k < 0 || k >= BC_MAX_CLOCKS || !bc->clocks[k].present)
		return NULL;
	return &bc->clocks[k];
}

void bc_set_host_info(struct bc *bc, const struct bc_host_info *h)
{
	if (h) {
		bc->host = *h;
		if (bc->host.nlines > BC_HOST_LINES)
			bc->host.nlines = BC_HOST_LINES;
		for (int i = 0; i < bc->host.nlines; i++)
			bc->host.lines[i][BC_HOST_LINE_LEN - 1] = '\0';
	} else {
		memset(&bc->host, 0, sizeof(bc->host));
	}
}

const struct bc_host_info *bc_host_info(const struct bc *bc)
{
	return &bc->host;
}

void bc_set_feed_info(struct bc *bc, const struct bc_feed_info *f)
{
	if (f) {
		bc->feed = *f;
		bc->feed.chrony_path[BC_FEED_PATH_LEN - 1] = '\0';
	} else {
		memset(&bc->feed, 0, sizeof(bc->feed));
	}
}

const struct bc_feed_info *bc_feed_info(const struct bc *bc)
{
	return &bc->feed;
}

/* PORT_HWCLOCK_NP: portIdentity, the PHC that stamps the port (-1:
 * software timestamps), flags (linuxptp's PORT_HWCLOCK_VCLOCK: never
 * here), a reserved octet. */
void mgmt_get_port_hwclock_np(const struct bc *bc, int port,
			      struct wire_writer *w)
{
	const struct port *p = &bc->ports[port];

	wire_put_port_identity(w, &p->ds.port_identity);
	wire_put_u32(w, (uint32_t)p->cfg.phc_index);
	wire_put_u8(w, 0);
	wire_put_u8(w, 0);
}

static uint8_t clock_flags(const struct bc_clock_info *c)
{
	uint8_t f = 0;

	if (c->adjusted)
		f |= BC_MGMT_CLOCK_ADJUSTED;
	if (c->keeps_utc)
		f |= BC_MGMT_CLOCK_UTC;
	if (c->have_offset)
		f |= BC_MGMT_CLOCK_OFFSET_KNOWN;
	if (c->te_estimate_ns >= 0.0)
		f |= BC_MGMT_CLOCK_TE_KNOWN;
	if (c->steered)
		f |= BC_MGMT_CLOCK_STEERED;
	if (c->have_freq)
		f |= BC_MGMT_CLOCK_FREQ_KNOWN;
	return f;
}

static uint32_t sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static uint16_t clock_ports(const struct bc *bc, int k)
{
	uint16_t n = 0;

	for (int i = 0; i < bc->nports; i++)
		n += bc->ports[i].present && bc->ports[i].cfg.clock == k;
	return n;
}

static void put_clock(const struct bc *bc, int k, struct wire_writer *w)
{
	const struct bc_clock_info *c = &bc->clocks[k];
	uint8_t name[32];

	memset(name, 0, sizeof(name));
	memcpy(name, c->name, strnlen(c->name, sizeof(name) - 1));
	wire_put_u8(w, (uint8_t)k);
	wire_put_u8(w, c->role);
	wire_put_u8(w, (uint8_t)c->source);
	wire_put_u8(w, clock_flags(c));
	wire_put_u8(w, c->servo_type);
	wire_put_u8(w, c->servo_state);
	wire_put_u8(w, c->read_method);
	wire_put_u8(w, 0);
	wire_put_u32(w, (uint32_t)c->phc_index);
	wire_put_bytes(w, name, sizeof(name));
	mgmt_put_time_interval(w, c->have_offset ? c->offset_ns : 0);
	wire_put_i64(w, mgmt_scale16(c->freq_ppb));
	mgmt_put_time_interval(w, c->read_delay_ns);
	mgmt_put_time_interval(w, c->te_estimate_ns >= 0.0
					  ? (int64_t)(c->te_estimate_ns + 0.5)
					  : 0);
	wire_put_u64(w, c->steps);
	wire_put_u64(w, c->at_ns > 0 ? (uint64_t)c->at_ns : 0);
	wire_put_u16(w, clock_ports(bc, k));
	wire_put_u16(w, 0);
	wire_put_u32(w, sat32(c->readings));
	wire_put_u32(w, sat32(c->read_errors));
}

/* HVPTP_CLOCKS_NP: a count, flags, then one record per clock, as many as
 * a message holds (BC_MGMT_CLOCKS_MORE says some were left out). */
void mgmt_get_clocks_np(const struct bc *bc, int port, struct wire_writer *w)
{
	int n = 0, fit = 0;

	(void)port;
	for (int k = 0; k < BC_MAX_CLOCKS; k++)
		n += bc->clocks[k].present;
	fit = n < BC_MGMT_CLOCKS_MAX ? n : BC_MGMT_CLOCKS_MAX;
	wire_put_u8(w, (uint8_t)fit);
	wire_put_u8(w, fit < n ? BC_MGMT_CLOCKS_MORE : 0);
	for (int k = 0, done = 0; k < BC_MAX_CLOCKS && done < fit; k++) {
		if (!bc->clocks[k].present)
			continue;
		put_clock(bc, k, w);
		done++;
	}
}

/* HVPTP_HOST_NP: ran?, the line count, flags, the three masks, each line
 * with its check. */
void mgmt_get_host_np(const struct bc *bc, int port, struct wire_writer *w)
{
	const struct bc_host_info *h = &bc->host;

	(void)port;
	wire_put_u8(w, h->valid ? 1 : 0);
	wire_put_u8(w, (uint8_t)h->nlines);
	wire_put_u8(w, h->more_lines ? BC_MGMT_HOST_MORE : 0);
	wire_put_u8(w, 0);
	wire_put_u32(w, h->findings);
	wire_put_u32(w, h->unknown);
	wire_put_u32(w, h->ok);
	for (int i = 0; i < h->nlines; i++) {
		wire_put_u8(w, h->line_check[i]);
		mgmt_put_text(w, h->lines[i], BC_HOST_LINE_LEN);
	}
}

/* HVPTP_FEEDS_NP: see bc/mgmt.h. */
void mgmt_get_feeds_np(const struct bc *bc, int port, struct wire_writer *w)
{
	const struct bc_feed_info *f = &bc->feed;

	(void)port;
	wire_put_u8(w, (uint8_t)((f->chrony_on ? BC_MGMT_FEED_CHRONY : 0) |
				 (f->shm_on ? BC_MGMT_FEED_SHM : 0)));
	wire_put_u8(w, f->have_last ? f->last : BC_MGMT_FEED_NONE);
	wire_put_u16(w, (uint16_t)(f->shm_on ? f->shm_unit : -1));
	wire_put_u64(w, f->chrony_sent);
	wire_put_u64(w, f->chrony_failed);
	wire_put_u32(w, (uint32_t)f->chrony_errno);
	wire_put_u32(w, 0);
	wire_put_u64(w, f->shm_sent);
	wire_put_u64(w, f->shm_failed);
	for (int i = 0; i < BC_FEED_REASONS; i++)
		wire_put_u64(w, f->skipped[i]);
	mgmt_put_text(w, f->chrony_on ? f->chrony_path : "",
		      BC_FEED_PATH_LEN);
}

/* HVPTP_PORT_STATUS_NP: see bc/mgmt.h. */
void mgmt_get_port_status_np(const struct bc *bc, int port,
			     struct wire_writer *w)
{
	const struct port *p = &bc->ports[port];

	wire_put_port_identity(w, &p->ds.port_identity);
	wire_put_u8(w, (uint8_t)p->ds.port_state);
	wire_put_u8(w, (uint8_t)p->st.fault);
	wire_put_u16(w, 0);
	wire_put_u32(w, (uint32_t)p->st.fault_errno);
	wire_put_u64(w, p->st.state_since_ns > 0 ? (uint64_t)p->st.state_since_ns
						  : 0);
	wire_put_u64(w, p->st.fault_at_ns > 0 ? (uint64_t)p->st.fault_at_ns : 0);
	wire_put_u32(w, (uint32_t)p->cfg.phc_index);
	wire_put_u8(w, p->cfg.hw_timestamping ? 1 : 0);
	wire_put_u8(w, 0);
	mgmt_put_text(w, p->cfg.name, BC_PORT_NAME_LEN);
}

/* HVPTP_FOREIGN_MASTERS_NP: see bc/mgmt.h. */
void mgmt_get_foreign_masters_np(const struct bc *bc, int port,
				 struct wire_writer *w)
{
	const struct port *p = &bc->ports[port];
	const struct fm_table *t = &p->fm;
	uint8_t used = 0, qualified = 0;

	for (int i = 0; i < BMCA_MAX_FOREIGN; i++) {
		used += t->rec[i].used;
		qualified += fm_qualified(t, &t->rec[i], bc->mgmt_now,
					  p->ds.log_announce_interval);
	}
	wire_put_port_identity(w, &p->ds.port_identity);
	wire_put_u8(w, used);
	wire_put_u8(w, BMCA_MAX_FOREIGN);
	wire_put_u8(w, qualified);
	wire_put_u8(w, t->threshold);
	wire_put_u8(w, t->window);
	wire_put_u8(w, 0);
	wire_put_u64(w, t->overflows);
	wire_put_u64(w, t->evictions);
	wire_put_u64(w, t->sightings);
	wire_put_u64(w, t->duplicates);
	wire_put_u64(w, FM_SEEN_SLOTS);
	wire_put_u64(w, bc->fm_seen ? bc->fm_seen->overwritten : 0);
}

/* PATH_TRACE_LIST (15.5.3.3.x, 16.2): pathTraceDS.list, the clock
 * identities of the boundary clocks from the grandmaster to the parent as
 * the parent's Announce carried them (empty without a PATH_TRACE TLV or
 * while this clock is its own grandmaster). */
void mgmt_get_path_trace_list(const struct bc *bc, int port,
			      struct wire_writer *w)
{
	(void)port;
	for (int i = 0; i < bc->path_len; i++)
		wire_put_clock_identity(w, &bc->path[i]);
}

void mgmt_put_servo_window(struct wire_writer *w,
			   const struct bc_servo_window *win)
{
	bool known = win->n > 0;

	wire_put_u8(w, (uint8_t)((known ? BC_MGMT_WIN_KNOWN : 0) |
				 (known && win->complete ? BC_MGMT_WIN_COMPLETE
							 : 0)));
	wire_put_u8(w, 0);
	wire_put_u16(w, 0);
	wire_put_u32(w, win->n);
	mgmt_put_time_interval(w, known ? win->span_ns : 0);
	mgmt_put_time_interval(w, known ? (int64_t)(win->offset_rms_ns + 0.5)
					: 0);
	mgmt_put_time_interval(w, known ? (int64_t)(win->offset_max_ns + 0.5)
					: 0);
	wire_put_i64(w, known ? mgmt_scale16(win->freq_mean_ppb) : 0);
	wire_put_i64(w, known ? mgmt_scale16(win->freq_stddev_ppb) : 0);
	mgmt_put_time_interval(w, known ? (int64_t)(win->delay_mean_ns + 0.5)
					: 0);
	mgmt_put_time_interval(w, known ? (int64_t)(win->delay_max_ns + 0.5)
					: 0);
	mgmt_put_time_interval(w, known ? (int64_t)(win->delay_stddev_ns + 0.5)
					: 0);
}

/* ---- alarms ---- */

void bc_set_alarms(struct bc *bc, const struct bc_alarm_info *a, int n,
		   uint64_t seq)
{
	if (n < 0 || !a)
		n = 0;
	if (n > BC_MAX_ALARMS)
		n = BC_MAX_ALARMS;
	if (n)
		memcpy(bc->alarms, a, (size_t)n * sizeof(*a));
	for (int i = 0; i < n; i++)
		bc->alarms[i].subject[BC_ALARM_SUBJECT_LEN - 1] = '\0';
	bc->nalarms = n;
	bc->alarm_seq = seq;
}

int bc_alarm_count(const struct bc *bc)
{
	return bc->nalarms;
}

const struct bc_alarm_info *bc_alarm(const struct bc *bc, int i)
{
	return i >= 0 && i < bc->nalarms ? &bc->alarms[i] : NULL;
}

uint64_t bc_alarm_seq(const struct bc *bc)
{
	return bc->alarm_seq;
}

uint64_t bc_port_fm_overflows(const struct bc *bc, int port)
{
	return port >= 0 && port < bc->nports ? bc->ports[port].fm.overflows
					      : 0;
}

uint64_t bc_port_fm_evictions(const struct bc *bc, int port)
{
	return port >= 0 && port < bc->nports ? bc->ports[port].fm.evictions
					      : 0;
}

static void put_alarm(const struct bc_alarm_info *a, struct wire_writer *w)
{
	uint8_t subject[BC_ALARM_SUBJECT_LEN];

	memset(subject, 0, sizeof(subject));
	memcpy(subject, a->subject, strnlen(a->subject, sizeof(subject) - 1));
	wire_put_u8(w, a->kind);
	wire_put_u8(w, (uint8_t)((a->active ? BC_MGMT_ALARM_ACTIVE : 0) |
				 (a->applicable ? BC_MGMT_ALARM_APPLICABLE : 0)));
	wire_put_u16(w, 0);
	wire_put_u32(w, sat32(a->raised));
	wire_put_bytes(w, subject, sizeof(subject));
	wire_put_i64(w, a->applicable ? mgmt_scale16(a->value) : 0);
	wire_put_i64(w, mgmt_scale16(a->bound));
	wire_put_u64(w, a->since_ns > 0 ? (uint64_t)a->since_ns : 0);
}

/* HVPTP_ALARMS_NP: see bc/mgmt.h; the active alarms first. */
void mgmt_get_alarms_np(const struct bc *bc, int port, struct wire_writer *w)
{
	int n = bc->nalarms, fit, done = 0;

	if (port >= 0 && port < n) { /* a notification: the one */
		wire_put_u8(w, 1);
		wire_put_u8(w, BC_MGMT_ALARMS_CHANGE);
		wire_put_u16(w, 0);
		put_alarm(&bc->alarms[port], w);
		return;
	}
	fit = n < BC_MGMT_ALARMS_MAX ? n : BC_MGMT_ALARMS_MAX;
	wire_put_u8(w, (uint8_t)fit);
	wire_put_u8(w, fit < n ? BC_MGMT_ALARMS_MORE : 0);
	wire_put_u16(w, 0);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n && done < fit; i++) {
			if (bc->alarms[i].active != (pass == 0))
				continue;
			put_alarm(&bc->alarms[i], w);
			done++;
		}
	}
}
