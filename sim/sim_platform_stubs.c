/*
 * sim/sim_platform_stubs.c — what the daemon's settings code needs from
 * the Linux edge, for a program that has no sockets.
 *
 * settings_from_cfg (daemon/settings.c) fills a struct transport_cfg per
 * port with transport_cfg_default(), which lives in hwts/transport.c, and the
 * simulator does not link libhvedge (sockets, netlink).  The simulator
 * never opens a transport, so the transport part of the settings is
 * ignored; this definition only has to be harmless.  If settings.c ever
 * needs more from hwts/, the link fails loudly here.
 */
#include <string.h>

#include "hwts/transport.h"

void transport_cfg_default(struct transport_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = TRANSPORT_UDPV4;
	c->mode = HWTS_HARDWARE;
	c->udp_ttl = 1;
	c->event_port = 319;
	c->general_port = 320;
}
