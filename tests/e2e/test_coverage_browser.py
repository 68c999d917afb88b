"""Panel coverage, remedy plans and trend pages in chromium: findings shown, nothing fetched outside."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "path, heading",
    [
        ("coverage?borough=Hackney", r"^Hackney: \d+ of 21 wards have no panel or a panel not functioning"),
        ("remedy_plans", r"^London: \d+ of \d+ wards needing a plan have none"),
    ],
)
def test_page_states_its_finding(app_url, visit, path, heading):
    page = visit.page
    page.goto(app_url)  # the main page first: see test_borough_map_browser._open
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    page.goto(f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=re.compile(heading))).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    visit.screenshot(path.split("?")[0])
    assert visit.outside == [], f"requests left the machine: {visit.outside}"


def test_trend_chart_title_states_the_change(app_url, visit):
    page = visit.page
    page.goto(app_url)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    page.goto(f"{app_url}/trend?borough=Hackney")
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_contain_text(re.compile(r"Hackney: \d+% of wards had a functioning panel"), timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    visit.screenshot("trend")
    assert visit.outside == [], f"requests left the machine: {visit.outside}"
