"""Database fixtures: a real SQLite file under tmp_path, and a real PostgreSQL server.

PostgreSQL tests run when TEST_POSTGRES_URL is set (``.ci/run`` sets it). Locally they skip
when it is not; on CI (``CI`` set) a missing URL fails instead, so they can never silently
stop running (ARCHITECTURE.md). Each test gets a fresh PostgreSQL database of its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_access import engine as eng
from sample_data import load as sample_load
from tests.postgres import copy_of_database, fresh_database

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


def lose_database(url: str) -> None:
    """Lose a database while something uses it: drop the PostgreSQL database (ending its
    connections), or overwrite the SQLite file with bytes that are no database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).write_bytes(os.urandom(64 * 1024))
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


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


@pytest.fixture(scope="session")
def seeded_postgres_template() -> Iterator[str]:
    """A PostgreSQL database with the reference data and the default sample that nobody connects
    to once it is built: the template that every seeded PostgreSQL database is copied from."""
    with fresh_database(postgres_server_url(), prefix="wpm_seeded") as url:
        engine = eng.make_engine(url)
        sample_load.prepare(engine, sample=True)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def seeded_postgres_url(seeded_postgres_template) -> Iterator[str]:
    """A copy of the seeded template, shared read-only like ``seeded_sqlite_url``."""
    with copy_of_database(seeded_postgres_template) as url:
        yield url


def pytest_collection_modifyitems(config, items):
    """A page test marked ``sqlite_only`` runs on the SQLite half of ``seeded_url`` only: what it
    checks is worked out in Python from tables both databases hold alike (tests/db/test_seed.py
    checks that), so its PostgreSQL twin would spend a minute of the ten-minute budget proving
    nothing more. Every page still runs on PostgreSQL in tests/app/test_pages.py."""
    dropped = [item for item in items if item.get_closest_marker("sqlite_only")
               and getattr(item, "callspec", None) is not None and item.callspec.params.get("seeded_url") == "postgresql"]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in set(dropped)]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def seeded_url(request) -> str:
    """The seeded sample on SQLite, then on PostgreSQL: the page suite runs on both."""
    return request.getfixturevalue({"sqlite": "seeded_sqlite_url", "postgresql": "seeded_postgres_url"}[request.param])


@pytest.fixture
def writable_url(seeded_url, request, tmp_path) -> Iterator[str]:
    """A private copy of the seeded database (same kind as ``seeded_url``) a test may change."""
    if seeded_url.startswith("sqlite"):
        path = tmp_path / "own.sqlite"
        shutil.copy(seeded_url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
    else:
        with copy_of_database(request.getfixturevalue("seeded_postgres_template")) as url:
            yield url


@pytest.fixture
def app_env(seeded_url, monkeypatch) -> str:
    """Point the app at the shared seeded database (AppTest reads DATABASE_URL)."""
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(ROOT)
    return seeded_url
