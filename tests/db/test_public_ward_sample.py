"""The public ward page's content for EVERY ward of the sample database: only public
columns, all text, no member data, nothing marked internal, and the meetings sentences right."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from dashboard.figures import public_ward as pw
from data_access import engine as eng
from data_access import queries

TODAY = dt.date(2024, 6, 1)  # after the sample ends and the meetings entered ahead of it: all in the past
NUMBER = re.compile(r"\b\d+\b")


def test_every_ward_shows_only_public_text(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    wards, panels, meetings, promises = (queries.wards(engine), queries.panels(engine), queries.meetings(engine),
                                         queries.promises(engine))
    members = queries.members(engine)
    engagement, dwo = queries.engagement(engine), queries.dwo_assignments(engine)
    engine.dispose()
    member_refs = set(members["member_ref"])
    choices = pw.ward_choices(wards)
    assert len(choices) == 679  # every Met ward can be found
    with_contact = with_promises = with_done = with_officers = 0
    for code in choices:
        page = pw.ward_page(wards, panels, meetings, promises, code, TODAY, engagement=engagement, dwo=dwo)
        for frame, columns in ((page.promises, pw.PROMISE_COLUMNS), (page.done, pw.DONE_COLUMNS),
                               (page.upcoming, pw.UPCOMING_COLUMNS), (page.officers, pw.OFFICER_COLUMNS)):
            assert tuple(frame.columns) == columns
            assert all(t == pl.String for t in frame.dtypes), code  # no figure at all, so none below 5
            cells = " ".join(" ".join(map(str, r)) for r in frame.iter_rows())
            assert not (set(cells.split()) & member_refs)
            # Digits appear only in dates ("17 July 2023"), never as a count.
            assert all(re.fullmatch(r"\d{1,2}|20\d\d", n) for n in NUMBER.findall(cells)), code
        mine = promises.filter(pl.col("ward_code") == code)
        assert page.promises.height == mine.filter(pl.col("status") == "open").height
        assert page.done.height == mine.filter((pl.col("status") != "open") & pl.col("feedback_published_on").is_not_null()).height
        held = meetings.filter(pl.col("ward_code") == code)["held_on"]
        assert page.last_met == (held.max() if held.len() else None)
        assert page.next_meeting is None  # the sample's diary reaches no further than March 2024
        with_contact += page.contact is not None
        with_promises += page.promises.height > 0
        with_done += page.done.height > 0
        assert page.upcoming.height == 0  # nothing entered after the sample ends
        mine_now = dwo.filter((pl.col("ward_code") == code) & (pl.col("started_on") <= TODAY)
                              & (pl.col("ended_on").is_null() | (pl.col("ended_on") > TODAY)))
        assert page.officers.height == mine_now.height
        with_officers += page.officers.height > 0
    assert 500 < with_contact < 679 and with_promises > 300 and with_done > 400 and with_officers > 400


def test_internal_promises_and_next_meeting():
    wards = pl.DataFrame({"ward_code": ["W1"], "ward_name": ["Abbey"], "borough_name": ["Barking and Dagenham"],
                          "police_force": ["Metropolitan Police Service"]})
    panels = pl.DataFrame({"ward_code": ["W1", "W1"], "established_on": [dt.date(2010, 1, 1), dt.date(2020, 1, 1)],
                           "closed_on": [dt.date(2019, 1, 1), None], "public_contact": ["old@example.org", "  "]})
    meetings = pl.DataFrame({"ward_code": ["W1"] * 3, "held_on": [dt.date(2025, 5, 5), dt.date(2025, 11, 3), dt.date(2026, 1, 20)]})
    promises = pl.DataFrame({
        "promise_ref": ["P1", "P2", "P3"], "ward_code": ["W1"] * 3, "set_on": [dt.date(2025, 6, 1)] * 3,
        "category": ["drugs", "theft", "burglary"], "description": ["Disrupt dealing", "Secret operation", "Fewer burglaries"],
        "status": ["open", "open", "achieved"], "closed_on": [None, None, dt.date(2025, 10, 1)],
        "outcome": [None, None, "Reports fell"], "feedback_published_on": [None, None, dt.date(2025, 10, 5)],
        "internal": [None, True, False],
    })
    page = pw.ward_page(wards, panels, meetings, promises, "W1", dt.date(2025, 12, 1))
    assert page.promises.rows() == [("Drugs", "Disrupt dealing", "1 June 2025")]  # P2 is internal
    assert page.done.rows() == [("Burglary", "Fewer burglaries", "Achieved", "Reports fell", "5 October 2025")]
    assert page.contact is None  # the open panel's contact is blank; the closed panel's is not used
    assert page.meetings_text == ("The panel last met on 3 November 2025.", "It next meets on 20 January 2026.")
    assert pw.ward_page(wards, panels, meetings, promises, "W9", dt.date(2025, 12, 1)) is None
