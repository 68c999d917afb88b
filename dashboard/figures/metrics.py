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
from dashboard.figures.expressions import FEEDBACK_DAYS, achieved, between, in_wards, open_on
from dashboard.figures.promises import closed_in, feedback_counted

GOOD_JOB = '"Good Job" local'
SURVEY_DESIGN_BASE = 400  # Public Attitude Survey interviews a borough in any 12 months, by design (no bases are published)


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


def feedback_given(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period, *, days: int = FEEDBACK_DAYS,
                   as_of: dt.date | None = None) -> tuple[int, int]:
    """(told within ``days`` of closing, counted): "you said, we did", on promises given their full time.

    Counted: promises closed in the period, at least ``days`` (28 unless the rubric's [feedback]
    setting says otherwise) before ``as_of``, the period's last day unless given. Told: residents
    were told the outcome within ``days`` of its closing (feedback before closing counts).
    Counting only promises whose ``days`` have run means a recent quarter is not understated
    for being recent, and a period's rate is the same whenever it is seen.
    Example, October to December 2023, 28 days: closed 1 November and told 20 November (told);
    closed 10 November and told 20 December, 40 days later (not told); closed 15 December (its
    28 days run to 12 January 2024: not counted yet) -> (1, 2): 50%.
    """
    counted = feedback_counted(promises, ward_codes, period, days=days, as_of=as_of)
    return int(counted["told"].sum()), counted.height


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
    feedback_counted: int
    activities: int
    people_reached: int
    good_job: float | None
    good_job_on: dt.date | None
    feedback_days: int = FEEDBACK_DAYS
    survey_design_base: int | None = None  # interviews behind good_job by the survey's design, for its noise

    @property
    def panel_share(self) -> float | None:
        return self.with_panel / self.wards if self.wards else None

    @property
    def completion(self) -> float | None:
        return self.achieved / self.closed if self.closed else None

    @property
    def feedback_share(self) -> float | None:
        return self.told / self.feedback_counted if self.feedback_counted else None


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
    feedback_days: int = FEEDBACK_DAYS,
) -> Figures:
    achieved, closed = promise_completion(promises, met_ward_codes, period)
    told, counted = feedback_given(promises, met_ward_codes, period, days=feedback_days)
    activities, people = engagement_reach(engagement, met_ward_codes, period)
    good_job, on = confidence_value(confidence, borough_codes, period.end)
    boroughs = (confidence.filter(pl.col("borough_code") != v.LONDON_CODE)["borough_code"].n_unique()
                if borough_codes is None else len(borough_codes))
    return Figures(
        wards=len(met_ward_codes),
        with_panel=wards_with_panel(panels, met_ward_codes, period.end),
        meetings=meetings_held(meetings, met_ward_codes, period),
        achieved=achieved,
        closed=closed,
        told=told,
        feedback_counted=counted,
        activities=activities,
        people_reached=people,
        good_job=good_job,
        good_job_on=on,
        feedback_days=feedback_days,
        survey_design_base=SURVEY_DESIGN_BASE * boroughs if good_job is not None else None,
    )
