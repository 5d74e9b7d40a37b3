#!/bin/bash
# tests/contrib/run.sh — the checks of contrib/ (make contrib-check).
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
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""
out=$(mktemp "${TMPDIR:-/tmp}/hvptp-contrib-run.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT

n=0 npass=0 nfail=0 nskip=0
for t in "$here"/test_*.sh; do
	name=$(basename "$t" .sh)
	n=$((n + 1))
	t0=${EPOCHREALTIME//[.,]/}
	timeout -k 5 120 bash "$t" >"$out" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="${EPOCHREALTIME//[.,]/}" \
		'BEGIN { printf "%.1f", (b - a) / 1e6 }')
	last=$(grep -E '^(RESULT|FAIL|SKIP): ' "$out" | tail -n 1)
	detail=${last#*: }
	if [ "$rc" -eq 0 ] && [ "${last%%:*}" = RESULT ]; then
		echo "PASS $name (${secs}s; $detail)"
		npass=$((npass + 1))
	elif [ "$rc" -eq 77 ] && [ -z "$strict" ]; then
		echo "SKIP $name ($detail)"
		nskip=$((nskip + 1))
	else
		[ "$rc" -eq 77 ] && detail="skipped, but HVPTP_REQUIRE_INTEROP is set: $detail"
		[ "$rc" -eq 124 ] && detail="timed out after 120s"
		echo "FAIL $name (${secs}s; ${detail:-exit status $rc})"
		sed 's/^/    | /' "$out"
		nfail=$((nfail + 1))
	fi
done
echo "contrib: $n tests: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
