#!/bin/bash
# test_g8275.sh — the G.8275.2 alternate BMCA (dataset_comparison G.8275.x)
# over UDPv4 between hvptpd, linuxptp 4.4 and Debian's ptp4l 3.1.1.
#
#   ns m1: ptp4l 4.4, T-GM class 6 --- veth --- eth0 \
#   ns m2: ptp4l 3.1.1, T-GM class 6 -- veth --- eth1 -- ns s: hvptpd (T-BC)
#   ns c: ptp4l 4.4 -s  --\                       eth2 /  (serverOnly)
#   ns d: ptp4l 3.1.1 -s --+-- ns br: bridge br0 --/
#
# Every node takes the [global] part of its own version's configs/
# G.8275.2.cfg (dataset_comparison G.8275.x, localPriorities,
# maxStepsRemoved...) without its unicast lines (unicast_listen, hybrid_e2e,
# inhibit_multicast_service, unicast_req_duration: hvptpd has no unicast
# negotiation yet, so the profile runs over UDPv4 multicast here), in
# domain 44, at the suite's fast intervals.
#
# 1. The two T-GMs are of equal quality; hvptpd's eth0 has localPriority
#    100 and eth1 200: hvptpd follows m1 on eth0, and eth1 is a MASTER (the
#    masters differ by localPriority, M3).  Under 9.3.4 m2 would win:
#    its priority1 is 1 (G.8275.x does not compare priority1).
# 2. SIGHUP after eth1's localPriority became 50: hvptpd follows m2 on
#    eth1; eth0 becomes MASTER.
# 3. All along, eth2 (serverOnly 1) is MASTER and both slaves c (4.4) and
#    d (3.1.1) follow hvptpd's port 3 with the grandmaster hvptpd follows
#    (pmc PARENT_DATA_SET): hvptpd as a G.8275.2 master to both versions.
# Offsets hvptpd measures from each master are reported (software
# timestamps on one system clock: they measure the protocol path), and
# what hvptpd sends on eth2 goes through Wireshark's PTP dissector.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000

hv_setup g8275
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
cfg44=$HV_PTP44/configs/G.8275.2.cfg
[ -f "$cfg44" ] || cfg44=$HV_REPO/build/linuxptp-4.4/configs/G.8275.2.cfg
cfg31=/usr/share/doc/linuxptp/configs/G.8275.2.cfg
[ -f "$cfg44" ] || hv_skip "no linuxptp 4.4 configs/G.8275.2.cfg"
[ -f "$cfg31" ] || hv_skip "no $cfg31 (Debian's linuxptp package)"

# The profile's [global] settings of FILE, without the unicast ones and
# the announce interval (the suite's own is faster).
profile() {
	awk '/^\[/ { g = ($0 == "[global]"); next }
	     g && $1 !~ /^(#|$)/ && $1 !~ /^(unicast_|hybrid_e2e|inhibit_multicast_service|logAnnounceInterval|domainNumber)/ { print $1, $2 }' "$1"
}
mapfile -t p44 < <(profile "$cfg44")
mapfile -t p31 < <(profile "$cfg31")
grep -qx 'dataset_comparison G.8275.x' <<<"$(printf '%s\n' "${p44[@]}")" ||
	hv_fail "$cfg44 does not select dataset_comparison G.8275.x"

hv_ns_add m1
hv_ns_add m2
hv_ns_add s
hv_ns_add br
hv_bridge br br0
hv_veth m1 eth0 s eth0
hv_veth m2 eth0 s eth1
hv_veth s eth2 br ps
hv_bridge_port br br0 ps
hv_addr m1 eth0 10.213.20.1/24
hv_addr s eth0 10.213.20.2/24
hv_addr m2 eth0 10.213.21.1/24
hv_addr s eth1 10.213.21.2/24
hv_addr s eth2 10.213.22.2/24
i=3
for n in c d; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.22.$i/24"
	i=$((i + 1))
done

hv_node m1 m1 ptp4l44 "${p44[@]}" "domainNumber 44" "clockClass 6" \
	"priority1 200" "uds_ro_address $(hv_uds m1)ro"
hv_node m2 m2 ptp4l "${p31[@]}" "domainNumber 44" "clockClass 6" \
	"priority1 1"
hv_node c c ptp4l44 "${p44[@]}" "domainNumber 44" \
	"uds_ro_address $(hv_uds c)ro"
hv_node d d ptp4l "${p31[@]}" "domainNumber 44"
hv_node s s dut "${p44[@]}" "domainNumber 44" \
	"[eth0]" "G.8275.portDS.localPriority 100" \
	"[eth1]" "G.8275.portDS.localPriority 200" \
	"[eth2]" "serverOnly 1"
scfg=$(hv_cfg s)
cap=$(hv_capture_start s eth2)
hv_run m1 -i eth0
hv_run m2 -i eth0
hv_run s
hv_run c -i eth0 -s
hv_run d -i eth0 -s

hv_wait_log m1 "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l 4.4 (m1) did not take the master role"
hv_wait_log m2 "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l 3.1.1 (m2) did not take the master role"
id_m1=$(hv_clock_id m1 eth0)
id_m2=$(hv_clock_id m2 eth0)
id_s=$(hv_clock_id s eth0)
hv_info "m1 (4.4) $id_m1, m2 (3.1.1) $id_m2, hvptpd $id_s"

# parent NODE FIELD: a PARENT_DATA_SET field from pmc in domain 44
# (ptp4l answers management of its own domain only).
parent() {
	timeout 10 ip netns exec "$(hv_ns "${HV_NODE_NS[$1]}")" \
		pmc -u -b 0 -d 44 -s "$(hv_uds "$1")" 'GET PARENT_DATA_SET' 2>/dev/null |
		awk -v f="$2" '$1 == f { print $2; exit }'
}
# follows NODE GM PARENT: the node's PARENT_DATA_SET says so.
follows() {
	[ "$(parent "$1" grandmasterIdentity)" = "$2" ] &&
		[ "$(parent "$1" parentPortIdentity)" = "$3" ]
}
# offsets_since N: hvptpd's "master offset" lines after the first N.
offsets_since() { hv_log_offsets s | tail -n +$(($1 + 1)); }

# --- 1. localPriority 100 on eth0, 200 on eth1: m1 ---------------------------
hv_wait_cmd 25 follows s "$id_m1" "$id_m1-1" ||
	hv_fail "hvptpd does not follow m1 on eth0: $(parent s parentPortIdentity)"
hv_wait_log s "$(hv_re_state 2 MASTER)" 15 || hv_fail "eth1 did not become MASTER"
[ "$(hv_port_state s 1)" = UNCALIBRATED ] || hv_fail "eth0 is $(hv_port_state s 1), not UNCALIBRATED"
hv_wait_cmd 20 follows c "$id_m1" "$id_s-3" || hv_fail "ptp4l 4.4 (c) does not follow hvptpd's port 3 with m1"
hv_wait_cmd 20 follows d "$id_m1" "$id_s-3" || hv_fail "ptp4l 3.1.1 (d) does not follow hvptpd's port 3 with m1"
n0=$(hv_log_offsets s | wc -l)
sleep 4
read -r med1 max1 < <(offsets_since "$((n0))" | awk '{ print $1 }' | hv_abs_median_max)
n1=$(hv_log_offsets s | wc -l)
[ "$((n1 - n0))" -ge 8 ] || hv_fail "only $((n1 - n0)) offsets from m1 in 4 s"
hv_info "phase 1: following m1 (ptp4l 4.4): $((n1 - n0)) offsets, |offset| median $med1 max $max1 ns; c and d follow hvptpd"

# --- 2. eth1's localPriority 50, reloaded: m2 --------------------------------
sed -i 's/^G.8275.portDS.localPriority 200$/G.8275.portDS.localPriority 50/' "$scfg"
grep -q '^G.8275.portDS.localPriority 50$' "$scfg" || hv_fail "could not edit $scfg"
kill -HUP "${HV_NODE_PID[s]}"
hv_wait_log s "reload: 1 change applied" 10 || hv_fail "no reload summary after SIGHUP"
hv_wait_cmd 20 follows s "$id_m2" "$id_m2-1" ||
	hv_fail "hvptpd does not follow m2 on eth1 after the reload: $(parent s parentPortIdentity)"
hv_wait_log s "$(hv_re_state 1 MASTER)" 15 || hv_fail "eth0 did not become MASTER"
[ "$(hv_port_state s 2)" = UNCALIBRATED ] || hv_fail "eth1 is $(hv_port_state s 2), not UNCALIBRATED"
hv_wait_cmd 20 follows c "$id_m2" "$id_s-3" || hv_fail "ptp4l 4.4 (c) does not follow hvptpd's port 3 with m2"
hv_wait_cmd 20 follows d "$id_m2" "$id_s-3" || hv_fail "ptp4l 3.1.1 (d) does not follow hvptpd's port 3 with m2"
n2=$(hv_log_offsets s | wc -l)
sleep 4
read -r med2 max2 < <(offsets_since "$n2" | awk '{ print $1 }' | hv_abs_median_max)
n3=$(hv_log_offsets s | wc -l)
[ "$((n3 - n2))" -ge 8 ] || hv_fail "only $((n3 - n2)) offsets from m2 in 4 s"
# --- 3. the serverOnly port never left MASTER --------------------------------
grep -qE "$(hv_re_state 3 '(UNCALIBRATED|SLAVE|PASSIVE)')" "$(hv_log s)" &&
	hv_fail "eth2 (serverOnly) left the master states"
[ "$(hv_port_state s 3)" = MASTER ] || hv_fail "eth2 is $(hv_port_state s 3)"
sent=$(hv_capture_check "$cap" 10.213.22.2)
hv_info "hvptpd sent on eth2 $sent: tshark finds none malformed"
hv_finish
[ "$max1" -lt "$MAX_OFFSET_NS" ] || hv_fail "max |offset| from m1 $max1 ns"
[ "$max2" -lt "$MAX_OFFSET_NS" ] || hv_fail "max |offset| from m2 $max2 ns"
hv_result "localPriority 100/200: m1 (ptp4l 4.4) on eth0, |offset| median $med1 max $max1 ns; reloaded 200->50: m2 (ptp4l 3.1.1) on eth1, median $med2 max $max2 ns; serverOnly eth2 MASTER to ptp4l 4.4 and 3.1.1 slaves with either grandmaster; tshark: $sent from eth2, none malformed"
