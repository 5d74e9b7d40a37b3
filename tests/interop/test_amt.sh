#!/bin/bash
# test_amt.sh — the acceptable master table against real masters.
#
#   ns a: ptp4l 3.1.1, priority1 50, masterOnly  --\
#   ns b: ptp4l 4.4,   priority1 100, serverOnly ---+-- ns br: bridge br0
#   ns s: hvptpd -s, acceptable_master_table_enabled 1 --/
#
# 1. The table holds b's clock identity only: hvptpd follows b, not the
#    better a, and counts a's Announces as not_acceptable (hvptpctl get
#    HVPTP_PORT_DROPS_NP).
# 2. SIGHUP after a's identity was added with alternatePriority1 200: b
#    still wins (a's 50 counts as 200), and a's Announces are no longer
#    dropped.
# 3. SIGHUP after a's entry lost its alternatePriority1: hvptpd follows a.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup amt
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"
hv_ns_add br
hv_bridge br br0
i=1
for n in a b s; do
	hv_ns_add "$n"
	hv_veth "$n" eth0 br "p$n"
	hv_bridge_port br br0 "p$n"
	hv_addr "$n" eth0 "10.213.25.$i/24"
	i=$((i + 1))
done
# 3.1.1 knows serverOnly by its old name
hv_node a a ptp4l "priority1 50" "masterOnly 1"
hv_node b b ptp4l44 "priority1 100" "serverOnly 1" "uds_ro_address $(hv_uds b)ro"
hv_run a -i eth0
hv_run b -i eth0
hv_wait_log a "selected local clock $HV_RE_ID as best master" 15 || hv_fail "a did not start as master"
hv_wait_log b "selected local clock $HV_RE_ID as best master" 15 || hv_fail "b did not start as master"
id_a=$(hv_clock_id a eth0)
id_b=$(hv_clock_id b eth0)
hv_info "a (3.1.1, priority1 50) $id_a, b (4.4, priority1 100) $id_b"

hv_node s s dut "[acceptable_master_table]" "$id_b" "[eth0]" \
	"acceptable_master_table_enabled 1"
scfg=$(hv_cfg s)
hv_run s -s

gm_s() { hv_pmc_field s PARENT_DATA_SET grandmasterIdentity; }
follows() { [ "$(gm_s)" = "$1" ]; }
drops() {
	timeout 10 ip netns exec "$(hv_ns s)" "$HVPTPCTL" -s "$(hv_uds s)" \
		get HVPTP_PORT_DROPS_NP 1 2>/dev/null |
		awk '$1 == "not_acceptable" { print $2; exit }'
}

# --- 1. only b acceptable -----------------------------------------------------
hv_wait_cmd 20 follows "$id_b" || hv_fail "hvptpd does not follow b: $(gm_s)"
sleep 2
follows "$id_b" || hv_fail "hvptpd left b: $(gm_s)"
d1=$(drops)
if [ -z "$d1" ] || [ "$d1" -eq 0 ]; then
	hv_fail "no not_acceptable drops counted ('$d1')"
fi
grep -q "new foreign master $id_a" "$(hv_log s)" && hv_fail "a was recorded as a foreign master"

# --- 2. a acceptable with alternatePriority1 200 --------------------------------
printf '%s\n' "[acceptable_master_table]" "$id_b" "$id_a 200" \
	"[eth0]" "acceptable_master_table_enabled 1" >"$scfg.new"
sed -n '1,/^\[acceptable_master_table\]$/p' "$scfg" | sed '$d' >"$scfg.head"
cat "$scfg.head" "$scfg.new" >"$scfg"
kill -HUP "${HV_NODE_PID[s]}"
hv_wait_log s "reload: [0-9]+ changes? applied" 10 || hv_fail "no reload summary after SIGHUP"
hv_wait_log s "new foreign master $id_a" 10 || hv_fail "a's Announces not taken after the reload"
sleep 3
follows "$id_b" || hv_fail "hvptpd left b although a's alternatePriority1 is 200: $(gm_s)"
# a is acceptable now: its Announces are no longer dropped
d2=$(drops)
sleep 2
d3=$(drops)
[ "$d2" = "$d3" ] || hv_fail "not_acceptable still counting after a was added: $d2 -> $d3"

# --- 3. a acceptable as it is -----------------------------------------------------
sed -i "s/^$id_a 200\$/$id_a/" "$scfg"
grep -qx "$id_a" "$scfg" || hv_fail "could not edit $scfg"
n_reload=$(grep -cE "reload: [0-9]+ changes? applied" "$(hv_log s)")
kill -HUP "${HV_NODE_PID[s]}"
wait_reload() { [ "$(grep -cE "reload: [0-9]+ changes? applied" "$(hv_log s)")" -gt "$n_reload" ]; }
hv_wait_cmd 10 wait_reload || hv_fail "no second reload summary"
hv_wait_cmd 20 follows "$id_a" || hv_fail "hvptpd does not follow a once acceptable: $(gm_s)"
hv_finish
hv_result "table {b}: follows b (priority1 100) over a (50), $d1 of a's Announces not_acceptable; {b, a 200}: still b; {b, a}: follows a"
