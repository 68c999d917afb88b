"""Small Streamlit building blocks every page shares: the page frame, tables with downloads, sources."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard.app import sidebar, state
from dashboard.domain import periods
from dashboard.domain.formatting import uk_date
from dashboard.domain.selection import Selection
from dashboard.figures.functioning import RulesProblem
from data_access.reference import ATTRIBUTION

ENTRY_RAN = "_entry_script_ran"  # set by streamlit_app.py in every session it runs in


def run_through_app() -> None:
    """Make sure this page runs inside streamlit_app.py, never on its own.

    After a restart, Streamlit treats a folder named pages/ as an old-style multipage app until
    the entry script has called st.navigation once; a first visit straight to a page's address
    (a bookmark, a shared link) would then run the page alone: no database check, no sample
    label, file names in the menu. Here the page notices, switches that mode off, and reruns,
    so Streamlit runs the entry script, whose st.navigation opens the page asked for.

    Only a session in which the entry script has never run needs this (the entry script marks
    the session): AppTest resets Streamlit's mode before every run, and a rerun there would
    swallow a button click.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get(ENTRY_RAN):
        PagesManager.uses_pages_directory = False
        st.rerun()


def page(title: str, caption: str | None = None, *, filters: bool = False, rules: bool = False) -> Selection | None:
    """The top of every page: the open-mode banner, the title and its caption, then what the page needs.

    ``filters``: the sidebar's area and period, returned as one frozen Selection (with the user's
    boroughs) for the page to pass whole to ``state``. ``rules``: the functioning rubric must be
    usable. A page that cannot go on (no activity data yet, a broken rubric) is stopped here with a
    plain message. Returns None when ``filters`` is False.
    """
    user = state.access()
    if user is not None and not user.signed_in:  # without sign-in, every page says so at its top, and why
        from dashboard.app.access import open_banner

        st.warning(open_banner(user.open_reason), icon=":material/lock_open:")
    st.title(title)
    if caption:
        st.caption(caption)
    chosen = None
    if filters:
        area = sidebar.area_filter(state.table("wards"), scoped=state.scope() is not None)
        first, last = state.data_bounds()
        complete = state.complete_to()
        if first is None or complete is None:
            st.info("There is no activity data yet. Load some on the Data page, or run `python -m data_access seed`.")
            st.stop()
        # Quarters after the complete-to date are offered up to today's (never the far future a typing slip names).
        offered_to = max(complete.day, min(last, periods.quarter_end(dt.date.today())))
        chosen = Selection(area, sidebar.period_filter(first, max(complete.day, first), offered_to), state.scope())
        st.caption(complete.describe())
        if chosen.period.end > complete.day:
            st.warning(f"{chosen.period.label} ends after the date the figures are complete to "
                       f"({uk_date(complete.day)}): records for it may still be coming in, so its figures may be "
                       "too low.", icon=":material/hourglass_top:")
    if rules:
        try:
            state.rules()
        except RulesProblem as problem:
            st.error(str(problem))
            st.stop()
    return chosen


def safe_csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes in which no text cell can run as a formula in a spreadsheet.

    Cells starting with = + - @ (or tab/carriage return) get a leading apostrophe, the usual
    defence (OWASP "CSV injection"); numbers are left alone.
    """
    risky = ("=", "+", "-", "@", "\t", "\r")
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))  # the cache's categories are text too
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    guarded = frame.with_columns(
        pl.when(pl.any_horizontal([pl.col(c).str.starts_with(r) for r in risky]))
        .then("'" + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )
    return guarded.write_csv().encode("utf-8-sig")


def show_table(frame: pl.DataFrame, *, key: str) -> None:
    """A table on screen, sent to the browser as Arrow.

    Given a polars frame, st.dataframe imports pandas to find out what it was handed, which
    costs the server about 40 MB of memory for good; given Arrow it does not. (The
    map still loads pandas: st.pydeck_chart checks its version.)
    """
    st.dataframe(frame.to_arrow(), hide_index=True, key=key)


def table_with_download(frame: pl.DataFrame, *, file_name: str, key: str, label: str = "Download these rows (CSV)") -> None:
    """The table on screen and its rows as a CSV download.

    The CSV is made only when the button is clicked, which keeps a warm rerun inside the
    50 ms budget.
    """
    show_table(frame, key=f"{key}_table")
    st.download_button(
        label, lambda: safe_csv(frame), on_click="ignore", file_name=file_name, mime="text/csv", key=f"{key}_download"
    )


def sources_footer() -> None:
    with st.expander("Data sources and attribution"):
        for line in ATTRIBUTION:
            st.markdown(f"- {line}")
        batches = state.import_batches()
        if batches.height:
            st.caption(f"Data last loaded on {uk_date(batches['imported_at'].max().date())}.")


def table_with_protected_download(
    frame: pl.DataFrame, protect, *, file_name: str, key: str, label: str = "Download these rows (CSV)"
) -> None:
    """Exact counts on screen; the CSV goes through ``protect`` (a dashboard.figures.privacy rule) first.

    Member-level figures leave the app only with small counts suppressed.
    """
    show_table(frame, key=f"{key}_table")
    # The file is made only when asked for (a callable is run on click), so protecting and
    # writing it costs nothing on an ordinary rerun (the 50 ms budget).
    # Each download of member-level figures goes in the audit trail: the callback
    # runs when the button is clicked, before the file is sent.
    st.download_button(
        label,
        lambda: safe_csv(protect(frame)),
        on_click=record_download,
        args=(file_name, frame.height),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_download",
        help="Counts of 1 to 4 are shown as 'fewer than 5', and figures that would reveal them are withheld.",
    )


def record_download(what: str, rows: int | None) -> None:
    """Audit a download of member-level data as the current user.

    A button's callback runs before the page, outside streamlit_app.py's catch, so a lost
    database is turned into its plain message here.
    """
    from data_access import audit
    from data_access.engine import database_errors

    try:
        state.record(audit.DOWNLOAD, what, rows)
    except database_errors() as exc:
        st.error(str(state.database_problem(exc, f"Recording the download of {what}")))


def escape_md(text: str) -> str:
    """Text from a user (a file name) made safe inside st.markdown-based calls: no markup, no HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$=:" else ch for ch in str(text))
