#!/bin/bash
# tests/run-unit.sh BIN... — run cmocka test binaries and add up their results.
#
# Each binary runs with a time limit (UNIT_TIMEOUT, default 120 s).  One line
# per binary; the full output of a binary that failed, crashed or timed out;
# a passing binary's lines that start with "FIGURE: " (measured figures a
# test prints, never asserted on) below its line; then the summary:
#   unit: 15 binaries, 312 tests: 310 passed, 0 failed, 2 skipped
# Exit status 1 if any test failed or any binary crashed, timed out or did not
# report; 2 on bad usage.
set -uo pipefail

UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}

if [ $# -eq 0 ]; then
	echo "usage: $0 TEST_BINARY..." >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvptp-unit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

# Sum of the N in cmocka's "[  TAG  ] N test(s)" summary lines (a binary may
# run several groups).  Per-test lines ("[  FAILED  ] name") have no count.
count() { # TAG FILE
	awk -v tag="$1" '
		index($0, tag) == 1 {
			rest = substr($0, length(tag) + 1)
			if (rest ~ /^ *[0-9]+ test\(s\)/) { sub(/^ */, "", rest); n += rest + 0 }
		}
		END { print n + 0 }' "$2"
}

# Names of skipped tests: "[  SKIPPED ] name" lines that are not counts.
skipped_names() { # FILE
	awk 'index($0, "[  SKIPPED ] ") == 1 {
		rest = substr($0, 14)
		if (rest !~ /^[0-9]+ test\(s\)/ && !seen[rest]++) print rest
	}' "$1"
}

# The test that started but never finished (the binary died in it).
running_test() { # FILE
	awk 'index($0, "[ RUN      ] ") == 1 { cur = substr($0, 14); next }
		cur != "" && (index($0, "[       OK ] " cur) == 1 ||
			index($0, "[  FAILED  ] " cur) == 1 ||
			index($0, "[  SKIPPED ] " cur) == 1 ||
			index($0, "[  ERROR   ] " cur) == 1) { cur = "" }
		END { print cur }' "$1"
}

describe_status() { # RC
	if [ "$1" -eq 124 ]; then
		echo "timed out after ${UNIT_TIMEOUT}s"
	elif [ "$1" -gt 128 ]; then
		echo "killed by signal $(($1 - 128))$(kill -l "$(($1 - 128))" 2>/dev/null | sed 's/^/ SIG/')"
	else
		echo "exit status $1"
	fi
}

nbin=0 ntests=0 npass=0 nfail=0 nskip=0
bad_bins=() skipped=()
for bin in "$@"; do
	nbin=$((nbin + 1))
	name=$(basename "$bin")
	out="$tmp/$name.out"
	if [ ! -x "$bin" ]; then
		echo "  FAIL $name: not an executable file"
		bad_bins+=("$name (missing)")
		continue
	fi
	start=$(date +%s.%N)
	# In a subshell so that bash's "Killed" notice does not litter stderr.
	(
		CMOCKA_MESSAGE_OUTPUT=STDOUT timeout --foreground -k 5 "$UNIT_TIMEOUT" \
			"$bin" >"$out" 2>&1
		exit $?
	) 2>/dev/null
	rc=$?
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	run=$(count "[==========]" "$out")
	pass=$(count "[  PASSED  ]" "$out")
	fail=$(count "[  FAILED  ]" "$out")
	skip=$(count "[  SKIPPED ]" "$out")
	ntests=$((ntests + run)) npass=$((npass + pass))
	nfail=$((nfail + fail)) nskip=$((nskip + skip))
	while IFS= read -r t; do skipped+=("$name/$t"); done < <(skipped_names "$out")

	problem=""
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		problem=$(describe_status "$rc")
		cur=$(running_test "$out")
		if [ -n "$cur" ]; then
			problem="$problem in test $cur"
			ntests=$((ntests + 1)) nfail=$((nfail + 1))
		fi
	elif [ "$run" -eq 0 ]; then
		problem="reported no tests"
	fi
	if [ -n "$problem" ]; then
		bad_bins+=("$name ($problem)")
		echo "  FAIL $name: $problem (${secs}s); output:"
		sed 's/^/    | /' "$out"
	elif [ "$fail" -ne 0 ]; then
		echo "  FAIL $name: $fail of $run tests failed (${secs}s); output:"
		sed 's/^/    | /' "$out"
	else
		printf '  ok   %-32s %4d tests%s (%ss)\n' "$name" "$run" \
			"$([ "$skip" -ne 0 ] && echo ", $skip skipped")" "$secs"
		sed -n 's/^FIGURE: /         /p' "$out"
	fi
done

for t in "${skipped[@]}"; do
	echo "unit: skipped $t"
done
for b in "${bad_bins[@]}"; do
	echo "unit: binary failed: $b"
done
echo "unit: $nbin binaries, $ntests tests: $npass passed, $nfail failed, $nskip skipped"
if [ "$nfail" -ne 0 ] || [ "${#bad_bins[@]}" -ne 0 ]; then
	exit 1
fi
exit 0
