#!/bin/bash
# test_sys_offset_methods.sh — the system clock follows the PHC through
# PTP_SYS_OFFSET_EXTENDED and PTP_SYS_OFFSET, reads that take time:
# ptp4l 4.4 grandmaster -> two hvptpd -H -s.
#
#   node 1: ptp4l 4.4 -+-- node 2: hvptpd -s, sys_offset_method extended
#                      `-- node 3: hvptpd -s, sys_offset_method basic
#
# Every other test reads the PHC by PTP_SYS_OFFSET_PRECISE, which
# clknetsim answers exactly; most NICs offer only the other two.  Here
# each PHC read takes 1 us plus a random 0..~4 us (CLKNETSIM_PHC_DELAY,
# CLKNETSIM_PHC_JITTER; Poisson-distributed, the same either side of the
# device read), so a reading's window is 1-5 us, and the follower's error
# is half the difference of the two sides of its best (shortest) one.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "the system clock follows the PHC through slow, noisy reads"
node 1 ptp4l hw eth0 "clockClass 6"
node 2 hvptpd hw eth0 "sys_offset_method extended" -s
node 3 hvptpd hw eth0 "sys_offset_method basic" -s
for n in 2 3; do
	node_env "$n" CLKNETSIM_PHC_DELAY=1e-6 CLKNETSIM_PHC_JITTER=2e-6
done
link 1 2 1e-6 1e-7
link 1 3 1e-6 1e-7
limit=600 skip=200 lock_ns=1000
run_sim

# Measured, seeds 1..5 (hvptpd daad1b3): node 2 (extended): PHC lock
# 13-15 s, rms 21.2-27.1 ns; system clock lock 13-18 s, rms 46.6-55.0 ns,
# max 154-179 ns.  Node 3 (basic): PHC lock 13-15 s, rms 19.5-34.0 ns;
# system clock lock 13-17 s, rms 52.6-58.6 ns, max 171-234 ns.  The reads
# add about 45 ns rms to the system clock (the PHC's own error passes
# on).  Bounds ~2x.  (A reading taken at the wrong end of its window
# would be 0.5-2.5 us off.)
check_lock_within 2 phc 30
check_rms 2 phc 55
check_lock_within 2 sys 36
check_rms 2 sys 110
check_max 2 sys 360
check_lock_within 3 phc 30
check_rms 3 phc 70
check_lock_within 3 sys 34
check_rms 3 sys 120
check_max 3 sys 470
test_end
