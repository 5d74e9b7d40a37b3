# tests/contrib/lib.sh — what the contrib checks share (sourced by
# tests/contrib/test_*.sh): HERE and REPO, python3 (PY), a temporary
# directory TMP removed at exit, fail/skip/indent, and promtool, which
# every check needs (skip with the reason when missing; the runner turns
# a skip into a failure under HVPTP_REQUIRE_INTEROP=1).
# shellcheck shell=bash
# shellcheck disable=SC2034 # for the scripts that source this

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-contrib.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
indent() { printf '%s\n' "$1" | while IFS= read -r l; do echo "  $l"; done; }

command -v promtool >/dev/null 2>&1 ||
	skip "promtool not found (scripts/deps.sh installs prometheus)"
