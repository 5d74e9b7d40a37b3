#!/bin/bash
# tests/interop/run.sh [PATTERN...] — run the interop tests.
#
# Runs every tests/interop/test_*.sh (or those whose name contains one of the
# PATTERNs), each in its own process with a time limit (HV_TEST_TIMEOUT,
# default 180 s), and prints one line per test:
#   PASS test_bmca (14.2s; fail-over to B: B 0.98 s, ...)
# with a failed test's output below it, then the summary:
#   interop: 4 tests: 4 passed, 0 failed, 0 skipped
# HVPTPD is the program under test (default build/hvptpd; make sets it).
# Without root, ip, ptp4l or pmc every test is skipped with the reason
# (except those with a "# hv-needs: none" line, which need none of them);
# HVPTP_REQUIRE_INTEROP=1 (CI) turns skips into failures.  HV_KEEP=1 keeps
# each test's configurations and logs in /run/hvptp-test.*.  Exit status 1
# if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$here/../runner.sh"
export HVPTPD=${HVPTPD:-$HV_REPO/build/hvptpd}
timeout_s=${HV_TEST_TIMEOUT:-180}
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""

rn_select "$here" interop "$@"
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-interop.XXXXXX") || exit 2
cur_tag=""
# Whatever a killed test left behind: its namespaces and its temp dir.
sweep() {
	local ns pid
	[ -n "$cur_tag" ] || return 0
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		case $ns in
		"$cur_tag"-*)
			for pid in $(ip netns pids "$ns" 2>/dev/null); do
				kill -KILL "$pid" 2>/dev/null
			done
			ip netns del "$ns" 2>/dev/null
			;;
		esac
	done
	[ -n "${HV_KEEP:-}" ] || rm -rf "/run/hvptp-test.$cur_tag"
}
cur_pid=""
# Interrupted: stop the running test (timeout passes TERM on, and the test
# cleans up after itself), then sweep.
interrupted() {
	trap - INT TERM HUP
	echo "interop: interrupted" >&2
	if [ -n "$cur_pid" ]; then
		kill -TERM "$cur_pid" 2>/dev/null
		wait "$cur_pid" 2>/dev/null
	fi
	exit 130
}
trap 'sweep; rm -rf "$out_dir"' EXIT
trap interrupted INT TERM HUP

why=$(hv_env_problem)
if [ -z "$why" ]; then
	echo "interop: HVPTPD=$HVPTPD$(hv_is_standin && echo " (linuxptp's ptp4l standing in)"); peers: ptp4l $(ptp4l -v 2>&1)"
fi

i=0
for t in "${rn_tests[@]}"; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	out="$out_dir/$name.out"
	if [ -n "$why" ] && ! grep -q '^# hv-needs: none' "$t"; then
		rn_cannot "$name" "$why" "$strict"
		continue
	fi
	cur_tag="hvr$$x$i"
	t0=$(hv_now_us)
	# In the background: timeout runs the test in its own process group,
	# and a Ctrl-C must still reach us (wait returns on a trapped signal).
	HV_TAG=$cur_tag timeout -k 15 "$timeout_s" bash "$t" >"$out" 2>&1 &
	cur_pid=$!
	wait "$cur_pid"
	rc=$?
	cur_pid=""
	secs=$(hv_secs "$t0" "$(hv_now_us)")
	sweep
	tag=$cur_tag
	cur_tag=""
	rn_judge "$name" "$rc" "$secs" "$out" "$timeout_s" "$strict"
	if [ -n "${HV_KEEP:-}" ] && [ -d "/run/hvptp-test.$tag" ]; then
		echo "     logs kept in /run/hvptp-test.$tag"
	fi
done

rn_summary interop
