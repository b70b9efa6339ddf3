#!/usr/bin/env bash
# Imports the Kibana saved objects in compose/kibana/saved-objects/*.ndjson (data view, saved searches, Lens
# visualizations, dashboards) into a running Kibana, e.g. the one of `make docker-up`. Objects keep their ids and
# the import overwrites them, so running it again is harmless.
#
#   KIBANA_URL                        default http://127.0.0.1:${KIBANA_PORT:-5601}
#   KIBANA_USERNAME, KIBANA_PASSWORD  basic auth, for a Kibana with security on (the compose demo has none)
#   KIBANA_WAIT_SECONDS               how long to wait for Kibana to be available (default 180)
set -euo pipefail

# shellcheck source=bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KIBANA_URL="${KIBANA_URL:-http://127.0.0.1:${KIBANA_PORT:-5601}}"
KIBANA_URL="${KIBANA_URL%/}"
WAIT_SECONDS="${KIBANA_WAIT_SECONDS:-180}"
OBJECTS_DIR="$FLOWLENS_ROOT/compose/kibana/saved-objects"

# Reads the import answer on stdin: prints how many objects were imported, or lists the errors and fails.
# Kibana answers 200 even when objects fail (missing references, conflicts, unknown types): only "success" tells.
CHECK_IMPORT_PY='
import json, sys
try:
    answer = json.load(sys.stdin)
except ValueError:
    sys.exit("the answer is not JSON")
if answer.get("success") is True:
    print(answer.get("successCount", 0))
    sys.exit(0)
for error in answer.get("errors", []):
    print("  %s %s: %s" % (error.get("type"), error.get("id"), json.dumps(error.get("error"))), file=sys.stderr)
sys.exit(1)
'

# curl, with the credentials (if any) passed in a config read from a pipe: never on the command line, never echoed.
kibana_curl() {
    if [[ -z "${KIBANA_USERNAME:-}" ]]; then
        curl "$@"
        return
    fi
    local credentials="$KIBANA_USERNAME:${KIBANA_PASSWORD:-}"
    credentials="${credentials//\\/\\\\}"
    credentials="${credentials//\"/\\\"}"
    curl --config <(printf 'user = "%s"\n' "$credentials") "$@"
}

# /api/status answers 503 until Kibana's core services (Elasticsearch, saved objects) are available.
wait_for_kibana() {
    local deadline=$((SECONDS + WAIT_SECONDS)) code
    log "waiting up to ${WAIT_SECONDS}s for Kibana at $KIBANA_URL"
    while :; do
        code="$(kibana_curl -s -o /dev/null -w '%{http_code}' -m 5 "$KIBANA_URL/api/status" || true)"
        case "$code" in
            200) return 0 ;;
            401 | 403) die "Kibana answered $code on /api/status: set KIBANA_USERNAME and KIBANA_PASSWORD" ;;
        esac
        ((SECONDS < deadline)) || die "Kibana at $KIBANA_URL did not answer 200 on /api/status within" \
            "${WAIT_SECONDS}s (last answer: ${code:-none}). Is it running (make docker-up)?"
        sleep 3
    done
}

import_file() {
    local file="$1" name="${1#"$FLOWLENS_ROOT"/}" answer code body imported
    answer="$(kibana_curl -s -m 120 -w '\n%{http_code}' -X POST -H 'kbn-xsrf: true' --form "file=@$file" \
        "$KIBANA_URL/api/saved_objects/_import?overwrite=true")" || die "could not send $name to $KIBANA_URL"
    code="${answer##*$'\n'}"
    body="${answer%$'\n'*}"
    if [[ "$code" != 200 ]] || ! imported="$(python3 -c "$CHECK_IMPORT_PY" <<<"$body")"; then
        die "import of $name failed (HTTP $code). Kibana answered:"$'\n'"$body"
    fi
    log "imported $name: $imported objects"
}

shopt -s nullglob
files=("$OBJECTS_DIR"/*.ndjson)
if ((${#files[@]} == 0)); then
    log "no saved objects to import: ${OBJECTS_DIR#"$FLOWLENS_ROOT"/} holds no .ndjson file"
    exit 0
fi
wait_for_kibana
for file in "${files[@]}"; do
    import_file "$file"
done
log "done: open $KIBANA_URL/app/dashboards (Flowlens: service performance, error analysis, business)"
