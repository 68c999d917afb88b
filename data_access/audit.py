"""The audit trail: every import, undo and download of member-level data.

Each event says who (the signed-in email, "open mode" when sign-in is off, or the command
line's OS user), when, what (in words) and how many rows. Administrators read it on the
Audit log page.
"""

from __future__ import annotations

import datetime as dt
import getpass

import polars as pl
from sqlalchemy import Connection, Engine, insert, select

from data_access import queries
from data_access.models import AuditEvent

IMPORT, IMPORT_REFUSED, UNDO, DOWNLOAD = "import", "import refused", "undo", "download"
CONCERN_REVIEW = "concern review"  # a board member accepts or rejects a resident's concern
SETTING = "setting"  # a data steward changes a setting every user shares (the date figures are complete to)


def write(conn: Connection, who: str, action: str, what: str, rows: int | None) -> None:
    """Add an event inside the caller's transaction: a change and its audit event commit together or not at all."""
    conn.execute(insert(AuditEvent).values(
        at=dt.datetime.now().replace(microsecond=0), who=who[:255], action=action[:40], what=what, rows=rows))


def record(engine: Engine, who: str, action: str, what: str, rows: int | None) -> None:
    """Add an event in a transaction of its own (a download, a refused import: nothing else is written)."""
    with engine.begin() as conn:
        write(conn, who, action, what, rows)


def events(engine: Engine) -> pl.DataFrame:
    """Every event, newest first: at, who, action, what, rows."""
    stmt = select(AuditEvent.at, AuditEvent.who, AuditEvent.action, AuditEvent.what, AuditEvent.rows)
    return queries.read(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), engine)


def command_line_user() -> str:
    try:
        return f"command line ({getpass.getuser()})"
    except Exception:  # no user name in this environment
        return "command line"
