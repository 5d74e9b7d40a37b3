#!/bin/bash
# test_bc_two_phc.sh — a boundary clock with two NICs: ptp4l 4.4
# grandmaster -> hvptpd BC (a PHC per port) -> hvptpd slave.
#
#   1 ptp4l GM -eth0- [PHC A] 2 hvptpd BC [PHC B] -eth1- 3 hvptpd -s
#
# The BC's slave port (eth0) is stamped by PHC A (/dev/ptp100), the
# reference its servo disciplines; its master port (eth1) by PHC B
# (/dev/ptp101), which follows A through two paired readings against the
# system clock, as CLOCK_REALTIME follows A.  The slave on eth1 therefore
# synchronises to B: its error is A's + B's residual + its own.  PHC A
# starts 1 ms off and 10 ppm fast, B 5 ms off and 30 ppm slow, the BC's
# system clock 1 ms off and 10 ppm fast; all wander 1 ppb/sqrt(s).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "boundary clock with a PHC per port"
node 1 ptp4l hw eth0 "clockClass 6"
node 2 hvptpd hw "eth0 eth1"
phcs 2 eth0 eth1
clock 2 phc2 offset 5e-3 freq -3e-5
node 3 hvptpd hw eth1 "" -s
link 1 2 1e-6 1e-7
link 2 3 1e-6 1e-7
limit=600 skip=200 lock_ns=1000
run_sim

# Measured, seeds 1..5 (hvptpd c435c57): PHC A lock 12-15 s, rms
# 19.0-25.4 ns, max 66-148 ns; PHC B lock 18-21 s, rms 19.7-26.4 ns, max
# 63-124 ns; system clock lock 13-15 s, rms 19.8-26.4 ns, max 63-124 ns;
# the slave's PHC lock 22-50 s, rms 34.9-49.0 ns, max 111-203 ns, largest
# 1-s change after lock 200-585 ns.  Bounds ~2x.  (B locks 4-8 s after A:
# A's first step toward the grandmaster is not passed on to B, which
# slews it out; see bug_bc_follower_step.sh.)
check_lock_within 2 phc 32
check_rms 2 phc 55
check_max 2 phc 300
check_lock_within 2 phc2 45
check_rms 2 phc2 55
check_max 2 phc2 250
check_lock_within 2 sys 32
check_rms 2 sys 55
check_max 2 sys 250
check_lock_within 3 phc 100
check_rms 3 phc 100
check_max 3 phc 400
check_no_step_after_lock 3 phc 1200
test_end
