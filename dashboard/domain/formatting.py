"""Plain-English formatting for people reading the dashboard (UK style: "3 November 2025")."""

from __future__ import annotations

import datetime as dt

import polars as pl

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def uk_date(day: dt.date | None, *, missing: str = "never") -> str:
    """dt.date(2025, 11, 3) -> '3 November 2025'; None -> 'never'."""
    if day is None:
        return missing
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def uk_datetime(moment: dt.datetime | None, *, missing: str = "never") -> str:
    """dt.datetime(2025, 11, 3, 14, 5) -> '3 November 2025 at 14:05'; None -> 'never'."""
    if moment is None:
        return missing
    return f"{uk_date(moment.date())} at {moment:%H:%M}"


def uk_date_expr(expr: pl.Expr) -> pl.Expr:
    """uk_date for a polars date column: 2025-11-03 -> '3 November 2025'."""
    return expr.dt.strftime("%-d %B %Y")


def pct(share: float | None, *, digits: int = 0) -> str:
    """0.456 -> '46%'; None (no denominator) -> 'no data'."""
    if share is None:
        return "no data"
    return f"{share * 100:.{digits}f}%"


def count(n: int | None) -> str:
    """12345 -> '12,345'."""
    return "no data" if n is None else f"{n:,}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """1, 'plan' -> '1 plan'; 3 -> '3 plans'; 1200, 'ward' -> '1,200 wards' (``plural`` when not noun + 's')."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def are(n: int) -> str:
    """The verb for ``n`` things: 'is' for one, else 'are' ('1 plan is', '2 plans are')."""
    return "is" if n == 1 else "are"


NO_CHANGE = "no change"


def signed(delta: float | int | None, *, as_pct_points: bool = False) -> str | None:
    """A change for st.metric: '+3', '-2', '+5 points', 'no change'; None if nothing to compare.

    Shares are rounded to whole points first, so -0.2 points reads 'no change', never '-0'.
    """
    if delta is None:
        return None
    if as_pct_points:
        points = round(delta * 100)
        return NO_CHANGE if points == 0 else f"{points:+d} points"
    return NO_CHANGE if delta == 0 else f"{delta:+,}"
