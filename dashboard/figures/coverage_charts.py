"""Plotly figures for panel coverage: graph_objects only (plotly.express is slow).

Status colours and words come from ``status_style``; every trace is named with the status word
and its symbol, so the legend reads without colour.

Figures are built from plain dicts with plotly's validation off (``_validate=False``): the specs
here are fixed and tested, and validating them cost 20-25 ms a figure, half the page's warm
rerun budget. A named template (``template="plotly_white"``) alone cost ~40 ms, so the few
styles wanted are set directly.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.domain import status_style as s
from dashboard.figures.coverage import _STATUS_COLUMN

_LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    "legend": {"orientation": "h", "y": -0.15},
    "plot_bgcolor": "#ffffff",
    "paper_bgcolor": "#ffffff",
    "xaxis": {"gridcolor": "#e5e5e5"},
    "yaxis": {"gridcolor": "#e5e5e5"},
}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    merged = {**_LAYOUT, **layout}
    for axis in ("xaxis", "yaxis"):
        merged[axis] = {**_LAYOUT[axis], **layout.get(axis, {})}
    return go.Figure({"data": data, "layout": merged}, _validate=False)


def status_bars(table: pl.DataFrame, *, title: str) -> go.Figure:
    """Stacked horizontal bars: for each area row of coverage_table, its wards by status."""
    rows = table.sort("pct_functioning", descending=True, nulls_last=True)
    areas = rows["area"].to_list()
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": areas,
            "x": rows[_STATUS_COLUMN[status]].to_list(),
            "name": s.label(status),
            "marker": {"color": s.STYLES[status].hex, "line": {"color": "#333333", "width": 0.5}},
            "hovertemplate": "%{y}: %{x} wards " + status.lower() + "<extra></extra>",
        }
        for status in reversed(s.STATUSES)  # functioning first, from the left
    ]
    return _figure(data, {"barmode": "stack", "title": {"text": title}, "height": max(260, 24 * rows.height + 140),
                          "yaxis": {"autorange": "reversed"}, "xaxis": {"title": {"text": "Met wards"}}})


def trend_lines(trend: pl.DataFrame, *, title: str) -> go.Figure:
    """Share of Met wards with a panel, and with a functioning panel, at each quarter end."""
    x = trend["quarter_end"].cast(pl.String).to_list()
    data = [
        {"type": "scatter", "mode": "lines", "x": x, "y": trend["pct_with_panel"].to_list(), "name": "With a panel (%)",
         "line": {"color": "#000000", "dash": "dash"}},
        {"type": "scatter", "mode": "lines", "x": x, "y": trend["pct_functioning"].to_list(),
         "name": f"{s.label(s.FUNCTIONING)} (%)", "line": {"color": s.STYLES[s.FUNCTIONING].hex, "width": 3}},
    ]
    return _figure(data, {"title": {"text": title}, "height": 420, "yaxis": {"range": [0, 100], "title": {"text": "% of Met wards"}}})


def meetings_bars(by_quarter: pl.DataFrame, *, title: str) -> go.Figure:
    """One ward's meetings per quarter, and how many the DWO attended."""
    x = by_quarter["quarter_start"].cast(pl.String).to_list()
    data = [
        {"type": "bar", "x": x, "y": by_quarter["meetings"].to_list(), "name": "Meetings", "marker": {"color": "#56B4E9"}},
        {"type": "bar", "x": x, "y": by_quarter["dwo_present"].to_list(), "name": "With the DWO there", "marker": {"color": "#0072B2"}},
    ]
    return _figure(data, {"title": {"text": title}, "barmode": "overlay", "height": 320,
                          "yaxis": {"title": {"text": "Meetings in the quarter"}}})
