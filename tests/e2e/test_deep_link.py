"""A link straight to a page, as the first visit after a restart, still runs the whole app."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve
from tests.e2e.pages import settle

pytestmark = pytest.mark.e2e


def test_first_visit_to_a_page_address_gets_the_real_menu_and_labels(seeded_sqlite_url, visit, tmp_path):
    with serve(seeded_sqlite_url, tmp_path / "streamlit.log") as url:  # a fresh server
        page = visit.page
        page.goto(f"{url}/about")
        settle(page)
        expect(page.get_by_role("heading", name="About the figures")).to_be_visible()
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_text("Membership and diversity")).to_be_visible()
        expect(nav.get_by_text("streamlit app")).to_have_count(0)
        expect(page.get_by_text("Sample data.")).to_be_visible()


def test_a_link_without_a_period_is_rewritten_with_the_quarter_it_shows(app_url, visit):
    """A link sent the evening before a board names no quarter: on first load the address gains
    the quarter the page opened on, so the link copied from it never drifts to a newer one."""
    page = visit.page
    page.goto(f"{app_url}/coverage?borough=Camden")
    settle(page)
    expect(page.get_by_text("Figures to 31 December 2023", exact=False)).to_be_visible()
    page.wait_for_url("**quarter=October+to+December+2023**", timeout=10_000)
    assert "borough=Camden" in page.url or "borough=E09000007" in page.url, page.url
    # Opening the rewritten address again shows the same quarter.
    page.goto(page.url)
    settle(page)
    expect(page.get_by_role("heading", name="Camden", exact=False).first).to_be_visible()
    assert "quarter=October+to+December+2023" in page.url
