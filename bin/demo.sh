#!/usr/bin/env bash
# Runs full flows against the running stack (make up), prints one trace back from Jaeger as a waterfall and the
# same trace's documents in flowlens-spans-*, which the span indexer behind Jaeger wrote.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE="http://127.0.0.1:${ORCHESTRATOR_PORT:-8000}"
JAEGER="http://127.0.0.1:${JAEGER_QUERY_PORT:-16686}"
ES="http://127.0.0.1:${ES_PORT:-9200}"

flow() { # $1 = label, $2 = path
    local body code
    body="$(curl -s -m 15 -w '\n%{http_code}' "$BASE$2")"
    code="${body##*$'\n'}"
    body="${body%$'\n'*}"
    printf '%-34s HTTP %s  %s\n' "$1" "$code" "$(python3 -c 'import json,sys
d=json.loads(sys.argv[1]); print(" ".join(f"{k}={d[k]}" for k in ("outcome","order_status","payment_status","decline_reason","title","trace_id") if d.get(k)))' "$body")"
    LAST_BODY="$body"
}

echo "== Full flows through $BASE"
flow "completed (user 1, 49.99 USD)" "/demo/full-flow/1"
SUCCESS_TRACE="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["trace_id"])' "$LAST_BODY")"
flow "declined (user 2, 5000 USD)" "/demo/full-flow/2?amount=5000"
flow "declined (user 3, currency JPY)" "/demo/full-flow/3?currency=JPY"
flow "unknown user (999)" "/demo/full-flow/999"

echo
echo "== Trace $SUCCESS_TRACE of the completed flow, read back from Jaeger"
"$HERE/waterfall.py" "$SUCCESS_TRACE" "$JAEGER"
echo
echo "== The same trace in flowlens-spans-* (Jaeger -> span indexer -> Elasticsearch), one flat document per span"
# Polled with a deadline: the services batch their spans for up to 2 s, then Jaeger and the indexer's bulk request.
python3 - "$SUCCESS_TRACE" "$JAEGER" "$ES" <<'PY'
import json, sys, time, urllib.request
trace, jaeger, es = sys.argv[1:4]
def get(url, body=None):
    request = urllib.request.Request(url, data=body and json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)
spans = sum(len(scope["spans"]) for rs in get(f"{jaeger}/api/v3/traces/{trace}")["result"]["resourceSpans"]
            for scope in rs["scopeSpans"])
deadline, docs = time.time() + 30, []
while time.time() < deadline:
    try:
        docs = get(f"{es}/flowlens-spans-*/_search", {"size": 100, "query": {"term": {"trace_id": trace}},
                                                      "sort": [{"@timestamp": "asc"}]})["hits"]["hits"]
    except OSError:
        docs = []
    if len(docs) >= spans:
        break
    time.sleep(0.5)
for doc in docs:
    d = doc["_source"]
    print(f"  {d['resource'].get('service.instance.id', '(no instance id)'):<13} {d['kind']:<9} "
          f"{d['duration_ms']:>8.1f} ms  {d['name']}")
print(f"{len(docs)} documents for the {spans} spans Jaeger stored"
      + ("" if len(docs) >= spans else "  (missing: see bin/stack.sh status, bin/stack.sh logs indexer)"))
# bin/services.sh names every JVM (service.instance.id), so the spans of two instances of a service stay apart
unnamed = sum(1 for doc in docs if "service.instance.id" not in doc["_source"]["resource"])
if unnamed:
    print(f"{unnamed} documents without resource.service.instance.id")
sys.exit(0 if len(docs) >= spans and not unnamed else 1)
PY
echo
echo "Look further:"
echo "  Console      http://127.0.0.1:${CONSOLE_PORT:-8095}/flows   (flows, this trace: http://127.0.0.1:${CONSOLE_PORT:-8095}/traces/$SUCCESS_TRACE, /map, /alerts)"
echo "  Jaeger API   $JAEGER/api/v3/traces/$SUCCESS_TRACE   (services: $JAEGER/api/v3/services)"
echo "  Elasticsearch $ES/jaeger-span-*/_search?q=traceID:$SUCCESS_TRACE   (Jaeger's storage)"
echo "  Span analytics $ES/flowlens-spans-*/_search?q=trace_id:$SUCCESS_TRACE   (flat fields: observability/exporter-elasticsearch/FIELDS.md)"
echo "  Span indexer  http://127.0.0.1:${SPAN_INDEXER_PORT:-8094}/metrics   (indexed, dropped, queued, ...)"
echo "  Swagger UI   $BASE/openapi/ui   (and :8001, :8002, :8003)"
echo "  Stop with    make down"
