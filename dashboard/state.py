"""The only Streamlit caches, and where the app finds its database (STYLE.md habit 5).

Query results are cached with ``st.cache_resource`` rather than ``st.cache_data``: polars
frames are immutable, so sharing one object is safe, and it skips a pickle round trip on every
rerun (the warm rerun budget in issue #9 is 50 ms). ``clear()`` drops them after an import.
"""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from data_access import engine as eng
from data_access import queries, seed

SAMPLE_ENV = "WARD_PANEL_SAMPLE"  # "1": seed the sample into an empty non-embedded database too


def database_url() -> str:
    return eng.resolve_url()


def sample_wanted(url: str) -> bool:
    return eng.is_embedded(url) or os.environ.get(SAMPLE_ENV) == "1"


@st.cache_resource(show_spinner="Preparing the database (first start only)…")
def _engine(url: str) -> Engine:
    engine = eng.make_engine(url)
    seed.prepare(engine, sample=sample_wanted(url))
    return engine


def engine() -> Engine:
    """The prepared engine; raises DatabaseProblem with a message fit to show."""
    return _engine(database_url())


READERS = {
    "boroughs": queries.boroughs,
    "wards": queries.wards,
    "ward_population": queries.ward_population,
    "panels": queries.panels,
    "members": queries.members,
    "meetings": queries.meetings,
    "promises": queries.promises,
    "engagement": queries.engagement,
    "remedy_plans": queries.remedy_plans,
    "dwo_assignments": queries.dwo_assignments,
    "confidence": queries.confidence,
}


@st.cache_resource(ttl=600, show_spinner=False)
def _read(name: str, url: str) -> pl.DataFrame:
    return READERS[name](_engine(url))


def table(name: str) -> pl.DataFrame:
    """A whole table as a polars frame, cached until the next import or for 10 minutes."""
    return _read(name, database_url())


@st.cache_resource(ttl=600, show_spinner=False)
def _bounds(url: str) -> tuple[dt.date | None, dt.date | None]:
    return queries.data_bounds(_engine(url))


def data_bounds() -> tuple[dt.date | None, dt.date | None]:
    return _bounds(database_url())


@st.cache_resource(ttl=600, show_spinner=False)
def _batches(url: str) -> pl.DataFrame:
    return queries.import_batches(_engine(url))


def import_batches() -> pl.DataFrame:
    return _batches(database_url())


def is_sample() -> bool:
    """True while the activity data in use is the generated sample."""
    batches = import_batches()
    return batches.filter((pl.col("kind") == "sample") & pl.col("undone_at").is_null()).height > 0


def clear() -> None:
    """Forget cached query results (after an import or undo)."""
    _read.clear()
    _bounds.clear()
    _batches.clear()


# --- issue #6 ---
# The Meetings, Promises and Engagement outcomes pages compute every figure for a filter choice
# in one pure call (dashboard.engagement_views); caching it here keeps a warm rerun to drawing.
# Arguments are plain values (not Area/Period objects) so Streamlit hashes them cheaply.


def _data_token(url: str) -> str:
    """Changes whenever an import or undo is recorded, so these caches never outlive clear()."""
    b = _batches(url)
    if b.is_empty():
        return "empty"
    return f"{b.height}:{b['imported_at'].max()}:{b['undone_at'].drop_nulls().len()}:{b['undone_at'].max()}"


def _issue6_tables(url: str) -> dict[str, pl.DataFrame]:
    names = ("wards", "meetings", "promises", "engagement", "confidence", "dwo_assignments")
    return {name: _read(name, url) for name in names}


@st.cache_resource(ttl=600, show_spinner=False, max_entries=128)
def _meetings_view(url: str, token: str, level: str, name: str, code: str | None, end: dt.date, span: str, first: dt.date, last: dt.date, minimum: int):
    from dashboard import engagement_views
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return engagement_views.meetings_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), first=first, last=last, minimum=minimum
    )


def meetings_view(area, period, *, first: dt.date, last: dt.date, minimum: int):
    url = database_url()
    return _meetings_view(url, _data_token(url), area.level, area.name, area.code, period.end, period.span, first, last, minimum)


@st.cache_resource(ttl=600, show_spinner=False, max_entries=128)
def _promises_view(url: str, token: str, level: str, name: str, code: str | None, end: dt.date, span: str, first: dt.date, review_days: int):
    from dashboard import engagement_views
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return engagement_views.promises_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), first=first, review_days=review_days
    )


def promises_view(area, period, *, first: dt.date, review_days: int):
    url = database_url()
    return _promises_view(url, _data_token(url), area.level, area.name, area.code, period.end, period.span, first, review_days)


@st.cache_resource(ttl=600, show_spinner=False, max_entries=128)
def _outcomes_view(url: str, token: str, level: str, name: str, code: str | None, end: dt.date, span: str, measure: str, outcome: str, first: dt.date):
    from dashboard import engagement_views
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return engagement_views.outcomes_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), measure=measure, outcome=outcome, first=first
    )


def outcomes_view(area, period, *, measure: str, outcome: str, first: dt.date):
    url = database_url()
    return _outcomes_view(url, _data_token(url), area.level, area.name, area.code, period.end, period.span, measure, outcome, first)
