#!/bin/bash
# tests/clknetsim/run.sh [PATTERN...] — the real hvptpd under clknetsim.
#
# Runs every tests/clknetsim/test_*.sh (or those whose name contains one of
# the PATTERNs), each in its own process with a time limit
# (CNS_TEST_TIMEOUT, default 120 s), and prints one line per test:
#   ok   test_hw_slave (0.9s; node 2 phc: lock 16 s, rms 20.4 ns, max 84 ns)
# a failed test's output below its FAIL line, then the summary:
#   clknetsim: 4 tests: 4 passed, 0 failed, 0 skipped
# HVPTPD is the program under test (default build/hvptpd; make sets it).
# clknetsim and linuxptp 4.4 come from CLKNETSIM_DIR and LINUXPTP44_DIR or
# are built once from the shared tarballs (tests/clknetsim/lib.sh); without
# them every test is skipped with the reason, unless HVPTP_REQUIRE_INTEROP=1
# (CI): then they fail.  CNS_SEED picks the simulation's seed (default 1),
# CNS_KEEP=1 keeps each run's directory.  Exit status 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
timeout_s=${CNS_TEST_TIMEOUT:-120}
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""

# The tests to run: all, or those matching a PATTERN.
select_tests() {
	local t name p
	for t in "$here"/test_*.sh; do
		name=$(basename "$t" .sh)
		[ $# -gt 0 ] || { echo "$t"; continue; }
		for p in "$@"; do
			case $name in *"$p"*) echo "$t"; break ;; esac
		done
	done
}

# Microseconds of wall-clock time (differences only).
now_us() { echo "${EPOCHREALTIME//[.,]/}"; }

mapfile -t tests < <(select_tests "$@")
if [ "${#tests[@]}" -eq 0 ]; then
	echo "clknetsim: no test matches: $*" >&2
	exit 2
fi

# Build (or find) the tools once, before the tests, which then share them.
if tools=$(cns_find_tools); then
	why=""
	cns_tools_env "$tools"
	echo "clknetsim: HVPTPD=$HVPTPD; clknetsim $CLKNETSIM_DIR;" \
		"ptp4l $("$LINUXPTP44_DIR/ptp4l" -v 2>&1) ($LINUXPTP44_DIR); seed ${CNS_SEED:-1}"
else
	why=$tools
fi

out_dir=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-clknetsim.XXXXXX") || exit 2
# One binary for every test, even if build/ is rebuilt meanwhile.
if [ -z "$why" ]; then
	cp "$HVPTPD" "$out_dir/hvptpd" || exit 2
	HVPTPD=$out_dir/hvptpd
fi
cur_pid=""
# Interrupted: stop the running test (it cleans up after itself).
interrupted() {
	trap - INT TERM HUP
	echo "clknetsim: interrupted" >&2
	if [ -n "$cur_pid" ]; then
		kill -TERM "$cur_pid" 2>/dev/null
		wait "$cur_pid" 2>/dev/null
	fi
	exit 130
}
trap 'rm -rf "$out_dir"' EXIT
trap interrupted INT TERM HUP

npass=0 nfail=0 nskip=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	out="$out_dir/$name.out"
	if [ -n "$why" ]; then
		if [ -n "$strict" ]; then
			echo "FAIL $name (cannot run: $why; HVPTP_REQUIRE_INTEROP is set)"
			nfail=$((nfail + 1))
		else
			echo "skip $name ($why)"
			nskip=$((nskip + 1))
		fi
		continue
	fi
	t0=$(now_us)
	# In the background, so that a Ctrl-C still reaches us.
	timeout -k 10 "$timeout_s" bash "$t" >"$out" 2>&1 &
	cur_pid=$!
	wait "$cur_pid"
	rc=$?
	cur_pid=""
	secs=$(awk -v a="$t0" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
	last=$(grep -E '^(RESULT|FAIL|SKIP): ' "$out" | tail -n 1)
	detail=${last#*: }
	if [ "$rc" -eq 0 ] && [ "${last%%:*}" = RESULT ]; then
		echo "ok   $name (${secs}s; $detail)"
		npass=$((npass + 1))
	elif [ "$rc" -eq 77 ] && [ -z "$strict" ]; then
		echo "skip $name ($detail)"
		nskip=$((nskip + 1))
	else
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			detail="timed out after ${timeout_s}s"
		elif [ "$rc" -eq 0 ]; then
			detail="exit 0 without a RESULT line"
		fi
		echo "FAIL $name (${secs}s; ${detail:-exit status $rc})"
		sed 's/^/    | /' "$out"
		nfail=$((nfail + 1))
	fi
done

echo "clknetsim: ${#tests[@]} tests: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
