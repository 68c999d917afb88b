"""Everything one of the pages shows for an area and period, computed in one go.

``dashboard.app.state`` caches these per filter choice, so a warm rerun only draws. Each view sets
the area's figures beside the previous period and London, and carries the computed findings
used as chart titles. Pure: no st.* and no SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from dashboard.domain import areas
from dashboard.domain.areas import Area
from dashboard.domain.formatting import are, count, counted, pct, uk_date
from dashboard.domain.periods import Period
from dashboard.figures import meetings as mt
from dashboard.figures import outcomes as oc
from dashboard.figures import promises as pr
from dashboard.figures.compare import comparison
from dashboard.figures.expressions import FEEDBACK_DAYS

Tables = Mapping[str, pl.DataFrame]


NO_MET_WARDS = (
    "{name} has no wards policed by the Metropolitan Police: the City of London is policed by City of London "
    "Police and is outside the Met's ward panel scheme, so there are no panel figures to show here."
)


def has_met_wards(wards: pl.DataFrame, area: Area) -> bool:
    """False for the City of London (or one of its wards): nothing on these pages applies to it."""
    return areas.met_wards_in(wards, area).height > 0


def heat_rows(wards: pl.DataFrame, area: Area) -> tuple[pl.DataFrame, str]:
    """Heatmap rows: boroughs for London or a BCU (679 ward rows are unreadable); the borough's
    wards for a borough or a ward (so one ward is seen among its neighbours)."""
    if area.level in ("london", "bcu"):
        return areas.met_wards_in(wards, area), "borough"
    if area.level == "ward":
        borough = wards.filter(pl.col("ward_code") == area.code)["borough_code"][0]
        return areas.met_wards(wards.filter(pl.col("borough_code") == borough)), "ward"
    return areas.met_wards_in(wards, area), "ward"


@dataclass(frozen=True)
class MeetingsView:
    heat: pl.DataFrame
    heat_by: str
    heat_title: str
    now: dict
    before: dict
    london: dict | None
    shares_title: str
    trend: pl.DataFrame
    london_trend: pl.DataFrame
    trend_title: str
    format_title: str
    below: pl.DataFrame
    below_title: str
    gaps: pl.DataFrame
    gaps_title: str
    continuity: pl.DataFrame
    no_dwo: pl.DataFrame
    dwo_table: pl.DataFrame
    dwo_title: str
    churn: pl.DataFrame
    churn_title: str


def meetings_view(tables: Tables, area: Area, period: Period, *, first: dt.date, last: dt.date, minimum: int) -> MeetingsView:
    wards, meetings, dwo = tables["wards"], tables["meetings"], tables["dwo_assignments"]
    met = areas.met_wards_in(wards, area)
    codes = met["ward_code"].to_list()
    london_met = areas.met_wards(wards)
    prev = period.previous()

    rows, by = heat_rows(wards, area)
    heat = mt.heatmap(meetings, rows, first, last, by=by)
    last_q = heat.filter(pl.col("quarter_end") == heat["quarter_end"].max())
    if by == "borough":
        low = last_q.sort("value").row(0, named=True) if last_q.height else None
        heat_title = (
            f"{area.name}: {low['row_name']} held the fewest meetings per ward in the latest quarter shown ({low['value']:.1f})"
            if low else f"{area.name}: no meetings in these quarters"
        )
    else:
        none = last_q.filter(pl.col("meetings") == 0).height
        where = area.name if area.level == "borough" else rows["borough_name"][0]
        heat_title = f"{where}: {none} of {last_q.height} wards held no meeting in the latest quarter shown"

    now = mt.summary(meetings, codes, period)
    before = mt.summary(meetings, codes, prev)
    london = None if area.is_london else mt.summary(meetings, london_met["ward_code"].to_list(), period)
    ref = london or now
    shares_title = (
        f"{area.name}: the DWO was at {pct(now['dwo'])} of meetings ({pct(before['dwo'])} the period before"
        + ("" if area.is_london else f"; London {pct(ref['dwo'])}") + ")"
    )

    trend = mt.trends(meetings, codes, first, last)
    london_trend = mt.trends(meetings, london_met["ward_code"].to_list(), first, last)
    known = trend.filter(pl.col("attendees").is_not_null())
    if known.height >= 2:
        a, b = known["attendees"][0], known["attendees"][-1]
        moved = f"stayed at about {b:.1f}" if round(a, 1) == round(b, 1) else f"went from {a:.1f} to {b:.1f}"
        trend_title = f"{area.name}: average attendance {moved} per meeting over the quarters shown"
    else:
        trend_title = f"{area.name}: too few meetings to show an attendance trend"
    lastf = trend.filter(pl.col("meetings") > 0).tail(1)
    format_title = (
        f"{area.name}: {pct(lastf['in person'][0])} of meetings were in person in the latest quarter shown"
        if lastf.height else f"{area.name}: no meetings in these quarters"
    )

    below = mt.below_minimum(meetings, met, period, minimum=minimum)
    below_before = mt.below_minimum(meetings, met, prev, minimum=minimum).height
    london_below = below if area.is_london else mt.below_minimum(meetings, london_met, period, minimum=minimum)
    fell = "went a whole quarter without a meeting" if minimum == 1 else f"held fewer than {minimum} meetings in a quarter"
    london_share = pct(london_below.height / london_met.height if london_met.height else None)
    below_title = (
        f"{area.name}: {below.height} of {met.height} Met wards {fell} "
        f"({below_before} the period before; London: {london_share} of wards)"
    )

    gaps = mt.longest_gap(meetings, met, period)
    long = gaps.filter(pl.col("never_met") | (pl.col("longest_gap_days") > 91)).height
    gaps_title = f"{area.name}: {long} of {met.height} wards went more than a quarter (91 days) without a meeting, or never met"

    cont = mt.dwo_continuity(dwo, met, period.end)
    cont_before = mt.dwo_continuity(dwo, met, prev.end)
    cont_london = cont if area.is_london else mt.dwo_continuity(dwo, london_met, period.end)

    def dwo_figures(c: pl.DataFrame) -> dict:
        return {
            "no_dwo": int(c["no_dwo"].sum()),
            "no_dwo_share": float(c["no_dwo"].mean()) if c.height else None,
            "tenure": float(c["tenure_days"].median()) if c["tenure_days"].drop_nulls().len() else None,
            "changes": float(c["changes_per_year"].mean()) if c.height else None,
            "high_churn_share": float(c["high_churn"].mean()) if c.height else None,
        }

    f_now, f_before, f_london = dwo_figures(cont), dwo_figures(cont_before), dwo_figures(cont_london)
    dwo_table = comparison(
        (
            ("no_dwo", "Wards with no DWO in post at the end", "count"),
            ("no_dwo_share", "Wards with no DWO in post at the end", "%"),
            ("tenure", "Current DWO's time in post (median days)", "days"),
            ("changes", "DWO changes per ward per year (two years to the end)", "count"),
            ("high_churn_share", "Wards with high DWO churn (1.5 or more changes a year)", "%"),
        ),
        f_now, f_before, None if area.is_london else f_london, area_name=area.name, period=period,
    )
    dwo_title = (
        f"{area.name}: {f_now['no_dwo']} of {met.height} wards had no DWO in post on the last day "
        f"({f_before['no_dwo']} the period before; London: {pct(f_london['no_dwo_share'])} of wards)"
    )
    churn = mt.churn_and_functioning(cont_london if area.level == "ward" else cont, meetings, period, minimum=minimum)
    churn_title = _churn_title(churn, "London" if area.level == "ward" else area.name)
    return MeetingsView(
        heat, by, heat_title, now, before, london, shares_title, trend, london_trend, trend_title, format_title,
        below, below_title, gaps, gaps_title, cont, cont.filter(pl.col("no_dwo")), dwo_table, dwo_title, churn, churn_title,
    )


def _churn_title(churn: pl.DataFrame, name: str) -> str:
    g = {r["group"]: r for r in churn.iter_rows(named=True)}
    hi, rest = g.get("High DWO churn"), g.get("Other wards")
    if not hi or not rest:
        return f"{name}: no wards with high DWO churn to compare" if not hi else f"{name}: every ward has high DWO churn"
    return (
        f"{name}: {pct(hi['share_meeting_every_quarter'])} of high-churn wards met every quarter, "
        f"against {pct(rest['share_meeting_every_quarter'])} of the rest"
    )


@dataclass(frozen=True)
class PromisesView:
    now: dict
    before: dict
    london: dict | None
    summary_title: str
    statuses: pl.DataFrame
    status_title: str
    overdue: pl.DataFrame
    overdue_title: str
    categories: pl.DataFrame
    categories_title: str
    origin: pl.DataFrame
    origin_title: str
    recurrence: pl.DataFrame
    recurrence_title: str
    lags: pl.DataFrame
    lags_title: str
    feedback_days: int = FEEDBACK_DAYS


def promises_view(tables: Tables, area: Area, period: Period, *, first: dt.date, review_days: int,
                  feedback_days: int = FEEDBACK_DAYS) -> PromisesView:
    wards, promises = tables["wards"], tables["promises"]
    met = areas.met_wards_in(wards, area)
    codes = met["ward_code"].to_list()
    london_met = areas.met_wards(wards)
    now = pr.summary(promises, codes, period, review_days=review_days, feedback_days=feedback_days)
    before = pr.summary(promises, codes, period.previous(), review_days=review_days, feedback_days=feedback_days)
    london = (None if area.is_london
              else pr.summary(promises, london_met["ward_code"].to_list(), period, review_days=review_days, feedback_days=feedback_days))
    summary_title = (
        f"{area.name}: {pct(now['completion'])} of the {count(now['closed'])} promises closed were achieved "
        f"({pct(before['completion'])} the period before"
        + ("" if london is None else f"; London {pct(london['completion'])}") + ")"
        if now["closed"] else f"{area.name}: no promise was closed in {period.label}"
    )
    statuses = pr.status_counts(promises, codes, period.end)
    total = int(statuses["promises"].sum())
    open_n = int(statuses.filter(pl.col("status") == "open")["promises"].sum())
    status_title = f"{area.name}: {count(open_n)} of {count(total)} promises set so far were still open on the last day"
    overdue = pr.overdue(promises, met, period.end, review_days=review_days)
    overdue_title = (
        f"{area.name}: {counted(overdue.height, 'open promise')} {are(overdue.height)} past review "
        f"(set over {review_days} days before the end)"
    )
    categories = pr.categories_over_time(promises, codes, first, period.end)
    by_cat = categories.group_by("category").agg(pl.col("promises").sum()).sort("promises", "category", descending=[True, False])
    categories_title = (
        f"{area.name}: {by_cat['category'][0]} was promised most often in the quarters shown"
        if by_cat.height and by_cat["promises"][0] > 0 else f"{area.name}: no promises set in the quarters shown"
    )
    origin_area = pr.origin_by_borough(promises, met, period)
    origin_title = (
        f"{area.name}: the panel chose {pct(now['panel_share'])} of promises set"
        + ("" if london is None else f" (London {pct(london['panel_share'])})")
        + (f"; lowest: {origin_area['borough_name'][0]} at {pct(origin_area['panel_share'][0])}" if origin_area.height > 1 else "")
    )
    recurrence = pr.recurrence(promises, met, period.end)
    rec_wards = recurrence["ward_code"].n_unique()
    recurrence_title = (
        f"{area.name}: {rec_wards:,} of {counted(met.height, 'ward')} {'has' if rec_wards == 1 else 'have'} promised the same "
        f"category in each of {'its' if rec_wards == 1 else 'their'} "
        f"last {pr.RECURRENCE_ROUNDS} rounds or more"
    )
    lags = pr.feedback_lags(promises, codes, period)
    lags_title = feedback_finding(area.name, period, now, before, london, feedback_days)
    return PromisesView(
        now, before, london, summary_title, statuses, status_title, overdue, overdue_title, categories, categories_title,
        origin_area, origin_title, recurrence, recurrence_title, lags, lags_title, feedback_days,
    )


def feedback_finding(place: str, period: Period, now: dict, before: dict, london: dict | None, days: int) -> str:
    """'Hackney: residents were told the outcome within 28 days of closing for 45% of the 40 promises closed
    by 3 December 2023 (41% the period before; London 44%)'."""
    if not now["closed"]:
        return f"{place}: no promise was closed in {period.label}, so there was no outcome to tell residents"
    cut = uk_date(period.end - dt.timedelta(days=days))
    if not now["feedback_counted"]:
        return f"{place}: no promise closed in {period.label} by {cut} has had its {days} days to be told yet"
    return (
        f"{place}: residents were told the outcome within {days} days of closing for {pct(now['feedback_share'])} of the "
        f"{count(now['feedback_counted'])} promises closed by {cut} ({pct(before['feedback_share'])} the period before"
        + ("" if london is None else f"; London {pct(london['feedback_share'])}") + ")"
    )


def outcome_choices(feedback_days: int = FEEDBACK_DAYS) -> dict[str, str]:
    """The outcomes activity can be set against: column -> label."""
    return {
        "completion": "Promises achieved, of those closed",
        "feedback_share": f"{pr.told_label(feedback_days)}, of promises closed at least {feedback_days} days before the end",
        "survey_pct": "Public Attitude Survey measure (boroughs only)",
    }


OUTCOME_CHOICES = outcome_choices()


@dataclass(frozen=True)
class OutcomesView:
    now: dict
    before: dict
    london: dict | None
    outputs_title: str
    kinds: pl.DataFrame
    survey: pl.DataFrame
    survey_london: pl.DataFrame
    survey_title: str
    survey_quarters: pl.DataFrame
    points: pl.DataFrame
    point_level: str
    outcome: str  # the outcome column plotted (the survey has no ward figures)
    x_median: float | None
    y_median: float | None
    scatter_title: str
    feedback_days: int = FEEDBACK_DAYS


def outcomes_view(tables: Tables, area: Area, period: Period, *, measure: str, outcome: str, first: dt.date,
                  feedback_days: int = FEEDBACK_DAYS) -> OutcomesView:
    wards, promises, engagement, confidence = tables["wards"], tables["promises"], tables["engagement"], tables["confidence"]
    met = areas.met_wards_in(wards, area)
    codes = met["ward_code"].to_list()
    london_met = areas.met_wards(wards)
    now = oc.summary(engagement, promises, codes, period, feedback_days=feedback_days)
    before = oc.summary(engagement, promises, codes, period.previous(), feedback_days=feedback_days)
    london = (None if area.is_london
              else oc.summary(engagement, promises, london_met["ward_code"].to_list(), period, feedback_days=feedback_days))
    outputs_title = (
        f"{area.name}: {count(now['activities'])} activities reached {count(now['people'])} people; "
        + (f"{pct(now['completion'])} of promises closed were achieved"
           + ("" if london is None else f" (London {pct(london['completion'])})") if now["closed"] else "no promise was closed")
    )
    kinds = oc.by_kind(engagement, codes, period)
    boroughs = None if area.is_london else areas.borough_codes(wards, area)
    survey = oc.survey_latest(confidence, boroughs, period.end)
    survey_london = oc.survey_latest(confidence, None, period.end)
    row = survey.filter(pl.col("measure") == measure).row(0, named=True)
    lrow = survey_london.filter(pl.col("measure") == measure).row(0, named=True)
    label = row["label"]
    if row["value_pct"] is None:
        survey_title = f"{area.name}: no survey figure for \u201c{label}\u201d on or before {period.label}"
    else:
        stale = row["quarter_end"] < period.start
        survey_title = (
            f"{area.name}: {row['value_pct']:.0f}% say \u201c{label.lower()}\u201d"
            + (f" (London {lrow['value_pct']:.0f}%)" if not area.is_london and lrow["value_pct"] is not None else "")
            + (" \u2014 latest survey is from an earlier quarter" if stale else "")
        )
    area_boroughs = wards.filter(pl.col("police_force") == areas.MET) if area.is_london else areas.wards_in(wards, area)
    survey_quarters = oc.survey_by_quarter(confidence, area_boroughs, measure, first, period.end)

    # Points: boroughs at London/BCU level, wards at borough/ward level; medians are London's.
    london_wards = oc.by_ward(engagement, promises, london_met, period, feedback_days=feedback_days)
    if area.level in ("london", "bcu"):
        all_points = oc.by_borough(london_wards, confidence, period.end, measure=measure)
        x, level = "activities_per_ward", "borough"
        keep = set(areas.borough_codes(wards, area))
        points = all_points.filter(pl.col("borough_code").is_in(list(keep))).rename({"borough_name": "name"})
    else:
        if outcome == "survey_pct":
            outcome = "completion"  # the survey has no ward figures
        all_points = london_wards
        x, level = "activities", "ward"
        borough = met["borough_code"][0] if met.height else None
        points = london_wards.filter(pl.col("borough_code") == borough).rename({"ward_name": "name"})
    x_median, y_median = oc.median_of(all_points, x), oc.median_of(all_points, outcome)
    points = oc.quadrants(points, x=x, y=outcome, x_median=x_median, y_median=y_median).with_columns(pl.col(x).alias("activity"))
    high_poor = points.filter(pl.col("quadrant") == oc.HIGH_POOR).height
    scatter_title = f"{area.name}: {high_poor} of {points.height} {level}s have above-median activity but below-median outcomes"
    return OutcomesView(
        now, before, london, outputs_title, kinds, survey, survey_london, survey_title, survey_quarters,
        points, level, outcome, x_median, y_median, scatter_title, feedback_days,
    )
