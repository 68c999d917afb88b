"""Benchmark for the borough map; not part of the test run.

    python tests/bench_map.py [--url sqlite:///path.sqlite] [--runs 20]

Without --url it seeds a fresh SQLite file with the London-scale sample (679 Met wards). Prints
the map's payload (the deck JSON Streamlit sends) in bytes, London-wide and for one borough, the
time to work out every ward's status, and the map page's warm rerun time in AppTest (median and
worst of --runs reruns with nothing changed, and the rerun after switching metric once each
metric's spec is cached).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The app serves a database other than the embedded one only with sign-in or open mode chosen.
os.environ.setdefault("WARD_PANEL_OPEN", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from data_access import engine as eng
    from data_access import queries, seed

    url = args.url
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
        started = time.perf_counter()
        seed.prepare(eng.make_engine(url), sample=True)
        print(f"seeded {url} in {time.perf_counter() - started:.1f} s")
    os.environ["DATABASE_URL"] = url
    os.chdir(ROOT)

    from dashboard.figures import functioning

    engine = eng.make_engine(url)
    frames = {n: getattr(queries, n)(engine) for n in ("wards", "panels", "meetings", "promises")}
    met = frames["wards"].filter(frames["wards"]["police_force"] == "Metropolitan Police Service").height
    print(f"wards {frames['wards'].height:,} (Met {met:,}), meetings {frames['meetings'].height:,}, promises {frames['promises'].height:,}")
    as_of = dt.date(2023, 12, 31)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        functioning.ward_status(**frames, rules=functioning.Rules(), as_of=as_of)
        times.append(time.perf_counter() - t)
    print(f"ward_status for every ward: median {statistics.median(times) * 1000:.1f} ms")

    from streamlit.testing.v1 import AppTest

    def rerun_ms(at: AppTest, n: int) -> list[float]:
        out = []
        for _ in range(n):
            t = time.perf_counter()
            at.run()
            out.append((time.perf_counter() - t) * 1000)
        return out

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.switch_page("pages/borough_map.py").run()
    assert not at.exception, at.exception
    spec = at.get("deck_gl_json_chart")[0].proto.json
    wards_shown = len(next(layer for layer in json.loads(spec)["layers"] if layer["id"] == "wards")["data"]["features"])
    print(f"map payload, London ({wards_shown} wards), Panel status: {len(spec.encode()):,} bytes")
    warm = rerun_ms(at, args.runs)
    print(f"map page warm rerun, London: median {statistics.median(warm):.1f} ms, worst {max(warm):.1f} ms ({args.runs} runs)")

    from dashboard.figures.maps import METRICS

    for name in METRICS:  # fill the cache for each metric once
        at.selectbox(key="map_metric").set_value(name).run()
    switch = []
    for _ in range(max(1, args.runs // 4)):
        for name in METRICS:
            t = time.perf_counter()
            at.selectbox(key="map_metric").set_value(name).run()
            switch.append((time.perf_counter() - t) * 1000)
    print(f"map page rerun after a metric change (spec cached): median {statistics.median(switch):.1f} ms, worst {max(switch):.1f} ms")

    at.sidebar.selectbox(key="borough").set_value("E09000012").run()
    spec = at.get("deck_gl_json_chart")[0].proto.json
    print(f"map payload, Hackney: {len(spec.encode()):,} bytes")
    warm = rerun_ms(at, args.runs)
    print(f"map page warm rerun, Hackney: median {statistics.median(warm):.1f} ms, worst {max(warm):.1f} ms")

    for page in ("pages/coverage.py", "pages/remedy_plans.py", "pages/trend.py"):
        other = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
        other.switch_page(page).run()
        warm = rerun_ms(other, args.runs)
        print(f"{page} warm rerun, London: median {statistics.median(warm):.1f} ms")


if __name__ == "__main__":
    main()
