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
    "concerns": queries.concerns,
    "remedy_plans": queries.remedy_plans,
    "dwo_assignments": queries.dwo_assignments,
    "confidence": queries.confidence,
}


@_cached_result(ttl=600, show_spinner=False)
def _read(name: str, url: str) -> pl.DataFrame:
    return READERS[name](_engine(url))


def table(name: str) -> pl.DataFrame:
    """A whole table as a polars frame, cached until the next import or for 10 minutes."""
    return _read(name, database_url())


@_cached_result(ttl=600, show_spinner=False)
def _bounds(url: str) -> tuple[dt.date | None, dt.date | None]:
    return queries.data_bounds(_engine(url))


def data_bounds() -> tuple[dt.date | None, dt.date | None]:
    return _bounds(database_url())


@_cached_result(ttl=600, show_spinner=False)
def _batches(url: str) -> pl.DataFrame:
    return queries.import_batches(_engine(url))


def import_batches() -> pl.DataFrame:
    return _batches(database_url())


def is_sample() -> bool:
    """True while the activity data in use is the generated sample."""
    batches = import_batches()
    return batches.filter((pl.col("kind") == "sample") & pl.col("undone_at").is_null()).height > 0


@_cached_result(ttl=600, show_spinner=False, max_entries=500)
def _overview(url: str, area, period):
    from dashboard import overview

    tables = {name: _read(name, url) for name in overview.OVERVIEW_TABLES}
    return overview.figures_for(_read("wards", url), tables, area, period)


def overview_figures(area, period):
    """Overview figures for an area and period, computed once per choice (issue #9: warm reruns)."""
    return _overview(database_url(), area, period)


# --- issue #8: briefing pack ---
@_cached_result(ttl=600, show_spinner="Preparing the briefing pack…", max_entries=50)
def _pack(url: str, borough_code: str, period, produced_on):
    from dashboard import areas, briefing
    from data_access import reference

    wards = _read("wards", url)
    tables = {name: _read(name, url) for name in _READERS_FOR_PACK}
    inputs = briefing.PackInputs(
        wards=wards,
        tables=tables,
        figures=lambda a, p: _overview(url, a, p),
        ward_features=reference.ward_geojson()["features"],
    )
    batches = _batches(url)
    real = batches.filter(pl.col("kind").is_in(["upload", "cli"]))
    last = (real if real.height else batches)["imported_at"].max()
    status = briefing.panel_presence(wards.filter(pl.col("borough_code") == borough_code), tables["panels"], period.end)
    borough = areas.resolve(wards, bcu=None, borough=borough_code, ward=None)
    extra = (
        briefing.diversity_section(borough, period, _diversity_area(url, period.end, borough.level, borough.code)),
        # issue #11: whether the promises follow what the community said.
        briefing.alignment_section(borough, period, _alignment_view(url, borough.level, borough.name, borough.code,
                                                                    period.end, period.span)),
    )
    return briefing.build_pack(
        borough_code,
        period,
        inputs,
        produced_on=produced_on,
        is_sample=is_sample(),
        sources=reference.ATTRIBUTION,
        last_import=last.date() if last else None,
        status=status,
        legend=briefing.PRESENCE_LEGEND,
        extra=extra,
    )


_READERS_FOR_PACK = ("panels", "meetings", "promises", "engagement", "confidence", "remedy_plans", "members", "dwo_assignments", "ward_population")


def briefing_pack(borough_code: str, period):
    return _pack(database_url(), borough_code, period, dt.date.today())


@_cached_result(ttl=600, show_spinner="Drawing the PDF and the workbook…", max_entries=20)
def _pack_files(url: str, borough_code: str, period, produced_on) -> tuple[bytes, bytes]:
    from dashboard.excel import render_xlsx
    from dashboard.pdf import render_pdf

    pack = _pack(url, borough_code, period, produced_on)
    return render_pdf(pack), render_xlsx(pack)


def briefing_files(borough_code: str, period) -> tuple[bytes, bytes]:
    """(PDF bytes, Excel bytes) of the pack, rendered once per borough, period and day."""
    return _pack_files(database_url(), borough_code, period, dt.date.today())


# --- issue #5 ---
@_cached_result(ttl=600, show_spinner=False)
def _diversity(url: str, day: dt.date):
    from dashboard import diversity  # imported here: state.py stays light for other pages

    return diversity.build(_read("members", url), _read("panels", url), _read("ward_population", url), day)


def diversity(day: dt.date):
    """London-wide membership-vs-Census figures on ``day`` (issue #5), cached per day."""
    return _diversity(database_url(), day)


@_cached_result(ttl=600, show_spinner=False, max_entries=256)
def _diversity_area(url: str, day: dt.date, level: str, code: str | None):
    from dashboard import areas, diversity_view

    wards = _read("wards", url)
    area = areas.Area(level, "", code)
    met = areas.met_wards(areas.wards_in(wards, area))["ward_code"].to_list()
    return diversity_view.AreaView(_diversity(url, day), wards, met)


def diversity_area(day: dt.date, area):
    """One area's diversity tables on ``day`` (issue #5), built once per area and day."""
    return _diversity_area(database_url(), day, area.level, area.code)


# --- issue #6 ---
# The Meetings, Promises and Engagement outcomes pages compute every figure for a filter choice
# in one pure call (dashboard.engagement_views); caching it here keeps a warm rerun to drawing.
# Arguments are plain values (not Area/Period objects) so Streamlit hashes them cheaply.



def _issue6_tables(url: str) -> dict[str, pl.DataFrame]:
    names = ("wards", "meetings", "promises", "engagement", "confidence", "dwo_assignments")
    return {name: _read(name, url) for name in names}


@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _meetings_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, first: dt.date, last: dt.date, minimum: int):
    from dashboard import engagement_views
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return engagement_views.meetings_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), first=first, last=last, minimum=minimum
    )


def meetings_view(area, period, *, first: dt.date, last: dt.date, minimum: int):
    url = database_url()
    return _meetings_view(url, area.level, area.name, area.code, period.end, period.span, first, last, minimum)


@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _promises_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, first: dt.date, review_days: int):
    from dashboard import engagement_views
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return engagement_views.promises_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), first=first, review_days=review_days
    )


def promises_view(area, period, *, first: dt.date, review_days: int):
    url = database_url()
    return _promises_view(url, area.level, area.name, area.code, period.end, period.span, first, review_days)


@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _outcomes_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, measure: str, outcome: str, first: dt.date):
    from dashboard import engagement_views
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return engagement_views.outcomes_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), measure=measure, outcome=outcome, first=first
    )


def outcomes_view(area, period, *, measure: str, outcome: str, first: dt.date):
    url = database_url()
    return _outcomes_view(url, area.level, area.name, area.code, period.end, period.span, measure, outcome, first)


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


@_cached_result(ttl=600, show_spinner=False, max_entries=64)
def _status(url: str, as_of: dt.date, text: str) -> pl.DataFrame:
    return _functioning.ward_status(
        _read("wards", url), _read("panels", url), _read("meetings", url), _read("promises", url),
        rules=_parsed_rules(text), as_of=as_of,
    )


def ward_status(as_of: dt.date) -> pl.DataFrame:
    """Every ward's panel status on ``as_of`` (functioning.ward_status), computed once per date."""
    return _status(database_url(), as_of, rubric_text())


@_cached_result(ttl=600, show_spinner="Working out every ward's status, quarter by quarter…", max_entries=8)
def _history(url: str, quarter_ends: tuple[dt.date, ...], text: str) -> pl.DataFrame:
    parts = [_status(url, q, text).select(pl.lit(q, dtype=pl.Date).alias("quarter_end"), "ward_code", "status") for q in quarter_ends]
    return pl.concat(parts) if parts else pl.DataFrame(schema={"quarter_end": pl.Date, "ward_code": pl.String, "status": pl.String})


def status_history(quarter_ends: tuple[dt.date, ...]) -> pl.DataFrame:
    """(quarter_end, ward_code, status) for every ward at each quarter end."""
    return _history(database_url(), tuple(quarter_ends), rubric_text())


@_cached_result(ttl=600, show_spinner=False, max_entries=64)
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




@_cached_result(ttl=600, show_spinner=False, max_entries=128)
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



# --- issue #11: do the promises follow the concerns? ---
@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _alignment_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str):
    from dashboard import alignment
    from dashboard.areas import Area
    from dashboard.periods import period_ending

    return alignment.alignment_view(_read("concerns", url), _read("promises", url), _read("wards", url),
                                    Area(level, name, code), period_ending(end, span))


def alignment_view(area, period):
    """Top concerns beside the promises set, for an area and period (issue #11), computed once per choice."""
    return _alignment_view(database_url(), area.level, area.name, area.code, period.end, period.span)


def pending_concerns() -> pl.DataFrame:
    """Concerns from the public ward pages waiting for a board member (id, submitted_at, ward, category, note).

    Not cached: a resident may send one at any moment, and the Data page is no hot path.
    """
    return queries.submitted_concerns(engine())
