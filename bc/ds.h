/*
 * bc/ds.h — the clock and port data sets of IEEE 1588-2019 clause 8.
 *
 * defaultDS, currentDS, parentDS, timePropertiesDS and portDS as plain
 * structs with the standard's members (snake_case, standard name beside
 * each).  The core owns them; management and metrics read them through the
 * getters in bc/bc.h.  Pure.
 */
#ifndef HVPTP_BC_DS_H
#define HVPTP_BC_DS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ptp_types.h"
#include "common/tmv.h"

/* defaultDS (8.2.1) */
struct default_ds {
	bool two_step_flag; /* twoStepFlag */
	struct clock_identity clock_identity; /* clockIdentity */
	uint16_t number_ports; /* numberPorts */
	struct clock_quality clock_quality; /* clockQuality */
	uint8_t priority1; /* priority1, 0..255, default 128 */
	uint8_t priority2; /* priority2, 0..255, default 128 */
	uint8_t domain_number; /* domainNumber, 0..255 (0..127 used) */
	bool slave_only; /* slaveOnly */
	uint16_t sdo_id; /* sdoId, 12 bits */
	bool external_port_configuration_enabled;
};

/* currentDS (8.2.2) */
struct current_ds {
	uint16_t steps_removed; /* stepsRemoved */
	int64_t offset_from_master_ns; /* offsetFromMaster */
	int64_t mean_path_delay_ns; /* meanDelay */
};

/* parentDS (8.2.3) */
struct parent_ds {
	struct port_identity parent_port_identity; /* parentPortIdentity */
	bool parent_stats; /* parentStats */
	uint16_t observed_parent_offset_scaled_log_variance;
	int32_t observed_parent_clock_phase_change_rate;
	struct clock_identity grandmaster_identity; /* grandmasterIdentity */
	struct clock_quality grandmaster_clock_quality;
	uint8_t grandmaster_priority1; /* grandmasterPriority1 */
	uint8_t grandmaster_priority2; /* grandmasterPriority2 */
};

/* timePropertiesDS (8.2.4) */
struct time_properties_ds {
	int16_t current_utc_offset; /* currentUtcOffset */
	bool current_utc_offset_valid; /* currentUtcOffsetValid */
	bool leap59; /* leap59 */
	bool leap61; /* leap61 */
	bool time_traceable; /* timeTraceable */
	bool frequency_traceable; /* frequencyTraceable */
	bool ptp_timescale; /* ptpTimescale */
	bool synchronization_uncertain; /* synchronizationUncertain (the
					   parent's; 2019 13.3.2.8) */
	uint8_t time_source; /* timeSource */
};

/* portDS (8.2.15) */
struct port_ds {
	struct port_identity port_identity; /* portIdentity */
	enum port_state port_state; /* portState */
	int8_t log_min_delay_req_interval; /* logMinDelayReqInterval */
	int64_t mean_link_delay_ns; /* meanLinkDelay (P2P) */
	int8_t log_announce_interval; /* logAnnounceInterval */
	uint8_t announce_receipt_timeout; /* announceReceiptTimeout */
	int8_t log_sync_interval; /* logSyncInterval */
	enum delay_mechanism delay_mechanism; /* delayMechanism */
	int8_t log_min_pdelay_req_interval; /* logMinPdelayReqInterval */
	uint8_t version_number; /* versionNumber (major) */
	uint8_t minor_version_number; /* minorVersionNumber */
	int64_t delay_asymmetry_ns; /* delayAsymmetry */
	bool master_only; /* masterOnly */
};

/* The flagField bits of timePropertiesDS, for Announce headers. */
uint16_t ds_time_properties_flags(const struct time_properties_ds *tp);
void ds_time_properties_from_flags(struct time_properties_ds *tp,
				   uint16_t flags);

#endif
