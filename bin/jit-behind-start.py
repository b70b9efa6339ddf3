#!/usr/bin/env python3
"""Keeps a starting service JVM's C2 compiler behind its start, and gives it its priority back once it is ready.

Usage: bin/jit-behind-start.py PID PORT   (run beside the JVM from its launch: bin/services.sh and bin/bench.py do)

Four services starting at once on 2 cores are CPU-bound, and HotSpot's C2 is the largest single part of a start (35 %
of its CPU): it compiles what the start calls thousands of times (class loading, the class-file API, zip, regex),
while the interpreter and C1 code that the start actually runs on wait for the core. At the lowest priority (nice 19)
until /health/ready answers 200, C2 gets hardly any CPU while the start has work; from then on it has its usual
priority, compiles what the service's requests make hot, and a queued start-up method that is no longer called is
dropped from its queue as stale instead of compiled. Side by side (perf/results/PROFILES.md, "C2 behind the
start"): four ready in 4.7 s instead of 6.0, and 1.2 CPU-s less spent by the end of the first 200 flows.

Only for the start: the compilers at a lower priority for good (`-XX:CompilerThreadPriority`, tried on 2026-12-04)
made the start faster too, but starved the JIT under load, and the flow then needed twice as long to warm up. So this
runs only where the priority can be raised again: lowering a priority needs no privilege, raising it needs root (or
RLIMIT_NICE); elsewhere it changes nothing. FLOWLENS_JIT_BEHIND_START=off switches it off (bench.py's comparison).
"""
import os
import signal
import socket
import sys
import time

COMPILER_THREAD = "C2 CompilerThre"  # HotSpot's "C2 CompilerThread<N>", as the kernel keeps it (15 characters)
STARTING_THREAD = "java"  # what a new thread is called until it names itself
BEHIND = 19
# The first compiler threads are created before main() runs and are looked for every 10 ms; once one is found, every
# 100 ms, with the readiness check (a JVM on more cores adds C2 threads as its queue grows), since every scan costs
# CPU that a start is short of. The whole script costs ~0.12 CPU-s per start, most of it Python's own start.
FIRST_SCAN_S = 0.01
SCAN_S = 0.1
DEADLINE_S = 90.0  # bin/services.sh gives a start 90 s; a service that never gets ready gets its C2 back then


def may_raise_back():
    """Whether this process may raise a priority it lowered: tried on itself, by one step down and back."""
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    if mine >= BEHIND:
        return False
    os.setpriority(os.PRIO_PROCESS, 0, mine + 1)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, mine)
        return True
    except PermissionError:
        return False


def ready(port):
    """Whether GET /health/ready answers 200. By hand on a socket: importing http.client would be a third of this
    script's CPU, which is taken from the start it is there to speed up."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            # HTTP/1.1: Helidon 4 answers an HTTP/1.0 request 400
            connection.sendall(f"GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                               .encode())
            status_line = connection.makefile("rb").readline()
    except OSError:
        return False
    return status_line.split(b" ")[1:2] == [b"200"]


def thread_name(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/comm") as comm:
        return comm.read().rstrip("\n")


def hold_back(pid, port, lowered):
    """Lowers every C2 compiler thread of `pid` as it appears, until the service is ready, the deadline passes or the
    JVM exits; records each in `lowered` (thread id: its priority before) as it goes, so that a stop midway gives
    them all back."""
    others = set()
    began = time.monotonic()
    next_ready_poll = began
    while time.monotonic() - began < DEADLINE_S:
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            break  # the JVM is gone
        for tid in threads:
            if tid in lowered or tid in others:
                continue
            try:
                name = thread_name(pid, tid)
                if name.startswith(COMPILER_THREAD):
                    lowered[tid] = os.getpriority(os.PRIO_PROCESS, int(tid))
                    os.setpriority(os.PRIO_PROCESS, int(tid), BEHIND)
                elif name != STARTING_THREAD:
                    others.add(tid)
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that ended meanwhile
        if time.monotonic() >= next_ready_poll:
            if ready(port):
                break
            next_ready_poll = time.monotonic() + SCAN_S
        time.sleep(SCAN_S if lowered else FIRST_SCAN_S)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    if os.environ.get("FLOWLENS_JIT_BEHIND_START", "on") == "off" or not may_raise_back():
        return
    # stopped with its caller (SIGTERM, SIGINT): the priorities are given back all the same
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    lowered = {}
    try:
        hold_back(pid, port, lowered)
    finally:
        for tid, priority in lowered.items():
            try:
                os.setpriority(os.PRIO_PROCESS, int(tid), priority)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    main()
