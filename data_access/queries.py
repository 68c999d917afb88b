"""Reads: every query the app makes, each returning a polars DataFrame.

Each reader takes an optional ``boroughs`` scope (borough codes). ``None`` means all of London;
the scope is applied in SQL so a scoped caller never receives another borough's rows (the
sign-in builds on this). Frames always carry the same columns and dtypes, even when
empty, so metric functions never meet a column of nulls with no type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

import polars as pl
from sqlalchemy import Boolean, Date, DateTime, Engine, Float, Integer, Select, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from dashboard.domain.contract import BY_BOROUGH, TABLES
from dashboard.domain.vocabulary import LONDON_CODE
from dashboard.domain.wards_in_time import RECORDED
from data_access.models import (
    Base,
    Borough,
    Concern,
    ConfidenceMeasure,
    DataSetting,
    EngagementActivity,
    FormerWard,
    ImportBatch,
    Meeting,
    PoliceukUnmatched,
    Promise,
    RecordedWard,
    Ward,
    WardSuccessor,
)

Scope = Sequence[str] | None


def _dtype(column) -> pl.DataType:
    t = column.type
    if isinstance(t, DateTime):
        return pl.Datetime("us")
    if isinstance(t, Date):
        return pl.Date()
    if isinstance(t, Boolean):
        return pl.Boolean()
    if isinstance(t, Integer):
        return pl.Int64()
    if isinstance(t, Float):
        return pl.Float64()
    return pl.String()


CHUNK_ROWS = 10_000


def read(stmt: Select, engine: Engine) -> pl.DataFrame:
    """Run ``stmt`` and return a frame typed from the selected columns, empty or not.

    Rows arrive in chunks (a server-side cursor on PostgreSQL) and each chunk becomes a frame
    at once, so no more than CHUNK_ROWS rows are ever held as Python objects: reading every
    table at ``--scale 10`` peaked at 596 MB of memory when all rows were fetched first (337 MB in chunks), for
    129 MB of frames (server under 600 MB).
    """
    schema = {c.key: _dtype(c) for c in stmt.selected_columns}
    parts = []
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=CHUNK_ROWS).execute(stmt)
        for rows in result.partitions():
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
    return pl.concat(parts, rechunk=False) if parts else pl.DataFrame(schema=schema)


def _in_scope(stmt: Select, ward_code: ColumnElement, boroughs: Scope) -> Select:
    if boroughs is None:
        return stmt
    return stmt.join(Ward, Ward.code == ward_code).where(Ward.borough_code.in_(list(boroughs)))


def boroughs(engine: Engine, boroughs: Scope = None) -> pl.DataFrame:
    stmt = select(Borough.code.label("borough_code"), Borough.name.label("borough_name"), Borough.police_force, Borough.bcu)
    if boroughs is not None:
        stmt = stmt.where(Borough.code.in_(list(boroughs)))
    return read(stmt.order_by(Borough.name), engine)


def _wards_of(model, engine: Engine, boroughs: Scope, *extra) -> pl.DataFrame:
    """A set of wards with their borough, BCU and police force, ordered by borough and name."""
    stmt = select(
        model.code.label("ward_code"),
        model.name.label("ward_name"),
        model.borough_code,
        Borough.name.label("borough_name"),
        Borough.bcu,
        Borough.police_force,
        *extra,
    ).join(Borough, Borough.code == model.borough_code)
    if boroughs is not None:
        stmt = stmt.where(model.borough_code.in_(list(boroughs)))
    return read(stmt.order_by(Borough.name, model.name), engine)


def wards(engine: Engine, boroughs: Scope = None) -> pl.DataFrame:
    """The 2022 wards: the wards of every figure."""
    return _wards_of(Ward, engine, boroughs, Ward.centroid_lon, Ward.centroid_lat)


def former_wards(engine: Engine, boroughs: Scope = None) -> pl.DataFrame:
    """The wards in force before 5 May 2022, with the same columns as ``wards`` (no centroids)."""
    return _wards_of(FormerWard, engine, boroughs)


def ward_successors(engine: Engine, boroughs: Scope = None) -> pl.DataFrame:
    """Each pair of an old ward and a 2022 ward that overlap (dashboard.domain.wards_in_time.LOOKUP_SCHEMA).

    Public reference data, the same for everyone: ``boroughs`` is accepted like every reader's and not used.
    """
    stmt = (
        select(
            WardSuccessor.old_code,
            FormerWard.name.label("old_name"),
            FormerWard.borough_code.label("old_borough_code"),
            WardSuccessor.new_code,
            Ward.name.label("new_name"),
            WardSuccessor.share_of_old_area,
            WardSuccessor.share_of_new_area,
            WardSuccessor.best_fit,
        )
        .join(FormerWard, FormerWard.code == WardSuccessor.old_code)
        .join(Ward, Ward.code == WardSuccessor.new_code)
        .order_by(WardSuccessor.old_code, WardSuccessor.new_code)
    )
    return read(stmt, engine)


def ward_places(engine: Engine) -> pl.DataFrame:
    """Every ward code a record may carry (2022 and before May 2022) with its borough: ward_code, borough_code."""
    return read(select(RecordedWard.code.label("ward_code"), RecordedWard.borough_code).order_by(RecordedWard.code), engine)




def _columns(t, omit: Sequence[str]) -> list:
    """The table's columns but its id and those in ``omit``; a name that is not a column is an error."""
    unknown = set(omit) - {c.key for c in t.columns}
    if unknown:
        raise ValueError(f"{t.name} has no column {', '.join(sorted(unknown))}")
    return [c for c in t.columns if c.key != "id" and c.key not in omit]


def table(name: str, engine: Engine, boroughs: Scope = None, *, omit: Sequence[str] = (), ward_code: str | None = None) -> pl.DataFrame:
    """The rows of a table users maintain (``name`` as in ``dashboard.domain.contract.TABLES``), in scope.

    A table scoped by ward keeps the rows of wards in ``boroughs``; one scoped by borough (the
    survey's confidence measures) keeps those boroughs' rows plus the London-wide ones
    (E12000007). ``ward_code`` keeps one 2022 ward's rows. ``omit`` leaves columns in the database:
    the dashboard's cache keeps only the columns its figures use (memory).

    Rows kept on a ward from before May 2022 come with ``ward_code`` the 2022 ward they count for
    (its best fit, dashboard.domain.wards_in_time.counts_as) and RECORDED the code they were kept
    on; RECORDED is empty for a row kept on the 2022 ward itself. So every figure counts 2022
    wards, and a 2022 ward's rows include those of the old wards that count for it.
    """
    spec = TABLES[name]
    t = Base.metadata.tables[spec.db_table]
    if spec.scope == BY_BOROUGH:
        stmt = select(*_columns(t, omit))
        if boroughs is not None:
            stmt = stmt.where(t.c.borough_code.in_([*boroughs, LONDON_CODE]))
        return read(stmt, engine)
    if spec.dated_by is None:  # 2022 wards only (the Census counts)
        stmt = select(*_columns(t, omit))
        if ward_code is not None:
            stmt = stmt.where(t.c.ward_code == ward_code)
        return read(_in_scope(stmt, t.c.ward_code, boroughs), engine)
    place = RecordedWard.__table__
    columns = [place.c.counts_as.label("ward_code") if c.key == "ward_code" else c for c in _columns(t, omit)]
    recorded = case((t.c.ward_code != place.c.counts_as, t.c.ward_code)).label(RECORDED)
    stmt = select(*columns, recorded).select_from(t).join(place, place.c.code == t.c.ward_code)
    if ward_code is not None:
        stmt = stmt.where(place.c.counts_as == ward_code)
    if boroughs is not None:
        stmt = stmt.where(place.c.borough_code.in_(list(boroughs)))
    return read(stmt, engine)


# One reader per table users maintain, each table(name, ...). The named ones are kept for the
# code and tests that call them; a new table needs none.
READERS = {name: partial(table, name) for name in TABLES}
panels = READERS["panels"]
members = READERS["members"]
meetings = READERS["meetings"]
promises = READERS["promises"]  # promises(engine, ward_code=...): one ward's, with descriptions and outcomes
engagement = READERS["engagement"]
concerns = READERS["concerns"]  # every concern, pending and rejected ones included: figures keep only accepted
confidence = READERS["confidence"]  # the boroughs in scope plus the London-wide rows (E12000007)
remedy_plans = READERS["remedy_plans"]
dwo_assignments = READERS["dwo_assignments"]
ward_population = READERS["ward_population"]


def submitted_concerns(engine: Engine, *, status: str = "pending", boroughs: Scope = None) -> pl.DataFrame:
    """Concerns residents sent from the public ward page with this status, oldest first, with their id."""
    stmt = (
        select(Concern.id, Concern.submitted_at, Concern.ward_code, Ward.name.label("ward_name"), Concern.category, Concern.note)
        .join(Ward, Ward.code == Concern.ward_code)
        .where(Concern.submitted_at.is_not(None), Concern.status == status)
        .order_by(Concern.submitted_at, Concern.id)
    )
    if boroughs is not None:
        stmt = stmt.where(Ward.borough_code.in_(list(boroughs)))
    return read(stmt, engine)


LONDON_WIDE_KINDS = ("reference", "sample")  # loads of real reference data and the sample: no borough's own


def import_batches(engine: Engine, boroughs: Scope = None) -> pl.DataFrame:
    """Every load, newest first; for a user scoped to ``boroughs``, only the reference and sample
    loads and the imports that touched nothing outside their boroughs (file names, row counts and
    checksums of another borough's imports are that borough's business)."""
    stmt = select(*[c for c in ImportBatch.__table__.columns]).order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
    batches = read(stmt, engine)
    if boroughs is None:
        return batches
    return batches.filter(pl.col("kind").is_in(LONDON_WIDE_KINDS) | _within(boroughs))


def _within(boroughs: Sequence[str]) -> pl.Expr:
    """A row's ``boroughs`` (comma separated) are all among ``boroughs``; None is London-wide, so not."""
    return pl.col("boroughs").is_not_null() & pl.col("boroughs").str.split(",").list.eval(
        pl.element().is_in(list(boroughs))).list.all()


def policeuk_unmatched(engine: Engine, boroughs: Scope = None) -> pl.DataFrame:
    """police.uk files whose neighbourhood id matched no ward, newest first; for a user scoped to
    ``boroughs``, only those tried by users of their boroughs (like the import history)."""
    U = PoliceukUnmatched
    stmt = select(U.seen_at, U.neighbourhood, U.kind, U.file_name, U.items, U.boroughs).order_by(U.seen_at.desc(), U.id.desc())
    found = read(stmt, engine)
    return found if boroughs is None else found.filter(_within(boroughs))


def rows_by_day(engine: Engine) -> pl.DataFrame:
    """How many activity and survey rows fall on each day (day, rows): what "complete to" is worked out from.

    Counted in the database, one row per distinct date, so the app never reads every row for it.
    A promise counts on the day it was set and again on the day it was closed.
    """
    parts = [(Meeting.held_on,), (Promise.set_on,), (Promise.closed_on,), (EngagementActivity.held_on,),
             (ConfidenceMeasure.quarter_end,)]
    counts: dict[dt.date, int] = {}
    with engine.connect() as conn:
        for (column,) in parts:
            stmt = select(column, func.count()).where(column.is_not(None)).group_by(column)
            for day, n in conn.execute(stmt):
                counts[_as_date(day)] = counts.get(_as_date(day), 0) + n
    return pl.DataFrame({"day": list(counts), "rows": list(counts.values())},
                        schema={"day": pl.Date, "rows": pl.Int64}).sort("day")


COMPLETE_TO = "figures_complete_to"  # the data setting: the last day the figures are complete to (ISO date)


def setting(engine: Engine, name: str) -> tuple[str, str, dt.datetime] | None:
    """A shared data setting's (value, set_by, set_at), or None when it has never been set."""
    with engine.connect() as conn:
        row = conn.execute(select(DataSetting.value, DataSetting.set_by, DataSetting.set_at)
                           .where(DataSetting.name == name)).one_or_none()
    return None if row is None else (row.value, row.set_by, row.set_at)


def _as_date(value) -> dt.date:
    # SQLite hands back aggregates of DATE columns as text; PostgreSQL as dates.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
