"""Warm rerun time of the Membership and diversity page in AppTest (issue #5; budget 50 ms).

Usage: DATABASE_URL=sqlite:///path/to/seeded.sqlite python bench/diversity_rerun.py
Seeds .data/bench_london.sqlite with the London sample (scale 1) if DATABASE_URL is unset.
Times reruns after a filter change between views already visited (so caches are warm),
for London, a borough and a ward, and prints the median and worst.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

if "DATABASE_URL" not in os.environ:
    from data_access import engine as eng
    from data_access import seed

    path = ROOT / ".data" / "bench_london.sqlite"
    path.parent.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    engine = eng.make_engine(os.environ["DATABASE_URL"])
    seed.prepare(engine, sample=True)
    engine.dispose()

from streamlit.testing.v1 import AppTest  # noqa: E402

at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
at.switch_page("pages/diversity.py").run()
assert not at.exception, at.exception

views = [("", ""), ("E09000012", ""), ("E09000012", "E05009373")]  # London, Hackney, Hackney Downs
quarters = ["2023-Q4", "2023-Q3"]


def choose(borough: str, ward: str, quarter: str) -> None:
    at.sidebar.selectbox(key="quarter").set_value(quarter)
    at.sidebar.selectbox(key="borough").set_value(borough)
    at.run()
    if ward:
        at.sidebar.selectbox(key="ward").set_value(ward)
        at.run()


# Visit every view once so the caches are warm.
for q in quarters:
    for b, w in views:
        choose(b, w, q)
assert not at.exception, at.exception

for b, w in views:
    choose(b, w, quarters[0])
    times = []
    for i in range(12):
        at.sidebar.selectbox(key="quarter").set_value(quarters[(i + 1) % 2])
        began = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - began) * 1000)
        assert not at.exception, at.exception
    name = "London" if not b else ("Hackney" if not w else "Hackney Downs ward")
    print(f"{name:20s} warm rerun after a quarter change: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms")
