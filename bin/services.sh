#!/usr/bin/env bash
# Builds (when needed) and runs the four Flowlens services as background processes, with logs and pids under
# .stack/services (.stack/instances/NAME/services for FLOWLENS_INSTANCE=NAME).
# Usage: bin/services.sh start|stop|status|health, or bin/services.sh balancer start|stop (HAProxy alone, see below)
# Ports and the OTLP endpoint come from the environment (defaults = the services' microprofile-config defaults).
# FLOWLENS_DB=postgres: each service uses its database in the PostgreSQL of `FLOWLENS_DB=postgres bin/stack.sh up`
# (PG_PORT, default 5433); the default, h2, is an embedded file database per service under .stack/services/data.
#
# FLOWLENS_SERVICE_INSTANCES=2 (make up DB=postgres INSTANCES=2; needs PostgreSQL, which all instances of a service share):
# two JVMs per service, instance n on the service's port + 100 n (users: 8101, 8201; <SVC>_INSTANCE_PORTS="p1 p2"
# overrides), and one HAProxy (Debian's haproxy) listening on each service's usual port, balancing round robin over
# the instances that answer /health/ready; the services call each other through it. Its generated configuration is
# services/haproxy.cfg in the instance folder.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"

ROOT="$FLOWLENS_ROOT"
INSTANCE="${FLOWLENS_INSTANCE:-default}"
[[ "$INSTANCE" =~ ^[A-Za-z0-9_-]+$ ]] || die "FLOWLENS_INSTANCE must be letters, digits, - or _ (got '$INSTANCE')"
if [[ "$INSTANCE" == default ]]; then
    STATE="$STACK_DIR/services"
else
    STATE="$STACK_DIR/instances/$INSTANCE/services"  # beside bin/stack.sh's data of the same instance
fi
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
INSTANCES="${FLOWLENS_SERVICE_INSTANCES:-1}"
BALANCER_CONFIG="$STATE/haproxy.cfg"
BALANCER_PID="$STATE/haproxy.pid"

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

# The ports of a service's instances: <SVC>_INSTANCE_PORTS, else its port + 100, + 200, ...
instance_ports() {
    local svc="$1" var n
    var="${svc^^}_INSTANCE_PORTS"
    if [[ -n "${!var:-}" ]]; then
        printf '%s\n' "${!var}"
        return
    fi
    for ((n = 1; n <= INSTANCES; n++)); do
        printf '%s ' "$(($(port_of "$svc") + 100 * n))"
    done
    echo
}

# The processes to run: "name port" per line; one per service, or FLOWLENS_SERVICE_INSTANCES per service (name svc-n).
units() {
    local svc n port
    for svc in "${SERVICES[@]}"; do
        if ((INSTANCES == 1)); then
            echo "$svc $(port_of "$svc")"
            continue
        fi
        n=0
        for port in $(instance_ports "$svc"); do
            n=$((n + 1))
            echo "$svc-$n $port"
        done
    done
}

start_one() {
    local unit="$1" port="$2" svc="${1%-[0-9]*}" pid
    if pid="$(pid_running "$STATE/$unit.pid" "$svc.jar")"; then
        log "$unit already running (pid $pid, port $port)"
        return
    fi
    require_free_port "$port" "$unit"
    local java_opts database
    # WRITE_DELAY=0: H2 writes each commit through, so an answered write survives a kill -9
    database=(FLOWLENS_DB_URL="jdbc:h2:file:$STATE/data/$svc;WRITE_DELAY=0")
    if [[ "$DB_KIND" == postgres ]]; then
        database=(FLOWLENS_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$svc" FLOWLENS_DB_USER=flowlens
                  FLOWLENS_DB_PASSWORD="$(cat "$("$HERE/stack.sh" secret-file postgres)")")
    fi
    mapfile -t java_opts < <("$HERE/service-jvm.sh" options "$svc")  # heap, GC, AOT cache, FLOWLENS_JAVA_OPTS
    # Helidon's static content (the Swagger UI's assets) copies each jar entry it serves to a temp file it never
    # deletes: each run gets a temp dir of its own, emptied here, instead of leaving them in /tmp.
    local tmp="$STATE/tmp/$unit"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # service.instance.id tells the JVMs of one service apart in every span (users-1 and users-2 behind the balancer;
    # the stack's name first unless it is the default one); attributes set by the caller come last, so they win.
    local instance_id="$unit"
    [[ "$INSTANCE" == default ]] || instance_id="$INSTANCE/$unit"
    # The services read these through MicroProfile Config (env names map to the property keys).
    start_detached "$STATE/$unit.pid" "$STATE/$unit.log" env \
        SERVER_PORT="$port" \
        OTEL_EXPORTER_OTLP_ENDPOINT="$OTLP_ENDPOINT" \
        OTEL_RESOURCE_ATTRIBUTES="service.instance.id=$instance_id${OTEL_RESOURCE_ATTRIBUTES:+,$OTEL_RESOURCE_ATTRIBUTES}" \
        USERS_MP_REST_URL="http://127.0.0.1:$USERS_PORT" \
        ORDERS_MP_REST_URL="http://127.0.0.1:$ORDERS_PORT" \
        PAYMENTS_MP_REST_URL="http://127.0.0.1:$PAYMENTS_PORT" \
        "${database[@]}" \
        FLOWLENS_ADMIN_TOKEN="$(admin_token)" \
        "$JAVA_HOME/bin/java" -Djava.io.tmpdir="$tmp" "${java_opts[@]}" -jar "$ROOT/$svc/target/$svc.jar"
    # C2 at the lowest priority until the service is ready (see the script); it ends by itself, at most after 90 s
    (close_lock_fds; exec "$HERE/jit-behind-start.py" "$(cat "$STATE/$unit.pid")" "$port") \
        </dev/null >>"$STATE/$unit.log" 2>&1 &
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
    [[ "$INSTANCES" =~ ^[1-9]$ ]] || die "FLOWLENS_SERVICE_INSTANCES must be 1 to 9 (got '$INSTANCES')"
    # the instances of a service must share its data: an embedded H2 file belongs to one process
    ((INSTANCES == 1)) || [[ "$DB_KIND" == postgres ]] || die "FLOWLENS_SERVICE_INSTANCES=$INSTANCES needs FLOWLENS_DB=postgres"
    JAVA_HOME="$(find_java21)"
    export JAVA_HOME
    ensure_built
    "$HERE/service-jvm.sh" cache  # the first start after a build trains the AOT caches; a no-op while they are fresh
    mkdir -p "$STATE/data"
    local unit port t0 pid
    t0="$(now_ms)"
    ((INSTANCES == 1)) || balancer_start
    while read -r unit port; do
        start_one "$unit" "$port"
    done < <(units)
    while read -r unit port; do
        pid="$(cat "$STATE/$unit.pid")"
        wait_http "http://127.0.0.1:$port/health/ready" 90 "$unit" "$STATE/$unit.log" "$pid"
        log "$unit ready on :$port (pid $pid, $(rss_mb "$pid") RSS)"
    done < <(units)
    ((INSTANCES == 1)) || balancer_wait
    log "services up in $(elapsed "$t0") on $DB_KIND; traces go to $OTLP_ENDPOINT"
}

# --- the balancer (FLOWLENS_SERVICE_INSTANCES > 1, or `balancer start` for instances started elsewhere, e.g. by a test) ---

# One "listen" section per service: its usual port in front of its instances, which leave the rotation while
# /health/ready fails (checked every second, out after 2 failures, back after 2 successes).
balancer_config() {
    local svc n port retry
    cat <<CONFIG
# Generated by bin/services.sh on every start; edits are overwritten.
global
    maxconn 2000
    log stderr format raw daemon notice

defaults
    mode http
    log global
    option dontlog-normal
    timeout connect 1s
    timeout client 120s
    timeout server 120s
    timeout check 2s
    # a connection refused by a dead instance is tried again on another one, not on the same
    retries 2
    option redispatch 1
    default-server inter 1s fall 2 rise 2
CONFIG
    for svc in "${SERVICES[@]}"; do
        # users, orders and payments are called by the services, whose every write carries an Idempotency-Key: a
        # request cut off by an instance's death is safe to replay on the other one. The orchestrator's callers may
        # send no key, so a full flow is never replayed (it could run twice); only a refused connection is retried.
        retry="conn-failure empty-response"
        [[ "$svc" != orchestrator ]] || retry="conn-failure"
        printf '\nlisten %s\n    bind 127.0.0.1:%s\n    balance roundrobin\n    retry-on %s\n' \
            "$svc" "$(port_of "$svc")" "$retry"
        # HTTP/1.1 with a Host header: Helidon answers a check without one (HAProxy's default) 400
        printf '    option httpchk\n    http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host 127.0.0.1\n'
        printf '    http-check expect status 200\n'
        n=0
        for port in $(instance_ports "$svc"); do
            n=$((n + 1))
            printf '    server %s-%s 127.0.0.1:%s check\n' "$svc" "$n" "$port"
        done
    done
}

balancer_start() {
    local pid haproxy svc
    if pid="$(pid_running "$BALANCER_PID" "$BALANCER_CONFIG")"; then
        log "haproxy already running (pid $pid)"
        return
    fi
    haproxy="$(command -v haproxy || echo /usr/sbin/haproxy)"
    [[ -x "$haproxy" ]] || die "no haproxy: install Debian's package (bin/stack.sh install does as root)"
    for svc in "${SERVICES[@]}"; do
        require_free_port "$(port_of "$svc")" "$svc balancer"
    done
    mkdir -p "$STATE"
    balancer_config >"$BALANCER_CONFIG"
    "$haproxy" -c -q -f "$BALANCER_CONFIG" || die "haproxy refused $BALANCER_CONFIG"
    # -db: stays in the foreground, so the pid file is haproxy's own and stop_pid can end it
    start_detached "$BALANCER_PID" "$STATE/haproxy.log" "$haproxy" -db -f "$BALANCER_CONFIG"
    log "haproxy (pid $(cat "$BALANCER_PID")) on the services' ports; config $BALANCER_CONFIG"
}

balancer_wait() {
    local svc
    for svc in "${SERVICES[@]}"; do
        wait_http "http://127.0.0.1:$(port_of "$svc")/health/ready" 30 "haproxy for $svc" "$STATE/haproxy.log" \
            "$(cat "$BALANCER_PID")"
    done
}

balancer_stop() {
    stop_pid "$BALANCER_PID" "$BALANCER_CONFIG" haproxy 10
}

cmd_balancer() {
    case "${1:-}" in
        start) balancer_start; balancer_wait ;;
        stop) balancer_stop ;;
        *) echo "usage: $0 balancer start|stop" >&2; exit 2 ;;
    esac
}

# Every unit that has a pid file, whichever FLOWLENS_SERVICE_INSTANCES started it.
started_units() {
    local svc file
    for svc in orchestrator payments orders users; do
        for file in "$STATE/$svc.pid" "$STATE/$svc"-[0-9].pid; do
            [[ -e "$file" ]] && basename "$file" .pid
        done
    done
    return 0
}

cmd_stop() {
    local unit
    for unit in $(started_units); do
        stop_pid "$STATE/$unit.pid" "${unit%-[0-9]*}.jar" "$unit" 20
    done
    [[ ! -e "$BALANCER_PID" ]] || balancer_stop
}

cmd_status() {
    local unit port pid
    while read -r unit port; do
        if pid="$(pid_running "$STATE/$unit.pid" "${unit%-[0-9]*}.jar")"; then
            printf '  %-15s pid %-7s :%-5s %-6s %s\n' "$unit" "$pid" "$port" "$(rss_mb "$pid")" \
                "$(curl -s -m 2 "http://127.0.0.1:$port/health" || echo 'no answer')"
        else
            printf '  %-15s stopped       :%s\n' "$unit" "$port"
        fi
    done < <(units)
    if pid="$(pid_running "$BALANCER_PID" "$BALANCER_CONFIG")"; then
        printf '  %-15s pid %-7s ports %s %s %s %s\n' haproxy "$pid" "$ORCHESTRATOR_PORT" "$USERS_PORT" \
            "$ORDERS_PORT" "$PAYMENTS_PORT"
    fi
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status|health) cmd_status ;;
    balancer) shift; cmd_balancer "$@" ;;
    *) echo "usage: $0 start|stop|status|health|balancer start|stop" >&2; exit 2 ;;
esac
