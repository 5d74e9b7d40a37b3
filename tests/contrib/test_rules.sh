#!/bin/bash
# test_rules.sh — contrib/prometheus/hvptp.rules.yml, checked and unit-tested.
#
# 1. promtool check rules: the file parses, every expr is valid PromQL.
# 2. promtool test rules hvptp.rules.test.yml: every alert firing and not
#    firing on synthetic series, with its labels and rendered annotations;
#    the recording rules' values.
# 3. check_contrib.py rules: every hvptp_* name is a metric family
#    (docs/metrics.md's table; the alarm names those it lists), every alert
#    has a severity, summary, description and a runbook_url whose anchor is
#    a heading of docs/monitoring.md, and is tested firing and not firing;
#    the labels of selectors, by/on clauses and annotations ($labels.x)
#    are labels of the query's families (docs/metrics.md).
# 4. The tests can fail: a copy of the rules with a bound changed
#    (HvptpClockOffsetHigh at 1 us) fails promtool test rules, one whose
#    annotation names a label the query has not fails check_contrib.py.
#
# Needs promtool (Debian package prometheus) and python3-yaml; skips with
# the reason when missing.  No root.  Exit 0 pass (last line RESULT: ...),
# 1 fail, 77 skip.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
PROM=$REPO/contrib/prometheus
"$PY" -c 'import yaml' 2>/dev/null ||
	skip "python3 has no yaml module (scripts/deps.sh installs python3-yaml)"

out=$(promtool check rules "$PROM/hvptp.rules.yml" 2>&1) ||
	fail "promtool check rules: $out"
indent "$out"
nrules=$(sed -nE 's/.*SUCCESS: ([0-9]+) rules found.*/\1/p' <<<"$out")

# promtool resolves rule_files against the test file's directory
out=$(cd "$PROM" && promtool test rules hvptp.rules.test.yml 2>&1) ||
	fail "promtool test rules: $out"
indent "$out"
grep -q SUCCESS <<<"$out" || fail "promtool test rules said no SUCCESS: $out"
ntests=$(grep -c '^  - interval:' "$PROM/hvptp.rules.test.yml")
nevals=$(grep -c 'eval_time:' "$PROM/hvptp.rules.test.yml")

out=$("$PY" "$HERE/check_contrib.py" rules "$REPO" 2>&1) ||
	fail "check_contrib.py rules: $out"
echo "  $out"

cp "$PROM/hvptp.rules.test.yml" "$TMP/"
sed 's/> 10e-6/> 1e-6/' "$PROM/hvptp.rules.yml" >"$TMP/hvptp.rules.yml"
cmp -s "$PROM/hvptp.rules.yml" "$TMP/hvptp.rules.yml" &&
	fail "the mutation (HvptpClockOffsetHigh's bound) found nothing to change"
if (cd "$TMP" && promtool test rules hvptp.rules.test.yml >/dev/null 2>&1); then
	fail "promtool test rules passes rules with HvptpClockOffsetHigh at 1 us"
fi

# The static checks can fail too: an annotation naming a label the query
# does not have.
fake=$TMP/fake
mkdir -p "$fake/docs" "$fake/contrib/prometheus"
cp "$REPO/docs/metrics.md" "$REPO/docs/monitoring.md" "$fake/docs/"
cp "$PROM/hvptp.rules.test.yml" "$fake/contrib/prometheus/"
# shellcheck disable=SC2016 # a literal $labels in the rules
sed 's/FAULTY: {{ $labels.reason }}/FAULTY: {{ $labels.cause }}/' "$PROM/hvptp.rules.yml" \
	>"$fake/contrib/prometheus/hvptp.rules.yml"
cmp -s "$PROM/hvptp.rules.yml" "$fake/contrib/prometheus/hvptp.rules.yml" &&
	fail "the mutation (HvptpPortFaulty's summary) found nothing to change"
"$PY" "$HERE/check_contrib.py" rules "$fake" >"$TMP/refused" 2>&1 &&
	fail "check_contrib.py rules accepts \$labels.cause in HvptpPortFaulty"
grep -q 'label cause' "$TMP/refused" || fail "check_contrib.py rules: $(cat "$TMP/refused")"

echo "RESULT: promtool check rules: $nrules rules; promtool test rules: $ntests groups, $nevals evaluations, SUCCESS; ${out#OK }; a changed bound and a wrong label fail"
