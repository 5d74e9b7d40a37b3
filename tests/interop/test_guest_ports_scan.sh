#!/bin/bash
# test_guest_ports_scan.sh — test_guest_ports with hvptpd not using
# rtnetlink (HVPTP_NO_NETLINK=1, as where netlink is not there, e.g. under
# clknetsim): interfaces that come, go and come back are found by the
# listing of the interfaces hvptpd takes every second.
export HVPTP_NO_NETLINK=1
HV_GUEST_PORTS_TEST=guest_ports_scan
# shellcheck source-path=SCRIPTDIR source=test_guest_ports.sh
. "$(dirname "$0")/test_guest_ports.sh"
