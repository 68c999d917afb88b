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

from data_access import access_checks, audit, queries
from data_access import engine as eng
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


def database_url() -> str:
    return eng.resolve_url()


def sample_wanted(url: str) -> bool:
    return eng.is_embedded(url) or os.environ.get(SAMPLE_ENV) == "1"


@st.cache_resource(show_spinner="Preparing the database (first start only)…")
def _engine(url: str) -> Engine:
    engine = eng.make_engine(url)
    sample_load.prepare(engine, sample=sample_wanted(url))
    return engine


def engine() -> Engine:
    """The prepared engine; raises DatabaseProblem with a message fit to show."""
    return _engine(database_url())


# --- issue #10: who is looking, and the boroughs they may see ---
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


@st.cache_resource(show_spinner=False, ttl=600)
def _role_rules(text: str, url: str):
    from dashboard.app import access as acc

    return acc.parse_roles(text, acc.borough_lookup(_read("boroughs", url, None)))


def role_rules():
    """The role mapping's rules; raises access.RolesProblem with a message fit to show."""
    return _role_rules(access_checks.roles_text(), database_url())


def record(action: str, what: str, rows: int | None) -> None:
    """Add an event to the audit trail as the current user (issue #10)."""
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

READERS = {"boroughs": queries.boroughs, "wards": queries.wards, **queries.READERS}
LEFT_OUT = {name: spec.left_out for name, spec in _TABLES.items() if spec.left_out}
AS_CATEGORIES = {name: spec.categories for name, spec in _TABLES.items() if spec.categories}


@_cached_result(ttl=600, show_spinner=False)
def _read(name: str, url: str, scope: tuple[str, ...] | None) -> pl.DataFrame:
    reader = READERS[name]
    return compact(name, reader(_engine(url), scope, omit=LEFT_OUT[name]) if name in LEFT_OUT else reader(_engine(url), scope))


def compact(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A table's frame as the cache holds it: the AS_CATEGORIES columns as categories."""
    return frame.with_columns(pl.col(c).cast(pl.Categorical) for c in AS_CATEGORIES.get(name, ()))


@_cached_result(ttl=600, show_spinner=False, max_entries=256)
def _ward_promises(url: str, ward_code: str, scope: tuple[str, ...] | None) -> pl.DataFrame:
    return queries.promises(_engine(url), scope, ward_code=ward_code)


def ward_promises(ward_code: str) -> pl.DataFrame:
    """One ward's promises with every column, descriptions and outcomes included (none outside the user's boroughs)."""
    return _ward_promises(database_url(), ward_code, scope())


def public_ward_promises(ward_code: str) -> pl.DataFrame:
    """One ward's promises for the public ward page, whoever is looking (dashboard.figures.public_ward shows
    only their public fields, and never a promise marked internal)."""
    return _ward_promises(database_url(), ward_code, None)


PUBLIC_TABLES = ("wards", "panels", "meetings")  # what the public ward page reads (issue #11)


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
    from dashboard.figures import overview

    tables = {name: _read(name, url, None) for name in overview.OVERVIEW_TABLES}
    return overview.figures_for(_read("wards", url, None), tables, area, period)


def _area_boroughs(area) -> list[str]:
    from dashboard.domain import areas

    return areas.borough_codes(_read("wards", database_url(), None), area)


def overview_figures(area, period):
    """Overview figures for an area and period, computed once per choice (issue #9: warm reruns).

    The figures are aggregates (counts and shares), never rows. A user scoped to boroughs gets
    them for an area within those boroughs, and London's as the comparison (issue #10).
    """
    if not area.is_london:
        require_area_codes(_area_boroughs(area))
    return _overview(database_url(), area, period)


# --- issue #8: briefing pack ---
@_cached_result(ttl=600, show_spinner="Preparing the briefing pack…", max_entries=50)
def _pack(url: str, borough_code: str, period, produced_on, scope, text: str):
    from dashboard.domain import areas
    from dashboard.figures import briefing
    from data_access import reference

    # Rows are read within the user's boroughs (issue #10); London comparisons are aggregates.
    wards = _read("wards", url, scope)
    tables = {name: _read(name, url, scope) for name in _READERS_FOR_PACK}
    inputs = briefing.PackInputs(
        wards=wards,
        tables=tables,
        figures=lambda a, p: _overview(url, a, p),
        ward_features=reference.ward_geojson()["features"],
    )
    batches = _batches(url)
    real = batches.filter(pl.col("kind").is_in(["upload", "cli"]))
    last = (real if real.height else batches)["imported_at"].max()
    borough = areas.resolve(wards, bcu=None, borough=borough_code, ward=None)
    in_borough = areas.wards_in(wards, borough)
    all_status = _status(url, period.end, text, scope)
    status = dict(all_status.filter(pl.col("ward_code").is_in(in_borough["ward_code"].implode())).select("ward_code", "status").iter_rows())
    extra = pack_sections(url, borough, period, all_status, text, scope)
    return briefing.build_pack(
        borough_code,
        period,
        inputs,
        produced_on=produced_on,
        is_sample=is_sample(),
        sources=reference.ATTRIBUTION,
        last_import=last.date() if last else None,
        status=status,
        legend=[item for item in briefing.status_legend() if item[0] in set(status.values()) or item[0] != _CITY],
        extra=extra,
    )


def pack_sections(url: str, borough, period, all_status: pl.DataFrame, text: str, scope) -> tuple:
    """The pack's sections after the map, from the same cached views the pages draw (issues #4-#6)."""
    from dashboard.domain import areas, periods
    from dashboard.domain import status_style as style
    from dashboard.domain import vocabulary as voc
    from dashboard.figures import briefing, coverage, engagement_views
    from dashboard.figures import meetings as mt
    from dashboard.figures import promises as pr

    wards = _read("wards", url, scope)
    sections = []
    met = areas.met_wards(areas.wards_in(wards, borough))
    if met.height:
        plans = coverage.remedy_table(
            all_status.filter(pl.col("ward_code").is_in(met["ward_code"].implode())), wards, _read("remedy_plans", url, scope),
            as_of=period.end, statuses=(style.NO_PANEL, style.NOT_FUNCTIONING),
        )
        sections.append(briefing.attention_section(borough, period, plans))
    sections.append(briefing.diversity_section(borough, period, _diversity_area(url, period.end, borough.level, borough.code, scope)))
    if engagement_views.has_met_wards(wards, borough):
        first = periods.shift_quarters(period.end, -7)
        args = (url, borough.level, borough.name, borough.code, period.end, period.span)
        minimum, review_days = mt.DEFAULT_MINIMUM, pr.DEFAULT_REVIEW_DAYS
        meetings = _meetings_view(*args, first, period.end, minimum)
        promises = _promises_view(*args, first, review_days)
        outcomes = _outcomes_view(*args, voc.PAS_MEASURES[0], "completion", first)
        sections += [
            briefing.meetings_section(borough, period, meetings, minimum),
            briefing.promises_section(borough, period, promises, review_days),
            briefing.feedback_section(borough, period, promises),
            # issue #11: whether the promises follow what the community said.
            briefing.alignment_section(borough, period, _alignment_view(url, borough.level, borough.name, borough.code,
                                                                        period.end, period.span, scope)),
            briefing.outcomes_section(borough, period, outcomes),
        ]
    return tuple(sections)


_READERS_FOR_PACK = ("panels", "meetings", "promises", "engagement", "confidence", "remedy_plans", "members", "dwo_assignments", "ward_population")


def briefing_pack(borough_code: str, period):
    require_area_codes([borough_code])
    return _pack(database_url(), borough_code, period, dt.date.today(), scope(), rubric_text())


@_cached_result(ttl=600, show_spinner="Drawing the PDF and the workbook…", max_entries=20)
def _pack_files(url: str, borough_code: str, period, produced_on, scope, text: str) -> tuple[bytes, bytes]:
    from dashboard.figures.excel import render_xlsx
    from dashboard.figures.pdf import render_pdf

    pack = _pack(url, borough_code, period, produced_on, scope, text)
    return render_pdf(pack), render_xlsx(pack)


def briefing_files(borough_code: str, period) -> tuple[bytes, bytes]:
    """(PDF bytes, Excel bytes) of the pack, rendered once per borough, period and day."""
    require_area_codes([borough_code])
    return _pack_files(database_url(), borough_code, period, dt.date.today(), scope(), rubric_text())


# --- issue #5 ---
@_cached_result(ttl=600, show_spinner=False)
def _diversity(url: str, day: dt.date, scope):
    from dashboard.figures import diversity  # imported here: state.py stays light for other pages

    return diversity.build(_read("members", url, scope), _read("panels", url, scope), _read("ward_population", url, scope), day)


def diversity(day: dt.date):
    """London-wide membership-vs-Census figures on ``day`` (issue #5), cached per day."""
    return _diversity(database_url(), day, scope())


@_cached_result(ttl=600, show_spinner=False, max_entries=256)
def _diversity_area(url: str, day: dt.date, level: str, code: str | None, scope):
    from dashboard.domain import areas
    from dashboard.figures import diversity_view

    wards = _read("wards", url, scope)
    area = areas.Area(level, "", code)
    met = areas.met_wards(areas.wards_in(wards, area))["ward_code"].to_list()
    return diversity_view.AreaView(_diversity(url, day, scope), wards, met)


def diversity_area(day: dt.date, area):
    """One area's diversity tables on ``day`` (issue #5), built once per area and day."""
    return _diversity_area(database_url(), day, area.level, area.code, scope())


# --- issue #6 ---
# The Meetings, Promises and Engagement outcomes pages compute every figure for a filter choice
# in one pure call (dashboard.figures.engagement_views); caching it here keeps a warm rerun to drawing.
# Arguments are plain values (not Area/Period objects) so Streamlit hashes them cheaply.



def _issue6_tables(url: str) -> dict[str, pl.DataFrame]:
    # London-wide on purpose (issue #10): these views compare an area with London. They hold
    # no member data, and the *_view wrappers below refuse an area outside the user's boroughs,
    # so a scoped user gets rows of their own area and London aggregates, nothing else.
    names = ("wards", "meetings", "promises", "engagement", "confidence", "dwo_assignments")
    return {name: _read(name, url, None) for name in names}


@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _meetings_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, first: dt.date, last: dt.date, minimum: int):
    from dashboard.domain.areas import Area
    from dashboard.domain.periods import period_ending
    from dashboard.figures import engagement_views

    return engagement_views.meetings_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), first=first, last=last, minimum=minimum
    )


def meetings_view(area, period, *, first: dt.date, last: dt.date, minimum: int):
    require_area_codes(_area_boroughs(area))
    url = database_url()
    return _meetings_view(url, area.level, area.name, area.code, period.end, period.span, first, last, minimum)


@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _promises_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, first: dt.date, review_days: int):
    from dashboard.domain.areas import Area
    from dashboard.domain.periods import period_ending
    from dashboard.figures import engagement_views

    return engagement_views.promises_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), first=first, review_days=review_days
    )


def promises_view(area, period, *, first: dt.date, review_days: int):
    require_area_codes(_area_boroughs(area))
    url = database_url()
    return _promises_view(url, area.level, area.name, area.code, period.end, period.span, first, review_days)


@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _outcomes_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, measure: str, outcome: str, first: dt.date):
    from dashboard.domain.areas import Area
    from dashboard.domain.periods import period_ending
    from dashboard.figures import engagement_views

    return engagement_views.outcomes_view(
        _issue6_tables(url), Area(level, name, code), period_ending(end, span), measure=measure, outcome=outcome, first=first
    )


def outcomes_view(area, period, *, measure: str, outcome: str, first: dt.date):
    require_area_codes(_area_boroughs(area))
    url = database_url()
    return _outcomes_view(url, area.level, area.name, area.code, period.end, period.span, measure, outcome, first)


# --- issue #4 ---
# Ward statuses, their quarterly history and the map's spec. Keys are plain values (date,
# strings, the rubric's text) so a change to the rubric file is a new key, not a stale answer.

from dashboard.domain.status_style import CITY as _CITY  # noqa: E402
from dashboard.figures import functioning as _functioning  # noqa: E402
from dashboard.figures import maps as _maps  # noqa: E402
from data_access import rubric as _rubric  # noqa: E402


@st.cache_resource(show_spinner=False)
def boundaries() -> _maps.Boundaries:
    """Ward and borough boundaries for the maps, read from the reference GeoJSON once per process."""
    from data_access import reference

    return _maps.boundaries(reference.ward_geojson(), reference.borough_geojson())


def rubric_text() -> str:
    return _rubric.rubric_text()


def rules() -> _functioning.Rules:
    """The functioning rubric; raises functioning.RulesProblem with a message fit to show."""
    return _parsed_rules(rubric_text())


@st.cache_resource(show_spinner=False)
def _parsed_rules(text: str) -> _functioning.Rules:
    return _functioning.parse_rules(text)


@_cached_result(ttl=600, show_spinner=False, max_entries=64)
def _status(url: str, as_of: dt.date, text: str, scope) -> pl.DataFrame:
    return _work_out_status(url, as_of, text, scope)


def _work_out_status(url: str, as_of: dt.date, text: str, scope) -> pl.DataFrame:
    """functioning.ward_status on the (cached) tables, not itself cached."""
    return _functioning.ward_status(
        _read("wards", url, scope), _read("panels", url, scope), _read("meetings", url, scope), _read("promises", url, scope),
        rules=_parsed_rules(text), as_of=as_of,
    )


def ward_status(as_of: dt.date) -> pl.DataFrame:
    """Every ward's panel status on ``as_of`` (functioning.ward_status), computed once per date."""
    return _status(database_url(), as_of, rubric_text(), scope())


@_cached_result(ttl=600, show_spinner="Working out every ward's status, quarter by quarter…", max_entries=8)
def _history(url: str, quarter_ends: tuple[dt.date, ...], text: str, scope) -> pl.DataFrame:
    # Each quarter's status is worked out here and only three columns kept, not through the
    # per-date cache: at --scale 10 caching 37 full status frames (with their reasons) cost
    # about 60 MB of the server's memory for a chart that needs none of it (issue #9).
    parts = [
        _work_out_status(url, q, text, scope).select(pl.lit(q, dtype=pl.Date).alias("quarter_end"), "ward_code", "status")
        for q in quarter_ends
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema={"quarter_end": pl.Date, "ward_code": pl.String, "status": pl.String})


def status_history(quarter_ends: tuple[dt.date, ...]) -> pl.DataFrame:
    """(quarter_end, ward_code, status) for every ward at each quarter end."""
    return _history(database_url(), tuple(quarter_ends), rubric_text(), scope())


@_cached_result(ttl=600, show_spinner=False, max_entries=64)
def _map_spec(url: str, metric: str, level: str, code: str | None, as_of: dt.date, text: str, highlight: str | None, scope) -> tuple[str, pl.DataFrame, str]:
    from dashboard.domain import areas

    wards = _read("wards", url, scope)
    ward_codes = areas.wards_in(wards, areas.Area(level, "", code))["ward_code"].to_list()
    status = _status(url, as_of, text, scope)
    chosen = _maps.METRICS[metric]
    inputs = _maps.MapInputs(as_of=as_of, status=status, table=lambda name: _read(name, url, scope),
                             diversity=lambda day: _diversity(url, day, scope),
                             min_meetings=_parsed_rules(text).min_meetings_12m)
    values = _maps.ward_values(chosen, inputs).join(status.select("ward_code", "reason_text"), on="ward_code")
    # Letters on the wards (status shown without colour) only when zoomed in: at London scale
    # 700 labels would hide the map.
    letters = chosen.kind == "status" and level in ("borough", "ward")
    spec = _maps.deck_json(values, wards, metric_title=chosen.title, ward_codes=ward_codes, highlight=highlight, letters=letters,
                           shapes=boundaries())
    shown = values.filter(pl.col("ward_code").is_in(ward_codes))
    area_name = areas.resolve(wards, bcu=code if level == "bcu" else None, borough=code if level == "borough" else None, ward=None).name
    title = chosen.title_for(shown.filter(pl.col("status") != _CITY), area_name, inputs)
    return spec, shown, title


def map_spec(metric: str, level: str, code: str | None, as_of: dt.date, *, highlight: str | None = None) -> tuple[str, pl.DataFrame, str]:
    """(deck JSON, values of the wards shown, a title stating the finding) for a metric, an area
    and a date; built once, then reused.

    ``level``/``code`` are an Area's (a ward's map shows its borough, so pass the borough).
    """
    return _map_spec(database_url(), metric, level, code, as_of, rubric_text(), highlight, scope())




@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _coverage_view(url: str, as_of: dt.date, level: str, code: str | None, count_by: str, text: str, scope) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    from dashboard.domain import areas
    from dashboard.domain import status_style as _style
    from dashboard.figures import coverage

    wards = _read("wards", url, scope)
    codes = areas.wards_in(wards, areas.Area(level, "", code))["ward_code"]
    status = _status(url, as_of, text, scope).filter(pl.col("ward_code").is_in(codes.implode()))
    counts = coverage.totals(status, codes.to_list())
    table = coverage.coverage_table(status, wards, level=count_by)
    attention = coverage.with_icons(
        coverage.remedy_table(status, wards, _read("remedy_plans", url, scope), as_of=as_of,
                              statuses=(_style.NO_PANEL, _style.NOT_FUNCTIONING, _style.AT_RISK))
    )
    return counts, table, attention


def coverage_view(as_of: dt.date, level: str, code: str | None, count_by: str) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    """(status counts, coverage table by ``count_by``, wards needing attention) for an area on a date."""
    return _coverage_view(database_url(), as_of, level, code, count_by, rubric_text(), scope())



# --- issue #10: the audit trail (read fresh every time: it is short and must be current) ---
def audit_events() -> pl.DataFrame:
    return audit.events(engine())

# --- issue #11: do the promises follow the concerns? ---
@_cached_result(ttl=600, show_spinner=False, max_entries=128)
def _alignment_view(url: str, level: str, name: str, code: str | None, end: dt.date, span: str, scope):
    from dashboard.domain.areas import Area
    from dashboard.domain.periods import period_ending
    from dashboard.figures import alignment

    # Every figure here is of the area's own wards (no London comparison), so rows are read
    # within the user's boroughs (issue #10).
    return alignment.alignment_view(_read("concerns", url, scope), _read("promises", url, scope), _read("wards", url, scope),
                                    Area(level, name, code), period_ending(end, span))


def alignment_view(area, period):
    """Top concerns beside the promises set, for an area and period (issue #11), computed once per choice."""
    if not area.is_london:
        require_area_codes(_area_boroughs(area))
    return _alignment_view(database_url(), area.level, area.name, area.code, period.end, period.span, scope())


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


def pending_concerns() -> pl.DataFrame:
    """Concerns from the public ward pages waiting for a board member (id, submitted_at, ward, category, note),
    in the user's boroughs only (issue #10).

    Not cached: a resident may send one at any moment, and the Data page is no hot path.
    """
    return queries.submitted_concerns(engine(), boroughs=scope())
