"""Recorded crime beside the promises, on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.domain.areas import LONDON, Area
from dashboard.domain.periods import period_ending
from dashboard.figures import crime

Q4 = period_ending(dt.date(2023, 12, 31), "quarter")
MAP = {"Burglary": "burglary", "Robbery": "robbery", "Other crime": "none"}
MET = "Metropolitan Police Service"
WARDS = pl.DataFrame({
    "ward_code": ["W1", "W2", "W3"], "ward_name": ["Abbey", "Beam", "Cray"], "borough_code": ["B1", "B1", "B2"],
    "borough_name": ["Barking", "Barking", "Bexley"], "bcu": ["East", "East", "South"], "police_force": [MET] * 3,
})
CRIME = pl.DataFrame({
    "ward_code": ["W1", "W1", "W1", "W2", "W2", "W3", "W1"],
    "month": [dt.date(2023, 10, 1), dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2023, 12, 1), dt.date(2023, 12, 1),
              dt.date(2023, 12, 1), dt.date(2023, 9, 1)],  # the last is before the quarter
    "crime_type": ["Burglary", "Burglary", "Robbery", "Robbery", "Fraud", "Other crime", "Burglary"],
    "count": [2.5, 3.5, 2.0, 1.0, 1.0, 4.0, 50.0],
})
PROMISES = pl.DataFrame({
    "ward_code": ["W1", "W1", "W2"],
    "set_on": [dt.date(2023, 10, 5), dt.date(2023, 6, 1), dt.date(2023, 11, 1)],
    "category": ["burglary", "robbery", "road safety"],
    "status": ["open", "achieved", "open"],
    "closed_on": [None, dt.date(2023, 11, 30), None],
})
BARKING = Area("borough", "Barking", "B1")


def test_crime_types_in_the_quarter_most_first_with_their_promise_category():
    types = crime.crime_types(CRIME, ["W1", "W2"], Q4, MAP)
    # Burglary 2.5 + 3.5 = 6 (September's 50 is outside), Robbery 2 + 1 = 3, Fraud 1: of 10.
    assert types.rows() == [("Burglary", "burglary", 6.0, 60.0), ("Robbery", "robbery", 3.0, 30.0), ("Fraud", "none", 1.0, 10.0)]


def test_promise_categories_beside_the_crime_recorded_in_them():
    view = crime.crime_view(CRIME, PROMISES, WARDS, BARKING, Q4, MAP)
    # burglary: 6 recorded (60%), 1 set in the quarter and open; robbery: 3 (30%), set in June and
    # achieved 30 November, so neither set nor open; none: Fraud's 1; road safety: no crime, 1 set, open.
    assert view.categories.rows() == [("burglary", 6.0, 60.0, 1, 1), ("robbery", 3.0, 30.0, 0, 0), ("none", 1.0, 10.0, 0, 0),
                                      ("road safety", 0.0, 0.0, 1, 1)]
    assert view.finding == ("Burglary was the crime type recorded most in Barking in October to December 2023 (60% of "
                            "recorded crime); 1 of the 2 promises set was about burglary.")
    assert view.types_title == "Burglary: 60% of crime recorded in Barking, October to December 2023"


def test_each_wards_main_crime_type_and_the_promises_set_in_its_category():
    view = crime.crime_view(CRIME, PROMISES, WARDS, BARKING, Q4, MAP)
    assert view.place == "ward"
    # Abbey: Burglary 6 of 8 (75%), its burglary promise set; Beam: Fraud 1 and Robbery 1 tie -> Fraud
    # (first by name), no category, 50%.
    assert view.places.rows() == [("Abbey", "Barking", 8.0, "Burglary", 75.0, "burglary", 1),
                                  ("Beam", "Barking", 2.0, "Fraud", 50.0, "none", 0)]


def test_london_is_shown_by_borough():
    view = crime.crime_view(CRIME, PROMISES, WARDS, LONDON, Q4, MAP)
    assert view.place == "borough"
    assert view.places.rows() == [("Barking", 10.0, "Burglary", 60.0, "burglary", 1), ("Bexley", 4.0, "Other crime", 100.0, "none", 0)]
    assert view.finding.endswith("(43% of recorded crime); 1 of the 2 promises set was about burglary.")


def test_an_area_with_no_crime_held_says_so_and_where_to_import_it():
    view = crime.crime_view(CRIME.clear(), PROMISES, WARDS, BARKING, Q4, MAP)
    assert view.types.height == 0 and view.finding.startswith("No recorded crime is held for Barking")
    assert view.places["recorded"].to_list() == [0.0, 0.0]
