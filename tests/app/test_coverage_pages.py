"""Panel coverage, remedy plans, coverage trend and the borough map, through AppTest.

Run against the seeded sample database. The checks tie numbers across pages and widgets
(cards add up, the trend's last quarter equals the coverage page's figure, the map's spec holds
the area's wards), so a wrong filter, cache key or join shows up as a mismatch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.domain import status_style as s

ROOT = Path(__file__).resolve().parents[2]
STATUS_CARDS = [s.label(x) for x in (s.FUNCTIONING, s.AT_RISK, s.NOT_FUNCTIONING, s.NO_PANEL)]


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# Tables in page order (a read-only st.dataframe carries no key to find it by).
TABLES = {"coverage": 0, "attention": 1, "remedy": 0, "trend": 0, "map_values": 0}


def table(at: AppTest, key: str):
    return at.dataframe[TABLES[key]].value


def deck(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def features(spec: dict) -> list[dict]:
    return next(layer for layer in spec["layers"] if layer["id"] == "wards")["data"]["features"]


def test_coverage_cards_add_up_to_londons_met_wards(app_env):
    at = open_page("pages/coverage.py")
    shown = cards(at)
    assert shown["Met wards"] == "679"
    counts = {label: int(shown[label]) for label in STATUS_CARDS}
    assert sum(counts.values()) == 679
    failing = counts[s.label(s.NO_PANEL)] + counts[s.label(s.NOT_FUNCTIONING)]
    at_risk = counts[s.label(s.AT_RISK)]
    assert at.subheader[0].value == (
        f"London: {failing} of 679 wards have no panel or a panel not functioning, and {at_risk} more are at risk"
    )
    # The attention list holds every ward that is not fully functioning.
    assert at.subheader[1].value == f"Wards needing attention: {failing + at_risk}"
    by_borough = table(at, "coverage")
    assert len(by_borough) == 32  # the Met's boroughs; the City of London is not counted
    assert by_borough["Wards"].sum() == 679
    assert by_borough["Functioning"].sum() == counts[s.label(s.FUNCTIONING)]


def test_coverage_table_by_bcu_and_a_borough_narrows_everything(app_env):
    at = open_page("pages/coverage.py")
    at.radio(key="coverage_level").set_value("BCU").run()
    by_bcu = table(at, "coverage")
    assert len(by_bcu) == 12 and by_bcu["Wards"].sum() == 679
    at.sidebar.selectbox(key="borough").set_value("E09000012").run()  # Hackney
    assert not at.exception
    shown = cards(at)
    assert shown["Met wards"] == "21"
    assert sum(int(shown[label]) for label in STATUS_CARDS) == 21
    assert at.subheader[0].value.startswith("Hackney: ")
    rows = table(at, "coverage")
    assert rows["Area"].tolist() == ["Hackney"]
    attention = table(at, "attention")
    assert set(attention["Borough"]) <= {"Hackney"}
    assert not attention["Status"].str.contains(s.FUNCTIONING + "$").any()


def test_an_earlier_date_gives_different_statuses(app_env):
    now = cards(open_page("pages/coverage.py"))
    then = cards(open_page("pages/coverage.py", quarter="October to December 2016"))
    assert then["Met wards"] == now["Met wards"] == "679"
    assert [then[c] for c in STATUS_CARDS] != [now[c] for c in STATUS_CARDS]


def test_city_of_london_is_outside_the_counts(app_env):
    at = open_page("pages/coverage.py", borough="City of London")
    assert cards(at)["Met wards"] == "0"
    assert at.subheader[0].value == "City of London: no Met wards"


@pytest.mark.sqlite_only("a ward's detail is worked out from the cached frames")
def test_choosing_a_ward_shows_its_detail(app_env):
    at = open_page("pages/coverage.py", borough="Hackney")
    attention = table(at, "attention")
    code, name = attention["Ward code"].iloc[0], attention["Ward"].iloc[0]
    at.selectbox(key="coverage_ward").set_value(code).run()
    assert not at.exception
    heading = next(h.value for h in at.subheader if h.value.startswith(f"{name} (Hackney): "))
    assert heading.endswith(attention["Status"].iloc[0])


def test_remedy_plans_cover_every_ward_without_a_functioning_panel(app_env):
    coverage = cards(open_page("pages/coverage.py"))
    needing = int(coverage[s.label(s.NO_PANEL)]) + int(coverage[s.label(s.NOT_FUNCTIONING)])
    at = open_page("pages/remedy_plans.py")
    shown = cards(at)
    assert int(shown["Wards needing a plan"]) == needing
    assert int(shown["⚠ No plan"]) + int(shown["⚠ Past due"]) + int(shown["Not yet due"]) == needing
    rows = table(at, "remedy")
    assert len(rows) == needing
    assert set(rows["Plan"]) <= {"⚠ No plan", "⚠ Past due", "Not yet due"}
    assert rows[rows["Plan"] == "⚠ No plan"]["Action agreed with the Met"].isna().all()
    assert rows[rows["Plan"] != "⚠ No plan"]["Owner"].notna().all()
    assert at.subheader[0].value == (
        f"London: {shown['⚠ No plan']} of {needing} wards needing a plan have none, and {shown['⚠ Past due']} plans are past due"
    )


def test_trend_ends_with_the_coverage_pages_figure(app_env):
    coverage = cards(open_page("pages/coverage.py", borough="Hackney", quarter="April to June 2021"))
    at = open_page("pages/trend.py", borough="Hackney", quarter="April to June 2021")
    rows = table(at, "trend")
    # Data start on 1 October 2014; the rubric looks back 12 months, so the trend starts with the
    # quarter ending 30 September 2015 (a full year of data before it).
    assert str(rows["Quarter ending"].iloc[0])[:10] == "2015-09-30"
    last = rows.iloc[-1]
    assert str(last["Quarter ending"])[:10] == "2021-06-30"
    assert last["Wards"] == 21
    assert last["Functioning"] == int(coverage[s.label(s.FUNCTIONING)])
    assert last["No panel"] == int(coverage[s.label(s.NO_PANEL)])
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["title"]["text"].startswith("Hackney: ")


def test_map_spec_london_has_every_ward_a_local_style_and_a_text_tooltip(app_env):
    at = open_page("pages/borough_map.py")
    spec = deck(at)
    wards = features(spec)
    assert len(wards) == 704
    assert spec["mapStyle"] == "/app/static/map_style.json"
    assert [layer["id"] for layer in spec["layers"]][:2] == ["wards", "boroughs"]
    assert len(next(layer for layer in spec["layers"] if layer["id"] == "boroughs")["data"]["features"]) == 33
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert "html" not in tooltip and "{reasons}" in tooltip["text"]
    statuses = [f["properties"]["status"] for f in wards]
    assert statuses.count(s.CITY) == 25
    assert sum(st != s.CITY for st in statuses) == 679
    # Fill colour follows the status.
    one = next(f["properties"] for f in wards if f["properties"]["status"] == s.NO_PANEL)
    assert one["fill"] == s.rgb(s.NO_PANEL)


def test_map_metric_area_and_date_choices_change_the_spec(app_env):
    at = open_page("pages/borough_map.py", borough="Hackney")
    hackney = deck(at)
    assert len(features(hackney)) == 21
    assert hackney["initialViewState"]["zoom"] > 11
    assert {f["properties"]["borough_name"] for f in features(hackney)} == {"Hackney"}
    assert "letters" in [layer["id"] for layer in hackney["layers"]]  # status letters when zoomed in

    at.selectbox(key="map_metric").set_value("Meetings in the last 12 months").run()
    meetings = deck(at)
    labels = [f["properties"]["label"] for f in features(meetings)]
    assert all(label == "No panel" or label.endswith("in the last 12 months") for label in labels)
    assert [f["properties"]["fill"] for f in features(meetings)] != [f["properties"]["fill"] for f in features(hackney)]
    assert at.subheader[0].value.startswith("Hackney: ") and "met fewer than 4 times" in at.subheader[0].value

    at.sidebar.selectbox(key="quarter").set_value("2017-Q4").run()
    assert not at.exception
    earlier = deck(at)
    assert [f["properties"]["label"] for f in features(earlier)] != labels


@pytest.mark.sqlite_only("the map is worked out from the cached frames")
def test_map_with_a_ward_chosen_outlines_it_and_shows_its_detail(app_env):
    at = open_page("pages/borough_map.py", borough="Hackney")
    code = features(deck(at))[0]["properties"]["ward_code"]
    name = features(deck(at))[0]["properties"]["ward_name"]
    at.sidebar.selectbox(key="ward").set_value(code).run()
    assert not at.exception
    spec = deck(at)
    assert len(features(spec)) == 21  # the ward is shown within its borough
    assert "chosen" in [layer["id"] for layer in spec["layers"]]
    assert any(h.value.startswith(f"{name} (Hackney): ") for h in at.subheader)


@pytest.mark.parametrize("metric", ["Panel status", "Meetings in the last 12 months", "Promise completion", "Diversity gap beyond chance"])
def test_every_map_metric_has_a_legend_and_a_table(app_env, metric):
    at = open_page("pages/borough_map.py", map_metric=metric)
    rows = table(at, "map_values")
    assert len(rows) == 704
    assert metric in rows.columns
    assert any(m.value.startswith("**Legend**") for m in at.markdown)


def test_diversity_gap_on_the_map_is_the_diversity_pages_own(app_env):
    """The map reuses the membership comparison the diversity page caches; the values are the
    same as building it afresh from the tables. As others see it (worked out from the published
    counts), each panel's gap is the range those counts leave, which holds the exact one."""
    import datetime as dt
    import re

    import polars as pl

    from dashboard.app import views
    from dashboard.domain import periods
    from dashboard.figures import diversity, maps
    from data_access import engine as eng
    from data_access import queries

    day = dt.date(2023, 12, 31)
    sel = views.selection(periods.period_ending(day, "quarter"), borough="E09000012")
    _, shown, _ = views.view(maps.map_view, sel, metric="Diversity gap beyond chance", highlight=None, exact=True)
    engine = eng.make_engine(app_env)
    fresh = diversity.ward_gap(queries.members(engine), queries.panels(engine), queries.ward_population(engine), day)
    engine.dispose()
    expected = fresh.filter(pl.col("ward_code").is_in(shown["ward_code"].implode())).select("ward_code", pl.col("value").round(0))
    got = shown.filter(pl.col("value").is_not_null()).select("ward_code", "value")
    assert got.sort("ward_code").equals(expected.drop_nulls().sort("ward_code"))
    assert got.height >= 15  # most of Hackney's 21 wards have a panel with stated members
    _, published, _ = views.view(maps.map_view, sel, metric="Diversity gap beyond chance", highlight=None, exact=False)
    exact = dict(fresh.select("ward_code", "value").iter_rows())
    ranges = 0
    for ward, label in published.filter(pl.col("label").str.contains(r"-?\d+ to -?\d+ beyond chance")).select("ward_code", "label").iter_rows():
        low, high = (int(x) for x in re.search(r"(-?\d+) to (-?\d+) beyond chance", label).groups())
        assert low - 0.5 <= exact[ward] <= high + 0.5, (ward, label, exact[ward])
        ranges += 1
    assert ranges >= 10
