"""CPU time and context switches per request, by server thread, for one path or more. Run through
bench/cpu:

    bench/cpu PATH...      e.g. bench/cpu /healthz /products/solid-oak-coffee-table

Throughput moves with whatever else this machine is doing; the CPU a request costs does not, nearly,
and the context switches it causes not at all. They are what found the pool's ping on release (a
second round trip to SQLite's thread per read: six switches per product page, where three do).

For each path, on the current release build (target/release/tienda) and a demo SQLite database of
its own, every cache off: the server on CPU 0 with one tokio worker, wrk on CPU 1 with
BENCH_CONNECTIONS connections (64), BENCH_WARM seconds of warm-up (2) and then BENCH_SECONDS
measured (4). Each thread's CPU time is read from /proc/PID/task/TID/schedstat (nanoseconds) and
split into user and system time by its ticks in `stat`; its switches from `status`. Threads are
grouped by name without their number (SQLite's connections are one thread each). Never part of the
test suite.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from measure import BIN, ROOT, free_port, latency_ms, serving

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
WARM = int(os.environ.get("BENCH_WARM", "2"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))


def thread_counters(pid):
    """Per thread group: [cpu ns, user ticks, system ticks, voluntary switches, involuntary switches]."""
    groups = defaultdict(lambda: [0, 0, 0, 0, 0])
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            cpu_ns = int((task / "schedstat").read_text().split()[0])
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            status = (task / "status").read_text()
        except OSError:
            continue  # the thread ended between the listing and the read
        switches = dict(re.findall(r"^(\w+_ctxt_switches):\s+(\d+)", status, re.M))
        group = groups[re.sub(r"[-_ ]?\d+$", "", name) or name]
        group[0] += cpu_ns
        group[1] += int(fields[11])
        group[2] += int(fields[12])
        group[3] += int(switches.get("voluntary_ctxt_switches", 0))
        group[4] += int(switches.get("nonvoluntary_ctxt_switches", 0))
    return groups


def wrk(url, seconds):
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return requests, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), latency_ms(out, 99), \
        int(non_2xx.group(1)) if non_2xx else 0


def measure(env, port, path):
    with serving(env, port) as proc:
        url = f"http://127.0.0.1:{port}{path}"
        wrk(url, WARM)
        before = thread_counters(proc.pid)
        requests, rps, p99, non_2xx = wrk(url, SECONDS)
        after = thread_counters(proc.pid)
    tick_ns = 1e9 / os.sysconf("SC_CLK_TCK")
    print(f"\n{path}: {rps:,.0f} req/s, p99 {p99:.2f} ms, {requests:,} requests"
          + (f", {non_2xx:,} not 2xx or 3xx" if non_2xx else ""))
    print(f"  {'thread':<22} {'CPU µs/req':>10} {'user':>7} {'system':>7} {'vol. sw/req':>11} {'invol. sw/req':>13}")
    total_ns = 0
    for name in sorted(after, key=lambda n: -(after[n][0] - before.get(n, [0] * 5)[0])):
        delta = [a - b for a, b in zip(after[name], before.get(name, [0] * 5))]
        if delta[0] <= 0 and delta[3] + delta[4] == 0:
            continue
        total_ns += delta[0]
        # Ticks split the precise time in the proportion they give (they are 10 ms coarse).
        ticks = delta[1] + delta[2]
        user = delta[0] * delta[1] / ticks if ticks else 0
        system = delta[0] * delta[2] / ticks if ticks else 0
        print(f"  {name:<22} {delta[0] / 1e3 / requests:>10.1f} {user / 1e3 / requests:>7.1f} "
              f"{system / 1e3 / requests:>7.1f} {delta[3] / requests:>11.2f} {delta[4] / requests:>13.2f}")
    print(f"  {'all threads':<22} {total_ns / 1e3 / requests:>10.1f}"
          f"   (one core at {100 * total_ns / 1e9 / SECONDS:.0f} %; a tick is {tick_ns / 1e6:.0f} ms)")


def main():
    paths = sys.argv[1:]
    if not paths or any(not p.startswith("/") for p in paths):
        sys.exit("usage: bench/cpu PATH...   (each path starting with /)")
    if not BIN.exists():
        sys.exit(f"no {BIN}: build it first (cargo leptos build --release --precompress --split)")
    data = Path(tempfile.mkdtemp(prefix="tienda-cpu-"))
    port = free_port()
    env = dict(os.environ, TOKIO_WORKER_THREADS="1", TIENDA_CACHE_TTL_SECS="0", DATABASE_URL=f"sqlite://{data / 'tienda.db'}",
               TIENDA_MEDIA_DIR=str(data / "media"), TIENDA_PORT=str(port), TIENDA_LOG="warn",
               TIENDA_SITE_ROOT=str(ROOT / "target/site"))
    try:
        subprocess.run([str(BIN), "seed"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"server on CPU 0 (one tokio worker, every cache off), wrk on CPU 1 with {CONNECTIONS} connections, "
              f"{WARM} s warm-up, {SECONDS} s measured")
        for path in paths:
            measure(env, port, path)
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
