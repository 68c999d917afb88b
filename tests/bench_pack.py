"""Benchmark of the briefing pack: ``python -m tests.bench_pack [DATABASE_URL]``.

Not part of the test run. On the sample database (seeded in a temporary folder unless a URL is
given) it times, for the borough with the most Met wards, a pack from a cold start (reading every
table, working out statuses and views, drawing the PDF and the workbook) and a pack for a
second period with the tables already read, and prints the file sizes. The issue's target is
under 10 seconds for the largest borough.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from sample_data import load as sample_load

# The app serves a database other than the embedded one only with sign-in or open mode chosen.
os.environ.setdefault("WARD_PANEL_OPEN", "1")


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = argv[0] if argv else f"sqlite:///{Path(tmp) / 'sample.sqlite'}"
        if not argv:
            from data_access import engine as eng

            engine = eng.make_engine(url)
            sample_load.prepare(engine, sample=True)
            engine.dispose()
        os.environ["DATABASE_URL"] = url
        from dashboard.app import state, views
        from dashboard.domain import areas, periods

        started = time.perf_counter()
        wards = areas.met_wards(state.table("wards"))
        code, name, n = (
            wards.group_by("borough_code", "borough_name").len().sort("len", "borough_name", descending=[True, False]).row(0)
        )
        _, last = state.data_bounds()
        for label, end in (("cold start", last), ("tables already read", periods.shift_quarters(last, -4))):
            period = periods.period_ending(end, "quarter")
            t0 = time.perf_counter()
            pack = views.briefing_pack(views.selection(period, borough=code))
            t1 = time.perf_counter()
            pdf, xlsx = views.briefing_files(views.selection(period, borough=code))
            t2 = time.perf_counter()
            print(f"{name} ({n} Met wards), {period.label}, {label}: pack {t1 - t0:.2f} s, PDF and workbook {t2 - t1:.2f} s, "
                  f"total {t2 - t0:.2f} s; PDF {len(pdf) / 1024:.0f} KB, workbook {len(xlsx) / 1024:.0f} KB, "
                  f"{len(pack.sections)} sections")
        print(f"whole run {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
