/* bc/ds.c — data set defaults and flag conversions. */
#include <string.h>

#include "bc/bc.h"
#include "bc/ds.h"

uint16_t ds_time_properties_flags(const struct time_properties_ds *tp)
{
	uint16_t f = 0;

	if (tp->leap61)
		f |= PTP_FLAG_LEAP61;
	if (tp->leap59)
		f |= PTP_FLAG_LEAP59;
	if (tp->current_utc_offset_valid)
		f |= PTP_FLAG_UTC_OFFSET_VALID;
	if (tp->ptp_timescale)
		f |= PTP_FLAG_PTP_TIMESCALE;
	if (tp->time_traceable)
		f |= PTP_FLAG_TIME_TRACEABLE;
	if (tp->frequency_traceable)
		f |= PTP_FLAG_FREQ_TRACEABLE;
	if (tp->synchronization_uncertain)
		f |= PTP_FLAG_SYNC_UNCERTAIN;
	return f;
}

void ds_time_properties_from_flags(struct time_properties_ds *tp,
				   uint16_t flags)
{
	tp->leap61 = flags & PTP_FLAG_LEAP61;
	tp->leap59 = flags & PTP_FLAG_LEAP59;
	tp->current_utc_offset_valid = flags & PTP_FLAG_UTC_OFFSET_VALID;
	tp->ptp_timescale = flags & PTP_FLAG_PTP_TIMESCALE;
	tp->time_traceable = flags & PTP_FLAG_TIME_TRACEABLE;
	tp->frequency_traceable = flags & PTP_FLAG_FREQ_TRACEABLE;
	tp->synchronization_uncertain = flags & PTP_FLAG_SYNC_UNCERTAIN;
}

/* ptp4l's defaults (default.cfg), which are the standard's where it has
 * one (IEEE 1588-2019 Annex I default profile). */
void bc_port_cfg_default(struct bc_port_cfg *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	if (name) {
		strncpy(p->name, name, sizeof(p->name) - 1);
	}
	p->log_announce_interval = 1;
	p->log_sync_interval = 0;
	p->log_min_delay_req_interval = 0;
	p->log_min_pdelay_req_interval = 0;
	p->announce_receipt_timeout = 3;
	p->sync_receipt_timeout = 0;
	p->delay_mechanism = DM_E2E;
	p->freq_est_interval = 1;
	p->allowed_lost_responses = 3;
	p->neighbor_prop_delay_thresh_ns = 20000000;
	p->min_neighbor_prop_delay_ns = -20000000;
	p->fault_reset_interval = 4;
	p->delay_filter_length = 10;
	p->local_priority = 128;
	p->management_enabled = true;
	p->clock = 0;
	p->clock_is_utc = false;
	p->phc_index = -1;
	/* ptp4l's power_profile.* defaults: -1, as an unsigned field */
	p->power.gm_time_inaccuracy = UINT32_MAX;
	p->power.network_time_inaccuracy = UINT32_MAX;
	p->power.total_time_inaccuracy = UINT32_MAX;
	p->spp = -1; /* no authentication */
}

void bc_clock_cfg_default(struct bc_clock_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->priority1 = 128;
	c->priority2 = 128;
	c->domain_number = 0;
	c->clock_quality.clock_class = 248;
	c->clock_quality.clock_accuracy = 0xFE;
	c->clock_quality.offset_scaled_log_variance = 0xFFFF;
	c->two_step = true;
	c->ptp_minor_version = 1;
	c->max_steps_removed = 255;
	c->time_source = TS_INTERNAL_OSCILLATOR;
	c->utc_offset = 37;
	c->ptp_timescale = true;
	c->tx_timestamp_timeout_ns = 10 * NS_PER_MS;
	c->local_priority = 128;
	c->clock_class_threshold = 248;
	c->foreign_master_threshold = 2;
	c->foreign_master_window = 4;
	c->rng_seed = 1;
}
