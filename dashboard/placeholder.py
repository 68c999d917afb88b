"""What a page whose issue is not built yet shows: a plain statement, never a made-up figure."""

from __future__ import annotations

import streamlit as st


def not_built(title: str, issue: int, what: str) -> None:
    from dashboard import ui

    ui.run_through_app()
    st.title(title)
    st.info(
        f"This page is not built yet (issue #{issue}). When it is, it will show {what}. "
        "Until then it shows no figures, so nothing here can be mistaken for a result."
    )
