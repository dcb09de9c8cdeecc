#!/usr/bin/env bash
# Run the k6 scenarios against a running platform and keep each summary under var/bench/.
#   make bench                      every scenario in k6/
#   make bench SCENARIO=auth        one of them
# The platform must be up (make run) with limits a load test can pass, e.g.
#   RATE_LIMIT_AUTH=1000000 RATE_LIMIT_READ=1000000 RATE_LIMIT_WRITE=1000000 make run
set -euo pipefail
cd "$(dirname "$0")/.."
K6=.venv/bin/k6
BASE_URL=${BASE_URL:-http://localhost:8000}
out=var/bench/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
curl -sf "$BASE_URL/ready" >/dev/null || { echo "the platform is not ready at $BASE_URL (make run)"; exit 1; }
for script in k6/*.js; do
  name=$(basename "$script" .js)
  [ -n "${SCENARIO:-}" ] && [ "$SCENARIO" != "$name" ] && continue
  echo "==> $name"
  BASE_URL=$BASE_URL .venv/bin/python scripts/cpu_account.py -- \
    $K6 run --quiet --summary-export "$out/$name.json" "$script" | tee "$out/$name.txt"
done
echo "summaries in $out"
