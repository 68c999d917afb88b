"""Plotly figures for panel coverage (issue #4): graph_objects only (plotly.express is slow).

Status colours and words come from ``status_style``; every trace is named with the status word
and its symbol, so the legend reads without colour.
"""

from __future__ import annotations

import polars as pl
import plotly.graph_objects as go

from dashboard import status_style as s
from dashboard.coverage import _STATUS_COLUMN

_LAYOUT = dict(margin=dict(l=10, r=10, t=60, b=10), legend=dict(orientation="h", y=-0.15), template="plotly_white")


def status_bars(table: pl.DataFrame, *, title: str) -> go.Figure:
    """Stacked horizontal bars: for each area row of coverage_table, its wards by status."""
    rows = table.sort("pct_functioning", descending=True, nulls_last=True)
    fig = go.Figure()
    for status in reversed(s.STATUSES):  # functioning first, from the left
        col = _STATUS_COLUMN[status]
        fig.add_trace(go.Bar(
            y=rows["area"].to_list(), x=rows[col].to_list(), name=s.label(status), orientation="h",
            marker=dict(color=s.STYLES[status].hex, line=dict(color="#333333", width=0.5)),
            hovertemplate="%{y}: %{x} wards " + status.lower() + "<extra></extra>",
        ))
    fig.update_layout(barmode="stack", title=title, height=max(260, 24 * rows.height + 140),
                      yaxis=dict(autorange="reversed"), xaxis_title="Met wards", **_LAYOUT)
    return fig


def trend_lines(trend: pl.DataFrame, *, title: str) -> go.Figure:
    """Share of Met wards with a panel, and with a functioning panel, at each quarter end."""
    fig = go.Figure()
    x = trend["quarter_end"].to_list()
    fig.add_trace(go.Scatter(x=x, y=trend["pct_with_panel"].to_list(), name="With a panel (%)", mode="lines",
                             line=dict(color="#000000", dash="dash")))
    fig.add_trace(go.Scatter(x=x, y=trend["pct_functioning"].to_list(), name=f"{s.label(s.FUNCTIONING)} (%)",
                             mode="lines", line=dict(color=s.STYLES[s.FUNCTIONING].hex, width=3)))
    fig.update_layout(title=title, yaxis=dict(range=[0, 100], title="% of Met wards"), height=420, **_LAYOUT)
    return fig


def meetings_bars(by_quarter: pl.DataFrame, *, title: str) -> go.Figure:
    """One ward's meetings per quarter, and how many the DWO attended."""
    fig = go.Figure()
    x = by_quarter["quarter_start"].to_list()
    fig.add_trace(go.Bar(x=x, y=by_quarter["meetings"].to_list(), name="Meetings", marker_color="#56B4E9"))
    fig.add_trace(go.Bar(x=x, y=by_quarter["dwo_present"].to_list(), name="With the DWO there", marker_color="#0072B2"))
    fig.update_layout(title=title, barmode="overlay", height=320, yaxis_title="Meetings in the quarter", **_LAYOUT)
    return fig
