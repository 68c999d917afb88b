"""A throwaway PostgreSQL database on a server, for the tests and the import benchmark."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access import engine as eng


@contextlib.contextmanager
def fresh_database(server: str, *, prefix: str = "wpm_test") -> Iterator[str]:
    """Create an empty database on the server at URL ``server``, yield its URL, drop it afterwards."""
    server_url = make_url(eng.normalise_url(server))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def copy_of_database(url: str) -> Iterator[str]:
    """A new database on the same server made from the database at ``url`` (which nobody may be
    connected to), yield its URL, drop it afterwards. Far quicker than seeding again."""
    source = make_url(eng.normalise_url(url))
    name = f"wpm_copy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"'))
    try:
        yield source.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
