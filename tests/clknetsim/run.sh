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
RN_PASS_WORD="ok  " RN_SKIP_WORD=skip
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$here/../runner.sh"
timeout_s=${CNS_TEST_TIMEOUT:-120}
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""

rn_select "$here" clknetsim "$@"

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

for t in "${rn_tests[@]}"; do
	name=$(basename "$t" .sh)
	out="$out_dir/$name.out"
	if [ -n "$why" ]; then
		rn_cannot "$name" "$why" "$strict"
		continue
	fi
	t0=$(rn_now_us)
	# In the background, so that a Ctrl-C still reaches us.
	timeout -k 10 "$timeout_s" bash "$t" >"$out" 2>&1 &
	cur_pid=$!
	wait "$cur_pid"
	rc=$?
	cur_pid=""
	rn_judge "$name" "$rc" "$(rn_secs "$t0" "$(rn_now_us)")" "$out" \
		"$timeout_s" "$strict"
done

rn_summary clknetsim
