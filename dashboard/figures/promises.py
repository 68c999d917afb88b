"""Promise figures: status, completion, overdue, time to close, categories, origin,
recurrence and "you said, we did". Pure polars functions, no st.* and no SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import Period, quarter_ends, quarter_start
from dashboard.figures.compare import quarter_of
from dashboard.figures.expressions import FEEDBACK_DAYS, achieved, between, feedback_settled, in_wards, told_by, told_within

DEFAULT_REVIEW_DAYS = 91  # one quarter: an open promise older than this is past its review
RECURRENCE_ROUNDS = 4  # the same category in 4 or more rounds running (about two years)


def status_on(day: dt.date) -> pl.Expr:
    """A promise's status as it stood on ``day``: open until its closed_on, then its final status."""
    return (
        pl.when(pl.col("closed_on").is_null() | (pl.col("closed_on") > day))
        .then(pl.lit(v.PROMISE_OPEN))
        .otherwise(pl.col("status"))
        .alias("status_then")
    )


def status_counts(promises: pl.DataFrame, ward_codes: Sequence[str], day: dt.date) -> pl.DataFrame:
    """Promises set on or before ``day``, counted by their status on that day (every status listed).

    A promise closed after ``day`` still counts as open on it. Example: set 1 January 2023,
    achieved 1 May 2023; on 31 March 2023 it is "open", on 30 June 2023 "achieved".
    Columns: status, promises.
    """
    rows = in_wards(promises, ward_codes).filter(pl.col("set_on") <= day).select(status_on(day).cast(pl.String))
    counts = rows.group_by("status_then").agg(pl.len().cast(pl.Int64).alias("promises"))
    return (
        pl.DataFrame({"status": list(v.PROMISE_STATUSES)})
        .join(counts.rename({"status_then": "status"}), on="status", how="left")
        .with_columns(pl.col("promises").fill_null(0))
    )


def closed_in(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> pl.DataFrame:
    """Promises closed (any final status, withdrawn included) within the period."""
    return in_wards(promises, ward_codes).filter((pl.col("status") != v.PROMISE_OPEN) & between("closed_on", period))


def feedback_counted(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period, *, days: int = FEEDBACK_DAYS,
                     as_of: dt.date | None = None) -> pl.DataFrame:
    """The promises a "told within ``days`` of closing" rate counts, with ``told`` (bool) for each.

    Closed in the period, and at least ``days`` before ``as_of`` (the period's last day unless
    given), so every promise counted has had its full ``days`` to be told: a recent period is
    not made to look worse than an older one merely because its residents have not been told
    yet, and the rate for a period does not change when it is seen later. Example, 28 days,
    October to December 2023 (as of 31 December): closed 1 November, told 20 November -> counted,
    told; closed 10 November, told 20 December (40 days) -> counted, not told; closed 15 December
    -> not counted yet (its 28 days run to 12 January 2024).
    """
    day = period.end if as_of is None else as_of
    return closed_in(promises, ward_codes, period).filter(feedback_settled(day, days)).with_columns(told_within(days).alias("told"))


def overdue(promises: pl.DataFrame, met_wards: pl.DataFrame, day: dt.date, *, review_days: int = DEFAULT_REVIEW_DAYS) -> pl.DataFrame:
    """Promises still open on ``day`` that were set more than ``review_days`` before it.

    Example: review_days 91, day 31 March 2023: set on 29 December 2022 (92 days) and still open
    -> past review; set on 30 December 2022 (91 days) -> not yet. Columns: ward_name,
    borough_name, promise_ref, category, origin, set_on, days_open; oldest first.
    """
    rows = in_wards(promises, met_wards["ward_code"].to_list()).filter(pl.col("set_on") <= day).with_columns(status_on(day))
    late = rows.filter(
        (pl.col("status_then") == v.PROMISE_OPEN) & ((pl.lit(day) - pl.col("set_on")).dt.total_days() > review_days)
    )
    return (
        late.join(met_wards.select("ward_code", "ward_name", "borough_name"), on="ward_code")
        .with_columns((pl.lit(day) - pl.col("set_on")).dt.total_days().alias("days_open"))
        .select("ward_name", "borough_name", "promise_ref", "category", "origin", "set_on", "days_open")
        .sort("days_open", descending=True)
    )


def summary(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period, *, review_days: int = DEFAULT_REVIEW_DAYS,
            feedback_days: int = FEEDBACK_DAYS) -> dict[str, float | int | None]:
    """Headline promise figures for the wards in the period.

    set (promises set in the period); closed (closed in it); achieved; completion = achieved /
    closed; median_days_to_close (set_on to closed_on for those closed, same day = 0);
    open_at_end and past_review (open on the last day, and of those, set more than
    ``review_days`` before it); panel_share (of promises set in the period, the share the panel
    chose rather than the borough or centre); feedback_counted (closed in the period at least
    ``feedback_days`` before its end, ``feedback_counted``) and told (of those, residents told
    the outcome within ``feedback_days`` of closing, feedback before closing included);
    feedback_share = told / feedback_counted; median_feedback_lag (days from closing to
    publishing, for the promises closed in the period and told by its end; feedback before
    closing counts as 0).
    Example: 2 closed in the quarter more than 28 days before its end, one achieved and fed back
    10 days after closing, one withdrawn and never fed back -> completion 0.5, feedback_share
    0.5, median_feedback_lag 10.
    """
    wards = in_wards(promises, ward_codes)
    set_rows = wards.filter(between("set_on", period))
    closed = closed_in(promises, ward_codes, period)
    told_by_end = closed.filter(told_by(period.end))
    counted = feedback_counted(promises, ward_codes, period, days=feedback_days)
    told = int(counted["told"].sum())
    # Lazy, so only the columns used are gathered, not every promise's every column.
    open_rows = (
        wards.lazy().filter(pl.col("set_on") <= period.end).with_columns(status_on(period.end))
        .filter(pl.col("status_then") == v.PROMISE_OPEN).select("set_on").collect()
    )
    past = open_rows.filter((pl.lit(period.end) - pl.col("set_on")).dt.total_days() > review_days)
    achieved_n = closed.filter(achieved()).height
    days = (closed["closed_on"] - closed["set_on"]).dt.total_days()
    lags = (told_by_end["feedback_published_on"] - told_by_end["closed_on"]).dt.total_days().clip(lower_bound=0)
    return {
        "set": set_rows.height,
        "closed": closed.height,
        "achieved": achieved_n,
        "completion": achieved_n / closed.height if closed.height else None,
        "median_days_to_close": float(days.median()) if closed.height else None,
        "open_at_end": open_rows.height,
        "past_review": past.height,
        "panel_share": float((set_rows["origin"] == "panel").mean()) if set_rows.height else None,
        "feedback_counted": counted.height,
        "told": told,
        "feedback_share": told / counted.height if counted.height else None,
        "median_feedback_lag": float(lags.median()) if told_by_end.height else None,
    }


def told_label(days: int = FEEDBACK_DAYS) -> str:
    """How every page names the feedback rate: 'Residents told within 28 days of closing'."""
    return f"Residents told within {days} days of closing"


def summary_rows(feedback_days: int = FEEDBACK_DAYS) -> tuple[tuple[str, str, str], ...]:
    """The Promises comparison table's rows (key, figure, unit)."""
    return (
        ("set", "Promises set", "count"),
        ("closed", "Promises closed", "count"),
        ("completion", "Achieved, of those closed", "%"),
        ("median_days_to_close", "Time to close (median days)", "days"),
        ("open_at_end", "Open at the end of the period", "count"),
        ("past_review", "Open and past review", "count"),
        ("panel_share", "Chosen by the panel, of those set", "%"),
        ("feedback_counted", f"Closed at least {feedback_days} days before the end", "count"),
        ("feedback_share", f"{told_label(feedback_days)}, of those", "%"),
        ("median_feedback_lag", "Closing to feedback (median days)", "days"),
    )


SUMMARY_ROWS = summary_rows()


def categories_over_time(promises: pl.DataFrame, ward_codes: Sequence[str], first: dt.date, last: dt.date) -> pl.DataFrame:
    """Promises set per quarter and category, every quarter and category listed (zeros kept).

    Example: two "drugs" promises set in October 2023 -> drugs, 31 December 2023, 2.
    Columns: quarter_end, category, promises.
    """
    ends = quarter_ends(first, last)[::-1]
    grid = pl.DataFrame({"quarter_end": ends}, schema={"quarter_end": pl.Date}).join(
        pl.DataFrame({"category": list(v.CATEGORIES)}), how="cross"
    )
    counts = (
        in_wards(promises, ward_codes)
        .filter(pl.col("set_on").is_between(quarter_start(ends[0]), ends[-1]))
        .group_by(quarter_of("set_on").alias("quarter_end"), pl.col("category").cast(pl.String))
        .agg(pl.len().cast(pl.Int64).alias("promises"))
    )
    return grid.join(counts, on=["quarter_end", "category"], how="left").with_columns(pl.col("promises").fill_null(0))


def origin_by_borough(promises: pl.DataFrame, met_wards: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Promises set in the period by origin, per borough, with the share chosen by the panel.

    Example: a borough with 3 panel, 1 borough and 0 central promises -> panel_share 0.75.
    Columns: borough_name, by_panel, by_borough, by_central (promises of each origin), total, panel_share;
    lowest panel share first.
    """
    rows = (
        in_wards(promises, met_wards["ward_code"].to_list())
        .filter(between("set_on", period))
        .join(met_wards.select("ward_code", "borough_name"), on="ward_code")
    )
    wide = rows.group_by("borough_name").agg(
        *[(pl.col("origin") == o).sum().cast(pl.Int64).alias(f"by_{o}") for o in v.PROMISE_ORIGINS], pl.len().cast(pl.Int64).alias("total")
    )
    return wide.with_columns((pl.col("by_panel") / pl.col("total")).alias("panel_share")).sort("panel_share", "borough_name")


def recurrence(promises: pl.DataFrame, met_wards: pl.DataFrame, day: dt.date, *, rounds: int = RECURRENCE_ROUNDS) -> pl.DataFrame:
    """Wards promising the same category again and again, as of ``day``.

    Definition: a ward's *rounds* are the distinct dates on which it set promises (a panel sets
    its promises together, about every six months). A category *recurs* when it was promised
    in each of the ward's latest ``rounds`` (default 4, about two years) rounds up to ``day``:
    the run still running at the ward's most recent round. Example: rounds on 1 January and
    1 July of 2022 and 2023, "drugs" in all four -> drugs recurs, run 4; if the fourth round
    had no drugs promise, the run is broken and it does not recur.
    Columns: ward_code, ward_name, borough_name, category, run (rounds in a row), since (first of them),
    latest_round.
    """
    rows = (
        in_wards(promises, met_wards["ward_code"].to_list()).lazy()
        .filter(pl.col("set_on") <= day).select("ward_code", "set_on", "category").unique().collect()
    )
    ward_rounds = (
        rows.select("ward_code", "set_on")
        .unique()
        .sort("ward_code", "set_on", descending=[False, True])
        .with_columns(pl.int_range(pl.len()).over("ward_code").alias("back"))  # 0 = latest round
    )
    # Only a category promised at the ward's latest round can be running there, so the runs are
    # worked out for those categories alone (at --scale 10 all of them peaked 30 MB higher).
    latest = rows.join(ward_rounds.filter(pl.col("back") == 0), on=["ward_code", "set_on"], how="semi")
    cats = (
        rows.join(latest.select("ward_code", "category"), on=["ward_code", "category"], how="semi")
        .join(ward_rounds, on=["ward_code", "set_on"])
    )
    # The run at the latest round: the category appears in rounds back = 0, 1, ..., k-1.
    runs = (
        cats.sort("ward_code", "category", "back")
        .with_columns((pl.col("back") - pl.int_range(pl.len()).over("ward_code", "category")).alias("offset"))
        .filter(pl.col("offset") == 0)
        .group_by("ward_code", "category")
        .agg(pl.len().cast(pl.Int64).alias("run"), pl.col("set_on").min().alias("since"), pl.col("set_on").max().alias("latest_round"))
    )
    return (
        runs.filter(pl.col("run") >= rounds)
        .join(met_wards.select("ward_code", "ward_name", "borough_name"), on="ward_code")
        .select("ward_code", "ward_name", "borough_name", "category", "run", "since", "latest_round")
        .sort("run", "borough_name", "ward_name", "category", descending=[True, False, False, False])
    )


LAG_BANDS = ("on or before closing", "1 day to 2 weeks", "2 to 6 weeks", "6 to 13 weeks", "over 13 weeks", "not yet told")


def feedback_lags(promises: pl.DataFrame, ward_codes: Sequence[str], period: Period) -> pl.DataFrame:
    """Promises closed in the period by how long residents waited to be told the outcome.

    Lag = feedback_published_on - closed_on in days. 0 or negative (told on the day, or before
    closing, e.g. an interim update; it counts as told) -> "on or before closing"; 1-14 ->
    "1 day to 2 weeks"; 15-42; 43-91; over 91; none published by the period end -> "not yet
    told". Example: closed 10 March, told 5 March -> "on or before closing". Columns: band, promises (every band listed, in order).
    """
    closed = closed_in(promises, ward_codes, period)
    lag = (pl.col("feedback_published_on") - pl.col("closed_on")).dt.total_days()
    told = told_by(period.end)
    band = (
        pl.when(~told).then(pl.lit(LAG_BANDS[5]))
        .when(lag <= 0).then(pl.lit(LAG_BANDS[0]))
        .when(lag <= 14).then(pl.lit(LAG_BANDS[1]))
        .when(lag <= 42).then(pl.lit(LAG_BANDS[2]))
        .when(lag <= 91).then(pl.lit(LAG_BANDS[3]))
        .otherwise(pl.lit(LAG_BANDS[4]))
    )
    counts = closed.select(band.alias("band")).group_by("band").agg(pl.len().cast(pl.Int64).alias("promises"))
    return pl.DataFrame({"band": list(LAG_BANDS)}).join(counts, on="band", how="left").with_columns(pl.col("promises").fill_null(0))
