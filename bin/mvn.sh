#!/usr/bin/env bash
# Maven with a JDK 21+ found on this machine (the default java may be 17), in batch mode.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bin/lib.sh
source "$HERE/lib.sh"
JAVA_HOME="$(find_java21)"
export JAVA_HOME
# Maven's own JVM on C1 only: a build lives a minute or two, and C2's compiling never pays off in it (everything before
# system-tests: 74 s -> 54-56 s with the test JVMs on C1 too, perf/results/PROFILES.md "C1 for the JVMs that live one
# test run"). A caller's MAVEN_OPTS come last, so they win.
export MAVEN_OPTS="-XX:TieredStopAtLevel=1${MAVEN_OPTS:+ $MAVEN_OPTS}"
cd "$HERE/.."
exec mvn -B "$@"
