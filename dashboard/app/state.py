"""The only Streamlit caches, and where the app finds its database (ARCHITECTURE.md).

Query results are cached with ``st.cache_resource`` rather than ``st.cache_data``: polars
frames are immutable, so sharing one object is safe, and it skips a pickle round trip on every
rerun (the warm rerun budget is 50 ms). ``clear()`` drops them after an import.

State holds the engine, who is looking and the boroughs they may see, the cached tables (cut to
those boroughs), the rubric and the ward statuses. What a page draws from them for its Selection
is in ``dashboard.app.views``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.app import worker
from dashboard.domain import periods
from dashboard.domain.formatting import uk_date
from dashboard.domain.wards_in_time import RECORDED
from dashboard.figures import board, coverage, functioning, maps, privacy
from dashboard.figures import diversity as _diversity_figures
from data_access import access_checks, audit, data_version, queries, reference, writes
from data_access import engine as eng
from data_access import rubric as _rubric
from sample_data import load as sample_load

SAMPLE_ENV = "WARD_PANEL_SAMPLE"  # "1": seed the sample into an empty non-embedded database too

_RESULTS: list = []  # every cache of query results or figures, so clear() can drop them all


def _cached_result(**kwargs):
    """``st.cache_resource`` for data derived from the database; registered for ``clear()``."""

    def wrap(fn):
        cached = st.cache_resource(**kwargs)(fn)
        _RESULTS.append(cached)
        return cached

    return wrap


def clear() -> None:
    """Forget every cached query result and figure (after an import or undo). The engine stays."""
    for cached in _RESULTS:
        cached.clear()
    _READ_AT.clear()


def database_url() -> str:
    return eng.resolve_url()


def sample_wanted(url: str) -> bool:
    return eng.is_embedded(url) or os.environ.get(SAMPLE_ENV) == "1"


@st.cache_resource(show_spinner="Preparing the database (first start only)…")
def _engine(url: str) -> Engine:
    engine = eng.make_engine(url)
    sample_load.prepare(engine, sample=sample_wanted(url))
    with engine.begin() as conn:  # records of changes past their undo time go, even if nothing is imported again
        if writes.purge_history(conn):
            data_version.bump(conn)
    return engine


def engine() -> Engine:
    """The prepared engine; raises DatabaseProblem with a message fit to show."""
    url = database_url()
    with eng.plain_errors(url, "Preparing the database"):  # the schema check and the reference load
        return _engine(url)


# --- When the database is lost while the app runs. Every page and every start meets its
# errors in streamlit_app.py, which shows them through database_problem(); a page whose
# figures all came from the cache runs on, and says when they were read.

LOG = logging.getLogger("ward_panel_monitor")


def database_problem(exc: BaseException, doing: str) -> eng.DatabaseProblem:
    """A database error as the one plain message a user sees; the detail goes to the server's log."""
    problem = eng.as_problem(exc, database_url(), doing)
    cause = problem.__cause__ or (exc if exc is not problem else None)
    LOG.error("%s", problem.detail, exc_info=cause)
    _LIVE.pop(database_url(), None)  # look again on the next run rather than trust a recent answer
    return problem


TABLE_TTL = 600  # seconds a table read from the database, or a view built from it, is kept
LIVENESS_SECONDS = 2.0  # a warm rerun reuses the answer (the 50 ms budget); a change or a lost database shows within seconds
_LIVE: dict[str, tuple[float, bool]] = {}  # url -> (when looked, answered)
_VERSION: dict[str, int | None] = {}  # url -> the data version the cached figures were read at (or after)
_LOOKING = threading.Lock()  # sessions run in threads of one process: one look at a time
_READ_AT: dict[str, dict[tuple, dt.datetime]] = {}  # url -> {what was read: when}, for the cache's entries


def _note_read(url: str, what: tuple) -> None:
    _READ_AT.setdefault(url, {})[what] = dt.datetime.now()


def database_live() -> bool:
    """Whether the database answers: one tiny read, asked at most every LIVENESS_SECONDS.

    The read is the data version (data_access.data_version): when another process, the command
    line or this one has changed the data since the last look, every cached table and figure of
    this process is forgotten, so no page shows figures more than a few seconds older than a change.
    """
    url = database_url()
    now = time.monotonic()
    with _LOOKING:
        looked = _LIVE.get(url)
        if looked is None or now - looked[0] >= LIVENESS_SECONDS:
            try:
                version, live = data_version.read(_engine(url)), True
            except eng.driver_errors():
                version, live = None, False
            if looked is not None and looked[1] != live:
                LOG.warning("The database %s %s.", eng.safe_url(url), "answers again" if live else "stopped answering")
            if live:
                if _VERSION.get(url, version) != version:
                    LOG.info("The data changed (version %s to %s): cached figures forgotten.", _VERSION[url], version)
                    clear()
                _VERSION[url] = version
            looked = _LIVE[url] = (now, live)
    return looked[1]


def stale_notice() -> str | None:
    """What a page says above figures served from the cache while the database cannot be reached
    (None while it answers, or when nothing was read from it)."""
    if database_live():
        return None
    # A figure shown now may come from a view built from tables up to TABLE_TTL old, and the view
    # lives TABLE_TTL itself: reads older than twice that feed nothing still in the cache.
    since = dt.datetime.now() - dt.timedelta(seconds=2 * TABLE_TTL)
    read = [at for at in _READ_AT.get(database_url(), {}).values() if at >= since]
    if not read:
        return None
    oldest = min(read)
    return (f"The database cannot be reached at the moment. The figures below were read at {oldest:%H:%M} on "
            f"{uk_date(oldest.date())} and may be out of date.")


ACCESS_KEY = "_access"  # set by streamlit_app.py on every run; no widget has this key


def access():
    """The current user's Access (dashboard.app.access), as streamlit_app.py found it on this run.

    Outside a Streamlit run (a script or benchmark calling these functions directly, with no
    user and no browser) there is nobody to restrict: full access, as the command line has.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        from dashboard.app.access import Access

        return Access(email="script", role="administrator", boroughs=None, signed_in=False)
    return st.session_state.get(ACCESS_KEY)


def scope() -> tuple[str, ...] | None:
    """The boroughs the current user may see (None: all of London; (): none, e.g. nobody signed in)."""
    current = access()
    return () if current is None else current.scope


def who() -> str:
    current = access()
    return "nobody" if current is None else current.email


@st.cache_resource(show_spinner=False, ttl=TABLE_TTL)
def _role_rules(text: str, url: str):
    from dashboard.app import access as acc

    return acc.parse_roles(text, acc.borough_lookup(_read("boroughs", url, None)))


def role_rules():
    """The role mapping's rules; raises access.RolesProblem with a message fit to show."""
    return _role_rules(access_checks.roles_text(), database_url())


def record(action: str, what: str, rows: int | None) -> None:
    """Add an event to the audit trail as the current user."""
    audit.record(engine(), who(), action, what, rows)


def require_area_codes(codes) -> None:
    """Raise access_checks.OutOfScope when an area's boroughs are outside the user's."""
    access_checks.require_area(list(codes), scope())


# The tables the cache reads: the reference ones, and every table of the CSV contract by its
# registry, which also says which columns stay in the database because no figure uses them
# (LEFT_OUT: the server's memory at --scale 10) and which repeated words are held as
# categories (AS_CATEGORIES: 4 bytes a row where text takes 16, about 50 MB less at --scale 10).
# The figures are the same either way: tests/db/test_cached_columns.py works every page's
# figures out from both.
from dashboard.domain.contract import TABLES as _TABLES  # noqa: E402

READERS = {"boroughs": queries.boroughs, "wards": queries.wards, "former_wards": queries.former_wards,
           "ward_successors": queries.ward_successors, **queries.READERS}
LEFT_OUT = {name: spec.left_out for name, spec in _TABLES.items() if spec.left_out}
AS_CATEGORIES = {name: spec.categories for name, spec in _TABLES.items() if spec.categories}


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _read(name: str, url: str, scope: tuple[str, ...] | None) -> pl.DataFrame:
    reader = READERS[name]
    frame = compact(name, reader(_engine(url), scope, omit=LEFT_OUT[name]) if name in LEFT_OUT else reader(_engine(url), scope))
    _note_read(url, ("table", name, scope))
    return frame


def compact(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A table's frame as the cache holds it: the AS_CATEGORIES columns as categories, and the ward
    a row was kept on (empty but for rows kept on a ward from before May 2022) as one too."""
    recorded = (RECORDED,) if RECORDED in frame.columns else ()
    return frame.with_columns(pl.col(c).cast(pl.Categorical) for c in (*AS_CATEGORIES.get(name, ()), *recorded))


@_cached_result(ttl=TABLE_TTL, show_spinner=False, max_entries=256)
def _ward_promises(url: str, ward_code: str, scope: tuple[str, ...] | None) -> pl.DataFrame:
    frame = queries.promises(_engine(url), scope, ward_code=ward_code)
    _note_read(url, ("ward promises", ward_code, scope))
    return frame


def ward_promises(ward_code: str) -> pl.DataFrame:
    """One ward's promises with every column, descriptions and outcomes included (none outside the user's boroughs)."""
    return _ward_promises(database_url(), ward_code, scope())


def public_ward_promises(ward_code: str) -> pl.DataFrame:
    """One ward's promises for the public ward page, whoever is looking (dashboard.figures.public_ward shows
    only their public fields, and never a promise marked internal)."""
    return _ward_promises(database_url(), ward_code, None)


PUBLIC_TABLES = ("wards", "panels", "meetings", "engagement", "dwo_assignments")  # what the public ward page reads


def public_table(name: str) -> pl.DataFrame:
    """A table for the public ward page, London-wide whoever is looking (a resident may look up any
    ward, signed in or not). Only these tables, and the page shows only their public fields
    (dashboard.figures.public_ward; tested across every ward): never member data."""
    if name not in PUBLIC_TABLES:
        raise ValueError(f"{name} is not a table the public ward page may read")
    return _read(name, database_url(), None)


def table(name: str) -> pl.DataFrame:
    """A whole table, cut to the user's boroughs, as a polars frame; cached until the next import or for 10 minutes."""
    return _read(name, database_url(), scope())


def data_bounds() -> tuple[dt.date | None, dt.date | None]:
    """The first and last dates of activity or survey data (None, None: none), from the rows counted by day."""
    days = _rows_by_day(database_url())["day"]
    return (days.min(), days.max()) if days.len() else (None, None)


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _complete_to(url: str, today: dt.date) -> periods.CompleteTo | None:
    engine = _engine(url)
    if (stored := queries.setting(engine, queries.COMPLETE_TO)) is not None:
        value, by, at = stored
        complete = periods.CompleteTo(dt.date.fromisoformat(value), by, at.date())
    else:
        day = periods.worked_out_complete_to(_rows_by_day(url), today)
        complete = None if day is None else periods.CompleteTo(day)
    _note_read(url, ("complete_to",))
    return complete


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _rows_by_day(url: str) -> pl.DataFrame:
    counts = queries.rows_by_day(_engine(url))
    _note_read(url, ("rows_by_day",))
    return counts


def rows_after(day: dt.date) -> int:
    """How many activity and survey rows (all of London) are dated after ``day``: kept, not yet in the default period."""
    counts = _rows_by_day(database_url())
    return int(counts.filter(pl.col("day") > day)["rows"].sum())


def complete_to() -> periods.CompleteTo | None:
    """The day every page's period ends on by default (set on the Data page, or worked out); None: no data."""
    return _complete_to(database_url(), dt.date.today())


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _batches(url: str, scope: tuple[str, ...] | None) -> pl.DataFrame:
    batches = queries.import_batches(_engine(url), scope)
    _note_read(url, ("batches", scope))
    return batches


def import_batches() -> pl.DataFrame:
    """The import history: for a user scoped to boroughs, the reference and sample loads and their own boroughs' imports."""
    return _batches(database_url(), scope())


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _unmatched(url: str, scope: tuple[str, ...] | None) -> pl.DataFrame:
    return queries.policeuk_unmatched(_engine(url), scope)


def policeuk_unmatched() -> pl.DataFrame:
    """police.uk files whose neighbourhood id matched no ward (for a scoped user, those of their boroughs' users)."""
    return _unmatched(database_url(), scope())


def is_sample() -> bool:
    """True while the activity data in use is the generated sample."""
    batches = import_batches()
    return batches.filter((pl.col("kind") == "sample") & pl.col("undone_at").is_null()).height > 0


# --- The functioning rubric and every ward's status. Keys are plain values (a date,
# the rubric's text) so a change to the rubric file is a new key, not a stale answer.


def rubric_text() -> str:
    return _rubric.rubric_text()


def rules() -> functioning.Rules:
    """The functioning rubric; raises functioning.RulesProblem with a message fit to show."""
    return _parsed_rules(rubric_text())


@st.cache_resource(show_spinner=False)
def _parsed_rules(text: str) -> functioning.Rules:
    return functioning.parse_rules(text)


@_cached_result(ttl=TABLE_TTL, show_spinner=False, max_entries=64)
def _status(url: str, as_of: dt.date, text: str, scope) -> pl.DataFrame:
    return _work_out_status(url, as_of, text, scope)


def _work_out_status(url: str, as_of: dt.date, text: str, scope) -> pl.DataFrame:
    """functioning.ward_status on the (cached) tables, not itself cached."""
    return functioning.ward_status(
        _read("wards", url, scope), _read("panels", url, scope), _read("meetings", url, scope), _read("promises", url, scope),
        rules=_parsed_rules(text), as_of=as_of,
    )


@_cached_result(ttl=TABLE_TTL, show_spinner="Working out every ward's status, quarter by quarter…", max_entries=8)
def _history(url: str, quarter_ends: tuple[dt.date, ...], text: str, scope) -> pl.DataFrame:
    # Each quarter's status is worked out here and only three columns kept, not through the
    # per-date cache: at --scale 10 caching 37 full status frames (with their reasons) cost
    # about 60 MB of the server's memory for a chart that needs none of it.
    tables = {n: _read(n, url, scope) for n in ("wards", "former_wards", "panels", "meetings", "promises")}
    return coverage.status_history(quarter_ends, tables, _read("ward_successors", url, None), rules=_parsed_rules(text),
                                   status_on=lambda q: _work_out_status(url, q, text, scope))


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _diversity(url: str, day: dt.date, scope):
    return _diversity_figures.build(_read("members", url, scope), _read("panels", url, scope), _read("ward_population", url, scope), day)


@_cached_result(ttl=600, show_spinner="Working out which member counts can be shown without revealing small ones…", max_entries=16)
def _publication(url: str, day: dt.date):
    """The day's protected member counts (dashboard.figures.privacy.publish), London-wide whoever is
    looking: the pattern of what is hidden must be the same for every user, or two users' files
    together could give a count away. It holds only what may be shown of each count."""
    return worker.run(privacy.publish, _diversity(url, day, None), _read("wards", url, None))


@_cached_result(ttl=TABLE_TTL, show_spinner=False)
def _boards(url: str, day: dt.date, scope):
    """Every board (within the user's boroughs) against its borough on ``day`` (dashboard.figures.board.build)."""
    return board.build(_read("board_members", url, scope), _read("ward_population", url, scope), _read("wards", url, scope), day)


@_cached_result(ttl=600, show_spinner="Working out which board counts can be shown without revealing small ones…", max_entries=16)
def _board_publication(url: str, day: dt.date):
    """The day's protected board counts, London-wide whoever is looking (as ``_publication``)."""
    return worker.run(board.publish, _boards(url, day, None), _read("wards", url, None))


@st.cache_resource(show_spinner=False)
def boundaries() -> maps.Boundaries:
    """Ward and borough boundaries for the maps, read from the reference GeoJSON once per process."""
    return maps.boundaries(reference.ward_geojson(), reference.borough_geojson())


def audit_events() -> pl.DataFrame:
    """The audit trail, read fresh every time: it is short and must be current."""
    return audit.events(engine())


PROXY_HEADER_ENV = "WARD_PANEL_PROXY_HEADER"  # e.g. X-Forwarded-For, when a load balancer sets it
FORM_SALT_ENV = "WARD_PANEL_FORM_SALT"


def form_client_key() -> str:
    """This visitor's key for the concern form's per-client limit: a keyed hash of their address
    (the configured proxy header's first address, else the connection's), stable across restarts."""
    import hashlib

    from dashboard.figures import concern_form as cf

    connection = st.context.ip_address
    connection = connection if isinstance(connection, str) else None  # none known (e.g. under AppTest)
    address = cf.address_from(dict(st.context.headers or {}), connection, os.environ.get(PROXY_HEADER_ENV))
    salt = os.environ.get(FORM_SALT_ENV) or hashlib.sha256(database_url().encode()).hexdigest()
    return cf.client_key(address, salt)
