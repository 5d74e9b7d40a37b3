#!/bin/bash
# test_chrony.sh — hvptpd feeding Debian's chronyd: chrony_sock and
# ntp_shm_segment (daemon/feed.h).
#
#   ns gm: ptp4l, priority1 100 --- veth --- ns sl: hvptpd -s  ──SOCK, SHM──▶ chronyd -x
#
# hvptpd runs free (free_running 1, software timestamps): it measures its
# master and feeds "reference UTC - system" to chronyd, which runs with
# -x (never touches the clock: no makestep, no rtcsync, no driftfile) in
# hvptpd's namespace, with its own configuration, sockets, pidfile and
# command socket under the test's directory, bounded in time by timeout
# and killed at the end (the namespace's processes are killed by
# lib.sh as well).  hvptpd starts first, so that its first samples find no
# socket: they must be counted (hvptp_feed_failures_total) and logged, not
# fatal.  Then chronyd must list both refclocks (SOCK refid HVS, SHM
# refid HVM) with a non-zero reach register, samples and a selectable
# state (* selected, + combined, - acceptable but not combined: which of
# the two feeds chronyd combines depends on their error estimates, and
# flips under load), never x (falseticker), ~ (too variable) or ?
# (unusable), through its own command socket (chronyc -h PATH); the
# metrics and hvptpctl get HVPTP_FEEDS_NP must count the samples.  The
# SHM unit is one no segment of this machine uses; it is removed at the
# end.  Needs root, ip, ptp4l, chronyd and chronyc (scripts/deps.sh).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CHRONYD_SECONDS=120   # chronyd's life at most (timeout)
REACH_WAIT_S=60       # for both refclocks to be reached and selectable

hv_setup chrony
for c in chronyd chronyc ipcs ipcrm; do
	command -v "$c" >/dev/null 2>&1 ||
		hv_skip "$c not found (scripts/deps.sh installs chrony)"
done
hv_is_standin && hv_skip "ptp4l standing in has no chrony_sock"

# A free SHM unit: key 0x4e545030 + unit not present on this machine.
unit=""
for u in $(seq $((200 + $$ % 40)) 255) $(seq 2 199); do
	key=$(printf '0x%08x' $((0x4e545030 + u)))
	if ! ipcs -m | awk '{ print $1 }' | grep -qix "$key"; then
		unit=$u
		break
	fi
done
[ -n "$unit" ] || hv_skip "no free NTP SHM unit"
trap 'rc=$?; ipcrm -M "$key" 2>/dev/null; (exit $rc); hv_cleanup' EXIT

CDIR=$HV_TMP/chrony
mkdir -m 0770 "$CDIR" || hv_fail "cannot create $CDIR"
SOCK=$CDIR/refclock.sock
CMD=$CDIR/chronyd.sock
PROM=$HV_TMP/sl.prom
cat >"$CDIR/chrony.conf" <<EOF
# written by tests/interop/test_chrony.sh: no clock control (-x), no
# makestep, no NTP port, command socket only
refclock SOCK $SOCK refid HVS poll 1
refclock SHM $unit refid HVM poll 1
bindcmdaddress $CMD
cmdport 0
port 0
pidfile $CDIR/chronyd.pid
EOF

hv_ns_add gm
hv_ns_add sl
hv_veth gm eth0 sl eth0
hv_addr gm eth0 10.213.9.1/24
hv_addr sl eth0 10.213.9.2/24

hv_node gm gm ptp4l "priority1 100"
hv_node sl sl dut "chrony_sock $SOCK" "ntp_shm_segment $unit" \
	"feed_rate 4" "metrics_textfile $PROM" "metrics_textfile_interval 1"
hv_run gm -i eth0
hv_run sl -i eth0 -s

gm_id=""
hv_wait_log gm "selected local clock $HV_RE_ID as best master" 15 ||
	hv_fail "ptp4l grandmaster did not take the master role"
gm_id=$(hv_clock_id gm eth0)
hv_wait_log sl "selected best master clock $gm_id" 20 ||
	hv_fail "hvptpd did not select the grandmaster $gm_id"
hv_wait_log sl "feed: the reference's time is fed" 20 ||
	hv_fail "hvptpd did not start feeding"
# chronyd is not there yet: the samples fail, hvptpd says so and lives on
hv_wait_log sl "feed: $SOCK: No such file or directory" 5 ||
	hv_fail "no log line for the samples chronyd was not there to take"

ip netns exec "$(hv_ns sl)" timeout "$CHRONYD_SECONDS" \
	chronyd -x -d -u root -f "$CDIR/chrony.conf" >"$HV_TMP/chronyd.log" 2>&1 &
chronyd_pid=$!
hv_info "chronyd -x (pid $chronyd_pid), SHM unit $unit"

SRC=$HV_TMP/sources.txt
# Both refclocks reached (reach != 0) and accepted by chronyd's selection
# (selected, combined, or acceptable but not combined).
both_selectable() {
	chronyc -h "$CMD" -n sources >"$SRC" 2>&1 || return 1
	awk '$2 == "HVS" || $2 == "HVM" {
		if ($5 != "0" && $1 ~ /^#[-*+]$/) ok[$2] = 1
	} END { exit !(ok["HVS"] && ok["HVM"]) }' "$SRC"
}
hv_wait_cmd "$REACH_WAIT_S" both_selectable || {
	cat "$SRC" >&2
	tail -n 20 "$HV_TMP/chronyd.log" >&2
	hv_fail "chronyd does not list both refclocks as reached and selectable"
}
chronyc -h "$CMD" -n sources >"$SRC" 2>&1
chronyc -h "$CMD" -n sourcestats >"$HV_TMP/sourcestats.txt" 2>&1
sed 's/^/    /' "$SRC" >&2
sed 's/^/    /' "$HV_TMP/sourcestats.txt" >&2
kill -0 "$chronyd_pid" 2>/dev/null || hv_fail "chronyd died"

# The counters, after chronyd took samples for a while.
counter() {
	awk -v n="$1" -v l="$2" 'index($0, n "{" l "}") == 1 { print $2 }' "$PROM"
}
sleep 2
sent=$(counter hvptp_feed_samples_total 'feed="chrony_sock"')
failed=$(counter hvptp_feed_failures_total 'feed="chrony_sock"')
shm=$(counter hvptp_feed_samples_total 'feed="ntp_shm"')
[ "${sent:-0}" -gt 0 ] || hv_fail "hvptp_feed_samples_total (chrony_sock) is '${sent}'"
[ "${failed:-0}" -gt 0 ] || hv_fail "hvptp_feed_failures_total (chrony_sock) is '${failed}'"
[ "${shm:-0}" -gt 0 ] || hv_fail "hvptp_feed_samples_total (ntp_shm) is '${shm}'"

# The same through management (HVPTP_FEEDS_NP), when hvptpctl is there.
HVPTPCTL=${HVPTPCTL:-$(dirname "$HVPTPD")/hvptpctl}
mgmt_note="no hvptpctl at $HVPTPCTL"
if [ -x "$HVPTPCTL" ]; then
	J=$HV_TMP/feeds.json
	ip netns exec "$(hv_ns sl)" timeout 10 "$HVPTPCTL" -s "$(hv_uds sl)" \
		--json get HVPTP_FEEDS_NP >"$J" 2>&1 ||
		hv_fail "hvptpctl get HVPTP_FEEDS_NP: $(cat "$J")"
	feeds=$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["responses"][0]["data"]
print(d["chrony_sock"], d["ntp_shm"], d["ntp_shm_segment"],
      d["chrony_sent"], d["chrony_failed"], d["shm_sent"],
      d["last_outcome_name"], d["skipped_unlocked"])' "$J") ||
		hv_fail "HVPTP_FEEDS_NP: $(cat "$J")"
	read -r m_chrony m_shm m_unit m_sent m_failed m_shm_sent m_last m_unl <<<"$feeds"
	[ "$m_chrony $m_shm $m_unit $m_last" = "True True $unit fed" ] ||
		hv_fail "HVPTP_FEEDS_NP: outputs/unit/last '$m_chrony $m_shm $m_unit $m_last'"
	if [ "$m_sent" -le 0 ] || [ "$m_failed" -le 0 ] || [ "$m_shm_sent" -le 0 ]; then
		hv_fail "HVPTP_FEEDS_NP: sent $m_sent failed $m_failed shm $m_shm_sent"
	fi
	mgmt_note="HVPTP_FEEDS_NP: chrony sent $m_sent failed $m_failed, shm $m_shm_sent, skipped unlocked $m_unl, last $m_last"
fi

hvs=$(awk '$2 == "HVS"' "$SRC" | tr -s ' ')
hvm=$(awk '$2 == "HVM"' "$SRC" | tr -s ' ')
kill -TERM "$chronyd_pid" 2>/dev/null
wait "$chronyd_pid" 2>/dev/null
hv_finish
hv_result "chronyc sources: '$hvs' / '$hvm'; SOCK samples sent $sent, failed $failed (before chronyd); SHM samples $shm; $mgmt_note"
