"""Remedy plans: for each ward with no panel or a panel not functioning, what the Met plans."""

import polars as pl
import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import areas
from dashboard.domain.formatting import are, counted, uk_date
from dashboard.figures import coverage

ui.run_through_app()
sel = ui.page(
    "Remedy plans",
    "For every ward with no panel, or a panel that is not functioning: the action agreed, who owns it and when it is due.",
    filters=True, rules=True,
)
area, as_of = sel.area, sel.as_of
wards = state.table("wards")
in_area = areas.wards_in(wards, area)["ward_code"].implode()
status = views.ward_status(sel).filter(pl.col("ward_code").is_in(in_area))
plans = coverage.remedy_table(status, wards, state.table("remedy_plans"), as_of=as_of)
n = plans.height
by_state = dict(plans["plan_state"].value_counts().iter_rows())
no_plan, past_due, on_time = (by_state.get(k, 0) for k in (coverage.NO_PLAN, coverage.PAST_DUE, coverage.NOT_YET_DUE))

if areas.met_wards_in(wards, area).is_empty():
    st.subheader(f"{area.name}: no Met wards (policed by City of London Police, outside the Met's ward panel scheme)")
elif n == 0:
    st.subheader(f"{area.name}: every ward has a panel that is functioning or at risk; no plan is needed")
else:
    st.subheader(f"{area.name}: {no_plan:,} of {counted(n, 'ward')} needing a plan {'has' if n == 1 else 'have'} none, "
                 f"and {counted(past_due, 'plan')} {are(past_due)} past due")
st.caption(f"On {uk_date(as_of)}, the last day of the chosen period. A plan counts if it was agreed by then and not yet completed.")
for col, (label, value, help_) in zip(st.columns(4), [
    ("Wards needing a plan", n, "No panel, or a panel not functioning, on the date."),
    ("⚠ No plan", no_plan, "No remedy plan agreed and still open."),
    ("⚠ Past due", past_due, "The plan's due date has passed and it is not completed."),
    ("Not yet due", on_time, "A plan is in place and not yet due."),
]):
    col.metric(label, f"{value:,}", help=help_)

shown = plans.with_columns(
    pl.when(pl.col("plan_state") == coverage.NOT_YET_DUE).then(pl.col("plan_state")).otherwise(pl.lit("⚠ ") + pl.col("plan_state")).alias("plan_state")
)
ui.table_with_download(coverage.with_icons(shown), file_name=f"remedy_plans_{area.code or 'london'}_{as_of}.csv", key="remedy")
ui.sources_footer()
