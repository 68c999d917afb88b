"""Ward Panel Monitor: entry point (``streamlit run streamlit_app.py``).

Sets up the page, makes sure the database is ready (the first start creates, migrates and seeds
the embedded SQLite file), then hands over to the page the user chose.
"""

import streamlit as st

from dashboard import state
from dashboard.ui import ENTRY_RAN
from dashboard.navigation import PAGES
from data_access.engine import DatabaseProblem

# A local icon: a :material/: page icon makes the browser fetch it from Google (issue #9).
st.set_page_config(page_title="Ward Panel Monitor", page_icon="static/favicon.png", layout="wide")

try:
    state.engine()
except DatabaseProblem as problem:
    st.title("Ward Panel Monitor")
    st.error(f"The database could not be opened. {problem}")
    st.stop()

if state.is_sample():
    st.sidebar.warning(
        "**Sample data.** Panels, members, meetings, promises, engagement and remedy plans "
        "here are invented for demonstration. Wards, boundaries, Census profiles and the "
        "Public Attitude Survey figures are real."
    )

st.session_state[ENTRY_RAN] = True
pages = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default) for p in PAGES]
st.navigation(pages).run()
