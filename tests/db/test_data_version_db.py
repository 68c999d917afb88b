"""Every change to the data moves the data version on, in its own transaction; a refused one does not."""

from __future__ import annotations

import datetime as dt

import pytest

from data_access import data_version, seed, writes
from data_access import engine as eng
from sample_data import load as sample_load

MEETING = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
           b"E05009367,2023-11-15,12,3,yes,yes,yes,online\n")
OUT_OF_RANGE = MEETING.replace(b"2023-11-15", b"1899-12-31")


def test_each_kind_of_change_moves_the_version_once_and_a_refusal_does_not(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)  # the reference load is a change too
    after_reference = data_version.read(engine)
    assert after_reference == 1

    def moved_by(change) -> int:
        before = data_version.read(engine)
        change()
        return data_version.read(engine) - before

    checked = writes.check_files(engine, [("meetings.csv", MEETING)])
    assert moved_by(lambda: writes.import_checked(engine, checked, [MEETING], kind="upload")) == 1
    assert moved_by(lambda: writes.undo_last(engine, "meetings")) == 1
    concern = []
    assert moved_by(lambda: concern.append(writes.submit_concern(
        engine, ward_code="E05009367", category="drugs", text_="Dealing by the station", now=dt.datetime(2026, 12, 1, 9)))) == 1
    assert moved_by(lambda: writes.review_concern(engine, concern[0], accept=True, now=dt.datetime(2026, 12, 2, 9))) == 1
    assert moved_by(lambda: writes.review_concern(engine, concern[0], accept=True, now=dt.datetime(2026, 12, 2, 9))) == 0
    assert moved_by(lambda: writes.set_complete_to(engine, dt.date(2023, 12, 31), who="t")) == 1
    refused = writes.check_files(engine, [("meetings.csv", OUT_OF_RANGE)])
    assert refused[0].errors
    with pytest.raises(writes.ImportRefused):
        moved_by(lambda: writes.undo_last(engine, "meetings"))  # nothing left to undo
    assert data_version.read(engine) == after_reference + 5
    engine.dispose()


def test_seeding_the_sample_moves_the_version(sqlite_url):
    engine = eng.make_engine(sqlite_url)
    seed.prepare(engine)
    before = data_version.read(engine)
    sample_load.seed_sample(engine, seed=3)
    assert data_version.read(engine) == before + 1
    engine.dispose()
