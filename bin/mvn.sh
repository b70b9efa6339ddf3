#!/usr/bin/env bash
# Maven with a JDK 21+ found on this machine (the default java may be 17), in batch mode.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"
JAVA_HOME="$(find_java21)"
export JAVA_HOME
cd "$HERE/.."
exec mvn -B "$@"
