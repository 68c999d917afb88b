"""The board's figures on small frames with hand-checked answers (dashboard/figures/board.py)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.domain import areas
from dashboard.domain.periods import Period
from dashboard.figures import board as bd
from dashboard.figures import privacy

D = dt.date
MET = "Metropolitan Police Service"
YEAR = Period(D(2023, 1, 1), D(2023, 12, 31), "year")
B1, B2, B3 = "E09000901", "E09000902", "E09000903"


def fixture_tables() -> dict[str, pl.DataFrame]:
    """Three boroughs of one BCU. B1's wards W1 (60 White, 40 Black) and W2 (40 White, 60 Black) make a
    borough half White, half Black; its board on 31 December 2023 is 4 White members aged 65+ (a fifth
    has left, a sixth has not yet joined)."""
    wards = pl.DataFrame(
        [("W1", "Ward one", B1, "First", "X", MET), ("W2", "Ward two", B1, "First", "X", MET), ("W3", "Ward three", B1, "First", "X", MET),
         ("W4", "Ward four", B2, "Second", "X", MET), ("W5", "Ward five", B3, "Third", "X", MET)],
        schema=["ward_code", "ward_name", "borough_code", "borough_name", "bcu", "police_force"], orient="row",
    )
    pop = []
    for ward, white, black in (("W1", 60, 40), ("W2", 40, 60), ("W3", 0, 0), ("W4", 50, 50), ("W5", 50, 50)):
        pop += [(ward, "ethnic_group", "White", white), (ward, "ethnic_group", "Black", black)]
        pop += [(ward, "age_band", "16-24", 50), (ward, "age_band", "65+", 50)]
    population = pl.DataFrame(pop, schema=["ward_code", "dimension", "category", "count"], orient="row")

    def member(ref, borough, role, ward, ethnic, age, joined, left=None):
        return (ref, borough, role, ward, None, ethnic, age, "Male", joined, left)

    rows = [member(f"B-{i}", B1, "panel chair" if i < 3 else "co-opted", ("W1", "W3")[i - 1] if i < 3 else None, "White", "65+", D(2020, 1, 1))
            for i in range(1, 5)]
    rows += [member("B-5", B1, "councillor", None, "Black", "16-24", D(2019, 1, 1), D(2023, 6, 1)),
             member("B-6", B1, "youth", None, "Black", "16-24", D(2024, 1, 1))]
    # B2 and B3: boards of 10 that mirror their boroughs (5 White and 5 Black, 5 young and 5 older).
    for b in (B2, B3):
        rows += [member(f"{b}-{i}", b, "co-opted", None, ("White", "Black")[i % 2], ("16-24", "65+")[i % 2], D(2020, 1, 1)) for i in range(10)]
    members = pl.DataFrame(rows, schema=list(bd_schema()), orient="row")
    panels = pl.DataFrame({"ward_code": ["W1", "W2", "W4"], "established_on": [D(2015, 1, 1)] * 3, "closed_on": [None, None, None],
                           "chair_type": ["resident"] * 3}, schema_overrides={"closed_on": pl.Date})
    meetings = pl.DataFrame(
        [(B1, D(2023, 3, 14), True, True, True, 2), (B1, D(2023, 6, 13), False, False, True, 1),
         (B1, D(2023, 9, 12), True, True, True, 2), (B1, D(2022, 12, 1), True, True, True, 2)],
        schema=["borough_code", "held_on", "public", "commander_present", "commander_update_given", "panel_chairs_present"], orient="row",
    )
    commanders = pl.DataFrame(
        [("BC-1", B1, D(2023, 1, 1), D(2023, 7, 1)), ("BC-2", B1, D(2023, 7, 1), None), ("BC-0", B1, D(2021, 5, 1), D(2023, 1, 1))],
        schema=["officer_ref", "borough_code", "started_on", "ended_on"], orient="row",
    )
    funding = pl.DataFrame(
        [(B1, 2022, "MOPAC core grant", 5000, 4620), (B1, 2022, "local authority", 1500, 1500), (B1, 2023, "MOPAC core grant", 5000, 3875),
         (B1, 2021, "MOPAC core grant", 5000, 5000)],
        schema=["borough_code", "year", "source", "amount", "spent"], orient="row",
    )
    return {"wards": wards, "population": population, "members": members, "panels": panels, "meetings": meetings,
            "commanders": commanders, "funding": funding}


def bd_schema():
    return ("member_ref", "borough_code", "role", "ward_represented", "group_represented", "ethnic_group", "age_band", "sex", "joined_on", "left_on")


@pytest.fixture(scope="module")
def t():
    return fixture_tables()


@pytest.fixture(scope="module")
def view(t):
    d = bd.build(t["members"], t["population"], t["wards"], YEAR.end)
    inputs = bd.BoardInputs(t["wards"], t["members"], t["meetings"], t["commanders"], t["funding"], t["panels"])
    area = areas.resolve(t["wards"], bcu=None, borough=B1, ward=None)
    return bd.board_view(inputs, d, bd.publish(d, t["wards"]), area, YEAR)


def test_a_borough_profile_is_the_sum_of_its_wards(t):
    profile = bd.borough_profiles(t["population"], t["wards"]).filter((pl.col("ward_code") == B1) & (pl.col("dimension") == "ethnic_group"))
    assert dict(profile.select("category", "count").iter_rows()) == {"Black": 100, "White": 100}


def test_the_board_against_its_borough_with_the_panels_statistics(view):
    # 4 White members in a borough half White, half Black: index 50; a random board of 4 scores 18.75
    # on average, and 50 or more with chance 2/16 (4 or 0 White of 4).
    row = view.tests.filter(pl.col("dimension") == "ethnic_group").row(0, named=True)
    assert (row["stated"], row["index"], round(row["chance_index"], 2), row["p_value"]) == (4, 50.0, 18.75, 0.125)
    assert view.members == 4  # B-5 left on 1 June, B-6 joins in 2024
    profile = view.profile(next(d for d in view.dims if d.key == "ethnic_group"))
    white = profile.filter(pl.col("Group") == "White").row(0, named=True)
    assert (white["Board members"], white["Expected members"], white["Ratio (actual / expected)"]) == (4, 2.0, 2.0)
    assert view.profile_title(view.dims[0]) == "First: Black people are 50% of the borough but 0% of the board"


def test_the_safe_twin_never_shows_a_board_of_four(view):
    assert view.members_text == "4"
    assert view.safe.members_text in (privacy.FEWER, privacy.WITHHELD)
    assert set(view.safe.role_table()["Board members"]) <= {"0", privacy.FEWER, privacy.WITHHELD}
    assert "withheld" in view.safe.chance_sentence(view.dims[0])
    assert view.safe.boards_table()["Board members"].to_list() == [view.safe.members_text]


def test_panels_linked_to_the_board(t, view):
    # Panels open in W1 and W2; the board's panel chairs represent W1 and W3 (no panel): 1 of 2.
    links = bd.panel_links(t["members"], t["panels"], t["wards"], YEAR.end).filter(pl.col("borough_code") == B1).row(0, named=True)
    assert (links["open_panels"], links["linked"], links["share"]) == (2, 1, 0.5)
    assert view.links_finding() == "First: 1 of 2 open panels (50%) have their chair on the board"
    assert view.safe.links_finding() == "First: how many of the 2 open panels have their chair on the board is withheld to protect small counts"


@pytest.mark.parametrize(("linked", "chairs", "shown"), [(0, "0", "0"), (3, "3", privacy.FEWER), (6, "6", "6"), (6, "8", privacy.WITHHELD),
                                                         (6, "12", "6"), (6, privacy.FEWER, privacy.WITHHELD)])
def test_panels_linked_as_they_may_be_shown(linked, chairs, shown):
    assert bd.safe_linked(linked, chairs) == shown


def test_meetings_in_the_period(view):
    row = view.meetings.row(0, named=True)  # the meeting of 1 December 2022 is before the period
    assert (row["meetings"], row["public"], row["commander_present"], row["update_given"]) == (3, 2, 2, 3)
    assert view.meetings_finding() == ("First: 3 board meetings in 12 months to 31 December 2023, 2 in public; "
                                       "the Borough Commander attended 2 and an update was given at 3")
    assert view.meeting_list["Borough"].to_list() == ["First"] * 3


def test_commander_tenure_changes_and_meetings_attended(t, view):
    tenures = bd.commander_tenures(t["commanders"], t["meetings"], B1, YEAR.end)
    assert tenures.select("officer_ref", "months", "meetings", "attended").rows() == [
        ("BC-2", 5, 1, 1),  # 1 July to 31 December 2023 (not yet 6 whole months); the September meeting
        ("BC-1", 6, 2, 1),  # March (there) and June (absent)
        ("BC-0", 20, 1, 1),  # December 2022
    ]
    row = view.changes.row(0, named=True)
    assert (row["commanders"], row["changes"]) == (2, 2)  # BC-0 ended on 1 January, the first day without them
    assert view.commanders_finding() == ("First: 2 Borough Commanders in post in 12 months to 31 December 2023 (2 changes); "
                                         "the latest since 1 July 2023")


def test_funding_by_financial_year(t, view):
    assert bd.funding_years(YEAR) == [2022, 2023]
    assert bd.funding_years(Period(D(2023, 10, 1), D(2023, 12, 31), "quarter")) == [2023]
    rows = view.funding.select("year", "core_grant", "amount", "spent").rows()
    assert rows == [(2022, 5000, 6500, 6120), (2023, 5000, 5000, 3875)]
    assert view.funding_finding() == "First: £11,500 received in 2022-23 to 2023-24, £9,995 of it spent (87%)"


def test_london_by_borough(t):
    d = bd.build(t["members"], t["population"], t["wards"], YEAR.end)
    inputs = bd.BoardInputs(t["wards"], t["members"], t["meetings"], t["commanders"], t["funding"], t["panels"])
    london = bd.board_view(inputs, d, bd.publish(d, t["wards"]), areas.LONDON, YEAR)
    table = london.boards_table()
    assert table["Borough"].to_list() == ["First", "Second", "Third"]
    assert table["Board members"].to_list() == ["4", "10", "10"]
    assert table["Diversity gap (0-100)"].to_list() == ["50", "0", "0"]  # mean of ethnic group 50 and age 50; the mirrors 0
    # The board of 4 is hidden, and so is one other board's size, else London's 24 less the 10 shown would give it.
    safe = london.safe.boards_table()["Board members"].to_list()
    assert safe[0] in (privacy.FEWER, privacy.WITHHELD) and sorted(safe[1:]) == ["10", privacy.WITHHELD]
    assert london.meetings_finding().startswith("London: 2 of 3 boards held no public meeting")
