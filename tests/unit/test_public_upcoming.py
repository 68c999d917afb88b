"""The public ward page: what is coming up in the next three months, and the ward's officers by role."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.figures import public_ward as pw

D = dt.date
TODAY = D(2025, 12, 1)
MEETINGS = pl.DataFrame({"ward_code": ["W1", "W1", "W1", "W2"], "held_on": [D(2025, 11, 3), D(2026, 1, 20), D(2026, 2, 17), D(2026, 1, 5)],
                         "format": ["in person", "online", "in person", "in person"]})
ENGAGEMENT = pl.DataFrame({
    "ward_code": ["W1", "W1", "W1", "W1", "W1"],
    "held_on": [D(2026, 1, 10), D(2026, 3, 1), D(2026, 3, 2), D(2026, 1, 12), D(2025, 12, 1)],
    "kind": ["contact session", "street briefing", "contact session", "newsletter", "community event"],
    "venue": ["Barking Library", None, "Abbey Road cafe", None, "Abbey Park"],
})
DWO = pl.DataFrame({"ward_code": ["W1", "W1", "W1", "W2"], "officer_ref": ["DWO-1", "DWO-2", "DWO-3", "DWO-4"],
                    "started_on": [D(2021, 5, 1), D(2024, 2, 1), D(2019, 1, 1), D(2020, 1, 1)],
                    "ended_on": [None, None, D(2023, 6, 30), None]})


def test_the_next_three_months_of_meetings_and_events_a_resident_can_come_to():
    # Up to 1 March 2026: the 2 March session is too late; the newsletter is not an event; the
    # community event on 1 December is today, not to come; W2's meeting is another ward's.
    assert pw.upcoming(MEETINGS, ENGAGEMENT, "W1", TODAY).rows() == [
        ("10 January 2026", "Contact session", "Barking Library"),
        ("20 January 2026", "Ward panel meeting", "Online"),
        ("17 February 2026", "Ward panel meeting", ""),
        ("1 March 2026", "Street briefing", ""),
    ]


def test_the_wards_officers_in_post_by_role_with_no_reference():
    officers = pw.officers(DWO, "W1", TODAY)
    assert officers.rows() == [("Dedicated Ward Officer", "1 May 2021"), ("Dedicated Ward Officer", "1 February 2024")]
    assert set(officers.columns) <= pw.PUBLIC_COLUMNS


def test_the_page_carries_both():
    wards = pl.DataFrame({"ward_code": ["W1"], "ward_name": ["Abbey"], "borough_name": ["Barking and Dagenham"],
                          "police_force": ["Metropolitan Police Service"]})
    panels = pl.DataFrame({"ward_code": ["W1"], "established_on": [D(2010, 1, 1)], "closed_on": [None], "public_contact": [None]},
                          schema_overrides={"closed_on": pl.Date, "public_contact": pl.String})
    promises = pl.DataFrame(schema={"promise_ref": pl.String, "ward_code": pl.String, "set_on": pl.Date, "category": pl.String,
                                    "description": pl.String, "status": pl.String, "closed_on": pl.Date, "outcome": pl.String,
                                    "feedback_published_on": pl.Date})
    page = pw.ward_page(wards, panels, MEETINGS, promises, "W1", TODAY, engagement=ENGAGEMENT, dwo=DWO)
    assert page.upcoming.height == 4 and page.officers.height == 2
    assert pw.ward_page(wards, panels, MEETINGS, promises, "W1", TODAY).upcoming.height == 2  # meetings only
