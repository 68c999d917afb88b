"""Reporting periods: a calendar quarter, or the 12 months ending with one.

Pure functions of dates. A period knows its previous period (same length, just before), so
every headline figure can be set beside it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.domain.formatting import MONTHS

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
