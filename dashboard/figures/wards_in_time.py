"""Wards in time for figures: which wards a date counts, and what a ward's history holds.

Tables reach the figures with ``ward_code`` the 2022 ward each row counts for (a row kept on a
ward from before May 2022 counts for its best fit: ``dashboard.domain.wards_in_time.counts_as``)
and ``RECORDED`` the code it was kept on when that is another. ``lookup`` is the successor
lookup (``wards_in_time.LOOKUP_SCHEMA``). Pure polars; no Streamlit, no database.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.domain import areas
from dashboard.domain.areas import Area
from dashboard.domain.formatting import uk_date
from dashboard.domain.wards_in_time import CHANGE_DAY, NOISE, RECORDED, main_predecessor

TREND_NOTE = (
    f"Each quarter counts the wards that existed at its end. London's wards changed on {uk_date(CHANGE_DAY)}: before "
    "that the wards of then are counted (632 in the Met's boroughs), each judged on the records kept on it; from then "
    "the 2022 wards (679), each with the records of the old wards that count for it (the one that took most of an "
    "old ward's area). A record kept on a 2022 ward's code for a date before the change counts, before it, for the "
    "old ward that covered most of that 2022 ward."
)
BEFORE_CHANGE_NOTE = (
    f"London's wards changed on {uk_date(CHANGE_DAY)}. This page shows the 2022 wards, each with the records of the "
    "old wards that count for it (the 2022 ward that took most of an old ward's area); on this date the Met's "
    "boroughs had 632 wards, which the Coverage trend counts."
)


def wards_on(day: dt.date, wards: pl.DataFrame, former: pl.DataFrame) -> pl.DataFrame:
    """A count of wards on a date counts the wards that existed on that date.

    Before 5 May 2022 they are the wards of before the boundary changes (657 in London, 632 of
    them in the Met's boroughs); from that day the 2022 wards (704 in London, 679 the Met's). Example: 31 March 2019 -> 632 Met wards; 30 June 2022 -> 679.
    """
    return former if day < CHANGE_DAY else wards


def kept_on_wards_of_then(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    """For a quarter ending before 5 May 2022, the coverage trend judges the wards of then, each on
    the records kept on it. A record kept on a 2022 ward's code though dated before the change (as
    a database seeded by an earlier sample holds) counts for the old ward that covered most of that 2022 ward.

    Example: a meeting kept on old Abbey (E05000026), read as Northbury (E05014066), counts for
    old Abbey; a meeting kept on the new Abbey (E05014053), 58% of which was Gascoigne, counts
    for Gascoigne (E05000032); one kept on Bethnal Green (E05009317, which kept its code) for
    Bethnal Green.
    """
    # The code kept on is RECORDED, or ward_code when that is empty; the 2022 code's ward of then is
    # its main_predecessor. Rows on codes of neither (synthetic copies of London) are left out.
    kept = pl.coalesce(pl.col(RECORDED).cast(pl.String), pl.col("ward_code").cast(pl.String)) if RECORDED in frame.columns \
        else pl.col("ward_code").cast(pl.String)
    former = lookup["old_code"].unique().implode()
    then = main_predecessor(lookup).rename({"new_code": "__kept", "old_code": "__then"})
    return (
        frame.with_columns(kept.alias("__kept"))
        .join(then, on="__kept", how="left")
        .with_columns(pl.when(pl.col("__kept").is_in(former)).then(pl.col("__kept")).otherwise(pl.col("__then")).alias("ward_code"))
        .filter(pl.col("ward_code").is_not_null())
        .drop("__kept", "__then")
    )


def area_codes(area: Area, wards: pl.DataFrame, former: pl.DataFrame, lookup: pl.DataFrame) -> list[str]:
    """The codes of an area's wards on both sides of May 2022: its 2022 wards and the wards before
    them. A borough, BCU or London holds the old wards of its boroughs; one 2022 ward holds the old
    wards whose records count for it (its best-fit predecessors), so its trend before May 2022 is
    theirs. Example: Northbury -> Northbury and old Abbey."""
    now = areas.wards_in(wards, area)["ward_code"].to_list()
    if area.level == "ward":
        before = lookup.filter((pl.col("new_code") == area.code) & pl.col("best_fit"))["old_code"].to_list()
    else:
        before = areas.wards_in(former, area)["ward_code"].to_list()
    return sorted(set(now) | set(before))


def _ward(name: str, code: str) -> str:
    return f"{name} ({code})"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def history_note(ward_code: str, lookup: pl.DataFrame) -> str | None:
    """A ward's history before 5 May 2022 is that of the old wards whose records count for it (it
    took most of their area), shown with how much of each one's area it took and how much of it
    each made up; any other old ward that made up 5% or more of it is named too, with the 2022
    ward its records count for. A ward that kept its code and took in no other has no note.

    Example for Northbury (E05014066): "Before 5 May 2022 this ward's history is that of its
    predecessor Abbey (E05000026): 83% of Abbey's area is in this ward, and it made up 94% of
    this ward." For the new Abbey (E05014053), which no old ward counts for: "This ward
    was formed on 5 May 2022 and its history starts then. Before, its area was in Gascoigne
    (E05000032, 58% of it) and Abbey (E05000026, 42% of it), whose records count for the 2022
    wards that took most of their area: Gascoigne (E05014061) and Northbury (E05014066)."
    """
    rows = lookup.filter(pl.col("new_code") == ward_code).sort("share_of_new_area", descending=True)
    if rows.is_empty():
        return None
    predecessors = rows.filter(pl.col("best_fit"))
    others = rows.filter(~pl.col("best_fit") & (pl.col("share_of_new_area") >= NOISE))
    if predecessors["old_code"].to_list() == [ward_code] and others.is_empty():
        return None  # kept its code and took in no other ward
    go_to = dict(lookup.filter(pl.col("best_fit") & pl.col("old_code").is_in(others["old_code"].implode()))
                 .select("old_code", pl.format("{} ({})", "new_name", "new_code")).iter_rows())
    changed = uk_date(CHANGE_DAY)
    if predecessors.is_empty():
        parts = [f"{r['old_name']} ({r['old_code']}, {r['share_of_new_area']:.0%} of it)" for r in others.iter_rows(named=True)]
        text = f"This ward was formed on {changed} and its history starts then."
        if parts:
            ends = _listed(sorted(set(go_to[c] for c in others["old_code"])))
            text += (f" Before, its area was in {_listed(parts)}, whose records count for the 2022 "
                     f"{'ward' if len(set(go_to.values())) == 1 else 'wards'} that took most of their area: {ends}.")
        return text
    parts = []
    for r in predecessors.iter_rows(named=True):
        kept = "kept its code" if r["old_code"] == ward_code else f"{r['share_of_old_area']:.0%} of {r['old_name']}'s area is in this ward"
        parts.append(f"{_ward(r['old_name'], r['old_code'])}: {kept}, and it made up {r['share_of_new_area']:.0%} of this ward")
    word = "predecessor" if len(parts) == 1 else "predecessors"
    text = f"Before {changed} this ward's history is that of its {word} {'; and '.join(parts)}."
    if not others.is_empty():
        also = [f"{r['old_name']} ({r['share_of_new_area']:.0%} of this ward, whose records count for {go_to[r['old_code']]})"
                for r in others.iter_rows(named=True)]
        text += f" Part of it was in {_listed(also)}."
    return text
