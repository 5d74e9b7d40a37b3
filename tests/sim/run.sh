#!/bin/bash
# tests/sim/run.sh SIM — run the simulator's scenarios and checks.
#
#   1. every tests/sim/*.scn with --check: "ok", "XFAIL" (only checks the
#      scenario marks xfail failed: expected until the servo work), "XPASS"
#      (a marked check passed: drop the mark) or "FAIL"; the per-node
#      figures (lock time, RMS, max...) and event lines are printed under
#      each scenario, the full output on failure;
#   2. every tests/sim/bad/*.scn must be refused (exit 2) with
#      "FILE:LINE: ..." as its first line "# expect-error: LINE: TEXT" says;
#   3. every tests/sim/fail/*.scn must run and fail its checks (--check
#      exit 1) with the check line its first line "# expect-fail: TEXT"
#      gives: the checks themselves are tested (a check that cannot fail
#      would let these pass);
#   4. -d: failover.scn shortened to 100 s (before its events) runs and
#      passes, the events after the end left out;
#   5. reproducibility: the same file and seed give byte-identical report
#      and CSV (failover.scn, whole_host.scn); another seed gives another
#      report;
#   6. --status: hvptpctl's status and tracking of bc_multi_phc.scn's
#      boundary clock, disciplined (locked, with the window's figures) and
#      with -o free_running=1 (said so, nothing applied); chain3.scn's
#      slave with path traces shows the path to the grandmaster;
#   7. --status lock history: failover.scn's s1, whose grandmaster goes at
#      200 s and comes back at 400 s, shows its reference's lock lost at
#      least once, a mean time to recover within the scenario's
#      relock_within (60 s) and a last loss after gm1's return (at most
#      200 s before the end); bc_multi_phc.scn's bc locked, and its
#      free-running clocks without a lock history ("not applicable").
# Thresholds are on simulated accuracy only; the wall time is printed,
# never checked.  Summary line:
#   sim: 12 scenarios: 10 ok, 2 xfail, 0 xpass, 0 failed; 15 bad files refused; 2 failing files failed; reproducible
# Exit status 1 on any failure, 2 on bad usage.
set -uo pipefail

SIM_TIMEOUT=${SIM_TIMEOUT:-300}

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 PATH_TO_hvptp-sim" >&2
	exit 2
fi
sim=$1
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-sim.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

nscn=0 nok=0 nxfail=0 nxpass=0 nfail=0 nbad=0 nbadfail=0 nff=0 nffok=0
failed=()

run_sim() { # OUT ERR ARGS...
	local out=$1 err=$2
	shift 2
	timeout -k 5 "$SIM_TIMEOUT" "$sim" "$@" >"$out" 2>"$err"
}

# The figures worth seeing: the node table and the event lines.
figures() { # FILE
	awk '/^node / { t = 1 } /^check:/ { t = 0 } t && !/^note:/' "$1" |
		sed 's/^/      /'
}

for f in "$dir"/*.scn; do
	name=$(basename "$f" .scn)
	nscn=$((nscn + 1))
	run_sim "$tmp/$name.out" "$tmp/$name.err" "$f" --check
	rc=$?
	wall=$(sed -n 's/^sim: .* simulated in \([0-9.]*\) s.*/\1/p' "$tmp/$name.err")
	case $rc in
	0) tag="ok   " nok=$((nok + 1)) ;;
	3) tag="XFAIL" nxfail=$((nxfail + 1)) ;;
	4) tag="XPASS" nxpass=$((nxpass + 1)) ;;
	*) tag="FAIL " nfail=$((nfail + 1)) failed+=("$name (exit $rc)") ;;
	esac
	printf '  %s %-20s (%s s wall)\n' "$tag" "$name" "${wall:-?}"
	if [ "$name" = perf ]; then
		sed 's/^/      /' "$tmp/$name.err"
	fi
	case $rc in
	0) figures "$tmp/$name.out" ;;
	3 | 4)
		figures "$tmp/$name.out"
		grep -E '^check: (XFAIL|XPASS)' "$tmp/$name.out" | sed 's/^/      /'
		;;
	*)
		sed 's/^/    | /' "$tmp/$name.out" "$tmp/$name.err"
		;;
	esac
done

# Bad scenario files: refused with file:line.
for f in "$dir"/bad/*.scn; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	want=$(sed -n '1s/^# expect-error: *//p' "$f")
	line=${want%%:*}
	text=${want#*: }
	run_sim "$tmp/bad.out" "$tmp/bad.err" "$f"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$f:$line: " "$tmp/bad.err" &&
		grep -qF -- "$text" "$tmp/bad.err"; then
		nbad=$((nbad + 1))
	else
		nbadfail=$((nbadfail + 1))
		failed+=("bad/$name (exit $rc)")
		echo "  FAIL bad/$name: want exit 2 and '$f:$line: ...$text'; got exit $rc:"
		sed 's/^/    | /' "$tmp/bad.err"
	fi
done

# Failing files: the checks must catch what they are about.
for f in "$dir"/fail/*.scn; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	want=$(sed -n '1s/^# expect-fail: *//p' "$f")
	nff=$((nff + 1))
	run_sim "$tmp/fail.out" "$tmp/fail.err" "$f" --check
	rc=$?
	if [ $rc -eq 1 ] && [ -n "$want" ] && grep -qxF -- "$want" "$tmp/fail.out"; then
		nffok=$((nffok + 1))
	else
		failed+=("fail/$name (exit $rc)")
		echo "  FAIL fail/$name: want exit 1 and the line '$want'; got exit $rc:"
		sed 's/^/    | /' "$tmp/fail.out" "$tmp/fail.err"
	fi
done

# -d before the events: they are left out, the checks pass.
run_sim "$tmp/d.out" "$tmp/d.err" "$dir/failover.scn" -d 100s --check
rc=$?
# (a node row, not a clock's: a grandmaster's free-running system clock
# is never steered, so it never locks)
if [ $rc -ne 0 ] || ! grep -qF "note: 2 events after the end of the run (-d) left out" "$tmp/d.out" ||
	awk '$1 !~ /:/ && $4 == "never" { bad = 1 } END { exit !bad }' "$tmp/d.out"; then
	failed+=("failover.scn -d 100s (exit $rc)")
	echo "  FAIL failover.scn -d 100s: want exit 0, the events left out:"
	sed 's/^/    | /' "$tmp/d.out" "$tmp/d.err"
fi

# Reproducibility.
repro=reproducible
base="$dir/failover.scn"
run_sim "$tmp/r1.out" "$tmp/r1.err" "$base" --csv "$tmp/r1.csv"
run_sim "$tmp/r2.out" "$tmp/r2.err" "$base" --csv "$tmp/r2.csv"
run_sim "$tmp/r3.out" "$tmp/r3.err" "$base" -s 12345
# and the whole host (guests, software ports, the vmclock page)
run_sim "$tmp/w1.out" "$tmp/w1.err" "$dir/whole_host.scn" --csv "$tmp/w1.csv"
run_sim "$tmp/w2.out" "$tmp/w2.err" "$dir/whole_host.scn" --csv "$tmp/w2.csv"
if ! cmp -s "$tmp/r1.out" "$tmp/r2.out" || ! cmp -s "$tmp/r1.csv" "$tmp/r2.csv" ||
	! cmp -s "$tmp/w1.out" "$tmp/w2.out" || ! cmp -s "$tmp/w1.csv" "$tmp/w2.csv"; then
	repro="NOT reproducible"
	failed+=("reproducibility: same seed, different output")
elif cmp -s "$tmp/r1.out" "$tmp/r3.out"; then
	repro="seed ignored"
	failed+=("reproducibility: another seed, same output")
elif [ "$(wc -l <"$tmp/r1.csv")" -lt 1000 ]; then
	repro="CSV too short"
	failed+=("reproducibility: CSV has $(wc -l <"$tmp/r1.csv") lines")
fi

# --status: what hvptpctl shows of a node's real discipline
status_fail() { # WHAT OUT
	failed+=("--status: $1")
	echo "  FAIL --status: $1:"
	sed 's/^/    | /' "$2"
}
run_sim "$tmp/st1.out" "$tmp/st1.err" "$dir/bc_multi_phc.scn" --status bc
if ! grep -qxE 'discipline     /dev/ptp0 disciplined by PTP on port 1 \(eth0\), servo kalman' "$tmp/st1.out" ||
	! grep -qE '^servo          kalman, LOCKED(_STABLE)?, locked for [0-9]+ min' "$tmp/st1.out" ||
	! grep -qE '^offset         -?[0-9]+ ns; rms [0-9]+ ns, max [0-9]+ ns over the last 60 s' "$tmp/st1.out" ||
	! grep -qE '^Reference clock  : /dev/ptp0 \(disciplined\)$' "$tmp/st1.out"; then
	status_fail "bc_multi_phc.scn: bc not shown disciplined" "$tmp/st1.out"
fi
run_sim "$tmp/st2.out" "$tmp/st2.err" "$dir/bc_multi_phc.scn" -o free_running=1 --status bc
if ! grep -qxF 'discipline     free-running: /dev/ptp0 is measured, never adjusted (free_running)' "$tmp/st2.out" ||
	! grep -qxF 'frequency      not applied' "$tmp/st2.out" ||
	! grep -qE '^Frequency        : -?[0-9.]+ ppm \(estimated, not applied\)$' "$tmp/st2.out"; then
	status_fail "bc_multi_phc.scn -o free_running=1: bc not shown free-running" "$tmp/st2.out"
fi
run_sim "$tmp/st3.out" "$tmp/st3.err" "$dir/chain3.scn" -o path_trace_enabled=1 --status slave
if ! grep -qxF 'path           020000.fffe.000001 > 020000.fffe.000002 > 020000.fffe.000003 > this clock' "$tmp/st3.out"; then
	status_fail "chain3.scn: no path to the grandmaster" "$tmp/st3.out"
fi
# "1 min 3 s", "12 s", "1.6 s", "2 h 3 min" -> seconds (awk)
age_s() {
	awk -v t="$1" 'BEGIN {
		n = split(t, a, " "); s = 0
		for (i = 1; i < n; i += 2) {
			u = a[i + 1]
			s += a[i] * (u == "d" ? 86400 : u == "h" ? 3600 : u == "min" ? 60 : 1)
		}
		print s
	}'
}
run_sim "$tmp/st5.out" "$tmp/st5.err" "$dir/failover.scn" --status s1
lh=$(grep -E '^/dev/ptp0 +(locked|unlocked) ' "$tmp/st5.out")
losses=$(sed -nE 's/.*, ([0-9]+) loss(es)?,.*/\1/p' <<<"$lh")
mttr=$(sed -nE 's/.*, MTTR ([^;,]+)[;,].*/\1/p' <<<"$lh")
lost=$(grep -E '^  /dev/ptp0: ' "$tmp/st5.out" | sed -E 's/, /\n/g' |
	sed -nE 's/.*lost lock (.+) ago.*/\1/p' | head -1)
if [ -z "$losses" ] || [ "$losses" -lt 1 ] || [ -z "$mttr" ] ||
	[ "$(age_s "$mttr" | awk '{ print ($1 <= 60) }')" != 1 ] ||
	[ -z "$lost" ] || [ "$(age_s "$lost" | awk '{ print ($1 <= 200) }')" != 1 ]; then
	status_fail "failover.scn: s1's lock history (losses '$losses', MTTR '$mttr', last loss '$lost' ago)" "$tmp/st5.out"
else
	echo "  --status failover.scn s1: $lh"
fi
if ! grep -qE '^/dev/ptp0 +locked [0-9]' "$tmp/st1.out" ||
	! grep -qE '^/dev/ptp0 +not applicable' "$tmp/st2.out"; then
	status_fail "bc_multi_phc.scn: bc's lock history (locked; not applicable free-running)" "$tmp/st1.out"
fi
run_sim "$tmp/st4.out" "$tmp/st4.err" "$dir/chain3.scn" --status nobody
if [ $? -ne 1 ] || ! grep -qF -- "--status nobody: no such node" "$tmp/st4.err"; then
	status_fail "an unknown node not refused" "$tmp/st4.err"
fi

for b in "${failed[@]}"; do
	echo "sim: failed: $b"
done
echo "sim: $nscn scenarios: $nok ok, $nxfail xfail, $nxpass xpass, $nfail failed; $nbad bad files refused$([ "$nbadfail" -gt 0 ] && echo ", $nbadfail NOT"); $nffok failing files failed$([ "$nffok" -lt "$nff" ] && echo ", $((nff - nffok)) NOT"); $repro"
[ ${#failed[@]} -eq 0 ]
