"""Contact sessions and other activities linked to promises, on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.figures import linked
from tests.unit.two_wards import BARKING, Q4, WARDS

D = dt.date
PROMISES = pl.DataFrame({
    "promise_ref": ["P1", "P2", "P3", "P4", "P5"],
    "ward_code": ["W1", "W1", "W2", "W2", "W2"],
    "set_on": [D(2023, 9, 1), D(2023, 10, 10), D(2023, 7, 1), D(2023, 11, 1), D(2023, 3, 1)],
    "category": ["burglary", "drugs", "road safety", "theft", "violence"],
    "status": ["open", "achieved", "open", "open", "achieved"],
    "closed_on": [None, D(2023, 12, 1), None, None, D(2023, 9, 1)],  # P5 closed before the quarter: not open in it
})
ENGAGEMENT = pl.DataFrame({
    "ward_code": ["W1", "W1", "W1", "W1", "W1", "W2", "W2", "W2"],
    "held_on": [D(2023, 8, 20), D(2023, 10, 5), D(2023, 11, 9), D(2023, 12, 1), D(2023, 11, 1), D(2023, 10, 1), D(2024, 1, 5),
                D(2023, 11, 2)],
    "kind": ["contact session", "contact session", "contact session", "street briefing", "contact session", "survey",
             "contact session", "contact session"],
    "people_reached": [10, 12, 8, 40, 5, 30, 9, 7],
    "promise_ref": ["P1", "P1", "P1", "P1", None, "P3", "P3", "P5"],
})


def test_each_promise_with_the_activities_linked_to_it():
    view = linked.linked_view(PROMISES, ENGAGEMENT, WARDS, BARKING, Q4)
    # P1: 20 August is before it was set; 5 October and 9 November sessions, 1 December briefing.
    # P3: a survey; its January session is after the quarter. P2, P4: nothing linked.
    assert view.promises.rows() == [
        ("Abbey", "Barking", "P1", "burglary", "open", 2, 1, 60),
        ("Beam", "Barking", "P3", "road safety", "open", 0, 1, 30),
        ("Abbey", "Barking", "P2", "drugs", "achieved", 0, 0, 0),
        ("Beam", "Barking", "P4", "theft", "open", 0, 0, 0),
    ]


def test_the_share_of_promises_with_a_contact_session_linked():
    view = linked.linked_view(PROMISES, ENGAGEMENT, WARDS, BARKING, Q4)
    assert view.share == 0.25
    assert view.finding == ("Barking, October to December 2023: 25% of promises had a contact session linked to them "
                            "(1 of the 4 open in the period).")
    assert view.wards.rows() == [("Beam", "Barking", 2, 0, 0.0, 1), ("Abbey", "Barking", 2, 1, 50.0, 3)]


def test_no_promise_open_says_so():
    view = linked.linked_view(PROMISES.clear(), ENGAGEMENT, WARDS, BARKING, Q4)
    assert view.share is None and "no promise was open" in view.finding
