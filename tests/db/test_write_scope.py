"""Writes scoped by what they overwrite, and audited in the same transaction, on SQLite and PostgreSQL.

A promise is matched on its reference alone: a Hackney steward's file that reuses a Camden
promise's reference (with a Hackney ward and new words) must be refused, not turn the Camden
promise into a Hackney one. An import, undo or concern review and its audit event commit together.
"""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import func, select

from data_access import access_checks, audit, queries, seed, writes
from data_access import engine as eng
from data_access.models import AuditEvent, ImportBatch, Promise

HACKNEY, CAMDEN = "E09000012", "E09000007"
BROWNSWOOD, BELSIZE = "E05009367", "E05013652"  # Hackney, Camden
PROMISES = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on,internal\n"
ENGAGEMENT = "ward_code,held_on,kind,people_reached,young_people_reached,promise_ref\n"


def promise_row(ref: str, ward: str, words: str) -> str:
    return f"{ref},{ward},2023-06-01,drugs,panel,{words},open,,,,no\n"


def checked(engine, name: str, data: bytes, table: str, boroughs=None):
    result = writes.check_files(engine, [(name, data)], [table], boroughs=boroughs)
    return result


def promises_now(engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as conn:
        return {r: (w, d) for r, w, d in conn.execute(select(Promise.promise_ref, Promise.ward_code, Promise.description))}


def batches(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one()


def events(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [(a, w) for a, w in conn.execute(select(AuditEvent.action, AuditEvent.what).order_by(AuditEvent.id))]


@pytest.fixture
def engine(any_url):
    e = eng.make_engine(any_url)
    seed.prepare(e)
    # An administrator loads one Camden promise and one Hackney promise.
    data = (PROMISES + promise_row("P-CAMDEN-1", BELSIZE, "Camden's own words") + promise_row("P-HACKNEY-1", BROWNSWOOD, "Hackney's words")).encode()
    c = checked(e, "promises.csv", data, "promises")
    assert c[0].ok, c[0].problems
    writes.import_checked(e, c, [data], kind="upload", who="admin@example.org")
    yield e
    e.dispose()


def test_a_hackney_steward_cannot_rewrite_and_move_a_camden_promise(engine):
    before, n_batches, n_events = promises_now(engine), batches(engine), len(events(engine))
    data = (PROMISES + promise_row("P-HACKNEY-2", BROWNSWOOD, "new") + promise_row("P-CAMDEN-1", BROWNSWOOD, "Hijacked")).encode()
    c = checked(engine, "promises.csv", data, "promises", boroughs=(HACKNEY,))
    assert c[0].ok  # the file itself is well formed and every incoming ward is Hackney's
    with pytest.raises(access_checks.OutOfScope) as refused:
        writes.import_checked(engine, c, [data], kind="upload", boroughs=(HACKNEY,), who="steward@hackney.example")
    message = str(refused.value)
    assert "row 3" in message and "P-CAMDEN-1" in message and "may not change" in message
    assert "Camden's own words" not in message and BELSIZE not in message  # nothing of the other row shown
    assert promises_now(engine) == before  # the Camden promise is untouched; the Hackney row was not added either
    assert batches(engine) == n_batches and len(events(engine)) == n_events


def test_the_write_itself_refuses_when_called_without_the_pre_check(engine):
    """upsert checks again inside its transaction (a caller that skipped check_scope, or a race)."""
    data = (PROMISES + promise_row("P-CAMDEN-1", BROWNSWOOD, "Hijacked")).encode()
    c = checked(engine, "promises.csv", data, "promises")
    with pytest.raises(access_checks.OutOfScope):
        writes.upsert(engine, "promises", c[0].frame, file_name="promises.csv", data=data, kind="upload", boroughs=(HACKNEY,))
    assert promises_now(engine)["P-CAMDEN-1"] == (BELSIZE, "Camden's own words")


def test_a_steward_may_change_their_own_promise_and_the_change_is_audited_with_it(engine):
    data = (PROMISES + promise_row("P-HACKNEY-1", BROWNSWOOD, "Hackney's better words")).encode()
    c = checked(engine, "promises.csv", data, "promises", boroughs=(HACKNEY,))
    [result] = writes.import_checked(engine, c, [data], kind="upload", boroughs=(HACKNEY,), who="steward@hackney.example")
    assert (result.new, result.changed) == (0, 1)
    assert promises_now(engine)["P-HACKNEY-1"] == (BROWNSWOOD, "Hackney's better words")
    assert events(engine)[-1] == ("import", f"promises.csv into promises (batch {result.batch_id}): 0 new, 1 changed, 0 unchanged")


def test_another_boroughs_promise_reference_is_answered_as_one_that_does_not_exist(engine):
    for ref in ("P-CAMDEN-1", "P-NOWHERE-9"):
        data = (ENGAGEMENT + f"{BROWNSWOOD},2023-07-01,contact session,12,2,{ref}\n").encode()
        [c] = checked(engine, "engagement.csv", data, "engagement", boroughs=(HACKNEY,))
        assert not c.ok
        assert [(p.row, p.column, p.problem) for p in c.errors] == [
            (2, "promise_ref", "names no promise in the database or in the promises file of this upload")]
    # London-wide (an administrator) the Camden reference is known.
    data = (ENGAGEMENT + f"{BELSIZE},2023-07-01,contact session,12,2,P-CAMDEN-1\n").encode()
    assert checked(engine, "engagement.csv", data, "engagement")[0].ok


def test_an_import_and_its_audit_event_commit_together(engine, monkeypatch):
    """Killing the session between the import and its audit event is simulated by making the event fail."""
    before, n_batches, n_events = promises_now(engine), batches(engine), len(events(engine))

    def broken(*args, **kwargs):
        raise RuntimeError("the session died here")

    monkeypatch.setattr(audit, "write", broken)
    data = (PROMISES + promise_row("P-HACKNEY-3", BROWNSWOOD, "lost?")).encode()
    c = checked(engine, "promises.csv", data, "promises")
    with pytest.raises(writes.ImportRefused):
        writes.import_checked(engine, c, [data], kind="upload", who="steward@hackney.example")
    assert promises_now(engine) == before and batches(engine) == n_batches and len(events(engine)) == n_events
    # Undo: the same.
    monkeypatch.undo()
    writes.import_checked(engine, c, [data], kind="upload", who="steward@hackney.example")
    monkeypatch.setattr(audit, "write", broken)
    with pytest.raises(RuntimeError):
        writes.undo_last(engine, "promises", who="steward@hackney.example")
    assert "P-HACKNEY-3" in promises_now(engine)  # the undo rolled back with its event
    monkeypatch.undo()
    writes.undo_last(engine, "promises", who="steward@hackney.example")
    assert "P-HACKNEY-3" not in promises_now(engine)
    assert events(engine)[-1][0] == "undo"


def test_a_concern_review_and_its_audit_event_commit_together(engine, monkeypatch):
    import datetime as dt

    now = dt.datetime(2023, 12, 1, 10, 0)
    concern = writes.submit_concern(engine, ward_code=BROWNSWOOD, category="drugs", text_="By the park", now=now)
    monkeypatch.setattr(audit, "write", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("died")))
    with pytest.raises(RuntimeError):
        writes.review_concern(engine, concern, accept=True, now=now, who="steward@hackney.example", label="Brownswood, drugs")
    assert queries.submitted_concerns(engine)["id"].to_list() == [concern]  # still waiting
    monkeypatch.undo()
    assert writes.review_concern(engine, concern, accept=True, now=now, who="steward@hackney.example", label="Brownswood, drugs")
    assert events(engine)[-1] == ("concern review", f"concern {concern} (Brownswood, drugs) accepted")
    assert queries.submitted_concerns(engine).height == 0


def test_import_history_shows_a_scoped_user_only_their_boroughs_imports(engine):
    data = (PROMISES + promise_row("P-HACKNEY-2", BROWNSWOOD, "Hackney's next")).encode()
    writes.import_checked(engine, checked(engine, "hackney.csv", data, "promises"), [data], kind="upload")
    data = (PROMISES + promise_row("P-CAMDEN-2", BELSIZE, "Camden's next")).encode()
    writes.import_checked(engine, checked(engine, "camden.csv", data, "promises"), [data], kind="upload")
    everything = queries.import_batches(engine)
    uploads = everything.filter(pl.col("kind") == "upload")
    assert uploads["file_name"].to_list() == ["camden.csv", "hackney.csv", "promises.csv"]
    assert uploads["boroughs"].to_list() == [CAMDEN, HACKNEY, f"{CAMDEN},{HACKNEY}"]  # the first touched both
    mine = queries.import_batches(engine, (HACKNEY,))
    assert mine.filter(pl.col("kind") == "upload")["file_name"].to_list() == ["hackney.csv"]
    assert set(mine["kind"]) == {"upload", "reference"}  # the reference loads are London's, shown to everyone
    assert queries.import_batches(engine, (HACKNEY, CAMDEN)).filter(pl.col("kind") == "upload").height == 3
    assert queries.import_batches(engine, ()).filter(pl.col("kind") == "upload").height == 0
