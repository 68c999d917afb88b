"""Community concerns in the app (issue #11): the map measure, and the public ward page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def start(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_borough_map_colours_wards_by_how_far_promises_follow_concerns(app_env):
    at = start()
    at.switch_page("pages/borough_map.py").run()
    at.selectbox(key="map_metric").set_value("Promises follow concerns").run()
    assert not at.exception, at.exception
    title = at.subheader[0].value
    assert "wards' promises left out their residents' top concern" in title, title
    table = next(d.value for d in at.dataframe if "Promises follow concerns" in d.value.columns)
    labels = set(table["Promises follow concerns"])
    assert "No concerns recorded" in labels
    assert any(label.endswith("; top concern not promised") for label in labels)
