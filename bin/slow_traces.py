#!/usr/bin/env python3
"""Writes traces.txt of a k6 run: its slowest and failed requests, each with a link that opens the trace in the web
console, and the bin/waterfall.py command for a terminal.

The k6 scripts (perf/k6/lib/flows.js) print one `TRACE {...}` console line per failed request or one slower than
SLOW_MS; bin/perf.sh sends k6's console to console.log in the run's folder, which this reads.
Usage: bin/slow_traces.py RUN_DIR [JAEGER_QUERY_URL] [CONSOLE_URL]
       (defaults http://127.0.0.1:16686 and http://127.0.0.1:8095)
"""
import json
import pathlib
import re
import sys

TRACE_LINE = re.compile(r"TRACE (\{.*\})")
SHOWN = 5


def sampled(console_log):
    """The `TRACE {...}` records of k6's console output (k6 may escape the quotes inside its log line)."""
    records = []
    for line in console_log.splitlines():
        match = TRACE_LINE.search(line)
        if match:
            records.append(json.loads(match.group(1).replace('\\"', '"')))
    return records


def report(records, jaeger, console):
    """The lines of traces.txt: slowest answered requests first, then failed ones (no answer or a 5xx)."""
    console = console.rstrip("/")
    slowest = sorted((r for r in records if r["status"] and r["status"] < 500), key=lambda r: -r["ms"])[:SHOWN]
    failed = [r for r in records if not r["status"] or r["status"] >= 500][:SHOWN]
    lines = ["Slowest requests (over SLOW_MS):"]
    lines += [f"  {r['ms']:>6} ms  {r['name']:<22} {console}/traces/{r['traceId']}" for r in slowest]
    lines += ["Failed requests:"]
    lines += [f"  HTTP {r['status']:<4} {r['name']:<22} {console}/traces/{r['traceId']}" for r in failed]
    lines += [f"Open a link in the console (make up), or in a terminal: bin/waterfall.py <trace id> {jaeger}"]
    return lines


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    run = pathlib.Path(argv[1])
    jaeger = argv[2] if len(argv) > 2 else "http://127.0.0.1:16686"
    console = argv[3] if len(argv) > 3 else "http://127.0.0.1:8095"
    log = run / "console.log"
    lines = report(sampled(log.read_text() if log.exists() else ""), jaeger, console)
    (run / "traces.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv)
