# shellcheck shell=bash
# tests/clknetsim/lib.sh — the real hvptpd (and ptp4l 4.4) under clknetsim.
#
# Sourced by the scenario files tests/clknetsim/test_*.sh and by
# bench/clknetsim.sh.  In the spirit of chrony's test/simulation/test.common:
# a scenario sets a few variables, declares nodes and links, calls run_sim,
# then asserts on the TRUE time error of the clocks, which only the
# simulator knows:
#
#   . "$(dirname "$0")/lib.sh"
#   test_start "hardware slave behind ptp4l 4.4"
#   node 1 ptp4l hw eth0 "clockClass 6"       # node 1: the grandmaster
#   node 2 hvptpd hw eth0 "" -s               # conf lines, then arguments
#   link 1 2 1e-6 1e-7                        # 1 us + exponential(100 ns)
#   limit=600 skip=200
#   run_sim
#   check_lock_within 2 phc 60                # s, |error| < lock_ns for good
#   check_rms 2 phc 100                       # ns, samples after skip
#   test_end
#
# Nodes.  node N PROGRAM TS IFACES [CONF [ARGS...]]: PROGRAM is hvptpd
# ($HVPTPD) or ptp4l (linuxptp 4.4); TS is hw (CLKNETSIM_TIMESTAMPING=2:
# hardware timestamps from the PHC of the interface; the program gets -H)
# or sw (the system clock; -S).  IFACES is "eth0" or "eth0 eth1".  CONF is
# configuration text (lines) after $ptp_conf (a "[eth1]" line starts a
# port section); ARGS go to the program.
#
# PHCs.  By default a node has one PHC shared by all its IFACES (a
# multi-port NIC; unused with sw).  phcs N GROUP... gives node N one PHC
# per GROUP instead, a GROUP being an interface or several joined by "+":
# "phcs 2 eth0 eth1" is two NICs, "phcs 2 eth0" leaves eth1 without PHC
# (a port with software timestamps only).  The PHCs are clknetsim's
# /dev/ptp(100+K) for ethK, the group's first interface.
# Clocks are named "sys" (CLOCK_REALTIME, the server's clock 1), "phc" or
# "phc1" (the node's first PHC, clock 2), "phc2" (its second, clock 3)...
# or by the server's number.  The server wants as many clocks on every
# node: the run has 1 + the most PHCs any node has, and a node with fewer
# gets unused ones (/dev/ptp2NN, on no interface).
#
# Timescales.  The simulator's true time has no leap second: it counts SI
# seconds from $start_date (Unix time, UTC; unset: clknetsim's default
# 2010-01-01).  A system clock keeping UTC must come out at that time
# until a leap second, and 1 s behind it after each leap it inserts: a
# window's expected offset says so (below).  A PHC keeps PTP time (TAI,
# UTC + $tai_utc s at the start, $CNS_TAI_UTC by default, ptp4l's default
# currentUtcOffset), so a PHC's true error is its time minus that offset,
# through any leap.  (clknetsim's kernel inserts a leap armed with STA_INS
# when the clock's time since its start is a whole number of days: lib.sh
# starts the simulator at the midnight before $start_date and sets every
# clock the rest of the day ahead, which the figures take off again.)
#
# Clocks.  Node 1 is the reference: its clocks are perfect.  Every clock of
# every other node starts $time_offset s off, $freq_offset fast, and its
# frequency wanders as a random walk of $wander per sqrt(s).  Per clock:
#   clock N CLK [offset S] [freq F] [wander W] [step EXPR] [freq_expr EXPR]
# (step: clknetsim's nodeX_stepY, evaluated once per second; use
# $(step_at T S) for one step of S seconds at T s).  server_conf LINE adds
# any line to the server's configuration; run_file NAME <TEXT a file to
# the run's directory, where the daemons run (a leapfile).
#
# Links.  link A B BASE JITTER: BASE s plus exponential(JITTER) s each way,
# on the network A and B share (the first interface both list);
# link_expr A B EXPR [BACK] for any delay expression.  A node reaches only
# the nodes it has a link to.
#
# Results, from the server's offset log (one sample per second, at 0, 1,
# ... $limit s of true time):
#   lock time  the first time (s from the start) after which |error| stays
#              below lock_ns to the end ("never" if the last sample is above);
#   rms, max   of the samples after skip seconds;
#   jump       the largest change of the error between two samples after
#              the lock (a step of the clock).
# window FROM TO [EXPECT_S] limits the checks that follow to the samples
# at FROM..TO s (lock searched from FROM, rms and max over the window)
# and takes their error against EXPECT_S s (a leap second); window alone
# goes back to the whole run.
# check_* print the figure and its bound on one line, pass or fail, and
# the test goes on; test_end exits 1 if any failed.  clock_figures N CLK
# prints "rms_ns max_ns lock_s" for scripts (the bench).
#
# Safety: the machine's real clock must never move.  The server and every
# client run as nobody (setpriv, when we are root) from a temp directory
# that user owns, with the copied clknetsim.so preloaded by absolute path:
# were the preload to fail, an unprivileged daemon could neither adjust a
# clock (EPERM) nor bind port 319, nor would it reach the server, which
# then never starts.  After the run the server must have simulated every
# node ("Running simulation...done", a "Node N" section each, packets
# sent by each, a full offset log), and no daemon may have printed a
# sanitizer report.  Every run has a time limit; processes and the temp dir go
# away on exit, even on failure (CNS_KEEP=1 keeps the directory).
#
# Environment: HVPTPD (default build/hvptpd), CLKNETSIM_DIR and
# LINUXPTP44_DIR (else built from the shared tarballs into build/),
# HVPTP_SHARED, CNS_SEED (default 1), CNS_LOG_LEVEL (daemons' -l, 6),
# CNS_RUN_TIMEOUT (wall seconds per run, 60), CNS_KEEP.
# Exit codes of a test: 0 pass, 1 fail, 77 skip; its last line is
# "RESULT: figures", "FAIL: why" or "SKIP: why".

CNS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CNS_REPO=$(cd "$CNS_LIB_DIR/../.." && pwd)
HVPTPD=${HVPTPD:-$CNS_REPO/build/hvptpd}
CNS_UID=65534   # nobody
CNS_TAI_UTC=37  # PHCs keep TAI (see Timescales)

# --- settings (a scenario overrides them before run_sim) ----------------------

# shellcheck disable=SC2034 # settings, read by run_sim and the checks
cns_defaults() {
	limit=600             # simulated seconds
	seed=${CNS_SEED:-1}   # CLKNETSIM_RANDOM_SEED for the server and clients
	skip=0                # seconds check_rms and check_max leave out
	lock_ns=1000          # |error| below this is "locked"
	time_offset=1e-3      # every clock but node 1's: initial error (s)
	freq_offset=1e-5      # ... frequency error
	wander=1e-9           # ... random walk of the frequency per sqrt(s)
	ptp_conf=""           # configuration lines every node gets first
	log_level=${CNS_LOG_LEVEL:-6}
	start_date=""         # Unix time (UTC) of the start; "": clknetsim's
	tai_utc=$CNS_TAI_UTC  # TAI - UTC at the start: the PHCs' offset
}

cns_reset() {
	cns_defaults
	declare -gA CNS_PROG=() CNS_TS=() CNS_IFACES=() CNS_CONF=() CNS_ARGS=()
	declare -gA CNS_ENV=() CNS_CLK=() CNS_DELAY=() CNS_FIGURES=() CNS_PHCS=() CNS_FILES=()
	declare -ga CNS_NODES=() CNS_SERVER_LINES=() CNS_FIG_KEYS=() CNS_PIDS=()
	CNS_FAILED=0
	CNS_DIR=""
	CNS_WIN_FROM="" CNS_WIN_TO="" CNS_WIN_EXPECT=0
}

# --- messages and the end of a test -------------------------------------------

CNS_TEST=""
cns_info() { echo "  [$CNS_TEST] $*" >&2; }

# The tails of the daemons' and the server's logs, for a failure report.
cns_dump_logs() {
	local f
	[ -n "$CNS_DIR" ] && [ -d "$CNS_DIR" ] || return 0
	for f in "$CNS_DIR"/server.log "$CNS_DIR"/log.[0-9]*; do
		[ -f "$f" ] || continue
		echo "----- $(basename "$f"), last ${CNS_DUMP_LINES:-15} lines:"
		tail -n "${CNS_DUMP_LINES:-15}" "$f" | sed 's/^/    /'
	done
}

test_fail() {
	cns_dump_logs
	echo "FAIL: $*"
	exit 1
}

# A missing tool skips the test, unless CI requires these tests to run.
test_skip() {
	if [ "${HVPTP_REQUIRE_INTEROP:-0}" != 0 ]; then
		test_fail "cannot run: $* (HVPTP_REQUIRE_INTEROP is set)"
	fi
	echo "SKIP: $*"
	exit 77
}

# cns_begin NAME: fresh declarations and the traps that clean up after a
# run (a test, or one run of the bench in its own subshell).
cns_begin() {
	CNS_TEST=$1
	cns_reset
	trap cns_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

# test_start DESCRIPTION: cns_begin, then the tools found (or built).
test_start() {
	cns_begin "$(basename "$0" .sh)"
	cns_info "$1"
	local why
	why=$(cns_find_tools) || test_skip "$why"
	cns_tools_env "$why"
}

# The checks' figures, one group per clock: "node 2 phc: lock 16 s, rms ...".
cns_figures_line() {
	local k sep=""
	for k in "${CNS_FIG_KEYS[@]}"; do
		printf '%s%s: %s' "$sep" "$k" "${CNS_FIGURES[$k]}"
		sep="; "
	done
}

test_end() {
	[ "$CNS_FAILED" -eq 0 ] || test_fail "$(cns_figures_line)"
	echo "RESULT: $(cns_figures_line)"
}

# --- tools ---------------------------------------------------------------------

# The folder with the shared tarballs: $HVPTP_SHARED, <repo>/../shared or
# /work/shared.
cns_shared_dir() {
	local d
	for d in "${HVPTP_SHARED:-}" "$CNS_REPO/../shared" /work/shared; do
		if [ -n "$d" ] && [ -x "$d/clknetsim/build.sh" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# cns_tool_dir ENV_VALUE NAME FILE: ENV_VALUE if set (it must hold FILE),
# else the directory the shared NAME/build.sh builds into build/NAME.
cns_tool_dir() {
	local dir=$1 name=$2 file=$3 shared
	if [ -z "$dir" ]; then
		shared=$(cns_shared_dir) || {
			echo "no shared folder with $name (set HVPTP_SHARED)"
			return 1
		}
		dir=$("$shared/$name/build.sh" "$CNS_REPO/build/$name" 2>&1) || {
			echo "building $name failed: ${dir##*$'\n'}"
			return 1
		}
	fi
	[ -x "$dir/$file" ] || { echo "$dir/$file not found"; return 1; }
	echo "$dir"
}

# Prints "CLKNETSIM_DIR LINUXPTP44_DIR", or the reason they cannot be had
# (status 1).  Building happens once: run.sh exports both.
cns_find_tools() {
	local cns ptp
	cns=$(cns_tool_dir "${CLKNETSIM_DIR:-}" clknetsim clknetsim) || { echo "clknetsim: $cns"; return 1; }
	[ -e "$cns/clknetsim.so" ] || { echo "clknetsim: no clknetsim.so in $cns"; return 1; }
	ptp=$(cns_tool_dir "${LINUXPTP44_DIR:-}" linuxptp-4.4 ptp4l) || { echo "linuxptp 4.4: $ptp"; return 1; }
	[ -x "$HVPTPD" ] || { echo "HVPTPD=$HVPTPD is not an executable (run make)"; return 1; }
	echo "$cns $ptp"
}

# cns_tools_env "CNS_DIR PTP_DIR": export them for the runs (and children).
cns_tools_env() {
	read -r CLKNETSIM_DIR LINUXPTP44_DIR <<<"$1"
	export CLKNETSIM_DIR LINUXPTP44_DIR HVPTPD
}

# --- declarations --------------------------------------------------------------

# node N PROGRAM TS IFACES [CONF [ARGS...]]
node() {
	local n=$1
	case $2 in hvptpd | ptp4l) ;; *) test_fail "node $n: unknown program $2" ;; esac
	case $3 in hw | sw) ;; *) test_fail "node $n: timestamping is hw or sw, not $3" ;; esac
	CNS_NODES+=("$n")
	CNS_PROG[$n]=$2 CNS_TS[$n]=$3 CNS_IFACES[$n]=$4 CNS_CONF[$n]=${5:-}
	shift $(($# < 5 ? $# : 5))
	CNS_ARGS[$n]=$([ $# -eq 0 ] || printf '%s\n' "$@")
}

# phcs N GROUP...: node N's PHCs, one per GROUP ("eth0", "eth0+eth1").
phcs() {
	local n=$1 g i
	shift
	[ $# -ge 1 ] || test_fail "phcs $n: at least one group"
	[ $# -le $((CNS_MAX_CLOCKS - 1)) ] || test_fail "phcs $n: at most $((CNS_MAX_CLOCKS - 1)) PHCs"
	for g in "$@"; do
		for i in ${g//+/ }; do
			[[ $i =~ ^eth[0-9]+$ ]] || test_fail "phcs $n: $i is not an interface"
		done
	done
	CNS_PHCS[$n]="$*"
}

# node_env N VAR=VALUE...: more environment for node N (CLKNETSIM_PHC_*...).
node_env() {
	local n=$1
	shift
	CNS_ENV[$n]=${CNS_ENV[$n]:-}$(printf '\n%s' "$@")
}

# clock N CLK KEY VALUE...: this clock's offset, freq, wander, step or
# freq_expr instead of the defaults.
clock() {
	local n=$1 c
	c=$(cns_clock_index "$2") || test_fail "clock: unknown clock $2 (sys, phc, phcK or a number)"
	shift 2
	while [ $# -ge 2 ]; do
		case $1 in
		offset | freq | wander | step | freq_expr) CNS_CLK[$n.$c.$1]=$2 ;;
		*) test_fail "clock: unknown key $1" ;;
		esac
		shift 2
	done
}

# step_at T S: a step expression for one step of S seconds at T s, a
# whole second (the expression is evaluated once per simulated second,
# first at 0 s; (sum 1) counts the evaluations).
step_at() {
	[[ $1 =~ ^[0-9]+$ ]] || test_fail "step_at: T in whole seconds, not $1"
	echo "(* $2 (equal 0.1 (sum 1.0) $(($1 + 1))))"
}

# link A B BASE JITTER: BASE s + exponential(JITTER) s both ways.
link() {
	local e="(+ $3 (* $4 (exponential)))"
	link_expr "$1" "$2" "$e" "$e"
}

# link_expr A B EXPR [BACK]: A->B delays from EXPR, B->A from BACK (or EXPR).
link_expr() {
	CNS_DELAY[$1.$2]=$3
	CNS_DELAY[$2.$1]=${4:-$3}
}

server_conf() { CNS_SERVER_LINES+=("$*"); }

# run_file NAME <TEXT: a file the daemons may read (a leapfile), written
# into the run's directory, their working directory: a configuration
# names it by NAME alone.
run_file() {
	[[ $1 =~ ^[A-Za-z0-9._-]+$ ]] || test_fail "run_file: a plain file name, not $1"
	CNS_FILES[$1]=$(cat)
}

# sys -> 1, phc and phc1 -> 2, phcK -> K+1, a number -> itself (clknetsim's
# numbers, up to its 7 clocks a node); status 1 for anything else.
CNS_MAX_CLOCKS=7
cns_clock_index() {
	local c
	case $1 in
	sys) c=1 ;;
	phc) c=2 ;;
	phc[1-9]) c=$((${1#phc} + 1)) ;;
	[1-9]) c=$1 ;;
	*) return 1 ;;
	esac
	[ "$c" -le "$CNS_MAX_CLOCKS" ] || return 1
	echo "$c"
}

# --- topology derived from the declarations ------------------------------------

# Interface number: eth3 -> 3.
cns_if_num() { echo "${1#eth}"; }

# The Ethernet networks the run needs (eth0 .. ethK -> K+1).
cns_networks() {
	local n i max=0
	for n in "${CNS_NODES[@]}"; do
		for i in ${CNS_IFACES[$n]}; do
			i=$(cns_if_num "$i")
			[ "$i" -lt "$max" ] || max=$((i + 1))
		done
	done
	echo "$max"
}

# Node N's PHC groups, one word each ("eth0+eth1"): phcs's, else one
# group of all its interfaces.
cns_phc_groups() {
	local g=${CNS_PHCS[$1]:-}
	[ -n "$g" ] || { g=${CNS_IFACES[$1]}; g=${g// /+}; }
	echo "$g"
}

# The clocks node N uses: its system clock and its PHCs.
cns_node_clocks() {
	local g
	read -ra g <<<"$(cns_phc_groups "$1")"
	echo $((1 + ${#g[@]}))
}

# Clocks per node in the run: the most any node uses (the server wants the
# same number on every node; a node with software timestamps leaves its
# PHC be).
cns_clocks() {
	local n c max=2
	for n in "${CNS_NODES[@]}"; do
		c=$(cns_node_clocks "$n")
		[ "$c" -le "$max" ] || max=$c
	done
	echo "$max"
}

# The seconds of the start's UTC day before start_date: every clock is set
# this much ahead of clknetsim's start, which is that day's midnight.
cns_day_s() {
	if [ -n "$start_date" ]; then echo $((start_date % 86400)); else echo 0; fi
}

# The offset a clock's time keeps from the simulator's time when right:
# the day's seconds, plus tai_utc for a PHC.
cns_clock_base() {
	local c=$1 b
	b=$(cns_day_s)
	[ "$c" -eq 1 ] || b=$((b + tai_utc))
	echo "$b"
}

# The network (clknetsim's subnet, from 1) nodes A and B share.
cns_common_net() {
	local i j
	for i in ${CNS_IFACES[$1]}; do
		for j in ${CNS_IFACES[$2]}; do
			[ "$i" = "$j" ] && { echo $(($(cns_if_num "$i") + 1)); return 0; }
		done
	done
	return 1
}

# --- the server's configuration -------------------------------------------------

# Suffix of a clock's variables: nothing for clock 1 (CLOCK_REALTIME).
cns_sfx() { [ "$1" -eq 1 ] || echo "$1"; }

# Lines for one clock: explicit settings, else the defaults (node 1: none).
cns_clock_conf() {
	local n=$1 c=$2 s off freq wdr
	s=$(cns_sfx "$c")
	if [ "$n" -eq 1 ]; then
		off=0 freq=0 wdr=0
	else
		off=$time_offset freq=$freq_offset wdr=$wander
	fi
	off=${CNS_CLK[$n.$c.offset]:-$off}
	freq=${CNS_CLK[$n.$c.freq]:-$freq}
	wdr=${CNS_CLK[$n.$c.wander]:-$wdr}
	off=$(awk -v o="$off" -v b="$(cns_clock_base "$c")" 'BEGIN { printf "%.9f", o + b }')
	echo "node${n}_offset$s = $off"
	if [ -n "${CNS_CLK[$n.$c.freq_expr]:-}" ]; then
		echo "node${n}_freq$s = ${CNS_CLK[$n.$c.freq_expr]}"
	else
		echo "node${n}_freq$s = (+ $freq (sum (* $wdr (normal))))"
	fi
	[ -z "${CNS_CLK[$n.$c.step]:-}" ] || echo "node${n}_step$s = ${CNS_CLK[$n.$c.step]}"
}

# A link's delay, only on the network both ends share (a negative delay
# drops the packet): nodes see each other on every network otherwise.
cns_delay_conf() {
	local a=$1 b=$2 net
	net=$(cns_common_net "$a" "$b")
	echo "node${a}_delay${b} = (+ -1 (* (equal 0.1 subnet $net) (+ 1 ${CNS_DELAY[$a.$b]})))"
}

cns_server_conf() {
	local n c k clocks
	for n in "${CNS_NODES[@]}"; do
		clocks=$(cns_node_clocks "$n")
		for ((c = 1; c <= clocks; c++)); do
			cns_clock_conf "$n" "$c"
		done
	done
	for k in $(printf '%s\n' "${!CNS_DELAY[@]}" | sort -n); do
		cns_delay_conf "${k%.*}" "${k#*.}"
	done
	[ "${#CNS_SERVER_LINES[@]}" -eq 0 ] || printf '%s\n' "${CNS_SERVER_LINES[@]}"
}

# A node's configuration file.  hvptpd's default management socket is in
# /var/run/hvptp/, a real directory nobody cannot create; under
# /clknetsim/unix/ its sockets exist in the simulation only.
cns_node_conf() {
	local n=$1
	echo "[global]"
	if [ "${CNS_PROG[$n]}" = hvptpd ]; then
		echo "uds_address /clknetsim/unix/hv$n"
		echo "uds_ro_address /clknetsim/unix/hv$n.ro"
	fi
	[ -z "$ptp_conf" ] || echo "$ptp_conf"
	[ -z "${CNS_CONF[$n]}" ] || echo "${CNS_CONF[$n]}"
}

# --- running ----------------------------------------------------------------------

# The prefix that runs a command as nobody when we are root (as ourselves
# otherwise): CNS_AS.
if [ "$(id -u)" -eq 0 ]; then
	CNS_AS=(setpriv "--reuid=$CNS_UID" "--regid=$CNS_UID" --clear-groups --)
else
	CNS_AS=()
fi

# Each node in a PID namespace of its own, with its own /proc (when we are
# root and unshare can): CNS_ISOLATE.  hvptpd's host checks list the
# host's other ptp4l and hvptpd (vm/hostcheck.c reads /proc), one log line
# each; every line reads the clock, and until 0.1 s of simulated time
# clknetsim's clock_gettime draws random() for its precision hack, which
# moves the seed hvptpd's RNG gets (getrandom, from the same random()):
# the figures of a seed would change with what else runs on the machine,
# other runs' daemons and the nodes of this one started before.
if [ "$(id -u)" -eq 0 ] && unshare --pid --fork --mount-proc --kill-child true 2>/dev/null; then
	CNS_ISOLATE=(unshare --pid --fork --mount-proc --kill-child --)
else
	CNS_ISOLATE=()
fi

# The run's directory, owned by the user the simulation runs as, with its
# own copies of the programs (the repository may not be readable to nobody).
cns_make_dir() {
	local f
	CNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-cns.XXXXXX") || test_fail "mktemp failed"
	mkdir "$CNS_DIR/bin"
	cp "$CLKNETSIM_DIR/clknetsim" "$CLKNETSIM_DIR/clknetsim.so" \
		"$LINUXPTP44_DIR/ptp4l" "$CNS_DIR/bin/" || test_fail "cannot copy the tools"
	cp "$HVPTPD" "$CNS_DIR/bin/hvptpd" || test_fail "cannot copy $HVPTPD"
	for f in "${!CNS_FILES[@]}"; do
		printf '%s\n' "${CNS_FILES[$f]}" >"$CNS_DIR/$f" || test_fail "cannot write $f"
	done
	[ "$(id -u)" -ne 0 ] || chown -R "$CNS_UID:$CNS_UID" "$CNS_DIR"
}

# CLKNETSIM_CLOCKS for node N: REALTIME, a PHC per group, then unused
# PHCs (/dev/ptp200...) up to the run's number of clocks.
cns_node_clknetsim_clocks() {
	local n=$1 g list=REALTIME c clocks
	for g in $(cns_phc_groups "$n"); do list+=",$g"; done
	clocks=$(cns_clocks)
	for ((c = $(cns_node_clocks "$n") + 1; c <= clocks; c++)); do
		list+=",ptp$((200 + c))"
	done
	echo "$list"
}

# clknetsim's environment for node N (one word each).
cns_node_env() {
	local n=$1
	echo "LD_PRELOAD=$CNS_DIR/bin/clknetsim.so"
	echo "CLKNETSIM_NODE=$n"
	echo "CLKNETSIM_SOCKET=$CNS_DIR/sock"
	echo "CLKNETSIM_RANDOM_SEED=$seed"
	echo "CLKNETSIM_UNIX_SUBNET=$(($(cns_networks) + 1))"
	# an ASan build must not insist on coming first (clknetsim.so does)
	echo "ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0:detect_leaks=0}"
	[ -z "$start_date" ] || echo "CLKNETSIM_START_DATE=$((start_date - $(cns_day_s)))"
	echo "CLKNETSIM_CLOCKS=$(cns_node_clknetsim_clocks "$n")"
	if [ "${CNS_TS[$n]}" = hw ]; then
		echo "CLKNETSIM_TIMESTAMPING=2"
	else
		echo "CLKNETSIM_TIMESTAMPING=1"
	fi
	[ -z "${CNS_ENV[$n]:-}" ] || echo "${CNS_ENV[$n]#$'\n'}"
}

# The program's command line for node N.
cns_node_cmd() {
	local n=$1 i
	printf '%s\n' "$CNS_DIR/bin/${CNS_PROG[$n]}" -f "$CNS_DIR/conf.$n"
	for i in ${CNS_IFACES[$n]}; do printf '%s\n' -i "$i"; done
	if [ "${CNS_TS[$n]}" = hw ]; then echo -H; else echo -S; fi
	printf '%s\n' -m -q -l "$log_level"
	[ -z "${CNS_ARGS[$n]}" ] || echo "${CNS_ARGS[$n]}"
}

cns_start_node() {
	local n=$1 envs cmd
	cns_node_conf "$n" >"$CNS_DIR/conf.$n"
	mapfile -t envs < <(cns_node_env "$n")
	mapfile -t cmd < <(cns_node_cmd "$n")
	(cd "$CNS_DIR" && exec "${CNS_ISOLATE[@]}" "${CNS_AS[@]}" env "${envs[@]}" "${cmd[@]}" \
		>"$CNS_DIR/log.$n" 2>&1) &
	CNS_PIDS+=($!)
}

# Stop whatever of ours still runs: TERM, 2 s, then KILL; reaped.
cns_stop_all() {
	local pid i
	for pid in "${CNS_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || continue
		for ((i = 0; i < 20; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	for pid in "${CNS_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	CNS_PIDS=()
}

cns_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	[ "${#CNS_PIDS[@]}" -eq 0 ] || cns_stop_all
	if [ -n "$CNS_DIR" ] && [ -d "$CNS_DIR" ]; then
		if [ -n "${CNS_KEEP:-}" ]; then
			echo "  [$CNS_TEST] run kept in $CNS_DIR" >&2
		else
			rm -rf "$CNS_DIR"
		fi
	fi
	exit "$rc"
}

# node_log N: the path of node N's log (until the run is cleaned up).
node_log() { echo "$CNS_DIR/log.$1"; }

# cns_stat N NAME: the server's statistic NAME for node N (its clock 1).
cns_stat() {
	awk -v node="Node $1" -v name="$2:" '
		/^-+ Node / { sect = $0; gsub(/^-+ | -+$/, "", sect) }
		sect == node && index($0, name) == 1 { print $NF; exit }' "$CNS_DIR/stats"
}

# The server's proof that it simulated every node for the whole run.
cns_verify_run() {
	local st=$1 n lines
	[ "$st" -ne 124 ] || test_fail "the simulation did not finish in ${CNS_RUN_TIMEOUT:-60} s (wall)"
	grep -q 'Running simulation\.\.\.done' "$CNS_DIR/server.log" ||
		test_fail "clknetsim failed (status $st): $(tr '\r\n' '  ' <"$CNS_DIR/server.log")"
	for n in "${CNS_NODES[@]}"; do
		grep -q "^-* Node $n -*\$" "$CNS_DIR/stats" ||
			test_fail "no statistics for node $n: it was not simulated"
		# A client that exits at once has connected all the same.
		[ "$(cns_stat "$n" 'Mean outgoing packet interval')" != inf ] ||
			test_fail "node $n (${CNS_PROG[$n]}) sent no packet: it did not run"
	done
	if grep -lE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error: ' \
		"$CNS_DIR"/log.[0-9]* >/dev/null 2>&1; then
		test_fail "sanitizer report in a daemon's log"
	fi
	lines=$(wc -l <"$CNS_DIR/log.offset")
	[ "$lines" -ge "$limit" ] || test_fail "offset log has $lines samples, $limit expected"
}

# Declarations that cannot work fail here, before anything runs.
cns_validate() {
	local k n i seen
	[ "${#CNS_NODES[@]}" -ge 2 ] || test_fail "run_sim: at least two nodes"
	for n in "${!CNS_PHCS[@]}"; do
		[ -n "${CNS_PROG[$n]:-}" ] || test_fail "phcs $n: undeclared node"
		seen=" "
		for i in ${CNS_PHCS[$n]//+/ }; do
			[[ " ${CNS_IFACES[$n]} " == *" $i "* ]] || test_fail "phcs $n: node $n has no $i"
			[[ $seen != *" $i "* ]] || test_fail "phcs $n: $i in two groups"
			seen+="$i "
		done
	done
	for k in "${!CNS_DELAY[@]}"; do
		if [ -z "${CNS_PROG[${k%.*}]:-}" ] || [ -z "${CNS_PROG[${k#*.}]:-}" ]; then
			test_fail "link ${k/./-}: undeclared node"
		fi
		cns_common_net "${k%.*}" "${k#*.}" >/dev/null ||
			test_fail "link ${k/./-}: the nodes share no interface"
	done
}

# run_sim: write the configuration, start the nodes and the server, wait.
run_sim() {
	local st=0 nodes=${#CNS_NODES[@]} n
	cns_validate
	cns_make_dir
	cns_server_conf >"$CNS_DIR/server.conf"
	for n in "${CNS_NODES[@]}"; do cns_start_node "$n"; done
	(cd "$CNS_DIR" && CLKNETSIM_RANDOM_SEED=$seed \
		timeout -k 5 "${CNS_RUN_TIMEOUT:-60}" "${CNS_AS[@]}" \
		"$CNS_DIR/bin/clknetsim" -s "$CNS_DIR/sock" \
		-n $(($(cns_networks) + 1)) -c "$(cns_clocks)" -l "$limit" \
		-o "$CNS_DIR/log.offset" -f "$CNS_DIR/log.freq" \
		"$CNS_DIR/server.conf" "$nodes" >"$CNS_DIR/stats" 2>"$CNS_DIR/server.log") || st=$?
	cns_stop_all
	cns_verify_run "$st"
}

# --- results: true errors from the server's offset log -------------------------

# Column of node N's clock C in the offset log (nodes, then their clocks).
cns_column() {
	local c
	c=$(cns_clock_index "$2")
	echo $((($1 - 1) * $(cns_clocks) + c))
}

# window FROM TO [EXPECT_S] / window: see the top.
window() {
	if [ $# -eq 0 ]; then
		CNS_WIN_FROM="" CNS_WIN_TO="" CNS_WIN_EXPECT=0
		return
	fi
	[[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ && $1 -le $2 ]] ||
		test_fail "window: FROM TO in whole seconds, FROM <= TO (not $*)"
	CNS_WIN_FROM=$1 CNS_WIN_TO=$2 CNS_WIN_EXPECT=${3:-0}
}

# cns_figures N CLK [SKIP [LOCK_NS]]: "rms_ns max_ns lock_s jump_ns" of the
# true error (line k of the log is the sample at k-1 s); rms and max
# after SKIP s, the jump after
# the lock; lock "never" (and jump "-") when the last sample is not locked.
# Within a window (see window): its samples only, rms and max over all of
# them, the error taken against the window's expected offset.
cns_figures() {
	local lo=0 hi=0 sk=${3:-$skip}
	if [ -n "$CNS_WIN_FROM" ]; then
		lo=$CNS_WIN_FROM hi=$CNS_WIN_TO sk=$((CNS_WIN_FROM - 1))
	fi
	awk -v col="$(cns_column "$1" "$2")" -v skip="$sk" \
		-v thr="${4:-$lock_ns}" -v base="$(cns_clock_base "$(cns_clock_index "$2")")" \
		-v lo="$lo" -v hi="$hi" -v expect="$CNS_WIN_EXPECT" '
		BEGIN { last_out = lo - 1; last = -1 }
		{ t = NR - 1 }
		t < lo || (hi > 0 && t > hi) { next }
		{
			last = t
			e[t] = ($col - base - expect) * 1e9
			a = e[t] < 0 ? -e[t] : e[t]
			if (a >= thr) last_out = t
			if (t > skip) {
				n++; ss += e[t] * e[t]
				if (a > max) max = a
			}
		}
		END {
			rms = n ? sqrt(ss / n) : 0
			if (last < 0 || last_out == last) { printf "%.1f %.0f never -\n", rms, max; exit }
			for (k = last_out + 2; k <= last; k++) {
				d = e[k] - e[k - 1]; d = d < 0 ? -d : d
				if (d > jump) jump = d
			}
			printf "%.1f %.0f %d %.0f\n", rms, max, last_out + 1, jump
		}' "$CNS_DIR/log.offset"
}

# cns_read_figures N CLK [SKIP [LOCK_NS]]: cns_figures into FIG_RMS,
# FIG_MAX, FIG_LOCK and FIG_JUMP, after checking N and CLK.
cns_read_figures() {
	local c
	[ -n "${CNS_PROG[$1]:-}" ] || test_fail "node $1 was not declared"
	c=$(cns_clock_index "$2") || test_fail "unknown clock $2 (sys, phc, phcK or a number)"
	[ "$c" -le "$(cns_node_clocks "$1")" ] || test_fail "node $1 has no clock $2"
	[ -s "$CNS_DIR/log.offset" ] || test_fail "no offset log: run_sim first"
	read -r FIG_RMS FIG_MAX FIG_LOCK FIG_JUMP < <(cns_figures "$@")
}

# clock_figures N CLK [SKIP [LOCK_NS]]: "rms_ns max_ns lock_s", for scripts.
clock_figures() {
	cns_read_figures "$@"
	echo "$FIG_RMS $FIG_MAX $FIG_LOCK"
}

# cns_check N CLK WHAT FIGURE UNIT BOUND: one line, figure against bound
# (FIGURE "never" always fails); a failure marks the test failed.
cns_check() {
	local n=$1 clk=$2 what=$3 fig=$4 unit=$5 bound=$6 verdict=ok key="node $1 $2"
	if [ -n "$CNS_WIN_FROM" ]; then
		what+="[$CNS_WIN_FROM..$CNS_WIN_TO"
		[ "$CNS_WIN_EXPECT" = 0 ] || what+=",${CNS_WIN_EXPECT}s"
		what+="]"
	fi
	if [ "$fig" = never ] || [ "$fig" = - ] ||
		! awk -v f="$fig" -v b="$bound" 'BEGIN { exit !(f <= b) }'; then
		verdict=FAIL
		CNS_FAILED=1
	fi
	printf '  node %s %-4s %-9s %10s %-2s  bound %s %s  %s\n' \
		"$n" "$clk" "$what" "$fig" "$unit" "$bound" "$unit" "$verdict"
	[ -n "${CNS_FIGURES[$key]:-}" ] || CNS_FIG_KEYS+=("$key")
	CNS_FIGURES[$key]+="${CNS_FIGURES[$key]:+, }$what $fig $unit"
	[ "$verdict" = ok ] || CNS_FIGURES[$key]+=" (bound $bound)"
}

# check_lock_within N CLK MAX_S [LOCK_NS]
check_lock_within() {
	cns_read_figures "$1" "$2" "$skip" "${4:-$lock_ns}"
	cns_check "$1" "$2" lock "$FIG_LOCK" s "$3"
}

# check_rms N CLK MAX_NS: RMS of the error after skip seconds.
check_rms() {
	cns_read_figures "$1" "$2"
	cns_check "$1" "$2" rms "$FIG_RMS" ns "$3"
}

# check_max N CLK MAX_NS: the largest |error| after skip seconds.
check_max() {
	cns_read_figures "$1" "$2"
	cns_check "$1" "$2" max "$FIG_MAX" ns "$3"
}

# check_no_step_after_lock N CLK MAX_JUMP_NS: once locked (lock_ns), the
# error never changes by more than MAX_JUMP_NS from one second to the next.
# Meaningful for MAX_JUMP_NS under 2 x lock_ns: a bigger step breaks the
# lock itself, and shows in the lock time.
check_no_step_after_lock() {
	cns_read_figures "$1" "$2"
	cns_check "$1" "$2" jump "$FIG_JUMP" ns "$3"
}

cns_reset
