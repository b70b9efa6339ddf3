#!/usr/bin/env bash
# The local tracing backends without Docker: Elasticsearch (Maven Central integ-test zip), Jaeger v2
# (built from source with Go) and the span indexer behind it (observability/span-indexer, a jar built by Maven),
# the web console on top (observability/console, a jar too), plus k6 for the perf scripts. See stack/README.md.
#
#   bin/stack.sh install        download/build what is missing (ES, ES user, jaeger, k6, Python tools, chromium, postgresql,
#                               haproxy)
#   bin/stack.sh up             install, then start ES, the span indexer, Jaeger and the console; wait until each is ready
#   bin/stack.sh down           stop what `up` started (by pid file): the console, Jaeger, then the indexer, then ES
#   bin/stack.sh status         pid, port, health of each component
#   bin/stack.sh logs NAME [-f] tail es|es-nodeN|jaeger|indexer|console|postgres|install logs
#   bin/stack.sh postgres up|down|status   this instance's PostgreSQL alone (a test restarts it under traffic)
#   bin/stack.sh es-node start|stop N      one node of an ES_NODES cluster alone (a test stops it under traffic)
#   bin/stack.sh secret-file NAME          path of a generated password file (e.g. postgres), never its content
#   bin/stack.sh pid es|jaeger|indexer     pid of a running component (bin/bench.py reads their CPU time)
#   bin/stack.sh prune                     remove the Elasticsearch folders of deleted private checkouts (install does too)
#
# FLOWLENS_DB=postgres (make up DB=postgres) also starts PostgreSQL (Debian's package, its own cluster on PG_PORT,
# data beside Elasticsearch's) with one database per service; H2 in the services stays the zero-setup default.
#
# ES_NODES=3 (make up ES=cluster) runs Elasticsearch as a cluster of that many nodes of the same installed
# distribution: one process each, own data folder (es-node1/ ...), HTTP on ES_PORT, ES_PORT+1, ..., transport on
# ES_PORT+1000, ...; every index gets one replica, Jaeger and the span indexer are given every node. 1 is the default.
#
# FLOWLENS_ES_SECURITY=on starts the `secured` profile: Elasticsearch with security on (bootstrap password in its
# keystore, file-realm users and roles), Jaeger and the span indexer logging in with their own users. The
# passwords are generated on first use into FLOWLENS_SECRETS_DIR (default ~/.config/flowlens/<instance>, mode 600),
# outside the repository; nothing prints them.
#
# FLOWLENS_STACK_JAVA_OPTS: more options for every JVM of the stack (each Elasticsearch node, the span indexer, the
# console), after their own. The system tests set -XX:TieredStopAtLevel=1 (the root pom's flowlens.test.jvm-opts).
set -euo pipefail

# shellcheck source=bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- versions (pinned: a fresh machine must build the same stack) ---------------------------------------
ES_VERSION=9.2.8
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
# Jaeger v2 is published under module tags v1.x (the module path has no /v2): v1.76.0 is Jaeger 2.13.0.
JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_MODULE_VERSION=v1.76.0
JAEGER_RELEASE=v2.13.0
K6_VERSION=v1.8.1
SCHEMATHESIS_VERSION=4.32.5
OTEL_PROTO_VERSION=1.45.2

# --- ports and knobs (env overrides; a test instance sets its own) ---------------------------------------
ES_PORT="${ES_PORT:-9200}"
JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
JAEGER_HEALTH_PORT="${JAEGER_HEALTH_PORT:-13133}"
JAEGER_METRICS_PORT="${JAEGER_METRICS_PORT:-8888}"
SPAN_INDEXER_PORT="${SPAN_INDEXER_PORT:-8094}"
CONSOLE_PORT="${CONSOLE_PORT:-8095}"
PG_PORT="${PG_PORT:-5433}"  # not 5432: a PostgreSQL that Debian's package started itself may hold that one
DB_KIND="${FLOWLENS_DB:-h2}"
ES_NODES="${ES_NODES:-1}"
[[ "$ES_NODES" =~ ^[1-9]$ ]] || die "ES_NODES must be 1 (one node, the default) to 9 (got '$ES_NODES')"
# three nodes on a small machine (2 cores here): a smaller heap each
ES_HEAP="${ES_HEAP:-$( (( ES_NODES == 1 )) && echo 512m || echo 384m)}"
# One replica as soon as there is a second node to hold it, so losing a node loses no span; none on one node, where a
# replica could never be assigned and every index would stay yellow.
ES_REPLICAS=$(( ES_NODES > 1 ? 1 : 0 ))
ES_USER="${FLOWLENS_ES_USER:-flowlens}"
# The JVM of Elasticsearch's command-line tools (the launcher that starts a node and waits for it, elasticsearch-keystore,
# -users, -certutil): each lives a second or two, so C1 alone, as for the system tests' short JVMs (its script already
# gives it the serial collector and a 64 MB heap). Measured 2026-12-07 (perf/results/PROFILES.md "Elasticsearch's
# short JVMs"): a tool 1.65 -> 1.05 CPU-s; a `bin/stack.sh up` outside its daemons 3.78 -> 3.28 CPU-s (2 runs each).
ES_CLI_JAVA_OPTS="-XX:TieredStopAtLevel=1"
START_TIMEOUT="${FLOWLENS_START_TIMEOUT:-120}"
JAEGER_CONFIG="${JAEGER_CONFIG:-$FLOWLENS_ROOT/stack/jaeger-elasticsearch.yaml}"
INSTANCE="${FLOWLENS_INSTANCE:-default}"
SECURITY="${FLOWLENS_ES_SECURITY:-off}"
SECRETS_DIR="${FLOWLENS_SECRETS_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/flowlens/$INSTANCE}"
ES_SCHEME=http
[[ "$SECURITY" != on ]] || ES_SCHEME=https

# --- layout -----------------------------------------------------------------------------------------------
# Installs are shared by all instances under one STACK_DIR; each instance has its own data, logs and pids.
BIN_DIR="$STACK_DIR/bin"
DOWNLOAD_DIR="$STACK_DIR/downloads"
INSTALL_LOG_DIR="$STACK_DIR/logs"
if [[ "$INSTANCE" == default ]]; then
    INSTANCE_DIR="$STACK_DIR"
else
    [[ "$INSTANCE" =~ ^[A-Za-z0-9_-]+$ ]] || die "FLOWLENS_INSTANCE must be letters, digits, - or _ (got '$INSTANCE')"
    INSTANCE_DIR="$STACK_DIR/instances/$INSTANCE"
fi

# Every folder from / down to $1 (or its nearest existing parent) lets others through (the x bit for others).
others_can_traverse() {
    local dir="$1" mode
    while [[ ! -d "$dir" ]]; do dir="$(dirname "$dir")"; done
    while :; do
        mode="$(stat -c %a "$dir")"
        (( ${mode: -1} & 1 )) || return 1
        [[ "$dir" != / ]] || return 0
        dir="$(dirname "$dir")"
    done
}

# Elasticsearch refuses to run as root, so root runs it as $ES_USER, who must reach its install and its data. A
# checkout in a private folder (mode 0700, like /root) does not let it through: then Elasticsearch's install and
# data live under /var/lib/flowlens/<checkout>-<hash of the stack folder>, and $INSTANCE_DIR/es links there, so
# logs, pid files and tests find them at the usual place.
ES_BASE_ROOT="${FLOWLENS_ES_BASE_ROOT:-/var/lib/flowlens}"
ES_BASE="$STACK_DIR"
if (( EUID == 0 )) && ! others_can_traverse "$STACK_DIR"; then
    ES_BASE="$ES_BASE_ROOT/$(basename "$FLOWLENS_ROOT")-$(printf '%s' "$STACK_DIR" | sha256sum | cut -c1-12)"
fi
# Such a folder outlives the checkout it belongs to (~0.5 GB: the install and the data), so it names its stack folder
# in .stack-dir, and every install removes the folders whose stack folder is gone.
ES_BASE_OWNER=".stack-dir"

record_es_base_owner() {
    [[ "$ES_BASE" != "$STACK_DIR" ]] || return 0
    (umask 022 && mkdir -p "$ES_BASE")
    printf '%s\n' "$STACK_DIR" >"$ES_BASE/$ES_BASE_OWNER"
}

cmd_prune() {
    local base owner
    [[ -w "$ES_BASE_ROOT" ]] || return 0  # only root relocates Elasticsearch, so only root cleans up after it
    for base in "$ES_BASE_ROOT"/*/; do
        [[ -f "$base$ES_BASE_OWNER" ]] || continue  # not ours, or from before the owner file: left alone
        owner="$(cat "$base$ES_BASE_OWNER")"
        [[ -n "$owner" && ! -e "$owner" ]] || continue
        if pgrep -f -- "${base%/}/" >/dev/null; then
            log "prune: ${base%/} still runs a process, though its stack folder $owner is gone; left alone"
            continue
        fi
        if rm -rf -- "${base%/}"; then
            log "prune: removed ${base%/}, the Elasticsearch of the deleted checkout $owner"
        else
            log "prune: could not remove all of ${base%/} (the Elasticsearch of the deleted checkout $owner)"
        fi
    done
}
ES_HOME="$ES_BASE/elasticsearch-$ES_VERSION"
ES_CLUSTER="flowlens-$INSTANCE"

# Selects one Elasticsearch node: its folder, pid file, logs, ports and name. Node 0 is the single node of the default
# mode (folder es/, as it always was); nodes 1..ES_NODES are those of a cluster (es-node1/ ...), each on its own HTTP
# and transport port derived from ES_PORT, so a port offset moves the whole cluster.
es_node() { # N
    local n="$1" folder=es
    (( n == 0 )) || folder="es-node$n"
    ES_NODE="$n"
    ES_LINK="$INSTANCE_DIR/$folder"
    if [[ "$ES_BASE" == "$STACK_DIR" ]]; then
        ES_STATE="$INSTANCE_DIR/$folder"      # config/ data/ logs/ tmp/ run/ — all owned by the ES user
    else
        ES_STATE="$ES_BASE/instances/$INSTANCE/$folder"
    fi
    ES_PIDFILE="$ES_STATE/run/elasticsearch.pid"
    ES_LOG="$ES_STATE/logs/$ES_CLUSTER.log"  # ES names its main log after the cluster
    ES_CONSOLE_LOG="$ES_STATE/logs/console.log"
    # The server JVM's command line names its tmp dir (jvm.options: -Djava.io.tmpdir=${ES_TMPDIR}), which is unique
    # per node; ES_PATH_CONF is not on it. Trailing space: pid_running joins argv with spaces.
    ES_PID_MATCH="-Djava.io.tmpdir=$ES_STATE/tmp "
    ES_NODE_PORT=$(( ES_PORT + (n > 0 ? n - 1 : 0) ))
    ES_TRANSPORT_PORT=$(( ES_PORT + 1000 + (n > 0 ? n - 1 : 0) ))
    ES_NODE_NAME="$ES_CLUSTER-node"
    ES_LABEL=elasticsearch                # in what this script prints
    if (( n > 0 )); then ES_NODE_NAME="$ES_CLUSTER-node$n" ES_LABEL="elasticsearch node $n"; fi
}

es_nodes() { # the node numbers of this mode: 0 alone, or 1..ES_NODES
    if (( ES_NODES == 1 )); then echo 0; else seq 1 "$ES_NODES"; fi
}

# Every node's URL, comma-separated: what Jaeger (server_urls) and the span indexer are given.
ES_URLS=""
for n in $(es_nodes); do
    es_node "$n"
    ES_URLS="${ES_URLS:+$ES_URLS,}$ES_SCHEME://127.0.0.1:$ES_NODE_PORT"
done
es_node "$(( ES_NODES == 1 ? 0 : 1 ))"  # the default selection: the node on ES_PORT
JAEGER_BIN="$BIN_DIR/jaeger"
JAEGER_STATE="$INSTANCE_DIR/jaeger"
JAEGER_PIDFILE="$JAEGER_STATE/jaeger.pid"
JAEGER_LOG="$JAEGER_STATE/jaeger.log"
K6_BIN="$BIN_DIR/k6"
INDEXER_JAR="$FLOWLENS_ROOT/observability/span-indexer/target/span-indexer.jar"
INDEXER_STATE="$INSTANCE_DIR/span-indexer"
INDEXER_PIDFILE="$INDEXER_STATE/span-indexer.pid"
INDEXER_LOG="$INDEXER_STATE/span-indexer.log"
CONSOLE_JAR="$FLOWLENS_ROOT/observability/console/target/console.jar"
CONSOLE_STATE="$INSTANCE_DIR/console"
CONSOLE_PIDFILE="$CONSOLE_STATE/console.pid"
CONSOLE_LOG="$CONSOLE_STATE/console.log"
# PostgreSQL refuses to run as root as well: like Elasticsearch it runs as $ES_USER, with its data where that user
# can reach it.
if [[ "$ES_BASE" == "$STACK_DIR" ]]; then
    PG_STATE="$INSTANCE_DIR/postgres"
else
    PG_STATE="$ES_BASE/instances/$INSTANCE/postgres"
fi
PG_DATA="$PG_STATE/data"
PG_RUN="$PG_STATE/run"                    # its unix socket: mode 700, so only its own user connects without a password
PG_LOG="$PG_STATE/postgres.log"
PG_ROLE=flowlens
PG_DATABASES=(users orders payments orchestrator)

# Go builds must not pick up a go.work or GOFLAGS from the caller's environment.
go_clean_env() { env GOWORK=off GOFLAGS= "$@"; }

# --- install ----------------------------------------------------------------------------------------------

ensure_es_user() {
    # ES refuses to run as root; as a normal user we simply run it as ourselves.
    if (( EUID != 0 )); then
        ES_USER="$(id -un)"
        return 0
    fi
    if ! id -u "$ES_USER" >/dev/null 2>&1; then
        log "creating system user '$ES_USER' to run Elasticsearch (it refuses to run as root)"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
    fi
}

install_es() {
    local t0 zip="$DOWNLOAD_DIR/elasticsearch-$ES_VERSION.zip"
    if [[ -x "$ES_HOME/bin/elasticsearch" ]]; then
        log "elasticsearch $ES_VERSION: present ($ES_HOME)"
        return 0
    fi
    t0="$(now_ms)"
    mkdir -p "$DOWNLOAD_DIR" "$INSTALL_LOG_DIR"
    if [[ ! -s "$zip" ]]; then
        command -v mvn >/dev/null || die "Maven (mvn) is needed to download Elasticsearch, or put the zip at $zip"
        local java_home
        java_home="$(find_java21)"
        log "elasticsearch $ES_VERSION: downloading $ES_ARTIFACT from Maven Central"
        # Run from the download dir: in the repo root Maven would load the project's pom.xml.
        if ! (cd "$DOWNLOAD_DIR" && JAVA_HOME="$java_home" mvn -B -q dependency:copy \
                -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$DOWNLOAD_DIR") >"$INSTALL_LOG_DIR/install-es.log" 2>&1; then
            tail -n 30 "$INSTALL_LOG_DIR/install-es.log" >&2
            die "download of $ES_ARTIFACT failed (log: $INSTALL_LOG_DIR/install-es.log)"
        fi
    fi
    # Unpack beside the target and rename, so an interrupted unzip never looks like an install.
    local tmp="$ES_BASE/.unpack-es.$$"
    rm -rf "$tmp"
    (umask 022 && mkdir -p "$ES_BASE" "$tmp")  # 022: the ES user walks through it, whatever the caller's umask
    unzip -q "$zip" -d "$tmp"
    mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$tmp"
    if (( EUID == 0 )); then chown -R "$ES_USER": "$ES_HOME"; fi
    log "elasticsearch $ES_VERSION: installed in $(elapsed "$t0")"
}

# The integ-test zip answers 405 to GET / and HEAD /, and Jaeger's Elasticsearch client needs HEAD / to revive a
# node it marked dead (see stack/elasticsearch-root). Compiled here against the installed server's own jars, so it
# always matches ES_VERSION; reinstalled when its source changes.
ES_ROOT_PLUGIN_SRC="$FLOWLENS_ROOT/stack/elasticsearch-root"
install_es_root_plugin() {
    local hash marker="$ES_HOME/plugins/flowlens-root/.source-sha256" java_home t0
    hash="$(cd "$ES_ROOT_PLUGIN_SRC" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64)"
    if [[ "$(cat "$marker" 2>/dev/null)" == "$hash" ]]; then
        log "elasticsearch plugin flowlens-root: present"
        return 0
    fi
    t0="$(now_ms)"
    java_home="$(find_java21)"
    local build="$ES_BASE/.build-es-root.$$"
    rm -rf "$build"
    mkdir -p "$build/classes" "$build/plugin"
    local sources
    mapfile -t sources < <(find "$ES_ROOT_PLUGIN_SRC/src" -name '*.java' | LC_ALL=C sort)
    "$java_home/bin/javac" -nowarn --release 21 -cp "$ES_HOME/lib/*" -d "$build/classes" "${sources[@]}" >"$INSTALL_LOG_DIR/install-es-root.log" 2>&1 \
        || { cat "$INSTALL_LOG_DIR/install-es-root.log" >&2; die "elasticsearch plugin flowlens-root: compile failed"; }
    "$java_home/bin/jar" --create --file "$build/plugin/flowlens-root.jar" -C "$build/classes" .
    sed "s/@ES_VERSION@/$ES_VERSION/g" "$ES_ROOT_PLUGIN_SRC/plugin-descriptor.properties" \
        >"$build/plugin/plugin-descriptor.properties"
    (cd "$build/plugin" && "$java_home/bin/jar" --create --no-manifest --file "$build/flowlens-root.zip" .)
    [[ "$EUID" != 0 ]] || chown -R "$ES_USER": "$build"
    plugin_cli() { as_es_user env -i PATH="/usr/bin:/bin" ES_JAVA_HOME="$java_home" "$ES_HOME/bin/elasticsearch-plugin" "$@"; }
    if [[ -d "$ES_HOME/plugins/flowlens-root" ]]; then plugin_cli remove flowlens-root >>"$INSTALL_LOG_DIR/install-es-root.log" 2>&1; fi
    plugin_cli install --batch "file://$build/flowlens-root.zip" >>"$INSTALL_LOG_DIR/install-es-root.log" 2>&1 \
        || { cat "$INSTALL_LOG_DIR/install-es-root.log" >&2; die "elasticsearch plugin flowlens-root: install failed"; }
    printf '%s\n' "$hash" | as_es_user tee "$marker" >/dev/null
    rm -rf "$build"
    log "elasticsearch plugin flowlens-root: installed in $(elapsed "$t0")"
}

jaeger_installed_version() { cat "$JAEGER_BIN.version" 2>/dev/null || true; }

install_jaeger() {
    local t0 dir
    # The binary carries no trustworthy version of its own (a plain `go build` stamps none), hence the marker.
    if [[ -x "$JAEGER_BIN" && "$(jaeger_installed_version)" == "$JAEGER_MODULE_VERSION" ]]; then
        log "jaeger $JAEGER_RELEASE ($JAEGER_MODULE@$JAEGER_MODULE_VERSION): present"
        return 0
    fi
    command -v go >/dev/null || die "the Go toolchain is needed to build Jaeger ($JAEGER_MODULE@$JAEGER_MODULE_VERSION)"
    t0="$(now_ms)"
    mkdir -p "$BIN_DIR" "$DOWNLOAD_DIR" "$INSTALL_LOG_DIR"
    log "jaeger $JAEGER_RELEASE: building from source, takes several minutes the first time" \
        "(log: $INSTALL_LOG_DIR/install-jaeger.log)"
    # `go install ...@v1.76.0` is refused (Jaeger's go.mod has replace directives); building inside the
    # downloaded module works because the module's own go.mod/go.sum are then the main module.
    dir="$(cd "$DOWNLOAD_DIR" && go_clean_env go mod download -json "$JAEGER_MODULE@$JAEGER_MODULE_VERSION" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -n "$dir" && -d "$dir/cmd/jaeger" ]] || die "go mod download $JAEGER_MODULE@$JAEGER_MODULE_VERSION gave no module dir"
    local pkg="$JAEGER_MODULE/internal/version"
    if ! (cd "$dir" && go_clean_env go build \
            -ldflags "-X $pkg.latestVersion=$JAEGER_RELEASE -X $pkg.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
            -o "$JAEGER_BIN.tmp" ./cmd/jaeger) >"$INSTALL_LOG_DIR/install-jaeger.log" 2>&1; then
        tail -n 30 "$INSTALL_LOG_DIR/install-jaeger.log" >&2
        die "jaeger build failed (log: $INSTALL_LOG_DIR/install-jaeger.log)"
    fi
    mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
    printf '%s\n' "$JAEGER_MODULE_VERSION" >"$JAEGER_BIN.version"
    log "jaeger $JAEGER_RELEASE: built in $(elapsed "$t0")"
}

install_k6() {
    local t0 have=""
    [[ -x "$K6_BIN" ]] && have="$("$K6_BIN" version 2>/dev/null | awk '{print $2; exit}')"
    if [[ "$have" == "$K6_VERSION" ]]; then
        log "k6 $K6_VERSION: present"
        return 0
    fi
    command -v go >/dev/null || die "the Go toolchain is needed to install k6 $K6_VERSION"
    t0="$(now_ms)"
    mkdir -p "$BIN_DIR" "$INSTALL_LOG_DIR"
    log "k6 $K6_VERSION: installing with go install (had: ${have:-none})"
    if ! (cd "$BIN_DIR" && GOBIN="$BIN_DIR" go_clean_env go install "go.k6.io/k6@$K6_VERSION") \
            >"$INSTALL_LOG_DIR/install-k6.log" 2>&1; then
        tail -n 30 "$INSTALL_LOG_DIR/install-k6.log" >&2
        die "k6 install failed (log: $INSTALL_LOG_DIR/install-k6.log)"
    fi
    log "k6 $K6_VERSION: installed in $(elapsed "$t0")"
}

# Debian packages the test suite drives: headless Chromium (Swagger UI check) and docker-compose (to validate
# docker-compose.yml; no engine is needed for `config`). Installed only when missing.
install_system_packages() {
    local missing=() t0
    [[ -x /usr/bin/chromium ]] || missing+=(chromium)
    command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
    command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
    pg_bin >/dev/null || missing+=(postgresql)
    [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)  # the balancer of bin/services.sh's FLOWLENS_SERVICE_INSTANCES=2
    ((${#missing[@]})) || return 0
    (( EUID == 0 )) || die "missing Debian packages: ${missing[*]} — install them (sudo apt-get install ${missing[*]})"
    t0="$(now_ms)"
    log "apt: installing ${missing[*]}"
    mkdir -p "$INSTALL_LOG_DIR"
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } \
            >"$INSTALL_LOG_DIR/install-apt.log" 2>&1; then
        tail -n 30 "$INSTALL_LOG_DIR/install-apt.log" >&2
        die "apt-get install ${missing[*]} failed (log: $INSTALL_LOG_DIR/install-apt.log)"
    fi
    log "apt: installed ${missing[*]} in $(elapsed "$t0")"
}

# Python tools from PyPI in a project-local virtualenv, pinned like the rest: schemathesis (contract fuzzing) and
# opentelemetry-proto (bin/bench.py writes its span replay as OTLP/protobuf, the encoding the services export in).
install_python_tools() {
    local t0 venv="$STACK_DIR/venv" want have=""
    want="schemathesis $SCHEMATHESIS_VERSION, opentelemetry-proto $OTEL_PROTO_VERSION"
    [[ -x "$venv/bin/python" ]] && have="$("$venv/bin/python" -c 'from importlib.metadata import version as v
print("schemathesis", v("schemathesis") + ", opentelemetry-proto", v("opentelemetry-proto"))' \
        2>/dev/null || true)"
    [[ "$have" == "$want" ]] && return 0
    t0="$(now_ms)"
    log "$want: installing into $venv (had: ${have:-not both})"
    mkdir -p "$INSTALL_LOG_DIR"
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" \
            "opentelemetry-proto==$OTEL_PROTO_VERSION"; } >"$INSTALL_LOG_DIR/install-python-tools.log" 2>&1; then
        tail -n 30 "$INSTALL_LOG_DIR/install-python-tools.log" >&2
        die "Python tools install failed (log: $INSTALL_LOG_DIR/install-python-tools.log)"
    fi
    log "$want: installed in $(elapsed "$t0")"
}

cmd_install() {
    local t0
    t0="$(now_ms)"
    take_lock "$STACK_DIR/.install.lock"
    cmd_prune
    record_es_base_owner
    ensure_es_user
    install_es
    install_es_root_plugin
    install_jaeger
    install_k6
    install_python_tools
    install_system_packages
    log "install: done in $(elapsed "$t0")"
}

# --- Elasticsearch ----------------------------------------------------------------------------------------

es_pid() { pid_running "$ES_PIDFILE" "$ES_PID_MATCH"; }  # of the node es_node selected

as_es_user() {
    if (( EUID == 0 )); then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

# --- secured profile ----------------------------------------------------------------------------------------

secret_file() { # NAME -> path of its password file, created with a random password when missing
    local file="$SECRETS_DIR/$1.password"
    if [[ ! -s "$file" ]]; then
        (umask 077 && mkdir -p "$SECRETS_DIR" && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$file")
    fi
    printf '%s\n' "$file"
}

# curl's credentials for the readiness and status checks: a netrc file, so the password is on no command line.
es_netrc() {
    local file="$SECRETS_DIR/elastic.netrc"
    (umask 077 && printf 'machine 127.0.0.1 login elastic password %s\n' "$(cat "$(secret_file elastic)")" >"$file")
    printf '%s\n' "$file"
}

es_curl_auth() { # prints curl options for the ES checks (none on the plain stack)
    if [[ "$SECURITY" == on ]]; then printf -- '--netrc-file\n%s\n--cacert\n%s\n' "$(es_netrc)" "$SECRETS_DIR/ca.crt"; fi
}

# One of Elasticsearch's command-line tools (bin/elasticsearch-*) on this instance's config, as the ES user, with
# nothing of the caller's environment.
es_tool() { # JAVA_HOME TOOL ARGS...
    local java_home="$1" tool="$2"
    shift 2
    as_es_user env -i PATH="/usr/bin:/bin" ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_STATE/config" \
        CLI_JAVA_OPTS="$ES_CLI_JAVA_OPTS" "$ES_HOME/bin/elasticsearch-$tool" "$@"
}

# A CA and an HTTP certificate for 127.0.0.1/localhost, made once by elasticsearch-certutil; clients trust the CA
# through $SECRETS_DIR/ca.crt.
ensure_es_certificates() { # JAVA_HOME
    local java_home="$1" certs="$ES_STATE/config/certs"
    if [[ ! -f "$certs/http/http.crt" ]]; then
        mkdir -p "$certs"
        [[ "$EUID" != 0 ]] || chown -R "$ES_USER": "$ES_STATE/config"
        es_tool "$java_home" certutil ca --pem --silent --out "$certs/ca.zip" >/dev/null
        (cd "$certs" && unzip -q -o ca.zip)
        [[ "$EUID" != 0 ]] || chown -R "$ES_USER": "$certs"
        es_tool "$java_home" certutil cert --pem --silent --ca-cert "$certs/ca/ca.crt" \
            --ca-key "$certs/ca/ca.key" --dns localhost --ip 127.0.0.1 --name http --out "$certs/http.zip" >/dev/null
        (cd "$certs" && unzip -q -o http.zip)
        [[ "$EUID" != 0 ]] || chown -R "$ES_USER": "$certs"
    fi
    (umask 077 && mkdir -p "$SECRETS_DIR") && cp "$certs/ca/ca.crt" "$SECRETS_DIR/ca.crt"
}

# Keystore with the bootstrap password of `elastic`, roles.yml, and one file-realm user per client. Repeated on
# every secured start: it converges (passwd for users that exist) and picks up rotated secret files.
setup_es_security() { # JAVA_HOME
    local java_home="$1" conf="$ES_STATE/config"
    [[ -f "$conf/elasticsearch.keystore" ]] || es_tool "$java_home" keystore create >/dev/null
    es_tool "$java_home" keystore add -x -f bootstrap.password <"$(secret_file elastic)" >/dev/null
    cat >"$conf/roles.yml" <<'ROLES'
# written by bin/stack.sh (secured profile): least privilege per client
flowlens_span_writer:
  cluster: [monitor, manage_index_templates]
  indices:
    - names: ['flowlens-spans-*']
      privileges: [create_index, create_doc, index, view_index_metadata, auto_configure]
jaeger_writer:
  cluster: [monitor, manage_index_templates]
  indices:
    - names: ['jaeger-*']
      privileges: [all]
flowlens_span_reader:
  cluster: [monitor]
  indices:
    - names: ['flowlens-spans-*']
      privileges: [read, view_index_metadata]
ROLES
    local user role password
    # the span indexer writes flowlens-spans-*, the console only reads them; the services hold no Elasticsearch
    # credentials at all
    for user in flowlens_indexer:flowlens_span_writer jaeger:jaeger_writer flowlens_console:flowlens_span_reader; do
        role="${user#*:}" user="${user%%:*}"
        password="$(cat "$(secret_file "$user")")"
        # -p is the tool's only non-interactive way; it runs for a second, as the ES user, on this machine only
        if grep -q "^$user:" "$conf/users" 2>/dev/null; then
            es_tool "$java_home" users passwd "$user" -p "$password" >/dev/null
        else
            es_tool "$java_home" users useradd "$user" -p "$password" -r "$role" >/dev/null
        fi
    done
    [[ "$EUID" != 0 ]] || chown -R "$ES_USER": "$conf"
    log "elasticsearch: security on; users elastic, flowlens_indexer, jaeger, flowlens_console; passwords in $SECRETS_DIR"
}

# Starts the node es_node selected and waits until it serves: a single node until its health is yellow, a cluster node
# until it sees all ES_NODES nodes (the cluster has formed, or it has joined the running one).
start_es_node() {
    local pid t0 java_home
    if pid="$(es_pid)"; then
        log "$ES_LABEL: already running (pid $pid, port $ES_NODE_PORT), left as is"
        return 0
    fi
    require_free_port "$ES_NODE_PORT" "Elasticsearch HTTP"
    java_home="$(find_java21)"
    # cli-tmp: the launcher JVM's tmp dir (see the start below), emptied on every start
    rm -rf "$ES_STATE/cli-tmp"
    (umask 022 && mkdir -p "$ES_STATE"/{data,logs,tmp,run,cli-tmp})
    if [[ "$ES_STATE" != "$ES_LINK" ]]; then
        mkdir -p "$INSTANCE_DIR"
        [[ -L "$ES_LINK" || ! -e "$ES_LINK" ]] || rm -rf "$ES_LINK"
        ln -sfn "$ES_STATE" "$ES_LINK"
    fi
    # A per-node copy of the config: ES writes its keystore there, and nodes must not share it.
    if [[ ! -f "$ES_STATE/config/elasticsearch.yml" ]]; then
        rm -rf "$ES_STATE/config"
        cp -r "$ES_HOME/config" "$ES_STATE/config"
    fi
    if (( EUID == 0 )); then
        chown -R "$ES_USER": "$ES_STATE"
        # The ES user must be able to walk down to its folders; a repo under /root (mode 700) would not allow it.
        runuser -u "$ES_USER" -- test -w "$ES_STATE/run" \
            || die "user '$ES_USER' cannot write $ES_STATE/run: a parent folder is not traversable"
    fi
    local tls=()
    if [[ "$SECURITY" == on ]]; then
        setup_es_security "$java_home"
        ensure_es_certificates "$java_home"
        tls=(-E xpack.security.http.ssl.enabled=true -E xpack.security.http.ssl.key=certs/http/http.key
             -E xpack.security.http.ssl.certificate=certs/http/http.crt
             -E xpack.security.http.ssl.certificate_authorities=certs/ca/ca.crt)
    fi
    local discovery=(-E discovery.type=single-node) ready="wait_for_status=yellow" seeds="" masters="" n
    if (( ES_NODE > 0 )); then
        for n in $(seq 1 "$ES_NODES"); do
            seeds="${seeds:+$seeds,}127.0.0.1:$(( ES_PORT + 1000 + n - 1 ))"
            masters="${masters:+$masters,}$ES_CLUSTER-node$n"
        done
        # every node master-eligible; initial_master_nodes only matters for the very first start of an empty cluster
        discovery=(-E transport.port="$ES_TRANSPORT_PORT" -E discovery.seed_hosts="$seeds"
                   -E cluster.initial_master_nodes="$masters")
        ready="wait_for_nodes=$ES_NODES"
    fi
    t0="$(now_ms)"
    log "$ES_LABEL: starting on 127.0.0.1:$ES_NODE_PORT (JDK $java_home, heap $ES_HEAP, security $SECURITY)"
    # -d returns once the node has started (or failed); cwd = logs so gc.log and heap dumps land there.
    # env -i: a caller's JAVA_TOOL_OPTIONS or ES_* variables must not leak into the node.
    # CLI_JAVA_OPTS: the launcher's own JVM probes the node's final JVM flags in a "final-flags*" folder of its tmp dir
    # that it never deletes: in cli-tmp, not one more in /tmp for every start (a tmp dir of its own, so that
    # ES_PID_MATCH still names the node alone).
    if ! (close_lock_fds; cd "$ES_STATE/logs" && as_es_user env -i PATH="/usr/bin:/bin" HOME="$ES_STATE/tmp" LANG=C.UTF-8 \
            ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_STATE/config" ES_TMPDIR="$ES_STATE/tmp" \
            CLI_JAVA_OPTS="-Djava.io.tmpdir=$ES_STATE/cli-tmp $ES_CLI_JAVA_OPTS" \
            ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP${FLOWLENS_STACK_JAVA_OPTS:+ $FLOWLENS_STACK_JAVA_OPTS}" \
            "$ES_HOME/bin/elasticsearch" -d -p "$ES_PIDFILE" \
            -E cluster.name="$ES_CLUSTER" \
            -E node.name="$ES_NODE_NAME" \
            "${discovery[@]}" \
            -E network.host=127.0.0.1 \
            -E http.port="$ES_NODE_PORT" \
            -E cluster.routing.allocation.disk.threshold_enabled=false \
            -E path.data="$ES_STATE/data" \
            -E path.logs="$ES_STATE/logs" \
            -E xpack.security.enabled="$([[ "$SECURITY" == on ]] && echo true || echo false)" "${tls[@]}") \
            >>"$ES_CONSOLE_LOG" 2>&1; then
        printf 'ERROR: %s failed to start. Last lines of %s and %s:\n' "$ES_LABEL" "$ES_CONSOLE_LOG" "$ES_LOG" >&2
        tail -n 20 "$ES_CONSOLE_LOG" >&2 || true
        tail -n 40 "$ES_LOG" >&2 2>/dev/null || true
        exit 1
    fi
    pid="$(es_pid)" || die "$ES_LABEL: started but no live pid in $ES_PIDFILE (see $ES_LOG)"
    WAIT_HTTP_CURL_ARGS="$(es_curl_auth)" wait_http \
        "$ES_SCHEME://127.0.0.1:$ES_NODE_PORT/_cluster/health?$ready&timeout=1s" \
        "$START_TIMEOUT" "$ES_LABEL" "$ES_LOG" "$pid"
    log "$ES_LABEL: ready in $(elapsed "$t0") (pid $pid, $ES_SCHEME://127.0.0.1:$ES_NODE_PORT)"
}

start_es() {
    local n t0 starts=() failed=0
    if (( ES_NODES == 1 )); then
        es_node 0
        start_es_node
        return 0
    fi
    [[ "$SECURITY" != on ]] || die "ES_NODES=$ES_NODES with FLOWLENS_ES_SECURITY=on is not supported (a secured cluster" \
        "needs TLS between its nodes too); use one of them"
    t0="$(now_ms)"
    # All at once: a node waits for a majority of the master-eligible nodes before it counts as started, so one at a
    # time the first would wait alone for its discovery timeout.
    for n in $(es_nodes); do
        (es_node "$n" && start_es_node) &
        starts+=("$!")
    done
    for n in "${starts[@]}"; do wait "$n" || failed=1; done
    es_node 1
    (( failed == 0 )) || die "elasticsearch: a node of the cluster failed to start (bin/stack.sh status; logs es-nodeN)"
    # the cluster's health on the first node: yellow at least, i.e. every primary shard is assigned
    wait_http "$ES_SCHEME://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" \
        "$START_TIMEOUT" elasticsearch "$ES_LOG"
    log "elasticsearch: cluster $ES_CLUSTER of $ES_NODES nodes ready in $(elapsed "$t0") ($ES_URLS)"
}

# Stops every node this instance has running, whatever ES_NODES says now: a cluster (or a single node) started
# before is not left behind.
stop_es() {
    local n stopped=0
    for n in 0 $(seq 1 9); do
        es_node "$n"
        if es_pid >/dev/null; then
            stop_pid "$ES_PIDFILE" "$ES_PID_MATCH" "$ES_LABEL" 60
            stopped=1
        fi
    done
    (( stopped )) || log "elasticsearch: not running"
    es_node "$(( ES_NODES == 1 ? 0 : 1 ))"
}

# One node of a cluster alone, e.g. to stop it under traffic and bring it back: bin/stack.sh es-node stop|start N.
cmd_es_node() {
    local action="${1:-}" n="${2:-}"
    [[ "$action" =~ ^(start|stop)$ && "$n" =~ ^[1-9]$ ]] || die "usage: ES_NODES=3 bin/stack.sh es-node start|stop N"
    (( ES_NODES > 1 && n <= ES_NODES )) || die "es-node: node $n is not one of ES_NODES=$ES_NODES (a cluster has 1..N)"
    take_lock "$INSTANCE_DIR/.up.lock"
    es_node "$n"
    case "$action" in
        start) start_es_node ;;
        stop) stop_pid "$ES_PIDFILE" "$ES_PID_MATCH" "$ES_LABEL" 60 ;;
    esac
}

# --- PostgreSQL -------------------------------------------------------------------------------------------

pg_bin() { # the newest installed server's bin folder
    local dir
    dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/initdb" ]] || return 1
    printf '%s\n' "$dir"
}

pg_pid() { # postmaster.pid's first line, when that process is alive and serves our data folder
    local pid
    pid="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9')"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PG_DATA" || return 1
    printf '%s\n' "$pid"
}

pg_sql() { # psql as the cluster's owner over its private socket; SQL from stdin (-f -) or -c
    as_es_user "$(pg_bin)/psql" -h "$PG_RUN" -p "$PG_PORT" -U "$PG_ROLE" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

start_postgres() {
    local bin pid t0 db
    if pid="$(pg_pid)"; then
        log "postgres: already running (pid $pid, port $PG_PORT), left as is"
        return 0
    fi
    require_free_port "$PG_PORT" "PostgreSQL"
    bin="$(pg_bin)" || die "PostgreSQL is not installed: bin/stack.sh install installs Debian's postgresql package"
    (umask 022 && mkdir -p "$PG_STATE")
    if [[ "$PG_STATE" != "$INSTANCE_DIR/postgres" ]]; then
        mkdir -p "$INSTANCE_DIR"
        [[ -L "$INSTANCE_DIR/postgres" || ! -e "$INSTANCE_DIR/postgres" ]] || rm -rf "$INSTANCE_DIR/postgres"
        ln -sfn "$PG_STATE" "$INSTANCE_DIR/postgres"
    fi
    if (( EUID == 0 )); then chown "$ES_USER": "$PG_STATE"; fi
    as_es_user touch "$PG_LOG"
    as_es_user mkdir -p -m 700 "$PG_RUN"
    if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
        log "postgres: creating a cluster in $PG_DATA"
        if ! as_es_user "$bin/initdb" -D "$PG_DATA" -U "$PG_ROLE" -E UTF8 --locale=C.UTF-8 \
                --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1; then
            tail -n 20 "$PG_LOG" >&2
            die "postgres: initdb failed (log: $PG_LOG)"
        fi
    fi
    t0="$(now_ms)"
    log "postgres: starting on 127.0.0.1:$PG_PORT ($bin)"
    if ! (close_lock_fds; as_es_user "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" \
            -o "-p $PG_PORT -k $PG_RUN -c listen_addresses=127.0.0.1" start) >/dev/null; then
        tail -n 20 "$PG_LOG" >&2
        die "postgres: failed to start (log: $PG_LOG)"
    fi
    # The services log in over TCP with a password; set on every start, so a rotated secret file takes effect.
    # Through stdin, so it is on no command line.
    printf "ALTER ROLE %s PASSWORD '%s';\n" "$PG_ROLE" "$(cat "$(secret_file postgres)")" | pg_sql -f -
    for db in "${PG_DATABASES[@]}"; do
        [[ -n "$(pg_sql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]] || pg_sql -c "CREATE DATABASE $db"
    done
    log "postgres: ready in $(elapsed "$t0") (pid $(pg_pid), jdbc:postgresql://127.0.0.1:$PG_PORT/<service>, user $PG_ROLE)"
}

stop_postgres() {
    local pid t0
    if ! pid="$(pg_pid)"; then
        log "postgres: not running"
        return 0
    fi
    t0="$(now_ms)"
    # fast: open transactions are rolled back, committed ones are in the WAL, as after a crash of the primary
    as_es_user "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "postgres: stopped pid $pid in $(elapsed "$t0")"
}

pg_status() {
    local pid
    if ! pid="$(pg_pid)"; then
        printf 'postgres       stopped  (port %s)\n' "$PG_PORT"
        return 1
    fi
    if ! pg_sql -c 'SELECT 1' >/dev/null 2>&1; then
        printf 'postgres       running  pid %-7s port %-5s not answering\n' "$pid" "$PG_PORT"
        return 1
    fi
    printf 'postgres       running  pid %-7s port %-5s rss %-7s databases %s\n' \
        "$pid" "$PG_PORT" "$(rss_mb "$pid")" "${PG_DATABASES[*]}"
}

cmd_postgres() {
    case "${1:-}" in
        up) (cmd_install); take_lock "$INSTANCE_DIR/.up.lock"; start_postgres ;;
        down) take_lock "$INSTANCE_DIR/.up.lock"; stop_postgres ;;
        status) pg_status ;;
        *) die "usage: bin/stack.sh postgres up|down|status" ;;
    esac
}

# --- span indexer -----------------------------------------------------------------------------------------
# Jaeger's otlphttp exporter sends it every span; it writes the flowlens-spans-* documents. A jar of this
# repository, so `make up` builds it first; `up` only says how when it is missing.

indexer_pid() { pid_running "$INDEXER_PIDFILE" "$INDEXER_JAR"; }

# One of this repository's Helidon jars as a detached process on 127.0.0.1, configured by VAR=value pairs (its
# MicroProfile Config), ready when /health/ready answers. `make up` builds the jars; here we only say how when one is
# missing. Usage: start_jar NAME PORT JAR PIDFILE LOGFILE MODULE JAVA_OPTS WHAT [VAR=value...]
start_jar() {
    local name="$1" port="$2" jar="$3" pidfile="$4" logfile="$5" module="$6" opts="$7" what="$8"
    local pid t0 java_home java_opts
    shift 8
    if pid="$(pid_running "$pidfile" "$jar")"; then
        log "$name: already running (pid $pid, port $port), left as is"
        return 0
    fi
    [[ -f "$jar" ]] || die "missing $jar: build it first (make build, or" \
        "bin/mvn.sh -B package -DskipTests -pl $module -am)"
    require_free_port "$port" "$name"
    java_home="$(find_java21)"
    mkdir -p "$(dirname "$pidfile")"
    t0="$(now_ms)"
    log "$name: starting on 127.0.0.1:$port ($what)"
    read -ra java_opts <<<"$opts ${FLOWLENS_STACK_JAVA_OPTS:-}"  # several options, split on spaces
    start_detached "$pidfile" "$logfile" env SERVER_PORT="$port" SERVER_HOST=127.0.0.1 "$@" \
        "$java_home/bin/java" "${java_opts[@]}" -jar "$jar"
    pid="$(tr -dc '0-9' <"$pidfile")"
    wait_http "http://127.0.0.1:$port/health/ready" "$START_TIMEOUT" "$name" "$logfile" "$pid"
    log "$name: ready in $(elapsed "$t0") (pid $pid, http://127.0.0.1:$port)"
}

start_indexer() {
    local es_username="" es_password_file="" es_ca_file=""
    if [[ "$SECURITY" == on ]]; then
        es_username=flowlens_indexer
        es_password_file="$(secret_file flowlens_indexer)"
        es_ca_file="$SECRETS_DIR/ca.crt"
    fi
    # On a cluster a bulk request cut off by a dying node is sent again to another: with the span's own ids as document
    # ids that overwrites what got through instead of indexing it twice. One node keeps the faster generated ids.
    local document_ids=auto
    (( ES_NODES == 1 )) || document_ids=span
    # MicroProfile Config reads these (otel.exporter.elasticsearch.* keys, the exporter's own names)
    start_jar span-indexer "$SPAN_INDEXER_PORT" "$INDEXER_JAR" "$INDEXER_PIDFILE" "$INDEXER_LOG" \
        observability/span-indexer "${FLOWLENS_INDEXER_JAVA_OPTS:--Xmx256m}" \
        "writes $ES_URLS" \
        OTEL_EXPORTER_ELASTICSEARCH_ENDPOINT="$ES_URLS" \
        OTEL_EXPORTER_ELASTICSEARCH_REPLICAS="$ES_REPLICAS" \
        OTEL_EXPORTER_ELASTICSEARCH_DOCUMENT_IDS="$document_ids" \
        OTEL_EXPORTER_ELASTICSEARCH_USERNAME="$es_username" \
        OTEL_EXPORTER_ELASTICSEARCH_PASSWORD_FILE="$es_password_file" \
        OTEL_EXPORTER_ELASTICSEARCH_CA_FILE="$es_ca_file"
}

stop_indexer() { stop_pid "$INDEXER_PIDFILE" "$INDEXER_JAR" span-indexer 30; }

# --- Jaeger -----------------------------------------------------------------------------------------------

jaeger_pid() { pid_running "$JAEGER_PIDFILE" "$JAEGER_BIN"; }

check_jaeger_ports() {
    local p
    for p in "$JAEGER_OTLP_HTTP_PORT:OTLP/HTTP" "$JAEGER_OTLP_GRPC_PORT:OTLP/gRPC" "$JAEGER_QUERY_PORT:query HTTP" \
             "$JAEGER_QUERY_GRPC_PORT:query gRPC" "$JAEGER_HEALTH_PORT:health" "$JAEGER_METRICS_PORT:metrics"; do
        require_free_port "${p%%:*}" "jaeger ${p#*:}"
    done
}

start_jaeger() {
    local pid t0 p
    if pid="$(jaeger_pid)"; then
        log "jaeger: already running (pid $pid, query port $JAEGER_QUERY_PORT), left as is"
        return 0
    fi
    [[ -f "$JAEGER_CONFIG" ]] || die "jaeger config not found: $JAEGER_CONFIG"
    check_jaeger_ports
    mkdir -p "$JAEGER_STATE"
    t0="$(now_ms)"
    log "jaeger: starting (OTLP http :$JAEGER_OTLP_HTTP_PORT grpc :$JAEGER_OTLP_GRPC_PORT, query :$JAEGER_QUERY_PORT)"
    # The config file reads these through ${env:...}.
    local es_username="" es_password_file="" es_ca_file=""
    if [[ "$SECURITY" == on ]]; then
        es_username=jaeger
        es_password_file="$(secret_file jaeger)"
        es_ca_file="$SECRETS_DIR/ca.crt"
    fi
    ES_USERNAME="$es_username" ES_PASSWORD_FILE="$es_password_file" ES_CA_FILE="$es_ca_file" \
    ES_SERVER_URLS="$ES_URLS" ES_REPLICAS="$ES_REPLICAS" JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_HTTP_PORT" JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" \
    JAEGER_QUERY_PORT="$JAEGER_QUERY_PORT" JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" \
    JAEGER_HEALTH_PORT="$JAEGER_HEALTH_PORT" JAEGER_METRICS_PORT="$JAEGER_METRICS_PORT" \
    SPAN_INDEXER_ENDPOINT="http://127.0.0.1:$SPAN_INDEXER_PORT" \
        start_detached "$JAEGER_PIDFILE" "$JAEGER_LOG" "$JAEGER_BIN" --config "file:$JAEGER_CONFIG"
    pid="$(tr -dc '0-9' <"$JAEGER_PIDFILE")"
    wait_http "http://127.0.0.1:$JAEGER_HEALTH_PORT/status" "$START_TIMEOUT" jaeger "$JAEGER_LOG" "$pid"
    log "jaeger: ready in $(elapsed "$t0") (pid $pid, http://127.0.0.1:$JAEGER_QUERY_PORT)"
}

stop_jaeger() { stop_pid "$JAEGER_PIDFILE" "$JAEGER_BIN" jaeger 30; }

# --- web console ------------------------------------------------------------------------------------------
# Reads flowlens-spans-* (through the analytics core) and Jaeger's query API; started last, after both.

console_pid() { pid_running "$CONSOLE_PIDFILE" "$CONSOLE_JAR"; }

start_console() {
    local es_username="" es_password="" es_ca_file=""
    if [[ "$SECURITY" == on ]]; then
        es_username=flowlens_console  # read-only: flowlens_span_reader
        es_password="$(<"$(secret_file flowlens_console)")"
        es_ca_file="$SECRETS_DIR/ca.crt"
    fi
    # the analytics core's keys; the password goes through the environment only, never on a command line
    FLOWLENS_ELASTICSEARCH_PASSWORD="$es_password" start_jar console "$CONSOLE_PORT" "$CONSOLE_JAR" \
        "$CONSOLE_PIDFILE" "$CONSOLE_LOG" observability/console "${FLOWLENS_CONSOLE_JAVA_OPTS:--Xmx256m}" \
        "reads $ES_URLS and Jaeger :$JAEGER_QUERY_PORT" \
        FLOWLENS_ELASTICSEARCH_URL="$ES_URLS" \
        FLOWLENS_ELASTICSEARCH_USERNAME="$es_username" \
        FLOWLENS_ELASTICSEARCH_CA_FILE="$es_ca_file" \
        FLOWLENS_JAEGER_URL="http://127.0.0.1:$JAEGER_QUERY_PORT"
}

stop_console() { stop_pid "$CONSOLE_PIDFILE" "$CONSOLE_JAR" console 30; }

# --- commands ---------------------------------------------------------------------------------------------

cmd_up() {
    local t0
    t0="$(now_ms)"
    (cmd_install) # subshell: the shared install lock is released before this instance starts
    take_lock "$INSTANCE_DIR/.up.lock"
    # Check every port before starting anything, so a clash does not leave half a stack running.
    local n
    for n in $(es_nodes); do
        es_node "$n"
        es_pid >/dev/null && continue
        require_free_port "$ES_NODE_PORT" "$ES_LABEL HTTP"
        (( n == 0 )) || require_free_port "$ES_TRANSPORT_PORT" "$ES_LABEL transport"
    done
    jaeger_pid >/dev/null || check_jaeger_ports
    indexer_pid >/dev/null || require_free_port "$SPAN_INDEXER_PORT" "span indexer"
    console_pid >/dev/null || require_free_port "$CONSOLE_PORT" "console"
    [[ "$DB_KIND" == h2 || "$DB_KIND" == postgres ]] || die "FLOWLENS_DB must be h2 or postgres (got '$DB_KIND')"
    if [[ "$DB_KIND" == postgres ]]; then
        pg_pid >/dev/null || require_free_port "$PG_PORT" "PostgreSQL"
        start_postgres
    fi
    start_es
    start_indexer
    start_jaeger
    start_console
    log "up: done in $(elapsed "$t0") — instance '$INSTANCE'"
    cat >&2 <<EOF
  Elasticsearch  $ES_URLS
  OTLP           http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT/v1/traces (http), 127.0.0.1:$JAEGER_OTLP_GRPC_PORT (grpc)
  span indexer   http://127.0.0.1:$SPAN_INDEXER_PORT/metrics (Jaeger sends it every span for flowlens-spans-*)
  Jaeger query   http://127.0.0.1:$JAEGER_QUERY_PORT/api/v3/services
  Console        http://127.0.0.1:$CONSOLE_PORT/ (flows, traces, service map, alerts)
EOF
    [[ "$DB_KIND" != postgres ]] || printf '  PostgreSQL     127.0.0.1:%s (databases: %s)\n' "$PG_PORT" "${PG_DATABASES[*]}" >&2
}

cmd_down() {
    take_lock "$INSTANCE_DIR/.up.lock"
    stop_console  # it only reads
    stop_jaeger   # first of the pipeline, so its last batches can still reach ES and the indexer
    stop_indexer  # then the indexer, which writes what it has queued
    stop_es
    stop_postgres # whatever FLOWLENS_DB says now: a cluster this instance started is not left behind
}

cmd_status() {
    local code rc=0 n pid
    for n in $(es_nodes); do
        es_node "$n"
        es_status || rc=1
    done
    # a node of another mode left running (e.g. a cluster after ES_NODES went back to 1) is shown too
    for n in 0 $(seq 1 9); do
        es_node "$n"
        if ! grep -qx "$n" <<<"$(es_nodes)" && pid="$(es_pid)"; then
            printf '%-14s running  pid %-7s port %-5s not of ES_NODES=%s (bin/stack.sh down stops it)\n' \
                "$([[ $n == 0 ]] && echo elasticsearch || echo "es-node$n")" "$pid" "$ES_NODE_PORT" "$ES_NODES"
        fi
    done
    es_node "$(( ES_NODES == 1 ? 0 : 1 ))"
    if pid="$(jaeger_pid)"; then
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$JAEGER_HEALTH_PORT/status" || true)"
        printf 'jaeger         running  pid %-7s port %-5s rss %-7s health HTTP %s\n' \
            "$pid" "$JAEGER_QUERY_PORT" "$(rss_mb "$pid")" "$code"
        [[ "$code" == 200 ]] || rc=1
    else
        printf 'jaeger         stopped  (query port %s)\n' "$JAEGER_QUERY_PORT"
        rc=1
    fi
    jar_status span-indexer indexer_pid "$SPAN_INDEXER_PORT" || rc=1
    jar_status console console_pid "$CONSOLE_PORT" || rc=1
    if [[ "$DB_KIND" == postgres ]] || pg_pid >/dev/null; then pg_status || rc=1; fi
    return "$rc"
}

# One status line of the node es_node selected: pid, port, RSS and the cluster's health as that node sees it (plus the
# number of nodes it sees in a cluster); fails when it is stopped or does not answer.
es_status() {
    local pid health nodes="" auth=() answer label=elasticsearch
    (( ES_NODE == 0 )) || label="es-node$ES_NODE"
    if ! pid="$(es_pid)"; then
        printf '%-14s stopped  (port %s)\n' "$label" "$ES_NODE_PORT"
        return 1
    fi
    mapfile -t auth < <(es_curl_auth)
    answer="$(curl -s --max-time 3 "${auth[@]}" "$ES_SCHEME://127.0.0.1:$ES_NODE_PORT/_cluster/health" || true)"
    health="$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$answer")"
    (( ES_NODE == 0 )) || nodes=" nodes $(sed -n 's/.*"number_of_nodes":\([0-9]*\).*/\1/p' <<<"$answer")"
    printf '%-14s running  pid %-7s port %-5s rss %-7s cluster %s%s\n' \
        "$label" "$pid" "$ES_NODE_PORT" "$(rss_mb "$pid")" "${health:-unreachable}" "$nodes"
    [[ -n "$health" ]]
}

# One status line of a jar started by start_jar (the span indexer, the console): NAME PID_FUNCTION PORT; fails when
# it is stopped or its /health/ready does not answer 200.
jar_status() {
    local name="$1" pid_of="$2" port="$3" pid code
    if pid="$("$pid_of")"; then
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/health/ready" || true)"
        printf '%-14s running  pid %-7s port %-5s rss %-7s ready HTTP %s\n' \
            "$name" "$pid" "$port" "$(rss_mb "$pid")" "$code"
        [[ "$code" == 200 ]]
    else
        printf '%-14s stopped  (port %s)\n' "$name" "$port"
        return 1
    fi
}

cmd_logs() {
    local file
    case "${1:-}" in
        es | elasticsearch) file="$ES_LOG" ;;
        es-console) file="$ES_CONSOLE_LOG" ;;
        es-node[1-9]) es_node "${1#es-node}"; file="$ES_LOG" ;;
        jaeger) file="$JAEGER_LOG" ;;
        indexer | span-indexer) file="$INDEXER_LOG" ;;
        console) file="$CONSOLE_LOG" ;;
        postgres) file="$PG_LOG" ;;
        install-es | install-jaeger | install-k6) file="$INSTALL_LOG_DIR/$1.log" ;;
        *) die "usage: bin/stack.sh logs es|es-console|es-nodeN|jaeger|indexer|console|postgres|install-es|install-jaeger|install-k6 [-f]" ;;
    esac
    [[ -f "$file" ]] || die "no log yet: $file"
    if [[ "${2:-}" == -f ]]; then tail -n 100 -F "$file"; else tail -n 100 "$file"; fi
}

usage() {
    sed -n '2,/^set -euo/{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

case "${1:-}" in
    install) cmd_install ;;
    prune) cmd_prune ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    logs) shift; cmd_logs "$@" ;;
    postgres) shift; cmd_postgres "$@" ;;
    es-node) shift; cmd_es_node "$@" ;;
    secret-file) [[ -n "${2:-}" ]] || usage; secret_file "$2" ;;
    pid)
        case "${2:-}" in
            es) es_pid ;;
            jaeger) jaeger_pid ;;
            indexer) indexer_pid ;;
            *) usage ;;
        esac ;;
    *) usage ;;
esac
