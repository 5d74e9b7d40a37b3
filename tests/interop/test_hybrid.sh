#!/bin/bash
# test_hybrid.sh — hybrid E2E (hybrid_e2e 1: Sync and Announce multicast,
# Delay_Req by unicast to the master, Delay_Resp by unicast back), with
# ptp4l 4.4 and Debian's ptp4l, both directions, on one bridge:
#
#   domain 1: ptp4l 4.4 master (hybrid_e2e 1, priority1 100) -> hvptpd -s
#             with hybrid_e2e 1
#   domain 0: hvptpd master (default options: a unicast Delay_Req is
#             answered by unicast) -> ptp4l 4.4 -s and Debian's ptp4l -s,
#             both with hybrid_e2e 1
#
# Asserted: every slave reaches UNCALIBRATED with the right parent and
# |offset| < 100 us; in captures on the hvptpd nodes (hv_capture_check:
# nothing malformed or warned), the hvptpd slave's Delay_Reqs all go by
# unicast to its master and none to the group, and the hvptpd master's
# Syncs go to the group and its Delay_Resps by unicast, to both slaves.
# Offsets median/max are printed per pair.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000
SKIP_SAMPLES=3
MIN_SAMPLES=8

hv_setup hybrid
hv_is_standin && hv_skip "needs hvptpd (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"

hv_ns_add br
hv_bridge br br0
n=0
for node in pm hs hm p4 p3; do
	n=$((n + 1))
	hv_ns_add "$node"
	hv_veth "$node" eth0 br "p$node"
	hv_bridge_port br br0 "p$node"
	hv_addr "$node" eth0 "10.213.31.$n/24"
done
# pm .1, hs .2, hm .3, p4 .4, p3 .5

hv_node pm pm ptp4l44 "priority1 100" "hybrid_e2e 1" "domainNumber 1"
hv_node hs hs dut "hybrid_e2e 1" "domainNumber 1"
hv_node hm hm dut "priority1 100"
hv_node p4 p4 ptp4l44 "hybrid_e2e 1"
hv_node p3 p3 ptp4l "hybrid_e2e 1"
cap_hs=$(hv_capture_start hs eth0)
cap_hm=$(hv_capture_start hm eth0)
hv_run pm -i eth0
hv_run hm -i eth0
hv_run hs -i eth0 -s
hv_run p4 -i eth0 -s
hv_run p3 -i eth0 -s

for node in hs p4 p3; do
	hv_wait_log "$node" "$(hv_re_state 1 UNCALIBRATED)" 30 ||
		hv_fail "$node's port did not reach UNCALIBRATED"
done
sleep 6
pm_id=$(hv_clock_id pm eth0)
hm_id=$(hv_clock_id hm eth0)
hv_pmc_expect hs PARENT_DATA_SET parentPortIdentity "$pm_id-1"
samples=$(hv_log_offsets hs | tail -n +$((SKIP_SAMPLES + 1)))
[ "$(echo "$samples" | grep -c .)" -ge "$MIN_SAMPLES" ] ||
	hv_fail "hvptpd slave: fewer than $MIN_SAMPLES offset lines"
read -r hsmed hsmax < <(echo "$samples" | awk '{ print $1 }' | hv_abs_median_max)
read -r hsdmed _ < <(echo "$samples" | awk '{ print $3 }' | hv_abs_median_max)

poll_offsets() {
	local i ds
	for ((i = 0; i < 5; i++)); do
		ds=$(hv_pmc_get "$1" CURRENT_DATA_SET)
		echo "$ds" | awk '$1 == "offsetFromMaster" { printf "%d\n", $2 }'
		sleep 1
	done
}
for c in p4 p3; do
	parent=$(hv_pmc_field "$c" PARENT_DATA_SET parentPortIdentity)
	[ "$parent" = "$hm_id-1" ] ||
		hv_fail "$c's parentPortIdentity '$parent', expected hvptpd's $hm_id-1"
done
mapfile -t o4 < <(poll_offsets p4)
mapfile -t o3 < <(poll_offsets p3)
if [ "${#o4[@]}" -lt 3 ] || [ "${#o3[@]}" -lt 3 ]; then
	hv_fail "no CURRENT_DATA_SET from the ptp4l slaves"
fi
read -r p4med p4max < <(printf '%s\n' "${o4[@]}" | hv_abs_median_max)
read -r p3med p3max < <(printf '%s\n' "${o3[@]}" | hv_abs_median_max)

chk_hs=$(hv_capture_check "$cap_hs" 10.213.31.2)
chk_hm=$(hv_capture_check "$cap_hm" 10.213.31.3)
cnt() { tshark -r "$1" -Y "ptp && ip.src == $2 && $3" 2>/dev/null | grep -c .; }
mc='ip.dst == 224.0.1.129'
hs_u=$(cnt "$cap_hs" 10.213.31.2 "ptp.v2.messagetype == 0x1 && ip.dst == 10.213.31.1")
hs_m=$(cnt "$cap_hs" 10.213.31.2 "ptp.v2.messagetype == 0x1 && $mc")
hm_sm=$(cnt "$cap_hm" 10.213.31.3 "ptp.v2.messagetype == 0x0 && $mc")
hm_su=$(cnt "$cap_hm" 10.213.31.3 "ptp.v2.messagetype == 0x0 && !($mc)")
hm_r4=$(cnt "$cap_hm" 10.213.31.3 "ptp.v2.messagetype == 0x9 && ip.dst == 10.213.31.4")
hm_r3=$(cnt "$cap_hm" 10.213.31.3 "ptp.v2.messagetype == 0x9 && ip.dst == 10.213.31.5")
hm_rm=$(cnt "$cap_hm" 10.213.31.3 "ptp.v2.messagetype == 0x9 && $mc")
tsk="hvptpd slave sent $chk_hs: Delay_Req $hs_u unicast, $hs_m multicast; hvptpd master sent $chk_hm: Sync $hm_sm multicast, $hm_su unicast, Delay_Resp $hm_r4 to ptp4l 4.4 and $hm_r3 to ptp4l 3.1.1 by unicast, $hm_rm multicast; none malformed or warned"
hv_info "$tsk"

hv_finish
if [ "$hs_u" -eq 0 ] || [ "$hs_m" -ne 0 ]; then
	hv_fail "hvptpd hybrid slave: $tsk"
fi
if [ "$hm_sm" -eq 0 ] || [ "$hm_su" -ne 0 ] || [ "$hm_r4" -eq 0 ] ||
	[ "$hm_r3" -eq 0 ] || [ "$hm_rm" -ne 0 ]; then
	hv_fail "hvptpd master with hybrid slaves: $tsk"
fi
for v in "$hsmax" "$p4max" "$p3max"; do
	[ "$v" -lt "$MAX_OFFSET_NS" ] || hv_fail "|offset| max $v ns >= $MAX_OFFSET_NS ns"
done
hv_result "ptp4l 4.4 master -> hvptpd hybrid slave |offset| median $hsmed max $hsmax ns (path delay median $hsdmed ns); hvptpd master -> ptp4l 4.4 hybrid median $p4med max $p4max ns, -> ptp4l 3.1.1 hybrid median $p3med max $p3max ns; $tsk"
