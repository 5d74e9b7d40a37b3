#!/bin/bash
# tests/fuzz/run.sh BUILD SECONDS TARGET... — run each libFuzzer target
# (BUILD/TARGET, built by make fuzz) for SECONDS on its corpus
# (BUILD/corpus-TARGET, kept between runs) and seeds (tests/fuzz/seeds-
# TARGET), one line each:
#   fuzz: fuzz_msg: 1234567 executions in 30 s, 12 new inputs, 0 findings
# then the totals.  A finding (crash, leak, timeout, out of memory) is
# kept as BUILD/findings-TARGET/*, its report lines are shown, and the exit
# status is 1.
set -uo pipefail
build=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
total_exec=0 total_find=0 n=0
for t in "$@"; do
	corpus=$build/corpus-$t finds=$build/findings-$t log=$build/$t.log
	mkdir -p "$corpus" "$finds"
	seeds=()
	[ -d "$here/seeds-$t" ] && seeds=("$here/seeds-$t")
	before=$(find "$finds" -type f | wc -l)
	"$build/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$finds/" "$corpus" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	exec_n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	new_n=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
	found=$(($(find "$finds" -type f | wc -l) - before))
	[ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1
	printf 'fuzz: %s: %s executions in %s s, %s new inputs, %d finding%s\n' \
		"$t" "${exec_n:-?}" "$secs" "${new_n:-?}" "$found" \
		"$([ "$found" -eq 1 ] || echo s)"
	if [ "$found" -gt 0 ]; then
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | sed 's/^/    /'
	fi
	total_exec=$((total_exec + ${exec_n:-0}))
	total_find=$((total_find + found))
	n=$((n + 1))
done
echo "fuzz: $n targets, $total_exec executions, $total_find findings"
[ "$total_find" -eq 0 ]
