"""police.uk street-level crime files -> counts by 2022 ward, month and crime type. Pure: no files read.

A police.uk street-level file (data.police.uk "custom download" or the monthly archive,
``YYYY-MM-<force>-street.csv``) has one row per crime record, in the columns ``Crime ID, Month,
Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name, Crime type, Last
outcome category, Context``. Only three are used here: ``Month`` (``2023-12``), ``LSOA code``
(the Lower Layer Super Output Area the record is placed in, the **2021** set in files from 2023)
and ``Crime type``. Nothing identifying a record (its id, street or outcome) is kept.

Each record counts in the 2022 wards its LSOA overlaps, shared by the LSOA's residents in each
(``weights``: lsoa_code, ward_code, share, the shares of a code adding up to 1). Example: an LSOA
whose residents live 3/4 in ward A and 1/4 in ward B gives each of its burglaries 0.75 to A and
0.25 to B; a ward's count is the sum, so it may have decimals, and London's total is the number
of records placed in London.

Nothing is dropped silently. Every record is counted or reported, as notes that do not stop the
import: rows with no location (police.uk gives no LSOA for them), LSOA codes that match no London
LSOA of 2021 (records outside London, or a code of another vintage), and text that is no LSOA code
at all; and crime types missing from the mapping to promise categories (they are still counted).
A file that is not in the police.uk layout, or a month that is not ``YYYY-MM``, is refused.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import polars as pl

from dashboard.domain.imports import IGNORED, MAX_REPORTED, Problem

LAYOUT = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code", "LSOA name",
          "Crime type", "Last outcome category", "Context")
MONTH, LSOA, CRIME_TYPE = "Month", "LSOA code", "Crime type"
USED = (MONTH, LSOA, CRIME_TYPE)
NO_CATEGORY = "none"  # a crime type the mapping gives no promise category
LSOA_SHAPE = r"^[EW]01\d{6}$"  # an ONS LSOA code (England E01, Wales W01)
ROWS_SHOWN = 20  # row numbers a note lists before "and N more"
ROW = "_row"


def is_street_crime(data: bytes) -> bool:
    """Whether the file's header is police.uk's street-level layout (its first line names Crime ID,
    Month, LSOA code and Crime type)."""
    first = data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    names = {c.strip().strip('"') for c in first.split(",")}
    return {"Crime ID", *USED} <= names


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:ROWS_SHOWN])
    more = len(numbers) - ROWS_SHOWN
    return f"row{'s' if len(numbers) > 1 else ''} {shown}" + (f" and {more:,} more" if more > 0 else "")


def _many(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' if n != 1 else ''}"


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"ward_code": pl.String, "month": pl.String, "crime_type": pl.String, "count": pl.String})


def parse(data: bytes, *, weights: pl.DataFrame, categories: Mapping[str, str], file: str,
          vintage: str = "LSOA 2021") -> tuple[pl.DataFrame, list[Problem]]:
    """(rows of the crime table as text: ward_code, month, crime_type, count; problems). Never raises.

    Row numbers are as a spreadsheet shows them (the header is row 1).
    """
    try:
        return _parse(data, weights=weights, categories=categories, file=file, vintage=vintage)
    except Exception as exc:  # like imports.check: a problem, never a traceback
        return _empty(), [Problem(file, None, None, None,
                                  f"The file could not be read as a police.uk street-level file ({type(exc).__name__}: {str(exc)[:200]}).")]


def _parse(data: bytes, *, weights: pl.DataFrame, categories: Mapping[str, str], file: str,
           vintage: str) -> tuple[pl.DataFrame, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _empty(), [Problem(file, line, None, None, "This is not UTF-8 text, as police.uk files are; was it saved "
                                                          "again by a spreadsheet? Use the file as downloaded.")]
    frame = pl.read_csv(io.StringIO(text), infer_schema_length=0)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    if missing := [c for c in USED if c not in frame.columns]:
        return _empty(), [Problem(file, 1, c, None, f"The column {c} is missing: this is not a police.uk street-level file "
                                                    f"(its columns are {', '.join(LAYOUT)}).") for c in missing]
    frame = frame.select(pl.int_range(2, pl.len() + 2).alias(ROW),
                         *(pl.col(c).str.strip_chars().replace("", None).alias(c) for c in USED))
    problems: list[Problem] = []
    bad_month = frame.filter(pl.col(MONTH).is_null() | ~pl.col(MONTH).str.contains(r"^\d{4}-(0[1-9]|1[0-2])$"))
    problems += [Problem(file, r, MONTH, m, "is not a month written as police.uk writes it (2023-12)")
                 for r, m in bad_month.head(MAX_REPORTED).select(ROW, MONTH).iter_rows()]
    no_type = frame.filter(pl.col(CRIME_TYPE).is_null())
    problems += [Problem(file, r, CRIME_TYPE, None, "is empty: every police.uk record has a crime type")
                 for (r,) in no_type.head(MAX_REPORTED).select(ROW).iter_rows()]
    if problems:
        return _empty(), problems

    total = frame.height
    located = frame.filter(pl.col(LSOA).is_not_null())
    placed = located.join(weights.select("lsoa_code", "ward_code", "share"), left_on=LSOA, right_on="lsoa_code", how="left")
    counted = placed.filter(pl.col("ward_code").is_not_null())
    records_counted = counted.select(pl.col(ROW).n_unique()).item()
    problems.append(Problem(file, None, LSOA, None,
                            f"{records_counted:,} of {_many(total, 'record')} were counted in 2022 wards: each record's LSOA "
                            f"({vintage} codes) shared between the wards it overlaps by its residents. Every other record "
                            "is listed below.", IGNORED))
    unlocated = frame.filter(pl.col(LSOA).is_null())[ROW].to_list()
    if unlocated:
        problems.append(Problem(file, unlocated[0], LSOA, None,
                                f"{_many(len(unlocated), 'record')} have no location (police.uk gives no LSOA code for them), "
                                f"so they are counted in no ward: {_rows(unlocated)}.", IGNORED))
    unmatched = placed.filter(pl.col("ward_code").is_null()).group_by(LSOA, maintain_order=True).agg(pl.col(ROW))
    for code, rows in unmatched.iter_rows():
        if re.match(LSOA_SHAPE, code):
            why = (f"matches no London LSOA ({vintage}): the record lies outside London, or the file uses LSOA codes of "
                   "another year")
        else:
            why = "is not an LSOA code (E01 and six digits)"
        problems.append(Problem(file, rows[0], LSOA, code, f"{why}, so {_many(len(rows), 'record')} with it "
                                                            f"{'are' if len(rows) != 1 else 'is'} counted in no ward: {_rows(rows)}.",
                                IGNORED))
    outside = frame.filter(~pl.col(CRIME_TYPE).is_in(list(categories))).group_by(CRIME_TYPE, maintain_order=True).agg(pl.col(ROW))
    for crime_type, rows in outside.iter_rows():
        problems.append(Problem(file, rows[0], CRIME_TYPE, crime_type,
                                f"is not in the list of police.uk crime types matched to promise categories "
                                f"(dashboard/figures/crime_categories.toml): its {_many(len(rows), 'record')} are counted "
                                f"under it, beside no promise category until the list names it ({_rows(rows)}).", IGNORED))
    counts = (counted.group_by("ward_code", MONTH, CRIME_TYPE)
              .agg(pl.col("share").sum().round(3).alias("count"))
              .sort("ward_code", MONTH, CRIME_TYPE))
    return counts.select(
        "ward_code",
        (pl.col(MONTH) + "-01").alias("month"),
        pl.col(CRIME_TYPE).alias("crime_type"),
        pl.col("count").cast(pl.String),
    ), problems
