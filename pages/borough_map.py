"""Borough map: every ward coloured by a chosen measure, London-wide or one borough."""

import polars as pl
import streamlit as st

from dashboard.app import state, ui, views, ward_view
from dashboard.domain import areas
from dashboard.domain.formatting import uk_date
from dashboard.figures import coverage, maps

ui.run_through_app()
sel = ui.page(
    "Borough map",
    "Every 2022 ward with its borough outline. Hover over a ward for its status and reasons; click it to see its panel in detail.",
    filters=True, rules=True,
)
area, as_of = sel.area, sel.as_of
metric_name = st.selectbox("Colour the wards by", list(maps.METRICS), key="map_metric", bind="query-params")
metric = maps.METRICS[metric_name]

wards = state.table("wards")
# A chosen ward is shown within its borough, outlined.
shown = areas.borough_of(wards, area)
highlight = area.code if area.level == "ward" else None
exact = metric.member_derived and ui.exact_counts()  # a member-derived measure is exact only for roles allowed it
spec, values, title = views.view(maps.map_view, sel.at(shown), metric=metric_name, highlight=highlight, exact=exact)
st.subheader(title)
st.caption(f"{metric.explain} As of {uk_date(as_of)}.")

event = st.pydeck_chart(maps.PreparedDeck(spec, maps.tooltip(metric.title)), on_select="rerun",
                        selection_mode="single-object", key="ward_map", height=maps.MAP_HEIGHT)

legend = maps.legend(metric)
st.markdown("**Legend**  \n" + "  \n".join(f"{key} — {meaning}" for key, meaning in legend.select("key", "meaning").iter_rows()))
st.html(
    "<div style='display:flex;flex-wrap:wrap;gap:12px;font-size:13px'>"
    + "".join(
        f"<span><span style='display:inline-block;width:14px;height:14px;background:{colour};border:1px solid #333;vertical-align:middle'></span> {key}</span>"
        for colour, key in legend.select("colour", "key").iter_rows()
    )
    + "</div>"
)

picked = (event.selection.objects.get("wards") or [None])[0] if event and event.selection else None
ward_code = (picked or {}).get("properties", {}).get("ward_code") or (area.code if area.level == "ward" else None)

def as_table(values):
    return coverage.with_icons(
        values.join(wards.select("ward_code", "ward_name", "borough_name"), on="ward_code")
        .sort("borough_name", "ward_name")
        .select("ward_name", "borough_name", "status", pl.col("label").alias(metric.title), pl.col("key").alias("map key"),
                pl.col("reason_text").alias("reasons"), "ward_code")
    )


with st.expander("The map as a table"):
    file_name = f"map_{shown.code or 'london'}_{as_of}.csv"
    if metric.member_derived:
        published = values if not exact else views.view(maps.map_view, sel.at(shown), metric=metric_name, highlight=highlight, exact=False)[1]
        ui.table_with_protected_download(as_table(values), as_table(published), file_name=file_name, key="map_values")
    else:
        ui.table_with_download(as_table(values), file_name=file_name, key="map_values")

if ward_code:
    ward_view.show(sel, ward_code, key="map_detail")
else:
    st.caption("Click a ward on the map, or choose one in the sidebar, to see its panel in detail.")
ui.sources_footer()
