"""A problem someone can act on (a broken rubric file, the database, the user's boroughs) is shown
as a plain message on whichever page meets it, never as a traceback; and views share one access rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]

# The pages whose figures are worked out by the functioning rubric (a panel's status).
# The Overview, Promises and Engagement outcomes pages read the rubric for the "you said, we did" window.
RUBRIC_PAGES = {"pages/coverage.py", "pages/remedy_plans.py", "pages/trend.py", "pages/borough_map.py", "pages/briefing.py",
                "pages/overview.py", "pages/promises.py", "pages/outcomes.py"}


def open_page(page: str, borough: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.switch_page(page).run()
    if borough and at.sidebar.get("selectbox"):  # the pages with the area filter
        at.sidebar.selectbox(key="borough").set_value(borough).run()
    titles = [t.value for t in at.title]
    assert titles and (page == PAGES[0].path) == (titles == ["Ward Panel Monitor"]), f"{page} did not run: {titles}"
    return at


@pytest.fixture
def broken_rubric(app_env, through_the_entry_script, tmp_path, monkeypatch):
    from data_access import rubric

    text = rubric.rubric_text()
    assert "[meetings]" in text
    path = tmp_path / "functioning.toml"
    path.write_text(text.replace("[meetings]", "[meetings", 1))
    monkeypatch.setattr(rubric, "RUBRIC_PATH", path)


def test_every_page_in_the_menu_is_checked_here():
    assert RUBRIC_PAGES <= {p.path for p in PAGES}


@pytest.mark.sqlite_only("the rubric is a file, not the database")
@pytest.mark.parametrize("borough", [None, "E09000012"], ids=["London", "Hackney"])
@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_a_broken_rubric_is_a_plain_message_on_every_page(broken_rubric, page, borough):
    at = open_page(page, borough)
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    if page in RUBRIC_PAGES:
        assert len(errors) == 1, errors
        assert errors[0].startswith("The functioning rubric is not valid TOML"), errors
    else:  # pages that do not use the rubric go on as usual
        assert not errors, errors


def test_a_database_problem_met_by_a_page_is_a_plain_message(app_env, through_the_entry_script, monkeypatch):
    from data_access import queries
    from data_access.engine import DatabaseProblem

    def gone(*args, **kwargs):
        raise DatabaseProblem("The database stopped answering. Try again in a minute.")

    monkeypatch.setattr(queries, "submitted_concerns", gone)  # what the Data page reads fresh on every run
    at = open_page("pages/data.py")
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["The database stopped answering. Try again in a minute."]


def test_one_access_rule_for_every_view(app_env, monkeypatch):
    """A user of Hackney gets Hackney's views and no other area's, London's included, and a
    selection must carry their own boroughs."""
    from dashboard.app import state, views
    from dashboard.domain import areas, periods
    from dashboard.domain.selection import Selection
    from dashboard.figures import alignment, overview
    from data_access.access_checks import OutOfScope

    period = periods.period_ending(dt.date(2023, 12, 31), "quarter")
    wards = state.table("wards")
    hackney = areas.resolve(wards, bcu=None, borough="E09000012", ward=None)
    camden = areas.resolve(wards, bcu=None, borough="E09000007", ward=None)
    monkeypatch.setattr(state, "scope", lambda: ("E09000012",))
    mine = Selection(hackney, period, ("E09000012",))
    assert views.view(alignment.alignment_view, mine).finding.startswith("Hackney")
    now, _, london = views.overview_figures(mine)  # London's aggregates are what Hackney is set beside
    assert now.wards == 21 and london.wards == 679
    for refused in (mine.at(camden), mine.at(areas.LONDON), Selection(hackney, period, None)):
        with pytest.raises(OutOfScope):
            views.view(overview.figures_for, refused)
        with pytest.raises(OutOfScope):
            views.briefing_pack(refused)
