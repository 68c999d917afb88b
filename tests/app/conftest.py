"""Fixtures shared by the AppTest tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def through_the_entry_script(monkeypatch):
    """Run every page inside streamlit_app.py, as a browser does.

    AppTest sees the pages/ folder and runs a page it switched to on its own, in Streamlit's old
    multipage mode (script_runner._mpa_v1): streamlit_app.py, and its catch around page.run(),
    would then run only for the default page. Here that mode runs the entry script instead,
    whose st.navigation opens the page asked for.
    """
    from streamlit.runtime.scriptrunner import script_runner

    def entry_script(main_script_path: str) -> None:
        path = Path(main_script_path)
        exec(compile(path.read_text(), str(path), "exec"), {"__name__": "__main__", "__file__": str(path)})

    monkeypatch.setattr(script_runner, "_mpa_v1", entry_script)
