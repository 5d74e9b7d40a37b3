#!/bin/bash
# test_reload.sh — SIGHUP and `hvptpctl reload` while a ptp4l slave follows.
#
#   ns a: hvptpd -i eth0 (grandmaster, priority1 100) --- veth --- ns b: ptp4l -s
#                   eth1 (not a port at start)       --- veth --- ns c: ptp4l -s
#
# 1. SIGHUP after the file gained [eth1], priority1 50, logSyncInterval -2,
#    step_threshold 0.5 and domainNumber 7: eth1 becomes port 2 and c's
#    ptp4l follows it; the servo is made again (logged);
#    PRIORITY1 reads 50 and port 1's LOG_SYNC_INTERVAL -2 (pmc and
#    hvptpctl); domainNumber is refused with the file's line and the old
#    value kept (pmc: DOMAIN 0); b's ptp4l never leaves SLAVE and port 1
#    never changes state; b's offsets before and after are printed.
# 2. `hvptpctl reload` after [eth1] and domainNumber went and
#    uds_ro_address moved: port 2 removed (exit 0: nothing refused), port
#    1 untouched; the read-only socket answers at its new path only.
# 3. A file that no longer loads: SIGHUP and `hvptpctl reload` (exit 1)
#    change nothing and every error is logged with its line (a value out
#    of range, a misspelt option with its suggestion); the daemon runs.
# 4. SIGUSR1 (as any signal that would end it): exit 0, sockets gone.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup reload
hv_is_standin && hv_skip "needs hvptpd's reload (HVPTPD is ptp4l)"
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$HVPTPCTL" ] || hv_skip "no hvptpctl at $HVPTPCTL (make; or set HVPTPCTL)"

hv_ns_add a
hv_ns_add b
hv_ns_add c
hv_veth a eth0 b eth0
hv_veth a eth1 c eth0
hv_addr a eth0 10.213.41.1/24
hv_addr b eth0 10.213.41.2/24
hv_addr a eth1 10.213.42.1/24
hv_addr c eth0 10.213.42.2/24
hv_node a a dut "priority1 100"
hv_node b b ptp4l "slaveOnly 1" "priority1 255" "summary_interval -4"
hv_node c c ptp4l "slaveOnly 1" "priority1 255"
cfg=$(hv_cfg a)
cp "$cfg" "$HV_TMP/a.cfg.orig"
hv_run a -i eth0
hv_run b -i eth0
hv_run c -i eth0
uds=$(hv_uds a)

ctl() {
	timeout 20 ip netns exec "$(hv_ns a)" "$HVPTPCTL" -s "$uds" "$@"
}
# pmc's value of FIELD in GET ID (port 1 for port data sets).
field() { hv_pmc_field a "$1" "$2"; }
b_offsets() { hv_log_offsets b | awk '{ print $1 }'; }
b_state_lines() { grep -cE "port 1( \([^)]*\))?: [A-Z_]+ to " "$(hv_log b)"; }
a_port1_lines() { grep -cE "$(hv_re_state 1 '[A-Z_]+')" "$(hv_log a)"; }

hv_wait_log b "$(hv_re_state 1 '(UNCALIBRATED|SLAVE)')" 20 ||
	hv_fail "ptp4l b did not follow hvptpd"
enough() { [ "$(b_offsets | wc -l)" -ge 6 ]; }
hv_wait_cmd 20 enough || hv_fail "ptp4l b logged fewer than 6 offsets"
[ "$(field PRIORITY1 priority1)" = 100 ] || hv_fail "priority1 is not 100 at start"

# --- 1. SIGHUP: a port, an interval, a priority, and a refused change ----
before=$(b_offsets | hv_abs_median_max)
n_b=$(b_state_lines)
n_a=$(a_port1_lines)
sed -i 's/^priority1 100$/priority1 50/; s/^logSyncInterval .*/logSyncInterval -2/' "$cfg"
printf 'step_threshold 0.5\ndomainNumber 7\n[eth1]\n' >>"$cfg"
dom_line=$(grep -n '^domainNumber 7$' "$cfg" | cut -d: -f1)
kill -HUP "${HV_NODE_PID[a]}"
hv_wait_log a "reload: 4 changes applied, 1 refused" 10 ||
	hv_fail "no reload summary after SIGHUP"
hv_wait_log a "$cfg:$dom_line: domainNumber: cannot change while running \(restart hvptpd\); keeping 0" 1 ||
	hv_fail "the refused domainNumber is not logged with its file:line"
hv_wait_log a "eth1: port 2 added" 5 || hv_fail "eth1 did not become port 2"
hv_wait_log a "clock CLOCK_REALTIME: servo restarted with the new settings at its current frequency \(nothing stepped\)" 1 ||
	hv_fail "a servo option changed but the servo was not made again"
hv_wait_log c "$(hv_re_state 1 '(UNCALIBRATED|SLAVE)')" 20 ||
	hv_fail "ptp4l c did not follow the new port 2"
[ "$(field PRIORITY1 priority1)" = 50 ] || hv_fail "PRIORITY1 is not 50 after the reload"
[ "$(field DOMAIN domainNumber)" = 0 ] || hv_fail "DOMAIN changed though refused"
ctl get LOG_SYNC_INTERVAL 1 >"$HV_TMP/lsi.txt" || hv_fail "hvptpctl get LOG_SYNC_INTERVAL failed"
grep -qE 'log_sync_interval +-2$' "$HV_TMP/lsi.txt" ||
	hv_fail "port 1's logSyncInterval is not -2: $(cat "$HV_TMP/lsi.txt")"
pid_before=${HV_NODE_PID[a]}
nb=$(b_offsets | wc -l)
more() { [ "$(b_offsets | wc -l)" -ge $((nb + 6)) ]; }
hv_wait_cmd 30 more || hv_fail "ptp4l b logged fewer than 6 offsets after the reload"
after=$(b_offsets | tail -n 6 | hv_abs_median_max)
[ "$(b_state_lines)" = "$n_b" ] || hv_fail "ptp4l b's port changed state during the reload"
[ "$(a_port1_lines)" = "$n_a" ] || hv_fail "hvptpd's port 1 changed state during the reload"
hv_info "ptp4l b |offset| median/max (ns): before $before, after $after"

# --- 2. hvptpctl reload: the port goes -------------------------------------
sed -i '/^\[eth1\]$/d; /^domainNumber 7$/d' "$cfg"
sed -i "s|^uds_ro_address .*|uds_ro_address $HV_TMP/a.ro2|" "$cfg"
ctl reload >"$HV_TMP/reload.out" 2>&1 || hv_fail "hvptpctl reload: exit $?: $(cat "$HV_TMP/reload.out")"
grep -qE '^ +summary +reload: 2 changes applied, 0 refused' "$HV_TMP/reload.out" ||
	hv_fail "hvptpctl reload printed: $(cat "$HV_TMP/reload.out")"
hv_wait_log a "eth1: its section is gone from the configuration; port 2 removed" 5 ||
	hv_fail "port 2 was not removed"
[ "$(a_port1_lines)" = "$n_a" ] || hv_fail "hvptpd's port 1 changed state when port 2 went"
hv_wait_log a "reload: management reopened" 5 || hv_fail "the management sockets were not reopened"
[ -S "$HV_TMP/a.ro2" ] || hv_fail "no read-only socket at the new uds_ro_address"
[ ! -e "${uds}ro" ] || hv_fail "the old read-only socket ${uds}ro is left"
timeout 20 ip netns exec "$(hv_ns a)" "$HVPTPCTL" -s "$HV_TMP/a.ro2" get PRIORITY1 >/dev/null ||
	hv_fail "hvptpctl gets no answer on the new read-only socket"
if [ "${HV_NODE_PID[a]}" != "$pid_before" ] || ! hv_alive a; then
	hv_fail "hvptpd is not running"
fi

# --- 3. a file that does not load ------------------------------------------
cp "$cfg" "$HV_TMP/a.cfg.good"
echo "priority1 300" >>"$cfg"
bad_line=$(wc -l <"$cfg")
echo "prioirty2 5" >>"$cfg"
kill -HUP "${HV_NODE_PID[a]}"
hv_wait_log a "reload failed: the configuration does not load" 10 ||
	hv_fail "a broken file's reload is not reported"
hv_wait_log a "$cfg:$bad_line: priority1: " 1 || hv_fail "the bad line is not named"
hv_wait_log a "$cfg:$((bad_line + 1)): prioirty2: unknown option; did you mean \"priority2\"\?" 1 ||
	hv_fail "the second error of the file is not logged"
rc=0
ctl reload >"$HV_TMP/reload2.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || hv_fail "hvptpctl reload of a broken file: exit $rc, expected 1"
grep -qE 'loaded +false' "$HV_TMP/reload2.out" || hv_fail "hvptpctl reload: $(cat "$HV_TMP/reload2.out")"
[ "$(field PRIORITY1 priority1)" = 50 ] || hv_fail "a broken file changed PRIORITY1"
cp "$HV_TMP/a.cfg.good" "$cfg"

# --- 4. any other terminating signal ends it cleanly too ---------------------
pid=${HV_NODE_PID[a]}
kill -USR1 "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && hv_fail "hvptpd still runs 5 s after SIGUSR1"
st=0
wait "$pid" || st=$?
HV_NODE_PID[a]=""
[ "$st" = 0 ] || hv_fail "hvptpd exited with status $st on SIGUSR1"
hv_wait_log a "shutting down on SIGUSR1" 1 || hv_fail "no 'shutting down on SIGUSR1' line"
if [ -e "$uds" ] || [ -e "$HV_TMP/a.ro2" ]; then
	hv_fail "a management socket is left after SIGUSR1"
fi
hv_finish
hv_result "ptp4l b |offset| median/max before $before ns, after $after ns; port 2 added and removed"
