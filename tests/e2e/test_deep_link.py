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
