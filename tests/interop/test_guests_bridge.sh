#!/bin/bash
# test_guests_bridge.sh — hvptpd as the master of 32 ptp4l guests behind a
# Linux bridge, answering their multicast Delay_Reqs by unicast
# (delay_resp_unicast 1, socket_rcvbuf 4 MB), then serving on the bridge
# itself (br0: TX timestamps from the scheduler).
#
#   ns m: hvptpd -i eth0 --- veth --- ns br: br0 --- veth --- ns gN: ptp4l -s
#
# The guests' bridge ports are isolated from each other, as docs/guests.md
# advises for many guests (else every guest's ptp4l also receives the
# others' Delay_Reqs, and on a loaded machine faults on its own TX
# timestamps, which is not what is tested here).
#
# The guests are Debian's ptp4l, unmodified, as a VM runs it: multicast
# E2E, software timestamps, 8 Sync and 8 Delay_Req per second, running free
# (free_running 1: every namespace shares the machine's clock; Announce
# once a second and a 1 s tx_timestamp_timeout, so that a loaded machine
# does not fault the guests themselves).  After a
# settling time the guests are stopped (SIGSTOP) and the counters read;
# asserted, each shape:
#   - hvptpd never faulted and never missed a TX timestamp;
#   - every guest's port is UNCALIBRATED toward hvptpd (a free-running
#     ptp4l 3.1.1 never leaves UNCALIBRATED: its servo never locks), but
#     for guests that faulted on their own Delay_Req's TX timestamp
#     (counted in the RESULT line: that is the guest's kernel path);
#   - every Delay_Req was answered: the UDP datagrams the guests sent
#     (their namespaces' /proc/net/snmp; a ptp4l client sends nothing else
#     by UDP) = the Delay_Reqs hvptpd received = its Delay_Resps
#     (PORT_STATS_NP);
#   - the answers went by unicast: hvptpd's namespace sent as many unicast
#     IP packets (OutRequests - OutMcastPkts) as hvptpd sent Delay_Resps,
#     and no multicast beyond its Syncs, Follow_Ups and Announces; every
#     guest took them: its last offset came with a path delay measured.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

N=32
SETTLE_S=12

hv_setup guests_bridge
hv_is_standin && hv_skip "HVPTPD is ptp4l: delay_resp_unicast is hvptpd's"

declare -a GPID=()
guests_cleanup() {
	local rc=$? p
	trap - EXIT
	for p in "${GPID[@]}"; do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	(exit "$rc")
	hv_cleanup
}
trap guests_cleanup EXIT

gns() { echo "$HV_TAG-g$1"; }
hv_ns_add br
hv_ns_add m
hv_bridge br br0
hv_addr br br0 10.217.0.2/24
for ((i = 1; i <= N; i++)); do echo "netns add $(gns "$i")"; done | ip -batch - ||
	hv_fail "cannot create the guests' namespaces"
for ((i = 1; i <= N; i++)); do HV_NETNS+=("$(gns "$i")"); done
{
	echo "link add name eth0 netns $(hv_ns m) type veth peer name pm netns $(hv_ns br)"
	for ((i = 1; i <= N; i++)); do
		echo "link add name eth0 netns $(gns "$i") type veth peer name g$i netns $(hv_ns br)"
	done
} | ip -batch - || hv_fail "cannot create the veths"
{
	for p in pm $(seq -f 'g%g' 1 "$N"); do
		echo "link set dev $p master br0"
		echo "link set dev $p up"
	done
	# the guests' ports isolated from each other (docs/guests.md): their
	# multicast Delay_Reqs reach hvptpd, not the 31 other guests
	for ((i = 1; i <= N; i++)); do
		echo "link set dev g$i type bridge_slave isolated on"
	done
} | ip -n "$(hv_ns br)" -batch - || hv_fail "cannot attach the veths"
ip -n "$(hv_ns m)" link set dev eth0 up
hv_addr m eth0 10.217.0.1/24
for ((i = 1; i <= N; i++)); do
	printf 'link set dev lo up\nlink set dev eth0 up\naddr add 10.217.0.%d/24 dev eth0\n' \
		$((i + 10)) | ip -n "$(gns "$i")" -batch - || hv_fail "guest $i: addresses"
done

{
	echo "[global]"
	echo "free_running 1"
	echo "logSyncInterval -3"
	echo "logMinDelayReqInterval -3"
	echo "logAnnounceInterval 0"
	echo "announceReceiptTimeout $HV_ANNOUNCE_TIMEOUT"
	echo "freq_est_interval 0"
	echo "summary_interval -3"
	# ptp4l's 1 ms default faults the guest itself on a loaded machine
	# (ASan, CI): what is tested here is hvptpd
	echo "tx_timestamp_timeout 1000"
} >"$HV_TMP/guest.cfg"

# counters of a namespace: "udp_out ip_in mcast_in bcast_in ip_out mcast_out"
ns_counters() {
	ip netns exec "$1" cat /proc/net/snmp /proc/net/netstat | awk '
		$1 == "Ip:" && $2 !~ /^[0-9]/ { for (i = 2; i <= NF; i++) ip[$i] = i; next }
		$1 == "Ip:" { inr = $(ip["InReceives"]); outr = $(ip["OutRequests"]) }
		$1 == "Udp:" && $2 !~ /^[0-9]/ { for (i = 2; i <= NF; i++) udp[$i] = i; next }
		$1 == "Udp:" { uo = $(udp["OutDatagrams"]) }
		$1 == "IpExt:" && $2 !~ /^[0-9]/ { for (i = 2; i <= NF; i++) x[$i] = i; next }
		$1 == "IpExt:" { mi = $(x["InMcastPkts"]); bi = $(x["InBcastPkts"]); mo = $(x["OutMcastPkts"]) }
		END { print uo, inr, mi, bi, outr, mo }'
}

# "offset freq delay" of each "master offset" line of a log file
hv_log_offsets_of() {
	grep -E "$HV_RE_OFFSET" "$1" 2>/dev/null |
		sed -E 's/.*master offset +(-?[0-9]+) s[0-9] freq +([-+]?[0-9]+) path delay +(-?[0-9]+).*/\1 \2 \3/'
}

# A guest's own fault: ptp4l lost the TX timestamp of its own Delay_Req
# ("timed out while polling for tx timestamp", its kernel's path, not the
# master's) and that was its only kind of fault.  Seen now and then on
# this loaded machine even with a 1 s timeout; counted and shown, not
# failed.
own_txts_fault() {
	grep -q "timed out while polling for tx timestamp" "$1" &&
		! grep -E "to FAULTY on" "$1" | grep -vq "FAULT_DETECTED"
}

# one shape: $1 "veth" (hvptpd in ns m on eth0) or "bridge" (in ns br on br0)
run_shape() {
	local shape=$1 ns ifc node i st c0 c1 d stats rxd txd txs txa txf
	local sent=0 bad_state=0 no_offsets=0 uout mout bad_list="" m1
	local self_faults=0
	if [ "$shape" = veth ]; then ns=m ifc=eth0; else ns=br ifc=br0; fi
	node=hv-$shape
	# (later lines win over lib.sh's: Delay_Req 8/s, Announce 1/s, as
	# the guests)
	hv_node "$node" "$ns" dut "priority1 100" "logMinDelayReqInterval -3" \
		"logAnnounceInterval 0" "delay_resp_unicast 1" \
		"socket_rcvbuf 4194304"
	declare -A base=()
	for ((i = 1; i <= N; i++)); do base[$i]=$(ns_counters "$(gns "$i")"); done
	local mbase
	mbase=$(ns_counters "$(hv_ns "$ns")")
	hv_run "$node" -i "$ifc"
	hv_wait_log "$node" "$(hv_re_state 1 MASTER)" 15 || hv_fail "$node: no MASTER"
	GPID=()
	for ((i = 1; i <= N; i++)); do
		ip netns exec "$(gns "$i")" ptp4l -f "$HV_TMP/guest.cfg" -i eth0 -S -s \
			-m -q -l 6 --uds_address "$HV_TMP/g$i.uds" >"$HV_TMP/g$i-$shape.log" 2>&1 &
		GPID+=($!)
	done
	sleep "$SETTLE_S"
	for p in "${GPID[@]}"; do kill -STOP "$p"; done
	sleep 0.5
	# hvptpd's namespace first: what it sent by then was counted by then
	read -r -a m1 <<<"$(ns_counters "$(hv_ns "$ns")")"
	stats=$(hv_pmc_get "$node" PORT_STATS_NP) || hv_fail "$node: no PORT_STATS_NP"
	rxd=$(echo "$stats" | awk '$1 == "rx_Delay_Req" { print $2 }')
	txd=$(echo "$stats" | awk '$1 == "tx_Delay_Resp" { print $2 }')
	txs=$(echo "$stats" | awk '$1 == "tx_Sync" { print $2 }')
	txf=$(echo "$stats" | awk '$1 == "tx_Follow_Up" { print $2 }')
	txa=$(echo "$stats" | awk '$1 == "tx_Announce" { print $2 }')
	for ((i = 1; i <= N; i++)); do
		read -r -a c0 <<<"${base[$i]}"
		read -r -a c1 <<<"$(ns_counters "$(gns "$i")")"
		d=$((c1[0] - c0[0]))
		sent=$((sent + d))
		# unicast IP packets in = Delay_Reqs out
		st=$(grep -E "port 1: [A-Z_]+ to [A-Z_]+" "$HV_TMP/g$i-$shape.log" |
			tail -n 1 | sed -E 's/.* to ([A-Z_]+).*/\1/')
		if [ "$st" != UNCALIBRATED ] && [ "$st" != SLAVE ]; then
			if [ "$st" = FAULTY ] && own_txts_fault "$HV_TMP/g$i-$shape.log"; then
				self_faults=$((self_faults + 1))
			else
				bad_state=$((bad_state + 1))
				bad_list="$bad_list g$i:${st:-none}"
			fi
		fi
		# offsets with a measured path delay: the guest took the
		# unicast Delay_Resps (no other kind was sent)
		hv_log_offsets_of "$HV_TMP/g$i-$shape.log" | tail -n 1 |
			awk '$3 > 0 { ok = 1 } END { exit !ok }' ||
			no_offsets=$((no_offsets + 1))
	done
	read -r -a c0 <<<"$mbase"
	uout=$(((m1[4] - c0[4]) - (m1[5] - c0[5])))
	mout=$((m1[5] - c0[5]))
	for p in "${GPID[@]}"; do kill -CONT "$p"; kill -TERM "$p"; done
	for p in "${GPID[@]}"; do wait "$p" 2>/dev/null; done
	GPID=()
	hv_stop "$node"
	if grep -E "FAULTY|timed out" "$(hv_log "$node")"; then
		hv_fail "$shape: hvptpd faulted or missed a TX timestamp"
	fi
	[ "$bad_state" -eq 0 ] ||
		hv_fail "$shape: $bad_state of $N guests not UNCALIBRATED/SLAVE:$bad_list"
	[ "$no_offsets" -eq 0 ] ||
		hv_fail "$shape: $no_offsets of $N guests logged no offset with a path delay"
	if [ "$sent" -eq 0 ] || [ "$sent" != "$rxd" ] || [ "$rxd" != "$txd" ]; then
		hv_fail "$shape: guests sent $sent Delay_Reqs, hvptpd received '$rxd', answered '$txd'"
	fi
	# every IP packet hvptpd's namespace sent by unicast was a Delay_Resp,
	# and every Delay_Resp went by unicast
	[ "$uout" = "$txd" ] ||
		hv_fail "$shape: $uout unicast IP packets out of hvptpd's namespace, $txd Delay_Resps"
	# multicast out of hvptpd's namespace: its Syncs, Follow_Ups, Announces
	# (and IGMP reports), never a Delay_Resp
	[ "$mout" -le $((txs + txf + txa + 10)) ] ||
		hv_fail "$shape: $mout multicast packets out, more than Sync+Follow_Up+Announce $((txs + txf + txa))"
	if [ "$shape" = bridge ]; then
		grep -q "br0: UDPv4 on ports 319/320, software (TX: scheduler) timestamps" \
			"$(hv_log "$node")" || hv_fail "bridge: the scheduler's TX timestamps not in use"
	fi
	summary="$summary${summary:+; }$shape: $N guests, $txd/$sent Delay_Reqs answered by unicast"
	[ "$self_faults" -eq 0 ] ||
		summary="$summary ($self_faults guests lost their own TX timestamp)"
}

summary=""
run_shape veth
run_shape bridge
hv_finish
hv_result "$summary"
