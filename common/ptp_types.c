/* common/ptp_types.c — identity formatting and names (see ptp_types.h). */
#include "common/ptp_types.h"

#include <errno.h>
#include <stdio.h>

int port_identity_cmp(const struct port_identity *a,
		      const struct port_identity *b)
{
	int r = clock_identity_cmp(&a->clock_identity, &b->clock_identity);

	if (r)
		return r;
	return (a->port_number > b->port_number) -
	       (a->port_number < b->port_number);
}

char *clock_identity_str(const struct clock_identity *ci, char *buf,
			 size_t len)
{
	const uint8_t *p = ci->id;

	snprintf(buf, len, "%02x%02x%02x.%02x%02x.%02x%02x%02x", p[0], p[1],
		 p[2], p[3], p[4], p[5], p[6], p[7]);
	return buf;
}

char *port_identity_str(const struct port_identity *pi, char *buf,
			size_t len)
{
	char c[CLOCK_ID_STRLEN];

	snprintf(buf, len, "%s-%u",
		 clock_identity_str(&pi->clock_identity, c, sizeof(c)),
		 pi->port_number);
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Accepts 16 hex digits with '.', ':' or '-' separators anywhere between
 * byte pairs (covers both "001122.fffe.334455" and colon form). */
int clock_identity_parse(const char *s, struct clock_identity *out)
{
	struct clock_identity ci;
	int n = 0;

	while (*s && n < 8) {
		int hi, lo;

		if (*s == '.' || *s == ':' || *s == '-') {
			if (n == 0)
				return -EINVAL;
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		ci.id[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (n != 8 || *s)
		return -EINVAL;
	*out = ci;
	return 0;
}

void clock_identity_from_mac(const uint8_t mac[6], struct clock_identity *out)
{
	out->id[0] = mac[0];
	out->id[1] = mac[1];
	out->id[2] = mac[2];
	out->id[3] = 0xFF;
	out->id[4] = 0xFE;
	out->id[5] = mac[3];
	out->id[6] = mac[4];
	out->id[7] = mac[5];
}

const char *port_state_name(enum port_state s)
{
	static const char *const names[] = {
		[PS_INITIALIZING] = "INITIALIZING",
		[PS_FAULTY] = "FAULTY",
		[PS_DISABLED] = "DISABLED",
		[PS_LISTENING] = "LISTENING",
		[PS_PRE_MASTER] = "PRE_MASTER",
		[PS_MASTER] = "MASTER",
		[PS_PASSIVE] = "PASSIVE",
		[PS_UNCALIBRATED] = "UNCALIBRATED",
		[PS_SLAVE] = "SLAVE",
	};

	if ((unsigned)s < sizeof(names) / sizeof(names[0]) && names[s])
		return names[s];
	return "UNKNOWN";
}

const char *ptp_msg_type_name(unsigned type)
{
	static const char *const names[PTP_MSG_TYPE_COUNT] = {
		[PTP_MSG_SYNC] = "sync",
		[PTP_MSG_DELAY_REQ] = "delay_req",
		[PTP_MSG_PDELAY_REQ] = "pdelay_req",
		[PTP_MSG_PDELAY_RESP] = "pdelay_resp",
		[PTP_MSG_FOLLOW_UP] = "follow_up",
		[PTP_MSG_DELAY_RESP] = "delay_resp",
		[PTP_MSG_PDELAY_RESP_FOLLOW_UP] = "pdelay_resp_follow_up",
		[PTP_MSG_ANNOUNCE] = "announce",
		[PTP_MSG_SIGNALING] = "signaling",
		[PTP_MSG_MANAGEMENT] = "management",
	};

	if (type < PTP_MSG_TYPE_COUNT && names[type])
		return names[type];
	return "reserved";
}
