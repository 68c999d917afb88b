"""Published figures: pure polars functions, each with its definition and a worked example.

Every function takes plain frames (as ``data_access.queries`` returns them), the wards in the
chosen area and a period, and returns numbers; none reads a database or calls Streamlit. The
Overview sets each figure beside the previous period and London.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import Period
from dashboard.figures.expressions import achieved, between, in_wards, open_on, told_by
from dashboard.figures.promises import closed_in

GOOD_JOB = '"Good Job" local'


def wards_with_panel(panels: pl.DataFrame, ward_codes: Sequence[str], day: dt.date) -> int:
    """Wards with a panel open on ``day`` (established on or before, not yet closed).

    Example: a ward whose panel closed on 1 March 2023 has no panel on that day.
    """
    open_panels = in_wards(panels, ward_codes).filter(open_on(day, start="established_on", end="closed_on"))
    return open_panels["ward_code"].n_unique()


def meetings_held(meetings: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> int:
    """Panel meetings held in the period. Example: meetings on 3 Jan and 4 Apr -> 1 in Jan-Mar."""
    return in_wards(meetings, ward_codes).filter(between("held_on", period)).height


def promise_completion(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> tuple[int, int]:
    """(achieved, closed) of the promises closed in the period; withdrawn ones count as closed.

    Example: closed in the quarter, 1 achieved, 1 not achieved, 1 withdrawn -> (1, 3): 33%.
    """
    closed = closed_in(promises, ward_codes, period)
    return closed.filter(achieved()).height, closed.height


def feedback_given(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> tuple[int, int]:
    """("you said, we did" published by the period's end, closed) for promises closed in the period.

    Example: 2 promises closed in the quarter, one with feedback published a week later but
    still inside the quarter -> (1, 2): 50%. Feedback published after the period ends does
    not count for it: the figure is what residents had been told by then.
    """
    closed = closed_in(promises, ward_codes, period)
    told = closed.filter(told_by(period.end))
    return told.height, closed.height


def engagement_reach(engagement: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> tuple[int, int]:
    """(activities, people reached) in the period. Outputs, not outcomes: shown as such.

    Example: a contact session reaching 10 and a newsletter reaching 5 in the quarter -> (2, 15).
    """
    rows = in_wards(engagement, ward_codes).filter(between("held_on", period))
    return rows.height, int(rows["people_reached"].sum())


def confidence_value(
    confidence: pl.DataFrame, borough_codes: Sequence[str] | None, day: dt.date, *, measure: str = GOOD_JOB
) -> tuple[float | None, dt.date | None]:
    """A survey measure at the latest quarter end on or before ``day``, with that quarter end.

    ``borough_codes`` None means London's own figure (E12000007). For several boroughs (a BCU)
    it is the unweighted mean of their figures, since the survey gives no bases to weight by.
    Example: two boroughs at 50 and 60 -> 55.
    """
    codes = [v.LONDON_CODE] if borough_codes is None else list(borough_codes)
    rows = confidence.filter(
        (pl.col("measure") == measure) & pl.col("borough_code").is_in(codes) & (pl.col("quarter_end") <= day)
    )
    if rows.is_empty():
        return None, None
    latest = rows["quarter_end"].max()
    value = rows.filter(pl.col("quarter_end") == latest)["value_pct"].mean()
    return value, latest


@dataclass(frozen=True)
class Figures:
    """The Overview's headline figures for one area and period."""

    wards: int
    with_panel: int
    meetings: int
    achieved: int
    closed: int
    told: int
    activities: int
    people_reached: int
    good_job: float | None
    good_job_on: dt.date | None

    @property
    def panel_share(self) -> float | None:
        return self.with_panel / self.wards if self.wards else None

    @property
    def completion(self) -> float | None:
        return self.achieved / self.closed if self.closed else None

    @property
    def feedback_share(self) -> float | None:
        return self.told / self.closed if self.closed else None


def overview(
    *,
    met_ward_codes: Sequence[str],
    borough_codes: Sequence[str] | None,
    panels: pl.DataFrame,
    meetings: pl.DataFrame,
    promises: pl.DataFrame,
    engagement: pl.DataFrame,
    confidence: pl.DataFrame,
    period: Period,
) -> Figures:
    achieved, closed = promise_completion(promises, met_ward_codes, period)
    told, _ = feedback_given(promises, met_ward_codes, period)
    activities, people = engagement_reach(engagement, met_ward_codes, period)
    good_job, on = confidence_value(confidence, borough_codes, period.end)
    return Figures(
        wards=len(met_ward_codes),
        with_panel=wards_with_panel(panels, met_ward_codes, period.end),
        meetings=meetings_held(meetings, met_ward_codes, period),
        achieved=achieved,
        closed=closed,
        told=told,
        activities=activities,
        people_reached=people,
        good_job=good_job,
        good_job_on=on,
    )
