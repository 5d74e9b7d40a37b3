#!/bin/bash
# test_pmc.sh — linuxptp's pmc against hvptpd's management sockets.
#
#   ns a: hvptpd, priority1 200 --\
#   ns b: ptp4l,  priority1 150 ---+-- ns br: bridge br0
#   ns c: ptp4l,  slaveOnly (priority1 255) --/
#
# 1. B is the grandmaster; hvptpd follows it.  One pmc run (-u -b 0) asks
#    hvptpd for every ID it implements; the decoded fields must match what
#    hvptpd is known to be (configuration, its log, B's identity and time
#    properties, C's view, offsets in range).  The transcript is kept in
#    the log.
# 2. The read-only socket answers GETs and refuses SET PRIORITY1 (an error
#    status; priority1 unchanged).
# 3. SET PRIORITY1 100 on the read-write socket: hvptpd becomes the
#    grandmaster, and C (ptp4l, asked with pmc) switches to it within a
#    few announce intervals; a subscriber (SUBSCRIBE_EVENTS_NP) sees the
#    port state notifications.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=500000    # |offsetFromMaster|, |master_offset| (software ts)
SWITCH_INTERVALS=12     # announce intervals for C to follow the new GM

ann_ms=$(awk -v l="$HV_LOG_ANNOUNCE" 'BEGIN { printf "%d", 1000 * 2 ^ l }')
SWITCH_MS=$((SWITCH_INTERVALS * ann_ms))

hv_setup pmc
hv_is_standin && hv_skip "needs hvptpd's management (HVPTPD is ptp4l)"
hv_ns_add br
hv_bridge br br0
i=1
for n in a b c; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.9.$i/24"
	i=$((i + 1))
done

hv_node a a dut "priority1 200" "userDescription hvptp interop"
hv_node b b ptp4l "priority1 150"
hv_node c c ptp4l "slaveOnly 1" "priority1 255"
hv_run a -i eth0
hv_run b -i eth0
hv_run c -i eth0
uds_a=$(hv_uds a)
uds_ro=$(hv_uds a)ro

hv_wait_log b "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l B did not take the master role"
id_b=$(hv_clock_id b eth0)
hv_wait_log a "selected best master clock $id_b" 20 ||
	hv_fail "hvptpd did not select B ($id_b)"
id_a=$(hv_clock_id a eth0)
mac_a=$(hv_mac a eth0)
gm_of_c() { hv_pmc_field c PARENT_DATA_SET grandmasterIdentity; }
c_follows() { [ "$(gm_of_c)" = "$1" ]; }
hv_wait_cmd 20 c_follows "$id_b" || hv_fail "C does not follow B: $(gm_of_c)"
# a few Sync/Delay_Resp exchanges, so that offsets and counters exist
enough_offsets() { [ "$(hv_log_offsets a | wc -l)" -ge 8 ]; }
hv_wait_cmd 20 enough_offsets || hv_fail "hvptpd logged fewer than 8 offsets"

# --- 1. every GET ------------------------------------------------------------
IDS="DEFAULT_DATA_SET CURRENT_DATA_SET PARENT_DATA_SET TIME_PROPERTIES_DATA_SET
PORT_DATA_SET PRIORITY1 PRIORITY2 DOMAIN SLAVE_ONLY CLOCK_ACCURACY
TRACEABILITY_PROPERTIES TIMESCALE_PROPERTIES USER_DESCRIPTION CLOCK_DESCRIPTION
LOG_ANNOUNCE_INTERVAL ANNOUNCE_RECEIPT_TIMEOUT LOG_SYNC_INTERVAL VERSION_NUMBER
DELAY_MECHANISM LOG_MIN_PDELAY_REQ_INTERVAL TIME_STATUS_NP
GRANDMASTER_SETTINGS_NP PORT_DATA_SET_NP PORT_PROPERTIES_NP PORT_STATS_NP
SUBSCRIBE_EVENTS_NP"
cmds=()
for id in $IDS; do cmds+=("GET $id"); done
TR=$HV_TMP/pmc-a.txt
now_ns=$(date +%s%N)
hv_pmc a "${cmds[@]}" >"$TR"
{
	echo "----- pmc -u -b 0 -s $uds_a (every GET):"
	cat "$TR"
} >>"$(hv_log a)"
hv_pmc b "GET TIME_PROPERTIES_DATA_SET" >"$HV_TMP/pmc-b.txt"

# tf FILE DATASET FIELD: the rest of FIELD's line in DATASET's answer.
tf() {
	awk -v ds="$2" -v f="$3" '
		/ seq [0-9]+ / { inblk = ($0 ~ ("MANAGEMENT " ds " *$")); next }
		inblk && $1 == f { $1 = ""; sub(/^ +/, ""); print; exit }' "$1"
}
bad=()
nchecks=0
want() {
	local v
	nchecks=$((nchecks + 1))
	v=$(tf "$TR" "$1" "$2")
	[ "$v" = "$3" ] || bad+=("$1.$2='$v' (want '$3')")
}
want_cmp() { # DATASET FIELD OP NUMBER
	local v
	nchecks=$((nchecks + 1))
	v=$(tf "$TR" "$1" "$2")
	if [ -z "$v" ] || ! awk -v v="$v" -v n="$4" "BEGIN { exit !(v $3 n) }"; then
		bad+=("$1.$2='$v' (want $3 $4)")
	fi
}
want_abs() { # DATASET FIELD MAX
	local v
	nchecks=$((nchecks + 1))
	v=$(tf "$TR" "$1" "$2")
	if [ -z "$v" ] || ! awk -v v="$v" -v m="$3" 'BEGIN { exit !(v < m && -v < m) }'; then
		bad+=("$1.$2='$v' (want |x| < $3)")
	fi
}

for id in $IDS; do
	grep -qE "RESPONSE MANAGEMENT $id *$" "$TR" || bad+=("no answer to GET $id")
done
state=$(hv_port_state a 1)
case $state in
UNCALIBRATED | SLAVE) ;;
*) hv_fail "hvptpd's port is $state, not a slave" ;;
esac
want DEFAULT_DATA_SET twoStepFlag 1
want DEFAULT_DATA_SET slaveOnly 0
want DEFAULT_DATA_SET numberPorts 1
want DEFAULT_DATA_SET priority1 200
want DEFAULT_DATA_SET clockClass 248
want DEFAULT_DATA_SET clockAccuracy 0xfe
want DEFAULT_DATA_SET offsetScaledLogVariance 0xffff
want DEFAULT_DATA_SET priority2 128
want DEFAULT_DATA_SET clockIdentity "$id_a"
want DEFAULT_DATA_SET domainNumber 0
want CURRENT_DATA_SET stepsRemoved 1
want_abs CURRENT_DATA_SET offsetFromMaster $MAX_OFFSET_NS
want_cmp CURRENT_DATA_SET meanPathDelay '>' 0
want_cmp CURRENT_DATA_SET meanPathDelay '<' $MAX_OFFSET_NS
want PARENT_DATA_SET parentPortIdentity "$id_b-1"
want PARENT_DATA_SET grandmasterIdentity "$id_b"
want PARENT_DATA_SET grandmasterPriority1 150
want PARENT_DATA_SET grandmasterPriority2 128
want PARENT_DATA_SET gm.ClockClass 248
for f in currentUtcOffset leap61 leap59 currentUtcOffsetValid ptpTimescale \
	timeTraceable frequencyTraceable timeSource; do
	want TIME_PROPERTIES_DATA_SET $f "$(tf "$HV_TMP/pmc-b.txt" TIME_PROPERTIES_DATA_SET $f)"
done
want TRACEABILITY_PROPERTIES timeTraceable "$(tf "$TR" TIME_PROPERTIES_DATA_SET timeTraceable)"
want TRACEABILITY_PROPERTIES frequencyTraceable "$(tf "$TR" TIME_PROPERTIES_DATA_SET frequencyTraceable)"
want TIMESCALE_PROPERTIES ptpTimescale "$(tf "$TR" TIME_PROPERTIES_DATA_SET ptpTimescale)"
want PORT_DATA_SET portIdentity "$id_a-1"
want PORT_DATA_SET portState "$state"
want PORT_DATA_SET logMinDelayReqInterval "$HV_LOG_DELAYREQ"
want PORT_DATA_SET peerMeanPathDelay 0
want PORT_DATA_SET logAnnounceInterval "$HV_LOG_ANNOUNCE"
want PORT_DATA_SET announceReceiptTimeout "$HV_ANNOUNCE_TIMEOUT"
want PORT_DATA_SET logSyncInterval "$HV_LOG_SYNC"
want PORT_DATA_SET delayMechanism 1
want PORT_DATA_SET logMinPdelayReqInterval 0
want PORT_DATA_SET versionNumber 2
want PRIORITY1 priority1 200
want PRIORITY2 priority2 128
want DOMAIN domainNumber 0
want SLAVE_ONLY slaveOnly 0
want CLOCK_ACCURACY clockAccuracy 0xfe
want USER_DESCRIPTION userDescription "hvptp interop"
want CLOCK_DESCRIPTION clockType 0x8000
want CLOCK_DESCRIPTION physicalLayerProtocol "IEEE 802.3"
want CLOCK_DESCRIPTION physicalAddress "$mac_a"
want CLOCK_DESCRIPTION protocolAddress "1 10.213.9.1"
want CLOCK_DESCRIPTION manufacturerId 00:00:00
want CLOCK_DESCRIPTION productDescription "hvptp;hvptpd;$("$HVPTPD" -v 2>&1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)"
want CLOCK_DESCRIPTION userDescription "hvptp interop"
want CLOCK_DESCRIPTION profileId 00:1b:19:00:01:00
want LOG_ANNOUNCE_INTERVAL logAnnounceInterval "$HV_LOG_ANNOUNCE"
want ANNOUNCE_RECEIPT_TIMEOUT announceReceiptTimeout "$HV_ANNOUNCE_TIMEOUT"
want LOG_SYNC_INTERVAL logSyncInterval "$HV_LOG_SYNC"
want VERSION_NUMBER versionNumber 2
want DELAY_MECHANISM delayMechanism 1
want LOG_MIN_PDELAY_REQ_INTERVAL logMinPdelayReqInterval 0
want_abs TIME_STATUS_NP master_offset $MAX_OFFSET_NS
want_cmp TIME_STATUS_NP ingress_time '>' $((now_ns - 60000000000))
want_cmp TIME_STATUS_NP ingress_time '<' $((now_ns + 10000000000))
want TIME_STATUS_NP gmPresent true
want TIME_STATUS_NP gmIdentity "$id_b"
want GRANDMASTER_SETTINGS_NP clockClass 248
want GRANDMASTER_SETTINGS_NP currentUtcOffset 37
want GRANDMASTER_SETTINGS_NP timeSource 0xa0
want PORT_DATA_SET_NP neighborPropDelayThresh 20000000
want PORT_DATA_SET_NP asCapable 1
want PORT_PROPERTIES_NP portIdentity "$id_a-1"
want PORT_PROPERTIES_NP portState "$state"
want PORT_PROPERTIES_NP timestamping SOFTWARE
want PORT_PROPERTIES_NP interface eth0
want PORT_STATS_NP portIdentity "$id_a-1"
for f in rx_Sync rx_Follow_Up rx_Announce rx_Delay_Resp tx_Delay_Req; do
	want_cmp PORT_STATS_NP $f '>' 0
done
want SUBSCRIBE_EVENTS_NP duration 0
nfields=$(grep -cE '^		[A-Za-z_.]+ ' "$TR")
[ "${#bad[@]}" -eq 0 ] || hv_fail "pmc fields wrong: ${bad[*]}"
offset=$(tf "$TR" CURRENT_DATA_SET offsetFromMaster)
hv_info "all $(echo "$IDS" | wc -w) GETs answered: $nfields fields decoded, $nchecks checks passed ($state, offset $offset ns)"

# --- 2. the read-only socket ---------------------------------------------------
ro_out=$(pmc -u -b 0 -s "$uds_ro" "SET PRIORITY1 100" "GET PRIORITY1" 2>/dev/null)
echo "$ro_out" | grep -q "RESPONSE MANAGEMENT_ERROR_STATUS" ||
	hv_fail "read-only socket did not refuse SET PRIORITY1: $ro_out"
echo "$ro_out" | grep -qE "priority1 +200" ||
	hv_fail "read-only socket GET PRIORITY1: $ro_out"
hv_pmc_expect a PRIORITY1 priority1 200
[ "$(stat -c %a "$uds_a")" = 660 ] || hv_fail "mode of $uds_a is $(stat -c %a "$uds_a")"
[ "$(stat -c %a "$uds_ro")" = 666 ] || hv_fail "mode of $uds_ro is $(stat -c %a "$uds_ro")"

# --- 3. SET PRIORITY1 100: everybody follows hvptpd -----------------------------
SUB=$HV_TMP/subscriber.txt
(echo "SET SUBSCRIBE_EVENTS_NP duration 60 NOTIFY_PORT_STATE on"; sleep 8) |
	pmc -u -b 0 -s "$uds_a" >"$SUB" 2>&1 &
sub_pid=$!
sleep 0.5
t0=$(hv_now_us)
set_out=$(hv_pmc a "SET PRIORITY1 100")
echo "$set_out" | grep -qE "priority1 +100" || hv_fail "SET PRIORITY1 100: $set_out"
hv_wait_cmd 20 c_follows "$id_a" || hv_fail "C does not follow hvptpd: $(gm_of_c)"
t1=$(hv_now_us)
switch_ms=$(((t1 - t0) / 1000))
hv_info "C follows hvptpd ${switch_ms} ms after SET PRIORITY1 100"
b_follows() { [ "$(hv_pmc_field b PARENT_DATA_SET grandmasterIdentity)" = "$id_a" ]; }
hv_wait_cmd 10 b_follows || hv_fail "B does not follow hvptpd"
a_master() { [ "$(hv_pmc_field a PORT_DATA_SET portState)" = MASTER ]; }
hv_wait_cmd 10 a_master || hv_fail "hvptpd's port is not MASTER after the SET"
hv_pmc_expect a PARENT_DATA_SET grandmasterIdentity "$id_a"
hv_pmc_expect a PARENT_DATA_SET grandmasterPriority1 100
hv_pmc_expect a CURRENT_DATA_SET stepsRemoved 0
hv_pmc_expect c PARENT_DATA_SET grandmasterPriority1 100
hv_pmc_expect c CURRENT_DATA_SET stepsRemoved 1
wait "$sub_pid"
nnotes=$(grep -c "RESPONSE MANAGEMENT PORT_DATA_SET" "$SUB")
grep -A2 "RESPONSE MANAGEMENT PORT_DATA_SET" "$SUB" | grep -qE "portState +MASTER" ||
	hv_fail "the subscriber saw no MASTER notification: $(cat "$SUB")"
{
	echo "----- subscriber:"
	cat "$SUB"
} >>"$(hv_log a)"

hv_finish
[ "$switch_ms" -le "$SWITCH_MS" ] ||
	hv_fail "C took ${switch_ms} ms to follow (limit $SWITCH_MS ms, $SWITCH_INTERVALS announce intervals)"
hv_result "$(echo "$IDS" | wc -w) GET IDs answered, $nchecks field checks pass; RO refuses SET; SET PRIORITY1 -> C follows in ${switch_ms} ms; $nnotes port state notifications"
