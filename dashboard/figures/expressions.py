"""Reusable polars expressions: each shared rule is named once (ARCHITECTURE.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import Period


def between(column: str, period: Period) -> pl.Expr:
    """True where ``column`` falls inside the period (both ends inclusive)."""
    return pl.col(column).is_between(period.start, period.end, closed="both")


def open_on(day: dt.date, *, start: str, end: str) -> pl.Expr:
    """True for a spell (panel, membership, DWO posting) running on ``day``.

    A spell that ends on ``day`` is no longer running: closed_on is the first day without it.
    """
    return (pl.col(start) <= day) & (pl.col(end).is_null() | (pl.col(end) > day))


def achieved() -> pl.Expr:
    """True for a promise closed as achieved (the numerator of promise completion)."""
    return pl.col("status") == v.PROMISE_ACHIEVED


def told_by(day: dt.date) -> pl.Expr:
    """True for a promise whose outcome residents had been told by ``day`` ("you said, we did")."""
    return pl.col("feedback_published_on").is_not_null() & (pl.col("feedback_published_on") <= day)


FEEDBACK_DAYS = 28  # the rubric's [feedback] told_within_days, when no rubric is given


def told_within(days: int) -> pl.Expr:
    """True for a closed promise whose outcome residents were told within ``days`` of its closing.

    Feedback on or before the day it closed (an interim update) counts. Example, 28 days: closed
    1 March 2023, told 29 March -> True; told 30 March -> False; never told -> False.
    """
    return pl.col("feedback_published_on").is_not_null() & (
        pl.col("feedback_published_on") <= pl.col("closed_on").dt.offset_by(f"{days}d")
    )


def feedback_settled(day: dt.date, days: int) -> pl.Expr:
    """True for a promise closed at least ``days`` before ``day``: by ``day`` its ``days`` have run,
    so whether residents were told within them is settled and will not change when seen later.

    Example, 28 days, day 31 December 2023: closed 3 December -> True (its 28 days end on 31
    December); closed 4 December -> False (not counted yet, neither as told nor as not told).
    """
    return pl.col("closed_on") <= day - dt.timedelta(days=days)


def share(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator, null (not zero, not infinity) where the denominator is 0."""
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator)).otherwise(None)


def in_wards(frame: pl.DataFrame, ward_codes: Sequence[str]) -> pl.DataFrame:
    """The frame's rows for these wards.

    When every row is kept (London, which every area's figures are set beside), this is the
    frame itself rather than a copy: frames are immutable, and a copy of the whole meetings table
    for each London figure is about 15 MB at --scale 10.
    """
    keep = frame["ward_code"].is_in(list(ward_codes))
    return frame if keep.all() else frame.filter(keep)
