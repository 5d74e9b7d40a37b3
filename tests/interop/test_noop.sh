#!/bin/bash
# test_noop.sh — BMCA noop (static roles, as linuxptp's automotive
# profiles) between hvptpd and linuxptp 4.4 over UDPv4 with E2E delay (the
# automotive files' L2 and peer delay left out), both directions.
#
#   ns m: ptp4l 4.4, BMCA noop, serverOnly, inhibit_announce --- veth --- ns s: hvptpd, BMCA noop, clientOnly, ignore_source_id
#   ns hm: hvptpd, BMCA noop, serverOnly, inhibit_announce --- veth --- ns hs: ptp4l 4.4, BMCA noop, clientOnly, ignore_source_id
#
# 1. No Announce is sent by either master (hvptpd's port counters; ptp4l
#    logs no "new foreign master").
# 2. hvptpd's slave port goes INITIALIZING -> UNCALIBRATED with no
#    LISTENING and measures |offset| < 100 us from ptp4l's Syncs; its
#    master port goes INITIALIZING -> MASTER at once.
# 3. ptp4l's noop slave takes hvptpd's Syncs ("master offset" lines).
# 4. What both hvptpd nodes send goes through Wireshark's PTP dissector:
#    none malformed, and no Announce from the noop master.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000
NOOP_MASTER=("BMCA noop" "serverOnly 1" "inhibit_announce 1")
NOOP_SLAVE=("BMCA noop" "clientOnly 1" "ignore_source_id 1")

hv_setup noop
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"
for n in m s hm hs; do hv_ns_add "$n"; done
hv_veth m eth0 s eth0
hv_veth hm eth0 hs eth0
hv_addr m eth0 10.213.23.1/24
hv_addr s eth0 10.213.23.2/24
hv_addr hm eth0 10.213.24.1/24
hv_addr hs eth0 10.213.24.2/24

hv_node m m ptp4l44 "${NOOP_MASTER[@]}" "uds_ro_address $(hv_uds m)ro"
hv_node s s dut "${NOOP_SLAVE[@]}"
hv_node hm hm dut "${NOOP_MASTER[@]}"
hv_node hs hs ptp4l44 "${NOOP_SLAVE[@]}" "uds_ro_address $(hv_uds hs)ro"
cap_s=$(hv_capture_start s eth0)
cap_hm=$(hv_capture_start hm eth0)
hv_run m -i eth0
hv_run s -i eth0
hv_run hm -i eth0
hv_run hs -i eth0

# --- hvptpd slave of ptp4l --------------------------------------------------
hv_wait_log s "$(hv_re_state 1 UNCALIBRATED)" 10 ||
	hv_fail "hvptpd's noop slave port did not become UNCALIBRATED"
grep -qE "$(hv_re_state 1 LISTENING)" "$(hv_log s)" &&
	hv_fail "hvptpd's noop slave port went through LISTENING"
enough() { [ "$(hv_log_offsets s | wc -l)" -ge 20 ]; }
hv_wait_cmd 20 enough || hv_fail "fewer than 20 offsets from ptp4l's Syncs"

# --- ptp4l slave of hvptpd ---------------------------------------------------
hv_wait_log hm "$(hv_re_state 1 MASTER)" 10 || hv_fail "hvptpd's noop master port is not MASTER"
grep -qE "$(hv_re_state 1 '(LISTENING|PRE_MASTER)')" "$(hv_log hm)" &&
	hv_fail "hvptpd's noop master port went through LISTENING or PRE_MASTER"
hv_wait_log hs "master offset" 20 || hv_fail "ptp4l's noop slave took no Sync from hvptpd"
sleep 3

# --- no Announce anywhere -----------------------------------------------------
grep -q "new foreign master" "$(hv_log hs)" &&
	hv_fail "ptp4l heard an Announce from hvptpd's noop master"
grep -q "new foreign master" "$(hv_log s)" &&
	hv_fail "hvptpd heard an Announce from ptp4l's noop master"
# PORT_STATS_NP's tx counters of hvptpd's master port (hvptpctl's text)
tx_count() {
	timeout 10 ip netns exec "$(hv_ns hm)" "$HVPTPCTL" -s "$(hv_uds hm)" \
		get PORT_STATS_NP 1 2>/dev/null |
		awk -v w="$1" '$1 == "tx:" { tx = 1; next } tx && $1 == w { print $2; exit }'
}
syncs=$(tx_count sync)
ann=$(tx_count announce)
if [ -z "$syncs" ] || [ "$syncs" -eq 0 ]; then
	hv_fail "hvptpctl: no Sync counted on hvptpd's master port ('$syncs')"
fi
[ "$ann" = 0 ] || hv_fail "hvptpd's noop master counts '$ann' Announces sent"

[ "$(hv_port_state s 1)" = UNCALIBRATED ] || hv_fail "hvptpd's slave port is $(hv_port_state s 1)"
[ "$(hv_port_state hm 1)" = MASTER ] || hv_fail "hvptpd's master port is $(hv_port_state hm 1)"
samples=$(hv_log_offsets s | tail -n +4)
n=$(echo "$samples" | wc -l)
read -r med max < <(echo "$samples" | awk '{ print $1 }' | hv_abs_median_max)
hs_n=$(grep -c "master offset" "$(hv_log hs)")
sent_s=$(hv_capture_check "$cap_s" 10.213.23.2)
sent_hm=$(hv_capture_check "$cap_hm" 10.213.24.1)
grep -q "Announce" <<<"$sent_hm" && hv_fail "the capture shows Announces from hvptpd's noop master: $sent_hm"
hv_finish
[ "$max" -lt "$MAX_OFFSET_NS" ] || hv_fail "max |offset| $max ns"
hv_result "hvptpd noop slave of ptp4l 4.4: $n samples, |offset| median $med max $max ns, no LISTENING; hvptpd noop master: ptp4l 4.4 logged $hs_n offsets; $syncs Syncs and $ann Announces sent by hvptpd's master port, none heard either way; tshark: slave sent $sent_s, master sent $sent_hm, none malformed"
