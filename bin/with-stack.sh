#!/usr/bin/env bash
# bin/with-stack.sh [--services] COMMAND...   runs COMMAND with the backends up (Elasticsearch, Jaeger, the span
# indexer, the console; with --services the four services of `make up` too) and, when nothing of the stack was running
# before, stops what it started once COMMAND ends: on success, on failure and on Ctrl-C. A stack that was running
# before, even in part, is someone's (`make up`, `make demo`): what is missing is started and all of it stays up.
# The benchmarks run through it: left running after them, the idle backends held ~1.2 GB (Elasticsearch 812 MB).
# Keeps COMMAND's exit status.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"

services=0
if [[ "${1:-}" == --services ]]; then
    services=1
    shift
fi
[[ $# -ge 1 ]] || die "usage: $0 [--services] COMMAND..."

# each status exits non-zero while a part is stopped, so its lines are read, not its exit status
stack_running() {
    local backends units
    backends="$("$HERE/stack.sh" status 2>/dev/null || true)"
    units="$("$HERE/services.sh" status 2>/dev/null || true)"
    [[ "$backends" == *" running "* || "$units" == *" pid "* ]]
}

stop_what_was_started() {
    log "with-stack: stopping the stack it started"
    ((services == 0)) || "$HERE/services.sh" stop || true
    "$HERE/stack.sh" down || true
}

if ! stack_running; then
    trap stop_what_was_started EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
fi
"$HERE/stack.sh" up
((services == 0)) || "$HERE/services.sh" start
"$@"
