#!/usr/bin/env python3
"""Start a Tauri binary under the current DISPLAY, time process start to its
first paint (the "SHIPDECK_READY" line it prints once the page has drawn a
frame), let it idle, and sum the memory of its process tree (the app plus
WebKit's web and network processes).

    measure.py RUNS BINARY [ARGS...]   -> one JSON line per run on stdout
"""
import json
import os
import select
import signal
import subprocess
import sys
import time

IDLE_SECONDS = 3.0
TIMEOUT_SECONDS = 60.0


def children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            kids.append(int(entry))
    return kids


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def memory_kib(pid):
    """(RSS, PSS) in KiB summed over the process tree."""
    rss = pss = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def run_once(argv):
    env = dict(os.environ, SHIPDECK_BENCH="1")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    ready = None
    buf = b""
    deadline = start + TIMEOUT_SECONDS
    while ready is None and time.perf_counter() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.05)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            if b"SHIPDECK_READY" in buf and b"\n" in buf.split(b"SHIPDECK_READY", 1)[1]:
                ready = time.perf_counter()
                page_ms = float(buf.split(b"SHIPDECK_READY", 1)[1].split(b"\n", 1)[0] or 0)
    if ready is None:
        os.killpg(proc.pid, signal.SIGKILL)
        raise SystemExit(f"{argv[0]} never reported its first paint")
    time.sleep(IDLE_SECONDS)
    rss, pss = memory_kib(proc.pid)
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return {"first_paint_ms": round((ready - start) * 1000, 1), "page_ms": page_ms, "rss_kib": rss,
            "pss_kib": pss}


def main():
    runs = int(sys.argv[1])
    argv = sys.argv[2:]
    for _ in range(runs):
        print(json.dumps(run_once(argv)), flush=True)


if __name__ == "__main__":
    main()
