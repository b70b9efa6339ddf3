#!/usr/bin/env bash
# The one place that decides how a Flowlens service's JVM runs: bin/services.sh, bin/bench.py and the system tests
# (ServiceJvm.java) all ask it, so the options are never copied into a second language.
#
#   bin/service-jvm.sh options SERVICE   the JVM options for SERVICE's jar, one per line
#   bin/service-jvm.sh cache [--force]   trains the four services and writes their AOT caches, when missing or stale
#   bin/service-jvm.sh key SERVICE       what a cache of SERVICE must have been built against (tests use it)
#   bin/service-jvm.sh status            each cache: fresh, stale or missing
#
# AOT cache (JDK 25+, JEP 483/514/515): classes loaded and linked, and method profiles, from a training run of the
# full flow; a service starts about twice as fast with it. A cache is named only while its key (JDK, options, bytes of
# the jar and libs/) matches, so a missing or stale cache, or a JDK without the feature, costs speed, never
# correctness; an unreadable one the JVM itself refuses with a warning and goes on (ServiceJvmIT checks all of
# that). Caches live beside the jars (SERVICE/target/SERVICE.aot), never committed.
#
# Environment: JAVA_HOME (else bin/lib.sh's find_java21), FLOWLENS_AOT=off (no cache; bench's comparison),
# FLOWLENS_AOT_DIR (where the caches are; default each service's target/), FLOWLENS_AOT_FLOWS (training flows, an
# experiment's knob: default AOT_TRAINING_FLOWS, and a cache trained with another count still counts as fresh),
# FLOWLENS_JAVA_OPTS (more options, appended last, so they win), FLOWLENS_MEMORY_OPTS (replaces the heap and GC
# options below; bench.py compares them with the JVM's defaults).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"

ROOT="$FLOWLENS_ROOT"
SERVICES=(users orders payments orchestrator)
JAVA_HOME="$(find_java21)"
# Small services on a small machine: a bounded heap and the serial collector (no parallel GC threads fighting for 2
# cores); measured in perf/results/PROFILES.md ("Memory"). -Xms32m: the initial heap would otherwise be the whole
# -Xmx (¼ of RAM capped by it), so the young generation is sized from all of it and every page of it gets touched; grown
# on demand, a service's heap stays near what it uses (−40 MB RSS after load, "Startup and memory levers").
# TrimNativeHeapInterval: the JIT's arenas and other native buffers freed after a burst of load stay in glibc's malloc
# pools (RSS) until trimmed; Min/MaxHeapFreeRatio 10/30: the heap grows by less than the default 40–70 % headroom after
# a collection and gives back more. Together: largest service after load 203 MB median (201–209) vs 210 (207–212), 3 reps
# side by side, flows/s the same (issue 15: ≤ 200 MB; "Startup and memory levers"). NewRatio=4: the young generation is
# a fifth of the heap instead of a third; a flow's objects die young either way, so collections copy no more: largest
# service after load 195 MB median (193–196) vs 200 (196–201), 3 reps side by side, CPU per flow and flows/s the same.
# -Xmx96m, not 160m: under a sustained load the serial collector lets the old generation fill to -Xmx before a full
# collection (the writing services promote objects that die there), so the heap's share of RSS is -Xmx whatever is
# live (25–48 MB after a full collection). Four deployments side by side over 20 saturating chunks: largest service
# at the end 268 MB against 320–328 (160m) and 239 (72m); at 15 flows/s 9.34 ms CPU per flow (median of 3) against
# 9.24, p99 the same; 72m cost 11.13 ms and a p99 of 20–22 ms ("The heap's bound under a sustained load").
# -XX:-ShrinkHeapInSteps: after a full collection the heap shrinks to MaxHeapFreeRatio at once, instead of by 0, 10, 40
# and then 100 % of that over four collections, so a writing service hands back what its old generation filled with
# when it is collected, not several collections later. Three side-by-side runs of 16 saturating chunks: the writing
# services' heap 57–62 MB of capacity on average against 80–91, their RSS 25–39 MB lower on average and 5–19 MB at its
# peak (promotions still fill the old generation between full collections); the collectors +0.07 to +0.17 ms per flow
# at 15 flows/s (the young generation shrinks with the heap), flows/s and p99 the same ("Giving the heap back at once").
MEMORY_OPTS=(-XX:+UseSerialGC -Xms32m -Xmx96m -Xss512k -XX:ReservedCodeCacheSize=96m -XX:MaxMetaspaceSize=160m
    -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -XX:TrimNativeHeapInterval=1000
    -XX:NewRatio=4)
if [[ -n "${FLOWLENS_MEMORY_OPTS+set}" ]]; then  # bench.py's "JVM defaults" row sets it empty
    read -ra MEMORY_OPTS <<<"$FLOWLENS_MEMORY_OPTS"
fi
# Less inlining into C2's compiles: hot callees up to 100 bytecodes instead of 325 (FreqInlineSize), and none whose
# compiled code is over 1000 bytes instead of 2500 (InlineSmallCode). Under load a deployment's four JVMs C2-compile
# 1 300-2 400 methods each in their first minutes, ~60 CPU-s together on the core they share with their requests, and that
# climb is the warm-up; a compile with less inlined into it is cheaper, and the framework code of a flow has few hot
# loops for a large inlined body to pay off in. Side by side (bin/bench.py warm-up, tracing off, pinned, two runs in
# swapped order): ~200 flows/s from the fourth 10 s chunk instead of the ninth to eleventh, the same rate at the
# sixteenth, the same CPU per flow at 15 flows/s (perf/results/PROFILES.md, "Less inlining, a shorter JIT climb").
# C2 skips start-up code (class generation and loading, jar reading, annotation and config parsing): the packages and
# the figures are in the directives file itself. What it still compiles during a start waits behind the start itself:
# bin/services.sh and bin/bench.py run bin/jit-behind-start.py beside every JVM they start (no option can do that: a
# priority set by option would hold under load too). CompilerDirectivesFile is a diagnostic option, hence the unlock.
COMPILER_DIRECTIVES="$HERE/compiler-directives.json"
JIT_OPTS=(-XX:FreqInlineSize=100 -XX:InlineSmallCode=1000
    -XX:+UnlockDiagnosticVMOptions "-XX:CompilerDirectivesFile=$COMPILER_DIRECTIVES")
# Startup work nobody needs at run time. Weld builds the CDI 1.1 and 2.0 XML schemas (Xerces, then JIT-compiled on the
# second core while main waits for it) only to validate the jars' beans.xml files, which are fixed at build time and
# parsed either way: ~0.5 CPU-s of a users start (perf/results/PROFILES.md, "Startup and memory levers").
STARTUP_OPTS=(-Dorg.jboss.weld.xml.disableValidating=true)
# What every service JVM runs with, the training run's included; listed once, so the options, the training and the
# cache's key cannot disagree.
SERVICE_OPTS=("${MEMORY_OPTS[@]}" "${JIT_OPTS[@]}" "${STARTUP_OPTS[@]}")
# The cache holds data only: loaded and linked classes and method profiles. Creating one switches JDK 25's
# AOTAdapterCaching on by ergonomics, which also stores ~700 interpreter/compiled-code adapters, machine code for the
# CPU that trained it; its key does not know the CPU, so a checkout moved to another host could start on code for a
# CPU it is not (another project's images crashed at start with SIGILL there), and every start here printed "Failed to
# link AdapterHandlerEntry" for an entry whose stored name did not match. Without them, side by side with the stack
# down (bin/bench.py startup, 5 reps interleaved): users 1.2 s in both, four 4.4 s (4.4-4.6) against 4.5 (4.4-4.6),
# max RSS after 200 flows 192 against 194 MB.
TRAINING_OPTS=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching -XX:-AOTStubCaching)
# Full flows the training run sends. The cache carries the method profiles of the training's end (JEP 515), and the
# JIT compiles from them: profiles of a warm service make a faster service, not only a faster start. Side by side
# (bin/bench.py warm-up, tracing off, pinned, 18 chunks of 10 s, two runs in swapped order), caches trained on 3000
# flows against 300 ran the last six chunks at a median 86 vs 55 and 119 vs 70 flows/s, 11.5 vs 18.1 and 8.4 vs 14.0
# CPU-ms per flow; 1000 flows came between (perf/results/PROFILES.md, "Training flows of the AOT cache"). Training
# takes ~2 min instead of ~1.
AOT_TRAINING_FLOWS=3000

jar_of() { printf '%s\n' "$ROOT/$1/target/$1.jar"; }
cache_of() { printf '%s\n' "${FLOWLENS_AOT_DIR:-$ROOT/$1/target}/$1.aot"; }

aot_supported() { [[ "$(java_major "$JAVA_HOME")" -ge 25 ]]; }

# What, besides the class path, a cache depends on: the JDK and the options it was trained with, the compiler
# directives included (key and stamp share it).
jvm_inputs() {
    printf '%s\n' "$JAVA_HOME" "${SERVICE_OPTS[@]}" "${TRAINING_OPTS[@]}" \
        "training flows $AOT_TRAINING_FLOWS"
    cat "$COMPILER_DIRECTIVES"  # named by path in the options; what it says counts too
    cat "$JAVA_HOME/release" 2>/dev/null || "$JAVA_HOME/bin/java" -version 2>&1
}

# What a cache was built from: the JDK, the options it was trained with, and the bytes of the jar and libs/. Content,
# not mtimes: `mvn install` rewrites unchanged (reproducible, see the root pom) jars with new mtimes.
key() { # SERVICE
    local jar
    jar="$(jar_of "$1")"
    [[ -f "$jar" ]] || die "missing $jar: build the services first (make build)"
    {
        jvm_inputs
        cd "$(dirname "$jar")" && sha256sum "$(basename "$jar")" libs/*
    } | sha256sum | cut -d' ' -f1
}

class_path_files() { # SERVICE
    local jar
    jar="$(jar_of "$1")"
    printf '%s\n' "$jar" "$(dirname "$jar")"/libs/*
}

# The key without reading the jars: the same inputs, but each class path file by its size and mtime (what the JVM itself
# checks). Hashing 47 MB of jars took ~0.15 s of every service start (and `bin/services.sh start` asks four times); a
# stamp written at training that still matches answers "fresh" at once, anything else falls back to the content key.
stamp() { # SERVICE
    {
        jvm_inputs
        class_path_files "$1" | xargs stat -c '%s %Y %n'
    } | sha256sum | cut -d' ' -f1
}

cache_state() { # SERVICE -> fresh | stale | missing
    local cache
    cache="$(cache_of "$1")"
    if [[ ! -s "$cache" || ! -s "$cache.key" || ! -s "$cache.mtimes" ]]; then
        echo missing
    elif [[ -s "$cache.stamp" && "$(cat "$cache.stamp")" == "$(stamp "$1")" ]]; then
        echo fresh
    elif [[ "$(cat "$cache.key")" == "$(key "$1")" ]]; then
        echo fresh
    else
        echo stale
    fi
}

# The JVM accepts a cache only when each class path file has the size and mtime (seconds) it had at training. The key
# proved the bytes equal, so a file the build rewrote unchanged gets its trained mtime back (these are our build
# outputs under target/; Maven at worst rebuilds them again).
restore_mtimes() { # SERVICE
    local mtime path
    # one stat for all files in the usual case, where nothing was rewritten (a stat per file was ~0.2 s of a start)
    [[ "$(class_path_files "$1" | xargs stat -c '%Y %n')" != "$(cat "$(cache_of "$1").mtimes")" ]] || return 0
    while read -r mtime path; do
        if [[ -f "$path" && "$(stat -c %Y "$path")" != "$mtime" ]]; then
            touch -m -d "@$mtime" "$path"
        fi
    done <"$(cache_of "$1").mtimes"
}

cmd_options() { # SERVICE
    local svc="$1" extra=()
    printf '%s\n' "${SERVICE_OPTS[@]}"
    if [[ "${FLOWLENS_AOT:-on}" != off ]] && aot_supported && [[ "$(cache_state "$svc")" == fresh ]]; then
        restore_mtimes "$svc"
        printf '%s\n' "-XX:AOTCache=$(cache_of "$svc")"
    fi
    read -ra extra <<<"${FLOWLENS_JAVA_OPTS:-}"
    ((${#extra[@]} == 0)) || printf '%s\n' "${extra[@]}"
}

# On any exit of the training (also a failed wait for ready): no JVM or receiver left behind, no data kept.
TRAINING_PIDS=()
TRAINING_DIR=""
stop_training() {
    local p
    for p in "${TRAINING_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    [[ -z "$TRAINING_DIR" ]] || rm -rf "$TRAINING_DIR"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# One-step training (JEP 514): each JVM records what it loads and profiles while the full flow runs through all four,
# and writes its cache when it exits normally (SIGTERM). Flows: completed, declined (over the limit) and compensated
# (payments answering 500, so the order is cancelled and the payments voided), plus the gateway and a bad request.
cmd_cache() {
    local force="${1:-}" svc stale=0
    if ! aot_supported; then
        log "AOT cache: JDK $(java_major "$JAVA_HOME") has none (needs 25+); services start without it"
        return 0
    fi
    for svc in "${SERVICES[@]}"; do
        [[ "$(cache_state "$svc")" == fresh ]] || stale=1
    done
    if [[ $stale -eq 0 && "$force" != --force ]]; then
        return 0
    fi
    take_lock "$ROOT/users/target/aot.lock"
    local work t0 sink_port token
    t0="$(now_ms)"
    work="$(mktemp -d)"
    token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    declare -A port pid
    for svc in "${SERVICES[@]}"; do port[$svc]="$(free_port)"; done
    # An OTLP receiver that accepts and discards, so the export path is trained too (an empty 200 is a valid answer).
    sink_port="$(free_port)"
    python3 -c '
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()' "$sink_port" &
    TRAINING_PIDS=("$!")
    TRAINING_DIR="$work"
    trap stop_training EXIT
    log "AOT cache: training the four services ($JAVA_HOME)"
    for svc in "${SERVICES[@]}"; do
        rm -f "$(cache_of "$svc")" "$(cache_of "$svc")".{key,mtimes,stamp}
        mkdir -p "$(dirname "$(cache_of "$svc")")"
        env SERVER_PORT="${port[$svc]}" SERVER_HOST=127.0.0.1 \
            OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" \
            USERS_MP_REST_URL="http://127.0.0.1:${port[users]}" \
            ORDERS_MP_REST_URL="http://127.0.0.1:${port[orders]}" \
            PAYMENTS_MP_REST_URL="http://127.0.0.1:${port[payments]}" \
            FLOWLENS_DB_URL="jdbc:h2:file:$work/$svc;WRITE_DELAY=0" \
            FLOWLENS_ADMIN_TOKEN="$token" \
            "$JAVA_HOME/bin/java" "${SERVICE_OPTS[@]}" "${TRAINING_OPTS[@]}" \
            "-XX:AOTCacheOutput=$(cache_of "$svc")" \
            -jar "$(jar_of "$svc")" >"$work/$svc.log" 2>&1 </dev/null &
        pid[$svc]=$!
        TRAINING_PIDS+=("$!")
    done
    for svc in "${SERVICES[@]}"; do
        wait_http "http://127.0.0.1:${port[$svc]}/health/ready" 180 "$svc (AOT training)" "$work/$svc.log" "${pid[$svc]}"
    done
    log "AOT cache: four ready in $(elapsed "$t0"), running the flows"
    local base="http://127.0.0.1:${port[orchestrator]}" flows="${FLOWLENS_AOT_FLOWS:-$AOT_TRAINING_FLOWS}" urls=() i
    for ((i = 0; i < flows; i++)); do
        if ((i % 10 == 9)); then urls+=("$base/demo/full-flow/2?amount=5000"); else urls+=("$base/demo/full-flow/$((1 + i % 3))"); fi
        ((i % 20 != 0)) || urls+=("$base/users/1" "$base/users?limit=5" "$base/users/abc")
    done
    # one curl, one connection: the cost is the services', not a process per request; ~40 flows/s on a quiet machine
    curl -s -m $((30 + flows / 10)) "${urls[@]}" >/dev/null || true
    curl -fsS -m 5 -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"enabled":true,"rate":1.0}' "http://127.0.0.1:${port[payments]}/admin/faults/ERRORS" >/dev/null || true
    urls=()
    for ((i = 0; i < flows / 10; i++)); do urls+=("$base/demo/full-flow/$((1 + i % 3))"); done
    curl -s -m 30 "${urls[@]}" >/dev/null || true
    log "AOT cache: flows done at $(elapsed "$t0"), writing the caches"
    # the caches are written as each JVM exits (a second JVM assembles them; tens of seconds on 2 cores)
    for svc in "${SERVICES[@]}"; do kill -TERM "${pid[$svc]}"; done
    for svc in "${SERVICES[@]}"; do
        wait "${pid[$svc]}" || true
        if [[ -s "$(cache_of "$svc")" ]]; then
            class_path_files "$svc" | xargs stat -c '%Y %n' >"$(cache_of "$svc").mtimes"
            key "$svc" >"$(cache_of "$svc").key"
            stamp "$svc" >"$(cache_of "$svc").stamp"
        else
            log "AOT cache: $svc wrote none (services start without it); last lines of its log:"
            tail -n 20 "$work/$svc.log" >&2
        fi
    done
    log "AOT cache: done in $(elapsed "$t0") ($(du -ch "$(cache_of users)" "$(cache_of orchestrator)" 2>/dev/null | tail -n1 | cut -f1) for users + orchestrator)"
}

cmd_status() {
    local svc
    for svc in "${SERVICES[@]}"; do
        printf '  %-13s %-8s %s\n' "$svc" "$(cache_state "$svc")" "$(cache_of "$svc")"
    done
}

case "${1:-}" in
    options) [[ -n "${2:-}" ]] || die "usage: $0 options SERVICE"; cmd_options "$2" ;;
    cache) cmd_cache "${2:-}" ;;
    key) [[ -n "${2:-}" ]] || die "usage: $0 key SERVICE"; key "$2" ;;
    status) cmd_status ;;
    *) echo "usage: $0 options SERVICE | cache [--force] | key SERVICE | status" >&2; exit 2 ;;
esac
