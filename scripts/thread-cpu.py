#!/usr/bin/env python3
"""Which threads of an eqprop JVM use the CPU, over time (Linux /proc only).

Runs a command (an `./eqprop ...` line), finds its JVM, and every --interval seconds adds up the CPU
time of its threads by kind: the JIT compilers (C2, C1), the garbage collector (GC), the main thread
and the backend's workers. Prints the command's output lines with the time they appeared, then one
line per interval, the CPU in percent of one core per kind. Used for docs/benchmarks.md, "The first
epoch": while C2 compiles, it takes a core from the two the training threads run on.

    python3 scripts/thread-cpu.py -- ./eqprop train --preset paper-1h --epochs 4 --out /tmp/t --force
"""
import argparse
import collections
import os
import subprocess
import sys
import threading
import time

TICKS = os.sysconf("SC_CLK_TCK")


def kind(name):
    if name.startswith("C2 "):
        return "C2"
    if name.startswith("C1 "):
        return "C1"
    if name.startswith("G1 ") or name.startswith("GC ") or "GC Thread" in name:
        return "GC"
    if name == "java":
        return "main"
    return name


def cpu_by_thread(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[(tid, name)] = int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass  # the thread ended
    return out


def jvm_of(pid):
    """The JVM the launcher started: the process itself or its descendant running java."""
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() == "java":
                    return p
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=0.25, help="seconds per line (default 0.25)")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("no command given: thread-cpu.py -- ./eqprop train ...")
    if not os.path.isdir("/proc/self/task"):
        sys.exit("thread-cpu.py: needs Linux's /proc")
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []

    def read():
        for line in proc.stdout:
            lines.append((time.time() - start, line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    jvm = None
    while jvm is None and proc.poll() is None:
        jvm = jvm_of(proc.pid)
        time.sleep(0.02)
    rows, before = [], {}
    while jvm is not None and proc.poll() is None:
        try:
            now = cpu_by_thread(jvm)
        except OSError:
            break
        used = collections.Counter()
        for key, ticks in now.items():
            used[kind(key[1])] += ticks - before.get(key, 0)
        before = now
        rows.append((time.time() - start, used))
        time.sleep(a.interval)
    proc.wait()
    reader.join(timeout=5)
    for t, line in lines:
        if line.strip():
            print(f"{t:6.2f} s  {line[:100]}")
    print(f"CPU per {a.interval} s, in % of one core:")
    for t, used in rows[1:]:
        share = {k: 100.0 * v / TICKS / a.interval for k, v in used.items() if v > 0}
        print(f"{t:6.2f} s  " + "  ".join(f"{k} {v:.0f}" for k, v in sorted(share.items(), key=lambda kv: -kv[1])[:6]))
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
