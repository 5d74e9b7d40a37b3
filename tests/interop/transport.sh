# shellcheck shell=bash
# tests/interop/transport.sh — one run of a transport against linuxptp,
# for test_udp6.sh and test_l2.sh (sourced after lib.sh, not a test).
#
#   ns gm: ptp4l 3.1.1, then 4.4 (priority1 100)
#     --- v1: hvptpd boundary clock (-i v1 -i v2 -i v3) ---
#   v2 --- ns s3: ptp4l 3.1.1 -s        v3 --- ns s4: ptp4l 4.4 -s
#
# Every program runs the transport under test (-6 or -2), E2E, software
# timestamps, free running.  Three phases in one run:
#   1. ptp4l 3.1.1 grandmaster: hvptpd its slave (port 1) and the boundary
#      clock to both ptp4l slaves;
#   2. the grandmaster stopped: hvptpd grandmaster to both slaves;
#   3. ptp4l 4.4 grandmaster: hvptpd its slave, boundary clock again.
# Each follower's offsets are printed (hvptpd's from its "master offset"
# lines, ptp4l's from CURRENT_DATA_SET polls) as |median| and |max|; each
# must stay under 100 us (one system clock: offsets measure the protocol
# path), each slave must have the phase's grandmaster.  What hvptpd sends
# is captured on its three interfaces and read by Wireshark's dissector
# (lib.sh's hv_capture_start / hv_capture_check): no malformed packet, no
# expert warning or error, and each of Sync, Follow_Up, Delay_Req,
# Delay_Resp, Announce seen.

TR_MAX_OFFSET_NS=100000
TR_POLLS=5
TR_GM31=000001.fffe.000031
TR_GM44=000001.fffe.000044
TR_SUMMARY=()

# tr_need_tools: tshark and dumpcap, and linuxptp 4.4 (HV_PTP44), or skip.
tr_need_tools() {
	local c
	for c in tshark dumpcap; do
		command -v "$c" >/dev/null ||
			hv_skip "$c not found (package tshark: scripts/deps.sh)"
	done
	HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
}

# tr_topology: the namespaces, veths without IPv6 duplicate address
# detection (a link-local address is usable at once), IPv4 addresses
# (unused by L2 and UDPv6: the daemons still read them).
tr_topology() {
	local ns
	for ns in gm bc s3 s4; do
		hv_ns_add "$ns"
		ip netns exec "$(hv_ns "$ns")" sysctl -qw \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0 ||
			hv_fail "cannot turn DAD off in $ns"
	done
	hv_veth gm eth0 bc v1
	hv_veth bc v2 s3 eth0
	hv_veth bc v3 s4 eth0
}

# tr_capture_start: hvptpd's three interfaces captured (lib.sh's
# hv_capture_start), the files in TR_CAP.
tr_capture_start() {
	local i
	TR_CAP=()
	for i in v1 v2 v3; do
		TR_CAP+=("$(hv_capture_start bc "$i")")
	done
}

# tr_ptp_offsets NAME: TR_POLLS offsetFromMaster values of a ptp4l node
# (pmc CURRENT_DATA_SET, a second apart), one per line.
tr_ptp_offsets() {
	local i ds off
	for ((i = 0; i < TR_POLLS; i++)); do
		ds=$(hv_pmc_get "$1" CURRENT_DATA_SET) || hv_fail "no CURRENT_DATA_SET from $1"
		off=$(echo "$ds" | awk '$1 == "offsetFromMaster" { printf "%d", $2 }')
		[ -n "$off" ] || hv_fail "no offsetFromMaster from $1"
		echo "$off"
		sleep 1
	done
}

# tr_check LABEL OFFSETS...: print |median| |max|, fail at 100 us.
tr_check() {
	local label=$1 med max
	shift
	[ $# -gt 0 ] || hv_fail "$label: no offsets"
	read -r med max < <(printf '%s\n' "$@" | hv_abs_median_max)
	hv_info "$label: offsets (ns) $* -> |median| $med |max| $max"
	[ "$max" -lt "$TR_MAX_OFFSET_NS" ] ||
		hv_fail "$label: |offset| max $max ns >= $TR_MAX_OFFSET_NS ns"
	TR_SUMMARY+=("$label $med/$max;")
}

# tr_gm_is NAME ID: the ptp4l slave's grandmasterIdentity is ID.
tr_gm_is() { [ "$(hv_pmc_field "$1" PARENT_DATA_SET grandmasterIdentity)" = "$2" ]; }

# tr_slaves GM_ID: both ptp4l slaves take GM_ID, then their offsets (o3,
# o4).
tr_slaves() {
	local s
	for s in s3 s4; do
		hv_wait_cmd 25 tr_gm_is "$s" "$1" ||
			hv_fail "$s's grandmaster is" \
				"'$(hv_pmc_field "$s" PARENT_DATA_SET grandmasterIdentity)', expected $1"
	done
	sleep 2
	mapfile -t o3 < <(tr_ptp_offsets s3)
	mapfile -t o4 < <(tr_ptp_offsets s4)
}

# tr_bc_offsets FROM_LINE: hvptpd's offsets logged after line FROM_LINE
# of its "master offset" lines (the first 3 of the phase skipped).
tr_bc_offsets() {
	hv_log_offsets bc | tail -n +$(($1 + 4)) | awk '{ print $1 }'
}

# tr_run NAME FLAG: the three phases with -6 or -2.
tr_run() {
	local flag=$2 n0 bc_id
	tr_topology
	tr_capture_start
	hv_node gm31 gm ptp4l "priority1 100" "clockIdentity $TR_GM31"
	hv_node gm44 gm ptp4l44 "priority1 100" "clockIdentity $TR_GM44"
	hv_node bc bc dut "priority1 128"
	hv_node s3 s3 ptp4l
	hv_node s4 s4 ptp4l44
	hv_run gm31 -i eth0 "$flag"
	hv_run bc -i v1 -i v2 -i v3 "$flag"
	hv_run s3 -i eth0 -s "$flag"
	hv_run s4 -i eth0 -s "$flag"

	# 1: ptp4l 3.1.1 grandmaster
	hv_wait_log bc "selected best master clock $TR_GM31" 20 ||
		hv_fail "hvptpd did not select ptp4l 3.1.1 ($TR_GM31)"
	hv_wait_log bc "$(hv_re_state 1 UNCALIBRATED)" 10 ||
		hv_fail "hvptpd's port 1 did not reach UNCALIBRATED"
	bc_id=$(hv_clock_id bc v1)
	n0=$(hv_log_offsets bc | wc -l)
	tr_slaves "$TR_GM31"
	mapfile -t ob < <(tr_bc_offsets "$n0")
	tr_check "3.1.1 GM -> hvptpd" "${ob[@]}"
	tr_check "3.1.1 GM -> hvptpd BC -> 3.1.1" "${o3[@]}"
	tr_check "3.1.1 GM -> hvptpd BC -> 4.4" "${o4[@]}"
	[ "$(hv_pmc_field s3 CURRENT_DATA_SET stepsRemoved)" = 2 ] ||
		hv_fail "s3 stepsRemoved is not 2 behind the boundary clock"
	tr_protocol_address "$1"

	# 2: hvptpd grandmaster
	hv_stop gm31
	hv_wait_log bc "$(hv_re_state 1 MASTER)" 20 ||
		hv_fail "hvptpd's port 1 did not become MASTER without a grandmaster"
	tr_slaves "$bc_id"
	tr_check "hvptpd GM -> 3.1.1" "${o3[@]}"
	tr_check "hvptpd GM -> 4.4" "${o4[@]}"

	# 3: ptp4l 4.4 grandmaster
	hv_run gm44 -i eth0 "$flag"
	hv_wait_log bc "selected best master clock $TR_GM44" 20 ||
		hv_fail "hvptpd did not select ptp4l 4.4 ($TR_GM44)"
	n0=$(hv_log_offsets bc | wc -l)
	tr_slaves "$TR_GM44"
	mapfile -t ob < <(tr_bc_offsets "$n0")
	tr_check "4.4 GM -> hvptpd" "${ob[@]}"
	tr_check "4.4 GM -> hvptpd BC -> 3.1.1" "${o3[@]}"
	tr_check "4.4 GM -> hvptpd BC -> 4.4" "${o4[@]}"

	hv_finish
	tr_dissect
	hv_result "$1, offsets |median|/|max| ns: ${TR_SUMMARY[*]} tshark: $TR_DISSECT"
}

# tr_protocol_address NAME: hvptpd's CLOCK_DESCRIPTION (pmc) names the
# transport's networkProtocol (2 UDP/IPv6, 3 IEEE 802.3) and address.
tr_protocol_address() {
	local want addr got
	if [ "$1" = L2 ]; then
		want=3 addr=$(hv_mac bc v1)
	else
		want=2 addr=fe80::
	fi
	got=$(hv_pmc_get bc CLOCK_DESCRIPTION | awk '$1 == "protocolAddress" { print $2, $3; exit }')
	hv_info "hvptpd CLOCK_DESCRIPTION protocolAddress: $got"
	case $got in
	"$want $addr"*) ;;
	*) hv_fail "hvptpd's protocolAddress '$got', expected $want $addr..." ;;
	esac
}

# tr_dissect: what hvptpd sent on each interface, through Wireshark's
# PTP dissector (hv_capture_check: none malformed, no expert warning);
# every E2E message type must be among them.
tr_dissect() {
	local k i all="" out t
	for k in 0 1 2; do
		i=v$((k + 1))
		out=$(hv_capture_check "${TR_CAP[$k]}" "$(hv_mac bc "$i")")
		hv_info "tshark, hvptpd's $i: $out"
		all+="$i: $out; "
	done
	for t in Sync Follow_Up Delay_Req Delay_Resp Announce; do
		echo "$all" | grep -qE "[(,] ?$t [0-9]" ||
			hv_fail "tshark: no $t from hvptpd ($all)"
	done
	TR_DISSECT="${all%; }; none malformed or warned"
}
