#!/usr/bin/env bash
# Turns named faults on in turn (through each service's /admin/faults), runs full flows, and shows what the
# answers and the traces say for each; every fault is switched off again at the end, whatever happens.
# Needs a running stack (make up). Usage: bin/chaos-demo.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"
BASE="http://127.0.0.1:${ORCHESTRATOR_PORT:-8000}"
JAEGER="http://127.0.0.1:${JAEGER_QUERY_PORT:-16686}"
TOKEN="${FLOWLENS_ADMIN_TOKEN:-$(cat "$STACK_DIR/admin-token" 2>/dev/null || true)}"
[[ -n "$TOKEN" ]] || die "no admin token: start the services with make up (it creates .stack/admin-token)"
declare -A PORT=([users]="${USERS_PORT:-8001}" [orders]="${ORDERS_PORT:-8002}" [payments]="${PAYMENTS_PORT:-8003}")

fault() { # SERVICE NAME JSON
    curl -fsS -m 5 -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "$3" "http://127.0.0.1:${PORT[$1]}/admin/faults/$2" >/dev/null
}
all_off() {
    local svc name
    for svc in users orders payments; do
        for name in LATENCY ERRORS SLOW_DB POOL_EXHAUSTION; do
            curl -s -m 5 -X DELETE -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[$svc]}/admin/faults/$name" \
                >/dev/null || true
        done
    done
}
trap all_off EXIT

flows() { # LABEL COUNT — runs flows, prints status counts and keeps the slowest flow's trace id
    local label="$1" count="$2" i out code ms trace worst_ms=-1
    declare -A seen=()
    WORST_TRACE=""
    for i in $(seq 1 "$count"); do
        out="$(curl -s -m 20 -w '\n%{http_code} %{time_total}' "$BASE/demo/full-flow/$((1 + i % 3))")"
        read -r code ms <<<"${out##*$'\n'}"
        trace="$(python3 -c 'import json,sys
try: print(json.loads(sys.argv[1]).get("trace_id",""))
except Exception: print("")' "${out%$'\n'*}")"
        seen[$code]=$(( ${seen[$code]:-0} + 1 ))
        ms="$(python3 -c "print(int(float('$ms')*1000))")"
        if (( ms > worst_ms )) && [[ -n "$trace" ]]; then worst_ms=$ms; WORST_TRACE="$trace"; fi
    done
    printf '  %-44s' "$label"
    for code in "${!seen[@]}"; do printf ' HTTP %s x%s' "$code" "${seen[$code]}"; done
    printf '   slowest %s ms\n' "$worst_ms"
}

show() {
    [[ -n "$WORST_TRACE" ]] || return 0
    echo "  slowest trace $WORST_TRACE (spans touched by the fault are marked FAULT:<name>):"
    "$HERE/waterfall.py" "$WORST_TRACE" "$JAEGER" | sed 's/^/    /'
}

alerts() { # what the alert rules say about the last WINDOW of spans (the exporter writes flowlens-spans-*)
    sleep 2 # spans searchable
    echo "  alerts over the last ${1}:"
    "$HERE/flowlens" alerts check --window "$1" 2>&1 | sed 's/^/    /' || true
}

echo "== baseline"
all_off
flows "no fault" 6
echo "== payments LATENCY 1500 ms (slow but within the orchestrator's 3 s timeout)"
fault payments LATENCY '{"enabled":true,"latency_ms":1500}'; flows "payments +1.5 s" 4; show; all_off
echo "== payments LATENCY 4000 ms (beyond the 3 s timeout: the attempt is cut off, the retry with the same"
echo "   Idempotency-Key gets the first attempt's answer: one payment, flow completes)"
fault payments LATENCY '{"enabled":true,"latency_ms":4000}'; flows "payments +4 s" 3; show; all_off
echo "== payments LATENCY 8000 ms (the retries give up: 504, order cancelled, payments voided when they land)"
fault payments LATENCY '{"enabled":true,"latency_ms":8000}'; flows "payments +8 s" 2; show; alerts 30s; all_off
echo "== orders ERRORS rate 0.5 (half of the orders calls answer 500: the flow answers 502)"
fault orders ERRORS '{"enabled":true,"rate":0.5}'; flows "orders 50 % errors" 8; show; alerts 10s; all_off
echo "== users SLOW_DB 400 ms (every users statement waits)"
fault users SLOW_DB '{"enabled":true,"latency_ms":400}'; flows "users slow database" 4; show; all_off
echo "== orders POOL_EXHAUSTION (every connection held: statements wait 2 s for one, then 503; retried, then the flow answers 502)"
fault orders POOL_EXHAUSTION '{"enabled":true}'; flows "orders pool exhausted" 3; show; alerts 15s; all_off
echo
echo "Faults are off again. Spans a fault touched carry flowlens.fault.injected: bin/flowlens query 'flowlens.fault.injected:*'"
