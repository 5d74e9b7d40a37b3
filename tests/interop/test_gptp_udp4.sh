#!/bin/bash
# test_gptp_udp4.sh — linuxptp's gPTP.cfg settings over UDPv4 (this
# build's only transport; gPTP proper runs over L2, which the transports
# work adds): 802.1AS asCapable, the Follow_Up information TLV,
# transportSpecific 1, P2P, against both linuxptp versions.
#
#   ns gm: ptp4l 4.4 GM --- ns bc: hvptpd -i v1 -i v2 --- ns sl: ptp4l 3.1.1 -s
#
# neighborPropDelayThresh is 100 us instead of gPTP.cfg's 800 ns: software
# timestamps on veth measure tens of microseconds of "link delay", and a
# port over the threshold is not asCapable and sends nothing.  ptp4l drops
# a Follow_Up without the TLV on such a port, so the downstream ptp4l's
# samples (its "rms" summaries) show that hvptpd's Follow_Ups carry it;
# hvptpd drops none of the grandmaster's (no bad_tlv drop) and both its
# ports turn asCapable (it sends Sync and Announce downstream only then).
# Wireshark's dissector checks everything hvptpd sent.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000
SKIP_SAMPLES=3

hv_setup gptp_udp4
hv_is_standin && hv_skip "needs hvptpd (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"

gptp=("neighborPropDelayThresh 100000" "min_neighbor_prop_delay -20000000"
	"assume_two_step 1" "path_trace_enabled 1" "follow_up_info 1"
	"transportSpecific 0x1" "delay_mechanism P2P" "logSyncInterval -3"
	"syncReceiptTimeout 3")
hv_ns_add gm
hv_ns_add bc
hv_ns_add sl
hv_veth gm eth0 bc v1
hv_veth bc v2 sl eth0
hv_addr gm eth0 10.213.81.1/24
hv_addr bc v1 10.213.81.2/24
hv_addr bc v2 10.213.82.1/24
hv_addr sl eth0 10.213.82.2/24
hv_node gm gm ptp4l44 "priority1 100" "gmCapable 1" "${gptp[@]}"
hv_node bc bc dut "priority1 248" "${gptp[@]}"
hv_node sl sl ptp4l "priority1 248" "${gptp[@]}"
cap=$(hv_capture_start sl eth0)
hv_run gm -i eth0
hv_run bc -i v1 -i v2
hv_run sl -i eth0 -s

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 20 ||
	hv_fail "ptp4l 4.4 grandmaster did not take the master role"
gm_id=$(hv_clock_id gm eth0)
hv_wait_log bc "selected best master clock $gm_id" 25 ||
	hv_fail "hvptpd did not select the grandmaster $gm_id"
# pmc must speak transportSpecific 1 to such a ptp4l (-t 1)
pmc_t1() { # DATASET FIELD
	timeout 10 ip netns exec "$(hv_ns sl)" pmc -u -b 0 -t 1 \
		-s "$(hv_uds sl)" "GET $1" 2>/dev/null |
		awk -v f="$2" '$1 == f { print $2; exit }'
}
hv_wait_log sl "selected best master clock $gm_id" 25 ||
	hv_fail "ptp4l 3.1.1 did not select the grandmaster $gm_id through hvptpd"
# ptp4l's free-running summaries: one per "summary" of samples taken
hv_wait_log sl "rms +[0-9]+ max" 30 ||
	hv_fail "ptp4l 3.1.1 took no sample from hvptpd's Follow_Ups (no TLV?)"
need=$((SKIP_SAMPLES + 8))
enough() { [ "$(hv_log_offsets bc | wc -l)" -ge "$need" ]; }
hv_wait_cmd 30 enough || hv_fail "hvptpd: fewer than $need offset lines"
steps=$(pmc_t1 CURRENT_DATA_SET stepsRemoved)
[ "$steps" = 2 ] || hv_fail "ptp4l 3.1.1 stepsRemoved '$steps', expected 2"
if grep -qE "dropped (follow_up|sync|announce): (bad_tlv|not_as_capable)" "$(hv_log bc)"; then
	hv_fail "hvptpd dropped: $(grep -m1 -E 'dropped .*(bad_tlv|not_as_capable)' "$(hv_log bc)")"
fi
samples=$(hv_log_offsets bc | tail -n +$((SKIP_SAMPLES + 1)))
read -r med max < <(echo "$samples" | awk '{ print $1 }' | hv_abs_median_max)
read -r dmed _ < <(echo "$samples" | awk '{ print $3 }' | hv_abs_median_max)
sent=$(hv_capture_check "$cap" 10.213.82.1)
echo "$sent" | grep -q "Follow_Up [0-9]" || hv_fail "no Follow_Up from hvptpd: $sent"
hv_finish
[ "$max" -lt "$MAX_OFFSET_NS" ] || hv_fail "max |offset| $max ns >= $MAX_OFFSET_NS ns"
hv_result "4.4 GM -> hvptpd -> 3.1.1 with gPTP.cfg's settings over UDPv4:" \
	"hvptpd |offset| median $med ns max $max ns, peer delay median $dmed ns;" \
	"3.1.1 stepsRemoved $steps, taking hvptpd's Follow_Ups;" \
	"tshark, what hvptpd sent downstream: $sent"
