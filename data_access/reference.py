"""Read the real reference data shipped in ``sample_data/reference``.

Sources and licences: ``sample_data/README.md``. Every frame here uses the database's column
names so it can be written as it is.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "sample_data" / "reference"

ETHNIC_SOURCE = "Census 2021 TS021 ethnic group, usual residents (ONS, OGL v3.0)"
AGE_SOURCE = "Census 2021 age (6 categories), usual residents, LSOAs split to 2022 wards by Output Area counts (ONS, GLA; OGL v3.0)"
ETHNIC_FILE = "census2021_ts021_ethnic_group_london_wards.csv"
AGE_FILE = "census2021_age6_london_wards.csv"
SEX_FILE = "census2021_ts008_sex_london_wards.csv"
SEX_SOURCE = "Census 2021 TS008 sex, usual residents, Output Areas summed to 2022 wards (ONS; OGL v3.0)"
PAS_SOURCE = "MOPAC Public Attitude Survey, to Q3 2023-24 (London Datastore, OGL)"

# TS021 column -> detailed ONS category (dashboard.domain.vocabulary.ETHNIC_DETAILED keys).
TS021_DETAILED = {
    "asian_bangladeshi": "Bangladeshi",
    "asian_chinese": "Chinese",
    "asian_indian": "Indian",
    "asian_pakistani": "Pakistani",
    "asian_other": "Other Asian",
    "black_african": "African",
    "black_caribbean": "Caribbean",
    "black_other": "Other Black",
    "mixed_white_asian": "White and Asian",
    "mixed_white_black_african": "White and Black African",
    "mixed_white_black_caribbean": "White and Black Caribbean",
    "mixed_other": "Other Mixed",
    "white_british": "White British",
    "white_irish": "White Irish",
    "white_gypsy_irish_traveller": "Gypsy or Irish Traveller",
    "white_roma": "Roma",
    "white_other": "Other White",
    "other_arab": "Arab",
    "other_any_other": "Any other ethnic group",
}
TS021_GROUPS = {"asian": "Asian", "black": "Black", "mixed": "Mixed", "white": "White", "other": "Other"}

ATTRIBUTION = (
    "Ward and borough boundaries, ward codes and lookups: Source: Office for National Statistics "
    "licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and "
    "database right 2022.",
    "Wards before May 2022 and the area shares between them and the 2022 wards (worked out from "
    "ONS's December 2020 and December 2022 ward boundaries): Source: Office for National Statistics "
    "licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and "
    "database right 2021 and 2022.",
    "Census 2021 ethnic group, age and sex by ward: Source: Office for National Statistics licensed "
    "under the Open Government Licence v.3.0. Contains data from the Greater London Authority.",
    "Public Attitude Survey: Source: Mayor's Office for Policing and Crime (MOPAC), Public "
    "Attitude Survey, via the London Datastore. Contains public sector information licensed "
    "under the Open Government Licence.",
    "Recorded crime: police.uk street-level crime (data.police.uk), Open Government Licence v3.0; "
    "shared to 2022 wards by residents of each LSOA (2021): Source: Office for National Statistics "
    "licensed under the Open Government Licence v.3.0. Contains data from the Greater London Authority.",
)


def boroughs() -> pl.DataFrame:
    df = pl.read_csv(REFERENCE_DIR / "london_borough_bcu.csv", infer_schema_length=0)
    return df.select(
        pl.col("lad_code").alias("code"),
        pl.col("lad_name").alias("name"),
        "police_force",
        pl.when(pl.col("bcu") == "").then(None).otherwise(pl.col("bcu")).alias("bcu"),
    ).sort("code")


def wards() -> pl.DataFrame:
    df = pl.read_csv(
        REFERENCE_DIR / "london_wards_2022.csv",
        schema_overrides={"centroid_lon": pl.Float64, "centroid_lat": pl.Float64},
        infer_schema_length=0,
    )
    return df.select(
        pl.col("ward_code").alias("code"),
        pl.col("ward_name").alias("name"),
        pl.col("lad_code").alias("borough_code"),
        pl.col("centroid_lon").cast(pl.Float64),
        pl.col("centroid_lat").cast(pl.Float64),
    ).sort("code")


def ward_population() -> pl.DataFrame:
    """Census 2021 by ward, long: ethnic_group (5), ethnic_group_detailed (19), age_band (6), sex (2)."""
    ts021 = pl.read_csv(REFERENCE_DIR / ETHNIC_FILE)
    parts = []
    for dimension, columns in (("ethnic_group", TS021_GROUPS), ("ethnic_group_detailed", TS021_DETAILED)):
        parts.append(
            ts021.unpivot(index="ward_code", on=list(columns), variable_name="column", value_name="count")
            .with_columns(
                pl.lit(dimension).alias("dimension"),
                pl.col("column").replace_strict(columns).alias("category"),
                pl.lit(ETHNIC_SOURCE).alias("source"),
            )
            .drop("column")
        )
    # Age by 2022 ward from Output Areas (ward totals within 17 people of TS021), not the older
    # best fit of whole LSOAs to wards, which was more than 10% off for 185 of 679 wards.
    parts.append(_by_ward(AGE_FILE, "age", "age_band", AGE_SOURCE))
    # Sex by 2022 ward, summed from Output Areas as ONS builds its own ward figures (all ages).
    parts.append(_by_ward(SEX_FILE, "sex", "sex", SEX_SOURCE, {"female": "Female", "male": "Male"}))
    return (
        pl.concat([p.select("ward_code", "dimension", "category", pl.col("count").cast(pl.Int64), "source") for p in parts])
        .sort("ward_code", "dimension", "category")
    )


def _by_ward(file_name: str, dimension: str, as_dimension: str, source: str, words: dict[str, str] | None = None) -> pl.DataFrame:
    """A long Census file by ward (ward_code, dimension, category, count), its categories but not
    its total; the City of London's single row (E09000001, all 25 City wards together) is not a
    ward and is left out."""
    rows = pl.read_csv(REFERENCE_DIR / file_name).filter(
        (pl.col("dimension") == dimension) & (pl.col("category") != "total") & pl.col("ward_code").str.starts_with("E05")
    )
    category = pl.col("category").replace_strict(words) if words else pl.col("category")
    return rows.select("ward_code", "count", pl.lit(as_dimension).alias("dimension"), category, pl.lit(source).alias("source"))


def confidence() -> pl.DataFrame:
    """MOPAC's real Public Attitude Survey figures (no survey base in the release)."""
    df = pl.read_csv(REFERENCE_DIR / "mopac_pas_borough.csv", try_parse_dates=False)
    return df.select(
        "borough_code",
        pl.col("period_end").str.to_date("%Y-%m-%d").alias("quarter_end"),
        "measure",
        pl.col("value_pct").cast(pl.Float64),
        pl.lit(None, dtype=pl.Int64).alias("base_n"),
    )


@lru_cache(maxsize=1)
def ward_geojson() -> dict:
    """The 704 2022 ward polygons (ONS BSC, 200 m generalised)."""
    return json.loads((REFERENCE_DIR / "london_wards_2022.geojson").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def borough_geojson() -> dict:
    return json.loads((REFERENCE_DIR / "london_boroughs_2022.geojson").read_text(encoding="utf-8"))


def ward_successors() -> pl.DataFrame:
    """Wards in force before May 2022 -> the 2022 wards they overlap, with area shares and the best
    fit (columns as ``dashboard.domain.wards_in_time.LOOKUP_SCHEMA``)."""
    df = pl.read_csv(REFERENCE_DIR / "london_ward_lookup_pre2022_to_2022.csv", infer_schema_length=0)
    return df.select(
        pl.col("wd20_code").alias("old_code"),
        pl.col("wd20_name").alias("old_name"),
        pl.col("lad20_code").alias("old_borough_code"),
        pl.col("wd22_code").alias("new_code"),
        pl.col("wd22_name").alias("new_name"),
        pl.col("share_of_wd20_area").cast(pl.Float64).alias("share_of_old_area"),
        pl.col("share_of_wd22_area").cast(pl.Float64).alias("share_of_new_area"),
        (pl.col("best_fit") == "Y").alias("best_fit"),
    ).sort("old_code", "new_code")


def former_wards() -> pl.DataFrame:
    """The 657 London wards in force before 5 May 2022 (ONS December 2020 set): code, name, borough_code."""
    return (ward_successors()
            .select(pl.col("old_code").alias("code"), pl.col("old_name").alias("name"), pl.col("old_borough_code").alias("borough_code"))
            .unique("code").sort("code"))



LSOA_WEIGHTS_FILE = "london_lsoa21_ward22_popweights.csv"
LSOA_VINTAGE = "LSOA 2021"  # the codes police.uk street-level files carry from 2023 (checked on the December 2023 Met file)
CRIME_CATEGORIES_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "figures" / "crime_categories.toml"


@lru_cache(maxsize=1)
def lsoa_ward_weights() -> pl.DataFrame:
    """Each London LSOA (2021) -> the 2022 wards it overlaps, with its residents' share in each
    (``lsoa_code``, ``ward_code``, ``share``; a code's shares add up to 1)."""
    df = pl.read_csv(REFERENCE_DIR / LSOA_WEIGHTS_FILE, schema_overrides={"share_of_lsoa": pl.Float64}, infer_schema_length=0)
    return df.select(pl.col("lsoa21_code").alias("lsoa_code"), pl.col("ward22_code").alias("ward_code"),
                     pl.col("share_of_lsoa").alias("share"))


def crime_categories(path: Path | None = None) -> dict[str, str]:
    """police.uk crime type -> promise category, or "none" (``dashboard/figures/crime_categories.toml``)."""
    import tomllib

    return dict(tomllib.loads((path or CRIME_CATEGORIES_PATH).read_text(encoding="utf-8"))["crime_types"])
