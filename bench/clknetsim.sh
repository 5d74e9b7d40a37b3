#!/bin/bash
# bench/clknetsim.sh — hvptpd and ptp4l 4.4 side by side under clknetsim.
#
#   bench/clknetsim.sh                  (make bench-clknetsim)
#
# The same simulated topologies and seeds with the program under test
# (DUT) as hvptpd ($HVPTPD) and then as ptp4l 4.4; the grandmaster is
# always ptp4l 4.4 with a perfect clock.  Rows (hardware timestamps, a
# 1 us link with exponential jitter of 100 ns, the DUT's clocks 1 ms off,
# +10 ppm and wandering 1 ppb/sqrt(s), unless the row says otherwise):
#   sw slave        software timestamps: the DUT's system clock
#   hw jitter X     one hardware slave, jitter 10 ns, 100 ns, 1 us, 10 us
#   4-hop chain     three DUT boundary clocks and a DUT slave: the last hop
#   Sync 16/s       logSyncInterval -4 on every node
#   PHC F ppm       the slave's PHC starts F ppm off: +100, +1000, -1000
#   PHC step        the slave's PHC jumps 10 ms at 500 s (an outside step)
#   100 ms path     a 100 ms link and logMinDelayReqInterval -4 on every
#                   node: a Delay_Req every 62.5 ms, about three in flight
#   P2P             delay_mechanism P2P on every node (peer delay)
# Figures, from the simulator's true error (1 sample/s), each the median
# over BENCH_SEEDS (default 1..5):
#   rms, max  after the first 300 s of a 1000-s run (both are locked by
#             then); for the step row, from the step to the end;
#   lock      the first time (s from the start) after which |error| stays
#             under 1 us (2 x jitter for 1 us and 10 us); for the step row,
#             seconds from the step;
#   sys rms   hvptpd's system clock (it follows the PHC) over the same
#             window, "n/a" where it does not discipline it (ptp4l alone
#             never does: that takes phc2sys; with software timestamps
#             the system clock is the measured clock itself).
# Goal: hvptpd's RMS at most half of ptp4l's in every row.
# Output: the table, "goal: met|not met", and bench/out/clknetsim.csv
# (every run, then the medians with seed "median").
# BENCH_ROWS (ids, default all), BENCH_SEEDS, BENCH_JOBS (parallel runs,
# default the CPUs), and lib.sh's CNS_KEEP / CNS_LOG_LEVEL for digging in.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/clknetsim/lib.sh
. "$here/../tests/clknetsim/lib.sh"
seeds=${BENCH_SEEDS:-1 2 3 4 5}
jobs=${BENCH_JOBS:-$(nproc)}
out=$here/out
daemons=(hvptpd ptp4l)

# id|label
rows=(
	"sw|sw slave"
	"hw10n|hw jitter 10 ns"
	"hw100n|hw jitter 100 ns"
	"hw1u|hw jitter 1 us"
	"hw10u|hw jitter 10 us"
	"chain|4-hop chain"
	"sync16|Sync 16/s"
	"f100|PHC +100 ppm"
	"f1000|PHC +1000 ppm"
	"fm1000|PHC -1000 ppm"
	"step|PHC step 10 ms"
	"long|100 ms path"
	"p2p|P2P"
)
STEP_AT=500

# The four-hop chain: ptp4l grandmaster, DUT boundary clocks on nodes 2-4
# (one PHC for both ports), DUT slave on node 5.
chain_setup() {
	local dut=$1 n
	node 1 ptp4l hw eth0 "clockClass 6"
	for n in 2 3 4; do
		node "$n" "$dut" hw "eth$((n - 2)) eth$((n - 1))"
	done
	node 5 "$dut" hw eth3 "" -s
	for n in 1 2 3 4; do link "$n" $((n + 1)) 1e-6 1e-7; done
	DUT_NODE=5
}

# row_setup ROW DUT: declare the row's simulation with DUT as the program
# under test; sets DUT_NODE and DUT_CLK (the clock measured).
row_setup() {
	local row=$1 dut=$2 ts=hw jitter=1e-7 delay=1e-6
	limit=1000 skip=300 lock_ns=1000 DUT_NODE=2 DUT_CLK=phc
	case $row in
	sw) ts=sw DUT_CLK=sys ;;
	hw10n) jitter=1e-8 ;;
	hw100n) ;;
	hw1u) jitter=1e-6 lock_ns=2000 ;;
	hw10u) jitter=1e-5 lock_ns=20000 ;;
	chain) chain_setup "$dut"; return ;;
	sync16) ptp_conf="logSyncInterval -4" ;;
	f100) clock 2 phc freq 1e-4 ;;
	f1000) clock 2 phc freq 1e-3 ;;
	fm1000) clock 2 phc freq -1e-3 ;;
	step) clock 2 phc step "$(step_at "$STEP_AT" 0.01)"; skip=$STEP_AT ;;
	long) delay=0.1 ptp_conf="logMinDelayReqInterval -4" ;;
	p2p) ptp_conf="delay_mechanism P2P" ;;
	*) test_fail "unknown row $row" ;;
	esac
	node 1 ptp4l hw eth0 "clockClass 6"
	node 2 "$dut" "$ts" eth0 "" -s
	link 1 2 "$delay" "$jitter"
}

# The system clock's RMS when hvptpd says it steers it after the PHC.
sys_rms() {
	local rms max lock
	if [ "$DUT_CLK" = phc ] && grep -q 'clock CLOCK_REALTIME: follows' "$(node_log "$DUT_NODE")"; then
		read -r rms max lock < <(clock_figures "$DUT_NODE" sys)
		echo "$rms"
	else
		echo n/a
	fi
}

# run_one ROW DUT SEED: one simulation; prints "rms max lock sys_rms"
# (lock relative to the step in the step row) and nothing else on stdout:
# a failure's report goes to stderr.  Run it as a background job only:
# cns_begin's traps and test_fail's exit must be that subshell's own.
run_one() {
	local rms max lock
	exec 3>&1 1>&2
	cns_begin "bench-$1-$2-$3"
	seed=$3
	row_setup "$1" "$2"
	run_sim
	read -r rms max lock < <(clock_figures "$DUT_NODE" "$DUT_CLK")
	if [ "$1" = step ] && [ "$lock" != never ]; then
		lock=$((lock > STEP_AT ? lock - STEP_AT : 0))
	fi
	echo "$rms $max $lock $(sys_rms)" >&3
}

# Median of the numbers on stdin: "never" (and a failed run) sorts last,
# as infinity; all "n/a" stays n/a.
median() {
	awk 'BEGIN { inf = 1e300 }
		{ v[n++] = ($1 == "never" || $1 == "n/a") ? inf : $1 + 0; if ($1 == "n/a") na++ }
		END {
			if (na == n) { print "n/a"; exit }
			for (i = 1; i < n; i++) {   # insertion sort, n is small
				x = v[i]
				for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]
				v[j + 1] = x
			}
			m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
			if (m >= inf / 4) print "never"; else print m
		}'
}

# Every run, BENCH_JOBS at a time; results in $tmp/ROW.DUT.SEED (or .err).
run_all() {
	local r row dut s running=0
	for r in "${rows[@]}"; do
		row=${r%%|*}
		wanted "$row" || continue
		for dut in "${daemons[@]}"; do
			for s in $seeds; do
				if [ "$running" -ge "$jobs" ]; then
					wait -n || true
					running=$((running - 1))
				fi
				run_one "$row" "$dut" "$s" >"$tmp/$row.$dut.$s" 2>"$tmp/$row.$dut.$s.err" &
				running=$((running + 1))
			done
		done
	done
	wait
}

wanted() {
	[ -z "${BENCH_ROWS:-}" ] && return 0
	case " $BENCH_ROWS " in *" $1 "*) return 0 ;; esac
	return 1
}

# medians ROW DUT: "rms max lock sys_rms" over the seeds (a failed run
# counts as never locked, with no figures).
medians() {
	local row=$1 dut=$2 col s f
	for col in 1 2 3 4; do
		for s in $seeds; do
			f=$tmp/$row.$dut.$s
			if [ -s "$f" ]; then awk -v c="$col" '{ print $c }' "$f"; else echo never; fi
		done | median
	done | paste -sd' '
}

# num DECIMALS VALUE: a figure for the table (words as they are).
num() { awk -v d="$1" -v v="$2" 'BEGIN { if (v ~ /^[-0-9.e+]+$/) printf "%.*f", d, v; else print v }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "never") printf "%.2f", a / b; else print "-" }'; }

report() {
	local r row label hv pt hv_rms hv_max hv_lock hv_sys pt_rms pt_max pt_lock q met=1 bad=""
	local fmt='%-17s| %9s %9s %6s %8s | %9s %9s %6s | %5s\n'
	# shellcheck disable=SC2059 # the format is the table's
	printf "$fmt" "" "hvptpd" "" "" "" "ptp4l" "" "" ""
	# shellcheck disable=SC2059
	printf "$fmt" "row" "rms ns" "max ns" "lock s" "sys rms" "rms ns" "max ns" "lock s" "ratio"
	echo "row,daemon,seed,rms_ns,max_ns,lock_s,sys_rms_ns" >"$out/clknetsim.csv"
	for r in "${rows[@]}"; do
		row=${r%%|*} label=${r#*|}
		wanted "$row" || continue
		csv_runs "$row"
		hv=$(medians "$row" hvptpd) pt=$(medians "$row" ptp4l)
		read -r hv_rms hv_max hv_lock hv_sys <<<"$hv"
		read -r pt_rms pt_max pt_lock _ <<<"$pt"
		q=$(ratio "$hv_rms" "$pt_rms")
		# shellcheck disable=SC2059
		printf "$fmt" "$label" "$(num 1 "$hv_rms")" "$(num 0 "$hv_max")" \
			"$(num 0 "$hv_lock")" "$(num 1 "$hv_sys")" "$(num 1 "$pt_rms")" \
			"$(num 0 "$pt_max")" "$(num 0 "$pt_lock")" "$q"
		echo "$row,hvptpd,median,${hv// /,}" >>"$out/clknetsim.csv"
		echo "$row,ptp4l,median,${pt// /,}" >>"$out/clknetsim.csv"
		if [ "$q" = - ] || awk -v q="$q" 'BEGIN { exit !(q > 0.5) }'; then
			met="" bad+=" $row"
		fi
	done
	echo "(medians over seeds $seeds; ratio = hvptpd rms / ptp4l rms; ptp4l's sys rms: n/a, it needs phc2sys)"
	if [ -n "$met" ]; then
		echo "goal: met (hvptpd RMS at most half of ptp4l's in every row)"
	else
		echo "goal: not met (hvptpd RMS above half of ptp4l's in:$bad)"
	fi
}

# Every run of ROW into the CSV; a failed run's error on stderr.
csv_runs() {
	local row=$1 dut s f
	for dut in "${daemons[@]}"; do
		for s in $seeds; do
			f=$tmp/$row.$dut.$s
			if [ -s "$f" ]; then
				echo "$row,$dut,$s,$(tr ' ' ',' <"$f")" >>"$out/clknetsim.csv"
			else
				echo "bench: $row $dut seed $s failed: $(grep -E '^FAIL' "$f" "$f.err" | tail -n 1)" >&2
			fi
		done
	done
}

tools=$(cns_find_tools) || { echo "bench: $tools" >&2; exit 2; }
cns_tools_env "$tools"
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-bench-cns.XXXXXX")
# Interrupted: the runs clean up after themselves on TERM.
trap 'trap - INT TERM HUP; kill $(jobs -p) 2>/dev/null; wait; exit 130' INT TERM HUP
trap 'rm -rf "$tmp"' EXIT
echo "bench-clknetsim: hvptpd $HVPTPD vs ptp4l $("$LINUXPTP44_DIR/ptp4l" -v 2>&1); seeds $seeds; $jobs at a time"
# One binary for every run, even if build/ is rebuilt meanwhile.
cp "$HVPTPD" "$tmp/hvptpd"
HVPTPD=$tmp/hvptpd
t0=$SECONDS
run_all
report
echo "bench-clknetsim: $((SECONDS - t0)) s wall; every run in $out/clknetsim.csv"
