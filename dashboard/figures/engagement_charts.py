"""Plotly figures for the Meetings, Promises and Engagement outcomes pages.

plotly.graph_objects only (plotly.express costs ~36 ms a figure; the warm rerun budget is
50 ms). Builders take ready frames and a title (the computed finding) and make no st.* calls.
Colours are Okabe-Ito (colour-blind safe); every value is also written as text or on hover.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from dashboard.domain.formatting import MONTHS

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
NOW, BEFORE, LONDON = OKABE_ITO[0], OKABE_ITO[4], OKABE_ITO[1]


def quarter_label(day: dt.date) -> str:
    """31 December 2023 -> 'Oct-Dec 2023'."""
    return f"{MONTHS[day.month - 3][:3]}-{MONTHS[day.month - 1][:3]} {day.year}"


def _figure(traces: list[dict], title: str, *, height: int = 420, **layout) -> go.Figure:
    """One go.Figure from plain dicts: a single validation pass, several times faster than
    building a figure and then calling update_layout/update_yaxes (the speed budget)."""
    base: dict = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "legend": {"orientation": "h", "y": -0.15},
    }
    return go.Figure(data=traces, layout=base | layout)


def heatmap(frame: pl.DataFrame, title: str, *, per_ward: bool) -> go.Figure:
    """Rows (wards or boroughs) by quarter; each cell shows its number as text too."""
    quarters = sorted(set(frame["quarter_end"].to_list()))
    names = sorted(set(frame["row_name"].to_list()), reverse=True)  # A at the top
    lookup = {(r, q): val for r, q, val in frame.select("row_name", "quarter_end", "value").iter_rows()}
    z = [[lookup.get((n, q)) for q in quarters] for n in names]
    text = [[("" if x is None else f"{x:.1f}" if per_ward else f"{x:.0f}") for x in row] for row in z]
    trace = {
        "type": "heatmap", "z": z, "x": [quarter_label(q) for q in quarters], "y": names, "text": text,
        "texttemplate": "%{text}", "colorscale": "Cividis", "zmin": 0,
        "colorbar": {"title": {"text": "per ward" if per_ward else "count"}},
        "hovertemplate": "%{y}<br>%{x}: %{text}<extra></extra>",
    }
    return _figure([trace], title, height=max(320, 110 + 22 * len(names)), xaxis={"side": "top"},
                   margin={"l": 10, "r": 10, "t": 100, "b": 10})


def compare_bars(labels: list[str], series: dict[str, list[float | None]], title: str, *, unit: str = "%",
                 colours: tuple[str, ...] = (NOW, BEFORE, LONDON)) -> go.Figure:
    """Grouped horizontal bars: each figure for the area now, before, and London (the same
    colour means the same thing on every chart, so pass (NOW, LONDON) when there is no before)."""
    traces = [
        {"type": "bar", "y": labels, "x": values, "name": name, "orientation": "h", "marker": {"color": colour},
         "text": ["no data" if x is None else f"{x:.0f}{unit}" for x in values], "textposition": "outside"}
        for (name, values), colour in zip(series.items(), colours)
    ]
    return _figure(traces, title, height=120 + 70 * len(labels), barmode="group", xaxis={"ticksuffix": unit},
                   yaxis={"autorange": "reversed"})


def lines(frame: pl.DataFrame, x: str, ys: dict[str, str], title: str, *, y_title: str, percent: bool = False) -> go.Figure:
    """One line per column in ``ys`` (column -> legend name), markers on, quarters on x."""
    xs = [quarter_label(q) for q in frame[x].to_list()]
    traces = []
    for (col, name), colour in zip(ys.items(), OKABE_ITO):
        values = frame[col].to_list()
        if percent:
            values = [None if v is None else v * 100 for v in values]
        traces.append({"type": "scatter", "x": xs, "y": values, "name": name, "mode": "lines+markers", "line": {"color": colour}})
    return _figure(traces, title, yaxis={"title": y_title, "rangemode": "tozero", **({"ticksuffix": "%"} if percent else {})})


def stacked_shares(frame: pl.DataFrame, x: str, parts: tuple[str, ...], title: str) -> go.Figure:
    """100% stacked bars per quarter (shares 0-1 in ``parts`` columns)."""
    xs = [quarter_label(q) for q in frame[x].to_list()]
    traces = []
    for part, colour in zip(parts, OKABE_ITO):
        values = [None if v is None else v * 100 for v in frame[part].to_list()]
        traces.append({"type": "bar", "x": xs, "y": values, "name": part, "marker": {"color": colour},
                       "text": [None if v is None else f"{v:.0f}%" for v in values]})
    return _figure(traces, title, barmode="stack", yaxis={"ticksuffix": "%", "range": [0, 100]})


def hbar(labels: list[str], values: list[float | int | None], title: str, *, unit: str = "", colour: str = NOW) -> go.Figure:
    trace = {"type": "bar", "y": labels, "x": values, "orientation": "h", "marker": {"color": colour},
             "text": ["no data" if v is None else f"{v:,.0f}{unit}" for v in values], "textposition": "outside"}
    return _figure([trace], title, height=120 + 36 * len(labels), xaxis={"ticksuffix": unit}, yaxis={"autorange": "reversed"})


def stacked_hbar(frame: pl.DataFrame, label: str, parts: dict[str, str], title: str) -> go.Figure:
    """Horizontal 100% bars (counts in ``parts`` columns -> shares of their sum), one per row."""
    total = frame.select(pl.sum_horizontal(list(parts))).to_series().to_list()
    traces = []
    for (col, name), colour in zip(parts.items(), OKABE_ITO):
        shares = [None if not t else c / t * 100 for c, t in zip(frame[col].to_list(), total)]
        traces.append({"type": "bar", "y": frame[label].to_list(), "x": shares, "name": name, "orientation": "h",
                       "marker": {"color": colour}, "text": [None if s is None else f"{s:.0f}%" for s in shares]})
    return _figure(traces, title, height=140 + 24 * frame.height, barmode="stack", xaxis={"ticksuffix": "%", "range": [0, 100]},
                   yaxis={"autorange": "reversed"})


SYMBOLS = ("x", "circle", "diamond", "square", "circle-open")


def scatter(frame: pl.DataFrame, *, x: str, y: str, name: str, group: str, groups: tuple[str, ...], x_median: float | None,
            y_median: float | None, title: str, x_title: str, y_title: str, y_percent: bool) -> go.Figure:
    """Points coloured AND shaped by quadrant, with the London medians as dashed lines."""
    traces = []
    for g, colour, symbol in zip(groups, OKABE_ITO, SYMBOLS):
        part = frame.filter(pl.col(group) == g)
        if part.is_empty():
            continue
        ys = part[y].to_list()
        if y_percent:
            ys = [None if v is None else v * 100 for v in ys]
        traces.append({
            "type": "scatter", "x": part[x].to_list(), "y": ys, "mode": "markers", "name": g, "text": part[name].to_list(),
            "marker": {"color": colour, "symbol": symbol, "size": 10},
            "hovertemplate": "%{text}<br>" + x_title + ": %{x:.1f}<br>" + y_title + ": %{y:.0f}<extra>" + g + "</extra>",
        })
    shapes, notes = [], []
    line = {"dash": "dash", "color": "grey"}
    if x_median is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x_median, "x1": x_median, "y0": 0, "y1": 1, "line": line})
        notes.append({"xref": "x", "yref": "paper", "x": x_median, "y": 1, "text": "London median", "showarrow": False, "yanchor": "bottom"})
    if y_median is not None:
        ym = y_median * 100 if y_percent else y_median
        shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": ym, "y1": ym, "line": line})
        notes.append({"xref": "paper", "yref": "y", "x": 1, "y": ym, "text": "London median", "showarrow": False, "xanchor": "right", "yanchor": "bottom"})
    return _figure(traces, title, height=520, shapes=shapes, annotations=notes, xaxis={"title": x_title},
                   yaxis={"title": y_title, **({"ticksuffix": "%"} if y_percent else {})})
