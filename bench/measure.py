"""Measures a release build of Tienda on this machine. Run through bench/run:

    BENCH_SKIP_BUILD=1 bench/run     # reuse target/release/tienda (else it builds the release first)

The server runs pinned to CPU 0 and wrk to CPU 1, so the server has exactly one core. The demo data
is seeded once into a temporary SQLite database; each group of figures gets its own server start:

- pages, /healthz, the API and a mix of searches no cache can answer (bench/search_mix.lua), with
  the caches on and with every request rendered (64 connections);
- a guest with a cart on /products: a session and a count cookie from POST /rpc/cart/add, then
  /products anonymously and with those cookies, back to back on one server (64 connections);
- Lighthouse's mobile audit (bench/lighthouse.py) of the home page, the catalog and a product page,
  default configuration;
- writes: PUT /api/v1/products/{1..51} in turn, SQLite synchronous=full and =normal (8 connections);
- checkout: POST /api/v1/orders, three lines each, a new Idempotency-Key per request
  (bench/orders.lua), as john@mail.com, 16 connections, with the products' stock raised first
  and the API write limit lifted; afterwards the rows in `orders` are counted against the 201s.
- a large catalog: the demo plus BENCH_LARGE_PRODUCTS generated products (100,000 unless set; 0
  skips it) from `tienda seed --products`, in a database of its own, every cache off, 16
  connections: two-word searches over pages 1 to 5, a deep page by number and by the cursor the
  site links to it with, listings filtered by price (80 paths: broad, narrow and one-sided ranges,
  newest first and by name, to deep pages), and the sitemap index read as a crawler reads it (how many files, the
  largest file's URLs, size and reading time); on SQLite, then again on a throwaway PostgreSQL
  cluster (when PostgreSQL is installed) pinned to the server's core.

Each load run also records the server's CPU use, the PostgreSQL cluster's (on PostgreSQL), and that
of every other process on the machine: the last is near 0 on a quiet machine, and the table says
when it was not (the figures are then low). It prints a table and writes
bench/results/latest.json. BENCH_SECONDS sets each load run's length.
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import lighthouse

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/tienda"
PKG = ROOT / "target/site/pkg"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 64
PRODUCT = "/products/solid-oak-coffee-table"
# The REST API's busiest reads, as an app's first screen and detail view make them.
API_LIST = "/api/v1/products?limit=24&offset=0"
API_ONE = "/api/v1/products/7"
# Searches no cache can answer (bench/search_mix.lua: a new price ceiling on every request).
SEARCH_MIX = "search mix (bench/search_mix.lua)"
SEARCH_MIX_SCRIPT = ROOT / "bench/search_mix.lua"
# Orders are writes, each one transaction on SQLite's one writer: fewer connections than the reads.
ORDER_CONNECTIONS = 16
ORDER_SCRIPT = ROOT / "bench/orders.lua"
ORDER_PRODUCTS = (1, 2, 3)
LARGE_PRODUCTS = int(os.environ.get("BENCH_LARGE_PRODUCTS", "100000"))
LARGE_CONNECTIONS = 16
# Two words each, as a shopper types them: a material and a kind of product. LuaJIT (wrk's Lua) has
# no integer division, hence math.floor in the script.
LARGE_SEARCHES = ("walnut+chair", "leather+boots", "wireless+headphones", "cotton+shirt", "ceramic+mug")


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
    """Resident memory in KiB: all of it (VmRSS), the process's own (RssAnon: heap, stacks), and
    pages of files it maps (RssFile: mostly the binary's code). RssFile moves with how the kernel
    holds the binary in its page cache, not with anything the server does: the same build measured
    21 MB of it when its file had sat in the cache a while and 25 MB just after being copied.
    Compare builds on RssAnon, or on binaries written at the same time. RssFile also counts the
    pages of the SQLite file its connections map (`database.sqlite_mmap_mb`), once per connection
    that touched them: "database" is that part, read from /proc/PID/smaps."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            fields[name] = int(value.split()[0])
    return {"total": fields.get("VmRSS", 0), "anon": fields.get("RssAnon", 0), "file": fields.get("RssFile", 0),
            "database": mapped_database_kib(pid)}


def mapped_database_kib(pid):
    """Resident KiB of the process's mappings of SQLite files (paths ending in .db)."""
    total, in_database = 0, False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            in_database = len(fields) >= 6 and fields[5].endswith(".db")
        elif in_database and fields[:1] == ["Rss:"]:
            total += int(fields[1])
    return total


def start_server(env, port, log=None):
    """Starts the server on CPU 0; returns (process, milliseconds from exec to a 200 from /readyz).
    `log`: a file for the server's output (else it is discarded)."""
    started = time.perf_counter()
    out = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(["taskset", "-c", "0", str(BIN), "serve"], env=env, cwd=ROOT,
                            stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL)
    if log:
        out.close()
    while status_of(port, "/readyz") != 200:
        if proc.poll() is not None:
            sys.exit("the server exited during start-up")
        time.sleep(0.001)
    return proc, (time.perf_counter() - started) * 1000


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait()


@contextmanager
def serving(env, port, log=None):
    """The server, started as `start_server` starts it, for the length of a `with` block: stopped
    when the block ends, however it ends."""
    proc, _ = start_server(env, port, log)
    try:
        yield proc
    finally:
        stop_server(proc)


def latency_ms(out, percentile):
    """A percentile of wrk's --latency distribution, in milliseconds."""
    found = re.search(rf"\b{percentile}%\s+([\d.]+)(us|ms|s)\b", out)
    return float(found.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[found.group(2)]


def process_ticks():
    """CPU time of every process, in clock ticks, by (pid, start time): (its own, its own and its
    reaped children's, its parent's pid)."""
    ticks = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            # After the command's closing parenthesis come fields 3 onwards: utime is the 14th,
            # stime the 15th, the children's cutime and cstime the 16th and 17th, starttime the 22nd.
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own = int(fields[11]) + int(fields[12])
        ticks[(int(entry.name), fields[19])] = (own, own + int(fields[13]) + int(fields[14]), int(fields[1]))
    return ticks


def run_wrk(args, pid, database_pid=None):
    """wrk on CPU 1 with these arguments; returns (its output, CPU use meanwhile, as a percentage
    of one core: the server's; the PostgreSQL cluster's, when `database_pid` names its postmaster
    (it and the backends it forks); and every other process's but wrk's, which on a quiet machine
    is close to 0; more means something else competed with the server or wrk for the two cores)."""
    before, started = process_ticks(), time.perf_counter()
    out = subprocess.run(["taskset", "-c", "1", "wrk", *args], capture_output=True, text=True, check=True).stdout
    after, wall = process_ticks(), time.perf_counter() - started
    ours = {pid, os.getpid()}  # wrk's time ends up in ours (its parent's) when it is reaped
    server = next(after[key][0] - before.get(key, (0, 0, 0))[0] for key in after if key[0] == pid)

    def used(keep):
        # A process that ended meanwhile has its whole life added to its parent's children's time.
        return (sum(t[1] - before.get(key, (0, 0, 0))[1] for key, t in after.items() if keep(key, t))
                - sum(t[1] for key, t in before.items() if key not in after and keep(key, t)))

    def in_database(key, t):
        return database_pid is not None and database_pid in (key[0], t[2])

    database = used(in_database)
    other = used(lambda key, t: key[0] not in ours and not in_database(key, t))
    per_cent = 100 / os.sysconf("SC_CLK_TCK") / wall
    figures = {"server_cpu_percent": round(server * per_cent, 1),
               "other_processes_cpu_percent": round(max(0, other) * per_cent, 1)}
    if database_pid is not None:
        figures["database_cpu_percent"] = round(max(0, database) * per_cent, 1)
    return out, figures


def wrk(port, path, pid, headers=(), script=None):
    """A load run on `path`; with a wrk `script`, the script makes each request and `path` only names the run."""
    header_args = [arg for header in headers for arg in ("-H", header)]
    script_args = ["-s", str(script)] if script else []
    url = f"http://127.0.0.1:{port}{'/products' if script else path}"
    out, cpu = run_wrk(["-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *header_args, *script_args, url], pid)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"path": path, "requests_per_sec": rps, "p99_ms": round(p99_ms, 3),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": errors.group(1) if errors else "none", **cpu}


def main_wasm():
    """The WebAssembly every island page loads: `tienda.wasm`, or `tienda.<hash>.wasm` (the newest)."""
    built = [p for p in PKG.glob("tienda*.wasm") if p.name.count(".") <= 2]
    return max(built, key=lambda p: p.stat().st_mtime)


def sizes():
    wasm = main_wasm()
    raw = wasm.read_bytes()
    brotli = subprocess.run(["brotli", "-c", "-q", "11", str(wasm)], capture_output=True, check=True).stdout
    return {"wasm_raw_kb": round(len(raw) / 1024, 1),
            "wasm_gzip_kb": round(len(gzip.compress(raw, 9)) / 1024, 1),
            "wasm_brotli_kb": round(len(brotli) / 1024, 1),
            "server_binary_mb": round(BIN.stat().st_size / 1024 / 1024, 1)}


def load_runs(base_env, port, cache_ttl):
    """Load runs (pages, /healthz, the API) against a server with the given cache TTL; returns (runs, rss at start, rss after)."""
    env = dict(base_env, TIENDA_CACHE_TTL_SECS=str(cache_ttl))
    with serving(env, port) as proc:
        time.sleep(1)
        idle_start = rss_kib(proc.pid)
        runs = [wrk(port, path, proc.pid) for path in ("/products", PRODUCT, "/healthz", API_LIST, API_ONE)]
        time.sleep(2)
        idle_after = rss_kib(proc.pid)
        # After the figure above: tens of thousands of new pages fill the caches to their budgets.
        runs.append(wrk(port, SEARCH_MIX, proc.pid, script=SEARCH_MIX_SCRIPT))
        time.sleep(2)
        filled = rss_kib(proc.pid)
    return runs, idle_start, idle_after, filled


def lighthouse_run(base_env, port):
    """Lighthouse's mobile audit of the home page, the catalog and a product page, on a server with
    the default caches (each page's first load renders it)."""
    with serving(base_env, port):
        return lighthouse.audit_pages(port, ("/", "/products", PRODUCT))


def admin_token(port):
    return login(port, "admin@mail.com", "admin123")


def login(port, email, password):
    body = json.dumps({"email": email, "password": password}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["access_token"]


def write_run(base_env, port, synchronous):
    """Product price changes through the API (one write transaction each, the products in turn) with SQLite's
    `synchronous` at `full` (the default: acknowledged writes survive a power loss) or `normal`."""
    env = dict(base_env, TIENDA_SQLITE_SYNCHRONOUS=synchronous, TIENDA_API_WRITES_PER_MINUTE="1000000000")
    with serving(env, port) as proc, tempfile.TemporaryDirectory(prefix="tienda-bench-writes-") as scratch:
        script = Path(scratch) / "writes.lua"
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
        out, cpu = run_wrk(["-t1", "-c8", f"-d{SECONDS}s", "--latency", "-s", str(script),
                            f"http://127.0.0.1:{port}{API_ONE}"], proc.pid)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"sqlite_synchronous": synchronous, "writes_per_sec": rps,
            "p99_ms": round(float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)], 3),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, **cpu}


def log_problems(log):
    """The server log's warnings and errors (ANSI colours removed)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", Path(log).read_text(errors="replace")) if Path(log).exists() else ""
    return [line.strip() for line in text.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)]


def guest_cart_cookies(port, quantity):
    """A guest's cookies after adding `quantity` of product 1 through the add-to-cart server function,
    as a browser on this site sends it (the CSRF guard wants same-origin headers)."""
    body = urllib.parse.urlencode({"product_id": "1", "quantity": str(quantity), "back": "/products"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/rpc/cart/add", data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                 "Origin": f"http://127.0.0.1:{port}", "Sec-Fetch-Site": "same-origin"})
    with urllib.request.urlopen(request) as answer:
        cookies = {}
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].partition("=")
            cookies[name.strip()] = value.strip()
        answered = answer.read().decode()
    missing = {"tienda_session", "tienda_cart"} - cookies.keys()
    if missing:
        sys.exit(f"POST /rpc/cart/add set no {', '.join(sorted(missing))} cookie (it answered {answered!r})")
    return f"tienda_session={cookies['tienda_session']}; tienda_cart={cookies['tienda_cart']}", int(cookies["tienda_cart"])


def page_check(port, cookie):
    """One curl of /products: (x-page-cache, the header's cart count)."""
    args = ["curl", "-s", "-D", "-", f"http://127.0.0.1:{port}/products"]
    if cookie:
        args[2:2] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    cache = re.search(r"^x-page-cache:\s*(\S+)", out, re.M | re.I)
    count = re.search(r'data-cart-count="(\d+)"', out)
    return (cache.group(1) if cache else "absent"), (int(count.group(1)) if count else None)


def cart_visitor_runs(base_env, port, log):
    """/products for an anonymous visitor and for a guest with a cart, back to back on one server
    with the default caches; and a curl of each to see what the page cache answered them."""
    env = dict(base_env, TIENDA_CACHE_TTL_SECS="30")
    with serving(env, port, log) as proc:
        cookie, count = guest_cart_cookies(port, quantity=3)
        anonymous = wrk(port, "/products", proc.pid)
        anonymous_check = page_check(port, None)
        cart_check = page_check(port, cookie)
        with_cart = wrk(port, "/products", proc.pid, headers=[f"Cookie: {cookie}"])
    return {"anonymous": anonymous, "guest_with_cart": dict(with_cart, cart_count=count),
            "ratio_percent": round(100 * with_cart["requests_per_sec"] / anonymous["requests_per_sec"], 1),
            "curl_anonymous": {"x_page_cache": anonymous_check[0], "data_cart_count": anonymous_check[1]},
            "curl_guest_with_cart": {"x_page_cache": cart_check[0], "data_cart_count": cart_check[1],
                                     "count_expected": count}}


def sqlite_one(db, sql, args=()):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, args).fetchone()


def fsync_ms(directory, samples=200):
    """How long the disk under `directory` takes to make an 8 KiB write durable (median, p99): with
    `synchronous=full` every checkout's commit waits for one, on the only writer."""
    path = Path(directory) / "fsync-probe"
    times = []
    fd = os.open(path, os.O_CREAT | os.O_WRONLY)
    try:
        for _ in range(samples):
            os.write(fd, b"x" * 8192)
            start = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    times.sort()
    return {"median": round(times[len(times) // 2], 3), "p99": round(times[int(len(times) * 0.99) - 1], 3)}


def sitemap_index(port):
    """Reads /sitemap.xml and every file it lists, as a crawler does (uncompressed): how many files,
    how many URLs in all, and the largest file's URLs, bytes and reading time."""
    def fetch(path):
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as answer:
            return answer.read(), time.perf_counter() - started

    index, _ = fetch("/sitemap.xml")
    # The index names the site's public origin; the files are read from this server.
    files = [urllib.parse.urlsplit(loc.decode()).path for loc in re.findall(rb"<loc>([^<]*)</loc>", index)]
    urls, largest = 0, {"path": None, "urls": 0, "bytes": 0, "seconds": 0}
    for path in files:
        body, seconds = fetch(path)
        count = body.count(b"<loc>")
        urls += count
        if (count, len(body)) > (largest["urls"], largest["bytes"]):
            largest = {"path": path, "urls": count, "bytes": len(body), "seconds": round(seconds, 3)}
    return {"files": len(files), "index_bytes": len(index), "urls": urls, "largest_file": largest}


def large_catalog_run(base_env, port, data, database_url, backend, database_pid=None):
    """The demo plus LARGE_PRODUCTS generated products, every cache off: searches, a deep page (by
    its number and by the cursor the page before links with), the sitemap."""
    env = dict(base_env, DATABASE_URL=database_url, TIENDA_CACHE_TTL_SECS="0")
    started = time.perf_counter()
    subprocess.run([str(BIN), "seed", "--products", str(LARGE_PRODUCTS)], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    seed_s = time.perf_counter() - started
    script = data / "searches.lua"
    script.write_text(
        "local searches = {" + ", ".join(f'"{q}"' for q in LARGE_SEARCHES) + "}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local q = searches[(n % #searches) + 1]\n"
        "  return wrk.format(nil, \"/products?q=\" .. q .. \"&page=\" .. (math.floor(n / #searches) % 5 + 1))\n"
        "end\n")
    prices, price_paths = data / "price_ranges.lua", price_range_paths()
    prices.write_text(
        "local paths = {" + ", ".join(f'"{path}"' for path in price_paths) + "}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  return wrk.format(nil, paths[(n % #paths) + 1])\n"
        "end\n")
    with serving(env, port) as proc:
        first = fetch(port, "/products")
        products = int(re.search(r"([\d,]+) products", first).group(1).replace(",", ""))
        deep_page = max(1, products // 24 * 3 // 5)  # three fifths of the way through, at 24 a page
        # The address the site itself links to: "next" on the page before carries a cursor.
        before_deep = fetch(port, f"/products?page={deep_page - 1}")
        cursor_path = re.search(r'<a href="([^"]+)" rel="next"', before_deep).group(1).replace("&amp;", "&")

        def load(args):
            out, cpu = run_wrk(["-t1", f"-c{LARGE_CONNECTIONS}", f"-d{SECONDS}s", "--latency", *args], proc.pid,
                               database_pid)
            non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
            return {"requests_per_sec": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                    "p50_ms": round(latency_ms(out, 50), 3), "p99_ms": round(latency_ms(out, 99), 3),
                    "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, **cpu}
        search = load(["-s", str(script), f"http://127.0.0.1:{port}/products"])
        deep = load([f"http://127.0.0.1:{port}/products?page={deep_page}"])
        deep_cursor = load([f"http://127.0.0.1:{port}{cursor_path}"])
        price_ranges = load(["-s", str(prices), f"http://127.0.0.1:{port}/products"])
        sitemap = sitemap_index(port)
    return {"backend": backend, "products": products, "seed_seconds": round(seed_s, 1),
            "connections": LARGE_CONNECTIONS,
            "two_word_search_pages_1_to_5": search, "deep_page": dict(deep, page=deep_page),
            "deep_page_by_cursor": dict(deep_cursor, path=cursor_path),
            "price_ranges": dict(price_ranges, paths=len(price_paths)), "sitemap_index": sitemap}


def price_range_paths():
    """Listings filtered by price as a visitor or a crawler reaches them: broad, narrow and one-sided
    ranges, newest first and by name, in the catalog and a category, from the first page to deep
    ones (and past the end, for the narrow ranges)."""
    ranges = ["price_min=5&price_max=500", "price_min=1&price_max=100000", "price_min=300&price_max=310",
              "price_min=1999", "price_max=20"]
    return [f"{listing}?{prices}{order}{page}"
            for listing in ("/products", "/categories/furniture")
            for prices in ranges
            for order in ("", "&sort=name")
            for page in ("", "&page=3", "&page=300", "&page=1000")]


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read().decode()


def large_catalog_runs(base_env, port, data):
    """The large catalog on SQLite, then on a PostgreSQL cluster of its own (when PostgreSQL is
    installed) whose processes share the server's one core, as SQLite's work does."""
    runs = [large_catalog_run(base_env, port, data, f"sqlite://{data / 'large.db'}", "sqlite")]
    runs[0]["database_mb"] = round((data / "large.db").stat().st_size / 1024 / 1024, 1)
    with postgres_cluster() as cluster:
        if cluster:
            url, postmaster = cluster
            runs.append(large_catalog_run(base_env, port, data, url, "postgres", postmaster))
    return runs


class postgres_cluster:
    """A throwaway PostgreSQL cluster on CPU 0 (as the `postgres` user when run as root); yields
    its URL and its postmaster's pid, or None when PostgreSQL is not installed."""

    def __init__(self):
        self.directory = None
        self.proc = None

    def __enter__(self):
        bin_dir = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
        if bin_dir is None:
            return None
        # Its own directory under /tmp: the benchmark's is private to root, which `postgres` cannot enter.
        self.directory = Path(tempfile.mkdtemp(prefix="tienda-bench-pg-"))
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"] if os.geteuid() == 0 else []
        if as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        pgdata = self.directory / "data"
        subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(pgdata), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C"], check=True, stdout=subprocess.DEVNULL)
        pg_port = free_port()
        self.proc = subprocess.Popen(
            ["taskset", "-c", "0", *as_postgres, str(bin_dir / "postgres"), "-D", str(pgdata), "-k", str(self.directory),
             "-p", str(pg_port), "-c", "listen_addresses=127.0.0.1", "-c", "shared_buffers=256MB"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(pg_port)],
                             stdout=subprocess.DEVNULL).returncode != 0:
            if time.time() > deadline or self.proc.poll() is not None:
                sys.exit("the benchmark's PostgreSQL cluster did not start")
            time.sleep(0.1)
        # taskset and setpriv exec the postmaster, so this is its pid.
        return f"postgres://postgres@127.0.0.1:{pg_port}/postgres", self.proc.pid

    def __exit__(self, *_):
        if self.proc:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)



def checkout_run(base_env, port, db, log):
    """Orders of three lines through POST /api/v1/orders as john@mail.com (bench/orders.lua), on one
    core with the default SQLite settings; then what the database holds, against what wrk saw."""
    stock = 1_000_000_000
    marks = ",".join("?" * len(ORDER_PRODUCTS))
    # The server is stopped: give the ordered products stock no run can exhaust.
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(f"UPDATE products SET stock = ? WHERE id IN ({marks})", (stock, *ORDER_PRODUCTS))
    orders_before = sqlite_one(db, "SELECT count(*) FROM orders")[0]
    disk = fsync_ms(db.parent)
    env = dict(base_env, TIENDA_API_WRITES_PER_MINUTE="1000000000")
    with serving(env, port, log) as proc:
        token = login(port, "john@mail.com", "changeme")
        out, cpu = run_wrk(["-t1", f"-c{ORDER_CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", str(ORDER_SCRIPT),
                            f"http://127.0.0.1:{port}/api/v1/orders", "--", token, uuid.uuid4().hex[:8]], proc.pid)
    seen = json.loads(re.search(r"^orders\.lua (\{.*\})$", out, re.M).group(1))
    orders = sqlite_one(db, "SELECT count(*) FROM orders")[0] - orders_before
    lines, units = sqlite_one(db, "SELECT count(*), coalesce(sum(quantity), 0) FROM order_lines")
    keys = sqlite_one(db, "SELECT count(DISTINCT idempotency_key) FROM orders WHERE idempotency_key LIKE 'bench-%'")[0]
    sold = sum(stock - sqlite_one(db, "SELECT stock FROM products WHERE id = ?", (pid,))[0] for pid in ORDER_PRODUCTS)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    # A request in flight when wrk stops may still place its order without wrk seeing the 201.
    in_flight = seen["made"] - seen["completed"]
    exact = (seen["replayed"] == 0 and seen["other"] == 0 and seen["created"] <= orders <= seen["created"] + in_flight
             and keys == orders and lines == 3 * orders and units == 3 * orders and sold == units)
    return {"connections": ORDER_CONNECTIONS, "lines_per_order": 3, "sqlite_synchronous": "full",
            "orders_per_sec": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": round(latency_ms(out, 50), 3), "p99_ms": round(latency_ms(out, 99), 3),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": errors.group(1) if errors else "none",
            "requests_made": seen["made"], "responses": seen["completed"], "created_201": seen["created"],
            "replayed_200": seen["replayed"], "other_status": seen["other"], "in_flight_at_end": in_flight,
            "orders_in_db": orders, "distinct_keys_in_db": keys, "order_lines_in_db": lines,
            "stock_taken": sold, "one_order_per_request": exact, "disk_fsync_ms": disk, **cpu}


def print_runs(label, runs):
    targets = {"/products": "≥ 5000 req/s", PRODUCT: "p99 ≤ 5 ms, ≥ 20 % of /healthz", "/healthz": "reference",
               API_LIST: "≥ 10000 req/s", API_ONE: "≥ 10000 req/s", SEARCH_MIX: "≥ 15 % of /healthz"}
    health = runs[2]["requests_per_sec"]
    print(f"\n{label}")
    print(f"{'what':<40} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}  target")
    for run in runs:
        print(f"{run['path']:<40} {run['requests_per_sec']:>10.0f} {run['p99_ms']:>8.2f} {run['non_2xx']:>8}"
              f"  {targets[run['path']]}")
    print(f"product page throughput vs /healthz: {100 * runs[1]['requests_per_sec'] / health:.1f} %  (target ≥ 20 %)")
    print(f"search mix no cache can answer vs /healthz: {100 * runs[5]['requests_per_sec'] / health:.1f} %  (target ≥ 15 %)")


# Issue 13 states its targets as ratios to /healthz of the same run: its 1,500 searches a second
# were asked of the machine on which /healthz answered 62,000 requests a second.
SEARCH_TARGET_RATIO = 1500 / 62000


def main():
    data = Path(tempfile.mkdtemp(prefix="tienda-bench-"))
    port = free_port()
    db = data / "tienda.db"
    # One server core: one tokio worker, so the runtime does not juggle two threads on one CPU.
    env = dict(os.environ, TOKIO_WORKER_THREADS="1", DATABASE_URL=f"sqlite://{db}",
               TIENDA_MEDIA_DIR=str(data / "media"), TIENDA_PORT=str(port), TIENDA_LOG="warn", TIENDA_SITE_ROOT=str(ROOT / "target/site"))
    subprocess.run([str(BIN), "seed"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

    # Start-up on an existing database: best of three.
    ready_ms = []
    for _ in range(3):
        proc, ms = start_server(env, port)
        ready_ms.append(ms)
        stop_server(proc)
    try:
        cached, idle_rss_start, idle_rss_after, rss_caches_filled = load_runs(env, port, cache_ttl=30)
        rendered, _, _, _ = load_runs(env, port, cache_ttl=0)
        audits = lighthouse_run(env, port)
        cart_visitor = cart_visitor_runs(env, port, data / "cart-visitor.log")
        writes = [write_run(env, port, "full"), write_run(env, port, "normal")]
        # Last: it adds orders and stock to the database the other runs read.
        checkout = checkout_run(env, port, db, data / "checkout.log")
        large = large_catalog_runs(env, port, data) if LARGE_PRODUCTS > 0 else []
        server_log = {"cart_visitor": log_problems(data / "cart-visitor.log"),
                      "checkout": log_problems(data / "checkout.log")}
    finally:
        shutil.rmtree(data, ignore_errors=True)

    result = {
        "machine": {"cpus": os.cpu_count(), "server_cpu": 0, "load_cpu": 1, "connections": CONNECTIONS,
                    "seconds_per_run": SECONDS},
        "load_default_caches": cached,
        "load_every_request_rendered": rendered,
        "lighthouse_mobile": audits,
        "products_guest_with_cart": cart_visitor,
        "sqlite_writes": writes,
        "checkout": checkout,
        "large_catalog": large,
        "server_log_warnings_and_errors": server_log,
        "ready_ms_best_of_3": round(min(ready_ms), 1),
        "idle_rss_mb_after_start": round(idle_rss_start["total"] / 1024, 1),
        "idle_rss_mb_after_load": round(idle_rss_after["total"] / 1024, 1),
        "rss_mb_after_search_mix": round(rss_caches_filled["total"] / 1024, 1),
        "idle_rss_anon_mb_after_start": round(idle_rss_start["anon"] / 1024, 1),
        "idle_rss_anon_mb_after_load": round(idle_rss_after["anon"] / 1024, 1),
        "idle_rss_file_mb_after_load": round(idle_rss_after["file"] / 1024, 1),
        "idle_rss_database_mb_after_load": round(idle_rss_after["database"] / 1024, 1),
        **sizes(),
    }
    (ROOT / "bench/results/latest.json").write_text(json.dumps(result, indent=2) + "\n")

    print_runs("Default configuration (page and catalog caches on, 30 s TTL):", cached)
    print_runs("Every request rendered from the database (TIENDA_CACHE_TTL_SECS=0):", rendered)
    print("\nLighthouse, mobile (performance / accessibility / best practices / SEO; target 100 / 100 / 100 "
          "for performance on each page), default configuration:")
    lighthouse.print_audits(audits)
    print("\nWrites (PUT /api/v1/products/{1..51} in turn, 8 connections): what durability costs on SQLite")
    for run in writes:
        print(f"  synchronous={run['sqlite_synchronous']:<7} {run['writes_per_sec']:>8.0f} writes/s  "
              f"p99 {run['p99_ms']:.2f} ms  non-2xx {run['non_2xx']}")
    print(f"\n/products, anonymous vs a guest with a cart (cookies from POST /rpc/cart/add), one server, "
          f"{CONNECTIONS} connections:")
    for label, run in (("anonymous", cart_visitor["anonymous"]), ("guest with a cart", cart_visitor["guest_with_cart"])):
        print(f"  {label:<18} {run['requests_per_sec']:>8.0f} req/s  p99 {run['p99_ms']:.2f} ms  non-2xx {run['non_2xx']}  "
              f"server CPU {run['server_cpu_percent']:.0f} %")
    print(f"  guest with a cart vs anonymous: {cart_visitor['ratio_percent']:.1f} %  (target ≥ 50 %)")
    curl_cart, curl_anon = cart_visitor["curl_guest_with_cart"], cart_visitor["curl_anonymous"]
    print(f"  curl: guest with a cart of {curl_cart['count_expected']}: x-page-cache {curl_cart['x_page_cache']}, "
          f"data-cart-count={curl_cart['data_cart_count']}; anonymous: x-page-cache {curl_anon['x_page_cache']}, "
          f"data-cart-count={curl_anon['data_cart_count']}")
    print(f"\nCheckout (POST /api/v1/orders, 3 lines each, a new Idempotency-Key each, {checkout['connections']} "
          f"connections, SQLite synchronous=full):")
    print(f"  {checkout['orders_per_sec']:>8.0f} orders/s  p50 {checkout['p50_ms']:.2f} ms  p99 {checkout['p99_ms']:.2f} ms  "
          f"non-2xx {checkout['non_2xx']}  server CPU {checkout['server_cpu_percent']:.0f} %  "
          f"(targets ≥ 1000 orders/s, p99 ≤ 20 ms)")
    # Absolute figures move with the machine: the same build measured 640 and 1,520 orders/s an hour
    # apart on the shared VM these benches run on. These two say how fast this run's machine was.
    health = cached[2]["requests_per_sec"]
    print(f"  this run's machine: /healthz {health:.0f} req/s (checkout ÷ /healthz {checkout['orders_per_sec'] / health:.3f}); "
          f"fsync of 8 KiB median {checkout['disk_fsync_ms']['median']:.2f} ms, p99 {checkout['disk_fsync_ms']['p99']:.2f} ms")
    print(f"  requests made {checkout['requests_made']}, answered {checkout['responses']} "
          f"(201: {checkout['created_201']}, 200 replays: {checkout['replayed_200']}, other: {checkout['other_status']}); "
          f"orders in the database {checkout['orders_in_db']}, distinct keys {checkout['distinct_keys_in_db']}, "
          f"lines {checkout['order_lines_in_db']}, stock taken {checkout['stock_taken']}")
    print(f"  one order per request: {'yes' if checkout['one_order_per_request'] else 'NO'}"
          f"  ({checkout['in_flight_at_end']} requests still unanswered when wrk stopped may have placed theirs unseen)")
    health = cached[2]["requests_per_sec"]
    sqlite_search = large[0]["two_word_search_pages_1_to_5"]["requests_per_sec"] if large else None
    for run in large:
        size = f", {run['database_mb']} MB" if "database_mb" in run else ""
        print(f"\nLarge catalog on {run['backend']} ({run['products']:,} products, demo and `tienda seed --products "
              f"{LARGE_PRODUCTS}` in {run['seed_seconds']} s{size}), every cache off, {run['connections']} connections:")
        for label, figures, target in (
                ("two-word search, pages 1-5", run["two_word_search_pages_1_to_5"],
                 f"≥ 1500 req/s on the issue's machine, ÷ /healthz ≥ {SEARCH_TARGET_RATIO:.4f}; p99 ≤ 30 ms"),
                (f"/products?page={run['deep_page']['page']}", run["deep_page"], "p99 ≤ 20 ms"),
                ("the same page by cursor", run["deep_page_by_cursor"], "p99 ≤ 20 ms"),
                (f"price ranges ({run['price_ranges']['paths']} paths)", run["price_ranges"], "none")):
            database = (f", PostgreSQL {figures['database_cpu_percent']:.0f} %"
                        if "database_cpu_percent" in figures else "")
            print(f"  {label:<28} {figures['requests_per_sec']:>8.0f} req/s  p99 {figures['p99_ms']:.2f} ms  "
                  f"non-2xx {figures['non_2xx']}  CPU: server {figures['server_cpu_percent']:.0f} %{database}  "
                  f"(÷ /healthz {figures['requests_per_sec'] / health:.4f}; target {target})")
        if run["backend"] != "sqlite":
            ratio = sqlite_search / run["two_word_search_pages_1_to_5"]["requests_per_sec"]
            print(f"  SQLite ÷ {run['backend']}, two-word search: {ratio:.2f} (target ≤ 2)")
        sitemap, largest = run["sitemap_index"], run["sitemap_index"]["largest_file"]
        print(f"  /sitemap.xml: an index of {sitemap['files']} files, {sitemap['urls']:,} URLs in all; the largest, "
              f"{largest['path']}, {largest['urls']:,} URLs in {largest['bytes'] / 1e6:.1f} MB, read in "
              f"{largest['seconds']:.2f} s (the protocol allows 50,000 URLs per file)")
    for run, problems in server_log.items():
        for line in problems[:5]:
            print(f"  server log ({run}): {line}")
        if len(problems) > 5:
            print(f"  server log ({run}): … {len(problems) - 5} more warnings or errors")
    every_run = [*cached, *rendered, cart_visitor["anonymous"], cart_visitor["guest_with_cart"], *writes, checkout]
    for run in large:
        every_run += [run["two_word_search_pages_1_to_5"], run["deep_page"], run["deep_page_by_cursor"],
                      run["price_ranges"]]
    busiest = max(run["other_processes_cpu_percent"] for run in every_run)
    print(f"\nCPU used by other processes (not the server, not wrk) during a load run: at most {busiest:.0f} % of a core"
          + ("  (the machine was shared: figures may be low)" if busiest > 10 else ""))
    print()
    print(f"WASM: {result['wasm_raw_kb']} KB raw, {result['wasm_gzip_kb']} KB gzip, "
          f"{result['wasm_brotli_kb']} KB brotli  (target ≤ 150 KB brotli)")
    print(f"server binary: {result['server_binary_mb']} MB")
    print(f"resident memory idle: {result['idle_rss_mb_after_start']} MB after start, "
          f"{result['idle_rss_mb_after_load']} MB after load  (target ≤ 30 MB); of which the server's own "
          f"(anonymous) {result['idle_rss_anon_mb_after_start']} MB after start, "
          f"{result['idle_rss_anon_mb_after_load']} MB after load, and pages of files "
          f"{result['idle_rss_file_mb_after_load']} MB (the binary's, and the database's that SQLite maps: "
          f"{result['idle_rss_database_mb_after_load']} MB; they vary with the kernel's page cache: see rss_kib); "
          f"{result['rss_mb_after_search_mix']} MB once the search mix filled the caches (page cache "
          f"32 MB, catalog cache 64 MB by default)")
    print(f"exec to a 200 from /readyz: {result['ready_ms_best_of_3']} ms, best of 3  (target ≤ 200 ms)")
    print(f"\nJSON: {ROOT / 'bench/results/latest.json'}")


if __name__ == "__main__":
    main()
