/*
 * bc/power.c — the IEEE C37.238 power profile TLV (linuxptp's
 * power_profile.* options, POWER_PROFILE_SETTINGS_NP).
 *
 * A port whose power profile version is 2011 or 2017 adds to each of its
 * Announces an ORGANIZATION_EXTENSION TLV with the C37.238 OUI 1C-12-9D:
 *
 *   2011 (subtype 00 00 01): grandmasterID u16, grandmasterTimeInaccuracy
 *        u32, networkTimeInaccuracy u32, 2 pad octets;
 *   2017 (subtype 00 00 02): grandmasterID u16, reserved u32,
 *        totalTimeInaccuracy u32, 2 pad octets;
 *
 * lengthField 18 either way, as ptp4l sends them (values big-endian).  On
 * receive the same TLV must have lengthField 18 (ptp4l drops the message
 * otherwise, and so does hvptpd: BC_DROP_BAD_TLV); its values go to the
 * message's views.  Other organisations' extensions, and C37.238 subtypes
 * other than 1 and 2, are only length-checked.
 */
#include <errno.h>
#include <string.h>

#include "bc/internal.h"
#include "bc/tlv.h"

static const uint8_t power_oui[3] = { 0x1C, 0x12, 0x9D };
#define POWER_TLV_LEN 18

int power_tlv_decode(struct wire_reader *value, struct ptp_msg *m, int index)
{
	struct ptp_tlv_views *v = &m->tlv_view;
	size_t len = wire_reader_remaining(value);
	uint8_t oui[3], sub[3];

	(void)index;
	wire_get_bytes(value, oui, sizeof(oui));
	wire_get_bytes(value, sub, sizeof(sub));
	if (memcmp(oui, power_oui, sizeof(oui)) || sub[0] || sub[1] ||
	    (sub[2] != BC_POWER_2011 && sub[2] != BC_POWER_2017))
		return 0;
	if (len != POWER_TLV_LEN)
		return -EBADMSG;
	if (v->has_power)
		return 0;
	v->has_power = true;
	v->power.version = sub[2];
	v->power.grandmaster_id = wire_get_u16(value);
	v->power.gm_time_inaccuracy = wire_get_u32(value);
	v->power.network_time_inaccuracy = wire_get_u32(value);
	return 0;
}

void power_announce_tlv(const struct port *p, struct ptp_msg *m,
			struct wire_writer *scratch)
{
	const struct bc_power_profile *pp = &p->cfg.power;
	size_t start;

	if (pp->version != BC_POWER_2011 && pp->version != BC_POWER_2017)
		return;
	start = tlv_value_begin(scratch);
	wire_put_bytes(scratch, power_oui, sizeof(power_oui));
	wire_put_u16(scratch, 0);
	wire_put_u8(scratch, (uint8_t)pp->version);
	wire_put_u16(scratch, pp->grandmaster_id);
	if (pp->version == BC_POWER_2011) {
		wire_put_u32(scratch, pp->gm_time_inaccuracy);
		wire_put_u32(scratch, pp->network_time_inaccuracy);
	} else {
		wire_put_u32(scratch, 0); /* reserved */
		wire_put_u32(scratch, pp->total_time_inaccuracy);
	}
	wire_put_u16(scratch, 0); /* pad */
	if (tlv_value_end(m, TLV_ORGANIZATION_EXTENSION, scratch, start) < 0)
		clock_log_port(p, CM_LOG_WARNING,
			       "the power profile TLV did not fit");
}
