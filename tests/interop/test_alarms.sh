#!/bin/bash
# test_alarms.sh — hvptpd's alarms while a ptp4l grandmaster goes and comes.
#
#   ns gm: ptp4l, the grandmaster --veth-- ns dut: hvptpd -s (client only)
#
# hvptpd runs with free_running 1, as every daemon here: it measures and
# never adjusts, so the alarms whose value it cannot know do not apply
# (holdover: nothing is held; time_error, frequency: a clock not adjusted)
# and must say so (applicable false, value null), never 0.  The alarm
# watched is grandmaster_change (held 5 s here:
# alarm_grandmaster_change_hold 5):
# 1. hvptpd locks on ptp4l: grandmaster_change applies and is not raised;
#    holdover does not apply.  `hvptpctl --json watch` runs throughout.
# 2. ptp4l stops: once the Announce receipt timeout passes, hvptpd is its
#    own grandmaster: grandmaster_change is raised, and seen in
#    HVPTP_ALARMS_NP (hvptpctl --json get), in watch (an "alarm" event),
#    in the metrics (hvptp_alarm 1, hvptp_alarm_raised_total 1), in the log
#    ("alarm grandmaster_change(clock) raised") and in systemd's STATUS
#    ("...; alarms: grandmaster_change(clock); ..."); hvptpctl status
#    lists it.
# 3. ptp4l starts again: hvptpd follows it again (another change, so the
#    alarm stays raised), and 5 s after that change the alarm clears:
#    get, watch, metrics (0, raised_total still 1), log and STATUS agree.
# The RESULT line prints the alarm's life with the times of each sighting.
# Needs root, ptp4l, curl and python3 (scripts/deps.sh).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PORT=9478
HOLD_S=5

hv_setup alarms
hv_is_standin && hv_skip "needs hvptpd's alarms (HVPTPD is ptp4l)"
for c in curl python3; do
	command -v "$c" >/dev/null 2>&1 ||
		hv_skip "$c not found (scripts/deps.sh installs it)"
done
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"

hv_ns_add gm
hv_ns_add dut
hv_veth gm eth0 dut eth0
hv_addr gm eth0 10.213.9.1/24
hv_addr dut eth0 10.213.9.2/24

# systemd's notification socket (lib.sh): a line per datagram in $NOTES
hv_notify_listen 150
notify_pid=$NOTIFY_PID

hv_node gm gm ptp4l "priority1 100"
hv_node dut dut dut "metrics_address 127.0.0.1:$PORT" \
	"alarm_grandmaster_change_hold $HOLD_S"
hv_run gm -i eth0
NOTIFY_SOCKET=$NOTIFY hv_run dut -i eth0 -s

ctl() { timeout 20 ip netns exec "$(hv_ns dut)" "$HVPTPCTL" -s "$(hv_uds dut)" "$@"; }
A=$HV_TMP/alarms.json
# alarm NAME FIELD: a field of the alarm NAME (subject clock) in the last
# HVPTP_ALARMS_NP answer, as Python prints it (None for null)
get_alarms() { ctl --json get HVPTP_ALARMS_NP >"$A" 2>&1; }
alarm() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["responses"][0]["data"]
for a in d["alarms"]:
    if a["kind_name"] == sys.argv[2] and a["subject"] == "clock":
        print(a[sys.argv[3]])
        break
else:
    print("missing")' "$A" "$1" "$2"
}
scrape() {
	timeout 10 ip netns exec "$(hv_ns dut)" curl -s \
		"http://127.0.0.1:$PORT/metrics"
}
metric() { scrape | awk -v s="$1" 'index($0, s " ") == 1 { print $2 }'; }
GC='{name="grandmaster_change",subject="clock"}'
now_utc() { date -u +%H:%M:%S.%3N; }
since_s() { hv_secs "$1" "$(hv_now_us)"; }

hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l did not take the master role"
id_gm=$(hv_clock_id gm eth0)
hv_wait_log dut "$(hv_re_state 1 UNCALIBRATED)" 20 ||
	hv_fail "hvptpd's port did not reach UNCALIBRATED"

W=$HV_TMP/watch.ndjson
ip netns exec "$(hv_ns dut)" "$HVPTPCTL" -s "$(hv_uds dut)" --json -i 0 watch \
	>"$W" 2>"$HV_TMP/watch.err" &
watch_pid=$!
watch_ready() { grep -q '"event":"subscribed"' "$W"; }
hv_wait_cmd 10 watch_ready || hv_fail "watch did not subscribe: $(cat "$HV_TMP/watch.err")"

# --- 1. locked on ptp4l: applies, not raised; holdover does not apply ------
applies() { get_alarms && [ "$(alarm grandmaster_change applicable)" = True ]; }
hv_wait_cmd 10 applies || hv_fail "grandmaster_change does not apply once locked: $(cat "$A")"
[ "$(alarm grandmaster_change active)" = False ] ||
	hv_fail "grandmaster_change raised at start: $(cat "$A")"
[ "$(alarm holdover applicable)/$(alarm holdover value)" = "False/None" ] ||
	hv_fail "holdover must not apply to a free-running clock (value null): $(cat "$A")"
[ "$(metric "hvptp_alarm$GC")" = 0 ] || hv_fail "hvptp_alarm$GC is not 0: $(scrape | grep hvptp_alarm)"
! scrape | grep -q '^hvptp_alarm{name="holdover"' ||
	hv_fail "hvptp_alarm for holdover while it does not apply"

# --- 2. ptp4l stops: raised -------------------------------------------------
sleep 1
t_stop=$(hv_now_us)
w_stop=$(now_utc)
hv_stop gm
raised() { get_alarms && [ "$(alarm grandmaster_change active)" = True ]; }
hv_wait_cmd 15 raised || hv_fail "grandmaster_change not raised within 15 s of ptp4l stopping: $(cat "$A")"
s_get=$(since_s "$t_stop")
w_get=$(now_utc)
since_raise=$(alarm grandmaster_change since_monotonic_ns)
metric_raised() { [ "$(metric "hvptp_alarm$GC")" = 1 ]; }
hv_wait_cmd 5 metric_raised || hv_fail "hvptp_alarm$GC not 1: $(scrape | grep hvptp_alarm)"
s_met=$(since_s "$t_stop")
w_met=$(now_utc)
[ "$(metric "hvptp_alarm_raised_total$GC")" = 1 ] ||
	hv_fail "hvptp_alarm_raised_total$GC not 1: $(scrape | grep hvptp_alarm)"
watch_raised() { grep -q '"event":"alarm".*"name":"grandmaster_change","subject":"clock","change":"raised"' "$W"; }
hv_wait_cmd 5 watch_raised || hv_fail "watch printed no raise: $(cat "$W")"
w_watch=$(grep -m1 '"change":"raised"' "$W" | sed -E 's/.*"time":"[^"]*T([0-9:.]+)Z?".*/\1/')
RE_RAISE="${HV_RE_PREFIX}alarm grandmaster_change\(clock\) raised: value [0-9]+ events, bound 1 events"
hv_wait_log dut "$RE_RAISE" 5 || hv_fail "no log line /$RE_RAISE/"
m_log=$(hv_log_time dut "$RE_RAISE")
status_raised() { grep -q 'STATUS=.*alarms: grandmaster_change(clock); ' "$NOTES"; }
hv_wait_cmd 5 status_raised || hv_fail "no STATUS= with the alarm: $(cat "$NOTES")"
w_sd=$(grep -m1 'STATUS=.*alarms: grandmaster_change(clock)' "$NOTES" | cut -d' ' -f1)
ST=$HV_TMP/status.txt
GT=$HV_TMP/get_alarms.txt
ctl get HVPTP_ALARMS_NP >"$GT" 2>&1 || hv_fail "hvptpctl get HVPTP_ALARMS_NP: $(cat "$GT")"
grep -q 'grandmaster_change' "$GT" || hv_fail "get HVPTP_ALARMS_NP (text): $(cat "$GT")"
ctl -i 0 status >"$ST" 2>&1 || hv_fail "hvptpctl status: $(cat "$ST")"
grep -qE '^alarms +grandmaster_change\(clock\) [0-9]+ events, bound 1 events$' "$ST" ||
	hv_fail "status does not list the alarm: $(cat "$ST")"
# the monotonic time of the raise, as the log and the GET say it
m_get=$(awk -v n="$since_raise" 'BEGIN { printf "%.3f", n / 1e9 }')
hv_info "raised: GET after ${s_get} s (since ${m_get} s monotonic), log ${m_log} s, metrics after ${s_met} s"

# --- 3. ptp4l back: cleared HOLD_S after the last change --------------------
sleep 1
w_back=$(now_utc)
hv_run gm -i eth0
# its port goes UNCALIBRATED again: a second time in the log
back_slave() {
	[ "$(grep -cE "$(hv_re_state 1 UNCALIBRATED)" "$(hv_log dut)")" -ge 2 ]
}
hv_wait_cmd 20 back_slave || hv_fail "hvptpd did not follow ptp4l again"
t_sel=$(hv_now_us)
cleared() { get_alarms && [ "$(alarm grandmaster_change active)" = False ]; }
hv_wait_cmd $((HOLD_S + 15)) cleared || hv_fail "grandmaster_change not cleared: $(cat "$A")"
s_clr=$(since_s "$t_sel")
w_clr=$(now_utc)
since_clear=$(alarm grandmaster_change since_monotonic_ns)
[ "$(alarm grandmaster_change raised)" = 1 ] ||
	hv_fail "raised more than once (the return is a change within the hold): $(cat "$A")"
metric_cleared() { [ "$(metric "hvptp_alarm$GC")" = 0 ]; }
hv_wait_cmd 5 metric_cleared || hv_fail "hvptp_alarm$GC not back to 0"
[ "$(metric "hvptp_alarm_raised_total$GC")" = 1 ] || hv_fail "hvptp_alarm_raised_total$GC not 1"
watch_cleared() { grep -q '"name":"grandmaster_change","subject":"clock","change":"cleared"' "$W"; }
hv_wait_cmd 5 watch_cleared || hv_fail "watch printed no clear: $(cat "$W")"
w_watch2=$(grep -m1 '"change":"cleared"' "$W" | sed -E 's/.*"time":"[^"]*T([0-9:.]+)Z?".*/\1/')
RE_CLEAR="${HV_RE_PREFIX}alarm grandmaster_change\(clock\) cleared: value [0-9]+ events, bound 1 events"
hv_wait_log dut "$RE_CLEAR" 5 || hv_fail "no log line /$RE_CLEAR/"
m_log2=$(hv_log_time dut "$RE_CLEAR")
status_cleared() { tail -n 1 "$NOTES" | grep -vq 'alarms: grandmaster_change'; }
hv_wait_cmd 5 status_cleared || hv_fail "STATUS= still names the alarm: $(tail -n 3 "$NOTES")"
# held for HOLD_S after the last change: the raise to the clear spans the
# outage plus the hold, and the clear comes no sooner than the hold after
# hvptpd followed ptp4l again (the log's monotonic seconds)
m_sel=$(grep -E "$(hv_re_state 1 UNCALIBRATED)" "$(hv_log dut)" | tail -n 1 |
	sed -n 's/^[a-z0-9_]*\[\([0-9.]*\)\]: .*/\1/p')
m_clr=$(awk -v n="$since_clear" 'BEGIN { printf "%.3f", n / 1e9 }')
held=$(awk -v a="$m_sel" -v b="$m_clr" 'BEGIN { printf "%.1f", b - a }')
awk -v h="$held" -v w="$HOLD_S" 'BEGIN { exit !(h >= w - 1 && h <= w + 2) }' ||
	hv_fail "cleared ${held} s after the last change (hold ${HOLD_S} s)"
ctl -i 0 status >"$ST" 2>&1 || hv_fail "hvptpctl status: $(cat "$ST")"
grep -qE '^alarms +none$' "$ST" || hv_fail "status still lists alarms: $(cat "$ST")"

kill -INT "$watch_pid"
wait "$watch_pid"
wrc=$?
[ "$wrc" = 0 ] || hv_fail "watch exited with $wrc on SIGINT: $(cat "$HV_TMP/watch.err")"

# every JSON document against docs/hvptpctl.schema.json (python3-jsonschema)
SJ=$HV_TMP/status.json
ctl -i 0 --json status >"$SJ" 2>&1 || hv_fail "hvptpctl --json status: $(cat "$SJ")"
schema_note="schema not checked (no python3-jsonschema)"
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$HV_REPO/docs/hvptpctl.schema.json" "$A" "$SJ" "$W" \
		>"$HV_TMP/schema.txt" 2>&1 <<'EOF'
import json, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
n = bad = 0
for path in sys.argv[2:]:
    text = open(path).read()
    docs = [json.loads(l) for l in text.splitlines() if l.strip()] \
        if path.endswith(".ndjson") else [json.loads(text)]
    for d in docs:
        n += 1
        err = jsonschema.exceptions.best_match(v.iter_errors(d))
        if err is not None:
            bad += 1
            print("%s: %s at %s" % (path, err.message[:300], list(err.absolute_path)))
print("schema: %d documents, %d invalid" % (n, bad))
sys.exit(1 if bad else 0)
EOF
	src=$?
	[ "$src" = 0 ] || hv_fail "schema: $(cat "$HV_TMP/schema.txt")"
	schema_note=$(tail -n 1 "$HV_TMP/schema.txt")
fi
{
	echo "----- watch, the last HVPTP_ALARMS_NP, status, systemd's notifications:"
	cat "$W" "$A" "$GT" "$ST" "$NOTES"
} >>"$(hv_log dut)"
hv_finish
kill "$notify_pid" 2>/dev/null
wait "$notify_pid" 2>/dev/null
hv_result "grandmaster_change(clock), hold ${HOLD_S} s, GM $id_gm: ptp4l stopped $w_stop;" \
	"raised at monotonic ${m_get} s (log ${m_log} s), seen in GET $w_get (+${s_get} s)," \
	"watch $w_watch, metrics $w_met (+${s_met} s), systemd STATUS $w_sd;" \
	"ptp4l started $w_back, followed again; cleared at monotonic ${m_clr} s" \
	"(log ${m_log2} s, ${held} s after), GET $w_clr (+${s_clr} s), watch $w_watch2;" \
	"raised_total 1; holdover n/a (free_running: value null); $schema_note"
