#!/bin/bash
# bench/ports.sh — many ports on one clock: memory, CPU and the time to
# serve a new interface, hvptpd beside ptp4l 3.1.1 in the same run (make
# bench-ports; root; not part of make check).
#
# One namespace holds an uplink veth (up0) and N veth pairs vm0..vmN-1
# (their peers q0.. match nothing); no guest runs: every port is a master
# sending Announce, Sync and Follow_Up at the interop tests' intervals (8
# Sync/s, 4 Announce/s: tests/interop/lib.sh), software timestamps,
# free_running 1, logging at level 6 to a file.  hvptpd serves
# the vm* interfaces with a pattern section ([vm*]); ptp4l gets them all on
# its command line (-i up0 -i vm0 ...), as it has no such section.  Per
# size and daemon: the time from start until every port is MASTER, RSS and
# private memory (smaps_rollup) once they are, CPU ms per second over
# BENCH_SECONDS (utime+stime), open file descriptors, port faults (TX
# timestamps late beyond tx_timestamp_timeout when the loop is saturated);
# for hvptpd also the time from creating one more interface to its port.
# A daemon that cannot start at a size (ptp4l: a descriptor limit) is
# reported as such and the run goes on.  Sizes: BENCH_PORTS
# (default "1 64 256 1024").
#
# Environment: HVPTPD (make sets it), BENCH_SECONDS (10), BENCH_PORTS,
# HV_KEEP=1 keeps the logs.
# shellcheck source-path=SCRIPTDIR source=../tests/interop/lib.sh
. "$(dirname "$0")/../tests/interop/lib.sh"

SECONDS_CPU=${BENCH_SECONDS:-10}
SIZES=${BENCH_PORTS:-"1 63 255 1022"}
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
CLK_TCK=$(getconf CLK_TCK)

hv_setup bench-ports
hv_is_standin && hv_skip "HVPTPD is ptp4l: nothing to compare"
# ptp4l takes about 12 descriptors a port (sockets, timerfds)
ulimit -n "$(ulimit -Hn)" 2>/dev/null

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '$1 == "Rss:" { print $2 }' "/proc/$1/smaps_rollup"; }
priv_kb() {
	awk '$1 == "Private_Clean:" || $1 == "Private_Dirty:" { s += $2 }
	     END { print s }' "/proc/$1/smaps_rollup"
}
ms_since() { awk -v a="$1" -v b="$(hv_now_us)" 'BEGIN { printf "%d", (b - a) / 1000 }'; }

# make_links NS N: up0 and vm0..vmN-1, all up
make_links() {
	local ns=$1 n=$2 i
	{
		echo "link add up0 type veth peer name pup0"
		echo "link set up0 up"
		echo "link set pup0 up"
		for ((i = 0; i < n; i++)); do
			echo "link add vm$i type veth peer name q$i"
			echo "link set vm$i up"
			echo "link set q$i up"
		done
	} >"$HV_TMP/links.batch"
	ip -n "$ns" -batch "$HV_TMP/links.batch" ||
		hv_fail "cannot create $n veth pairs"
}

# masters_of NAME: ports that reached MASTER according to the daemon's log
masters_of() {
	grep -oE "port [0-9]+( \([^)]*\))?: [A-Z_]+ to MASTER on" \
		"$(hv_log "$1")" 2>/dev/null | awk '{ print $2 }' | sort -u | wc -l
}

# run_one KIND N: start the daemon on N+1 ports, measure, stop
run_one() {
	local kind=$1 n=$2 name="$1-$2" ns args=() t0 pid up_ms cpu0 cpu1
	local i add_ms=- rss priv fds cpu_ms faults
	hv_ns_add "$name"
	ns=$(hv_ns "$name")
	make_links "$ns" "$n"
	if [ "$kind" = dut ]; then
		hv_node "$name" "$name" dut "priority1 100" "[up0]" "[vm*]" \
			"time_stamping software"
	else
		hv_node "$name" "$name" ptp4l "priority1 100"
		args=(-i up0)
		for ((i = 0; i < n; i++)); do args+=(-i "vm$i"); done
	fi
	t0=$(hv_now_us)
	hv_run "$name" "${args[@]}"
	pid=${HV_NODE_PID[$name]}
	until [ "$(masters_of "$name")" -ge $((n + 1)) ]; do
		if ! hv_alive "$name" ||
			[ "$(ms_since "$t0")" -ge 120000 ]; then
			printf '%-8s %6d  did not get every port to MASTER: %s\n' \
				"$kind" $((n + 1)) "$(grep -m1 -oE '[a-z_]+: Too many open files|FAULTY on [A-Z_]+' "$(hv_log "$name")")"
			hv_kill_pid "$pid"
			HV_NODE_PID[$name]=""
			ip netns del "$ns"
			return 0
		fi
		sleep 0.1
	done
	up_ms=$(ms_since "$t0")
	sleep 1
	rss=$(rss_kb "$pid")
	priv=$(priv_kb "$pid")
	fds=$(find "/proc/$pid/fd" -mindepth 1 | wc -l)
	cpu0=$(cpu_ticks "$pid")
	sleep "$SECONDS_CPU"
	cpu1=$(cpu_ticks "$pid")
	cpu_ms=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$CLK_TCK" -v s="$SECONDS_CPU" \
		'BEGIN { printf "%.1f", (b - a) * 1000 / t / s }')
	faults=$(grep -c "to FAULTY on" "$(hv_log "$name")")
	if [ "$kind" = dut ]; then
		t0=$(hv_now_us)
		ip -n "$ns" link add vmnew type veth peer name qnew
		ip -n "$ns" link set vmnew up
		until grep -q "vmnew: matches" "$(hv_log "$name")"; do
			[ "$(ms_since "$t0")" -lt 10000 ] || break
			sleep 0.005
		done
		grep -q "vmnew: matches" "$(hv_log "$name")" && add_ms=$(ms_since "$t0")
	fi
	hv_stop "$name"
	ip netns del "$ns"
	printf '%-8s %6d %9d %9d %9d %10s %6d %8s %6d\n' "$kind" $((n + 1)) \
		"$up_ms" "$rss" "$priv" "$cpu_ms" "$fds" "$add_ms" "$faults"
	echo "$kind $((n + 1)) $up_ms $rss $priv $cpu_ms $fds $add_ms" >>"$HV_TMP/rows"
}

echo "bench-ports: hvptpd ($HVPTPD) and ptp4l $(ptp4l -v 2>&1), ports = up0 + N" \
	"pattern veths, CPU over ${SECONDS_CPU} s"
printf '%-8s %6s %9s %9s %9s %10s %6s %8s %6s\n' daemon ports all_ms \
	rss_kb priv_kb cpu_ms/s fds add_ms faults
: >"$HV_TMP/rows"
for n in $SIZES; do
	run_one dut "$n"
	run_one ptp4l "$n"
done
# per port, from the smallest and the largest size
awk '
	{ k = $1; if (!(k in n0)) { n0[k] = $2; r0[k] = $4; c0[k] = $6 }
	  n1[k] = $2; r1[k] = $4; c1[k] = $6 }
	END {
		for (k in n0) if (n1[k] > n0[k])
			printf "%s: %.1f KiB RSS and %.3f CPU ms/s per added port (%d -> %d ports)\n",
				k == "dut" ? "hvptpd" : k,
				(r1[k] - r0[k]) / (n1[k] - n0[k]),
				(c1[k] - c0[k]) / (n1[k] - n0[k]), n0[k], n1[k]
	}' "$HV_TMP/rows"
hv_finish
