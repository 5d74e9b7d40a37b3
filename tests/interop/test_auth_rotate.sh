#!/bin/bash
# test_auth_rotate.sh — a key rotated on running daemons (SIGHUP reloads
# the sa_file and active_key_id), as ptp4l's sa_file allows: the new key
# added everywhere, the senders moved to it, the old one removed.
#
#   ns g: hvptpd GM (spp 1) --- veth --- ns s: hvptpd -s (spp 1)
#
# Steps, each a SIGHUP to one or both: (1) both sa_files hold keys 1 and
# 2; (2) the GM sends with key 2; (3) the slave sends with key 2; (4) both
# hold key 2 only.  Through all of it the slave stays UNCALIBRATED (no
# state change), its "master offset" lines go on (counted per step) and
# neither counts an authentication drop.  Then the GM goes back to key 1
# alone: the slave refuses it (auth_unknown_key) and loses its master.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup auth_rotate
hv_is_standin && hv_skip "needs hvptpd's reload (HVPTPD is ptp4l)"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"

hv_ns_add g
hv_ns_add s
hv_veth g eth0 s eth0
hv_addr g eth0 10.213.47.1/24
hv_addr s eth0 10.213.47.2/24

K1="1 SHA256 HEX:00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"
K2="2 AES256 B64:PKTF9VQz94qPaoAzW4eE3JtFoQ8Ov1OTQSojalWyMbs="
# sa NODE KEYLINE...: the node's sa_file
sa() {
	local n=$1
	shift
	printf '%s\n' "[security_association]" "spp 1" "$@" >"$HV_TMP/$n.sa"
}
sa g "$K1"
sa s "$K1"
hv_node g g dut "priority1 100" "sa_file $HV_TMP/g.sa" "[eth0]" "spp 1" "active_key_id 1"
hv_node s s dut "sa_file $HV_TMP/s.sa" "[eth0]" "spp 1" "active_key_id 1"
hv_run g -i eth0
hv_run s -i eth0 -s

drops() { # NODE: the authentication drops of port 1
	timeout 10 ip netns exec "$(hv_ns "$1")" "$HVPTPCTL" -s "$(hv_uds "$1")" \
		get HVPTP_PORT_DROPS_NP 1 2>/dev/null |
		awk '$1 ~ /^auth_/ { n += $2; seen = 1 } END { print seen ? n : "-" }'
}
offsets() { hv_log_offsets s | wc -l; }
s_states() { grep -cE "$(hv_re_state 1 '[A-Z_]+')" "$(hv_log s)"; }
# key NODE ID: active_key_id of the node's port
key() { sed -i "s/^active_key_id .*/active_key_id $2/" "$(hv_cfg "$1")"; }
# hup NODE...: reload each, wait for its summary
hup() {
	local n c
	for n in "$@"; do
		c=$(grep -c 'reload: .* applied' "$(hv_log "$n")")
		kill -HUP "${HV_NODE_PID[$n]}"
		hv_wait_cmd 10 eval "[ \$(grep -c 'reload: .* applied' '$(hv_log "$n")') -gt $c ]" ||
			hv_fail "$n: no reload summary after SIGHUP"
	done
}
# settle STEP: 3 s more of offsets, no state change, no drops
counts=()
settle() {
	local o0=$1
	sleep 3
	local o1
	o1=$(offsets)
	counts+=("$2: $((o1 - o0))")
	[ "$((o1 - o0))" -ge 10 ] || hv_fail "$2: $((o1 - o0)) offsets in 3 s"
	[ "$(s_states)" = "$n_states" ] || hv_fail "$2: the slave's port changed state"
	if [ "$(drops g)" != 0 ] || [ "$(drops s)" != 0 ]; then
		hv_fail "$2: authentication drops: GM $(drops g), slave $(drops s)"
	fi
}

hv_wait_log s "$(hv_re_state 1 UNCALIBRATED)" 20 ||
	hv_fail "the slave did not follow the authenticated GM"
enough() { [ "$(offsets)" -ge 8 ]; }
hv_wait_cmd 20 enough || hv_fail "fewer than 8 offsets before the rotation"
n_states=$(s_states)

o=$(offsets); sa g "$K1" "$K2"; sa s "$K1" "$K2"; hup g s; settle "$o" "both keys"
o=$(offsets); key g 2; hup g; settle "$o" "GM on key 2"
o=$(offsets); key s 2; hup s; settle "$o" "slave on key 2"
o=$(offsets); sa g "$K2"; sa s "$K2"; hup g s; settle "$o" "key 1 removed"
grep -qE 'reload: .*, [1-9][0-9]* refused' "$(hv_log g)" "$(hv_log s)" &&
	hv_fail "a reload refused a change"
reloads=$(grep -h 'reload: .* applied' "$(hv_log g)" "$(hv_log s)" | sed -E 's/.*reload: ([0-9]+) changes? applied.*/\1/' | tr '\n' ' ')

# The old key again at the GM only: refused.
sa g "$K1"
key g 1
hup g
lost() { [ "$(hv_port_state s 1)" != UNCALIBRATED ]; }
hv_wait_cmd 10 lost || hv_fail "the slave kept the GM that went back to key 1"
unknown=$(timeout 10 ip netns exec "$(hv_ns s)" "$HVPTPCTL" -s "$(hv_uds s)" \
	get HVPTP_PORT_DROPS_NP 1 2>/dev/null | awk '$1 == "auth_unknown_key" { print $2 }')
after=$(hv_port_state s 1)
hv_finish
if [ -z "$unknown" ] || [ "$unknown" -eq 0 ]; then
	hv_fail "no auth_unknown_key drops: '$unknown'"
fi
counts_txt=$(printf '%s, ' "${counts[@]}")
hv_result "offsets per 3 s step (${counts_txt%, }), the slave UNCALIBRATED throughout, 0 authentication drops, changes per reload: ${reloads% }; the GM back on key 1 alone: slave $after, auth_unknown_key $unknown"
