"""Which database, how to reach it, and bringing it up to date.

The URL comes from, in order: an explicit argument, the ``DATABASE_URL`` environment variable,
``[connections.sql] url`` in ``.streamlit/secrets.toml`` (Streamlit's own convention), and
finally an embedded SQLite file under ``.data/`` (git-ignored) that needs no set-up.

Every failure a user can meet here is raised as :class:`DatabaseProblem` with a message that
says what failed and how to fix it; callers show the message, never a traceback. A driver's error
met anywhere else (a page's read, an import) becomes the same kind of message through
:func:`as_problem`, so a database that is lost while the app runs reads the same everywhere.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / ".data" / "ward_panels.sqlite"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseProblem(Exception):
    """A problem with the database that a user can act on.

    ``str()`` is the message for whoever is looking: what failed and how to fix it, with no SQL,
    file path, host or database name, since a page may be read by anyone (the public ward page
    included). ``detail`` is the administrator's version for the server's log: which database
    (password hidden), what was being done, and the driver's own words.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail or message


# What a user is told, by what went wrong. Every message says what failed and how to fix it.
UNREACHABLE = (
    "Could not connect to the database, so nothing could be read from it or written to it. Try again in a few "
    "minutes. If it goes on, whoever runs the Ward Panel Monitor should check that the database server is running "
    "and that DATABASE_URL (or [connections.sql] url in .streamlit/secrets.toml) names the right host, port, "
    "database and user; the server's log says which database and why."
)
DAMAGED = (
    "The database could not be read: it is damaged, or its tables were changed or removed outside the Ward Panel "
    "Monitor. Nothing was changed. Whoever runs the Ward Panel Monitor should restore it from a backup; the "
    "server's log says which database and what failed."
)
BUSY = "The database is busy with another change, so this was not done. Try again in a minute."
REFUSED = (
    "The database refused a request, so it was not carried out and nothing was changed. Try again; if it goes "
    "on, whoever runs the Ward Panel Monitor will find what failed in the server's log."
)


def driver_errors() -> tuple[type[BaseException], ...]:
    """The exception classes a database driver raises, wrapped by SQLAlchemy or not.

    psycopg's is included only once something has imported it: before that it cannot have
    raised anything, and the SQLite-only app need not load it.
    """
    errors: list[type[BaseException]] = [SQLAlchemyError, sqlite3.Error]
    if (psycopg := sys.modules.get("psycopg")) is not None:
        errors.append(psycopg.Error)
    return tuple(errors)


def database_errors() -> tuple[type[BaseException], ...]:
    """What a caller catches to show a database message: a DatabaseProblem or a driver's error."""
    return (DatabaseProblem, *driver_errors())


def _message_for(exc: BaseException) -> str:
    """Which plain message fits a driver's error: from SQLite's error name or PostgreSQL's SQLSTATE."""
    from sqlalchemy.exc import InterfaceError, NoSuchTableError, OperationalError

    orig = getattr(exc, "orig", None) or exc
    sqlite_name = getattr(orig, "sqlite_errorname", None)
    if sqlite_name is not None:
        if sqlite_name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or (sqlite_name == "SQLITE_ERROR" and "no such" in str(orig)):
            return DAMAGED
        if sqlite_name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            return BUSY
        return UNREACHABLE if sqlite_name in ("SQLITE_CANTOPEN", "SQLITE_IOERR") else REFUSED
    state = getattr(orig, "sqlstate", None)
    if state in ("55P03", "40P01", "40001", "57014"):  # lock not available, deadlock, serialisation, cancelled
        return BUSY
    if state in ("42P01", "42703", "42704"):  # a table, column or object that is not there
        return DAMAGED
    if isinstance(exc, NoSuchTableError):
        return DAMAGED
    # No SQLSTATE: the connection itself failed. 08: connection exceptions; 57P: the server shut the
    # connection (a dropped database, a restart); 3D000: the database does not exist.
    if (state is None and isinstance(exc, (OperationalError, InterfaceError))) or (state or "").startswith(("08", "57P", "3D000")):
        return UNREACHABLE
    return REFUSED


def as_problem(exc: BaseException, url: str | None, doing: str, *, refused: str = REFUSED) -> DatabaseProblem:
    """A driver's error as a DatabaseProblem: a plain message for the user, the detail for the log.

    ``doing`` says what was being done, for the log (e.g. "Showing the Data page"); ``refused``
    replaces the message for an error that is neither a lost, damaged nor busy database.
    A DatabaseProblem is returned as it is.
    """
    if isinstance(exc, DatabaseProblem):
        return exc
    orig = getattr(exc, "orig", None) or exc
    words = (str(orig).strip().splitlines() or [""])[0][:300]  # the first line: never the SQL that follows
    detail = f"{doing}: {safe_url(url) if url else 'the database'}: {type(orig).__module__}.{type(orig).__name__}: {words}"
    if url is not None and is_embedded(url):
        detail += " (the embedded sample database: delete its file and restart the app to build it again)"
    message = _message_for(exc)
    return DatabaseProblem(refused if message is REFUSED else message, detail)


@contextlib.contextmanager
def plain_errors(url: str | None, doing: str, *, refused: str = REFUSED) -> Iterator[None]:
    """Turn a driver's error raised inside into a DatabaseProblem (:func:`as_problem`)."""
    try:
        yield
    except DatabaseProblem:
        raise
    except driver_errors() as exc:
        raise as_problem(exc, url, doing, refused=refused) from exc


def default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _secrets_url() -> str | None:
    path = SECRETS_PATH
    if not path.exists():
        return None
    try:
        secrets = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DatabaseProblem(f"{path} is not valid TOML ({exc}). Fix or remove the file.") from exc
    url = secrets.get("connections", {}).get("sql", {}).get("url")
    return str(url) if url else None


def resolve_url(explicit: str | None = None) -> str:
    """The database URL to use: argument, DATABASE_URL, secrets.toml, or embedded SQLite."""
    return explicit or os.environ.get("DATABASE_URL") or _secrets_url() or default_url()


def is_embedded(url: str) -> bool:
    return url == default_url()


def normalise_url(url: str) -> str:
    """Let users paste the URL their provider gives: postgres:// and postgresql:// use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL; SQLite files get their folder created and foreign keys enforced."""
    url = normalise_url(resolve_url(url))
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        # The URL itself is not shown: one that does not parse may hold a password.
        raise DatabaseProblem(
            "The database URL (DATABASE_URL, or [connections.sql] url in .streamlit/secrets.toml) is not a valid "
            "SQLAlchemy URL. Use a form such as postgresql://user:password@host:5432/dbname or "
            "sqlite:///path/to/file.sqlite."
        ) from exc
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Streamlit reruns scripts in several threads; each checks out its own connection.
        kwargs["connect_args"] = {"check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseProblem(
            "No database driver is installed for the kind of database DATABASE_URL names. "
            "SQLite and PostgreSQL are supported; install requirements.txt.",
            f"No database driver for {safe_url(url)}: {exc}",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def check_reachable(engine: Engine) -> None:
    with plain_errors(str(engine.url), "Connecting to the database"):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with plain_errors(str(engine.url), "Reading the schema version"), engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse a database this app did not make, or one made by a newer version of it."""
    where = safe_url(str(engine.url))
    with plain_errors(str(engine.url), "Checking the database's tables"), engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:6]) + (" …" if len(tables) > 6 else "")
        raise DatabaseProblem(
            f"The database already holds tables ({shown}) that the Ward Panel Monitor did not create, so it "
            "will not change them. Point DATABASE_URL at an empty database, or at one this app created.",
            f"Foreign tables in {where}: {shown}",
        )
    revision = current_revision(engine) if tables else None
    if revision is not None and revision not in known_revisions():
        raise DatabaseProblem(
            f"The database is at schema version {revision}, which this copy of the Ward Panel Monitor does not "
            "know (it was probably upgraded by a newer version). Update this copy of the app; the database was "
            "not changed.",
            f"Unknown schema version {revision} in {where}",
        )


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest version (Alembic ``upgrade head``)."""
    from alembic import command

    check_reachable(engine)
    check_schema(engine)
    not_upgraded = ("Could not bring the database's tables up to date, so the app cannot use it; nothing was "
                    "changed. Check that the database user may create and alter tables; the server's log says "
                    "what failed.")
    with plain_errors(str(engine.url), "Upgrading the schema", refused=not_upgraded), engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
