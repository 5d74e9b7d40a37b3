#!/bin/bash
# test_privdrop.sh — user: hvptpd drops to an unprivileged user after start.
#
#   ns a: hvptpd (priority1 100, the master) --- ns b: ptp4l 3.1.1, slaveOnly
#
# 1. Without user nothing changes: hvptpd runs as root with the
#    capabilities it was started with (those of this shell), no_new_privs
#    unset.
# 2. With "user nobody" and "uds_group daemon" (free_running 1, UDPv4 on
#    319/320), /proc/PID/status shows uid and gid nobody's (real, effective,
#    saved, fs), group daemon among the supplementary groups, CapPrm =
#    CapEff = CapBnd = CAP_NET_BIND_SERVICE alone (and CAP_NET_RAW on a
#    kernel before 5.7), CapInh = CapAmb = 0 and NoNewPrivs 1.  After the
#    drop it still works: ptp4l follows it (UNCALIBRATED: running free it
#    never locks, so never SLAVE) and logs offsets; the
#    read-write socket is mode 0660 group daemon, the read-only one 0666
#    group daemon; pmc (run with group daemon, which its own socket gets:
#    the daemon's user can answer it) gets answers on both, a SET on the
#    read-only one is refused; hvptpctl run as nobody reads the read-only
#    socket and cannot open the read-write one; SIGHUP with priority1
#    changed in the file applies it (PRIORITY1; ptp4l still follows).
# 3. The same with seccomp 1 (Seccomp 2 in /proc): ptp4l follows, pmc and
#    metrics answer, a tap matching [tap*] that appears is served (its
#    sockets opened after the filter) and goes, a reload applies, and no
#    call was refused (no EPERM in the log).
# Needs root, ptp4l and pmc 3.1.1, setpriv, the user nobody and the group
# daemon (skips otherwise).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

hv_setup privdrop
hv_is_standin && hv_skip "needs hvptpd's user option (HVPTPD is ptp4l)"
command -v setpriv >/dev/null || hv_skip "no setpriv (util-linux)"
getent passwd nobody >/dev/null || hv_skip "no user nobody"
getent group daemon >/dev/null || hv_skip "no group daemon"
CTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
[ -x "$CTL" ] || hv_skip "no hvptpctl next to $HVPTPD"

nobody_uid=$(id -u nobody)
nobody_gid=$(id -g nobody)
daemon_gid=$(getent group daemon | cut -d: -f3)
# CAP_NET_BIND_SERVICE (10); CAP_NET_RAW (13) too before 5.7
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
want_caps=$((1 << 10))
[ $((kmaj * 1000 + kmin)) -lt 5007 ] && want_caps=$((want_caps | 1 << 13))
want_caps=$(printf '%016x' "$want_caps")

hv_ns_add a
hv_ns_add b
hv_veth a eth0 b eth0
hv_addr a eth0 10.213.31.1/24
hv_addr b eth0 10.213.31.2/24

# one line of /proc/PID/status, its fields separated by single spaces
status_field() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status"; }

# --- 1. without user -----------------------------------------------------
hv_node a a dut "priority1 100"
hv_run a -i eth0
hv_wait_log a "port 1 \(eth0\): .* to (LISTENING|MASTER)" 10 ||
	hv_fail "hvptpd did not start"
pid=${HV_NODE_PID[a]}
[ "$(status_field "$pid" Uid)" = "0 0 0 0" ] ||
	hv_fail "without user: Uid $(status_field "$pid" Uid)"
[ "$(status_field "$pid" CapEff)" = "$(status_field $$ CapEff)" ] ||
	hv_fail "without user: CapEff $(status_field "$pid" CapEff), started with $(status_field $$ CapEff)"
[ "$(status_field "$pid" CapBnd)" = "$(status_field $$ CapBnd)" ] ||
	hv_fail "without user: CapBnd $(status_field "$pid" CapBnd)"
[ "$(status_field "$pid" NoNewPrivs)" = 0 ] || hv_fail "without user: NoNewPrivs set"
! grep -q "privileges:" "$(hv_log a)" || hv_fail "without user: a privileges line in the log"
before="CapEff $(status_field "$pid" CapEff)"
hv_stop a
rm -f "$(hv_uds a)" "$(hv_uds a)ro"

# --- 2. with user nobody ----------------------------------------------------
hv_node a a dut "priority1 100" "user nobody" "uds_group daemon"
hv_node b b ptp4l "slaveOnly 1" "summary_interval $HV_LOG_SYNC"
hv_run a -i eth0
hv_run b -i eth0
hv_wait_log a "privileges: running as user nobody" 10 ||
	hv_fail "no privilege drop in the log"
pid=${HV_NODE_PID[a]}
ids="$nobody_uid $nobody_uid $nobody_uid $nobody_uid"
[ "$(status_field "$pid" Uid)" = "$ids" ] || hv_fail "Uid $(status_field "$pid" Uid), expected $ids"
ids="$nobody_gid $nobody_gid $nobody_gid $nobody_gid"
[ "$(status_field "$pid" Gid)" = "$ids" ] || hv_fail "Gid $(status_field "$pid" Gid), expected $ids"
status_field "$pid" Groups | tr ' ' '\n' | grep -qx "$daemon_gid" ||
	hv_fail "group daemon ($daemon_gid) not among Groups: $(status_field "$pid" Groups)"
for f in CapPrm CapEff CapBnd; do
	[ "$(status_field "$pid" $f)" = "$want_caps" ] ||
		hv_fail "$f $(status_field "$pid" $f), expected $want_caps"
done
for f in CapInh CapAmb; do
	[ "$(status_field "$pid" $f)" = 0000000000000000 ] ||
		hv_fail "$f $(status_field "$pid" $f), expected none"
done
[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || hv_fail "NoNewPrivs not set"
hv_info "after the drop: uid $nobody_uid, CapEff $want_caps (before: $before)"

# still works: ptp4l follows it (UNCALIBRATED: free-running, it never
# locks) and logs offsets
hv_wait_log b "$(hv_re_state 1 UNCALIBRATED)" 30 ||
	hv_fail "ptp4l b did not reach UNCALIBRATED"
offsets() { [ "$(hv_log_offsets b | wc -l)" -ge 8 ]; }
hv_wait_cmd 20 offsets || hv_fail "ptp4l b logged fewer than 8 offsets"

# the sockets' modes and group
uds=$(hv_uds a)
[ "$(stat -c '%a %G' "$uds")" = "660 daemon" ] || hv_fail "$uds: $(stat -c '%a %G' "$uds")"
[ "$(stat -c '%a %G' "${uds}ro")" = "666 daemon" ] || hv_fail "${uds}ro: $(stat -c '%a %G' "${uds}ro")"

# pmc with group daemon: its own socket (0660, its group) is writable by
# the daemon's user
pmc_as_daemon() {
	local sock=$1
	shift
	timeout 10 ip netns exec "$(hv_ns a)" setpriv --regid daemon --keep-groups \
		pmc -u -b 0 -s "$sock" "$@" 2>/dev/null
}
got_rw() { pmc_as_daemon "$uds" "GET PRIORITY1" | grep -qE '^[[:space:]]+priority1 +100 *$'; }
hv_wait_cmd 5 got_rw || hv_fail "no PRIORITY1 100 from the read-write socket"
got_ro() { pmc_as_daemon "${uds}ro" "GET PRIORITY1" | grep -qE '^[[:space:]]+priority1 +100 *$'; }
hv_wait_cmd 5 got_ro || hv_fail "no PRIORITY1 100 from the read-only socket"
refused() { pmc_as_daemon "${uds}ro" "SET PRIORITY1 90" | grep -q MANAGEMENT_ERROR_STATUS; }
hv_wait_cmd 5 refused || hv_fail "SET on the read-only socket not refused"
# hvptpctl as nobody (no group daemon): the read-only socket only
as_nobody() {
	timeout 10 ip netns exec "$(hv_ns a)" setpriv --reuid nobody --regid "$nobody_gid" \
		--clear-groups "$CTL" -s "$1" get PRIORITY1 2>&1
}
as_nobody "${uds}ro" | grep -qE 'priority1 +100' ||
	hv_fail "hvptpctl as nobody on the read-only socket: $(as_nobody "${uds}ro")"
if as_nobody "$uds" >"$HV_TMP/rw-nobody.out"; then
	hv_fail "hvptpctl as nobody was answered on the 0660 socket: $(cat "$HV_TMP/rw-nobody.out")"
fi

# a reload (SIGHUP) still applies a live option
sed -i 's/^priority1 100$/priority1 110/' "$(hv_cfg a)"
kill -HUP "$pid"
hv_wait_log a "reload: 1 change applied, 0 refused" 10 ||
	hv_fail "no reload summary after SIGHUP: $(grep reload: "$(hv_log a)" | tail -n 2)"
got_110() { pmc_as_daemon "$uds" "GET PRIORITY1" | grep -qE '^[[:space:]]+priority1 +110 *$'; }
hv_wait_cmd 5 got_110 || hv_fail "PRIORITY1 is not 110 after the reload"
[ "$(status_field "$pid" CapEff)" = "$want_caps" ] || hv_fail "CapEff changed after the reload"
tail_state=$(grep -E "$(hv_re_state 1 '[A-Z_]+')" "$(hv_log b)" | tail -n 1)
echo "$tail_state" | grep -q "to UNCALIBRATED" ||
	hv_fail "ptp4l b left UNCALIBRATED: $tail_state"

# --- 3. with user nobody and seccomp 1 ----------------------------------
hv_stop b
hv_stop a
rm -f "$uds" "${uds}ro"
hv_node a3 a dut "priority1 100" "user nobody" "uds_group daemon" "seccomp 1" \
	"metrics_address 127.0.0.1:9783" "[eth0]" "[tap*]"
hv_node b3 b ptp4l "slaveOnly 1" "summary_interval $HV_LOG_SYNC"
hv_run a3
hv_run b3 -i eth0
hv_wait_log a3 "seccomp: [0-9]+ system calls allowed" 10 || hv_fail "no seccomp filter in the log"
pid=${HV_NODE_PID[a3]}
[ "$(status_field "$pid" Seccomp)" = 2 ] || hv_fail "Seccomp $(status_field "$pid" Seccomp), expected 2 (filter)"
[ "$(status_field "$pid" CapEff)" = "$want_caps" ] || hv_fail "seccomp: CapEff $(status_field "$pid" CapEff)"
hv_wait_log b3 "$(hv_re_state 1 UNCALIBRATED)" 30 ||
	hv_fail "seccomp: ptp4l b did not follow"
uds=$(hv_uds a3)
got3() { pmc_as_daemon "$uds" "GET PRIORITY1" | grep -qE '^[[:space:]]+priority1 +100 *$'; }
hv_wait_cmd 5 got3 || hv_fail "seccomp: no PRIORITY1 from the read-write socket"
timeout 10 ip netns exec "$(hv_ns a)" curl -s http://127.0.0.1:9783/metrics |
	grep -q '^hvptp_port_state{' || hv_fail "seccomp: no metrics"
# a guest's tap appears after the filter: its port is opened (socket,
# bind to 319, multicast) and goes when the tap goes
ip -n "$(hv_ns a)" link add tap7 type veth peer name tap7p || hv_fail "cannot add tap7"
ip -n "$(hv_ns a)" link set tap7 up
hv_wait_log a3 "tap7: matches \[tap\*\]" 10 || hv_fail "seccomp: tap7 was not served"
ip -n "$(hv_ns a)" link del tap7
hv_wait_log a3 "tap7: deleted" 10 || hv_fail "seccomp: tap7 did not go"
sed -i 's/^priority1 100$/priority1 120/' "$(hv_cfg a3)"
kill -HUP "$pid"
hv_wait_log a3 "reload: 1 change applied, 0 refused" 10 || hv_fail "seccomp: no reload"
! grep -qi "not permitted" "$(hv_log a3)" ||
	hv_fail "seccomp: a call refused: $(grep -i "not permitted" "$(hv_log a3)" | head -n 2)"

hv_finish
hv_result "uid $nobody_uid, CapEff/CapPrm/CapBnd $want_caps, NoNewPrivs 1 (without user: uid 0, $before); ptp4l follows; sockets 660/666 group daemon; reload applied; with seccomp 1 the same, a tap served, metrics, reload"
