#!/bin/bash
# test_auth.sh — the AUTHENTICATION TLV with linuxptp 4.4 (sa_file, spp,
# active_key_id), both ways, with matching and with mismatched keys.
# Needs root and linuxptp 4.4 built with a crypto library (build.sh; CI's
# has nettle: scripts/deps.sh installs nettle-dev).
#
#   a: ns ga hvptpd GM (key 4, AES256)   --- ns sa ptp4l 4.4 -s (key 1, SHA256-128)
#   b: ns gb ptp4l 4.4 GM (key 2, SHA256) --- ns sb hvptpd -s (key 3, AES128)
#   c: as a, the slave's sa_file with other key bytes (same ids)
#   d: as b, the slave's sa_file with other key bytes
#
# All four pairs run at once.  Each side sends with its active key and
# accepts any key of spp 1: the four algorithms are used on the wire.
# a, b: the slave reaches UNCALIBRATED (running free it never locks) with
# the master as parent; |offset| median and max are printed (ptp4l's
# CURRENT_DATA_SET polls for a, hvptpd's "master offset" lines for b).
# a also: pmc 4.4 over UDP on the slave's segment, with the key, gets
# hvptpd's CURRENT_DATA_SET; without authentication it gets nothing and
# hvptpd counts auth_no_tlv.  c, d: the slave never leaves LISTENING, has
# no parent, and counts the master's messages as bad ICV (hvptpd's
# auth_bad_icv drops; ptp4l's "auth: bad message" lines).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

POLLS=5
MAX_OFFSET_NS=100000
SKIP_SAMPLES=3

hv_setup auth
hv_is_standin && hv_skip "needs hvptpd (HVPTPD is ptp4l)"
HV_PTP44=$(hv_linuxptp44) || hv_skip "$HV_PTP44"
libs=$(ldd "$HV_PTP44/ptp4l" 2>/dev/null || true)
if ! grep -qE 'libnettle|libgnutls|libgcrypt|libcrypto' <<<"$libs"; then
	hv_skip "linuxptp 4.4 was built without a crypto library (nettle-dev)"
fi

# One security association, spp 1, each algorithm once (the formats of
# ptp4l's configs/sa.cfg: HEX, ASCII with a length, B64).
write_sa() { # FILE KEYBYTE: KEYBYTE changes every key's first byte
	cat >"$1" <<-EOF
	# sa_file of tests/interop/test_auth.sh
	[security_association]
	spp 1
	seqid_window 20
	1 SHA256-128 HEX:${2}ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C
	2 SHA256 26 ASCII:${2}cdefghijklmnopqrstuvwxyz
	3 AES128 HEX:${2}F48EBA01E7C5966A76CB787AED4E7B
	4 AES256 HEX:${2}A4C5F5543F78A8F6A80335B8784DC9B45A10F0EBF53934122A36A55B231BBE
	EOF
}
SA=$HV_TMP/keys.sa BAD=$HV_TMP/keys-other.sa
write_sa "$SA" F8
write_sa "$BAD" 07

# pair NAME GMNS SLNS N: namespaces joined by a veth, 10.213.4N.0/24
pair() {
	hv_ns_add "$2"
	hv_ns_add "$3"
	hv_veth "$2" eth0 "$3" eth0
	hv_addr "$2" eth0 "10.213.4$4.1/24"
	hv_addr "$3" eth0 "10.213.4$4.2/24"
}
pair a ga sa 1
pair b gb sb 2
pair c gc sc 3
pair d gd sd 4

# In the port's section: ptp4l 4.4 gives a global spp to its UDS port too.
auth() { printf '%s\n' "sa_file $1" "[eth0]" "spp 1" "active_key_id $2"; }
hv_node ga ga dut "priority1 100" "$(auth "$SA" 4)"
hv_node sa sa ptp4l44 "$(auth "$SA" 1)"
hv_node gb gb ptp4l44 "priority1 100" "$(auth "$SA" 2)"
hv_node sb sb dut "$(auth "$SA" 3)"
hv_node gc gc dut "priority1 100" "$(auth "$SA" 4)"
hv_node sc sc ptp4l44 "$(auth "$BAD" 1)"
hv_node gd gd ptp4l44 "priority1 100" "$(auth "$SA" 2)"
hv_node sd sd dut "$(auth "$BAD" 3)"
for n in ga gb gc gd; do hv_run "$n" -i eth0; done
for n in sa sb sc sd; do hv_run "$n" -i eth0 -s; done

# The traffic of a and b, for tshark (lib.sh: dumpcap).
cap_a=$(hv_capture_start sa eth0) || exit 1
cap_b=$(hv_capture_start sb eth0) || exit 1

# tshark_check PCAP: "messages malformed" after checking that every PTP
# message carries an AUTHENTICATION TLV: messageLength is the UDP
# payload and its type's length plus 26 or 42 (10 + a 16 or 32 octet
# ICV); Announce TLVs are 0x8009 with spp 1 (Wireshark 4.0 dissects the
# TLVs of Announce only, and names 0x8009 "Unknown (32777)").
tshark_check() {
	local bad
	bad=$(tshark -r "$1" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
	tshark -r "$1" -Y ptp -T fields -e ptp.v2.messagetype -e ptp.v2.messagelength \
		-e udp.length -e ptp.v2.an.tlvType -e ptp.v2.an.tlv.data 2>/dev/null |
		awk -v bad="$bad" '
		BEGIN { base["0x00"] = 44; base["0x01"] = 44; base["0x08"] = 44
			base["0x09"] = 54; base["0x0b"] = 64 }
		{ n++
		  if ($2 != $3 - 8) { print "messageLength " $2 " of udp " $3 > "/dev/stderr"; fail = 1 }
		  if ($1 in base) { t = $2 - base[$1]
			if (t != 26 && t != 42) { print "type " $1 " length " $2 ": no TLV" > "/dev/stderr"; fail = 1 } }
		  if ($1 == "0x0b") { an++
			if ($4 != 32777 || substr($5, 1, 4) != "0100") { print "announce TLV " $4 " " $5 > "/dev/stderr"; fail = 1 } } }
		END { if (fail || n == 0 || an == 0) exit 1; printf "%d %d %d\n", n, an, bad }'
}

# hvptpd's drops of one reason on port 1 (HVPTP_PORT_DROPS_NP), "-" if
# it does not answer.
drops() {
	local v
	v=$(timeout 10 ip netns exec "$(hv_ns "${HV_NODE_NS[$1]}")" \
		"$HVPTPCTL" -s "$(hv_uds "$1")" --json get HVPTP_PORT_DROPS_NP 1 2>/dev/null |
		python3 -c "import json,sys
d=json.load(sys.stdin)
def find(o):
    if isinstance(o, dict):
        if '$2' in o: return o['$2']
        for v in o.values():
            r = find(v)
            if r is not None: return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None: return r
print(find(d))" 2>/dev/null)
	echo "${v:--}"
}

# --- a: hvptpd GM -> ptp4l 4.4 slave ---------------------------------------
hv_wait_log sa "$(hv_re_state 1 UNCALIBRATED)" 30 ||
	hv_fail "a: ptp4l 4.4's port did not reach UNCALIBRATED from the authenticated hvptpd"
ga_id=$(hv_clock_id ga eth0)
parent=$(hv_pmc_field sa PARENT_DATA_SET parentPortIdentity)
[ "$parent" = "$ga_id-1" ] || hv_fail "a: ptp4l's parent '$parent', expected $ga_id-1"
sleep 2
offsets=()
for ((i = 0; i < POLLS; i++)); do
	off=$(hv_pmc_get sa CURRENT_DATA_SET | awk '$1 == "offsetFromMaster" { printf "%d", $2 }')
	[ -n "$off" ] || hv_fail "a: no CURRENT_DATA_SET from ptp4l"
	offsets+=("$off")
	sleep 1
done
read -r a_med a_max < <(printf '%s\n' "${offsets[@]}" | hv_abs_median_max)
hv_info "a: ptp4l 4.4 offsetFromMaster (ns): ${offsets[*]}"
[ "$a_max" -lt "$MAX_OFFSET_NS" ] || hv_fail "a: max |offset| $a_max ns"

# Management over UDP on a port with spp: pmc 4.4 with the key answers,
# without it is refused (counted as auth_no_tlv).
pmc_cfg=$HV_TMP/pmc-auth.cfg
printf '%s\n' "[global]" "sa_file $SA" "spp 1" "active_key_id 3" >"$pmc_cfg"
pmc_udp() {
	timeout 10 ip netns exec "$(hv_ns sa)" "$HV_PTP44/pmc" -4 -i eth0 -b 1 "$@" \
		'GET CURRENT_DATA_SET' 2>/dev/null
}
noauth_before=$(drops ga auth_no_tlv)
got=""
for _ in 1 2 3 4 5; do
	got=$(pmc_udp -f "$pmc_cfg" | grep -cE "$ga_id-1 seq [0-9]+ RESPONSE MANAGEMENT CURRENT_DATA_SET" || true)
	[ "$got" -gt 0 ] && break
done
[ "$got" -gt 0 ] || hv_fail "a: pmc 4.4 over UDP with the key got no answer from hvptpd"
bare=$(printf '%s\n' "[global]" >"$HV_TMP/pmc-bare.cfg"; pmc_udp -f "$HV_TMP/pmc-bare.cfg" |
	grep -cE "$ga_id-1 seq [0-9]+ RESPONSE" || true)
noauth_after=$(drops ga auth_no_tlv)
[ "$bare" -eq 0 ] || hv_fail "a: hvptpd answered unauthenticated management over UDP"
if [ "$noauth_after" = - ] || [ "$noauth_after" -le "$noauth_before" ]; then
	hv_fail "a: hvptpd's auth_no_tlv drops did not grow ($noauth_before -> $noauth_after)"
fi
hv_info "a: pmc 4.4 over UDP: answered with the key, refused without (auth_no_tlv $noauth_before -> $noauth_after)"

# --- b: ptp4l 4.4 GM -> hvptpd slave ---------------------------------------
gb_id=$(hv_clock_id gb eth0)
hv_wait_log sb "selected best master clock $gb_id" 30 ||
	hv_fail "b: hvptpd did not select the authenticated ptp4l 4.4 ($gb_id)"
hv_wait_log sb "$(hv_re_state 1 UNCALIBRATED)" 15 ||
	hv_fail "b: hvptpd's port did not reach UNCALIBRATED"
need=$((SKIP_SAMPLES + 8))
enough() { [ "$(hv_log_offsets sb | wc -l)" -ge "$need" ]; }
hv_wait_cmd 30 enough || hv_fail "b: fewer than $need 'master offset' lines"
mapfile -t b_off < <(hv_log_offsets sb | tail -n +$((SKIP_SAMPLES + 1)) | awk '{ print $1 }')
read -r b_med b_max < <(printf '%s\n' "${b_off[@]}" | hv_abs_median_max)
[ "$b_max" -lt "$MAX_OFFSET_NS" ] || hv_fail "b: max |offset| $b_max ns"

# --- c, d: mismatched keys -------------------------------------------------
c_icv=$(grep -c 'auth: bad message' "$(hv_log sc)" || true)
d_icv=$(drops sd auth_bad_icv)
c_state=$(hv_port_state sc 1) d_state=$(hv_port_state sd 1)
d_parent_sel=$(grep -c 'selected best master clock' "$(hv_log sd)" || true)
a_drops=$(drops ga auth_bad_icv) b_drops=$(drops sb auth_bad_icv)

# hvptpd's packets: none malformed or warned (hv_capture_check); every
# PTP message of both sides with the TLV (tshark_check).
sent_a=$(hv_capture_check "$cap_a" 10.213.41.1) || hv_fail "tshark: a: hvptpd's packets"
sent_b=$(hv_capture_check "$cap_b" 10.213.42.2) || hv_fail "tshark: b: hvptpd's packets"
read -r ta_n ta_an ta_bad < <(tshark_check "$cap_a") ||
	hv_fail "tshark: a's traffic has a message without the TLV"
read -r tb_n tb_an tb_bad < <(tshark_check "$cap_b") ||
	hv_fail "tshark: b's traffic has a message without the TLV"
if [ "$ta_bad" -ne 0 ] || [ "$tb_bad" -ne 0 ]; then
	hv_fail "tshark: malformed packets: a $ta_bad, b $tb_bad"
fi
tshark_note="tshark: hvptpd sent a: $sent_a, b: $sent_b, none malformed or warned; all $ta_n (a) and $tb_n (b) PTP messages of both sides with the TLV (Announce: $ta_an, $tb_an with TLV 0x8009 spp 1)"

hv_finish
case $c_state in SLAVE | UNCALIBRATED) hv_fail "c: ptp4l with the other keys went $c_state" ;; esac
case $d_state in SLAVE | UNCALIBRATED) hv_fail "d: hvptpd with the other keys went $d_state" ;; esac
[ "$d_parent_sel" -eq 0 ] || hv_fail "d: hvptpd selected a master despite the other keys"
[ "$c_icv" -gt 0 ] || hv_fail "c: ptp4l logged no 'auth: bad message'"
if [ "$d_icv" = - ] || [ "$d_icv" -eq 0 ]; then
	hv_fail "d: hvptpd counted no auth_bad_icv drops ($d_icv)"
fi
if [ "$a_drops" != 0 ] || [ "$b_drops" != 0 ]; then
	hv_fail "matching keys yet bad ICVs: a $a_drops, b $b_drops"
fi
hv_result "a (hvptpd GM AES256 -> ptp4l 4.4 SHA256-128): UNCALIBRATED, parent $parent, |offset| median $a_med max $a_max ns, UDP management authenticated; b (ptp4l 4.4 GM SHA256 -> hvptpd AES128): UNCALIBRATED, |offset| median $b_med max $b_max ns over ${#b_off[@]} samples; c (other keys at ptp4l): port $c_state, $c_icv 'auth: bad message'; d (other keys at hvptpd): port $d_state, auth_bad_icv $d_icv; $tshark_note"
