"""Integrity under concurrent imports, on SQLite and PostgreSQL.

An upsert reads the table, then writes: two imports of one file at once both read "no such rows"
and both inserted them (the issue: a 2-row concerns file run twice at once left 4 rows, in 2 of 3
trials on PostgreSQL). Imports take turns now, and the database holds every natural key unique.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access import engine as eng
from data_access import seed, writes
from data_access.models import Concern

ROOT = Path(__file__).resolve().parents[2]
CONCERNS = (ROOT / "sample_data" / "templates" / "concerns.csv").read_text(encoding="utf-8")


def at_once(n: int, job) -> tuple[list, list[Exception]]:
    """Run ``job`` in ``n`` threads released together; (results, exceptions)."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        barrier.wait()
        try:
            results.append(job())
        except Exception as exc:  # collected: the test says which
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_two_imports_of_one_file_at_once_store_its_rows_once(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    for year in ("2022", "2024", "2025"):  # three trials, each a file of rows the database does not hold (2022 wards: May 2022 on)
        data = CONCERNS.replace("2023-", f"{year}-").encode()
        (checked,) = writes.check_files(engine, [("concerns.csv", data)])
        assert checked.ok, checked.problems
        n = checked.frame.height
        results, errors = at_once(2, lambda c=checked, d=data: writes.import_checked(engine, [c], [d], kind="upload"))
        assert errors == [], errors
        assert sorted((r.new, r.unchanged) for (r,) in results) == [(0, n), (n, 0)]  # the second found them there
        in_year = Concern.raised_on.between(dt.date(int(year), 1, 1), dt.date(int(year), 12, 31))
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Concern).where(in_year)).scalar_one() == n
    engine.dispose()


PROMISES = (ROOT / "sample_data" / "templates" / "promises.csv").read_bytes()
ENGAGEMENT = (ROOT / "sample_data" / "templates" / "engagement.csv").read_bytes()


def test_undo_refuses_to_remove_promises_that_engagement_rows_still_cite(any_url):
    """The issue: undoing promises left an engagement row citing an undone promise, and the same
    file could then not be imported again."""
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    checked = writes.check_files(engine, [("promises.csv", PROMISES), ("engagement.csv", ENGAGEMENT)])
    assert all(c.ok for c in checked), [c.problems for c in checked]
    writes.import_checked(engine, checked, [PROMISES, ENGAGEMENT], kind="upload")
    cited = sum(1 for row in csv.DictReader(io.StringIO(ENGAGEMENT.decode())) if row["promise_ref"])
    assert cited > 0
    before = seed.row_counts(engine)
    with pytest.raises(writes.ImportRefused) as refused:
        writes.undo_last(engine, "promises")
    message = str(refused.value)
    assert f"{cited} row{'s' if cited != 1 else ''} of the engagement table still cite" in message
    assert "(promise_ref, for example P-E05014053-" in message
    assert "so it was not undone" in message and "Undo the engagement import that cites them first" in message
    assert seed.row_counts(engine) == before
    # Undone in order, both go, and the same files import again.
    writes.undo_last(engine, "engagement")
    writes.undo_last(engine, "promises")
    checked = writes.check_files(engine, [("promises.csv", PROMISES), ("engagement.csv", ENGAGEMENT)])
    assert all(c.ok for c in checked)
    assert [r.new for r in writes.import_checked(engine, checked, [PROMISES, ENGAGEMENT], kind="upload")] == [
        c.frame.height for c in checked]
    engine.dispose()


def test_undo_of_a_promises_import_that_only_changed_cited_promises_goes_ahead(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    checked = writes.check_files(engine, [("promises.csv", PROMISES), ("engagement.csv", ENGAGEMENT)])
    writes.import_checked(engine, checked, [PROMISES, ENGAGEMENT], kind="upload")
    edited = PROMISES.replace(b"Reduce residential burglary", b"Cut residential burglary")
    writes.import_checked(engine, writes.check_files(engine, [("edited.csv", edited)]), [edited], kind="upload")
    assert writes.undo_last(engine, "promises") == (0, 1, "edited.csv")  # no promise removed: nothing left pointing at nothing
    engine.dispose()
