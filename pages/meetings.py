"""Meetings: where panels meet, who comes, whether the DWO is there, and officer continuity."""

import streamlit as st

from dashboard.app import state, ui, views
from dashboard.domain import periods
from dashboard.domain.formatting import uk_date
from dashboard.figures import engagement_charts as charts
from dashboard.figures import engagement_views as ev
from dashboard.figures import meetings as mt
from dashboard.figures.compare import as_pct, comparison

ui.run_through_app()
sel = ui.page(
    "Meetings",
    "How often ward panels meet, who attends, whether the Dedicated Ward Officer (DWO) is there, and officer continuity.",
    filters=True,
)
area, period = sel.area, sel.period
if not ev.has_met_wards(state.table("wards"), area):
    st.info(ev.NO_MET_WARDS.format(name=area.name))
    ui.sources_footer()
    st.stop()
first_data, _ = state.data_bounds()

# Quarters the heatmap and trends cover: any range ending no later than the chosen period.
names = [periods.quarter_name(q) for q in periods.quarter_ends(first_data, period.end)][::-1]
c1, c2 = st.columns([3, 1])
lo, hi = c1.select_slider(
    "Quarters shown in the heatmap and trends",
    options=names,
    value=(names[max(0, len(names) - 8)], names[-1]),
    format_func=lambda q: charts.quarter_label(periods.parse_quarter_name(q)),
    key=f"mt_range_{period.end}",
)
minimum = c2.number_input("Minimum meetings a quarter", min_value=1, max_value=6, value=mt.DEFAULT_MINIMUM, key="mt_minimum")
first, last = periods.parse_quarter_name(lo), periods.parse_quarter_name(hi)
view = views.view(ev.meetings_view, sel, first=first, last=last, minimum=int(minimum))

st.subheader(f"{area.name}: {period.label}")
st.plotly_chart(charts.heatmap(view.heat, view.heat_title, per_ward=view.heat_by == "borough"), key="mt_heat")
if view.heat_by == "borough":
    st.caption("Each cell is meetings per Met ward in the quarter, so boroughs of different sizes compare. Choose a borough to see its wards.")
with st.expander("Heatmap as a table"):
    ui.table_with_download(view.heat, file_name=f"meetings_heatmap_{area.code or 'london'}.csv", key="mt_heat")

share_keys = (("dwo", "DWO present"), ("reviewed", "Promises reviewed"), ("minutes", "Minutes published"), ("open", "Open to the public"))
series = {f"{area.name}, {period.label}": [as_pct(view.now[k]) for k, _ in share_keys],
          f"{area.name}, {period.previous().label}": [as_pct(view.before[k]) for k, _ in share_keys]}
if view.london is not None:
    series[f"London, {period.label}"] = [as_pct(view.london[k]) for k, _ in share_keys]
st.plotly_chart(charts.compare_bars([n for _, n in share_keys], series, view.shares_title), key="mt_shares")
table = comparison(mt.SUMMARY_ROWS, view.now, view.before, view.london, area_name=area.name, period=period)
ui.table_with_download(table, file_name=f"meetings_summary_{area.code or 'london'}_{period.end}.csv", key="mt_summary")
if view.now["open_unknown"]:
    st.caption(f"{view.now['open_unknown']:,} meetings did not record whether they were open to the public; the open share leaves them out.")

# Full width: the findings in these titles are too long for half a page.
trend = view.trend.join(view.london_trend.select("quarter_end", lnd="attendees", lnd_public="public"), on="quarter_end")
st.plotly_chart(
    charts.lines(trend, "quarter_end", {"attendees": "Attendance", "public": "Members of the public",
                                        "lnd": "Attendance, London", "lnd_public": "Public, London"},
                 view.trend_title, y_title="people per meeting"),
    key="mt_trend",
)
st.plotly_chart(charts.stacked_shares(view.trend, "quarter_end", ("in person", "online", "hybrid"), view.format_title), key="mt_format")
with st.expander("Trends as a table"):
    ui.table_with_download(view.trend, file_name=f"meetings_trends_{area.code or 'london'}.csv", key="mt_trends")

st.subheader(view.below_title)
ui.table_with_download(view.below, file_name=f"wards_below_minimum_{period.end}.csv", key="mt_below")
st.subheader(view.gaps_title)
st.caption("Longest gap: the most days between two meetings, where the later one is in the period, or since the last meeting to the period's end.")
ui.table_with_download(view.gaps, file_name=f"meeting_gaps_{period.end}.csv", key="mt_gaps")

st.header("Dedicated Ward Officer continuity")
st.subheader(view.dwo_title)
ui.table_with_download(view.dwo_table, file_name=f"dwo_summary_{period.end}.csv", key="mt_dwo_summary")
groups = view.churn
st.plotly_chart(
    charts.compare_bars(
        ["Wards meeting every quarter", "Meetings with the DWO present"],
        {g: [as_pct(a), as_pct(b)] for g, a, b in groups.select("group", "share_meeting_every_quarter", "share_meetings_with_dwo").iter_rows()},
        view.churn_title,
        colours=(charts.OKABE_ITO[5], charts.OKABE_ITO[2]),  # groups, not periods: not the now/before colours
    ),
    key="mt_churn",
)
st.caption(
    "High churn: 1.5 or more new officers a year over the two years to the period's end. "
    "Meeting every quarter and DWO presence are simple signs of a working panel, not the formal functioning status. "
    + ("For one ward the comparison is London-wide." if area.level == "ward" else "")
)
ui.table_with_download(groups, file_name=f"dwo_churn_{period.end}.csv", key="mt_churn")
with st.expander(f"Wards with no DWO in post on {uk_date(period.end)}"):
    ui.table_with_download(view.no_dwo.select("ward_name", "borough_name", "changes"), file_name=f"wards_without_dwo_{period.end}.csv", key="mt_nodwo")
with st.expander("Every ward's DWO tenure and changes"):
    ui.table_with_download(
        view.continuity.select("ward_name", "borough_name", "officer_ref", "in_post_since", "tenure_days", "changes", "changes_per_year", "high_churn"),
        file_name=f"dwo_continuity_{period.end}.csv", key="mt_cont",
    )
ui.sources_footer()
