/*
 * daemon/auth_run.c — authentication in the running daemon: the MAC
 * (daemon/auth_mac.h) opened once a port has spp, and the core given the
 * settings' security associations, at start and after every reload
 * (the sa_file is read again each time: keys rotate without a restart).
 */
#include <string.h>

#include "common/log.h"
#include "daemon/auth_mac.h"
#include "daemon/daemon.h"

static int auth_ports(const struct hvd_settings *s)
{
	int n = 0;

	for (int i = 0; i < s->nports; i++)
		n += s->ports[i].spp >= 0;
	for (int t = 0; t < s->ntemplates; t++)
		n += s->templates[t].port.spp >= 0;
	return n;
}

int hvd_auth_apply(struct hvd *d)
{
	int n = auth_ports(&d->set), err;

	if (n > 0 && !d->auth_mac) {
		err = auth_mac_open(&d->auth_mac);
		if (err < 0) {
			cm_log(CM_LOG_ERR, "authentication: libcrypto has no "
			       "HMAC or CMAC: %s", strerror(-err));
			return err;
		}
	}
	bc_set_auth(d->bc, &d->set.sad,
		    d->auth_mac ? &auth_mac_ops_libcrypto : NULL, d->auth_mac);
	if (n > 0 || d->set.sad.n > 0)
		cm_log(CM_LOG_INFO, "authentication: %d security association%s "
		       "from %s, %d port%s or pattern%s with spp",
		       d->set.sad.n, d->set.sad.n == 1 ? "" : "s",
		       d->set.sa_file[0] ? d->set.sa_file : "(no sa_file)", n,
		       n == 1 ? "" : "s", n == 1 ? "" : "s");
	return 0;
}

void hvd_auth_close(struct hvd *d)
{
	auth_mac_close(d->auth_mac);
	d->auth_mac = NULL;
	memset(&d->set.sad, 0, sizeof(d->set.sad));
}
