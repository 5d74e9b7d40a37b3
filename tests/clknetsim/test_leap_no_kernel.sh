#!/bin/bash
# test_leap_no_kernel.sh — a leap second with kernel_leap 0: the kernel is
# not told, the system clock's servo corrects the second after it.
#
#   1 hvptpd GM (leapfile) -eth0-+- 2 hvptpd -H -s  kernel_leap 0
#                                +- 3 hvptpd -H -s  kernel_leap 0, follow_step_threshold 0.5
#                                +- 4 hvptpd -S -s  kernel_leap 0, step_threshold 0.5
#
# test_leap.sh's leap second (2016-12-31 24:00 UTC, here 120 s after the
# start).  With kernel_leap 0, as in ptp4l, CLOCK_REALTIME keeps counting
# through 23:59:60 and is 1 s ahead of UTC from the leap on; hvptpd then
# corrects the second under the servo's thresholds (hvptpd.conf(5),
# kernel_leap): node 2's follower may not step after its first step
# (follow_step_threshold 0) and slews at the clock's largest frequency,
# the tick's 10 %; node 3's follower steps it (threshold 0.5 s); so does
# node 4's servo, whose CLOCK_REALTIME is the reference.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "kernel_leap 0: the servos correct the leap second"
start_date=$((1483228800 - 120)) # 2016-12-31 23:58:00 UTC
tai_utc=36
run_file leap-seconds.list <<'LEAPS'
3644697600	36	# 1 Jul 2015
3692217600	37	# 1 Jan 2017
#@	3928521600
LEAPS
node 1 hvptpd hw eth0 "clockClass 6
leapfile leap-seconds.list"
node 2 hvptpd hw eth0 "kernel_leap 0" -s
node 3 hvptpd hw eth0 "kernel_leap 0
follow_step_threshold 0.5" -s
node 4 hvptpd sw eth0 "kernel_leap 0
step_threshold 0.5" -s
link 1 2 1e-6 1e-7
link 1 3 1e-6 1e-7
link 1 4 1e-6 1e-7
limit=200 skip=60 lock_ns=1000
run_sim

# Measured, seeds 1..5 (hvptpd daad1b3), before the leap (60..119 s) /
# locked again (< 1 us from -1 s) / max from 150 s:
#   node 2 (slewed: -0.075 s at 123 s, -0.88 s at 131 s, the tick at
#     -10 %, then the servo's tail) 31-111 ns / 142 s / 34-77 ns;
#   node 3 (stepped 2.3 s after the leap) 42-83 ns / 123 s / 43-110 ns;
#   node 4 (stepped 1.7 s after) 40-64 ns / 122-124 s / 40-79 ns.
# Bounds ~2x (the relock: twice the seconds from the leap).
# node, max before (ns), relock (s), max after (ns)
bounds=("2 230 164 160" "3 170 126 230" "4 130 128 160")
for b in "${bounds[@]}"; do
	read -r n before relock after <<<"$b"
	window "$skip" 119
	check_max "$n" sys "$before"
	window 120 "$limit" -1
	check_lock_within "$n" sys "$relock"
	window 150 "$limit" -1
	check_max "$n" sys "$after"
	window
done
test_end
