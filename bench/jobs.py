"""Kills job workers in the middle of their work and counts what reaches the mail server.

Run through bench/jobs (which also measures the queue's throughput). Uses target/release/tienda.

A store on SQLite (the demo data) takes a stream of orders through the API from `tienda serve`
running no workers; each order queues its confirmation e-mail. A `tienda worker` process sends
them to a real SMTP server (aiosmtpd, slowed to 0.3 s a message so that a kill lands mid-send) and
is killed with SIGKILL as soon as it is sending, ten times in a row, a new worker starting each
time. Then one last worker finishes the queue. It prints how many orders were placed, how many
e-mail jobs completed, how many messages arrived, and how many of them were the same message twice
(same Message-ID): the at-least-once window (a worker killed after the server took the message but
before the job recorded it) is exactly that count.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("TIENDA_BIN", str(ROOT / "target/release/tienda"))
KILLS = int(os.environ.get("BENCH_KILLS", "10"))

SLOW_SINK = '''
import asyncio
from aiosmtpd.handlers import Mailbox

class Slow(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)
'''


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=30):
    import socket
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


def post_json(url, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def main():
    work = Path(tempfile.mkdtemp(prefix="tienda-bench-jobs-"))
    db_file = work / "tienda.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{db_file}", "TIENDA_MODE": "demo", "TIENDA_LOG": "error",
           "TIENDA_MEDIA_DIR": str(work / "media"), "TIENDA_PRIVATE_DIR": str(work / "private"),
           "TIENDA_CONFIG": str(work / "absent.toml"), "TIENDA_API_WRITES_PER_MINUTE": "1000000"}
    subprocess.run([BIN, "seed"], env=env, check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(db_file) as db:
        db.execute("UPDATE products SET stock = 100000")

    smtp_port = free_port()
    (work / "slowsink.py").write_text(SLOW_SINK)
    sink = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
                             "-c", "slowsink.Slow", str(work / "maildir")],
                            env={**os.environ, "PYTHONPATH": str(work)}, stderr=subprocess.DEVNULL)
    web_port = free_port()
    web = subprocess.Popen([BIN, "serve"], env={**env, "TIENDA_PORT": str(web_port), "TIENDA_JOB_WORKERS": "0"})
    wait_for_port(smtp_port)
    wait_for_port(web_port)
    base = f"http://127.0.0.1:{web_port}/api/v1"
    _, tokens = post_json(f"{base}/auth/login", {"email": "john@mail.com", "password": "changeme"}, {})
    token = tokens["access_token"]

    placed = []
    stop = threading.Event()

    def order_stream():
        n = 0
        while not stop.is_set():
            n += 1
            body = {"lines": [{"productId": 1 + n % 51, "quantity": 1}], "fulfilment": "pickup",
                    "paymentMethod": "pay_at_pickup", "recipient": "Bench", "phone": "+57 300 123 4567", "storeId": 1}
            status, order = post_json(f"{base}/orders", body,
                                      {"authorization": f"Bearer {token}", "idempotency-key": f"bench-{n}"})
            if status == 201:
                placed.append(order["id"])
            time.sleep(0.02)

    streamer = threading.Thread(target=order_stream)
    streamer.start()
    worker_env = {**env, "TIENDA_SMTP_HOST": "127.0.0.1", "TIENDA_SMTP_PORT": str(smtp_port),
                  "TIENDA_SMTP_TLS": "none", "TIENDA_JOB_WORKERS": "2", "TIENDA_JOB_LEASE_SECS": "3",
                  "TIENDA_JOB_POLL_MS": "100", "TIENDA_JOB_RETRY_BASE_MS": "200"}

    def running_mail_jobs():
        with sqlite3.connect(db_file, timeout=10) as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE kind = 'order_email' AND state = 'running'").fetchone()[0]

    kills = 0
    started = time.time()
    while kills < KILLS:
        worker = subprocess.Popen([BIN, "worker"], env=worker_env)
        deadline = time.time() + 30
        while running_mail_jobs() == 0 and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(random.uniform(0.2, 1.5))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    stop.set()
    streamer.join()

    # One last worker finishes the queue (jobs the killed ones held wait for their leases).
    final = subprocess.Popen([BIN, "worker"], env=worker_env)
    deadline = time.time() + 120
    while time.time() < deadline:
        with sqlite3.connect(db_file, timeout=10) as db:
            left = db.execute("SELECT COUNT(*) FROM jobs WHERE kind = 'order_email' AND state IN ('queued', 'running')").fetchone()[0]
        if left == 0:
            break
        time.sleep(0.2)
    final.send_signal(signal.SIGTERM)
    final.wait()
    elapsed = time.time() - started

    with sqlite3.connect(db_file) as db:
        done, attempts_over_one, dead = db.execute(
            "SELECT SUM(state = 'done'), SUM(attempts > 1), SUM(state = 'dead') FROM jobs WHERE kind = 'order_email'").fetchone()
    import mailbox
    box = mailbox.Maildir(str(work / "maildir"), create=False)
    ids = [message["Message-ID"] for message in box]
    duplicates = len(ids) - len(set(ids))
    web.send_signal(signal.SIGTERM)
    web.wait()
    sink.terminate()
    sink.wait()
    result = {"kills": kills, "orders_placed": len(placed), "mail_jobs_done": done or 0, "mail_jobs_dead": dead or 0,
              "jobs_taken_over": attempts_over_one or 0, "messages_received": len(ids),
              "distinct_messages": len(set(ids)), "duplicates": duplicates, "seconds": round(elapsed, 1)}
    print(f"kill -9 x{kills}: {len(placed)} orders, {done} e-mail jobs done ({dead or 0} dead, "
          f"{attempts_over_one} taken over from a killed worker), {len(ids)} messages received, "
          f"{len(set(ids))} distinct, {duplicates} sent twice; {elapsed:.1f} s")
    (ROOT / "bench/results").mkdir(exist_ok=True)
    (ROOT / "bench/results/jobs.json").write_text(json.dumps(result, indent=2))
    ok = (done or 0) == len(placed) and len(set(ids)) == len(placed)
    if not ok:
        sys.exit("not every order's e-mail arrived")


if __name__ == "__main__":
    main()
