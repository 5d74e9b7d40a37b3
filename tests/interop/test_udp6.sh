#!/bin/bash
# test_udp6.sh — UDPv6 (network_transport UDPv6, -6) against linuxptp 3.1.1
# and 4.4: ptp4l grandmasters -> hvptpd slave and boundary clock -> ptp4l
# slaves, hvptpd grandmaster -> ptp4l slaves, and tshark over what hvptpd
# sent (tests/interop/transport.sh).  Groups ff0e::181 (udp6_scope 0x0E)
# and ff02::6b, link-local sources.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=transport.sh
. "$(dirname "$0")/transport.sh"

hv_setup udp6
tr_need_tools
tr_run UDPv6 -6
