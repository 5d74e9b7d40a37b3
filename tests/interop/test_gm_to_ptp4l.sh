#!/bin/bash
# test_gm_to_ptp4l.sh — hvptpd grandmaster -> linuxptp slave (ptp4l -s).
#
#   ns gm: hvptpd, priority1 100 --- veth --- ns sl: ptp4l -s
#
# ptp4l's port must reach UNCALIBRATED (free-running: it never locks), its
# PARENT_DATA_SET parentPortIdentity must be hvptpd's port 1, and a few
# CURRENT_DATA_SET polls after it settles must show |offsetFromMaster|
# < 100 us and meanPathDelay > 0.  Everything hvptpd sends is captured
# and read by Wireshark's PTP dissector (tshark): no packet malformed or
# with an expert warning.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

POLLS=5
MAX_OFFSET_NS=100000

hv_setup gm_to_ptp4l
hv_ns_add gm
hv_ns_add sl
hv_veth gm eth0 sl eth0
hv_addr gm eth0 10.213.1.1/24
hv_addr sl eth0 10.213.1.2/24

hv_node gm gm dut "priority1 100"
hv_node sl sl ptp4l
cap=$(hv_capture_start gm eth0)
hv_run gm -i eth0
hv_run sl -i eth0 -s

hv_wait_log gm "$(hv_re_state 1 MASTER)" 15 ||
	hv_fail "hvptpd's port did not become MASTER"
hv_wait_log sl "$(hv_re_state 1 UNCALIBRATED)" 20 ||
	hv_fail "ptp4l's port did not reach UNCALIBRATED"
t_uncal=$(hv_log_elapsed sl "$(hv_re_state 1 UNCALIBRATED)")
gm_id=$(hv_clock_id gm eth0)
hv_info "hvptpd clock identity $gm_id; ptp4l UNCALIBRATED ${t_uncal}s after start"

parent=$(hv_pmc_field sl PARENT_DATA_SET parentPortIdentity)
[ "$parent" = "$gm_id-1" ] ||
	hv_fail "ptp4l's parentPortIdentity '$parent', expected $gm_id-1"
gmid=$(hv_pmc_field sl PARENT_DATA_SET grandmasterIdentity)
[ "$gmid" = "$gm_id" ] ||
	hv_fail "ptp4l's grandmasterIdentity '$gmid', expected $gm_id"

# Management (pmc) on hvptpd too, once it has it.
if hv_pmc_answers gm; then
	hv_pmc_expect gm PARENT_DATA_SET grandmasterIdentity "$gm_id"
	hv_pmc_expect gm CURRENT_DATA_SET stepsRemoved 0
	pmc_note="hvptpd pmc agrees"
else
	pmc_note="no pmc answer from hvptpd"
fi

# Let the delay filter fill, then poll.
sleep 2
offsets=() delays=()
for ((i = 0; i < POLLS; i++)); do
	ds=$(hv_pmc_get sl CURRENT_DATA_SET)
	off=$(echo "$ds" | awk '$1 == "offsetFromMaster" { printf "%d", $2 }')
	del=$(echo "$ds" | awk '$1 == "meanPathDelay" { printf "%d", $2 }')
	if [ -z "$off" ] || [ -z "$del" ]; then
		hv_fail "no CURRENT_DATA_SET from ptp4l"
	fi
	offsets+=("$off") delays+=("$del")
	sleep 1
done
hv_info "ptp4l offsetFromMaster (ns): ${offsets[*]}"
hv_info "ptp4l meanPathDelay (ns): ${delays[*]}"
state=$(hv_port_state sl 1)
sent=$(hv_capture_check "$cap" 10.213.1.1)
hv_info "hvptpd sent $sent: tshark finds none malformed"

hv_finish
[ "$state" = UNCALIBRATED ] || hv_fail "ptp4l's port left UNCALIBRATED: $state"
read -r med max < <(printf '%s\n' "${offsets[@]}" | hv_abs_median_max)
dmin=$(printf '%s\n' "${delays[@]}" | sort -n | head -n 1)
[ "$max" -lt "$MAX_OFFSET_NS" ] ||
	hv_fail "max |offsetFromMaster| $max ns >= $MAX_OFFSET_NS ns"
[ "$dmin" -gt 0 ] || hv_fail "meanPathDelay not positive: ${delays[*]}"
hv_result "ptp4l UNCALIBRATED after ${t_uncal}s, parent $parent; offsetFromMaster [${offsets[*]}] ns (|median| $med, |max| $max); meanPathDelay [${delays[*]}] ns; $pmc_note; tshark: $sent, none malformed"
