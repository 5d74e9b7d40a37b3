#!/bin/bash
# test_announce_flood.sh — hostile Announce floods (issue 11, item 2):
# hvptpd (slave only) and ptp4l 3.1.1 beside it on a bridge with the real
# grandmaster (ptp4l 3.1.1) and an attacker sending 5000 Announces a second
# from 100 spoofed addresses of the subnet (tests/interop/flood_lib.sh):
#
#   a. 5000 worse identities in turn (each repeats once a second, so each
#      qualifies); the grandmaster starts during the flood;
#   b. better identities, each heard once (they never qualify); the
#      grandmaster starts during the flood;
#   c. both slaves start during flood b, the grandmaster running;
#   d. their veths go down for 2 s and up again during flood a.
#
# Asserted for hvptpd: it selects the real grandmaster in every case and
# still has it a few seconds later (a better identity that really
# announced twice would be the best master by the BMCA; one heard once is
# never selected: no line of its log names an identity of flood b).  Its
# time to select, RSS and CPU beside ptp4l's are printed, not judged
# (make bench-flood prints them as a table, with a case without a flood).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=flood_lib.sh
. "$(dirname "$0")/flood_lib.sh"

hv_setup announce_flood
why=$(fl_problem)
[ -z "$why" ] || hv_skip "$why"
hv_is_standin && hv_skip "HVPTPD is ptp4l: the comparison needs hvptpd"
fl_topology
figures=()

HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"

fl_check() {
	local got line
	got=$(fl_gm_of h)
	[ "$got" = "$FL_GM" ] || hv_fail "case $1: hvptpd's grandmaster is '$got', not $FL_GM"
	if grep -qE "$FL_BETTER_RE" "$(hv_log h)"; then
		hv_fail "case $1: hvptpd selected an identity heard once: $(grep -m1 -E "$FL_BETTER_RE" "$(hv_log h)")"
	fi
	# a: 5000 qualified worse identities for 16 records: hvptpctl status
	# says how many were refused (HVPTP_FOREIGN_MASTERS_NP)
	[ "$1" = a ] || return 0
	line=$(timeout 20 ip netns exec "$(hv_ns h)" "$HVPTPCTL" -s "$(hv_uds h)" \
		status 2>&1 | grep '^foreign masters port 1:')
	hv_info "hvptpctl status: $line"
	echo "$line" | grep -qE ': 16 of 16 records .* [1-9][0-9]* refused' ||
		hv_fail "case a: hvptpctl status shows no refused foreign masters: '$line'"
}

fl_report() {
	hv_info "$1"
	figures+=("$1;")
}

hv_info "case slave intervals-to-select rss_kb hwm_kb cpu%"
fl_cases floods
hv_finish
hv_info "$(tr '\n' ' ' <"$HV_TMP/flood.log")"
hv_result "case slave intervals rss_kb hwm_kb cpu%: ${figures[*]}"
