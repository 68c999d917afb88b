"""Small Streamlit building blocks every page shares: the page frame, tables with downloads, sources."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard.app import sidebar, state
from dashboard.domain import columns, periods
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


def page(title: str, caption: str | None = None, *, filters: bool = False, rules: bool = False,
         public: bool = False) -> Selection | None:
    """The top of every page: the open-mode banner, the title and its caption, then what the page needs.

    ``public``: a page for residents, which never shows the open-mode banner (it is for staff).

    ``filters``: the sidebar's area and period, returned as one frozen Selection (with the user's
    boroughs) for the page to pass whole to ``state``. ``rules``: the functioning rubric must be
    usable. A page that cannot go on (no activity data yet, a broken rubric) is stopped here with a
    plain message. Returns None when ``filters`` is False.
    """
    user = state.access()
    if user is not None and not user.signed_in and not public:  # without sign-in, every page says so at its top, and why
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


# How each kind of column (dashboard.domain.columns) is drawn; missing values show as columns.MISSING.
WRAP_WIDTH = 260  # pixels of an explanatory column, which wraps rather than running off the edge
WRAP_ROW_HEIGHT = 88  # rows this tall (above 4rem) let Streamlit wrap text, four lines of it
WRAP_AFTER = 36  # characters: an explanation no longer than this is not wrapped (nor its table's rows made tall)


def column_settings(shown: dict[str, columns.Shown], wrapped: set[str] = frozenset()) -> dict:
    """Streamlit's column settings for a table's columns, by heading; ``wrapped`` columns are given WRAP_WIDTH."""
    def one(c: columns.Shown):
        match c.kind:
            case columns.COUNT:
                return st.column_config.NumberColumn(c.heading, format="localized")
            case columns.PERCENT:
                return st.column_config.NumberColumn(c.heading, format="%.0f%%")
            case columns.NUMBER:
                return st.column_config.NumberColumn(c.heading, format=f"%.{c.digits}f")
            case columns.DATE:
                return st.column_config.DateColumn(c.heading, format="D MMMM YYYY")
            case columns.DATETIME:
                return st.column_config.DatetimeColumn(c.heading, format="D MMMM YYYY, HH:mm")
        return st.column_config.TextColumn(c.heading, width=WRAP_WIDTH if c.heading in wrapped else None)
    return {heading: one(c) for heading, c in shown.items()}


def show_table(frame: pl.DataFrame, *, key: str) -> None:
    """A table on screen under the headings and formats of dashboard.domain.columns.

    Sent to the browser as Arrow: given a polars frame, st.dataframe imports pandas to find out
    what it was handed, which costs the server about 40 MB of memory for good; given Arrow it
    does not. (The map still loads pandas: st.pydeck_chart checks its version.)
    """
    shown, settings = columns.screen(frame)
    wrapped = {h for h, c in settings.items()
               if c.wraps and shown.schema[h] == pl.String and (shown[h].str.len_chars().max() or 0) > WRAP_AFTER}
    st.dataframe(shown.to_arrow(), hide_index=True, key=key, column_config=column_settings(settings, wrapped),
                 placeholder=columns.MISSING, row_height=WRAP_ROW_HEIGHT if wrapped else None)


def csv_of(frame: pl.DataFrame) -> bytes:
    """A table's CSV download: the screen's headings, values rounded (dashboard.domain.columns), no formulas."""
    return safe_csv(columns.download(frame))


def table_with_download(frame: pl.DataFrame, *, file_name: str, key: str, label: str = "Download these rows (CSV)") -> None:
    """The table on screen and its rows as a CSV download.

    The CSV is made only when the button is clicked, which keeps a warm rerun inside the
    50 ms budget.
    """
    show_table(frame, key=f"{key}_table")
    st.download_button(
        label, lambda: csv_of(frame), on_click="ignore", file_name=file_name, mime="text/csv", key=f"{key}_download"
    )


def sources_footer() -> None:
    with st.expander("Data sources and attribution"):
        for line in ATTRIBUTION:
            st.markdown(f"- {line}")
        batches = state.import_batches()
        if batches.height:
            st.caption(f"Data last loaded on {uk_date(batches['imported_at'].max().date())}.")


def exact_counts() -> bool:
    """Whether the current user may see exact member counts of 1 to 4 on screen (access.Access.exact_counts)."""
    user = state.access()
    return user is not None and user.exact_counts


def table_with_protected_download(
    exact: pl.DataFrame, protected: pl.DataFrame, *, file_name: str, key: str, label: str = "Download these rows (CSV)"
) -> None:
    """A table of member-derived figures: the one way they reach the screen and leave the app.

    On screen, ``exact`` for a role allowed exact counts, else ``protected`` (built from the day's
    dashboard.figures.privacy.Publication); the download is always ``protected``, and recorded in
    the audit trail when its bytes are served.
    """
    show_table(exact if exact_counts() else protected, key=f"{key}_table")
    member_download(label, lambda: csv_of(protected), rows=protected.height, file_name=file_name, key=f"{key}_download", mime="text/csv",
                    help="Counts of 1 to 4 are shown as 'fewer than 5' (or 'withheld'), and figures that would reveal them are withheld.")


def member_download(label: str, make, *, rows: int | None, file_name: str, key: str, mime: str, what: str | None = None, **options) -> None:
    """A download of member-derived data, audited once each time its bytes are served.

    The bytes are made when the file is asked for (``make`` is run then, which also keeps an
    ordinary rerun quick), and the audit event is written as they are handed over: a click that
    fails (a quick second click on a button a rerun has replaced) serves nothing and records
    nothing. No rerun follows the click. The deferred call runs outside the page's run, so who is
    asking and the engine are taken now. ``what``: the audit log's words (default: the file's name).
    """
    who, engine = state.who(), state.engine()
    st.download_button(label, lambda: served_audited(make, engine, who, what or file_name, rows), file_name=file_name, mime=mime,
                       key=key, on_click="ignore", **options)


def served_audited(make, engine, who: str, what: str, rows: int | None) -> bytes:
    """The bytes of a member download, once its audit event is written; a download that cannot be
    audited is not served (security fails closed), and a lost database is its one plain message,
    the detail in the server's log (this runs outside streamlit_app.py's catch)."""
    from data_access import audit
    from data_access.engine import database_errors

    data = make()
    try:
        audit.record(engine, who, audit.DOWNLOAD, what, rows)
    except database_errors() as exc:
        raise state.database_problem(exc, f"Recording the download of {what}") from None
    return data


def escape_md(text: str) -> str:
    """Text from a user (a file name) made safe inside st.markdown-based calls: no markup, no HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$=:" else ch for ch in str(text))
