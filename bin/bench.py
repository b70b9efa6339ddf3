#!/usr/bin/env python3
"""make bench: issue 15's figures, measured side by side in one run on this machine (BENCHMARKS.md's goals table
and benchmarks.json's `summary`), in three parts:
  - startup and footprint (startup() below): the service jars as bin/services.sh starts them, with and without their
    AOT cache and with the JVM's default heap and GC: one service alone, the four at once, RSS after load;
  - tracing overhead (overhead()): tracing off and OTLP to Jaeger side by side, the services pinned to one core and
    Jaeger, the span indexer, Elasticsearch and k6 to the other; JIT warm-up to a settled rate, then both probed at
    once with full flows at a fixed rate (p50/p99, CPU per flow of the four processes, /proc) and at saturation
    (flows/s), and each saturated alone;
  - span ingest (SpanIngestBenchmark): spans/s into Elasticsearch through the running span indexer, the in-process
    exporter and Jaeger's own writer.
Writes perf/results/BENCHMARKS.md and perf/results/benchmarks.json, and appends the run to perf/results/history.jsonl
(HISTORY.md); BENCH_OUT names another folder, e.g. for a short run with fewer repetitions that must not replace the
full one. Needs `bin/stack.sh up` (Jaeger, the indexer, ES).

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

`bin/bench.py warm-up` draws the JIT warm-up curves (flows/s and CPU per flow, chunk by chunk) of configurations side
by side (see warm_up_curves below; by default durable H2 files against H2 in memory), then, with
BENCH_WARMUP_RATE_PROBES=N, N rounds of a BENCH_RATE probe of each in turn (the CPU goal's load); it needs neither
Jaeger nor Elasticsearch.

`bin/bench.py report` measures nothing: it renders BENCHMARKS.md's goals table and "Why goals are missed", and
perf/results/HISTORY.md (every `make bench` run, goal by goal, from history.jsonl), from what the runs recorded; for
when the explanations change between runs.

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
# The probes at once at RATE flows/s, whose p99 is a tracing goal: at 20 s a p99 was the third-slowest of 300 flows and
# the pairs' ratios spread 0.71-1.66 in one run; 60 s makes it the ninth of 900 (two deployments at once cost no more
# time than one of them alone did in turns).
AT_ONCE_SECONDS = os.environ.get("BENCH_AT_ONCE_SECONDS", "60s")
WARMUP_CHUNK = os.environ.get("BENCH_WARMUP_CHUNK", "10s")
# 40 chunks (~8 min per deployment): with tracing really off in one deployment, neither settled within 20 on a quiet
# machine (2026-12-04), and bin/bench.py warm-up showed rates still climbing after 24
WARMUP_MAX_CHUNKS = int(os.environ.get("BENCH_WARMUP_MAX_CHUNKS", "40"))
SERVICES = ["users", "orders", "payments", "orchestrator"]
PORTS = {"users": 8001, "orders": 8002, "payments": 8003, "orchestrator": 8000}
# Three chunks within 5 % can be a plateau on the way: a run (2026-12-04) "settled" its OTLP deployment at 27 flows/s
# after 1366 flows, which then ran 55-109 flows/s in the measurement, still warming, and the tracing ratios compared a
# cold deployment with a warm one. The flow's JIT climbs for the first ~5000 flows (PROFILES.md, "Training flows of the
# AOT cache"); 3000 is half a minute at the rates a warm deployment reaches here.
WARMUP_MIN_FLOWS = int(os.environ.get("BENCH_WARMUP_MIN_FLOWS", "3000"))
OVERHEAD_CONFIGS = {"tracing off": {"OTEL_SDK_DISABLED": "true"}, "OTLP to Jaeger": {"OTEL_TRACES_EXPORTER": "otlp"}}
# issue 15: the services on one core, Jaeger, the span indexer, Elasticsearch and the load generator on the other
SERVICE_CPUS = os.environ.get("BENCH_SERVICE_CPUS", "0")
BACKEND_CPUS = os.environ.get("BENCH_BACKEND_CPUS", "1")
# Long enough for the rate to be the writers', not the clock's fixed tail: a span is searchable up to ~1.3 s after it
# is accepted (the 250 ms flush, the bulk, the 1 s refresh), which in a 50 000-span run (~3 s) made the figure swing
# with the refresh's phase (13 531 / 13 967 / 18 701 spans/s for one indexer); PROFILES.md "Span ingest".
INGEST_SPANS = int(os.environ.get("BENCH_INGEST_SPANS", "150000"))
CONSOLE_LOADS = int(os.environ.get("BENCH_CONSOLE_LOADS", "7"))
CONSOLE_SECTION = "## Console view load"
HISTORY = "history.jsonl"  # one line per `make bench` run, appended by write(); HISTORY.md is rendered from it
RECENT_RUNS = int(os.environ.get("BENCH_RECENT_RUNS", "10"))  # the goals table's spread: this run and the ones before
TICKS = os.sysconf("SC_CLK_TCK")


def sh(*args, env=None):
    return subprocess.run(args, cwd=ROOT, env={**os.environ, **(env or {})}, check=True, capture_output=True, text=True)


def pid(service):
    return int((STACK / "services" / f"{service}.pid").read_text().strip())


def cpu_seconds():
    """CPU seconds of the four services bin/services.sh started (their pid files)."""
    return sum(proc_cpu(pid(service)) for service in SERVICES)


def k6(target, mode, duration=SECONDS, cpus=None, script="bench.js", niceness=0, **extra):
    """One perf/k6 `script` run (on `cpus` if given, at `niceness`); its req/s, latency, failures and k6's own CPU
    seconds. Each run writes its summary to a folder of its own, so two can run at once (overhead() runs them so)."""
    with tempfile.TemporaryDirectory(prefix="flowlens-k6-") as folder, tempfile.TemporaryFile() as errors:
        summary = pathlib.Path(folder) / "summary.json"
        args = [str(K6), "run", "--quiet", "--no-usage-report", "-e", f"TARGET={target}", "-e", f"MODE={mode}",
                "-e", f"DURATION={duration}", "-e", f"SUMMARY_JSON={summary}"]
        for key, value in extra.items():
            args += ["-e", f"{key}={value}"]
        began = time.monotonic()
        process = subprocess.Popen((["taskset", "-c", cpus] if cpus else []) + ["nice", "-n", str(niceness)] + args
                                   + [str(ROOT / "perf/k6" / script)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # wait4: the rusage of this one child
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"k6 failed ({process.returncode}): {errors.read().decode()[-2000:]}")
        metrics = json.loads(summary.read_text())["metrics"]
    duration_ms = metrics["http_req_duration"]["values"]
    return {"rps": metrics["http_reqs"]["values"]["rate"], "p50": duration_ms["med"], "p99": duration_ms["p(99)"],
            "failed": metrics["http_req_failed"]["values"]["rate"], "count": metrics["http_reqs"]["values"]["count"],
            "seconds": time.monotonic() - began, "k6_cpu_s": usage.ru_utime + usage.ru_stime}


def spread(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def fmt(s, digits=1):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def main():
    """The one `make bench` run: startup and footprint, then the tracing overhead with the services pinned, then span
    ingest; writes the goals table and benchmarks.json's `summary` from this run alone."""
    if not K6.exists():
        sys.exit("k6 missing: run bin/stack.sh install")
    urllib.request.urlopen(f"http://127.0.0.1:{os.environ.get('JAEGER_QUERY_PORT', '16686')}/api/v3/services", timeout=3)
    began, gauge = time.monotonic(), machine_gauge()
    startup()
    results = overhead()
    ingest_runs = ingest()
    write(results, ingest_runs, time.monotonic() - began, (gauge, machine_gauge()))


def machine_gauge():
    """CPU-s of a fixed loop of 10 million additions in a Python function, once the cores are quiet: how fast this
    machine runs at the moment. The same build's figures move with it from run to run, so every run records it before
    and after, and a change is judged side by side, never against an earlier run. On the machine of 2026-12-08 it read
    0.29-0.32 CPU-s idle and 0.45 with Elasticsearch starting beside it (PROFILES.md's `python3 -c` loop, whose
    variables are globals, is a different figure: 0.67-0.83 idle at the same hour)."""
    quiet(f"0-{os.cpu_count() - 1}")
    began, total = time.process_time(), 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - began, 2)


def build_commit():
    """The commit this run measured, `+changes` when tracked files outside perf/results differ from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [line for line in git("status", "--porcelain", "--untracked-files=no").splitlines()
               if not line[3:].startswith("perf/results/")]
    return commit + ("+changes" if changed else "")


def results_dir():
    return pathlib.Path(os.environ.get("BENCH_OUT", ROOT / "perf" / "results"))


def read_history(out):
    file = out / HISTORY
    return [json.loads(line) for line in file.read_text().splitlines() if line.strip()] if file.exists() else []


def cpu_list(spec):
    """The cores of a taskset list such as "0", "1" or "0-1,3"."""
    cores = []
    for part in spec.split(","):
        low, _, high = part.partition("-")
        cores += range(int(low), int(high or low) + 1)
    return cores


def core_times():
    """Per core: (busy, total) clock ticks since boot, from /proc/stat (idle and iowait count as not busy)."""
    times = {}
    for line in pathlib.Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            name, *values = line.split()
            ticks = [int(v) for v in values[:8]]
            times[int(name[3:])] = (sum(ticks) - ticks[3] - ticks[4], sum(ticks))
    return times


def busy_share(before, after, spec):
    """The share of `spec`'s cores that was busy between two core_times() readings (0..1)."""
    busy = sum(after[c][0] - before[c][0] for c in cpu_list(spec))
    total = sum(after[c][1] - before[c][1] for c in cpu_list(spec))
    return busy / max(total, 1)


def quiet(spec, below=0.2, timeout=30):
    """Waits until `spec`'s cores are less than `below` busy over a second (the backends have indexed the previous
    run's spans), at most `timeout` seconds; answers the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        before = core_times()
        time.sleep(1)
        if busy_share(before, core_times(), spec) < below:
            break
    return time.monotonic() - began


def pin_backends(spec):
    """Moves every thread of Elasticsearch, Jaeger and the span indexer onto `spec`'s cores and lowers their priority
    (nice 10), so the load generator beside them gets its CPU first whatever they are indexing."""
    pids = {name: int(sh("bin/stack.sh", "pid", name).stdout.strip()) for name in ("es", "jaeger", "indexer")}
    for process_id in pids.values():
        subprocess.run(["taskset", "-a", "-p", "-c", spec, str(process_id)], check=True, capture_output=True)
        renice(process_id, 10)
    return pids


def unpin_backends(pids):
    for process_id in pids.values():
        subprocess.run(["taskset", "-a", "-p", "-c", f"0-{os.cpu_count() - 1}", str(process_id)], capture_output=True)
        renice(process_id, 0)


def renice(process_id, niceness):
    for task in pathlib.Path(f"/proc/{process_id}/task").iterdir():
        try:
            os.setpriority(os.PRIO_PROCESS, int(task.name), niceness)
        except OSError:  # a thread gone meanwhile, or (not root) a priority that may not be raised again
            pass


def probe(ports, mode, duration=SECONDS, cpus=BACKEND_CPUS, **extra):
    """perf/k6/bench.js against one deployment's full flow, k6 pinned beside the backends unless `cpus` is None."""
    return k6("flow", mode, duration=duration, cpus=cpus,
              BASE_URL=f"http://127.0.0.1:{ports['orchestrator']}", USERS_URL=f"http://127.0.0.1:{ports['users']}",
              **extra)


def warm_up(deployments):
    """Saturates full flows in WARMUP_CHUNK chunks, the deployments in turns (one chunk each per round), until for
    every one the last three of its chunks' flows/s are within 5 % of each other and at least WARMUP_MIN_FLOWS flows
    ran (or WARMUP_MAX_CHUNKS rounds ran out). A deployment's warm-up time is when the first of its three settled
    chunks began, on the clock of the whole warm-up, so it includes the other deployments' chunks in between.

    The full flow crosses four JVMs and several hundred methods; without the AOT cache's profiles the JIT needed
    minutes of load (a hand run: 21 -> 29 -> 45 -> 66 -> 84 -> 95 -> 94 flows/s in 35 s chunks, CPU per flow 93 ->
    20 ms), so a measurement after a fixed short warm-up compares JIT states rather than configurations. In turns, not
    one deployment after the other (issue 15: configurations interleaved): warmed alone, a deployment saturates the
    core its JIT compiles on without a pause. Warmed so, tracing off measured 12.1 ms per flow at 15 flows/s after
    34 131 flows (`make bench` of 17c7a47); two deployments of the same build warmed in turns, 14 chunks each (~13 700
    flows), measured 4.5-9 ms (PROFILES.md, "A flow's CPU at 15 flows/s and at saturation")."""
    def settled(w):
        last = w["rates"][-3:]
        return len(last) == 3 and max(last) - min(last) <= 0.05 * max(last) and w["flows"] >= WARMUP_MIN_FLOWS

    began = time.monotonic()
    state = {name: {"rates": [], "starts": [], "flows": 0, "settled_s": None} for name in deployments}
    for _ in range(WARMUP_MAX_CHUNKS):
        for name, deployment in deployments.items():
            w = state[name]
            w["starts"].append(time.monotonic() - began)
            run = probe(deployment["ports"], "saturate", duration=WARMUP_CHUNK, VUS=8)
            w["rates"].append(run["rps"])
            w["flows"] += run["count"]
            if w["settled_s"] is None and settled(w):
                w["settled_s"] = w["starts"][-3]
        if all(w["settled_s"] is not None for w in state.values()):
            break
    seconds = time.monotonic() - began
    return {name: {"rates": w["rates"], "flows": w["flows"], "seconds": seconds, "settled": w["settled_s"] is not None,
                   "settled_s": seconds if w["settled_s"] is None else w["settled_s"]} for name, w in state.items()}


def overhead():
    """Tracing off vs OTLP to Jaeger, both deployments running side by side, the services of both pinned to
    SERVICE_CPUS and Jaeger, the span indexer, Elasticsearch and k6 to BACKEND_CPUS (issue 15: the ratios measure the
    services alone). Each deployment is warmed until settled, then REPS times: both probed at once at RATE flows/s
    for AT_ONCE_SECONDS (p50, p99, CPU of its four processes per flow), tracing off alone at that rate for SECONDS
    (its CPU per flow as it runs in service), then each saturated alone by 8 closed-loop VUs for SECONDS (flows/s, CPU
    by thread, the busy share of both core sets and k6's own CPU, to show where the bottleneck was): OTLP, tracing off
    beside a replay of OTLP's span stream, tracing off with the backends idle.

    Why: the two cores share caches and memory bandwidth (a loop copying memory on the backends' core made the same
    tracing-off JVMs cost 1.58 x the CPU per flow: PROFILES.md "What the other core does to the services"), and the
    JVMs drift between probes a minute apart. Probed in turns with nothing beside them, tracing off would be measured
    while Elasticsearch idles and OTLP while it indexes. At the fixed rate both are probed at once; saturated, at once
    they throttle each other (PROFILES.md), so tracing off gets OTLP's spans replayed beside it instead."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops what it started
    backends = pin_backends(BACKEND_CPUS)
    work = pathlib.Path(tempfile.mkdtemp(prefix="flowlens-bench-"))
    deployments = {}
    try:
        for name, env in OVERHEAD_CONFIGS.items():
            folder = work / name.replace(" ", "-")
            folder.mkdir()
            processes, ports, ready = launch(SERVICES, env, folder, cpus=SERVICE_CPUS)
            deployments[name] = {"processes": processes, "ports": ports, "ready_s": ready, "runs": []}
        quiet(BACKEND_CPUS)
        for name, w in warm_up(deployments).items():
            deployment = deployments[name]
            deployment["warm_up"] = w
            # a configuration that did not reach the JVMs would compare tracing with itself (it once did: the
            # environment went only to bin/service-jvm.sh), so each deployment shows on /metrics that it is what it says
            deployment["spans_exported"] = spans_exported(deployment["ports"])
            if (deployment["spans_exported"] > 0) != (OVERHEAD_CONFIGS[name].get("OTEL_SDK_DISABLED") != "true"):
                sys.exit(f"{name}: the services exported {deployment['spans_exported']:.0f} spans during the warm-up")
            print(f"{name}: warm-up settled after {w['settled_s']:.0f} s ({w['flows']} flows; flows/s "
                  f"{' '.join(f'{r:.0f}' for r in w['rates'])}){'' if w['settled'] else ', NOT settled'}", flush=True)
        off, on = deployments["tracing off"], deployments["OTLP to Jaeger"]
        trace = replay_payload(capture_trace(work / "trace.json"))
        spans_per_flow = on["spans_exported"] / on["warm_up"]["flows"]
        for rep in range(REPS):
            quiet(BACKEND_CPUS)
            fixed = at_once(deployments, lambda d: probe(d["ports"], "rate", duration=AT_ONCE_SECONDS, RATE=RATE))
            for name, deployment in deployments.items():
                run, by_thread = fixed[name]
                deployment["runs"].append({"fixed": run, "cpu_ms_per_flow": sum(by_thread.values()),
                                           "cpu_ms_per_flow_by_thread": by_thread})
            quiet(BACKEND_CPUS)
            alone, by_thread = with_cpu_by_thread(pids_of(off), lambda: probe(off["ports"], "rate", RATE=RATE))
            off["runs"][-1]["fixed_alone"] = {**alone, "cpu_ms_per_flow": sum(by_thread.values()),
                                              "cpu_ms_per_flow_by_thread": by_thread}
            # saturated alone, OTLP first: the span stream it sends the backends is what the replay then sends them
            # while tracing off is saturated, so that both meet the same indexing on the other core
            on["runs"][-1]["saturated"] = saturate_alone(on)
            on["runs"][-1]["saturated"]["spans_per_s"] = on["runs"][-1]["saturated"]["rps"] * spans_per_flow
            off["runs"][-1]["saturated"] = saturate_alone(off, replay=(trace, on["runs"][-1]["saturated"]["spans_per_s"]))
            off["runs"][-1]["saturated_idle_backends"] = saturate_alone(off)
            for name, deployment in deployments.items():
                r = deployment["runs"][-1]
                sat = r["saturated"]
                alone = f"; alone {r['fixed_alone']['cpu_ms_per_flow']:.1f} ms" if "fixed_alone" in r else ""
                beside = (f"replay {sat['replay']['spans_per_s']:.0f} of {sat['replay']['target_spans_per_s']:.0f} "
                          f"spans/s; idle backends {r['saturated_idle_backends']['rps']:.1f} flows/s"
                          if "replay" in sat else f"{sat['spans_per_s']:.0f} spans/s")
                print(f"{name} #{rep + 1}: at once {r['cpu_ms_per_flow']:.1f} ms CPU/flow, p99 {r['fixed']['p99']:.0f} "
                      f"ms at {RATE}/s{alone}; saturated alone {sat['rps']:.1f} flows/s (services' core "
                      f"{sat['services_busy']:.0%} busy, backends' {sat['backends_busy']:.0%}, k6 {sat['k6_share']:.0%}, "
                      f"{beside})", flush=True)
        # the RSS after this run's load (the warm-up's tens of thousands of flows, then the probes): the startup's reading
        # after 200 flows comes before the heap has grown, which under a steady load it does up to -Xmx (PROFILES.md,
        # "The RSS after a sustained load")
        for deployment in deployments.values():
            deployment["rss_mb_after_run"] = rss_by_service(deployment["processes"])
    finally:
        for deployment in deployments.values():
            stop(deployment["processes"])
        unpin_backends(backends)
        shutil.rmtree(work, ignore_errors=True)
    return {name: {k: v for k, v in d.items() if k != "processes"} for name, d in deployments.items()}


def pids_of(deployment):
    return [process.pid for process in deployment["processes"].values()]


def saturate_alone(deployment, replay=None):
    """One deployment saturated by 8 closed-loop VUs: flows/s, its CPU per flow by thread, the busy share of both core
    sets and k6's share of its core.
    With `replay` = (trace file, spans/s), perf/k6/replay.js sends the backends that many spans/s of copies of the
    trace meanwhile, at nice 10 beside them (it stands in for spans arriving over the network, after the flows' k6)."""
    quiet(BACKEND_CPUS)
    cores = core_times()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        replayed = pool.submit(replay_spans, *replay) if replay else None
        run, by_thread = with_cpu_by_thread(pids_of(deployment), lambda: probe(deployment["ports"], "saturate", VUS=8))
        sent = replayed.result() if replayed else None
    after = core_times()
    return {**run, "cpu_ms_per_flow_by_thread": by_thread, "services_busy": busy_share(cores, after, SERVICE_CPUS),
            "backends_busy": busy_share(cores, after, BACKEND_CPUS),
            "k6_share": run["k6_cpu_s"] / run["seconds"] / len(cpu_list(BACKEND_CPUS)), **({"replay": sent} if sent else {})}


REPLAY_BATCH = 10  # traces per OTLP request: the services send ~1 request per service every 2 s, each of many traces
# bin/stack.sh install's virtualenv: schemathesis and opentelemetry-proto, which replay_payload needs
PYTHON_TOOLS = STACK / "venv" / "bin" / "python"


def replay_spans(trace, spans_per_s):
    """perf/k6/replay.js for SECONDS: copies of `trace` (replay_payload) to Jaeger's OTLP/HTTP at `spans_per_s`."""
    spans = trace["spans"]
    per_10s = max(1, round(spans_per_s * 10 / spans / REPLAY_BATCH))
    run = k6("otlp", "replay", cpus=BACKEND_CPUS, script="replay.js", niceness=10, PAYLOAD=trace["payload"],
             RATE=per_10s, OTLP_URL=f"http://127.0.0.1:{os.environ.get('JAEGER_OTLP_HTTP_PORT', '4318')}")
    if run["failed"] > 0:
        raise RuntimeError(f"span replay: {run['failed']:.1%} of its OTLP requests failed")
    return {"target_spans_per_s": spans_per_s, "spans_per_s": run["rps"] * REPLAY_BATCH * spans,
            "k6_cpu_s": run["k6_cpu_s"]}


def replay_payload(trace):
    """perf/k6/replay.js's request body for `trace` (capture_trace): REPLAY_BATCH copies of it in one OTLP/protobuf
    export request, the encoding the services' exporters send, and the byte offsets of each copy's trace id, where k6
    writes a fresh one per request. Replayed as OTLP/JSON, the same spans cost Jaeger ~12 % more CPU (PROFILES.md,
    "The span replay as the services send it"), so tracing off was measured beside more indexing work than OTLP made.
    Written by write_replay_payload under bin/stack.sh's Python tools (they hold opentelemetry-proto)."""
    payload = pathlib.Path(trace["file"]).with_suffix(".pb")
    sh(str(PYTHON_TOOLS), str(pathlib.Path(__file__).resolve()), "replay-payload", trace["file"], str(trace["spans"]),
       str(payload))
    return {**trace, "payload": str(payload)}


def write_replay_payload(trace_file, spans, payload):
    """The work of replay_payload, in the interpreter that has opentelemetry-proto. Jaeger answers OTLP/JSON, whose
    ids are hex; protobuf's JSON mapping reads bytes as base64, so the ids are converted before parsing. Each copy gets
    a random placeholder trace id; its offsets in the encoded request go to `payload`.json, one list per copy."""
    import base64
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    def b64(hex_id):
        return base64.b64encode(bytes.fromhex(hex_id)).decode()

    resources = json.loads(pathlib.Path(trace_file).read_text())["result"]["resourceSpans"]
    placeholders = [os.urandom(16) for _ in range(REPLAY_BATCH)]
    copies = []
    for placeholder in placeholders:
        trace_id = base64.b64encode(placeholder).decode()
        for resource in json.loads(json.dumps(resources)):
            for span in (s for scope in resource["scopeSpans"] for s in scope["spans"]):
                span["traceId"] = trace_id
                span["spanId"] = b64(span["spanId"])
                if span.get("parentSpanId"):
                    span["parentSpanId"] = b64(span["parentSpanId"])
                for link in span.get("links", []):
                    link["traceId"], link["spanId"] = b64(link["traceId"]), b64(link["spanId"])
            copies.append(resource)
    encoded = json_format.ParseDict({"resourceSpans": copies}, ExportTraceServiceRequest()).SerializeToString()
    offsets = []
    for placeholder in placeholders:
        found, at = [], encoded.find(placeholder)
        while at >= 0:
            found.append(at)
            at = encoded.find(placeholder, at + 1)
        if len(found) != int(spans):  # 16 random bytes elsewhere in the request would be overwritten too
            sys.exit(f"replay payload: {len(found)} places hold a copy's trace id, expected {spans}")
        offsets.append(found)
    pathlib.Path(payload).write_bytes(encoded)
    pathlib.Path(f"{payload}.json").write_text(json.dumps(offsets))


def capture_trace(file, timeout=60):
    """The newest full-flow trace the OTLP deployment sent Jaeger (its warm-up just ended), as /api/v3/traces/{id}
    answers it, written to `file` for replay_payload: {"file", "spans"}."""
    query = f"http://127.0.0.1:{os.environ.get('JAEGER_QUERY_PORT', '16686')}/api/v3"
    deadline = time.monotonic() + timeout
    while True:
        now = time.time()
        window = "&".join(f"query.start_time_{edge}={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(at))}"
                          for edge, at in (("min", now - 120), ("max", now + 60)))
        try:
            with urllib.request.urlopen(f"{query}/traces?query.service_name=orchestrator&query.operation_name="
                                        f"GET%20/demo/full-flow/%7BuserId%7D&query.search_depth=1&{window}",
                                        timeout=10) as response:
                found = json.loads(response.read())["result"]["resourceSpans"]
            trace_id = found[0]["scopeSpans"][0]["spans"][0]["traceId"]
            with urllib.request.urlopen(f"{query}/traces/{trace_id}", timeout=10) as response:
                body = response.read()
            resources = json.loads(body)["result"]["resourceSpans"]
            if {service_name(r["resource"]) for r in resources} == set(SERVICES):
                file.write_bytes(body)
                return {"file": str(file),
                        "spans": sum(len(scope["spans"]) for r in resources for scope in r["scopeSpans"])}
        except (urllib.error.URLError, KeyError, IndexError, json.JSONDecodeError):
            pass  # not yet searchable (Jaeger writes in batches; Elasticsearch refreshes every second)
        if time.monotonic() > deadline:
            sys.exit("no full-flow trace of the OTLP deployment in Jaeger to replay")
        time.sleep(1)


def service_name(resource):
    """service.name of an OTLP/JSON resource."""
    return next(a["value"]["stringValue"] for a in resource["attributes"] if a["key"] == "service.name")


def spans_exported(ports):
    """Spans the deployment's four services exported so far (flowlens_telemetry_spans_exported on /metrics)."""
    total = 0.0
    for port in ports.values():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            for line in response.read().decode().splitlines():
                if line.startswith("flowlens_telemetry_spans_exported"):
                    total += float(line.rsplit(" ", 1)[1])
    return total


def make_test_seconds():
    """The last green `make test` on this machine, as the Makefile records it (bin/timed.sh), or None."""
    record = STACK / "timings" / "make-test.json"
    return json.loads(record.read_text()) if record.exists() else None


def write(results, ingest_runs, seconds, gauge):
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    data_file = out / "benchmarks.json"
    previous = json.loads(data_file.read_text()) if data_file.exists() else {}
    off, on = results["tracing off"], results["OTLP to Jaeger"]

    def median(deployment, get):
        return statistics.median(get(r) for r in deployment["runs"])

    def stat(deployment, get):
        return spread([get(r) for r in deployment["runs"]])

    def ratios(get, get_on=None):
        """OTLP ÷ off, one per repetition, each pair measured at once or back to back under the same backend load
        (`get_on` reads OTLP's side where it differs from tracing off's)."""
        return [(get_on or get)(b) / get(a) for a, b in zip(off["runs"], on["runs"])]

    def writer(name):
        return [r for r in ingest_runs if r["writer"] == name and r["run"] != "warmup"]

    indexer = spread([r["spans_per_second"] for r in writer("span indexer")])
    test_run = make_test_seconds()
    startup_summary = previous.get("summary", {})
    rss_after_run = max(max(d["rss_mb_after_run"].values()) for d in results.values())
    # the startup section's own figure (it keeps one since 2026-12-06); the summary's is the larger of both once this
    # function has written it, so it stands in only for a file from before then
    rss_fresh = previous.get("startup", {}).get("rss_mb_max") or startup_summary.get("rss_mb_max") or 0
    summary = {
        "ready_s_single": startup_summary.get("ready_s_single"),
        "ready_s_all": startup_summary.get("ready_s_all"),
        "warmup_s": max(d["warm_up"]["settled_s"] for d in results.values()),
        "cpu_ms_per_flow_off": median(off, lambda r: r["fixed_alone"]["cpu_ms_per_flow"]),
        "cpu_ratio_otlp": statistics.median(ratios(lambda r: r["cpu_ms_per_flow"])),
        "throughput_ratio_otlp_pinned": statistics.median(ratios(lambda r: r["saturated"]["rps"])),
        "p99_ratio_otlp": statistics.median(ratios(lambda r: r["fixed"]["p99"])),
        "rss_mb_max": max(rss_after_run, rss_fresh),
        "indexer_spans_per_s": indexer["median"],
        "make_test_warm_s": test_run["seconds"] if test_run else None,
    }
    summary = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in summary.items()}
    lost = sum(r["lost"] for r in writer("span indexer"))
    run = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": build_commit(),
           "minutes": round(seconds / 60, 1), "machine_loop_cpu_s": list(gauge), "summary": summary}
    with (out / HISTORY).open("a") as history_file:
        history_file.write(json.dumps(run) + "\n")
    history = read_history(out)
    lines = [
        "# Flowlens benchmarks",
        "",
        f"One run of `make bench` ({seconds / 60:.1f} min) of {run['commit']} on {os.cpu_count()} cores, "
        f"{platform.platform()}, JDK {JAVA_HOME}, {run['date']}; load average at the end "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min); 10 million additions in a Python "
        f"function took {gauge[0]:.2f} CPU-s before the run and {gauge[1]:.2f} after it (this machine's speed of the "
        "moment, which the same build's figures move with; 0.29–0.32 CPU-s idle on the machine of 2026-12-08). "
        "Every figure below comes from this run except `make test` (the last green run on this machine, recorded by "
        "the Makefile) and the sections marked as written by their own command. "
        "`perf/results/benchmarks.json` holds every measurement and the `summary`; `HISTORY.md` every run's goals.",
        "",
        "## Goals (issue 15)",
        "",
        *goal_lines(summary, history, all(d["warm_up"]["settled"] for d in results.values())),
    ]
    lines += ["", f"Max service RSS: {rss_fresh:.2f} MB after {STARTUP_FLOWS} flows on fresh "
              f"services (\"Startup and footprint\"), {rss_after_run:.2f} MB after the tracing-overhead run below ("
              + "; ".join(f"{name} " + " / ".join(f"{d['rss_mb_after_run'][svc]:.0f}" for svc in SERVICES)
                          for name, d in results.items()) + " MB, users / orders / payments / orchestrator); the goal "
              "row takes the larger."]
    if test_run:
        lines += ["", f"`make test`: {test_run['seconds']:.0f} s, commit {test_run['commit']}, {test_run['finished']}."]
    lines += [
        "",
        "## Tracing overhead, services pinned",
        "",
        f"Both configurations run side by side, each as four fresh service JVMs (AOT cache as `bin/services.sh` starts "
        f"them) on their own ports and empty H2 databases. All eight are pinned to core(s) {SERVICE_CPUS} (`taskset`, "
        f"so each JVM sizes itself for them); Elasticsearch, Jaeger, the span indexer and k6 to core(s) "
        f"{BACKEND_CPUS}, the three backends at nice 10 so that k6 gets its CPU first whatever they index. Warm-up: "
        f"saturating full flows in {WARMUP_CHUNK} chunks, the deployments in turns, until for each three of its chunks "
        f"agree within 5 % and at least {WARMUP_MIN_FLOWS} flows ran; its warm-up time is when those three began, on "
        f"the clock of the whole warm-up (the other deployment's chunks in between count); one that settled first "
        f"keeps its turns until the other has, and its flows and last rate count those chunks. Then {REPS} "
        f"repetitions of: both deployments at once (one k6 each) at {RATE} flows/s for {AT_ONCE_SECONDS} (latency; "
        "CPU = utime+stime of the deployment's own four processes ÷ its flows); tracing off alone at the same rate for "
        f"{SECONDS} (its CPU per flow as it runs in service, the goals table's figure); then each saturated alone by 8 "
        f"closed-loop VUs for {SECONDS} (flows/s): OTLP first, then tracing off while perf/k6/replay.js sends the backends as many "
        "spans/s as OTLP just sent them (copies of one of its real full-flow traces from Jaeger, fresh trace ids, "
        "OTLP/protobuf as the services send them, at nice 10 beside them), then tracing off once more with the backends idle. Median (min–max).",
        "",
        "Why so: the two cores share caches and memory bandwidth, so what Elasticsearch does on the backends' core "
        "changes what the same services cost on theirs (a loop copying memory there: 1.58 × the CPU per flow and "
        "0.86 × the saturated rate; PROFILES.md \"What the other core does to the services\"), and the same JVMs drift "
        "between probes a minute apart. Probed in turns with nothing beside them, tracing off would be measured while "
        "the backends idle and OTLP while they index its spans. At the fixed rate the two deployments are probed at "
        "once (same backends, same moment) and the ratios pair each repetition's two probes; saturated, each needs the "
        "core to itself (probed at once, they split it and throttle each other: PROFILES.md), so the backends get "
        "OTLP's span stream replayed while tracing off runs.",
        "",
        f"| configuration | warm-up s (flows/s first → settled, flows) | p50 ms at {RATE}/s, at once | p99 ms at {RATE}/s, "
        f"at once | CPU ms per flow at once | CPU ms per flow alone | flows/s saturated alone | spans/s to the backends "
        "meanwhile | services' core busy | backends' core busy | k6's share of it |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [(name, d, lambda r: r["saturated"]) for name, d in results.items()]
    rows.insert(1, ("tracing off, backends idle", off, lambda r: r["saturated_idle_backends"]))
    for name, d, saturated in rows:
        w = d["warm_up"]
        same = name != "tracing off, backends idle"
        sent = (lambda r: saturated(r)["replay"]["spans_per_s"]) if d is off and same else \
            (lambda r: saturated(r)["spans_per_s"]) if d is on else (lambda r: 0)
        lines.append(
            (f"| {name} | {w['settled_s']:.0f} ({w['rates'][0]:.0f} → {w['rates'][-1]:.0f}, {w['flows']}"
             f"{'' if w['settled'] else ', NOT settled'}) | {fmt(stat(d, lambda r: r['fixed']['p50']))} | "
             f"{fmt(stat(d, lambda r: r['fixed']['p99']))} | {fmt(stat(d, lambda r: r['cpu_ms_per_flow']), 2)} | "
             f"{fmt(stat(d, lambda r: r['fixed_alone']['cpu_ms_per_flow']), 2) if d is off else '—'} | "
             if same else f"| {name} | | | | | | ")
            + f"{fmt(stat(d, lambda r: saturated(r)['rps']))} | {fmt(stat(d, sent), 0)} | "
            f"{fmt(stat(d, lambda r: saturated(r)['services_busy'] * 100), 0)} % | "
            f"{fmt(stat(d, lambda r: saturated(r)['backends_busy'] * 100), 0)} % | "
            f"{fmt(stat(d, lambda r: saturated(r)['k6_share'] * 100), 0)} % |")
    lines += [
        "",
        "Read the last three columns for where the bottleneck was: saturated, the services' core should be ~100 % busy "
        "in every row. The backends' core may be full as well (the backends at nice 10 take what k6 leaves them), so "
        "k6's own share shows that the load generator had its CPU; the spans/s column shows whether the replay kept up "
        "with what OTLP sent.",
        "",
        "OTLP ÷ off per repetition (the goals table takes the median of each of the first three rows):",
        "",
        "| ratio | " + " | ".join(f"#{i + 1}" for i in range(len(off["runs"]))) + " | median |",
        "|---|" + "---|" * (len(off["runs"]) + 1),
    ]
    for label, get_off, get_on in (
            (f"CPU per flow at {RATE}/s, at once", lambda r: r["cpu_ms_per_flow"], None),
            (f"p99 at {RATE}/s, at once", lambda r: r["fixed"]["p99"], None),
            ("flows/s saturated alone, tracing off beside the replay", lambda r: r["saturated"]["rps"], None),
            ("flows/s saturated alone, tracing off with the backends idle (in turns, no replay)",
             lambda r: r["saturated_idle_backends"]["rps"], lambda r: r["saturated"]["rps"])):
        paired = ratios(get_off, get_on)
        lines.append(f"| {label} | " + " | ".join(f"{x:.2f}" for x in paired) + f" | {statistics.median(paired):.2f} |")
    lines += [
        "",
        f"The CPU per flow at {RATE} flows/s (probed at once) and saturated alone, split by the threads that spent it "
        "(`/proc/<pid>/task`; median of the repetitions, so the parts need not add up to the medians above): the "
        "request threads (the carriers of Helidon's virtual threads), the JIT compilers, the span export (OkHttp's "
        "dispatcher and the batch span processor) and everything else (GC, I/O pollers, timers). The span export is "
        "what tracing costs outside the requests; inside them (creating, ending and propagating the spans) it is in "
        "the request threads. At 15 flows/s PROFILES.md (\"The services' own export\", 2026-12-05) found that smaller "
        "than the difference between two deployments of one build; saturated, a flow costs least and it shows most.",
        "",
        "| configuration | " + " | ".join(THREAD_GROUP_NAMES) + " | other |",
        "|---|" + "---|" * (len(THREAD_GROUPS) + 1),
    ]
    for name, d in results.items():
        lines.append(f"| {name}, {RATE} flows/s at once | " + " | ".join(
            fmt(stat(d, lambda r, g=group: r["cpu_ms_per_flow_by_thread"][g]), 2)
            for group in THREAD_GROUP_NAMES + ["other"]) + " |")
    for name, d in results.items():
        lines.append(f"| {name}, saturated alone{' beside the replay' if d is off else ''} | " + " | ".join(
            fmt(stat(d, lambda r, g=group: r["saturated"]["cpu_ms_per_flow_by_thread"][g]), 2)
            for group in THREAD_GROUP_NAMES + ["other"]) + " |")
    lines += [
        "",
        "## Span ingest into Elasticsearch",
        "",
        f"{INGEST_SPANS} full-flow shaped spans per run (25-span traces with the services' attributes), services "
        "stopped, writers alternating, each on the `make up` Elasticsearch; the clock stops when every span is "
        "searchable (`_count`, polled the same way for all). The span indexer is the running one (OTLP/HTTP in, as "
        "Jaeger's fan-out feeds it; a refused batch is sent again); the exporter runs in the benchmark's JVM; Jaeger's "
        "number includes its OTLP receiver and batch processor.",
        "",
        "| writer | spans/s | lost |",
        "|---|---|---|",
    ]
    for name, label in (("span indexer", "span indexer (`make up`'s, OTLP in)"),
                        ("flowlens exporter", "ElasticsearchSpanExporter in process (BulkIngester)"),
                        ("flowlens exporter, span ids", "same, `document-ids=span` (a retry cannot duplicate)"),
                        ("jaeger writer", "Jaeger v2 Elasticsearch writer (OTLP in)")):
        runs = writer(name)
        if runs:
            lines.append(f"| {label} | {fmt(spread([r['spans_per_second'] for r in runs]), 0)} | "
                         f"{sum(r['lost'] for r in runs)} |")
    lines += ["", f"Span indexer: {lost} lost."]
    old = (out / "BENCHMARKS.md").read_text() if (out / "BENCHMARKS.md").exists() else ""
    kept = []
    if STARTUP_BEGIN in old:  # written by startup() earlier in this run
        kept += ["", old[old.index(STARTUP_BEGIN):old.index(STARTUP_END) + len(STARTUP_END)]]
    for heading in (CONSOLE_SECTION, PIPELINE_SECTION):  # written by their own commands, kept across full runs
        if heading in old:
            kept += ["", heading + old.split(heading, 1)[1].split("\n## ", 1)[0].rstrip("\n")]
    why = ["", *why_lines()]
    (out / "BENCHMARKS.md").write_text("\n".join(lines + kept + why) + "\n")
    write_history(out, history)
    data = {**previous, "cores": os.cpu_count(), "reps": REPS, "rate": RATE, "date": run["date"],
        "minutes": seconds / 60, "summary": summary,
        "overhead": {"service_cpus": SERVICE_CPUS, "backend_cpus": BACKEND_CPUS, "deployments": results},
        "ingest": ingest_runs, "make_test": test_run}
    for stale in ("results", "small_heap"):  # the layout before the pinned run
        data.pop(stale, None)
    data_file.write_text(json.dumps(data, indent=2) + "\n")
    print("\n".join(lines))


# (summary key, label, unit, goal, higher is better): issue 15's table
GOALS = [
    ("ready_s_single", "one service ready (cold start)", " s", 2, False),
    ("ready_s_all", "four services ready together", " s", 5, False),
    ("warmup_s", "flow warm-up to a settled rate (pinned, slower of the two)", " s", 60, False),
    ("cpu_ms_per_flow_off", "CPU per flow, tracing off, warm", " ms", 10, False),
    ("cpu_ratio_otlp", "CPU per flow, OTLP ÷ off", "", 1.05, False),
    ("throughput_ratio_otlp_pinned", "saturated flows/s, OTLP ÷ off, pinned", "", 0.95, True),
    ("p99_ratio_otlp", f"p99 at {RATE} flows/s, OTLP ÷ off", "", 1.10, False),
    ("rss_mb_max", "max service RSS after load", " MB", 200, False),
    ("indexer_spans_per_s", "spans/s indexed into Elasticsearch by the span indexer, 0 lost", "", 15000, True),
    ("make_test_warm_s", "`make test`, warm caches", " s", 480, False),
]

# What the profiles (PROFILES.md) show is left behind each goal this machine still misses, and which levers were kept
# or not; the goals table says by how much, HISTORY.md every run's figures. Kept here, beside the table, so a run that
# meets a goal makes its line visibly stale; say what is left and what was measured side by side, not each run's
# reading.
EXPLANATIONS = [
    'What the profiles (PROFILES.md) show is left behind each goal; the goals table says by how much, and '
    "HISTORY.md every run's figures. One thing first: **the same build reads differently from run to run.** Between"
    ' the runs of 2026-12-06 and 07, with no change to a service in most of them, the CPU per flow read 5.35–13.99 '
    'ms and four starts 4.34–6.34 s; the build that read 5.35 ms measured 10.8–12.5 ms a few hours later, side by '
    "side with the next one's 10.9–12.2; and PROFILES.md's gauge, a `python3 -c` loop of 10 million additions, took"
    ' 0.72–1.41 CPU-s at different hours. Since 2026-12-08 each run records a gauge of its own before and after '
    "(HISTORY.md). The verdict in the goals table is this run's, and its last column says how often the same goal "
    'was met; every lever below was judged side by side in one run, never against an earlier run.',
    "",
    '- **Startup** (one service ≤ 2 s, met; four at once ≤ 5 s, missed by 0.3–2 s in most runs). A start is '
    "CPU-bound on 2 cores. `users` as shipped spends ~2.8 CPU-s until ready: its main thread ~1.0 (Weld's bean "
    'discovery and deployment ~40 %, Jersey ~16 %, the connection pool and Flyway ~15 %, metrics, OpenTelemetry, '
    'the OpenAPI file), C1 ~0.75, C2 ~0.8; of its ~11 900 classes 11 606 come from the AOT cache ("Reflection '
    'through native accessors"). Four at once spend ~8 CPU-s, 4 s of both cores before any wait. Kept, side by '
    'side: the AOT cache (one start 3.5–3.8 → 1.7 s, four 10.5–10.7 → 6.2–7.0 s in the "Startup and footprint" '
    'table), Jackson 3 off the class path (−6 % of the classes), no schema validation of beans.xml, a cache check '
    'that no longer hashes the jars (−0.4 s), C2 kept off start-up code (four 4.51 → 4.34 s) and C2 behind the '
    "start until ready (four 6.01 → 4.68 s, 11.05 → 8.15 CPU-s). Not kept: C1 only (half the start's CPU, 0.57 of "
    'the peak rate), `AOTCompileEagerly` (four 6.0 → 7.4 s), core reflection through native accessors (−6 % CPU, '
    'but it pins the virtual threads that serve requests), compact object headers, the compilers at nice 5 (the '
    "warm-up doubled). Left: the main thread's CDI and Jersey start and the compilers' ~1.5 CPU-s; JDK 25's cache "
    'holds no compiled code.',
    '- **CPU per flow** (≤ 10 ms, tracing off, warm, at 15 flows/s: 5.35–5.88 ms in the runs of 2026-12-06, '
    '11.8–14.0 since). A flow is 6 server requests, 5 REST client calls and 5 durable H2 commits over four JVMs. '
    'Side by side the same warm flow costs 8–9 ms on H2 in memory against 14–16 ms on durable files '
    '(`WRITE_DELAY=0`, so an answered write survives a kill): durable commits are ~40 % of it ("What persisting '
    'each commit costs a flow"); the rest is the JAX-RS server, the REST client\'s `HttpURLConnection` connector '
    "(Helidon's own is not served at 4.1.6) and JSON-B. At 15 flows/s the same JVMs cost 1.4–2 × what they cost "
    'saturated: each request wakes parked threads in another process and C2 still compiles ("A flow\'s CPU at 15 '
    'flows/s and at saturation"). Kept, side by side: Fault Tolerance built once instead of per call (22 % of the '
    'orchestrator), caches trained on 3000 flows (0.60–0.64 × the CPU per warm flow), one commit per idempotent '
    "POST, the orchestrator's run written at its order (six commits → five), three statements fewer, "
    "`CallerTimeout`. Not kept: H2's page size, a 64 MB page cache, no chunk retention, 6000 training flows, "
    'transparent huge pages for the JVMs (−12 % of the CPU per flow pinned, but four starts at once +0.6 s, +6–12 '
    'MB of RSS and a worse p99; "The slow days, and transparent huge pages"). Left: the durable commits themselves,'
    " and what makes the same JVMs' own code slower on some days (user time, not the kernel's; same section).",
    '- **Warm-up** (≤ 60 s; the slower deployment settles after 100–600 s, or not within the 40 chunks). The AOT '
    'cache brings classes and method profiles, not compiled code, so C2 compiles 1 300–2 400 methods per service '
    'under load on the one core the eight service JVMs share; with less inlined into each compile that is 30.6 '
    'instead of 63.9 CPU-s per deployment and it settles at its fourth or fifth 10 s chunk instead of its ninth or '
    'twelfth ("Less inlining, a shorter JIT climb", kept). The rule (three chunks within 5 % after at least 3000 '
    "flows, on the clock of the whole warm-up, which counts the other deployment's chunks) then waits for the "
    "climb's plateau; on a slow day the rate wanders from chunk to chunk (62–124 flows/s for 25 chunks in the 610 s"
    ' run). Not kept: `AOTCompileEagerly` (one or two chunks ahead), C2 at a quarter of its thresholds, the '
    'compilers at nice −5, C1 only (settles in ~40 s at 0.57 of the peak). Left: compiled code in the cache, which '
    'JDK 25 does not store.',
    '- **Tracing ratios** (CPU ≤ 1.05 and p99 ≤ 1.10 met in most runs; saturated flows/s ≥ 0.95 missed in most, '
    '0.83–0.95). Measured with no backend at all (OTLP to a sink that only answers, "What tracing costs the '
    'services at saturation"), tracing off and OTLP read 0.93 (0.78–0.99) over 13 pairs: the miss is the services\' '
    'own cost, +0.31 ms of CPU on a saturated flow of 3.4 ms for its spans (36 since 874cabc), of which the request'
    ' threads +0.15, the collectors +0.13 (spans waiting for their export are promoted) and the export +0.07. No '
    'part is the ~40 % the goal needs. Kept: an export every 2 s instead of 500 ms ("The services\' own export"). '
    'Not kept: export batches of 2048 spans, a fixed 24 MB young generation. Left: fewer spans per flow (but the '
    'statement and transaction spans are the data-access tracing the services exist to show) or a cheaper span in '
    "Helidon's telemetry layer and the SDK, upstream.",
    '- **RSS** (≤ 200 MB; met after 200 flows on fresh services, ~182 MB; missed after the sustained load of the '
    'tracing-overhead run, 228–261 MB). A writing service under a sustained load is its heap at `-Xmx` (96 MB: the '
    'serial collector fills the old generation before a full collection) plus ~170 MB that is not heap: the mapped '
    "AOT cache 79–82 MB, code 31–34, file-backed mappings 38, metaspace and the VM's tables, 5–22 MB of the JDK's "
    'cached direct buffers ("What a writing service\'s RSS is made of under a sustained load"). Kept, side by side: '
    'the serial collector, `-Xms32m`, `-Xmx96m` (largest service after 20 saturating chunks 320–328 → 268 MB), '
    '`NewRatio=4`, heap free ratios 10/30 and the native heap trimmed every second, `-XX:-ShrinkHeapInSteps` (25–39'
    " MB less on average), and two leaks fixed (Jersey 3.1.10's connector, a thread per downstream call). Not kept:"
    ' `-Xmx72m` (11.13 against 9.34 ms per flow), G1 (234 against 284 MB, but 14 % fewer flows/s and a worse p99), '
    '`MALLOC_ARENA_MAX=2`, a bound on the cached direct buffers, compact object headers (+4–17 MB), the cache '
    'mapped without relocation. Left: ~65 MB, more than the heap holds above its live 30–35 MB; only fewer classes '
    'would shrink the cache, the code and the metaspace together.',
    '- **Span indexer** (≥ 15 000 spans/s, 0 lost): met in every run since the runs became 150 000 spans (ab526ea).'
    ' The indexer and Elasticsearch cost ~110 CPU-ms per 1000 spans together ("Span ingest"), so 2 cores top out '
    'near 18 000 spans/s beside the sender; the lowest readings come on slow days.',
    '- **`make test`** (≤ 480 s with warm caches; 427–616 s since 2026-12-06). It is CPU-bound: ~900 CPU-s on 2 '
    'cores, so ~450 s if both were busy throughout; most of it is the system tests, each a real scenario on real '
    'backends (outages, failover with eight service JVMs, a three-node Elasticsearch, alert windows of real '
    'traffic), Elasticsearch the largest share (~250 CPU-s). Kept, side by side: the system tests in two lanes and '
    'the modules two at a time (1 393 → 567 s over 2026-12-04 and 05), every JVM of a test run on C1 (the system '
    "tests 563 → 405 s), the tests' reads through the JDK's HTTP client and Jackson instead of RestAssured's "
    'JsonPath (the test JVM 72.8 → 29.5 CPU-s), bulk reads four at a time. Not kept: a third lane (the same time), '
    'C2 for the main Elasticsearch node (77.7 → 150.4 CPU-s). Left: less CPU per scenario, fewer scenarios in `make'
    ' test` (the longer scale variants are already in `make scale-test`), or more cores.',
]


# What changed in how a figure is measured, so that HISTORY.md's rows before the change are read for what they are
HISTORY_NOTES = [
    "Before the run of 2026-12-04 09:36 (bb41ea0) both deployments traced (`OTEL_SDK_DISABLED` reached the JVM "
    "options, never the JVMs), so the three tracing ratios of the runs before it compare OTLP with itself.",
    "Since 2026-12-04 22:46 (76decef) the two deployments warm up in turns and a deployment counts as warm only after "
    "3000 flows; the warm-up figure is on the clock of the whole warm-up, which counts the other deployment's chunks.",
    "Since 2026-12-05 02:58 (992e120) tracing off is saturated while the backends get OTLP's spans replayed; before, "
    "beside idle backends.",
    "Since 2026-12-05 22:10 (6206594) the RSS figure is the larger of the RSS after 200 flows on fresh services and "
    "after the tracing-overhead run (~20 000 flows); before, only the first. That is the step from ~195 to 230-330 MB.",
    "`make test` is not measured by the bench: it is the last green run the Makefile recorded on the machine (blank "
    "when none was), so it can be older than the run.",
]


DEFINITIONS_SINCE = "2026-12-05 22:10 UTC"  # the last of those changes: every run since measures what this one does


def met(value, goal, higher_is_better):
    return value >= goal if higher_is_better else value <= goal


def shown(value, goal):
    # two decimals where a whole number would hide the verdict (10.07 ms shown as "10 ms", missed) or round a small
    # figure by several per cent (12.46 ms shown as "12 ms")
    return f"{value:.2f}" if value < 100 or abs(value - goal) < 1 else f"{value:,.0f}"


def goal_lines(summary, history, warm_up_settled=True):
    """The goals table: this run's figure and verdict beside the last RECENT_RUNS runs' (this one among them), since
    one run's figure moves with the machine's speed of the moment."""
    recent = history[-RECENT_RUNS:]
    lines = [f"| figure | measured | goal | verdict | last {len(recent)} runs: median (min–max), met |",
             "|---|---|---|---|---|"]
    for key, label, unit, goal, higher_is_better in GOALS:
        bound = f"{'≥' if higher_is_better else '≤'} {goal:,g}{unit}"
        values = [r["summary"][key] for r in recent if r["summary"].get(key) is not None]
        runs = (f"{shown(statistics.median(values), goal)} ({shown(min(values), goal)}–{shown(max(values), goal)}), "
                f"{sum(met(v, goal, higher_is_better) for v in values)} of {len(values)}") if values else "—"
        value = summary.get(key)
        if value is None:
            lines.append(f"| {label} | not measured | {bound} | — | {runs} |")
            continue
        gap = abs(value - goal)
        verdict = ("met" if met(value, goal, higher_is_better)
                   else f"MISSED by {gap:.2f}{unit}" if gap < 10 else f"MISSED by {gap:,.0f}{unit}")
        if key == "warmup_s" and not warm_up_settled:
            verdict = f"MISSED: not settled within {value:.0f} s"  # the figure is then only a lower bound
        lines.append(f"| {label} | {shown(value, goal)}{unit} | {bound} | {verdict} | {runs} |")
    return lines


def why_lines():
    return ["## Why goals are missed", "", *EXPLANATIONS]


def write_history(out, history):
    """HISTORY.md: every recorded `make bench` run, goal by goal, oldest first, and how often each goal was met."""
    heads = {"ready_s_single": "one ready s", "ready_s_all": "four ready s", "warmup_s": "warm-up s",
             "cpu_ms_per_flow_off": "CPU ms/flow", "cpu_ratio_otlp": "CPU ÷", "throughput_ratio_otlp_pinned":
             "flows/s ÷", "p99_ratio_otlp": "p99 ÷", "rss_mb_max": "RSS MB", "indexer_spans_per_s": "indexer spans/s",
             "make_test_warm_s": "make test s"}
    lines = ["# Every `make bench` run, goal by goal", "",
             "Written by `bin/bench.py` from `history.jsonl` (one line per run, appended by each `make bench`; "
             "the runs before 2026-12-08 were taken from the git history of `benchmarks.json`, and their commit is "
             "the one that recorded the run; BENCHMARKS.md until cd9442c commented on each of them). ✓ met, ✗ "
             "missed; the goals and how each is measured in BENCHMARKS.md. The same build reads differently from run "
             "to run with the machine's speed of the moment, which the loop column shows since it was recorded: "
             "judge a change side by side (PROFILES.md), not by two rows of this table.", "",
             "Read the older rows with these changes in mind:", "", *(f"- {note}" for note in HISTORY_NOTES), "",
             "| run (UTC) | commit | loop CPU-s | " + " | ".join(heads[key] for key, *_ in GOALS) + " |",
             "|---|---|---|" + "---|" * len(GOALS)]
    for run in history:
        cells = []
        for key, _, _, goal, higher_is_better in GOALS:
            value = run["summary"].get(key)
            cells.append("" if value is None else
                         f"{shown(value, goal)} {'✓' if met(value, goal, higher_is_better) else '✗'}")
        loop = " / ".join(f"{x:.2f}" for x in run.get("machine_loop_cpu_s") or [])
        lines.append(f"| {run['date'].removesuffix(' UTC')} | {run['commit']} | {loop} | " + " | ".join(cells) + " |")
    counts = []
    comparable = [r for r in history if r["date"] >= DEFINITIONS_SINCE]
    for key, _, _, goal, higher_is_better in GOALS:
        values = [r["summary"][key] for r in comparable if r["summary"].get(key) is not None]
        counts.append(f"{sum(met(v, goal, higher_is_better) for v in values)} of {len(values)}")
    lines.append(f"| met since {DEFINITIONS_SINCE.removesuffix(' UTC')} | | | " + " | ".join(counts) + " |")
    (out / "HISTORY.md").write_text("\n".join(lines) + "\n")


def report():
    """Renders the goals table and "Why goals are missed" of BENCHMARKS.md, and HISTORY.md, from the recorded runs
    (benchmarks.json's summary, history.jsonl); measures nothing."""
    out = results_dir()
    data = json.loads((out / "benchmarks.json").read_text())
    history = read_history(out)
    deployments = data.get("overhead", {}).get("deployments", {})
    table = goal_lines(data["summary"], history, all(d["warm_up"]["settled"] for d in deployments.values()))
    markdown = out / "BENCHMARKS.md"
    text = markdown.read_text()
    start = text.index("| figure |")
    end = text.find("\n\n", start)
    markdown.write_text(text[:start] + "\n".join(table) + (text[end:] if end >= 0 else "\n"))
    replace_section(markdown, "## Why goals are missed", why_lines())
    write_history(out, history)


def test_class(name, *args):
    """Runs a main class of the system-tests test sources (compiled here) with java 21+; its standard output."""
    sh("bin/mvn.sh", "-B", "-q", "-pl", "system-tests", "test-compile", "dependency:build-classpath",
       "-Dmdep.outputFile=target/bench.classpath", "-Dmdep.includeScope=test")
    classpath = (ROOT / "system-tests/target/bench.classpath").read_text().strip()
    java = sh("bash", "-c", "source bin/lib.sh && find_java21").stdout.strip().splitlines()[-1]
    return sh(f"{java}/bin/java", "-cp", f"system-tests/target/test-classes:{classpath}",
              f"io.flowlens.systemtests.{name}", *args).stdout


def ingest():
    """Runs SpanIngestBenchmark (system-tests test classes): only ES, Jaeger and the span indexer run."""
    es = f"http://127.0.0.1:{os.environ.get('ES_PORT', '9200')}"
    otlp = f"http://127.0.0.1:{os.environ.get('JAEGER_OTLP_HTTP_PORT', '4318')}"
    indexer = f"http://127.0.0.1:{os.environ.get('SPAN_INDEXER_PORT', '8094')}"
    out = test_class("SpanIngestBenchmark", es, otlp, str(INGEST_SPANS), str(REPS), indexer)
    runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for run in runs:
        print(f"ingest {run['writer']} {run['run']}: {run['spans_per_second']:.0f} spans/s, lost {run['lost']}", flush=True)
    return runs


# --- startup and footprint -------------------------------------------------------------------------------------------

STARTUP_CONFIGS = {"AOT cache (bin/service-jvm.sh)": {},
                   "no AOT cache": {"FLOWLENS_AOT": "off"},
                   "no AOT cache, JVM default heap and GC": {"FLOWLENS_AOT": "off", "FLOWLENS_MEMORY_OPTS": ""}}
# A lever is measured against today's options in the same run: BENCH_STARTUP_CONFIGS='{"name": {"ENV": "value"}, ...}'
# replaces the configurations above (bin/service-jvm.sh's FLOWLENS_MEMORY_OPTS, FLOWLENS_JAVA_OPTS, FLOWLENS_AOT_DIR
# for a cache trained with other options); write BENCH_OUT elsewhere then. The summary is the default name's, else the
# first configuration's.
if os.environ.get("BENCH_STARTUP_CONFIGS"):
    STARTUP_CONFIGS = json.loads(os.environ["BENCH_STARTUP_CONFIGS"])
STARTUP_FLOWS = int(os.environ.get("BENCH_STARTUP_FLOWS", "200"))
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


def rss_by_service(processes):
    """Every service's RSS now, in MB, by name (`processes` as launch returns them)."""
    return {svc: proc_rss_mb(process.pid) for svc, process in processes.items()}


def answers(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return None


def launch(services, env, work, cpus=None):
    """Starts `services` at once as bin/services.sh would (own ports and databases; on `cpus` if given); returns the
    processes, their ports and the seconds until every one answered /health/ready."""
    ports = {svc: free_port() for svc in SERVICES}
    processes = {}
    began = time.monotonic()
    # BENCH_CHECKOUT in a configuration: another checkout's build (its jars, its bin/service-jvm.sh and so its AOT
    # caches), so two builds run side by side; build it and train its caches there first (`bin/service-jvm.sh cache`)
    checkout = pathlib.Path(env.get("BENCH_CHECKOUT", ROOT))
    for svc in services:
        options = sh(str(checkout / "bin" / "service-jvm.sh"), "options", svc, env=env).stdout.split()
        processes[svc] = subprocess.Popen(
            (["taskset", "-c", cpus] if cpus else [])
            + [f"{JAVA_HOME}/bin/java", *options, "-jar", str(checkout / svc / "target" / f"{svc}.jar")],
            cwd=work, stdout=open(work / f"{svc}.log", "ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            # the configuration's own environment goes to the JVM too, not only to its options (OTEL_SDK_DISABLED for
            # tracing off), last so that it may replace a default here (e.g. FLOWLENS_DB_URL; {service} in a value
            # becomes the service's name, so that each has its own H2 file)
            env={**os.environ, "SERVER_PORT": str(ports[svc]), "SERVER_HOST": "127.0.0.1",
                 "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{os.environ.get('JAEGER_OTLP_HTTP_PORT', '4318')}",
                 "USERS_MP_REST_URL": f"http://127.0.0.1:{ports['users']}",
                 "ORDERS_MP_REST_URL": f"http://127.0.0.1:{ports['orders']}",
                 "PAYMENTS_MP_REST_URL": f"http://127.0.0.1:{ports['payments']}",
                 "FLOWLENS_DB_URL": f"jdbc:h2:file:{work}/{svc}-{ports[svc]};WRITE_DELAY=0",
                 **{key: value.replace("{service}", svc) for key, value in env.items()}})
        # as bin/services.sh starts them: C2 behind the start until ready (FLOWLENS_JIT_BEHIND_START=off in `env`: not;
        # a BENCH_CHECKOUT from before it has no such script)
        behind = checkout / "bin" / "jit-behind-start.py"
        if behind.exists():
            subprocess.Popen((["taskset", "-c", cpus] if cpus else []) + [str(behind), str(processes[svc].pid),
                             str(ports[svc])], stdin=subprocess.DEVNULL, env={**os.environ, **env})
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
                ready_rss = rss_by_service(processes)
                rate, failed = flows(ports["orchestrator"], STARTUP_FLOWS)
                loaded_rss = rss_by_service(processes)
                stop(processes)
            run = {"ready_s_single": single, "rss_mb_single": single_rss, "ready_s_all": together,
                   "rss_mb_ready": ready_rss, "flows_per_s_cold": rate, "failed": failed, "rss_mb_after_load": loaded_rss}
            runs[name].append(run)
            print(f"startup {name} #{rep + 1}: users {single:.1f} s, four {together:.1f} s, {rate:.1f} flows/s cold, "
                  f"RSS after load max {max(loaded_rss.values()):.0f} MB "
                  f"({' / '.join(f'{loaded_rss[svc]:.0f}' for svc in SERVICES)})", flush=True)
    write_startup(runs)


def write_startup(runs):
    out = results_dir()
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
    chosen = runs.get("AOT cache (bin/service-jvm.sh)") or next(iter(runs.values()))
    summary = {"ready_s_single": statistics.median(r["ready_s_single"] for r in chosen),
               "ready_s_all": statistics.median(r["ready_s_all"] for r in chosen),
               "rss_mb_max": statistics.median(max(r["rss_mb_after_load"].values()) for r in chosen)}

    def verdict(value, goal):
        return "met" if value <= goal else f"MISSED by {value - goal:.2f}"
    lines += ["", "| target | measured | verdict |", "|---|---|---|",
              f"| one service ready ≤ 2 s | {summary['ready_s_single']:.2f} s | {verdict(summary['ready_s_single'], 2)} |",
              f"| four services ready together ≤ 5 s | {summary['ready_s_all']:.2f} s | {verdict(summary['ready_s_all'], 5)} |",
              f"| max service RSS after {STARTUP_FLOWS} flows on fresh services ≤ 200 MB (the goals table takes the larger of "
              f"this and the RSS after the tracing-overhead run) | {summary['rss_mb_max']:.2f} MB | "
              f"{verdict(summary['rss_mb_max'], 200)} |",
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
    data["startup"] = {"reps": REPS, "flows": STARTUP_FLOWS, "load_average": load, "runs": runs,
                       "rss_mb_max": round(summary["rss_mb_max"], 2)}
    data_file.write_text(json.dumps(data, indent=2))
    print("\n".join(lines))


JAVA_HOME = sh("bash", "-c", "source bin/lib.sh && find_java21").stdout.strip().splitlines()[-1]

FLOW_CPU_MODES = {"off": {"OTEL_SDK_DISABLED": "true"}, "otlp": {"OTEL_TRACES_EXPORTER": "otlp"}}


class OtlpSink(http.server.BaseHTTPRequestHandler):
    """Accepts OTLP/HTTP exports and answers an empty ExportTraceServiceResponse: the services pay their whole export
    (batching, protobuf, HTTP) while no Jaeger or Elasticsearch indexes on the same cores."""

    # HTTP/1.1 keeps the exporter's connection open between exports, as Jaeger does; http.server's default (1.0)
    # closed it after every answer, so each export also paid a new connection.
    protocol_version = "HTTP/1.1"

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
    for SECONDS, CPU (utime+stime of the instance's four processes, /proc) divided by the flows answered, each
    service's share split by thread (THREAD_GROUPS) and its RSS after the probe in flow-cpu.json, so a difference
    between builds can be placed."""
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

        while any(i["flows"] < warm_flows for i in instances):
            for name, inst in named.items():
                if inst["flows"] < warm_flows:
                    run = probe(inst["ports"], "saturate", WARMUP_CHUNK, cpus=None, VUS=8)
                    inst["flows"] += run["count"]
                    inst["warm_rates"].append(run["rps"])
                    print(f"warm {name}: {run['rps']:.0f} flows/s ({inst['flows']} flows)", flush=True)
        for rep in range(reps):
            for name, inst in named.items():
                pids = dict(zip(SERVICES, inst["pids"]))
                before = {svc: cpu_snapshot([pid]) for svc, pid in pids.items()}
                run = probe(inst["ports"], "rate", SECONDS, cpus=None, RATE=RATE)
                split = {svc: cpu_split(before[svc], cpu_snapshot([pid]), run["count"]) for svc, pid in pids.items()}
                cpu_ms = sum(sum(parts.values()) for parts in split.values())
                inst["cpu_ms"].append(cpu_ms)
                inst.setdefault("cpu_ms_by_service", []).append(split)
                inst.setdefault("rss_mb", []).append({svc: proc_rss_mb(pid) for svc, pid in pids.items()})
                print(f"#{rep + 1} {name}: {cpu_ms:.2f} ms CPU/flow ("
                      + ", ".join(f"{svc} {sum(parts.values()):.2f} [requests {parts['request threads']:.2f}, "
                                  f"JIT {parts['JIT compilers']:.2f}]" for svc, parts in split.items())
                      + f"), p50 {run['p50']:.1f} ms, failed {run['failed']:.3f}, max RSS "
                      f"{max(inst['rss_mb'][-1].values()):.0f} MB", flush=True)
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
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / "flow-cpu.json").write_text(json.dumps({"rate": RATE, "seconds": SECONDS, "reps": reps, "instances": [
        {k: (str(v) if isinstance(v, pathlib.Path) else v) for k, v in i.items()} for i in instances]}, indent=2))


# bin/bench.py warm-up: the JIT warm-up of configurations side by side (BENCH_WARMUP_CONFIGS, JSON of name ->
# environment for the service JVMs, replaces these; BENCH_CHECKOUT in one names another checkout's build, see
# launch). By default durable H2 files as bin/services.sh runs them against H2 in memory, which keeps nothing across a
# restart: the gap is what persisting each commit costs a flow.
WARMUP_CONFIGS = {
    "H2 files, WRITE_DELAY=0": {"OTEL_SDK_DISABLED": "true"},
    "H2 in memory (not durable)": {"OTEL_SDK_DISABLED": "true", "FLOWLENS_DB_URL": "jdbc:h2:mem:flowlens;DB_CLOSE_DELAY=-1"},
}
if os.environ.get("BENCH_WARMUP_CONFIGS"):
    WARMUP_CONFIGS = json.loads(os.environ["BENCH_WARMUP_CONFIGS"])
WARMUP_CURVE_CHUNKS = int(os.environ.get("BENCH_WARMUP_CURVE_CHUNKS", "24"))
WARMUP_RATE_PROBES = int(os.environ.get("BENCH_WARMUP_RATE_PROBES", "0"))


def warm_up_curves():
    """Each configuration as four fresh service JVMs with empty databases, all pinned to SERVICE_CPUS as in the
    tracing-overhead run (k6 on BACKEND_CPUS); then WARMUP_CURVE_CHUNKS rounds in which every deployment in turn gets
    one saturating WARMUP_CHUNK (8 VUs), so a drift of the machine touches all alike. Per chunk: flows/s, CPU-ms per
    flow of the four processes (/proc), the size of the deployment's H2 files and every service's RSS after it. Prints a
    table, writes warmup-curves.json into BENCH_OUT; needs neither Jaeger nor Elasticsearch."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops what it started
    work = pathlib.Path(tempfile.mkdtemp(prefix="flowlens-warmup-"))
    deployments = {}
    try:
        for number, (name, env) in enumerate(WARMUP_CONFIGS.items()):
            folder = work / str(number)
            folder.mkdir()
            processes, ports, ready = launch(SERVICES, env, folder, cpus=SERVICE_CPUS)
            deployments[name] = {"processes": processes, "ports": ports, "folder": folder, "ready_s": ready,
                                 "chunks": []}
        began = time.monotonic()
        for chunk in range(WARMUP_CURVE_CHUNKS):
            for name, deployment in deployments.items():
                run, cpu_ms = with_cpu_per_flow(
                    pids_of(deployment), lambda: probe(deployment["ports"], "saturate", duration=WARMUP_CHUNK, VUS=8))
                db_mb = sum(f.stat().st_size for f in deployment["folder"].glob("*.mv.db")) / 1e6
                rss_mb = rss_by_service(deployment["processes"])
                deployment["chunks"].append({"at_s": time.monotonic() - began, "flows_per_s": run["rps"],
                                             "flows": run["count"], "cpu_ms_per_flow": cpu_ms, "db_mb": db_mb,
                                             "rss_mb": rss_mb, "failed": run["failed"]})
                print(f"chunk {chunk + 1:2d} {name}: {run['rps']:.1f} flows/s, {cpu_ms:.1f} ms CPU/flow, "
                      f"H2 files {db_mb:.0f} MB, RSS {' / '.join(f'{rss_mb[svc]:.0f}' for svc in SERVICES)} MB",
                      flush=True)
        # the warm deployments at the CPU goal's fixed rate, in turns like the chunks
        for repetition in range(WARMUP_RATE_PROBES):
            for name, deployment in deployments.items():
                run, by_thread = with_cpu_by_thread(pids_of(deployment),
                                                    lambda: probe(deployment["ports"], "rate", RATE=RATE))
                cpu_ms = sum(by_thread.values())
                deployment.setdefault("rate_probes", []).append({"flows": run["count"], "p99_ms": run["p99"],
                                                                 "failed": run["failed"], "cpu_ms_by_thread": by_thread,
                                                                 "cpu_ms_per_flow": cpu_ms})
                print(f"at {RATE} flows/s, {repetition + 1} {name}: {cpu_ms:.2f} ms CPU/flow "
                      f"({', '.join(f'{k} {v:.2f}' for k, v in by_thread.items())}), p99 {run['p99']:.1f} ms",
                      flush=True)
    finally:
        for deployment in deployments.values():
            stop(deployment["processes"])
        shutil.rmtree(work, ignore_errors=True)
    names = list(deployments)
    lines = ["| chunk | " + " | ".join(f"{n}: flows/s, CPU ms/flow, H2 MB, max RSS MB" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    for chunk in range(WARMUP_CURVE_CHUNKS):
        cells = [deployments[n]["chunks"][chunk] for n in names]
        lines.append(f"| {chunk + 1} | " + " | ".join(
            f"{c['flows_per_s']:.1f}, {c['cpu_ms_per_flow']:.1f}, {c['db_mb']:.0f}, {max(c['rss_mb'].values()):.0f}"
            for c in cells) + " |")
    if WARMUP_RATE_PROBES:
        for name in names:
            per_flow = [probe_["cpu_ms_per_flow"] for probe_ in deployments[name]["rate_probes"]]
            lines.append(f"\n{name}: at {RATE} flows/s {statistics.median(per_flow):.2f} ms CPU/flow, median of "
                         f"{len(per_flow)} ({min(per_flow):.2f}–{max(per_flow):.2f})")
    print("\n".join(lines))
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / "warmup-curves.json").write_text(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "chunk": WARMUP_CHUNK,
        "service_cpus": SERVICE_CPUS, "backend_cpus": BACKEND_CPUS, "configs": WARMUP_CONFIGS,
        "rate_probes": {"count": WARMUP_RATE_PROBES, "flows_per_s": RATE, "seconds": SECONDS},
        "deployments": {n: {k: v for k, v in d.items() if k in ("ready_s", "chunks", "rate_probes")}
                        for n, d in deployments.items()}},
        indent=2))


def with_cpu_per_flow(pids, run_k6):
    """Runs one k6 probe; answers its result and the CPU-ms per answered flow that the processes `pids` spent on it."""
    run, by_thread = with_cpu_by_thread(pids, run_k6)
    return run, sum(by_thread.values())


# Threads by name (/proc/<pid>/task/*/comm, 15 characters): the carriers of Helidon's virtual threads, which run the
# requests; the JIT; the span exporter (OkHttp's dispatcher and the batch span processor's worker).
THREAD_GROUPS = (("request threads", ("ForkJoinPool",)), ("JIT compilers", ("CompilerThre",)),
                 ("span export", ("okhttp", "OkHttp", "BatchSpanProcess")))
THREAD_GROUP_NAMES = [group for group, _ in THREAD_GROUPS]


def with_cpu_by_thread(pids, run_k6):
    """Runs one k6 probe; answers its result and the CPU-ms per answered flow that the processes `pids` spent on it,
    split by THREAD_GROUPS. "other" is the processes' whole CPU less the named groups, so the parts add up to it
    (it also holds a named thread that ended during the probe, e.g. a compiler thread the JVM retired)."""
    before = cpu_snapshot(pids)
    run = run_k6()
    return run, cpu_split(before, cpu_snapshot(pids), run["count"])


def at_once(deployments, run_k6):
    """Runs run_k6(deployment) for every deployment at the same time, one k6 each, so all of them see the same moment:
    the same backend load, JIT and machine state. Answers {name: (run, CPU-ms per flow split by thread)}, each from
    its own processes and its own flows."""
    pids = {name: pids_of(d) for name, d in deployments.items()}
    before = {name: cpu_snapshot(p) for name, p in pids.items()}
    with concurrent.futures.ThreadPoolExecutor(len(deployments)) as pool:
        futures = {name: pool.submit(run_k6, d) for name, d in deployments.items()}
        runs = {name: future.result() for name, future in futures.items()}
    return {name: (runs[name], cpu_split(before[name], cpu_snapshot(p), runs[name]["count"])) for name, p in pids.items()}


def cpu_snapshot(pids):
    """(CPU seconds of the processes `pids`, thread_cpu(pids)) at this moment."""
    return sum(proc_cpu(p) for p in pids), thread_cpu(pids)


def cpu_split(before, after, flows):
    """CPU-ms per flow between two cpu_snapshot()s, split by THREAD_GROUPS plus "other"."""
    (before_total, before_threads), (after_total, after_threads) = before, after
    flows = max(flows, 1)
    split = dict.fromkeys(THREAD_GROUP_NAMES, 0.0)
    for thread, (group, seconds) in after_threads.items():
        if group in split:
            split[group] += (seconds - before_threads.get(thread, (group, 0.0))[1]) * 1000 / flows
    split["other"] = (after_total - before_total) * 1000 / flows - sum(split.values())
    return split


def thread_cpu(pids):
    """{(pid, tid): (group, CPU seconds so far)} for every thread of the processes `pids`."""
    threads = {}
    for process_id in pids:
        for task in pathlib.Path(f"/proc/{process_id}/task").iterdir():
            try:
                name = (task / "comm").read_text().strip()
                seconds = stat_cpu(task / "stat")
            except OSError:  # the thread ended between the listing and the read
                continue
            group = next((group for group, marks in THREAD_GROUPS if any(m in name for m in marks)), "other")
            threads[(process_id, task.name)] = (group, seconds)
    return threads


def proc_cpu(process_id):
    return stat_cpu(pathlib.Path(f"/proc/{process_id}/stat"))


def stat_cpu(stat_file):
    """CPU seconds (utime + stime) of a process's or a thread's /proc stat file."""
    fields = stat_file.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


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
    replace_section(results_dir() / "BENCHMARKS.md", CONSOLE_SECTION, lines)
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


# The pipeline runs on the stack `make bench-pipeline` has just started, and its figures fall for minutes: the
# services' JIT and Elasticsearch's (2026-12-07, after 300 warm-up flows, runs of 1500 flows: the services 19.2 →
# 11.5 → 10.3 → 10.0 → 10.0 → 9.5 → 9.2 → 8.8 CPU-ms per flow, Elasticsearch 309 → 237 → 210 → 152 → 176 → 132 →
# 126 → 122 per 1000 spans). A band around the last runs' median does not tell that climb from the noise after it
# (15 % let a steady 10 % fall per run through; Elasticsearch's merges then swing it by ±25 %, so 10 % never held),
# so runs go on until no figure's median of the last PIPELINE_REPS runs is more than PIPELINE_SETTLED below its median
# of the PIPELINE_REPS before them, and only those last runs are the result.
PIPELINE_SETTLED = 0.10


def pipeline_figures(run):
    return [run["service_cpu_ms_per_flow"], *run["cpu_ms_per_1000_spans"].values()]


def pipeline_settled(runs, reps):
    """True when no figure of the last `reps` runs is still falling against the `reps` runs before them."""
    if len(runs) < 2 * reps:
        return False
    before, last = (list(zip(*map(pipeline_figures, part))) for part in (runs[-2 * reps:-reps], runs[-reps:]))
    return all(statistics.median(now) >= (1 - PIPELINE_SETTLED) * statistics.median(then)
               for then, now in zip(before, last))


def pipeline():
    """Real full flows through the running `make up` stack, CPU time of every process before and after (/proc)."""
    flows_measured = int(os.environ.get("PIPELINE_FLOWS", "1500"))
    reps = int(os.environ.get("PIPELINE_REPS", "3"))
    max_runs = int(os.environ.get("PIPELINE_MAX_RUNS", "16"))
    port = PORTS["orchestrator"]
    backends = {name: int(sh("bin/stack.sh", "pid", name).stdout.strip()) for name in ("jaeger", "indexer", "es")}
    flows(port, int(os.environ.get("PIPELINE_WARMUP_FLOWS", "300")))  # pools, today's indices
    all_runs = []
    # a run's closing counts are the next run's opening ones: both stores settled once between two runs, not twice
    after_counts = settled_spans()
    while True:
        before_counts = after_counts
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
        all_runs.append(run)
        print(f"#{len(all_runs)}: {json.dumps(run)}", flush=True)
        settled = pipeline_settled(all_runs, reps)
        if settled or len(all_runs) >= max_runs:
            break
    runs, warmup_runs = all_runs[-reps:], all_runs[:-reps]

    def figure(run, key, name=None):
        return run[key][name] if name else run[key]

    def median(key, name=None):
        return statistics.median(figure(r, key, name) for r in runs)

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
        "load_average": os.getloadavg(), "settled": settled, "runs": runs, "warmup_runs": warmup_runs}
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(result, indent=2) + "\n")
    cost = result["cpu_ms_per_1000_spans"]

    def spread_of(key, name=None):
        return fmt(spread([figure(r, key, name) for r in runs]), 0 if name else 1)

    def climb(key, digits, name=None):
        return " → ".join(f"{figure(r, key, name):.{digits}f}" for r in warmup_runs) or "none"

    lines = [PIPELINE_SECTION, "",
             f"`bin/bench.py pipeline` on {result['cores']} cores, {result['date']}: full flows (4 concurrent "
             f"clients) through the `make up` stack in runs of {flows_measured} "
             f"after {os.environ.get('PIPELINE_WARMUP_FLOWS', '300')} warm-up flows; CPU time (utime+stime, /proc) of "
             f"each process from a run's first flow until both stores held every span, divided by the spans Jaeger "
             f"stored. Runs went on until no figure's median of the last {len(runs)} was more than "
             f"{PIPELINE_SETTLED:.0%} below its median of the {len(runs)} before them ({len(warmup_runs)} runs before "
             f"the last {len(runs)}: the services' CPU ms per "
             f"flow {climb('service_cpu_ms_per_flow', 1)}, Elasticsearch's per 1000 spans "
             f"{climb('cpu_ms_per_1000_spans', 0, 'es')})"
             f"{'' if settled else f', NOT settled within {max_runs} runs: the figures below were still falling'}; "
             f"median (min–max) of those {len(runs)}, at {rate:.1f} flows/s, {failed} flows failed. "
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
    elif sys.argv[1:] == ["warm-up"]:
        warm_up_curves()
    elif sys.argv[1:] == ["report"]:
        report()
    elif sys.argv[1:2] == ["replay-payload"] and len(sys.argv) == 5:
        write_replay_payload(*sys.argv[2:])
    elif sys.argv[1:]:
        sys.exit("usage: bin/bench.py [startup | console | pipeline | warm-up | report | "
                 "flow-cpu LABEL=ROOT[,KEY=VAL...] ... | replay-payload TRACE_JSON SPANS OUT]")
    else:
        main()
