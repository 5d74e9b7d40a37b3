#!/bin/bash
# bench/guests.sh — one master, many guests: hvptpd and ptp4l 3.1.1 as the
# master of 1 ... 256 ptp4l 3.1.1 guests behind a Linux bridge (make
# bench-guests; root; not part of make check).
#
#   ns m: master -i eth0 --- veth --- ns br: bridge br0 --- veth --- ns gN: ptp4l -s
#                                     (one port per guest: g1 ... g256)
#
# The guests run Debian's ptp4l unmodified as a VM would: multicast E2E,
# software timestamps, 8 Sync/s and 8 Delay_Req/s (logSyncInterval -3,
# logMinDelayReqInterval -3 on the master, which the guests follow).  Every
# program runs free (free_running 1): all the namespaces share the one
# CLOCK_REALTIME, so a guest's "master offset" is the error of the
# protocol path (timestamps, queues, the delay measurement), not a servo's.
#
# The topology is built once for the largest size; for a size N the bridge
# ports of guests 1..N are up and the others down (a down port gets no
# flood).  Per size and master, back to back: start the master, then the N
# guests; WARM_S seconds to settle, then a window of WIN_S seconds in which
# are measured:
#   CPU ms/s     the master's CPU time per second of the window: its run
#                time from /proc/PID/schedstat (ns), or utime+stime from
#                /proc/PID/stat (clock ticks) where schedstat is absent;
#   RSS, priv    the master's resident and private memory at the end
#                (/proc/PID/smaps_rollup), KiB;
#   sync         guests synchronised: their port's last state UNCALIBRATED
#                or SLAVE (ptp4l 3.1.1 running free never leaves
#                UNCALIBRATED: its servo, never run, never locks), toward
#                the master (the only one), no FAULTY in the window, at
#                least 90% of the window's seconds gave a "master offset"
#                sample (a free-running ptp4l logs one a second, its
#                frequency estimate's), and every sample of the window
#                within SYNC_BOUND_NS (1 ms): on one shared clock a bigger
#                error is a protocol path that has broken down.  Not
#                tighter: one Sync flooded by the bridge reaches the
#                guests one after the other, ~2 us apart here, so the
#                last of 256 guests sees its Sync ~0.5 ms after the first
#                and an offset of half that (docs/guests.md);
#   median, p90, max  |master offset| over all the guests' samples in
#                the window, ns;
#   DResp/DReq   Delay_Resps the master sent (pmc PORT_STATS_NP) over
#                Delay_Reqs the guests sent (the UDP datagrams sent in
#                their namespaces, /proc/net/snmp), over the whole run,
#                read with the guests stopped (SIGSTOP) after the answers
#                in flight had 0.5 s: an exact count;
#   Sync/s       the master's Syncs per second from the window's start to
#                the counters' reading (pmc PORT_STATS_NP both times);
#   faults       lines with "FAULTY" or "timed out" in the master's log
#                over the whole run / guests' ports going FAULTY in the
#                window;
#   rcvbuf       UDP receive-buffer errors in the master's namespace
#                (/proc/net/snmp RcvbufErrors) over the whole run.
#
# Environment: HVPTPD (make sets it), BENCH_GUESTS ("1 16 64 128 256"),
# BENCH_MASTERS ("hvptpd ptp4l"), BENCH_WARM (10), BENCH_WINDOW (15),
# BENCH_HV_OPTS (hvptpd's configuration lines beyond the common ones,
# ';'-separated; default "delay_resp_unicast 1;socket_rcvbuf 4194304",
# empty for hvptpd's defaults),
# BENCH_SHAPE ("veth": the master's port is a veth into the bridge;
# "bridge": the master in the bridge's namespace serving on br0 itself,
# hvptpd only, with TX timestamps from the scheduler; "both": each size
# with both), BENCH_ISOLATED (0; 1: the guests' bridge ports isolated from
# each other), HV_KEEP=1 keeps the logs.
# shellcheck source-path=SCRIPTDIR source=../tests/interop/lib.sh
. "$(dirname "$0")/../tests/interop/lib.sh"

SIZES=${BENCH_GUESTS:-1 16 64 128 256}
MASTERS=${BENCH_MASTERS:-hvptpd ptp4l}
WARM_S=${BENCH_WARM:-10}
WIN_S=${BENCH_WINDOW:-15}
SHAPES=${BENCH_SHAPE:-veth}
ISOLATED=${BENCH_ISOLATED:-0}
# hvptpd's settings for many guests (docs/guests.md); "" for its defaults
HV_OPTS=${BENCH_HV_OPTS-delay_resp_unicast 1;socket_rcvbuf 4194304}
[ "$SHAPES" = both ] && SHAPES="veth bridge"
SYNC_BOUND_NS=1000000
LOG_SYNC=-3
LOG_DREQ=-3

hv_setup bench-guests
hv_is_standin && hv_skip "HVPTPD is ptp4l: nothing to compare"

max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
if [ "$max" -lt 1 ] || [ "$max" -gt 1000 ]; then
	hv_skip "BENCH_GUESTS: sizes 1..1000"
fi

declare -a GPID=()
MPID=""

# Our own processes first (hundreds of guests: all at once, not one by one
# as hv_cleanup does for its nodes), then lib.sh's clean-up.
bench_cleanup() {
	local rc=$? p
	trap - EXIT
	for p in "${GPID[@]}" $MPID; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	for p in "${GPID[@]}" $MPID; do wait "$p" 2>/dev/null; done
	(exit "$rc")
	hv_cleanup
}
trap bench_cleanup EXIT

ns_br=$(hv_ns br)
ns_m=$(hv_ns m)
gns() { echo "$HV_TAG-g$1"; }
gaddr() { echo "10.214.$(($1 / 200 + 1)).$(($1 % 200 + 1))"; }

# --- topology (once, in batches) -----------------------------------------------
t0=$(hv_now_us)
hv_ns_add br
hv_ns_add m
hv_bridge br br0
hv_addr br br0 10.214.0.2/16
{
	for ((i = 1; i <= max; i++)); do echo "netns add $(gns "$i")"; done
} | ip -batch - || hv_fail "cannot create the guests' namespaces"
for ((i = 1; i <= max; i++)); do HV_NETNS+=("$(gns "$i")"); done
{
	echo "link add name eth0 netns $ns_m type veth peer name pm netns $ns_br"
	for ((i = 1; i <= max; i++)); do
		echo "link add name eth0 netns $(gns "$i") type veth peer name g$i netns $ns_br"
	done
} | ip -batch - || hv_fail "cannot create the veths"
{
	echo "link set dev pm master br0"
	echo "link set dev pm up"
	for ((i = 1; i <= max; i++)); do echo "link set dev g$i master br0"; done
} | ip -n "$ns_br" -batch - || hv_fail "cannot attach the veths to br0"
ip -n "$ns_m" link set dev lo up
ip -n "$ns_m" link set dev eth0 up
ip -n "$ns_m" addr add 10.214.0.1/16 dev eth0
guest_net() {
	printf 'link set dev lo up\nlink set dev eth0 up\naddr add %s/16 dev eth0\n' \
		"$(gaddr "$1")" | ip -n "$(gns "$1")" -batch -
}
export -f guest_net gns gaddr
export HV_TAG
seq 1 "$max" | xargs -P 8 -I{} bash -c 'guest_net {}' ||
	hv_fail "cannot configure the guests' interfaces"
hv_info "topology: $max guests in $(hv_secs "$t0" "$(hv_now_us)") s"

# Bridge ports of guests 1..N up, the others down.
guests_up() {
	local n=$1 i
	for ((i = 1; i <= max; i++)); do
		if [ "$i" -le "$n" ]; then echo "link set dev g$i up"
		else echo "link set dev g$i down"; fi
	done | ip -n "$ns_br" -batch -
}

# BENCH_ISOLATED=1: the guests' bridge ports isolated from each other
# (libvirt's <port isolated='yes'/>): a guest's multicast Delay_Req reaches
# the master's port and br0, not the other guests.
if [ "$ISOLATED" = 1 ]; then
	for ((i = 1; i <= max; i++)); do
		echo "link set dev g$i type bridge_slave isolated on"
	done | ip -n "$ns_br" -batch - || hv_fail "cannot isolate the guests' ports"
fi

# --- configurations --------------------------------------------------------------
common_cfg() {
	echo "[global]"
	echo "free_running 1"
	echo "logSyncInterval $LOG_SYNC"
	echo "logAnnounceInterval $HV_LOG_ANNOUNCE"
	echo "announceReceiptTimeout $HV_ANNOUNCE_TIMEOUT"
	echo "logMinDelayReqInterval $LOG_DREQ"
}
{
	common_cfg
	# a free-running ptp4l prints one "master offset" line per frequency
	# estimate (freq_est_interval 0: one a second, its least) when its
	# summary is not longer
	echo "freq_est_interval 0"
	echo "summary_interval $LOG_SYNC"
} >"$HV_TMP/guest.cfg"
{
	common_cfg
	echo "priority1 100"
	echo "uds_address $HV_TMP/m.uds"
	echo "uds_ro_address $HV_TMP/m.udsro"
	echo "$HV_OPTS" | tr ';' '\n'
} >"$HV_TMP/hvptpd.cfg"
{
	common_cfg
	echo "priority1 100"
	echo "uds_address $HV_TMP/m.uds"
} >"$HV_TMP/ptp4l.cfg"

# --- measuring ---------------------------------------------------------------------
TCK=$(getconf CLK_TCK)
# CPU time of a process so far, ns
cpu_ns() {
	local v
	v=$(awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null)
	if [ -n "$v" ] && [ "$v" != 0 ]; then
		echo "$v"
	else
		awk -v t="$TCK" '{ printf "%.0f\n", ($14 + $15) * 1e9 / t }' "/proc/$1/stat"
	fi
}

rcvbuf_errors() {
	ip netns exec "$1" cat /proc/net/snmp |
		awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $6 }'
}
# the column of RcvbufErrors, checked once (Udp: header line)
ip netns exec "$ns_m" cat /proc/net/snmp |
	awk '$1 == "Udp:" && $2 !~ /^[0-9]/ { exit !($6 == "RcvbufErrors") }' ||
	hv_fail "/proc/net/snmp: Udp column 6 is not RcvbufErrors"

# pmc PORT_STATS_NP field of port 1 (the master's only port); $1 the socket,
# $2 the namespace, $3... fields.  Prints the values in order.
port_stats() {
	local sock=$1 ns=$2 out i
	shift 2
	for ((i = 0; i < 5; i++)); do
		out=$(timeout 5 ip netns exec "$ns" pmc -u -b 0 -s "$sock" \
			'GET PORT_STATS_NP' 2>/dev/null)
		echo "$out" | grep -q "RESPONSE MANAGEMENT PORT_STATS_NP" && break
	done
	echo "$out" | awk -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		{ v[$1] = $2 }
		END { for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " " : ""), (w[i] in v ? v[w[i]] : "-"); print "" }'
}
# Delay_Reqs a guest sent: the UDP datagrams sent in its namespace (a
# ptp4l client sends no other UDP: pmc talks over a UNIX socket), readable
# while the guest is stopped.
guest_sent() {
	ip netns exec "$(gns "$1")" cat /proc/net/snmp |
		awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $5 }'
}
export -f guest_sent
export HV_TMP

# Start the master of shape $2 ("veth": ns m, eth0; "bridge": ns br, br0).
start_master() {
	local kind=$1 shape=$2 ns=$ns_m ifc=eth0 prog=$HVPTPD
	[ "$shape" = bridge ] && ns=$ns_br ifc=br0
	[ "$kind" = ptp4l ] && prog=/usr/sbin/ptp4l
	MNS=$ns
	ip netns exec "$ns" "$prog" -f "$HV_TMP/$kind.cfg" -i "$ifc" -S -m -q \
		-l 6 >"$HV_TMP/m.log" 2>&1 &
	MPID=$!
}

start_guests() {
	local n=$1 i
	GPID=()
	for ((i = 1; i <= n; i++)); do
		ip netns exec "$(gns "$i")" /usr/sbin/ptp4l -f "$HV_TMP/guest.cfg" \
			-i eth0 -S -s -m -q -l 6 --uds_address "$HV_TMP/g$i.uds" \
			>"$HV_TMP/g$i.log" 2>&1 &
		GPID+=($!)
	done
}

stop_all() {
	local p
	for p in "${GPID[@]}" $MPID; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	for p in "${GPID[@]}" $MPID; do wait "$p" 2>/dev/null; done
	GPID=()
	MPID=""
}

# The window's part of every guest log: the bytes between the sizes
# recorded at its start ($HV_TMP/sizes0) and at its end (sizes1).
log_size() { awk -v f="$HV_TMP/g$2.log" '$2 == f { print $1 }' "$HV_TMP/$1"; }
window_logs() {
	local n=$1 i a b
	for ((i = 1; i <= n; i++)); do
		a=$(log_size sizes0 "$i")
		b=$(log_size sizes1 "$i")
		head -c "${b:-0}" "$HV_TMP/g$i.log" | tail -c +"$((${a:-0} + 1))" |
			sed "s/^/g$i /"
	done
}

# Guests whose port's last state by the window's end is UNCALIBRATED or
# SLAVE.
guests_in_sync_state() {
	local n=$1 i k=0 last
	for ((i = 1; i <= n; i++)); do
		last=$(head -c "$(log_size sizes1 "$i")" "$HV_TMP/g$i.log" |
			grep -E "port 1: [A-Z_]+ to [A-Z_]+" | tail -n 1 |
			sed -E "s/.* to ([A-Z_]+).*/\1/")
		case $last in SLAVE | UNCALIBRATED) k=$((k + 1)) ;; esac
	done
	echo "$k"
}

# One row: size, master, shape; prints the table row, logs the details.
run_one() {
	local n=$1 kind=$2 shape=$3 t_w0 t_w1 c0 c1 rb0 rb1 wall
	local cpu rss priv st sent mx faults gfaults nsync stats sent0 s0 t_s0 t_s1 sync_s
	guests_up "$n"
	rb0=$(rcvbuf_errors "$([ "$shape" = bridge ] && echo "$ns_br" || echo "$ns_m")")
	sent0=$(seq 1 "$n" | xargs -P 8 -I{} bash -c 'guest_sent {}' |
		awk '{ s += $1 } END { printf "%d", s }')
	start_master "$kind" "$shape"
	sleep 1
	start_guests "$n"
	sleep "$WARM_S"
	kill -0 "$MPID" 2>/dev/null || hv_fail "$kind master died: $(tail -n 5 "$HV_TMP/m.log")"
	for ((i = 1; i <= n; i++)); do stat -c '%s %n' "$HV_TMP/g$i.log"; done >"$HV_TMP/sizes0"
	t_s0=$(hv_now_us)
	s0=$(port_stats "$HV_TMP/m.uds" "$MNS" tx_Sync)
	t_s0=$(((t_s0 + $(hv_now_us)) / 2))
	c0=$(cpu_ns "$MPID")
	t_w0=$(hv_now_us)
	sleep "$WIN_S"
	c1=$(cpu_ns "$MPID")
	t_w1=$(hv_now_us)
	for ((i = 1; i <= n; i++)); do stat -c '%s %n' "$HV_TMP/g$i.log"; done >"$HV_TMP/sizes1"
	wall=$(hv_secs "$t_w0" "$t_w1")
	cpu=$(awk -v a="$c0" -v b="$c1" -v w="$wall" 'BEGIN { printf "%.1f", (b - a) / 1e6 / w }')
	rss=$(awk '$1 == "Rss:" { print $2 }' "/proc/$MPID/smaps_rollup")
	priv=$(awk '$1 ~ /^Private_/ { s += $2 } END { print s }' "/proc/$MPID/smaps_rollup")
	# counters: guests frozen, the master's answers in flight given time
	# (stopped guests time out their master: only the window's logs count)
	for p in "${GPID[@]}"; do kill -STOP "$p" 2>/dev/null; done
	sleep 0.5
	t_s1=$(hv_now_us)
	stats=$(port_stats "$HV_TMP/m.uds" "$MNS" tx_Sync rx_Delay_Req tx_Delay_Resp)
	sync_s=$(hv_secs "$t_s0" $(((t_s1 + $(hv_now_us)) / 2)))
	sent=$(seq 1 "$n" | xargs -P 8 -I{} bash -c 'guest_sent {}' |
		awk -v s0="$sent0" '$1 ~ /^[0-9]+$/ { s += $1; k++ } END { printf "%d %d", s - s0, k }')
	for p in "${GPID[@]}"; do kill -CONT "$p" 2>/dev/null; done
	rb1=$(rcvbuf_errors "$MNS")
	window_logs "$n" >"$HV_TMP/window-$n-$kind-$shape.log"
	stop_all
	cp "$HV_TMP/m.log" "$HV_TMP/m-$n-$kind-$shape.log"
	faults=$(grep -cE "FAULTY|timed out" "$HV_TMP/m.log")
	gfaults=$(grep -c "to FAULTY" "$HV_TMP/window-$n-$kind-$shape.log")
	# per guest: synchronised?  then the samples' median and p90
	st=$(awk -v n="$n" -v bound="$SYNC_BOUND_NS" -v need="$(awk -v w="$wall" 'BEGIN { printf "%d", 0.9 * w }')" '
		$3 == "master" && $4 == "offset" {
			g = $1; v = $5 < 0 ? -$5 : $5; cnt[g]++
			if (v > bound) bad[g] = 1
			print v > "/dev/stderr"
		}
		/to FAULTY/ { bad[$1] = 1 }
		END {
			for (g in cnt) if (!(g in bad) && cnt[g] >= need) ok++
			printf "%d", ok
		}' "$HV_TMP/window-$n-$kind-$shape.log" 2>"$HV_TMP/abs.txt")
	nsync=$(guests_in_sync_state "$n")
	# synchronised = both (a guest that ended in another state does not count)
	[ "$nsync" -lt "$st" ] && st=$nsync
	read -r med p90 mx < <(sort -n "$HV_TMP/abs.txt" | awk '{ a[n++] = $1 } END {
		if (n == 0) { print "- - -"; exit }
		printf "%d %d %d\n", a[int((n - 1) * 0.5)], a[int((n - 1) * 0.9)], a[n - 1] }')
	read -r tx_sync rx_dreq tx_dresp <<<"$stats"
	read -r sent_sum sent_k <<<"$sent"
	printf '%5s %-7s %-6s %8s %7s %7s %7s %8s %7s %7s %14s %7s %8s %8s\n' \
		"$n" "$kind" "$shape" "$cpu" "$rss" "$priv" "$st/$n" "$med" "$p90" "$mx" \
		"$tx_dresp/$sent_sum" \
		"$(awk -v a="$s0" -v b="$tx_sync" -v w="$sync_s" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/) printf "%.2f", (b - a) / w; else print "-" }')" \
		"$faults/$gfaults" "$((rb1 - rb0))"
	{
		echo "n=$n master=$kind shape=$shape cpu_ms_s=$cpu rss=$rss priv=$priv"
		echo "  synchronised=$st in_state_at_end=$nsync median=$med p90=$p90 max=$mx"
		echo "  tx_Sync=$tx_sync rx_Delay_Req=$rx_dreq tx_Delay_Resp=$tx_dresp guests_tx_Delay_Req=$sent_sum (of $sent_k guests)"
		echo "  master faults=$faults guest faults=$gfaults rcvbuf_errors=$((rb1 - rb0))"
	} >>"$HV_TMP/details.txt"
}

echo
echo "bench-guests: ptp4l $(/usr/sbin/ptp4l -v) guests (multicast E2E, software timestamps,"
echo "  Sync and Delay_Req 8/s) behind a Linux bridge; warm-up ${WARM_S} s, window ${WIN_S} s;"
echo "  $(nproc) CPUs; $(uname -r); synchronised: UNCALIBRATED/SLAVE, >= 90% samples, all |offset| <= $SYNC_BOUND_NS ns"
echo "  hvptpd options: ${HV_OPTS:-(defaults)}; ptp4l: defaults"
[ "$ISOLATED" = 1 ] && echo "  the guests' bridge ports isolated from each other"
printf '%5s %-7s %-6s %8s %7s %7s %7s %8s %7s %7s %14s %7s %8s %8s\n' \
	guests master shape "CPU ms/s" "RSS KiB" "priv" sync "med ns" "p90 ns" "max ns" \
	"DResp/DReq" "Sync/s" "faults" "rcvbuf"
for n in $SIZES; do
	for shape in $SHAPES; do
		for kind in $MASTERS; do
			if [ "$kind" = ptp4l ] && [ "$shape" = bridge ]; then
				# ptp4l -S needs the driver's TX timestamps,
				# which a bridge does not give
				printf '%5s %-7s %-6s %s\n' "$n" "$kind" "$shape" \
					"(refuses -S on a bridge: no software TX timestamps)"
				continue
			fi
			run_one "$n" "$kind" "$shape"
		done
	done
done
echo
sed 's/^/  /' "$HV_TMP/details.txt"
