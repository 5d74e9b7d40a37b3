#!/bin/bash
# test_unicast.sh — unicast negotiation (IEEE 1588-2019 16.1) with
# linuxptp's own stock configurations, both directions, ptp4l 3.1.1 and
# 4.4.
#
#   ns br: bridge; ns m1 ... on it, 10.213.30.0/24
#   1. m1: hvptpd with UNICAST-MASTER.cfg (unicast_listen, hybrid_e2e,
#      inhibit_multicast_service); c1: Debian's ptp4l -s and c2: ptp4l
#      4.4 -s, each with UNICAST-SLAVE.cfg's table 1 pointing at m1.
#   2. m2: ptp4l 4.4 and m3: Debian's ptp4l with UNICAST-MASTER.cfg; c3:
#      hvptpd -s with UNICAST-SLAVE.cfg's table 1 listing m2 and m3 (the
#      BMCA over the unicast masters picks m2, priority1 100).
#
# The stock files' [global] lines are used as they are; table 1 gets this
# network's addresses instead of the examples' (one per master), the other
# tables and the [eth1] section (L2 over another port) are left out.
# Asserted: every client's port reaches UNCALIBRATED with the right
# parent (pmc), |offset| < 100 us, and still follows after 58 s, when
# every 60-s grant has been renewed (at 3/4 of it).  Over captures on m1's and c3's eth0
# (hv_capture_start, tshark): hvptpd's
# master sends Signaling (grants) and unicast Sync, Follow_Up, Announce
# and no multicast Sync or Announce (inhibit_multicast_service); hvptpd's
# client sends its Delay_Req by unicast to its master (hybrid_e2e) and
# none to the group; Wireshark's PTP dissector finds nothing malformed and
# no warning or error in anything either hvptpd sends.  Offsets
# median/max are printed per pair.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MAX_OFFSET_NS=100000
SKIP_SAMPLES=3
MIN_SAMPLES=8

hv_setup unicast
hv_is_standin && hv_skip "needs hvptpd (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
stock=""
for d in "$HV_PTP44/configs" /usr/share/doc/linuxptp/configs; do
	if [ -f "$d/UNICAST-MASTER.cfg" ] && [ -f "$d/UNICAST-SLAVE.cfg" ]; then
		stock=$d
		break
	fi
done
[ -n "$stock" ] || hv_skip "no UNICAST-MASTER.cfg / UNICAST-SLAVE.cfg (linuxptp 4.4 configs/ or Debian's linuxptp)"
hv_info "stock configurations from $stock"

# The option lines of a stock file's [global] section.
stock_global() {
	awk '/^\[/ { g = ($0 == "[global]"); next }
	     g && !/^[[:space:]]*(#|$)/ { print }' "$1"
}
# UNICAST-SLAVE.cfg's table 1 header lines, then one UDPv4 line per
# address given.
stock_table1() {
	local f=$1
	shift
	awk '/^\[/ { t = 0; if ($0 == "[unicast_master_table]") { s++ } ; next }
	     s == 1 && /^(table_id|logQueryInterval)/ { print }' "$f" |
		sed '1i [unicast_master_table]'
	printf 'UDPv4 %s\n' "$@"
}
mapfile -t master_lines < <(stock_global "$stock/UNICAST-MASTER.cfg")
mapfile -t slave_lines < <(stock_global "$stock/UNICAST-SLAVE.cfg")
if [ "${#master_lines[@]}" -eq 0 ] || [ "${#slave_lines[@]}" -eq 0 ]; then
	hv_fail "cannot read the stock files' [global] lines"
fi
hv_info "UNICAST-MASTER.cfg: ${master_lines[*]}; UNICAST-SLAVE.cfg: ${slave_lines[*]}"

hv_ns_add br
hv_bridge br br0
n=0
for node in m1 c1 c2 m2 m3 c3; do
	n=$((n + 1))
	hv_ns_add "$node"
	hv_veth "$node" eth0 br "p$node"
	hv_bridge_port br br0 "p$node"
	hv_addr "$node" eth0 "10.213.30.$n/24"
done
# m1 .1, c1 .2, c2 .3, m2 .4, m3 .5, c3 .6

mapfile -t t_m1 < <(stock_table1 "$stock/UNICAST-SLAVE.cfg" 10.213.30.1)
mapfile -t t_c3 < <(stock_table1 "$stock/UNICAST-SLAVE.cfg" 10.213.30.4 10.213.30.5)
hv_node m1 m1 dut "priority1 100" "${master_lines[@]}"
hv_node c1 c1 ptp4l "${slave_lines[@]}" "${t_m1[@]}"
hv_node c2 c2 ptp4l44 "${slave_lines[@]}" "${t_m1[@]}"
hv_node m2 m2 ptp4l44 "priority1 100" "${master_lines[@]}"
hv_node m3 m3 ptp4l "priority1 110" "${master_lines[@]}"
hv_node c3 c3 dut "${slave_lines[@]}" "${t_c3[@]}"
for node in c1 c2 c3; do
	# ptp4l needs the table's port to name it
	printf '[eth0]\nunicast_master_table 1\n' >>"$(hv_cfg "$node")"
done
cap1=$(hv_capture_start m1 eth0)
cap3=$(hv_capture_start c3 eth0)
hv_run m1 -i eth0
hv_run m2 -i eth0
hv_run m3 -i eth0
hv_run c1 -i eth0 -s
hv_run c2 -i eth0 -s
hv_run c3 -i eth0 -s

m1_id=$(hv_clock_id m1 eth0)
m2_id=$(hv_clock_id m2 eth0)
for c in c1 c2 c3; do
	hv_wait_log "$c" "$(hv_re_state 1 UNCALIBRATED)" 40 ||
		hv_fail "$c's port did not reach UNCALIBRATED"
done
sleep 6

# hvptpd as the client: its own offset lines.
samples=$(hv_log_offsets c3 | tail -n +$((SKIP_SAMPLES + 1)))
[ "$(echo "$samples" | grep -c .)" -ge "$MIN_SAMPLES" ] ||
	hv_fail "hvptpd client: fewer than $MIN_SAMPLES offset lines"
read -r c3med c3max < <(echo "$samples" | awk '{ print $1 }' | hv_abs_median_max)
hv_pmc_expect c3 PARENT_DATA_SET parentPortIdentity "$m2_id-1"
m3_id=$(hv_clock_id m3 eth0)

# UNICAST_MASTER_TABLE_NP by linuxptp 4.4's pmc: hvptpd's table as
# ptp4l's (the selected master in HAVE_SYDY, the other in HAVE_ANN).
uctab() {
	local i out
	for ((i = 0; i < 5; i++)); do
		out=$(hv_pmc44 "$1" "GET UNICAST_MASTER_TABLE_NP")
		if grep -q actual_table_size <<<"$out"; then
			echo "$out"
			return 0
		fi
		sleep 0.5
	done
	return 1
}
t3=$(uctab c3) || hv_fail "no UNICAST_MASTER_TABLE_NP from hvptpd (pmc 4.4)"
t2=$(uctab c2) || hv_fail "no UNICAST_MASTER_TABLE_NP from ptp4l 4.4"
hv_info "pmc 4.4, hvptpd client: $(echo "$t3" | grep -v 'sending:' | tr -s ' \t\n' ' ')"
hv_info "pmc 4.4, ptp4l 4.4 client: $(echo "$t2" | grep -v 'sending:' | tr -s ' \t\n' ' ')"
grep -q "actual_table_size 2" <<<"$t3" || hv_fail "hvptpd: actual_table_size not 2: $t3"
grep -Eq "yes +$m2_id-1 +10\.213\.30\.4 +HAVE_SYDY +248 " <<<"$t3" ||
	hv_fail "hvptpd: no selected HAVE_SYDY entry for $m2_id-1: $t3"
grep -Eq "no +$m3_id-1 +10\.213\.30\.5 +HAVE_ANN +248 " <<<"$t3" ||
	hv_fail "hvptpd: no HAVE_ANN entry for $m3_id-1: $t3"
grep -Eq "yes +$m1_id-1 +10\.213\.30\.1 +HAVE_SYDY " <<<"$t2" ||
	hv_fail "ptp4l 4.4's table does not show hvptpd's master selected: $t2"
# ... and hvptpctl's decoding of it (--json)
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
if [ -x "$HVPTPCTL" ]; then
	j=$(timeout 20 ip netns exec "$(hv_ns c3)" "$HVPTPCTL" -s "$(hv_uds c3)" \
		--json get UNICAST_MASTER_TABLE_NP 2>&1) ||
		hv_fail "hvptpctl get UNICAST_MASTER_TABLE_NP: $j"
	ctl_note=$(python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
e = d["responses"][0]["data"]["unicast_masters"]
print(" ".join("%s:%s:%s" % (x["address"]["address"], x["state_name"],
      "selected" if x["selected"] else "-") for x in e))' <<<"$j") ||
		hv_fail "hvptpctl --json: not the table: $j"
	[ "$ctl_note" = "10.213.30.4:HAVE_SYDY:selected 10.213.30.5:HAVE_ANN:-" ] ||
		hv_fail "hvptpctl: $ctl_note"
	hv_info "hvptpctl get UNICAST_MASTER_TABLE_NP: $ctl_note"
fi

# ptp4l as the client: offsetFromMaster by pmc.
poll_offsets() {
	local i ds out=()
	for ((i = 0; i < 5; i++)); do
		ds=$(hv_pmc_get "$1" CURRENT_DATA_SET)
		out+=("$(echo "$ds" | awk '$1 == "offsetFromMaster" { printf "%d", $2 }')")
		sleep 1
	done
	printf '%s\n' "${out[@]}"
}
for c in c1 c2; do
	parent=$(hv_pmc_field "$c" PARENT_DATA_SET parentPortIdentity)
	[ "$parent" = "$m1_id-1" ] ||
		hv_fail "$c's parentPortIdentity '$parent', expected hvptpd's $m1_id-1"
done
mapfile -t o1 < <(poll_offsets c1)
mapfile -t o2 < <(poll_offsets c2)
read -r c1med c1max < <(printf '%s\n' "${o1[@]}" | hv_abs_median_max)
read -r c2med c2max < <(printf '%s\n' "${o2[@]}" | hv_abs_median_max)
hv_info "ptp4l 3.1.1 client of hvptpd: offsetFromMaster ${o1[*]} ns"
hv_info "ptp4l 4.4 client of hvptpd: offsetFromMaster ${o2[*]} ns"
states=$(for c in c1 c2 c3; do printf '%s=%s ' "$c" "$(hv_port_state "$c" 1)"; done)

# Past the renewals: UNICAST-SLAVE.cfg asks for 60 s, renewed at 3/4 of
# it (45 s, at the next query tick 4 s apart), so at 58 s from the start
# every grant has been renewed once; the clients still follow.
while [ $(($(hv_now_us) - HV_NODE_T0[c1])) -lt 58000000 ]; do sleep 1; done
renewed_states=$(for c in c1 c2 c3; do printf '%s=%s ' "$c" "$(hv_port_state "$c" 1)"; done)

# What hvptpd sent, as Wireshark sees it (none malformed or warned:
# hv_capture_check), and where it went.
chk1=$(hv_capture_check "$cap1" 10.213.30.1)
chk3=$(hv_capture_check "$cap3" 10.213.30.6)
tsk_count() { tshark -r "$1" -Y "ptp && ip.src == $2 && $3" 2>/dev/null | grep -c .; }
mc='ip.dst == 224.0.1.129'
n_sig=$(tsk_count "$cap1" 10.213.30.1 "ptp.v2.messagetype == 0xc")
n_sig3=$(tsk_count "$cap3" 10.213.30.6 "ptp.v2.messagetype == 0xc")
n_usync=$(tsk_count "$cap1" 10.213.30.1 "ptp.v2.messagetype == 0x0 && !($mc)")
n_uann=$(tsk_count "$cap1" 10.213.30.1 "ptp.v2.messagetype == 0xb && !($mc)")
n_mc=$(tsk_count "$cap1" 10.213.30.1 "(ptp.v2.messagetype == 0x0 || ptp.v2.messagetype == 0xb) && $mc")
n_udreq=$(tsk_count "$cap3" 10.213.30.6 "ptp.v2.messagetype == 0x1 && ip.dst == 10.213.30.4")
n_mdreq=$(tsk_count "$cap3" 10.213.30.6 "ptp.v2.messagetype == 0x1 && $mc")
tsk="tshark: hvptpd master sent $chk1: $n_sig Signaling (grants and renewals), $n_usync unicast Sync, $n_uann unicast Announce, $n_mc multicast Sync/Announce; hvptpd client sent $chk3: $n_sig3 Signaling (requests and renewals), $n_udreq unicast Delay_Req, $n_mdreq multicast; none malformed or warned"
hv_info "$tsk"

hv_finish
if [ "$n_sig" -eq 0 ] || [ "$n_usync" -eq 0 ] || [ "$n_uann" -eq 0 ]; then
	hv_fail "hvptpd's master sent no grants or no unicast Sync/Announce: $tsk"
fi
# each ptp4l client: Announce, Sync + Delay_Resp, then its renewal; the
# hvptpd client: Announce to both masters, Sync + Delay_Resp, a renewal
if [ "$n_sig" -lt 6 ] || [ "$n_sig3" -lt 4 ]; then
	hv_fail "grants not renewed by 58 s: $tsk"
fi
case $renewed_states in
*LISTENING* | *FAULTY* | *MASTER*) hv_fail "after the renewals: $renewed_states" ;;
esac
[ "$n_mc" -eq 0 ] || hv_fail "inhibit_multicast_service: $tsk"
if [ "$n_udreq" -eq 0 ] || [ "$n_mdreq" -ne 0 ]; then
	hv_fail "hybrid_e2e: $tsk"
fi
for c in c1 c2 c3; do
	[ "$(hv_port_state "$c" 1)" = UNCALIBRATED ] ||
		hv_fail "$c left UNCALIBRATED: $states"
done
for v in "$c1max" "$c2max" "$c3max"; do
	[ "$v" -lt "$MAX_OFFSET_NS" ] || hv_fail "|offset| max $v ns >= $MAX_OFFSET_NS ns"
done
hv_result "hvptpd unicast master -> ptp4l 3.1.1 |offset| median $c1med max $c1max ns, -> ptp4l 4.4 median $c2med max $c2max ns; ptp4l 4.4 + 3.1.1 unicast masters -> hvptpd client (parent ptp4l 4.4) median $c3med max $c3max ns; $tsk"
