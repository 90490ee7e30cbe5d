"""Replays the third attack run's race on the release build: through the back office's forms, a
product is deleted while a category is saved with the product's upload as its image, ROUNDS times
(80 by default), and prints how often the category was saved and how often its image was then
gone. Never part of the test suite; in-process tests did not reproduce the race, curl from
threads did (2 losses in 80 rounds before the lock over files' uses, 0 after).

Run after `cargo leptos build --release --precompress --split`: python3 bench/race_file_uses.py [ROUNDS]
"""
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/tienda"
PORT = 3795


def png(path):
    """A 4×4 red PNG (the server decodes uploads, so it must be a real image)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    data = Path(tempfile.mkdtemp(prefix="tienda-race-"))
    base = f"http://127.0.0.1:{PORT}"
    env = dict(os.environ, DATABASE_URL=f"sqlite://{data}/tienda.db", TIENDA_MEDIA_DIR=str(data / "media"),
               TIENDA_PRIVATE_DIR=str(data / "private"), TIENDA_PORT=str(PORT), TIENDA_LOG="warn",
               TIENDA_MODE="demo", TIENDA_SITE_ROOT=str(ROOT / "target/site"))
    subprocess.run([str(BIN), "seed"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([str(BIN), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    image_file = data / "red.png"
    png(image_file)
    jar = data / "admin.jar"

    def curl(*args, keep_cookies=True):
        cookies = ["-b", str(jar)] + (["-c", str(jar)] if keep_cookies else [])
        return subprocess.run(["curl", "-s", *cookies, "-H", f"Origin: {base}", "-H", "Accept: text/html", *args],
                              capture_output=True, text=True).stdout

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/readyz")
                break
            except OSError:
                time.sleep(0.1)
        curl("-o", "/dev/null", "--data-urlencode", "email=admin@mail.com", "--data-urlencode", "password=admin123",
             base + "/rpc/login")
        db = sqlite3.connect(data / "tienda.db")
        saved = lost = 0
        for round in range(rounds):
            curl("-o", "/dev/null", "-F", f"title=Raced {round}", "-F", "description=d", "-F", "price=3", "-F", "stock=1",
                 "-F", "category_id=1", "-F", "images=", "-F", f"new_images=@{image_file};type=image/png",
                 base + "/rpc/admin/products/save")
            id, images = db.execute("SELECT id, images FROM products WHERE slug = ?", (f"raced-{round}",)).fetchone()
            image = json.loads(images)[0]
            delete = threading.Thread(target=curl, args=("-o", "/dev/null", "--data-urlencode", f"id={id}",
                                                         base + "/rpc/admin/products/delete"),
                                      kwargs={"keep_cookies": False})
            save = threading.Thread(target=curl, args=("-o", "/dev/null", "--data-urlencode", f"name=Race {round}",
                                                       "--data-urlencode", f"image={image}",
                                                       base + "/rpc/admin/categories/save"),
                                    kwargs={"keep_cookies": False})
            delete.start(), save.start(), delete.join(), save.join()
            row = db.execute("SELECT image FROM categories WHERE slug = ?", (f"race-{round}",)).fetchone()
            if row:
                saved += 1
                try:
                    urllib.request.urlopen(base + row[0])
                except urllib.error.HTTPError:
                    lost += 1
        print(f"{rounds} rounds: the category was saved {saved} times; its image was then gone {lost} times")
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", str(data)])


if __name__ == "__main__":
    main()
