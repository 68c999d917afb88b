"""Recorded crime beside the promises. Pure polars functions, no st.* and no SQL.

Panels are meant to weigh what the community says together with police and partner analysis.
This module sets the crime recorded in an area (police.uk street-level counts by 2022 ward, month
and crime type: the ``crime`` table) beside the promises set there, through a readable mapping of
police.uk crime types to promise categories (``dashboard/figures/crime_categories.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.formatting import pct
from dashboard.domain.periods import Period
from dashboard.figures.expressions import between, in_wards, share

NO_CATEGORY = "none"  # a crime type the mapping matches to no promise category
CAUTION = (
    "Recorded crime is not the same as concern. It counts what was reported to the police and recorded by them: "
    "much that worries residents (speeding, drug dealing, anti-social behaviour) is reported far less than it "
    "happens, and a busy shopping street records many thefts that worry few of its residents. A promise that "
    "follows what residents said rather than the largest count may be exactly right."
)


@dataclass(frozen=True)
class CrimeView:
    finding: str
    types: pl.DataFrame  # crime_type, promise_category, recorded, share_pct: the area's crime types, most recorded first
    categories: pl.DataFrame  # promise_category, recorded, share_pct, promises_set, promises_open
    places: pl.DataFrame  # one row per ward (per borough for London): its main crime type and the promises set in its category
    place: str  # "ward" or "borough": what ``places`` lists
    types_title: str  # the crime types chart's title: its finding


def category_of(categories: Mapping[str, str]) -> pl.Expr:
    """The promise category of ``crime_type`` by the mapping; NO_CATEGORY for a type it does not name."""
    return pl.col("crime_type").replace_strict(dict(categories), default=NO_CATEGORY, return_dtype=pl.String).alias("promise_category")


def crime_types(crime: pl.DataFrame, ward_codes: list[str], period: Period, categories: Mapping[str, str]) -> pl.DataFrame:
    """Crime recorded in the wards in the period's months, by crime type, most first, with each
    type's promise category and its share of all recorded.

    Example: Burglary 6, Robbery 2 -> Burglary 6 (burglary, 75%), Robbery 2 (robbery, 25%).
    Counts shared between wards by residents may have decimals; they are shown to one place.
    Columns: crime_type, promise_category, recorded, share_pct.
    """
    rows = (in_wards(crime, ward_codes).filter(between("month", period))
            .group_by(pl.col("crime_type").cast(pl.String)).agg(pl.col("count").sum().alias("recorded")))
    total = rows["recorded"].sum() if rows.height else 0
    return rows.select(
        "crime_type", category_of(categories), pl.col("recorded").round(1),
        (pl.col("recorded") / total * 100 if total else pl.lit(None, dtype=pl.Float64)).round(0).alias("share_pct"),
    ).sort(["recorded", "crime_type"], descending=[True, False])


def beside_promises(types: pl.DataFrame, promises: pl.DataFrame, ward_codes: list[str], period: Period) -> pl.DataFrame:
    """Each promise category (and "none") with the crime recorded in it and the promises set in it
    in the period, and those open on its last day.

    Example: recorded Burglary 6 and Robbery 2; one burglary promise set in the period, still open
    -> burglary: recorded 6, 75%, set 1, open 1; robbery: 2, 25%, 0, 0. A category with neither
    crime nor promises is left out. Columns: promise_category, recorded, share_pct, promises_set, promises_open.
    """
    mine = in_wards(promises, ward_codes)
    set_in = mine.filter(between("set_on", period)).group_by(pl.col("category").cast(pl.String)).agg(pl.len().alias("promises_set"))
    still_open = (mine.filter((pl.col("set_on") <= period.end) & (pl.col("closed_on").is_null() | (pl.col("closed_on") > period.end)))
                  .group_by(pl.col("category").cast(pl.String)).agg(pl.len().alias("promises_open")))
    recorded = types.group_by("promise_category").agg(pl.col("recorded").sum())
    total = recorded["recorded"].sum() if recorded.height else 0
    every = pl.DataFrame({"promise_category": [*v.CATEGORIES, NO_CATEGORY]})
    return (
        every.join(recorded, on="promise_category", how="left")
        .join(set_in.rename({"category": "promise_category"}), on="promise_category", how="left")
        .join(still_open.rename({"category": "promise_category"}), on="promise_category", how="left")
        .with_columns(pl.col("recorded").fill_null(0.0), pl.col("promises_set", "promises_open").fill_null(0).cast(pl.Int64))
        .filter((pl.col("recorded") > 0) | (pl.col("promises_set") > 0) | (pl.col("promises_open") > 0))
        .with_columns(pl.col("recorded").round(1),
                      (pl.col("recorded") / total * 100 if total else pl.lit(None, dtype=pl.Float64)).round(0).alias("share_pct"))
        .select("promise_category", "recorded", "share_pct", "promises_set", "promises_open")
        .sort(["recorded", "promises_set", "promise_category"], descending=[True, True, False])
    )


def main_type_by_place(crime: pl.DataFrame, promises: pl.DataFrame, met_wards: pl.DataFrame, period: Period,
                       categories: Mapping[str, str], *, by: str) -> pl.DataFrame:
    """Each ward (``by`` "ward") or borough (``by`` "borough") of ``met_wards``: the crime recorded
    in the period, its most recorded crime type (ties: the first by name) with its share and
    promise category, and how many promises were set there in the period in that category.

    Example: a ward with Burglary 6, Robbery 2 and one burglary promise set -> Burglary, 75%,
    burglary, 1. A place with no crime recorded is listed with 0 and no main type.
    Columns: <by>_name (and borough_name for wards), recorded, main_crime_type, main_share_pct,
    promise_category, promises_set_in_it.
    """
    key = f"{by}_code"
    names = [f"{by}_name"] if by == "borough" else ["ward_name", "borough_name"]
    places = met_wards.select(key, *names).unique(key)
    codes = met_wards["ward_code"].to_list()

    def placed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame if by == "ward" else frame.join(met_wards.select("ward_code", key), on="ward_code")

    by_type = (placed(in_wards(crime, codes).filter(between("month", period)))
               .group_by(key, pl.col("crime_type").cast(pl.String)).agg(pl.col("count").sum().alias("n")))
    main = (by_type.sort([key, "n", "crime_type"], descending=[False, True, False])
            .group_by(key, maintain_order=True)
            .agg(pl.col("crime_type").first(), pl.col("n").first().alias("main_n"), pl.col("n").sum().alias("recorded"))
            .with_columns(category_of(categories), share("main_n", "recorded").mul(100).round(0).alias("main_share_pct"))
            .rename({"crime_type": "main_crime_type"}))
    set_in = (placed(in_wards(promises, codes).filter(between("set_on", period)))
              .select(key, pl.col("category").cast(pl.String).alias("promise_category")))
    matched = main.join(set_in, on=[key, "promise_category"]).group_by(key).agg(pl.len().alias("promises_set_in_it"))
    return (
        places.join(main, on=key, how="left").join(matched, on=key, how="left")
        .with_columns(pl.col("recorded").fill_null(0.0).round(1), pl.col("promises_set_in_it").fill_null(0).cast(pl.Int64))
        .select(*names, "recorded", "main_crime_type", "main_share_pct", "promise_category", "promises_set_in_it")
        .sort(["recorded", names[0]], descending=[True, False])
    )


def crime_view(crime: pl.DataFrame, promises: pl.DataFrame, wards: pl.DataFrame, area: Area, period: Period,
               categories: Mapping[str, str]) -> CrimeView:
    """The area's recorded crime beside its promises: the finding, the crime types, the promise
    categories and each ward's (each borough's, for London) main crime type."""
    met = areas.met_wards_in(wards, area)
    codes = met["ward_code"].to_list()
    types = crime_types(crime, codes, period, categories)
    by = "borough" if area.is_london else "ward"
    places = main_type_by_place(crime, promises, met, period, categories, by=by)
    cats = beside_promises(types, promises, codes, period)
    title = ""
    if types.height == 0:
        finding = (f"No recorded crime is held for {area.name} in {period.label}: import police.uk street-level files "
                   "on the Data page to set it beside the promises.")
    else:
        top = types.row(0, named=True)
        set_total = int(cats["promises_set"].sum())
        if top["promise_category"] == NO_CATEGORY:
            tail = "it matches no promise category."
        else:
            in_it = int(cats.filter(pl.col("promise_category") == top["promise_category"])["promises_set"].sum())
            tail = (f"{in_it} of the {set_total} promise{'s' if set_total != 1 else ''} set {'was' if in_it == 1 else 'were'} "
                    f"about {top['promise_category']}.")
        finding = (f"{top['crime_type']} was the crime type recorded most in {area.name} in {period.label} "
                   f"({pct(top['share_pct'] / 100)} of recorded crime); {tail}")
        title = f"{top['crime_type']}: {pct(top['share_pct'] / 100)} of crime recorded in {area.name}, {period.label}"
    return CrimeView(finding, types, cats, places, by, title)
