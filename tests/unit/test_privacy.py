"""Disclosure control on small worlds with hand-checked answers, and the attacker's check of it.

The check plays the attacker: every published count of a day's family (each panel's members by
ethnic group, White detail, age and sector, its size, and the boroughs', BCUs' and London's sums,
with the areas' expected members to one decimal) goes into the attacker's linear programme, and
no hidden count may come out with one value.
"""

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain import vocabulary as v
from dashboard.figures import diversity as dv
from dashboard.figures import privacy
from dashboard.figures.privacy import FEWER, WITHHELD

DAY = dt.date(2023, 12, 31)
MET = "Metropolitan Police Service"
# Two BCUs of two boroughs of two wards: the smallest world with a sibling at every level.
WARDS = pl.DataFrame(
    [(f"W{b}{w}", f"Ward {b}{w}", f"B{b}", f"Borough {b}", "North" if b < 2 else "South", MET, 0.0, 0.0) for b in range(4) for w in range(2)],
    schema=["ward_code", "ward_name", "borough_code", "borough_name", "bcu", "police_force", "centroid_lon", "centroid_lat"], orient="row",
)
SHARES = {"Asian": 30, "Black": 20, "Mixed": 5, "White": 40, "Other": 5}


def world(panels: dict[str, list[tuple[str, str, str]]]):
    """dv.build for panels given as {ward: [(ethnic group, age band, sector), ...]} in WARDS, each ward alike in the Census."""
    members = [(f"{w}-{i}", w, sector, False, eth, age, "Female", dt.date(2020, 1, 1), None)
               for w, people in panels.items() for i, (eth, age, sector) in enumerate(people)]
    members = pl.DataFrame(members, schema={"member_ref": pl.String, "ward_code": pl.String, "sector": pl.String, "is_chair": pl.Boolean,
                                            "ethnic_group": pl.String, "age_band": pl.String, "sex": pl.String, "joined_on": pl.Date,
                                            "left_on": pl.Date}, orient="row")
    open_ = pl.DataFrame({"ward_code": list(panels), "established_on": [dt.date(2019, 1, 1)] * len(panels), "closed_on": [None] * len(panels),
                          "chair_type": ["resident"] * len(panels), "last_membership_review_on": [DAY] * len(panels)},
                         schema_overrides={"closed_on": pl.Date})
    pop = [(w, "ethnic_group", c, n, "test") for w in WARDS["ward_code"] for c, n in SHARES.items()]
    pop += [(w, "ethnic_group_detailed", c, n, "test") for w in WARDS["ward_code"] for c, n in (("White British", 30), ("Other White", 10))]
    pop += [(w, "age_band", c, 20, "test") for w in WARDS["ward_code"] for c in v.AGE_BANDS]
    population = pl.DataFrame(pop, schema=["ward_code", "dimension", "category", "count", "source"], orient="row")
    return dv.build(members, open_, population, DAY)


def pinned_cells(d) -> dict:
    """What the attacker pins among the hidden counts of the day's publication (exactly: every cell its own solves)."""
    fam = privacy.family(d, WARDS)
    pub = privacy.publish(d, WARDS)
    assert pub.problem is None, pub.problem
    state = np.array([0 if pub.text[k].isdigit() else (1 if pub.text[k] == FEWER else 2) for k in fam.keys])
    hidden = {i for i, k in enumerate(fam.expected) if (k[0], k[1]) in pub.hidden_expected}
    rows, bounds = privacy._expected_rows(fam, hidden)
    a_eq, b_eq, lower, upper, a_ub, b_ub = privacy._lp(fam, state, 5, rows, bounds)
    found = privacy.attack(a_eq, b_eq, lower, upper, fam.values, list(np.flatnonzero(state != 0)), a_ub=a_ub, b_ub=b_ub)
    return {fam.keys[i]: span for i, span in found.items()}, pub, fam


def people(eth: str, n: int, sector: str = "resident", age: str = "50-64"):
    return [(eth, age, sector)] * n


EVEN = {w: people("White", 4) + people("Asian", 3) + people("Black", 3) for w in WARDS["ward_code"]}


def test_counts_of_1_to_4_are_fewer_than_5_zero_and_5_or_more_are_shown():
    d = world({**EVEN, "W00": people("White", 7) + people("Asian", 6) + people("Black", 5)})
    found, pub, _ = pinned_cells(d)
    assert not found
    node = ("ward", "W00")
    assert pub.cell(node, "size") == "18" and pub.cell(node, "ethnic_group", "Mixed") == "0"
    assert pub.cell(node, "ethnic_group", "Asian") in ("6", WITHHELD)
    assert pub.cell(("ward", "W01"), "ethnic_group", "Asian") in (FEWER, WITHHELD)  # 3
    for key, value in pub.values.items():
        if 0 < value < 5:
            assert pub.text[key] in (FEWER, WITHHELD), key


def test_a_count_the_totals_would_give_away_is_protected_with_a_rectangle():
    # W00: White 7, Asian 2, Black 1; W01: White 8, Asian 2 (Black 0). With only the 1-to-4 counts
    # hidden, W01's Asian is its size less its White (10 - 8 = 2). The cheapest rectangle is
    # Asian/Black in W00 and W01: one member from W00's Black to its Asian, one from W01's Asian to
    # its Black, which keeps every total. So both Blacks are "withheld" (a 1, whose "fewer than 5"
    # could not go to 0, and a 0), and W00's Asian could be 1 to 3, W01's 1 or 2; White stays shown.
    d = world({**EVEN, "W00": people("White", 7) + people("Asian", 2) + people("Black", 1), "W01": people("White", 8) + people("Asian", 2)})
    found, pub, _ = pinned_cells(d)
    assert not found
    cells = {w: [pub.cell(("ward", w), "ethnic_group", c) for c in ("Asian", "Black", "White")] for w in ("W00", "W01")}
    assert cells == {"W00": [FEWER, WITHHELD, "7"], "W01": [FEWER, WITHHELD, "8"]}
    assert pub.cell(("ward", "W00"), "size") == "10"


def test_a_fewer_than_5_that_would_pin_its_neighbours_is_written_withheld():
    # Four panels with one agency member each under a borough total of 4: read as "fewer than 5"
    # each (1 to 4) under a total of "fewer than 5" (1 to 4), all four must be 1.
    agency = {w: people("White", 9) + people("White", 1, sector="agency") for w in ("W00", "W01")}
    d = world({**EVEN, **agency})
    found, pub, _ = pinned_cells(d)
    assert not found
    labels = [pub.cell(("ward", w), "sector", "agency") for w in ("W00", "W01")] + [pub.cell(("borough", "B0"), "sector", "agency")]
    assert WITHHELD in labels and all(label in (FEWER, WITHHELD) for label in labels)


def test_a_broken_step_is_caught_by_the_attacker():
    # Primary suppression alone leaves W00's Mixed (the one non-White member) to be read off its
    # size and White count: the check must see it, or it proves nothing.
    d = world({**EVEN, "W00": people("White", 9) + people("Mixed", 1)})
    fam = privacy.family(d, WARDS)
    state = np.where((fam.values > 0) & (fam.values < 5), 1, 0)
    a_eq, b_eq, lower, upper, a_ub, b_ub = privacy._lp(fam, state, 5)
    found = privacy.attack(a_eq, b_eq, lower, upper, fam.values, list(np.flatnonzero(state != 0)))
    assert fam.index()[(("ward", "W00"), "ethnic_group", "Mixed")] in found


ETHNIC = ["Asian", "Black", "Mixed", "White", "Other", "Not stated", "White British", "Other White"]
AGES = [*v.AGE_BANDS, "Not stated"]


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.sampled_from(WARDS["ward_code"].to_list()),
                       st.lists(st.tuples(st.sampled_from(ETHNIC), st.sampled_from(AGES), st.sampled_from(list(v.SECTORS))), min_size=1, max_size=14),
                       min_size=2))
def test_no_hidden_count_of_any_world_keeps_one_value(panels):
    d = world(panels)
    pub = privacy.publish(d, WARDS)
    if pub.problem:  # it may refuse to publish (and then shows nothing), never publish unsafely
        assert not pub.text
        return
    found, pub, _ = pinned_cells(d)
    assert not found, found
    assert all(pub.text[k] in (FEWER, WITHHELD) for k, value in pub.values.items() if 0 < value < 5)


def test_the_attack_pins_cells_that_totals_leave_one_value():
    # Barnet's youth members: a borough total of 7 against seven panels each showing "fewer than 5"
    # and one "withheld" (any count, 0 included): each of the seven must be 1, the withheld one 0.
    pinned = privacy.attack([[1] * 8], [7], [1] * 7 + [0], [4] * 7 + [float("inf")], [1] * 7 + [0], list(range(8)))
    assert sorted(pinned) == list(range(8))
    assert pinned[0] == (1, 1)
    # With a total of 9 the seven could be 1 or 2 (and the withheld one 0 to 2): nothing is pinned.
    assert privacy.attack([[1] * 8], [9], [1] * 7 + [0], [4] * 7 + [float("inf")], [2, 1, 1, 1, 1, 1, 1, 1], list(range(8))) == {}


def test_the_attack_combines_tables():
    # Two panels' cells a, b (panel 1) and c, d (panel 2), all "fewer than 5": each panel's cells
    # add up to 5 and the area's first column to 2, so a = c = 1 and then b = d = 4.
    eq = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]]
    pinned = privacy.attack(eq, [5, 5, 2], [1] * 4, [4] * 4, [1, 4, 1, 4], range(4))
    assert sorted(pinned) == [0, 1, 2, 3]
    # An area total of 5 instead leaves a from 1 to 4: nothing is pinned.
    assert privacy.attack(eq, [5, 5, 5], [1] * 4, [4] * 4, [2, 3, 3, 2], range(4)) == {}
    # An area figure published rounded (a + 0.5c shown as 3.5, so between 3.45 and 3.55) beside
    # a + c = 5 leaves a = 2 and c = 3 only; without it, a could be 1 to 4.
    rounded = {"a_ub": [[1, 0, 0.5, 0], [-1, 0, -0.5, 0]], "b_ub": [3.55, -3.45]}
    assert privacy.attack([[1, 0, 1, 0]], [5], [1] * 4, [4] * 4, [2, 4, 3, 4], range(4)) == {}
    assert sorted(privacy.attack([[1, 0, 1, 0]], [5], [1] * 4, [4] * 4, [2, 4, 3, 4], range(4), **rounded)) == [0, 2]


def test_an_index_is_published_as_the_range_the_shown_counts_leave():
    from dashboard.figures import diversity_view as view

    node = ("ward", "W")
    text = {(node, "size", ""): "10", (node, "ethnic_group", "White"): "6", (node, "ethnic_group", "Asian"): FEWER,
            (node, "ethnic_group", "Black"): FEWER, (node, "ethnic_group", "Mixed"): "0", (node, "ethnic_group", "Other"): "0",
            (node, "ethnic_group", "Not stated"): "0"}
    pub = privacy.Publication(DAY, text)
    shares = {"White": 0.6, "Asian": 0.3, "Black": 0.1, "Mixed": 0.0, "Other": 0.0}
    # Asian + Black = 4: (1, 3), (2, 2) or (3, 1), whose indices are 20, 10 and 0.
    assert view.index_range(pub, "W", dv.ETHNIC, shares) == (0.0, 20.0, False)
    assert view._range(0.0, 20.0, False) == "0 to 20"
    shown = {**text, (node, "ethnic_group", "Asian"): "3", (node, "ethnic_group", "Black"): "1"}
    assert view.index_range(privacy.Publication(DAY, shown), "W", dv.ETHNIC, shares)[2] is True  # every count shown: exact


def test_a_profile_shows_a_derived_figure_only_where_its_counts_are_shown():
    from dashboard.domain.areas import Area
    from dashboard.figures import diversity_view as view

    # W00: 12 members, White 7, Asian 3 (hidden), Not stated 2 (hidden): how many stated is hidden too.
    d = world({**EVEN, "W00": people("White", 7) + people("Asian", 3) + people("Not stated", 2)})
    pub = privacy.publish(d, WARDS)
    table = view.area_view(d, WARDS, Area("ward", "Ward 00", "W00"), pub).safe.profile(dv.ETHNIC)
    rows = {r["Group"]: r for r in table.iter_rows(named=True)}
    assert rows["Asian"][view.MEMBERS] in (FEWER, WITHHELD)
    assert rows["Asian"][view.SHARE_ALL] == rows["Asian"][view.VERDICT] == WITHHELD
    assert rows["White"][view.EXPECTED] == WITHHELD  # expected = stated x ward share would give the stated count
    assert rows["White"][view.WARD_SHARE] == "40.0"  # the Census share is public
