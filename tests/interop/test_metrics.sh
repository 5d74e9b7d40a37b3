#!/bin/bash
# test_metrics.sh — hvptpd's Prometheus metrics on a live daemon.
#
#   ns gm: ptp4l (grandmaster) eth0 --veth-- eth0 hvptpd -s (ns dut)
#
# hvptpd serves metrics on 127.0.0.1:PORT inside its namespace and writes
# them to a text file every second.  The test scrapes /metrics with curl:
# promtool (Debian package prometheus) must accept the text without a
# complaint; the slave port is UNCALIBRATED (8: the clocks run free),
# stepsRemoved is 1, hvptp_grandmaster_info names ptp4l's clock, the offset
# and path delay are there and sane, and the Sync counter grows between two
# scrapes.  The clock tree: CLOCK_REALTIME is the reference, not adjusted
# (free_running 1), so no servo state or frequency is exported for it (never
# 0), but its offset against the master is; each host check that applies is
# in exactly one state.  Other paths get 404.  The text file parses too, and
# is removed when hvptpd exits.
#
# Free-running is said everywhere (issue 10): hvptp_free_running 1; the
# Syncs heard while LISTENING are ignored traffic, not drops; hvptpctl
# status (text and --json) and tracking say free-running, with the offset
# and path delay of the slave port (never a 0 for unknown); hvptpd started
# with NOTIFY_SOCKET (a datagram socket the test reads) sends READY=1 and a
# STATUS= line that starts with "free-running".
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT=9477
MAX_OFFSET_NS=500000    # software timestamps, one system clock

hv_setup metrics
hv_is_standin && hv_skip "needs hvptpd's metrics (HVPTPD is ptp4l)"
for c in curl promtool; do
	command -v "$c" >/dev/null 2>&1 ||
		hv_skip "$c not found (scripts/deps.sh installs curl and prometheus)"
done

hv_ns_add gm
hv_ns_add dut
hv_veth gm eth0 dut eth0
hv_addr gm eth0 10.213.7.1/24
hv_addr dut eth0 10.213.7.2/24
PROM=$HV_TMP/hvptp.prom

HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"
# systemd's notification socket (lib.sh): a line per datagram in $NOTES
hv_notify_listen 120
notify_pid=$NOTIFY_PID

hv_node gm gm ptp4l "priority1 100"
hv_node dut dut dut "metrics_address 127.0.0.1:$PORT" \
	"metrics_textfile $PROM" "metrics_textfile_interval 1"
hv_run gm -i eth0
NOTIFY_SOCKET=$NOTIFY hv_run dut -i eth0 -s

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l did not take the master role"
id_gm=$(hv_clock_id gm eth0)
hv_wait_log dut "selected best master clock $id_gm" 20 ||
	hv_fail "hvptpd did not select ptp4l ($id_gm)"
hv_wait_log dut "$(hv_re_state 1 UNCALIBRATED)" 10 ||
	hv_fail "hvptpd's port did not reach UNCALIBRATED"
enough_offsets() { [ "$(hv_log_offsets dut | wc -l)" -ge 4 ]; }
hv_wait_cmd 20 enough_offsets || hv_fail "hvptpd logged fewer than 4 offsets"

# scrape URL-PATH OUT: the body in OUT, the HTTP status on stdout
scrape() {
	timeout 10 ip netns exec "$(hv_ns dut)" curl -s -o "$2" \
		-w '%{http_code}' "http://127.0.0.1:$PORT$1"
}

# value FILE SERIES: the value of the sample whose name{labels} is SERIES
value() {
	awk -v s="$2" 'index($0, s " ") == 1 { print $2; exit }' "$1"
}

check_promtool() {
	local out rc
	out=$(promtool check metrics <"$1" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
		hv_fail "promtool check metrics on $2 (status $rc): $out"
	fi
}

S1=$HV_TMP/scrape1.txt
S2=$HV_TMP/scrape2.txt
code=$(scrape /metrics "$S1")
[ "$code" = 200 ] || hv_fail "GET /metrics: HTTP $code"
check_promtool "$S1" "the first scrape"
families=$(grep -c '^# TYPE ' "$S1")

v=$(value "$S1" 'hvptp_port_state{port="1",interface="eth0"}')
[ "$v" = 8 ] || hv_fail "port state is '$v', expected 8 (UNCALIBRATED)"
v=$(value "$S1" 'hvptp_steps_removed')
[ "$v" = 1 ] || hv_fail "steps removed is '$v', expected 1"
grep -q "^hvptp_grandmaster_info{grandmaster_identity=\"$id_gm\",parent_port_identity=\"$id_gm-1\"} 1\$" "$S1" ||
	hv_fail "no grandmaster_info for $id_gm: $(grep '^hvptp_grandmaster_info' "$S1")"
v=$(value "$S1" 'hvptp_is_grandmaster')
[ "$v" = 0 ] || hv_fail "is_grandmaster is '$v'"
off=$(value "$S1" 'hvptp_offset_from_master_seconds{clock="CLOCK_REALTIME"}')
delay=$(value "$S1" 'hvptp_mean_path_delay_seconds{clock="CLOCK_REALTIME"}')
if [ -z "$off" ] || [ -z "$delay" ]; then
	hv_fail "no offset ('$off') or path delay ('$delay')"
fi
off_ns=$(awk -v v="$off" 'BEGIN { v *= 1e9; printf "%d", v < 0 ? -v : v }')
delay_ns=$(awk -v v="$delay" 'BEGIN { printf "%d", v * 1e9 }')
[ "$off_ns" -lt "$MAX_OFFSET_NS" ] || hv_fail "|offset| $off_ns ns >= $MAX_OFFSET_NS"
if [ "$delay_ns" -le 0 ] || [ "$delay_ns" -ge 1000000 ]; then
	hv_fail "path delay $delay_ns ns out of (0, 1 ms)"
fi
# the clock tree: CLOCK_REALTIME the reference (software timestamps),
# measured only (free_running 1): no servo state, no frequency, never 0
grep -qE '^hvptp_clock_info\{clock="CLOCK_REALTIME",role="reference",source="",servo="[a-z]+"\} 1$' "$S1" ||
	hv_fail "no clock_info for CLOCK_REALTIME as the reference: $(grep '^hvptp_clock_info' "$S1")"
v=$(value "$S1" 'hvptp_clock_adjusted{clock="CLOCK_REALTIME"}')
[ "$v" = 0 ] || hv_fail "CLOCK_REALTIME adjusted is '$v', expected 0 (free_running 1)"
if grep -qE '^hvptp_(servo_state|frequency_adjustment_ratio)\{clock="CLOCK_REALTIME"' "$S1"; then
	hv_fail "a free-running clock's servo is reported: $(grep -E '^hvptp_(servo_state|frequency_adjustment_ratio)\{' "$S1")"
fi
coff=$(value "$S1" 'hvptp_clock_offset_seconds{clock="CLOCK_REALTIME"}')
[ -n "$coff" ] || hv_fail "no offset of CLOCK_REALTIME against its master"
coff_ns=$(awk -v v="$coff" 'BEGIN { v *= 1e9; printf "%d", v < 0 ? -v : v }')
[ "$coff_ns" -lt "$MAX_OFFSET_NS" ] || hv_fail "|clock offset| $coff_ns ns >= $MAX_OFFSET_NS"
age=$(value "$S1" 'hvptp_clock_offset_age_seconds{clock="CLOCK_REALTIME"}')
awk -v a="$age" 'BEGIN { exit !(a != "" && a >= 0 && a < 2) }' ||
	hv_fail "offset age of CLOCK_REALTIME '$age' not in [0, 2) s (8 Sync/s)"
# the host checks: each check that applies in exactly one state
nchecks=$(grep -cE '^hvptp_host_check\{check="[a-z_]+",state="[a-z_]+"\} 1$' "$S1")
nseries=$(grep -cE '^hvptp_host_check\{' "$S1")
if [ "$nchecks" -lt 1 ] || [ "$nseries" -ne $((3 * nchecks)) ]; then
	hv_fail "host checks: $nchecks checks in a state, $nseries series: $(grep '^hvptp_host_check' "$S1")"
fi
# free-running (issue 10): said, and its estimate is no adjustment
v=$(value "$S1" 'hvptp_free_running')
[ "$v" = 1 ] || hv_fail "hvptp_free_running is '$v', expected 1 (free_running 1)"
# Syncs heard before the port was a slave are ignored traffic, not drops
if grep -qE '^hvptp_dropped_messages_total\{.*reason="(wrong_state|not_parent|from_self)"' "$S1"; then
	hv_fail "expected traffic counted as dropped: $(grep '^hvptp_dropped_messages_total' "$S1")"
fi
ign=$(value "$S1" 'hvptp_ignored_messages_total{port="1",interface="eth0",reason="wrong_state"}')
[ -n "$ign" ] || hv_fail "no hvptp_ignored_messages_total for wrong_state"
SYNC='hvptp_rx_messages_total{port="1",interface="eth0",type="sync"}'
sync1=$(value "$S1" "$SYNC")

sleep 2
code=$(scrape /metrics "$S2")
[ "$code" = 200 ] || hv_fail "second GET /metrics: HTTP $code"
check_promtool "$S2" "the second scrape"
sync2=$(value "$S2" "$SYNC")
if [ -z "$sync1" ] || [ "${sync2:-0}" -le "$sync1" ]; then
	hv_fail "Sync counter did not grow: '$sync1' then '$sync2'"
fi
dreq=$(value "$S2" 'hvptp_tx_messages_total{port="1",interface="eth0",type="delay_req"}')
[ "${dreq:-0}" -gt 0 ] || hv_fail "no Delay_Req counted as sent"
v=$(value "$S2" 'hvptp_metrics_http_requests_total')
[ "$v" = 2 ] || hv_fail "http requests counted '$v', expected 2"

code=$(scrape /nope "$HV_TMP/404.txt")
[ "$code" = 404 ] || hv_fail "GET /nope: HTTP $code, expected 404"

[ -f "$PROM" ] || hv_fail "no text file $PROM"
check_promtool "$PROM" "the text file"
grep -q "^hvptp_grandmaster_info{grandmaster_identity=\"$id_gm\"" "$PROM" ||
	hv_fail "the text file has no grandmaster_info"
[ ! -e "$PROM.tmp" ] || hv_fail "$PROM.tmp left behind"

# hvptpctl status and tracking say free-running, with the slave's figures
ctl() { timeout 20 ip netns exec "$(hv_ns dut)" "$HVPTPCTL" -s "$(hv_uds dut)" "$@"; }
ST=$HV_TMP/status.txt
SJ=$HV_TMP/status.json
TR=$HV_TMP/tracking.txt
ctl -i 0 status >"$ST" 2>&1 || hv_fail "hvptpctl status: $(cat "$ST")"
grep -qE '^discipline +free-running: CLOCK_REALTIME is measured, never adjusted' "$ST" ||
	hv_fail "status does not say free-running: $(cat "$ST")"
grep -qE '^offset +-?[0-9]+ ns' "$ST" || hv_fail "status: no offset of the slave port: $(cat "$ST")"
grep -qE '^ +1 +eth0 +(UNCALIBRATED|SLAVE) ' "$ST" || hv_fail "status: port row: $(cat "$ST")"
ctl -i 0 --json status >"$SJ" 2>&1 || hv_fail "hvptpctl --json status: $(cat "$SJ")"
got=$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["clock"]
print(c["discipline"], c["adjusted"], c["reference_clock"], c["slave_port"],
      type(c["offset_from_master_ns"]).__name__, c["servo_type"] is not None,
      c["time_properties"]["current_utc_offset"] is not None)' "$SJ") ||
	hv_fail "status --json: $(cat "$SJ")"
[ "$got" = "free-running False CLOCK_REALTIME 1 int True True" ] ||
	hv_fail "status --json: discipline, adjusted, reference, slave port, offset, servo, time '$got'"
ctl tracking >"$TR" 2>&1 || hv_fail "hvptpctl tracking: $(cat "$TR")"
grep -qE '^Reference clock +: CLOCK_REALTIME \(free-running\)$' "$TR" ||
	hv_fail "tracking does not say free-running: $(cat "$TR")"
grep -qE '^Frequency +: (.*\(estimated, not applied\)|-)$' "$TR" ||
	hv_fail "tracking shows a free-running frequency as applied: $(cat "$TR")"

# systemd heard it too
status_said() { grep -q 'STATUS=free-running (CLOCK_REALTIME not adjusted); eth0 ' "$NOTES"; }
hv_wait_cmd 5 status_said || hv_fail "no STATUS= saying free-running: $(cat "$NOTES")"
grep -q 'READY=1' "$NOTES" || hv_fail "no READY=1: $(cat "$NOTES")"
{
	echo "----- first scrape:"
	cat "$S1"
	echo "----- hvptpctl status, tracking; systemd's notifications:"
	cat "$ST" "$TR" "$NOTES"
} >>"$(hv_log dut)"

hv_finish
stopping_said() { grep -q 'STOPPING=1' "$NOTES"; }
hv_wait_cmd 3 stopping_said || hv_fail "no STOPPING=1: $(cat "$NOTES")"
kill "$notify_pid" 2>/dev/null
wait "$notify_pid" 2>/dev/null
[ ! -e "$PROM" ] || hv_fail "the text file is still there after exit"
hv_result "promtool clean, $families families; port UNCALIBRATED(8)," \
	"stepsRemoved 1, GM $id_gm; |offset| $off_ns ns, delay $delay_ns ns;" \
	"CLOCK_REALTIME reference, not adjusted, no servo series;" \
	"$nchecks host checks; Sync rx $sync1 -> $sync2 in 2 s"
