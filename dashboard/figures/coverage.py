"""Panel coverage figures built on ward statuses: counts by area, attention list, remedy plans,
trend, and one ward's detail. Pure polars; no Streamlit, no database.

``status`` below is the frame ``functioning.ward_status`` returns; ``wards`` is the wards frame
(ward_code, ward_name, borough_code, borough_name, bcu, police_force). City of London wards
are left out of every count (they are outside the Met's ward panel scheme).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from dashboard.domain import areas, periods
from dashboard.domain import status_style as s
from dashboard.domain.areas import MET, Area
from dashboard.domain.periods import months_before
from dashboard.domain.wards_in_time import CHANGE_DAY, RECORDED
from dashboard.figures import functioning, wards_in_time
from dashboard.figures.expressions import open_on, share

COUNT_COLUMNS = ("wards", "with_panel", "functioning", "at_risk", "not_functioning", "no_panel")
_STATUS_COLUMN = {
    s.FUNCTIONING: "functioning",
    s.AT_RISK: "at_risk",
    s.NOT_FUNCTIONING: "not_functioning",
    s.NO_PANEL: "no_panel",
}
LEVELS = {"London": None, "BCU": "bcu", "Borough": "borough_name"}


def _counts(frame: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    agg = [pl.len().alias("wards"), (pl.col("status") != s.NO_PANEL).sum().alias("with_panel")]
    agg += [(pl.col("status") == st).sum().alias(col) for st, col in _STATUS_COLUMN.items()]
    return frame.group_by(by).agg(agg) if by else frame.select(agg)


def coverage_table(status: pl.DataFrame, wards: pl.DataFrame, *, level: str) -> pl.DataFrame:
    """Met wards by status for London, each BCU or each borough, with shares.

    Columns: area, wards, with_panel, functioning, at_risk, not_functioning, no_panel,
    pct_with_panel, pct_functioning (percentages to one decimal place). Example: a borough of
    4 Met wards, statuses Functioning, At risk, No panel, Functioning -> wards 4, with_panel 3,
    functioning 2, pct_with_panel 75.0, pct_functioning 50.0.
    """
    by = LEVELS[level]
    met = (
        status.lazy()
        .join(wards.lazy().select("ward_code", "bcu", "borough_name", "police_force"), on="ward_code")
        .filter(pl.col("police_force") == MET)
    )
    counted = _counts(met, [by] if by else [])
    area = pl.col(by).alias("area") if by else pl.lit("London").alias("area")
    return (
        counted.select(area, *[pl.col(c).cast(pl.Int64) for c in COUNT_COLUMNS])
        .with_columns(
            (share("with_panel", "wards") * 100).round(1).alias("pct_with_panel"),
            (share("functioning", "wards") * 100).round(1).alias("pct_functioning"),
        )
        .sort("area")
        .collect()
    )


def totals(status: pl.DataFrame, ward_codes: Sequence[str]) -> dict[str, int]:
    """Counts for the given wards (Met wards only): {'wards': 21, 'functioning': 9, ...}."""
    rows = status.filter(pl.col("ward_code").is_in(list(ward_codes)) & (pl.col("status") != s.CITY))
    counts = rows["status"].value_counts()
    by_status = dict(zip(counts["status"].to_list(), counts["count"].to_list()))
    out = {"wards": rows.height, "with_panel": rows.height - by_status.get(s.NO_PANEL, 0)}
    out |= {col: by_status.get(st, 0) for st, col in _STATUS_COLUMN.items()}
    return out


def coverage_finding(area_name: str, counts: dict[str, int]) -> str:
    """A title stating the finding. Examples: 'Hackney: 6 of 21 wards have no panel or a panel
    not functioning, and 3 more are at risk'; for one ward, 'Abbey (Barking and Dagenham): has a
    panel at risk'. At-risk panels still work, so they are named separately, not counted as failing.
    """
    wards, at_risk = counts["wards"], counts["at_risk"]
    failing = counts["no_panel"] + counts["not_functioning"]
    if wards == 0:
        return f"{area_name}: no Met wards"
    if wards == 1:
        word = ("has no panel" if counts["no_panel"] else "has a panel that is not functioning" if counts["not_functioning"]
                else "has a panel at risk" if at_risk else "has a functioning panel")
        return f"{area_name}: {word}"
    if failing == 0 and at_risk == 0:
        return f"{area_name}: every one of its {wards:,} wards has a functioning panel"
    more = f", and {at_risk:,} more {'is' if at_risk == 1 else 'are'} at risk" if at_risk else ""
    return f"{area_name}: {failing:,} of {wards:,} wards have no panel or a panel not functioning{more}"


def current_plans(remedy_plans: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Each ward's latest remedy plan agreed by ``as_of`` and not completed by then.

    Example: a plan agreed 1 March, completed 1 June: current on 31 May, not on 1 June.
    """
    return (
        remedy_plans.filter((pl.col("agreed_on") <= as_of) & (pl.col("completed_on").is_null() | (pl.col("completed_on") > as_of)))
        .sort("ward_code", "agreed_on")
        .unique("ward_code", keep="last", maintain_order=True)
        .select("ward_code", "problem", "action", "owner", "agreed_on", "due_on")
    )


NO_PLAN, PAST_DUE, NOT_YET_DUE, NOT_REQUIRED = "No plan", "Past due", "Not yet due", "Not required"


def remedy_table(status: pl.DataFrame, wards: pl.DataFrame, remedy_plans: pl.DataFrame, *, as_of: dt.date,
                 statuses: Sequence[str] = (s.NO_PANEL, s.NOT_FUNCTIONING)) -> pl.DataFrame:
    """Every Met ward with one of ``statuses``, its reasons and its current remedy plan.

    plan_state is "No plan" (no plan agreed and open), "Past due" (due before ``as_of``) or
    "Not yet due"; an at-risk ward without a plan is "Not required" (plans are expected only for
    no panel or not functioning). Example: a ward with no panel whose plan fell due on 30
    November, as of 31 December -> "Past due". Sorted worst first: no plan, past due, not yet
    due, not required, then by borough and ward.
    """
    plans = current_plans(remedy_plans, as_of)
    state = (
        pl.when(pl.col("action").is_null() & pl.col("status").is_in([s.NO_PANEL, s.NOT_FUNCTIONING]))
        .then(pl.lit(NO_PLAN))
        .when(pl.col("action").is_null())
        .then(pl.lit(NOT_REQUIRED))
        .when(pl.col("due_on") < as_of)
        .then(pl.lit(PAST_DUE))
        .otherwise(pl.lit(NOT_YET_DUE))
    )
    order = {NO_PLAN: 0, PAST_DUE: 1, NOT_YET_DUE: 2, NOT_REQUIRED: 3}
    return (
        status.filter(pl.col("status").is_in(list(statuses)))
        .join(wards.select("ward_code", "ward_name", "borough_name", "bcu"), on="ward_code")
        .join(plans, on="ward_code", how="left")
        .with_columns(state.alias("plan_state"))
        .sort(pl.col("plan_state").replace_strict(order, return_dtype=pl.Int8), "borough_name", "ward_name")
        .select(
            "plan_state", "ward_name", "borough_name", "bcu", "status",
            pl.col("reason_text").alias("reasons"), "action", "owner", "agreed_on", "due_on", "ward_code",
        )
    )


def with_icons(frame: pl.DataFrame, column: str = "status") -> pl.DataFrame:
    """Status words with their symbol in front ('✗ Not functioning'), so colour is never needed."""
    return frame.with_columns(pl.col(column).replace_strict({k: s.label(k) for k in s.ALL_STATUSES}, return_dtype=pl.String))


def coverage_view(status: pl.DataFrame, wards: pl.DataFrame, remedy_plans: pl.DataFrame, area: Area, *, as_of: dt.date,
                  count_by: str) -> tuple[dict[str, int], pl.DataFrame, pl.DataFrame]:
    """What the Panel coverage page shows for an area on a date: (status counts, the coverage table
    by ``count_by`` (a LEVELS key), the wards needing attention with their remedy plans)."""
    codes = areas.wards_in(wards, area)["ward_code"]
    status = status.filter(pl.col("ward_code").is_in(codes.implode()))
    attention = remedy_table(status, wards, remedy_plans, as_of=as_of, statuses=(s.NO_PANEL, s.NOT_FUNCTIONING, s.AT_RISK))
    return totals(status, codes.to_list()), coverage_table(status, wards, level=count_by), with_icons(attention)


def trend_quarters(first: dt.date, end: dt.date) -> tuple[dt.date, tuple[dt.date, ...]]:
    """(the day the trend starts, the quarter ends it shows, oldest first) for data from ``first``
    and a period ending on ``end``. The rubric looks back 12 months, so the trend starts once a
    full year of data is held: before that every panel would look as if it had hardly met."""
    start = months_before(first, -12) - dt.timedelta(days=1)
    return start, tuple(q for q in reversed(periods.quarter_ends(first, end)) if q >= start)


HISTORY_SCHEMA = {"quarter_end": pl.Date, "ward_code": pl.String, "status": pl.String}


def status_history(quarter_ends: Sequence[dt.date], tables: dict[str, pl.DataFrame], lookup: pl.DataFrame, *,
                   rules: functioning.Rules, status_on=None) -> pl.DataFrame:
    """Each ward's status at each quarter end, of the wards that existed then: (quarter_end, ward_code, status).

    ``tables``: wards, former_wards, panels, meetings, promises (as read for figures). A quarter
    ending on or after 5 May 2022 judges the 2022 wards on their records, predecessors' included
    (``status_on(day)`` gives it, when a cached one is at hand). One ending before it judges the
    wards of then, each on the records kept on it (``wards_in_time.kept_on_wards_of_then``).
    Example: for 31 March 2019 Northbury has no status and old Abbey has one, from old Abbey's
    meetings; for 30 June 2022 Northbury has one, from old Abbey's meetings and its own.
    """
    then = None
    parts = []
    for q in quarter_ends:
        if q >= CHANGE_DAY:
            status = status_on(q) if status_on is not None else functioning.ward_status(
                tables["wards"], tables["panels"], tables["meetings"], tables["promises"], rules=rules, as_of=q)
        else:
            if then is None:  # keyed once: the same for every quarter before the change
                then = {n: wards_in_time.kept_on_wards_of_then(tables[n], lookup) for n in ("panels", "meetings", "promises")}
            status = functioning.ward_status(tables["former_wards"], then["panels"], then["meetings"], then["promises"], rules=rules, as_of=q)
        parts.append(status.select(pl.lit(q, dtype=pl.Date).alias("quarter_end"), "ward_code", "status"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=HISTORY_SCHEMA)


def trend_counts(history: pl.DataFrame, ward_codes: Sequence[str]) -> pl.DataFrame:
    """Per quarter end: Met wards, with a panel, functioning, at risk, not functioning, no panel.

    ``history`` is long: (quarter_end, ward_code, status), of the wards that existed at each
    quarter end (``status_history``), so a count before 5 May 2022 is of the wards of then;
    ``ward_codes`` holds an area's wards on both sides (``wards_in_time.area_codes``). Example: two wards, one functioning
    and one with no panel at the end of a quarter -> wards 2, with_panel 1, functioning 1.
    """
    rows = history.lazy().filter(pl.col("ward_code").is_in(list(ward_codes)) & (pl.col("status") != s.CITY))
    return (
        _counts(rows, ["quarter_end"])
        .select("quarter_end", *[pl.col(c).cast(pl.Int64) for c in COUNT_COLUMNS])
        .with_columns(
            (share("with_panel", "wards") * 100).round(1).alias("pct_with_panel"),
            (share("functioning", "wards") * 100).round(1).alias("pct_functioning"),
        )
        .sort("quarter_end")
        .collect()
    )


# --- one ward -------------------------------------------------------------------------------


def panel_history(panels: pl.DataFrame, ward_code: str, lookup: pl.DataFrame | None = None) -> pl.DataFrame:
    """A 2022 ward's panels, oldest first, its predecessors' included; ``kept_on`` names the ward
    before May 2022 a panel was kept on (empty for the ward's own). Example: Northbury's history
    holds old Abbey's panel of 2010, kept on "Abbey (E05000026), before May 2022"."""
    recorded = pl.col(RECORDED).cast(pl.String) if RECORDED in panels.columns else pl.lit(None, dtype=pl.String)
    names = {} if lookup is None else dict(lookup.select("old_code", "old_name").unique().iter_rows())
    kept = pl.format("{} ({}), before May 2022", recorded.replace_strict(names, default=recorded, return_dtype=pl.String), recorded)
    return (
        panels.filter(pl.col("ward_code") == ward_code)
        .sort("established_on")
        .select("established_on", "closed_on", "chair_type", "meetings_open_to_public", "terms_of_reference_agreed",
                "last_membership_review_on", kept.alias("kept_on"))
    )


def meetings_by_quarter(meetings: pl.DataFrame, ward_code: str, as_of: dt.date) -> pl.DataFrame:
    """Meetings per calendar quarter to ``as_of``, with how many the DWO attended."""
    return (
        meetings.filter((pl.col("ward_code") == ward_code) & (pl.col("held_on") <= as_of))
        .group_by(pl.col("held_on").dt.truncate("1q").alias("quarter_start"))
        .agg(pl.len().alias("meetings"), pl.col("dwo_present").sum().alias("dwo_present"),
             pl.col("promises_reviewed").sum().alias("promises_reviewed"))
        .sort("quarter_start")
    )


def current_promises(promises: pl.DataFrame, ward_code: str, as_of: dt.date) -> pl.DataFrame:
    return (
        promises.filter((pl.col("ward_code") == ward_code) & open_on(as_of, start="set_on", end="closed_on"))
        .sort("set_on")
        .select("set_on", "category", "origin", "description")
    )


def dwo_tenure(dwo: pl.DataFrame, ward_code: str, as_of: dt.date) -> pl.DataFrame:
    """The ward's Dedicated Ward Officers up to ``as_of``, newest first, with months in post."""
    end = pl.min_horizontal(pl.col("ended_on").fill_null(as_of), pl.lit(as_of))
    return (
        dwo.filter((pl.col("ward_code") == ward_code) & (pl.col("started_on") <= as_of))
        .with_columns(((end - pl.col("started_on")).dt.total_days() / 30.44).round(0).cast(pl.Int64).alias("months_in_post"),
                      pl.when(pl.col("ended_on").is_null() | (pl.col("ended_on") > as_of)).then(None).otherwise(pl.col("ended_on")).alias("ended_on"))
        .sort("started_on", descending=True)
        .select("officer_ref", "started_on", "ended_on", "months_in_post")
    )
