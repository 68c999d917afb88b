"""Meetings and DWO continuity figures: pure polars functions, no st.* and no SQL.

Each function takes frames as ``data_access.queries`` returns them, the Met wards in the chosen
area (a wards frame or a list of codes) and a period or day, and returns a frame or a dict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import Period, quarter_ends, quarter_start
from dashboard.figures.compare import quarter_of, quarters_in
from dashboard.figures.expressions import between, in_wards, open_on

DEFAULT_MINIMUM = 1  # meetings a ward panel is expected to hold each quarter
CHURN_WINDOW_DAYS = 730  # DWO changes are counted over the two years to the day
HIGH_CHURN_PER_YEAR = 1.5  # 3 or more new officers in two years


def heatmap(meetings: pl.DataFrame, met_wards: pl.DataFrame, first: dt.date, last: dt.date, *, by: str) -> pl.DataFrame:
    """Meetings per row and quarter, every quarter from ``first`` to ``last``, zeros included.

    ``by`` "ward": one row per Met ward, value = meetings held in the quarter (a ward with no
    meetings shows 0s, not a gap). ``by`` "borough": one row per borough, value = meetings per
    Met ward (so boroughs of different sizes compare). Example: a borough of 2 wards with 3
    meetings in a quarter -> 1.5 for that quarter.
    Columns: row_code, row_name, quarter_end, meetings, wards, value.
    """
    quarters = quarter_ends(first, last)[::-1]  # never empty: holds at least last's quarter
    code, name = ("ward_code", "ward_name") if by == "ward" else ("borough_code", "borough_name")
    rows = met_wards.select(
        pl.col(code).alias("row_code"), pl.col(name).alias("row_name"), "ward_code"
    )
    held = (
        in_wards(meetings, met_wards["ward_code"].to_list())
        .lazy()  # lazy, so the filter gathers only the two columns used (memory)
        .filter(pl.col("held_on").is_between(quarter_start(quarters[0]), quarters[-1]))
        .group_by("ward_code", quarter_of("held_on").alias("quarter_end"))
        .agg(pl.len().alias("meetings"))
        .collect()
    )
    grid = rows.join(pl.DataFrame({"quarter_end": quarters}, schema={"quarter_end": pl.Date}), how="cross")
    per_ward = grid.join(held, on=["ward_code", "quarter_end"], how="left").with_columns(pl.col("meetings").fill_null(0))
    out = (
        per_ward.group_by("row_code", "row_name", "quarter_end")
        .agg(pl.col("meetings").sum().cast(pl.Int64), pl.len().alias("wards"))
        .with_columns((pl.col("meetings") / pl.col("wards")).alias("value"))
        .sort("row_name", "quarter_end")
    )
    return out


def quarterly_counts(meetings: pl.DataFrame, met_wards: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Meetings per Met ward for each quarter of the period (zeros for wards that did not meet).

    Columns: ward_code, ward_name, borough_name, quarter_end, meetings.
    """
    quarters = pl.DataFrame({"quarter_end": quarters_in(period)}, schema={"quarter_end": pl.Date})
    held = (
        in_wards(meetings, met_wards["ward_code"].to_list())
        .filter(between("held_on", period))
        .group_by("ward_code", quarter_of("held_on").alias("quarter_end"))
        .agg(pl.len().alias("meetings"))
    )
    return (
        met_wards.select("ward_code", "ward_name", "borough_name")
        .join(quarters, how="cross")
        .join(held, on=["ward_code", "quarter_end"], how="left")
        .with_columns(pl.col("meetings").fill_null(0).cast(pl.Int64))
    )


def below_minimum(
    meetings: pl.DataFrame, met_wards: pl.DataFrame, period: Period, *, minimum: int = DEFAULT_MINIMUM
) -> pl.DataFrame:
    """Met wards that held fewer than ``minimum`` meetings in at least one quarter of the period.

    Wards without a panel count too: a ward with no meetings is below any minimum.
    Example: minimum 1, 12 months, a ward meeting in Q1, Q2 and Q4 only -> listed, with
    quarters_below 1 and meetings 3. Columns: ward_code, ward_name, borough_name, meetings,
    quarters_below, fewest_in_a_quarter.
    """
    counts = quarterly_counts(meetings, met_wards, period)
    return (
        counts.group_by("ward_code", "ward_name", "borough_name")
        .agg(
            pl.col("meetings").sum().alias("meetings"),
            (pl.col("meetings") < minimum).sum().cast(pl.Int64).alias("quarters_below"),
            pl.col("meetings").min().alias("fewest_in_a_quarter"),
        )
        .filter(pl.col("quarters_below") > 0)
        .sort("quarters_below", "meetings", "borough_name", "ward_name", descending=[True, False, False, False])
    )


def longest_gap(meetings: pl.DataFrame, met_wards: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Per Met ward, the longest run of days without a meeting that ends inside the period.

    Gaps are between consecutive meetings (the earlier one may be before the period), plus the
    gap still running at the period's end (last meeting to the end date). A ward that has never
    met has a null gap and ``never_met`` true. Example: meetings on 1 October 2022 and 10
    February 2023, period January to March 2023 -> 132 days (the February meeting ended it);
    if the only later meeting is on 10 February, the running gap to 31 March is 49 days, so the
    answer stays 132. Columns: ward_code, ward_name, borough_name, longest_gap_days,
    last_meeting_on, never_met.
    """
    held = (
        in_wards(meetings, met_wards["ward_code"].to_list())
        .lazy()  # lazy, so the filter gathers only the two columns used (memory)
        .select("ward_code", "held_on")
        .filter(pl.col("held_on") <= period.end)
        .unique()
        .sort("ward_code", "held_on")
        .with_columns(pl.col("held_on").shift(1).over("ward_code").alias("previous"))
        .collect()
    )
    between_meetings = held.filter(pl.col("previous").is_not_null() & between("held_on", period)).select(
        "ward_code", (pl.col("held_on") - pl.col("previous")).dt.total_days().alias("gap")
    )
    last = held.group_by("ward_code").agg(pl.col("held_on").max().alias("last_meeting_on"))
    running = last.select("ward_code", (pl.lit(period.end) - pl.col("last_meeting_on")).dt.total_days().alias("gap"))
    gaps = pl.concat([between_meetings, running]).group_by("ward_code").agg(pl.col("gap").max().alias("longest_gap_days"))
    return (
        met_wards.select("ward_code", "ward_name", "borough_name")
        .join(gaps, on="ward_code", how="left")
        .join(last, on="ward_code", how="left")
        .with_columns(pl.col("last_meeting_on").is_null().alias("never_met"))
        .sort("longest_gap_days", descending=True, nulls_last=False)
    )


def summary(meetings: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> dict[str, float | int | None]:
    """Headline meeting figures for the wards in the period.

    meetings; per_ward (meetings per Met ward); attendees and public (mean per meeting);
    dwo, reviewed, minutes (share of meetings with the DWO present, promises reviewed,
    minutes published); open (share of meetings open to the public, of those where it is
    recorded; open_unknown counts the rest); in person, online, hybrid (shares of meetings).
    Example: 2 meetings, DWO at one, 10 and 20 attendees -> dwo 0.5, attendees 15.
    A share with no meetings is None, never 0.
    """
    rows = in_wards(meetings, ward_codes).filter(between("held_on", period))
    n = rows.height
    known = rows.filter(pl.col("open_to_public").is_not_null())

    def mean_of(expr: pl.Expr, frame: pl.DataFrame = rows) -> float | None:
        return frame.select(expr.cast(pl.Float64).mean()).item() if frame.height else None

    out: dict[str, float | int | None] = {
        "meetings": n,
        "per_ward": n / len(ward_codes) if len(ward_codes) else None,
        "attendees": mean_of(pl.col("attendees")),
        "public": mean_of(pl.col("public_attendees")),
        "dwo": mean_of(pl.col("dwo_present")),
        "reviewed": mean_of(pl.col("promises_reviewed")),
        "minutes": mean_of(pl.col("minutes_published")),
        "open": mean_of(pl.col("open_to_public"), known),
        "open_unknown": n - known.height,
    }
    for fmt in v.MEETING_FORMATS:
        out[fmt] = mean_of(pl.col("format") == fmt)
    return out


SUMMARY_ROWS = (
    ("meetings", "Meetings held", "count"),
    ("per_ward", "Meetings per Met ward", "count"),
    ("attendees", "Attendance per meeting (average)", "people"),
    ("public", "Members of the public per meeting (average)", "people"),
    ("dwo", "Meetings with the Dedicated Ward Officer present", "%"),
    ("reviewed", "Meetings that reviewed promises", "%"),
    ("minutes", "Meetings with minutes published", "%"),
    ("open", "Meetings open to the public (where recorded)", "%"),
    ("in person", "Meetings held in person", "%"),
    ("online", "Meetings held online", "%"),
    ("hybrid", "Meetings held hybrid", "%"),
)


def trends(meetings: pl.DataFrame, ward_codes: Sequence[str], first: dt.date, last: dt.date) -> pl.DataFrame:
    """Per quarter from ``first`` to ``last``: meetings, mean attendance and public attendance,
    and the shares with the DWO present, promises reviewed, minutes published, open to the
    public (of those recorded) and in each format. Quarters with no meetings have null means.
    Example: one quarter, meetings of 10 and 20 (5 and 0 public) -> attendees 15, public 2.5.
    """
    ends = quarter_ends(first, last)[::-1]
    quarters = pl.DataFrame({"quarter_end": ends}, schema={"quarter_end": pl.Date})
    rows = in_wards(meetings, ward_codes).filter(pl.col("held_on").is_between(quarter_start(ends[0]), ends[-1]))
    agg = rows.group_by(quarter_of("held_on").alias("quarter_end")).agg(
        pl.len().alias("meetings"),
        pl.col("attendees").mean().alias("attendees"),
        pl.col("public_attendees").mean().alias("public"),
        pl.col("dwo_present").mean().alias("dwo"),
        pl.col("promises_reviewed").mean().alias("reviewed"),
        pl.col("minutes_published").mean().alias("minutes"),
        pl.col("open_to_public").drop_nulls().mean().alias("open"),
        *[(pl.col("format") == f).mean().alias(f) for f in v.MEETING_FORMATS],
    )
    return quarters.join(agg, on="quarter_end", how="left").with_columns(pl.col("meetings").fill_null(0).cast(pl.Int64))


# --- DWO continuity -------------------------------------------------------------------------


def dwo_continuity(
    dwo: pl.DataFrame, met_wards: pl.DataFrame, day: dt.date, *, window_days: int = CHURN_WINDOW_DAYS,
    high_churn_per_year: float = HIGH_CHURN_PER_YEAR,
) -> pl.DataFrame:
    """Per Met ward on ``day``: the DWO in post and their tenure, and officer changes per year.

    - in post: a posting that started on or before ``day`` and had not ended (ended_on is the
      first day without the officer); ``no_dwo`` is true when nobody is.
    - tenure_days: days from the current officer's start to ``day``.
    - changes: postings that began in the ``window_days`` (two years) up to ``day`` and followed
      an earlier posting in the ward (the first officer on record is not a change);
      changes_per_year = changes / (window_days / 365). ``high_churn``: at least
      ``high_churn_per_year`` (default 1.5: three new officers in two years).
    Example: postings starting 1 January 2020, 1 March 2022 and 1 September 2023, as of
    31 December 2023 -> 2 changes in two years (1.0 a year), tenure 121 days, not high churn.
    """
    rows = in_wards(dwo, met_wards["ward_code"].to_list()).filter(pl.col("started_on") <= day)
    window_start = day - dt.timedelta(days=window_days)
    ranked = rows.sort("ward_code", "started_on").with_columns(
        (pl.int_range(pl.len()).over("ward_code") > 0).alias("follows")
    )
    current = (
        ranked.filter(open_on(day, start="started_on", end="ended_on"))
        .sort("started_on")
        .group_by("ward_code")
        .agg(pl.col("officer_ref").last(), pl.col("started_on").last().alias("in_post_since"))
    )
    changes = (
        ranked.filter(pl.col("follows") & (pl.col("started_on") > window_start))
        .group_by("ward_code")
        .agg(pl.len().cast(pl.Int64).alias("changes"))
    )
    years = window_days / 365
    return (
        met_wards.select("ward_code", "ward_name", "borough_name")
        .join(current, on="ward_code", how="left")
        .join(changes, on="ward_code", how="left")
        .with_columns(
            pl.col("changes").fill_null(0),
            (pl.lit(day) - pl.col("in_post_since")).dt.total_days().alias("tenure_days"),
            pl.col("officer_ref").is_null().alias("no_dwo"),
        )
        .with_columns((pl.col("changes") / years).round(2).alias("changes_per_year"))
        .with_columns((pl.col("changes_per_year") >= high_churn_per_year).alias("high_churn"))
    )


def churn_and_functioning(
    continuity: pl.DataFrame, meetings: pl.DataFrame, period: Period, *, minimum: int = DEFAULT_MINIMUM
) -> pl.DataFrame:
    """High-churn wards against the rest, on simple signs of a working panel in the period.

    Per group (high churn or not): wards; meetings per ward; share of wards meeting at least
    ``minimum`` times in every quarter of the period; share of meetings with the DWO present.
    These are proxies (meetings held, DWO presence), not the formal functioning status.
    Example: churn wards A (2 meetings, DWO at 1) and B (0) -> 1 meeting per ward, 50% of wards
    meeting every quarter (quarter period, minimum 1), DWO at 50% of meetings.
    """
    wards = continuity.select("ward_code", "ward_name", "borough_name", "high_churn")
    counts = quarterly_counts(meetings, wards, period)
    per_ward = counts.group_by("ward_code").agg(
        pl.col("meetings").sum().alias("meetings"), (pl.col("meetings") >= minimum).all().alias("met_minimum")
    )
    dwo = (
        in_wards(meetings, wards["ward_code"].to_list())
        .filter(between("held_on", period))
        .group_by("ward_code")
        .agg(pl.col("dwo_present").sum().alias("dwo_meetings"))
    )
    joined = wards.join(per_ward, on="ward_code", how="left").join(dwo, on="ward_code", how="left").with_columns(
        pl.col("dwo_meetings").fill_null(0)
    )
    return (
        joined.group_by("high_churn")
        .agg(
            pl.len().alias("wards"),
            pl.col("meetings").mean().alias("meetings_per_ward"),
            pl.col("met_minimum").mean().alias("share_meeting_every_quarter"),
            (pl.col("dwo_meetings").sum() / pl.col("meetings").sum()).alias("share_meetings_with_dwo"),
        )
        .with_columns(
            pl.when(pl.col("high_churn")).then(pl.lit("High DWO churn")).otherwise(pl.lit("Other wards")).alias("group"),
            pl.col("share_meetings_with_dwo").fill_nan(None),
        )
        .sort("high_churn", descending=True)
        .select("group", "wards", "meetings_per_ward", "share_meeting_every_quarter", "share_meetings_with_dwo")
    )
