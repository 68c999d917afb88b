"""Benchmark: page times in AppTest and in the browser, map payload, server memory.

Not part of the test run. Usage:

    python -m tests.benchmark                 # London scale and --scale 10
    python -m tests.benchmark --scales 1      # London scale only

Prints a table and writes benchmark-results/benchmark.json. Every page is set beside a blank
Streamlit page measured in the same run (the framework's floor), as a ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sample_data import load as sample_load

# The app serves a database other than the embedded one only with sign-in or open mode chosen.
os.environ.setdefault("WARD_PANEL_OPEN", "1")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmark-results"
BLANK = "import streamlit as st\nst.title('Blank')\nst.sidebar.selectbox('Borough', ['', 'E09000012'], key='borough')\n"
REPEATS = 5


def _database(scale: int, workdir: Path) -> str:
    from data_access import engine as eng
    from data_access import seed

    url = f"sqlite:///{workdir / f'scale{scale}.sqlite'}"
    engine = eng.make_engine(url)
    started = time.perf_counter()
    eng.upgrade(engine)
    seed.load_reference(engine)
    sample_load.seed_sample(engine, scale=scale)
    print(f"seeded scale {scale} in {time.perf_counter() - started:.1f} s")
    engine.dispose()
    return url


def _apptest_times(script: Path | None, page: str | None, source: str | None = None) -> dict[str, float]:
    """First run, then the median of warm reruns after switching the borough filter."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(source, default_timeout=600) if source else AppTest.from_file(str(script), default_timeout=600)
    started = time.perf_counter()
    at.run()
    if page:
        at.switch_page(page).run()
    first = time.perf_counter() - started
    if at.exception:
        return {"first_ms": first * 1000, "warm_ms": float("nan"), "error": str(at.exception[0].message)}
    has_borough = any(s.key == "borough" for s in at.sidebar.selectbox)
    choices = ["E09000012", ""]  # Hackney, then back to London: both cached after one round
    if has_borough:
        for value in choices:
            at.sidebar.selectbox(key="borough").set_value(value).run()
    warm = []
    for i in range(REPEATS * 2):
        if has_borough:
            at.sidebar.selectbox(key="borough").set_value(choices[i % 2])
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    result = {"first_ms": first * 1000, "warm_ms": statistics.median(warm) * 1000}
    deck = at.get("deck_gl_json_chart")
    if deck:
        result["map_payload_bytes"] = len(deck[0].proto.json.encode())
    return result


def apptest_table(url: str) -> dict[str, dict]:
    from dashboard.app.navigation import PAGES

    os.environ["DATABASE_URL"] = url
    rows = {"(blank page)": _apptest_times(None, None, source=BLANK)}
    for spec in PAGES:
        rows[spec.title] = _apptest_times(ROOT / "streamlit_app.py", spec.path)
    return rows


def _serve(script: str, url: str, port: int, **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, **extra_env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{script} did not start")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browser_table(url: str) -> dict:
    """Time to ready (script finished, charts and map drawn) per page, beside a blank page."""
    from playwright.sync_api import sync_playwright

    from dashboard.app.navigation import PAGES
    from tests.e2e.pages import settle

    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "blank.py"
        blank.write_text(BLANK)
        app = _serve("serve.py", url, 8791)
        blank_proc = _serve(str(blank), url, 8792)
        rows: dict[str, dict] = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
                )
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                targets = [("(blank page)", "http://127.0.0.1:8792/")] + [
                    (s.title, f"http://127.0.0.1:8791/{'' if s.default else s.url_path}") for s in PAGES
                ]
                for title, target in targets:
                    times = []
                    for _ in range(3):
                        started = time.perf_counter()
                        page.goto(target)
                        settle(page)
                        # Charts and the map count as drawn once their canvases or SVGs exist.
                        for selector in ("[data-testid='stPlotlyChart'] .main-svg", "[data-testid='stDeckGlJsonChart'] canvas"):
                            if page.locator(selector.split(" ")[0]).count():
                                page.locator(selector).first.wait_for(timeout=60_000)
                        times.append(time.perf_counter() - started)
                    rows[title] = {"ready_ms": statistics.median(times) * 1000}
                browser.close()
            rows["server_peak_memory_mb"] = _peak_rss_mb(app.pid)
        finally:
            app.terminate()
            blank_proc.terminate()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    results: dict = {"machine": os.uname().nodename, "cpus": os.cpu_count(), "scales": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            url = _database(scale, Path(tmp))
            entry = {"apptest": apptest_table(url)}
            if not args.no_browser:
                entry["browser"] = browser_table(url)
            results["scales"][str(scale)] = entry
            _print(scale, entry)
    OUT.mkdir(exist_ok=True)
    (OUT / "benchmark.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {OUT / 'benchmark.json'}")
    return 0


def _print(scale: int, entry: dict) -> None:
    apptest = entry["apptest"]
    blank = apptest["(blank page)"]
    print(f"\nScale {scale} ({'London' if scale == 1 else f'{scale} x London'}): AppTest, ms")
    print(f"{'page':<28}{'first run':>10}{'warm':>9}{'warm/blank':>12}{'map bytes':>11}")
    for title, r in apptest.items():
        ratio = r["warm_ms"] / blank["warm_ms"] if blank["warm_ms"] else float("nan")
        payload = f"{r['map_payload_bytes']:,}" if "map_payload_bytes" in r else ""
        print(f"{title:<28}{r['first_ms']:>10.0f}{r['warm_ms']:>9.1f}{ratio:>12.1f}{payload:>11}")
    if "browser" in entry:
        b = entry["browser"]
        base = b["(blank page)"]["ready_ms"]
        print(f"\nScale {scale}: browser, time to ready, ms (blank page {base:.0f})")
        for title, r in b.items():
            if isinstance(r, dict):
                print(f"{title:<28}{r['ready_ms']:>10.0f}{r['ready_ms'] / base:>12.1f}")
        print(f"server peak memory: {b['server_peak_memory_mb']:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
