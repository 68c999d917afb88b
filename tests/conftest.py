"""Database fixtures: a real SQLite file under tmp_path, and a real PostgreSQL server.

PostgreSQL tests run when TEST_POSTGRES_URL is set (``.ci/run`` sets it). Locally they skip
when it is not; on CI (``CI`` set) a missing URL fails instead, so they can never silently
stop running (ARCHITECTURE.md). Each test gets a fresh PostgreSQL database of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_access import engine as eng
from sample_data import load as sample_load
from tests.postgres import fresh_database

ROOT = Path(__file__).resolve().parent.parent

# The app fails closed: on a database other than the embedded default it serves nothing unless
# sign-in is configured or open mode is chosen. Tests choose open mode explicitly (servers they
# start inherit it); the tests of sign-in and of failing closed set or remove it themselves.
os.environ.setdefault("WARD_PANEL_OPEN", "1")
# AppTest runs the script with no web server, so there is no metrics address to close; servers the
# tests start run serve.py, which sets this itself (dashboard/app/serving.py).
os.environ.setdefault("WARD_PANEL_SERVED_BY", "tests")


def postgres_server_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("TEST_POSTGRES_URL is not set")
    return eng.normalise_url(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database on the TEST_POSTGRES_URL server, dropped afterwards."""
    with fresh_database(postgres_server_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request) -> Iterator[str]:
    """Run a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def seeded_sqlite_url(tmp_path_factory) -> str:
    """One SQLite database with the reference data and the default sample, shared read-only."""

    path = tmp_path_factory.mktemp("seeded") / "sample.sqlite"
    url = f"sqlite:///{path}"
    engine = eng.make_engine(url)
    sample_load.prepare(engine, sample=True)
    engine.dispose()
    return url


@pytest.fixture
def app_env(seeded_sqlite_url, monkeypatch) -> str:
    """Point the app at the shared seeded database (AppTest reads DATABASE_URL)."""
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite_url)
    monkeypatch.chdir(ROOT)
    return seeded_sqlite_url
