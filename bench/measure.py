"""Measures a release build of Tienda on this machine. Run through bench/run.

The server runs pinned to CPU 0 and wrk to CPU 1, so the server has exactly one core.
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/tienda"
WASM = ROOT / "target/site/pkg/tienda.wasm"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 64
PRODUCT = "/products/solid-oak-coffee-table"
# The REST API's busiest reads, as an app's first screen and detail view make them.
API_LIST = "/api/v1/products?limit=24&offset=0"
API_ONE = "/api/v1/products/7"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(port, path):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            return int(s.recv(64).split()[1])
    except OSError:
        return None


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server(env, port):
    """Starts the server on CPU 0; returns (process, milliseconds from exec to a 200 from /readyz)."""
    started = time.perf_counter()
    proc = subprocess.Popen(["taskset", "-c", "0", str(BIN), "serve"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while status_of(port, "/readyz") != 200:
        if proc.poll() is not None:
            sys.exit("the server exited during start-up")
        time.sleep(0.001)
    return proc, (time.perf_counter() - started) * 1000


def wrk(port, path):
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"path": path, "requests_per_sec": rps, "p99_ms": round(p99_ms, 3),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": errors.group(1) if errors else "none"}


def sizes():
    raw = WASM.read_bytes()
    brotli = subprocess.run(["brotli", "-c", "-q", "11", str(WASM)], capture_output=True, check=True).stdout
    return {"wasm_raw_kb": round(len(raw) / 1024, 1),
            "wasm_gzip_kb": round(len(gzip.compress(raw, 9)) / 1024, 1),
            "wasm_brotli_kb": round(len(brotli) / 1024, 1),
            "server_binary_mb": round(BIN.stat().st_size / 1024 / 1024, 1)}


def load_runs(base_env, port, cache_ttl):
    """Load runs (pages, /healthz, the API) against a server with the given cache TTL; returns (runs, rss at start, rss after)."""
    env = dict(base_env, TIENDA_CACHE_TTL_SECS=str(cache_ttl))
    proc, _ = start_server(env, port)
    try:
        time.sleep(1)
        idle_start = rss_kib(proc.pid)
        runs = [wrk(port, "/products"), wrk(port, PRODUCT), wrk(port, "/healthz"), wrk(port, API_LIST), wrk(port, API_ONE)]
        time.sleep(2)
        idle_after = rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    return runs, idle_start, idle_after


def admin_token(port):
    body = json.dumps({"email": "admin@mail.com", "password": "admin123"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["access_token"]


def write_run(base_env, port, synchronous):
    """Product price changes through the API (one write transaction each, the products in turn) with SQLite's
    `synchronous` at `full` (the default: acknowledged writes survive a power loss) or `normal`."""
    env = dict(base_env, TIENDA_SQLITE_SYNCHRONOUS=synchronous, TIENDA_API_WRITES_PER_MINUTE="1000000000")
    proc, _ = start_server(env, port)
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    try:
        token = admin_token(port)
        script.write_text(
            'wrk.method = "PUT"\n'
            'wrk.body = \'{"price": 12.5}\'\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Bearer {token}"\n'
            # Each request another product (the 51 demo products in turn): two changes of one
            # product at once would be refused as stale edits, which measures nothing.
            'local id = 0\n'
            'request = function()\n'
            '  id = id % 51 + 1\n'
            '  return wrk.format(nil, "/api/v1/products/" .. id)\n'
            'end\n')
        out = subprocess.run(
            ["taskset", "-c", "1", "wrk", "-t1", "-c8", f"-d{SECONDS}s", "--latency", "-s", str(script),
             f"http://127.0.0.1:{port}{API_ONE}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        script.unlink()
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"sqlite_synchronous": synchronous, "writes_per_sec": rps,
            "p99_ms": round(float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)], 3),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0}


def print_runs(label, runs):
    targets = {"/products": "≥ 5000 req/s", PRODUCT: "p99 ≤ 5 ms, ≥ 20 % of /healthz", "/healthz": "reference",
               API_LIST: "≥ 10000 req/s", API_ONE: "≥ 10000 req/s"}
    health = runs[2]["requests_per_sec"]
    print(f"\n{label}")
    print(f"{'what':<40} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}  target")
    for run in runs:
        print(f"{run['path']:<40} {run['requests_per_sec']:>10.0f} {run['p99_ms']:>8.2f} {run['non_2xx']:>8}"
              f"  {targets[run['path']]}")
    print(f"product page throughput vs /healthz: {100 * runs[1]['requests_per_sec'] / health:.1f} %  (target ≥ 20 %)")


def main():
    data = Path(tempfile.mkdtemp(prefix="tienda-bench-"))
    port = free_port()
    # One server core: one tokio worker, so the runtime does not juggle two threads on one CPU.
    env = dict(os.environ, TOKIO_WORKER_THREADS="1", DATABASE_URL=f"sqlite://{data}/tienda.db",
               TIENDA_MEDIA_DIR=str(data / "media"), TIENDA_PORT=str(port), TIENDA_LOG="warn", TIENDA_SITE_ROOT=str(ROOT / "target/site"))
    subprocess.run([str(BIN), "seed"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

    # Start-up on an existing database: best of three.
    ready_ms = []
    for _ in range(3):
        proc, ms = start_server(env, port)
        ready_ms.append(ms)
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    try:
        cached, idle_rss_start, idle_rss_after = load_runs(env, port, cache_ttl=30)
        rendered, _, _ = load_runs(env, port, cache_ttl=0)
        writes = [write_run(env, port, "full"), write_run(env, port, "normal")]
    finally:
        shutil.rmtree(data, ignore_errors=True)

    result = {
        "machine": {"cpus": os.cpu_count(), "server_cpu": 0, "load_cpu": 1, "connections": CONNECTIONS,
                    "seconds_per_run": SECONDS},
        "load_default_caches": cached,
        "load_every_request_rendered": rendered,
        "sqlite_writes": writes,
        "ready_ms_best_of_3": round(min(ready_ms), 1),
        "idle_rss_mb_after_start": round(idle_rss_start / 1024, 1),
        "idle_rss_mb_after_load": round(idle_rss_after / 1024, 1),
        **sizes(),
    }
    (ROOT / "bench/results/latest.json").write_text(json.dumps(result, indent=2) + "\n")

    print_runs("Default configuration (page and catalog caches on, 30 s TTL):", cached)
    print_runs("Every request rendered from the database (TIENDA_CACHE_TTL_SECS=0):", rendered)
    print("\nWrites (PUT /api/v1/products/{1..51} in turn, 8 connections): what durability costs on SQLite")
    for run in writes:
        print(f"  synchronous={run['sqlite_synchronous']:<7} {run['writes_per_sec']:>8.0f} writes/s  "
              f"p99 {run['p99_ms']:.2f} ms  non-2xx {run['non_2xx']}")
    print()
    print(f"WASM: {result['wasm_raw_kb']} KB raw, {result['wasm_gzip_kb']} KB gzip, "
          f"{result['wasm_brotli_kb']} KB brotli  (target ≤ 150 KB brotli)")
    print(f"server binary: {result['server_binary_mb']} MB")
    print(f"resident memory idle: {result['idle_rss_mb_after_start']} MB after start, "
          f"{result['idle_rss_mb_after_load']} MB after load  (target ≤ 30 MB)")
    print(f"exec to a 200 from /readyz: {result['ready_ms_best_of_3']} ms, best of 3  (target ≤ 200 ms)")
    print(f"\nJSON: {ROOT / 'bench/results/latest.json'}")


if __name__ == "__main__":
    main()
