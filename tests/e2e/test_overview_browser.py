"""The running app, in chromium: the Overview shows London's wards."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_overview_shows_londons_met_ward_count(app_url, visit):
    page = visit.page
    page.goto(app_url)
    card = page.get_by_test_id("stMetric").filter(has_text="Met wards")
    expect(card).to_contain_text("679", timeout=60_000)
    expect(page.get_by_text("Sample data.")).to_be_visible()
    expect(page.get_by_text("Data sources and attribution")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    visit.screenshot("overview")
    assert visit.outside == [], f"requests left the machine: {visit.outside}"


def test_borough_in_the_url_survives_a_reload(app_url, visit):
    page = visit.page
    page.goto(f"{app_url}/?borough=Hackney")
    card = page.get_by_test_id("stMetric").filter(has_text="Met wards")
    expect(card).to_contain_text("21", timeout=60_000)
    page.reload()
    expect(page.get_by_test_id("stMetric").filter(has_text="Met wards")).to_contain_text("21", timeout=60_000)
    assert "borough=Hackney" in page.url
