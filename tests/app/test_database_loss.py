"""The database lost while the app runs, or broken when it starts: every page shows one plain
message (or, for figures it still holds, says when they were read), never a traceback, SQL, a
file path, a host or a database name.

These tests destroy their database, so each makes a small one of its own (the reference data and
the sample for one borough: about 1 s on SQLite, 2 s on PostgreSQL) rather than use the shared one.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from dashboard.app import state
from dashboard.app.navigation import PAGES
from data_access import engine as eng
from data_access import seed as db_seed
from sample_data import generator
from sample_data import load as sample_load
from tests.conftest import lose_database, postgres_server_url

ROOT = Path(__file__).resolve().parents[2]
BANNER = re.compile(r"^The database cannot be reached at the moment\. The figures below were read at \d\d:\d\d on "
                    r"\d{1,2} [A-Z][a-z]+ \d{4} and may be out of date\.$")
PLAIN = {eng.UNREACHABLE, eng.DAMAGED}


def small_database(url: str) -> None:
    """The reference data and the sample for Hackney's wards only."""
    engine = eng.make_engine(url)
    sample_load.prepare(engine, sample=False)
    hackney = pl.col("borough_code") == "E09000012"
    db_seed.seed_sample(engine, lambda wards, population: generator.generate(wards.filter(hackney), population),
                        label="sample data generator (Hackney only)")
    engine.dispose()


def secrets_of(url: str) -> list[str]:
    """What a user must never read: the database's name or file, its host, SQL, a traceback."""
    parsed = make_url(url)
    return [s for s in (parsed.database, Path(parsed.database or "").name, parsed.host) if s] + ["SELECT", "sqlite3", "psycopg",
                                                                                               "Traceback"]


def shown(at: AppTest) -> str:
    """Every piece of text the page put on screen."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "text", "code")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


@pytest.fixture
def app_on(monkeypatch, through_the_entry_script):
    """Point the app at a database URL; look at the database on every run (not every 5 s)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(state, "LIVENESS_SECONDS", 0.0)

    def use(url: str) -> str:
        monkeypatch.setenv("DATABASE_URL", url)
        return url

    return use


def test_every_page_after_the_database_is_lost_mid_session(any_url, app_on):
    url = app_on(any_url)
    small_database(url)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Met wards"] == "679"  # read from the database as usual
    assert not any(BANNER.match(w.value) for w in at.warning)

    lose_database(url)
    outcome = {}
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, at.exception)
        errors = [e.value for e in at.error]
        banners = [w.value for w in at.warning if BANNER.match(w.value)]
        # Either the one plain message and no claim about figures, or figures from memory, said to be so.
        assert (errors and set(errors) <= PLAIN and not banners) or (banners and not errors), (spec.path, errors, banners)
        text_on_screen = shown(at)
        assert not [s for s in secrets_of(url) if s in text_on_screen], (spec.path, text_on_screen)
        outcome[spec.path] = "message" if errors else "banner"
    # The Overview's figures were read before the loss; the Data page and the audit log read afresh every time.
    assert outcome["pages/overview.py"] == "banner"
    assert outcome["pages/data.py"] == outcome["pages/audit.py"] == "message"


@pytest.fixture(params=["sqlite", "postgresql"])
def broken_at_start(request, tmp_path) -> str:
    """A SQLite file of random bytes, or a PostgreSQL database that is not there (dropped while the app was down)."""
    if request.param == "sqlite":
        path = tmp_path / "corrupt.sqlite"
        path.write_bytes(os.urandom(64 * 1024))
        return f"sqlite:///{path}"
    return make_url(postgres_server_url()).set(database=f"wpm_gone_{uuid.uuid4().hex[:12]}").render_as_string(hide_password=False)


def test_every_page_after_a_restart_on_a_broken_database(broken_at_start, app_on, caplog):
    url = app_on(broken_at_start)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    expected = eng.DAMAGED if url.startswith("sqlite") else eng.UNREACHABLE
    for spec in PAGES:  # the public ward page included: nothing can be served without the database
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, at.exception)
        assert [t.value for t in at.title] == ["Ward Panel Monitor"], spec.path
        assert [e.value for e in at.error] == [expected], spec.path
        assert not [s for s in secrets_of(url) if s in shown(at)], spec.path
    # Which database, and the driver's words, are in the server's log for whoever runs the app.
    logged = [r for r in caplog.records if r.name == "ward_panel_monitor" and make_url(url).database in r.getMessage()]
    assert logged and logged[0].exc_info


def test_recording_a_download_without_the_database_serves_nothing_and_says_so_plainly(tmp_path):
    """A member download is served outside the page's run (and its catch): when its audit event
    cannot be written, no bytes are served (fails closed) and the error is the plain message."""
    from dashboard.app import ui

    path = tmp_path / "damaged.sqlite"
    path.write_bytes(os.urandom(64 * 1024))
    engine = eng.make_engine(f"sqlite:///{path}")
    with pytest.raises(eng.DatabaseProblem) as caught:
        ui.served_audited(lambda: b"Ward,Members\n", engine, "viewer@hackney.example.org", "diversity_panels.csv", 21)
    assert str(caught.value) == eng.DAMAGED
    engine.dispose()
