"""The dashboard's cache (the server's memory at --scale 10): it leaves unused columns in
the database, reads a ward's free text on demand (on SQLite and PostgreSQL), and holds repeated
words as categories without changing any figure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import polars as pl
import pytest

from dashboard.app import state, views
from dashboard.domain import areas, periods
from dashboard.domain import vocabulary as voc
from dashboard.domain.selection import Selection
from dashboard.figures import alignment, briefing, coverage, diversity_view, maps, overview
from dashboard.figures import engagement_views as ev
from dashboard.figures.engagement_views import OUTCOME_CHOICES
from data_access import engine as eng
from data_access import queries, writes

HACKNEY, CROYDON = "E09000012", "E09000008"
BROWNSWOOD, BELSIZE = "E05009367", "E05013652"  # Hackney, Camden
HEADER = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on,internal\n"
ROWS = (
    f"P1,{BROWNSWOOD},2023-01-10,drugs,panel,Close the crack house on Green Lanes,achieved,2023-05-01,Premises closure order granted,2023-05-20,no\n"
    f"P2,{BROWNSWOOD},2023-07-10,burglary,borough,Target hardening on the estate,open,,,,no\n"
    f"P3,{BELSIZE},2023-02-01,road safety,panel,Speed checks on Haverstock Hill,open,,,,no\n"
)


@pytest.fixture
def engine(any_url):
    from data_access import seed

    e = eng.make_engine(any_url)
    seed.prepare(e)
    data = (HEADER + ROWS).encode()
    checked = writes.check_files(e, [("promises.csv", data)], ["promises"])
    assert checked[0].ok, checked[0].problems
    writes.import_checked(e, checked, [data], kind="upload")
    yield e
    e.dispose()


def test_omitted_columns_stay_in_the_database_and_the_rest_arrive(engine):
    full = queries.promises(engine)
    lean = queries.promises(engine, omit=state.LEFT_OUT["promises"])
    text = {"description", "outcome", "action"}  # free text no figure counts: read for one ward when shown
    assert text <= set(full.columns)
    assert set(lean.columns) == set(full.columns) - text
    assert lean.sort("promise_ref").equals(full.drop(*text).sort("promise_ref"))


def test_one_wards_promises_carry_their_text_and_respect_the_scope(engine):
    mine = queries.promises(engine, ward_code=BROWNSWOOD).sort("promise_ref")
    assert mine["promise_ref"].to_list() == ["P1", "P2"]
    assert mine["description"].to_list() == ["Close the crack house on Green Lanes", "Target hardening on the estate"]
    assert mine["outcome"].to_list() == ["Premises closure order granted", None]
    # A Hackney user asking for a Camden ward gets nothing, not Camden's text.
    assert queries.promises(engine, (HACKNEY,), ward_code=BELSIZE).height == 0
    assert queries.promises(engine, (HACKNEY,), ward_code=BROWNSWOOD).height == 2


def test_every_left_out_column_is_a_real_column_and_a_typo_is_refused(engine):
    for name, columns in state.LEFT_OUT.items():
        frame = state.READERS[name](engine, None, omit=columns)
        assert not set(columns) & set(frame.columns), name
    with pytest.raises(ValueError, match="promise has no column descripton"):
        queries.promises(engine, omit=("descripton",))


# --- Categories: the cache holds repeated words as categories; no figure may change ---


def _plain(value):
    """Something comparable with ==: frames as (column, dtype) and rows, categories as text."""
    if isinstance(value, pl.DataFrame):
        text = value.with_columns(pl.col(pl.Categorical).cast(pl.String))
        rows = [tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in r) for r in text.rows()]
        # Rows in any order: joins do not promise one, whatever the dtype (polars sorts
        # categories by their text, so an explicit sort gives the same order either way).
        return [(c, str(t)) for c, t in text.schema.items()], sorted(rows, key=repr)
    if isinstance(value, pl.Series):
        return _plain(value.to_frame())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if type(value).__module__.startswith("dashboard"):  # e.g. AreaView: a plain class
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


def _every_figure(url: str) -> dict:
    """What the pages and the pack show, worked out through dashboard.app.state as the pages do."""
    state.clear()
    text = state.rubric_text()
    _, end = state.data_bounds()
    period = periods.period_ending(end, "year")
    first = periods.shift_quarters(end, -7)
    wards = state._read("wards", url, None)
    croydon = areas.resolve(wards, bcu=None, borough=CROYDON, ward=None)
    out = {"status": state._status(url, end, text, None),
           "history": state._history(url, tuple(periods.quarter_ends(first, end)), text, None)}
    for area in (areas.LONDON, croydon):
        sel = Selection(area, period, None)
        out[f"overview {area.name}"] = views.view(overview.figures_for, sel)
        out[f"meetings {area.name}"] = views.view(ev.meetings_view, sel, first=first, last=end, minimum=1)
        out[f"promises {area.name}"] = views.view(ev.promises_view, sel, first=first, review_days=91)
        for outcome in OUTCOME_CHOICES:
            out[f"outcomes {area.name} {outcome}"] = views.view(ev.outcomes_view, sel, measure=voc.PAS_MEASURES[0], outcome=outcome, first=first)
        out[f"alignment {area.name}"] = views.view(alignment.alignment_view, sel)
        out[f"diversity {area.name}"] = views.view(diversity_view.area_view, sel)
        out[f"coverage {area.name}"] = views.view(coverage.coverage_view, sel, count_by="Borough")
        for metric in maps.METRICS:
            out[f"map {area.name} {metric}"] = views.view(maps.map_view, sel, metric=metric, highlight=None)
    out["pack"] = views.view(briefing.build_pack, Selection(croydon, period, None), produced_on=dt.date(2026, 12, 1))
    return out


def test_categories_change_no_figure_on_any_page_or_in_the_pack(seeded_sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite_url)
    held = _every_figure(seeded_sqlite_url)
    assert held["status"].height == 704 and held["pack"].sections
    # The cache really holds categories (else this test would compare text with text).
    assert state._read("promises", seeded_sqlite_url, None).schema["status"] == pl.Categorical
    monkeypatch.setattr(state, "compact", lambda name, frame: frame)
    as_text = _every_figure(seeded_sqlite_url)
    assert state._read("promises", seeded_sqlite_url, None).schema["status"] == pl.String
    state.clear()
    assert held.keys() == as_text.keys()
    for name in held:
        assert _plain(held[name]) == _plain(as_text[name]), name
