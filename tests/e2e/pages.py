"""Helpers for visiting each page in the browser and waiting until Streamlit has finished."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def open_page(page: Page, app_url: str, url_path: str, query: str = "") -> None:
    """Go to a page and wait until its script has run to the end."""
    page.goto(f"{app_url}/{url_path}{query}")
    settle(page)


def settle(page: Page) -> None:
    # The script has started (its title is up), then finished: the app reads "notRunning" before
    # the first run starts too, so checked first it let a slow page be screenshotted half drawn.
    # Without the second check a slow run could still be going before the "Running..." widget appears.
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=60_000)
    expect(page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(1, timeout=120_000)
    # The status widget shows "Running..." while the script runs; wait until it has gone.
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)


def full_height(page: Page) -> None:
    """Streamlit scrolls inside stMain: grow the viewport to the content so a screenshot is whole."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 2000; }"
    )
    page.set_viewport_size({"width": 1400, "height": max(900, min(int(height) + 100, 12000))})
