#!/bin/bash
# bench/announce_flood.sh — hostile Announce floods, hvptpd beside ptp4l
# 3.1.1 as slaves in the same run (make bench-flood; root; not part of make
# check).  The scenario of tests/interop/test_announce_flood.sh
# (tests/interop/flood_lib.sh: a ptp4l 3.1.1 grandmaster announcing once a
# second, an attacker sending 5000 Announces a second from 100 spoofed
# addresses), with a case without a flood first:
#
#   0  no flood; the grandmaster starts
#   a  5000 worse identities in turn (each qualifies); the grandmaster starts
#   b  better identities each heard once; the grandmaster starts
#   c  the slaves start during flood b
#   d  the slaves' veths down 2 s and up during flood a
#
# Per case and slave: announce intervals to the slave selecting the
# grandmaster (from the programs' log times), counted in cases 0, a, b from
# the grandmaster's first Announce, in c from the slave's port going
# LISTENING and in d from the link coming up (both include the wait for
# the grandmaster's next Announce, 0 to 1 interval), VmRSS and VmHWM (/proc/PID/status) after the case, and CPU
# (utime+stime from /proc/PID/stat) over the case.  Runs BENCH_RUNS (1)
# times.  Environment: HVPTPD, HVPTP_FLOOD (make sets them), HV_KEEP=1.
# shellcheck source-path=SCRIPTDIR source=../tests/interop/lib.sh
. "$(dirname "$0")/../tests/interop/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/interop/flood_lib.sh
. "$(dirname "$0")/../tests/interop/flood_lib.sh"

hv_setup bench-flood
why=$(fl_problem)
[ -z "$why" ] || hv_skip "$why"
hv_is_standin && hv_skip "HVPTPD is ptp4l: nothing to compare"
fl_topology
declare -A row=()

fl_check() { :; }
fl_report() {
	# shellcheck disable=SC2086 # fields
	set -- $1
	row[$1 $2]="$3 $4 $5 $6"
}

for ((run = 1; run <= ${BENCH_RUNS:-1}; run++)); do
	fl_cases baseline
	printf '\nbench-flood run %d: grandmaster %s (ptp4l 3.1.1, 1 Announce/s); 5000 Announces/s from 100 spoofed addresses\n' \
		"$run" "$FL_GM"
	printf '%-44s | %-30s | %-30s\n' "" "hvptpd" "ptp4l 3.1.1"
	printf '%-44s | %8s %6s %6s %6s | %8s %6s %6s %6s\n' case intervals \
		"rss MB" "hwm MB" "cpu %" intervals "rss MB" "hwm MB" "cpu %"
	for c in 0 a b c d; do
		case $c in
		0) what="0 no flood, grandmaster starts" ;;
		a) what="a 5000 worse ids in turn, gm starts" ;;
		b) what="b better ids heard once, gm starts" ;;
		c) what="c slaves start during flood b" ;;
		d) what="d link flap during flood a" ;;
		esac
		line=$(printf '%-44s' "$what")
		for n in h p; do
			# shellcheck disable=SC2086 # fields
			set -- ${row[$c $n]:-- - - -}
			line+=$(awk -v i="$1" -v r="$2" -v h="$3" -v u="$4" 'BEGIN {
				printf " | %8s %6s %6s %6s", i,
				    r == "-" ? "-" : sprintf("%.1f", r / 1024),
				    h == "-" ? "-" : sprintf("%.1f", h / 1024), u }')
		done
		echo "$line"
	done
	tr '\n' ' ' <"$HV_TMP/flood.log"
	echo
	: >"$HV_TMP/flood.log"
	hv_stop gm
done
hv_finish
