"""The public ward page and its concern form in chromium.

The form writes, so this test runs its own server on a copy of the seeded database: the shared
one stays read-only for the other browser tests.
"""

import shutil

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from dashboard.figures import concern_form as cf
from data_access import engine as eng
from tests.e2e.conftest import serve
from tests.e2e.pages import open_page, settle

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_app(seeded_sqlite_url, tmp_path):
    path = tmp_path / "copy.sqlite"
    shutil.copy(seeded_sqlite_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    with serve(url, tmp_path / "streamlit.log") as app:
        yield app, url


def stored(url: str) -> list[tuple]:
    engine = eng.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT ward_code, source, category, note, status FROM concern WHERE submitted_at IS NOT NULL")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_resident_raises_a_concern_from_the_wards_own_address(own_app, visit):
    app_url, db = own_app
    page = visit.page
    open_page(page, app_url, "ward", "?ward=E05014053")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Abbey, Barking and Dagenham")).to_be_visible()
    expect(main.get_by_text("Email abbey.wardpanel@example.org")).to_be_visible()
    expect(main.get_by_text("The date of the next meeting has not been published yet.", exact=False)).to_be_visible()
    send = main.get_by_role("button", name="Send to the ward panel")
    box = main.get_by_label(f"Your concern ({cf.MAX_CHARS} characters at most)")

    # Refused: no category, then script. Each says why; nothing is stored.
    box.fill("Dealing by the station every evening")
    send.click()
    settle(page)
    expect(main.get_by_text(cf.NO_CATEGORY)).to_be_visible()
    main.get_by_label("What is it about?").click()
    page.get_by_role("option", name="Drugs", exact=True).click()
    box.fill("<script>alert('hello')</script>")
    send.click()
    settle(page)
    expect(main.get_by_text("Please write your concern as plain text", exact=False)).to_be_visible()
    assert stored(db) == []

    box.fill("Dealing by the station every evening")
    send.click()
    settle(page)
    expect(main.get_by_text("Thank you. Your concern was sent to the Abbey ward panel", exact=False)).to_be_visible()
    assert stored(db) == [("E05014053", "online", "drugs", "Dealing by the station every evening", "pending")]
    expect(box).to_have_value("")  # cleared for the next concern
    expect(page.get_by_test_id("stException")).to_have_count(0)
    visit.screenshot("ward_public_concern_sent")
    assert visit.console_errors == [], visit.console_errors
    assert visit.outside == [], f"requests left the machine: {visit.outside}"
