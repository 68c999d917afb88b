"""Concerns on real databases: imported rows count at once, a resident's concern from
the public page waits for a board member, and an import never touches a resident's concern."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import text

from dashboard.domain.periods import period_ending
from dashboard.figures import alignment as al
from data_access import engine as eng
from data_access import queries, seed, writes

HEADER = b"ward_code,raised_on,source,category,count,note\n"
FILE = HEADER + b"E05014053,2023-11-03,online,drugs,12,From the council's online consultation\nE05014053,2023-11-04,survey,theft,5,\n"
NOW = dt.datetime(2023, 11, 3, 18, 30)


def statuses(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT source, category, count, status, submitted_at IS NOT NULL FROM concern "
                                 "ORDER BY id")).all()


def test_import_upsert_undo_and_a_residents_concern_left_alone(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    # A resident raised "drugs" online on the same day as the consultation row's key.
    cid = writes.submit_concern(engine, ward_code="E05014053", category="drugs", text_="Dealing by the <b>bus stop</b>", now=NOW)
    (checked,) = writes.check_files(engine, [("concerns.csv", FILE)])
    assert checked.ok and checked.table == "concerns"
    (r,) = writes.import_checked(engine, [checked], [FILE], kind="upload")
    assert (r.new, r.changed, r.unchanged) == (2, 0, 0)  # the resident's row is not "the same row"
    assert statuses(engine) == [("online", "drugs", 1, "pending", True), ("online", "drugs", 12, "accepted", False),
                                ("survey", "theft", 5, "accepted", False)]
    edited = FILE.replace(b",drugs,12,", b",drugs,15,")
    (checked2,) = writes.check_files(engine, [("edited.csv", edited)])
    (r2,) = writes.import_checked(engine, [checked2], [edited], kind="upload")
    assert (r2.new, r2.changed, r2.unchanged) == (0, 1, 1)
    assert [s[2] for s in statuses(engine)] == [1, 15, 5]  # the resident's count untouched
    assert writes.undo_last(engine, "concerns") == (0, 1, "edited.csv")
    assert writes.undo_last(engine, "concerns") == (2, 0, "concerns.csv")
    assert statuses(engine) == [("online", "drugs", 1, "pending", True)]
    # Its text is kept exactly as written (shown to staff as text, never as HTML).
    pending = queries.submitted_concerns(engine)
    assert pending["id"].to_list() == [cid] and pending["note"][0] == "Dealing by the <b>bus stop</b>"
    engine.dispose()


def test_a_residents_concern_counts_only_once_accepted(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    wards = queries.wards(engine).filter(pl.col("ward_code") == "E05014053")
    promises = pl.DataFrame({"ward_code": ["E05014053"], "set_on": [dt.date(2023, 12, 1)], "category": ["drugs"]})
    period = period_ending(dt.date(2023, 12, 31), "quarter")

    def coverage():
        return al.ward_alignment(queries.concerns(engine), promises, wards, period).row(0, named=True)

    first = writes.submit_concern(engine, ward_code="E05014053", category="drugs", text_="Dealing", now=NOW)
    second = writes.submit_concern(engine, ward_code="E05014053", category="theft", text_="Bikes stolen", now=NOW)
    assert coverage()["note"] == "no concerns recorded"  # both pending: nothing counts yet
    assert writes.submissions_since(engine, ward_code="E05014053", since=NOW - dt.timedelta(hours=1)) == 2
    assert writes.review_concern(engine, first, accept=True, now=NOW) is True
    assert writes.review_concern(engine, second, accept=False, now=NOW) is True
    assert writes.review_concern(engine, second, accept=True, now=NOW) is False  # already reviewed
    after = coverage()
    assert after["concerns"] == 1 and after["coverage"] == 1.0 and after["top_concerns"] == "drugs (1)"
    assert queries.submitted_concerns(engine).height == 0
    assert queries.submitted_concerns(engine, status="rejected")["note"].to_list() == ["Bikes stolen"]
    engine.dispose()


def test_a_steward_reviews_only_their_own_boroughs_concerns(any_url):
    """A Hackney steward cannot accept a Barking and Dagenham concern (refused in data_access,
    nothing changed, answered as for a concern that is not there), sees only Hackney's waiting
    concerns, and may accept Hackney's."""
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    abbey = writes.submit_concern(engine, ward_code="E05014053", category="drugs", text_="By the station", now=NOW)  # Barking
    hackney_ward = queries.wards(engine).filter(pl.col("borough_code") == "E09000012")["ward_code"][0]
    own = writes.submit_concern(engine, ward_code=hackney_ward, category="theft", text_="Bikes stolen", now=NOW)
    hackney = ("E09000012",)
    assert writes.review_concern(engine, abbey, accept=True, now=NOW, boroughs=hackney) is False
    assert writes.review_concern(engine, 999_999, accept=True, now=NOW, boroughs=hackney) is False  # the same answer
    assert queries.submitted_concerns(engine, boroughs=hackney)["id"].to_list() == [own]
    assert sorted(queries.submitted_concerns(engine)["id"].to_list()) == sorted([abbey, own])
    assert writes.review_concern(engine, own, accept=True, now=NOW, boroughs=hackney)
    assert queries.submitted_concerns(engine)["id"].to_list() == [abbey]  # Barking's still waits, untouched
    engine.dispose()
