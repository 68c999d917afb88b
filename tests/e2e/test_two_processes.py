"""Two app processes on one PostgreSQL database, as behind a load balancer: an import through one
(in the browser) and one from the command line both show on the other within 5 seconds."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, serve
from tests.e2e.pages import open_page
from tests.postgres import copy_of_database

pytestmark = pytest.mark.e2e
HEADER = b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
THROUGH_A = HEADER + b"E05009367,2023-11-15,12,3,yes,yes,yes,online\n"
FROM_COMMAND_LINE = HEADER + b"E05009367,2023-11-22,10,2,yes,yes,yes,online\nE05009368,2023-11-23,8,1,yes,no,yes,online\n"
LIMIT = 5.0


def meetings_held(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Panel meetings held")
    expect(metric).to_be_visible(timeout=60_000)
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def seconds_until(page, url: str, expected: int, since: float) -> float:
    """Reload the Overview on ``url`` until it shows ``expected`` meetings. Returns the seconds from
    ``since`` (the change's commit) to the start of the first request that showed it: how old the
    figures a visitor could be served were, leaving out the page's own load time."""
    while True:
        asked = time.monotonic()
        open_page(page, url, "")
        if meetings_held(page) == expected:
            return asked - since
        if time.monotonic() - since > LIMIT + 20:
            pytest.fail(f"after {time.monotonic() - since:.1f} s the other process still shows {meetings_held(page)}")
        time.sleep(0.25)


def test_an_import_through_either_process_or_the_command_line_shows_on_the_other(seeded_postgres_template, visit, tmp_path):
    with copy_of_database(seeded_postgres_template) as url, \
            serve(url, tmp_path / "a.log") as a, serve(url, tmp_path / "b.log") as b:
        page = visit.page
        open_page(page, b, "")
        before = meetings_held(page)  # B has read and cached its figures

        open_page(page, a, "data")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            files=[{"name": "meetings.csv", "mimeType": "text/csv", "buffer": THROUGH_A}])
        clicked = time.monotonic()  # the import commits after this (counting from here over-counts)
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page.get_by_text("Imported: meetings 1 new")).to_be_visible(timeout=60_000)
        waited = seconds_until(page, b, before + 1, since=clicked)
        assert waited <= LIMIT, f"process B showed the import after {waited:.1f} s"

        csv = tmp_path / "later meetings.csv"
        csv.write_bytes(FROM_COMMAND_LINE)
        done = subprocess.run([sys.executable, "-m", "data_access", "--url", url, "import", str(csv)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        waited = seconds_until(page, b, before + 3, since=time.monotonic())  # it committed just before it exited
        assert waited <= LIMIT, f"process B showed the command line's import after {waited:.1f} s"
        print(f"two processes: seen after {waited:.1f} s")
