"""The Data page in chromium: a real file input upload shows the problem report.

Only a file with problems is uploaded, so the shared seeded database is never written.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BAD = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
       b"E05014053,2023-02-30,twelve,1,yes,yes,yes,online\n")


def test_upload_shows_problems_by_row_and_column(app_url, visit):
    page = visit.page
    page.goto(f"{app_url}/data")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    expect(uploader).to_be_attached(timeout=60_000)
    uploader.set_input_files(files=[{"name": "bad meetings.csv", "mimeType": "text/csv", "buffer": BAD}])
    expect(page.get_by_text("2 problems to fix")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Nothing can be imported until every problem is fixed")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_role("button", name="Download the problem report (CSV)")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    visit.screenshot("data_upload_problems")
    assert visit.outside == [], f"requests left the machine: {visit.outside}"
