# shellcheck shell=bash
# tests/interop/flood_lib.sh — the Announce flood scenario shared by
# test_announce_flood.sh (asserts) and bench/announce_flood.sh (figures).
# Sourced after lib.sh and hv_setup.
#
#   ns gm: ptp4l 3.1.1, the real grandmaster (priority1 128, class 248) --\
#   ns fl: announce_flood (tests/tools/), the attacker                     +-- ns br: br0
#   ns h:  hvptpd -s (slave only, free_running 1)                          |
#   ns p:  ptp4l 3.1.1 -s, the same part, side by side                  --/
#
# One subnet, 10.213.41.0/24: gm .1, h .2, p .3, the flooder .50 and,
# spoofing, .100 to .199.  Announce interval 1 s (logAnnounceInterval 0),
# FOREIGN_MASTER_THRESHOLD 2 in 4 intervals (both programs' defaults).
# Times are read from the programs' own log prefixes (CLOCK_MONOTONIC,
# which /proc/uptime matches on a host that never suspended): the
# grandmaster's first Announce is its port's move to (GRAND_)MASTER (ptp4l
# sends at once); "selected" is the slave's first log line naming the
# grandmaster as best master.

FL_NET=10.213.41
FL_FLOOD=${HVPTP_FLOOD:-$HV_REPO/build/tests/tools/announce_flood}
FL_SLAVES="h p"
FL_PID=""

# fl_problem: why the scenario cannot run here (empty when it can).
fl_problem() {
	[ -x "$FL_FLOOD" ] || echo "announce_flood not built ($FL_FLOOD): make $FL_FLOOD"
}

fl_topology() {
	local n
	# shellcheck disable=SC2034 # read by lib.sh's hv_node
	HV_LOG_ANNOUNCE=0
	hv_ns_add br
	hv_bridge br br0
	for n in gm h p fl; do
		hv_ns_add "$n"
		hv_veth "$n" eth0 br "b$n"
		hv_bridge_port br br0 "b$n"
	done
	hv_addr gm eth0 "$FL_NET.1/24"
	hv_addr h eth0 "$FL_NET.2/24"
	hv_addr p eth0 "$FL_NET.3/24"
	hv_addr fl eth0 "$FL_NET.50/24"
	hv_node gm gm ptp4l "priority1 128"
	hv_node h h dut "priority1 128"
	hv_node p p ptp4l "priority1 128"
}

# fl_flood_start ARGS...: the attacker, in the background, bounded (-t).
fl_flood_start() {
	ip netns exec "$(hv_ns fl)" "$FL_FLOOD" -i eth0 "$@" \
		>>"$HV_TMP/flood.log" 2>&1 &
	FL_PID=$!
}

fl_flood_stop() {
	[ -n "$FL_PID" ] || return 0
	hv_kill_pid "$FL_PID"
	FL_PID=""
}

# Monotonic time now, as the logs print it (seconds).
fl_mono() { awk '{ print $1 }' /proc/uptime; }

# fl_log_after NAME REGEX T: log time of the first line matching REGEX
# at or after T, or nothing.
fl_log_after() {
	grep -E "$2" "$(hv_log "$1")" 2>/dev/null |
		sed -n 's/^[a-z0-9_]*\[\([0-9.]*\)\]: .*/\1/p' |
		awk -v t="$3" '$1 >= t { print; exit }'
}

# The grandmaster's first Announce after T: its port's move to MASTER.
fl_gm_first() { fl_log_after gm "$(hv_re_state 1 "(GRAND_)?MASTER")" "${1:-0}"; }

# fl_selected NAME GMID T: time the slave selected GMID after T, or nothing.
fl_selected() {
	fl_log_after "$1" "selected best master clock $2" "$3"
}

# fl_gm_of NAME: the slave's grandmaster now (pmc PARENT_DATA_SET).
fl_gm_of() { hv_pmc_field "$1" PARENT_DATA_SET grandmasterIdentity; }

# fl_has_gm NAME GMID: the slave names GMID now.
fl_has_gm() { [ "$(fl_gm_of "$1")" = "$2" ]; }

# fl_wait_gm NAME GMID TIMEOUT_S: until the slave names GMID (pmc).
fl_wait_gm() { hv_wait_cmd "$3" fl_has_gm "$1" "$2"; }

# Memory and CPU of a node's process: "rss_kb hwm_kb cpu_ticks".
fl_proc() {
	local pid=${HV_NODE_PID[$1]:-}
	if [ -z "$pid" ] || [ ! -r "/proc/$pid/status" ]; then
		echo "- - -"
		return
	fi
	echo "$(awk '$1 == "VmRSS:" { r = $2 } $1 == "VmHWM:" { h = $2 }
		END { print r, h }' "/proc/$pid/status") \
$(awk '{ print $14 + $15 }' "/proc/$pid/stat")"
}

# fl_measure CASE GMID T [started]: one line per slave,
#   "CASE NAME INTERVALS RSS_KB HWM_KB CPU_PERCENT"
# INTERVALS from T to the slave selecting the grandmaster ("-" if it did
# not within FL_WAIT seconds); with "started", T is when the slaves were
# started and each is timed from its port's move to LISTENING (its socket
# open; the grandmaster's next Announce comes 0 to 1 interval later).
# CPU over the case so far (from fl_case_start).
fl_measure() {
	local c=$1 id=$2 t=$3 n sel iv now ready
	for n in $FL_SLAVES; do
		fl_wait_gm "$n" "$id" "${FL_WAIT:-20}" >/dev/null
	done
	sleep "${FL_SETTLE:-3}"
	now=$(fl_mono)
	for n in $FL_SLAVES; do
		if [ "${4:-}" = started ]; then
			ready=$(fl_log_after "$n" "$(hv_re_state 1 LISTENING)" "$3")
			t=${ready:-$3}
		fi
		sel=$(fl_selected "$n" "$id" "$t")
		iv=-
		[ -n "$sel" ] && iv=$(awk -v a="$t" -v b="$sel" 'BEGIN { printf "%.2f", b - a }')
		# shellcheck disable=SC2046 # three fields
		set -- $(fl_proc "$n")
		echo "$c $n $iv $1 $2 $(awk -v t0="${FL_T0[$n]}" -v c0="${FL_C0[$n]}" \
			-v t1="$now" -v c1="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN {
			if (c0 == "" || c1 == "-" || t1 <= t0) print "-"
			else printf "%.1f", 100 * (c1 - c0) / hz / (t1 - t0) }')"
	done
}

# fl_case_start: sample each slave's CPU ticks and the time.
declare -gA FL_T0=() FL_C0=()
fl_case_start() {
	local n
	for n in $FL_SLAVES; do
		FL_T0[$n]=$(fl_mono)
		# shellcheck disable=SC2046 # three fields
		set -- $(fl_proc "$n")
		FL_C0[$n]=$3
		[ "$3" = - ] && FL_C0[$n]=""
	done
}

# fl_slaves_restart: both slaves (slave only) started again.
fl_slaves_restart() {
	local n
	for n in $FL_SLAVES; do
		hv_alive "$n" && hv_stop "$n"
	done
	for n in $FL_SLAVES; do
		hv_run "$n" -i eth0 -s
	done
	sleep 0.2
}

# The attackers: worse identities in turn (each repeats once a second, so
# each qualifies), and better ones each heard once; both 5000 a second
# from 100 spoofed addresses.  Their identities differ (02f100.d000... and
# 02f100.d010...).
FL_WORSE=(-n 5000 -r 5000 -S 100 -s "$FL_NET.100")
FL_BETTER=(-n 0 -b 268435456 -B -r 5000 -S 100 -s "$FL_NET.100")
# shellcheck disable=SC2034 # for the scripts that source this
FL_BETTER_RE="selected best master clock 02f100\\.d01"

# fl_cases baseline|floods: the cases of test_announce_flood.sh's header, each line of
# fl_measure passed to fl_report, fl_check CASE called once (after the
# selection and FL_SETTLE seconds on); "baseline" first runs case 0,
# without a flood.  Sets FL_GM (the grandmaster's identity).
fl_cases() {
	local t0 t_gm line n
	if [ "$1" = baseline ]; then
		fl_slaves_restart
		fl_case_start
		hv_run gm -i eth0
		fl_wait_gm_start 0
		t_gm=$(fl_gm_first 0)
		while read -r line; do fl_report "$line"; done < <(fl_measure 0 "$FL_GM" "$t_gm")
		fl_check 0
		hv_stop gm
	fi
	# a: worse identities in turn; the grandmaster starts during the flood
	fl_slaves_restart
	fl_flood_start "${FL_WORSE[@]}" -t 30
	sleep 4
	fl_case_start
	t0=$(fl_mono)
	hv_run gm -i eth0
	fl_wait_gm_start "$t0"
	t_gm=$(fl_gm_first "$t0")
	while read -r line; do fl_report "$line"; done < <(fl_measure a "$FL_GM" "$t_gm")
	fl_check a
	fl_flood_stop
	# b: better identities heard once; the grandmaster starts during it
	hv_stop gm
	fl_slaves_restart
	fl_flood_start "${FL_BETTER[@]}" -t 45
	sleep 4
	fl_case_start
	t0=$(fl_mono)
	hv_run gm -i eth0
	fl_wait_gm_start "$t0"
	t_gm=$(fl_gm_first "$t0")
	while read -r line; do fl_report "$line"; done < <(fl_measure b "$FL_GM" "$t_gm")
	fl_check b
	# c: both slaves start during flood b, the grandmaster running
	t0=$(fl_mono)
	fl_slaves_restart
	fl_case_start
	while read -r line; do fl_report "$line"; done < \
		<(fl_measure c "$FL_GM" "$t0" started)
	fl_check c
	fl_flood_stop
	# d: the slaves' veths down for 2 s and up again during flood a
	fl_flood_start "${FL_WORSE[@]}" -t 30
	sleep 4
	fl_case_start
	for n in $FL_SLAVES; do
		ip -n "$(hv_ns "$n")" link set dev eth0 down
	done
	sleep 2
	t0=$(fl_mono)
	for n in $FL_SLAVES; do
		ip -n "$(hv_ns "$n")" link set dev eth0 up
	done
	while read -r line; do fl_report "$line"; done < \
		<(fl_measure d "$FL_GM" "$t0")
	fl_check d
	fl_flood_stop
}

fl_gm_started() { [ -n "$(fl_gm_first "$1")" ]; }

# fl_wait_gm_start T: the grandmaster's port in MASTER after T; sets FL_GM.
fl_wait_gm_start() {
	hv_wait_cmd 15 fl_gm_started "$1" ||
		hv_fail "the grandmaster did not become MASTER"
	FL_GM=$(hv_clock_id gm eth0)
}
