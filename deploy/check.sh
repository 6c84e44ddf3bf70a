#!/usr/bin/env bash
# Checks the operator files in deploy/ with the real tools (CI runs this; .ci/run installs them):
#   promtool check config / check rules / test rules (the alert unit tests in alerts.test.yml),
#   the Grafana dashboard's PromQL through promtool (as recording rules),
#   systemd-analyze verify on the unit.
# The Dockerfile cannot be built here (no registry access): test/deploy/deployFiles.test.ts checks its rules.
set -euo pipefail
cd "$(dirname "$0")"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "deploy/check.sh: $1 is missing ($2)" >&2; exit 1; }
}
need promtool 'apt-get install prometheus'
need node 'Node 20'

promtool check config prometheus/prometheus.yml
promtool check rules prometheus/alerts.yml
(cd prometheus && promtool test rules alerts.test.yml)
promtool check rules prometheus/qpc-server-storage.rules.yml
(cd prometheus && promtool test rules qpc-server-storage.rules.test.yml)

# Every dashboard query must parse: Grafana's variables are replaced by plain values first.
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const dashboard = JSON.parse(readFileSync("grafana/dashboards/qpc-server.json", "utf8"));
  const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
  const plain = exprs.map((expr) => expr.replaceAll("$__rate_interval", "5m").replaceAll("$instance", ".*"));
  const rules = plain.map((expr, index) => `      - record: dashboard:query_${index}\n        expr: ${JSON.stringify(expr)}`);
  process.stdout.write(`groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
' >"$rules"
promtool check rules "$rules"

if command -v systemd-analyze >/dev/null 2>&1; then
  # --man=no: the Documentation= link points into an installed checkout, not a man page.
  systemd-analyze verify --man=no systemd/qpc-server.service
  echo 'systemd-analyze verify: qpc-server.service is clean'
else
  echo 'deploy/check.sh: systemd-analyze not available, the unit was not verified' >&2
fi
