"""Engagement linked to promises: the contact sessions and other activities held for each promise.

Boards ask that ward contact sessions be held where concern is greatest and be linked to the
ward's promises. An activity is linked to a promise by its ``promise_ref``. Pure polars.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.domain import areas
from dashboard.domain.areas import Area
from dashboard.domain.formatting import pct
from dashboard.domain.periods import Period
from dashboard.figures.expressions import in_wards
from dashboard.figures.promises import status_on

CONTACT_SESSION = "contact session"


def active(promises: pl.DataFrame, ward_codes: list[str], period: Period) -> pl.DataFrame:
    """Promises open at some time in the period: set by its last day, and not closed before its first."""
    return in_wards(promises, ward_codes).filter(
        (pl.col("set_on") <= period.end) & (pl.col("closed_on").is_null() | (pl.col("closed_on") >= period.start)))


def by_promise(promises: pl.DataFrame, engagement: pl.DataFrame, met_wards: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Each promise open at some time in the period, with the activities linked to it (its
    promise_ref) held from the day it was set to the period's last day: contact sessions, other
    activities, and the people they reached.

    Example: a promise set 1 September 2023 with contact sessions linked on 20 August (before it
    was set: not counted), 5 October and 9 November, and a street briefing on 1 December ->
    for October to December 2023, 2 contact sessions, 1 other activity.
    Columns: ward_name, borough_name, promise_ref, category, status, contact_sessions,
    other_activities, people_reached; most sessions first.
    """
    open_ = active(promises, met_wards["ward_code"].to_list(), period).select(
        "promise_ref", "ward_code", pl.col("category").cast(pl.String), "set_on", status_on(period.end))
    linked = (engagement.filter(pl.col("promise_ref").is_not_null())
              .select(pl.col("promise_ref").cast(pl.String), pl.col("kind").cast(pl.String), "held_on", "people_reached")
              .join(open_.select("promise_ref", "set_on"), on="promise_ref")
              .filter(pl.col("held_on").is_between(pl.col("set_on"), pl.lit(period.end)))
              .group_by("promise_ref")
              .agg((pl.col("kind") == CONTACT_SESSION).sum().cast(pl.Int64).alias("contact_sessions"),
                   (pl.col("kind") != CONTACT_SESSION).sum().cast(pl.Int64).alias("other_activities"),
                   pl.col("people_reached").sum().cast(pl.Int64)))
    return (open_.join(linked, on="promise_ref", how="left")
            .with_columns(pl.col("contact_sessions", "other_activities", "people_reached").fill_null(0))
            .join(met_wards.select("ward_code", "ward_name", "borough_name"), on="ward_code")
            .select("ward_name", "borough_name", "promise_ref", "category", pl.col("status_then").cast(pl.String).alias("status"),
                    "contact_sessions", "other_activities", "people_reached")
            .sort(["contact_sessions", "other_activities", "promise_ref"], descending=[True, True, False]))


def by_ward(per_promise: pl.DataFrame) -> pl.DataFrame:
    """Each ward with a promise open in the period: its promises, how many had a contact session
    linked, that share, and the activities linked in all. Columns: ward_name, borough_name,
    promises, with_contact_session, contact_share_pct, activities_linked; lowest share first."""
    return (per_promise.group_by("ward_name", "borough_name")
            .agg(pl.len().alias("promises"), (pl.col("contact_sessions") > 0).sum().cast(pl.Int64).alias("with_contact_session"),
                 (pl.col("contact_sessions") + pl.col("other_activities")).sum().alias("activities_linked"))
            .with_columns((pl.col("with_contact_session") / pl.col("promises") * 100).round(0).alias("contact_share_pct"))
            .select("ward_name", "borough_name", "promises", "with_contact_session", "contact_share_pct", "activities_linked")
            .sort(["contact_share_pct", "borough_name", "ward_name"]))


@dataclass(frozen=True)
class LinkedView:
    finding: str  # the share of promises with a contact session linked, as a sentence
    share: float | None  # that share (0 to 1); None with no promise open in the period
    promises: pl.DataFrame  # by_promise
    wards: pl.DataFrame  # by_ward


def linked_view(promises: pl.DataFrame, engagement: pl.DataFrame, wards: pl.DataFrame, area: Area, period: Period) -> LinkedView:
    """The share of promises with a contact session linked: of the promises open at some time in
    the period, those with at least one contact session linked to them held from the day the
    promise was set to the period's last day. Example: 4 promises open, 1 with two sessions
    linked, 1 with only a street briefing -> 1 of 4, 25%."""
    met = areas.met_wards_in(wards, area)
    per_promise = by_promise(promises, engagement, met, period)
    n = per_promise.height
    with_session = int((per_promise["contact_sessions"] > 0).sum()) if n else 0
    share = with_session / n if n else None
    if n:
        finding = (f"{area.name}, {period.label}: {pct(share)} of promises had a contact session linked to them "
                   f"({with_session:,} of the {n:,} open in the period).")
    else:
        finding = f"{area.name}, {period.label}: no promise was open in the period, so none could have a contact session linked."
    return LinkedView(finding, share, per_promise, by_ward(per_promise))
