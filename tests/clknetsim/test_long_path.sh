#!/bin/bash
# test_long_path.sh — a 100 ms path, longer than the Delay_Req interval.
#
#   node 1: ptp4l 4.4 (hardware, logMinDelayReqInterval -4) ---- 100 ms +
#           exp(100 ns) ---- node 2: hvptpd -H -s
#
# A Delay_Req every 62.5 ms on average and 200 ms round trips: about three
# requests are in flight at any time.  Each Delay_Resp must be matched to
# its own request by sequenceId (bc/port_slave.c); with one request in
# flight, every answer but the newest request's was dropped as a sequence
# mismatch, the path delay froze at its first value and the PHC stayed
# 7-9 us off.
#
# servo_filter none: the Kalman servo on the core's filtered path delay.
# With the default packet selection (select) seeds 2..7 lock in 13-39 s,
# rms 10.4-12.8 ns, max 29-39 ns, but seed 1 swings tens of ppm for 3
# minutes before it locks (199 s): the selection's windows are not yet
# fit for exchanges that finish 200 ms after their t3 (issue 9).
# Measured with servo_filter none, seeds 1..5 (fix of several Delay_Reqs
# in flight): lock 13-16 s, rms 28.4-41.1 ns, max 99-236 ns.  Bounds ~2x.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "100 ms path, several Delay_Reqs in flight"
node 1 ptp4l hw eth0 "clockClass 6
logMinDelayReqInterval -4"
node 2 hvptpd hw eth0 "servo_filter none" -s
link 1 2 0.1 1e-7
limit=600 skip=200 lock_ns=1000
run_sim

check_lock_within 2 phc 35
check_rms 2 phc 90
check_max 2 phc 500
test_end
