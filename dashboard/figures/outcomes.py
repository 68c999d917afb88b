"""Engagement outputs beside outcomes. Pure polars functions, no st.* and no SQL.

Outputs are what was done (activities, people reached); outcomes are what came of it (promises
achieved, residents told, Public Attitude Survey measures). Survey figures are MOPAC's rolling
12-month estimates per borough and quarter: a quarter's value already covers the year to it,
so consecutive quarters are never summed or averaged here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import Period
from dashboard.figures.expressions import FEEDBACK_DAYS, achieved, between, feedback_settled, in_wards, told_within
from dashboard.figures.promises import closed_in, feedback_counted, told_label

SMALL_BASE = 100  # survey answers below this make a borough figure unreliable
OUTPUT_KINDS = ("contact session", "newsletter", "social media")

HIGH_POOR = "High activity, poor outcome"
HIGH_GOOD = "High activity, good outcome"
LOW_GOOD = "Low activity, good outcome"
LOW_POOR = "Low activity, poor outcome"
NO_OUTCOME = "No outcome figure"
QUADRANTS = (HIGH_POOR, HIGH_GOOD, LOW_GOOD, LOW_POOR, NO_OUTCOME)


def by_kind(engagement: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> pl.DataFrame:
    """Activities in the period per kind, with people and young people reached (every kind listed).

    Example: two contact sessions reaching 10 (2 young) and 5 (0) -> contact session, 2, 15, 2.
    Columns: kind, activities, people_reached, young_people_reached.
    """
    rows = in_wards(engagement, ward_codes).filter(between("held_on", period))
    agg = rows.group_by(pl.col("kind").cast(pl.String)).agg(
        pl.len().cast(pl.Int64).alias("activities"),
        pl.col("people_reached").sum().cast(pl.Int64),
        pl.col("young_people_reached").sum().cast(pl.Int64),
    )
    return (
        pl.DataFrame({"kind": list(v.ENGAGEMENT_KINDS)})
        .join(agg, on="kind", how="left")
        .with_columns(pl.col("activities", "people_reached", "young_people_reached").fill_null(0))
    )


def summary(engagement: pl.DataFrame, promises: pl.DataFrame, ward_codes: Sequence[str], period: Period, *,
            feedback_days: int = FEEDBACK_DAYS) -> dict[str, float | int | None]:
    """Outputs and promise outcomes for the wards in the period.

    activities, per_ward (activities per Met ward), contact sessions, newsletters, social media
    (counts), people and young (people reached), young_share (young of people reached);
    completion (achieved of promises closed) and feedback_share (of the promises closed in the
    period at least ``feedback_days`` before its end, the share whose outcome residents were
    told within ``feedback_days`` of closing: ``promises.feedback_counted``). Example: 3
    activities reaching 20 people, 5 of them young, in 2 wards -> per_ward 1.5, young_share 0.25.
    """
    kinds = by_kind(engagement, ward_codes, period)
    counts = dict(zip(kinds["kind"], kinds["activities"]))
    activities = int(kinds["activities"].sum())
    people = int(kinds["people_reached"].sum())
    young = int(kinds["young_people_reached"].sum())
    closed = closed_in(promises, ward_codes, period)
    counted = feedback_counted(promises, ward_codes, period, days=feedback_days)
    n = closed.height
    return {
        "activities": activities,
        "per_ward": activities / len(ward_codes) if len(ward_codes) else None,
        **{k: counts.get(k, 0) for k in OUTPUT_KINDS},
        "people": people,
        "young": young,
        "young_share": young / people if people else None,
        "closed": n,
        "completion": closed.filter(achieved()).height / n if n else None,
        "feedback_counted": counted.height,
        "feedback_share": float(counted["told"].mean()) if counted.height else None,
    }


def summary_rows(feedback_days: int = FEEDBACK_DAYS) -> tuple[tuple[str, str, str], ...]:
    """The Engagement outcomes comparison table's rows (key, figure, unit)."""
    return (
        ("activities", "Engagement activities (output)", "count"),
        ("per_ward", "Activities per Met ward (output)", "count"),
        ("contact session", "Contact sessions (output)", "count"),
        ("newsletter", "Newsletters (output)", "count"),
        ("social media", "Social media posts (output)", "count"),
        ("people", "People reached (output)", "count"),
        ("young", "Young people reached (output)", "count"),
        ("completion", "Promises achieved, of those closed (outcome)", "%"),
        ("feedback_share", f"{told_label(feedback_days)}, of promises closed at least {feedback_days} days before the end (outcome)", "%"),
    )


SUMMARY_ROWS = summary_rows()


def base_note(base_n: int | None) -> str:
    """How far to trust a survey figure: 'base not published', 'small base (87)', 'base 412'."""
    if base_n is None:
        return "base not published"
    if base_n < SMALL_BASE:
        return f"small base ({base_n}): treat with caution"
    return f"base {base_n:,}"


def survey_latest(confidence: pl.DataFrame, borough_codes: Sequence[str] | None, day: dt.date) -> pl.DataFrame:
    """Each survey measure at the latest quarter on or before ``day`` (never an average over quarters).

    ``borough_codes`` None: London's own row. Several boroughs (a BCU): the unweighted mean of
    their values in that one quarter (the release has no bases to weight by), base_n their sum
    only if every borough has one. A measure with no survey on or before ``day`` is listed with
    nulls. Example: measure M at 60 on 30 September and 62 on 31 December, day 31 December ->
    62 (not 61). Columns: measure, label, quarter_end, value_pct, base_n, base.
    """
    codes = [v.LONDON_CODE] if borough_codes is None else list(borough_codes)
    rows = confidence.filter(pl.col("borough_code").is_in(codes) & (pl.col("quarter_end") <= day))
    latest = rows.group_by("measure").agg(pl.col("quarter_end").max().alias("latest"))
    values = (
        rows.join(latest, on="measure")
        .filter(pl.col("quarter_end") == pl.col("latest"))
        .group_by("measure", "quarter_end")
        .agg(
            pl.col("value_pct").mean().round(1),
            pl.when(pl.col("base_n").null_count() == 0).then(pl.col("base_n").sum()).otherwise(None).alias("base_n"),
        )
    )
    out = pl.DataFrame({"measure": list(v.PAS_MEASURES), "label": [v.PAS_MEASURE_LABELS[m] for m in v.PAS_MEASURES]}).join(
        values, on="measure", how="left"
    )
    return out.with_columns(
        pl.col("base_n").cast(pl.Int64),
        pl.col("base_n").map_elements(base_note, return_dtype=pl.String, skip_nulls=False).alias("base"),
    )


def survey_by_quarter(confidence: pl.DataFrame, boroughs: pl.DataFrame, measure: str, first: dt.date, last: dt.date) -> pl.DataFrame:
    """One survey measure for each borough and quarter from ``first`` to ``last``, as published.

    Each value is MOPAC's rolling 12-month figure to that quarter; a quarter with no survey is
    simply absent. Columns: borough_name, quarter_end, value_pct, base_n, base.
    """
    return (
        confidence.filter((pl.col("measure") == measure) & pl.col("quarter_end").is_between(first, last))
        .join(boroughs.select("borough_code", "borough_name").unique(), on="borough_code")
        .select("borough_name", "quarter_end", "value_pct", pl.col("base_n").cast(pl.Int64))
        .with_columns(pl.col("base_n").map_elements(base_note, return_dtype=pl.String, skip_nulls=False).alias("base"))
        .sort("borough_name", "quarter_end")
    )


def _promise_outcomes(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period, feedback_days: int) -> pl.DataFrame:
    closed = closed_in(promises, ward_codes, period)
    settled = feedback_settled(period.end, feedback_days)
    return closed.group_by("ward_code").agg(
        pl.len().cast(pl.Int64).alias("closed"),
        achieved().sum().cast(pl.Int64).alias("achieved"),
        settled.sum().cast(pl.Int64).alias("feedback_counted"),
        (settled & told_within(feedback_days)).sum().cast(pl.Int64).alias("told"),
    )


def by_ward(engagement: pl.DataFrame, promises: pl.DataFrame, met_wards: pl.DataFrame, period: Period, *,
            feedback_days: int = FEEDBACK_DAYS) -> pl.DataFrame:
    """Per Met ward: outputs (activities, people reached) and outcomes (promises closed,
    achieved; feedback_counted and told as in ``summary``; completion and feedback shares) in
    the period. A ward with nothing closed (or counted) has null shares. Columns: ward_code,
    ward_name, borough_code, borough_name, activities, people_reached, closed, achieved,
    feedback_counted, told, completion, feedback_share.
    """
    codes = met_wards["ward_code"].to_list()
    acts = (
        in_wards(engagement, codes)
        .filter(between("held_on", period))
        .group_by("ward_code")
        .agg(pl.len().cast(pl.Int64).alias("activities"), pl.col("people_reached").sum().cast(pl.Int64))
    )
    return (
        met_wards.select("ward_code", "ward_name", "borough_code", "borough_name")
        .join(acts, on="ward_code", how="left")
        .join(_promise_outcomes(promises, codes, period, feedback_days), on="ward_code", how="left")
        .with_columns(pl.col("activities", "people_reached", "closed", "achieved", "feedback_counted", "told").fill_null(0))
        .with_columns(
            pl.when(pl.col("closed") > 0).then(pl.col("achieved") / pl.col("closed")).alias("completion"),
            pl.when(pl.col("feedback_counted") > 0).then(pl.col("told") / pl.col("feedback_counted")).alias("feedback_share"),
        )
    )


def by_borough(ward_rows: pl.DataFrame, confidence: pl.DataFrame, day: dt.date, *, measure: str) -> pl.DataFrame:
    """Per borough, from ``by_ward`` rows: activities and people reached per Met ward, completion
    and feedback shares (pooled over the borough's closed promises), and one survey measure at
    the latest quarter on or before ``day`` with its base. Example: wards with 1 of 2 and 2 of 2
    achieved -> completion 0.75 (3 of 4), not the mean of 0.5 and 1.0.
    """
    agg = ward_rows.group_by("borough_code", "borough_name").agg(
        pl.len().alias("met_wards"),
        pl.col("activities", "people_reached", "closed", "achieved", "feedback_counted", "told").sum(),
    )
    survey = (
        confidence.filter((pl.col("measure") == measure) & (pl.col("quarter_end") <= day))
        .sort("quarter_end")
        .group_by("borough_code")
        .agg(pl.col("value_pct").last().alias("survey_pct"), pl.col("quarter_end").last().alias("survey_quarter"), pl.col("base_n").last().cast(pl.Int64))
    )
    return (
        agg.join(survey, on="borough_code", how="left")
        .with_columns(
            (pl.col("activities") / pl.col("met_wards")).alias("activities_per_ward"),
            (pl.col("people_reached") / pl.col("met_wards")).alias("people_per_ward"),
            pl.when(pl.col("closed") > 0).then(pl.col("achieved") / pl.col("closed")).alias("completion"),
            pl.when(pl.col("feedback_counted") > 0).then(pl.col("told") / pl.col("feedback_counted")).alias("feedback_share"),
            pl.col("base_n").map_elements(base_note, return_dtype=pl.String, skip_nulls=False).alias("survey_base"),
        )
        .sort("borough_name")
    )


def quadrants(frame: pl.DataFrame, *, x: str, y: str, x_median: float | None, y_median: float | None) -> pl.DataFrame:
    """Label each row by activity ``x`` and outcome ``y`` against the given (London) medians.

    At or above the median counts as high/good. A row with no outcome figure (nothing closed,
    no survey) is "No outcome figure". Example: medians 10 and 0.5; a ward with 12 activities
    and 0.4 -> "High activity, poor outcome".
    """
    if x_median is None or y_median is None:
        return frame.with_columns(pl.lit(NO_OUTCOME).alias("quadrant"))
    high = pl.col(x) >= x_median
    good = pl.col(y) >= y_median
    label = (
        pl.when(pl.col(y).is_null()).then(pl.lit(NO_OUTCOME))
        .when(high & ~good).then(pl.lit(HIGH_POOR))
        .when(high & good).then(pl.lit(HIGH_GOOD))
        .when(good).then(pl.lit(LOW_GOOD))
        .otherwise(pl.lit(LOW_POOR))
    )
    return frame.with_columns(label.alias("quadrant"))


def median_of(frame: pl.DataFrame, column: str) -> float | None:
    """Median of a column ignoring nulls; None when there is nothing to take it of."""
    values = frame[column].drop_nulls()
    return float(values.median()) if values.len() else None
