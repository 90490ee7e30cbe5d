"""Lighthouse's audit of storefront pages, as bench/measure.py runs it: a mobile phone on a slow
4G link and a slowed CPU (Lighthouse's default, simulated from one unthrottled load), Debian's
Chromium headless. bench/run installs Lighthouse into bench/.tools when it is missing.

Scores are Lighthouse's, 0 to 100. Its simulated timings (first and largest contentful paint,
total blocking time) come from the page's own network and CPU trace, so they move far less with
the machine's load than the wrk figures; the scores still differ by a point or two between runs
of a page near a threshold."""

import json
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench/.tools/node_modules/.bin/lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The figures behind the performance score.
TIMINGS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
# A page that does not finish loading in this long is reported as failed rather than waited for.
TIMEOUT_SECONDS = 120


def audit(url):
    """One page's scores and timings, or {"error": why} when Lighthouse could not audit it."""
    with tempfile.TemporaryDirectory(prefix="tienda-lighthouse-") as scratch:
        report = Path(scratch) / "report.json"
        try:
            subprocess.run(
                [str(LIGHTHOUSE), url, "--quiet", f"--chrome-path={CHROMIUM}",
                 # No sandbox: the benches run as root, as CI does.
                 "--chrome-flags=--headless=new --no-sandbox",
                 f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={report}"],
                check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return {"error": f"no report within {TIMEOUT_SECONDS} s"}
        except subprocess.CalledProcessError as failed:
            lines = failed.stderr.decode(errors="replace").strip().splitlines()
            return {"error": lines[-1] if lines else f"exit status {failed.returncode}"}
        result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = result["audits"]
    timings = {name: audits[name]["numericValue"] for name in TIMINGS}
    return {"form_factor": result["configSettings"]["formFactor"], "scores": scores, "timings": timings,
            "lighthouse": result["lighthouseVersion"]}


def audit_pages(port, paths):
    """`audit` of each path on the server at `port`, by path."""
    return {path: audit(f"http://127.0.0.1:{port}{path}") for path in paths}


def print_audits(audits):
    for path, found in audits.items():
        if "error" in found:
            print(f"  {path:<36} not audited: {found['error']}")
            continue
        scores = " / ".join(str(found["scores"][name]) for name in CATEGORIES)
        timings = found["timings"]
        print(f"  {path:<36} {scores}  FCP {timings['first-contentful-paint'] / 1000:.1f} s, "
              f"LCP {timings['largest-contentful-paint'] / 1000:.1f} s, TBT {timings['total-blocking-time']:.0f} ms, "
              f"CLS {timings['cumulative-layout-shift']:.3f}")
