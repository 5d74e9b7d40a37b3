#!/bin/bash
# test_p2p.sh — the peer-to-peer delay mechanism over UDPv4 against
# linuxptp, both versions on both sides of an hvptpd boundary clock:
#
#   chain 1: ns g1: ptp4l 3.1.1 GM --- ns b1: hvptpd -i v1 -i v2 --- ns s1: ptp4l 4.4 -s
#   chain 2: ns g2: ptp4l 4.4 GM   --- ns b2: hvptpd -i v1 -i v2 --- ns s2: ptp4l 3.1.1 -s
#
# every node with delay_mechanism P2P but hvptpd in chain 2, which runs
# Auto (E2E until the neighbour's Pdelay_Req: it must switch both ports
# to P2P, "peer detected, switch to P2P").  So hvptpd is the slave (its port 1,
# UNCALIBRATED: free-running) of each ptp4l version and the master (port
# 2) of each, answering and asking Pdelay on both ports.  Checks, per
# chain: the downstream ptp4l sees the grandmaster through hvptpd
# (stepsRemoved 2) and measures a positive peer delay to it
# (PORT_DATA_SET peerMeanPathDelay); hvptpd's port 1 offsets stay under
# 100 us with a positive path (peer) delay, and it drops no Pdelay
# message as multiple_peers or wrong_delay_mechanism; and Wireshark's PTP
# dissector (tshark: hv_capture_check) finds no malformed packet and no
# expert warning among all hvptpd sent on both links, Pdelay_Req,
# Pdelay_Resp and Pdelay_Resp_Follow_Up among them.  Prints the offsets'
# median and max per chain.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000
SKIP_SAMPLES=3
COLLECT_S=8

hv_setup p2p
hv_is_standin && hv_skip "needs hvptpd (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"

# chain K (1 or 2): namespaces gK bK sK, subnets 10.213.6K.0 and .7K.0
chain_setup() {
	local k=$1 gm_kind=$2 sl_kind=$3
	hv_ns_add "g$k"
	hv_ns_add "b$k"
	hv_ns_add "s$k"
	hv_veth "g$k" eth0 "b$k" v1
	hv_veth "b$k" v2 "s$k" eth0
	hv_addr "g$k" eth0 "10.213.6$k.1/24"
	hv_addr "b$k" v1 "10.213.6$k.2/24"
	hv_addr "b$k" v2 "10.213.7$k.1/24"
	hv_addr "s$k" eth0 "10.213.7$k.2/24"
	hv_node "g$k" "g$k" "$gm_kind" "priority1 100" "delay_mechanism P2P"
	hv_node "b$k" "b$k" dut "delay_mechanism $4" "logMinPdelayReqInterval -2"
	hv_node "s$k" "s$k" "$sl_kind" "delay_mechanism P2P"
}

declare -A CAP=()
chain_setup 1 ptp4l ptp4l44 P2P
chain_setup 2 ptp4l44 ptp4l Auto
# what arrives at the far ends of hvptpd's links: everything it sends
for k in 1 2; do
	CAP[$k.up]=$(hv_capture_start "g$k" eth0)
	CAP[$k.down]=$(hv_capture_start "s$k" eth0)
done
for k in 1 2; do
	hv_run "g$k" -i eth0
	hv_run "b$k" -i v1 -i v2
	hv_run "s$k" -i eth0 -s
done

# chain_check K: the chain works; sets R[K.med|max|dmed|steps|pd|id]
declare -A R=()
chain_check() {
	local k=$1 gm_id bc_id need steps pd samples med max dmed dmin
	hv_wait_log "g$k" "selected local clock $HV_RE_ID as best master" 20 ||
		hv_fail "chain $k: ptp4l grandmaster did not take the master role"
	gm_id=$(hv_clock_id "g$k" eth0)
	hv_wait_log "b$k" "selected best master clock $gm_id" 20 ||
		hv_fail "chain $k: hvptpd did not select the grandmaster $gm_id"
	hv_wait_log "b$k" "$(hv_re_state 1 UNCALIBRATED)" 15 ||
		hv_fail "chain $k: hvptpd's port 1 did not reach UNCALIBRATED"
	bc_id=$(hv_clock_id "b$k" v1)
	chain_ok() {
		[ "$(hv_pmc_field "s$k" PARENT_DATA_SET grandmasterIdentity)" = "$gm_id" ]
	}
	hv_wait_cmd 25 chain_ok ||
		hv_fail "chain $k: downstream ptp4l's grandmaster is" \
			"'$(hv_pmc_field "s$k" PARENT_DATA_SET grandmasterIdentity)', expected $gm_id"
	need=$((SKIP_SAMPLES + 8))
	enough() { [ "$(hv_log_offsets "b$k" | wc -l)" -ge "$need" ]; }
	hv_wait_cmd 30 enough || hv_fail "chain $k: fewer than $need offset lines"
	steps=$(hv_pmc_field "s$k" CURRENT_DATA_SET stepsRemoved)
	[ "$steps" = 2 ] || hv_fail "chain $k: downstream stepsRemoved '$steps', expected 2"
	pd=$(hv_pmc_field "s$k" PORT_DATA_SET peerMeanPathDelay)
	pd=${pd%%.*}
	[ "${pd:-0}" -gt 0 ] ||
		hv_fail "chain $k: downstream ptp4l's peerMeanPathDelay '$pd' not positive"
	[ "$(hv_port_state "b$k" 2)" = MASTER ] ||
		hv_fail "chain $k: hvptpd port 2 is $(hv_port_state "b$k" 2)"
	samples=$(hv_log_offsets "b$k" | tail -n +$((SKIP_SAMPLES + 1)))
	read -r med max < <(echo "$samples" | awk '{ print $1 }' | hv_abs_median_max)
	read -r dmed _ < <(echo "$samples" | awk '{ print $3 }' | hv_abs_median_max)
	dmin=$(echo "$samples" | awk 'NR == 1 || $3 < m { m = $3 } END { print m }')
	[ "$max" -lt "$MAX_OFFSET_NS" ] ||
		hv_fail "chain $k: max |offset| $max ns >= $MAX_OFFSET_NS ns"
	[ "$dmin" -gt 0 ] || hv_fail "chain $k: hvptpd's peer delay not positive (min $dmin)"
	R[$k.med]=$med R[$k.max]=$max R[$k.dmed]=$dmed R[$k.steps]=$steps
	R[$k.pd]=$pd R[$k.id]=$bc_id
}

sleep "$COLLECT_S"
chain_check 1
chain_check 2

# Auto: both of chain 2's ports turned P2P
n=$(grep -c "peer detected, switch to P2P" "$(hv_log b2)")
[ "$n" -eq 2 ] || hv_fail "chain 2: hvptpd (Auto) switched $n ports to P2P, 2 expected"

# hvptpd's drop counters: nothing of the other mechanism or several peers
for k in 1 2; do
	for reason in multiple_peers wrong_delay_mechanism; do
		if grep -q "dropped pdelay.*: $reason" "$(hv_log "b$k")"; then
			hv_fail "chain $k: hvptpd dropped Pdelay messages as $reason"
		fi
	done
done

ws_note=""
for k in 1 2; do
	for side in up down; do
		src=10.213.6$k.2
		[ "$side" = down ] && src=10.213.7$k.1
		sent=$(hv_capture_check "${CAP[$k.$side]}" "$src")
		for t in Pdelay_Req Pdelay_Resp Pdelay_Resp_Follow_Up; do
			echo "$sent" | grep -q "$t [0-9]" ||
				hv_fail "chain $k $side: no $t from hvptpd: $sent"
		done
		ws_note+="${ws_note:+; }chain $k ${side}stream: $sent"
	done
done

hv_finish
hv_result "chain 1 (3.1.1 GM -> hvptpd ${R[1.id]} -> 4.4): hvptpd" \
	"|offset| median ${R[1.med]} ns max ${R[1.max]} ns, peer delay" \
	"median ${R[1.dmed]} ns; 4.4 slave stepsRemoved ${R[1.steps]}" \
	"peerMeanPathDelay ${R[1.pd]} ns. chain 2 (4.4 GM -> hvptpd" \
	"${R[2.id]} (Auto, both ports switched to P2P) -> 3.1.1): |offset| median ${R[2.med]} ns max" \
	"${R[2.max]} ns, peer delay median ${R[2.dmed]} ns; 3.1.1 slave" \
	"stepsRemoved ${R[2.steps]} peerMeanPathDelay ${R[2.pd]} ns." \
	"tshark, what hvptpd sent, none malformed or warned: $ws_note"
