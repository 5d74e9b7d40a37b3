#!/bin/bash
# test_ptp4l_peer.sh — hvptpd -H grandmaster -> ptp4l 4.4 slave, one hop.
#
#   node 1: hvptpd, clockClass 6 ---- 1 us + exp(100 ns) ---- node 2: ptp4l -s
#
# The peer must synchronise to us: ptp4l's PHC (1 ms off, 10 ppm fast,
# wandering) must reach hvptpd's PHC and stay there.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "ptp4l 4.4 slave behind an hvptpd grandmaster"
node 1 hvptpd hw eth0 "clockClass 6"
node 2 ptp4l hw eth0 "" -s
link 1 2 1e-6 1e-7
limit=600 skip=200 lock_ns=1000
run_sim

# Measured, seeds 1..5 (hvptpd 85412ac, ptp4l 4.4's PI servo): lock
# 19-22 s, rms 84.8-117.1 ns, max 451-773 ns.  Bounds ~2x.  (ptp4l's
# 1-s changes reach 1.4 us after lock: no step check, it would need a
# bound above 2 x lock_ns and could never fail.)
check_lock_within 2 phc 45
check_rms 2 phc 240
check_max 2 phc 1550
test_end
