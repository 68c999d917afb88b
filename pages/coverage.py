"""Panel coverage: which wards have no panel or one that is not functioning, and why."""

import polars as pl
import streamlit as st

from dashboard.app import state, ui, views, ward_view
from dashboard.domain import areas
from dashboard.domain import status_style as s
from dashboard.domain.formatting import pct, uk_date
from dashboard.domain.wards_in_time import CHANGE_DAY
from dashboard.figures import coverage, coverage_charts, functioning, wards_in_time

ui.run_through_app()
sel = ui.page(
    "Panel coverage",
    "MOPAC expects every ward to have a functioning ward panel. Where one is missing or not working, boards ask the Met what it plans to do.",
    filters=True, rules=True,
)
area, as_of = sel.area, sel.as_of
# The "Count by" choice is drawn beside its table, further down; its value is read first.
level = st.session_state.get("coverage_level", "Borough") if area.level in ("london", "bcu") else "Borough"
counts, table, attention = views.view(coverage.coverage_view, sel, count_by=level)

st.subheader(coverage.coverage_finding(area.name, counts))
st.caption(f"Panel status on {uk_date(as_of)}, the last day of the chosen period. "
           "City of London wards are policed by City of London Police and are not counted.")
if as_of < CHANGE_DAY:
    st.caption(wards_in_time.BEFORE_CHANGE_NOTE)
cards = [
    ("Met wards", f"{counts['wards']:,}"),
    ("With a panel", f"{counts['with_panel']:,} ({pct(counts['with_panel'] / counts['wards'] if counts['wards'] else None)})"),
] + [(s.label(st_), f"{counts[col]:,}") for st_, col in coverage._STATUS_COLUMN.items()]
for col, (label, value) in zip(st.columns(len(cards)), cards):
    col.metric(label, value)

if area.level in ("london", "bcu"):
    st.radio("Count by", ["Borough", "BCU", "London"], horizontal=True, key="coverage_level")
if table.height > 1:
    worst = table.sort("pct_functioning").row(0, named=True)
    title = f"Lowest share of wards with a functioning panel: {worst['area']}, {worst['functioning']} of {worst['wards']}"
    st.plotly_chart(coverage_charts.status_bars(table, title=title), key="coverage_chart")
st.markdown("**Wards by panel status** (click a column heading to sort)")
ui.table_with_download(table, file_name=f"coverage_{area.code or 'london'}_{as_of}.csv", key="coverage")

st.subheader(f"Wards needing attention: {attention.height:,}")
st.caption("Wards with no panel, a panel not functioning or one at risk, with the reasons and the remedy plan in place on the date. "
           "Plans are expected for wards with no panel or a panel not functioning.")
ui.table_with_download(attention, file_name=f"attention_{area.code or 'london'}_{as_of}.csv", key="attention")

with st.expander("How a panel's status is decided"):
    st.markdown(
        "A ward with no panel open on the date is **No panel**. Otherwise each rule below is checked; "
        "failing a rule marked *Not functioning* makes the panel **Not functioning**, failing only rules marked "
        "*At risk* makes it **At risk**, and meeting every rule makes it **Functioning**. Only the current panel's own "
        "meetings count. The rules live in `dashboard/figures/functioning.toml`, shown below."
    )
    ui.show_table(functioning.describe(state.rules()), key="rubric_table")
    st.code(state.rubric_text(), language="toml")

st.subheader("One ward in detail")
if area.level == "ward":
    ward_code = area.code
else:
    in_area = areas.wards_in(state.table("wards"), area)
    names = dict(in_area.select("ward_code", pl.format("{} ({})", "ward_name", "borough_name")).iter_rows())
    ward_code = st.selectbox("Ward", ["", *names], format_func=lambda c: names.get(c, "Choose a ward…"), key="coverage_ward")
    st.caption("Or choose a borough and then a ward in the sidebar.")
if ward_code:
    ward_view.show(sel, ward_code, key="coverage_detail")
ui.sources_footer()
