"""Partner-led promises beside police-led ones, and the barriers named, on small hand-made frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.figures import partners
from tests.unit.two_wards import BARKING, Q4, WARDS

D = dt.date
PROMISES = pl.DataFrame({
    "promise_ref": ["P1", "P2", "P3", "P4", "P5", "P6"],
    "ward_code": ["W1", "W1", "W2", "W2", "W1", "W2"],
    "set_on": [D(2023, 7, 1), D(2023, 10, 2), D(2023, 7, 1), D(2023, 11, 1), D(2023, 3, 1), D(2023, 1, 1)],
    "category": ["burglary", "drugs", "road safety", "anti-social behaviour", "road safety", "theft"],
    "status": ["achieved", "not achieved", "not achieved", "open", "withdrawn", "achieved"],
    "closed_on": [D(2023, 11, 1), D(2023, 12, 1), D(2023, 12, 20), None, D(2023, 9, 30), D(2023, 5, 1)],
    "lead_agency": [None, "police", "council", "housing provider", "council", "council"],
    "barrier": [None, None, "Council budget for traffic calming not agreed", "  ", "Consultation delayed", "Gone"],
})


def test_promises_by_who_leads_them():
    leads = partners.by_lead(PROMISES, ["W1", "W2"], Q4)
    # Closed in the quarter: P1 (police, achieved), P2 (police by its lead_agency, not achieved),
    # P3 (council, not achieved). Set in it: P2 (police), P4 (housing provider). P5 closed in
    # September and P6 in May: neither counts.
    assert leads.rows() == [("police", 1, 2, 1, 50.0), ("council", 0, 1, 0, 0.0), ("housing provider", 1, 0, 0, None),
                            ("all partners", 1, 1, 0, 0.0)]


def test_the_barriers_of_promises_open_in_the_period():
    named = partners.barriers(PROMISES, WARDS, Q4)
    # P3 closed in the quarter: named. P4's barrier is blank; P5 closed (30 September) and P6
    # (May) before the quarter began.
    assert named.rows() == [("Beam", "Barking", "P3", "road safety", "council", "not achieved",
                             "Council budget for traffic calming not agreed")]


def test_the_finding_sets_partners_beside_the_police():
    view = partners.partner_view(PROMISES, WARDS, BARKING, Q4)
    assert view.finding == ("Barking, October to December 2023: 1 of the 2 promises set were led by a partner. Partner-led: 0% "
                            "of 1 closed achieved; police-led: 50% of 2 closed achieved. 1 promise open in the period named a barrier.")
    assert view.title == "Barking: partner-led promises 0% of 1 closed achieved, police-led 50% of 2 closed achieved"
