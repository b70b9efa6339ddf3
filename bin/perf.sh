#!/usr/bin/env bash
# Runs one k6 scenario of perf/k6 against the running stack (make up) and keeps everything in
# perf/results/<timestamp>-<scenario>/: report.html (k6 web dashboard; none for a run of a few seconds such as the smoke
# test), summary.json, console.log and traces.txt
# (the slowest and failed requests, each a link to its trace in the web console, by bin/slow_traces.py).
# Exit code = k6's (99 = a threshold failed).
# Usage: bin/perf.sh smoke|load|stress|spike|soak   (tuning through env, see each script)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"
SCENARIO="${1:?usage: bin/perf.sh smoke|load|stress|spike|soak}"
SCRIPT="$FLOWLENS_ROOT/perf/k6/$SCENARIO.js"
[[ -f "$SCRIPT" ]] || die "no k6 scenario $SCRIPT"
K6="$STACK_DIR/bin/k6"
[[ -x "$K6" ]] || "$HERE/stack.sh" install
OUT="${FLOWLENS_PERF_OUT:-$FLOWLENS_ROOT/perf/results/$(date +%Y%m%d-%H%M%S)-$SCENARIO}"  # the system tests name theirs
mkdir -p "$OUT"
JAEGER="http://127.0.0.1:${JAEGER_QUERY_PORT:-16686}"

set +e
K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT="$OUT/report.html" K6_WEB_DASHBOARD_OPEN=false \
    "$K6" run --no-usage-report --console-output "$OUT/console.log" \
    -e BASE_URL="http://127.0.0.1:${ORCHESTRATOR_PORT:-8000}" \
    -e USERS_URL="http://127.0.0.1:${USERS_PORT:-8001}" \
    -e ORDERS_URL="http://127.0.0.1:${ORDERS_PORT:-8002}" \
    -e PAYMENTS_URL="http://127.0.0.1:${PAYMENTS_PORT:-8003}" \
    -e SUMMARY_JSON="$OUT/summary.json" "$SCRIPT"
status=$?
set -e

python3 "$HERE/slow_traces.py" "$OUT" "$JAEGER" "http://127.0.0.1:${CONSOLE_PORT:-8095}"
written=()
for file in report.html summary.json traces.txt; do
    [[ ! -s "$OUT/$file" ]] || written+=("$file")
done
# k6's web dashboard exports nothing for a run shorter than its aggregation period (the smoke test's one iteration)
[[ -s "$OUT/report.html" ]] || log "no report.html: k6's web dashboard writes none for a run this short"
log "results in $OUT (${written[*]}); k6 exit code $status"
exit "$status"
