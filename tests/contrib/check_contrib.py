#!/usr/bin/python3
"""check_contrib.py — static checks of contrib/ (tests/contrib/test_*.sh).

  check_contrib.py rules REPO      the alert rules against the docs and tests
  check_contrib.py dashboard REPO OUT.yml
                                   the Grafana dashboard; writes every query
                                   of it as a recording rule into OUT.yml,
                                   for promtool check rules to parse

rules: every hvptp_* name in contrib/prometheus/hvptp.rules.yml is a metric
family (docs/metrics.md's table); every alert has
severity, summary, description and a runbook_url into docs/monitoring.md
whose anchor is a heading there (an anchor templated from the alarm name
must exist for every alarm name); every alert of the rules is tested in
hvptp.rules.test.yml both firing (exp_alerts not empty) and not firing
(an empty exp_alerts).

dashboard: contrib/grafana/hvptp.json is a JSON object with a recent
schemaVersion, a uid and a title; a datasource template variable of type
prometheus that every panel and target uses; job and instance variables;
no $variable used that is not defined (or one of Grafana's own); unique
panel ids, grid positions inside the 24 columns and not overlapping; every
target has a refId unique in its panel and an expr whose hvptp_* names are
metric families (as above).  In both: the labels of a selector are its
family's (docs/metrics.md's labels column), and those of by/on clauses,
legends ({{x}}) and annotations ($labels.x) are labels of the query's
families.

Prints one line per finding and "OK ..." with figures on success; exit 1
on a finding.  Needs python3-yaml for "rules".
"""
import json
import re
import sys

# Labels every scraped series has; up's are only these.
SCRAPE_LABELS = {"job", "instance"}
# The alarm names of hvptp_alarm{name}: docs/monitoring.md has a section
# for each.  Once docs/metrics.md lists the names, they must be these.
ALARMS = [
    "time_error", "frequency", "drift_rate", "path_delay_jump",
    "delay_variation", "grandmaster_change", "clock_class", "holdover",
    "port_faulty", "clock_step", "tx_timestamp_lost",
    "foreign_master_overflow",
]
GRAFANA_VARS = {"__rate_interval", "__interval", "__range", "__range_s",
                "__interval_ms", "__dashboard", "__from", "__to"}
NAME_RE = re.compile(r"(?<![A-Za-z0-9_:])hvptp_[a-z0-9_]+")

findings = []


def finding(msg):
    findings.append(msg)
    print("  " + msg)


def cell_labels(cell):
    """The backticked names of a labels cell, less what is in brackets
    (the values a label takes)."""
    depth, top = 0, ""
    for c in cell:
        depth += c == "("
        if depth == 0:
            top += c
        depth -= c == ")" and depth > 0
    return set(re.findall(r"`([a-z_][a-z0-9_]*)`", top))


def alarm_names(repo):
    """The alarm names docs/metrics.md lists for hvptp_alarm's name label
    ("`name` (`time_error`, ...)"), or None while it lists none."""
    with open(repo + "/docs/metrics.md", encoding="utf-8") as f:
        for line in f:
            if line.startswith("| `hvptp_alarm` |"):
                m = re.search(r"`name` \(([^)]*)\)", line)
                if m:
                    return re.findall(r"`([a-z_]+)`", m.group(1))
    return None


def families(repo):
    """{family: its labels} from docs/metrics.md's table (the column named
    "labels"), and up."""
    with open(repo + "/docs/metrics.md", encoding="utf-8") as f:
        lines = f.read().splitlines()
    out, col = {}, None
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == "family" and "labels" in cells:
            col = cells.index("labels")
            continue
        m = re.fullmatch(r"`(hvptp_[a-z0-9_]+)`", cells[0]) if cells else None
        if m and col is not None and len(cells) > col:
            out[m.group(1)] = cell_labels(cells[col])
    if len(out) < 40:
        finding("docs/metrics.md: only %d families found in its table" % len(out))
    out["up"] = set()
    return out


def check_labels(where, expr, known, uses=()):
    """Label names in EXPR's selectors are the family's; those in by/on/
    without clauses and in USES (a legend's {{x}}, an annotation's
    $labels.x) are labels of some family of EXPR or of a by clause."""
    fams = [n for n in re.findall(r"(?<![A-Za-z0-9_:])(hvptp_[a-z0-9_]+|up)\b", expr)
            if n in known]
    allowed = set(SCRAPE_LABELS)
    for n in fams:
        allowed |= known[n]
    for fam, body in re.findall(r"(?<![A-Za-z0-9_:])(hvptp_[a-z0-9_]+|up)\s*\{([^}]*)\}", expr):
        if fam not in known:
            continue
        for lab in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", body):
            if lab not in known[fam] | SCRAPE_LABELS:
                finding("%s: %s has no label %s" % (where, fam, lab))
    grouped = set()
    for kw, body in re.findall(r"\b(by|without|on|ignoring)\s*\(([^)]*)\)", expr):
        for lab in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", body):
            grouped.add(lab)
            if lab not in allowed:
                finding("%s: %s (%s) is a label of none of its families" % (where, kw, lab))
    for lab in uses:
        if lab not in allowed | grouped:
            finding("%s: uses label %s, which none of its families has" % (where, lab))


def anchors(repo):
    """GitHub's anchors of docs/monitoring.md's headings."""
    out = set()
    with open(repo + "/docs/monitoring.md", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^#+ +(.*?) *$", line)
            if m:
                a = re.sub(r"[^a-z0-9 _-]", "", m.group(1).lower())
                out.add(a.replace(" ", "-"))
    return out


def check_names(where, expr, known):
    bad = 0
    for name in NAME_RE.findall(expr):
        if name not in known:
            finding("%s: %s is not a metric family" % (where, name))
            bad += 1
    return bad


def check_rules(repo):
    import yaml
    known = families(repo)
    heads = anchors(repo)
    path = repo + "/contrib/prometheus/hvptp.rules.yml"
    with open(path, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    with open(repo + "/contrib/prometheus/hvptp.rules.test.yml", encoding="utf-8") as f:
        tests = yaml.safe_load(f)
    alerts, records = [], 0
    for g in rules["groups"]:
        for r in g["rules"]:
            name = r.get("alert") or r.get("record")
            check_names("rules: " + name, r["expr"], known)
            uses = re.findall(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)",
                              json.dumps(r.get("annotations", {})))
            check_labels("rules: " + name, r["expr"], known, uses)
            if "record" in r:
                records += 1
                continue
            alerts.append(name)
            sev = r.get("labels", {}).get("severity")
            if sev not in ("critical", "warning", "info"):
                finding("rules: %s: severity %r" % (name, sev))
            ann = r.get("annotations", {})
            for k in ("summary", "description", "runbook_url"):
                if not ann.get(k):
                    finding("rules: %s: no %s" % (name, k))
            url = ann.get("runbook_url", "")
            m = re.fullmatch(r"docs/monitoring\.md#(.+)", url)
            if not m:
                finding("rules: %s: runbook_url %r not into docs/monitoring.md" % (name, url))
                continue
            want = ALARMS if m.group(1) == "{{ $labels.name }}" else [m.group(1)]
            for a in want:
                if a not in heads:
                    finding("rules: %s: docs/monitoring.md has no heading for #%s" % (name, a))
    documented = alarm_names(repo)
    if documented is not None and sorted(documented) != sorted(ALARMS):
        finding("docs/metrics.md's alarm names %s are not check_contrib.py's %s "
                "(each needs its section in docs/monitoring.md)" % (documented, ALARMS))
    fired, quiet = set(), set()
    for t in tests["tests"]:
        for a in t.get("alert_rule_test", []):
            (fired if a.get("exp_alerts") else quiet).add(a["alertname"])
    for a in alerts:
        if a not in fired:
            finding("tests: %s is never tested firing" % a)
        if a not in quiet:
            finding("tests: %s is never tested not firing" % a)
    for a in sorted((fired | quiet) - set(alerts)):
        finding("tests: %s is not an alert of the rules" % a)
    if not findings:
        print("OK %d alerts (each tested firing and not firing, runbook anchors found), "
              "%d recording rules, %d alarm sections" % (len(alerts), records, len(ALARMS)))


def overlap(a, b):
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and
            a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def var_uses(text):
    return set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))


def promql_for_check(expr):
    """The expr with Grafana's variables replaced by values PromQL takes."""
    e = re.sub(r"\$\{?__(rate_interval|interval|range)\}?", "5m", expr)
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", ".+", e)


def check_panel_grid(panels):
    boxes = []
    for p in panels:
        g = p.get("gridPos", {})
        if any(not isinstance(g.get(k), int) for k in ("x", "y", "w", "h")):
            finding("panel %s: no gridPos" % p.get("id"))
            continue
        if g["x"] < 0 or g["w"] < 1 or g["x"] + g["w"] > 24:
            finding("panel %s: gridPos outside the 24 columns" % p["id"])
        for q, h in boxes:
            if overlap(g, h):
                finding("panels %s and %s overlap" % (q, p["id"]))
        boxes.append((p["id"], g))


def check_dashboard(repo, out_path):
    known = families(repo)
    with open(repo + "/contrib/grafana/hvptp.json", encoding="utf-8") as f:
        d = json.load(f)
    if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
        finding("schemaVersion %r (want 36 or later: Grafana 9+)" % d.get("schemaVersion"))
    for k in ("uid", "title"):
        if not d.get(k):
            finding("no %s" % k)
    tv = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
    ds = tv.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        finding("no datasource variable of type prometheus")
    for v in ("job", "instance"):
        if v not in tv:
            finding("no template variable %s" % v)
    defined = set(tv) | GRAFANA_VARS
    # every $variable anywhere in the model (titles, legends, queries)
    for name in sorted(var_uses(json.dumps(d)) - defined):
        finding("$%s is used but not defined" % name)
    panels = []
    for p in d.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []))
    ids = [p.get("id") for p in panels]
    if len(set(ids)) != len(ids) or None in ids:
        finding("panel ids missing or not unique: %s" % ids)
    check_panel_grid(panels)
    rules, nexpr = [], 0
    for p in panels:
        if p.get("type") == "row":
            continue
        if p.get("datasource", {}).get("uid") != "${datasource}":
            finding("panel %s: datasource is not ${datasource}" % p["id"])
        refs = set()
        if not p.get("targets"):
            finding("panel %s (%s): no target" % (p["id"], p.get("title")))
        for t in p.get("targets", []):
            where = "panel %s %r target %s" % (p["id"], p.get("title"), t.get("refId"))
            if t.get("refId") in refs or not t.get("refId"):
                finding("%s: refId missing or repeated" % where)
            refs.add(t.get("refId"))
            if t.get("datasource", {}).get("uid") != "${datasource}":
                finding("%s: datasource is not ${datasource}" % where)
            expr = t.get("expr", "")
            if not expr:
                finding("%s: no expr" % where)
                continue
            nexpr += 1
            check_names(where, expr, known)
            check_labels(where, expr, known,
                         re.findall(r"\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}", t.get("legendFormat", "")))
            rules.append({"record": "dashboard:panel%d_%s" % (p["id"], t["refId"]),
                          "expr": promql_for_check(expr)})
    for a in d.get("annotations", {}).get("list", []):
        if a.get("expr"):
            nexpr += 1
            check_names("annotation " + a.get("name", ""), a["expr"], known)
            rules.append({"record": "dashboard:annotation%d" % nexpr,
                          "expr": promql_for_check(a["expr"])})
    # JSON is YAML: promtool reads this file as a rules file.
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"groups": [{"name": "hvptp-dashboard", "rules": rules}]}, f, indent=1)
    if not findings:
        print("OK schemaVersion %d, %d panels, %d queries, variables %s" %
              (d["schemaVersion"], len([p for p in panels if p.get("type") != "row"]),
               nexpr, ",".join(sorted(tv))))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("rules", "dashboard"):
        sys.exit("usage: check_contrib.py rules REPO | dashboard REPO OUT.yml")
    try:
        if sys.argv[1] == "rules":
            check_rules(sys.argv[2])
        else:
            check_dashboard(sys.argv[2], sys.argv[3])
    except (OSError, ValueError, KeyError, TypeError) as e:
        finding("%s: %s" % (type(e).__name__, e))
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
