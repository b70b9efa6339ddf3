#!/usr/bin/env python3
"""make bench: what tracing costs, measured side by side in one run on this machine.

For each configuration (tracing off, OTLP to Jaeger) and each of REPS repetitions it (re)starts the four
services with bin/services.sh, warms them up, then measures with perf/k6/bench.js:
  - full flows at a fixed arrival rate (p50/p99, CPU-seconds per flow of the four service processes, /proc),
  - full flows at saturation (closed loop, flows/s),
  - a trivial endpoint at saturation (GET /users/1 on users: the ceiling the flow efficiency is compared to),
  - startup time to /health/ready and RSS of each service (plus a small-heap profile),
  - spans/s into the same Elasticsearch through our exporter and through Jaeger's writer (SpanIngestBenchmark).
Writes perf/results/BENCHMARKS.md and perf/results/benchmarks.json (BENCH_OUT names another folder, e.g. for a short
run with fewer repetitions that must not replace the full one). Needs `bin/stack.sh up` (Jaeger, ES).

`bin/bench.py startup` runs only the startup/footprint section (also the last part of a full run): the service jars
started as bin/services.sh starts them (options from bin/service-jvm.sh), with and without their AOT cache and with the
JVM's default heap and GC, side by side; it replaces that section of BENCHMARKS.md and the `summary` keys it owns in
benchmarks.json.

`bin/bench.py flow-cpu LABEL=ROOT ...` is a separate, smaller measurement: CPU per full flow of builds side by side
(see flow_cpu below); it needs neither Jaeger nor Elasticsearch.

`bin/bench.py pipeline` (make bench-pipeline) measures what the tracing pipeline costs per span on a running `make up`
stack: CPU-ms per 1000 spans in Jaeger, the span indexer and Elasticsearch, the services' CPU per flow, spans per flow
and bytes per span on disk, from real full flows; it writes BENCHMARKS.md's "Pipeline cost per span" section and
perf/results/pipeline.json, and regenerates the sizing table of docs/SCALING.md from them.

`bin/bench.py console` (make bench-console) only measures the web console's view loads in headless Chromium
(ConsoleViewLoadBenchmark: a 100-span trace, the dashboard over 10 000 fixture spans) and writes or replaces the
"Console view load" section of BENCHMARKS.md; a full run keeps that section.
"""
import concurrent.futures
import http.server
import json
import os
import pathlib
import platform
import shutil
import socket
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
STACK = pathlib.Path(os.environ.get("FLOWLENS_STACK_DIR", ROOT / ".stack"))
K6 = STACK / "bin" / "k6"
REPS = int(os.environ.get("BENCH_REPS", "3"))
RATE = int(os.environ.get("BENCH_RATE", "15"))
SECONDS = os.environ.get("BENCH_SECONDS", "20s")
WARMUP_CHUNK = os.environ.get("BENCH_WARMUP_CHUNK", "10s")
WARMUP_MAX_CHUNKS = int(os.environ.get("BENCH_WARMUP_MAX_CHUNKS", "20"))
SERVICES = ["users", "orders", "payments", "orchestrator"]
PORTS = {"users": 8001, "orders": 8002, "payments": 8003, "orchestrator": 8000}
CONFIGS = {"tracing off": {"OTEL_SDK_DISABLED": "true"},
           "OTLP to Jaeger": {"OTEL_TRACES_EXPORTER": "otlp"},
           # the in-process exporter (the services' default until the span indexer took over): services.sh no longer
           # gives the services an Elasticsearch endpoint, so name it here
           "OTLP + Elasticsearch exporter": {"OTEL_TRACES_EXPORTER": "otlp,elasticsearch",
                                             "OTEL_EXPORTER_ELASTICSEARCH_ENDPOINT":
                                                 f"http://127.0.0.1:{os.environ.get('ES_PORT', '9200')}"}}
INGEST_SPANS = int(os.environ.get("BENCH_INGEST_SPANS", "50000"))
CONSOLE_LOADS = int(os.environ.get("BENCH_CONSOLE_LOADS", "7"))
CONSOLE_SECTION = "## Console view load"
TICKS = os.sysconf("SC_CLK_TCK")


def sh(*args, env=None):
    return subprocess.run(args, cwd=ROOT, env={**os.environ, **(env or {})}, check=True, capture_output=True, text=True)


def pid(service):
    return int((STACK / "services" / f"{service}.pid").read_text().strip())


def cpu_seconds():
    total = 0
    for service in SERVICES:
        fields = pathlib.Path(f"/proc/{pid(service)}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def rss_mb(service):
    for line in pathlib.Path(f"/proc/{pid(service)}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(env):
    """Restarts the four services on empty databases: with H2's WRITE_DELAY=0 (bin/services.sh) nothing compacts the
    file, so commits get slower as it grows (h2database issue 442); a configuration measured on the previous ones'
    data would pay for their flows."""
    sh("bin/services.sh", "stop")
    shutil.rmtree(STACK / "services" / "data", ignore_errors=True)
    began = time.monotonic()
    sh("bin/services.sh", "start", env=env)
    ready = time.monotonic() - began
    return ready, {s: rss_mb(s) for s in SERVICES}


def k6(target, mode, duration=SECONDS, **extra):
    summary = STACK / "bench-summary.json"
    args = [str(K6), "run", "--quiet", "--no-usage-report", "-e", f"TARGET={target}", "-e", f"MODE={mode}",
            "-e", f"DURATION={duration}", "-e", f"SUMMARY_JSON={summary}"]
    for key, value in extra.items():
        args += ["-e", f"{key}={value}"]
    subprocess.run(args + [str(ROOT / "perf/k6/bench.js")], cwd=ROOT, check=True, capture_output=True)
    metrics = json.loads(summary.read_text())["metrics"]
    duration_ms = metrics["http_req_duration"]["values"]
    return {"rps": metrics["http_reqs"]["values"]["rate"], "p50": duration_ms["med"], "p99": duration_ms["p(99)"],
            "failed": metrics["http_req_failed"]["values"]["rate"], "count": metrics["http_reqs"]["values"]["count"]}


def spread(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def fmt(s, digits=1):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def warm_up(target):
    """Saturates `target` in short chunks until the last three chunks' req/s are within 5 % of each other.

    The full flow crosses four JVMs and several hundred methods; on 2 cores the JIT needs minutes of load (thousands
    of flows) before it settles: a hand run went 21 -> 29 -> 45 -> 66 -> 84 -> 95 -> 94 flows/s in 35 s chunks, and
    CPU per flow from 93 to 20 ms. Measuring after a 10 s warm-up, as the first version of this harness did, compared
    JIT states rather than configurations. Returns the chunks' req/s, the seconds spent and whether it settled
    before WARMUP_MAX_CHUNKS ran out."""
    def settled():
        last = rates[-3:]
        return len(last) == 3 and max(last) - min(last) <= 0.05 * max(last)

    began, rates = time.monotonic(), []
    for _ in range(WARMUP_MAX_CHUNKS):
        rates.append(k6(target, "saturate", duration=WARMUP_CHUNK, VUS=8)["rps"])
        if settled():
            break
    return {"rates": rates, "seconds": time.monotonic() - began, "settled": settled()}


def main():
    if not K6.exists():
        sys.exit("k6 missing: run bin/stack.sh install")
    urllib.request.urlopen(f"http://127.0.0.1:{os.environ.get('JAEGER_QUERY_PORT', '16686')}/api/v3/services", timeout=3)
    results = {name: [] for name in CONFIGS}
    for rep in range(REPS):  # configurations interleaved, so a drift of the machine touches them alike
        for name, env in CONFIGS.items():
            runs = results[name]
            ready, rss = start(env)
            flow_warm_up, trivial_warm_up = warm_up("flow"), warm_up("trivial")  # not measured
            before = cpu_seconds()
            fixed = k6("flow", "rate", RATE=RATE)
            cpu_per_flow = (cpu_seconds() - before) / max(fixed["count"], 1)
            saturated = k6("flow", "saturate", VUS=8)
            trivial = k6("trivial", "saturate", VUS=8)
            runs.append({"ready_s": ready, "rss_mb": rss, "warm_up": {"flow": flow_warm_up, "trivial": trivial_warm_up},
                         "fixed": fixed, "cpu_s_per_flow": cpu_per_flow,
                         "saturated": saturated, "trivial": trivial})
            print(f"{name} #{rep + 1}: warm-up {flow_warm_up['seconds']:.0f} s "
                  f"(flows/s {' '.join(f'{r:.0f}' for r in flow_warm_up['rates'])}), fixed p99 {fixed['p99']:.1f} ms, {saturated['rps']:.1f} flows/s, "
                  f"trivial {trivial['rps']:.0f}/s, {cpu_per_flow * 1000:.1f} ms CPU/flow", flush=True)
    small = [start({"FLOWLENS_JAVA_OPTS": "-Xmx128m -XX:+UseSerialGC"}) for _ in range(REPS)]
    sh("bin/services.sh", "stop")
    write(results, small, ingest())
    startup()


EXPLANATIONS = [
    "- Throughput and p99 with tracing on: on this 2-core machine Jaeger and Elasticsearch run beside the services and "
    "take CPU from them while they index the spans the load produces; the CPU per flow spent in the four service "
    "processes (the cost a deployment with backends elsewhere would feel) is the fairer figure; see its rows above.",
    "- Flow efficiency: one flow is 6 server requests, 5 client calls, 12 commits and 7 reads across four JVMs "
    "(~34 spans), against a trivial GET that touches one JVM and reads one row. "
    "Where its CPU goes (JFR, warm services): [PROFILES.md](PROFILES.md). No single hot spot: the JAX-RS server and "
    "REST client stacks, H2's synchronous chunk writes (`WRITE_DELAY=0`, so an answered write survives a kill) and "
    "MicroProfile Fault Tolerance's per-call setup dominate; reaching 0.15 would take a different stack, not a fix.",
    "- Exporter below 25 k spans/s: Elasticsearch (512 MB heap) indexes on the same 2 cores as the driver; our span "
    "documents carry ~40 fields including flattened attribute maps (a template without them measured ~25 % faster). "
    "The notes' 26–35 k docs/s were small documents. Against Jaeger's writer on the same node, see the ratio row.",
]


def test_class(name, *args):
    """Runs a main class of the system-tests test sources (compiled here) with java 21+; its standard output."""
    sh("bin/mvn.sh", "-B", "-q", "-pl", "system-tests", "test-compile", "dependency:build-classpath",
       "-Dmdep.outputFile=target/bench.classpath", "-Dmdep.includeScope=test")
    classpath = (ROOT / "system-tests/target/bench.classpath").read_text().strip()
    java = sh("bash", "-c", "source bin/lib.sh && find_java21").stdout.strip().splitlines()[-1]
    return sh(f"{java}/bin/java", "-cp", f"system-tests/target/test-classes:{classpath}",
              f"io.flowlens.systemtests.{name}", *args).stdout


def ingest():
    """Runs SpanIngestBenchmark (system-tests test classes) with the services stopped: only ES and Jaeger run."""
    es = f"http://127.0.0.1:{os.environ.get('ES_PORT', '9200')}"
    otlp = f"http://127.0.0.1:{os.environ.get('JAEGER_OTLP_HTTP_PORT', '4318')}"
    out = test_class("SpanIngestBenchmark", es, otlp, str(INGEST_SPANS), str(REPS))
    runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for run in runs:
        print(f"ingest {run['writer']} {run['run']}: {run['spans_per_second']:.0f} spans/s, lost {run['lost']}", flush=True)
    return runs


def write(results, small, ingest_runs):
    on = results["OTLP to Jaeger"]

    def stat(runs, get):
        return spread([get(r) for r in runs])

    rows = []
    for name, runs in results.items():
        rows.append((name, stat(runs, lambda r: r["saturated"]["rps"]), stat(runs, lambda r: r["fixed"]["p50"]),
                     stat(runs, lambda r: r["fixed"]["p99"]), stat(runs, lambda r: r["cpu_s_per_flow"] * 1000),
                     stat(runs, lambda r: r["trivial"]["rps"]), stat(runs, lambda r: r["saturated"]["rps"] / r["trivial"]["rps"])))
    def ratios(row):
        return (row[1]["median"] / rows[0][1]["median"], row[3]["median"] / rows[0][3]["median"],
                row[4]["median"] / rows[0][4]["median"], row[6]["median"])

    def verdict(ok):
        return "met" if ok else "MISSED"

    ours = [r for r in ingest_runs if r["writer"] == "flowlens exporter" and r["run"] != "warmup"]
    jaegers = [r for r in ingest_runs if r["writer"] == "jaeger writer"]
    with_ids = [r for r in ingest_runs if r["writer"] == "flowlens exporter, span ids"]
    ids_rate = spread([r["spans_per_second"] for r in with_ids])
    ours_rate = spread([r["spans_per_second"] for r in ours])
    jaeger_rate = spread([r["spans_per_second"] for r in jaegers])
    ingest_ratio = ours_rate["median"] / jaeger_rate["median"]
    ours_lost = sum(r["lost"] for r in ours)
    lines = [
        "# Flowlens benchmarks",
        "",
        f"One run of `make bench` on {os.cpu_count()} cores, {platform.platform()}, JDK from bin/lib.sh, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Median (min–max) of {REPS} repetitions; each repetition "
        f"restarts the four services on empty databases; configurations are interleaved. Jaeger and Elasticsearch run on the same 2 cores as the services.",
        "",
        f"Before measuring, each repetition saturates full flows (then the trivial endpoint) in {WARMUP_CHUNK} chunks "
        "until three chunks in a row are within 5 % of each other (JIT warm-up; see `warm_up` in bin/bench.py).",
        "",
        f"| configuration | warm-up s (flows/s first → settled) | flows/s at saturation (8 VUs) | p50 ms at {RATE}/s | p99 ms at {RATE}/s | CPU ms per flow (4 services) | trivial req/s | flow efficiency |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (name, tput, p50, p99, cpu, trivial, eff), runs in zip(rows, results.values()):
        warm = [r["warm_up"]["flow"] for r in runs]
        curve = f"{statistics.median(w['rates'][0] for w in warm):.0f} → {statistics.median(w['rates'][-1] for w in warm):.0f}"
        if not all(w["settled"] for w in warm):
            curve += ", NOT settled in every repetition"
        lines.append(f"| {name} | {fmt(spread([w['seconds'] for w in warm]), 0)} ({curve}) | {fmt(tput)} | {fmt(p50)} | "
                     f"{fmt(p99)} | {fmt(cpu, 2)} | {fmt(trivial, 0)} | {fmt(eff, 3)} |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    for row in rows[1:]:
        tput, p99, cpu, efficiency = ratios(row)
        lines += [
            f"| {row[0]}: throughput ≥ 0.95 × off | {tput:.3f} | {verdict(tput >= 0.95)} |",
            f"| {row[0]}: p99 ≤ 1.10 × off | {p99:.3f} | {verdict(p99 <= 1.10)} |",
            f"| {row[0]}: CPU per flow ≤ 1.10 × off | {cpu:.3f} | {verdict(cpu <= 1.10)} |",
            f"| {row[0]}: flow efficiency (flow/s ÷ trivial req/s) ≥ 0.15 | {efficiency:.3f} | {verdict(efficiency >= 0.15)} |",
        ]
    lines += [
        f"| ES exporter ≥ 25 k spans/s, 0 lost | {fmt(ours_rate, 0)} spans/s, {ours_lost} lost | "
        f"{verdict(ours_rate['median'] >= 25000 and ours_lost == 0)} |",
        f"| ES exporter ≥ 1.0 × Jaeger's writer | {ingest_ratio:.2f} | {verdict(ingest_ratio >= 1.0)} |",
        "",
        "## Span ingest into the same Elasticsearch",
        "",
        f"{INGEST_SPANS} full-flow shaped spans per run (25-span traces with the services' attributes), services stopped, "
        "runs alternating; the clock stops when every span is searchable (`_count` after refresh, polled the same way "
        "for both). Jaeger's number includes its OTLP receiver and batch processor.",
        "",
        "| writer | spans/s | lost |",
        "|---|---|---|",
        f"| Flowlens ElasticsearchSpanExporter (BulkIngester, 1000 ops, 2 concurrent) | {fmt(ours_rate, 0)} | {ours_lost} |",
        f"| same, `document-ids=span` (a retry cannot duplicate) | {fmt(ids_rate, 0)} | {sum(r['lost'] for r in with_ids)} |",
        f"| Jaeger v2 Elasticsearch writer (OTLP in) | {fmt(jaeger_rate, 0)} | {sum(r['lost'] for r in jaegers)} |",
        "",
        f"Generated ids vs fixed (trace+span) ids: {ours_rate['median'] / ids_rate['median']:.2f} × the spans/s "
        "(with fixed ids Elasticsearch looks each id up before indexing).",
        "",
        "## Service footprint",
        "",
        "| profile | 4 services ready (s) | RSS users / orders / payments / orchestrator (MB) |",
        "|---|---|---|",
    ]
    default = [(r["ready_s"], r["rss_mb"]) for r in on]
    for label, starts in (("default", default), ("-Xmx128m -XX:+UseSerialGC", small)):
        ready = spread([s[0] for s in starts])
        rss = " / ".join(fmt(spread([s[1][svc] for s in starts]), 0) for svc in SERVICES)
        lines.append(f"| {label} | {fmt(ready)} | {rss} |")
    lines += ["", "Startup is the four services started together on 2 cores, from `bin/services.sh start` to all `/health/ready`."]
    out = pathlib.Path(os.environ.get("BENCH_OUT", ROOT / "perf" / "results"))
    out.mkdir(parents=True, exist_ok=True)
    lines += ["", "## Why targets are missed", "", *EXPLANATIONS]
    lines += console_section(out / "BENCHMARKS.md")  # measured by `bin/bench.py console`, kept across full runs
    (out / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    (out / "benchmarks.json").write_text(json.dumps({"cores": os.cpu_count(), "reps": REPS, "rate": RATE,
                                                     "results": results, "small_heap": small,
                                                     "ingest": ingest_runs}, indent=2))
    print("\n".join(lines))


# --- startup and footprint -------------------------------------------------------------------------------------------

STARTUP_CONFIGS = {"AOT cache (bin/service-jvm.sh)": {},
                   "no AOT cache": {"FLOWLENS_AOT": "off"},
                   "no AOT cache, JVM default heap and GC": {"FLOWLENS_AOT": "off", "FLOWLENS_MEMORY_OPTS": ""}}
STARTUP_FLOWS = int(os.environ.get("BENCH_STARTUP_FLOWS", "300"))
STARTUP_BEGIN, STARTUP_END = "<!-- startup: bin/bench.py startup -->", "<!-- /startup -->"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_rss_mb(process_id):
    for line in pathlib.Path(f"/proc/{process_id}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def answers(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return None


def launch(services, env, work):
    """Starts `services` at once as bin/services.sh would (own ports and databases); returns the processes, their ports
    and the seconds until every one answered /health/ready."""
    ports = {svc: free_port() for svc in SERVICES}
    processes = {}
    began = time.monotonic()
    for svc in services:
        options = sh("bin/service-jvm.sh", "options", svc, env=env).stdout.split()
        processes[svc] = subprocess.Popen(
            [f"{JAVA_HOME}/bin/java", *options, "-jar", str(ROOT / svc / "target" / f"{svc}.jar")],
            cwd=work, stdout=open(work / f"{svc}.log", "ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "SERVER_PORT": str(ports[svc]), "SERVER_HOST": "127.0.0.1",
                 "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{os.environ.get('JAEGER_OTLP_HTTP_PORT', '4318')}",
                 "USERS_MP_REST_URL": f"http://127.0.0.1:{ports['users']}",
                 "ORDERS_MP_REST_URL": f"http://127.0.0.1:{ports['orders']}",
                 "PAYMENTS_MP_REST_URL": f"http://127.0.0.1:{ports['payments']}",
                 "FLOWLENS_DB_URL": f"jdbc:h2:file:{work}/{svc}-{ports[svc]};WRITE_DELAY=0"})
    pending = set(services)
    while pending:
        for svc in list(pending):
            if processes[svc].poll() is not None:
                stop(processes)
                sys.exit(f"{svc} exited while starting; see {work}/{svc}.log")
            if answers(f"http://127.0.0.1:{ports[svc]}/health/ready") == 200:
                pending.discard(svc)
        if time.monotonic() - began > 180:
            stop(processes)
            sys.exit(f"{sorted(pending)} not ready after 180 s; see {work}")
        time.sleep(0.05)
    return processes, ports, time.monotonic() - began


def stop(processes):
    for process in processes.values():
        process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def flows(port, count):
    """`count` full flows through 4 concurrent clients (like the AOT training); returns flows/s and the failures."""
    def one(i):
        # the orchestrator's own budget for a flow is far above 2 s (retries), so give it the time it may take
        return answers(f"http://127.0.0.1:{port}/demo/full-flow/{1 + i % 3}", timeout=90) == 200
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        ok = list(pool.map(one, range(count)))
    return count / (time.monotonic() - began), ok.count(False)


def startup():
    """Per configuration, interleaved, REPS times: users alone (ready, RSS), then the four together (ready), a fixed
    load of STARTUP_FLOWS full flows on the fresh services (its flows/s show whether the heap/GC or the cache cost
    throughput) and the RSS of each service after it."""
    sh("bin/service-jvm.sh", "cache")
    runs = {name: [] for name in STARTUP_CONFIGS}
    for rep in range(REPS):
        for name, env in STARTUP_CONFIGS.items():
            with tempfile.TemporaryDirectory(prefix="flowlens-startup-") as tmp:
                work = pathlib.Path(tmp)
                processes, _, single = launch(["users"], env, work)
                single_rss = proc_rss_mb(processes["users"].pid)
                stop(processes)
                processes, ports, together = launch(SERVICES, env, work)
                ready_rss = {svc: proc_rss_mb(processes[svc].pid) for svc in SERVICES}
                rate, failed = flows(ports["orchestrator"], STARTUP_FLOWS)
                loaded_rss = {svc: proc_rss_mb(processes[svc].pid) for svc in SERVICES}
                stop(processes)
            run = {"ready_s_single": single, "rss_mb_single": single_rss, "ready_s_all": together,
                   "rss_mb_ready": ready_rss, "flows_per_s_cold": rate, "failed": failed, "rss_mb_after_load": loaded_rss}
            runs[name].append(run)
            print(f"startup {name} #{rep + 1}: users {single:.1f} s, four {together:.1f} s, {rate:.1f} flows/s cold, "
                  f"RSS after load max {max(loaded_rss.values()):.0f} MB", flush=True)
    write_startup(runs)


def write_startup(runs):
    out = pathlib.Path(os.environ.get("BENCH_OUT", ROOT / "perf" / "results"))
    out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    lines = [
        STARTUP_BEGIN,
        "## Startup and footprint",
        "",
        f"`bin/bench.py startup`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"JDK {JAVA_HOME}. Median (min–max) of {REPS} repetitions, configurations interleaved. Ready = from the "
        "process start to `/health/ready` 200; *four* = the four started at once. RSS after load: after "
        f"{STARTUP_FLOWS} full flows (4 concurrent clients) on the freshly started services, tracing to the local "
        f"Jaeger. Load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min; other "
        "work on the machine shares its cores, so the absolute seconds move with it; the side-by-side ratios less).",
        "",
        "| configuration | users alone ready s | users RSS at ready MB | four ready s | flows/s (first flows) | "
        "max RSS after load MB | RSS after load users / orders / payments / orchestrator MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, rs in runs.items():
        per_service = " / ".join(fmt(spread([r["rss_mb_after_load"][svc] for r in rs]), 0) for svc in SERVICES)
        failed = sum(r["failed"] for r in rs)
        lines.append(f"| {name} | {fmt(spread([r['ready_s_single'] for r in rs]))} | "
                     f"{fmt(spread([r['rss_mb_single'] for r in rs]), 0)} | {fmt(spread([r['ready_s_all'] for r in rs]))} | "
                     f"{fmt(spread([r['flows_per_s_cold'] for r in rs]))}{f', {failed} failed' if failed else ''} | "
                     f"{fmt(spread([max(r['rss_mb_after_load'].values()) for r in rs]), 0)} | {per_service} |")
    chosen = runs["AOT cache (bin/service-jvm.sh)"]
    summary = {"ready_s_single": statistics.median(r["ready_s_single"] for r in chosen),
               "ready_s_all": statistics.median(r["ready_s_all"] for r in chosen),
               "rss_mb_max": statistics.median(max(r["rss_mb_after_load"].values()) for r in chosen)}

    def verdict(value, goal):
        return "met" if value <= goal else f"MISSED by {value - goal:.1f}"
    lines += ["", "| target | measured | verdict |", "|---|---|---|",
              f"| one service ready ≤ 2 s | {summary['ready_s_single']:.1f} s | {verdict(summary['ready_s_single'], 2)} |",
              f"| four services ready together ≤ 5 s | {summary['ready_s_all']:.1f} s | {verdict(summary['ready_s_all'], 5)} |",
              f"| max service RSS after load ≤ 200 MB | {summary['rss_mb_max']:.0f} MB | {verdict(summary['rss_mb_max'], 200)} |",
              STARTUP_END]
    md = out / "BENCHMARKS.md"
    text = md.read_text() if md.exists() else "# Flowlens benchmarks\n"
    if STARTUP_BEGIN in text:
        text = text[:text.index(STARTUP_BEGIN)] + "\n".join(lines) + text[text.index(STARTUP_END) + len(STARTUP_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    md.write_text(text)
    data_file = out / "benchmarks.json"
    data = json.loads(data_file.read_text()) if data_file.exists() else {}
    data["summary"] = {**data.get("summary", {}), **{k: round(v, 2) for k, v in summary.items()}}
    data["startup"] = {"reps": REPS, "flows": STARTUP_FLOWS, "load_average": load, "runs": runs}
    data_file.write_text(json.dumps(data, indent=2))
    print("\n".join(lines))


JAVA_HOME = sh("bash", "-c", "source bin/lib.sh && find_java21").stdout.strip().splitlines()[-1]

FLOW_CPU_MODES = {"off": {"OTEL_SDK_DISABLED": "true"}, "otlp": {"OTEL_TRACES_EXPORTER": "otlp"}}


class OtlpSink(http.server.BaseHTTPRequestHandler):
    """Accepts OTLP/HTTP exports and answers an empty ExportTraceServiceResponse: the services pay their whole export
    (batching, protobuf, HTTP) while no Jaeger or Elasticsearch indexes on the same cores."""

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def flow_cpu(sets):
    """CPU-ms per full flow of several builds side by side, tracing off and OTLP, in one run.

    Each LABEL=ROOT names a checkout (or a copy of its bin/ and <service>/target/) whose bin/services.sh starts its
    jars; KEY=VAL items after a comma are extra environment (MicroProfile Config), e.g.
    `before=/tmp/base after=. after-ft=.,MP_FAULT_TOLERANCE_METRICS_ENABLED=true`. Every build runs in both tracing
    modes at once, each instance on its own ports, state folder and empty databases; OTLP goes to a sink in this
    process, so only the services' own cost is measured. All instances are warmed in turns (saturating 10 s
    chunks) until each has run FLOWCPU_WARMUP_FLOWS flows, then measured in turns, FLOWCPU_REPS times: RATE flows/s
    for SECONDS, CPU (utime+stime of the instance's four processes, /proc) divided by the flows answered."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops the services it started
    reps = int(os.environ.get("FLOWCPU_REPS", "3"))
    warm_flows = int(os.environ.get("FLOWCPU_WARMUP_FLOWS", "6000"))
    port = int(os.environ.get("FLOWCPU_PORT_BASE", "8600"))
    otlp_port = int(os.environ.get("FLOWCPU_OTLP_PORT", "4819"))
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", otlp_port), OtlpSink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    instances = []
    for item in sets:
        label, _, spec = item.partition("=")
        root, *extra = spec.split(",")
        for mode in os.environ.get("FLOWCPU_MODES", "off,otlp").split(","):
            mode_env = FLOW_CPU_MODES[mode]
            ports = dict(zip(SERVICES, range(port + 1, port + 5)))
            ports["orchestrator"] = port
            port += 10
            state = pathlib.Path(tempfile.mkdtemp(prefix=f"flowcpu-{label}-{mode}-"))
            env = {"FLOWLENS_STACK_DIR": str(state), "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{otlp_port}",
                   "ORCHESTRATOR_PORT": str(ports["orchestrator"]), "USERS_PORT": str(ports["users"]),
                   "ORDERS_PORT": str(ports["orders"]), "PAYMENTS_PORT": str(ports["payments"]), **mode_env,
                   **dict(kv.split("=", 1) for kv in extra)}
            instances.append({"label": label, "mode": mode, "root": pathlib.Path(root).resolve(), "env": env,
                              "state": state, "ports": ports, "flows": 0, "warm_rates": [], "cpu_ms": []})
    try:
        for inst in instances:
            subprocess.run([str(inst["root"] / "bin/services.sh"), "start"], env={**os.environ, **inst["env"]},
                           check=True, capture_output=True, text=True)
            inst["pids"] = [int((inst["state"] / "services" / f"{s}.pid").read_text()) for s in SERVICES]
        named = {i["label"] + "/" + i["mode"]: i for i in instances}

        def probe(inst, mode, duration, **extra):
            p = inst["ports"]
            return k6("flow", mode, duration=duration, BASE_URL=f"http://127.0.0.1:{p['orchestrator']}",
                      USERS_URL=f"http://127.0.0.1:{p['users']}", **extra)

        while any(i["flows"] < warm_flows for i in instances):
            for name, inst in named.items():
                if inst["flows"] < warm_flows:
                    run = probe(inst, "saturate", WARMUP_CHUNK, VUS=8)
                    inst["flows"] += run["count"]
                    inst["warm_rates"].append(run["rps"])
                    print(f"warm {name}: {run['rps']:.0f} flows/s ({inst['flows']} flows)", flush=True)
        for rep in range(reps):
            for name, inst in named.items():
                before = sum(proc_cpu(p) for p in inst["pids"])
                run = probe(inst, "rate", SECONDS, RATE=RATE)
                cpu_ms = (sum(proc_cpu(p) for p in inst["pids"]) - before) * 1000 / max(run["count"], 1)
                inst["cpu_ms"].append(cpu_ms)
                print(f"#{rep + 1} {name}: {cpu_ms:.2f} ms CPU/flow, p50 {run['p50']:.1f} ms, "
                      f"failed {run['failed']:.3f}", flush=True)
    finally:
        for inst in instances:
            subprocess.run([str(inst["root"] / "bin/services.sh"), "stop"], env={**os.environ, **inst["env"]},
                           capture_output=True)
            shutil.rmtree(inst["state"], ignore_errors=True)
        sink.shutdown()
    lines = [f"| build | tracing | CPU ms per flow, median (min–max) of {reps} | ÷ first build | OTLP ÷ off |",
             "|---|---|---|---|---|"]
    median = {(i["label"], i["mode"]): statistics.median(i["cpu_ms"]) for i in instances}
    first = instances[0]["label"]
    for inst in instances:
        m = median[(inst["label"], inst["mode"])]
        lines.append(f"| {inst['label']} | {inst['mode']} | {fmt(spread(inst['cpu_ms']), 2)} | "
                     f"{m / median[(first, inst['mode'])]:.3f} | "
                     f"{m / median.get((inst['label'], 'off'), m):.3f} |")
    print("\n".join(lines))
    out = pathlib.Path(os.environ.get("BENCH_OUT", ROOT / "perf" / "results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "flow-cpu.json").write_text(json.dumps({"rate": RATE, "seconds": SECONDS, "reps": reps, "instances": [
        {k: (str(v) if isinstance(v, pathlib.Path) else v) for k, v in i.items()} for i in instances]}, indent=2))


def proc_cpu(process_id):
    fields = pathlib.Path(f"/proc/{process_id}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime



def console_section(markdown):
    """The "Console view load" section of an existing BENCHMARKS.md (with a blank line before it), or nothing."""
    if not markdown.exists() or CONSOLE_SECTION not in markdown.read_text():
        return []
    section = markdown.read_text().split(CONSOLE_SECTION, 1)[1].split("\n## ", 1)[0]
    return ["", CONSOLE_SECTION + section.rstrip("\n")]


def console():
    """Times the console's heaviest views in a real browser and writes them into BENCHMARKS.md."""
    es = f"http://127.0.0.1:{os.environ.get('ES_PORT', '9200')}"
    jaeger = f"http://127.0.0.1:{os.environ.get('JAEGER_QUERY_PORT', '16686')}"
    out = test_class("ConsoleViewLoadBenchmark", str(ROOT), es, jaeger, str(CONSOLE_LOADS))
    views = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    chromium = sh("/usr/bin/chromium", "--version").stdout.strip()
    lines = [CONSOLE_SECTION, "",
             f"`bin/bench.py console` on {os.cpu_count()} cores, {platform.platform()}, {chromium}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, with Elasticsearch and Jaeger of `make up` on the "
             f"same cores. Each view is loaded {CONSOLE_LOADS} times after one warm-up load in headless Chromium "
             "(real time, over the DevTools protocol); the time is the page's own `performance.now()` from navigation "
             "start to the view drawn with its data (console.js, `body[data-load-ms]`). Fixture: 10 000 spans, 100 "
             "traces of 100 spans, in a fresh index prefix; the trace is not in Jaeger, so the view asks Jaeger first "
             "and reads the span documents (the fallback path, one request more than a trace Jaeger has).",
             "", "| view | median ms | min–max ms | target | shown |", "|---|---|---|---|---|"]
    for view in views:
        target = "met" if view["median_ms"] <= 1000 else "MISSED"
        lines.append(f"| {view['view']} | {view['median_ms']:.0f} | {min(view['load_ms']):.0f}–"
                     f"{max(view['load_ms']):.0f} | ≤ 1000 ms: {target} | {view['shown']} |")
    replace_section(pathlib.Path(os.environ.get("BENCH_OUT", ROOT / "perf" / "results")) / "BENCHMARKS.md",
                    CONSOLE_SECTION, lines)
    print("\n".join(lines))


PIPELINE_SECTION = "## Pipeline cost per span"
SIZING_BEGIN = "<!-- sizing-table: generated by bin/bench.py pipeline from perf/results/pipeline.json -->"
SIZING_END = "<!-- /sizing-table -->"
# assumptions of the sizing table (docs/SCALING.md states them): busy cores are planned at 60 % so a node's loss or a
# peak fits; Elasticsearch nodes of 8 cores, collector and service instances of 2; one replica; 7 days kept
SIZING = {"utilization": 0.6, "es_node_cores": 8, "instance_cores": 2, "replicas": 1, "retention_days": 7}


def es_get(path, method="GET"):
    es = f"http://127.0.0.1:{os.environ.get('ES_PORT', '9200')}"
    request = urllib.request.Request(es + path, method=method)
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def stored_spans():
    """Documents in Jaeger's span indices and in the indexer's, after a refresh."""
    es_get("/jaeger-span-*,flowlens-spans-*/_refresh", "POST")
    return (es_get("/jaeger-span-*/_count")["count"], es_get("/flowlens-spans-*/_count")["count"])


def settled_spans(timeout=180):
    """Polls until both stores hold the same number of new spans and neither grew for 5 s; answers the counts."""
    last, since, deadline = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = stored_spans()
        if counts != last:
            last, since = counts, time.monotonic()
        elif time.monotonic() - since >= 5:
            return counts
        time.sleep(0.5)
    return last


def bytes_per_span(pattern):
    """Primary store bytes per span once the indices are merged to one segment (what an older daily index costs on
    disk; the index being written carries more until Elasticsearch merges it). Spans are counted with `_count`:
    the index stats count Lucene documents, and Jaeger's nested tags and references are documents of their own."""
    es_get(f"/{pattern}/_forcemerge?max_num_segments=1", "POST")
    primaries = es_get(f"/{pattern}/_stats/store")["_all"]["primaries"]
    return primaries["store"]["size_in_bytes"] / max(es_get(f"/{pattern}/_count")["count"], 1)


def pipeline():
    """Real full flows through the running `make up` stack, CPU time of every process before and after (/proc)."""
    flows_measured = int(os.environ.get("PIPELINE_FLOWS", "1500"))
    port = PORTS["orchestrator"]
    backends = {name: int(sh("bin/stack.sh", "pid", name).stdout.strip()) for name in ("jaeger", "indexer", "es")}
    flows(port, int(os.environ.get("PIPELINE_WARMUP_FLOWS", "300")))  # JIT, pools, today's indices
    runs = []
    for rep in range(int(os.environ.get("PIPELINE_REPS", "3"))):
        before_counts = settled_spans()
        before = {name: proc_cpu(p) for name, p in backends.items()}
        before_services = cpu_seconds()
        began = time.monotonic()
        rate, failed = flows(port, flows_measured)
        after_counts = settled_spans()
        spans = after_counts[0] - before_counts[0]
        run = {"flows_per_s": rate, "failed": failed, "seconds": time.monotonic() - began, "spans_jaeger": spans,
               "spans_indexer": after_counts[1] - before_counts[1],
               "service_cpu_ms_per_flow": (cpu_seconds() - before_services) * 1000 / flows_measured,
               "cpu_ms_per_1000_spans": {name: (proc_cpu(p) - before[name]) * 1e6 / max(spans, 1)
                                         for name, p in backends.items()}}
        runs.append(run)
        print(f"#{rep + 1}: {json.dumps(run)}", flush=True)

    def median(key, name=None):
        return statistics.median(r[key][name] if name else r[key] for r in runs)

    spans = sum(r["spans_jaeger"] for r in runs)
    indexed = sum(r["spans_indexer"] for r in runs)
    failed = sum(r["failed"] for r in runs)
    rate = median("flows_per_s")
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(), "reps": len(runs),
        "flows": flows_measured, "failed": failed, "flows_per_s": rate,
        "spans_jaeger": spans, "spans_indexer": indexed, "spans_per_flow": spans / (flows_measured * len(runs)),
        "service_cpu_ms_per_flow": median("service_cpu_ms_per_flow"),
        "cpu_ms_per_1000_spans": {name: median("cpu_ms_per_1000_spans", name) for name in backends},
        "bytes_per_span": {"jaeger-span": bytes_per_span("jaeger-span-*"),
                           "flowlens-spans": bytes_per_span("flowlens-spans-*")},
        "load_average": os.getloadavg(), "runs": runs}
    out = pathlib.Path(os.environ.get("BENCH_OUT", ROOT / "perf" / "results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
    cost = result["cpu_ms_per_1000_spans"]

    def spread_of(key, name=None):
        return fmt(spread([r[key][name] if name else r[key] for r in runs]), 0 if name else 1)

    lines = [PIPELINE_SECTION, "",
             f"`bin/bench.py pipeline` on {result['cores']} cores, {result['date']}: {len(runs)} × {flows_measured} "
             f"full flows (4 concurrent clients, {rate:.1f} flows/s, {failed} failed) through the `make up` stack "
             f"after {os.environ.get('PIPELINE_WARMUP_FLOWS', '300')} warm-up flows; CPU time (utime+stime, /proc) of "
             f"each process from the first flow until both stores held every span, divided by the spans Jaeger "
             f"stored; median (min–max) of the {len(runs)} runs. "
             f"Load average at the end: {' / '.join(f'{x:.1f}' for x in result['load_average'])} (1 / 5 / 15 min).",
             "",
             "| figure | value |", "|---|---|",
             f"| spans per flow | {result['spans_per_flow']:.1f} |",
             f"| spans stored: `jaeger-span-*` / `flowlens-spans-*` | {spans} / {indexed} |",
             f"| CPU ms per flow, four services (tracing on) | {spread_of('service_cpu_ms_per_flow')} |",
             f"| CPU ms per 1000 spans: Jaeger (OTLP in, ES writer, fan-out) | "
             f"{spread_of('cpu_ms_per_1000_spans', 'jaeger')} |",
             f"| CPU ms per 1000 spans: span indexer | {spread_of('cpu_ms_per_1000_spans', 'indexer')} |",
             f"| CPU ms per 1000 spans: Elasticsearch (both indices) | {spread_of('cpu_ms_per_1000_spans', 'es')} |",
             f"| bytes per span on disk, merged: `jaeger-span-*` / `flowlens-spans-*` | "
             f"{result['bytes_per_span']['jaeger-span']:.0f} / {result['bytes_per_span']['flowlens-spans']:.0f} |"]
    replace_section(out / "BENCHMARKS.md", PIPELINE_SECTION, lines)
    print("\n".join(lines))
    write_sizing(result)


def replace_section(markdown, heading, lines):
    """Replaces the `## heading` section of a markdown file (up to the next `## `), or appends it."""
    text = markdown.read_text() if markdown.exists() else "# Flowlens benchmarks\n"
    if heading in text:
        before, rest = text.split(heading, 1)
        after = rest.split("\n## ", 1)[1] if "\n## " in rest else ""
        text = before + "\n".join(lines) + "\n" + ("\n## " + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    markdown.write_text(text)


def write_sizing(result):
    """docs/SCALING.md's table: what N flows/s needs, from the measured per-flow and per-span figures."""
    a = SIZING
    cost = result["cpu_ms_per_1000_spans"]
    stored_bytes = result["bytes_per_span"]["jaeger-span"] + result["bytes_per_span"]["flowlens-spans"]
    rows = ["| flows/s | sampled | spans/s stored | service cores, all four (2-core instances) | Jaeger collector cores "
            "(instances) | indexer cores | Elasticsearch cores (8-core nodes) | disk per day, 1 replica | "
            f"disk for {a['retention_days']} days |", "|---|---|---|---|---|---|---|---|---|"]
    for flows_per_s, sampled in ((100, 1.0), (1_000, 1.0), (10_000, 0.1), (100_000, 0.01)):
        spans = flows_per_s * result["spans_per_flow"] * sampled

        def cores(cpu_ms_per_s):
            return cpu_ms_per_s / 1000 / a["utilization"]

        service = cores(flows_per_s * result["service_cpu_ms_per_flow"])
        jaeger = cores(spans / 1000 * cost["jaeger"])
        indexer = cores(spans / 1000 * cost["indexer"])
        es = cores(spans / 1000 * cost["es"])
        per_day = spans * 86_400 * stored_bytes * (1 + a["replicas"])
        rows.append(f"| {flows_per_s:,} | {sampled:.0%} | {spans:,.0f} | {service:,.1f} "
                    f"({max(8, -(-service // a['instance_cores'])):,.0f}) | {jaeger:,.1f} "
                    f"({max(2, -(-jaeger // a['instance_cores'])):,.0f}) | {indexer:,.1f} | {es:,.1f} "
                    f"({max(3, -(-es // a['es_node_cores'])):,.0f}) | {human_bytes(per_day)} | "
                    f"{human_bytes(per_day * a['retention_days'])} |")
    scaling = ROOT / "docs" / "SCALING.md"
    text = scaling.read_text()
    head, rest = text.split(SIZING_BEGIN, 1)
    tail = rest.split(SIZING_END, 1)[1]
    source = (f"From perf/results/pipeline.json ({result['date']}): {result['spans_per_flow']:.1f} spans per flow, "
              f"{result['service_cpu_ms_per_flow']:.1f} CPU-ms per flow in the four services, "
              f"{cost['jaeger']:.0f} / {cost['indexer']:.0f} / {cost['es']:.0f} CPU-ms per 1000 spans in Jaeger / the "
              f"indexer / Elasticsearch, {stored_bytes:.0f} bytes per span on disk (both indices).")
    scaling.write_text(head + SIZING_BEGIN + "\n" + source + "\n\n" + "\n".join(rows) + "\n" + SIZING_END + tail)


def human_bytes(count):
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if count < 1000:
            return f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} EB"


if __name__ == "__main__":
    if sys.argv[1:] == ["startup"]:
        startup()
    elif sys.argv[1:2] == ["flow-cpu"]:
        flow_cpu(sys.argv[2:])
    elif sys.argv[1:] == ["console"]:
        console()
    elif sys.argv[1:] == ["pipeline"]:
        pipeline()
    elif sys.argv[1:]:
        sys.exit("usage: bin/bench.py [startup | console | pipeline | flow-cpu LABEL=ROOT[,KEY=VAL...] ...]")
    else:
        main()
