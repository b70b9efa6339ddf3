#!/usr/bin/env bash
# A short, bounded burst of mixed requests against the orchestrator on loopback: browse, register, full flows
# (completed and declined), and invalid input. Usage: bin/traffic.sh [requests]   (default 40)
set -euo pipefail
BASE="${ORCHESTRATOR_URL:-http://127.0.0.1:${ORCHESTRATOR_PORT:-8000}}"
TOTAL="${1:-40}"
declare -A CODES=()
for i in $(seq 1 "$TOTAL"); do
    case $((i % 5)) in
        0) code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$BASE/users?limit=5") ;;
        1) code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H 'Content-Type: application/json' \
                -d "{\"name\":\"Traffic $i\",\"email\":\"traffic-$RANDOM-$i@example.com\"}" "$BASE/users") ;;
        2) code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$BASE/demo/full-flow/1") ;;
        3) code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$BASE/demo/full-flow/2?amount=5000") ;;
        4) code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H 'Content-Type: application/json' \
                -d '{"userId":1,"amount":-1,"currency":"usd"}' "$BASE/orders") ;;
    esac
    CODES[$code]=$(( ${CODES[$code]:-0} + 1 ))
done
printf 'sent %s requests to %s; status codes:' "$TOTAL" "$BASE"
for code in "${!CODES[@]}"; do printf ' %s=%s' "$code" "${CODES[$code]}"; done
echo
