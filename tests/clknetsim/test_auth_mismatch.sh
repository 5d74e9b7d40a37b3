#!/bin/bash
# test_auth_mismatch.sh — authentication refused under clknetsim: hvptpd
# with the same key ids but other key bytes than the ptp4l 4.4
# grandmaster's.
#
#   node 1: ptp4l 4.4, clockClass 6, spp 1 key 1 ---- 1 us + exp(100 ns)
#     ---- node 2: hvptpd, spp 1 key 2, other key bytes
#
# hvptpd must never take the grandmaster (it becomes a master of its own,
# which ptp4l does not hear either): its PHC (1 ms off, 10 ppm fast)
# never locks, it logs the failed authentications, and ptp4l refuses
# hvptpd's messages as well (its "auth: bad message" lines).  The control
# of test_auth.sh: the same nodes with matching keys lock.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_start "authentication: hvptpd with other keys than ptp4l 4.4's"
libs=$(ldd "$LINUXPTP44_DIR/ptp4l" 2>/dev/null || true)
if ! grep -qE 'libnettle|libgnutls|libgcrypt|libcrypto' <<<"$libs"; then
	test_skip "linuxptp 4.4 was built without a crypto library (nettle-dev)"
fi
run_file keys.sa <<'SA'
spp 1
1 SHA256-128 HEX:F8ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C
2 AES128 HEX:FAF48EBA01E7C5966A76CB787AED4E7B
SA
run_file other.sa <<'SA'
spp 1
1 SHA256-128 HEX:07ADC6B8B8E9AA709106BA42481EC9E29607334DE2C3C737A11A12931DB27F8C
2 AES128 HEX:07F48EBA01E7C5966A76CB787AED4E7B
SA
auth() { printf '%s\n' "sa_file $1" "$2" "[eth0]" "spp 1" "active_key_id $3"; }
node 1 ptp4l hw eth0 "$(auth keys.sa "clockClass 6" 1)"
node 2 hvptpd hw eth0 "$(auth other.sa "" 2)"
link 1 2 1e-6 1e-7
limit=120 lock_ns=1000
run_sim

read -r _ max lock < <(clock_figures 2 phc)
failed=$(grep -c 'authentication failed on' "$(node_log 2)" || true)
icv=$(grep -c 'auth_bad_icv' "$(node_log 2)" || true)
refused=$(grep -c 'auth: bad message' "$(node_log 1)" || true)
selected=$(grep -c 'selected best master clock' "$(node_log 2)" || true)
[ "$lock" = never ] || test_fail "hvptpd's PHC locked ($lock s) with other keys"
[ "$selected" -eq 0 ] || test_fail "hvptpd selected a master with other keys"
[ "$icv" -gt 0 ] || test_fail "hvptpd logged no auth_bad_icv"
[ "$refused" -gt 0 ] || test_fail "ptp4l refused none of hvptpd's messages"
CNS_FIG_KEYS+=("node 2 phc")
CNS_FIGURES["node 2 phc"]="never locked (max |error| $max ns), $failed warning lines (auth_bad_icv), ptp4l 'auth: bad message' $refused"
test_end
