"""The borough map in chromium: tooltip on hover, detail on click, nothing fetched from outside."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

STATUS = r"Status: (No panel|Not functioning|At risk|Functioning)"


def _open(visit, app_url, query: str):
    page = visit.page
    visit.seen = []
    page.on("request", lambda r: visit.seen.append(r.url))
    # Load the app's main page first: a deep link as the very first request to a fresh server
    # can meet "Page not found" before st.navigation has registered the pages.
    page.goto(app_url)
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    page.goto(f"{app_url}/borough_map{query}")
    chart = page.get_by_test_id("stDeckGlJsonChart")
    expect(chart).to_be_visible(timeout=60_000)
    expect(chart.locator("canvas").first).to_be_visible(timeout=30_000)
    return page, chart


def _hover_until_tooltip(page, chart):
    """Move over the map's middle until deck.gl shows a ward's tooltip (it renders asynchronously)."""
    box = chart.bounding_box()
    tip = page.locator(".deck-tooltip")
    for dx in (0, 12, -12, 24, -24, 36):
        page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dx / 2)
        try:
            expect(tip).to_contain_text(re.compile(STATUS), timeout=3_000)
            return tip.inner_text(), (box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dx / 2)
        except AssertionError:
            continue
    pytest.fail("no ward tooltip appeared over the map")


def test_hovering_a_hackney_ward_shows_its_status_and_clicking_opens_its_detail(app_url, visit):
    page, chart = _open(visit, app_url, "?borough=Hackney")
    expect(page.get_by_role("heading", name=re.compile(r"^Hackney: "))).to_be_visible()
    text, (x, y) = _hover_until_tooltip(page, chart)
    lines = text.splitlines()
    assert lines[0].endswith("(Hackney)"), text
    assert re.fullmatch(STATUS, lines[1]), text
    assert not any(line.startswith("Panel status: ") for line in lines), text  # the status is said once
    ward_name = lines[0].removesuffix(" (Hackney)")
    visit.screenshot("borough_map_hackney_tooltip")

    page.mouse.click(x, y)
    expect(page.get_by_role("heading", name=re.compile(re.escape(f"{ward_name} (Hackney): ")))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Panel history")).to_be_visible()
    visit.screenshot("borough_map_ward_detail")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert visit.outside == [], f"requests left the machine: {visit.outside}"


def test_london_map_uses_the_local_style_and_fetches_nothing_outside(app_url, visit):
    page, chart = _open(visit, app_url, "?map_metric=Meetings+in+the+last+12+months")
    text, _ = _hover_until_tooltip(page, chart)
    assert f"{app_url}/app/static/map_style.json" in visit.seen
    assert "Meetings in the last 12 months: " in text
    visit.screenshot("borough_map_london_meetings")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert visit.outside == [], f"requests left the machine: {visit.outside}"
