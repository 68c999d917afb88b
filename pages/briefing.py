"""Briefing pack: a PDF and an Excel workbook for one borough and period."""

import polars as pl
import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.figures import maps

ui.run_through_app()
sel = ui.page(
    "Briefing pack",
    "For a Safer Neighbourhood Board meeting: pick a borough and a period, read the pack here, "
    "then download it as a PDF (A4, readable in black and white) or as an Excel workbook with the "
    "tables behind every section.",
    filters=True, rules=True,
)
wards = state.table("wards")
borough = areas.borough_of(wards, sel.area)  # a ward's pack is its borough's
if borough.level != "borough":
    boroughs = dict(wards.select("borough_code", "borough_name").unique().sort("borough_name").iter_rows())
    borough_code = st.selectbox(
        "Borough for the pack", list(boroughs), format_func=boroughs.get, index=None, placeholder="Choose a borough", key="pack_borough"
    )
    if borough_code is None:
        st.info("A briefing pack is for one borough: choose one here or in the sidebar.")
        st.stop()
    borough = areas.resolve(wards, bcu=None, borough=borough_code, ward=None)
for_borough = sel.at(borough)

pack = views.briefing_pack(for_borough)
pdf, xlsx = views.briefing_files(for_borough)

st.header(pack.title)
if pack.is_sample:
    st.warning("This pack is built from **sample data**; its cover says so.")


# A fragment: a click reruns these two buttons only, so the file is the bytes built above, served
# at once (and audited as it is served), without drawing the page's figures again.
@st.fragment
def downloads(pack, pdf: bytes, xlsx: bytes) -> None:
    left, right = st.columns(2)
    # The pack holds member-derived figures (diversity, through disclosure control): each file served is audited.
    rows = sum(t.frame.height for section in pack.sections for t in section.tables)
    with left:
        ui.member_download("Download the PDF", lambda: pdf, rows=rows, file_name=f"{pack.file_stem()}.pdf", key="pack_pdf",
                           mime="application/pdf", what=f"briefing pack {pack.file_stem()}.pdf", type="primary")
    with right:
        ui.member_download("Download the Excel workbook", lambda: xlsx, rows=rows, file_name=f"{pack.file_stem()}.xlsx", key="pack_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           what=f"briefing pack {pack.file_stem()}.xlsx")
    st.caption(f"PDF {len(pdf) / 1024:,.0f} KB; workbook {len(xlsx) / 1024:,.0f} KB.")


downloads(pack, pdf, xlsx)

for i, section in enumerate(pack.sections, start=1):
    st.subheader(f"{i}. {section.title}")
    st.markdown(f"**{section.finding}**")
    for paragraph in section.paragraphs:
        st.write(paragraph)
    if section.ward_map is not None:
        counts = pl.DataFrame({"status": list(section.ward_map.status.values())}).group_by("status").len().sort("status")
        ui.show_table(counts.rename({"len": "wards"}), key=f"pack_map_{i}")
        spec, _, _ = views.view(maps.map_view, for_borough, metric="Panel status", highlight=None)
        st.pydeck_chart(maps.PreparedDeck(spec, maps.tooltip("Panel status")), key=f"pack_deck_{i}", height=maps.MAP_HEIGHT)
        st.caption("Each ward is lettered by status: F functioning, AR at risk, NF not functioning, NP no panel. "
                   "The PDF draws the same map in print.")
    for j, table in enumerate(section.tables):
        ui.show_table(table.frame, key=f"pack_table_{i}_{j}")
ui.sources_footer()
