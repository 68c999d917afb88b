"""A change made outside this process (the command line, another app process) shows within seconds."""

from __future__ import annotations

import time
from pathlib import Path

from dashboard.app import state
from data_access import engine as eng
from data_access import writes
from tests.app.test_access_pages import start

ROOT = Path(__file__).resolve().parents[2]
MEETING = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
           b"E05009367,2023-11-15,12,3,yes,yes,yes,online\n")


def meetings_held(at) -> str:
    return next(m.value for m in at.metric if m.label == "Panel meetings held")


def test_an_import_from_outside_the_app_shows_on_the_next_run_after_the_version_is_looked_at(writable_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", writable_url)
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(state, "LIVENESS_SECONDS", 0.5)
    before = meetings_held(start())
    assert meetings_held(start()) == before  # served from the cache
    engine = eng.make_engine(writable_url)  # as the command line would: not through the app, no cache cleared
    checked = writes.check_files(engine, [("meetings.csv", MEETING)])
    writes.import_checked(engine, checked, [MEETING], kind="upload")
    engine.dispose()
    time.sleep(0.6)
    after = start()
    assert not after.exception
    assert int(meetings_held(after).replace(",", "")) == int(before.replace(",", "")) + 1
