"""The data version: one number that every change to the data moves on, in the change's transaction.

Every import, undo, concern, review, setting and seed calls :func:`bump` inside its own
transaction, so the number moves exactly when the change commits. Each app process reads it at
most every few seconds (``dashboard.app.state``) and forgets its cached tables and figures when
it has moved: a change made by another process or the command line shows within seconds.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, select, update

from data_access.models import DataVersion


def bump(conn: Connection) -> None:
    """Move the version on, inside the caller's transaction."""
    conn.execute(update(DataVersion).where(DataVersion.id == 1)
                 .values(version=DataVersion.version + 1, changed_at=dt.datetime.now().replace(microsecond=0)))


def read(conn_or_engine: Connection | Engine) -> int | None:
    """The version now (None if the row is missing)."""
    stmt = select(DataVersion.version).where(DataVersion.id == 1)
    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.connect() as conn:
            return conn.execute(stmt).scalar()
    return conn_or_engine.execute(stmt).scalar()
