#!/bin/bash
# tests/package/run.sh [PATTERN...] — the package tests (make package-check).
#
# Runs every tests/package/test_*.sh (or those whose name contains one of
# the PATTERNs), each with a time limit (HV_PKG_TIMEOUT, default 300 s),
# and prints one line per test:
#   PASS test_package (25.1s; build/deb/hvptp_0.1.0_amd64.deb: 17 files, ...)
# with a failed test's output below it, then the summary:
#   package: 1 tests: 1 passed, 0 failed, 0 skipped
# A test skips (exit 77) when a tool it needs is missing; under
# HVPTP_REQUIRE_INTEROP=1 (CI, where scripts/deps.sh installed them all) a
# skip is a failure.  Exit status 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$here/../runner.sh"
timeout_s=${HV_PKG_TIMEOUT:-300}
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""

rn_select "$here" package "$@"
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-pkgtest.XXXXXX") || exit 2
trap 'rm -rf "$out_dir"' EXIT

for t in "${rn_tests[@]}"; do
	name=$(basename "$t" .sh)
	out="$out_dir/$name.out"
	t0=$(rn_now_us)
	timeout -k 15 "$timeout_s" bash "$t" >"$out" 2>&1
	rc=$?
	rn_judge "$name" "$rc" "$(rn_secs "$t0" "$(rn_now_us)")" "$out" \
		"$timeout_s" "$strict"
done
rn_summary package
