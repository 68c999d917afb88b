"""Engagement outcomes: outputs beside outcomes, and where they part company."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import periods
from dashboard.domain import vocabulary as v
from dashboard.figures import engagement_charts as charts
from dashboard.figures import engagement_views as ev
from dashboard.figures import outcomes as oc
from dashboard.figures.compare import comparison

ui.run_through_app()
sel = ui.page(
    "Engagement outcomes",
    "Outputs (activities, people reached) beside outcomes (promises achieved, residents told, and what residents "
    "think of local policing in the Public Attitude Survey).",
    filters=True, rules=True,  # the rubric sets the "you said, we did" window
)
area, period = sel.area, sel.period
if not ev.has_met_wards(state.table("wards"), area):
    st.info(ev.NO_MET_WARDS.format(name=area.name))
    ui.sources_footer()
    st.stop()

c1, c2 = st.columns(2)
measure = c1.selectbox("Survey measure", v.PAS_MEASURES, format_func=v.PAS_MEASURE_LABELS.get, key="oc_measure")
choices = ev.outcome_choices(state.rules().feedback_days)
outcome = c2.selectbox("Outcome for the comparison", list(choices), format_func=choices.get, key="oc_outcome")
first = periods.shift_quarters(period.end, -7)
view = views.view(ev.outcomes_view, sel, measure=measure, outcome=outcome, first=first)

st.subheader(f"{area.name}: {period.label}")
st.markdown(f"**{view.outputs_title}**")
table = comparison(oc.summary_rows(view.feedback_days), view.now, view.before, view.london, area_name=area.name, period=period)
ui.table_with_download(table, file_name=f"outputs_outcomes_{area.code or 'london'}_{period.end}.csv", key="oc_summary")

kinds = view.kinds
busiest = kinds.sort("activities", descending=True).row(0, named=True)
kind_title = (
    f"{area.name}: {busiest['kind']} was the most common activity ({busiest['activities']:,})"
    if busiest["activities"] else f"{area.name}: no engagement activities recorded in {period.label}"
)
st.plotly_chart(charts.hbar(kinds["kind"].to_list(), kinds["activities"].to_list(), kind_title), key="oc_kinds")
ui.table_with_download(kinds, file_name=f"engagement_by_kind_{period.end}.csv", key="oc_kinds")

st.header("Public Attitude Survey")
survey = view.survey.join(view.survey_london.select("measure", london_pct="value_pct"), on="measure")
st.plotly_chart(
    charts.compare_bars(
        survey["label"].to_list(),
        {area.name: survey["value_pct"].to_list(), **({} if area.is_london else {"London": survey["london_pct"].to_list()})},
        view.survey_title,
        colours=(charts.NOW, charts.LONDON),
    ),
    key="oc_survey",
)
quarter = dict(zip(view.survey["measure"], view.survey["quarter_end"]))[measure]
if quarter is None:
    st.info(f"There is no survey figure on or before the end of {period.label}.")
elif quarter < period.start:
    st.warning(f"The survey has no figures for {period.label}; these are the latest before it, for the 12 months to {charts.quarter_label(quarter)}.")
st.caption(
    "Survey figures are MOPAC's rolling 12-month estimates for each borough and quarter, so consecutive quarters overlap "
    "and are never added or averaged here. MOPAC's release does not publish the number of people asked (the base), so "
    "the base is shown as \u201cbase not published\u201d; where a base is known, one under 100 is marked small. "
    "For a BCU the figure is the plain average of its boroughs; for a ward, its borough's."
)
ui.table_with_download(view.survey, file_name=f"survey_{area.code or 'london'}_{period.end}.csv", key="oc_survey")
with st.expander("This measure by borough and quarter"):
    ui.table_with_download(view.survey_quarters, file_name=f"survey_by_quarter_{period.end}.csv", key="oc_survey_q")

st.header("Activity against outcomes")
y_title = choices[view.outcome].replace(" (boroughs only)", "")
if view.outcome != outcome:
    st.info("The survey has no ward figures, so wards are compared on promises achieved.")
x_title = "Activities per Met ward" if view.point_level == "borough" else "Activities"
st.plotly_chart(
    charts.scatter(
        view.points, x="activity", y=view.outcome, name="name", group="quadrant", groups=oc.QUADRANTS,
        x_median=view.x_median, y_median=view.y_median, title=view.scatter_title, x_title=x_title,
        y_title=y_title, y_percent=view.outcome != "survey_pct",
    ),
    key="oc_scatter",
)
st.caption(
    "Each point is a " + view.point_level + "; the dashed lines are the London medians. An association here is not a cause: "
    "busy areas may have harder problems, and survey and promise figures move for many reasons."
)
cols = ["name", "quadrant", "activity", view.outcome, "closed"] + (["survey_quarter", "survey_base"] if view.point_level == "borough" else [])
ui.table_with_download(view.points.select(cols).sort("quadrant", "name"), file_name=f"activity_vs_outcome_{period.end}.csv", key="oc_points")
ui.sources_footer()
