"""A database lost, damaged or busy gets one plain message (what failed, how to fix it) for the
user, and the detail (which database, the driver's words) for the administrator: from the
command line as from the app (tests/app/test_database_loss.py)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from data_access import engine as eng
from data_access import seed
from data_access.__main__ import main
from tests.conftest import lose_database


def ready(url: str):
    engine = eng.make_engine(url)
    seed.prepare(engine)  # the schema and the reference data, no sample: enough to lose
    return engine


def test_the_command_line_when_the_database_is_lost_mid_command(any_url, monkeypatch, capsys):
    ready(any_url).dispose()
    counts = seed.row_counts

    def lost_first(engine):
        lose_database(any_url)
        return counts(engine)

    monkeypatch.setattr(seed, "row_counts", lost_first)
    assert main(["--url", any_url, "check"]) == 2
    err = capsys.readouterr().err
    message, details = err.splitlines()
    assert message == "Error: " + (eng.DAMAGED if any_url.startswith("sqlite") else eng.UNREACHABLE)
    # The plain message names no database; the details line, for whoever runs the command, does.
    database = make_url(any_url).database
    assert database not in message and "SELECT" not in err and "Traceback" not in err
    assert details.startswith("Details: The check command: ") and database in details


@pytest.mark.parametrize("command", [["check"], ["import", "sample_data/templates/meetings.csv", "--dry-run"], ["undo", "meetings"]])
def test_the_command_line_on_a_file_that_is_no_database(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(eng.PROJECT_ROOT)
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(os.urandom(64 * 1024))
    assert main(["--url", f"sqlite:///{path}", *command]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: " + eng.DAMAGED + "\nDetails: Checking the database's tables: ")
    assert "file is not a database" in err and "Traceback" not in err


def test_each_kind_of_failure_has_its_message(any_url):
    """A table removed outside the app reads as damage; a lock held by another change as busy."""
    engine = ready(any_url)
    with pytest.raises(eng.DatabaseProblem) as missing, eng.plain_errors(any_url, "Reading"), engine.connect() as conn:
        conn.execute(text("DROP TABLE audit_event"))
        conn.execute(text("SELECT * FROM audit_event"))
    assert str(missing.value) == eng.DAMAGED and "audit_event" in missing.value.detail

    postgres = any_url.startswith("postgresql")
    busy_engine = eng.make_engine(any_url) if postgres else eng.make_engine(any_url + "?timeout=0")
    with engine.connect() as holder:
        holder.execute(text("LOCK TABLE ward IN ACCESS EXCLUSIVE MODE" if postgres else "BEGIN EXCLUSIVE"))
        with pytest.raises(eng.DatabaseProblem) as busy, eng.plain_errors(any_url, "Reading"), busy_engine.connect() as conn:
            if postgres:
                conn.execute(text("SET lock_timeout = '50ms'"))
            conn.execute(text("SELECT count(*) FROM ward"))
        holder.rollback()
    assert str(busy.value) == eng.BUSY
    busy_engine.dispose()
    engine.dispose()


def test_a_database_that_cannot_be_opened_is_unreachable(tmp_path):
    engine = eng.make_engine(f"sqlite:///{tmp_path}")  # a folder, not a file
    with pytest.raises(eng.DatabaseProblem) as caught:
        eng.upgrade(engine)
    assert str(caught.value) == eng.UNREACHABLE and str(tmp_path) in caught.value.detail
