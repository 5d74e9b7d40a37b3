/*
 * mgmt/uds_daemon.c — management in hvptpd: what CLOCK_DESCRIPTION needs
 * from the system and the configuration goes into the core, then the
 * sockets are opened and join the poll loop (mgmt_uds_add, see uds.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bc/mgmt.h"
#include "common/log.h"
#include "daemon/service.h"
#include "daemon/settings.h"
#include "hwts/hwts.h"
#include "daemon/privdrop.h"
#include "daemon/reload.h"
#include "mgmt/uds.h"

/* "00:1b:19" -> 3 octets; -EINVAL otherwise. */
static int parse_oui(const char *s, uint8_t oui[3])
{
	unsigned v[3];
	char end;

	if (!s || sscanf(s, "%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &end) != 3)
		return -EINVAL;
	for (int i = 0; i < 3; i++)
		oui[i] = (uint8_t)v[i];
	return 0;
}

/* A description text of the configuration, or NULL for ptp4l's default
 * ";;" (hvptp's own description is kept then). */
static const char *config_text(const char *given)
{
	if (!given || !*given || strcmp(given, ";;") == 0)
		return NULL;
	return given;
}

static void mgmt_describe(struct hvd *d)
{
	const struct hvd_settings *s = hvd_settings(d);
	struct bc *bc = hvd_core(d);
	const char *product = config_text(s->product_description);
	const char *revision = config_text(s->revision_data);
	uint8_t oui[3] = { 0, 0, 0 };

	if (parse_oui(s->manufacturer_identity, oui) < 0)
		cm_warn("management: manufacturerIdentity %s: not an OUI "
			"(xx:xx:xx); using 00:00:00", s->manufacturer_identity);
	if (bc_mgmt_set_description(bc, oui, product, revision) < 0) {
		cm_warn("management: productDescription or revisionData too "
			"long (64 and 32 octets at most); using hvptp's");
		bc_mgmt_set_description(bc, oui, NULL, NULL);
	}
	/* the ports' addresses: daemon/ports.c, as each port opens */
}

/* HVPTP_RELOAD_NP: the reload's outcome as its acknowledgement. */
static size_t uds_reload(void *ctx, int64_t now, uint8_t *data, size_t cap)
{
	struct reload_report rep;
	size_t n, len;

	hvd_reload(ctx, now, &rep);
	len = strlen(rep.summary);
	if (len > 255)
		len = 255;
	if (len + 8 > cap)
		len = cap - 8;
	data[0] = rep.loaded ? BC_MGMT_RELOAD_LOADED : 0;
	data[1] = 0;
	data[2] = (uint8_t)(rep.changed >> 8);
	data[3] = (uint8_t)rep.changed;
	data[4] = (uint8_t)(rep.refused >> 8);
	data[5] = (uint8_t)rep.refused;
	data[6] = (uint8_t)len;
	memcpy(data + 7, rep.summary, len);
	n = 7 + len;
	if (n % 2)
		data[n++] = 0;
	return n;
}

int mgmt_uds_add(struct hvd *d)
{
	const struct hvd_settings *s = hvd_settings(d);
	struct mgmt_uds_cfg cfg = {
		.rw_path = s->uds_address,
		.ro_path = s->uds_ro_address,
		.rw_mode = (unsigned)s->uds_file_mode,
		.ro_mode = (unsigned)s->uds_ro_file_mode,
		.group = privdrop_uds_gid(s->uds_group),
		.rate = s->mgmt_rate,
		.burst = s->mgmt_burst,
		.seed = s->clock.rng_seed ^ 0x75647321u,
		.reload = uds_reload,
		.reload_ctx = d,
	};
	struct hvd_service svc;
	struct mgmt_uds *u;
	int err;

	mgmt_describe(d);
	if (!*s->uds_address && !*s->uds_ro_address)
		return 0;
	cfg.chgrp = *s->uds_group != '\0';
	if (cfg.chgrp && cfg.group == (gid_t)-1)
		return -ENOENT;
	err = mgmt_uds_open(&u, hvd_exec(d), &cfg);
	if (err < 0)
		return err;
	mgmt_uds_service(u, &svc);
	err = hvd_service_add(d, &svc);
	if (err < 0) {
		cm_err("management: cannot join the poll loop: %s",
		       strerror(-err));
		mgmt_uds_close(u);
	}
	return err;
}
