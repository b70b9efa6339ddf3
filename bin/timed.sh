#!/usr/bin/env bash
# bin/timed.sh NAME COMMAND...   runs COMMAND and, when it succeeds, records its wall time in
# $STACK_DIR/timings/NAME.json with the commit it ran on. `make test` runs through it so that `make bench` can put the
# suite's duration into its summary (issue 15: "make test, warm caches") without running the suite itself. A failed
# run records nothing and keeps COMMAND's exit status.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"

[[ $# -ge 2 ]] || die "usage: $0 NAME COMMAND..."
name="$1"
shift
started="$(date +%s)"
"$@"
mkdir -p "$STACK_DIR/timings"
commit="$(git -C "$FLOWLENS_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf '{"seconds": %d, "commit": "%s", "finished": "%s"}\n' "$(($(date +%s) - started))" "$commit" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" >"$STACK_DIR/timings/$name.json"
log "$name: $(($(date +%s) - started)) s (recorded in $STACK_DIR/timings/$name.json)"
