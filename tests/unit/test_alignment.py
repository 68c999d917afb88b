"""Do the promises follow the concerns? Hand-computed on small frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.domain.periods import period_ending
from dashboard.figures import alignment as al

D = dt.date
Q4 = period_ending(D(2023, 12, 31), "quarter")  # 1 October to 31 December 2023; concerns from 1 April 2023

WARDS = pl.DataFrame({
    "ward_code": ["A", "B", "C", "D"],
    "ward_name": ["Alpha", "Beta", "Gamma", "Delta"],
    "borough_name": ["North", "North", "South", "South"],
    "bcu": ["One", "One", "One", "One"],
})


def concerns(*rows: tuple) -> pl.DataFrame:
    """(ward, raised_on, category, count[, status])."""
    full = [(r[0], r[1], "survey", r[2], r[3], r[4] if len(r) > 4 else "accepted") for r in rows]
    return pl.DataFrame(full, schema={"ward_code": pl.String, "raised_on": pl.Date, "source": pl.String, "category": pl.String,
                                      "count": pl.Int64, "status": pl.String}, orient="row")


def promises(*rows: tuple) -> pl.DataFrame:
    """(ward, set_on, category)."""
    return pl.DataFrame(list(rows), schema={"ward_code": pl.String, "set_on": pl.Date, "category": pl.String}, orient="row")


def by_ward(table: pl.DataFrame) -> dict[str, dict]:
    return {r["ward_code"]: r for r in table.iter_rows(named=True)}


def test_docstring_example_coverage_half_and_one_unbacked_promise():
    c = concerns(("A", D(2023, 9, 1), "anti-social behaviour", 10), ("A", D(2023, 8, 1), "drugs", 6),
                 ("A", D(2023, 7, 1), "burglary", 4), ("A", D(2023, 10, 2), "theft", 1))
    p = promises(("A", D(2023, 10, 20), "anti-social behaviour"), ("A", D(2023, 10, 20), "road safety"))
    a = by_ward(al.ward_alignment(c, p, WARDS, Q4))["A"]
    assert a["concerns"] == 21 and a["top_weight"] == 20 and a["covered_weight"] == 10
    assert a["coverage"] == 0.5
    assert a["ignores_top_concern"] is False
    assert a["promises_set"] == 2 and a["unbacked_promises"] == 1
    assert a["top_concerns"] == "anti-social behaviour (10); drugs (6); burglary (4)"
    assert a["note"] is None


def test_no_concerns_is_said_not_scored_zero():
    p = promises(("B", D(2023, 11, 1), "drugs"))
    b = by_ward(al.ward_alignment(concerns(), p, WARDS, Q4))["B"]
    assert b["coverage"] is None and b["ignores_top_concern"] is None
    assert b["note"] == "no concerns recorded"
    assert b["unbacked_promises"] == 1  # a promise with nothing recorded behind it
    assert al.finding("Here", al.ward_alignment(concerns(), promises(), WARDS, Q4)) == (
        "Here: no concerns recorded, so there is nothing to set the promises against")


def test_no_promises_set_is_said_not_scored_zero():
    c = concerns(("C", D(2023, 11, 1), "drugs", 5))
    row = by_ward(al.ward_alignment(c, promises(), WARDS, Q4))["C"]
    assert row["coverage"] is None and row["note"] == "no promises set"


def test_ties_at_the_edge_are_all_top_and_ties_at_first_need_only_one_promise():
    # Weights 8, 8, 3, 3, 1: ranks 1, 1, 3, 3, 5 -> four top concerns (weight 22).
    c = concerns(("A", D(2023, 10, 1), "drugs", 8), ("A", D(2023, 10, 1), "robbery", 8),
                 ("A", D(2023, 10, 1), "theft", 3), ("A", D(2023, 10, 1), "burglary", 3),
                 ("A", D(2023, 10, 1), "hate crime", 1))
    ranked = al.top_concerns(c, ["A"], D(2023, 4, 1), D(2023, 12, 31))
    assert dict(zip(ranked["category"], ranked["rank"])) == {"drugs": 1, "robbery": 1, "burglary": 3, "theft": 3, "hate crime": 5}
    assert ranked.filter(pl.col("top"))["weight"].sum() == 22
    p = promises(("A", D(2023, 12, 1), "robbery"), ("A", D(2023, 12, 1), "theft"))
    a = by_ward(al.ward_alignment(c, p, WARDS, Q4))["A"]
    assert a["coverage"] == (8 + 3) / 22
    assert a["ignores_top_concern"] is False  # robbery is tied first
    p2 = promises(("A", D(2023, 12, 1), "theft"))
    assert by_ward(al.ward_alignment(c, p2, WARDS, Q4))["A"]["ignores_top_concern"] is True


def test_pending_and_rejected_concerns_and_old_ones_do_not_count():
    c = concerns(("A", D(2023, 10, 1), "drugs", 2), ("A", D(2023, 10, 1), "burglary", 50, "pending"),
                 ("A", D(2023, 10, 1), "theft", 40, "rejected"), ("A", D(2023, 3, 31), "robbery", 99))
    p = promises(("A", D(2023, 11, 1), "drugs"))
    a = by_ward(al.ward_alignment(c, p, WARDS, Q4))["A"]
    assert a["concerns"] == 2 and a["coverage"] == 1.0 and a["ignores_top_concern"] is False
    # A promise set before the period is not this period's.
    old = by_ward(al.ward_alignment(c, promises(("A", D(2023, 9, 30), "drugs")), WARDS, Q4))["A"]
    assert old["note"] == "no promises set"


def test_rollup_pools_weight_and_counts_flags():
    c = concerns(("A", D(2023, 10, 1), "drugs", 10), ("A", D(2023, 10, 1), "theft", 10),
                 ("B", D(2023, 10, 1), "robbery", 5), ("C", D(2023, 10, 1), "drugs", 4))
    p = promises(("A", D(2023, 11, 1), "drugs"), ("B", D(2023, 11, 1), "vehicle crime"), ("B", D(2023, 11, 1), "theft"),
                 ("D", D(2023, 11, 1), "drugs"))
    table = al.ward_alignment(c, p, WARDS, Q4)
    north = by_ward(al.rollup(table).rename({"borough_name": "ward_code"}))["North"]
    # A: 10 of 20 covered; B: 0 of 5 -> 10 / 25; B ignores robbery; B's two promises had no concern.
    assert north["scored"] == 2 and north["coverage"] == 10 / 25 and north["ignoring"] == 1
    assert north["promises_set"] == 3 and north["unbacked_promises"] == 2
    south = by_ward(al.rollup(table).rename({"borough_name": "ward_code"}))["South"]
    assert south["scored"] == 0 and south["coverage"] is None and south["no_concerns"] == 1  # D: none recorded
    bcu = al.rollup(table, by="bcu").row(0, named=True)
    assert (bcu["bcu"], bcu["wards"], bcu["scored"], bcu["coverage"], bcu["ignoring"]) == ("One", 4, 2, 10 / 25, 1)
    london = al.rollup(table, by=None).row(0, named=True)
    assert london["wards"] == 4 and london["unbacked_promises"] == 3 and london["unbacked_share"] == 3 / 4
    assert al.finding("London", table) == (
        "London: promises covered 40% of what residents raised most; 1 of 2 wards' promises ignored their top "
        "concern, and 3 of 4 promises had no recorded concern behind them")


def test_concern_window_reaches_six_months_back():
    assert al.concern_window(Q4) == (D(2023, 4, 1), D(2023, 12, 31))


def test_map_measure_for_the_twelve_months():
    from dashboard.figures import maps

    c = concerns(("A", D(2023, 2, 1), "drugs", 10), ("A", D(2023, 2, 1), "theft", 10), ("B", D(2023, 5, 1), "robbery", 5))
    p = promises(("A", D(2023, 3, 1), "drugs"), ("B", D(2023, 6, 1), "theft"), ("C", D(2023, 6, 1), "theft"))
    out = by_ward(al.coverage_12m(c, p, WARDS, D(2023, 12, 31)))
    assert (out["A"]["value"], out["A"]["label"]) == (50.0, "50% of what residents raised most")
    assert (out["B"]["value"], out["B"]["label"]) == (0.0, "0% of what residents raised most; top concern not promised")
    assert out["C"]["value"] is None and out["C"]["label"] == "No concerns recorded"
    assert "Promises follow concerns" in maps.METRICS


def test_a_wards_chart_of_its_boroughs_wards_is_titled_for_the_borough():
    from dashboard.domain.areas import MET, Area

    wards = WARDS.with_columns(pl.col("borough_name").alias("borough_code"), pl.lit(MET).alias("police_force"))
    c = concerns(("A", D(2023, 9, 1), "drugs", 5), ("B", D(2023, 9, 1), "drugs", 5))
    p = promises(("A", D(2023, 10, 20), "drugs"), ("B", D(2023, 10, 20), "theft"))
    view = al.alignment_view(c, p, wards, Area("ward", "Alpha (North)", "A"), Q4)
    assert view.bars["name"].to_list() == ["Beta", "Alpha"]  # the borough's wards, least covered first
    assert view.bars_title.startswith("All North wards, Alpha (North) among them: promises in Beta covered least")
