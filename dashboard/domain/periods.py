"""Reporting periods: a calendar quarter, or the 12 months ending with one.

Pure functions of dates. A period knows its previous period (same length, just before), so
every headline figure can be set beside it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from dashboard.domain.formatting import MONTHS, uk_date

SPANS = ("quarter", "year")


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive; also the "as of" date for statuses
    span: str  # "quarter" | "year"

    @property
    def label(self) -> str:
        """'October to December 2023' or '12 months to 31 December 2023'."""
        if self.span == "quarter":
            return f"{MONTHS[self.start.month - 1]} to {MONTHS[self.end.month - 1]} {self.end.year}"
        return f"12 months to {self.end.day} {MONTHS[self.end.month - 1]} {self.end.year}"

    def previous(self) -> Period:
        return period_ending(quarter_end(self.start - dt.timedelta(days=1)), self.span)


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the calendar quarter holding ``day``: 2023-11-05 -> 2023-12-31."""
    month = ((day.month - 1) // 3 + 1) * 3
    next_month = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


def quarter_start(end: dt.date) -> dt.date:
    return dt.date(end.year, end.month - 2, 1)


def period_ending(end: dt.date, span: str) -> Period:
    """The quarter, or the four quarters, ending with the quarter that holds ``end``."""
    end = quarter_end(end)
    if span == "quarter":
        return Period(quarter_start(end), end, span)
    if span == "year":
        return Period(quarter_start(shift_quarters(end, -3)), end, span)
    raise ValueError(f"unknown span {span!r}; use one of {SPANS}")


def shift_quarters(end: dt.date, n: int) -> dt.date:
    """The quarter end ``n`` quarters after (or before, if negative) the quarter holding ``end``."""
    return quarter_end(months_before(end.replace(day=1), -3 * n))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (later if negative), clamped to the month's end:
    31 May 2024, 3 -> 29 February 2024."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(earlier: pl.Expr, day: dt.date) -> pl.Expr:
    """Whole months from ``earlier`` to ``day``: 15 March -> 14 June is 2, -> 15 June is 3."""
    return (
        (day.year - earlier.dt.year()) * 12 + (day.month - earlier.dt.month()) - pl.when(earlier.dt.day() > day.day).then(1).otherwise(0)
    ).cast(pl.Int64)


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every quarter end from the quarter holding ``first`` to the one holding ``last``, newest first."""
    out, q = [], quarter_end(first)
    stop = quarter_end(last)
    while q <= stop:
        out.append(q)
        q = quarter_end(q + dt.timedelta(days=1))
    return out[::-1]


def quarter_name(end: dt.date) -> str:
    """URL form of a quarter: 2023-12-31 -> '2023-Q4'."""
    return f"{end.year}-Q{(end.month - 1) // 3 + 1}"


def parse_quarter_name(text: str) -> dt.date | None:
    """'2023-Q4' -> 2023-12-31; anything else -> None."""
    try:
        year, q = text.strip().upper().split("-Q")
        quarter = int(q)
        if not 1 <= quarter <= 4:
            return None
        return quarter_end(dt.date(int(year), quarter * 3, 1))
    except ValueError:
        return None


COMPLETE_SHARE = 0.5  # a quarter is complete when it holds at least half the usual rows ...
LOOK_BACK = 8  # ... "usual" being the median of the (up to) eight quarters with rows before it


def worked_out_complete_to(rows_by_day: pl.DataFrame, today: dt.date) -> dt.date | None:
    """The last day of the latest quarter whose data looks complete, from rows counted by day.

    A quarter qualifies when it has ended by ``today`` and holds at least half as many rows as the
    median of the (up to) eight quarters holding any rows before it (the first quarter of data
    qualifies on its own). Newer quarters with fewer rows (a few rows entered early, a stray date)
    do not move it. When no quarter qualifies, the quarter of the latest row. None: no rows at all.

    Worked example: quarters ending 30 June, 30 September and 31 December 2023 with 1,000, 1,100
    and 950 rows, then 3 rows dated in 2025 (a typing slip): 950 is at least half of 1,050 (the
    median of 1,000 and 1,100), and 3 is less than half of 1,000 (the median of the three before
    it), so the figures are complete to 31 December 2023.
    """
    if rows_by_day.is_empty():
        return None
    day = pl.col("day")
    end_of_quarter = pl.date(day.dt.year(), (day.dt.month() - 1) // 3 * 3 + 3, 1).dt.month_end()
    quarters = (rows_by_day.group_by(end_of_quarter.alias("end"))
                .agg(pl.col("rows").sum()).sort("end"))
    ends, counts = quarters["end"].to_list(), quarters["rows"].to_list()
    for i in range(len(ends) - 1, -1, -1):
        if ends[i] > today:
            continue
        before = sorted(counts[max(0, i - LOOK_BACK):i])
        if not before:
            return ends[i]
        middle = len(before) // 2
        median = before[middle] if len(before) % 2 else (before[middle - 1] + before[middle]) / 2
        if counts[i] >= COMPLETE_SHARE * median:
            return ends[i]
    return ends[-1]


class CompleteTo(NamedTuple):
    """The last day the figures are complete to, and whether a data steward set it or it was worked out."""

    day: dt.date
    set_by: str | None = None  # None: worked out from the data
    set_on: dt.date | None = None

    def describe(self) -> str:
        """'Figures to 31 December 2023 (set by a@b.org on 3 November 2025).'"""
        how = (f"set by {self.set_by} on {uk_date(self.set_on)}" if self.set_by
               else "the latest quarter with a full quarter's data; a data steward can set it on the Data page")
        return f"Figures to {uk_date(self.day)} ({how})."
