"""Accessibility: the keyboard reaches the main controls. axe-core runs on every page in
tests/e2e/test_every_page.py, on the same visit that checks the page loads cleanly.

Violations that come from Streamlit's own widgets, not from anything this app renders, are
listed in KNOWN_STREAMLIT with the reason, and in the README. Everything else fails the test.
"""

import pytest

from tests.e2e.pages import open_page

pytestmark = pytest.mark.e2e

# rule id -> why it is Streamlit's, not ours (checked by hand against the element it names).
KNOWN_STREAMLIT: dict[str, str] = {}


def test_main_controls_reachable_by_keyboard(app_url, visit):
    """Tabbing from the top reaches the page links and the area and period filters."""
    page = visit.page
    open_page(page, app_url, "")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        label = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return '';
                return (e.getAttribute('aria-label') || e.innerText || e.getAttribute('href') || '').trim(); }"""
        )
        reached.add(" ".join(label.split())[:80])
    assert any("Panel coverage" in r for r in reached), reached
    assert any("BCU" in r for r in reached), reached
    assert any("Borough" in r for r in reached), reached
