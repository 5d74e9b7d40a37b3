#!/bin/bash
# test_bc_chain.sh — linuxptp GM -> hvptpd boundary clock -> linuxptp slave.
#
#   ns gm: ptp4l, priority1 100 --- veth --- ns bc: hvptpd -i v1 -i v2
#                                                     --- veth --- ns sl: ptp4l -s
#
# The downstream ptp4l must see the grandmaster through the boundary clock:
# PARENT_DATA_SET grandmasterIdentity = the GM's clock identity,
# parentPortIdentity = hvptpd's port 2, CURRENT_DATA_SET stepsRemoved = 2.
# hvptpd's port 1 must be UNCALIBRATED (free-running) and port 2 MASTER.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000

hv_setup bc_chain
hv_ns_add gm
hv_ns_add bc
hv_ns_add sl
hv_veth gm eth0 bc v1
hv_veth bc v2 sl eth0
hv_addr gm eth0 10.213.3.1/24
hv_addr bc v1 10.213.3.2/24
hv_addr bc v2 10.213.4.1/24
hv_addr sl eth0 10.213.4.2/24

hv_node gm gm ptp4l "priority1 100"
hv_node bc bc dut "priority1 128"
hv_node sl sl ptp4l
hv_run gm -i eth0
hv_run bc -i v1 -i v2
hv_run sl -i eth0 -s
t0=$(hv_now_us)

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l grandmaster did not take the master role"
gm_id=$(hv_clock_id gm eth0)
hv_wait_log bc "selected best master clock $gm_id" 20 ||
	hv_fail "the boundary clock did not select the grandmaster $gm_id"
bc_id=$(hv_clock_id bc v1)
hv_info "grandmaster $gm_id, boundary clock $bc_id"

chain_ok() {
	[ "$(hv_pmc_field sl PARENT_DATA_SET grandmasterIdentity)" = "$gm_id" ]
}
hv_wait_cmd 20 chain_ok ||
	hv_fail "downstream ptp4l's grandmaster is" \
		"'$(hv_pmc_field sl PARENT_DATA_SET grandmasterIdentity)', expected $gm_id"
t_chain=$(hv_secs "$t0" "$(hv_now_us)")
hv_wait_log sl "$(hv_re_state 1 UNCALIBRATED)" 10 ||
	hv_fail "downstream ptp4l's port did not reach UNCALIBRATED"

parent=$(hv_pmc_field sl PARENT_DATA_SET parentPortIdentity)
[ "$parent" = "$bc_id-2" ] ||
	hv_fail "downstream parentPortIdentity '$parent', expected $bc_id-2"
sleep 2
ds=$(hv_pmc_get sl CURRENT_DATA_SET)
steps=$(echo "$ds" | awk '$1 == "stepsRemoved" { print $2 }')
off=$(echo "$ds" | awk '$1 == "offsetFromMaster" { printf "%d", $2 }')
del=$(echo "$ds" | awk '$1 == "meanPathDelay" { printf "%d", $2 }')
[ "$steps" = 2 ] || hv_fail "downstream stepsRemoved '$steps', expected 2"
if hv_pmc_answers bc; then
	hv_pmc_expect bc PARENT_DATA_SET grandmasterIdentity "$gm_id"
	hv_pmc_expect bc PARENT_DATA_SET parentPortIdentity "$gm_id-1"
	hv_pmc_expect bc CURRENT_DATA_SET stepsRemoved 1
	pmc_note="hvptpd pmc agrees"
else
	pmc_note="no pmc answer from hvptpd"
fi
p1=$(hv_port_state bc 1)
p2=$(hv_port_state bc 2)
hv_info "boundary clock ports: 1 $p1, 2 $p2; downstream offset $off ns delay $del ns"

hv_finish
[ "$p1" = UNCALIBRATED ] || hv_fail "boundary clock port 1 is $p1, expected UNCALIBRATED"
[ "$p2" = MASTER ] || hv_fail "boundary clock port 2 is $p2, expected MASTER"
[ "$(hv_abs_int "$off")" -lt "$MAX_OFFSET_NS" ] ||
	hv_fail "downstream |offsetFromMaster| $off ns >= $MAX_OFFSET_NS ns"
[ "$del" -gt 0 ] || hv_fail "downstream meanPathDelay $del ns not positive"
hv_result "chain complete after ${t_chain}s: stepsRemoved $steps, parent $parent, bc ports $p1/$p2; downstream offset $off ns, delay $del ns; $pmc_note"
