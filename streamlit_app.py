"""Ward Panel Monitor: the script every page runs inside (served by ``streamlit run serve.py``).

Sets up the page, makes sure the database is ready (the first start creates, migrates and seeds
the embedded SQLite file), finds out who is using the app and what they may see,
then hands over to the page the user chose.
"""

import logging
import os

from dashboard.app import allocator  # imports nothing heavy

# Before polars loads (the dashboard modules below import it): hand freed memory back.
allocator.configure(os.environ)

import streamlit as st  # noqa: E402

from dashboard.app import access, state  # noqa: E402
from dashboard.app.navigation import PAGES  # noqa: E402
from dashboard.app.serving import serving_problem  # noqa: E402
from dashboard.app.ui import ENTRY_RAN  # noqa: E402
from dashboard.figures.functioning import RulesProblem  # noqa: E402
from data_access.access_checks import OutOfScope  # noqa: E402
from data_access.engine import database_errors, is_embedded  # noqa: E402

# A local icon: a :material/: page icon makes the browser fetch it from Google.
st.set_page_config(page_title="Ward Panel Monitor", page_icon="static/favicon.png", layout="wide")

# Fail closed: started without serve.py, Streamlit's metrics address answers anyone.
if (why_not := serving_problem(os.environ)) is not None:
    logging.getLogger("ward_panel_monitor").error("No data served: %s", why_not)
    st.title("Ward Panel Monitor")
    st.error(why_not)
    st.stop()


def stop_on_database_problem(exc: BaseException, doing: str) -> None:
    """The database failed before a page could run: its one plain message (the detail to the log), nothing else."""
    st.title("Ward Panel Monitor")
    st.error(str(state.database_problem(exc, doing)))
    st.stop()


# Every database error, on every page and at start, is shown as one plain message by
# state.database_problem: what failed and how to fix it, never SQL, a file, a host or a database name.
try:
    state.engine()
except database_errors() as exc:
    stop_on_database_problem(exc, "Opening the database")
# Before anything is read from the cache: if the data changed anywhere since this process last
# looked (at most LIVENESS_SECONDS ago), forget every cached table and figure.
state.database_live()

# Who is here. Worked out on every run, so a change to the role mapping or a
# sign-out takes effect at once; pages read it through state.access() / state.scope().
refusal = None
try:
    user = access.current(state.role_rules, embedded=is_embedded(state.database_url()))
except database_errors() as exc:  # the role mapping names boroughs, read from the database
    stop_on_database_problem(exc, "Reading the boroughs for the role mapping")
except access.SignInProblem as problem:
    # Fail closed: sign-in may be configured but cannot be used, so nothing of the data is served.
    logging.getLogger("ward_panel_monitor").error("No data served: %s", problem)
    st.title("Ward Panel Monitor")
    st.error(str(problem))
    st.stop()
except access.NoAccess as exc:
    user, refusal = None, str(exc)
st.session_state[state.ACCESS_KEY] = user
st.session_state[ENTRY_RAN] = True



def asked_for(pages: list) -> st.Page | None:
    """The page this run opens, as st.navigation will resolve it (by the page chosen, else the
    address), known before the menu is drawn; None for the default page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None:
        return None
    if manager.intended_page_script_hash:
        return next((p for p in pages if p._script_hash == manager.intended_page_script_hash), None)
    return next((p for p in pages if manager.intended_page_name and p.url_path == manager.intended_page_name), None)


visible = [p for p in PAGES if user is not None and (not p.admin_only or user.is_admin)]
shown = visible or [p for p in PAGES if p.public or p.default]
pages = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default) for p in shown]
# A visitor who is not signed in (open mode included) sees the public page as a resident does:
# no staff menu, no sidebar, no staff banner (ui.page). Staff reach it signed in, or by its address.
asked = asked_for(pages)
public_visit = (user is None or not user.signed_in) and any(p.public and p.url_path == getattr(asked, "url_path", None) for p in shown)
page = st.navigation(pages, position="sidebar" if user is not None and not public_visit else "hidden")
spec = next((p for p in shown if p.url_path == page.url_path or (p.default and not page.url_path)), None)

if user is None and not (spec is not None and spec.public):
    # Sign-in is on and this page is not public: nothing of the data is read or shown.
    st.title("Ward Panel Monitor")
    if refusal:
        st.error(refusal)
        if access.signed_in_claims() is not None and not access.auth_test_hook():
            st.button("Sign out", on_click=st.logout, key="sign_out")
    else:
        st.write("The Ward Panel Monitor holds restricted data about ward panels and their members. "
                 "Sign in with your organisation's account to continue.")
        st.button("Sign in", type="primary", on_click=st.login, key="sign_in")
    st.stop()

try:
    if user is not None and user.signed_in:  # (open mode's banner is drawn by each page: ui.run_through_app)
        names = dict(state.table("boroughs").select("borough_code", "borough_name").iter_rows())
        st.sidebar.caption(f"Signed in as {user.describe(names)}.")
        if not access.auth_test_hook():
            st.sidebar.button("Sign out", on_click=st.logout, key="sign_out")
    if state.is_sample() and not public_visit:  # (the public page says so itself)
        st.sidebar.warning(
            "**Sample data.** Panels, members, meetings, promises, engagement and remedy plans "
            "here are invented for demonstration. Wards, boundaries, Census profiles and the "
            "Public Attitude Survey figures are real."
        )
except database_errors() as exc:
    stop_on_database_problem(exc, "Reading the boroughs and the import history for the sidebar")

# Every problem a user or an administrator can act on is shown as a plain message, never a
# traceback, whichever page meets it: a broken rubric or role mapping, the database, the scope.
# While the database cannot be reached, a page whose figures all come from the cache runs on and
# says when they were read; one that needs the database shows the plain message instead.
stale = st.empty()
if notice := state.stale_notice():
    stale.warning(notice, icon=":material/cloud_off:")
try:
    page.run()
except (RulesProblem, access.RolesProblem, OutOfScope) as problem:
    st.error(str(problem))
except database_errors() as exc:
    stale.empty()
    st.error(str(state.database_problem(exc, f"Showing the page {page.title!r}")))
