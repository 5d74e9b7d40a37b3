/*
 * tests/fuzz/gen_seeds.c — writes the seed corpus of fuzz_msg.
 *
 * One valid message per type (with TLVs on Announce, Signaling and
 * Management) into the directory given as argv[1], one binary file each,
 * and a few more with the TLVs of linuxptp 4.4's features: an Announce
 * with the C37.238-2011 and -2017 TLVs and an ALTERNATE_TIME_OFFSET_
 * INDICATOR, a NetSync Monitor request (Delay_Req with PTPMON_REQ) and
 * answer (Delay_Resp with PTPMON_RESP), plus the variants P2P and
 * 802.1AS add (a one-step Pdelay_Resp with its turnaround in
 * correctionField, a gPTP Pdelay_Req with majorSdoId 1, a Follow_Up with
 * the Follow_Up information TLV).  Not built by the Makefile; to
 * regenerate the committed seeds (after make):
 *
 *   cc -std=gnu11 -I. tests/fuzz/gen_seeds.c build/libhvcore.a -o \
 *      /tmp/gen_seeds && /tmp/gen_seeds tests/fuzz/seeds-fuzz_msg
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bc/msg.h"
#include "bc/tlv.h"
#include "bc/wire.h"

static const struct port_identity src = {
	{ { 0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55 } }, 1
};
static const struct port_identity peer = {
	{ { 0xAA, 0xBB, 0xCC, 0xFF, 0xFE, 0xDD, 0xEE, 0xFF } }, 2
};
static const struct ptp_timestamp ts = { 1700000000, 123456789 };

static void seed_body(struct ptp_msg *m, struct wire_writer *scratch)
{
	static const struct clock_identity path[2] = {
		{ { 0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55 } },
		{ { 0x00, 0x99, 0x88, 0xFF, 0xFE, 0x77, 0x66, 0x55 } },
	};
	/* REQUEST_UNICAST_TRANSMISSION: Announce, log period 1, 300 s */
	static const uint8_t unicast[6] = { 0xB0, 0x01, 0, 0, 0x01, 0x2C };
	struct ptp_announce *a = &m->body.announce;

	switch (m->hdr.msg_type) {
	case PTP_MSG_DELAY_RESP:
		m->body.delay_resp.receive_timestamp = ts;
		m->body.delay_resp.requesting_port_identity = peer;
		break;
	case PTP_MSG_PDELAY_RESP:
	case PTP_MSG_PDELAY_RESP_FOLLOW_UP:
		m->body.pdelay_resp.timestamp = ts;
		m->body.pdelay_resp.requesting_port_identity = peer;
		break;
	case PTP_MSG_ANNOUNCE:
		a->origin_timestamp = ts;
		a->current_utc_offset = 37;
		a->gm_priority1 = 128;
		a->gm_clock_quality.clock_class = 6;
		a->gm_clock_quality.clock_accuracy = 0x21;
		a->gm_clock_quality.offset_scaled_log_variance = 0x4E5D;
		a->gm_priority2 = 128;
		a->gm_identity = src.clock_identity;
		a->steps_removed = 1;
		a->time_source = TS_GNSS;
		tlv_put_path_trace(m, scratch, path, 2);
		break;
	case PTP_MSG_SIGNALING:
		m->body.signaling.target_port_identity = peer;
		tlv_append(m, TLV_REQUEST_UNICAST_TRANSMISSION, unicast, 6);
		break;
	case PTP_MSG_MANAGEMENT:
		memset(&m->body.management.target_port_identity, 0xFF,
		       sizeof(m->body.management.target_port_identity));
		m->body.management.starting_boundary_hops = 1;
		m->body.management.boundary_hops = 1;
		m->body.management.action = PTP_MGMT_GET;
		tlv_put_management(m, scratch, 0x2000, NULL, 0);
		break;
	default: /* Sync, Delay_Req, Pdelay_Req, Follow_Up */
		m->body.sync.origin_timestamp = ts;
		break;
	}
}

static int write_seed(const char *dir, unsigned type)
{
	uint8_t scratch_buf[64], buf[PTP_MAX_MSG_LEN];
	struct wire_writer scratch;
	struct ptp_msg m;
	char path[512];
	FILE *f;
	int n;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, type, 1);
	m.hdr.source_port_identity = src;
	m.hdr.sequence_id = 1;
	if (type == PTP_MSG_SYNC)
		m.hdr.flags = PTP_FLAG_TWO_STEP;
	if (type == PTP_MSG_ANNOUNCE)
		m.hdr.flags = PTP_FLAG_UTC_OFFSET_VALID |
			      PTP_FLAG_PTP_TIMESCALE;
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	seed_body(&m, &scratch);
	n = msg_pack(&m, buf, sizeof(buf));
	if (n < 0)
		return n;
	snprintf(path, sizeof(path), "%s/%s.bin", dir, ptp_msg_type_name(type));
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

/* linuxptp 4.4's TLVs: C37.238 (2011, 2017), ATOI "CET" (padded even),
 * PTPMON_REQ, PTPMON_RESP (portState, reserved, UDP/IPv4 10.0.0.1,
 * parentDS, currentDS, timePropertiesDS, the last Sync). */
static const uint8_t c37_2011[18] = { 0x1C, 0x12, 0x9D, 0, 0, 1, 0x12, 0x34,
				      0, 0, 0x01, 0xF4, 0, 0, 0x03, 0xE8 };
static const uint8_t c37_2017[18] = { 0x1C, 0x12, 0x9D, 0, 0, 2, 0x12, 0x34,
				      0, 0, 0, 0, 0, 0, 0x05, 0xDC };
static const uint8_t atoi_cet[20] = { 0, 0, 0, 0x0E, 0x10, 0xFF, 0xFF, 0xF1,
				      0xF0, 0, 0, 0x67, 0xF1, 0x2E, 0x10, 3,
				      'C', 'E', 'T', 0 };

/* The P2P and 802.1AS variants. */
static int write_file(const char *dir, const char *name, const uint8_t *buf,
		      int n)
{
	char path[512];
	FILE *f;

	if (n < 0)
		return n;
	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

static int write_seeds_44(const char *dir)
{
	uint8_t scratch_buf[128], resp[74], buf[PTP_MAX_MSG_LEN];
	struct wire_writer scratch;
	struct ptp_msg m;
	int n, err;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_ANNOUNCE, 1);
	m.hdr.source_port_identity = src;
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	seed_body(&m, &scratch);
	tlv_append(&m, TLV_ORGANIZATION_EXTENSION, c37_2011, 18);
	tlv_append(&m, TLV_ORGANIZATION_EXTENSION, c37_2017, 18);
	tlv_append(&m, TLV_ALTERNATE_TIME_OFFSET_INDICATOR, atoi_cet, 20);
	n = msg_pack(&m, buf, sizeof(buf));
	err = n < 0 ? n : write_file(dir, "announce_power_atoi", buf, n);
	if (err)
		return err;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_DELAY_REQ, 1);
	m.hdr.source_port_identity = peer;
	m.hdr.flags = PTP_FLAG_UNICAST;
	m.hdr.log_msg_interval = 0x7F;
	tlv_append(&m, TLV_PTPMON_REQ, NULL, 0);
	n = msg_pack(&m, buf, sizeof(buf));
	err = n < 0 ? n : write_file(dir, "delay_req_nsm", buf, n);
	if (err)
		return err;
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_DELAY_RESP, 1);
	m.hdr.source_port_identity = src;
	m.hdr.flags = PTP_FLAG_UNICAST;
	seed_body(&m, &scratch);
	memset(resp, 0, sizeof(resp));
	resp[0] = 9; /* SLAVE */
	resp[3] = 1; /* UDP/IPv4 */
	resp[5] = 4;
	resp[6] = 10;
	resp[9] = 1;
	memcpy(resp + 10, src.clock_identity.id, 8); /* parentPortIdentity */
	tlv_append(&m, TLV_PTPMON_RESP, resp, sizeof(resp));
	n = msg_pack(&m, buf, sizeof(buf));
	return n < 0 ? n : write_file(dir, "delay_resp_nsm", buf, n);
}

static int write_variants(const char *dir)
{
	static const struct ptp_follow_up_info fui = { 0x12345, 1, { 0 }, 0 };
	uint8_t scratch_buf[64], buf[PTP_MAX_MSG_LEN];
	struct wire_writer scratch;
	struct ptp_msg m;
	int err;

	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_PDELAY_RESP, 1);
	m.hdr.source_port_identity = src;
	m.hdr.sequence_id = 7;
	m.hdr.correction = (int64_t)12345 << 16; /* turnaround, one-step */
	m.body.pdelay_resp.requesting_port_identity = peer;
	err = write_file(dir, "pdelay_resp_onestep",
			 buf, msg_pack(&m, buf, sizeof(buf)));
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_PDELAY_REQ, 1);
	m.hdr.major_sdo_id = 1;
	m.hdr.source_port_identity = src;
	m.hdr.log_msg_interval = 0;
	if (!err)
		err = write_file(dir, "pdelay_req_gptp", buf,
				 msg_pack(&m, buf, sizeof(buf)));
	memset(&m, 0, sizeof(m));
	msg_header_init(&m.hdr, PTP_MSG_FOLLOW_UP, 1);
	m.hdr.major_sdo_id = 1;
	m.hdr.source_port_identity = src;
	m.body.follow_up.precise_origin_timestamp = ts;
	wire_writer_init(&scratch, scratch_buf, sizeof(scratch_buf));
	if (!err && tlv_put_follow_up_info(&m, &scratch, &fui) < 0)
		err = -EINVAL;
	if (!err)
		err = write_file(dir, "follow_up_info", buf,
				 msg_pack(&m, buf, sizeof(buf)));
	return err;
}

int main(int argc, char **argv)
{
	static const unsigned types[] = {
		PTP_MSG_SYNC,	    PTP_MSG_DELAY_REQ,
		PTP_MSG_PDELAY_REQ, PTP_MSG_PDELAY_RESP,
		PTP_MSG_FOLLOW_UP,  PTP_MSG_DELAY_RESP,
		PTP_MSG_PDELAY_RESP_FOLLOW_UP,
		PTP_MSG_ANNOUNCE,   PTP_MSG_SIGNALING,
		PTP_MSG_MANAGEMENT,
	};
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int err = write_seed(argv[1], types[i]);

		if (err) {
			fprintf(stderr, "%s: %s\n", ptp_msg_type_name(types[i]),
				strerror(-err));
			return 1;
		}
	}
	i = (size_t)-write_seeds_44(argv[1]);
	if (i) {
		fprintf(stderr, "linuxptp 4.4's TLVs: %s\n", strerror((int)i));
		return 1;
	}
	if (write_variants(argv[1])) {
		fprintf(stderr, "variants: failed\n");
		return 1;
	}
	return 0;
}
