"""Reference data and the deterministic sample, on real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import polars as pl
import pytest

from dashboard.domain import wards_in_time
from dashboard.domain.contract import TABLES
from dashboard.domain.periods import worked_out_complete_to
from data_access import engine as eng
from data_access import queries, reference, seed
from data_access.__main__ import check
from sample_data import load as sample_load

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
TABLE_READERS = {
    "panels": queries.panels,
    "members": queries.members,
    "meetings": queries.meetings,
    "promises": queries.promises,
    "engagement": queries.engagement,
    "concerns": queries.concerns,
    "remedy_plans": queries.remedy_plans,
    "dwo_assignments": queries.dwo_assignments,
    "confidence": queries.confidence,
}


def snapshot(engine) -> dict[str, pl.DataFrame]:
    return {name: read(engine).sort(pl.all()) for name, read in TABLE_READERS.items()}


def test_reference_data_covers_every_ward_and_census_code(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    wards = queries.wards(engine)
    assert wards.height == 704
    assert queries.boroughs(engine).height == 33
    assert wards.filter(pl.col("bcu").is_not_null())["bcu"].n_unique() == 12
    assert wards.filter(pl.col("police_force") == "Metropolitan Police Service").height == 679
    boundary = {f["properties"]["ward_code"] for f in reference.ward_geojson()["features"]}
    assert boundary == set(wards["ward_code"])
    census = queries.ward_population(engine)
    assert set(census["ward_code"]) <= set(wards["ward_code"])
    # TS021 covers the 679 Met wards; groups add up to the published totals (Bethnal Green: 21,092).
    bethnal = census.filter((pl.col("ward_code") == "E05009317") & (pl.col("dimension") == "ethnic_group"))
    assert bethnal["count"].sum() == 21092
    assert check(engine) == []


def test_same_seed_same_database_and_another_seed_differs(tmp_path):
    empty = tmp_path / "empty.sqlite"  # the schema and reference data, made once and copied
    engine = eng.make_engine(f"sqlite:///{empty}")
    eng.upgrade(engine)
    seed.load_reference(engine)
    engine.dispose()
    shots = []
    for name, seed_value in (("a", 7), ("b", 7), ("c", 8)):
        shutil.copy(empty, tmp_path / f"{name}.sqlite")
        engine = eng.make_engine(f"sqlite:///{tmp_path / name}.sqlite")
        sample_load.seed_sample(engine, seed=seed_value)
        shots.append(snapshot(engine))
        engine.dispose()
    a, b, c = shots
    for table in TABLE_READERS:
        assert a[table].equals(b[table]), f"{table} differs between two runs with the same seed"
    assert not a["meetings"].equals(c["meetings"])


def test_sample_carries_the_findings(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    met = queries.wards(engine).filter(pl.col("police_force") == "Metropolitan Police Service")
    panels = queries.panels(engine)
    never = set(met["ward_code"]) - set(panels["ward_code"])
    assert 10 <= len(never) <= 80, "some wards have never had a panel"
    promises = queries.promises(engine)
    imposed = promises.filter(pl.col("origin") != "panel").height / promises.height
    assert 0.2 < imposed < 0.5
    closed = promises.filter(pl.col("status") != "open")
    told = closed.filter(pl.col("feedback_published_on").is_not_null()).height / closed.height
    assert told < 0.7, "'you said, we did' feedback is often missing"
    # The figures are complete to the end of 2023; a few meetings and events entered ahead (the
    # next meeting in the diary, early January's events) do not move that.
    by_day = queries.rows_by_day(engine)
    assert worked_out_complete_to(by_day, dt.date(2026, 1, 1)) == dt.date(2023, 12, 31)
    ahead = by_day.filter(pl.col("day") > dt.date(2023, 12, 31))
    assert 0 < ahead["rows"].sum() < 400 and ahead["day"].max() <= dt.date(2024, 3, 31)


def test_every_record_is_kept_on_a_ward_of_its_date(seeded_sqlite_url):
    """What an import demands of real records: before 5 May 2022 the wards of then, after it the
    2022 wards; and the sample uses both sides of the change."""
    engine = eng.make_engine(seeded_sqlite_url)
    current, former = queries.wards(engine)["ward_code"], queries.former_wards(engine)["ward_code"]
    for name, spec in TABLES.items():
        if not spec.dated_by or not spec.sample:
            continue
        frame = queries.table(name, engine, omit=[c for c in spec.columns if c not in ("ward_code", spec.dated_by)])
        kept = pl.coalesce(pl.col(wards_in_time.RECORDED).cast(pl.String), pl.col("ward_code").cast(pl.String))
        wrong = frame.filter(~wards_in_time.in_force(kept, pl.col(spec.dated_by), current, former))
        assert wrong.is_empty(), (name, wrong.head(3))
    meetings = queries.meetings(engine)
    old = meetings.filter(pl.col(wards_in_time.RECORDED).is_not_null())
    assert old["held_on"].max() < wards_in_time.CHANGE_DAY < meetings["held_on"].max()
    assert old.height > meetings.height / 4


def test_seed_on_postgres_matches_sqlite(postgres_url, seeded_sqlite_url):
    pg = eng.make_engine(postgres_url)
    sample_load.prepare(pg, sample=True)
    lite = eng.make_engine(seeded_sqlite_url)
    # The audit log is not seeded: page tests sharing the seeded SQLite database serve downloads,
    # and each serving is audited there.
    assert {**seed.row_counts(pg), "audit_event": 0} == {**seed.row_counts(lite), "audit_event": 0}
    a, b = snapshot(pg), snapshot(lite)
    for table in TABLE_READERS:
        assert a[table].equals(b[table]), table
    pg.dispose()


def test_seed_refuses_to_overwrite_and_replace_reseeds(sqlite_url):
    engine = eng.make_engine(sqlite_url)
    sample_load.prepare(engine, sample=True)
    before = seed.row_counts(engine)
    with pytest.raises(eng.DatabaseProblem, match="already holds panel data"):
        sample_load.seed_sample(engine)
    sample_load.seed_sample(engine, scale=2, replace=True)
    after = seed.row_counts(engine)
    assert after["ward"] == 2 * before["ward"]
    assert after["panel"] > before["panel"]
    sample_load.seed_sample(engine, replace=True)
    assert seed.row_counts(engine)["ward"] == before["ward"]
    assert seed.row_counts(engine)["meeting"] == before["meeting"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data_access", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_init_seed_check(sqlite_url):
    assert run_cli("--url", sqlite_url, "init").returncode == 0
    seeded = run_cli("--url", sqlite_url, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "Loaded sample data" in seeded.stdout
    checked = run_cli("--url", sqlite_url, "check")
    assert checked.returncode == 0, checked.stderr
    assert "Reference checks passed" in checked.stdout


def test_cli_unreachable_database_is_one_plain_message():
    result = run_cli("--url", "postgresql://nobody@127.0.0.1:1/none", "check")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Could not connect")
    assert "Traceback" not in result.stderr + result.stdout
