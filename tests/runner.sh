# tests/runner.sh — what the test runners share (sourced by
# tests/interop/run.sh, tests/clknetsim/run.sh, tests/package/run.sh and
# tests/contrib/run.sh).
#
# A runner picks its tests (rn_select), runs each as it must (in a
# namespace sweep, with tools built once...), then hands the outcome to
# rn_judge, which prints the test's line and counts it, and ends with
# rn_summary.  A test passes when it exits 0 with a last "RESULT: ..."
# line; exit 77 is a skip ("SKIP: why"), which is a failure when the
# runner's strict is set (HVPTP_REQUIRE_INTEROP=1: CI has every tool).
# shellcheck shell=bash

rn_npass=0 rn_nfail=0 rn_nskip=0
RN_PASS_WORD=${RN_PASS_WORD:-PASS}
RN_SKIP_WORD=${RN_SKIP_WORD:-SKIP}

# rn_select DIR LABEL [PATTERN...]: every DIR/test_*.sh, or those whose
# name contains a PATTERN, into the array rn_tests; exits 2 when none.
rn_select() {
	local dir=$1 label=$2 t name p
	shift 2
	rn_tests=()
	for t in "$dir"/test_*.sh; do
		name=$(basename "$t" .sh)
		if [ $# -gt 0 ]; then
			for p in "$@"; do
				case $name in *"$p"*) rn_tests+=("$t"); break ;; esac
			done
		else
			rn_tests+=("$t")
		fi
	done
	rn_exclude "$label"
	if [ "${#rn_tests[@]}" -eq 0 ]; then
		echo "$label: no test matches: $*" >&2
		exit 2
	fi
}

# RN_EXCLUDE="test_a test_b": leave those out of this run, saying so
# (make asan: the longest interop tests run once, un-sanitized, in make
# check, to keep CI within its time).  They are not counted as passed or
# skipped: they are not run.
rn_exclude() {
	local label=$1 t keep=() gone=()
	[ -n "${RN_EXCLUDE:-}" ] || return 0
	for t in "${rn_tests[@]}"; do
		case " $RN_EXCLUDE " in
		*" $(basename "$t" .sh) "*) gone+=("$(basename "$t" .sh)") ;;
		*) keep+=("$t") ;;
		esac
	done
	rn_tests=("${keep[@]}")
	[ "${#gone[@]}" -eq 0 ] ||
		echo "$label: not run here (RN_EXCLUDE): ${gone[*]}"
}

# Microseconds of wall-clock time (differences only), and seconds between
# two of them with one decimal.
rn_now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
rn_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# rn_cannot NAME WHY STRICT: a test that cannot run here (a tool missing).
rn_cannot() {
	if [ -n "$3" ]; then
		echo "FAIL $1 (cannot run: $2; HVPTP_REQUIRE_INTEROP is set)"
		rn_nfail=$((rn_nfail + 1))
	else
		echo "$RN_SKIP_WORD $1 ($2)"
		rn_nskip=$((rn_nskip + 1))
	fi
}

# rn_judge NAME RC SECS OUT TIMEOUT STRICT: the line of a test that ran
# (exit status RC, its output in OUT), a failure's output below it.
rn_judge() {
	local name=$1 rc=$2 secs=$3 out=$4 timeout_s=$5 strict=$6 last detail
	last=$(grep -E '^(RESULT|FAIL|SKIP): ' "$out" | tail -n 1)
	detail=${last#*: }
	if [ "$rc" -eq 0 ] && [ "${last%%:*}" = RESULT ]; then
		echo "$RN_PASS_WORD $name (${secs}s; $detail)"
		grep -E '^ *TODO' "$out" | sed 's/^ */     /'
		rn_npass=$((rn_npass + 1))
		return
	fi
	if [ "$rc" -eq 77 ] && [ -z "$strict" ]; then
		echo "$RN_SKIP_WORD $name ($detail)"
		rn_nskip=$((rn_nskip + 1))
		return
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		detail="timed out after ${timeout_s}s"
	elif [ "$rc" -eq 77 ]; then
		detail="skipped, but HVPTP_REQUIRE_INTEROP is set: $detail"
	elif [ "$rc" -eq 0 ]; then
		detail="exit 0 without a RESULT line"
	fi
	echo "FAIL $name (${secs}s; ${detail:-exit status $rc})"
	sed 's/^/    | /' "$out"
	rn_nfail=$((rn_nfail + 1))
}

# rn_summary LABEL: "LABEL: N tests: ..."; status 1 if any failed.
rn_summary() {
	echo "$1: ${#rn_tests[@]} tests: $rn_npass passed, $rn_nfail failed, $rn_nskip skipped"
	[ "$rn_nfail" -eq 0 ]
}
