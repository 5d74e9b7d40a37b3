# shellcheck shell=bash
# tests/interop/lib.sh — helpers for the interop tests and the demo.
#
# Sourced, not run.  Builds throw-away topologies in network namespaces
# (veth pairs, bridges), starts hvptpd and linuxptp's ptp4l in them with
# their output captured, waits for log lines with time limits, reads pmc
# fields, and tears everything down from an EXIT trap, even on failure or
# Ctrl-C.  Every clock runs free (free_running 1): nothing here ever adjusts
# a clock.  With software timestamps every node reads the same system clock,
# so offsets measure the protocol path (timestamps, delay mechanism), not a
# servo.
#
# A node is a named daemon: hv_node NAME NS KIND, with KIND "dut" (the
# program under test, $HVPTPD), "ptp4l" (linuxptp's, the reference peer)
# or "ptp4l44" (linuxptp 4.4's, from $HV_PTP44: hv_linuxptp44).
# HVPTPD may point at /usr/sbin/ptp4l to develop the tests without hvptpd;
# hv_is_standin tells them apart.
#
# Exit codes of a test: 0 pass, 1 fail, 77 skip.  Its last line is
# "RESULT: key figures" (pass), "FAIL: why" or "SKIP: why".

HV_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # for the scripts that source this
HV_REPO=$(cd "$HV_LIB_DIR/../.." && pwd)
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# Protocol timing shared by every config we write.
HV_LOG_SYNC=-3          # 8 Sync/s
HV_LOG_ANNOUNCE=-2      # 4 Announce/s
HV_ANNOUNCE_TIMEOUT=3   # announceReceiptTimeout
HV_LOG_DELAYREQ=-2
HV_LOG_LEVEL=${HV_LOG_LEVEL:-6}

# Log line forms accepted from both programs:
#   hvptpd[12.345]: port 1 (veth0): LISTENING to UNCALIBRATED on RS_SLAVE
#   ptp4l[535.526]: port 1: LISTENING to UNCALIBRATED on RS_SLAVE
HV_RE_PREFIX='^[a-z0-9_]+\[[0-9]+\.[0-9]+\]: '
HV_RE_ID='[0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}'
HV_RE_OFFSET='master offset +-?[0-9]+ s[0-9] freq +[-+]?[0-9]+ path delay +-?[0-9]+'

declare -gA HV_NODE_NS=() HV_NODE_KIND=() HV_NODE_PID=() HV_NODE_T0=()
declare -ga HV_NODES=() HV_NETNS=()
HV_TAG=${HV_TAG:-hvt$$}
HV_TMP=""
HV_TEST=""
HV_STATUS=0
HV_PTP44=${HV_PTP44:-}  # linuxptp 4.4's programs, once hv_linuxptp44 found them

# --- messages --------------------------------------------------------------

hv_info() { echo "  [$HV_TEST] $*" >&2; }

# Print the tail of every node's log, for a failure report.
hv_dump_logs() {
	local n log
	for n in "${HV_NODES[@]}"; do
		log=$(hv_log "$n")
		[ -f "$log" ] || continue
		echo "----- $n (${HV_NODE_KIND[$n]}) log, last ${HV_DUMP_LINES:-25} lines:"
		tail -n "${HV_DUMP_LINES:-25}" "$log" | sed 's/^/    /'
	done
}

hv_fail() {
	hv_dump_logs
	echo "FAIL: $*"
	exit 1
}

hv_skip() {
	echo "SKIP: $*"
	exit 77
}

hv_result() { echo "RESULT: $*"; }

# --- environment -----------------------------------------------------------

# Why the interop tests cannot run here (empty when they can).
hv_env_problem() {
	local c
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (network namespaces)"
		return
	fi
	for c in ip ptp4l pmc timeout; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "$c not found (apt-get install linuxptp iproute2)"
			return
		fi
	done
	if [ -z "${HVPTPD:-}" ]; then
		echo "HVPTPD is not set (make interop sets it)"
	elif [ ! -x "$HVPTPD" ]; then
		echo "HVPTPD=$HVPTPD is not an executable (run make first)"
	fi
}

# hv_linuxptp44: the directory of linuxptp 4.4's ptp4l, pmc and phc2sys
# ($LINUXPTP44_DIR, else built once by the shared folder's build.sh into
# <repo>/build/linuxptp-4.4; the shared folder is $HVPTP_SHARED,
# <repo>/../shared or /work/shared), or the reason it cannot be had
# (status 1).  A test skips with that reason (run.sh turns the skip into a
# failure under HVPTP_REQUIRE_INTEROP=1).
hv_linuxptp44() {
	local d dir="${LINUXPTP44_DIR:-}" shared="" out p
	if [ -z "$dir" ]; then
		for d in "${HVPTP_SHARED:-}" "$HV_REPO/../shared" /work/shared; do
			if [ -n "$d" ] && [ -x "$d/linuxptp-4.4/build.sh" ]; then
				shared=$d
				break
			fi
		done
		if [ -z "$shared" ]; then
			echo "linuxptp 4.4: no shared folder with linuxptp-4.4/build.sh (set HVPTP_SHARED)"
			return 1
		fi
		if ! out=$("$shared/linuxptp-4.4/build.sh" "$HV_REPO/build/linuxptp-4.4" 2>&1); then
			echo "linuxptp 4.4: build failed: ${out##*$'\n'}"
			return 1
		fi
		dir=${out##*$'\n'}
	fi
	for p in ptp4l pmc phc2sys; do
		if [ ! -x "$dir/$p" ]; then
			echo "linuxptp 4.4: $dir/$p not found"
			return 1
		fi
	done
	echo "$dir"
}

# True when the program under test is linuxptp's ptp4l standing in.
hv_is_standin() {
	case "$(basename "${HVPTPD:-}")" in
	ptp4l*) return 0 ;;
	esac
	return 1
}

# --- time ------------------------------------------------------------------

# Microseconds of wall-clock time (only differences are used; nothing here
# steps the clock).
hv_now_us() { local t=${EPOCHREALTIME//[.,]/}; echo "$t"; }

# Seconds with one decimal between two hv_now_us values.
hv_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# --- set-up and tear-down --------------------------------------------------

# hv_setup NAME: temp dir, traps, environment check.
hv_setup() {
	HV_TEST=$1
	local why
	why=$(hv_env_problem)
	[ -z "$why" ] || hv_skip "$why"
	HV_TMP=/run/hvptp-test.$HV_TAG
	mkdir -p "$HV_TMP" || hv_fail "cannot create $HV_TMP"
	trap hv_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	if ! ip netns add "$HV_TAG-probe" 2>/dev/null; then
		hv_skip "cannot create network namespaces here"
	fi
	ip netns del "$HV_TAG-probe"
	if hv_is_standin; then
		hv_info "HVPTPD is linuxptp's ptp4l standing in for hvptpd"
	fi
}

# Stop a child process: TERM, up to 5 s, then KILL.  Its exit status goes
# to HV_STATUS (not printed: only this shell can wait for its children).
hv_kill_pid() {
	local pid=$1 i
	if kill -TERM "$pid" 2>/dev/null; then
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	HV_STATUS=$?
}

hv_cleanup() {
	local rc=$? n ns pid
	trap - EXIT INT TERM HUP
	for n in "$HV_TMP"/cap-*.pid; do
		[ -f "$n" ] && kill -KILL "$(cat "$n")" 2>/dev/null
	done
	for n in "${HV_NODES[@]}"; do
		pid=${HV_NODE_PID[$n]:-}
		[ -n "$pid" ] && hv_kill_pid "$pid"
	done
	for ns in "${HV_NETNS[@]}"; do
		# Anything still inside one of our namespaces is ours.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$HV_TMP" ] && [ -d "$HV_TMP" ]; then
		if [ -n "${HV_KEEP:-}" ]; then
			echo "  [$HV_TEST] logs kept in $HV_TMP" >&2
		else
			rm -rf "$HV_TMP"
		fi
	fi
	exit "$rc"
}

# --- topology --------------------------------------------------------------

# Full name of a namespace of this test.
hv_ns() { echo "$HV_TAG-$1"; }

hv_ns_add() {
	local ns
	ns=$(hv_ns "$1")
	ip netns add "$ns" || hv_fail "ip netns add $ns failed"
	HV_NETNS+=("$ns")
	ip -n "$ns" link set dev lo up
}

# hv_veth NS1 IF1 NS2 IF2: a veth pair, created directly inside the two
# namespaces (short names) and brought up.
hv_veth() {
	local a b
	a=$(hv_ns "$1") b=$(hv_ns "$3")
	ip link add name "$2" netns "$a" type veth peer name "$4" netns "$b" ||
		hv_fail "veth $1:$2 -- $3:$4 failed"
	if ! ip -n "$a" link set dev "$2" up || ! ip -n "$b" link set dev "$4" up; then
		hv_fail "cannot bring up veth $2/$4"
	fi
}

# hv_addr NS IF CIDR
hv_addr() {
	ip -n "$(hv_ns "$1")" addr add "$3" dev "$2" ||
		hv_fail "address $3 on $1:$2 failed"
}

# hv_bridge NS BR: a bridge without STP and without multicast snooping (so
# PTP multicast reaches every port at once).
hv_bridge() {
	local ns
	ns=$(hv_ns "$1")
	ip -n "$ns" link add name "$2" type bridge stp_state 0 mcast_snooping 0 ||
		hv_fail "bridge $1:$2 failed"
	ip -n "$ns" link set dev "$2" up
}

# hv_bridge_port NS BR IF
hv_bridge_port() {
	local ns
	ns=$(hv_ns "$1")
	if ! ip -n "$ns" link set dev "$3" master "$2" ||
		! ip -n "$ns" link set dev "$3" up; then
		hv_fail "cannot add $3 to bridge $2"
	fi
}

# hv_mac NS IF
hv_mac() {
	ip -n "$(hv_ns "$1")" -o link show dev "$2" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p'
}

# hv_eui64 MAC: the clock identity ptp4l derives from a MAC address.
hv_eui64() {
	local IFS=:
	# shellcheck disable=SC2086
	set -- $1
	echo "$1$2$3.fffe.$4$5$6"
}

# --- captures through Wireshark's PTP dissector ------------------------------

# hv_capture_start NS IF: capture PTP (UDP 319/320 over IPv4 and IPv6,
# ethertype 0x88F7) on IF in namespace NS until hv_capture_check; prints
# the capture file's name.  Needs dumpcap (Debian's tshark, scripts/deps.sh).
hv_capture_start() {
	local f="$HV_TMP/cap-$1-$2.pcapng" i
	command -v dumpcap >/dev/null 2>&1 ||
		hv_fail "dumpcap is missing (package tshark: scripts/deps.sh)"
	ip netns exec "$(hv_ns "$1")" dumpcap -q -i "$2" \
		-f "udp port 319 or udp port 320 or ether proto 0x88f7" \
		-w "$f" >"$f.log" 2>&1 &
	# callers take the file name by $(...), a subshell: the pid goes
	# to a file, which hv_capture_check and hv_cleanup read
	echo $! >"$f.pid"
	for ((i = 0; i < 50; i++)); do
		grep -q "Capturing on" "$f.log" 2>/dev/null && break
		kill -0 "$(cat "$f.pid")" 2>/dev/null ||
			hv_fail "dumpcap on $1:$2 failed: $(head -c 300 "$f.log")"
		sleep 0.1
	done
	echo "$f"
}

# hv_capture_check FILE SOURCE: stop the capture, and check every PTP
# packet SOURCE sent (an IPv4/IPv6 address or a MAC address) with tshark:
# none may be malformed or carry an expert warning or error.  Fails the
# test otherwise (naming the first few); with no packet from SOURCE at all
# it fails too.  Prints "N packets (TYPE COUNT, ...)".
hv_capture_check() {
	local f=$1 src=$2 pid="" field sel n bad types i
	[ -f "$f.pid" ] && pid=$(cat "$f.pid")
	if [ -n "$pid" ]; then
		# not our child (started in a subshell): TERM, then wait until
		# dumpcap has written the file out and gone
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$f.pid"
	fi
	case $src in
	*:*:*:*:*:*) field=eth.src ;;
	*:*) field=ipv6.src ;;
	*) field=ip.src ;;
	esac
	sel="ptp && $field == $src"
	n=$(tshark -r "$f" -Y "$sel" 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || hv_fail "no PTP packet from $src in the capture"
	bad=$(tshark -r "$f" -Y "$sel && (_ws.malformed || _ws.expert.severity >= warning)" \
		-T fields -e frame.number -e ptp.v2.messagetype -e _ws.expert.message \
		2>/dev/null | head -n 5)
	[ -z "$bad" ] || hv_fail "tshark: malformed or warned PTP packets from $src:" \
		"$(echo "$bad" | tr '\t\n' ' ;')"
	local -a nm=(Sync Delay_Req Pdelay_Req Pdelay_Resp 4 5 6 7 Follow_Up
		Delay_Resp Pdelay_Resp_Follow_Up Announce Signaling Management)
	local c t
	types=""
	while read -r c t; do
		types+="${types:+, }${nm[$((t))]:-$t} $c"
	done < <(tshark -r "$f" -Y "$sel" -T fields -e ptp.v2.messagetype \
		2>/dev/null | sort | uniq -c)
	echo "$n packets ($types)"
}

# --- nodes -----------------------------------------------------------------

hv_log() { echo "$HV_TMP/$1.log"; }
hv_cfg() { echo "$HV_TMP/$1.cfg"; }
hv_uds() { echo "$HV_TMP/$1.uds"; }

# hv_node NAME NS KIND [CONFIG-LINE...]: declare a node and write its
# configuration.  Every node runs free (never touches a clock).
hv_node() {
	local name=$1 ns=$2 kind=$3
	shift 3
	HV_NODES+=("$name")
	HV_NODE_NS[$name]=$ns
	HV_NODE_KIND[$name]=$kind
	{
		echo "[global]"
		echo "# written by tests/interop/lib.sh"
		echo "free_running 1"
		echo "logSyncInterval $HV_LOG_SYNC"
		echo "logAnnounceInterval $HV_LOG_ANNOUNCE"
		echo "announceReceiptTimeout $HV_ANNOUNCE_TIMEOUT"
		echo "logMinDelayReqInterval $HV_LOG_DELAYREQ"
		echo "uds_address $(hv_uds "$name")"
		if [ "$kind" = dut ]; then
			# One "master offset" line per sample, not summaries.
			echo "summary_interval $HV_LOG_SYNC"
			if hv_is_standin; then
				# ptp4l 3.1.1 (no uds_ro_address) prints one
				# such line per frequency estimate when it
				# runs free: one per second.
				echo "freq_est_interval 0"
			else
				echo "uds_ro_address $(hv_uds "$name")ro"
			fi
		fi
		printf '%s\n' "$@"
	} >"$(hv_cfg "$name")"
}

# hv_run NAME ARGS...: start the node's program in its namespace with ARGS
# (e.g. -i eth0 -s) and the common ones (-f, -S, -m, -q, -l).
hv_run() {
	local name=$1 prog
	shift
	case ${HV_NODE_KIND[$name]} in
	dut) prog=$HVPTPD ;;
	ptp4l44) prog=$HV_PTP44/ptp4l ;;
	*) prog=ptp4l ;;
	esac
	# shellcheck disable=SC2034 # start times, for the tests
	HV_NODE_T0[$name]=$(hv_now_us)
	ip netns exec "$(hv_ns "${HV_NODE_NS[$name]}")" "$prog" "$@" \
		-f "$(hv_cfg "$name")" -S -m -q -l "$HV_LOG_LEVEL" \
		>>"$(hv_log "$name")" 2>&1 &
	HV_NODE_PID[$name]=$!
}

hv_alive() {
	local pid=${HV_NODE_PID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# hv_stop NAME: stop the node (SIGTERM); fails the test if it had died on
# its own, or if the program under test does not exit with status 0.
hv_stop() {
	local name=$1 pid=${HV_NODE_PID[$1]:-} st
	[ -n "$pid" ] || return 0
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		st=$?
		HV_NODE_PID[$name]=""
		hv_fail "$name exited on its own (status $st)"
	fi
	hv_kill_pid "$pid"
	HV_NODE_PID[$name]=""
	echo "--- stopped by the test (exit status $HV_STATUS)" >>"$(hv_log "$name")"
	# The program under test must shut down cleanly on SIGTERM.
	if [ "${HV_NODE_KIND[$name]}" = dut ] && [ "$HV_STATUS" -ne 0 ]; then
		hv_fail "$name exited with status $HV_STATUS on SIGTERM" \
			"$([ "$HV_STATUS" -eq 137 ] && echo "(killed: no exit within 5 s)")"
	fi
}

# Every node must still be running; then stop them all and look for
# sanitizer reports in the logs.
hv_finish() {
	local n
	for n in "${HV_NODES[@]}"; do
		[ -n "${HV_NODE_PID[$n]:-}" ] && hv_stop "$n"
	done
	for n in "${HV_NODES[@]}"; do
		if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error: ' \
			"$(hv_log "$n")" 2>/dev/null; then
			hv_fail "sanitizer report in the log of $n"
		fi
	done
}

# --- waiting and reading logs ----------------------------------------------

# hv_wait_log NAME REGEX TIMEOUT_S: 0 when the node's log has a line matching
# the extended REGEX; fails the test if the node dies; 1 on timeout.
hv_wait_log() {
	local name=$1 re=$2 deadline
	deadline=$(($(hv_now_us) + ${3%.*} * 1000000))
	while [ "$(hv_now_us)" -lt "$deadline" ]; do
		grep -qE "$re" "$(hv_log "$name")" 2>/dev/null && return 0
		hv_alive "$name" || hv_fail "$name died while waiting for /$re/"
		sleep 0.1
	done
	grep -qE "$re" "$(hv_log "$name")" 2>/dev/null
}

# hv_wait_cmd TIMEOUT_S CMD...: run CMD every 0.2 s until it succeeds.
hv_wait_cmd() {
	local deadline
	deadline=$(($(hv_now_us) + ${1%.*} * 1000000))
	shift
	while [ "$(hv_now_us)" -lt "$deadline" ]; do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

# Regex for a port state change: hv_re_state PORT TO-STATE.
hv_re_state() { echo "${HV_RE_PREFIX}port $1( \([^)]*\))?: [A-Z_]+ to $2( |$)"; }

# Monotonic log time (seconds) of the first line matching REGEX, or nothing.
hv_log_time() {
	grep -E -m1 "$2" "$(hv_log "$1")" 2>/dev/null |
		sed -n 's/^[a-z0-9_]*\[\([0-9.]*\)\]: .*/\1/p'
}

# Seconds from the node's first log line to the first line matching REGEX.
hv_log_elapsed() {
	local t0 t1
	t0=$(grep -m1 -E "$HV_RE_PREFIX" "$(hv_log "$1")" |
		sed -n 's/^[a-z0-9_]*\[\([0-9.]*\)\]: .*/\1/p')
	t1=$(hv_log_time "$1" "$2")
	[ -n "$t0" ] && [ -n "$t1" ] || return 1
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# Last state of port PORT (number) from the node's log, or "-".
hv_port_state() {
	local s
	s=$(grep -E "$(hv_re_state "$2" '[A-Z_]+')" "$(hv_log "$1")" 2>/dev/null |
		tail -n 1 | sed -E 's/.*: [A-Z_]+ to ([A-Z_]+).*/\1/')
	echo "${s:--}"
}

# "offset freq delay" per "master offset" line of the node's log (ns).
hv_log_offsets() {
	grep -E "$HV_RE_OFFSET" "$(hv_log "$1")" 2>/dev/null |
		sed -E 's/.*master offset +(-?[0-9]+) s[0-9] freq +([-+]?[0-9]+) path delay +(-?[0-9]+).*/\1 \2 \3/'
}

# Clock identity the node announced in its log ("clock identity X" from
# hvptpd, "selected local clock X" from ptp4l), else the EUI-64 of IFACE's MAC.
hv_clock_id() {
	local name=$1 ifname=$2 id
	id=$(grep -oE "clock identity $HV_RE_ID" "$(hv_log "$name")" 2>/dev/null |
		head -n 1 | awk '{ print $3 }')
	if [ -z "$id" ]; then
		id=$(grep -oE "selected local clock $HV_RE_ID" "$(hv_log "$name")" \
			2>/dev/null | head -n 1 | awk '{ print $4 }')
	fi
	[ -n "$id" ] || id=$(hv_eui64 "$(hv_mac "${HV_NODE_NS[$name]}" "$ifname")")
	echo "$id"
}

# --- pmc -------------------------------------------------------------------

# hv_pmc NAME 'GET X'...: pmc against the node's management socket, once.
# (pmc 3.1.1 binds its own end to /var/run/pmc.PID: no collisions.)
hv_pmc() {
	local name=$1
	shift
	timeout 10 ip netns exec "$(hv_ns "${HV_NODE_NS[$name]}")" \
		pmc -u -b 0 -s "$(hv_uds "$name")" "$@" 2>/dev/null
}

# hv_pmc44 NAME 'GET X'...: the same with linuxptp 4.4's pmc ($HV_PTP44),
# which knows 4.x's IDs (PORT_HWCLOCK_NP...).
hv_pmc44() {
	local name=$1
	shift
	timeout 10 ip netns exec "$(hv_ns "${HV_NODE_NS[$name]}")" \
		"$HV_PTP44/pmc" -u -b 0 -s "$(hv_uds "$name")" "$@" 2>/dev/null
}

# hv_pmc_get NAME DATASET [TRIES]: pmc's answer to one GET.  pmc waits only
# 100 ms for an answer, so on a busy machine a GET is tried again, up to
# TRIES (5) times; prints nothing and returns 1 if none came.
hv_pmc_get() {
	local out i
	for ((i = 0; i < ${3:-5}; i++)); do
		out=$(hv_pmc "$1" "GET $2")
		if echo "$out" | grep -q "RESPONSE MANAGEMENT $2"; then
			echo "$out"
			return 0
		fi
	done
	return 1
}

# hv_pmc_field NAME DATASET FIELD: one field of a GET response (empty if none).
hv_pmc_field() {
	hv_pmc_get "$1" "$2" | awk -v f="$3" '$1 == f { print $2; exit }'
}

# True when the node answers pmc at all (hvptpd's management socket may
# not exist yet: then the tests read its state from its log only).
hv_pmc_answers() {
	hv_pmc_get "$1" DEFAULT_DATA_SET 3 >/dev/null
}

# hv_pmc_expect NAME DATASET FIELD VALUE: fail unless the field has VALUE.
hv_pmc_expect() {
	local v
	v=$(hv_pmc_field "$1" "$2" "$3")
	[ "$v" = "$4" ] || hv_fail "$1: pmc $2 $3 is '$v', expected $4"
}

# --- numbers ---------------------------------------------------------------

# Read numbers (one per line) on stdin; print "median max" of their absolute
# values (integers), or nothing for no input.
hv_abs_median_max() {
	awk '{ v = $1 < 0 ? -$1 : $1; a[n++] = v }
		END {
			if (n == 0) exit
			for (i = 1; i < n; i++) {   # insertion sort, n is small
				x = a[i]
				for (j = i - 1; j >= 0 && a[j] > x; j--) a[j + 1] = a[j]
				a[j + 1] = x
			}
			m = n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2
			printf "%d %d\n", m, a[n - 1]
		}'
}

# Absolute value of a (possibly fractional) number, as an integer.
hv_abs_int() { awk -v v="$1" 'BEGIN { v = v < 0 ? -v : v; printf "%d", v }'; }

# --- systemd's notification socket ----------------------------------------

# hv_notify_listen SECONDS: play systemd's NOTIFY_SOCKET with python3 at
# $HV_TMP/notify.sock (NOTIFY), a line per datagram in $HV_TMP/notify.txt
# (NOTES), each "HH:MM:SS.mmm MESSAGE" (UTC, the time it came; the
# message's newlines as " | "), for SECONDS at most or until the socket
# file goes; the listener's pid in NOTIFY_PID.  Fails the test if no
# socket appears.
hv_notify_listen() {
	NOTIFY=$HV_TMP/notify.sock
	NOTES=$HV_TMP/notify.txt
	python3 - "$NOTIFY" "$NOTES" "$1" <<'EOF' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(1.0)
end = time.time() + float(sys.argv[3])
with open(sys.argv[2], "a") as f:
    while time.time() < end and os.path.exists(sys.argv[1]):
        try:
            m = s.recv(4096)
        except socket.timeout:
            continue
        t = time.strftime("%H:%M:%S", time.gmtime()) + ".%03d" % (time.time() % 1 * 1000)
        f.write(t + " " + m.decode(errors="replace").replace("\n", " | ") + "\n")
        f.flush()
EOF
	# shellcheck disable=SC2034 # for the tests
	NOTIFY_PID=$!
	hv_wait_cmd 5 test -S "$NOTIFY" || hv_fail "no notification socket at $NOTIFY"
}
