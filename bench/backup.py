#!/usr/bin/env python3
"""Backup and restore, timed: `tienda backup` of the demo store and of one with 100,000 generated
products, on SQLite and on a throwaway PostgreSQL cluster, then `tienda restore` of each file into a
fresh database of each backend. Prints wall times, file sizes and the rows the restore reports.
Uses target/release/tienda; never part of the test suite."""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import postgres_cluster  # noqa: E402

BIN = Path("target/release/tienda").resolve()
SIZES = [("demo", None), ("demo + 100,000 products", 100_000)]


def tienda(env, *args):
    """Runs the binary; returns (seconds, stdout). Fails the benchmark on a non-zero exit."""
    started = time.monotonic()
    done = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"tienda {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds, done.stdout.strip()


class Stores:
    """Fresh databases of either backend, each with its own media folder."""

    def __init__(self, work, pg_url):
        self.work, self.pg_url, self.count = work, pg_url, 0

    def fresh(self, backend):
        self.count += 1
        name = f"store{self.count}"
        if backend == "sqlite":
            url = f"sqlite://{self.work / (name + '.db')}"
        else:
            subprocess.run(["psql", self.pg_url, "-qc", f"CREATE DATABASE {name}"], check=True)
            url = self.pg_url.rsplit("/", 1)[0] + "/" + name
        return {
            **os.environ,
            "TIENDA_CONFIG": str(self.work / "absent.toml"),
            "TIENDA_MODE": "demo",
            "TIENDA_LOG": "warn",
            "DATABASE_URL": url,
            "TIENDA_MEDIA_DIR": str(self.work / name / "media"),
            "TIENDA_PRIVATE_DIR": str(self.work / name / "private"),
        }


def main():
    if not BIN.exists():
        sys.exit("build the release binary first: cargo leptos build --release --precompress --split")
    with postgres_cluster() as pg_url, tempfile.TemporaryDirectory(prefix="tienda-bench-backup-") as work:
        work = Path(work)
        os.chmod(work, 0o755)
        stores = Stores(work, pg_url)
        backends = ["sqlite"] + (["postgres"] if pg_url else [])
        print(f"{'catalog':<26} {'from':<9} {'backup s':>9} {'MB':>7}  {'into':<9} {'restore s':>9}  rows restored")
        for label, generated in SIZES:
            for source in backends:
                env = stores.fresh(source)
                tienda(env, "seed", *(["--products", str(generated)] if generated else []))
                file = work / f"{source}-{stores.count}.zip"
                backup_s, _ = tienda(env, "backup", str(file))
                megabytes = file.stat().st_size / 1_000_000
                for target in backends:
                    restore_s, said = tienda(stores.fresh(target), "restore", str(file))
                    rows = sum(int(n) for n in re.findall(r"\b[a-z_]+ (\d+)", said.split(":", 1)[1].split(";")[0]))
                    print(f"{label:<26} {source:<9} {backup_s:>9.2f} {megabytes:>7.1f}  {target:<9} {restore_s:>9.2f}  {rows}")


if __name__ == "__main__":
    main()
