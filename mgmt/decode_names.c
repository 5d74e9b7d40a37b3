/*
 * mgmt/decode_names.c — the names of the codes the management layouts
 * carry (time sources, delay mechanisms, port and servo states, clock
 * roles, feed outcomes, fault reasons...), for the decoder (mgmt/decode.c)
 * and hvptpctl's printers; declared in mgmt/decode.h.
 */
#include <stdio.h>
#include <string.h>

#include "bc/tlv.h"
#include "common/alarm.h"
#include "common/hwclock.h"
#include "mgmt/decode.h"
#include "servo/servo.h"
#include "vm/feeds.h"

const char *mgmt_time_source_name(unsigned v)
{
	switch (v) {
	case TS_ATOMIC_CLOCK: return "ATOMIC_CLOCK";
	case TS_GNSS: return "GNSS";
	case TS_TERRESTRIAL_RADIO: return "TERRESTRIAL_RADIO";
	case TS_SERIAL_TIME_CODE: return "SERIAL_TIME_CODE";
	case TS_PTP: return "PTP";
	case TS_NTP: return "NTP";
	case TS_HAND_SET: return "HAND_SET";
	case TS_OTHER: return "OTHER";
	case TS_INTERNAL_OSCILLATOR: return "INTERNAL_OSCILLATOR";
	default: return NULL;
	}
}

const char *mgmt_delay_mechanism_name(unsigned v)
{
	switch (v) {
	case DM_E2E: return "E2E";
	case DM_P2P: return "P2P";
	case DM_COMMON_P2P: return "COMMON_P2P";
	case DM_SPECIAL: return "SPECIAL";
	case DM_NO_MECHANISM: return "NO_MECHANISM";
	default: return NULL;
	}
}

/* HVPTP_FEEDS_NP's last outcome: "fed", or why not (vm/feeds.h). */
const char *mgmt_feed_outcome_name(unsigned v)
{
	if (v == VM_FEED_OK)
		return "fed";
	return v < VM_FEED_SKIP_COUNT ? vm_feed_skip_name((enum vm_feed_skip)v)
				      : NULL;
}

const char *mgmt_fault_name(unsigned v)
{
	return v < BC_FAULT_COUNT ? bc_fault_name((enum bc_fault)v) : NULL;
}

/* linuxptp's enum timestamp_type, as PORT_PROPERTIES_NP carries it. */
const char *mgmt_timestamping_name(unsigned v)
{
	static const char *const names[] = { "SOFTWARE", "HARDWARE",
					     "LEGACY_HW", "ONESTEP",
					     "P2P1STEP" };

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mgmt_servo_state_name(unsigned v)
{
	const char *s = servo_state_name((enum servo_state)v);

	return strcmp(s, "UNKNOWN") == 0 ? NULL : s;
}

const char *mgmt_port_state_name(unsigned v)
{
	const char *s = port_state_name((enum port_state)v);

	return strcmp(s, "UNKNOWN") == 0 ? NULL : s;
}

const char *mgmt_clock_role_name(unsigned v)
{
	return v == BC_CLOCK_REFERENCE ? "reference"
	       : v == BC_CLOCK_FOLLOWER ? "follower"
					: NULL;
}

const char *mgmt_servo_type_name(unsigned v)
{
	return v < SERVO_TYPE_COUNT ? servo_type_name((enum servo_type)v)
				    : NULL;
}

const char *mgmt_read_method_name(unsigned v)
{
	return v < HWCLOCK_READ_COUNT ? hwclock_read_name((enum hwclock_read)v)
				      : NULL;
}

const char *mgmt_network_protocol_name(unsigned v)
{
	static const char *const names[] = { NULL, "UDP_IPV4", "UDP_IPV6",
					     "IEEE_802_3", "DEVICENET",
					     "CONTROLNET", "PROFINET" };

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

const char *mgmt_error_name(unsigned error_id)
{
	switch (error_id) {
	case TLV_MGMT_ERR_RESPONSE_TOO_BIG: return "RESPONSE_TOO_BIG";
	case TLV_MGMT_ERR_NO_SUCH_ID: return "NO_SUCH_ID";
	case TLV_MGMT_ERR_WRONG_LENGTH: return "WRONG_LENGTH";
	case TLV_MGMT_ERR_WRONG_VALUE: return "WRONG_VALUE";
	case TLV_MGMT_ERR_NOT_SETABLE: return "NOT_SETABLE";
	case TLV_MGMT_ERR_NOT_SUPPORTED: return "NOT_SUPPORTED";
	case TLV_MGMT_ERR_UNPOPULATED: return "UNPOPULATED";
	case TLV_MGMT_ERR_GENERAL_ERROR: return "GENERAL_ERROR";
	default: return "UNKNOWN";
	}
}
