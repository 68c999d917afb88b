"""Membership against the ward's Census profile, on small frames with hand-checked answers."""

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from dashboard.domain.periods import months_between
from dashboard.figures import diversity as dv
from dashboard.figures.expressions import in_wards

D = dt.date
DAY = D(2023, 6, 30)
NS = "Not stated"


def population(rows: dict[str, dict[str, dict[str, int]]]) -> pl.DataFrame:
    """{ward: {dimension: {category: count}}} -> the long ward_population frame."""
    out = [
        (ward, dim, cat, n, "test")
        for ward, dims in rows.items()
        for dim, cats in dims.items()
        for cat, n in cats.items()
    ]
    return pl.DataFrame(out, schema=["ward_code", "dimension", "category", "count", "source"], orient="row")


POP = population(
    {
        # Ward A: no Mixed or Other residents at all (a group absent from the ward). The
        # detailed table adds up to 50, not the 100 of the high-level one (Census noise).
        "A": {
            "ethnic_group": {"White": 50, "Asian": 30, "Black": 20},
            "ethnic_group_detailed": {"White British": 40, "White Irish": 5, "Other White": 5, "Indian": 1},
            "age_band": {"0-15": 100, "16-24": 15, "25-34": 20, "35-49": 20, "50-64": 20, "65+": 25},
        },
        "B": {"ethnic_group": {"White": 50, "Black": 50}, "age_band": {"16-24": 50, "65+": 50}},
        "C": {"ethnic_group": {"White": 50, "Black": 50}, "age_band": {"16-24": 50, "65+": 50}},
        "E": {"ethnic_group": {"White": 50, "Black": 50}, "age_band": {"16-24": 50, "65+": 50}},
        "F": {"ethnic_group": {"White": 50, "Black": 50}, "age_band": {"16-24": 50, "65+": 50}},
    }
)


def member(ward, ref, eth, age="65+", sector="resident", chair=False, joined=D(2020, 1, 1), left=None, sex="Female"):
    return (ref, ward, sector, chair, eth, age, sex, joined, left)


def members_frame(rows) -> pl.DataFrame:
    schema = {
        "member_ref": pl.String, "ward_code": pl.String, "sector": pl.String, "is_chair": pl.Boolean,
        "ethnic_group": pl.String, "age_band": pl.String, "sex": pl.String, "joined_on": pl.Date, "left_on": pl.Date,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


MEMBERS = members_frame(
    [
        # Ward A, 10 active: White 5 (3 White British, 1 Other White, 1 just "White"),
        # Asian 2 (one recorded as Indian), Mixed 1, Not stated 2; all 65+ bar 1 not stated.
        member("A", "a1", "White British", chair=True, sector="councillor"),
        member("A", "a2", "White British"),
        member("A", "a3", "White British"),
        member("A", "a4", "Other White"),
        member("A", "a5", "White"),
        member("A", "a6", "Indian"),
        member("A", "a7", "Asian"),
        member("A", "a8", "White and Asian"),
        member("A", "a9", NS),
        member("A", "a10", NS, age=NS),
        # Not active on the day: left on it; joined after it.
        member("A", "a11", "Black", left=DAY),
        member("A", "a12", "Black", joined=D(2023, 7, 1)),
        # Ward B: 5 White members, ward half Black -> P = 0.5^5 = 0.031 < 5%: flagged.
        *[member("B", f"b{i}", "White", sector="business" if i == 0 else "resident") for i in range(5)],
        # Ward C: a one-member panel.
        member("C", "c1", "White", age="16-24"),
        # Ward E: every member "Not stated".
        *[member("E", f"e{i}", NS, age=NS) for i in range(3)],
        # Ward F: 4 White members: even 0 Black of 4 is 0.0625 by chance -> too few to say.
        *[member("F", f"f{i}", "White") for i in range(4)],
        # Ward G: its panel closed before the day, so its members do not count.
        member("G", "g1", "White", left=D(2023, 1, 1)),
    ]
)

PANELS = pl.DataFrame(
    {
        "ward_code": ["A", "B", "C", "E", "F", "G"],
        "established_on": [D(2019, 1, 1)] * 6,
        "closed_on": [None, None, None, None, None, D(2023, 1, 1)],
        "chair_type": ["resident", "resident", "councillor", "resident", "resident", "resident"],
        "meetings_open_to_public": [True] * 6,
        "terms_of_reference_agreed": [True] * 6,
        "last_membership_review_on": [D(2023, 3, 15), D(2023, 7, 1), None, D(2021, 6, 30), D(2023, 6, 30), None],
    }
)


@pytest.fixture(scope="module")
def built():
    return dv.build(MEMBERS, PANELS, POP, DAY)


def row(comp, ward, dim, cat):
    r = comp.filter((pl.col("ward_code") == ward) & (pl.col("dimension") == dim) & (pl.col("category") == cat))
    assert r.height == 1
    return r.row(0, named=True)


def test_active_members_exclude_left_on_the_day_joined_after_and_closed_panels():
    active = dv.active_members(MEMBERS, PANELS, DAY)
    assert active.filter(pl.col("ward_code") == "A").height == 10
    assert "G" not in active["ward_code"].to_list()


def test_detailed_categories_roll_up_and_not_stated_is_its_own_row(built):
    comp = built.comparison
    white = row(comp, "A", "ethnic_group", "White")
    assert (white["members"], white["panel_size"], white["stated"]) == (5, 10, 8)
    assert row(comp, "A", "ethnic_group", "Asian")["members"] == 2  # "Indian" + "Asian"
    ns = row(comp, "A", "ethnic_group", NS)
    assert ns["members"] == 2 and ns["share_of_members"] == pytest.approx(0.2)
    assert ns["panel_share"] is None and ns["flag"] is None


def test_ratios_expected_and_per_group_descriptions_for_ward_a(built):
    comp = built.comparison
    white = row(comp, "A", "ethnic_group", "White")
    assert white["panel_share"] == pytest.approx(5 / 8)
    assert white["expected"] == pytest.approx(4.0)
    assert white["ratio"] == pytest.approx(1.25)
    assert white["flag"] == dv.MORE  # 5 against 4
    black = row(comp, "A", "ethnic_group", "Black")  # absent from the panel
    assert black["members"] == 0 and black["expected"] == pytest.approx(1.6) and black["ratio"] == 0
    assert black["flag"] == dv.FEWER
    asian = row(comp, "A", "ethnic_group", "Asian")  # 2 against 2.4: within half a member
    assert asian["ratio"] == pytest.approx(2 / 2.4)
    assert asian["flag"] == dv.ABOUT
    mixed = row(comp, "A", "ethnic_group", "Mixed")  # on the panel, absent from the ward
    assert mixed["ward_share"] == 0 and mixed["expected"] == 0 and mixed["ratio"] is None
    assert mixed["flag"] == dv.NOT_IN_WARD
    assert "p_value" not in comp.columns  # one group on one panel is described, not tested


def test_age_is_compared_with_adults_only(built):
    r = row(built.comparison, "A", "age_band", "65+")
    assert r["ward_share"] == pytest.approx(25 / 100)  # not 25 / 200: the 0-15 band is left out
    assert r["stated"] == 9


def test_dissimilarity_per_dimension_and_combined(built):
    dis = built.dissimilarity
    get = lambda w, d: dis.filter((pl.col("ward_code") == w) & (pl.col("dimension") == d)).row(0, named=True)  # noqa: E731
    # Ethnic: panel 5/8, 2/8, 0, 1/8, 0 vs ward .5, .3, .2, 0, 0 -> 50 x (.125 + .05 + .2 + .125) = 25.
    assert get("A", "ethnic_group")["index"] == pytest.approx(25.0)
    assert get("A", "ethnic_group")["completeness"] == pytest.approx(0.8)
    # Age: all 9 who stated are 65+, ward 25% -> 100 x (1 - .25) = 75.
    assert get("A", "age_band")["index"] == pytest.approx(75.0)
    # White British / White other, among the 4 White members who gave the detail (3 and 1)
    # against the detailed table's own White total (40 + 5 + 5): 50 x (|.75-.8| + |.25-.2|) = 5.
    assert get("A", "white_detail")["index"] == pytest.approx(5.0)
    assert get("A", "white_detail")["stated"] == 4
    gap = built.panels.filter(pl.col("ward_code") == "A")["gap"][0]
    assert gap == pytest.approx(50.0)  # mean of 25 and 75; the White split is not in it


def test_small_panels_are_tested_as_a_whole_and_rarely_differ_beyond_chance(built):
    """B: 5 members, all White and all 65+, in a ward half White half Black and half 16-24 half
    65+: index 50 on each. A random panel of 5 is all one group or all the other 2 times in 32,
    so p = 0.0625 each: not beyond chance even before any correction. F: 4 members, 2 in 16."""
    tests = built.tests.filter(pl.col("ward_code").is_in(["B", "F"]) & (pl.col("dimension") != "white_detail"))
    got = {(r["ward_code"], r["dimension"]): (r["index"], r["p_value"]) for r in tests.iter_rows(named=True)}
    assert got[("B", "ethnic_group")] == (pytest.approx(50.0), pytest.approx(2 / 32))
    assert got[("B", "age_band")] == (pytest.approx(50.0), pytest.approx(2 / 32))
    assert got[("F", "ethnic_group")] == (pytest.approx(50.0), pytest.approx(2 / 16))
    findings = dv.panel_findings(dv.beyond_chance(built.tests))
    assert findings.filter(pl.col("differs"))["ward_code"].to_list() == ["A"]


def test_a_panel_far_from_its_ward_differs_beyond_chance(built):
    """A: all 9 members who stated are 65+, a quarter of the ward's adults (index 75). Only a panel
    all in one band is as far: 0.15^9 + 3 x 0.2^9 + 0.25^9 = 0.0000054. Corrected for the 9
    tests of this small area it stays far below 5%; A's ethnic mix (index 25) could be chance."""
    a = built.tests.filter((pl.col("ward_code") == "A") & (pl.col("dimension") == "age_band")).row(0, named=True)
    assert a["index"] == pytest.approx(75.0)
    assert a["p_value"] == pytest.approx(0.15**9 + 3 * 0.2**9 + 0.25**9)
    findings = dv.panel_findings(dv.beyond_chance(built.tests)).filter(pl.col("ward_code") == "A").row(0, named=True)
    assert findings["differs"] and findings["differs_in"] == "Age"


def test_one_member_panel(built):
    black = row(built.comparison, "C", "ethnic_group", "Black")
    assert (black["expected"], black["flag"]) == (pytest.approx(0.5), dv.FEWER)
    white = row(built.comparison, "C", "ethnic_group", "White")
    assert white["ratio"] == pytest.approx(2.0)
    dis = built.dissimilarity.filter((pl.col("ward_code") == "C") & (pl.col("dimension") == "ethnic_group"))
    assert dis["index"][0] == pytest.approx(50.0)
    # Every panel of one is 50 from a half-and-half ward: that is all chance can give (p = 1).
    test = built.tests.filter((pl.col("ward_code") == "C") & (pl.col("dimension") == "ethnic_group")).row(0, named=True)
    assert test["p_value"] == pytest.approx(1.0) and test["chance_index"] == pytest.approx(50.0)


def test_all_not_stated_panel_has_no_index_and_says_so(built):
    comp = built.comparison.filter((pl.col("ward_code") == "E") & (pl.col("dimension") == "ethnic_group"))
    assert set(comp.filter(pl.col("category") != NS)["flag"]) == {dv.NO_STATED}
    assert comp.filter(pl.col("category") == NS)["members"][0] == 3
    assert comp["ratio"].null_count() == comp.height  # no 0/0 ratios
    assert comp.filter(pl.col("category") != NS)["expected"].to_list() == [0.0] * 5
    panel = built.panels.filter(pl.col("ward_code") == "E").row(0, named=True)
    assert panel["gap"] is None and panel["ethnic_stated_share"] == 0.0
    label = dv.gap_labels(built).filter(pl.col("ward_code") == "E").row(0, named=True)
    assert label["value"] is None and "not enough stated data" in label["label"]


def test_per_group_descriptions_by_hand():
    """Ward 25% Black, 12 members stated: 3 expected."""
    assert dv.verdict(0, 12, 0.25) == dv.FEWER
    assert dv.verdict(2, 12, 0.25) == dv.FEWER
    assert dv.verdict(3, 12, 0.25) == dv.ABOUT
    assert dv.verdict(4, 12, 0.25) == dv.MORE
    assert dv.verdict(2, 10, 0.25) == dv.FEWER  # 2 against 2.5: half a member short
    assert dv.verdict(2, 8, 0.3) == dv.ABOUT  # 2 against 2.4
    assert dv.verdict(0, 0, 0.25) == dv.NO_STATED
    assert dv.verdict(1, 5, None) == dv.NO_CENSUS


def test_sector_mix_and_panel_flags(built):
    a = built.panels.filter(pl.col("ward_code") == "A").row(0, named=True)
    assert (a["resident"], a["councillor"], a["business"], a["panel_size"]) == (9, 1, 0, 10)
    assert a["no_business"] and not a["no_resident"]
    assert a["councillor_led"]  # the chair member is a councillor, though the panel says resident
    assert a["months_since_review"] == 3  # 15 March to 30 June
    b = built.panels.filter(pl.col("ward_code") == "B").row(0, named=True)
    assert not b["no_business"] and not b["councillor_led"]
    assert b["months_since_review"] is None and b["review_note"] == "only a later review is recorded"
    c = built.panels.filter(pl.col("ward_code") == "C").row(0, named=True)
    assert c["councillor_led"]  # the panel records a councillor chair
    assert c["review_note"] == "never recorded"
    e = built.panels.filter(pl.col("ward_code") == "E").row(0, named=True)
    assert e["months_since_review"] == 24


def test_months_between_counts_whole_months():
    frame = pl.DataFrame({"d": [D(2023, 3, 15), D(2023, 3, 15), D(2022, 12, 31)]})
    assert frame.select(months_between(pl.col("d"), D(2023, 6, 14)).alias("m"))["m"].to_list() == [2, 2, 5]
    assert frame.select(months_between(pl.col("d"), D(2023, 6, 15)).alias("m"))["m"].to_list() == [3, 3, 5]


def test_rollup_sums_expected_and_actual_over_panels(built):
    roll = dv.rollup(in_wards(built.comparison, ["A", "C"]))
    black = roll.filter((pl.col("dimension") == "ethnic_group") & (pl.col("category") == "Black")).row(0, named=True)
    # A expected 8 x .2 = 1.6, C expected 1 x .5 = 0.5; neither has a Black member.
    assert black["expected"] == pytest.approx(2.1)
    assert black["actual"] == 0 and black["shortfall"] == pytest.approx(2.1)
    assert black["panels"] == 2
    assert roll.row(0, named=True)["shortfall"] == roll["shortfall"].max()  # worst first


def test_roll_up_leaves_out_panels_with_nothing_stated(built):
    roll = dv.rollup(in_wards(built.comparison, ["E"]))
    assert roll.is_empty()


def test_ward_gap_for_the_map_is_the_gap_beyond_chance():
    """B: 5 members, all White and 65+, in a ward half and half on both: gap 50. A random panel of
    5 has 0 to 5 White members (1, 5, 10, 10, 5, 1 in 32) with indices 50, 30, 10, 10, 30, 50:
    on average (100 + 300 + 200) / 32 = 18.75 on each dimension, so 31.25 beyond chance. C, one
    member: every panel of one is 50 from a half-and-half ward, so its 50 is nothing beyond chance."""
    gaps = dv.ward_gap(MEMBERS, PANELS, POP, DAY)
    assert gaps.columns == ["ward_code", "value", "label"]
    b = gaps.filter(pl.col("ward_code") == "B").row(0, named=True)
    assert b["value"] == pytest.approx(31.25)
    assert b["label"] == "Diversity gap 50 of 100, a random panel of its size 19: 31 beyond chance (ethnic group 50, age 50)"
    assert gaps.filter(pl.col("ward_code") == "C")["value"][0] == pytest.approx(0.0)
    panels = dv.build(MEMBERS, PANELS, POP, DAY).panels.filter(pl.col("ward_code") == "A").row(0, named=True)
    a = gaps.filter(pl.col("ward_code") == "A").row(0, named=True)
    assert a["value"] == pytest.approx(50.0 - panels["chance_gap"]) and a["label"].startswith("Diversity gap 50 of 100, ")
    assert "G" not in gaps["ward_code"].to_list()  # no open panel, no gap


def test_exact_chance_figures_match_listing_every_ordered_draw():
    """An independent check of the exact path: list all 3^5 = 243 ordered draws of 5 members from
    a ward 50% / 30% / 20% (itertools, no multinomial), with their chances."""
    import itertools

    shares = (0.5, 0.3, 0.2)
    pop = population({"W": {"ethnic_group": {"White": 50, "Asian": 30, "Black": 20}}})
    panel = members_frame([member("W", f"w{i}", e) for i, e in enumerate(["Black", "Black", "Black", "White", "Asian"])])
    got = dv.chance_tests(dv.compare(panel, pop, ["W"], [dv.ETHNIC])).row(0, named=True)
    observed = 50 * (abs(1 / 5 - 0.5) + abs(1 / 5 - 0.3) + abs(3 / 5 - 0.2))
    mean, far = 0.0, 0.0
    for draw in itertools.product(range(3), repeat=5):
        chance = math.prod(shares[g] for g in draw)
        index = 50 * sum(abs(draw.count(g) / 5 - shares[g]) for g in range(3))
        mean += chance * index
        far += chance if index >= observed - 1e-9 else 0.0
    assert got["index"] == pytest.approx(observed)
    assert got["chance_index"] == pytest.approx(mean) and got["p_value"] == pytest.approx(far)


def test_sex_is_compared_only_when_a_ward_table_is_loaded():
    assert [d.key for d in dv.dimensions(POP)] == ["ethnic_group", "white_detail", "age_band"]
    with_sex = pl.concat([POP, population({"B": {"sex": {"Female": 50, "Male": 50}}})])
    dims = dv.dimensions(with_sex)
    assert [d.key for d in dims][-1] == "sex"
    built = dv.build(MEMBERS, PANELS, with_sex, DAY)
    assert built.sex_loaded
    # All 5 of B's members are Female against a 50/50 ward: index 50, in the combined gap.
    sex = built.dissimilarity.filter((pl.col("ward_code") == "B") & (pl.col("dimension") == "sex"))
    assert sex["index"][0] == pytest.approx(50.0)
    b = built.panels.filter(pl.col("ward_code") == "B").row(0, named=True)
    assert b["gap"] == pytest.approx((b["ethnic_group_index"] + b["age_band_index"] + 50.0) / 3)


def test_diversity_gap_beyond_chance_on_the_borough_map():
    """B's gap (50) is 31.25 beyond chance (above), in the '25 to 34 beyond chance' class; a ward
    with no panel reads 'No panel' and has no colour; the City stays the City."""
    from dashboard.domain import status_style as s
    from dashboard.figures import maps

    status = pl.DataFrame({"ward_code": ["B", "C", "G", "H"], "status": [s.AT_RISK, s.FUNCTIONING, s.NO_PANEL, s.CITY]})
    tables = {"members": MEMBERS, "panels": PANELS, "ward_population": POP}
    inputs = maps.MapInputs(as_of=DAY, status=status, table=tables.__getitem__)
    metric = maps.METRICS["Diversity gap beyond chance"]
    out = maps.ward_values(metric, inputs)
    got = {r["ward_code"]: (r["value"], r["key"], r["label"]) for r in out.iter_rows(named=True)}
    assert got["B"][:2] == (31.0, "4")
    assert got["C"][:2] == (0.0, "1")  # a panel of one: its gap of 50 is what chance gives
    assert got["G"] == (None, "–", "No panel")
    assert got["H"] == (None, "–", s.CITY)
    met = out.filter(pl.col("status") != s.CITY)
    # Gaps 50 and 50 (median 50); random panels 18.75 and 50 (median 34.4); one of two 15 or more beyond chance.
    assert metric.title_for(met, "Here", inputs) == (
        "Here: the typical panel's diversity gap is 50 of 100, against 34 for a panel of its size drawn at random from "
        "its ward; 1 of 2 panels are 15 or more beyond chance"
    )
    assert "a random panel of its size" in maps.legend(metric)["meaning"][0]


# --- Whole-panel tests against chance ---------------------------------------------------------------


def test_memberships_list_every_way_members_can_fall_into_groups():
    assert dv.memberships(2, 2).tolist() == [[0, 2], [1, 1], [2, 0]]
    every = dv.memberships(12, 5)
    assert every.shape == (1820, 5)  # C(16, 4)
    assert (every.sum(axis=1) == 12).all() and len({tuple(r) for r in every.tolist()}) == 1820


def half_and_half_comparison(white: int, black: int) -> pl.DataFrame:
    pop = population({"W": {"ethnic_group": {"White": 50, "Black": 50}}})
    members = members_frame([member("W", f"w{i}", "White") for i in range(white)] + [member("W", f"b{i}", "Black") for i in range(black)])
    return dv.compare(members, pop, ["W"], [dv.ETHNIC])


def test_chance_test_worked_example_from_the_docstring():
    """Panel of 4, all White, ward half White: p = 2/16, a random panel's mean index 18.75.
    Panel of 6, all White: p = 2/64; mean index (2 x 50 + 12 x 33.3 + 30 x 16.7) / 64 = 15.625.
    Two of each in 4: index 0, so every panel is at least as far: p = 1."""
    four = dv.chance_tests(half_and_half_comparison(4, 0)).row(0, named=True)
    assert (four["index"], four["p_value"], four["chance_index"], four["method"]) == (
        pytest.approx(50.0), pytest.approx(2 / 16), pytest.approx(18.75), "exact")
    six = dv.chance_tests(half_and_half_comparison(6, 0)).row(0, named=True)
    assert (six["p_value"], six["chance_index"]) == (pytest.approx(2 / 64), pytest.approx(15.625))
    assert dv.chance_tests(half_and_half_comparison(2, 2))["p_value"][0] == pytest.approx(1.0)


def test_a_large_panel_is_tested_on_seeded_random_panels_with_the_same_answer():
    """Past the listing limit the test draws 20,000 random panels: within simulation error of the
    exact answer (p = 2/64 = 0.031, mean index 15.6), and the same answer every time."""
    comp = half_and_half_comparison(6, 0)
    sim = dv.chance_tests(comp, exact_limit=0)
    r = sim.row(0, named=True)
    assert r["method"] == "simulated"
    assert r["p_value"] == pytest.approx(2 / 64, abs=0.004)  # 3 standard errors of 20,000 draws
    assert r["chance_index"] == pytest.approx(15.625, abs=0.3)
    assert dv.chance_tests(comp, exact_limit=0)["p_value"][0] == r["p_value"]


def test_correction_by_hand():
    """p = 0.01, 0.02, 0.03, 0.5 -> q = 0.04, 0.04, 0.04, 0.5: three beyond chance at 5%."""
    tests = pl.DataFrame({"ward_code": list("abcd"), "dimension_label": ["Age"] * 4, "p_value": [0.01, 0.02, 0.03, 0.5]})
    out = dv.beyond_chance(tests)
    assert out["q_value"].to_list() == pytest.approx([0.04, 0.04, 0.04, 0.5])
    assert out["beyond_chance"].to_list() == [True, True, True, False]
    # Among 100 tests (96 more at p = 0.5), p = 0.03 is no longer enough.
    more = pl.concat([tests, pl.DataFrame({"ward_code": [f"z{i}" for i in range(96)], "dimension_label": ["Age"] * 96, "p_value": [0.5] * 96})])
    assert not dv.beyond_chance(more)["beyond_chance"].any()


ADULT_BANDS = ["16-24", "25-34", "35-49", "50-64", "65+"]
ETHNIC = ["Asian", "Black", "Mixed", "White", "Other"]


def random_wards_and_panels(n_wards: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Wards with varied Census profiles, each with a panel of 6 to 16 drawn at random from it."""
    rng = np.random.default_rng(seed)
    pop_rows, member_rows = [], []
    for w in range(n_wards):
        code = f"R{w:04d}"
        eth = np.round(rng.dirichlet([4, 2, 1, 8, 1]) * 10_000).astype(int) + 1
        age = np.round(rng.dirichlet([3, 4, 5, 4, 3]) * 10_000).astype(int) + 1
        pop_rows += [(code, "ethnic_group", c, int(n), "test") for c, n in zip(ETHNIC, eth)]
        pop_rows += [(code, "age_band", c, int(n), "test") for c, n in zip(ADULT_BANDS, age)]
        size = int(rng.integers(6, 17))
        eths = rng.choice(ETHNIC, size=size, p=eth / eth.sum())
        ages = rng.choice(ADULT_BANDS, size=size, p=age / age.sum())
        member_rows += [member(code, f"{code}-{i}", e, age=a) for i, (e, a) in enumerate(zip(eths, ages))]
    pop = pl.DataFrame(pop_rows, schema=["ward_code", "dimension", "category", "count", "source"], orient="row")
    panels = pl.DataFrame({"ward_code": sorted({r[0] for r in pop_rows}), "established_on": D(2019, 1, 1)}).with_columns(
        pl.lit(None, dtype=pl.Date).alias("closed_on"), pl.lit("resident").alias("chair_type"),
        pl.lit(None, dtype=pl.Date).alias("last_membership_review_on"),
    )
    return members_frame(member_rows), panels, pop


@pytest.fixture(scope="module")
def null_london():
    """600 panels drawn at random from their own wards (seeded), plus one built to differ: 12
    members, none under 35, in a ward where 70% of adults are 16-34."""
    members, panels, pop = random_wards_and_panels(600, seed=20)
    young = population({"YOUNG": {"ethnic_group": {"White": 50, "Asian": 50},
                                  "age_band": {"16-24": 30, "25-34": 40, "35-49": 15, "50-64": 10, "65+": 5}}})
    old = [member("YOUNG", f"y{i}", "White" if i % 2 else "Asian", age=["35-49", "50-64", "65+"][i % 3]) for i in range(12)]
    panels = pl.concat([panels, panels.head(1).with_columns(pl.lit("YOUNG").alias("ward_code"))])
    return dv.build(pl.concat([members, members_frame(old)]), panels, pl.concat([pop, young]), DAY)


def test_random_panels_are_not_reported_and_the_built_one_is(null_london):
    findings = dv.panel_findings(dv.beyond_chance(null_london.tests))
    assert findings.height == 601
    null = findings.filter(pl.col("ward_code") != "YOUNG")
    assert null["differs"].sum() <= 0.05 * null.height  # at most the nominal false-discovery rate
    young = findings.filter(pl.col("ward_code") == "YOUNG").row(0, named=True)
    assert young["differs"] and young["differs_in"] == "Age"


def test_before_correction_random_panels_fall_below_5_percent_no_more_than_5_percent_of_the_time(null_london):
    """The test itself is honest: on panels that do mirror their wards, p < 0.05 about 5% of the
    time or less (the counts are whole numbers, so a little less). 1,200 tests: 3 standard errors."""
    null = null_london.tests.filter(pl.col("ward_code") != "YOUNG")
    assert null.height == 1200
    rate = (null["p_value"] < 0.05).mean()
    assert rate <= 0.05 + 3 * (0.05 * 0.95 / null.height) ** 0.5
    assert rate >= 0.01  # and it is not blind: some chance differences do reach 5% before correction


def test_gap_beyond_chance_worked_example_from_the_docstring():
    """Ward half White half Black, half 16-24 half 65+. Panel of 4 all White and 65+: gap 50, a
    random panel of 4 scores 18.75, so 31.25 beyond chance; 2 and 2 on both: gap 0, -18.75."""
    pop = population({"W": {"ethnic_group": {"White": 50, "Black": 50}, "age_band": {"16-24": 50, "65+": 50}},
                      "V": {"ethnic_group": {"White": 50, "Black": 50}, "age_band": {"16-24": 50, "65+": 50}}})
    panel = members_frame([member("W", f"w{i}", "White") for i in range(4)]
                          + [member("V", f"v{i}", "White" if i < 2 else "Black", age="16-24" if i % 2 else "65+") for i in range(4)])
    comp = dv.compare(panel, pop, ["V", "W"], [dv.ETHNIC, dv.AGE])
    out = dv.gap_beyond_chance(dv.dissimilarity(comp), dv.chance_tests(comp), [dv.ETHNIC, dv.AGE]).sort("ward_code")
    assert out["gap"].to_list() == pytest.approx([0.0, 50.0])
    assert out["chance_gap"].to_list() == pytest.approx([18.75, 18.75])
    assert out["gap_excess"].to_list() == pytest.approx([-18.75, 31.25])


def test_panels_are_ranked_by_their_gap_beyond_chance_not_their_raw_gap(built):
    """A, B, C and F all have a gap of 50; beyond chance: B and F 31.25 (5 and 4 members), A 26.9
    (10 members), C 0 (one member, whose 50 is all chance gives). E has nothing stated: last."""
    from dashboard.domain.areas import LONDON
    from dashboard.figures import diversity_view as dvv

    wards = pl.DataFrame({"ward_code": list("ABCEF"), "ward_name": ["Ash", "Beech", "Cedar", "Elm", "Fir"], "borough_name": ["T"] * 5,
                          "borough_code": ["X"] * 5, "bcu": ["Y"] * 5, "police_force": ["Metropolitan Police Service"] * 5})
    from dashboard.figures import privacy

    av = dvv.area_view(built, wards, LONDON, privacy.publish(built, wards))
    table = av.panels_table
    assert table["Ward"].to_list() == ["Beech", "Fir", "Ash", "Cedar", "Elm"]
    assert table["Diversity gap (0-100)"].to_list()[:4] == [50.0] * 4
    assert table[dvv.EXCESS].to_list() == [31.0, 31.0, 27.0, 0.0, None]
    assert table[dvv.CHANCE].to_list() == [19.0, 19.0, 23.0, 50.0, None]
    # As published: a panel whose counts are hidden has its gap beyond chance, random panel's gap and test withheld.
    safe = av.safe.panels_table
    cedar = safe.filter(pl.col("Ward") == "Cedar").row(0, named=True)
    assert (cedar[dvv.MEMBERS], cedar[dvv.EXCESS], cedar[dvv.CHANCE], cedar[dvv.DIFFERS]) == (privacy.FEWER, privacy.WITHHELD, privacy.WITHHELD, privacy.WITHHELD)


def test_pooled_test_of_an_area_worked_example():
    """Two panels of 4 from wards half Black, no Black member: expected 4; P(0 of 8) = 1/256, and
    8 is as unlikely, so p = 2/256. Each panel alone: P(0 of 4) = 1/16, p = 2/16, never below 5%."""
    pop = population({w: {"ethnic_group": {"White": 50, "Black": 50}} for w in ("P", "Q")})
    panels = members_frame([member(w, f"{w}{i}", "White") for w in ("P", "Q") for i in range(4)])
    comp = dv.compare(panels, pop, ["P", "Q"], [dv.ETHNIC])
    black = dv.rollup(comp).filter(pl.col("category") == "Black").row(0, named=True)
    assert (black["actual"], black["expected"]) == (0, pytest.approx(4.0))
    assert black["p_value"] == pytest.approx(2 / 256) and black["beyond_chance"]
    alone = dv.rollup(in_wards(comp, ["P"])).filter(pl.col("category") == "Black").row(0, named=True)
    assert alone["p_value"] == pytest.approx(2 / 16) and not alone["beyond_chance"]


def test_pooled_test_past_2000_members_agrees_with_the_exact_one(monkeypatch):
    """300 panels of 10, each from a ward with a share of 10% to 40% of one group: the normal
    curve's p and the exact Poisson binomial's agree to a thousandth."""
    rng = np.random.default_rng(7)
    trials = np.repeat(rng.uniform(0.1, 0.4, 300), 10)
    actual = int(trials.sum() - 60)  # 60 short of the 750 or so expected
    exact = dv._pooled_p(actual, trials)
    monkeypatch.setattr(dv, "POOLED_EXACT_TRIALS", 0)
    assert dv._pooled_p(actual, trials) == pytest.approx(exact, abs=0.001)
    assert 0.0001 < exact < 0.05
