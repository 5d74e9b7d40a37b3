#!/bin/bash
# test_dashboard.sh — contrib/grafana/hvptp.json, the Grafana dashboard.
#
# Grafana is not packaged in Debian, so the model is checked without it:
# 1. check_contrib.py dashboard: JSON, schemaVersion, uid and title, the
#    datasource, job and instance variables, no undefined $variable, panel
#    ids and grid, each target's refId and datasource, every hvptp_* name
#    a metric family, the labels of selectors and legends the family's; it
#    writes each
#    query (Grafana's variables replaced) as a recording rule ...
# 2. ... which promtool check rules parses: every query is valid PromQL.
# 3. The checks can fail: copies of the dashboard with an unknown family,
#    an undefined variable, a selector or a legend naming a label the
#    family does not have, and a query that does not parse are refused.
#
# Needs promtool (Debian package prometheus) and python3; skips with the
# reason when missing.  No root.  Exit 0 pass (last line RESULT: ...),
# 1 fail, 77 skip.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v "$PY" >/dev/null 2>&1 || skip "no python3"

# check REPO: the model's checks, then its queries through promtool
check() {
	"$PY" "$HERE/check_contrib.py" dashboard "$1" "$TMP/queries.yml" &&
		promtool check rules "$TMP/queries.yml"
}

out=$(check "$REPO" 2>&1) || fail "$out"
indent "$out"
summary=$(grep '^OK ' <<<"$out")
nq=$(sed -nE 's/.*SUCCESS: ([0-9]+) rules found.*/\1/p' <<<"$out")

# A copy of the tree's three inputs with one thing broken; must be refused.
refuses() {
	local what=$1 sedexpr=$2 fake=$TMP/fake
	rm -rf "$fake"
	mkdir -p "$fake/docs" "$fake/contrib/grafana" "$fake/contrib/prometheus"
	cp "$REPO/docs/metrics.md" "$fake/docs/"
	cp "$REPO/contrib/prometheus/hvptp.rules.yml" "$fake/contrib/prometheus/"
	sed "$sedexpr" "$REPO/contrib/grafana/hvptp.json" >"$fake/contrib/grafana/hvptp.json"
	cmp -s "$REPO/contrib/grafana/hvptp.json" "$fake/contrib/grafana/hvptp.json" &&
		fail "$what: the change found nothing to change"
	if check "$fake" >"$TMP/refused" 2>&1; then
		fail "a dashboard with $what passes the checks"
	fi
	echo "  refused, $what: $(grep -m1 -iE 'error|not a metric|not defined|label' "$TMP/refused" | sed 's/^ *//')"
}
refuses "an unknown family" 's/hvptp_port_state{/hvptp_port_status{/'
# shellcheck disable=SC2016 # a literal $host in the model
refuses "an undefined variable" 's/instance=~\\"\$instance\\"/instance=~\\"$host\\"/'
refuses "a label its family does not have" 's/hvptp_port_state{/hvptp_port_state{clock=\\"x\\", /'
refuses "a legend with a label of no family" 's/"{{interface}} (port {{port}})"/"{{interface}} (port {{portNumber}})"/'
refuses "a query that does not parse" 's/abs(hvptp_clock_offset_seconds/abs((hvptp_clock_offset_seconds/'

echo "RESULT: ${summary#OK }; promtool parsed the $nq queries; unknown family, undefined variable, wrong labels, bad query refused"
