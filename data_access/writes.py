"""Writes for imports: preview, one-transaction upsert, import history and undo.

``preview`` compares checked rows with the database on the table's natural key. ``upsert`` writes
them in ONE transaction (all rows or none), records an ``import_batch`` row and, per row, what
the import did in ``import_change`` (the natural key, and of a changed row the old values of the
columns that changed, no more), so ``undo_last`` can put the table back exactly as it was. Those
records hold member references and values, so they are kept only while undo may use them
(``purge_history``): an undone batch's go at once, and every batch's after UNDO_DAYS.

Bulk path (the issue's benchmark: within 3x of ``sqlite3 .import`` and PostgreSQL ``COPY``):
SQLite gets the driver's ``executemany`` on plain tuples; PostgreSQL gets ``COPY`` of polars'
CSV, straight into the table for new rows and into a temporary table for changed ones.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.domain import imports as im
from dashboard.domain import street_crime
from dashboard.domain.contract import TABLES
from dashboard.domain.formatting import uk_date
from data_access import access_checks, audit, data_version, queries, reference
from data_access.models import IMPORTED_CONCERNS, Base, ImportBatch, ImportChange, Promise, RecordedWard
from data_access.seed import checksum

UNDOABLE_KINDS = ("upload", "cli")
UNDO_DAYS_ENV = "WARD_PANEL_UNDO_DAYS"
DEFAULT_UNDO_DAYS = 90  # how long an import can be undone, and its record of changes kept
CHANGED = "_changed"  # in a changed row's record: which columns changed (their old values are the only ones kept)


def undo_days() -> int:
    """How many days an import can be undone (WARD_PANEL_UNDO_DAYS, a whole number of days; default 90)."""
    raw = os.environ.get(UNDO_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_UNDO_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{UNDO_DAYS_ENV} must be a whole number of days, 1 or more (it is {raw!r}).")
    return int(raw)


def purge_history(conn: Connection, *, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the change records no undo can use any more; returns how many were deleted.

    They hold member references and the old values of what an import changed (an ethnic group, an
    age band), kept only for undo: those of a batch already undone, of a load that cannot be undone
    (the sample), and of every batch imported more than ``days`` (``undo_days()``) ago go. A caller
    whose transaction makes no other change moves the data version on when this deleted anything
    (an import past its time can no longer be undone).
    """
    cutoff = (now or dt.datetime.now()) - dt.timedelta(days=days or undo_days())
    done = select(ImportBatch.id).where(
        ImportBatch.undone_at.is_not(None) | ImportBatch.kind.not_in(UNDOABLE_KINDS) | (ImportBatch.imported_at < cutoff))
    return conn.execute(delete(ImportChange).where(ImportChange.batch_id.in_(done))).rowcount or 0


class ImportRefused(Exception):
    """The database refused the rows or there is nothing to undo; ``str()`` is the message."""


@dataclass(frozen=True)
class BatchResult:
    batch_id: int | None  # None: every row was unchanged, so no batch was recorded
    table: str
    new: int
    changed: int
    unchanged: int
    file: str = ""

    @property
    def recorded(self) -> bool:
        return self.batch_id is not None

    def describe(self) -> str:
        """'meetings 4 new, 0 changed, 1 unchanged', or the sentence for an import that changed nothing."""
        if not self.recorded:
            rows = "its row is" if self.unchanged == 1 else f"all {self.unchanged:,} rows are"
            return (f"Nothing imported into {self.table} from {self.file}: {rows} already there, unchanged, "
                    "so no import was recorded")
        return f"{self.table} {self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged"


def references(engine: Engine, *, extra_promise_refs: frozenset[str] = frozenset(), boroughs: Sequence[str] | None = None) -> im.References:
    """The reference lists a file is checked against, read from the database.

    ``boroughs`` (the user's, None for London): promise references are those of their boroughs
    only, so a reference to another borough's promise is answered exactly as one that does not exist.
    The wards before May 2022 and their successors come from the database, so the importer accepts
    exactly the codes the database's foreign keys do.
    """
    wards = queries.wards(engine)
    ward_frame = wards.select("ward_code", "ward_name", "borough_code", "borough_name")
    borough_codes = frozenset(queries.boroughs(engine)["borough_code"])
    stmt = select(Promise.promise_ref)
    if boroughs is not None:
        stmt = stmt.join(RecordedWard, RecordedWard.code == Promise.ward_code).where(RecordedWard.borough_code.in_(list(boroughs)))
    with engine.connect() as conn:
        refs = frozenset(r for (r,) in conn.execute(stmt))
    lookup = queries.ward_successors(engine)
    return im.References(wards=ward_frame, lookup=lookup, promise_refs=refs | extra_promise_refs, borough_codes=borough_codes)


def _table(name: str):
    return Base.metadata.tables[TABLES[name].db_table]


# A resident's concern from the public ward page (submitted_at set) is no imported
# row: an import never matches, changes or undoes it, whatever its ward, day and category.
IMPORTED_ONLY = {"concerns": IMPORTED_CONCERNS}


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


def require_own_rows(conn_or_engine, table: str, frame: pl.DataFrame, boroughs: Sequence[str] | None, *, file: str,
                     current: pl.DataFrame | None = None) -> None:
    """Raise OutOfScope when a row of ``frame`` would change a row now in a borough outside ``boroughs``.

    The incoming row's own ward is checked by access_checks.require_within; this checks the row it
    would overwrite, matched on the table's natural key (a promise is matched on its reference
    alone, so a Hackney file could otherwise rewrite a Camden promise and move it to Hackney). The
    message names the row and its key, never the other row's content.
    """
    if boroughs is None or frame.height == 0:
        return
    spec = TABLES[table]
    place = "ward_code" if "ward_code" in spec.columns else "borough_code" if "borough_code" in spec.columns else None
    if place is None or place in spec.natural_key:
        return  # the key holds the place: a matched row is in the incoming row's own borough
    key = list(spec.natural_key)
    rows = existing(conn_or_engine, table) if current is None else current  # the upsert passes the rows it has read
    now = rows.select(*key, pl.col(place).alias("__old_place"))
    numbered = frame.with_row_index("__row", offset=2).select("__row", *key)
    matched = numbered.join(now, on=key, how="inner")
    if matched.height == 0:
        return
    engine = conn_or_engine if isinstance(conn_or_engine, Engine) else conn_or_engine.engine
    if place == "ward_code":
        wards = queries.ward_places(engine).select(pl.col("ward_code").alias("__old_place"), "borough_code")
        matched = matched.join(wards, on="__old_place", how="left")
    else:
        matched = matched.with_columns(pl.col("__old_place").alias("borough_code"))
    foreign = matched.filter(pl.col("borough_code").is_null() | ~pl.col("borough_code").is_in(list(boroughs))).sort("__row")
    if foreign.height:
        first = foreign.row(0, named=True)
        shown = " / ".join(str(first[c]) for c in key)
        more = f" and {foreign.height - 1:,} other row{'s' if foreign.height > 2 else ''}" if foreign.height > 1 else ""
        raise access_checks.OutOfScope(
            f"{file}: row {first['__row']} ({', '.join(key)} {shown}){more} would change a record you may not change, "
            "so nothing in this file was imported. Use a reference of your own borough's records."
        )


def check_scope(engine: Engine, checked: list[im.Checked], boroughs: Sequence[str] | None) -> None:
    """Raise OutOfScope for the first file that writes, or overwrites, a row outside ``boroughs``."""
    for c in checked:
        if c.ok and c.frame.height:
            access_checks.require_within(c.frame, boroughs, engine, file=c.file)
            require_own_rows(engine, c.table, c.frame, boroughs, file=c.file)


def preview(engine: Engine, table: str, frame: pl.DataFrame, *, absent: Sequence[str] = ()) -> pl.DataFrame:
    """Each checked row marked new, changed or unchanged against the database (``absent``: imports.diff)."""
    return im.diff(frame, existing(engine, table), table, absent=absent)


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


NOW = "__now"  # a row's value now, beside the one an undo restores
CHANGE_CHUNK = 5_000  # rows per import_change record: per-row records made the change log cost as much as the data


def _change_records(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows' JSON keys ``k`` and previous values ``p`` -> records of up to CHANGE_CHUNK rows each.

    ``natural_key`` is a JSON list of key objects; ``previous`` the aligned JSON list of old values,
    or NULL when the rows were inserted (undo deletes them). Every row's key is kept.
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


def boroughs_touched(conn: Connection, table: str, changes: pl.DataFrame) -> str | None:
    """The borough codes an import writes or overwrites, comma separated (None when it has no place).

    ``changes`` is ``imports.diff``'s frame: each incoming row's place, and for a row it changes
    whose place is not in the key (a promise), the place it had before.
    """
    spec = TABLES[table]
    place = "ward_code" if "ward_code" in spec.columns else "borough_code" if "borough_code" in spec.columns else None
    if place is None or changes.height == 0:
        return None
    places = set(changes[place].drop_nulls().to_list())
    if place + im.OLD in changes.columns:
        places |= set(changes.filter(pl.col("change") != im.NEW)[place + im.OLD].drop_nulls().to_list())
    if place == "ward_code":
        codes = set(conn.execute(select(RecordedWard.borough_code).where(RecordedWard.code.in_(sorted(places)))).scalars())
    else:
        codes = places
    return ",".join(sorted(codes)) or None


WRITER_LOCK = 190_719  # the key of PostgreSQL's advisory lock that imports and undos take in turn


def one_writer_at_a_time(conn: Connection) -> None:
    """Imports and undos take turns, each to the end of its transaction, so each reads the table
    (and the rows other tables cite) as the one before it left it: two imports of one file at
    once store its rows once, and the second finds them unchanged.

    PostgreSQL: a transaction-level advisory lock (readers are never held up). SQLite: a write that
    changes nothing takes the database's write lock now rather than at the first insert, so the
    other import waits for it (up to the driver's busy timeout) instead of reading what is about
    to change.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
    else:
        conn.execute(update(ImportBatch).where(text("1 = 0")).values(kind=ImportBatch.kind))


def import_event(file_name: str, table: str, batch_id: int, new: int, changed: int, unchanged: int) -> str:
    """The audit trail's words for an import."""
    return f"{file_name} into {table} (batch {batch_id}): {new:,} new, {changed:,} changed, {unchanged:,} unchanged"


def upsert(engine: Engine, table: str, frame: pl.DataFrame, *, file_name: str, data: bytes, kind: str,
           who: str | None = None, boroughs: Sequence[str] | None = None, absent: Sequence[str] = ()) -> BatchResult:
    """Write checked rows in one transaction and record the batch; raises ImportRefused.

    A file whose rows are all unchanged writes nothing and records no batch (batch_id None): an
    empty batch would become "the last import" of the table, and undo would undo nothing.
    ``who``: the audit event for the import is written in the same transaction, so there is never
    an import without its event. ``boroughs``: rows it would overwrite outside them refuse it
    (access_checks.OutOfScope), checked again inside the transaction. ``absent``: optional columns
    the file left out, whose stored values a row already held keeps (imports.diff).
    """
    spec = TABLES[table]
    key = list(spec.natural_key)
    others = [c for c in spec.columns if c not in key]
    try:
        with engine.begin() as conn:
            one_writer_at_a_time(conn)
            current = existing(conn, table)
            require_own_rows(conn, table, frame, boroughs, file=file_name, current=current)
            changes = im.diff(frame, current, table, absent=absent)
            counts = im.diff_counts(changes)
            if counts[im.NEW] + counts[im.CHANGED] == 0:
                return BatchResult(None, table, 0, 0, counts[im.UNCHANGED], file_name)
            batch_id = conn.execute(
                insert(ImportBatch).values(
                    file_name=file_name[:255], checksum=checksum(data), table_name=spec.db_table, kind=kind,
                    rows_new=counts[im.NEW], rows_changed=counts[im.CHANGED], rows_unchanged=counts[im.UNCHANGED],
                    imported_at=dt.datetime.now().replace(microsecond=0), boroughs=boroughs_touched(conn, table, changes),
                    imported_by=None if who is None else who[:255],
                ).returning(ImportBatch.id)
            ).scalar_one()
            new = changes.filter(pl.col("change") == im.NEW)
            changed = changes.filter(pl.col("change") == im.CHANGED)
            with _foreign_keys_checked_once(conn, spec.db_table, new.height):
                _bulk_insert(conn, spec.db_table, list(spec.columns),
                             _plain(new, bools_as_int=False) if conn.dialect.name == "postgresql" else new)
            _bulk_update(conn, table, _plain(changed, bools_as_int=False) if conn.dialect.name == "postgresql" else changed)
            # What undo needs and no more: the key of every row touched, and of a changed row the old
            # values of the columns that changed (a member whose leaving date changed keeps no ethnic
            # group here), with their names.
            purge_history(conn)
            plain_new = _plain(new.select(key), bools_as_int=False)
            moved = {c: ~pl.col(c).eq_missing(pl.col(c + im.OLD)) for c in others}
            plain_old = _plain(changed.select(
                *key, *(pl.when(moved[c]).then(pl.col(c + im.OLD)).alias(c) for c in others),
                pl.concat_list([pl.when(moved[c]).then(pl.lit(c)) for c in others]).list.drop_nulls().alias(CHANGED),
            ), bools_as_int=False)
            record = pl.concat([
                _change_records(plain_new.select(pl.struct(key).struct.json_encode().alias("k"),
                                                 pl.lit(None, dtype=pl.String).alias("p"))),
                _change_records(plain_old.select(pl.struct(key).struct.json_encode().alias("k"),
                                                 pl.struct([*others, CHANGED]).struct.json_encode().alias("p"))),
            ]).with_columns(pl.lit(batch_id).alias("batch_id"))
            _bulk_insert(conn, "import_change", ["batch_id", "natural_key", "previous"], record)
            data_version.bump(conn)
            if who is not None:
                audit.write(conn, who, audit.IMPORT,
                            import_event(file_name, table, batch_id, counts[im.NEW], counts[im.CHANGED], counts[im.UNCHANGED]),
                            counts[im.NEW] + counts[im.CHANGED] + counts[im.UNCHANGED])
    except access_checks.OutOfScope:
        raise
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise ImportRefused(f"The database refused the rows of {file_name} ({reason}); nothing was imported.") from exc
    except Exception as exc:  # e.g. the driver's own errors from COPY; still all or nothing
        raise ImportRefused(f"The import of {file_name} failed ({type(exc).__name__}: {str(exc)[:300]}); nothing was imported.") from exc
    return BatchResult(batch_id, table, counts[im.NEW], counts[im.CHANGED], counts[im.UNCHANGED], file_name)


@dataclass(frozen=True)
class LastImport:
    """The import of a table that undo would take back now."""

    batch_id: int
    table: str
    kind: str
    file_name: str
    imported_at: dt.datetime
    imported_by: str | None
    new: int
    changed: int
    boroughs: str | None  # comma separated; None: London-wide

    @property
    def undoable(self) -> bool:
        return self.kind in UNDOABLE_KINDS

    def within(self, boroughs: Sequence[str] | None) -> bool:
        """Whether it touched only rows in ``boroughs`` (None: all of London), so a user of them may see and undo it."""
        if boroughs is None:
            return True
        return self.boroughs is not None and set(self.boroughs.split(",")) <= set(boroughs)


def _newest_batch(conn: Connection, table: str):
    return conn.execute(
        select(ImportBatch.id, ImportBatch.kind, ImportBatch.file_name, ImportBatch.imported_at, ImportBatch.imported_by,
               ImportBatch.rows_new, ImportBatch.rows_changed, ImportBatch.boroughs)
        .where(ImportBatch.table_name == TABLES[table].db_table, ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc()).limit(1)
    ).first()


def last_import(engine: Engine, table: str) -> LastImport | None:
    """The newest import of ``table`` not yet undone (the one ``undo_last`` would take back), or None."""
    with engine.connect() as conn:
        b = _newest_batch(conn, table)
    if b is None:
        return None
    return LastImport(b.id, table, b.kind, b.file_name, b.imported_at, b.imported_by, b.rows_new, b.rows_changed, b.boroughs)


def undo_last(engine: Engine, table: str, *, boroughs=None, who: str | None = None,
              batch_id: int | None = None) -> tuple[int, int, str]:
    """Undo the newest import of ``table``: (rows deleted, rows restored, file name). One transaction.

    ``boroughs``: the boroughs the user may change (None: all London); an undo that
    would touch a row outside them is refused whole (access_checks.OutOfScope).
    ``batch_id``: the import the user confirmed; if another has become the newest since, nothing
    is undone (ImportRefused), so an undo never takes back an import the user was not shown.
    """
    spec = TABLES[table]
    key = list(spec.natural_key)
    others = [c for c in spec.columns if c not in key]
    types = im.typed_schema(table)
    t = _table(table)
    days = undo_days()
    with engine.begin() as conn:  # first, what is past its time goes (a refusal below would take it back)
        if purge_history(conn, days=days):
            data_version.bump(conn)
    with engine.begin() as conn:
        one_writer_at_a_time(conn)
        batch = _newest_batch(conn, table)
        if batch is None:
            raise ImportRefused(f"There is no import of {table} to undo.")
        if batch_id is not None and batch.id != batch_id:
            raise ImportRefused(f"The last import of {table} changed while you were deciding (it is now {batch.file_name}), "
                                "so nothing was undone. Check which import it is and confirm again.")
        if batch.kind not in UNDOABLE_KINDS:
            raise ImportRefused(
                f"The last load of {table} was the {batch.kind} data ({batch.file_name}), which cannot be undone here; "
                "only uploads and command-line imports can."
            )
        if batch.imported_at < dt.datetime.now() - dt.timedelta(days=days):
            raise ImportRefused(
                f"The last import of {table} ({batch.file_name}) was on {uk_date(batch.imported_at.date())}, more than {days} days ago, "
                f"so it can no longer be undone: what it changed is kept for {days} days only ({UNDO_DAYS_ENV}), as it holds "
                "members' details. Import a corrected file instead.")
        records = pl.DataFrame(
            conn.execute(select(ImportChange.natural_key, ImportChange.previous).where(ImportChange.batch_id == batch.id)).all(),
            schema={"natural_key": pl.String, "previous": pl.String}, orient="row",
        )
        key_struct = pl.List(pl.Struct({c: pl.String for c in key}))
        prev_struct = pl.List(pl.Struct({**{c: _json_dtype(types[c]) for c in others}, CHANGED: pl.List(pl.String)}))
        inserted = (records.filter(pl.col("previous").is_null())
                    .select(pl.col("natural_key").str.json_decode(key_struct).alias("k")).explode("k").unnest("k")
                    .with_columns(_typed(key, types)))
        restored = (records.filter(pl.col("previous").is_not_null())
                    .select(pl.col("natural_key").str.json_decode(key_struct).alias("k"),
                            pl.col("previous").str.json_decode(prev_struct).alias("p"))
                    .explode("k", "p").unnest("k").unnest("p")
                    .with_columns(*_typed(key, types), *_typed(others, types)))
        if restored.height:
            # Only the columns that changed were kept: the others take the row's values now (a
            # record without the list, from before it was kept, has every column).
            now = existing(conn, table).select(*key, *(pl.col(c).alias(c + NOW) for c in others))
            restored = restored.join(now, on=key, how="left").with_columns(
                pl.when(pl.col(CHANGED).is_null() | pl.col(CHANGED).list.contains(c)).then(pl.col(c)).otherwise(pl.col(c + NOW)).alias(c)
                for c in others
            ).select(*key, *others)
        if boroughs is not None:
            touched = pl.concat([inserted.select(key), restored.select(key)])
            now = existing(conn, table).join(touched, on=key, how="semi")
            outside = access_checks.rows_outside(now, boroughs, engine)
            if len(boroughs) == 0 or outside.height:
                where = (f" ({outside['code'][0]}, {outside['borough_name'][0]})" if outside.height else "")
                raise access_checks.OutOfScope(
                    f"The last import of {table} ({batch.file_name}) changed rows outside the boroughs you may "
                    f"change{where}, so it was not undone. Ask an administrator to undo it.")
        if inserted.height and (cited := citing(conn, table, inserted)):
            other, column, rows, example = cited[0]
            noun = "promise" if inserted.height == 1 else "promises"
            raise ImportRefused(
                f"The last import of {table} ({batch.file_name}) added {noun} that {rows:,} row{'s' if rows != 1 else ''} of "
                f"the {other} table still cite{'s' if rows == 1 else ''} ({column}, for example {example}), so it was not undone: "
                f"{'that row' if rows == 1 else 'those rows'} would point at nothing. Undo the {other} import that cites "
                "them first (or change those rows), then undo this one.")
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
        purge_history(conn, days=days)  # this batch's record of changes (member references among them) goes with the undo
        data_version.bump(conn)
        if who is not None:  # in the same transaction as the undo
            audit.write(conn, who, audit.UNDO, f"the last import of {table} ({batch.file_name})", inserted.height + restored.height)
    return inserted.height, restored.height, batch.file_name


CITE_CHUNK = 5_000  # references per query (SQLite allows 32,766 parameters)


def citing(conn: Connection, table: str, removed: pl.DataFrame) -> list[tuple[str, str, int, str]]:
    """(table, column, rows, an example) for each table whose rows cite a row in ``removed``.

    The registry says who cites what: a column of kind promise_ref (engagement's) names a promise.
    """
    if table != "promises":
        return []
    refs = removed["promise_ref"].drop_nulls().unique().sort().to_list()
    found = []
    for other in TABLES:
        for column in im.cites_promises(other):
            c = _table(other).c[column]
            rows, example = 0, None
            for start in range(0, len(refs), CITE_CHUNK):
                chunk = refs[start:start + CITE_CHUNK]
                n, first = conn.execute(select(func.count(), func.min(c)).where(c.in_(chunk))).one()
                rows += n
                example = example or first
            if rows:
                found.append((other, column, rows, example))
    return found


def _json_dtype(t: pl.DataType) -> pl.DataType:
    return pl.String if t == pl.Date else t


def _typed(columns: list[str], types: dict[str, pl.DataType]) -> list[pl.Expr]:
    return [pl.col(c).cast(pl.String).str.to_date("%Y-%m-%d") if types[c] == pl.Date else pl.col(c).cast(types[c])
            for c in columns]


# --- Checking several files together (page and command line share this) ----------------------


def check_files(engine: Engine, files: list[tuple[str, bytes]], tables: list[str | None] | None = None,
                *, boroughs: Sequence[str] | None = None, encoding: str | Sequence[str] = im.UTF8) -> list[im.Checked]:
    """Check each (name, bytes); an engagement file may cite promises from a promises file beside it
    (and, with ``boroughs``, only the promises of those boroughs in the database). ``encoding``:
    the files' text (imports.check), UTF-8 unless the user chose Windows-1252; one for every file,
    or a list with each file's."""
    tables = tables or [None] * len(files)
    encodings = [encoding] * len(files) if isinstance(encoding, str) else list(encoding)
    refs = references(engine, boroughs=boroughs)
    checked = [check_street_crime(data, file=name, refs=refs) if t in (None, CRIME) and street_crime.is_street_crime(data)
               else im.check(data, file=name, refs=refs, table=t, encoding=e) for (name, data), t, e in zip(files, tables, encodings)]
    extra = frozenset(r for c in checked if c.ok and c.table == "promises" for r in c.frame["promise_ref"].to_list())
    if extra:
        more = im.References(refs.wards, refs.lookup, refs.promise_refs | extra, refs.borough_codes)
        checked = [im.check(data, file=name, refs=more, table=t, encoding=e) if c.table and im.cites_promises(c.table) else c
                   for (name, data), t, e, c in zip(files, tables, encodings, checked)]
    return checked


CRIME = "crime"  # the table police.uk street-level files are counted into


def check_street_crime(data: bytes, *, file: str, refs: im.References) -> im.Checked:
    """A police.uk street-level crime file as counts by 2022 ward, month and crime type, through the
    same checks as a CSV of the crime table. Its notes say what was counted and list every record
    that was not (no location, an LSOA outside London or no LSOA code) and crime types the mapping
    to promise categories does not name."""
    rows, notes = street_crime.parse(data, weights=reference.lsoa_ward_weights(), categories=reference.crime_categories(),
                                     file=file, vintage=reference.LSOA_VINTAGE)
    if any(p.severity == im.ERROR for p in notes) or rows.height == 0:
        return im.Checked(file, CRIME, pl.DataFrame(schema=im.typed_schema(CRIME)), notes)
    checked = im.check(rows.write_csv().encode("utf-8"), file=file, refs=refs, table=CRIME)
    # A problem here is of a count worked out from the file, not of one of its rows.
    from dataclasses import replace

    counted = [replace(p, row=None) for p in checked.problems]
    return im.Checked(file, CRIME, checked.frame, notes + counted, unlisted=checked.unlisted)


def check_policeuk(engine: Engine, data: bytes, *, file: str, kind: str, neighbourhood: str) -> im.Checked:
    """A saved police.uk response through the same checks as a CSV; rows are item numbers."""
    from dashboard.domain import policeuk

    refs = references(engine)
    table, rows, notes = policeuk.parse(data, kind=kind, neighbourhood=neighbourhood, refs=refs, file=file)
    if rows.height == 0:
        return im.Checked(file, table, pl.DataFrame(schema=im.typed_schema(table)), notes)
    # police.uk says nothing of whether a board keeps a promise internal: left out, so an import
    # keeps what the board set.
    rows = rows.drop([c for c in BOARD_ONLY if c in rows.columns])
    checked = im.check(rows.write_csv().encode("utf-8"), file=file, refs=refs, table=table)
    # The generated CSV's row k+1 is the response's item k (header is row 1).
    from dataclasses import replace

    moved = [replace(p, row=p.row - 1) if p.row and p.row > 1 else p for p in checked.problems]
    return im.Checked(file, table, checked.frame, notes + moved, unlisted=checked.unlisted, absent=checked.absent)


BOARD_ONLY = ("internal", "lead_agency", "action", "barrier")  # columns only a board fills in, never police.uk


def unmatched_items(checked: im.Checked) -> int:
    """How many items of a checked police.uk file were left out because its neighbourhood id is no 2022 ward."""
    return sum(p.column == "neighbourhood" and p.severity == im.IGNORED for p in checked.problems)


def import_policeuk(engine: Engine, checked: im.Checked, data: bytes, *, neighbourhood: str, kind: str, load: str,
                    who: str | None = None, boroughs: Sequence[str] | None = None) -> tuple[list[BatchResult], int]:
    """Import a checked police.uk file (``load``: upload | cli), and keep a neighbourhood id that
    matched no ward with the import history: (the import's results, items left out unmatched).

    An unmatched id leaves every item out, so there is no import batch to keep it with; it is kept
    in ``policeuk_unmatched`` (who tried it, and their boroughs, which decide who sees it).
    """
    from data_access.models import PoliceukUnmatched

    results = import_checked(engine, [checked], [data], kind=load, boroughs=boroughs, who=who)
    unmatched = unmatched_items(checked)
    if unmatched:
        with engine.begin() as conn:
            conn.execute(insert(PoliceukUnmatched).values(
                neighbourhood=neighbourhood[:100], kind=kind, file_name=checked.file[:255], checksum=checksum(data),
                items=unmatched, seen_at=dt.datetime.now().replace(microsecond=0), seen_by=None if who is None else who[:255],
                boroughs=None if boroughs is None else ",".join(sorted(boroughs)),
            ))
            data_version.bump(conn)
    return results, unmatched


def import_checked(engine: Engine, checked: list[im.Checked], datas: list[bytes], *, kind: str,
                   boroughs=None, who: str | None = None) -> list[BatchResult]:
    """Upsert files that passed, promises before engagement; each file is one transaction.

    ``boroughs``: the boroughs the user may change (None: all London). Every file is
    checked first; one row outside them refuses the whole import (access_checks.OutOfScope).
    """
    check_scope(engine, checked, boroughs)
    results = []
    for i in im.import_order([c.table for c in checked]):
        c = checked[i]
        if c.ok and c.frame.height:
            results.append(upsert(engine, c.table, c.frame, file_name=c.file, data=datas[i], kind=kind, who=who, boroughs=boroughs,
                                  absent=c.absent))
    return results


TEMPLATES_DIR = reference.REFERENCE_DIR.parent / "templates"


def template(table: str) -> bytes:
    """The example CSV for a table (sample_data/templates), as users download it."""
    return (TEMPLATES_DIR / f"{table}.csv").read_bytes()


def submit_concern(engine: Engine, *, ward_code: str, category: str, text_: str, now: dt.datetime,
                   client_key: str | None = None) -> int:
    """Store a resident's concern as ``pending`` with source ``online``; returns its id.

    The caller has checked the text (dashboard.figures.concern_form); it is stored as given, as text.
    """
    from data_access.models import Concern

    with engine.begin() as conn:
        concern_id = conn.execute(
            insert(Concern).values(
                ward_code=ward_code, raised_on=now.date(), source="online", category=category, count=1,
                note=text_, status="pending", submitted_at=now.replace(microsecond=0), client_key=client_key,
            ).returning(Concern.id)
        ).scalar_one()
        data_version.bump(conn)
    return concern_id


def submissions_since(engine: Engine, *, since: dt.datetime, ward_code: str | None = None, client_key: str | None = None) -> int:
    """How many concerns the public form stored since ``since`` for a ward, or from a client key."""
    from data_access.models import Concern

    stmt = select(func.count()).select_from(Concern).where(Concern.submitted_at.is_not(None), Concern.submitted_at >= since)
    if ward_code is not None:
        stmt = stmt.where(Concern.ward_code == ward_code)
    if client_key is not None:
        stmt = stmt.where(Concern.client_key == client_key)
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def review_concern(engine: Engine, concern_id: int, *, accept: bool, now: dt.datetime, boroughs: Sequence[str] | None = None,
                   who: str | None = None, label: str | None = None) -> bool:
    """A board member accepts (it counts from now on) or rejects a pending concern.

    ``boroughs``: those the reviewer may change (None: all of London). Returns False, and changes
    nothing, when there is no such pending concern in those boroughs: one in another borough gets
    the same answer as one already reviewed or never there, so the answer reveals nothing.
    ``who``/``label``: the audit event, written in the same transaction as the review.
    """
    from data_access.models import Concern

    with engine.begin() as conn:
        mine = (Concern.ward_code.in_(select(RecordedWard.code).where(RecordedWard.borough_code.in_(list(boroughs))))
                if boroughs is not None else None)
        done = conn.execute(
            update(Concern)
            .where(Concern.id == concern_id, Concern.status == "pending", *(() if mine is None else (mine,)))
            .values(status="accepted" if accept else "rejected", reviewed_at=now.replace(microsecond=0))
        )
        if done.rowcount == 1:
            data_version.bump(conn)
        if done.rowcount == 1 and who is not None:  # in the same transaction as the review
            audit.write(conn, who, audit.CONCERN_REVIEW,
                        f"concern {concern_id} ({label or 'no label'}) {'accepted' if accept else 'rejected'}", 1)
        return done.rowcount == 1


def set_complete_to(engine: Engine, day: dt.date | None, *, who: str) -> None:
    """Set (or, with None, clear) the date the figures are complete to; audited in the same transaction.

    Cleared, pages open on the quarter worked out from the data (periods.worked_out_complete_to).
    """
    from data_access.models import DataSetting

    with engine.begin() as conn:
        conn.execute(delete(DataSetting).where(DataSetting.name == queries.COMPLETE_TO))
        if day is not None:
            conn.execute(insert(DataSetting).values(name=queries.COMPLETE_TO, value=day.isoformat(), set_by=who[:255],
                                                    set_at=dt.datetime.now().replace(microsecond=0)))
        data_version.bump(conn)
        audit.write(conn, who, audit.SETTING,
                    f"figures complete to {day.isoformat()}" if day else "figures complete to: worked out from the data", None)
