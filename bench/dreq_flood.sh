#!/bin/bash
# bench/dreq_flood.sh — a Delay_Req flood from one source against a master,
# with a legitimate slave beside it: hvptpd without and with its
# per-source limit, and ptp4l 3.1.1, one after the other in the same run
# (make bench-dreq-flood; root; not part of make check).
#
#   ns m: the master (hvptpd, or ptp4l) --\
#   ns s: ptp4l 3.1.1 -s (legitimate) -----+-- ns br: bridge br0
#   ns f: bench/dreq_flood ----------------/
#
# Per master: start it and the slave, let the slave follow for
# BENCH_QUIET seconds (the master's CPU measured then too), then flood:
# FLOOD_RATE valid Delay_Reqs per second from one address and port,
# unicast to the master (no unicastFlag, so the answers go to the group,
# as a guest's would: every slave receives them), for BENCH_SECONDS.
# Printed per master: the flood's achieved rate; the master's CPU (utime +
# stime from /proc/PID/stat, % of one CPU) quiet and during the flood; the
# slave's |offset| median and max (ns) quiet and during the flood and its
# port state at the end; for hvptpd, its rate_limited drops
# (HVPTP_PORT_DROPS_NP).  Every clock runs free (free_running 1): the
# offsets are those of the protocol path with software timestamps.
#
# hvptpd runs four times: without and with the limit, each with the
# kernel's default receive buffer and with socket_rcvbuf RCVBUF.  The
# event socket's buffer also holds its TX timestamps (the error queue is
# charged to it): while a flood keeps it full, the kernel drops them, the
# Sync's Follow_Up cannot be sent and the port faults (tx_timestamp_timeout)
# whatever the limit does with the Delay_Reqs once read; the "faults"
# column counts the master's FAULTY transitions.
#
# Environment: HVPTPD, HVPTPCTL, DREQ_FLOOD (make sets them), FLOOD_RATE
# (20000), BENCH_SECONDS (20), BENCH_QUIET (10), RCVBUF (4194304),
# HV_KEEP=1 keeps the logs.
# shellcheck source-path=SCRIPTDIR source=../tests/interop/lib.sh
. "$(dirname "$0")/../tests/interop/lib.sh"

FLOOD_RATE=${FLOOD_RATE:-20000}
BENCH_SECONDS=${BENCH_SECONDS:-20}
BENCH_QUIET=${BENCH_QUIET:-10}
RCVBUF=${RCVBUF:-4194304}
: "${DREQ_FLOOD:?set DREQ_FLOOD (make bench-dreq-flood)}"
CTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
TCK=$(getconf CLK_TCK)

hv_setup dreq_flood_bench
hv_ns_add br
hv_bridge br br0
i=1
for n in m s f; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.41.$i/24"
	i=$((i + 1))
done

# utime + stime of a process, clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pct() { awk -v d="$1" -v s="$2" -v t="$TCK" 'BEGIN { printf "%.1f", 100 * d / t / s }'; }
# |offset| median and max of the slave's log lines FROM..TO
offsets() {
	sed -n "$2,$3p" "$(hv_log "$1")" | grep -E "$HV_RE_OFFSET" |
		sed -E 's/.*master offset +(-?[0-9]+) .*/\1/' | hv_abs_median_max
}
lines() { wc -l <"$(hv_log "$1")"; }

# run MASTER-NODE KIND DESC CONFIG-LINES...: one master, one slave, a flood
run() {
	local m=$1 kind=$2 desc=$3 sl="s_$1" pid c0 c1 c2 l0 l1 l2 q f st drops
	local faults
	shift 3
	hv_node "$m" m "$kind" "priority1 100" "$@"
	hv_node "$sl" s ptp4l "slaveOnly 1" "summary_interval $HV_LOG_SYNC" \
		"freq_est_interval 0"
	hv_run "$m" -i eth0
	hv_run "$sl" -i eth0
	hv_wait_log "$sl" "$(hv_re_state 1 UNCALIBRATED)" 30 ||
		hv_fail "$desc: the slave did not follow the master"
	pid=${HV_NODE_PID[$m]}
	sleep 2
	l0=$(lines "$sl") c0=$(cpu_ticks "$pid")
	sleep "$BENCH_QUIET"
	l1=$(lines "$sl") c1=$(cpu_ticks "$pid")
	ip netns exec "$(hv_ns f)" "$DREQ_FLOOD" -d 10.213.41.1 \
		-r "$FLOOD_RATE" -t "$BENCH_SECONDS" >"$HV_TMP/flood-$m.txt" 2>&1 ||
		hv_fail "$desc: dreq_flood failed: $(cat "$HV_TMP/flood-$m.txt")"
	l2=$(lines "$sl") c2=$(cpu_ticks "$pid")
	q=$(offsets "$sl" "$l0" "$l1")
	f=$(offsets "$sl" "$l1" "$l2")
	st=$(grep -E "$(hv_re_state 1 '[A-Z_]+')" "$(hv_log "$sl")" | tail -n 1 |
		sed -E 's/.* to ([A-Z_]+) .*/\1/')
	drops="—"
	if [ "$kind" = dut ]; then
		drops=$(timeout 10 ip netns exec "$(hv_ns m)" "$CTL" -s "$(hv_uds "$m")" \
			get HVPTP_PORT_DROPS_NP 1 2>/dev/null |
			awk '$1 == "rate_limited" { print $2 }')
	fi
	faults=$(grep -cE "$(hv_re_state 1 FAULTY)" "$(hv_log "$m")")
	printf '%-34s %9s %7s %7s %15s %15s %-13s %-6s %s\n' "$desc" \
		"$(sed -nE 's/.*\(([0-9]+)\/s\).*/\1/p' "$HV_TMP/flood-$m.txt")" \
		"$(pct $((c1 - c0)) "$BENCH_QUIET")" "$(pct $((c2 - c1)) "$BENCH_SECONDS")" \
		"${q:-—}" "${f:-—}" "$st" "$faults" "${drops:-—}"
	hv_stop "$sl"
	hv_stop "$m"
}

echo "Delay_Req flood: $FLOOD_RATE/s from one source for $BENCH_SECONDS s" \
	"(quiet window $BENCH_QUIET s); slave ptp4l $(ptp4l -v 2>&1)"
printf '%-34s %9s %7s %7s %15s %15s %-13s %-6s %s\n' "master" "flood/s" \
	"cpu%" "cpu%" "slave |off| ns" "slave |off| ns" "slave state" "master" "rate_limited"
printf '%-34s %9s %7s %7s %15s %15s %-13s %-6s %s\n' "" "" "quiet" "flood" \
	"quiet med max" "flood med max" "at the end" "faults" "drops"
RB="socket_rcvbuf $RCVBUF"
run hv0 dut "hvptpd, no limit" "delay_req_rate_limit 0"
run hv1 dut "hvptpd, limit 256/s (default)"
run hv2 dut "hvptpd, no limit, $((RCVBUF >> 20)) MB rcvbuf" "delay_req_rate_limit 0" "$RB"
run hv3 dut "hvptpd, limit 256/s, $((RCVBUF >> 20)) MB rcvbuf" "$RB"
run p4 ptp4l "ptp4l $(ptp4l -v 2>&1)"
hv_finish
