"""The period every page opens on is the quarter the figures are complete to, written into the address.

Rows dated later (a few meetings entered early, a typing slip) are kept but move no page's default;
a London-wide data steward moves the date on the Data page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import state
from dashboard.app.navigation import PAGES
from data_access import audit, writes
from data_access import engine as eng
from tests.app.test_access_pages import start

ROOT = Path(__file__).resolve().parents[2]
FIGURE_PAGES = [p.path for p in PAGES if "filters=True" in (ROOT / p.path).read_text()]
EARLY_MEETINGS = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
                  b"E05009367,2025-10-10,12,3,yes,yes,yes,online\n"
                  b"E05013652,2025-11-11,9,2,yes,no,yes,in person\n"
                  b"E05013652,2025-12-01,9,2,yes,no,yes,in person\n")


@pytest.fixture
def own_app(writable_url, monkeypatch) -> str:
    monkeypatch.setenv("DATABASE_URL", writable_url)
    monkeypatch.chdir(ROOT)
    return writable_url


def run(page: str | None = None, **params) -> AppTest:
    at = start(page, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def opened_on(at: AppTest) -> tuple[str, str]:
    """(the 'Figures to …' line, the quarter in the address) of a page just run."""
    line = next(c.value for c in at.caption if c.value.startswith("Figures to "))
    return line, at.query_params["quarter"][0] if isinstance(at.query_params["quarter"], list) else at.query_params["quarter"]


@pytest.mark.sqlite_only("rows are counted by day on both databases in tests/db/test_complete_to_db.py")
def test_rows_dated_after_the_complete_to_date_move_no_pages_default(own_app):
    before = run()
    meetings_before = {m.label: m.value for m in before.metric}
    engine = eng.make_engine(own_app)
    checked = writes.check_files(engine, [("meetings.csv", EARLY_MEETINGS)])
    assert not checked[0].errors
    writes.import_checked(engine, checked, [EARLY_MEETINGS], kind="upload")
    engine.dispose()
    state.clear()
    for page in FIGURE_PAGES:
        line, quarter = opened_on(run(page))
        assert line.startswith("Figures to 31 December 2023 (the latest quarter with a full quarter's data"), page
        assert quarter == "October to December 2023", page
    after = run()
    assert {m.label: m.value for m in after.metric} == meetings_before  # the Overview's headline figures
    data = run("pages/data.py")
    # The sample's own 238 (147 meetings in the diary, 91 events of early January; counted with SQL) and these 3.
    assert any("241 rows dated after 31 December 2023" in c.value for c in data.caption)


def test_a_london_wide_steward_sets_the_date_and_every_page_opens_on_it(own_app):
    data = run("pages/data.py")
    data.selectbox(key="complete_to_choice").set_value(__import__("datetime").date(2023, 9, 30))
    data.button(key="complete_to_save").click().run()
    assert not data.exception
    assert any("complete to 30 September 2023" in s.value for s in data.success)
    for page in ("pages/overview.py", "pages/coverage.py"):
        line, quarter = opened_on(run(page))
        assert line.startswith("Figures to 30 September 2023 (set by open mode on "), page
        assert quarter == "July to September 2023"
    engine = eng.make_engine(own_app)
    assert "figures complete to 2023-09-30" in audit.events(engine)["what"].to_list()
    engine.dispose()
    # A link that names its quarter keeps it, whatever the date is now.
    assert opened_on(run(borough="E09000012", quarter="October to December 2023"))[1] == "October to December 2023"
    # An unknown quarter in a link falls back to the complete-to quarter, and the address says so.
    assert opened_on(run(quarter="2031-Q1"))[1] == "July to September 2023"
