#!/usr/bin/env bash
# Contract fuzzing with schemathesis against the running services' served contracts (make up first).
# Every check (-c all): no 5xx, answers and their bodies as the contract says, bad input rejected with 4xx.
# Usage: bin/contract-test.sh [examples-per-operation]   (default 50; service URLs from *_PORT variables)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"
EXAMPLES="${1:-50}"
ST="$STACK_DIR/venv/bin/schemathesis"
[[ -x "$ST" ]] || "$HERE/stack.sh" install
cd "$FLOWLENS_ROOT"   # schemathesis.toml lives here
failed=0
for entry in "users:${USERS_PORT:-8001}" "orders:${ORDERS_PORT:-8002}" "payments:${PAYMENTS_PORT:-8003}" \
        "orchestrator:${ORCHESTRATOR_PORT:-8000}"; do
    name="${entry%%:*}"
    url="http://127.0.0.1:${entry##*:}/openapi"
    log "schemathesis: $name ($url, $EXAMPLES examples per operation)"
    if ! "$ST" run "$url" --checks all --max-examples "$EXAMPLES" --seed 20261124 \
            --generation-database none --warnings off; then
        failed=1
    fi
done
exit "$failed"
