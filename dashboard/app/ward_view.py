"""One ward's panel in detail: shared by Panel coverage and the Borough map.

Streamlit output only; every figure comes from ``dashboard.figures.coverage``.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.domain import status_style as s
from dashboard.domain.formatting import uk_date
from dashboard.domain.selection import Selection
from dashboard.figures import coverage, coverage_charts, diversity_view, wards_in_time


def show(sel: Selection, ward_code: str, *, key: str) -> None:
    """One ward of the user's boroughs on the selection's day (the ward need not be the selection's area)."""
    as_of = sel.as_of
    wards = state.table("wards")
    found = wards.filter(pl.col("ward_code") == ward_code)
    if found.is_empty():
        st.warning("That ward is not in the data.")
        return
    ward = found.row(0, named=True)
    row = views.ward_status(sel).filter(pl.col("ward_code") == ward_code).row(0, named=True)
    st.subheader(f"{ward['ward_name']} ({ward['borough_name']}): {s.label(row['status'])}")
    st.caption(f"As of {uk_date(as_of)}. {s.STYLES[row['status']].meaning}.")
    if row["reasons"]:
        st.markdown("\n".join(f"- {reason}" for reason in row["reasons"]))
    if row["status"] == s.CITY:
        return

    lookup = state.table("ward_successors")
    if note := wards_in_time.history_note(ward_code, lookup):
        st.info(note + " Records kept on a ward from before May 2022 count for the 2022 ward that took most of its area.")
    panels = coverage.panel_history(state.table("panels"), ward_code, lookup)
    st.markdown("**Panel history**")
    if panels.is_empty():
        st.write("This ward has never had a panel on record.")
    else:
        ui.table_with_download(panels, file_name=f"panel_history_{ward_code}.csv", key=f"{key}_panels")

    by_quarter = coverage.meetings_by_quarter(state.table("meetings"), ward_code, as_of)
    if by_quarter.height:
        title = f"{ward['ward_name']}: {row['meetings_12m']} meetings in the 12 months to {uk_date(as_of)}"
        st.plotly_chart(coverage_charts.meetings_bars(by_quarter, title=title), key=f"{key}_meetings_chart")
        ui.table_with_download(by_quarter, file_name=f"meetings_{ward_code}.csv", key=f"{key}_meetings")
    else:
        st.write("No meetings on record.")

    left, right = st.columns(2)
    with left:
        st.markdown("**Current promises**")
        promises = coverage.current_promises(state.ward_promises(ward_code), ward_code, as_of)
        if promises.is_empty():
            st.write("No promise was open on this date.")
        else:
            ui.table_with_download(promises, file_name=f"promises_{ward_code}.csv", key=f"{key}_promises")
        st.markdown("**Membership by sector**")
        # Member-derived: the same counts as the Membership and diversity page, through the same control.
        av = views.view(diversity_view.area_view, sel.at(areas.resolve(wards, bcu=None, borough=None, ward=ward_code)))
        if av.panels.is_empty():
            st.write("No panel was open on this date, so there is no membership to show.")
        else:
            shown = av if ui.exact_counts() else av.safe
            st.caption(f"{shown.members_text} members on the panel; counts only, never who they are.")
            ui.table_with_protected_download(av.ward_sectors(ward_code), av.safe.ward_sectors(ward_code),
                                             file_name=f"membership_{ward_code}.csv", key=f"{key}_members")
    with right:
        st.markdown("**Dedicated Ward Officers**")
        dwo = coverage.dwo_tenure(state.table("dwo_assignments"), ward_code, as_of)
        if dwo.is_empty():
            st.write("No Dedicated Ward Officer on record.")
        else:
            st.caption("Newest first; an empty end date means still in post on this date.")
            ui.table_with_download(dwo, file_name=f"dwo_{ward_code}.csv", key=f"{key}_dwo")
