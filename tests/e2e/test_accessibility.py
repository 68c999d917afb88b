"""axe-core on every page: no serious or critical violation caused by our content.

Violations that come from Streamlit's own widgets, not from anything this app renders, are
listed in KNOWN_STREAMLIT with the reason, and in the README. Everything else fails the test.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard.app.navigation import PAGES
from tests.e2e.pages import open_page

pytestmark = pytest.mark.e2e

# rule id -> why it is Streamlit's, not ours (checked by hand against the element it names).
KNOWN_STREAMLIT: dict[str, str] = {}


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_no_serious_accessibility_violations(app_url, visit, spec):
    open_page(visit.page, app_url, "" if spec.default else spec.url_path)
    results = Axe().run(visit.page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") and v["id"] not in KNOWN_STREAMLIT
    ]
    assert serious == []


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
