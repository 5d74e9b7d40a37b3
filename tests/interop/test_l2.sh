#!/bin/bash
# test_l2.sh — IEEE 802.3 (network_transport L2, -2) against linuxptp 3.1.1
# and 4.4: ptp4l grandmasters -> hvptpd slave and boundary clock -> ptp4l
# slaves, hvptpd grandmaster -> ptp4l slaves, and tshark over what hvptpd
# sent (tests/interop/transport.sh).  Ethertype 0x88F7 to
# 01:1B:19:00:00:00.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=transport.sh
. "$(dirname "$0")/transport.sh"

hv_setup l2
tr_need_tools
tr_run L2 -2
