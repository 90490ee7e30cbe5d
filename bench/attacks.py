"""Replays the outside attack run's resource attacks against the release build and prints what
they cost now. Never part of the test suite (the tests check behaviour; this measures it).

    cargo leptos build --release --precompress --split && python3 bench/attacks.py [flood|slow|database ...]

- flood:    60 s of distinct-key API list queries from 8 clients; resident memory before and after.
- slow:     1,100 connections each sending one header line every 10 s; how long a real request
            takes meanwhile, and how many of the slow connections the server closed.
- database: PostgreSQL stopped under a running server; time to the first 503, /readyz, and the
            time from PostgreSQL's return to the first successful page.
- findings: the issue's other reproductions (title injection, CSP, lockout, malformed bodies,
            bounded answers, sign-up flood, same-origin scheme), one line each.
"""

import http.client
import json
import re
import urllib.parse
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/tienda"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=30):
    """(status, seconds) of one GET on a new connection; status 0 when the connection failed."""
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, database_url=None, extra_env=None):
        self.data = Path(tempfile.mkdtemp(prefix="tienda-attack-"))
        self.port = free_port()
        self.env = dict(os.environ, DATABASE_URL=database_url or f"sqlite://{self.data}/tienda.db",
                        TIENDA_MEDIA_DIR=str(self.data / "media"), TIENDA_PORT=str(self.port),
                        TIENDA_LOG="error", TIENDA_SITE_ROOT=str(ROOT / "target/site"), **(extra_env or {}))
        subprocess.run([str(BIN), "seed"], env=self.env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        self.proc = subprocess.Popen([str(BIN), "serve"], env=self.env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while get(self.port, "/readyz", timeout=1)[0] != 200:
            if self.proc.poll() is not None:
                sys.exit("the server exited during start-up")
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def flood():
    server = Server()
    try:
        before = rss_mb(server.proc.pid)
        deadline = time.time() + 60
        counts = []

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            n = 0
            while time.time() < deadline:
                conn.request("GET", f"/api/v1/products?limit=200&price_max={random.randint(1, 10**9)}")
                conn.getresponse().read()
                n += 1
            counts.append(n)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        peak = before
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss_mb(server.proc.pid))
            time.sleep(1)
        after = rss_mb(server.proc.pid)
        print(f"flood: {sum(counts)} distinct-key API lists in 60 s; RSS {before:.0f} MB before, "
              f"{peak:.0f} MB at most, {after:.0f} MB after")
    finally:
        server.stop()


def slow():
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    server = Server()
    sockets = []
    try:
        for _ in range(1100):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"GET /products HTTP/1.1\r\n")
            sockets.append(s)
        stop = threading.Event()

        def drip():  # one more header line every 10 s, as the attack did
            while not stop.wait(10):
                for s in sockets:
                    try:
                        s.sendall(b"X-Slow: 1\r\n")
                    except OSError:
                        pass

        threading.Thread(target=drip, daemon=True).start()
        time.sleep(2)
        status, seconds = get(server.port, "/products", timeout=120)
        print(f"slow: with 1,100 half-sent requests open, a real GET /products got {status} in {seconds * 1000:.0f} ms")
        time.sleep(15)
        closed = 0
        for s in sockets:
            s.setblocking(False)
            try:
                closed += s.recv(1) == b""
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
        stop.set()
        print(f"slow: {closed} of 1,100 half-sent connections closed by the server within 17 s")
    finally:
        for s in sockets:
            s.close()
        server.stop()


def database():
    pg = shutil.which("pg_ctl") or sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    bin_dir = Path(pg).parent
    cluster = Path(tempfile.mkdtemp(prefix="tienda-attack-pg-"))
    as_owner = []
    if os.geteuid() == 0:
        shutil.chown(cluster, "postgres", "postgres")
        as_owner = ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"]
    port = free_port()
    pg_ctl = as_owner + [str(bin_dir / "pg_ctl"), "-D", str(cluster / "data"), "-l", str(cluster / "log"), "-w"]
    options = ["-o", f"-p {port} -k {cluster} -c listen_addresses=127.0.0.1"]
    subprocess.run(as_owner + [str(bin_dir / "initdb"), "-D", str(cluster / "data"), "-U", "postgres",
                               "--auth=trust", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(pg_ctl + options + ["start"], check=True, stdout=subprocess.DEVNULL)
    server = Server(database_url=f"postgres://postgres@127.0.0.1:{port}/postgres")
    try:
        print(f"database: up, uncached page {get(server.port, '/products?q=oak')}")
        subprocess.run(pg_ctl + ["-m", "fast", "stop"], check=True, stdout=subprocess.DEVNULL)
        first = get(server.port, f"/products?q=x{random.random()}")
        api = get(server.port, f"/api/v1/products?title=x{random.random()}")
        ready = get(server.port, "/readyz")
        again = get(server.port, f"/products?q=y{random.random()}")
        print(f"database: stopped; first page {first[0]} in {first[1] * 1000:.0f} ms, API {api[0]} in "
              f"{api[1] * 1000:.0f} ms, /readyz {ready[0]} in {ready[1] * 1000:.0f} ms, "
              f"next page {again[0]} in {again[1] * 1000:.0f} ms")
        subprocess.run(pg_ctl + options + ["start"], check=True, stdout=subprocess.DEVNULL)
        back = time.perf_counter()
        while get(server.port, f"/products?q=z{random.random()}", timeout=5)[0] != 200:
            time.sleep(0.01)
        print(f"database: back; first 200 {(time.perf_counter() - back) * 1000:.0f} ms after pg_ctl start returned")
    finally:
        server.stop()
        subprocess.run(pg_ctl + ["-m", "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(cluster, ignore_errors=True)


def request(port, method, path, body=b"", headers=None):
    """(status, headers, body) of one request on a new connection; status 0 when it dropped."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    except OSError:
        return 0, {}, b""
    finally:
        conn.close()


def findings():
    server = Server(extra_env={"TIENDA_TRUST_FORWARDED_FOR": "true"})
    port = server.port
    try:
        payload = urllib.parse.quote("</title><script>alert(document.domain)</script>")
        status, headers, body = request(port, "GET", f"/products?q={payload}")
        title = re.search(rb"<title>(.*?)</title>", body, re.S).group(1).decode()
        print(f"1 title: {status}, <title>{title}</title>, raw <script>alert in page: {b'<script>alert' in body}")
        print(f"2 csp: {headers.get('content-security-policy', 'none')[:90]}...")

        form = {"Content-Type": "application/x-www-form-urlencoded"}
        guesses = []
        for n in range(7):
            guess = urllib.parse.urlencode({"email": "admin@mail.com", "password": f"guess {n}"}).encode()
            guesses.append(request(port, "POST", "/rpc/login", guess, {**form, "X-Forwarded-For": "198.51.100.7"})[0])
        right = urllib.parse.urlencode({"email": "admin@mail.com", "password": "admin123"}).encode()
        owner = request(port, "POST", "/rpc/login", right, {**form, "X-Forwarded-For": "203.0.113.9"})[0]
        attacker = request(port, "POST", "/rpc/login", right, {**form, "X-Forwarded-For": "198.51.100.7"})[0]
        print(f"5 lockout: guesser {guesses}, owner from elsewhere {owner}, guesser with the right password {attacker}")

        for path in ["/rpc/account/avatar", "/rpc/admin/products/save"]:
            status = request(port, "POST", path, b"x", {"Content-Type": "multipart/form-data"})[0]
            print(f"6 multipart without a boundary to {path}: {status}")
        print(f"6 NUL in a query: {request(port, 'GET', '/api/v1/products?title=%00')[0]}, "
              f"in a slug: {request(port, 'GET', '/products/a%00b')[0]}")
        bad = request(port, "POST", "/rpc/login", b"email=\xff\xfe&password=x", form)[0]
        print(f"6 invalid UTF-8 in a server function's form: {bad}")

        status, _, body = request(port, "GET", "/api/v1/products/1/related")
        print(f"7 related: {status}, {len(json.loads(body))} products, {len(body)} bytes (at most 200 products)")
        first = get(port, "/sitemap.xml")
        second = get(port, "/sitemap.xml")
        print(f"7 sitemap: {first[1] * 1000:.1f} ms, then {second[1] * 1000:.1f} ms from the cache")
        signups = []
        for n in range(25):
            fields = urllib.parse.urlencode({"name": f"Bot {n}", "email": f"bot{n}@mail.com",
                                             "password": "a long password"}).encode()
            signups.append(request(port, "POST", "/rpc/register", fields, {**form, "X-Forwarded-For": "192.0.2.1"})[0])
        print(f"7 register x25 from one client: {signups.count(429)} refused with 429 after {signups.index(429)} accounts")

        host = f"127.0.0.1:{port}"
        lang = urllib.parse.urlencode({"lang": "es"}).encode()
        other = request(port, "POST", "/rpc/language", lang, {**form, "Origin": f"https://{host}"})[0]
        same = request(port, "POST", "/rpc/language", lang, {**form, "Origin": f"http://{host}"})[0]
        print(f"9 same-origin: Origin https://{host} -> {other}, http://{host} -> {same}")
    finally:
        server.stop()


if __name__ == "__main__":
    modes = {"findings": findings, "flood": flood, "slow": slow, "database": database}
    chosen = sys.argv[1:] or list(modes)
    if any(name not in modes for name in chosen):
        print(__doc__)
        sys.exit(0 if chosen in (["--help"], ["-h"]) else 2)
    for name in chosen:
        modes[name]()
