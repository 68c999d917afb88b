"""Census age by ward from Output Areas in place of the best fit of whole LSOAs, and sex by ward.

Revision ID: 0009
Revises: 0008

The age profile panels are compared with was built by adding each LSOA whole to the one ward it
best fits; for 185 of 679 wards its population was more than 10% off the ward's real Census
total (up to 43%). ``census2021_age6_london_wards.csv`` shares the LSOAs that straddle wards by
their Output Areas' residents (ward totals within 17 people of TS021). A database loaded before
this revision holds the old rows: they are replaced, and nothing else (age rows a user loaded
from a ward_population CSV of their own carry another source and are kept).

Sex by ward (``census2021_ts008_sex_london_wards.csv``, TS008 summed from Output Areas) is added
to a database that holds the reference wards and no sex rows at all. Synthetic benchmark copies
of a ward (``--scale``) get the new rows of the ward they copy.
"""

import hashlib

from alembic import op
import polars as pl
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_SOURCE = "Census 2021 age, usual residents, LSOA best fit to 2022 wards (ONS, GLA; OGL v3.0)"


def _rows_for(wards: list[str], new: pl.DataFrame) -> list[dict]:
    """The new rows of each ward; a copy Z01014053 is of E05014053 (the same last six characters)."""
    by_ward: dict[str, list[dict]] = {}
    for row in new.iter_rows(named=True):
        by_ward.setdefault(row["ward_code"][3:], []).append(row)
    return [{**row, "ward_code": code} for code in wards for row in by_ward.get(code[3:], [])]


def _insert(bind, rows: list[dict], file_name: str) -> None:
    from data_access import reference

    if rows:
        bind.execute(sa.text(
            "INSERT INTO ward_population (ward_code, dimension, category, count, source) "
            "VALUES (:ward_code, :dimension, :category, :count, :source)"), rows)
    bind.execute(sa.text(
        "INSERT INTO import_batch (file_name, checksum, table_name, kind, rows_new, rows_changed, rows_unchanged, imported_at) "
        "VALUES (:file, :digest, 'ward_population', 'reference', :n, 0, 0, CURRENT_TIMESTAMP)"),
        {"file": file_name, "digest": hashlib.sha256((reference.REFERENCE_DIR / file_name).read_bytes()).hexdigest(), "n": len(rows)})


def upgrade() -> None:
    from data_access import reference

    bind = op.get_bind()
    population = reference.ward_population()
    old_age = [r[0] for r in bind.execute(sa.text(
        "SELECT DISTINCT ward_code FROM ward_population WHERE dimension = 'age_band' AND source = :old ORDER BY ward_code"),
        {"old": OLD_SOURCE})]
    if old_age:
        bind.execute(sa.text("DELETE FROM ward_population WHERE dimension = 'age_band' AND source = :old"), {"old": OLD_SOURCE})
        _insert(bind, _rows_for(old_age, population.filter(pl.col("dimension") == "age_band")), reference.AGE_FILE)
    has_sex = bind.execute(sa.text("SELECT COUNT(*) FROM ward_population WHERE dimension = 'sex'")).scalar()
    with_census = [r[0] for r in bind.execute(sa.text(
        "SELECT DISTINCT ward_code FROM ward_population WHERE dimension = 'ethnic_group' ORDER BY ward_code"))]
    if with_census and not has_sex:
        _insert(bind, _rows_for(with_census, population.filter(pl.col("dimension") == "sex")), reference.SEX_FILE)


def downgrade() -> None:
    pass  # the old best-fit file is no longer shipped
