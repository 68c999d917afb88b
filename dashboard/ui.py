"""Small Streamlit building blocks every page shares: filters, tables with downloads, sources."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import sidebar, state
from dashboard.areas import Area
from dashboard.formatting import uk_date
from dashboard.periods import Period
from data_access.reference import ATTRIBUTION


def filters() -> tuple[Area, Period] | None:
    """Area and period from the sidebar; None (with a message shown) when there is no data."""
    wards = state.table("wards")
    area = sidebar.area_filter(wards)
    first, last = state.data_bounds()
    if last is None:
        st.info("There is no activity data yet. Load some on the Data page, or run `python -m data_access seed`.")
        return None
    return area, sidebar.period_filter(first, last)


def safe_csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes in which no text cell can run as a formula in a spreadsheet (issue #7).

    Cells starting with = + - @ (or tab/carriage return) get a leading apostrophe, the usual
    defence (OWASP "CSV injection"); numbers are left alone.
    """
    risky = ("=", "+", "-", "@", "\t", "\r")
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    guarded = frame.with_columns(
        pl.when(pl.any_horizontal([pl.col(c).str.starts_with(r) for r in risky]))
        .then("'" + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )
    return guarded.write_csv().encode("utf-8-sig")


def table_with_download(frame: pl.DataFrame, *, file_name: str, key: str, label: str = "Download these rows (CSV)") -> None:
    st.dataframe(frame, hide_index=True, key=f"{key}_table")
    st.download_button(label, safe_csv(frame), file_name=file_name, mime="text/csv", key=f"{key}_download")


def sources_footer() -> None:
    with st.expander("Data sources and attribution"):
        for line in ATTRIBUTION:
            st.markdown(f"- {line}")
        batches = state.import_batches()
        if batches.height:
            st.caption(f"Data last loaded on {uk_date(batches['imported_at'].max().date())}.")


# --- issue #6 ---
def fast_table_with_download(frame: pl.DataFrame, *, file_name: str, key: str, label: str = "Download these rows (CSV)") -> None:
    """table_with_download for the warm rerun budget (issue #6): the table goes to the browser
    as Arrow (no pandas round trip) and the CSV is made only when the button is clicked."""
    st.dataframe(frame.to_arrow(), hide_index=True, key=f"{key}_table")
    st.download_button(label, lambda: safe_csv(frame), file_name=file_name, mime="text/csv", key=f"{key}_download")
