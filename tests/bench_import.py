"""Benchmark of the import path: ``python -m tests.bench_import [--rows 100000 1000000]``.

Not part of the test run. For each size it writes a valid meetings file (real 2022 ward codes,
dates spread so the natural key (ward_code, held_on) never repeats) and times:

* read + validate alone (``dashboard.domain.imports.check``);
* the whole command-line import (read, validate, diff preview, upsert, record) into a fresh SQLite
  database, beside ``sqlite3``'s own ``.import`` of the same file into an equivalent table;
* the same on PostgreSQL (``--postgres URL`` or TEST_POSTGRES_URL), beside ``COPY`` of the file.

The issue's target is a ratio within 3 for each.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import text

from dashboard.domain import imports as im
from data_access import engine as eng
from data_access import reference, seed, writes
from data_access.__main__ import main
from tests.postgres import fresh_database

SQLITE3 = "/usr/bin/sqlite3"
# The meeting table's columns and constraints, with its surrogate key, but no foreign key (the
# plain database has no ward table).
COLUMNS_DDL = """(
    id {id_type} PRIMARY KEY, ward_code VARCHAR(9) NOT NULL, held_on DATE NOT NULL, attendees INTEGER NOT NULL,
    public_attendees INTEGER NOT NULL, dwo_present BOOLEAN NOT NULL, promises_reviewed BOOLEAN NOT NULL,
    minutes_published BOOLEAN NOT NULL, format VARCHAR(20) NOT NULL, open_to_public BOOLEAN,
    UNIQUE (ward_code, held_on), CHECK (attendees >= 0 AND public_attendees >= 0))"""
INDEXES = ("CREATE INDEX ix_bench_ward ON meeting_bench (ward_code)", "CREATE INDEX ix_bench_held ON meeting_bench (held_on)")


def make_file(path: Path, n: int) -> None:
    codes = reference.wards()["code"]
    rng = np.random.default_rng(7)
    i = np.arange(n)
    attendees = rng.integers(5, 26, n)
    yes_no = np.array(["yes", "no"])
    frame = pl.DataFrame({
        "ward_code": codes.gather(i % codes.len()),
        "held_on": (pl.Series(i // codes.len()).cast(pl.Int32) + 7300).cast(pl.Date),  # from 1990, a day apart per ward
        "attendees": attendees,
        "public_attendees": (attendees * rng.random(n) / 2).astype(np.int64),
        "dwo_present": yes_no[rng.integers(0, 2, n)],
        "promises_reviewed": yes_no[rng.integers(0, 2, n)],
        "minutes_published": yes_no[rng.integers(0, 2, n)],
        "format": np.array(["in person", "online", "hybrid"])[rng.integers(0, 3, n)],
        "open_to_public": yes_no[rng.integers(0, 2, n)],
    })
    frame.write_csv(path)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def quiet(fn):
    def run():
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            rc = fn()
        assert rc == 0, "the import failed"
    return run


def fresh_sqlite(folder: Path, name: str) -> str:
    url = f"sqlite:///{folder / name}"
    engine = eng.make_engine(url)
    seed.prepare(engine)
    engine.dispose()
    return url


def bench_sqlite(path: Path, folder: Path, n: int) -> tuple[float, float]:
    url = fresh_sqlite(folder, f"app_{n}.sqlite")
    ours = timed(quiet(lambda: main(["--url", url, "import", str(path)])))
    plain = folder / f"plain_{n}.sqlite"
    # .import fills columns by position, so the SQLite table leaves out "id": in the app's table it
    # is INTEGER PRIMARY KEY, an alias of the rowid every SQLite table has anyway.
    subprocess.run([SQLITE3, str(plain), f"CREATE TABLE meeting_bench {COLUMNS_DDL.format(id_type='INTEGER').replace('id INTEGER PRIMARY KEY, ', '')};", *INDEXES], check=True)
    theirs = timed(lambda: subprocess.run([SQLITE3, str(plain), f".import --csv --skip 1 {path} meeting_bench"], check=True))
    got = subprocess.run([SQLITE3, str(plain), "SELECT count(*) FROM meeting_bench"], capture_output=True, text=True).stdout.strip()
    assert int(got) == n, got
    return ours, theirs


def bench_postgres(path: Path, server: str) -> tuple[float, float]:
    with fresh_database(server, prefix="wpm_bench") as url:
        engine = eng.make_engine(url)
        seed.prepare(engine)
        engine.dispose()
        ours = timed(quiet(lambda: main(["--url", url, "import", str(path)])))
    with fresh_database(server, prefix="wpm_bench") as url:
        engine = eng.make_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE meeting_bench {COLUMNS_DDL.format(id_type='SERIAL')}"))
            for ddl in INDEXES:
                conn.execute(text(ddl))

        def copy():
            cols = "ward_code, held_on, attendees, public_attendees, dwo_present, promises_reviewed, minutes_published, format, open_to_public"
            with engine.begin() as conn:
                raw = conn.connection.dbapi_connection
                with raw.cursor() as cur, cur.copy(f"COPY meeting_bench ({cols}) FROM STDIN (FORMAT csv, HEADER true)") as cp:
                    cp.write(path.read_bytes())

        theirs = timed(copy)
        engine.dispose()
    return ours, theirs


def main_bench(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m tests.bench_import")
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"), help="PostgreSQL server URL")
    args = p.parse_args(argv)
    os.environ.setdefault(im.MAX_MB_ENV, "500")  # a 1,000,000-row file is about 60 MB
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.rows:
            path = folder / f"meetings_{n}.csv"
            make_file(path, n)
            size = path.stat().st_size / 1e6
            engine = eng.make_engine(fresh_sqlite(folder, f"refs_{n}.sqlite"))
            refs = writes.references(engine)
            data = path.read_bytes()
            result = None

            def check(data=data, name=path.name, refs=refs):
                nonlocal result
                result = im.check(data, file=name, refs=refs)

            t_check = timed(check)
            assert result.ok and result.frame.height == n, result.problems[:3]
            print(f"\n{n:,} rows ({size:.1f} MB)")
            print(f"  read + validate:                    {t_check:7.2f} s")
            ours, theirs = bench_sqlite(path, folder, n)
            print(f"  SQLite whole import (command line): {ours:7.2f} s   sqlite3 .import: {theirs:6.2f} s   ratio {ours / theirs:.2f}")
            if args.postgres:
                ours, theirs = bench_postgres(path, args.postgres)
                print(f"  PostgreSQL whole import:            {ours:7.2f} s   COPY:            {theirs:6.2f} s   ratio {ours / theirs:.2f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main_bench()
