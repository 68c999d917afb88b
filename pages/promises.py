"""Promises: what panels promised, what was delivered, and whether residents were told."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import periods
from dashboard.figures import alignment, crime, linked, partners
from dashboard.figures import engagement_charts as charts
from dashboard.figures import engagement_views as ev
from dashboard.figures import promises as pr
from dashboard.figures.compare import comparison

ui.run_through_app()
sel = ui.page(
    "Promises",
    "What ward panels promised, what came of it, who chose the promise, and whether residents were told (\u201cyou said, we did\u201d).",
    filters=True, rules=True,  # the rubric sets the "you said, we did" window
)
area, period = sel.area, sel.period
if not ev.has_met_wards(state.table("wards"), area):
    st.info(ev.NO_MET_WARDS.format(name=area.name))
    ui.sources_footer()
    st.stop()

review_days = st.number_input(
    "Days after which an open promise is past review",
    min_value=14, max_value=730, value=pr.DEFAULT_REVIEW_DAYS, step=7, key="pr_review",
    help="Default one quarter (91 days) from the day the promise was set.",
)
first = periods.shift_quarters(period.end, -7)  # categories over the two years to the period's end
view = views.view(ev.promises_view, sel, first=first, review_days=int(review_days))

st.subheader(f"{area.name}: {period.label}")
st.markdown(f"**{view.summary_title}**")
table = comparison(pr.summary_rows(view.feedback_days), view.now, view.before, view.london, area_name=area.name, period=period)
ui.table_with_download(table, file_name=f"promises_summary_{area.code or 'london'}_{period.end}.csv", key="pr_summary")

st.plotly_chart(charts.hbar(view.statuses["status"].to_list(), view.statuses["promises"].to_list(), view.status_title), key="pr_status")
ui.table_with_download(view.statuses, file_name=f"promise_status_{period.end}.csv", key="pr_status")
st.plotly_chart(charts.hbar(view.lags["band"].to_list(), view.lags["promises"].to_list(), view.lags_title), key="pr_lags")
st.caption(
    f"The rate in the title counts the promises closed in the period at least {view.feedback_days} days before its end, "
    f"and calls a promise told if residents were told the outcome within {view.feedback_days} days of its closing: every "
    "promise counted has had the same time, so a recent period is not understated and the rate does not change when "
    "seen later. The bars show every promise closed in the period by how long residents waited, as known on its last "
    "day. Feedback published before or on the day a promise closed counts as told and sits in \u201con or before closing\u201d."
)
ui.table_with_download(view.lags, file_name=f"promise_feedback_lag_{period.end}.csv", key="pr_lags")


st.subheader(view.overdue_title)
ui.table_with_download(view.overdue, file_name=f"promises_past_review_{period.end}.csv", key="pr_overdue")

cats = view.categories.rename({"category": "row_name", "promises": "value"})
st.plotly_chart(charts.heatmap(cats, view.categories_title, per_ward=False), key="pr_categories")
with st.expander("Categories by quarter as a table"):
    ui.table_with_download(view.categories, file_name=f"promise_categories_{period.end}.csv", key="pr_categories")

if view.origin.height:
    st.plotly_chart(
        charts.stacked_hbar(view.origin, "borough_name",
                            {"by_panel": "chosen by the panel", "by_borough": "set by the borough", "by_central": "set centrally"}, view.origin_title),
        key="pr_origin",
    )
else:
    st.info(f"No promises were set in {area.name} in {period.label}, so there is no origin to show.")
st.caption("Promises the panel chose compete for police time with priorities set by the borough or centrally.")
ui.table_with_download(view.origin, file_name=f"promise_origin_{period.end}.csv", key="pr_origin")

# Some priorities need a partner to lead the work: their completion beside the police's, and what stood in the way.
st.subheader("Promises led by partners")
led = views.view(partners.partner_view, sel)
st.markdown(f"**{led.finding}**")
if led.completion.height:
    st.plotly_chart(charts.hbar(led.completion["lead"].to_list(), led.completion["completion_pct"].to_list(), led.title, unit="%"),
                    key="pr_leads")
st.caption("Who leads a promise is the lead agency the board recorded for it (none recorded: the police). Completion is "
           "achieved of those closed in the period, as above; \u201call partners\u201d adds up every lead but the police.")
ui.table_with_download(led.by_lead, file_name=f"promises_by_lead_{area.code or 'london'}_{period.end}.csv", key="pr_leads")
if led.barriers.height:
    with st.expander(f"The barriers named ({led.barriers.height:,} promises)"):
        ui.table_with_download(led.barriers, file_name=f"promise_barriers_{area.code or 'london'}_{period.end}.csv",
                               key="pr_barriers")

st.subheader(view.recurrence_title)
st.caption(
    f"A ward's rounds are the days it set promises (about every six months). A category recurs when it was promised in each "
    f"of the ward's latest {pr.RECURRENCE_ROUNDS} rounds or more, up to the period's end: a sign the problem is not being solved."
)
ui.table_with_download(view.recurrence, file_name=f"recurring_promises_{period.end}.csv", key="pr_recurrence")

# Do the promises follow what the community said?
st.subheader("Do the promises follow the concerns?")
aligned = views.view(alignment.alignment_view, sel)
st.markdown(f"**{aligned.finding}**")
st.caption(
    "Concerns are those accepted by the board from the period and the six months before it, weighted by how many people "
    "raised them; the top concerns are each ward's three heaviest categories (ties all kept). Coverage is the share of "
    "that weight in a category the panel promised in the period. Concerns residents sent online count only once accepted."
)
st.plotly_chart(charts.hbar(aligned.bars["name"].to_list(), aligned.bars["coverage"].to_list(), aligned.bars_title, unit="%"),
                key="pr_alignment")
ui.table_with_download(aligned.rollup, file_name=f"promise_alignment_summary_{area.code or 'london'}_{period.end}.csv",
                       key="pr_alignment_rollup")
with st.expander("Every ward: top concerns beside the promises set"):
    ui.table_with_download(aligned.wards, file_name=f"promise_alignment_wards_{area.code or 'london'}_{period.end}.csv",
                           key="pr_alignment_wards")

# Contact sessions and other activities linked to the promises (engagement.promise_ref).
st.subheader("Contact sessions linked to promises")
links = views.view(linked.linked_view, sel)
st.markdown(f"**{links.finding}**")
st.caption("An activity is linked to a promise when the board records which promise it served. Counted: activities held from the day the promise was set to "
           "the period's last day, for every promise open at some time in the period. Boards ask that contact sessions be held "
           "where concern is greatest and linked to the ward's promises.")
ui.table_with_download(links.wards, file_name=f"promises_linked_by_ward_{area.code or 'london'}_{period.end}.csv", key="pr_linked_wards")
with st.expander("Every promise open in the period, with the activities linked to it"):
    ui.table_with_download(links.promises, file_name=f"promises_linked_{area.code or 'london'}_{period.end}.csv", key="pr_linked")

# Recorded crime (police.uk street-level counts) beside the promise categories.
st.subheader("Recorded crime beside the promises")
crimes = views.view(crime.crime_view, sel)
st.markdown(f"**{crimes.finding}**")
st.warning(crime.CAUTION)
if crimes.types.height:
    st.plotly_chart(charts.hbar(crimes.types["crime_type"].to_list(), crimes.types["recorded"].to_list(),
                                crimes.types_title), key="pr_crime_types")
    ui.table_with_download(crimes.types, file_name=f"crime_types_{area.code or 'london'}_{period.end}.csv", key="pr_crime_types")
    st.caption("Promise categories beside the crime recorded in the police.uk crime types matched to them (the matching is "
               "a plain list a board can read and change, crime_categories.toml), the promises set in the period and those "
               "open at its end.")
    ui.table_with_download(crimes.categories, file_name=f"crime_by_promise_category_{area.code or 'london'}_{period.end}.csv",
                           key="pr_crime_categories")
    with st.expander(f"Every {crimes.place}: its main crime type and the promises set in its category"):
        ui.table_with_download(crimes.places, file_name=f"crime_main_type_by_{crimes.place}_{area.code or 'london'}_{period.end}.csv",
                               key="pr_crime_places")
    st.caption("Counts are police.uk street-level records placed in LSOAs (2021) and shared between the 2022 wards each "
               "LSOA overlaps by its residents, so they may have decimals. Source: police.uk, Open Government Licence v3.0.")
ui.sources_footer()
