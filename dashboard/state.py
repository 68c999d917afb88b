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


# --- issue #4 ---
# Ward statuses, their quarterly history and the map's spec. Keys are plain values (date,
# strings, the rubric's text) so a change to the rubric file is a new key, not a stale answer.

from dashboard import functioning as _functioning  # noqa: E402
from dashboard import maps as _maps  # noqa: E402
from dashboard.status_style import CITY as _CITY  # noqa: E402
from data_access import rubric as _rubric  # noqa: E402


def rubric_text() -> str:
    return _rubric.rubric_text()


def rules() -> _functioning.Rules:
    """The functioning rubric; raises functioning.RulesProblem with a message fit to show."""
    return _parsed_rules(rubric_text())


@st.cache_resource(show_spinner=False)
def _parsed_rules(text: str) -> _functioning.Rules:
    return _functioning.parse_rules(text)


@st.cache_resource(ttl=600, show_spinner=False, max_entries=64)
def _status(url: str, as_of: dt.date, text: str) -> pl.DataFrame:
    return _functioning.ward_status(
        _read("wards", url), _read("panels", url), _read("meetings", url), _read("promises", url),
        rules=_parsed_rules(text), as_of=as_of,
    )


def ward_status(as_of: dt.date) -> pl.DataFrame:
    """Every ward's panel status on ``as_of`` (functioning.ward_status), computed once per date."""
    return _status(database_url(), as_of, rubric_text())


@st.cache_resource(ttl=600, show_spinner="Working out every ward's status, quarter by quarter…", max_entries=8)
def _history(url: str, quarter_ends: tuple[dt.date, ...], text: str) -> pl.DataFrame:
    parts = [_status(url, q, text).select(pl.lit(q, dtype=pl.Date).alias("quarter_end"), "ward_code", "status") for q in quarter_ends]
    return pl.concat(parts) if parts else pl.DataFrame(schema={"quarter_end": pl.Date, "ward_code": pl.String, "status": pl.String})


def status_history(quarter_ends: tuple[dt.date, ...]) -> pl.DataFrame:
    """(quarter_end, ward_code, status) for every ward at each quarter end."""
    return _history(database_url(), tuple(quarter_ends), rubric_text())


@st.cache_resource(ttl=600, show_spinner=False, max_entries=64)
def _map_spec(url: str, metric: str, level: str, code: str | None, as_of: dt.date, text: str, highlight: str | None) -> tuple[str, pl.DataFrame, str]:
    from dashboard import areas

    wards = _read("wards", url)
    ward_codes = areas.wards_in(wards, areas.Area(level, "", code))["ward_code"].to_list()
    status = _status(url, as_of, text)
    chosen = _maps.METRICS[metric]
    inputs = _maps.MapInputs(as_of=as_of, status=status, table=lambda name: _read(name, url),
                             min_meetings=_parsed_rules(text).min_meetings_12m)
    values = _maps.ward_values(chosen, inputs).join(status.select("ward_code", "reason_text"), on="ward_code")
    # Letters on the wards (status shown without colour) only when zoomed in: at London scale
    # 700 labels would hide the map.
    letters = chosen.kind == "status" and level in ("borough", "ward")
    spec = _maps.deck_json(values, wards, metric_title=chosen.title, ward_codes=ward_codes, highlight=highlight, letters=letters)
    shown = values.filter(pl.col("ward_code").is_in(ward_codes))
    area_name = areas.resolve(wards, bcu=code if level == "bcu" else None, borough=code if level == "borough" else None, ward=None).name
    title = chosen.title_for(shown.filter(pl.col("status") != _CITY), area_name, inputs)
    return spec, shown, title


def map_spec(metric: str, level: str, code: str | None, as_of: dt.date, *, highlight: str | None = None) -> tuple[str, pl.DataFrame, str]:
    """(deck JSON, values of the wards shown, a title stating the finding) for a metric, an area
    and a date; built once, then reused.

    ``level``/``code`` are an Area's (a ward's map shows its borough, so pass the borough).
    """
    return _map_spec(database_url(), metric, level, code, as_of, rubric_text(), highlight)


_clear_before_issue_4 = clear


def clear() -> None:  # noqa: F811 - extends clear() above without editing it (append-only file)
    """Forget cached query results and everything computed from them."""
    _clear_before_issue_4()
    _status.clear()
    _history.clear()
    _map_spec.clear()


@st.cache_resource(ttl=600, show_spinner=False, max_entries=128)
def _coverage_view(url: str, as_of: dt.date, level: str, code: str | None, count_by: str, text: str) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    from dashboard import areas, coverage
    from dashboard import status_style as _style

    wards = _read("wards", url)
    codes = areas.wards_in(wards, areas.Area(level, "", code))["ward_code"]
    status = _status(url, as_of, text).filter(pl.col("ward_code").is_in(codes.implode()))
    counts = coverage.totals(status, codes.to_list())
    table = coverage.coverage_table(status, wards, level=count_by)
    attention = coverage.with_icons(
        coverage.remedy_table(status, wards, _read("remedy_plans", url), as_of=as_of,
                              statuses=(_style.NO_PANEL, _style.NOT_FUNCTIONING, _style.AT_RISK))
    )
    return counts, table, attention


def coverage_view(as_of: dt.date, level: str, code: str | None, count_by: str) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    """(status counts, coverage table by ``count_by``, wards needing attention) for an area on a date."""
    return _coverage_view(database_url(), as_of, level, code, count_by, rubric_text())


_clear_before_coverage_view = clear


def clear() -> None:  # noqa: F811 - extends clear() above (append-only file)
    _clear_before_coverage_view()
    _coverage_view.clear()
