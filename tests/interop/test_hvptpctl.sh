#!/bin/bash
# test_hvptpctl.sh — hvptpctl against a live hvptpd (boundary clock).
#
#   ns b: ptp4l GM, priority1 100 --- veth --- ns a: hvptpd -i eth0 -i eth1
#                                               (priority1 200)
#                                                  --- veth --- ns c: ptp4l -s
#
# 1. status (text and --json): clock, grandmaster B, peer of port 1, port 2
#    MASTER, message rates measured over 1 s; the clock tree (CLOCK_REALTIME
#    the reference stamping both ports, measured only: servo and frequency
#    not applied) and the host checks.
# 2. get of several IDs (text and --json, hvptp's clock tree and host
#    checks and PORT_HWCLOCK_NP among them), checked against pmc's view.
# 3. watch --json runs in the background; set PRIORITY1 50 makes hvptpd the
#    grandmaster: get PRIORITY1 (and pmc) shows 50, watch prints port 1's
#    change to MASTER and the parent change, then stops on SIGINT (exit 0).
#    set GRANDMASTER_SETTINGS_NP current_utc_offset=36, then get.
# 4. Refusals and exit codes: the read-only socket refuses set (1), a
#    missing socket (3 + hint), bad usage (2), a user without access to the
#    read-write socket (3, permission hint) who may still use the read-only
#    one (0), hvptpctl outside the daemon's network namespace (0).
# 5. Every --json output (and tests/golden/*.json) is validated against
#    docs/hvptpctl.schema.json with python3-jsonschema.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup hvptpctl
hv_is_standin && hv_skip "needs hvptpd's management (HVPTPD is ptp4l)"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"
PY=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || hv_skip "python3-jsonschema not installed (apt-get install python3-jsonschema)"
SCHEMA=$HV_REPO/docs/hvptpctl.schema.json

hv_ns_add a
hv_ns_add b
hv_ns_add c
hv_veth b eth0 a eth0
hv_veth a eth1 c eth0
hv_addr b eth0 10.213.7.1/24
hv_addr a eth0 10.213.7.2/24
hv_addr a eth1 10.213.8.1/24
hv_addr c eth0 10.213.8.2/24
hv_node a a dut "priority1 200"
hv_node b b ptp4l "priority1 100"
hv_node c c ptp4l "slaveOnly 1" "priority1 255"
hv_run b -i eth0
hv_run a -i eth0 -i eth1
hv_run c -i eth0
uds=$(hv_uds a)
uds_ro=$(hv_uds a)ro
J=$HV_TMP/json
mkdir -p "$J"

hv_wait_log b "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l B did not take the master role"
id_b=$(hv_clock_id b eth0)
hv_wait_log a "selected best master clock $id_b" 20 ||
	hv_fail "hvptpd did not select B ($id_b)"
hv_wait_log a "$(hv_re_state 2 MASTER)" 15 || hv_fail "hvptpd's port 2 is not MASTER"
enough_offsets() { [ "$(hv_log_offsets a | wc -l)" -ge 8 ]; }
hv_wait_cmd 20 enough_offsets || hv_fail "hvptpd logged fewer than 8 offsets"

# ctl [hvptpctl args]: in ns a, stdout to $out, stderr to $err, status $rc
out=$HV_TMP/ctl.out
err=$HV_TMP/ctl.err
ncalls=0
ctl() {
	ncalls=$((ncalls + 1))
	timeout 20 ip netns exec "$(hv_ns a)" "$HVPTPCTL" "$@" >"$out" 2>"$err"
	rc=$?
	if grep -qE 'Sanitizer|runtime error: ' "$err"; then
		cat "$err" >&2
		hv_fail "sanitizer report from hvptpctl $*"
	fi
	{
		echo "----- hvptpctl $* (exit $rc)"
		cat "$out" "$err"
	} >>"$HV_TMP/transcript.txt"
}
# expect RC DESCRIPTION: the last ctl's exit status
expect() {
	[ "$rc" = "$1" ] || hv_fail "$2: exit $rc, want $1; stderr: $(cat "$err")"
}
# keep NAME: the last ctl's stdout, for the schema check
keep() { cp "$out" "$J/$1"; }
# jq-free JSON field: jget FILE PYTHON-EXPRESSION-ON-d
jget() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# --- 1. status -----------------------------------------------------------------
ctl -s "$uds" status
expect 0 status
grep -qE "^grandmaster +$id_b\$" "$out" || hv_fail "status: grandmaster is not $id_b: $(cat "$out")"
grep -qE "^ +1 +eth0 +(UNCALIBRATED|SLAVE) +$id_b-1 " "$out" ||
	hv_fail "status: port 1 row wrong: $(cat "$out")"
grep -qE "^ +2 +eth1 +MASTER +- " "$out" || hv_fail "status: port 2 row wrong: $(cat "$out")"
cp "$out" "$HV_TMP/status.txt"
ctl -s "$uds" --json status
expect 0 "status --json"
keep status.json
[ "$(jget "$out" 'd["clock"]["grandmaster_identity"]')" = "$id_b" ] ||
	hv_fail "status --json: grandmaster_identity"
[ "$(jget "$out" 'd["ports"][0]["peer"]')" = "$id_b-1" ] || hv_fail "status --json: peer of port 1"
rx=$(jget "$out" 'd["ports"][0]["rx_sync_per_s"]')
tx=$(jget "$out" 'd["ports"][1]["tx_sync_per_s"]')
ann=$(jget "$out" 'd["ports"][0]["rx_announce_per_s"]')
# logSyncInterval -3: 8 Sync/s; logAnnounceInterval -2: 4 Announce/s
awk -v r="$rx" -v t="$tx" -v a="$ann" 'BEGIN { exit !(r >= 5 && r <= 11 && t >= 5 && t <= 11 && a >= 2 && a <= 6) }' ||
	hv_fail "status --json rates: rx sync $rx, tx sync $tx, rx announce $ann (want ~8, ~8, ~4)"
# the clock tree: one clock, CLOCK_REALTIME (software timestamps stamp
# both ports), the reference, measured only (free_running 1): its servo is
# not applied (null, never 0); its frequency is the free-running estimate
# once one is known (frequency_known), null before; its offset is the
# master's
# clk KEY...: those members of the one clock, space-separated
clk() {
	local keys
	keys=$(printf '"%s",' "$@")
	jget "$J/status.json" "' '.join(str(d['clock_tree']['clocks'][0][k]) for k in ($keys))"
}
n=$(jget "$J/status.json" 'len(d["clock_tree"]["clocks"])')
[ "$n" = 1 ] || hv_fail "status --json: $n clocks, want 1"
got=$(clk name role_name keeps_utc phc_index port_numbers)
[ "$got" = "CLOCK_REALTIME reference True -1 [1, 2]" ] ||
	hv_fail "status --json: the clock is '$got', want CLOCK_REALTIME, reference, keeps UTC, no PHC, ports 1 and 2"
got=$(clk adjusted servo_applied servo_state read_method)
[ "$got" = "False False None None" ] ||
	hv_fail "status --json: a free-running reference shows '$got' (adjusted, servo applied, state, read method)"
got=$(clk frequency_known frequency_ppb)
case $got in
"False None") ;;
True\ -[0-9]* | True\ [0-9]*) ;;
*) hv_fail "status --json: a free-running reference's frequency is '$got' (known, value): null until its estimate is known, a number after" ;;
esac
coff=$(clk offset_ns)
case $coff in
'' | None) hv_fail "status --json: no offset for the reference after samples" ;;
esac
[ "$(hv_abs_int "$coff")" -lt 500000 ] || hv_fail "status --json: |clock offset| $coff ns"
[ "$(jget "$J/status.json" '[p["phc_index"] for p in d["ports"]]')" = "[-1, -1]" ] ||
	hv_fail "status --json: ports' phc_index $(jget "$J/status.json" '[p["phc_index"] for p in d["ports"]]')"
hc=$(jget "$J/status.json" 'd["host_checks"]["ran"], sorted(d["host_checks"]["checks"])')
[ "$hc" = "True ['clocksource', 'other_adjuster', 'tsc_unstable']" ] ||
	hv_fail "status --json: host checks '$hc'"
grep -qE '^CLOCK_REALTIME +reference, measured only +not applied +[-+][0-9.]+ (ns|us|ms) +not applied +PTP +unknown +1,2$' \
	"$HV_TMP/status.txt" || hv_fail "status: the clock line: $(cat "$HV_TMP/status.txt")"
grep -qE '^host checks +[0-9]+ (finding|unknown|ok)' "$HV_TMP/status.txt" ||
	hv_fail "status: no host checks line: $(cat "$HV_TMP/status.txt")"
ctl -s "$uds_ro" -j -i 0 status
expect 0 "status -i 0 on the read-only socket"
keep status_norates.json
[ "$(jget "$out" 'd["ports"][0]["rx_sync_per_s"]')" = None ] || hv_fail "status -i 0 has rates"

# --- 2. get ---------------------------------------------------------------------
for id in DEFAULT_DATA_SET CURRENT_DATA_SET PARENT_DATA_SET TIME_PROPERTIES_DATA_SET \
	PORT_DATA_SET TIME_STATUS_NP PORT_PROPERTIES_NP PORT_STATS_NP CLOCK_DESCRIPTION \
	HVPTP_SERVO_STATUS_NP HVPTP_PORT_DROPS_NP GRANDMASTER_SETTINGS_NP PORT_DATA_SET_NP \
	SUBSCRIBE_EVENTS_NP PRIORITY1 LOG_SYNC_INTERVAL PORT_HWCLOCK_NP HVPTP_CLOCKS_NP \
	HVPTP_HOST_NP HVPTP_FEEDS_NP; do
	ctl -s "$uds" get "$id"
	expect 0 "get $id"
	grep -q "^$id from " "$out" || hv_fail "get $id: $(cat "$out")"
	ctl -s "$uds" --json get "$id"
	expect 0 "get $id --json"
	keep "get_$id.json"
done
n=$(jget "$J/get_PORT_DATA_SET.json" 'len(d["responses"])')
[ "$n" = 2 ] || hv_fail "get PORT_DATA_SET: $n answers, want 2"
ctl -s "$uds" get PORT_DATA_SET 2
expect 0 "get PORT_DATA_SET 2"
grep -qE '^  port_state +MASTER \(6\)$' "$out" || hv_fail "port 2 not MASTER: $(cat "$out")"
# hvptpctl and pmc agree
id_a=$(hv_pmc_field a DEFAULT_DATA_SET clockIdentity)
[ "$(jget "$J/get_DEFAULT_DATA_SET.json" 'd["responses"][0]["data"]["clock_identity"]')" = "$id_a" ] ||
	hv_fail "clock_identity differs from pmc's $id_a"
[ "$(jget "$J/get_PARENT_DATA_SET.json" 'd["responses"][0]["data"]["parent_port_identity"]')" = \
	"$(hv_pmc_field a PARENT_DATA_SET parentPortIdentity)" ] || hv_fail "parent_port_identity differs from pmc"
[ "$(jget "$J/get_PORT_PROPERTIES_NP.json" 'd["responses"][1]["data"]["interface"]')" = eth1 ] ||
	hv_fail "PORT_PROPERTIES_NP port 2 interface"
ctl -s "$uds" -j get PORT_STATS_NP 1
sync1=$(jget "$out" 'd["responses"][0]["data"]["rx"]["sync"]')
pmc_sync=$(hv_pmc a "GET PORT_STATS_NP" | awk '$1 == "rx_Sync" { print $2; exit }')
if [ -z "$pmc_sync" ] || [ "$sync1" -le 0 ] || [ "$pmc_sync" -lt "$sync1" ]; then
	hv_fail "PORT_STATS_NP rx sync: hvptpctl $sync1, pmc later $pmc_sync"
fi

# --- 3. watch, set ------------------------------------------------------------
W=$J/watch.ndjson
ip netns exec "$(hv_ns a)" "$HVPTPCTL" -s "$uds" --json -i 0.5 watch >"$W" 2>"$HV_TMP/watch.err" &
watch_pid=$!
watch_ready() { grep -q '"event":"subscribed"' "$W"; }
hv_wait_cmd 10 watch_ready || hv_fail "watch did not subscribe: $(cat "$HV_TMP/watch.err")"
ctl -s "$uds" set PRIORITY1 priority1=50
expect 0 "set PRIORITY1 priority1=50"
grep -qE '^  priority1 +50$' "$out" || hv_fail "set PRIORITY1 answer: $(cat "$out")"
ctl -s "$uds_ro" get PRIORITY1
expect 0 "get PRIORITY1 (read-only socket)"
grep -qE '^  priority1 +50$' "$out" || hv_fail "get PRIORITY1 after set: $(cat "$out")"
hv_pmc_expect a PRIORITY1 priority1 50
watch_saw() {
	grep '"event":"port_state"' "$W" | grep '"port_number":1,' | grep -q '"port_state_name":"MASTER"' &&
		grep -q '"event":"parent_data_set"' "$W"
}
hv_wait_cmd 15 watch_saw || hv_fail "watch did not print port 1 -> MASTER and a parent change: $(cat "$W")"
sleep 1
kill -INT "$watch_pid"
wait "$watch_pid"
wrc=$?
[ "$wrc" = 0 ] || hv_fail "watch exited with $wrc on SIGINT: $(cat "$HV_TMP/watch.err")"
! grep -qE 'Sanitizer|runtime error: ' "$HV_TMP/watch.err" ||
	hv_fail "sanitizer report from hvptpctl watch: $(cat "$HV_TMP/watch.err")"
nev=$(wc -l <"$W")
noff=$(grep -c '"event":"offset"' "$W")
[ "$noff" -ge 2 ] || hv_fail "watch printed $noff offset lines"
ctl -s "$uds" -j get SUBSCRIBE_EVENTS_NP
expect 0 "get SUBSCRIBE_EVENTS_NP"
ctl -s "$uds" set GRANDMASTER_SETTINGS_NP current_utc_offset=36
expect 0 "set GRANDMASTER_SETTINGS_NP current_utc_offset=36"
ctl -s "$uds" --json get GRANDMASTER_SETTINGS_NP
keep gm_after.json
[ "$(jget "$out" 'd["responses"][0]["data"]["current_utc_offset"]')" = 36 ] ||
	hv_fail "current_utc_offset after set"
[ "$(jget "$out" 'd["responses"][0]["data"]["time_source_name"]')" = INTERNAL_OSCILLATOR ] ||
	hv_fail "time_source changed by a set of another field"
hv_pmc_expect a GRANDMASTER_SETTINGS_NP currentUtcOffset 36
ctl -s "$uds" --json set PORT_DATA_SET_NP 2 neighbor_prop_delay_thresh_ns=777
expect 0 "set PORT_DATA_SET_NP 2"
keep set_port_ds_np.json
ctl -s "$uds" -j status
keep status_gm.json
[ "$(jget "$out" 'd["clock"]["is_grandmaster"]')" = True ] || hv_fail "status: not grandmaster after the set"

# --- 4. refusals and exit codes ------------------------------------------------
ctl -s "$uds_ro" set PRIORITY1 priority1=1
expect 1 "set on the read-only socket"
grep -q "NOT_SUPPORTED" "$err" || hv_fail "read-only refusal message: $(cat "$err")"
ctl -s "$uds_ro" --json set PRIORITY1 priority1=1
expect 1 "set --json on the read-only socket"
keep set_ro.json
ctl -s "$uds_ro" watch
expect 1 "watch on the read-only socket"
ctl -s "$uds" set DOMAIN domain_number=4
expect 1 "set DOMAIN (not settable)"
ctl -s "$HV_TMP/nope.sock" status
expect 3 "missing socket"
grep -qF "no hvptpd socket at $HV_TMP/nope.sock: is it running? (-s PATH)" "$err" ||
	hv_fail "missing-socket hint: $(cat "$err")"
ctl -s "$HV_TMP/nope.sock" --json get PRIORITY1
expect 3 "missing socket --json"
keep missing.json
for args in "frobnicate" "get" "get NO_SUCH_ID" "set PRIORITY1 priority1=256" \
	"set PRIORITY1 bogus=1" "status extra" "-t 0 status" "--nope status"; do
	# shellcheck disable=SC2086
	ctl -s "$uds" $args
	expect 2 "usage: hvptpctl $args"
done
ctl --json -s "$uds" get
expect 2 "usage --json"
keep usage.json
if command -v setpriv >/dev/null 2>&1; then
	nobody() {
		timeout 20 ip netns exec "$(hv_ns a)" setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$HVPTPCTL" "$@" >"$out" 2>"$err"
		rc=$?
		! grep -qE 'Sanitizer|runtime error: ' "$err" ||
			hv_fail "sanitizer report from hvptpctl (nobody) $*: $(cat "$err")"
	}
	nobody -s "$uds" get PRIORITY1
	expect 3 "non-root on the read-write socket"
	grep -q "permission denied on $uds: use the read-only socket" "$err" ||
		hv_fail "permission hint: $(cat "$err")"
	nobody -s "$uds_ro" --json get PRIORITY1
	expect 0 "non-root on the read-only socket"
	keep nobody_ro.json
	perm_note="non-root: RW refused (3), RO works"
else
	perm_note="no setpriv: non-root case not run"
fi
# outside the daemon's network namespace too (test_hvptpctl_netns: more)
timeout 20 "$HVPTPCTL" -s "$uds" -t 300 get PRIORITY1 >"$out" 2>"$err"
rc=$?
expect 0 "from another network namespace"

# --- 5. the schema -------------------------------------------------------------
"$PY" - "$SCHEMA" "$J"/*.json "$W" "$HV_REPO"/tests/golden/*.json >"$HV_TMP/schema.txt" 2>&1 <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
ndocs = nbad = 0
for path in sys.argv[2:]:
    text = open(path).read()
    docs = [json.loads(l) for l in text.splitlines() if l.strip()] \
        if path.endswith(".ndjson") else [json.loads(text)]
    for d in docs:
        ndocs += 1
        err = jsonschema.exceptions.best_match(v.iter_errors(d))
        if err is not None:
            nbad += 1
            print("%s: %s at %s" % (path, err.message[:300], list(err.absolute_path)))
print("%d documents in %d files, %d invalid" % (ndocs, len(sys.argv) - 2, nbad))
sys.exit(1 if nbad else 0)
EOF
src=$?
cat "$HV_TMP/schema.txt" >>"$HV_TMP/transcript.txt"
[ "$src" = 0 ] || hv_fail "schema validation: $(cat "$HV_TMP/schema.txt")"
schema_note=$(tail -n 1 "$HV_TMP/schema.txt")

cat "$HV_TMP/transcript.txt" >>"$(hv_log a)"
hv_finish
hv_result "$ncalls hvptpctl runs: status (rates rx $rx/s tx $tx/s), get x$(find "$J" -name 'get_*.json' | wc -l), set, watch ($nev events, port 1 -> MASTER seen), exit codes 1/2/3; $perm_note; schema: $schema_note"
