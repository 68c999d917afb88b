"""Disclosure control for downloads: small counts hidden, and not recoverable.

The recovery tests play the attacker: given what a file shows (exact cells, zeros, "fewer than
5", "withheld") and the total, they list every set of true values that fits, and check that each
hidden cell still has more than one possible value.
"""


import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.figures import diversity_view as view
from dashboard.figures import privacy
from dashboard.figures.privacy import PRIMARY, SECONDARY, SHOWN, WITHHELD

FEWER = "fewer than 5"


def possible_values(shown: list[str], total: int, threshold: int = 5) -> list[set[int]]:
    """Every value each cell could have, given the shown cells and the group total (brute force)."""
    options = []
    # The attacker knows the rules: beside a "fewer than 5", a withheld cell was withheld to
    # protect it, so it is at least 5; a group withheld whole could hold anything.
    secondary_floor = threshold if FEWER in shown else 0
    for cell in shown:
        if cell == FEWER:
            options.append(range(1, threshold))
        elif cell == WITHHELD:
            options.append(range(secondary_floor, total + 1))
        else:
            options.append([int(cell)])
    # A cell can be x when the other cells can make up total - x: the sums the others can reach are
    # worked out cell by cell (the same answer as trying every combination, without the
    # combinatorial cost when a whole group of six is withheld).
    def sums(cells: list) -> set[int]:
        reach = {0}
        for values in cells:
            reach = {s + x for s in reach for x in values if s + x <= total}
        return reach

    return [{x for x in values if total - x in sums(options[:i] + options[i + 1:])} for i, values in enumerate(options)]


def test_small_counts_are_fewer_than_5_and_zero_stays_zero():
    frame = pl.DataFrame({"g": ["a"] * 4, "n": [0, 3, 7, 8]})
    out = privacy.protect_long(frame, count="n", group_by=["g"])
    # Total 18: showing 7 and 8 would give the 3 away, so the smaller of them goes too.
    assert out["n"].to_list() == ["0", FEWER, WITHHELD, "8"]


def test_a_lone_small_cell_gets_a_second_cell_withheld():
    # Total 10, cells 9 and 1: showing 9 would give 1 away.
    states, withhold_total = privacy.plan([9, 1, 0])
    assert states == [SECONDARY, PRIMARY, SHOWN] and not withhold_total


def test_two_small_cells_that_could_swap_need_nothing_more():
    states, withhold_total = privacy.plan([7, 2, 1, 0, 0])
    assert states == [SHOWN, PRIMARY, PRIMARY, SHOWN, SHOWN] and not withhold_total


def test_two_ones_pin_each_other_so_the_total_goes():
    # Total 2 with both cells "fewer than 5": both must be 1.
    assert privacy.plan([1, 1]) == ([PRIMARY, PRIMARY], True)
    # 4 + 4 = 8 is just as revealing (the other end of the range).
    assert privacy.plan([4, 4, 0])[1] is True


def test_a_different_threshold():
    assert privacy.plan([12, 9], threshold=10)[0] == [SECONDARY, PRIMARY]
    frame = pl.DataFrame({"g": ["a", "a", "a"], "n": [12, 9, 8]})
    out = privacy.protect_long(frame, count="n", group_by=["g"], threshold=10)
    assert out["n"].to_list() == ["12", "fewer than 10", "fewer than 10"]


def test_shares_beside_a_hidden_count_are_withheld_and_group_figures_too():
    frame = pl.DataFrame(
        {"dim": ["x", "x", "x", "y", "y"], "n": [8, 2, 0, 5, 5], "share": [0.8, 0.2, 0.0, 0.5, 0.5], "exp": [6.0, 3.0, 1.0, 5.0, 5.0]}
    )
    out = privacy.protect_long(frame, count="n", group_by=["dim"], row_derived=["share"], group_derived=["exp"])
    x = out.filter(pl.col("dim") == "x")
    assert x["n"].to_list() == [WITHHELD, FEWER, "0"]
    assert x["share"].to_list() == [WITHHELD, WITHHELD, "0"]
    assert x["exp"].to_list() == [WITHHELD] * 3
    y = out.filter(pl.col("dim") == "y")
    assert y["n"].to_list() == ["5", "5"] and y["share"].to_list() == ["0.5", "0.5"] and y["exp"].to_list() == ["5.0", "5.0"]


def test_a_shown_total_is_withheld_when_cells_cannot_protect_it():
    frame = pl.DataFrame({"a": [1, 6], "b": [1, 6], "total": [2, 12]})
    out = privacy.protect_wide(frame, counts=["a", "b"], total="total", total_public=False)
    assert out.row(0) == (FEWER, FEWER, WITHHELD)
    assert out.row(1) == ("6", "6", "12")
    # Where the total is public anyway, the whole group goes instead.
    public = privacy.protect_wide(frame, counts=["a", "b"], total="total", total_public=True)
    assert public.row(0)[:2] == (WITHHELD, WITHHELD)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=6))
def test_no_hidden_cell_can_be_recovered_from_the_total(values):
    frame = pl.DataFrame({"g": ["p"] * len(values), "n": values})
    shown = privacy.protect_long(frame, count="n", group_by=["g"], total_public=True)["n"].to_list()
    total = sum(values)
    for cell, true, options in zip(shown, values, possible_values(shown, total)):
        assert true in options
        if cell in (FEWER, WITHHELD):
            assert len(options) > 1, (values, shown)
        if 0 < true < 5:
            assert cell in (FEWER, WITHHELD)  # never printed
        if true == 0 and WITHHELD not in shown:
            assert cell == "0"


def test_sector_rows_cannot_be_recovered_from_the_panel_size():
    # Sector counts beside the panel size: the check an attacker would make, row by row.
    rows = [[6, 3, 1, 0, 0, 0, 0, 0, 0, 0], [9, 0, 1, 0, 0, 0, 0, 0, 0, 0], [5, 5, 0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2, 2, 0, 0, 0, 0, 0, 0]]
    cols = [s.capitalize() for s in view.dv.SECTOR_COLUMNS]
    frame = pl.DataFrame([[f"W{i}", *r, sum(r)] for i, r in enumerate(rows)], schema=["Ward", *cols, "Members"], orient="row")
    out = view.sector_export(frame)
    for r, values in zip(out.iter_rows(), rows):
        cells, size = list(r[1:-1]), r[-1]
        total = sum(values) if size == WITHHELD else int(size)  # assume it is known from elsewhere
        for cell, options in zip(cells, possible_values(cells, total)):
            if cell in (FEWER, WITHHELD):
                assert len(options) > 1, (values, cells)
    assert out.row(1)[1:4] == (WITHHELD, "0", FEWER)  # resident 9 withheld so business 1 is not given away


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=5))
def test_a_total_shown_beside_the_cells_never_gives_one_away(values):
    cols = [f"c{i}" for i in range(len(values))]
    frame = pl.DataFrame([[*values, sum(values)]], schema=[*cols, "total"], orient="row")
    out = privacy.protect_wide(frame, counts=cols, total="total", total_public=False).row(0)
    cells, total = list(out[:-1]), out[-1]
    if total == WITHHELD:
        assert any(c == FEWER for c in cells)  # withheld only when something needed protecting
        return
    assert int(total) == sum(values)
    for cell, options in zip(cells, possible_values(cells, int(total))):
        if cell in (FEWER, WITHHELD):
            assert len(options) > 1, (values, out)


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
