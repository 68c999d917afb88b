"""Writes for imports: preview, one-transaction upsert, import history and undo (issue #7).

``preview`` compares checked rows with the database on the table's natural key. ``upsert`` writes
them in ONE transaction (all rows or none), records an ``import_batch`` row and, per row, what
the import did in ``import_change`` (the natural key, and the previous values of a changed row),
so ``undo_last`` can put the table back exactly as it was.

Bulk path (the issue's benchmark: within 3x of ``sqlite3 .import`` and PostgreSQL ``COPY``):
SQLite gets the driver's ``executemany`` on plain tuples; PostgreSQL gets ``COPY`` of polars'
CSV, straight into the table for new rows and into a temporary table for changed ones.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Engine, and_, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.domain import imports as im
from dashboard.domain.contract import TABLES
from data_access import access_checks, queries, reference
from data_access.models import Base, ImportBatch, ImportChange, Promise
from data_access.seed import checksum

UNDOABLE_KINDS = ("upload", "cli")


class ImportRefused(Exception):
    """The database refused the rows or there is nothing to undo; ``str()`` is the message."""


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    table: str
    new: int
    changed: int
    unchanged: int


def references(engine: Engine, *, extra_promise_refs: frozenset[str] = frozenset()) -> im.References:
    """The reference lists a file is checked against, read from the database (issue #7)."""
    wards = queries.wards(engine)
    ward_frame = wards.select("ward_code", "ward_name", "borough_code", "borough_name")
    boroughs = frozenset(queries.boroughs(engine)["borough_code"])
    with engine.connect() as conn:
        refs = frozenset(r for (r,) in conn.execute(select(Promise.promise_ref)))
    lookup = reference.pre2022_lookup().filter(pl.col("best_fit") == "Y")
    return im.References(wards=ward_frame, lookup=lookup, promise_refs=refs | extra_promise_refs, borough_codes=boroughs)


def _table(name: str):
    return Base.metadata.tables[TABLES[name].db_table]


# issue #11: a resident's concern from the public ward page (submitted_at set) is no imported
# row: an import never matches, changes or undoes it, whatever its ward, day and category.
IMPORTED_ONLY = {"concerns": "submitted_at IS NULL"}


def _imported_only(table: str, t):
    return t.c.submitted_at.is_(None) if table in IMPORTED_ONLY else None


def existing(conn_or_engine, table: str) -> pl.DataFrame:
    """The table's rows now, in contract columns and dtypes."""
    t = _table(table)
    stmt = select(*(t.c[c] for c in TABLES[table].columns))
    if (scope := _imported_only(table, t)) is not None:
        stmt = stmt.where(scope)
    schema = im.typed_schema(table)
    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.connect() as conn:
            rows = conn.execute(stmt).all()
    else:
        rows = conn_or_engine.execute(stmt).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def preview(engine: Engine, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Each checked row marked new, changed or unchanged against the database."""
    return im.diff(frame, existing(engine, table), table)


def _plain(frame: pl.DataFrame, *, bools_as_int: bool) -> pl.DataFrame:
    """Dates as ISO text (how SQLAlchemy stores them in SQLite), booleans as 0/1 for SQLite."""
    return frame.with_columns(
        *(pl.col(c).dt.to_string("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date),
        *(pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean and bools_as_int),
    )


def _bulk_insert(conn: Connection, table_name: str, columns: list[str], frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        buf = io.BytesIO()
        frame.select(columns).write_csv(buf, include_header=False, null_value="")
        with raw.cursor() as cur, cur.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buf.getvalue())
    else:
        marks = ", ".join("?" for _ in columns)
        cur = raw.cursor()
        cur.executemany(f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({marks})",
                        _plain(frame.select(columns), bools_as_int=True).iter_rows())
        cur.close()


def _bulk_update(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    spec = TABLES[table]
    key = list(spec.natural_key)
    others = [c for c in spec.columns if c not in key]
    name = spec.db_table
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        cols = ", ".join(spec.columns)
        with raw.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE import_stage ON COMMIT DROP AS SELECT {cols} FROM {name} WITH NO DATA")
            buf = io.BytesIO()
            frame.select(spec.columns).write_csv(buf, include_header=False, null_value="")
            with cur.copy(f"COPY import_stage ({cols}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(buf.getvalue())
            sets = ", ".join(f"{c} = s.{c}" for c in others)
            match = " AND ".join(f"t.{c} = s.{c}" for c in key)
            if table in IMPORTED_ONLY:
                match += f" AND t.{IMPORTED_ONLY[table]}"
            cur.execute(f"UPDATE {name} AS t SET {sets} FROM import_stage AS s WHERE {match}")
            cur.execute("DROP TABLE import_stage")
    else:
        sets = ", ".join(f"{c} = ?" for c in others)
        match = " AND ".join(f"{c} = ?" for c in key)
        if table in IMPORTED_ONLY:
            match += f" AND {IMPORTED_ONLY[table]}"
        cur = raw.cursor()
        cur.executemany(f"UPDATE {name} SET {sets} WHERE {match}",
                        _plain(frame.select(*others, *key), bools_as_int=True).iter_rows())
        cur.close()


BULK_FK_ROWS = 20_000


@contextmanager
def _foreign_keys_checked_once(conn: Connection, table_name: str, rows: int):
    """On PostgreSQL, check a big batch's foreign keys in one pass instead of one trigger per row.

    The constraints are dropped and re-added inside the import's transaction (PostgreSQL DDL is
    transactional), and re-adding validates every row with one join: a row with an unknown ward
    still fails the whole import, and a failed import leaves the constraints as they were.
    Other sessions wait for the table during the import. Small batches keep the row triggers.
    """
    if conn.dialect.name != "postgresql" or rows < BULK_FK_ROWS:
        yield
        return
    fks = conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'"), {"t": table_name}).all()
    for name, _ in fks:
        conn.execute(text(f'ALTER TABLE {table_name} DROP CONSTRAINT "{name}"'))
    yield
    for name, definition in fks:
        conn.execute(text(f'ALTER TABLE {table_name} ADD CONSTRAINT "{name}" {definition}'))


CHANGE_CHUNK = 5_000  # rows per import_change record: per-row records made the change log cost as much as the data


def _change_records(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows' JSON keys ``k`` and previous values ``p`` -> records of up to CHANGE_CHUNK rows each.

    ``natural_key`` is a JSON list of key objects; ``previous`` the aligned JSON list of old values,
    or NULL when the rows were inserted (undo deletes them). Every row's key is kept (issue #7).
    """
    if frame.height == 0:
        return pl.DataFrame(schema={"natural_key": pl.String, "previous": pl.String})
    inserted = frame["p"].null_count() == frame.height
    grouped = (
        frame.with_row_index("i").with_columns((pl.col("i") // CHANGE_CHUNK).alias("chunk"))
        .group_by("chunk", maintain_order=True)
        .agg(("[" + pl.col("k").str.join(",") + "]").alias("natural_key"),
             ("[" + pl.col("p").str.join(",") + "]").alias("previous"))
    )
    if inserted:
        grouped = grouped.with_columns(pl.lit(None, dtype=pl.String).alias("previous"))
    return grouped.select("natural_key", "previous")


def upsert(engine: Engine, table: str, frame: pl.DataFrame, *, file_name: str, data: bytes, kind: str) -> BatchResult:
    """Write checked rows in one transaction and record the batch; raises ImportRefused."""
    spec = TABLES[table]
    key = list(spec.natural_key)
    others = [c for c in spec.columns if c not in key]
    try:
        with engine.begin() as conn:
            changes = im.diff(frame, existing(conn, table), table)
            counts = im.diff_counts(changes)
            batch_id = conn.execute(
                insert(ImportBatch).values(
                    file_name=file_name[:255], checksum=checksum(data), table_name=spec.db_table, kind=kind,
                    rows_new=counts[im.NEW], rows_changed=counts[im.CHANGED], rows_unchanged=counts[im.UNCHANGED],
                    imported_at=dt.datetime.now().replace(microsecond=0),
                ).returning(ImportBatch.id)
            ).scalar_one()
            new = changes.filter(pl.col("change") == im.NEW)
            changed = changes.filter(pl.col("change") == im.CHANGED)
            with _foreign_keys_checked_once(conn, spec.db_table, new.height):
                _bulk_insert(conn, spec.db_table, list(spec.columns),
                             _plain(new, bools_as_int=False) if conn.dialect.name == "postgresql" else new)
            _bulk_update(conn, table, _plain(changed, bools_as_int=False) if conn.dialect.name == "postgresql" else changed)
            # What undo needs: the key of every row touched, and a changed row's old values.
            plain_new = _plain(new.select(key), bools_as_int=False)
            plain_old = _plain(changed.select(*key, *(pl.col(c + im.OLD).alias(c) for c in others)), bools_as_int=False)
            record = pl.concat([
                _change_records(plain_new.select(pl.struct(key).struct.json_encode().alias("k"),
                                                 pl.lit(None, dtype=pl.String).alias("p"))),
                _change_records(plain_old.select(pl.struct(key).struct.json_encode().alias("k"),
                                                 pl.struct(others).struct.json_encode().alias("p"))),
            ]).with_columns(pl.lit(batch_id).alias("batch_id"))
            _bulk_insert(conn, "import_change", ["batch_id", "natural_key", "previous"], record)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise ImportRefused(f"The database refused the rows of {file_name} ({reason}); nothing was imported.") from exc
    except Exception as exc:  # e.g. the driver's own errors from COPY; still all or nothing
        raise ImportRefused(f"The import of {file_name} failed ({type(exc).__name__}: {str(exc)[:300]}); nothing was imported.") from exc
    return BatchResult(batch_id, table, counts[im.NEW], counts[im.CHANGED], counts[im.UNCHANGED])


def undo_last(engine: Engine, table: str, *, boroughs=None) -> tuple[int, int, str]:
    """Undo the newest import of ``table``: (rows deleted, rows restored, file name). One transaction.

    ``boroughs`` (issue #10): the boroughs the user may change (None: all London); an undo that
    would touch a row outside them is refused whole (access_checks.OutOfScope).
    """
    spec = TABLES[table]
    key = list(spec.natural_key)
    others = [c for c in spec.columns if c not in key]
    types = im.typed_schema(table)
    t = _table(table)
    with engine.begin() as conn:
        batch = conn.execute(
            select(ImportBatch.id, ImportBatch.kind, ImportBatch.file_name)
            .where(ImportBatch.table_name == spec.db_table, ImportBatch.undone_at.is_(None))
            .order_by(ImportBatch.id.desc()).limit(1)
        ).first()
        if batch is None:
            raise ImportRefused(f"There is no import of {table} to undo.")
        if batch.kind not in UNDOABLE_KINDS:
            raise ImportRefused(
                f"The last load of {table} was the {batch.kind} data ({batch.file_name}), which cannot be undone here; "
                "only uploads and command-line imports can."
            )
        records = pl.DataFrame(
            conn.execute(select(ImportChange.natural_key, ImportChange.previous).where(ImportChange.batch_id == batch.id)).all(),
            schema={"natural_key": pl.String, "previous": pl.String}, orient="row",
        )
        key_struct = pl.List(pl.Struct({c: pl.String for c in key}))
        prev_struct = pl.List(pl.Struct({c: _json_dtype(types[c]) for c in others}))
        inserted = (records.filter(pl.col("previous").is_null())
                    .select(pl.col("natural_key").str.json_decode(key_struct).alias("k")).explode("k").unnest("k")
                    .with_columns(_typed(key, types)))
        restored = (records.filter(pl.col("previous").is_not_null())
                    .select(pl.col("natural_key").str.json_decode(key_struct).alias("k"),
                            pl.col("previous").str.json_decode(prev_struct).alias("p"))
                    .explode("k", "p").unnest("k").unnest("p")
                    .with_columns(*_typed(key, types), *_typed(others, types)))
        if boroughs is not None:
            touched = pl.concat([inserted.select(key), restored.select(key)])
            now = existing(conn, table).join(touched, on=key, how="semi")
            outside = access_checks.rows_outside(now, boroughs, engine)
            if len(boroughs) == 0 or outside.height:
                where = (f" ({outside['code'][0]}, {outside['borough_name'][0]})" if outside.height else "")
                raise access_checks.OutOfScope(
                    f"The last import of {table} ({batch.file_name}) changed rows outside the boroughs you may "
                    f"change{where}, so it was not undone. Ask an administrator to undo it.")
        bind_key = {c: f"k_{c}" for c in key}
        scope = _imported_only(table, t)
        match = and_(*(t.c[c] == bindparam(bind_key[c]) for c in key), *(() if scope is None else (scope,)))
        if inserted.height:
            stmt = delete(t).where(match)
            conn.execute(stmt, inserted.select(*(pl.col(c).alias(bind_key[c]) for c in key)).to_dicts())
        if restored.height:
            old = restored
            stmt = (update(t).where(match)
                    .values({c: bindparam(f"v_{c}") for c in others}))
            conn.execute(stmt, old.select(*(pl.col(c).alias(bind_key[c]) for c in key),
                                          *(pl.col(c).alias(f"v_{c}") for c in others)).to_dicts())
        conn.execute(update(ImportBatch).where(ImportBatch.id == batch.id).values(undone_at=dt.datetime.now().replace(microsecond=0)))
    return inserted.height, restored.height, batch.file_name


def _json_dtype(t: pl.DataType) -> pl.DataType:
    return pl.String if t == pl.Date else t


def _typed(columns: list[str], types: dict[str, pl.DataType]) -> list[pl.Expr]:
    return [pl.col(c).cast(pl.String).str.to_date("%Y-%m-%d") if types[c] == pl.Date else pl.col(c).cast(types[c])
            for c in columns]


# --- Checking several files together (page and command line share this) ----------------------


def check_files(engine: Engine, files: list[tuple[str, bytes]], tables: list[str | None] | None = None) -> list[im.Checked]:
    """Check each (name, bytes); an engagement file may cite promises from a promises file beside it."""
    tables = tables or [None] * len(files)
    refs = references(engine)
    checked = [im.check(data, file=name, refs=refs, table=t) for (name, data), t in zip(files, tables)]
    extra = frozenset(r for c in checked if c.ok and c.table == "promises" for r in c.frame["promise_ref"].to_list())
    if extra:
        more = im.References(refs.wards, refs.lookup, refs.promise_refs | extra, refs.borough_codes)
        checked = [im.check(data, file=name, refs=more, table=t) if c.table and im.cites_promises(c.table) else c
                   for (name, data), t, c in zip(files, tables, checked)]
    return checked


def check_policeuk(engine: Engine, data: bytes, *, file: str, kind: str, neighbourhood: str) -> im.Checked:
    """A saved police.uk response through the same checks as a CSV; rows are item numbers."""
    from dashboard.domain import policeuk

    refs = references(engine)
    table, rows, notes = policeuk.parse(data, kind=kind, neighbourhood=neighbourhood, refs=refs, file=file)
    if rows.height == 0:
        return im.Checked(file, table, pl.DataFrame(schema=im.typed_schema(table)), notes)
    checked = im.check(rows.write_csv().encode("utf-8"), file=file, refs=refs, table=table)
    # The generated CSV's row k+1 is the response's item k (header is row 1).
    from dataclasses import replace

    moved = [replace(p, row=p.row - 1) if p.row and p.row > 1 else p for p in checked.problems]
    return im.Checked(file, table, checked.frame, notes + moved)


def import_checked(engine: Engine, checked: list[im.Checked], datas: list[bytes], *, kind: str,
                   boroughs=None) -> list[BatchResult]:
    """Upsert files that passed, promises before engagement; each file is one transaction.

    ``boroughs`` (issue #10): the boroughs the user may change (None: all London). Every file is
    checked first; one row outside them refuses the whole import (access_checks.OutOfScope).
    """
    for c in checked:
        if c.ok and c.frame.height:
            access_checks.require_within(c.frame, boroughs, engine, file=c.file)
    results = []
    for i in im.import_order([c.table for c in checked]):
        c = checked[i]
        if c.ok and c.frame.height:
            results.append(upsert(engine, c.table, c.frame, file_name=c.file, data=datas[i], kind=kind))
    return results


TEMPLATES_DIR = reference.REFERENCE_DIR.parent / "templates"


def template(table: str) -> bytes:
    """The example CSV for a table (sample_data/templates), as users download it."""
    return (TEMPLATES_DIR / f"{table}.csv").read_bytes()


# --- issue #11: concerns residents raise on the public ward page -------------------------------


def submit_concern(engine: Engine, *, ward_code: str, category: str, text_: str, now: dt.datetime) -> int:
    """Store a resident's concern as ``pending`` with source ``online``; returns its id.

    The caller has checked the text (dashboard.figures.concern_form); it is stored as given, as text.
    """
    from data_access.models import Concern

    with engine.begin() as conn:
        return conn.execute(
            insert(Concern).values(
                ward_code=ward_code, raised_on=now.date(), source="online", category=category, count=1,
                note=text_, status="pending", submitted_at=now.replace(microsecond=0),
            ).returning(Concern.id)
        ).scalar_one()


def submissions_since(engine: Engine, *, ward_code: str, since: dt.datetime) -> int:
    """How many concerns the public form stored for a ward since ``since`` (for the rate limit)."""
    from sqlalchemy import func

    from data_access.models import Concern

    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(Concern)
            .where(Concern.ward_code == ward_code, Concern.submitted_at.is_not(None), Concern.submitted_at >= since)
        ).scalar_one()


def review_concern(engine: Engine, concern_id: int, *, accept: bool, now: dt.datetime, boroughs: Sequence[str] | None = None) -> bool:
    """A board member accepts (it counts from now on) or rejects a pending concern.

    ``boroughs``: those the reviewer may change (None: all of London); a concern for a ward in
    another borough raises access_checks.OutOfScope and nothing changes (issue #10).
    Returns False when there is no such pending concern (already reviewed, or never there).
    """
    from data_access.access_checks import OutOfScope
    from data_access.models import Concern, Ward

    with engine.begin() as conn:
        if boroughs is not None:
            borough = conn.execute(
                select(Ward.borough_code).join(Concern, Concern.ward_code == Ward.code).where(Concern.id == concern_id)
            ).scalar_one_or_none()
            if borough is not None and borough not in set(boroughs):
                raise OutOfScope("That concern is for a ward outside the boroughs you may change; nothing was changed.")
        done = conn.execute(
            update(Concern)
            .where(Concern.id == concern_id, Concern.status == "pending")
            .values(status="accepted" if accept else "rejected", reviewed_at=now.replace(microsecond=0))
        )
        return done.rowcount == 1
