#!/usr/bin/env python3
"""Prints one trace from Jaeger's query API v3 as a terminal waterfall: service, span, offset, duration, errors.

The go-installed Jaeger has no web UI; this is what a user sees of a trace without Docker.
Usage: bin/waterfall.py TRACE_ID [JAEGER_QUERY_URL]   (default http://127.0.0.1:16686)
"""
import json
import sys
import time
import urllib.error
import urllib.request

KINDS = {1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
BAR_WIDTH = 40


def fetch(base, trace_id, deadline_s=20.0):
    """Polls until the trace is there and stops growing: Jaeger writes to Elasticsearch in batches."""
    deadline = time.time() + deadline_s
    previous = -1
    spans = []
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v3/traces/{trace_id}", timeout=5) as response:
                spans = parse(json.load(response))
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
        if spans and len(spans) == previous:
            return spans
        previous = len(spans)
        time.sleep(1.0 if spans else 0.3)
    if not spans:
        sys.exit(f"trace {trace_id} not found in Jaeger at {base} within {deadline_s:.0f} s")
    return spans


def parse(document):
    spans = []
    for resource in document.get("result", {}).get("resourceSpans", []):
        attributes = {a["key"]: next(iter(a["value"].values()), "") for a in resource["resource"].get("attributes", [])}
        for scope in resource.get("scopeSpans", []):
            for span in scope.get("spans", []):
                spans.append({
                    "service": attributes.get("service.name", "?"),
                    "id": span["spanId"],
                    "parent": span.get("parentSpanId", ""),
                    "name": span["name"],
                    "kind": KINDS.get(span.get("kind", 0), "-"),
                    "start": int(span["startTimeUnixNano"]),
                    "end": int(span["endTimeUnixNano"]),
                    "error": span.get("status", {}).get("code", 0) == 2,
                    "fault": next((next(iter(a["value"].values()), "") for a in span.get("attributes", [])
                                   if a["key"] == "flowlens.fault.injected"), None),
                })
    return spans


def print_waterfall(spans):
    by_parent = {}
    ids = {s["id"] for s in spans}
    for span in spans:
        parent = span["parent"] if span["parent"] in ids else ""
        by_parent.setdefault(parent, []).append(span)
    start = min(s["start"] for s in spans)
    total = max(s["end"] for s in spans) - start or 1
    print(f"{'service':<13} {'span':<52} {'kind':<8} {'offset':>8} {'duration':>9}")

    def walk(parent, depth):
        for span in sorted(by_parent.get(parent, []), key=lambda s: s["start"]):
            offset = (span["start"] - start) / 1e6
            duration = (span["end"] - span["start"]) / 1e6
            left = int((span["start"] - start) / total * BAR_WIDTH)
            width = max(1, int((span["end"] - span["start"]) / total * BAR_WIDTH))
            bar = " " * left + ("!" if span["error"] else "=") * width
            name = ("  " * depth + span["name"])[:52]
            mark = ("  ERROR" if span["error"] else "") + (f"  FAULT:{span['fault']}" if span["fault"] else "")
            print(f"{span['service']:<13} {name:<52} {span['kind']:<8} {offset:>6.1f}ms {duration:>7.1f}ms |{bar:<{BAR_WIDTH}}|{mark}")
            walk(span["id"], depth + 1)

    walk("", 0)
    services = sorted({s["service"] for s in spans})
    errors = sum(1 for s in spans if s["error"])
    print(f"{len(spans)} spans, {len(services)} services ({', '.join(services)}), {errors} error span(s), {total / 1e6:.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print_waterfall(fetch(sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:16686", sys.argv[1]))
