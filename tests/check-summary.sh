#!/bin/bash
# tests/check-summary.sh LOG — the end of `make check`: the runners'
# summary lines from LOG (make check's output), together, and their sum.
#
# The summary lines are the ones each runner prints last:
#   purity: build/libhvcore.a references no I/O or clock symbols
#   unit: 61 binaries, 1020 tests: 1015 passed, 0 failed, 5 skipped
#   sim: 14 scenarios: 12 ok, 2 xfail, 0 xpass, 0 failed; ...
#   interop: 18 tests: 18 passed, 0 failed, 0 skipped
#   clknetsim: 9 tests: 9 passed, 0 failed, 0 skipped
#   contrib: 3 tests: 3 passed, 0 failed, 0 skipped
#   package: 1 tests: 1 passed, 0 failed, 0 skipped
# A runner that printed none (it did not run, or died first) is named as
# such.  The sum counts unit tests, simulator scenarios (ok, xfail and
# xpass pass: the runner accepts them), interop, clknetsim, contrib and
# package tests:
#   check: 1060 passed, 0 failed, 5 skipped
# Always exits 0: make check's status is the stages' own.
set -uo pipefail

log=${1:?usage: $0 MAKE_CHECK_LOG}

echo
echo "=== make check: summaries ==="
for r in purity unit sim interop clknetsim contrib package; do
	line=$(grep -E "^$r: " "$log" 2>/dev/null | grep -E "$([ "$r" = purity ] &&
		echo 'references' || echo '^[a-z]+: [0-9]+ ')" | tail -n 1)
	echo "${line:-$r: no summary line (did not run, or stopped before its end)}"
done | tee "$log.summary"

# N before WORD in LINE (0 when absent).
num() {
	local v
	v=$(sed -nE "s/.*[^0-9]([0-9]+) $2([,;]|\$).*/\\1/p" <<<"$1" | head -n 1)
	echo "${v:-0}"
}
pass=0 fail=0 skip=0
while IFS= read -r line; do
	case $line in
	sim:*[0-9]\ scenarios:*)
		pass=$((pass + $(num "$line" ok) + $(num "$line" xfail) + $(num "$line" xpass)))
		fail=$((fail + $(num "$line" failed)))
		;;
	unit:*passed* | interop:*passed* | clknetsim:*passed* | contrib:*passed* | package:*passed*)
		pass=$((pass + $(num "$line" passed)))
		fail=$((fail + $(num "$line" failed)))
		skip=$((skip + $(num "$line" skipped)))
		;;
	esac
done <"$log.summary"
rm -f "$log.summary"
echo "check: $pass passed, $fail failed, $skip skipped"
exit 0
