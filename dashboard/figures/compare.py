"""Shared helpers for the pages: quarters as a column, and "now / before / London" tables.

Every figure on the Meetings, Promises and Engagement outcomes pages is set beside the previous
period and London; ``comparison`` builds that table once so the three pages agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl

from dashboard.domain.periods import Period, quarter_ends


def quarter_of(column: str) -> pl.Expr:
    """The last day of the calendar quarter holding each date: 5 November 2023 -> 31 December 2023."""
    return pl.col(column).dt.truncate("1q").dt.offset_by("3mo").dt.offset_by("-1d")


def quarters_in(period: Period) -> list[dt.date]:
    """Quarter ends of a period, oldest first: one for a quarter, four for 12 months."""
    return quarter_ends(period.start, period.end)[::-1]


def as_pct(value: float | None) -> float | None:
    """A share (0.456) as a percentage rounded for tables (45.6); None stays None."""
    return None if value is None else round(value * 100, 1)


def _rounded(value: float | int | None) -> float | int | None:
    return round(value, 2) if isinstance(value, float) else value


def comparison(
    rows: Sequence[tuple[str, str, str]],
    now: Mapping[str, float | int | None],
    before: Mapping[str, float | int | None],
    london: Mapping[str, float | int | None] | None,
    *,
    area_name: str,
    period: Period,
) -> pl.DataFrame:
    """One row per figure: the area now, the previous period, and London now (unless the area is London).

    ``rows`` are (key, figure name, unit); a unit of "%" turns a share (0.5) into 50.0.
    Example: rows [("dwo", "DWO present", "%")], now {"dwo": 0.5}, before {"dwo": 0.25} ->
    one row "DWO present", "%", 50.0, 25.0.
    """

    def values(figures: Mapping[str, float | int | None]) -> pl.Series:
        out = [as_pct(figures.get(k)) if unit == "%" else _rounded(figures.get(k)) for k, _, unit in rows]
        return pl.Series(out, dtype=pl.Float64, strict=False)

    columns = {
        f"{area_name}, {period.label}": values(now),
        f"{area_name}, {period.previous().label}": values(before),
    }
    if london is not None:
        columns[f"London, {period.label}"] = values(london)
    return pl.DataFrame({"figure": [r[1] for r in rows], "unit": [r[2] for r in rows]} | columns)
