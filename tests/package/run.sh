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
timeout_s=${HV_PKG_TIMEOUT:-300}
strict=${HVPTP_REQUIRE_INTEROP:-0}
[ "$strict" = 0 ] && strict=""

tests=()
for t in "$here"/test_*.sh; do
	name=$(basename "$t" .sh)
	if [ $# -gt 0 ]; then
		keep=""
		for p in "$@"; do
			case $name in *"$p"*) keep=1 ;; esac
		done
		[ -n "$keep" ] || continue
	fi
	tests+=("$t")
done
if [ "${#tests[@]}" -eq 0 ]; then
	echo "package: no test matches: $*" >&2
	exit 2
fi

out_dir=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-pkgtest.XXXXXX") || exit 2
trap 'rm -rf "$out_dir"' EXIT

npass=0 nfail=0 nskip=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	out="$out_dir/$name.out"
	t0=${EPOCHREALTIME//[.,]/}
	timeout -k 15 "$timeout_s" bash "$t" >"$out" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="${EPOCHREALTIME//[.,]/}" \
		'BEGIN { printf "%.1f", (b - a) / 1e6 }')
	last=$(grep -E '^(RESULT|FAIL|SKIP): ' "$out" | tail -n 1)
	detail=${last#*: }
	if [ "$rc" -eq 0 ] && [ "${last%%:*}" = RESULT ]; then
		echo "PASS $name (${secs}s; $detail)"
		grep -E '^ *TODO' "$out" | sed 's/^ */     /'
		npass=$((npass + 1))
	elif [ "$rc" -eq 77 ] && [ -z "$strict" ]; then
		echo "SKIP $name ($detail)"
		nskip=$((nskip + 1))
	else
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			detail="timed out after ${timeout_s}s"
		elif [ "$rc" -eq 77 ]; then
			detail="skipped, but HVPTP_REQUIRE_INTEROP is set: $detail"
		elif [ "$rc" -eq 0 ]; then
			detail="exit 0 without a RESULT line"
		fi
		echo "FAIL $name (${secs}s; ${detail:-exit status $rc})"
		sed 's/^/    | /' "$out"
		nfail=$((nfail + 1))
	fi
done

echo "package: ${#tests[@]} tests: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
