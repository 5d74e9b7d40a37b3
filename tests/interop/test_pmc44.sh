#!/bin/bash
# test_pmc44.sh — linuxptp 4.4's pmc and nsm against hvptpd, side by side
# with ptp4l 4.4 in the same role.
#
#   ns a: hvptpd     priority1 200 --\
#   ns b: ptp4l 4.4  priority1 100 ---+-- ns br: bridge br0 --- ns d: nsm 4.4
#   ns c: ptp4l 4.4  priority1 200 --/
#
# A (hvptpd) and C (ptp4l 4.4) have the same configuration and both follow
# B.  Every question goes to both; their answers are compared.
# 1. pmc 4.4 GET of linuxptp 4.4's IDs (ALTERNATE_TIME_OFFSET_ENABLE/NAME/
#    PROPERTIES, SYNCHRONIZATION_UNCERTAIN_NP, PORT_SERVICE_STATS_NP,
#    POWER_PROFILE_SETTINGS_NP, CMLDS_INFO_NP) and of CLOCK_DESCRIPTION and
#    PORT_STATS_NP: the same field names in the same order; the same
#    values where both must agree (defaults, configuration), each node's
#    own address, the counters non-zero in both or zero in both.
# 2. pmc 4.4 SETs of those IDs (and refused ones): the same answers.
# 3. The read-only sockets: the same kinds of answers (RESPONSE, error
#    status, empty) to GETs ptp4l 4.4 refuses there, others, and SETs.
# 4. nsm 4.4 (batch mode) asks A and C: both answer with a complete NSM
#    report naming B as the parent.
# 5. SET PRIORITY1 50 on A: A becomes the grandmaster with the C37.238-2017
#    TLV, an ALTERNATE_TIME_OFFSET_INDICATOR and synchronizationUncertain
#    set in its Announces; C (ptp4l 4.4, which drops a C37.238 TLV of a bad
#    length) follows it; Wireshark's dissector finds nothing malformed and
#    reads those fields.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup pmc44
hv_is_standin && hv_skip "needs hvptpd's management (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
[ -x "$HV_PTP44/nsm" ] || hv_skip "linuxptp 4.4's nsm was not built in $HV_PTP44"
command -v tshark >/dev/null 2>&1 || hv_skip "tshark not found (scripts/deps.sh)"

hv_ns_add br
hv_bridge br br0
i=1
for n in a b c d; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.14.$i/24"
	i=$((i + 1))
done
ip_a=10.213.14.1
ip_b=10.213.14.2
ip_c=10.213.14.3

# the same lines for A and C; C (ptp4l) needs hybrid_e2e for NSM, which
# hvptpd does always (a unicast Delay_Req is answered by unicast)
common=("priority1 200" "net_sync_monitor 1")
hv_node a a dut "${common[@]}"
hv_node b b ptp4l44 "priority1 100" "uds_ro_address $(hv_uds b)ro"
hv_node c c ptp4l44 "${common[@]}" "hybrid_e2e 1" "uds_ro_address $(hv_uds c)ro"
hv_run b -i eth0
hv_run a -i eth0
hv_run c -i eth0

hv_wait_log b "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l 4.4 B did not take the master role"
id_b=$(hv_clock_id b eth0)
for n in a c; do
	hv_wait_log "$n" "selected best master clock $id_b" 20 ||
		hv_fail "$n did not select B ($id_b)"
done
enough() { [ "$(hv_log_offsets "$1" | wc -l)" -ge 8 ]; }
hv_wait_cmd 20 enough a || hv_fail "hvptpd logged fewer than 8 offsets"
hv_wait_cmd 20 enough c || hv_fail "ptp4l 4.4 C logged fewer than 8 offsets"
id_a=$(hv_clock_id a eth0)
mac_a=$(hv_mac a eth0)
mac_c=$(hv_mac c eth0)

# ask NODE SOCKET EXPECT 'REQUEST'...: pmc 4.4 on SOCKET in NODE's
# namespace, again (at most 5 times: pmc waits 100 ms for each answer)
# until EXPECT answers came.
ask() {
	local node=$1 sock=$2 want=$3 out i
	shift 3
	for ((i = 0; i < 5; i++)); do
		out=$(timeout 10 ip netns exec "$(hv_ns "${HV_NODE_NS[$node]}")" \
			"$HV_PTP44/pmc" -u -b 0 -s "$sock" "$@" 2>/dev/null)
		[ "$(echo "$out" | grep -c ' seq [0-9]* ')" -ge "$want" ] && break
	done
	echo "$out"
}
# body FILE ID: the lines of ID's answer after its header, as "name value"
body() {
	awk -v id="$2" '/ seq [0-9]+ / { inblk = ($0 ~ ("MANAGEMENT " id " *$")); next }
		inblk { $1 = $1; print }' "$1"
}
# kinds FILE: per answer, its action and TLV ("RESPONSE MANAGEMENT X",
# "RESPONSE MANAGEMENT_ERROR_STATUS", "RESPONSE MANAGEMENT empty-tlv")
kinds() { awk '/ seq [0-9]+ / { $1 = ""; $2 = ""; $3 = ""; $1 = $1; print }' "$1"; }
log_both() { # TITLE FILE-A FILE-C
	{
		echo "----- $1: hvptpd"
		cat "$2"
		echo "----- $1: ptp4l 4.4"
		cat "$3"
	} >>"$(hv_log a)"
}
bad=()
nchecks=0
same() { # WHAT A C
	nchecks=$((nchecks + 1))
	[ "$2" = "$3" ] || bad+=("$1: hvptpd '$2', ptp4l 4.4 '$3'")
}
is() { # WHAT GOT WANT
	nchecks=$((nchecks + 1))
	[ "$2" = "$3" ] || bad+=("$1: '$2', want '$3'")
}
val() { body "$1" "$2" | awk -v f="$3" '$1 == f { $1 = ""; sub(/^ +/, ""); print; exit }'; }

# --- 1. GETs -------------------------------------------------------------------
IDS="ALTERNATE_TIME_OFFSET_ENABLE ALTERNATE_TIME_OFFSET_NAME
ALTERNATE_TIME_OFFSET_PROPERTIES SYNCHRONIZATION_UNCERTAIN_NP
PORT_SERVICE_STATS_NP POWER_PROFILE_SETTINGS_NP CMLDS_INFO_NP
CLOCK_DESCRIPTION PORT_STATS_NP"
for n in a c; do
	: >"$HV_TMP/get-$n.txt"
	for id in $IDS; do
		ask "$n" "$(hv_uds "$n")" 1 "GET $id" >>"$HV_TMP/get-$n.txt"
	done
done
A=$HV_TMP/get-a.txt
C=$HV_TMP/get-c.txt
log_both "pmc 4.4 -u -b 0 GET (linuxptp 4.4's IDs)" "$A" "$C"
nfields=0
for id in $IDS; do
	grep -qE "RESPONSE MANAGEMENT $id *$" "$A" || bad+=("hvptpd: no answer to GET $id")
	grep -qE "RESPONSE MANAGEMENT $id *$" "$C" || bad+=("ptp4l 4.4: no answer to GET $id")
	same "$id fields" "$(body "$A" "$id" | awk '{ print $1 }' | tr '\n' ' ')" \
		"$(body "$C" "$id" | awk '{ print $1 }' | tr '\n' ' ')"
	nfields=$((nfields + $(body "$A" "$id" | wc -l)))
done
# defaults both must have
for id in ALTERNATE_TIME_OFFSET_ENABLE ALTERNATE_TIME_OFFSET_NAME \
	ALTERNATE_TIME_OFFSET_PROPERTIES SYNCHRONIZATION_UNCERTAIN_NP \
	POWER_PROFILE_SETTINGS_NP CMLDS_INFO_NP; do
	same "$id" "$(body "$A" "$id" | tr '\n' ';')" "$(body "$C" "$id" | tr '\n' ';')"
done
for f in clockType physicalLayerProtocol manufacturerId userDescription profileId; do
	same "CLOCK_DESCRIPTION.$f" "$(val "$A" CLOCK_DESCRIPTION $f)" \
		"$(val "$C" CLOCK_DESCRIPTION $f)"
done
is "hvptpd CLOCK_DESCRIPTION.physicalAddress" "$(val "$A" CLOCK_DESCRIPTION physicalAddress)" "$mac_a"
is "ptp4l 4.4 CLOCK_DESCRIPTION.physicalAddress" "$(val "$C" CLOCK_DESCRIPTION physicalAddress)" "$mac_c"
is "hvptpd CLOCK_DESCRIPTION.protocolAddress" "$(val "$A" CLOCK_DESCRIPTION protocolAddress)" "1 $ip_a"
is "ptp4l 4.4 CLOCK_DESCRIPTION.protocolAddress" "$(val "$C" CLOCK_DESCRIPTION protocolAddress)" "1 $ip_c"
is "hvptpd PORT_STATS_NP.portIdentity" "$(val "$A" PORT_STATS_NP portIdentity)" "$id_a-1"
is "hvptpd PORT_SERVICE_STATS_NP.portIdentity" "$(val "$A" PORT_SERVICE_STATS_NP portIdentity)" "$id_a-1"
# counters: non-zero in both or zero in both; not those that depend on
# whether a node was MASTER for a moment before it heard B (its Announce
# receipt timeout), not the Sync/Follow_Up mismatches (a loaded machine
# reads a second Sync before the first one's Follow_Up now and then: both
# count it then, each when it happens to it), and not rx_Delay_Req (C's
# Delay_Reqs are unicast, hybrid_e2e: A never sees them; C sees A's
# multicast ones)
zero_or_not() { # FILE ID FIELD
	local v
	v=$(val "$1" "$2" "$3")
	case $v in
	'') echo missing ;;
	0) echo zero ;;
	*) echo non-zero ;;
	esac
}
for id in PORT_STATS_NP PORT_SERVICE_STATS_NP; do
	for f in $(body "$C" "$id" | awk '$1 != "portIdentity" { print $1 }'); do
		case $id.$f in
		PORT_STATS_NP.rx_Delay_Req | PORT_STATS_NP.tx_Sync | \
			PORT_STATS_NP.tx_Follow_Up | PORT_STATS_NP.tx_Announce | \
			PORT_STATS_NP.tx_Delay_Resp | \
			PORT_SERVICE_STATS_NP.announce_timeout | \
			PORT_SERVICE_STATS_NP.qualification_timeout | \
			PORT_SERVICE_STATS_NP.*_mismatch | \
			PORT_SERVICE_STATS_NP.master_*) continue ;;
		esac
		same "$id.$f" "$(zero_or_not "$A" "$id" "$f")" "$(zero_or_not "$C" "$id" "$f")"
	done
done
for f in rx_Sync rx_Follow_Up rx_Announce rx_Delay_Resp tx_Delay_Req; do
	is "hvptpd PORT_STATS_NP.$f" "$(zero_or_not "$A" PORT_STATS_NP $f)" non-zero
done
is "hvptpd PORT_SERVICE_STATS_NP.delay_timeout" \
	"$(zero_or_not "$A" PORT_SERVICE_STATS_NP delay_timeout)" non-zero
[ "${#bad[@]}" -eq 0 ] || hv_fail "GET differs: ${bad[*]}"
hv_info "GET: $(echo "$IDS" | wc -w) IDs, $nfields fields from hvptpd, names as ptp4l 4.4's; $nchecks checks"

# --- 2. SETs on the read-write sockets ------------------------------------------
SETS=("SET ALTERNATE_TIME_OFFSET_NAME keyField 0 displayName CET"
	"SET ALTERNATE_TIME_OFFSET_PROPERTIES keyField 0 currentOffset 3600 jumpSeconds -3600 timeOfNextJump 1743901200"
	"SET ALTERNATE_TIME_OFFSET_ENABLE keyField 0 enable 1"
	"SET SYNCHRONIZATION_UNCERTAIN_NP 1"
	"SET POWER_PROFILE_SETTINGS_NP version 2 grandmasterID 0x1234 grandmasterTimeInaccuracy 500 networkTimeInaccuracy 1000 totalTimeInaccuracy 1500"
	"SET ALTERNATE_TIME_OFFSET_ENABLE keyField 7 enable 1"
	"SET ALTERNATE_TIME_OFFSET_PROPERTIES keyField 5 currentOffset 1 jumpSeconds 0 timeOfNextJump 0")
for n in a c; do
	: >"$HV_TMP/set-$n.txt"
	for s in "${SETS[@]}"; do
		ask "$n" "$(hv_uds "$n")" 1 "$s" >>"$HV_TMP/set-$n.txt"
	done
	for id in ALTERNATE_TIME_OFFSET_ENABLE ALTERNATE_TIME_OFFSET_NAME \
		ALTERNATE_TIME_OFFSET_PROPERTIES SYNCHRONIZATION_UNCERTAIN_NP \
		POWER_PROFILE_SETTINGS_NP; do
		ask "$n" "$(hv_uds "$n")" 1 "GET $id" >>"$HV_TMP/set-$n.txt"
	done
done
log_both "pmc 4.4 SET, then GET" "$HV_TMP/set-a.txt" "$HV_TMP/set-c.txt"
same "SET/GET answers" "$(kinds "$HV_TMP/set-a.txt" | tr '\n' ';')" \
	"$(kinds "$HV_TMP/set-c.txt" | tr '\n' ';')"
sa=$(awk '/ seq [0-9]+ / { $1 = ""; $2 = ""; $3 = "" } { $1 = $1; print }' "$HV_TMP/set-a.txt")
sc=$(awk '/ seq [0-9]+ / { $1 = ""; $2 = ""; $3 = "" } { $1 = $1; print }' "$HV_TMP/set-c.txt")
same "SET/GET bodies" "$(echo "$sa" | tr '\n' ';')" "$(echo "$sc" | tr '\n' ';')"
is "hvptpd refused SETs" "$(grep -c MANAGEMENT_ERROR_STATUS "$HV_TMP/set-a.txt")" 2
is "hvptpd GET ALTERNATE_TIME_OFFSET_NAME after SET" \
	"$(val "$HV_TMP/set-a.txt" ALTERNATE_TIME_OFFSET_NAME displayName)" CET
[ "${#bad[@]}" -eq 0 ] || hv_fail "SET differs: ${bad[*]}"
nset=$(grep -c ' seq [0-9]* ' "$HV_TMP/set-a.txt")
hv_info "SET: ${#SETS[@]} SETs and 5 GETs, $nset answers, the same as ptp4l 4.4's"

# --- 3. the read-only sockets ----------------------------------------------------
RO=("GET PORT_PROPERTIES_NP" "GET PORT_HWCLOCK_NP" "GET SUBSCRIBE_EVENTS_NP"
	"GET PORT_STATS_NP" "GET SYNCHRONIZATION_UNCERTAIN_NP"
	"GET POWER_PROFILE_SETTINGS_NP" "GET ALTERNATE_TIME_OFFSET_ENABLE"
	"SET PRIORITY1 100" "SET SYNCHRONIZATION_UNCERTAIN_NP 0"
	"SET POWER_PROFILE_SETTINGS_NP version 0 grandmasterID 0 grandmasterTimeInaccuracy 0 networkTimeInaccuracy 0 totalTimeInaccuracy 0")
# (pmc sends no COMMAND: "DISABLE_PORT not supported yet"; the unit tests
# cover COMMAND there)
for n in a c; do
	: >"$HV_TMP/ro-$n.txt"
	for s in "${RO[@]}"; do
		ask "$n" "$(hv_uds "$n")ro" 1 "$s" >>"$HV_TMP/ro-$n.txt"
	done
done
log_both "pmc 4.4 on the read-only socket" "$HV_TMP/ro-a.txt" "$HV_TMP/ro-c.txt"
ka=$(kinds "$HV_TMP/ro-a.txt")
same "read-only answers" "$(echo "$ka" | tr '\n' ';')" \
	"$(kinds "$HV_TMP/ro-c.txt" | tr '\n' ';')"
nrefused=$(echo "$ka" | grep -c MANAGEMENT_ERROR_STATUS)
is "hvptpd read-only refusals" "$nrefused" 5
[ "${#bad[@]}" -eq 0 ] || hv_fail "read-only socket differs: ${bad[*]}"
hv_info "read-only: ${#RO[@]} requests, $nrefused refused, answers as ptp4l 4.4's"

# --- 4. nsm 4.4 -------------------------------------------------------------------
printf '[global]\ntime_stamping software\nlogging_level 6\n' >"$HV_TMP/nsm.cfg"
NSM=$HV_TMP/nsm.txt
for ((i = 0; i < 3; i++)); do
	timeout 10 ip netns exec "$(hv_ns d)" "$HV_PTP44/nsm" -f "$HV_TMP/nsm.cfg" \
		-i eth0 "NSM $ip_a" "NSM $ip_c" >"$NSM" 2>&1
	[ "$(grep -c "NSM MEASUREMENT COMPLETE" "$NSM")" -ge 2 ] && break
done
{
	echo "----- nsm 4.4 -i eth0 'NSM $ip_a' 'NSM $ip_c':"
	cat "$NSM"
} >>"$(hv_log a)"
# nsm FIELD N: FIELD of the N-th report (1: A, 2: C)
nsmf() { awk -v f="$1" -v k="$2" '/NSM MEASUREMENT COMPLETE/ { r++ } r == k && $1 == f { $1 = ""; sub(/^ +/, ""); print; exit }' "$NSM"; }
is "nsm reports" "$(grep -c "NSM MEASUREMENT COMPLETE" "$NSM")" 2
is "nsm hvptpd parentPortAddress" "$(nsmf parentPortAddress 1)" "1 $ip_b"
is "nsm hvptpd grandmasterIdentity" "$(nsmf grandmasterIdentity 1)" "$id_b"
is "nsm hvptpd stepsRemoved" "$(nsmf stepsRemoved 1)" 1
for f in parentPortAddress portState parentPortIdentity grandmasterIdentity \
	grandmasterPriority1 gm.ClockClass stepsRemoved currentUtcOffset \
	ptpTimescale timeSource; do
	same "nsm $f" "$(nsmf "$f" 1)" "$(nsmf "$f" 2)"
done
off_a=$(nsmf offset 1)
off_c=$(nsmf offset 2)
last_a=$(nsmf lastSyncTimestamp 1)
[ "${#bad[@]}" -eq 0 ] || hv_fail "nsm: ${bad[*]}"
[ "$(hv_abs_int "${off_a:-999999999}")" -lt 1000000 ] ||
	hv_fail "nsm: hvptpd's offset $off_a ns (same system clock: want < 1 ms)"
hv_info "nsm: hvptpd offset $off_a ns, lastSync $last_a; ptp4l 4.4 offset $off_c ns"

# --- 5. hvptpd as grandmaster: its Announce TLVs ---------------------------------
cap=$(hv_capture_start a eth0)
set_out=$(hv_pmc44 a "SET PRIORITY1 50")
echo "$set_out" | grep -qE "priority1 +50" || hv_fail "SET PRIORITY1 50: $set_out"
c_follows() { [ "$(hv_pmc_field c PARENT_DATA_SET grandmasterIdentity)" = "$id_a" ]; }
hv_wait_cmd 20 c_follows || hv_fail "ptp4l 4.4 C does not follow hvptpd (its Announce TLVs?)"
sleep 1
pkts=$(hv_capture_check "$cap" "$ip_a")
ann=$(tshark -r "$cap" -Y "ptp.v2.messagetype == 0xb && ip.src == $ip_a" -T fields \
	-e ptp.v2.flags.synchronizationUncertain -e ptp.v2.an.oe.organizationId \
	-e ptp.v2.an.oe.organizationSubType -e ptp.v2.an.atoi.keyField \
	-e ptp.v2.an.atoi.currentOffset -e ptp.v2.an.atoi.displayName 2>/dev/null |
	sort | uniq -c | sort -rn | head -n 1)
echo "----- tshark, hvptpd's Announces: $ann" >>"$(hv_log a)"
read -r nann rest <<<"$ann"
IFS=$'\t' read -r su org sub key cur name <<<"$rest"
# (tshark shows displayName twice: "CET,CET")
if ! [ "$su" = 1 ] || ! [ "$((org))" = "$((0x1c129d))" ] ||
	! [ "$((sub))" = 2 ] || ! [ "$key" = 0 ] || ! [ "$cur" = 3600 ] ||
	! [ "${name%%,*}" = CET ]; then
	hv_fail "hvptpd's Announces as tshark reads them: '$ann'"
fi

hv_finish
hv_result "pmc 4.4: $(echo "$IDS" | wc -w) IDs with ptp4l 4.4's fields ($nfields), ${#SETS[@]} SETs and ${#RO[@]} read-only requests answered as ptp4l 4.4 ($nrefused refused); nsm: hvptpd offset $off_a ns (ptp4l 4.4 $off_c ns); as GM: $nann Announces with C37.238-2017, ATOI 'CET' and synchronizationUncertain, C follows; tshark: $pkts; $nchecks checks"
