# shellcheck shell=bash
# Helpers shared by the scripts in bin/. Source it; it defines functions and a few variables, nothing runs.
#
#   FLOWLENS_ROOT  the repository root, derived from this file's location (works from any cwd)
#   STACK_DIR      runtime state (downloads, binaries, data, logs, pid files); git-ignored.
#                  FLOWLENS_STACK_DIR overrides it so tests can run a second, isolated instance.

FLOWLENS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck disable=SC2034  # used by the scripts that source this file
STACK_DIR="${FLOWLENS_STACK_DIR:-$FLOWLENS_ROOT/.stack}"
JVM_DIR="${FLOWLENS_JVM_DIR:-/usr/lib/jvm}"   # where system JDKs live (overridable for tests)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Milliseconds since the epoch; used to print how long each step took.
now_ms() { date +%s%3N; }
elapsed() { # START_MS -> "12.3s"
    local ms=$(( $(now_ms) - $1 ))
    printf '%d.%ds' $(( ms / 1000 )) $(( (ms % 1000) / 100 ))
}

# --- JDK ------------------------------------------------------------------------------------------

# Major version of the JDK at $1 (e.g. 25), or nothing when it is not a JDK.
# The `release` file is read first because it costs nothing; `java -version` is the fallback for
# JDKs unpacked without one.
java_major() {
    local home="$1" v=""
    [[ -x "$home/bin/java" ]] || return 0
    if [[ -f "$home/release" ]]; then
        v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
    fi
    if [[ -z "$v" ]]; then
        v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
    fi
    v="${v#1.}"          # "1.8.0_x" style → 8
    printf '%s' "${v%%[.+-]*}"
}

# Prints a JAVA_HOME for a JDK 21+, or fails listing what it saw.
# Order: $JAVA_HOME when it is 21+, else the newest >= 21 under $JVM_DIR, Temurin first on a tie.
# The default `java` on the PATH is deliberately ignored: on this kind of machine it is often 17.
find_java21() {
    local seen=() major
    if [[ -n "${JAVA_HOME:-}" ]]; then
        major="$(java_major "$JAVA_HOME")"
        if [[ -n "$major" && "$major" -ge 21 ]]; then
            printf '%s\n' "$JAVA_HOME"
            return 0
        fi
        seen+=("JAVA_HOME=$JAVA_HOME (${major:-not a JDK})")
    fi
    local best="" best_key="" dir key
    for dir in "$JVM_DIR"/*/; do
        dir="${dir%/}"
        [[ -d "$dir" ]] || continue
        major="$(java_major "$dir")"
        seen+=("$dir (${major:-no bin/java})")
        [[ -n "$major" && "$major" -ge 21 ]] || continue
        # sortable key: major version, then 1 for Temurin so it wins over other vendors of the same major
        key="$(printf '%04d%d' "$major" "$([[ "$dir" == *temurin* ]] && echo 1 || echo 0)")"
        if [[ -z "$best" || "$key" > "$best_key" ]]; then
            best="$dir"
            best_key="$key"
        fi
    done
    if [[ -n "$best" ]]; then
        printf '%s\n' "$best"
        return 0
    fi
    {
        echo "ERROR: no JDK 21+ found. Set JAVA_HOME to one, or install one under $JVM_DIR."
        echo "Looked at:"
        if ((${#seen[@]})); then printf '  %s\n' "${seen[@]}"; else echo "  (nothing)"; fi
    } >&2
    return 1
}

# --- ports and HTTP -------------------------------------------------------------------------------

# Succeeds when something listens on 127.0.0.1:PORT (any address actually), printing who it is.
port_in_use() {
    local port="$1" who
    who="$(ss -Hltnp "sport = :$port" 2>/dev/null || true)"
    if [[ -n "$who" ]]; then
        # users:(("java",pid=123,fd=4)) → java pid=123
        printf '%s\n' "$(sed -n 's/.*users:((\"\([^\"]*\)\",\(pid=[0-9]*\).*/\1 \2/p' <<<"$who" | head -n1)"
        return 0
    fi
    # No ss (or no permission to see sockets): fall back to a plain connect.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "unknown process"
        return 0
    fi
    return 1
}

# Fails with a clear message when PORT is taken, instead of letting a server hang or die later.
require_free_port() { # PORT WHAT
    local who
    if who="$(port_in_use "$1")"; then
        die "port $1 ($2) already in use by ${who:-unknown process}; stop it or choose another port (see stack/README.md)"
    fi
}

# Polls URL until it answers 2xx. On timeout (or when PID dies first) prints the log tail and fails.
# WAIT_HTTP_CURL_ARGS: extra curl options, one per line (e.g. --netrc-file and its path for a secured ES).
wait_http() { # URL TIMEOUT_S NAME LOGFILE [PID]
    local url="$1" timeout="$2" name="$3" logfile="$4" pid="${5:-}" extra=()
    local deadline=$(( $(date +%s) + timeout ))
    [[ -z "${WAIT_HTTP_CURL_ARGS:-}" ]] || mapfile -t extra <<<"$WAIT_HTTP_CURL_ARGS"
    while (( $(date +%s) < deadline )); do
        if curl -fsS -o /dev/null --max-time 2 "${extra[@]}" "$url" 2>/dev/null; then
            return 0
        fi
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            printf 'ERROR: %s exited while starting (pid %s). Last lines of %s:\n' "$name" "$pid" "$logfile" >&2
            tail -n 40 "$logfile" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.5
    done
    printf 'ERROR: %s not ready after %ss (%s). Last lines of %s:\n' "$name" "$timeout" "$url" "$logfile" >&2
    tail -n 40 "$logfile" >&2 2>/dev/null || true
    return 1
}

# --- locks ------------------------------------------------------------------------------------------
# Serialise installs and up/down: two terminals running `up` must not race. The lock lives as long as
# the fd; servers we start must not inherit it, or they would hold the lock until they exit
# (close_lock_fds runs in each child before it execs a server).
LOCK_FDS=()

take_lock() { # FILE
    local fd
    mkdir -p "$(dirname "$1")"
    exec {fd}>"$1"
    LOCK_FDS+=("$fd")
    flock -w 900 "$fd" || die "timed out waiting for lock $1 (another bin/stack.sh still running?)"
}

close_lock_fds() {
    local fd
    for fd in "${LOCK_FDS[@]}"; do
        exec {fd}>&-
    done
}

# --- pid files --------------------------------------------------------------------------------------
# We only ever signal a pid read from our own pid file, and only if its command line still matches
# what we started: a stale pid file after a reboot must not make us kill an unrelated process.

# Prints the pid from PIDFILE when that process is alive and its command line contains MATCH.
pid_running() { # PIDFILE MATCH
    local pidfile="$1" match="$2" pid
    [[ -s "$pidfile" ]] || return 1
    pid="$(tr -dc '0-9' <"$pidfile")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$match" || return 1
    printf '%s\n' "$pid"
}

# Starts a command detached from this shell (own session, no stdin), appends its output to LOGFILE
# and records its pid. setsid keeps Ctrl-C in the calling terminal from reaching the server.
# The pid is written from inside the new session just before exec: setsid forks when the caller is a
# process-group leader (job control on), so "$!" would be the wrong process there.
start_detached() { # PIDFILE LOGFILE CMD...
    local pidfile="$1" logfile="$2"
    shift 2
    rm -f "$pidfile"
    # shellcheck disable=SC2016  # $$ and $@ must expand in the inner bash, not here
    (close_lock_fds; exec setsid bash -c 'printf "%s\n" "$$" >"$0"; exec "$@"' "$pidfile" "$@") \
        >>"$logfile" 2>&1 </dev/null &
    for _ in $(seq 1 50); do # the pid file appears within milliseconds; this only bounds the wait
        [[ -s "$pidfile" ]] && return 0
        sleep 0.1
    done
    die "could not start $1 (no pid file after 5s); see $logfile"
}

# SIGTERM, wait up to TIMEOUT_S for the exit, then SIGKILL. Removes the pid file. No-op when not running.
stop_pid() { # PIDFILE MATCH NAME [TIMEOUT_S]
    local pidfile="$1" match="$2" name="$3" timeout="${4:-30}" pid t0
    if ! pid="$(pid_running "$pidfile" "$match")"; then
        [[ -e "$pidfile" ]] && rm -f "$pidfile"
        log "$name: not running"
        return 0
    fi
    t0="$(now_ms)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + timeout ))
    while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < deadline )); do
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name: still running after ${timeout}s, sending SIGKILL to pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
    log "$name: stopped pid $pid in $(elapsed "$t0")"
}

# Resident memory of PID in MB (from /proc), or "?" when unknown.
rss_mb() {
    local kb
    kb="$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null)"
    if [[ -n "$kb" ]]; then echo "$(( kb / 1024 ))MB"; else echo "?"; fi
}
