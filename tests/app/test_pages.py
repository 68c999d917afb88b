"""Every page runs in AppTest against the seeded sample database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.navigation import PAGES
from dashboard.domain.columns import is_raw

ROOT = Path(__file__).resolve().parents[2]


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def raw_headings(at: AppTest) -> list[str]:
    """Headings of the tables on screen that are code names (``plan_state``) rather than words."""
    return [str(c) for df in at.dataframe for c in df.value.columns if is_raw(str(c))]


def start(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_page_files_and_navigation_match():
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert files == {p.path for p in PAGES}
    # Each address is its file's name: on the first visit after a restart Streamlit resolves the
    # address against pages/ by file name before st.navigation has run (ui.run_through_app).
    for p in PAGES:
        assert p.url_path == Path(p.path).stem, p


@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_each_page_runs_without_exception(app_env, page):
    at = start()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    assert not raw_headings(at), "every table's headings are words (dashboard.domain.columns)"


def test_overview_shows_london_and_the_sample_label(app_env):
    at = start()
    assert not at.exception
    shown = metrics_of(at)
    assert shown["Met wards"] == "679"
    assert any("Sample data" in w.value for w in at.sidebar.warning)
    assert at.header[0].value.startswith("London: ")


def test_choosing_a_borough_narrows_the_figures(app_env):
    at = start()
    london_panels = metrics_of(at)["Wards with a panel"]
    at.sidebar.selectbox(key="borough").set_value("E09000012").run()  # Hackney: 21 wards
    assert not at.exception
    shown = metrics_of(at)
    assert shown["Met wards"] == "21"
    assert shown["Wards with a panel"] != london_panels
    assert at.header[0].value.startswith("Hackney: ")


def test_a_link_with_query_parameters_reproduces_the_view(app_env):
    # Bound widgets put their shown labels in the URL, so links read as plain words.
    at = start(borough="Hackney", span="12 months", quarter="April to June 2022")
    assert not at.exception
    assert metrics_of(at)["Met wards"] == "21"
    assert at.header[0].value == "Hackney: 12 months to 30 June 2022"


def test_a_link_with_an_unknown_value_falls_back_without_error(app_env):
    at = start(borough="Atlantis", quarter="the year 3000")
    assert not at.exception
    assert metrics_of(at)["Met wards"] == "679"


def test_every_page_runs_through_the_app():
    """Each page hands over to streamlit_app.py if Streamlit ran it alone (see ui.run_through_app)."""
    for spec in PAGES:
        source = (ROOT / spec.path).read_text()
        assert "ui.run_through_app()" in source, spec.path
