"""Coverage trend: wards with a panel and with a functioning panel, quarter by quarter."""

import streamlit as st

from dashboard.app import ui, views
from dashboard.domain import periods
from dashboard.domain.formatting import uk_date
from dashboard.figures import coverage_charts, wards_in_time

ui.run_through_app()
sel = ui.page(
    "Coverage trend",
    "Is it getting better? The share of Met wards with a panel, and with a functioning panel, at the end of each quarter.",
    filters=True, rules=True,
)
area = sel.area
# The rubric looks back 12 months, so the trend starts once a full year of data is held.
start, trend = views.coverage_trend(sel)
if trend is None:
    st.info(f"The trend starts once a full year of data is held, at the end of the quarter holding {uk_date(start)}. Choose a later quarter.")
    st.stop()

if trend.is_empty() or trend["wards"].max() == 0:
    st.info("There are no Met wards in this area to show.")
    st.stop()
last = trend.row(-1, named=True)
year_before = trend.filter(trend["quarter_end"] == periods.shift_quarters(last["quarter_end"], -4))
if year_before.height:
    before = year_before.row(0, named=True)
    change = last["pct_functioning"] - before["pct_functioning"]
    direction = "up from" if change > 0 else "down from" if change < 0 else "the same as"
    title = (f"{area.name}: {last['pct_functioning']:.0f}% of wards had a functioning panel on {uk_date(last['quarter_end'])}, "
             f"{direction} {before['pct_functioning']:.0f}% a year before")
else:
    title = f"{area.name}: {last['pct_functioning']:.0f}% of wards had a functioning panel on {uk_date(last['quarter_end'])}"
st.plotly_chart(coverage_charts.trend_lines(trend, title=title), key="trend_chart")
st.caption(
    "Each quarter is judged by the same rubric as the Panel coverage page, from the first quarter with a full "
    "12 months of data before it. Only a panel's current chair and latest "
    "membership review are held, so for past quarters those two rules use today's values (a review after the "
    "quarter end counts as met)."
)
st.caption(wards_in_time.TREND_NOTE)
ui.table_with_download(trend, file_name=f"coverage_trend_{area.code or 'london'}.csv", key="trend")
ui.sources_footer()
