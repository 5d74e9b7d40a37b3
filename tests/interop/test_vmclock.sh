#!/bin/bash
# test_vmclock.sh — hvptpd writes the vmclock page, hvptpctl reads it.
#
#   ns dut: hvptpd -i eth0 (free_running 1, vmclock_file, 10 updates/s)
#                  --- veth --- ns peer (nothing: the clock is its own GM)
#
# 1. The page appears and says FREERUNNING: hvptpd does not steer the
#    system clock (free_running 1), so the page carries the host's clock
#    with no time or period bounds (null, never 0).
# 2. hvptpctl --json vmclock: magic and version (else exit 1), the
#    machine's counter, TAI = UTC + tai_offset_s (37, not valid: the clock's
#    own configured offset), and the page's UTC against CLOCK_REALTIME
#    here: the agreement is printed; only a 1 ms sanity bound is checked.
#    The page is being updated (seq_count moves, the reference point is
#    younger than a second).  Output validated against the schema when
#    python3-jsonschema is there.
# 3. hvptpd stops (exit 0): the page stays, UNRELIABLE.  hvptpd starts
#    again: the same file (inode), the disruption marker one on.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SANE_NS=1000000 # 1 ms: a sanity bound, not a timing figure

hv_setup vmclock
hv_is_standin && hv_skip "needs hvptpd's vmclock page (HVPTPD is ptp4l)"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"
case $(uname -m) in
x86_64 | aarch64) ;;
*) hv_skip "no counter the vmclock ABI defines on $(uname -m)" ;;
esac
command -v python3 >/dev/null 2>&1 || hv_skip "python3 not found (scripts/deps.sh installs python3-jsonschema)"
PY=""
if python3 -c 'import jsonschema' 2>/dev/null; then
	PY=python3
fi
SCHEMA=$HV_REPO/docs/hvptpctl.schema.json
PAGE=$HV_TMP/vmclock

hv_ns_add dut
hv_ns_add peer
hv_veth dut eth0 peer eth0
hv_addr dut eth0 10.213.9.1/24
hv_addr peer eth0 10.213.9.2/24
hv_node dut dut dut "vmclock_file $PAGE" "vmclock_rate 10"
hv_run dut -i eth0

hv_wait_log dut "vmclock: $PAGE: freerunning" 10 ||
	hv_fail "hvptpd's page did not reach FREERUNNING"

# read OUT: hvptpctl --json vmclock into OUT, exit status checked, schema
read_page() {
	"$HVPTPCTL" --json vmclock "$PAGE" >"$1" 2>"$1.err" ||
		hv_fail "hvptpctl vmclock: exit $?: $(cat "$1.err")"
	if [ -n "$PY" ]; then
		"$PY" - "$SCHEMA" "$1" <<'EOF' || hv_fail "$1: not valid against the schema"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
EOF
	fi
}
# field FILE PATH: a member (dotted path) as JSON text: null, true, 37...
field() {
	python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(json.dumps(v) if not isinstance(v, str) else v)' "$1" "$2"
}

J1=$HV_TMP/page1.json
J2=$HV_TMP/page2.json
read_page "$J1"
sleep 1
read_page "$J2"
"$HVPTPCTL" vmclock "$PAGE" >"$HV_TMP/page.txt" || hv_fail "hvptpctl vmclock (text) failed"

[ "$(field "$J2" clock_status_name)" = freerunning ] ||
	hv_fail "clock status $(field "$J2" clock_status_name), want freerunning"
case $(uname -m) in
x86_64) want_counter=x86_tsc ;;
*) want_counter=arm_vcnt ;;
esac
[ "$(field "$J2" counter_name)" = "$want_counter" ] ||
	hv_fail "counter $(field "$J2" counter_name), want $want_counter"
[ "$(field "$J2" time_type_name)" = tai ] || hv_fail "time type not tai"
for k in time_esterror_ns time_maxerror_ns period_esterror_ppb period_maxerror_ppb; do
	[ "$(field "$J2" "$k")" = null ] ||
		hv_fail "$k is $(field "$J2" "$k") under free_running (want null)"
done
[ "$(field "$J2" tai_offset_s)" = 37 ] || hv_fail "tai_offset_s $(field "$J2" tai_offset_s)"
[ "$(field "$J2" tai_offset_valid)" = false ] || hv_fail "tai_offset_valid should be false"
[ $(($(field "$J2" time.sec) - $(field "$J2" utc.sec))) -eq 37 ] ||
	hv_fail "TAI - UTC is not 37 s on the page"
seq1=$(field "$J1" seq_count)
seq2=$(field "$J2" seq_count)
[ "$seq2" -gt "$seq1" ] || hv_fail "seq_count did not move in 1 s ($seq1 -> $seq2)"
[ $((seq2 % 2)) -eq 0 ] || hv_fail "seq_count $seq2 returned odd"
awk -v a="$(field "$J2" age_s)" 'BEGIN { exit !(a >= 0 && a < 1) }' ||
	hv_fail "the page's reference point is $(field "$J2" age_s) s old at 10 updates/s"
off1=$(field "$J1" offset_from_local_ns)
off2=$(field "$J2" offset_from_local_ns)
win2=$(field "$J2" offset_window_ns)
for o in "$off1" "$off2"; do
	[ "$(hv_abs_int "$o")" -lt "$SANE_NS" ] ||
		hv_fail "the page is $o ns from CLOCK_REALTIME (sanity bound $SANE_NS)"
done
marker=$(field "$J2" disruption_marker)
ino=$(stat -c %i "$PAGE")
hv_info "agreement with CLOCK_REALTIME: $off1 ns, $off2 ns (read in $win2 ns); seq $seq1 -> $seq2 in 1 s"

# 3. stopped: UNRELIABLE; started again: same file, marker + 1
hv_stop dut
read_page "$J1"
[ "$(field "$J1" clock_status_name)" = unreliable ] ||
	hv_fail "after exit the page says $(field "$J1" clock_status_name), want unreliable"
hv_run dut -i eth0
second_run() { [ "$(grep -c "vmclock: $PAGE: freerunning" "$(hv_log dut)")" -ge 2 ]; }
hv_wait_cmd 10 second_run ||
	hv_fail "the restarted hvptpd's page did not reach FREERUNNING"
sleep 0.5
read_page "$J2"
[ "$(stat -c %i "$PAGE")" = "$ino" ] || hv_fail "the page file was replaced (a VMM's mapping would go stale)"
m2=$(field "$J2" disruption_marker)
python3 -c 'import sys; sys.exit(int(sys.argv[2]) != int(sys.argv[1]) + 1)' \
	"$marker" "$m2" ||
	hv_fail "disruption marker $marker -> $m2 after a restart, want + 1"
hv_finish
hv_result "agreement $off1 ns, $off2 ns (window $win2 ns); status freerunning, no bounds; unreliable after exit; marker +1 on restart"
