/*
 * bc/reconf.c — changes of configuration while running (a reload).
 *
 * bc_reconfigure() and bc_port_reconfigure() take a whole new
 * configuration and apply the fields that can change without restarting
 * the clock (bc/bc.h lists them); a difference in any other field is
 * refused with -EOPNOTSUPP before anything changes, so that the program
 * never believes a change applied that was not.  What changes takes effect
 * as a management SET would: the data sets at once, the BMCA at the next
 * state decision, intervals from now on (the timers of the port's state
 * are re-armed with the new interval).
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"

void bc_clock_cfg_take_live(struct bc_clock_cfg *to,
			    const struct bc_clock_cfg *from)
{
	to->priority1 = from->priority1;
	to->priority2 = from->priority2;
	to->clock_quality = from->clock_quality;
	to->time_source = from->time_source;
	to->ptp_timescale = from->ptp_timescale;
	to->time_traceable = from->time_traceable;
	to->frequency_traceable = from->frequency_traceable;
	to->max_steps_removed = from->max_steps_removed;
	to->local_priority = from->local_priority;
	to->clock_class_threshold = from->clock_class_threshold;
	to->n_acceptable = from->n_acceptable;
	memcpy(to->acceptable, from->acceptable, sizeof(to->acceptable));
	to->tx_timestamp_timeout_ns = from->tx_timestamp_timeout_ns;
	memcpy(to->user_description, from->user_description,
	       sizeof(to->user_description));
}

/* Does n differ from o in live fields only?  Field by field (padding
 * makes memcmp unsafe); a new field must be placed on one side. */
_Static_assert(sizeof(struct bc_clock_cfg) == 960,
	       "bc_clock_cfg changed: is the new field live (reconf.c)?");
static bool clock_only_live(const struct bc_clock_cfg *o,
			    const struct bc_clock_cfg *n)
{
	return o->domain_number == n->domain_number &&
	       o->minor_sdo_id == n->minor_sdo_id &&
	       o->slave_only == n->slave_only && o->two_step == n->two_step &&
	       o->ptp_minor_version == n->ptp_minor_version &&
	       o->check_fup_sync == n->check_fup_sync &&
	       o->assume_two_step == n->assume_two_step &&
	       o->dataset_comparison == n->dataset_comparison &&
	       o->foreign_master_threshold == n->foreign_master_threshold &&
	       o->foreign_master_window == n->foreign_master_window &&
	       (n->max_ports == 0 || o->max_ports == n->max_ports);
}

static bool quality_eq(const struct clock_quality *a,
		       const struct clock_quality *b)
{
	return a->clock_class == b->clock_class &&
	       a->clock_accuracy == b->clock_accuracy &&
	       a->offset_scaled_log_variance == b->offset_scaled_log_variance;
}

int bc_reconfigure(struct bc *bc, const struct bc_clock_cfg *c)
{
	struct bc_clock_cfg n;
	bool own_quality;

	if (!bc || !c)
		return -EINVAL;
	n = *c;
	if (bc->dds.slave_only)
		n.clock_quality.clock_class = 255; /* 7.6.2.5 */
	if (!clock_only_live(&bc->cfg, &n))
		return -EOPNOTSUPP;
	/* the quality in use is the configured one unless the program
	 * changed it (holdover): then it gets the new one when it gives the
	 * configured quality back (bc_configured_clock_quality) */
	own_quality = quality_eq(&bc->dds.clock_quality,
				 &bc->cfg.clock_quality);
	n.clock_identity = bc->cfg.clock_identity;
	n.rng_seed = bc->cfg.rng_seed;
	n.gm_clock_is_utc = bc->cfg.gm_clock_is_utc;
	n.utc_offset = bc->cfg.utc_offset; /* bc_set_gm_utc's */
	n.utc_offset_valid = bc->cfg.utc_offset_valid;
	bc->cfg = n;
	bc->dds.priority1 = n.priority1;
	bc->dds.priority2 = n.priority2;
	if (own_quality) {
		bc->dds.clock_quality = n.clock_quality;
		if (clock_identity_eq(&bc->parent.grandmaster_identity,
				      &bc->dds.clock_identity)) {
			bc->parent.grandmaster_clock_quality = n.clock_quality;
			bc->parent.grandmaster_priority1 = n.priority1;
			bc->parent.grandmaster_priority2 = n.priority2;
		}
	}
	bc->sd_due = true; /* the BMCA again; parentDS follows when GM */
	return 0;
}

void bc_port_cfg_take_live(struct bc_port_cfg *to,
			   const struct bc_port_cfg *from)
{
	to->log_announce_interval = from->log_announce_interval;
	to->log_sync_interval = from->log_sync_interval;
	to->log_min_delay_req_interval = from->log_min_delay_req_interval;
	to->announce_receipt_timeout = from->announce_receipt_timeout;
	to->sync_receipt_timeout = from->sync_receipt_timeout;
	to->fault_reset_interval = from->fault_reset_interval;
	to->delay_asymmetry_ns = from->delay_asymmetry_ns;
	to->ingress_latency_ns = from->ingress_latency_ns;
	to->egress_latency_ns = from->egress_latency_ns;
	to->master_only = from->master_only;
	to->local_priority = from->local_priority;
	to->acceptable_master_only = from->acceptable_master_only;
	to->ignore_source_id = from->ignore_source_id;
	to->inhibit_announce = from->inhibit_announce;
	to->inhibit_delay_req = from->inhibit_delay_req;
	to->delay_resp_unicast = from->delay_resp_unicast;
	to->path_trace_enabled = from->path_trace_enabled;
	to->delay_filter_length = from->delay_filter_length;
	to->delay_filter_average = from->delay_filter_average;
	to->management_enabled = from->management_enabled;
	to->power = from->power;
	to->net_sync_monitor = from->net_sync_monitor;
	to->spp = from->spp; /* key rotation: bc/auth.h */
	to->active_key_id = from->active_key_id;
}

/* The unicast settings (none is live: a change reopens the port). */
static bool uc_cfg_same(const struct bc_port_cfg *o,
			const struct bc_port_cfg *n)
{
	return o->uc_table_id == n->uc_table_id &&
	       o->uc_nmasters == n->uc_nmasters &&
	       !memcmp(o->uc_master, n->uc_master, sizeof(o->uc_master)) &&
	       !memcmp(o->uc_master_paddr, n->uc_master_paddr,
		       sizeof(o->uc_master_paddr)) &&
	       o->uc_log_query_interval == n->uc_log_query_interval &&
	       o->uc_req_duration == n->uc_req_duration &&
	       o->unicast_listen == n->unicast_listen &&
	       o->hybrid_e2e == n->hybrid_e2e &&
	       o->inhibit_multicast_service == n->inhibit_multicast_service;
}

_Static_assert(sizeof(struct bc_port_cfg) == 1024,
	       "bc_port_cfg changed: is the new field live (reconf.c)?");
static bool port_only_live(const struct bc_port_cfg *o,
			   const struct bc_port_cfg *n)
{
	return !strcmp(o->name, n->name) &&
	       o->log_min_pdelay_req_interval ==
		       n->log_min_pdelay_req_interval &&
	       o->delay_mechanism == n->delay_mechanism &&
	       o->delay_auto == n->delay_auto &&
	       o->freq_est_interval == n->freq_est_interval &&
	       o->allowed_lost_responses == n->allowed_lost_responses &&
	       o->one_step == n->one_step &&
	       o->p2p_one_step == n->p2p_one_step &&
	       o->follow_up_info == n->follow_up_info &&
	       o->as_capable_always == n->as_capable_always &&
	       o->neighbor_prop_delay_thresh_ns ==
		       n->neighbor_prop_delay_thresh_ns &&
	       o->min_neighbor_prop_delay_ns == n->min_neighbor_prop_delay_ns &&
	       o->bmca_noop == n->bmca_noop &&
	       o->ignore_transport_specific == n->ignore_transport_specific &&
	       o->transport_specific == n->transport_specific &&
	       o->delay_req_rate == n->delay_req_rate &&
	       o->delay_req_burst == n->delay_req_burst &&
	       o->mgmt_rate == n->mgmt_rate && o->mgmt_burst == n->mgmt_burst &&
	       uc_cfg_same(o, n);
}

/* A timer of the current state that runs at an interval that changed:
 * from now on at the new one (sooner when the new one is shorter). */
static void rearm(struct port *p, enum bc_timer t, int64_t at, int64_t now,
		  struct bc_actions *out)
{
	if (!(p->timers_armed & (1u << t)))
		return;
	if (p->timer_at[t] > at || p->timer_at[t] < now)
		port_timer_arm(p, t, at, out);
}

static void port_rearm(struct port *p, const struct bc_port_cfg *o,
		       int64_t now, struct bc_actions *out)
{
	const struct bc_port_cfg *n = &p->cfg;

	if (o->log_announce_interval != n->log_announce_interval) {
		rearm(p, BC_TMR_ANNOUNCE_TX,
		      now + tmv_log_interval_ns(n->log_announce_interval), now,
		      out);
		if (p->timers_armed & (1u << BC_TMR_ANNOUNCE_RX))
			port_arm_announce_rx(p, now, out);
	} else if (o->announce_receipt_timeout != n->announce_receipt_timeout &&
		   (p->timers_armed & (1u << BC_TMR_ANNOUNCE_RX))) {
		port_arm_announce_rx(p, now, out);
	}
	if (o->log_sync_interval != n->log_sync_interval)
		rearm(p, BC_TMR_SYNC_TX,
		      now + tmv_log_interval_ns(n->log_sync_interval), now,
		      out);
	if (o->log_min_delay_req_interval != n->log_min_delay_req_interval)
		rearm(p, BC_TMR_DELAY_REQ_TX, now + port_random_delay_req_ns(p),
		      now, out);
}

int bc_port_reconfigure(struct bc *bc, int port, const struct bc_port_cfg *c,
			int64_t now, struct bc_actions *out)
{
	struct port *p;
	struct bc_port_cfg o;

	if (!bc || !c || port < 0 || port >= bc->nports ||
	    !bc->ports[port].present)
		return -EINVAL;
	p = &bc->ports[port];
	if (!port_only_live(&p->cfg, c))
		return -EOPNOTSUPP;
	o = p->cfg;
	clock_port_master_only(p, c->master_only);
	p->cfg = *c;
	p->cfg.clock = o.clock;
	p->cfg.clock_is_utc = o.clock_is_utc;
	p->cfg.phc_index = o.phc_index;
	p->cfg.hw_timestamping = o.hw_timestamping;
	port_ds_from_cfg(p);
	if (o.delay_filter_length != c->delay_filter_length ||
	    o.delay_filter_average != c->delay_filter_average)
		port_delay_filter_init(p);
	port_rearm(p, &o, now, out);
	if (o.local_priority != c->local_priority ||
	    o.acceptable_master_only != c->acceptable_master_only)
		bc->sd_due = true;
	if (o.spp != c->spp)
		p->auth.have_seq = false;
	return 0;
}

const struct bc_port_cfg *bc_port_config(const struct bc *bc, int port)
{
	if (!bc || port < 0 || port >= bc->nports || !bc->ports[port].present)
		return NULL;
	return &bc->ports[port].cfg;
}
