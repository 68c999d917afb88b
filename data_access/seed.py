"""Bring a database to life: schema, real reference data, and the writing of sample activity.

``prepare`` is what the app and the command line call on start: it upgrades the schema and
loads the reference data once. The sample itself is made in ``sample_data`` (its generator is
handed to ``seed_sample``), so this package never imports it; ``sample_data.load.prepare`` adds
it on the embedded database the first time, so a fresh machine shows every London ward with no
set-up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

import polars as pl
from sqlalchemy import Connection, Engine, delete, func, insert, select

from dashboard.domain import wards_in_time
from dashboard.domain.contract import TABLES
from data_access import data_version, reference
from data_access.engine import DatabaseProblem, upgrade
from data_access.models import (
    Base,
    Borough,
    FormerWard,
    ImportBatch,
    Panel,
    RecordedWard,
    Ward,
    WardPopulation,
)

# Makes the sample's activity frames (db table name -> frame) from the wards and their Census counts.
Generate = Callable[[pl.DataFrame, pl.DataFrame], dict[str, pl.DataFrame]]

# Tables the sample generator fills, in the registry's order (which respects foreign keys).
ACTIVITY_TABLES = tuple(spec.db_table for spec in TABLES.values() if spec.sample)
CHUNK = 20_000


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def insert_frame(conn: Connection, table_name: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) in chunks; returns the count.

    The rows go to the driver's executemany as plain tuples (str, int, float, bool, date, None,
    which SQLite and PostgreSQL both take): turning 200,000 sample rows into dicts for SQLAlchemy
    to bind one by one was most of the time seeding took.
    """
    table = Base.metadata.tables[table_name]
    quote = conn.dialect.identifier_preparer.quote
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in frame.columns)}) "
           f"VALUES ({', '.join([marker] * frame.width)})")
    for start in range(0, frame.height, CHUNK):
        conn.exec_driver_sql(sql, frame.slice(start, CHUNK).rows())
    return frame.height


def record_batch(
    conn: Connection, *, file_name: str, digest: str, table_name: str, kind: str, rows_new: int
) -> None:
    conn.execute(
        insert(ImportBatch).values(
            file_name=file_name,
            checksum=digest,
            table_name=table_name,
            kind=kind,
            rows_new=rows_new,
            rows_changed=0,
            rows_unchanged=0,
            imported_at=dt.datetime.now().replace(microsecond=0),
        )
    )


def _file_digest(names: Iterable[str]) -> str:
    h = hashlib.sha256()
    for name in names:
        h.update((reference.REFERENCE_DIR / name).read_bytes())
    return h.hexdigest()


LOOKUP_FILE = "london_ward_lookup_pre2022_to_2022.csv"


def _as_recorded(wards: pl.DataFrame) -> pl.DataFrame:
    """2022 wards as codes a record may carry: each counts for itself."""
    return wards.select("code", "borough_code", pl.col("code").alias("counts_as"))


def _former_wards_frames() -> tuple[tuple[str, pl.DataFrame], ...]:
    """The wards before May 2022, their successors, and the codes records may carry on them."""
    lookup = reference.ward_successors()
    former = reference.former_wards()
    recorded = (former.join(wards_in_time.counts_as(lookup).rename({"old_code": "code", "new_code": "counts_as"}), on="code")
                .filter(~pl.col("code").is_in(reference.wards()["code"].implode()))  # a code kept in 2022 is there already
                .select("code", "borough_code", "counts_as"))
    successors = lookup.select("old_code", "new_code", "share_of_old_area", "share_of_new_area", "best_fit")
    return ("ward_pre2022", former), ("ward_successor", successors), ("recorded_ward", recorded)


def load_reference(engine: Engine) -> bool:
    """Load boroughs, wards, Census profiles and the wards before May 2022, each set once (a
    database made before the older wards were known gets them on its next start); returns True if
    it loaded anything."""
    loaded = False
    with engine.begin() as conn:
        if not conn.execute(select(func.count()).select_from(Borough)).scalar():
            wards = reference.wards()
            loads = (
                ("borough", reference.boroughs(), ("london_borough_bcu.csv",)),
                ("ward", wards, ("london_wards_2022.csv",)),
                ("recorded_ward", _as_recorded(wards), ("london_wards_2022.csv",)),
                (
                    "ward_population",
                    reference.ward_population(),
                    (reference.ETHNIC_FILE, reference.AGE_FILE, reference.SEX_FILE),
                ),
            )
            for table_name, frame, files in loads:
                _load(conn, table_name, frame, files)
            loaded = True
        if not conn.execute(select(func.count()).select_from(FormerWard)).scalar():
            for table_name, frame in _former_wards_frames():
                _load(conn, table_name, frame, (LOOKUP_FILE,))
            loaded = True
        if loaded:
            data_version.bump(conn)
    return loaded


def _load(conn: Connection, table_name: str, frame: pl.DataFrame, files: tuple[str, ...]) -> None:
    n = insert_frame(conn, table_name, frame)
    record_batch(conn, file_name=" + ".join(files), digest=_file_digest(files), table_name=table_name, kind="reference", rows_new=n)


def has_activity(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(Panel)).scalar())


def _scaled_reference(conn: Connection, scale: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Synthetic copies of every borough and ward for benchmarks at ``--scale N``.

    Copy k of borough E09000002 is Z0k000002, of ward E05014053 is Z0k014053 (codes stay nine
    characters); names get " (copy k)" so they can never be mistaken for real places.
    """
    boroughs = reference.boroughs()
    wards = reference.wards()
    population = reference.ward_population()
    extra_b, extra_w, extra_p = [], [], []
    for k in range(1, scale):
        prefix = f"Z{k:02d}"
        extra_b.append(
            boroughs.with_columns(
                (pl.lit(prefix) + pl.col("code").str.slice(3)).alias("code"),
                (pl.col("name") + f" (copy {k})").alias("name"),
                pl.when(pl.col("bcu").is_not_null()).then(pl.col("bcu") + f" (copy {k})").alias("bcu"),
            )
        )
        extra_w.append(
            wards.with_columns(
                (pl.lit(prefix) + pl.col("code").str.slice(3)).alias("code"),
                (pl.col("name") + f" (copy {k})").alias("name"),
                (pl.lit(prefix) + pl.col("borough_code").str.slice(3)).alias("borough_code"),
            )
        )
        extra_p.append(population.with_columns((pl.lit(prefix) + pl.col("ward_code").str.slice(3)).alias("ward_code")))
    if extra_b:
        insert_frame(conn, "borough", pl.concat(extra_b))
        insert_frame(conn, "ward", pl.concat(extra_w))
        insert_frame(conn, "recorded_ward", _as_recorded(pl.concat(extra_w)))
        insert_frame(conn, "ward_population", pl.concat(extra_p))
    return pl.concat([boroughs, *extra_b]), pl.concat([wards, *extra_w]), pl.concat([population, *extra_p])


def _scaled_confidence(scale: int) -> pl.DataFrame:
    pas = reference.confidence()
    copies = [
        pas.filter(pl.col("borough_code").str.starts_with("E09")).with_columns(
            (pl.lit(f"Z{k:02d}") + pl.col("borough_code").str.slice(3)).alias("borough_code")
        )
        for k in range(1, scale)
    ]
    return pl.concat([pas, *copies])


def seed_sample(engine: Engine, generate: Generate, *, label: str, scale: int = 1, replace: bool = False) -> dict[str, int]:
    """Fill the activity tables with the frames ``generate`` makes; returns rows per table.

    ``label`` names the batch in the import history (e.g. the generator's seed and scale).

    Refuses (DatabaseProblem) when activity data is already there, unless ``replace`` is set,
    so real data is never overwritten by accident. All in one transaction.
    """
    if scale < 1 or scale > 99:
        raise DatabaseProblem("--scale must be a whole number from 1 to 99.")
    if has_activity(engine) and not replace:
        raise DatabaseProblem(
            "The database already holds panel data, so the sample was not added. "
            "Use `seed --replace` to delete ALL activity data and load the sample instead."
        )
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if replace:
            for name in (*reversed(ACTIVITY_TABLES), "confidence_measure"):
                conn.execute(delete(Base.metadata.tables[name]))
            conn.execute(delete(ImportBatch).where(ImportBatch.kind == "sample"))
            # Synthetic copies from an earlier --scale run (codes start with Z, never ONS's E).
            conn.execute(delete(WardPopulation).where(WardPopulation.ward_code.like("Z%")))
            conn.execute(delete(RecordedWard).where(RecordedWard.code.like("Z%")))
            conn.execute(delete(Ward).where(Ward.code.like("Z%")))
            conn.execute(delete(Borough).where(Borough.code.like("Z%")))
        boroughs, wards, population = _scaled_reference(conn, scale)
        ward_frame = wards.join(boroughs.select(pl.col("code").alias("borough_code"), "bcu", "police_force"), on="borough_code").select(
            pl.col("code").alias("ward_code"), pl.col("name").alias("ward_name"), "borough_code", "bcu", "police_force"
        )
        frames = generate(ward_frame, population.select("ward_code", "dimension", "category", "count"))
        for name in ACTIVITY_TABLES:
            counts[name] = insert_frame(conn, name, frames[name])
            record_batch(conn, file_name=label, digest=checksum(label.encode()), table_name=name, kind="sample", rows_new=counts[name])
        counts["confidence_measure"] = insert_frame(conn, "confidence_measure", _scaled_confidence(scale))
        record_batch(
            conn,
            file_name="mopac_pas_borough.csv (real MOPAC figures)",
            digest=_file_digest(["mopac_pas_borough.csv"]),
            table_name="confidence_measure",
            kind="sample",
            rows_new=counts["confidence_measure"],
        )
        data_version.bump(conn)
    return counts


def prepare(engine: Engine) -> None:
    """Upgrade the schema and load the reference data (once)."""
    upgrade(engine)
    load_reference(engine)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar()
            for name, table in Base.metadata.tables.items()
        }

