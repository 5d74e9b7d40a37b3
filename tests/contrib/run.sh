#!/bin/bash
# tests/contrib/run.sh [PATTERN...] — the checks of contrib/ (make
# contrib-check).
#
# Runs tests/contrib/test_*.sh: the Prometheus rules (promtool check rules,
# promtool test rules on synthetic series), the Grafana dashboard (its
# model, its queries through promtool) and docs/monitoring.md's
# configuration examples (promtool check config, amtool).  One line per
# test:
#   PASS test_rules (0.4s; promtool check rules: 24 rules; ...)
# with a failed test's output below it, then the summary:
#   contrib: 3 tests: 3 passed, 0 failed, 0 skipped
# A test skips (exit 77) when promtool, amtool or python3-yaml is missing;
# under HVPTP_REQUIRE_INTEROP=1 (CI, where scripts/deps.sh installed them)
# a skip is a failure.  No root.  Exit status 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$here/../runner.sh"
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""
out=$(mktemp "${TMPDIR:-/tmp}/hvptp-contrib-run.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT

rn_select "$here" contrib "$@"
for t in "${rn_tests[@]}"; do
	t0=$(rn_now_us)
	timeout -k 5 120 bash "$t" >"$out" 2>&1
	rc=$?
	rn_judge "$(basename "$t" .sh)" "$rc" "$(rn_secs "$t0" "$(rn_now_us)")" \
		"$out" 120 "$strict"
done
rn_summary contrib
