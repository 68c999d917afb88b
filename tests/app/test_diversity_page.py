"""The Membership and diversity page in AppTest, with area and date choices."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.figures import diversity
from dashboard.figures.expressions import in_wards
from data_access import engine as eng
from data_access import queries

ROOT = Path(__file__).resolve().parents[2]


def open_page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/diversity.py").run()
    assert not at.exception, at.exception
    return at


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def expected(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    frames = queries.members(engine), queries.panels(engine), queries.ward_population(engine), queries.wards(engine)
    engine.dispose()
    return frames


@pytest.mark.sqlite_only("the roll-up is worked out from the cached frames")
def test_london_shows_the_roll_up_with_a_finding_title(app_env, expected):
    members, panels, population, wards = expected
    d = diversity.build(members, panels, population, dt.date(2023, 12, 31))
    met = wards.filter(pl.col("police_force") == "Metropolitan Police Service")["ward_code"]
    open_met = d.panels.filter(pl.col("ward_code").is_in(met.to_list()))
    at = open_page()
    assert at.subheader[0].value == "London: members on 31 December 2023"
    shown = metrics_of(at)
    assert shown["Open panels"] == f"{open_met.height:,}"
    assert shown["Active members"] == f"{int(open_met['panel_size'].sum()):,}"
    # 589 open panels with 5,948 members, checked with plain SQL. None differs beyond chance after
    # correcting for 2,279 tests (four dimensions a panel, less those with nobody stating one): the
    # earlier sample's 608 panels were checked independently (every possible membership listed, scipy's
    # Benjamini-Hochberg) with the same result; the panels, a little smaller now, have less power still.
    assert shown["Panels differing from their ward beyond chance"] == f"0 of {open_met.height:,}" == "0 of 589"
    # Checked with plain SQL on the sample: of the 442 open Met panels whose board lists local groups
    # (ward groups), 322 have no member from the sector of at least one of them.
    assert shown["Panels missing an expected local group"] == "322 of 442"
    # A random panel from its ward scores about 22 on ethnic group, 26 on age (the issue's own
    # simulation) and 13 on sex at the earlier sample's sizes: 20 combined; the panels that stopped
    # meeting have shrunk, and smaller panels mirror their ward less well: 22. London's average gap
    # (25) is 3 beyond that.
    assert any(c.value.startswith("A panel of the same size drawn at random from its ward's residents would score 22 on average")
               and c.value.endswith("the gap here is 3 points beyond chance.") for c in at.caption)
    assert any(c.value.startswith("London: 0 of 589 panels differ from their ward beyond chance, after correcting for 2,279 tests")
               for c in at.caption)
    roll = diversity.rollup(in_wards(d.comparison, met.to_list()))
    top = roll.row(0, named=True)
    assert chart_titles(at)[0].startswith(f"London: panels have {top['shortfall']:,.0f} fewer ")
    # The roll-up table on screen, worst group first, matches the chart.
    rollup_table = at.dataframe[0].value
    assert rollup_table["Group"].iloc[0] == top["category"]
    assert rollup_table["Shortfall (expected - actual)"].iloc[0] == pytest.approx(round(top["shortfall"], 1))
    # 16-24s: 216 members against 781.5 expected over 588 panels (checked with plain SQL: members
    # stating an age x the ward's adult share aged 16-24) is far beyond chance, though no single
    # panel is: the area, not the panel, is where the shortfall shows.
    assert chart_titles(at)[0].endswith("(216 against 781 expected; beyond chance)")
    assert (rollup_table["Group"].iloc[0], rollup_table["Beyond chance (after correction)"].iloc[0]) == ("16-24", "Yes")
    assert rollup_table["Chance of a difference this large (p)"].iloc[0] == "under 0.001"
    assert any("Ethnic group stated for" in c.value for c in at.caption)
    assert any("residents of all ages, children included" in c.value and "aged 16 and over" in c.value for c in at.caption)
    assert not any("no Census 2021 table of sex by ward is loaded" in i.value for i in at.info)  # TS008 by ward ships
    assert any("Restricted" in w.value for w in at.warning)


@pytest.mark.sqlite_only("a ward's comparison is worked out from the cached frames")
def test_one_ward_shows_panel_against_ward_for_ethnic_group_and_age(app_env, expected):
    at = open_page(borough="Hackney", ward="Hackney Downs")
    assert at.subheader[0].value == "Hackney Downs (Hackney): members on 31 December 2023"
    # Checked with plain SQL on the sample: the board expects a business park and a faith forum; the
    # panel has one faith member and no business member.
    assert any(m.value == "Of the 2 local groups the board expects on this panel, 1 has a member from its sector; none from the "
                          "sector of: Hackney Downs Business Park (business estate)." for m in at.markdown), [m.value for m in at.markdown]
    titles = chart_titles(at)
    assert len(titles) == 4 and all(t.startswith("Hackney Downs (Hackney): ") for t in titles)  # ethnic, White, age, sex
    ethnic = at.dataframe[0].value
    assert list(ethnic["Group"]) == ["Asian", "Black", "Mixed", "White", "Other", "Not stated"]
    size = int(metrics_of(at)["Active members"])
    assert ethnic["Members"].sum() == size
    # Expected = members who stated x ward share, on the screen's own numbers.
    stated = ethnic.loc[ethnic["Group"] != "Not stated", "Members"].sum()
    for _, r in ethnic[ethnic["Group"] != "Not stated"].iterrows():
        assert r["Expected members"] == pytest.approx(stated * r["Ward share (%)"] / 100, abs=0.06)
    # Under each chart, the panel's test on that dimension as a whole, in words.
    # Beside each, what the ward's shares are of: ethnic group covers residents of all ages.
    sentences = [c.value for c in at.caption if c.value.startswith("Ward shares: ")]
    assert len(sentences) == 4 and all("Taken as a whole: " in t and "drawn at random from the ward's residents scores" in t
                                       for t in sentences)
    assert sentences[0].startswith("Ward shares: usual residents of all ages, children included (Census 2021 TS021). ")
    assert sentences[2].startswith("Ward shares: usual residents aged 16 and over")
    assert sentences[3].startswith("Ward shares: usual residents of all ages, children included (Census 2021 TS008). ")
    assert all(t.endswith("(after correcting for the 4 tests here).") for t in sentences)
    age = at.dataframe[2].value
    assert list(age["Group"]) == ["16-24", "25-34", "35-49", "50-64", "65+", "Not stated"]
    assert age["Ward share (%)"].iloc[:5].sum() == pytest.approx(100, abs=0.3)  # adults only: no 0-15
    # The finding in the age chart's title names the group furthest below its ward share.
    gaps = age.iloc[:5].assign(gap=lambda f: f["Ward share (%)"] - f["Share of members who stated (%)"])
    worst = gaps.sort_values("gap", ascending=False).iloc[0]
    if worst["gap"] >= 5:
        assert f"aged {worst['Group'].replace('+', ' and over')}" in titles[2]


@pytest.mark.sqlite_only("members on a day are worked out from the cached frames")
def test_choosing_an_earlier_date_changes_the_membership(app_env):
    now = open_page(borough="Hackney")
    before = open_page(borough="Hackney", span="12 months", quarter="April to June 2019")
    assert before.subheader[0].value == "Hackney: members on 30 June 2019"
    assert metrics_of(now)["Active members"] != metrics_of(before)["Active members"]
    assert chart_titles(before)[0].startswith("Hackney: ")
    panels_table = before.dataframe[1].value
    assert set(panels_table["Borough"]) == {"Hackney"}
    assert panels_table["Diversity gap beyond chance"].dropna().is_monotonic_decreasing  # ranked beyond chance, not by raw gap


def test_a_city_of_london_ward_says_it_is_outside_the_scheme(app_env):
    at = open_page(borough="City of London", ward="Aldgate")
    assert any("outside the Met's ward panel scheme" in i.value for i in at.info)
    assert not at.get("plotly_chart")
