#!/bin/bash
# test_examples.sh — the configuration examples of docs/monitoring.md.
#
# 1. The prometheus.yml fragments (each a ```yaml block opening with
#    "# prometheus.yml"), joined, with rule_files pointed at
#    contrib/prometheus/hvptp.rules.yml: promtool check config accepts
#    them (and so the rules they load).
# 2. The alertmanager.yml block: amtool check-config accepts it, and
#    amtool config routes test sends a critical hvptp alert to time-pager,
#    a warning to time-tickets, an info to blackhole and an alert of
#    another program to default.
# 3. Every alert name its inhibit rules name is an alert of
#    hvptp.rules.yml, and every alarm name (name="...") one of hvptpd's
#    alarms in monitoring.md.
#
# Needs promtool (Debian package prometheus) and amtool
# (prometheus-alertmanager); skips with the reason when missing.  No root,
# nothing started.  Exit 0 pass (last line RESULT: ...), 1 fail, 77 skip.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
DOC=$REPO/docs/monitoring.md
RULES=$REPO/contrib/prometheus/hvptp.rules.yml
command -v amtool >/dev/null 2>&1 ||
	skip "amtool not found (scripts/deps.sh installs prometheus-alertmanager)"

# blocks NAME: the ```yaml blocks of the doc whose first line is "# NAME"
blocks() {
	awk -v name="# $1" '
		/^```yaml$/ { getline first; if (first == name) { on = 1; print first }; next }
		/^```$/ { on = 0; next }
		on' "$DOC"
}

# --- 1. prometheus.yml ---------------------------------------------------------
blocks prometheus.yml | sed "s|/etc/prometheus/rules/hvptp.rules.yml|$RULES|" >"$TMP/prometheus.yml"
if ! grep -q '^scrape_configs:' "$TMP/prometheus.yml" ||
	! grep -q '^rule_files:' "$TMP/prometheus.yml"; then
	fail "no prometheus.yml blocks with scrape_configs and rule_files in $DOC"
fi
out=$(promtool check config "$TMP/prometheus.yml" 2>&1) ||
	fail "promtool check config on monitoring.md's prometheus.yml: $out"
indent "$out"
grep -q "SUCCESS: [0-9]* rules found" <<<"$out" ||
	fail "promtool check config did not load the rules: $out"

# --- 2. alertmanager.yml -------------------------------------------------------
blocks alertmanager.yml >"$TMP/alertmanager.yml"
[ -s "$TMP/alertmanager.yml" ] || fail "no alertmanager.yml block in $DOC"
out=$(amtool check-config "$TMP/alertmanager.yml" 2>&1) ||
	fail "amtool check-config on monitoring.md's alertmanager.yml: $out"
indent "$out"
route() {
	amtool config routes test --config.file="$TMP/alertmanager.yml" "$@" 2>"$TMP/route.err"
}
routes=""
for c in "time-pager alertname=HvptpClockOffsetCritical severity=critical instance=h1" \
	"time-tickets alertname=HvptpHoldover severity=warning instance=h1" \
	"blackhole alertname=HvptpRestarted severity=info instance=h1" \
	"default alertname=NodeDown severity=critical instance=h1"; do
	want=${c%% *}
	read -ra labels <<<"${c#* }"
	got=$(route "${labels[@]}")
	[ "$got" = "$want" ] ||
		fail "amtool routes ${labels[*]} to '$got', expected $want ($(cat "$TMP/route.err"))"
	routes="$routes ${labels[0]#alertname=}->$got"
done
echo "  routes:$routes"

# --- 3. the inhibit rules' names -----------------------------------------------
n=0
while read -r a; do
	grep -q "^ *- alert: $a\$" "$RULES" || fail "alertmanager.yml inhibits $a, not an alert of $RULES"
	n=$((n + 1))
done < <(grep -oE 'alertname="Hvptp[A-Za-z]+"' "$TMP/alertmanager.yml" | sed -E 's/.*="(.*)"/\1/' | sort -u)
while read -r a; do
	grep -q "^### $a\$" "$DOC" || fail "alertmanager.yml names alarm $a, which monitoring.md does not list"
done < <(grep -oE "'name=\"[a-z_]+\"'" "$TMP/alertmanager.yml" | sed -E "s/.*=\"(.*)\"'/\\1/" | sort -u)

echo "RESULT: prometheus.yml: promtool check config SUCCESS with the rules; alertmanager.yml: amtool check-config SUCCESS, routes$routes; $n alert names of its inhibit rules in the rules"
