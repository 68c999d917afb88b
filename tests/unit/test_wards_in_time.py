"""Wards before and after May 2022: the mapping rule, the counts of the wards of a date, and the
words users read, on small hand-made lookups and on the real ONS lookup. Pure: no database."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.domain import wards_in_time as wt
from dashboard.domain.areas import LONDON, Area
from dashboard.figures import coverage, functioning, wards_in_time
from data_access import reference

D = dt.date
MET = "Metropolitan Police Service"

# Two old wards A and B, and C that kept its code. A split: 70% of it became X, 30% Y. B became the
# rest of Y. Y is 40% A and 60% B, so Y's best-fit predecessor is B and its main predecessor B too;
# X is all A. C stays C.
LOOKUP = pl.DataFrame(
    [("A", "Old A", "E09X", "X", "New X", 0.70, 1.00, True),
     ("A", "Old A", "E09X", "Y", "New Y", 0.30, 0.40, False),
     ("B", "Old B", "E09X", "Y", "New Y", 1.00, 0.60, True),
     ("C", "Old C", "E09X", "C", "New C", 1.00, 1.00, True)],
    schema=wt.LOOKUP_SCHEMA, orient="row",
)
WARDS = pl.DataFrame({"ward_code": ["X", "Y", "C"], "ward_name": ["New X", "New Y", "New C"], "borough_code": ["E09X"] * 3,
                      "borough_name": ["Ex"] * 3, "bcu": ["Test"] * 3, "police_force": [MET] * 3})
FORMER = pl.DataFrame({"ward_code": ["A", "B", "C"], "ward_name": ["Old A", "Old B", "Old C"], "borough_code": ["E09X"] * 3,
                       "borough_name": ["Ex"] * 3, "bcu": ["Test"] * 3, "police_force": [MET] * 3})


@pytest.fixture(scope="module")
def real() -> pl.DataFrame:
    return reference.ward_successors()


def test_an_old_ward_counts_for_the_2022_ward_with_most_of_its_area():
    assert dict(wt.counts_as(LOOKUP).iter_rows()) == {"A": "X", "B": "Y", "C": "C"}


def test_a_2022_ward_dated_before_the_change_counts_for_the_old_ward_that_covered_most_of_it():
    assert dict(wt.main_predecessor(LOOKUP).iter_rows()) == {"X": "A", "Y": "B", "C": "C"}


def test_which_codes_are_in_force_turns_on_5_may_2022():
    rows = pl.DataFrame({"code": ["A", "A", "X", "X", "C", "C", None],
                         "day": [D(2022, 5, 4), D(2022, 5, 5), D(2022, 5, 4), D(2022, 5, 5), D(2019, 1, 1), D(2023, 1, 1), D(2019, 1, 1)]})
    ok = rows.select(wt.in_force(pl.col("code"), pl.col("day"), ["X", "Y", "C"], ["A", "B", "C"]))["code"].to_list()
    assert ok == [True, False, False, True, True, True, True]


def test_the_real_lookup_has_one_best_fit_per_old_ward_within_its_borough(real):
    """632 wards in the Met's boroughs before May 2022; every old ward counts for one 2022 ward of
    its own borough, so a borough's users see the same records before and after the mapping."""
    best = real.filter(pl.col("best_fit"))
    assert best["old_code"].n_unique() == best.height == real["old_code"].n_unique() == 657
    wards = reference.wards().select(pl.col("code").alias("new_code"), pl.col("borough_code").alias("new_borough"))
    assert best.join(wards, on="new_code").filter(pl.col("new_borough") != pl.col("old_borough_code")).is_empty()
    met = reference.boroughs().filter(pl.col("police_force") == MET)["code"]
    assert reference.former_wards().filter(pl.col("borough_code").is_in(met.implode())).height == 632


def test_old_abbey_after_the_change_names_every_successor_largest_first(real):
    # From the ONS-based lookup: old Abbey went 82.7% to Northbury, 16.1% to the new Abbey and 1.1% to Wall End (noise).
    why = wt.wrong_era("E05000026", D(2023, 3, 3), "held_on", real, current=reference.wards()["code"])
    assert why == ("is the code of Abbey, a ward from before 5 May 2022, but held_on (3 March 2023) is on or after that day, "
                   "when the 2022 wards came in: use the 2022 ward the place is in now: E05014066 (Northbury), which has most "
                   "of its area (83%), or E05014053 (Abbey, 16%)")


def test_the_new_abbey_before_the_change_names_the_wards_it_came_from(real):
    # The new Abbey is 57.9% Gascoigne and 42.1% old Abbey.
    why = wt.wrong_era("E05014053", D(2019, 3, 3), "held_on", real, current=reference.wards()["code"])
    assert why.endswith("use the ward of that date: E05000032 (Gascoigne), which covered most of it (58%), or E05000026 (Abbey, 42%)")
    assert "(3 March 2019) is before 5 May 2022" in why


def test_rows_are_keyed_to_the_wards_of_then():
    # Read for figures: ward_code is the 2022 ward counted for, recorded_ward_code what the row was kept on.
    rows = pl.DataFrame({"ward_code": ["X", "Y", "X", "C", "Z"], wt.RECORDED: ["A", "B", None, None, None],
                         "held_on": [D(2019, 1, 1)] * 5}, schema_overrides={wt.RECORDED: pl.Categorical})
    then = wards_in_time.kept_on_wards_of_then(rows, LOOKUP)
    # A and B as kept; X kept on its 2022 code -> A (all of X was A); C kept its code; Z is no ward of either time.
    assert then["ward_code"].to_list() == ["A", "B", "A", "C"]


def test_the_wards_of_a_date_and_an_areas_codes_on_both_sides():
    assert wards_in_time.wards_on(D(2022, 5, 4), WARDS, FORMER)["ward_code"].to_list() == ["A", "B", "C"]
    assert wards_in_time.wards_on(D(2022, 5, 5), WARDS, FORMER)["ward_code"].to_list() == ["X", "Y", "C"]
    assert wards_in_time.area_codes(Area("ward", "New Y", "Y"), WARDS, FORMER, LOOKUP) == ["B", "Y"]
    assert wards_in_time.area_codes(LONDON, WARDS, FORMER, LOOKUP) == ["A", "B", "C", "X", "Y"]


def test_the_trend_counts_the_wards_of_each_date():
    """Old A has a panel meeting monthly; B and C have none. Before the change 3 wards, 1 with a panel;
    after it 3 wards again (X, Y, C), A's panel now X's (its best fit), meetings kept on A included."""
    months = [D(2021, m, 15) for m in range(1, 13)] + [D(2022, m, 15) for m in range(1, 7)]
    panels = pl.DataFrame({"ward_code": ["X"], wt.RECORDED: ["A"], "established_on": [D(2015, 1, 1)], "closed_on": [None],
                           "chair_type": ["resident"], "last_membership_review_on": [D(2022, 1, 1)]},
                          schema_overrides={"closed_on": pl.Date})
    meetings = pl.DataFrame({"ward_code": ["X"] * len(months), wt.RECORDED: ["A"] * len(months), "held_on": months,
                             "dwo_present": True, "promises_reviewed": True, "minutes_published": True})
    promises = pl.DataFrame({"ward_code": ["X"], wt.RECORDED: ["A"], "set_on": [D(2020, 1, 1)], "closed_on": [None]},
                            schema_overrides={"closed_on": pl.Date})
    tables = {"wards": WARDS, "former_wards": FORMER, "panels": panels, "meetings": meetings, "promises": promises}
    history = coverage.status_history((D(2022, 3, 31), D(2022, 6, 30)), tables, LOOKUP, rules=functioning.Rules())
    got = {(q, w): s for q, w, s in history.iter_rows()}
    assert got == {(D(2022, 3, 31), "A"): "Functioning", (D(2022, 3, 31), "B"): "No panel", (D(2022, 3, 31), "C"): "No panel",
                   (D(2022, 6, 30), "X"): "Functioning", (D(2022, 6, 30), "Y"): "No panel", (D(2022, 6, 30), "C"): "No panel"}
    counts = coverage.trend_counts(history, ["A", "B", "C", "X", "Y"])
    assert counts.select("wards", "with_panel").rows() == [(3, 1), (3, 1)]
    # New Y alone: before the change its trend is B's (its best-fit predecessor); after it, Y's own.
    y = coverage.trend_counts(history, wards_in_time.area_codes(Area("ward", "New Y", "Y"), WARDS, FORMER, LOOKUP))
    assert y.select("wards", "no_panel").rows() == [(1, 1), (1, 1)]


def test_a_wards_history_note_states_the_split(real):
    assert wards_in_time.history_note("E05014066", real) == (
        "Before 5 May 2022 this ward's history is that of its predecessor Abbey (E05000026): 83% of Abbey's area is "
        "in this ward, and it made up 94% of this ward.")
    assert wards_in_time.history_note("E05014053", real) == (
        "This ward was formed on 5 May 2022 and its history starts then. Before, its area was in Gascoigne (E05000032, "
        "58% of it) and Abbey (E05000026, 42% of it), whose records count for the 2022 wards that took most of their "
        "area: Gascoigne (E05014061) and Northbury (E05014066).")
    assert wards_in_time.history_note("E05009317", real) is None  # Bethnal Green kept its code and took in no other ward


def test_the_panel_history_says_which_old_ward_a_panel_was_kept_on():
    panels = pl.DataFrame({"ward_code": ["X", "X"], wt.RECORDED: ["A", None], "established_on": [D(2010, 1, 1), D(2022, 6, 1)],
                           "closed_on": [D(2022, 5, 4), None], "chair_type": ["resident"] * 2, "meetings_open_to_public": [True] * 2,
                           "terms_of_reference_agreed": [True] * 2, "last_membership_review_on": [None, None]},
                          schema_overrides={"closed_on": pl.Date, "last_membership_review_on": pl.Date})
    assert coverage.panel_history(panels, "X", LOOKUP)["kept_on"].to_list() == ["Old A (A), before May 2022", None]
