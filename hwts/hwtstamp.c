/*
 * hwts/hwtstamp.c — the interface's hardware timestamping configuration
 * (SIOCSHWTSTAMP / SIOCGHWTSTAMP, struct hwtstamp_config).
 *
 * TX: HWTSTAMP_TX_ON, or HWTSTAMP_TX_ONESTEP_SYNC / _P2P for time_stamping
 * onestep / p2p1step (the device writes the time into Sync, and into
 * Pdelay_Resp for P2P, as they leave).  RX: the driver may answer a
 * request with a broader filter than asked for, or refuse it with ERANGE;
 * any filter that stamps every PTP v2 event message of the transport
 * (UDP: V2_L4_EVENT; IEEE 802.3: V2_L2_EVENT; either: V2_EVENT, SOME as
 * "more than asked", ALL) is accepted.  Filters that stamp only Sync or
 * only Delay_Req are not enough for a boundary clock and are never asked
 * for.  The configuration found at open is put back at close.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/net_tstamp.h>
#include <linux/sockios.h>

#include "common/log.h"
#include "hwts/hwts_priv.h"

static const char *const rx_filter_names[] = {
	[HWTSTAMP_FILTER_NONE] = "NONE",
	[HWTSTAMP_FILTER_ALL] = "ALL",
	[HWTSTAMP_FILTER_SOME] = "SOME",
	[HWTSTAMP_FILTER_PTP_V1_L4_EVENT] = "PTP_V1_L4_EVENT",
	[HWTSTAMP_FILTER_PTP_V1_L4_SYNC] = "PTP_V1_L4_SYNC",
	[HWTSTAMP_FILTER_PTP_V1_L4_DELAY_REQ] = "PTP_V1_L4_DELAY_REQ",
	[HWTSTAMP_FILTER_PTP_V2_L4_EVENT] = "PTP_V2_L4_EVENT",
	[HWTSTAMP_FILTER_PTP_V2_L4_SYNC] = "PTP_V2_L4_SYNC",
	[HWTSTAMP_FILTER_PTP_V2_L4_DELAY_REQ] = "PTP_V2_L4_DELAY_REQ",
	[HWTSTAMP_FILTER_PTP_V2_L2_EVENT] = "PTP_V2_L2_EVENT",
	[HWTSTAMP_FILTER_PTP_V2_L2_SYNC] = "PTP_V2_L2_SYNC",
	[HWTSTAMP_FILTER_PTP_V2_L2_DELAY_REQ] = "PTP_V2_L2_DELAY_REQ",
	[HWTSTAMP_FILTER_PTP_V2_EVENT] = "PTP_V2_EVENT",
	[HWTSTAMP_FILTER_PTP_V2_SYNC] = "PTP_V2_SYNC",
	[HWTSTAMP_FILTER_PTP_V2_DELAY_REQ] = "PTP_V2_DELAY_REQ",
	[HWTSTAMP_FILTER_NTP_ALL] = "NTP_ALL",
};

const char *hwts_rx_filter_name(int f)
{
	if (f < 0 || f >= (int)(sizeof(rx_filter_names) /
				sizeof(rx_filter_names[0])) ||
	    !rx_filter_names[f])
		return "unknown";
	return rx_filter_names[f];
}

bool hwts_rx_filter_ok(int f, bool l2)
{
	return f == HWTSTAMP_FILTER_ALL || f == HWTSTAMP_FILTER_SOME ||
	       f == (l2 ? HWTSTAMP_FILTER_PTP_V2_L2_EVENT
			: HWTSTAMP_FILTER_PTP_V2_L4_EVENT) ||
	       f == HWTSTAMP_FILTER_PTP_V2_EVENT;
}

int hwts_tx_type(enum hwts_onestep onestep)
{
	switch (onestep) {
	case HWTS_ONESTEP_SYNC:
		return HWTSTAMP_TX_ONESTEP_SYNC;
	case HWTS_ONESTEP_P2P:
		return HWTSTAMP_TX_ONESTEP_P2P;
	case HWTS_ONESTEP_OFF:
		break;
	}
	return HWTSTAMP_TX_ON;
}

const char *hwts_tx_type_name(int tx_type)
{
	switch (tx_type) {
	case HWTSTAMP_TX_OFF:
		return "HWTSTAMP_TX_OFF";
	case HWTSTAMP_TX_ON:
		return "HWTSTAMP_TX_ON";
	case HWTSTAMP_TX_ONESTEP_SYNC:
		return "HWTSTAMP_TX_ONESTEP_SYNC";
	case HWTSTAMP_TX_ONESTEP_P2P:
		return "HWTSTAMP_TX_ONESTEP_P2P";
	}
	return "unknown tx_type";
}

static int hwtstamp_ioctl(const char *ifname, bool set,
			  struct hwtstamp_config *cfg)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)cfg;
	return hwts_ifreq_ioctl(ifname, set ? SIOCSHWTSTAMP : SIOCGHWTSTAMP,
				&ifr, set ? "SIOCSHWTSTAMP" : "SIOCGHWTSTAMP",
				true);
}

static int hwtstamp_set(const char *ifname, int tx_type, int rx_filter,
			struct hwtstamp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tx_type = tx_type;
	cfg->rx_filter = rx_filter;
	return hwtstamp_ioctl(ifname, true, cfg);
}

/* Read what is configured now; missing SIOCGHWTSTAMP is not fatal. */
static int hwtstamp_save(const char *ifname, struct hwts_hwtstamp_state *st)
{
	struct hwtstamp_config cur;
	int err;

	memset(&cur, 0, sizeof(cur));
	err = hwtstamp_ioctl(ifname, false, &cur);
	if (err == 0) {
		st->have_orig = true;
		st->orig_tx_type = cur.tx_type;
		st->orig_rx_filter = cur.rx_filter;
		st->tx_type = cur.tx_type;
		st->rx_filter = cur.rx_filter;
		return 0;
	}
	if (err == -ENODEV || err == -ENXIO || err == -EINVAL) {
		cm_err("%s: SIOCGHWTSTAMP: %s (%s)", ifname, strerror(-err),
		       hwts_errname(err));
		return err;
	}
	cm_debug("%s: cannot read the hardware timestamping configuration "
		 "(%s); it will not be restored",
		 ifname, hwts_errname(err));
	return 0;
}

static bool current_ok(const struct hwts_hwtstamp_state *st,
		       const struct hwts_hw_req *req)
{
	return st->have_orig &&
	       st->orig_tx_type == hwts_tx_type(req->onestep) &&
	       hwts_rx_filter_ok(st->orig_rx_filter, req->l2);
}

static int hwtstamp_check(const char *ifname, struct hwts_hwtstamp_state *st,
			  const struct hwts_hw_req *req)
{
	if (!st->have_orig) {
		cm_err("%s: hwts_filter check: cannot read the hardware "
		       "timestamping configuration (SIOCGHWTSTAMP)",
		       ifname);
		return -EOPNOTSUPP;
	}
	if (!current_ok(st, req)) {
		cm_err("%s: hwts_filter check: tx_type %d rx_filter %s does "
		       "not time-stamp PTP v2 events (need tx_type %s)",
		       ifname, st->orig_tx_type,
		       hwts_rx_filter_name(st->orig_rx_filter),
		       hwts_tx_type_name(hwts_tx_type(req->onestep)));
		return -EINVAL;
	}
	cm_info("%s: hardware timestamping already on (rx_filter %s)", ifname,
		hwts_rx_filter_name(st->orig_rx_filter));
	return 0;
}

static void hwtstamp_refused(const char *ifname, int err, const char *tried,
			     int tx_type)
{
	const char *tx = hwts_tx_type_name(tx_type);

	if (err == -EPERM || err == -EACCES)
		cm_err("%s: SIOCSHWTSTAMP not permitted (%s): needs "
		       "CAP_NET_ADMIN",
		       ifname, hwts_errname(err));
	else if (err == -ERANGE || err == -EINVAL)
		cm_err("%s: driver refused %s with rx_filter %s (%s)", ifname,
		       tx, tried, hwts_errname(err));
	else
		cm_err("%s: driver refused %s (%s): %s", ifname, tx,
		       hwts_errname(err), strerror(-err));
}

/* Ask for each filter in turn; 0 when one took and suits. */
static int hwtstamp_try(const char *ifname, const int *filters, int n,
			const struct hwts_hw_req *req,
			struct hwts_hwtstamp_state *st)
{
	int tx_type = hwts_tx_type(req->onestep);
	struct hwtstamp_config cfg;
	char tried[96] = "";
	int i, err = -EINVAL;

	for (i = 0; i < n; i++) {
		size_t l = strlen(tried);

		snprintf(tried + l, sizeof(tried) - l, "%s%s", l ? ", " : "",
			 hwts_rx_filter_name(filters[i]));
		err = hwtstamp_set(ifname, tx_type, filters[i], &cfg);
		if (err == 0) {
			st->changed = true;
			st->tx_type = cfg.tx_type;
			st->rx_filter = cfg.rx_filter;
			if (cfg.tx_type == tx_type &&
			    hwts_rx_filter_ok(cfg.rx_filter, req->l2))
				return 0;
			cm_debug("%s: asked rx_filter %s, got tx_type %d "
				 "rx_filter %s",
				 ifname, hwts_rx_filter_name(filters[i]),
				 cfg.tx_type, hwts_rx_filter_name(cfg.rx_filter));
			err = -ERANGE;
			continue;
		}
		cm_debug("%s: SIOCSHWTSTAMP rx_filter %s: %s", ifname,
			 hwts_rx_filter_name(filters[i]), hwts_errname(err));
		if (err != -ERANGE && err != -EINVAL)
			break;
	}
	hwtstamp_refused(ifname, err, tried, tx_type);
	return err;
}

int hwts_hwtstamp_setup(const char *ifname, const struct hwts_hw_req *req,
			struct hwts_hwtstamp_state *st)
{
	static const int normal_l4[] = { HWTSTAMP_FILTER_PTP_V2_EVENT,
					 HWTSTAMP_FILTER_PTP_V2_L4_EVENT,
					 HWTSTAMP_FILTER_ALL };
	static const int normal_l2[] = { HWTSTAMP_FILTER_PTP_V2_EVENT,
					 HWTSTAMP_FILTER_PTP_V2_L2_EVENT,
					 HWTSTAMP_FILTER_ALL };
	static const int full[] = { HWTSTAMP_FILTER_ALL };
	enum hwts_filter_mode mode = req->mode;
	int err;

	memset(st, 0, sizeof(*st));
	err = hwtstamp_save(ifname, st);
	if (err)
		return err;
	if (mode == HWTS_FILTER_CHECK)
		return hwtstamp_check(ifname, st, req);
	if (mode == HWTS_FILTER_NORMAL && current_ok(st, req)) {
		cm_info("%s: hardware timestamping already on (rx_filter %s)",
			ifname, hwts_rx_filter_name(st->rx_filter));
		return 0;
	}
	if (mode == HWTS_FILTER_FULL)
		err = hwtstamp_try(ifname, full, 1, req, st);
	else
		err = hwtstamp_try(ifname, req->l2 ? normal_l2 : normal_l4, 3,
				   req, st);
	if (err) {
		hwts_hwtstamp_restore(ifname, st);
		return err;
	}
	cm_info("%s: hardware timestamping on, rx_filter %s%s", ifname,
		hwts_rx_filter_name(st->rx_filter),
		req->onestep == HWTS_ONESTEP_OFF ? ""
		: req->onestep == HWTS_ONESTEP_SYNC ? ", one-step Sync"
						    : ", one-step Sync and "
						      "Pdelay_Resp");
	return 0;
}

void hwts_hwtstamp_restore(const char *ifname, struct hwts_hwtstamp_state *st)
{
	struct hwtstamp_config cfg;
	int err;

	if (!st->changed)
		return;
	st->changed = false;
	if (!st->have_orig) {
		cm_debug("%s: hardware timestamping left on (previous "
			 "configuration unknown)",
			 ifname);
		return;
	}
	err = hwtstamp_set(ifname, st->orig_tx_type, st->orig_rx_filter, &cfg);
	if (err)
		cm_warn("%s: restoring tx_type %d rx_filter %s: %s", ifname,
			st->orig_tx_type, hwts_rx_filter_name(st->orig_rx_filter),
			hwts_errname(err));
	else
		cm_info("%s: hardware timestamping restored to tx_type %d "
			"rx_filter %s",
			ifname, st->orig_tx_type,
			hwts_rx_filter_name(st->orig_rx_filter));
}
