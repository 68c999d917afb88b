"""Do the promises follow the concerns?. Pure polars functions, no st.* and no SQL.

Ward panels are meant to choose their promises by examining what the community said. For each
ward and period this module sets the concerns residents raised most beside the promises the
panel set, scores how far the promises cover them, and flags the wards whose promises ignore
their top concern and the promises set with no recorded concern behind them.

Only concerns with status ``accepted`` count: a concern a resident sent from the public ward
page is ``pending`` until a board member accepts it, and a ``rejected`` one never counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.formatting import pct
from dashboard.domain.periods import Period, months_before
from dashboard.figures.expressions import between

TOP_N = 3  # "what residents raised most": the three heaviest categories (ties at the edge all kept)
LOOKBACK_MONTHS = 6  # concerns heard up to six months before the period still lie behind its promises

NO_CONCERNS = "no concerns recorded"
NO_PROMISES = "no promises set"


def concern_window(period: Period, *, lookback_months: int = LOOKBACK_MONTHS) -> tuple[dt.date, dt.date]:
    """The days whose concerns lie behind a period's promises: the period and the months before it.

    A panel sets its promises about every six months on what it heard since the last round, so
    a promise set early in the period follows concerns raised before it. Example: the quarter
    October to December 2023 with the default six months -> 1 April 2023 to 31 December 2023.
    """
    return months_before(period.start, lookback_months), period.end


def accepted(concerns: pl.DataFrame) -> pl.DataFrame:
    """Concerns that count in figures: status ``accepted`` (imported rows, and form rows a board accepted)."""
    return concerns.filter(pl.col("status") == v.CONCERN_ACCEPTED)


def top_concerns(concerns: pl.DataFrame, ward_codes: Sequence[str], start: dt.date, end: dt.date, *, n: int = TOP_N) -> pl.DataFrame:
    """Each ward's concern categories weighted by count, ranked, with the top ``n`` marked.

    Weight = the sum of ``count`` over the ward's accepted concerns raised from ``start`` to
    ``end`` in that category. Rank = 1 + the number of the ward's categories with a larger
    weight, so tied categories share a rank, and every category ranked ``n`` or better is a top
    concern: with n = 3, weights 10, 6, 4, 4 give ranks 1, 2, 3, 3 and four top concerns.
    Columns: ward_code, category, weight, rank, top.
    """
    rows = (
        accepted(concerns)
        .filter(pl.col("ward_code").is_in(list(ward_codes)) & pl.col("raised_on").is_between(start, end))
        .group_by("ward_code", "category")
        .agg(pl.col("count").sum().cast(pl.Int64).alias("weight"))
    )
    return (
        rows.with_columns(pl.col("weight").rank(method="min", descending=True).over("ward_code").cast(pl.Int64).alias("rank"))
        .with_columns((pl.col("rank") <= n).alias("top"))
        .sort("ward_code", "rank", "category")
    )


def _listed(frame: pl.DataFrame, text: pl.Expr, by: str = "ward_code") -> pl.DataFrame:
    return frame.group_by(by).agg(text.str.join("; ").alias("listed"))


def ward_alignment(
    concerns: pl.DataFrame,
    promises: pl.DataFrame,
    met_wards: pl.DataFrame,
    period: Period,
    *,
    n: int = TOP_N,
    lookback_months: int = LOOKBACK_MONTHS,
) -> pl.DataFrame:
    """Per ward: its top concerns beside the promises it set in the period, and how far they agree.

    Concerns are the ward's accepted concerns raised in ``concern_window`` (the period and the six
    months before it); promises are those set in the period (any origin, any status).

    - **coverage** = (weight of the top concerns whose category has a promise set in the period)
      / (weight of all the top concerns). Null, not 0, when the ward has no concern recorded
      (note "no concerns recorded") or set no promise in the period (note "no promises set").
    - **ignores_top_concern**: the ward set promises, but none in the category (or any of the
      categories tied) ranked first.
    - **unbacked_promises**: promises set in the period in a category with no accepted concern
      in the window.

    Example: concerns anti-social behaviour 10, drugs 6, burglary 4, theft 1 (n = 3, top weight
    20); promises set: anti-social behaviour, road safety. Covered 10 of 20 -> coverage 0.5; the
    top concern is promised, so it is not ignored; road safety had no concern behind it -> 1
    unbacked promise of 2.
    Columns: ward_code, ward_name, borough_name, bcu, concerns (total weight), top_concerns
    (text), promises_set, promised (text), top_weight, covered_weight, coverage,
    ignores_top_concern, unbacked_promises, note.
    """
    codes = met_wards["ward_code"].to_list()
    start, end = concern_window(period, lookback_months=lookback_months)
    ranked = top_concerns(concerns, codes, start, end, n=n)
    set_rows = promises.filter(pl.col("ward_code").is_in(codes) & between("set_on", period))
    promised_cats = set_rows.select("ward_code", "category").unique().with_columns(pl.lit(True).alias("promised"))
    ranked = ranked.join(promised_cats, on=["ward_code", "category"], how="left").with_columns(pl.col("promised").fill_null(False))
    per_ward = ranked.group_by("ward_code").agg(
        pl.col("weight").sum().alias("concerns"),
        pl.col("weight").filter(pl.col("top")).sum().alias("top_weight"),
        pl.col("weight").filter(pl.col("top") & pl.col("promised")).sum().alias("covered_weight"),
        (pl.col("promised").filter(pl.col("rank") == 1).any()).alias("first_promised"),
    )
    top_text = _listed(
        ranked.filter(pl.col("top")).sort("ward_code", "rank", "category"),
        pl.format("{} ({})", pl.col("category"), pl.col("weight")),
    ).rename({"listed": "top_concerns"})
    raised = ranked.select("ward_code", "category").with_columns(pl.lit(True).alias("raised"))
    promise_rows = set_rows.select("ward_code", "category").join(raised, on=["ward_code", "category"], how="left")
    per_promise = promise_rows.group_by("ward_code").agg(
        pl.len().cast(pl.Int64).alias("promises_set"),
        pl.col("raised").is_null().sum().cast(pl.Int64).alias("unbacked_promises"),
    )
    promised_text = _listed(set_rows.select("ward_code", "category").unique().sort("ward_code", "category"), pl.col("category")).rename(
        {"listed": "promised"}
    )
    out = (
        met_wards.select("ward_code", "ward_name", "borough_name", "bcu")
        .join(per_ward, on="ward_code", how="left")
        .join(top_text, on="ward_code", how="left")
        .join(per_promise, on="ward_code", how="left")
        .join(promised_text, on="ward_code", how="left")
        .with_columns(
            pl.col("concerns").fill_null(0).cast(pl.Int64),
            pl.col("top_weight").fill_null(0).cast(pl.Int64),
            pl.col("covered_weight").fill_null(0).cast(pl.Int64),
            pl.col("promises_set").fill_null(0),
            pl.col("unbacked_promises").fill_null(0),
        )
    )
    scored = (pl.col("concerns") > 0) & (pl.col("promises_set") > 0)
    return out.with_columns(
        pl.when(scored).then(pl.col("covered_weight") / pl.col("top_weight")).alias("coverage"),
        pl.when(scored).then(~pl.col("first_promised")).alias("ignores_top_concern"),
        pl.when(pl.col("concerns") == 0).then(pl.lit(NO_CONCERNS))
        .when(pl.col("promises_set") == 0).then(pl.lit(NO_PROMISES))
        .otherwise(None).alias("note"),
    ).select(
        "ward_code", "ward_name", "borough_name", "bcu", "concerns", "top_concerns", "promises_set", "promised",
        "top_weight", "covered_weight", "coverage", "ignores_top_concern", "unbacked_promises", "note",
    ).sort("borough_name", "ward_name")


def rollup(table: pl.DataFrame, *, by: str | None = "borough_name") -> pl.DataFrame:
    """Ward alignment rolled up by borough, BCU (``by="bcu"``) or London (``by=None``).

    wards; scored (wards with both concerns and promises); coverage = the sum of covered weight
    over the sum of top-concern weight of the scored wards (pooled, so a ward where residents
    raised more weighs more); ignoring (scored wards whose promises ignore their top concern);
    promises_set and unbacked_promises (summed), unbacked_share = unbacked / set;
    no_concerns (wards with no concern recorded). Example: two scored wards, 10 of 20 and 0 of
    5 covered -> coverage 10 / 25 = 0.4.
    """
    keys = [by] if by else []
    scored = pl.col("coverage").is_not_null()
    agg = (table.group_by(keys) if keys else table.group_by(pl.lit("London").alias("area"))).agg(
        pl.len().cast(pl.Int64).alias("wards"),
        scored.sum().cast(pl.Int64).alias("scored"),
        pl.col("covered_weight").filter(scored).sum().alias("covered_weight"),
        pl.col("top_weight").filter(scored).sum().alias("top_weight"),
        pl.col("ignores_top_concern").fill_null(False).sum().cast(pl.Int64).alias("ignoring"),
        pl.col("promises_set").sum().cast(pl.Int64).alias("promises_set"),
        pl.col("unbacked_promises").sum().cast(pl.Int64).alias("unbacked_promises"),
        (pl.col("note") == NO_CONCERNS).sum().cast(pl.Int64).alias("no_concerns"),
    )
    agg = agg.with_columns(
        pl.when(pl.col("top_weight") > 0).then(pl.col("covered_weight") / pl.col("top_weight")).alias("coverage"),
        pl.when(pl.col("promises_set") > 0).then(pl.col("unbacked_promises") / pl.col("promises_set")).alias("unbacked_share"),
    ).drop("covered_weight", "top_weight")
    first = by or "area"
    return agg.select(first, "wards", "scored", "coverage", "ignoring", "promises_set", "unbacked_promises", "unbacked_share",
                      "no_concerns").sort("coverage", first, nulls_last=True)


def finding(area_name: str, table: pl.DataFrame) -> str:
    """The sentence a chart or table of alignment opens with, e.g.
    "Hackney: promises covered 62% of what residents raised most; 3 of 18 wards' promises ignored their top concern"."""
    london = rollup(table, by=None)
    if london.height == 0 or london["scored"][0] == 0:
        if table.height and (table["note"] == NO_CONCERNS).all():
            return f"{area_name}: no concerns recorded, so there is nothing to set the promises against"
        return f"{area_name}: no ward both recorded concerns and set promises in the period"
    r = london.row(0, named=True)
    return (
        f"{area_name}: promises covered {pct(r['coverage'])} of what residents raised most; "
        f"{r['ignoring']} of {r['scored']} wards' promises ignored their top concern, and "
        f"{r['unbacked_promises']:,} of {r['promises_set']:,} promises had no recorded concern behind them"
    )


def display(table: pl.DataFrame) -> pl.DataFrame:
    """The ward table as people read it: coverage as a whole percentage, plain column names."""
    return table.select(
        pl.col("ward_name").alias("ward"),
        pl.col("borough_name").alias("borough"),
        pl.col("top_concerns").alias("top concerns (weight)"),
        pl.col("promised").alias("promises set (categories)"),
        (pl.col("coverage") * 100).round(0).alias("coverage %"),
        pl.when(pl.col("ignores_top_concern")).then(pl.lit("yes")).when(pl.col("ignores_top_concern").not_()).then(pl.lit("no"))
        .alias("ignores top concern"),
        pl.col("unbacked_promises").alias("promises with no recorded concern"),
        pl.col("promises_set").alias("promises set"),
        pl.col("concerns").alias("concern weight"),
        "note",
        "ward_code",
    )


# --- The Promises page's section and the briefing pack -----------------------------


@dataclass(frozen=True)
class AlignmentView:
    finding: str
    bars: pl.DataFrame  # name, coverage (%) : boroughs for London or a BCU, wards for a borough or ward
    bars_title: str
    bars_level: str  # "borough" | "ward"
    rollup: pl.DataFrame  # by borough (London, BCU) or the area's own row
    wards: pl.DataFrame  # the display table, one row per ward in the area


def alignment_view(concerns: pl.DataFrame, promises: pl.DataFrame, wards: pl.DataFrame, area, period: Period) -> AlignmentView:
    """Every alignment figure for an area and period, computed in one call (cached by the caller)."""
    from dashboard.domain import areas

    met = areas.met_wards_in(wards, area)
    charted = area.name  # what the chart covers, which its title names
    if area.level == "ward":  # one ward is seen among its borough's wards
        ward = wards.filter(pl.col("ward_code") == area.code).row(0, named=True)
        shown = areas.met_wards(wards.filter(pl.col("borough_code") == ward["borough_code"]))
        charted = f"All {ward['borough_name']} wards, {area.name} among them"
    else:
        shown = met
    table = ward_alignment(concerns, promises, shown, period)
    mine = table.filter(pl.col("ward_code").is_in(met["ward_code"].to_list()))
    if area.level in ("london", "bcu"):
        roll = rollup(mine, by="borough_name")
        bars = roll.select(pl.col("borough_name").alias("name"), (pl.col("coverage") * 100).alias("coverage"))
        level = "borough"
    else:
        roll = rollup(mine, by=None).with_columns(pl.lit(area.name).alias("area"))
        bars = table.select(pl.col("ward_name").alias("name"), (pl.col("coverage") * 100).alias("coverage"))
        level = "ward"
    bars = bars.sort("coverage", "name", nulls_last=True)
    known = bars.drop_nulls("coverage")
    if known.height:
        low = known.row(0, named=True)
        bars_title = (
            f"{charted}: promises in {low['name']} covered least of what residents raised most "
            f"({low['coverage']:.0f}%; {known.height} {level}s scored)"
        )
    else:
        bars_title = f"{charted}: no {level} both recorded concerns and set promises in {period.label}"
    return AlignmentView(finding(area.name, mine), bars, bars_title, level, roll, display(mine))


def coverage_12m(concerns: pl.DataFrame, promises: pl.DataFrame, met_wards: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The map's measure: each ward's coverage (0-100) for the 12 months to the quarter holding ``as_of``.

    Example: a ward whose promises covered 10 of the 20 weight of its top concerns -> 50,
    label "50% of what residents raised most"; no concern -> null, "No concerns recorded".
    """
    from dashboard.domain.periods import period_ending

    table = ward_alignment(concerns, promises, met_wards, period_ending(as_of, "year"))
    return table.select(
        "ward_code",
        (pl.col("coverage") * 100).alias("value"),
        pl.when(pl.col("coverage").is_not_null())
        .then(pl.format("{}% of what residents raised most{}", (pl.col("coverage") * 100).round(0).cast(pl.Int64),
                        pl.when(pl.col("ignores_top_concern")).then(pl.lit("; top concern not promised")).otherwise(pl.lit(""))))
        .when(pl.col("note") == NO_CONCERNS).then(pl.lit("No concerns recorded"))
        .otherwise(pl.lit("No promises set in the last 12 months"))
        .alias("label"),
    )
