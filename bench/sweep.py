"""The housekeeping sweep of product uploads at catalog scale. Never part of the test suite.

Seeds 100,051 products on SQLite (`tienda seed --products 100000`), gives each an upload of its
own (a file two days old, as the sweep only weighs uploads over a day old), adds 10 uploads no
product shows, starts `tienda worker` (which runs housekeeping at start-up, pinned to one core)
and prints how long after the start the sweep reported its deletions, and how many files are left
(100,051 expected: every shown upload kept, the 10 others deleted).

Run after `cargo leptos build --release --precompress --split`: python3 bench/sweep.py
"""
import json
import os
import secrets
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/tienda"
UNSHOWN = 10


def main():
    data = Path(tempfile.mkdtemp(prefix="tienda-sweep-"))
    media = data / "media"
    (media / "products").mkdir(parents=True)
    env = dict(os.environ, DATABASE_URL=f"sqlite://{data}/tienda.db", TIENDA_MEDIA_DIR=str(media),
               TIENDA_MODE="demo", TIENDA_LOG="info", TIENDA_SITE_ROOT=str(ROOT / "target/site"))
    subprocess.run([str(BIN), "seed", "--products", "100000"], env=env, check=True, stdout=subprocess.DEVNULL)
    two_days_ago = time.time() - 2 * 86400

    def upload():
        name = secrets.token_hex(16) + ".png"
        path = media / "products" / name
        path.write_bytes(b"x")
        os.utime(path, (two_days_ago, two_days_ago))
        return name

    db = sqlite3.connect(data / "tienda.db")
    ids = [row[0] for row in db.execute("SELECT id FROM products")]
    db.executemany("UPDATE products SET images = ? WHERE id = ?",
                   [(json.dumps([f"/media/products/{upload()}"]), id) for id in ids])
    db.commit()
    db.close()
    for _ in range(UNSHOWN):
        upload()
    print(f"{len(ids)} products, each showing an upload of its own; {UNSHOWN} uploads shown by none")

    started = time.time()
    worker = subprocess.Popen(["taskset", "-c", "0", str(BIN), "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        for line in worker.stdout:
            if "unused uploads deleted" in line:
                print(f"sweep reported {time.time() - started:.1f} s after the worker started")
                break
            if time.time() - started > 900:
                print("no sweep report within 15 minutes")
                break
    finally:
        worker.terminate()
        worker.wait()
    print(f"upload files left: {len(list((media / 'products').iterdir()))} (expected {len(ids)})")
    subprocess.run(["rm", "-rf", str(data)])


if __name__ == "__main__":
    main()
