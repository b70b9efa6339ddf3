#!/usr/bin/env bash
# Builds (when needed) and runs the four Flowlens services as background processes, with logs and pids under
# .stack/services. Usage: bin/services.sh start|stop|status|health
# Ports and the OTLP endpoint come from the environment (defaults = the services' microprofile-config defaults).
# FLOWLENS_DB=postgres: each service uses its database in the PostgreSQL of `FLOWLENS_DB=postgres bin/stack.sh up`
# (PG_PORT, default 5433); the default, h2, is an embedded file database per service under .stack/services/data.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"

ROOT="$FLOWLENS_ROOT"
STATE="$STACK_DIR/services"
ORCHESTRATOR_PORT="${ORCHESTRATOR_PORT:-8000}"
USERS_PORT="${USERS_PORT:-8001}"
ORDERS_PORT="${ORDERS_PORT:-8002}"
PAYMENTS_PORT="${PAYMENTS_PORT:-8003}"
OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:${JAEGER_OTLP_HTTP_PORT:-4318}}"
# The services export once, by OTLP to Jaeger; the span documents in Elasticsearch are written by the span indexer
# behind Jaeger (bin/stack.sh), so no service gets an Elasticsearch endpoint or credentials from here. Who wants the
# in-process exporter instead sets OTEL_TRACES_EXPORTER=otlp,elasticsearch and OTEL_EXPORTER_ELASTICSEARCH_*.
# Token for /admin/faults (fault injection): generated once per machine into .stack/, never committed.
ADMIN_TOKEN_FILE="$STACK_DIR/admin-token"
SERVICES=(users orders payments orchestrator)
DB_KIND="${FLOWLENS_DB:-h2}"
PG_PORT="${PG_PORT:-5433}"

port_of() {
    case "$1" in
        users) echo "$USERS_PORT" ;;
        orders) echo "$ORDERS_PORT" ;;
        payments) echo "$PAYMENTS_PORT" ;;
        orchestrator) echo "$ORCHESTRATOR_PORT" ;;
    esac
}

ensure_built() {
    local missing=0 svc
    for svc in "${SERVICES[@]}"; do
        [[ -f "$ROOT/$svc/target/$svc.jar" ]] || missing=1
    done
    if [[ $missing -eq 1 ]]; then
        echo "Building the services (mvn package, tests skipped)..."
        (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" mvn -B -q package -DskipTests)
    fi
}

start_one() {
    local svc="$1" port pid
    port="$(port_of "$svc")"
    if pid="$(pid_running "$STATE/$svc.pid" "$svc.jar")"; then
        log "$svc already running (pid $pid, port $port)"
        return
    fi
    require_free_port "$port" "$svc"
    local java_opts database
    # WRITE_DELAY=0: H2 writes each commit through, so an answered write survives a kill -9
    database=(FLOWLENS_DB_URL="jdbc:h2:file:$STATE/data/$svc;WRITE_DELAY=0")
    if [[ "$DB_KIND" == postgres ]]; then
        database=(FLOWLENS_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$svc" FLOWLENS_DB_USER=flowlens
                  FLOWLENS_DB_PASSWORD="$(cat "$("$HERE/stack.sh" secret-file postgres)")")
    fi
    mapfile -t java_opts < <("$HERE/service-jvm.sh" options "$svc")  # heap, GC, AOT cache, FLOWLENS_JAVA_OPTS
    # The services read these through MicroProfile Config (env names map to the property keys).
    start_detached "$STATE/$svc.pid" "$STATE/$svc.log" env \
        SERVER_PORT="$port" \
        OTEL_EXPORTER_OTLP_ENDPOINT="$OTLP_ENDPOINT" \
        USERS_MP_REST_URL="http://127.0.0.1:$USERS_PORT" \
        ORDERS_MP_REST_URL="http://127.0.0.1:$ORDERS_PORT" \
        PAYMENTS_MP_REST_URL="http://127.0.0.1:$PAYMENTS_PORT" \
        "${database[@]}" \
        FLOWLENS_ADMIN_TOKEN="$(admin_token)" \
        "$JAVA_HOME/bin/java" "${java_opts[@]}" -jar "$ROOT/$svc/target/$svc.jar"
}

admin_token() {
    if [[ -n "${FLOWLENS_ADMIN_TOKEN:-}" ]]; then
        printf '%s' "$FLOWLENS_ADMIN_TOKEN"
        return
    fi
    if [[ ! -s "$ADMIN_TOKEN_FILE" ]]; then
        mkdir -p "$STACK_DIR"
        (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$ADMIN_TOKEN_FILE")
    fi
    cat "$ADMIN_TOKEN_FILE"
}

cmd_start() {
    [[ "$DB_KIND" == h2 || "$DB_KIND" == postgres ]] || die "FLOWLENS_DB must be h2 or postgres (got '$DB_KIND')"
    JAVA_HOME="$(find_java21)"
    export JAVA_HOME
    ensure_built
    "$HERE/service-jvm.sh" cache  # the first start after a build trains the AOT caches; a no-op while they are fresh
    mkdir -p "$STATE/data"
    local svc t0 port
    t0="$(now_ms)"
    for svc in "${SERVICES[@]}"; do
        start_one "$svc"
    done
    for svc in "${SERVICES[@]}"; do
        port="$(port_of "$svc")"
        wait_http "http://127.0.0.1:$port/health/ready" 90 "$svc" "$STATE/$svc.log" "$(cat "$STATE/$svc.pid")"
        log "$svc ready on :$port (pid $(cat "$STATE/$svc.pid"), $(rss_mb "$(cat "$STATE/$svc.pid")") RSS)"
    done
    log "services up in $(elapsed "$t0") on $DB_KIND; traces go to $OTLP_ENDPOINT"
}

cmd_stop() {
    local svc
    for svc in orchestrator payments orders users; do
        stop_pid "$STATE/$svc.pid" "$svc.jar" "$svc" 20
    done
}

cmd_status() {
    local svc port pid
    for svc in "${SERVICES[@]}"; do
        port="$(port_of "$svc")"
        if pid="$(pid_running "$STATE/$svc.pid" "$svc.jar")"; then
            printf '  %-13s pid %-7s :%-5s %-6s %s\n' "$svc" "$pid" "$port" "$(rss_mb "$pid")" \
                "$(curl -s -m 2 "http://127.0.0.1:$port/health" || echo 'no answer')"
        else
            printf '  %-13s stopped       :%s\n' "$svc" "$port"
        fi
    done
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status|health) cmd_status ;;
    *) echo "usage: $0 start|stop|status|health" >&2; exit 2 ;;
esac
