"""Write sample_data/templates/<table>.csv: a few example rows per CSV in the contract's layout.

Rows come from the deterministic sample for two wards, so they are realistic but invented
(the confidence rows are MOPAC's real figures). Only rows whose ward code was in force on their
date are used (the sample keeps its rows before May 2022 on the wards of then, so this is a
safeguard); the panels and officer postings keep their hand-written rows, which show codes from
before May 2022. Run: python -m sample_data.make_templates
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard.domain import wards_in_time
from dashboard.domain.contract import BY_WARD, TABLES
from data_access import engine as eng
from data_access import queries
from sample_data import load as sample_load

OUT = Path(__file__).resolve().parent / "templates"
WARDS = ("E05014053", "E05009317")  # Abbey (Barking and Dagenham), Bethnal Green (Tower Hamlets)
HAND_WRITTEN = ("panels", "dwo_assignments")  # examples written by hand, on codes from before May 2022
# The board templates are a small board worked by hand (tests/app/test_board_page.py checks the Board page against them).
HAND_WRITTEN += ("board_members", "board_meetings", "borough_commanders", "board_funding")


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Booleans as yes/no, dates ISO: the forms people type."""
    return frame.with_columns(
        pl.col(c).replace_strict({True: "yes", False: "no"}, default=None, return_dtype=pl.String)
        for c, t in frame.schema.items()
        if t == pl.Boolean
    )


def main() -> None:
    engine = eng.make_engine("sqlite://")
    sample_load.prepare(engine, sample=True)
    OUT.mkdir(exist_ok=True)
    current = queries.wards(engine)["ward_code"]
    former = queries.former_wards(engine)["ward_code"]
    for name, spec in TABLES.items():
        frame = queries.table(name, engine)
        if spec.dated_by:
            frame = frame.filter(wards_in_time.in_force(pl.col("ward_code"), pl.col(spec.dated_by), current, former))
        if spec.scope == BY_WARD:
            mine = frame.filter(pl.col("ward_code").is_in(WARDS))
            frame = mine if mine.height else frame  # e.g. remedy plans: neither ward needs one
        else:
            frame = frame.filter(pl.col("borough_code").is_in(["E09000002", "E12000007"]))
        sort = [c for c in spec.natural_key if c in frame.columns]
        frame = frame.sort(sort, descending=True).head(4).sort(sort).select(spec.columns)
        if (frame.height == 0 or name in HAND_WRITTEN) and (OUT / f"{name}.csv").exists():
            print(f"kept {name}.csv (its example rows are written by hand)")
            continue
        as_text(frame).write_csv(OUT / f"{name}.csv")
        print(f"wrote {name}.csv ({frame.height} rows)")


if __name__ == "__main__":
    main()
