"""Borough scope enforced where data is written, and the role mapping file.

Reads are scoped in ``queries`` (every reader takes ``boroughs``). Writes are checked here:
an import that touches a ward (or a borough's survey row) outside the boroughs the user may
write is refused whole, before anything is written, with a message naming the file, the row
and the ward. ``None`` means all of London; an empty tuple means nowhere.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from data_access import queries

ROLES_PATH = Path(__file__).resolve().parent.parent / ".streamlit" / "roles.toml"
ROLES_ENV = "WARD_PANEL_ROLES"


class OutOfScope(Exception):
    """A read or write outside the user's boroughs; ``str()`` is the message to show."""


def roles_path() -> Path:
    return Path(os.environ.get(ROLES_ENV) or ROLES_PATH)


def roles_text() -> str:
    """The role mapping's text; empty when there is no file (then nobody has a role)."""
    path = roles_path()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def rows_outside(frame: pl.DataFrame, boroughs: Sequence[str] | None, engine: Engine) -> pl.DataFrame:
    """The rows of a checked import frame whose borough is not in ``boroughs``.

    Returns (row, ward_code or borough_code, borough_code, borough_name); ``row`` is the
    spreadsheet row (header is row 1). Rows of unknown wards count as outside.
    """
    schema = {"row": pl.Int64, "code": pl.String, "borough_code": pl.String, "borough_name": pl.String}
    if boroughs is None or frame.height == 0:
        return pl.DataFrame(schema=schema)
    allowed = list(boroughs)
    names = dict(queries.boroughs(engine).select("borough_code", "borough_name").iter_rows())
    numbered = frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    if "ward_code" in frame.columns:
        wards = queries.ward_places(engine)  # 2022 wards and those before May 2022
        placed = numbered.select("row", pl.col("ward_code").alias("code")).join(
            wards.rename({"ward_code": "code"}), on="code", how="left")
    elif "borough_code" in frame.columns:
        placed = numbered.select("row", pl.col("borough_code").alias("code"), "borough_code")
    else:  # a table with no place in it: only London-wide writers may load it
        placed = numbered.select("row", pl.lit(None, dtype=pl.String).alias("code"),
                                 pl.lit(None, dtype=pl.String).alias("borough_code"))
    outside = placed.filter(pl.col("borough_code").is_null() | ~pl.col("borough_code").is_in(allowed))
    return outside.with_columns(
        pl.col("borough_code").replace_strict(names, default="London as a whole", return_dtype=pl.String).alias("borough_name")
    ).select(list(schema))


def require_within(frame: pl.DataFrame, boroughs: Sequence[str] | None, engine: Engine, *, file: str) -> None:
    """Raise OutOfScope when any row of ``frame`` lies outside ``boroughs``: the whole file is refused."""
    if boroughs is not None and len(boroughs) == 0:
        raise OutOfScope(f"You may not import data, so {file} was not imported.")
    outside = rows_outside(frame, boroughs, engine)
    if outside.height:
        first = outside.row(0, named=True)
        more = f" and {outside.height - 1:,} other row{'s' if outside.height > 2 else ''}" if outside.height > 1 else ""
        raise OutOfScope(
            f"{file}: row {first['row']} ({first['code'] or 'no ward'}, {first['borough_name']}){more} "
            "is outside the boroughs you may change, so nothing in this file was imported. "
            "Remove those rows, or ask someone responsible for that borough to import them."
        )


def require_area(codes: Sequence[str], boroughs: Sequence[str] | None) -> None:
    """Raise OutOfScope when an area's boroughs are not all within ``boroughs`` (None: London)."""
    if boroughs is None:
        return
    if not codes or not set(codes) <= set(boroughs):
        raise OutOfScope("That area is outside the boroughs you may see.")
