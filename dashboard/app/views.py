"""Views: what a page draws for its Selection, worked out once by a pure builder and shared.

A page passes its Selection (area, period, the user's boroughs) whole to ``view(builder,
selection, **options)``: the pure builder from dashboard.figures runs once per selection and
options, fed from state's cached tables, and every view obeys one access rule (``_require``: the
selection is the current user's and its area lies within their boroughs). Each builder is
registered once below with ``_view_of``: what it reads, and what its cache key holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import polars as pl

from dashboard.app import state
from dashboard.domain import areas, periods
from dashboard.domain.periods import Period
from dashboard.domain.selection import Selection
from dashboard.figures import (
    alignment,
    board,
    briefing,
    coverage,
    crime,
    diversity_view,
    engagement_views,
    linked,
    maps,
    overview,
    partners,
    wards_in_time,
)
from data_access import access_checks, reference


def selection(period: Period, *, bcu: str | None = None, borough: str | None = None, ward: str | None = None) -> Selection:
    """The selection the sidebar makes (for scripts and tests): the area among the user's wards, with their boroughs."""
    return Selection(areas.resolve(state.table("wards"), bcu=bcu, borough=borough, ward=ward), period, state.scope())


def _require(sel: Selection) -> None:
    """The one access rule: the selection is the current user's, and its area lies within their boroughs."""
    if sel.scope != state.scope():
        raise access_checks.OutOfScope("That view was asked for with boroughs other than those you may see.")
    if sel.scope is not None:
        state.require_area_codes(areas.borough_codes(state._read("wards", state.database_url(), None), sel.area))


class Source(NamedTuple):
    """What a builder reads: one database's cached tables within a scope (None: London-wide)."""

    url: str
    scope: tuple[str, ...] | None
    text: str  # the rubric's text; "" for a view that does not use it

    def table(self, name: str) -> pl.DataFrame:
        return state._read(name, self.url, self.scope)

    def status(self, as_of: dt.date) -> pl.DataFrame:
        return state._status(self.url, as_of, self.text, self.scope)

    def diversity(self, day: dt.date):
        return state._diversity(self.url, day, self.scope)

    def publication(self, day: dt.date):
        return state._publication(self.url, day)

    def view(self, builder: Callable, sel: Selection, **options):
        """Another view, from inside a builder (no access check: the outer view was checked)."""
        return _cached(builder, self.url, sel, self.text, options)


class _View(NamedTuple):
    cached: Callable
    london_wide: bool  # reads all of London (aggregates and the area's own rows): the key holds no scope
    rules: bool  # uses the rubric: its text is in the key
    by_day: bool  # depends on the period's last day only: one entry per day, whatever the span


_VIEWS: dict[Callable, _View] = {}


def _view_of(builder: Callable, *, london_wide=False, rules=False, by_day=False, max_entries=128, spinner: str | bool = False):
    """Register how a pure builder is fed from a Source: ``feed(source, selection, **options)``."""

    def register(feed: Callable) -> Callable:
        def cached(url: str, sel: Selection, text: str, options: tuple):
            return feed(Source(url, sel.scope, text), sel, **dict(options))

        # Streamlit keys a cache by the function's name and source: each view gets its own name.
        cached.__qualname__ = cached.__name__ = f"view_{builder.__module__}.{builder.__qualname__}"
        _VIEWS[builder] = _View(state._cached_result(ttl=state.TABLE_TTL, show_spinner=spinner, max_entries=max_entries)(cached), london_wide, rules, by_day)
        return feed

    return register


def view(builder: Callable, sel: Selection, **options):
    """What ``builder`` makes of the selection, worked out once per selection and options, then shared.

    An area outside the user's boroughs is refused (access_checks.OutOfScope). Views that read
    London-wide (to set an area beside London) hold no member data and are shared by every user.
    """
    _require(sel)
    return _cached(builder, state.database_url(), sel, state.rubric_text() if _VIEWS[builder].rules else "", options)


def _cached(builder: Callable, url: str, sel: Selection, text: str, options: dict):
    spec = _VIEWS[builder]
    period = periods.period_ending(sel.as_of, "quarter") if spec.by_day else sel.period
    key = Selection(sel.area, period, None if spec.london_wide else sel.scope)
    return spec.cached(url, key, text if spec.rules else "", tuple(sorted(options.items())))


def _feedback_days(src: Source) -> int:
    """The rubric's [feedback] told_within_days: "you said, we did" counts a promise told within it."""
    return state._parsed_rules(src.text).feedback_days


# The feedback rate's window is a rubric setting, so these views are keyed by the rubric's text.
@_view_of(overview.figures_for, london_wide=True, rules=True, max_entries=500)
def _overview(src: Source, sel: Selection):
    return overview.figures_for(src.table("wards"), {n: src.table(n) for n in overview.OVERVIEW_TABLES}, sel.area, sel.period,
                                feedback_days=_feedback_days(src))


# The Meetings, Promises and Engagement outcomes pages compare an area with London, so
# they read London-wide: they hold no member data, and view() refuses an area outside the user's
# boroughs, so a scoped user gets rows of their own area and London aggregates, nothing else.
_COMPARED_TABLES = ("wards", "meetings", "promises", "engagement", "confidence", "dwo_assignments")
_view_of(engagement_views.meetings_view, london_wide=True)(
    lambda src, sel, **options: engagement_views.meetings_view({n: src.table(n) for n in _COMPARED_TABLES}, sel.area, sel.period, **options)
)
for _builder in (engagement_views.promises_view, engagement_views.outcomes_view):
    _view_of(_builder, london_wide=True, rules=True)(
        lambda src, sel, _builder=_builder, **options: _builder(
            {n: src.table(n) for n in _COMPARED_TABLES}, sel.area, sel.period, feedback_days=_feedback_days(src), **options
        )
    )


@_view_of(alignment.alignment_view)  # every figure is of the area's own wards: read within the user's boroughs
def _alignment(src: Source, sel: Selection):
    return alignment.alignment_view(src.table("concerns"), src.table("promises"), src.table("wards"), sel.area, sel.period)


@_view_of(partners.partner_view)  # the area's own wards: read within the user's boroughs
def _partners(src: Source, sel: Selection):
    return partners.partner_view(src.table("promises"), src.table("wards"), sel.area, sel.period)


@_view_of(linked.linked_view)  # the area's own wards: read within the user's boroughs
def _linked(src: Source, sel: Selection):
    return linked.linked_view(src.table("promises"), src.table("engagement"), src.table("wards"), sel.area, sel.period)


@_view_of(crime.crime_view)  # the area's own wards: read within the user's boroughs
def _crime(src: Source, sel: Selection):
    return crime.crime_view(src.table("crime"), src.table("promises"), src.table("wards"), sel.area, sel.period,
                            reference.crime_categories())


@_view_of(diversity_view.area_view, by_day=True, max_entries=256)
def _diversity_area(src: Source, sel: Selection):
    return diversity_view.area_view(src.diversity(sel.as_of), src.table("wards"), sel.area, src.publication(sel.as_of))


@_view_of(board.board_view, max_entries=128)
def _board(src: Source, sel: Selection):
    # The boards within the user's boroughs; what may be shown of their counts is London-wide (state._board_publication).
    inputs = board.BoardInputs(src.table("wards"), src.table("board_members"), src.table("board_meetings"), src.table("borough_commanders"),
                               src.table("board_funding"), src.table("panels"))
    return board.board_view(inputs, state._boards(src.url, sel.as_of, sel.scope), state._board_publication(src.url, sel.as_of), sel.area, sel.period)


@_view_of(coverage.coverage_view, rules=True, by_day=True)
def _coverage(src: Source, sel: Selection, *, count_by: str):
    return coverage.coverage_view(src.status(sel.as_of), src.table("wards"), src.table("remedy_plans"), sel.area, as_of=sel.as_of,
                                  count_by=count_by)


@_view_of(maps.map_view, rules=True, by_day=True, max_entries=64)
def _map(src: Source, sel: Selection, *, metric: str, highlight: str | None, exact: bool = False):
    # ``exact``: the diversity gap as exact figures (for roles allowed them), else from the published counts.
    inputs = maps.MapInputs(as_of=sel.as_of, status=src.status(sel.as_of), table=src.table, diversity=src.diversity,
                            publication=None if exact else src.publication,
                            min_meetings=state._parsed_rules(src.text).min_meetings_12m)
    return maps.map_view(metric, inputs, src.table("wards"), sel.area, highlight=highlight, shapes=state.boundaries())


_PACK_TABLES = ("panels", "meetings", "promises", "engagement", "confidence", "remedy_plans", "members", "dwo_assignments", "ward_population")


@_view_of(briefing.build_pack, rules=True, max_entries=50, spinner="Preparing the briefing pack…")
def _pack(src: Source, sel: Selection, *, produced_on: dt.date):
    # Rows are read within the user's boroughs; London comparisons are aggregates.
    inputs = briefing.PackInputs(
        wards=src.table("wards"), tables={n: src.table(n) for n in _PACK_TABLES},
        figures=lambda area, period: src.view(overview.figures_for, Selection(area, period, None)),
        ward_features=reference.ward_geojson()["features"], status=src.status(sel.as_of),
        views=lambda builder, **options: src.view(builder, sel, **options),
    )
    return briefing.build_pack(sel.area.code, sel.period, inputs, produced_on=produced_on, is_sample=state.is_sample(),
                               sources=reference.ATTRIBUTION, batches=state._batches(src.url, sel.scope))


# --- What the pages call with their Selection ---


def overview_figures(sel: Selection):
    """(this period's, the previous period's, London's) Overview figures: aggregates, never rows.
    London's are what every user's area is set beside, whatever their boroughs."""
    now = view(overview.figures_for, sel)
    london = now if sel.area.is_london else _cached(overview.figures_for, state.database_url(), sel.at(areas.LONDON), state.rubric_text(), {})
    return now, view(overview.figures_for, sel.previous()), london


def diversity(sel: Selection):
    """London-wide (within the user's boroughs) membership-vs-Census figures on the selection's day."""
    _require(sel)
    return state._diversity(state.database_url(), sel.as_of, sel.scope)


def ward_status(sel: Selection) -> pl.DataFrame:
    """Every ward's panel status (functioning.ward_status) on the selection's day, within the user's boroughs."""
    _require(sel)
    return state._status(state.database_url(), sel.as_of, state.rubric_text(), sel.scope)


def coverage_trend(sel: Selection) -> tuple[dt.date, pl.DataFrame | None]:
    """(the day the trend starts, the area's counts quarter by quarter: None before a full year of data is held)."""
    _require(sel)
    first, _ = state.data_bounds()
    start, quarter_ends = coverage.trend_quarters(first, sel.as_of)
    if not quarter_ends:
        return start, None
    history = state._history(state.database_url(), quarter_ends, state.rubric_text(), sel.scope)
    codes = wards_in_time.area_codes(sel.area, state.table("wards"), state.table("former_wards"), state.table("ward_successors"))
    return start, coverage.trend_counts(history, codes)


def briefing_pack(sel: Selection) -> briefing.Pack:
    """The briefing pack for the selection's area, a borough, made once a day."""
    return view(briefing.build_pack, sel, produced_on=dt.date.today())


@state._cached_result(ttl=state.TABLE_TTL, show_spinner="Drawing the PDF and the workbook…", max_entries=20)
def _pack_files(url: str, sel: Selection, text: str, produced_on: dt.date) -> tuple[bytes, bytes]:
    from dashboard.figures.excel import render_xlsx
    from dashboard.figures.pdf import render_pdf

    pack = _cached(briefing.build_pack, url, sel, text, {"produced_on": produced_on})
    return render_pdf(pack), render_xlsx(pack)


def briefing_files(sel: Selection) -> tuple[bytes, bytes]:
    """(PDF bytes, Excel bytes) of the pack, rendered once per borough, period and day."""
    _require(sel)
    return _pack_files(state.database_url(), sel, state.rubric_text(), dt.date.today())
