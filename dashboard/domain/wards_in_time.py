"""Wards in time: London's wards before and after the boundary changes of May 2022.

London's boroughs took new wards at the local elections of 5 May 2022 (``CHANGE_DAY``). Before
that day the wards in force were those of ONS's December 2020 set: 657 in London, 632 in the 32
boroughs the Met polices (the City of London's 25 are City of London Police's). From that day on
they are the 2022 wards: 704 in London, 679 in the Met's boroughs. 174 wards kept their code (and
their boundary) across the change, so their code is valid on both sides of it.

A record is kept on the ward code that was valid on its date (a meeting of 3 March 2019 on a
ward of 2019). For figures, a record on a ward from before May 2022 counts for the 2022 ward that
took most of its area (its **best fit**, the ``best_fit`` row of the successor lookup):
``counts_as`` defines it. The lookup's shares are of area, from ONS's 200 m generalised
boundaries, so a share under ``NOISE`` is usually an artefact of generalisation and is left out
of the wards named to a user.

The successor lookup (``lookup`` below) is one row per (old ward, 2022 ward) pair that overlap:
old_code, old_name, old_borough_code, new_code, new_name, share_of_old_area (of the old ward's
area, the part now in the 2022 ward), share_of_new_area (of the 2022 ward's area, the part that
came from the old ward), best_fit (True on each old ward's largest share).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from dashboard.domain.formatting import uk_date

# A table read for figures carries the 2022 ward a row counts for in ward_code, and in RECORDED
# the code the row was kept on when that is another (data_access.queries.table).
RECORDED = "recorded_ward_code"
CHANGE_DAY = dt.date(2022, 5, 5)  # the 2022 London local elections: the 2022 wards from this day on
NOISE = 0.05  # an area share below this is mostly boundary generalisation; not named to users

LOOKUP_SCHEMA = {
    "old_code": pl.String, "old_name": pl.String, "old_borough_code": pl.String,
    "new_code": pl.String, "new_name": pl.String,
    "share_of_old_area": pl.Float64, "share_of_new_area": pl.Float64, "best_fit": pl.Boolean,
}


def counts_as(lookup: pl.DataFrame) -> pl.DataFrame:
    """The 2022 ward each ward from before May 2022 counts for in figures: its best fit.

    A record kept on a ward from before 5 May 2022 (a panel, a meeting, a promise, ...) counts,
    in every figure, for the 2022 ward that took most of the old ward's area. Nothing is split:
    a meeting is one meeting of one ward. So an old ward's whole history counts for one 2022 ward,
    and a 2022 ward's history before May 2022 is that of the old wards whose best fit it is (none,
    one or two). A ward that kept its code counts for itself.

    Example: Abbey (Barking and Dagenham, E05000026) went 83% to Northbury (E05014066) and 16% to
    the new Abbey (E05014053), so its meetings count for Northbury, 94% of which it had been. The
    new Abbey came 58% from Gascoigne and 42% from old Abbey, and neither's best fit is the new
    Abbey: its history begins on 5 May 2022. The shares are of area, from ONS boundaries.
    """
    # One row per old ward: old_code, new_code.
    return (lookup.filter(pl.col("best_fit"))
            .sort("old_code", "share_of_old_area", descending=[False, True])
            .unique("old_code", keep="first", maintain_order=True)
            .select("old_code", "new_code"))


def main_predecessor(lookup: pl.DataFrame) -> pl.DataFrame:
    """The ward before May 2022 that covered most of each 2022 ward's area (new_code, old_code).

    A record dated before 5 May 2022 but kept on a 2022 ward code (as a database seeded by an earlier sample holds)
    counts, for a date before the change, for this ward. Example: Northbury (E05014066) was 94%
    old Abbey (E05000026), so old Abbey; the new Abbey (E05014053) was 58% Gascoigne, so Gascoigne.
    """
    return (lookup.sort("new_code", "share_of_new_area", descending=[False, True])
            .unique("new_code", keep="first", maintain_order=True)
            .select("new_code", "old_code"))


def in_force(code: pl.Expr, day: pl.Expr, current: Iterable[str], former: Iterable[str]) -> pl.Expr:
    """True where ``code`` names a ward in force on ``day`` (or either is empty): a ward of the
    December 2020 set before CHANGE_DAY, a 2022 ward from it on."""
    before = day < pl.lit(CHANGE_DAY)
    return (code.is_null() | day.is_null()
            | (before & code.is_in(list(former))) | (~before & code.is_in(list(current))))


def _percent(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else "under 1%"


def _named(rows: pl.DataFrame, code: str, name: str, share: str, whose: str) -> str:
    """'E05014066 (Northbury), which has most of its area (83%), or E05014053 (Abbey, 16%)'."""
    rows = rows.sort(share, descending=True)
    first, rest = rows.row(0, named=True), rows.slice(1).filter(pl.col(share) >= NOISE)
    text = f"{first[code]} ({first[name]}), which {whose} ({_percent(first[share])})"
    others = [f"{r[code]} ({r[name]}, {_percent(r[share])})" for r in rest.iter_rows(named=True)]
    if others:
        text += ", or " + ", or ".join(others)
    return text


def successors_text(old_code: str, lookup: pl.DataFrame) -> str | None:
    """Every 2022 ward an old ward's area went to (shares of NOISE or more), the largest first and
    said to hold most of it: 'E05014066 (Northbury), which has most of its area (83%), or E05014053
    (Abbey, 16%)'. None for a code that is no ward from before May 2022."""
    rows = lookup.filter(pl.col("old_code") == old_code)
    return _named(rows, "new_code", "new_name", "share_of_old_area", "has most of its area") if rows.height else None


def predecessors_text(new_code: str, lookup: pl.DataFrame) -> str | None:
    """Every ward before May 2022 that a 2022 ward's area came from (shares of NOISE or more),
    the largest first: 'E05000032 (Gascoigne), which covered most of it (58%), or E05000026 (Abbey, 42%)'."""
    rows = lookup.filter(pl.col("new_code") == new_code)
    return _named(rows, "old_code", "old_name", "share_of_new_area", "covered most of it") if rows.height else None


def wrong_era(code: str, day: dt.date, column: str, lookup: pl.DataFrame, *, current: Iterable[str]) -> str:
    """Why ``code`` cannot carry a record dated ``day`` (``column`` names the date), and the ward(s) to use.

    An old code on or after CHANGE_DAY names every 2022 ward its area went to; a 2022 code
    before it names every ward its area came from. Each says which holds most of the area.
    """
    if code not in set(current):
        old = lookup.filter(pl.col("old_code") == code)
        name = old["old_name"][0] if old.height else code
        return (f"is the code of {name}, a ward from before {uk_date(CHANGE_DAY)}, but {column} ({uk_date(day)}) is on or after "
                f"that day, when the 2022 wards came in: use the 2022 ward the place is in now: {successors_text(code, lookup)}")
    new = lookup.filter(pl.col("new_code") == code)
    name = new["new_name"][0] if new.height else code
    then = predecessors_text(code, lookup)
    use = f"use the ward of that date: {then}" if then else "use the code of the ward that place was in then"
    return (f"is the code of {name}, a 2022 ward, but {column} ({uk_date(day)}) is before {uk_date(CHANGE_DAY)}, when the "
            f"2022 wards came in: {use}")
