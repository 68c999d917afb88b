"""Every page in the real browser: loads cleanly, asks nothing of the internet, and axe-core finds
no serious or critical accessibility violation caused by our content (one visit per page for both)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dashboard.app.navigation import PAGES
from tests.e2e.pages import full_height, open_page
from tests.e2e.test_accessibility import KNOWN_STREAMLIT

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_page_loads_cleanly_accessibly_and_stays_local(app_url, visit, spec):
    open_page(visit.page, app_url, "" if spec.default else spec.url_path)
    expect(visit.page.get_by_test_id("stException")).to_have_count(0)
    results = Axe().run(visit.page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") and v["id"] not in KNOWN_STREAMLIT
    ]
    assert serious == []
    full_height(visit.page)
    visit.screenshot(f"page-{spec.url_path}")
    assert visit.console_errors == [], (visit.console_errors, visit.failed)
    assert visit.outside == [], f"requests left the machine: {visit.outside}"
