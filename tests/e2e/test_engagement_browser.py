"""The Meetings, Promises and Engagement outcomes pages draw their charts in chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PAGES = {"meetings": ("Meetings", 5), "promises": ("Promises", 7), "outcomes": ("Engagement outcomes", 3)}


@pytest.mark.parametrize("page_path", list(PAGES))
def test_page_renders_its_charts_without_errors_or_outside_requests(app_url, visit, page_path):
    # Start at the root and use the menu, as a user does: opening /promises directly makes
    # Streamlit's frontend probe /promises/_stcore/health first (a 404 it then recovers from).
    page = visit.page
    title, n_charts = PAGES[page_path]
    page.goto(app_url)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.wait_for_url(f"**/{page_path}*")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60_000)
    borough = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Borough")
    borough.click()
    page.keyboard.type("Hackney")
    page.keyboard.press("Enter")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(n_charts, timeout=90_000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    # Every chart has drawn its title (the finding), which names the borough.
    expect(page.locator(".js-plotly-plot .gtitle").first).to_contain_text("Hackney", timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "borough=Hackney" in page.url
    visit.screenshot(f"issue6_{page_path}")
    assert visit.outside == [], f"requests left the machine: {visit.outside}"
    assert visit.console_errors == [], visit.console_errors
