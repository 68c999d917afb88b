"""Which database, how to reach it, and bringing it up to date.

The URL comes from, in order: an explicit argument, the ``DATABASE_URL`` environment variable,
``[connections.sql] url`` in ``.streamlit/secrets.toml`` (Streamlit's own convention), and
finally an embedded SQLite file under ``.data/`` (git-ignored) that needs no set-up.

Every failure a user can meet here is raised as :class:`DatabaseProblem` with a message that
says what failed and how to fix it; callers show the message, never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / ".data" / "ward_panels.sqlite"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseProblem(Exception):
    """A problem with the database that a user can act on; ``str()`` is the whole message."""


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
        raise DatabaseProblem(
            f"The database URL {url!r} is not a valid SQLAlchemy URL. Use a form such as "
            "postgresql://user:password@host:5432/dbname or sqlite:///path/to/file.sqlite."
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
            f"No database driver is installed for {safe_url(url)} ({exc}). "
            "SQLite and PostgreSQL are supported; install requirements.txt."
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseProblem(
            f"Could not connect to the database at {safe_url(str(engine.url))}: {reason}. "
            "Check that the server is running and that DATABASE_URL (or [connections.sql] url in "
            ".streamlit/secrets.toml) names the right host, port, database and user. "
            "Unset both to use the embedded SQLite database instead."
        ) from exc


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
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse a database this app did not make, or one made by a newer version of it."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:6]) + (" …" if len(tables) > 6 else "")
        raise DatabaseProblem(
            f"The database at {safe_url(str(engine.url))} already holds tables ({shown}) that the "
            "Ward Panel Monitor did not create, so it will not change them. Point DATABASE_URL at "
            "an empty database, or at one this app created."
        )
    revision = current_revision(engine) if tables else None
    if revision is not None and revision not in known_revisions():
        raise DatabaseProblem(
            f"The database at {safe_url(str(engine.url))} is at schema version {revision}, which "
            "this copy of the Ward Panel Monitor does not know (it was probably upgraded by a "
            "newer version). Update this copy of the app; the database was not changed."
        )


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest version (Alembic ``upgrade head``)."""
    from alembic import command

    check_reachable(engine)
    check_schema(engine)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseProblem(
            f"Could not bring the database at {safe_url(str(engine.url))} up to date: {reason}. "
            "Check that the user may create tables; nothing was changed."
        ) from exc
