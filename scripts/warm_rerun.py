"""Print each page's warm rerun time in AppTest at London scale (issue #6): not a timed test.

Usage: python scripts/warm_rerun.py [DATABASE_URL] [pages/x.py ...]
The default database is a seeded sample SQLite file in /tmp (all 679 Met wards). "Warm" means
every cache is filled: the page is run once per filter choice first, then each measured rerun
changes the borough filter (London <-> Hackney) or the period, as a user would.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["pages/overview.py", "pages/meetings.py", "pages/promises.py", "pages/outcomes.py"]


def main() -> None:
    args = sys.argv[1:]
    url = args.pop(0) if args and "://" in args[0] else "sqlite:////tmp/ward_panel_warm_rerun.sqlite"
    pages = args or PAGES
    os.environ["DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    from data_access import engine, seed

    eng = engine.make_engine(url)
    seed.prepare(eng, sample=True)
    eng.dispose()
    for page in pages:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
        at.switch_page(page).run()
        choices = [("borough", "E09000012"), ("borough", ""), ("span", "year"), ("span", "quarter")]
        for key, value in choices:  # fill the caches for every state measured below
            (at.sidebar.radio if key == "span" else at.sidebar.selectbox)(key=key).set_value(value).run()
        times = []
        for _ in range(5):
            for key, value in choices:
                widget = (at.sidebar.radio if key == "span" else at.sidebar.selectbox)(key=key).set_value(value)
                start = time.perf_counter()
                widget.run()
                times.append((time.perf_counter() - start) * 1000)
                assert not at.exception, at.exception
        print(f"{page:24s} warm rerun after a filter change: median {statistics.median(times):5.1f} ms, "
              f"min {min(times):5.1f} ms, max {max(times):5.1f} ms ({len(times)} reruns)")


if __name__ == "__main__":
    main()
