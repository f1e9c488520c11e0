#!/usr/bin/env python3
"""Checks every PromQL query of the Grafana dashboard with `promtool check rules` (each as a
recording rule, the dashboard's $instance variable as a match-all), and that every metric the
dashboard names is one trackerd exposes (docs/operations.md lists them).

Usage: check_dashboard.py DASHBOARD.json"""
import json
import re
import subprocess
import sys
import tempfile

DOCS = "docs/operations.md"

dashboard = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
rules = {"groups": [{"name": "dashboard", "rules": [
    {"record": "dashboard:query_%d" % i, "expr": e.replace("$instance", ".*")}
    for i, e in enumerate(exprs)]}]}
with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
    json.dump(rules, f)  # JSON is YAML
    f.flush()
    checked = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
    if checked.returncode != 0:
        sys.exit("dashboard: a query does not parse:\n" + checked.stdout + checked.stderr)
documented = open(DOCS).read()
names = set(re.findall(r"\b((?:clicktrack|process)_[a-z_]+?)(?:_bucket|_sum|_count)?\b[{(\[ ]",
                       " ".join(exprs) + " "))
missing = sorted(n for n in names if "`%s" % n not in documented)
if missing:
    sys.exit("dashboard: metrics not documented in %s: %s" % (DOCS, ", ".join(missing)))
print("dashboard: %d queries parse; %d metrics, all documented" % (len(exprs), len(names)))
