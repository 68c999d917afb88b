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


# --- issue #5 ---
@st.cache_resource(ttl=600, show_spinner=False)
def _diversity(url: str, day: dt.date):
    from dashboard import diversity  # imported here: state.py stays light for other pages

    return diversity.build(_read("members", url), _read("panels", url), _read("ward_population", url), day)


def diversity(day: dt.date):
    """London-wide membership-vs-Census figures on ``day`` (issue #5), cached per day."""
    return _diversity(database_url(), day)


_clear_before_issue_5 = clear


def clear() -> None:  # noqa: F811 - extends clear() so an import also drops the diversity figures
    _clear_before_issue_5()
    _diversity.clear()


@st.cache_resource(ttl=600, show_spinner=False, max_entries=256)
def _diversity_area(url: str, day: dt.date, level: str, code: str | None):
    from dashboard import areas, diversity_view

    wards = _read("wards", url)
    area = areas.Area(level, "", code)
    met = areas.met_wards(areas.wards_in(wards, area))["ward_code"].to_list()
    return diversity_view.AreaView(_diversity(url, day), wards, met)


def diversity_area(day: dt.date, area):
    """One area's diversity tables on ``day`` (issue #5), built once per area and day."""
    return _diversity_area(database_url(), day, area.level, area.code)


_clear_before_issue_5_area = clear


def clear() -> None:  # noqa: F811 - also drop the per-area diversity tables
    _clear_before_issue_5_area()
    _diversity_area.clear()
