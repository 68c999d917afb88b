"""Promises led by partners beside those led by the police, and the barriers named. Pure polars.

Some priorities need a partner (the council, a housing provider, TfL, a school or college, the
health service) to lead the work. A promise's ``lead_agency`` says who leads it: empty or
"police" is police-led, any other value partner-led. ``barrier`` is what stood in the way, as
the board wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.formatting import pct
from dashboard.domain.periods import Period
from dashboard.figures.expressions import achieved, between, in_wards
from dashboard.figures.promises import closed_in, status_on

PARTNERS = "all partners"


def lead() -> pl.Expr:
    """Who leads a promise: its lead_agency, "police" when empty."""
    return pl.col("lead_agency").cast(pl.String).fill_null(v.POLICE_LEAD).alias("lead")


def by_lead(promises: pl.DataFrame, ward_codes: list[str], period: Period) -> pl.DataFrame:
    """Promises by who leads them: set in the period, closed in it, achieved of those closed and
    completion (achieved / closed, as on the rest of the page), for the police, each partner with
    any, and all partners together.

    Example: police-led 2 closed, 1 achieved; council-led 1 closed, not achieved; one housing
    promise set and open -> police 1 of 2 (50%), council 0 of 1 (0%), housing provider set 1, no
    completion; all partners 0 of 1 (0%). Columns: lead, promises_set, closed, achieved, completion_pct.
    """
    mine = in_wards(promises, ward_codes).with_columns(lead())
    set_in = mine.filter(between("set_on", period)).group_by("lead").agg(pl.len().alias("promises_set"))
    closed = (closed_in(mine, ward_codes, period).group_by("lead")
              .agg(pl.len().alias("closed"), achieved().sum().alias("achieved")))
    rows = set_in.join(closed, on="lead", how="full", coalesce=True).with_columns(
        pl.col("promises_set", "closed", "achieved").fill_null(0).cast(pl.Int64))
    partners = rows.filter(pl.col("lead") != v.POLICE_LEAD).select(
        pl.lit(PARTNERS).alias("lead"), pl.col("promises_set").sum(), pl.col("closed").sum(), pl.col("achieved").sum())
    order = {name: i for i, name in enumerate((*v.LEAD_AGENCIES, PARTNERS))}
    every = pl.concat([pl.DataFrame({"lead": [v.POLICE_LEAD], "promises_set": [0], "closed": [0], "achieved": [0]}, schema=rows.schema)
                       .join(rows, on="lead", how="anti"), rows, partners])
    return (every.with_columns(
        pl.when(pl.col("closed") > 0).then((pl.col("achieved") / pl.col("closed") * 100).round(0)).alias("completion_pct"))
        .sort(pl.col("lead").replace_strict(order, default=len(order))))


def barriers(promises: pl.DataFrame, met_wards: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Promises that name a barrier and were open at some time in the period (set by its end, and
    open on its last day or closed within it), with their status on its last day; longest open first.
    Columns: ward_name, borough_name, promise_ref, category, lead, status, barrier.
    """
    rows = (in_wards(promises, met_wards["ward_code"].to_list())
            .filter(pl.col("barrier").is_not_null() & (pl.col("barrier").str.strip_chars() != "") & (pl.col("set_on") <= period.end)
                    & (pl.col("closed_on").is_null() | (pl.col("closed_on") >= period.start)))
            .with_columns(lead(), status_on(period.end)))
    return (rows.join(met_wards.select("ward_code", "ward_name", "borough_name"), on="ward_code")
            .sort("set_on", "promise_ref")
            .select("ward_name", "borough_name", "promise_ref", pl.col("category").cast(pl.String), "lead",
                    pl.col("status_then").cast(pl.String).alias("status"), "barrier"))


@dataclass(frozen=True)
class PartnerView:
    finding: str
    title: str  # the completion chart's title: its finding
    by_lead: pl.DataFrame
    barriers: pl.DataFrame

    @property
    def completion(self) -> pl.DataFrame:
        """The leads with a promise closed in the period: those a completion can be shown for."""
        return self.by_lead.filter(pl.col("closed") > 0)


def partner_view(promises: pl.DataFrame, wards: pl.DataFrame, area: Area, period: Period) -> PartnerView:
    """The area's promises by who leads them, and the barriers named, for the period."""
    met = areas.met_wards_in(wards, area)
    leads = by_lead(promises, met["ward_code"].to_list(), period)
    named = barriers(promises, met, period)
    row = {r["lead"]: r for r in leads.iter_rows(named=True)}
    police, partners = row[v.POLICE_LEAD], row[PARTNERS]
    total = police["promises_set"] + partners["promises_set"]

    def done(r: dict) -> str:
        return "none closed" if not r["closed"] else f"{pct(r['achieved'] / r['closed'])} of {r['closed']:,} closed achieved"

    finding = (f"{area.name}, {period.label}: {partners['promises_set']:,} of the {total:,} promises set were led by a partner. "
               f"Partner-led: {done(partners)}; police-led: {done(police)}. "
               f"{named.height:,} promise{'s' if named.height != 1 else ''} open in the period named a barrier.")
    title = (f"{area.name}: partner-led promises {done(partners)}, police-led {done(police)}")
    return PartnerView(finding, title, leads, named)
