#!/bin/bash
# bench/mgmt.sh — management round trip and CPU time: hvptpd and ptp4l in
# the same run (make bench-mgmt; root; not part of make check).
#
#   ns gm: ptp4l grandmaster --\
#   ns hv: hvptpd -s ----------+-- ns br: bridge br0
#   ns p4: ptp4l -s -----------/
#
# Both clients of the one grandmaster run free (free_running 1), with
# software timestamps and the same intervals (8 Sync/s, 4 Announce/s, 4
# Delay_Req/s) and the same logging (summary once a second, to a file), so
# that they do the same protocol work.  Then, per daemon:
#   idle     CPU time over BENCH_SECONDS with no management traffic (both
#            daemons measured in the same window);
#   polled   one bench/mgmt_client per daemon, both at once, sends RATE
#            GET requests per second for BENCH_SECONDS, cycling through the
#            IDs below, each waiting for its answer: round-trip
#            median/p90/p99/max, and the daemon's CPU time over the same
#            window;
#   burst    BENCH_BURST requests back to back, one daemon at a time:
#            throughput, median and p99.
# CPU time is the daemon's run time from /proc/PID/schedstat (ns), or
# utime+stime from /proc/PID/stat (clock ticks) where schedstat is absent.
# The client is our own (bench/mgmt_client.c), not pmc: pmc is one process
# per run and waits 100 ms for late answers, which would swamp what is
# measured here; the client keeps one socket and times sendto -> recv.
#
# Environment: HVPTPD and MGMT_CLIENT (make sets them), BENCH_SECONDS (30),
# BENCH_RATE (100), BENCH_BURST (20000), HV_KEEP=1 keeps the logs.
# shellcheck source-path=SCRIPTDIR source=../tests/interop/lib.sh
. "$(dirname "$0")/../tests/interop/lib.sh"

PHASE_S=${BENCH_SECONDS:-30}
RATE=${BENCH_RATE:-100}
BURST=${BENCH_BURST:-20000}
IDS=(CURRENT_DATA_SET PORT_DATA_SET TIME_STATUS_NP PARENT_DATA_SET DEFAULT_DATA_SET)
CLIENT=${MGMT_CLIENT:-}

hv_setup bench-mgmt
hv_is_standin && hv_skip "HVPTPD is ptp4l: nothing to compare"
[ -x "$CLIENT" ] || hv_skip "MGMT_CLIENT=$CLIENT is not an executable (make bench-mgmt)"

# --- topology and daemons ----------------------------------------------------
hv_ns_add br
hv_bridge br br0
i=1
for n in gm hv p4; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.11.$i/24"
	i=$((i + 1))
done

# The same [global] for both clients; only the socket options differ.
common_cfg() {
	echo "[global]"
	echo "free_running 1"
	echo "logSyncInterval $HV_LOG_SYNC"
	echo "logAnnounceInterval $HV_LOG_ANNOUNCE"
	echo "announceReceiptTimeout $HV_ANNOUNCE_TIMEOUT"
	echo "logMinDelayReqInterval $HV_LOG_DELAYREQ"
	echo "summary_interval 0"
}
hv_node gm gm ptp4l "priority1 100"
# the burst measures the socket path itself: no per-client limit
hv_node hv hv dut "mgmt_rate_limit 0"
hv_node p4 p4 ptp4l
{
	common_cfg
	echo "uds_address $(hv_uds hv)"
	echo "uds_ro_address $(hv_uds hv)ro"
} >"$(hv_cfg hv)"
{
	common_cfg
	echo "uds_address $(hv_uds p4)"
} >"$(hv_cfg p4)"
hv_run gm -i eth0
hv_run hv -i eth0 -s
hv_run p4 -i eth0 -s

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l did not take the master role"
for n in hv p4; do
	hv_wait_log "$n" "$(hv_re_state 1 UNCALIBRATED)" 20 ||
		hv_fail "$n did not reach UNCALIBRATED"
done
p4_version=$(ptp4l -v 2>/dev/null || echo "?")

# --- measuring ---------------------------------------------------------------

# CPU time of a process so far, in ns.
cpu_ns() {
	local pid=$1 tck
	if [ -r "/proc/$pid/schedstat" ] &&
		[ "$(awk '{ print $1 }' "/proc/$pid/schedstat")" != 0 ]; then
		awk '{ print $1 }' "/proc/$pid/schedstat"
		return
	fi
	tck=$(getconf CLK_TCK)
	awk -v t="$tck" '{ printf "%.0f\n", ($14 + $15) * 1e9 / t }' "/proc/$pid/stat"
}

cpu_source() {
	if [ "$(awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null)" != "" ] &&
		[ "$(awk '{ print $1 }' "/proc/$1/schedstat")" != 0 ]; then
		echo "/proc/PID/schedstat"
	else
		echo "/proc/PID/stat utime+stime"
	fi
}

# ms of CPU per second of wall time between two cpu_ns readings.
ms_per_s() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { printf "%.3f", (b - a) / 1e6 / s }'; }

# One field of the client's key=value line.
kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

client() {
	local name=$1
	shift
	"$CLIENT" -s "$(hv_uds "$name")" -b "$HV_TMP/client-$name" "$@" "${IDS[@]}"
}

pid_hv=${HV_NODE_PID[hv]}
pid_p4=${HV_NODE_PID[p4]}
for n in hv p4; do
	out=$(client "$n" -n 20 -r 0 -w 2000) || hv_fail "client against $n failed"
	[ "$(kv "$out" answered)" = 20 ] || hv_fail "$n does not answer: $out"
done
hv_info "warm-up done; idle phase ${PHASE_S}s"
sleep 2

a_hv=$(cpu_ns "$pid_hv")
a_p4=$(cpu_ns "$pid_p4")
t0=$(hv_now_us)
sleep "$PHASE_S"
b_hv=$(cpu_ns "$pid_hv")
b_p4=$(cpu_ns "$pid_p4")
t1=$(hv_now_us)
wall=$(hv_secs "$t0" "$t1")
idle_hv=$(ms_per_s "$a_hv" "$b_hv" "$wall")
idle_p4=$(ms_per_s "$a_p4" "$b_p4" "$wall")

declare -A POLL CPU_POLL BURSTOUT cpid
# Both daemons polled at once, each by its own client: the same window, so
# that whatever else the machine does weighs on both alike.
hv_info "polling both: $RATE/s each for ${PHASE_S}s"
a_hv=$(cpu_ns "$pid_hv")
a_p4=$(cpu_ns "$pid_p4")
t0=$(hv_now_us)
for n in hv p4; do
	client "$n" -r "$RATE" -d "$PHASE_S" -w 1000 >"$HV_TMP/poll-$n.txt" &
	cpid[$n]=$!
done
for n in hv p4; do
	wait "${cpid[$n]}" || hv_fail "client against $n failed"
done
t1=$(hv_now_us)
b_hv=$(cpu_ns "$pid_hv")
b_p4=$(cpu_ns "$pid_p4")
wall=$(hv_secs "$t0" "$t1")
CPU_POLL[hv]=$(ms_per_s "$a_hv" "$b_hv" "$wall")
CPU_POLL[p4]=$(ms_per_s "$a_p4" "$b_p4" "$wall")
for n in hv p4; do
	POLL[$n]=$(cat "$HV_TMP/poll-$n.txt")
	echo "polled $n: ${POLL[$n]}" >>"$HV_TMP/bench.txt"
done
for n in hv p4; do
	hv_info "burst against $n: $BURST requests back to back"
	BURSTOUT[$n]=$(client "$n" -n "$BURST" -r 0 -w 1000) ||
		hv_fail "burst against $n failed"
	echo "burst $n: ${BURSTOUT[$n]}" >>"$HV_TMP/bench.txt"
done
hv_finish

# --- the table -----------------------------------------------------------------
per_req() { awk -v p="$1" -v i="$2" -v r="$RATE" 'BEGIN { printf "%.1f", (p - i) * 1000 / r }'; }
rps() { awk -v a="$(kv "$1" answered)" -v w="$(kv "$1" wall_s)" 'BEGIN { printf("%.0f", (w > 0 ? a / w : 0)) }'; }
row() { printf '%-34s %14s %14s\n' "$1" "$2" "$3"; }

echo
echo "bench-mgmt: $RATE GET/s to each daemon at once for ${PHASE_S} s, IDs cycled: ${IDS[*]}"
echo "  both: clients of one ptp4l grandmaster, free_running, software timestamps,"
echo "  Sync 8/s; CPU from $(cpu_source "$$"); $(nproc) CPUs; $(uname -r)"
row "" "hvptpd" "ptp4l $p4_version"
for k in median_us p90_us p99_us max_us; do
	row "round trip ${k%_us} (us) at $RATE/s" "$(kv "${POLL[hv]}" "$k")" "$(kv "${POLL[p4]}" "$k")"
done
row "answered / sent" "$(kv "${POLL[hv]}" answered)/$(kv "${POLL[hv]}" sent)" \
	"$(kv "${POLL[p4]}" answered)/$(kv "${POLL[p4]}" sent)"
row "CPU idle (ms/s)" "$idle_hv" "$idle_p4"
row "CPU polled $RATE/s (ms/s)" "${CPU_POLL[hv]}" "${CPU_POLL[p4]}"
row "CPU per request (us)" "$(per_req "${CPU_POLL[hv]}" "$idle_hv")" \
	"$(per_req "${CPU_POLL[p4]}" "$idle_p4")"
row "back to back: requests/s" "$(rps "${BURSTOUT[hv]}")" "$(rps "${BURSTOUT[p4]}")"
row "back to back: median (us)" "$(kv "${BURSTOUT[hv]}" median_us)" \
	"$(kv "${BURSTOUT[p4]}" median_us)"
row "back to back: p99 (us)" "$(kv "${BURSTOUT[hv]}" p99_us)" \
	"$(kv "${BURSTOUT[p4]}" p99_us)"
