"""At 1400 x 900, the column that explains a table is on screen without scrolling sideways.

A Streamlit table is drawn on a canvas; beside it, the grid keeps an accessible table of the
columns it has drawn, which is what this test reads: a column outside the visible width is not
in it. The public page lists its promises as text, and is seen as a resident sees it: no staff
menu, no staff banner, and "told residents on" within the width at 1400 px and at 390 px (a phone).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.pages import full_height, open_page

pytestmark = pytest.mark.e2e

# (address, query, the heading that must be on screen in some table of the page, screenshot)
EXPLAINED = [
    ("coverage", "?borough=Camden", "Action agreed with the Met", "tables_coverage_camden"),
    ("remedy_plans", "", "Action agreed with the Met", "tables_remedy_plans_london"),
    ("diversity", "?borough=Hackney&ward=Victoria", "Verdict", "tables_diversity_victoria_hackney"),
]


def headings_drawn(page) -> list[list[str]]:
    """For each table the page shows, the headings of the columns wholly drawn without scrolling sideways.

    The grid lists every column it has drawn, the last one perhaps only in part: that one counts
    only when it is the table's last column (and so drawn whole up to the table's edge).
    """
    out = []
    for grid in page.locator('[data-testid="stDataFrame"]').all():
        if not grid.is_visible():  # (a table inside a closed expander)
            continue
        heads = grid.locator('canvas table [role="columnheader"]')
        expect(heads.first).to_be_attached(timeout=15_000)
        drawn = heads.all_inner_texts()
        every = int(grid.locator("canvas table").first.get_attribute("aria-colcount"))
        out.append(drawn if len(drawn) == every else drawn[:-1])
    return out


def told_within(page, width: int) -> None:
    """The public page: no staff menu or banner, and when residents were told is on screen within ``width``."""
    open_page(page, app_url_of(page), "ward", "?ward=E05014053")
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_text("Sign-in is not configured")).to_have_count(0)
    told = page.get_by_text(re.compile(r"Told residents on \d")).first
    told.scroll_into_view_if_needed()
    box = told.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def app_url_of(page) -> str:
    return re.match(r"https?://[^/]+", page.url).group(0)


def screenshot(page, name: str, width: int) -> None:
    """The whole page (Streamlit scrolls inside stMain, so the viewport grows to it first)."""
    if width == 1400:
        full_height(page)
    else:
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": width, "height": min(int(height) + 50, 6000)})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_explaining_column_is_on_screen_at_1400_by_900(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for path, query, heading, shot in EXPLAINED:
            open_page(page, app_url, path, query)
            drawn = headings_drawn(page)
            assert any(heading in heads for heads in drawn), (path, drawn)
            assert not [h for heads in drawn for h in heads if "_" in h or h[:1].islower()], (path, drawn)
            screenshot(page, shot, 1400)
            page.set_viewport_size({"width": 1400, "height": 900})
        for width, height in ((1400, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            told_within(page, width)
            screenshot(page, f"tables_public_ward_{width}", width)
    finally:
        context.close()
