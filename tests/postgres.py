"""A throwaway PostgreSQL database on a server, for the tests and the import benchmark."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access import engine as eng


@contextlib.contextmanager
def _made(admin_url, name: str, template: str | None) -> Iterator[str]:
    """CREATE DATABASE ``name`` (from ``template``, or empty) on the server, yield its URL, drop it afterwards."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fresh_database(server: str, *, prefix: str = "wpm_test"):
    """Create an empty database on the server at URL ``server``, yield its URL, drop it afterwards."""
    return _made(make_url(eng.normalise_url(server)), f"{prefix}_{uuid.uuid4().hex[:12]}", None)


def copy_of_database(url: str):
    """A new database on the same server made from the database at ``url`` (which nobody may be
    connected to), yield its URL, drop it afterwards. Far quicker than seeding again."""
    source = make_url(eng.normalise_url(url))
    return _made(source.set(database="postgres"), f"wpm_copy_{uuid.uuid4().hex[:12]}", source.database)
