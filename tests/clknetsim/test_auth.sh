#!/bin/bash
# test_auth.sh — authenticated PTP (sa_file, spp 1): ptp4l 4.4 grandmaster,
# hvptpd and ptp4l 4.4 slaves side by side in the same run.
#
#   node 1: ptp4l 4.4, clockClass 6, key 1 (HMAC-SHA256-128)
#     ---- 1 us + exp(100 ns) ---- node 2: hvptpd -s, key 2 (AES-128-CMAC)
#     ---- 1 us + exp(100 ns) ---- node 3: ptp4l 4.4 -s, key 3 (AES-256-CMAC)
#
# Every message carries the AUTHENTICATION TLV of its sender's key; each
# side accepts the three keys.  Both slaves must lock (their PHCs' true
# errors): lock time, RMS and max after 200 s, hvptpd's beside ptp4l's.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "authenticated: hvptpd and ptp4l 4.4 slaves of ptp4l 4.4"
libs=$(ldd "$LINUXPTP44_DIR/ptp4l" 2>/dev/null || true)
if ! grep -qE 'libnettle|libgnutls|libgcrypt|libcrypto' <<<"$libs"; then
	test_skip "linuxptp 4.4 was built without a crypto library (nettle-dev)"
fi
run_file keys.sa <<'SA'
[security_association]
spp 1
seqid_window 20
1 SHA256-128 HEX:F8ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C
2 AES128 HEX:FAF48EBA01E7C5966A76CB787AED4E7B
3 AES256 B64:PKTF9VQz94qPaoAzW4eE3JtFoQ8Ov1OTQSojalWyMbs=
SA
auth() { printf '%s\n' "sa_file keys.sa" "$1" "[eth0]" "spp 1" "active_key_id $2"; }
node 1 ptp4l hw eth0 "$(auth "clockClass 6" 1)"
node 2 hvptpd hw eth0 "$(auth "" 2)" -s
node 3 ptp4l hw eth0 "$(auth "" 3)" -s
link 1 2 1e-6 1e-7
link 1 3 1e-6 1e-7
limit=600 skip=200 lock_ns=1000
run_sim

# Authentication was on: hvptpd loaded the association, and the ptp4l
# nodes (which drop anything unauthenticated on a port with spp) refused
# nothing of hvptpd's.
grep -q 'authentication: 1 security association from keys.sa' "$(node_log 2)" ||
	test_fail "hvptpd did not load keys.sa"
bad=$(cat "$(node_log 1)" "$(node_log 3)" | grep -c 'auth: bad message' || true)
[ "$bad" -eq 0 ] || test_fail "ptp4l refused $bad messages"

# Measured, seeds 1..5 (with authentication): hvptpd lock 13-25 s, rms
# 19.6-29.7 ns, max 58-126 ns; ptp4l 4.4 lock 16-20 s, rms 87.0-111.3 ns,
# max 298-520 ns: as test_hw_slave.sh and test_ptp4l_peer.sh measure
# without it.  Bounds ~2x (theirs).
check_lock_within 2 phc 50
check_rms 2 phc 60
check_max 2 phc 300
check_lock_within 3 phc 45
check_rms 3 phc 240
check_max 3 phc 1550
test_end
