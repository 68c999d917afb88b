"""Overview: headline figures for an area and period, beside the previous period and London."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.domain.formatting import uk_date
from dashboard.figures import overview

ui.run_through_app()
sel = ui.page(
    "Ward Panel Monitor",
    "Safer Neighbourhood ward panels across London: whether every ward has one, whether it meets, "
    "what it promised and what came of it.",
    filters=True, rules=True,  # the rubric sets the "you said, we did" window
)
area, period = sel.area, sel.period
now, before, london = views.overview_figures(sel)

st.header(f"{area.name}: {period.label}")
all_wards = areas.wards_in(state.table("wards"), area).height
if all_wards != now.wards:
    st.caption(
        f"{all_wards:,} wards, of which {now.wards:,} are policed by the Met. The City of London's wards "
        "are policed by City of London Police and are outside the Met's ward panel scheme."
    )

cards = overview.cards(now, before)
for row in (cards[:4], cards[4:]):
    for col, card in zip(st.columns(4), row):
        col.metric(
            card.label,
            card.value,
            card.delta,
            delta_color="off" if card.delta in overview.NOT_A_CHANGE else card.delta_color,
            delta_arrow="off" if card.delta in overview.NOT_A_CHANGE else "auto",
            delta_description=("on the quarter before" if period.span == "quarter" else "on the 12 months before")
            if card.delta
            else None,
            help=card.help,
        )

st.subheader(overview.comparison_title(now, london, area))
table = overview.comparison_table(now, before, london, area_name=area.name, period=period)
ui.table_with_download(table, file_name=f"overview_{area.code or 'london'}_{period.end}.csv", key="overview")
if now.good_job_on is not None:
    st.caption(
        f"Public Attitude Survey figures are for the 12 months to {uk_date(now.good_job_on)}, the latest "
        "survey quarter in the period. For a BCU they are the average of its boroughs; for a ward, its borough's."
    )
ui.sources_footer()
