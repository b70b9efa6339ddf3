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


# A service exports its spans in batches every otel.bsp.schedule.delay (2 s), each on its own clock, and Jaeger
# writes them to Elasticsearch in bulk requests of its own, so a trace reaches the query API in pieces up to ~2 s
# apart: a count that stood still for 1 s was once 5 spans of a 39-span trace (a fresh clone's make demo).
STILL_S = 1.0
SETTLED_S = 3.0


def fetch(base, trace_id, deadline_s=20.0):
    """Polls until the trace is whole (see `whole`) and has not grown for STILL_S (a service's batch can reach the
    query API in two bulk requests), or, for a trace that cannot be whole (a call whose callee died before it
    answered), until it has not grown for SETTLED_S; at the deadline, what is there."""
    deadline = time.time() + deadline_s
    previous, changed = -1, time.time()
    spans = []
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v3/traces/{trace_id}", timeout=5) as response:
                spans = parse(json.load(response))
        except urllib.error.HTTPError as error:
            # 404: not there yet; 500: Jaeger 2.13 refuses a trace while a span's parent has not arrived
            # (jaegertracing/jaeger#8002), which is a trace still arriving too
            if error.code not in (404, 500):
                raise
            spans = []
        if len(spans) != previous:
            previous, changed = len(spans), time.time()
        elif spans and time.time() - changed >= (STILL_S if whole(spans) else SETTLED_S):
            return spans
        time.sleep(0.5 if spans else 0.3)
    if not spans:
        sys.exit(f"trace {trace_id} not found in Jaeger at {base} within {deadline_s:.0f} s"
                 " (or refused there as incomplete)")
    return spans


def whole(spans):
    """The root (a span without a parent), every other span's parent there, and every HTTP call that was answered
    with its server span: the callees' spans are in. A callee's spans alone look whole but for the root: its server
    span's parent is the caller's client span, which comes with the caller's batch. A trace begun by a caller outside
    (a traceparent header) has no such root, so it waits out SETTLED_S instead."""
    ids = {s["id"] for s in spans}
    called = {s["parent"] for s in spans if s["kind"] == "server"}
    return (sum(1 for s in spans if not s["parent"]) == 1 and all(not s["parent"] or s["parent"] in ids for s in spans)
            and all(s["id"] in called for s in spans if s["kind"] == "client" and s["answered"]))


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
                    # an HTTP client span with the callee's status code (Helidon's old semantic conventions, or the
                    # current ones); a database statement is a client span too, but without one
                    "answered": any(a["key"] in ("http.status_code", "http.response.status_code")
                                    for a in span.get("attributes", [])),
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
